"""The facilitator's agenda: the two workshop days and the plan for days 3–7, each session with its
time box and page; the shared countdown with start / next / finish / more time, and the agenda's editor."""
import streamlit as st

from strategy_core.routines import agenda
from strategy_core.numbers import format_number
from ui import agenda as agenda_ui, frame, state
from ui.forms import action_button, escape_md

frame.guard("agenda")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("agenda.title"))
st.caption(tr("agenda.intro"))
wid = state.require_workspace()
sessions = agenda.list_sessions(store, wid)

if not sessions:
    st.info(tr("agenda.empty"))
    action_button(tr("agenda.load_default"), lambda: agenda.load_default(store, wid, lang, state.actor()),
                  key="agenda_default", ok=tr("agenda.loaded", count=len(agenda.DEFAULT)), type="primary")
    st.stop()

now = state.now()
timer = agenda.timer(sessions, now)
current = timer.session if timer else None
upcoming = agenda.following(sessions, current)

with st.container(border=True):
    if timer is None:
        st.markdown(f"### {tr('agenda.idle')}")
    else:
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            st.caption(f"{tr('agenda.now')} · {tr('agenda.day', day=current['day'])}")
            st.markdown(f"## {escape_md(current['title'])}")
            st.page_link(agenda_ui.page_path(current["page"]), icon="➡️",
                         label=tr("agenda.go", page=tr("nav." + current["page"])))
        with right:
            agenda_ui.ticker(timer, tr)
    st.caption(tr("agenda.next", title=upcoming["title"]) if upcoming else tr("agenda.no_next"))
    b = st.columns(3)
    with b[0]:
        if upcoming is not None or timer is not None:
            label = tr("agenda.start_next" if timer else "agenda.start_first")
            action_button(label, lambda: agenda.start_next(store, wid, state.now(), state.actor()),
                          key="agenda_next", type="primary",
                          ok=tr("agenda.started", title=upcoming["title"]) if upcoming else tr("agenda.through"))
    if timer is not None:
        with b[1]:
            action_button(tr("agenda.finish"),
                          lambda: agenda.finish(store, current["id"], state.now(), state.actor(), seen=current),
                          key="agenda_finish", ok=tr("agenda.finished", title=current["title"]))
        with b[2]:
            action_button(tr("agenda.extend", minutes=agenda.EXTEND_MINUTES),
                          lambda: agenda.extend(store, current["id"], state.actor(), seen=current),
                          key="agenda_extend",
                          ok=tr("agenda.extended", minutes=current["minutes"] + agenda.EXTEND_MINUTES))

totals = agenda.day_totals(sessions)
for day in sorted(totals):
    hours, minutes = divmod(totals[day], 60)
    st.subheader(tr("agenda.day_total", day=day, hours=hours, minutes=minutes)
                 + (f" {tr('agenda.day_plan')}" if day > 2 else ""))
    for s in (s for s in sessions if s["day"] == day):
        row = st.columns([2, 7, 2, 3, 2], vertical_alignment="center")
        row[0].markdown(agenda_ui.status(s, current, tr))
        row[1].markdown(f"**{escape_md(s['title'])}**" if current and s["id"] == current["id"]
                        else escape_md(s["title"]))
        row[2].markdown(tr("agenda.minutes", minutes=format_number(s["minutes"], lang)))
        row[3].page_link(agenda_ui.page_path(s["page"]), label=tr("nav." + s["page"]))
        with row[4]:
            action_button(tr("agenda.start"), lambda s=s: agenda.start(store, s["id"], state.now(), state.actor(), seen=s),
                          key=f"agenda_start_{s['id']}", ok=tr("agenda.started", title=s["title"]),
                          disabled=current is not None and s["id"] == current["id"])

with st.expander(tr("agenda.edit")):
    agenda_ui.editor(store, wid, sessions, tr)
