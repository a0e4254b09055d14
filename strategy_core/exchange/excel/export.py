"""Export a workspace as an xlsx workbook: one sheet per template of the method (SPEC §2–6).

Sheets (keys in ``SHEETS``): onion (revenue decomposition with its consistency findings), okr
(the three-level table, every SPEC §3 field), scorecard (indicators with their latest status),
weekly (plans + items), daily (data reports + readings), review (minutes: findings +
adjustments), risk (risks + plans A/B/C) and board (every KR and indicator as of a date, with a
native bar chart of KR progress).

Each sheet: a title block (company, year, export date), a styled header row at ``HEADER_ROW``
(frozen below, repeated on every printed page), columns fitted to their content (CJK counted
double), number formats (money in the workspace currency, %, dates), drop-downs for fixed
choices, status colours by conditional formatting beside the status word, landscape print set
to fit the width.

Safety (DESIGN §3 "Excel"): only values are written, never formulas. Text is cleaned of control
characters; text that a spreadsheet would read as a formula (= + - @, a leading tab or CR) is
stored as a string with the quote prefix. Text longer than a cell can hold (``CELL_MAX``) is
refused with ``ExportError`` naming the sheet, row and column — never cut.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from functools import cached_property, lru_cache
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import xlsxwriter

from strategy_core import quality
from strategy_core.plan import bsc, okr, onion
from strategy_core.routines import daily, review, risk, weekly
from strategy_core.track import measure, monitor
from strategy_core.errors import WorkbenchError
from strategy_core.findings import problems
from strategy_core.i18n import LANGS, t
from strategy_core.numbers import currency_symbol
from strategy_core.store.store import Store

SHEETS = ("onion", "okr", "scorecard", "weekly", "daily", "review", "risk", "board")
IMPORTABLE = SHEETS[:-1]     # the board is measured, not typed: an import skips it
CELL_MAX = 32_767            # characters an xlsx cell holds; more is refused, never cut
HEADER_ROW = 4               # rows 1–3: the title block
TEMPLATE_ROWS = 500          # rows below the data that keep the drop-downs and status colours
WIDTH_MIN, WIDTH_MAX, WIDTH_LONG = 8, 60, 48
ROW_LINE = 15                # points per line of wrapped text
PAGE_WIDTH = 200             # column-width units printed on one landscape A4 page (about 70 % scale)
# control characters, the two non-characters XML forbids, and lone surrogates: none can be in a cell
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")   # (CR is LF by then)

# (fill, font colour) of a status word; the word itself stays in the cell
_TONES = {"good": ("C6EFCE", "006100"), "warn": ("FFEB9C", "9C5700"), "bad": ("FFC7CE", "9C0006"),
          "none": ("EDEDED", "595959")}
STATUS_TONE = {"status.on_track": "good", "status.green": "good", "status.at_risk": "warn",
               "status.yellow": "warn", "status.off_track": "bad", "status.red": "bad",
               "status.no_data": "none", "status.outdated": "none",
               "risk.level.red": "bad", "risk.level.yellow": "warn", "risk.level.green": "good",
               "review.status.open": "warn", "review.status.done": "good"}


class ExportError(WorkbenchError):
    """The workspace cannot be written as a workbook as it stands (nothing is cut to make it fit)."""


# -- cell safety ------------------------------------------------------------------------------

def clean_text(value: str) -> str:
    """Text without the characters a workbook cannot hold. Tab and LF stay; CR becomes LF (the
    XML would turn it into LF anyway, and an import would then see a change)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=65_536)
def _width_of(text: str) -> int:
    """Display width: CJK and other wide characters count double (texts repeat: an objective's
    title is on every one of its KR rows, so the answer is kept)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


# -- columns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    key: str
    label: str                          # catalog key of the header
    kind: str = "text"                  # text | long | money | gap | number | pct | pct100 | date | datetime | int | id
    choices: tuple[str, ...] = ()       # catalog keys of the allowed words (a drop-down)
    words: Callable[[str], list[str]] | None = None   # allowed words not in the catalog (e.g. ≥ ≤)
    status: bool = False                # colour the cell by its word


def _keys(prefix: str, values: Iterable[str]) -> tuple[str, ...]:
    return tuple(prefix + v for v in values)


LEVEL = _keys("okr.level.", okr.LEVELS)
PERSPECTIVE = _keys("bsc.perspective.", bsc.PERSPECTIVES)
FREQUENCY = _keys("bsc.frequency.", bsc.FREQUENCIES)
DIRECTION = _keys("okr.direction.", okr.DIRECTIONS)
KR_STATUS = _keys("status.", (measure.ON_TRACK, measure.AT_RISK, measure.OFF_TRACK, measure.NO_DATA,
                              measure.OUTDATED))
IND_STATUS = _keys("status.", (measure.GREEN, measure.YELLOW, measure.RED, measure.NO_DATA, measure.OUTDATED))
RISK_LEVEL = _keys("risk.level.", risk.LEVELS)
YES_NO = ("xl.yes", "xl.no")
COMMITTED = ("okr.committed.yes", "okr.committed.no")
REVIEW_KIND = _keys("review.kind.", review.KINDS)
ADJ_STATUS = _keys("review.status.", review.ADJUSTMENT_STATUSES)
ONION_KIND = _keys("onion.kind.", onion.KINDS)
ONION_LAYER = _keys("onion.layer.", onion.LAYERS)
ENTRY_KIND = ("xl.entry.finding", "xl.entry.adjustment")
BOARD_KIND = ("xl.kind.key_result", "xl.kind.indicator")
SUBJECT_KIND = ("xl.kind.key_result", "xl.kind.indicator")
_SYMBOLS = lambda lang: [bsc.COMPARATOR_SYMBOL[c] for c in bsc.COMPARATORS]  # noqa: E731
_LABELS = lambda lang: list(risk.LABELS)  # noqa: E731

COLUMNS: dict[str, tuple[Col, ...]] = {
    "onion": (
        Col("layer", "onion.col.layer", choices=ONION_LAYER),
        Col("name", "field.name"),
        Col("kind", "field.kind", choices=ONION_KIND),
        Col("share", "xl.col.share", "pct100"),
        Col("units", "field.units", "number"),
        Col("unit_price", "xl.col.unit_price", "money"),
        Col("value", "xl.col.monthly", "money"),
        Col("annual", "xl.col.annual", "money"),
        Col("daily", "onion.col.daily", "money"),
        Col("planned", "onion.col.planned", "money"),
        Col("children_total", "xl.col.children_total", "money"),
        Col("gap", "xl.col.gap", "gap"),
        Col("check", "xl.col.check", "long"),
        Col("key_result", "field.key_result_id", "long"),
        Col("note", "field.note", "long"),
        Col("id", "xl.col.id", "id"),
        Col("parent", "xl.col.parent", "id"),
    ),
    "okr": (
        Col("level", "field.level", choices=LEVEL),
        Col("title", "field.title", "long"),
        Col("o_owner", "xl.col.objective_owner"),
        Col("o_team", "xl.col.objective_team"),
        Col("period_start", "field.period_start", "date"),
        Col("period_end", "field.period_end", "date"),
        Col("aligns_to", "field.aligns_to", "long"),
        Col("perspective", "field.perspective", choices=PERSPECTIVE),
        Col("statement", "field.statement", "long"),
        Col("metric", "field.metric"),
        Col("unit", "field.unit"),
        Col("baseline", "field.baseline", "number"),
        Col("target", "field.target", "number"),
        Col("direction", "field.direction", choices=DIRECTION),
        Col("band_low", "field.band_low", "number"),
        Col("band_high", "field.band_high", "number"),
        Col("deadline", "field.deadline", "date"),
        Col("owner", "field.owner"),
        Col("team", "field.team"),
        Col("decomposition_logic", "field.decomposition_logic", "long"),
        Col("data_support", "field.data_support", "long"),
        Col("execution_steps", "field.execution_steps", "long"),
        Col("data_source", "field.data_source", "long"),
        Col("alert_value", "field.alert_value", "number"),
        Col("resources_money", "xl.col.resources_money", "long"),
        Col("resources_people", "xl.col.resources_people", "long"),
        Col("resources_things", "xl.col.resources_things", "long"),
        Col("risk_plan", "field.risk_plan", "long"),
        Col("committed", "field.committed", choices=COMMITTED),
        Col("weight", "field.weight", "number"),
        Col("check", "xl.col.quality", "long"),
        Col("o_id", "xl.col.objective_id", "id"),
        Col("kr_id", "xl.col.kr_id", "id"),
    ),
    "scorecard": (
        Col("perspective", "field.perspective", choices=PERSPECTIVE),
        Col("name", "field.name", "long"),
        Col("unit", "field.unit"),
        Col("comparator", "field.comparator", words=_SYMBOLS),
        Col("target", "field.target", "number"),
        Col("band", "field.band", "number"),
        Col("frequency", "field.frequency", choices=FREQUENCY),
        Col("owner", "field.owner"),
        Col("data_source", "xl.col.indicator_source", "long"),
        Col("krs", "bsc.col.krs", "long"),
        Col("latest", "bsc.col.latest", "number"),
        Col("latest_date", "xl.col.latest_date", "date"),
        Col("status", "common.status", choices=IND_STATUS, status=True),
        Col("id", "xl.col.id", "id"),
    ),
    "weekly": (
        Col("person", "field.person"),
        Col("week_start", "field.week_start", "date"),
        Col("confidence", "field.confidence", "int"),
        Col("last_week_result", "field.last_week_result", "long"),
        Col("help_needed", "field.help_needed", "long"),
        Col("item", "field.item_text", "long"),
        Col("key_result", "xl.col.item_kr", "long"),
        Col("kr_value", "field.kr_value", "number"),
        Col("done", "weekly.col.done", choices=YES_NO),
        Col("plan_id", "xl.col.plan_id", "id"),
        Col("item_id", "xl.col.item_id", "id"),
    ),
    "daily": (
        Col("day", "field.day", "date"),
        Col("owner", "field.owner"),
        Col("submitted_at", "xl.col.submitted_at", "datetime"),
        Col("note", "xl.col.report_note", "long"),
        Col("indicator", "daily.col.indicator", "long"),
        Col("perspective", "field.perspective", choices=PERSPECTIVE),
        Col("unit", "field.unit"),
        Col("comparator", "field.comparator", words=_SYMBOLS),
        Col("target", "field.target", "number"),
        Col("value", "field.value", "number"),
        Col("status", "common.status", choices=IND_STATUS, status=True),
        Col("comment", "field.comment", "long"),
        Col("report_id", "xl.col.report_id", "id"),
        Col("reading_id", "xl.col.reading_id", "id"),
    ),
    "review": (
        Col("kind", "field.review_kind", choices=REVIEW_KIND),
        Col("period_start", "field.period_start", "date"),
        Col("period_end", "field.period_end", "date"),
        Col("held_on", "field.held_on", "date"),
        Col("attendees", "field.attendees", "long"),
        Col("summary", "field.review_summary", "long"),
        Col("entry", "xl.col.entry", choices=ENTRY_KIND),
        Col("subject_kind", "board.col.kind", choices=SUBJECT_KIND),
        Col("subject", "review.col.subject", "long"),
        Col("planned", "xl.col.planned", "number"),
        Col("actual", "xl.col.actual", "number"),
        Col("gap", "review.col.gap", "pct"),
        Col("cause", "field.cause", "long"),
        Col("what", "field.what", "long"),
        Col("owner", "field.owner"),
        Col("due", "field.due", "date"),
        Col("adj_status", "field.adjustment_status", choices=ADJ_STATUS, status=True),
        Col("response", "field.response", "long"),
        Col("gap_closed", "review.col.gap_closed", choices=YES_NO),
        Col("review_id", "xl.col.review_id", "id"),
        Col("entry_id", "xl.col.entry_id", "id"),
    ),
    "risk": (
        Col("name", "field.name", "long"),
        Col("level", "xl.col.risk_level", choices=RISK_LEVEL, status=True),
        Col("top", "field.top", choices=YES_NO),
        Col("impact_share", "field.impact_share", "pct100"),
        Col("impact_money", "xl.col.impact_money", "money"),
        Col("impact_text", "field.impact_text", "long"),
        Col("trigger", "field.trigger", "long"),
        Col("trigger_comparator", "field.trigger_comparator", words=_SYMBOLS),
        Col("trigger_value", "field.trigger_value", "number"),
        Col("owner", "field.owner"),
        Col("label", "field.label", words=_LABELS),
        Col("strategy", "field.strategy", "long"),
        Col("cost", "field.cost", "money"),
        Col("expected_result", "field.expected_result", "number"),
        Col("expected_unit", "field.expected_unit"),
        Col("channel", "field.channel", "long"),
        Col("risk_id", "xl.col.risk_id", "id"),
        Col("plan_id", "xl.col.risk_plan_id", "id"),
    ),
    "board": (
        Col("kind", "board.col.kind", choices=BOARD_KIND),
        Col("name", "board.col.name", "long"),
        Col("owner", "field.owner"),
        Col("unit", "field.unit"),
        Col("target", "xl.col.target_text"),
        Col("latest", "bsc.col.latest", "number"),
        Col("latest_date", "xl.col.latest_date", "date"),
        Col("progress", "board.col.progress", "pct"),
        Col("expected", "board.col.expected", "pct"),
        Col("status", "common.status", choices=KR_STATUS + IND_STATUS[:3], status=True),
        Col("forecast", "board.col.forecast", "number"),
        Col("alert", "xl.col.alert", choices=YES_NO),
    ),
}
assert tuple(COLUMNS) == SHEETS


# -- rows of each sheet ---------------------------------------------------------------------

@dataclass
class Context:
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


# -- writing ---------------------------------------------------------------------------------

def _money_format(currency: str, lang: str, *, red: bool = False) -> str:
    sym = currency_symbol(currency, lang).replace('"', "")
    neg = f'[Red]-"{sym}"#,##0' if red else f'-"{sym}"#,##0'
    return f'"{sym}"#,##0;{neg}'


def _number_format(kind: str, value: Any, money: str, gap: str) -> str | None:
    if kind == "money":
        return money
    if kind == "gap":
        return gap
    if kind == "pct":
        return "0%"
    if kind == "pct100":
        return '0"%"' if float(value).is_integer() else '0.0#"%"'
    if kind == "id":
        return "0"
    if kind in ("number", "int"):
        return "#,##0" if float(value).is_integer() else "#,##0.00"
    if kind == "date":
        return "yyyy-mm-dd"
    if kind == "datetime":
        return "yyyy-mm-dd hh:mm"
    return None


def _shown(value: Any, fmt: str | None) -> str:
    """Roughly what the cell shows, to size the column."""
    if isinstance(value, (dt.datetime, dt.date)):
        return "0000-00-00 00:00" if isinstance(value, dt.datetime) else "0000-00-00"
    if isinstance(value, (int, float)):
        if fmt == "0%":
            return f"{value:.0%}"
        return f"¥{value:,.2f}" if fmt and "." in fmt else f"¥{value:,.0f}"
    return str(value)


_BORDER_COLOR = "#BFBFBF"


class _Writer:
    """One sheet being written with XlsxWriter (rows and columns 0-based here, 1-based in messages)."""

    def __init__(self, wb: xlsxwriter.Workbook, key: str, lang: str, currency: str,
                 title_lines: tuple[str, str, str]):
        self.wb, self.key, self.lang = wb, key, lang
        self.cols = COLUMNS[key]
        self.sheet_name = t(f"xl.sheet.{key}", lang)
        self.ws = wb.add_worksheet(self.sheet_name)
        self.money = _money_format(currency, lang)
        self.gap = _money_format(currency, lang, red=True)
        self.widths = [_width_of(t(c.label, lang)) + 2 for c in self.cols]
        self.headers = [t(c.label, lang) for c in self.cols]
        self.row = HEADER_ROW              # the last row written, 1-based
        self.wrapped: list[tuple[int, int, str]] = []   # (row, column index, text) of wrapped cells
        self._formats: dict[tuple, Any] = {}
        ws = self.ws
        fonts = ({"bold": True, "font_size": 14, "font_color": "#1F3864"}, {"font_size": 10, "font_color": "#595959"},
                 {"font_size": 10, "font_color": "#595959"})
        for r, (text, font) in enumerate(zip(title_lines, fonts), start=1):
            if text:
                self._write_text(r, 0, text, "", wb.add_format(font))
        ws.set_row(0, 22)
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "pattern": 1,
                              "border": 1, "border_color": _BORDER_COLOR, "text_wrap": True, "valign": "vcenter",
                              "align": "center"})
        for j, text in enumerate(self.headers):
            ws.write_string(HEADER_ROW - 1, j, text, head)
        ws.set_row(HEADER_ROW - 1, 32)

    def _checked(self, value: str, column: str, row: int) -> str:
        text = clean_text(value)
        if len(text) > CELL_MAX:
            raise ExportError("xl.error.too_long", sheet=self.sheet_name, row=row, column=column or "A",
                              length=len(text), max=CELL_MAX)
        return text

    def _write_text(self, row: int, col: int, value: str, column: str, fmt: Any) -> str:
        """A text cell (always a string, never a formula; one a spreadsheet would read as a formula
        gets the quote prefix)."""
        text = self._checked(value, column, row)
        if text.startswith(_FORMULA_START):
            fmt = self.wb.add_format({"quote_prefix": True})
        self.ws.write_string(row - 1, col, text, fmt)
        return text

    def _format(self, key: tuple) -> Any:
        """The cell format of a kind of cell (number format, ID, wrap, indent, quote prefix), made once."""
        fmt = self._formats.get(key)
        if fmt is None:
            num, is_id, wrap, indent, quote = key
            props: dict[str, Any] = {"border": 1, "border_color": _BORDER_COLOR, "valign": "top"}
            if num:
                props["num_format"] = num
            if is_id:
                props["font_color"] = "#808080"
            if quote:
                props["quote_prefix"] = True
            if wrap:
                props["text_wrap"] = True
            if indent:
                props["indent"] = indent
            fmt = self._formats[key] = self.wb.add_format(props)
        return fmt

    def add(self, data: dict[str, Any]) -> None:
        self.row += 1
        r = self.row
        ws, widths = self.ws, self.widths
        pct_cols = set(data.get("_pct", ()))
        level = int(data.get("_indent", 0))
        for j, col in enumerate(self.cols):
            value = data.get(col.key)
            wrap = col.kind == "long"
            num, is_id, quote, text = None, False, False, None
            if value is None or value == "":
                shown = ""
            elif isinstance(value, bool):
                raise TypeError(f"{col.key}: write booleans as words")
            elif isinstance(value, str):
                if col.choices and value in col.choices or col.status and value.startswith("status."):
                    value = t(value, self.lang)
                text = self._checked(value, self.headers[j], r)
                quote = text.startswith(_FORMULA_START)
                shown = max(text.split("\n"), key=_width_of) if "\n" in text else text
                wrap = wrap or "\n" in text
            else:
                if isinstance(value, float) and value != value:   # NaN: nothing to show
                    continue
                kind = "pct" if col.key in pct_cols else col.kind
                num = _number_format(kind if kind != "text" else "number", value, self.money, self.gap)
                shown = _shown(value, num) if kind != "id" else str(value)
                is_id = kind == "id"
            fmt = self._format((num, is_id, wrap, min(level * 2, 15) if col.key == "name" else 0, quote))
            if text is not None:
                if text:
                    ws.write_string(r - 1, j, text, fmt)
                    if wrap:
                        self.wrapped.append((r, j, text))
                else:
                    ws.write_blank(r - 1, j, None, fmt)
            elif value is None or value == "":
                ws.write_blank(r - 1, j, None, fmt)
            elif isinstance(value, (dt.date, dt.datetime)):
                ws.write_datetime(r - 1, j, value, fmt)
            else:
                ws.write_number(r - 1, j, value, fmt)
            w = min(_width_of(shown) + 2 + (2 * level if col.key == "name" else 0), WIDTH_MAX)
            widths[j] = max(widths[j], min(w, WIDTH_LONG) if col.kind == "long" else w)

    def finish(self) -> None:
        ws, n_cols = self.ws, len(self.cols)
        last_row = max(self.row, HEADER_ROW + 1)
        span_end = self.row + TEMPLATE_ROWS
        widths = [max(WIDTH_MIN, min(w, WIDTH_MAX)) for w in self.widths]
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        # rows as tall as their wrapped text: not every program sizes them on opening (LibreOffice
        # printed long adjustments over the next row)
        lines: dict[int, int] = {}
        for r, j, text in self.wrapped:
            n = sum(max(1, math.ceil(_width_of(part) / (widths[j] - 1))) for part in text.split("\n"))
            lines[r] = max(lines.get(r, 1), n)
        for r, n in lines.items():
            if n > 1:
                ws.set_row(r - 1, min(ROW_LINE * n + 3, 409))
        ws.freeze_panes(HEADER_ROW, 0)
        ws.autofilter(HEADER_ROW - 1, 0, last_row - 1, n_cols - 1)
        for j, col in enumerate(self.cols):
            words = [t(k, self.lang) for k in col.choices] if col.choices else (col.words(self.lang) if col.words else [])
            listed = ",".join(w.replace('"', '""') for w in words)
            if words and len(listed) <= 255 and not any("," in w for w in words):
                ws.data_validation(HEADER_ROW, j, span_end - 1, j, {
                    "validate": "list", "source": words, "ignore_blank": True, "show_error": True,
                    "error_message": t("xl.validation.error", self.lang), "error_title": self.headers[j][:32]})
            for k in col.choices if (col.status or col.choices) else ():
                tone = STATUS_TONE.get(k)
                if tone:
                    fill, font = _TONES[tone]
                    word = t(k, self.lang).replace('"', '""')
                    ws.conditional_format(HEADER_ROW, j, span_end - 1, j, {
                        "type": "cell", "criteria": "==", "value": f'"{word}"', "format": self.wb.add_format(
                            {"bg_color": "#" + fill, "font_color": "#" + font, "bold": True})})
        ws.set_landscape()
        ws.set_paper(9)                         # A4
        # fit to the width of as many pages as keep the type readable (a 33-column OKR table on one
        # A4 page would print at a third of its size); the first columns repeat on every page
        pages = max(1, math.ceil(sum(widths) / PAGE_WIDTH))
        ws.fit_to_pages(pages, 0)
        if pages > 1:
            ws.repeat_columns(0, 1)
        ws.repeat_rows(HEADER_ROW - 1)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&L" + self.sheet_name.replace("&", "&&") + "&C&P / &N")


def _title_lines(key: str, lang: str, ws: dict[str, Any] | None, on: dt.date | None,
                 today: dt.date) -> tuple[str, str, str]:
    sheet = t(f"xl.sheet.{key}", lang)
    if ws is None:
        return (sheet, t("xl.title.blank", lang), t("xl.title.ids", lang) if key in IMPORTABLE else "")
    title = f"{sheet} — {ws['name']}"
    sub = t("xl.title.sub", lang, company=ws["name"], year=ws["year"], date=today.isoformat(),
            currency=ws["currency"])
    note = ""
    if key == "board" and on is not None:
        note = t("xl.title.as_of", lang, date=on.isoformat())
    elif key == "onion":
        basis = t("onion.day_basis." + (ws.get("day_basis") or "month_30"), lang, days=onion.days_basis_count(ws))
        note = t("xl.title.onion", lang, basis=basis)
    if key in IMPORTABLE:
        note = " ".join(x for x in (note, t("xl.title.ids", lang)) if x)
    return (title, sub, note)


def _chart(w: _Writer, rows: list[dict[str, Any]]) -> None:
    """The board's native bar chart: each KR's progress, the first KR on top like the table."""
    n = sum(1 for r in rows if r.get("kind") == BOARD_KIND[0])
    if not n:
        return
    keys = [c.key for c in w.cols]
    name_col, prog_col = keys.index("name"), keys.index("progress")
    first, last = HEADER_ROW, HEADER_ROW + n - 1          # 0-based rows of the KRs
    chart = w.wb.add_chart({"type": "bar"})
    chart.add_series({"values": [w.sheet_name, first, prog_col, last, prog_col],
                      "categories": [w.sheet_name, first, name_col, last, name_col]})
    chart.set_title({"name": t("xl.chart.kr_progress", w.lang)})
    chart.set_x_axis({"num_format": "0%", "major_gridlines": {"visible": False}})   # (a bar chart's value axis)
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_style(10)
    cm = 96 / 2.54                                         # pixels per centimetre
    chart.set_size({"width": round(24 * cm), "height": round(max(7.5, 0.75 * n + 2) * cm)})
    w.ws.insert_chart(f"A{w.row + 3}", chart)


def _new_workbook(lang: str, buf: io.BytesIO, today: dt.date, title: str | None = None) -> xlsxwriter.Workbook:
    # every string is written as a string: nothing becomes a formula, a number or a link on its own
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    # created on the export's day, not the clock's
    wb.set_properties({"author": t("xl.creator", lang), "created": dt.datetime.combine(today, dt.time()),
                       **({"title": title} if title else {})})
    return wb


def export_workbook(store: Store, workspace_id: int, lang: str | None = None, *, today: dt.date,
                    on: dt.date | None = None, sheets: Iterable[str] = SHEETS) -> bytes:
    """The workspace as an xlsx file (bytes), one sheet per template, in *lang* (default: the
    workspace's language), dated *today*. The board is measured as of *on* (default: *today* inside
    the plan year). Raises ExportError when a text does not fit a cell."""
    ws = store.get_workspace(workspace_id)
    lang = lang or ws.get("language") or "zh"
    if lang not in LANGS:
        raise ExportError("xl.error.lang", lang=lang, allowed=", ".join(LANGS))
    on = on or monitor.tracking.today_in(ws["year"], today)
    for key in sheets:
        if key not in SHEETS:
            raise ExportError("xl.error.sheet", sheet=key, allowed=", ".join(SHEETS))
    ctx = Context(store, workspace_id, ws, lang, on)
    buf = io.BytesIO()
    wb = _new_workbook(lang, buf, today, f"{ws['name']} {ws['year']}")
    for key in sheets:
        w = _Writer(wb, key, lang, ws["currency"], _title_lines(key, lang, ws, on, today))
        rows = ROWS[key](ctx)
        for row in rows:
            w.add(row)
        w.finish()
        if key == "board":
            _chart(w, rows)
    wb.close()
    return buf.getvalue()


def blank_template(sheet_key: str, lang: str, currency: str = "CNY", *, today: dt.date) -> bytes:
    """One sheet with the headers, styles and drop-downs of *sheet_key* and no rows: to fill in
    (its title line is dated *today*)."""
    if sheet_key not in SHEETS:
        raise ExportError("xl.error.sheet", sheet=sheet_key, allowed=", ".join(SHEETS))
    if lang not in LANGS:
        raise ExportError("xl.error.lang", lang=lang, allowed=", ".join(LANGS))
    buf = io.BytesIO()
    wb = _new_workbook(lang, buf, today)
    _Writer(wb, sheet_key, lang, currency, _title_lines(sheet_key, lang, None, None, today)).finish()
    wb.close()
    return buf.getvalue()
