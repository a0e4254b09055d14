"""Real server, real headless Chromium: a check-in typed on the check-ins page moves its KR on the
monitoring board."""
from __future__ import annotations

import urllib.parse
import re

import pytest

from strategy_core import demo
from strategy_core.plan import okr
from strategy_core.track import monitor, tracking
from strategy_core.store import Store
from tests.browser import browser, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

ROI = "Brand marketing ROI from 1:3 to 1:5 by Q4"   # the demo's KR that runs at 45 % of its pace


def panel(page):
    """The tab panel on screen (hidden tabs keep their widgets in the page too)."""
    return page.get_by_role("tabpanel").filter(visible=True).first


def chart_title(page, statement: str) -> str:
    """The title of the KR's chart (Vega draws SVG; the title is its aria-label)."""
    label = page.locator("[aria-roledescription='title']").filter(has_text=statement[:40]).first
    return re.sub(r"^Title text '(.*)'$", r"\1", label.get_attribute("aria-label"))


def ranking_row(page, statement: str) -> str:
    """The KR's row of the 'furthest behind first' table (the grid's accessible copy in the DOM)."""
    return page.locator("table tr").filter(has_text=statement).first.inner_text()


def open_board(page):
    page.get_by_test_id("stSidebarNav").get_by_text("Monitoring board").click()
    settle(page, 800)
    assert urllib.parse.urlparse(page.url).path.rstrip("/").endswith("/board")
    page.get_by_text("Every key result against its target").first.wait_for()


def test_a_check_in_recorded_in_the_browser_moves_the_kr_on_the_board(db_location):
    s = Store(db_location)
    wid = demo.load(s, "en", 2026, today=TODAY)          # history up to the board's default date (the pinned day)
    kr = next(k for k in okr.list_key_results(s, wid) if k["statement"] == ROI)
    on = tracking.today_in(2026, TODAY)
    assert monitor.board(monitor.snapshot(s, wid), on).krs[kr["id"]].status == "off_track"
    before = len(tracking.list_check_ins(s, wid))
    s.close()

    with server(db_location) as url, browser("en-US") as page:
        page.goto(url + "/board")
        settle(page, 800)
        title = chart_title(page, ROI)
        assert title.startswith("🔴 off track · ") and not title.startswith("🔴 off track · 100%")
        assert "off track" in ranking_row(page, ROI)

        page.get_by_test_id("stSidebarNav").get_by_text("Check-ins & readings").click()
        settle(page, 800)
        tab = panel(page)
        tab.get_by_test_id("stSelectbox").filter(has_text="Linked key result").first.click()
        page.get_by_role("option", name=f"{ROI} — Marketing").click()
        settle(page)
        assert "target value 5 ×" in panel(page).inner_text()
        value = panel(page).get_by_label("Value (×)", exact=True)
        value.fill("5")
        value.press("Tab")
        settle(page)
        panel(page).get_by_role("button", name="Record check-in").click()
        page.get_by_text("Saved.").first.wait_for()
        settle(page)
        assert f"Last check-in: 5 on {on.isoformat()}" in panel(page).inner_text()

        open_board(page)
        title = chart_title(page, ROI)
        assert title.startswith("🟢 on track · 100% · "), title
        row = ranking_row(page, ROI)
        assert "on track" in row and "off track" not in row, row
        drill = page.get_by_test_id("stMarkdownContainer").filter(has_text=ROI).last.inner_text()
        assert "on track" in drill and "100%" in drill, drill

    s = Store(db_location)
    try:
        cis = tracking.list_check_ins(s, wid)
        assert len(cis) == before + 1
        new = max(cis, key=lambda c: c["id"])
        assert (new["key_result_id"], new["date"], new["value"], new["confidence"]) == (kr["id"], on, 5, 7)
    finally:
        s.close()
