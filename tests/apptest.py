"""Helpers to drive the real app (app.py + st.navigation) with AppTest on a temp database."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit import config as st_config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


_original_init = PagesManager.__init__


def _steady_init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


def steady_navigation(on: bool) -> None:
    """AppTest resets Streamlit's page mode before every run, so with a pages/ folder each run starts in
    the legacy mode a real server has only until its first st.navigation call (DESIGN.md §3). Page tests
    run in the steady state a real server is in after that; tests of the frame guard turn it off."""
    PagesManager.__init__ = _steady_init if on else _original_init


def open_app(db_path: Path, *, lang: str = "en", page: str | None = None, workspace_id: int | None = None,
             timeout: float = 30, steady: bool = True) -> AppTest:
    """Run app.py on *db_path*; optionally switch to pages/<page>.py. The Store cache is cleared first,
    so each test opens its own file."""
    steady_navigation(steady)
    os.environ["WORKBENCH_DB"] = str(db_path)
    # AppTest keeps an unpicklable dict of its own in session state; the app's own keys are checked
    # for serializability by test_pages.test_session_state_is_serializable instead.
    st_config.set_option("runner.enforceSerializableSessionState", False)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    if workspace_id is not None:
        at.session_state["workspace_id"] = workspace_id
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Every piece of visible text of the last run, joined (for assertions on what a user reads)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "success", "warning",
                 "error", "metric", "toast", "expander"):
        for el in at.get(kind):
            for attr in ("value", "label", "body"):
                v = getattr(el, attr, None)
                if isinstance(v, str):
                    parts.append(v)
                    break
    return "\n".join(parts)
