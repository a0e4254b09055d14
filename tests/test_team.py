"""The team server: one company on PostgreSQL, served by several processes at once.

The tests that need a server run when $WORKBENCH_TEST_PG names one (`.ci/run` starts it); `make team`
itself is started for real when PostgreSQL's programs are installed.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.request
from pathlib import Path

import pytest

from strategy_core import team
from strategy_core.errors import ConflictError, WorkbenchError
from strategy_core.plan import okr, workspace
from strategy_core.store import Store, migrations, pg
from tests.conftest import ROOT, TEST_PG, pg_schema

needs_pg = pytest.mark.skipif(not TEST_PG, reason="needs $WORKBENCH_TEST_PG (a PostgreSQL server)")
PROCESSES, THREADS, ROUNDS = 2, 10, 8          # 20 sessions: ten in each replica
FIELDS = ("data_support", "execution_steps")


def _spawn(monkeypatch) -> mp.context.SpawnContext:
    """A spawn context whose children start clean: after an AppTest run, ``__main__`` is app.py, and a
    spawned child would run it again first (its database long gone)."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    return mp.get_context("spawn")


def _replica(url: str, index: int, krs: list[int], barrier, results) -> None:
    """One replica: its own Store (its own pool) and ten sessions, each saving one field per round."""
    store = Store(url)
    try:
        def session(n: int) -> None:
            for rnd in range(ROUNDS):
                kid = krs[0] if n < 7 else krs[1 + n % 2]          # most edit the first KR
                field, value = FIELDS[n % 2], f"r{rnd}-p{index}-s{n}"
                barrier.wait()                                   # the previous round is over everywhere
                seen = store.row("key_result", kid)              # what this session's form shows
                barrier.wait()                                   # every form opened on the same version
                try:
                    okr.update_key_result(store, kid, {field: value}, f"p{index}s{n}", seen=seen)
                    outcome = "ok"
                except ConflictError as e:
                    outcome = e.key
                results.put((rnd, kid, field, value, outcome))
        threads = [threading.Thread(target=session, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        store.close()


@needs_pg
def test_two_replicas_with_twenty_sessions_lose_no_write_and_report_every_refusal(store, monkeypatch):
    wid = workspace.create(store, {"name": "Acme", "year": 2026})
    oid = okr.add_objective(store, wid, {"level": "company", "title": "Make our regulars come back", "owner": "Founder"})
    krs = [okr.add_key_result(store, oid, {"statement": f"Weekly regulars from {100 + i} to {200 + i} by Q4",
                                           "baseline": 100 + i, "target": 200 + i, "deadline": "2026-12-31",
                                           "owner": "Founder"}) for i in range(3)]
    ctx = _spawn(monkeypatch)
    barrier, results = ctx.Barrier(PROCESSES * THREADS, timeout=120), ctx.Queue()
    procs = [ctx.Process(target=_replica, args=(store.location, i, krs, barrier, results)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in range(PROCESSES * THREADS * ROUNDS)]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    applied = [r for r in got if r[4] == "ok"]
    refused = [r for r in got if r[4] != "ok"]
    assert all(r[4] in ("store.error.changed", "store.error.conflict") for r in refused)
    assert applied and refused and len(applied) + len(refused) == PROCESSES * THREADS * ROUNDS
    for rnd in range(ROUNDS):          # forms opened on one version: at most one save per KR and round lands
        for k in krs:
            assert sum(1 for r in applied if r[0] == rnd and r[1] == k) <= 1
    events = store.query("SELECT entity_id, before, after FROM audit_event WHERE action = 'key_result.update' "
                         "ORDER BY id")
    assert len(events) == len(applied)                        # the change log: one entry per acknowledged save
    for k in krs:
        chain = [e for e in events if e["entity_id"] == k]
        for prev, ev in zip(chain, chain[1:]):                # each save saw the one before it
            assert json.loads(ev["before"]) == json.loads(prev["after"])
        row = store.row("key_result", k)
        for field in FIELDS:
            mine = [r[3] for r in applied if r[1] == k and r[2] == field]
            shown = [json.loads(e["after"])[field] for e in chain]
            assert set(mine) <= set(shown)                    # every acknowledged write is in the history
            if chain:
                assert row[field] == json.loads(chain[-1]["after"])[field]


def _open(url: str, out) -> None:
    s = Store(url)
    out.put(s.schema_version)
    s.close()


@needs_pg
def test_replicas_starting_together_migrate_once(monkeypatch):
    gen = pg_schema()
    url = next(gen)
    try:
        ctx = _spawn(monkeypatch)
        out = ctx.Queue()
        procs = [ctx.Process(target=_open, args=(url, out)) for _ in range(4)]
        for p in procs:
            p.start()
        versions = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        assert versions == [migrations.LATEST] * 4
        s = Store(url)
        try:
            steps = s.query("SELECT version FROM schema_version ORDER BY version")
            assert [r["version"] for r in steps] == list(range(1, migrations.LATEST + 1))
        finally:
            s.close()
    finally:
        gen.close()


@needs_pg
def test_a_change_through_one_store_moves_the_version_every_other_store_reads(store, ws):
    other = Store(store.location)          # another replica: its own connections, no memory shared
    try:
        before = other.version(ws)
        workspace.rename(store, ws, "Acme Coffee")
        assert other.version(ws) != before and other.get_workspace(ws)["name"] == "Acme Coffee"
    finally:
        other.close()


@needs_pg
def test_a_server_that_cannot_be_reached_is_said_in_plain_words_without_the_password():
    from strategy_core.errors import StoreOpenError
    with pytest.raises(StoreOpenError) as e:
        Store("postgresql://founder:s3cret@127.0.0.1:1/workbench")
    text = e.value.text("en")
    assert e.value.key == "store.error.server" and "s3cret" not in text and "127.0.0.1:1" in text


@needs_pg
def test_text_with_a_nul_character_is_kept_without_it(store, ws):
    workspace.rename(store, ws, "Acme\x00 Coffee")
    assert store.get_workspace(ws)["name"] == "Acme Coffee"


def test_team_settings_name_the_variable_that_is_wrong():
    with pytest.raises(WorkbenchError) as e:
        team.from_env({"TEAM_REPLICAS": "two"})
    assert e.value.key == "team.error.number" and e.value.params["name"] == "TEAM_REPLICAS"
    with pytest.raises(WorkbenchError):
        team.from_env({"TEAM_REPLICAS": "40"})
    t = team.from_env({"TEAM_DIR": "/srv/wb", "PORT": "9000", "TEAM_REPLICAS": "3"})
    assert t.ports == [9000, 9001, 9002] and "host=/srv/wb/run" in t.url and t.address == "127.0.0.1"


def _free_port() -> int:
    from tests.browser import free_port
    return free_port()


def _pg_installed() -> bool:
    try:
        pg.program("initdb")
        return True
    except WorkbenchError:
        return False


@pytest.mark.browser
@pytest.mark.skipif(not _pg_installed(), reason="needs PostgreSQL's programs (apt-get install postgresql)")
def test_make_team_starts_the_cluster_and_every_replica_behind_the_passcode_and_stops_them():
    folder = Path(tempfile.mkdtemp(prefix="workbench-team-"))
    first = _free_port()
    env = {**os.environ, "TEAM_DIR": str(folder), "PORT": str(first), "TEAM_REPLICAS": "2",
           "TEAM_PG_PORT": str(_free_port()), "WORKBENCH_PASSCODE": "room-42-tea", "LANG": "en_US.UTF-8"}
    proc = subprocess.Popen([sys.executable, "-m", "strategy_core.team"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    settings = team.from_env(env)
    try:
        deadline = time.time() + 180
        for port in settings.ports:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                    break
                except OSError:
                    assert proc.poll() is None and time.time() < deadline, proc.stdout.read()
                    time.sleep(0.5)
        s = Store(settings.url)                  # the database exists, migrated, on the cluster's socket
        try:
            assert s.schema_version == migrations.LATEST and s.kind == "postgresql"
        finally:
            s.close()
        assert team.cookie_secret(settings) and (folder / "server.passcode").exists()
        assert "room-42-tea" not in (folder / "server.passcode").read_text()
        from tests.browser import browser, settle
        with browser("en-US") as page:            # every replica: the passcode before anything else
            for port in settings.ports:
                page.goto(f"http://127.0.0.1:{port}/okr")
                page.get_by_text("Workshop passcode").wait_for()
                settle(page)
                assert page.get_by_role("heading", name="OKR cascade").count() == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)          # a second one while it stops (as `timeout` forwards it)
        out = proc.communicate(timeout=60)[0]
        status = subprocess.run(team.as_owner([pg.program("pg_ctl"), "-D", str(settings.data), "status"]),
                                capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    assert status.returncode != 0, "the cluster is still running"
    assert proc.returncode == 0, out
    assert "2 replica(s)" in out
    for port in settings.ports:                  # every replica stopped with it
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)


@needs_pg
def test_backup_and_restore_of_a_server_use_pg_dump_and_bring_every_row_back(store, tmp_path, capsys):
    from strategy_core import cli, demo
    from strategy_core.exchange import portable
    from tests.conftest import TODAY
    wid = demo.load(store, "en", 2026, today=TODAY)
    before = portable.export_json(store, wid)
    events = len(store.dump("audit_event")[1])
    url = str(store.location)
    assert cli.main(["--db", url, "--lang", "en", "--as-of", "2026-09-30", "backup", "--out", str(tmp_path)]) == 0
    (dump,) = tmp_path.glob("*.dump")
    assert "schema version" in capsys.readouterr().out
    workspace.rename(store, wid, "Renamed after the backup")
    okr.delete_key_result(store, okr.list_key_results(store, wid)[0]["id"])
    # not a backup: refused, nothing changed
    bad = tmp_path / "notes.dump"
    bad.write_bytes(b"PGDMP but not really")
    assert cli.main(["--db", url, "--lang", "en", "restore", "--from", str(bad), "--yes"]) == 2
    assert "not a backup of a workbench server" in capsys.readouterr().err
    assert store.get_workspace(wid)["name"] == "Renamed after the backup"
    # without --yes and no terminal: refused
    assert cli.main(["--db", url, "--lang", "en", "restore", "--from", str(dump)]) == 2
    assert cli.main(["--db", url, "--lang", "en", "--as-of", "2026-09-30", "restore", "--from", str(dump),
                     "--yes"]) == 0
    out = capsys.readouterr().out
    assert "kept at" in out and len(list(tmp_path.glob("*.before-restore-*.dump"))) == 1
    again = Store(url)
    try:
        assert portable.export_json(again, wid) == before and len(again.dump("audit_event")[1]) == events
        assert again.undo(wid) is not None             # the change log came back with the rows
    finally:
        again.close()


@needs_pg
def test_a_backup_of_another_schema_is_refused(store, tmp_path):
    from strategy_core.exchange import server_backup
    from tests.conftest import NOW
    workspace.create(store, {"name": "Acme", "year": 2026})
    dump, _ = server_backup.backup(str(store.location), tmp_path, NOW)
    gen = pg_schema()
    other = next(gen)
    try:
        Store(other).close()
        with pytest.raises(WorkbenchError) as e:
            server_backup.restore(other, dump, NOW)
        assert e.value.key == "portable.error.other_schema"
        s = Store(other)
        try:
            assert s.list_workspaces() == []
        finally:
            s.close()
    finally:
        gen.close()


def test_a_server_address_is_shown_without_its_password():
    from strategy_core.store.pg import shown
    assert shown("postgresql://founder:s3cret@db.local:5432/wb") == "postgresql://founder:***@db.local:5432/wb"
    assert shown("postgresql:///wb?host=/srv/pg&password=s3cret&port=5433") == \
        "postgresql:///wb?host=/srv/pg&password=***&port=5433"
    assert shown("postgresql:///wb?host=/srv/pg") == "postgresql:///wb?host=/srv/pg"
