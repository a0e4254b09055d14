"""What the onion page shows (strategy_core/views/onion.py), without Streamlit."""
from strategy_core.plan import onion
from strategy_core.views.onion import layer_rows, tree_rows

def test_rows_follow_the_tree_in_money(store, ws):
    root = onion.add_node(store, ws, None, {"name": "Revenue", "kind": "amount", "amount": 100_000_000})
    onion.add_node(store, ws, root, {"name": "Courses", "kind": "share", "share": 60})
    result = onion.compute(onion.list_nodes(store, ws), store.get_workspace(ws))
    rows = tree_rows(result, {}, "CNY", "en")
    assert [r["name"] for r in rows] == ["Revenue", "　Courses"]
    assert rows[0]["value"] == "¥100,000,000" and rows[1]["share"] and rows[1]["layer"] == onion.layer_of(1)
    assert layer_rows(result) == {0: (onion.layer_of(0), None), 1: (onion.layer_of(1), None)}
