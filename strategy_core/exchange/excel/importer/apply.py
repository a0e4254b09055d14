"""Writing a plan: every change of an import in ONE transaction ("xl.import", audited, undone by one
Undo), after checking the workspace did not change since the plan was made."""
from __future__ import annotations

from typing import Any

from strategy_core.errors import ConflictError, WorkbenchError
from strategy_core.exchange.excel.importer.plan import REF_FIELDS, ImportPlan
from strategy_core.store.store import Store


class ImportError_(WorkbenchError):
    """The plan cannot be applied as it stands (it has errors, or the workspace changed since)."""


def apply_import(store: Store, workspace_id: int, plan: ImportPlan, actor: str | None = None) -> int:
    """Write *plan* in one transaction; returns the number of changes. Refuses a plan with errors,
    a plan for another workspace and a plan made before the workspace last changed."""
    if plan.errors:
        raise ImportError_("xl.import.error.has_errors", count=len(plan.errors))
    if plan.workspace_id != workspace_id:
        raise ImportError_("xl.import.error.other_workspace")
    if store.version(workspace_id) != plan.version:
        raise ConflictError("xl.import.error.stale")
    if not plan.changes:
        return 0
    with store.transaction(workspace_id, "xl.import", actor) as tx:
        ids: dict[int, int] = {}
        for c in plan.changes:
            if c.op == "add" and c.id < 0 and not c.via_hook:
                ids[c.id] = tx.new_id()

        def mapped(values: dict[str, Any]) -> dict[str, Any]:
            return {k: (ids.get(v, v) if k in REF_FIELDS and isinstance(v, int) and v < 0 else v)
                    for k, v in values.items()}

        for c in plan.changes:
            if c.via_hook:
                continue
            if c.op == "add":
                tx.insert(c.table, {**mapped(c.values), "id": ids[c.id]})
            elif c.op == "change":
                tx.update(c.table, c.id, mapped(c.values))
        for hook in plan.hooks:
            hook(tx, ids)
        trash: dict[str, list[int]] = {}
        for c in plan.changes:
            if c.op == "remove" and not c.via_hook:
                trash.setdefault(c.table, []).append(c.id)
        for table, id_list in trash.items():
            tx.trash(table, list(dict.fromkeys(id_list)), tx.txn)
    return len(plan.changes)
