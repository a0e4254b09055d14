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

The package: ``parse`` finds the templates and their rows, ``match`` turns cell text into stored
values, ``planner`` holds what the sheets share, one ``sheet_<key>`` module plans each template,
``plan`` is the result as plain data and ``apply`` writes it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from strategy_core.errors import FieldError
from strategy_core.exchange.excel.templates import IMPORTABLE
from strategy_core.exchange.excel.importer import (sheet_daily, sheet_okr, sheet_onion, sheet_review, sheet_risk,
                                                   sheet_scorecard, sheet_weekly)
from strategy_core.exchange.excel.importer.apply import ImportError_, apply_import
from strategy_core.exchange.excel.importer.parse import Sheet, recognise
from strategy_core.exchange.excel.importer.plan import MAX_ERRORS, Change, Diff, ImportPlan, change_text, show
from strategy_core.exchange.excel.importer.planner import Planner
from strategy_core.exchange.excel.reader import read_workbook
from strategy_core.store.store import Store

__all__ = ["MAX_ERRORS", "Change", "Diff", "ImportError_", "ImportPlan", "apply_import", "change_text",
           "plan_import", "plan_sheets", "show"]

# each template's planner, in the order they are planned: references point backwards
SHEET_PLANNERS: dict[str, Callable[[Planner, Sheet], None]] = {
    "okr": sheet_okr.plan_sheet, "scorecard": sheet_scorecard.plan_sheet, "onion": sheet_onion.plan_sheet,
    "weekly": sheet_weekly.plan_sheet, "daily": sheet_daily.plan_sheet, "review": sheet_review.plan_sheet,
    "risk": sheet_risk.plan_sheet}
assert set(SHEET_PLANNERS) == set(IMPORTABLE)


def plan_sheets(store: Store, workspace_id: int, sheets: list[Any], *, today: dt.date) -> ImportPlan:
    """The plan for already-read sheets (objects with ``name`` and ``rows`` [(row number, values)])."""
    p = Planner(store, workspace_id, today)
    found, notes = recognise(sheets)
    p.plan.notes.extend(n for n in notes if n.key != "xl.import.error.duplicate_column")
    p.plan.errors.extend(n for n in notes if n.key == "xl.import.error.duplicate_column")
    if not found:
        p.plan.errors.append(FieldError("file", "xl.import.error.no_template",
                                        {"sheets": ", ".join(getattr(s, "name", "?") for s in sheets) or "—"}))
        return p.plan
    by_key = {s.key: s for s in found}
    for key, plan_sheet in SHEET_PLANNERS.items():
        if key in by_key:
            p.plan.sheets[key] = by_key[key].name
            plan_sheet(p, by_key[key])
    if p.plan.errors:
        p.plan.changes = []
        p.plan.hooks = []
    return p.plan


def plan_import(store: Store, workspace_id: int, data: bytes, filename: str | None = None, *,
                today: dt.date) -> ImportPlan:
    """Read *data* (an xlsx file) and plan its import into the workspace. Raises the reader's
    ``ImportRefused`` for a file that cannot be read safely; every problem in the data itself is in
    ``plan.errors`` (with sheet, cell, column and the allowed values)."""
    return plan_sheets(store, workspace_id, read_workbook(data, filename=filename), today=today)
