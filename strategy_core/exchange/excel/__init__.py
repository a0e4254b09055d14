"""Excel in and out: the workshop's templates as real spreadsheets (openpyxl, no Streamlit).

Export: ``export_workbook(store, workspace_id, lang)`` → xlsx bytes, one sheet per template;
``blank_template(sheet_key, lang)`` → the same sheet with headers, styles and drop-downs, no rows.
openpyxl is imported on first use, so the command line stays quick for other commands.
"""
from __future__ import annotations

from typing import Any

__all__ = ["CELL_MAX", "SHEETS", "ExportError", "blank_template", "clean_text", "export_workbook"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from strategy_core.exchange.excel import export
        return getattr(export, name)
    raise AttributeError(name)
