"""The planner the sheets share: ids read and checked, references found by their text (indexed once),
rows grouped under the parent they describe, a change computed field by field, an error placed at
its cell (one message per cell, at most MAX_ERRORS)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Iterable

from strategy_core import fields as F
from strategy_core.errors import FieldError, ValidationError
from strategy_core.exchange.excel import rows as sheet_rows
from strategy_core.exchange.excel.importer.match import blank, column, norm, same, words
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.plan import MAX_ERRORS, REF_FIELDS, Change, Diff, ImportPlan
from strategy_core.i18n import LANGS, t
from strategy_core.plan import bsc
from strategy_core.store.store import Store
from strategy_core.track import tracking


class Planner:
    """One import being planned: the workspace as it is, the workspace as it will be after the sheets
    planned so far, and the plan being filled. Sheets are planned in ORDER (references point
    backwards), each by its own module."""
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

    def error(self, sheet: Sheet, row: int | None, col: str | None, fe: FieldError) -> None:
        if len(self.plan.errors) >= MAX_ERRORS:
            return
        if col is not None and col in sheet.cols:
            cell = (sheet.name, f"{sheet.letter(col)}{row}")
            if cell in self._cells:      # one message per cell: the first says what is wrong
                return
            self._cells.add(cell)
            self.plan.errors.append(FieldError(col, "xl.import.error.cell", {
                "sheet": sheet.name, "cell": f"{sheet.letter(col)}{row}", "column_key": column(sheet.key, col).label,
                "detail": fe}))
        else:
            self.plan.errors.append(FieldError(col or "row", "xl.import.error.row",
                                               {"sheet": sheet.name, "row": row, "detail": fe}))

    def errors_from(self, sheet: Sheet, row: int, e: ValidationError, fieldmap: dict[str, str]) -> None:
        """Report a cleaner's errors at the cells of the fields they name (fieldmap: field → column key)."""
        for fe in e.errors:
            self.error(sheet, row, fieldmap.get(fe.field, fe.field if fe.field in sheet.cols else None), fe)

    def change(self, sheet: Sheet, table: str, id_: int, label: str, row: int | None, new: dict[str, Any],
               old: dict[str, Any] | None, labels: dict[str, str], **extra: Any) -> Change | None:
        """A Change for *new* against *old* (None: added). *labels*: field → column label key of the
        fields this sheet covers (only they are compared)."""
        if old is None:
            c = Change("add", sheet.key, table, id_, label, row, dict(new), **extra)
        else:
            diffs = [Diff(labels[f], old.get(f), new[f]) for f in labels if f in new and not same(old.get(f), new[f])]
            changed = {f: new[f] for f in new if f in labels and not same(old.get(f), new[f])}
            changed.update({f: new[f] for f in new if f not in labels and f in REF_FIELDS
                            and not same(old.get(f), new[f])})
            if not changed:
                return None
            c = Change("change", sheet.key, table, id_, label, row, changed, diffs, **extra)
        self.plan.changes.append(c)
        return c

    def remove(self, sheet_key: str, table: str, row: dict[str, Any], label: str, via_hook: bool = False) -> None:
        self.plan.changes.append(Change("remove", sheet_key, table, row["id"], label, None, via_hook=via_hook))

    def choice(self, sheet: Sheet, r: Row, col: str, words: dict[str, Any], allowed: list[str]) -> Any:
        raw = r.cells.get(col)
        if blank(raw):
            return None
        value = words.get(norm(raw))
        if value is None:
            self.error(sheet, r.n, col, FieldError(col, "error.not_allowed",
                                                   {"value": str(raw)[:40], "allowed": " / ".join(allowed)}))
        return value

    def choice_col(self, sheet: Sheet, r: Row, col: str, lang: str) -> Any:
        c = column(sheet.key, col)
        prefix = c.choices[0].rsplit(".", 1)[0] + "." if c.choices else ""
        return self.choice(sheet, r, col, words(c.choices, prefix), [t(k, lang) for k in c.choices])

    def ident(self, sheet: Sheet, r: Row, col: str, existing: dict[int, Any], table: str,
              seen: dict[int, int]) -> int | None | bool:
        """The id in *col*: an int of *existing*, None (blank: a new row) or False (an error, reported)."""
        raw = r.cells.get(col)
        if blank(raw):
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

    def resolve(self, sheet: Sheet, r: Row, col: str, candidates: dict[int, str], entity: str,
                exclude: Callable[[int], bool] | None = None) -> int | None | bool:
        """The id of the one candidate whose text is the cell's text (None: blank; False: error).
        The candidates are indexed once per dict (3,000 KRs × 1,000 alignments must not be a scan)."""
        raw = r.cells.get(col)
        if blank(raw):
            return None
        cached = self._indexes.get(id(candidates))
        if cached is None or cached[0] is not candidates:
            index: dict[str, list[int]] = {}
            for i, text in candidates.items():
                if text is not None:
                    index.setdefault(norm(text), []).append(i)
            self._indexes[id(candidates)] = cached = (candidates, index)
        hits = [i for i in cached[1].get(norm(raw), []) if exclude is None or not exclude(i)]
        if len(hits) == 1:
            return hits[0]
        key = "xl.import.error.no_match" if not hits else "xl.import.error.ambiguous"
        self.error(sheet, r.n, col, FieldError(col, key, {"value": str(raw)[:60], "entity_key": f"xl.entity.{entity}",
                                                          "count": len(hits)}))
        return False

    def group(self, sheet: Sheet, head_cols: tuple[str, ...], head_id: str, existing: dict[int, Any],
              table: str) -> list[tuple[int | None, list[Row]]]:
        """Rows grouped by the parent they describe: by its id, or (no id) by the parent's cells.
        Rows of one id should agree on every parent cell. When they do not, the rows that still
        read as the workspace has it are the untouched copies and the others the edit: an owner
        changed on one of an objective's three KR rows is taken. Edits that disagree are an error."""
        groups: dict[Any, tuple[int | None, list[Row]]] = {}
        split: set[Any] = set()
        last: Any = None
        for r in sheet.rows:
            id_ = self.ident(sheet, r, head_id, existing, table, {}) if head_id in sheet.cols else None
            if id_ is False:
                continue
            cells = tuple(norm(r.cells.get(c)) if not blank(r.cells.get(c)) else "" for c in head_cols)
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
    def _head(r: Row, head_cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(norm(r.cells.get(c)) if not blank(r.cells.get(c)) else "" for c in head_cols)

    def _as_exported(self, sheet: Sheet, head_id: str) -> dict[int, dict[str, Any]]:
        """The sheet's rows as an export of the workspace writes them now, by parent id (made once)."""
        cache = self._exported
        if sheet.key not in cache:
            ctx = sheet_rows.Context(self.store, self.wid, self.ws, self.lang_of(sheet),
                         tracking.today_in(self.year, self.today))
            rows: dict[int, dict[str, Any]] = {}
            for row in sheet_rows.ROWS[sheet.key](ctx):
                if row.get(head_id) is not None:
                    rows.setdefault(row[head_id], row)
            cache[sheet.key] = rows
        return cache[sheet.key]

    def _reads_as(self, sheet: Sheet, r: Row, head_cols: tuple[str, ...], shown: dict[str, Any]) -> bool:
        """Whether the row's parent cells say what the export wrote (words in either language, numbers
        and dates typed as text)."""
        for c in head_cols:
            cell, value = r.cells.get(c), shown.get(c)
            if blank(cell) and blank(value):
                continue
            if blank(cell) or blank(value):
                return False
            if isinstance(value, str):
                col = column(sheet.key, c)
                words = {norm(value)}
                if value in col.choices or value.startswith("status."):
                    words = {norm(t(value, lang)) for lang in LANGS}
                elif c in ("comparator", "trigger_comparator"):
                    words = {norm(value), norm(bsc.COMPARATOR_SYMBOL.get(value, value))}
                if norm(cell) not in words:
                    return False
            elif isinstance(value, (dt.date, dt.datetime)):
                try:
                    if F.date(c, cell) != (value.date() if isinstance(value, dt.datetime) else value):
                        return False
                except ValidationError:
                    return False
            else:
                try:
                    if not same(F.number(c, cell), value):
                        return False
                except ValidationError:
                    return False
        return True

    def ids_complete(self, sheet: Sheet, child_id: str, parent_id: str) -> bool:
        """A child's ID means something only under its parent's ID: with the parent's ID column
        deleted and the child's kept, say which column is missing (once) instead of a message per row."""
        if parent_id in sheet.cols or child_id not in sheet.cols or \
                all(blank(r.cells.get(child_id)) for r in sheet.rows):
            return True
        self.plan.errors.append(FieldError(parent_id, "xl.import.error.parent_id_missing", {
            "sheet": sheet.name, "column_key": column(sheet.key, parent_id).label,
            "child_key": column(sheet.key, child_id).label}))
        return False

    def values(self, r: Row, mapping: dict[str, str], sheet: Sheet) -> dict[str, Any]:
        """Raw cells for a cleaner: column key → field name, only the columns the sheet has."""
        return {f: r.cells.get(col) for col, f in mapping.items() if col in sheet.cols}

    def covered(self, sheet: Sheet, mapping: dict[str, str]) -> dict[str, str]:
        """field → column label key, for the fields this sheet has a column for."""
        return {f: column(sheet.key, col).label for col, f in mapping.items() if col in sheet.cols}

    def kr_texts(self) -> dict[int, str]:
        return {i: k.get("statement") for i, k in self.krs.items()}

    def indicator_texts(self) -> dict[int, str]:
        """Indicators by name — retired ones too: readings, reviews and risks still name them."""
        return {**{i: x.get("name") for i, x in self.retired.items()},
                **{i: x.get("name") for i, x in self.indicators.items()}}

    def lang_of(self, sheet: Sheet) -> str:
        return "zh" if re.search(r"[\u4e00-\u9fff]", sheet.name) else "en"

    def next_position(self, table: str) -> int:
        """The position of a new row: after every row the table has and every row this plan adds."""
        if table not in self._positions:
            rows = self.store.rows(table, self.wid)
            self._positions[table] = max((r.get("position") or 0 for r in rows), default=-1) + 1
        self._positions[table] += 1
        return self._positions[table] - 1

    def adds_only(self, sheet: Sheet) -> None:
        """Note that a sheet without IDs only adds rows (it cannot say what was removed)."""
        self.plan.notes.append(FieldError(sheet.key, "xl.import.note.adds_only", {"sheet": sheet.name}))


def has_ids(sheet: Sheet, col: str) -> bool:
    """Whether the sheet names its rows by the IDs in *col* (then it is the full list of them)."""
    return col in sheet.cols and any(not blank(r.cells.get(col)) for r in sheet.rows)


def filled(sheet: Sheet, r: Row, cols: Iterable[str]) -> bool:
    """Whether the row has something in any of *cols* the sheet has."""
    return any(not blank(r.cells.get(c)) for c in cols if c in sheet.cols)


def field_cols(cols: dict[str, str]) -> dict[str, str]:
    """field → column key, from a sheet's column key → field map (to place a cleaner's errors)."""
    return {f: c for c, f in cols.items()}
