"""Two people, one row: no acknowledged write is ever lost.

20 sessions (threads, as Streamlit runs them) edit the fields of the same KR and of other KRs at once,
many rounds. Every save either lands or is refused with the conflict message; at the end every
acknowledged write is present (or was followed by a later acknowledged write of the same field), the
change log has exactly one entry per applied change, and its before/after chain has no gap (a lost
write would show as an event whose *before* is not the previous event's *after*).
"""
from __future__ import annotations

import json
import random
import threading

import pytest

from strategy_core.plan import okr, workspace
from strategy_core.errors import ConflictError
from strategy_core.store import Store

THREADS, ROUNDS = 20, 12
FIELDS = ("data_support", "execution_steps")


def _setup(store: Store) -> tuple[int, list[int]]:
    wid = workspace.create(store, {"name": "Acme", "year": 2026})
    oid = okr.add_objective(store, wid, {"level": "company", "title": "Make our regulars come back every week",
                                         "owner": "Founder"})
    krs = [okr.add_key_result(store, oid, {"statement": f"Weekly regulars from {100 + i} to {200 + i} by Q4",
                                           "baseline": 100 + i, "target": 200 + i, "deadline": "2026-12-31",
                                           "owner": "Founder"}) for i in range(3)]
    return wid, krs


def _chain_is_whole(store: Store, kr_id: int) -> int:
    """The KR's change-log entries form one unbroken history; returns how many updates it holds."""
    events = store.query("SELECT before, after FROM audit_event WHERE entity = 'key_result' AND entity_id = ? "
                         "AND action = 'key_result.update' ORDER BY id", [kr_id])
    for prev, ev in zip(events, events[1:]):
        assert json.loads(ev["before"]) == json.loads(prev["after"]), "a write was applied over one it did not see"
    return len(events)


@pytest.mark.parametrize("as_a_person", [True, False], ids=["seen-when-the-form-opened", "read-by-the-save"])
def test_twenty_sessions_editing_one_kr_never_lose_a_write(store, as_a_person):
    rng = random.Random(20261206)
    _, krs = _setup(store)
    acked: dict[tuple[int, str], list[str]] = {}
    refused = applied = 0
    for rnd in range(ROUNDS):
        # most sessions edit the first KR (half one field, half the other); some edit the other KRs
        jobs = [(krs[0] if n < 14 else krs[1 + n % 2], FIELDS[n % 2], f"r{rnd}-s{n}-{rng.random():.6f}")
                for n in range(THREADS)]
        opened = {k: store.row("key_result", k) for k in krs}       # what each form shows
        start = threading.Barrier(THREADS)
        results: list[tuple[int, str, str, str]] = []
        lock = threading.Lock()

        def work(kid: int, field: str, value: str) -> None:
            start.wait()
            try:
                okr.update_key_result(store, kid, {field: value}, "tester",
                                      seen=opened[kid] if as_a_person else None)
                outcome = "ok"
            except ConflictError as e:
                assert e.key in ("store.error.changed", "store.error.conflict")
                outcome = "refused"
            with lock:
                results.append((kid, field, value, outcome))

        threads = [threading.Thread(target=work, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(results) == THREADS                           # every save was answered
        for kid, field, value, outcome in results:
            if outcome == "ok":
                acked.setdefault((kid, field), []).append(value)
                applied += 1
            else:
                refused += 1
        if as_a_person:   # every form opened on the same version: at most one save per KR can land
            for k in krs:
                assert sum(1 for r in results if r[0] == k and r[3] == "ok") <= 1
        # what the database holds now is an acknowledged value of each field (or the one before)
        for k in krs:
            row = store.row("key_result", k)
            for field in FIELDS:
                mine = [r[2] for r in results if r[0] == k and r[1] == field and r[3] == "ok"]
                if mine:
                    assert row[field] in mine, (rnd, k, field)
                else:
                    assert row[field] == opened[k][field], (rnd, k, field)
    assert applied > 0 and refused > 0 and applied + refused == THREADS * ROUNDS
    assert sum(_chain_is_whole(store, k) for k in krs) == applied   # one change-log entry per applied save


def test_a_save_from_a_form_opened_before_someone_elses_save_is_refused_and_changes_nothing(store):
    _, krs = _setup(store)
    mine = store.row("key_result", krs[0])                          # I open the form
    okr.update_key_result(store, krs[0], {"data_support": "theirs"}, "them")   # they save first
    with pytest.raises(ConflictError) as e:
        okr.update_key_result(store, krs[0], {"execution_steps": "mine"}, "me", seen=mine)
    assert e.value.key == "store.error.changed"
    row = store.row("key_result", krs[0])
    assert row["data_support"] == "theirs" and row["execution_steps"] == mine["execution_steps"]
    # opened again, on their version, my save lands beside theirs
    okr.update_key_result(store, krs[0], {"execution_steps": "mine"}, "me", seen=row)
    row = store.row("key_result", krs[0])
    assert (row["data_support"], row["execution_steps"]) == ("theirs", "mine")


# -- the same in two browser sessions (AppTest), on the workspace settings form ---------------------------

def _settings(at, wid: int):
    return at.text_input(key=f"ws_settings_{wid}__name"), at.button(key=f"ws_save_{wid}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_session_whose_row_changed_meanwhile_sees_the_conflict_next_to_the_form_with_its_input_kept(
        db_location, lang):
    from strategy_core.i18n import t
    from tests.apptest import open_app, texts
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme", "year": 2026})
    s.close()
    mine = open_app(db_location, lang=lang, page="workspaces", workspace_id=wid)
    theirs = open_app(db_location, lang=lang, page="workspaces", workspace_id=wid)
    assert _settings(mine, wid)[0].value == _settings(theirs, wid)[0].value == "Acme"
    # they rename it and save; meanwhile I typed another name into the form I had opened
    name, save = _settings(theirs, wid)
    name.set_value("Acme Coffee")
    save.click().run()
    name, save = _settings(mine, wid)
    name.set_value("Acme Roasters")
    save.click().run()
    assert t("store.error.changed", lang) in texts(mine)                       # said next to the form
    assert _settings(mine, wid)[0].value == "Acme Roasters"                     # my input is kept
    s = Store(db_location)
    assert s.get_workspace(wid)["name"] == "Acme Coffee"                         # theirs is not lost
    s.close()
    # "Show the saved version" drops my input and shows theirs
    mine.button(key=f"_take_saved_ws_settings_{wid}").click().run()
    assert _settings(mine, wid)[0].value == "Acme Coffee"
    assert t("store.error.changed", lang) not in texts(mine)


def test_a_form_nobody_typed_into_follows_the_other_sessions_save_on_its_next_rerun(db_location):
    from tests.apptest import open_app
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Acme", "year": 2026})
    s.close()
    mine = open_app(db_location, page="workspaces", workspace_id=wid)
    theirs = open_app(db_location, page="workspaces", workspace_id=wid)
    name, save = _settings(theirs, wid)
    name.set_value("Acme Coffee")
    save.click().run()
    mine.run()
    assert _settings(mine, wid)[0].value == "Acme Coffee"
