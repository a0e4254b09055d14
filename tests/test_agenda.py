"""The workshop agenda: the default in zh and en, the checks of a session, the shared timer (start,
next, finish, more time, over-run), the table edit in one go, its place in the JSON file and the copy,
and the page with the countdown that every other page shows."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from strategy_core import clock
from strategy_core.exchange import portable
from strategy_core.plan import workspace
from strategy_core.routines import agenda
from strategy_core.errors import ConflictError, ValidationError
from strategy_core.i18n import t
from tests.apptest import open_app, texts
from ui.forms import escape_md
from tests.conftest import NOW

T0 = NOW.replace(hour=9)


def _fields(e: ValidationError) -> set[str]:
    return {fe.field for fe in e.errors}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_default_agenda_covers_the_seven_days_in_the_language_asked(store, ws, lang):
    assert agenda.load_default(store, ws, lang) == len(agenda.DEFAULT)
    sessions = agenda.list_sessions(store, ws)
    assert [s["title"] for s in sessions] == [t(f"agenda.default.{k}", lang) for _, k, _, _ in agenda.DEFAULT]
    assert sorted({s["day"] for s in sessions}) == list(agenda.DAYS)
    day12 = {s["page"] for s in sessions if s["day"] <= 2}
    assert {"onion", "okr"} <= day12                          # days 1–2: peel the onion, write the OKRs
    assert all(s["started_at"] is None for s in sessions)
    with pytest.raises(ValidationError) as e:                   # never over what the team wrote
        agenda.load_default(store, ws, lang)
    assert e.value.errors[0].key == "agenda.error.not_empty"
    assert len(agenda.list_sessions(store, ws)) == len(agenda.DEFAULT)


@pytest.mark.parametrize("data,field", [
    ({"day": 0}, "day"), ({"day": 8}, "day"), ({"day": 1.5}, "day"), ({"day": None}, "day"),
    ({"title": "  "}, "title"), ({"title": "x" * 201}, "title"),
    ({"minutes": 4}, "minutes"), ({"minutes": 481}, "minutes"), ({"minutes": 2.5}, "minutes"),
    ({"minutes": "soon"}, "minutes"), ({"page": "nowhere"}, "page"), ({"page": None}, "page"),
])
def test_a_session_is_refused_at_its_field_and_nothing_is_written(store, ws, data, field):
    good = {"day": 1, "title": "Opening", "minutes": 30, "page": "home"}
    with pytest.raises(ValidationError) as e:
        agenda.add_session(store, ws, {**good, **data})
    assert _fields(e.value) == {field}
    assert agenda.list_sessions(store, ws) == []


def test_a_new_session_goes_to_the_end_of_its_day(store, ws):
    agenda.load_default(store, ws, "en")
    sid = agenda.add_session(store, ws, {"day": "1", "title": "Coffee", "minutes": "15", "page": "home"})
    day1 = [s for s in agenda.list_sessions(store, ws) if s["day"] == 1]
    assert day1[-1]["id"] == sid and day1[-1]["minutes"] == 15


def test_the_timer_counts_down_over_runs_and_moves_on(store, ws):
    agenda.load_default(store, ws, "en")
    first, second, *_ = agenda.list_sessions(store, ws)
    assert agenda.timer(agenda.list_sessions(store, ws), T0) is None
    assert agenda.start_next(store, ws, T0) == first["id"]
    s = agenda.list_sessions(store, ws)
    tm = agenda.timer(s, T0 + dt.timedelta(minutes=10, seconds=1))
    assert tm.session["id"] == first["id"] and tm.elapsed == 601 and tm.left == 30 * 60 - 601
    assert not tm.overrun and tm.minutes_left == 20 and tm.next["id"] == second["id"]
    late = agenda.timer(s, T0 + dt.timedelta(minutes=31))
    assert late.overrun and late.minutes_left == 1
    assert agenda.extend(store, first["id"]) == 35                 # the room goes on: five more minutes
    assert not agenda.timer(agenda.list_sessions(store, ws), T0 + dt.timedelta(minutes=31)).overrun
    # starting the next one finishes this one, at that moment
    t1 = T0 + dt.timedelta(minutes=40)
    assert agenda.start_next(store, ws, t1) == second["id"]
    rows = {r["id"]: r for r in agenda.list_sessions(store, ws)}
    assert rows[first["id"]]["finished_at"] == t1 and rows[second["id"]]["started_at"] == t1
    assert [r["id"] for r in rows.values() if r["started_at"] and not r["finished_at"]] == [second["id"]]
    # one session may be started out of order; the one running is finished
    last = list(rows.values())[-1]
    agenda.start(store, last["id"], t1 + dt.timedelta(minutes=1))
    assert agenda.running(agenda.list_sessions(store, ws))["id"] == last["id"]
    assert agenda.start_next(store, ws, t1 + dt.timedelta(minutes=2)) is None     # the agenda is through
    assert agenda.running(agenda.list_sessions(store, ws)) is None


def test_a_timer_action_on_a_session_someone_changed_is_refused(store, ws):
    agenda.load_default(store, ws, "en")
    seen = agenda.list_sessions(store, ws)[0]
    agenda.extend(store, seen["id"])                              # the other facilitator, a moment before
    with pytest.raises(ConflictError):
        agenda.extend(store, seen["id"], seen=seen)
    with pytest.raises(ConflictError):
        agenda.start(store, seen["id"], T0, seen=seen)
    assert agenda.list_sessions(store, ws)[0]["minutes"] == seen["minutes"] + agenda.EXTEND_MINUTES
    assert agenda.running(agenda.list_sessions(store, ws)) is None


def test_a_table_edit_saves_all_or_nothing_and_names_the_row(store, ws):
    agenda.load_default(store, ws, "en")
    shown = agenda.list_sessions(store, ws)
    before = [dict(r) for r in shown]
    with pytest.raises(ValidationError) as e:
        agenda.apply_edits(store, ws, shown=shown, changed={0: {"title": "Kick-off"}, 2: {"minutes": 1000}},
                           added=[{"day": 9, "title": "Party", "minutes": 60, "page": "home"}], deleted=[1])
    texts_ = [fe.text("en") for fe in e.value.errors]
    assert any(x.startswith("Row 3, Time box (min)") for x in texts_), texts_
    assert any(x.startswith("New row 1, Day") for x in texts_), texts_
    assert agenda.list_sessions(store, ws) == before
    n = agenda.apply_edits(store, ws, shown=shown, changed={0: {"title": "Kick-off"}, 3: {"day": 2}},
                           added=[{"day": 1, "title": "Lunch", "minutes": 60, "page": "home"}], deleted=[1])
    assert n == 4
    after = agenda.list_sessions(store, ws)
    assert after[0]["title"] == "Kick-off" and before[1]["id"] not in {r["id"] for r in after}
    day1 = [r for r in after if r["day"] == 1]
    assert day1[-1]["title"] == "Lunch"
    moved = next(r for r in after if r["id"] == before[3]["id"])
    assert moved["day"] == 2 and [r for r in after if r["day"] == 2][-1]["id"] == moved["id"]
    # a table shown before someone else's save refuses to save over it: nothing changes
    with pytest.raises(ConflictError):
        agenda.apply_edits(store, ws, shown=shown, changed={0: {"title": "Mine"}}, added=[], deleted=[])
    assert agenda.list_sessions(store, ws) == after


def test_the_agenda_travels_in_the_json_file_and_a_version_1_file_still_reads(store, ws):
    agenda.load_default(store, ws, "zh")
    agenda.start_next(store, ws, T0)
    doc = portable.export_data(store, ws)
    assert len(doc["tables"]["agenda_session"]) == len(agenda.DEFAULT)
    new = portable.import_json(store, json.dumps(doc).encode(), name="Copy")
    assert [(r["title"], r["minutes"], r["started_at"]) for r in agenda.list_sessions(store, new)] == \
           [(r["title"], r["minutes"], r["started_at"]) for r in agenda.list_sessions(store, ws)]
    old = {**doc, "version": 1, "tables": {k: v for k, v in doc["tables"].items() if k != "agenda_session"}}
    older = portable.import_json(store, json.dumps(old).encode(), name="Old")
    assert agenda.list_sessions(store, older) == []
    with pytest.raises(portable.FileRefused) as e:      # version 1 knew no agenda
        portable.plan_json({**doc, "version": 1})
    assert [fe.field for fe in e.value.errors] == ["tables.agenda_session"]


def test_a_copied_workspace_takes_the_agenda_with_its_timer_reset(store, ws):
    agenda.load_default(store, ws, "en")
    agenda.start_next(store, ws, T0)
    new = workspace.copy(store, ws, "Next year", 2027)
    rows = agenda.list_sessions(store, new)
    assert [r["title"] for r in rows] == [r["title"] for r in agenda.list_sessions(store, ws)]
    assert all(r["started_at"] is None and r["finished_at"] is None for r in rows)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_loads_the_default_starts_a_session_and_every_page_shows_the_countdown(db_location, lang):
    from strategy_core.store import Store
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme", "year": 2026})
    s.close()
    at = open_app(db_location, lang=lang, page="agenda", workspace_id=wid)
    assert not at.exception
    assert t("agenda.empty", lang) in texts(at)
    at.button(key="agenda_default").click().run()
    first = t("agenda.default.opening", lang)
    assert first in texts(at) and t("agenda.idle", lang) in texts(at)
    at.button(key="agenda_next").click().run()
    assert not at.exception
    shown = texts(at)
    assert f"## {escape_md(first)}" in shown and t("agenda.started", lang, title=first) in shown
    # another page: the countdown at the top, with the jump to the session's page
    at.switch_page("pages/okr.py").run()
    shown = texts(at)
    assert t("agenda.banner", lang, day=1, title=escape_md(first)) in shown
    assert t("agenda.left", lang, minutes=30) in shown
    links = [el.proto.label for el in at.get("page_link")]
    assert t("agenda.go", lang, page=t("nav.home", lang)) in links, links
    # the session over-runs: said in words on every page
    s = Store(db_location)
    run = agenda.running(agenda.list_sessions(s, wid))
    with s.transaction(wid, "agenda.start") as tx:
        tx.update("agenda_session", run["id"], {"started_at": clock.now() - dt.timedelta(minutes=45)})
    s.close()
    at.run()
    # 45 min gone of a 30 min box: 15 min over (16 once a second has passed since)
    assert f"⛔ {t('agenda.over', lang, minutes=15)}" in texts(at) or f"⛔ {t('agenda.over', lang, minutes=16)}" in texts(at)
