"""Day 5–6 · OKR weekly plans: per person and week — the KRs the person owns with last
week's result, this week's plan items (a KR value is recorded as a check-in), confidence and the
help needed; copy last week's open items forward; who has not filed a plan this week."""
import streamlit as st

from strategy_core.plan import okr
from strategy_core.routines import weekly
from strategy_core.views import weekly as views
from ui import excel, frame, state
from ui import weekly as parts
from ui.forms import Form

frame.guard("weekly")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("weekly.title"))
st.caption(tr("weekly.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "weekly", lang)

ws = state.workspace(wid)
year = ws["year"]
today = state.as_of(year)
state.show_as_of(today)
objectives = okr.list_objectives(store, wid)
krs = okr.list_key_results(store, wid)
plans = weekly.list_plans(store, wid)
people = weekly.people(objectives, krs, plans)


# -- whose plan, which week ---------------------------------------------------------------------------
pick = Form("weekly_pick")
owners = weekly.kr_owners(krs)
pick.seed({"person": (owners or people or [None])[0], "week_start": weekly.monday_of(today)})
c1, c2 = st.columns([2, 1])
with c1:
    st.selectbox(tr("field.person"), people, key=pick.k("person"), accept_new_options=True,
                 placeholder=tr("weekly.person_placeholder"), help=tr("weekly.person_help"))
    pick.errors("person")
with c2:
    st.date_input(tr("field.week_start"), key=pick.k("week_start"), format="YYYY-MM-DD", help=tr("weekly.week_help"))
    pick.errors("week_start")
pick.general_errors()
person = (pick.value("person") or "").strip()
picked = pick.value("week_start") or weekly.monday_of(today)
monday = weekly.monday_of(picked)
st.caption(tr("weekly.week_caption", start=views.day(monday), end=views.day(weekly.week_end(monday))))

c = parts.Context(store, wid, tr, lang, krs, plans, today, person, monday, pick)
tab_plan, tab_week = st.tabs([tr("weekly.tab.plan"), tr("weekly.tab.week", week=views.day(monday))])
with tab_plan:
    parts.plan_tab(c)
with tab_week:
    parts.week_tab(c)
