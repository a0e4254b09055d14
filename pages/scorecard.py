"""Day 3–4 · Balanced Scorecard design: perspectives, industry templates, indicators with targets,
warning bands, frequency, owner and links to KRs."""
import pandas as pd
import streamlit as st

from strategy_core.plan import bsc, okr
from strategy_core.numbers import format_value
from strategy_core.views import scorecard as views
from ui import excel, frame, state
from ui import scorecard as parts
from ui.forms import Form, action_button, escape_md, save_and_delete
from ui.widgets import status_word

frame.guard("scorecard")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("bsc.title"))
st.caption(tr("bsc.intro"))
wid = state.require_workspace()
excel.download_section(store, wid, "scorecard", lang)

ws = state.workspace(wid)
persp = bsc.perspectives_of(ws)
indicators = bsc.list_indicators(store, wid)
links = bsc.indicator_links(store, wid)
krs = okr.list_key_results(store, wid)
kr_label = {k["id"]: k["statement"] for k in krs}
on = state.as_of(ws["year"])
board = state.board(store, wid, on)
state.show_as_of(on)
IND_FIELDS = ["perspective", "name", "unit", "comparator", "target", "band", "frequency", "owner", "data_source",
              "key_result_ids"]
pname = lambda p: tr("bsc.perspective." + p)

# -- perspectives and templates ---------------------------------------------------------------------
c1, c2 = st.columns(2)
with c1, st.container(border=True):
    st.markdown(f"**{tr('bsc.perspectives')}**")
    st.caption(" → ".join(pname(p) for p in reversed(persp)))
    has_learning = "learning" in persp
    target = [p for p in bsc.PERSPECTIVES if p != "learning" or not has_learning]
    action_button(tr("bsc.remove_learning") if has_learning else tr("bsc.add_learning"),
                  lambda: bsc.set_perspectives(store, wid, target, state.actor()), key="bsc_toggle_learning",
                  ok=tr("common.saved"), help=tr("bsc.learning_help"))
with c2, st.container(border=True):
    st.markdown(f"**{tr('bsc.templates')}**")
    keys = list(bsc.templates())
    choice = st.selectbox(tr("bsc.template"), keys, key="bsc_template",
                          format_func=lambda k: bsc.templates()[k]["name"][lang])
    st.caption(" · ".join(f"{r['name']} {bsc.COMPARATOR_SYMBOL[r['comparator']]} "
                          f"{format_value(r['target'], r['unit'], lang)}"
                          for r in bsc.template_rows(choice, lang)))

    def _apply() -> None:
        added, kept = bsc.apply_template(store, wid, choice, lang, state.actor())
        state.flash(tr("bsc.template_applied", added=added, kept=kept))

    action_button(tr("bsc.apply_template"), _apply, key="bsc_apply_template", type="primary",
                  help=tr("bsc.template_help"))

# -- the scorecard, perspective by perspective -----------------------------------------------------------
if not indicators:
    st.info(tr("bsc.empty"))
for p in persp:
    mine = [i for i in indicators if i["perspective"] == p]
    st.subheader(f"{pname(p)} ({len(mine)})")
    if not mine:
        st.caption(tr("bsc.none_in_perspective"))
        continue
    st.dataframe(pd.DataFrame([{
        tr("field.name"): r["name"], tr("bsc.col.target"): r["target"], tr("field.band"): r["band"],
        tr("field.frequency"): tr("bsc.frequency." + r["frequency"]), tr("field.owner"): r["owner"],
        tr("bsc.col.latest"): r["latest"], tr("common.status"): status_word(r["status"], tr), tr("bsc.col.krs"): r["krs"],
    } for r in views.indicator_rows(mine, board, links, kr_label, lang)]), hide_index=True, width="stretch",
        placeholder="—")


st.divider()
tab_edit, tab_new = st.tabs([tr("bsc.tab.edit"), tr("bsc.tab.new")])
with tab_edit:
    if not indicators:
        st.caption(tr("bsc.empty"))
    else:
        by_id = {i["id"]: i for i in indicators}
        iid = st.selectbox(tr("bsc.select_indicator"), list(by_id), key="bsc_selected",
                           format_func=lambda i: f"{pname(by_id[i]['perspective'])} · {by_id[i]['name']}")
        ind = by_id[iid]
        form = Form(f"bsc_ind_{iid}")
        form.seed({**{f: ind.get(f) for f in IND_FIELDS}, "key_result_ids": links.get(iid, [])}, row=ind)
        with st.container(border=True):
            parts.indicator_inputs(form, persp, kr_label, tr)
            save_and_delete(form, IND_FIELDS, save=lambda v: bsc.update_indicator(store, iid, v, state.actor(), seen=form.seen()),
                            delete=lambda: bsc.delete_indicator(store, iid, state.actor()),
                            save_key=f"bsc_save_{iid}", delete_key=f"bsc_del_{iid}", delete_label=tr("bsc.delete"),
                            deleted=tr("common.moved_to_trash", count=1))
        with st.expander(tr("bsc.retire")):
            rf = Form(f"bsc_retire_{iid}")
            st.text_input(tr("field.retire_reason"), key=rf.k("retire_reason"))
            rf.errors("retire_reason")
            st.button(tr("bsc.retire_button"), key=f"bsc_retire_btn_{iid}",
                      on_click=rf.submit(lambda v: bsc.retire_indicator(store, iid, v["retire_reason"], state.actor()),
                                         ["retire_reason"], ok=tr("bsc.retired"), clear=True))
with tab_new:
    nf = Form("bsc_new")
    nf.seed({"perspective": persp[0], "name": "", "unit": "", "comparator": ">=", "target": None, "band": None,
             "frequency": "monthly", "owner": "", "data_source": "", "key_result_ids": []})
    with st.container(border=True):
        parts.indicator_inputs(nf, persp, kr_label, tr)
        st.button(tr("bsc.add"), type="primary", key="bsc_add",
                  on_click=nf.submit(lambda v: bsc.add_indicator(store, wid, v, state.actor()), IND_FIELDS,
                                     ok=tr("common.saved"), clear=True))

retired = bsc.list_indicators(store, wid, retired=True)
if retired:
    with st.expander(tr("bsc.retired_list", count=len(retired))):
        for i in retired:
            st.markdown(f"~~{escape_md(i['name'])}~~ — {escape_md(i['retire_reason'])} "
                        f"({i['retired_at']:%Y-%m-%d})")
