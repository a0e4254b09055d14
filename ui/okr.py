"""The OKR page's parts: the objective and KR forms with the quality rules checked as the team types,
and the three tabs (the alignment view with strength, the objectives and KRs to edit, a new objective)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

import pandas as pd
import streamlit as st

from strategy_core import charts, quality
from strategy_core.fields import NAME_MAX, TEXT_MAX
from strategy_core.findings import FAIL, WARN, Finding
from strategy_core.numbers import format_number
from strategy_core.plan import bsc, okr
from strategy_core.views import okr as views
from ui import projector, state
from ui.forms import Form, save_and_delete
from ui.widgets import show_findings

OBJ_FIELDS = list(okr.OBJECTIVE_FIELDS)
KR_FIELDS = [*okr.KR_FIELDS, *okr.KR_TRACKING_FIELDS]


@dataclass(frozen=True)
class Context:
    """One run of the page: the workspace's objectives and KRs, their findings and strength."""
    store: Any
    wid: int
    year: int
    objectives: list[dict]
    krs: list[dict]
    findings: list[Finding]
    strength: dict[str, Any]
    tr: Callable[..., str]
    lang: str
    tabs: tuple[str, str, str]

    @cached_property
    def obj_by_id(self) -> dict[int, dict]:
        return {o["id"]: o for o in self.objectives}

    @cached_property
    def kr_by_id(self) -> dict[int, dict]:
        return {k["id"]: k for k in self.krs}

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def level_name(self, level: str) -> str:
        return self.tr("okr.level." + level)

    def kr_choice_label(self, kid: int | None) -> str:
        if kid is None:
            return self.tr("okr.aligns_none")
        k = self.kr_by_id[kid]
        o = self.obj_by_id.get(k["objective_id"], {})
        return f"[{self.level_name(o.get('level', 'company'))}] {k['statement'][:60]} ← {o.get('title', '')[:30]}"


def context(store, wid: int, ws: dict, tr, lang: str, tabs: tuple[str, str, str]) -> Context:
    """What the page reads and checks, once per run."""
    objectives, krs = okr.list_objectives(store, wid), okr.list_key_results(store, wid)
    findings = quality.check_all(objectives, krs, ws["year"])
    return Context(store, wid, ws["year"], objectives, krs, findings,
                   quality.strength_by(findings, objectives, krs), tr, lang, tabs)


def objective_inputs(c: Context, form: Form, objective_id: int | None) -> None:
    """The objective's fields with their errors, and the quality rules on it as typed."""
    c1, c2 = st.columns([1, 3])
    with c1:
        st.selectbox(c.tr("field.level"), okr.LEVELS, key=form.k("level"), format_func=c.level_name)
        form.errors("level")
    with c2:
        st.text_input(c.tr("field.title"), key=form.k("title"), max_chars=NAME_MAX, placeholder=c.tr("okr.title_placeholder"))
        form.errors("title")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.text_input(c.tr("field.owner"), key=form.k("owner"), max_chars=NAME_MAX)
        form.errors("owner")
    with c2:
        st.text_input(c.tr("field.team"), key=form.k("team"), max_chars=NAME_MAX)
        form.errors("team")
    with c3:
        st.date_input(c.tr("field.period_start"), key=form.k("period_start"), min_value=c.year_start,
                      max_value=c.year_end, format="YYYY-MM-DD")
        form.errors("period_start")
    with c4:
        st.date_input(c.tr("field.period_end"), key=form.k("period_end"), min_value=c.year_start, max_value=c.year_end,
                      format="YYYY-MM-DD")
        form.errors("period_end")
    st.selectbox(c.tr("field.perspective"), [None, *bsc.PERSPECTIVES], key=form.k("perspective"),
                 format_func=lambda p: c.tr("map.not_on_map") if p is None else c.tr("bsc.perspective." + p),
                 placeholder=c.tr("map.not_on_map"), help=c.tr("okr.perspective_help"))
    form.errors("perspective")
    level = form.value("level") or "company"
    if level != "company":
        options = views.alignment_options(c.krs, c.obj_by_id, level, objective_id)
        if form.value("aligns_to") not in (None, *options):
            st.session_state[form.k("aligns_to")] = None
        st.selectbox(c.tr("field.aligns_to"), [None, *options], key=form.k("aligns_to"), format_func=c.kr_choice_label,
                     help=c.tr("okr.aligns_help"), placeholder=c.tr("okr.aligns_none"))
        form.errors("aligns_to")
    form.general_errors()
    # the quality rules on the objective as typed: the text alone for a new one, with its KRs otherwise
    draft = {f: form.value(f) for f in OBJ_FIELDS}
    if objective_id is None:
        live = quality.check_statement(draft.get("title") or "", "objective") if draft.get("title") else []
    else:
        live = quality.check_objective({**draft, "id": objective_id},
                                       views.krs_of(c.krs, objective_id))
    show_findings(live, c.lang)


def kr_inputs(c: Context, form: Form, objective_id: int) -> None:
    """A KR's fields (every SPEC §3 field) with their errors, and the quality rules on it as typed."""
    st.text_area(c.tr("field.statement"), key=form.k("statement"), height=68, placeholder=c.tr("okr.kr_placeholder"),
                 max_chars=TEXT_MAX)
    form.errors("statement")
    cols = st.columns(4)
    with cols[0]:
        st.text_input(c.tr("field.metric"), key=form.k("metric"), max_chars=NAME_MAX)
        form.errors("metric")
    with cols[1]:
        st.text_input(c.tr("field.unit"), key=form.k("unit"), max_chars=40)
        form.errors("unit")
    with cols[2]:
        st.number_input(c.tr("field.baseline"), key=form.k("baseline"), format="%.4g")
        form.errors("baseline")
    with cols[3]:
        st.number_input(c.tr("field.target"), key=form.k("target"), format="%.4g")
        form.errors("target")
    cols = st.columns(4)
    with cols[0]:
        st.selectbox(c.tr("field.direction"), [None, *okr.DIRECTIONS], key=form.k("direction"),
                     format_func=lambda d: c.tr("okr.direction.auto") if d is None else c.tr("okr.direction." + d),
                     placeholder=c.tr("okr.direction.auto"))
        form.errors("direction")
    if form.value("direction") == "band":
        with cols[1]:
            st.number_input(c.tr("field.band_low"), key=form.k("band_low"), format="%.4g")
            form.errors("band_low")
        with cols[2]:
            st.number_input(c.tr("field.band_high"), key=form.k("band_high"), format="%.4g")
            form.errors("band_high")
    with cols[3]:
        st.date_input(c.tr("field.deadline"), key=form.k("deadline"), min_value=c.year_start, max_value=c.year_end,
                      format="YYYY-MM-DD")
        form.errors("deadline")
    cols = st.columns(5)
    with cols[0]:
        st.text_input(c.tr("field.owner"), key=form.k("owner"), max_chars=NAME_MAX)
        form.errors("owner")
    with cols[1]:
        st.text_input(c.tr("field.team"), key=form.k("team"), max_chars=NAME_MAX)
        form.errors("team")
    with cols[2]:
        st.number_input(c.tr("field.alert_value"), key=form.k("alert_value"), format="%.4g",
                        help=c.tr("okr.alert_help"))
        form.errors("alert_value")
    with cols[3]:
        st.selectbox(c.tr("field.committed"), [True, False], key=form.k("committed"),
                     format_func=lambda v: c.tr("okr.committed." + ("yes" if v else "no")), help=c.tr("okr.committed_help"))
        form.errors("committed")
    with cols[4]:
        st.number_input(c.tr("field.weight"), key=form.k("weight"), min_value=0.0, step=0.5, format="%.2g",
                        help=c.tr("okr.weight_help"))
        form.errors("weight")
    cols = st.columns(2)
    for i, name in enumerate(("decomposition_logic", "data_support", "execution_steps", "data_source")):
        with cols[i % 2]:
            st.text_area(c.tr("field." + name), key=form.k(name), height=68, placeholder=c.tr("okr.placeholder." + name),
                         max_chars=TEXT_MAX)
            form.errors(name)
    st.markdown(f"**{c.tr('okr.resources')}**")
    cols = st.columns(3)
    for col, name in zip(cols, ("resources_money", "resources_people", "resources_things")):
        with col:
            st.text_area(c.tr("field." + name), key=form.k(name), height=68, placeholder=c.tr("okr.placeholder." + name),
                         max_chars=TEXT_MAX)
            form.errors(name)
    st.text_area(c.tr("field.risk_plan"), key=form.k("risk_plan"), height=68, placeholder=c.tr("okr.placeholder.risk_plan"),
                 max_chars=TEXT_MAX)
    form.errors("risk_plan")
    form.general_errors()
    # the quality rules on what is typed right now, before anything is saved
    draft = {f: form.value(f) for f in KR_FIELDS}
    draft["objective_id"] = objective_id
    if not draft.get("statement"):
        st.caption(c.tr("okr.live_check_hint"))
        return
    live = quality.check_key_result(draft, c.year)
    with st.container(border=True):
        st.markdown(f"**{c.tr('okr.live_check')}**")
        show_findings(live, c.lang, ok_text=c.tr("okr.kr_passes"))
        if any(f.severity in (FAIL, WARN) for f in live):
            st.caption(c.tr("okr.findings_do_not_block"))


def alignment_tab(c: Context, shown: list[dict], shown_krs: list[dict]) -> None:
    """The alignment graph coloured by each box's worst finding, strength of the company and per team."""
    if not c.objectives:
        st.info(c.tr("okr.empty"))
    else:
        status = views.worst(c.findings, [*c.obj_by_id, *c.kr_by_id])
        st.graphviz_chart(okr.alignment_dot(shown, shown_krs, level_names={l: c.level_name(l) for l in okr.LEVELS},
                                            status=status, fontsize=16 if projector.enabled() else 11),
                          width="stretch")
        st.caption(c.tr("okr.alignment_caption"))
        company = c.strength.get("company")
        s1, s2, s3 = st.columns(3)
        s1.metric(c.tr("okr.strength_company"), "—" if company is None else f"{company:.0%}")
        s2.metric(c.tr("okr.count_objectives"), len(shown))
        s3.metric(c.tr("okr.count_krs"), len(shown_krs))
        team_rows = [{"name": name, "strength": v} for name, v in c.strength.get("team", {}).items() if v is not None]
        if team_rows:
            projector.altair_chart(charts.strength_bars(team_rows, title=c.tr("okr.strength_by_team"),
                                                 words={"strength": c.tr("okr.strength"), "team": c.tr("field.team")}),
                            width="stretch")
        ws_findings = [f for f in c.findings if f.entity == "workspace"]
        show_findings(ws_findings, c.lang)


def edit_tab(c: Context, shown: list[dict]) -> None:
    """The objectives shown as a table; one of them to edit, its KRs, one KR to edit or a new one."""
    if not shown:
        st.info(c.tr("okr.empty") if not c.objectives else c.tr("okr.no_match"))
    else:
        st.dataframe(pd.DataFrame([{
            c.tr("field.level"): c.level_name(r["level"]), c.tr("field.title"): r["title"], c.tr("field.owner"): r["owner"],
            c.tr("field.team"): r["team"], c.tr("okr.col.krs"): r["krs"],
            c.tr("okr.strength"): "—" if r["strength"] is None else f"{r['strength']:.0%}",
            c.tr("okr.col.problems"): f"⛔ {r['fails']} · ⚠️ {r['warns']}"}
            for r in views.objective_rows(shown, c.krs, c.findings, c.strength)]), hide_index=True, width="stretch",
                placeholder="—")

        def obj_label(oid: int) -> str:
            o = c.obj_by_id[oid]
            return f"[{c.level_name(o['level'])}] {o['title'][:70]}"

        oid = st.selectbox(c.tr("okr.select_objective"), [o["id"] for o in shown], format_func=obj_label,
                           key="okr_selected")
        o = c.obj_by_id[oid]
        with st.container(border=True):
            st.markdown(f"**{c.tr('okr.edit_objective')}**")
            of = Form(f"okr_obj_{oid}")
            of.seed({f: o[f] for f in OBJ_FIELDS}, row=o)
            objective_inputs(c, of, oid)
            show_findings([f for f in c.findings if f.entity == "objective" and f.entity_id == oid
                           and f.rule.startswith("align")], c.lang)
            n_krs = len(views.krs_of(c.krs, oid))
            save_and_delete(of, OBJ_FIELDS, save=lambda v: okr.update_objective(c.store, oid, v, state.actor(),
                                                                            seen=of.seen()),
                            delete=lambda: okr.delete_objective(c.store, oid, state.actor()),
                            save_key=f"okr_obj_save_{oid}", delete_key=f"okr_obj_del_{oid}",
                            delete_label=c.tr("okr.delete_objective", count=n_krs),
                            deleted=c.tr("common.moved_to_trash", count=1 + n_krs))

        mine = views.krs_of(c.krs, oid)
        st.markdown(f"#### {c.tr('okr.krs_of', count=len(mine))}")
        nxt = st.session_state.get("okr_next")
        if nxt and nxt[1] == oid:          # after a create, the next step where the eye is
            if nxt[0] == "objective":
                st.success(c.tr("okr.next.objective", title=o["title"]), icon="✅")
            elif len(mine) < 2:
                st.success(c.tr("okr.next.kr_more", count=len(mine)), icon="✅")
            else:
                st.success(c.tr("okr.next.kr_done", count=len(mine)), icon="✅")
                c1, c2 = st.columns(2)
                c1.button(c.tr("okr.next.new_objective"), key="okr_next_new_obj",
                          on_click=lambda: st.session_state.update(okr_tab=c.tabs[2], okr_next=None))
                c2.page_link("pages/scorecard.py", label=c.tr("nav.scorecard"), icon="🧭")
        if mine:
            st.dataframe(pd.DataFrame([{
                "KR": k["statement"],
                c.tr("okr.col.from_to"): f"{format_number(k['baseline'], c.lang)} → {format_number(k['target'], c.lang)}"
                                       f" {k.get('unit') or ''}",
                c.tr("field.direction"): c.tr("okr.direction." + k["direction"]) if k.get("direction") else "—",
                c.tr("field.deadline"): k["deadline"].isoformat() if k.get("deadline") else "—",
                c.tr("field.owner"): k.get("owner") or "—",
                c.tr("okr.col.problems"): " ".join("⛔" if sev == FAIL else "⚠️"
                                                 for sev in views.kr_problems(c.findings, k["id"])) or "✅",
            } for k in mine]), hide_index=True, width="stretch", placeholder="—")
        kid = st.selectbox(c.tr("okr.select_kr"), [None, *[k["id"] for k in mine]], key=f"okr_kr_sel_{oid}",
                           format_func=lambda i: c.tr("okr.new_kr") if i is None else c.kr_by_id[i]["statement"][:90],
                           placeholder=c.tr("okr.new_kr"))
        with st.container(border=True):
            if kid is None:
                kf = Form(f"okr_kr_new_{oid}")
                kf.seed({**{f: None for f in KR_FIELDS}, "owner": o.get("owner"), "team": o.get("team"),
                         "committed": True, "weight": 1.0})
                st.markdown(f"**{c.tr('okr.new_kr')}**")
                kr_inputs(c, kf, oid)
                st.button(c.tr("okr.add_kr"), type="primary", key=f"okr_kr_add_{oid}",
                          on_click=kf.submit(lambda v: okr.add_key_result(c.store, oid, v, state.actor()), KR_FIELDS,
                                             ok=c.tr("common.saved"), clear=True,
                                             then=lambda _: st.session_state.update(okr_next=("kr", oid))))
            else:
                k = c.kr_by_id[kid]
                kf = Form(f"okr_kr_{kid}")
                kf.seed({**{f: k[f] for f in KR_FIELDS}, "committed": k["committed"] is not False,
                         "weight": k["weight"] if k["weight"] is not None else 1.0}, row=k)
                st.markdown(f"**{c.tr('okr.edit_kr')}**")
                kr_inputs(c, kf, oid)
                save_and_delete(kf, KR_FIELDS, save=lambda v: okr.update_key_result(c.store, kid, v, state.actor(),
                                                                                 seen=kf.seen()),
                                delete=lambda: okr.delete_key_result(c.store, kid, state.actor()),
                                save_key=f"okr_kr_save_{kid}", delete_key=f"okr_kr_del_{kid}",
                                delete_label=c.tr("okr.delete_kr"), deleted=c.tr("common.moved_to_trash", count=1))


def new_tab(c: Context) -> None:
    """A new objective; once created it opens in the edit tab, where its KRs are written."""
    nf = Form("okr_new_obj")
    nf.seed({"level": "company" if not c.objectives else "department", "title": "", "owner": "", "team": "",
             "period_start": c.year_start, "period_end": c.year_end, "aligns_to": None, "perspective": None})

    def _created(new_id: int) -> None:      # open it where its key results are written next
        st.session_state.update(okr_selected=new_id, okr_tab=c.tabs[1], okr_next=("objective", new_id))

    with st.container(border=True):
        objective_inputs(c, nf, None)
        st.button(c.tr("okr.add_objective"), type="primary", key="okr_new_obj_save",
                  on_click=nf.submit(lambda v: okr.add_objective(c.store, c.wid, v, state.actor()), OBJ_FIELDS,
                                     ok=c.tr("okr.objective_added"), clear=True, then=_created))
