"""Day 1–2 · The OKR cascade: company → department → employee objectives, their KRs,
the alignment view, and the quality rules checked as the team types."""
import streamlit as st

from strategy_core.plan import okr
from strategy_core.views import okr as views
from ui import excel, frame, state
from ui import okr as parts

frame.guard("okr")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("okr.title"))
st.caption(tr("okr.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "okr", lang)

TABS = (tr("okr.tab.alignment"), tr("okr.tab.edit"), tr("okr.tab.new"))
c = parts.context(store, wid, state.workspace(wid), tr, lang, TABS)

teams, owners = views.filter_choices(c.objectives, c.krs)
f1, f2, f3 = st.columns(3)
levels_f = f1.multiselect(tr("okr.filter.level"), okr.LEVELS, format_func=c.level_name, key="okr_f_level",
                          placeholder=tr("common.all"))
teams_f = f2.multiselect(tr("okr.filter.team"), teams, key="okr_f_team", placeholder=tr("common.all"))
owners_f = f3.multiselect(tr("okr.filter.owner"), owners, key="okr_f_owner", placeholder=tr("common.all"))
shown = okr.filter_objectives(c.objectives, c.krs, levels=levels_f, teams=teams_f, owners=owners_f)
shown_ids = {o["id"] for o in shown}

if st.session_state.get("okr_tab") not in TABS:      # (a language switch renames the tabs)
    st.session_state.pop("okr_tab", None)
tab_view, tab_edit, tab_new = st.tabs(list(TABS), key="okr_tab", on_change="rerun")
with tab_view:
    parts.alignment_tab(c, shown, [k for k in c.krs if k["objective_id"] in shown_ids])
with tab_edit:
    parts.edit_tab(c, shown)
with tab_new:
    parts.new_tab(c)
