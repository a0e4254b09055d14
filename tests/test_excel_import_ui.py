"""The Import from Excel page through the real app (app.py + st.navigation, AppTest on a temp database):
a workbook uploaded with AppTest's file_uploader is previewed (nothing to change; old → new per field;
every problem by sheet, cell and column; a refused file), applied once in one transaction that the
sidebar's Undo takes back, refused with a new preview when the workspace changed meanwhile, and
removals need a confirmation. Real workbooks (openpyxl), a real DuckDB file, no mocks."""
from __future__ import annotations

import io
import pickle
import re

import pytest
from openpyxl import load_workbook

from strategy_core import demo
from strategy_core.plan import okr
from strategy_core.routines import risk
from strategy_core.exchange.excel import reader
from strategy_core.exchange.excel.export import COLUMNS, HEADER_ROW, export_workbook
from strategy_core.i18n import LANGS, t
from strategy_core.store import Store
from tests.apptest import open_app, texts
from ui.excel import MIME
from tests.conftest import TODAY

PAGE = "excel_import"


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def _col(sheet: str, col: str) -> int:
    return [c.key for c in COLUMNS[sheet]].index(col) + 1


def _rows_of(ws, sheet: str, id_col: str, id_: int) -> list[int]:
    c = _col(sheet, id_col)
    return [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=c).value == id_]


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _content(s: Store, wid: int) -> dict:
    return {table: sorted(str(sorted(r.items())) for r in s.rows(table, wid))
            for table in ("objective", "key_result", "indicator", "onion_node", "risk", "risk_plan")}


@pytest.fixture
def demo_db(db_location, request):
    """The demo company in *lang*; yields (path, workspace id, lang, an export of it)."""
    lang = getattr(request, "param", "en")
    s = Store(db_location)
    wid = demo.load(s, lang, 2026, today=TODAY)
    data = export_workbook(s, wid, lang, today=TODAY)
    s.close()
    return db_location, wid, lang, data


def _edited_target(db_location, wid, lang, data) -> tuple[dict, bytes]:
    """The export with one KR's target doubled."""
    s = Store(db_location)
    try:
        kr = next(k for k in okr.list_key_results(s, wid) if k["direction"] == "up" and k["target"])
    finally:
        s.close()
    wb = load_workbook(io.BytesIO(data))
    ws = wb[t("xl.sheet.okr", lang)]
    rows = _rows_of(ws, "okr", "kr_id", kr["id"])
    assert rows
    for r in rows:
        ws.cell(row=r, column=_col("okr", "target")).value = kr["target"] * 2
    return kr, _save(wb)


def _upload(at, data: bytes, name: str = "book.xlsx"):
    at.file_uploader[0].upload(name, data, MIME)
    return at.run()


def _apply_buttons(at):
    return [b for b in at.button if b.key and b.key.startswith("xl_import_apply_")]


def _frames(at) -> list:
    """The page's tables as a person reads them (st.table reads Markdown: the page escapes every text)."""
    return [tb.value.map(lambda v: re.sub(r"\\(.)", r"\1", v) if isinstance(v, str) else v) for tb in at.table]


# -- the page -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_page_says_what_it_accepts_and_offers_an_xlsx_uploader(db_location, lang):
    s = Store(db_location)
    demo.load(s, lang, 2026, today=TODAY)
    s.close()
    at = open_app(db_location, lang=lang, page=PAGE)
    no_exceptions(at)
    shown = texts(at)
    assert t("xlimp.title", lang) in shown and t("xlimp.accepted", lang) in shown
    up = at.file_uploader[0]
    assert up.allowed_type == [".xlsx"] or up.allowed_type == ["xlsx"], up.allowed_type
    assert up.label == t("xlimp.upload", lang)
    assert not _apply_buttons(at)


@pytest.mark.parametrize("demo_db", LANGS, indirect=True)
def test_an_unchanged_export_has_nothing_to_change(demo_db):
    db_location, wid, lang, data = demo_db
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, data)
    no_exceptions(at)
    assert t("xl.import.nothing", lang) in [s.value for s in at.success]
    assert not _apply_buttons(at)
    # the board sheet is measured, not typed: said as a note
    assert any(t("xl.sheet.board", lang) in i.value for i in at.info)


def test_an_edited_target_is_previewed_old_to_new_applied_once_and_undone_from_the_sidebar(demo_db, monkeypatch):
    db_location, wid, lang, data = demo_db
    kr, edited = _edited_target(db_location, wid, lang, data)
    reads = []
    real_read = reader.read_workbook
    monkeypatch.setattr(reader, "read_workbook", lambda *a, **k: reads.append(1) or real_read(*a, **k))

    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, edited)
    no_exceptions(at)
    assert [m.value for m in at.metric] == ["0", "1", "0"]
    summary, changes = _frames(at)
    okr_row = summary[summary[t("xlimp.col.sheet", lang)] == t("xl.sheet.okr", lang)].iloc[0]
    assert (okr_row[t("xlimp.col.added", lang)], okr_row[t("xlimp.col.changed", lang)],
            okr_row[t("xlimp.col.removed", lang)]) == (0, 1, 0)
    row = changes.iloc[0]
    assert row[t("xlimp.col.name", lang)] == kr["statement"], "the name is shown whole (the table wraps)"
    assert row[t("xlimp.col.field", lang)] == t("field.target", lang)
    assert (row[t("xlimp.col.old", lang)], row[t("xlimp.col.new", lang)]) == (
        f"{kr['target']:,.10g}", f"{kr['target'] * 2:,.10g}")
    assert len(changes) == 1

    # a rerun (any click) does not read the file again
    at.run()
    no_exceptions(at)
    assert len(reads) == 1
    for key in at.session_state.keys():
        pickle.dumps(at.session_state[key])        # the app enforces serialisable session state

    [apply] = _apply_buttons(at)
    assert apply.label == t("xlimp.apply_one", lang) and not apply.disabled
    apply.click().run()
    no_exceptions(at)
    assert any(t("xlimp.applied", lang, count=1) == s.value for s in at.success)
    assert t("xlimp.applied_toast", lang, count=1) in [x.value for x in at.toast]
    assert at.file_uploader[0].value is None, "the upload is cleared: it cannot be applied twice"
    assert not _apply_buttons(at)
    s = Store(db_location)
    try:
        assert {k["id"]: k for k in okr.list_key_results(s, wid)}[kr["id"]]["target"] == kr["target"] * 2
        assert s.audit(wid, limit=1)[0]["action"] == "xl.import"
    finally:
        s.close()

    # the OKR page shows the new target
    at.switch_page("pages/okr.py").run()
    no_exceptions(at)
    undo = at.sidebar.button(key="undo_sidebar")
    assert t("action.xl.import", lang) in undo.label
    undo.click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        assert {k["id"]: k for k in okr.list_key_results(s, wid)}[kr["id"]]["target"] == kr["target"]
    finally:
        s.close()


def test_text_from_the_workbook_is_shown_as_text_not_markdown(demo_db):
    db_location, wid, lang, data = demo_db
    s = Store(db_location)
    kr = okr.list_key_results(s, wid)[0]
    s.close()
    wb = load_workbook(io.BytesIO(data))
    ws = wb[t("xl.sheet.okr", lang)]
    owner = "**Zhao** | Liu <b>x</b> [link](http://example.com)"
    for r in _rows_of(ws, "okr", "kr_id", kr["id"]):
        ws.cell(row=r, column=_col("okr", "owner")).value = owner
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, _save(wb))
    no_exceptions(at)
    raw = at.table[1].value.iloc[0][t("xlimp.col.new", lang)]
    assert raw == "\\*\\*Zhao\\*\\* \\| Liu \\<b\\>x\\</b\\> \\[link\\]\\(http\u2060\\://example\\.com\\)", raw   # no link: a word joiner
    assert _frames(at)[1].iloc[0][t("xlimp.col.new", lang)].replace("\u2060", "") == owner


def test_the_applied_message_goes_once_the_import_is_undone(demo_db):
    db_location, wid, lang, data = demo_db
    _, edited = _edited_target(db_location, wid, lang, data)
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, edited)
    _apply_buttons(at)[0].click().run()
    assert any(s.value == t("xlimp.applied", lang, count=1) for s in at.success)
    at.sidebar.button(key="undo_sidebar").click().run()
    no_exceptions(at)
    assert not any(s.value == t("xlimp.applied", lang, count=1) for s in at.success)


def test_removing_rows_asks_for_a_confirmation_first(demo_db):
    db_location, wid, lang, data = demo_db
    s = Store(db_location)
    victim = risk.list_risks(s, wid)[-1]
    s.close()
    wb = load_workbook(io.BytesIO(data))
    ws = wb[t("xl.sheet.risk", lang)]
    for r in sorted(_rows_of(ws, "risk", "risk_id", victim["id"]), reverse=True):
        ws.delete_rows(r)
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, _save(wb))
    no_exceptions(at)
    removed = int(at.metric[2].value)
    assert removed >= 1
    assert t("xlimp.remove_warning", lang, count=removed) in [w.value for w in at.warning]
    [apply] = _apply_buttons(at)
    assert apply.disabled, "nothing goes to the trash before the confirmation"
    changes = _frames(at)[1]
    assert victim["name"][:40] in " ".join(changes[t("xlimp.col.name", lang)])
    assert t("xlimp.to_trash", lang) in set(changes[t("xlimp.col.new", lang)])
    at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("xl_import_confirm_"))).check().run()
    [apply] = _apply_buttons(at)
    assert not apply.disabled
    apply.click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        assert victim["id"] not in {r["id"] for r in risk.list_risks(s, wid)}
        assert victim["id"] in {r["id"] for r in s.rows("risk", wid, deleted=True)}
    finally:
        s.close()


@pytest.mark.parametrize("demo_db", ["zh"], indirect=True)
def test_every_problem_is_listed_by_sheet_cell_and_column_and_nothing_can_be_applied(demo_db):
    db_location, wid, lang, data = demo_db
    wb = load_workbook(io.BytesIO(data))
    ws = wb[t("xl.sheet.okr", lang)]
    ws.cell(row=HEADER_ROW + 1, column=_col("okr", "target")).value = "lots"
    sc = wb[t("xl.sheet.scorecard", lang)]
    sc.cell(row=HEADER_ROW + 1, column=_col("scorecard", "comparator")).value = "≈"
    s = Store(db_location)
    before = _content(s, wid)
    s.close()
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, _save(wb))
    no_exceptions(at)
    assert t("xlimp.errors", lang, count=2) in [e.value for e in at.error]
    assert not _apply_buttons(at)
    [problems] = _frames(at)
    assert list(problems.columns) == [t(f"xlimp.col.{c}", lang) for c in ("sheet", "cell", "column", "problem")]
    by_sheet = {r[t("xlimp.col.sheet", lang)]: r for _, r in problems.iterrows()}
    okr_row = by_sheet[t("xl.sheet.okr", lang)]
    assert okr_row[t("xlimp.col.cell", lang)] == f"{chr(64 + _col('okr', 'target'))}{HEADER_ROW + 1}"
    assert okr_row[t("xlimp.col.column", lang)] == t("field.target", lang)
    assert "lots" in okr_row[t("xlimp.col.problem", lang)]
    sc_row = by_sheet[t("xl.sheet.scorecard", lang)]
    assert "≈" in sc_row[t("xlimp.col.problem", lang)] and "≥" in sc_row[t("xlimp.col.problem", lang)]
    s = Store(db_location)
    try:
        assert _content(s, wid) == before
    finally:
        s.close()


def test_a_file_that_is_not_a_workbook_gets_one_message(demo_db):
    db_location, wid, lang, _ = demo_db
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, b"name,target\nx,1\n" * 10, "sneaky.xlsx")
    no_exceptions(at)
    [error] = at.error
    assert t("xlimp.refused", lang) in error.value and "sneaky" in error.value
    assert not _apply_buttons(at) and not at.table


def test_a_workspace_changed_meanwhile_is_said_and_the_preview_made_again(demo_db):
    db_location, wid, lang, data = demo_db
    kr, edited = _edited_target(db_location, wid, lang, data)
    at = open_app(db_location, lang=lang, page=PAGE)
    _upload(at, edited)
    [apply] = _apply_buttons(at)
    # someone else saves while the preview is on screen (through the app's own Store: one per process)
    from ui import state
    app_store = state._open(str(db_location))
    other = next(k for k in okr.list_key_results(app_store, wid) if k["id"] != kr["id"])
    okr.update_key_result(app_store, other["id"], {"metric": "changed meanwhile"})
    apply.click().run()
    no_exceptions(at)
    assert t("xlimp.stale", lang) in [w.value for w in at.warning]
    assert {k["id"]: k for k in okr.list_key_results(app_store, wid)}[kr["id"]]["target"] == kr["target"]
    # the new preview is against the workspace as it is now: besides the edit, it shows that the file
    # would put the other person's change back — which the old preview could not say
    changes = _frames(at)[1]
    pairs = {(r[t("xlimp.col.old", lang)], r[t("xlimp.col.new", lang)]) for _, r in changes.iterrows()}
    assert pairs == {(f"{kr['target']:,.10g}", f"{kr['target'] * 2:,.10g}"), ("changed meanwhile", other["metric"])}
    [apply] = _apply_buttons(at)
    apply.click().run()
    no_exceptions(at)
    after = {k["id"]: k for k in okr.list_key_results(app_store, wid)}
    assert after[kr["id"]]["target"] == kr["target"] * 2 and after[other["id"]]["metric"] == other["metric"]

