"""Run the year · The monitoring board: every KR against its target and its expected pace, every
indicator against its threshold, what is furthest behind, the open alerts, and a drill-down from an
objective to its KRs and the objectives aligned below them."""
import datetime as dt

import streamlit as st

from strategy_core.plan import okr
from strategy_core.routines import risk
from strategy_core.views import board as board_view
from ui import board as sections
from ui import excel, frame, state
from ui.widgets import status_word

frame.guard("board")


@st.cache_resource(show_spinner=False, max_entries=16)
def _view(db: str, wid: int, version: int, on: dt.date, _snap, _board) -> board_view.BoardView:
    return board_view.build(_snap, _board)


@st.cache_resource(show_spinner=False, max_entries=16)
def _fired(db: str, wid: int, version: int, on: dt.date, _store, _board) -> list:
    """The risks whose trigger fired, once per workspace version and date."""
    return risk.fired(risk.list_risks(_store, wid), risk.list_plans(_store, wid), _board)


tr = state.translator(state.lang())
store = state.store()
lang = state.lang()
st.title(tr("board.title"))
wid = state.require_workspace()
ws = state.workspace(wid)
year = ws["year"]
c0, c1, c2, c3, c4 = st.columns([1.1, 1, 1, 1, 1])
on = c0.date_input(tr("board.as_of"), value=state.as_of(year), min_value=dt.date(year, 1, 1),
                   max_value=dt.date(year, 12, 31), key="board_on", format="YYYY-MM-DD")
snap, measured = state.board_and_snapshot(store, wid, on)
excel.download_section(store, wid, "board", lang, on=on)
version = state.version(wid)
db = store.key
view = _view(db, wid, version, on, snap, measured)
levels = c1.multiselect(tr("okr.filter.level"), okr.LEVELS, format_func=lambda l: tr("okr.level." + l),
                        key="board_f_level", placeholder=tr("common.all"))
teams = c2.multiselect(tr("okr.filter.team"), view.teams, key="board_f_team", placeholder=tr("common.all"))
owners = c3.multiselect(tr("okr.filter.owner"), view.owners, key="board_f_owner", placeholder=tr("common.all"))
statuses = c4.multiselect(tr("board.filter.status"), board_view.KR_STATUSES,
                          format_func=lambda s: status_word(s, tr), key="board_f_status", placeholder=tr("common.all"))
shown = board_view.shown(view, snap, measured, levels=levels, teams=teams, owners=owners, statuses=statuses)

# at a glance, in two rows (KRs, then indicators): eight counts in one row cut their labels at 1280 px
for col, s in zip(st.columns(len(board_view.KR_STATUSES)), board_view.KR_STATUSES):
    col.container(border=True).metric(f"KR · {status_word(s, tr)}", shown.counts[s])
for col, s in zip(st.columns(len(board_view.KR_STATUSES)), board_view.INDICATOR_STATUSES):
    col.container(border=True).metric(f"{tr('board.indicators')} · {status_word(s, tr)}", view.indicator_counts[s])

b = sections.Board(db=db, wid=wid, version=version, on=on, lang=lang, ws=ws, snap=snap, board=measured, view=view,
                   tr=tr)
sections.alerts(b, shown.alerts, _fired(db, wid, version, on, store, measured))
sections.ranking(b, shown.ranked)
sections.kr_charts(b, shown.krs)
sections.indicator_charts(b)
sections.drill_down(b)
