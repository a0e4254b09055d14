"""The Balanced Scorecard core (SPEC §4): templates exactly as the SPEC's table, perspectives,
indicators and their KR links, delete / retire, the strategy map and its check, workspace copy."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from strategy_core.plan import bsc, okr, workspace
from strategy_core.track import tracking
from strategy_core.errors import ValidationError
from strategy_core.i18n import t

SPEC = Path(__file__).resolve().parents[2] / "shared" / "SPEC.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
SPEC_PERSPECTIVE = {"financial": "financial", "customer": "customer", "process": "process",
                    "learning & growth": "learning"}
SPEC_COMPARATOR = {"≥": ">=", "≤": "<=", ">": ">", "<": "<"}


# -- the SPEC §4 table --------------------------------------------------------------------------------

def spec_rows() -> list[dict]:
    """The industry-template rows of SPEC.md §4, read from the SPEC itself."""
    if not SPEC.exists():
        pytest.skip(f"SPEC.md not found at {SPEC} (../shared beside the clone): cannot compare the templates")
    text = SPEC.read_text(encoding="utf-8")
    section = text.split("## 4.", 1)[1].split("\n## ", 1)[0]
    rows, template = [], None
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] == "template" or set(cells[0]) <= {"-"} and cells[0]:
            continue
        template = cells[0] or template
        name, target = cells[2], cells[3]
        tokens = name.split()
        k = len(tokens)
        while k > 0 and CJK.search(tokens[k - 1]):
            k -= 1
        while k > 0 and tokens[k - 1].isdigit():   # "12-month renewal rate 12 个月续费率"
            k -= 1
        note = None
        m = re.match(r"^(.*?)\s*\((.*)\)\s*$", target)
        if m:
            target, note = m.group(1), m.group(2)
        m = re.match(r"^([≥≤<>])\s*(¥?)\s*([\d,.]+)\s*(.*)$", target)
        assert m, f"cannot read the target {target!r} in the SPEC"
        unit = " ".join(x for x in (m.group(2), m.group(4).strip()) if x)
        rows.append({"template": template, "perspective": SPEC_PERSPECTIVE[cells[1]],
                     "en": " ".join(tokens[:k]), "zh": " ".join(tokens[k:]),
                     "comparator": SPEC_COMPARATOR[m.group(1)], "target": float(m.group(3).replace(",", "")),
                     "unit": unit or None, "note": note})
    return rows


def template_key(spec_name: str) -> str:
    """'startup (3 perspectives)' → 'startup': the template whose English name it is."""
    found = [k for k, v in bsc.templates().items() if v["name"]["en"].lower() == spec_name.lower()]
    assert len(found) == 1, f"no template is named {spec_name!r} in English"
    return found[0]


def test_the_spec_table_was_read_whole():
    rows = spec_rows()
    assert len(rows) == 18
    assert len({r["template"] for r in rows}) == 4
    assert {r["zh"] for r in rows} >= {"月均现金流", "12 个月续费率", "净推荐值", "食材损耗率"}


def test_every_spec_row_is_in_the_templates_exactly():
    rows = spec_rows()
    by_template: dict[str, list[dict]] = {}
    for r in rows:
        by_template.setdefault(template_key(r["template"]), []).append(r)
    assert set(by_template) == set(bsc.templates()), "a template the SPEC does not have, or one missing"
    for key, wanted in by_template.items():
        shipped = bsc.templates()[key]["indicators"]
        assert len(shipped) == len(wanted), key
        by_zh = {row["name"]["zh"]: row for row in shipped}
        for w in wanted:
            row = by_zh.get(w["zh"])
            assert row is not None, f"{key}: {w['zh']} is missing"
            assert row["perspective"] == w["perspective"], (key, w["zh"])
            assert row["comparator"] == w["comparator"], (key, w["zh"])
            assert float(row["target"]) == w["target"], (key, w["zh"])
            assert row["name"]["en"].lower() == w["en"].lower(), (key, w["zh"])
            if w["unit"]:
                unit_en = row["unit"]["en"] if isinstance(row["unit"], dict) else row["unit"]
                assert unit_en == w["unit"], (key, w["zh"], unit_en)
            if w["note"]:
                assert row["note"]["en"] == w["note"], (key, w["zh"])
        # the template switches on every perspective its indicators stand in
        assert {r["perspective"] for r in wanted} <= set(bsc.templates()[key]["perspectives"])
    assert bsc.templates()["startup"]["perspectives"] == ["financial", "customer", "process"]


@pytest.mark.parametrize("key", ["startup", "retail", "saas", "services"])
def test_templates_speak_both_languages(key):
    tpl = bsc.templates()[key]
    assert CJK.search(tpl["name"]["zh"]) and not CJK.search(tpl["name"]["en"])
    zh, en = bsc.template_rows(key, "zh"), bsc.template_rows(key, "en")
    assert len(zh) == len(en) == len(tpl["indicators"])
    for a, b in zip(zh, en):
        assert CJK.search(a["name"]) and b["name"] and not CJK.search(b["name"])
        assert a["template"] == b["template"] == f"{key}.{a['template'].split('.', 1)[1]}"
        assert (a["comparator"], a["target"], a["perspective"]) == (b["comparator"], b["target"], b["perspective"])
        assert a["unit"] and b["unit"]
        assert (a["data_source"] is None) == (b["data_source"] is None)
        # every shipped row passes the same cleaning a user's row does
        bsc.clean_indicator(a, perspectives=list(bsc.PERSPECTIVES))
        bsc.clean_indicator(b, perspectives=list(bsc.PERSPECTIVES))


# -- templates applied ----------------------------------------------------------------------------------

def test_apply_template_adds_once_and_never_overwrites_an_edit(store, ws):
    assert bsc.apply_template(store, ws, "startup", "zh") == (6, 0)
    inds = bsc.list_indicators(store, ws)
    assert [i["name"] for i in inds] == ["月均现金流", "高毛利产品营收占比", "新客户获取成本", "老客户复购率",
                                         "订单交付周期", "产品不良率"]
    assert bsc.perspectives_of(store.get_workspace(ws)) == ["financial", "customer", "process"]
    cac = next(i for i in inds if i["template"] == "startup.cac")
    assert (cac["comparator"], cac["target"], cac["unit"]) == ("<", 200, "¥")
    # the team edits one, then applies the template again (even in the other language)
    bsc.update_indicator(store, cac["id"], {"target": 180, "name": "获客成本（线上）", "owner": "市场部"})
    assert bsc.apply_template(store, ws, "startup", "zh") == (0, 6)
    assert bsc.apply_template(store, ws, "startup", "en") == (0, 6)
    again = bsc.list_indicators(store, ws)
    assert len(again) == 6
    edited = store.row("indicator", cac["id"])
    assert (edited["target"], edited["name"], edited["owner"]) == (180, "获客成本（线上）", "市场部")


def test_a_fresh_workspace_takes_the_templates_perspectives(store, ws):
    """A workspace that never chose its perspectives (all four by default) and applies the startup
    template uses its three, so the scorecard can be complete without learning & growth."""
    from strategy_core.routines import progress
    bsc.apply_template(store, ws, "startup", "en")
    w = store.get_workspace(ws)
    assert bsc.perspectives_of(w) == ["financial", "customer", "process"]
    for i in bsc.list_indicators(store, ws):
        bsc.update_indicator(store, i["id"], {"owner": "Founder"})
    part = progress.scorecard_part(w, bsc.list_indicators(store, ws))
    assert part.status == progress.DONE and "progress.missing.bsc_learning" not in part.missing


def test_a_fresh_workspace_keeps_a_perspective_its_indicators_use(store, ws):
    bsc.add_indicator(store, ws, {"perspective": "learning", "name": "Training hours", "comparator": ">=",
                                  "target": 20, "frequency": "quarterly"})
    bsc.apply_template(store, ws, "startup", "en")
    assert bsc.perspectives_of(store.get_workspace(ws)) == list(bsc.PERSPECTIVES)


def test_apply_template_after_deleting_one_brings_back_only_that_one(store, ws):
    bsc.apply_template(store, ws, "retail", "en")
    first = bsc.list_indicators(store, ws)[0]
    bsc.delete_indicator(store, first["id"])
    assert bsc.apply_template(store, ws, "retail", "en") == (1, 3)
    assert sorted(i["template"] for i in bsc.list_indicators(store, ws)) == sorted(
        f"retail.{r['key']}" for r in bsc.templates()["retail"]["indicators"])


def test_a_template_switches_on_the_perspective_it_needs(store, ws):
    bsc.set_perspectives(store, ws, ["financial", "customer", "process"])
    assert bsc.apply_template(store, ws, "saas", "en") == (4, 0)
    assert "learning" in bsc.perspectives_of(store.get_workspace(ws))
    with pytest.raises(ValidationError) as e:
        bsc.apply_template(store, ws, "no-such-template", "en")
    assert e.value.errors[0].field == "template"


# -- perspectives ----------------------------------------------------------------------------------------

def test_three_perspectives_required_learning_optional(store, ws):
    assert bsc.perspectives_of(store.get_workspace(ws)) == list(bsc.PERSPECTIVES)  # all four by default
    bsc.set_perspectives(store, ws, ["process", "financial", "customer"])
    assert bsc.perspectives_of(store.get_workspace(ws)) == ["financial", "customer", "process"]
    for bad in (["financial", "customer"], ["financial", "customer", "learning"], []):
        with pytest.raises(ValidationError) as e:
            bsc.set_perspectives(store, ws, bad)
        assert [f.field for f in e.value.errors] == ["perspectives"]
        assert e.value.errors[0].key == "bsc.error.perspectives_min"
    with pytest.raises(ValidationError) as e:
        bsc.set_perspectives(store, ws, ["financial", "customer", "process", "people"])
    assert e.value.errors[0].field == "perspectives"
    # while learning is off, no indicator can stand in it
    with pytest.raises(ValidationError) as e:
        bsc.add_indicator(store, ws, {"perspective": "learning", "name": "Training hours", "comparator": ">=",
                                      "target": 20, "frequency": "quarterly"})
    assert [f.field for f in e.value.errors] == ["perspective"]
    assert bsc.list_indicators(store, ws) == []


def test_learning_cannot_be_dropped_while_it_holds_indicators(store, ws):
    bsc.set_perspectives(store, ws, list(bsc.PERSPECTIVES))
    iid = bsc.add_indicator(store, ws, {"perspective": "learning", "name": "Core-staff attrition", "unit": "%",
                                        "comparator": "<", "target": 10, "frequency": "quarterly"})
    with pytest.raises(ValidationError) as e:
        bsc.set_perspectives(store, ws, ["financial", "customer", "process"])
    assert e.value.errors[0].key == "bsc.error.perspective_in_use"
    assert "Learning & growth" in e.value.texts("en")[0] and "学习与成长" in e.value.texts("zh")[0]
    assert "learning" in bsc.perspectives_of(store.get_workspace(ws))
    bsc.delete_indicator(store, iid)
    bsc.set_perspectives(store, ws, ["financial", "customer", "process"])
    assert bsc.perspectives_of(store.get_workspace(ws)) == ["financial", "customer", "process"]


# -- indicators ---------------------------------------------------------------------------------------

GOOD = {"perspective": "customer", "name": "Repeat-purchase rate", "unit": "%", "comparator": ">=", "target": 30,
        "band": 5, "frequency": "monthly", "owner": "Ops"}


def test_indicator_validation_names_each_field(store, ws):
    with pytest.raises(ValidationError) as e:
        bsc.add_indicator(store, ws, {**GOOD, "comparator": "=", "target": 150, "band": -1})
    by_field = e.value.by_field()
    assert set(by_field) == {"comparator", "target", "band"}
    assert by_field["target"][0].key == "bsc.error.percent_range"
    assert by_field["band"][0].key == "error.min"
    en, zh = e.value.texts("en"), e.value.texts("zh")
    assert any(x.startswith("Comparator:") for x in en) and any(x.startswith("比较方式") for x in zh)
    assert any("between 0 and 100" in x for x in en) and any("0 到 100" in x for x in zh)
    assert bsc.list_indicators(store, ws) == []


@pytest.mark.parametrize("change,field", [({"name": "  "}, "name"), ({"target": None}, "target"),
                                          ({"target": -1}, "target"), ({"unit": "％", "target": 101}, "target"),
                                          ({"frequency": "hourly"}, "frequency"),
                                          ({"perspective": "marketing"}, "perspective")])
def test_indicator_single_bad_field(store, ws, change, field):
    with pytest.raises(ValidationError) as e:
        bsc.add_indicator(store, ws, {**GOOD, **change})
    assert [f.field for f in e.value.errors] == [field]
    assert bsc.list_indicators(store, ws) == []


def test_a_percent_target_at_the_edges_and_other_units_are_free(store, ws):
    assert bsc.add_indicator(store, ws, {**GOOD, "target": 100})
    assert bsc.add_indicator(store, ws, {**GOOD, "target": 0, "comparator": "<="})
    assert bsc.add_indicator(store, ws, {**GOOD, "unit": "¥", "target": 500000, "comparator": ">"})


def test_unknown_kr_link_is_refused(store, ws):
    other = workspace.create(store, {"name": "Other", "year": 2026})
    oid = okr.add_objective(store, other, {"level": "company", "title": "Grow"})
    foreign = okr.add_key_result(store, oid, {"statement": "Revenue from 1 to 2", "baseline": 1, "target": 2})
    for ids in ([987654321], [foreign]):
        with pytest.raises(ValidationError) as e:
            bsc.add_indicator(store, ws, {**GOOD, "key_result_ids": ids})
        assert [f.field for f in e.value.errors] == ["key_result_ids"]
        assert e.value.errors[0].key == "bsc.error.kr_unknown"
    assert bsc.list_indicators(store, ws) == [] and store.rows("indicator_kr", ws) == []


@pytest.fixture
def two_krs(store, ws):
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Customers come back"})
    a = okr.add_key_result(store, oid, {"statement": "Repeat rate from 22 % to 30 %", "baseline": 22, "target": 30,
                                        "unit": "%"})
    b = okr.add_key_result(store, oid, {"statement": "NPS from 6 to 8", "baseline": 6, "target": 8})
    return oid, a, b


def test_kr_links_are_replaced_on_update(store, ws, two_krs):
    _, a, b = two_krs
    iid = bsc.add_indicator(store, ws, {**GOOD, "key_result_ids": [a, a]})
    assert bsc.indicator_links(store, ws) == {iid: [a]}
    bsc.update_indicator(store, iid, {"key_result_ids": [b]})
    assert bsc.indicator_links(store, ws) == {iid: [b]}
    # the old link went to the trash, not silently away; one undo brings it back
    assert any(r["key_result_id"] == a for r in store.rows("indicator_kr", ws, deleted=True))
    bsc.update_indicator(store, iid, {"key_result_ids": [a, b]})
    assert sorted(bsc.indicator_links(store, ws)[iid]) == sorted([a, b])
    # an update that does not mention links leaves them alone
    bsc.update_indicator(store, iid, {"owner": "Growth"})
    assert sorted(bsc.indicator_links(store, ws)[iid]) == sorted([a, b])
    bsc.update_indicator(store, iid, {"key_result_ids": []})
    assert bsc.indicator_links(store, ws) == {}
    with pytest.raises(ValidationError) as e:
        bsc.update_indicator(store, iid, {"target": 130, "key_result_ids": [a]})
    assert e.value.errors[0].field == "target"
    assert store.row("indicator", iid)["target"] == 30 and bsc.indicator_links(store, ws) == {}


def test_delete_moves_readings_and_links_to_the_trash_and_undo_restores(store, ws, two_krs):
    _, a, _ = two_krs
    iid = bsc.add_indicator(store, ws, {**GOOD, "key_result_ids": [a]})
    other = bsc.add_indicator(store, ws, {**GOOD, "perspective": "financial", "name": "Revenue", "unit": "¥",
                                          "target": 1000, "comparator": ">"})
    bsc.add_link(store, ws, {"cause_kind": "indicator", "cause_id": iid, "effect_kind": "indicator",
                             "effect_id": other})
    tracking.paste_readings(store, iid, "2026-01-31\t24\n2026-02-28\t26\n2026-03-31\t29")
    before = {t: len(store.rows(t, ws)) for t in ("indicator", "indicator_kr", "strategy_link", "reading")}
    assert before == {"indicator": 2, "indicator_kr": 1, "strategy_link": 1, "reading": 3}

    bsc.delete_indicator(store, iid)
    assert [i["id"] for i in bsc.list_indicators(store, ws)] == [other]
    assert store.rows("indicator_kr", ws) == [] and store.rows("strategy_link", ws) == []
    assert tracking.list_readings(store, ws) == []
    (batch,) = store.trash_batches(ws)
    assert sorted(x["entity"] for x in batch["items"]) == sorted(
        ["indicator", "indicator_kr", "strategy_link", "reading", "reading", "reading"])

    assert store.undo(ws)["action"] == "indicator.delete"
    assert {t: len(store.rows(t, ws)) for t in before} == before
    assert bsc.indicator_links(store, ws) == {iid: [a]}
    assert [r["value"] for r in tracking.list_readings(store, ws)] == [24, 26, 29]


def test_delete_then_restore_from_the_trash(store, ws):
    iid = bsc.add_indicator(store, ws, GOOD)
    tracking.add_reading(store, iid, {"date": "2026-03-31", "value": 28})
    bsc.delete_indicator(store, iid)
    (batch,) = store.trash_batches(ws)
    assert workspace.restore_batch(store, ws, batch["batch"]) == 2
    assert [i["id"] for i in bsc.list_indicators(store, ws)] == [iid]
    assert len(tracking.list_readings(store, ws)) == 1


def test_retire_keeps_the_indicator_and_its_history(store, ws):
    iid = bsc.add_indicator(store, ws, GOOD)
    tracking.paste_readings(store, iid, "date,value\n2026-01-31,31\n2026-02-28,27")
    with pytest.raises(ValidationError) as e:
        bsc.retire_indicator(store, iid, "   ")
    assert e.value.errors[0].field == "retire_reason"
    assert bsc.list_indicators(store, ws, retired=True) == []
    bsc.retire_indicator(store, iid, "Replaced by member repeat rate")
    assert bsc.list_indicators(store, ws) == []
    (r,) = bsc.list_indicators(store, ws, retired=True)
    assert r["id"] == iid and r["retire_reason"] == "Replaced by member repeat rate" and r["retired_at"]
    assert [x["value"] for x in tracking.list_readings(store, ws)] == [31, 27]
    assert store.trash_batches(ws) == []
    # off the map too (the map holds what the team watches now)
    assert ("indicator", iid) not in bsc.map_nodes(store, ws)


# -- the strategy map ----------------------------------------------------------------------------------

@pytest.fixture
def small_map(store, ws):
    """learning → process → customer → financial, one indicator each, nothing linked yet."""
    ids = {}
    for p, name in (("financial", "Cash flow"), ("customer", "Repeat rate"), ("process", "Delivery cycle"),
                    ("learning", "Training hours")):
        ids[p] = bsc.add_indicator(store, ws, {"perspective": p, "name": name, "comparator": ">=", "target": 1,
                                               "frequency": "monthly"})
    return ids


def _findings(store, ws):
    return {(f.rule, f.entity_id): f for f in bsc.check_map(bsc.map_nodes(store, ws),
                                                               store.rows("strategy_link", ws))}


def _link(store, ws, cause, effect, kinds=("indicator", "indicator")):
    return bsc.add_link(store, ws, {"cause_kind": kinds[0], "cause_id": cause, "effect_kind": kinds[1],
                                    "effect_id": effect})


def test_map_check_finds_outcomes_without_drivers_and_drivers_leading_nowhere(store, ws, small_map):
    m = small_map
    f = _findings(store, ws)
    assert set(f) == {("map.no_driver", m["financial"]), ("map.no_driver", m["customer"]),
                      ("map.leads_nowhere", m["process"]), ("map.leads_nowhere", m["learning"])}
    assert f[("map.no_driver", m["financial"])].severity == "fail"
    assert f[("map.leads_nowhere", m["learning"])].severity == "warn"
    assert "Cash flow (Financial) is an outcome with no driver" in f[("map.no_driver", m["financial"])].text("en")
    assert "Cash flow（财务）" in f[("map.no_driver", m["financial"])].text("zh")
    _link(store, ws, m["learning"], m["process"])
    _link(store, ws, m["process"], m["customer"])
    _link(store, ws, m["customer"], m["financial"])
    assert _findings(store, ws) == {}


def test_a_link_against_the_map_is_a_warning(store, ws, small_map):
    m = small_map
    lid = _link(store, ws, m["financial"], m["process"])
    f = _findings(store, ws)
    back = [x for x in f.values() if x.rule == "map.direction"]
    assert len(back) == 1 and back[0].entity == "strategy_link" and back[0].entity_id == lid
    assert back[0].severity == "warn"
    assert "Cash flow → Delivery cycle" in back[0].text("en")
    # same level (or skipping one upwards) is not against the map
    _link(store, ws, m["learning"], m["customer"])
    assert len([x for x in _findings(store, ws).values() if x.rule == "map.direction"]) == 1


def test_self_link_duplicate_and_unknown_node_are_refused(store, ws, small_map):
    m = small_map
    with pytest.raises(ValidationError) as e:
        _link(store, ws, m["process"], m["process"])
    assert e.value.errors[0].key == "bsc.error.link_self" and e.value.errors[0].field == "effect_id"
    _link(store, ws, m["process"], m["customer"])
    with pytest.raises(ValidationError) as e:
        _link(store, ws, m["process"], m["customer"])
    assert e.value.errors[0].key == "bsc.error.link_exists"
    with pytest.raises(ValidationError) as e:
        _link(store, ws, 987654321, m["customer"])
    assert [x.field for x in e.value.errors] == ["cause_id"]
    # an objective stands on the map only once it has a perspective
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Customers come back"})
    with pytest.raises(ValidationError):
        _link(store, ws, m["process"], oid, kinds=("indicator", "objective"))
    okr.update_objective(store, oid, {"perspective": "customer"})
    _link(store, ws, m["process"], oid, kinds=("indicator", "objective"))
    assert len(store.rows("strategy_link", ws)) == 2
    # removing a link is undoable
    bsc.delete_link(store, store.rows("strategy_link", ws)[0]["id"])
    assert len(store.rows("strategy_link", ws)) == 1
    store.undo(ws)
    assert len(store.rows("strategy_link", ws)) == 2


def test_map_dot_draws_every_node_and_link(store, ws, small_map):
    m = small_map
    _link(store, ws, m["process"], m["customer"])
    nodes = bsc.map_nodes(store, ws)
    dot = bsc.map_dot(nodes, store.rows("strategy_link", ws), perspectives=list(bsc.PERSPECTIVES),
                      perspective_names={p: t("bsc.perspective." + p, "zh") for p in bsc.PERSPECTIVES})
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert f"i{m['process']} -> i{m['customer']};" in dot
    for p in bsc.PERSPECTIVES:
        assert f"cluster_{p}" in dot and f'i{m[p]} [label=' in dot
    assert 'label="内部流程"' in dot


# -- copy of a workspace ------------------------------------------------------------------------------

def _plan(store, wid):
    """The scorecard of a workspace in names, not ids."""
    inds = {i["id"]: i for i in bsc.list_indicators(store, wid)}
    krs = {k["id"]: k["statement"] for k in okr.list_key_results(store, wid)}
    nodes = bsc.map_nodes(store, wid)
    links = sorted((inds[i]["name"], krs[k]) for i, ks in bsc.indicator_links(store, wid).items() for k in ks)
    smap = sorted((nodes[(l["cause_kind"], l["cause_id"])]["label"], nodes[(l["effect_kind"], l["effect_id"])]["label"])
                  for l in store.rows("strategy_link", wid))
    fields = ("perspective", "name", "unit", "comparator", "target", "band", "frequency", "owner", "template")
    return [tuple(i[f] for f in fields) for i in inds.values()], links, smap


def test_copy_carries_the_scorecard_with_remapped_ids_and_leaves_history_behind(store, demo_ws):
    src = _plan(store, demo_ws)
    assert len(src[0]) == 6 and len(src[1]) == 4 and len(src[2]) == 8
    new = workspace.copy(store, demo_ws, "Demo 2027", 2027)
    assert _plan(store, new) == src
    assert store.get_workspace(new)["perspectives"] == store.get_workspace(demo_ws)["perspectives"]
    own = {i["id"] for i in bsc.list_indicators(store, new)} | {k["id"] for k in okr.list_key_results(store, new)} \
        | {o["id"] for o in okr.list_objectives(store, new)}
    for link in store.rows("indicator_kr", new):
        assert {link["indicator_id"], link["key_result_id"]} <= own
    for link in store.rows("strategy_link", new):
        assert {link["cause_id"], link["effect_id"]} <= own
    assert not own & ({i["id"] for i in bsc.list_indicators(store, demo_ws)}
                      | {k["id"] for k in okr.list_key_results(store, demo_ws)})
    assert tracking.list_check_ins(store, new) == [] and tracking.list_readings(store, new) == []
    assert bsc.check_map(bsc.map_nodes(store, new), store.rows("strategy_link", new)) \
        and len(bsc.check_map(bsc.map_nodes(store, new), store.rows("strategy_link", new))) == \
        len(bsc.check_map(bsc.map_nodes(store, demo_ws), store.rows("strategy_link", demo_ws)))


def test_copy_with_history_moves_check_ins_and_readings_along(store, ws, two_krs):
    _, a, _ = two_krs
    iid = bsc.add_indicator(store, ws, {**GOOD, "key_result_ids": [a]})
    tracking.paste_check_ins(store, a, "2026-02-01\t23\t6\n2026-03-01\t24.5\t7\tgood month")
    tracking.paste_readings(store, iid, "2026-02-28\t25\n2026-03-31\t27\tcampaign")
    new = workspace.copy(store, ws, "Acme 2027", 2027, history=True)
    (new_kr_a,) = [k["id"] for k in okr.list_key_results(store, new) if k["statement"].startswith("Repeat")]
    (new_ind,) = [i["id"] for i in bsc.list_indicators(store, new)]
    cis = tracking.list_check_ins(store, new)
    assert [(c["key_result_id"], c["date"].isoformat(), c["value"], c["confidence"], c["note"]) for c in cis] == [
        (new_kr_a, "2027-02-01", 23, 6, None), (new_kr_a, "2027-03-01", 24.5, 7, "good month")]
    rds = tracking.list_readings(store, new)
    assert [(r["indicator_id"], r["date"].isoformat(), r["value"], r["comment"]) for r in rds] == [
        (new_ind, "2027-02-28", 25, None), (new_ind, "2027-03-31", 27, "campaign")]
    # the source keeps its own
    assert len(tracking.list_check_ins(store, ws)) == 2 and len(tracking.list_readings(store, ws)) == 2
    # and a copy without history next to it has none
    bare = workspace.copy(store, ws, "Acme plan only", 2026)
    assert tracking.list_check_ins(store, bare) == [] and tracking.list_readings(store, bare) == []
    assert len(bsc.list_indicators(store, bare)) == 1 and len(bsc.indicator_links(store, bare)) == 1
