"""What the quality rules read in a text: patterns built from the word lists (vague verbs, numbers,
times, money, conditions of a risk plan) and the small helpers that read fields."""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import Any, Iterable

from strategy_core.findings import Finding
from strategy_core.quality.words import (
    CN_DIGITS, CN_MULTS, CN_UNITS, EN_ACTIVITY, EN_CHANGE_VERBS, EN_COST_NOUNS, EN_COST_QUALIFIERS, EN_DELIVERABLE_VERBS,
    EN_EMPTY_ACTIONS, EN_EXPECT, EN_MEASURES, EN_NUMBER_WORDS, EN_PLACEHOLDERS, EN_PURPOSE, EN_RESULTS, EN_SERVES,
    EN_SPLIT_WORDS, EN_TRIGGERS, EN_VAGUE_VERBS, ZH_COST_NOUNS, ZH_COST_QUALIFIERS, ZH_EXPECT, ZH_NOT_NUMBERS,
    ZH_PURPOSE, ZH_QUANT_WORDS, ZH_TRIGGERS)


def alternation(words: Iterable[str], inflect: bool = True) -> str:
    """Alternation of whole words; with inflect the (last) word may take -s/-es/-ed/-ing."""
    parts = []
    for w in sorted(words, key=len, reverse=True):
        p = re.escape(w).replace(r"\ ", r"\s")
        if inflect:
            p = (p[:-1] + "(?:e|es|ed|ing)") if w.endswith("e") else (p + "(?:s|es|ed|ing)?")
        parts.append(p)
    return "|".join(parts)


def words_re(words: Iterable[str], inflect: bool = True) -> re.Pattern:
    """A pattern matching any of *words* as whole words (see ``alternation``)."""
    return re.compile(r"\b(?:" + alternation(words, inflect) + r")\b")


EN_VAGUE_RE = words_re(EN_VAGUE_VERBS)
EN_DELIVERABLE_RE = re.compile(r"^(?:we\s(?:will\s)?|to\s)?(" + alternation(EN_DELIVERABLE_VERBS) + r")\b")
EN_PURPOSE_RE = words_re(EN_PURPOSE, inflect=False)
EN_CHANGE_RE = words_re(EN_CHANGE_VERBS + EN_VAGUE_VERBS)
EN_ACTIVITY_RE = words_re(EN_ACTIVITY)
EN_RESULTS_RE = words_re(EN_RESULTS)
EN_PLACEHOLDER_RE = words_re(EN_PLACEHOLDERS, inflect=False)
EN_SPLIT_RE = words_re(EN_SPLIT_WORDS, inflect=False)
EN_MEASURE_RE = words_re(EN_MEASURES)
EN_EMPTY_RE = words_re(EN_EMPTY_ACTIONS)
WORD_CHAR_RE = re.compile(r"\w")
CLAUSE_SPLIT_RE = re.compile(r"[，；;：:。！？!?\n、（）()—|]|[,.](?!\d)|\s(?:and\s)?then\s|\s[-–]\s")
TRIGGER_RE = re.compile(r"^(?:(?:" + alternation(EN_TRIGGERS, inflect=False) + r")\b|(?:"
                      + "|".join(map(re.escape, ZH_TRIGGERS)) + r")"
                      r"|若(?!干)|如(?![期下何此同今实意])|当(?![地前月天日年期场时面即然中下代家红选]))")
TRIGGER_END_RE = re.compile(r"(?<![同及实临随按准])时$|的话$")
TRIGGER_THEN_RE = re.compile(r"(?<=\S)(?:则|就(?![业是绪近]))")
COST_HEAD_RE = re.compile(
    r"^(?:[¥$€£]|(?:(?:" + alternation(EN_COST_QUALIFIERS, inflect=False) + r")\s)?(?:" + alternation(EN_COST_NOUNS)
    + r")\b|(?:" + "|".join(map(re.escape, ZH_COST_QUALIFIERS)) + r")?\s?(?:"
    + "|".join(ZH_COST_NOUNS) + r"))")
EXPECT_HEAD_RE = re.compile(r"^(?:(?:" + alternation(EN_EXPECT) + r")\b|" + "|".join(ZH_EXPECT) + ")")
EN_NUMBER_RE = words_re(EN_NUMBER_WORDS, inflect=False)
EN_SERVES_RE = words_re(EN_SERVES, inflect=False)
ZH_PURPOSE_RE = re.compile("|".join(map(re.escape, ZH_PURPOSE)) + "|使(?!用)")
DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*(?:\s?[%万亿千百])?")
CN_RUN_RE = re.compile(f"[{CN_DIGITS}{CN_MULTS}]+")
MONTHS_RE = ("january|february|march|april|june|july|august|september|october|november|december"
           "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")  # no "may": it is also a verb
TIME_RE = re.compile("|".join((
    r"(?<![a-z])q[1-4](?!\d)", r"(?<![a-z0-9])h[12](?![a-z0-9])", r"(?<![a-z0-9])fy\s?\d{2,4}(?!\d)",
    r"(?<!\d)20\d\d\s{0,2}年(?:\s{0,2}\d{1,2}\s{0,2}月(?:\s{0,2}\d{1,2}\s{0,2}[日号])?)?",
    r"(?<![\d.,])20[1-4]\d(?:\s?[-/.]\s?\d{1,2}(?:\s?[-/.]\s?\d{1,2})?)?(?!\d|,\d|\s{0,2}[万亿千百%])",
    r"(?<![\d.])\d{1,2}\s{0,2}月(?:\s{0,2}\d{1,2}\s{0,2}[日号])?(?:底|末|初|中旬|前)?",
    r"第?[一二三四1-4]\s{0,2}季度",
    r"[上下]半年|年[底末中初内]|月[底末]|季度?[末底]|本季度?|本年度?|今年|明年|全年|本月|下季度|下个?月",
    r"\b(?:end\sof\s(?:the\s)?(?:year|quarter|month)|year[-\s]end|eoy|eoq|eom|this\s(?:year|quarter|month)"
    r"|next\s(?:quarter|month)|(?:first|second)\shalf|within\s\d{1,3}\s(?:days|weeks|months)"
    rf"|(?:by|in|before|end\sof)\s(?:{MONTHS_RE})|(?:{MONTHS_RE})\s(?:\d{{1,2}}|20\d\d))\b",
)))
YEAR_RE = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
MONEY_RE = re.compile(
    r"[¥$€£]\s{0,2}\d"
    r"|\d[\d,.]{0,20}\s{0,2}(?:[万千亿]|k|m|mn|million|bn|billion)?\s{0,2}"
    r"(?:元|块|rmb|cny|usd|eur|yuan|dollars?)"
    r"|(?:预算|成本|费用|花费|投入|budget|cost|spend)\D{0,8}\d(?![\d,.]|\s{0,2}%)"
    r"|\d\s{0,2}(?:人天|人日|人周|人月|(?:person|man)[-\s](?:days?|weeks?|months?))")
AMOUNT_RE = r"\d[\d,.]{0,20}(?:\s{0,2}(?:[万千亿]|(?:k|m|mn|million|bn|billion)(?![a-z])))?"
MONEY_SPAN_RE = re.compile(   # whole amounts, to tell "¥200 万" from a measure's own number
    rf"[¥$€£]\s{{0,2}}{AMOUNT_RE}|{AMOUNT_RE}\s{{0,2}}(?:元|块|rmb|cny|usd|eur|yuan|dollars?)"
    rf"|(?:预算|成本|费用|花费|投入|budget|cost|spend)\D{{0,8}}{AMOUNT_RE}(?![\d,.]|\s{{0,2}}%)"
    r"|\d[\d,.]{0,20}\s{0,2}(?:人天|人日|人周|人月|(?:person|man)[-\s](?:days?|weeks?|months?))")
FROM_TO_RE = re.compile(r"(?<![\d.,])\d[\d.,]{0,20}\s{0,3}[%万亿千kmb]?\s{0,3}"    # "5 % → 8 %", "从 5 到 8"
                      r"(?:→|->|=>|到|至|\bto\b)\s{0,3}[¥$€£]?\s{0,3}\d")
LATIN_WORD_RE = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def is_blank(v: Any) -> bool:
    """Whether a field holds nothing: None, NaN, an empty collection or a string of only white space."""
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, (list, tuple, set, dict)):
        return not v
    return isinstance(v, str) and not v.strip()


def normalised(v: Any) -> str:
    """NFKC (full-width digits/％/＞ → ASCII), lower case; '' for blanks."""
    return "" if is_blank(v) else unicodedata.normalize("NFKC", str(v)).lower()


def number_in(v: Any) -> float | None:
    """A field's number (a numeric string too, with thousands commas and a trailing % dropped: "40%" is 40), or None; a
    bool is not a number."""
    if is_blank(v) or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = normalised(v).strip().replace(",", "").rstrip("%").strip()
    try:
        x = float(s)
    except ValueError:
        return None
    return None if math.isnan(x) else x


def fmt_number(x: float | None) -> str:
    """*x* as a finding shows it: a whole number without ".0", else in ``g`` format; "" for None."""
    return "" if x is None else (str(int(x)) if float(x).is_integer() else f"{x:g}")


def first_word(text: str, words: Iterable[str], regex: re.Pattern | None = None) -> str | None:
    """The first listed Chinese word contained in text, else the first regex match."""
    for w in words:
        if w in text:
            return w
    m = regex.search(text) if regex is not None else None
    return m.group(0) if m else None


def find_number(text: str, strict: bool = False) -> str | None:
    """First number in normalized text: digits, Chinese numerals (三成, 十五亿, 两名), and unless
    strict, number words (翻倍, 百分之, million, double). Time words must be stripped first."""
    m = DIGITS_RE.search(text)
    if m:
        return m.group(0)
    if any(ch in text for ch in CN_DIGITS + CN_MULTS):
        s = text
        for w in ZH_NOT_NUMBERS:
            s = s.replace(w, " ")
        for m in CN_RUN_RE.finditer(s):
            run, nxt = m.group(0), s[m.end():m.end() + 1]
            has_digit, has_mult = any(c in CN_DIGITS for c in run), any(c in CN_MULTS for c in run)
            if (nxt and nxt in CN_UNITS) or (has_digit and has_mult) or (len(run) > 1 and has_mult):
                return run + (nxt if nxt in CN_UNITS else "")
    if not strict:
        return first_word(text, ZH_QUANT_WORDS, EN_NUMBER_RE)
    return None


def strip_time(text: str) -> str:
    """*text* with every time expression (Q3, 2026年, end of year, 月底 …) replaced by a space, so its numbers are not
    taken for a measure."""
    return TIME_RE.sub(" ", text)


def is_cjk(ch: str) -> bool:
    """Whether *ch* is a CJK unified ideograph (the basic block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def id_key(v: Any) -> Any:
    """Ids from DB ints or spreadsheet strings compare equal: 12 == '12' == 12.0."""
    if is_blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        s = v.strip()
        return int(s) if s.isdigit() else s
    return v


def id_list(v: Any) -> list:
    """aligns_to as a de-duplicated list of ids (None, one id, a list, or '12, 13')."""
    if is_blank(v):
        return []
    if isinstance(v, str):
        items = re.split(r"[,;，；、\s]+", v)
    else:
        items = v if isinstance(v, (list, tuple, set)) else [v]
    out = []
    for item in items:
        k = id_key(item)
        if k is not None and k not in out:
            out.append(k)
    return out


def as_date(v: Any) -> date | None:
    """A date from a date, a datetime or an ISO string (its first ten characters); anything else is None."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    return None


def make_finding(rule: str, sev: str, entity: str, eid: Any, code: str, fld: str | None,
             **params: Any) -> Finding:
    """A quality finding: its message is the catalog key ``quality.<rule>.<code>`` and its example
    ``quality.example.<rule>``."""
    return Finding(rule=rule, severity=sev, entity=entity, entity_id=eid,
                   message=f"quality.{rule}.{code}", params=params, field=fld,
                   example=f"quality.example.{rule}")


