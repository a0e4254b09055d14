"""The demo company's risk register (SPEC §6): the method's own education example — under-enrolment,
red, 30 % of revenue, plans A/B/C — and two risks of the short-video app itself, all three TOP, each
with three plans. Everything goes through `risk.clean_risk` / `risk.clean_plan`, like user input.

On the day the demo is told as of (whatever day that is, see demo.py) the repeat-purchase rate reads
about 21 % (below its trigger 25), so the education risk fires and the monitoring board shows its plan A;
CAC (≈ ¥214, trigger > 230) and the live e-commerce penetration KR (from 1 April on past 11 %, trigger
< 10) do not fire.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from strategy_core.routines import risk
from strategy_core.store.store import Tx

# (trigger: (kind, ctx key, comparator, value)); texts in zh and en
RISKS: list[dict[str, Any]] = [
    {
        "name": {"zh": "招生不足（教育业务）", "en": "Under-enrolment (education line)"},
        "level": "red", "impact_share": 30,
        "impact_text": {"zh": "年营收的 30%：老学员续报和新生报名同时下滑",
                        "en": "30 % of annual revenue: renewals and new sign-ups fall together"},
        "trigger": ("indicator", "repeat_rate", "<", 25),
        "owner": {"zh": "市场部", "en": "Marketing"},
        "plans": {
            "A": {"strategy": {"zh": "老带新裂变：每成功推荐 1 位新学员，返现 ¥200 + 赠送 2 节精品课；"
                                     "获客成本约 ¥80/人（目前 ¥150/人）",
                               "en": "Referral push: for every new student referred, ¥200 cash back + 2 premium "
                                     "lessons; ≈ ¥80 per acquisition (¥150 today)"},
                  "cost": 40000, "expected_result": 500,
                  "expected_unit": {"zh": "新学员（人）", "en": "new students"},
                  "channel": {"zh": "老学员社群 + 家长微信群", "en": "Existing students' communities + parents' "
                                                              "WeChat groups"}},
            "B": {"strategy": {"zh": "低价体验课：¥9.9 体验 3 节课 + 1 次学习测评，1,500 人体验，转化率目标 20%",
                               "en": "Low-price trial: ¥9.9 for 3 lessons + 1 learning assessment; 1,500 trial "
                                     "users at a 20 % conversion target"},
                  "cost": 60000, "expected_result": 300,
                  "expected_unit": {"zh": "新学员（人）", "en": "new students"},
                  "channel": {"zh": "定向投放 30–40 岁家长（朋友圈 + 抖音）",
                              "en": "Targeted ads to parents aged 30–40 (WeChat Moments + Douyin)"}},
            "C": {"strategy": {"zh": "跨界企业团购：100 人以上团报 6 折，¥2,999 → ¥1,799；触达 50 家企业，预计 10 家签约",
                               "en": "Cross-industry corporate group-buying: 100+ seats at 40 % off, ¥2,999 → "
                                     "¥1,799; reach 50 firms, expect 10 to sign"},
                  "cost": 100000, "expected_result": 1000,
                  "expected_unit": {"zh": "新学员（人）", "en": "new students"},
                  "channel": {"zh": "商会合作 + 企业 HR 渠道", "en": "Chambers of commerce + corporate HR"}},
        },
    },
    {
        "name": {"zh": "付费流量成本超预算", "en": "Paid-traffic cost overrun"},
        "level": "yellow", "impact_share": 12,
        "impact_text": {"zh": "买量单价上涨吃掉营销 ROI，新增用户目标落空",
                        "en": "Rising ad prices eat the marketing ROI; the new-user target slips"},
        "trigger": ("indicator", "cac", ">", 230),
        "owner": {"zh": "市场部", "en": "Marketing"},
        "plans": {
            "A": {"strategy": {"zh": "切换到老带新：邀请 3 位好友注册，双方各得 1 个月会员权益；暂停超预算国家的买量",
                               "en": "Switch to referral: invite 3 friends, both get a month of membership "
                                     "benefits; pause paid traffic in the over-budget countries"},
                  "cost": 3000000, "expected_result": 25000,
                  "expected_unit": {"zh": "新付费用户（人）", "en": "new paying users"},
                  "channel": {"zh": "App 内邀请页 + 站外分享", "en": "In-app invite page + social sharing"}},
            "B": {"strategy": {"zh": "预算转投腰部 KOL：把 30% 买量预算改签 1,000 位腰部达人，按成交付佣",
                               "en": "Shift 30 % of the paid budget to 1,000 mid-tier KOLs, paid per sale"},
                  "cost": 4500000, "expected_result": 25000,
                  "expected_unit": {"zh": "新付费用户（人）", "en": "new paying users"},
                  "channel": {"zh": "KOL 短视频 + 直播", "en": "KOL short videos + live streams"}},
            "C": {"strategy": {"zh": "盘活免费用户：对近 30 天活跃的免费用户推送首单 5 折券",
                               "en": "Convert free users: push a 50 %-off first-order coupon to free users "
                                     "active in the last 30 days"},
                  "cost": 2000000, "expected_result": 12500,
                  "expected_unit": {"zh": "新付费用户（人）", "en": "new paying users"},
                  "channel": {"zh": "App 推送 + 站内信", "en": "App push + in-app messages"}},
        },
    },
    {
        "name": {"zh": "东南亚支付接入延期", "en": "Payment integration delayed in South-East Asia"},
        "level": "yellow", "impact_share": 20,
        "impact_text": {"zh": "直播电商无法本地收款，渗透率目标 20% 落空",
                        "en": "Live e-commerce cannot take local payments; the 20 % penetration target slips"},
        "trigger": ("key_result", "kr2", "<", 10),
        "owner": {"zh": "产品技术部", "en": "Product & tech"},
        "plans": {
            "A": {"strategy": {"zh": "改用区域支付聚合商：一份合同接入印尼、泰国、越南的主流电子钱包",
                               "en": "Switch to a regional payment aggregator: one contract covers the main "
                                     "e-wallets in Indonesia, Thailand and Vietnam"},
                  "cost": 1200000, "expected_result": 300000,
                  "expected_unit": {"zh": "直播订单（单/月）", "en": "live orders a month"},
                  "channel": {"zh": "支付聚合商 + 本地电子钱包", "en": "Payment aggregator + local e-wallets"}},
            "B": {"strategy": {"zh": "过渡期启用货到付款：与本地物流合作代收货款",
                               "en": "Cash on delivery in the meantime: local logistics partners collect payment"},
                  "cost": 900000, "expected_result": 150000,
                  "expected_unit": {"zh": "直播订单（单/月）", "en": "live orders a month"},
                  "channel": {"zh": "本地物流合作伙伴", "en": "Local logistics partners"}},
            "C": {"strategy": {"zh": "直播间挂合作电商平台链接，按成交付 8% 佣金",
                               "en": "Redirect live viewers to partner marketplace stores by affiliate link, "
                                     "8 % commission per sale"},
                  "cost": 600000, "expected_result": 80000,
                  "expected_unit": {"zh": "直播订单（单/月）", "en": "live orders a month"},
                  "channel": {"zh": "合作电商平台店铺", "en": "Partner marketplace stores"}},
        },
    },
]


def _text(value: Any, lang: str) -> Any:
    return value[lang] if isinstance(value, dict) and set(value) <= {"zh", "en"} else value


def add_demo(tx: Tx, wid: int, lang: str, year: int, as_of: dt.date, ctx: dict) -> None:
    """Insert the demo's three TOP risks and their plans A/B/C inside the demo's transaction."""
    targets = risk.trigger_targets(ctx.get("indicators", []), ctx.get("krs", []))
    ids = {"indicator": ctx.get("indicator", {}), "key_result": ctx.get("kr", {})}
    top: list[str] = []
    for pos, spec in enumerate(RISKS):
        kind, key, comparator, value = spec["trigger"]
        data = {k: _text(spec[k], lang) for k in ("name", "level", "impact_share", "impact_text", "owner")}
        tid = ids[kind].get(key)
        if tid is not None:
            data.update({"trigger": (kind, tid), "trigger_comparator": comparator, "trigger_value": value})
        data["top"] = len(top) < risk.TOP_MAX
        row = risk.clean_risk(data, targets=targets, other_top=top)
        if row["top"]:
            top.append(row["name"])
        rid = tx.insert("risk", {**row, "workspace_id": wid, "position": pos})
        plans = [{**risk.clean_plan({k: _text(v, lang) for k, v in p.items()}), "workspace_id": wid,
                  "risk_id": rid, "label": label} for label, p in spec["plans"].items()]
        tx.insert_many("risk_plan", plans)
