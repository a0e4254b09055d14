"""OKR quality rules (SPEC §3.1), checked as the team types, in Chinese and English.

Inputs are plain dicts (DB rows or spreadsheet rows); any field may be missing,
None or "". Every rule yields exactly one Finding per entity — PASS included,
so strength (findings.strength) can be computed per objective, team and company.
A Finding's `message` is the catalog key ``quality.<rule>.<code>`` and its
`example` is ``quality.example.<rule>`` (a weak → strong rewrite).

Decisions where SPEC leaves room:
- Objectives carry no numbers by design, so a vague verb in an objective
  (提升用户体验 / "improve UX") is only a WARN, and only when the title also
  names no end state (让 / 从而 / so that / to …).
- A KR whose vague verb has no number in the sentence fails only when the KR
  has no number at all; if baseline/target fields hold the numbers it warns
  ("write the number into the sentence").
- time-bound: deadline field missing but the statement says "Q4"/"年底"/
  "by 2026-12" → WARN (completeness already FAILs the empty deadline field);
  missing in both → FAIL; a date or stated year outside plan_year → FAIL.
- check_statement() gives live feedback on one text box: it does not warn about
  a missing baseline (that lives in its own field), and a sentence without any
  time words only WARNs (the deadline field may carry it).
- Alignment beyond the SPEC list: a company objective that supports a KR warns
  ("company objectives anchor the tree"); supporting a KR of the same or a lower
  level fails (align.level.upside_down).
- Risk plan: the plan is cut into clauses — conditions (if / 若 / 一旦 … / …时), actions, and
  cost or expected-result clauses (cost / 成本 / 追加成本 / 预计 …). A measure is an action
  verb with its object that no vague verb governs ("改签腰部达人", not "优化投放"), an action
  with a number of its own (money and dates aside: "fall back to 720p"), or, after a
  condition, any action that is not vague ("若支付延期，先用货到付款过渡"). The cost is read
  outside the conditions: "if CAC exceeds ¥200" is a threshold, not a cost.
- Messages that name several fields take a FieldList param; the catalog
  renders it in the reader's language with ``{fields:zh}`` / ``{fields:en}``.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from datetime import date, datetime
from typing import Any, Iterable

from strategy_core.findings import FAIL, PASS, WARN, Finding, strength
from strategy_core.i18n import LANGS, t

# ---------------------------------------------------------------- word lists
# Chinese lists are their own lists, not translations of the English ones.
ZH_VAGUE_VERBS = ("提升", "提高", "加强", "强化", "优化", "改善", "改进", "完善", "推进", "推动",
                  "落实", "促进", "深化", "加大", "加快", "增强", "做好", "抓好", "夯实", "健全",
                  "赋能", "助力")
EN_VAGUE_VERBS = ("improve", "enhance", "strengthen", "optimize", "optimise", "boost",
                  "streamline", "foster", "facilitate", "empower", "leverage", "deepen",
                  "reinforce", "ensure", "push forward", "step up", "focus on", "work on")
ZH_DELIVERABLE_VERBS = ("上线", "发布", "开发", "搭建", "举办", "建设", "推出", "建立", "开通", "完成",
                        "制作", "设计", "召开", "组织", "研发", "部署", "开设", "引入", "打造", "落地",
                        "启动", "筹建")
EN_DELIVERABLE_VERBS = ("launch", "build", "ship", "create", "develop", "release", "deploy",
                        "implement", "roll out", "set up", "hold", "host", "organize", "organise",
                        "introduce", "deliver", "complete", "finish", "design", "establish", "open")
ZH_PURPOSE = ("以便", "以期", "用以", ",以", "从而", "进而", "实现", "达到", "达成", "让", "使得",
              "为了", "确保", "成为", "翻倍", "翻番")
EN_PURPOSE = ("to", "so", "so that", "in order to", "enabling", "letting", "making", "helping",
              "resulting in", "achieving", "reaching", "becoming", "until")
ZH_CHANGE_VERBS = ("增加", "降低", "减少", "帮助", "带动", "缩短", "扩大")   # + vague verbs
EN_CHANGE_VERBS = ("increase", "reduce", "cut", "grow", "lower", "raise", "double", "halve")
ZH_ACTIVITY = ("拜访", "走访", "回访", "上门", "会议", "开会", "例会", "培训", "活动", "发帖", "帖子",
               "推文", "电话", "外呼", "通话", "地推", "沙龙", "路演", "讲座", "宣讲", "展会",
               "发布会", "场次", "面谈", "邮件", "触达")
EN_ACTIVITY = ("call", "cold call", "meeting", "post", "visit", "training", "event", "webinar",
               "demo", "workshop", "pitch", "interview", "seminar", "conference", "outreach",
               "campaign", "touchpoint", "follow-up", "presentation", "roadshow", "newsletter")
ZH_RESULTS = ("营收", "收入", "销售额", "销量", "业绩", "留存", "转化", "签约", "成交", "订单", "下单",
              "复购", "购买", "满意度", "净推荐值", "利润", "毛利", "流失", "续费", "份额", "渗透率",
              "活跃", "新增", "新客", "回款", "付费", "增长", "率", "gmv", "roi", "nps")
EN_RESULTS = ("revenue", "sales", "retention", "retain", "conversion", "convert", "signed",
              "sign-up", "signup", "deal", "contract", "order", "paying", "purchase", "gmv",
              "profit", "margin", "churn", "renewal", "renew", "market share", "penetration",
              "roi", "nps", "satisfaction", "mau", "dau", "active user", "new user",
              "new customer", "rate", "booking", "pipeline", "won", "acquisition", "growth")
ZH_PLACEHOLDERS = ("按需", "视情况", "视需要", "根据需要", "根据实际", "若干", "待定", "待评估", "适当",
                   "适量", "一些", "看情况", "另议", "酌情", "充足", "足够", "不限")
EN_PLACEHOLDERS = ("as needed", "as required", "if needed", "when needed", "tbd", "tbc",
                   "to be decided", "to be determined", "to be confirmed", "some", "several",
                   "various", "enough", "sufficient", "adequate", "depends", "flexible")
ZH_SPLIT_WORDS = ("其中", "分别", "用于", "线上", "线下")
EN_SPLIT_WORDS = ("of which", "split", "each", "online", "offline")
# Risk plans (kr.risk_plan): a measure is an action with its object — "改签 1,000 位腰部达人",
# "roll back the new checkout" — not a vague verb + noun ("加强营销", "improve service").
ZH_MEASURES = ("切换", "改为", "转为", "转向", "转投", "转到", "切到", "改用", "换成", "换用", "先用", "启用",
               "启动", "暂停", "停止", "停投", "叫停", "关停", "下线", "砍掉", "取消", "终止", "冻结", "追加",
               "加投", "增投", "改投", "加开", "增开", "加码", "削减", "缩减", "压缩", "收缩", "降配", "限流",
               "分流", "替换", "外包", "外采", "采购", "租用", "降价", "提价", "打折", "折扣", "满减", "补贴",
               "返现", "赠送", "送", "免费", "试用", "邀请", "投放", "招聘", "招募", "借调", "调拨", "增派",
               "加派", "上调", "下调", "延期", "推迟", "延后", "转移", "迁移", "备用", "备选", "兜底", "改签",
               "补签", "签约", "回滚", "回退", "降级", "扩容", "过渡", "灰度", "重新谈判", "议价", "引入",
               "撤出", "合并", "b 计划", "预案 b")
EN_MEASURES = ("switch", "fall back", "fallback", "pause", "stop", "cut", "shift", "move",
               "reallocate", "redirect", "replace", "outsource", "hire", "offer", "discount",
               "refund", "invite", "add", "reduce", "delay", "postpone", "cancel", "renegotiate",
               "swap", "freeze", "activate", "give", "plan b", "sign", "roll back", "rollback",
               "revert", "bridge", "launch", "recruit", "buy", "rent", "lease", "subsidise",
               "subsidize", "downgrade", "scale back", "scale down", "scale up", "throttle", "reroute",
               "migrate", "suspend", "halt", "defer", "shut down", "retire", "a/b test", "pilot",
               "trial", "retarget", "reprice", "bundle", "waive", "top up", "transfer", "deploy",
               "provision", "cap")
# Words that say "we will do something" without saying what: a clause that leads with one
# (and holds no number) is no measure, even after an if-clause.
ZH_EMPTY_ACTIONS = ("应对", "处理", "解决", "关注", "跟进", "重视", "注意", "想办法", "采取措施", "采取行动",
                    "调整策略", "积极", "及时", "尽快", "努力", "争取", "全力", "密切")
EN_EMPTY_ACTIONS = ("respond", "react", "handle", "deal with", "address", "take action", "take measures",
                    "take steps", "act", "monitor", "watch", "follow up", "look into", "pay attention",
                    "adjust strategy", "adjust the plan", "review", "consider", "do our best", "quickly",
                    "closely", "asap")
# A clause that opens with one of these states the condition (trigger) of the plan.
ZH_TRIGGERS = ("如果", "如若", "若是", "假如", "假若", "倘若", "一旦", "万一", "要是")  # + 若, 如, 当 (see _TRIGGER)
EN_TRIGGERS = ("if", "when", "whenever", "should", "in case", "in the event", "once", "unless",
               "as soon as")
# …and a clause that opens with a cost noun (after an optional qualifier) or an expectation word
# is the plan's cost or expected result, not its action: "追加成本 ¥200 万" but "追加投放 ¥200 万".
ZH_COST_NOUNS = ("成本", "预算", "费用", "花费", "投入", "开支", "代价")
EN_COST_NOUNS = ("cost", "budget", "spend", "spending", "expense", "price tag")
ZH_COST_QUALIFIERS = ("预计", "预估", "追加", "额外", "新增", "合计", "总计", "总", "约")
EN_COST_QUALIFIERS = ("estimated", "extra", "additional", "incremental", "total", "approx", "approx.",
                      "approximately", "about", "around", "at a", "at an", "for a", "one-off")
ZH_EXPECT = ("预计", "预期", "预估", "目标", "期望", "有望")
EN_EXPECT = ("expected", "expect", "target", "aim", "goal", "forecast")
EN_SERVES = ("so that", "in order to", "resulting in", "leading to", "to generate", "to win",
             "to drive", "to convert", "to sign")
EN_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                   "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred",
                   "thousand", "million", "billion", "dozen", "twice", "half", "percent",
                   "per cent", "double", "doubled", "triple", "tripled", "halve", "halved")
ZH_QUANT_WORDS = ("翻倍", "翻番", "减半", "倍增", "百分之")
# Chinese words that look numeric but are not ("very", "in case", "a bit", "must not").
ZH_NOT_NUMBERS = ("十分", "万一", "万分", "一点", "千万别", "千万不", "千万要")
CN_DIGITS, CN_MULTS = "零〇一二三四五六七八九两", "十百千万亿"
CN_UNITS = "个位次家人名倍分元块成天周月年场条款单笔户台篇件张所点套辆"

LEVELS = {"company": 0, "department": 1, "employee": 2}
DIRECTIONS = ("up", "down", "band")
DIRECTION_ALIASES = {"越高越好": "up", "上升": "up", "up is good": "up", "越低越好": "down", "下降": "down",
                     "down is good": "down", "区间": "band", "保持在区间内": "band", "range": "band"}

# rule id → message codes; every key is quality.<rule>.<code> (see catalog_keys()).
RULES: dict[str, tuple[str, ...]] = {
    "obj.direction": ("ok", "empty", "has_number", "too_short", "too_long"),
    "obj.outcome": ("ok", "deliverable"),
    "obj.kr_count": ("ok", "none", "one", "too_many"),
    "obj.vague_verb": ("ok", "vague"),
    "kr.measurable": ("ok", "no_number", "no_baseline", "no_baseline_target"),
    "kr.complete": ("ok", "missing"),
    "kr.time_bound": ("ok", "no_deadline", "text_only", "outside_year", "no_time_text"),
    "kr.impact": ("ok", "effort_only", "effort_mixed"),
    "kr.direction": ("ok", "missing", "missing_up", "missing_down", "unknown", "up_contradicts",
                     "down_contradicts", "equal", "band_invalid", "band_outside"),
    "kr.vague_verb": ("ok", "vague", "vague_fields"),
    "kr.resources": ("ok", "empty", "placeholder", "money_no_amount", "money_no_split",
                     "people_no_count"),
    "kr.risk_plan": ("ok", "empty", "slogan", "no_measure", "no_cost"),
    "align.parent": ("ok", "orphan", "two_parents", "missing_kr", "own_kr", "cycle",
                     "company_aligned"),
    "align.level": ("ok", "skip", "upside_down"),
    "align.anchor": ("ok", "no_company"),
}
FIELD_LABELS = ("baseline", "target", "deadline", "owner",
                "resources_money", "resources_people", "resources_things")


def catalog_keys() -> set[str]:
    """Every catalog key this module can emit (messages, examples, field labels)."""
    keys = {f"quality.{r}.{c}" for r, codes in RULES.items() for c in codes}
    keys |= {f"quality.example.{r}" for r in RULES}
    return keys | {f"quality.field.{f}" for f in FIELD_LABELS}


class FieldList(tuple):
    """Field names rendered in the reader's language: ``{fields:zh}`` in a catalog text."""

    def __format__(self, spec: str) -> str:
        if spec not in LANGS:
            return ", ".join(self)
        names = [t(f"quality.field.{f}", spec) for f in self]
        if spec == "zh":
            return "、".join(names)
        return names[0] if len(names) < 2 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------- text helpers
def _alt(words: Iterable[str], inflect: bool = True) -> str:
    """Alternation of whole words; with inflect the (last) word may take -s/-es/-ed/-ing."""
    parts = []
    for w in sorted(words, key=len, reverse=True):
        p = re.escape(w).replace(r"\ ", r"\s")
        if inflect:
            p = (p[:-1] + "(?:e|es|ed|ing)") if w.endswith("e") else (p + "(?:s|es|ed|ing)?")
        parts.append(p)
    return "|".join(parts)


def _words_re(words: Iterable[str], inflect: bool = True) -> re.Pattern:
    return re.compile(r"\b(?:" + _alt(words, inflect) + r")\b")


_EN_VAGUE = _words_re(EN_VAGUE_VERBS)
_EN_DELIVERABLE = re.compile(r"^(?:we\s(?:will\s)?|to\s)?(" + _alt(EN_DELIVERABLE_VERBS) + r")\b")
_EN_PURPOSE = _words_re(EN_PURPOSE, inflect=False)
_EN_CHANGE = _words_re(EN_CHANGE_VERBS + EN_VAGUE_VERBS)
_EN_ACTIVITY = _words_re(EN_ACTIVITY)
_EN_RESULTS = _words_re(EN_RESULTS)
_EN_PLACEHOLDER = _words_re(EN_PLACEHOLDERS, inflect=False)
_EN_SPLIT = _words_re(EN_SPLIT_WORDS, inflect=False)
_EN_MEASURE = _words_re(EN_MEASURES)
_EN_EMPTY = _words_re(EN_EMPTY_ACTIONS)
_WORD_CHAR = re.compile(r"\w")
_CLAUSE_SPLIT = re.compile(r"[，；;：:。！？!?\n、（）()—|]|[,.](?!\d)|\s(?:and\s)?then\s|\s[-–]\s")
_TRIGGER = re.compile(r"^(?:(?:" + _alt(EN_TRIGGERS, inflect=False) + r")\b|(?:"
                      + "|".join(map(re.escape, ZH_TRIGGERS)) + r")"
                      r"|若(?!干)|如(?![期下何此同今实意])|当(?![地前月天日年期场时面即然中下代家红选]))")
_TRIGGER_END = re.compile(r"(?<![同及实临随按准])时$|的话$")
_TRIGGER_THEN = re.compile(r"(?<=\S)(?:则|就(?![业是绪近]))")
_COST_HEAD = re.compile(
    r"^(?:[¥$€£]|(?:(?:" + _alt(EN_COST_QUALIFIERS, inflect=False) + r")\s)?(?:" + _alt(EN_COST_NOUNS)
    + r")\b|(?:" + "|".join(map(re.escape, ZH_COST_QUALIFIERS)) + r")?\s?(?:"
    + "|".join(ZH_COST_NOUNS) + r"))")
_EXPECT_HEAD = re.compile(r"^(?:(?:" + _alt(EN_EXPECT) + r")\b|" + "|".join(ZH_EXPECT) + ")")
_EN_NUMBER = _words_re(EN_NUMBER_WORDS, inflect=False)
_EN_SERVES = _words_re(EN_SERVES, inflect=False)
_ZH_PURPOSE = re.compile("|".join(map(re.escape, ZH_PURPOSE)) + "|使(?!用)")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*(?:\s?[%万亿千百])?")
_CN_RUN = re.compile(f"[{CN_DIGITS}{CN_MULTS}]+")
_MONTHS = ("january|february|march|april|june|july|august|september|october|november|december"
           "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")  # no "may": it is also a verb
_TIME = re.compile("|".join((
    r"(?<![a-z])q[1-4](?!\d)", r"(?<![a-z0-9])h[12](?![a-z0-9])", r"(?<![a-z0-9])fy\s?\d{2,4}(?!\d)",
    r"(?<!\d)20\d\d\s{0,2}年(?:\s{0,2}\d{1,2}\s{0,2}月(?:\s{0,2}\d{1,2}\s{0,2}[日号])?)?",
    r"(?<![\d.,])20[1-4]\d(?:\s?[-/.]\s?\d{1,2}(?:\s?[-/.]\s?\d{1,2})?)?(?!\d|,\d|\s{0,2}[万亿千百%])",
    r"(?<![\d.])\d{1,2}\s{0,2}月(?:\s{0,2}\d{1,2}\s{0,2}[日号])?(?:底|末|初|中旬|前)?",
    r"第?[一二三四1-4]\s{0,2}季度",
    r"[上下]半年|年[底末中初内]|月[底末]|季度?[末底]|本季度?|本年度?|今年|明年|全年|本月|下季度|下个?月",
    r"\b(?:end\sof\s(?:the\s)?(?:year|quarter|month)|year[-\s]end|eoy|eoq|eom|this\s(?:year|quarter|month)"
    r"|next\s(?:quarter|month)|(?:first|second)\shalf|within\s\d{1,3}\s(?:days|weeks|months)"
    rf"|(?:by|in|before|end\sof)\s(?:{_MONTHS})|(?:{_MONTHS})\s(?:\d{{1,2}}|20\d\d))\b",
)))
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_MONEY = re.compile(
    r"[¥$€£]\s{0,2}\d"
    r"|\d[\d,.]{0,20}\s{0,2}(?:[万千亿]|k|m|mn|million|bn|billion)?\s{0,2}"
    r"(?:元|块|rmb|cny|usd|eur|yuan|dollars?)"
    r"|(?:预算|成本|费用|花费|投入|budget|cost|spend)\D{0,8}\d(?![\d,.]|\s{0,2}%)"
    r"|\d\s{0,2}(?:人天|人日|人周|人月|(?:person|man)[-\s](?:days?|weeks?|months?))")
_AMOUNT = r"\d[\d,.]{0,20}(?:\s{0,2}(?:[万千亿]|(?:k|m|mn|million|bn|billion)(?![a-z])))?"
_MONEY_SPAN = re.compile(   # whole amounts, to tell "¥200 万" from a measure's own number
    rf"[¥$€£]\s{{0,2}}{_AMOUNT}|{_AMOUNT}\s{{0,2}}(?:元|块|rmb|cny|usd|eur|yuan|dollars?)"
    rf"|(?:预算|成本|费用|花费|投入|budget|cost|spend)\D{{0,8}}{_AMOUNT}(?![\d,.]|\s{{0,2}}%)"
    r"|\d[\d,.]{0,20}\s{0,2}(?:人天|人日|人周|人月|(?:person|man)[-\s](?:days?|weeks?|months?))")
_FROM_TO = re.compile(r"(?<![\d.,])\d[\d.,]{0,20}\s{0,3}[%万亿千kmb]?\s{0,3}"    # "5 % → 8 %", "从 5 到 8"
                      r"(?:→|->|=>|到|至|\bto\b)\s{0,3}[¥$€£]?\s{0,3}\d")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, (list, tuple, set, dict)):
        return not v
    return isinstance(v, str) and not v.strip()


def _norm(v: Any) -> str:
    """NFKC (full-width digits/％/＞ → ASCII), lower case; '' for blanks."""
    return "" if _blank(v) else unicodedata.normalize("NFKC", str(v)).lower()


def _num(v: Any) -> float | None:
    if _blank(v) or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = _norm(v).strip().replace(",", "").rstrip("%").strip()
    try:
        x = float(s)
    except ValueError:
        return None
    return None if math.isnan(x) else x


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else f"{x:g}")


def _first(text: str, words: Iterable[str], regex: re.Pattern | None = None) -> str | None:
    """The first listed Chinese word contained in text, else the first regex match."""
    for w in words:
        if w in text:
            return w
    m = regex.search(text) if regex is not None else None
    return m.group(0) if m else None


def _find_number(text: str, strict: bool = False) -> str | None:
    """First number in normalized text: digits, Chinese numerals (三成, 十五亿, 两名), and unless
    strict, number words (翻倍, 百分之, million, double). Time words must be stripped first."""
    m = _DIGITS.search(text)
    if m:
        return m.group(0)
    if any(ch in text for ch in CN_DIGITS + CN_MULTS):
        s = text
        for w in ZH_NOT_NUMBERS:
            s = s.replace(w, " ")
        for m in _CN_RUN.finditer(s):
            run, nxt = m.group(0), s[m.end():m.end() + 1]
            has_digit, has_mult = any(c in CN_DIGITS for c in run), any(c in CN_MULTS for c in run)
            if (nxt and nxt in CN_UNITS) or (has_digit and has_mult) or (len(run) > 1 and has_mult):
                return run + (nxt if nxt in CN_UNITS else "")
    if not strict:
        return _first(text, ZH_QUANT_WORDS, _EN_NUMBER)
    return None


def _strip_time(text: str) -> str:
    return _TIME.sub(" ", text)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _key(v: Any) -> Any:
    """Ids from DB ints or spreadsheet strings compare equal: 12 == '12' == 12.0."""
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        s = v.strip()
        return int(s) if s.isdigit() else s
    return v


def _ids(v: Any) -> list:
    """aligns_to as a de-duplicated list of ids (None, one id, a list, or '12, 13')."""
    if _blank(v):
        return []
    if isinstance(v, str):
        items = re.split(r"[,;，；、\s]+", v)
    else:
        items = v if isinstance(v, (list, tuple, set)) else [v]
    out = []
    for item in items:
        k = _key(item)
        if k is not None and k not in out:
            out.append(k)
    return out


def _date(v: Any) -> date | None:
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


def _finding(rule: str, sev: str, entity: str, eid: Any, code: str, fld: str | None,
             **params: Any) -> Finding:
    return Finding(rule=rule, severity=sev, entity=entity, entity_id=eid,
                   message=f"quality.{rule}.{code}", params=params, field=fld,
                   example=f"quality.example.{rule}")


# ---------------------------------------------------------------- text rules
def _objective_text_rules(title: Any, eid: Any) -> list[Finding]:
    s = _norm(title).strip()
    ent, out = "objective", []
    # direction, not number
    number = _find_number(_strip_time(s), strict=True)
    cjk = sum(1 for ch in s if _is_cjk(ch))
    words = len(_LATIN_WORD.findall(s))
    if cjk and cjk >= words:
        short, long_ = cjk + words < 4, cjk + words > 40
    else:
        short, long_ = words < 3, words > 20
    if not s:
        out.append(_finding("obj.direction", WARN, ent, eid, "empty", "title"))
    elif number:
        out.append(_finding("obj.direction", WARN, ent, eid, "has_number", "title", number=number))
    elif short or long_:
        out.append(_finding("obj.direction", WARN, ent, eid,
                            "too_short" if short else "too_long", "title"))
    else:
        out.append(_finding("obj.direction", PASS, ent, eid, "ok", "title"))
    # outcome, not deliverable
    head = s.lstrip(" \t\r\n-–—*•·:：,.，。、0123456789)）(（")
    m = _TIME.match(head)
    if m:
        head = head[m.end():].lstrip(" ,:，：")
    verb = next((w for w in ZH_DELIVERABLE_VERBS if head.startswith(w)), None)
    if verb is None:
        em = _EN_DELIVERABLE.match(head)
        verb = em.group(1) if em else None
    rest = head[len(verb):] if verb and head.startswith(verb) else head
    has_purpose = bool(_ZH_PURPOSE.search(s) or _EN_PURPOSE.search(s))
    if verb and not (has_purpose or _first(rest, ZH_VAGUE_VERBS + ZH_CHANGE_VERBS, _EN_CHANGE)):
        out.append(_finding("obj.outcome", FAIL, ent, eid, "deliverable", "title", verb=verb))
    else:
        out.append(_finding("obj.outcome", PASS, ent, eid, "ok", "title"))
    # vague verbs: objectives carry no numbers by design → warn only without an end state
    vague = _first(s, ZH_VAGUE_VERBS, _EN_VAGUE)
    if vague and not has_purpose and not number:
        out.append(_finding("obj.vague_verb", WARN, ent, eid, "vague", "title", verb=vague))
    else:
        out.append(_finding("obj.vague_verb", PASS, ent, eid, "ok", "title"))
    return out


def _kr_text_rules(statement: Any, metric: Any, eid: Any,
                   has_field_numbers: bool) -> tuple[list[Finding], str | None]:
    """kr.vague_verb and kr.impact, plus the statement's own number (time words removed)."""
    s = _norm(statement)
    number = _find_number(_strip_time(s))
    ent, out = "key_result", []
    vague = _first(s, ZH_VAGUE_VERBS, _EN_VAGUE)
    if vague and not number:
        sev, code = (WARN, "vague_fields") if has_field_numbers else (FAIL, "vague")
        out.append(_finding("kr.vague_verb", sev, ent, eid, code, "statement", verb=vague))
    else:
        out.append(_finding("kr.vague_verb", PASS, ent, eid, "ok", "statement"))
    text = s + " " + _norm(metric)
    effort = _first(text, ZH_ACTIVITY, _EN_ACTIVITY)
    if effort:
        served = (_first(text, ZH_RESULTS, _EN_RESULTS) or _ZH_PURPOSE.search(text)
                  or _EN_SERVES.search(text))
        sev, code = (WARN, "effort_mixed") if served else (FAIL, "effort_only")
        out.append(_finding("kr.impact", sev, ent, eid, code, "statement", word=effort))
    else:
        out.append(_finding("kr.impact", PASS, ent, eid, "ok", "statement"))
    return out, number


def check_statement(text: str, kind: str = "key_result") -> list[Finding]:
    """Live feedback on one text box: only the rules that read the text itself.

    kind="key_result": kr.measurable (no number → fail), kr.time_bound (no quarter/date
    words → warn, the deadline field may carry it), kr.vague_verb, kr.impact.
    kind="objective": obj.direction, obj.outcome, obj.vague_verb. entity_id is None.
    """
    if kind == "objective":
        return _objective_text_rules(text, None)
    if kind != "key_result":
        raise ValueError(f"unknown kind {kind!r}; allowed: objective, key_result")
    out, number = _kr_text_rules(text, None, None, False)
    ent = "key_result"
    out.insert(0, _finding("kr.measurable", PASS if number else FAIL, ent, None,
                           "ok" if number else "no_number", "statement"))
    timed = _TIME.search(_norm(text))
    out.insert(1, _finding("kr.time_bound", PASS if timed else WARN, ent, None,
                           "ok" if timed else "no_time_text", "deadline"))
    return out


# ---------------------------------------------------------------- objectives and KRs
def check_objective(obj: dict, krs: list[dict]) -> list[Finding]:
    """obj.direction, obj.outcome, obj.vague_verb on the title, obj.kr_count on *krs*
    (the caller passes this objective's key results)."""
    eid = obj.get("id")
    out = _objective_text_rules(obj.get("title"), eid)
    n = len(krs or [])
    sev, code = ((FAIL, "none") if n == 0 else (WARN, "one") if n == 1
                 else (FAIL, "too_many") if n > 5 else (PASS, "ok"))
    out.append(_finding("obj.kr_count", sev, "objective", eid, code, None, count=n))
    return out


def check_key_result(kr: dict, plan_year: int | None = None) -> list[Finding]:
    """All KR rules: measurable, complete, time_bound, impact, direction, vague_verb,
    resources, risk_plan — one finding each."""
    eid, ent = kr.get("id"), "key_result"
    base, target = _num(kr.get("baseline")), _num(kr.get("target"))
    low, high = _num(kr.get("band_low")), _num(kr.get("band_high"))
    direction = _norm(kr.get("direction")).strip() or None
    direction = DIRECTION_ALIASES.get(direction, direction)
    stmt = _norm(kr.get("statement"))
    text_rules, stmt_number = _kr_text_rules(stmt, kr.get("metric"), eid,
                                            base is not None or target is not None)
    out: list[Finding] = []
    # measurable
    if not (stmt_number or any(x is not None for x in (base, target, low, high))):
        out.append(_finding("kr.measurable", FAIL, ent, eid, "no_number", "statement"))
    elif base is None and not _FROM_TO.search(_strip_time(stmt)):
        code = "no_baseline" if target is not None else "no_baseline_target"
        out.append(_finding("kr.measurable", WARN, ent, eid, code, "baseline", target=_fmt(target)))
    else:
        out.append(_finding("kr.measurable", PASS, ent, eid, "ok", "baseline"))
    # complete
    raw_deadline = kr.get("deadline")
    deadline = _date(raw_deadline)
    deadline_text = "" if deadline or _blank(raw_deadline) else _norm(raw_deadline)
    has_target = target is not None or (direction == "band" and low is not None and high is not None)
    missing = [f for f, ok in (("baseline", base is not None), ("target", has_target),
                               ("deadline", bool(deadline or _TIME.search(deadline_text))),
                               ("owner", not _blank(kr.get("owner")))) if not ok]
    if missing:
        out.append(_finding("kr.complete", FAIL, ent, eid, "missing", missing[0],
                            fields=FieldList(missing)))
    else:
        out.append(_finding("kr.complete", PASS, ent, eid, "ok", None))
    # time-bound ("Q4" / "年底" typed into the deadline field counts as a deadline)
    in_field = " ".join(m.group(0) for m in _TIME.finditer(deadline_text))
    said = in_field + " " + " ".join(m.group(0) for m in _TIME.finditer(stmt))
    years = [int(y) for y in _YEAR.findall(said)]
    if deadline and plan_year and deadline.year != plan_year:
        out.append(_finding("kr.time_bound", FAIL, ent, eid, "outside_year", "deadline",
                            deadline=deadline.isoformat(), plan_year=plan_year))
    elif not deadline and plan_year and any(y != plan_year for y in years):
        out.append(_finding("kr.time_bound", FAIL, ent, eid, "outside_year", "deadline",
                            deadline=str(next(y for y in years if y != plan_year)), plan_year=plan_year))
    elif deadline or in_field:
        out.append(_finding("kr.time_bound", PASS, ent, eid, "ok", "deadline"))
    elif said.strip():
        out.append(_finding("kr.time_bound", WARN, ent, eid, "text_only", "deadline"))
    else:
        out.append(_finding("kr.time_bound", FAIL, ent, eid, "no_deadline", "deadline"))
    out.append(text_rules[1])  # kr.impact
    out.append(_direction(direction, base, target, low, high, eid))
    out.append(text_rules[0])  # kr.vague_verb
    out.append(_resources(kr, eid))
    out.append(_risk_plan(kr.get("risk_plan"), eid))
    return out


def _direction(direction, base, target, low, high, eid) -> Finding:
    def f(sev, code, **p):
        return _finding("kr.direction", sev, "key_result", eid, code, "direction", **p)
    b, tg = _fmt(base), _fmt(target)
    both = base is not None and target is not None
    if direction is None:
        if both and base == target:
            return f(FAIL, "equal", baseline=b)
        if both:
            return f(FAIL, "missing_up" if target > base else "missing_down", baseline=b, target=tg)
        return f(FAIL, "missing")
    if direction not in DIRECTIONS:
        return f(FAIL, "unknown", value=direction)
    if direction == "band":
        if low is None or high is None or low >= high:
            return f(FAIL, "band_invalid")
        if target is not None and not low <= target <= high:
            return f(FAIL, "band_outside", target=tg, low=_fmt(low), high=_fmt(high))
        return f(PASS, "ok")
    if both and base == target:
        return f(FAIL, "equal", baseline=b)
    if both and direction == "up" and target < base:
        return f(FAIL, "up_contradicts", baseline=b, target=tg)
    if both and direction == "down" and target > base:
        return f(FAIL, "down_contradicts", baseline=b, target=tg)
    return f(PASS, "ok")


def _resources(kr: dict, eid) -> Finding:
    def f(sev, code, fld, **p):
        return _finding("kr.resources", sev, "key_result", eid, code, fld, **p)
    names = ("resources_money", "resources_people", "resources_things")
    texts = {n: _norm(kr.get(n)).strip() for n in names}
    if not any(texts.values()):
        return f(WARN, "empty", "resources_money")
    for n in names:
        word = texts[n] and _first(texts[n], ZH_PLACEHOLDERS, _EN_PLACEHOLDER)
        if word:
            return f(WARN, "placeholder", n, word=word, fields=FieldList([n]))
    money, people = texts["resources_money"], texts["resources_people"]
    if money:
        if not (_find_number(money) or _MONEY.search(money)):
            return f(WARN, "money_no_amount", "resources_money")
        amounts = len(_DIGITS.findall(money))
        if amounts < 2 and not _first(money, ZH_SPLIT_WORDS, _EN_SPLIT):
            return f(WARN, "money_no_split", "resources_money")
    if people and not _find_number(people):
        return f(WARN, "people_no_count", "resources_people")
    return f(PASS, "ok", None)


def _risk_clauses(s: str) -> tuple[list[str], list[str], list[str]]:
    """Split a plan into (conditions, actions, costs). A clause opening with if / 若 / 一旦 …
    (or ending in …时 / …的话) is a condition; an action after it in the same clause
    ("若 X 则 Y", "if X then Y") is split off. A clause opening with a cost (成本 / extra
    cost …, unless an action verb follows: "预算削减 20%") or an expectation (预计 / expected …)
    is the cost or the expected result. The rest are actions."""
    conds, actions, costs = [], [], []
    for c in _CLAUSE_SPLIT.split(s):
        c = c.strip(" \t-–*•·\"'“”‘’[]【】")
        if not c:
            continue
        if _TRIGGER.match(c) or _TRIGGER_END.search(c):
            parts = _TRIGGER_THEN.split(c, 1)
            conds.append(parts[0])
            if len(parts) > 1 and parts[1].strip():
                actions.append(parts[1].strip())
        elif _EXPECT_HEAD.match(c):
            costs.append(c)
        elif (m := _COST_HEAD.match(c)) and _measure_at(c, m.end()) is None:
            costs.append(c)                                      # but "预算削减 20%" is an action
        else:
            actions.append(c)
    if len(conds) == 1 and not actions and not costs:   # "若延迟超标降级为720p…" with no commas
        m = _measure_at(conds[0], 2)
        if m is not None:
            conds, actions = [conds[0][:m]], [conds[0][m:]]
    return conds, actions, costs


def _measure_at(text: str, start: int = 0) -> int | None:
    """Where the first measure verb that takes an object starts (None if there is none)."""
    hits = [(text.find(w, start), w) for w in ZH_MEASURES]
    hits = [i for i, w in hits if i >= 0 and _WORD_CHAR.search(text, i + len(w))]
    m = next((m for m in _EN_MEASURE.finditer(text, start) if _WORD_CHAR.search(text, m.end())), None)
    if m:
        hits.append(m.start())
    return min(hits) if hits else None


def _vague_at(text: str) -> int | None:
    """Where the first vague verb or empty action ("加强", "做好", "respond") starts."""
    hits = [text.find(w) for w in ZH_VAGUE_VERBS + ZH_EMPTY_ACTIONS]
    hits = [i for i in hits if i >= 0]
    hits += [m.start() for m in (_EN_VAGUE.search(text), _EN_EMPTY.search(text)) if m]
    return min(hits) if hits else None


def _action_kind(clause: str) -> str | None:
    """'concrete' — an action carrying a number of its own (money and dates aside: "回退到 20%
    权重", "fall back to 720p", "提高出价 20%"), or an action verb with its object that no vague
    verb governs ("改签腰部达人", but not "优化投放"); 'plain' — some other action of a few words
    (concrete only after a trigger); None — empty, or a vague verb + noun ("加强营销",
    "we will respond quickly")."""
    if _find_number(_strip_time(_MONEY_SPAN.sub(" ", clause))):
        return "concrete"
    vague, measure = _vague_at(clause), _measure_at(clause)
    if measure is not None and (vague is None or measure < vague):
        return "concrete"
    if vague is not None:
        return None
    cjk = sum(1 for ch in clause if _is_cjk(ch))
    words = [w for w in _LATIN_WORD.findall(clause) if w not in ("we", "will", "we'll", "then")]
    return "plain" if cjk >= 3 or len(words) >= 2 else None


def _risk_plan(plan: Any, eid) -> Finding:
    """Actionable = a concrete measure plus a cost figure. A measure is an action verb with its
    object, an action with a number, or any non-vague action after a trigger ("if X, Y");
    the cost is looked for outside the trigger (a threshold in "if CAC exceeds ¥200" is no cost)."""
    def f(sev, code):
        return _finding("kr.risk_plan", sev, "key_result", eid, code, "risk_plan")
    s = _norm(plan).strip()
    if not s:
        return f(WARN, "empty")
    conds, actions, costs = _risk_clauses(s)
    kinds = [_action_kind(a) for a in actions]
    measure = "concrete" in kinds or (bool(conds) and "plain" in kinds)
    cost = _MONEY.search(" ; ".join(actions + costs))
    if not measure and not cost:
        return f(FAIL, "slogan")
    if not measure:
        return f(FAIL, "no_measure")
    if not cost:
        return f(FAIL, "no_cost")
    return f(PASS, "ok")


# ---------------------------------------------------------------- alignment
def _cycle_members(edges: dict[Any, set]) -> set:
    """Objectives on (or between) alignment cycles: peel off sinks and sources until stable."""
    alive = set(edges) | {p for ps in edges.values() for p in ps}
    changed = True
    while changed:
        changed = False
        targets = {p for n in alive for p in edges.get(n, ()) if p in alive}
        for n in list(alive):
            if n not in targets or not any(p in alive for p in edges.get(n, ())):
                alive.discard(n)
                changed = True
    return alive


def check_alignment(objectives: list[dict], key_results: list[dict]) -> list[Finding]:
    """align.anchor (workspace), align.parent for every objective, align.level where the
    parent objective is known. Company objectives anchor the tree."""
    out: list[Finding] = []
    if objectives:
        has_company = any(_norm(o.get("level")).strip() == "company" for o in objectives)
        out.append(_finding("align.anchor", PASS if has_company else FAIL, "workspace", None,
                            "ok" if has_company else "no_company", "level"))
    krs = {_key(k.get("id")): k for k in key_results if _key(k.get("id")) is not None}
    objs = {_key(o.get("id")): o for o in objectives if _key(o.get("id")) is not None}
    edges = {oid: {_key(krs[r].get("objective_id")) for r in _ids(o.get("aligns_to")) if r in krs}
             for oid, o in objs.items()}
    cycle = _cycle_members(edges)
    for o in objectives:
        oid, eid = _key(o.get("id")), o.get("id")
        level = _norm(o.get("level")).strip()
        refs = _ids(o.get("aligns_to"))

        def f(rule, sev, code, **p):
            return _finding(rule, sev, "objective", eid, code, "aligns_to", **p)
        if level == "company":
            if oid is not None and oid in cycle:
                out.append(f("align.parent", FAIL, "cycle"))
            else:
                out.append(f("align.parent", WARN, "company_aligned") if refs
                           else f("align.parent", PASS, "ok"))
            continue
        if not refs:
            out.append(f("align.parent", FAIL, "orphan"))
            continue
        if len(refs) > 1:
            out.append(f("align.parent", FAIL, "two_parents", count=len(refs)))
            continue
        kr = krs.get(refs[0])
        if kr is None:
            out.append(f("align.parent", FAIL, "missing_kr", ref=str(refs[0])))
            continue
        parent_id = _key(kr.get("objective_id"))
        if oid is not None and parent_id == oid:
            out.append(f("align.parent", FAIL, "own_kr"))
            continue
        if oid is not None and oid in cycle:
            out.append(f("align.parent", FAIL, "cycle"))
            continue
        out.append(f("align.parent", PASS, "ok"))
        parent = objs.get(parent_id)
        mine, theirs = LEVELS.get(level), LEVELS.get(_norm(parent and parent.get("level")).strip())
        if mine is None or theirs is None:
            continue
        gap = mine - theirs
        out.append(f("align.level", PASS if gap == 1 else WARN if gap > 1 else FAIL,
                     "ok" if gap == 1 else "skip" if gap > 1 else "upside_down"))
    return out


# ---------------------------------------------------------------- workspace
def check_all(objectives: list[dict], key_results: list[dict],
              plan_year: int | None = None) -> list[Finding]:
    """Alignment, then every objective (with its KRs counted), then every KR."""
    by_obj: dict[Any, list[dict]] = defaultdict(list)
    for k in key_results:
        by_obj[_key(k.get("objective_id"))].append(k)
    out = check_alignment(objectives, key_results)
    for o in objectives:
        oid = _key(o.get("id"))
        out += check_objective(o, by_obj.get(oid, []) if oid is not None else [])
    for k in key_results:
        out += check_key_result(k, plan_year)
    return out


def strength_by(findings: Iterable[Finding], objectives: list[dict],
                key_results: list[dict]) -> dict:
    """Strength per objective id, per team (the objective's team) and for the company.
    A KR's findings count towards its objective; workspace findings only to the company."""
    findings = list(findings)
    kr_obj = {_key(k.get("id")): _key(k.get("objective_id")) for k in key_results}
    per_obj: dict[Any, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.entity == "objective":
            per_obj[_key(f.entity_id)].append(f)
        elif f.entity == "key_result":
            oid = kr_obj.get(_key(f.entity_id))
            if oid is not None:
                per_obj[oid].append(f)
    per_team: dict[str, list[Finding]] = {}
    for o in objectives:
        team = "" if _blank(o.get("team")) else str(o.get("team")).strip()
        if team:
            per_team.setdefault(team, []).extend(per_obj.get(_key(o.get("id")), []))
    return {
        "objective": {o.get("id"): strength(per_obj.get(_key(o.get("id")), [])) for o in objectives},
        "team": {team: strength(fs) for team, fs in per_team.items()},
        "company": strength(findings),
    }
