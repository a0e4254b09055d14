"""The daily-data-report sheet: one row per reading under its report's cells (day, owner, note). A
reading names its indicator (retired ones too: old reports still show them); one reading per
indicator and report, one report per day and owner."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from strategy_core.errors import FieldError, ValidationError
from strategy_core.exchange.excel.importer.match import column
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, filled, has_ids
from strategy_core.routines import daily
from strategy_core.track import tracking

D_COLS = {"day": "day", "owner": "owner", "note": "note"}
R_COLS = {"value": "value", "comment": "comment"}


@dataclass
class _Daily:
    """What planning the sheet's reports needs besides the planner."""
    sheet: Sheet
    old: dict[int, dict]
    old_r: dict[int, dict]                              # readings entered through a report
    full: bool
    listed: set[int]                                    # reports the sheet names by ID
    taken: dict[tuple, int]                             # (day, owner) → the report the workspace has
    names: dict[int, str]                               # indicator id → name
    keys: dict[tuple, int] = field(default_factory=dict)          # (day, owner) → its row here
    seen_r: dict[int, int] = field(default_factory=dict)
    kept_r: set[int] = field(default_factory=set)


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the daily sheet into *p*: reports and their readings, checked as the daily-report form checks them, one
    report per day and owner. Reports and readings the sheet no longer lists by ID are removed (a report with its
    readings); without IDs it only adds."""
    if not p.ids_complete(sheet, "reading_id", "report_id"):
        return
    old = {x["id"]: x for x in daily.list_reports(p.store, p.wid)}
    old_r = {r["id"]: r for r in p.store.rows("reading", p.wid) if r.get("daily_report_id") is not None}
    groups = p.group(sheet, tuple(c for c in D_COLS if c in sheet.cols), "report_id", old, "daily_report")
    d = _Daily(sheet, old, old_r, any(id_ is not None for id_, _ in groups),
               {id_ for id_, _ in groups if id_ is not None},
               {(x["day"], daily.person_key(x.get("owner"))): i for i, x in old.items()}, p.indicator_texts())
    kept: set[int] = set()
    for id_, rows in groups:
        rid = id_ if id_ is not None else p.temp_id()
        kept.add(rid)
        day = _report(p, d, id_, rid, rows[0])
        if day is not None:
            _readings(p, d, id_, rid, day, rows)
    removed = {i for i in old if d.full and i not in kept}
    for i in removed:
        p.remove("daily", "daily_report", old[i], f"{old[i]['day']} · {old[i].get('owner') or ''}".strip(" ·"))
    full_r = has_ids(sheet, "reading_id")
    for g, x in old_r.items():
        if (full_r and g not in d.kept_r and x["daily_report_id"] in old) or x["daily_report_id"] in removed:
            p.remove("daily", "reading", x, f"{x['date']} · {d.names.get(x['indicator_id'])}")
    if not d.full:
        p.adds_only(sheet)


def _report(p: Planner, d: _Daily, id_: int | None, rid: int, first: Row) -> dt.date | None:
    """A report's own cells checked and planned; its day (None: an error, reported)."""
    sheet = d.sheet
    try:
        clean = daily.clean_report({**(d.old.get(id_) or {}), **p.values(first, D_COLS, sheet)},
                                   year=p.year, today=p.today)
    except ValidationError as e:
        p.errors_from(sheet, first.n, e, field_cols(D_COLS))
        return None
    key = (clean["day"], daily.person_key(clean["owner"]))
    if key in d.keys:
        p.error(sheet, first.n, "day", FieldError("day", "xl.import.error.duplicate_report", {"first": d.keys[key]}))
        return None
    d.keys[key] = first.n
    other = d.taken.get(key)
    if other is not None and other != id_ and not (d.full and other not in d.listed):
        owner = d.old[other].get("owner")
        p.error(sheet, first.n, "day", FieldError("day", "daily.error.duplicate_owner" if owner else
                                                  "daily.error.duplicate",
                                                  {"day": clean["day"].isoformat(), "owner": owner}))
        return None
    if id_ is None:
        clean.update(workspace_id=p.wid)
    p.change(sheet, "daily_report", rid, f"{clean['day']} · {clean.get('owner') or ''}".strip(" ·"),
             first.n, clean, d.old.get(id_), p.covered(sheet, D_COLS))
    return clean["day"]


def _readings(p: Planner, d: _Daily, id_: int | None, rid: int, day: dt.date, rows: list[Row]) -> None:
    """A report's readings, each checked as the daily-report form checks it."""
    sheet = d.sheet
    r_labels = {**p.covered(sheet, R_COLS), "date": "field.day"}
    if "indicator" in sheet.cols:
        r_labels["indicator_id"] = column("daily", "indicator").label
    mine = {i: x for i, x in d.old_r.items() if x["daily_report_id"] == id_}
    seen_ind: dict[int, int] = {}
    for r in rows:
        if not filled(sheet, r, ("indicator", "value", "comment", "reading_id")):
            continue
        gid = p.ident(sheet, r, "reading_id", mine, "reading", d.seen_r) if "reading_id" in sheet.cols else None
        if gid is False:
            continue
        base = d.old_r.get(gid) or {}
        ind_id = p.resolve(sheet, r, "indicator", d.names, "indicator") if "indicator" in sheet.cols \
            else base.get("indicator_id")
        if ind_id is False:
            continue
        if ind_id is None:
            p.error(sheet, r.n, "indicator", FieldError("indicator", "error.required", {}))
            continue
        if ind_id in seen_ind:
            p.error(sheet, r.n, "indicator", FieldError("indicator", "xl.import.error.duplicate_reading",
                                                        {"first": seen_ind[ind_id]}))
            continue
        seen_ind[ind_id] = r.n
        try:
            rc = tracking.clean_reading({**base, **p.values(r, R_COLS, sheet), "date": day},
                                        indicator=p.indicators.get(ind_id) or p.retired.get(ind_id, {}),
                                        year=p.year)
        except ValidationError as e:
            p.errors_from(sheet, r.n, e, {"value": "value", "comment": "comment", "date": "day"})
            continue
        rc["indicator_id"] = ind_id
        if gid is None:
            rc.update(workspace_id=p.wid, daily_report_id=rid)
        else:
            d.kept_r.add(gid)
        p.change(sheet, "reading", gid if gid else p.temp_id(), f"{day} · {d.names.get(ind_id)}", r.n, rc,
                 base if gid else None, r_labels)
