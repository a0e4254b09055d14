"""Screenshots of every page in zh and en on the demo company (for people to look at; not a test).

    .venv/bin/python -m tests.screenshots OUT_DIR [VIEWPORT_HEIGHT]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from strategy_core import clock, demo
from strategy_core.store import Store
from tests.browser import browser, server, settle

PAGES = ["", "agenda", "presenter", "onion", "okr", "scorecard", "strategy_map", "weekly", "daily", "reviews", "risks", "board", "checkins",
         "workspaces", "excel_import"]


def main(out: Path, height: int = 1080) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shots.duckdb"
        s = Store(db)
        for lang in ("zh", "en"):
            demo.load(s, lang, today=clock.today())   # today, or the day $WORKBENCH_TODAY pins
        s.close()
        with server(db) as url:
            for lang, locale in (("zh", "zh-CN"), ("en", "en-US")):
                with browser(locale, height) as page:
                    page.goto(url + "/")
                    settle(page)
                    # each language looks at the demo loaded in that language
                    page.get_by_test_id("stSidebar").get_by_role("combobox").first.click()
                    page.get_by_role("option").filter(has_text="示范公司" if lang == "zh" else "Demo company").click()
                    settle(page)
                    for name in PAGES:
                        # through the sidebar's links, as a person would (a reload is a new session)
                        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').first.click()
                        settle(page, 1500)
                        page.screenshot(path=str(out / f"{name or 'home'}-{lang}.png"), full_page=True)
                        print(name or "home", lang)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"), int(sys.argv[2]) if len(sys.argv) > 2 else 1080)
