"""Check-ins (KR values over time) and readings (indicator values over time): entry, plausibility,
and paste of many rows at once — all or nothing, each problem named by row and column."""
from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.store.store import Store

# units whose values are counts or rates: they cannot be negative (money and scores can)
COUNT_UNITS = {"人", "个", "位", "单", "次", "台", "件", "家", "户", "天", "小时", "分钟", "h", "min", "users", "units",
               "orders", "people", "customers", "kols", "streamers", "minutes", "hours", "days", "次/年", "次/天",
               "百万人", "万人", "m users", "10k users", "per year", "per day"}
MAX_PASTE_ROWS = 5000


def plausibility(value: float, unit: str | None) -> str | None:
    """A catalog key saying why *value* cannot be right for *unit*, or None."""
    u = (unit or "").strip().lower()
    if u in ("%", "％"):
        if value < 0 or value > 100:
            return "tracking.error.percent_range"
    elif u in COUNT_UNITS and value < 0:
        return "tracking.error.negative_count"
    return None


def _clean_value(c: F.Collector, data: dict[str, Any], unit: str | None) -> None:
    v = c("value", F.number, data.get("value"), required=True)
    if v is not None:
        why = plausibility(v, unit)
        if why:
            c.add("value", why, unit=unit or "")


def clean_check_in(data: dict[str, Any], *, kr: dict[str, Any], year: int) -> dict[str, Any]:
    """A check-in's date (in the plan *year*), value (plausible for the KR's unit), confidence (whole, 0–10) and note,
    checked; ValidationError listing every problem."""
    c = F.collect()
    c("date", F.date, data.get("date"), required=True, year=year)
    _clean_value(c, data, kr.get("unit"))
    conf = c("confidence", F.number, data.get("confidence"), min_value=0, max_value=10)
    if conf is not None and conf != int(conf):
        c.add("confidence", "error.not_whole", value=conf)
    c("note", F.text, data.get("note"), max_len=F.TEXT_MAX, multiline=True)
    c.raise_if_any()
    v = c.values
    return {"date": v["date"], "value": v["value"], "confidence": None if conf is None else int(conf),
            "note": v.get("note")}


def clean_reading(data: dict[str, Any], *, indicator: dict[str, Any], year: int) -> dict[str, Any]:
    """A reading's date (in the plan *year*), value (plausible for the indicator's unit) and comment, checked;
    ValidationError listing every problem."""
    c = F.collect()
    c("date", F.date, data.get("date"), required=True, year=year)
    _clean_value(c, data, indicator.get("unit"))
    c("comment", F.text, data.get("comment"), max_len=F.TEXT_MAX, multiline=True)
    c.raise_if_any()
    v = c.values
    return {"date": v["date"], "value": v["value"], "comment": v.get("comment")}


def list_check_ins(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's check-ins, oldest first (the trash left out)."""
    return store.rows("check_in", workspace_id)


def list_readings(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's readings, oldest first (the trash left out)."""
    return store.rows("reading", workspace_id)


def check_ins_of(store: Store, kr_id: int) -> list[dict[str, Any]]:
    """One KR's check-ins, oldest first (the rows `list_check_ins` holds for it)."""
    return store.rows_of("check_in", "key_result_id", kr_id)


def readings_of(store: Store, indicator_id: int) -> list[dict[str, Any]]:
    """One indicator's readings, oldest first."""
    return store.rows_of("reading", "indicator_id", indicator_id)


def add_check_in(store: Store, kr_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add a check-in to a KR (checked by ``clean_check_in``); returns its id."""
    kr = store.row("key_result", kr_id)
    ws = store.get_workspace(kr["workspace_id"])
    row = clean_check_in(data, kr=kr, year=ws["year"])
    with store.transaction(ws["id"], "check_in.add", actor) as tx:
        return tx.insert("check_in", {**row, "workspace_id": ws["id"], "key_result_id": kr_id})


def add_reading(store: Store, indicator_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add a reading to an indicator (checked by ``clean_reading``; a retired indicator is not refused);
    returns its id."""
    ind = store.row("indicator", indicator_id)
    ws = store.get_workspace(ind["workspace_id"])
    row = clean_reading(data, indicator=ind, year=ws["year"])
    with store.transaction(ws["id"], "reading.add", actor) as tx:
        return tx.insert("reading", {**row, "workspace_id": ws["id"], "indicator_id": indicator_id})


def delete_entry(store: Store, table: str, entry_id: int, actor: str | None = None) -> None:
    """Move one check-in or reading (*table* ``check_in`` or ``reading``) to the trash."""
    assert table in ("check_in", "reading")
    row = store.row(table, entry_id)
    with store.transaction(row["workspace_id"], f"{table}.delete", actor) as tx:
        tx.trash(table, [entry_id], tx.txn)


# -- paste many rows ---------------------------------------------------------------------------

def parse_paste(text: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows pasted from a spreadsheet (tab separated) or typed as CSV; a header row (words: its first
    cell is not a date and its second not a number) is skipped, a mistyped first row is not. Returns
    dicts keyed by *columns* with a 1-based `row` number; at most MAX_PASTE_ROWS rows besides the header."""
    text = (text or "").strip("\n")
    if not text.strip():
        raise ValidationError([FieldError("paste", "tracking.error.paste_empty")])
    lines = text.splitlines()
    too_many = lambda n: ValidationError([FieldError("paste", "tracking.error.paste_too_many",
                                                     {"max": MAX_PASTE_ROWS, "count": n})])
    if len(lines) > MAX_PASTE_ROWS + 1:  # room for a header row
        raise too_many(len(lines))
    delimiter = "\t" if "\t" in lines[0] else ","
    # line by line: a stray quote in one cell must not swallow the rows after it into that cell
    rows = [next(csv.reader([line], delimiter=delimiter), []) for line in lines]
    out = []
    for n, cells in enumerate(rows, start=1):
        if not any(c.strip() for c in cells):
            continue
        if n == 1 and _is_header(cells):
            continue
        out.append({"row": n, **{col: (cells[i].strip() if i < len(cells) else None) for i, col in enumerate(columns)}})
    if not out:
        raise ValidationError([FieldError("paste", "tracking.error.paste_empty")])
    if len(out) > MAX_PASTE_ROWS:
        raise too_many(len(out))
    return out


def _is_header(cells: list[str]) -> bool:
    for parse, i in ((F.date, 0), (F.number, 1)):
        try:
            parse("cell", cells[i] if i < len(cells) else None, required=True)
            return False
        except ValidationError:
            pass
    return True


def _bulk(store: Store, owner_table: str, owner_id: int, text: str, *, table: str, columns: tuple[str, ...],
          clean, owner_key: str, action: str, actor: str | None) -> int:
    owner = store.row(owner_table, owner_id)
    ws = store.get_workspace(owner["workspace_id"])
    errors: list[FieldError] = []
    rows = []
    for raw in parse_paste(text, columns):
        try:
            rows.append(clean(raw, **{owner_table if owner_table == "indicator" else "kr": owner}, year=ws["year"]))
        except ValidationError as e:
            for fe in e.errors:
                errors.append(FieldError("paste", "tracking.error.in_row",
                                         {"row": raw["row"], "column_key": "field." + fe.field, "detail": fe}))
    if errors:
        raise ValidationError(errors)
    with store.transaction(ws["id"], action, actor) as tx:
        tx.insert_many(table, [{**r, "workspace_id": ws["id"], owner_key: owner_id} for r in rows])
    return len(rows)


def paste_check_ins(store: Store, kr_id: int, text: str, actor: str | None = None) -> int:
    """Add many check-ins (date, value, confidence, note per row); all or none."""
    return _bulk(store, "key_result", kr_id, text, table="check_in", columns=("date", "value", "confidence", "note"),
                 clean=lambda raw, kr, year: clean_check_in(raw, kr=kr, year=year), owner_key="key_result_id",
                 action="check_in.paste", actor=actor)


def paste_readings(store: Store, indicator_id: int, text: str, actor: str | None = None) -> int:
    """Add many readings (date, value, comment per row); all or none."""
    return _bulk(store, "indicator", indicator_id, text, table="reading", columns=("date", "value", "comment"),
                 clean=lambda raw, indicator, year: clean_reading(raw, indicator=indicator, year=year),
                 owner_key="indicator_id", action="reading.paste", actor=actor)


def today_in(year: int, today: dt.date) -> dt.date:
    """The date the board is shown as of: *today* inside the plan year, else the year's last day
    (after it) or its first day (before it)."""
    if today.year == year:
        return today
    return dt.date(year, 12, 31) if today.year > year else dt.date(year, 1, 1)


# -- the table editor: change, add and delete entries in one go -------------------------------------

def apply_edits(store: Store, table: str, owner_id: int, *, changed: dict[int, dict[str, Any]],
                added: list[dict[str, Any]], deleted: list[int], actor: str | None = None) -> int:
    """Save a table edit of one KR's check-ins or one indicator's readings: all rows are checked first,
    each problem named by its row, and then everything is written in one transaction (or nothing).
    *changed* maps an entry id to the changed fields. Returns how many entries changed."""
    assert table in ("check_in", "reading")
    owner_table, owner_key = ("key_result", "key_result_id") if table == "check_in" else ("indicator", "indicator_id")
    owner = store.row(owner_table, owner_id)
    ws = store.get_workspace(owner["workspace_id"])
    existing = {r["id"]: r for r in store.rows(table, ws["id"]) if r[owner_key] == owner_id}

    def clean(data: dict[str, Any]) -> dict[str, Any]:
        if table == "check_in":
            return clean_check_in(data, kr=owner, year=ws["year"])
        return clean_reading(data, indicator=owner, year=ws["year"])

    errors: list[FieldError] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    inserts: list[dict[str, Any]] = []
    for n, (entry_id, change) in enumerate(sorted(changed.items()), start=1):
        if entry_id not in existing:
            errors.append(FieldError("table", "error.not_found", {"id": entry_id}))
            continue
        try:
            updates.append((entry_id, clean({**existing[entry_id], **change})))
        except ValidationError as e:
            errors += [FieldError("table", "tracking.error.in_entry", {"date": str(existing[entry_id]["date"]),
                                                                       "column_key": "field." + fe.field,
                                                                       "detail": fe}) for fe in e.errors]
    for n, row in enumerate(added, start=1):
        try:
            inserts.append({**clean(row), "workspace_id": ws["id"], owner_key: owner_id})
        except ValidationError as e:
            errors += [FieldError("table", "tracking.error.in_new_row", {"row": n, "column_key": "field." + fe.field,
                                                                         "detail": fe}) for fe in e.errors]
    unknown = [i for i in deleted if i not in existing]
    if unknown:
        errors.append(FieldError("table", "error.not_found", {"id": unknown[0]}))
    if errors:
        raise ValidationError(errors)
    with store.transaction(ws["id"], f"{table}.edit", actor) as tx:
        for entry_id, row in updates:
            tx.update(table, entry_id, row, seen=existing[entry_id])   # as the table showed it
        tx.trash(table, list(deleted), tx.txn)
        tx.insert_many(table, inserts)
    return len(updates) + len(inserts) + len(deleted)
