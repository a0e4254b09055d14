"""The crash suite: a writer process killed with SIGKILL at a random moment of a large JSON import, an
xlsx import, a year copy, a backup and a migration. On reopening, the file is consistent: every change
the writer acknowledged is there whole, and none is half applied. Seeded and bounded: the same kill
moments on every run, a few tries per operation (CRASH_TRIES raises them for a longer look)."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from strategy_core import demo
from strategy_core.exchange import portable
from strategy_core.plan import workspace
from strategy_core.store import Store
from strategy_core.store import migrations
from tests.conftest import ROOT, TODAY

TRIES = int(os.environ.get("CRASH_TRIES", "5"))
SEED = 20261206
SCALE = 0.08              # the benchmark company, shrunk: each operation takes about a second here

# The writer: does OP on DB, printing "go" as it starts and "ack <id>" after each commit.
CHILD = r"""
import datetime as dt, sys
from pathlib import Path
from strategy_core.exchange import backup as backups, portable
from strategy_core.plan import workspace
from strategy_core.exchange.excel import importer
from strategy_core.store import Store
op, db, arg = sys.argv[1], sys.argv[2], sys.argv[3]
print("go", flush=True)
if op == "backup":
    path, _ = backups.backup(Path(db), Path(arg), dt.datetime(2026, 9, 30, 10, 0, 0))
    print("ack 0", flush=True)
    sys.exit(0)
s = Store(db)                                  # for "migrate", this is the whole operation
if op == "migrate":
    print("ack 0", flush=True)
    sys.exit(0)
for i in range(3):
    if op == "json":
        wid = portable.import_json(s, Path(arg).read_bytes(), name=f"new {i}")
    elif op == "copy":
        wid = workspace.copy(s, int(arg), f"new {i}", 2027, history=True)
    else:                                      # xlsx: the workbook edited outside, read back in
        wid = int(Path(arg).with_suffix(".wid").read_text())
        plan = importer.plan_import(s, wid, Path(arg).read_bytes(), "book.xlsx", today=dt.date(2026, 9, 30))
        assert plan.ok, plan.lines("en")[:5]
        importer.apply_import(s, wid, plan)
        print("ack", wid, flush=True)
        break
    print("ack", wid, flush=True)
"""


def _counts(store: Store, wid: int) -> dict[str, int]:
    return {t: len(store.rows(t, wid)) for t in portable.TABLES}


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A large workspace (and the demo company) in a file, with its JSON document and workbook."""
    d = tmp_path_factory.mktemp("crash")
    db = d / "large.duckdb"
    g = generate(db, scale=SCALE, seed=7, out=lambda *a: None)
    s = Store(db)
    demo.load(s, "en", today=TODAY)
    doc = d / "large.json"
    doc.write_bytes(portable.export_json(s, g.workspace_id))
    from strategy_core.exchange.excel import export
    book = d / "large.xlsx"
    from tests.workbooks import book as open_book, col, save, sheet
    wb = open_book(export.export_workbook(s, g.workspace_id, "en", today=TODAY))
    ws = sheet(wb, "okr", "en")
    c, kr = col("okr", "metric"), col("okr", "statement")
    for r in range(export.HEADER_ROW + 1, ws.max_row + 1):    # every KR's metric edited, as a team would
        if ws.cell(row=r, column=kr).value:
            ws.cell(row=r, column=c).value = f"metric {r} (edited)"
    book.write_bytes(save(wb))
    book.with_suffix(".wid").write_text(str(g.workspace_id))
    counts = _counts(s, g.workspace_id)
    s.checkpoint()
    s.close()
    return {"db": db, "wid": g.workspace_id, "json": doc, "xlsx": book, "counts": counts, "dir": d}


def _run_and_kill(op: str, db: Path, arg: str, delay: float) -> list[int]:
    """Start the writer, kill it *delay* seconds after it says "go"; returns what it acknowledged."""
    p = subprocess.Popen([sys.executable, "-c", CHILD, op, str(db), arg], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "go", p.stderr.read()
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        acked = [int(x.split()[1]) for x in p.stdout.read().splitlines() if x.startswith("ack ")]
        assert p.returncode in (-signal.SIGKILL, 0), p.stderr.read()
    finally:
        p.stdout.close()
        p.stderr.close()
    return acked


def _duration(op: str, template: Path, arg: str, tmp_path: Path) -> float:
    """Seconds from "go" to the end of one whole, uninterrupted run (the window the kills fall in)."""
    db = tmp_path / f"timing-{op}.duckdb"
    shutil.copy(template, db)
    p = subprocess.Popen([sys.executable, "-c", CHILD, op, str(db), arg], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "go"
    t0 = time.perf_counter()
    last = t0
    for line in p.stdout:           # until the last acknowledgement (not the exit's own checkpoint)
        if line.startswith("ack "):
            last = time.perf_counter()
    err = p.stderr.read()
    p.wait(timeout=300)
    p.stdout.close()
    p.stderr.close()
    assert p.returncode == 0, err
    for f in tmp_path.glob(f"timing-{op}*"):
        shutil.rmtree(f) if f.is_dir() else f.unlink()
    return last - t0


def _delays(op: str, window: float) -> list[float]:
    rng = random.Random(f"{SEED}-{op}")
    return [rng.uniform(0.05, 0.8) * window for _ in range(TRIES)]


def _expected(large: dict, tmp_path: Path) -> dict[str, int]:
    """The rows one whole copy writes (measured by doing it once, uninterrupted)."""
    probe = tmp_path / "probe.duckdb"
    shutil.copy(large["db"], probe)
    s = Store(probe)
    try:
        return _counts(s, workspace.copy(s, large["wid"], "probe", 2027, history=True))
    finally:
        s.close()
        probe.unlink()


@pytest.mark.parametrize("op", ["json", "copy"])
def test_a_killed_import_or_copy_leaves_each_one_whole_or_absent(large, tmp_path, op):
    expect = large["counts"] if op == "json" else _expected(large, tmp_path)
    arg = str(large["wid"]) if op == "copy" else str(large[op])
    interrupted = 0
    for i, delay in enumerate(_delays(op, _duration(op, large["db"], arg, tmp_path))):
        db = tmp_path / f"try-{i}.duckdb"
        shutil.copy(large["db"], db)
        acked = _run_and_kill(op, db, arg, delay)
        interrupted += len(acked) < 3
        s = Store(db)
        try:
            news = {w["id"]: _counts(s, w["id"]) for w in s.list_workspaces() if w["name"].startswith("new ")}
            assert set(acked) <= set(news), "an acknowledged import or copy is missing"
            for got in news.values():
                assert got == expect, (op, i, delay, got)      # whole, never half applied
            assert _counts(s, large["wid"]) == large["counts"]       # the source is untouched
        finally:
            s.close()
    assert interrupted, "no kill landed before the writer finished: the tries prove nothing"


def test_a_killed_xlsx_import_applies_all_of_the_workbook_or_none(large, tmp_path):
    def statements(s: Store) -> list[str]:
        return [k["metric"] or "" for k in s.rows("key_result", large["wid"])]

    interrupted = 0
    for i, delay in enumerate(_delays("xlsx", _duration("xlsx", large["db"], str(large["xlsx"]), tmp_path))):
        db = tmp_path / f"try-{i}.duckdb"
        shutil.copy(large["db"], db)
        acked = _run_and_kill("xlsx", db, str(large["xlsx"]), delay)
        interrupted += not acked
        s = Store(db)
        try:
            edited = [x.endswith(" (edited)") for x in statements(s)]
            assert all(edited) or (not any(edited) and not acked), (i, delay, sum(edited), len(edited))
            assert len(edited) == large["counts"]["key_result"]
        finally:
            s.close()
    assert interrupted, "no kill landed inside the import"


def test_a_killed_backup_leaves_no_broken_backup_and_the_file_untouched(large, tmp_path):
    window = _duration("backup", large["db"], str(tmp_path / "timing-backup-out"), tmp_path)
    for i, delay in enumerate(_delays("backup", window)):
        db = tmp_path / f"try-{i}.duckdb"
        out = tmp_path / f"out-{i}"
        shutil.copy(large["db"], db)
        acked = _run_and_kill("backup", db, str(out), delay)
        made = sorted(out.glob("*.duckdb")) if out.exists() else []
        assert len(made) <= 1 and (made or not acked), (acked, made)
        for path in made:                    # a backup that exists is whole: it opens with every row
            s = Store(path, migrate=False)
            try:
                assert _counts(s, large["wid"]) == large["counts"]
            finally:
                s.close()
        s = Store(db)
        try:
            assert _counts(s, large["wid"]) == large["counts"]
        finally:
            s.close()


@pytest.fixture(scope="module")
def large_v4(large, tmp_path_factory):
    """The large file as schema version 4 left it (before the agenda)."""
    d = tmp_path_factory.mktemp("crash-v4")
    db = d / "v4.duckdb"
    import duckdb
    c = duckdb.connect(str(db))
    migrations.migrate(c, upto=4)
    c.execute(f"ATTACH '{large['db']}' AS src (READ_ONLY)")
    for table in ("workspace", *portable.TABLES, "audit_event"):
        if table == "agenda_session":
            continue
        c.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
    c.execute("DETACH src")
    c.execute("CHECKPOINT")
    c.close()
    return db


def test_a_killed_migration_leaves_a_file_that_finishes_on_the_next_open(large, large_v4, tmp_path):
    interrupted = 0
    for i, delay in enumerate(_delays("migrate", _duration("migrate", large_v4, "-", tmp_path))):
        db = tmp_path / f"try-{i}.duckdb"
        shutil.copy(large_v4, db)
        acked = _run_and_kill("migrate", db, "-", delay)
        interrupted += not acked
        s = Store(db)       # reopening does what the killed one did not finish (backup, then the steps)
        try:
            assert s.schema_version == migrations.LATEST
            assert _counts(s, large["wid"]) == {**large["counts"], "agenda_session": 0}
        finally:
            s.close()
    assert interrupted, "no kill landed inside the migration"
