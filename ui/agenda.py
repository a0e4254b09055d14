"""The agenda's shared countdown on every page, the large ticking clock of the agenda page, and the
agenda's table editor. The timer lives in the database (strategy_core.routines.agenda), so every participant's
browser shows the same session and the same time left; the bar re-reads it every few seconds."""
from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from strategy_core.routines import agenda
from ui import projector, state
from ui.editor import save_button
from ui.forms import escape_md

REFRESH_S = 15           # how often every open page re-reads the timer


def page_path(key: str) -> str:
    return f"pages/{key}.py"


def timer_line(timer: agenda.Timer, tr) -> str:
    """"⏱ Day 1 · title · 12 min left" (over-run in red), as markdown."""
    s = timer.session
    head = tr("agenda.banner", day=s["day"], title=escape_md(s["title"]))
    if timer.overrun:
        return f"**{head}** · :red[**⛔ {tr('agenda.over', minutes=timer.minutes_left)}**]"
    return f"**{head}** · {tr('agenda.left', minutes=timer.minutes_left)}"


def _bar(workspace_id: int, here: str | None) -> None:
    tr = state.translator(state.lang())
    timer = agenda.timer(agenda.list_sessions(state.store(), workspace_id), state.now())
    if timer is None:
        return
    with st.container(border=True, key="agenda_bar"):
        cols = st.columns([5, 2], vertical_alignment="center")
        cols[0].markdown(timer_line(timer, tr))
        page = timer.session["page"]
        if page != here:
            cols[1].page_link(page_path(page), label=tr("agenda.go", page=tr("nav." + page)), icon="➡️")


def bar(workspace_id: int | None, here: str | None) -> None:
    """At the top of every page: the session running now, its time left (or over-run), and a one-click
    jump to the page it works on. Re-read every REFRESH_S seconds, so a session the facilitator starts
    shows on every laptop without a click."""
    if workspace_id is None or here == "agenda" or not agenda.list_sessions(state.store(), workspace_id):
        return      # (the agenda page shows the timer large)
    st.fragment(_bar, run_every=REFRESH_S)(workspace_id, here)


def ticker(timer: agenda.Timer, tr) -> None:
    """The agenda page's large mm:ss clock, counting down in the browser between reruns (from the
    seconds the server measured, so the laptops' own clocks do not matter). Only digits are written
    into the frame; the session's title is shown by Streamlit."""
    size = 96 if projector.enabled() else 64
    over, under = html.escape(tr("agenda.ticker_over")), html.escape(tr("agenda.ticker_left"))
    st.iframe(f"""
<div id="t" style="font: 700 {size}px/1.1 system-ui, sans-serif; text-align: center"></div>
<div id="w" style="font: 400 {size // 3}px system-ui, sans-serif; text-align: center; color: #333"></div>
<script>
const start = Date.now(), left = {int(timer.left)};
function tick() {{
  const s = left - Math.floor((Date.now() - start) / 1000), a = Math.abs(s);
  const t = document.getElementById("t");
  t.textContent = (s < 0 ? "+" : "") + Math.floor(a / 60) + ":" + String(a % 60).padStart(2, "0");
  t.style.color = s < 0 ? "#b00020" : (s < 300 ? "#8a5a00" : "#111");
  document.getElementById("w").textContent = s < 0 ? "{over}" : "{under}";
}}
tick(); setInterval(tick, 1000);
</script>""", height=size * 2)


def status(session: dict[str, Any], current: dict[str, Any] | None, tr) -> str:
    if current is not None and session["id"] == current["id"]:
        return tr("agenda.status.running")
    return tr("agenda.status.done" if session.get("finished_at") else "agenda.status.waiting")


def editor(store, workspace_id: int, sessions: list[dict[str, Any]], tr) -> None:
    """The whole agenda in one table: change, add and delete sessions, saved in one go (or not at all),
    each problem named by its row; a row someone changed since refuses the save."""
    key = "agenda_editor"
    pages = {p: tr("nav." + p) for p in agenda.PAGES}
    by_label = {v: k for k, v in pages.items()}
    df = pd.DataFrame([{"day": s["day"], "title": s["title"], "minutes": s["minutes"], "page": pages[s["page"]]}
                       for s in sessions], columns=["day", "title", "minutes", "page"])
    st.caption(tr("agenda.edit_help"))
    st.data_editor(df, key=key, num_rows="dynamic", hide_index=True, width="stretch", column_config={
        "day": st.column_config.NumberColumn(tr("agenda.column.day"), min_value=1, max_value=7, step=1, required=True),
        "title": st.column_config.TextColumn(tr("agenda.column.title"), required=True, max_chars=200),
        "minutes": st.column_config.NumberColumn(tr("agenda.column.minutes"), min_value=agenda.MIN_MINUTES,
                                                 max_value=agenda.MAX_MINUTES, step=5, required=True),
        "page": st.column_config.SelectboxColumn(tr("agenda.column.page"), options=list(pages.values()), required=True)},
            placeholder="")
    shown = [dict(s) for s in sessions]

    def _page(change: dict[str, Any]) -> dict[str, Any]:
        return {**change, **({"page": by_label.get(change["page"], change["page"])} if "page" in change else {})}

    save_button(key, tr("agenda.save_edits"), lambda e: agenda.apply_edits(
        store, workspace_id, shown=shown, changed={i: _page(ch) for i, ch in e.changed.items()},
        added=[_page(r) for r in e.added], deleted=e.deleted, actor=state.actor()),
        lambda n: tr("agenda.edits_saved", count=n), primary=True)
