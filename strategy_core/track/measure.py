"""How status is measured (SPEC §7.1): KR progress, pace, forecast, indicator status and
the monitoring board's roll-up.

Pure functions over plain rows (dicts), dates and floats: no Streamlit, no SQL, no I/O, so
the monitoring page, the command line and the benchmark all call the same code.

Decisions the SPEC leaves open (each is tested in tests/test_measure.py):

* Progress is unclamped (a KR can be at -0.4 or 1.2); `score` clamps it to 0–1.
  ``direction=None`` is inferred from baseline → target (up when the target is higher,
  down when lower), or 'band' when only band bounds are given.
  A band KR is 1.0 inside [band_low, band_high]; outside, progress falls linearly by 1.0 per
  band width (band_high − band_low), so it is 0 one band width away and negative beyond.
  A band whose width is not positive (low ≥ high) has no progress (None), like
  baseline == target for up/down KRs.
* Day counting is inclusive: on day *on* of a period [start, end] the days start..on have
  elapsed, so the expected pace is (on − start + 1) / (end − start + 1) — 1/N on the first
  day, 1.0 on the last day, 0 before the start, 1 after the end.
* The pace of a KR runs from its objective's period start (else 1 January of the KR's deadline
  year) to the KR's deadline (else the objective's period end). A KR with neither deadline nor
  period end is due now: expected 1.0.
* A KR that has check-ins but no computable progress (baseline == target, a band with missing
  bounds) is 'no_data': there is no measurable number to judge, and silence is never green.
* Committed KRs must reach 1.0 × pace, aspirational ones 0.7 × pace: that bar is
  ``KRStatus.expectation``; ``behind`` = expectation − progress (for a committed KR that is
  expected − progress), so an aspirational KR on its 70 % bar does not outrank a committed
  KR that is really behind.
* The forecast is projected to the KR's deadline (else the pace end). Several check-ins on one
  day count as one point (the day's last). Once a check-in exists on or after the deadline, the
  forecast is simply the latest value.
* Indicator achievement: higher-is-better (≥, >) is value / target, lower-is-better (≤, <) is
  target / value, when the denominator is positive (for ≤/< also target ≥ 0). Otherwise the ratio
  means nothing (target 0, zero defects, negative numbers) and achievement is 1.0 when the
  comparator passes and 0.0 when it fails. Zero defects against "< 1 %" is 1.0.
* Indicator yellow: failing, but no farther than ``band`` from the target (inclusive); no band
  (None or ≤ 0) means no yellow zone.
* Indicator periods: daily = the day, weekly = ISO week (Monday), monthly = the calendar month,
  quarterly = the calendar quarter. Period lengths for "outdated" are 1 / 7 / 31 / 92 days; an
  indicator is outdated when its last reading is older than two such lengths (the period plus a
  grace of one period). An unknown frequency is treated as monthly.
* red_streak counts back from the period of the latest reading (as of *on*), whether or not the
  indicator is outdated (``status`` says that); a period with no reading ends the streak.
* Objective roll-up: weighted mean (weight None = 1, ≤ 0 = 0) of its KRs' clamped scores and of
  their expectations, over the KRs with measurable data (outdated ones included, and counted);
  its status compares the two with the KR rule, or is 'outdated' when every such KR is.
  ``supported`` is the plain mean of the scores of the objectives aligned to a KR (direct
  children with data; None when there are none).
* Ranking: every KR with data by ``behind``, and red / yellow indicators by 1 − achievement
  (outdated indicators are not ranked); ties keep board order (KRs, then indicators, as given).
  Alerts: KRs whose latest value is past the alert value (outdated or not), red indicators.
* Rows without a date or a value are skipped; dates may be dates, datetimes or ISO strings.

Speed: `evaluate` also takes check-ins and readings column-wise (`Rows`, a pyarrow Table, as
`monitor.snapshot` reads them) and then computes the same board with numpy — the same float
operations in the same order, so every field is equal (tests/test_measure.py checks it on random
workspaces). On 3,000 KRs with 150,000 check-ins that is the difference between ~0.3 s and ~0.05 s.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import abc as _abc
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = [
    "UP", "DOWN", "BAND", "TOLERANCE", "ASPIRATIONAL_FACTOR", "AT_RISK_FACTOR",
    "KRStatus", "IndicatorState", "ObjectiveRollup", "Board",
    "kr_progress", "score", "expected_pace", "expected_from_plan", "forecast", "kr_status",
    "compare", "achievement", "indicator_status", "indicator_state", "period_of",
    "evaluate", "recovery_candidates", "Rows",
]

UP, DOWN, BAND = "up", "down", "band"
ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, OUTDATED = "on_track", "at_risk", "off_track", "no_data", "outdated"
GREEN, YELLOW, RED = "green", "yellow", "red"

TOLERANCE = 0.05            # on track when progress ≥ expectation − TOLERANCE
ASPIRATIONAL_FACTOR = 0.7   # an aspirational KR is expected at 0.7 of the pace (and of its target)
AT_RISK_FACTOR = 0.7        # at risk when progress ≥ 0.7 × expectation
_EPS = 1e-9                 # float noise at the thresholds (0.5 − 0.05 is 0.45, not 0.4500000001)

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
_COMPARATORS = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}


# -- small helpers ------------------------------------------------------------------

def as_date(x: Any) -> dt.date | None:
    """A date from a date, a datetime or an ISO string (None stays None)."""
    if x is None or type(x) is dt.date:
        return x
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if isinstance(x, str):
        return dt.date.fromisoformat(x[:10]) if x else None
    raise TypeError(f"not a date: {x!r}")


def direction_of(direction: str | None, baseline: float | None, target: float | None,
               band_low: float | None = None, band_high: float | None = None) -> str | None:
    if direction in (UP, DOWN, BAND):
        return direction
    if direction is not None:
        return None
    if baseline is not None and target is not None and baseline != target:
        return UP if target > baseline else DOWN
    if band_low is not None and band_high is not None:
        return BAND
    return None


def _weight(w: Any) -> float:
    if w is None:
        return 1.0
    w = float(w)
    return w if w > 0 else 0.0


def _committed(c: Any) -> bool:
    return True if c is None else bool(c)


# -- key results: formulas ----------------------------------------------------------

def kr_progress(direction: str | None, baseline: float | None, target: float | None, current: float | None,
                band_low: float | None = None, band_high: float | None = None) -> float | None:
    """Progress toward the target, unclamped (0 at baseline, 1 at target).

    up: (current − baseline) / (target − baseline); down: (baseline − current) / (baseline − target);
    band: 1.0 inside [band_low, band_high], outside it loses 1.0 per band width. None when a needed
    number is missing, baseline == target, or the band has no positive width.
    """
    if current is None:
        return None
    d = direction_of(direction, baseline, target, band_low, band_high)
    if d == BAND:
        if band_low is None or band_high is None or band_high <= band_low:
            return None
        if band_low <= current <= band_high:
            return 1.0
        width = band_high - band_low
        gap = band_low - current if current < band_low else current - band_high
        return 1.0 - gap / width
    if d is None or baseline is None or target is None or baseline == target:
        return None
    if d == UP:
        return (current - baseline) / (target - baseline)
    return (baseline - current) / (baseline - target)


def score(progress: float | None) -> float | None:
    """The 0–1 end-of-period score: progress clamped to [0, 1]."""
    if progress is None:
        return None
    return 0.0 if progress < 0 else 1.0 if progress > 1 else float(progress)


def expected_pace(start: dt.date, end: dt.date, on: dt.date) -> float:
    """Elapsed share of [start, end] on date *on*, counting days inclusively.

    0 before start, (on − start + 1) / (end − start + 1) inside (1/N on the first day),
    1 from the last day on. A period with end < start is 0 before start and 1 from it.
    """
    start, end, on = as_date(start), as_date(end), as_date(on)
    if on < start:
        return 0.0
    if on >= end:
        return 1.0
    return ((on - start).days + 1) / ((end - start).days + 1)


def expected_from_plan(plan: Iterable[tuple[dt.date, float]], on: dt.date, *,
                       start: dt.date | None = None) -> float:
    """Expected cumulative share on *on* from a plan of (date, cumulative_share) points.

    Each point is the share due by the end of its date; between points the share grows linearly
    per day. With *start*, the plan begins at 0.0 at the end of the day before *start* (the same
    inclusive counting as `expected_pace`); without it, the first point's share holds before it.
    After the last point its share holds. An empty plan is 0.0.
    """
    on = as_date(on)
    pts: dict[dt.date, float] = {}
    for d, share in plan:
        pts[as_date(d)] = float(share)
    if start is not None:
        origin = as_date(start) - dt.timedelta(days=1)
        if not pts or origin < min(pts):
            pts.setdefault(origin, 0.0)
    if not pts:
        return 0.0
    xs = sorted(pts)
    if on <= xs[0]:
        return pts[xs[0]]
    if on >= xs[-1]:
        return pts[xs[-1]]
    i = bisect_right(xs, on)
    d0, d1 = xs[i - 1], xs[i]
    s0, s1 = pts[d0], pts[d1]
    return s0 + (s1 - s0) * (on - d0).days / (d1 - d0).days


def forecast(points: Sequence[tuple[dt.date, float]], deadline: dt.date | None, window: int = 6) -> float | None:
    """Least-squares linear trend over the most recent *window* points (date, value), projected to
    *deadline*. None with fewer than 2 points, all points on one day, or no deadline."""
    if deadline is None or len(points) < 2:
        return None
    window = max(2, int(window))
    recent = sorted(points, key=lambda p: as_date(p[0]))[-window:]
    base = as_date(recent[0][0]).toordinal()
    xs = [as_date(p[0]).toordinal() - base for p in recent]
    ys = [float(p[1]) for p in recent]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) * (x - mx) for x in xs)
    if sxx == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    return my + slope * (as_date(deadline).toordinal() - base - mx)


# -- key results: status ----------------------------------------------------------

@dataclass
class KRStatus:
    current: float | None           # latest value on or before `on`
    last_date: dt.date | None
    progress: float | None          # unclamped, see kr_progress
    expected: float | None          # expected pace on `on` (elapsed share, or the plan's share)
    score: float | None             # progress clamped to 0–1
    status: str                     # no_data | outdated | on_track | at_risk | off_track
    forecast: float | None          # trend value at the deadline
    forecast_progress: float | None
    forecast_misses: bool           # the forecast misses the bar at the deadline (1.0, aspirational 0.7)
    alert: bool                     # latest value past alert_value in the bad direction
    behind: float | None            # expectation − progress (positive = behind); None without data
    committed: bool
    id: Any = None
    expectation: float | None = None  # the bar today: expected × (1.0 committed | 0.7 aspirational)
    confidence: float | None = None   # confidence of the latest check-in
    weight: float = 1.0


def _is_alert(direction: str | None, current: float | None, alert_value: float | None,
              band_low: float | None, band_high: float | None) -> bool:
    if current is None:
        return False
    if direction == BAND:
        if band_low is not None and current < band_low:
            return True
        return band_high is not None and current > band_high
    if alert_value is None:
        return False
    if direction == UP:
        return current < alert_value
    if direction == DOWN:
        return current > alert_value
    return False


def _classify(progress: float, expectation: float) -> str:
    if progress >= expectation - TOLERANCE - _EPS:
        return ON_TRACK
    if progress >= AT_RISK_FACTOR * expectation - _EPS:
        return AT_RISK
    return OFF_TRACK


_BY_DATE_ID = itemgetter("date", "id")


def _sort_key(row: dict) -> tuple:
    i = row.get("id")
    return (row["date"], i if i is not None else -1)


def _kr_status_sorted(kr: dict, rows: list[dict], dates: list[dt.date], on: dt.date,
                      period_start: dt.date | None, period_end: dt.date | None,
                      cadence_days: int, grace_days: int, plan: Any, window: int) -> KRStatus:
    """kr_status over check-ins already sorted by (date, id), with their dates alongside."""
    committed = _committed(kr.get("committed"))
    factor = 1.0 if committed else ASPIRATIONAL_FACTOR
    weight = _weight(kr.get("weight"))
    deadline = as_date(kr.get("deadline"))
    end = period_end if period_end is not None else deadline
    start = period_start
    if start is None and end is not None:
        start = dt.date(end.year, 1, 1)
    if plan:
        expected = expected_from_plan(plan, on, start=start)
    elif end is None:
        expected = 1.0
    else:
        expected = expected_pace(start, end, on)
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

    fdate = deadline if deadline is not None else end
    fc: float | None
    if fdate is None:
        fc = None
    elif last_date >= fdate:
        fc = current
    else:
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
        fc = forecast(pts, fdate, window)
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
        status = _classify(progress, expectation)
    return KRStatus(
        current=current, last_date=last_date, progress=progress, expected=expected, score=score(progress),
        status=status, forecast=fc, forecast_progress=fprog, forecast_misses=misses,
        alert=_is_alert(direction, current, kr.get("alert_value"), low, high),
        behind=None if progress is None else expectation - progress, committed=committed,
        id=kr.get("id"), expectation=expectation, confidence=last.get("confidence"), weight=weight)


def _prepared(rows: Iterable[dict]) -> tuple[list[dict], list[dt.date]]:
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


# -- indicators ------------------------------------------------------------------------

def normal_comparator(comparator: str) -> str:
    try:
        return _COMPARATORS[comparator.strip()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown comparator: {comparator!r}") from None


def compare(value: float, comparator: str, target: float) -> bool:
    """Does *value* pass `value <comparator> target`? Exact at the boundary: ≥ 40 passes at 40, > 40 does not."""
    c = normal_comparator(comparator)
    if c == ">=":
        return value >= target
    if c == ">":
        return value > target
    if c == "<=":
        return value <= target
    return value < target


def achievement(comparator: str, target: float, value: float | None) -> float | None:
    """Direction-aware ratio of the reading to the target (1.0 = exactly on target).

    ≥ / >: value / target when target > 0; ≤ / <: target / value when value > 0 and target ≥ 0.
    Where that ratio means nothing (target 0, a reading of 0 against a lower-is-better target,
    negative numbers) achievement is 1.0 when the comparator passes, else 0.0. None without a value.
    """
    if value is None or target is None:
        return None
    c = normal_comparator(comparator)
    if c in (">=", ">"):
        if target > 0:
            return value / target
    elif value > 0 and target >= 0:
        return target / value
    return 1.0 if compare(value, c, target) else 0.0


def indicator_status(comparator: str, target: float, band: float | None, value: float | None) -> str:
    """green when the comparator passes; failing but within *band* of the target → yellow; else red.
    'no_data' when there is no value."""
    if value is None:
        return NO_DATA
    if compare(value, comparator, target):
        return GREEN
    if band is not None and band > 0 and abs(value - target) <= band * (1 + _EPS) + _EPS:
        return YELLOW
    return RED


def period_of(d: dt.date, frequency: str | None) -> dt.date:
    """First day of the period of *frequency* that holds *d* (ISO weeks start on Monday)."""
    f = frequency if frequency in PERIOD_DAYS else "monthly"
    if f == "daily":
        return d
    if f == "weekly":
        return d - dt.timedelta(days=d.weekday())
    if f == "monthly":
        return d.replace(day=1)
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _previous_period(p: dt.date, frequency: str | None) -> dt.date:
    f = frequency if frequency in PERIOD_DAYS else "monthly"
    if f == "daily":
        return p - dt.timedelta(days=1)
    if f == "weekly":
        return p - dt.timedelta(days=7)
    months = 1 if f == "monthly" else 3
    m = p.year * 12 + (p.month - 1) - months
    return dt.date(m // 12, m % 12 + 1, 1)


@dataclass
class IndicatorState:
    latest: float | None
    last_date: dt.date | None
    status: str                      # green | yellow | red | no_data | outdated
    achievement: float | None
    red_streak: int                  # consecutive most-recent periods whose last reading is red
    history: list[tuple[dt.date, float, str]] = field(default_factory=list)  # (period start, value, status)
    id: Any = None
    last_status: str | None = None   # status of the latest reading itself, even when outdated


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
    return _indicator_state(iid, comparator, target, freq, history, rows[n - 1]["value"], dates[n - 1], on)


def _indicator_state(iid: Any, comparator: str, target: float, freq: str | None,
                     history: list[tuple[dt.date, float, str]], latest: float, last_date: dt.date,
                     on: dt.date) -> IndicatorState:
    """An indicator's state from its per-period history (oldest first) — shared by the row and the
    column paths: the red streak ends at the last period, outdated after two periods of silence."""
    streak = 0
    expect = history[-1][0]
    for p, _v, st in reversed(history):
        if p != expect or st != RED:
            break
        streak += 1
        expect = _previous_period(p, freq)
    last_status = history[-1][2]
    limit = 2 * PERIOD_DAYS.get(freq, PERIOD_DAYS["monthly"])
    status = OUTDATED if (on - last_date).days > limit else last_status
    return IndicatorState(latest, last_date, status, achievement(comparator, target, latest), streak, history,
                          id=iid, last_status=last_status)


def indicator_state(indicator: dict, readings: Iterable[dict], on: dt.date) -> IndicatorState:
    """State of one indicator on *on* from its readings (those after *on* are ignored)."""
    rows, dates = _prepared(readings)
    return _indicator_state_sorted(indicator, rows, dates, as_date(on))


# -- the board ------------------------------------------------------------------------

@dataclass
class ObjectiveRollup:
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
    status = OUTDATED if outdated == len(with_data) else _classify(sc, ex)
    return ObjectiveRollup(oid, sc, ex, ex - sc, status, len(statuses), len(with_data), outdated)


def _sorted_rows(g: list[dict]) -> tuple[list[dict], list[dt.date]]:
    try:
        g.sort(key=_BY_DATE_ID)
    except (TypeError, KeyError):  # some ids are None or missing
        g.sort(key=_sort_key)
    return g, [r["date"] for r in g]


def _group(rows: Iterable[dict], key: str | None) -> dict[Any, tuple[list[dict], list[dt.date]]]:
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
    obj_by_id = {o["id"]: o for o in objectives}
    empty: tuple[list[dict], list[dt.date]] = ([], [])
    plans = plans or {}

    krs: dict[Any, KRStatus] = {}
    by_objective: dict[Any, list[KRStatus]] = defaultdict(list)
    ci_table = _table(check_ins)
    columnar = ci_table is not None and not plans and type(window) is int
    if columnar:  # the same numbers, computed column-wise (see the columnar path below)
        for kr, st in zip(key_results, _evaluate_krs(key_results, obj_by_id, ci_table, on, cadence_days,
                                                     grace_days, window)):
            krs[kr["id"]] = st
            by_objective[kr.get("objective_id")].append(st)
    cis = {} if columnar else _group(_plain_rows(check_ins), "key_result_id")
    for kr in ([] if columnar else key_results):
        obj = obj_by_id.get(kr.get("objective_id")) or {}
        deadline = as_date(kr.get("deadline"))
        start = as_date(obj.get("period_start"))
        if start is None and deadline is not None:
            start = dt.date(deadline.year, 1, 1)
        end = deadline if deadline is not None and (start is None or deadline >= start) else as_date(obj.get("period_end"))
        rows, dates = cis.get(kr["id"], empty)
        cadence = kr.get("cadence_days") or cadence_days
        st = _kr_status_sorted(kr, rows, dates, on, start, end, cadence, grace_days, plans.get(kr["id"]), window)
        krs[kr["id"]] = st
        by_objective[kr.get("objective_id")].append(st)

    rollups = {o["id"]: _rollup(o["id"], by_objective.get(o["id"], [])) for o in objectives}

    children: dict[Any, list[Any]] = defaultdict(list)
    for o in objectives:
        if o.get("aligns_to") is not None:
            children[o["aligns_to"]].append(o["id"])
    supported: dict[Any, float | None] = {}
    for kid in krs:
        scores = [rollups[c].score for c in children.get(kid, ()) if rollups[c].score is not None]
        supported[kid] = sum(scores) / len(scores) if scores else None

    states: dict[Any, IndicatorState] = {}
    rd_table = _table(readings)
    watched = [ind for ind in indicators if not _retired(ind, on)]
    if rd_table is not None:
        for ind, st in zip(watched, _evaluate_indicators(watched, rd_table, on)):
            states[ind["id"]] = st
    else:
        rds = _group(readings, "indicator_id")
        for ind in watched:
            rows, dates = rds.get(ind["id"], empty)
            states[ind["id"]] = _indicator_state_sorted(ind, rows, dates, on)

    ranking: list[tuple[str, Any, float]] = [("key_result", k, s.behind) for k, s in krs.items()
                                             if s.behind is not None]
    ranking += [("indicator", i, 1.0 - s.achievement) for i, s in states.items()
                if s.status in (RED, YELLOW) and s.achievement is not None]
    order = {("key_result", k): n for n, k in enumerate(krs)}
    order.update({("indicator", i): len(order) + n for n, i in enumerate(states)})
    ranking.sort(key=lambda r: (-r[2], order[(r[0], r[1])]))

    alerts = [("key_result", k) for k, s in krs.items() if s.alert]
    alerts += [("indicator", i) for i, s in states.items() if s.status == RED]
    return Board(on, krs, rollups, supported, states, ranking, alerts)



# -- the columnar path: the same board from columns (numpy), for large workspaces ------------------------
#
# `evaluate` takes this path when check-ins and readings come as `Rows` (or pyarrow Tables), as
# monitor.snapshot reads them. It computes exactly what the row-by-row code above computes — the same
# float operations in the same order (tests/test_measure.py compares the two field by field) — but
# groups, sorts and trims the rows with numpy, and evaluates every KR at once.

class Rows(_abc.Sequence):
    """The rows of one table held column-wise (a pyarrow.Table, as `Store.arrow` reads it).

    `evaluate` reads the columns directly. Anything that iterates or indexes it gets the row dicts
    (exactly what `Store.rows` returns), made on first use and kept."""

    def __init__(self, table: Any):
        self.table = table
        self._rows: list[dict] | None = None

    def _list(self) -> list[dict]:
        if self._rows is None:
            self._rows = self.table.to_pylist()
        return self._rows

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, i):
        return self._list()[i]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Rows):
            other = other._list()
        return isinstance(other, (list, tuple)) and self._list() == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Rows({self.table.num_rows} rows: {', '.join(self.table.column_names)})"


def _table(x: Any) -> Any:
    """The pyarrow.Table behind *x* (a Rows or a Table), or None for plain rows."""
    if isinstance(x, Rows):
        return x.table
    if all(hasattr(x, a) for a in ("column_names", "num_rows", "to_pylist", "column")):
        return x
    return None


def _plain_rows(x: Any) -> Iterable[dict]:
    """Row dicts from rows, `Rows` or a pyarrow Table."""
    if isinstance(x, Rows):
        return x._list()
    table = _table(x)
    return table.to_pylist() if table is not None else x


_NAT = np.iinfo(np.int64).min  # "no date" among day numbers
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _days(col: Any) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (days since 1970-01-01) of an Arrow date column, and where it is null."""
    a = col.to_numpy()
    valid = ~np.isnat(a) if a.dtype.kind == "M" else np.array([v is not None for v in a], dtype=bool)
    if a.dtype.kind != "M":  # dates as Python objects (mixed nulls): go through as_date
        a = np.array([as_date(v) if v is not None else None for v in a], dtype="datetime64[D]")
    return a.astype("datetime64[D]").astype(np.int64), valid


def _columns_sorted(table: Any, key: str, on: dt.date) -> dict[str, np.ndarray]:
    """The rows with a date and a value on or before *on*, sorted by (key, date, id): their keys,
    day numbers and positions in *table* ("key", "day", "pos"), and every row's value ("values",
    in table order: take ``values[pos]`` of only the rows needed)."""
    day, ok = _days(table.column("date"))
    value_col = table.column("value")
    values = value_col.to_numpy(zero_copy_only=False).astype(np.float64)
    if value_col.null_count:
        ok &= ~np.asarray(value_col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    keys = np.asarray(table.column(key).to_numpy(zero_copy_only=False))
    ids_col = table.column("id") if "id" in table.column_names else None
    if ids_col is None or str(ids_col.type) == "null":  # no ids: sorted as -1, like _sort_key does
        ids = np.full(len(day), -1, dtype=np.int64)
    else:
        ids = np.asarray((ids_col.fill_null(-1) if ids_col.null_count else ids_col).to_numpy(zero_copy_only=False),
                         dtype=np.int64)
    on_day = on.toordinal() - _EPOCH
    if bool(ok.all()) and (len(day) < 2 or bool(np.all((day[1:] > day[:-1])
                                                        | ((day[1:] == day[:-1]) & (ids[1:] >= ids[:-1]))))):
        # already by (date, id), as Store.arrow reads them: the rows up to *on* are a prefix,
        # and a stable sort by key keeps (date, id) within each key
        n = int(np.searchsorted(day, on_day, side="right"))
        pos = np.argsort(keys[:n], kind="stable")
    else:
        pos = np.flatnonzero(ok & (day <= on_day))
        pos = pos[np.lexsort((ids[pos], day[pos], keys[pos]))]
    return {"key": keys[pos], "day": day[pos], "pos": pos, "values": values}



def _starts(keys: np.ndarray) -> np.ndarray:
    """Index of the first row of each run of equal keys (keys sorted), and len(keys) at the end."""
    n = len(keys)
    if n == 0:
        return np.zeros(1, dtype=np.int64)
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return np.concatenate(([0], change, [n])).astype(np.int64)


def _evaluate_krs(key_results: list[dict], obj_by_id: dict, table: Any, on: dt.date, cadence_days: int,
                  grace_days: int, window: int) -> list[KRStatus]:
    """`_kr_status_sorted` for every KR at once, from the check-ins' columns (in KR order)."""
    keep = max(2, window)
    c = _columns_sorted(table, "key_result_id", on)
    key, day = c["key"], c["day"]
    # one point per day (the day's last check-in), and of those only the last *keep* of each KR:
    # the latest value is the last of them, and the forecast uses no more
    last_of_day = np.ones(len(key), dtype=bool)
    if len(key) > 1:
        last_of_day[:-1] = (key[1:] != key[:-1]) | (day[1:] != day[:-1])
    sel = np.flatnonzero(last_of_day)
    key, day, pos = key[sel], day[sel], c["pos"][sel]
    starts = _starts(key)
    group_len = np.diff(starts)
    group_end = np.repeat(starts[1:], group_len)
    tail = (group_end - np.arange(len(key))) <= keep
    sel = np.flatnonzero(tail)
    key, day, pos = key[sel], day[sel], pos[sel]
    value = c["values"][pos]
    starts = _starts(key)
    gkeys = key[starts[:-1]] if len(key) else key
    npts = np.diff(starts)
    G = len(gkeys)

    # -- per KR: the numbers of the KR row, the period and the pace (in KR order) --------------------
    K = len(key_results)
    ids = [k["id"] for k in key_results]
    num = lambda name: np.array([k.get(name) for k in key_results], dtype=np.float64)  # None → nan
    baseline, target, low, high, alert_value = (num("baseline"), num("target"), num("band_low"),
                                                num("band_high"), num("alert_value"))
    committed = [_committed(k.get("committed")) for k in key_results]
    weights = [_weight(k.get("weight")) for k in key_results]
    cadence = np.array([k.get("cadence_days") or cadence_days for k in key_results], dtype=np.int64) + grace_days
    # the direction as direction_of() tells it: given, else inferred from baseline → target, else a band.
    # An unknown word is no direction (no alert), but progress then infers one, as kr_progress(None, …) does.
    given = np.array([k.get("direction") for k in key_results], dtype=object)
    g_up, g_down, g_band = given == UP, given == DOWN, given == BAND
    unset = np.array([d is None for d in given.tolist()], dtype=bool)
    unknown = ~unset & ~g_up & ~g_down & ~g_band
    both = ~np.isnan(baseline) & ~np.isnan(target) & (baseline != target)
    with np.errstate(invalid="ignore"):
        i_up, i_down = both & (target > baseline), both & (target < baseline)
    i_band = ~both & ~np.isnan(low) & ~np.isnan(high)
    d_up, d_down, d_band = g_up | (unset & i_up), g_down | (unset & i_down), g_band | (unset & i_band)
    p_up, p_down, p_band = d_up | (unknown & i_up), d_down | (unknown & i_down), d_band | (unknown & i_band)
    on_day = on.toordinal() - _EPOCH
    NONE = _NAT
    memo: dict[Any, int] = {None: NONE}

    def day_of(x: Any) -> int:
        o = memo.get(x)
        if o is None:
            d = as_date(x)
            o = memo[x] = NONE if d is None else d.toordinal() - _EPOCH
        return o

    obj_days = {oid: (day_of(o.get("period_start")), day_of(o.get("period_end"))) for oid, o in obj_by_id.items()}
    nothing = (NONE, NONE)
    ps, pe = np.array([obj_days.get(k.get("objective_id"), nothing) for k in key_results],
                      dtype=np.int64).reshape(K, 2).T
    dl = np.array([day_of(k.get("deadline")) for k in key_results], dtype=np.int64)

    def jan1(days: np.ndarray) -> np.ndarray:
        return days.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)

    # the same period as evaluate() and _kr_status_sorted() give the KR: from the objective's start
    # (else 1 January of the deadline's year) to the deadline (else the objective's end)
    has_dl = dl != NONE
    st_ = np.where(ps != NONE, ps, np.where(has_dl, jan1(np.where(has_dl, dl, 0)), NONE))
    en = np.where(has_dl & ((st_ == NONE) | (dl >= st_)), dl, pe)
    en = np.where(en == NONE, dl, en)
    has_end = en != NONE
    st_ = np.where((st_ == NONE) & has_end, jan1(np.where(has_end, en, 0)), st_)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        share = (on_day - st_ + 1) / (en - st_ + 1)
    expected = np.where(~has_end, 1.0, np.where(on_day < st_, 0.0, np.where(on_day >= en, 1.0, share)))
    factor = np.where(np.array(committed, dtype=bool), 1.0, ASPIRATIONAL_FACTOR)
    expectation = factor * expected

    # -- each KR's check-in points (left-aligned, oldest first), looked up by KR id -------------------
    if G:
        try:
            kid = np.asarray(ids)
            g = np.searchsorted(gkeys, kid)
            g = np.where(g < G, g, 0)
            found = gkeys[g] == kid
        except (TypeError, ValueError):  # ids of another kind than the check-ins' keys
            index = {v: i for i, v in enumerate(gkeys.tolist())}
            g = np.array([index.get(i, 0) for i in ids], dtype=np.int64)
            found = np.array([i in index for i in ids], dtype=bool)
    else:
        g = np.zeros(K, dtype=np.int64)
        found = np.zeros(K, dtype=bool)
    n_k = np.where(found, npts[g] if G else 0, 0)
    X = np.zeros((K, keep), dtype=np.int64)
    Y = np.zeros((K, keep), dtype=np.float64)
    M = np.zeros((K, keep), dtype=bool)
    first = np.where(found, starts[g] if G else 0, 0)
    for j in range(keep):
        has = n_k > j
        idx = np.where(has, first + j, 0)
        if len(day):
            X[:, j] = np.where(has, day[idx], 0)
            Y[:, j] = np.where(has, value[idx], 0.0)
        M[:, j] = has
    with_data = n_k > 0
    last_idx = np.where(with_data, first + n_k - 1, 0)
    current = np.where(with_data, value[last_idx], np.nan) if len(value) else np.full(K, np.nan)
    last_day = np.where(with_data, day[last_idx], 0) if len(day) else np.zeros(K, dtype=np.int64)

    def progress_of(cur: np.ndarray) -> np.ndarray:
        """kr_progress for every KR (nan = None)."""
        width = high - low
        with np.errstate(invalid="ignore", divide="ignore"):
            gap = np.where(cur < low, low - cur, cur - high)
            band = np.where((low <= cur) & (cur <= high), 1.0, 1.0 - gap / width)
            band = np.where(np.isnan(low) | np.isnan(high) | ~(high > low), np.nan, band)
            up = (cur - baseline) / (target - baseline)
            down = (baseline - cur) / (baseline - target)
        plain = np.isnan(baseline) | np.isnan(target) | (baseline == target)
        out = np.where(p_band, band, np.where(plain, np.nan, np.where(p_up, up, np.where(p_down, down, np.nan))))
        return np.where(np.isnan(cur), np.nan, out)

    progress = progress_of(current)

    # -- forecast: least squares over the points, projected to the deadline (else the pace end) -------
    fday = np.where(dl != NONE, dl, en)
    has_f = fday != NONE
    n_f = n_k.astype(np.float64)
    xs = X - X[:, :1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.where(M, xs, 0).sum(axis=1) / n_f
        sy = np.zeros(K)
        for j in range(keep):  # summed one point after the other, as sum() does
            sy = sy + np.where(M[:, j], Y[:, j], 0.0)
        my = sy / n_f
        sxx = np.zeros(K)
        sxy = np.zeros(K)
        for j in range(keep):
            dx = xs[:, j] - mx
            sxx = sxx + np.where(M[:, j], dx * dx, 0.0)
            sxy = sxy + np.where(M[:, j], dx * (Y[:, j] - my), 0.0)
        slope = sxy / sxx
        trend = my + slope * ((fday - X[:, 0]).astype(np.float64) - mx)
    trend = np.where((n_k >= 2) & (sxx != 0), trend, np.nan)
    closed = with_data & has_f & (last_day >= fday)
    fc = np.where(~has_f | ~with_data, np.nan, np.where(closed, current, trend))
    fprog = progress_of(fc)
    with np.errstate(invalid="ignore"):
        misses = ~np.isnan(fprog) & (fprog < factor - TOLERANCE) & (~has_f | (on_day < fday))

    # -- status and alert --------------------------------------------------------------------------
    reference = np.where(has_end, np.minimum(on_day, en), on_day)
    outdated = (reference - last_day) > cadence
    no_progress = np.isnan(progress)
    with np.errstate(invalid="ignore"):
        status = np.select(
            [~with_data, outdated, no_progress, progress >= expectation - TOLERANCE - _EPS,
             progress >= AT_RISK_FACTOR * expectation - _EPS],
            [NO_DATA, OUTDATED, NO_DATA, ON_TRACK, AT_RISK], OFF_TRACK).tolist()
        alert = np.where(d_band, (current < low) | (current > high),
                         np.where(d_up, current < alert_value, np.where(d_down, current > alert_value, False)))
    alert &= with_data

    confidence = [None] * K
    rows_k = np.flatnonzero(with_data)
    if len(rows_k):
        conf = table.column("confidence").take(pos[last_idx[rows_k]]).to_pylist() \
            if "confidence" in table.column_names else [None] * len(rows_k)
        for n, v in zip(rows_k.tolist(), conf):
            confidence[n] = v

    def none(a: np.ndarray, m: np.ndarray) -> list:
        """The values as Python objects, None where *m* is False."""
        o = a.astype(object)
        o[~m] = None
        return o.tolist()

    has_p = ~no_progress & with_data
    columns = (none(current, with_data), none(last_day.astype("datetime64[D]"), with_data), none(progress, has_p),
               expected.tolist(), none(np.clip(progress, 0.0, 1.0), has_p), status, none(fc, ~np.isnan(fc)),
               none(fprog, ~np.isnan(fprog)), misses.tolist(), alert.tolist(), none(expectation - progress, has_p),
               committed, ids, expectation.tolist(), confidence, weights)
    return list(map(KRStatus, *columns))  # the fields in their order


def _periods(days: np.ndarray, frequency: str | None) -> np.ndarray:
    """`period_of` for an array of day numbers: the day number of each one's period start."""
    f = frequency if frequency in PERIOD_DAYS else "monthly"
    if f == "daily":
        return days
    if f == "weekly":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if f == "quarterly":
        months = months - months % 3
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _evaluate_indicators(indicators: list[dict], table: Any, on: dt.date) -> list[IndicatorState]:
    """`_indicator_state_sorted` for each indicator, from the readings' columns."""
    c = _columns_sorted(table, "indicator_id", on)
    starts = _starts(c["key"])
    gkeys = c["key"][starts[:-1]].tolist() if len(c["key"]) else []
    index = {k: n for n, k in enumerate(gkeys)}
    out = []
    for ind in indicators:
        iid = ind.get("id")
        gi = index.get(iid)
        if gi is None:
            out.append(IndicatorState(None, None, NO_DATA, None, 0, [], id=iid))
            continue
        s, e = starts[gi], starts[gi + 1]
        days, values = c["day"][s:e], c["values"][c["pos"][s:e]]
        comparator, target, band = ind["comparator"], ind["target"], ind.get("band")
        freq = ind.get("frequency")
        cmp_ = normal_comparator(comparator)
        t = float(target)
        passes = (values >= t if cmp_ == ">=" else values > t if cmp_ == ">" else
                  values <= t if cmp_ == "<=" else values < t)
        if band is not None and band > 0:
            yellow = np.abs(values - t) <= band * (1 + _EPS) + _EPS
            status = np.where(passes, GREEN, np.where(yellow, YELLOW, RED))
        else:
            status = np.where(passes, GREEN, RED)
        periods = _periods(days, freq)
        last = np.ones(len(periods), dtype=bool)  # the last reading of each period counts
        last[:-1] = periods[1:] != periods[:-1]
        history = list(zip(periods[last].astype("datetime64[D]").tolist(), values[last].tolist(),
                           status[last].tolist()))
        out.append(_indicator_state(iid, comparator, target, freq, history, history[-1][1],
                                    days[-1:].astype("datetime64[D]").tolist()[0], on))
    return out


def recovery_candidates(board: Board) -> list[Any]:
    """Indicators red for two periods in a row (red_streak ≥ 2), in board order: each proposes a
    recovery objective ("bring NPS back to ≥ 7", SPEC §7.1)."""
    return [i for i, s in board.indicators.items() if s.red_streak >= 2]
