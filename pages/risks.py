"""Day 7 · Risk plans: the risk register with the TOP-3 rule, level, impact in money from the
onion, the trigger that fires it, and plans A/B/C compared by cost per unit of expected result."""
import streamlit as st

from ui import excel, frame, state
from ui import risk as parts

frame.guard("risks")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("risk.title"))
st.caption(tr("risk.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "risk", lang)

ws = state.workspace(wid)
on = state.as_of(ws["year"])
state.show_as_of(on)
snap, board = state.board_and_snapshot(store, wid, on)
c = parts.context(store, wid, ws, snap, board, tr, lang)

parts.fired(c)
parts.register(c)
st.divider()
tab_edit, tab_new = st.tabs([tr("risk.tab.edit"), tr("risk.tab.new")])
with tab_edit:
    parts.edit_tab(c)
with tab_new:
    parts.new_tab(c)
