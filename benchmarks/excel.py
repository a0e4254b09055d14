"""Excel export and import of the large workspace, each next to a pandas baseline (issue 5).

Export: ``export_workbook`` (every sheet: title block, styles, widths, drop-downs, conditional
status colours, print set-up, the board's chart) against ``DataFrame.to_excel`` (openpyxl engine)
of the same rows — the very rows our export writes, one DataFrame per sheet — into one workbook,
unstyled. Import: ``importer.plan_import`` of our workbook (the bounded reader, header matching,
every row checked with the forms' rules and compared with the workspace) against
``pandas.read_excel(sheet_name=None)`` of the same file (reading alone, no checks).
Goals: each at most GOAL (0.5) × its baseline. The baseline of the import depends on the file:
openpyxl reads the workbook XlsxWriter writes faster than the one openpyxl itself wrote.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, Callable

from strategy_core.store import Store

GOAL = 0.5      # issue #11: export and import each at most half the time of pandas doing the plain part


def _pandas_rows(store: Store, wid: int, lang: str, on: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The rows export_workbook writes, per sheet, as plain values (words already translated)."""
    from strategy_core.track import monitor
    from strategy_core.exchange.excel import export as X
    from strategy_core.i18n import t
    ws = store.get_workspace(wid)
    ctx = X.Context(store, wid, ws, lang, on)
    out = {}
    for key in X.SHEETS:
        heads = {c.key: t(c.label, lang) for c in X.COLUMNS[key]}
        rows = []
        for r in X.ROWS[key](ctx):
            rows.append({heads[k]: (t(v, lang) if isinstance(v, str) and v.startswith(("status.", "okr.", "bsc.",
                                                                                        "xl.", "onion.", "risk.",
                                                                                        "review.")) else v)
                         for k, v in r.items() if k in heads})
        out[t(f"xl.sheet.{key}", lang)] = rows
    return out


def _to_excel(frames: dict[str, Any]) -> bytes:
    import pandas as pd
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        for name, df in frames.items():
            df.to_excel(w, sheet_name=name, index=False)
    return buf.getvalue()


def measure_excel(db: Path, wid: int, on: dt.date, repeats: int,
                  timed: Callable[..., tuple[dict[str, Any], Any]], say: Callable[[str], None]) -> dict[str, Any]:
    import pandas as pd
    from strategy_core.exchange.excel import importer
    from strategy_core.exchange.excel.export import export_workbook
    lang = "zh"
    store = Store(db)
    try:
        rows = _pandas_rows(store, wid, lang, on)
        frames = {name: pd.DataFrame(r) for name, r in rows.items()}
        counts = {name: len(r) for name, r in rows.items()}
        say(f"    sheets: {counts}")
        export_s, data = timed(lambda: export_workbook(store, wid, lang, on=on, today=on), repeats)
        pandas_export_s, _ = timed(lambda: _to_excel(frames), repeats)
        say(f"    export {export_s['median']:.2f} s vs to_excel {pandas_export_s['median']:.2f} s")
        plan_holder: dict[str, Any] = {}

        def plan():
            plan_holder["plan"] = importer.plan_import(store, wid, data, "bench.xlsx", today=on)
            return plan_holder["plan"]
        import_s, _ = timed(plan, repeats)
        pandas_import_s, _ = timed(lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl"),
                                   repeats)
        say(f"    import {import_s['median']:.2f} s vs read_excel {pandas_import_s['median']:.2f} s")
        p = plan_holder["plan"]
        return {"rows_per_sheet": counts, "workbook_bytes": len(data),
                "export_s": export_s, "pandas_to_excel_s": pandas_export_s,
                "export_vs_pandas": round(export_s["median"] / pandas_export_s["median"], 2),
                "goal": GOAL, "export_goal_met": export_s["median"] <= GOAL * pandas_export_s["median"],
                "import_s": import_s, "pandas_read_excel_s": pandas_import_s,
                "import_vs_pandas": round(import_s["median"] / pandas_import_s["median"], 2),
                "import_goal_met": import_s["median"] <= GOAL * pandas_import_s["median"],
                "import_errors": len(p.errors), "import_changes": len(p.changes)}
    finally:
        store.close()
