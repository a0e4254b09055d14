"""Run the year · The monitoring board: every KR against its target and its expected
pace, every indicator against its threshold, what is furthest behind, the open alerts, and a drill-down
from an objective to its KRs and the objectives aligned below them."""
import datetime as dt

import pandas as pd
import streamlit as st

from strategy_core import bsc, charts, monitor, okr, risk, tracking
from strategy_core.numbers import format_money, format_number, format_value
from ui import excel, frame, state
from ui.forms import escape_md
from ui.widgets import status_word

frame.guard("board")


@st.cache_data(show_spinner=False, max_entries=512)
def _spec(key: tuple, _build) -> dict:
    """A chart's Vega-Lite spec, built once per workspace version, date, language and chart (the page
    reruns on every click; rebuilding and validating dozens of Altair charts each time is the slow part)."""
    return _build().to_dict()


def chart(key: tuple, build) -> None:
    st.vega_lite_chart(spec=_spec((str(store.path), wid, version, on, lang, *key), build), width="stretch")

tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("board.title"))
wid = state.require_workspace()

ws = store.get_workspace(wid)
year = ws["year"]
c0, c1, c2, c3, c4 = st.columns([1.1, 1, 1, 1, 1])
on = c0.date_input(tr("board.as_of"), value=tracking.today_in(year), min_value=dt.date(year, 1, 1),
                   max_value=dt.date(year, 12, 31), key="board_on", format="YYYY-MM-DD")
snap, board = state.board_and_snapshot(store, wid, on)
excel.download_section(store, wid, "board", lang, on=on)
version = store.version(wid)
objectives = {o["id"]: o for o in snap.objectives}
krs = {k["id"]: k for k in snap.key_results}
indicators = {i["id"]: i for i in snap.indicators}
SYM = bsc.COMPARATOR_SYMBOL
KR_STATUSES = ("off_track", "at_risk", "on_track", "outdated", "no_data")
levels = c1.multiselect(tr("okr.filter.level"), okr.LEVELS, format_func=lambda l: tr("okr.level." + l),
                        key="board_f_level", placeholder=tr("common.all"))
teams = c2.multiselect(tr("okr.filter.team"), sorted({o["team"] for o in snap.objectives if o.get("team")}),
                       key="board_f_team", placeholder=tr("common.all"))
owners = c3.multiselect(tr("okr.filter.owner"), sorted({k["owner"] for k in snap.key_results if k.get("owner")}),
                        key="board_f_owner", placeholder=tr("common.all"))
statuses = c4.multiselect(tr("board.filter.status"), KR_STATUSES, format_func=lambda s: status_word(s, tr),
                          key="board_f_status", placeholder=tr("common.all"))
shown_obj = {o["id"] for o in okr.filter_objectives(snap.objectives, snap.key_results, levels=levels, teams=teams)}
shown_krs = [k for k in snap.key_results if k["objective_id"] in shown_obj
             and (not owners or k.get("owner") in owners)
             and (not statuses or board.krs[k["id"]].status in statuses)]

# -- at a glance ------------------------------------------------------------------------------------
counts = {s: sum(1 for k in shown_krs if board.krs[k["id"]].status == s) for s in KR_STATUSES}
ind_counts = {s: sum(1 for i in board.indicators.values() if i.status == s)
              for s in ("green", "yellow", "red", "outdated", "no_data")}
m = st.columns(8)
for col, s in zip(m, KR_STATUSES):
    col.metric(f"KR · {status_word(s, tr)}", counts[s])
m[5].metric(f"{tr('board.indicators')} · {status_word('green', tr)}", ind_counts["green"])
m[6].metric(f"{tr('board.indicators')} · {status_word('yellow', tr)}", ind_counts["yellow"])
m[7].metric(f"{tr('board.indicators')} · {status_word('red', tr)}", ind_counts["red"])

# -- open alerts ----------------------------------------------------------------------------------------
shown_kr_ids = {k["id"] for k in shown_krs}
alerts = [a for a in board.alerts if a[0] == "indicator" or a[1] in shown_kr_ids]
fired = risk.fired(risk.list_risks(store, wid), risk.list_plans(store, wid), board)
with st.container(border=True):
    st.subheader(tr("board.alerts", count=len(alerts) + len(fired)))
    if not alerts and not fired:
        st.success(tr("board.no_alerts"), icon="✅")
    for f in fired:
        plan = f["plan"]
        st.error(tr("board.risk_fired", name=f["risk"]["name"], value=format_number(f["value"], lang),
                    comparator=f["comparator"], limit=format_number(f["trigger_value"], lang)), icon="🛡️")
        if plan:
            st.markdown(f"&nbsp;&nbsp;➡️ **{tr('board.plan_a')}** {escape_md(plan.get('strategy') or '')}"
                        + (f" · {format_money(plan['cost'], ws['currency'], lang)}" if plan.get("cost") is not None
                           else ""))
    for kind, id_ in alerts:
        if kind == "key_result":
            k, s = krs[id_], board.krs[id_]
            st.error(tr("board.alert_kr", name=k["statement"], value=format_number(s.current, lang),
                        alert=format_number(k["alert_value"], lang), owner=k.get("owner") or "—"), icon="🚨")
        else:
            i, s = indicators[id_], board.indicators[id_]
            sym = SYM[i["comparator"]]
            msg = tr("board.alert_indicator", name=i["name"], value=format_value(s.latest, i["unit"], lang),
                     target=f"{sym} {format_value(i['target'], i['unit'], lang)}",
                     owner=i.get("owner") or "—")
            if s.red_streak >= 2:
                msg += " " + tr("board.red_streak", count=s.red_streak)
            st.error(msg, icon="🚨")

# -- ranking: what is furthest behind -----------------------------------------------------------------
st.subheader(tr("board.ranking"))
rows = []
shown_ids = shown_kr_ids
for kind, id_, behind in board.ranking:
    if kind == "key_result" and id_ in shown_ids:
        k, s = krs[id_], board.krs[id_]
        rows.append({tr("board.col.kind"): "KR", tr("board.col.name"): k["statement"],
                     tr("field.owner"): k.get("owner") or "—",
                     tr("board.col.progress"): None if s.progress is None else round(100 * s.progress),
                     tr("board.col.expected"): None if s.expectation is None else round(100 * s.expectation),
                     tr("board.col.behind"): round(100 * behind),
                     tr("common.status"): status_word(s.status, tr),
                     tr("board.col.forecast"): "⚠ " + tr("board.forecast_misses") if s.forecast_misses else ""})
    elif kind == "indicator":
        i, s = indicators[id_], board.indicators[id_]
        rows.append({tr("board.col.kind"): tr("board.indicator"), tr("board.col.name"): i["name"],
                     tr("field.owner"): i.get("owner") or "—",
                     tr("board.col.progress"): None if s.achievement is None else round(100 * s.achievement),
                     tr("board.col.expected"): 100, tr("board.col.behind"): round(100 * behind),
                     tr("common.status"): status_word(s.status, tr), tr("board.col.forecast"): ""})
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        tr("board.col.progress"): st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100),
        tr("board.col.expected"): st.column_config.NumberColumn(format="%d%%"),
        tr("board.col.behind"): st.column_config.NumberColumn(format="%d pp")})
    st.caption(tr("board.ranking_caption"))
else:
    st.caption(tr("board.nothing_behind"))

# -- every KR against its target ------------------------------------------------------------------------
words = {"actual": tr("board.series.actual"), "pace": tr("board.series.pace"),
         "forecast": tr("board.series.forecast"), "target": tr("field.target"), "series": tr("board.series"),
         "date": tr("field.date"), "value": tr("board.value")}
st.subheader(tr("board.kr_charts", count=len(shown_krs)))
order = {id_: n for n, (kind, id_, _) in enumerate(board.ranking) if kind == "key_result"}
shown_krs.sort(key=lambda k: order.get(k["id"], len(order)))
limit = len(shown_krs) if st.toggle(tr("board.show_all"), key="board_all") else min(12, len(shown_krs))
drawn = {k["id"] for k in shown_krs[:limit]}
by_kr: dict[int, list] = {}
for c in snap.check_ins:
    if c["key_result_id"] in drawn and c["date"] <= on:
        by_kr.setdefault(c["key_result_id"], []).append((c["date"], c["value"]))
cols = st.columns(3)
for n, k in enumerate(shown_krs[:limit]):
    s = board.krs[k["id"]]
    pts = by_kr.get(k["id"], [])
    fc = ((s.last_date, s.current), (k["deadline"], s.forecast)) if s.forecast is not None and k.get("deadline") else None
    prog = "—" if s.progress is None else f"{s.progress:.0%}"
    title = f"{status_word(s.status, tr)} · {prog} · {k['statement'][:48]}"
    with cols[n % 3]:
        chart(("kr", k["id"]), lambda k=k, pts=pts, fc=fc, title=title: charts.kr_chart(
            pts, pace=monitor.pace_line(k, objectives[k["objective_id"]]), target=k.get("target"), forecast=fc,
            title=title, words=words, target_label=f"{tr('field.target')} {format_number(k.get('target'), lang)}"))
        if s.forecast_misses:
            st.caption("⚠ " + tr("board.forecast_misses_caption", value=format_number(s.forecast, lang)))
if limit < len(shown_krs):
    st.caption(tr("board.more_krs", count=len(shown_krs) - limit))

# -- every indicator against its threshold ----------------------------------------------------------------
if board.indicators:
    st.subheader(tr("board.indicator_charts", count=len(board.indicators)))
    iwords = {"date": tr("field.date"), "value": tr("board.value"), "status": tr("common.status"),
              **{f"status.{s}": status_word(s, tr) for s in ("green", "yellow", "red")}}
    # the indicators furthest from their targets first; twelve unless all are asked for
    behind = {id_: n for n, (kind, id_, _) in enumerate(board.ranking) if kind == "indicator"}
    ind_order = sorted(board.indicators, key=lambda i: behind.get(i, len(behind)))
    ind_limit = len(ind_order) if st.toggle(tr("board.show_all_indicators"), key="board_all_ind") \
        else min(12, len(ind_order))
    cols = st.columns(3)
    for n, iid in enumerate(ind_order[:ind_limit]):
        i, s = indicators[iid], board.indicators[iid]
        with cols[n % 3]:
            chart(("indicator", iid), lambda i=i, s=s: charts.indicator_chart(
                [(d, v, st_) for d, v, st_ in s.history], comparator=i["comparator"], target=i["target"],
                band=i["band"], title=f"{status_word(s.status, tr)} · {i['name']}", words=iwords,
                target_label=f"{SYM[i['comparator']]} {format_value(i['target'], i['unit'], lang)}"))
    if ind_limit < len(ind_order):
        st.caption(tr("board.more_indicators", count=len(ind_order) - ind_limit))

# -- drill-down --------------------------------------------------------------------------------------------
st.subheader(tr("board.drill"))
if objectives:
    oid = st.selectbox(tr("okr.select_objective"), list(objectives), key="board_drill",
                       format_func=lambda i: f"[{tr('okr.level.' + objectives[i]['level'])}] {objectives[i]['title'][:70]}")
    roll = board.objectives[oid]
    st.markdown(f"**{escape_md(objectives[oid]['title'])}** — {status_word(roll.status, tr)}"
                + ("" if roll.score is None else f" · {tr('board.score')} {roll.score:.0%}"))
    for k in [k for k in snap.key_results if k["objective_id"] == oid]:
        s = board.krs[k["id"]]
        prog = "—" if s.progress is None else f"{s.progress:.0%}"
        st.markdown(f"- {status_word(s.status, tr)} **{escape_md(k['statement'])}** — {prog}")
        for child in [o for o in snap.objectives if o.get("aligns_to") == k["id"]]:
            r = board.objectives[child["id"]]
            sc = "—" if r.score is None else f"{r.score:.0%}"
            st.markdown(f"    - ↳ [{tr('okr.level.' + child['level'])}] {escape_md(child['title'])} — "
                        f"{status_word(r.status, tr)} · {sc}")
