"""The 7-day setup as a new user walks it, in a real headless Chromium against a real server on an empty
database: in Chinese on a projector (1920×1080, projector mode), the key steps in English, and two people
saving the same key result at once.

Everything is done by clicking and typing in the pages; the database is only read, to check each step
landed. The running server holds DuckDB's file lock, so a step is read back from a copy of the file (and
its write-ahead log) taken while the app is idle; after the server stops the real file is read. Each step
leaves a screenshot in test-screenshots/walkthrough/ (git-ignored) to look at.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect

from strategy_core import quality
from strategy_core.plan import bsc, okr, onion, workspace
from strategy_core.routines import daily, risk, weekly
from strategy_core.track import tracking
from strategy_core.errors import StoreOpenError
from strategy_core.findings import PASS
from strategy_core.i18n import t
from strategy_core.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, browser, server, settle
from tests.conftest import TEST_PG, TODAY
from tests.test_browser_weekly import cell, enter_number, wait_selected

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-screenshots" / "walkthrough"
YEAR = TODAY.year
MONDAY = weekly.monday_of(TODAY)
DEADLINE = dt.date(YEAR, 12, 31)
# the body text of the page (not captions, not the sidebar): 24 px in projector mode
FONT = """Math.min(...Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'))
          .filter(p => !p.closest('[data-testid="stCaptionContainer"]') && !p.closest('[data-testid="stMetricLabel"]'))
          .map(p => parseFloat(getComputedStyle(p).fontSize)))"""


# -- reading the database ------------------------------------------------------------------------------

@contextmanager
def saved(db_location: Path):
    """The database as the app has committed it, opened briefly. While the server runs it holds DuckDB's
    lock on the file, so this reads a copy of the file and its write-ahead log (taken between two reruns,
    when nothing is being written)."""
    try:
        s = Store(db_location)
    except StoreOpenError:
        s = None
    if s is not None:
        try:
            yield s
        finally:
            s.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / db_location.name
        for suffix in ("", ".wal"):
            src = db_location.with_name(db_location.name + suffix)
            if src.exists():
                shutil.copyfile(src, copy.with_name(copy.name + suffix))
        s = Store(copy)
        try:
            yield s
        finally:
            s.close()


def audit(s: Store, entity: str, entity_id: int, action: str) -> list[dict]:
    return s.query("SELECT * FROM audit_event WHERE entity = ? AND entity_id = ? AND action = ? ORDER BY id",
                   [entity, entity_id, action])


def workbook_texts(path: Path) -> dict[str, list[str]]:
    """Every text cell of an .xlsx file, by sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
                for ws in wb.worksheets}
    finally:
        wb.close()


# -- driving the pages ------------------------------------------------------------------------------------

def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(960, 2)              # no hover tooltip or darkened button in the picture
    page.wait_for_timeout(150)
    page.screenshot(path=str(SHOTS / name), full_page=False)


@contextmanager
def on_failure_shot(page, name: str):
    """A failing step leaves a picture of the screen as it was (FAILED-<name>.png)."""
    try:
        yield
    except BaseException:
        try:
            shot(page, f"FAILED-{name}")
        except Exception:       # the page may be gone; the test's own error matters
            pass
        raise


def by_key(page, key: str):
    """A widget by its key (Streamlit puts `st-key-<key>` on its container)."""
    return page.locator(f".st-key-{key}")


def type_into(page, key: str, text: str) -> None:
    """Type into a text, number or text-area widget and leave it (Tab): the value is taken on blur."""
    box = by_key(page, key).locator("input, textarea").first
    box.fill(text)
    box.press("Tab")
    settle(page)
    expect(box).to_have_value(text)


def choose(page, key: str, option: str) -> None:
    """Pick *option* in a select box. Its arrow opens the list — but not always on the first click (seen
    after the rerun that follows a save: the click only focuses the box), so it is clicked until it opens."""
    item = page.get_by_role("option", name=option, exact=True)
    for attempt in range(4):
        by_key(page, key).locator('button[aria-haspopup="listbox"]').click()
        try:
            item.wait_for(timeout=2000)
            break
        except PlaywrightTimeout:
            if attempt == 3:
                raise
    item.click()
    settle(page)
    expect(by_key(page, key).get_by_role("combobox")).to_have_value(option)


def shown_choice(page, key: str):
    """What a select box shows."""
    return by_key(page, key).get_by_role("combobox")


def set_date(page, key: str, day: dt.date) -> None:
    """Type a date into a date input (year, month, day) and leave it: the date is taken on blur."""
    field = by_key(page, key)
    for part, value in (("year", f"{day.year:04d}"), ("month", f"{day.month:02d}"), ("day", f"{day.day:02d}")):
        field.locator(f'[role="spinbutton"][data-type="{part}"]').click()
        page.keyboard.type(value)
    page.locator("h1").first.click()          # somewhere harmless
    settle(page)
    expect(field.locator('input[type="date"]')).to_have_value(day.isoformat())


def click(page, key: str) -> None:
    by_key(page, key).locator("button").filter(visible=True).first.click()
    settle(page)


# Every toast the page shows, kept: a toast is gone after a few seconds, and on a busy machine the rerun that
# shows it can take most of them, so looking for it on screen afterwards may come too late.
_TOASTS = """() => {
  window.__toasts = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="stToast"]')) {
      if (!el.__seen) { el.__seen = true; window.__toasts.push(el); }
    }
  }).observe(document, {subtree: true, childList: true});
}"""


def keep_toasts(page) -> None:
    """Record the toasts of every page load from now on (call before the first goto)."""
    page.add_init_script(f"({_TOASTS})()")


def toast(page, text: str) -> None:
    """The page showed a new toast with *text*. It is closed then (its ✕), as a user may: while a toast is
    up, the same message from the next save does not come as a new toast but leaves the old one standing."""
    page.wait_for_function("t => window.__toasts.some(el => el.textContent.includes(t))", arg=text,
                           timeout=15_000)
    page.evaluate("""t => {
      window.__toasts.splice(0, window.__toasts.findIndex(el => el.textContent.includes(t)) + 1);
      document.querySelectorAll('[data-testid="stToast"] button[aria-label="Close"]').forEach(b => b.click());
    }""", text)


def no_toast(page, text: str) -> None:
    assert not page.evaluate("t => window.__toasts.some(el => el.textContent.includes(t))", text)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    settle(page)


def open_page(page, title: str, heading: str, *, close_sidebar: bool = False) -> None:
    """Go to a page the way a user does: the sidebar's navigation (opened first if it is closed)."""
    nav = page.get_by_test_id("stSidebarNav")
    if not nav.is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
        nav.wait_for()
    nav.get_by_text(title, exact=True).click()
    settle(page, 800)
    page.get_by_role("heading", name=heading).first.wait_for()
    if close_sidebar:                 # the room sees the page, not the menu
        page.get_by_test_id("stSidebar").hover()
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        nav.wait_for(state="hidden")


def create_workspace(page, tr, name: str, industry: str) -> None:
    """The create form on the home page of an empty database."""
    page.get_by_text(tr("home.empty")).wait_for()
    type_into(page, "home_new_ws__name", name)
    expect(by_key(page, "home_new_ws__year").locator("input")).to_have_value(str(YEAR))
    choose(page, "home_new_ws__industry", tr("industry." + industry))
    click(page, "home_ws_create")
    toast(page, tr("ws.created"))
    page.get_by_text(tr("home.caption", name=name, year=YEAR)).wait_for()
    page.get_by_role("heading", name=tr("home.seven_days")).wait_for()
    expect(page.get_by_text(tr("home.empty"))).to_have_count(0)


def add_objective(page, tr, title: str, owner: str) -> None:
    """On the OKR page: the New objective tab, a company objective."""
    open_tab(page, tr("okr.tab.new"))
    expect(shown_choice(page, "okr_new_obj__level")).to_have_value(tr("okr.level.company"))
    type_into(page, "okr_new_obj__title", title)
    type_into(page, "okr_new_obj__owner", owner)
    click(page, "okr_new_obj_save")
    toast(page, tr("okr.objective_added"))


def kr_texts(lang: str) -> tuple[str, str]:
    """What the KR quality check says about a KR without a deadline (time-bound, completeness)."""
    return (t("quality.kr.time_bound.no_deadline", lang),
            t("quality.kr.complete.missing", lang, fields=quality.FieldList(["deadline"])))


# -- 1. the whole setup in Chinese, on a projector --------------------------------------------------------

WS_ZH = "晨光便利店 2026 年度计划"
ROOT_NODE, CHILD_NODE = "年度营收", "门店零售"
OBJ_ZH = "让会员每周都回来买"
OWNER_ZH = "王敏"
KR_ZH = "会员月复购率从 20% 到 35%"
CHECKIN_NOTE = "九月会员日带动复购"
HELP_ZH = "需要市场部每周出一次会员日海报"
RISK_ZH = "核心门店租约到期"


def test_the_seven_day_setup_in_zh_on_a_projector(db_location, tmp_path):
    tr = lambda key, **p: t(key, "zh", **p)
    with server(db_location) as url, browser("zh-CN") as page, on_failure_shot(page, "zh.png"):
        keep_toasts(page)
        page.goto(url + "/?projector=1")
        settle(page, 1500)
        assert page.evaluate(FONT) >= 24                         # projector mode is on
        expect(page.get_by_test_id("stSidebarNav")).to_be_hidden()   # …and the sidebar closed at start

        # a. the workspace, from the home page's create form
        create_workspace(page, tr, WS_ZH, "retail")
        with saved(db_location) as s:
            (ws,) = s.list_workspaces()
            assert (ws["name"], ws["year"], ws["industry"], ws["language"]) == (WS_ZH, YEAR, "retail", "zh")
            wid = ws["id"]
        assert f"ws={wid}" in page.url and "lang=zh" in page.url and "projector=1" in page.url
        shot(page, "01-workspace-zh.png")

        # b. peel the onion: the annual revenue, then a node under it
        open_page(page, tr("nav.onion"), tr("onion.title"), close_sidebar=True)
        page.get_by_text(tr("onion.empty")).wait_for()
        expect(by_key(page, "onion_root__name").locator("input")).to_have_value(tr("onion.default_root"))
        type_into(page, "onion_root__amount", "12000000.00")
        click(page, "onion_root_save")
        toast(page, tr("common.saved"))
        page.get_by_role("heading", name=tr("onion.financial_layer")).wait_for()
        with saved(db_location) as s:
            (root,) = onion.list_nodes(s, wid)
            assert (root["name"], root["parent_id"], root["kind"], root["amount"]) == (ROOT_NODE, None, "amount",
                                                                                      12_000_000)
        page.get_by_text(tr("onion.add_child", name=ROOT_NODE)).wait_for()
        type_into(page, f"onion_add_{root['id']}__name", CHILD_NODE)
        expect(shown_choice(page, f"onion_add_{root['id']}__kind")).to_have_value(tr("onion.kind.share"))
        type_into(page, f"onion_add_{root['id']}__share", "60.00")
        click(page, f"onion_add_btn_{root['id']}")
        toast(page, tr("common.saved"))
        table = page.get_by_test_id("stDataFrame").first
        table.locator("td", has_text=CHILD_NODE).first.wait_for(state="attached")   # the new row
        with saved(db_location) as s:
            nodes = onion.list_nodes(s, wid)
            assert [(n["name"], n["parent_id"], n["kind"], n["share"]) for n in nodes] == [
                (ROOT_NODE, None, "amount", None), (CHILD_NODE, root["id"], "share", 60)]
        page.get_by_role("heading", name=tr("onion.table")).scroll_into_view_if_needed()
        shot(page, "02-onion-zh.png")

        # c. the OKRs: a company objective and a key result (left without a deadline)
        open_page(page, tr("nav.okr"), tr("okr.title"), close_sidebar=True)
        page.get_by_text(tr("okr.empty")).first.wait_for()
        add_objective(page, tr, OBJ_ZH, OWNER_ZH)
        with saved(db_location) as s:
            (obj,) = okr.list_objectives(s, wid)
            assert (obj["title"], obj["level"], obj["owner"]) == (OBJ_ZH, "company", OWNER_ZH)
        oid = obj["id"]
        open_tab(page, tr("okr.tab.edit"))
        expect(shown_choice(page, "okr_selected")).to_have_value(f"[{tr('okr.level.company')}] {OBJ_ZH}")
        new = f"okr_kr_new_{oid}"
        expect(by_key(page, f"{new}__owner").locator("input")).to_have_value(OWNER_ZH)   # from the objective
        type_into(page, f"{new}__statement", KR_ZH)
        type_into(page, f"{new}__unit", "%")
        type_into(page, f"{new}__baseline", "20")
        type_into(page, f"{new}__target", "35")
        no_deadline, incomplete = kr_texts("zh")
        page.get_by_text(tr("okr.live_check")).wait_for()
        page.get_by_text(no_deadline).first.wait_for()            # the live check, before anything is saved
        page.get_by_text(incomplete).first.scroll_into_view_if_needed()
        shot(page, "03-okr-zh.png")
        click(page, f"okr_kr_add_{oid}")
        toast(page, tr("common.saved"))
        with saved(db_location) as s:
            (kr,) = okr.list_key_results(s, wid)
            assert (kr["statement"], kr["objective_id"], kr["baseline"], kr["target"], kr["unit"], kr["owner"],
                    kr["deadline"], kr["direction"]) == (KR_ZH, oid, 20, 35, "%", OWNER_ZH, None, "up")
            assert "quality.kr.time_bound.no_deadline" in {f.message for f in quality.check_key_result(kr, YEAR)}
        kid = kr["id"]
        page.get_by_text(tr("okr.krs_of", count=1)).wait_for()
        kr_table = page.get_by_test_id("stDataFrame").nth(1)
        kr_table.locator("td", has_text=KR_ZH).first.wait_for(state="attached")

        # d. the finding: open the KR, see it, set the deadline, see it go
        choose(page, f"okr_kr_sel_{oid}", KR_ZH)
        page.get_by_text(tr("okr.edit_kr")).wait_for()
        form = f"okr_kr_{kid}"
        expect(by_key(page, f"{form}__statement").locator("textarea")).to_have_value(KR_ZH)
        finding = page.get_by_text(no_deadline)
        expect(finding).to_have_count(1)
        expect(page.get_by_text(incomplete)).to_have_count(1)
        finding.scroll_into_view_if_needed()
        shot(page, "04-finding-zh.png")
        set_date(page, f"{form}__deadline", DEADLINE)
        expect(page.get_by_text(no_deadline)).to_have_count(0)       # the live check follows the field
        click(page, f"okr_kr_save_{kid}")
        toast(page, tr("common.saved"))
        expect(page.get_by_text(no_deadline)).to_have_count(0)
        expect(page.get_by_text(incomplete)).to_have_count(0)
        expect(by_key(page, f"{form}__deadline").locator('input[type="date"]')).to_have_value(DEADLINE.isoformat())
        with saved(db_location) as s:
            kr = s.row("key_result", kid)
            assert kr["deadline"] == DEADLINE
            verdicts = {f.rule: f.severity for f in quality.check_key_result(kr, YEAR)}
            assert verdicts["kr.time_bound"] == PASS and verdicts["kr.complete"] == PASS
            assert len(audit(s, "key_result", kid, "key_result.update")) == 1
        page.get_by_text(tr("okr.live_check")).scroll_into_view_if_needed()
        shot(page, "05-fixed-zh.png")

        # e. the scorecard: the retail template
        open_page(page, tr("nav.scorecard"), tr("bsc.title"), close_sidebar=True)
        page.get_by_text(tr("bsc.empty")).first.wait_for()
        template = bsc.templates()["retail"]
        choose(page, "bsc_template", template["name"]["zh"])
        click(page, "bsc_apply_template")
        n = len(template["indicators"])
        toast(page, tr("bsc.template_applied", added=n, kept=0))
        names = [r["name"] for r in bsc.template_rows("retail", "zh")]
        for name in names:
            page.get_by_test_id("stDataFrame").locator("td", has_text=name).first.wait_for(state="attached")
        page.get_by_role("heading", name=f"{tr('bsc.perspective.process')} (2)").wait_for()
        with saved(db_location) as s:
            indicators = bsc.list_indicators(s, wid)
            assert [i["name"] for i in indicators] == names
            assert {i["template"].split(".")[0] for i in indicators} == {"retail"}
        page.get_by_role("heading", name=f"{tr('bsc.perspective.customer')} (2)").scroll_into_view_if_needed()
        shot(page, "06-scorecard-zh.png")

        # f. a check-in on the KR
        open_page(page, tr("nav.checkins"), tr("track.title"), close_sidebar=True)
        expect(shown_choice(page, "track_kr")).to_have_value(f"{KR_ZH} — {OWNER_ZH}")
        ci = f"track_ci_{kid}"
        expect(by_key(page, f"{ci}__date").locator('input[type="date"]')).to_have_value(TODAY.isoformat())
        type_into(page, f"{ci}__value", "24")
        type_into(page, f"{ci}__note", CHECKIN_NOTE)
        click(page, f"track_ci_save_{kid}")
        toast(page, tr("common.saved"))
        page.get_by_text(tr("track.kr_caption", baseline="20", target="35", unit="%",
                            deadline=DEADLINE.isoformat(), last="24", last_date=TODAY.isoformat())).wait_for()
        editor = page.get_by_test_id("stDataFrame").first
        editor.locator("td", has_text=CHECKIN_NOTE).first.wait_for(state="attached")
        with saved(db_location) as s:
            (c,) = tracking.list_check_ins(s, wid)
            assert (c["key_result_id"], c["date"], c["value"], c["note"]) == (kid, TODAY, 24, CHECKIN_NOTE)
        editor.scroll_into_view_if_needed()
        shot(page, "07-checkin-zh.png")

        # g. the weekly plan of the KR's owner, this week
        open_page(page, tr("nav.weekly"), tr("weekly.title"), close_sidebar=True)
        expect(shown_choice(page, "weekly_pick__person")).to_have_value(OWNER_ZH)
        page.get_by_text(tr("weekly.no_plan", person=OWNER_ZH, week=MONDAY.isoformat())).wait_for()
        click(page, "weekly_start")
        toast(page, tr("weekly.started"))
        page.get_by_role("heading", name=tr("weekly.plan_title", person=OWNER_ZH, week=MONDAY.isoformat())).wait_for()
        with saved(db_location) as s:
            (plan,) = weekly.list_plans(s, wid)
            assert (plan["person"], plan["week_start"]) == (OWNER_ZH, MONDAY)
        pid = plan["id"]
        type_into(page, f"weekly_plan_{pid}__last_week_result", "复购率从 20% 到 24%")
        type_into(page, f"weekly_plan_{pid}__help_needed", HELP_ZH)
        click(page, f"weekly_save_{pid}")
        toast(page, tr("common.saved"))
        open_tab(page, tr("weekly.tab.week", week=MONDAY.isoformat()))
        page.get_by_text(tr("weekly.all_filed", week=MONDAY.isoformat())).wait_for()   # everyone who owns a KR
        asks = page.get_by_role("tabpanel").filter(visible=True).get_by_role("listitem")
        expect(asks.filter(has_text=HELP_ZH)).to_have_text(f"{OWNER_ZH}：{HELP_ZH}")   # who asks for help
        with saved(db_location) as s:
            plan = weekly.get_plan(s, pid)
            assert (plan["help_needed"], plan["last_week_result"]) == (HELP_ZH, "复购率从 20% 到 24%")
        shot(page, "08-weekly-zh.png")

        # h. today's daily data report: the stock-out rate (a daily indicator) is read, then it is submitted
        open_page(page, tr("nav.daily"), tr("daily.title"), close_sidebar=True)
        page.get_by_text(tr("daily.no_report", day=TODAY.isoformat(), owner=tr("daily.whole_company"))).wait_for()
        click(page, "daily_start")
        toast(page, tr("daily.started"))
        page.get_by_role("heading", name=tr("daily.report_title", day=TODAY.isoformat(),
                                            owner=tr("daily.whole_company"))).wait_for()
        page.get_by_text(tr("daily.draft")).wait_for()
        with saved(db_location) as s:
            (report,) = daily.list_reports(s, wid)
            assert (report["day"], report["owner"], report["submitted_at"]) == (TODAY, None, None)
        rid = report["id"]
        stockout = names.index("缺货率")
        grid = page.get_by_test_id("stDataFrame").first
        cell(grid, 0, stockout).wait_for(state="attached")
        assert cell(grid, 0, stockout).text_content() == "缺货率"
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        row_h = box["height"] / (len(names) + 1)                # the header and one line per indicator
        page.mouse.click(box["x"] + 40, box["y"] + row_h * (stockout + 1.5))
        wait_selected(grid, 0, stockout)
        for _ in range(3):                                     # indicator → target → frequency → value
            page.keyboard.press("ArrowRight")
        enter_number(page, grid, 3, stockout, "3")
        settle(page)
        click(page, f"daily_submit_{rid}")
        toast(page, tr("daily.submitted"))
        grid = page.get_by_test_id("stDataFrame").first
        cell(grid, 5, stockout).wait_for(state="attached")
        assert cell(grid, 3, stockout).text_content() == "3"
        assert "🟢" in cell(grid, 5, stockout).text_content()
        with saved(db_location) as s:
            report = s.row("daily_report", rid)
            assert report["submitted_at"] is not None
            (reading,) = tracking.list_readings(s, wid)
            assert (reading["indicator_id"], reading["date"], reading["value"], reading["daily_report_id"]) == (
                indicators[stockout]["id"], TODAY, 3, rid)
        page.get_by_text(tr("daily.submitted_at", at=report["submitted_at"].strftime("%Y-%m-%d %H:%M"))).wait_for()
        page.get_by_role("heading", name=tr("daily.report_title", day=TODAY.isoformat(),
                                            owner=tr("daily.whole_company"))).scroll_into_view_if_needed()
        shot(page, "09-daily-zh.png")

        # i. a risk, red and TOP
        open_page(page, tr("nav.risks"), tr("risk.title"), close_sidebar=True)
        page.get_by_text(tr("risk.empty")).first.wait_for()
        open_tab(page, tr("risk.tab.new"))
        type_into(page, "risk_new__name", RISK_ZH)
        by_key(page, "risk_new__level").get_by_text(tr("risk.level.red")).click()
        settle(page)
        by_key(page, "risk_new__top").get_by_text(tr("field.top")).click()
        settle(page)
        type_into(page, "risk_new__owner", OWNER_ZH)
        click(page, "risk_add")
        toast(page, tr("common.saved"))
        page.get_by_role("heading", name=tr("risk.register", top=1, max=risk.TOP_MAX)).wait_for()
        register = page.get_by_test_id("stDataFrame").first
        register.locator("td", has_text=RISK_ZH).first.wait_for(state="attached")
        with saved(db_location) as s:
            (r,) = risk.list_risks(s, wid)
            assert (r["name"], r["level"], r["top"], r["owner"]) == (RISK_ZH, "red", True, OWNER_ZH)
        page.get_by_role("heading", name=tr("risk.register", top=1, max=risk.TOP_MAX)).scroll_into_view_if_needed()
        shot(page, "10-risk-zh.png")

        # j. the whole workbook, from the Workspaces page
        open_page(page, tr("nav.workspaces"), tr("ws.title"), close_sidebar=True)
        page.get_by_text(tr("xlui.workbook_caption", date=TODAY.isoformat())).scroll_into_view_if_needed()
        button = by_key(page, "xl_workbook_zh").locator("button").filter(visible=True).first   # (a second copy is hidden)
        expect(button).to_contain_text(tr("xlui.workbook", language="中文"))
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename.endswith(".xlsx") and WS_ZH in download.suggested_filename
        xlsx = tmp_path / download.suggested_filename
        download.save_as(xlsx)
        settle(page)
        shot(page, "11-export-zh.png")

    texts = workbook_texts(xlsx)
    assert any(OBJ_ZH in v for v in texts[t("xl.sheet.okr", "zh")]), texts.keys()
    assert any(KR_ZH in v for v in texts[t("xl.sheet.okr", "zh")])
    assert any(RISK_ZH in v for vs in texts.values() for v in vs)
    # the server is gone: the file itself holds every step, each written once
    s = Store(db_location)
    try:
        assert [w["name"] for w in s.list_workspaces()] == [WS_ZH]
        assert len(onion.list_nodes(s, wid)) == 2 and len(okr.list_objectives(s, wid)) == 1
        (kr,) = okr.list_key_results(s, wid)
        assert kr["deadline"] == DEADLINE
        assert len(bsc.list_indicators(s, wid)) == len(names)
        assert len(tracking.list_check_ins(s, wid)) == 1 and len(weekly.list_plans(s, wid)) == 1
        assert s.row("daily_report", rid)["submitted_at"] is not None
        assert [r["name"] for r in risk.list_risks(s, wid)] == [RISK_ZH]
    finally:
        s.close()


# -- 2. the key steps in English ---------------------------------------------------------------------------

WS_EN = "Sunrise Corner Stores 2026"
OBJ_EN = "Make our members come back every week"
OWNER_EN = "Mia"
KR_EN = "Monthly member repeat rate from 20% to 35%"


def test_key_steps_in_en(db_location):
    tr = lambda key, **p: t(key, "en", **p)
    with server(db_location) as url, browser("en-US") as page, on_failure_shot(page, "en.png"):
        keep_toasts(page)
        page.goto(url)
        settle(page, 1500)
        page.get_by_role("heading", name=tr("home.title")).wait_for()
        assert page.evaluate(FONT) < 20                          # the desk size: no projector here

        create_workspace(page, tr, WS_EN, "retail")
        with saved(db_location) as s:
            (ws,) = s.list_workspaces()
            assert (ws["name"], ws["year"], ws["industry"], ws["language"]) == (WS_EN, YEAR, "retail", "en")
            wid = ws["id"]
        shot(page, "01-workspace-en.png")

        open_page(page, tr("nav.okr"), tr("okr.title"))
        add_objective(page, tr, OBJ_EN, OWNER_EN)
        with saved(db_location) as s:
            (obj,) = okr.list_objectives(s, wid)
            assert (obj["title"], obj["level"], obj["owner"]) == (OBJ_EN, "company", OWNER_EN)
        oid = obj["id"]
        open_tab(page, tr("okr.tab.edit"))
        new = f"okr_kr_new_{oid}"
        type_into(page, f"{new}__statement", KR_EN)
        type_into(page, f"{new}__unit", "%")
        type_into(page, f"{new}__baseline", "20")
        type_into(page, f"{new}__target", "35")
        set_date(page, f"{new}__deadline", DEADLINE)
        no_deadline, incomplete = kr_texts("en")
        page.get_by_text(tr("okr.live_check")).wait_for()
        expect(page.get_by_text(no_deadline)).to_have_count(0)
        expect(page.get_by_text(incomplete)).to_have_count(0)
        click(page, f"okr_kr_add_{oid}")
        toast(page, tr("common.saved"))
        page.get_by_text(tr("okr.krs_of", count=1)).wait_for()
        page.get_by_test_id("stDataFrame").nth(1).locator("td", has_text=KR_EN).first.wait_for(state="attached")
        with saved(db_location) as s:
            (kr,) = okr.list_key_results(s, wid)
            assert (kr["statement"], kr["objective_id"], kr["baseline"], kr["target"], kr["deadline"],
                    kr["owner"]) == (KR_EN, oid, 20, 35, DEADLINE, OWNER_EN)
        kid = kr["id"]
        page.get_by_text(tr("okr.krs_of", count=1)).scroll_into_view_if_needed()
        shot(page, "02-okr-en.png")

        open_page(page, tr("nav.checkins"), tr("track.title"))
        ci = f"track_ci_{kid}"
        type_into(page, f"{ci}__value", "24")
        type_into(page, f"{ci}__note", "September member day")
        click(page, f"track_ci_save_{kid}")
        toast(page, tr("common.saved"))
        page.get_by_text(tr("track.kr_caption", baseline="20", target="35", unit="%",
                            deadline=DEADLINE.isoformat(), last="24", last_date=TODAY.isoformat())).wait_for()
        with saved(db_location) as s:
            (c,) = tracking.list_check_ins(s, wid)
            assert (c["key_result_id"], c["date"], c["value"], c["note"]) == (kid, TODAY, 24, "September member day")
        shot(page, "03-checkin-en.png")

    s = Store(db_location)
    try:
        assert [w["name"] for w in s.list_workspaces()] == [WS_EN]
        assert [k["statement"] for k in okr.list_key_results(s, wid)] == [KR_EN]
        assert [c["value"] for c in tracking.list_check_ins(s, wid)] == [24]
    finally:
        s.close()


# -- 3. two people save the same KR at once -------------------------------------------------------------------

KR_SHARED = "Cafés stocking our beans from 12 to 20 by year end"


def test_two_browsers_edit_the_same_kr_at_once(db_location):
    from playwright.sync_api import sync_playwright
    tr = lambda key, **p: t(key, "en", **p)
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme Coffee", "year": YEAR})
    oid = okr.add_objective(s, wid, {"level": "company", "title": "Get our beans into every good café",
                                     "owner": "Founder"})
    kid = okr.add_key_result(s, oid, {"statement": KR_SHARED, "unit": "cafés", "baseline": 12, "target": 20,
                                      "deadline": DEADLINE.isoformat(), "owner": "Marco"})
    assert audit(s, "key_result", kid, "key_result.update") == []
    s.close()
    form = f"okr_kr_{kid}"
    with ExitStack() as servers, sync_playwright() as p:
        # on PostgreSQL each person is served by a replica of their own (two Streamlit processes)
        urls = [servers.enter_context(server(db_location)) for _ in range(2 if TEST_PG else 1)]
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = []
            for n in range(2):                                  # two people, two sessions
                url = urls[n % len(urls)]
                ctx = b.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
                ctx.set_default_timeout(30_000)
                page = ctx.new_page()
                keep_toasts(page)
                page.goto(f"{url}/okr?ws={wid}")
                settle(page, 1500)
                page.get_by_role("heading", name=tr("okr.title")).wait_for()
                open_tab(page, tr("okr.tab.edit"))
                choose(page, f"okr_kr_sel_{oid}", KR_SHARED)
                page.get_by_text(tr("okr.edit_kr")).wait_for()
                expect(by_key(page, f"{form}__target").locator("input")).to_have_value("20")
                pages.append(page)
            first, second = pages
            type_into(first, f"{form}__target", "25")
            type_into(second, f"{form}__target", "30")

            click(first, f"okr_kr_save_{kid}")
            toast(first, tr("common.saved"))
            expect(first.get_by_text(tr("store.error.changed"))).to_have_count(0)

            click(second, f"okr_kr_save_{kid}")
            conflict = second.get_by_text(tr("store.error.changed"))
            conflict.wait_for()
            # next to the form: the smallest block holding the message and the KR's Save button is the KR's
            # own box (its fields, not the objective's form above it)
            box = second.get_by_test_id("stVerticalBlock").filter(has=by_key(second, f"okr_kr_save_{kid}")).filter(
                has=second.get_by_text(tr("store.error.changed"))).last
            expect(box.get_by_text(tr("store.error.changed"))).to_have_count(1)
            expect(box.locator(f".st-key-{form}__statement")).to_have_count(1)
            expect(box.locator(f".st-key-okr_obj_save_{oid}")).to_have_count(0)
            expect(box.locator(f".st-key-{form}__target input")).to_have_value("30")     # their input is kept
            take = box.get_by_role("button", name=tr("form.take_saved"))
            expect(take).to_be_visible()
            no_toast(second, tr("common.saved"))
            with saved(db_location) as s:
                assert s.row("key_result", kid)["target"] == 25
            conflict.scroll_into_view_if_needed()
            shot(second, "conflict-en.png")

            take.click()                                          # the saved version, in place of theirs
            settle(second)
            expect(by_key(second, f"{form}__target").locator("input")).to_have_value("25")
            expect(second.get_by_text(tr("store.error.changed"))).to_have_count(0)
            expect(second.get_by_role("button", name=tr("form.take_saved"))).to_have_count(0)
        finally:
            b.close()

    s = Store(db_location)
    try:
        k = s.row("key_result", kid)
        assert (k["target"], k["baseline"], k["statement"], k["deadline"]) == (25, 12, KR_SHARED, DEADLINE)
        (event,) = audit(s, "key_result", kid, "key_result.update")       # one change, the first person's
        before, after = json.loads(event["before"]), json.loads(event["after"])
        assert (before["target"], after["target"]) == (20, 25)
        assert {f for f in after if after[f] != before[f]} == {"target"}       # nothing of the second's
    finally:
        s.close()
