"""Labels for Graphviz (the OKR alignment graph and the strategy map): escaped and wrapped."""
from __future__ import annotations

import re


def label(text: str, width: int = 18) -> str:
    """Wrap a label for Graphviz: CJK may break between characters, Latin text between words."""
    text = (text or "").replace("\\", "\\\\").replace('"', '\\"')
    limit = width * 2
    tokens = []
    for tok in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text):
        # a word longer than a line is cut into line-sized pieces (never inside an escape)
        while len(tok) > limit:
            cut = limit - 1 if tok[limit - 1] == "\\" else limit
            tokens.append(tok[:cut])
            tok = tok[cut:]
        tokens.append(tok)
    lines, line, n = [], "", 0
    for tok in tokens:
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in tok)
        if tok.isspace():
            if line:
                line, n = line + " ", n + 1
            continue
        if n + w > limit and line.strip():
            lines.append(line.rstrip())
            line, n = "", 0
        line += tok
        n += w
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = lines[-1][:-1] + "…"
    return "\\n".join(lines)
