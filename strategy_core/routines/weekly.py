"""OKR weekly plans (OKR 周计划, SPEC §5): per person and week — the KRs the person owns with last
week's result, this week's plan items, confidence (0–10) and the help needed.

Rules (each tested in tests/test_weekly.py):

* A week starts on Monday; ``week_start`` is that Monday (any date picked is moved to its Monday).
  A week belongs to the plan year when at least one of its seven days lies in the year, so the
  week of 1 January counts even when its Monday is in December. Other weeks are refused.
* One plan per person and week. People are matched ignoring case and extra spaces; a second
  plan is refused, naming the plan that exists ("edit it instead"). Person and week identify a
  plan and are not edited: to move a plan, delete it and start another.
* The people offered are the owners of objectives and KRs (any other name may be typed).
* A plan item may name a KR and a KR value. The value is a check-in of that KR (one source of
  truth, no double entry): it is written in the same transaction as the item, the item keeps the
  check-in's id, editing the value edits that check-in, removing the value or the item moves the
  check-in to the trash, and a check-in changed or deleted on the check-ins page shows through.
  The check-in is dated today when today lies in the plan's week, else the week's last day
  (Sunday), never outside the plan year; its confidence is the plan's, its note the item's text.
  A week that has not begun cannot carry a KR value (a value is a result); an implausible value
  (a share over 100 %, a negative count) is refused with the check-ins page's own words.
* "Last week's result" of an owned KR is its latest check-in before the week and its progress and
  status on the board as of the day before the week (the Sunday that ends last week). KRs whose
  deadline passed before last week began are closed and left out.
* Copying open items forward takes the items not done of the person's latest earlier plan
  (normally last week's) that this plan does not hold yet (same text); KR values are not copied.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

from strategy_core import fields as F
from strategy_core.fields import person_key
from strategy_core.track import monitor, tracking
from strategy_core.errors import FieldError, ValidationError
from strategy_core.routines.steps import DONE, IN_PROGRESS, NOT_STARTED, Part
from strategy_core.store.store import Store, Tx

CONFIDENCE_MAX = 10
ITEM_TEXT_MAX = 500
MAX_ITEMS = 40
PLAN_FIELDS = ("confidence", "help_needed", "last_week_result")
ITEM_COLUMNS = ("text", "key_result_id", "kr_value", "done")


# -- weeks and people --------------------------------------------------------------------------

def monday_of(day: dt.date) -> dt.date:
    """The Monday of *day*'s week (the week starts on Monday)."""
    return day - dt.timedelta(days=day.weekday())


def week_end(week_start: dt.date) -> dt.date:
    """The Sunday six days after *week_start*."""
    return week_start + dt.timedelta(days=6)


def in_year(week_start: dt.date, year: int) -> bool:
    """Does the week starting *week_start* hold at least one day of *year*?"""
    return week_start <= dt.date(year, 12, 31) and week_end(week_start) >= dt.date(year, 1, 1)


def people(objectives: list[dict], krs: list[dict], plans: list[dict] | None = None) -> list[str]:
    """Objective and KR owners in cascade order (then people who filed plans), each once."""
    out: dict[str, str] = {}
    by_obj: dict[int, list[dict]] = {}
    for k in krs:
        by_obj.setdefault(k["objective_id"], []).append(k)
    names = []
    for o in objectives:
        names.append(o.get("owner"))
        names += [k.get("owner") for k in by_obj.get(o["id"], [])]
    names += [k.get("owner") for k in krs]
    names += [p["person"] for p in plans or []]
    for n in names:
        if n and n.strip():
            out.setdefault(person_key(n), n.strip())
    return list(out.values())


def kr_owners(krs: list[dict]) -> list[str]:
    """The KR owners in KR order, each person once (matched by ``person_key``, the first spelling kept)."""
    out: dict[str, str] = {}
    for k in krs:
        if k.get("owner") and k["owner"].strip():
            out.setdefault(person_key(k["owner"]), k["owner"].strip())
    return list(out.values())


def owned_krs(krs: list[dict], person: str) -> list[dict]:
    """The KRs whose owner is *person* (matched by ``person_key``)."""
    key = person_key(person)
    return [k for k in krs if k.get("owner") and person_key(k["owner"]) == key]


# -- cleaning ----------------------------------------------------------------------------------

def _week(c: F.Collector, value: Any, year: int) -> dt.date | None:
    d = c("week_start", F.date, value, required=True)
    if d is None:
        return None
    monday = monday_of(d)
    if not in_year(monday, year):
        c.add("week_start", "weekly.error.week_outside_year", week=monday.isoformat(), year=year)
        return None
    return monday


def _confidence(c: F.Collector, value: Any) -> int | None:
    conf = c("confidence", F.number, value, min_value=0, max_value=CONFIDENCE_MAX)
    if conf is not None and conf != int(conf):
        c.add("confidence", "error.not_whole", value=conf)
        return None
    return None if conf is None else int(conf)


def clean_plan(data: dict[str, Any], *, year: int) -> dict[str, Any]:
    """person, week_start (its Monday), confidence 0–10, help_needed, last_week_result."""
    c = F.collect()
    c("person", F.text, data.get("person"), required=True)
    week = _week(c, data.get("week_start"), year)
    conf = _confidence(c, data.get("confidence"))
    c("help_needed", F.text, data.get("help_needed"), max_len=F.TEXT_MAX, multiline=True)
    c("last_week_result", F.text, data.get("last_week_result"), max_len=F.TEXT_MAX, multiline=True)
    c.raise_if_any()
    v = c.values
    return {"person": v["person"], "week_start": week, "confidence": conf, "help_needed": v.get("help_needed"),
            "last_week_result": v.get("last_week_result")}


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _flag(v: Any) -> bool:
    if _blank(v):
        return False
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "y", "x", "✓", "是", "完成", "已完成")
    return bool(v)


def check_in_date(week_start: dt.date, year: int, today: dt.date) -> dt.date:
    """The date a KR value of the week is recorded on: *today* inside the week, else the week's last day;
    always inside the plan year."""
    d = min(max(today, week_start), week_end(week_start))
    return min(max(d, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def clean_items(items: list[dict[str, Any]], *, krs: dict[int, dict], week_start: dt.date,
                item_ids: set[int] = frozenset(), today: dt.date) -> list[dict[str, Any]]:
    """Check every row of a plan's items; a problem is named by its row and column. Blank rows are skipped.
    Returns rows with id (None = new), text, key_result_id, kr_value, done."""
    errors: list[FieldError] = []
    out: list[dict[str, Any]] = []

    def bad(row: int, column: str, key: str, **params: Any) -> None:
        errors.append(FieldError("items", "weekly.error.in_item",
                                 {"row": row, "column_key": "field." + column, "detail": FieldError(column, key, params)}))

    rows = list(items or [])
    for n, raw in enumerate(rows, start=1):
        kr_raw, val_raw, text_raw = raw.get("key_result_id"), raw.get("kr_value"), raw.get("text")
        if all(_blank(x) for x in (kr_raw, val_raw, text_raw)) and not _flag(raw.get("done")):
            continue
        item_id = None if _blank(raw.get("id")) else int(raw["id"])
        if item_id is not None and item_id not in item_ids:
            bad(n, "item_text", "weekly.error.item_unknown")
            continue
        try:
            text = F.text("item_text", text_raw, required=True, max_len=ITEM_TEXT_MAX)
        except ValidationError as e:
            errors += [FieldError("items", "weekly.error.in_item", {"row": n, "column_key": "field.item_text",
                                                                    "detail": fe}) for fe in e.errors]
            text = None
        kr = None
        if not _blank(kr_raw):
            try:
                kr = krs.get(int(kr_raw))
            except (TypeError, ValueError):
                kr = None
            if kr is None:
                bad(n, "key_result_id", "weekly.error.kr_unknown")
        value = None
        try:
            value = F.number("kr_value", val_raw)
        except ValidationError as e:
            errors += [FieldError("items", "weekly.error.in_item", {"row": n, "column_key": "field.kr_value",
                                                                    "detail": fe}) for fe in e.errors]
        if value is not None:
            if _blank(kr_raw):
                bad(n, "kr_value", "weekly.error.value_needs_kr")
            elif kr is not None:
                why = tracking.plausibility(value, kr.get("unit"))
                if why:
                    bad(n, "kr_value", why, unit=kr.get("unit") or "")
                elif today < week_start:
                    bad(n, "kr_value", "weekly.error.value_future_week", week=week_start.isoformat())
        out.append({"id": item_id, "text": text, "key_result_id": None if kr is None else kr["id"],
                    "kr_value": value, "done": _flag(raw.get("done"))})
    if len(out) > MAX_ITEMS:
        errors.append(FieldError("items", "weekly.error.too_many_items", {"max": MAX_ITEMS, "count": len(out)}))
    if errors:
        raise ValidationError(errors)
    return out


# -- reading -----------------------------------------------------------------------------------

def list_plans(store: Store, workspace_id: int, *, person: str | None = None,
               week_start: dt.date | None = None) -> list[dict[str, Any]]:
    """The workspace's weekly plans, oldest week first, then by person (the trash left out); only *person*'s and only
    the week holding *week_start* when given."""
    rows = store.rows("weekly_plan", workspace_id)
    if person is not None:
        rows = [p for p in rows if person_key(p["person"]) == person_key(person)]
    if week_start is not None:
        rows = [p for p in rows if p["week_start"] == monday_of(week_start)]
    return rows


def find_plan(plans: list[dict], person: str, week_start: dt.date) -> dict[str, Any] | None:
    """The plan of *person* (matched by ``person_key``) for the week holding *week_start*, or None."""
    key, monday = person_key(person), monday_of(week_start)
    return next((p for p in plans if person_key(p["person"]) == key and p["week_start"] == monday), None)


def _items_of(store: Store, plan: dict) -> tuple[list[dict], dict[int, dict]]:
    """A plan's live items (by position) and the workspace's live check-ins by id."""
    items = [i for i in store.rows("plan_item", plan["workspace_id"]) if i["weekly_plan_id"] == plan["id"]]
    check_ins = {c["id"]: c for c in tracking.list_check_ins(store, plan["workspace_id"])}
    return items, check_ins


def shown_items(item: dict, check_ins: dict[int, dict]) -> dict[str, Any]:
    """An item as shown: its KR value is its check-in's (which the check-ins page may have changed)."""
    ci = check_ins.get(item["check_in_id"]) if item.get("check_in_id") is not None else None
    out = dict(item)
    if item.get("check_in_id") is not None:
        out["check_in_id"] = ci["id"] if ci else None
        out["kr_value"] = ci["value"] if ci else None
        out["check_in_date"] = ci["date"] if ci else None
    else:
        out["check_in_date"] = None
    out["done"] = bool(item.get("done"))
    return out


def get_plan(store: Store, plan_id: int) -> dict[str, Any]:
    """The plan with its items (key 'items'), each item's KR value read from its check-in."""
    plan = store.row("weekly_plan", plan_id)
    items, check_ins = _items_of(store, plan)
    return {**plan, "items": [shown_items(i, check_ins) for i in items]}


# -- writing -----------------------------------------------------------------------------------

def _duplicate_error(existing: dict) -> ValidationError:
    return ValidationError([FieldError("week_start", "weekly.error.duplicate",
                                       {"person": existing["person"], "week": existing["week_start"].isoformat()})])


def write_items(tx: Tx, ws: dict, plan: dict, cleaned: list[dict], existing: list[dict],
                 check_ins: dict[int, dict], today: dt.date) -> None:
    """Replace a plan's items by *cleaned*, recording, changing or trashing their check-ins."""
    wid, day = ws["id"], check_in_date(plan["week_start"], ws["year"], today)
    old = {i["id"]: i for i in existing}
    kept = {c["id"] for c in cleaned if c["id"] is not None}
    trash_items = [i for i in old if i not in kept]
    trash_cis = [old[i]["check_in_id"] for i in trash_items if old[i].get("check_in_id") in check_ins]

    def new_check_in(item: dict) -> int:
        return tx.insert("check_in", {"workspace_id": wid, "key_result_id": item["key_result_id"], "date": day,
                                      "value": item["kr_value"], "confidence": plan.get("confidence"),
                                      "note": item["text"]})

    for pos, item in enumerate(cleaned):
        has_value = item["kr_value"] is not None and item["key_result_id"] is not None
        before = old.get(item["id"]) if item["id"] is not None else None
        ci_id = before.get("check_in_id") if before else None
        ci = check_ins.get(ci_id) if ci_id is not None else None
        if ci is not None and (not has_value or ci["key_result_id"] != item["key_result_id"]):
            trash_cis.append(ci["id"])
            ci = None
        if has_value and ci is not None:
            tx.update("check_in", ci["id"], {"value": item["kr_value"], "note": item["text"],
                                             "confidence": plan.get("confidence")})
            ci_id = ci["id"]
        elif has_value:
            ci_id = new_check_in(item)
        else:
            ci_id = None
        row = {"text": item["text"], "key_result_id": item["key_result_id"],
               "kr_value": item["kr_value"] if has_value else None, "done": item["done"], "position": pos,
               "check_in_id": ci_id}
        if before is not None:
            tx.update("plan_item", before["id"], row, seen=before)
        else:
            tx.insert("plan_item", {**row, "workspace_id": wid, "weekly_plan_id": plan["id"]})
    tx.trash("plan_item", trash_items, tx.txn)
    tx.trash("check_in", list(dict.fromkeys(trash_cis)), tx.txn)


def _krs(store: Store, workspace_id: int) -> dict[int, dict]:
    return {k["id"]: k for k in store.rows("key_result", workspace_id)}


def create_plan(store: Store, workspace_id: int, person: str, week_start: Any, data: dict[str, Any] | None = None,
                actor: str | None = None, *, today: dt.date) -> int:
    """Start the plan of *person* for the week of *week_start*; *data* may hold the plan fields and
    'items'. Refused for a week outside the plan year and when the plan exists already."""
    ws = store.get_workspace(workspace_id)
    data = dict(data or {})
    row = clean_plan({**data, "person": person, "week_start": week_start}, year=ws["year"])
    existing = find_plan(list_plans(store, workspace_id), row["person"], row["week_start"])
    if existing:
        raise _duplicate_error(existing)
    cleaned = clean_items(data.get("items") or [], krs=_krs(store, workspace_id), week_start=row["week_start"],
                          today=today)
    with store.transaction(workspace_id, "weekly_plan.create", actor) as tx:
        pid = tx.insert("weekly_plan", {**row, "workspace_id": workspace_id})
        write_items(tx, ws, {**row, "id": pid}, cleaned, [], {}, today)
    return pid


def update_plan(store: Store, plan_id: int, data: dict[str, Any], actor: str | None = None, *,
                seen: dict[str, Any] | None = None) -> None:
    """Change confidence, help needed and last week's result (person and week stay). The new confidence
    goes to the check-ins the plan's items recorded. *seen*: the plan as the person saw it (a change
    made since refuses the save)."""
    plan = store.row("weekly_plan", plan_id)
    ws = store.get_workspace(plan["workspace_id"])
    row = clean_plan({**plan, **{k: data.get(k) for k in PLAN_FIELDS}, "person": plan["person"],
                      "week_start": plan["week_start"]}, year=ws["year"])
    items, check_ins = _items_of(store, plan)
    with store.transaction(ws["id"], "weekly_plan.update", actor) as tx:
        tx.update("weekly_plan", plan_id, {k: row[k] for k in PLAN_FIELDS}, seen=plan if seen is None else seen)
        for i in items:
            if i.get("check_in_id") in check_ins:
                tx.update("check_in", i["check_in_id"], {"confidence": row["confidence"]})


def set_items(store: Store, plan_id: int, items: list[dict[str, Any]], actor: str | None = None, *,
              today: dt.date) -> None:
    """Replace all items of a plan in one transaction. A row with an 'id' changes that item, a row
    without one adds an item, an item left out is moved to the trash; KR values become, change or
    trash the linked check-ins in the same transaction."""
    plan = store.row("weekly_plan", plan_id)
    ws = store.get_workspace(plan["workspace_id"])
    existing, check_ins = _items_of(store, plan)
    cleaned = clean_items(items, krs=_krs(store, ws["id"]), week_start=plan["week_start"],
                          item_ids={i["id"] for i in existing}, today=today)
    with store.transaction(ws["id"], "weekly_plan.items", actor) as tx:
        write_items(tx, ws, plan, cleaned, existing, check_ins, today)


def previous_plan(store: Store, plan_id: int) -> dict[str, Any] | None:
    """The same person's latest plan before this one's week (normally last week's)."""
    plan = store.row("weekly_plan", plan_id)
    earlier = [p for p in list_plans(store, plan["workspace_id"], person=plan["person"])
               if p["week_start"] < plan["week_start"]]
    return max(earlier, key=lambda p: p["week_start"]) if earlier else None


def carry_forward(store: Store, plan_id: int, actor: str | None = None) -> tuple[int, dt.date]:
    """Copy the open (not done) items of the person's previous plan into this one, without their KR
    values; items this plan holds already (same text) are not copied twice. Returns (count, the week
    copied from)."""
    plan = store.row("weekly_plan", plan_id)
    prev = previous_plan(store, plan_id)
    if prev is None:
        raise ValidationError([FieldError("items", "weekly.error.no_previous_plan", {"person": plan["person"]})])
    mine, _ = _items_of(store, plan)
    theirs, _ = _items_of(store, prev)
    have = {person_key(i["text"]) for i in mine}
    krs = _krs(store, plan["workspace_id"])
    new = [i for i in theirs if not i.get("done") and person_key(i["text"]) not in have]
    if new:
        start = max((i["position"] for i in mine), default=-1) + 1
        with store.transaction(plan["workspace_id"], "weekly_plan.carry", actor) as tx:
            tx.insert_many("plan_item", [{
                "workspace_id": plan["workspace_id"], "weekly_plan_id": plan_id, "text": i["text"],
                "key_result_id": i["key_result_id"] if i.get("key_result_id") in krs else None,
                "kr_value": None, "check_in_id": None, "done": False, "position": start + n}
                for n, i in enumerate(new)])
    return len(new), prev["week_start"]


def delete_plan(store: Store, plan_id: int, actor: str | None = None) -> None:
    """Move the plan, its items and the check-ins they recorded to the trash (restored together)."""
    plan = store.row("weekly_plan", plan_id)
    items, check_ins = _items_of(store, plan)
    with store.transaction(plan["workspace_id"], "weekly_plan.delete", actor) as tx:
        tx.trash("check_in", [i["check_in_id"] for i in items if i.get("check_in_id") in check_ins], tx.txn)
        tx.trash("plan_item", [i["id"] for i in items], tx.txn)
        tx.trash("weekly_plan", [plan_id], tx.txn)


# -- prefill, missing plans, progress ------------------------------------------------------------------

def prefill_rows(objectives: list[dict], krs: list[dict], board, person: str,
                 week_start: dt.date | None = None) -> list[dict[str, Any]]:
    """The KRs *person* owns with last week's result, from a board evaluated as of the day before the week.
    With *week_start*, KRs whose deadline passed before last week began are left out (they are closed)."""
    objs = {o["id"]: o for o in objectives}
    out = []
    since = monday_of(week_start) - dt.timedelta(days=7) if week_start else None
    for k in owned_krs(krs, person):
        if since and k.get("deadline") is not None and k["deadline"] < since:
            continue
        s = board.krs.get(k["id"])
        o = objs.get(k["objective_id"], {})
        out.append({"key_result_id": k["id"], "statement": k["statement"], "objective": o.get("title"),
                    "unit": k.get("unit"), "baseline": k.get("baseline"), "target": k.get("target"),
                    "deadline": k.get("deadline"),
                    "last_value": s.current if s else None, "last_date": s.last_date if s else None,
                    "progress": s.progress if s else None, "expected": s.expectation if s else None,
                    "status": s.status if s else "no_data",
                    "forecast_misses": bool(s and s.forecast_misses)})
    return out


def result_as_of(week_start: dt.date) -> dt.date:
    """Last week's result is read as of the Sunday before the week."""
    return monday_of(week_start) - dt.timedelta(days=1)


def prefill(store: Store, workspace_id: int, person: str, week_start: Any) -> list[dict[str, Any]]:
    """The KRs *person* owns, each with its latest check-in before the week (value, date) and its
    progress and status on the board as of the end of last week."""
    monday = monday_of(F.date("week_start", week_start, required=True))
    snap = monitor.snapshot(store, workspace_id)
    board = monitor.board(snap, result_as_of(monday))
    return prefill_rows(snap.objectives, snap.key_results, board, person, monday)


def missing_people(krs: list[dict], plans: list[dict], week_start: dt.date) -> list[str]:
    """KR owners with no plan for the week."""
    monday = monday_of(week_start)
    filed = {person_key(p["person"]) for p in plans if p["week_start"] == monday}
    return [p for p in kr_owners(krs) if person_key(p) not in filed]


def missing_plans(store: Store, workspace_id: int, week_start: Any) -> list[str]:
    """People who own KRs and have no plan for the week of *week_start*."""
    monday = monday_of(F.date("week_start", week_start, required=True))
    return missing_people(store.rows("key_result", workspace_id), list_plans(store, workspace_id), monday)


def progress_part(krs: list[dict], plans: list[dict], on: dt.date) -> Part:
    """Home overview: the plans filed for the week of *on* against the people who own KRs."""
    monday = monday_of(on)
    owners = kr_owners(krs)
    this_week = [p for p in plans if p["week_start"] == monday]
    missing_people_ = missing_people(krs, plans, monday)
    missing = []
    if not owners:
        missing.append("progress.missing.weekly_owners")
    if missing_people_:
        missing.append("progress.missing.weekly_plans")
    status = NOT_STARTED if not plans else (DONE if not missing else IN_PROGRESS)
    return Part("weekly", status, {"weekly_plan": len(this_week), "kr_owner": len(owners)}, missing, 0, 0,
                "weekly")
