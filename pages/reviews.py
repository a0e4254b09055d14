"""Day 5–6 · Strategy review minutes and the loop: prepare a monthly OKR review, a quarterly
BSC analysis or the annual review from the data, hold it (causes, attendees, adjustments) with the measured
response to the adjustments of the review before; the minutes held so far; the annual iteration into the
next year (keep, add, retire; copy the plan with new targets to fill)."""
import streamlit as st

from strategy_core.routines import review
from ui import excel, frame, state
from ui import review as sections

frame.guard("reviews")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("review.title"))
st.caption(tr("review.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "review", lang)

ws = state.workspace(wid)
today = state.as_of(ws["year"])
state.show_as_of(today)
snap, _ = state.board_and_snapshot(store, wid, today)
c = sections.context(store, wid, ws, today, snap, tr, lang)

for due in review.overdue_reviews(store, wid, today):
    st.warning(tr("review.overdue", kind=c.kind_word(due.kind), period=due.label), icon="⏰")
open_adj = review.open_adjustments(store, wid, today)
if open_adj:
    st.caption(tr("review.open_count", count=len(open_adj), late=sum(1 for a in open_adj if a["overdue"])))

tab_hold, tab_minutes, tab_annual = st.tabs([tr("review.tab.hold"), tr("review.tab.minutes"),
                                             tr("review.tab.annual")])
with tab_hold:
    sections.hold_tab(c)
with tab_minutes:
    sections.minutes_tab(c)
with tab_annual:
    sections.annual_tab(c)
