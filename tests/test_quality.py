"""OKR quality rules (SPEC §3.1): strategy_core/quality/ and its zh/en catalogs."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from strategy_core.findings import FAIL, PASS, WARN, Finding
from strategy_core import quality as q
from tests.conftest import TODAY

I18N = Path(q.__file__).parents[1] / "i18n"


# ---------------------------------------------------------------- helpers
def rendered(f: Finding) -> None:
    """Both languages render a real sentence, and they differ."""
    zh, en = f.text("zh"), f.text("en")
    assert zh != f.message and en != f.message, f
    assert zh != en, f
    assert "{" not in zh and "{" not in en, (zh, en)
    ex_zh, ex_en = f.example_text("zh"), f.example_text("en")
    assert ex_zh and ex_en and ex_zh != f.example and ex_zh != ex_en
    assert ex_zh.startswith("弱：") and ex_en.startswith("Weak:")


def by_rule(findings: list[Finding]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for f in findings:
        rendered(f)
        assert (f.rule, f.entity_id) not in {(g.rule, g.entity_id) for g in out.values()}, f"two {f.rule}"
        out[f.rule] = f
    return out


def fails(findings):
    return [f for f in findings if f.severity == FAIL]


GOOD_KR = dict(
    id=7, objective_id=1, statement="用户满意度调研 ≥ 9 分（Q4）", metric="用户满意度", unit="分",
    baseline=7.8, target=9, direction="up", band_low=None, band_high=None, deadline=date(2026, 12, 31),
    owner="王磊", team="产品部", decomposition_logic="活跃用户 × 调研覆盖率",
    data_support="2025 年调研均分 7.8", execution_steps="1. 用户访谈 2. 改版 3. 复测",
    data_source="季度满意度调研", alert_value="8.2",
    resources_money="¥50 万：线上调研 30 万 + 线下回访 20 万",
    resources_people="2 名用研 + 1 名设计师", resources_things="10 台测试机",
    risk_plan="若某国买量成本超预算 20%，切换为老带新：邀请 3 位好友送会员权益，预算 ¥50 万",
)


def kr(**over):
    d = dict(GOOD_KR)
    d.update(over)
    return d


# ---------------------------------------------------------------- catalogs
def test_catalogs_have_the_same_keys_and_cover_every_key_used():
    en = json.loads((I18N / "en" / "quality.json").read_text(encoding="utf-8"))
    zh = json.loads((I18N / "zh" / "quality.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    assert all(k.startswith("quality.") for k in en)
    assert q.catalog_keys() == set(en)          # nothing missing, nothing stale
    for k in en:
        assert en[k].strip() and zh[k].strip() and en[k] != zh[k], k
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[k]), k
    # every rule has an ok message and a weak → strong example
    for rule in q.RULES:
        assert f"quality.{rule}.ok" in en and f"quality.example.{rule}" in en


def test_field_list_renders_in_the_readers_language():
    f = by_rule(q.check_key_result({"id": 1, "statement": "签约 20 家经销商"}))["kr.complete"]
    assert f.severity == FAIL and f.field == "baseline"
    assert f.text("zh").startswith("请补填基线、目标值、截止时间、负责人")
    assert "baseline, target value, deadline and owner" in f.text("en")
    assert json.dumps(f.to_dict("en"), ensure_ascii=False)  # params stay JSON-friendly


# ---------------------------------------------------------------- SPEC pair
@pytest.mark.parametrize("weak, strong", [
    ("提升用户体验", "用户满意度调研 ≥ 9 分 (Q4)"),
    ("提升用户体验", "用户满意度调研 ≥ 9 分（Q4）"),
    ("Improve user experience", "User satisfaction survey ≥ 9 points by Q4"),
])
def test_spec_pair_weak_fails_strong_passes(weak, strong):
    w = by_rule(q.check_statement(weak))
    assert w["kr.measurable"].severity == FAIL
    assert w["kr.measurable"].message == "quality.kr.measurable.no_number"
    assert w["kr.vague_verb"].severity == FAIL
    assert w["kr.vague_verb"].params["verb"] in ("提升", "improve")
    assert w["kr.measurable"].example == "quality.example.kr.measurable"
    assert "提升用户体验" in w["kr.measurable"].example_text("zh")
    s = q.check_statement(strong)
    assert [f.severity for f in s] == [PASS] * len(s)
    assert {f.rule for f in s} == {"kr.measurable", "kr.time_bound", "kr.vague_verb", "kr.impact"}


def test_statement_text_handles_fullwidth_and_chinese_numerals():
    assert by_rule(q.check_statement("满意度 ≥ ９ 分，第四季度"))["kr.measurable"].severity == PASS
    assert by_rule(q.check_statement("年底前新签约三十家客户"))["kr.measurable"].severity == PASS
    assert by_rule(q.check_statement("复购率达到三成"))["kr.measurable"].severity == PASS
    assert by_rule(q.check_statement("新增 2000 万用户"))["kr.measurable"].severity == PASS
    # a quarter is a time, not the number the KR must hit
    only_time = by_rule(q.check_statement("Q4 提升品牌影响力"))
    assert only_time["kr.measurable"].severity == FAIL
    assert only_time["kr.time_bound"].severity == PASS
    assert by_rule(q.check_statement("十分重视客户满意"))["kr.measurable"].severity == FAIL
    assert by_rule(q.check_statement("签约 20 家经销商"))["kr.time_bound"].severity == WARN


def test_statement_impact_not_effort():
    only = by_rule(q.check_statement("Q3 拜访 200 家客户"))["kr.impact"]
    assert only.severity == FAIL and only.params["word"] == "拜访"
    assert by_rule(q.check_statement("Q3 拜访 200 家客户，签约 20 家"))["kr.impact"].severity == WARN
    assert by_rule(q.check_statement("Make 100 cold calls by Q2"))["kr.impact"].severity == FAIL
    assert by_rule(q.check_statement("Hold 12 webinars, 30 % of attendees convert"))["kr.impact"].severity == WARN
    assert by_rule(q.check_statement("举办 4 场培训"))["kr.impact"].severity == FAIL
    assert by_rule(q.check_statement("一键购买转化率 5% → 8%"))["kr.impact"].severity == PASS


def test_check_statement_objective_and_bad_kind():
    assert {f.rule for f in q.check_statement("上线新 App", "objective")} == {
        "obj.direction", "obj.outcome", "obj.vague_verb"}
    with pytest.raises(ValueError):
        q.check_statement("x", "bsc")


# ---------------------------------------------------------------- key results
def test_complete_kr_has_no_fail():
    fs = q.check_key_result(GOOD_KR, plan_year=2026)
    r = by_rule(fs)
    assert not fails(fs), [f.message for f in fails(fs)]
    assert set(r) == {"kr.measurable", "kr.complete", "kr.time_bound", "kr.impact", "kr.direction",
                      "kr.vague_verb", "kr.resources", "kr.risk_plan"}
    assert all(f.entity == "key_result" and f.entity_id == 7 for f in fs)
    assert all(f.severity == PASS for f in fs)


def test_empty_kr_partial_data():
    r = by_rule(q.check_key_result({}))
    assert r["kr.measurable"].severity == FAIL
    assert r["kr.complete"].severity == FAIL
    assert list(r["kr.complete"].params["fields"]) == ["baseline", "target", "deadline", "owner"]
    assert r["kr.direction"].severity == FAIL
    assert r["kr.resources"].severity == WARN and r["kr.risk_plan"].severity == WARN


def test_measurable_baseline_warn():
    f = by_rule(q.check_key_result(kr(baseline=None, statement="满意度 ≥ 9 分")))["kr.measurable"]
    assert f.severity == WARN and f.field == "baseline" and f.params["target"] == "9"
    assert "9" in f.text("zh") and "from X to 9" in f.text("en")
    # the sentence already reads "from X to Y": the shape is there, completeness flags the field
    f = by_rule(q.check_key_result(kr(baseline=None, statement="一键购买转化率 5% → 8%")))["kr.measurable"]
    assert f.severity == PASS
    f = by_rule(q.check_key_result(kr(baseline=None, statement="Churn from 6 % to 4 % by Q3")))["kr.measurable"]
    assert f.severity == PASS
    f = by_rule(q.check_key_result(kr(baseline="", target=None, statement="")))["kr.measurable"]
    assert f.severity == FAIL


def test_complete_names_missing_fields():
    f = by_rule(q.check_key_result(kr(owner=" ", deadline=None)))["kr.complete"]
    assert f.severity == FAIL and list(f.params["fields"]) == ["deadline", "owner"]
    assert "截止时间、负责人" in f.text("zh") and "deadline and owner" in f.text("en")


def test_time_bound():
    r = by_rule(q.check_key_result(kr(deadline=date(2027, 3, 31)), plan_year=2026))
    assert r["kr.time_bound"].severity == FAIL and r["kr.time_bound"].params["plan_year"] == 2026
    assert "2027-03-31" in r["kr.time_bound"].text("en")
    r = by_rule(q.check_key_result(kr(deadline=None, statement="满意度 ≥ 9 分（Q4）"), plan_year=2026))
    assert r["kr.time_bound"].severity == WARN            # said in the text, field empty
    assert r["kr.complete"].severity == FAIL              # …which completeness still flags
    r = by_rule(q.check_key_result(kr(deadline=None, statement="满意度 ≥ 9 分 by 2027-06"), plan_year=2026))
    assert r["kr.time_bound"].severity == FAIL
    r = by_rule(q.check_key_result(kr(deadline=None, statement="满意度 ≥ 9 分")))
    assert r["kr.time_bound"].severity == FAIL
    assert by_rule(q.check_key_result(kr(deadline="2026-09-30"), 2026))["kr.time_bound"].severity == PASS
    quarter = by_rule(q.check_key_result(kr(deadline="Q4"), 2026))   # SPEC: "a date or quarter"
    assert quarter["kr.time_bound"].severity == PASS and quarter["kr.complete"].severity == PASS
    assert by_rule(q.check_key_result(kr(deadline="2027 年底"), 2026))["kr.time_bound"].severity == FAIL


@pytest.mark.parametrize("over, code", [
    (dict(direction=None), "missing_up"),
    (dict(direction=None, baseline=9, target=7.8), "missing_down"),
    (dict(direction=None, baseline=None), "missing"),
    (dict(direction="sideways"), "unknown"),
    (dict(direction="up", baseline=9, target=7.8), "up_contradicts"),
    (dict(direction="down"), "down_contradicts"),
    (dict(direction="up", baseline=9, target=9), "equal"),
    (dict(direction="down", baseline=5, target=5.0), "equal"),
    (dict(direction="band", band_low=None, band_high=10), "band_invalid"),
    (dict(direction="band", band_low=10, band_high=8), "band_invalid"),
    (dict(direction="band", band_low=8, band_high=8), "band_invalid"),
    (dict(direction="band", band_low=7, band_high=8.5), "band_outside"),
])
def test_direction_fails(over, code):
    f = by_rule(q.check_key_result(kr(**over)))["kr.direction"]
    assert f.severity == FAIL and f.message == f"quality.kr.direction.{code}" and f.field == "direction"


@pytest.mark.parametrize("over", [
    dict(direction="up"), dict(direction="down", baseline=72, target=48),
    dict(direction="band", band_low=8, band_high=10, target=9), dict(direction="band", band_low=8, band_high=10),
    dict(direction="UP "), dict(direction="越高越好"),
])
def test_direction_passes(over):
    assert by_rule(q.check_key_result(kr(**over)))["kr.direction"].severity == PASS


def test_direction_equal_message_shows_number():
    f = by_rule(q.check_key_result(kr(baseline=9, target=9)))["kr.direction"]
    assert "9" in f.text("zh") and "9" in f.text("en")


def test_vague_verb_on_kr():
    r = by_rule(q.check_key_result(kr(statement="加强品牌建设", baseline=None, target=None)))
    assert r["kr.vague_verb"].severity == FAIL
    r = by_rule(q.check_key_result(kr(statement="提升用户满意度")))     # numbers only in the fields
    assert r["kr.vague_verb"].severity == WARN
    r = by_rule(q.check_key_result(kr(statement="Enhance onboarding: activation 30 % → 45 %")))
    assert r["kr.vague_verb"].severity == PASS


@pytest.mark.parametrize("over, code", [
    (dict(resources_money="", resources_people=None, resources_things=" "), "empty"),
    (dict(resources_money="按需"), "placeholder"),
    (dict(resources_people="若干"), "placeholder"),
    (dict(resources_money="Budget as needed"), "placeholder"),
    (dict(resources_things="TBD"), "placeholder"),
    (dict(resources_money="需要营销预算"), "money_no_amount"),
    (dict(resources_money="¥50 万"), "money_no_split"),
    (dict(resources_people="运营同学"), "people_no_count"),
])
def test_resources_warn(over, code):
    f = by_rule(q.check_key_result(kr(**over)))["kr.resources"]
    assert f.severity == WARN and f.message == f"quality.kr.resources.{code}"


def test_resources_placeholder_names_the_field():
    f = by_rule(q.check_key_result(kr(resources_money="按需")))["kr.resources"]
    assert f.field == "resources_money" and "按需" in f.text("zh") and "钱" in f.text("zh")
    assert "money" in f.text("en")
    ok = by_rule(q.check_key_result(kr(resources_people="两名运营", resources_money="$20k online + $10k offline")))
    assert ok["kr.resources"].severity == PASS


@pytest.mark.parametrize("plan, code", [
    ("加强营销", "slogan"),
    ("Strengthen marketing", "slogan"),
    ("若转化不达标，切换为老带新", "no_cost"),
    ("预算 ¥20 万", "no_measure"),
    ("If paid traffic runs over budget, switch to referrals: invite 3 friends, get membership benefits", "no_cost"),
])
def test_risk_plan_fails(plan, code):
    f = by_rule(q.check_key_result(kr(risk_plan=plan)))["kr.risk_plan"]
    assert f.severity == FAIL and f.message == f"quality.kr.risk_plan.{code}" and f.field == "risk_plan"


# Plans from the demo company: a trigger, a concrete action (a verb the old list did not know,
# or a number of its own) and a cost — in both languages.
CONCRETE_PLANS = [
    "If fewer than 200 top KOLs sign, sign 1,000 mid-tier creators instead, cost ¥8 M",
    "If the first 7 days average below 1 M a day, add splash-screen ads, extra cost ¥2 M",
    "If conversion is below 6 % at the end of Q2, roll back the new checkout and A/B test it, cost ¥0.5 M",
    "If latency exceeds the limit, fall back to 720p and add edge nodes, cost ¥3 M",
    "If payment integration slips, bridge with cash on delivery, cost ¥5 M",
    "If dwell time drops, fall back to a 20 % weight, cost 2 person-weeks",
    "若延迟超标，降级为 720p 并扩容边缘节点，成本 ¥300 万",
    "若头部签约不足 200 位，改签 1,000 位腰部达人，成本 ¥800 万",
    "若前 7 天日均低于 100 万，加投开屏广告，追加成本 ¥200 万",
    "若转化率 Q2 末低于 6%，回滚新结算页并做 A/B 测试，成本 ¥50 万",
    "若支付接入延期，先用货到付款过渡，成本 ¥500 万",
    "若停留时长下降，回退到 20% 权重，成本为 2 人周",
    # other shapes: "then" / 则, a trailing 时, no commas, no trigger, a verb no list knows
    "if conversion misses then switch to referrals, budget $70k",
    "若转化不达标则切换为老带新，预算 ¥20 万",
    "延迟超标时，启用备用 CDN，成本 ¥100 万",
    "当延迟超过 200 ms 时，关闭美颜滤镜，成本 ¥10 万",
    "若延迟超标降级为720p成本¥300万",
    "Switch to referrals, budget $70k",
    "Should CAC exceed ¥200, move 30 % of the ad budget to referrals, cost ¥1 M",
    "若客诉激增，新增 2 名客服，成本 ¥10 万",
    "若X，追加投放 ¥200 万",
    "预算削减 20%，成本 0 元",
    "Cut the budget by 20 %, cost $0",
]


@pytest.mark.parametrize("plan", CONCRETE_PLANS)
def test_risk_plan_concrete_measures_pass(plan):
    f = by_rule(q.check_key_result(kr(risk_plan=plan)))["kr.risk_plan"]
    assert f.severity == PASS, f.message


@pytest.mark.parametrize("plan, code", [
    ("做好应对", "slogan"),
    ("we will respond quickly", "slogan"),
    ("优化运营", "slogan"),
    ("improve service", "slogan"),
    ("积极应对市场变化", "slogan"),
    ("switch to referral", "no_cost"),
    # a threshold in the trigger is no cost figure
    ("If CAC exceeds ¥200, switch to referrals", "no_cost"),
    ("若获客成本超过 ¥200，切换为老带新", "no_cost"),
    ("If CAC exceeds ¥200", "slogan"),
    # a trigger and a cost do not turn a slogan into a measure
    ("若销量下滑，加强营销，成本 ¥100 万", "no_measure"),
    ("If sales drop, strengthen marketing, cost $1M", "no_measure"),
    ("If sales drop, we will respond quickly, cost $10k", "no_measure"),
    ("若销量下滑，做好应对，追加成本 ¥200 万", "no_measure"),      # 追加 in the cost is no measure
    ("加强营销投入 ¥200 万", "no_measure"),                        # the money is no measure's number
    ("加强营销，预计转化率回升 20%，成本 ¥10 万", "no_measure"),    # an expected result is no measure
    ("If sales drop, strengthen marketing, expect conversion back to 8 %, cost $1M", "no_measure"),
    ("优化投放，成本 ¥100 万", "no_measure"),                      # a vague verb governs the measure
    ("strengthen hiring, cost $1M", "no_measure"),
])
def test_risk_plan_slogans_still_fail(plan, code):
    f = by_rule(q.check_key_result(kr(risk_plan=plan)))["kr.risk_plan"]
    assert f.severity == FAIL and f.message == f"quality.kr.risk_plan.{code}"


def test_risk_plan_passes_and_empty_warns():
    assert by_rule(q.check_key_result(kr()))["kr.risk_plan"].severity == PASS
    en = "If CAC runs 20 % over budget, switch to referrals: invite 3 friends, budget $70k"
    assert by_rule(q.check_key_result(kr(risk_plan=en)))["kr.risk_plan"].severity == PASS
    assert by_rule(q.check_key_result(kr(risk_plan="")))["kr.risk_plan"].severity == WARN


def test_spreadsheet_values_are_tolerated():
    r = by_rule(q.check_key_result(kr(baseline="7.8", target="９", deadline="2026-12-31"), 2026))
    assert not fails(r.values())
    r = by_rule(q.check_key_result(kr(baseline=float("nan"))))
    assert r["kr.complete"].severity == FAIL


# ---------------------------------------------------------------- objectives
def test_objective_deliverable():
    o = by_rule(q.check_objective({"id": 1, "title": "上线新 App"}, [{}, {}, {}]))
    assert o["obj.outcome"].severity == FAIL and o["obj.outcome"].params["verb"] == "上线"
    assert o["obj.outcome"].field == "title"
    o = by_rule(q.check_objective({"id": 1, "title": "上线新 App，让东南亚用户留存翻倍"}, [{}, {}]))
    assert o["obj.outcome"].severity == PASS
    assert by_rule(q.check_objective({"title": "Launch the new app"}, [{}, {}]))["obj.outcome"].severity == FAIL
    ok = q.check_objective({"title": "Launch the new app so that SEA retention doubles"}, [{}, {}])
    assert by_rule(ok)["obj.outcome"].severity == PASS
    assert by_rule(q.check_objective({"title": "Q3 搭建会员体系"}, []))["obj.outcome"].severity == FAIL


def test_objective_direction_not_number():
    o = by_rule(q.check_objective({"id": 1, "title": "月活跃用户达到 15 亿"}, [{}, {}, {}]))
    assert o["obj.direction"].severity == WARN and o["obj.direction"].params["number"] == "15 亿"
    assert "15 亿" in o["obj.direction"].text("en")
    assert by_rule(q.check_objective({"title": "月活跃用户达到十五亿"}, []))["obj.direction"].severity == WARN
    assert by_rule(q.check_objective({"title": "增长"}, []))["obj.direction"].message.endswith("too_short")
    assert by_rule(q.check_objective({"title": "Grow"}, []))["obj.direction"].message.endswith("too_short")
    assert by_rule(q.check_objective({"title": "很" * 41}, []))["obj.direction"].message.endswith("too_long")
    assert by_rule(q.check_objective({"title": "go " * 21}, []))["obj.direction"].message.endswith("too_long")
    assert by_rule(q.check_objective({"title": None}, []))["obj.direction"].message.endswith("empty")
    good = q.check_objective({"title": "让东南亚用户每天都离不开我们"}, [{}, {}, {}])
    assert all(f.severity == PASS for f in good)


def test_objective_vague_verb_only_warns():
    o = by_rule(q.check_objective({"title": "提升用户体验"}, [{}, {}]))
    assert o["obj.vague_verb"].severity == WARN
    o = by_rule(q.check_objective({"title": "优化推荐，让东南亚用户找到想看的内容"}, [{}, {}]))
    assert o["obj.vague_verb"].severity == PASS
    assert by_rule(q.check_objective({"title": "Improve customer service"}, []))["obj.vague_verb"].severity == WARN


@pytest.mark.parametrize("n, sev, code", [(0, FAIL, "none"), (1, WARN, "one"), (3, PASS, "ok"),
                                          (5, PASS, "ok"), (6, FAIL, "too_many")])
def test_kr_count(n, sev, code):
    f = by_rule(q.check_objective({"id": 3, "title": "让东南亚用户离不开我们"}, [{"id": i} for i in range(n)]))["obj.kr_count"]
    assert f.severity == sev and f.message == f"quality.obj.kr_count.{code}" and f.params["count"] == n


# ---------------------------------------------------------------- alignment
def O(id, level, aligns_to=None, team=None, title="让用户离不开我们"):
    return {"id": id, "level": level, "aligns_to": aligns_to, "team": team, "title": title}


def K(id, objective_id):
    return {"id": id, "objective_id": objective_id}


def align(objs, krs):
    fs = q.check_alignment(objs, krs)
    for f in fs:
        rendered(f)
    return {(f.rule, f.entity_id): f for f in fs}


def test_alignment_orphan_and_two_parents():
    objs = [O(1, "company"), O(2, "department"), O(3, "department", [11, 12]), O(4, "department", "11, 12")]
    a = align(objs, [K(11, 1), K(12, 1)])
    assert a[("align.parent", 2)].message == "quality.align.parent.orphan"
    assert a[("align.parent", 2)].severity == FAIL and a[("align.parent", 2)].field == "aligns_to"
    for oid in (3, 4):
        assert a[("align.parent", oid)].message == "quality.align.parent.two_parents"
        assert a[("align.parent", oid)].params["count"] == 2
    assert a[("align.parent", 1)].severity == PASS
    assert a[("align.anchor", None)].severity == PASS


def test_alignment_single_id_list_and_string_ids():
    a = align([O(1, "company"), O(2, "department", ["11"])], [K(11, 1)])
    assert a[("align.parent", 2)].severity == PASS and a[("align.level", 2)].severity == PASS


def test_alignment_skip_level_warns():
    a = align([O(1, "company"), O(2, "department", 11), O(3, "employee", 11)], [K(11, 1), K(21, 2)])
    assert a[("align.level", 3)].severity == WARN and a[("align.level", 3)].message.endswith("skip")
    assert a[("align.parent", 3)].severity == PASS
    assert a[("align.level", 2)].severity == PASS


def test_alignment_bad_links():
    objs = [O(1, "company"), O(2, "department", 99), O(3, "department", 31), O(4, "employee", 11)]
    a = align(objs, [K(11, 1), K(31, 3), K(41, 4)])
    assert a[("align.parent", 2)].message.endswith("missing_kr") and a[("align.parent", 2)].params["ref"] == "99"
    assert a[("align.parent", 3)].message.endswith("own_kr")


def test_alignment_cycle():
    objs = [O(1, "company"), O(2, "department", 31), O(3, "department", 21), O(4, "employee", 21)]
    a = align(objs, [K(11, 1), K(21, 2), K(31, 3)])
    assert a[("align.parent", 2)].message.endswith("cycle") and a[("align.parent", 2)].severity == FAIL
    assert a[("align.parent", 3)].message.endswith("cycle")
    assert a[("align.parent", 1)].severity == PASS


def test_alignment_no_company_objective():
    a = align([O(2, "department", 21), O(3, "department")], [K(21, 3)])
    f = a[("align.anchor", None)]
    assert f.severity == FAIL and f.entity == "workspace" and f.entity_id is None
    assert f.message == "quality.align.anchor.no_company"
    assert q.check_alignment([], []) == []


def test_alignment_upside_down():
    a = align([O(1, "company"), O(2, "department", 41), O(4, "employee", 11)],
              [K(11, 1), K(21, 2), K(41, 4)])
    assert a[("align.level", 2)].severity == FAIL and a[("align.level", 2)].message.endswith("upside_down")
    assert a[("align.level", 4)].severity == WARN


def test_alignment_cycle_through_the_company():
    a = align([O(1, "company", 21), O(2, "department", 41), O(4, "employee", 11)],
              [K(11, 1), K(21, 2), K(41, 4)])
    assert {oid for (rule, oid), f in a.items() if f.message.endswith("cycle")} == {1, 2, 4}


def test_company_objective_supporting_a_kr_warns():
    a = align([O(1, "company"), O(5, "company", 11)], [K(11, 1)])
    assert a[("align.parent", 5)].severity == WARN


CASCADE_OBJ = [
    dict(id=1, level="company", title="月活跃用户达到 15 亿", team="公司", owner="CEO", aligns_to=None),
    dict(id=2, level="department", title="印尼、泰国、越南新增 4 亿用户", team="本地化运营", aligns_to=11),
    dict(id=3, level="department", title="直播电商功能月活 3 亿", team="产品技术", aligns_to=12),
    dict(id=4, level="employee", title="让东南亚用户看到更精准的推荐", team="产品技术", aligns_to=[22]),
]
CASCADE_KR = [
    dict(id=11, objective_id=1, statement="东南亚及中东新增 6 亿用户", owner="本地化运营"),
    dict(id=12, objective_id=1, statement="直播电商渗透率 20%", owner="产品技术"),
    dict(id=13, objective_id=1, statement="品牌营销 ROI ≥ 1:5", owner="市场部",
         risk_plan="若某国买量成本超预算，切换为老带新：邀请 3 位好友送会员权益"),
    dict(id=21, objective_id=2, statement="与 300+ 头部 KOL 达成独家合作"),
    dict(id=22, objective_id=2, statement="斋月活动日均新增 150 万用户"),
    dict(id=31, objective_id=3, statement="一键购买转化率 5% → 8%", baseline=5, target=8, direction="up"),
    dict(id=32, objective_id=3, statement="支持 500+ 主播同时在线，延迟 < 200 ms"),
    dict(id=41, objective_id=4, statement="本地文化内容权重 10% → 30%"),
    dict(id=42, objective_id=4, statement="用户停留时长周环比 +10%"),
]


def test_spec_cascade_has_no_alignment_fail():
    fs = q.check_alignment(CASCADE_OBJ, CASCADE_KR)
    assert not fails(fs), [f.message for f in fails(fs)]
    assert {f.entity_id for f in fs if f.rule == "align.level" and f.severity == PASS} == {2, 3, 4}
    everything = q.check_all(CASCADE_OBJ, CASCADE_KR, plan_year=2026)
    assert not [f for f in fails(everything) if f.rule.startswith("align.")]
    assert not [f for f in everything if f.rule == "kr.measurable" and f.severity == FAIL]
    assert not [f for f in everything if f.rule == "obj.kr_count" and f.severity != PASS]
    company = [f for f in everything if f.entity_id == 1 and f.rule == "obj.direction"]
    assert company[0].severity == WARN          # digits in an objective warn
    for f in everything:
        rendered(f)
    kr13 = {f.rule: f for f in everything if f.entity == "key_result" and f.entity_id == 13}
    assert kr13["kr.risk_plan"].message == "quality.kr.risk_plan.no_cost"


def test_check_all_covers_every_entity_once_per_rule():
    fs = q.check_all(CASCADE_OBJ, CASCADE_KR)
    keys = [(f.rule, f.entity, f.entity_id) for f in fs]
    assert len(keys) == len(set(keys))
    assert {f.rule for f in fs} == set(q.RULES)


def _demo_findings(tmp_path, lang: str) -> tuple[list[Finding], list[dict], list[dict]]:
    from strategy_core import demo
    from strategy_core.plan import okr
    from strategy_core.store import Store
    store = Store(tmp_path / f"demo_{lang}.duckdb")
    try:
        wid = demo.load(store, lang, 2026, today=TODAY)
        objs, krs = okr.list_objectives(store, wid), okr.list_key_results(store, wid)
    finally:
        store.close()
    return q.check_all(objs, krs, 2026), objs, krs


def test_demo_company_gets_the_same_findings_in_zh_and_en(tmp_path):
    """The same cascade, typed in Chinese or in English, gets the same verdicts."""
    zh, zh_objs, zh_krs = _demo_findings(tmp_path, "zh")
    en, en_objs, en_krs = _demo_findings(tmp_path, "en")
    assert len(zh_objs) == len(en_objs) and len(zh_krs) == len(en_krs)

    def positions(findings, objs, krs):
        pos = {("objective", o["id"]): i for i, o in enumerate(objs)}
        pos |= {("key_result", k["id"]): i for i, k in enumerate(krs)}
        return [(f.entity, pos.get((f.entity, f.entity_id)), f.rule, f.severity, f.message)
                for f in findings]
    zh_pos, en_pos = positions(zh, zh_objs, zh_krs), positions(en, en_objs, en_krs)
    assert [(r, s) for *_, r, s, _ in zh_pos] == [(r, s) for *_, r, s, _ in en_pos]
    assert zh_pos == en_pos
    # the demo is the worked example: nothing in it fails
    for lang, findings in (("zh", zh), ("en", en)):
        assert not fails(findings), [(lang, f.rule, f.message, f.entity_id) for f in fails(findings)]
        for f in findings:
            rendered(f)


# ---------------------------------------------------------------- strength
def F(entity, eid, sev):
    return Finding(rule="x", severity=sev, entity=entity, entity_id=eid, message="quality.kr.complete.ok")


def test_strength_by_hand_computed():
    objs = [{"id": 1, "team": "A"}, {"id": 2, "team": "A"}, {"id": 3, "team": "B"}, {"id": 4, "team": None}]
    krs = [{"id": 10, "objective_id": 1}, {"id": 30, "objective_id": 3}]
    fs = [F("objective", 1, PASS), F("objective", 1, WARN), F("key_result", 10, FAIL),
          F("key_result", 10, PASS), F("objective", 2, PASS), F("workspace", None, FAIL)]
    s = q.strength_by(fs, objs, krs)
    assert s["objective"][1] == pytest.approx(2.5 / 4)
    assert s["objective"][2] == pytest.approx(1.0)
    assert s["objective"][3] is None and s["objective"][4] is None
    assert s["team"] == {"A": pytest.approx(3.5 / 5), "B": None}
    assert s["company"] == pytest.approx(3.5 / 6)
    assert q.strength_by([], [], []) == {"objective": {}, "team": {}, "company": None}


def test_strength_improves_as_the_draft_improves():
    objs = [{"id": 1, "level": "company", "title": "提升用户体验", "team": "产品"}]
    weak = [{"id": 10, "objective_id": 1, "statement": "提升用户体验"}]
    before = q.strength_by(q.check_all(objs, weak, 2026), objs, weak)
    strong_obj = [dict(objs[0], title="让用户愿意每天回来")]
    strong = [dict(GOOD_KR, id=10, objective_id=1), dict(GOOD_KR, id=11, objective_id=1)]
    after = q.strength_by(q.check_all(strong_obj, strong, 2026), strong_obj, strong)
    assert after["objective"][1] > before["objective"][1]
    assert after["team"]["产品"] == after["objective"][1] and after["company"] == 1.0


# ---------------------------------------------------------------- robustness
def test_long_noisy_input_returns():
    chunk = "提升用户体验 <div onclick='x'>&amp;</div>\x00\x07\u200b😀🚀 拜访 2026 Q4 ９％ 三百万 "
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    assert len(text) == 100_000
    assert q.check_statement(text)
    assert q.check_statement(text, "objective")
    fs = q.check_key_result({k: text for k in GOOD_KR} | {"id": 1}, plan_year=2026)
    assert len(fs) == 8
    assert by_rule(q.check_objective({"title": text}, []))["obj.direction"].severity == WARN
    for adversarial in ("1," * 50_000, "2026" + " " * 100_000, "三" * 100_000, "预算" + "a" * 100_000):
        assert q.check_statement(adversarial)
        assert q.check_key_result({"statement": adversarial, "risk_plan": adversarial,
                                   "resources_money": adversarial})


def test_no_streamlit_import():
    for path in Path(q.__file__).parent.glob("*.py"):
        assert "streamlit" not in path.read_text(encoding="utf-8")
