"""The benchmark at a tiny scale, so it cannot rot. Behaviour only: no timing is asserted here."""
from __future__ import annotations

import io
import json

import pytest

from benchmarks import generate, run
from strategy_core.track import monitor
from strategy_core.store.store import Store


def _rows(db, wid):
    s = Store(db)
    try:
        snap = monitor.snapshot(s, wid)
    finally:
        s.close()
    krs = {k["id"]: (k["position"], k["statement"], k["direction"], k["target"]) for k in snap.key_results}
    return ([krs[c["key_result_id"]] + (c["date"], c["value"]) for c in snap.check_ins],
            [(r["date"], r["value"]) for r in snap.readings], snap)


def test_generator_is_deterministic_and_aligned(tmp_path):
    a = generate.generate(tmp_path / "a.duckdb", scale=0.02, seed=3, out=None)
    b = generate.generate(tmp_path / "b.duckdb", scale=0.02, seed=3, out=None)
    assert a.counts == b.counts
    assert a.counts["key_result"] > 20 and a.counts["check_in"] > 1000 and a.counts["reading"] > 0
    rows_a, readings_a, snap = _rows(a.db, a.workspace_id)
    rows_b, readings_b, _ = _rows(b.db, b.workspace_id)
    assert rows_a == rows_b and readings_a == readings_b
    # every department and employee objective supports a KR one level up
    level = {o["id"]: o["level"] for o in snap.objectives}
    kr_level = {k["id"]: level[k["objective_id"]] for k in snap.key_results}
    above = {"department": "company", "employee": "department"}
    for o in snap.objectives:
        if o["level"] == "company":
            assert o["aligns_to"] is None
        else:
            assert kr_level[o["aligns_to"]] == above[o["level"]]
    assert {k["direction"] for k in snap.key_results} <= {"up", "down", "band"}


def test_benchmark_runs_end_to_end_at_a_tiny_scale(tmp_path, monkeypatch):
    out = io.StringIO()
    db = tmp_path / "bench.duckdb"
    monkeypatch.setenv("WORKBENCH_DB", str(db))  # AppTest sets it; put it back as it was afterwards
    assert run.main(["--db", str(db), "--scale", "0.01", "--repeats", "1", "--no-live"], out=out) == 0
    report = json.loads(out.getvalue())
    assert report["machine"]["cpus"] >= 1 and report["data"]["counts"]["key_result"] > 0
    rollup, page = report["rollup"], report["page"]
    for key in ("snapshot_s", "board_s", "pandas_frames_s", "pandas_rollup_s"):
        assert len(rollup[key]["runs"]) == 1 and rollup[key]["median"] >= 0
    assert isinstance(rollup["goal_met"], bool) and rollup["board_vs_pandas"] >= 0   # (0.0 when ours rounds to nothing beside pandas)
    for kind, agreed in rollup["agreement"].items():  # the baseline computes the same numbers
        same, total = agreed.split(" / ")
        assert same == total, (kind, agreed)
    assert page["charts"] > 0 and isinstance(page["goal_met"], bool) and page["board_vs_empty"] > 0
    for key in ("board_rerun_s", "empty_rerun_s", "what_if_no_charts_rerun_s", "what_if_frame_only_rerun_s",
                "apptest_compile_s"):
        assert len(page[key]["runs"]) == 1 and page[key]["median"] > 0, key
    assert page["what_if_frame_only_vs_empty"] > 0 and page["what_if_no_charts_vs_empty"] > 0
    excel = report["excel"]     # the workbook of the generated workspace reads back with nothing to change
    assert excel["import_errors"] == 0 and excel["import_changes"] == 0
    assert excel["rows_per_sheet"] and excel["workbook_bytes"] > 0
    for key in ("export_s", "pandas_to_excel_s", "import_s", "pandas_read_excel_s"):
        assert len(excel[key]["runs"]) == 1 and excel[key]["median"] > 0, key
    assert isinstance(excel["export_goal_met"], bool) and isinstance(excel["import_goal_met"], bool)
    # reusing the file measures the same workspace without generating it again
    again = io.StringIO()
    assert run.main(["--db", str(db), "--reuse", "--repeats", "1", "--no-page", "--no-excel", "--no-live"],
                    out=again) == 0
    second = json.loads(again.getvalue())
    assert second["data"]["workspace_id"] == report["data"]["workspace_id"]
    assert second["data"]["generation_s"] is None and second["page"] is None and second["excel"] is None
    lines = run.table(report).splitlines()      # the table for people: a line per figure with its goal
    assert lines[0].split()[0] == "figure" and any(line.startswith("(c) xlsx export") for line in lines)


@pytest.mark.browser
def test_the_real_server_benchmark_runs_at_a_tiny_scale(tmp_path):
    out = io.StringIO()
    db = tmp_path / "bench.duckdb"
    assert run.main(["--db", str(db), "--scale", "0.01", "--repeats", "2", "--no-page", "--no-excel"], out=out) == 0
    live = json.loads(out.getvalue())["live"]
    for key in ("board_rerun_s", "empty_page_rerun_s", "bare_rerun_s", "board_cold_load_s", "bare_cold_load_s"):
        assert len(live[key]["runs"]) == 2 and live[key]["median"] > 0, key     # (no timing is asserted)
    rss = live["server_rss_mb"]
    assert 0 < rss["bare"] and 0 < rss["board_1_session"] and 0 < rss["board_5_sessions"]
    assert live["rerun_vs_empty_page"] > 0 and live["rerun_vs_bare"] > 0 and isinstance(live["memory_goal_met"], bool)
    assert any(line.startswith("(d) board rerun") for line in run.table(json.loads(out.getvalue())).splitlines())
