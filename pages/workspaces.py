"""Settings · Workspaces: create, rename, switch, copy, delete to the trash and restore;
the demo company; the change log with undo."""

import pandas as pd
import streamlit as st

from strategy_core.plan import workspace
from strategy_core.i18n import LANGS
from ui import excel, frame, state
from ui.forms import Form, action_button, escape_md, reset_all_forms, undo_button
from ui.workspace_form import SETTINGS, new_workspace_form, settings_inputs

frame.guard("workspaces")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("ws.title"))
def _open(wid: int) -> None:
    state.set_workspace(wid)
    reset_all_forms()


wid = state.workspace_id()
tab_current, tab_new, tab_trash, tab_log = st.tabs(
    [tr("ws.tab.current"), tr("ws.tab.new"), tr("ws.tab.trash"), tr("ws.tab.log")])

with tab_current:
    if wid is None:
        st.info(tr("ws.none_yet"))
    else:
        ws = store.get_workspace(wid)
        st.subheader(tr("ws.settings_of", name=escape_md(ws["name"])))
        form = Form(f"ws_settings_{wid}")
        form.seed({f: ws[f] for f in SETTINGS}, row=ws)
        with st.container(border=True):
            settings_inputs(form)
            st.button(tr("common.save"), type="primary", key=f"ws_save_{wid}",
                      on_click=form.submit(lambda v: workspace.update(store, wid, v, state.actor(), seen=form.seen()),
                                           SETTINGS,
                                           ok=tr("common.saved")))
        counts = store.counts(wid)
        st.caption(tr("ws.counts", nodes=counts["onion_node"], objectives=counts["objective"],
                      krs=counts["key_result"]))
        excel.workbook_section(store, wid, lang)

        st.subheader(tr("ws.copy"))
        cf = Form(f"ws_copy_{wid}")
        cf.seed({"name": tr("ws.copy_default_name", name=ws["name"]), "year": ws["year"]})
        with st.container(border=True):
            c1, c2 = st.columns([3, 1])
            with c1:
                st.text_input(tr("field.name"), key=cf.k("name"), max_chars=200)
                cf.errors("name")
            with c2:
                st.number_input(tr("field.year"), key=cf.k("year"), min_value=workspace.YEAR_MIN,
                                max_value=workspace.YEAR_MAX, step=1)
                cf.errors("year")
            cf.general_errors()
            st.caption(tr("ws.copy_help"))
            st.button(tr("ws.copy_button"), key=f"ws_copy_btn_{wid}",
                      on_click=cf.submit(lambda v: workspace.copy(store, wid, v["name"], v["year"], state.actor()),
                                         ["name", "year"], ok=tr("ws.copied"), clear=True, then=_open))

        st.subheader(tr("ws.delete"))
        st.caption(tr("ws.delete_help"))
        confirm = st.checkbox(tr("ws.delete_confirm", name=ws["name"]), key=f"ws_del_confirm_{wid}")
        action_button(tr("ws.delete_button"), lambda: workspace.delete(store, wid, state.actor()),
                      key=f"ws_del_{wid}", ok=tr("ws.deleted"), disabled=not confirm)

    others = store.list_workspaces()
    if len(others) > 1:
        st.subheader(tr("ws.all"))
        st.dataframe(pd.DataFrame([{tr("field.name"): w["name"], tr("field.year"): w["year"],
                                    tr("field.industry"): tr("industry." + w["industry"]),
                                    tr("field.currency"): w["currency"]} for w in others]),
                     hide_index=True, width="stretch", placeholder="—")
        st.caption(tr("ws.switch_help"))

with tab_new:
    with st.container(border=True):
        new_workspace_form(store, "ws_new", "ws_create", then=_open)
    st.divider()
    st.markdown(f"**{tr('ws.demo_title')}**")
    st.caption(tr("ws.demo_help"))
    c1, c2 = st.columns(2)
    for col, code in zip((c1, c2), LANGS):
        with col:
            action_button(tr("ws.load_demo_" + code),
                          lambda code=code: _open(state.load_demo(code)),
                          key=f"ws_demo_{code}")

with tab_trash:
    deleted = store.deleted_workspaces()
    if deleted:
        st.subheader(tr("ws.trash_workspaces"))
        for w in deleted:
            c1, c2 = st.columns([4, 1])
            c1.markdown(f"🗂️ **{escape_md(w['name'])}** · {w['year']} — {tr('ws.deleted_at', at=w['deleted_at'])}")
            with c2:
                def _restore(w=w) -> None:
                    workspace.restore(store, w["id"], state.actor())
                    _open(w["id"])
                action_button(tr("ws.restore"), _restore, key=f"ws_restore_{w['id']}", ok=tr("ws.restored"))
    if wid is not None:
        batches = store.trash_batches(wid)
        st.subheader(tr("ws.trash_items"))
        if not batches:
            st.caption(tr("ws.trash_empty"))
        for b in batches:
            with st.container(border=True):
                c1, c2 = st.columns([4, 1])
                items = ", ".join(f"{tr('entity.' + i['entity'])} “{i['label'][:40]}”" for i in b["items"][:5])
                more = tr("ws.trash_more", count=len(b["items"]) - 5) if len(b["items"]) > 5 else ""
                c1.markdown(f"{escape_md(items)}{more}  \n{tr('ws.deleted_at', at=b['deleted_at'])}")
                with c2:
                    action_button(tr("ws.restore"),
                                  lambda b=b: workspace.restore_batch(store, wid, b["batch"], state.actor()),
                                  key=f"trash_restore_{b['batch']}", ok=tr("ws.restored"))
    elif not deleted:
        st.caption(tr("ws.trash_empty"))

with tab_log:
    if wid is None:
        st.caption(tr("ws.none_yet"))
    else:
        undo_button(store, wid, key="ws_undo", type="primary")
        log = store.audit(wid, limit=200)
        if log:
            st.dataframe(pd.DataFrame([{
                tr("ws.log.at"): e["at_time"], tr("ws.log.actor"): e["actor"] or "—",
                tr("ws.log.action"): tr("action." + e["action"]),
                tr("ws.log.entity"): tr("entity." + e["entity"]),
                tr("ws.log.change"): tr("ws.log.created") if e["before"] is None else (
                    tr("ws.log.removed") if e["after"] is None else tr("ws.log.changed")),
            } for e in log]), hide_index=True, width="stretch", placeholder="—")
