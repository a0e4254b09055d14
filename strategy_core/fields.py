"""Input cleaning shared by every form, import and CLI command.

Each parser returns the clean value or raises a FieldError-carrying
ValidationError for one field; `collect()` gathers many so a form can show
every problem next to its field at once and save nothing.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any, Callable

from strategy_core.errors import FieldError, ValidationError

NAME_MAX = 200     # names, titles, owners
TEXT_MAX = 5000    # long free text (logic, steps, risk plan)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufffe\uffff\ud800-\udfff]")
# direction overrides and isolates: they make stored text display in another order than it is
# (a name that reads "Q4 target 100" but is "001 tegrat 4Q"), so they are refused, never kept
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def bidi_problem(s: str) -> dict[str, Any] | None:
    """The first direction-control character in *s* as error parameters (char, position), or None."""
    m = _BIDI.search(s)
    return None if m is None else {"char": f"U+{ord(m.group()):04X}", "position": m.start() + 1}


def removed_characters(value: Any) -> list[str]:
    """The invisible characters `text` takes out of *value* (as U+XXXX), so the person can be told."""
    if not isinstance(value, str):
        return []
    return sorted({f"U+{ord(ch):04X}" for ch in _CONTROL.findall(value.replace("\r", ""))})


class Collector:
    """Gathers the problems of many fields: call it with a field's name and parser, and the clean value is kept in
    ``values`` or the errors in ``errors``; ``raise_if_any`` raises them all at once."""
    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.values: dict[str, Any] = {}

    def __call__(self, name: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        try:
            v = fn(name, *args, **kw)
        except ValidationError as e:
            self.errors.extend(e.errors)
            return None
        self.values[name] = v
        return v

    def add(self, name: str, key: str, **params: Any) -> None:
        self.errors.append(FieldError(name, key, params))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def collect() -> Collector:
    """A new, empty ``Collector``."""
    return Collector()


def _fail(name: str, key: str, **params: Any):
    raise ValidationError([FieldError(name, key, params)])


def text(name: str, value: Any, *, required: bool = False, max_len: int = NAME_MAX,
         multiline: bool = False) -> str | None:
    """Strip control characters and outer white space; refuse over-long text (never cut it)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = ""
    s = str(value).replace("\r\n", "\n").replace("\r", "\n")
    bidi = bidi_problem(s)
    if bidi:
        _fail(name, "error.bidi", **bidi)
    if not multiline:
        s = s.replace("\n", " ").replace("\t", " ")
    s = _CONTROL.sub("", s)
    s = unicodedata.normalize("NFC", s).strip()
    if not s:
        if required:
            _fail(name, "error.required")
        return None
    if len(s) > max_len:
        _fail(name, "error.too_long", max=max_len, length=len(s))
    return s


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，％", "0123456789.-+,%")


def number(name: str, value: Any, *, required: bool = False, min_value: float | None = None,
           max_value: float | None = None, exclusive_min: bool = False) -> float | None:
    """Parse a number typed by a person: '1,234.5', '１２３', '40%', ' 7 ' all work."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _fail(name, "error.required")
        return None
    if isinstance(value, bool):
        _fail(name, "error.not_a_number", value=str(value))
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        s = str(value).translate(_FULLWIDTH).strip().replace(",", "").replace(" ", "")
        for sym in ("¥", "￥", "$", "€", "%"):
            s = s.replace(sym, "")
        try:
            x = float(s)
        except ValueError:
            _fail(name, "error.not_a_number", value=str(value)[:40])
    if math.isnan(x):
        if required:
            _fail(name, "error.required")
        return None
    if math.isinf(x):
        _fail(name, "error.not_a_number", value=str(value)[:40])
    if min_value is not None and (x < min_value or (exclusive_min and x == min_value)):
        _fail(name, "error.min_exclusive" if exclusive_min else "error.min", min=min_value, value=x)
    if max_value is not None and x > max_value:
        _fail(name, "error.max", max=max_value, value=x)
    return x


_YMD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T ].*)?$")
_QUARTER = re.compile(r"^\s*(\d{4})?\s*[-/ ]?\s*Q([1-4])\s*$", re.I)


def date(name: str, value: Any, *, required: bool = False, year: int | None = None) -> dt.date | None:
    """A date, or a quarter ('Q4', '2026 Q4' → its last day); inside *year* when given."""
    if value is None or (isinstance(value, str) and not value.strip()) or (
            isinstance(value, float) and math.isnan(value)):
        if required:
            _fail(name, "error.required")
        return None
    if isinstance(value, dt.datetime):
        d = value.date()
    elif isinstance(value, dt.date):
        d = value
    elif hasattr(value, "to_pydatetime"):
        d = value.to_pydatetime().date()
    else:
        s = str(value).strip().translate(_FULLWIDTH)
        m = _QUARTER.match(s)
        if m:
            if not (m.group(1) or year):
                _fail(name, "error.quarter_needs_year", value=s[:40])
            y = int(m.group(1) or year)
            q = int(m.group(2))
            d = dt.date(y, 12, 31) if q == 4 else dt.date(y, 3 * q + 1, 1) - dt.timedelta(days=1)
        else:
            ymd = _YMD.match(s)
            try:
                if not ymd:
                    raise ValueError(s)
                d = dt.date(int(ymd.group(1)), int(ymd.group(2)), int(ymd.group(3)))
            except ValueError:
                _fail(name, "error.not_a_date", value=str(value)[:40])
    if year is not None and d.year != year:
        _fail(name, "error.outside_year", year=year, value=d.isoformat())
    return d


def choice(name: str, value: Any, allowed: tuple[str, ...], *, required: bool = True) -> str | None:
    """*value* when it is one of *allowed* (compared exactly); None or "" is None unless *required*, anything else a
    ValidationError."""
    if value is None or value == "":
        if required:
            _fail(name, "error.required")
        return None
    if value not in allowed:
        _fail(name, "error.not_allowed", value=str(value)[:40], allowed=", ".join(allowed))
    return value


def person_key(name: str | None) -> str:
    """How two spellings of one person's name compare (an owner, a plan's person): case, extra spaces
    and full- or half-width letters do not matter (an input method in full-width mode types ＡＬＩＣＥ),
    as when the Excel import matches text."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split()).casefold()
