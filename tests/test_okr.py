"""The OKR cascade: validation at entry, alignment rules, filters and the alignment view."""
import datetime as dt

import pytest

from strategy_core.plan import okr
from strategy_core.errors import ValidationError


def errors(exc):
    return {(e.field, e.key) for e in exc.value.errors}


def test_cascade_of_the_demo(store, demo_ws):
    objectives = okr.list_objectives(store, demo_ws)
    krs = okr.list_key_results(store, demo_ws)
    assert [o["level"] for o in objectives] == ["company", "department", "department", "employee"]
    assert [len([k for k in krs if k["objective_id"] == o["id"]]) for o in objectives] == [3, 2, 2, 2]
    tree = okr.cascade(objectives, krs)
    assert len(tree) == 1  # one company objective anchors everything
    company = tree[0]
    assert [len(k["children"]) for k in company["key_results"]] == [1, 1, 0]
    product = company["key_results"][1]["children"][0]
    assert product["objective"]["team"] == "产品技术部"
    assert product["key_results"][0]["children"][0]["objective"]["level"] == "employee"
    # every KR carries every field of SPEC §3's table
    kr1 = krs[0]
    for f in okr.KR_FIELDS:
        if f not in ("band_low", "band_high"):
            assert kr1[f] not in (None, ""), f


def test_kr_validation(store, ws):
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Delight customers"})
    with pytest.raises(ValidationError) as e:
        okr.add_key_result(store, oid, {"statement": "", "baseline": "abc", "deadline": "2025-06-30"})
    assert {("statement", "error.required"), ("baseline", "error.not_a_number"),
            ("deadline", "error.outside_year")} <= errors(e)
    with pytest.raises(ValidationError) as e:
        okr.add_key_result(store, oid, {"statement": "NPS 7 → 7", "baseline": 7, "target": 7})
    assert ("target", "okr.error.baseline_equals_target") in errors(e)
    with pytest.raises(ValidationError) as e:
        okr.add_key_result(store, oid, {"statement": "Churn", "baseline": 5, "target": 3, "direction": "up"})
    assert ("direction", "okr.error.direction_up") in errors(e)
    with pytest.raises(ValidationError) as e:
        okr.add_key_result(store, oid, {"statement": "Margin", "direction": "band", "band_low": 40, "band_high": 30})
    assert ("band_high", "okr.error.band_order") in errors(e)
    assert okr.list_key_results(store, ws) == []


def test_direction_follows_baseline_to_target_and_quarters_are_dates(store, ws):
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Faster delivery", "owner": "COO"})
    down = okr.add_key_result(store, oid, {"statement": "Delivery from 96 h to < 72 h by Q3", "baseline": "96",
                                           "target": "72", "deadline": "Q3"})
    k = store.row("key_result", down)
    assert k["direction"] == "down" and k["deadline"] == dt.date(2026, 9, 30) and k["owner"] == "COO"
    okr.update_key_result(store, down, {"baseline": 60, "target": 80})
    assert store.row("key_result", down)["direction"] == "up"


def test_objective_validation_and_alignment(store, ws):
    company = okr.add_objective(store, ws, {"level": "company", "title": "Grow"})
    kr = okr.add_key_result(store, company, {"statement": "Revenue from ¥1 M to ¥2 M", "baseline": 1, "target": 2})
    dept = okr.add_objective(store, ws, {"level": "department", "title": "Sales grows", "aligns_to": kr})
    dept_kr = okr.add_key_result(store, dept, {"statement": "Deals from 10 to 20", "baseline": 10, "target": 20})
    # a company objective anchors the tree
    with pytest.raises(ValidationError) as e:
        okr.update_objective(store, company, {"aligns_to": dept_kr})
    assert ("aligns_to", "okr.error.company_aligns") in errors(e)
    # an objective cannot support its own KR
    with pytest.raises(ValidationError) as e:
        okr.update_objective(store, dept, {"aligns_to": dept_kr})
    assert ("aligns_to", "okr.error.align_self") in errors(e)
    # nor a KR of an objective below it (a cycle)
    emp = okr.add_objective(store, ws, {"level": "employee", "title": "Close more", "aligns_to": dept_kr})
    emp_kr = okr.add_key_result(store, emp, {"statement": "Calls convert from 5 % to 8 %", "baseline": 5,
                                             "target": 8})
    with pytest.raises(ValidationError) as e:
        okr.update_objective(store, dept, {"aligns_to": emp_kr})
    assert ("aligns_to", "okr.error.align_cycle") in errors(e)
    with pytest.raises(ValidationError) as e:
        okr.add_objective(store, ws, {"level": "department", "title": "X", "aligns_to": 999999})
    assert ("aligns_to", "okr.error.kr_unknown") in errors(e)
    with pytest.raises(ValidationError) as e:
        okr.add_objective(store, ws, {"level": "team", "title": "", "period_start": "2026-09-01",
                                      "period_end": "2026-03-01"})
    assert {("level", "error.not_allowed"), ("title", "error.required"),
            ("period_end", "okr.error.period_order")} <= errors(e)
    with pytest.raises(ValidationError) as e:
        okr.add_objective(store, ws, {"level": "company", "title": "Next year", "period_end": "2027-03-31"})
    assert ("period_end", "error.outside_year") in errors(e)


def test_alignment_cycle_detection_is_pure():
    objectives = [{"id": 1, "aligns_to": None}, {"id": 2, "aligns_to": 10}, {"id": 3, "aligns_to": 20}]
    krs = [{"id": 10, "objective_id": 1}, {"id": 20, "objective_id": 2}, {"id": 30, "objective_id": 3}]
    assert okr.alignment_cycle(1, 30, objectives, krs)      # 1 would hang under its own grandchild
    assert not okr.alignment_cycle(3, 10, objectives, krs)  # skipping a level is no cycle


def test_delete_objective_takes_its_krs_to_the_trash(store, demo_ws):
    objectives = okr.list_objectives(store, demo_ws)
    prod = objectives[2]
    assert okr.delete_objective(store, prod["id"]) == 3
    assert all(k["objective_id"] != prod["id"] for k in okr.list_key_results(store, demo_ws))
    (batch,) = store.trash_batches(demo_ws)
    assert sorted(i["entity"] for i in batch["items"]) == ["key_result", "key_result", "objective"]
    # the employee objective that supported one of those KRs is not lost: it shows as its own root
    tree = okr.cascade(okr.list_objectives(store, demo_ws), okr.list_key_results(store, demo_ws))
    assert [t["objective"]["level"] for t in tree] == ["company", "employee"]


def test_filters(store, demo_ws):
    objectives = okr.list_objectives(store, demo_ws)
    krs = okr.list_key_results(store, demo_ws)
    assert [o["level"] for o in okr.filter_objectives(objectives, krs, levels=["department"])] == [
        "department", "department"]
    assert len(okr.filter_objectives(objectives, krs, teams=["产品技术部"])) == 2
    # an owner matches the objective's owner or any of its KRs' owners
    assert [o["level"] for o in okr.filter_objectives(objectives, krs, owners=["市场部"])] == ["company"]


def test_alignment_dot_escapes_and_wraps():
    objectives = [{"id": 1, "level": "company", "title": 'Say "hi" \\ to {all} <b>', "owner": "CEO"}]
    krs = [{"id": 2, "objective_id": 1, "statement": "x" * 200}]
    dot = okr.alignment_dot(objectives, krs, level_names={"company": "公司级"})
    assert '\\"hi\\"' in dot and "\\\\" in dot and "o1 -> k2" in dot and "…" in dot


def test_a_percent_kr_outside_0_to_100_is_refused_next_to_its_field(store, ws):
    from strategy_core.errors import ValidationError
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Make our regulars come back every week",
                                        "owner": "Founder"})
    with pytest.raises(ValidationError) as e:
        okr.add_key_result(store, oid, {"statement": "Repeat rate from 20 % to 150 % by Q4", "unit": "%",
                                        "baseline": 20, "target": 150, "deadline": "Q4", "owner": "Founder"})
    assert [(fe.field, fe.key) for fe in e.value.errors] == [("target", "okr.error.percent_range")]
    assert "150" in e.value.errors[0].text("zh") and "150" in e.value.errors[0].text("en")
    assert okr.list_key_results(store, ws) == []
    okr.add_key_result(store, oid, {"statement": "Repeat purchases +150 % by Q4", "unit": "% growth",
                                    "baseline": 0, "target": 150, "deadline": "Q4", "owner": "Founder"})
