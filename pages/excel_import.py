"""Settings · Import from Excel: upload an edited workbook, see every add / change / remove (old → new)
or every problem by sheet and cell, then apply it in one transaction that one Undo takes back."""
import streamlit as st

from ui import excel_import, frame, state

frame.guard("excel_import")
tr = state.translator(state.lang())
wid = state.require_workspace()

store = state.store()
lang = state.lang()
st.title(tr("xlimp.title"))
st.markdown(tr("xlimp.intro"))
st.caption(tr("xlimp.accepted"))
excel_import.section(store, wid, lang)
