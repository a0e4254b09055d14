"""The presenter view's slides: one item per screen, as plain data (no Streamlit), for the room to
decide on together — an objective with its KRs, one onion layer, one scorecard perspective, one risk
with its plans A/B/C, one finding of the latest review.

`slides` reads the workspace once and measures it on the day given; the page only lays them out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from strategy_core.plan import bsc, onion
from strategy_core.routines import review, risk
from strategy_core.track import monitor
from strategy_core.store.store import Store

KINDS = ("objective", "onion", "perspective", "risk", "finding")


@dataclass(frozen=True)
class Slide:
    """One screen of the presenter view: the item, what it holds (each row with its status) and, for an editable item,
    the stored row an edit saves against."""
    kind: str                       # one of KINDS
    key: str                        # stable across reruns: kind and id (or layer / perspective code)
    head: dict[str, Any]            # the item itself (a row, or {"layer": …} / {"perspective": …})
    rows: list[dict[str, Any]] = field(default_factory=list)   # what it holds, each with its status
    row: dict[str, Any] | None = None   # the stored row of an editable item (the version an edit saw)


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share)


def _objective_slides(snap: monitor.Snapshot, board) -> list[Slide]:
    out = []
    for o in snap.objectives:
        krs = [{**k, "status": board.krs[k["id"]].status, "current": board.krs[k["id"]].current,
                "progress_pct": _pct(board.krs[k["id"]].progress), "expected_pct": _pct(board.krs[k["id"]].expectation)}
               for k in snap.key_results if k["objective_id"] == o["id"]]
        roll = board.objectives.get(o["id"])
        out.append(Slide("objective", f"objective:{o['id']}",
                         {**o, "status": roll.status if roll else "no_data", "score": roll.score if roll else None},
                         krs, row=o))
    return out


def _onion_slides(store: Store, wid: int, ws: dict) -> list[Slide]:
    result = onion.compute(onion.list_nodes(store, wid), ws)
    out = []
    for layer in onion.LAYERS:
        rows = [{**r.node, "layer": r.layer, "monthly": r.value, "annual": r.annual, "daily": r.daily,
                 "planned": r.planned, "status": r.status, "depth": r.depth}
                for i in result.order for r in [result.nodes[i]] if r.layer == layer]
        if rows:
            out.append(Slide("onion", f"onion:{layer}", {"layer": layer}, rows))
    return out


def _perspective_slides(snap: monitor.Snapshot, board) -> list[Slide]:
    out = []
    for p in bsc.perspectives_of(snap.workspace):
        rows = [{**i, "status": board.indicators[i["id"]].status if i["id"] in board.indicators else "no_data",
                 "latest": board.indicators[i["id"]].latest if i["id"] in board.indicators else None}
                for i in snap.indicators if i["perspective"] == p]
        out.append(Slide("perspective", f"perspective:{p}", {"perspective": p}, rows))
    return out


def _risk_slides(store: Store, wid: int, board) -> list[Slide]:
    risks = sorted(risk.list_risks(store, wid), key=lambda r: (not r["top"], r["position"], r["id"]))
    plans = risk.list_plans(store, wid)
    out = []
    for r in risks:
        mine = risk.plans_of(plans, r["id"])
        out.append(Slide("risk", f"risk:{r['id']}", {**r, "fired": risk.is_fired(r, board)},
                         [{**mine[label], "label": label} for label in risk.LABELS if label in mine], row=r))
    return out


def _finding_slides(store: Store, wid: int) -> list[Slide]:
    minutes = review.minutes(store, wid)
    if not minutes:
        return []
    latest = minutes[0]
    out = []
    for f in latest.findings:
        adjustments = [a for a in latest.adjustments if a.get("finding_id") == f["id"]]
        out.append(Slide("finding", f"finding:{f['id']}", {**f, "review": latest.review}, adjustments))
    return out


def slides(store: Store, workspace_id: int, on: dt.date, kinds: tuple[str, ...] = KINDS) -> list[Slide]:
    """Every slide of *kinds*, in the order of the 7 days (OKRs, onion, scorecard, risks, review),
    measured as of *on*."""
    snap = monitor.snapshot(store, workspace_id)
    board = monitor.board(snap, on)
    out: list[Slide] = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        if kind == "objective":
            out += _objective_slides(snap, board)
        elif kind == "onion":
            out += _onion_slides(store, workspace_id, snap.workspace)
        elif kind == "perspective":
            out += _perspective_slides(snap, board)
        elif kind == "risk":
            out += _risk_slides(store, workspace_id, board)
        else:
            out += _finding_slides(store, workspace_id)
    return out


def position(slides_: list[Slide], key: str | None, step: int = 0) -> int:
    """The index of the slide *key* moved by *step* (clamped to the deck); 0 when it is gone."""
    keys = [s.key for s in slides_]
    if not keys:
        return 0
    i = keys.index(key) if key in keys else 0
    return max(0, min(len(keys) - 1, i + step))
