"""Onion arithmetic: derived numbers, every kind of inconsistency, and the demo's gap."""
import pytest

from strategy_core.plan import onion, workspace
from strategy_core.errors import ValidationError
from strategy_core.findings import FAIL

WS = {"year": 2026, "day_basis": "month_30", "currency": "CNY"}


def node(id_, parent, kind, **kw):
    return {"id": id_, "parent_id": parent, "name": f"n{id_}", "kind": kind, "position": id_, **kw}


def test_demo_numbers_match_spec(store, demo_ws):
    ws = store.get_workspace(demo_ws)
    r = onion.compute(onion.list_nodes(store, demo_ws), ws)
    by_name = {n.node["name"]: n for n in r.nodes.values()}
    root = r.root
    assert root.annual == 100_000_000
    assert round(root.value) == 8_333_333
    assert round(root.daily) == 277_778
    assert by_name["核心产品"].value == pytest.approx(5_000_000)
    assert by_name["核心产品"].planned == pytest.approx(5_000_000)
    assert by_name["核心产品"].status == "ok"
    assert round(by_name["衍生服务"].value) == 3_333_333
    assert by_name["衍生服务"].planned == pytest.approx(333_000)
    assert by_name["线上"].value == pytest.approx(3_500_000)
    assert by_name["线下"].value == pytest.approx(1_500_000)
    assert by_name["抖音直播"].value + by_name["天猫旗舰店"].value == pytest.approx(3_500_000)
    # exactly one inconsistency: the services line's units × price
    assert [f.rule for f in r.findings] == ["onion.units_price"]
    gap = r.findings[0]
    assert gap.severity == FAIL and gap.entity_id == by_name["衍生服务"].node["id"]
    assert round(abs(gap.gap)) == 3_000_333 and gap.gap < 0
    assert "¥3,000,333" in gap.text("en") and "¥3,000,333" in gap.text("zh")
    assert "short by" in gap.text("en") and "缺口" in gap.text("zh")


def test_day_bases():
    nodes = [node(1, None, "amount", amount=36_500_000)]
    assert onion.compute(nodes, {**WS, "day_basis": "calendar", "year": 2026}).root.daily == pytest.approx(100_000)
    assert onion.compute(nodes, {**WS, "day_basis": "calendar", "year": 2028}).root.daily == pytest.approx(
        36_500_000 / 366)
    assert onion.compute(nodes, {**WS, "day_basis": "trading_days", "trading_days": 250}).root.daily == \
        pytest.approx(146_000)
    assert onion.compute(nodes, WS).root.daily == pytest.approx(36_500_000 / 12 / 30)


def test_children_that_do_not_add_up_are_named_in_money():
    nodes = [node(1, None, "amount", amount=1_200_000), node(2, 1, "amount", amount=60_000),
             node(3, 1, "amount", amount=30_000)]
    r = onion.compute(nodes, WS)
    (f,) = r.findings
    assert f.rule == "onion.children_sum" and f.entity_id == 1
    assert f.gap == pytest.approx(-10_000)
    assert "¥10,000" in f.text("en") and "¥90,000" in f.text("en")
    assert r.nodes[1].status == "gap"


def test_shares_must_total_100():
    nodes = [node(1, None, "amount", amount=1_200_000), node(2, 1, "share", share=60),
             node(3, 1, "share", share=30)]
    (f,) = onion.compute(nodes, WS).findings
    assert f.rule == "onion.shares_total" and f.params["total"] == 90
    assert f.gap == pytest.approx(-10_000)


def test_shares_over_100_are_flagged_as_over():
    nodes = [node(1, None, "amount", amount=1_200_000), node(2, 1, "share", share=70),
             node(3, 1, "share", share=40)]
    (f,) = onion.compute(nodes, WS).findings
    assert f.gap == pytest.approx(10_000) and "over by" in f.text("en") and "超出" in f.text("zh")


def test_sum_and_units_price_kinds():
    nodes = [node(1, None, "sum"), node(2, 1, "units_price", units=100, unit_price=50),
             node(3, 1, "amount", amount=5_000)]
    r = onion.compute(nodes, WS)
    assert r.root.value == 10_000 and r.root.annual == 120_000
    assert r.findings == []
    r = onion.compute([node(1, None, "sum")], WS)
    assert [f.rule for f in r.findings] == ["onion.sum_empty"]


def test_share_under_sum_node_is_flagged():
    nodes = [node(1, None, "amount", amount=120), node(2, 1, "sum"), node(3, 2, "share", share=50)]
    assert "onion.share_of_sum" in {f.rule for f in onion.compute(nodes, WS).findings}


def test_rounding_is_not_a_gap():
    nodes = [node(1, None, "amount", amount=100_000_000), node(2, 1, "share", share=100 / 3),
             node(3, 1, "share", share=100 / 3), node(4, 1, "share", share=100 / 3)]
    assert onion.compute(nodes, WS).findings == []


def test_icicle_leaves_the_shortfall_empty():
    nodes = [node(1, None, "amount", amount=1_200_000), node(2, 1, "amount", amount=50_000)]
    rows = onion.icicle_frame(onion.compute(nodes, WS))
    child = next(r for r in rows if r["id"] == 2)
    assert child["x1"] - child["x0"] == pytest.approx(0.5)


@pytest.mark.parametrize("data,field,key", [
    ({"name": "", "kind": "amount", "amount": 1}, "name", "error.required"),
    ({"name": "x", "kind": "amount", "amount": "abc"}, "amount", "error.not_a_number"),
    ({"name": "x", "kind": "amount", "amount": -5}, "amount", "error.min"),
    ({"name": "x", "kind": "share", "share": 120}, "share", "error.max"),
    ({"name": "x", "kind": "share", "share": 0}, "share", "error.min_exclusive"),
    ({"name": "x", "kind": "units_price", "units": -1, "unit_price": 5}, "units", "error.min"),
    ({"name": "x", "kind": "units_price", "units": 1, "unit_price": -5}, "unit_price", "error.min"),
    ({"name": "x", "kind": "amount", "amount": 5, "units": 3}, "unit_price", "onion.error.units_price_pair"),
    ({"name": "x", "kind": "pie", "amount": 5}, "kind", "error.not_allowed"),
    ({"name": "x", "kind": "amount", "amount": 5, "key_result_id": 999}, "key_result_id", "onion.error.kr_unknown"),
    ({"name": "x" * 201, "kind": "amount", "amount": 5}, "name", "error.too_long"),
])
def test_bad_node_input_is_refused_with_its_field(data, field, key):
    with pytest.raises(ValidationError) as e:
        onion.clean_node(data, is_root=False, key_result_ids=set())
    assert (field, key) in {(x.field, x.key) for x in e.value.errors}


def test_bad_input_saves_nothing(store, ws):
    root = onion.add_node(store, ws, None, {"name": "Revenue", "kind": "amount", "amount": 1_200_000})
    before = store.audit(ws)
    with pytest.raises(ValidationError):
        onion.add_node(store, ws, root, {"name": "Line", "kind": "share", "share": 150})
    with pytest.raises(ValidationError):
        onion.update_node(store, root, {"amount": "twelve"})
    assert len(onion.list_nodes(store, ws)) == 1
    assert store.row("onion_node", root)["amount"] == 1_200_000
    assert store.audit(ws) == before


def test_one_root_only_and_parent_must_exist(store, ws):
    onion.add_node(store, ws, None, {"name": "Revenue", "kind": "amount", "amount": 1})
    with pytest.raises(ValidationError) as e:
        onion.add_node(store, ws, None, {"name": "Again", "kind": "amount", "amount": 1})
    assert e.value.errors[0].key == "onion.error.root_exists"
    with pytest.raises(ValidationError) as e:
        onion.add_node(store, ws, 424242, {"name": "Orphan", "kind": "amount", "amount": 1})
    assert e.value.errors[0].key == "onion.error.parent_unknown"


def test_text_of_any_kind_is_kept_safely(store, ws):
    name = "<b>营收</b> 🚀\x00\x07 'x'; DROP TABLE onion_node; --"
    nid = onion.add_node(store, ws, None, {"name": name, "kind": "amount", "amount": 10})
    saved = store.row("onion_node", nid)["name"]
    assert saved == "<b>营收</b> 🚀 'x'; DROP TABLE onion_node; --"


def test_delete_moves_the_subtree_to_trash_and_restore_brings_it_back(store, ws):
    root = onion.add_node(store, ws, None, {"name": "R", "kind": "amount", "amount": 1200})
    line = onion.add_node(store, ws, root, {"name": "L", "kind": "share", "share": 100})
    onion.add_node(store, ws, line, {"name": "C", "kind": "share", "share": 100})
    assert onion.delete_node(store, line) == 2
    assert [n["name"] for n in onion.list_nodes(store, ws)] == ["R"]
    (batch,) = store.trash_batches(ws)
    assert {i["label"] for i in batch["items"]} == {"L", "C"}
    assert workspace.restore_batch(store, ws, batch["batch"]) == 2
    assert [n["name"] for n in onion.list_nodes(store, ws)] == ["R", "L", "C"]
    assert store.trash_batches(ws) == []
