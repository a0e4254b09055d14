"""What each sheet of the workbook holds, as plain rows (column key → value): read from the store and
measured as of one day. The export writes them; the import compares a sheet against them to tell
an edit from an untouched copy."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

from strategy_core import quality
from strategy_core.findings import problems
from strategy_core.i18n import t
from strategy_core.plan import bsc, okr, onion
from strategy_core.routines import daily, review, risk, weekly
from strategy_core.exchange.excel.templates import BOARD_KIND, COMMITTED, ENTRY_KIND
from strategy_core.store.store import Store
from strategy_core.track import measure, monitor


@dataclass
class Context:
    """What building a sheet's rows needs: the store, the workspace, the language and the day measured on; the snapshot
    and the board are read only when a sheet asks for them."""
    store: Store
    wid: int
    ws: dict[str, Any]
    lang: str
    on: dt.date

    def tr(self, key: str | None) -> str | None:
        return t(key, self.lang) if key else None

    # read and measured only when a sheet needs them (one sheet downloaded from its page is quick)
    @cached_property
    def snap(self) -> monitor.Snapshot:
        return monitor.snapshot(self.store, self.wid)

    @cached_property
    def board(self) -> measure.Board:
        return monitor.board(self.snap, self.on)

    @cached_property
    def kr_by_id(self) -> dict[int, dict]:
        if "snap" in self.__dict__:
            return {k["id"]: k for k in self.snap.key_results}
        return {k["id"]: k for k in okr.list_key_results(self.store, self.wid)}


def _yes(flag: Any) -> str | None:
    return None if flag is None else ("xl.yes" if flag else "xl.no")


def _sym(comparator: str | None) -> str | None:
    return bsc.COMPARATOR_SYMBOL.get(comparator, comparator) if comparator else None


def _onion_rows(c: Context) -> list[dict[str, Any]]:
    res = onion.compute(onion.list_nodes(c.store, c.wid), c.ws)
    by_node: dict[int, list] = {}
    for f in res.findings:
        by_node.setdefault(f.entity_id, []).append(f)
    krs = c.kr_by_id
    rows = []
    for nid in res.order:
        r = res.nodes[nid]
        n = r.node
        found = by_node.get(nid, [])
        gaps = [f.gap for f in found if f.gap is not None]
        kr = krs.get(n.get("key_result_id"))
        rows.append({"_indent": r.depth, "layer": "onion.layer." + r.layer, "name": n["name"],
                     "kind": "onion.kind." + n["kind"] if n.get("kind") in onion.KINDS else n.get("kind"),
                     "share": n.get("share"), "units": n.get("units"), "unit_price": n.get("unit_price"),
                     "value": r.value, "annual": r.annual, "daily": r.daily, "planned": r.planned,
                     "children_total": r.children_total, "gap": gaps[0] if gaps else None,
                     "check": "\n".join(f.text(c.lang, c.ws["currency"]) for f in found) or None,
                     "key_result": kr["statement"] if kr else None, "note": n.get("note"),
                     "id": nid, "parent": n.get("parent_id") if n.get("parent_id") in res.nodes else None})
    for f in res.findings:   # findings about no node (should not happen) still show
        if f.entity_id not in res.nodes:
            rows.append({"check": f.text(c.lang, c.ws["currency"]), "gap": f.gap})
    return rows


def _okr_rows(c: Context) -> list[dict[str, Any]]:
    objectives, krs = c.snap.objectives, c.snap.key_results
    by_id = c.kr_by_id
    found: dict[tuple[str, Any], list[str]] = {}
    for f in problems(quality.check_all(objectives, krs, c.ws["year"])):
        found.setdefault((f.entity, f.entity_id), []).append(f.text(c.lang, c.ws["currency"]))
    order = {lv: i for i, lv in enumerate(okr.LEVELS)}
    by_objective: dict[int, list[dict]] = {}
    for k in krs:
        by_objective.setdefault(k["objective_id"], []).append(k)
    rows = []
    for o in sorted(objectives, key=lambda o: (order.get(o["level"], 9), o["position"], o["id"])):
        parent = by_id.get(o.get("aligns_to"))
        head = {"level": "okr.level." + o["level"], "title": o["title"], "o_owner": o.get("owner"),
                "o_team": o.get("team"), "period_start": o.get("period_start"), "period_end": o.get("period_end"),
                "aligns_to": parent["statement"] if parent else None,
                "perspective": "bsc.perspective." + o["perspective"] if o.get("perspective") else None,
                "o_id": o["id"]}
        mine = by_objective.get(o["id"], [])
        o_check = found.get(("objective", o["id"]), [])
        if not mine:
            rows.append({**head, "check": "\n".join(o_check) or None})
        for i, k in enumerate(mine):
            row = {**head, **{f: k.get(f) for f in okr.KR_FIELDS}}
            row["direction"] = "okr.direction." + k["direction"] if k.get("direction") in okr.DIRECTIONS else None
            row["committed"] = COMMITTED[0] if k.get("committed") in (None, True) else COMMITTED[1]
            row["weight"] = k.get("weight")
            row["kr_id"] = k["id"]
            row["check"] = "\n".join((o_check if i == 0 else []) + found.get(("key_result", k["id"]), [])) or None
            rows.append(row)
    return rows


def _scorecard_rows(c: Context) -> list[dict[str, Any]]:
    krs = c.kr_by_id
    rows = []
    for i in sorted(c.snap.indicators, key=lambda i: (bsc.PERSPECTIVES.index(i["perspective"])
                                                      if i["perspective"] in bsc.PERSPECTIVES else 9, i["position"])):
        s = c.board.indicators.get(i["id"])
        rows.append({"perspective": "bsc.perspective." + i["perspective"], "name": i["name"], "unit": i.get("unit"),
                     "comparator": _sym(i["comparator"]), "target": i["target"], "band": i.get("band"),
                     "frequency": "bsc.frequency." + i["frequency"], "owner": i.get("owner"),
                     "data_source": i.get("data_source"),
                     "krs": "\n".join(krs[k]["statement"] for k in c.snap.links.get(i["id"], []) if k in krs) or None,
                     "latest": s.latest if s else None, "latest_date": s.last_date if s else None,
                     "status": "status." + (s.status if s else measure.NO_DATA), "id": i["id"]})
    return rows


def _weekly_rows(c: Context) -> list[dict[str, Any]]:
    krs = c.kr_by_id
    rows = []
    for p in sorted(weekly.list_plans(c.store, c.wid), key=lambda p: (p["week_start"], p["person"], p["id"])):
        plan = weekly.get_plan(c.store, p["id"])
        head = {"person": p["person"], "week_start": p["week_start"], "confidence": p.get("confidence"),
                "last_week_result": p.get("last_week_result"), "help_needed": p.get("help_needed"),
                "plan_id": p["id"]}
        items = sorted(plan["items"], key=lambda i: (i["position"], i["id"]))
        if not items:
            rows.append(head)
        for it in items:
            kr = krs.get(it.get("key_result_id"))
            rows.append({**head, "item": it["text"], "key_result": kr["statement"] if kr else None,
                         "kr_value": it.get("kr_value"), "done": _yes(it.get("done")), "item_id": it["id"]})
    return rows


def _daily_rows(c: Context) -> list[dict[str, Any]]:
    indicators = {i["id"]: i for i in c.store.rows("indicator", c.wid)}
    readings = c.snap.readings
    rows = []
    for rep in sorted(daily.list_reports(c.store, c.wid), key=lambda r: (r["day"], r.get("owner") or "", r["id"])):
        head = {"day": rep["day"], "owner": rep.get("owner"), "submitted_at": rep.get("submitted_at"),
                "note": rep.get("note"), "report_id": rep["id"]}
        mine = daily.report_readings(readings, rep["id"])
        if not mine:
            rows.append(head)
        for iid, r in sorted(mine.items(), key=lambda kv: indicators.get(kv[0], {}).get("position", 0)):
            ind = indicators.get(iid)
            if ind is None:
                continue
            rows.append({**head, "indicator": ind["name"], "perspective": "bsc.perspective." + ind["perspective"],
                         "unit": ind.get("unit"), "comparator": _sym(ind["comparator"]), "target": ind["target"],
                         "value": r["value"], "status": "status." + daily.reading_status(ind, r["value"]),
                         "comment": r.get("comment"), "reading_id": r["id"]})
    return rows


def _subject(c: Context, kind: str | None, id_: Any) -> str | None:
    if kind == "key_result":
        k = c.kr_by_id.get(id_)
        return k["statement"] if k else c.tr("review.subject_gone")
    if kind == "indicator":
        i = next((i for i in c.store.rows("indicator", c.wid) if i["id"] == id_), None)
        return i["name"] if i else c.tr("review.subject_gone")
    return None


def _review_rows(c: Context) -> list[dict[str, Any]]:
    rows = []
    for m in sorted(review.minutes(c.store, c.wid), key=lambda m: (m.review["held_on"], m.review["id"])):
        r = m.review
        head = {"kind": "review.kind." + r["kind"], "period_start": r["period_start"], "period_end": r["period_end"],
                "held_on": r["held_on"], "attendees": r.get("attendees"), "summary": r.get("summary"),
                "review_id": r["id"]}
        findings = {f["id"]: f for f in m.findings}
        for f in m.findings:
            kr = f["subject_kind"] == "key_result"
            rows.append({**head, "entry": ENTRY_KIND[0], "subject_kind": "xl.kind." + f["subject_kind"],
                         "subject": _subject(c, f["subject_kind"], f.get("subject_id")),
                         "planned": f.get("planned"), "actual": f.get("actual"), "gap": f.get("gap"),
                         "cause": f.get("cause"), "_pct": ("planned", "actual") if kr else (), "entry_id": f["id"]})
        for a in m.adjustments:
            f = findings.get(a.get("finding_id"))
            rows.append({**head, "entry": ENTRY_KIND[1],
                         "subject_kind": "xl.kind." + f["subject_kind"] if f else None,
                         "subject": _subject(c, f["subject_kind"], f.get("subject_id")) if f else None,
                         "what": a["what"], "owner": a.get("owner"), "due": a.get("due"),
                         "adj_status": "review.status." + a["status"] if a.get("status") else None,
                         "response": a.get("response"), "gap_closed": _yes(a.get("gap_closed")),
                         "entry_id": a["id"]})
        if not m.findings and not m.adjustments:
            rows.append(head)
    return rows


def _risk_rows(c: Context) -> list[dict[str, Any]]:
    annual = risk.annual_revenue(c.store, c.wid)
    plans = risk.list_plans(c.store, c.wid)
    rows = []
    for r in sorted(risk.list_risks(c.store, c.wid), key=lambda r: (not r["top"], r["position"], r["id"])):
        head = {"name": r["name"], "level": "risk.level." + r["level"], "top": _yes(r["top"]),
                "impact_share": r.get("impact_share"), "impact_money": risk.impact_money(r, annual),
                "impact_text": r.get("impact_text"), "trigger": _subject(c, r.get("trigger_kind"), r.get("trigger_id")),
                "trigger_comparator": _sym(r.get("trigger_comparator")), "trigger_value": r.get("trigger_value"),
                "owner": r.get("owner"), "risk_id": r["id"]}
        mine = risk.plans_of(plans, r["id"])
        if not mine:
            rows.append(head)
        for label in sorted(mine):
            p = mine[label]
            rows.append({**head, "label": label, **{f: p.get(f) for f in risk.PLAN_FIELDS}, "plan_id": p["id"]})
    return rows


def _board_rows(c: Context) -> list[dict[str, Any]]:
    rows = []
    for k in c.snap.key_results:
        s = c.board.krs.get(k["id"])
        if s is None:
            continue
        target = (f"{k['band_low']:g} – {k['band_high']:g}" if k.get("direction") == "band"
                  and k.get("band_low") is not None and k.get("band_high") is not None
                  else f"{k['baseline']:g} → {k['target']:g}" if k.get("baseline") is not None
                  and k.get("target") is not None else None)
        rows.append({"kind": BOARD_KIND[0], "name": k["statement"], "owner": k.get("owner"), "unit": k.get("unit"),
                     "target": target, "latest": s.current, "latest_date": s.last_date, "progress": s.progress,
                     "expected": s.expected, "status": "status." + s.status, "forecast": s.forecast,
                     "alert": _yes(s.alert)})
    for i in c.snap.indicators:
        s = c.board.indicators.get(i["id"])
        if s is None:
            continue
        rows.append({"kind": BOARD_KIND[1], "name": i["name"], "owner": i.get("owner"), "unit": i.get("unit"),
                     "target": f"{_sym(i['comparator'])} {i['target']:g}", "latest": s.latest,
                     "latest_date": s.last_date, "progress": s.achievement, "status": "status." + s.status,
                     "alert": _yes(s.status == measure.RED)})
    return rows


ROWS: dict[str, Callable[[Context], list[dict[str, Any]]]] = {
    "onion": _onion_rows, "okr": _okr_rows, "scorecard": _scorecard_rows, "weekly": _weekly_rows,
    "daily": _daily_rows, "review": _review_rows, "risk": _risk_rows, "board": _board_rows}
