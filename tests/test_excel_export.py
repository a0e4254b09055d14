"""Excel export: every template as a sheet, in zh and en, values only, safe against formula injection."""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import openpyxl
import pytest

from strategy_core import cli, demo
from strategy_core.plan import okr
from strategy_core.exchange.excel import CELL_MAX, SHEETS, ExportError, blank_template, export_workbook
from strategy_core.exchange.excel.export import COLUMNS, HEADER_ROW, PAGE_WIDTH
from strategy_core.i18n import catalog, t
from tests.conftest import TODAY

AS_OF = dt.date(2026, 9, 30)


@pytest.fixture
def demo_books(store):
    """The demo exported in both languages: {lang: (workspace id, xlsx bytes)}."""
    out = {}
    for lang in ("zh", "en"):
        wid = demo.load(store, lang, 2026, today=AS_OF)
        out[lang] = (wid, export_workbook(store, wid, lang, on=AS_OF, today=TODAY))
    return out


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _sheet_xml(data: bytes) -> dict[str, str]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: z.read(n).decode("utf-8") for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)}


def _strings(data: bytes) -> str:
    z = zipfile.ZipFile(io.BytesIO(data))
    return z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in z.namelist() else ""


def _values(ws) -> list:
    return [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_with_its_headers_in_the_language(demo_books, lang):
    _, data = demo_books[lang]
    wb = _book(data)
    assert wb.sheetnames == [t(f"xl.sheet.{k}", lang) for k in SHEETS]
    for key in SHEETS:
        ws = wb[t(f"xl.sheet.{key}", lang)]
        heads = [c.value for c in ws[HEADER_ROW]]
        assert heads == [t(c.label, lang) for c in COLUMNS[key]], key
        assert ws.max_row > HEADER_ROW, f"{key}: the demo fills every sheet"
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert ws.page_setup.orientation == "landscape"
        # the file holds Excel's stored width: the width shown (in characters) plus 5 px of padding,
        # at 7 px per character
        # at 7 px per character; neighbouring columns of one width are stored as one range
        widths = sum((d.width - 5 / 7) * (d.max - d.min + 1) for d in ws.column_dimensions.values()
                     if d.min and d.min <= len(COLUMNS[key]))
        # wide sheets print across pages at a readable scale, the first columns repeated on each
        # (a file says nothing when it is one page wide)
        pages = ws.page_setup.fitToWidth or 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert pages == max(1, math.ceil(round(widths, 3) / PAGE_WIDTH)), key
        if pages > 1:
            assert ws.print_title_cols == "$A:$B"
        assert "示范公司" in ws["A1"].value if lang == "zh" else "Demo company" in ws["A1"].value
        assert "2026" in ws["A2"].value
    other = "en" if lang == "zh" else "zh"
    assert t("xl.sheet.onion", other) not in wb.sheetnames


def test_every_kr_field_and_level_is_in_the_okr_sheet():
    labels = {c.label for c in COLUMNS["okr"]}
    for f in okr.KR_FIELDS:
        assert f"field.{f}" in labels or f"xl.col.{f}" in labels, f
    for f in okr.OBJECTIVE_FIELDS:
        assert f"field.{f}" in labels, f


def test_demo_numbers(demo_books):
    for lang, off_track in (("zh", "落后"), ("en", "off track")):
        _, data = demo_books[lang]
        wb = _book(data)
        onion_ws = wb[t("xl.sheet.onion", lang)]
        gap_col = [c.value for c in onion_ws[HEADER_ROW]].index(t("xl.col.gap", lang))
        gaps = [row[gap_col] for row in onion_ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
        assert [round(g) for g in gaps if g is not None] == [-3_000_333]
        assert any("3,000,333" in str(v) for v in _values(onion_ws))
        row = HEADER_ROW + 1 + next(i for i, g in enumerate(gaps) if g is not None)
        assert "¥" in onion_ws.cell(row=row, column=gap_col + 1).number_format
        board = wb[t("xl.sheet.board", lang)]
        heads = [c.value for c in board[HEADER_ROW]]
        name, status = heads.index(t("board.col.name", lang)), heads.index(t("common.status", lang))
        rows = list(board.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
        roi = [r for r in rows if r[name] and "ROI" in r[name]]
        assert roi and roi[0][status] == off_track
        assert board._charts, "the board carries a native bar chart"
        levels = {r[0] for r in wb[t("xl.sheet.okr", lang)].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
        assert levels == {t(f"okr.level.{lv}", lang) for lv in okr.LEVELS}


def test_no_formula_anywhere_and_validations_present(demo_books):
    for lang in ("zh", "en"):
        _, data = demo_books[lang]
        xml = _sheet_xml(data)
        assert len(xml) == len(SHEETS)
        for name, text in xml.items():
            assert not re.search(r"<f[ >]", text), name
            assert "<dataValidation " in text, name
            assert "<conditionalFormatting" in text or name, name
        wb = _book(data)
        okr_ws = wb[t("xl.sheet.okr", lang)]
        listed = " ".join(dv.formula1 for dv in okr_ws.data_validations.dataValidation)
        assert t("okr.level.company", lang) in listed and t("okr.direction.up", lang) in listed
        sc = wb[t("xl.sheet.scorecard", lang)]
        listed = " ".join(dv.formula1 for dv in sc.data_validations.dataValidation)
        for word in ("≥", t("bsc.frequency.monthly", lang), t("bsc.perspective.customer", lang),
                     t("status.red", lang)):
            assert word in listed
        assert sc.conditional_formatting, "status colours"


INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3"]


def test_formula_injection_comes_out_as_text(store, ws):
    o = okr.add_objective(store, ws, {"level": "company", "title": "=cmd|' /C calc'!A0"})
    for s in INJECTIONS:
        okr.add_key_result(store, o, {"statement": s, "baseline": 1, "target": 2, "deadline": "2026-12-31",
                                      "owner": "@ann"})
    data = export_workbook(store, ws, "en", today=TODAY)
    for name, text in _sheet_xml(data).items():
        assert not re.search(r"<f[ >]", text), name
    xml = "".join(_sheet_xml(data).values()) + _strings(data)
    for s in ('=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)"):
        # the text sits in an inline or shared string (t="inlineStr" / t="s"), never in <f>
        text = '(?:"|&quot;)'.join(re.escape(part) for part in s.split('"'))
        assert re.search(r'<c [^>]*t="inlineStr"[^>]*><is><t[^>]*>' + text, xml) or s in _strings(data), s
    sheet = _book(data)[t("xl.sheet.okr", "en")]
    col = [c.value for c in sheet[HEADER_ROW]].index(t("field.statement", "en")) + 1
    cells = [sheet.cell(row=r, column=col) for r in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert [c.value for c in cells] == INJECTIONS
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_control_characters_are_removed(store, ws):
    o = okr.add_objective(store, ws, {"level": "company", "title": "Grow revenue"})
    store_kr = okr.add_key_result(store, o, {"statement": "Revenue 1 → 2", "baseline": 1, "target": 2})
    with store.transaction(ws, "key_result.update") as tx:   # as if it came from an old import
        tx.update("key_result", store_kr, {"statement": "Reve\x00nue\x0b 1\x1f → 2\x07", "risk_plan": "a\nb",
                                           "data_source": "\t=1+1", "data_support": "\r@x"})
    sheet = _book(export_workbook(store, ws, "en", today=TODAY))[t("xl.sheet.okr", "en")]
    values = _values(sheet)
    assert "Revenue 1 → 2" in values and "a\nb" in values
    cells = [c for row in sheet.iter_rows() for c in row if c.value in ("\t=1+1", "\r@x", "\n@x")]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_text_too_long_is_refused_naming_sheet_and_column(store, ws):
    from strategy_core.plan import onion
    onion.add_node(store, ws, None, {"name": "Revenue", "kind": "amount", "amount": 1_200_000})
    root = onion.list_nodes(store, ws)[0]["id"]
    with store.transaction(ws, "onion.update") as tx:
        tx.update("onion_node", root, {"note": "x" * 40_000})
    for lang in ("en", "zh"):
        with pytest.raises(ExportError) as e:
            export_workbook(store, ws, lang, today=TODAY)
        text = e.value.text(lang)
        assert t("xl.sheet.onion", lang) in text and t("field.note", lang) in text
        assert str(HEADER_ROW + 1) in text and "40000" in text and str(CELL_MAX) in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_blank_templates(lang):
    for key in SHEETS:
        data = blank_template(key, lang, today=TODAY)
        wb = _book(data)
        assert wb.sheetnames == [t(f"xl.sheet.{key}", lang)]
        ws = wb.active
        assert [c.value for c in ws[HEADER_ROW]] == [t(c.label, lang) for c in COLUMNS[key]]
        assert ws.max_row == HEADER_ROW
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        choices = [c for c in COLUMNS[key] if c.choices or c.words]
        assert len(ws.data_validations.dataValidation) == len(choices), key
        for text in _sheet_xml(data).values():
            assert not re.search(r"<f[ >]", text)
    with pytest.raises(ExportError):
        blank_template("nope", lang, today=TODAY)


def test_catalog_has_every_excel_key_in_both_languages():
    for key in SHEETS:
        for lang in ("zh", "en"):
            name = t(f"xl.sheet.{key}", lang)
            assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    for cols in COLUMNS.values():
        for c in cols:
            for k in (c.label, *c.choices):
                assert k in catalog("en") and k in catalog("zh"), k


def test_cli_export(tmp_path, store, capsys):
    wid = demo.load(store, "en", 2026, today=AS_OF)
    db = store.location
    store.close()
    out = tmp_path / "demo.xlsx"
    assert db is not None
    code = cli.main(["--db", str(db), "export", "--workspace", str(wid), "--format", "xlsx", "--out", str(out),
                     "--as-of", "2026-09-30", "--lang", "zh"])
    assert code == 0
    assert _book(out.read_bytes()).sheetnames[0] == t("xl.sheet.onion", "zh")
    code = cli.main(["--db", str(db), "export", "--workspace", str(wid), "--out", str(out)])
    assert code == 0 and _book(out.read_bytes()).sheetnames[0] == t("xl.sheet.onion", "en")  # the workspace's
    import io as _io
    err = _io.StringIO()
    code = cli.main(["--db", str(db), "--lang", "en", "export", "--workspace", str(wid), "--format", "csv",
                     "--out", str(tmp_path / "x.csv")], err=err)
    assert code == 2 and "xlsx" in err.getvalue() and not (tmp_path / "x.csv").exists()


def test_characters_xml_cannot_hold_never_break_the_workbook(store, ws):
    """U+FFFE, U+FFFF and lone surrogates are dropped and CR becomes LF, so the file stays valid XML
    (a strict reader refused it before) and nothing is turned into a formula."""
    from strategy_core.exchange.excel.reader import read_workbook
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Grow"})
    kid = okr.add_key_result(store, oid, {"statement": "Revenue from 1 to 2", "baseline": 1, "target": 2})
    with store.transaction(ws, "key_result.update") as tx:     # as a JSON file or an old version could hold it
        tx.update("key_result", kid, {"data_support": "line one\r\nline two\rthree\ufffe\uffff end",
                                      "risk_plan": "=HYPERLINK(\"http://x\")"})
    data = export_workbook(store, ws, "en", sheets=["okr"], today=TODAY)
    sheet = next(s for s in read_workbook(data) if s.name == t("xl.sheet.okr", "en"))
    values = [v for _, row in sheet.rows for v in row if isinstance(v, str)]
    assert "line one\nline two\nthree end" in values
    assert "=HYPERLINK(\"http://x\")" in values
