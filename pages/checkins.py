"""Run the year · Check-ins and readings: a quick entry form, the recent entries, and paste of many rows."""
import pandas as pd
import streamlit as st

from strategy_core.plan import bsc, okr
from strategy_core.track import tracking
from strategy_core.numbers import format_number
from ui import editor, frame, state
from ui.forms import Form

frame.guard("checkins")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
st.title(tr("track.title"))
st.caption(tr("track.intro"))
wid = state.require_workspace()

ws = state.workspace(wid)
today = state.as_of(ws["year"])
state.show_as_of(today)
krs = {k["id"]: k for k in okr.list_key_results(store, wid)}
indicators = {i["id"]: i for i in bsc.list_indicators(store, wid)}


def entry_editor(table: str, owner_id: int, rows: list[dict], value_label: str, text_field: str) -> None:
    """All entries of one KR or indicator, newest first, editable in place; saved through the core."""
    key = f"track_editor_{table}_{owner_id}"
    ordered = rows[::-1]
    cols = ["date", "value", *(["confidence"] if table == "check_in" else []), text_field]
    frame_ = pd.DataFrame([{c: r[c] for c in cols} for r in ordered], columns=cols)
    config = {"date": st.column_config.DateColumn(tr("field.date"), format="YYYY-MM-DD", required=True),
              "value": st.column_config.NumberColumn(value_label, required=True),
              text_field: st.column_config.TextColumn(tr("field." + text_field))}
    if table == "check_in":
        config["confidence"] = st.column_config.NumberColumn(tr("field.confidence"), min_value=0, max_value=10, step=1)
    st.markdown(f"**{tr('track.editor')}**")
    st.data_editor(frame_, key=key, num_rows="dynamic", hide_index=True, width="stretch", column_config=config,
        placeholder="")
    editor.save_button(key, tr("track.save_edits"), lambda e: tracking.apply_edits(
        store, table, owner_id, changed={ordered[i]["id"]: ch for i, ch in e.changed.items()}, added=e.added,
        deleted=[ordered[i]["id"] for i in e.deleted], actor=state.actor()),
        lambda n: tr("track.edits_saved", count=n))


def entry_inputs(f: Form, unit: str | None):
    """Date and value side by side; returns the wide third column for what else the entry needs."""
    c = st.columns([1, 1, 2])
    with c[0]:
        st.date_input(tr("field.date"), key=f.k("date"), format="YYYY-MM-DD")
        f.errors("date")
    with c[1]:
        st.number_input(tr("track.value", unit=unit or ""), key=f.k("value"), format="%.4g")
        f.errors("value")
    return c[2]


def paste_box(key: str, help_key: str, action) -> None:
    with st.expander(tr("track.paste")):
        pf = Form(key)
        st.caption(tr(help_key))
        st.text_area(tr("track.paste_area"), key=pf.k("paste"), height=140, placeholder="2026-03-02\t42\n2026-03-09\t45")
        pf.errors("paste")
        pf.general_errors()
        st.button(tr("track.paste_button"), key=f"{key}_btn",
                  on_click=pf.submit(lambda v: state.flash(tr("track.pasted", count=action(v["paste"]))), ["paste"],
                                     clear=True))


tab_kr, tab_ind = st.tabs([tr("track.tab.krs"), tr("track.tab.indicators")])

with tab_kr:
    if not krs:
        st.info(tr("track.no_krs"))
    else:
        kid = st.selectbox(tr("field.key_result_id"), list(krs), key="track_kr",
                           format_func=lambda i: f"{krs[i]['statement'][:70]} — {krs[i]['owner'] or ''}")
        k = krs[kid]
        mine = tracking.check_ins_of(store, kid)
        last = mine[-1] if mine else None
        st.caption(tr("track.kr_caption", baseline=format_number(k["baseline"], lang),
                      target=format_number(k["target"], lang), unit=k["unit"] or "",
                      deadline=k["deadline"].isoformat() if k["deadline"] else "—",
                      last=format_number(last["value"], lang) if last else "—",
                      last_date=last["date"].isoformat() if last else "—"))
        f = Form(f"track_ci_{kid}")
        f.seed({"date": today, "value": None, "confidence": 7, "note": ""})
        with st.container(border=True):
            with entry_inputs(f, k["unit"]):
                st.slider(tr("field.confidence"), 0, 10, key=f.k("confidence"), help=tr("track.confidence_help"))
                f.errors("confidence")
            st.text_input(tr("field.note"), key=f.k("note"))
            f.errors("note")
            f.general_errors()
            st.button(tr("track.save_check_in"), type="primary", key=f"track_ci_save_{kid}",
                      on_click=f.submit(lambda v: tracking.add_check_in(store, kid, v, state.actor()),
                                        ["date", "value", "confidence", "note"], ok=tr("common.saved"),
                                        clear=True))      # a second click must not record it twice
        entry_editor("check_in", kid, mine, tr("track.value", unit=k["unit"] or ""), "note")
        paste_box(f"track_ci_paste_{kid}", "track.paste_help_kr",
                  lambda text: tracking.paste_check_ins(store, kid, text, state.actor()))

with tab_ind:
    if not indicators:
        st.info(tr("track.no_indicators"))
    else:
        iid = st.selectbox(tr("entity.indicator"), list(indicators), key="track_ind",
                           format_func=lambda i: f"{tr('bsc.perspective.' + indicators[i]['perspective'])} · "
                                                 f"{indicators[i]['name']}")
        ind = indicators[iid]
        mine = tracking.readings_of(store, iid)
        st.caption(tr("track.ind_caption", comparator=bsc.COMPARATOR_SYMBOL[ind["comparator"]],
                      target=format_number(ind["target"], lang), unit=ind["unit"] or "",
                      frequency=tr("bsc.frequency." + ind["frequency"])))
        f = Form(f"track_rd_{iid}")
        f.seed({"date": today, "value": None, "comment": ""})
        with st.container(border=True):
            with entry_inputs(f, ind["unit"]):
                st.text_input(tr("field.comment"), key=f.k("comment"))
                f.errors("comment")
            f.general_errors()
            st.button(tr("track.save_reading"), type="primary", key=f"track_rd_save_{iid}",
                      on_click=f.submit(lambda v: tracking.add_reading(store, iid, v, state.actor()),
                                        ["date", "value", "comment"], ok=tr("common.saved")))
        entry_editor("reading", iid, mine, tr("track.value", unit=ind["unit"] or ""), "comment")
        paste_box(f"track_rd_paste_{iid}", "track.paste_help_ind",
                  lambda text: tracking.paste_readings(store, iid, text, state.actor()))
