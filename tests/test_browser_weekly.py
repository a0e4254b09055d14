"""Real server, real headless Chromium: a weekly plan filed in the browser records its KR value as a
check-in, and the monitoring board shows the KR moved (SPEC §5: one source of truth, no double entry)."""
from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from strategy_core.plan import okr, workspace
from strategy_core.routines import weekly
from strategy_core.track import monitor, tracking
from strategy_core.store import Store
from tests.browser import browser, server, settle
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

PERSON = "Priya"
KR = "Weekly repeat visits from 300 to 450 by year end"        # Priya's second KR: the one the item names
OTHER = "Loyalty-app members from 200 to 500 by year end"      # Priya's first KR: must stay untouched
ITEM = "Launch the members-only breakfast on Saturdays"


def panel(page):
    """The tab panel on screen (hidden tabs keep their widgets in the page too)."""
    return page.get_by_role("tabpanel").filter(visible=True).first


def chart_title(page, statement: str) -> str:
    """The title of the KR's chart (Vega draws SVG; the title is its aria-label)."""
    label = page.locator("[aria-roledescription='title']").filter(has_text=statement[:40]).first
    return re.sub(r"^Title text '(.*)'$", r"\1", label.get_attribute("aria-label"))


def ranking_rows(page) -> list[str]:
    """The rows of the 'furthest behind first' table (the grid's accessible copy in the DOM)."""
    return [r.inner_text() for r in page.locator("table tbody tr").all()]


def open_page(page, name: str, path: str, heading: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).click()
    settle(page, 800)
    page.get_by_role("heading", name=heading).first.wait_for()
    assert urllib.parse.urlparse(page.url).path.rstrip("/").endswith(path)


def cell(grid, col: int, row: int):
    """A cell of the grid's accessible copy (glide keeps one in the DOM; columns count from 1)."""
    return grid.locator(f"td#glide-cell-{col}-{row}")


def wait_selected(grid, col: int, row: int) -> None:
    cell(grid, col, row).and_(grid.locator("td[aria-selected='true']")).wait_for(state="attached")


def wait_text(grid, col: int, row: int, text: str, timeout: float | None = None) -> None:
    grid.page.wait_for_function("([g, id, t]) => g.querySelector('td#' + id)?.textContent === t",
                                arg=[grid.element_handle(), f"glide-cell-{col}-{row}", text], timeout=timeout)


# Counts the script runs the page has finished, from a MutationObserver on the app's run state: unlike
# settle(), it cannot miss a run that starts late (a loaded machine) or ends between two polls.
_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__runsApp !== app) {
    window.__runsApp = app; window.__runs = 0; window.__runsChanged = performance.now();
    new MutationObserver(records => {
      window.__runsChanged = performance.now();
      for (const r of records) if (r.oldValue === 'running') window.__runs++;
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__runs;
}"""
_RAN = """([n, quiet]) => window.__runs > n && performance.now() - window.__runsChanged >= quiet &&
  document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""


def rerun(page, action, quiet_ms: int = 300) -> None:
    """Do *action* — a grid edit: adding a row and each committed cell rerun the page — and wait until
    that rerun has finished and the app has stayed idle for *quiet_ms*. An editor opened while a rerun
    is under way loses what is typed in it, so every edit starts from a quiet page."""
    n = page.evaluate(_RUNS)
    action()
    page.wait_for_function(_RAN, arg=[n, quiet_ms], polling=100)


def enter_number(page, grid, col: int, row: int, text: str, attempts: int = 3) -> None:
    """Type a number into a selected cell and commit it with Enter (which moves the selection down).

    Glide's number editor (react-number-format) can drop what was typed: the input shows it, the commit
    does not carry it. Seen here with keystrokes right after the editor opens, and with most Shift+Tab
    commits. So: Enter, a short pause on each side of the typing, and the outcome checked in the grid's
    accessible copy; a dropped edit (no rerun follows it) is typed again."""
    editor = page.locator(".gdg-input")
    for attempt in range(attempts):
        wait_selected(grid, col, row)
        page.keyboard.press("Enter")
        editor.wait_for()
        page.wait_for_timeout(250)
        page.keyboard.type(text)
        page.wait_for_timeout(250)
        n = page.evaluate(_RUNS)
        page.keyboard.press("Enter")
        try:
            wait_text(grid, col, row, text, timeout=3000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            if cell(grid, col, row).get_attribute("aria-selected") != "true":
                page.keyboard.press("ArrowUp")       # back from the row below to the cell
            continue
        page.wait_for_function(_RAN, arg=[n, 300], polling=100)
        return


def choose_option(page, grid, col: int, row: int, label: str, attempts: int = 3) -> None:
    """Pick *label* in the selected cell's drop-down: open it (Enter), type to filter it down to that one
    option, Enter. Checked in the grid's accessible copy; a pick that did not take is made again, the
    drop-down reopened by a double-click at the cell (its box is the drop-down's own)."""
    overlay = page.locator("[id^='gdg-overlay']").first
    option = page.get_by_role("option", name=label, exact=True)
    page.keyboard.press("Enter")
    for attempt in range(attempts):
        option.wait_for()
        box = overlay.bounding_box()
        page.keyboard.type(label)
        page.wait_for_function("() => document.querySelectorAll('[id^=react-select-][id*=-option-]').length === 1")
        option.wait_for()
        n = page.evaluate(_RUNS)
        page.keyboard.press("Enter")
        try:
            wait_text(grid, col, row, label, timeout=5000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            for _ in range(3):                       # Escape closes the menu, then the editor
                if page.locator("[id^='gdg-overlay']").count() == 0:
                    break
                page.keyboard.press("Escape")
                page.wait_for_timeout(200)
            page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            overlay.wait_for()
            page.keyboard.press("ArrowDown")         # a double-click opens the editor, not its menu
            continue
        page.wait_for_function(_RAN, arg=[n, 300], polling=100)
        return


def test_a_weekly_plan_filed_in_the_browser_moves_its_kr_on_the_board(db_location):
    today = TODAY                               # the server's clock is pinned to it (tests/conftest.py)
    year = today.year
    monday, sunday = weekly.monday_of(today), weekly.week_end(weekly.monday_of(today))
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme Coffee", "year": year})
    oid = okr.add_objective(s, wid, {"level": "company", "title": "Make our regulars come back every week",
                                     "owner": "Founder"})
    # Marco owns the first KR, so the page opens on him: the test has to pick Priya
    okr.add_key_result(s, oid, {"statement": "Cafés stocking our beans from 12 to 20 by year end", "unit": "cafés",
                                "baseline": 12, "target": 20, "deadline": f"{year}-12-31", "owner": "Marco"})
    other = okr.add_key_result(s, oid, {"statement": OTHER, "unit": "members", "baseline": 200, "target": 500,
                                        "deadline": f"{year}-12-31", "owner": PERSON})
    kr = okr.add_key_result(s, oid, {"statement": KR, "unit": "visits", "baseline": 300, "target": 450,
                                     "deadline": f"{year}-12-31", "owner": PERSON})
    assert monitor.board(monitor.snapshot(s, wid), today).krs[kr].status == "no_data"
    assert tracking.list_check_ins(s, wid) == [] and weekly.list_plans(s, wid) == []
    s.close()

    with server(db_location) as url, browser("en-US") as page:
        # the board before: no check-in, no progress, not in the ranking
        page.goto(url + "/board")
        settle(page, 800)
        page.get_by_text("Every key result against its target").first.wait_for()
        title = chart_title(page, KR)
        assert title.startswith("⚪ no data · — · "), title
        assert not any(KR in r for r in ranking_rows(page))

        # the weekly plan: Priya, this week
        open_page(page, "Weekly plans", "/weekly", "OKR weekly plans")
        page.get_by_test_id("stSelectbox").filter(has_text="Person").first.click()
        page.get_by_role("option", name=PERSON, exact=True).click()
        settle(page)
        week = page.get_by_test_id("stDateInput").filter(has_text="Week (starts Monday)")
        for part, value in (("year", f"{today.year:04d}"), ("month", f"{today.month:02d}"),
                            ("day", f"{today.day:02d}")):
            week.get_by_role("spinbutton", name=f"{part}, Week (starts Monday)").click()
            page.keyboard.type(value)
        page.get_by_text("One plan per person and week").first.click()   # the date is taken on blur
        caption = f"Week of Monday {monday.isoformat()} to Sunday {sunday.isoformat()}"
        page.get_by_text(caption).first.wait_for()
        settle(page)
        page.get_by_text(f"{PERSON} has no plan for the week of {monday.isoformat()} yet.").first.wait_for()
        panel(page).get_by_role("button", name="Start this week's plan").click()
        page.get_by_text("Weekly plan started.").first.wait_for()
        settle(page)
        page.get_by_role("heading", name=f"Weekly plan · {PERSON} · week of {monday.isoformat()}").wait_for()

        # one plan item, linked to the KR, with the value that meets its target
        grid = panel(page).get_by_test_id("stDataFrame").last
        grid.locator("th", has_text="KR value (check-in)").wait_for(state="attached")
        grid.scroll_into_view_if_needed()
        page.wait_for_function("e => e.getBoundingClientRect().width > 600", arg=grid.element_handle())
        box = grid.bounding_box()
        # the trailing "add a row" line (adding the row reruns the page; its first cell opens for typing)
        rerun(page, lambda: page.mouse.click(box["x"] + 120, box["y"] + box["height"] - 17))
        editor = page.locator(".gdg-input")
        editor.wait_for()
        wait_selected(grid, 1, 0)
        editor.fill(ITEM)
        rerun(page, lambda: page.keyboard.press("Tab"))     # commit, move to "Linked key result"
        wait_text(grid, 1, 0, ITEM)
        wait_selected(grid, 2, 0)
        page.keyboard.press("Tab")                          # on to "KR value (check-in)"
        enter_number(page, grid, 3, 0, "450")
        page.keyboard.press("ArrowUp")                      # back to the row, then to "Linked key result"
        page.keyboard.press("ArrowLeft")
        wait_selected(grid, 2, 0)
        choose_option(page, grid, 2, 0, KR)                 # the KR drop-down
        assert [cell(grid, c, 0).text_content() for c in (1, 2, 3)] == [ITEM, KR, "450"]
        settle(page)
        panel(page).get_by_role("button", name="Save items").click()
        page.get_by_text("Saved.").first.wait_for()
        settle(page)
        page.get_by_text("0 of 1 items done.").first.wait_for()
        grid = panel(page).get_by_test_id("stDataFrame").last   # re-drawn from the database
        cell(grid, 1, 0).wait_for(state="attached")
        assert [cell(grid, c, 0).text_content() for c in (1, 2, 3)] == [ITEM, KR, "450"]

        # the board after: the KR has met its target and is on track
        open_page(page, "Monitoring board", "/board", "Strategy execution monitoring board")
        page.get_by_text("Every key result against its target").first.wait_for()
        title = chart_title(page, KR)
        assert title.startswith("🟢 on track · 100% · "), title
        assert chart_title(page, OTHER).startswith("⚪ no data · — · ")
        (row,) = [r for r in ranking_rows(page) if KR in r]
        assert "on track" in row and PERSON in row, row

    s = Store(db_location)
    try:
        cis = tracking.list_check_ins(s, wid)
        assert len(cis) == 1, cis
        (ci,) = cis
        assert (ci["key_result_id"], ci["date"], ci["value"], ci["note"]) == (kr, today, 450, ITEM)
        (plan,) = weekly.list_plans(s, wid)
        assert (plan["person"], plan["week_start"]) == (PERSON, monday)
        (item,) = weekly.get_plan(s, plan["id"])["items"]
        assert (item["text"], item["key_result_id"], item["kr_value"], item["done"]) == (ITEM, kr, 450, False)
        assert item["check_in_id"] == ci["id"]
        assert not [c for c in cis if c["key_result_id"] == other]
    finally:
        s.close()
