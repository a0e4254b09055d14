"""Money and percentages the way each language reads them.

en: ¥8,333,333 — zh: ¥833.3万 / ¥1亿 (compact), or ¥3,000,333 where the exact
figure matters (a gap the team must close).
"""
from __future__ import annotations

import math

from babel.numbers import format_decimal, get_currency_symbol

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP", "SGD")
_SYMBOL_LOCALE = {"zh": "zh_Hans_CN", "en": "en"}


def currency_symbol(currency: str, lang: str = "zh") -> str:
    """The symbol of *currency* as *lang* writes it (Babel's); CNY is always "¥"."""
    if currency == "CNY":
        return "¥"
    return get_currency_symbol(currency, locale=_SYMBOL_LOCALE.get(lang, "en"))


def _trim(x: float, decimals: int) -> str:
    s = f"{x:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def format_money(value: float | None, currency: str = "CNY", lang: str = "zh", *, exact: bool = False) -> str:
    """Format an amount; zh uses 万/亿 unless *exact* is asked for."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sym = currency_symbol(currency, lang)
    sign = "-" if value < 0 else ""
    v = abs(value)
    if lang == "zh" and not exact and v >= 10_000:
        if v >= 100_000_000:
            return f"{sign}{sym}{_trim(v / 100_000_000, 2)}亿"
        return f"{sign}{sym}{_trim(v / 10_000, 1)}万"
    locale = "zh_Hans_CN" if lang == "zh" else "en"
    return f"{sign}{sym}{format_decimal(round(v), format='#,##0', locale=locale)}"


def format_number(value: float | None, lang: str = "zh", decimals: int = 2) -> str:
    """*value* with grouping and at most *decimals* decimals (trailing zeros dropped) as *lang* writes it; None or NaN
    is "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    locale = "zh_Hans_CN" if lang == "zh" else "en"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_percent(value: float | None, decimals: int = 1) -> str:
    """*value* is a percentage already (40 → '40%')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{_trim(value, decimals)}%"


_MONEY_UNITS = {"¥", "￥", "$", "€", "£", "HK$", "S$"}


def format_value(value: float | None, unit: str | None, lang: str = "zh") -> str:
    """A measured value with its unit the way people write it: ¥500,000 · 40% · 72 h."""
    if value is None:
        return "—"
    u = (unit or "").strip()
    number = format_number(value, lang)
    if u in _MONEY_UNITS:
        return f"{'-' if value < 0 else ''}{u}{format_number(abs(value), lang)}"
    if u in ("%", "％"):
        return f"{number}%"
    return f"{number} {u}".strip()
