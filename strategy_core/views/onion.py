"""What the onion page shows, as plain data: the tree as table rows in money, and the labels of the
chart's layers."""
from __future__ import annotations

from typing import Any

from strategy_core.numbers import format_money, format_number, format_percent
from strategy_core.plan import onion


def tree_rows(result: onion.OnionResult, kr_label: dict[int, str], currency: str, lang: str) -> list[dict[str, Any]]:
    """One row per node in tree order: the name indented by its depth, layer and kind codes, share,
    units × price, its value (annual for the root, monthly below), the planned figure, the daily one,
    its KR and status code."""
    exact = lambda v: format_money(v, currency, lang, exact=True)  # noqa: E731
    rows = []
    for nid in result.order:
        r = result.nodes[nid]
        n = r.node
        rows.append({
            "name": "　" * r.depth + n["name"], "layer": r.layer, "kind": n["kind"],
            "share": format_percent(n["share"]) if n["share"] is not None else "",
            "units_price": f"{format_number(n['units'], lang)} × {exact(n['unit_price'])}"
            if n["units"] is not None and n["unit_price"] is not None else "",
            "value": exact(r.annual if r.depth == 0 else r.value),
            "planned": exact(r.planned) if r.planned is not None else "", "daily": exact(r.daily),
            "kr": kr_label.get(n["key_result_id"], "") if n["key_result_id"] else "", "status": r.status})
    return rows


def layer_rows(result: onion.OnionResult) -> dict[int, tuple[str, int | None]]:
    """Depth → (layer code, its number among the channel layers when there is more than one of them)."""
    deepest = max(r.depth for r in result.nodes.values())
    return {d: (onion.layer_of(d), d - 1 if d >= 2 and deepest > 2 else None) for d in range(deepest + 1)}
