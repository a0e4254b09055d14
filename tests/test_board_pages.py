"""The scorecard, strategy map, check-ins and monitoring board pages through the real app (AppTest),
on the demo company loaded as of a fixed date so the numbers are stable."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from strategy_core import demo
from strategy_core.plan import bsc, okr
from strategy_core.track import tracking
from strategy_core.i18n import t
from strategy_core.numbers import format_number
from strategy_core.store import Store
from tests.apptest import open_app, texts
from ui.forms import escape_md

AS_OF = dt.date(2026, 9, 30)
PAGES = ("scorecard", "strategy_map", "checkins", "board")
TITLES = {"scorecard": "bsc.title", "strategy_map": "map.title", "checkins": "track.title", "board": "board.title"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    """One demo database per language, made once; each test works on its own copy."""
    base = tmp_path_factory.mktemp("demo")
    out = {}
    for lang in ("en", "zh"):
        path = base / f"demo-{lang}.duckdb"
        s = Store(path)
        demo.load(s, lang, 2026, today=AS_OF)
        s.close()
        out[lang] = path
    return out


@pytest.fixture
def demo_db(demo_files, tmp_path):
    def make(lang: str):
        path = tmp_path / f"workbench-{lang}.duckdb"
        shutil.copy(demo_files[lang], path)
        return path
    return make


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def read(path, fn):
    s = Store(path)
    try:
        (w,) = s.list_workspaces()
        return fn(s, w["id"])
    finally:
        s.close()


def chart_titles(at) -> list[str]:
    out = []
    for c in at.get("vega_lite_chart"):
        title = json.loads(c.proto.spec).get("title")
        out.append(title.get("text") if isinstance(title, dict) else title)
    return out


def red_marks(at) -> list[str]:
    """The messages a form shows right under a field (`:red[⚠ …]`)."""
    return [m.value for m in at.markdown if m.value.startswith(":red[⚠")]


def board_as_of(db, lang):
    at = open_app(db, lang=lang, page="board")
    at.date_input(key="board_on").set_value(AS_OF).run()
    no_exceptions(at)
    return at


# -- every page, both languages -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_four_pages_run_in_both_languages(demo_db, lang):
    db = demo_db(lang)
    for page in PAGES:
        at = open_app(db, lang=lang, page=page)
        no_exceptions(at)
        assert t(TITLES[page], lang) in [x.value for x in at.title], page
        shown = texts(at)
        # nothing on screen is an untranslated catalog key
        for prefix in ("bsc.", "map.", "track.", "board.", "status.", "field."):
            assert not any(line.startswith(prefix) for line in shown.splitlines()), (page, prefix)


# -- the scorecard ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scorecard_shows_the_six_startup_indicators_with_their_targets(demo_db, lang):
    at = open_app(demo_db(lang), lang=lang, page="scorecard")
    no_exceptions(at)
    name_col, target_col = t("field.name", lang), t("bsc.col.target", lang)
    shown = {}
    for df in at.dataframe:
        frame = df.value
        if name_col in frame.columns and target_col in frame.columns:
            shown.update(dict(zip(frame[name_col], frame[target_col])))
    wanted = bsc.template_rows("startup", lang)
    assert set(shown) == {r["name"] for r in wanted}
    for r in wanted:
        cell = shown[r["name"]]
        assert cell.startswith(bsc.COMPARATOR_SYMBOL[r["comparator"]] + " "), cell
        assert format_number(r["target"], lang) in cell and r["unit"] in cell, cell
    # three perspectives, two indicators each
    subheads = [s.value for s in at.subheader]
    for p in ("financial", "customer", "process"):
        assert f"{t('bsc.perspective.' + p, lang)} (2)" in subheads
    assert not any(t("bsc.perspective.learning", lang) in s for s in subheads)


def test_scorecard_applies_a_template_through_the_button(demo_db):
    db = demo_db("en")
    at = open_app(db, lang="en", page="scorecard")
    at.selectbox(key="bsc_template").set_value("retail").run()
    assert "Member repeat-purchase rate ≥ 40%" in texts(at)
    at.button(key="bsc_apply_template").click().run()
    no_exceptions(at)
    assert t("bsc.template_applied", "en", added=4, kept=0) in [x.value for x in at.toast]
    names = read(db, lambda s, w: [i["name"] for i in bsc.list_indicators(s, w)])
    assert len(names) == 10 and "Stock-out rate" in names
    subheads = [s.value for s in at.subheader]
    assert "Customer (4)" in subheads and "Internal process (4)" in subheads
    # again: nothing added, nothing overwritten
    at.button(key="bsc_apply_template").click().run()
    no_exceptions(at)
    assert t("bsc.template_applied", "en", added=0, kept=4) in [x.value for x in at.toast]
    assert read(db, lambda s, w: len(bsc.list_indicators(s, w))) == 10


@pytest.mark.parametrize("lang,words", [("en", "between 0 and 100"), ("zh", "0 到 100")])
def test_scorecard_refuses_a_percent_target_above_100_next_to_the_field(demo_db, lang, words):
    db = demo_db(lang)
    at = open_app(db, lang=lang, page="scorecard")
    at.text_input(key="bsc_new__name").input("Member repeat-purchase rate")
    at.text_input(key="bsc_new__unit").input("%")
    at.selectbox(key="bsc_new__perspective").set_value("customer")
    at.number_input(key="bsc_new__target").set_value(140.0)
    at.button(key="bsc_add").click().run()
    no_exceptions(at)
    marks = red_marks(at)
    assert len(marks) == 1 and words in marks[0], marks
    assert read(db, lambda s, w: len(bsc.list_indicators(s, w))) == 6
    # what was typed is still there; corrected, it saves
    assert at.text_input(key="bsc_new__name").value == "Member repeat-purchase rate"
    at.number_input(key="bsc_new__target").set_value(40.0)
    at.button(key="bsc_add").click().run()
    no_exceptions(at)
    assert red_marks(at) == []
    added = read(db, lambda s, w: bsc.list_indicators(s, w)[-1])
    assert (added["name"], added["perspective"], added["unit"], added["target"]) == (
        "Member repeat-purchase rate", "customer", "%", 40)


# -- the strategy map ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_strategy_map_flags_the_outcome_without_driver_and_a_link_fixes_it(demo_db, lang):
    db = demo_db(lang)
    inds = read(db, lambda s, w: {i["template"]: i for i in bsc.list_indicators(s, w)})
    cac, delivery = inds["startup.cac"], inds["startup.delivery_cycle"]
    at = open_app(db, lang=lang, page="strategy_map")
    no_exceptions(at)
    assert at.get("graphviz_chart")
    finding = t("bsc.finding.no_driver", lang, name=cac["name"], perspective=t("bsc.perspective.customer", lang))
    flagged = [m.value for m in at.markdown if m.value.startswith("⛔")]
    assert flagged == [f"⛔ {escape_md(finding)}"]
    assert t("map.links", lang, count=8) in [s.value for s in at.subheader]

    at.selectbox(key="map_link__cause").set_value(("indicator", delivery["id"]))
    at.selectbox(key="map_link__effect").set_value(("indicator", cac["id"]))
    at.button(key="map_add").click().run()
    no_exceptions(at)
    assert not [m.value for m in at.markdown if m.value.startswith("⛔")]
    assert t("map.complete", lang) in [s.value for s in at.success]
    assert t("map.links", lang, count=9) in [s.value for s in at.subheader]
    links = read(db, lambda s, w: s.rows("strategy_link", w))
    assert (links[-1]["cause_id"], links[-1]["effect_id"]) == (delivery["id"], cac["id"])
    # the same link again is refused in words, and nothing is added
    at.selectbox(key="map_link__cause").set_value(("indicator", delivery["id"]))
    at.selectbox(key="map_link__effect").set_value(("indicator", cac["id"]))
    at.button(key="map_add").click().run()
    no_exceptions(at)
    assert any(t("bsc.error.link_exists", lang) in e.value for e in at.error)
    assert read(db, lambda s, w: len(s.rows("strategy_link", w))) == 9


def test_placing_an_objective_keeps_a_perspective_the_workspace_has_switched_off(demo_db):
    db = demo_db("en")
    algo = read(db, lambda s, w: next(o for o in okr.list_objectives(s, w) if o["perspective"] == "learning"))
    assert read(db, lambda s, w: bsc.perspectives_of(s.get_workspace(w))) == ["financial", "customer", "process"]
    at = open_app(db, lang="en", page="strategy_map")
    at.selectbox(key="map_obj").set_value(algo["id"]).run()
    no_exceptions(at)
    at.button(key=f"map_obj_save_{algo['id']}").click().run()   # saved without touching anything
    no_exceptions(at)
    assert read(db, lambda s, w: s.row("objective", algo["id"])["perspective"]) == "learning"


# -- check-ins ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_checkin_form_records_a_value_and_refuses_150_percent(demo_db, lang):
    db = demo_db(lang)
    krs = read(db, lambda s, w: okr.list_key_results(s, w))
    roi = next(k for k in krs if k["baseline"] == 3 and k["target"] == 5)      # marketing ROI 1:3 → 1:5
    pct = next(k for k in krs if k["unit"] == "%" and k["target"] == 20)       # live e-commerce 8 % → 20 %
    before = read(db, lambda s, w: len(tracking.list_check_ins(s, w)))
    at = open_app(db, lang=lang, page="checkins")
    no_exceptions(at)
    at.selectbox(key="track_kr").set_value(roi["id"]).run()
    at.date_input(key=f"track_ci_{roi['id']}__date").set_value(dt.date(2026, 10, 5))
    at.number_input(key=f"track_ci_{roi['id']}__value").set_value(4.2)
    at.slider(key=f"track_ci_{roi['id']}__confidence").set_value(6)
    at.text_input(key=f"track_ci_{roi['id']}__note").input("autumn campaign")
    at.button(key=f"track_ci_save_{roi['id']}").click().run()
    no_exceptions(at)
    assert red_marks(at) == []
    assert t("common.saved", lang) in [x.value for x in at.toast]
    last = read(db, lambda s, w: tracking.list_check_ins(s, w))
    assert len(last) == before + 1
    new = max(last, key=lambda c: c["id"])
    assert (new["key_result_id"], new["date"], new["value"], new["confidence"], new["note"]) == (
        roi["id"], dt.date(2026, 10, 5), 4.2, 6, "autumn campaign")
    assert "2026-10-05" in texts(at)  # the caption names the latest check-in
    assert at.number_input(key=f"track_ci_{roi['id']}__value").value is None     # emptied: no double entry

    at.selectbox(key="track_kr").set_value(pct["id"]).run()
    at.date_input(key=f"track_ci_{pct['id']}__date").set_value(dt.date(2026, 10, 5))
    at.number_input(key=f"track_ci_{pct['id']}__value").set_value(150.0)
    at.button(key=f"track_ci_save_{pct['id']}").click().run()
    no_exceptions(at)
    marks = red_marks(at)
    assert len(marks) == 1 and t("tracking.error.percent_range", lang).split(" ")[0] in marks[0], marks
    assert read(db, lambda s, w: len(tracking.list_check_ins(s, w))) == before + 1
    assert at.number_input(key=f"track_ci_{pct['id']}__value").value == 150.0


def test_checkin_paste_names_the_bad_rows_under_the_box(demo_db):
    db = demo_db("en")
    krs = read(db, lambda s, w: okr.list_key_results(s, w))
    pct = next(k for k in krs if k["unit"] == "%" and k["target"] == 20)
    before = read(db, lambda s, w: len(tracking.list_check_ins(s, w)))
    at = open_app(db, lang="en", page="checkins")
    at.selectbox(key="track_kr").set_value(pct["id"]).run()
    box = f"track_ci_paste_{pct['id']}"
    at.text_area(key=f"{box}__paste").input("date\tvalue\n2026-10-05\t18\n2026-10-12\t180\n2027-01-05\t19")
    at.button(key=f"{box}_btn").click().run()
    no_exceptions(at)
    marks = red_marks(at)
    assert len(marks) == 2 and "Row 3" in marks[0] and "Row 4" in marks[1], marks
    assert read(db, lambda s, w: len(tracking.list_check_ins(s, w))) == before
    at.text_area(key=f"{box}__paste").input("date\tvalue\n2026-10-05\t18\n2026-10-12\t18.4")
    at.button(key=f"{box}_btn").click().run()
    no_exceptions(at)
    assert t("track.pasted", "en", count=2) in [x.value for x in at.toast]
    assert read(db, lambda s, w: len(tracking.list_check_ins(s, w))) == before + 2


# -- the board --------------------------------------------------------------------------------------------

def _line_share(line, on):
    (d0, v0), (d1, v1) = line
    return (on - d0).days / (d1 - d0).days


def test_the_charts_pace_line_is_the_pace_the_status_is_judged_by(store, ws):
    """The dashed expected-pace line of a KR's chart runs over the period measure.evaluate uses."""
    from strategy_core.track import monitor
    h2 = okr.add_objective(store, ws, {"level": "company", "title": "Second half", "period_start": "2026-07-01",
                                       "period_end": "2026-12-31"})
    early = okr.add_key_result(store, h2, {"statement": "Stores from 10 to 15", "baseline": 10, "target": 15,
                                           "deadline": "2026-03-31"})   # a deadline before its objective starts
    normal = okr.add_key_result(store, h2, {"statement": "Members from 100 to 200", "baseline": 100, "target": 200,
                                            "deadline": "2026-10-31"})
    for kid in (early, normal):
        tracking.add_check_in(store, kid, {"date": "2026-09-01", "value": 12 if kid == early else 130})
    on = dt.date(2026, 9, 1)
    snap = monitor.snapshot(store, ws)
    board = monitor.board(snap, on)
    objective = {o["id"]: o for o in snap.objectives}[h2]
    for k in snap.key_results:
        line = monitor.pace_line(k, objective)
        assert line[0] == (dt.date(2026, 7, 1), k["baseline"]) and line[1][1] == k["target"]
        assert line[1][0] >= line[0][0]
        assert _line_share(line, on) == pytest.approx(board.krs[k["id"]].expected, abs=0.02)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_board_alerts_ranks_and_charts_the_demo(demo_db, lang):
    db = demo_db(lang)
    krs, inds = read(db, lambda s, w: (okr.list_key_results(s, w), bsc.list_indicators(s, w)))
    roi = next(k for k in krs if k["baseline"] == 3 and k["target"] == 5)
    repeat = next(i for i in inds if i["template"] == "startup.repeat_rate")
    at = board_as_of(db, lang)
    # the red repeat-purchase indicator is an open alert, with its red streak
    errors = [e.value for e in at.error]
    mine = [e for e in errors if f"“{repeat['name']}”" in e]
    assert len(mine) == 1 and t("board.red_streak", lang, count=3) in mine[0], errors
    latest = read(db, lambda s, w: max((r for r in tracking.list_readings(s, w) if r["indicator_id"] == repeat["id"]),
                                       key=lambda r: r["date"]))
    assert latest["date"] <= AS_OF and latest["value"] < 25          # below its risk trigger
    assert format_number(latest["value"], lang) in mine[0] and "≥ 30" in mine[0]
    # no indicator but the red one alerts (CAC is only yellow), and no KR is past its alert value
    assert not any(i["name"] in e for i in inds if i["id"] != repeat["id"] for e in errors), errors
    assert not any(k["statement"] in e for k in krs for e in errors), errors
    # the off-track marketing ROI KR leads the ranking
    (ranking,) = [d.value for d in at.dataframe if t("board.col.behind", lang) in d.value.columns]
    first = ranking.iloc[0]
    assert first[t("board.col.name", lang)] == roi["statement"]
    assert t("status.off_track", lang) in first[t("common.status", lang)]
    assert first[t("board.col.progress", lang)] == 35
    assert repeat["name"] in list(ranking[t("board.col.name", lang)])
    # one chart per KR and per indicator, the KRs furthest behind first
    titles = chart_titles(at)
    assert len(titles) == len(krs) + len(inds) == 15
    assert titles[0].startswith(f"🔴 {t('status.off_track', lang)} · 35% · ") and roi["statement"][:20] in titles[0]
    assert t("board.kr_charts", lang, count=9) in [s.value for s in at.subheader]
    ind_titles = titles[len(krs):]
    assert sorted(x.split(" · ", 1)[1] for x in ind_titles) == sorted(i["name"] for i in inds)
    assert f"🔴 {t('status.red', lang)} · {repeat['name']}" in ind_titles
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"KR · 🔴 {t('status.off_track', lang)}"] == "1"
    assert metrics[f"{t('board.indicators', lang)} · 🔴 {t('status.red', lang)}"] == "1"


def test_board_filters_narrow_the_kr_list(demo_db):
    db = demo_db("en")
    krs = read(db, lambda s, w: okr.list_key_results(s, w))
    at = board_as_of(db, "en")
    assert len(chart_titles(at)) == 15

    at.multiselect(key="board_f_owner").set_value(["Marketing"]).run()
    no_exceptions(at)
    assert "Every key result against its target (1)" in [s.value for s in at.subheader]
    titles = chart_titles(at)
    assert len(titles) == 1 + 6 and "Brand marketing ROI" in titles[0]
    (ranking,) = [d.value for d in at.dataframe if "Behind" in d.value.columns]
    assert list(ranking[ranking["Kind"] == "KR"]["Name"]) == ["Brand marketing ROI from 1:3 to 1:5 by Q4"]

    at.multiselect(key="board_f_owner").set_value([])
    at.multiselect(key="board_f_status").set_value(["at_risk"]).run()
    no_exceptions(at)
    titles = chart_titles(at)
    assert len(titles) == 1 + 6 and titles[0].startswith("🟡 at risk") and "One-click purchase" in titles[0]

    at.multiselect(key="board_f_status").set_value([])
    at.multiselect(key="board_f_level").set_value(["employee"]).run()
    no_exceptions(at)
    employee = [k["statement"][:20] for k in krs if k["owner"] == "Algorithm engineer Wang Lei"]
    titles = chart_titles(at)[:-6]
    assert len(titles) == len(employee) == 2
    assert all(any(e in x for x in titles) for e in employee)
    metrics = {m.label: m.value for m in at.metric}
    assert sum(int(metrics[f"KR · {w}"]) for w in ("🔴 off track", "🟡 at risk", "🟢 on track", "⏳ outdated",
                                                   "⚪ no data")) == 2


def test_board_shows_at_most_12_kr_charts_until_asked(demo_db):
    db = demo_db("en")
    s = Store(db)
    try:
        (w,) = s.list_workspaces()
        oid = okr.list_objectives(s, w["id"])[0]["id"]
        for n in range(5):
            okr.add_key_result(s, oid, {"statement": f"Extra KR {n} from 0 to 10 by Q4", "baseline": 0, "target": 10,
                                        "deadline": "2026-12-31"})
    finally:
        s.close()
    at = board_as_of(db, "en")
    assert len(chart_titles(at)) == 12 + 6
    assert "Every key result against its target (14)" in [x.value for x in at.subheader]
    assert t("board.more_krs", "en", count=2) in [c.value for c in at.caption]
    at.toggle(key="board_all").set_value(True).run()
    no_exceptions(at)
    assert len(chart_titles(at)) == 14 + 6


# -- a large workspace: paged ranking and alerts, a drill-down in three short steps ------------------------

def test_board_pages_a_large_ranking_and_drills_down_to_every_objective(tmp_path):
    from benchmarks import generate
    from strategy_core.track import monitor
    gen = generate.generate(tmp_path / "big.duckdb", scale=0.15, seed=5, out=None)
    s = Store(gen.db)
    try:
        snap = monitor.snapshot(s, gen.workspace_id)
        board = monitor.board(snap, generate.AS_OF)
    finally:
        s.close()
    krs = {k["id"]: k["statement"] for k in snap.key_results}
    names = {**{i["id"]: i["name"] for i in snap.indicators}}
    want = [krs[i] if kind == "key_result" else names[i] for kind, i, _ in board.ranking]
    assert len(want) > 2 * 50 and len(board.alerts) > 10, (len(want), len(board.alerts))

    at = open_app(gen.db, lang="en", page="board", workspace_id=gen.workspace_id, timeout=120)
    at.date_input(key="board_on").set_value(generate.AS_OF).run()
    no_exceptions(at)
    pages = -(-len(want) // 50)
    assert at.number_input(key="board_rank_page").max == pages
    seen = []
    for page in range(1, pages + 1):
        at.number_input(key="board_rank_page").set_value(page).run()
        no_exceptions(at)
        (ranking,) = [d.value for d in at.dataframe if "Behind" in d.value.columns]
        assert len(ranking) == (50 if page < pages else len(want) - 50 * (pages - 1))
        seen += list(ranking["Name"])
    assert seen == want                       # every KR and indicator behind, in order, on some page
    assert t("board.rows_shown", "en", first=50 * (pages - 1) + 1, last=len(want), total=len(want)) in \
        [c.value for c in at.caption]
    # alerts: ten at a time, every one reachable
    shown = [e.value for e in at.error if e.value.startswith(("KR “", "Indicator “"))]
    assert len(shown) == 10
    alert_pages = -(-len(board.alerts) // 10)
    at.number_input(key="board_alert_page").set_value(alert_pages).run()
    no_exceptions(at)
    shown = [e.value for e in at.error if e.value.startswith(("KR “", "Indicator “"))]
    assert len(shown) == len(board.alerts) - 10 * (alert_pages - 1)
    # the drill-down: level, then team, then one of that team's objectives; together they reach every objective
    assert at.selectbox(key="board_drill").value == snap.objectives[0]["id"]
    reached = set()
    for level in okr.LEVELS:
        at.selectbox(key="board_drill_level").set_value(level).run()
        teams = list(dict.fromkeys(o.get("team") or "" for o in snap.objectives if o["level"] == level))
        assert len(at.selectbox(key="board_drill_team").options) == len(teams)
        for team in teams:
            at.selectbox(key="board_drill_team").set_value(team).run()
            no_exceptions(at)
            box = at.selectbox(key="board_drill")
            assert len(box.options) < 100
            reached |= set(box.options)
    titles = {f"[{t('okr.level.' + o['level'], 'en')}] {o['title'][:70]}" for o in snap.objectives}
    assert reached == titles
