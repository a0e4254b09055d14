"""(d) What a person feels: the workbench on a real server, started as ``make run`` starts it
(``streamlit run app.py`` with the repository's .streamlit/config.toml), driven by Playwright in
Debian's Chromium, beside a bare one-widget Streamlit app started the same way in the same run.

* rerun — a widget change on the monitoring board that redraws the same charts (the drill-down's
  level chosen in its select box: the usual kind of click on the board) until the script is idle again
  and the browser has painted, vs the same app with an empty page in the board's place (app.py as
  it is: navigation, sidebar, language, workspace; the page holds only a select box and a toggle of
  the same keys), and vs the bare app (its toggle);
* show all indicators — the board's toggle that draws the other 28 indicator charts (on) and takes
  them away (off), vs the empty page's toggle: what a rerun costs when the browser draws more;
* cold load — a new browser opening the board until it is idle and painted, vs the bare app
  (the very first load after the server starts is reported on its own: it imports and warms up),
  and vs a page with one metric, one grid and one chart (the code Streamlit's browser side loads
  for those kinds of element on first use: a floor under any such page);
* memory — the server's resident memory with the board open in 1 and in 5 sessions at once.

Goals (issue #11): rerun ≤ 1.5× the same app with an empty page, cold load ≤ 2×, memory with 5 sessions ≤ 250 MB.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RERUN_GOAL, LOAD_GOAL, MEMORY_GOAL_MB = 1.5, 2.0, 250

EMPTY_PAGE = """import streamlit as st

st.selectbox("Level", ["Company", "Department", "Employee"], key="board_drill_level")
st.toggle("Show all", key="board_all_ind")
"""

BARE_APP = """import streamlit as st

st.title("Bare app")
on = st.toggle("Show all", key="bare_all")
st.write("on" if on else "off")
"""

# Streamlit's own floor under a page like the board: the same kinds of element (a metric, a grid, a
# Vega-Lite chart), one each. Their code is loaded by the browser on first use, so a cold load of
# any page that shows them pays it; the board's cold load is read against this as well as the bare app.
FLOOR_APP = """import pandas as pd
import streamlit as st

st.title("One of each")
st.metric("KR", 3)
st.dataframe(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
st.vega_lite_chart(pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]}), {"mark": "line", "encoding": {
    "x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}})
"""

# Click the toggle inside the page and time it there: from the click to the last change the rerun
# makes to the page, plus the two animation frames the browser takes to paint it. The run is over
# when the app says it is not running and nothing has changed for QUIET ms (a quick run can go from
# running to idle inside one render, so "running" is not always seen; the quiet time is not counted).
_CLICK = """async ([selector, index]) => {
  const QUIET = 500;
  const app = document.querySelector('[data-testid="stApp"]');
  const box = document.querySelectorAll(selector)[index];
  let last = 0, started = false;
  const obs = new MutationObserver(() => {
    last = performance.now();
    if (app.getAttribute('data-test-script-state') === 'running') started = true;
  });
  obs.observe(app, {attributes: true, childList: true, subtree: true, characterData: true});
  const t0 = performance.now();
  box.click();
  await new Promise(resolve => {
    const poll = () => {
      const idle = app.getAttribute('data-test-script-state') === 'notRunning';
      if (idle && last > 0 && performance.now() - last >= QUIET) return resolve();
      if (performance.now() - t0 > 120000) return resolve();
      setTimeout(poll, 20);
    };
    poll();
  });
  obs.disconnect();
  if (last === 0) last = performance.now();     // (no change seen in two minutes: counted as two minutes)
  const p0 = performance.now();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return ((last - t0) + (performance.now() - p0)) / 1000;
}"""


@contextmanager
def streamlit_server(script: Path, db: Path | None, cwd: Path) -> Iterator[tuple[str, int]]:
    """``streamlit run script`` as make run does; yields (base URL, server pid)."""
    from tests.browser import free_port, streamlit_process
    port = free_port()
    env = {**os.environ, **({"WORKBENCH_DB": str(db)} if db else {})}
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.headless", "true"]
    with tempfile.TemporaryDirectory(prefix="bench-server-") as logs, \
            streamlit_process(cmd, port=port, env=env, cwd=cwd, log_path=Path(logs) / "server.log") as (url, proc):
        yield url, proc.pid


def same_app_with_an_empty_page(into: Path) -> Path:
    """The workbench's app.py with an empty page where the board is (the rest of the tree linked in)."""
    for name in ("strategy_core", "ui", "pages", ".streamlit"):
        (into / name).symlink_to(ROOT / name)
    (into / "empty_page.py").write_text(EMPTY_PAGE, encoding="utf-8")
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert 'st.Page("pages/board.py"' in app
    (into / "app.py").write_text(app.replace('st.Page("pages/board.py"', 'st.Page("empty_page.py"'), encoding="utf-8")
    return into / "app.py"


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process, in MB, from /proc: all of it (VmRSS), or only its private part
    (RssAnon: not the shared libraries' pages, which the system shares and can drop)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no " + field)


def _median(runs: list[float]) -> dict[str, Any]:
    return {"median": round(statistics.median(runs), 4), "runs": [round(r, 4) for r in runs]}


def _load(browser, url: str, wait_for: str) -> tuple[Any, Any, float]:
    """A new browser context opening *url*: seconds until the app is idle with *wait_for* shown, painted."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(wait_for, timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return ctx, page, time.perf_counter() - t0


def _toggle(page, key: str) -> float:
    """Click the toggle *key*: seconds until the rerun is idle and painted."""
    return page.evaluate(_CLICK, [f".st-key-{key} input", 0])


def _choose(page, key: str, n: int) -> float:
    """Open the select box *key* (not timed), then choose its option *n*: seconds until idle and painted."""
    page.wait_for_selector(IDLE)
    for attempt in range(4):    # a click while the page is still settling can be swallowed: open it again
        page.click(f".st-key-{key} button[aria-haspopup='listbox']")
        try:
            page.wait_for_selector("[role='option']", timeout=5_000)
            break
        except Exception:
            if attempt == 3:
                raise
    return page.evaluate(_CLICK, ["[role='option']", n])


def _reruns(page, key: str, repeats: int) -> list[float]:
    _toggle(page, key)          # warm-up
    return [_toggle(page, key) for _ in range(repeats)]


def _choices(page, key: str, repeats: int) -> list[float]:
    """Reruns by a choice in a select box that changes no chart: the second option, the first, …
    (the drill-down's level: every workspace the benchmark makes has more than one)"""
    _choose(page, key, 1)       # warm-up
    return [_choose(page, key, n % 2) for n in range(repeats)]


def _toggles_both_ways(page, key: str, repeats: int) -> tuple[list[float], list[float]]:
    """The toggle switched on and off *repeats* times each: (on runs, off runs)."""
    _toggle(page, key), _toggle(page, key)      # warm-up
    runs = [_toggle(page, key) for _ in range(2 * repeats)]
    return runs[0::2], runs[1::2]


def measure_live(db: Path, wid: int, repeats: int, say: Callable[[str], None]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright
    board_url = lambda base: f"{base}/board?ws={wid}&lang=en"
    board_ready = '[data-testid="stVegaLiteChart"]'
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bare-app-") as tmp, sync_playwright() as p:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            say("    bare app: cold loads and reruns …")
            with streamlit_server(bare, None, Path(tmp)) as (url, pid):
                ctx, page, first = _load(browser, url, ".st-key-bare_all")
                bare_rerun = _reruns(page, "bare_all", repeats)
                ctx.close()
                bare_loads = []
                for _ in range(repeats):
                    ctx, _, s = _load(browser, url, ".st-key-bare_all")
                    bare_loads.append(s)
                    ctx.close()
                bare_rss = rss_mb(pid)
            say("    one metric, grid and chart (Streamlit's floor for such a page): cold loads …")
            floor = Path(tmp) / "floor.py"
            floor.write_text(FLOOR_APP, encoding="utf-8")
            with streamlit_server(floor, None, Path(tmp)) as (url, pid):
                _load(browser, url, board_ready)[0].close()
                floor_loads = []
                for _ in range(repeats):
                    ctx, _, s = _load(browser, url, board_ready)
                    floor_loads.append(s)
                    ctx.close()
            say("    the same app with an empty page where the board is: reruns …")
            same = Path(tmp) / "same"
            same.mkdir()
            with streamlit_server(same_app_with_an_empty_page(same), db, same) as (url, pid):
                ctx, page, _ = _load(browser, board_url(url), ".st-key-board_all_ind")
                empty_rerun = _choices(page, "board_drill_level", repeats)
                empty_on, empty_off = _toggles_both_ways(page, "board_all_ind", repeats)
                ctx.close()
            say("    the workbench (make run) on the large workspace: cold loads, reruns, memory …")
            with streamlit_server(ROOT / "app.py", db, ROOT) as (url, pid):
                ctx, page, board_first = _load(browser, board_url(url), board_ready)
                board_rerun = _choices(page, "board_drill_level", repeats)
                board_on, board_off = _toggles_both_ways(page, "board_all_ind", repeats)
                rss_1 = rss_mb(pid)
                ctx.close()
                board_loads = []
                for _ in range(repeats):
                    ctx, _, s = _load(browser, board_url(url), board_ready)
                    board_loads.append(s)
                    ctx.close()
                sessions = [_load(browser, board_url(url), board_ready)[:2] for _ in range(5)]
                rss_5 = rss_mb(pid)
                private_5 = rss_mb(pid, "RssAnon")
                for ctx, _ in sessions:
                    ctx.close()
        finally:
            browser.close()
    rerun_x = round(statistics.median(board_rerun) / statistics.median(empty_rerun), 2)
    load_x = round(statistics.median(board_loads) / statistics.median(bare_loads), 2)
    out.update({
        "board_rerun_s": _median(board_rerun), "empty_page_rerun_s": _median(empty_rerun),
        "bare_rerun_s": _median(bare_rerun),
        "rerun_vs_empty_page": rerun_x, "rerun_goal": RERUN_GOAL, "rerun_goal_met": rerun_x <= RERUN_GOAL,
        "rerun_vs_bare": round(statistics.median(board_rerun) / statistics.median(bare_rerun), 2),
        "show_all_indicators_on_s": _median(board_on), "show_all_indicators_off_s": _median(board_off),
        "empty_page_toggle_on_s": _median(empty_on), "empty_page_toggle_off_s": _median(empty_off),
        "show_all_indicators_on_vs_empty_page": round(statistics.median(board_on) / statistics.median(empty_on), 2),
        "show_all_indicators_off_vs_empty_page": round(statistics.median(board_off) / statistics.median(empty_off), 2),
        "board_cold_load_s": _median(board_loads), "bare_cold_load_s": _median(bare_loads),
        "cold_load_vs_bare": load_x, "floor_cold_load_s": _median(floor_loads),
        "cold_load_vs_floor": round(statistics.median(board_loads) / statistics.median(floor_loads), 2), "cold_load_goal": LOAD_GOAL, "cold_load_goal_met": load_x <= LOAD_GOAL,
        "board_first_load_after_start_s": round(board_first, 3), "bare_first_load_after_start_s": round(first, 3),
        "server_rss_mb": {"bare": bare_rss, "board_1_session": rss_1, "board_5_sessions": rss_5,
                          "board_5_sessions_private": private_5},
        "memory_goal_mb": MEMORY_GOAL_MB, "memory_goal_met": rss_5 <= MEMORY_GOAL_MB,
    })
    return out
