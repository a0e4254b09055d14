"""Finding the templates in a workbook: each sheet recognised by its name or, failing that, by its
headers (zh or en, columns in any order), the header row searched in the first rows, and the rows
below it as cells by column key."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strategy_core.errors import FieldError
from strategy_core.exchange.excel.templates import COLUMNS, SHEETS
from strategy_core.exchange.excel.importer.match import blank, column, letter, norm
from strategy_core.i18n import LANGS, t

HEADER_SCAN = 20           # rows searched for the header row

@dataclass
class Row:
    """One row below a sheet's header: its row number and its cells by column key."""
    n: int                                # row number in the sheet
    cells: dict[str, Any]                 # column key → raw value


@dataclass
class Sheet:
    """A recognised template sheet: its key, its name in the workbook, where each column is, and its rows."""
    key: str
    name: str
    cols: dict[str, int]                  # column key → 0-based index
    rows: list[Row]

    def letter(self, col: str) -> str:
        return letter(self.cols[col]) if col in self.cols else "?"


def labels_of(key: str) -> dict[str, str]:
    """Normalised header (zh or en) → column key."""
    out: dict[str, str] = {}
    for col in COLUMNS[key]:
        for lang in LANGS:
            out.setdefault(norm(t(col.label, lang)), col.key)
    return out


def sheet_names() -> dict[str, str]:
    """Every template's sheet name (zh and en), normalised → the sheet key."""
    return {norm(t(f"xl.sheet.{k}", lang)): k for k in SHEETS for lang in LANGS}


def header(rows: list[tuple[int, tuple]], labels: dict[str, str]) -> tuple[int, dict[str, int], list[tuple]] | None:
    """(row number, column key → index, duplicate headers) of the best header row, if any matches."""
    best = None
    for n, values in rows[:HEADER_SCAN]:
        found: dict[str, int] = {}
        dups = []
        for j, v in enumerate(values):
            if isinstance(v, str) and norm(v) in labels:
                key = labels[norm(v)]
                if key in found:
                    dups.append((key, j))
                else:
                    found[key] = j
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (n, found, dups)
    return best

def recognise(sheets: list[Any]) -> tuple[list[Sheet], list[FieldError]]:
    """Sheets of the workbook that are templates, with their header row found; notes on the rest."""
    names = sheet_names()
    out: list[Sheet] = []
    notes: list[FieldError] = []
    taken: set[str] = set()
    for sd in sheets:
        key = names.get(norm(sd.name))
        candidates = [key] if key else list(SHEETS)
        best = None
        for k in candidates:
            h = header(sd.rows, labels_of(k))
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
        sheet = Sheet(k, sd.name, cols, [])
        for dup_key, j in dups:
            notes.append(FieldError("sheet", "xl.import.error.duplicate_column",
                                    {"sheet": sd.name, "cell": f"{letter(j)}{n}", "column_key": column(k, dup_key).label}))
        for rn, values in sd.rows:
            if rn <= n:
                continue
            cells = {c: (values[j] if j < len(values) else None) for c, j in cols.items()}
            if all(blank(v) for v in cells.values()):
                continue
            sheet.rows.append(Row(rn, cells))
        out.append(sheet)
    return out, notes
