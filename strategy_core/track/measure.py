"""The monitoring board's numbers: each KR's status, each indicator's state, the objectives'
roll-up, the ranking of what is most behind and the alerts — as of one date.

Pure functions over plain rows (dicts), dates and floats: no Streamlit, no SQL, no I/O, so the
monitoring page, the command line and the benchmark all call the same code. The rules themselves
(progress, pace, forecast, status, and the decisions the SPEC leaves open) are in
``strategy_core.track.formulas``; every name of it that callers use is importable from here.

Speed: `evaluate` also takes check-ins and readings column-wise (`Rows`, a pyarrow Table, as
`monitor.snapshot` reads them) and then computes the same board with numpy
(``strategy_core.track.columnar``) — the same float operations in the same order, so every field
is equal (tests/test_measure.py checks it on random workspaces). On 3,000 KRs with 150,000
check-ins that is the difference between ~0.3 s and ~0.05 s.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Iterable, Sequence

from strategy_core.track.columnar import Rows, evaluate_indicators, evaluate_krs, plain_rows, table_of
from strategy_core.track.formulas import (
    ASPIRATIONAL_FACTOR, AT_RISK, AT_RISK_FACTOR, BAND, DOWN, GREEN, NO_DATA, OFF_TRACK, ON_TRACK, OUTDATED,
    PERIOD_DAYS, RED, TOLERANCE, UP, YELLOW, IndicatorState, KRStatus, achievement, as_date, classify, compare,
    direction_of, expected_from_plan, expected_pace, forecast, indicator_from_history, indicator_status,
    is_alert, is_committed, kr_progress, normal_comparator, period_of, score, weight_of)

__all__ = [
    "UP", "DOWN", "BAND", "TOLERANCE", "ASPIRATIONAL_FACTOR", "AT_RISK_FACTOR", "PERIOD_DAYS",
    "ON_TRACK", "AT_RISK", "OFF_TRACK", "NO_DATA", "OUTDATED", "GREEN", "YELLOW", "RED",
    "KRStatus", "IndicatorState", "ObjectiveRollup", "Board",
    "as_date", "direction_of", "normal_comparator",
    "kr_progress", "score", "expected_pace", "expected_from_plan", "forecast", "kr_status",
    "compare", "achievement", "indicator_status", "indicator_state", "period_of",
    "evaluate", "recovery_candidates", "Rows",
]

# -- one KR, one indicator ------------------------------------------------------------------

_BY_DATE_ID = itemgetter("date", "id")
Sorted = tuple[list[dict], list[dt.date]]      # rows sorted by (date, id), and their dates alongside


def _sort_key(row: dict) -> tuple:
    i = row.get("id")
    return (row["date"], i if i is not None else -1)


def _expected(kr: dict, on: dt.date, period_start: dt.date | None, period_end: dt.date | None,
              plan: Any) -> tuple[dt.date | None, float]:
    """The KR's pace end (deadline else period end) and its expected progress on *on*."""
    end = period_end if period_end is not None else as_date(kr.get("deadline"))
    start = period_start
    if start is None and end is not None:
        start = dt.date(end.year, 1, 1)
    if plan:
        return end, expected_from_plan(plan, on, start=start)
    if end is None:
        return end, 1.0
    return end, expected_pace(start, end, on)


def _forecast_at(rows: list[dict], dates: list[dt.date], n: int, fdate: dt.date | None, window: int) -> float | None:
    """The value forecast at *fdate* from the first *n* check-ins: the latest value once one is
    on or after it, else the trend of the last *window* days with a check-in (each day's last)."""
    if fdate is None:
        return None
    if dates[n - 1] >= fdate:
        return rows[n - 1]["value"]
    pts: list[tuple[dt.date, float]] = []
    prev, keep = None, max(2, window)
    for i in range(n - 1, -1, -1):  # newest first, one point per day (the day's last)
        d = dates[i]
        if d != prev:
            pts.append((d, rows[i]["value"]))
            prev = d
            if len(pts) >= keep:
                break
    pts.reverse()
    return forecast(pts, fdate, window)


def _kr_status_sorted(kr: dict, rows: list[dict], dates: list[dt.date], on: dt.date,
                      period_start: dt.date | None, period_end: dt.date | None,
                      cadence_days: int, grace_days: int, plan: Any, window: int) -> KRStatus:
    """kr_status over check-ins already sorted by (date, id), with their dates alongside."""
    committed = is_committed(kr.get("committed"))
    factor = 1.0 if committed else ASPIRATIONAL_FACTOR
    weight = weight_of(kr.get("weight"))
    end, expected = _expected(kr, on, period_start, period_end, plan)
    expectation = factor * expected
    n = bisect_right(dates, on)
    if n == 0:
        return KRStatus(None, None, None, expected, None, NO_DATA, None, None, False, False, None, committed,
                        id=kr.get("id"), expectation=expectation, weight=weight)
    baseline, target = kr.get("baseline"), kr.get("target")
    low, high = kr.get("band_low"), kr.get("band_high")
    direction = direction_of(kr.get("direction"), baseline, target, low, high)
    last = rows[n - 1]
    current, last_date = last["value"], dates[n - 1]
    progress = kr_progress(direction, baseline, target, current, low, high)
    deadline = as_date(kr.get("deadline"))
    fdate = deadline if deadline is not None else end
    fc = _forecast_at(rows, dates, n, fdate, window)
    fprog = kr_progress(direction, baseline, target, fc, low, high)
    # flag a forecast that misses by more than the on-track tolerance, while the KR can still be helped
    misses = fprog is not None and fprog < factor - TOLERANCE and (fdate is None or on < fdate)
    # silence is measured up to the deadline: a KR checked in at its end is closed, not outdated
    reference = min(on, end) if end is not None else on
    if (reference - last_date).days > cadence_days + grace_days:
        status = OUTDATED
    elif progress is None:
        status = NO_DATA
    else:
        status = classify(progress, expectation)
    return KRStatus(
        current=current, last_date=last_date, progress=progress, expected=expected, score=score(progress),
        status=status, forecast=fc, forecast_progress=fprog, forecast_misses=misses,
        alert=is_alert(direction, current, kr.get("alert_value"), low, high),
        behind=None if progress is None else expectation - progress, committed=committed,
        id=kr.get("id"), expectation=expectation, confidence=last.get("confidence"), weight=weight)


def _prepared(rows: Iterable[dict]) -> Sorted:
    """One KR's (or indicator's) rows, sorted by (date, id), with their dates alongside."""
    return _group(rows, None).get(None, ([], []))


def kr_status(kr: dict, check_ins: Iterable[dict], on: dt.date, *, period_start: dt.date | None,
              period_end: dt.date | None = None, cadence_days: int = 7, grace_days: int = 7,
              plan: Sequence[tuple[dt.date, float]] | None = None, window: int = 6) -> KRStatus:
    """Status of one KR on date *on* from its check-ins (those after *on* are ignored).

    *period_end* defaults to the KR's deadline; *period_start* to 1 January of that year.
    With *plan* (cumulative (date, share) points) the expected progress follows the plan.
    """
    rows, dates = _prepared(check_ins)
    return _kr_status_sorted(kr, rows, dates, as_date(on), as_date(period_start), as_date(period_end),
                             cadence_days, grace_days, plan, window)


def _indicator_state_sorted(ind: dict, rows: list[dict], dates: list[dt.date], on: dt.date) -> IndicatorState:
    n = bisect_right(dates, on)
    iid = ind.get("id")
    if n == 0:
        return IndicatorState(None, None, NO_DATA, None, 0, [], id=iid)
    comparator, target, band = ind["comparator"], ind["target"], ind.get("band")
    freq = ind.get("frequency")
    history: list[tuple[dt.date, float, str]] = []
    prev_p = None
    for i in range(n):  # rows are sorted: the last row of each period wins
        p = period_of(dates[i], freq)
        v = rows[i]["value"]
        entry = (p, v, indicator_status(comparator, target, band, v))
        if p == prev_p:
            history[-1] = entry
        else:
            history.append(entry)
            prev_p = p
    return indicator_from_history(iid, comparator, target, freq, history, rows[n - 1]["value"], dates[n - 1], on)


def indicator_state(indicator: dict, readings: Iterable[dict], on: dt.date) -> IndicatorState:
    """State of one indicator on *on* from its readings (those after *on* are ignored)."""
    rows, dates = _prepared(readings)
    return _indicator_state_sorted(indicator, rows, dates, as_date(on))


# -- the board ------------------------------------------------------------------------

@dataclass
class ObjectiveRollup:
    """An objective measured from its KRs: the weight-averaged score and bar of those with data, how far behind, and its
    status."""
    id: Any
    score: float | None        # weighted mean of its KRs' scores (KRs with data); None when none has data
    expected: float | None     # weighted mean of those KRs' expectation (the bar today)
    behind: float | None       # expected − score: the objective's progress vs pace (positive = behind)
    status: str                # no_data | outdated (every KR with data is outdated) | on_track | at_risk | off_track
    krs_total: int = 0
    krs_with_data: int = 0
    outdated: int = 0          # KRs with data whose last check-in is outdated


@dataclass
class Board:
    """Everything the monitoring board shows on one day: every KR, objective and watched indicator measured, the ranking
    (most behind first) and the alerts."""
    on: dt.date
    krs: dict[Any, KRStatus]
    objectives: dict[Any, ObjectiveRollup]
    supported: dict[Any, float | None]             # KR id → mean score of the objectives aligned to it
    indicators: dict[Any, IndicatorState]
    ranking: list[tuple[str, Any, float]]           # (kind, id, behind), most behind first
    alerts: list[tuple[str, Any]]                   # (kind, id)


def _rollup(oid: Any, statuses: list[KRStatus]) -> ObjectiveRollup:
    with_data = [s for s in statuses if s.score is not None]
    outdated = sum(1 for s in with_data if s.status == OUTDATED)
    total_w = sum(s.weight for s in with_data)
    if not with_data or total_w <= 0:
        return ObjectiveRollup(oid, None, None, None, NO_DATA, len(statuses), len(with_data), outdated)
    sc = sum(s.weight * s.score for s in with_data) / total_w
    ex = sum(s.weight * s.expectation for s in with_data) / total_w
    status = OUTDATED if outdated == len(with_data) else classify(sc, ex)
    return ObjectiveRollup(oid, sc, ex, ex - sc, status, len(statuses), len(with_data), outdated)


def _sorted_rows(g: list[dict]) -> Sorted:
    try:
        g.sort(key=_BY_DATE_ID)
    except (TypeError, KeyError):  # some ids are None or missing
        g.sort(key=_sort_key)
    return g, [r["date"] for r in g]


def _group(rows: Iterable[dict], key: str | None) -> dict[Any, Sorted]:
    """Rows grouped by *key* (None: one group), each group sorted by (date, id) with its dates
    alongside. Rows without a date or value are skipped. One pass and one sort per group."""
    groups: dict[Any, list[dict]] = defaultdict(list)
    date_type = dt.date
    for r in rows:
        d = r.get("date")
        if d is None or r.get("value") is None:
            continue
        if type(d) is not date_type:
            r = {**r, "date": as_date(d)}
        groups[r[key] if key is not None else None].append(r)
    return {k: _sorted_rows(g) for k, g in groups.items()}


def _retired(ind: dict, on: dt.date) -> bool:
    r = ind.get("retired_at")
    return r is not None and as_date(r) <= on


def _kr_statuses(objectives: list[dict], key_results: list[dict], check_ins: Iterable[dict], on: dt.date,
                 cadence_days: int, grace_days: int, plans: dict, window: int) -> dict[Any, KRStatus]:
    """Every KR's status, in KR order: column-wise when the check-ins come as columns."""
    obj_by_id = {o["id"]: o for o in objectives}
    ci_table = table_of(check_ins)
    if ci_table is not None and not plans and type(window) is int:
        statuses = evaluate_krs(key_results, obj_by_id, ci_table, on, cadence_days, grace_days, window)
        return {kr["id"]: st for kr, st in zip(key_results, statuses)}
    cis = _group(plain_rows(check_ins), "key_result_id")
    empty: Sorted = ([], [])
    krs: dict[Any, KRStatus] = {}
    for kr in key_results:
        obj = obj_by_id.get(kr.get("objective_id")) or {}
        deadline = as_date(kr.get("deadline"))
        start = as_date(obj.get("period_start"))
        if start is None and deadline is not None:
            start = dt.date(deadline.year, 1, 1)
        end = deadline if deadline is not None and (start is None or deadline >= start) else as_date(obj.get("period_end"))
        rows, dates = cis.get(kr["id"], empty)
        cadence = kr.get("cadence_days") or cadence_days
        krs[kr["id"]] = _kr_status_sorted(kr, rows, dates, on, start, end, cadence, grace_days, plans.get(kr["id"]),
                                          window)
    return krs


def _indicator_states(indicators: Iterable[dict], readings: Iterable[dict], on: dt.date) -> dict[Any, IndicatorState]:
    """The state of every indicator not retired by *on*: column-wise when the readings come as columns."""
    watched = [ind for ind in indicators if not _retired(ind, on)]
    rd_table = table_of(readings)
    if rd_table is not None:
        return {ind["id"]: st for ind, st in zip(watched, evaluate_indicators(watched, rd_table, on))}
    rds = _group(readings, "indicator_id")
    empty: Sorted = ([], [])
    return {ind["id"]: _indicator_state_sorted(ind, *rds.get(ind["id"], empty), on) for ind in watched}


def _supported(objectives: list[dict], krs: dict[Any, KRStatus],
               rollups: dict[Any, ObjectiveRollup]) -> dict[Any, float | None]:
    """KR id → the mean score of the objectives aligned to it (with data; None when there are none)."""
    children: dict[Any, list[Any]] = defaultdict(list)
    for o in objectives:
        if o.get("aligns_to") is not None:
            children[o["aligns_to"]].append(o["id"])
    supported: dict[Any, float | None] = {}
    for kid in krs:
        scores = [rollups[c].score for c in children.get(kid, ()) if rollups[c].score is not None]
        supported[kid] = sum(scores) / len(scores) if scores else None
    return supported


def _ranking(krs: dict[Any, KRStatus], states: dict[Any, IndicatorState]) -> list[tuple[str, Any, float]]:
    """KRs by how far behind they are and red / yellow indicators by 1 − achievement, most behind
    first; ties keep board order."""
    ranking: list[tuple[str, Any, float]] = [("key_result", k, s.behind) for k, s in krs.items()
                                             if s.behind is not None]
    ranking += [("indicator", i, 1.0 - s.achievement) for i, s in states.items()
                if s.status in (RED, YELLOW) and s.achievement is not None]
    order = {("key_result", k): n for n, k in enumerate(krs)}
    order.update({("indicator", i): len(order) + n for n, i in enumerate(states)})
    ranking.sort(key=lambda r: (-r[2], order[(r[0], r[1])]))
    return ranking


def evaluate(objectives: Iterable[dict], key_results: Iterable[dict], check_ins: Iterable[dict],
             indicators: Iterable[dict], readings: Iterable[dict], on: dt.date, *,
             cadence_days: int = 7, grace_days: int = 7,
             plans: dict[Any, Sequence[tuple[dt.date, float]]] | None = None, window: int = 6) -> Board:
    """Everything the monitoring board shows, as of *on*, in O(n log n).

    Each KR's pace runs from its objective's period_start (else 1 January of its deadline year)
    to its deadline (else the objective's period_end). *plans* maps a KR id to the cumulative
    plan it follows (from the onion). A KR row may carry its own ``cadence_days``. Indicators
    retired on or before *on* are left out.

    *check_ins* and *readings* are row dicts, or `Rows` / pyarrow Tables (as `Store.arrow` reads
    them): then the same board is computed column-wise, which is much faster on large workspaces.
    """
    on = as_date(on)
    objectives = list(objectives)
    key_results = list(key_results)
    krs = _kr_statuses(objectives, key_results, check_ins, on, cadence_days, grace_days, plans or {}, window)
    by_objective: dict[Any, list[KRStatus]] = defaultdict(list)
    for kr in key_results:
        by_objective[kr.get("objective_id")].append(krs[kr["id"]])
    rollups = {o["id"]: _rollup(o["id"], by_objective.get(o["id"], [])) for o in objectives}
    states = _indicator_states(indicators, readings, on)
    alerts = [("key_result", k) for k, s in krs.items() if s.alert]
    alerts += [("indicator", i) for i, s in states.items() if s.status == RED]
    return Board(on, krs, rollups, _supported(objectives, krs, rollups), states, _ranking(krs, states), alerts)


def recovery_candidates(board: Board) -> list[Any]:
    """Indicators red for two periods in a row (red_streak ≥ 2), in board order: each proposes a
    recovery objective ("bring NPS back to ≥ 7", SPEC §7.1)."""
    return [i for i, s in board.indicators.items() if s.red_streak >= 2]
