"""Day 1–2 · Revenue decomposition (peel the onion): financial → business → channel layers."""
import pandas as pd
import streamlit as st

from strategy_core import charts
from strategy_core.plan import okr, onion
from strategy_core.numbers import format_money, format_number, format_percent
from ui import excel, frame, projector, state
from ui.forms import Form, escape_md, save_and_delete

frame.guard("onion")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("onion.title"))
st.caption(tr("onion.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "onion", lang)

ws = state.workspace(wid)
cur = ws["currency"]
money = lambda v: format_money(v, cur, lang)
nodes = onion.list_nodes(store, wid)
krs = okr.list_key_results(store, wid)
kr_label = {k["id"]: k["statement"] for k in krs}
result = onion.compute(nodes, ws)
NODE_FIELDS = ["name", "kind", "amount", "share", "units", "unit_price", "key_result_id", "note"]


def node_inputs(form: Form, *, is_root: bool) -> None:
    """The widgets of one node; which numbers are asked depends on its kind."""
    st.text_input(tr("field.name"), key=form.k("name"), max_chars=200)
    form.errors("name")
    kinds = onion.ROOT_KINDS if is_root else onion.KINDS
    st.selectbox(tr("field.kind"), kinds, key=form.k("kind"), format_func=lambda k: tr("onion.kind." + k),
                 help=tr("onion.kind_help"))
    form.errors("kind")
    kind = form.value("kind") or kinds[0]
    if kind == "amount":
        st.number_input(tr("onion.field.annual_amount" if is_root else "onion.field.monthly_amount", currency=cur),
                        key=form.k("amount"), min_value=0.0, step=10000.0, format="%.2f")
        if form.value("amount"):
            st.caption(format_money(form.value("amount"), cur, lang, exact=True))
        form.errors("amount")
    if kind == "share":
        st.number_input(tr("field.share"), key=form.k("share"), min_value=0.0, max_value=100.0, step=5.0,
                        format="%.2f", help=tr("onion.share_help"))
        form.errors("share")
    if kind != "sum" and not is_root:
        c1, c2 = st.columns(2)
        with c1:
            st.number_input(tr("field.units"), key=form.k("units"), min_value=0.0, step=1.0, format="%.2f",
                            help=tr("onion.units_help") if kind != "units_price" else None)
            form.errors("units")
        with c2:
            st.number_input(tr("field.unit_price", currency=cur), key=form.k("unit_price"), min_value=0.0,
                            step=1.0, format="%.2f")
            form.errors("unit_price")
    if not is_root:
        st.selectbox(tr("field.key_result_id"), [None, *kr_label], key=form.k("key_result_id"),
                     format_func=lambda i: tr("onion.no_kr") if i is None else kr_label[i][:80],
                     help=tr("onion.kr_help"), placeholder=tr("onion.no_kr"))
        form.errors("key_result_id")
    st.text_area(tr("field.note"), key=form.k("note"), height=68)
    form.errors("note")
    form.general_errors()


# -- no tree yet: start with the annual revenue -----------------------------------------
if result.root is None:
    st.info(tr("onion.empty"))
    form = Form("onion_root")
    form.seed({**dict.fromkeys(NODE_FIELDS), "name": tr("onion.default_root"), "kind": "amount"})
    with st.container(border=True):
        node_inputs(form, is_root=True)
        st.button(tr("onion.create_root"), type="primary", key="onion_root_save",
                  on_click=form.submit(lambda v: onion.add_node(store, wid, None, v, state.actor()), NODE_FIELDS,
                                       ok=tr("common.saved"), clear=True))
    st.stop()

# -- financial layer --------------------------------------------------------------------
root = result.root
st.subheader(tr("onion.financial_layer"))
m1, m2, m3 = st.columns(3)
m1.metric(tr("onion.annual"), money(root.annual))
m2.metric(tr("onion.monthly"), money(root.value))
m3.metric(tr("onion.daily"), money(root.daily))
st.caption(tr("onion.day_basis." + ws["day_basis"], days=result.days_per_year) + " · " + tr("onion.change_basis"))

# -- chart ------------------------------------------------------------------------------
max_depth = max(r.depth for r in result.nodes.values())
row_labels = {d: tr("onion.layer." + onion.layer_of(d)) + (f" {d - 1}" if d >= 2 and max_depth > 2 else "")
              for d in range(max_depth + 1)}
projector.altair_chart(charts.onion_icicle(
    onion.icicle_frame(result), title=tr("onion.chart_title"), row_labels=row_labels,
    status_labels={"ok": "✓ " + tr("onion.status.ok"), "gap": "⚠ " + tr("onion.status.gap")}, money=money,
    words={"name": tr("field.name"), "layer": tr("onion.col.layer"), "amount": tr("onion.col.value"),
           "status": tr("common.status")}), width="stretch")
st.caption(tr("onion.chart_caption"))

# -- findings ---------------------------------------------------------------------------
if result.findings:
    st.subheader(tr("onion.findings", count=len(result.findings)))
    for f in result.findings:
        (st.error if f.severity == "fail" else st.warning)(f.text(lang, cur), icon="⚠️")
else:
    st.success(tr("onion.consistent"), icon="✅")

# -- the tree as a table ----------------------------------------------------------------
st.subheader(tr("onion.table"))
table = []
for nid in result.order:
    r = result.nodes[nid]
    n = r.node
    table.append({
        tr("field.name"): "　" * r.depth + n["name"],
        tr("onion.col.layer"): tr("onion.layer." + r.layer),
        tr("field.kind"): tr("onion.kind." + n["kind"]),
        tr("field.share"): format_percent(n["share"]) if n["share"] is not None else "",
        tr("onion.col.units_price"): (f"{format_number(n['units'], lang)} × {format_money(n['unit_price'], cur, lang, exact=True)}"
                                      if n["units"] is not None and n["unit_price"] is not None else ""),
        tr("onion.col.value"): format_money(r.annual if r.depth == 0 else r.value, cur, lang, exact=True),
        tr("onion.col.planned"): format_money(r.planned, cur, lang, exact=True) if r.planned is not None else "",
        tr("onion.col.daily"): format_money(r.daily, cur, lang, exact=True),
        tr("field.key_result_id"): kr_label.get(n["key_result_id"], "") if n["key_result_id"] else "",
        tr("common.status"): ("✓ " + tr("onion.status.ok")) if r.status == "ok" else ("⚠ " + tr("onion.status.gap")),
    })
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
st.caption(tr("onion.table_caption"))

# -- edit a node / add a child ------------------------------------------------------------
st.subheader(tr("onion.edit"))
labels = {nid: "　" * result.nodes[nid].depth + result.nodes[nid].node["name"] for nid in result.order}
selected = st.selectbox(tr("onion.select_node"), result.order, format_func=labels.get, key="onion_selected")
node = result.nodes[selected].node
is_root = node["parent_id"] is None
left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown(f"**{tr('onion.edit_node', name=escape_md(node['name']))}**")
    form = Form(f"onion_node_{selected}")
    form.seed({f: node[f] for f in NODE_FIELDS}, row=node)
    node_inputs(form, is_root=is_root)
    count = len(onion.subtree_ids(nodes, selected))
    save_and_delete(form, NODE_FIELDS, save=lambda v: onion.update_node(store, selected, v, state.actor(),
                                                                 seen=form.seen()),
                    delete=lambda: onion.delete_node(store, selected, state.actor()),
                    save_key=f"onion_save_{selected}", delete_key=f"onion_delete_{selected}",
                    delete_label=tr("onion.delete", count=count), deleted=tr("common.moved_to_trash", count=count))
with right, st.container(border=True):
    st.markdown(f"**{tr('onion.add_child', name=escape_md(node['name']))}**")
    depth = result.nodes[selected].depth
    st.caption(tr("onion.add_child_caption", layer=tr("onion.layer." + onion.layer_of(depth + 1))))
    add = Form(f"onion_add_{selected}")
    add.seed({**dict.fromkeys(NODE_FIELDS), "name": "", "kind": "share"})
    node_inputs(add, is_root=False)
    st.button(tr("onion.add"), key=f"onion_add_btn_{selected}",
              on_click=add.submit(lambda v: onion.add_node(store, wid, selected, v, state.actor()), NODE_FIELDS,
                                  ok=tr("common.saved"), clear=True))
