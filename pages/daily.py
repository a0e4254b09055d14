"""Day 5–6 · BSC daily data reports: per day (and optionally per owner) the indicators
due that day, each reading against its target with its status, a comment for every red one, submit;
and a calendar of the working days without a submitted report."""
import pandas as pd
import streamlit as st

from strategy_core.plan import bsc
from strategy_core.routines import daily
from strategy_core.track import tracking
from strategy_core.views import daily as views
from ui import daily as calendar
from ui import editor, excel, frame, state
from ui.forms import Form, action_button, escape_md
from ui.widgets import status_word

frame.guard("daily")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("daily.title"))
st.caption(tr("daily.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "daily", lang)

ws = state.workspace(wid)
year = ws["year"]
today = state.as_of(year)
state.show_as_of(today)
indicators = bsc.list_indicators(store, wid)
readings = tracking.list_readings(store, wid)
reports = daily.list_reports(store, wid)
owners = list(dict.fromkeys(i["owner"].strip() for i in indicators if i.get("owner") and i["owner"].strip()))

# -- which day, whose report --------------------------------------------------------------------------
pick = Form("daily_pick")
pick.seed({"day": today, "owner": ""})
c1, c2 = st.columns([1, 2])
with c1:
    st.date_input(tr("field.day"), key=pick.k("day"), format="YYYY-MM-DD")
    pick.errors("day")
with c2:
    st.selectbox(tr("field.owner"), ["", *owners], key=pick.k("owner"), help=tr("daily.owner_help"),
                 format_func=lambda o: o or tr("daily.whole_company"))
    pick.errors("owner")
pick.general_errors()
day = pick.value("day") or today
owner = pick.value("owner") or None
report = daily.find_report(reports, day, owner)
rows = daily.report_rows(indicators, readings, report, day, owner)


if not indicators:
    st.info(tr("daily.no_indicators"))
    st.page_link("pages/scorecard.py", label=tr("nav.scorecard"), icon="🧭")
elif report is None:
    who = owner or tr("daily.whole_company")
    st.info(tr("daily.no_report", day=day.isoformat(), owner=who))
    if rows:
        st.markdown(f"**{tr('daily.due_title', count=len(rows))}**")
        st.dataframe(pd.DataFrame([{
            tr("daily.col.indicator"): r["name"], tr("field.target"): views.target_text(r, lang),
            tr("field.frequency"): tr("bsc.frequency." + r["frequency"]), tr("field.owner"): r["owner"] or "—",
        } for r in rows]), hide_index=True, width="stretch", placeholder="—")
        st.caption(tr("daily.due_rule"))
    else:
        st.caption(tr("daily.nothing_due"))
    st.button(tr("daily.start"), type="primary", key="daily_start",
              on_click=pick.submit(lambda v: daily.create_report(store, wid, v["day"], v["owner"] or None, None,
                                                                 state.actor(), today=state.today()),
                                   ["day", "owner"], ok=tr("daily.started")))
else:
    rid = report["id"]
    if report["submitted_at"] is not None:
        st.success(tr("daily.submitted_at", at=report["submitted_at"].strftime("%Y-%m-%d %H:%M")), icon="✅")
    else:
        st.warning(tr("daily.draft"), icon="✏️")
    st.subheader(tr("daily.report_title", day=day.isoformat(), owner=report["owner"] or tr("daily.whole_company")))
    base = [{"indicator_id": r["indicator_id"], "indicator": r["name"], "target": views.target_text(r, lang),
             "frequency": tr("bsc.frequency." + r["frequency"]), "value": r["value"], "comment": r["comment"],
             "status": status_word(r["status"], tr)} for r in rows]
    df = pd.DataFrame(base, columns=["indicator_id", "indicator", "target", "frequency", "value", "comment", "status"])
    df["value"] = df["value"].astype("float64")
    df["comment"] = df["comment"].fillna("")
    f = Form(f"daily_report_{rid}")
    if rows:
        st.data_editor(df, key=f.k("readings"), num_rows="fixed", hide_index=True, width="stretch",
                       disabled=("indicator", "target", "frequency", "status"),
                       column_order=("indicator", "target", "frequency", "value", "comment", "status"),
                       column_config={
                           "indicator": st.column_config.TextColumn(tr("daily.col.indicator"), width="medium"),
                           "target": st.column_config.TextColumn(tr("field.target")),
                           "frequency": st.column_config.TextColumn(tr("field.frequency")),
                           "value": st.column_config.NumberColumn(tr("field.value"), format="%.4g"),
                           "comment": st.column_config.TextColumn(tr("field.comment"), width="large", max_chars=5000),
                           "status": st.column_config.TextColumn(tr("common.status"))}, placeholder="")
        st.caption(tr("daily.table_caption"))
    else:
        st.caption(tr("daily.nothing_due"))
    f.errors("readings")
    f.general_errors()
    red = [r["name"] for r in rows if r["status"] == "red" and not r["comment"]]
    if red:
        st.markdown(f":red[⚠ {escape_md(tr('daily.red_hint', names='、'.join(red) if lang == 'zh' else ', '.join(red)))}]")

    def values_from(delta) -> dict:
        return views.changed_readings(base, editor.edits(delta).changed)

    def _submit(v: dict) -> None:
        changes = values_from(v["readings"])
        if changes:
            daily.save_readings(store, rid, changes, state.actor())
        daily.submit(store, rid, state.actor())

    b = st.columns(3)
    with b[0]:
        st.button(tr("daily.save"), key=f"daily_save_{rid}",
                  on_click=f.submit(lambda v: daily.save_readings(store, rid, values_from(v["readings"]),
                                                                  state.actor()),
                                    ["readings"], ok=tr("common.saved"), clear=True))
    with b[1]:
        st.button(tr("daily.submit") if report["submitted_at"] is None else tr("daily.save_submitted"),
                  type="primary", key=f"daily_submit_{rid}",
                  on_click=f.submit(_submit, ["readings"], ok=tr("daily.submitted"), clear=True))
    with b[2]:
        action_button(tr("daily.delete"), lambda: daily.delete_report(store, rid, state.actor()),
                      key=f"daily_delete_{rid}", ok=tr("common.moved_to_trash", count=1), help=tr("daily.delete_help"))

st.divider()
calendar.missing_days(reports, year, today, owner, tr)
