"""What the daily-report page shows, as plain data: an indicator's target in words, the readings the
table editor changed, and the span of days the calendar covers."""
from __future__ import annotations

import datetime as dt
from typing import Any

from strategy_core.numbers import format_number
from strategy_core.plan.bsc import COMPARATOR_SYMBOL

WEEKS_SHOWN = 8     # the calendar's short view: this week and the seven before


def target_text(row: dict, lang: str) -> str:
    """"≥ 40 %": the comparator, the target and its unit."""
    return f"{COMPARATOR_SYMBOL[row['comparator']]} {format_number(row['target'], lang)} {row['unit'] or ''}".strip()


def changed_readings(base: list[dict], changed: dict[int, dict[str, Any]]) -> dict[int, tuple[Any, Any]]:
    """indicator id → (value, comment) for every row of the report's table the person changed."""
    out = {}
    for idx, change in changed.items():
        row = {**base[idx], **change}
        out[row["indicator_id"]] = (row.get("value"), row.get("comment"))
    return out


def calendar_span(scope: str, today: dt.date, year: int) -> tuple[dt.date, dt.date]:
    """The days the calendar shows: the last WEEKS_SHOWN weeks to the end of this one ("weeks"), or the
    plan year ("year")."""
    if scope == "weeks":
        monday = today - dt.timedelta(days=today.weekday())
        return monday - dt.timedelta(days=7 * (WEEKS_SHOWN - 1)), monday + dt.timedelta(days=6)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
