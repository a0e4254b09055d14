"""Demo review minutes for the demo company, inside the demo's transaction.

As of the demo's *as_of*: the monthly OKR review of the previous month (its two most-behind KRs as
findings — marketing ROI and one-click conversion at the demo's pace — and two adjustments, one done
and one open) and the quarterly BSC analysis of the previous quarter (the indicators that moved against
the team, repeat-purchase rate first, one open adjustment). The numbers come from the same prepare
functions a real review uses; the words are the demo's own (in its language).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from strategy_core.routines import review
from strategy_core.track import monitor
from strategy_core.store.store import Tx

_TEXT = {
    "attendees": {"zh": "CEO、市场部、产品技术部、本地化运营部、财务部",
                  "en": "CEO, Marketing, Product & tech, Localisation ops, Finance"},
    "monthly_summary": {
        "zh": "两个关键结果落后于进度（见复盘发现），其余基本正常。每个落后项各确定一项追赶措施。",
        "en": "Two key results are furthest behind their pace (see the findings); the others are broadly on "
              "track. One catch-up adjustment decided for each."},
    "quarterly_summary": {
        "zh": "老客户复购率连续下滑并已亮红灯，获客成本逐月上升。决定上线会员复购计划，并复查投放渠道。",
        "en": "Repeat-purchase rate kept falling and is red; acquisition cost rises month by month. Decided to "
              "launch a member repurchase programme and review the paid channels."},
    "cause": {
        "kr3": {"zh": "三个国家买量成本超预算 30%，低效渠道未及时砍掉",
                "en": "Paid traffic in three countries ran 30 % over budget; weak channels were not cut in time"},
        "kr_conv": {"zh": "新结算页多了一步地址确认，移动端流失增加",
                    "en": "The new checkout added an address step; mobile drop-off went up"},
        "repeat_rate": {"zh": "会员权益半年未更新，竞品推出满减券",
                        "en": "Member benefits unchanged for six months; a competitor launched discount coupons"},
        "cac": {"zh": "头部达人报价上涨，新客主要来自高价渠道",
                "en": "Top creators raised their fees; new customers come mostly from expensive channels"},
        "kr1": {"zh": "中东两国本地化版本推迟上线，新增用户低于计划",
                "en": "The localised launch in two Middle-East countries slipped; new users came in below plan"},
        "kr2": {"zh": "本地支付接入延期，直播间下单流程多一步跳转",
                "en": "Local payment integration slipped; live-room checkout needs an extra redirect"},
        "other": {"zh": "落后于进度，负责人在下次复盘前查明原因",
                  "en": "Behind its pace; the owner finds the cause before the next review"},
    },
    "adjust": {
        "kr3": {"zh": "砍掉 ROI 后 20% 的渠道，把 ¥1,000 万预算转给 ROI ≥ 1:6 的头部达人",
                "en": "Cut the bottom 20 % of channels by ROI and move ¥10 M to top creators with ROI ≥ 1:6"},
        "kr_conv": {"zh": "新旧结算页 A/B 测试两周，保留转化率更高的版本",
                    "en": "A/B test the old and new checkout for two weeks; keep the one that converts better"},
        "kr1": {"zh": "中东上线前先在印尼复制老带新活动：邀请 3 位好友送会员权益，预算 ¥1,500 万",
                "en": "Until the Middle-East launch, repeat the referral push in Indonesia: invite 3 friends, get "
                      "membership benefits, budget ¥15 M"},
        "kr2": {"zh": "支付接入前先开通货到付款，成本 ¥500 万",
                "en": "Open cash on delivery until local payments are live, cost ¥5 M"},
        "repeat_rate": {"zh": "上线会员复购计划：复购满 3 次送 1 个月会员，预算 ¥300 万",
                        "en": "Launch a member repurchase programme: 3 repeat orders earn 1 month of membership, "
                              "budget ¥3 M"},
    },
    "adjust_other": {"zh": "{owner}在两周内提交追赶计划（措施、预算、每周目标）",
                     "en": "{owner} brings a catch-up plan within two weeks (measures, budget, weekly targets)"},
    "owner": {
        "kr3": {"zh": "市场部", "en": "Marketing"},
        "kr_conv": {"zh": "产品技术部", "en": "Product & tech"},
        "kr1": {"zh": "本地化运营部", "en": "Localisation ops"},
        "kr2": {"zh": "产品技术部", "en": "Product & tech"},
        "repeat_rate": {"zh": "本地化运营部", "en": "Localisation ops"},
    },
}


def _held(period_end: dt.date, as_of: dt.date) -> dt.date:
    """The minute is held a few days after the period, never after the demo's date."""
    return min(as_of, period_end + dt.timedelta(days=3))


def _snapshot(tx: Tx, wid: int, ctx: dict) -> monitor.Snapshot:
    return monitor.Snapshot(tx.get("workspace", wid), list(ctx["objectives"]), list(ctx["krs"]),
                            list(ctx["indicators"]), list(ctx["check_ins"]), list(ctx["readings"]), {})


def _insert(tx: Tx, wid: int, kind: str, end: dt.date, held: dt.date, summary: str, attendees: str,
            findings: list[review.PrepRow], causes: dict[int, str], adjustments: list[dict[str, Any]]) -> None:
    start, end = review.period_bounds(kind, end)
    rid = tx.insert("review", {"workspace_id": wid, "kind": kind, "period_start": start, "period_end": end,
                               "held_on": held, "attendees": attendees, "summary": summary})
    fids = {}
    for pos, row in enumerate(findings):
        fids[row.subject_id] = tx.insert("review_finding", {
            "workspace_id": wid, "review_id": rid, "subject_kind": row.subject_kind, "subject_id": row.subject_id,
            "planned": row.planned, "actual": row.actual, "gap": row.gap, "cause": causes.get(row.subject_id),
            "position": pos})
    for a in adjustments:
        tx.insert("adjustment", {"workspace_id": wid, "review_id": rid, "finding_id": fids.get(a["subject_id"]),
                                 "what": a["what"], "owner": a["owner"], "due": a["due"], "status": a["status"]})


def add_demo(tx: Tx, wid: int, lang: str, year: int, as_of: dt.date, ctx: dict) -> None:
    """Insert the demo's monthly review of the month before *as_of*'s and quarterly review of the quarter before, each
    only when that period lies in *year*, with their findings and adjustments."""
    snap = _snapshot(tx, wid, ctx)
    kr = ctx["kr"]
    ind = ctx["indicator"]
    text = lambda *path: _pick(_TEXT, path, lang)
    attendees = text("attendees")
    key_of = {v: k for k, v in {**kr, **ind}.items()}

    month_end = review.last_finished("monthly", as_of, year)
    if month_end is not None:
        # the two most behind (the demo's pace makes them marketing ROI and one-click conversion)
        rows = [r for r in review.prepare_monthly(snap, month_end) if r.gap is not None][:2]
        causes = {r.subject_id: text("cause", key_of.get(r.subject_id) if key_of.get(r.subject_id) in
                                     _TEXT["cause"] else "other") for r in rows}
        held = _held(month_end, as_of)
        adjustments = []
        for n, r in enumerate(rows):
            k = key_of.get(r.subject_id)
            if k in _TEXT["adjust"]:
                what, owner = text("adjust", k), text("owner", k)
            else:
                owner = r.owner or ""
                what = text("adjust_other").format(owner=owner)
            # the first (most behind) stays open until the next review; the second is already done
            adjustments.append({"subject_id": r.subject_id, "what": what, "owner": owner,
                                "due": review.period_bounds("monthly", held)[1] if n == 0
                                else held + dt.timedelta(days=10),
                                "status": "open" if n == 0 else "done"})
        _insert(tx, wid, "monthly", month_end, held, text("monthly_summary"), attendees, rows, causes, adjustments)

    quarter_end = review.last_finished("quarterly", as_of, year)
    if quarter_end is not None:
        rows = review.prepare_quarterly(snap, quarter_end)[:3]
        causes = {r.subject_id: text("cause", key_of.get(r.subject_id) if key_of.get(r.subject_id) in
                                     _TEXT["cause"] else "other") for r in rows}
        held = _held(quarter_end, as_of)
        ids = [r.subject_id for r in rows]
        subject = ind.get("repeat_rate") if ind.get("repeat_rate") in ids else (ids[0] if ids else None)
        adjustments = [{"subject_id": subject, "what": text("adjust", "repeat_rate"),
                        "owner": text("owner", "repeat_rate"),
                        "due": review.period_bounds("quarterly", held)[1], "status": "open"}]
        _insert(tx, wid, "quarterly", quarter_end, held, text("quarterly_summary"), attendees, rows, causes,
                adjustments)


def _pick(tree: dict, path: tuple, lang: str) -> str:
    node: Any = tree
    for p in path:
        node = node[p]
    return node[lang]
