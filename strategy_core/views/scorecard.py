"""What the scorecard page shows, as plain data: each perspective's indicators with their target,
band, latest reading and status, and the KRs they are linked to."""
from __future__ import annotations

from typing import Any

from strategy_core.numbers import format_number, format_value
from strategy_core.plan.bsc import COMPARATOR_SYMBOL


def indicator_rows(indicators: list[dict], board: Any, links: dict[int, list[int]], kr_label: dict[int, str],
                   lang: str) -> list[dict[str, Any]]:
    """One row per indicator: name, target in words, band, frequency code, owner, latest reading in its
    unit, status code (``no_data`` before any reading), the linked KRs' statements."""
    rows = []
    for i in indicators:
        s = board.indicators.get(i["id"])
        rows.append({"name": i["name"],
                     "target": f"{COMPARATOR_SYMBOL[i['comparator']]} {format_value(i['target'], i['unit'], lang)}",
                     "band": format_number(i["band"], lang) if i["band"] is not None else "—",
                     "frequency": i["frequency"], "owner": i["owner"] or "—",
                     "latest": format_value(s.latest, i["unit"], lang) if s else "—",
                     "status": s.status if s else "no_data",
                     "krs": " · ".join(kr_label[k] for k in links.get(i["id"], []) if k in kr_label) or "—"})
    return rows
