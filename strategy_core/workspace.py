"""Workspaces: one company's plan for one year (name, industry, currency, day basis, language)."""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from strategy_core import fields as F
from strategy_core.i18n import LANGS
from strategy_core.numbers import CURRENCIES
from strategy_core.store.store import ENTITY_TABLES, Store

INDUSTRIES = ("startup", "retail", "saas", "services", "manufacturing", "education", "other")
DAY_BASES = ("month_30", "calendar", "trading_days")
YEAR_MIN, YEAR_MAX = 2000, 2100


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate workspace settings; raises ValidationError naming each bad field."""
    c = F.collect()
    c("name", F.text, data.get("name"), required=True)
    year = c("year", F.number, data.get("year"), required=True, min_value=YEAR_MIN, max_value=YEAR_MAX)
    if year is not None and year != int(year):
        c.add("year", "error.not_whole", value=year)
    c("industry", F.choice, data.get("industry") or "other", INDUSTRIES)
    c("currency", F.choice, data.get("currency") or "CNY", CURRENCIES)
    basis = c("day_basis", F.choice, data.get("day_basis") or "month_30", DAY_BASES)
    days = c("trading_days", F.number, data.get("trading_days"), required=basis == "trading_days",
             min_value=1, max_value=366)
    if days is not None and days != int(days):
        c.add("trading_days", "error.not_whole", value=days)
    c("language", F.choice, data.get("language") or "zh", LANGS)
    c.raise_if_any()
    v = c.values
    return {"name": v["name"], "year": int(v["year"]), "industry": v["industry"], "currency": v["currency"],
            "day_basis": v["day_basis"],
            "trading_days": int(v["trading_days"]) if v["day_basis"] == "trading_days" else None,
            "language": v["language"]}


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def create(store: Store, data: dict[str, Any], actor: str | None = None) -> int:
    row = clean(data)
    with store.transaction(None, "workspace.create", actor) as tx:
        return store.insert_workspace(tx, row)


def update(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None) -> None:
    current = store.get_workspace(workspace_id)
    row = clean({**current, **data})
    with store.transaction(workspace_id, "workspace.update", actor) as tx:
        tx.update("workspace", workspace_id, row)


def rename(store: Store, workspace_id: int, name: str, actor: str | None = None) -> None:
    update(store, workspace_id, {"name": name}, actor)


def delete(store: Store, workspace_id: int, actor: str | None = None) -> None:
    """Move the workspace to the trash (its content stays with it)."""
    store.get_workspace(workspace_id)
    with store.transaction(workspace_id, "workspace.delete", actor) as tx:
        tx.trash("workspace", [workspace_id], tx.txn)


def restore(store: Store, workspace_id: int, actor: str | None = None) -> None:
    with store.transaction(workspace_id, "workspace.restore", actor) as tx:
        tx.update("workspace", workspace_id, {"deleted_at": None, "deleted_batch": None})


def restore_batch(store: Store, workspace_id: int, batch: int, actor: str | None = None) -> int:
    """Bring back everything one delete action moved to the trash; returns how many rows."""
    with store.transaction(workspace_id, "trash.restore", actor) as tx:
        rows = store.batch_rows(tx, batch)
        for table, id_ in rows:
            tx.update(table, id_, {"deleted_at": None, "deleted_batch": None})
        return len(rows)


def _shift_year(d: dt.date | None, delta: int) -> dt.date | None:
    if d is None or delta == 0:
        return d
    try:
        return d.replace(year=d.year + delta)
    except ValueError:  # 29 February
        return d.replace(year=d.year + delta, day=28)


def copy(store: Store, workspace_id: int, name: str, year: int | None = None, actor: str | None = None) -> int:
    """Copy a workspace (onion, objectives, key results) under a new name, optionally into another year.

    Ids are remapped so the copy's alignments and onion links point inside the copy;
    dates move by the difference in years.
    """
    src = store.get_workspace(workspace_id)
    settings = clean({**src, "name": name, "year": year if year is not None else src["year"]})
    delta = settings["year"] - src["year"]
    nodes = store.rows("onion_node", workspace_id)
    objectives = store.rows("objective", workspace_id)
    krs = store.rows("key_result", workspace_id)
    with store.transaction(None, "workspace.copy", actor) as tx:
        new_ws = store.insert_workspace(tx, settings)
        ids: dict[int, int] = {}
        for r in [*nodes, *objectives, *krs]:
            ids[r["id"]] = tx.new_id()
        strip = lambda r: {k: v for k, v in r.items() if k not in ("deleted_at", "deleted_batch")}
        for o in objectives:
            tx.insert("objective", {**strip(o), "id": ids[o["id"]], "workspace_id": new_ws,
                                    "aligns_to": ids.get(o["aligns_to"]) if o["aligns_to"] else None,
                                    "period_start": _shift_year(o["period_start"], delta),
                                    "period_end": _shift_year(o["period_end"], delta)})
        for k in krs:
            tx.insert("key_result", {**strip(k), "id": ids[k["id"]], "workspace_id": new_ws,
                                     "objective_id": ids[k["objective_id"]],
                                     "deadline": _shift_year(k["deadline"], delta)})
        for n in nodes:
            tx.insert("onion_node", {**strip(n), "id": ids[n["id"]], "workspace_id": new_ws,
                                     "parent_id": ids.get(n["parent_id"]) if n["parent_id"] else None,
                                     "key_result_id": ids.get(n["key_result_id"]) if n["key_result_id"] else None})
        return new_ws


assert set(ENTITY_TABLES) == {"workspace", "onion_node", "objective", "key_result"}, "copy() must learn new tables"
