"""The embedded store: one DuckDB file, one root connection per process, a cursor per unit of work.

What only DuckDB does lives here — refusing a file that is not a DuckDB database before DuckDB
touches it, naming a lock or a newer storage format, bulk writes through a registered DataFrame
(executemany is very slow), Arrow reads without a copy, CHECKPOINT before a file copy — so
`store.py` holds one SQL for both stores.
"""
from __future__ import annotations

import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb

from strategy_core.errors import StoreOpenError

_CONFIG = {
    # nothing may try to download (DESIGN.md §3)
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
_DUCKDB_MAGIC = b"DUCK"
_NEWER_STORAGE = re.compile(r"storage version number (\d+), but we can only read storage versions between (\d+) and (\d+)")


def check_file(path: Path) -> None:
    """Refuse a file that is not a DuckDB database, before DuckDB touches it."""
    if not path.exists():
        if not path.parent.exists():
            raise StoreOpenError("store.error.no_folder", path=str(path.parent))
        return
    if path.is_dir():
        raise StoreOpenError("store.error.foreign", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise StoreOpenError("store.error.foreign", path=str(path))
    with path.open("rb") as fh:
        head = fh.read(16)
    if len(head) < 12 or head[8:12] != _DUCKDB_MAGIC:
        raise StoreOpenError("store.error.foreign", path=str(path))


class DuckBackend:
    """A DuckDB file as the Store's database (the default of `make run`)."""

    kind = "duckdb"
    begin_sql = "BEGIN TRANSACTION"
    lock_rows = ""                  # DuckDB refuses the second of two conflicting writes by itself
    conflicts: tuple[type[BaseException], ...] = (duckdb.TransactionException,)
    errors: tuple[type[BaseException], ...] = (duckdb.Error,)

    def __init__(self, path: Path):
        self.path = path
        self.key = str(path)
        check_file(path)
        self.existed = path.exists()
        try:
            self._root = duckdb.connect(str(path), config=dict(_CONFIG))
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreOpenError("store.error.locked", path=str(path)) from None
            newer = _NEWER_STORAGE.search(msg)
            if newer:       # written by a newer DuckDB: say so, never call it corrupt
                raise StoreOpenError("store.error.newer_duckdb", path=str(path), got=newer[1],
                                     low=newer[2], high=newer[3], duckdb=duckdb.__version__) from None
            raise StoreOpenError("store.error.corrupt", path=str(path), detail=msg[:200]) from None
        except duckdb.Error as e:
            raise StoreOpenError("store.error.corrupt", path=str(path), detail=str(e)[:200]) from None
        self._lock = threading.Lock()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self._root.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        self._root.close()

    @staticmethod
    def ids(cur: duckdb.DuckDBPyConnection, n: int) -> list[int]:
        return [int(r[0]) for r in cur.execute(f"SELECT nextval('id_seq') FROM range({int(n)})").fetchall()]

    @staticmethod
    def restart_ids(cur: duckdb.DuckDBPyConnection, start: int) -> None:
        # DuckDB has no setval: the sequence is made again (no column defaults to it)
        cur.execute("DROP SEQUENCE id_seq")
        cur.execute(f"CREATE SEQUENCE id_seq START {int(start)}")

    @staticmethod
    def bulk_insert(cur: duckdb.DuckDBPyConnection, table: str, cols: list[str], records: list[tuple],
                    types: dict[str, str]) -> None:
        """Insert *records* (tuples in *cols* order) through a registered DataFrame; each column is
        cast to its table type (a column that is None in every row has no type of its own)."""
        import pandas as pd
        frame = pd.DataFrame.from_records(records, columns=cols)
        cur.register("_bulk_rows", frame)
        try:
            casts = ", ".join(f"CAST({c} AS {types[c]})" for c in cols)
            cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {casts} FROM _bulk_rows")
        finally:
            cur.unregister("_bulk_rows")

    @staticmethod
    @contextmanager
    def id_filter(cur: duckdb.DuckDBPyConnection, ids: list[int]) -> Iterator[tuple[str, list]]:
        """A WHERE condition (and its parameters) for "id is one of *ids*", however many."""
        import pandas as pd
        cur.register("_undo_ids", pd.DataFrame({"id": ids}))
        try:
            yield "id IN (SELECT id FROM _undo_ids)", []
        finally:
            cur.unregister("_undo_ids")

    @staticmethod
    def arrow(cur: duckdb.DuckDBPyConnection, sql: str, params: list, types: dict[str, str]) -> Any:
        # a relation, not execute(): DuckDB then hands the result to Arrow without an extra copy
        return cur.sql(sql, params=params).to_arrow_table()

    def checkpoint(self) -> None:
        with self.cursor() as cur:
            cur.execute("CHECKPOINT")

    def backup_before_migration(self, cur: duckdb.DuckDBPyConnection, stamp: str, version: int) -> Path:
        cur.execute("CHECKPOINT")
        dest = self.path.with_name(f"{self.path.name}.bak-v{version}-{stamp}")
        shutil.copy2(self.path, dest)
        return dest

    @staticmethod
    @contextmanager
    def migration_lock(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
        yield               # the file's own lock: one process has it open
