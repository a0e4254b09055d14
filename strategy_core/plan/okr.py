"""The OKR cascade (OKR 三级拆解, SPEC §3): objectives on three levels, their key results,
and the alignment of each lower objective to the KR above it that it supports.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from strategy_core.plan import dot
from strategy_core import fields as F
from strategy_core.plan.bsc import PERSPECTIVES
from strategy_core.store.store import Store

LEVELS = ("company", "department", "employee")
DIRECTIONS = ("up", "down", "band")
KR_TEXT_FIELDS = ("decomposition_logic", "data_support", "execution_steps", "data_source",
                  "resources_money", "resources_people", "resources_things", "risk_plan")
# every SPEC §3 field of a KR, in the order of the method's table
KR_FIELDS = ("statement", "metric", "unit", "baseline", "target", "direction", "band_low", "band_high",
             "deadline", "owner", "team", *KR_TEXT_FIELDS[:4], "alert_value", *KR_TEXT_FIELDS[4:])
OBJECTIVE_FIELDS = ("level", "title", "owner", "team", "period_start", "period_end", "aligns_to", "perspective")
KR_TRACKING_FIELDS = ("committed", "weight")  # how the KR is measured (SPEC §7.1), beside the §3 fields


def parent_level(level: str) -> str | None:
    """The level an objective of *level* aligns to (None for company); ValueError for an unknown level."""
    i = LEVELS.index(level)
    return LEVELS[i - 1] if i > 0 else None


def infer_direction(baseline: float | None, target: float | None) -> str | None:
    """Which way *baseline* → *target* goes, up or down; None when either is missing or they are equal."""
    if baseline is None or target is None or baseline == target:
        return None
    return "up" if target > baseline else "down"


# -- validation -------------------------------------------------------------------

def _by_id(rows: Iterable[dict] | Mapping[int, dict]) -> Mapping[int, dict]:
    return rows if isinstance(rows, Mapping) else {r["id"]: r for r in rows}


def alignment_cycle(objective_id: int | None, kr_id: int, objectives: Iterable[dict] | Mapping[int, dict],
                    krs: Iterable[dict] | Mapping[int, dict]) -> bool:
    """True when aligning *objective_id* to *kr_id* would make the objective support itself.
    *objectives* and *krs*: rows, or rows by id (an import checking many rows passes its maps)."""
    objectives, krs = _by_id(objectives), _by_id(krs)
    seen: set[int] = set()
    kr = krs.get(kr_id)
    current = kr.get("objective_id") if kr else None
    while current is not None and current not in seen:
        if current == objective_id:
            return True
        seen.add(current)
        nxt = (objectives.get(current) or {}).get("aligns_to")
        kr = krs.get(nxt) if nxt is not None else None
        current = kr.get("objective_id") if kr else None
    return False


def clean_objective(data: dict[str, Any], *, year: int, objective_id: int | None,
                    objectives: Iterable[dict] | Mapping[int, dict],
                    krs: Iterable[dict] | Mapping[int, dict]) -> dict[str, Any]:
    """The objective fields of *data*, checked; the period defaults to the whole plan *year*. An alignment must name a
    known KR, not one of the objective's own, never for a company objective and without a cycle; ValidationError
    listing every problem."""
    c = F.collect()
    level = c("level", F.choice, data.get("level"), LEVELS)
    c("title", F.text, data.get("title"), required=True)
    c("owner", F.text, data.get("owner"))
    c("team", F.text, data.get("team"))
    c("perspective", F.choice, data.get("perspective") or None, PERSPECTIVES, required=False)
    start = c("period_start", F.date, data.get("period_start") or dt.date(year, 1, 1), year=year)
    end = c("period_end", F.date, data.get("period_end") or dt.date(year, 12, 31), year=year)
    if start and end and start > end:
        c.add("period_end", "okr.error.period_order")
    aligns = data.get("aligns_to")
    if aligns in ("", None) or (isinstance(aligns, float) and aligns != aligns):
        aligns = None
    if aligns is not None:
        aligns = int(aligns)
        objectives, krs = _by_id(objectives), _by_id(krs)
        kr = krs.get(aligns)
        if level == "company":
            c.add("aligns_to", "okr.error.company_aligns")
        elif kr is None:
            c.add("aligns_to", "okr.error.kr_unknown")
        elif objective_id is not None and kr["objective_id"] == objective_id:
            c.add("aligns_to", "okr.error.align_self")
        elif alignment_cycle(objective_id, aligns, objectives, krs):
            c.add("aligns_to", "okr.error.align_cycle")
    c.raise_if_any()
    v = c.values
    return {"level": level, "title": v["title"], "owner": v.get("owner"), "team": v.get("team"),
            "period_start": start, "period_end": end, "aligns_to": aligns, "perspective": v.get("perspective")}


def clean_key_result(data: dict[str, Any], *, year: int) -> dict[str, Any]:
    """The KR fields of *data*, checked; the direction is inferred from baseline → target when not given, ``committed``
    defaults to True and ``weight`` to 1, and the band is kept only for a band KR; ValidationError listing every
    problem."""
    c = F.collect()
    c("statement", F.text, data.get("statement"), required=True, max_len=F.TEXT_MAX)
    c("metric", F.text, data.get("metric"))
    c("unit", F.text, data.get("unit"), max_len=40)
    baseline = c("baseline", F.number, data.get("baseline"))
    target = c("target", F.number, data.get("target"))
    direction = data.get("direction") or None
    direction = c("direction", F.choice, direction, DIRECTIONS, required=False)
    low = c("band_low", F.number, data.get("band_low"))
    high = c("band_high", F.number, data.get("band_high"))
    c("deadline", F.date, data.get("deadline"), year=year)
    c("owner", F.text, data.get("owner"))
    c("team", F.text, data.get("team"))
    for name in KR_TEXT_FIELDS:
        c(name, F.text, data.get(name), max_len=F.TEXT_MAX, multiline=True)
    c("alert_value", F.number, data.get("alert_value"))
    weight = c("weight", F.number, data.get("weight"), min_value=0, exclusive_min=True)
    committed = data.get("committed")
    if isinstance(committed, str):
        committed = committed.strip().lower() not in ("false", "0", "no", "否", "aspirational", "挑战")
    if c.values.get("unit") in ("%", "％"):      # a share: 150 % is a typo (or growth, which needs its own unit)
        for name, value in (("baseline", baseline), ("target", target)):
            if value is not None and not 0 <= value <= 100:
                c.add(name, "okr.error.percent_range", value=f"{value:g}")
    if baseline is not None and target is not None and baseline == target and direction != "band":
        c.add("target", "okr.error.baseline_equals_target")
    if direction is None:
        direction = infer_direction(baseline, target)
    elif direction == "up" and baseline is not None and target is not None and target < baseline:
        c.add("direction", "okr.error.direction_up")
    elif direction == "down" and baseline is not None and target is not None and target > baseline:
        c.add("direction", "okr.error.direction_down")
    if direction == "band":
        if low is None or high is None:
            c.add("band_low" if low is None else "band_high", "okr.error.band_missing")
        elif low >= high:
            c.add("band_high", "okr.error.band_order")
    c.raise_if_any()
    out = {k: c.values.get(k) for k in KR_FIELDS}
    out["direction"] = direction
    out["committed"] = True if committed is None else bool(committed)
    out["weight"] = 1.0 if weight is None else weight
    if direction != "band":
        out["band_low"] = out["band_high"] = None
    return out


# -- service ------------------------------------------------------------------------

def list_objectives(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's objectives in position order (the trash left out)."""
    return store.rows("objective", workspace_id)


def list_key_results(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's KRs in position order (the trash left out)."""
    return store.rows("key_result", workspace_id)


def add_objective(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add an objective at the end (checked by ``clean_objective``); returns its id."""
    ws = store.get_workspace(workspace_id)
    row = clean_objective(data, year=ws["year"], objective_id=None,
                          objectives=list_objectives(store, workspace_id), krs=list_key_results(store, workspace_id))
    with store.transaction(workspace_id, "objective.add", actor) as tx:
        return tx.insert("objective", {**row, "workspace_id": workspace_id,
                                       "position": store.next_position(tx, "objective", workspace_id)})


def update_objective(store: Store, objective_id: int, data: dict[str, Any], actor: str | None = None, *,
                     seen: dict[str, Any] | None = None) -> None:
    """Change an objective. *seen*: the row as the person saw it (default: as read here); a change
    made since by someone else refuses the save (ConflictError) instead of being overwritten."""
    o = store.row("objective", objective_id)
    ws = store.get_workspace(o["workspace_id"])
    row = clean_objective({**o, **data}, year=ws["year"], objective_id=objective_id,
                          objectives=list_objectives(store, ws["id"]), krs=list_key_results(store, ws["id"]))
    with store.transaction(ws["id"], "objective.update", actor) as tx:
        tx.update("objective", objective_id, row, seen=o if seen is None else seen)


def delete_objective(store: Store, objective_id: int, actor: str | None = None) -> int:
    """Move an objective and its KRs to the trash; returns how many rows moved."""
    o = store.row("objective", objective_id)
    kr_ids = [k["id"] for k in list_key_results(store, o["workspace_id"]) if k["objective_id"] == objective_id]
    with store.transaction(o["workspace_id"], "objective.delete", actor) as tx:
        tx.trash("objective", [objective_id], tx.txn)
        tx.trash("key_result", kr_ids, tx.txn)
    return 1 + len(kr_ids)


def add_key_result(store: Store, objective_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add a KR at the end under *objective_id*, taking the objective's owner and team unless *data* gives them; returns
    its id."""
    o = store.row("objective", objective_id)
    ws = store.get_workspace(o["workspace_id"])
    row = clean_key_result({"owner": o.get("owner"), "team": o.get("team"), **data}, year=ws["year"])
    with store.transaction(ws["id"], "key_result.add", actor) as tx:
        return tx.insert("key_result", {**row, "workspace_id": ws["id"], "objective_id": objective_id,
                                        "position": store.next_position(tx, "key_result", ws["id"])})


def update_key_result(store: Store, kr_id: int, data: dict[str, Any], actor: str | None = None, *,
                      seen: dict[str, Any] | None = None) -> None:
    """Change a KR (*seen* as in `update_objective`)."""
    k = store.row("key_result", kr_id)
    ws = store.get_workspace(k["workspace_id"])
    merged = {**k, **data}
    if "baseline" in data or "target" in data:
        if "direction" not in data and k.get("direction") in ("up", "down"):
            merged["direction"] = None  # re-infer from the new numbers unless set explicitly
    row = clean_key_result(merged, year=ws["year"])
    with store.transaction(ws["id"], "key_result.update", actor) as tx:
        tx.update("key_result", kr_id, row, seen=k if seen is None else seen)


def delete_key_result(store: Store, kr_id: int, actor: str | None = None) -> None:
    """Move one KR to the trash; its check-ins, indicator links and the objectives aligned to it stay as they are."""
    k = store.row("key_result", kr_id)
    with store.transaction(k["workspace_id"], "key_result.delete", actor) as tx:
        tx.trash("key_result", [kr_id], tx.txn)


# -- views --------------------------------------------------------------------------

def filter_objectives(objectives: list[dict], krs: list[dict], *, levels=None, teams=None,
                      owners=None) -> list[dict]:
    """Objectives matching every given filter; an owner matches the objective or any of its KRs."""
    kr_owners: dict[int, set[str]] = {}
    for k in krs:
        if k.get("owner"):
            kr_owners.setdefault(k["objective_id"], set()).add(k["owner"])
    out = []
    for o in objectives:
        if levels and o["level"] not in levels:
            continue
        if teams and o.get("team") not in teams:
            continue
        if owners and o.get("owner") not in owners and not (kr_owners.get(o["id"], set()) & set(owners)):
            continue
        out.append(o)
    return out


def cascade(objectives: list[dict], krs: list[dict]) -> list[dict]:
    """The alignment tree: company objectives, each KR, and the objectives aligned below it.

    Returns nested dicts {"objective", "key_results": [{"kr", "children": [...]}]}; objectives
    whose parent KR is missing are returned as extra roots so nothing disappears.
    """
    by_kr: dict[int, list[dict]] = {}
    kr_ids = {k["id"] for k in krs}
    for o in objectives:
        if o.get("aligns_to") in kr_ids:
            by_kr.setdefault(o["aligns_to"], []).append(o)
    krs_of: dict[int, list[dict]] = {}
    for k in krs:
        krs_of.setdefault(k["objective_id"], []).append(k)
    seen: set[int] = set()

    def build(o: dict) -> dict:
        seen.add(o["id"])
        return {"objective": o,
                "key_results": [{"kr": k, "children": [build(c) for c in by_kr.get(k["id"], []) if c["id"] not in seen]}
                                for k in krs_of.get(o["id"], [])]}

    roots = [o for o in objectives if o["level"] == "company"]
    roots += [o for o in objectives if o["level"] != "company" and o.get("aligns_to") not in kr_ids]
    tree = [build(o) for o in roots if o["id"] not in seen]
    tree += [build(o) for o in objectives if o["id"] not in seen]  # only cycles remain
    return tree


def alignment_dot(objectives: list[dict], krs: list[dict], *, level_names: dict[str, str],
                  status: dict[int, str] | None = None, fontsize: int = 11) -> str:
    """Graphviz DOT of the cascade, left to right: objective → its KRs → objectives aligned to them.

    *status* maps objective/KR ids to 'pass' | 'warn' | 'fail' (quality): it colours the boxes and puts
    its symbol (✅ ⚠️ ⛔) in front of the label, so the status is never told by colour alone.
    """
    status = status or {}
    fill = {"pass": "#e3f4e1", "warn": "#fff4cf", "fail": "#fbe0de"}
    mark = lambda i: {"pass": "✅ ", "warn": "⚠️ ", "fail": "⛔ "}.get(status.get(i), "")
    lines = ['digraph cascade {', 'rankdir=LR; nodesep=0.15; ranksep=0.5;',
             'node [shape=box, style="rounded,filled", fontname="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif",'
             f' fontsize={int(fontsize)}, margin="0.25,0.08", fillcolor="#ffffff", color="#8a8f98"];',
             'edge [color="#8a8f98", arrowsize=0.6];']
    obj_ids = {o["id"] for o in objectives}
    for o in objectives:
        owner = f"\\n👤 {dot.label(o['owner'], 12)}" if o.get("owner") else ""
        lines.append(f'o{o["id"]} [label="{mark(o["id"])}{level_names.get(o["level"], o["level"])} · O\\n'
                     f'{dot.label(o["title"], 12)}{owner}", penwidth=2, color="#2b5797", '
                     f'fillcolor="{fill.get(status.get(o["id"]), "#eef3fb")}"];')
    for i, k in enumerate(krs):
        if k["objective_id"] not in obj_ids:
            continue
        lines.append(f'k{k["id"]} [label="{mark(k["id"])}KR · {dot.label(k["statement"], 14)}", shape=note, '
                     f'fillcolor="{fill.get(status.get(k["id"]), "#ffffff")}"];')
        lines.append(f'o{k["objective_id"]} -> k{k["id"]};')
    kr_ids = {k["id"] for k in krs if k["objective_id"] in obj_ids}
    for o in objectives:
        if o.get("aligns_to") in kr_ids:
            lines.append(f'k{o["aligns_to"]} -> o{o["id"]} [style=dashed, color="#2b5797"];')
    lines.append("}")
    return "\n".join(lines)
