"""Projector mode: one switch in the sidebar, kept in the address (``?projector=1``) like the language,
so a reload or a bookmark keeps it. The room reads the screen from the back row: body text at 24 px
(the page's root size is raised, so Streamlit's rem-sized text, labels, buttons and captions follow),
black on white, captions dark grey, the sidebar closed at start, and charts with large labels."""
from __future__ import annotations

from typing import Any

import streamlit as st

KEY = "projector"
ROOT_PX = 24            # body text at 1920×1080 (Streamlit's default is 16 px)
CHART_LABEL, CHART_TITLE = 20, 24

_CSS = f"""<style>
html {{ font-size: {ROOT_PX}px; }}
[data-testid="stMain"] :is(p, li, label, button, input, textarea, td, th, summary) {{ font-size: {ROOT_PX}px !important; }}
[data-testid="stAppViewContainer"], [data-testid="stSidebar"] {{ color: #000; background: #fff; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: #222 !important; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stWidgetLabel"] p {{ line-height: 1.35; }}
.block-container {{ padding-top: 3.2rem; padding-left: 1.2rem; padding-right: 1.2rem; max-width: 100%; }}
</style>"""


# in both modes: a metric's label wraps instead of ending in "…" (the board's counts at 1280 px)
_BASE_CSS = """<style>
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
.st-key-frontend_words { display: none; }
</style>"""


def enabled() -> bool:
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(KEY) == "1"
    return bool(st.session_state[KEY])


def switch(label: str, help: str) -> None:
    """The sidebar toggle; the choice goes into the address so the browser keeps it."""
    def _flip() -> None:
        st.session_state[KEY] = st.session_state["_projector_choice"]
        if st.session_state[KEY]:
            st.query_params[KEY] = "1"
        elif KEY in st.query_params:
            del st.query_params[KEY]

    st.session_state["_projector_choice"] = enabled()
    st.toggle(label, key="_projector_choice", on_change=_flip, help=help)


def apply_style() -> None:
    st.markdown(_BASE_CSS + (_CSS if enabled() else ""), unsafe_allow_html=True)


def chart_config() -> dict[str, Any]:
    """Vega-Lite config for large labels (empty outside projector mode)."""
    if not enabled():
        return {}
    return {"axis": {"labelFontSize": CHART_LABEL, "titleFontSize": CHART_TITLE, "labelLimit": 400},
            "legend": {"labelFontSize": CHART_LABEL, "titleFontSize": CHART_LABEL, "labelLimit": 400},
            "header": {"labelFontSize": CHART_LABEL, "titleFontSize": CHART_TITLE},
            "title": {"fontSize": CHART_TITLE}, "text": {"fontSize": CHART_LABEL}}


def styled_spec(spec: dict) -> dict:
    """A Vega-Lite spec with the projector's config merged in (the spec itself is not changed)."""
    extra = chart_config()
    if not extra:
        return spec
    config = dict(spec.get("config") or {})
    for k, v in extra.items():
        config[k] = {**(config.get(k) or {}), **v}
    out = {**spec, "config": config}
    if isinstance(spec.get("height"), (int, float)):      # room for the larger labels
        out["height"] = round(spec["height"] * 1.5)
    return out


def altair_chart(chart: Any, **kw: Any) -> None:
    """st.altair_chart with the projector's large labels."""
    if enabled():
        st.vega_lite_chart(spec=styled_spec(chart.to_dict(validate=False)), **kw)
    else:
        st.altair_chart(chart, **kw)
