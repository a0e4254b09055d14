"""The weekly-plan page's two tabs: one person's plan for a week (their KRs as last week left them,
confidence, help needed, this week's items — a KR value on an item is recorded as a check-in — and
carrying open items forward), and the week across people (who has not filed, who asks for help)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd
import streamlit as st

from strategy_core.routines import weekly
from strategy_core.views import weekly as views
from ui import editor, state
from ui.forms import Form, action_button, escape_md
from ui.widgets import status_word


@dataclass(frozen=True)
class Context:
    """One run of the page: the workspace's KRs and plans, and whose week is picked."""
    store: Any
    wid: int
    tr: Callable[..., str]
    lang: str
    krs: list[dict]
    plans: list[dict]
    today: dt.date
    person: str
    monday: dt.date
    pick: Form


def plan_tab(c: Context) -> None:
    """The person's plan for the week, or a button to start it."""
    store, wid, tr, lang = c.store, c.wid, c.tr, c.lang
    krs, plans, person, monday, pick = c.krs, c.plans, c.person, c.monday, c.pick
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
                tr("field.statement"): r["statement"], tr("weekly.col.last_value"): r["last_value"],
                tr("weekly.col.last_date"): r["last_date"], tr("weekly.col.target"): r["target"],
                tr("weekly.col.progress"): r["progress"], tr("weekly.col.expected"): r["expected"],
                tr("common.status"): status_word(r["status"], tr), tr("field.deadline"): r["deadline"],
            } for r in views.owned_rows(owned, lang)]), hide_index=True, width="stretch", column_config={
                tr("weekly.col.progress"): st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100),
                tr("weekly.col.expected"): st.column_config.NumberColumn(format="%d%%")}, placeholder="—")
            st.caption(tr("weekly.krs_caption", date=views.day(weekly.result_as_of(monday))))
        else:
            st.caption(tr("weekly.no_owned_krs"))

        if plan is None:
            st.info(tr("weekly.no_plan", person=person, week=views.day(monday)))
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
            st.subheader(tr("weekly.plan_title", person=p["person"], week=views.day(p["week_start"])))
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
            by_label = views.kr_labels(krs, [r["key_result_id"] for r in owned])
            labels = {v: k for k, v in by_label.items()}
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
                               "done": st.column_config.CheckboxColumn(tr("weekly.col.done"), default=False)},
                                   placeholder="")
            fi.errors("items")
            fi.general_errors()

            def rows_from(delta) -> list[dict]:
                """The editor's rows after the user's edits, with the KR named by id."""
                return views.items_from(editor.rows_after(base_rows, delta), by_label)

            def _carry(_v: dict) -> None:
                count, week = weekly.carry_forward(store, pid, state.actor())
                state.flash(tr("weekly.carried", count=count, week=views.day(week)) if count
                            else tr("weekly.nothing_to_carry", week=views.day(week)))

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
            done, total = views.done_count(p["items"])
            st.caption(tr("weekly.items_done", done=done, total=total))


def week_tab(c: Context) -> None:
    """The week across people: who has not filed, each plan's items, the help asked for."""
    store, tr, lang, krs, plans, monday = c.store, c.tr, c.lang, c.krs, c.plans, c.monday
    missing = weekly.missing_people(krs, plans, monday)
    if not weekly.kr_owners(krs):
        st.info(tr("weekly.no_kr_owners"))
    elif missing:
        st.warning(tr("weekly.missing", count=len(missing), week=views.day(monday),
                      people="、".join(missing) if lang == "zh" else ", ".join(missing)), icon="📝")
    else:
        st.success(tr("weekly.all_filed", week=views.day(monday)), icon="✅")
    this_week = [weekly.get_plan(store, p_["id"]) for p_ in plans if p_["week_start"] == monday]
    if this_week:
        st.dataframe(pd.DataFrame([{
            tr("field.person"): p_["person"],
            tr("field.confidence"): p_["confidence"] if p_["confidence"] is not None else "—",
            tr("weekly.col.items"): tr("weekly.items_done_short", **dict(zip(("done", "total"),
                                                                             views.done_count(p_["items"])))),
            tr("field.help_needed"): p_["help_needed"] or "",
        } for p_ in this_week]), hide_index=True, width="stretch", placeholder="—")
    else:
        st.caption(tr("weekly.none_this_week"))
    asks = [p_ for p_ in this_week if p_["help_needed"]]
    if asks:
        st.markdown(f"**{tr('weekly.help_title')}**")
        for p_ in asks:
            st.markdown(f"- **{escape_md(p_['person'])}**{'：' if lang == 'zh' else ': '}{escape_md(p_['help_needed'])}")
