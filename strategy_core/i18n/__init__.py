"""zh + en catalogs and the t() helper.

Each language is a folder of JSON files (one per area: common, onion, okr,
quality, ...) merged into one flat catalog. A test keeps the key sets equal.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGS = ("zh", "en")
# each language named in itself, the same on every screen
LANG_NAMES = {"zh": "中文", "en": "English"}
DEFAULT_LANG = "zh"
_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """The flat catalog of *lang* (its JSON files merged, read once); ValueError for an unknown language or a key
    defined in two files."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    merged: dict[str, str] = {}
    for path in sorted((_HERE / lang).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        dup = merged.keys() & part.keys()
        if dup:
            raise ValueError(f"{path.name}: keys defined twice: {sorted(dup)}")
        merged.update(part)
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Translate *key*; a missing key shows itself (and a test fails on it)."""
    text = catalog(lang).get(key)
    if text is None:
        return key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def lang_from_locale(locale: str | None) -> str:
    """Browser locale such as 'zh-CN' or 'en-US' → a catalog language."""
    if locale and locale.lower().startswith("en"):
        return "en"
    if locale and locale.lower().startswith("zh"):
        return "zh"
    return DEFAULT_LANG
