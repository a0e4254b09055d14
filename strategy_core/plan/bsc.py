"""The Balanced Scorecard (平衡计分卡, SPEC §4): perspectives, indicators, industry templates,
indicator ↔ KR links, and the strategy map (cause → effect across perspectives)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from strategy_core.plan import dot
from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.findings import FAIL, WARN, Finding
from strategy_core.store.store import Store

PERSPECTIVES = ("financial", "customer", "process", "learning")   # top of the map first
REQUIRED_PERSPECTIVES = ("financial", "customer", "process")       # a small company may start with these
COMPARATORS = (">=", ">", "<=", "<")
COMPARATOR_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly")
NODE_KINDS = ("objective", "indicator")
TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "data" / "bsc_templates.json"


# -- perspectives ----------------------------------------------------------------------

def perspectives_of(ws: dict[str, Any]) -> list[str]:
    """The perspectives a workspace uses (all four until it says otherwise)."""
    raw = ws.get("perspectives")
    if not raw:
        return list(PERSPECTIVES)
    chosen = set(raw.split(","))
    return [p for p in PERSPECTIVES if p in chosen]


def set_perspectives(store: Store, workspace_id: int, perspectives: list[str], actor: str | None = None) -> None:
    """Save the perspectives the workspace uses, in map order; financial, customer and process are required, and
    learning cannot be dropped while a live indicator stands in it (ValidationError)."""
    bad = [p for p in perspectives if p not in PERSPECTIVES]
    missing = [p for p in REQUIRED_PERSPECTIVES if p not in perspectives]
    if bad:
        raise ValidationError([FieldError("perspectives", "error.not_allowed", {"value": bad[0],
                                                                               "allowed": ", ".join(PERSPECTIVES)})])
    if missing:
        raise ValidationError([FieldError("perspectives", "bsc.error.perspectives_min")])
    if "learning" not in perspectives and any(
            i["perspective"] == "learning" for i in list_indicators(store, workspace_id)):
        raise ValidationError([FieldError("perspectives", "bsc.error.perspective_in_use")])
    store.get_workspace(workspace_id)
    with store.transaction(workspace_id, "bsc.perspectives", actor) as tx:
        tx.update("workspace", workspace_id, {"perspectives": ",".join(p for p in PERSPECTIVES if p in perspectives)})


# -- indicators ---------------------------------------------------------------------------

def clean_indicator(data: dict[str, Any], *, perspectives: list[str]) -> dict[str, Any]:
    """The indicator fields of *data*, checked (the perspective among *perspectives*; a % target within 0–100);
    ValidationError listing every problem."""
    c = F.collect()
    c("perspective", F.choice, data.get("perspective"), tuple(perspectives))
    c("name", F.text, data.get("name"), required=True)
    c("unit", F.text, data.get("unit"), max_len=40)
    c("comparator", F.choice, data.get("comparator"), COMPARATORS)
    target = c("target", F.number, data.get("target"), required=True)
    c("band", F.number, data.get("band"), min_value=0)
    c("frequency", F.choice, data.get("frequency"), FREQUENCIES)
    c("owner", F.text, data.get("owner"))
    c("data_source", F.text, data.get("data_source"), max_len=F.TEXT_MAX, multiline=True)
    unit = c.values.get("unit")
    if target is not None and unit in ("%", "％") and not 0 <= target <= 100:
        c.add("target", "bsc.error.percent_range")
    c.raise_if_any()
    v = c.values
    return {k: v.get(k) for k in ("perspective", "name", "unit", "comparator", "target", "band", "frequency",
                                  "owner", "data_source")}


def list_indicators(store: Store, workspace_id: int, *, retired: bool = False) -> list[dict[str, Any]]:
    """The workspace's live indicators in position order: the watched ones, or with *retired* only the retired ones (the
    trash left out)."""
    rows = store.rows("indicator", workspace_id)
    return [r for r in rows if (r["retired_at"] is not None) == retired]


def indicator_links(store: Store, workspace_id: int) -> dict[int, list[int]]:
    """indicator id → ids of the KRs it is linked to."""
    out: dict[int, list[int]] = {}
    live = {k["id"] for k in store.rows("key_result", workspace_id)}  # a KR in the trash links to nothing
    for link in store.rows("indicator_kr", workspace_id):
        if link["key_result_id"] in live:
            out.setdefault(link["indicator_id"], []).append(link["key_result_id"])
    return out


def _kr_ids(data: dict[str, Any], valid: set[int]) -> list[int]:
    ids = [int(i) for i in (data.get("key_result_ids") or [])]
    unknown = [i for i in ids if i not in valid]
    if unknown:
        raise ValidationError([FieldError("key_result_ids", "bsc.error.kr_unknown")])
    return list(dict.fromkeys(ids))


def add_indicator(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add an indicator at the end, linked to the KRs in ``key_result_ids``; returns its id (ValidationError for bad
    fields or an unknown KR)."""
    ws = store.get_workspace(workspace_id)
    row = clean_indicator(data, perspectives=perspectives_of(ws))
    krs = _kr_ids(data, {k["id"] for k in store.rows("key_result", workspace_id)})
    with store.transaction(workspace_id, "indicator.add", actor) as tx:
        iid = tx.insert("indicator", {**row, "workspace_id": workspace_id, "template": data.get("template"),
                                      "position": store.next_position(tx, "indicator", workspace_id)})
        for k in krs:
            tx.insert("indicator_kr", {"workspace_id": workspace_id, "indicator_id": iid, "key_result_id": k})
        return iid


def update_indicator(store: Store, indicator_id: int, data: dict[str, Any], actor: str | None = None, *,
                     seen: dict[str, Any] | None = None) -> None:
    """Change an indicator and its KR links; *seen*: the row as the person saw it (a change made since
    refuses the save)."""
    ind = store.row("indicator", indicator_id)
    wid = ind["workspace_id"]
    ws = store.get_workspace(wid)
    row = clean_indicator({**ind, **data}, perspectives=perspectives_of(ws))
    links = [r for r in store.rows("indicator_kr", wid) if r["indicator_id"] == indicator_id]
    new_krs = _kr_ids(data, {k["id"] for k in store.rows("key_result", wid)}) if "key_result_ids" in data else None
    with store.transaction(wid, "indicator.update", actor) as tx:
        tx.update("indicator", indicator_id, row, seen=ind if seen is None else seen)
        if new_krs is not None:
            have = {r["key_result_id"]: r["id"] for r in links}
            tx.trash("indicator_kr", [lid for kid, lid in have.items() if kid not in new_krs], tx.txn)
            for k in new_krs:
                if k not in have:
                    tx.insert("indicator_kr", {"workspace_id": wid, "indicator_id": indicator_id, "key_result_id": k})


def delete_indicator(store: Store, indicator_id: int, actor: str | None = None) -> None:
    """Move an indicator, its KR links, its strategy-map links and its readings to the trash."""
    ind = store.row("indicator", indicator_id)
    wid = ind["workspace_id"]
    links = [r["id"] for r in store.rows("indicator_kr", wid) if r["indicator_id"] == indicator_id]
    smap = [r["id"] for r in store.rows("strategy_link", wid)
            if ("indicator", indicator_id) in ((r["cause_kind"], r["cause_id"]), (r["effect_kind"], r["effect_id"]))]
    readings = [r["id"] for r in store.rows("reading", wid) if r["indicator_id"] == indicator_id]
    with store.transaction(wid, "indicator.delete", actor) as tx:
        tx.trash("indicator", [indicator_id], tx.txn)
        tx.trash("indicator_kr", links, tx.txn)
        tx.trash("strategy_link", smap, tx.txn)
        tx.trash("reading", readings, tx.txn)


def retire_indicator(store: Store, indicator_id: int, reason: str, actor: str | None = None) -> None:
    """Stop watching an indicator but keep it and its history, with the reason (annual iteration)."""
    ind = store.row("indicator", indicator_id)
    why = F.text("retire_reason", reason, required=True, max_len=F.TEXT_MAX)
    with store.transaction(ind["workspace_id"], "indicator.retire", actor) as tx:
        tx.update("indicator", indicator_id, {"retired_at": tx.now, "retire_reason": why})


# -- templates --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    """The industry templates from data/bsc_templates.json, by key (read once)."""
    return json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))["templates"]


def _loc(value: Any, lang: str) -> Any:
    return value[lang] if isinstance(value, dict) else value


def template_rows(key: str, lang: str) -> list[dict[str, Any]]:
    """The indicators of one industry template, in *lang*."""
    out = []
    for row in templates()[key]["indicators"]:
        out.append({"perspective": row["perspective"], "name": _loc(row["name"], lang), "unit": _loc(row["unit"], lang),
                    "comparator": row["comparator"], "target": row["target"], "band": row.get("band"),
                    "frequency": row["frequency"], "data_source": _loc(row["note"], lang) if row.get("note") else None,
                    "template": f"{key}.{row['key']}"})
    return out


def apply_template(store: Store, workspace_id: int, key: str, lang: str, actor: str | None = None
                   ) -> tuple[int, int]:
    """Add a template's indicators (and the perspectives they need); an indicator the workspace already
    has from this template is never touched, edited or not. Returns (added, kept)."""
    if key not in templates():
        raise ValidationError([FieldError("template", "error.not_allowed",
                                          {"value": key, "allowed": ", ".join(templates())})])
    ws = store.get_workspace(workspace_id)
    existing = store.rows("indicator", workspace_id)
    have = {i["template"] for i in existing if i.get("template")}
    rows = template_rows(key, lang)
    # a workspace that never chose its perspectives takes the template's (and keeps those its indicators use)
    base = set(perspectives_of(ws)) if ws.get("perspectives") else \
        set(templates()[key]["perspectives"]) | {i["perspective"] for i in existing}
    needed = [p for p in PERSPECTIVES if p in base | {r["perspective"] for r in rows}]
    new = [r for r in rows if r["template"] not in have]
    with store.transaction(workspace_id, "bsc.template", actor) as tx:
        if needed != perspectives_of(ws) or not ws.get("perspectives"):
            tx.update("workspace", workspace_id, {"perspectives": ",".join(needed)})
        pos = store.next_position(tx, "indicator", workspace_id)
        for i, r in enumerate(new):
            clean = clean_indicator(r, perspectives=needed)
            tx.insert("indicator", {**clean, "workspace_id": workspace_id, "template": r["template"],
                                    "position": pos + i})
    return len(new), len(rows) - len(new)


# -- the strategy map ----------------------------------------------------------------------------

def clean_link(data: dict[str, Any], nodes: dict[tuple[str, int], dict[str, Any]],
               links: list[dict[str, Any]]) -> dict[str, Any]:
    """A cause → effect link between two map *nodes*, checked: both must exist, differ, and not be linked that way
    already (a link against the map is allowed; ``check_map`` warns of it)."""
    c = F.collect()
    cause = (data.get("cause_kind"), data.get("cause_id"))
    effect = (data.get("effect_kind"), data.get("effect_id"))
    if cause not in nodes:
        c.add("cause_id", "bsc.error.node_unknown")
    if effect not in nodes:
        c.add("effect_id", "bsc.error.node_unknown")
    if cause == effect:
        c.add("effect_id", "bsc.error.link_self")
    if any((l["cause_kind"], l["cause_id"], l["effect_kind"], l["effect_id"]) == (*cause, *effect) for l in links):
        c.add("effect_id", "bsc.error.link_exists")
    c.raise_if_any()
    return {"cause_kind": cause[0], "cause_id": int(cause[1]), "effect_kind": effect[0], "effect_id": int(effect[1])}


def map_nodes(store: Store, workspace_id: int) -> dict[tuple[str, int], dict[str, Any]]:
    """Everything that can stand on the strategy map: indicators, and objectives given a perspective."""
    nodes: dict[tuple[str, int], dict[str, Any]] = {}
    for i in list_indicators(store, workspace_id):
        nodes[("indicator", i["id"])] = {"kind": "indicator", "id": i["id"], "label": i["name"],
                                         "perspective": i["perspective"]}
    for o in store.rows("objective", workspace_id):
        if o.get("perspective"):
            nodes[("objective", o["id"])] = {"kind": "objective", "id": o["id"], "label": o["title"],
                                             "perspective": o["perspective"]}
    return nodes


def add_link(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add a strategy-map link (checked by ``clean_link``); returns its id."""
    row = clean_link(data, map_nodes(store, workspace_id), store.rows("strategy_link", workspace_id))
    with store.transaction(workspace_id, "map.link", actor) as tx:
        return tx.insert("strategy_link", {**row, "workspace_id": workspace_id})


def delete_link(store: Store, link_id: int, actor: str | None = None) -> None:
    """Move a strategy-map link to the trash."""
    link = store.row("strategy_link", link_id)
    with store.transaction(link["workspace_id"], "map.unlink", actor) as tx:
        tx.trash("strategy_link", [link_id], tx.txn)


def check_map(nodes: dict[tuple[str, int], dict[str, Any]], links: list[dict[str, Any]]) -> list[Finding]:
    """Which financial or customer outcome has no driver, which driver leads nowhere, and which
    link runs against the map (from an outcome down to a driver)."""
    level = {p: i for i, p in enumerate(PERSPECTIVES)}   # 0 = financial (top) … 3 = learning
    incoming: dict[tuple[str, int], int] = {}
    outgoing: dict[tuple[str, int], int] = {}
    findings: list[Finding] = []
    for l in links:
        cause, effect = (l["cause_kind"], l["cause_id"]), (l["effect_kind"], l["effect_id"])
        if cause not in nodes or effect not in nodes:
            continue
        outgoing[cause] = outgoing.get(cause, 0) + 1
        incoming[effect] = incoming.get(effect, 0) + 1
        if level[nodes[cause]["perspective"]] < level[nodes[effect]["perspective"]]:
            findings.append(Finding("map.direction", WARN, "strategy_link", l["id"], "bsc.finding.backwards",
                                    {"cause": nodes[cause]["label"], "effect": nodes[effect]["label"]}))
    for key, n in nodes.items():
        p = n["perspective"]
        if p in ("financial", "customer") and not incoming.get(key):
            findings.append(Finding("map.no_driver", FAIL, n["kind"], n["id"], "bsc.finding.no_driver",
                                    {"name": n["label"], "perspective_key": "bsc.perspective." + p}))
        if p in ("process", "learning") and not outgoing.get(key):
            findings.append(Finding("map.leads_nowhere", WARN, n["kind"], n["id"], "bsc.finding.leads_nowhere",
                                    {"name": n["label"], "perspective_key": "bsc.perspective." + p}))
    return findings


def map_dot(nodes: dict[tuple[str, int], dict[str, Any]], links: list[dict[str, Any]], *,
            perspectives: list[str], perspective_names: dict[str, str]) -> str:
    """Graphviz DOT of the strategy map: one row per perspective, financial on top, arrows cause → effect."""
    colors = {"financial": "#e8f0fb", "customer": "#e9f6ec", "process": "#fff6dc", "learning": "#f3e9fb"}
    lines = ['digraph map {', 'rankdir=BT; nodesep=0.3; ranksep=0.6; newrank=true;',
             'node [shape=box, style="rounded,filled", fontname="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif",'
             ' fontsize=11, margin="0.2,0.08", color="#8a8f98"];', 'edge [color="#5a6270", arrowsize=0.7];']
    # a perspective shows when the workspace uses it or something on the map stands in it
    perspectives = [p for p in PERSPECTIVES if p in perspectives or any(n["perspective"] == p for n in nodes.values())]
    for p in reversed(perspectives):
        members = [n for n in nodes.values() if n["perspective"] == p]
        lines.append(f'subgraph cluster_{p} {{ label="{perspective_names[p]}"; style="rounded,filled"; '
                     f'fillcolor="{colors[p]}"; color="#c8ccd2"; fontsize=13; rank=same;')
        lines.append(f'p_{p} [style=invis, shape=point, width=0];')
        for n in members:
            shape = "box" if n["kind"] == "objective" else "ellipse"
            prefix = "O · " if n["kind"] == "objective" else ""
            lines.append(f'{n["kind"][0]}{n["id"]} [label="{prefix}{dot.label(n["label"], 10)}", shape={shape}, '
                         f'fillcolor="#ffffff"];')
        lines.append("}")
    for a, b in zip(perspectives[::-1], perspectives[::-1][1:]):
        lines.append(f"p_{a} -> p_{b} [style=invis];")
    for l in links:
        if (l["cause_kind"], l["cause_id"]) in nodes and (l["effect_kind"], l["effect_id"]) in nodes:
            lines.append(f'{l["cause_kind"][0]}{l["cause_id"]} -> {l["effect_kind"][0]}{l["effect_id"]};')
    lines.append("}")
    return "\n".join(lines)
