"""DuckDB Store: one root connection per process, a cursor per unit of work.

Every user action is one transaction that writes its rows and an audit event
per row (before → after snapshots). Undo replays the last transaction of a
workspace backwards and is itself recorded. Deleting moves rows to the trash
(`deleted_at`, with a batch id so a cascade is restored together).

The SQL here is deliberately plain (no DuckDB-only syntax outside of opening
the file) so a PostgreSQL backend can follow.

Long because this is the only module that reads and writes rows with SQL (migrations.py holds
the schema): the transaction, the row-version check, the change log, undo and the trash share one
connection and one lock, and a second module would be a second place where SQL is written.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb

from strategy_core.clock import Clock, system as system_clock
from strategy_core.errors import ConflictError, NotFoundError, StoreOpenError
from strategy_core.store import migrations

ENTITY_TABLES = ("workspace", "onion_node", "objective", "key_result", "indicator", "indicator_kr", "check_in",
                 "reading", "strategy_link", "weekly_plan", "plan_item", "daily_report", "review", "review_finding",
                 "adjustment", "risk", "risk_plan", "agenda_session")
# how each table's rows are listed, and which column names a row in the trash
_ORDER = {"check_in": "date, id", "reading": "date, id", "indicator_kr": "id", "strategy_link": "id",
          "weekly_plan": "week_start, person, id", "daily_report": "day, id", "review": "held_on, id",
          "adjustment": "id", "risk_plan": "risk_id, label, id", "agenda_session": "day, position, id"}
_LABEL = {"onion_node": "name", "objective": "title", "key_result": "statement", "indicator": "name",
          "check_in": "CAST(date AS VARCHAR) || ' · ' || CAST(value AS VARCHAR)",
          "reading": "CAST(date AS VARCHAR) || ' · ' || CAST(value AS VARCHAR)",
          "indicator_kr": "CAST(key_result_id AS VARCHAR)",
          "strategy_link": "cause_kind || ' → ' || effect_kind",
          "weekly_plan": "person || ' · ' || CAST(week_start AS VARCHAR)", "plan_item": "text",
          "daily_report": "CAST(day AS VARCHAR)", "review": "kind || ' · ' || CAST(held_on AS VARCHAR)",
          "review_finding": "coalesce(cause, subject_kind)", "adjustment": "what", "risk": "name",
          "risk_plan": "label || ' · ' || coalesce(strategy, '')", "agenda_session": "title"}
_CONFIG = {
    # nothing may try to download (DESIGN.md §3)
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
_DUCKDB_MAGIC = b"DUCK"
_NEWER_STORAGE = re.compile(r"storage version number (\d+), but we can only read storage versions between (\d+) and (\d+)")


def _check_file(path: Path) -> None:
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


def _plain(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return v


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


class Tx:
    """One unit of work: its cursor, its transaction id, and audit-recording writes."""

    def __init__(self, store: "Store", cur: duckdb.DuckDBPyConnection, workspace_id: int | None,
                 action: str, actor: str | None):
        self.store, self.cur = store, cur
        self.workspace_id, self.action, self.actor = workspace_id, action, actor
        self.txn = self.new_id()
        self.now = store.clock.now().replace(microsecond=0)
        self.events = 0

    def new_id(self) -> int:
        return int(self.cur.execute("SELECT nextval('id_seq')").fetchall()[0][0])

    def new_ids(self, n: int) -> list[int]:
        """*n* fresh ids from the sequence at once (to write rows that point at each other)."""
        if n <= 0:
            return []
        return [int(r[0]) for r in self.cur.execute(f"SELECT nextval('id_seq') FROM range({int(n)})").fetchall()]

    def query(self, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
        self.cur.execute(sql, list(params))
        return _rows(self.cur)

    def rows(self, table: str, workspace_id: int) -> list[dict[str, Any]]:
        """A workspace's live rows as this transaction sees them (its own writes included)."""
        assert table in ENTITY_TABLES and table != "workspace"
        return self.query(f"SELECT * FROM {table} WHERE workspace_id = ? AND deleted_at IS NULL "
                          f"ORDER BY {_ORDER.get(table, 'position, id')}", [workspace_id])

    def get(self, table: str, id_: int) -> dict[str, Any] | None:
        assert table in ENTITY_TABLES
        r = self.query(f"SELECT * FROM {table} WHERE id = ?", [id_])
        return r[0] if r else None

    def _audit(self, entity: str, entity_id: int, before: dict | None, after: dict | None,
               undoes: int | None = None) -> None:
        enc = lambda d: None if d is None else json.dumps({k: _plain(v) for k, v in d.items()}, ensure_ascii=False)
        self.cur.execute(
            "INSERT INTO audit_event (id, txn, workspace_id, at_time, actor, action, entity, entity_id, before, after, undoes)"
            " VALUES (nextval('id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.txn, self.workspace_id, self.now, self.actor, self.action, entity, entity_id,
             enc(before), enc(after), undoes])
        self.events += 1

    def insert_many(self, table: str, rows: list[dict[str, Any]], ids: list[int] | None = None) -> list[int]:
        """Insert many rows of one table at once (bulk, through Arrow — executemany is very slow),
        with one audit event per row, also written in bulk. *ids*: ids taken before with new_ids()
        (one per row), else fresh ones."""
        assert table in ENTITY_TABLES
        if not rows:
            return []
        import pandas as pd
        n = len(rows)
        if ids is None:
            ids = [int(r[0]) for r in self.cur.execute(f"SELECT nextval('id_seq') FROM range({n})").fetchall()]
        assert len(ids) == n
        frame = pd.DataFrame([{**r, "id": i} for r, i in zip(rows, ids)])
        cols = list(frame.columns)
        self.cur.register("_bulk_rows", frame)
        try:
            self.cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _bulk_rows")
        finally:
            self.cur.unregister("_bulk_rows")
        wanted = set(ids)
        after = [{k: _plain(v) for k, v in r.items()} for r in self.query(
            f"SELECT * FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id", [min(ids), max(ids)]) if r["id"] in wanted]
        self._audit_many(table, [a["id"] for a in after], None, [json.dumps(a, ensure_ascii=False) for a in after])
        return ids

    def _audit_many(self, table: str, ids: list[int], before: list[str] | None, after: list[str] | None,
                    undoes: int | None = None) -> None:
        """One audit event per row, written in bulk (before / after: JSON snapshots, or None for all)."""
        import pandas as pd
        events = pd.DataFrame({
            "txn": self.txn, "workspace_id": self.workspace_id, "at_time": self.now, "actor": self.actor,
            "action": self.action, "entity": table, "entity_id": ids, "before": before, "after": after,
            "undoes": undoes})
        self.cur.register("_bulk_events", events)
        try:
            self.cur.execute("INSERT INTO audit_event (id, txn, workspace_id, at_time, actor, action, entity, entity_id, "
                             "before, after, undoes) SELECT nextval('id_seq'), txn, workspace_id, at_time, actor, "
                             "action, entity, entity_id, CAST(before AS VARCHAR), CAST(after AS VARCHAR), "
                             "CAST(undoes AS BIGINT) FROM _bulk_events")
        finally:
            self.cur.unregister("_bulk_events")
        self.events += len(ids)

    def insert(self, table: str, row: dict[str, Any]) -> int:
        assert table in ENTITY_TABLES
        row = dict(row)
        row.setdefault("id", self.new_id())
        cols = list(row)
        self.cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [row[c] for c in cols])
        self._audit(table, row["id"], None, self.get(table, row["id"]))
        return int(row["id"])

    def update(self, table: str, id_: int, changes: dict[str, Any], *, seen: dict[str, Any] | None = None
               ) -> dict[str, Any]:
        """Write *changes* to one row (only the fields that differ), with its audit event.

        *seen*: the row as the person (or the code) read it before deciding on *changes*. It is
        compared here, inside the transaction, with the row as it is now: if anyone changed it since,
        nothing is written and ConflictError says so — a read-then-write never overwrites a change it
        did not see. (DuckDB refuses the write itself when the other change is not committed yet.)"""
        before = self.get(table, id_)
        if before is None or (seen is not None and before.get("deleted_at") is not None
                              and seen.get("deleted_at") is None):
            raise NotFoundError("error.not_found", entity=table, id=id_)
        if seen is not None and any(before.get(k) != v for k, v in seen.items() if k in before):
            raise ConflictError("store.error.changed")
        changes = {k: v for k, v in changes.items() if k != "id" and before.get(k) != v}
        if not changes:
            return before
        # The whole row is written, not only the changed fields: DuckDB tracks write conflicts per
        # column, so two sessions changing different fields of one row would both commit, the second
        # over a row it never saw (and its change-log *before* would miss the first). Writing every
        # column makes the second one fail with "Conflict on update" → ConflictError.
        row = {k: changes.get(k, v) for k, v in before.items() if k != "id"}
        sets = ", ".join(f"{c} = ?" for c in row)
        self.cur.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), id_])
        after = self.get(table, id_)
        self._audit(table, id_, before, after)
        return after

    def trash(self, table: str, ids: list[int], batch: int) -> None:
        for id_ in ids:
            self.update(table, id_, {"deleted_at": self.now, "deleted_batch": batch})

    def delete_many(self, table: str, ids: list[int], undoes: int) -> None:
        """Remove rows a transaction created (undo), in bulk: one DELETE and one bulk write of their
        audit events (row by row, undoing an import of 27,000 rows took six minutes)."""
        assert table in ENTITY_TABLES
        if not ids:
            return
        import pandas as pd
        self.cur.register("_undo_ids", pd.DataFrame({"id": ids}))
        try:
            before = self.query(f"SELECT * FROM {table} WHERE id IN (SELECT id FROM _undo_ids) ORDER BY id")
            self.cur.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM _undo_ids)")
        finally:
            self.cur.unregister("_undo_ids")
        if before:
            self._audit_many(table, [b["id"] for b in before],
                             [json.dumps({k: _plain(v) for k, v in b.items()}, ensure_ascii=False) for b in before],
                             None, undoes)

    def restore_snapshot(self, table: str, id_: int, snapshot: dict[str, Any] | None, undoes: int) -> None:
        """Put a row back exactly as a snapshot had it (None: the row did not exist)."""
        before = self.get(table, id_)
        if snapshot is None:
            if before is not None:
                self.cur.execute(f"DELETE FROM {table} WHERE id = ?", [id_])
        else:
            types = self.store.column_types(table)
            cols = list(snapshot)
            casts = [f"CAST(? AS {types[c]})" for c in cols]
            if before is None:
                self.cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(casts)})",
                                 [snapshot[c] for c in cols])
            else:
                sets = ", ".join(f"{c} = {cast}" for c, cast in zip(cols, casts))
                self.cur.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*[snapshot[c] for c in cols], id_])
        self._audit(table, id_, before, self.get(table, id_), undoes=undoes)


class Store:
    """The workbench's database. Open with `open_store(path)`; share across threads freely."""

    def __init__(self, path: str | os.PathLike, *, migrate: bool = True, clock: Clock | None = None):
        self.path = Path(path)
        self.clock = clock or system_clock()   # stamps the change log and the pre-migration backup
        _check_file(self.path)
        existed = self.path.exists()
        try:
            self._root = duckdb.connect(str(self.path), config=dict(_CONFIG))
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreOpenError("store.error.locked", path=str(self.path)) from None
            newer = _NEWER_STORAGE.search(msg)
            if newer:       # written by a newer DuckDB: say so, never call it corrupt
                raise StoreOpenError("store.error.newer_duckdb", path=str(self.path), got=newer[1],
                                     low=newer[2], high=newer[3], duckdb=duckdb.__version__) from None
            raise StoreOpenError("store.error.corrupt", path=str(self.path), detail=msg[:200]) from None
        except duckdb.Error as e:
            raise StoreOpenError("store.error.corrupt", path=str(self.path), detail=str(e)[:200]) from None
        self._lock = threading.Lock()
        self.writes = 0     # committed transactions of this process: a reader's memo of this run is then stale
        self._types: dict[str, dict[str, str]] = {}
        self.backup_path: Path | None = None
        try:
            with self._cursor() as cur:
                version = migrations.current_version(cur)
                if version > migrations.LATEST:
                    raise StoreOpenError("store.error.too_new", path=str(self.path), version=version,
                                         latest=migrations.LATEST)
                if version == 0 and existed and self._has_foreign_tables(cur):
                    raise StoreOpenError("store.error.foreign", path=str(self.path))
                if migrate and migrations.pending(cur):
                    if existed and version > 0:
                        self.backup_path = self._backup_before_migration(cur, version)
                    migrations.migrate(cur)
        except Exception:
            self._root.close()
            raise

    # -- plumbing -------------------------------------------------------------
    @staticmethod
    def _has_foreign_tables(cur: duckdb.DuckDBPyConnection) -> bool:
        n = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name <> 'schema_version'"
                        ).fetchall()[0][0]
        return n > 0

    def _backup_before_migration(self, cur: duckdb.DuckDBPyConnection, version: int) -> Path:
        cur.execute("CHECKPOINT")
        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
        dest = self.path.with_name(f"{self.path.name}.bak-v{version}-{stamp}")
        shutil.copy2(self.path, dest)
        return dest

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self._root.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        self._root.close()

    def checkpoint(self) -> None:
        """Write everything in the write-ahead log into the database file (a plain copy of the
        file is then complete)."""
        with self._cursor() as cur:
            cur.execute("CHECKPOINT")

    def column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            with self._cursor() as cur:
                cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                            [table])
                self._types[table] = dict(cur.fetchall())
        return self._types[table]

    def query(self, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
        with self._cursor() as cur:
            cur.execute(sql, list(params))
            return _rows(cur)

    @contextmanager
    def transaction(self, workspace_id: int | None, action: str, actor: str | None = None) -> Iterator[Tx]:
        """One user action: all of it is saved, or none of it."""
        with self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                tx = Tx(self, cur, workspace_id, action, actor)
                yield tx
                cur.execute("COMMIT")
                self.writes += 1
            except duckdb.TransactionException:
                cur.execute("ROLLBACK")
                raise ConflictError("store.error.conflict") from None
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        with self._cursor() as cur:
            return migrations.current_version(cur)

    # -- workspaces -----------------------------------------------------------
    def list_workspaces(self, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        return self.query(f"SELECT * FROM workspace {where} ORDER BY year DESC, name, id")

    def get_workspace(self, workspace_id: int) -> dict[str, Any]:
        r = self.query("SELECT * FROM workspace WHERE id = ? AND deleted_at IS NULL", [workspace_id])
        if not r:
            raise NotFoundError("error.not_found", entity="workspace", id=workspace_id)
        return r[0]

    def insert_workspace(self, tx: Tx, row: dict[str, Any]) -> int:
        row = {**row, "created_at": tx.now}
        wid = tx.new_id()
        tx.workspace_id = wid
        return tx.insert("workspace", {"id": wid, **row})

    # -- generic entity access used by the domain services ------------------------
    def rows(self, table: str, workspace_id: int, *, deleted: bool = False) -> list[dict[str, Any]]:
        assert table in ENTITY_TABLES and table != "workspace"
        cond = "IS NOT NULL" if deleted else "IS NULL"
        return self.query(f"SELECT * FROM {table} WHERE workspace_id = ? AND deleted_at {cond} "
                          f"ORDER BY {_ORDER.get(table, 'position, id')}", [workspace_id])

    def rows_of(self, table: str, column: str, value: int) -> list[dict[str, Any]]:
        """The live rows of *table* whose *column* is *value* — one KR's check-ins, say — in the same
        order as `rows` (a page that shows one KR's entries need not read the workspace's)."""
        assert table in ENTITY_TABLES and column in self.column_types(table), (table, column)
        return self.query(f"SELECT * FROM {table} WHERE {column} = ? AND deleted_at IS NULL "
                          f"ORDER BY {_ORDER.get(table, 'position, id')}", [value])

    def arrow(self, table: str, workspace_id: int, columns: list[str] | tuple[str, ...] | None = None,
              *, deleted: bool = False) -> "pyarrow.Table":
        """The same rows as `rows` (same filter, same order), read column-wise as a pyarrow.Table.

        For the large tables (check-ins, readings): no Python object per row is made, and
        ``.to_pylist()`` gives exactly the dicts `rows` returns. *columns* limits the columns
        (default: all of them, in table order)."""
        assert table in ENTITY_TABLES and table != "workspace"
        if columns is None:
            cols = "*"
        else:
            known = self.column_types(table)
            unknown = [c for c in columns if c not in known]
            assert not unknown, f"unknown columns of {table}: {unknown}"
            cols = ", ".join(columns)
        cond = "IS NOT NULL" if deleted else "IS NULL"
        with self._cursor() as cur:
            # a relation, not execute(): DuckDB then hands the result to Arrow without an extra copy
            return cur.sql(f"SELECT {cols} FROM {table} WHERE workspace_id = ? AND deleted_at {cond} "
                           f"ORDER BY {_ORDER.get(table, 'position, id')}", params=[workspace_id]).to_arrow_table()

    def row(self, table: str, id_: int) -> dict[str, Any]:
        assert table in ENTITY_TABLES
        r = self.query(f"SELECT * FROM {table} WHERE id = ? AND deleted_at IS NULL", [id_])
        if not r:
            raise NotFoundError("error.not_found", entity=table, id=id_)
        return r[0]

    def next_position(self, tx: Tx, table: str, workspace_id: int) -> int:
        r = tx.query(f"SELECT coalesce(max(position), -1) + 1 AS p FROM {table} WHERE workspace_id = ?",
                     [workspace_id])
        return int(r[0]["p"])

    def counts(self, workspace_id: int) -> dict[str, int]:
        out = {}
        for table in ("onion_node", "objective", "key_result", "indicator", "check_in", "reading"):
            out[table] = self.query(f"SELECT count(*) AS n FROM {table} WHERE workspace_id = ? AND deleted_at IS NULL",
                                    [workspace_id])[0]["n"]
        return out

    # -- trash ----------------------------------------------------------------
    def trash_batches(self, workspace_id: int) -> list[dict[str, Any]]:
        """Deleted things of a workspace, one entry per delete action (newest first)."""
        parts = []
        tables = [t for t in ENTITY_TABLES if t != "workspace"]
        for table in tables:
            parts.append(f"SELECT '{table}' AS entity, id, {_LABEL[table]} AS label, deleted_at, deleted_batch "
                         f"FROM {table} WHERE workspace_id = ? AND deleted_at IS NOT NULL")
        rows = self.query(" UNION ALL ".join(parts) + " ORDER BY deleted_at DESC, deleted_batch DESC, id",
                          [workspace_id] * len(tables))
        batches: dict[int, dict[str, Any]] = {}
        for r in rows:
            b = batches.setdefault(r["deleted_batch"], {"batch": r["deleted_batch"], "deleted_at": r["deleted_at"],
                                                         "items": []})
            b["items"].append(r)
        return list(batches.values())

    def deleted_workspaces(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM workspace WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC")

    def batch_rows(self, tx: Tx, batch: int) -> list[tuple[str, int]]:
        out = []
        for table in ENTITY_TABLES:
            for r in tx.query(f"SELECT id FROM {table} WHERE deleted_batch = ? AND deleted_at IS NOT NULL", [batch]):
                out.append((table, int(r["id"])))
        return out

    # -- audit and undo -------------------------------------------------------
    def audit(self, workspace_id: int, limit: int = 200) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM audit_event WHERE workspace_id = ? ORDER BY id DESC LIMIT ?",
                          [workspace_id, limit])

    def version(self, workspace_id: int) -> int:
        """A number that changes with every change of the workspace (for caches)."""
        return int(self.query("SELECT coalesce(max(id), 0) AS v FROM audit_event WHERE workspace_id = ?",
                              [workspace_id])[0]["v"])

    def last_undoable(self, workspace_id: int, tx: Tx | None = None) -> dict[str, Any] | None:
        """The newest transaction of the workspace that is not an undo and was not undone."""
        r = (tx.query if tx is not None else self.query)(
            "SELECT txn, min(action) AS action, min(at_time) AS at_time, count(*) AS events FROM audit_event a "
            "WHERE workspace_id = ? AND undoes IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM audit_event u WHERE u.undoes = a.txn) "
            "GROUP BY txn ORDER BY txn DESC LIMIT 1", [workspace_id])
        return r[0] if r else None

    def undo(self, workspace_id: int, actor: str | None = None, *, seen_txn: int | None = None
             ) -> dict[str, Any] | None:
        """Undo the last change of the workspace; returns what was undone, or None.

        *seen_txn*: the transaction the person was offered to undo (the button names it). If another
        change came after it, nothing is undone and ConflictError says so: an undo must never take
        back someone else's change the person has not seen."""
        with self.transaction(workspace_id, "undo", actor) as tx:
            last = self.last_undoable(workspace_id, tx)
            if last is None:
                return None
            if seen_txn is not None and int(last["txn"]) != int(seen_txn):
                raise ConflictError("store.error.undo_moved")
            events = tx.query("SELECT entity, entity_id, before FROM audit_event WHERE txn = ? ORDER BY id",
                              [last["txn"]])
            # each row goes back to what it was before its first change in that transaction
            target: dict[tuple[str, int], str | None] = {}
            for ev in events:
                target.setdefault((ev["entity"], int(ev["entity_id"])), ev["before"])
            gone: dict[str, list[int]] = {}
            for (table, id_), before in reversed(list(target.items())):
                if before is None:
                    gone.setdefault(table, []).append(id_)      # rows the transaction created: in bulk
                else:
                    tx.restore_snapshot(table, id_, json.loads(before), undoes=int(last["txn"]))
            for table, ids in gone.items():
                tx.delete_many(table, ids, undoes=int(last["txn"]))
        return last


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open (creating and migrating as needed) the database at *path* or $WORKBENCH_DB."""
    return Store(path or default_db_path())


def default_db_path() -> Path:
    """$WORKBENCH_DB when set, else data/workbench.duckdb in the project folder."""
    env = os.environ.get("WORKBENCH_DB")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "workbench.duckdb"
