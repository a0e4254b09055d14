"""The Excel downloads on the pages (AppTest through app.py on a temp database): each template page offers
its sheet filled and blank, the Workspaces page the whole workbook in zh and en; the files open with
openpyxl and hold the right sheet; file names are safe on Windows; an export error is a message, not a
traceback."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from strategy_core import demo
from strategy_core.plan import onion
from strategy_core.track import tracking
from strategy_core.exchange.excel import SHEETS
from strategy_core.i18n import LANG_NAMES, LANGS, t
from strategy_core.store import Store
from tests.apptest import open_app, texts
from ui import excel
from tests.conftest import TODAY

# page file → sheet of the export
PAGES = {"onion": "onion", "okr": "okr", "scorecard": "scorecard", "weekly": "weekly", "daily": "daily",
         "reviews": "review", "risks": "risk", "board": "board"}
WINDOWS_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _file_in_help(button) -> str:
    """The file name the button's help names (shown through markdown, so escaped there)."""
    shown = re.split(r"：|: ", button.help)[-1]
    assert shown.endswith(".xlsx"), button.help
    return re.sub(r"\\(.)", r"\1", shown)


@pytest.fixture
def demo_db(db_location, request):
    lang = request.param
    s = Store(db_location)
    wid = demo.load(s, lang, 2026, today=TODAY)
    s.close()
    return db_location, wid, lang


# -- file names ------------------------------------------------------------------------------------------

def test_file_names_are_safe_on_windows_and_keep_chinese():
    name = excel.file_name('Acme/Co: "A*B?" <x>|y\\z\t', "OKR 表", "2026-03-31")
    assert not WINDOWS_UNSAFE.search(name), name
    assert name.endswith("-OKR 表-2026-03-31.xlsx") and name.startswith("Acme_Co_ _A_B_ _x_y_z")
    assert excel.file_name("示例公司", "营收拆解", "2026-01-02") == "示例公司-营收拆解-2026-01-02.xlsx"
    # trailing dots and spaces (Windows drops them), reserved device names, empty names
    assert excel.file_name("Acme. ", "x") == "Acme-x.xlsx"
    assert excel.file_name("CON") == "_CON.xlsx" and excel.file_name("nul.txt") == "_nul.txt.xlsx"
    assert excel.file_name("???", "") == "_.xlsx"
    assert excel.file_name("", "") == "export.xlsx"
    long = excel.file_name("名" * 300, "OKR 表", "2026-01-01")
    assert len(long) < 120 and long.endswith("-OKR 表-2026-01-01.xlsx")


# -- every page, both languages ---------------------------------------------------------------------------

@pytest.mark.parametrize("demo_db", LANGS, indirect=True)
def test_each_page_offers_its_sheet_filled_and_blank(demo_db):
    db_location, wid, lang = demo_db
    at = open_app(db_location, lang=lang)
    today = TODAY.isoformat()
    s = Store(db_location)
    try:
        ws_name = s.get_workspace(wid)["name"]
        for page, sheet in PAGES.items():
            at.switch_page(f"pages/{page}.py").run()
            no_exceptions(at)
            sheet_name = t(f"xl.sheet.{sheet}", lang)
            filled = at.download_button(key=f"xl_{sheet}_filled")
            blank = at.download_button(key=f"xl_{sheet}_blank")
            assert filled.label == t("xlui.sheet", lang, sheet=sheet_name)
            assert blank.label == t("xlui.blank", lang)
            assert not filled.proto.disabled and not blank.proto.disabled
            name = _file_in_help(filled)
            assert name.startswith(f"{ws_name}-{sheet_name}-") and name.endswith(".xlsx"), name
            assert not WINDOWS_UNSAFE.search(name)
            if sheet != "board":
                assert name.endswith(f"-{today}.xlsx")
            blank_name = _file_in_help(blank)
            assert blank_name == f"{ws_name}-{sheet_name}-{t('xlui.blank_word', lang)}-{today}.xlsx"
            # a click builds the file (in the click's callback, shared with the download) and shows no error
            filled.click().run()
            no_exceptions(at)
            assert not at.error or t("xlui.failed", lang, reason="") not in texts(at)

            # the bytes the button serves: the page's sheet in the screen's language
            content, err = excel.filled_bytes(s, wid, lang, (sheet,), today=TODAY)
            assert err is None
            book = _book(content)
            assert book.sheetnames == [sheet_name]
            assert ws_name in book.active["A1"].value
            content, err = excel.blank_bytes(sheet, lang, "CNY", today=TODAY)
            assert err is None and _book(content).sheetnames == [sheet_name]
    finally:
        s.close()


@pytest.mark.parametrize("demo_db", ["en"], indirect=True)
def test_board_download_is_measured_as_of_the_chosen_date(demo_db):
    db_location, wid, lang = demo_db
    at = open_app(db_location, lang=lang, page="board")
    no_exceptions(at)
    on = dt.date(2026, 5, 31)
    at.date_input(key="board_on").set_value(on).run()
    no_exceptions(at)
    filled = at.download_button(key="xl_board_filled")
    assert "2026-05-31" in filled.help and _file_in_help(filled).endswith("-2026-05-31.xlsx")
    s = Store(db_location)
    try:
        content, err = excel.filled_bytes(s, wid, lang, ("board",), on, today=TODAY)
    finally:
        s.close()
    assert err is None
    title = "\n".join(str(c.value) for row in _book(content).active.iter_rows(max_row=3) for c in row if c.value)
    assert t("xl.title.as_of", lang, date="2026-05-31") in title


# -- the whole workbook -------------------------------------------------------------------------------------

@pytest.mark.parametrize("demo_db", LANGS, indirect=True)
def test_workspaces_page_offers_the_workbook_in_both_languages(demo_db):
    db_location, wid, lang = demo_db
    at = open_app(db_location, lang=lang, page="workspaces")
    no_exceptions(at)
    assert t("xlui.workbook_title", lang) in texts(at)
    assert t("xlui.workbook_caption", lang, date=tracking.today_in(2026, TODAY).isoformat()) in texts(at)
    s = Store(db_location)
    try:
        ws_name = s.get_workspace(wid)["name"]
        for code in LANGS:
            b = at.download_button(key=f"xl_workbook_{code}")
            assert b.label == t("xlui.workbook", lang, language=LANG_NAMES[code])
            name = _file_in_help(b)
            assert name == f"{ws_name}-{t('xlui.workbook_word', code)}-{TODAY.isoformat()}.xlsx"
            assert not WINDOWS_UNSAFE.search(name)
            content, err = excel.filled_bytes(s, wid, code, tuple(SHEETS), tracking.today_in(2026, TODAY), today=TODAY)
            assert err is None
            assert _book(content).sheetnames == [t(f"xl.sheet.{k}", code) for k in SHEETS]
        at.download_button(key=f"xl_workbook_{lang}").click().run()
        no_exceptions(at)
    finally:
        s.close()


# -- an export that cannot be made ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_text_too_long_for_a_cell_is_a_message_next_to_the_button(db_location, lang):
    from strategy_core.plan import workspace
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme", "year": 2026})
    onion.add_node(s, wid, None, {"name": "Revenue", "kind": "amount", "amount": 1_200_000})
    root = onion.list_nodes(s, wid)[0]["id"]
    with s.transaction(wid, "onion.update") as tx:          # more than a cell holds (the forms refuse it)
        tx.update("onion_node", root, {"note": "x" * 40_000})
    s.close()
    at = open_app(db_location, lang=lang, page="onion")
    no_exceptions(at)
    assert not at.download_button(key="xl_onion_filled").proto.disabled
    at.download_button(key="xl_onion_filled").click().run()
    no_exceptions(at)
    errors = [e.value for e in at.error]
    failed = [e for e in errors if e.startswith(t("xlui.failed", lang, reason=""))]
    assert len(failed) == 1, errors
    assert t("xl.sheet.onion", lang) in failed[0] and "40000" in failed[0] and t("field.note", lang) in failed[0]
    # the button stays off until the workspace changes; the blank template is still there
    assert at.download_button(key="xl_onion_filled").proto.disabled
    assert not at.download_button(key="xl_onion_blank").proto.disabled
    at.run()
    assert at.download_button(key="xl_onion_filled").proto.disabled
    # shortening the text (a new version of the workspace) brings the button back, without the message
    s = Store(db_location)
    with s.transaction(wid, "onion.update") as tx:
        tx.update("onion_node", root, {"note": "short"})
    s.close()
    at.run()
    no_exceptions(at)
    assert not at.download_button(key="xl_onion_filled").proto.disabled
    assert not any(e.value.startswith(t("xlui.failed", lang, reason="")) for e in at.error)


# -- a real click in a real browser ---------------------------------------------------------------------------

@pytest.mark.browser
def test_download_in_the_browser_gives_a_workbook_that_opens(db_location, tmp_path):
    """The button's file is made on click (a deferred download): the browser gets a real xlsx with the
    page's sheet, under a name safe on Windows."""
    from tests.browser import browser, server, settle
    s = Store(db_location)
    wid = demo.load(s, "en", 2026, today=TODAY)
    ws_name = s.get_workspace(wid)["name"]
    s.close()
    label = t("xlui.sheet", "en", sheet=t("xl.sheet.okr", "en"))
    with server(db_location) as url, browser("en-US") as page:
        page.goto(url + "/okr")
        settle(page, 800)
        button = page.get_by_role("button", name=label)
        button.wait_for()
        with page.expect_download(timeout=60_000) as info:
            button.click()
        download = info.value
        assert download.failure() is None
        target = tmp_path / "downloaded.xlsx"
        download.save_as(target)
        settle(page)
        assert not page.get_by_text(t("xlui.failed", "en", reason="")).count()
    name = download.suggested_filename
    assert name == f"{ws_name}-{t('xl.sheet.okr', 'en')}-{TODAY.isoformat()}.xlsx"
    assert not WINDOWS_UNSAFE.search(name)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [t("xl.sheet.okr", "en")]
    assert ws_name in book.active["A1"].value and book.active.max_row > 10
