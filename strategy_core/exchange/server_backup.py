"""Backup and restore of a team server's database with PostgreSQL's own tools (pg_dump / pg_restore).

The same `backup` and `restore` commands as for a DuckDB file: a backup is one file (pg_dump's custom
format) named by date and time, never written over another; a restore checks first that the file is a
workbench backup of the same schema, dumps the database as it is beside the backup (the safety copy),
then replaces it in one transaction and opens it once more (migrated if the backup came from an earlier
version). Only the workbench's schema is dumped: the server may hold other things.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from strategy_core.errors import WorkbenchError
from strategy_core.exchange.backup import Restored, claim, open_checked, stamp
from strategy_core.store.pg import program, shown
from strategy_core.store.store import Store

_WORKBENCH_TABLES = ("schema_version", "audit_event", "workspace")


def _schema(url: str) -> tuple[str, int]:
    """The workbench's schema on the server and its version (refused when it holds no workbench)."""
    store = open_checked(url, shown(url))
    try:
        return store.schema_name, store.schema_version
    finally:
        store.close()


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise WorkbenchError("portable.error.pg_tool", tool=Path(cmd[0]).name,
                             detail=(done.stderr or done.stdout).strip()[-400:])
    return done.stdout


def _dump(url: str, schema: str, dest: Path) -> None:
    _run([program("pg_dump"), "--format=custom", f"--schema={schema}", "--no-owner", f"--file={dest}",
          f"--dbname={url}"])


def backup(url: str, out_dir: Path, now: dt.datetime) -> tuple[Path, int]:
    """Dump the workbench's schema of the server *url* into *out_dir* as ``<database>-YYYYmmdd-HHMMSS.dump``;
    returns (the backup's path, its schema version)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise WorkbenchError("portable.error.out_not_dir", path=str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    schema, version = _schema(url)
    tmp = out_dir / f".server.partial-{os.getpid()}"
    try:
        _dump(url, schema, tmp)
        name = (Path(url.split("?", 1)[0]).name or "workbench")
        return claim(tmp, out_dir, f"{name}-{stamp(now)}", ".dump"), version
    finally:
        if tmp.exists():
            tmp.unlink()


def _check_dump(source: Path, schema: str) -> None:
    """Refuse a file that is not pg_dump's backup of a workbench schema called *schema*."""
    done = subprocess.run([program("pg_restore"), "--list", str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise WorkbenchError("portable.error.not_server_backup", path=str(source))
    tables = {tuple(line.split()[-3:-1]) for line in done.stdout.splitlines() if " TABLE " in line
              and " TABLE DATA " not in line}
    if not all((schema, t) in tables for t in _WORKBENCH_TABLES):
        found = sorted({s for s, t in tables if t in _WORKBENCH_TABLES})
        if found:
            raise WorkbenchError("portable.error.other_schema", path=str(source), got=", ".join(found), want=schema)
        raise WorkbenchError("portable.error.not_server_backup", path=str(source))


def restore(url: str, source: Path, now: dt.datetime) -> Restored:
    """Put the backup *source* in place of the workbench's schema on the server *url*: checked, the
    current data dumped beside the backup as ``<backup>.before-restore-YYYYmmdd-HHMMSS.dump``, then
    restored in one transaction (a failure leaves the database as it was) and opened once more."""
    source = Path(source)
    if not source.is_file():
        raise WorkbenchError("portable.error.no_backup", path=str(source))
    schema, _ = _schema(url)
    _check_dump(source, schema)
    tmp = source.with_name(f".{source.name}.safety-{os.getpid()}")
    try:
        _dump(url, schema, tmp)
        safety = claim(tmp, source.parent, f"{source.name}.before-restore-{stamp(now)}", ".dump")
    finally:
        if tmp.exists():
            tmp.unlink()
    _run([program("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner",
          f"--dbname={url}", str(source)])
    store = Store(url)                     # migrates a backup from an earlier version
    try:
        return Restored(shown(url), source, store.schema_version, safety, store.backup_path)
    finally:
        store.close()
