"""Backup and restore of the whole database file.

CHECKPOINT + copy rather than EXPORT DATABASE: the backup is one ordinary workbench database
file — it opens directly (restore is a file copy, and anyone can inspect it with DuckDB),
carries the change log, the trash and the id sequence exactly, and goes through the same
checks as any database file (magic bytes, schema version, migrations). EXPORT DATABASE
writes a folder of data files plus a schema script that must be replayed into an empty
database, depends on the DuckDB version's export dialect, and is not one file to keep.
The copy is made while our own connection holds the file's lock: after CHECKPOINT every
committed change is in the main file (the write-ahead log is empty), and no other process
can write until the copy is done.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from strategy_core.errors import StoreOpenError, WorkbenchError
from strategy_core.store.store import Store


@dataclass
class Restored:
    """What ``restore`` did: the database now in place and its schema version, the backup it came from, and the copies
    kept aside; the CLI prints it."""
    path: Path | str               # the file, or the server (without its password)
    source: Path
    version: int                   # the schema version of the database now in place
    safety: Path | None            # where the replaced file is kept (None: there was none)
    migrated_backup: Path | None   # the backup was older and was migrated; the unmigrated copy


def stamp(now: dt.datetime) -> str:
    """*now* as a backup's name carries it: YYYYmmdd-HHMMSS."""
    return now.strftime("%Y%m%d-%H%M%S")


def claim(tmp: Path, folder: Path, base: str, suffix: str) -> Path:
    """Give the finished file *tmp* the first free name base[-2, -3, …]suffix in *folder*,
    atomically and never over an existing file."""
    n = 1
    while True:
        dest = folder / (f"{base}{suffix}" if n == 1 else f"{base}-{n}{suffix}")
        try:
            os.link(tmp, dest)
        except FileExistsError:
            n += 1
            continue
        tmp.unlink()
        return dest


def open_checked(path: Path | str, shown: Path | str) -> Store:
    """Store on *path* without migrating, refusing a file that is not a workbench database;
    problems name *shown*."""
    try:
        store = Store(path, migrate=False)
    except StoreOpenError as e:
        raise StoreOpenError(e.key, **{**e.params, "path": str(shown)}) from None
    if store.schema_version == 0:
        store.close()
        raise WorkbenchError("portable.error.not_workbench", path=str(shown))
    return store


def backup(db: Path, out_dir: Path, now: dt.datetime) -> tuple[Path, int]:
    """Copy the database *db* into *out_dir* as ``<name>-YYYYmmdd-HHMMSS.duckdb`` (never over
    another file); returns (the backup's path, its schema version). The database is not
    migrated; a file that is locked by another process, foreign, corrupt or too new is refused
    (StoreOpenError), and so is a DuckDB file that is not a workbench database."""
    db, out_dir = Path(db), Path(out_dir)
    if not db.is_file():
        raise WorkbenchError("portable.error.no_db", path=str(db))
    if out_dir.exists() and not out_dir.is_dir():
        raise WorkbenchError("portable.error.out_not_dir", path=str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    store = open_checked(db, db)
    tmp = out_dir / f".{db.name}.partial-{os.getpid()}"
    try:
        version = store.schema_version
        store.checkpoint()
        shutil.copyfile(db, tmp)          # our connection holds the lock: nobody writes meanwhile
        dest = claim(tmp, out_dir, f"{db.stem}-{stamp(now)}", db.suffix or ".duckdb")
    finally:
        store.close()
        if tmp.exists():
            tmp.unlink()
    check = open_checked(dest, dest)    # the copy opens and says the same version
    try:
        assert check.schema_version == version
    finally:
        check.close()
    return dest, version


def restore(db: Path, source: Path, now: dt.datetime) -> Restored:
    """Put the backup *source* in place of the database *db*.

    The backup is copied first (it is never opened or changed itself) and the copy is checked:
    a DuckDB workbench database of a schema version this code reads. The current file, if
    any, is checkpointed and kept beside it as ``<name>.before-restore-YYYYmmdd-HHMMSS``;
    one that is locked by another process or is not a DuckDB file is refused and left alone
    (a corrupt one is kept as it is). Then the copy replaces it in one rename, and the
    database is opened once more — migrated if the backup came from an earlier version."""
    db, source = Path(db), Path(source)
    if not source.is_file():
        raise WorkbenchError("portable.error.no_backup", path=str(source))
    if not db.parent.is_dir():
        raise StoreOpenError("store.error.no_folder", path=str(db.parent))
    tmp = db.with_name(f".{db.name}.restore-{os.getpid()}")
    safety: Path | None = None
    try:
        shutil.copyfile(source, tmp)
        open_checked(tmp, source).close()
        if db.exists():
            try:
                current: Store | None = Store(db, migrate=False)
            except StoreOpenError as e:
                if e.key in ("store.error.locked", "store.error.foreign", "store.error.no_folder"):
                    raise
                current = None             # corrupt or too new: kept as it is, byte for byte
            try:
                if current is not None:
                    current.checkpoint()
                safe_tmp = db.with_name(f".{db.name}.safety-{os.getpid()}")
                shutil.copy2(db, safe_tmp)
                safety = claim(safe_tmp, db.parent, f"{db.name}.before-restore-{stamp(now)}", "")
            finally:
                if current is not None:
                    current.close()
            wal = db.with_name(db.name + ".wal")
            if wal.exists():               # left by a crash: it belongs to the old file, never the new one
                os.replace(wal, safety.with_name(safety.name + ".wal"))
        os.replace(tmp, db)
    finally:
        if tmp.exists():
            tmp.unlink()
    store = Store(db)                      # migrates a backup from an earlier version (and keeps it)
    try:
        return Restored(db, source, store.schema_version, safety, store.backup_path)
    finally:
        store.close()
