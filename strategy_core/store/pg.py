"""The team server's store: a PostgreSQL database behind the same Store (psycopg 3, a connection pool).

`store.py` writes its SQL once, with ``?`` parameters and the types the migrations name; this
module speaks it to PostgreSQL: ``?`` becomes ``%s``, ``DOUBLE`` in the schema becomes ``DOUBLE
PRECISION``, bulk writes go through ``COPY``, ids come from ``generate_series``. Every transaction
is REPEATABLE READ (the snapshot DuckDB gives) and reads a row it is about to change with ``FOR
UPDATE NOWAIT``: a second writer of the same row is refused at once (ConflictError), never made to
wait or allowed to write over a change it did not see. Migrations run under an advisory lock, so
two replicas starting together never migrate at once.
"""
from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import psycopg
import psycopg.errors
import psycopg.sql
from psycopg.types.numeric import FloatDumper, IntDumper
from psycopg_pool import ConnectionPool

from strategy_core.errors import StoreOpenError, WorkbenchError

_DOUBLE = re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.IGNORECASE)
_PASSWORD = re.compile(r"((?:^|&)password=)[^&]*")
_DDL = re.compile(r"^\s*(CREATE|ALTER)\b", re.IGNORECASE)
# each column type of the schema as the Arrow type DuckDB reads it as
_ARROW = {"bigint": pa.int64(), "integer": pa.int32(), "double precision": pa.float64(),
          "character varying": pa.string(), "text": pa.string(), "date": pa.date32(), "boolean": pa.bool_(),
          "timestamp without time zone": pa.timestamp("us")}


def shown(url: str) -> str:
    """The URL without its password (in the address or as ``password=`` among its parameters), for
    messages and cache keys."""
    parts = urlsplit(url)
    netloc, query = parts.netloc, _PASSWORD.sub(r"\1***", parts.query)
    if parts.password is not None:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    # built by hand: urlunsplit drops the empty host of postgresql:///db?host=/socket/folder
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "") + (
        f"#{parts.fragment}" if parts.fragment else "")


@lru_cache(maxsize=512)
def _sql(sql: str, with_params: bool) -> str:
    if _DDL.match(sql):
        sql = _DOUBLE.sub("DOUBLE PRECISION", sql)
    if not with_params:
        return sql
    return sql.replace("%", "%%").replace("?", "%s")


def program(name: str) -> str:
    """A PostgreSQL program (initdb, pg_ctl, pg_dump, pg_restore): on the PATH, else in Debian's folder of the
    newest installed version; WorkbenchError ``team.error.no_postgres`` when it is not installed."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/" + name), key=lambda p: int(p.parts[-3]))
    if versions:
        return str(versions[-1])
    raise WorkbenchError("team.error.no_postgres", program=name)


def create_database(admin_url: str, name: str) -> None:
    """Create the database *name* on the server of *admin_url* unless it is there (`make team`);
    WorkbenchError ``store.error.server`` with the server's words when it cannot."""
    try:
        with psycopg.connect(admin_url, autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchall():
                c.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    except psycopg.Error as e:
        raise StoreOpenError("store.error.server", url=shown(admin_url), detail=_first_line(e)) from None


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]


def _text(v: Any) -> Any:
    """PostgreSQL text cannot hold NUL: it is dropped (it never means anything a person typed;
    DuckDB keeps it, and the export removes it there)."""
    return v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v


class Cursor:
    """A psycopg cursor that takes the Store's SQL (``?`` parameters) and chains like DuckDB's."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self._cur = conn.cursor()

    def execute(self, sql: str, params: list | tuple | None = None) -> "Cursor":
        params = [_text(v) for v in params] if params else None
        self._cur.execute(_sql(sql, params is not None), params)
        return self

    def fetchall(self) -> list[tuple]:
        return self._cur.fetchall() if self._cur.description is not None else []

    @property
    def description(self) -> Any:
        return self._cur.description

    def copy(self, sql: str) -> Any:
        return self._cur.copy(sql)

    def close(self) -> None:
        self._cur.close()


def _configure(conn: psycopg.Connection) -> None:
    for t in (np.int64, np.int32, np.int16, np.int8, np.uint32, np.uint16, np.uint8):
        conn.adapters.register_dumper(t, IntDumper)
    conn.adapters.register_dumper(np.float32, FloatDumper)
    # a forgotten open transaction elsewhere must not stall a writer for ever
    conn.execute("SET lock_timeout = '10s'")


class PgBackend:
    """A PostgreSQL database (or one schema of it, by the URL's ``options=-csearch_path=…``)."""

    kind = "postgresql"
    begin_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ"
    lock_rows = " FOR UPDATE NOWAIT"
    conflicts: tuple[type[BaseException], ...] = (psycopg.errors.SerializationFailure,
                                                  psycopg.errors.LockNotAvailable,
                                                  psycopg.errors.DeadlockDetected)
    errors: tuple[type[BaseException], ...] = (psycopg.Error,)
    path: Path | None = None
    existed = True
    live: set["PgBackend"] = set()    # the pools this process has open (the test suite closes what a test left)

    def __init__(self, url: str, *, max_size: int = 8):
        self.url = url
        self.key = shown(url)
        try:    # one plain connection first: the server's own words when it cannot be reached
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as e:
            raise StoreOpenError("store.error.server", url=self.key, detail=_first_line(e)) from None
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False,
                                    kwargs={"autocommit": True}, configure=_configure)
        try:
            self._pool.open(wait=True, timeout=15)
        except Exception as e:      # the pool says PoolTimeout when its connections fail
            self._pool.close()
            raise StoreOpenError("store.error.server", url=self.key, detail=_first_line(e)) from None
        PgBackend.live.add(self)

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        with self._pool.connection() as conn:
            cur = Cursor(conn)
            try:
                yield cur
            finally:
                cur.close()

    def close(self) -> None:
        PgBackend.live.discard(self)
        self._pool.close()

    @staticmethod
    def ids(cur: Cursor, n: int) -> list[int]:
        return [int(r[0]) for r in cur.execute(
            f"SELECT nextval('id_seq') FROM generate_series(1, {int(n)})").fetchall()]

    @staticmethod
    def restart_ids(cur: Cursor, start: int) -> None:
        cur.execute(f"SELECT setval('id_seq', {int(start)}, false)")

    @staticmethod
    def bulk_insert(cur: Cursor, table: str, cols: list[str], records: list[tuple], types: dict[str, str]) -> None:
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for rec in records:
                copy.write_row([_text(v) for v in rec])

    @staticmethod
    @contextmanager
    def id_filter(cur: Cursor, ids: list[int]) -> Iterator[tuple[str, list]]:
        """A WHERE condition (and its parameters) for "id is one of *ids*", however many."""
        yield "id = ANY(?)", [list(ids)]

    @staticmethod
    def arrow(cur: Cursor, sql: str, params: list, types: dict[str, str]) -> Any:
        """The rows as a pyarrow.Table, through ``COPY … TO STDOUT`` as CSV parsed by Arrow: ten times
        faster than a Python tuple per row for the board's 150,000 check-ins. NULL is an empty field,
        an empty text a quoted one; every column gets its table type."""
        query = psycopg.ClientCursor(cur.conn).mogrify(_sql(sql, True), [_text(v) for v in params])
        with cur.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            data = b"".join(bytes(block) for block in copy)
        column_types = {name: _ARROW[t] for name, t in types.items() if t in _ARROW}
        return pcsv.read_csv(
            pa.py_buffer(data), parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types=column_types, null_values=[""],
                                                strings_can_be_null=True, quoted_strings_can_be_null=False,
                                                true_values=["t"], false_values=["f"]))

    def checkpoint(self) -> None:
        """Nothing to do: the server keeps its own files consistent (backups use pg_dump)."""

    def backup_before_migration(self, cur: Cursor, stamp: str, version: int) -> Path | None:
        return None        # a server's backups are the operator's pg_dump schedule (README)

    @staticmethod
    @contextmanager
    def migration_lock(cur: Cursor) -> Iterator[None]:
        cur.execute("SELECT pg_advisory_lock(hashtext(current_schema()))")
        try:
            yield
        finally:
            cur.execute("SELECT pg_advisory_unlock(hashtext(current_schema()))")
