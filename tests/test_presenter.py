"""Presenter view: one item per screen, previous / next, edited in place as the room decides."""
from __future__ import annotations

import pytest

from strategy_core.plan import okr
from strategy_core.routines import risk
from strategy_core.views import presenter
from strategy_core.i18n import t
from tests.apptest import open_app, texts
from tests.conftest import TODAY
from ui.forms import escape_md


def test_the_demo_deck_follows_the_seven_days(store, demo_ws):
    deck = presenter.slides(store, demo_ws, TODAY)
    kinds = [s.kind for s in deck]
    assert kinds == sorted(kinds, key=presenter.KINDS.index)                 # OKRs, onion, scorecard, risks, review
    assert kinds.count("objective") == len(okr.list_objectives(store, demo_ws))
    assert [s.head["layer"] for s in deck if s.kind == "onion"] == ["financial", "business", "channel"]
    services = next(r for s in deck if s.kind == "onion" for r in s.rows if r["status"] == "gap")
    assert services["planned"] == pytest.approx(333_000)                     # the method's slip shows
    roi = next(k for s in deck if s.kind == "objective" for k in s.rows if k["baseline"] == 3)
    assert roi["status"] == "off_track" and roi["progress_pct"] < roi["expected_pct"]
    fired = [s for s in deck if s.kind == "risk" and s.head["fired"]]
    assert fired and [p["label"] for p in fired[0].rows] == ["A", "B", "C"]
    assert [s.kind for s in presenter.slides(store, demo_ws, TODAY, ("risk",))] == ["risk"] * 3
    assert len({s.key for s in deck}) == len(deck)


def test_position_moves_and_stops_at_the_ends(store, demo_ws):
    deck = presenter.slides(store, demo_ws, TODAY)
    assert presenter.position(deck, None) == 0 and presenter.position(deck, deck[0].key, -1) == 0
    assert presenter.position(deck, deck[-1].key, 1) == len(deck) - 1
    assert presenter.position(deck, deck[2].key, 1) == 3 and presenter.position(deck, "objective:gone") == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_steps_through_and_edits_in_place(db_location, lang):
    from strategy_core import demo
    from strategy_core.store import Store
    s = Store(db_location)
    wid = demo.load(s, lang, 2026, today=TODAY)
    first = okr.list_objectives(s, wid)[0]
    s.close()
    at = open_app(db_location, lang=lang, page="presenter", workspace_id=wid)
    assert not at.exception
    assert escape_md(first["title"]) in at.header[0].value and t("presenter.kind.objective", lang) in texts(at)
    at.button(key="presenter_next").click().run()
    assert escape_md(first["title"]) not in at.header[0].value
    at.button(key="presenter_prev").click().run()
    assert escape_md(first["title"]) in at.header[0].value
    at.text_input(key=f"presenter_obj_{first['id']}__owner").set_value("CEO & COO")
    at.button(key=f"presenter_obj_save_{first['id']}").click().run()
    assert not at.exception
    s = Store(db_location)
    assert s.row("objective", first["id"])["owner"] == "CEO & COO"
    # the risks only, the fired one on screen with its plans
    at.pills(key="presenter_kinds").set_value(["risk"]).run()
    assert t("risk.plan", lang, label="A") in texts(at)
    rid = risk.list_risks(s, wid)[0]["id"]
    s.close()
    assert at.button(key=f"presenter_risk_save_{rid}")
