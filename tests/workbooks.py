"""Small helpers the Excel tests share: open and save workbooks in memory, find a sheet, a column
and the rows of an id as the export writes them."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from strategy_core.exchange.excel.export import COLUMNS, HEADER_ROW
from strategy_core.i18n import t


def book(data: bytes):
    return load_workbook(io.BytesIO(data))


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet(wb, key: str, lang: str):
    return wb[t(f"xl.sheet.{key}", lang)]


def col(key: str, column: str) -> int:
    """1-based index of a column of the sheet *key* as exported."""
    return [c.key for c in COLUMNS[key]].index(column) + 1


def rows_of(ws, key: str, id_col: str, id_: int) -> list[int]:
    """Row numbers whose *id_col* holds *id_*."""
    c = col(key, id_col)
    return [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=c).value == id_]
