"""The scorecard page's indicator form: perspective, name, unit, comparator, target, warning band,
frequency, owner, data source and the KRs it is linked to, each with its errors."""
from __future__ import annotations

import streamlit as st

from strategy_core.plan import bsc
from ui.forms import Form


def indicator_inputs(form: Form, persp: list[str], kr_label: dict[int, str], tr) -> None:
    """The fields of an indicator (*persp*: the workspace's perspectives; *kr_label*: KR id → statement)."""
    pname = lambda p: tr("bsc.perspective." + p)  # noqa: E731
    c = st.columns([1, 2, 1])
    with c[0]:
        st.selectbox(tr("field.perspective"), persp, key=form.k("perspective"), format_func=pname)
        form.errors("perspective")
    with c[1]:
        st.text_input(tr("field.name"), key=form.k("name"), max_chars=200)
        form.errors("name")
    with c[2]:
        st.text_input(tr("field.unit"), key=form.k("unit"), max_chars=40, placeholder="%, ¥, h …")
        form.errors("unit")
    c = st.columns(4)
    with c[0]:
        st.selectbox(tr("field.comparator"), bsc.COMPARATORS, key=form.k("comparator"),
                     format_func=bsc.COMPARATOR_SYMBOL.get)
        form.errors("comparator")
    with c[1]:
        st.number_input(tr("field.target"), key=form.k("target"), format="%.4g")
        form.errors("target")
    with c[2]:
        st.number_input(tr("field.band"), key=form.k("band"), min_value=0.0, format="%.4g", help=tr("bsc.band_help"))
        form.errors("band")
    with c[3]:
        st.selectbox(tr("field.frequency"), bsc.FREQUENCIES, key=form.k("frequency"),
                     format_func=lambda f: tr("bsc.frequency." + f))
        form.errors("frequency")
    c = st.columns(2)
    with c[0]:
        st.text_input(tr("field.owner"), key=form.k("owner"))
        form.errors("owner")
    with c[1]:
        st.text_input(tr("field.data_source"), key=form.k("data_source"))
        form.errors("data_source")
    st.multiselect(tr("field.key_result_ids"), list(kr_label), key=form.k("key_result_ids"),
                   format_func=lambda k: kr_label[k][:80], placeholder=tr("bsc.no_krs"))
    form.errors("key_result_ids")
    form.general_errors()


