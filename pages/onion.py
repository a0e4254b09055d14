"""Day 1–2 · Revenue decomposition (peel the onion): financial → business → channel layers."""
import pandas as pd
import streamlit as st

from strategy_core import charts
from strategy_core.plan import okr, onion
from strategy_core.numbers import format_money
from strategy_core.views import onion as views
from ui import excel, frame, projector, state
from ui import onion as parts
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


# -- no tree yet: start with the annual revenue -----------------------------------------
if result.root is None:
    st.info(tr("onion.empty"))
    form = Form("onion_root")
    form.seed({**dict.fromkeys(NODE_FIELDS), "name": tr("onion.default_root"), "kind": "amount"})
    with st.container(border=True):
        parts.node_inputs(form, is_root=True, currency=cur, kr_label=kr_label, tr=tr, lang=lang)
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
row_labels = {d: tr("onion.layer." + layer) + (f" {n}" if n else "")
              for d, (layer, n) in views.layer_rows(result).items()}
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
st.dataframe(pd.DataFrame([{
    tr("field.name"): r["name"], tr("onion.col.layer"): tr("onion.layer." + r["layer"]),
    tr("field.kind"): tr("onion.kind." + r["kind"]), tr("field.share"): r["share"],
    tr("onion.col.units_price"): r["units_price"], tr("onion.col.value"): r["value"],
    tr("onion.col.planned"): r["planned"], tr("onion.col.daily"): r["daily"], tr("field.key_result_id"): r["kr"],
    tr("common.status"): ("✓ " + tr("onion.status.ok")) if r["status"] == "ok" else ("⚠ " + tr("onion.status.gap")),
} for r in views.tree_rows(result, kr_label, cur, lang)]), hide_index=True, width="stretch", placeholder="—")
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
    parts.node_inputs(form, is_root=is_root, currency=cur, kr_label=kr_label, tr=tr, lang=lang)
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
    parts.node_inputs(add, is_root=False, currency=cur, kr_label=kr_label, tr=tr, lang=lang)
    st.button(tr("onion.add"), key=f"onion_add_btn_{selected}",
              on_click=add.submit(lambda v: onion.add_node(store, wid, selected, v, state.actor()), NODE_FIELDS,
                                  ok=tr("common.saved"), clear=True))
