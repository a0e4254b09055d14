"""Fixtures that build real databases (temp DuckDB files), never mocks."""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from strategy_core import clock, demo  # noqa: E402
from strategy_core.store import Store  # noqa: E402

DEMO_YEAR = 2026
# The day the whole suite runs on, whatever the machine's clock says: pinned for the app, the CLI and
# every server or subprocess a test starts (they inherit the environment). Core functions are told
# their dates; this pin is for the edges that read the one clock (strategy_core/clock.py).
TODAY = dt.date(2026, 9, 30)
NOW = dt.datetime(2026, 9, 30, 10, 0, 0)   # for what is stamped with a time (backup names)
os.environ[clock.ENV] = TODAY.isoformat()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbench.duckdb"


# $WORKBENCH_TEST_PG: a PostgreSQL database (URL) the suite may create schemas in. When set, every test
# that takes `store` (or `db_location`) runs on its own fresh schema of that server instead of a DuckDB file;
# tests about DuckDB files themselves (magic bytes, file backups, locks) keep using `db_path`.
TEST_PG = os.environ.get("WORKBENCH_TEST_PG", "")


@pytest.fixture
def db_location(db_path: Path):
    """Where the test's database lives: a temp DuckDB file, or a fresh PostgreSQL schema."""
    if not TEST_PG:
        yield db_path
        return
    yield from pg_schema()


def pg_schema():
    """A fresh schema of $WORKBENCH_TEST_PG as a store URL (dropped afterwards)."""
    import uuid

    import psycopg
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(TEST_PG, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in TEST_PG else "?"
    try:
        yield f"{TEST_PG}{sep}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(TEST_PG, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(autouse=bool(TEST_PG))
def _close_servers_left_open():
    """A Store a test (or the app under AppTest) left open keeps its pool's connections: closed here."""
    from strategy_core.store.pg import PgBackend
    before = set(PgBackend.live)
    yield
    for backend in PgBackend.live - before:
        backend.close()


@pytest.fixture
def store(db_location):
    s = Store(db_location)
    yield s
    s.close()


@pytest.fixture
def demo_ws(store: Store) -> int:
    return demo.load(store, "zh", DEMO_YEAR, today=TODAY)


@pytest.fixture
def ws(store: Store) -> int:
    from strategy_core.plan import workspace
    return workspace.create(store, {"name": "Acme", "year": DEMO_YEAR})
