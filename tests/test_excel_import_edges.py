"""Edges of the Excel import (strategy_core/exchange/excel/importer/) found by a review: each test is a case
a user would hit — hand-filled templates, workspaces changed in the app since the export (a KR
deleted, an indicator retired, a check-in corrected), what a removal takes along, values typed as
text. Each failed before its fix. Real workbooks (openpyxl), a real temp DuckDB file, no mocks."""
from __future__ import annotations

import datetime as dt

from strategy_core.plan import bsc, okr
from strategy_core.routines import daily, review, risk, weekly
from strategy_core.track import tracking
from strategy_core.exchange.excel import importer
from strategy_core.exchange.excel.export import HEADER_ROW, blank_template, export_workbook
from strategy_core.i18n import t
from tests.workbooks import book as _book, col as _col, rows_of as _rows_of, save as _save, sheet as _sheet
from tests.conftest import TODAY

ON = dt.date(2026, 6, 30)


def _plan(store, wid, data, today=TODAY):
    return importer.plan_import(store, wid, data, "book.xlsx", today=today)


def _export(store, wid, lang, sheets):
    return _book(export_workbook(store, wid, lang, on=ON, sheets=sheets, today=TODAY))


def _ops(plan):
    return [(c.op, c.table) for c in plan.changes]


def _objective_rows(store, wid, wb, lang):
    """An objective with two KRs or more, and the sheet rows it is written on."""
    krs = okr.list_key_results(store, wid)
    o = next(o for o in okr.list_objectives(store, wid) if sum(k["objective_id"] == o["id"] for k in krs) >= 2)
    return o, _rows_of(_sheet(wb, "okr", lang), "okr", "o_id", o["id"])


# -- crashes and errors where there is nothing wrong ------------------------------------------------

def test_the_same_objective_typed_two_ways_on_its_rows_is_not_a_traceback(store, demo_ws):
    # An objective repeats on each of its KR rows. The user retypes the level on one row in the other
    # language ("Company" instead of 公司): both rows still say what the workspace has. Planner.group
    # marks the objective as split, finds no edited row and takes edited[0] of an empty list:
    # the user saw an IndexError traceback instead of "nothing to change".
    lang = "zh"
    wb = _export(store, demo_ws, lang, ["okr"])
    sheet = _sheet(wb, "okr", lang)
    o, rows = _objective_rows(store, demo_ws, wb, lang)
    sheet.cell(row=rows[1], column=_col("okr", "level")).value = t(f"okr.level.{o['level']}", "en")
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [] and plan.changes == []


def test_a_date_retyped_as_text_on_one_row_of_an_objective_is_not_a_traceback(store, demo_ws):
    # Same path with a date: the period start typed as text "2026-01-01" on the second KR row of an
    # objective (numbers and dates typed as text are promised to be fine) -> was an IndexError in group().
    lang = "en"
    wb = _export(store, demo_ws, lang, ["okr"])
    sheet = _sheet(wb, "okr", lang)
    o, rows = _objective_rows(store, demo_ws, wb, lang)
    sheet.cell(row=rows[1], column=_col("okr", "period_start")).value = o["period_start"].isoformat()
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [] and plan.changes == []


def test_an_okr_sheet_without_the_level_column_keeps_the_levels(store, demo_ws):
    # Every other objective column missing keeps the stored value; for "level" sheet_okr sets
    # raw["level"] = None when the column is absent, so every objective is refused with
    # "row 5: This field is required" (no column named) and nothing can be imported.
    lang = "en"
    wb = _export(store, demo_ws, lang, ["okr"])
    sheet = _sheet(wb, "okr", lang)
    kr = okr.list_key_results(store, demo_ws)[0]
    r = _rows_of(sheet, "okr", "kr_id", kr["id"])[0]
    sheet.cell(row=r, column=_col("okr", "metric")).value = "edited metric"
    sheet.delete_cols(_col("okr", "level"))
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    assert _ops(plan) == [("change", "key_result")]


# -- edits silently ignored ---------------------------------------------------------------------

def test_kr_rows_under_a_new_objective_written_once_are_not_silently_dropped(store, ws):
    # A blank OKR template filled the natural way: the objective on the first row, its second KR on
    # the next row with the objective cells left empty. group() skips a row without any objective
    # cell ("no parent on this row") without a word: the second KR is silently lost.
    lang = "en"
    wb = _book(blank_template("okr", lang, today=TODAY))
    sheet = _sheet(wb, "okr", lang)
    r = HEADER_ROW + 1
    for key, v in {"level": t("okr.level.company", lang), "title": "Grow", "statement": "Revenue 10 → 20",
                   "baseline": 10, "target": 20}.items():
        sheet.cell(row=r, column=_col("okr", key)).value = v
    for key, v in {"statement": "Customers 5 → 9", "baseline": 5, "target": 9}.items():
        sheet.cell(row=r + 1, column=_col("okr", key)).value = v
    plan = _plan(store, ws, _save(wb))
    # either both KRs are added, or the second row is named as an error; never silently nothing
    assert plan.errors or _ops(plan).count(("add", "key_result")) == 2, plan.lines(lang)


def test_risk_plans_b_and_c_written_under_their_risk_are_not_silently_dropped(store, ws):
    # Same in the risk sheet: risk name on plan A's row, plans B and C on the rows below with the
    # risk cells empty -> B and C are dropped without a message.
    lang = "en"
    wb = _book(blank_template("risk", lang, today=TODAY))
    sheet = _sheet(wb, "risk", lang)
    r = HEADER_ROW + 1
    for key, v in {"name": "Supplier fails", "level": t("risk.level.red", lang), "label": "A",
                   "strategy": "Second supplier", "cost": 1000}.items():
        sheet.cell(row=r, column=_col("risk", key)).value = v
    for i, label in enumerate("BC", start=1):
        for key, v in {"label": label, "strategy": f"Plan {label}", "cost": 500}.items():
            sheet.cell(row=r + i, column=_col("risk", key)).value = v
    plan = _plan(store, ws, _save(wb))
    assert plan.errors or _ops(plan).count(("add", "risk_plan")) == 3, plan.lines(lang)


# -- duplicates the forms refuse ------------------------------------------------------------------

def test_a_filled_weekly_template_does_not_add_a_second_plan_for_the_same_person_and_week(store, demo_ws):
    # weekly.create_plan refuses a second plan for one person and week. sheet_weekly only checks the
    # plans of the sheet itself: a blank template naming a person and week that already have a plan
    # adds a duplicate plan.
    lang = "en"
    existing = weekly.list_plans(store, demo_ws)[0]
    wb = _book(blank_template("weekly", lang, today=TODAY))
    sheet = _sheet(wb, "weekly", lang)
    r = HEADER_ROW + 1
    for key, v in {"person": existing["person"], "week_start": existing["week_start"], "confidence": 7,
                   "item": "Another item"}.items():
        sheet.cell(row=r, column=_col("weekly", key)).value = v
    plan = _plan(store, demo_ws, _save(wb))
    assert ("add", "weekly_plan") not in _ops(plan), plan.lines(lang)


def test_a_filled_daily_template_does_not_add_a_second_report_for_the_same_day_and_owner(store, demo_ws):
    # daily.create_report refuses a second report for a day and owner; the import adds it.
    lang = "en"
    existing = daily.list_reports(store, demo_ws)[0]
    wb = _book(blank_template("daily", lang, today=TODAY))
    sheet = _sheet(wb, "daily", lang)
    for key, v in {"day": existing["day"], "owner": existing.get("owner"), "note": "again"}.items():
        sheet.cell(row=HEADER_ROW + 1, column=_col("daily", key)).value = v
    plan = _plan(store, demo_ws, _save(wb))
    assert ("add", "daily_report") not in _ops(plan), plan.lines(lang)


def test_a_filled_review_template_does_not_add_a_second_review_of_the_same_period(store, demo_ws):
    # review.save_review refuses a second review of one kind and period; the import adds it.
    lang = "en"
    existing = review.live_reviews(store, demo_ws)[0]
    wb = _book(blank_template("review", lang, today=TODAY))
    sheet = _sheet(wb, "review", lang)
    for key, v in {"kind": t(f"review.kind.{existing['kind']}", lang), "period_start": existing["period_start"],
                   "period_end": existing["period_end"], "held_on": existing["held_on"],
                   "attendees": "Someone"}.items():
        sheet.cell(row=HEADER_ROW + 1, column=_col("review", key)).value = v
    plan = _plan(store, demo_ws, _save(wb))
    assert ("add", "review") not in _ops(plan), plan.lines(lang)


# -- removals that leave rows behind ------------------------------------------------------------------

def test_an_indicator_removed_in_the_scorecard_takes_its_readings_and_map_links_along(store, demo_ws):
    # bsc.delete_indicator trashes the indicator with its KR links, strategy-map links and readings.
    # sheet_scorecard removes only the indicator and its KR links: its readings stay live (the
    # check-ins page, the daily reports and the JSON export still show readings of a deleted
    # indicator) and the strategy map keeps arrows to nothing.
    lang = "en"
    links = store.rows("strategy_link", demo_ws)
    readings = tracking.list_readings(store, demo_ws)
    victim = next(i for i in bsc.list_indicators(store, demo_ws)
                  if any(r["indicator_id"] == i["id"] and r["daily_report_id"] is None for r in readings)
                  and any(i["id"] in (lk["cause_id"], lk["effect_id"]) for lk in links))
    wb = _export(store, demo_ws, lang, ["scorecard"])
    sheet = _sheet(wb, "scorecard", lang)
    for r in sorted(_rows_of(sheet, "scorecard", "id", victim["id"]), reverse=True):
        sheet.delete_rows(r)
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    importer.apply_import(store, demo_ws, plan)
    assert not [r for r in tracking.list_readings(store, demo_ws) if r["indicator_id"] == victim["id"]]
    assert not [lk for lk in store.rows("strategy_link", demo_ws)
                if ("indicator", victim["id"]) in ((lk["cause_kind"], lk["cause_id"]),
                                                   (lk["effect_kind"], lk["effect_id"]))]


# -- untouched workbooks that plan changes or errors ------------------------------------------------

def test_a_kr_value_corrected_on_the_check_ins_page_round_trips_unchanged(store, demo_ws):
    # The weekly sheet shows an item's KR value from its check-in (weekly.get_plan); sheet_weekly
    # compares the cell with plan_item.kr_value (the value first typed). After the check-in is
    # corrected on the check-ins page, an untouched export plans "KR value 530.18 → 531" for the item.
    lang = "en"
    item = next(i for i in store.rows("plan_item", demo_ws) if i["check_in_id"] is not None)
    ci = store.row("check_in", item["check_in_id"])
    tracking.apply_edits(store, "check_in", ci["key_result_id"], changed={ci["id"]: {"value": ci["value"] + 1}},
                         added=[], deleted=[])
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["weekly"], today=TODAY))
    assert plan.errors == [] and plan.changes == [], plan.lines(lang)


def test_after_a_kr_is_deleted_an_untouched_weekly_sheet_changes_nothing(store, demo_ws):
    # A weekly item names a KR that was then deleted on the OKR page. The export writes its KR value
    # but no KR (the KR is in the trash); sheet_weekly resolves the blank KR cell to None and
    # weekly.clean_items refuses "A KR value needs a key result" at the KR value cell: the untouched
    # workbook cannot be imported (and with the value cleared, the hook would trash the check-in).
    lang = "en"
    item = next(i for i in store.rows("plan_item", demo_ws) if i["check_in_id"] is not None)
    okr.delete_key_result(store, item["key_result_id"])
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["weekly"], today=TODAY))
    assert plan.errors == [] and plan.changes == [], plan.lines(lang)


def test_after_a_kr_is_deleted_an_untouched_scorecard_removes_no_link(store, demo_ws):
    # An indicator linked to a KR that was then deleted: the export lists only live KRs, so the
    # import plans "remove indicator ↔ KR" for an untouched sheet (and a later restore of the KR
    # from the trash finds its link gone).
    lang = "en"
    link = store.rows("indicator_kr", demo_ws)[0]
    okr.delete_key_result(store, link["key_result_id"])
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["scorecard"], today=TODAY))
    assert plan.errors == [] and plan.changes == [], plan.lines(lang)


def test_after_a_trigger_kr_is_deleted_an_untouched_risk_sheet_imports(store, demo_ws):
    # A risk triggered by a KR that was then deleted: the export writes "(deleted)" (review.subject_gone)
    # in the Trigger cell, and sheet_risk looks that text up as a KR/indicator name -> "no key result
    # or indicator is called …": the untouched workbook cannot be imported at all.
    lang = "en"
    victim = next(r for r in risk.list_risks(store, demo_ws) if r["trigger_kind"] == "key_result")
    okr.delete_key_result(store, victim["trigger_id"])
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["risk"], today=TODAY))
    assert plan.errors == [], plan.lines(lang)


def test_after_an_indicator_is_retired_an_untouched_daily_sheet_imports(store, demo_ws):
    # Retiring an indicator (annual iteration) keeps its history. The daily sheet still lists its
    # readings by name, but sheet_daily looks names up among live, not retired indicators only
    # -> "no indicator is called …" on every such row: the untouched workbook cannot be imported.
    lang = "en"
    reading = next(r for r in tracking.list_readings(store, demo_ws) if r["daily_report_id"] is not None)
    bsc.retire_indicator(store, reading["indicator_id"], "replaced")
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["daily"], today=TODAY))
    assert plan.errors == [], plan.lines(lang)


def test_after_an_indicator_is_retired_an_untouched_risk_sheet_imports(store, demo_ws):
    # Same for a risk triggered by an indicator that was retired: the export writes the indicator's
    # name, risk.trigger_targets leaves retired indicators out, the import says "no match".
    lang = "en"
    victim = next(r for r in risk.list_risks(store, demo_ws) if r["trigger_kind"] == "indicator")
    bsc.retire_indicator(store, victim["trigger_id"], "replaced")
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["risk"], today=TODAY))
    assert plan.errors == [], plan.lines(lang)


def test_after_an_indicator_is_retired_an_untouched_review_sheet_imports(store, demo_ws):
    # Same for a review finding about an indicator that was retired since (the annual review retires
    # indicators): the subject text is not found among live indicators.
    lang = "en"
    f = next(f for f in store.rows("review_finding", demo_ws) if f["subject_kind"] == "indicator")
    bsc.retire_indicator(store, f["subject_id"], "replaced")
    plan = _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, sheets=["review"], today=TODAY))
    assert plan.errors == [], plan.lines(lang)


# -- values read wrongly ---------------------------------------------------------------------------

def test_a_gap_typed_as_percent_text_is_read_as_a_fraction(store, demo_ws):
    # The review gap column holds a fraction shown as % (0.5 shows 50%). Typed as text "50%" (numbers
    # typed as text are promised to be fine) it is read by fields.number as 50, i.e. a gap of 5000 %.
    lang = "en"
    f = store.rows("review_finding", demo_ws)[0]
    wb = _export(store, demo_ws, lang, ["review"])
    sheet = _sheet(wb, "review", lang)
    r = _rows_of(sheet, "review", "entry_id", f["id"])[0]
    sheet.cell(row=r, column=_col("review", "gap")).value = "50%"
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    (change,) = plan.changes
    assert change.values["gap"] == 0.5


# -- writes the forms make alongside ------------------------------------------------------------

def test_a_plan_confidence_changed_in_the_sheet_reaches_its_items_check_ins(store, demo_ws):
    # weekly.update_plan writes the new confidence to the check-ins its items recorded; an import of
    # the same edit changes the plan only, so the KR's check-in history keeps the old confidence.
    lang = "en"
    item = next(i for i in store.rows("plan_item", demo_ws) if i["check_in_id"] is not None)
    p = store.row("weekly_plan", item["weekly_plan_id"])
    new_conf = 2 if p["confidence"] != 2 else 3
    wb = _export(store, demo_ws, lang, ["weekly"])
    sheet = _sheet(wb, "weekly", lang)
    for r in _rows_of(sheet, "weekly", "plan_id", p["id"]):
        sheet.cell(row=r, column=_col("weekly", "confidence")).value = new_conf
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    importer.apply_import(store, demo_ws, plan)
    assert store.row("check_in", item["check_in_id"])["confidence"] == new_conf


def test_an_onion_parent_typed_as_a_decimal_is_refused_not_cut(store, demo_ws):
    from strategy_core.plan import onion
    wb = _export(store, demo_ws, "en", ["onion"])
    ws_ = _sheet(wb, "onion", "en")
    child = next(n for n in onion.list_nodes(store, demo_ws) if n["parent_id"] is not None)
    r = _rows_of(ws_, "onion", "id", child["id"])[0]
    ws_.cell(row=r, column=_col("onion", "parent")).value = child["parent_id"] + 0.5
    plan = _plan(store, demo_ws, _save(wb))
    assert not plan.ok and str(child["parent_id"] + 0.5) in "\n".join(plan.lines("en"))


def test_a_deleted_plan_id_column_is_named_once_not_as_an_unknown_id_per_row(store, demo_ws):
    wb = _export(store, demo_ws, "en", ["weekly"])
    ws_ = _sheet(wb, "weekly", "en")
    ws_.delete_cols(_col("weekly", "plan_id"))
    plan = _plan(store, demo_ws, _save(wb))
    lines = plan.lines("en")
    assert not plan.ok and len(lines) == 1
    assert t("xl.col.plan_id", "en") in lines[0] and t("xl.col.item_id", "en") in lines[0]


def test_review_rows_without_the_entry_column_are_told_apart_by_their_ids(store, demo_ws):
    wb = _export(store, demo_ws, "zh", ["review"])
    ws_ = _sheet(wb, "review", "zh")
    ws_.delete_cols(_col("review", "entry"))
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [] and plan.changes == [], plan.lines("zh")


def test_a_copied_row_that_keeps_its_item_id_is_named_as_a_duplicate(store, demo_ws):
    wb = _export(store, demo_ws, "en", ["weekly"])
    ws_ = _sheet(wb, "weekly", "en")
    src = HEADER_ROW + 1
    r = ws_.max_row + 1
    for c in range(1, ws_.max_column + 1):
        ws_.cell(row=r, column=c).value = ws_.cell(row=src, column=c).value
    ws_.cell(row=r, column=_col("weekly", "item")).value = "A copy with a new text"
    plan = _plan(store, demo_ws, _save(wb))
    item_id = ws_.cell(row=src, column=_col("weekly", "item_id")).value
    assert not plan.ok
    assert t("xl.import.error.duplicate_id", "en", id=item_id, first=src) in "\n".join(plan.lines("en"))


def test_a_weekly_item_row_with_nothing_but_not_done_is_an_empty_item_not_a_crash(store, demo_ws):
    # An item row whose only cell left is Done = "No" made the plan crash (the item check skips an
    # empty row and returned nothing to unpack). It is an empty item, as the form treats one: a row
    # with an ID is dropped (the preview says so), a new row adds nothing.
    lang = "en"
    item = store.rows("plan_item", demo_ws)[0]
    wb = _export(store, demo_ws, lang, ["weekly"])
    ws_ = _sheet(wb, "weekly", lang)
    (r,) = _rows_of(ws_, "weekly", "item_id", item["id"])
    for key in ("item", "key_result", "kr_value"):
        ws_.cell(row=r, column=_col("weekly", key)).value = None
    ws_.cell(row=r, column=_col("weekly", "done")).value = "No"
    new = ws_.max_row + 1
    for key in ("plan_id", "person", "week_start"):
        ws_.cell(row=new, column=_col("weekly", key)).value = ws_.cell(row=r, column=_col("weekly", key)).value
    ws_.cell(row=new, column=_col("weekly", "done")).value = "No"
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    assert [(c.op, c.table, c.id) for c in plan.changes if c.table == "plan_item"] == [
        ("remove", "plan_item", item["id"])]


def test_every_listed_weekly_plan_is_checked_against_the_others_person_and_week(store, demo_ws):
    # A plan moved onto the person and week of another plan of the sheet is refused as a second plan
    # for that person and week, at the week cell, whichever plan it is (after the first plan the check
    # once read the previous plan's item IDs as the list of plans and said instead that a plan's
    # person cannot change).
    lang = "en"
    plans = weekly.list_plans(store, demo_ws)
    assert len(plans) >= 3
    for n in (0, 1, len(plans) - 1):      # the first plan, one after it, the last (onto a plan above or below)
        moved = plans[n]
        other = next(x for x in plans[n + 1:] + plans[:n] if x["person"] != moved["person"])
        wb = _export(store, demo_ws, lang, ["weekly"])
        ws_ = _sheet(wb, "weekly", lang)
        for r in _rows_of(ws_, "weekly", "plan_id", moved["id"]):
            ws_.cell(row=r, column=_col("weekly", "person")).value = other["person"]
            ws_.cell(row=r, column=_col("weekly", "week_start")).value = other["week_start"]
        plan = _plan(store, demo_ws, _save(wb))
        keys = {e.params["detail"].key for e in plan.errors}
        assert keys and keys <= {"weekly.error.duplicate", "xl.import.error.duplicate_plan"}, plan.lines(lang)
        assert all(e.field == "week_start" for e in plan.errors) and not plan.changes
