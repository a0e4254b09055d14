"""Backup and restore of the database file: consistent while changes are still in the
write-ahead log, never over another file, checked before anything is replaced, the replaced
file kept, refused in plain words while another program has the database open."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from strategy_core.exchange import backup as backups
from strategy_core.plan import workspace
from strategy_core.errors import StoreOpenError, WorkbenchError
from strategy_core.i18n import t
from strategy_core.store import Store, migrations
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]
NOON = dt.datetime(2026, 11, 27, 12, 0, 0)


def _names(store_path: Path) -> list[str]:
    s = Store(store_path)
    try:
        return sorted(w["name"] for w in s.list_workspaces())
    finally:
        s.close()


def _db_with(path: Path, *names: str) -> Path:
    s = Store(path)
    try:
        for n in names:
            workspace.create(s, {"name": n, "year": 2026})
    finally:
        s.close()
    return path


def _write_and_crash(db: Path, name: str) -> None:
    """A process that commits a change and dies before any checkpoint: the change lives only
    in the write-ahead log."""
    subprocess.run([sys.executable, "-c",
                    "import os, sys\n"
                    "from strategy_core.store.store import Store\n"
                    "from strategy_core.plan import workspace\n"
                    "s = Store(sys.argv[1])\n"
                    "workspace.create(s, {'name': sys.argv[2], 'year': 2026})\n"
                    "os._exit(0)\n", str(db), name], cwd=ROOT, check=True, timeout=60)


@contextmanager
def _held(db: Path):
    """Another program with the database open."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom strategy_core.store.store import Store\n"
         "s = Store(sys.argv[1])\nprint('ready', flush=True)\ntime.sleep(60)\n", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        yield
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
        holder.stderr.close()


def _cli(*args, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_DB", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "C.UTF-8"
    return subprocess.run([sys.executable, "-m", "strategy_core", *map(str, args)], cwd=ROOT, env=env,
                          stdin=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120)


# -- backup ---------------------------------------------------------------------------------------

def test_backup_holds_what_is_still_in_the_write_ahead_log(tmp_path):
    db = _db_with(tmp_path / "w.duckdb", "Checkpointed")
    _write_and_crash(db, "Only in the log")
    assert (tmp_path / "w.duckdb.wal").exists() and (tmp_path / "w.duckdb.wal").stat().st_size > 0
    dest, version = backups.backup(db, tmp_path / "backups", now=NOON)
    assert dest == tmp_path / "backups" / "w-20261127-120000.duckdb"
    assert version == migrations.LATEST
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [dest.name]  # no temp, no .wal
    assert _names(dest) == ["Checkpointed", "Only in the log"]
    assert _names(db) == ["Checkpointed", "Only in the log"]


def test_backup_never_overwrites(tmp_path):
    db = _db_with(tmp_path / "w.duckdb", "A")
    out = tmp_path / "b"
    first, _ = backups.backup(db, out, now=NOON)
    before = first.read_bytes()
    second, _ = backups.backup(db, out, now=NOON)
    third, _ = backups.backup(db, out, now=NOON)
    assert [first.name, second.name, third.name] == ["w-20261127-120000.duckdb", "w-20261127-120000-2.duckdb",
                                                     "w-20261127-120000-3.duckdb"]
    assert first.read_bytes() == before


def test_backup_refuses_in_plain_words(tmp_path):
    with pytest.raises(WorkbenchError) as e:
        backups.backup(tmp_path / "missing.duckdb", tmp_path / "b", NOW)
    assert e.value.key == "portable.error.no_db"
    foreign = tmp_path / "foreign.duckdb"
    foreign.write_bytes(b"not a database")
    with pytest.raises(StoreOpenError) as e:
        backups.backup(foreign, tmp_path / "b", NOW)
    assert e.value.key == "store.error.foreign"
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()              # DuckDB, but not a workbench database
    with pytest.raises(WorkbenchError) as e:
        backups.backup(plain, tmp_path / "b", NOW)
    assert e.value.key == "portable.error.not_workbench"
    db = _db_with(tmp_path / "w.duckdb", "A")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(WorkbenchError) as e:
        backups.backup(db, tmp_path / "a-file", NOW)
    assert e.value.key == "portable.error.out_not_dir"
    assert not (tmp_path / "b").exists() or list((tmp_path / "b").iterdir()) == []


def test_backup_of_an_older_schema_is_not_migrated(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    migrations.migrate(con, upto=2)
    con.close()
    dest, version = backups.backup(db, tmp_path / "b", now=NOON)
    assert version == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "old.duckdb"]  # no migration backup made
    con = duckdb.connect(str(dest), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == 2
    con.close()


# -- restore --------------------------------------------------------------------------------------

def test_restore_puts_the_backup_back_and_keeps_the_file_it_replaces(tmp_path):
    db = _db_with(tmp_path / "w.duckdb", "Before the backup")
    backup, _ = backups.backup(db, tmp_path / "b", now=NOON)
    _db_with(db, "After the backup")
    _write_and_crash(db, "In the log")
    done = backups.restore(db, backup, now=NOON)
    assert done.version == migrations.LATEST and done.migrated_backup is None
    assert done.safety == tmp_path / "w.duckdb.before-restore-20261127-120000"
    assert _names(db) == ["Before the backup"]
    assert _names(done.safety) == ["After the backup", "Before the backup", "In the log"]  # nothing lost
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "w.duckdb", done.safety.name]
    again = backups.restore(db, backup, now=NOON)   # a second restore in the same second: a new name
    assert again.safety.name == "w.duckdb.before-restore-20261127-120000-2"


def test_restore_into_a_missing_file(tmp_path):
    backup, _ = backups.backup(_db_with(tmp_path / "w.duckdb", "A"), tmp_path / "b", NOW)
    done = backups.restore(tmp_path / "new.duckdb", backup, NOW)
    assert done.safety is None and _names(tmp_path / "new.duckdb") == ["A"]


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(tmp_path):
    db = _db_with(tmp_path / "w.duckdb", "Current")
    original = db.read_bytes()
    (tmp_path / "x").mkdir()
    foreign = tmp_path / "x" / "foreign.duckdb"
    foreign.write_bytes(b"SQLite format 3\0" + b"\0" * 100)
    plain = tmp_path / "x" / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    future = tmp_path / "x" / "future.duckdb"
    _db_with(future, "From the future")
    con = duckdb.connect(str(future))
    con.execute("INSERT INTO schema_version VALUES (999, 'from the future', now()::TIMESTAMP)")
    con.close()
    cases = [(tmp_path / "x" / "missing.duckdb", "portable.error.no_backup"), (foreign, "store.error.foreign"),
             (plain, "portable.error.not_workbench"), (future, "store.error.too_new")]
    for source, key in cases:
        with pytest.raises(WorkbenchError) as e:
            backups.restore(db, source, NOW)
        assert e.value.key == key
        assert e.value.params["path"] == str(source)      # the message names the file given
        assert db.read_bytes() == original
        assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "x"]   # no temp copy left


def test_restore_of_an_older_backup_migrates_it(tmp_path):
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    migrations.migrate(con, upto=3)
    con.close()
    before = old.read_bytes()
    db = _db_with(tmp_path / "w.duckdb", "Current")
    done = backups.restore(db, old, NOW)
    assert done.version == migrations.LATEST and done.migrated_backup is not None
    assert done.migrated_backup.exists() and old.read_bytes() == before   # the backup itself untouched
    assert _names(db) == []


def test_restore_and_backup_refuse_while_the_database_is_open_elsewhere(tmp_path):
    db = _db_with(tmp_path / "w.duckdb", "Current")
    backup, _ = backups.backup(db, tmp_path / "b", NOW)
    with _held(db):
        original = db.read_bytes()
        with pytest.raises(StoreOpenError) as e:
            backups.restore(db, backup, NOW)
        assert e.value.key == "store.error.locked"
        with pytest.raises(StoreOpenError) as e:
            backups.backup(db, tmp_path / "b", NOW)
        assert e.value.key == "store.error.locked"
        for cmd in (("restore", "--from", backup, "--yes"), ("backup", "--out", tmp_path / "b")):
            p = _cli(*cmd, "--db", db, "--lang", "en")
            assert p.returncode == 2 and "Traceback" not in p.stderr
            assert p.stderr.strip() == "Error: " + t("store.error.locked", "en", path=str(db))
        assert db.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "w.duckdb"]
    assert len(list((tmp_path / "b").iterdir())) == 1


# -- the command line -----------------------------------------------------------------------------

def test_cli_backup_and_restore(tmp_path):
    db = _db_with(tmp_path / "w.duckdb", "Kept")
    p = _cli("backup", "--db", db, "--out", tmp_path / "b", "--lang", "en")
    assert p.returncode == 0, p.stderr
    [backup] = list((tmp_path / "b").iterdir())
    assert re.fullmatch(r"w-\d{8}-\d{6}\.duckdb", backup.name)
    assert str(backup) in p.stdout and f"schema version {migrations.LATEST}" in p.stdout
    _db_with(db, "Added later")
    before = db.read_bytes()
    p = _cli("restore", "--db", db, "--from", backup, "--lang", "en")     # no terminal, no --yes
    assert p.returncode == 2 and "--yes" in p.stderr and db.read_bytes() == before
    p = _cli("restore", "--db", db, "--from", backup, "--lang", "zh", "--yes")
    assert p.returncode == 0, p.stderr
    safety = next(x for x in tmp_path.iterdir() if ".before-restore-" in x.name)
    assert str(safety) in p.stdout and "已从" in p.stdout
    assert _names(db) == ["Kept"] and _names(safety) == ["Added later", "Kept"]
    p = _cli("restore", "--db", db, "--from", tmp_path / "nothing.duckdb", "--yes", "--lang", "en")
    assert p.returncode == 2 and p.stderr.strip() == "Error: " + t(
        "portable.error.no_backup", "en", path=str(tmp_path / "nothing.duckdb"))
    p = _cli("backup", "--db", tmp_path / "nothing.duckdb", "--out", tmp_path / "b", "--lang", "en")
    assert p.returncode == 2 and "init" in p.stderr
