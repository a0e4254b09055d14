"""Workshop mode in a real browser against the real launcher: before the passcode, no page content and no
data in the HTML or over the websocket; every request the pages make goes to the workbench itself."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from strategy_core import demo
from strategy_core.plan import okr
from strategy_core.store import Store
from tests.browser import browser, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
PASSCODE = "room-42-tea"


def test_no_data_before_the_passcode_and_no_request_leaves_the_workbench(db_location):
    s = Store(db_location)
    wid = demo.load(s, "en", 2026, today=TODAY)
    secrets = [s.get_workspace(wid)["name"], *[k["statement"] for k in okr.list_key_results(s, wid)][:3]]
    s.close()
    with server(db_location, workshop_passcode=PASSCODE) as url, browser("en-US") as page:
        base = urlparse(url).netloc
        received: list[bytes] = []
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda f: received.append(f if isinstance(f, bytes) else f.encode("utf-8"))))
        page.goto(url + "/okr")                          # a deep link straight to a page with data
        page.get_by_text("Workshop passcode").wait_for()
        settle(page, 1500)
        assert page.get_by_text("Page not found").count() == 0     # the deep link is kept, not refused
        before = b"".join(received) + page.content().encode("utf-8")
        assert all(x.encode("utf-8") not in before for x in secrets)
        page.get_by_label("Workshop passcode").fill("wrong guess")
        page.get_by_role("button", name="Enter").click()
        page.get_by_text("That passcode is not right").wait_for()
        assert all(x.encode("utf-8") not in b"".join(received) for x in secrets)
        page.get_by_label("Workshop passcode").fill(PASSCODE)
        page.get_by_role("button", name="Enter").click()
        page.get_by_text("Who is working here?").wait_for()
        assert all(x.encode("utf-8") not in b"".join(received) for x in secrets)
        page.get_by_label("Your name (for the change log)", exact=True).and_(page.get_by_test_id("stTextInputField")).fill("Li Wei")
        page.get_by_role("button", name="Start").click()
        page.get_by_role("heading", name="OKR cascade").wait_for()    # in, on the page the link asked for
        settle(page)
        assert secrets[0].encode("utf-8") in b"".join(received)      # and its data comes now
        outside = [u for u in requests if urlparse(u).netloc not in (base, "") and not u.startswith("data:")]
        assert outside == []                              # offline: nothing fetched from anywhere else
        # a deep link on a server that is already running: the gate answers at that address (no "Page not
        # found", the address kept), and the page it names opens once the passcode and a name are given
        page.goto(url + "/board")
        page.get_by_text("Workshop passcode").wait_for()
        settle(page, 1500)
        assert page.get_by_text("Page not found").count() == 0 and urlparse(page.url).path.endswith("/board")
        page.get_by_label("Workshop passcode").fill(PASSCODE)
        page.get_by_role("button", name="Enter").click()
        page.get_by_label("Your name (for the change log)", exact=True).and_(page.get_by_test_id("stTextInputField")).fill("Li Wei")
        page.get_by_role("button", name="Start").click()
        page.get_by_role("heading", name="Strategy execution monitoring board").wait_for()
