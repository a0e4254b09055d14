"""The Store: migrations, backups, audit, undo, trash, and files it must refuse."""
import datetime as dt
import hashlib
import json
import subprocess
import sys
import threading

import duckdb
import pytest

from strategy_core.plan import okr, onion, workspace
from strategy_core.errors import ConflictError, StoreOpenError
from strategy_core.store import Store, migrations

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_migrated_to_latest(store):
    assert store.schema_version == migrations.LATEST
    assert store.backup_path is None  # nothing to back up on a new file


def test_migrating_a_database_made_by_an_earlier_step(db_path):
    # build the file as release 1 left it, with data in it
    con = duckdb.connect(str(db_path))
    assert migrations.migrate(con, upto=1) == [1]
    con.execute("INSERT INTO workspace (id, name, year, currency, day_basis, language, created_at) "
                "VALUES (nextval('id_seq'), 'Old plan', 2025, 'CNY', 'month_30', 'zh', now()::TIMESTAMP)")
    con.close()
    s = Store(db_path)
    try:
        assert s.schema_version == migrations.LATEST
        assert [w["name"] for w in s.list_workspaces()] == ["Old plan"]
        # a backup was taken before the step ran, and it is the version-1 file
        assert s.backup_path is not None and s.backup_path.exists()
        old = duckdb.connect(str(s.backup_path), read_only=True)
        assert migrations.current_version(old) == 1
        old.close()
        # the new step works on the old data
        wid = s.list_workspaces()[0]["id"]
        workspace.rename(s, wid, "Renamed")
        assert s.last_undoable(wid)["action"] == "workspace.update"
    finally:
        s.close()


def test_foreign_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_bytes(b"these are my meeting notes, not a database\n" * 10)
    before = digest(path)
    with pytest.raises(StoreOpenError) as e:
        Store(path)
    assert e.value.key == "store.error.foreign"
    assert "not a workbench database" in e.value.text("en") and "不是工作台数据库" in e.value.text("zh")
    assert digest(path) == before
    assert not (tmp_path / "notes.duckdb.wal").exists()


def test_other_duckdb_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    before = digest(path)
    with pytest.raises(StoreOpenError) as e:
        Store(path)
    assert e.value.key == "store.error.foreign"
    assert digest(path) == before


def test_empty_file_and_missing_folder(tmp_path):
    (tmp_path / "empty.duckdb").write_bytes(b"")
    with pytest.raises(StoreOpenError):
        Store(tmp_path / "empty.duckdb")
    with pytest.raises(StoreOpenError) as e:
        Store(tmp_path / "nope" / "x.duckdb")
    assert e.value.key == "store.error.no_folder"


def test_newer_schema_is_refused(db_path):
    s = Store(db_path)
    s.close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO schema_version VALUES (999, 'from the future', now()::TIMESTAMP)")
    con.close()
    with pytest.raises(StoreOpenError) as e:
        Store(db_path)
    assert e.value.key == "store.error.too_new"


def test_second_process_gets_plain_words(db_path):
    s = Store(db_path)
    try:
        code = ("import sys; sys.path.insert(0, %r)\n"
                "from strategy_core.store import Store\n"
                "from strategy_core.errors import StoreOpenError\n"
                "try:\n    Store(%r)\nexcept StoreOpenError as e:\n    print(e.key); print(e.text('en'))\n"
                % (str(ROOT), str(db_path)))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.stdout.splitlines()[0] == "store.error.locked", out.stderr
        assert "in use by another program" in out.stdout
        assert "Traceback" not in out.stderr
    finally:
        s.close()


def test_every_action_is_audited_with_before_and_after(store, ws):
    workspace.rename(store, ws, "Acme 2")
    (ev,) = [e for e in store.audit(ws) if e["action"] == "workspace.update"]
    assert json.loads(ev["before"])["name"] == "Acme" and json.loads(ev["after"])["name"] == "Acme 2"


def test_undo_takes_back_only_the_change_the_button_named(store, ws):
    """Two people, one undo button: the change offered is read on one screen, another change is saved on
    another screen before the click — the click undoes nothing (and says so) instead of the other change."""
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Grow", "owner": "CEO"})
    offered = store.last_undoable(ws)
    assert offered["action"] == "objective.add"
    okr.update_objective(store, oid, {"title": "Grow faster"})      # someone else, meanwhile
    version = store.version(ws)
    with pytest.raises(ConflictError) as e:
        store.undo(ws, seen_txn=offered["txn"])
    assert e.value.key == "store.error.undo_moved"
    assert store.version(ws) == version                              # nothing written, not even an audit row
    assert [o["title"] for o in okr.list_objectives(store, ws)] == ["Grow faster"]
    # offered again, the newest change is what goes back
    assert store.undo(ws, seen_txn=store.last_undoable(ws)["txn"])["action"] == "objective.update"
    assert [o["title"] for o in okr.list_objectives(store, ws)] == ["Grow"]


def test_undo_walks_back_one_action_at_a_time(store, ws):
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Grow", "owner": "CEO"})
    okr.update_objective(store, oid, {"title": "Grow faster"})
    okr.delete_objective(store, oid)
    assert okr.list_objectives(store, ws) == []
    assert store.undo(ws)["action"] == "objective.delete"
    assert [o["title"] for o in okr.list_objectives(store, ws)] == ["Grow faster"]
    assert store.undo(ws)["action"] == "objective.update"
    assert [o["title"] for o in okr.list_objectives(store, ws)] == ["Grow"]
    assert store.undo(ws)["action"] == "objective.add"
    assert okr.list_objectives(store, ws) == []
    # the workspace creation is the last thing left to undo
    assert store.last_undoable(ws)["action"] == "workspace.create"
    # undo is recorded too (append-only log)
    assert sum(1 for e in store.audit(ws) if e["action"] == "undo") == 3


def test_undo_of_a_multi_row_action_restores_all_rows(store, demo_ws):
    nodes = onion.list_nodes(store, demo_ws)
    root = next(n for n in nodes if n["parent_id"] is None)
    onion.delete_node(store, root["id"])
    assert onion.list_nodes(store, demo_ws) == []
    store.undo(demo_ws)
    assert onion.list_nodes(store, demo_ws) == nodes


def test_undo_of_demo_load_removes_it_whole(store, demo_ws):
    assert store.undo(demo_ws)["action"] == "demo.load"
    assert store.list_workspaces() == []
    assert set(store.counts(demo_ws).values()) == {0}


def test_failed_action_leaves_nothing_half_saved(store, ws):
    with pytest.raises(RuntimeError):
        with store.transaction(ws, "test.half") as tx:
            tx.insert("objective", {"workspace_id": ws, "level": "company", "title": "half", "position": 0})
            raise RuntimeError("power cut")
    assert okr.list_objectives(store, ws) == []
    assert all(e["action"] != "test.half" for e in store.audit(ws))


def test_threads_each_use_their_own_cursor(store, ws):
    errors = []

    def work(i):
        try:
            for j in range(5):
                okr.add_objective(store, ws, {"level": "company", "title": f"T{i}-{j}"})
                okr.list_objectives(store, ws)
        except Exception as e:  # pragma: no cover - the assertion below reports it
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert len(okr.list_objectives(store, ws)) == 20


def test_concurrent_update_of_one_row_is_reported_not_lost(store, ws):
    from strategy_core.errors import ConflictError
    oid = okr.add_objective(store, ws, {"level": "company", "title": "Same row"})
    started = threading.Event()
    release = threading.Event()
    result = {}

    def slow_writer():
        with store.transaction(ws, "objective.update") as tx:
            tx.update("objective", oid, {"title": "first"})
            started.set()
            release.wait(10)
        result["first"] = "committed"

    t = threading.Thread(target=slow_writer)
    t.start()
    started.wait(10)
    try:
        okr.update_objective(store, oid, {"title": "second"})
        result["second"] = "committed"
    except ConflictError as e:
        result["second"] = e.key
    release.set()
    t.join()
    assert result["first"] == "committed"
    assert result["second"] == "store.error.conflict"
    assert store.row("objective", oid)["title"] == "first"


def test_arrow_reads_the_same_rows_as_rows_column_wise(store, demo_ws):
    from strategy_core.track import tracking
    for table in ("check_in", "reading", "key_result", "objective"):
        t = store.arrow(table, demo_ws)
        assert t.num_rows > 0 and t.to_pylist() == store.rows(table, demo_ws)
    t = store.arrow("check_in", demo_ws, ["key_result_id", "date", "value"])
    assert t.column_names == ["key_result_id", "date", "value"]
    assert t.to_pylist() == [{k: r[k] for k in t.column_names} for r in store.rows("check_in", demo_ws)]
    # the trash is read the same way
    first = tracking.list_check_ins(store, demo_ws)[0]
    with store.transaction(demo_ws, "check_in.delete") as tx:
        tx.trash("check_in", [first["id"]], tx.txn)
    assert [r["id"] for r in store.arrow("check_in", demo_ws, deleted=True).to_pylist()] == [first["id"]]
    assert first["id"] not in store.arrow("check_in", demo_ws)["id"].to_pylist()
    assert store.arrow("check_in", demo_ws + 999_999).num_rows == 0
    with pytest.raises(AssertionError):
        store.arrow("check_in", demo_ws, ["nope"])


def test_arrow_reads_hard_text_numbers_and_empty_values_exactly(store, ws):
    """What a CSV-shaped read could get wrong (the server reads column-wise through COPY … CSV)."""
    notes = [None, "", '"', 'said "no", then left', "line one\nline two\r\n", "a,b;c\t", "\\N", "NULL",
             "空格 ", " ", "😀", "x" * 5000]
    values = [0.1, 1e-12, -3.5, 123456789.123456789, 2.0 ** 53, 1 / 3]
    rows = [{"workspace_id": ws, "key_result_id": 7, "date": dt.date(2026, 1, 1 + i), "value": values[i % len(values)],
             "confidence": None if i % 3 else i, "note": n} for i, n in enumerate(notes)]
    with store.transaction(ws, "check_in.add") as tx:
        tx.insert_many("check_in", rows)
    got = store.arrow("check_in", ws).to_pylist()
    assert got == store.rows("check_in", ws)
    assert [r["note"] for r in got] == notes and [r["value"] for r in got] == [r["value"] for r in rows]
    assert store.arrow("check_in", ws, ["date", "confidence"]).to_pylist()[:3] == [
        {"date": dt.date(2026, 1, 1), "confidence": 0}, {"date": dt.date(2026, 1, 2), "confidence": None},
        {"date": dt.date(2026, 1, 3), "confidence": None}]


def test_undo_of_a_bulk_insert_removes_every_row_in_bulk_and_is_audited(store, ws):
    rows = [{"workspace_id": ws, "key_result_id": 1, "date": dt.date(2026, 1, 1 + i % 28), "value": float(i)}
            for i in range(2_000)]
    with store.transaction(ws, "check_in.paste") as tx:
        tx.insert_many("check_in", rows)
        first = tx.insert("check_in", {"workspace_id": ws, "key_result_id": 1, "date": dt.date(2026, 2, 1),
                                       "value": 1.0})
        tx.update("check_in", first, {"value": 2.0})          # created, then changed: undo removes it
    assert len(store.rows("check_in", ws)) == 2_001
    done = store.undo(ws)
    assert done is not None and store.rows("check_in", ws) == []
    events = [e for e in store.audit(ws, limit=5_000) if e["action"] == "undo"]
    assert len(events) == 2_001 and all(e["after"] is None and e["before"] for e in events)
