"""The monitoring board's data (战略执行监测看板, SPEC §5): read a workspace once and evaluate every
KR and indicator as of a date (strategy_core.track.measure does the arithmetic)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from strategy_core.plan import bsc, okr
from strategy_core.track import measure
from strategy_core.store.store import Store


@dataclass
class Snapshot:
    """Everything of a workspace the board needs, read once."""
    workspace: dict[str, Any]
    objectives: list[dict[str, Any]]
    key_results: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    check_ins: Sequence[dict[str, Any]]   # a list of rows, or measure.Rows (read column-wise)
    readings: Sequence[dict[str, Any]]
    links: dict[int, list[int]]


def snapshot(store: Store, workspace_id: int) -> Snapshot:
    """Read a workspace once. Check-ins and readings (the large tables) are read column-wise as
    `measure.Rows`: the board is computed from the columns, and the row dicts — the same ones
    `tracking.list_check_ins` returns — are only made when something iterates them."""
    return Snapshot(store.get_workspace(workspace_id), okr.list_objectives(store, workspace_id),
                    okr.list_key_results(store, workspace_id), bsc.list_indicators(store, workspace_id),
                    measure.Rows(store.arrow("check_in", workspace_id)),
                    measure.Rows(store.arrow("reading", workspace_id)),
                    bsc.indicator_links(store, workspace_id))


def board(snap: Snapshot, on: dt.date) -> measure.Board:
    """The monitoring board of the snapshot as of *on* (see `tracking.today_in` for the usual day)."""
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


def points(snap: Snapshot, kr_ids: Iterable[int], on: dt.date) -> dict[int, list[tuple[dt.date, float]]]:
    """(date, value) of every check-in of the given KRs up to *on*, in the snapshot's order (date, id):
    what a KR's chart draws. Column-wise when the snapshot holds `measure.Rows`."""
    wanted = set(kr_ids)
    out: dict[int, list[tuple[dt.date, float]]] = {}
    table = snap.check_ins.table if isinstance(snap.check_ins, measure.Rows) else None
    if table is None:
        for c in snap.check_ins:
            if c["key_result_id"] in wanted and c["date"] <= on:
                out.setdefault(c["key_result_id"], []).append((c["date"], c["value"]))
        return out
    if not wanted or table.num_rows == 0:
        return out
    keys = table.column("key_result_id").to_numpy()
    days = table.column("date").to_numpy()
    idx = np.flatnonzero(np.isin(keys, np.fromiter(wanted, dtype=np.int64)) & (days <= np.datetime64(on, "D")))
    taken = table.select(["key_result_id", "date", "value"]).take(idx)
    for k, d, v in zip(*(taken.column(c).to_pylist() for c in ("key_result_id", "date", "value"))):
        out.setdefault(k, []).append((d, v))
    return out
