"""What the daily-report page shows (strategy_core/views/daily.py), without Streamlit."""
import datetime as dt

from strategy_core.views.daily import calendar_span, changed_readings, target_text


def test_target_and_changed_readings():
    assert target_text({"comparator": ">=", "target": 40, "unit": "%"}, "en") == "≥ 40 %"
    base = [{"indicator_id": 5, "value": 1.0, "comment": ""}, {"indicator_id": 6, "value": None, "comment": ""}]
    assert changed_readings(base, {1: {"value": 3.0}}) == {6: (3.0, "")}


def test_the_calendar_covers_eight_weeks_or_the_year():
    wednesday = dt.date(2026, 9, 30)
    assert calendar_span("weeks", wednesday, 2026) == (dt.date(2026, 8, 10), dt.date(2026, 10, 4))
    assert calendar_span("year", wednesday, 2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
