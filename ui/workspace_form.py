"""The workspace settings inputs, shared by the Workspaces page (create and edit) and the home page of an
empty database (create, open where the eye is)."""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from strategy_core.plan import workspace
from strategy_core.fields import NAME_MAX
from strategy_core.i18n import LANG_NAMES, LANGS
from strategy_core.numbers import CURRENCIES
from strategy_core.store.store import Store
from ui import state
from ui.forms import Form

SETTINGS = ["name", "year", "industry", "currency", "day_basis", "trading_days", "language"]


def settings_inputs(form: Form) -> None:
    tr = state.translator(state.lang())   # bound: Streamlit may call format_func outside the run
    c1, c2 = st.columns([3, 1])
    with c1:
        st.text_input(tr("field.name"), key=form.k("name"), max_chars=NAME_MAX, placeholder=tr("ws.name_placeholder"))
        form.errors("name")
    with c2:
        st.number_input(tr("field.year"), key=form.k("year"), min_value=workspace.YEAR_MIN,
                        max_value=workspace.YEAR_MAX, step=1)
        form.errors("year")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.selectbox(tr("field.industry"), workspace.INDUSTRIES, key=form.k("industry"),
                     format_func=lambda i: tr("industry." + i))
        form.errors("industry")
    with c2:
        st.selectbox(tr("field.currency"), CURRENCIES, key=form.k("currency"))
        form.errors("currency")
    with c3:
        st.selectbox(tr("field.language"), LANGS, key=form.k("language"),
                     format_func=LANG_NAMES.get, help=tr("ws.language_help"))
        form.errors("language")
    c1, c2 = st.columns([3, 1])
    with c1:
        st.selectbox(tr("field.day_basis"), workspace.DAY_BASES, key=form.k("day_basis"),
                     format_func=lambda b: tr("ws.day_basis." + b), help=tr("ws.day_basis_help"))
        form.errors("day_basis")
    if form.value("day_basis") == "trading_days":
        with c2:
            st.number_input(tr("field.trading_days"), key=form.k("trading_days"), min_value=1, max_value=366, step=1)
            form.errors("trading_days")
    form.general_errors()


def new_workspace_form(store: Store, key: str, button_key: str, *, then: Callable[[Any], None]) -> None:
    """The create form, seeded with this year and the usual settings; *then* gets the new id."""
    tr = state.translator(state.lang())
    nf = Form(key)
    nf.seed({"name": "", "year": state.today().year, "industry": "startup", "currency": "CNY",
             "day_basis": "month_30", "trading_days": 250, "language": state.lang()})
    settings_inputs(nf)
    st.button(tr("ws.create"), type="primary", key=button_key,
              on_click=nf.submit(lambda v: workspace.create(store, v, state.actor()), SETTINGS,
                                 ok=tr("ws.created"), clear=True, then=then))
