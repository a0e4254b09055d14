"""Day 5–6 · OKR weekly plans: per person and week — the KRs the person owns with last
week's result, this week's plan items (a KR value is recorded as a check-in), confidence and the
help needed; copy last week's open items forward; who has not filed a plan this week."""
import datetime as dt

import pandas as pd
import streamlit as st

from strategy_core.plan import okr
from strategy_core.routines import weekly
from strategy_core.numbers import format_number
from ui import editor, excel, frame, state
from ui.forms import Form, action_button, escape_md
from ui.widgets import status_word

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
kr_by_id = {k["id"]: k for k in krs}
plans = weekly.list_plans(store, wid)
people = weekly.people(objectives, krs, plans)


def fmt_date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


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
st.caption(tr("weekly.week_caption", start=fmt_date(monday), end=fmt_date(weekly.week_end(monday))))

tab_plan, tab_week = st.tabs([tr("weekly.tab.plan"), tr("weekly.tab.week", week=fmt_date(monday))])

with tab_plan:
    if not person:
        st.info(tr("weekly.pick_person"))
    else:
        plan = weekly.find_plan(plans, person, monday)
        # last week's result: the KRs the person owns, as the board saw them at the end of last week
        snap, board = state.board_and_snapshot(store, wid, weekly.result_as_of(monday))
        owned = weekly.prefill_rows(snap.objectives, snap.key_results, board, person, monday)
        st.subheader(tr("weekly.krs_title", person=person))
        if owned:
            st.dataframe(pd.DataFrame([{
                tr("field.statement"): r["statement"],
                tr("weekly.col.last_value"): f"{format_number(r['last_value'], lang)} {r['unit'] or ''}".strip()
                if r["last_value"] is not None else "—",
                tr("weekly.col.last_date"): fmt_date(r["last_date"]),
                tr("weekly.col.target"): f"{format_number(r['baseline'], lang)} → {format_number(r['target'], lang)}"
                                         f" {r['unit'] or ''}".strip(),
                tr("weekly.col.progress"): None if r["progress"] is None else round(100 * r["progress"]),
                tr("weekly.col.expected"): None if r["expected"] is None else round(100 * r["expected"]),
                tr("common.status"): status_word(r["status"], tr),
                tr("field.deadline"): fmt_date(r["deadline"]),
            } for r in owned]), hide_index=True, width="stretch", column_config={
                tr("weekly.col.progress"): st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100),
                tr("weekly.col.expected"): st.column_config.NumberColumn(format="%d%%")})
            st.caption(tr("weekly.krs_caption", date=fmt_date(weekly.result_as_of(monday))))
        else:
            st.caption(tr("weekly.no_owned_krs"))

        if plan is None:
            st.info(tr("weekly.no_plan", person=person, week=fmt_date(monday)))
            carry = st.checkbox(tr("weekly.start_with_carry"), value=True, key="weekly_start_carry")

            def _start(v: dict) -> int:
                pid = weekly.create_plan(store, wid, v["person"], v["week_start"], {}, state.actor(),
                                         today=state.today())
                if carry and weekly.previous_plan(store, pid) is not None:
                    weekly.carry_forward(store, pid, state.actor())
                return pid

            st.button(tr("weekly.start"), type="primary", key="weekly_start",
                      on_click=pick.submit(_start, ["person", "week_start"], ok=tr("weekly.started")))
        else:
            p = weekly.get_plan(store, plan["id"])
            pid = p["id"]
            st.subheader(tr("weekly.plan_title", person=p["person"], week=fmt_date(p["week_start"])))
            f = Form(f"weekly_plan_{pid}")
            f.seed({"confidence": p["confidence"] if p["confidence"] is not None else 7,
                    "help_needed": p["help_needed"] or "", "last_week_result": p["last_week_result"] or ""}, row=p)
            with st.container(border=True):
                st.text_area(tr("field.last_week_result"), key=f.k("last_week_result"), height=80,
                             help=tr("weekly.last_week_help"))
                f.errors("last_week_result")
                c = st.columns([1, 2])
                with c[0]:
                    st.slider(tr("field.confidence"), 0, 10, key=f.k("confidence"), help=tr("track.confidence_help"))
                    f.errors("confidence")
                with c[1]:
                    st.text_area(tr("field.help_needed"), key=f.k("help_needed"), height=80,
                                 placeholder=tr("weekly.help_placeholder"))
                    f.errors("help_needed")
                f.general_errors()
                st.button(tr("common.save"), key=f"weekly_save_{pid}", type="primary",
                          on_click=f.submit(lambda v: weekly.update_plan(store, pid, v, state.actor(), seen=f.seen()),
                                            list(weekly.PLAN_FIELDS), ok=tr("common.saved")))

            # -- this week's items ---------------------------------------------------------------------
            st.subheader(tr("weekly.items_title"))
            st.caption(tr("weekly.items_caption"))
            owned_ids = [r["key_result_id"] for r in owned]
            order = owned_ids + [k["id"] for k in krs if k["id"] not in owned_ids]
            labels: dict[int, str] = {}
            for kid in order:
                base = kr_by_id[kid]["statement"][:60]
                labels[kid] = base if base not in labels.values() else f"{base} (#{kid})"
            by_label = {v: k for k, v in labels.items()}
            base_rows = [{"id": i["id"], "text": i["text"], "kr": labels.get(i["key_result_id"]),
                          "kr_value": i["kr_value"], "done": i["done"]} for i in p["items"]]
            df = pd.DataFrame(base_rows, columns=["id", "text", "kr", "kr_value", "done"])
            df["kr_value"] = df["kr_value"].astype("float64")
            df["done"] = df["done"].astype("bool")
            fi = Form(f"weekly_items_{pid}")
            st.data_editor(df, key=fi.k("items"), num_rows="dynamic", hide_index=True, width="stretch",
                           column_order=("text", "kr", "kr_value", "done"), column_config={
                               "text": st.column_config.TextColumn(tr("field.item_text"), width="large", max_chars=500),
                               "kr": st.column_config.SelectboxColumn(tr("field.key_result_id"),
                                                                      options=list(by_label), width="medium"),
                               "kr_value": st.column_config.NumberColumn(tr("field.kr_value"), format="%.4g",
                                                                         help=tr("weekly.kr_value_help")),
                               "done": st.column_config.CheckboxColumn(tr("weekly.col.done"), default=False)})
            fi.errors("items")
            fi.general_errors()

            def rows_from(delta) -> list[dict]:
                """The editor's rows after the user's edits, with the KR named by id."""
                out = []
                for r in editor.rows_after(base_rows, delta):
                    kr = r.get("kr")
                    out.append({"id": r.get("id"), "text": r.get("text"), "kr_value": r.get("kr_value"),
                                "done": r.get("done"), "key_result_id": by_label.get(kr, kr) if kr else None})
                return out

            def _carry(_v: dict) -> None:
                count, week = weekly.carry_forward(store, pid, state.actor())
                state.flash(tr("weekly.carried", count=count, week=fmt_date(week)) if count
                            else tr("weekly.nothing_to_carry", week=fmt_date(week)))

            b = st.columns(3)
            with b[0]:
                st.button(tr("weekly.save_items"), type="primary", key=f"weekly_items_save_{pid}",
                          on_click=fi.submit(lambda v: weekly.set_items(store, pid, rows_from(v["items"]),
                                                                        state.actor(), today=state.today()),
                                             ["items"], ok=tr("common.saved"), clear=True))
            with b[1]:
                st.button(tr("weekly.carry"), key=f"weekly_carry_{pid}", help=tr("weekly.carry_help"),
                          on_click=fi.submit(_carry, ["items"], clear=True))
            with b[2]:
                action_button(tr("weekly.delete"), lambda: weekly.delete_plan(store, pid, state.actor()),
                              key=f"weekly_delete_{pid}", ok=tr("common.moved_to_trash", count=1),
                              help=tr("common.delete_help"))
            done = sum(1 for i in p["items"] if i["done"])
            st.caption(tr("weekly.items_done", done=done, total=len(p["items"])))

with tab_week:
    missing = weekly.missing_people(krs, plans, monday)
    if not weekly.kr_owners(krs):
        st.info(tr("weekly.no_kr_owners"))
    elif missing:
        st.warning(tr("weekly.missing", count=len(missing), week=fmt_date(monday),
                      people="、".join(missing) if lang == "zh" else ", ".join(missing)), icon="📝")
    else:
        st.success(tr("weekly.all_filed", week=fmt_date(monday)), icon="✅")
    this_week = [weekly.get_plan(store, p_["id"]) for p_ in plans if p_["week_start"] == monday]
    if this_week:
        st.dataframe(pd.DataFrame([{
            tr("field.person"): p_["person"],
            tr("field.confidence"): p_["confidence"] if p_["confidence"] is not None else "—",
            tr("weekly.col.items"): tr("weekly.items_done_short", done=sum(1 for i in p_["items"] if i["done"]),
                                       total=len(p_["items"])),
            tr("field.help_needed"): p_["help_needed"] or "",
        } for p_ in this_week]), hide_index=True, width="stretch")
    else:
        st.caption(tr("weekly.none_this_week"))
    asks = [p_ for p_ in this_week if p_["help_needed"]]
    if asks:
        st.markdown(f"**{tr('weekly.help_title')}**")
        for p_ in asks:
            st.markdown(f"- **{escape_md(p_['person'])}**{'：' if lang == 'zh' else ': '}{escape_md(p_['help_needed'])}")
