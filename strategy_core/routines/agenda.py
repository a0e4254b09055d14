"""The facilitator's agenda for the workshop: sessions with a time box and the page each works on,
day by day (days 1–2 the strategy-decoding meeting, days 3–7 the rest of the setup as a plan), and
one shared timer — the session running now, how long it has left, and by how much it over-runs.

Decisions the SPEC leaves open:

* A session belongs to a day 1–7, has a title, a time box of 5–480 minutes and the page the room
  works on. Sessions of a day run in their order; a new one goes to the end of its day.
* The timer is the session's ``started_at`` / ``finished_at`` in the database, so every participant
  (every browser, every process) sees the same countdown. At most one session runs: starting one
  finishes the one running. A finished session can be started again (it starts from zero).
* "Now" is always passed in; nothing here reads the clock.
* The default agenda is written in the language asked for; once stored it is the team's text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from strategy_core import fields as F
from strategy_core.errors import FieldError, NotFoundError, ValidationError
from strategy_core.i18n import t
from strategy_core.store.store import Store

TABLE = "agenda_session"
DAYS = tuple(range(1, 8))
# the pages a session can work on (each is pages/<key>.py)
PAGES = ("home", "onion", "okr", "scorecard", "strategy_map", "board", "checkins", "weekly", "daily",
         "reviews", "risks", "presenter", "workspaces", "excel_import")
MIN_MINUTES, MAX_MINUTES = 5, 480
EXTEND_MINUTES = 5
FIELDS = ("day", "title", "minutes", "page")

# (day, catalog key of the title, minutes, page): SPEC §1 — days 1–2 decode the year, 3–7 build the rest
DEFAULT: tuple[tuple[int, str, int, str], ...] = (
    (1, "opening", 30, "home"),
    (1, "annual_target", 60, "onion"),
    (1, "onion_lines", 90, "onion"),
    (1, "onion_daily", 60, "onion"),
    (1, "company_objectives", 90, "okr"),
    (1, "day1_wrap", 30, "presenter"),
    (2, "team_okrs", 120, "okr"),
    (2, "personal_okrs", 90, "okr"),
    (2, "quality_fix", 60, "okr"),
    (2, "alignment", 45, "strategy_map"),
    (2, "commitments", 45, "presenter"),
    (3, "perspectives", 120, "scorecard"),
    (4, "indicator_targets", 120, "scorecard"),
    (5, "weekly_plans", 90, "weekly"),
    (6, "daily_reports", 60, "daily"),
    (6, "review_minutes", 60, "reviews"),
    (7, "risk_plans", 120, "risks"),
)


# -- cleaning ---------------------------------------------------------------------------------------

def clean(data: dict[str, Any]) -> dict[str, Any]:
    """A session from what a person typed: day 1–7, a title, a time box in minutes, a page."""
    c = F.collect()
    day = c("day", F.number, data.get("day"), required=True, min_value=1, max_value=7)
    if day is not None and day != int(day):
        c.add("day", "error.not_allowed", value=f"{day:g}", allowed="1, 2, 3, 4, 5, 6, 7")
    c("title", F.text, data.get("title"), required=True)
    minutes = c("minutes", F.number, data.get("minutes"), required=True, min_value=MIN_MINUTES,
                max_value=MAX_MINUTES)
    if minutes is not None and minutes != int(minutes):
        c.add("minutes", "agenda.error.whole_minutes", value=f"{minutes:g}")
    c("page", F.choice, data.get("page"), PAGES)
    c.raise_if_any()
    v = c.values
    return {"day": int(v["day"]), "title": v["title"], "minutes": int(v["minutes"]), "page": v["page"]}


# -- reading ----------------------------------------------------------------------------------------

def list_sessions(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The agenda in running order: by day, then position."""
    return store.rows(TABLE, workspace_id)


@dataclass(frozen=True)
class Timer:
    """The session running at *now*: seconds gone and left (left < 0: over-run), and what comes next."""

    session: dict[str, Any]
    elapsed: int
    left: int
    next: dict[str, Any] | None

    @property
    def overrun(self) -> bool:
        return self.left < 0

    @property
    def minutes_left(self) -> int:
        """Whole minutes left, rounded up (59 s left is "1 min"); over-run: whole minutes over, rounded up."""
        return -(-abs(self.left) // 60)


def running(sessions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The session started and not finished (the latest started, should there be several), or None."""
    live = [s for s in sessions if s.get("started_at") is not None and s.get("finished_at") is None]
    return max(live, key=lambda s: s["started_at"]) if live else None


def following(sessions: list[dict[str, Any]], current: dict[str, Any] | None) -> dict[str, Any] | None:
    """The session after *current* in running order; with none running, the first not finished."""
    if current is None:
        return next((s for s in sessions if s.get("finished_at") is None), None)
    ids = [s["id"] for s in sessions]
    i = ids.index(current["id"]) if current["id"] in ids else -1
    return sessions[i + 1] if 0 <= i < len(sessions) - 1 else None


def timer(sessions: list[dict[str, Any]], now: dt.datetime) -> Timer | None:
    """The shared countdown at *now* (None: no session runs)."""
    current = running(sessions)
    if current is None:
        return None
    elapsed = max(0, int((now - current["started_at"]).total_seconds()))
    return Timer(current, elapsed, current["minutes"] * 60 - elapsed, following(sessions, current))


def day_totals(sessions: list[dict[str, Any]]) -> dict[int, int]:
    """Planned minutes per day."""
    out: dict[int, int] = {}
    for s in sessions:
        out[s["day"]] = out.get(s["day"], 0) + int(s["minutes"])
    return out


# -- writing ----------------------------------------------------------------------------------------

def _next_position(tx, workspace_id: int, day: int) -> int:
    """The position after the last session of *day*, as this transaction sees the agenda."""
    return 1 + max((int(s["position"]) for s in tx.rows(TABLE, workspace_id) if s["day"] == day), default=-1)


def add_session(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add a session (checked by ``clean``) at the end of its day; returns its id."""
    store.get_workspace(workspace_id)
    row = clean(data)
    with store.transaction(workspace_id, "agenda.add", actor) as tx:
        return tx.insert(TABLE, {**row, "workspace_id": workspace_id,
                                 "position": _next_position(tx, workspace_id, row["day"])})


def default_rows(workspace_id: int, lang: str) -> list[dict[str, Any]]:
    """The default agenda's rows for a workspace, its titles in *lang*."""
    return [{"workspace_id": workspace_id, "day": day, "title": t(f"agenda.default.{key}", lang),
             "minutes": minutes, "page": page, "position": i}
            for i, (day, key, minutes, page) in enumerate(DEFAULT)]


def load_default(store: Store, workspace_id: int, lang: str, actor: str | None = None) -> int:
    """Write the default agenda (in *lang*) into a workspace whose agenda is empty; returns how many
    sessions. A workspace that has an agenda already is refused: nothing the team wrote is replaced."""
    store.get_workspace(workspace_id)
    rows = default_rows(workspace_id, lang)
    with store.transaction(workspace_id, "agenda.default", actor) as tx:
        have = len(tx.rows(TABLE, workspace_id))
        if have:
            raise ValidationError([FieldError("agenda", "agenda.error.not_empty", {"count": have})])
        tx.insert_many(TABLE, rows)
    return len(rows)


def apply_edits(store: Store, workspace_id: int, *, shown: list[dict[str, Any]],
                changed: dict[int, dict[str, Any]], added: list[dict[str, Any]], deleted: list[int],
                actor: str | None = None) -> int:
    """Save a table edit of the agenda: every row checked first (each problem named by its row and
    column), then all of it in one transaction, or nothing. *shown*: the rows as the table showed them
    (a row someone changed since refuses the save); *changed*: index in *shown* → changed fields;
    *deleted*: indexes in *shown*. Returns how many sessions changed."""
    errors: list[FieldError] = []
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for i, change in sorted(changed.items()):
        if not 0 <= i < len(shown):
            errors.append(FieldError("table", "error.not_found", {"id": i}))
            continue
        row = shown[i]
        try:
            updates.append((row, clean({**{f: row[f] for f in FIELDS}, **change})))
        except ValidationError as e:
            errors += [FieldError("table", "agenda.error.in_row", {"row": i + 1, "column_key": "agenda.column." + fe.field,
                                                                   "detail": fe}) for fe in e.errors]
    inserts: list[dict[str, Any]] = []
    for n, data in enumerate(added, start=1):
        try:
            inserts.append(clean(data))
        except ValidationError as e:
            errors += [FieldError("table", "tracking.error.in_new_row", {"row": n, "column_key": "agenda.column." + fe.field,
                                                                         "detail": fe}) for fe in e.errors]
    gone = [shown[i] for i in deleted if 0 <= i < len(shown)]
    if len(gone) != len(deleted):
        errors.append(FieldError("table", "error.not_found", {"id": deleted[0]}))
    if errors:
        raise ValidationError(errors)
    with store.transaction(workspace_id, "agenda.edit", actor) as tx:
        for row, new in updates:
            if new["day"] != row["day"]:
                new["position"] = _next_position(tx, workspace_id, new["day"])
            tx.update(TABLE, row["id"], new, seen=row)
        for row in gone:
            tx.update(TABLE, row["id"], {}, seen=row)      # still as shown, or the delete is refused
        tx.trash(TABLE, [r["id"] for r in gone], tx.txn)
        for new in inserts:
            tx.insert(TABLE, {**new, "workspace_id": workspace_id,
                              "position": _next_position(tx, workspace_id, new["day"])})
    return len(updates) + len(inserts) + len(gone)


def _session(store: Store, session_id: int) -> dict[str, Any]:
    row = store.row(TABLE, session_id)
    if row.get("deleted_at") is not None:
        raise NotFoundError("error.not_found", id=session_id)
    return row


def start(store: Store, session_id: int, now: dt.datetime, actor: str | None = None, *,
          seen: dict[str, Any] | None = None) -> None:
    """Start a session's countdown at *now*; the session running (if another) is finished at *now*.
    *seen*: the session as the facilitator saw it (a change since refuses the start)."""
    row = _session(store, session_id)
    wid = row["workspace_id"]
    with store.transaction(wid, "agenda.start", actor) as tx:
        for other in tx.rows(TABLE, wid):
            if other["id"] == session_id or other["started_at"] is None or other["finished_at"] is not None:
                continue
            tx.update(TABLE, other["id"], {"finished_at": now}, seen=other)
        tx.update(TABLE, session_id, {"started_at": now, "finished_at": None}, seen=row if seen is None else seen)


def start_next(store: Store, workspace_id: int, now: dt.datetime, actor: str | None = None) -> int | None:
    """Start the session after the one running (or the first not finished); returns its id, None when
    the agenda is through."""
    sessions = list_sessions(store, workspace_id)
    nxt = following(sessions, running(sessions))
    if nxt is None:
        current = running(sessions)
        if current is not None:
            finish(store, current["id"], now, actor, seen=current)
        return None
    start(store, nxt["id"], now, actor, seen=nxt)
    return int(nxt["id"])


def finish(store: Store, session_id: int, now: dt.datetime, actor: str | None = None, *,
           seen: dict[str, Any] | None = None) -> None:
    """Stop a session's countdown at *now* (*seen* as in ``start``)."""
    row = _session(store, session_id)
    with store.transaction(row["workspace_id"], "agenda.finish", actor) as tx:
        tx.update(TABLE, session_id, {"finished_at": now}, seen=row if seen is None else seen)


def extend(store: Store, session_id: int, actor: str | None = None, *, minutes: int = EXTEND_MINUTES,
           seen: dict[str, Any] | None = None) -> int:
    """Give a session more time (the room decided to go on); returns its new time box."""
    row = _session(store, session_id)
    new = clean({**{f: row[f] for f in FIELDS}, "minutes": int(row["minutes"]) + minutes})
    with store.transaction(row["workspace_id"], "agenda.extend", actor) as tx:
        tx.update(TABLE, session_id, {"minutes": new["minutes"]}, seen=row if seen is None else seen)
    return new["minutes"]
