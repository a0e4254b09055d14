"""Excel downloads on the pages: this page's template filled in, the same template blank, and (on the
Workspaces page) the whole workbook in zh or en.

Nothing is built while a page renders: each button hands Streamlit a callable that it runs only when
the button is clicked (``st.download_button(data=callable)``, on a thread of its own). The bytes are
cached per database file, workspace, workspace version, language, sheets, date and day, so a second
click — or the rerun the click starts — does not build the file again. An ``ExportError`` (a text
longer than a cell holds) is caught in the click's callback, which runs at the start of that rerun and
shares the cached result, and is shown under the buttons in plain words; the button then stays
disabled until the workspace changes.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

import streamlit as st

from strategy_core.errors import WorkbenchError
from strategy_core.i18n import LANG_NAMES, LANGS, t
from strategy_core.store.store import Store
from strategy_core.track.tracking import today_in
from ui import state
from ui.forms import escape_md

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what Windows refuses in a file name, plus control characters; runs of them become one "_"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
NAME_MAX = 80               # characters kept of the workspace name (a Windows path component holds 255)


# -- file names -----------------------------------------------------------------------------------------

def _part(text: str, limit: int | None = None) -> str:
    s = _UNSAFE.sub("_", str(text)).strip()
    if limit is not None:
        s = s[:limit]
    return s.strip(" .")


def file_name(*parts: Any, ext: str = ".xlsx") -> str:
    """``part-part-….xlsx`` that Windows, macOS and Linux all accept (Chinese stays as it is): no
    ``/ \\ : * ? " < > |`` or control characters, no trailing dot or space, no reserved device name."""
    kept = [p for p in (_part(x, NAME_MAX) for x in parts) if p]
    stem = "-".join(kept) or "export"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem + ext


# -- building, cached -----------------------------------------------------------------------------------

Result = tuple[bytes | None, tuple[str, dict[str, Any]] | None]   # (file, None) or (None, (error key, params))


def _attempt(make: Callable[[], bytes]) -> Result:
    try:
        return make(), None
    except WorkbenchError as e:
        return None, (e.key, dict(e.params))


@st.cache_data(show_spinner=False, max_entries=24, ttl=3600)
def _filled(_store: Store, db: str, workspace_id: int, version: int, lang: str, sheets: tuple[str, ...] | None,
            on: dt.date | None, today: dt.date) -> Result:
    # the file is part of the key (two databases can hold the same workspace id at the same version), and
    # so is the day: the title block carries the export date
    from strategy_core.exchange.excel import SHEETS, export_workbook
    return _attempt(lambda: export_workbook(_store, workspace_id, lang, on=on, sheets=sheets or SHEETS, today=today))


@st.cache_data(show_spinner=False, max_entries=32)
def _blank(sheet: str, lang: str, currency: str, today: dt.date) -> Result:
    from strategy_core.exchange.excel import blank_template
    return _attempt(lambda: blank_template(sheet, lang, currency, today=today))


def filled_bytes(store: Store, workspace_id: int, lang: str, sheets: tuple[str, ...] | None = None,
                 on: dt.date | None = None, *, today: dt.date, version: int | None = None) -> Result:
    """The workspace's *sheets* (None: every sheet) as an xlsx file dated *today*, built once per workspace
    version and day. openpyxl is imported only here, on the first click, not while a page renders.

    *version*: the one the page showed (a download runs outside the script run, where the run's reads
    are not at hand); None reads it."""
    version = store.version(workspace_id) if version is None else version
    return _filled(store, store.key, workspace_id, version, lang, tuple(sheets) if sheets else None, on, today)


def blank_bytes(sheet: str, lang: str, currency: str, *, today: dt.date) -> Result:
    return _blank(sheet, lang, currency, today)


# -- the buttons -----------------------------------------------------------------------------------------

def _errors() -> dict[str, tuple[int, str, dict[str, Any]]]:
    return st.session_state.setdefault("_xl_errors", {})


def _button(label: str, key: str, version: int, build: Callable[[], Result], *, name: str, help: str,
            primary: bool = False) -> None:
    """One download button. *build* runs when it is clicked — in Streamlit's download thread for the file
    and in the click's callback for the message — and both share the cached result."""
    def data() -> bytes:
        content, err = build()
        if err is not None:                         # the callback shows why; the browser gets no file
            raise WorkbenchError(err[0], **err[1])
        return content

    def clicked() -> None:
        _, err = build()
        if err is None:
            _errors().pop(key, None)
        else:
            _errors()[key] = (version, err[0], err[1])

    known = _errors().get(key)
    failed = known is not None and known[0] == version
    st.download_button(label, data=b"" if failed else data, file_name=name, mime=MIME, key=key,
                       on_click=clicked, help=help, disabled=failed, type="primary" if primary else "secondary")


def _show_errors(keys: list[str], version: int, lang: str) -> None:
    for k in keys:
        known = _errors().get(k)
        if known is not None and known[0] == version:
            st.error(t("xlui.failed", lang, reason=t(known[1], lang, **known[2])), icon="⚠️")


def download_section(store: Store, workspace_id: int, sheet: str, lang: str, *, on: dt.date | None = None) -> None:
    """Two buttons for a page: its sheet filled with the workspace's data (in the screen's language; the
    board measured as of *on*) and the same sheet blank; an export error under them in plain words."""
    ws = state.workspace(workspace_id)
    version = state.version(workspace_id)
    today = state.today()
    sheet_name = t(f"xl.sheet.{sheet}", lang)
    filled_name = file_name(ws["name"], sheet_name, (on if sheet == "board" and on else today).isoformat())
    blank_name = file_name(ws["name"], sheet_name, t("xlui.blank_word", lang), today.isoformat())
    if sheet == "board" and on is not None:
        filled_help = t("xlui.board_help", lang, date=on.isoformat(), file=escape_md(filled_name))
    else:
        filled_help = t("xlui.sheet_help", lang, file=escape_md(filled_name))
    keys = [f"xl_{sheet}_filled", f"xl_{sheet}_blank"]
    with st.container(horizontal=True, gap="small"):
        _button(t("xlui.sheet", lang, sheet=sheet_name), keys[0], version,
                lambda: filled_bytes(store, workspace_id, lang, (sheet,), on, today=today, version=version),
                name=filled_name, help=filled_help)
        _button(t("xlui.blank", lang), keys[1], version, lambda: blank_bytes(sheet, lang, ws["currency"], today=today),
                name=blank_name, help=t("xlui.blank_help", lang, file=escape_md(blank_name)))
    _show_errors(keys, version, lang)


def workbook_section(store: Store, workspace_id: int, lang: str) -> None:
    """The Workspaces page's download of every template in one workbook, one button per language."""
    ws = state.workspace(workspace_id)
    version = state.version(workspace_id)
    day = state.today()
    today = day.isoformat()
    on = today_in(ws["year"], day)          # the board page's default date
    st.subheader(t("xlui.workbook_title", lang))
    st.caption(t("xlui.workbook_caption", lang, date=on.isoformat()))
    keys = [f"xl_workbook_{code}" for code in LANGS]
    with st.container(horizontal=True, gap="small"):
        for key, code in zip(keys, LANGS):
            name = file_name(ws["name"], t("xlui.workbook_word", code), today)
            language = LANG_NAMES[code]
            _button(t("xlui.workbook", lang, language=language), key, version,
                    lambda code=code: filled_bytes(store, workspace_id, code, None, on, today=day, version=version),
                    name=name,
                    help=t("xlui.workbook_help", lang, language=language, file=escape_md(name)), primary=code == lang)
    _show_errors(keys, version, lang)
    st.page_link("pages/excel_import.py", label=t("xlui.import_link", lang), icon="📥")
