"""The words the quality rules look for, in Chinese and in English (each language its own list,
not a translation of the other), the rules and their codes, and the catalog keys they emit."""
from __future__ import annotations

from strategy_core.i18n import LANGS, t


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


