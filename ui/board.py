"""The monitoring board's sections. Each is a fragment: its own widgets (a pager, a "show all" toggle,
the drill-down's choices) rerun that section only, not the app and the other two dozen charts. What a
section shows comes in as arguments from the page's full run, which a change of the date or of a
filter starts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import streamlit as st

from strategy_core import charts
from strategy_core.plan import bsc, okr
from strategy_core.track import monitor
from strategy_core.numbers import format_money, format_number, format_value
from strategy_core.views import board as board_view
from ui import projector
from ui.forms import escape_md
from ui.widgets import status_table, status_word

PAGE_ROWS = 50      # ranking rows per page
PAGE_ALERTS = 10    # alerts per page
CHARTS = 12         # KR charts and indicator charts drawn until all are asked for


@dataclass(frozen=True)
class Board:
    """One full run's board: where it comes from and what was measured."""
    db: str
    wid: int
    version: int
    on: dt.date
    lang: str
    ws: dict
    snap: Any
    board: Any
    view: board_view.BoardView
    tr: Callable[..., str]


def _arrow_bytes(records: list) -> bytes:
    """A chart's data as Arrow IPC bytes, the form Streamlit sends it in (done once, in the cache)."""
    table = pa.Table.from_pandas(pd.DataFrame(records))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@st.cache_resource(show_spinner=False, max_entries=16)
def _specs(db: str, wid: int, version: int, on: dt.date, lang: str) -> dict:
    """The charts' Vega-Lite specs of one workspace version, date and language, filled as charts are
    drawn and shared by every session (a plain dict: a rerun neither hashes a key nor unpickles a spec)."""
    return {}


def _chart(b: Board, key: tuple, build: Callable[[], Any]) -> None:
    specs = _specs(b.db, b.wid, b.version, b.on, b.lang)
    if key not in specs:
        spec = build().to_dict(validate=False)  # the chart builders are tested; validating costs most of the build
        if isinstance(spec.get("datasets"), dict):
            spec["datasets"] = {name: _arrow_bytes(rows) if isinstance(rows, list) else rows
                                for name, rows in spec["datasets"].items()}
        specs[key] = spec
    st.vega_lite_chart(spec=projector.styled_spec(dict(specs[key])), width="stretch")


def pager(total: int, size: int, key: str, tr) -> tuple[int, int]:
    """The slice [first, last) of *total* items to show, *size* at a time; a page number input
    appears only when there is more than one page."""
    pages = board_view.pages(total, size)
    page = 1
    if pages > 1:
        page = int(st.number_input(tr("board.page", pages=pages), min_value=1, max_value=pages, value=1, step=1,
                                   key=key))
    return board_view.page_slice(total, size, page)


@st.fragment
def alerts(b: Board, shown_alerts: list, fired: list) -> None:
    """Open alerts: fired risk triggers with their plan A, then KRs and indicators past their alert line."""
    tr, lang, view, measured = b.tr, b.lang, b.view, b.board
    with st.container(border=True):
        st.subheader(tr("board.alerts", count=len(shown_alerts) + len(fired)))
        if not shown_alerts and not fired:
            st.success(tr("board.no_alerts"), icon="✅")
        for f in fired:
            plan = f["plan"]
            st.error(tr("board.risk_fired", name=f["risk"]["name"], value=format_number(f["value"], lang),
                        comparator=f["comparator"], limit=format_number(f["trigger_value"], lang)), icon="🛡️")
            if plan:
                cost = plan.get("cost")
                st.markdown(f"&nbsp;&nbsp;➡️ **{tr('board.plan_a')}** {escape_md(plan.get('strategy') or '')}"
                            + (f" · {format_money(cost, b.ws['currency'], lang)}" if cost is not None else ""))
        first, last = pager(len(shown_alerts), PAGE_ALERTS, "board_alert_page", tr)
        if len(shown_alerts) > PAGE_ALERTS:
            st.caption(tr("board.alerts_shown", first=first + 1, last=last, total=len(shown_alerts)))
        for kind, id_ in shown_alerts[first:last]:
            if kind == "key_result":
                k, s = view.krs[id_], measured.krs[id_]
                st.error(tr("board.alert_kr", name=k["statement"], value=format_number(s.current, lang),
                            alert=format_number(k["alert_value"], lang), owner=k.get("owner") or "—"), icon="🚨")
                continue
            i, s = view.indicators[id_], measured.indicators[id_]
            msg = tr("board.alert_indicator", name=i["name"], value=format_value(s.latest, i["unit"], lang),
                     target=f"{bsc.COMPARATOR_SYMBOL[i['comparator']]} {format_value(i['target'], i['unit'], lang)}",
                     owner=i.get("owner") or "—")
            if s.red_streak >= 2:
                msg += " " + tr("board.red_streak", count=s.red_streak)
            st.error(msg, icon="🚨")


@st.fragment
def ranking(b: Board, ranked: list) -> None:
    """What is furthest behind: KRs and indicators by points behind their expectation, a page at a time."""
    tr = b.tr
    st.subheader(tr("board.ranking"))
    first, last = pager(len(ranked), PAGE_ROWS, "board_rank_page", tr)
    rows = board_view.ranking_rows(b.view, b.board, ranked[first:last])
    if not rows:
        st.caption(tr("board.nothing_behind"))
        return
    col = {"kind": tr("board.col.kind"), "name": tr("board.col.name"), "owner": tr("field.owner"),
           "progress": tr("board.col.progress"), "expected": tr("board.col.expected"),
           "behind": tr("board.col.behind"), "status": tr("common.status"), "forecast": tr("board.col.forecast")}
    frame = pd.DataFrame([{
        col["kind"]: "KR" if r["kind"] == "key_result" else tr("board.indicator"), col["name"]: r["name"],
        col["owner"]: r["owner"] or "—", col["progress"]: r["progress"], col["expected"]: r["expected"],
        col["behind"]: r["behind"], col["status"]: status_word(r["status"], tr),
        col["forecast"]: "⚠ " + tr("board.forecast_misses") if r["forecast_misses"] else ""} for r in rows])
    # each row's status colours its status cell (the progress bar itself stays neutral)
    status_table(frame, [r["status"] for r in rows], status=col["status"], progress=col["progress"],
                 percents=[col["expected"]], points=[col["behind"]], wide=[col["forecast"]])
    if len(ranked) > PAGE_ROWS:
        st.caption(tr("board.rows_shown", first=first + 1, last=last, total=len(ranked)))
    st.caption(tr("board.ranking_caption"))


@st.fragment
def kr_charts(b: Board, krs: list[dict]) -> None:
    """Every KR against its target, its expected pace and its forecast; twelve unless all are asked for."""
    tr, lang = b.tr, b.lang
    words = {"actual": tr("board.series.actual"), "pace": tr("board.series.pace"),
             "forecast": tr("board.series.forecast"), "target": tr("field.target"), "series": tr("board.series"),
             "date": tr("field.date"), "value": tr("board.value")}
    st.subheader(tr("board.kr_charts", count=len(krs)))
    limit = len(krs) if st.toggle(tr("board.show_all"), key="board_all") else min(CHARTS, len(krs))
    by_kr = monitor.points(b.snap, {k["id"] for k in krs[:limit]}, b.on)
    cols = st.columns(3)
    for n, k in enumerate(krs[:limit]):
        s = b.board.krs[k["id"]]
        pts = by_kr.get(k["id"], [])
        fc = ((s.last_date, s.current), (k["deadline"], s.forecast)) if s.forecast is not None and k.get("deadline") \
            else None
        prog = "—" if s.progress is None else f"{s.progress:.0%}"
        title = f"{status_word(s.status, tr)} · {prog} · {k['statement'][:48]}"
        with cols[n % 3]:
            _chart(b, ("kr", k["id"]), lambda k=k, pts=pts, fc=fc, title=title: charts.kr_chart(
                pts, pace=monitor.pace_line(k, b.view.objectives[k["objective_id"]]), target=k.get("target"),
                forecast=fc, title=title, words=words,
                target_label=f"{tr('field.target')} {format_number(k.get('target'), lang)}"))
            if s.forecast_misses:
                st.caption("⚠ " + tr("board.forecast_misses_caption", value=format_number(s.forecast, lang)))
    if limit < len(krs):
        st.caption(tr("board.more_krs", count=len(krs) - limit))


@st.fragment
def indicator_charts(b: Board) -> None:
    """Every indicator against its threshold and warning band, furthest from its target first."""
    tr, lang, order = b.tr, b.lang, b.view.indicator_order
    if not order:
        return
    st.subheader(tr("board.indicator_charts", count=len(order)))
    words = {"date": tr("field.date"), "value": tr("board.value"), "status": tr("common.status"),
             **{f"status.{s}": status_word(s, tr) for s in board_view.INDICATOR_STATUSES}}
    limit = len(order) if st.toggle(tr("board.show_all_indicators"), key="board_all_ind") else min(CHARTS, len(order))
    cols = st.columns(3)
    for n, iid in enumerate(order[:limit]):
        i, s = b.view.indicators[iid], b.board.indicators[iid]
        sym = bsc.COMPARATOR_SYMBOL[i["comparator"]]
        with cols[n % 3]:
            _chart(b, ("indicator", iid), lambda i=i, s=s, sym=sym: charts.indicator_chart(
                [(d, v, st_) for d, v, st_ in s.history], comparator=i["comparator"], target=i["target"], band=i["band"],
                title=f"{status_word(s.status, tr)} · {i['name']}", words=words,
                target_label=f"{sym} {format_value(i['target'], i['unit'], lang)}"))
    if limit < len(order):
        st.caption(tr("board.more_indicators", count=len(order) - limit))


@st.fragment
def drill_down(b: Board) -> None:
    """An objective → its KRs → the objectives aligned below each. Two short choices (level, team) come
    before the objective, so no select box lists every objective of a large workspace; it starts on the
    first objective."""
    tr, view, measured = b.tr, b.view, b.board
    st.subheader(tr("board.drill"))
    if not view.objectives:
        return
    head = b.snap.objectives[0]
    d1, d2 = st.columns(2)
    levels_here = [lv for lv in okr.LEVELS if lv in view.by_level]
    level = d1.selectbox(tr("okr.filter.level"), levels_here, index=levels_here.index(head["level"]),
                         format_func=lambda lv: tr("okr.level." + lv), key="board_drill_level")
    teams_here = list(view.by_level[level])
    team = d2.selectbox(tr("okr.filter.team"), teams_here,
                        index=teams_here.index(head.get("team") or "") if level == head["level"] else 0,
                        format_func=lambda tm: tm or "—", key="board_drill_team")
    objectives = view.objectives
    oid = st.selectbox(tr("okr.select_objective"), view.by_level[level][team], key="board_drill",
                       format_func=lambda i: f"[{tr('okr.level.' + objectives[i]['level'])}] {objectives[i]['title'][:70]}")
    roll = measured.objectives[oid]
    st.markdown(f"**{escape_md(objectives[oid]['title'])}** — {status_word(roll.status, tr)}"
                + ("" if roll.score is None else f" · {tr('board.score')} {roll.score:.0%}"))
    for k in view.kr_of.get(oid, []):
        s = measured.krs[k["id"]]
        prog = "—" if s.progress is None else f"{s.progress:.0%}"
        lines = [f"- {status_word(s.status, tr)} **{escape_md(k['statement'])}** — {prog}"]
        for child in view.aligned.get(k["id"], []):  # one element per KR, its aligned objectives in it
            r = measured.objectives[child["id"]]
            sc = "—" if r.score is None else f"{r.score:.0%}"
            lines.append(f"    - ↳ [{tr('okr.level.' + child['level'])}] {escape_md(child['title'])} — "
                         f"{status_word(r.status, tr)} · {sc}")
        st.markdown("\n".join(lines))
