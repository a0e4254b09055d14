"""Real server, real headless Chromium, a real file upload: a workbook exported from the workbench is
uploaded on the Import from Excel page — unchanged it has nothing to change; with one KR target edited
(openpyxl) the preview shows old → new, Apply writes it, the OKR page shows the new target and the
sidebar's Undo takes it back. The real server enforces serialisable session state, so this also proves
the page keeps nothing unpicklable there."""
from __future__ import annotations

import io
import urllib.parse

import pytest
from openpyxl import load_workbook

from strategy_core import demo
from strategy_core.plan import okr
from strategy_core.exchange.excel.export import COLUMNS, HEADER_ROW, export_workbook
from strategy_core.i18n import t
from strategy_core.store import Store
from tests.browser import browser, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

KR = "Live e-commerce penetration from 8 % to 20 % by Q4"    # a KR of the demo's first objective


def panel(page):
    """The tab panel on screen (hidden tabs keep their widgets in the page too)."""
    return page.get_by_role("tabpanel").filter(visible=True).first


def _export(db_location) -> tuple[int, dict, bytes]:
    s = Store(db_location)
    try:
        wid = demo.load(s, "en", 2026, today=TODAY)
        kr = next(k for k in okr.list_key_results(s, wid) if k["statement"] == KR)
        return wid, kr, export_workbook(s, wid, "en", today=TODAY)
    finally:
        s.close()


def _upload(page, url: str, path) -> None:
    page.goto(url + "/excel_import")
    settle(page, 800)
    assert urllib.parse.urlparse(page.url).path.rstrip("/").endswith("/excel_import")
    page.get_by_role("heading", name="Import from Excel").first.wait_for()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    settle(page, 1500)


def _okr_row(page) -> str:
    page.get_by_test_id("stSidebarNav").get_by_text("OKR cascade").click()
    settle(page, 800)
    page.get_by_role("tab", name="Objectives & key results").click()
    settle(page, 800)
    return panel(page).locator("table tr").filter(has_text=KR).first.inner_text()


def test_an_unchanged_export_uploaded_in_the_browser_has_nothing_to_change(db_location, tmp_path):
    wid, _, data = _export(db_location)
    book = tmp_path / "Demo-workbook.xlsx"
    book.write_bytes(data)
    with server(db_location) as url, browser("en-US") as page:
        _upload(page, url, book)
        page.get_by_text(t("xl.import.nothing", "en")).first.wait_for()
        assert page.get_by_role("button", name="Apply").count() == 0
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0


def test_an_edited_target_is_previewed_applied_shown_on_the_okr_page_and_undone(db_location, tmp_path):
    wid, kr, data = _export(db_location)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[t("xl.sheet.okr", "en")]
    id_col = [c.key for c in COLUMNS["okr"]].index("kr_id") + 1
    target_col = [c.key for c in COLUMNS["okr"]].index("target") + 1
    rows = [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=id_col).value == kr["id"]]
    assert rows and kr["target"] == 20
    for r in rows:
        ws.cell(row=r, column=target_col).value = 25
    book = tmp_path / "Demo-workbook-edited.xlsx"
    wb.save(book)

    with server(db_location) as url, browser("en-US") as page:
        _upload(page, url, book)
        change = page.locator("table tr").filter(has_text="Target value").first.inner_text()
        assert "20" in change and "25" in change and "change" in change, change
        page.get_by_role("button", name="✅ Apply 1 change").click()
        page.get_by_text("Imported: 1 change(s) applied in one step").first.wait_for()
        settle(page)
        assert page.get_by_role("button", name="✅ Apply 1 change").count() == 0
        assert page.get_by_text(book.name).count() == 0, "the upload is cleared after applying"

        row = _okr_row(page)
        assert "8 → 25" in row, row

        page.get_by_test_id("stSidebar").get_by_role("button", name="↶ Undo: import from Excel").click()
        page.get_by_text("Undone.").first.wait_for()
        settle(page, 800)
        row = _okr_row(page)
        assert "8 → 20" in row, row
        assert page.locator('[data-testid="stException"]').count() == 0

    s = Store(db_location)
    try:
        assert {k["id"]: k for k in okr.list_key_results(s, wid)}[kr["id"]]["target"] == 20
        actions = [e["action"] for e in s.audit(wid, limit=50)]
        assert "xl.import" in actions and actions[0] == "undo"
    finally:
        s.close()
