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
    """366 in a leap year, else 365."""
    return 366 if calendar.isleap(year) else 365


def create(store: Store, data: dict[str, Any], actor: str | None = None) -> int:
    """Create a workspace from *data* (checked by ``clean``); returns its id."""
    row = clean(data)
    with store.transaction(None, "workspace.create", actor) as tx:
        return store.insert_workspace(tx, row)


def update(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None, *,
           seen: dict[str, Any] | None = None) -> None:
    """Change the workspace settings; *seen*: the row as the person saw it (a change made since
    refuses the save)."""
    current = store.get_workspace(workspace_id)
    row = clean({**current, **data})
    with store.transaction(workspace_id, "workspace.update", actor) as tx:
        tx.update("workspace", workspace_id, row, seen=current if seen is None else seen)


def rename(store: Store, workspace_id: int, name: str, actor: str | None = None) -> None:
    """Give the workspace a new name (checked as ``update`` checks it)."""
    update(store, workspace_id, {"name": name}, actor)


def delete(store: Store, workspace_id: int, actor: str | None = None) -> None:
    """Move the workspace to the trash (its content stays with it)."""
    store.get_workspace(workspace_id)
    with store.transaction(workspace_id, "workspace.delete", actor) as tx:
        tx.trash("workspace", [workspace_id], tx.txn)


def restore(store: Store, workspace_id: int, actor: str | None = None) -> None:
    """Take a workspace out of the trash (its content never left it)."""
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


def copy(store: Store, workspace_id: int, name: str, year: int | None = None, actor: str | None = None,
         *, history: bool = False) -> int:
    """Copy a workspace under a new name, optionally into another year.

    The plan is copied whole — onion, objectives, key results, indicators, their KR links,
    the strategy map, the risks with their plans and the workshop agenda (its timer not) — with ids remapped so every link points inside the copy, and dates moved
    by the difference in years. Check-ins and readings are history: they stay behind unless
    *history* is asked for (then their dates move too).
    """
    src = store.get_workspace(workspace_id)
    settings = clean({**src, "name": name, "year": year if year is not None else src["year"]})
    settings["perspectives"] = src.get("perspectives")
    delta = settings["year"] - src["year"]
    rows = {t: store.rows(t, workspace_id) for t in COPIED}
    with store.transaction(None, "workspace.copy", actor) as tx:
        new_ws = store.insert_workspace(tx, settings)
        ids: dict[int, int] = {}
        for table in COPIED:
            for r in rows[table]:
                ids[r["id"]] = tx.new_id()
        remap = lambda v: ids.get(v) if v is not None else None

        def fresh(r: dict[str, Any], **changes: Any) -> dict[str, Any]:
            out = {k: v for k, v in r.items() if k not in ("deleted_at", "deleted_batch")}
            return {**out, "id": ids[r["id"]], "workspace_id": new_ws, **changes}

        for o in rows["objective"]:
            tx.insert("objective", fresh(o, aligns_to=remap(o["aligns_to"]),
                                         period_start=_shift_year(o["period_start"], delta),
                                         period_end=_shift_year(o["period_end"], delta)))
        for k in rows["key_result"]:
            tx.insert("key_result", fresh(k, objective_id=ids[k["objective_id"]],
                                          deadline=_shift_year(k["deadline"], delta)))
        for n in rows["onion_node"]:
            tx.insert("onion_node", fresh(n, parent_id=remap(n["parent_id"]), key_result_id=remap(n["key_result_id"])))
        for i in rows["indicator"]:
            tx.insert("indicator", fresh(i))
        for link in rows["indicator_kr"]:
            if link["indicator_id"] in ids and link["key_result_id"] in ids:
                tx.insert("indicator_kr", fresh(link, indicator_id=ids[link["indicator_id"]],
                                                key_result_id=ids[link["key_result_id"]]))
        for link in rows["strategy_link"]:
            if link["cause_id"] in ids and link["effect_id"] in ids:
                tx.insert("strategy_link", fresh(link, cause_id=ids[link["cause_id"]], effect_id=ids[link["effect_id"]]))
        for r in rows["risk"]:
            trig = r["trigger_id"]
            tx.insert("risk", fresh(r, trigger_id=remap(trig) if trig in ids else None,
                                    trigger_kind=r["trigger_kind"] if trig in ids else None))
        for p in rows["risk_plan"]:
            tx.insert("risk_plan", fresh(p, risk_id=ids[p["risk_id"]]))
        for a in rows["agenda_session"]:      # the agenda comes along; its timer starts afresh
            tx.insert("agenda_session", fresh(a, started_at=None, finished_at=None))
        if history:
            for table, owner in (("check_in", "key_result_id"), ("reading", "indicator_id")):
                moved = [{k: v for k, v in r.items() if k not in ("id", "deleted_at", "deleted_batch", "daily_report_id")}
                         | {"workspace_id": new_ws, owner: ids[r[owner]], "date": _shift_year(r["date"], delta)}
                         for r in tx.rows(table, workspace_id) if r[owner] in ids]
                tx.insert_many(table, moved)
        return new_ws


# every table of a workspace is either copied as plan or left behind as history
COPIED = ("objective", "key_result", "onion_node", "indicator", "indicator_kr", "strategy_link", "risk", "risk_plan",
          "agenda_session")
# columns of a copied table that start empty in the copy
RESET = {"agenda_session": ("started_at", "finished_at")}
# history stays behind (check-ins and readings can be brought along; the rest belongs to its year)
HISTORY = ("check_in", "reading", "weekly_plan", "plan_item", "daily_report", "review", "review_finding", "adjustment")
assert set(ENTITY_TABLES) == {"workspace", *COPIED, *HISTORY}, "copy() must learn new tables"
