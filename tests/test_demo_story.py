"""The demo company tells the same story on whatever day it is loaded (README "The demo company").

Loaded on a day, it picks its plan year (this year from 1 April on, else last year) and lays its
history up to the day its board opens on; on that day the board shows, by construction: a KR off
track, a KR at risk, an indicator red for two periods and more with its alert, a fired risk trigger
with its plan A, weekly plans, daily reports and a review with adjustments.
"""
from __future__ import annotations

import datetime as dt

import pytest

from strategy_core import demo
from strategy_core.routines import review, risk, weekly
from strategy_core.track import monitor, tracking

D = dt.date

# (the day it is loaded, the year asked for, the plan year it holds, the day its story is told as of)
DAYS = [
    (D(2027, 1, 2), None, 2026, D(2026, 12, 31)),    # the first days of a year: last year, complete
    (D(2026, 3, 31), None, 2025, D(2025, 12, 31)),   # the last day before this year's first quarter is over
    (D(2026, 4, 1), None, 2026, D(2026, 4, 1)),      # the first day this year's own story can be told
    (D(2026, 6, 15), None, 2026, D(2026, 6, 15)),    # mid-year
    (D(2026, 9, 30), None, 2026, D(2026, 9, 30)),    # the day the rest of the suite runs on
    (D(2026, 12, 31), None, 2026, D(2026, 12, 31)),  # the year's last day
    (D(2028, 2, 29), None, 2027, D(2027, 12, 31)),   # a leap day
    (D(2028, 6, 15), None, 2028, D(2028, 6, 15)),    # a leap year's history (daily readings on 29 February)
    (D(2027, 3, 1), 2026, 2026, D(2026, 12, 31)),    # a day after the plan year, the year asked for
    (D(2031, 2, 28), None, 2030, D(2030, 12, 31)),   # far from the day this was written
]


def story(store, wid: int, on: dt.date) -> dict:
    """What the board and the templates show on *on*."""
    board = monitor.board(monitor.snapshot(store, wid), on)
    statuses = [s.status for s in board.krs.values()]
    alerts = set(board.alerts)
    red = [i for i, s in board.indicators.items()
           if s.status == "red" and s.red_streak >= 2 and ("indicator", i) in alerts]
    fired = [f for f in risk.fired(risk.list_risks(store, wid), risk.list_plans(store, wid), board)
             if f["plan"] is not None and f["plan"]["label"] == "A"]
    minutes = review.minutes(store, wid)
    return {"off_track": statuses.count("off_track"), "at_risk": statuses.count("at_risk"),
            "outdated": statuses.count("outdated") + statuses.count("no_data"),
            "red_with_alert": len(red), "fired_with_plan_a": len(fired),
            "weekly_plans": len(weekly.list_plans(store, wid)),
            "daily_reports": len(store.rows("daily_report", wid)),
            "reviews_with_adjustments": sum(1 for m in minutes if m.adjustments)}


@pytest.mark.parametrize("today,asked,year,told", DAYS, ids=[f"{d[0]}" + (f"-year{d[1]}" if d[1] else "")
                                                             for d in DAYS])
def test_the_demo_tells_its_whole_story_on_the_day_it_is_loaded(store, today, asked, year, told):
    wid = demo.load(store, "zh", asked, today=today)
    ws = store.get_workspace(wid)
    assert ws["year"] == year
    assert demo.story_date(year, today) == told == tracking.today_in(year, today)  # the board's default date
    assert demo.tells_whole_story(year, today)
    s = story(store, wid, told)
    assert s["off_track"] >= 1 and s["at_risk"] >= 1, s
    assert s["outdated"] == 0, s                      # loaded today, nothing has gone silent
    assert s["red_with_alert"] >= 1 and s["fired_with_plan_a"] >= 1, s
    assert s["weekly_plans"] > 0 and s["daily_reports"] > 0 and s["reviews_with_adjustments"] >= 1, s
    last = max(r["date"] for r in store.rows("check_in", wid) + store.rows("reading", wid))
    assert last == told                               # nothing dated after the day it is told as of


def test_the_story_is_the_same_in_english(store):
    wid = demo.load(store, "en", None, today=D(2026, 6, 15))
    s = story(store, wid, D(2026, 6, 15))
    assert s["off_track"] >= 1 and s["at_risk"] >= 1 and s["red_with_alert"] >= 1 and s["fired_with_plan_a"] >= 1


def test_the_same_day_gives_the_same_demo(store):
    a = demo.load(store, "zh", None, today=D(2026, 6, 15))
    b = demo.load(store, "zh", None, today=D(2026, 6, 15))
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "workspace_id", "key_result_id",
                                                                   "indicator_id", "daily_report_id")}
                          for r in rows]
    for table in ("check_in", "reading"):
        assert strip(store.rows(table, a)) == strip(store.rows(table, b))


def test_the_plan_year_follows_the_first_quarter():
    assert demo.default_year(D(2026, 3, 31)) == 2025 and demo.default_year(D(2026, 4, 1)) == 2026
    assert demo.default_year(D(2027, 1, 1)) == 2026 and demo.default_year(D(2026, 12, 31)) == 2026


def test_a_year_asked_for_before_its_first_quarter_is_over_holds_what_can_have_happened(store):
    """--year 2026 on 10 February 2026: the history stops on that day and the demo says it is partial."""
    today = D(2026, 2, 10)
    assert not demo.tells_whole_story(2026, today)
    wid = demo.load(store, "zh", 2026, today=today)
    assert max(r["date"] for r in store.rows("check_in", wid) + store.rows("reading", wid)) <= today
    # a year not begun yet: its first day, and nothing after it
    wid = demo.load(store, "zh", 2027, today=today)
    assert not demo.tells_whole_story(2027, today)
    assert all(r["date"] == D(2027, 1, 1) for r in store.rows("check_in", wid) + store.rows("reading", wid))
