"""The Import from Excel page: upload a workbook, see what would change, apply it in one undoable step.

The plan (``strategy_core.exchange.excel.importer``) is made once per file, workspace and workspace version:
a rerun (a click anywhere on the page) reuses it instead of reading the file again. It holds the
callables that write weekly items, so it cannot be pickled and does not go into session state (the
app enforces serialisable session state): plans live in a small per-process table, and the session
keeps only the key of its plan — (database file, file hash, workspace, workspace version). Any change
of the workspace gives a new key, so the preview on screen is always the one that would be applied.

After an apply the uploader gets a new widget key, which empties it: the same file cannot be applied
twice by a second click.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from strategy_core.errors import ConflictError, FieldError, WorkbenchError
from strategy_core.exchange.excel import importer, reader
from strategy_core.i18n import t
from strategy_core.store.store import Store
from ui.forms import escape_md, reset_all_forms
from ui.state import actor, flash, today

LIMIT_MB = reader.Limits().max_bytes // reader.MB
_NONCE = "_xl_import_nonce"        # part of the uploader's key: a new number empties the uploader
_PLAN = "_xl_import_plan"          # the key of this session's plan (a tuple of str and int: pickles)
_DONE = "_xl_import_done"          # (workspace, version after, count) of the last import applied
_STALE = "_xl_import_stale"        # the last apply met a changed workspace


@dataclass
class Planned:
    """What a file gave: a plan, or the reader's refusal (catalog key and parameters)."""
    file: str
    plan: importer.ImportPlan | None = None
    refused: reader.ImportRefused | None = None


_PLANS: OrderedDict[tuple, Planned] = OrderedDict()
_PLANS_MAX = 8
_lock = threading.Lock()


def plan_key(store: Store, workspace_id: int, data: bytes) -> tuple:
    """A plan is good for one file, workspace version and day (check-ins are dated by the day)."""
    return (store.key, hashlib.sha256(data).hexdigest(), workspace_id, store.version(workspace_id), today())


def cached(key: tuple) -> Planned | None:
    with _lock:
        got = _PLANS.get(key)
        if got is not None:
            _PLANS.move_to_end(key)
        return got


def _keep(key: tuple, planned: Planned) -> None:
    with _lock:
        _PLANS[key] = planned
        _PLANS.move_to_end(key)
        while len(_PLANS) > _PLANS_MAX:
            _PLANS.popitem(last=False)


def make_plan(store: Store, workspace_id: int, data: bytes, filename: str, lang: str,
              key: tuple | None = None) -> Planned:
    """Read and check *data* (with a progress bar while it runs); keep the result under its key."""
    key = key or plan_key(store, workspace_id, data)
    bar = st.empty()
    try:
        bar.progress(0.1, text=t("xlimp.step.read", lang))
        try:
            sheets = reader.read_workbook(data, filename=filename)
            bar.progress(0.5, text=t("xlimp.step.check", lang))
            planned = Planned(filename, plan=importer.plan_sheets(store, workspace_id, sheets, today=key[-1]))
        except reader.ImportRefused as e:
            planned = Planned(filename, refused=e)
    finally:
        bar.empty()
    _keep(key, planned)
    return planned


# -- tables ------------------------------------------------------------------------------------------------

TABLE_ROWS = 40          # a longer table scrolls inside a fixed height instead of pushing Apply far down
TABLE_HEIGHT = 1000


def cell(value: Any, lang: str) -> str:
    """A value as the preview tables show it: like ``importer.show`` but never shortened (the table wraps)."""
    if isinstance(value, str) and value.strip():
        return value.replace("\r\n", "\n").replace("\n", " ⏎ ")
    return importer.show(value, lang)


def show_table(rows: list[dict[str, Any]], width: str = "stretch") -> None:
    """A static table (text wraps, nothing is cut, readable on a projector); every text cell is escaped,
    since st.table reads Markdown."""
    frame = pd.DataFrame([{escape_md(k): (escape_md(v) if isinstance(v, str) else v) for k, v in r.items()}
                          for r in rows])
    st.table(frame, hide_index=True, width=width, height="content" if len(rows) <= TABLE_ROWS else TABLE_HEIGHT)


def error_rows(errors: list[FieldError], lang: str) -> list[dict[str, str]]:
    """One row per problem: sheet, cell (or row), column, what is wrong and what is allowed."""
    out = []
    for e in errors:
        p = e.params
        if e.key == "xl.import.error.cell":
            where, column = p.get("cell", ""), t(p.get("column_key", ""), lang)
            problem = p["detail"].text(lang) if isinstance(p.get("detail"), FieldError) else e.text(lang)
        elif e.key == "xl.import.error.row":
            where, column = t("xlimp.row", lang, row=p.get("row")), "—"
            problem = p["detail"].text(lang) if isinstance(p.get("detail"), FieldError) else e.text(lang)
        else:
            where = p.get("cell") or "—"
            column = t(p["column_key"], lang) if p.get("column_key") else "—"
            problem = e.text(lang)
        out.append({t("xlimp.col.sheet", lang): p.get("sheet") or "—", t("xlimp.col.cell", lang): where,
                    t("xlimp.col.column", lang): column, t("xlimp.col.problem", lang): problem})
    return out


def change_rows(changes: list[importer.Change], lang: str) -> list[dict[str, str]]:
    """One row per changed field (a change of three fields is three rows); one row per added or removed row."""
    out = []
    for c in changes:
        base = {t("xlimp.col.what", lang): t(f"xlimp.op.{c.op}", lang),
                t("xlimp.col.entity", lang): t(f"xl.entity.{c.table}", lang),
                t("xlimp.col.name", lang): cell(c.label, lang)}
        row = str(c.row) if c.row else ""
        if c.op == "change" and c.diffs:
            for d in c.diffs:
                out.append({**base, t("xlimp.col.field", lang): t(d.label, lang),
                            t("xlimp.col.old", lang): cell(d.old, lang),
                            t("xlimp.col.new", lang): cell(d.new, lang), t("xlimp.col.row", lang): row})
        else:
            note = t("xlimp.new_row" if c.op == "add" else "xlimp.to_trash", lang)
            out.append({**base, t("xlimp.col.field", lang): "", t("xlimp.col.old", lang): "",
                        t("xlimp.col.new", lang): note, t("xlimp.col.row", lang): row})
    return out


def summary_rows(plan: importer.ImportPlan, lang: str) -> list[dict[str, Any]]:
    counts = plan.counts()
    keys = list(plan.sheets) + [k for k in counts if k not in plan.sheets]
    return [{t("xlimp.col.sheet", lang): sheet_name(plan, k, lang),
             t("xlimp.col.added", lang): counts.get(k, {}).get("add", 0),
             t("xlimp.col.changed", lang): counts.get(k, {}).get("change", 0),
             t("xlimp.col.removed", lang): counts.get(k, {}).get("remove", 0)} for k in keys]


def sheet_name(plan: importer.ImportPlan, key: str, lang: str) -> str:
    return plan.sheets.get(key) or t(f"xl.sheet.{key}", lang)


# -- applying ----------------------------------------------------------------------------------------------

def _apply(store: Store, workspace_id: int, key: tuple, lang: str) -> None:
    planned = cached(key)
    if planned is None or planned.plan is None:
        return
    try:
        n = importer.apply_import(store, workspace_id, planned.plan, actor())
    except ConflictError:
        st.session_state[_STALE] = True          # the next run plans again against the workspace as it is
        return
    except WorkbenchError as e:
        flash(e.text(lang), icon="⚠️")
        return
    with _lock:
        _PLANS.pop(key, None)
    st.session_state[_DONE] = (workspace_id, store.version(workspace_id), n)
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1     # empties the uploader
    st.session_state.pop(_PLAN, None)
    reset_all_forms()                            # the other pages' forms show the database again
    flash(t("xlimp.applied_toast", lang, count=n))


# -- the page ----------------------------------------------------------------------------------------------

def section(store: Store, workspace_id: int, lang: str) -> None:
    nonce = st.session_state.get(_NONCE, 0)
    uploaded = st.file_uploader(t("xlimp.upload", lang), type=["xlsx"], key=f"xl_import_file_{nonce}",
                                help=t("xlimp.upload_help", lang, limit_mb=LIMIT_MB), max_upload_size=LIMIT_MB)

    done = st.session_state.get(_DONE)
    if done is not None:
        if uploaded is None and done[0] == workspace_id and done[1] == store.version(workspace_id):
            st.success(t("xlimp.applied", lang, count=done[2]), icon="✅")
        else:                                    # undone, changed since, or a new file: the message is old
            st.session_state.pop(_DONE, None)
    if uploaded is None:
        st.session_state.pop(_PLAN, None)
        return

    data = uploaded.getvalue()
    key = plan_key(store, workspace_id, data)
    planned = cached(key)
    if planned is None:
        with st.spinner(t("xlimp.reading", lang, file=escape_md(uploaded.name))):
            planned = make_plan(store, workspace_id, data, uploaded.name, lang, key)
    st.session_state[_PLAN] = key
    if st.session_state.pop(_STALE, False):
        st.warning(t("xlimp.stale", lang), icon="🔄")
    preview(store, workspace_id, planned, key, lang)


def preview(store: Store, workspace_id: int, planned: Planned, key: tuple, lang: str) -> None:
    if planned.refused is not None:
        st.error(f"{t('xlimp.refused', lang)}\n\n{escape_md(planned.refused.text(lang))}", icon="⛔")
        return
    plan = planned.plan
    ws = store.get_workspace(workspace_id)
    st.caption(t("xlimp.against", lang, file=escape_md(planned.file), workspace=escape_md(ws["name"])))
    for note in plan.notes:
        st.info(escape_md(note.text(lang)), icon="ℹ️")
    if plan.errors:
        st.error(t("xlimp.errors", lang, count=len(plan.errors)), icon="⚠️")
        if len(plan.errors) >= importer.MAX_ERRORS:
            st.caption(t("xlimp.errors_capped", lang, count=len(plan.errors)))
        show_table(error_rows(plan.errors, lang))
        return
    if not plan.changes:
        st.success(t("xl.import.nothing", lang), icon="✅")
        return

    total = {"add": 0, "change": 0, "remove": 0}
    for c in plan.changes:
        total[c.op] += 1
    m1, m2, m3 = st.columns(3)
    m1.metric(t("xlimp.metric.added", lang), total["add"])
    m2.metric(t("xlimp.metric.changed", lang), total["change"])
    m3.metric(t("xlimp.metric.removed", lang), total["remove"])

    st.subheader(t("xlimp.summary", lang))
    show_table(summary_rows(plan, lang), width="content")

    st.subheader(t("xlimp.changes", lang))
    counts = plan.counts()
    keys = [k for k in list(plan.sheets) + list(counts) if k in counts]
    keys = list(dict.fromkeys(keys))
    tabs = st.tabs([t("xlimp.tab", lang, sheet=escape_md(sheet_name(plan, k, lang)), **counts[k]) for k in keys])
    for k, tab in zip(keys, tabs):
        with tab:
            show_table(change_rows([c for c in plan.changes if c.sheet == k], lang))

    n = len(plan.changes)
    tag = f"{key[1][:12]}_{key[3]}"
    confirmed = True
    if total["remove"]:
        st.warning(t("xlimp.remove_warning", lang, count=total["remove"]), icon="🗑️")
        confirmed = st.checkbox(t("xlimp.remove_confirm", lang, count=total["remove"]),
                                key=f"xl_import_confirm_{tag}")
    st.button(t("xlimp.apply_one", lang) if n == 1 else t("xlimp.apply", lang, count=n), type="primary",
              key=f"xl_import_apply_{tag}", disabled=not confirmed, help=t("xlimp.apply_help", lang),
              on_click=_apply, args=(store, workspace_id, key, lang))
