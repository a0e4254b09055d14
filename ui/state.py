"""Session-level state: the cached Store, the language, the current workspace, the actor."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from strategy_core import clock
from strategy_core.track import tracking
from strategy_core.errors import StoreOpenError, WorkbenchError
from strategy_core.i18n import LANGS, lang_from_locale, t
from strategy_core.store.store import Store, default_location


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Store:
    # one root connection per process; the Store hands out a cursor per unit of work
    return Store(path)


@st.cache_resource(show_spinner=False, max_entries=16)
def _board(_store: Store, db: str, workspace_id: int, version: int, on):
    # a resource, not data: shared as is (pages only read it), so a rerun does not unpickle
    # every check-in of a large workspace again
    from strategy_core.track import monitor
    snap = monitor.snapshot(_store, workspace_id)
    return snap, monitor.board(snap, on)


def board(store: Store, workspace_id: int, on: dt.date):
    """The workspace's measured state as of *on*, cached until the workspace changes."""
    return board_and_snapshot(store, workspace_id, on)[1]


def board_and_snapshot(store: Store, workspace_id: int, on: dt.date):
    # the database is part of the key: two databases can hold the same workspace id at the same version
    return _board(store, store.key, workspace_id, version(workspace_id), on)


# -- what a run reads of the database once -------------------------------------------------------------
# The sidebar, the undo button, the caches' keys and the page all need the workspace list, the current
# workspace's row and its version. They are read once per run and kept here until the run ends or a
# write of this process commits (Store.writes), so a page that saves and goes on sees its own change.

def begin_run() -> None:
    """Forget the last run's reads (app.py, first thing): every full run reads the database afresh."""
    st.session_state.pop("_reads", None)


def _reads() -> dict:
    s = store()
    memo = st.session_state.get("_reads")
    if memo is None or memo["writes"] != s.writes or memo["db"] != s.key:
        memo = {"writes": s.writes, "db": s.key, "version": {}}
        st.session_state["_reads"] = memo
    return memo


def workspaces() -> list[dict]:
    """The workspaces that are not in the trash, newest year first (read once per run)."""
    memo = _reads()
    if "workspaces" not in memo:
        memo["workspaces"] = store().list_workspaces()
    return memo["workspaces"]


def workspace(workspace_id: int) -> dict:
    """The workspace's row (read once per run); NotFoundError if it is not there."""
    for w in workspaces():
        if w["id"] == workspace_id:
            return w
    return store().get_workspace(workspace_id)      # raises the usual NotFoundError


def version(workspace_id: int) -> int:
    """The workspace's version (Store.version), read once per run."""
    memo = _reads()["version"]
    if workspace_id not in memo:
        memo[workspace_id] = store().version(workspace_id)
    return memo[workspace_id]


@st.cache_resource(show_spinner=False, max_entries=64)
def _last_undoable(_store: Store, db: str, workspace_id: int, version: int):
    return _store.last_undoable(workspace_id)


def last_undoable(workspace_id: int) -> dict | None:
    """The change the undo button offers, once per workspace version (the query groups the whole change log)."""
    s = store()
    return _last_undoable(s, s.key, workspace_id, version(workspace_id))


def db_path() -> str:
    """The database this app serves: $WORKBENCH_DB (a DuckDB file or a server's URL), else data/workbench.duckdb."""
    return str(default_location())


def store() -> Store:
    """The process's Store; on a file that cannot be opened, say why in plain words and stop."""
    try:
        return _open(db_path())
    except StoreOpenError as e:
        st.error(e.text(lang()))
        st.stop()


def today() -> dt.date:
    """Today, for this run: the app's one reading of the clock ($WORKBENCH_TODAY pins it)."""
    try:
        return clock.today()
    except WorkbenchError as e:     # a bad $WORKBENCH_TODAY: say so, never guess a date
        st.error(e.text(lang()))
        st.stop()


def now() -> dt.datetime:
    """Now, for the agenda's shared timer (the day pinned like `today`)."""
    try:
        return clock.now()
    except WorkbenchError as e:
        st.error(e.text(lang()))
        st.stop()


def as_of(year: int) -> dt.date:
    """The day a workspace of *year* is shown as of: today inside the plan year, else its last
    (or first) day — the board's default date."""
    return tracking.today_in(year, today())


def show_as_of(on: dt.date) -> None:
    """Say which day the numbers below are measured on."""
    st.caption(tr("common.as_of", date=on.isoformat()))


def load_demo(language: str) -> int:
    """Load the demo company as of today; the flash names its plan year and the day it is told as of."""
    from strategy_core import demo
    day = today()
    wid = demo.load(store(), language, actor=actor(), today=day)
    year = workspace(wid)["year"]
    flash(tr("home.demo_loaded", year=year, date=demo.story_date(year, day).isoformat()))
    return wid


def lang() -> str:
    if "lang" not in st.session_state:
        asked = st.query_params.get("lang")
        st.session_state["lang"] = asked if asked in LANGS else lang_from_locale(st.context.locale)
    return st.session_state["lang"]


def tr(key: str, **params) -> str:
    """t() in the session's language (inside a script run or a callback)."""
    return t(key, lang(), **params)


def translator(language: str):
    """t() bound to *language*: for format_func and anything Streamlit may call outside the run."""
    def bound(key: str, **params) -> str:
        return t(key, language, **params)
    return bound


def actor() -> str | None:
    return st.session_state.get("actor") or None


def workspace_id() -> int | None:
    """The current workspace, falling back to the newest one that exists."""
    wanted = st.session_state.get("workspace_id")
    asked = st.query_params.get("ws") if wanted is None else None
    if wanted is None:  # a reload starts a new session: the URL remembers the workspace
        try:
            wanted = int(st.query_params.get("ws", ""))
        except ValueError:
            wanted = None
    live = workspaces()
    if wanted is not None and any(w["id"] == wanted for w in live):
        return wanted
    if asked:           # an address naming a workspace that is not there: say so, never switch silently
        flash(tr("common.ws_unknown", id=asked[:20], name=live[0]["name"] if live else "—"), icon="⚠️")
    if live:
        st.session_state["workspace_id"] = live[0]["id"]
        return live[0]["id"]
    st.session_state.pop("workspace_id", None)
    return None


def adopt_address() -> None:
    """A redirect from the frame guard carries the address the user typed: read its language and
    workspace into the session before anything else looks at them."""
    pending = st.session_state.get("_frame_target")
    query = pending[1] if isinstance(pending, tuple) else {}
    if query.get("lang") in LANGS:
        st.session_state["lang"] = query["lang"]
    if str(query.get("ws", "")).isdigit():
        st.session_state["workspace_id"] = int(query["ws"])
    if query.get("projector") == "1":
        st.session_state["projector"] = True


def remember_in_url(workspace: int | None) -> None:
    """Keep the language and the workspace in the address, so a reload (or a bookmark) lands where it was."""
    wanted = {"lang": lang(), **({"ws": str(workspace)} if workspace is not None else {})}
    if any(st.query_params.get(k) != v for k, v in wanted.items()):
        st.query_params.update(wanted)
    if workspace is None and "ws" in st.query_params:
        del st.query_params["ws"]


def require_workspace() -> int:
    """The current workspace; without one, say how to get one and stop the page."""
    wid = workspace_id()
    if wid is None:
        st.info(tr("common.no_workspace"))
        st.page_link("pages/workspaces.py", label=tr("nav.workspaces"), icon="🗂️")
        st.stop()
    return wid


def set_workspace(wid: int | None) -> None:
    if wid is None:
        st.session_state.pop("workspace_id", None)
    else:
        st.session_state["workspace_id"] = wid


def flash(message: str, icon: str = "✅") -> None:
    """A message shown once on the next run (survives the rerun a callback triggers)."""
    st.session_state.setdefault("_flash", []).append((message, icon))


def show_flash() -> None:
    for message, icon in st.session_state.pop("_flash", []):
        st.toast(message, icon=icon)
