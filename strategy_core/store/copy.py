"""Moving a company between databases: every row of every table — live and in the trash — and the
whole change log, with their ids, from one Store into an empty one (a DuckDB file to a PostgreSQL
server, or back). Undo and the trash then work on the copy as they did on the source, and the id
sequence goes on above the source's last id.

One transaction on the target: a copy that fails half way leaves the target as empty as it was.
"""
from __future__ import annotations

from dataclasses import dataclass

from strategy_core.errors import WorkbenchError
from strategy_core.store.store import ENTITY_TABLES, Store

TABLES = (*ENTITY_TABLES, "audit_event")


@dataclass
class Copied:
    """What `copy` moved: rows per table (the change log under ``audit_event``)."""
    rows: dict[str, int]

    @property
    def data_rows(self) -> int:
        """The rows of the workbench's tables, the change log left out."""
        return sum(n for table, n in self.rows.items() if table != "audit_event")


def copy(source: Store, target: Store) -> Copied:
    """Copy everything of *source* into *target*, which must hold nothing yet (WorkbenchError
    ``copy.error.target_not_empty`` otherwise; nothing is written). Both are at the same schema
    version: opening a Store migrates it."""
    if source.key == target.key:
        raise WorkbenchError("copy.error.same", path=source.key)
    held = [t for t in TABLES if target.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]]
    if held:
        raise WorkbenchError("copy.error.target_not_empty", path=target.key, tables=", ".join(held))
    last = source.take_id()
    counts: dict[str, int] = {}
    with target.transaction(None, "copy") as tx:
        for table in TABLES:
            cols, records = source.dump(table)
            tx.load(table, cols, records)
            counts[table] = len(records)
        tx.continue_ids_after(last)
        # the copy's own transaction writes no event: the change log is the source's, exactly
        assert tx.events == 0
    return Copied(counts)
