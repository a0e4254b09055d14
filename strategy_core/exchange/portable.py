"""A whole workspace as one JSON document, and back again as a new workspace.

The file a team keeps under version control next to its plan: every live row of every
table of one workspace (not the trash, not the change log), in a stable, diff-friendly
layout. ``export_json`` writes it; ``plan_json`` reads and checks a file completely
without touching the database; ``apply_json`` writes a checked file as a NEW workspace
in one transaction (audited; undo takes the whole workspace back out).

The layout (documented for people in the README, section "JSON format")::

    {"format": "strategy-workbench/workspace", "version": 2,
     "workspace": {"name", "year", "industry", "currency", "day_basis", "trading_days",
                   "language", "perspectives"},
     "tables": {"<table>": [{"id": <int>, "<field>": <value>, ...}, ...], ...}}

- every table of ``TABLES`` is present (an empty list when it has no rows); rows are sorted
  by id; every field of the table is present (null when empty); the four top-level keys come
  in the order above, every other object's keys are sorted; two-space
  indent, one field per line, UTF-8, a newline at the end — the same data always gives the
  same bytes;
- dates are ``YYYY-MM-DD``, times ``YYYY-MM-DDTHH:MM:SS``; numbers are JSON numbers, yes/no
  fields are true/false;
- ids are the database's ids: they only serve to link rows inside the file. An import gives
  every row a new id and rewrites every reference (``REFS``) to match; a reference names a
  row of the table it points to, or — for cause_id/effect_id, subject_id and trigger_id — of
  the table its ``*_kind`` field names;
- what a live export cannot express is left out rather than written broken: a row whose
  owner is in the trash (a check-in of a deleted KR) is not written, and an optional
  reference to a row in the trash is written as null (so every exported file imports).

``version`` goes up with any change to the tables and fields below; the reader takes the
versions of ``READS`` (a version-1 file has no agenda) and refuses unknown fields and tables
and any other version.

Backups of the whole database file are ``strategy_core.exchange.backup``.

Long because the file format is one contract: the tables and fields, the export that writes them
and the checks that read them back stay side by side, so a field added to one is seen in the others.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from strategy_core.plan import bsc, okr, onion, workspace
from strategy_core.routines import agenda, review, risk
from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError, WorkbenchError
from strategy_core.store.store import ENTITY_TABLES, Store

FORMAT = "strategy-workbench/workspace"
VERSION = 2
# the versions this reader takes, with the tables each may hold (1: before the agenda)
READS: dict[int, frozenset[str]] = {}
ACTION = "portable.import"
MAX_PROBLEMS = 50          # an import lists at most this many problems (and says how many more)

# value types of the format: int, number (int or float), str, bool, date, datetime, id (a reference)
INT, NUMBER, STR, BOOL, DATE, DATETIME = "int", "number", "str", "bool", "date", "datetime"


@dataclass(frozen=True)
class Field:
    """One field of a table in the JSON format: name, value type, whether required, what it references and its allowed
    values; the export and the import both work from it."""
    name: str
    type: str
    required: bool = False
    ref: str | None = None              # the table a reference points to ...
    kind_field: str | None = None       # ... or the field that names that table (polymorphic)
    choices: tuple[str, ...] = ()       # allowed values of a text field
    kind_nullable: bool = False         # polymorphic: when the target is gone, the kind goes too


def _f(name: str, type_: str = STR, required: bool = False, **kw: Any) -> Field:
    return Field(name, type_, required, **kw)


def _ref(name: str, table: str, required: bool = False) -> Field:
    return Field(name, INT, required, ref=table)


WORKSPACE_FIELDS: tuple[Field, ...] = (
    _f("name", STR, True), _f("year", INT, True), _f("industry", STR, choices=workspace.INDUSTRIES),
    _f("currency", STR, True), _f("day_basis", STR, True, choices=workspace.DAY_BASES),
    _f("trading_days", INT), _f("language", STR, True, choices=("zh", "en")), _f("perspectives", STR))

_SUBJECT_KINDS = ("key_result", "indicator")

# every table of a workspace with its fields (besides "id"); the order of this dict is the
# order rows are written in on import (it does not matter: the store has no foreign keys)
TABLES: dict[str, tuple[Field, ...]] = {
    "onion_node": (
        _ref("parent_id", "onion_node"), _f("name", STR, True), _f("kind", STR, True, choices=onion.KINDS),
        _f("amount", NUMBER), _f("share", NUMBER), _f("units", NUMBER), _f("unit_price", NUMBER),
        _ref("key_result_id", "key_result"), _f("position", INT, True), _f("note")),
    "objective": (
        _f("level", STR, True, choices=okr.LEVELS), _f("title", STR, True), _f("owner"), _f("team"),
        _f("period_start", DATE), _f("period_end", DATE), _ref("aligns_to", "key_result"),
        _f("position", INT, True), _f("perspective", STR, choices=bsc.PERSPECTIVES)),
    "key_result": (
        _ref("objective_id", "objective", True), _f("statement", STR, True), _f("metric"), _f("unit"),
        _f("baseline", NUMBER), _f("target", NUMBER), _f("direction", STR, choices=okr.DIRECTIONS),
        _f("band_low", NUMBER), _f("band_high", NUMBER), _f("deadline", DATE), _f("owner"), _f("team"),
        _f("decomposition_logic"), _f("data_support"), _f("execution_steps"), _f("data_source"),
        _f("alert_value", NUMBER), _f("resources_money"), _f("resources_people"), _f("resources_things"),
        _f("risk_plan"), _f("position", INT, True), _f("committed", BOOL), _f("weight", NUMBER)),
    "indicator": (
        _f("perspective", STR, True, choices=bsc.PERSPECTIVES), _f("name", STR, True), _f("unit"),
        _f("comparator", STR, True, choices=bsc.COMPARATORS), _f("target", NUMBER, True), _f("band", NUMBER),
        _f("frequency", STR, True, choices=bsc.FREQUENCIES), _f("owner"), _f("data_source"), _f("template"),
        _f("position", INT, True), _f("retired_at", DATETIME), _f("retire_reason")),
    "indicator_kr": (_ref("indicator_id", "indicator", True), _ref("key_result_id", "key_result", True)),
    "check_in": (
        _ref("key_result_id", "key_result", True), _f("date", DATE, True), _f("value", NUMBER, True),
        _f("confidence", INT), _f("note")),
    "daily_report": (_f("day", DATE, True), _f("owner"), _f("note"), _f("submitted_at", DATETIME)),
    "reading": (
        _ref("indicator_id", "indicator", True), _f("date", DATE, True), _f("value", NUMBER, True),
        _f("comment"), _ref("daily_report_id", "daily_report")),
    "strategy_link": (
        _f("cause_kind", STR, True, choices=bsc.NODE_KINDS), Field("cause_id", INT, True, kind_field="cause_kind"),
        _f("effect_kind", STR, True, choices=bsc.NODE_KINDS),
        Field("effect_id", INT, True, kind_field="effect_kind")),
    "weekly_plan": (
        _f("person", STR, True), _f("week_start", DATE, True), _f("last_week_result"), _f("help_needed"),
        _f("confidence", INT)),
    "plan_item": (
        _ref("weekly_plan_id", "weekly_plan", True), _ref("key_result_id", "key_result"), _f("text", STR, True),
        _f("kr_value", NUMBER), _ref("check_in_id", "check_in"), _f("done", BOOL), _f("position", INT, True)),
    "review": (
        _f("kind", STR, True, choices=review.KINDS), _f("period_start", DATE, True), _f("period_end", DATE, True),
        _f("held_on", DATE, True), _f("attendees"), _f("summary")),
    "review_finding": (
        _ref("review_id", "review", True), _f("subject_kind", STR, True, choices=_SUBJECT_KINDS),
        Field("subject_id", INT, kind_field="subject_kind"), _f("planned", NUMBER), _f("actual", NUMBER),
        _f("gap", NUMBER), _f("cause"), _f("position", INT, True)),
    "adjustment": (
        _ref("review_id", "review", True), _ref("finding_id", "review_finding"), _f("what", STR, True),
        _f("owner"), _f("due", DATE), _f("status", STR, True, choices=review.ADJUSTMENT_STATUSES),
        _f("response"), _f("gap_closed", BOOL), _ref("responded_in", "review")),
    "risk": (
        _f("name", STR, True), _f("level", STR, True, choices=risk.LEVELS), _f("top", BOOL, True),
        _f("impact_share", NUMBER), _f("impact_text"), _f("trigger_kind", STR, choices=risk.TRIGGER_KINDS),
        Field("trigger_id", INT, kind_field="trigger_kind", kind_nullable=True),
        _f("trigger_comparator", STR, choices=bsc.COMPARATORS), _f("trigger_value", NUMBER), _f("owner"),
        _f("position", INT, True)),
    "risk_plan": (
        _ref("risk_id", "risk", True), _f("label", STR, True, choices=risk.LABELS), _f("strategy"),
        _f("cost", NUMBER), _f("expected_result", NUMBER), _f("expected_unit"), _f("channel")),
    "agenda_session": (
        _f("day", INT, True), _f("title", STR, True), _f("minutes", INT, True),
        _f("page", STR, True, choices=agenda.PAGES), _f("position", INT, True),
        _f("started_at", DATETIME), _f("finished_at", DATETIME)),
}
READS.update({1: frozenset(TABLES) - {"agenda_session"}, 2: frozenset(TABLES)})
assert set(TABLES) == set(ENTITY_TABLES) - {"workspace"}, "the JSON format must learn new tables"

# every reference between rows: (table, field) → target table, or None when *_kind names it
REFS: dict[tuple[str, str], str | None] = {
    (table, f.name): f.ref for table, fields in TABLES.items() for f in fields if f.ref or f.kind_field}
# columns of the database that the file does not carry (the workspace is the file itself)
_NOT_WRITTEN = ("workspace_id", "deleted_at", "deleted_batch")


class FileRefused(WorkbenchError):
    """The file cannot be imported; ``errors`` name each problem (path + catalog key). Nothing changed."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("portable.error.refused", count=len(self.errors))

    def lines(self, lang: str, limit: int = MAX_PROBLEMS) -> list[str]:
        from strategy_core.i18n import t
        out = [f"{e.field}: {e.text(lang)}" if e.field else e.text(lang) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            out.append(t("portable.error.more", lang, count=len(self.errors) - limit))
        return out


# -- export ---------------------------------------------------------------------------------------

def _value(v: Any, type_: str) -> Any:
    if v is None:
        return None
    if type_ == DATETIME:
        return v.replace(microsecond=0).isoformat() if isinstance(v, dt.datetime) else str(v)
    if type_ == DATE:
        return (v.date() if isinstance(v, dt.datetime) else v).isoformat()
    if type_ == NUMBER:
        v = float(v)
        return v if math.isfinite(v) else None
    if type_ == INT:
        return int(v)
    if type_ == BOOL:
        return bool(v)
    return str(v)


def export_data(store: Store, workspace_id: int) -> dict[str, Any]:
    """The document (plain JSON values) for one live workspace; see the module docstring."""
    ws = store.get_workspace(workspace_id)
    raw = {table: sorted(store.rows(table, workspace_id), key=lambda r: r["id"]) for table in TABLES}
    live = {table: {r["id"] for r in rows} for table, rows in raw.items()}

    def points_inside(table: str, f: Field, row: dict[str, Any]) -> bool:
        target = f.ref or row.get(f.kind_field)
        return target in live and row.get(f.name) in live[target]

    # a row that needs a row in the trash goes too (and what needs it in turn)
    changed = True
    while changed:
        changed = False
        for table, fields in TABLES.items():
            for f in fields:
                if (f.ref or f.kind_field) and f.required:
                    gone = {r["id"] for r in raw[table] if r["id"] in live[table] and not points_inside(table, f, r)}
                    if gone:
                        live[table] -= gone
                        changed = True
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, fields in TABLES.items():
        out = []
        for r in raw[table]:
            if r["id"] not in live[table]:
                continue
            row = {"id": int(r["id"])}
            for f in fields:
                row[f.name] = _value(r.get(f.name), f.type)
            for f in fields:  # an optional reference into the trash reads as no reference
                if (f.ref or f.kind_field) and row[f.name] is not None and not points_inside(table, f, r):
                    row[f.name] = None
                    if f.kind_nullable:
                        row[f.kind_field] = None
            out.append(row)
        tables[table] = out
    return {"format": FORMAT, "version": VERSION,
            "workspace": {f.name: _value(ws.get(f.name), f.type) for f in WORKSPACE_FIELDS},
            "tables": tables}


_TOP = ("format", "version", "workspace", "tables")


def _sorted(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _sorted(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_sorted(x) for x in v]
    return v


def dumps(data: dict[str, Any]) -> str:
    """The stable text of a document: "format", "version", "workspace", "tables" in this order at
    the top, every other object's keys sorted, two-space indent, UTF-8 characters as they are."""
    top = {k: _sorted(data[k]) for k in _TOP if k in data} | {k: _sorted(data[k]) for k in sorted(data) if k not in _TOP}
    return json.dumps(top, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def export_json(store: Store, workspace_id: int) -> bytes:
    """The workspace's JSON document as UTF-8 bytes, in ``dumps``' stable text."""
    return dumps(export_data(store, workspace_id)).encode("utf-8")


# -- reading and checking a file --------------------------------------------------------------------

@dataclass
class JsonPlan:
    """A checked file, ready to write: the workspace's settings and every table's rows
    (values converted to Python types, references still the file's ids)."""
    workspace: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {table: len(self.tables.get(table, [])) for table in TABLES}


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list):
        return "list"
    return "object"


def _convert(v: Any, type_: str) -> tuple[Any, bool]:
    """(value in Python, ok) for a non-null JSON value of the format type *type_*."""
    if type_ == INT:
        ok = isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer()
        return (int(v), True) if ok else (None, False)
    if type_ == NUMBER:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        return (float(v), True) if ok else (None, False)
    if type_ == BOOL:
        return (v, True) if isinstance(v, bool) else (None, False)
    if type_ == STR:
        return (v, True) if isinstance(v, str) else (None, False)
    if type_ == DATE:
        if isinstance(v, str) and len(v) == 10:
            try:
                return dt.date.fromisoformat(v), True
            except ValueError:
                pass
        return None, False
    if type_ == DATETIME:
        if isinstance(v, str) and 10 <= len(v) <= 32:
            try:
                d = dt.datetime.fromisoformat(v)
                if d.tzinfo is None:
                    return d, True
            except ValueError:
                pass
        return None, False
    raise AssertionError(type_)


def _check_fields(where: str, obj: Any, fields: tuple[Field, ...], problems: list[FieldError],
                  with_id: bool) -> tuple[dict[str, Any] | None, bool]:
    """(the row *obj* with its values converted, whether it had no problem); its problems
    (unknown or missing field, wrong type, value not allowed) are added to *problems*.
    A field with a problem is left out of the row; not an object at all: (None, False)."""
    if not isinstance(obj, dict):
        problems.append(FieldError(where, "portable.error.not_object", {"got": _type_name(obj)}))
        return None, False
    known = {f.name for f in fields} | ({"id"} if with_id else set())
    before = len(problems)
    for name in sorted(set(obj) - known):
        problems.append(FieldError(f"{where}.{name}", "portable.error.unknown_field",
                                   {"allowed": ", ".join(sorted(known))}))
    row: dict[str, Any] = {}
    specs = ((Field("id", INT, True),) if with_id else ()) + fields
    for f in specs:
        v = obj.get(f.name)
        if v is None:
            if f.required:
                problems.append(FieldError(f"{where}.{f.name}", "portable.error.missing",
                                           {"type_key": f"portable.type.{f.type}"}))
            row[f.name] = None
            continue
        value, ok = _convert(v, f.type)
        if not ok:
            problems.append(FieldError(f"{where}.{f.name}", "portable.error.type",
                                       {"type_key": f"portable.type.{f.type}", "got": _short(v)}))
            continue
        if f.type == INT and not (f.ref or f.kind_field or f.name == "id") and not _INT_MIN <= value <= _INT_MAX:
            problems.append(FieldError(f"{where}.{f.name}", "portable.error.range",
                                       {"got": value, "min": _INT_MIN, "max": _INT_MAX}))
            continue
        bidi = F.bidi_problem(value) if isinstance(value, str) else None
        if bidi:
            problems.append(FieldError(f"{where}.{f.name}", "error.bidi", bidi))
            continue
        if f.choices and value not in f.choices:
            problems.append(FieldError(f"{where}.{f.name}", "portable.error.choice",
                                       {"got": _short(v), "allowed": ", ".join(f.choices)}))
            continue
        row[f.name] = value
    return row, len(problems) == before


_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1   # whole numbers other than ids are 32-bit in the database


def _cycles(rows: dict[str, list[dict[str, Any]]]) -> list[FieldError]:
    """Rows that are their own ancestor: an onion node under itself, or an objective aligned
    (through a KR) to itself."""
    objective_of = {k["id"]: k["objective_id"] for k in rows["key_result"]}
    chains = (("onion_node", "parent_id", lambda r: r["parent_id"]),
              ("objective", "aligns_to", lambda r: objective_of.get(r["aligns_to"])))
    out = []
    for table, name, up in chains:
        by_id = {r["id"]: r for r in rows[table]}
        for r in rows[table]:
            seen, cur = {r["id"]}, up(r)
            while cur is not None and cur in by_id:
                if cur == r["id"]:
                    out.append(FieldError(f"tables.{table}[{r['_index']}].{name}", "portable.error.cycle",
                                          {"id": r["id"]}))
                    break
                if cur in seen:   # a loop above this row: reported at the rows in it
                    break
                seen.add(cur)
                cur = up(by_id[cur])
    return out


def _short(v: Any, limit: int = 40) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else f"“{v}”"
    return s if len(s) <= limit else s[: limit - 1] + "…"


def parse_json(data: bytes) -> Any:
    """The JSON document in *data*; FileRefused when it is not UTF-8 JSON."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FileRefused([FieldError("", "portable.error.not_utf8", {"offset": e.start})]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise FileRefused([FieldError("", "portable.error.not_json",
                                      {"line": e.lineno, "column": e.colno, "detail": e.msg})]) from None
    except RecursionError:
        raise FileRefused([FieldError("", "portable.error.not_json", {"line": 1, "column": 1,
                                                                       "detail": "nested too deep"})]) from None


def plan_json(data: bytes | Any, name: str | None = None) -> JsonPlan:
    """Read and check a whole file (bytes, or the parsed document); raises FileRefused naming
    every problem — the table, the index of the row and the field — before anything is written.
    *name*: the new workspace's name instead of the file's."""
    doc = parse_json(data) if isinstance(data, (bytes, bytearray)) else data
    version = _document_version(doc)
    problems: list[FieldError] = []
    for key in sorted(set(doc) - {"format", "version", "workspace", "tables"}):
        problems.append(FieldError(key, "portable.error.unknown_key", {"allowed": "format, version, workspace, tables"}))
    ws_doc = doc.get("workspace")
    if isinstance(ws_doc, dict) and name is not None:
        ws_doc = {**ws_doc, "name": name}
    ws_row, ok = _check_fields("workspace", ws_doc, WORKSPACE_FIELDS, problems, with_id=False)
    settings = None
    if ws_row is not None and ok:
        try:
            settings = {**workspace.clean(ws_row), "perspectives": ws_row.get("perspectives")}
        except ValidationError as e:
            for fe in e.errors:
                problems.append(FieldError(f"workspace.{fe.field}", fe.key, fe.params))
    tables_doc = doc.get("tables")
    if not isinstance(tables_doc, dict):
        problems.append(FieldError("tables", "portable.error.not_object", {"got": _type_name(tables_doc)}))
        raise FileRefused(problems)
    for table in sorted(set(tables_doc) - READS[version]):
        problems.append(FieldError(f"tables.{table}", "portable.error.unknown_table",
                                   {"allowed": ", ".join(sorted(READS[version]))}))
    rows, ids = _checked_rows(tables_doc, problems)
    problems += _dangling(rows, ids)
    if not problems:
        problems += _cycles(rows)
    if problems or settings is None:
        raise FileRefused(problems)
    for rs in rows.values():
        for r in rs:
            del r["_index"]
    return JsonPlan(settings, rows)


def _document_version(doc: Any) -> int:
    """The file's format version; refuses anything that is not a workbench document this version reads."""
    if not isinstance(doc, dict):
        raise FileRefused([FieldError("", "portable.error.not_document", {"format": FORMAT})])
    if doc.get("format") != FORMAT:
        raise FileRefused([FieldError("format", "portable.error.format",
                                      {"got": _short(doc.get("format")), "format": FORMAT})])
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in READS:
        raise FileRefused([FieldError("version", "portable.error.version",
                                      {"got": _short(version), "versions": ", ".join(map(str, READS))})])
    return version


def _checked_rows(tables_doc: dict, problems: list[FieldError]) -> tuple[dict[str, list[dict]], dict[str, set[int]]]:
    """Every table's rows whose fields check (each with its ``_index`` in the file), and every id
    the file holds per table (rows with other problems still exist: no "dangling" echo of them)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    ids: dict[str, set[int]] = {}
    for table, fields in TABLES.items():
        items = tables_doc.get(table, [])
        if not isinstance(items, list):
            problems.append(FieldError(f"tables.{table}", "portable.error.not_list", {"got": _type_name(items)}))
            items = []
        rows[table] = []
        seen: dict[int, int] = {}
        for i, obj in enumerate(items):
            where = f"tables.{table}[{i}]"
            row, ok = _check_fields(where, obj, fields, problems, with_id=True)
            rid = row.get("id") if row is not None else None
            if rid is not None:
                if rid in seen:
                    problems.append(FieldError(f"{where}.id", "portable.error.duplicate_id",
                                               {"id": rid, "first": seen[rid]}))
                    ok = False
                else:
                    seen[rid] = i
            if ok:
                row["_index"] = i
                rows[table].append(row)
        ids[table] = set(seen)
    return rows, ids


def _dangling(rows: dict[str, list[dict]], ids: dict[str, set[int]]) -> list[FieldError]:
    """References to a row the file does not hold (or without the kind that says which table)."""
    problems: list[FieldError] = []
    for table, fields in TABLES.items():
        for f in fields:
            if not (f.ref or f.kind_field):
                continue
            for r in rows[table]:
                v = r.get(f.name)
                target = f.ref or r.get(f.kind_field)
                where = f"tables.{table}[{r['_index']}].{f.name}"
                if v is None:
                    continue
                if target is None:
                    problems.append(FieldError(where, "portable.error.no_kind", {"kind": f.kind_field}))
                elif v not in ids[target]:
                    problems.append(FieldError(where, "portable.error.dangling",
                                               {"id": v, "table_key": f"entity.{target}"}))
    return problems


# -- writing a checked file -------------------------------------------------------------------------

def apply_json(store: Store, plan: JsonPlan, actor: str | None = None) -> int:
    """Write *plan* as a new workspace in one transaction; returns its id. Every row gets a new
    id and every reference follows. Undo of this one transaction removes the workspace again."""
    with store.transaction(None, ACTION, actor) as tx:
        wid = store.insert_workspace(tx, plan.workspace)
        new: dict[tuple[str, int], int] = {}
        for table in TABLES:
            fresh = tx.new_ids(len(plan.tables[table]))
            for r, i in zip(plan.tables[table], fresh):
                new[(table, r["id"])] = i
        for table, fields in TABLES.items():
            rows = plan.tables[table]
            if not rows:
                continue
            out = []
            for r in rows:
                row = {k: v for k, v in r.items() if k != "id"}
                for f in fields:
                    if (f.ref or f.kind_field) and row[f.name] is not None:
                        row[f.name] = new[(f.ref or row[f.kind_field], row[f.name])]
                out.append({**row, "workspace_id": wid})
            tx.insert_many(table, out, ids=[new[(table, r["id"])] for r in rows])
        return wid


def import_json(store: Store, data: bytes, name: str | None = None, actor: str | None = None) -> int:
    """Check and write a file in one go (see plan_json and apply_json)."""
    return apply_json(store, plan_json(data, name), actor)
