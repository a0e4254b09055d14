"""Time is an input: one clock at the edges, and nothing else reads it."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from strategy_core import clock
from strategy_core.errors import WorkbenchError
from strategy_core.i18n import t
from strategy_core.store import Store

ROOT = Path(__file__).resolve().parents[1]
# calls that read the wall clock (module attribute chains as written in the code)
CLOCK_READS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"),
               ("time", "time"), ("time", "localtime"), ("time", "gmtime")}


def _clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else None
            if (name, node.func.attr) in CLOCK_READS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "now" \
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "Timestamp":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_only_the_clock_reads_the_clock():
    """The core, the pages and the UI helpers are told the date; only strategy_core/clock.py asks the
    machine (the CLI and the app ask *it*)."""
    files = [p for d in ("strategy_core", "ui", "pages") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
    reads = [r for p in files if p.name != "clock.py" or p.parent.name != "strategy_core" for r in _clock_reads(p)]
    assert reads == []
    assert _clock_reads(ROOT / "strategy_core" / "clock.py")      # the check itself finds a read


def test_a_fixed_clock_says_its_day_with_the_time_running():
    c = clock.fixed(dt.date(2031, 2, 28))
    assert c.today() == dt.date(2031, 2, 28)
    assert c.now().date() == dt.date(2031, 2, 28)


def test_the_environment_pins_the_day(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2028-02-29")
    assert clock.today() == dt.date(2028, 2, 29) and clock.now().date() == dt.date(2028, 2, 29)
    monkeypatch.delenv(clock.ENV)
    assert isinstance(clock.today(), dt.date)


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2026-9-30", "20260930"])
def test_a_pinned_day_that_is_not_a_date_is_refused_in_words(monkeypatch, value):
    monkeypatch.setenv(clock.ENV, value)
    with pytest.raises(WorkbenchError) as e:
        clock.today()
    for lang in ("zh", "en"):
        assert value in e.value.text(lang) and clock.ENV in e.value.text(lang)
    assert e.value.text("en") == t("clock.error.bad_env", "en", name=clock.ENV, value=value)


def test_the_store_stamps_its_change_log_with_its_clock(tmp_path):
    from strategy_core.plan import workspace
    s = Store(tmp_path / "w.duckdb", clock=clock.fixed(dt.date(2031, 2, 28)))
    try:
        workspace.create(s, {"name": "Acme", "year": 2031})
        events = s.query("SELECT at_time FROM audit_event")
        assert events and all(e["at_time"].date() == dt.date(2031, 2, 28) for e in events)
    finally:
        s.close()


# -- the command line: --as-of on every command, the pinned day refused in words when it is no date ------

def test_the_demo_command_takes_as_of_and_says_which_year_and_day_it_holds(tmp_path):
    from tests.test_cli import run
    db = tmp_path / "w.duckdb"
    p = run("demo", "--db", db, "--lang", "en", "--as-of", "2028-02-29")      # before 1 April: last year
    assert p.returncode == 0, p.stderr
    assert "(2027)" in p.stdout and "data up to 2027-12-31" in p.stdout and "Note:" not in p.stdout
    p = run("--as-of", "2026-02-10", "demo", "--db", db, "--lang", "en", "--year", "2026")   # before the command too
    assert p.returncode == 0, p.stderr
    assert "data up to 2026-02-10" in p.stdout and "2026-04-01" in p.stdout                 # partial, and said so
    s = Store(db)
    try:
        events = s.query("SELECT DISTINCT CAST(at_time AS DATE) AS d FROM audit_event ORDER BY d")
        assert [e["d"] for e in events] == [dt.date(2026, 2, 10), dt.date(2028, 2, 29)]   # the log follows it
    finally:
        s.close()


def test_a_bad_as_of_or_pinned_day_is_a_plain_error(tmp_path, monkeypatch):
    from tests.test_cli import plain_error, run
    db = tmp_path / "w.duckdb"
    p = run("demo", "--db", db, "--as-of", "2026-02-30", "--lang", "en")
    plain_error(p)
    assert "2026-02-30" in p.stderr and not db.exists()
    monkeypatch.setenv(clock.ENV, "someday")
    p = run("init", "--db", db, "--lang", "en")
    plain_error(p)
    assert "someday" in p.stderr and clock.ENV in p.stderr and not db.exists()
