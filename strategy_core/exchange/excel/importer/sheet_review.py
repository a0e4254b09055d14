"""The review-minutes sheet: one row per entry — a finding (planned, actual, gap, cause of a KR or an
indicator) or an adjustment (what, owner, due, response) — under its review's cells. Findings are
planned before adjustments: an adjustment points at the finding of its subject. Removing a review
takes back the answers it recorded to earlier adjustments, as deleting it on the reviews page does."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.exchange.excel.importer.match import YES_NO, blank, column, fraction, norm, words, yes_no
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.plan import Change, Diff, show
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, filled, has_ids
from strategy_core.i18n import LANGS, t
from strategy_core.routines import review

V_COLS = {"kind": "kind", "period_start": "period_start", "period_end": "period_end", "held_on": "held_on",
          "attendees": "attendees", "summary": "summary"}
FI_COLS = {"planned": "planned", "actual": "actual", "gap": "gap", "cause": "cause"}
AD_COLS = {"what": "what", "owner": "owner", "due": "due", "response": "response"}
SUBJECT_KINDS = ("xl.kind.key_result", "xl.kind.indicator")


@dataclass
class _Reviews:
    """What planning the sheet's reviews needs besides the planner."""
    sheet: Sheet
    lang: str
    old: dict[int, dict]
    old_f: dict[int, dict]
    old_a: dict[int, dict]
    full: bool
    listed: set[int]                                   # reviews the sheet names by ID
    texts: dict[str, dict[int, str]]                   # subject kind → id → statement or name
    f_labels: dict[str, str] = field(default_factory=dict)
    a_labels: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple, int] = field(default_factory=dict)          # (kind, period end) → its row here
    kept_e: set[int] = field(default_factory=set)
    seen: dict[str, dict[int, int]] = field(default_factory=lambda: {"review_finding": {}, "adjustment": {}})
    gone_words: set[str] = field(default_factory=lambda: {norm(t("review.subject_gone", lg)) for lg in LANGS})


@dataclass
class _Entry:
    """One entry row, its kind and subject read."""
    r: Row
    table: str                  # review_finding | adjustment
    eid: int | None
    base: dict
    skind: Any
    sid: Any


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the review sheet into *p*: reviews, then their findings and adjustments. Reviews and entries the sheet no
    longer lists by ID are removed (a review with its entries and the answers it recorded); without IDs it only adds."""
    if not p.ids_complete(sheet, "entry_id", "review_id"):
        return
    old = {r["id"]: r for r in review.live_reviews(p.store, p.wid)}
    groups = p.group(sheet, tuple(c for c in V_COLS if c in sheet.cols), "review_id", old, "review")
    v = _Reviews(sheet, p.lang_of(sheet), old, {f["id"]: f for f in p.store.rows("review_finding", p.wid)},
                 {a["id"]: a for a in p.store.rows("adjustment", p.wid)}, any(id_ is not None for id_, _ in groups),
                 {id_ for id_, _ in groups if id_ is not None},
                 {"key_result": p.kr_texts(), "indicator": p.indicator_texts()},
                 p.covered(sheet, FI_COLS), p.covered(sheet, AD_COLS))
    if "subject" in sheet.cols:
        v.f_labels["subject_id"] = v.a_labels["finding_id"] = column("review", "subject").label
    for c in ("adj_status", "gap_closed"):
        if c in sheet.cols:
            v.a_labels["status" if c == "adj_status" else c] = column("review", c).label
    taken = {(x["kind"], x["period_end"]): i for i, x in old.items()}
    kept: set[int] = set()
    for id_, rows in groups:
        vid = id_ if id_ is not None else p.temp_id()
        kept.add(vid)
        if _review(p, v, id_, vid, rows[0], taken):
            _entries(p, v, id_, vid, rows)
    _removed(p, v, {i for i in old if v.full and i not in kept}, has_ids(sheet, "entry_id"))
    if not v.full:
        p.adds_only(sheet)


def _review(p: Planner, v: _Reviews, id_: int | None, vid: int, first: Row, taken: dict[tuple, int]) -> bool:
    """A review's own cells checked as the reviews page checks them, and planned (False: an error)."""
    sheet, lang = v.sheet, v.lang
    raw = {**(v.old.get(id_) or {}), **p.values(first, V_COLS, sheet)}
    if "kind" in sheet.cols:
        raw["kind"] = p.choice_col(sheet, first, "kind", lang)
    c = F.collect()
    kind = c("kind", F.choice, raw.get("kind"), review.KINDS)
    start = c("period_start", F.date, raw.get("period_start"), required=True)
    end = c("period_end", F.date, raw.get("period_end"), required=True)
    held = c("held_on", F.date, raw.get("held_on"), required=True)
    c("attendees", F.text, raw.get("attendees"), required=True, max_len=F.TEXT_MAX)
    c("summary", F.text, raw.get("summary"), max_len=F.TEXT_MAX, multiline=True)
    if start and end and start > end:
        c.add("period_end", "okr.error.period_order")
    if held and start and held < start:
        c.add("held_on", "review.error.held_before_period", start=start.isoformat())
    try:
        c.raise_if_any()
    except ValidationError as e:
        p.errors_from(sheet, first.n, e, field_cols(V_COLS))
        return False
    clean = {"kind": kind, "period_start": start, "period_end": end, "held_on": held,
             "attendees": c.values["attendees"], "summary": c.values.get("summary")}
    key = (kind, end)
    other = taken.get(key)
    if key in v.keys or (other is not None and other != id_ and not (v.full and other not in v.listed)):
        p.error(sheet, first.n, "period_end", FieldError("period_end", "review.error.duplicate", {
            "period": review.period_label(kind, end)}))
        return False
    v.keys[key] = first.n
    if id_ is None:
        clean.update(workspace_id=p.wid)
    p.change(sheet, "review", vid, f"{t('review.kind.' + kind, lang)} · {end}", first.n, clean, v.old.get(id_),
             p.covered(sheet, V_COLS))
    return True


def _entries(p: Planner, v: _Reviews, id_: int | None, vid: int, rows: list[Row]) -> None:
    """A review's findings, then its adjustments (which point at the finding of their subject)."""
    mine = {"review_finding": {i: x for i, x in v.old_f.items() if x["review_id"] == id_},
            "adjustment": {i: x for i, x in v.old_a.items() if x["review_id"] == id_}}
    findings_here: dict[tuple[str, Any], int] = {
        (f["subject_kind"], f["subject_id"]): f["id"] for f in mine["review_finding"].values()}
    pos = max((f["position"] for f in mine["review_finding"].values()), default=-1) + 1
    adjustments: list[_Entry] = []
    for r in rows:
        if not filled(v.sheet, r, (*FI_COLS, *AD_COLS, "entry", "entry_id")):
            continue
        e = _entry(p, v, r, mine)
        if e is None:
            continue
        if e.eid:
            v.kept_e.add(e.eid)
        if e.table == "adjustment":
            adjustments.append(e)
        elif _finding(p, v, e, vid, pos, findings_here):
            pos += 0 if e.eid else 1
    for e in adjustments:
        _adjustment(p, v, e, vid, findings_here)


def _entry(p: Planner, v: _Reviews, r: Row, mine: dict[str, dict[int, dict]]) -> _Entry | None:
    """An entry row's kind, id and subject (a KR or an indicator, found by its text); None: an error."""
    sheet, lang = v.sheet, v.lang
    entry = p.choice_col(sheet, r, "entry", lang) if "entry" in sheet.cols else None
    if entry is None and ("entry" not in sheet.cols or blank(r.cells.get("entry"))):
        entry = entry_kind(r, v.old_f, v.old_a)    # left empty: what the row holds says it
    if entry is None:
        p.error(sheet, r.n, "entry", FieldError("entry", "error.required", {}))
        return None
    table = "review_finding" if entry == "finding" else "adjustment"
    eid = p.ident(sheet, r, "entry_id", mine[table], table, v.seen[table]) if "entry_id" in sheet.cols else None
    if eid is False:
        return None
    base = mine[table].get(eid) or {}
    skind = p.choice(sheet, r, "subject_kind", words(SUBJECT_KINDS, "xl.kind."), [t(k, lang) for k in SUBJECT_KINDS]) \
        if "subject_kind" in sheet.cols else base.get("subject_kind")
    sid: Any = base.get("subject_id") if table == "review_finding" else None
    if "subject" in sheet.cols and not blank(r.cells.get("subject")) and norm(r.cells["subject"]) not in v.gone_words \
            and skind in v.texts:
        sid = p.resolve(sheet, r, "subject", v.texts[skind], skind)
        if sid is False:
            return None
    return _Entry(r, table, eid, base, skind, sid)


def _finding(p: Planner, v: _Reviews, e: _Entry, vid: int, pos: int, findings_here: dict) -> bool:
    """A finding checked and planned (False: an error, reported). Gaps, and a KR's planned and actual,
    are fractions shown as percentages (0.5 = 50 %)."""
    merged = {**e.base, **p.values(e.r, FI_COLS, v.sheet)}
    fc = F.collect()
    if e.skind not in v.texts:
        fc.add("subject_kind", "error.required")
    for f in FI_COLS.values():
        if f == "cause":
            fc(f, F.text, merged.get(f), max_len=F.TEXT_MAX, multiline=True)
        elif f == "gap" or e.skind == "key_result":
            fc(f, fraction, merged.get(f))
        else:
            fc(f, F.number, merged.get(f))
    try:
        fc.raise_if_any()
    except ValidationError as err:
        p.errors_from(v.sheet, e.r.n, err, {**field_cols(FI_COLS), "subject_kind": "subject_kind"})
        return False
    new = {"subject_kind": e.skind, "subject_id": e.sid, **{f: fc.values.get(f) for f in FI_COLS.values()}}
    fid = e.eid if e.eid else p.temp_id()
    findings_here[(e.skind, e.sid)] = fid
    if not e.eid:
        new.update(workspace_id=p.wid, review_id=vid, position=pos)
    p.change(v.sheet, "review_finding", fid, show(v.texts.get(e.skind, {}).get(e.sid) or e.skind, v.lang), e.r.n,
             new, e.base or None, v.f_labels)
    return True


def _adjustment(p: Planner, v: _Reviews, e: _Entry, vid: int, findings_here: dict) -> None:
    """An adjustment checked and planned; a new subject moves it to that subject's finding."""
    sheet, lang, r, base = v.sheet, v.lang, e.r, e.base
    merged = {**base, **p.values(r, AD_COLS, sheet)}
    ac = F.collect()
    ac("what", F.text, merged.get("what"), required=True, max_len=F.TEXT_MAX, multiline=True)
    ac("owner", F.text, merged.get("owner"))
    ac("due", F.date, merged.get("due"))
    ac("response", F.text, merged.get("response"), max_len=F.TEXT_MAX, multiline=True)
    status = p.choice_col(sheet, r, "adj_status", lang) if "adj_status" in sheet.cols else base.get("status")
    closed = p.choice(sheet, r, "gap_closed", YES_NO, yes_no(lang)) if "gap_closed" in sheet.cols \
        else base.get("gap_closed")
    try:
        ac.raise_if_any()
    except ValidationError as err:
        p.errors_from(sheet, r.n, err, field_cols(AD_COLS))
        return
    finding = base.get("finding_id")
    old_subject = (v.old_f[finding]["subject_kind"], v.old_f[finding]["subject_id"]) if finding in v.old_f else None
    if e.sid is not None and (e.skind, e.sid) != old_subject:
        finding = findings_here.get((e.skind, e.sid))
    new = {**{f: ac.values.get(f) for f in AD_COLS.values()}, "status": status or "open", "gap_closed": closed,
           "finding_id": finding}
    if not e.eid:
        new.update(workspace_id=p.wid, review_id=vid)
    p.change(sheet, "adjustment", e.eid if e.eid else p.temp_id(), new["what"], r.n, new, base or None, v.a_labels)


def _removed(p: Planner, v: _Reviews, removed: set[int], full_e: bool) -> None:
    """Reviews and entries the sheet no longer lists; the answers a removed review recorded."""
    for i in removed:
        x = v.old[i]
        p.remove("review", "review", x, f"{t('review.kind.' + x['kind'], v.lang)} · {x['period_end']}")
    for table, rows in (("review_finding", v.old_f), ("adjustment", v.old_a)):
        for i, x in rows.items():
            if x["review_id"] in removed or (full_e and x["review_id"] in v.old and i not in v.kept_e):
                p.remove("review", table, x, x.get("what") or x.get("cause") or x.get("subject_kind"))
    changed = {c.id for c in p.plan.changes if c.table == "adjustment"}
    for a in v.old_a.values():
        if a.get("responded_in") in removed and a["review_id"] not in removed and a["id"] not in changed:
            p.plan.changes.append(Change("change", "review", "adjustment", a["id"], a["what"], None,
                                         {"response": None, "gap_closed": None, "responded_in": None},
                                         [Diff("field.response", a.get("response"), None)]))


def entry_kind(r: Row, findings: dict[int, Any], adjustments: dict[int, Any]) -> str | None:
    """finding or adjustment, for a review row whose Entry cell is empty: by its ID, else by
    which of the two kinds of columns it fills (None: it cannot be told)."""
    raw = r.cells.get("entry_id")
    try:
        eid = None if blank(raw) else int(float(raw))
    except (TypeError, ValueError):
        eid = None
    if eid is not None and (eid in findings) != (eid in adjustments):
        return "finding" if eid in findings else "adjustment"
    has_adj = any(not blank(r.cells.get(c)) for c in (*AD_COLS, "adj_status", "gap_closed"))
    has_fin = any(not blank(r.cells.get(c)) for c in FI_COLS)
    return None if has_adj == has_fin else ("adjustment" if has_adj else "finding")
