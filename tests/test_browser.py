"""Real server, real headless Chromium: what a founder does, and what survives a restart."""
from __future__ import annotations

import urllib.parse

import pytest

from strategy_core import demo
from strategy_core.plan import okr, workspace
from strategy_core.store import Store
from tests.browser import browser, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser


def panel(page):
    """The tab panel on screen (hidden tabs keep their widgets in the page too)."""
    return page.get_by_role("tabpanel").filter(visible=True).first


def test_first_request_to_a_page_url_on_a_fresh_server_renders_the_full_app(db_location):
    s = Store(db_location)
    demo.load(s, "zh", 2026, today=TODAY)
    s.close()
    with server(db_location) as url, browser("zh-CN") as page:
        page.goto(url + "/okr")  # the very first request this server sees
        settle(page, 800)
        # (the framed run follows the first one; on a busy machine it can still be drawing the sidebar)
        page.get_by_test_id("stSidebar").get_by_text("语言").first.wait_for(timeout=30_000)
        sidebar = page.get_by_test_id("stSidebar").inner_text()
        assert "语言" in sidebar                # the app frame: the language switch
        assert "第 1–2 天 · 战略解码" in sidebar  # and the translated navigation
        assert page.get_by_role("heading", name="OKR 三级拆解").first.is_visible()
        assert urllib.parse.urlparse(page.url).path.rstrip("/").endswith("/okr")
        assert page.get_by_text("Page not found").count() == 0


def test_objective_and_kr_created_in_the_browser_survive_a_restart(db_location):
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme Coffee", "year": 2026})
    s.close()
    title = "Make our regulars come back every week"
    kr_text = "Repeat-purchase rate from 22 % to 30 % by Q4"
    with server(db_location) as url, browser("en-US") as page:
        page.goto(url + "/okr")
        settle(page)
        page.get_by_role("tab", name="➕ New objective").click()
        panel(page).get_by_label("Objective", exact=True).fill(title)
        panel(page).get_by_label("Owner", exact=True).fill("Founder")
        panel(page).get_by_label("Owner", exact=True).press("Tab")
        settle(page)
        panel(page).get_by_role("button", name="Add objective").click()
        page.get_by_text("Objective added").first.wait_for()
        settle(page)
        page.get_by_role("tab", name="Objectives & key results").click()
        settle(page)
        panel(page).locator("textarea[aria-label='Key result']").fill(kr_text)
        panel(page).locator("textarea[aria-label='Key result']").press("Tab")
        settle(page)
        panel(page).get_by_label("Baseline", exact=True).fill("22")
        panel(page).get_by_label("Baseline", exact=True).press("Tab")
        settle(page)
        panel(page).get_by_label("Target value", exact=True).fill("30")
        panel(page).get_by_label("Target value", exact=True).press("Tab")
        settle(page)
        panel(page).get_by_role("button", name="Add key result").click()
        page.get_by_text("Saved.").first.wait_for()
        settle(page)
    s = Store(db_location)
    try:
        (o,) = okr.list_objectives(s, wid)
        (k,) = okr.list_key_results(s, wid)
    finally:
        s.close()
    assert o["title"] == title and o["owner"] == "Founder"
    assert k["statement"] == kr_text and (k["baseline"], k["target"], k["direction"]) == (22, 30, "up")
    # a new server process on the same file: both are still there, on screen
    with server(db_location) as url, browser("en-US") as page:
        page.goto(url + "/okr")
        settle(page, 800)
        page.get_by_role("tab", name="Objectives & key results").click()
        settle(page)
        assert panel(page).get_by_label("Objective", exact=True).input_value() == title
        html = page.content()  # the KR table is a canvas grid; its accessible copy is in the DOM
        assert kr_text in html


def test_a_reload_keeps_the_language_and_the_workspace(db_location):
    s = Store(db_location)
    older = demo.load(s, "zh", 2026, today=TODAY)
    demo.load(s, "en", 2026, today=TODAY)  # the newest: what a fresh session would fall back to
    s.close()
    with server(db_location) as url, browser("en-US") as page:
        page.goto(url + f"/onion?lang=zh&ws={older}")
        settle(page, 600)
        assert page.get_by_role("heading", name="营收拆解（剥洋葱法）").first.is_visible()
        page.reload()
        settle(page, 600)
        sidebar = page.get_by_test_id("stSidebar").inner_text()
        assert "示范公司" in sidebar and "语言" in sidebar
        assert f"ws={older}" in page.url and "lang=zh" in page.url
