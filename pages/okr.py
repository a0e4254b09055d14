"""Day 1–2 · The OKR cascade: company → department → employee objectives, their KRs,
the alignment view, and the quality rules checked as the team types."""
import datetime as dt

import pandas as pd
import streamlit as st

from strategy_core import charts, quality
from strategy_core.plan import bsc, okr
from strategy_core.findings import FAIL, WARN
from strategy_core.numbers import format_number
from strategy_core.fields import NAME_MAX, TEXT_MAX
from ui import excel, frame, projector, state
from ui.forms import Form, escape_md, save_and_delete
from ui.widgets import show_findings

frame.guard("okr")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("okr.title"))
st.caption(tr("okr.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "okr", lang)

ws = state.workspace(wid)
year = ws["year"]
objectives = okr.list_objectives(store, wid)
krs = okr.list_key_results(store, wid)
obj_by_id = {o["id"]: o for o in objectives}
kr_by_id = {k["id"]: k for k in krs}
findings = quality.check_all(objectives, krs, year)
strength = quality.strength_by(findings, objectives, krs)
level_name = lambda lvl: tr("okr.level." + lvl)
OBJ_FIELDS = list(okr.OBJECTIVE_FIELDS)
KR_FIELDS = [*okr.KR_FIELDS, *okr.KR_TRACKING_FIELDS]
YEAR_START, YEAR_END = dt.date(year, 1, 1), dt.date(year, 12, 31)


def kr_choice_label(kid: int | None) -> str:
    if kid is None:
        return tr("okr.aligns_none")
    k = kr_by_id[kid]
    o = obj_by_id.get(k["objective_id"], {})
    return f"[{level_name(o.get('level', 'company'))}] {k['statement'][:60]} ← {o.get('title', '')[:30]}"


def objective_inputs(form: Form, objective_id: int | None) -> None:
    c1, c2 = st.columns([1, 3])
    with c1:
        st.selectbox(tr("field.level"), okr.LEVELS, key=form.k("level"), format_func=level_name)
        form.errors("level")
    with c2:
        st.text_input(tr("field.title"), key=form.k("title"), max_chars=NAME_MAX, placeholder=tr("okr.title_placeholder"))
        form.errors("title")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.text_input(tr("field.owner"), key=form.k("owner"), max_chars=NAME_MAX)
        form.errors("owner")
    with c2:
        st.text_input(tr("field.team"), key=form.k("team"), max_chars=NAME_MAX)
        form.errors("team")
    with c3:
        st.date_input(tr("field.period_start"), key=form.k("period_start"), min_value=YEAR_START,
                      max_value=YEAR_END, format="YYYY-MM-DD")
        form.errors("period_start")
    with c4:
        st.date_input(tr("field.period_end"), key=form.k("period_end"), min_value=YEAR_START, max_value=YEAR_END,
                      format="YYYY-MM-DD")
        form.errors("period_end")
    st.selectbox(tr("field.perspective"), [None, *bsc.PERSPECTIVES], key=form.k("perspective"),
                 format_func=lambda p: tr("map.not_on_map") if p is None else tr("bsc.perspective." + p),
                 placeholder=tr("map.not_on_map"), help=tr("okr.perspective_help"))
    form.errors("perspective")
    level = form.value("level") or "company"
    if level != "company":
        own = {k["id"] for k in krs if k["objective_id"] == objective_id}
        wanted = okr.parent_level(level)
        options = [k["id"] for k in krs if k["id"] not in own
                   and obj_by_id.get(k["objective_id"], {}).get("level") in okr.LEVELS[:okr.LEVELS.index(level)]]
        options.sort(key=lambda i: obj_by_id[kr_by_id[i]["objective_id"]]["level"] != wanted)
        if form.value("aligns_to") not in (None, *options):
            st.session_state[form.k("aligns_to")] = None
        st.selectbox(tr("field.aligns_to"), [None, *options], key=form.k("aligns_to"), format_func=kr_choice_label,
                     help=tr("okr.aligns_help"), placeholder=tr("okr.aligns_none"))
        form.errors("aligns_to")
    form.general_errors()
    # the quality rules on the objective as typed: the text alone for a new one, with its KRs otherwise
    draft = {f: form.value(f) for f in OBJ_FIELDS}
    if objective_id is None:
        live = quality.check_statement(draft.get("title") or "", "objective") if draft.get("title") else []
    else:
        live = quality.check_objective({**draft, "id": objective_id},
                                       [k for k in krs if k["objective_id"] == objective_id])
    show_findings(live, lang)


def kr_inputs(form: Form, objective_id: int) -> None:
    st.text_area(tr("field.statement"), key=form.k("statement"), height=68, placeholder=tr("okr.kr_placeholder"),
                 max_chars=TEXT_MAX)
    form.errors("statement")
    c = st.columns(4)
    with c[0]:
        st.text_input(tr("field.metric"), key=form.k("metric"), max_chars=NAME_MAX)
        form.errors("metric")
    with c[1]:
        st.text_input(tr("field.unit"), key=form.k("unit"), max_chars=40)
        form.errors("unit")
    with c[2]:
        st.number_input(tr("field.baseline"), key=form.k("baseline"), format="%.4g")
        form.errors("baseline")
    with c[3]:
        st.number_input(tr("field.target"), key=form.k("target"), format="%.4g")
        form.errors("target")
    c = st.columns(4)
    with c[0]:
        st.selectbox(tr("field.direction"), [None, *okr.DIRECTIONS], key=form.k("direction"),
                     format_func=lambda d: tr("okr.direction.auto") if d is None else tr("okr.direction." + d),
                     placeholder=tr("okr.direction.auto"))
        form.errors("direction")
    if form.value("direction") == "band":
        with c[1]:
            st.number_input(tr("field.band_low"), key=form.k("band_low"), format="%.4g")
            form.errors("band_low")
        with c[2]:
            st.number_input(tr("field.band_high"), key=form.k("band_high"), format="%.4g")
            form.errors("band_high")
    with c[3]:
        st.date_input(tr("field.deadline"), key=form.k("deadline"), min_value=YEAR_START, max_value=YEAR_END,
                      format="YYYY-MM-DD")
        form.errors("deadline")
    c = st.columns(5)
    with c[0]:
        st.text_input(tr("field.owner"), key=form.k("owner"), max_chars=NAME_MAX)
        form.errors("owner")
    with c[1]:
        st.text_input(tr("field.team"), key=form.k("team"), max_chars=NAME_MAX)
        form.errors("team")
    with c[2]:
        st.number_input(tr("field.alert_value"), key=form.k("alert_value"), format="%.4g",
                        help=tr("okr.alert_help"))
        form.errors("alert_value")
    with c[3]:
        st.selectbox(tr("field.committed"), [True, False], key=form.k("committed"),
                     format_func=lambda v: tr("okr.committed." + ("yes" if v else "no")), help=tr("okr.committed_help"))
        form.errors("committed")
    with c[4]:
        st.number_input(tr("field.weight"), key=form.k("weight"), min_value=0.0, step=0.5, format="%.2g",
                        help=tr("okr.weight_help"))
        form.errors("weight")
    c = st.columns(2)
    for i, name in enumerate(("decomposition_logic", "data_support", "execution_steps", "data_source")):
        with c[i % 2]:
            st.text_area(tr("field." + name), key=form.k(name), height=68, placeholder=tr("okr.placeholder." + name),
                         max_chars=TEXT_MAX)
            form.errors(name)
    st.markdown(f"**{tr('okr.resources')}**")
    c = st.columns(3)
    for col, name in zip(c, ("resources_money", "resources_people", "resources_things")):
        with col:
            st.text_area(tr("field." + name), key=form.k(name), height=68, placeholder=tr("okr.placeholder." + name),
                         max_chars=TEXT_MAX)
            form.errors(name)
    st.text_area(tr("field.risk_plan"), key=form.k("risk_plan"), height=68, placeholder=tr("okr.placeholder.risk_plan"),
                 max_chars=TEXT_MAX)
    form.errors("risk_plan")
    form.general_errors()
    # the quality rules on what is typed right now, before anything is saved
    draft = {f: form.value(f) for f in KR_FIELDS}
    draft["objective_id"] = objective_id
    if not draft.get("statement"):
        st.caption(tr("okr.live_check_hint"))
        return
    live = quality.check_key_result(draft, year)
    with st.container(border=True):
        st.markdown(f"**{tr('okr.live_check')}**")
        show_findings(live, lang, ok_text=tr("okr.kr_passes"))
        if any(f.severity in (FAIL, WARN) for f in live):
            st.caption(tr("okr.findings_do_not_block"))


# -- filters ------------------------------------------------------------------------------
teams = sorted({o["team"] for o in objectives if o.get("team")})
owners = sorted({o["owner"] for o in objectives if o.get("owner")} | {k["owner"] for k in krs if k.get("owner")})
f1, f2, f3 = st.columns(3)
levels_f = f1.multiselect(tr("okr.filter.level"), okr.LEVELS, format_func=level_name, key="okr_f_level",
                          placeholder=tr("common.all"))
teams_f = f2.multiselect(tr("okr.filter.team"), teams, key="okr_f_team", placeholder=tr("common.all"))
owners_f = f3.multiselect(tr("okr.filter.owner"), owners, key="okr_f_owner", placeholder=tr("common.all"))
shown = okr.filter_objectives(objectives, krs, levels=levels_f, teams=teams_f, owners=owners_f)
shown_ids = {o["id"] for o in shown}
shown_krs = [k for k in krs if k["objective_id"] in shown_ids]

TABS = [tr("okr.tab.alignment"), tr("okr.tab.edit"), tr("okr.tab.new")]
if st.session_state.get("okr_tab") not in TABS:      # (a language switch renames the tabs)
    st.session_state.pop("okr_tab", None)
tab_view, tab_edit, tab_new = st.tabs(TABS, key="okr_tab", on_change="rerun")

# -- alignment view and strength -----------------------------------------------------------------
with tab_view:
    if not objectives:
        st.info(tr("okr.empty"))
    else:
        worst = {}
        for f in findings:
            if f.entity_id is not None and f.severity in (FAIL, WARN):
                if worst.get(f.entity_id) != FAIL:
                    worst[f.entity_id] = f.severity
        status = {i: worst.get(i, "pass") for i in [*obj_by_id, *kr_by_id]}
        st.graphviz_chart(okr.alignment_dot(shown, shown_krs, level_names={l: level_name(l) for l in okr.LEVELS},
                                            status=status, fontsize=16 if projector.enabled() else 11),
                          width="stretch")
        st.caption(tr("okr.alignment_caption"))
        company = strength.get("company")
        s1, s2, s3 = st.columns(3)
        s1.metric(tr("okr.strength_company"), "—" if company is None else f"{company:.0%}")
        s2.metric(tr("okr.count_objectives"), len(shown))
        s3.metric(tr("okr.count_krs"), len(shown_krs))
        team_rows = [{"name": name, "strength": v} for name, v in strength.get("team", {}).items() if v is not None]
        if team_rows:
            projector.altair_chart(charts.strength_bars(team_rows, title=tr("okr.strength_by_team"),
                                                 words={"strength": tr("okr.strength"), "team": tr("field.team")}),
                            width="stretch")
        ws_findings = [f for f in findings if f.entity == "workspace"]
        show_findings(ws_findings, lang)

# -- objectives and KRs --------------------------------------------------------------------
with tab_edit:
    if not shown:
        st.info(tr("okr.empty") if not objectives else tr("okr.no_match"))
    else:
        rows = []
        for o in shown:
            mine = [k for k in krs if k["objective_id"] == o["id"]]
            fs = [f for f in findings if (f.entity == "objective" and f.entity_id == o["id"])
                  or (f.entity == "key_result" and f.entity_id in {k["id"] for k in mine})]
            sv = strength["objective"].get(o["id"])
            rows.append({tr("field.level"): level_name(o["level"]), tr("field.title"): o["title"],
                         tr("field.owner"): o.get("owner") or "", tr("field.team"): o.get("team") or "",
                         tr("okr.col.krs"): len(mine), tr("okr.strength"): "—" if sv is None else f"{sv:.0%}",
                         tr("okr.col.problems"): f"⛔ {sum(f.severity == FAIL for f in fs)} · "
                                                 f"⚠️ {sum(f.severity == WARN for f in fs)}"})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

        def obj_label(oid: int) -> str:
            o = obj_by_id[oid]
            return f"[{level_name(o['level'])}] {o['title'][:70]}"

        oid = st.selectbox(tr("okr.select_objective"), [o["id"] for o in shown], format_func=obj_label,
                           key="okr_selected")
        o = obj_by_id[oid]
        with st.container(border=True):
            st.markdown(f"**{tr('okr.edit_objective')}**")
            of = Form(f"okr_obj_{oid}")
            of.seed({f: o[f] for f in OBJ_FIELDS}, row=o)
            objective_inputs(of, oid)
            show_findings([f for f in findings if f.entity == "objective" and f.entity_id == oid
                           and f.rule.startswith("align")], lang)
            n_krs = sum(1 for k in krs if k["objective_id"] == oid)
            save_and_delete(of, OBJ_FIELDS, save=lambda v: okr.update_objective(store, oid, v, state.actor(),
                                                                            seen=of.seen()),
                            delete=lambda: okr.delete_objective(store, oid, state.actor()),
                            save_key=f"okr_obj_save_{oid}", delete_key=f"okr_obj_del_{oid}",
                            delete_label=tr("okr.delete_objective", count=n_krs),
                            deleted=tr("common.moved_to_trash", count=1 + n_krs))

        mine = [k for k in krs if k["objective_id"] == oid]
        st.markdown(f"#### {tr('okr.krs_of', count=len(mine))}")
        nxt = st.session_state.get("okr_next")
        if nxt and nxt[1] == oid:          # after a create, the next step where the eye is
            if nxt[0] == "objective":
                st.success(tr("okr.next.objective", title=o["title"]), icon="✅")
            elif len(mine) < 2:
                st.success(tr("okr.next.kr_more", count=len(mine)), icon="✅")
            else:
                st.success(tr("okr.next.kr_done", count=len(mine)), icon="✅")
                c1, c2 = st.columns(2)
                c1.button(tr("okr.next.new_objective"), key="okr_next_new_obj",
                          on_click=lambda: st.session_state.update(okr_tab=TABS[2], okr_next=None))
                c2.page_link("pages/scorecard.py", label=tr("nav.scorecard"), icon="🧭")
        if mine:
            st.dataframe(pd.DataFrame([{
                "KR": k["statement"],
                tr("okr.col.from_to"): f"{format_number(k['baseline'], lang)} → {format_number(k['target'], lang)}"
                                       f" {k.get('unit') or ''}",
                tr("field.direction"): tr("okr.direction." + k["direction"]) if k.get("direction") else "—",
                tr("field.deadline"): k["deadline"].isoformat() if k.get("deadline") else "—",
                tr("field.owner"): k.get("owner") or "—",
                tr("okr.col.problems"): " ".join(
                    "⛔" if f.severity == FAIL else "⚠️" for f in findings
                    if f.entity == "key_result" and f.entity_id == k["id"] and f.severity in (FAIL, WARN)) or "✅",
            } for k in mine]), hide_index=True, width="stretch")
        kid = st.selectbox(tr("okr.select_kr"), [None, *[k["id"] for k in mine]], key=f"okr_kr_sel_{oid}",
                           format_func=lambda i: tr("okr.new_kr") if i is None else kr_by_id[i]["statement"][:90],
                           placeholder=tr("okr.new_kr"))
        with st.container(border=True):
            if kid is None:
                kf = Form(f"okr_kr_new_{oid}")
                kf.seed({**{f: None for f in KR_FIELDS}, "owner": o.get("owner"), "team": o.get("team"),
                         "committed": True, "weight": 1.0})
                st.markdown(f"**{tr('okr.new_kr')}**")
                kr_inputs(kf, oid)
                st.button(tr("okr.add_kr"), type="primary", key=f"okr_kr_add_{oid}",
                          on_click=kf.submit(lambda v: okr.add_key_result(store, oid, v, state.actor()), KR_FIELDS,
                                             ok=tr("common.saved"), clear=True,
                                             then=lambda _: st.session_state.update(okr_next=("kr", oid))))
            else:
                k = kr_by_id[kid]
                kf = Form(f"okr_kr_{kid}")
                kf.seed({**{f: k[f] for f in KR_FIELDS}, "committed": k["committed"] is not False,
                         "weight": k["weight"] if k["weight"] is not None else 1.0}, row=k)
                st.markdown(f"**{tr('okr.edit_kr')}**")
                kr_inputs(kf, oid)
                save_and_delete(kf, KR_FIELDS, save=lambda v: okr.update_key_result(store, kid, v, state.actor(),
                                                                                 seen=kf.seen()),
                                delete=lambda: okr.delete_key_result(store, kid, state.actor()),
                                save_key=f"okr_kr_save_{kid}", delete_key=f"okr_kr_del_{kid}",
                                delete_label=tr("okr.delete_kr"), deleted=tr("common.moved_to_trash", count=1))

# -- new objective ---------------------------------------------------------------------------
with tab_new:
    nf = Form("okr_new_obj")
    nf.seed({"level": "company" if not objectives else "department", "title": "", "owner": "", "team": "",
             "period_start": YEAR_START, "period_end": YEAR_END, "aligns_to": None, "perspective": None})

    def _created(new_id: int) -> None:      # open it where its key results are written next
        st.session_state.update(okr_selected=new_id, okr_tab=TABS[1], okr_next=("objective", new_id))

    with st.container(border=True):
        objective_inputs(nf, None)
        st.button(tr("okr.add_objective"), type="primary", key="okr_new_obj_save",
                  on_click=nf.submit(lambda v: okr.add_objective(store, wid, v, state.actor()), OBJ_FIELDS,
                                     ok=tr("okr.objective_added"), clear=True, then=_created))
