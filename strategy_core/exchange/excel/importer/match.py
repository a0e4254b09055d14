"""How a cell's text is matched to what the workbench stores: text compared width-folded and
case-folded, the allowed words of a column in zh, en or as stored, yes/no, comparators, and the
column definitions the export wrote."""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

from strategy_core import fields as F
from strategy_core.exchange.excel.templates import COLUMNS, Col
from strategy_core.i18n import LANGS, t
from strategy_core.plan import bsc

_SPACE = re.compile(r"\s+")


def norm(value: Any) -> str:
    """Text as compared: width-folded (NFKC), white space collapsed, case-folded."""
    return norm_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=100_000)
def norm_text(s: str) -> str:
    """``norm`` for a string (cached): NFKC width-folded, runs of white space made one space, trimmed, case-folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", s)).strip().casefold()


def blank(v: Any) -> bool:
    """Whether a cell is empty: None, a string of only white space, or NaN."""
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def same(a: Any, b: Any) -> bool:
    """Whether a cell's value equals the stored one: blanks alike, a midnight datetime equal to its date, a bool equal
    to 0/1, numbers equal within 1e-9."""
    if blank(a) and blank(b):
        return True
    if isinstance(a, dt.datetime):
        a = a.date() if a.time() == dt.time() else a
    if isinstance(b, dt.datetime):
        b = b.date() if b.time() == dt.time() else b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a in (0, 1) and b in (0, 1) and bool(a) == bool(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def fraction(name: str, value: Any) -> float | None:
    """A number held as a fraction and shown as a percentage: '50%' typed as text is 0.5."""
    x = F.number(name, value)
    if x is not None and isinstance(value, str) and ("%" in value or "％" in value):
        return x / 100
    return x


def letter(index: int) -> str:
    """The column letters of the 0-based column *index*, as Excel writes them (0 → A, 26 → AA)."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@lru_cache(maxsize=256)
def words(keys: tuple[str, ...], prefix: str) -> dict[str, str]:
    """Allowed words (zh, en and the stored value) → the stored value."""
    out: dict[str, str] = {}
    for k in keys:
        value = k[len(prefix):] if k.startswith(prefix) else k
        out[norm(value)] = value
        for lang in LANGS:
            out[norm(t(k, lang))] = value
    return out


COMPARATORS = {**{norm(c): c for c in bsc.COMPARATORS}, **{norm(s): c for c, s in bsc.COMPARATOR_SYMBOL.items()},
                "=>": ">=", "=<": "<="}
YES_NO = {**{k: True for k in words(("xl.yes",), "")}, **{norm(w): True for w in ("yes", "y", "true", "1", "✓", "x")},
           **{k: False for k in words(("xl.no",), "")}, **{norm(w): False for w in ("no", "n", "false", "0")}}
COMMITTED = {**{k: True for k in words(("okr.committed.yes",), "")},
              **{k: False for k in words(("okr.committed.no",), "")},
              **{k: v for k, v in YES_NO.items()}}


def column(sheet_key: str, col_key: str) -> Col:
    """The export's definition of a sheet's column."""
    return next(c for c in COLUMNS[sheet_key] if c.key == col_key)


def yes_no(lang: str) -> list[str]:
    """The allowed words of a yes/no cell, as an error lists them."""
    return [t("xl.yes", lang), t("xl.no", lang)]
