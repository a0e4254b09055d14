"""How status is measured (SPEC §7.1): every formula of strategy_core.track.measure, and one board."""
import datetime as dt
import random

import pytest

from strategy_core.track import measure as M

D = dt.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))     # 90 days: 14 February is day 45 → pace 0.5 exactly
MID_Q1 = D(2026, 2, 14)


def ci(value, date, kr=1, id=None, confidence=None):
    return {"id": id, "key_result_id": kr, "date": date, "value": value, "confidence": confidence}


def kr(**kw):
    base = {"id": 1, "objective_id": 1, "direction": "up", "baseline": 0.0, "target": 100.0,
            "band_low": None, "band_high": None, "deadline": Q1[1], "alert_value": None,
            "committed": None, "weight": None}
    base.update(kw)
    return base


# -- kr_progress / score ------------------------------------------------------------

def test_progress_up():
    assert M.kr_progress("up", 0, 100, 50) == pytest.approx(0.5)
    assert M.kr_progress("up", 20, 120, 20) == 0
    assert M.kr_progress("up", 20, 120, 170) == pytest.approx(1.5)   # unclamped above
    assert M.kr_progress("up", 20, 120, 10) == pytest.approx(-0.1)   # and below


def test_progress_down_is_not_the_up_formula_misapplied():
    # churn 10 % → 5 %
    assert M.kr_progress("down", 10, 5, 8) == pytest.approx(0.4)
    assert M.kr_progress("down", 10, 5, 12) == pytest.approx(-0.4)
    assert M.kr_progress("down", 10, 5, 4) == pytest.approx(1.2)
    assert M.kr_progress("down", 10, 5, 5) == pytest.approx(1.0)
    assert M.kr_progress("down", 10, 5, 10) == 0
    # SPEC §3's own: delivery latency 300 ms → 200 ms, now 250 ms
    assert M.kr_progress("down", 300, 200, 250) == pytest.approx(0.5)


def test_progress_direction_inferred_when_missing():
    assert M.kr_progress(None, 10, 5, 8) == pytest.approx(0.4)
    assert M.kr_progress(None, 5, 8, 6.5) == pytest.approx(0.5)
    assert M.kr_progress(None, None, None, 4, 3, 5) == 1.0           # only a band: band
    assert M.kr_progress("sideways", 0, 10, 5) is None


def test_progress_band():
    for v in (3, 4, 5):
        assert M.kr_progress("band", None, None, v, 3, 5) == 1.0     # inside, edges included
    assert M.kr_progress("band", None, None, 6, 3, 5) == pytest.approx(0.5)
    assert M.kr_progress("band", None, None, 2, 3, 5) == pytest.approx(0.5)
    assert M.kr_progress("band", None, None, 7, 3, 5) == pytest.approx(0.0)  # one band width away
    assert M.kr_progress("band", None, None, 1, 3, 5) == pytest.approx(0.0)
    assert M.kr_progress("band", None, None, 8, 3, 5) == pytest.approx(-0.5)  # unclamped beyond
    # baseline/target do not matter for a band
    assert M.kr_progress("band", 0, 100, 4, 3, 5) == 1.0


def test_progress_none_when_a_number_is_missing():
    assert M.kr_progress("up", 10, 10, 12) is None                    # baseline == target
    assert M.kr_progress("down", 5, 5, 4) is None
    assert M.kr_progress("up", None, 10, 5) is None
    assert M.kr_progress("up", 0, None, 5) is None
    assert M.kr_progress("up", 0, 10, None) is None
    assert M.kr_progress("band", None, None, 4, None, 5) is None
    assert M.kr_progress("band", None, None, 4, 5, 5) is None         # no width
    assert M.kr_progress("band", None, None, 4, 6, 5) is None         # reversed


def test_score_clamps():
    assert M.score(-0.4) == 0.0
    assert M.score(0.4) == pytest.approx(0.4)
    assert M.score(1.2) == 1.0
    assert M.score(None) is None


# -- pace -------------------------------------------------------------------------------

def test_expected_pace_inclusive_days():
    y0, y1 = D(2026, 1, 1), D(2026, 12, 31)
    assert M.expected_pace(y0, y1, D(2025, 12, 31)) == 0.0           # before the start
    assert M.expected_pace(y0, y1, y0) == pytest.approx(1 / 365)     # the first day counts
    assert M.expected_pace(y0, y1, D(2026, 7, 2)) == pytest.approx(183 / 365)
    assert M.expected_pace(y0, y1, y1) == 1.0                        # the last day
    assert M.expected_pace(y0, y1, D(2027, 3, 1)) == 1.0             # after the end
    assert M.expected_pace(*Q1, MID_Q1) == pytest.approx(0.5)
    # a one-day period, and a reversed one, do not divide by zero
    assert M.expected_pace(y0, y0, y0) == 1.0
    assert M.expected_pace(y1, y0, D(2026, 6, 1)) == 0.0


def test_expected_from_plan_is_linear_between_points():
    plan = [(D(2026, 1, 31), 0.1), (D(2026, 2, 28), 0.3), (D(2026, 3, 31), 0.6)]
    assert M.expected_from_plan(plan, D(2026, 1, 31)) == pytest.approx(0.1)
    assert M.expected_from_plan(plan, MID_Q1) == pytest.approx(0.1 + 0.2 * 14 / 28)
    assert M.expected_from_plan(plan, D(2026, 4, 30)) == pytest.approx(0.6)    # last share holds
    assert M.expected_from_plan(plan, D(2026, 1, 16)) == pytest.approx(0.1)    # first share holds
    # with the period start the plan grows from 0 (end of the day before the start)
    assert M.expected_from_plan(plan, D(2026, 1, 16), start=D(2026, 1, 1)) == pytest.approx(0.1 * 16 / 31)
    assert M.expected_from_plan(plan, D(2025, 12, 1), start=D(2026, 1, 1)) == 0.0
    # unsorted input is fine; an empty plan expects nothing
    assert M.expected_from_plan(list(reversed(plan)), MID_Q1) == pytest.approx(0.2)
    assert M.expected_from_plan([], MID_Q1) == 0.0


def test_monthly_plan_agrees_with_calendar_pace():
    start = D(2026, 1, 1)
    ends = [D(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)] + [D(2026, 12, 31)]
    plan = [(e, ((e - start).days + 1) / 365) for e in ends]
    for on in (D(2026, 1, 1), D(2026, 2, 14), D(2026, 7, 2), D(2026, 11, 30)):
        assert M.expected_from_plan(plan, on, start=start) == pytest.approx(M.expected_pace(start, D(2026, 12, 31), on))


# -- forecast ---------------------------------------------------------------------------

def test_forecast_on_a_perfect_line_is_the_line():
    t0 = D(2026, 1, 1)
    line = lambda d: 5 + 2 * (d - t0).days  # noqa: E731
    pts = [(t0 + dt.timedelta(days=k), line(t0 + dt.timedelta(days=k))) for k in (0, 3, 10, 17, 30)]
    deadline = D(2026, 3, 31)
    assert M.forecast(pts, deadline) == pytest.approx(line(deadline))
    assert M.forecast(list(reversed(pts)), deadline) == pytest.approx(line(deadline))  # order does not matter
    assert M.forecast(pts[:2], deadline) == pytest.approx(line(deadline))


def test_forecast_uses_only_the_recent_window():
    t0 = D(2026, 1, 1)
    old = [(t0, 1000.0)]                                  # an outlier long ago
    recent = [(t0 + dt.timedelta(days=10 + 7 * k), 10.0 + 7 * k) for k in range(6)]  # slope 1/day
    deadline = D(2026, 3, 31)
    expected = 10.0 + ((deadline - (t0 + dt.timedelta(days=10))).days)
    assert M.forecast(old + recent, deadline, window=6) == pytest.approx(expected)
    assert M.forecast(old + recent, deadline, window=7) != pytest.approx(expected)


def test_forecast_needs_two_days():
    assert M.forecast([], D(2026, 3, 31)) is None
    assert M.forecast([(D(2026, 1, 5), 3.0)], D(2026, 3, 31)) is None
    assert M.forecast([(D(2026, 1, 5), 3.0), (D(2026, 1, 5), 4.0)], D(2026, 3, 31)) is None
    assert M.forecast([(D(2026, 1, 5), 3.0), (D(2026, 1, 6), 4.0)], None) is None


# -- kr_status --------------------------------------------------------------------------

def status_of(k, check_ins, on=MID_Q1, **kw):
    kw.setdefault("period_start", Q1[0])
    return M.kr_status(k, check_ins, on, **kw)


def test_no_data_and_silence_is_never_green():
    s = status_of(kr(), [])
    assert (s.status, s.current, s.progress, s.behind, s.score) == ("no_data", None, None, None, None)
    assert s.expected == pytest.approx(0.5)          # the pace is known even without data
    # check-ins after the "as of" date are ignored
    s = status_of(kr(), [ci(90, D(2026, 2, 20))])
    assert s.status == "no_data"
    # outdated: cadence 7 + grace 7 days; older than that is outdated whatever it said (even 100 %)
    fresh = status_of(kr(), [ci(100, MID_Q1 - dt.timedelta(days=14))])
    stale = status_of(kr(), [ci(100, MID_Q1 - dt.timedelta(days=15))])
    assert fresh.status == "on_track"
    assert stale.status == "outdated"
    assert stale.progress == pytest.approx(1.0) and stale.current == 100   # what it said is still shown
    assert status_of(kr(), [ci(100, MID_Q1 - dt.timedelta(days=15))], cadence_days=30).status == "on_track"
    # data but nothing measurable (baseline == target) is not judged either
    assert status_of(kr(baseline=5.0, target=5.0), [ci(5, MID_Q1)]).status == "no_data"


def test_latest_check_in_wins_and_order_of_input_does_not_matter():
    rows = [ci(40, D(2026, 2, 10), id=3), ci(10, D(2026, 1, 10), id=1), ci(30, D(2026, 2, 10), id=2),
            ci(99, D(2026, 3, 1), id=4)]
    s = status_of(kr(), rows)
    assert (s.current, s.last_date) == (40, D(2026, 2, 10))
    # datetimes (as a driver might return) are read as dates
    s = status_of(kr(), [ci(50, dt.datetime(2026, 2, 13, 18, 30), confidence=7)])
    assert (s.current, s.last_date, s.confidence) == (50, D(2026, 2, 13), 7)
    # rows without an id, or with a mix of ids and None, keep their input order within a day
    s = status_of(kr(), [{"date": MID_Q1, "value": 10}, {"date": MID_Q1, "value": 20}])
    assert s.current == 20
    s = status_of(kr(), [ci(10, MID_Q1, id=5), ci(20, MID_Q1), ci(None, MID_Q1, id=6)])
    assert s.current == 10       # id 5 is the later one; a row without a value is skipped


@pytest.mark.parametrize("value, committed, status", [
    (50, True, "on_track"),
    (45, True, "on_track"),      # exactly expectation − tolerance
    (44, True, "at_risk"),
    (35, True, "at_risk"),       # exactly 0.7 × expectation
    (34, True, "off_track"),
    (30, False, "on_track"),     # aspirational: expected at 0.7 × 0.5 = 0.35, tolerance 0.05
    (29, False, "at_risk"),
    (24.5, False, "at_risk"),    # 0.7 × 0.35
    (24, False, "off_track"),
    (60, False, "on_track"),
])
def test_committed_vs_aspirational_thresholds(value, committed, status):
    s = status_of(kr(committed=committed), [ci(value, MID_Q1)])
    assert s.status == status
    assert s.committed is committed
    assert s.expected == pytest.approx(0.5)
    assert s.expectation == pytest.approx(0.5 if committed else 0.35)
    assert s.behind == pytest.approx(s.expectation - value / 100)


def test_committed_none_means_committed_and_weight_defaults_to_one():
    s = status_of(kr(committed=None, weight=None), [ci(50, MID_Q1)])
    assert s.committed is True and s.weight == 1.0


def test_decrease_kr_status():
    churn = kr(direction="down", baseline=10.0, target=5.0, alert_value=9.0)
    s = status_of(churn, [ci(12, D(2026, 2, 1)), ci(8, MID_Q1)])
    assert s.progress == pytest.approx(0.4)
    assert s.status == "at_risk"        # 0.4 < 0.45 but ≥ 0.35
    assert s.alert is False             # 8 % is better than the 9 % alert
    s = status_of(churn, [ci(12, MID_Q1)])
    assert (s.progress, s.score, s.status, s.alert) == (pytest.approx(-0.4), 0.0, "off_track", True)


def test_alert_in_both_directions_and_for_bands():
    up = kr(alert_value=30.0)
    assert status_of(up, [ci(29, MID_Q1)]).alert is True
    assert status_of(up, [ci(30, MID_Q1)]).alert is False          # at the alert value is not past it
    assert status_of(up, [ci(31, MID_Q1)]).alert is False
    down = kr(direction="down", baseline=10.0, target=5.0, alert_value=9.0)
    assert status_of(down, [ci(9.5, MID_Q1)]).alert is True
    assert status_of(down, [ci(9, MID_Q1)]).alert is False
    assert status_of(down, [ci(6, MID_Q1)]).alert is False
    band = kr(direction="band", baseline=None, target=None, band_low=3.0, band_high=5.0)
    assert status_of(band, [ci(4, MID_Q1)]).alert is False
    assert status_of(band, [ci(5.5, MID_Q1)]).alert is True
    assert status_of(band, [ci(2.5, MID_Q1)]).alert is True
    assert status_of(kr(alert_value=None), [ci(0, MID_Q1)]).alert is False
    # the alert follows the latest value on or before the date
    assert status_of(up, [ci(20, D(2026, 2, 1)), ci(40, MID_Q1)]).alert is False


def test_band_kr_status():
    band = kr(direction="band", baseline=None, target=None, band_low=3.0, band_high=5.0)
    s = status_of(band, [ci(4.2, MID_Q1)])
    assert (s.progress, s.status, s.score) == (1.0, "on_track", 1.0)


def test_forecast_misses_while_on_track_today():
    # 50 % done at mid-quarter (on track), but the last weeks have flattened out
    rows = [ci(20, D(2026, 1, 5)), ci(45, D(2026, 1, 20)), ci(48, D(2026, 2, 1)),
            ci(49, D(2026, 2, 8)), ci(50, MID_Q1)]
    s = status_of(kr(), rows)
    assert s.status == "on_track"
    assert s.forecast is not None and s.forecast < 100
    assert s.forecast_progress < 1.0
    assert s.forecast_misses is True


def test_forecast_on_the_deadline_and_aspirational_bar():
    # 0.8 a day from 1 January: 80 at the deadline 11 April (day 100)
    deadline = D(2026, 4, 11)
    rows = [ci(0, D(2026, 1, 1)), ci(8, D(2026, 1, 11)), ci(16, D(2026, 1, 21)), ci(33.6, D(2026, 2, 12))]
    committed = status_of(kr(deadline=deadline), rows)
    aspirational = status_of(kr(deadline=deadline, committed=False), rows)
    assert committed.forecast == pytest.approx(80)
    assert committed.forecast_progress == pytest.approx(0.8)
    assert committed.forecast_misses is True       # 0.8 < 1.0
    assert aspirational.forecast_misses is False   # 0.8 ≥ 0.7
    # a trend that reaches the target exactly is not a miss
    rows = [ci(0, D(2026, 1, 1)), ci(10, D(2026, 1, 11)), ci(20, D(2026, 1, 21))]
    s = status_of(kr(deadline=deadline), rows, on=D(2026, 1, 21))
    assert s.forecast == pytest.approx(100) and s.forecast_misses is False


def test_forecast_after_the_deadline_is_the_actual_value():
    rows = [ci(10, D(2026, 1, 1)), ci(60, D(2026, 3, 31)), ci(70, D(2026, 4, 5))]
    s = status_of(kr(), rows, on=D(2026, 4, 6))
    assert s.forecast == 70 and s.forecast_progress == pytest.approx(0.7)
    # past the deadline the miss is the status itself (off track), not a warning about the future
    assert not s.forecast_misses and s.status == "at_risk"  # 0.7 of 1.0: at risk, not on track
    assert s.expected == 1.0


def test_a_forecast_within_the_tolerance_is_not_a_miss():
    # on pace for 97 % of the target by the deadline: inside the 5-point on-track tolerance
    rows = [ci(0, D(2026, 1, 1)), ci(48.5, D(2026, 2, 15))]
    s = status_of(kr(), rows, on=D(2026, 2, 16))
    assert s.forecast_progress is not None and 0.95 < s.forecast_progress < 1.0
    assert not s.forecast_misses


def test_plan_drives_the_expected_progress():
    plan = [(D(2026, 1, 31), 0.1), (D(2026, 2, 28), 0.3), (D(2026, 3, 31), 1.0)]
    s = status_of(kr(), [ci(25, MID_Q1)], plan=plan)
    assert s.expected == pytest.approx(0.2)
    assert s.status == "on_track"                  # 0.25 ≥ 0.2 although behind the calendar pace
    assert status_of(kr(), [ci(25, MID_Q1)]).status == "off_track"


def test_period_defaults():
    # period_end defaults to the deadline, period_start to 1 January of its year
    s = M.kr_status(kr(deadline=D(2026, 12, 31)), [ci(50, D(2026, 7, 2))], D(2026, 7, 2), period_start=None)
    assert s.expected == pytest.approx(183 / 365)
    # no deadline and no period: the whole target is due now
    s = M.kr_status(kr(deadline=None), [ci(50, MID_Q1)], MID_Q1, period_start=None)
    assert s.expected == 1.0 and s.status == "off_track" and s.forecast is None


# -- indicators ---------------------------------------------------------------------------

@pytest.mark.parametrize("comparator, target, band, value, status", [
    (">=", 40, 5, 40, "green"),       # at the boundary, ≥ passes
    (">=", 40, 5, 45, "green"),
    (">=", 40, 5, 39.99, "yellow"),
    (">=", 40, 5, 35, "yellow"),      # boundary − band: still yellow
    (">=", 40, 5, 34.99, "red"),
    (">", 40, 5, 40, "yellow"),       # at the boundary, > fails
    (">", 40, 5, 40.01, "green"),
    (">", 40, 5, 35, "yellow"),
    (">", 40, 5, 34.99, "red"),
    ("<=", 72, 6, 72, "green"),
    ("<=", 72, 6, 66, "green"),
    ("<=", 72, 6, 72.01, "yellow"),
    ("<=", 72, 6, 78, "yellow"),      # boundary + band
    ("<=", 72, 6, 78.01, "red"),
    ("<", 72, 6, 72, "yellow"),
    ("<", 72, 6, 71.99, "green"),
    ("<", 72, 6, 78, "yellow"),
    ("<", 72, 6, 78.01, "red"),
    (">=", 40, None, 39.99, "red"),   # no band, no yellow zone
    ("<", 1, 0, 1, "red"),
    ("≥", 40, 5, 40, "green"),        # the typographic comparators read the same
    ("≤", 72, 6, 73, "yellow"),
    (">=", 40, 5, None, "no_data"),
])
def test_indicator_status_at_every_boundary(comparator, target, band, value, status):
    assert M.indicator_status(comparator, target, band, value) == status


def test_compare():
    assert M.compare(40, ">=", 40) and not M.compare(40, ">", 40)
    assert M.compare(40, "<=", 40) and not M.compare(40, "<", 40)
    assert M.compare(199, "<", 200) and M.compare(500001, ">", 500000)
    with pytest.raises(ValueError):
        M.compare(1, "==", 1)


def test_achievement_is_direction_aware():
    assert M.achievement(">=", 40, 50) == pytest.approx(1.25)
    assert M.achievement(">", 500000, 250000) == pytest.approx(0.5)
    assert M.achievement("<", 200, 250) == pytest.approx(0.8)          # CAC ¥250 against < ¥200
    assert M.achievement("<=", 72, 36) == pytest.approx(2.0)
    assert M.achievement(">=", 500000, -100000) == pytest.approx(-0.2)  # a negative cash flow
    assert M.achievement(">=", 40, None) is None
    # zeros: the ratio means nothing, so it is pass 1.0 / fail 0.0
    assert M.achievement("<", 1, 0) == 1.0          # zero defects against < 1 %
    assert M.achievement(">=", 0, 5) == 1.0
    assert M.achievement(">", 0, 0) == 0.0
    assert M.achievement("<=", 0, 0) == 1.0
    assert M.achievement("<", 0, 0) == 0.0
    assert M.achievement("<=", 0, 3) == 0.0         # target 0, value 3: 0 / 3


def ind(**kw):
    base = {"id": 1, "comparator": ">=", "target": 7.0, "band": 0.5, "frequency": "monthly"}
    base.update(kw)
    return base


def rd(value, date, indicator=1, id=None):
    return {"id": id, "indicator_id": indicator, "date": date, "value": value}


def test_indicator_state_history_and_red_streak():
    rows = [rd(6.0, D(2025, 11, 30)), rd(6.9, D(2025, 12, 31)), rd(6.0, D(2026, 1, 15)),
            rd(6.2, D(2026, 1, 31)), rd(6.1, D(2026, 2, 27)), rd(9.0, D(2026, 3, 5))]
    s = M.indicator_state(ind(), rows, D(2026, 3, 1))
    assert (s.latest, s.last_date, s.status) == (6.1, D(2026, 2, 27), "red")
    assert s.achievement == pytest.approx(6.1 / 7)
    assert s.history == [(D(2025, 11, 1), 6.0, "red"), (D(2025, 12, 1), 6.9, "yellow"),
                         (D(2026, 1, 1), 6.2, "red"), (D(2026, 2, 1), 6.1, "red")]
    assert s.red_streak == 2


def test_red_streak_is_broken_by_a_period_without_reading():
    gap = [rd(6.0, D(2026, 1, 31)), rd(6.0, D(2026, 3, 31))]                     # no February reading
    assert M.indicator_state(ind(), gap, D(2026, 4, 2)).red_streak == 1
    three = [rd(6.0, D(2026, 1, 31)), rd(6.0, D(2026, 3, 31)), rd(6.0, D(2026, 4, 30))]
    assert M.indicator_state(ind(), three, D(2026, 5, 2)).red_streak == 2
    # the last reading of a period decides it: March recovered → no streak
    healed = three[:2] + [rd(7.5, D(2026, 3, 31), id=9)] + [rd(6.0, D(2026, 4, 30))]
    assert M.indicator_state(ind(), healed, D(2026, 5, 2)).red_streak == 1
    # across a year boundary, weekly and quarterly
    assert M.indicator_state(ind(), [rd(1, D(2025, 12, 31)), rd(1, D(2026, 1, 1))], D(2026, 1, 2)).red_streak == 2
    weekly = ind(frequency="weekly")
    w = [rd(1, D(2026, 1, 4)), rd(1, D(2026, 1, 5))]        # Sunday then Monday: two ISO weeks
    assert M.indicator_state(weekly, w, D(2026, 1, 6)).red_streak == 2
    assert M.indicator_state(weekly, w, D(2026, 1, 6)).history[0][0] == D(2025, 12, 29)
    quarterly = ind(frequency="quarterly")
    q = [rd(1, D(2025, 12, 15)), rd(1, D(2026, 3, 31))]
    s = M.indicator_state(quarterly, q, D(2026, 4, 1))
    assert (s.red_streak, [h[0] for h in s.history]) == (2, [D(2025, 10, 1), D(2026, 1, 1)])


def test_indicator_no_data_and_outdated():
    s = M.indicator_state(ind(), [], D(2026, 3, 1))
    assert (s.status, s.latest, s.red_streak, s.history) == ("no_data", None, 0, [])
    assert M.indicator_state(ind(), [rd(8, D(2026, 3, 5))], D(2026, 3, 1)).status == "no_data"
    # monthly: a period (31 days) plus a grace of one period
    last = D(2026, 1, 31)
    assert M.indicator_state(ind(), [rd(8, last)], last + dt.timedelta(days=62)).status == "green"
    s = M.indicator_state(ind(), [rd(8, last)], last + dt.timedelta(days=63))
    assert (s.status, s.last_status, s.latest) == ("outdated", "green", 8)
    daily = ind(frequency="daily")
    assert M.indicator_state(daily, [rd(8, last)], last + dt.timedelta(days=2)).status == "green"
    assert M.indicator_state(daily, [rd(8, last)], last + dt.timedelta(days=3)).status == "outdated"
    weekly = ind(frequency="weekly")
    assert M.indicator_state(weekly, [rd(8, last)], last + dt.timedelta(days=15)).status == "outdated"


# -- the board --------------------------------------------------------------------------

def workspace():
    """A small quarter, hand-computed in test_evaluate_end_to_end."""
    objectives = [
        {"id": 1, "level": "company", "aligns_to": None, "period_start": Q1[0], "period_end": Q1[1]},
        {"id": 2, "level": "department", "aligns_to": 11, "period_start": Q1[0], "period_end": Q1[1]},
        {"id": 3, "level": "department", "aligns_to": 11, "period_start": None, "period_end": None},
    ]
    key_results = [
        kr(id=11, objective_id=1, weight=2.0),
        kr(id=12, objective_id=1, direction="down", baseline=10.0, target=5.0, alert_value=9.0),
        kr(id=13, objective_id=1, target=10.0, committed=False),
        kr(id=21, objective_id=2, target=10.0),
        kr(id=22, objective_id=2),
        kr(id=31, objective_id=3),
    ]
    check_ins = [
        ci(20, D(2026, 1, 10), 11), ci(40, D(2026, 2, 1), 11), ci(50, D(2026, 2, 10), 11),
        ci(90, D(2026, 2, 20), 11),                       # after the date: ignored
        ci(9.5, D(2026, 2, 12), 12),
        ci(3, D(2026, 2, 13), 13),
        ci(1, D(2026, 1, 2), 21),                         # 43 days old: outdated
        ci(5, D(2026, 2, 1), 999),                        # a KR not in the list: ignored
    ]
    indicators = [
        {"id": 101, "comparator": ">=", "target": 7.0, "band": 0.5, "frequency": "monthly"},    # NPS
        {"id": 102, "comparator": "<", "target": 200.0, "band": 20.0, "frequency": "monthly"},  # CAC
        {"id": 103, "comparator": "<", "target": 1.0, "band": 0.2, "frequency": "weekly"},      # defects
        {"id": 104, "comparator": ">=", "target": 30.0, "band": 5.0, "frequency": "monthly"},   # repeat
        {"id": 105, "comparator": ">=", "target": 100.0, "band": None, "frequency": "daily"},
        {"id": 106, "comparator": ">=", "target": 1.0, "band": None, "frequency": "daily",
         "retired_at": dt.datetime(2026, 2, 1, 9, 0)},
    ]
    readings = [
        rd(6.0, D(2025, 11, 30), 101), rd(6.8, D(2025, 12, 31), 101), rd(6.0, D(2026, 1, 31), 101),
        rd(250, D(2025, 12, 31), 102), rd(230, D(2026, 1, 31), 102),
        rd(1.1, D(2026, 2, 9), 103),
        rd(35, D(2026, 2, 1), 104),
        rd(50, D(2026, 2, 1), 105),
        rd(0, D(2026, 2, 13), 106),
    ]
    return objectives, key_results, check_ins, indicators, readings


def test_evaluate_end_to_end():
    board = M.evaluate(*workspace(), MID_Q1)
    k = board.krs
    assert set(k) == {11, 12, 13, 21, 22, 31}
    # 11: 50 of 100 at half the quarter
    assert (k[11].status, k[11].progress, k[11].behind) == ("on_track", pytest.approx(0.5), pytest.approx(0.0))
    # 12: churn 10 → 5 at 9.5 is 0.1; past the 9 % alert
    assert (k[12].status, k[12].progress, k[12].alert) == ("off_track", pytest.approx(0.1), True)
    # 13: aspirational, 0.3 against 0.7 × 0.5
    assert (k[13].status, k[13].behind) == ("on_track", pytest.approx(0.05))
    assert k[21].status == "outdated" and k[21].behind == pytest.approx(0.4)
    assert k[22].status == k[31].status == "no_data"
    # objective 3 has no period: 1 January of the deadline's year to the deadline
    assert k[31].expected == pytest.approx(0.5)

    o = board.objectives
    # (2 × 0.5 + 0.1 + 0.3) / 4 = 0.35 against (2 × 0.5 + 0.5 + 0.35) / 4 = 0.4625 → at risk (≥ 0.32375)
    assert o[1].score == pytest.approx(0.35)
    assert o[1].expected == pytest.approx(0.4625)
    assert o[1].behind == pytest.approx(0.1125)
    assert (o[1].status, o[1].krs_total, o[1].krs_with_data) == ("at_risk", 3, 3)
    assert (o[2].score, o[2].status, o[2].krs_with_data, o[2].outdated) == (pytest.approx(0.1), "outdated", 1, 1)
    assert (o[3].score, o[3].status) == (None, "no_data")

    # KR 11 is supported by objectives 2 (0.1) and 3 (no data)
    assert board.supported[11] == pytest.approx(0.1)
    assert board.supported[12] is None and set(board.supported) == set(k)

    i = board.indicators
    assert 106 not in i                                                     # retired
    assert (i[101].status, i[101].red_streak) == ("red", 1)                # yellow December breaks it
    assert (i[102].status, i[102].red_streak) == ("red", 2)
    assert i[102].achievement == pytest.approx(200 / 230)
    assert i[103].status == "yellow" and i[103].history == [(D(2026, 2, 9), 1.1, "yellow")]
    assert i[104].status == "green"
    assert (i[105].status, i[105].last_status) == ("outdated", "red")

    assert [(kind, id_) for kind, id_, _ in board.ranking] == [
        ("key_result", 12), ("key_result", 21),        # both 0.4 behind, board order
        ("indicator", 101), ("indicator", 102), ("indicator", 103),
        ("key_result", 13), ("key_result", 11)]
    assert [b for _, _, b in board.ranking] == pytest.approx(
        [0.4, 0.4, 1 / 7, 1 - 200 / 230, 1 - 1 / 1.1, 0.05, 0.0])
    assert board.alerts == [("key_result", 12), ("indicator", 101), ("indicator", 102)]
    assert M.recovery_candidates(board) == [102]


def test_evaluate_as_of_an_earlier_date():
    board = M.evaluate(*workspace(), D(2026, 1, 15))
    assert board.krs[11].current == 20 and board.krs[12].status == "no_data"
    assert board.indicators[102].red_streak == 1 and board.indicators[102].latest == 250
    assert 106 in board.indicators and board.indicators[106].status == "no_data"   # not yet retired
    assert M.recovery_candidates(board) == []


def test_weighted_rollup_uses_weights():
    objectives = [{"id": 1, "level": "company", "aligns_to": None, "period_start": Q1[0], "period_end": Q1[1]}]
    krs = [kr(id=1, weight=3.0), kr(id=2, weight=1.0), kr(id=3, weight=0.0)]
    rows = [ci(100, MID_Q1, 1), ci(0, MID_Q1, 2), ci(50, MID_Q1, 3)]
    o = M.evaluate(objectives, krs, rows, [], [], MID_Q1).objectives[1]
    assert o.score == pytest.approx(0.75)             # (3 × 1.0 + 1 × 0.0) / 4; weight 0 counts for nothing
    assert o.status == "on_track"
    # scores are clamped before they are averaged: 1.5 does not make up for a KR below baseline
    rows = [ci(150, MID_Q1, 1), ci(-50, MID_Q1, 2)]
    o = M.evaluate(objectives, krs[:2], rows, [], [], MID_Q1).objectives[1]
    assert o.score == pytest.approx(0.75)


def test_evaluate_matches_kr_status_one_by_one():
    rnd = random.Random(7)
    objectives = [{"id": o, "level": "company", "aligns_to": None, "period_start": D(2026, 1, 1),
                   "period_end": D(2026, 12, 31)} for o in range(5)]
    krs, rows = [], []
    for n in range(60):
        direction = rnd.choice(["up", "down", "band", None])
        krs.append(kr(id=n, objective_id=n % 5, direction=direction, baseline=rnd.choice([0.0, 50.0]),
                      target=rnd.choice([100.0, 10.0]), band_low=40.0, band_high=60.0,
                      deadline=rnd.choice([D(2026, 6, 30), D(2026, 12, 31)]), alert_value=30.0,
                      committed=rnd.choice([True, False, None]), weight=rnd.choice([None, 2.0])))
        for c in range(rnd.randrange(0, 12)):
            rows.append(ci(rnd.uniform(0, 120), D(2026, 1, 1) + dt.timedelta(days=rnd.randrange(0, 200)),
                           n, id=len(rows)))
    rnd.shuffle(rows)
    on = D(2026, 5, 20)
    board = M.evaluate(objectives, krs, rows, [], [], on)
    for k in krs:
        mine = [r for r in rows if r["key_result_id"] == k["id"]]
        assert board.krs[k["id"]] == M.kr_status(k, mine, on, period_start=D(2026, 1, 1))


def test_a_kr_checked_in_at_its_deadline_is_closed_not_outdated():
    import datetime as dt
    from strategy_core.track.measure import kr_status
    kr = {"id": 1, "direction": "up", "baseline": 0, "target": 10, "deadline": dt.date(2026, 4, 30)}
    cis = [{"id": 1, "key_result_id": 1, "date": dt.date(2026, 4, 28), "value": 10}]
    s = kr_status(kr, cis, dt.date(2026, 11, 1), period_start=dt.date(2026, 1, 1))
    assert s.status == "on_track" and s.score == 1.0
    cis = [{"id": 1, "key_result_id": 1, "date": dt.date(2026, 2, 1), "value": 4}]
    assert kr_status(kr, cis, dt.date(2026, 11, 1), period_start=dt.date(2026, 1, 1)).status == "outdated"


# -- the columnar path: the same board from columns ---------------------------------------------

def _columns(rows):
    import pyarrow as pa
    return M.Rows(pa.Table.from_pylist(rows))


def _same_board(a, b):
    assert list(a.krs) == list(b.krs) and a.krs == b.krs
    assert a.objectives == b.objectives and a.supported == b.supported
    assert list(a.indicators) == list(b.indicators) and a.indicators == b.indicators
    assert a.ranking == b.ranking and a.alerts == b.alerts


@pytest.mark.parametrize("on", [D(2025, 12, 1), D(2026, 1, 15), MID_Q1, D(2026, 3, 31), D(2026, 7, 1)])
def test_columnar_evaluate_gives_the_same_board(on):
    objectives, key_results, check_ins, indicators, readings = workspace()
    rows = M.evaluate(objectives, key_results, check_ins, indicators, readings, on)
    cols = M.evaluate(objectives, key_results, _columns(check_ins), indicators, _columns(readings), on)
    _same_board(cols, rows)


def test_columnar_evaluate_matches_on_random_workspaces():
    """Every branch the row-by-row code has — directions given, inferred or unknown; bands with no
    width; committed None; weights; KRs without deadline or objective period; several check-ins a day;
    a KR's own cadence; unsorted rows; rows without an id; every frequency — field by field."""
    rnd = random.Random(11)
    for trial in range(12):
        objectives = [{"id": o, "level": "company", "aligns_to": rnd.choice([None, 100 + o]),
                       "period_start": rnd.choice([None, D(2026, 1, 1), D(2026, 4, 1)]),
                       "period_end": rnd.choice([None, D(2026, 6, 30), D(2026, 12, 31)])} for o in range(8)]
        krs, cis = [], []
        for n in range(100, 160):
            krs.append(kr(id=n, objective_id=rnd.randrange(0, 9), direction=rnd.choice(["up", "down", "band", None, "x"]),
                          baseline=rnd.choice([None, 0.0, 50.0, 10.0]), target=rnd.choice([None, 100.0, 10.0, 50.0]),
                          band_low=rnd.choice([None, 40.0, 60.0]), band_high=rnd.choice([None, 60.0, 40.0]),
                          deadline=rnd.choice([None, D(2026, 3, 31), D(2026, 6, 30), D(2026, 12, 31)]),
                          alert_value=rnd.choice([None, 30.0]), committed=rnd.choice([True, False, None]),
                          weight=rnd.choice([None, 2.0, 0.0, -1.0]), cadence_days=rnd.choice([None, 3, 30])))
            for _ in range(rnd.randrange(0, 15)):
                day = D(2026, 1, 1) + dt.timedelta(days=rnd.randrange(0, 240))
                for _ in range(rnd.choice([1, 1, 1, 2])):  # sometimes several on one day
                    cis.append(ci(round(rnd.uniform(-20, 130), 2), day, n, id=rnd.choice([len(cis) + 1, None]),
                                  confidence=rnd.choice([None, 5, 9])))
        inds, rds = [], []
        for i in range(8):
            inds.append({"id": 500 + i, "comparator": rnd.choice([">=", ">", "<=", "<", "≥"]),
                         "target": rnd.choice([0.0, 7.0, 200.0]), "band": rnd.choice([None, 0.0, 0.5, 20.0]),
                         "frequency": rnd.choice(["daily", "weekly", "monthly", "quarterly", "yearly", None]),
                         "retired_at": rnd.choice([None, None, D(2026, 5, 1)])})
            for _ in range(rnd.randrange(0, 40)):
                rds.append(rd(round(rnd.uniform(-1, 250), 1), D(2025, 10, 1) + dt.timedelta(days=rnd.randrange(0, 330)),
                              500 + i, id=len(rds) + 1))
        rnd.shuffle(cis)
        if trial % 2:
            cis.sort(key=lambda r: (r["date"], r["id"] or 0))  # the order Store.arrow reads them in
        for on in (D(2026, 2, 10), D(2026, 6, 30), D(2026, 12, 31)):
            rows = M.evaluate(objectives, krs, cis, inds, rds, on)
            cols = M.evaluate(objectives, krs, _columns(cis), inds, _columns(rds), on)
            _same_board(cols, rows)


def test_columnar_evaluate_with_no_rows_and_plans():
    objectives, key_results, check_ins, indicators, readings = workspace()
    import pyarrow as pa
    empty_ci = pa.table({"id": pa.array([], pa.int64()), "key_result_id": pa.array([], pa.int64()),
                         "date": pa.array([], pa.date32()), "value": pa.array([], pa.float64()),
                         "confidence": pa.array([], pa.int32())})
    empty_rd = empty_ci.drop_columns(["key_result_id", "confidence"]).append_column(
        "indicator_id", pa.array([], pa.int64()))
    _same_board(M.evaluate(objectives, key_results, empty_ci, indicators, empty_rd, MID_Q1),
                M.evaluate(objectives, key_results, [], indicators, [], MID_Q1))
    # a plan is followed by the row-by-row code, whatever form the check-ins come in
    plans = {11: [(D(2026, 1, 31), 0.1), (D(2026, 3, 31), 1.0)]}
    _same_board(M.evaluate(objectives, key_results, _columns(check_ins), indicators, readings, MID_Q1, plans=plans),
                M.evaluate(objectives, key_results, check_ins, indicators, readings, MID_Q1, plans=plans))


def test_rows_reads_like_the_list_of_its_rows():
    rows = [ci(1.5, D(2026, 1, 2), 7, id=1, confidence=None), ci(2.0, D(2026, 1, 3), 7, id=2, confidence=6)]
    r = _columns(rows)
    assert len(r) == 2 and r == rows and list(r) == rows and r[1] == rows[1] and r[-1]["confidence"] == 6
    assert [x["value"] for x in r] == [1.5, 2.0] and r != rows[:1]


def test_the_demo_board_from_the_snapshot_columns_is_the_row_by_row_board(store, demo_ws):
    from strategy_core.track import monitor, tracking
    snap = monitor.snapshot(store, demo_ws)
    assert isinstance(snap.check_ins, M.Rows) and isinstance(snap.readings, M.Rows)
    assert snap.check_ins == tracking.list_check_ins(store, demo_ws)
    assert list(snap.readings) == tracking.list_readings(store, demo_ws)
    for on in (D(2026, 1, 1), D(2026, 3, 31), D(2026, 6, 30), D(2026, 12, 31)):
        _same_board(monitor.board(snap, on),
                    M.evaluate(snap.objectives, snap.key_results, tracking.list_check_ins(store, demo_ws),
                               snap.indicators, tracking.list_readings(store, demo_ws), on))


def test_chart_points_from_the_columns_are_the_points_from_the_rows(store, demo_ws):
    from strategy_core.track import monitor, tracking
    snap = monitor.snapshot(store, demo_ws)
    rows = monitor.Snapshot(snap.workspace, snap.objectives, snap.key_results, snap.indicators,
                            tracking.list_check_ins(store, demo_ws), [], {})
    ids = [k["id"] for k in snap.key_results]
    for on in (D(2026, 1, 1), D(2026, 6, 30), D(2026, 12, 31)):
        for wanted in (ids, ids[:2], []):
            got = monitor.points(snap, wanted, on)
            assert got == monitor.points(rows, wanted, on)
            assert all(d <= on for pts in got.values() for d, _ in pts)
    assert sum(len(p) for p in monitor.points(snap, ids, D(2026, 12, 31)).values()) == len(snap.check_ins)
