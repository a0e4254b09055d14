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


@pytest.fixture
def store(db_path: Path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def demo_ws(store: Store) -> int:
    return demo.load(store, "zh", DEMO_YEAR, today=TODAY)


@pytest.fixture
def ws(store: Store) -> int:
    from strategy_core.plan import workspace
    return workspace.create(store, {"name": "Acme", "year": DEMO_YEAR})
