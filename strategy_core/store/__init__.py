"""The only place that speaks SQL: a DuckDB-backed Store with domain-level methods."""
from strategy_core.store.store import Store, open_store  # noqa: F401
