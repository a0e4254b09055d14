"""The command line, run as a person would: `python -m strategy_core ...` in a subprocess,
on real DuckDB files in a temp folder."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_core import cli, quality
from strategy_core.plan import onion, workspace
from strategy_core.i18n import catalog, t
from strategy_core.store import migrations
from strategy_core.store.store import Store
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[1]
SERVICES_GAP = "3,000,333"


def run(*args: str, lang_env: str = "C.UTF-8", timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_DB", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang_env
    return subprocess.run([sys.executable, "-m", "strategy_core", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def plain_error(p: subprocess.CompletedProcess) -> None:
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    assert p.stderr.strip()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> tuple[Path, int]:
    db = tmp_path_factory.mktemp("demo") / "workbench.duckdb"
    assert run("init", "--db", db).returncode == 0
    p = run("demo", "--db", db, "--lang", "en", "--year", "2026", "--as-of", "2026-09-30")
    assert p.returncode == 0, p.stderr
    assert "data up to 2026-09-30" in p.stdout
    wid = int(re.search(r"workspace (\d+)", p.stdout).group(1))
    return db, wid


@pytest.fixture()
def clean_db(tmp_path) -> tuple[Path, int, int]:
    """Two workspaces built through the core: one with a consistent onion and no objectives,
    one whose only finding is a warning (a sum node with no children yet)."""
    db = tmp_path / "clean.duckdb"
    store = Store(db)
    try:
        ok = workspace.create(store, {"name": "Consistent Co", "year": 2026, "currency": "USD"})
        root = onion.add_node(store, ok, None, {"name": "Revenue", "kind": "amount", "amount": 1_200_000})
        onion.add_node(store, ok, root, {"name": "Product", "kind": "share", "share": 60,
                                         "units": 100, "unit_price": 600})  # 60 % of 100,000 a month
        onion.add_node(store, ok, root, {"name": "Services", "kind": "share", "share": 40})
        warn = workspace.create(store, {"name": "Half-done Co", "year": 2026})
        onion.add_node(store, warn, None, {"name": "Revenue", "kind": "sum"})
    finally:
        store.close()
    return db, ok, warn


# -- help ------------------------------------------------------------------------------

def test_help_lists_every_command():
    parser_commands = tuple(cli.build_parser("en")._subparsers._group_actions[0].choices)
    assert parser_commands == cli.COMMANDS
    for lang in ("en", "zh"):
        p = run("--help", "--lang", lang)
        assert p.returncode == 0, p.stderr
        for name in cli.COMMANDS:
            assert re.search(rf"^\s+{name}\s+\S", p.stdout, re.M), (name, p.stdout)
            assert t(f"cli.help.{name}", lang) in p.stdout
        assert "--db" in p.stdout and "--lang" in p.stdout
    for name in cli.COMMANDS:  # every command documented, in the module docs too
        assert re.search(rf"^\s+{name}\s", cli.__doc__, re.M), name
        p = run(name, "--help", "--lang", "en")
        assert p.returncode == 0, p.stderr
        assert "--db" in p.stdout and "--lang" in p.stdout
    assert "--year" in run("demo", "--help").stdout
    check_help = run("check", "--help").stdout
    assert "--workspace" in check_help and "--format" in check_help
    for lang in ("en", "zh"):
        status_help = run("status", "--help", "--lang", lang).stdout
        assert "--workspace" in status_help and "--as-of" in status_help and "--format" in status_help
        assert '"key_results"' in status_help and '"indicators"' in status_help  # the JSON shape
    assert "status --format json" in cli.__doc__ and '"status_text"' in cli.__doc__


def test_no_command_prints_help_and_exits_2():
    p = run()
    assert p.returncode == 2
    assert "init" in p.stderr and "check" in p.stderr


def test_cli_catalog_keys_match_and_cover_the_code():
    en = {k for k in catalog("en") if k.startswith("cli.")}
    zh = {k for k in catalog("zh") if k.startswith("cli.")}
    assert en == zh
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(cli.__file__).parent.glob("*.py"))
    used = set(re.findall(r'"(cli\.[a-z_.]+[a-z_])"', source))
    used |= {f"cli.{kind}.{c}" for kind in ("help", "desc") for c in cli.COMMANDS}
    used |= {f"cli.col.{c}" for c in ("id", "name", "year", "currency")}
    used |= {f"cli.severity.{s}" for s in ("fail", "warn")}
    used |= {f"cli.entity.{e}" for e in ("onion_node", "objective", "key_result", "workspace")}
    assert used - en == set()
    for lang in ("en", "zh"):  # the status words the CLI borrows from the board's catalog
        assert {f"status.{c}" for c in cli.STATUS_SYMBOL} <= set(catalog(lang))


# -- init, demo, workspaces --------------------------------------------------------------

def test_init_creates_the_file_and_reports_the_schema_version(tmp_path):
    db = tmp_path / "new" / "w.duckdb"
    p = run("init", "--db", db, "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert db.is_file()
    assert str(db) in p.stdout and f"schema version {migrations.LATEST}" in p.stdout
    again = run("--lang", "zh", "init", "--db", db)
    assert again.returncode == 0, again.stderr
    assert str(db) in again.stdout and str(migrations.LATEST) in again.stdout and "已就绪" in again.stdout


def test_global_options_before_or_after_the_command(demo_db):
    db, _ = demo_db
    before = run("--db", db, "--lang", "en", "workspaces", "--format", "json")
    after = run("workspaces", "--format", "json", "--db", db, "--lang", "en")
    assert before.returncode == after.returncode == 0
    assert json.loads(before.stdout)["workspaces"] == json.loads(after.stdout)["workspaces"]


def test_workspaces_text_and_json(demo_db):
    db, wid = demo_db
    p = run("workspaces", "--db", db, "--format", "json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)["workspaces"]
    demo = next(r for r in rows if r["id"] == wid)
    assert demo["year"] == 2026 and demo["currency"] == "CNY" and demo["name"]
    text = run("workspaces", "--db", db, "--lang", "en")
    assert text.returncode == 0
    assert "currency" in text.stdout and str(wid) in text.stdout and demo["name"] in text.stdout


def test_workspaces_on_an_empty_database(tmp_path):
    db = tmp_path / "empty.duckdb"
    assert run("init", "--db", db).returncode == 0
    p = run("workspaces", "--db", db, "--lang", "en")
    assert p.returncode == 0 and "No workspaces yet" in p.stdout
    assert json.loads(run("workspaces", "--db", db, "--format", "json").stdout)["workspaces"] == []
    c = run("check", "--db", db, "--format", "json")
    assert c.returncode == 0 and json.loads(c.stdout)["workspaces"] == []


def test_demo_in_chinese_and_bad_year(tmp_path):
    db = tmp_path / "zh.duckdb"
    p = run("demo", "--db", db, "--lang", "zh", "--year", "2030")
    assert p.returncode == 0, p.stderr
    assert "示范公司" in p.stdout and "2030" in p.stdout
    for bad in ("1999", "abc", "2026.5"):
        q = run("demo", "--db", db, "--year", bad, "--lang", "en")
        plain_error(q)
        assert bad in q.stderr and "2000" in q.stderr
    rows = json.loads(run("workspaces", "--db", db, "--format", "json").stdout)["workspaces"]
    assert len(rows) == 1  # nothing was loaded by the refused commands


# -- check ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_demo_names_the_services_gap(demo_db, lang):
    db, wid = demo_db
    p = run("check", "--db", db, "--workspace", wid, "--lang", lang)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert SERVICES_GAP in p.stdout
    assert t("cli.severity.fail", lang) in p.stdout
    assert t("cli.check.header", lang, id=wid, name="", year=2026, currency="CNY").split("·")[0] in p.stdout
    if lang == "zh":
        assert "缺口" in p.stdout
    else:
        assert "gap" in p.stdout and "short by" in p.stdout


def test_check_json(demo_db):
    db, wid = demo_db
    p = run("check", "--db", db, "--workspace", wid, "--format", "json", "--lang", "zh")
    assert p.returncode == 1
    assert "\\u" not in p.stdout  # ensure_ascii=False: Chinese stays readable
    data = json.loads(p.stdout)
    assert set(data) >= {"db", "lang", "errors", "warnings", "workspaces"}
    [ws] = data["workspaces"]
    assert (ws["id"], ws["year"], ws["currency"]) == (wid, 2026, "CNY")
    findings = ws["findings"]
    assert ws["errors"] == sum(f["severity"] == "fail" for f in findings) == data["errors"] > 0
    assert ws["warnings"] == sum(f["severity"] == "warn" for f in findings) == data["warnings"]
    assert {f["severity"] for f in findings} <= {"fail", "warn"}  # passes left out
    gap = next(f for f in findings if f["rule"] == "onion.units_price")
    assert gap["gap"] == pytest.approx(-3_000_333.33, abs=0.01)
    assert gap["entity"] == "onion_node" and gap["label"]
    assert SERVICES_GAP in gap["text"] and SERVICES_GAP in gap["gap_text"]
    assert any(f["rule"].startswith(("kr.", "obj.", "align.")) for f in findings)  # OKR quality too
    for f in findings:
        assert set(f) >= {"rule", "severity", "entity", "entity_id", "label", "field", "message", "params",
                          "text", "gap", "gap_text", "example", "example_text"}
        assert f["text"] and f["text"] != f["message"]  # translated, not a bare key


def test_check_all_workspaces_by_default(demo_db, clean_db):
    db, ok, warn = clean_db
    p = run("check", "--db", db, "--format", "json")
    assert p.returncode == 0, p.stderr
    assert {w["id"] for w in json.loads(p.stdout)["workspaces"]} == {ok, warn}
    db2, wid = demo_db
    assert run("check", "--db", db2).returncode == 1


def test_empty_cascade_has_no_quality_findings():
    # The decision the CLI relies on: quality rules say nothing about a workspace with no
    # objectives at all (the "no company objective" rule only fires once objectives exist).
    assert quality.check_all([], [], 2026) == []


def test_check_clean_workspace_exits_0(clean_db):
    db, ok, _ = clean_db
    p = run("check", "--db", db, "--workspace", ok, "--lang", "en")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "No problems found." in p.stdout and "Consistent Co" in p.stdout
    data = json.loads(run("check", "--db", db, "--workspace", ok, "--format", "json").stdout)
    assert data["errors"] == data["warnings"] == 0 and data["workspaces"][0]["findings"] == []


def test_check_warnings_only_exits_0(clean_db):
    db, _, warn = clean_db
    p = run("check", "--db", db, "--workspace", warn, "--lang", "en")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "WARNING" in p.stdout and "[onion.sum_empty]" in p.stdout


def test_lang_defaults_to_LANG_then_zh(clean_db):
    db, ok, _ = clean_db
    assert "No problems found." in run("check", "--db", db, "--workspace", ok, lang_env="en_US.UTF-8").stdout
    assert "没有发现问题" in run("check", "--db", db, "--workspace", ok, lang_env="C.UTF-8").stdout
    assert "没有发现问题" in run("check", "--db", db, "--workspace", ok, lang_env="zh_CN.UTF-8").stdout
    # an explicit --lang wins over $LANG
    assert "没有发现问题" in run("check", "--db", db, "--workspace", ok, "--lang", "zh",
                               lang_env="en_US.UTF-8").stdout


# -- problems: plain words on stderr, exit code 2 ---------------------------------------

def test_unknown_workspace_names_the_existing_ids(clean_db):
    db, ok, warn = clean_db
    p = run("check", "--db", db, "--workspace", "424242", "--lang", "en")
    plain_error(p)
    assert "424242" in p.stderr and str(ok) in p.stderr and str(warn) in p.stderr
    q = run("check", "--db", db, "--workspace", "x1", "--lang", "en")
    plain_error(q)
    assert "x1" in q.stderr


def test_missing_database_is_not_created_by_check(tmp_path):
    db = tmp_path / "nothing-here.duckdb"
    for cmd in ("check", "workspaces", "status"):
        p = run(cmd, "--db", db, "--lang", "en")
        plain_error(p)
        assert str(db) in p.stderr and "init" in p.stderr
    assert not db.exists()


@pytest.mark.parametrize("cmd", ["init", "demo", "workspaces", "check", "status"])
def test_foreign_file_is_refused_and_left_untouched(tmp_path, cmd):
    db = tmp_path / "foreign.duckdb"
    db.write_bytes(b"hello")
    p = run(cmd, "--db", db, "--lang", "en")
    plain_error(p)
    assert p.stderr.strip() == "Error: " + t("store.error.foreign", "en", path=str(db))
    assert db.read_bytes() == b"hello"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["foreign.duckdb"]  # no .wal, no backup


def test_locked_database_says_so_in_plain_words(demo_db):
    db, _ = demo_db
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from strategy_core.store.store import Store\n"
         "s = Store(sys.argv[1])\n"
         "print('ready', flush=True)\n"
         "time.sleep(60)\n", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        for lang in ("en", "zh"):
            p = run("check", "--db", db, "--lang", lang)
            plain_error(p)
            expected = t("store.error.locked", lang, path=str(db))
            assert expected != "store.error.locked" and expected in p.stderr
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
        holder.stderr.close()
    assert run("check", "--db", db).returncode == 1  # usable again once released


# -- status ----------------------------------------------------------------------------------

AS_OF = "2026-09-30"
ROI = "marketing ROI"           # the demo's kr3 runs at 45 % of its pace: off track by construction
REPEAT = "Repeat-purchase rate"  # below its 30 % target for months: red, an open alert


def _line(text: str, name: str) -> str:
    [line] = [ln for ln in text.splitlines() if name in ln]
    return line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_text_names_the_late_kr_and_the_red_indicator(demo_db, lang):
    db, wid = demo_db
    p = run("status", "--db", db, "--workspace", wid, "--as-of", AS_OF, "--lang", lang)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and AS_OF in p.stdout
    off, red, green = (cli.status_text(c, lang) for c in ("off_track", "red", "green"))
    assert "✗" in off and t("status.off_track", lang) in off  # a symbol and words, never colour alone
    roi = _line(p.stdout, ROI)
    data = json.loads(run("status", "--db", db, "--workspace", wid, "--as-of", AS_OF, "--format", "json").stdout)
    [kr] = [k for k in data["workspaces"][0]["key_results"] if ROI in k["statement"]]
    assert off in roi and f"{kr['progress']:.0%}" in roi
    repeat = _line(p.stdout, REPEAT)
    assert red in repeat and t("cli.status.alert", lang) in repeat and "≥ 30%" in repeat
    assert green in p.stdout
    assert t("cli.status.alerts", lang, count=1) in p.stdout
    assert "status." not in p.stdout and "cli." not in p.stdout  # no bare catalog keys
    if lang == "zh":
        assert "落后" in roi and "未达标" in repeat and "截至" in p.stdout
    else:
        assert "off track" in roi and "off target" in repeat


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_json(demo_db, lang):
    db, wid = demo_db
    p = run("status", "--db", db, "--as-of", AS_OF, "--format", "json", "--lang", lang)
    assert p.returncode == 0, p.stderr
    assert "\\u" not in p.stdout
    data = json.loads(p.stdout)
    assert (data["lang"], data["as_of"]) == (lang, AS_OF)
    [ws] = [w for w in data["workspaces"] if w["id"] == wid]
    assert ws["as_of"] == AS_OF and ws["year"] == 2026
    roi = next(k for k in ws["key_results"] if ROI in k["statement"])
    assert roi["status"] == "off_track" and roi["alert"] is False
    assert roi["status_text"] == cli.status_text("off_track", lang)
    # the demo runs this KR at 45 % of its pace (a small wobble on top)
    assert roi["progress"] == pytest.approx(0.45 * roi["expected"], abs=0.03) and roi["expectation"] > roi["progress"]
    assert roi["latest_date"] <= AS_OF and roi["latest"] is not None
    repeat = next(i for i in ws["indicators"] if REPEAT in i["name"])
    assert repeat["status"] == "red" and repeat["alert"] is True
    assert repeat["achievement"] < 1 and repeat["red_streak"] >= 1
    assert ws["alerts"] == data["alerts"] == sum(x["alert"] for x in ws["key_results"] + ws["indicators"]) == 1
    assert sum(ws["counts"]["key_results"].values()) == len(ws["key_results"]) == 9
    assert ws["counts"]["key_results"]["off_track"] == 1 and ws["counts"]["indicators"]["red"] == 1
    assert {o["status"] for o in ws["objectives"]} <= set(cli.KR_STATUSES)
    for k in ws["key_results"]:
        assert set(k) >= {"id", "objective_id", "statement", "latest", "latest_date", "progress", "expected",
                          "expectation", "status", "status_text", "alert"}
        assert k["status"] in cli.KR_STATUSES and t("status." + k["status"], lang) in k["status_text"]
    for i in ws["indicators"]:
        assert set(i) >= {"id", "name", "latest", "latest_date", "achievement", "status", "status_text", "alert",
                          "red_streak"}
        assert i["status"] in cli.INDICATOR_STATUSES and i["alert"] == (i["status"] == "red")


def test_status_defaults_every_workspace_as_of_today_in_its_year(clean_db):
    db, ok, warn = clean_db
    p = run("status", "--db", db, "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["as_of"] is None and data["alerts"] == 0
    assert {w["id"] for w in data["workspaces"]} == {ok, warn}
    from strategy_core.track import tracking
    assert {w["as_of"] for w in data["workspaces"]} == {tracking.today_in(2026, TODAY).isoformat()}
    assert all(w["key_results"] == [] and w["indicators"] == [] for w in data["workspaces"])
    text = run("status", "--db", db, "--workspace", ok, "--lang", "en")
    assert text.returncode == 0 and "No key results yet." in text.stdout and "No indicators yet." in text.stdout


def test_status_problems_exit_2_in_plain_words(demo_db, tmp_path):
    db, wid = demo_db
    for bad in ("2026-9-30", "30.09.2026", "2026-02-30", "tomorrow"):
        p = run("status", "--db", db, "--as-of", bad, "--lang", "en")
        plain_error(p)
        assert bad in p.stderr and "YYYY-MM-DD" in p.stderr
    p = run("status", "--db", db, "--workspace", "424242", "--lang", "zh")
    plain_error(p)
    assert "424242" in p.stderr and str(wid) in p.stderr
    empty = tmp_path / "empty.duckdb"
    assert run("init", "--db", empty).returncode == 0
    q = run("status", "--db", empty, "--lang", "en")
    assert q.returncode == 0 and "No workspaces to show" in q.stdout


def test_argparse_errors_exit_2(tmp_path):
    plain_error(run("bogus"))
    plain_error(run("check", "--format", "xml", "--db", tmp_path / "x.duckdb"))
    plain_error(run("--lang", "fr", "workspaces"))


def test_jsonable_makes_anything_serialisable():
    import datetime as dt
    import decimal
    data = cli.jsonable({"d": dt.date(2026, 3, 1), "nan": float("nan"), "inf": float("inf"),
                         "t": (1, 2.5), "dec": decimal.Decimal("1.5"), 3: {"x"}})
    assert json.loads(json.dumps(data, allow_nan=False)) == {
        "d": "2026-03-01", "nan": None, "inf": None, "t": [1, 2.5], "dec": 1.5, "3": ["x"]}


# -- export --format json, import, backup/restore (the last two: tests/test_backup.py) --------------

def test_export_json_then_import_gives_the_same_document(demo_db, tmp_path):
    from tests.test_portable import _canonical
    db, wid = demo_db
    first = tmp_path / "plan.json"
    p = run("export", "--db", db, "--workspace", wid, "--format", "json", "--out", first, "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert str(first) in p.stdout and "17 tables" in p.stdout
    before = run("workspaces", "--db", db, "--format", "json").stdout
    dry = run("import", "--db", db, "--file", first, "--dry-run", "--lang", "en")
    assert dry.returncode == 0, dry.stderr
    check_ins = len(json.loads(first.read_text("utf-8"))["tables"]["check_in"])
    assert check_ins > 100 and f"  check-in: {check_ins}\n" in dry.stdout and "Nothing was changed" in dry.stdout
    assert run("workspaces", "--db", db, "--format", "json").stdout == before
    p = run("import", "--db", db, "--file", first, "--name", "From git", "--lang", "en")
    assert p.returncode == 0, p.stderr
    new = int(re.search(r"workspace (\d+)", p.stdout).group(1))
    second = tmp_path / "again.json"
    assert run("export", "--db", db, "--workspace", new, "--format", "JSON", "--out", second).returncode == 0
    a, b = json.loads(first.read_text("utf-8")), json.loads(second.read_text("utf-8"))
    assert b["workspace"]["name"] == "From git"
    for d in (a, b):
        d["workspace"]["name"] = None
    assert _canonical(a) == _canonical(b)
    assert a["tables"]["check_in"][0]["id"] != b["tables"]["check_in"][0]["id"]


def test_import_refuses_a_broken_file_with_exit_1_and_changes_nothing(demo_db, tmp_path):
    db, wid = demo_db
    plan = tmp_path / "plan.json"
    assert run("export", "--db", db, "--workspace", wid, "--format", "json", "--out", plan).returncode == 0
    doc = json.loads(plan.read_text("utf-8"))
    doc["tables"]["key_result"][2]["objective_id"] = 123456789
    doc["tables"]["check_in"][7]["date"] = "7 March"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    before = run("workspaces", "--db", db, "--format", "json").stdout
    for extra in ((), ("--dry-run",)):
        p = run("import", "--db", db, "--file", broken, "--lang", "en", *extra)
        assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
        assert "Nothing was changed" in p.stderr
        assert "tables.key_result[2].objective_id: refers to objective 123456789, which is not in the file." in p.stderr
        assert "tables.check_in[7].date: expected a date YYYY-MM-DD, got “7 March”." in p.stderr
    assert run("workspaces", "--db", db, "--format", "json").stdout == before
    (tmp_path / "not.json").write_text("{ nope", encoding="utf-8")
    p = run("import", "--db", db, "--file", tmp_path / "not.json", "--lang", "zh")
    assert p.returncode == 1 and "JSON" in p.stderr and "第 1 行" in p.stderr
    p = run("import", "--db", db, "--file", tmp_path / "missing.json", "--lang", "en")
    assert p.returncode == 1 and str(tmp_path / "missing.json") in p.stderr
    p = run("import", "--db", db, "--file", plan, "--workspace", wid, "--lang", "en")
    plain_error(p)
    assert "new workspace" in p.stderr
    assert run("workspaces", "--db", db, "--format", "json").stdout == before


def test_import_dry_run_does_not_create_the_database(demo_db, tmp_path):
    db, wid = demo_db
    plan = tmp_path / "plan.json"
    assert run("export", "--db", db, "--workspace", wid, "--format", "json", "--out", plan).returncode == 0
    fresh = tmp_path / "fresh.duckdb"
    assert run("import", "--db", fresh, "--file", plan, "--dry-run").returncode == 0
    assert not fresh.exists()
    p = run("import", "--db", fresh, "--file", plan, "--lang", "en")   # a plan restored from git into a new file
    assert p.returncode == 0, p.stderr
    listed = json.loads(run("workspaces", "--db", fresh, "--format", "json").stdout)["workspaces"]
    assert [w["name"] for w in listed] == [json.loads(plan.read_text("utf-8"))["workspace"]["name"]]


def test_export_json_of_an_unknown_workspace(demo_db, tmp_path):
    db, wid = demo_db
    p = run("export", "--db", db, "--workspace", 424242, "--format", "json", "--out", tmp_path / "x.json",
            "--lang", "en")
    plain_error(p)
    assert "424242" in p.stderr and str(wid) in p.stderr and not (tmp_path / "x.json").exists()
