"""Revenue decomposition — "peel the onion" (剥洋葱法, SPEC §2).

The tree has one root, the annual revenue (financial layer: annual → monthly →
daily on an explicit day basis). Its children are the business lines
(business layer) and everything below them are channels (channel layer). Below
the root every amount is a *monthly* amount, as in the method's own example.

Each node is a fixed amount, a share of its parent, units × unit price, or the
sum of its children; an amount or share node may also carry units × price as
its volume plan, which must meet the amount the node has to carry. `compute()`
derives every number and every inconsistency, each named in money.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.findings import FAIL, WARN, Finding
from strategy_core.store.store import Store
from strategy_core.plan.workspace import days_in_year

KINDS = ("amount", "share", "units_price", "sum")
ROOT_KINDS = ("amount", "sum")
LAYERS = ("financial", "business", "channel")
# a gap smaller than this (in currency units) is rounding, not a mistake
TOLERANCE = 0.5


def layer_of(depth: int) -> str:
    """The layer of a node at *depth*: 0 financial, 1 business, 2 and below channel."""
    return LAYERS[min(depth, 2)]


@dataclass
class NodeResult:
    """One line of the onion as ``compute`` derives it: its monthly, annual and daily amounts, the volume plan, its
    children's total and whether it has a gap."""
    node: dict[str, Any]
    depth: int
    layer: str
    value: float          # the monthly amount the node must carry (root: monthly average)
    annual: float
    daily: float
    planned: float | None  # units × unit price, when given
    children_total: float | None
    children: list[int] = field(default_factory=list)
    status: str = "ok"     # ok | gap


@dataclass
class OnionResult:
    """The whole onion as ``compute`` derives it: every line's numbers, their depth-first order, the root, the findings
    and the day basis the daily amounts use."""
    nodes: dict[int, NodeResult]
    order: list[int]      # depth-first, for tables
    root_id: int | None
    findings: list[Finding]
    days_per_year: int
    day_basis: str

    @property
    def root(self) -> NodeResult | None:
        return self.nodes.get(self.root_id) if self.root_id is not None else None


def _daily(monthly: float, ws: dict[str, Any]) -> float:
    basis = ws.get("day_basis") or "month_30"
    if basis == "month_30":
        return monthly / 30
    if basis == "trading_days":
        return monthly * 12 / (ws.get("trading_days") or 250)
    return monthly * 12 / days_in_year(int(ws["year"]))


def days_basis_count(ws: dict[str, Any]) -> int:
    """The days a year counts on the workspace's day basis: 360 (month_30, the default), its trading days (default 250),
    or the calendar year's 365 or 366."""
    basis = ws.get("day_basis") or "month_30"
    if basis == "month_30":
        return 360
    if basis == "trading_days":
        return int(ws.get("trading_days") or 250)
    return days_in_year(int(ws["year"]))


def _value_of(n: dict, parent_value: float | None) -> float:
    """A line's monthly value from its parent's: a share of it, units × price, or its own amount."""
    kind = n.get("kind")
    if kind == "share":
        return (parent_value or 0.0) * (n.get("share") or 0.0) / 100.0
    if kind == "units_price":
        return (n.get("units") or 0.0) * (n.get("unit_price") or 0.0)
    return n.get("amount") or 0.0


def _consistency(n: dict, res: NodeResult, children: list[dict], total: float | None, base: float) -> list[Finding]:
    """A line's own checks: units × price against what it must bring, and its children against it
    (shares adding up to 100 %, or amounts adding up to its value). Marks *res* as a gap."""
    out: list[Finding] = []
    kind = n.get("kind")
    units, price = n.get("units"), n.get("unit_price")
    if kind != "units_price" and units is not None and price is not None:
        res.planned = units * price
        gap = res.planned - base
        if abs(gap) > TOLERANCE:
            res.status = "gap"
            out.append(Finding("onion.units_price", FAIL, "onion_node", n["id"], "onion.finding.units_price_gap",
                               {"name": n["name"], "units": units, "price_money": price, "planned_money": res.planned,
                                "required_money": base}, field="units", gap=gap))
    elif kind == "units_price":
        res.planned = base
    if not children or kind == "sum":
        return out
    share_kids = [c for c in children if c.get("kind") == "share"]
    if share_kids and len(share_kids) == len(children):
        pct = sum(c.get("share") or 0.0 for c in share_kids)
        if abs(pct - 100.0) > 1e-6:
            res.status = "gap"
            out.append(Finding("onion.shares_total", FAIL, "onion_node", n["id"], "onion.finding.shares_total",
                               {"name": n["name"], "total": round(pct, 4), "required_money": base,
                                "children_money": total or 0.0}, field="share", gap=(total or 0.0) - base))
    elif abs((total or 0.0) - base) > TOLERANCE:
        res.status = "gap"
        out.append(Finding("onion.children_sum", FAIL, "onion_node", n["id"], "onion.finding.children_sum",
                           {"name": n["name"], "required_money": base, "children_money": total or 0.0},
                           field="amount", gap=(total or 0.0) - base))
    return out


def compute(nodes: list[dict[str, Any]], ws: dict[str, Any]) -> OnionResult:
    """Derive every number of the tree and flag every inconsistency (pure)."""
    by_id = {n["id"]: n for n in nodes}
    kids: dict[int | None, list[dict]] = {}
    for n in sorted(nodes, key=lambda n: (n.get("position") or 0, n["id"])):
        parent = n.get("parent_id") if n.get("parent_id") in by_id else None
        kids.setdefault(parent, []).append(n)
    roots = kids.get(None, [])
    findings: list[Finding] = [Finding("onion.one_root", FAIL, "onion_node", extra["id"], "onion.finding.extra_root",
                                       {"name": extra["name"]}, field="parent_id") for extra in roots[1:]]
    results: dict[int, NodeResult] = {}
    order: list[int] = []
    root = roots[0] if roots else None

    def visit(n: dict, parent_value: float | None, depth: int) -> float:
        kind = n.get("kind")
        children = kids.get(n["id"], [])
        if depth == 0:
            base = (n.get("amount") or 0.0) / 12 if kind != "sum" else None
        else:
            base = _value_of(n, parent_value) if kind != "sum" else None
        order.append(n["id"])
        res = NodeResult(node=n, depth=depth, layer=layer_of(depth), value=0.0, annual=0.0, daily=0.0,
                         planned=None, children_total=None, children=[c["id"] for c in children])
        results[n["id"]] = res
        if base is None:
            # sum of children: shares of a sum node have nothing to be a share of
            findings.extend(Finding("onion.share_of_sum", FAIL, "onion_node", c["id"], "onion.finding.share_of_sum",
                                    {"name": c["name"]}, field="kind") for c in children if c.get("kind") == "share")
            total = base = sum(visit(c, None, depth + 1) for c in children)
            if not children:
                findings.append(Finding("onion.sum_empty", WARN, "onion_node", n["id"], "onion.finding.sum_empty",
                                        {"name": n["name"]}, field="kind"))
        else:
            total = sum(visit(c, base, depth + 1) for c in children) if children else None
        res.value = base
        res.annual = base * 12
        res.daily = _daily(base, ws)
        res.children_total = total if children else None
        findings.extend(_consistency(n, res, children, total, base))
        return base

    if root is not None:
        visit(root, None, 0)
        if root.get("kind") not in ROOT_KINDS:
            findings.append(Finding("onion.root_kind", FAIL, "onion_node", root["id"], "onion.finding.root_kind",
                                    {"name": root["name"]}, field="kind"))
    return OnionResult(results, order, root["id"] if root else None, findings,
                       days_basis_count(ws), ws.get("day_basis") or "month_30")


# -- validation -------------------------------------------------------------------

def clean_node(data: dict[str, Any], *, is_root: bool, key_result_ids: set[int]) -> dict[str, Any]:
    """Validate one node as typed; raises ValidationError naming every bad field."""
    c = F.collect()
    c("name", F.text, data.get("name"), required=True)
    kind = c("kind", F.choice, data.get("kind"), ROOT_KINDS if is_root else KINDS)
    c("amount", F.number, data.get("amount"), required=kind == "amount", min_value=0)
    c("share", F.number, data.get("share"), required=kind == "share", min_value=0, max_value=100,
      exclusive_min=True)
    c("units", F.number, data.get("units"), required=kind == "units_price", min_value=0)
    c("unit_price", F.number, data.get("unit_price"), required=kind == "units_price", min_value=0)
    c("note", F.text, data.get("note"), max_len=F.TEXT_MAX, multiline=True)
    kr = data.get("key_result_id")
    if kr in ("", None) or (isinstance(kr, float) and kr != kr):
        kr = None
    elif int(kr) not in key_result_ids:
        c.add("key_result_id", "onion.error.kr_unknown")
    if is_root and kind == "amount" and c.values.get("amount") == 0:
        c.add("amount", "error.min_exclusive", min=0, value=0)
    if (c.values.get("units") is None) != (c.values.get("unit_price") is None) and kind != "units_price":
        missing = "unit_price" if c.values.get("unit_price") is None else "units"
        c.add(missing, "onion.error.units_price_pair")
    c.raise_if_any()
    v = c.values
    keep = {"amount": kind == "amount", "share": kind == "share"}
    return {"name": v["name"], "kind": kind,
            "amount": v.get("amount") if keep["amount"] else None,
            "share": v.get("share") if keep["share"] else None,
            "units": v.get("units") if kind != "sum" else None,
            "unit_price": v.get("unit_price") if kind != "sum" else None,
            "note": v.get("note"), "key_result_id": int(kr) if kr is not None else None}


# -- service ------------------------------------------------------------------------

def list_nodes(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's onion lines in position order (the trash left out)."""
    return store.rows("onion_node", workspace_id)


def _kr_ids(store: Store, workspace_id: int) -> set[int]:
    return {k["id"] for k in store.rows("key_result", workspace_id)}


def add_node(store: Store, workspace_id: int, parent_id: int | None, data: dict[str, Any],
             actor: str | None = None) -> int:
    """Add a line at the end under *parent_id* (None: the root), refusing a second root or an unknown parent; returns
    its id."""
    nodes = list_nodes(store, workspace_id)
    ids = {n["id"] for n in nodes}
    is_root = parent_id is None
    if is_root and any(n["parent_id"] is None for n in nodes):
        raise ValidationError([FieldError("parent_id", "onion.error.root_exists")])
    if not is_root and parent_id not in ids:
        raise ValidationError([FieldError("parent_id", "onion.error.parent_unknown")])
    row = clean_node(data, is_root=is_root, key_result_ids=_kr_ids(store, workspace_id))
    with store.transaction(workspace_id, "onion.add", actor) as tx:
        return tx.insert("onion_node", {**row, "workspace_id": workspace_id, "parent_id": parent_id,
                                        "position": store.next_position(tx, "onion_node", workspace_id)})


def update_node(store: Store, node_id: int, data: dict[str, Any], actor: str | None = None, *,
                seen: dict[str, Any] | None = None) -> None:
    """Change a node; *seen*: the row as the person saw it (a change made since refuses the save)."""
    node = store.row("onion_node", node_id)
    ws = node["workspace_id"]
    row = clean_node({**node, **data}, is_root=node["parent_id"] is None, key_result_ids=_kr_ids(store, ws))
    with store.transaction(ws, "onion.update", actor) as tx:
        tx.update("onion_node", node_id, row, seen=node if seen is None else seen)


def subtree_ids(nodes: list[dict[str, Any]], node_id: int) -> list[int]:
    """*node_id* and the ids of every node below it in *nodes* (the node first)."""
    kids: dict[int, list[int]] = {}
    for n in nodes:
        if n.get("parent_id") is not None:
            kids.setdefault(n["parent_id"], []).append(n["id"])
    out, stack = [], [node_id]
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(kids.get(i, []))
    return out


def delete_node(store: Store, node_id: int, actor: str | None = None) -> int:
    """Move a node and everything below it to the trash; returns how many nodes."""
    node = store.row("onion_node", node_id)
    ids = subtree_ids(list_nodes(store, node["workspace_id"]), node_id)
    with store.transaction(node["workspace_id"], "onion.delete", actor) as tx:
        tx.trash("onion_node", ids, tx.txn)
    return len(ids)


def icicle_frame(result: OnionResult) -> list[dict[str, Any]]:
    """Rectangles of an icicle chart: x0..x1 proportional to money, one row per layer.

    Children are laid out inside their parent's width in proportion to the
    parent's amount, so a shortfall leaves a visible empty stretch.
    """
    rows: list[dict[str, Any]] = []
    if result.root is None:
        return rows

    def place(nid: int, x0: float, x1: float) -> None:
        r = result.nodes[nid]
        rows.append({"id": nid, "name": r.node["name"], "layer": r.layer, "depth": r.depth, "x0": x0, "x1": x1,
                     "value": r.value, "status": r.status, "kind": r.node.get("kind")})
        kids = r.children
        if not kids:
            return
        total = max(r.value, sum(max(result.nodes[k].value, 0.0) for k in kids))
        cursor = x0
        for k in kids:
            w = (x1 - x0) * (max(result.nodes[k].value, 0.0) / total if total > 0 else 0.0)
            place(k, cursor, cursor + w)
            cursor += w

    place(result.root_id, 0.0, 1.0)
    return rows
