"""Entry point: page config, language, workspace, and the navigation along the seven days.

app.py only routes: each page under pages/ reads and writes through strategy_core.
"""
import streamlit as st

from strategy_core.i18n import LANG_NAMES, LANGS
from ui import frame, frontend_words, gate, projector, state
from ui.agenda import bar as agenda_bar
from ui.forms import reset_all_forms, undo_button

state.adopt_address()
st.set_page_config(page_title="Strategy workbench", page_icon="🧭", layout="wide",
                   initial_sidebar_state="collapsed" if projector.enabled() else "auto")
lang = state.lang()
tr = state.translator(lang)
projector.apply_style()
frontend_words.apply(lang)   # Streamlit's own English ("Page not found", the uploader's words) in zh
PAGES = {
    "home": st.Page("pages/home.py", title=tr("nav.home"), icon="🏠", url_path="home", default=True),
    "onion": st.Page("pages/onion.py", title=tr("nav.onion"), icon="🧅", url_path="onion"),
    "okr": st.Page("pages/okr.py", title=tr("nav.okr"), icon="🎯", url_path="okr"),
    "scorecard": st.Page("pages/scorecard.py", title=tr("nav.scorecard"), icon="🧭", url_path="scorecard"),
    "strategy_map": st.Page("pages/strategy_map.py", title=tr("nav.strategy_map"), icon="🗺️",
                            url_path="strategy_map"),
    "board": st.Page("pages/board.py", title=tr("nav.board"), icon="📊", url_path="board"),
    "checkins": st.Page("pages/checkins.py", title=tr("nav.checkins"), icon="✍️", url_path="checkins"),
    "weekly": st.Page("pages/weekly.py", title=tr("nav.weekly"), icon="🗓️", url_path="weekly"),
    "daily": st.Page("pages/daily.py", title=tr("nav.daily"), icon="📋", url_path="daily"),
    "reviews": st.Page("pages/reviews.py", title=tr("nav.reviews"), icon="🔁", url_path="reviews"),
    "risks": st.Page("pages/risks.py", title=tr("nav.risks"), icon="🛡️", url_path="risks"),
    "agenda": st.Page("pages/agenda.py", title=tr("nav.agenda"), icon="⏱️", url_path="agenda"),
    "presenter": st.Page("pages/presenter.py", title=tr("nav.presenter"), icon="🎬", url_path="presenter"),
    "workspaces": st.Page("pages/workspaces.py", title=tr("nav.workspaces"), icon="🗂️", url_path="workspaces"),
    "excel_import": st.Page("pages/excel_import.py", title=tr("nav.excel_import"), icon="📥",
                            url_path="excel_import"),
}
if not gate.passed():      # workshop mode: nothing of the workbench before the passcode and a name
    # the gate answers at every page's address, so a deep link is kept (not "Page not found") and opens
    # once the passcode and a name are given
    st.navigation([st.Page(gate.page, title=tr("workshop.gate.title"), icon="🔒", url_path=p.url_path,
                           default=(key == "home")) for key, p in PAGES.items()], position="hidden").run()
    st.stop()
store = state.store()
state.begin_run()
nav = st.navigation({
    tr("nav.section.overview"): [PAGES["home"], PAGES["agenda"], PAGES["presenter"]],
    tr("nav.section.decoding"): [PAGES["onion"], PAGES["okr"]],
    tr("nav.section.scorecard"): [PAGES["scorecard"], PAGES["strategy_map"]],
    tr("nav.section.templates"): [PAGES["weekly"], PAGES["daily"], PAGES["reviews"]],
    tr("nav.section.risks"): [PAGES["risks"]],
    tr("nav.section.run"): [PAGES["board"], PAGES["checkins"]],
    tr("nav.section.settings"): [PAGES["workspaces"], PAGES["excel_import"]],
}, expanded=True)   # all 15 pages listed: a collapsed list ends in Streamlit's own "View more", in English
frame.follow_target(PAGES)

with st.sidebar:
    def _set_lang() -> None:
        st.session_state["lang"] = st.session_state["_lang_choice"]

    st.session_state["_lang_choice"] = lang
    st.radio(tr("sidebar.language"), LANGS, key="_lang_choice", horizontal=True,
             format_func=LANG_NAMES.get, on_change=_set_lang)
    projector.switch(tr("sidebar.projector"), tr("sidebar.projector_help"))

    workspaces = state.workspaces()
    wid = state.workspace_id()
    if workspaces:
        ids = [w["id"] for w in workspaces]
        names = {w["id"]: f"{w['name']} · {w['year']}" for w in workspaces}

        def _switch() -> None:
            state.set_workspace(st.session_state["_ws_choice"])
            reset_all_forms()

        st.session_state["_ws_choice"] = wid
        st.selectbox(tr("sidebar.workspace"), ids, key="_ws_choice", format_func=names.get, on_change=_switch)
        undo_button(store, wid, key="undo_sidebar")
        current = next(w for w in workspaces if w["id"] == wid)
        st.caption(tr("sidebar.workspace_caption", year=current["year"],
                      industry=tr("industry." + current["industry"]), currency=current["currency"]))
    else:
        st.caption(tr("sidebar.no_workspace"))

    def _set_actor() -> None:
        st.session_state["actor"] = st.session_state["_actor_input"].strip()

    st.session_state["_actor_input"] = st.session_state.get("actor", "")
    st.text_input(tr("sidebar.actor"), key="_actor_input", on_change=_set_actor, help=tr("sidebar.actor_help"),
                  max_chars=80)

state.show_flash()
state.remember_in_url(wid)          # (wid: read once, in the sidebar above)
agenda_bar(wid, nav.url_path)    # the workshop's countdown, on every page
with frame.framed():
    nav.run()
