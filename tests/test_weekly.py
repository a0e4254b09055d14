"""OKR weekly plans (SPEC §5): the core rules, the check-ins plan items record, the demo, and the page."""
import datetime as dt
import re
from pathlib import Path

import pytest

from strategy_core import demo
from strategy_core.plan import okr
from strategy_core.routines import weekly
from strategy_core.track import monitor, tracking
from strategy_core.errors import ValidationError
from strategy_core.i18n import LANGS, catalog
from strategy_core.routines.progress import DONE, IN_PROGRESS, NOT_STARTED
from strategy_core.store import Store
from tests.apptest import open_app, texts

ROOT = Path(__file__).resolve().parents[1]
MON = dt.date(2026, 3, 9)          # a Monday
TODAY = dt.date(2026, 3, 11)       # the Wednesday of that week


def keys_of(err: ValidationError) -> list[str]:
    return [e.key for e in err.errors]


def details(err: ValidationError) -> list[str]:
    """The nested problem of each row error ('weekly.error.in_item' carries it as 'detail')."""
    return [e.params["detail"].key if "detail" in e.params else e.key for e in err.errors]


@pytest.fixture
def team(store, ws):
    """Alice owns a % KR and a count KR; Bob owns one; the objective is the CEO's."""
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Customers love the product", "owner": "CEO"})
    conv = okr.add_key_result(store, oid, {"statement": "Conversion from 5 % to 8 % by Q3", "unit": "%",
                                           "baseline": 5, "target": 8, "deadline": "2026-09-30", "owner": "Alice"})
    kols = okr.add_key_result(store, oid, {"statement": "KOLs from 40 to 300 by Q4", "unit": "KOLs",
                                           "baseline": 40, "target": 300, "deadline": "2026-12-31", "owner": "Alice"})
    nps = okr.add_key_result(store, oid, {"statement": "NPS from 6 to 8 by Q4", "unit": "points",
                                          "baseline": 6, "target": 8, "deadline": "2026-12-31", "owner": "Bob"})
    return {"ws": ws, "conv": conv, "kols": kols, "nps": nps}


def live_check_ins(store, ws, kr_id=None):
    return [c for c in tracking.list_check_ins(store, ws) if kr_id is None or c["key_result_id"] == kr_id]


# -- weeks, people ---------------------------------------------------------------------------------

def test_weeks_start_on_monday_and_belong_to_the_year_they_touch():
    assert weekly.monday_of(dt.date(2026, 3, 15)) == MON and weekly.monday_of(MON) == MON
    assert weekly.in_year(dt.date(2025, 12, 29), 2026)          # holds 1–4 January 2026
    assert not weekly.in_year(dt.date(2025, 12, 22), 2026)
    assert weekly.in_year(dt.date(2026, 12, 28), 2026) and not weekly.in_year(dt.date(2027, 1, 4), 2026)


def test_people_are_objective_and_kr_owners_each_once(store, team):
    objectives, krs = okr.list_objectives(store, team["ws"]), okr.list_key_results(store, team["ws"])
    plans = [{"person": "  alice "}, {"person": "Dana"}]
    assert weekly.people(objectives, krs, plans) == ["CEO", "Alice", "Bob", "Dana"]
    assert weekly.kr_owners(krs) == ["Alice", "Bob"]


# -- creating plans: the bad inputs --------------------------------------------------------------------

def test_a_plan_belongs_to_the_monday_and_a_second_one_is_refused_naming_the_first(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", TODAY, {"confidence": 7, "help_needed": "Two designers"}, today=TODAY)
    plan = weekly.get_plan(store, pid)
    assert plan["week_start"] == MON and plan["confidence"] == 7 and plan["items"] == []
    with pytest.raises(ValidationError) as e:
        weekly.create_plan(store, team["ws"], "  ALICE ", dt.date(2026, 3, 13), today=TODAY)
    err = e.value.errors[0]
    assert (err.field, err.key) == ("week_start", "weekly.error.duplicate")
    assert "Alice" in err.text("en") and "2026-03-09" in err.text("en") and "edit it instead" in err.text("en")
    assert "请直接修改" in err.text("zh")
    assert len(weekly.list_plans(store, team["ws"])) == 1
    # another person, or the next week, is fine
    weekly.create_plan(store, team["ws"], "Bob", TODAY, today=TODAY)
    weekly.create_plan(store, team["ws"], "Alice", MON + dt.timedelta(days=7), today=TODAY)
    assert len(weekly.list_plans(store, team["ws"], person="alice")) == 2


def test_a_name_typed_in_full_width_letters_is_the_same_person(store, team):
    """An input method left in full-width mode types ＡＬＩＣＥ: still Alice — her KRs, her plan."""
    weekly.create_plan(store, team["ws"], "Alice", TODAY, today=TODAY)
    with pytest.raises(ValidationError) as e:
        weekly.create_plan(store, team["ws"], "ＡＬＩＣＥ", TODAY, today=TODAY)
    assert e.value.errors[0].key == "weekly.error.duplicate"
    krs = okr.list_key_results(store, team["ws"])
    assert {k["id"] for k in weekly.owned_krs(krs, "Ａｌｉｃｅ")} == {team["conv"], team["kols"]}


@pytest.mark.parametrize("day,ok", [("2025-12-21", False), ("2027-01-05", False), ("2025-12-31", True),
                                    ("2026/12/31", True)])
def test_a_week_outside_the_plan_year_is_refused(store, team, day, ok):
    if ok:
        pid = weekly.create_plan(store, team["ws"], "Alice", day, today=TODAY)
        assert weekly.in_year(store.row("weekly_plan", pid)["week_start"], 2026)
        return
    with pytest.raises(ValidationError) as e:
        weekly.create_plan(store, team["ws"], "Alice", day, today=TODAY)
    assert [(x.field, x.key) for x in e.value.errors] == [("week_start", "weekly.error.week_outside_year")]
    assert "outside the plan year 2026" in e.value.errors[0].text("en")
    assert weekly.list_plans(store, team["ws"]) == []


def test_plan_fields_are_checked(store, team):
    with pytest.raises(ValidationError) as e:
        weekly.create_plan(store, team["ws"], "", "not a date", {"confidence": 11}, today=TODAY)
    assert {x.field for x in e.value.errors} == {"person", "week_start", "confidence"}
    with pytest.raises(ValidationError) as e:
        weekly.create_plan(store, team["ws"], "Alice", MON, {"confidence": 6.5}, today=TODAY)
    assert keys_of(e.value) == ["error.not_whole"]


# -- plan items and their check-ins: one source of truth ---------------------------------------------------

def test_an_item_with_a_kr_value_records_a_check_in_seen_by_tracking_and_the_board(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, {"confidence": 6}, today=TODAY)
    weekly.set_items(store, pid, [{"text": "A/B test the buy button", "key_result_id": team["conv"], "kr_value": "6.5"},
                                  {"text": "Write the KOL brief", "key_result_id": team["kols"], "done": True},
                                  {"text": "", "key_result_id": None, "kr_value": None}],   # a blank row is skipped
                     today=TODAY)
    plan = weekly.get_plan(store, pid)
    assert [(i["text"], i["kr_value"], i["done"]) for i in plan["items"]] == [
        ("A/B test the buy button", 6.5, False), ("Write the KOL brief", None, True)]
    cis = live_check_ins(store, team["ws"])
    assert len(cis) == 1
    ci = cis[0]
    assert plan["items"][0]["check_in_id"] == ci["id"] and plan["items"][1]["check_in_id"] is None
    assert (ci["key_result_id"], ci["date"], ci["value"], ci["confidence"], ci["note"]) == (
        team["conv"], TODAY, 6.5, 6, "A/B test the buy button")
    board = monitor.board(monitor.snapshot(store, team["ws"]), TODAY)
    assert board.krs[team["conv"]].current == 6.5 and board.krs[team["conv"]].last_date == TODAY
    # a past week's value is dated the week's Sunday
    old = weekly.create_plan(store, team["ws"], "Bob", MON - dt.timedelta(days=7), today=TODAY)
    weekly.set_items(store, old, [{"text": "Survey 50 customers", "key_result_id": team["nps"], "kr_value": 6.4}],
                     today=TODAY)
    assert live_check_ins(store, team["ws"], team["nps"])[0]["date"] == MON - dt.timedelta(days=1)


def test_editing_the_value_edits_that_check_in_and_removing_it_trashes_it(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, today=TODAY)
    weekly.set_items(store, pid, [{"text": "Sign KOLs", "key_result_id": team["kols"], "kr_value": 60}], today=TODAY)
    item = weekly.get_plan(store, pid)["items"][0]
    first_ci = item["check_in_id"]
    weekly.set_items(store, pid, [{"id": item["id"], "text": "Sign KOLs in Jakarta", "key_result_id": team["kols"],
                                   "kr_value": 75, "done": True}], today=TODAY)
    cis = live_check_ins(store, team["ws"])
    assert [(c["id"], c["value"], c["note"]) for c in cis] == [(first_ci, 75, "Sign KOLs in Jakarta")]
    assert weekly.get_plan(store, pid)["items"][0]["id"] == item["id"]          # the same item, changed
    # moving the value to another KR moves the check-in
    weekly.set_items(store, pid, [{"id": item["id"], "text": "Sign KOLs", "key_result_id": team["conv"],
                                   "kr_value": 5.5}], today=TODAY)
    cis = live_check_ins(store, team["ws"])
    assert [(c["key_result_id"], c["value"]) for c in cis] == [(team["conv"], 5.5)] and cis[0]["id"] != first_ci
    # clearing the value trashes the check-in; deleting the item trashes item and check-in
    weekly.set_items(store, pid, [{"id": item["id"], "text": "Sign KOLs", "key_result_id": team["conv"]}],
                     today=TODAY)
    assert live_check_ins(store, team["ws"]) == []
    weekly.set_items(store, pid, [{"id": item["id"], "text": "Sign KOLs", "key_result_id": team["conv"],
                                   "kr_value": 5.9}], today=TODAY)
    ci_id = weekly.get_plan(store, pid)["items"][0]["check_in_id"]
    weekly.set_items(store, pid, [], today=TODAY)
    assert weekly.get_plan(store, pid)["items"] == [] and live_check_ins(store, team["ws"]) == []
    assert ci_id in {c["id"] for c in store.rows("check_in", team["ws"], deleted=True)}
    # undo brings item and check-in back together
    store.undo(team["ws"])
    plan = weekly.get_plan(store, pid)
    assert [(i["text"], i["kr_value"], i["check_in_id"]) for i in plan["items"]] == [("Sign KOLs", 5.9, ci_id)]
    assert [c["id"] for c in live_check_ins(store, team["ws"])] == [ci_id]


def test_a_check_in_deleted_on_the_check_ins_page_shows_through(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, today=TODAY)
    weekly.set_items(store, pid, [{"text": "Sign KOLs", "key_result_id": team["kols"], "kr_value": 60}], today=TODAY)
    item = weekly.get_plan(store, pid)["items"][0]
    tracking.delete_entry(store, "check_in", item["check_in_id"])
    shown = weekly.get_plan(store, pid)["items"][0]
    assert shown["kr_value"] is None and shown["check_in_id"] is None
    weekly.set_items(store, pid, [{"id": item["id"], "text": "Sign KOLs", "key_result_id": team["kols"],
                                   "kr_value": 64}], today=TODAY)
    cis = live_check_ins(store, team["ws"])
    assert [c["value"] for c in cis] == [64] and cis[0]["id"] != item["check_in_id"]


def test_bad_items_are_named_by_row_and_nothing_is_saved(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, today=TODAY)
    with pytest.raises(ValidationError) as e:
        weekly.set_items(store, pid, [
            {"text": "Fine", "key_result_id": team["conv"], "kr_value": 7},
            {"text": "Too good", "key_result_id": team["conv"], "kr_value": 140},      # a share over 100 %
            {"text": "Negative", "key_result_id": team["kols"], "kr_value": -3},        # a negative count
            {"text": "Value but no KR", "kr_value": 3},
            {"text": "", "key_result_id": team["kols"]},
            {"text": "Ghost KR", "key_result_id": 999999},
        ], today=TODAY)
    assert details(e.value) == ["tracking.error.percent_range", "tracking.error.negative_count",
                                "weekly.error.value_needs_kr", "error.required", "weekly.error.kr_unknown"]
    assert {x.field for x in e.value.errors} == {"items"}
    assert [x.params["row"] for x in e.value.errors] == [2, 3, 4, 5, 6]
    assert e.value.errors[0].text("en").startswith("Item 2, KR value (check-in): A rate in %")
    assert e.value.errors[0].text("zh").startswith("第 2 项")
    assert weekly.get_plan(store, pid)["items"] == [] and live_check_ins(store, team["ws"]) == []


def test_a_kr_value_for_a_week_that_has_not_begun_is_refused(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON + dt.timedelta(days=7), today=TODAY)
    with pytest.raises(ValidationError) as e:
        weekly.set_items(store, pid, [{"text": "Sign KOLs", "key_result_id": team["kols"], "kr_value": 60}],
                         today=TODAY)
    assert details(e.value) == ["weekly.error.value_future_week"]
    weekly.set_items(store, pid, [{"text": "Sign KOLs", "key_result_id": team["kols"]}], today=TODAY)  # a plan is fine
    assert len(weekly.get_plan(store, pid)["items"]) == 1


def test_confidence_goes_to_the_recorded_check_ins(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, {"confidence": 5}, today=TODAY)
    weekly.set_items(store, pid, [{"text": "Sign KOLs", "key_result_id": team["kols"], "kr_value": 60}], today=TODAY)
    weekly.update_plan(store, pid, {"confidence": 8, "help_needed": "Budget for travel", "last_week_result": "ok"})
    plan = weekly.get_plan(store, pid)
    assert (plan["confidence"], plan["help_needed"], plan["person"], plan["week_start"]) == (8, "Budget for travel",
                                                                                             "Alice", MON)
    assert live_check_ins(store, team["ws"])[0]["confidence"] == 8
    with pytest.raises(ValidationError) as e:
        weekly.update_plan(store, pid, {"confidence": 12})
    assert [x.field for x in e.value.errors] == ["confidence"]


def test_delete_plan_trashes_items_and_their_check_ins_and_undo_restores(store, team):
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, today=TODAY)
    weekly.set_items(store, pid, [{"text": "Sign KOLs", "key_result_id": team["kols"], "kr_value": 60}], today=TODAY)
    weekly.delete_plan(store, pid)
    assert weekly.list_plans(store, team["ws"]) == [] and live_check_ins(store, team["ws"]) == []
    store.undo(team["ws"])
    assert len(weekly.get_plan(store, pid)["items"]) == 1 and len(live_check_ins(store, team["ws"])) == 1


# -- copy forward, prefill, missing plans, progress -------------------------------------------------------------

def test_copy_last_weeks_open_items_forward(store, team):
    last = weekly.create_plan(store, team["ws"], "Alice", MON - dt.timedelta(days=7), today=TODAY)
    weekly.set_items(store, last, [{"text": "Done thing", "done": True},
                                   {"text": "Open thing", "key_result_id": team["kols"], "kr_value": 50},
                                   {"text": "Second open thing"}], today=TODAY)
    pid = weekly.create_plan(store, team["ws"], "Alice", MON, today=TODAY)
    with pytest.raises(ValidationError) as e:
        weekly.carry_forward(store, last)
    assert keys_of(e.value) == ["weekly.error.no_previous_plan"]
    weekly.set_items(store, pid, [{"text": "second OPEN thing"}], today=TODAY)
    count, week = weekly.carry_forward(store, pid)
    assert (count, week) == (1, MON - dt.timedelta(days=7))
    items = weekly.get_plan(store, pid)["items"]
    assert [(i["text"], i["key_result_id"], i["kr_value"], i["done"]) for i in items] == [
        ("second OPEN thing", None, None, False), ("Open thing", team["kols"], None, False)]
    assert weekly.carry_forward(store, pid)[0] == 0          # pressing twice copies nothing twice
    assert len(live_check_ins(store, team["ws"])) == 1        # values are not copied


def test_prefill_gives_last_weeks_result_of_the_owned_krs(store, team):
    tracking.add_check_in(store, team["kols"], {"date": "2026-03-02", "value": 70})
    tracking.add_check_in(store, team["kols"], {"date": "2026-03-06", "value": 80})
    tracking.add_check_in(store, team["kols"], {"date": "2026-03-10", "value": 95})   # this week: not last week's
    rows = weekly.prefill(store, team["ws"], "alice", TODAY)
    assert [r["key_result_id"] for r in rows] == [team["conv"], team["kols"]]
    kols = rows[1]
    assert (kols["last_value"], kols["last_date"]) == (80, dt.date(2026, 3, 6))
    assert kols["progress"] == pytest.approx((80 - 40) / 260)
    assert kols["status"] in ("on_track", "at_risk", "off_track")
    assert rows[0]["last_value"] is None and rows[0]["status"] == "no_data"
    assert weekly.prefill(store, team["ws"], "Nobody", TODAY) == []
    # a KR whose deadline passed before last week began is closed: left out
    assert [r["key_result_id"] for r in weekly.prefill(store, team["ws"], "Alice", dt.date(2026, 10, 7))] == [
        team["conv"], team["kols"]]
    assert [r["key_result_id"] for r in weekly.prefill(store, team["ws"], "Alice", dt.date(2026, 10, 14))] == [
        team["kols"]]


def test_missing_plans_and_the_progress_part(store, team):
    krs = okr.list_key_results(store, team["ws"])
    assert weekly.progress_part(krs, [], TODAY).status == NOT_STARTED
    assert weekly.missing_plans(store, team["ws"], TODAY) == ["Alice", "Bob"]
    weekly.create_plan(store, team["ws"], "Alice", MON, today=TODAY)
    weekly.create_plan(store, team["ws"], "CEO", MON, today=TODAY)         # owns no KR: not counted as missing or filed
    assert weekly.missing_plans(store, team["ws"], TODAY) == ["Bob"]
    part = weekly.progress_part(krs, weekly.list_plans(store, team["ws"]), TODAY)
    assert (part.key, part.status, part.page) == ("weekly", IN_PROGRESS, "weekly")
    assert part.filled == {"weekly_plan": 2, "kr_owner": 2} and part.missing == ["progress.missing.weekly_plans"]
    weekly.create_plan(store, team["ws"], "bob", TODAY, today=TODAY)
    part = weekly.progress_part(krs, weekly.list_plans(store, team["ws"]), TODAY)
    assert part.status == DONE and part.missing == []
    # next week nobody has filed yet
    assert weekly.progress_part(krs, weekly.list_plans(store, team["ws"]), TODAY + dt.timedelta(days=7)).status \
        == IN_PROGRESS
    for lang in LANGS:
        for key in ["part.weekly", *("count." + k for k in part.filled), "progress.missing.weekly_plans",
                    "progress.missing.weekly_owners"]:
            assert key in catalog(lang)


# -- the demo -----------------------------------------------------------------------------------------------

AS_OF = dt.date(2026, 9, 30)


def load_demo(store: Store, lang: str = "zh") -> int:
    """The demo company as of 30 September (demo.load adds the weekly plans and daily reports through
    demo_weekly.add_demo)."""
    return demo.load(store, lang, 2026, today=AS_OF)


def test_demo_weekly_plans(store):
    wid = load_demo(store, "en")
    plans = weekly.list_plans(store, wid)
    weeks = sorted({p["week_start"] for p in plans})
    assert weeks == [dt.date(2026, 9, 14), dt.date(2026, 9, 21), dt.date(2026, 9, 28)]
    assert len({p["person"] for p in plans}) == 3 and len(plans) == 9
    assert weekly.missing_plans(store, wid, AS_OF) == ["Marketing"]
    check_ins = {c["id"]: c for c in tracking.list_check_ins(store, wid)}
    full = [weekly.get_plan(store, p["id"]) for p in plans]
    linked = [(p, i) for p in full for i in p["items"] if i["check_in_id"]]
    # items link the demo's own check-ins of that week (none added: still one check-in per KR and day)
    assert len(linked) >= 6
    for p, i in linked:
        ci = check_ins[i["check_in_id"]]
        assert (ci["key_result_id"], ci["value"], ci["note"]) == (i["key_result_id"], i["kr_value"], i["text"])
        assert p["week_start"] <= ci["date"] <= min(weekly.week_end(p["week_start"]), AS_OF)
    pairs = [(c["key_result_id"], c["date"]) for c in check_ins.values()]
    assert len(pairs) == len(set(pairs))
    items = [i for p in full for i in p["items"]]
    assert any(i["done"] for i in items) and any(not i["done"] for i in items)
    # an open item of a week comes back in the person's next week
    by = {(p["person"], p["week_start"]): p for p in full}
    carried = 0
    for (person, week), p in by.items():
        nxt = by.get((person, week + dt.timedelta(days=7)))
        if nxt:
            carried += sum(1 for i in p["items"] if not i["done"] and i["text"] in {j["text"] for j in nxt["items"]})
    assert carried >= 3
    assert any(p["help_needed"] for p in full) and all(p["confidence"] is not None for p in full)
    assert weekly.progress_part(store.rows("key_result", wid), plans, AS_OF).status == IN_PROGRESS


def test_demo_weekly_skips_weeks_outside_the_year(store):
    """Shown as of 6 January, only the week that holds it (its Monday is 5 January) gets plans."""
    wid = demo.load(store, "en", 2026, today=dt.date(2026, 1, 6))
    assert {p["week_start"] for p in weekly.list_plans(store, wid)} <= {dt.date(2026, 1, 5), dt.date(2025, 12, 29)}
    assert all(weekly.in_year(p["week_start"], 2026) for p in weekly.list_plans(store, wid))


# -- words -------------------------------------------------------------------------------------------------

def test_every_weekly_and_daily_key_used_exists_in_both_languages():
    files = [ROOT / "strategy_core/routines/weekly.py", ROOT / "strategy_core/routines/daily.py", ROOT / "pages/weekly.py",
             ROOT / "pages/daily.py", ROOT / "ui/weekly.py", ROOT / "ui/daily.py"]
    code = "\n".join(p.read_text("utf-8") for p in files)
    used = set(re.findall(r"[\"']((?:weekly|daily|field|action|part|count|progress|status)\.[a-z0-9_.]+[a-z0-9])[\"']",
                          code))
    used |= {f"daily.error.not_due_{f}" for f in ("daily", "weekly", "monthly", "quarterly")}
    used |= {f"daily.cell.{s}" for s in ("submitted", "draft", "missing", "today", "weekend", "future", "not_started")}
    used |= {f"field.{f}" for f in ("person", "week_start", "confidence", "help_needed", "last_week_result", "items",
                                    "item_text", "kr_value", "key_result_id", "day", "owner", "note", "readings")}
    for lang in LANGS:
        missing = sorted(k for k in used if k not in catalog(lang) and not k.endswith("."))
        assert missing == [], (lang, missing)
    actions = set(re.findall(r"transaction\([^,]+,\s*\"([a-z_.]+)\"", code))
    assert len(actions) == 10 and all("action." + a in catalog(lang) for a in actions for lang in LANGS)


# -- the page ------------------------------------------------------------------------------------------------

def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def shown(at) -> str:
    """What a user reads (markdown escapes removed)."""
    return texts(at).replace("\\", "")


def tables(at) -> str:
    """Every cell of the tables and data editors of the last run, as text."""
    return "\n".join(" | ".join(map(str, row)) for df in at.dataframe for row in df.value.itertuples(index=False))


def pick(at, person, day):
    at.selectbox(key="weekly_pick__person").set_value(person).run()
    at.date_input(key="weekly_pick__week_start").set_value(day).run()
    no_exceptions(at)
    return at


@pytest.mark.parametrize("lang,person,words", [
    ("en", "Localisation ops", ["Weekly plan · Localisation ops · week of 2026-09-28", "Sign 10 beauty KOLs in Thailand",
                                "have no plan for the week of 2026-09-28: Marketing", "last week's result"]),
    ("zh", "本地化运营部", ["周计划 · 本地化运营部 · 2026-09-28 这一周", "签下泰国 10 位美妆 KOL", "市场部", "上周结果"])])
def test_weekly_page_shows_the_demo_plan_in_both_languages(db_location, lang, person, words):
    s = Store(db_location)
    load_demo(s, lang)
    s.close()
    at = pick(open_app(db_location, lang=lang, page="weekly"), person, AS_OF)
    t = shown(at) + tables(at)
    for w in words:
        assert w in t, w


def small_team(db_location) -> tuple[int, int]:
    """A workspace where Alice owns one % KR (the page offers the owners of KRs and objectives)."""
    s = Store(db_location)
    from strategy_core.plan import workspace
    try:
        wid = workspace.create(s, {"name": "Acme", "year": 2026})
        oid = okr.add_objective(s, wid, {"level": "company", "title": "Customers love the product", "owner": "CEO"})
        kr = okr.add_key_result(s, oid, {"statement": "Conversion from 5 % to 8 % by Q3", "unit": "%", "baseline": 5,
                                         "target": 8, "deadline": "2026-09-30", "owner": "Alice"})
    finally:
        s.close()
    return wid, kr


def test_weekly_page_start_a_plan_and_record_a_kr_value(db_location):
    wid, kr = small_team(db_location)
    at = pick(open_app(db_location, lang="en", page="weekly"), "Alice", MON)
    assert "Alice has no plan for the week of 2026-03-09 yet." in shown(at)
    at.button(key="weekly_start").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        plan = weekly.list_plans(s, wid)[0]
    finally:
        s.close()
    editor = f"weekly_items_{plan['id']}__items"
    # a share over 100 % is refused under the table, nothing saved
    at.session_state[editor] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"text": "A/B test the buy button", "kr": "Conversion from 5 % to 8 % by Q3", "kr_value": 140, "done": False}]}
    at.button(key=f"weekly_items_save_{plan['id']}").click().run()
    no_exceptions(at)
    assert "Item 1, KR value (check-in): A rate in % must lie between 0 and 100." in shown(at)
    s = Store(db_location)
    try:
        assert weekly.get_plan(s, plan["id"])["items"] == [] and tracking.list_check_ins(s, wid) == []
    finally:
        s.close()
    at.session_state[editor] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"text": "A/B test the buy button", "kr": "Conversion from 5 % to 8 % by Q3", "kr_value": 6.5, "done": False}]}
    at.button(key=f"weekly_items_save_{plan['id']}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        cis = tracking.list_check_ins(s, wid)
        assert [(c["key_result_id"], c["value"], c["date"]) for c in cis] == [(kr, 6.5, MON + dt.timedelta(days=6))]
        assert weekly.get_plan(s, plan["id"])["items"][0]["check_in_id"] == cis[0]["id"]
    finally:
        s.close()


def test_weekly_page_refuses_a_week_outside_the_year_and_a_duplicate(db_location):
    wid, _kr = small_team(db_location)
    at = open_app(db_location, lang="zh", page="weekly")
    assert at.selectbox(key="weekly_pick__person").options == ["CEO", "Alice"]
    at.selectbox(key="weekly_pick__person").set_value("Alice").run()
    at.date_input(key="weekly_pick__week_start").set_value(dt.date(2025, 12, 15)).run()
    at.button(key="weekly_start").click().run()
    no_exceptions(at)
    assert "2025-12-15 这一周不在计划年度 2026 内。" in shown(at)
    at.date_input(key="weekly_pick__week_start").set_value(MON).run()
    s = Store(db_location)
    weekly.create_plan(s, wid, "Alice", MON, today=TODAY)          # someone else filed it meanwhile
    s.close()
    at.button(key="weekly_start").click().run()
    no_exceptions(at)
    assert "Alice 已有 2026-03-09 这一周的周计划，请直接修改那一份。" in shown(at)
    s = Store(db_location)
    try:
        assert len(weekly.list_plans(s, wid)) == 1
    finally:
        s.close()
