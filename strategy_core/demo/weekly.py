"""The demo company's working templates (SPEC §5): weekly plans and daily data reports.

`add_demo` runs inside the demo's transaction, after the OKRs, the scorecard and half a year of
check-ins and readings exist. It adds, deterministically:

* weekly plans of three KR owners (localisation ops, product & tech, the algorithm engineer) for the
  three weeks up to *as_of* (the week that holds it and the two before): three items a week, some
  done, the open ones carried into the next week; an item on a KR links the check-in of that week
  that already exists (one source of truth). Marketing owns a KR and files no plan: the page shows
  it as missing.
* daily data reports (whole company) for the working days of the two weeks before *as_of*, each
  taking in that day's readings of its due indicators, with a comment on every red one, submitted
  at 18:30 — except one day, deliberately left without a report; on *as_of* itself (a working day)
  a draft not yet submitted.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from strategy_core.routines import daily, weekly
from strategy_core.track import measure
from strategy_core.store.store import Tx

# per owner (by the KR whose owner files the plan): six items; (kr key or None, zh, en)
_ITEMS: dict[str, list[tuple[str | None, str, str]]] = {
    "kr_kol": [
        ("kr_kol", "与印尼 20 位头部 KOL 谈独家合作", "Negotiate exclusive deals with 20 top KOLs in Indonesia"),
        ("kr1", "与产品技术部上线泰语新手引导", "Launch the Thai-language onboarding flow with Product & tech"),
        (None, "复盘越南推荐渠道的周数据", "Review the Vietnam referral channel's weekly numbers"),
        ("kr_kol", "签下泰国 10 位美妆 KOL", "Sign 10 beauty KOLs in Thailand"),
        (None, "整理斋月活动复盘，沉淀获客打法", "Write up the Ramadan campaign review as a playbook"),
        ("kr1", "启动越南邀请 3 位好友得会员权益活动", "Start the Vietnam invite-3-friends membership campaign"),
    ],
    "kr_conv": [
        ("kr_conv", "直播间一键购买按钮 A/B 测试", "A/B test the one-click purchase button in live rooms"),
        ("kr_latency", "完成 500 路并发主播压测", "Load-test 500 concurrent streamers"),
        (None, "修复结算页延迟回归问题", "Fix the checkout-page latency regression"),
        ("kr_conv", "上线购物车免密支付", "Ship password-free payment in the cart"),
        (None, "与财务部确认压测云服务器预算", "Agree the load-test cloud-server budget with Finance"),
        ("kr_latency", "边缘节点扩容到雅加达、曼谷", "Extend edge nodes to Jakarta and Bangkok"),
    ],
    "kr_dwell": [
        ("kr_dwell", "离线评估新的停留时长模型", "Evaluate the new dwell-time model offline"),
        (None, "为文化分类器标注 2,000 条泰语视频", "Label 2,000 Thai videos for the culture classifier"),
        ("kr_weight", "排序模型中本地文化内容权重调到 30 %", "Raise the local-culture content weight in ranking to 30 %"),
        ("kr_dwell", "新模型 10 % 流量灰度上线", "Roll the new model out to 10 % of traffic"),
        (None, "给运营同事讲解推荐策略变化", "Walk the ops team through the ranking changes"),
        ("kr_dwell", "灰度流量扩大到 50 %", "Widen the roll-out to 50 % of traffic"),
    ],
}
# week 0, 1, 2: (item index, done)
_SCHEDULE = [[(0, True), (1, False), (2, True)],
             [(1, True), (3, False), (4, True)],
             [(3, False), (5, False)]]
_CONFIDENCE = {"kr_kol": (7, 7, 6), "kr_conv": (6, 5, 5), "kr_dwell": (8, 8, 7)}
_HELP = {
    ("kr_kol", 2): ("需要人力资源部两周内补 2 名泰语内容审核员",
                    "Need 2 Thai-speaking content moderators from HR within two weeks"),
    ("kr_conv", 1): ("需要财务部确认压测云服务器预算（¥80,000，线上 100 %）",
                     "Need Finance to approve the load-test cloud-server budget (¥80,000, all online)"),
}
_RESULT = {
    "kr_kol": ("KOL 签约按节奏推进，泰语引导延后一周", "KOL signings on pace; the Thai onboarding slipped a week"),
    "kr_conv": ("A/B 测试转化率 +0.4 个百分点，压测尚未完成", "A/B test lifted conversion by 0.4 pp; the load test is not done"),
    "kr_dwell": ("离线评估通过，灰度准备就绪", "Offline evaluation passed; the roll-out is ready"),
}
_RED_COMMENT = {
    "repeat_rate": ("老客复购率继续走低：三季度会员促销结束；10 月起启动老客召回活动（本地化运营部负责）",
                    "Repeat rate still falling: the Q3 member promotion ended; a win-back campaign starts in "
                    "October (Localisation ops)"),
    None: ("低于目标值：负责人正在查原因，明日晨会汇报", "Below target: the owner is finding the cause and reports at "
                                                      "tomorrow's stand-up"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def add_demo(tx: Tx, wid: int, lang: str, year: int, as_of: dt.date, ctx: dict[str, Any]) -> None:
    """Insert the demo's weekly plans and daily data reports (see the module docstring)."""
    _weekly(tx, wid, lang, year, as_of, ctx)
    _daily(tx, wid, lang, year, as_of, ctx)


def _weekly(tx: Tx, wid: int, lang: str, year: int, as_of: dt.date, ctx: dict[str, Any]) -> None:
    kr_ids: dict[str, int] = ctx["kr"]
    krs = {k["id"]: k for k in ctx["krs"]}
    this_week = weekly.monday_of(as_of)
    weeks = [this_week - dt.timedelta(days=7 * n) for n in (2, 1, 0)]
    weeks = [w for w in weeks if weekly.in_year(w, year)]
    by_kr: dict[int, list[dict]] = {}
    for c in ctx["check_ins"]:
        by_kr.setdefault(c["key_result_id"], []).append(c)
    for lead, items in _ITEMS.items():
        if lead not in kr_ids:
            continue
        person = krs[kr_ids[lead]].get("owner")
        if not person:
            continue
        for n, monday in enumerate(weeks):
            w = n + (3 - len(weeks))   # the schedule's week for this Monday (the last one is this week)
            pid = tx.insert("weekly_plan", {
                "workspace_id": wid, "person": person, "week_start": monday, "confidence": _CONFIDENCE[lead][w],
                "help_needed": _pick(_HELP[(lead, w)], lang) if (lead, w) in _HELP else None,
                "last_week_result": _pick(_RESULT[lead], lang) if w > 0 else None})
            last_day = min(weekly.week_end(monday), as_of)
            used: set[int] = set()
            for pos, (idx, done) in enumerate(_SCHEDULE[w]):
                kr_key, zh, en = items[idx]
                kid = kr_ids.get(kr_key) if kr_key else None
                if kid is not None and krs[kid].get("deadline") is not None and krs[kid]["deadline"] < monday:
                    kid = None                      # a KR closed before this week: the item stands alone
                ci = None
                if kid is not None and kid not in used:
                    week_cis = [c for c in by_kr.get(kid, []) if monday <= c["date"] <= last_day]
                    ci = max(week_cis, key=lambda c: (c["date"], c["id"])) if week_cis else None
                    used.add(kid)
                text = zh if lang == "zh" else en
                tx.insert("plan_item", {
                    "workspace_id": wid, "weekly_plan_id": pid, "key_result_id": kid, "text": text,
                    "kr_value": ci["value"] if ci else None, "check_in_id": ci["id"] if ci else None,
                    "done": done, "position": pos})
                if ci is not None:
                    tx.update("check_in", ci["id"], {"note": text})


def _daily(tx: Tx, wid: int, lang: str, year: int, as_of: dt.date, ctx: dict[str, Any]) -> None:
    indicators = [i for i in ctx["indicators"] if i.get("retired_at") is None]
    if not indicators:
        return
    short = {v: k for k, v in ctx["indicator"].items()}
    readings = [dict(r) for r in ctx["readings"]]
    days = [as_of - dt.timedelta(days=n) for n in range(14, 0, -1)]
    days = [d for d in days if daily.is_working_day(d) and d.year == year]
    skip = days[-3] if len(days) >= 3 else None   # one day deliberately left without a report
    plan = [(d, True) for d in days if d != skip]
    if daily.is_working_day(as_of) and as_of.year == year:
        plan.append((as_of, False))               # today's report, still a draft
    for day, submitted in plan:
        rid = tx.insert("daily_report", {
            "workspace_id": wid, "day": day, "owner": None, "note": None,
            "submitted_at": dt.datetime.combine(day, dt.time(18, 30)) if submitted else None})
        due = {i["id"]: i for i in daily.due_indicators(indicators, readings, day)}
        todays = {}
        for r in readings:
            if r["date"] == day and r["indicator_id"] in due and r.get("daily_report_id") is None:
                todays[r["indicator_id"]] = r
        for iid, r in todays.items():
            change: dict[str, Any] = {"daily_report_id": rid}
            ind = due[iid]
            if measure.indicator_status(ind["comparator"], ind["target"], ind.get("band"), r["value"]) == measure.RED \
                    and not r.get("comment"):
                change["comment"] = _pick(_RED_COMMENT.get(short.get(iid), _RED_COMMENT[None]), lang)
            tx.update("reading", r["id"], change)
            r.update(change)
