"""The onion page's node form: name, kind and the numbers its kind asks for, its KR and a note."""
from __future__ import annotations

import streamlit as st

from strategy_core.numbers import format_money
from strategy_core.plan import onion
from ui.forms import Form


def node_inputs(form: Form, *, is_root: bool, currency: str, kr_label: dict[int, str], tr, lang: str) -> None:
    """The widgets of one node; which numbers are asked depends on its kind."""
    st.text_input(tr("field.name"), key=form.k("name"), max_chars=200)
    form.errors("name")
    kinds = onion.ROOT_KINDS if is_root else onion.KINDS
    st.selectbox(tr("field.kind"), kinds, key=form.k("kind"), format_func=lambda k: tr("onion.kind." + k),
                 help=tr("onion.kind_help"))
    form.errors("kind")
    kind = form.value("kind") or kinds[0]
    if kind == "amount":
        st.number_input(tr("onion.field.annual_amount" if is_root else "onion.field.monthly_amount", currency=currency),
                        key=form.k("amount"), min_value=0.0, step=10000.0, format="%.2f")
        if form.value("amount"):
            st.caption(format_money(form.value("amount"), currency, lang, exact=True))
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
            st.number_input(tr("field.unit_price", currency=currency), key=form.k("unit_price"), min_value=0.0,
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


