"""DuckDB Store: one root connection per process, a cursor per unit of work.

Every user action is one transaction that writes its rows and an audit event
per row (before → after snapshots). Undo replays the last transaction of a
workspace backwards and is itself recorded. Deleting moves rows to the trash
(`deleted_at`, with a batch id so a cascade is restored together).

The SQL here is written once for both databases (``?`` parameters, plain types); what only
DuckDB (duck.py) or PostgreSQL (pg.py) does — opening, bulk writes, Arrow reads, locks — is
their backend's.

Long because this is the only module that reads and writes rows with SQL (migrations.py holds
the schema): the transaction, the row-version check, the change log, undo and the trash share one
connection and one lock, and a second module would be a second place where SQL is written.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from strategy_core.clock import Clock, system as system_clock
from strategy_core.errors import ConflictError, NotFoundError, StoreOpenError
from strategy_core.store import migrations
from strategy_core.store.duck import DuckBackend

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
def _plain(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return v


def _rows(cur: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


class Tx:
    """One unit of work: its cursor, its transaction id, and audit-recording writes."""

    def __init__(self, store: "Store", cur: Any, workspace_id: int | None,
                 action: str, actor: str | None):
        self.store, self.cur = store, cur
        self.workspace_id, self.action, self.actor = workspace_id, action, actor
        self.txn = self.new_id()
        self.now = store.clock.now().replace(microsecond=0)
        self.events = 0

    def new_id(self) -> int:
        return self.store.backend.ids(self.cur, 1)[0]

    def new_ids(self, n: int) -> list[int]:
        """*n* fresh ids from the sequence at once (to write rows that point at each other)."""
        if n <= 0:
            return []
        return self.store.backend.ids(self.cur, n)

    def query(self, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
        self.cur.execute(sql, list(params))
        return _rows(self.cur)

    def rows(self, table: str, workspace_id: int) -> list[dict[str, Any]]:
        """A workspace's live rows as this transaction sees them (its own writes included)."""
        assert table in ENTITY_TABLES and table != "workspace"
        return self.query(f"SELECT * FROM {table} WHERE workspace_id = ? AND deleted_at IS NULL "
                          f"ORDER BY {_ORDER.get(table, 'position, id')}", [workspace_id])

    def get(self, table: str, id_: int, *, lock: bool = False) -> dict[str, Any] | None:
        """One row by id as this transaction sees it; *lock*: it is about to be changed (on a server,
        a second writer of the row is then refused at once)."""
        assert table in ENTITY_TABLES
        r = self.query(f"SELECT * FROM {table} WHERE id = ?" + (self.store.backend.lock_rows if lock else ""), [id_])
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
        """Insert many rows of one table at once (bulk: executemany is very slow), with one audit
        event per row, also written in bulk. *ids*: ids taken before with new_ids() (one per row),
        else fresh ones."""
        assert table in ENTITY_TABLES
        if not rows:
            return []
        n = len(rows)
        if ids is None:
            ids = self.new_ids(n)
        assert len(ids) == n
        cols = ["id"] + [c for c in dict.fromkeys(k for r in rows for k in r) if c != "id"]
        records = [(i, *(r.get(c) for c in cols[1:])) for r, i in zip(rows, ids)]
        self.store.backend.bulk_insert(self.cur, table, cols, records, self.store.column_types(table))
        wanted = set(ids)
        after = [{k: _plain(v) for k, v in r.items()} for r in self.query(
            f"SELECT * FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id", [min(ids), max(ids)]) if r["id"] in wanted]
        self._audit_many(table, [a["id"] for a in after], None, [json.dumps(a, ensure_ascii=False) for a in after])
        return ids

    def _audit_many(self, table: str, ids: list[int], before: list[str] | None, after: list[str] | None,
                    undoes: int | None = None) -> None:
        """One audit event per row, written in bulk (before / after: JSON snapshots, or None for all)."""
        if not ids:
            return
        cols = ["id", "txn", "workspace_id", "at_time", "actor", "action", "entity", "entity_id", "before",
                "after", "undoes"]
        records = [(eid, self.txn, self.workspace_id, self.now, self.actor, self.action, table, id_,
                    None if before is None else before[k], None if after is None else after[k], undoes)
                   for k, (eid, id_) in enumerate(zip(self.new_ids(len(ids)), ids))]
        self.store.backend.bulk_insert(self.cur, "audit_event", cols, records, self.store.column_types("audit_event"))
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
        before = self.get(table, id_, lock=True)
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

    def load(self, table: str, cols: list[str], records: list[tuple]) -> None:
        """Write rows exactly as given — ids, change-log events and all — without an audit event of
        their own (moving a whole database: `store.copy`)."""
        assert table in ENTITY_TABLES or table == "audit_event"
        if records:
            self.store.backend.bulk_insert(self.cur, table, cols, records, self.store.column_types(table))

    def continue_ids_after(self, last: int) -> None:
        """Make the id sequence hand out ids above *last* (a copied database goes on where its source stopped)."""
        self.store.backend.restart_ids(self.cur, last + 1)

    def trash(self, table: str, ids: list[int], batch: int) -> None:
        for id_ in ids:
            self.update(table, id_, {"deleted_at": self.now, "deleted_batch": batch})

    def delete_many(self, table: str, ids: list[int], undoes: int) -> None:
        """Remove rows a transaction created (undo), in bulk: one DELETE and one bulk write of their
        audit events (row by row, undoing an import of 27,000 rows took six minutes)."""
        assert table in ENTITY_TABLES
        if not ids:
            return
        with self.store.backend.id_filter(self.cur, ids) as (cond, params):
            before = self.query(f"SELECT * FROM {table} WHERE {cond} ORDER BY id", params)
            self.cur.execute(f"DELETE FROM {table} WHERE {cond}", params)
        if before:
            self._audit_many(table, [b["id"] for b in before],
                             [json.dumps({k: _plain(v) for k, v in b.items()}, ensure_ascii=False) for b in before],
                             None, undoes)

    def restore_snapshot(self, table: str, id_: int, snapshot: dict[str, Any] | None, undoes: int) -> None:
        """Put a row back exactly as a snapshot had it (None: the row did not exist)."""
        before = self.get(table, id_, lock=True)
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
    """The workbench's database: a DuckDB file (a path) or a PostgreSQL server (a ``postgresql://``
    URL). Open with `open_store(location)`; share across threads freely."""

    def __init__(self, location: str | os.PathLike, *, migrate: bool = True, clock: Clock | None = None):
        self.clock = clock or system_clock()   # stamps the change log and the pre-migration backup
        if is_url(location):
            from strategy_core.store.pg import PgBackend
            self.backend: Any = PgBackend(str(location))
        else:
            self.backend = DuckBackend(Path(location))
        self.location: str | Path = location if is_url(location) else Path(location)   # as given: path or URL
        self.path: Path | None = self.backend.path     # the DuckDB file (None on a server)
        self.key: str = self.backend.key               # what caches and messages name: the file or the URL
        self.kind: str = self.backend.kind
        self.writes = 0     # committed transactions of this process: a reader's memo of this run is then stale
        self._types: dict[str, dict[str, str]] = {}
        self.backup_path: Path | None = None
        try:
            with self._cursor() as cur, self.backend.migration_lock(cur):
                version = migrations.current_version(cur)
                if version > migrations.LATEST:
                    raise StoreOpenError("store.error.too_new", path=self.key, version=version,
                                         latest=migrations.LATEST)
                if version == 0 and self.backend.existed and self._has_foreign_tables(cur):
                    raise StoreOpenError("store.error.foreign", path=self.key)
                if migrate and migrations.pending(cur):
                    if self.backend.existed and version > 0:
                        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
                        self.backup_path = self.backend.backup_before_migration(cur, stamp, version)
                    migrations.migrate(cur)
                # every table's column types, read now: a transaction that needs them later must not
                # take a second connection of the pool while it holds one (many at once would wait for ever)
                cur.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
                for table, column, kind in cur.fetchall():
                    self._types.setdefault(table, {})[column] = kind
        except Exception:
            self.backend.close()
            raise

    # -- plumbing -------------------------------------------------------------
    @staticmethod
    def _has_foreign_tables(cur: Any) -> bool:
        n = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                        "AND table_name <> 'schema_version'").fetchall()[0][0]
        return n > 0

    def _cursor(self) -> Any:
        return self.backend.cursor()

    def close(self) -> None:
        self.backend.close()

    def checkpoint(self) -> None:
        """Write everything in the write-ahead log into the database file (a plain copy of the
        file is then complete); nothing to do on a server."""
        self.backend.checkpoint()

    def column_types(self, table: str) -> dict[str, str]:
        """The columns of *table* and their database types, in table order."""
        if table not in self._types:
            with self._cursor() as cur:
                cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = ?", [table])
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
            cur.execute(self.backend.begin_sql)
            try:
                tx = Tx(self, cur, workspace_id, action, actor)
                yield tx
                cur.execute("COMMIT")
                self.writes += 1
            except self.backend.conflicts:
                cur.execute("ROLLBACK")
                raise ConflictError("store.error.conflict") from None
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    @property
    def schema_name(self) -> str:
        """The schema the workbench's tables live in (``main`` in a DuckDB file; on a server, the first of
        the search path — what pg_dump and pg_restore are pointed at)."""
        return str(self.query("SELECT current_schema() AS s")[0]["s"])

    @property
    def schema_version(self) -> int:
        with self._cursor() as cur:
            return migrations.current_version(cur)

    def dump(self, table: str) -> tuple[list[str], list[tuple]]:
        """Every row of *table* (live and in the trash, or every change-log event), by id, with its column names."""
        assert table in ENTITY_TABLES or table == "audit_event"
        with self._cursor() as cur:
            cur.execute(f"SELECT * FROM {table} ORDER BY id")
            return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]

    def take_id(self) -> int:
        """A fresh id of the sequence (the last a copy of this database must go on after)."""
        with self._cursor() as cur:
            return self.backend.ids(cur, 1)[0]

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
        types = self.column_types(table)
        with self._cursor() as cur:
            return self.backend.arrow(cur, f"SELECT {cols} FROM {table} WHERE workspace_id = ? AND deleted_at {cond} "
                                      f"ORDER BY {_ORDER.get(table, 'position, id')}", [workspace_id], types)

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
        """A number that grows with every committed change of the workspace (for caches), read from the
        database so every process (every replica of a server) sees the same.

        Not the newest event id alone: ids are taken when a transaction writes, not when it commits, so a
        slow transaction can commit ids below one already seen and leave the largest id as it was. The
        count of events grows with every commit, the largest id never shrinks: their sum always moves."""
        r = self.query("SELECT coalesce(max(id), 0) + count(*) AS v FROM audit_event WHERE workspace_id = ?",
                       [workspace_id])
        return int(r[0]["v"])

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


def is_url(location: object) -> bool:
    """True when *location* names a PostgreSQL server (a ``postgresql://`` URL) rather than a DuckDB file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_store(location: str | os.PathLike | None = None) -> Store:
    """Open (creating and migrating as needed) the database at *location* or $WORKBENCH_DB: a DuckDB
    file's path or a ``postgresql://`` URL."""
    return Store(location or default_location())


def default_location() -> str | Path:
    """$WORKBENCH_DB when set (a path, or a server's URL), else data/workbench.duckdb in the project folder."""
    env = os.environ.get("WORKBENCH_DB")
    if env:
        return env if is_url(env) else Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "workbench.duckdb"


def default_db_path() -> Path:
    """The DuckDB file of $WORKBENCH_DB (or data/workbench.duckdb) for the commands that need a file."""
    loc = default_location()
    return loc if isinstance(loc, Path) else Path(__file__).resolve().parents[2] / "data" / "workbench.duckdb"
