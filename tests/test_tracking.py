"""Check-ins and readings: plausibility, confidence, the plan year, and paste of many rows
(all or nothing, each problem named by row and column in zh and en, undoable as one action)."""
from __future__ import annotations

import datetime as dt

import pytest

from strategy_core.plan import bsc, okr
from strategy_core.track import tracking
from strategy_core.errors import ValidationError


@pytest.fixture
def krs(store, ws):
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Customers come back"})
    add = lambda statement, unit, baseline, target: okr.add_key_result(
        store, oid, {"statement": statement, "unit": unit, "baseline": baseline, "target": target})
    return {"pct": add("Repeat rate from 22 % to 30 %", "%", 22, 30),
            "count": add("Paying customers from 800 to 1,200", "customers", 800, 1200),
            "zh_count": add("门店从 10 家到 15 家", "家", 10, 15),
            "money": add("Monthly cash flow from -¥50,000 to ¥200,000", "¥", -50000, 200000)}


@pytest.fixture
def pct_indicator(store, ws):
    return bsc.add_indicator(store, ws, {"perspective": "customer", "name": "Repeat-purchase rate", "unit": "%",
                                         "comparator": ">=", "target": 30, "band": 5, "frequency": "monthly"})


def refused(fn, *args) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        fn(*args)
    return e.value


def count(store, ws):
    return len(tracking.list_check_ins(store, ws)), len(tracking.list_readings(store, ws)), store.version(ws)


# -- plausibility ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,unit,why", [
    (101, "%", "tracking.error.percent_range"), (-0.5, "%", "tracking.error.percent_range"),
    (150, "％", "tracking.error.percent_range"), (-1, "customers", "tracking.error.negative_count"),
    (-3, "家", "tracking.error.negative_count"), (-2, " Hours ", "tracking.error.negative_count"),
    (0, "%", None), (100, "%", None), (0, "customers", None), (-50000, "¥", None), (-4, None, None),
    (250, "pts", None)])
def test_plausibility(value, unit, why):
    assert tracking.plausibility(value, unit) == why


def test_check_in_values_are_checked_against_the_kr_unit(store, ws, krs):
    for kr, value in ((krs["pct"], 150), (krs["pct"], -1), (krs["count"], -10), (krs["zh_count"], -1)):
        e = refused(tracking.add_check_in, store, kr, {"date": "2026-03-01", "value": value})
        assert [f.field for f in e.errors] == ["value"]
    e = refused(tracking.add_check_in, store, krs["count"], {"date": "2026-03-01", "value": -10})
    assert "customers" in e.texts("en")[0] and "customers" in e.texts("zh")[0]
    assert tracking.list_check_ins(store, ws) == []
    # money may be negative; the edges of a rate are fine
    tracking.add_check_in(store, krs["money"], {"date": "2026-03-01", "value": -12000})
    tracking.add_check_in(store, krs["pct"], {"date": "2026-03-01", "value": "100%"})
    tracking.add_check_in(store, krs["pct"], {"date": "2026-03-02", "value": 0})
    assert [c["value"] for c in tracking.list_check_ins(store, ws)] == [-12000, 100, 0]


def test_reading_values_are_checked_against_the_indicator_unit(store, ws, pct_indicator):
    e = refused(tracking.add_reading, store, pct_indicator, {"date": "2026-03-31", "value": 140})
    assert e.by_field()["value"][0].key == "tracking.error.percent_range"
    assert "0 and 100" in e.texts("en")[0] and "0 到 100" in e.texts("zh")[0]
    tracking.add_reading(store, pct_indicator, {"date": "2026-03-31", "value": 28.5, "comment": "after the promo"})
    (r,) = tracking.list_readings(store, ws)
    assert (r["date"], r["value"], r["comment"]) == (dt.date(2026, 3, 31), 28.5, "after the promo")


@pytest.mark.parametrize("confidence,ok", [(0, 0), (10, 10), ("7", 7), (7.0, 7), (None, None),
                                           (11, "error.max"), (-1, "error.min"), (6.5, "error.not_whole"),
                                           ("high", "error.not_a_number")])
def test_confidence_is_a_whole_number_from_0_to_10(store, ws, krs, confidence, ok):
    data = {"date": "2026-03-01", "value": 25, "confidence": confidence}
    if isinstance(ok, str):
        e = refused(tracking.add_check_in, store, krs["pct"], data)
        assert [(f.field, f.key) for f in e.errors] == [("confidence", ok)]
        assert tracking.list_check_ins(store, ws) == []
    else:
        tracking.add_check_in(store, krs["pct"], data)
        (c,) = tracking.list_check_ins(store, ws)
        assert c["confidence"] == ok


@pytest.mark.parametrize("date", ["2025-12-31", "2027-01-01", "2026-02-30", "", "next week"])
def test_a_date_outside_the_plan_year_or_no_date_is_refused(store, ws, krs, pct_indicator, date):
    e = refused(tracking.add_check_in, store, krs["pct"], {"date": date, "value": 25})
    assert [f.field for f in e.errors] == ["date"]
    e = refused(tracking.add_reading, store, pct_indicator, {"date": date, "value": 25})
    assert [f.field for f in e.errors] == ["date"]
    assert count(store, ws)[:2] == (0, 0)


def test_dates_as_people_type_them(store, ws, krs):
    for date in ("2026/3/5", "2026年3月6日", dt.date(2026, 3, 7), "Q2"):
        tracking.add_check_in(store, krs["pct"], {"date": date, "value": 25})
    assert [c["date"].isoformat() for c in tracking.list_check_ins(store, ws)] == [
        "2026-03-05", "2026-03-06", "2026-03-07", "2026-06-30"]


def test_several_problems_of_one_check_in_are_reported_together(store, ws, krs):
    e = refused(tracking.add_check_in, store, krs["pct"], {"date": "2027-01-05", "value": 120, "confidence": 12})
    assert sorted(f.field for f in e.errors) == ["confidence", "date", "value"]


# -- paste --------------------------------------------------------------------------------------------

def test_paste_tab_separated_with_a_header_row(store, ws, krs):
    text = ("日期\t数值\t信心指数\t备注\n"
            "2026-03-02\t23\t6\t\n"
            "2026/3/9\t24.5\t7\tpromo week, good\r\n"
            "\n"
            "2026-03-16\t25%\t\t\n")
    assert tracking.paste_check_ins(store, krs["pct"], text) == 3
    rows = tracking.list_check_ins(store, ws)
    assert [(c["date"].isoformat(), c["value"], c["confidence"], c["note"]) for c in rows] == [
        ("2026-03-02", 23, 6, None), ("2026-03-09", 24.5, 7, "promo week, good"), ("2026-03-16", 25, None, None)]
    assert all(c["key_result_id"] == krs["pct"] for c in rows)


def test_paste_comma_separated_with_and_without_header(store, ws, krs, pct_indicator):
    assert tracking.paste_check_ins(store, krs["money"], '2026-01-31,"-12,500",5,cold January\n'
                                                        '2026-02-28,"8,000",6,') == 2
    assert [c["value"] for c in tracking.list_check_ins(store, ws)] == [-12500, 8000]
    assert tracking.paste_readings(store, pct_indicator, "date,value,comment\n2026-01-31,31,\n2026-02-28,27,dip") == 2
    assert [(r["value"], r["comment"]) for r in tracking.list_readings(store, ws)] == [(31, None), (27, "dip")]


def test_a_mistyped_date_in_the_first_row_is_reported_not_taken_for_a_header(store, ws, krs):
    """Only a row of words is a header: a first row with a number in the value column is data."""
    e = refused(tracking.paste_check_ins, store, krs["pct"], "2026-13-01\t23\n2026-03-09\t24")
    (fe,) = e.errors
    assert fe.params["row"] == 1 and fe.params["column_key"] == "field.date"
    assert count(store, ws)[:2] == (0, 0)


def test_three_bad_rows_are_named_by_row_and_column_and_nothing_is_saved(store, ws, krs):
    tracking.add_check_in(store, krs["pct"], {"date": "2026-02-23", "value": 22})
    before = count(store, ws)
    text = ("date\tvalue\tconfidence\tnote\n"
            "2026-03-02\t23\t6\tfine\n"
            "2026-13-09\t24\t7\t\n"        # row 3: no such month
            "2026-03-16\t150\t7\t\n"       # row 4: a rate above 100 %
            "2026-03-23\t26\t12\t\n"       # row 5: confidence above 10
            "2026-03-30\t27\t8\tfine\n")
    e = refused(tracking.paste_check_ins, store, krs["pct"], text)
    assert [(f.field, f.params["row"], f.params["column_key"]) for f in e.errors] == [
        ("paste", 3, "field.date"), ("paste", 4, "field.value"), ("paste", 5, "field.confidence")]
    en, zh = e.texts("en"), e.texts("zh")
    assert len(en) == len(zh) == 3
    assert en[0].startswith("Pasted rows: Row 3, Date:") and "2026-13-09" in en[0]
    assert en[1].startswith("Pasted rows: Row 4, Value:") and "between 0 and 100" in en[1]
    assert en[2].startswith("Pasted rows: Row 5, Confidence (0–10):") and "10" in en[2]
    assert zh[0].startswith("粘贴的数据: 第 3 行，日期：") and "2026-13-09" in zh[0]
    assert zh[1].startswith("粘贴的数据: 第 4 行，数值：") and "0 到 100" in zh[1]
    assert zh[2].startswith("粘贴的数据: 第 5 行，信心指数（0–10）：")
    # FieldError.text alone (what a form shows under the paste box) says the same
    assert e.errors[1].text("en") == "Row 4, Value: A rate in % must lie between 0 and 100."
    assert e.errors[1].text("zh") == "第 4 行，数值：百分比数值必须在 0 到 100 之间。"
    assert count(store, ws) == before


def test_bad_readings_rows_name_the_comment_column_and_the_year(store, ws, pct_indicator):
    e = refused(tracking.paste_readings, store, pct_indicator,
                "2025-12-31\t30\n2026-01-31\t31\t" + "x" * 5001)
    assert [(f.params["row"], f.params["column_key"]) for f in e.errors] == [(1, "field.date"), (2, "field.comment")]
    assert "2026" in e.errors[0].text("en") and "Comment" in e.errors[1].text("en")
    assert tracking.list_readings(store, ws) == []


@pytest.mark.parametrize("text", ["", "   \n\t\n", "date\tvalue\n"])
def test_an_empty_paste_is_refused(store, ws, krs, text):
    e = refused(tracking.paste_check_ins, store, krs["pct"], text)
    assert [f.field for f in e.errors] == ["paste"]
    assert count(store, ws)[:2] == (0, 0)


def test_more_than_the_maximum_rows_is_refused_before_anything_is_read(store, ws, krs):
    n = tracking.MAX_PASTE_ROWS + 2
    text = "\n".join(f"2026-03-01\t{i % 100}" for i in range(n))
    e = refused(tracking.paste_check_ins, store, krs["pct"], text)
    (fe,) = e.errors
    assert fe.key == "tracking.error.paste_too_many" and fe.params["max"] == tracking.MAX_PASTE_ROWS
    assert str(tracking.MAX_PASTE_ROWS) in fe.text("en") and str(tracking.MAX_PASTE_ROWS) in fe.text("zh")
    assert count(store, ws)[:2] == (0, 0)


def test_the_maximum_counts_data_rows_not_the_header(store, ws, krs, monkeypatch):
    monkeypatch.setattr(tracking, "MAX_PASTE_ROWS", 10)
    rows = [f"2026-03-{d:02d}\t{20 + d / 10}" for d in range(1, 12)]
    assert tracking.paste_check_ins(store, krs["pct"], "\n".join(["date\tvalue", *rows[:10]])) == 10
    e = refused(tracking.paste_check_ins, store, krs["pct"], "\n".join(["date\tvalue", *rows]))
    assert e.errors[0].key == "tracking.error.paste_too_many" and e.errors[0].params["count"] >= 11
    e = refused(tracking.paste_check_ins, store, krs["pct"], "\n".join(rows))
    assert e.errors[0].key == "tracking.error.paste_too_many"
    assert len(tracking.list_check_ins(store, ws)) == 10


def test_undo_of_a_paste_removes_all_its_rows(store, ws, krs, pct_indicator):
    tracking.add_check_in(store, krs["pct"], {"date": "2026-02-23", "value": 22})
    text = "\n".join(f"2026-03-{d:02d}\t{22 + d / 10:.1f}\t7" for d in range(1, 29))
    assert tracking.paste_check_ins(store, krs["pct"], text) == 28
    assert len(tracking.list_check_ins(store, ws)) == 29
    last = store.last_undoable(ws)
    assert last["action"] == "check_in.paste" and last["events"] == 28
    store.undo(ws)
    assert [c["value"] for c in tracking.list_check_ins(store, ws)] == [22]
    # readings too, and the next undo reaches the single check-in before
    tracking.paste_readings(store, pct_indicator, "2026-01-31\t31\n2026-02-28\t29")
    assert store.undo(ws)["action"] == "reading.paste"
    assert tracking.list_readings(store, ws) == []
    assert store.undo(ws)["action"] == "check_in.add"
    assert tracking.list_check_ins(store, ws) == []


def test_delete_one_entry_goes_to_the_trash(store, ws, krs):
    a = tracking.add_check_in(store, krs["pct"], {"date": "2026-03-01", "value": 23})
    tracking.add_check_in(store, krs["pct"], {"date": "2026-03-08", "value": 24})
    tracking.delete_entry(store, "check_in", a)
    assert [c["value"] for c in tracking.list_check_ins(store, ws)] == [24]
    assert store.trash_batches(ws)[0]["items"][0]["entity"] == "check_in"
    store.undo(ws)
    assert [c["value"] for c in tracking.list_check_ins(store, ws)] == [23, 24]


def test_the_board_is_shown_as_of_today_inside_the_plan_year():
    assert tracking.today_in(2026, dt.date(2026, 5, 17)) == dt.date(2026, 5, 17)
    assert tracking.today_in(2026, dt.date(2027, 2, 1)) == dt.date(2026, 12, 31)
    assert tracking.today_in(2026, dt.date(2025, 11, 1)) == dt.date(2026, 1, 1)


def test_a_stray_quote_does_not_swallow_the_rows_after_it(store, ws, krs):
    text = '2026-03-02\t23\t6\t"Launch week\n2026-03-09\t24\t7\tok\n2026-03-16\t25\t7\t"quoted" note'
    assert tracking.paste_check_ins(store, krs["pct"], text) == 3
    rows = tracking.list_check_ins(store, ws)
    assert [c["value"] for c in rows] == [23, 24, 25]
    assert "2026-03-09" not in (rows[0]["note"] or "")


def test_one_krs_entries_are_the_workspaces_rows_for_it(store, demo_ws):
    """The check-in page reads one KR's (or indicator's) entries alone: the same rows, in the same order,
    as the workspace's list holds for it; deleted ones stay out."""
    all_check_ins, all_readings = tracking.list_check_ins(store, demo_ws), tracking.list_readings(store, demo_ws)
    for kid in {c["key_result_id"] for c in all_check_ins}:
        assert tracking.check_ins_of(store, kid) == [c for c in all_check_ins if c["key_result_id"] == kid]
    for iid in {r["indicator_id"] for r in all_readings}:
        assert tracking.readings_of(store, iid) == [r for r in all_readings if r["indicator_id"] == iid]
    gone = all_check_ins[-1]
    tracking.delete_entry(store, "check_in", gone["id"])
    assert gone["id"] not in {c["id"] for c in tracking.check_ins_of(store, gone["key_result_id"])}
