"""Run the year · The monitoring board: every KR against its target and its expected
pace, every indicator against its threshold, what is furthest behind, the open alerts, and a drill-down
from an objective to its KRs and the objectives aligned below them."""
import datetime as dt
from collections import Counter

import pandas as pd
import pyarrow as pa
import streamlit as st

from strategy_core import bsc, charts, monitor, okr, risk
from strategy_core.numbers import format_money, format_number, format_value
from ui import excel, frame, projector, state
from ui.forms import escape_md
from ui.widgets import status_table, status_word

frame.guard("board")


PAGE_ROWS = 50     # ranking rows per page
PAGE_ALERTS = 10   # alerts per page


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


def _spec(build) -> dict:
    """A chart's spec, its data sets turned into Arrow bytes once (the form Streamlit sends them in)."""
    spec = build().to_dict(validate=False)  # the chart builders are tested; validating costs most of the build
    if isinstance(spec.get("datasets"), dict):
        spec["datasets"] = {name: _arrow_bytes(rows) if isinstance(rows, list) else rows
                            for name, rows in spec["datasets"].items()}
    return spec


@st.cache_resource(show_spinner=False, max_entries=16)
def _view(db: str, wid: int, version: int, on: dt.date, _snap, _board) -> dict:
    """What the page derives from the measured board, once per workspace version and date: lookups,
    the KRs in ranking order, counts, and the drill-down's index (level → team → objectives)."""
    rank = {id_: n for n, (kind, id_, _) in enumerate(_board.ranking) if kind == "key_result"}
    by_level: dict[str, dict[str, list[int]]] = {}
    for o in _snap.objectives:
        by_level.setdefault(o["level"], {}).setdefault(o.get("team") or "", []).append(o["id"])
    kr_of: dict[int, list[dict]] = {}
    for k in _snap.key_results:
        kr_of.setdefault(k["objective_id"], []).append(k)
    aligned: dict[int, list[dict]] = {}
    for o in _snap.objectives:
        if o.get("aligns_to") is not None:
            aligned.setdefault(o["aligns_to"], []).append(o)
    return {
        "objectives": {o["id"]: o for o in _snap.objectives}, "krs": {k["id"]: k for k in _snap.key_results},
        "indicators": {i["id"]: i for i in _snap.indicators},
        "teams": sorted({o["team"] for o in _snap.objectives if o.get("team")}),
        "owners": sorted({k["owner"] for k in _snap.key_results if k.get("owner")}),
        "krs_ranked": sorted(_snap.key_results, key=lambda k: rank.get(k["id"], len(rank))),
        "ind_counts": Counter(i.status for i in _board.indicators.values()),
        "by_level": by_level, "kr_of": kr_of, "aligned": aligned,
    }


def pager(total: int, size: int, key: str) -> tuple[int, int]:
    """The slice [first, last) of *total* items to show, *size* at a time; a page number input
    appears only when there is more than one page."""
    pages = max(1, -(-total // size))
    page = 1
    if pages > 1:
        page = int(st.number_input(tr("board.page", pages=pages), min_value=1, max_value=pages, value=1, step=1,
                                   key=key))
    first = (min(page, pages) - 1) * size
    return first, min(total, first + size)


@st.cache_resource(show_spinner=False, max_entries=16)
def _fired(db: str, wid: int, version: int, on: dt.date, _store, _board) -> list:
    """The risks whose trigger fired, once per workspace version and date."""
    return risk.fired(risk.list_risks(_store, wid), risk.list_plans(_store, wid), _board)


def chart(key: tuple, build) -> None:
    specs = _specs(str(store.path), wid, version, on, lang)
    if key not in specs:
        specs[key] = _spec(build)
    st.vega_lite_chart(spec=projector.styled_spec(dict(specs[key])), width="stretch")

tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("board.title"))
wid = state.require_workspace()

ws = store.get_workspace(wid)
year = ws["year"]
c0, c1, c2, c3, c4 = st.columns([1.1, 1, 1, 1, 1])
on = c0.date_input(tr("board.as_of"), value=state.as_of(year), min_value=dt.date(year, 1, 1),
                   max_value=dt.date(year, 12, 31), key="board_on", format="YYYY-MM-DD")
snap, board = state.board_and_snapshot(store, wid, on)
excel.download_section(store, wid, "board", lang, on=on)
version = store.version(wid)
view = _view(str(store.path), wid, version, on, snap, board)
objectives, krs, indicators = view["objectives"], view["krs"], view["indicators"]
SYM = bsc.COMPARATOR_SYMBOL
KR_STATUSES = ("off_track", "at_risk", "on_track", "outdated", "no_data")
levels = c1.multiselect(tr("okr.filter.level"), okr.LEVELS, format_func=lambda l: tr("okr.level." + l),
                        key="board_f_level", placeholder=tr("common.all"))
teams = c2.multiselect(tr("okr.filter.team"), view["teams"], key="board_f_team", placeholder=tr("common.all"))
owners = c3.multiselect(tr("okr.filter.owner"), view["owners"], key="board_f_owner", placeholder=tr("common.all"))
statuses = c4.multiselect(tr("board.filter.status"), KR_STATUSES, format_func=lambda s: status_word(s, tr),
                          key="board_f_status", placeholder=tr("common.all"))
filtered = bool(levels or teams or owners or statuses)
if filtered:
    shown_obj = {o["id"] for o in okr.filter_objectives(snap.objectives, snap.key_results, levels=levels,
                                                        teams=teams)}
    shown_krs = [k for k in view["krs_ranked"] if k["objective_id"] in shown_obj
                 and (not owners or k.get("owner") in owners)
                 and (not statuses or board.krs[k["id"]].status in statuses)]
else:
    shown_krs = view["krs_ranked"]  # every KR, furthest behind first

# -- at a glance ------------------------------------------------------------------------------------
counts = Counter(board.krs[k["id"]].status for k in shown_krs)
ind_counts = view["ind_counts"]
# two rows (KRs, then indicators): eight counts in one row cut their labels at 1280 px
for col, s in zip(st.columns(len(KR_STATUSES)), KR_STATUSES):
    col.container(border=True).metric(f"KR · {status_word(s, tr)}", counts[s])
for col, s in zip(st.columns(len(KR_STATUSES)), ("red", "yellow", "green")):
    col.container(border=True).metric(f"{tr('board.indicators')} · {status_word(s, tr)}", ind_counts[s])

# -- open alerts ----------------------------------------------------------------------------------------
shown_kr_ids = {k["id"] for k in shown_krs} if filtered else None
alerts = [a for a in board.alerts if a[0] == "indicator" or a[1] in shown_kr_ids] if filtered else board.alerts
fired = _fired(str(store.path), wid, version, on, store, board)
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
    first, last = pager(len(alerts), PAGE_ALERTS, "board_alert_page")
    if len(alerts) > PAGE_ALERTS:
        st.caption(tr("board.alerts_shown", first=first + 1, last=last, total=len(alerts)))
    for kind, id_ in alerts[first:last]:
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
ranked = [r for r in board.ranking if r[0] == "indicator" or r[1] in shown_kr_ids] if filtered else board.ranking
first, last = pager(len(ranked), PAGE_ROWS, "board_rank_page")
codes = []                      # each row's status, to colour its status cell (the bar itself stays neutral)
for kind, id_, behind in ranked[first:last]:
    codes.append((board.krs if kind == "key_result" else board.indicators)[id_].status)
    if kind == "key_result":
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
    status_table(pd.DataFrame(rows), codes, status=tr("common.status"), progress=tr("board.col.progress"),
                 percents=[tr("board.col.expected")], points=[tr("board.col.behind")],
                 wide=[tr("board.col.forecast")])
    if len(ranked) > PAGE_ROWS:
        st.caption(tr("board.rows_shown", first=first + 1, last=last, total=len(ranked)))
    st.caption(tr("board.ranking_caption"))
else:
    st.caption(tr("board.nothing_behind"))

# -- every KR against its target ------------------------------------------------------------------------
words = {"actual": tr("board.series.actual"), "pace": tr("board.series.pace"),
         "forecast": tr("board.series.forecast"), "target": tr("field.target"), "series": tr("board.series"),
         "date": tr("field.date"), "value": tr("board.value")}
st.subheader(tr("board.kr_charts", count=len(shown_krs)))
limit = len(shown_krs) if st.toggle(tr("board.show_all"), key="board_all") else min(12, len(shown_krs))
drawn = {k["id"] for k in shown_krs[:limit]}
by_kr = monitor.points(snap, drawn, on)
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
    # two short choices before the objective, so no select box lists every objective of a large workspace;
    # it starts on the first objective (its level, its team)
    head = snap.objectives[0]
    d1, d2 = st.columns(2)
    levels_here = [lv for lv in okr.LEVELS if lv in view["by_level"]]
    level = d1.selectbox(tr("okr.filter.level"), levels_here, index=levels_here.index(head["level"]),
                         format_func=lambda lv: tr("okr.level." + lv), key="board_drill_level")
    teams_here = list(view["by_level"][level])
    team = d2.selectbox(tr("okr.filter.team"), teams_here,
                        index=teams_here.index(head.get("team") or "") if level == head["level"] else 0,
                        format_func=lambda tm: tm or "—", key="board_drill_team")
    choices = view["by_level"][level][team]
    oid = st.selectbox(tr("okr.select_objective"), choices, key="board_drill",
                       format_func=lambda i: f"[{tr('okr.level.' + objectives[i]['level'])}] {objectives[i]['title'][:70]}")
    roll = board.objectives[oid]
    st.markdown(f"**{escape_md(objectives[oid]['title'])}** — {status_word(roll.status, tr)}"
                + ("" if roll.score is None else f" · {tr('board.score')} {roll.score:.0%}"))
    for k in view["kr_of"].get(oid, []):
        s = board.krs[k["id"]]
        prog = "—" if s.progress is None else f"{s.progress:.0%}"
        lines = [f"- {status_word(s.status, tr)} **{escape_md(k['statement'])}** — {prog}"]
        for child in view["aligned"].get(k["id"], []):  # one element per KR, its aligned objectives in it
            r = board.objectives[child["id"]]
            sc = "—" if r.score is None else f"{r.score:.0%}"
            lines.append(f"    - ↳ [{tr('okr.level.' + child['level'])}] {escape_md(child['title'])} — "
                         f"{status_word(r.status, tr)} · {sc}")
        st.markdown("\n".join(lines))
