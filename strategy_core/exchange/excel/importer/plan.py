"""What an import will do, as plain data: the changes (added, changed field by field, removed),
the errors with their sheet and cell, the notes, and the preview in words. A plan pickles: the
import page keeps it between the preview and the click that applies it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from strategy_core.errors import FieldError
from strategy_core.exchange.excel.importer.match import blank
from strategy_core.i18n import t
from strategy_core.store.store import Tx

MAX_ERRORS = 200           # a broken file does not need ten thousand messages
# fields holding the id of another row: an id planned for a new row (negative) is mapped when applying
REF_FIELDS = ("parent_id", "objective_id", "aligns_to", "key_result_id", "indicator_id", "weekly_plan_id",
              "daily_report_id", "review_id", "finding_id", "risk_id", "trigger_id", "subject_id")

@dataclass
class Diff:
    """One field an import changes: the column's catalog key, the old value and the new."""
    label: str          # catalog key of the column
    old: Any
    new: Any


@dataclass
class Change:
    """One row an import adds, changes or removes, with where it is in the workbook and what to write; the preview shows
    it and ``apply_import`` writes it."""
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
    """Everything one import of a workbook will do, planned against the workspace's *version*: ``apply_import`` refuses
    it once the workspace has changed since, or while it has errors."""
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
    if blank(value):
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
    """A change in the preview's words: the operation, the entity, its label and its sheet and row, and for a change
    each field's old → new value."""
    where = t("xl.import.where", lang, sheet=sheet_name or t(f"xl.sheet.{c.sheet}", lang),
              row=c.row) if c.row else sheet_name or t(f"xl.sheet.{c.sheet}", lang)
    head = t(f"xl.import.op.{c.op}", lang, entity=t(f"xl.entity.{c.table}", lang), label=show(c.label, lang),
             where=where)
    if c.op != "change":
        return head
    diffs = "; ".join(t("xl.import.diff", lang, field=t(d.label, lang), old=show(d.old, lang), new=show(d.new, lang))
                      for d in c.diffs)
    return f"{head}: {diffs}"

