"""The frame guard (DESIGN.md §3).

With a `pages/` folder beside app.py, Streamlit runs a page file alone — no
sidebar, no language, no workspace — until st.navigation has run once in the
process (a fresh server's first deep link such as /okr; AppTest does the same
on every run). app.py runs each page inside `framed()`; a page that finds
itself outside it remembers where the user wanted to go and sends the run back
through app.py, which then switches to that page.

The mark is per script run (a thread-local set only while app.py runs the
page), so a stale session flag can never let a frameless run through.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import streamlit as st

_TARGET = "_frame_target"
_run = threading.local()


@contextmanager
def framed() -> Iterator[None]:
    """app.py: run the selected page inside this."""
    _run.inside = True
    try:
        yield
    finally:
        _run.inside = False


def guard(url_path: str) -> None:
    """First line of every page: no frame → go through app.py, then come back here."""
    if not getattr(_run, "inside", False):
        # the address may carry the language and the workspace (?lang=zh&ws=3): switching pages drops it,
        # so take it along
        st.session_state[_TARGET] = (url_path, dict(st.query_params))
        st.switch_page("app.py")


def follow_target(pages_by_path: dict) -> None:
    """In app.py, after st.navigation: finish a redirect a guard started."""
    target, query = st.session_state.pop(_TARGET, (None, {}))
    if target and target in pages_by_path:
        st.switch_page(pages_by_path[target], query_params=query or None)
