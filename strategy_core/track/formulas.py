"""The measuring rules: KR progress, pace, forecast and status; indicator achievement, status and
periods; and the state types they produce. Numbers in, numbers out: no rows, no I/O.

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
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

UP, DOWN, BAND = "up", "down", "band"
ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, OUTDATED = "on_track", "at_risk", "off_track", "no_data", "outdated"
GREEN, YELLOW, RED = "green", "yellow", "red"

TOLERANCE = 0.05            # on track when progress ≥ expectation − TOLERANCE
ASPIRATIONAL_FACTOR = 0.7   # an aspirational KR is expected at 0.7 of the pace (and of its target)
AT_RISK_FACTOR = 0.7        # at risk when progress ≥ 0.7 × expectation
EPS = 1e-9                 # float noise at the thresholds (0.5 − 0.05 is 0.45, not 0.4500000001)

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
COMPARATORS = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}


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
    """The KR's direction: as given, else inferred from baseline → target, else a band; None: unknown."""
    if direction in (UP, DOWN, BAND):
        return direction
    if direction is not None:
        return None
    if baseline is not None and target is not None and baseline != target:
        return UP if target > baseline else DOWN
    if band_low is not None and band_high is not None:
        return BAND
    return None


def weight_of(w: Any) -> float:
    """A KR's weight in its objective's roll-up: None counts 1, zero or less counts nothing."""
    if w is None:
        return 1.0
    w = float(w)
    return w if w > 0 else 0.0


def is_committed(c: Any) -> bool:
    """Committed unless marked aspirational (None is committed)."""
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
    """Where one KR stands on a day: latest value, progress against its pace, status, forecast and alert; one entry of
    the board."""
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


def is_alert(direction: str | None, current: float | None, alert_value: float | None,
              band_low: float | None, band_high: float | None) -> bool:
    """Whether the latest value is past the alert value in the bad direction (a band KR: outside it)."""
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


def classify(progress: float, expectation: float) -> str:
    """on track within TOLERANCE of the bar, at risk from AT_RISK_FACTOR of it, else off track."""
    if progress >= expectation - TOLERANCE - EPS:
        return ON_TRACK
    if progress >= AT_RISK_FACTOR * expectation - EPS:
        return AT_RISK
    return OFF_TRACK


# -- indicators ------------------------------------------------------------------------

def normal_comparator(comparator: str) -> str:
    """The comparator as stored (>=, >, <=, <) from its symbols or their reversed spellings."""
    try:
        return COMPARATORS[comparator.strip()]
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
    if band is not None and band > 0 and abs(value - target) <= band * (1 + EPS) + EPS:
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


def previous_period(p: dt.date, frequency: str | None) -> dt.date:
    """The start of the period before the one starting on *p*."""
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
    """Where one indicator stands on a day: latest reading, status, achievement, red streak and per-period history; one
    entry of the board."""
    latest: float | None
    last_date: dt.date | None
    status: str                      # green | yellow | red | no_data | outdated
    achievement: float | None
    red_streak: int                  # consecutive most-recent periods whose last reading is red
    history: list[tuple[dt.date, float, str]] = field(default_factory=list)  # (period start, value, status)
    id: Any = None
    last_status: str | None = None   # status of the latest reading itself, even when outdated


def indicator_from_history(iid: Any, comparator: str, target: float, freq: str | None,
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
        expect = previous_period(p, freq)
    last_status = history[-1][2]
    limit = 2 * PERIOD_DAYS.get(freq, PERIOD_DAYS["monthly"])
    status = OUTDATED if (on - last_date).days > limit else last_status
    return IndicatorState(latest, last_date, status, achievement(comparator, target, latest), streak, history,
                          id=iid, last_status=last_status)
