"""Streamlit's own words in the browser, in the page's language.

A few texts come from Streamlit's frontend, not from our catalogs, and are always English: the
"Page not found" box of an unknown address, and the file uploader's "Drag and drop a file here",
"Upload" and "200MB per file". Streamlit has no setting for them, so a tiny script (in an invisible
frame of the page itself, written from our catalogs only, no user text) replaces exactly those
strings in the page with the catalog's words as they appear, and leaves every other text alone. In
English it holds no replacements (a page switched back from zh keeps working)."""
from __future__ import annotations

import json

import streamlit as st

from strategy_core.i18n import t

# Streamlit's exact English texts (1.67) → our catalog keys
EXACT = {
    "Page not found": "streamlit.page_not_found",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "streamlit.page_not_found_body",
    "Drag and drop a file here": "streamlit.drop_file",
    "Drag and drop files here": "streamlit.drop_files",
    "Upload": "streamlit.upload",
}
PER_FILE = r"^(\d+(?:\.\d+)?\s*[KMGT]?B) per file$"     # "200MB per file"


def mapping(lang: str) -> dict[str, str]:
    """English text → the text shown in *lang* (empty for English)."""
    if lang == "en":
        return {}
    return {english: t(key, lang) for english, key in EXACT.items()}


def script(lang: str) -> str:
    words = json.dumps(mapping(lang), ensure_ascii=False).replace("</", "<\\/")
    per_file = json.dumps("" if lang == "en" else t("streamlit.per_file", lang), ensure_ascii=False).replace("</", "<\\/")
    return f"""<script>
const W = window.parent;
W.__wbWords = {words}; W.__wbPerFile = {per_file};
if (!W.__wbFix) {{
  const re = new RegExp({json.dumps(PER_FILE)});
  W.__wbFix = (root) => {{
    if (!root) return;
    const walk = W.document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n = root.nodeType === 3 ? root : walk.nextNode();
    for (; n; n = walk.nextNode()) {{
      const text = n.nodeValue.trim(), got = W.__wbWords[text];
      if (got) {{ n.nodeValue = got; continue; }}
      const m = W.__wbPerFile && text.match(re);
      if (m) n.nodeValue = W.__wbPerFile.replace("{{size}}", m[1]);
    }}
  }};
  new W.MutationObserver(records => {{
    for (const r of records) {{
      if (r.type === "characterData") W.__wbFix(r.target);
      else r.addedNodes.forEach(W.__wbFix);
    }}
  }}).observe(W.document.body, {{childList: true, subtree: true, characterData: true}});
}}
W.__wbFix(W.document.body);
</script>"""


def apply(lang: str) -> None:
    """Put the script on the page (in a hidden container; the frame runs all the same)."""
    with st.container(key="frontend_words"):
        st.iframe(script(lang), height=1)
