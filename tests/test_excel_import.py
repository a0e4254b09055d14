"""Excel import: exported workbooks read back — unchanged (nothing to do), edited (exactly those
changes, old → new), broken (every problem named by sheet, cell and column, nothing written), and
applied in one undoable transaction. Real workbooks (openpyxl), a real temp DuckDB file."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from strategy_core.plan import bsc, okr, onion
from strategy_core.routines import risk, weekly
from strategy_core.track import monitor, tracking
from strategy_core.errors import ConflictError
from strategy_core.exchange.excel import importer
from strategy_core.exchange.excel.export import HEADER_ROW, IMPORTABLE, blank_template, export_workbook
from strategy_core.i18n import t
from tests.workbooks import book as _book, col as _col, rows_of as _rows_of, save as _save, sheet as _sheet
from tests.conftest import TODAY


def _row_of(ws, key: str, id_col: str, id_: int) -> int:
    rows = _rows_of(ws, key, id_col, id_)
    assert rows, f"id {id_} not in {key}"
    return rows[0]


ON = dt.date(2026, 6, 30)


def _content(store, wid) -> dict:
    """Every live row of the workspace without bookkeeping: what an import may change."""
    out = {}
    for table in ("objective", "key_result", "indicator", "indicator_kr", "onion_node", "weekly_plan", "plan_item",
                  "check_in", "daily_report", "reading", "review", "review_finding", "adjustment", "risk", "risk_plan"):
        out[table] = sorted((tuple(sorted((k, str(v)) for k, v in r.items())) for r in store.rows(table, wid)))
    return out


def _plan(store, wid, data):
    return importer.plan_import(store, wid, data, "book.xlsx", today=TODAY)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_import_export_is_the_same_for_every_template(store, demo_ws, lang):
    data = export_workbook(store, demo_ws, lang, on=ON, today=TODAY)
    plan = _plan(store, demo_ws, data)
    assert plan.errors == []
    assert plan.changes == []
    assert set(plan.sheets) == set(IMPORTABLE)
    assert t("xl.import.nothing", lang) in plan.lines(lang)
    before = _content(store, demo_ws)
    assert importer.apply_import(store, demo_ws, plan) == 0
    again = export_workbook(store, demo_ws, lang, on=ON, today=TODAY)
    for key in IMPORTABLE:
        a, b = _sheet(_book(data), key, lang), _sheet(_book(again), key, lang)
        rows_a = [r for r in a.iter_rows(min_row=HEADER_ROW, values_only=True)]
        rows_b = [r for r in b.iter_rows(min_row=HEADER_ROW, values_only=True)]
        assert rows_a == rows_b, key
    assert _content(store, demo_ws) == before


def test_an_edited_workbook_changes_exactly_what_was_edited_and_one_undo_takes_it_back(store, demo_ws):
    lang = "en"
    wb = _book(export_workbook(store, demo_ws, lang, on=ON, today=TODAY))
    krs = okr.list_key_results(store, demo_ws)
    kr = next(k for k in krs if k["direction"] == "up" and k["target"] is not None)
    sheet = _sheet(wb, "okr", lang)
    r = _row_of(sheet, "okr", "kr_id", kr["id"])
    sheet.cell(row=r, column=_col("okr", "target")).value = f" {kr['target'] * 2:,.0f} "   # a number typed as text
    sheet.cell(row=r, column=_col("okr", "owner")).value = "Zhao Liu  "
    # a new KR under the same objective: a copied row with the KR ID emptied
    new_r = sheet.max_row + 1
    for c in range(1, sheet.max_column + 1):
        sheet.cell(row=new_r, column=c).value = sheet.cell(row=r, column=c).value
    sheet.cell(row=new_r, column=_col("okr", "kr_id")).value = None
    sheet.cell(row=new_r, column=_col("okr", "statement")).value = "Win 5 new reference customers by Q4"
    sheet.cell(row=new_r, column=_col("okr", "baseline")).value = 0
    sheet.cell(row=new_r, column=_col("okr", "target")).value = 5
    sheet.cell(row=new_r, column=_col("okr", "deadline")).value = "2026/12/31"
    # a risk removed
    victim = risk.list_risks(store, demo_ws)[-1]
    rs = _sheet(wb, "risk", lang)
    for row in sorted((i for i in range(HEADER_ROW + 1, rs.max_row + 1)
                       if rs.cell(row=i, column=_col("risk", "risk_id")).value == victim["id"]), reverse=True):
        rs.delete_rows(row)
    # an indicator's target changed in the scorecard
    ind = bsc.list_indicators(store, demo_ws)[0]
    sc = _sheet(wb, "scorecard", lang)
    sc.cell(row=_row_of(sc, "scorecard", "id", ind["id"]), column=_col("scorecard", "target")).value = ind["target"] + 1
    before = _content(store, demo_ws)

    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    ops = {(c.op, c.table) for c in plan.changes}
    assert ("change", "key_result") in ops and ("add", "key_result") in ops
    assert ("remove", "risk") in ops and ("change", "indicator") in ops
    change = next(c for c in plan.changes if c.op == "change" and c.id == kr["id"])
    assert {(d.label, d.old, d.new) for d in change.diffs} == {
        ("field.target", kr["target"], kr["target"] * 2), ("field.owner", kr["owner"], "Zhao Liu")}
    text = "\n".join(plan.lines(lang))
    assert f"{kr['target']:,.10g} → {kr['target'] * 2:,.10g}" in text
    assert "Win 5 new reference customers by Q4" in text and victim["name"] in text
    assert _content(store, demo_ws) == before, "planning writes nothing"

    n = importer.apply_import(store, demo_ws, plan, actor="tester")
    assert n == len(plan.changes)
    after = {k["id"]: k for k in okr.list_key_results(store, demo_ws)}
    assert after[kr["id"]]["target"] == kr["target"] * 2 and after[kr["id"]]["owner"] == "Zhao Liu"
    new = next(k for k in after.values() if k["statement"] == "Win 5 new reference customers by Q4")
    assert new["objective_id"] == kr["objective_id"] and new["deadline"] == dt.date(2026, 12, 31)
    assert victim["id"] not in {x["id"] for x in risk.list_risks(store, demo_ws)}
    assert store.audit(demo_ws, limit=1)[0]["action"] == "xl.import"
    # the new state exports and reads back as nothing to do
    assert _plan(store, demo_ws, export_workbook(store, demo_ws, lang, on=ON, today=TODAY)).changes == []
    # one undo takes the whole import back
    store.undo(demo_ws)
    assert _content(store, demo_ws) == before


def test_problems_are_named_by_sheet_cell_and_column_and_nothing_is_written(store, demo_ws):
    lang = "zh"
    wb = _book(export_workbook(store, demo_ws, lang, on=ON, today=TODAY))
    sheet = _sheet(wb, "okr", lang)
    r = HEADER_ROW + 1
    sheet.cell(row=r, column=_col("okr", "target")).value = "lots"
    sheet.cell(row=r + 1, column=_col("okr", "level")).value = "CEO"     # on the second row of the first objective
    sheet.cell(row=r + 2, column=_col("okr", "kr_id")).value = 999999
    sc = _sheet(wb, "scorecard", lang)
    sc.cell(row=HEADER_ROW + 1, column=_col("scorecard", "comparator")).value = "≈"
    sc.cell(row=HEADER_ROW + 2, column=_col("scorecard", "frequency")).value = "hourly"
    before = _content(store, demo_ws)
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.changes == [] and not plan.ok
    text = "\n".join(plan.lines(lang))
    okr_name = t("xl.sheet.okr", lang)
    target_letter = chr(64 + _col("okr", "target"))
    assert f"“{okr_name}”单元格 {target_letter}{r}（{t('field.target', lang)}）" in text
    assert "lots" in text
    level_letter = chr(64 + _col("okr", "level"))
    # the edit on the objective's second row is taken as the edit (its first row is untouched), and refused
    assert f"{level_letter}{r + 1}" in text and "CEO" in text and t("okr.level.company", lang) in text
    assert "999999" in text
    assert "≈" in text and "≥" in text
    assert "hourly" in text and t("bsc.frequency.monthly", lang) in text, "the allowed words are listed"
    assert len(plan.errors) == 5, text
    with pytest.raises(importer.ImportError_):
        importer.apply_import(store, demo_ws, plan)
    assert _content(store, demo_ws) == before


def test_an_objective_edited_on_one_of_its_rows_is_taken_edits_that_disagree_are_named(store, demo_ws):
    lang = "zh"
    data = export_workbook(store, demo_ws, lang, on=ON, sheets=["okr"], today=TODAY)
    wb = _book(data)
    sheet = _sheet(wb, "okr", lang)
    oid = next(o for o in okr.list_objectives(store, demo_ws)
               if sum(k["objective_id"] == o["id"] for k in okr.list_key_results(store, demo_ws)) >= 3)["id"]
    rows = [r for r in range(HEADER_ROW + 1, sheet.max_row + 1)
            if sheet.cell(row=r, column=_col("okr", "o_id")).value == oid]
    sheet.cell(row=rows[1], column=_col("okr", "o_owner")).value = "新负责人"     # only on its second row
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    (change,) = plan.changes
    assert (change.table, change.id, change.values) == ("objective", oid, {"owner": "新负责人"})
    sheet.cell(row=rows[2], column=_col("okr", "o_owner")).value = "另一个人"      # a second, different edit
    plan = _plan(store, demo_ws, _save(wb))
    assert not plan.ok and plan.changes == []
    text = "\n".join(plan.lines(lang))
    assert f"{chr(64 + _col('okr', 'o_owner'))}{rows[2]}" in text
    assert t("xl.import.error.inconsistent", lang, first=rows[1]) in text


def test_a_stale_plan_is_refused(store, demo_ws):
    wb = _book(export_workbook(store, demo_ws, "en", on=ON, today=TODAY))
    sheet = _sheet(wb, "okr", "en")
    oid = sheet.cell(row=HEADER_ROW + 1, column=_col("okr", "o_id")).value
    for r in range(HEADER_ROW + 1, sheet.max_row + 1):     # an objective's fields repeat on each of its KR rows
        if sheet.cell(row=r, column=_col("okr", "o_id")).value == oid:
            sheet.cell(row=r, column=_col("okr", "o_owner")).value = "Someone Else"
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.ok and plan.changes
    kr = okr.list_key_results(store, demo_ws)[0]
    okr.update_key_result(store, kr["id"], {"metric": "changed meanwhile"})
    with pytest.raises(ConflictError):
        importer.apply_import(store, demo_ws, plan)


def test_reordered_columns_blank_rows_and_text_dates_are_fine(store, demo_ws):
    lang = "en"
    wb = _book(export_workbook(store, demo_ws, lang, on=ON, sheets=["scorecard"], today=TODAY))
    ws = _sheet(wb, "scorecard", lang)
    ws.move_range(f"A{HEADER_ROW}:A{ws.max_row}", rows=0, cols=ws.max_column + 1)   # first column to the end
    ws.insert_rows(HEADER_ROW + 2, amount=3)                                        # blank rows in between
    for c in range(1, ws.max_column + 1):                                           # header with trailing spaces
        v = ws.cell(row=HEADER_ROW, column=c).value
        if isinstance(v, str):
            ws.cell(row=HEADER_ROW, column=c).value = v + "  "
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [] and plan.changes == []


def test_a_blank_template_filled_by_hand_only_adds(store, demo_ws):
    lang = "zh"
    wb = _book(blank_template("scorecard", lang, today=TODAY))
    ws = _sheet(wb, "scorecard", lang)
    values = {"perspective": t("bsc.perspective.customer", lang), "name": "老客复购率", "unit": "%",
              "comparator": "≥", "target": "35", "band": "5", "frequency": t("bsc.frequency.monthly", lang),
              "owner": "王五"}
    for key, v in values.items():
        ws.cell(row=HEADER_ROW + 1, column=_col("scorecard", key)).value = v
    n_before = len(bsc.list_indicators(store, demo_ws))
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == []
    assert [(c.op, c.table) for c in plan.changes] == [("add", "indicator")]
    assert any(n.key == "xl.import.note.adds_only" for n in plan.notes)
    importer.apply_import(store, demo_ws, plan)
    inds = bsc.list_indicators(store, demo_ws)
    assert len(inds) == n_before + 1
    new = next(i for i in inds if i["name"] == "老客复购率")
    assert (new["comparator"], new["target"], new["band"], new["frequency"]) == (">=", 35, 5, "monthly")


def test_onion_lines_move_and_new_lines_find_their_parent_by_name(store, demo_ws):
    lang = "en"
    wb = _book(export_workbook(store, demo_ws, lang, on=ON, sheets=["onion"], today=TODAY))
    ws = _sheet(wb, "onion", lang)
    nodes = onion.list_nodes(store, demo_ws)
    parent = next(n for n in nodes if n["parent_id"] is not None and
                  any(c["parent_id"] == n["id"] for c in nodes))
    r = ws.max_row + 1
    for key, v in {"name": "Pop-up stores", "kind": t("onion.kind.amount", lang), "value": 12_000,
                   "parent": parent["name"]}.items():
        ws.cell(row=r, column=_col("onion", key)).value = v
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    (add,) = [c for c in plan.changes if c.op == "add"]
    assert add.values["parent_id"] == parent["id"] and add.values["amount"] == 12_000
    importer.apply_import(store, demo_ws, plan)
    new = next(n for n in onion.list_nodes(store, demo_ws) if n["name"] == "Pop-up stores")
    assert new["parent_id"] == parent["id"] and new["kind"] == "amount"


def test_weekly_item_values_become_check_ins_as_in_the_form(store, demo_ws):
    lang = "en"
    wb = _book(export_workbook(store, demo_ws, lang, on=ON, sheets=["weekly"], today=TODAY))
    ws = _sheet(wb, "weekly", lang)
    plan_row = next(p for p in weekly.list_plans(store, demo_ws) if p["week_start"] <= TODAY)
    rows = [r for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(row=r, column=_col("weekly", "plan_id")).value == plan_row["id"]]
    kr = next(k for k in okr.list_key_results(store, demo_ws) if (k["unit"] or "") != "%")
    r = ws.max_row + 1
    for c in range(1, ws.max_column + 1):
        ws.cell(row=r, column=c).value = ws.cell(row=rows[0], column=c).value
    ws.cell(row=r, column=_col("weekly", "item_id")).value = None
    ws.cell(row=r, column=_col("weekly", "item")).value = "Close the two open deals"
    ws.cell(row=r, column=_col("weekly", "key_result")).value = kr["statement"]
    ws.cell(row=r, column=_col("weekly", "kr_value")).value = 3
    n_check_ins = len(tracking.list_check_ins(store, demo_ws))
    plan = _plan(store, demo_ws, _save(wb))
    assert plan.errors == [], plan.lines(lang)
    assert [(c.op, c.table) for c in plan.changes] == [("add", "plan_item")]
    importer.apply_import(store, demo_ws, plan)
    items = weekly.get_plan(store, plan_row["id"])["items"]
    item = next(i for i in items if i["text"] == "Close the two open deals")
    assert item["key_result_id"] == kr["id"] and item["check_in_id"] is not None
    assert len(tracking.list_check_ins(store, demo_ws)) == n_check_ins + 1
    assert monitor.snapshot(store, demo_ws) is not None


def test_a_workbook_with_no_template_sheet_is_named(store, ws):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Budget"
    wb.active["A1"] = "Cost centre"
    wb.active["B1"] = "Amount"
    plan = _plan(store, ws, _save(wb))
    assert not plan.ok
    assert "Budget" in plan.lines("en")[0]


def test_a_workbook_saved_again_by_libreoffice_imports_back_unchanged(store, demo_ws, tmp_path):
    import shutil
    import subprocess
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (Debian package libreoffice-calc-nogui) is installed by .ci/run"
    src = tmp_path / "book.xlsx"
    src.write_bytes(export_workbook(store, demo_ws, "zh", on=ON, today=TODAY))
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    converted = (out / "book.xlsx").read_bytes()
    assert converted != src.read_bytes()
    plan = _plan(store, demo_ws, converted)
    assert plan.errors == [] and plan.changes == [], plan.lines("zh")[:5]
    assert set(plan.sheets) == set(IMPORTABLE)


@pytest.mark.parametrize("make", [
    lambda good: b"level,title\ncompany,Grow\n",                 # a CSV renamed .xlsx
    lambda good: good[: len(good) // 2],                         # truncated on the way
    lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # an old .xls
], ids=["csv", "truncated", "xls"])
def test_a_broken_file_is_refused_with_one_message_and_nothing_changes(store, demo_ws, make):
    from strategy_core.errors import WorkbenchError
    good = export_workbook(store, demo_ws, "en", on=ON, today=TODAY)
    before = _content(store, demo_ws)
    version = store.version(demo_ws)
    with pytest.raises(WorkbenchError) as e:
        _plan(store, demo_ws, make(good))
    assert e.value.text("en") and e.value.text("zh")
    assert _content(store, demo_ws) == before and store.version(demo_ws) == version


def test_command_line_dry_run_prints_the_preview_and_an_error_exits_1(tmp_path, store, demo_ws):
    from strategy_core import cli
    db = store.location
    wb = _book(export_workbook(store, demo_ws, "en", on=ON, sheets=["scorecard"], today=TODAY))
    ind = bsc.list_indicators(store, demo_ws)[0]
    sc = _sheet(wb, "scorecard", "en")
    row = _row_of(sc, "scorecard", "id", ind["id"])
    sc.cell(row=row, column=_col("scorecard", "owner")).value = "New Owner"
    good = tmp_path / "edited.xlsx"
    good.write_bytes(_save(wb))
    sc.cell(row=row, column=_col("scorecard", "target")).value = "high"
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(_save(wb))
    store.close()
    run = lambda *a: (lambda o, e: (cli.main(["--db", str(db), "--lang", "en", "import", *a], out=o, err=e),  # noqa: E731
                                    o.getvalue(), e.getvalue()))(io.StringIO(), io.StringIO())

    code, out, err = run("--workspace", str(demo_ws), "--file", str(good), "--dry-run")
    assert code == 0, err
    assert f"{ind['owner']} → New Owner" in out and ind["name"] in out
    code, out, err = run("--workspace", str(demo_ws), "--file", str(bad), "--dry-run")
    assert code == 1 and "high" in err and t("field.target", "en") in err
    code, out, err = run("--workspace", str(demo_ws), "--file", str(good))
    assert code == 0, err
    from strategy_core.store import Store
    s = Store(db)
    try:
        assert next(i for i in bsc.list_indicators(s, demo_ws) if i["id"] == ind["id"])["owner"] == "New Owner"
    finally:
        s.close()


def test_a_plan_can_be_pickled_and_applied_after(store, demo_ws):
    """A page may keep the plan between reruns (Streamlit's session state pickles what it holds)."""
    import pickle
    wb = _book(export_workbook(store, demo_ws, "en", on=ON, sheets=["weekly"], today=TODAY))
    ws_ = _sheet(wb, "weekly", "en")
    r = HEADER_ROW + 1
    ws_.cell(row=r, column=_col("weekly", "item")).value = "Renamed item"
    plan = pickle.loads(pickle.dumps(_plan(store, demo_ws, _save(wb))))
    assert plan.ok and plan.hooks
    importer.apply_import(store, demo_ws, plan)
    item_id = ws_.cell(row=r, column=_col("weekly", "item_id")).value
    assert store.row("plan_item", item_id)["text"] == "Renamed item"
