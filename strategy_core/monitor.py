"""The monitoring board's data (战略执行监测看板, SPEC §5): read a workspace once and evaluate every
KR and indicator as of a date (strategy_core.measure does the arithmetic)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from strategy_core import bsc, measure, okr, tracking
from strategy_core.store.store import Store


@dataclass
class Snapshot:
    """Everything of a workspace the board needs, read once."""
    workspace: dict[str, Any]
    objectives: list[dict[str, Any]]
    key_results: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    check_ins: list[dict[str, Any]]
    readings: list[dict[str, Any]]
    links: dict[int, list[int]]


def snapshot(store: Store, workspace_id: int) -> Snapshot:
    return Snapshot(store.get_workspace(workspace_id), okr.list_objectives(store, workspace_id),
                    okr.list_key_results(store, workspace_id), bsc.list_indicators(store, workspace_id),
                    tracking.list_check_ins(store, workspace_id), tracking.list_readings(store, workspace_id),
                    bsc.indicator_links(store, workspace_id))


def board(snap: Snapshot, on: dt.date | None = None) -> measure.Board:
    on = on or tracking.today_in(snap.workspace["year"])
    return measure.evaluate(snap.objectives, snap.key_results, snap.check_ins, snap.indicators, snap.readings, on)


def pace_line(kr: dict[str, Any], objective: dict[str, Any]) -> list[tuple[dt.date, float]]:
    """The expected-pace line of a KR: from its baseline at the period start to its target at the deadline
    (the same period measure.evaluate judges the KR's pace by)."""
    start, deadline = objective.get("period_start"), kr.get("deadline")
    if start is None and deadline is not None:
        start = dt.date(deadline.year, 1, 1)
    end = deadline if deadline is not None and (start is None or deadline >= start) else objective.get("period_end")
    if start is None or end is None or kr.get("baseline") is None or kr.get("target") is None:
        return []
    return [(start, kr["baseline"]), (end, kr["target"])]
