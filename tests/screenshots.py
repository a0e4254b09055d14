"""Screenshots of every page in zh and en on the demo company (for people to look at; not a test).

    .venv/bin/python -m tests.screenshots OUT_DIR
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from strategy_core import demo
from strategy_core.store import Store
from tests.browser import browser, server, settle

PAGES = ["", "onion", "okr", "workspaces"]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shots.duckdb"
        s = Store(db)
        for lang in ("zh", "en"):
            demo.load(s, lang)
        s.close()
        with server(db) as url:
            for lang, locale in (("zh", "zh-CN"), ("en", "en-US")):
                with browser(locale) as page:
                    page.goto(url + "/")
                    settle(page)
                    if lang == "en":  # the en demo is the newest workspace; pick the zh one for zh
                        pass
                    else:
                        page.get_by_test_id("stSidebar").get_by_role("combobox").first.click()
                        page.get_by_role("option").nth(1).click()
                        settle(page)
                    for name in PAGES:
                        page.goto(f"{url}/{name}")
                        settle(page, 1500)
                        page.screenshot(path=str(out / f"{name or 'home'}-{lang}.png"), full_page=True)
                        print(name or "home", lang)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
