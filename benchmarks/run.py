"""The benchmark: ``python -m benchmarks`` (``make bench``). Prints one JSON document on stdout
(progress goes to stderr); every figure sits next to a baseline measured in the same run.

(a) Roll-up. The time to read the workspace (``monitor.snapshot``) and, separately, to compute
    status and progress of every KR, objective and indicator (``monitor.board(snapshot, on)``),
    against the same roll-up written the straightforward pandas way (benchmarks/baseline.py) from
    DataFrames that already hold proper dtypes. Goal: ``board`` ≤ the pandas roll-up. Building
    those DataFrames from the snapshot is reported beside it but not charged to pandas.
(b) Page. One full rerun of the monitoring board (app.py + pages/board.py through AppTest, as
    tests/apptest.py drives it) on the generated database, against one rerun of an empty page
    (a minimal ``AppTest.from_string`` script). Goal: board rerun < 10 × the empty page.

(c) Excel (benchmarks/excel.py). The styled export of every sheet against ``DataFrame.to_excel``
    (openpyxl engine, unstyled) of the same rows; the import plan of that workbook (bounded
    reading, header matching, every row checked and compared) against ``pandas.read_excel`` of
    the same file. Goals: export ≤ to_excel; import ≤ read_excel.

Each figure is the median of ``--repeats`` runs (default 5) after one untimed warm-up run.
The page part adds what-ifs that show where a rerun goes (not goal figures): the board with its
charts stubbed out; app.py alone with the page's script skipped (the floor under every page of the
app); and the compiling of app.py and pages/board.py that AppTest repeats on every run.
Each measurement is one function (``measure_*`` / ``what_if_*``), so more can be added.
``--profile`` adds where the time goes (cProfile) for both, on stderr.

Shape of the JSON (keys may be added)::

    {"machine": {"cpus", "load_at_start", "load_average_1_5_15" (at the end: other work on the machine
                 skews every figure), "python", "platform", "duckdb", "pandas", "streamlit"},
     "data": {"db", "workspace_id", "as_of", "counts": {...}, "generation_s": <float | null>},
     "repeats": <int>,
     "rollup": {"snapshot_s", "board_s", "pandas_frames_s", "pandas_rollup_s": {"median", "runs"},
                "board_vs_pandas": <ratio>, "goal", "goal_met", "agreement": {...}},
     "page": {"first_run_s", "board_rerun_s", "empty_rerun_s": {"median", "runs"},
              "board_vs_empty": <ratio>, "goal", "goal_met", "charts": <int>,
              "what_if_no_charts_rerun_s", "what_if_no_charts_vs_empty",
              "what_if_frame_only_rerun_s", "what_if_frame_only_vs_empty", "apptest_compile_s"} | null,
     "total_s": <float>}
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import baseline, generate  # noqa: E402
from strategy_core.track import monitor  # noqa: E402
from strategy_core.store.store import Store, is_url  # noqa: E402

PAGE_GOAL = 10.0
EMPTY_PAGE = "import streamlit as st\n\nst.write('Hello')\n"


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[dict[str, Any], Any]:
    """Median (and every run) of *repeats* calls of *fn*, after *warmup* untimed ones."""
    result = None
    for _ in range(warmup):
        result = fn()
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t)
    return {"median": round(statistics.median(runs), 4), "runs": [round(r, 4) for r in runs]}, result


def machine() -> dict[str, Any]:
    import duckdb
    import pandas
    import streamlit
    return {"cpus": os.cpu_count(), "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(terse=True), "duckdb": duckdb.__version__,
            "pandas": pandas.__version__, "streamlit": streamlit.__version__}


# -- profiling ---------------------------------------------------------------------------------

def _report(stats: pstats.Stats, title: str, pattern: str, limit: int = 25) -> None:
    buf = io.StringIO()
    stats.stream = buf
    stats.sort_stats("cumulative").print_stats(pattern, limit)
    stats.sort_stats("tottime").print_stats(15)
    say(f"\n===== profile: {title} =====\n" + buf.getvalue())


def profile_rollup(store: Store, wid: int, on: dt.date) -> None:
    prof = cProfile.Profile()
    prof.enable()
    snap = monitor.snapshot(store, wid)
    monitor.board(snap, on)
    prof.disable()
    _report(pstats.Stats(prof), "snapshot + board", r"strategy_core")


def profile_page(at: Any) -> None:
    """cProfile of the script thread(s) of one AppTest rerun (the main thread only waits)."""
    profs: list[cProfile.Profile] = []

    def start(frame, event, arg):  # the first event in each new thread: profile that thread
        p = cProfile.Profile()
        profs.append(p)
        p.enable()

    threading.setprofile(start)
    try:
        at.run()
    finally:
        threading.setprofile(None)
    for p in profs:
        p.disable()
    if profs:
        _report(pstats.Stats(*profs), "one rerun of the board page (script thread)",
                r"strategy_core|pages|ui/|app\.py|altair_chart|dataframe|pickle|vega_charts")


# -- the two measurements ------------------------------------------------------------------------

def measure_rollup(db: Path, wid: int, on: dt.date, repeats: int, profile: bool) -> dict[str, Any]:
    store = Store(db)
    try:
        snapshot_s, snap = timed(lambda: monitor.snapshot(store, wid), repeats)
        board_s, board = timed(lambda: monitor.board(snap, on), repeats)
        frames_s, frames = timed(lambda: baseline.frames(snap), repeats)
        pandas_s, result = timed(lambda: baseline.rollup(frames, on), repeats)
        if profile:
            profile_rollup(store, wid, on)
    finally:
        store.close()
    ratio = board_s["median"] / pandas_s["median"]
    return {"snapshot_s": snapshot_s, "board_s": board_s, "pandas_frames_s": frames_s, "pandas_rollup_s": pandas_s,
            "board_vs_pandas": round(ratio, 2),
            "board_vs_pandas_with_frames": round(board_s["median"] / (frames_s["median"] + pandas_s["median"]), 2),
            "goal": "monitor.board ≤ pandas roll-up (board_vs_pandas ≤ 1)", "goal_met": ratio <= 1.0,
            "agreement": baseline.agreement(result, board)}


def _board_app(db: Path, wid: int, timeout: float) -> tuple[Any, float]:
    """The board page opened through app.py (tests/apptest.py), and the seconds its first run took."""
    from tests.apptest import open_app
    t = time.perf_counter()
    at = open_app(db, page="board", workspace_id=wid, timeout=timeout)
    first = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(f"the board page failed: {[e.value for e in at.exception]}")
    if not at.title or not at.get("vega_lite_chart"):
        raise RuntimeError("the board page did not render its title and charts")
    return at, first


def _rerun(at: Any) -> Callable[[], None]:
    def rerun() -> None:
        at.run()
        if at.exception:
            raise RuntimeError(f"the page failed: {[e.value for e in at.exception]}")
    return rerun


def measure_board_rerun(at: Any, repeats: int) -> dict[str, Any]:
    """The goal figure: one full rerun of the board (app.py + pages/board.py)."""
    board_s, _ = timed(_rerun(at), repeats, warmup=0)  # open_app's runs were the warm-up
    return board_s


def measure_empty_rerun(repeats: int, timeout: float) -> dict[str, Any]:
    """The baseline: one rerun of a minimal page (``AppTest.from_string``, one ``st.write``)."""
    from streamlit.testing.v1 import AppTest
    empty = AppTest.from_string(EMPTY_PAGE, default_timeout=timeout)
    empty_s, _ = timed(empty.run, repeats)
    return empty_s


def what_if_no_charts(at: Any, repeats: int) -> dict[str, Any]:
    """The board rerun with the charts neither built nor sent (chart builders and st.vega_lite_chart /
    st.altair_chart stubbed out): how much of the rerun the charts take. Not a goal figure."""
    import streamlit as st

    from strategy_core import charts

    def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    with mock.patch.object(st, "altair_chart", nothing), mock.patch.object(st, "vega_lite_chart", nothing), \
            mock.patch.object(charts, "kr_chart", nothing), mock.patch.object(charts, "indicator_chart", nothing):
        no_charts_s, _ = timed(_rerun(at), repeats)
    return no_charts_s


def what_if_frame_only(at: Any, repeats: int) -> dict[str, Any]:
    """app.py alone — page config, navigation, the sidebar (language, workspace, undo, actor) — with the
    page's own script skipped: the floor under any page of the app. Not a goal figure."""
    from streamlit.navigation.page import StreamlitPage
    with mock.patch.object(StreamlitPage, "run", lambda self: None):
        frame_s, _ = timed(_rerun(at), repeats)
    return frame_s


def what_if_compile(repeats: int) -> dict[str, Any]:
    """What AppTest pays on every rerun and a server does not: reading, rewriting ("magic") and compiling
    app.py and pages/board.py (AppTest makes a new script cache per run; a server compiles each file once)."""
    from streamlit.runtime.scriptrunner import magic
    sources = [(str(ROOT / name), (ROOT / name).read_text(encoding="utf-8")) for name in ("app.py", "pages/board.py")]

    def compile_both() -> None:
        for path, body in sources:
            compile(magic.add_magic(body, path), path, "exec", dont_inherit=True)

    compile_s, _ = timed(compile_both, repeats)
    return compile_s


def measure_page(db: Path, wid: int, repeats: int, profile: bool, timeout: float) -> dict[str, Any]:
    at, first = _board_app(db, wid, timeout)
    board_s = measure_board_rerun(at, repeats)
    charts_shown = len(at.get("vega_lite_chart"))
    if profile:
        profile_page(at)
    no_charts_s = what_if_no_charts(at, repeats)
    frame_s = what_if_frame_only(at, repeats)
    compile_s = what_if_compile(repeats)
    empty_s = measure_empty_rerun(repeats, timeout)
    ratio = board_s["median"] / empty_s["median"]
    vs_empty = lambda x: round(x["median"] / empty_s["median"], 1)
    return {"first_run_s": round(first, 3), "board_rerun_s": board_s, "empty_rerun_s": empty_s,
            "board_vs_empty": round(ratio, 1), "goal": f"board rerun < {PAGE_GOAL:g} × the empty page",
            "goal_met": ratio < PAGE_GOAL, "charts": charts_shown,
            "what_if_no_charts_rerun_s": no_charts_s, "what_if_no_charts_vs_empty": vs_empty(no_charts_s),
            "what_if_frame_only_rerun_s": frame_s, "what_if_frame_only_vs_empty": vs_empty(frame_s),
            "apptest_compile_s": compile_s}


# -- entry ----------------------------------------------------------------------------------------

def table(report: dict[str, Any]) -> str:
    """The figures for people: one line each, the measured ratio beside its goal."""
    rows = [("figure", "ours", "baseline", "ratio", "goal", "")]

    def add(name: str, ours: Any, base: Any, ratio: Any, goal: str, met: bool | None) -> None:
        rows.append((name, str(ours), str(base), f"{ratio}×" if ratio is not None else "", goal,
                     "" if met is None else ("met" if met else "NOT met")))

    r = report["rollup"]
    add("(a) roll-up: monitor.board vs pandas", f"{r['board_s']['median']:.3f} s", f"{r['pandas_rollup_s']['median']:.3f} s",
        r["board_vs_pandas"], "≤ 1×", r["goal_met"])
    if report.get("page"):
        pg = report["page"]
        add("(b) board rerun in AppTest (regression number)", f"{pg['board_rerun_s']['median']:.3f} s",
            f"{pg['empty_rerun_s']['median']:.4f} s", pg["board_vs_empty"], "—", None)
    if report.get("excel"):
        x = report["excel"]
        add("(c) xlsx export vs to_excel", "", "", x["export_vs_pandas"], f"≤ {x['goal']}×", x["export_goal_met"])
        add("(c) xlsx import plan vs read_excel", "", "", x["import_vs_pandas"], f"≤ {x['goal']}×", x["import_goal_met"])
    if report.get("live"):
        lv = report["live"]
        add("(d) board rerun vs the app with an empty page", f"{lv['board_rerun_s']['median']:.3f} s",
            f"{lv['empty_page_rerun_s']['median']:.3f} s", lv["rerun_vs_empty_page"], f"≤ {lv['rerun_goal']}×",
            lv["rerun_goal_met"])
        add("(d) board rerun vs a bare one-widget app", f"{lv['board_rerun_s']['median']:.3f} s",
            f"{lv['bare_rerun_s']['median']:.3f} s", lv["rerun_vs_bare"], "—", None)
        for way in ("on", "off"):
            add(f"(d) 'show all indicators' {way} (28 charts {'drawn' if way == 'on' else 'removed'})",
                f"{lv[f'show_all_indicators_{way}_s']['median']:.3f} s",
                f"{lv[f'empty_page_toggle_{way}_s']['median']:.3f} s",
                lv[f"show_all_indicators_{way}_vs_empty_page"], "—", None)
        add("(d) cold load in a new browser", f"{lv['board_cold_load_s']['median']:.3f} s",
            f"{lv['bare_cold_load_s']['median']:.3f} s", lv["cold_load_vs_bare"], f"≤ {lv['cold_load_goal']}×",
            lv["cold_load_goal_met"])
        add("(d) cold load vs one metric, grid and chart", f"{lv['board_cold_load_s']['median']:.3f} s",
            f"{lv['floor_cold_load_s']['median']:.3f} s", lv["cold_load_vs_floor"], "—", None)
        add("(d) first load after the server starts", f"{lv['board_first_load_after_start_s']:.3f} s",
            f"{lv['bare_first_load_after_start_s']:.3f} s", None, "—", None)
        m = lv["server_rss_mb"]
        add("(d) server memory, 1 / 5 sessions (5: private)",
            f"{m['board_1_session']} / {m['board_5_sessions']} ({m['board_5_sessions_private']}) MB",
            f"{m['bare']} MB", None, f"≤ {lv['memory_goal_mb']} MB", lv["memory_goal_met"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


def _find_workspace(db: Path) -> dict[str, Any] | None:
    store = Store(db)
    try:
        return next((w for w in store.list_workspaces() if w["name"] == generate.WORKSPACE_NAME), None)
    finally:
        store.close()


def _location(value: str) -> str | Path:
    return value if is_url(value) else Path(value)


def main(argv: list[str] | None = None, out=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=_location, help="the DuckDB file to build, or a postgresql:// URL of an empty "
                   "database (default: a temporary DuckDB file, removed after)")
    p.add_argument("--reuse", action="store_true", help="use the benchmark workspace already in --db")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per figure (default 5; the median counts)")
    p.add_argument("--scale", type=float, default=1.0, help="size of the generated workspace (1.0 = full)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-page", action="store_true", help="skip the AppTest page benchmark")
    p.add_argument("--no-excel", action="store_true", help="skip the Excel export / import benchmark")
    p.add_argument("--no-live", action="store_true", help="skip the real-server benchmark (Streamlit + Chromium)")
    p.add_argument("--profile", action="store_true", help="print where the time goes (cProfile) on stderr")
    p.add_argument("--timeout", type=float, default=600, help="AppTest timeout per run, seconds")
    args = p.parse_args(argv)
    if args.repeats < 1 or not args.scale > 0:
        p.error("--repeats must be ≥ 1 and --scale > 0")
    out = out or sys.stdout
    t0 = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="workbench-bench-")
        db = Path(tmp.name) / "bench.duckdb"
    else:
        db = args.db
    try:
        exists = db.exists() if isinstance(db, Path) else _find_workspace(db) is not None
        found = _find_workspace(db) if args.reuse and exists else None
        if found is None and exists and not args.reuse:
            p.error(f"{db} exists: pass --reuse to measure its benchmark workspace, or give a new file")
        generation_s = None
        if found is None:
            say(f"generating the benchmark workspace in {db} (scale {args.scale:g}, seed {args.seed}) …")
            gen = generate.generate(db, scale=args.scale, seed=args.seed, out=say)
            wid, counts, generation_s = gen.workspace_id, gen.counts, round(gen.total_seconds, 2)
        else:
            wid = found["id"]
            store = Store(db)
            try:
                counts = store.counts(wid)
            finally:
                store.close()
            say(f"reusing workspace {wid} in {db}")
        on = generate.AS_OF
        say(f"(a) roll-up: snapshot, monitor.board and the pandas baseline, {args.repeats} runs each …")
        rollup = measure_rollup(db, wid, on, args.repeats, args.profile)
        say(f"    board {rollup['board_s']['median']:.3f} s vs pandas {rollup['pandas_rollup_s']['median']:.3f} s "
            f"→ {rollup['board_vs_pandas']}× (goal ≤ 1: {'met' if rollup['goal_met'] else 'NOT met'})")
        page = None
        if not args.no_page:
            say(f"(b) page: the board through AppTest vs an empty page, {args.repeats} reruns each …")
            page = measure_page(db, wid, args.repeats, args.profile, args.timeout)
            say(f"    board rerun {page['board_rerun_s']['median']:.3f} s vs empty {page['empty_rerun_s']['median']:.4f} s"
                f" → {page['board_vs_empty']}× (goal < {PAGE_GOAL:g}: {'met' if page['goal_met'] else 'NOT met'})")
        excel = None
        if not args.no_excel:
            from benchmarks.excel import measure_excel
            say(f"(c) Excel: export and import of every sheet vs pandas to_excel / read_excel, {args.repeats} runs each …")
            excel = measure_excel(db, wid, on, args.repeats, timed, say)
            say(f"    export {excel['export_vs_pandas']}× to_excel (goal ≤ {excel['goal']}: "
                f"{'met' if excel['export_goal_met'] else 'NOT met'}); import {excel['import_vs_pandas']}× read_excel "
                f"(goal ≤ {excel['goal']}: {'met' if excel['import_goal_met'] else 'NOT met'})")
        live = None
        if not args.no_live:
            from benchmarks.live import measure_live
            say(f"(d) real server: the board in Chromium vs a bare app, {args.repeats} runs each …")
            live = measure_live(db, wid, args.repeats, say)
        report = {"machine": {**machine(), "load_at_start": load_at_start},
                  "data": {"db": str(db) if tmp is None else None, "workspace_id": wid, "as_of": on.isoformat(),
                           "counts": counts, "generation_s": generation_s},
                  "repeats": args.repeats, "rollup": rollup, "page": page, "excel": excel, "live": live,
                  "total_s": round(time.perf_counter() - t0, 1)}
        say(table(report))
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        out.flush()
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
