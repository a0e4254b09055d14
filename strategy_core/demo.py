"""Load the demo company (data/demo_company.json) as a workspace, in one transaction.

Everything goes through the same cleaning as user input, so the demo can never
hold data a user could not have typed. The onion keeps the method's arithmetic
slip (services: 200 × ¥1,665 ≠ ¥3,333,333): the checker must show it.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import math

from strategy_core import bsc, demo_review, demo_risk, demo_weekly, okr, onion, tracking, workspace
from strategy_core.store.store import Store, Tx

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo_company.json"


def _text(value: Any, lang: str, year: int) -> Any:
    if isinstance(value, dict) and set(value) <= {"zh", "en"}:
        value = value[lang]
    if isinstance(value, str):
        return value.replace("{year}", str(year))
    return value


def _localise(d: dict[str, Any], lang: str, year: int) -> dict[str, Any]:
    return {k: _text(v, lang, year) for k, v in d.items() if k not in ("children", "key_results", "key")}


def _wiggle(i: int, key: str) -> float:
    """A deterministic small wobble in [-1, 1] (no randomness: the demo is the same every time)."""
    return math.sin(i * 1.7 + sum(map(ord, key)) % 11)


def _history(tx: Tx, wid: int, spec: dict[str, Any], year: int, as_of: dt.date, krs: list[dict],
             objectives: dict[int, dict], kr_keys: dict[int, str], indicators: dict[str, dict]) -> None:
    """Half a year of check-ins and readings up to *as_of* (SPEC §7: the board is alive on load)."""
    pace = spec["pace"]
    window_start = max(dt.date(year, 1, 1), as_of - dt.timedelta(days=182))
    check_ins = []
    for k in krs:
        o = objectives[k["objective_id"]]
        start, deadline = o["period_start"], k["deadline"] or o["period_end"]
        end = min(as_of, deadline)
        first = max(window_start if deadline > window_start else start, start)
        factor = pace.get(kr_keys[k["id"]], 1.0)
        day, i = first, 0
        while day <= end:
            share = (day - start).days / max(1, (deadline - start).days)
            value = k["baseline"] + (k["target"] - k["baseline"]) * min(1.0, share * factor) \
                + (k["target"] - k["baseline"]) * 0.015 * _wiggle(i, kr_keys[k["id"]])
            check_ins.append({"workspace_id": wid, "key_result_id": k["id"], "date": day,
                              "value": round(value, 2), "confidence": max(3, min(9, round(8 * factor))),
                              "note": None})
            day += dt.timedelta(days=7)
            i += 1
    tx.insert_many("check_in", check_ins)
    step = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91}
    readings = []
    for key, shape in spec["readings"].items():
        ind = indicators[key]
        n = max(1, (as_of - window_start).days // step[ind["frequency"]])
        for i in range(n + 1):
            day = window_start + dt.timedelta(days=i * step[ind["frequency"]])
            if ind["frequency"] == "monthly":
                day = min(as_of, (dt.date(day.year, day.month, 28)))
            if day > as_of:
                break
            t = i / max(1, n)
            value = shape["start"] + (shape["end"] - shape["start"]) * t
            value += abs(shape["end"] - shape["start"]) * 0.04 * _wiggle(i, key)
            readings.append({"workspace_id": wid, "indicator_id": ind["id"], "date": day,
                             "value": round(value, 2), "comment": None})
    # no two readings of one indicator on the same day
    seen, unique = set(), []
    for r in readings:
        if (r["indicator_id"], r["date"]) not in seen:
            seen.add((r["indicator_id"], r["date"]))
            unique.append(r)
    tx.insert_many("reading", unique)


def load(store: Store, lang: str = "zh", year: int | None = None, actor: str | None = None,
         as_of: dt.date | None = None) -> int:
    """Create the demo workspace; returns its id. Undo removes it whole.

    Its history runs up to *as_of* (default: today inside the plan year, else the year's end)."""
    year = year or dt.date.today().year
    as_of = as_of or tracking.today_in(year)
    spec = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    ws_row = workspace.clean({**_localise(spec["workspace"], lang, year), "year": year, "language": lang})
    with store.transaction(None, "demo.load", actor) as tx:
        wid = store.insert_workspace(tx, ws_row)
        keys: dict[str, int] = {}
        objectives: list[dict] = []
        krs: list[dict] = []
        for pos, o in enumerate(spec["objectives"]):
            data = _localise(o, lang, year)
            data["aligns_to"] = keys.get(o.get("aligns_to")) if o.get("aligns_to") else None
            row = okr.clean_objective(data, year=year, objective_id=None, objectives=objectives, krs=krs)
            oid = tx.insert("objective", {**row, "workspace_id": wid, "position": pos})
            objectives.append({**row, "id": oid})
            for kpos, k in enumerate(o["key_results"]):
                krow = okr.clean_key_result(_localise(k, lang, year), year=year)
                kid = tx.insert("key_result", {**krow, "workspace_id": wid, "objective_id": oid,
                                               "position": len(krs)})
                krs.append({**krow, "id": kid, "objective_id": oid})
                keys[k["key"]] = kid
        kr_ids = set(keys.values())
        counter = [0]

        def add(node: dict[str, Any], parent: int | None) -> None:
            data = _localise(node, lang, year)
            data["key_result_id"] = keys.get(node.get("key_result")) if node.get("key_result") else None
            row = onion.clean_node(data, is_root=parent is None, key_result_ids=kr_ids)
            nid = tx.insert("onion_node", {**row, "workspace_id": wid, "parent_id": parent, "position": counter[0]})
            counter[0] += 1
            for child in node.get("children", []):
                add(child, nid)

        add(spec["onion"], None)

        # the scorecard: the startup template, owners, KR links, a strategy map, half a year of history
        sc = spec["scorecard"]
        template = bsc.templates()[sc["template"]]
        tx.update("workspace", wid, {"perspectives": ",".join(template["perspectives"])})
        indicators: dict[str, dict] = {}
        for pos, row in enumerate(bsc.template_rows(sc["template"], lang)):
            short = row["template"].split(".", 1)[1]
            clean = bsc.clean_indicator({**row, "owner": _text(sc["owners"].get(short), lang, year)},
                                        perspectives=template["perspectives"])
            iid = tx.insert("indicator", {**clean, "workspace_id": wid, "template": row["template"], "position": pos})
            indicators[short] = {**clean, "id": iid}
            for kr_key in sc["links"].get(short, []):
                tx.insert("indicator_kr", {"workspace_id": wid, "indicator_id": iid, "key_result_id": keys[kr_key]})
        obj_keys = {o["key"]: objectives[i]["id"] for i, o in enumerate(spec["objectives"])}
        node = lambda k: ("indicator", indicators[k]["id"]) if k in indicators else ("objective", obj_keys[k])
        for cause, effect in sc["map"]:
            (ck, ci), (ek, ei) = node(cause), node(effect)
            tx.insert("strategy_link", {"workspace_id": wid, "cause_kind": ck, "cause_id": ci, "effect_kind": ek,
                                        "effect_id": ei})
        kr_keys = {v: k for k, v in keys.items()}
        _history(tx, wid, sc, year, as_of, krs, {o["id"]: o for o in objectives}, kr_keys, indicators)

        # Day 5–7 and the loop: risks with plans A/B/C, weekly plans and daily reports, reviews
        ctx = {"kr": keys, "objective": obj_keys, "indicator": {k: v["id"] for k, v in indicators.items()},
               "krs": tx.rows("key_result", wid), "indicators": tx.rows("indicator", wid),
               "objectives": tx.rows("objective", wid), "check_ins": tx.rows("check_in", wid),
               "readings": tx.rows("reading", wid),
               "annual_revenue": float(spec["onion"]["amount"])}
        for part in (demo_risk, demo_weekly, demo_review):
            part.add_demo(tx, wid, lang, year, as_of, ctx)
            ctx["readings"] = tx.rows("reading", wid)
            ctx["check_ins"] = tx.rows("check_in", wid)
    return wid
