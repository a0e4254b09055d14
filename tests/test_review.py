"""Strategy review minutes and the annual iteration: preparing each kind of review from the data, saving a
minute in one transaction, the measured response at the next review, open and overdue, next year."""
import datetime as dt
import json
import shutil

import pytest

from strategy_core import charts, demo, quality
from strategy_core.plan import bsc, okr, workspace
from strategy_core.routines import review
from strategy_core.track import measure, monitor, tracking
from strategy_core.errors import ValidationError
from strategy_core.i18n import LANGS, catalog
from strategy_core.routines.progress import DONE, IN_PROGRESS, NOT_STARTED
from strategy_core.store import Store
from tests.apptest import open_app, texts

AS_OF = dt.date(2026, 9, 30)
SEP, AUG, OCT = dt.date(2026, 9, 30), dt.date(2026, 8, 31), dt.date(2026, 10, 31)


def demo_ctx(store: Store, wid: int) -> dict:
    """The ctx demo.load hands to add_demo, rebuilt from the stored demo."""
    spec = json.loads(demo.DEMO_FILE.read_text(encoding="utf-8"))
    keys = [k["key"] for o in spec["objectives"] for k in o["key_results"]]
    krs = store.rows("key_result", wid)
    inds = store.rows("indicator", wid)
    return {"kr": dict(zip(keys, [k["id"] for k in krs])),
            "indicator": {i["template"].split(".", 1)[1]: i["id"] for i in inds},
            "objective": {}, "krs": krs, "indicators": inds, "objectives": store.rows("objective", wid),
            "check_ins": store.rows("check_in", wid), "readings": store.rows("reading", wid),
            "annual_revenue": 100_000_000.0}


def load_demo(store: Store, lang: str = "en") -> tuple[int, dict]:
    """The demo as of 2026-09-30; demo.load calls demo_review.add_demo inside its transaction."""
    wid = demo.load(store, lang, 2026, today=AS_OF)
    return wid, demo_ctx(store, wid)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo in both languages (as of 2026-09-30, with their review minutes) built once; each test works
    on a copy of the file."""
    path = tmp_path_factory.mktemp("review_demo") / "demo.duckdb"
    s = Store(path)
    built = {lang: load_demo(s, lang) for lang in ("en", "zh")}
    s.close()
    return path, built


@pytest.fixture
def dstore(demo_file, tmp_path):
    src, built = demo_file
    dst = tmp_path / "demo.duckdb"
    shutil.copy(src, dst)
    s = Store(dst)
    yield (s, *built["en"])
    s.close()


def last_value(check_ins, kr_id, on):
    return [c for c in check_ins if c["key_result_id"] == kr_id and c["date"] <= on][-1]["value"]


# -- monthly OKR review -------------------------------------------------------------------------------------

def test_monthly_review_of_the_demo_ranks_marketing_roi_furthest_behind(dstore):
    s, wid, ctx = dstore
    rows = review.prepare_monthly(monitor.snapshot(s, wid), SEP)
    kr = ctx["kr"]
    assert rows[0].subject_id == kr["kr3"] and rows[1].subject_id == kr["kr_conv"]
    gaps = [r.gap for r in rows if r.gap is not None]
    assert gaps == sorted(gaps, reverse=True) and rows[0].gap == max(gaps)
    # kr3, ROI 3 → 5 over the calendar year: planned = the share of the year gone by 30 Sep
    top = rows[0]
    planned = measure.expected_pace(dt.date(2026, 1, 1), dt.date(2026, 12, 31), SEP)
    actual_value = last_value(s.rows("check_in", wid), kr["kr3"], SEP)
    assert top.planned == pytest.approx(planned) == pytest.approx(273 / 365)
    assert top.actual == pytest.approx((actual_value - 3) / 2)
    assert top.gap == pytest.approx(planned - (actual_value - 3) / 2)
    assert top.gap > 0.35 and top.status == "off_track" and top.deviates
    assert top.planned_value == pytest.approx(3 + 2 * planned) and top.actual_value == actual_value
    # one-click conversion ends on 30 Sep at 80 % of its pace: planned 100 %, at risk
    assert rows[1].planned == pytest.approx(1.0) and rows[1].status == "at_risk" and rows[1].deviates
    # KRs closed before September (Ramadan by April, content weight by Q2) are not in a September review
    ids = {r.subject_id for r in rows}
    assert kr["kr_ramadan"] not in ids and kr["kr_weight"] not in ids and kr["kr1"] in ids
    # the others run at their pace: they are not findings by default
    assert [r.subject_id for r in rows if r.deviates] == [kr["kr3"], kr["kr_conv"]]


def test_monthly_review_reads_check_ins_up_to_month_end_only(dstore):
    s, wid, ctx = dstore
    before = review.prepare_monthly(monitor.snapshot(s, wid), SEP)
    tracking.add_check_in(s, ctx["kr"]["kr3"], {"date": "2026-10-02", "value": 5})
    after = review.prepare_monthly(monitor.snapshot(s, wid), dt.date(2026, 9, 15))  # any day of the month
    assert [(r.subject_id, r.gap) for r in after] == [(r.subject_id, r.gap) for r in before]
    october = review.prepare_monthly(monitor.snapshot(s, wid), OCT)
    assert next(r for r in october if r.subject_id == ctx["kr"]["kr3"]).actual == pytest.approx(1.0)


# -- quarterly BSC analysis ------------------------------------------------------------------------------------

def test_quarterly_analysis_finds_repeat_rate_moving_against_the_team(dstore):
    s, wid, ctx = dstore
    ind = ctx["indicator"]
    rows = review.prepare_quarterly(monitor.snapshot(s, wid), SEP)
    assert rows[0].subject_id == ind["repeat_rate"]
    readings = [r for r in s.rows("reading", wid) if r["indicator_id"] == ind["repeat_rate"]]
    start = [r for r in readings if r["date"] < dt.date(2026, 7, 1)][-1]["value"]
    end = [r for r in readings if r["date"] <= SEP][-1]["value"]
    assert (rows[0].planned, rows[0].actual) == (start, end) and end < start
    assert rows[0].gap == pytest.approx((start - end) / start) and rows[0].status == "red"
    # direction-aware: CAC (< ¥200) rising and cash flow (> ¥500,000) falling are against the team;
    # high-margin share (≥ 40 %) rising, delivery cycle and defect rate (<) falling are not
    got = {r.subject_id for r in rows}
    assert {ind["cac"], ind["cash_flow"]} <= got
    assert not got & {ind["high_margin_share"], ind["delivery_cycle"], ind["defect_rate"]}
    assert [r.gap for r in rows] == sorted((r.gap for r in rows), reverse=True)


def test_quarterly_nps_example_and_lower_is_better(store, ws):
    nps = bsc.add_indicator(store, ws, {"perspective": "customer", "name": "NPS", "comparator": ">=", "target": 7,
                                        "band": 0.5, "frequency": "monthly"})
    cycle = bsc.add_indicator(store, ws, {"perspective": "process", "name": "Delivery cycle", "unit": "h",
                                          "comparator": "<", "target": 72, "frequency": "monthly"})
    for d, v in (("2026-03-20", 7.5), ("2026-05-20", 7.1), ("2026-06-25", 6.8)):
        tracking.add_reading(store, nps, {"date": d, "value": v})
    for d, v in (("2026-03-20", 80), ("2026-06-25", 70)):
        tracking.add_reading(store, cycle, {"date": d, "value": v})
    rows = review.prepare_quarterly(monitor.snapshot(store, ws), dt.date(2026, 6, 30))
    assert [(r.subject_id, r.planned, r.actual) for r in rows] == [(nps, 7.5, 6.8)]
    assert rows[0].gap == pytest.approx(0.7 / 7.5) and rows[0].status == "yellow"
    # a quarter with a single reading and nothing before it has no move to judge
    assert review.prepare_quarterly(monitor.snapshot(store, ws), dt.date(2026, 3, 31)) == []


# -- annual iteration -------------------------------------------------------------------------------------------

def test_annual_review_keep_missed_retire_or_fix_and_retired(store, ws):
    o = okr.add_objective(store, ws, {"level": "company", "title": "Customers come back", "owner": "CEO"})
    met = okr.add_key_result(store, o, {"statement": "Members from 100 to 200", "baseline": 100, "target": 200,
                                        "deadline": "2026-12-31", "owner": "Ops"})
    missed = okr.add_key_result(store, o, {"statement": "Churn from 10 % to 5 %", "unit": "%", "baseline": 10,
                                           "target": 5, "deadline": "2026-12-31", "owner": "Ops"})
    tracking.add_check_in(store, met, {"date": "2026-12-20", "value": 205})
    tracking.add_check_in(store, missed, {"date": "2026-12-20", "value": 8})
    red = bsc.add_indicator(store, ws, {"perspective": "customer", "name": "NPS", "comparator": ">=", "target": 7,
                                        "frequency": "quarterly"})
    fine = bsc.add_indicator(store, ws, {"perspective": "process", "name": "Defects", "unit": "%",
                                         "comparator": "<", "target": 1, "frequency": "quarterly"})
    gone = bsc.add_indicator(store, ws, {"perspective": "financial", "name": "Old metric", "comparator": ">=",
                                         "target": 1, "frequency": "monthly"})
    for d, v in (("2026-02-01", 6), ("2026-05-01", 6.5), ("2026-08-01", 7.2), ("2026-11-01", 6.9)):
        tracking.add_reading(store, red, {"date": d, "value": v})
        tracking.add_reading(store, fine, {"date": d, "value": 0.5})
    bsc.retire_indicator(store, gone, "replaced by the new product line's revenue share")
    retired = bsc.list_indicators(store, ws, retired=True)
    ap = review.prepare_annual(monitor.snapshot(store, ws), dt.date(2026, 12, 31), retired)
    krs = {r.subject_id: r for r in ap.krs}
    assert krs[met].met and not krs[missed].met and krs[missed].gap == pytest.approx(1 - 0.4)
    inds = {r.subject_id: r for r in ap.indicators}
    assert inds[red].met is False and inds[red].planned == 7 and inds[red].actual == 6.9
    assert inds[red].gap == pytest.approx(0.1 / 7) and inds[red].red_share == 0.75 and inds[red].periods == 4
    assert inds[fine].met and inds[fine].gap <= 0 and gone not in inds
    assert [r.subject_id for r in ap.retire_or_fix] == [red]
    assert {r.subject_id for r in ap.keep} == {met, fine}
    assert {r.subject_id for r in ap.missed} == {missed, red}
    assert [(i["name"], i["retire_reason"]) for i in ap.retired] == [
        ("Old metric", "replaced by the new product line's revenue share")]
    # the annual minute's table holds both kinds of subject
    assert {r.subject_kind for r in review.prepare(monitor.snapshot(store, ws), "annual", dt.date(2026, 12, 31))} \
        == {"key_result", "indicator"}


# -- saving a minute, the response at the next review ------------------------------------------------------------

def test_demo_minutes_as_of_the_demo_date(dstore):
    s, wid, ctx = dstore
    held = review.minutes(s, wid)
    assert [(m.review["kind"], m.review["period_end"]) for m in held] == [
        ("monthly", AUG), ("quarterly", dt.date(2026, 6, 30))]
    monthly, quarterly = held
    assert monthly.review["held_on"] <= AS_OF and monthly.review["attendees"]
    assert [f["subject_id"] for f in monthly.findings] == [ctx["kr"]["kr3"], ctx["kr"]["kr_conv"]]
    assert all(f["cause"] and f["gap"] > 0 for f in monthly.findings)
    assert sorted(a["status"] for a in monthly.adjustments) == ["done", "open"]
    assert all(a["finding_id"] in {f["id"] for f in monthly.findings} for a in monthly.adjustments)
    assert quarterly.findings[0]["subject_id"] == ctx["indicator"]["repeat_rate"]
    assert [a["status"] for a in quarterly.adjustments] == ["open"]


def test_the_next_monthly_review_measures_the_response_to_each_earlier_adjustment(dstore):
    s, wid, ctx = dstore
    kr1, kr3, conv = ctx["kr"]["kr1"], ctx["kr"]["kr3"], ctx["kr"]["kr_conv"]
    aug = review.minutes(s, wid)[0]
    by_subject = {f["id"]: f["subject_id"] for f in aug.findings}
    roi_adj = next(a for a in aug.adjustments if by_subject[a["finding_id"]] == kr3)
    conv_adj = next(a for a in aug.adjustments if by_subject[a["finding_id"]] == conv)
    # in October marketing ROI catches up with its pace (4.7 = 85 % of the way; the bar on 31 Oct is 83 %)
    tracking.add_check_in(s, kr3, {"date": "2026-10-28", "value": 4.7})
    due = {r.adjustment["id"]: r for r in review.responses_due(s, wid, "monthly", OCT)}
    assert set(due) == {roi_adj["id"], conv_adj["id"]}
    assert due[roi_adj["id"]].gap_then == pytest.approx(aug.findings[0]["gap"])
    assert due[roi_adj["id"]].verdict == "closed" and due[roi_adj["id"]].gap_closed is True
    assert due[roi_adj["id"]].gap_now == pytest.approx(measure.expected_pace(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), OCT) - 0.85)
    # conversion closed on 30 Sep at 80 %: its gap did not close, although the adjustment is done
    assert due[conv_adj["id"]].gap_closed is False
    rid = review.save_review(s, wid, {
        "review_kind": "monthly", "period_end": OCT, "held_on": "2026-11-03", "attendees": "CEO, Marketing",
        "review_summary": "ROI back on pace",
        "review_responses": [{"adjustment_id": roi_adj["id"], "response": "Cutting 20 % of channels worked",
                              "adjustment_status": "done"}],
        "review_adjustments": [{"what": "Restart the weekly growth check-ins", "owner": "Localisation ops",
                                "due": "2026-11-30", "subject": f"key_result:{kr1}"}]}, actor="tester")
    roi = s.row("adjustment", roi_adj["id"])
    assert (roi["status"], roi["gap_closed"], roi["responded_in"], roi["response"]) == (
        "done", True, rid, "Cutting 20 % of channels worked")
    c = s.row("adjustment", conv_adj["id"])
    assert (c["status"], c["gap_closed"], c["responded_in"], c["response"]) == ("done", False, rid, None)
    # the findings of October: the KRs not on track by default, with the numbers of the prepared table
    saved = review.minutes(s, wid)[0]
    prepared = {r.subject_id: r for r in review.prepare_monthly(monitor.snapshot(s, wid), OCT)}
    assert saved.review["id"] == rid and saved.findings
    for f in saved.findings:
        p = prepared[f["subject_id"]]
        assert p.deviates and (f["planned"], f["actual"], f["gap"]) == (p.planned, p.actual, p.gap)
    subjects = {f["subject_id"] for f in saved.findings}
    assert kr3 not in subjects and conv not in subjects  # on track again; closed in September
    kr1_finding = next(f["id"] for f in saved.findings if f["subject_id"] == kr1)  # no check-in in October
    assert [(a["finding_id"], a["status"], a["due"]) for a in saved.adjustments] == [
        (kr1_finding, "open", dt.date(2026, 11, 30))]
    # August's are answered and done: at November's review only October's own adjustment is due
    assert [r.adjustment["id"] for r in review.responses_due(s, wid, "monthly", dt.date(2026, 11, 30))] == [
        saved.adjustments[0]["id"]]
    # one undo takes the whole minute and the responses back
    s.undo(wid)
    assert s.row("adjustment", roi_adj["id"])["responded_in"] is None
    assert review.find_review(s, wid, "monthly", OCT) is None


def test_an_open_adjustment_is_measured_again_until_it_is_done(dstore):
    s, wid, ctx = dstore
    rid = review.save_review(s, wid, {"review_kind": "monthly", "period_end": SEP, "held_on": "2026-10-02",
                                      "attendees": "CEO"})
    roi = next(a for a in s.rows("adjustment", wid) if a["status"] == "open" and a["responded_in"] == rid)
    assert roi["gap_closed"] is False  # kr3 is still far behind at the end of September
    due = review.responses_due(s, wid, "monthly", OCT)
    assert roi["id"] in {r.adjustment["id"] for r in due}
    # a done adjustment that was answered is not asked about again
    assert all(r.adjustment["status"] == "open" for r in due)


def test_bad_minutes_are_refused_field_by_field_and_nothing_is_saved(dstore):
    s, wid, ctx = dstore
    version = s.version(wid)
    kr3 = ctx["kr"]["kr3"]
    with pytest.raises(ValidationError) as e:
        review.save_review(s, wid, {
            "review_kind": "monthly", "period_end": SEP, "held_on": "2026-08-20", "attendees": "  ",
            "review_findings": [{"subject_kind": "key_result", "subject_id": kr3, "cause": "x"},
                                {"subject_kind": "key_result", "subject_id": ctx["kr"]["kr_ramadan"]}],
            "review_adjustments": [{"owner": "Marketing"},
                                   {"what": "Cut channels", "due": "2026-08-01"},
                                   {"what": "Move budget", "subject": f"key_result:{ctx['kr']['kr1']}"},
                                   {"what": "", "owner": " ", "due": None, "subject": None}],
            "review_responses": [{"adjustment_id": 123456789, "response": "?"}]})
    by = e.value.by_field()
    assert set(by) == {"held_on", "attendees", "review_findings", "review_adjustments", "review_responses"}
    assert by["held_on"][0].key == "review.error.held_before_period"
    assert [fe.params["row"] for fe in by["review_findings"]] == [2]
    assert sorted(fe.params["row"] for fe in by["review_adjustments"]) == [1, 2, 3]
    texts_en = e.value.texts("en")
    assert any("Row 1, Adjustment" in t and "required" in t.lower() for t in texts_en), texts_en
    assert any("before the meeting" in t for t in texts_en)
    with pytest.raises(ValidationError) as e:
        review.save_review(s, wid, {"review_kind": "weekly", "period_end": "2027-01-31", "held_on": "x",
                                    "attendees": "CEO"})
    assert set(e.value.by_field()) == {"review_kind", "period_end", "held_on"}
    # a second minute of the same month is refused
    with pytest.raises(ValidationError) as e:
        review.save_review(s, wid, {"review_kind": "monthly", "period_end": "2026-08-15", "held_on": "2026-09-02",
                                    "attendees": "CEO"})
    assert e.value.errors[0].key == "review.error.duplicate" and "2026-08" in e.value.texts("zh")[0]
    assert s.version(wid) == version and len(s.rows("review", wid)) == 2


def test_delete_a_minute_takes_back_the_responses_it_recorded(dstore):
    s, wid, ctx = dstore
    rid = review.save_review(s, wid, {"review_kind": "monthly", "period_end": SEP, "held_on": "2026-10-02",
                                      "attendees": "CEO"})
    answered = [a["id"] for a in s.rows("adjustment", wid) if a["responded_in"] == rid]
    assert len(answered) == 2
    moved = review.delete_review(s, rid)
    assert moved == 1 + len([f for f in s.rows("review_finding", wid, deleted=True) if f["review_id"] == rid])
    assert all(s.row("adjustment", a)["responded_in"] is None for a in answered)
    assert review.find_review(s, wid, "monthly", SEP) is None
    assert {r.adjustment["id"] for r in review.responses_due(s, wid, "monthly", SEP)} == set(answered)


# -- open adjustments, overdue reviews, the home page's part -------------------------------------------------------

def test_open_adjustments_and_overdue_reviews(dstore, store, ws):
    s, wid, ctx = dstore
    open_ = review.open_adjustments(s, wid, AS_OF)
    assert [(a["review_kind"], a["overdue"]) for a in open_] == [("monthly", False), ("quarterly", False)]
    assert all(a["due"] == SEP for a in open_)
    assert all(a["overdue"] for a in review.open_adjustments(s, wid, dt.date(2026, 10, 1)))
    review.set_adjustment_status(s, open_[0]["id"], "done")
    assert [a["id"] for a in review.open_adjustments(s, wid)] == [open_[1]["id"]]
    with pytest.raises(ValidationError):
        review.set_adjustment_status(s, open_[1]["id"], "finished")

    due = lambda today: [(d.kind, d.label) for d in review.overdue_reviews(s, wid, today)]
    assert due(AS_OF) == []                                   # August and Q2 are held; September is running
    assert due(dt.date(2026, 10, 5)) == [("monthly", "2026-09"), ("quarterly", "2026 Q3")]
    assert due(dt.date(2026, 1, 20)) == []                    # no finished period of the plan year yet
    assert due(dt.date(2027, 2, 1)) == [("monthly", "2026-12"), ("quarterly", "2026 Q4"), ("annual", "2026")]
    review.save_review(s, wid, {"review_kind": "monthly", "period_end": SEP, "held_on": "2026-10-02",
                                "attendees": "CEO"})
    assert due(dt.date(2026, 10, 5)) == [("quarterly", "2026 Q3")]
    # an empty workspace has nothing to review
    assert review.overdue_reviews(store, ws, dt.date(2026, 10, 5)) == []


def test_progress_part_of_the_loop(dstore):
    s, wid, ctx = dstore
    part = lambda today: review.progress_part(s.rows("review", wid), s.rows("adjustment", wid),
                                              review.overdue_reviews(s, wid, today), today)
    p = part(AS_OF)
    assert (p.key, p.status, p.filled, p.missing, p.page) == ("reviews", DONE, {"review": 2, "adjustment": 2}, [],
                                                              "reviews")
    p = part(dt.date(2026, 10, 5))
    assert p.status == IN_PROGRESS
    assert p.missing == ["progress.missing.review_monthly", "progress.missing.review_quarterly",
                         "progress.missing.adjustments_overdue"]
    assert review.progress_part([], [], [], AS_OF).status == NOT_STARTED
    for lang in LANGS:
        cat = catalog(lang)
        for key in [*p.missing, "progress.missing.review_annual", "part.reviews", "count.review",
                    "count.adjustment"]:
            assert key in cat, (lang, key)


# -- next year ------------------------------------------------------------------------------------------------------

NULL_FILL = {"VARCHAR": "filled", "DOUBLE": 1.5, "INTEGER": 3, "BOOLEAN": True, "DATE": dt.date(2026, 5, 5),
             "TIMESTAMP": dt.datetime(2026, 5, 5, 9, 30)}
LINKS = {"objective": {"aligns_to": "key_result"}, "key_result": {"objective_id": "objective"},
         "onion_node": {"parent_id": "onion_node", "key_result_id": "key_result"},
         "indicator_kr": {"indicator_id": "indicator", "key_result_id": "key_result"},
         "strategy_link": {"cause_id": None, "effect_id": None},
         "risk": {"trigger_id": None}, "risk_plan": {"risk_id": "risk"}}
SHIFTED = {"objective": ("period_start", "period_end"), "key_result": ("deadline",)}


def _fill_every_column(s: Store, wid: int, ctx: dict) -> None:
    """Give the demo a risk with a plan, and a value in every column that no row fills yet."""
    with s.transaction(wid, "risk.add") as tx:
        rid = tx.insert("risk", {"workspace_id": wid, "name": "Under-enrolment", "level": "red", "top": True,
                                 "impact_share": 30.0, "impact_text": "30 % of revenue", "trigger_kind": "indicator",
                                 "trigger_id": ctx["indicator"]["repeat_rate"], "trigger_comparator": "<",
                                 "trigger_value": 25.0, "owner": "Sales", "position": 0})
        tx.insert("risk_plan", {"workspace_id": wid, "risk_id": rid, "label": "A", "strategy": "Referral push",
                                "cost": 80.0, "expected_result": 20.0, "expected_unit": "%", "channel": "Parents"})
    with s.transaction(wid, "risk.update") as tx:
        for table in workspace.COPIED:
            rows = s.rows(table, wid)
            for col, typ in s.column_types(table).items():
                if col in ("id", "workspace_id", "deleted_at", "deleted_batch") or col in LINKS.get(table, {}):
                    continue
                if all(r[col] is None for r in rows):
                    tx.update(table, rows[0]["id"], {col: NULL_FILL[typ]})
        # an objective aligned to nothing keeps None, one aligned keeps a link: both exist in the demo


def test_copy_into_next_year_carries_every_column_of_every_copied_table(dstore):
    s, wid, ctx = dstore
    _fill_every_column(s, wid, ctx)
    new = workspace.copy(s, wid, "Demo", 2027)
    ids: dict[int, int] = {}
    # copy() gives the new ids in the order it reads the rows: sorting the copies by id pairs them up
    before = {t: s.rows(t, wid) for t in workspace.COPIED}
    after = {t: sorted(s.rows(t, new), key=lambda r: r["id"]) for t in workspace.COPIED}
    for t in workspace.COPIED:
        assert len(before[t]) == len(after[t]) > 0, t
        ids.update({a["id"]: b["id"] for a, b in zip(before[t], after[t])})
    shift = lambda d: d.replace(year=d.year + 1) if d else d
    for t in workspace.COPIED:
        cols = set(s.column_types(t)) - {"id", "workspace_id", "deleted_at", "deleted_batch"}
        for col in cols:
            # the test data exercises every column (else a lost column could pass unseen)
            assert any(r[col] is not None for r in before[t]), (t, col)
        for a, b in zip(before[t], after[t]):
            assert b["workspace_id"] == new and b["id"] != a["id"]
            for col in cols:
                if col in LINKS.get(t, {}):
                    assert (a[col] is None and b[col] is None) or ids[a[col]] == b[col], (t, col)
                elif col in workspace.RESET.get(t, ()):
                    assert b[col] is None, (t, col)
                elif col in SHIFTED.get(t, ()):
                    assert b[col] == shift(a[col]), (t, col)
                else:
                    assert b[col] == a[col], (t, col)
    # history stays behind
    for t in workspace.HISTORY:
        assert s.rows(t, new) == [], t


def test_next_year_rebases_krs_and_leaves_targets_to_fill(dstore):
    s, wid, ctx = dstore
    o = okr.list_objectives(s, wid)[0]["id"]
    band = okr.add_key_result(s, o, {"statement": "Uptime stays within 99.5–99.9 %", "unit": "%", "direction": "band",
                                     "band_low": 99.5, "band_high": 99.9, "deadline": "2026-12-31", "owner": "Ops"})
    tracking.add_check_in(s, band, {"date": "2026-09-01", "value": 99.7})
    old_krs = okr.list_key_results(s, wid)
    check_ins = s.rows("check_in", wid)
    res = review.next_year(s, wid, "Demo company 2027", actor="tester")
    assert s.get_workspace(res.workspace_id)["year"] == 2027 and res.replaced == []
    new_krs = okr.list_key_results(s, res.workspace_id)
    assert [k["statement"] for k in new_krs] == [k["statement"] for k in old_krs]
    for old, new in zip(old_krs, new_krs):
        if old["id"] == band:
            assert (new["direction"], new["band_low"], new["band_high"], new["baseline"], new["target"]) == (
                "band", 99.5, 99.9, None, None)
            continue
        final = last_value(check_ins, old["id"], dt.date(2026, 12, 31))
        assert new["baseline"] == final and new["target"] is None
        assert new["direction"] == okr.infer_direction(old["baseline"], old["target"])
        assert new["deadline"] == old["deadline"].replace(year=2027)
    assert res.rebased == res.to_fill == len(old_krs) - 1
    # the empty targets are marked where the team looks: the quality rule "KR is complete" fails on each
    fails = [f for f in quality.check_all(okr.list_objectives(s, res.workspace_id), new_krs, 2027)
             if f.rule == "kr.complete" and f.severity == "fail"]
    assert len(fails) >= len(old_krs) - 1
    # history stays behind; last year is untouched
    assert s.rows("check_in", res.workspace_id) == [] and s.rows("review", res.workspace_id) == []
    assert okr.list_key_results(s, wid) == old_krs
    # the indicators' standing targets carry over
    assert [(i["name"], i["target"]) for i in bsc.list_indicators(s, res.workspace_id)] == [
        (i["name"], i["target"]) for i in bsc.list_indicators(s, wid)]
    # two undos in the new year take the targets back, then the copy
    assert s.undo(res.workspace_id)["action"] == "review.next_year"
    assert [k["baseline"] for k in okr.list_key_results(s, res.workspace_id)] == [k["baseline"] for k in old_krs]
    assert s.undo(res.workspace_id)["action"] == "workspace.copy"


def test_next_year_never_overwrites_without_confirmation(dstore):
    s, wid, ctx = dstore
    other = workspace.create(s, {"name": "Demo company 2027", "year": 2027})
    okr.add_objective(s, other, {"level": "company", "title": "Already planned"})
    listing, versions = s.list_workspaces(), {w["id"]: s.version(w["id"]) for w in s.list_workspaces()}
    assert review.next_year_conflicts(s, wid, " Demo company 2027 ")[0]["id"] == other
    with pytest.raises(ValidationError) as e:
        review.next_year(s, wid, "Demo company 2027")
    assert e.value.errors[0].field == "name" and e.value.errors[0].key == "review.error.next_year_exists"
    assert "2027" in e.value.texts("en")[0]
    assert s.list_workspaces() == listing and {w["id"]: s.version(w["id"]) for w in listing} == versions
    # a bad name or a year past the range is refused before anything is touched too
    with pytest.raises(ValidationError):
        review.next_year(s, wid, "   ", confirm_overwrite=True)
    assert s.list_workspaces() == listing
    # confirmed: the old one goes to the trash first, the new one takes its place
    res = review.next_year(s, wid, "Demo company 2027", confirm_overwrite=True)
    assert res.replaced == [other] and [w["id"] for w in s.deleted_workspaces()] == [other]
    live = [w for w in s.list_workspaces() if w["year"] == 2027]
    assert [w["id"] for w in live] == [res.workspace_id]


def test_next_year_puts_the_replaced_workspace_back_when_the_copy_fails(dstore, monkeypatch):
    s, wid, ctx = dstore
    other = workspace.create(s, {"name": "Next", "year": 2027})

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(review.workspace, "copy", broken)
    with pytest.raises(RuntimeError):
        review.next_year(s, wid, "Next", confirm_overwrite=True)
    assert [w["id"] for w in s.list_workspaces() if w["year"] == 2027] == [other]


def test_gap_chart_shows_every_gap_with_a_symbol():
    rows = [review.PrepRow("key_result", 1, "ROI", None, None, 0.75, 0.35, 0.4, "off_track", True),
            review.PrepRow("key_result", 2, "Users", None, None, 0.75, 0.8, -0.05, "on_track", False),
            review.PrepRow("key_result", 3, "Silent", None, None, 0.75, None, None, "no_data", False)]
    spec = charts.gap_chart(rows, title="Gaps", words={"subject": "KR", "gap": "Gap", "status": "Status",
                                                       "behind": "behind", "ahead": "ahead"},
                            status_words={"off_track": "off track", "on_track": "on track"}).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [(d["subject"], d["gap"], d["text"]) for d in data] == [("ROI", 40.0, "▲ 40%"), ("Users", -5.0, "▼ 5%")]


# -- the page --------------------------------------------------------------------------------------------------------

def _no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def test_page_holds_a_monthly_review_with_causes_adjustments_and_responses(demo_file, db_path):
    shutil.copy(demo_file[0], db_path)
    wid, ctx = demo_file[1]["en"]
    at = open_app(db_path, lang="en", page="reviews", workspace_id=wid)
    _no_exceptions(at)
    assert "Strategy review minutes" in texts(at)
    at.radio(key="rv_kind").set_value("monthly").run()
    at.selectbox(key="rv_period_monthly").set_value(SEP).run()
    _no_exceptions(at)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    t = texts(at)
    assert "Responses to earlier adjustments" in t and "Cut the bottom 20 %" in t.replace("\\", "")
    form = "rv_hold_monthly_2026-09-30"
    # a bad minute first: no attendees, an adjustment without its text → errors under the fields, nothing saved
    at.date_input(key=f"{form}__held_on").set_value(dt.date(2026, 10, 2))
    at.session_state[f"{form}__review_adjustments"] = {"edited_rows": {}, "deleted_rows": [],
                                                       "added_rows": [{"owner": "Marketing"}]}
    at.button(key="rv_save_monthly_2026-09-30").click().run()
    _no_exceptions(at)
    shown = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "This field is required" in shown or "required" in shown.lower(), shown
    s = Store(db_path)
    assert review.find_review(s, wid, "monthly", SEP) is None
    s.close()
    # now a good one: attendees, a cause for the first row (kr3), one adjustment linked to it
    at.text_input(key=f"{form}__attendees").set_value("CEO, Marketing")
    at.session_state[f"{form}__review_findings"] = {"edited_rows": {0: {"cause": "Paid traffic over budget"}},
                                                    "added_rows": [], "deleted_rows": []}
    kr3_label = next(k["statement"] for k in ctx["krs"] if k["id"] == ctx["kr"]["kr3"])
    at.session_state[f"{form}__review_adjustments"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"what": "Move ¥10 M to top creators", "owner": "Marketing", "due": "2026-10-31",
                        "adjustment_status": "open", "subject": kr3_label[:59] + "…" if len(kr3_label) > 60
                        else kr3_label}]}
    at.button(key="rv_save_monthly_2026-09-30").click().run()
    _no_exceptions(at)
    s = Store(db_path)
    try:
        r = review.find_review(s, wid, "monthly", SEP)
        assert r is not None and r["attendees"] == "CEO, Marketing" and r["held_on"] == dt.date(2026, 10, 2)
        m = review.minutes(s, wid)[0]
        assert m.findings[0]["subject_id"] == ctx["kr"]["kr3"] and m.findings[0]["cause"] == "Paid traffic over budget"
        assert [(a["what"], a["finding_id"]) for a in m.adjustments] == [
            ("Move ¥10 M to top creators", m.findings[0]["id"])]
        # the August adjustments got their measured response; the quarterly one waits for the next quarter
        aug = review.find_review(s, wid, "monthly", AUG)["id"]
        responded = {a["review_id"]: a["responded_in"] for a in s.rows("adjustment", wid)}
        assert responded[aug] == r["id"] and responded[review.find_review(s, wid, "quarterly", SEP.replace(
            month=6))["id"]] is None
    finally:
        s.close()
    assert "was held on 2026-10-02" in texts(at)
    assert any("Paid traffic over budget" in str(df.value) for df in at.dataframe)


@pytest.mark.parametrize("lang,words", [("zh", ["战略复盘会议纪要", "月度 OKR 复盘", "季度 BSC 分析", "把计划带入 2027 年"]),
                                        ("en", ["Strategy review minutes", "monthly OKR review",
                                                "quarterly BSC analysis", "Carry the plan into 2027"])])
def test_page_in_both_languages_lists_minutes_and_carries_the_plan_into_next_year(demo_file, db_path, lang, words):
    shutil.copy(demo_file[0], db_path)
    wid, ctx = demo_file[1][lang]
    at = open_app(db_path, lang=lang, page="reviews", workspace_id=wid)
    _no_exceptions(at)
    t = texts(at)
    for w in words:
        assert w in t, w
    s = Store(db_path)
    store_name = s.get_workspace(wid)["name"]
    other = workspace.create(s, {"name": store_name, "year": 2027, "language": lang})
    s.close()
    at.run()
    # the name is taken in 2027: the page asks first, and without the tick nothing is touched
    t = texts(at)
    assert ("already exists" in t) if lang == "en" else ("已有名为" in t)
    at.button(key=f"rv_next_btn_{wid}").click().run()
    _no_exceptions(at)
    s = Store(db_path)
    assert [w["id"] for w in s.list_workspaces() if w["year"] == 2027] == [other] and not s.deleted_workspaces()
    s.close()
    at.checkbox(key=f"rv_next_{wid}__confirm_overwrite").check()
    at.button(key=f"rv_next_btn_{wid}").click().run()
    _no_exceptions(at)
    s = Store(db_path)
    try:
        new = [w for w in s.list_workspaces() if w["year"] == 2027]
        assert len(new) == 1 and new[0]["id"] != other and [w["id"] for w in s.deleted_workspaces()] == [other]
        assert at.session_state["workspace_id"] == new[0]["id"]
    finally:
        s.close()


def test_demo_early_in_the_year_has_only_the_reviews_whose_period_is_over(store):
    wid = demo.load(store, "zh", 2026, today=dt.date(2026, 2, 10))
    held = review.minutes(store, wid)
    assert [(m.review["kind"], m.review["period_end"]) for m in held] == [("monthly", dt.date(2026, 1, 31))]
    assert held[0].review["held_on"] == dt.date(2026, 2, 3) and "市场部" in held[0].review["attendees"]
    assert len(held[0].findings) == 2 and sorted(a["status"] for a in held[0].adjustments) == ["done", "open"]


def test_a_running_month_is_prepared_as_it_stands_not_as_of_its_end(dstore):
    """Prepared on 20 September, September's review measures the data of 20 September: the bar of that
    day and the check-ins' freshness on that day. Measured as of 30 September (still ahead), every KR
    whose last check-in is two weeks old would read outdated, and each would be held to the whole
    month's pace."""
    s, wid, _ = dstore
    snap = monitor.snapshot(s, wid)
    on = dt.date(2026, 9, 20)
    rows = review.prepare_monthly(snap, SEP, as_of=on)
    board = monitor.board(snap, on)
    assert rows and {r.subject_id for r in rows} == {r.subject_id for r in review.prepare_monthly(snap, SEP)}
    for r in rows:
        st = board.krs[r.subject_id]
        assert (r.planned, r.actual, r.status) == (st.expectation, st.progress, st.status)
    assert review.prepare_monthly(snap, SEP, as_of=dt.date(2026, 10, 5)) == review.prepare_monthly(snap, SEP)


def test_a_review_held_before_its_period_ends_keeps_the_numbers_of_that_day(dstore):
    s, wid, _ = dstore
    held = dt.date(2026, 9, 25)
    rid = review.save_review(s, wid, {"review_kind": "monthly", "period_end": SEP, "held_on": held.isoformat(),
                                      "attendees": "CEO"}, actor="tester")
    snap = monitor.snapshot(s, wid)
    board = monitor.board(snap, held)
    findings = [f for f in s.rows("review_finding", wid) if f["review_id"] == rid]
    assert findings
    for f in findings:
        st = board.krs[f["subject_id"]]
        assert (f["planned"], f["actual"]) == (st.expectation, st.progress)


def test_the_annual_review_before_the_year_ends_judges_todays_data_against_the_year_end_bar(dstore):
    s, wid, _ = dstore
    snap = monitor.snapshot(s, wid)
    year_end = dt.date(2026, 12, 31)
    ap = review.prepare_annual(snap, year_end, as_of=AS_OF)
    now, end = monitor.board(snap, AS_OF), monitor.board(snap, year_end)
    for r in ap.krs:
        assert (r.planned, r.actual, r.status) == (end.krs[r.subject_id].expectation, now.krs[r.subject_id].progress,
                                                   now.krs[r.subject_id].status)
    assert sum(r.status == "outdated" for r in ap.krs) < sum(
        r.status == "outdated" for r in review.prepare_annual(snap, year_end).krs)
