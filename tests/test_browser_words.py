"""Real server, real Chromium: the words Streamlit's frontend writes itself (the "Page not found" box,
the file uploader's) read in the page's language, and nothing else on the page is touched; a bare
address the team typed is shown as text on every page, never as a link."""
from __future__ import annotations

import pytest

from strategy_core import demo
from strategy_core.plan import okr, workspace
from strategy_core.i18n import t
from strategy_core.store import Store
from tests.browser import browser, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    db = tmp_path_factory.mktemp("words") / "w.duckdb"
    s = Store(db)
    wid = demo.load(s, "zh", today=TODAY)
    o, k = okr.list_objectives(s, wid)[0], okr.list_key_results(s, wid)[0]
    okr.update_objective(s, o["id"], {"title": o["title"] + " https://evil.example.com/x www.evil.com"})
    okr.update_key_result(s, k["id"], {"statement": k["statement"] + " http://evil.example.org a@evil.com"})
    # a name that is one of Streamlit's English texts: the team's own words are never replaced
    other = workspace.create(s, {"name": "Upload", "year": 2026})
    s.close()
    with server(db) as url:
        yield url, wid, other


@pytest.mark.parametrize("lang,locale", [("zh", "zh-CN"), ("en", "en-US")])
def test_page_not_found_and_the_uploader_speak_the_page_language(running, lang, locale):
    url, wid, other = running
    with browser(locale, 900) as page:
        page.goto(f"{url}/no-such-page?lang={lang}")
        settle(page, 1500)
        dialog = page.get_by_role("dialog")
        dialog.get_by_text(t("streamlit.page_not_found", lang), exact=True).wait_for()
        assert t("streamlit.page_not_found_body", lang) in dialog.inner_text()
        page.keyboard.press("Escape")
        page.goto(f"{url}/excel_import?lang={lang}&ws={wid}")
        settle(page, 1500)
        zone = page.get_by_test_id("stFileUploaderDropzone")
        zone.get_by_text(t("streamlit.upload", lang), exact=True).wait_for()
        text = zone.inner_text()
        assert t("streamlit.per_file", lang, size="20MB") in text
        if lang == "zh":
            assert "Upload" not in text.replace("upload", "") and "per file" not in text
        # the workspace named "Upload" keeps its name on the home page
        page.goto(f"{url}/?lang={lang}&ws={other}")
        settle(page, 1500)
        main = page.get_by_test_id("stMain").inner_text()
        assert t("home.caption", lang, name="Upload", year=2026) in main, main[:400]


def test_a_bare_address_in_a_title_is_never_a_link(running):
    url, wid, _ = running
    with browser("zh-CN", 1080) as page:
        for name in ("", "presenter", "okr", "strategy_map", "reviews", "board", "checkins", "weekly", "risks"):
            page.goto(f"{url}/{name}?lang=zh&ws={wid}")
            settle(page, 1500)
            links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
            assert not [h for h in links if "evil" in h and "#" not in h], (name, links)
            if name in ("presenter", "board"):          # the text is there, as text
                assert "evil.example.com" in page.get_by_test_id("stMain").inner_text(), name
