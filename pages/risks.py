"""Day 7 · Risk plans: the risk register with the TOP-3 rule, level, impact in money from the
onion, the trigger that fires it, and plans A/B/C compared by cost per unit of expected result."""
import pandas as pd
import streamlit as st

from strategy_core.routines import risk
from strategy_core.plan.bsc import COMPARATOR_SYMBOL, COMPARATORS
from strategy_core.numbers import currency_symbol, format_money, format_number, format_percent
from ui import excel, frame, projector, state
from ui.forms import Form, action_button, escape_md, save_and_delete

frame.guard("risks")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("risk.title"))
st.caption(tr("risk.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "risk", lang)

ws = state.workspace(wid)
currency = ws["currency"] or "CNY"
risks = risk.list_risks(store, wid)
plans = risk.list_plans(store, wid)
annual = risk.annual_revenue(store, wid)
on = state.as_of(ws["year"])
state.show_as_of(on)
snap, board = state.board_and_snapshot(store, wid, on)
targets = risk.trigger_targets(snap.indicators, snap.key_results)
by_id = {r["id"]: r for r in risks}


def money(v) -> str:
    return format_money(v, currency, lang)


def unit_money(v) -> str:
    """A cost per unit: small amounts keep their cents (¥1.5 a user), large ones read like money."""
    if v is None:
        return "—"
    if abs(v) >= 100:
        return format_money(v, currency, lang, exact=True)
    return f"{currency_symbol(currency, lang)}{format_number(v, lang, 2)}"


def level_word(level: str) -> str:
    return f"{risk.LEVEL_SYMBOL.get(level, '')} {tr('risk.level.' + level)}"


def target_label(key: str | None) -> str:
    if key is None:
        return tr("risk.no_trigger")
    kind, _, id_ = key.partition(":")
    t = targets.get((kind, int(id_)))
    if t is None:
        return tr("risk.trigger_gone")
    if kind == "indicator":
        return f"📊 {tr('entity.indicator')} · {t['name']}" + (f" ({t['unit']})" if t.get("unit") else "")
    return f"🎯 KR · {t['statement'][:60]}" + (f" ({t['unit']})" if t.get("unit") else "")


def with_unit(value, unit: str | None) -> str:
    """A number with its unit the way it reads: ¥230, 25%, 12 h."""
    v = format_number(value, lang)
    unit = (unit or "").strip()
    if unit in ("¥", "￥", "$", "€", "£"):
        return f"{unit}{v}"
    return f"{v}{unit}" if unit in ("", "%") else f"{v} {unit}"


def trigger_target(r: dict) -> dict | None:
    return targets.get((r["trigger_kind"], r["trigger_id"])) if r["trigger_kind"] else None


def trigger_text(r: dict) -> str:
    if r["trigger_kind"] is None:
        return "—"
    t = trigger_target(r)
    if t is None:
        name = tr("risk.trigger_gone")
    elif r["trigger_kind"] == "indicator":
        name = t["name"]
    else:
        name = f"KR · {t.get('metric') or t['statement'][:50]}"
    return f"{name} {COMPARATOR_SYMBOL[r['trigger_comparator']]} {with_unit(r['trigger_value'], (t or {}).get('unit'))}"


def impact_text(r: dict) -> str:
    if r["impact_share"] is None:
        return "—"
    m = risk.impact_money(r, annual)
    return format_percent(r["impact_share"]) + (f" · {money(m)}" if m is not None else "")


# -- where the numbers come from, and what fired ---------------------------------------------------------
if annual is not None:
    st.caption(tr("risk.revenue_basis", money=format_money(annual, currency, lang, exact=True),
                  on=board.on.isoformat()))
else:
    st.warning(tr("risk.no_onion"), icon="🧅")
    st.page_link("pages/onion.py", label=tr("nav.onion"), icon="🧅")

for f in risk.fired(risks, plans, board):
    r, p = f["risk"], f["plan"]
    msg = tr("risk.fired", name=r["name"], trigger=trigger_text(r),
             value=with_unit(f["value"], (trigger_target(r) or {}).get("unit")),
             date=f["date"].isoformat() if f["date"] else "—")
    plan = (tr("risk.fired_plan", strategy=p["strategy"], cost=money(p["cost"])) if p else tr("risk.fired_no_plan"))
    st.error(f"{escape_md(msg)}  \n{escape_md(plan)}", icon="🚨")

# -- the register -----------------------------------------------------------------------------------------
n_top = sum(1 for r in risks if r["top"])
st.subheader(tr("risk.register", top=n_top, max=risk.TOP_MAX))
if not risks:
    st.info(tr("risk.empty"))
else:
    rows = []
    for r in risks:
        mine = risk.plans_of(plans, r["id"])
        value, _ = risk.trigger_reading(r, board)
        rows.append({
            tr("risk.col.top"): "★ TOP" if r["top"] else "",
            tr("field.name"): r["name"],
            tr("risk.field.level"): level_word(r["level"]),
            tr("risk.col.impact"): impact_text(r),
            tr("field.trigger"): trigger_text(r),
            tr("risk.col.latest"): "—" if value is None else
            with_unit(value, (trigger_target(r) or {}).get("unit"))
            + (f"  🚨 {tr('risk.fired_word')}" if risk.is_fired(r, board) else ""),
            tr("field.owner"): r["owner"] or "—",
            tr("risk.col.plans"): " ".join(lb if lb in mine else "·" for lb in risk.LABELS),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

TRIGGER_OPTIONS = [None] + [risk.trigger_key(k, i) for k, i in targets]
RISK_FIELDS = list(risk.RISK_FIELDS)


def risk_inputs(form: Form) -> None:
    c = st.columns([3, 2, 1])
    with c[0]:
        st.text_input(tr("field.name"), key=form.k("name"), max_chars=200)
        form.errors("name")
    with c[1]:
        st.radio(tr("risk.field.level"), risk.LEVELS, key=form.k("level"), format_func=level_word, horizontal=True)
        form.errors("level")
    with c[2]:
        st.checkbox(tr("field.top"), key=form.k("top"), help=tr("risk.top_help"))
        form.errors("top")
    c = st.columns([1, 2, 1])
    with c[0]:
        st.number_input(tr("field.impact_share"), key=form.k("impact_share"), format="%.4g", help=tr("risk.impact_help"))
        m = risk.impact_money({"impact_share": form.value("impact_share")}, annual)
        if m is not None:
            st.caption(tr("risk.impact_money", money=money(m)))
        form.errors("impact_share")
    with c[1]:
        st.text_input(tr("field.impact_text"), key=form.k("impact_text"), placeholder=tr("risk.impact_placeholder"))
        form.errors("impact_text")
    with c[2]:
        st.text_input(tr("field.owner"), key=form.k("owner"))
        form.errors("owner")
    options = list(TRIGGER_OPTIONS)
    current = form.value("trigger")
    if current is not None and current not in options:
        options.append(current)   # a trigger whose indicator or KR is gone: shown, and refused on save
    c = st.columns([3, 1, 1])
    with c[0]:
        st.selectbox(tr("field.trigger"), options, key=form.k("trigger"), format_func=target_label,
                     help=tr("risk.trigger_help"), placeholder=tr("risk.no_trigger"))
        form.errors("trigger")
    with c[1]:
        st.selectbox(tr("field.trigger_comparator"), COMPARATORS, key=form.k("trigger_comparator"),
                     format_func=COMPARATOR_SYMBOL.get)
        form.errors("trigger_comparator")
    with c[2]:
        st.number_input(tr("field.trigger_value"), key=form.k("trigger_value"), format="%.4g")
        form.errors("trigger_value")
    form.general_errors()


def plan_inputs(rid: int, label: str, have: dict | None) -> None:
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


def comparison(rid: int) -> None:
    rows = risk.compare_plans(list(risk.plans_of(plans, rid).values()))
    st.subheader(tr("risk.compare"))
    if not rows:
        st.caption(tr("risk.compare_empty"))
        return
    table = []
    for c in rows:
        table.append({
            tr("risk.col.plan"): c["label"],
            tr("field.strategy"): (c["strategy"] or "")[:80],
            tr("risk.col.cost"): money(c["cost"]),
            tr("field.expected_result"): "—" if c["expected_result"] is None else
            f"{format_number(c['expected_result'], lang)} {c['expected_unit'] or ''}".strip(),
            tr("field.channel"): c["channel"] or "—",
            tr("risk.col.cost_per_unit"): "—" if c["cost_per_unit"] is None else
            f"{unit_money(c['cost_per_unit'])} / {c['expected_unit'] or tr('risk.unit')}",
            tr("risk.col.rank"): f"★ {tr('risk.cheapest')}" if c["cheapest"] else
            ("—" if c["rank"] is None or not c["comparable"] else str(c["rank"])),
        })
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    units = {(c["expected_unit"] or "").strip().casefold() for c in rows if c["cost_per_unit"] is not None}
    if len(units) > 1:
        st.caption(tr("risk.units_differ"))
    if any(c["cost_per_unit"] is not None for c in rows):
        chart = risk.comparison_chart(rows, title=tr("risk.chart_title"), money=unit_money, words={
            "plan": tr("risk.col.plan"), "cost_per_unit": tr("risk.col.cost_per_unit"),
            "cheapest": tr("risk.cheapest")})
        projector.altair_chart(chart, width="stretch")
    else:
        st.caption(tr("risk.compare_no_results"))


st.divider()
tab_edit, tab_new = st.tabs([tr("risk.tab.edit"), tr("risk.tab.new")])
with tab_edit:
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
            risk_inputs(form)
            save_and_delete(form, RISK_FIELDS, save=lambda v: risk.update_risk(store, rid, v, state.actor(), seen=form.seen()),
                            delete=lambda: risk.delete_risk(store, rid, state.actor()),
                            save_key=f"risk_save_{rid}", delete_key=f"risk_del_{rid}",
                            delete_label=tr("risk.delete"), deleted=tr("risk.deleted"))
        st.subheader(tr("risk.plans_title", name=r["name"]))
        st.caption(tr("risk.plans_help"))
        mine = risk.plans_of(plans, rid)
        for col, label in zip(st.columns(3), risk.LABELS):
            with col:
                plan_inputs(rid, label, mine.get(label))
        comparison(rid)

with tab_new:
    nf = Form("risk_new")
    nf.seed({"name": "", "level": "yellow", "top": False, "impact_share": None, "impact_text": "", "owner": "",
             "trigger": None, "trigger_comparator": "<", "trigger_value": None})
    with st.container(border=True):
        risk_inputs(nf)

        def _select(new_id: int) -> None:
            st.session_state["risk_selected"] = new_id

        st.button(tr("risk.add"), type="primary", key="risk_add",
                  on_click=nf.submit(lambda v: risk.add_risk(store, wid, v, state.actor()), RISK_FIELDS,
                                     ok=tr("common.saved"), clear=True, then=_select))
