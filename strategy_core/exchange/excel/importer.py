"""Read an exported (and edited) workbook back into a workspace: plan first, then apply.

``plan_import(store, workspace_id, data, filename)`` reads the file with the bounded, hostile-file-
proof reader (``strategy_core.exchange.excel.reader``), recognises each sheet by its name or its headers (zh
or en; columns in any order, extra blank rows, trailing spaces, numbers and dates typed as text are
all fine), checks every row with the same rules as the forms, and returns an ``ImportPlan``: what
will be added, changed (old → new, per field) and removed, or every problem with its sheet, cell,
column and the allowed values. Nothing is written.

``apply_import(store, workspace_id, plan)`` writes a plan without errors in ONE transaction
("xl.import", audited, undone by one Undo), after checking the workspace did not change since the
plan was made.

Rows are recognised by the grey ID columns the export writes. A row without an ID is new. A sheet
whose rows carry IDs is the full list of its entities: an entity of the workspace that is missing
from it is removed (to the trash). A sheet without any ID (a blank template filled by hand) only
adds. References are written as text in the workbook (the KR an objective aligns to, the KR of an
onion line or weekly item, the indicator of a reading, a review's subject, a risk's trigger) and
are found again by that text, after this import's own renames. The board sheet is measured, not
typed: it is skipped. Row order is not imported (the order in the workbench stays).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from strategy_core.plan import bsc, okr, onion
from strategy_core.routines import daily, review, risk, weekly
from strategy_core.track import tracking
from strategy_core import fields as F
from strategy_core.errors import ConflictError, FieldError, ValidationError, WorkbenchError
from strategy_core.exchange.excel.export import COLUMNS, IMPORTABLE, SHEETS, Col
from strategy_core.i18n import LANGS, t
from strategy_core.store.store import Store, Tx

MAX_ERRORS = 200           # a broken file does not need ten thousand messages
HEADER_SCAN = 20           # rows searched for the header row
ORDER = ("okr", "scorecard", "onion", "weekly", "daily", "review", "risk")   # references point backwards
assert set(ORDER) == set(IMPORTABLE)
# fields holding the id of another row: an id planned for a new row (negative) is mapped when applying
REF_FIELDS = ("parent_id", "objective_id", "aligns_to", "key_result_id", "indicator_id", "weekly_plan_id",
              "daily_report_id", "review_id", "finding_id", "risk_id", "trigger_id", "subject_id")


class ImportError_(WorkbenchError):
    """The plan cannot be applied as it stands (it has errors, or the workspace changed since)."""


# -- values ------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def _norm(value: Any) -> str:
    """Text as compared: width-folded (NFKC), white space collapsed, case-folded."""
    return _norm_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=100_000)
def _norm_text(s: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", s)).strip().casefold()


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _same(a: Any, b: Any) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, dt.datetime):
        a = a.date() if a.time() == dt.time() else a
    if isinstance(b, dt.datetime):
        b = b.date() if b.time() == dt.time() else b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a in (0, 1) and b in (0, 1) and bool(a) == bool(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _fraction(name: str, value: Any) -> float | None:
    """A number held as a fraction and shown as a percentage: '50%' typed as text is 0.5."""
    x = F.number(name, value)
    if x is not None and isinstance(value, str) and ("%" in value or "％" in value):
        return x / 100
    return x


def _letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@lru_cache(maxsize=256)
def _words(keys: tuple[str, ...], prefix: str) -> dict[str, str]:
    """Allowed words (zh, en and the stored value) → the stored value."""
    out: dict[str, str] = {}
    for k in keys:
        value = k[len(prefix):] if k.startswith(prefix) else k
        out[_norm(value)] = value
        for lang in LANGS:
            out[_norm(t(k, lang))] = value
    return out


_COMPARATORS = {**{_norm(c): c for c in bsc.COMPARATORS}, **{_norm(s): c for c, s in bsc.COMPARATOR_SYMBOL.items()},
                "=>": ">=", "=<": "<="}
_YES_NO = {**{k: True for k in _words(("xl.yes",), "")}, **{_norm(w): True for w in ("yes", "y", "true", "1", "✓", "x")},
           **{k: False for k in _words(("xl.no",), "")}, **{_norm(w): False for w in ("no", "n", "false", "0")}}
_COMMITTED = {**{k: True for k in _words(("okr.committed.yes",), "")},
              **{k: False for k in _words(("okr.committed.no",), "")},
              **{k: v for k, v in _YES_NO.items()}}


# -- the plan ----------------------------------------------------------------------------------

@dataclass
class Diff:
    label: str          # catalog key of the column
    old: Any
    new: Any


@dataclass
class Change:
    op: str             # add | change | remove
    sheet: str          # sheet key
    table: str
    id: int             # the row's id; negative: planned for a new row
    label: str          # what the row is called (its name, title, statement…)
    row: int | None     # its (first) row in the sheet
    values: dict[str, Any] = field(default_factory=dict)    # what to write (add: the whole row)
    diffs: list[Diff] = field(default_factory=list)
    via_hook: bool = False   # written by a sheet's own writer (weekly items record check-ins)


@dataclass
class ImportPlan:
    workspace_id: int
    version: int                                   # the workspace's version when planned
    sheets: dict[str, str] = field(default_factory=dict)     # sheet key → sheet name as found
    changes: list[Change] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    notes: list[FieldError] = field(default_factory=list)    # sheets skipped, sheets that only add
    hooks: list[Callable[[Tx, dict[int, int]], None]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, dict[str, int]]:
        """sheet key → {add, change, remove} counts."""
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            out.setdefault(c.sheet, {"add": 0, "change": 0, "remove": 0})[c.op] += 1
        return out

    def lines(self, lang: str) -> list[str]:
        """The preview in plain words: one line per note, error or change."""
        if self.errors:
            return [e.text(lang) for e in self.errors]
        out = [n.text(lang) for n in self.notes]
        if not self.changes:
            return out + [t("xl.import.nothing", lang)]
        for c in self.changes:
            out.append(change_text(c, lang, self.sheets.get(c.sheet)))
        return out


def show(value: Any, lang: str) -> str:
    """A value as the preview shows it."""
    if _blank(value):
        return "—"
    if isinstance(value, bool):
        return t("xl.yes" if value else "xl.no", lang)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.10g}"
    s = str(value).replace("\n", " ⏎ ")
    return s if len(s) <= 60 else s[:59] + "…"


def change_text(c: Change, lang: str, sheet_name: str | None = None) -> str:
    where = t("xl.import.where", lang, sheet=sheet_name or t(f"xl.sheet.{c.sheet}", lang),
              row=c.row) if c.row else sheet_name or t(f"xl.sheet.{c.sheet}", lang)
    head = t(f"xl.import.op.{c.op}", lang, entity=t(f"xl.entity.{c.table}", lang), label=show(c.label, lang),
             where=where)
    if c.op != "change":
        return head
    diffs = "; ".join(t("xl.import.diff", lang, field=t(d.label, lang), old=show(d.old, lang), new=show(d.new, lang))
                      for d in c.diffs)
    return f"{head}: {diffs}"


# -- reading a sheet ---------------------------------------------------------------------------

@dataclass
class _Row:
    n: int                                # row number in the sheet
    cells: dict[str, Any]                 # column key → raw value


@dataclass
class _Sheet:
    key: str
    name: str
    cols: dict[str, int]                  # column key → 0-based index
    rows: list[_Row]

    def letter(self, col: str) -> str:
        return _letter(self.cols[col]) if col in self.cols else "?"


def _labels(key: str) -> dict[str, str]:
    """Normalised header (zh or en) → column key."""
    out: dict[str, str] = {}
    for col in COLUMNS[key]:
        for lang in LANGS:
            out.setdefault(_norm(t(col.label, lang)), col.key)
    return out


def _sheet_names() -> dict[str, str]:
    return {_norm(t(f"xl.sheet.{k}", lang)): k for k in SHEETS for lang in LANGS}


def _header(rows: list[tuple[int, tuple]], labels: dict[str, str]) -> tuple[int, dict[str, int], list[tuple]] | None:
    """(row number, column key → index, duplicate headers) of the best header row, if any matches."""
    best = None
    for n, values in rows[:HEADER_SCAN]:
        found: dict[str, int] = {}
        dups = []
        for j, v in enumerate(values):
            if isinstance(v, str) and _norm(v) in labels:
                key = labels[_norm(v)]
                if key in found:
                    dups.append((key, j))
                else:
                    found[key] = j
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (n, found, dups)
    return best


# -- the planner -------------------------------------------------------------------------------

class _Planner:
    def __init__(self, store: Store, wid: int, today: dt.date):
        self.store, self.wid = store, wid
        self.ws = store.get_workspace(wid)
        self.year = self.ws["year"]
        self.today = today                      # check-in dates and the board are judged as of it
        self.plan = ImportPlan(wid, store.version(wid))
        self._temp = 0
        self._cells: set[tuple[str, str]] = set()
        self._indexes: dict[int, tuple[dict, dict[str, list[int]]]] = {}
        self._positions: dict[str, int] = {}                        # next position per table
        self._exported: dict[str, dict[int, dict[str, Any]]] = {}   # sheet → rows as exported now
        # the workspace as it will be after this import (updated sheet by sheet)
        self.krs: dict[int, dict] = {k["id"]: dict(k) for k in store.rows("key_result", wid)}
        self.objectives: dict[int, dict] = {o["id"]: dict(o) for o in store.rows("objective", wid)}
        self.indicators: dict[int, dict] = {i["id"]: dict(i) for i in bsc.list_indicators(store, wid)}
        self.retired: dict[int, dict] = {i["id"]: dict(i) for i in bsc.list_indicators(store, wid, retired=True)}

    # -- helpers ---------------------------------------------------------------------------------
    def temp_id(self) -> int:
        self._temp -= 1
        return self._temp

    def error(self, sheet: _Sheet, row: int | None, col: str | None, fe: FieldError) -> None:
        if len(self.plan.errors) >= MAX_ERRORS:
            return
        if col is not None and col in sheet.cols:
            cell = (sheet.name, f"{sheet.letter(col)}{row}")
            if cell in self._cells:      # one message per cell: the first says what is wrong
                return
            self._cells.add(cell)
            self.plan.errors.append(FieldError(col, "xl.import.error.cell", {
                "sheet": sheet.name, "cell": f"{sheet.letter(col)}{row}", "column_key": _col(sheet.key, col).label,
                "detail": fe}))
        else:
            self.plan.errors.append(FieldError(col or "row", "xl.import.error.row",
                                               {"sheet": sheet.name, "row": row, "detail": fe}))

    def errors_from(self, sheet: _Sheet, row: int, e: ValidationError, fieldmap: dict[str, str]) -> None:
        """Report a cleaner's errors at the cells of the fields they name (fieldmap: field → column key)."""
        for fe in e.errors:
            self.error(sheet, row, fieldmap.get(fe.field, fe.field if fe.field in sheet.cols else None), fe)

    def change(self, sheet: _Sheet, table: str, id_: int, label: str, row: int | None, new: dict[str, Any],
               old: dict[str, Any] | None, labels: dict[str, str], **extra: Any) -> Change | None:
        """A Change for *new* against *old* (None: added). *labels*: field → column label key of the
        fields this sheet covers (only they are compared)."""
        if old is None:
            c = Change("add", sheet.key, table, id_, label, row, dict(new), **extra)
        else:
            diffs = [Diff(labels[f], old.get(f), new[f]) for f in labels if f in new and not _same(old.get(f), new[f])]
            changed = {f: new[f] for f in new if f in labels and not _same(old.get(f), new[f])}
            changed.update({f: new[f] for f in new if f not in labels and f in REF_FIELDS
                            and not _same(old.get(f), new[f])})
            if not changed:
                return None
            c = Change("change", sheet.key, table, id_, label, row, changed, diffs, **extra)
        self.plan.changes.append(c)
        return c

    def remove(self, sheet_key: str, table: str, row: dict[str, Any], label: str, via_hook: bool = False) -> None:
        self.plan.changes.append(Change("remove", sheet_key, table, row["id"], label, None, via_hook=via_hook))

    def choice(self, sheet: _Sheet, r: _Row, col: str, words: dict[str, Any], allowed: list[str]) -> Any:
        raw = r.cells.get(col)
        if _blank(raw):
            return None
        value = words.get(_norm(raw))
        if value is None:
            self.error(sheet, r.n, col, FieldError(col, "error.not_allowed",
                                                   {"value": str(raw)[:40], "allowed": " / ".join(allowed)}))
        return value

    def choice_col(self, sheet: _Sheet, r: _Row, col: str, lang: str) -> Any:
        c = _col(sheet.key, col)
        prefix = c.choices[0].rsplit(".", 1)[0] + "." if c.choices else ""
        return self.choice(sheet, r, col, _words(c.choices, prefix), [t(k, lang) for k in c.choices])

    def ident(self, sheet: _Sheet, r: _Row, col: str, existing: dict[int, Any], table: str,
              seen: dict[int, int]) -> int | None | bool:
        """The id in *col*: an int of *existing*, None (blank: a new row) or False (an error, reported)."""
        raw = r.cells.get(col)
        if _blank(raw):
            return None
        try:
            f = float(str(raw).strip()) if not isinstance(raw, (int, float)) or isinstance(raw, bool) else float(raw)
            if not f.is_integer():
                raise ValueError
            id_ = int(f)
        except (TypeError, ValueError):
            self.error(sheet, r.n, col, FieldError(col, "xl.import.error.bad_id", {"value": str(raw)[:40]}))
            return False
        if id_ not in existing:
            self.error(sheet, r.n, col, FieldError(col, "xl.import.error.unknown_id",
                                                   {"id": id_, "entity_key": f"xl.entity.{table}"}))
            return False
        if id_ in seen and seen[id_] != r.n:
            self.error(sheet, r.n, col, FieldError(col, "xl.import.error.duplicate_id",
                                                   {"id": id_, "first": seen[id_]}))
            return False
        seen[id_] = r.n
        return id_

    def resolve(self, sheet: _Sheet, r: _Row, col: str, candidates: dict[int, str], entity: str,
                exclude: Callable[[int], bool] | None = None) -> int | None | bool:
        """The id of the one candidate whose text is the cell's text (None: blank; False: error).
        The candidates are indexed once per dict (3,000 KRs × 1,000 alignments must not be a scan)."""
        raw = r.cells.get(col)
        if _blank(raw):
            return None
        cached = self._indexes.get(id(candidates))
        if cached is None or cached[0] is not candidates:
            index: dict[str, list[int]] = {}
            for i, text in candidates.items():
                if text is not None:
                    index.setdefault(_norm(text), []).append(i)
            self._indexes[id(candidates)] = cached = (candidates, index)
        hits = [i for i in cached[1].get(_norm(raw), []) if exclude is None or not exclude(i)]
        if len(hits) == 1:
            return hits[0]
        key = "xl.import.error.no_match" if not hits else "xl.import.error.ambiguous"
        self.error(sheet, r.n, col, FieldError(col, key, {"value": str(raw)[:60], "entity_key": f"xl.entity.{entity}",
                                                          "count": len(hits)}))
        return False

    def group(self, sheet: _Sheet, head_cols: tuple[str, ...], head_id: str, existing: dict[int, Any],
              table: str) -> list[tuple[int | None, list[_Row]]]:
        """Rows grouped by the parent they describe: by its id, or (no id) by the parent's cells.
        Rows of one id should agree on every parent cell. When they do not, the rows that still
        read as the workspace has it are the untouched copies and the others the edit: an owner
        changed on one of an objective's three KR rows is taken. Edits that disagree are an error."""
        groups: dict[Any, tuple[int | None, list[_Row]]] = {}
        split: set[Any] = set()
        last: Any = None
        for r in sheet.rows:
            id_ = self.ident(sheet, r, head_id, existing, table, {}) if head_id in sheet.cols else None
            if id_ is False:
                continue
            cells = tuple(_norm(r.cells.get(c)) if not _blank(r.cells.get(c)) else "" for c in head_cols)
            if id_ is None and not any(cells):
                # no parent written on this row: by hand, people write an objective (a plan, a risk)
                # once and its KRs (items, plans B and C) on the rows below it
                if last is not None:
                    groups[last][1].append(r)
                else:
                    self.error(sheet, r.n, head_cols[0] if head_cols else None,
                               FieldError(head_cols[0] if head_cols else "row", "xl.import.error.no_parent", {}))
                continue
            key = ("id", id_) if id_ is not None else ("cells", cells)
            last = key
            if key in groups:
                if self._head(groups[key][1][0], head_cols) != cells:
                    split.add(key)
                groups[key][1].append(r)
            else:
                groups[key] = (id_, [r])
        for key in split:
            id_, rows = groups[key]
            shown = self._as_exported(sheet, head_id).get(id_)
            edited = [r for r in rows if shown is None or not self._reads_as(sheet, r, head_cols, shown)]
            variants = {self._head(r, head_cols) for r in edited}
            if len(variants) <= 1:
                if edited:
                    rows[:] = edited[:1] + [r for r in rows if r is not edited[0]]   # the edit leads
                continue   # (none edited: the rows only write the same thing differently)
            base = edited[0]
            for r in edited[1:]:
                c = next((c for j, c in enumerate(head_cols) if self._head(r, head_cols)[j]
                          != self._head(base, head_cols)[j]), head_cols[0])
                if self._head(r, head_cols) != self._head(base, head_cols):
                    self.error(sheet, r.n, c, FieldError(c, "xl.import.error.inconsistent", {"first": base.n}))
        return list(groups.values())

    @staticmethod
    def _head(r: _Row, head_cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_norm(r.cells.get(c)) if not _blank(r.cells.get(c)) else "" for c in head_cols)

    def _as_exported(self, sheet: _Sheet, head_id: str) -> dict[int, dict[str, Any]]:
        """The sheet's rows as an export of the workspace writes them now, by parent id (made once)."""
        cache = self._exported
        if sheet.key not in cache:
            from strategy_core.exchange.excel import export as X
            ctx = X.Context(self.store, self.wid, self.ws, self.lang_of(sheet),
                         tracking.today_in(self.year, self.today))
            rows: dict[int, dict[str, Any]] = {}
            for row in X.ROWS[sheet.key](ctx):
                if row.get(head_id) is not None:
                    rows.setdefault(row[head_id], row)
            cache[sheet.key] = rows
        return cache[sheet.key]

    def _reads_as(self, sheet: _Sheet, r: _Row, head_cols: tuple[str, ...], shown: dict[str, Any]) -> bool:
        """Whether the row's parent cells say what the export wrote (words in either language, numbers
        and dates typed as text)."""
        for c in head_cols:
            cell, value = r.cells.get(c), shown.get(c)
            if _blank(cell) and _blank(value):
                continue
            if _blank(cell) or _blank(value):
                return False
            if isinstance(value, str):
                col = _col(sheet.key, c)
                words = {_norm(value)}
                if value in col.choices or value.startswith("status."):
                    words = {_norm(t(value, lang)) for lang in LANGS}
                elif c in ("comparator", "trigger_comparator"):
                    words = {_norm(value), _norm(bsc.COMPARATOR_SYMBOL.get(value, value))}
                if _norm(cell) not in words:
                    return False
            elif isinstance(value, (dt.date, dt.datetime)):
                try:
                    if F.date(c, cell) != (value.date() if isinstance(value, dt.datetime) else value):
                        return False
                except ValidationError:
                    return False
            else:
                try:
                    if not _same(F.number(c, cell), value):
                        return False
                except ValidationError:
                    return False
        return True

    def ids_complete(self, sheet: _Sheet, child_id: str, parent_id: str) -> bool:
        """A child's ID means something only under its parent's ID: with the parent's ID column
        deleted and the child's kept, say which column is missing (once) instead of a message per row."""
        if parent_id in sheet.cols or child_id not in sheet.cols or \
                all(_blank(r.cells.get(child_id)) for r in sheet.rows):
            return True
        self.plan.errors.append(FieldError(parent_id, "xl.import.error.parent_id_missing", {
            "sheet": sheet.name, "column_key": _col(sheet.key, parent_id).label,
            "child_key": _col(sheet.key, child_id).label}))
        return False

    def values(self, r: _Row, mapping: dict[str, str], sheet: _Sheet) -> dict[str, Any]:
        """Raw cells for a cleaner: column key → field name, only the columns the sheet has."""
        return {f: r.cells.get(col) for col, f in mapping.items() if col in sheet.cols}

    def covered(self, sheet: _Sheet, mapping: dict[str, str]) -> dict[str, str]:
        """field → column label key, for the fields this sheet has a column for."""
        return {f: _col(sheet.key, col).label for col, f in mapping.items() if col in sheet.cols}

    def kr_texts(self) -> dict[int, str]:
        return {i: k.get("statement") for i, k in self.krs.items()}

    def indicator_texts(self) -> dict[int, str]:
        """Indicators by name — retired ones too: readings, reviews and risks still name them."""
        return {**{i: x.get("name") for i, x in self.retired.items()},
                **{i: x.get("name") for i, x in self.indicators.items()}}

    def lang_of(self, sheet: _Sheet) -> str:
        return "zh" if re.search(r"[\u4e00-\u9fff]", sheet.name) else "en"

    # -- OKR ---------------------------------------------------------------------------------------
    O_COLS = {"level": "level", "title": "title", "o_owner": "owner", "o_team": "team",
              "period_start": "period_start", "period_end": "period_end", "perspective": "perspective"}
    K_COLS = {"statement": "statement", "metric": "metric", "unit": "unit", "baseline": "baseline",
              "target": "target", "direction": "direction", "band_low": "band_low", "band_high": "band_high",
              "deadline": "deadline", "owner": "owner", "team": "team",
              "decomposition_logic": "decomposition_logic", "data_support": "data_support",
              "execution_steps": "execution_steps", "data_source": "data_source", "alert_value": "alert_value",
              "resources_money": "resources_money", "resources_people": "resources_people",
              "resources_things": "resources_things", "risk_plan": "risk_plan", "committed": "committed",
              "weight": "weight"}

    def sheet_okr(self, sheet: _Sheet) -> None:
        lang = self.lang_of(sheet)
        errors_before = len(self.plan.errors)
        old_o = {o["id"]: o for o in self.store.rows("objective", self.wid)}
        old_k = {k["id"]: k for k in self.store.rows("key_result", self.wid)}
        groups = self.group(sheet, tuple(c for c in (*self.O_COLS, "aligns_to") if c in sheet.cols), "o_id",
                            old_o, "objective")
        full_o = any(id_ is not None for id_, _ in groups)
        full_k = "kr_id" in sheet.cols and any(not _blank(r.cells.get("kr_id")) for r in sheet.rows)
        seen_k: dict[int, int] = {}
        # pass 1: ids, raw values, and the KRs as they will be (for alignment by statement)
        objs: list[tuple[int, bool, _Row, dict]] = []        # (id, is_new, first row, raw)
        krs: list[tuple[int, bool, _Row, dict, int]] = []    # (id, is_new, row, raw, objective id)
        kept_o: set[int] = set()
        for id_, rows in groups:
            oid = id_ if id_ is not None else self.temp_id()
            kept_o.add(oid)
            first = rows[0]
            raw = self.values(first, self.O_COLS, sheet)
            if "level" in sheet.cols:
                raw["level"] = self.choice_col(sheet, first, "level", lang)
            if "perspective" in sheet.cols:
                raw["perspective"] = self.choice_col(sheet, first, "perspective", lang)
            objs.append((oid, id_ is None, first, raw))
            for r in rows:
                has_kr = any(not _blank(r.cells.get(c)) for c in (*self.K_COLS, "kr_id") if c in sheet.cols)
                if not has_kr:
                    continue
                kid = self.ident(sheet, r, "kr_id", old_k, "key_result", seen_k) if "kr_id" in sheet.cols else None
                if kid is False:
                    continue
                kraw = self.values(r, self.K_COLS, sheet)
                if "direction" in sheet.cols:
                    kraw["direction"] = self.choice_col(sheet, r, "direction", lang)
                if "committed" in sheet.cols and not _blank(r.cells.get("committed")):
                    kraw["committed"] = self.choice(sheet, r, "committed", _COMMITTED,
                                                    [t(k, lang) for k in ("okr.committed.yes", "okr.committed.no")])
                krs.append((kid if kid is not None else self.temp_id(), kid is None, r, kraw, oid))
        removed_o = [o for i, o in old_o.items() if full_o and i not in kept_o]
        gone = {o["id"] for o in removed_o}
        kept_k = {k[0] for k in krs}
        removed_k = [k for i, k in old_k.items() if i not in kept_k and (full_k or k["objective_id"] in gone)]
        if len(self.plan.errors) == errors_before:    # (an ID error would make every reference to it fail too)
            for k in removed_k:
                self.krs.pop(k["id"], None)
            for o in removed_o:
                self.objectives.pop(o["id"], None)
        for kid, _, r, kraw, oid in krs:
            self.krs[kid] = {**self.krs.get(kid, {}), "id": kid, "objective_id": oid}
            if not _blank(kraw.get("statement")):
                self.krs[kid]["statement"] = str(kraw["statement"]).strip()
        # pass 2: objectives (alignment resolved against the KRs as they will be)
        statements = self.kr_texts()
        o_labels = {**self.covered(sheet, self.O_COLS)}
        if "aligns_to" in sheet.cols:
            o_labels["aligns_to"] = _col("okr", "aligns_to").label
        for oid, is_new, first, raw in objs:
            data = {**(old_o.get(oid) or {}), **raw}
            if "aligns_to" in sheet.cols:
                target = self.resolve(sheet, first, "aligns_to", statements, "key_result",
                                      exclude=lambda i: self.krs[i].get("objective_id") == oid)
                if target is False:
                    continue
                data["aligns_to"] = target
            self.objectives[oid] = {**self.objectives.get(oid, {}), "id": oid, "level": data.get("level"),
                                    "aligns_to": data.get("aligns_to")}
            try:    # (the maps as they are now: this row's alignment is checked against the rows above it)
                clean = okr.clean_objective(data, year=self.year, objective_id=oid, objectives=self.objectives,
                                            krs=self.krs)
            except ValidationError as e:
                self.errors_from(sheet, first.n, e, {v: k for k, v in self.O_COLS.items()} | {"aligns_to": "aligns_to"})
                continue
            self.objectives[oid].update(clean)
            if is_new:
                clean.update(workspace_id=self.wid, position=self._next("objective"))
            self.change(sheet, "objective", oid, clean["title"], first.n, clean, None if is_new else old_o[oid],
                        o_labels)
        # pass 3: KRs
        k_labels = self.covered(sheet, self.K_COLS)
        for kid, is_new, r, kraw, oid in krs:
            base = old_k.get(kid) or {}
            if is_new:
                o = self.objectives.get(oid, {})
                base = {"owner": o.get("owner"), "team": o.get("team")}
                kraw = {k: v for k, v in kraw.items() if not (k in ("owner", "team") and _blank(v))}
            data = {**base, **kraw}
            if not is_new and ("baseline" in kraw or "target" in kraw) and _blank(kraw.get("direction")) \
                    and base.get("direction") in ("up", "down"):
                data["direction"] = None
            try:
                clean = okr.clean_key_result(data, year=self.year)
            except ValidationError as e:
                self.errors_from(sheet, r.n, e, {v: k for k, v in self.K_COLS.items()})
                continue
            clean["objective_id"] = oid
            self.krs[kid].update(clean)
            if is_new:
                clean.update(workspace_id=self.wid, position=self._next("key_result"))
            self.change(sheet, "key_result", kid, clean["statement"], r.n, clean, None if is_new else old_k[kid],
                        {**k_labels, "objective_id": "xl.col.objective_id"})
        for o in removed_o:
            self.remove("okr", "objective", o, o["title"])
        for k in removed_k:
            self.remove("okr", "key_result", k, k["statement"])
        if not full_o:
            self.plan.notes.append(FieldError("okr", "xl.import.note.adds_only", {"sheet": sheet.name}))

    def _next(self, table: str) -> int:
        if table not in self._positions:
            rows = self.store.rows(table, self.wid)
            self._positions[table] = max((r.get("position") or 0 for r in rows), default=-1) + 1
        self._positions[table] += 1
        return self._positions[table] - 1

    # -- scorecard ---------------------------------------------------------------------------------
    I_COLS = {"perspective": "perspective", "name": "name", "unit": "unit", "comparator": "comparator",
              "target": "target", "band": "band", "frequency": "frequency", "owner": "owner",
              "data_source": "data_source"}

    def sheet_scorecard(self, sheet: _Sheet) -> None:
        lang = self.lang_of(sheet)
        old = {i["id"]: i for i in bsc.list_indicators(self.store, self.wid)}
        links = [lk for lk in self.store.rows("indicator_kr", self.wid)]
        smap = self.store.rows("strategy_link", self.wid)
        readings = self.store.rows("reading", self.wid)
        full = "id" in sheet.cols and any(not _blank(r.cells.get("id")) for r in sheet.rows)
        seen: dict[int, int] = {}
        kept: set[int] = set()
        labels = self.covered(sheet, self.I_COLS)
        perspectives = bsc.perspectives_of(self.ws)
        statements = self.kr_texts()
        for r in sheet.rows:
            if not any(not _blank(r.cells.get(c)) for c in (*self.I_COLS, "id") if c in sheet.cols):
                continue
            iid = self.ident(sheet, r, "id", old, "indicator", seen) if "id" in sheet.cols else None
            if iid is False:
                continue
            is_new = iid is None
            iid = iid if iid is not None else self.temp_id()
            kept.add(iid)
            raw = self.values(r, self.I_COLS, sheet)
            for c in ("perspective", "frequency"):
                if c in sheet.cols:
                    raw[c] = self.choice_col(sheet, r, c, lang)
            if "comparator" in sheet.cols:
                raw["comparator"] = self.choice(sheet, r, "comparator", _COMPARATORS,
                                                list(bsc.COMPARATOR_SYMBOL.values()))
            try:
                clean = bsc.clean_indicator({**(old.get(iid) or {}), **raw}, perspectives=perspectives)
            except ValidationError as e:
                self.errors_from(sheet, r.n, e, {v: k for k, v in self.I_COLS.items()})
                continue
            self.indicators[iid] = {**self.indicators.get(iid, {}), **clean, "id": iid}
            if is_new:
                clean.update(workspace_id=self.wid, position=self._next("indicator"))
            self.change(sheet, "indicator", iid, clean["name"], r.n, clean, None if is_new else old[iid], labels)
            if "krs" in sheet.cols:
                want: set[int] = set()
                for line in str(r.cells.get("krs") or "").split("\n"):
                    if line.strip():
                        hit = self.resolve(sheet, _Row(r.n, {"krs": line}), "krs", statements, "key_result")
                        if hit is not None and hit is not False:
                            want.add(hit)
                have = {lk["key_result_id"]: lk for lk in links        # (a link to a deleted KR is not shown)
                        if lk["indicator_id"] == iid and lk["key_result_id"] in statements}
                for kid in sorted(want - set(have)):
                    self.plan.changes.append(Change("add", "scorecard", "indicator_kr", self.temp_id(),
                                                    f"{clean['name']} ↔ {statements.get(kid)}", r.n,
                                                    {"workspace_id": self.wid, "indicator_id": iid,
                                                     "key_result_id": kid}))
                for kid in sorted(set(have) - want):
                    self.remove("scorecard", "indicator_kr", have[kid], f"{clean['name']} ↔ {statements.get(kid)}")
        if full:
            for iid, i in old.items():
                if iid not in kept:
                    self.indicators.pop(iid, None)
                    self.remove("scorecard", "indicator", i, i["name"])
                    # what deleting it on the scorecard page takes along: KR links, map links, readings
                    for lk in links:
                        if lk["indicator_id"] == iid:
                            self.remove("scorecard", "indicator_kr", lk, i["name"])
                    for lk in smap:
                        if ("indicator", iid) in ((lk["cause_kind"], lk["cause_id"]), (lk["effect_kind"], lk["effect_id"])):
                            self.remove("scorecard", "strategy_link", lk, i["name"])
                    for rd in readings:
                        if rd["indicator_id"] == iid:
                            self.remove("scorecard", "reading", rd, f"{i['name']} · {rd['date']}")
        else:
            self.plan.notes.append(FieldError("scorecard", "xl.import.note.adds_only", {"sheet": sheet.name}))

    # -- onion -------------------------------------------------------------------------------------
    N_COLS = {"name": "name", "kind": "kind", "share": "share", "units": "units", "unit_price": "unit_price",
              "note": "note"}

    def sheet_onion(self, sheet: _Sheet) -> None:
        lang = self.lang_of(sheet)
        old = {n["id"]: n for n in onion.list_nodes(self.store, self.wid)}
        full = "id" in sheet.cols and any(not _blank(r.cells.get("id")) for r in sheet.rows)
        seen: dict[int, int] = {}
        entries: list[tuple[int, bool, _Row, dict]] = []
        for r in sheet.rows:
            if _blank(r.cells.get("name")) and _blank(r.cells.get("id")):
                continue      # a consistency finding without a line of its own
            nid = self.ident(sheet, r, "id", old, "onion_node", seen) if "id" in sheet.cols else None
            if nid is False:
                continue
            entries.append((nid if nid is not None else self.temp_id(), nid is None, r, {}))
        # parents: an id, or the name of a line (in this sheet, else in the workspace)
        names: dict[int, str] = {nid: r.cells.get("name") for nid, _, r, _ in entries}
        if not full:
            names.update({i: n["name"] for i, n in old.items() if i not in names})
        parent_of: dict[int, int | None] = {}
        for nid, is_new, r, _ in entries:
            raw = r.cells.get("parent") if "parent" in sheet.cols else (None if is_new else old[nid]["parent_id"])
            if _blank(raw):
                parent_of[nid] = None
                continue
            pid: Any = None
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) or str(raw).strip().isdigit():
                if not float(raw).is_integer():
                    self.error(sheet, r.n, "parent", FieldError("parent", "xl.import.error.bad_id", {"value": str(raw)}))
                    continue
                pid = int(float(raw))
                if pid not in names:
                    self.error(sheet, r.n, "parent", FieldError("parent", "xl.import.error.unknown_id",
                                                                {"id": pid, "entity_key": "xl.entity.onion_node"}))
                    continue
            else:
                pid = self.resolve(sheet, r, "parent", names, "onion_node")
                if pid is False:
                    continue
            if pid == nid:
                self.error(sheet, r.n, "parent", FieldError("parent", "xl.import.error.own_parent", {}))
                continue
            parent_of[nid] = pid
        if not full:
            parent_of.update({i: n["parent_id"] for i, n in old.items() if i not in parent_of})
        roots = [nid for nid, p in parent_of.items() if p is None]
        rows_of = {nid: r for nid, _, r, _ in entries}
        if len(roots) > 1:
            for extra in roots[1:]:
                if extra in rows_of:
                    self.error(sheet, rows_of[extra].n, "parent" if "parent" in sheet.cols else None,
                               FieldError("parent", "onion.error.root_exists", {}))
        for nid in parent_of:                      # a loop of parents has no root above it
            chain, cur = set(), nid
            while cur is not None and cur not in chain:
                chain.add(cur)
                cur = parent_of.get(cur)
            if cur is not None and nid in rows_of:
                self.error(sheet, rows_of[nid].n, "parent", FieldError("parent", "xl.import.error.parent_loop", {}))
                break
        labels = self.covered(sheet, self.N_COLS)
        if "value" in sheet.cols or "annual" in sheet.cols:
            labels["amount"] = _col("onion", "annual" if "annual" in sheet.cols else "value").label
        if "key_result" in sheet.cols:
            labels["key_result_id"] = _col("onion", "key_result").label
        if "parent" in sheet.cols:
            labels["parent_id"] = _col("onion", "parent").label
        statements = self.kr_texts()
        for nid, is_new, r, _ in entries:
            is_root = parent_of.get(nid) is None
            raw = self.values(r, self.N_COLS, sheet)
            if "kind" in sheet.cols:
                raw["kind"] = self.choice_col(sheet, r, "kind", lang)
            kind = raw.get("kind") if "kind" in raw else (old.get(nid) or {}).get("kind")
            if kind == "amount":
                src = "annual" if is_root else "value"
                if src in sheet.cols:
                    raw["amount"] = r.cells.get(src)
            if "key_result" in sheet.cols:
                kr = self.resolve(sheet, r, "key_result", statements, "key_result")
                if kr is False:
                    continue
                raw["key_result_id"] = kr
            data = {**(old.get(nid) or {}), **raw}
            try:
                clean = onion.clean_node(data, is_root=is_root, key_result_ids=set(self.krs))
            except ValidationError as e:
                self.errors_from(sheet, r.n, e, {**{v: k for k, v in self.N_COLS.items()},
                                                 "amount": "annual" if is_root else "value",
                                                 "key_result_id": "key_result"})
                continue
            clean["parent_id"] = parent_of.get(nid)
            if is_new:
                clean.update(workspace_id=self.wid, position=self._next("onion_node"))
            self.change(sheet, "onion_node", nid, clean["name"], r.n, clean, None if is_new else old[nid], labels)
        if full:
            kept = {nid for nid, _, _, _ in entries}
            for nid, n in old.items():
                if nid not in kept:
                    self.remove("onion", "onion_node", n, n["name"])
        else:
            self.plan.notes.append(FieldError("onion", "xl.import.note.adds_only", {"sheet": sheet.name}))

    # -- weekly plans ------------------------------------------------------------------------------
    P_COLS = {"person": "person", "week_start": "week_start", "confidence": "confidence",
              "last_week_result": "last_week_result", "help_needed": "help_needed"}
    IT_COLS = {"item": "text", "key_result": "key_result_id", "kr_value": "kr_value", "done": "done"}

    def sheet_weekly(self, sheet: _Sheet) -> None:
        if not self.ids_complete(sheet, "item_id", "plan_id"):
            return
        lang = self.lang_of(sheet)
        old = {p["id"]: p for p in weekly.list_plans(self.store, self.wid)}
        old_items = {i["id"]: i for i in self.store.rows("plan_item", self.wid)}
        check_ins = {c["id"]: c for c in self.store.rows("check_in", self.wid)}
        groups = self.group(sheet, tuple(c for c in self.P_COLS if c in sheet.cols), "plan_id", old, "weekly_plan")
        full = any(id_ is not None for id_, _ in groups)
        full_items = "item_id" in sheet.cols and any(not _blank(r.cells.get("item_id")) for r in sheet.rows)
        labels = self.covered(sheet, self.P_COLS)
        i_labels = self.covered(sheet, self.IT_COLS)
        statements = self.kr_texts()
        kept: set[int] = set()
        keys: dict[tuple[str, dt.date], int] = {}
        taken = {(weekly.person_key(p["person"]), p["week_start"]): i for i, p in old.items()}
        listed = {id_ for id_, _ in groups if id_ is not None}
        seen_items: dict[int, int] = {}
        for id_, rows in groups:
            first = rows[0]
            pid = id_ if id_ is not None else self.temp_id()
            kept.add(pid)
            try:
                clean = weekly.clean_plan({**(old.get(id_) or {}), **self.values(first, self.P_COLS, sheet)},
                                          year=self.year)
            except ValidationError as e:
                self.errors_from(sheet, first.n, e, {v: k for k, v in self.P_COLS.items()})
                continue
            key = (weekly.person_key(clean["person"]), clean["week_start"])
            if key in keys:
                self.error(sheet, first.n, "week_start", FieldError("week_start", "xl.import.error.duplicate_plan",
                                                                    {"first": keys[key]}))
                continue
            keys[key] = first.n
            other = taken.get(key)
            if other is not None and other != id_ and not (full and other not in listed):
                self.error(sheet, first.n, "week_start", FieldError("week_start", "weekly.error.duplicate", {
                    "person": clean["person"], "week": clean["week_start"].isoformat()}))
                continue
            if id_ is not None and (weekly.person_key(old[id_]["person"]), old[id_]["week_start"]) != key:
                # its check-ins are dated in that week: a plan for another person or week is a new row
                col = "week_start" if old[id_]["week_start"] != clean["week_start"] else "person"
                self.error(sheet, first.n, col, FieldError(col, "xl.import.error.plan_identity", {}))
                continue
            if id_ is None:
                clean.update(workspace_id=self.wid)
            self.change(sheet, "weekly_plan", pid, f"{clean['person']} · {clean['week_start']}", first.n, clean,
                        old.get(id_), labels)
            mine_old = [i for i in old_items.values() if i["weekly_plan_id"] == id_] if id_ is not None else []
            items: list[dict] = []
            item_changes = False
            ok = True
            for r in rows:
                if not any(not _blank(r.cells.get(c)) for c in (*self.IT_COLS, "item_id") if c in sheet.cols):
                    continue
                iid = self.ident(sheet, r, "item_id", {i["id"]: i for i in mine_old}, "plan_item", seen_items) \
                    if "item_id" in sheet.cols else None
                if iid is False:
                    ok = False
                    continue
                # compared as the sheet shows it: the KR value of its check-in (corrected on the check-ins page)
                base = weekly.shown_items(old_items[iid], check_ins) if iid else {}
                raw = {"id": iid, **{f: base.get(f) for f in ("text", "key_result_id", "kr_value", "done")},
                       **self.values(r, self.IT_COLS, sheet)}
                if iid and base.get("key_result_id") is not None and base["key_result_id"] not in self.krs \
                        and _blank(r.cells.get("key_result")):
                    # its KR was deleted in the workbench (the export leaves the KR empty): the KR and its
                    # value stay as they are; only the text and the tick can change
                    try:
                        text = F.text("item_text", raw.get("text"), required=True, max_len=weekly.ITEM_TEXT_MAX)
                    except ValidationError as e:
                        self.errors_from(sheet, r.n, e, {"item_text": "item"})
                        ok = False
                        continue
                    done = bool(self.choice(sheet, r, "done", _YES_NO, [t("xl.yes", lang), t("xl.no", lang)])) \
                        if "done" in sheet.cols else bool(base.get("done"))
                    item = {"id": iid, "text": text, "key_result_id": base["key_result_id"],
                            "kr_value": base.get("kr_value"), "done": done}
                    items.append(item)
                    c = self.change(sheet, "plan_item", iid, text, r.n, {"text": text, "done": done}, base,
                                    {k: v for k, v in i_labels.items() if k in ("text", "done")}, via_hook=True)
                    item_changes = item_changes or c is not None
                    continue
                if "key_result" in sheet.cols:
                    kr = self.resolve(sheet, r, "key_result", statements, "key_result")
                    if kr is False:
                        ok = False
                        continue
                    raw["key_result_id"] = kr
                if "done" in sheet.cols:
                    raw["done"] = bool(self.choice(sheet, r, "done", _YES_NO, [t("xl.yes", lang), t("xl.no", lang)]))
                try:
                    (item,) = weekly.clean_items([raw], krs=self.krs, week_start=clean["week_start"],
                                                 item_ids={iid} if iid else set(), today=self.today)
                except ValidationError as e:
                    for fe in e.errors:
                        detail = fe.params.get("detail", fe)
                        col = {"item_text": "item", "key_result_id": "key_result", "kr_value": "kr_value"}.get(
                            getattr(detail, "field", ""), "item")
                        self.error(sheet, r.n, col, detail)
                    ok = False
                    continue
                items.append(item)
                c = self.change(sheet, "plan_item", iid if iid else self.temp_id(), item["text"], r.n,
                                {k: item[k] for k in ("text", "key_result_id", "kr_value", "done")},
                                base if iid else None, i_labels, via_hook=True)
                item_changes = item_changes or c is not None
            listed = {i["id"] for i in items if i["id"]}
            dropped = [i for i in mine_old if i["id"] not in listed]
            if not full_items:     # nothing names its items: the sheet only adds to them
                items = [{"id": i["id"], "text": i["text"], "key_result_id": i["key_result_id"],
                          "kr_value": i["kr_value"], "done": bool(i["done"])} for i in mine_old] + \
                        [i for i in items if not i["id"]]
                dropped = []
            for i in dropped:
                self.remove("weekly", "plan_item", i, i["text"], via_hook=True)
            confidence_moved = id_ is not None and not _same(old[id_].get("confidence"), clean.get("confidence"))
            if ok and (item_changes or dropped or (confidence_moved and mine_old)):   # the form copies it too
                self.plan.hooks.append(_WeeklyItems(self.ws, pid, clean, items, mine_old, check_ins, self.today))
        if full:
            for pid, p in old.items():
                if pid not in kept:
                    self.remove("weekly", "weekly_plan", p, f"{p['person']} · {p['week_start']}")
                    for i in old_items.values():
                        if i["weekly_plan_id"] == pid:
                            self.remove("weekly", "plan_item", i, i["text"])
                            if i.get("check_in_id") in check_ins:
                                self.remove("weekly", "check_in", check_ins[i["check_in_id"]], i["text"])
        else:
            self.plan.notes.append(FieldError("weekly", "xl.import.note.adds_only", {"sheet": sheet.name}))

    # -- daily data reports ------------------------------------------------------------------------
    D_COLS = {"day": "day", "owner": "owner", "note": "note"}
    R_COLS = {"value": "value", "comment": "comment"}

    def sheet_daily(self, sheet: _Sheet) -> None:
        if not self.ids_complete(sheet, "reading_id", "report_id"):
            return
        old = {p["id"]: p for p in daily.list_reports(self.store, self.wid)}
        old_r = {r["id"]: r for r in self.store.rows("reading", self.wid) if r.get("daily_report_id") is not None}
        groups = self.group(sheet, tuple(c for c in self.D_COLS if c in sheet.cols), "report_id", old,
                            "daily_report")
        full = any(id_ is not None for id_, _ in groups)
        full_r = "reading_id" in sheet.cols and any(not _blank(r.cells.get("reading_id")) for r in sheet.rows)
        labels = self.covered(sheet, self.D_COLS)
        r_labels = {**self.covered(sheet, self.R_COLS), "date": "field.day"}
        if "indicator" in sheet.cols:
            r_labels["indicator_id"] = _col("daily", "indicator").label
        names = self.indicator_texts()
        kept: set[int] = set()
        kept_r: set[int] = set()
        keys: dict[tuple, int] = {}
        seen_r: dict[int, int] = {}
        taken = {(p["day"], daily.person_key(p.get("owner"))): i for i, p in old.items()}
        listed = {id_ for id_, _ in groups if id_ is not None}
        for id_, rows in groups:
            first = rows[0]
            rid = id_ if id_ is not None else self.temp_id()
            kept.add(rid)
            try:
                clean = daily.clean_report({**(old.get(id_) or {}), **self.values(first, self.D_COLS, sheet)},
                                            year=self.year, today=self.today)
            except ValidationError as e:
                self.errors_from(sheet, first.n, e, {v: k for k, v in self.D_COLS.items()})
                continue
            key = (clean["day"], daily.person_key(clean["owner"]))
            if key in keys:
                self.error(sheet, first.n, "day", FieldError("day", "xl.import.error.duplicate_report",
                                                             {"first": keys[key]}))
                continue
            keys[key] = first.n
            other = taken.get(key)
            if other is not None and other != id_ and not (full and other not in listed):
                owner = old[other].get("owner")
                self.error(sheet, first.n, "day", FieldError("day", "daily.error.duplicate_owner" if owner else
                                                             "daily.error.duplicate",
                                                             {"day": clean["day"].isoformat(), "owner": owner}))
                continue
            if id_ is None:
                clean.update(workspace_id=self.wid)
            self.change(sheet, "daily_report", rid, f"{clean['day']} · {clean.get('owner') or ''}".strip(" ·"),
                        first.n, clean, old.get(id_), labels)
            seen_ind: dict[int, int] = {}
            for r in rows:
                if not any(not _blank(r.cells.get(c)) for c in ("indicator", "value", "comment", "reading_id")
                           if c in sheet.cols):
                    continue
                mine = {i: x for i, x in old_r.items() if x["daily_report_id"] == id_}
                gid = self.ident(sheet, r, "reading_id", mine, "reading", seen_r) if "reading_id" in sheet.cols else None
                if gid is False:
                    continue
                base = old_r.get(gid) or {}
                ind_id = self.resolve(sheet, r, "indicator", names, "indicator") if "indicator" in sheet.cols \
                    else base.get("indicator_id")
                if ind_id is False:
                    continue
                if ind_id is None:
                    self.error(sheet, r.n, "indicator", FieldError("indicator", "error.required", {}))
                    continue
                if ind_id in seen_ind:
                    self.error(sheet, r.n, "indicator", FieldError("indicator", "xl.import.error.duplicate_reading",
                                                                   {"first": seen_ind[ind_id]}))
                    continue
                seen_ind[ind_id] = r.n
                try:
                    rc = tracking.clean_reading({**base, **self.values(r, self.R_COLS, sheet), "date": clean["day"]},
                                                indicator=self.indicators.get(ind_id) or self.retired.get(ind_id, {}),
                                                year=self.year)
                except ValidationError as e:
                    self.errors_from(sheet, r.n, e, {"value": "value", "comment": "comment", "date": "day"})
                    continue
                rc["indicator_id"] = ind_id
                if gid is None:
                    rc.update(workspace_id=self.wid, daily_report_id=rid)
                else:
                    kept_r.add(gid)
                self.change(sheet, "reading", gid if gid else self.temp_id(),
                            f"{clean['day']} · {names.get(ind_id)}", r.n, rc, base if gid else None, r_labels)
        removed = {i for i in old if full and i not in kept}
        for i in removed:
            self.remove("daily", "daily_report", old[i], f"{old[i]['day']} · {old[i].get('owner') or ''}".strip(" ·"))
        for g, x in old_r.items():
            if (full_r and g not in kept_r and x["daily_report_id"] in old) or x["daily_report_id"] in removed:
                self.remove("daily", "reading", x, f"{x['date']} · {names.get(x['indicator_id'])}")
        if not full:
            self.plan.notes.append(FieldError("daily", "xl.import.note.adds_only", {"sheet": sheet.name}))

    # -- reviews -----------------------------------------------------------------------------------
    V_COLS = {"kind": "kind", "period_start": "period_start", "period_end": "period_end", "held_on": "held_on",
              "attendees": "attendees", "summary": "summary"}
    FI_COLS = {"planned": "planned", "actual": "actual", "gap": "gap", "cause": "cause"}
    AD_COLS = {"what": "what", "owner": "owner", "due": "due", "response": "response"}

    def sheet_review(self, sheet: _Sheet) -> None:
        if not self.ids_complete(sheet, "entry_id", "review_id"):
            return
        lang = self.lang_of(sheet)
        old = {r["id"]: r for r in review.live_reviews(self.store, self.wid)}
        old_f = {f["id"]: f for f in self.store.rows("review_finding", self.wid)}
        old_a = {a["id"]: a for a in self.store.rows("adjustment", self.wid)}
        groups = self.group(sheet, tuple(c for c in self.V_COLS if c in sheet.cols), "review_id", old, "review")
        full = any(id_ is not None for id_, _ in groups)
        full_e = "entry_id" in sheet.cols and any(not _blank(r.cells.get("entry_id")) for r in sheet.rows)
        labels = self.covered(sheet, self.V_COLS)
        f_labels = {**self.covered(sheet, self.FI_COLS)}
        a_labels = {**self.covered(sheet, self.AD_COLS)}
        if "subject" in sheet.cols:
            f_labels["subject_id"] = a_labels["finding_id"] = _col("review", "subject").label
        if "adj_status" in sheet.cols:
            a_labels["status"] = _col("review", "adj_status").label
        if "gap_closed" in sheet.cols:
            a_labels["gap_closed"] = _col("review", "gap_closed").label
        texts = {"key_result": self.kr_texts(), "indicator": self.indicator_texts()}
        gone_words = {_norm(t("review.subject_gone", lg)) for lg in LANGS}
        taken = {(v["kind"], v["period_end"]): i for i, v in old.items()}
        listed = {id_ for id_, _ in groups if id_ is not None}
        keys: dict[tuple, int] = {}
        kept: set[int] = set()
        kept_e: set[int] = set()
        seen_f: dict[int, int] = {}
        seen_a: dict[int, int] = {}
        for id_, rows in groups:
            first = rows[0]
            vid = id_ if id_ is not None else self.temp_id()
            kept.add(vid)
            raw = {**(old.get(id_) or {}), **self.values(first, self.V_COLS, sheet)}
            if "kind" in sheet.cols:
                raw["kind"] = self.choice_col(sheet, first, "kind", lang)
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
                self.errors_from(sheet, first.n, e, {v: k for k, v in self.V_COLS.items()})
                continue
            clean = {"kind": kind, "period_start": start, "period_end": end, "held_on": held,
                     "attendees": c.values["attendees"], "summary": c.values.get("summary")}
            key = (kind, end)
            other = taken.get(key)
            if key in keys or (other is not None and other != id_ and not (full and other not in listed)):
                self.error(sheet, first.n, "period_end", FieldError("period_end", "review.error.duplicate", {
                    "period": review.period_label(kind, end)}))
                continue
            keys[key] = first.n
            if id_ is None:
                clean.update(workspace_id=self.wid)
            self.change(sheet, "review", vid, f"{t('review.kind.' + kind, lang)} · {end}", first.n, clean,
                        old.get(id_), labels)
            findings_here: dict[tuple[str, Any], int] = {
                (f["subject_kind"], f["subject_id"]): f["id"] for f in old_f.values() if f["review_id"] == id_}
            pos = max((f["position"] for f in old_f.values() if f["review_id"] == id_), default=-1) + 1
            pending_adj: list[tuple[_Row, dict, int | None]] = []
            for r in rows:
                if not any(not _blank(r.cells.get(k)) for k in (*self.FI_COLS, *self.AD_COLS, "entry", "entry_id")
                           if k in sheet.cols):
                    continue
                entry = self.choice_col(sheet, r, "entry", lang) if "entry" in sheet.cols else None
                if entry is None and ("entry" not in sheet.cols or _blank(r.cells.get("entry"))):
                    entry = self._entry_kind(r, old_f, old_a)    # left empty: what the row holds says it
                if entry is None:
                    self.error(sheet, r.n, "entry", FieldError("entry", "error.required", {}))
                    continue
                table = "review_finding" if entry == "finding" else "adjustment"
                mine = {i: x for i, x in (old_f if table == "review_finding" else old_a).items() if x["review_id"] == id_}
                eid = self.ident(sheet, r, "entry_id", mine, table, seen_f if table == "review_finding" else seen_a) \
                    if "entry_id" in sheet.cols else None
                if eid is False:
                    continue
                base = mine.get(eid) or {}
                # the subject: a KR or an indicator, found by its text
                skind = self.choice(sheet, r, "subject_kind", _words(("xl.kind.key_result", "xl.kind.indicator"),
                                                                      "xl.kind."),
                                    [t("xl.kind.key_result", lang), t("xl.kind.indicator", lang)]) \
                    if "subject_kind" in sheet.cols else base.get("subject_kind")
                sid: Any = base.get("subject_id") if table == "review_finding" else None
                if "subject" in sheet.cols and not _blank(r.cells.get("subject")):
                    if _norm(r.cells["subject"]) in gone_words:
                        sid = base.get("subject_id") if table == "review_finding" else None
                    elif skind in texts:
                        sid = self.resolve(sheet, r, "subject", texts[skind], skind)
                        if sid is False:
                            continue
                if eid:
                    kept_e.add(eid)
                if table == "review_finding":
                    fc = F.collect()
                    if skind not in texts:
                        fc.add("subject_kind", "error.required")
                    for col, f in self.FI_COLS.items():
                        if f == "cause":
                            fc(f, F.text, {**base, **self.values(r, self.FI_COLS, sheet)}.get(f), max_len=F.TEXT_MAX,
                               multiline=True)
                        elif f == "gap" or skind == "key_result":     # fractions, shown as % (0.5 = 50 %)
                            fc(f, _fraction, {**base, **self.values(r, self.FI_COLS, sheet)}.get(f))
                        else:
                            fc(f, F.number, {**base, **self.values(r, self.FI_COLS, sheet)}.get(f))
                    try:
                        fc.raise_if_any()
                    except ValidationError as e:
                        self.errors_from(sheet, r.n, e, {**{v: k for k, v in self.FI_COLS.items()},
                                                         "subject_kind": "subject_kind"})
                        continue
                    new = {"subject_kind": skind, "subject_id": sid, **{f: fc.values.get(f) for f in self.FI_COLS.values()}}
                    fid = eid if eid else self.temp_id()
                    findings_here[(skind, sid)] = fid
                    if not eid:
                        new.update(workspace_id=self.wid, review_id=vid, position=pos)
                        pos += 1
                    self.change(sheet, "review_finding", fid, show(texts.get(skind, {}).get(sid) or skind, lang), r.n,
                                new, base or None, f_labels)
                else:
                    pending_adj.append((r, {"eid": eid, "base": base, "skind": skind, "sid": sid}, eid))
            for r, a, eid in pending_adj:      # after the findings: an adjustment points at its finding
                base = a["base"]
                ac = F.collect()
                merged = {**base, **self.values(r, self.AD_COLS, sheet)}
                ac("what", F.text, merged.get("what"), required=True, max_len=F.TEXT_MAX, multiline=True)
                ac("owner", F.text, merged.get("owner"))
                ac("due", F.date, merged.get("due"))
                ac("response", F.text, merged.get("response"), max_len=F.TEXT_MAX, multiline=True)
                status = self.choice_col(sheet, r, "adj_status", lang) if "adj_status" in sheet.cols else base.get("status")
                closed = self.choice(sheet, r, "gap_closed", _YES_NO, [t("xl.yes", lang), t("xl.no", lang)]) \
                    if "gap_closed" in sheet.cols else base.get("gap_closed")
                try:
                    ac.raise_if_any()
                except ValidationError as e:
                    self.errors_from(sheet, r.n, e, {v: k for k, v in self.AD_COLS.items()})
                    continue
                finding = base.get("finding_id")
                old_subject = (old_f[finding]["subject_kind"], old_f[finding]["subject_id"]) if finding in old_f else None
                if a["sid"] is not None and (a["skind"], a["sid"]) != old_subject:
                    finding = findings_here.get((a["skind"], a["sid"]))
                new = {**{f: ac.values.get(f) for f in self.AD_COLS.values()}, "status": status or "open",
                       "gap_closed": closed, "finding_id": finding}
                if not eid:
                    new.update(workspace_id=self.wid, review_id=vid)
                self.change(sheet, "adjustment", eid if eid else self.temp_id(), new["what"], r.n, new, base or None,
                            a_labels)
        removed = {i for i in old if full and i not in kept}
        for i in removed:
            self.remove("review", "review", old[i], f"{t('review.kind.' + old[i]['kind'], lang)} · {old[i]['period_end']}")
        for table, rows_ in (("review_finding", old_f), ("adjustment", old_a)):
            for i, x in rows_.items():
                if x["review_id"] in removed or (full_e and x["review_id"] in old and i not in kept_e):
                    self.remove("review", table, x, x.get("what") or x.get("cause") or x.get("subject_kind"))
        # as deleting a review does: the answers it recorded to earlier adjustments are taken back
        answered = [a for a in old_a.values() if a.get("responded_in") in removed and a["review_id"] not in removed
                    and not any(c.table == "adjustment" and c.id == a["id"] for c in self.plan.changes)]
        for a in answered:
            self.plan.changes.append(Change("change", "review", "adjustment", a["id"], a["what"], None,
                                            {"response": None, "gap_closed": None, "responded_in": None},
                                            [Diff("field.response", a.get("response"), None)]))
        if not full:
            self.plan.notes.append(FieldError("review", "xl.import.note.adds_only", {"sheet": sheet.name}))

    def _entry_kind(self, r: _Row, findings: dict[int, Any], adjustments: dict[int, Any]) -> str | None:
        """finding or adjustment, for a review row whose Entry cell is empty: by its ID, else by
        which of the two kinds of columns it fills (None: it cannot be told)."""
        raw = r.cells.get("entry_id")
        try:
            eid = None if _blank(raw) else int(float(raw))
        except (TypeError, ValueError):
            eid = None
        if eid is not None and (eid in findings) != (eid in adjustments):
            return "finding" if eid in findings else "adjustment"
        has_adj = any(not _blank(r.cells.get(c)) for c in (*self.AD_COLS, "adj_status", "gap_closed"))
        has_fin = any(not _blank(r.cells.get(c)) for c in self.FI_COLS)
        return None if has_adj == has_fin else ("adjustment" if has_adj else "finding")

    # -- risks -------------------------------------------------------------------------------------
    RK_COLS = {"name": "name", "impact_share": "impact_share", "impact_text": "impact_text",
               "trigger_value": "trigger_value", "owner": "owner"}
    PL_COLS = {"strategy": "strategy", "cost": "cost", "expected_result": "expected_result",
               "expected_unit": "expected_unit", "channel": "channel"}

    def sheet_risk(self, sheet: _Sheet) -> None:
        if not self.ids_complete(sheet, "plan_id", "risk_id"):
            return
        lang = self.lang_of(sheet)
        old = {r["id"]: r for r in risk.list_risks(self.store, self.wid)}
        old_p = {p["id"]: p for p in risk.list_plans(self.store, self.wid)}
        head = tuple(c for c in (*self.RK_COLS, "level", "top", "trigger", "trigger_comparator") if c in sheet.cols)
        groups = self.group(sheet, head, "risk_id", old, "risk")
        full = any(id_ is not None for id_, _ in groups)
        full_p = "plan_id" in sheet.cols and any(not _blank(r.cells.get("plan_id")) for r in sheet.rows)
        labels = self.covered(sheet, self.RK_COLS)
        for c in ("level", "top", "trigger_comparator"):
            if c in sheet.cols:
                labels[c] = _col("risk", c).label
        if "trigger" in sheet.cols:
            labels["trigger_id"] = labels["trigger_kind"] = _col("risk", "trigger").label
        p_labels = {**self.covered(sheet, self.PL_COLS)}
        if "label" in sheet.cols:
            p_labels["label"] = _col("risk", "label").label
        targets = risk.trigger_targets(list(self.indicators.values()), list(self.krs.values()))
        texts = {k: (v.get("statement") if k[0] == "key_result" else v.get("name")) for k, v in targets.items()}
        texts.update({("indicator", i): x.get("name") for i, x in self.retired.items()})
        by_number = dict(enumerate(texts.values()))
        gone_words = {_norm(t("review.subject_gone", lg)) for lg in LANGS}
        kept: set[int] = set()
        kept_p: set[int] = set()
        seen_p: dict[int, int] = {}
        cleaned: list[tuple[int, _Row, dict, list[_Row], int | None]] = []
        for id_, rows in groups:
            first = rows[0]
            vid = id_ if id_ is not None else self.temp_id()
            kept.add(vid)
            raw = {**(old.get(id_) or {}), **self.values(first, self.RK_COLS, sheet)}
            if "level" in sheet.cols:
                raw["level"] = self.choice_col(sheet, first, "level", lang)
            if "top" in sheet.cols:
                raw["top"] = bool(self.choice(sheet, first, "top", _YES_NO, [t("xl.yes", lang), t("xl.no", lang)]))
            if "trigger_comparator" in sheet.cols:
                raw["trigger_comparator"] = self.choice(sheet, first, "trigger_comparator", _COMPARATORS,
                                                        list(bsc.COMPARATOR_SYMBOL.values()))
            was = (old[id_]["trigger_kind"], old[id_]["trigger_id"]) if id_ is not None and \
                old[id_].get("trigger_kind") else None
            if "trigger" in sheet.cols:
                cell = first.cells.get("trigger")
                if was is not None and not _blank(cell) and _norm(cell) in gone_words:
                    raw["trigger"] = was      # "(deleted)": the export's word for a KR deleted since; kept
                else:
                    hit = self.resolve(sheet, first, "trigger", by_number, "trigger")
                    if hit is False:
                        continue
                    raw["trigger"] = list(texts)[hit] if hit is not None else None
            cleaned.append((vid, first, raw, rows, id_))
        tops = {vid: raw.get("name") for vid, _, raw, _, _ in cleaned if raw.get("top")}
        if not full:
            tops.update({i: r["name"] for i, r in old.items() if r["top"] and i not in tops})
        for vid, first, raw, rows, id_ in cleaned:
            try:
                trig = raw.get("trigger") if "trigger" in raw else None
                was = (old[id_]["trigger_kind"], old[id_]["trigger_id"]) if id_ is not None else None
                # a trigger kept as it was may point at a KR deleted or an indicator retired since
                allowed = {**targets, was: {"unit": None}} if trig is not None and tuple(trig) == was \
                    and was not in targets else targets
                clean = risk.clean_risk(raw, targets=allowed, other_top=[n for i, n in tops.items() if i != vid])
            except ValidationError as e:
                self.errors_from(sheet, first.n, e, {**{v: k for k, v in self.RK_COLS.items()}, "level": "level",
                                                     "top": "top", "trigger": "trigger", "trigger_kind": "trigger",
                                                     "trigger_comparator": "trigger_comparator"})
                continue
            if id_ is None:
                clean.update(workspace_id=self.wid, position=self._next("risk"))
            self.change(sheet, "risk", vid, clean["name"], first.n, clean, old.get(id_), labels)
            mine = {i: p for i, p in old_p.items() if p["risk_id"] == id_}
            seen_labels: dict[str, int] = {}
            for r in rows:
                if not any(not _blank(r.cells.get(c)) for c in (*self.PL_COLS, "label", "plan_id") if c in sheet.cols):
                    continue
                pid = self.ident(sheet, r, "plan_id", mine, "risk_plan", seen_p) if "plan_id" in sheet.cols else None
                if pid is False:
                    continue
                base = mine.get(pid) or {}
                label = self.choice(sheet, r, "label", {_norm(x): x for x in risk.LABELS}, list(risk.LABELS)) \
                    if "label" in sheet.cols else base.get("label")
                if label is None:
                    self.error(sheet, r.n, "label", FieldError("label", "error.required", {}))
                    continue
                if label in seen_labels:
                    self.error(sheet, r.n, "label", FieldError("label", "xl.import.error.duplicate_label",
                                                               {"label": label, "first": seen_labels[label]}))
                    continue
                seen_labels[label] = r.n
                try:
                    pc = risk.clean_plan({**base, **self.values(r, self.PL_COLS, sheet)})
                except ValidationError as e:
                    self.errors_from(sheet, r.n, e, {v: k for k, v in self.PL_COLS.items()})
                    continue
                pc["label"] = label
                if pid:
                    kept_p.add(pid)
                else:
                    pc.update(workspace_id=self.wid, risk_id=vid)
                self.change(sheet, "risk_plan", pid if pid else self.temp_id(), f"{clean['name']} · {label}", r.n,
                            pc, base or None, p_labels)
        removed = {i for i in old if full and i not in kept}
        for i in removed:
            self.remove("risk", "risk", old[i], old[i]["name"])
        for i, p in old_p.items():
            if p["risk_id"] in removed or (full_p and p["risk_id"] in old and i not in kept_p):
                self.remove("risk", "risk_plan", p, f"{old.get(p['risk_id'], {}).get('name')} · {p['label']}")
        if not full:
            self.plan.notes.append(FieldError("risk", "xl.import.note.adds_only", {"sheet": sheet.name}))


def _col(sheet_key: str, col_key: str) -> Col:
    return next(c for c in COLUMNS[sheet_key] if c.key == col_key)


@dataclass
class _WeeklyItems:
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


# -- entry points ------------------------------------------------------------------------------

def _recognise(sheets: list[Any]) -> tuple[list[_Sheet], list[FieldError]]:
    """Sheets of the workbook that are templates, with their header row found; notes on the rest."""
    names = _sheet_names()
    out: list[_Sheet] = []
    notes: list[FieldError] = []
    taken: set[str] = set()
    for sd in sheets:
        key = names.get(_norm(sd.name))
        candidates = [key] if key else list(SHEETS)
        best = None
        for k in candidates:
            h = _header(sd.rows, _labels(k))
            if h and (best is None or len(h[1]) > len(best[1][1])):
                best = (k, h)
        if best is None or (key is None and len(best[1][1]) < 3):
            notes.append(FieldError("sheet", "xl.import.note.unknown_sheet", {"sheet": sd.name}))
            continue
        k, (n, cols, dups) = best
        if k == "board":
            notes.append(FieldError("sheet", "xl.import.note.board", {"sheet": sd.name}))
            continue
        if k in taken:
            notes.append(FieldError("sheet", "xl.import.note.twice", {"sheet": sd.name}))
            continue
        taken.add(k)
        sheet = _Sheet(k, sd.name, cols, [])
        for dup_key, j in dups:
            notes.append(FieldError("sheet", "xl.import.error.duplicate_column",
                                    {"sheet": sd.name, "cell": f"{_letter(j)}{n}", "column_key": _col(k, dup_key).label}))
        for rn, values in sd.rows:
            if rn <= n:
                continue
            cells = {c: (values[j] if j < len(values) else None) for c, j in cols.items()}
            if all(_blank(v) for v in cells.values()):
                continue
            sheet.rows.append(_Row(rn, cells))
        out.append(sheet)
    return out, notes


def plan_sheets(store: Store, workspace_id: int, sheets: list[Any], *, today: dt.date) -> ImportPlan:
    """The plan for already-read sheets (objects with ``name`` and ``rows`` [(row number, values)])."""
    p = _Planner(store, workspace_id, today)
    found, notes = _recognise(sheets)
    p.plan.notes.extend(n for n in notes if n.key != "xl.import.error.duplicate_column")
    p.plan.errors.extend(n for n in notes if n.key == "xl.import.error.duplicate_column")
    if not found:
        p.plan.errors.append(FieldError("file", "xl.import.error.no_template",
                                        {"sheets": ", ".join(getattr(s, "name", "?") for s in sheets) or "—"}))
        return p.plan
    by_key = {s.key: s for s in found}
    for key in ORDER:
        if key in by_key:
            p.plan.sheets[key] = by_key[key].name
            getattr(p, f"sheet_{key}")(by_key[key])
    if p.plan.errors:
        p.plan.changes = []
        p.plan.hooks = []
    return p.plan


def plan_import(store: Store, workspace_id: int, data: bytes, filename: str | None = None, *,
                today: dt.date) -> ImportPlan:
    """Read *data* (an xlsx file) and plan its import into the workspace. Raises the reader's
    ``ImportRefused`` for a file that cannot be read safely; every problem in the data itself is in
    ``plan.errors`` (with sheet, cell, column and the allowed values)."""
    from strategy_core.exchange.excel.reader import read_workbook
    return plan_sheets(store, workspace_id, read_workbook(data, filename=filename), today=today)


def apply_import(store: Store, workspace_id: int, plan: ImportPlan, actor: str | None = None) -> int:
    """Write *plan* in one transaction; returns the number of changes. Refuses a plan with errors,
    a plan for another workspace and a plan made before the workspace last changed."""
    if plan.errors:
        raise ImportError_("xl.import.error.has_errors", count=len(plan.errors))
    if plan.workspace_id != workspace_id:
        raise ImportError_("xl.import.error.other_workspace")
    if store.version(workspace_id) != plan.version:
        raise ConflictError("xl.import.error.stale")
    if not plan.changes:
        return 0
    with store.transaction(workspace_id, "xl.import", actor) as tx:
        ids: dict[int, int] = {}
        for c in plan.changes:
            if c.op == "add" and c.id < 0 and not c.via_hook:
                ids[c.id] = tx.new_id()

        def mapped(values: dict[str, Any]) -> dict[str, Any]:
            return {k: (ids.get(v, v) if k in REF_FIELDS and isinstance(v, int) and v < 0 else v)
                    for k, v in values.items()}

        for c in plan.changes:
            if c.via_hook:
                continue
            if c.op == "add":
                tx.insert(c.table, {**mapped(c.values), "id": ids[c.id]})
            elif c.op == "change":
                tx.update(c.table, c.id, mapped(c.values))
        for hook in plan.hooks:
            hook(tx, ids)
        trash: dict[str, list[int]] = {}
        for c in plan.changes:
            if c.op == "remove" and not c.via_hook:
                trash.setdefault(c.table, []).append(c.id)
        for table, id_list in trash.items():
            tx.trash(table, list(dict.fromkeys(id_list)), tx.txn)
    return len(plan.changes)
