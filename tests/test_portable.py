"""The workspace as one JSON document: export → import → export, every reference remapped,
one undoable transaction, and a file checked completely before anything is written."""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from strategy_core import demo
from strategy_core.exchange import portable
from strategy_core.plan import okr
from strategy_core.i18n import catalog, t
from strategy_core.store import Store
from strategy_core.store.store import ENTITY_TABLES

from tests.conftest import DEMO_YEAR, TODAY


def _canonical(doc: dict) -> dict:
    """The document with every id replaced by (table, position in its table) — ids are the one
    thing an import may change; the references must follow them exactly."""
    doc = copy.deepcopy(doc)
    number = {(table, r["id"]): f"{table}#{i}" for table, rows in doc["tables"].items() for i, r in enumerate(rows)}
    for table, fields in portable.TABLES.items():
        for r in doc["tables"][table]:
            r["id"] = number[(table, r["id"])]
            for f in fields:
                if (f.ref or f.kind_field) and r[f.name] is not None:
                    r[f.name] = number[(f.ref or r[f.kind_field], r[f.name])]
    return doc


def _all_rows(store: Store, wid: int) -> dict[str, int]:
    return {table: len(store.rows(table, wid)) for table in portable.TABLES}


def _state(store: Store) -> tuple:
    """Everything an import could have written: workspaces, every table's row count, the log."""
    return (store.query("SELECT count(*) AS n FROM workspace")[0]["n"],
            tuple(store.query(f"SELECT count(*) AS n FROM {t_}")[0]["n"] for t_ in ENTITY_TABLES),
            store.query("SELECT count(*) AS n FROM audit_event")[0]["n"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_import_export_gives_the_same_document(store, lang):
    wid = demo.load(store, lang, DEMO_YEAR, today=TODAY)
    first = portable.export_data(store, wid)
    assert all(first["tables"][t_] for t_ in portable.TABLES), "the demo fills every table"
    # the demo answers no adjustment at a later review yet: let the file do it, so that every
    # kind of reference (and each kind of a polymorphic one) is exercised
    reviews = first["tables"]["review"]
    first["tables"]["adjustment"][0]["responded_in"] = reviews[-1]["id"]
    for (table, name), target in portable.REFS.items():
        used = [r for r in first["tables"][table] if r[name] is not None]
        assert used, (table, name)
        if target is None:
            kind = next(f.kind_field for f in portable.TABLES[table] if f.name == name)
            assert len({r[kind] for r in used}) == 2, (table, name)
    text = portable.dumps(first)
    new = portable.import_json(store, text.encode("utf-8"), name="Imported copy")
    assert new != wid
    second = portable.export_data(store, new)
    assert second["workspace"]["name"] == "Imported copy"
    assert second["workspace"] | {"name": None} == first["workspace"] | {"name": None}
    # nothing in common: the copy has ids of its own ...
    old_ids = {r["id"] for rows in first["tables"].values() for r in rows}
    assert old_ids.isdisjoint(r["id"] for rows in second["tables"].values() for r in rows)
    # ... and apart from them the very same text
    assert (portable.dumps(_canonical(second) | {"workspace": None})
            == portable.dumps(_canonical(first) | {"workspace": None}))
    # the copy works like the original (same board, same findings)
    from strategy_core.track import monitor
    on = dt.date(DEMO_YEAR, 9, 30)
    a, b = monitor.board(monitor.snapshot(store, wid), on), monitor.board(monitor.snapshot(store, new), on)
    assert sorted(s.status for s in a.krs.values()) == sorted(s.status for s in b.krs.values())
    assert len(a.alerts) == len(b.alerts) > 0


def test_the_text_is_stable_sorted_and_plain(store, demo_ws):
    text = portable.export_json(store, demo_ws).decode("utf-8")
    assert text == portable.export_json(store, demo_ws).decode("utf-8")       # same data, same bytes
    assert text.startswith('{\n  "format": "strategy-workbench/workspace",\n  "version": 2,\n  "workspace": {')
    assert text.endswith("}\n") and "\t" not in text and "\\u" not in text  # Chinese as it is
    doc = json.loads(text)
    assert list(doc) == ["format", "version", "workspace", "tables"]
    assert list(doc["tables"]) == sorted(portable.TABLES)
    for table, rows in doc["tables"].items():
        assert [r["id"] for r in rows] == sorted(r["id"] for r in rows), table
        for r in rows:
            assert list(r) == sorted(r) == sorted(["id", *(f.name for f in portable.TABLES[table])]), table
    ci = doc["tables"]["check_in"][0]
    assert dt.date.fromisoformat(ci["date"]) and isinstance(ci["value"], float)
    ws = doc["workspace"]
    assert ws["name"] == store.get_workspace(demo_ws)["name"]
    assert {k: v for k, v in ws.items() if k not in ("name", "perspectives")} == {
        "year": DEMO_YEAR, "industry": "startup", "currency": "CNY", "day_basis": "month_30",
        "trading_days": None, "language": "zh"}


def test_the_format_covers_every_column_of_the_database(store):
    for table, fields in portable.TABLES.items():
        columns = set(store.column_types(table)) - {"id", "workspace_id", "deleted_at", "deleted_batch"}
        assert {f.name for f in fields} == columns, table
    ws_columns = set(store.column_types("workspace")) - {"id", "created_at", "deleted_at", "deleted_batch"}
    assert {f.name for f in portable.WORKSPACE_FIELDS} == ws_columns
    # every reference names a table of the format, and each polymorphic one its kind field
    for (table, name), target in portable.REFS.items():
        f = next(f for f in portable.TABLES[table] if f.name == name)
        assert (target in portable.TABLES) if target else f.kind_field in {g.name for g in portable.TABLES[table]}


def test_import_is_one_undoable_transaction(store, demo_ws):
    data = portable.export_json(store, demo_ws)
    before = _state(store)
    wid = portable.import_json(store, data, actor="test")
    counts = _all_rows(store, wid)
    assert counts == _all_rows(store, demo_ws) and sum(counts.values()) > 500
    log = store.query("SELECT DISTINCT txn, action, actor FROM audit_event WHERE workspace_id = ?", [wid])
    assert [(r["action"], r["actor"]) for r in log] == [("portable.import", "test")]
    assert t("action.portable.import", "en") != "action.portable.import"
    assert store.undo(wid)["action"] == "portable.import"
    assert all(n == 0 for n in _all_rows(store, wid).values())
    assert wid not in {w["id"] for w in store.list_workspaces(include_deleted=True)}
    after = _state(store)
    assert after[:2] == before[:2]          # every row gone again; only the log remembers
    assert _all_rows(store, demo_ws) == counts  # the original untouched


def test_a_write_that_fails_half_way_leaves_nothing(store, demo_ws):
    plan = portable.plan_json(portable.export_json(store, demo_ws))
    plan.tables["risk_plan"][-1]["cost"] = "not a number"   # slipped past the checks: the database refuses
    before = _state(store)
    with pytest.raises(Exception):
        portable.apply_json(store, plan)
    assert _state(store) == before


def test_rows_in_the_trash_stay_out_and_the_file_still_imports(store, demo_ws):
    kr = next(k for k in okr.list_key_results(store, demo_ws)
              if store.query("SELECT count(*) AS n FROM check_in WHERE key_result_id = ?", [k["id"]])[0]["n"])
    okr.delete_key_result(store, kr["id"])
    doc = portable.export_data(store, demo_ws)
    assert kr["id"] not in {k["id"] for k in doc["tables"]["key_result"]}
    # its check-ins are still live rows in the database, but they belong to a KR in the trash
    assert any(c["key_result_id"] == kr["id"] for c in store.rows("check_in", demo_ws))
    for table, fields in portable.TABLES.items():
        for r in doc["tables"][table]:
            for f in fields:
                if f.ref == "key_result":
                    assert r[f.name] != kr["id"], (table, f.name)
    wid = portable.import_json(store, portable.dumps(doc).encode())
    assert len(store.rows("check_in", wid)) == len(doc["tables"]["check_in"])


@pytest.fixture(scope="module")
def demo_doc(tmp_path_factory) -> dict:
    """The demo's document, made once (checking a file never touches a database)."""
    store = Store(tmp_path_factory.mktemp("doc") / "w.duckdb")
    try:
        return json.loads(portable.export_json(store, demo.load(store, "en", DEMO_YEAR, today=TODAY)))
    finally:
        store.close()


def _doc(source) -> dict:
    return copy.deepcopy(source)


def _refused(doc_or_bytes, **kw) -> portable.FileRefused:
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else json.dumps(doc_or_bytes).encode()
    with pytest.raises(portable.FileRefused) as e:
        portable.plan_json(data, **kw)
    for lang in ("zh", "en"):
        for line in e.value.lines(lang):
            assert "portable." not in line and "entity." not in line, line   # every key translated
    return e.value


def _paths(e: portable.FileRefused) -> list[tuple[str, str]]:
    return [(x.field, x.key) for x in e.errors]


def test_every_problem_is_named_by_table_row_and_field(store, demo_doc):
    doc = _doc(demo_doc)
    kr0, ci3 = doc["tables"]["key_result"][0], doc["tables"]["check_in"][3]
    del kr0["statement"]                                    # missing required field
    ci3["value"] = "12"                                     # wrong type
    doc["tables"]["check_in"][5]["date"] = "2026-02-30"     # not a date
    doc["tables"]["objective"][1]["level"] = "team"         # not an allowed value
    doc["tables"]["objective"][2]["colour"] = "red"         # unknown field
    doc["tables"]["plan_item"][0]["key_result_id"] = 999999999  # dangling reference
    doc["tables"]["strategy_link"][0]["cause_id"] = doc["tables"]["key_result"][1]["id"]  # not that kind
    doc["tables"]["risk"][0]["trigger_kind"] = None         # an id without its kind
    doc["tables"]["risk"][0]["trigger_id"] = doc["tables"]["indicator"][0]["id"]
    doc["tables"]["reading"][1]["id"] = doc["tables"]["reading"][0]["id"]   # the same id twice
    doc["tables"]["budgets"] = []                           # unknown table
    doc["workspace"]["year"] = 1850                         # a setting the workbench refuses
    before = _state(store)
    e = _refused(doc)
    found = _paths(e)
    for expected in [("tables.key_result[0].statement", "portable.error.missing"),
                     ("tables.check_in[3].value", "portable.error.type"),
                     ("tables.check_in[5].date", "portable.error.type"),
                     ("tables.objective[1].level", "portable.error.choice"),
                     ("tables.objective[2].colour", "portable.error.unknown_field"),
                     ("tables.plan_item[0].key_result_id", "portable.error.dangling"),
                     ("tables.strategy_link[0].cause_id", "portable.error.dangling"),
                     ("tables.risk[0].trigger_id", "portable.error.no_kind"),
                     ("tables.reading[1].id", "portable.error.duplicate_id"),
                     ("tables.budgets", "portable.error.unknown_table"),
                     ("workspace.year", "error.min")]:
        assert expected in found, (expected, found)
    assert len(found) == 11, found
    en = e.lines("en")
    assert "tables.plan_item[0].key_result_id: refers to key result 999999999, which is not in the file." in en
    assert "tables.check_in[3].value: expected a number, got “12”." in en
    assert any(line.startswith("tables.objective[1].level: “team” is not allowed; allowed: company") for line in en)
    assert "tables.plan_item[0].key_result_id: 引用了关键结果 999999999，但文件中没有它。" in e.lines("zh")
    with pytest.raises(portable.FileRefused):   # and the one-step import refuses it alike, writing nothing
        portable.import_json(store, json.dumps(doc).encode())
    assert _state(store) == before


@pytest.mark.parametrize("mutate,path,key", [
    (lambda d: d.update(format="something-else"), "format", "portable.error.format"),
    (lambda d: d.update(version=3), "version", "portable.error.version"),
    (lambda d: d.update(version=True), "version", "portable.error.version"),
    (lambda d: d.update(version="1"), "version", "portable.error.version"),
    (lambda d: d.pop("version"), "version", "portable.error.version"),
    (lambda d: d.update(tables=[]), "tables", "portable.error.not_object"),
    (lambda d: d["tables"].update(check_in={}), "tables.check_in", "portable.error.not_list"),
    (lambda d: d["tables"]["objective"].__setitem__(0, "objective"), "tables.objective[0]", "portable.error.not_object"),
    (lambda d: d.update(comment="hi"), "comment", "portable.error.unknown_key"),
    (lambda d: d["tables"]["onion_node"][0].update(position=2 ** 40), "tables.onion_node[0].position",
     "portable.error.range"),
    (lambda d: d["tables"]["indicator"][0].update(retired_at="yesterday"), "tables.indicator[0].retired_at",
     "portable.error.type"),
    (lambda d: d["tables"]["risk"][0].update(top=1), "tables.risk[0].top", "portable.error.type"),
    (lambda d: d["workspace"].pop("name"), "workspace.name", "portable.error.missing"),
])
def test_each_kind_of_broken_file(demo_doc, mutate, path, key):
    doc = _doc(demo_doc)
    mutate(doc)
    assert (path, key) in _paths(_refused(doc))


def test_not_json_not_utf8_not_a_document():
    e = _refused(b'{"format": "strategy-workbench/workspace",\n  "version": 1,,}')
    assert e.errors[0].key == "portable.error.not_json" and "line 2" in e.lines("en")[0]
    assert _refused(b"\xff\xfe{}").errors[0].key == "portable.error.not_utf8"
    assert _refused(b"[1, 2]").errors[0].key == "portable.error.not_document"
    assert _refused(b"[" * 100_000 + b"]" * 100_000).errors[0].key in ("portable.error.not_json",
                                                                       "portable.error.not_document")


def test_loops_of_references_are_refused(demo_doc):
    doc = _doc(demo_doc)
    nodes = doc["tables"]["onion_node"]
    root = next(i for i, n in enumerate(nodes) if n["parent_id"] is None)
    child = next(i for i, n in enumerate(nodes) if n["parent_id"] == nodes[root]["id"])
    nodes[root]["parent_id"] = nodes[child]["id"]
    objective, kr = doc["tables"]["objective"][1], None
    kr = next(k for k in doc["tables"]["key_result"] if k["objective_id"] == objective["id"])
    objective["aligns_to"] = kr["id"]
    found = _paths(_refused(doc))
    assert (f"tables.onion_node[{root}].parent_id", "portable.error.cycle") in found
    assert (f"tables.onion_node[{child}].parent_id", "portable.error.cycle") in found
    assert ("tables.objective[1].aligns_to", "portable.error.cycle") in found


def test_many_problems_are_listed_up_to_a_limit(demo_doc):
    doc = _doc(demo_doc)
    for r in doc["tables"]["reading"]:
        r["value"] = None
    e = _refused(doc)
    assert len(e.errors) == len(doc["tables"]["reading"]) > portable.MAX_PROBLEMS
    lines = e.lines("en")
    assert len(lines) == portable.MAX_PROBLEMS + 1
    assert lines[-1] == f"… and {len(e.errors) - portable.MAX_PROBLEMS} more problems."


def test_a_minimal_hand_written_file(store):
    """What a person may write by hand: only the required fields, tables left out."""
    doc = {"format": portable.FORMAT, "version": portable.VERSION,
           "workspace": {"name": "Hand made", "year": 2027, "currency": "USD", "day_basis": "calendar",
                         "language": "en"},
           "tables": {"objective": [{"id": 1, "level": "company", "title": "Win", "position": 0}],
                      "key_result": [{"id": 2, "objective_id": 1, "statement": "Revenue 10 M", "position": 0,
                                      "baseline": 0, "target": 10_000_000, "deadline": "2027-12-31"}],
                      "check_in": [{"id": 3, "key_result_id": 2, "date": "2027-03-01", "value": 1_000_000}]}}
    plan = portable.plan_json(json.dumps(doc).encode())
    assert plan.counts()["key_result"] == 1 and plan.counts()["risk"] == 0
    wid = portable.apply_json(store, plan)
    ws = store.get_workspace(wid)
    assert (ws["name"], ws["year"], ws["currency"], ws["industry"]) == ("Hand made", 2027, "USD", "other")
    [o] = store.rows("objective", wid)
    [k] = store.rows("key_result", wid)
    [c] = store.rows("check_in", wid)
    assert k["objective_id"] == o["id"] and c["key_result_id"] == k["id"] and k["target"] == 10_000_000.0
    assert c["date"] == dt.date(2027, 3, 1) and k["deadline"] == dt.date(2027, 12, 31)
    back = portable.export_data(store, wid)
    assert back["tables"]["key_result"][0]["metric"] is None  # every field written, null when empty


def test_catalog_has_every_portable_key():
    import re
    from pathlib import Path
    source = Path(portable.__file__).read_text("utf-8")
    used = set(re.findall(r'"(portable\.[a-z_.]+[a-z_])"', source))
    used |= {f"portable.type.{x}" for x in ("int", "number", "str", "bool", "date", "datetime")}
    used -= {portable.ACTION}   # the name of the action in the log; its words are action.portable.import
    used.add(f"action.{portable.ACTION}")
    for lang in ("zh", "en"):
        assert used - set(catalog(lang)) == set(), lang


def test_the_readme_documents_every_table_and_field():
    import re
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("## JSON format", 1)[1].split("\n## ", 1)[0]
    assert f'"format": "{portable.FORMAT}"' in section and f'"version": {portable.VERSION}' in section
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", section, re.M))
    assert list(rows) == list(portable.TABLES)
    for table, fields in portable.TABLES.items():
        documented = re.findall(r"`(\w+)`( → (?:by `\w+`|\w+)| \w+)( \*\*req\*\*)?", rows[table])
        assert [(name, bool(req)) for name, _, req in documented] == [(f.name, f.required) for f in fields], table
    for f in portable.WORKSPACE_FIELDS:
        assert f"`{f.name}`" in section
