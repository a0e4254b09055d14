"""Fixtures that build real databases (temp DuckDB files), never mocks."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from strategy_core import demo  # noqa: E402
from strategy_core.store import Store  # noqa: E402

DEMO_YEAR = 2026


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
    return demo.load(store, "zh", DEMO_YEAR)


@pytest.fixture
def ws(store: Store) -> int:
    from strategy_core import workspace
    return workspace.create(store, {"name": "Acme", "year": DEMO_YEAR})
