"""Day 7 · Risk plans: the TOP-3 rule, triggers, plans A/B/C and their comparison, firing on the board,
the demo's register, and the page in zh and en."""
import datetime as dt
import json

import pytest

from strategy_core import demo
from strategy_core.demo import risk as demo_risk
from strategy_core.plan import bsc, okr
from strategy_core.routines import risk
from strategy_core.track import monitor
from strategy_core.errors import ValidationError
from strategy_core.numbers import format_money
from strategy_core.routines.progress import DONE, IN_PROGRESS, NOT_STARTED
from strategy_core.store import Store
from tests.apptest import open_app, texts

AS_OF = dt.date(2026, 9, 30)


def demo_with_risks(store: Store, lang: str = "zh") -> int:
    """The demo workspace as of 30 September with its risk register (added here until demo.load does it)."""
    wid = demo.load(store, lang, 2026, today=AS_OF)
    if not risk.list_risks(store, wid):
        spec = json.loads(demo.DEMO_FILE.read_text("utf-8"))
        inds, krs = store.rows("indicator", wid), store.rows("key_result", wid)
        kr_keys = [k["key"] for o in spec["objectives"] for k in o["key_results"]]
        ctx = {"indicator": {i["template"].split(".", 1)[1]: i["id"] for i in inds},
               "kr": dict(zip(kr_keys, [k["id"] for k in krs])), "indicators": inds, "krs": krs,
               "objectives": store.rows("objective", wid), "annual_revenue": risk.annual_revenue(store, wid)}
        with store.transaction(wid, "demo.load") as tx:
            demo_risk.add_demo(tx, wid, lang, 2026, AS_OF, ctx)
    return wid


def field_errors(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return {f: [e.key for e in es] for f, es in exc.value.by_field().items()}


def _indicator(store, wid, name="NPS", unit="", comparator=">=", target=7.0):
    return bsc.add_indicator(store, wid, {"perspective": "customer", "name": name, "unit": unit,
                                          "comparator": comparator, "target": target, "frequency": "monthly"})


def plan(strategy="Switch to referral", cost=1000, result=10, unit="signups", channel=None):
    return {"strategy": strategy, "cost": cost, "expected_result": result, "expected_unit": unit, "channel": channel}


# -- the register -------------------------------------------------------------------------------------------

def test_at_most_three_top_risks_a_fourth_is_refused_naming_the_three(store, ws):
    names = ["Under-enrolment", "Cash crunch", "Key teacher leaves"]
    ids = [risk.add_risk(store, ws, {"name": n, "level": "red", "top": True}) for n in names]
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": "Supplier fails", "level": "yellow", "top": True})
    assert field_errors(e) == {"top": ["risk.error.top_full"]}
    msg = e.value.errors[0].text("en")
    assert all(f"“{n}”" in msg for n in names) and "At most 3" in msg
    assert "最多只能有 3 个 TOP 风险" in e.value.errors[0].text("zh")
    assert len(risk.list_risks(store, ws)) == 3          # nothing saved

    fourth = risk.add_risk(store, ws, {"name": "Supplier fails", "level": "yellow", "top": False})
    with pytest.raises(ValidationError) as e:
        risk.update_risk(store, fourth, {"top": True})
    assert field_errors(e) == {"top": ["risk.error.top_full"]}
    assert store.row("risk", fourth)["top"] is False
    # a TOP risk can still be edited; unmarking one frees a place for the fourth
    risk.update_risk(store, ids[0], {"level": "yellow"})
    risk.update_risk(store, ids[1], {"top": False})
    risk.update_risk(store, fourth, {"top": True})
    assert sorted(r["name"] for r in risk.list_risks(store, ws) if r["top"]) == sorted(
        ["Under-enrolment", "Key teacher leaves", "Supplier fails"])


def test_risk_fields_are_checked_and_nothing_half_saved(store, ws):
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": " ", "level": "purple", "impact_share": 130, "top": "maybe"})
    assert field_errors(e) == {"name": ["error.required"], "level": ["error.not_allowed"],
                               "top": ["error.not_allowed"], "impact_share": ["error.max"]}
    assert risk.list_risks(store, ws) == []
    rid = risk.add_risk(store, ws, {"name": "Churn", "level": "green", "impact_share": "12.5%", "top": "yes"})
    r = store.row("risk", rid)
    assert (r["impact_share"], r["top"], r["trigger_kind"]) == (12.5, True, None)


def test_a_trigger_must_point_to_a_live_indicator_or_kr(store, ws):
    nps = _indicator(store, ws)
    share = _indicator(store, ws, name="Repeat rate", unit="%", target=30)
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": "Churn", "level": "red", "trigger": "indicator:999999",
                                  "trigger_comparator": "<", "trigger_value": 6})
    assert field_errors(e) == {"trigger": ["risk.error.trigger_unknown"]}
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": "Churn", "level": "red", "trigger_kind": "key_result",
                                  "trigger_id": nps, "trigger_comparator": "<", "trigger_value": 6})
    assert field_errors(e) == {"trigger": ["risk.error.trigger_unknown"]}      # an indicator id is no KR
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": "Churn", "level": "red", "trigger_value": 6, "trigger_comparator": "<"})
    assert field_errors(e) == {"trigger": ["risk.error.trigger_missing"]}
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": "Churn", "level": "red", "trigger": ("indicator", nps),
                                  "trigger_comparator": "≈", "trigger_value": None})
    assert field_errors(e) == {"trigger_comparator": ["error.not_allowed"],
                               "trigger_value": ["risk.error.trigger_value_missing"]}
    with pytest.raises(ValidationError) as e:
        risk.add_risk(store, ws, {"name": "Churn", "level": "red", "trigger": ("indicator", share),
                                  "trigger_comparator": "<", "trigger_value": 250})
    assert field_errors(e) == {"trigger_value": ["risk.error.percent_range"]}
    assert risk.list_risks(store, ws) == []

    rid = risk.add_risk(store, ws, {"name": "Churn", "level": "red", "trigger": f"indicator:{nps}",
                                    "trigger_comparator": "<", "trigger_value": 6})
    assert store.row("risk", rid)["trigger_id"] == nps
    # the indicator is deleted: editing the risk without choosing another trigger is refused
    bsc.delete_indicator(store, nps)
    with pytest.raises(ValidationError) as e:
        risk.update_risk(store, rid, {"owner": "Ops"})
    assert field_errors(e) == {"trigger": ["risk.error.trigger_unknown"]}
    assert "no longer exists" in e.value.errors[0].text("en")
    # a retired indicator is not watched any more: refused too; a KR works
    bsc.retire_indicator(store, share, "replaced")
    with pytest.raises(ValidationError):
        risk.update_risk(store, rid, {"trigger": ("indicator", share)})
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Customers stay with us", "owner": "CEO"})
    kid = okr.add_key_result(store, oid, {"statement": "Churn from 8 % to 4 % by Q4", "baseline": 8, "target": 4,
                                          "unit": "%", "deadline": "2026-12-31", "owner": "CS"})
    risk.update_risk(store, rid, {"trigger_kind": "key_result", "trigger_id": kid, "trigger_comparator": ">",
                                  "trigger_value": 9})
    r = store.row("risk", rid)
    assert (r["trigger_kind"], r["trigger_id"], r["trigger_comparator"], r["trigger_value"]) == (
        "key_result", kid, ">", 9)
    risk.update_risk(store, rid, {"trigger": None, "trigger_value": None})   # clearing the trigger is fine
    assert store.row("risk", rid)["trigger_kind"] is None


# -- plans A/B/C ---------------------------------------------------------------------------------------------

def test_plans_need_strategy_and_a_cost_that_is_not_negative(store, ws):
    rid = risk.add_risk(store, ws, {"name": "Churn", "level": "red"})
    with pytest.raises(ValidationError) as e:
        risk.set_plan(store, rid, "A", plan(cost=-500))
    assert field_errors(e) == {"cost": ["risk.error.cost_negative"]}
    assert "-500" in e.value.errors[0].text("en") and "成本不能为负数" in e.value.errors[0].text("zh")
    with pytest.raises(ValidationError) as e:
        risk.set_plan(store, rid, "B", {"strategy": "", "cost": None, "expected_result": 0, "expected_unit": ""})
    assert field_errors(e) == {"strategy": ["error.required"], "cost": ["error.required"],
                               "expected_result": ["error.min_exclusive"]}
    with pytest.raises(ValidationError) as e:
        risk.set_plan(store, rid, "C", plan(unit=" "))
    assert field_errors(e) == {"expected_unit": ["risk.error.unit_missing"]}
    with pytest.raises(ValidationError) as e:
        risk.set_plan(store, rid, "D", plan())
    assert field_errors(e) == {"label": ["error.not_allowed"]}
    assert risk.list_plans(store, ws) == []

    pid = risk.set_plan(store, rid, "a", plan(cost="¥1,200"))
    assert risk.set_plan(store, rid, "A", {"cost": 0}) == pid           # the second save changes plan A
    p = store.row("risk_plan", pid)
    assert (p["label"], p["cost"], p["strategy"]) == ("A", 0, "Switch to referral")
    risk.delete_plan(store, rid, "A")
    assert risk.list_plans(store, ws) == []


def test_compare_plans_keeps_a_b_c_order_and_ranks_by_cost_per_unit():
    rows = risk.compare_plans([
        {"label": "C", "strategy": "group buying", "cost": 100_000, "expected_result": 1000, "expected_unit": "students"},
        {"label": "A", "strategy": "referral", "cost": 40_000, "expected_result": 500, "expected_unit": "Students "},
        {"label": "B", "strategy": "trial", "cost": 60_000, "expected_result": 300, "expected_unit": "students"},
    ])
    assert [r["label"] for r in rows] == ["A", "B", "C"]
    assert [r["cost_per_unit"] for r in rows] == [80, 200, 100]
    assert [r["rank"] for r in rows] == [1, 3, 2]
    assert [r["cheapest"] for r in rows] == [True, False, False]
    # different units are not ranked against each other; a plan without a result has no cost per unit
    rows = risk.compare_plans([
        {"label": "A", "cost": 500, "expected_result": 10, "expected_unit": "signups"},
        {"label": "B", "cost": 100, "expected_result": 20, "expected_unit": "% conversion"},
        {"label": "C", "cost": 50, "expected_result": None, "expected_unit": None},
    ])
    assert [r["cost_per_unit"] for r in rows] == [50, 5, None]
    assert [(r["rank"], r["comparable"], r["cheapest"]) for r in rows] == [
        (1, False, False), (1, False, False), (None, False, False)]
    # a tie keeps label order
    rows = risk.compare_plans([{"label": "B", "cost": 10, "expected_result": 1, "expected_unit": "x"},
                               {"label": "A", "cost": 20, "expected_result": 2, "expected_unit": "x"}])
    assert [(r["label"], r["rank"], r["cheapest"]) for r in rows] == [("A", 1, True), ("B", 2, False)]
    assert risk.compare_plans([]) == []


def test_comparison_chart_marks_the_cheapest_in_words():
    rows = risk.compare_plans([{"label": "A", "cost": 80, "expected_result": 1, "expected_unit": "students"},
                               {"label": "B", "cost": 200, "expected_result": 1, "expected_unit": "students"}])
    spec = risk.comparison_chart(rows, title="t", money=lambda v: f"¥{v:,.0f}",
                                 words={"plan": "Plan", "cost_per_unit": "Cost per unit", "cheapest": "cheapest"}
                                 ).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["label"] for v in values] == ["¥80  ★ cheapest", "¥200"]


# -- delete and undo -------------------------------------------------------------------------------------------

def test_delete_moves_the_risk_and_its_plans_to_the_trash_and_undo_brings_them_back(store, ws):
    rid = risk.add_risk(store, ws, {"name": "Churn", "level": "red", "top": True})
    for lb in risk.LABELS:
        risk.set_plan(store, rid, lb, plan(strategy=f"Plan {lb}: offer 2 free lessons"))
    other = risk.add_risk(store, ws, {"name": "Cash", "level": "green"})
    risk.set_plan(store, other, "A", plan())
    assert risk.delete_risk(store, rid) == 4
    assert [r["id"] for r in risk.list_risks(store, ws)] == [other]
    assert [p["risk_id"] for p in risk.list_plans(store, ws)] == [other]
    batch = store.trash_batches(ws)[0]
    assert sorted(i["entity"] for i in batch["items"]) == ["risk"] + ["risk_plan"] * 3
    assert store.undo(ws)["action"] == "risk.delete"
    assert len(risk.list_risks(store, ws)) == 2 and len(risk.list_plans(store, ws)) == 4
    assert store.row("risk", rid)["top"] is True


# -- the demo: impact, firing, progress ----------------------------------------------------------------------

def test_demo_impact_in_money_comes_from_the_onion(store):
    wid = demo_with_risks(store, "en")
    annual = risk.annual_revenue(store, wid)
    assert annual == pytest.approx(100_000_000)
    edu = risk.list_risks(store, wid)[0]
    assert edu["name"] == "Under-enrolment (education line)" and edu["level"] == "red"
    assert risk.impact_money(edu, annual) == pytest.approx(30_000_000)
    assert format_money(risk.impact_money(edu, annual), "CNY", "en") == "¥30,000,000"
    assert format_money(risk.impact_money(edu, annual), "CNY", "zh") == "¥3000万"
    assert risk.impact_money({"impact_share": 30}, None) is None
    assert risk.impact_money({"impact_share": None}, annual) is None


def test_on_the_demo_board_the_education_risk_fires_with_its_plan_a(store):
    wid = demo_with_risks(store, "zh")
    board = monitor.board(monitor.snapshot(store, wid), AS_OF)
    risks, plans = risk.list_risks(store, wid), risk.list_plans(store, wid)
    hits = risk.fired(risks, plans, board)
    assert [h["risk"]["name"] for h in hits] == ["招生不足（教育业务）"]
    h = hits[0]
    assert h["value"] < 25 and h["comparator"] == "<" and h["trigger_value"] == 25
    assert h["plan"]["label"] == "A" and "¥200" in h["plan"]["strategy"] and "¥80" in h["plan"]["strategy"]
    # CAC (≈ 214, fires above 230) and the live e-commerce KR (≈ 17 %, fires below 12) stay quiet —
    # until the KR trigger is set where its latest check-in stands
    pay = next(r for r in risks if r["trigger_kind"] == "key_result")
    assert board.krs[pay["trigger_id"]].current > 12
    risk.update_risk(store, pay["id"], {"trigger_value": 20})
    risks = risk.list_risks(store, wid)
    hits = risk.fired(risks, plans, board)
    assert {h["risk"]["id"] for h in hits} == {risks[0]["id"], pay["id"]}
    # a board before any reading: nothing fires
    early = monitor.board(monitor.snapshot(store, wid), dt.date(2026, 1, 1))
    assert risk.fired(risks, plans, early) == []


def test_demo_register_and_progress_part(store):
    wid = demo_with_risks(store, "en")
    risks, plans = risk.list_risks(store, wid), risk.list_plans(store, wid)
    assert [r["top"] for r in risks] == [True, True, True]
    assert len(plans) == 9
    triggers = {(r["trigger_kind"], r["trigger_comparator"], r["trigger_value"]) for r in risks}
    assert triggers == {("indicator", "<", 25), ("indicator", ">", 230), ("key_result", "<", 10)}
    edu = risk.compare_plans(list(risk.plans_of(plans, risks[0]["id"]).values()))
    assert [(c["label"], c["cost_per_unit"], c["cheapest"]) for c in edu] == [
        ("A", 80, True), ("B", 200, False), ("C", 100, False)]
    assert "¥2,999 → ¥1,799" in edu[2]["strategy"] and "50 firms" in edu[2]["strategy"]
    part = risk.progress_part(risks, plans)
    assert (part.key, part.status, part.filled, part.missing, part.page) == (
        "risks", DONE, {"risk": 3, "risk_plan": 9}, [], "risks")


def test_progress_part_says_what_is_missing(store, ws):
    assert risk.progress_part([], []).status == NOT_STARTED
    rid = risk.add_risk(store, ws, {"name": "Churn", "level": "red"})
    part = risk.progress_part(risk.list_risks(store, ws), risk.list_plans(store, ws))
    assert (part.status, part.missing) == (IN_PROGRESS, ["progress.missing.risk_top"])
    risk.update_risk(store, rid, {"top": True})
    risk.set_plan(store, rid, "A", plan())
    risk.set_plan(store, rid, "B", plan())
    part = risk.progress_part(risk.list_risks(store, ws), risk.list_plans(store, ws))
    assert (part.status, part.missing, part.warns) == (IN_PROGRESS, ["progress.missing.risk_plans"], 1)
    risk.set_plan(store, rid, "C", plan())
    part = risk.progress_part(risk.list_risks(store, ws), risk.list_plans(store, ws))
    assert (part.status, part.missing, part.filled) == (DONE, [], {"risk": 1, "risk_plan": 3})


# -- the page ---------------------------------------------------------------------------------------------------

def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def test_page_without_a_workspace_points_to_workspaces(db_location):
    at = open_app(db_location, lang="en", page="risks")
    no_exceptions(at)
    assert "Create a workspace" in texts(at)


@pytest.mark.parametrize("lang,words", [
    ("en", {"title": "Day 7 · Risk plans", "fired": "Trigger fired", "money": "30% · ¥30,000,000",
            "new": "Supplier fails", "top_full": "At most 3 risks can be TOP", "cheapest": "★ cheapest"}),
    ("zh", {"title": "第 7 天 · 风险预案", "fired": "风险已触发", "money": "30% · ¥3000万",
            "new": "供应商断供", "top_full": "最多只能有 3 个 TOP 风险", "cheapest": "★ 最省"}),
])
def test_page_in_both_languages_adds_a_risk_and_refuses_a_fourth_top(db_location, lang, words):
    s = Store(db_location)
    wid = demo_with_risks(s, lang)
    s.close()
    at = open_app(db_location, lang=lang, page="risks")
    no_exceptions(at)
    t = texts(at)
    assert words["title"] in t
    assert any(words["fired"] in e.value for e in at.error)
    register = at.dataframe[0].value
    assert words["money"] in register.iloc[0].tolist()
    assert any(words["cheapest"] in str(v) for v in at.dataframe[1].value.iloc[0].tolist())
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")

    # a fourth TOP risk: refused next to the TOP box, nothing saved
    at.text_input(key="risk_new__name").input(words["new"])
    at.checkbox(key="risk_new__top").check()
    at.button(key="risk_add").click().run()
    no_exceptions(at)
    assert any(words["top_full"] in m.value for m in at.markdown), texts(at)
    s = Store(db_location)
    try:
        assert len(risk.list_risks(s, wid)) == 3
    finally:
        s.close()
    # not TOP: saved, and it is selected for its plans
    at.checkbox(key="risk_new__top").uncheck()
    at.button(key="risk_add").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        rows = risk.list_risks(s, wid)
        assert [r["name"] for r in rows][-1] == words["new"] and len(rows) == 4 and not rows[-1]["top"]
    finally:
        s.close()
    assert at.selectbox(key="risk_selected").value == rows[-1]["id"]


def test_page_refuses_a_negative_cost_and_a_trigger_that_is_gone(db_location):
    s = Store(db_location)
    wid = demo_with_risks(s, "en")
    edu = risk.list_risks(s, wid)[0]
    rid = edu["id"]
    bsc.delete_indicator(s, edu["trigger_id"])           # the repeat-purchase rate is deleted
    before = {p["id"]: p["cost"] for p in risk.list_plans(s, wid)}
    s.close()
    at = open_app(db_location, lang="en", page="risks")
    no_exceptions(at)
    assert "deleted or retired" in at.dataframe[0].value.iloc[0].tolist()[4]
    assert not at.error                                   # a trigger that is gone fires nothing
    at.button(key=f"risk_save_{rid}").click().run()
    assert any("no longer exists" in m.value for m in at.markdown)
    at.number_input(key=f"risk_plan_{rid}_B__cost").set_value(-500)
    at.button(key=f"risk_plan_save_{rid}_B").click().run()
    no_exceptions(at)
    assert any("A cost cannot be negative" in m.value for m in at.markdown)
    s = Store(db_location)
    try:
        assert {p["id"]: p["cost"] for p in risk.list_plans(s, wid)} == before
    finally:
        s.close()


def test_page_edits_a_risks_impact_in_words_and_keeps_it_when_other_fields_change(db_location):
    """The edit form shows the stored impact in words, saves a change to it, and a save of another
    field keeps it (the form once read it under another key: the field showed empty and a save
    cleared it)."""
    s = Store(db_location)
    wid = demo_with_risks(s, "en")
    edu = risk.list_risks(s, wid)[0]
    rid, impact = edu["id"], edu["impact_text"]
    s.close()
    assert impact
    at = open_app(db_location, lang="en", page="risks")
    no_exceptions(at)
    assert at.text_input(key=f"risk_{rid}__impact_text").value == impact
    at.text_input(key=f"risk_{rid}__owner").input("Marketing lead")
    at.button(key=f"risk_save_{rid}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        row = s.row("risk", rid)
        assert (row["owner"], row["impact_text"]) == ("Marketing lead", impact)
    finally:
        s.close()
    at.text_input(key=f"risk_{rid}__impact_text").input("A third of the year's revenue")
    at.button(key=f"risk_save_{rid}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        assert s.row("risk", rid)["impact_text"] == "A third of the year's revenue"
    finally:
        s.close()
