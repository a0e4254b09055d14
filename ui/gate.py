"""The workshop gate: in workshop mode nothing but this form is sent to a browser until its passcode is
right, and then its person's name is asked once (the change log records it as the actor)."""
from __future__ import annotations

import os

import streamlit as st

from strategy_core import workshop
from ui import state

_OK = "_workshop_ok"


@st.cache_resource(show_spinner=False)
def _throttle() -> workshop.Throttle:
    return workshop.Throttle()          # one per process: every browser's wrong tries count together


def enabled() -> bool:
    return os.environ.get(workshop.ENV_MODE) == "1"


def passed() -> bool:
    """Whether this browser session may see the workbench (always, outside workshop mode)."""
    return not enabled() or bool(st.session_state.get(_OK) and state.actor())


def page() -> None:
    """The only page a session that has not passed gets: the passcode, then a name."""
    tr = state.tr
    if not st.session_state.get(_OK):
        stored = workshop.load(workshop.passcode_file(state.db_path()))
        st.title(tr("workshop.gate.title"))
        if stored is None:                 # started by hand without a passcode: refuse everyone
            st.error(tr("workshop.gate.no_passcode"))
            st.stop()

        def _check() -> None:
            typed = st.session_state.pop("_workshop_passcode", "") or ""
            if _throttle().check(typed, stored):
                st.session_state[_OK] = True
                st.session_state.pop("_workshop_wrong", None)
            else:
                st.session_state["_workshop_wrong"] = True

        with st.form("workshop_gate", border=True):
            st.text_input(tr("workshop.gate.passcode"), type="password", key="_workshop_passcode")
            st.form_submit_button(tr("workshop.gate.enter"), type="primary", on_click=_check)
        if st.session_state.get("_workshop_wrong"):
            st.error(tr("workshop.gate.wrong"), icon="🔒")
        st.stop()
    if not state.actor():
        st.title(tr("workshop.name.title"))

        def _name() -> None:
            name = (st.session_state.get("_workshop_name") or "").strip()
            if name:
                st.session_state["actor"] = name[:80]

        with st.form("workshop_name", border=True):
            st.text_input(tr("sidebar.actor"), key="_workshop_name", max_chars=80, help=tr("sidebar.actor_help"))
            st.form_submit_button(tr("workshop.name.go"), type="primary", on_click=_name)
        st.stop()
