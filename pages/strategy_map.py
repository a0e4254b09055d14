"""Day 3–4 · The strategy map: cause → effect from learning & growth through process and customer
to financial, kept as data, drawn as a graph, and checked for outcomes without drivers."""
import streamlit as st

from strategy_core.plan import bsc, okr
from ui import frame, state
from ui.forms import Form, action_button, escape_md
from ui.widgets import show_findings

frame.guard("strategy_map")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("map.title"))
st.caption(tr("map.intro"))
wid = state.require_workspace()

ws = state.workspace(wid)
persp = bsc.perspectives_of(ws)
nodes = bsc.map_nodes(store, wid)
links = store.rows("strategy_link", wid)
pname = lambda p: tr("bsc.perspective." + p)
kind_word = lambda k: tr("entity." + k)

if nodes:
    st.graphviz_chart(bsc.map_dot(nodes, links, perspectives=persp,
                                  perspective_names={p: pname(p) for p in bsc.PERSPECTIVES}), width="stretch")
    st.caption(tr("map.caption"))
    show_findings(bsc.check_map(nodes, links), lang, ok_text=tr("map.complete"))
else:
    st.info(tr("map.empty"))

node_label = lambda key: f"{pname(nodes[key]['perspective'])} · {kind_word(key[0])} · {nodes[key]['label'][:60]}"
keys = sorted(nodes, key=lambda k: (bsc.PERSPECTIVES.index(nodes[k]["perspective"]), nodes[k]["label"]))

c1, c2 = st.columns(2)
with c1, st.container(border=True):
    st.markdown(f"**{tr('map.add_link')}**")
    lf = Form("map_link")
    lf.seed({"cause": None, "effect": None})
    st.selectbox(tr("map.cause"), keys, key=lf.k("cause"), format_func=node_label, placeholder=tr("map.pick"))
    st.selectbox(tr("map.effect"), keys, key=lf.k("effect"), format_func=node_label, placeholder=tr("map.pick"))
    lf.general_errors()

    def _link(v):
        cause, effect = v["cause"] or (None, None), v["effect"] or (None, None)
        return bsc.add_link(store, wid, {"cause_kind": cause[0], "cause_id": cause[1], "effect_kind": effect[0],
                                         "effect_id": effect[1]}, state.actor())

    st.button(tr("map.add_link_button"), type="primary", key="map_add",
              on_click=lf.submit(_link, ["cause", "effect"], ok=tr("common.saved"), clear=True))
with c2, st.container(border=True):
    st.markdown(f"**{tr('map.place_objective')}**")
    st.caption(tr("map.place_help"))
    objectives = okr.list_objectives(store, wid)
    if objectives:
        by_id = {o["id"]: o for o in objectives}
        oid = st.selectbox(tr("field.title"), list(by_id), key="map_obj",
                           format_func=lambda i: f"[{tr('okr.level.' + by_id[i]['level'])}] {by_id[i]['title'][:60]}")
        pf = Form(f"map_obj_{oid}")
        pf.seed({"perspective": by_id[oid].get("perspective")}, row=by_id[oid])
        # every perspective is offered: an objective may stand where the scorecard has no indicator yet
        st.selectbox(tr("field.perspective"), list(bsc.PERSPECTIVES), key=pf.k("perspective"), format_func=pname,
                     placeholder=tr("map.not_on_map"))
        pf.errors("perspective")
        pf.general_errors()
        st.button(tr("common.save"), key=f"map_obj_save_{oid}",
                  on_click=pf.submit(lambda v: okr.update_objective(store, oid, v, state.actor(), seen=pf.seen()),
                                     ["perspective"],
                                     ok=tr("common.saved")))
    else:
        st.caption(tr("okr.empty"))

if links:
    st.subheader(tr("map.links", count=len(links)))
    for link in links:
        cause, effect = (link["cause_kind"], link["cause_id"]), (link["effect_kind"], link["effect_id"])
        if cause not in nodes or effect not in nodes:
            continue
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"{escape_md(node_label(cause))}  →  {escape_md(node_label(effect))}")
        with c2:
            action_button(tr("map.remove"), lambda l=link: bsc.delete_link(store, l["id"], state.actor()),
                          key=f"map_del_{link['id']}", ok=tr("common.moved_to_trash", count=1))
