"""Small shared renderers."""
from __future__ import annotations

from typing import Iterable

import streamlit as st

from strategy_core.findings import FAIL, PASS, Finding
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
