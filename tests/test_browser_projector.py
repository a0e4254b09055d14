"""Projector mode in a real browser: body text at 24 px at 1920×1080, kept across a reload, and the board's
count labels whole at 1280×720 in both modes."""
from __future__ import annotations

import pytest

from strategy_core import demo
from strategy_core.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

# the body text: paragraphs of the page itself (not captions, not the sidebar)
FONT = """Math.min(...Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'))
          .filter(p => !p.closest('[data-testid="stCaptionContainer"]') && !p.closest('[data-testid="stMetricLabel"]'))
          .map(p => parseFloat(getComputedStyle(p).fontSize)))"""
CUT = """Array.from(document.querySelectorAll('[data-testid="stMetricLabel"] p'))
          .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)"""


def test_projector_mode_is_large_kept_and_cuts_nothing(db_location):
    from playwright.sync_api import sync_playwright
    s = Store(db_location)
    wid = demo.load(s, "zh", 2026, today=TODAY)
    s.close()
    with server(db_location) as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = b.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN").new_page()
            page.goto(f"{url}/board?lang=zh&ws={wid}")
            settle(page, 1500)
            assert page.evaluate(FONT) < 20                                   # the desk size
            page.get_by_text("投影模式").click()
            settle(page, 1500)
            assert page.evaluate(FONT) >= 24 and "projector=1" in page.url
            page.reload()                                                     # a new session: kept
            settle(page, 2500)
            assert page.evaluate(FONT) >= 24
            for projector in ("1", "0"):
                small = b.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN").new_page()
                small.goto(f"{url}/board?lang=zh&ws={wid}&projector={projector}")
                small.get_by_text("落后程度排序").wait_for()
                settle(small, 1500)
                assert small.evaluate(CUT) == [], projector
        finally:
            b.close()
