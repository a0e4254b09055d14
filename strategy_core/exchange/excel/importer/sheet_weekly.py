"""The weekly-plan sheet: one row per item under its plan's cells (person, week, confidence…). Items
are written the way the weekly-plan form writes them — a KR value becomes that KR's check-in — by a
hook run inside the import's transaction."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.exchange.excel.importer.match import YES_NO, blank, same, yes_no
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, filled, has_ids
from strategy_core.routines import weekly
from strategy_core.store.store import Tx

P_COLS = {"person": "person", "week_start": "week_start", "confidence": "confidence",
          "last_week_result": "last_week_result", "help_needed": "help_needed"}
IT_COLS = {"item": "text", "key_result": "key_result_id", "kr_value": "kr_value", "done": "done"}
ITEM_FIELDS = ("text", "key_result_id", "kr_value", "done")


@dataclass
class WeeklyItems:
    """Writes one weekly plan's items the way the weekly-plan form does (a KR value becomes that KR's
    check-in). Plain data with a call, so a plan can be pickled."""
    ws: dict
    plan_id: int
    plan: dict
    items: list[dict]
    existing: list[dict]
    check_ins: dict[int, dict]
    today: dt.date

    def __call__(self, tx: Tx, ids: dict[int, int]) -> None:
        real = ids.get(self.plan_id, self.plan_id)
        mapped = [{**i, "key_result_id": ids.get(i["key_result_id"], i["key_result_id"])} for i in self.items]
        weekly.write_items(tx, self.ws, {**self.plan, "id": real}, mapped, self.existing, self.check_ins, self.today)


@dataclass
class _Weekly:
    """What planning the sheet's plans needs besides the planner."""
    sheet: Sheet
    lang: str
    old: dict[int, dict]
    old_items: dict[int, dict]
    check_ins: dict[int, dict]
    full: bool
    full_items: bool
    listed: set[int]                                   # plans the sheet names by ID
    taken: dict[tuple[str, dt.date], int]              # (person, week) → the plan the workspace has
    statements: dict[int, str]                         # KR id → statement (one dict: resolve indexes it once)
    i_labels: dict[str, str]                           # item field → column label, for the fields the sheet has
    keys: dict[tuple[str, dt.date], int] = field(default_factory=dict)   # (person, week) → its row here
    seen_items: dict[int, int] = field(default_factory=dict)


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the weekly sheet into *p*: plans (one per person and week) and their items, written by a hook as the
    weekly-plan form writes them. Plans the sheet no longer lists by ID are removed with their items and those items'
    check-ins; without IDs it only adds."""
    if not p.ids_complete(sheet, "item_id", "plan_id"):
        return
    old = {w["id"]: w for w in weekly.list_plans(p.store, p.wid)}
    groups = p.group(sheet, tuple(c for c in P_COLS if c in sheet.cols), "plan_id", old, "weekly_plan")
    w = _Weekly(sheet, p.lang_of(sheet), old, {i["id"]: i for i in p.store.rows("plan_item", p.wid)},
                {c["id"]: c for c in p.store.rows("check_in", p.wid)}, any(id_ is not None for id_, _ in groups),
                has_ids(sheet, "item_id"), {id_ for id_, _ in groups if id_ is not None},
                {(weekly.person_key(x["person"]), x["week_start"]): i for i, x in old.items()}, p.kr_texts(),
                p.covered(sheet, IT_COLS))
    kept: set[int] = set()
    for id_, rows in groups:
        pid = id_ if id_ is not None else p.temp_id()
        kept.add(pid)
        clean = _plan(p, w, id_, pid, rows[0])
        if clean is not None:
            _items(p, w, id_, pid, clean, rows)
    if not w.full:
        p.adds_only(sheet)
        return
    for pid, x in old.items():
        if pid not in kept:
            p.remove("weekly", "weekly_plan", x, f"{x['person']} · {x['week_start']}")
            for i in w.old_items.values():
                if i["weekly_plan_id"] == pid:
                    p.remove("weekly", "plan_item", i, i["text"])
                    if i.get("check_in_id") in w.check_ins:
                        p.remove("weekly", "check_in", w.check_ins[i["check_in_id"]], i["text"])


def _plan(p: Planner, w: _Weekly, id_: int | None, pid: int, first: Row) -> dict | None:
    """A plan's own cells checked and planned (None: an error, reported)."""
    sheet = w.sheet
    try:
        clean = weekly.clean_plan({**(w.old.get(id_) or {}), **p.values(first, P_COLS, sheet)}, year=p.year)
    except ValidationError as e:
        p.errors_from(sheet, first.n, e, field_cols(P_COLS))
        return None
    key = (weekly.person_key(clean["person"]), clean["week_start"])
    if key in w.keys:
        p.error(sheet, first.n, "week_start", FieldError("week_start", "xl.import.error.duplicate_plan",
                                                         {"first": w.keys[key]}))
        return None
    w.keys[key] = first.n
    other = w.taken.get(key)
    if other is not None and other != id_ and not (w.full and other not in w.listed):
        p.error(sheet, first.n, "week_start", FieldError("week_start", "weekly.error.duplicate", {
            "person": clean["person"], "week": clean["week_start"].isoformat()}))
        return None
    if id_ is not None and (weekly.person_key(w.old[id_]["person"]), w.old[id_]["week_start"]) != key:
        # its check-ins are dated in that week: a plan for another person or week is a new row
        col = "week_start" if w.old[id_]["week_start"] != clean["week_start"] else "person"
        p.error(sheet, first.n, col, FieldError(col, "xl.import.error.plan_identity", {}))
        return None
    if id_ is None:
        clean.update(workspace_id=p.wid)
    p.change(sheet, "weekly_plan", pid, f"{clean['person']} · {clean['week_start']}", first.n, clean,
             w.old.get(id_), p.covered(sheet, P_COLS))
    return clean


def _items(p: Planner, w: _Weekly, id_: int | None, pid: int, clean: dict, rows: list[Row]) -> None:
    """A plan's items; when any of them changes, the hook that writes them as the form does."""
    mine_old = [i for i in w.old_items.values() if i["weekly_plan_id"] == id_] if id_ is not None else []
    items: list[dict] = []
    changed = False
    ok = True
    for r in rows:
        if not filled(w.sheet, r, (*IT_COLS, "item_id")):
            continue
        iid = p.ident(w.sheet, r, "item_id", {i["id"]: i for i in mine_old}, "plan_item", w.seen_items) \
            if "item_id" in w.sheet.cols else None
        item = False if iid is False else _item(p, w, r, iid, clean["week_start"])
        if item is False:
            ok = False
            continue
        if item is None:     # nothing but "not done": an empty item, as the form skips it (listed: dropped)
            continue
        items.append(item[0])
        changed = changed or item[1]
    listed = {i["id"] for i in items if i["id"]}
    dropped = [i for i in mine_old if i["id"] not in listed]
    if not w.full_items:     # nothing names its items: the sheet only adds to them
        items = [{"id": i["id"], **{f: i[f] for f in ITEM_FIELDS}, "done": bool(i["done"])} for i in mine_old] + \
                [i for i in items if not i["id"]]
        dropped = []
    for i in dropped:
        p.remove("weekly", "plan_item", i, i["text"], via_hook=True)
    confidence_moved = id_ is not None and not same(w.old[id_].get("confidence"), clean.get("confidence"))
    if ok and (changed or dropped or (confidence_moved and mine_old)):   # the form copies it too
        p.plan.hooks.append(WeeklyItems(p.ws, pid, clean, items, mine_old, w.check_ins, p.today))


def _item(p: Planner, w: _Weekly, r: Row, iid: int | None, week_start: dt.date) -> tuple[dict, bool] | bool | None:
    """One item row: (the item as written, whether it changes anything), False (an error, reported) or
    None (the row holds no item: no text, no KR, no value and not done)."""
    sheet, lang = w.sheet, w.lang
    i_labels = w.i_labels
    # compared as the sheet shows it: the KR value of its check-in (corrected on the check-ins page)
    base = weekly.shown_items(w.old_items[iid], w.check_ins) if iid else {}
    raw: dict[str, Any] = {"id": iid, **{f: base.get(f) for f in ITEM_FIELDS}, **p.values(r, IT_COLS, sheet)}
    if iid and base.get("key_result_id") is not None and base["key_result_id"] not in p.krs \
            and blank(r.cells.get("key_result")):
        # its KR was deleted in the workbench (the export leaves the KR empty): the KR and its
        # value stay as they are; only the text and the tick can change
        try:
            text = F.text("item_text", raw.get("text"), required=True, max_len=weekly.ITEM_TEXT_MAX)
        except ValidationError as e:
            p.errors_from(sheet, r.n, e, {"item_text": "item"})
            return False
        done = bool(p.choice(sheet, r, "done", YES_NO, yes_no(lang))) if "done" in sheet.cols \
            else bool(base.get("done"))
        item = {"id": iid, "text": text, "key_result_id": base["key_result_id"], "kr_value": base.get("kr_value"),
                "done": done}
        c = p.change(sheet, "plan_item", iid, text, r.n, {"text": text, "done": done}, base,
                     {k: v for k, v in i_labels.items() if k in ("text", "done")}, via_hook=True)
        return item, c is not None
    if "key_result" in sheet.cols:
        kr = p.resolve(sheet, r, "key_result", w.statements, "key_result")
        if kr is False:
            return False
        raw["key_result_id"] = kr
    if "done" in sheet.cols:
        raw["done"] = bool(p.choice(sheet, r, "done", YES_NO, yes_no(lang)))
    try:
        cleaned = weekly.clean_items([raw], krs=p.krs, week_start=week_start, item_ids={iid} if iid else set(),
                                     today=p.today)
    except ValidationError as e:
        for fe in e.errors:
            detail = fe.params.get("detail", fe)
            col = {"item_text": "item", "key_result_id": "key_result", "kr_value": "kr_value"}.get(
                getattr(detail, "field", ""), "item")
            p.error(sheet, r.n, col, detail)
        return False
    if not cleaned:
        return None
    (item,) = cleaned
    c = p.change(sheet, "plan_item", iid if iid else p.temp_id(), item["text"], r.n,
                 {k: item[k] for k in ITEM_FIELDS}, base if iid else None, i_labels, via_hook=True)
    return item, c is not None
