"""Small shared renderers."""
from __future__ import annotations

from typing import Iterable

import pandas as pd
import streamlit as st

from strategy_core.findings import FAIL, PASS, Finding
from ui import projector
from ui.forms import escape_md

SEVERITY_ICON = {FAIL: "⛔", "warn": "⚠️", PASS: "✅"}


def show_findings(findings: Iterable[Finding], lang: str, *, currency: str = "CNY", examples: bool = True,
                  ok_text: str | None = None) -> None:
    """Problems first (fail, then warn), each with its coaching sentence and a weak → strong example."""
    probs = sorted((f for f in findings if f.severity != PASS), key=lambda f: f.severity != FAIL)
    if not probs:
        if ok_text:
            st.success(ok_text, icon="✅")
        return
    for f in probs:
        st.markdown(f"{SEVERITY_ICON[f.severity]} {escape_md(f.text(lang, currency))}")
        ex = f.example_text(lang) if examples else None
        if ex:
            st.caption(f"💡 {escape_md(ex)}")


# a status is never told by colour alone: a symbol and a word go with it
STATUS_SYMBOL = {"green": "🟢", "yellow": "🟡", "red": "🔴", "no_data": "⚪", "outdated": "⏳",
                 "on_track": "🟢", "at_risk": "🟡", "off_track": "🔴"}


def status_word(code: str, tr) -> str:
    return f"{STATUS_SYMBOL.get(code, '')} {tr('status.' + code)}"


# a status cell's background goes with its symbol and word
STATUS_CELL = {"off_track": "#fde2e1", "red": "#fde2e1", "at_risk": "#fff3c4", "yellow": "#fff3c4",
               "on_track": "#dcf5e3", "green": "#dcf5e3"}


def status_table(frame: pd.DataFrame, codes: list[str], *, status: str, progress: str, percents: list[str],
                 points: list[str], wide: list[str]) -> None:
    """A table whose *status* column is coloured by each row's status code (*codes*, in row order) and whose
    *progress* column (0–100) is a neutral bar. In projector mode a static table, which takes the large
    text (the interactive grid draws its own small one), with the numbers written out."""
    if projector.enabled():
        pct = lambda v: "—" if pd.isna(v) else f"{int(v)}%"
        frame = frame.assign(**{c: frame[c].map(pct) for c in [progress, *percents]},
                             **{c: frame[c].map(lambda v: f"{v} pp") for c in points})
    styled = frame.style.apply(lambda col: [f"background-color: {STATUS_CELL[c]}" if c in STATUS_CELL else ""
                                            for c in codes], subset=[status])
    if projector.enabled():
        st.table(styled.hide(axis="index"))
        return
    st.dataframe(styled, hide_index=True, width="stretch", column_config={
        progress: st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100, color="gray"),
        **{c: st.column_config.NumberColumn(format="%d%%") for c in percents},
        **{c: st.column_config.NumberColumn(format="%d pp") for c in points},
        **{c: st.column_config.TextColumn(width="large") for c in wide}}, placeholder="—")
