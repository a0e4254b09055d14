"""BSC daily data reports (SPEC §5): which indicators are due, the readings a report saves, submit,
missing days, the demo, and the page."""
import datetime as dt

import pytest

from strategy_core.plan import bsc
from strategy_core.routines import daily
from strategy_core.track import monitor, tracking
from strategy_core.errors import ValidationError
from strategy_core.i18n import LANGS, catalog
from strategy_core.routines.progress import DONE, IN_PROGRESS, NOT_STARTED
from strategy_core.store import Store
from tests.apptest import open_app
from tests.test_weekly import AS_OF, load_demo, no_exceptions, shown, tables

MON, TUE, WED = dt.date(2026, 3, 9), dt.date(2026, 3, 10), dt.date(2026, 3, 11)
TODAY = dt.date(2026, 3, 20)


def details(err: ValidationError) -> list[str]:
    return [e.params["detail"].key if "detail" in e.params else e.key for e in err.errors]


@pytest.fixture
def card(store, ws):
    """One indicator of each frequency; defects and NPS belong to Quality."""
    def add(name, comparator, target, band, frequency, unit=None, owner="Ops"):
        return bsc.add_indicator(store, ws, {"perspective": "process", "name": name, "unit": unit,
                                             "comparator": comparator, "target": target, "band": band,
                                             "frequency": frequency, "owner": owner})
    return {"ws": ws,
            "cycle": add("Delivery cycle", "<", 72, 12, "daily", "h"),
            "defects": add("Defect rate", "<", 1, 0.5, "weekly", "%", owner="Quality"),
            "cash": add("Cash flow", ">", 500000, 100000, "monthly", "¥"),
            "nps": add("NPS", ">=", 7, 0.5, "quarterly", owner="Quality")}


def ids(rows):
    return [r["id"] for r in rows]


def linked(store, ws, rid):
    return daily.report_readings(tracking.list_readings(store, ws), rid)


# -- which indicators are due --------------------------------------------------------------------------

def test_due_rule_by_frequency():
    inds = [{"id": 1, "frequency": "daily"}, {"id": 2, "frequency": "weekly"}, {"id": 3, "frequency": "monthly"},
            {"id": 4, "frequency": "quarterly"}]
    assert ids(daily.due_indicators(inds, [], TUE)) == [1, 2, 3, 4]        # nothing read yet: all due
    read = [{"indicator_id": 2, "date": MON}, {"indicator_id": 3, "date": dt.date(2026, 3, 2)},
            {"indicator_id": 4, "date": dt.date(2026, 1, 15)}, {"indicator_id": 1, "date": MON}]
    assert ids(daily.due_indicators(inds, read, TUE)) == [1]                 # week, month, quarter covered
    assert ids(daily.due_indicators(inds, read, MON)) == [1, 2]              # Monday: weekly ones always due
    assert ids(daily.due_indicators(inds, read, dt.date(2026, 4, 1))) == [1, 2, 3, 4]   # a new week, month, quarter
    # a reading on the day itself does not make its indicator "not due" (the report's own reading)
    assert ids(daily.due_indicators(inds, [{"indicator_id": 2, "date": TUE}], TUE)) == [1, 2, 3, 4]
    why = daily.not_due(inds[1], read, WED)
    assert why.key == "daily.error.not_due_weekly" and why.params == {"date": "2026-03-09", "next": "2026-03-16"}
    assert daily.not_due(inds[2], read, TUE).params["next"] == "2026-04-01"
    assert daily.not_due(inds[3], read, TUE).params["next"] == "2026-04-01"
    assert ids(daily.due_indicators([{"id": 5, "frequency": "daily", "retired_at": dt.datetime(2026, 3, 1)}], [],
                                    TUE)) == []
    owned = [{"id": 1, "frequency": "daily", "owner": "Ops"}, {"id": 2, "frequency": "daily", "owner": "Quality"}]
    assert ids(daily.due_indicators(owned, [], TUE, owner=" quality ")) == [2]


# -- creating reports: the bad inputs -------------------------------------------------------------------

def test_create_report_refuses_a_day_outside_the_year_a_future_day_and_a_second_report(store, card):
    ws = card["ws"]
    for day, key in [("2025-12-31", "error.outside_year"), ("2026-03-21", "daily.error.future_day"),
                     ("someday", "error.not_a_date")]:
        with pytest.raises(ValidationError) as e:
            daily.create_report(store, ws, day, today=TODAY)
        assert [(x.field, x.key) for x in e.value.errors] == [("day", key)]
    rid = daily.create_report(store, ws, "2026/3/10", today=TODAY)
    assert store.row("daily_report", rid)["day"] == TUE
    with pytest.raises(ValidationError) as e:
        daily.create_report(store, ws, TUE, today=TODAY)
    err = e.value.errors[0]
    assert (err.field, err.key) == ("day", "daily.error.duplicate")
    assert "2026-03-10" in err.text("en") and "edit it instead" in err.text("en") and "请直接修改" in err.text("zh")
    # one report per owner and day: Quality may file its own, once
    daily.create_report(store, ws, TUE, owner="Quality", today=TODAY)
    with pytest.raises(ValidationError) as e:
        daily.create_report(store, ws, TUE, owner="QUALITY", today=TODAY)
    assert e.value.errors[0].key == "daily.error.duplicate_owner" and "Quality" in e.value.errors[0].text("en")
    assert len(daily.list_reports(store, ws)) == 2


def test_a_new_report_takes_in_the_readings_entered_that_day(store, card):
    ws = card["ws"]
    r1 = tracking.add_reading(store, card["cycle"], {"date": TUE, "value": 60})
    tracking.add_reading(store, card["defects"], {"date": MON, "value": 0.4})
    r2 = tracking.add_reading(store, card["defects"], {"date": TUE, "value": 0.5})   # not due on Tuesday
    rid = daily.create_report(store, ws, TUE, today=TODAY)
    mine = linked(store, ws, rid)
    assert {i: r["id"] for i, r in mine.items()} == {card["cycle"]: r1}
    assert r2 not in {r["id"] for r in mine.values()}
    rows = daily.report_rows(bsc.list_indicators(store, ws), tracking.list_readings(store, ws),
                             store.row("daily_report", rid), TUE)
    assert [(r["name"], r["value"], r["status"]) for r in rows] == [
        ("Delivery cycle", 60, "green"), ("Cash flow", None, "no_data"), ("NPS", None, "no_data")]


# -- saving readings ---------------------------------------------------------------------------------------

def test_saved_readings_are_the_readings_the_board_and_check_ins_page_show(store, card):
    ws = card["ws"]
    rid = daily.create_report(store, ws, MON, today=TODAY)
    n = daily.save_readings(store, rid, {card["cycle"]: ("80", "Truck broke down"), card["defects"]: (0.6, None),
                                         card["cash"]: (None, None)})
    assert n == 2
    rows = tracking.list_readings(store, ws)
    assert [(r["indicator_id"], r["date"], r["value"], r["comment"], r["daily_report_id"]) for r in rows] == [
        (card["cycle"], MON, 80, "Truck broke down", rid), (card["defects"], MON, 0.6, None, rid)]
    board = monitor.board(monitor.snapshot(store, ws), MON)
    assert board.indicators[card["cycle"]].latest == 80 and board.indicators[card["cycle"]].status == "yellow"
    # changing a value changes that reading; a blank value removes it
    cycle_id = linked(store, ws, rid)[card["cycle"]]["id"]
    daily.save_readings(store, rid, {card["cycle"]: (70, "Back to normal"), card["defects"]: ("", None)})
    mine = linked(store, ws, rid)
    assert list(mine) == [card["cycle"]] and mine[card["cycle"]]["id"] == cycle_id
    assert mine[card["cycle"]]["value"] == 70
    assert daily.save_readings(store, rid, {card["cycle"]: (70, "Back to normal")}) == 0   # nothing changed
    # a reading entered on the check-ins page that day is taken over, not doubled
    other = tracking.add_reading(store, card["cash"], {"date": MON, "value": 520000})
    daily.save_readings(store, rid, {card["cash"]: (530000, None)})
    assert linked(store, ws, rid)[card["cash"]]["id"] == other
    assert len([r for r in tracking.list_readings(store, ws) if r["indicator_id"] == card["cash"]]) == 1


def test_a_reading_for_an_indicator_not_due_that_day_is_refused_with_the_reason(store, card):
    ws = card["ws"]
    tracking.add_reading(store, card["defects"], {"date": MON, "value": 0.4})
    tracking.add_reading(store, card["cash"], {"date": dt.date(2026, 3, 2), "value": 510000})
    rid = daily.create_report(store, ws, WED, today=TODAY)
    with pytest.raises(ValidationError) as e:
        daily.save_readings(store, rid, {card["cycle"]: (60, None), card["defects"]: (0.7, None),
                                         card["cash"]: (505000, None), card["nps"]: (140, None)})
    assert details(e.value) == ["daily.error.not_due_weekly", "daily.error.not_due_monthly"]
    texts = [x.text("en") for x in e.value.errors]
    assert texts[0] == ("“Defect rate”: not due today: this weekly indicator was read this week already "
                        "(2026-03-09); it is due again on Monday 2026-03-16.")
    assert "2026-04-01" in texts[1] and "“Cash flow”" in texts[1]
    assert "下次是 2026-03-16（周一）" in e.value.errors[0].text("zh")
    assert linked(store, ws, rid) == {}                                       # nothing saved, not even the good one
    # a report for one owner refuses the indicators of others; implausible values are refused too
    qid = daily.create_report(store, ws, WED, owner="Quality", today=TODAY)
    with pytest.raises(ValidationError) as e:
        daily.save_readings(store, qid, {card["cycle"]: (60, None), card["nps"]: ("abc", None)})
    assert details(e.value) == ["daily.error.not_owner", "error.not_a_number"]
    with pytest.raises(ValidationError) as e:
        daily.save_readings(store, rid, {999999: (1, None)})
    assert e.value.errors[0].key == "daily.error.indicator_unknown"


def test_one_indicator_is_reported_once_a_day(store, card):
    ws = card["ws"]
    q = daily.create_report(store, ws, TUE, owner="Quality", today=TODAY)
    daily.save_readings(store, q, {card["nps"]: (7.5, None)})
    rid = daily.create_report(store, ws, TUE, today=TODAY)
    with pytest.raises(ValidationError) as e:
        daily.save_readings(store, rid, {card["nps"]: (7.2, None)})
    assert details(e.value) == ["daily.error.in_other_report"]


# -- submit ------------------------------------------------------------------------------------------------

def test_submit_needs_a_comment_on_every_red_reading_and_the_daily_values(store, card):
    ws = card["ws"]
    rid = daily.create_report(store, ws, MON, today=TODAY)
    daily.save_readings(store, rid, {card["defects"]: (2.5, None), card["cash"]: (300000, "")})
    with pytest.raises(ValidationError) as e:
        daily.submit(store, rid)
    assert [x.key for x in e.value.errors] == ["daily.error.daily_missing", "daily.error.red_needs_comment",
                                               "daily.error.red_needs_comment"]
    assert [x.params["name"] for x in e.value.errors] == ["Delivery cycle", "Defect rate", "Cash flow"]
    assert e.value.errors[1].text("en") == ("“Defect rate” is red (2.5 against a target of < 1%): "
                                            "write a comment before submitting.")
    assert store.row("daily_report", rid)["submitted_at"] is None
    daily.save_readings(store, rid, {card["cycle"]: (75, None),      # yellow: inside the warning band, no comment needed
                                     card["defects"]: (2.5, "Supplier batch 12 faulty; returned"),
                                     card["cash"]: (300000, "Two invoices paid late; chased")})
    daily.submit(store, rid)
    assert store.row("daily_report", rid)["submitted_at"] is not None
    # a submitted report keeps every red reading explained
    with pytest.raises(ValidationError) as e:
        daily.save_readings(store, rid, {card["cash"]: (300000, "")})
    assert [x.key for x in e.value.errors] == ["daily.error.red_needs_comment"]
    daily.save_readings(store, rid, {card["cash"]: (520000, "")})          # green again: fine
    assert linked(store, ws, rid)[card["cash"]]["comment"] is None


def test_delete_report_trashes_its_readings_and_undo_restores(store, card):
    ws = card["ws"]
    rid = daily.create_report(store, ws, MON, today=TODAY)
    daily.save_readings(store, rid, {card["cycle"]: (60, None)})
    daily.delete_report(store, rid)
    assert daily.list_reports(store, ws) == [] and tracking.list_readings(store, ws) == []
    store.undo(ws)
    assert len(linked(store, ws, rid)) == 1


# -- missing days ------------------------------------------------------------------------------------------

def test_missing_days_are_working_days_without_a_submitted_report():
    sub = lambda d, owner=None: {"day": d, "owner": owner, "submitted_at": dt.datetime.combine(d, dt.time(18))}
    reports = [sub(dt.date(2026, 3, 2)), sub(dt.date(2026, 3, 3)), {"day": dt.date(2026, 3, 4), "owner": None,
                                                                    "submitted_at": None},     # a draft
               sub(dt.date(2026, 3, 5), "Quality"), sub(dt.date(2026, 3, 7))]                # Saturday
    gaps = daily.missing_days(reports, 2026, dt.date(2026, 3, 9), since=dt.date(2026, 3, 2))
    assert gaps == [dt.date(2026, 3, 4), dt.date(2026, 3, 6), dt.date(2026, 3, 9)]   # Thu 5th: Quality's counts
    assert daily.missing_days(reports, 2026, dt.date(2026, 3, 9), since=dt.date(2026, 3, 2), owner="quality") == [
        dt.date(2026, 3, 4), dt.date(2026, 3, 6), dt.date(2026, 3, 9)]
    assert dt.date(2026, 3, 5) in daily.missing_days(reports, 2026, dt.date(2026, 3, 9), owner="Ops")
    assert daily.missing_days([], 2026, dt.date(2026, 1, 9))[0] == dt.date(2026, 1, 1)     # from 1 January
    assert daily.missing_days([], 2026, dt.date(2027, 1, 9))[-1] == dt.date(2026, 12, 31)  # not past the year
    cells = {c["day"]: c["status"] for c in daily.calendar_cells(reports, 2026, dt.date(2026, 2, 26),
                                                                 dt.date(2026, 3, 12), dt.date(2026, 3, 10))}
    assert [cells[dt.date(2026, 2, 27)], cells[dt.date(2026, 3, 2)], cells[dt.date(2026, 3, 4)],
            cells[dt.date(2026, 3, 6)], cells[dt.date(2026, 3, 7)], cells[dt.date(2026, 3, 8)],
            cells[dt.date(2026, 3, 10)], cells[dt.date(2026, 3, 11)]] == [
        "not_started", "submitted", "draft", "missing", "submitted", "weekend", "today", "future"]


def test_calendar_chart_tells_the_status_in_words(store):
    reports = [{"day": dt.date(2026, 3, 2), "owner": None, "submitted_at": dt.datetime(2026, 3, 2, 18)}]
    cells = daily.calendar_cells(reports, 2026, dt.date(2026, 1, 26), dt.date(2026, 3, 22), dt.date(2026, 3, 10))
    words = {s: catalog("zh")["daily.cell." + s] for s in daily.CELL_STATUSES}
    words.update({"_date": "日期", "_weekday": "星期", "_status": "状态"})
    weekdays = [catalog("zh")[k] for k in daily.WEEKDAY_KEYS]
    spec = daily.calendar_chart(cells, words=words, weekdays=weekdays, title="日历", show_words=True).to_dict()
    values = next(iter(spec["datasets"].values()))
    labels = {v["label"] for v in values}
    assert {"已提交", "缺报", "今日待报"} <= labels and "周一" in {v["weekday_label"] for v in values}
    assert "未开始" not in labels and "周末" not in labels          # quiet cells: told by the legend and the tooltip
    assert {v["word"] for v in values} >= {"未开始", "周末", "未到"}
    legend = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert {"✗ 缺报", "✓ 已提交", "· 未开始", "周末"} <= set(legend)
    year = daily.calendar_chart(daily.calendar_cells(reports, 2026, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                                                     dt.date(2026, 3, 10)),
                                words=words, weekdays=weekdays, title="全年", show_words=False).to_dict()
    assert {v["label"] for v in next(iter(year["datasets"].values()))} >= {"✓", "✗"}


def test_progress_part_counts_the_last_seven_days(store, card):
    ws = card["ws"]
    on = dt.date(2026, 3, 14)             # a Saturday: the 7 days before are 7–13 March
    inds = bsc.list_indicators(store, ws)
    assert daily.progress_part(inds, [], on).status == NOT_STARTED
    for d in (9, 10, 11, 12):
        rid = daily.create_report(store, ws, dt.date(2026, 3, d), today=TODAY)
        daily.save_readings(store, rid, {card["cycle"]: (60, None)})
        daily.submit(store, rid)
    part = daily.progress_part(inds, daily.list_reports(store, ws), on)
    assert (part.key, part.status, part.page, part.filled) == ("daily", IN_PROGRESS, "daily", {"daily_report": 4})
    assert part.missing == ["progress.missing.daily_reports"]           # Friday 13 March
    rid = daily.create_report(store, ws, dt.date(2026, 3, 13), today=TODAY)
    daily.save_readings(store, rid, {card["cycle"]: (60, None)})
    daily.submit(store, rid)
    assert daily.progress_part(inds, daily.list_reports(store, ws), on).status == DONE
    assert daily.progress_part([], daily.list_reports(store, ws), on).missing == ["progress.missing.daily_indicators"]
    for lang in LANGS:
        for key in ("part.daily", "count.daily_report", "progress.missing.daily_reports",
                    "progress.missing.daily_indicators"):
            assert key in catalog(lang)


# -- the demo -----------------------------------------------------------------------------------------------

def test_demo_daily_reports(store):
    wid = load_demo(store, "zh")
    reports = daily.list_reports(store, wid)
    readings = tracking.list_readings(store, wid)
    days = [r["day"] for r in reports]
    assert len([r for r in reports if r["submitted_at"]]) == 9 and days[-1] == AS_OF
    assert reports[-1]["submitted_at"] is None                          # today's: a draft
    first = daily.first_report_day(reports)
    assert first == dt.date(2026, 9, 16)
    assert daily.missing_days(reports, 2026, AS_OF - dt.timedelta(days=1), since=first) == [dt.date(2026, 9, 25)]
    assert all(daily.is_working_day(d) for d in days)
    # the reports link the demo's own readings of the day (none added: still one reading per indicator and day)
    pairs = [(r["indicator_id"], r["date"]) for r in readings]
    assert len(pairs) == len(set(pairs))
    by_id = {r["id"]: r for r in reports}
    mine = [r for r in readings if r["daily_report_id"]]
    assert len(mine) >= 10 and all(r["date"] == by_id[r["daily_report_id"]]["day"] for r in mine)
    inds = {i["id"]: i for i in bsc.list_indicators(store, wid)}
    red = [r for r in mine if daily.reading_status(inds[r["indicator_id"]], r["value"]) == "red"]
    assert red and all(r["comment"] for r in red)
    for r in reports:                                                    # every report could be submitted
        daily.submit(store, r["id"])
    assert daily.progress_part(list(inds.values()), reports, AS_OF).missing == ["progress.missing.daily_reports"]


# -- the page ------------------------------------------------------------------------------------------------

def chart_rows(at) -> list[dict]:
    """The data rows of the Altair charts of the last run."""
    import pyarrow as pa
    rows = []
    for el in at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart"):
        for ds in el.proto.datasets:
            rows += pa.ipc.open_stream(ds.data.data).read_pandas().to_dict("records")
    return rows


def pick(at, day, owner=None):
    at.date_input(key="daily_pick__day").set_value(day).run()
    if owner is not None:
        at.selectbox(key="daily_pick__owner").set_value(owner).run()
    no_exceptions(at)
    return at


@pytest.mark.parametrize("lang,words", [
    ("en", ["Submitted 2026-09-28 18:30", "Daily data report · 2026-09-28 · Whole company", "Repeat-purchase rate",
            "Repeat rate still falling", "🔴 off target", "Days without a submitted report"]),
    ("zh", ["已于 2026-09-28 18:30 提交", "数据日报 · 2026-09-28 · 全公司", "老客户复购率", "老客复购率继续走低",
            "🔴", "未提交数据日报的日子"])])
def test_daily_page_shows_a_demo_report_and_the_missing_days(db_location, lang, words):
    s = Store(db_location)
    load_demo(s, lang)
    s.close()
    at = pick(open_app(db_location, lang=lang, page="daily"), dt.date(2026, 9, 28))
    t = shown(at) + tables(at)
    for w in words:
        assert w in t, w
    at.radio(key="daily_scope").set_value("year").run()
    no_exceptions(at)
    cells = {r["date"]: r for r in chart_rows(at)}
    assert len(cells) == 365
    missing = cells["2026-09-25"]                     # the day deliberately left missing
    assert (missing["status"], missing["label"]) == ("missing", "✗")
    assert missing["legend"] == ("✗ missing" if lang == "en" else "✗ 缺报")
    assert cells["2026-09-28"]["status"] == "submitted" and cells["2026-09-30"]["status"] == "draft"
    assert cells["2026-09-01"]["status"] == "not_started"


def test_daily_page_start_fill_and_submit_a_report(db_location):
    s = Store(db_location)
    wid = load_demo(s, "en")
    s.close()
    day = dt.date(2026, 9, 25)
    at = pick(open_app(db_location, lang="en", page="daily"), day)
    assert "No daily data report for 2026-09-25 (Whole company) yet." in shown(at)
    at.button(key="daily_start").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        rep = daily.find_report(daily.list_reports(s, wid), day)
        rows = daily.report_rows(bsc.list_indicators(s, wid), tracking.list_readings(s, wid), rep, day)
    finally:
        s.close()
    names = [r["name"] for r in rows]
    cycle = names.index("Order delivery cycle")
    assert rep["submitted_at"] is None and rows[cycle]["value"] is not None   # that day's reading taken in
    editor = f"daily_report_{rep['id']}__readings"
    # a red value without a comment: submit is refused, naming the indicator
    at.session_state[editor] = {"edited_rows": {cycle: {"value": 130}}, "added_rows": [], "deleted_rows": []}
    at.button(key=f"daily_submit_{rep['id']}").click().run()
    no_exceptions(at)
    assert "“Order delivery cycle” is red (130 against a target of < 72h): write a comment before submitting." \
        in shown(at)
    s = Store(db_location)
    try:
        assert store_report(s, rep["id"])["submitted_at"] is None
    finally:
        s.close()
    at.session_state[editor] = {"edited_rows": {cycle: {"value": 130, "comment": "Warehouse flooded; rerouted"}},
                                "added_rows": [], "deleted_rows": []}
    at.button(key=f"daily_submit_{rep['id']}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        assert store_report(s, rep["id"])["submitted_at"] is not None
        r = daily.report_readings(tracking.list_readings(s, wid), rep["id"])
        assert [(x["value"], x["comment"]) for x in r.values() if x["value"] == 130] == [
            (130, "Warehouse flooded; rerouted")]
    finally:
        s.close()
    assert "Submitted" in shown(at)


def store_report(s, rid):
    return s.row("daily_report", rid)


def test_daily_page_refuses_a_day_outside_the_year(db_location):
    s = Store(db_location)
    wid = load_demo(s, "zh")
    s.close()
    at = pick(open_app(db_location, lang="zh", page="daily"), dt.date(2025, 12, 30))
    at.button(key="daily_start").click().run()
    no_exceptions(at)
    assert "2025-12-30 不在计划年度 2026 内。" in shown(at)
    s = Store(db_location)
    try:
        assert not any(r["day"].year == 2025 for r in daily.list_reports(s, wid))
    finally:
        s.close()
