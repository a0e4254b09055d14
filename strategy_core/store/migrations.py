"""Numbered, forward-only schema migrations with a version table.

Each step is frozen once released: a later change is a new step, never an edit
of an old one. `migrate(conn, upto=N)` applies the pending steps up to N (tests
use it to build a database as an earlier release left it). Before any step runs
on a file that already holds data, the caller backs the file up (see
`Store._backup_before_migration`).

No foreign keys on purpose: DuckDB cannot alter a table referenced by one
(DESIGN.md §3); integrity is kept by the Store.
"""
from __future__ import annotations

from typing import Callable

import duckdb

Step = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[int, str, Step]] = []


def migration(version: int, name: str):
    """Register the decorated function as schema step *version* called *name*; each step must be numbered one above the
    step declared before it."""
    def register(fn: Step) -> Step:
        assert not MIGRATIONS or MIGRATIONS[-1][0] == version - 1, "migrations must be numbered in order"
        MIGRATIONS.append((version, name, fn))
        return fn
    return register


@migration(1, "workspaces, revenue onion, objectives, key results")
def _v1(c: duckdb.DuckDBPyConnection) -> None:
    """The first schema. Long because a released step is frozen: its DDL stays as it shipped."""
    c.execute("CREATE SEQUENCE id_seq START 1")
    c.execute("""
        CREATE TABLE workspace (
            id BIGINT PRIMARY KEY,
            name VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            industry VARCHAR,
            currency VARCHAR NOT NULL,
            day_basis VARCHAR NOT NULL,
            trading_days INTEGER,
            language VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE onion_node (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            parent_id BIGINT,
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            amount DOUBLE,
            share DOUBLE,
            units DOUBLE,
            unit_price DOUBLE,
            key_result_id BIGINT,
            position INTEGER NOT NULL,
            note VARCHAR,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE objective (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            level VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            owner VARCHAR,
            team VARCHAR,
            period_start DATE,
            period_end DATE,
            aligns_to BIGINT,
            position INTEGER NOT NULL,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE key_result (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            objective_id BIGINT NOT NULL,
            statement VARCHAR NOT NULL,
            metric VARCHAR,
            unit VARCHAR,
            baseline DOUBLE,
            target DOUBLE,
            direction VARCHAR,
            band_low DOUBLE,
            band_high DOUBLE,
            deadline DATE,
            owner VARCHAR,
            team VARCHAR,
            decomposition_logic VARCHAR,
            data_support VARCHAR,
            execution_steps VARCHAR,
            data_source VARCHAR,
            alert_value DOUBLE,
            resources_money VARCHAR,
            resources_people VARCHAR,
            resources_things VARCHAR,
            risk_plan VARCHAR,
            position INTEGER NOT NULL,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")


@migration(2, "append-only audit log (the basis of undo)")
def _v2(c: duckdb.DuckDBPyConnection) -> None:
    c.execute("""
        CREATE TABLE audit_event (
            id BIGINT PRIMARY KEY,
            txn BIGINT NOT NULL,
            workspace_id BIGINT,
            at_time TIMESTAMP NOT NULL,
            actor VARCHAR,
            action VARCHAR NOT NULL,
            entity VARCHAR NOT NULL,
            entity_id BIGINT NOT NULL,
            before VARCHAR,
            after VARCHAR,
            undoes BIGINT
        )""")
    c.execute("CREATE INDEX audit_ws_txn ON audit_event (workspace_id, txn)")


@migration(3, "balanced scorecard, check-ins, readings, strategy map")
def _v3(c: duckdb.DuckDBPyConnection) -> None:
    """Long because a released step is frozen: its DDL stays as it shipped."""
    # which BSC perspectives the team uses (a small company may start with three)
    c.execute("ALTER TABLE workspace ADD COLUMN perspectives VARCHAR")
    c.execute("ALTER TABLE objective ADD COLUMN perspective VARCHAR")
    c.execute("ALTER TABLE key_result ADD COLUMN committed BOOLEAN")
    c.execute("ALTER TABLE key_result ADD COLUMN weight DOUBLE")
    c.execute("""
        CREATE TABLE indicator (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            perspective VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            unit VARCHAR,
            comparator VARCHAR NOT NULL,
            target DOUBLE NOT NULL,
            band DOUBLE,
            frequency VARCHAR NOT NULL,
            owner VARCHAR,
            data_source VARCHAR,
            template VARCHAR,
            position INTEGER NOT NULL,
            retired_at TIMESTAMP,
            retire_reason VARCHAR,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE indicator_kr (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            indicator_id BIGINT NOT NULL,
            key_result_id BIGINT NOT NULL,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE check_in (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            key_result_id BIGINT NOT NULL,
            date DATE NOT NULL,
            value DOUBLE NOT NULL,
            confidence INTEGER,
            note VARCHAR,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE reading (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            indicator_id BIGINT NOT NULL,
            date DATE NOT NULL,
            value DOUBLE NOT NULL,
            comment VARCHAR,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("""
        CREATE TABLE strategy_link (
            id BIGINT PRIMARY KEY,
            workspace_id BIGINT NOT NULL,
            cause_kind VARCHAR NOT NULL,
            cause_id BIGINT NOT NULL,
            effect_kind VARCHAR NOT NULL,
            effect_id BIGINT NOT NULL,
            deleted_at TIMESTAMP,
            deleted_batch BIGINT
        )""")
    c.execute("CREATE INDEX check_in_ws ON check_in (workspace_id, key_result_id, date)")
    c.execute("CREATE INDEX reading_ws ON reading (workspace_id, indicator_id, date)")


@migration(4, "weekly plans, daily reports, reviews with findings and adjustments, risks with plans A/B/C")
def _v4(c: duckdb.DuckDBPyConnection) -> None:
    tail = "deleted_at TIMESTAMP, deleted_batch BIGINT"
    c.execute(f"""
        CREATE TABLE weekly_plan (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL,
            person VARCHAR NOT NULL, week_start DATE NOT NULL,
            last_week_result VARCHAR, help_needed VARCHAR, confidence INTEGER, {tail})""")
    c.execute(f"""
        CREATE TABLE plan_item (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL, weekly_plan_id BIGINT NOT NULL,
            key_result_id BIGINT, text VARCHAR NOT NULL, kr_value DOUBLE, check_in_id BIGINT,
            done BOOLEAN, position INTEGER NOT NULL, {tail})""")
    c.execute(f"""
        CREATE TABLE daily_report (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL,
            day DATE NOT NULL, owner VARCHAR, note VARCHAR, submitted_at TIMESTAMP, {tail})""")
    c.execute("ALTER TABLE reading ADD COLUMN daily_report_id BIGINT")
    c.execute(f"""
        CREATE TABLE review (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL,
            kind VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL, held_on DATE NOT NULL,
            attendees VARCHAR, summary VARCHAR, {tail})""")
    c.execute(f"""
        CREATE TABLE review_finding (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL, review_id BIGINT NOT NULL,
            subject_kind VARCHAR NOT NULL, subject_id BIGINT, planned DOUBLE, actual DOUBLE, gap DOUBLE,
            cause VARCHAR, position INTEGER NOT NULL, {tail})""")
    c.execute(f"""
        CREATE TABLE adjustment (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL, review_id BIGINT NOT NULL,
            finding_id BIGINT, what VARCHAR NOT NULL, owner VARCHAR, due DATE, status VARCHAR NOT NULL,
            response VARCHAR, gap_closed BOOLEAN, responded_in BIGINT, {tail})""")
    c.execute(f"""
        CREATE TABLE risk (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL,
            name VARCHAR NOT NULL, level VARCHAR NOT NULL, top BOOLEAN NOT NULL,
            impact_share DOUBLE, impact_text VARCHAR, trigger_kind VARCHAR, trigger_id BIGINT,
            trigger_comparator VARCHAR, trigger_value DOUBLE, owner VARCHAR, position INTEGER NOT NULL, {tail})""")
    c.execute(f"""
        CREATE TABLE risk_plan (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL, risk_id BIGINT NOT NULL,
            label VARCHAR NOT NULL, strategy VARCHAR, cost DOUBLE, expected_result DOUBLE, expected_unit VARCHAR,
            channel VARCHAR, {tail})""")


@migration(5, "the workshop agenda: sessions with time boxes, the page each works on, and the shared timer")
def _v5(c: duckdb.DuckDBPyConnection) -> None:
    c.execute("""
        CREATE TABLE agenda_session (
            id BIGINT PRIMARY KEY, workspace_id BIGINT NOT NULL,
            day INTEGER NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL, minutes INTEGER NOT NULL,
            page VARCHAR NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP,
            deleted_at TIMESTAMP, deleted_batch BIGINT)""")


LATEST = MIGRATIONS[-1][0]


def current_version(c: duckdb.DuckDBPyConnection) -> int:
    """The database's schema version: the highest applied step, 0 when there is no version table or none."""
    has = c.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not has:
        return 0
    row = c.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    return int(row or 0)


def pending(c: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[tuple[int, str, Step]]:
    """The steps above the database's version, up to *upto* (default: the latest), in order."""
    v = current_version(c)
    top = LATEST if upto is None else upto
    return [m for m in MIGRATIONS if v < m[0] <= top]


def migrate(c: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Apply pending steps, each in its own transaction; returns the versions applied."""
    c.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
    done = []
    for version, name, step in pending(c, upto):
        c.execute("BEGIN TRANSACTION")
        try:
            step(c)
            c.execute("INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, name])
            c.execute("COMMIT")
        except Exception:
            c.execute("ROLLBACK")
            raise
        done.append(version)
    return done
