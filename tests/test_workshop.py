"""Workshop mode: a passcode before any page or data, a name once, the room's network only when asked."""
from __future__ import annotations

import json
import os
import stat

import pytest

from strategy_core import demo, workshop
from strategy_core.errors import WorkbenchError
from strategy_core.i18n import t
from strategy_core.store import Store
from tests.apptest import open_app, texts
from tests.conftest import TODAY

PASSCODE = "room-42-tea"


def test_the_passcode_is_kept_as_a_salted_scrypt_hash(tmp_path):
    path = tmp_path / "w.duckdb.passcode"
    workshop.save(path, PASSCODE)
    stored = workshop.load(path)
    assert stored["scheme"] == "scrypt" and PASSCODE not in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert workshop.verify(PASSCODE, stored) and not workshop.verify(PASSCODE + "x", stored)
    assert not workshop.verify("", stored)
    again = workshop.hash_passcode(PASSCODE)
    assert again["salt"] != stored["salt"] and again["hash"] != stored["hash"]      # salted
    with pytest.raises(WorkbenchError) as e:
        workshop.hash_passcode("12345")
    assert "6" in e.value.text("en") and "6" in e.value.text("zh")


def test_a_damaged_passcode_file_lets_nobody_in(tmp_path):
    path = tmp_path / "p"
    for text in ("", "{", json.dumps({"scheme": "plain", "hash": PASSCODE}), json.dumps([1])):
        path.write_text(text)
        assert workshop.load(path) is None
    assert not workshop.verify(PASSCODE, {"scheme": "scrypt", "salt": "zz"})


def test_wrong_tries_are_slowed_down_for_every_browser_and_a_right_one_resets():
    waited: list[float] = []
    th = workshop.Throttle()
    stored = workshop.hash_passcode(PASSCODE)
    for _ in range(4):
        assert not th.check("guess", stored, sleep=waited.append)
    assert th.check(PASSCODE, stored, sleep=waited.append)
    assert waited == [0.0, 1.0, 2.0, 4.0, 8.0]
    assert th.delay() == 0.0
    for _ in range(10):
        th.check("guess", stored, sleep=lambda s: None)
    assert th.delay() == 30.0


def test_the_server_listens_where_asked_and_checks_the_host():
    p = workshop.plan("0.0.0.0", 8502)
    assert "localhost" in p.hosts and "127.0.0.1" in p.hosts
    args = workshop.streamlit_args(p)
    pairs = dict(zip(args[::2], args[1::2]))
    assert pairs["--server.address"] == "0.0.0.0" and pairs["--server.port"] == "8502"
    assert [v for k, v in zip(args, args[1:]) if k == "--server.allowedHosts"] == p.hosts
    assert pairs["--server.enableXsrfProtection"] == "true" and pairs["--client.showErrorDetails"] == "none"
    assert workshop.plan("192.0.2.10", 8501).urls == ["http://192.0.2.10:8501"]


@pytest.fixture
def workshop_db(tmp_path, monkeypatch):
    db = tmp_path / "workbench.duckdb"
    s = Store(db)
    demo.load(s, "en", 2026, today=TODAY)
    s.close()
    workshop.save(workshop.passcode_file(db), PASSCODE)
    monkeypatch.setenv(workshop.ENV_MODE, "1")
    return db


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_but_the_passcode_form_before_the_passcode(workshop_db, lang):
    at = open_app(workshop_db, lang=lang)
    shown = texts(at)
    assert t("workshop.gate.title", lang) in shown
    assert "Demo company" not in shown and not at.selectbox and len(at.text_input) == 1   # no data, no sidebar
    at.text_input(key="_workshop_passcode").set_value("not it")
    at.button[0].click().run()
    assert t("workshop.gate.wrong", lang) in texts(at) and "Demo company" not in texts(at)
    at.text_input(key="_workshop_passcode").set_value(PASSCODE)
    at.button[0].click().run()
    assert t("workshop.name.title", lang) in texts(at) and "Demo company" not in texts(at)
    at.text_input(key="_workshop_name").set_value("  Li Wei ")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["actor"] == "Li Wei"
    assert any("Demo company" in o for o in at.selectbox(key="_ws_choice").options)     # the workbench, at last


def test_outside_workshop_mode_there_is_no_gate(tmp_path, monkeypatch):
    monkeypatch.delenv(workshop.ENV_MODE, raising=False)
    db = tmp_path / "w.duckdb"
    Store(db).close()
    at = open_app(db)
    assert t("workshop.gate.title", "en") not in texts(at)


def test_a_workshop_started_without_a_passcode_lets_nobody_in(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    Store(db).close()
    monkeypatch.setenv(workshop.ENV_MODE, "1")
    at = open_app(db)
    assert t("workshop.gate.no_passcode", "en") in texts(at) and not at.text_input


def test_the_launcher_refuses_to_start_without_a_passcode_and_no_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv(workshop.ENV_PASSCODE, raising=False)
    monkeypatch.setattr("sys.stdin", open(os.devnull))
    assert workshop.main(["--address", "127.0.0.1"]) == 2
    assert workshop.ENV_PASSCODE in capsys.readouterr().err
    assert not workshop.passcode_file(tmp_path / "w.duckdb").exists()
