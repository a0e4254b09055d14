"""Preparing a review from the data: the periods of each kind of review, and the table a review
starts from — the KRs of a month against the board's bar, the indicators that moved against the
team in a quarter, every KR and indicator of the year — as ``PrepRow``s, the farthest behind first.
Pure functions over a ``monitor.Snapshot`` (the rules are in ``strategy_core.routines.review``'s
docstring)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from strategy_core.track import measure, monitor

KINDS = ("monthly", "quarterly", "annual")
SUBJECTS = {"monthly": ("key_result",), "quarterly": ("indicator",), "annual": ("key_result", "indicator")}
RED_MOST = 0.5          # an indicator red in more than this share of its periods is proposed for retire-or-fix
EPS = 1e-9


# -- periods ---------------------------------------------------------------------------------------

def as_date(x: Any) -> dt.date:
    """``measure.as_date`` that will not take None: TypeError instead."""
    out = measure.as_date(x)
    if out is None:
        raise TypeError("a date is needed")
    return out


def period_bounds(kind: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the period of *kind* that holds *on*."""
    on = as_date(on)
    if kind == "monthly":
        start = on.replace(day=1)
    elif kind == "quarterly":
        start = dt.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    elif kind == "annual":
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    else:
        raise ValueError(f"unknown review kind {kind!r}")
    months = 1 if kind == "monthly" else 3
    m = start.month - 1 + months
    nxt = dt.date(start.year + m // 12, m % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def periods(kind: str, year: int) -> list[dt.date]:
    """The last days of every period of *kind* in *year*."""
    n = {"monthly": 12, "quarterly": 4, "annual": 1}[kind]
    step = 12 // n
    return [period_bounds(kind, dt.date(year, step * (i + 1), 1))[1] for i in range(n)]


def period_label(kind: str, on: dt.date) -> str:
    """'2026-09', '2026 Q3', '2026' (the same in both languages)."""
    start, _ = period_bounds(kind, on)
    if kind == "monthly":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarterly":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def last_finished(kind: str, today: dt.date, year: int) -> dt.date | None:
    """The last day of the latest period of *kind* in *year* that ended before *today*'s period."""
    today = as_date(today)
    if kind == "annual":
        end = dt.date(year, 12, 31)
        return end if today > end else None
    start, _ = period_bounds(kind, today)
    end = start - dt.timedelta(days=1)
    if end.year > year:
        end = dt.date(year, 12, 31)
    return end if end.year == year else None


# -- preparing a review ------------------------------------------------------------------------------

@dataclass
class PrepRow:
    """One line of a prepared review: a KR or an indicator, what was planned, what happened."""
    subject_kind: str                 # key_result | indicator
    subject_id: int
    label: str
    owner: str | None
    unit: str | None
    planned: float | None             # see the module notes: progress (KRs) or a value (indicators)
    actual: float | None
    gap: float | None                 # a fraction; positive = against the team
    status: str                       # the board's status word code as of the period end
    deviates: bool                    # becomes a finding by default
    planned_value: float | None = None    # KRs: the value the bar asked for (up/down KRs)
    actual_value: float | None = None     # KRs: the latest value
    met: bool | None = None               # annual: target reached
    red_share: float | None = None        # annual indicators: share of periods that were red
    periods: int = 0                      # annual indicators: periods with a reading

    @property
    def key(self) -> str:
        return subject_key(self.subject_kind, self.subject_id)


def subject_key(kind: str, id_: Any) -> str:
    """A finding's subject as one key, "key_result:12" or "indicator:7"."""
    return f"{kind}:{int(id_)}"


def _value_at(kr: dict, progress: float | None) -> float | None:
    """The KR value that a progress share stands for (up/down KRs only)."""
    b, t = kr.get("baseline"), kr.get("target")
    direction = measure.direction_of(kr.get("direction"), b, t, kr.get("band_low"), kr.get("band_high"))
    if progress is None or b is None or t is None or direction not in (measure.UP, measure.DOWN):
        return None
    return b + progress * (t - b)


def _kr_window(kr: dict, obj: dict) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) of a KR's pace, the way measure.evaluate reads it."""
    deadline = measure.as_date(kr.get("deadline"))
    start = measure.as_date(obj.get("period_start"))
    if start is None and deadline is not None:
        start = dt.date(deadline.year, 1, 1)
    end = deadline if deadline is not None and (start is None or deadline >= start) else measure.as_date(
        obj.get("period_end"))
    return start, end


def _ranked(rows: list[PrepRow]) -> list[PrepRow]:
    with_gap = sorted((r for r in rows if r.gap is not None), key=lambda r: -r.gap)  # stable: ties keep order
    return with_gap + [r for r in rows if r.gap is None]


def _measured_on(end: dt.date, as_of: dt.date | None) -> dt.date:
    """The day a review measures: its period's last day, or *as_of* when that comes first (a period
    still running is measured as it stands, not as of a last day still ahead)."""
    return end if as_of is None else min(end, as_of)


def _kr_row(kr: dict, s: measure.KRStatus, planned: float | None = None) -> PrepRow:
    planned = s.expectation if planned is None else planned
    actual = s.progress
    gap = None if actual is None else planned - actual
    return PrepRow("key_result", kr["id"], kr.get("statement") or "", kr.get("owner"), kr.get("unit"),
                   planned, actual, gap, s.status, gap is not None and gap > measure.TOLERANCE + EPS,
                   planned_value=_value_at(kr, planned), actual_value=s.current)


def prepare_monthly(snapshot: monitor.Snapshot, month_end: dt.date, *, as_of: dt.date | None = None) -> list[PrepRow]:
    """Every KR active in the month: planned vs actual progress at month end (or on *as_of*, when that
    comes first), most behind first."""
    start, end = period_bounds("monthly", month_end)
    board = monitor.board(snapshot, _measured_on(end, as_of))
    objectives = {o["id"]: o for o in snapshot.objectives}
    rows = []
    for kr in snapshot.key_results:
        k_start, k_end = _kr_window(kr, objectives.get(kr.get("objective_id")) or {})
        if (k_start is not None and k_start > end) or (k_end is not None and k_end < start):
            continue
        rows.append(_kr_row(kr, board.krs[kr["id"]]))
    return _ranked(rows)


def moved_against(comparator: str, start: float, end: float) -> float:
    """How far a value moved against the team (positive = worse), in the indicator's unit."""
    c = measure.normal_comparator(comparator)
    return (start - end) if c in (">=", ">") else (end - start)


def relative_gap(diff: float, base: float | None) -> float:
    """*diff* as a share of *base*'s size; with no base (None or 0), *diff* itself."""
    return diff / abs(base) if base else diff


def _readings_by_indicator(readings: Iterable[dict]) -> dict[Any, list[dict]]:
    out: dict[Any, list[dict]] = {}
    for r in readings:
        if r.get("date") is None or r.get("value") is None:
            continue
        out.setdefault(r["indicator_id"], []).append({**r, "date": as_date(r["date"])})
    for rows in out.values():
        rows.sort(key=lambda r: (r["date"], r.get("id") or 0))
    return out


def _watched(ind: dict, on: dt.date) -> bool:
    r = ind.get("retired_at")
    return r is None or measure.as_date(r) > on


def prepare_quarterly(snapshot: monitor.Snapshot, quarter_end: dt.date, *,
                      as_of: dt.date | None = None) -> list[PrepRow]:
    """The indicators that moved against the team in the quarter (up to *as_of*, when that comes before
    its end), the farthest (relative) first."""
    start, end = period_bounds("quarterly", quarter_end)
    end = _measured_on(end, as_of)
    board = monitor.board(snapshot, end)
    by_ind = _readings_by_indicator(snapshot.readings)
    rows = []
    for ind in snapshot.indicators:
        if not _watched(ind, end):
            continue
        mine = [r for r in by_ind.get(ind["id"], []) if r["date"] <= end]
        before = [r for r in mine if r["date"] < start]
        inside = [r for r in mine if r["date"] >= start]
        if not inside:
            continue
        first = before[-1] if before else inside[0]
        last = inside[-1]
        if last is first:
            continue
        rel = relative_gap(moved_against(ind["comparator"], first["value"], last["value"]), first["value"])
        if rel <= EPS:
            continue
        state = board.indicators.get(ind["id"])
        rows.append(PrepRow("indicator", ind["id"], ind.get("name") or "", ind.get("owner"), ind.get("unit"),
                            first["value"], last["value"], rel, state.status if state else measure.NO_DATA, True))
    return _ranked(rows)


@dataclass
class AnnualPrep:
    """What to keep, add and retire at the end of the year."""
    year_end: dt.date
    krs: list[PrepRow]                    # every KR, most behind first
    indicators: list[PrepRow]             # every watched indicator, most short first
    retire_or_fix: list[PrepRow]          # indicators red most of the year
    retired: list[dict]                   # indicators retired (with reason and date)

    @property
    def rows(self) -> list[PrepRow]:
        return _ranked(self.krs + self.indicators)

    @property
    def keep(self) -> list[PrepRow]:
        """What met its target (KRs and indicators), and was not red most of the year."""
        fix = {r.subject_id for r in self.retire_or_fix}
        return [r for r in self.krs + self.indicators if r.met and not (
            r.subject_kind == "indicator" and r.subject_id in fix)]

    @property
    def missed(self) -> list[PrepRow]:
        return [r for r in self.rows if r.met is False]


def shortfall(ind: dict, value: float | None) -> float | None:
    """How far a value falls short of the indicator's target, relative to |target| (≤ 0: met)."""
    if value is None:
        return None
    target = ind["target"]
    c = measure.normal_comparator(ind["comparator"])
    rel = relative_gap(moved_against(c, target, value), target)
    if not measure.compare(value, c, target):
        return max(rel, EPS)        # a strict comparator failing exactly at the target is still short
    return min(rel, 0.0)


def prepare_annual(snapshot: monitor.Snapshot, year_end: dt.date, retired: Sequence[dict] = (), *,
                   as_of: dt.date | None = None) -> AnnualPrep:
    """KRs and indicators met vs missed as of the year's end, indicators red most of the year, and the
    retired ones (*retired*: the retired indicator rows, e.g. ``bsc.list_indicators(..., retired=True)``).
    Before the year is over (*as_of*), the data as it stands on that day, against the year-end bars."""
    start, end = period_bounds("annual", year_end)
    on = _measured_on(end, as_of)
    board = monitor.board(snapshot, on)
    bars = board if on == end else monitor.board(snapshot, end)     # planned: the bar at the year's end
    krs = []
    for kr in snapshot.key_results:
        row = _kr_row(kr, board.krs[kr["id"]], planned=bars.krs[kr["id"]].expectation)
        row.met = None if row.gap is None else row.gap <= EPS
        row.deviates = row.met is False
        krs.append(row)
    inds, fix = [], []
    for ind in snapshot.indicators:
        if not _watched(ind, on):
            continue
        s = board.indicators.get(ind["id"])
        hist = [h for h in (s.history if s else []) if h[0] >= start]
        reds = sum(1 for h in hist if h[2] == measure.RED)
        value = s.latest if s and s.last_date and s.last_date >= start else None
        gap = shortfall(ind, value)
        row = PrepRow("indicator", ind["id"], ind.get("name") or "", ind.get("owner"), ind.get("unit"),
                      ind["target"], value, gap, s.status if s else measure.NO_DATA, gap is not None and gap > 0,
                      met=None if gap is None else gap <= 0, red_share=reds / len(hist) if hist else None,
                      periods=len(hist))
        inds.append(row)
        if hist and reds / len(hist) > RED_MOST:
            fix.append(row)
    fix.sort(key=lambda r: -(r.red_share or 0))
    return AnnualPrep(end, _ranked(krs), _ranked(inds), fix,
                      [dict(r) for r in retired if r.get("retired_at") is not None])


def prepare(snapshot: monitor.Snapshot, kind: str, period_end: dt.date,
            retired: Sequence[dict] = (), *, as_of: dt.date | None = None) -> list[PrepRow]:
    """The prepared table of a review of *kind* (the rows its findings are made from), measured at the
    period's end or on *as_of* when that comes first."""
    if kind == "monthly":
        return prepare_monthly(snapshot, period_end, as_of=as_of)
    if kind == "quarterly":
        return prepare_quarterly(snapshot, period_end, as_of=as_of)
    if kind == "annual":
        return prepare_annual(snapshot, period_end, retired, as_of=as_of).rows
    raise ValueError(f"unknown review kind {kind!r}")
