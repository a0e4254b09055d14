"""Strategy review minutes (战略复盘会议纪要, SPEC §5) and the loop (监测 - 复盘 - 迭代, SPEC §7):
monthly OKR review, quarterly BSC analysis, annual iteration.

Each kind of review is prepared from the data (``prepare_monthly`` / ``prepare_quarterly`` /
``prepare_annual``: pure functions over a ``monitor.Snapshot``), then held and saved as one
transaction (``save_review``): the minute, its findings (from the prepared table, with the causes
the team wrote), the adjustments it decided, and the measured response to each earlier adjustment
of the same kind. ``next_year`` carries the plan into the next year.

Decisions the SPEC leaves open (each one is tested in tests/test_review.py):

* Periods: monthly = a calendar month, quarterly = a calendar quarter, annual = the plan year.
  The prepare functions take any date inside the period and review the whole period as of its
  last day — or, while the period is still running, as of the day (the page prepares as of today,
  a held review as of the day it was held): a month measured as of an end still ahead would call
  every KR's latest check-in outdated and hold it to the whole month's pace. A kind and period
  have at most one review.
* Monthly review rows are the KRs active in the month (pace started on or before its end, deadline
  on or after its start; KRs closed earlier belong to the annual review). planned = the bar the
  monitoring board sets at month end (``KRStatus.expectation``: the elapsed share of the KR's
  period, × 0.7 for an aspirational KR); actual = progress from the latest check-in on or before
  month end; gap = planned − actual (progress points, positive = behind). A KR deviates when it is
  not on track (gap > ``measure.TOLERANCE``). Rows without data come last (silence is shown, not
  ranked).
* Quarterly rows are the indicators that moved against the team: start = the latest reading
  before the quarter (else the first reading in it), end = the latest reading in the quarter
  (a different one). Against = down for ≥ / >, up for ≤ / <. planned = start value,
  actual = end value, gap = the move against the team relative to |start| (0.07 = 7 % worse).
  Ranked by gap; the status is the indicator's as of the quarter's end.
* Annual rows: every KR (planned = its bar at year end, 1.0 or 0.7; met when progress reaches it)
  and every watched indicator (planned = target, actual = the latest reading of the year,
  gap = shortfall relative to |target|, ≤ 0 when met). An indicator red in more than half of its
  periods with a reading is proposed for retire-or-fix. Retired indicators are listed with their
  reasons. What to add is a free list: the adjustments of the annual minute.
* Gaps are fractions everywhere (the page shows them as %), so the measured response to an
  adjustment compares like with like: at the next review of the same kind the subject's gap is
  computed again at the new period's end with the same rule (for a quarterly finding: relative to
  the value it started from). It is closed when the gap now is ≤ ``measure.TOLERANCE`` (monthly:
  the KR is on track) or ≤ 0 (quarterly: back where it started; annual: met). An adjustment without
  a finding, or whose subject is gone, is unmeasured (gap_closed None).
* Which earlier adjustments get a response: those of earlier reviews of the same kind that were
  never responded to, and those still open (they are measured again at each review until done).
  The response is recorded for all of them on save (gap_closed, responded_in), with the team's
  text and whether it is done now.
* Overdue: a monthly review is overdue when the last finished month of the plan year (the month
  before today's) has none; quarterly likewise; annual once the plan year is over. Nothing is
  overdue before the plan year has a finished period, nor for a workspace with nothing to review.
* next_year: ``workspace.copy`` into year + 1 (every field of the plan; dates shifted; check-ins,
  readings, weekly plans, reports and reviews stay behind). Then new targets are to fill: each KR
  with a direction up/down gets last year's final value (latest check-in of the year) as baseline
  when one exists, its direction written down explicitly (so the new baseline can never flip it),
  and an empty target — the quality rule "KR is complete" fails on it until the team sets the new
  target, and the home page counts it. Band KRs keep their band. Indicator targets and the onion
  carry over unchanged (standing thresholds; the revenue target is edited in the onion).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from strategy_core.plan import bsc, workspace
from strategy_core.track import measure, monitor
from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.routines.review_prep import (
    EPS, KINDS, SUBJECTS, AnnualPrep, PrepRow, as_date, last_finished, moved_against, period_bounds, period_label,
    periods, prepare, prepare_annual, prepare_monthly, prepare_quarterly, relative_gap, shortfall, subject_key)
from strategy_core.routines.steps import DONE, IN_PROGRESS, NOT_STARTED, Part
from strategy_core.store.store import Store, Tx

__all__ = [  # preparing a review is review_prep's; its names are part of what this module offers
    "KINDS", "SUBJECTS", "ADJUSTMENT_STATUSES", "VERDICTS", "AnnualPrep", "PrepRow", "Response", "Minute", "Due",
    "NextYear", "period_bounds", "periods", "period_label", "last_finished", "subject_key", "prepare",
    "prepare_monthly", "prepare_quarterly", "prepare_annual", "closes", "live_reviews", "responses_due",
    "find_review", "save_review", "set_adjustment_status", "delete_review", "minutes", "open_adjustments",
    "overdue_reviews", "progress_part", "next_year_conflicts", "next_year"]

ADJUSTMENT_STATUSES = ("open", "done")
VERDICTS = ("closed", "narrowed", "not_narrowed", "unmeasured")


# -- the measured response to an adjustment ---------------------------------------------------------------

def _gap_now(kind: str, subject_kind: str, subject_id: Any, planned: float | None, board: measure.Board,
             snapshot: monitor.Snapshot) -> float | None:
    if subject_kind == "key_result":
        s = board.krs.get(subject_id)
        return None if s is None or s.progress is None else s.expectation - s.progress
    s = board.indicators.get(subject_id)
    ind = next((i for i in snapshot.indicators if i["id"] == subject_id), None)
    if s is None or ind is None or s.latest is None:
        return None
    if kind == "quarterly":
        if planned is None:
            return None
        return relative_gap(moved_against(ind["comparator"], planned, s.latest), planned)
    return shortfall(ind, s.latest)


def closes(kind: str, gap: float | None) -> bool | None:
    """Is a gap closed? Monthly: the KR is on track again; otherwise: back to where it was / met."""
    if gap is None:
        return None
    return gap <= (measure.TOLERANCE if kind == "monthly" else 0.0) + EPS


@dataclass
class Response:
    """An earlier adjustment measured at a later review of the same kind."""
    adjustment: dict[str, Any]
    review: dict[str, Any]                # the review that decided it
    finding: dict[str, Any] | None
    gap_then: float | None
    gap_now: float | None
    gap_closed: bool | None
    verdict: str                          # closed | narrowed | not_narrowed | unmeasured


def live_reviews(store: Store, wid: int) -> list[dict[str, Any]]:
    """The workspace's reviews by the day held (the trash left out)."""
    return store.rows("review", wid)


def responses_due(store: Store, wid: int, kind: str, period_end: dt.date,
                  snapshot: monitor.Snapshot | None = None, *, as_of: dt.date | None = None) -> list[Response]:
    """The adjustments of earlier reviews of *kind* to measure at the review of *period_end*'s period
    (measured at its end, or on *as_of* when that comes first)."""
    start, end = period_bounds(kind, period_end)
    earlier = {r["id"]: r for r in live_reviews(store, wid) if r["kind"] == kind and r["period_end"] < start}
    if not earlier:
        return []
    adjustments = [a for a in store.rows("adjustment", wid) if a["review_id"] in earlier
                   and (a["responded_in"] is None or a["status"] == "open")]
    if not adjustments:
        return []
    snapshot = snapshot or monitor.snapshot(store, wid)
    board = monitor.board(snapshot, end if as_of is None else min(end, as_of))
    findings = {f["id"]: f for f in store.rows("review_finding", wid)}
    out = []
    for a in adjustments:
        f = findings.get(a["finding_id"]) if a["finding_id"] is not None else None
        then = now = None
        if f is not None and f["subject_id"] is not None:
            then = f["gap"]
            now = _gap_now(kind, f["subject_kind"], f["subject_id"], f["planned"], board, snapshot)
        closed = closes(kind, now)
        if closed is None:
            verdict = "unmeasured"
        elif closed:
            verdict = "closed"
        elif then is not None and now < then - EPS:
            verdict = "narrowed"
        else:
            verdict = "not_narrowed"
        out.append(Response(a, earlier[a["review_id"]], f, then, now, closed, verdict))
    out.sort(key=lambda r: (r.review["period_end"], r.adjustment["id"]))
    return out


# -- saving, listing, changing minutes ---------------------------------------------------------------------

def find_review(store: Store, wid: int, kind: str, period_end: dt.date) -> dict[str, Any] | None:
    """The review of *kind* for the period that holds *period_end*, or None."""
    _, end = period_bounds(kind, period_end)
    return next((r for r in live_reviews(store, wid) if r["kind"] == kind and r["period_end"] == end), None)


def _row_error(field_name: str, row: int, column: str, fe: FieldError) -> FieldError:
    return FieldError(field_name, "review.error.in_row", {"row": row, "column_key": "field." + column, "detail": fe})


def _cell(c: F.Collector, field_name: str, row: int, column: str, fn, *args, **kw) -> Any:
    try:
        return fn(column, *args, **kw)
    except ValidationError as e:
        for fe in e.errors:
            c.errors.append(_row_error(field_name, row, column, fe))
        return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def save_review(store: Store, wid: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Hold a review: the minute, its findings, its adjustments and the responses to earlier ones,
    in one transaction. Returns the review id. Raises ValidationError naming each bad field.

    *data*: review_kind, period_end (any date in the period), held_on, attendees, review_summary,
    review_findings (rows {subject_kind, subject_id, cause}; default: the rows that deviate),
    review_adjustments (rows {what, owner, due, adjustment_status, subject: 'key_result:12' | None}),
    review_responses (rows {adjustment_id, response, adjustment_status}; missing ones are measured anyway).
    """
    ws = store.get_workspace(wid)
    c = F.collect()
    kind = c("review_kind", F.choice, data.get("review_kind"), KINDS)
    period = c("period_end", F.date, data.get("period_end"), required=True, year=ws["year"])
    held = c("held_on", F.date, data.get("held_on"), required=True)
    c("attendees", F.text, data.get("attendees"), required=True, max_len=F.TEXT_MAX)
    c("review_summary", F.text, data.get("review_summary"), max_len=F.TEXT_MAX, multiline=True)
    if kind is None or period is None:
        c.raise_if_any()
    start, end = period_bounds(kind, period)
    if find_review(store, wid, kind, end) is not None:
        c.add("period_end", "review.error.duplicate", period=period_label(kind, end))
    if held is not None and held < start:
        c.add("held_on", "review.error.held_before_period", start=start.isoformat())
    elif held is not None and held.year > ws["year"] + 1:
        c.add("held_on", "review.error.held_too_late", year=ws["year"] + 1)
    snap = monitor.snapshot(store, wid)
    retired = bsc.list_indicators(store, wid, retired=True) if kind == "annual" else ()
    prepared = {r.key: r for r in prepare(snap, kind, end, retired, as_of=held)}   # as it stood on the day
    findings = _clean_findings(c, data.get("review_findings"), prepared)
    adjustments = _clean_adjustments(c, data.get("review_adjustments") or [], {r.key for r, _ in findings}, held)
    due_list = {r.adjustment["id"]: r for r in responses_due(store, wid, kind, end, snap, as_of=held)}
    answers = _clean_responses(c, data.get("review_responses") or [], due_list)
    c.raise_if_any()
    v = c.values
    with store.transaction(wid, "review.save", actor) as tx:
        rid = tx.insert("review", {"workspace_id": wid, "kind": kind, "period_start": start, "period_end": end,
                                   "held_on": held, "attendees": v["attendees"],
                                   "summary": v.get("review_summary")})
        _write_entries(tx, wid, rid, findings, adjustments, due_list, answers)
        return rid


def _clean_findings(c: F.Collector, raw: list[dict] | None, prepared: dict[str, PrepRow]) -> list[tuple[PrepRow, str | None]]:
    """The findings: rows of the prepared table (default: those that deviate), with the team's causes."""
    if raw is None:
        raw = [{"subject_kind": r.subject_kind, "subject_id": r.subject_id, "cause": None}
               for r in prepared.values() if r.deviates]
    findings: list[tuple[PrepRow, str | None]] = []
    seen: set[str] = set()
    for n, f in enumerate(raw, start=1):
        try:
            key = subject_key(f.get("subject_kind"), f.get("subject_id"))
        except (TypeError, ValueError):
            key = None
        row = prepared.get(key) if key else None
        if row is None or key in seen:
            c.add("review_findings", "review.error.unknown_subject", row=n)
            continue
        seen.add(key)
        cause = _cell(c, "review_findings", n, "cause", F.text, f.get("cause"), max_len=F.TEXT_MAX, multiline=True)
        findings.append((row, cause))
    return findings


def _clean_adjustments(c: F.Collector, raw: list[dict], subjects: set[str], held: dt.date | None) -> list[dict]:
    """The adjustments decided at this review (rows left empty are skipped); a subject must be a finding's."""
    adjustments = []
    for n, a in enumerate(raw, start=1):
        if all(_blank(a.get(k)) for k in ("what", "owner", "due", "subject")):
            continue
        before = len(c.errors)
        what = _cell(c, "review_adjustments", n, "what", F.text, a.get("what"), required=True,
                     max_len=F.TEXT_MAX, multiline=True)
        owner = _cell(c, "review_adjustments", n, "owner", F.text, a.get("owner"))
        due = _cell(c, "review_adjustments", n, "due", F.date, a.get("due"))
        status = _cell(c, "review_adjustments", n, "adjustment_status", F.choice,
                       a.get("adjustment_status") or "open", ADJUSTMENT_STATUSES)
        subject = a.get("subject") or None
        if subject is not None and subject not in subjects:
            c.add("review_adjustments", "review.error.adjustment_subject", row=n)
        if due is not None and held is not None and due < held:
            c.errors.append(_row_error("review_adjustments", n, "due",
                                       FieldError("due", "review.error.due_before_meeting",
                                                  {"held_on": held.isoformat()})))
        if len(c.errors) == before:
            adjustments.append({"what": what, "owner": owner, "due": due, "status": status, "subject": subject})
    return adjustments


def _clean_responses(c: F.Collector, raw: list[dict], due_list: dict[int, Response]) -> dict[int, dict[str, Any]]:
    """The team's words on earlier adjustments of the same kind (adjustment id → response, status)."""
    answers: dict[int, dict[str, Any]] = {}
    for n, r in enumerate(raw, start=1):
        try:
            aid = int(r.get("adjustment_id"))
        except (TypeError, ValueError):
            aid = None
        if aid not in due_list:
            c.add("review_responses", "review.error.unknown_adjustment", row=n)
            continue
        text = _cell(c, "review_responses", n, "response", F.text, r.get("response"), max_len=F.TEXT_MAX,
                     multiline=True)
        status = _cell(c, "review_responses", n, "adjustment_status", F.choice,
                       r.get("adjustment_status") or due_list[aid].adjustment["status"], ADJUSTMENT_STATUSES)
        answers[aid] = {"response": text, "status": status}
    return answers


def _write_entries(tx: Tx, wid: int, rid: int, findings: list[tuple[PrepRow, str | None]], adjustments: list[dict],
                   due_list: dict[int, Response], answers: dict[int, dict[str, Any]]) -> None:
    """A held review's findings, its adjustments, and the measured response to every earlier one due."""
    finding_ids: dict[str, int] = {}
    for pos, (row, cause) in enumerate(findings):
        finding_ids[row.key] = tx.insert("review_finding", {
            "workspace_id": wid, "review_id": rid, "subject_kind": row.subject_kind,
            "subject_id": row.subject_id, "planned": row.planned, "actual": row.actual, "gap": row.gap,
            "cause": cause, "position": pos})
    for a in adjustments:
        tx.insert("adjustment", {"workspace_id": wid, "review_id": rid, "finding_id": finding_ids.get(a["subject"]),
                                 "what": a["what"], "owner": a["owner"], "due": a["due"], "status": a["status"]})
    for aid, r in due_list.items():
        ans = answers.get(aid, {})
        tx.update("adjustment", aid, {
            "response": ans.get("response") if aid in answers else r.adjustment["response"],
            "gap_closed": r.gap_closed, "responded_in": rid,
            "status": ans.get("status") or r.adjustment["status"]})


def set_adjustment_status(store: Store, adjustment_id: int, status: str, actor: str | None = None) -> None:
    """Set an adjustment's status (open or done); ValidationError for any other."""
    a = store.row("adjustment", adjustment_id)
    status = F.choice("adjustment_status", status, ADJUSTMENT_STATUSES)
    with store.transaction(a["workspace_id"], "review.adjustment_status", actor) as tx:
        tx.update("adjustment", adjustment_id, {"status": status})


def delete_review(store: Store, review_id: int, actor: str | None = None) -> int:
    """Move a minute, its findings and adjustments to the trash; the responses it recorded to earlier
    adjustments are taken back (those adjustments wait for the next review again). Returns rows moved."""
    r = store.row("review", review_id)
    wid = r["workspace_id"]
    findings = [f["id"] for f in store.rows("review_finding", wid) if f["review_id"] == review_id]
    adjustments = store.rows("adjustment", wid)
    mine = [a["id"] for a in adjustments if a["review_id"] == review_id]
    answered = [a["id"] for a in adjustments if a["responded_in"] == review_id and a["review_id"] != review_id]
    with store.transaction(wid, "review.delete", actor) as tx:
        tx.trash("review", [review_id], tx.txn)
        tx.trash("review_finding", findings, tx.txn)
        tx.trash("adjustment", mine, tx.txn)
        for aid in answered:
            tx.update("adjustment", aid, {"response": None, "gap_closed": None, "responded_in": None})
    return 1 + len(findings) + len(mine)


@dataclass
class Minute:
    """One review as ``minutes`` returns it, with its findings (in position order) and its adjustments."""
    review: dict[str, Any]
    findings: list[dict[str, Any]]
    adjustments: list[dict[str, Any]]


def minutes(store: Store, wid: int) -> list[Minute]:
    """Every review of the workspace with its findings and adjustments, the newest first."""
    findings = store.rows("review_finding", wid)
    adjustments = store.rows("adjustment", wid)
    out = []
    for r in sorted(live_reviews(store, wid), key=lambda r: (r["held_on"], r["id"]), reverse=True):
        out.append(Minute(r, sorted((f for f in findings if f["review_id"] == r["id"]),
                                    key=lambda f: (f["position"], f["id"])),
                          [a for a in adjustments if a["review_id"] == r["id"]]))
    return out


def open_adjustments(store: Store, wid: int, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Adjustments not done yet, soonest due first (no due date last), each with its review's kind and
    period and, when *today* is given, whether it is overdue."""
    reviews = {r["id"]: r for r in live_reviews(store, wid)}
    out = []
    for a in store.rows("adjustment", wid):
        r = reviews.get(a["review_id"])
        if a["status"] != "open" or r is None:
            continue
        out.append({**a, "review_kind": r["kind"], "review_period_start": r["period_start"],
                    "review_period_end": r["period_end"],
                    "overdue": bool(today is not None and a["due"] is not None and a["due"] < as_date(today))})
    out.sort(key=lambda a: (a["due"] is None, a["due"] or dt.date.max, a["id"]))
    return out


@dataclass(frozen=True)
class Due:
    """A review that should have been held."""
    kind: str
    period_start: dt.date
    period_end: dt.date

    @property
    def label(self) -> str:
        return period_label(self.kind, self.period_end)


def overdue_reviews(store: Store, wid: int, today: dt.date) -> list[Due]:
    """The reviews missing for the last finished month, quarter and (once it is over) year."""
    ws = store.get_workspace(wid)
    has_krs = bool(store.rows("key_result", wid))
    has_inds = bool(bsc.list_indicators(store, wid))
    held = {(r["kind"], r["period_end"]) for r in live_reviews(store, wid)}
    needed = {"monthly": has_krs, "quarterly": has_inds, "annual": has_krs or has_inds}
    out = []
    for kind in KINDS:
        end = last_finished(kind, today, ws["year"])
        if end is None or not needed[kind] or (kind, end) in held:
            continue
        out.append(Due(kind, period_bounds(kind, end)[0], end))
    return out


def progress_part(reviews: list[dict], adjustments: list[dict], overdue: list[Due], today: dt.date) -> Part:
    """The loop step of the 7-day overview: reviews held, reviews overdue, adjustments open (and overdue).

    *reviews* and *adjustments*: the workspace's rows (``store.rows``); *overdue*: ``overdue_reviews``."""
    today = as_date(today)
    open_ = [a for a in adjustments if a.get("status") == "open"]
    missing = [f"progress.missing.review_{d.kind}" for d in overdue]
    if any(a.get("due") is not None and as_date(a["due"]) < today for a in open_):
        missing.append("progress.missing.adjustments_overdue")
    status = NOT_STARTED if not reviews else (DONE if not missing else IN_PROGRESS)
    return Part("reviews", status, {"review": len(reviews), "adjustment": len(open_)}, missing, 0, 0, "reviews")


# -- the annual iteration: next year ------------------------------------------------------------------------

def next_year_conflicts(store: Store, wid: int, name: str) -> list[dict[str, Any]]:
    """Live workspaces that already carry *name* in the year after *wid*'s."""
    src = store.get_workspace(wid)
    try:
        clean = F.text("name", name, required=True)
    except ValidationError:
        return []
    return [w for w in store.list_workspaces() if w["name"] == clean and w["year"] == src["year"] + 1]


@dataclass
class NextYear:
    """What ``next_year`` did: the new workspace, the workspaces it replaced, and how many KRs were rebased and are left
    to fill."""
    workspace_id: int
    replaced: list[int]          # workspaces moved to the trash first
    rebased: int                 # KRs whose baseline became last year's final value
    to_fill: int                 # KRs whose target is now to fill


def next_year(store: Store, wid: int, name: str, *, confirm_overwrite: bool = False,
              actor: str | None = None) -> NextYear:
    """Carry the plan into the next year (see the module notes). A workspace of that name in that year
    is replaced only with *confirm_overwrite* (it goes to the trash first); without it nothing is touched."""
    src = store.get_workspace(wid)
    year = src["year"] + 1
    settings = workspace.clean({**src, "name": name, "year": year})   # refuses a bad name or year first
    conflicts = next_year_conflicts(store, wid, settings["name"])
    if conflicts and not confirm_overwrite:
        raise ValidationError([FieldError("name", "review.error.next_year_exists",
                                          {"name": settings["name"], "year": year})])
    # last year's final values, read before anything changes
    snap = monitor.snapshot(store, wid)
    board = monitor.board(snap, dt.date(src["year"], 12, 31))
    old_krs = snap.key_results

    replaced: list[int] = []
    try:
        for w in conflicts:
            workspace.delete(store, w["id"], actor)
            replaced.append(w["id"])
        new = workspace.copy(store, wid, settings["name"], year, actor)
    except Exception:
        for w in replaced:
            workspace.restore(store, w, actor)
        raise
    try:
        # copy() gives the new ids in the order it reads the rows (the order of store.rows)
        new_krs = sorted(store.rows("key_result", new), key=lambda k: k["id"])
        if [(k["position"], k["statement"]) for k in new_krs] != [(k["position"], k["statement"]) for k in old_krs]:
            raise RuntimeError("the copied key results do not line up with the originals")
        rebased = to_fill = 0
        with store.transaction(new, "review.next_year", actor) as tx:
            for old, kr in zip(old_krs, new_krs):
                direction = measure.direction_of(kr["direction"], kr["baseline"], kr["target"], kr["band_low"],
                                               kr["band_high"])
                if direction not in (measure.UP, measure.DOWN):
                    continue
                changes: dict[str, Any] = {"direction": direction, "target": None}
                final = board.krs[old["id"]].current
                if final is not None:
                    changes["baseline"] = final
                    rebased += 1
                to_fill += 1
                tx.update("key_result", kr["id"], changes)
    except Exception:
        workspace.delete(store, new, actor)
        for w in replaced:
            workspace.restore(store, w, actor)
        raise
    return NextYear(new, replaced, rebased, to_fill)
