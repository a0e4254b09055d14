"""The frame guard (DESIGN.md §3).

With a `pages/` folder beside app.py, Streamlit runs a deep link such as
/okr as that file alone until st.navigation has run once in the process: no
sidebar, no language, no workspace. app.py marks the session; a page that runs
without the mark remembers where the user wanted to go and sends the run back
through app.py, which then switches to that page.
"""
from __future__ import annotations

import streamlit as st

_MARK = "_framed"
_TARGET = "_frame_target"


def mark() -> None:
    st.session_state[_MARK] = True


def guard(url_path: str) -> None:
    """First line of every page: no frame → go through app.py, then come back here."""
    if not st.session_state.get(_MARK):
        st.session_state[_TARGET] = url_path
        st.switch_page("app.py")


def follow_target(pages_by_path: dict) -> None:
    """In app.py, after st.navigation: finish a redirect a guard started."""
    target = st.session_state.pop(_TARGET, None)
    if target and target in pages_by_path:
        st.switch_page(pages_by_path[target])
