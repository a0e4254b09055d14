"""The risk page's parts: where its money comes from and which triggers fired, the register, the risk
form, plans A/B/C and their comparison by cost per unit of expected result, and the two tabs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from strategy_core.numbers import currency_symbol, format_money, format_number
from strategy_core.plan.bsc import COMPARATOR_SYMBOL, COMPARATORS
from strategy_core.routines import risk
from strategy_core.views import risk as views
from ui import projector, state
from ui.forms import Form, action_button, escape_md, save_and_delete

RISK_FIELDS = list(risk.RISK_FIELDS)


@dataclass(frozen=True)
class Context:
    """One run of the page: the workspace's risks and plans, the board they are watched on."""
    store: Any
    wid: int
    lang: str
    currency: str
    risks: list[dict]
    plans: list[dict]
    annual: float | None
    board: Any
    w: views.Words

    @property
    def tr(self):
        return self.w.tr

    @property
    def by_id(self) -> dict[int, dict]:
        return {r["id"]: r for r in self.risks}

    @property
    def trigger_options(self) -> list[str | None]:
        return [None] + [risk.trigger_key(k, i) for k, i in self.w.targets]


def context(store, wid: int, ws: dict, snap, board, tr, lang: str) -> Context:
    """What the page reads, once per run."""
    currency = ws["currency"] or "CNY"
    annual = risk.annual_revenue(store, wid)
    words = views.Words(lang, currency, risk.trigger_targets(snap.indicators, snap.key_results), annual, tr)
    return Context(store, wid, lang, currency, risk.list_risks(store, wid), risk.list_plans(store, wid), annual,
                   board, words)


def fired(c: Context) -> None:
    """Where the money comes from (the onion's year), and each trigger that fired with its plan A."""
    tr, lang, currency, risks = c.tr, c.lang, c.currency, c.risks
    plans, annual, board, w = c.plans, c.annual, c.board, c.w
    if annual is not None:
        st.caption(tr("risk.revenue_basis", money=format_money(annual, currency, lang, exact=True),
                      on=board.on.isoformat()))
    else:
        st.warning(tr("risk.no_onion"), icon="🧅")
        st.page_link("pages/onion.py", label=tr("nav.onion"), icon="🧅")

    for f in risk.fired(risks, plans, board):
        r, p = f["risk"], f["plan"]
        msg = tr("risk.fired", name=r["name"], trigger=w.trigger_text(r),
                 value=w.with_unit(f["value"], w.trigger_unit(r)),
                 date=f["date"].isoformat() if f["date"] else "—")
        plan = (tr("risk.fired_plan", strategy=p["strategy"], cost=w.money(p["cost"])) if p else tr("risk.fired_no_plan"))
        st.error(f"{escape_md(msg)}  \n{escape_md(plan)}", icon="🚨")


def register(c: Context) -> None:
    """The risk register: TOP first rule, level, impact, trigger and its latest reading, plans."""
    tr, risks, plans, board, w = c.tr, c.risks, c.plans, c.board, c.w
    n_top = sum(1 for r in risks if r["top"])
    st.subheader(tr("risk.register", top=n_top, max=risk.TOP_MAX))
    if not risks:
        st.info(tr("risk.empty"))
    else:
        st.dataframe(pd.DataFrame([{
            tr("risk.col.top"): "★ TOP" if r["top"] else "", tr("field.name"): r["name"],
            tr("risk.field.level"): r["level"], tr("risk.col.impact"): r["impact"], tr("field.trigger"): r["trigger"],
            tr("risk.col.latest"): "—" if r["latest"] is None else
            r["latest"] + (f"  🚨 {tr('risk.fired_word')}" if r["fired"] else ""),
            tr("field.owner"): r["owner"], tr("risk.col.plans"): r["plans"]}
            for r in views.register_rows(w, risks, plans, board)]), hide_index=True, width="stretch", placeholder="—")


def risk_inputs(c: Context, form: Form) -> None:
    """The risk's fields with their errors; the impact in money as it is typed."""
    tr, annual, w = c.tr, c.annual, c.w
    cols = st.columns([3, 2, 1])
    with cols[0]:
        st.text_input(tr("field.name"), key=form.k("name"), max_chars=200)
        form.errors("name")
    with cols[1]:
        st.radio(tr("risk.field.level"), risk.LEVELS, key=form.k("level"), format_func=w.level_word, horizontal=True)
        form.errors("level")
    with cols[2]:
        st.checkbox(tr("field.top"), key=form.k("top"), help=tr("risk.top_help"))
        form.errors("top")
    cols = st.columns([1, 2, 1])
    with cols[0]:
        st.number_input(tr("field.impact_share"), key=form.k("impact_share"), format="%.4g", help=tr("risk.impact_help"))
        m = risk.impact_money({"impact_share": form.value("impact_share")}, annual)
        if m is not None:
            st.caption(tr("risk.impact_money", money=w.money(m)))
        form.errors("impact_share")
    with cols[1]:
        st.text_input(tr("field.impact_text"), key=form.k("impact_text"), placeholder=tr("risk.impact_placeholder"))
        form.errors("impact_text")
    with cols[2]:
        st.text_input(tr("field.owner"), key=form.k("owner"))
        form.errors("owner")
    options = list(c.trigger_options)
    current = form.value("trigger")
    if current is not None and current not in options:
        options.append(current)   # a trigger whose indicator or KR is gone: shown, and refused on save
    cols = st.columns([3, 1, 1])
    with cols[0]:
        st.selectbox(tr("field.trigger"), options, key=form.k("trigger"), format_func=w.target_label,
                     help=tr("risk.trigger_help"), placeholder=tr("risk.no_trigger"))
        form.errors("trigger")
    with cols[1]:
        st.selectbox(tr("field.trigger_comparator"), COMPARATORS, key=form.k("trigger_comparator"),
                     format_func=COMPARATOR_SYMBOL.get)
        form.errors("trigger_comparator")
    with cols[2]:
        st.number_input(tr("field.trigger_value"), key=form.k("trigger_value"), format="%.4g")
        form.errors("trigger_value")
    form.general_errors()


def plan_inputs(c: Context, rid: int, label: str, have: dict | None) -> None:
    """Plan A, B or C of a risk: strategy, cost, expected result, channel; saved or cleared on its own."""
    store, tr, lang, currency = c.store, c.tr, c.lang, c.currency
    pf = Form(f"risk_plan_{rid}_{label}")
    pf.seed({f: (have or {}).get(f) for f in risk.PLAN_FIELDS} if have else
            {"strategy": "", "cost": None, "expected_result": None, "expected_unit": "", "channel": ""}, row=have)
    with st.container(border=True):
        st.markdown(f"**{tr('risk.plan', label=label)}**")
        st.text_area(tr("field.strategy"), key=pf.k("strategy"), height=110, placeholder=tr("risk.strategy_placeholder"))
        pf.errors("strategy")
        st.number_input(f"{tr('field.cost')} ({currency_symbol(currency, lang)})", key=pf.k("cost"), format="%.10g")
        pf.errors("cost")
        cc = st.columns(2)
        with cc[0]:
            st.number_input(tr("field.expected_result"), key=pf.k("expected_result"), format="%.10g")
            pf.errors("expected_result")
        with cc[1]:
            st.text_input(tr("field.expected_unit"), key=pf.k("expected_unit"), max_chars=40,
                          placeholder=tr("risk.unit_placeholder"))
            pf.errors("expected_unit")
        st.text_input(tr("field.channel"), key=pf.k("channel"))
        pf.errors("channel")
        pf.general_errors()
        b1, b2 = st.columns(2)
        with b1:
            st.button(tr("risk.save_plan", label=label), type="primary", key=f"risk_plan_save_{rid}_{label}",
                      on_click=pf.submit(lambda v: risk.set_plan(store, rid, label, v, state.actor(), seen=pf.seen()),
                                         risk.PLAN_FIELDS, ok=tr("common.saved")))
        if have:
            with b2:
                def _clear() -> None:
                    risk.delete_plan(store, rid, label, state.actor())
                    pf.reset(risk.PLAN_FIELDS)
                action_button(tr("risk.delete_plan", label=label), _clear, key=f"risk_plan_del_{rid}_{label}",
                              ok=tr("common.moved_to_trash", count=1), help=tr("common.delete_help"))


def comparison(c: Context, rid: int) -> None:
    """The risk's plans side by side, cheapest per unit of expected result first, with a chart."""
    tr, lang, plans, w = c.tr, c.lang, c.plans, c.w
    rows = risk.compare_plans(list(risk.plans_of(plans, rid).values()))
    st.subheader(tr("risk.compare"))
    if not rows:
        st.caption(tr("risk.compare_empty"))
        return
    table = []
    for p in rows:
        table.append({
            tr("risk.col.plan"): p["label"],
            tr("field.strategy"): (p["strategy"] or "")[:80],
            tr("risk.col.cost"): w.money(p["cost"]),
            tr("field.expected_result"): "—" if p["expected_result"] is None else
            f"{format_number(p['expected_result'], lang)} {p['expected_unit'] or ''}".strip(),
            tr("field.channel"): p["channel"] or "—",
            tr("risk.col.cost_per_unit"): "—" if p["cost_per_unit"] is None else
            f"{w.unit_money(p['cost_per_unit'])} / {p['expected_unit'] or tr('risk.unit')}",
            tr("risk.col.rank"): f"★ {tr('risk.cheapest')}" if p["cheapest"] else
            ("—" if p["rank"] is None or not p["comparable"] else str(p["rank"])),
        })
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", placeholder="—")
    units = {(p["expected_unit"] or "").strip().casefold() for p in rows if p["cost_per_unit"] is not None}
    if len(units) > 1:
        st.caption(tr("risk.units_differ"))
    if any(p["cost_per_unit"] is not None for p in rows):
        chart = risk.comparison_chart(rows, title=tr("risk.chart_title"), money=w.unit_money, words={
            "plan": tr("risk.col.plan"), "cost_per_unit": tr("risk.col.cost_per_unit"),
            "cheapest": tr("risk.cheapest")})
        projector.altair_chart(chart, width="stretch")
    else:
        st.caption(tr("risk.compare_no_results"))


def edit_tab(c: Context) -> None:
    """One risk to edit, its plans A/B/C and their comparison."""
    store, tr, risks, plans, by_id = c.store, c.tr, c.risks, c.plans, c.by_id
    if not risks:
        st.caption(tr("risk.empty"))
    else:
        if st.session_state.get("risk_selected") not in by_id:
            st.session_state["risk_selected"] = risks[0]["id"]
        rid = st.selectbox(tr("risk.select"), list(by_id), key="risk_selected",
                           format_func=lambda i: ("★ " if by_id[i]["top"] else "") + by_id[i]["name"])
        r = by_id[rid]
        form = Form(f"risk_{rid}")
        form.seed(risk.form_values(r), row=r)
        with st.container(border=True):
            risk_inputs(c, form)
            save_and_delete(form, RISK_FIELDS, save=lambda v: risk.update_risk(store, rid, v, state.actor(), seen=form.seen()),
                            delete=lambda: risk.delete_risk(store, rid, state.actor()),
                            save_key=f"risk_save_{rid}", delete_key=f"risk_del_{rid}",
                            delete_label=tr("risk.delete"), deleted=tr("risk.deleted"))
        st.subheader(tr("risk.plans_title", name=r["name"]))
        st.caption(tr("risk.plans_help"))
        mine = risk.plans_of(plans, rid)
        for col, label in zip(st.columns(3), risk.LABELS):
            with col:
                plan_inputs(c, rid, label, mine.get(label))
        comparison(c, rid)


def new_tab(c: Context) -> None:
    """A new risk; once added it is the one selected for editing."""
    store, wid, tr = c.store, c.wid, c.tr
    nf = Form("risk_new")
    nf.seed({"name": "", "level": "yellow", "top": False, "impact_share": None, "impact_text": "", "owner": "",
             "trigger": None, "trigger_comparator": "<", "trigger_value": None})
    with st.container(border=True):
        risk_inputs(c, nf)

        def _select(new_id: int) -> None:
            st.session_state["risk_selected"] = new_id

        st.button(tr("risk.add"), type="primary", key="risk_add",
                  on_click=nf.submit(lambda v: risk.add_risk(store, wid, v, state.actor()), RISK_FIELDS,
                                     ok=tr("common.saved"), clear=True, then=_select))
