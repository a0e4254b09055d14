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

from strategy_core.demo import review as demo_review, risk as demo_risk, weekly as demo_weekly
from strategy_core.plan import bsc, okr, onion, workspace
from strategy_core.routines import agenda
from strategy_core.track import tracking
from strategy_core.store.store import Store, Tx

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_company.json"


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


# readings per frequency: how many periods back from the story date (half a year of daily and weekly
# ones, nine months of monthly ones — so a quarterly review sees the quarter before it too), and the
# step in days (None: by calendar month)
_READINGS_BACK = {"daily": (182, 1), "weekly": (26, 7), "monthly": (9, None), "quarterly": (4, None)}


def story_start(year: int) -> dt.date:
    """The first day on which the demo can tell its whole story in *year*: its first quarter is behind
    it (a finished month and quarter to review, months of history for a red streak)."""
    return dt.date(year, 4, 1)


def default_year(today: dt.date) -> int:
    """The plan year the demo shows when loaded on *today* with no year given: this year from
    1 April on, before that last year (complete, told as of its 31 December)."""
    return today.year if today >= story_start(today.year) else today.year - 1


def story_date(year: int, today: dt.date) -> dt.date:
    """The day the demo of *year* is told as of, loaded on *today*: *today* inside the year, the
    year's last day after it, its first day before it (the board's own default, `tracking.today_in`)."""
    return tracking.today_in(year, today)


def tells_whole_story(year: int, today: dt.date) -> bool:
    """Whether the demo of *year*, loaded on *today*, holds every part of its story (see the README):
    false only for a year whose first quarter is not yet behind *today*."""
    return story_date(year, today) >= story_start(year)


def _reading_days(frequency: str, as_of: dt.date, year: int) -> list[dt.date]:
    """The days an indicator of *frequency* was read, newest first: one a period, back from *as_of*,
    never before the plan year. Monthly and quarterly readings fall on the period's 28th (or *as_of*,
    in the period that holds it)."""
    count, step = _READINGS_BACK.get(frequency, _READINGS_BACK["monthly"])
    first = dt.date(year, 1, 1)
    days: list[dt.date] = []
    for k in range(count):
        if step is not None:
            day = as_of - dt.timedelta(days=k * step)
        else:
            months = k * (1 if frequency != "quarterly" else 3)
            m = as_of.year * 12 + as_of.month - 1 - months
            day = dt.date(m // 12, m % 12 + 1, 28)
            if k == 0:
                day = min(as_of, day)
        if day < first:
            break
        days.append(day)
    return days


def _history(tx: Tx, wid: int, spec: dict[str, Any], year: int, as_of: dt.date, krs: list[dict],
             objectives: dict[int, dict], kr_keys: dict[int, str], indicators: dict[str, dict]) -> None:
    """Half a year of check-ins and readings up to *as_of* (the board is alive on load), laid by
    formula relative to *as_of* so the same story holds whatever day it is told on.

    KRs: a check-in a week at their pace (times the demo's pace factor), from half a year back (or
    their period's start) to *as_of* or their deadline. Indicators: one reading a period, the latest
    at the shape's end value and the first of the window at its start — so the latest few periods
    always sit where the story needs them (the repeat-purchase rate red for its last three months)."""
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
    readings = []
    for key, shape in spec["readings"].items():
        ind = indicators[key]
        count = _READINGS_BACK.get(ind["frequency"], _READINGS_BACK["monthly"])[0]
        for k, day in enumerate(_reading_days(ind["frequency"], as_of, year)):
            t = 1 - k / max(1, count - 1)          # 1 on the latest reading, 0 at the window's start
            value = shape["start"] + (shape["end"] - shape["start"]) * t
            value += abs(shape["end"] - shape["start"]) * 0.04 * _wiggle(k, key)
            readings.append({"workspace_id": wid, "indicator_id": ind["id"], "date": day,
                             "value": round(value, 2), "comment": None})
    readings.sort(key=lambda r: (r["indicator_id"], r["date"]))
    tx.insert_many("reading", readings)


def load(store: Store, lang: str = "zh", year: int | None = None, actor: str | None = None, *,
         today: dt.date) -> int:
    """Create the demo workspace as loaded on *today*; returns its id. Undo removes it whole.

    Its plan year is *year* (default: `default_year(today)`); its history runs up to
    `story_date(year, today)`, the day its monitoring board opens on."""
    year = year or default_year(today)
    as_of = story_date(year, today)
    spec = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    ws_row = workspace.clean({**_localise(spec["workspace"], lang, year), "year": year, "language": lang})
    with store.transaction(None, "demo.load", actor) as tx:
        wid = store.insert_workspace(tx, ws_row)
        keys, objectives, krs = _add_okrs(tx, wid, spec["objectives"], lang, year)
        _add_onion(tx, wid, spec["onion"], keys, lang, year)
        sc = spec["scorecard"]
        obj_keys = {o["key"]: objectives[i]["id"] for i, o in enumerate(spec["objectives"])}
        indicators = _add_scorecard(tx, wid, sc, keys, obj_keys, lang, year)
        kr_keys = {v: k for k, v in keys.items()}
        _history(tx, wid, sc, year, as_of, krs, {o["id"]: o for o in objectives}, kr_keys, indicators)
        # the routines that run the year: risks with plans A/B/C, weekly plans and daily reports, reviews
        ctx = {"kr": keys, "objective": obj_keys, "indicator": {k: v["id"] for k, v in indicators.items()},
               "krs": tx.rows("key_result", wid), "indicators": tx.rows("indicator", wid),
               "objectives": tx.rows("objective", wid), "check_ins": tx.rows("check_in", wid),
               "readings": tx.rows("reading", wid),
               "annual_revenue": float(spec["onion"]["amount"])}
        for part in (demo_risk, demo_weekly, demo_review):
            part.add_demo(tx, wid, lang, year, as_of, ctx)
            ctx["readings"] = tx.rows("reading", wid)
            ctx["check_ins"] = tx.rows("check_in", wid)
        tx.insert_many("agenda_session", agenda.default_rows(wid, lang))   # the workshop's agenda, not started
    return wid


def _add_okrs(tx: Tx, wid: int, spec: list[dict], lang: str, year: int) -> tuple[dict[str, int], list[dict], list[dict]]:
    """The three levels of OKRs, each checked as the OKR form checks it; (KR key → id, objectives, KRs)."""
    keys: dict[str, int] = {}
    objectives: list[dict] = []
    krs: list[dict] = []
    for pos, o in enumerate(spec):
        data = _localise(o, lang, year)
        data["aligns_to"] = keys.get(o.get("aligns_to")) if o.get("aligns_to") else None
        row = okr.clean_objective(data, year=year, objective_id=None, objectives=objectives, krs=krs)
        oid = tx.insert("objective", {**row, "workspace_id": wid, "position": pos})
        objectives.append({**row, "id": oid})
        for k in o["key_results"]:
            krow = okr.clean_key_result(_localise(k, lang, year), year=year)
            kid = tx.insert("key_result", {**krow, "workspace_id": wid, "objective_id": oid, "position": len(krs)})
            krs.append({**krow, "id": kid, "objective_id": oid})
            keys[k["key"]] = kid
    return keys, objectives, krs


def _add_onion(tx: Tx, wid: int, spec: dict, keys: dict[str, int], lang: str, year: int) -> None:
    """The revenue onion, line by line from the root, in the order the file lists them."""
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

    add(spec, None)


def _add_scorecard(tx: Tx, wid: int, sc: dict, keys: dict[str, int], obj_keys: dict[str, int], lang: str,
                   year: int) -> dict[str, dict]:
    """The scorecard from the startup template, with owners, KR links and a strategy map; its
    indicators by their template key."""
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

    def node(k: str) -> tuple[str, int]:
        return ("indicator", indicators[k]["id"]) if k in indicators else ("objective", obj_keys[k])

    for cause, effect in sc["map"]:
        (ck, ci), (ek, ei) = node(cause), node(effect)
        tx.insert("strategy_link", {"workspace_id": wid, "cause_kind": ck, "cause_id": ci, "effect_kind": ek,
                                    "effect_id": ei})
    return indicators
