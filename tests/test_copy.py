"""Moving a company between databases (``copy``): every row, the trash and the change log, with their ids.

The target is `db_location`: a DuckDB file, or a PostgreSQL schema when $WORKBENCH_TEST_PG is set — so
on the PostgreSQL run these tests move a company from a file to the server.
"""
from __future__ import annotations

import pytest

from strategy_core import cli, demo
from strategy_core.errors import WorkbenchError
from strategy_core.exchange import portable
from strategy_core.plan import okr, workspace
from strategy_core.store import Store
from strategy_core.store import copy as copying
from strategy_core.clock import fixed
from tests.conftest import DEMO_YEAR, TODAY

AT = fixed(TODAY)       # both stores stamp the change log alike: a copy and its source then stay equal


def _company(path) -> tuple[Store, int]:
    """A DuckDB file with the demo, a KR in the trash, an undone change and a later one."""
    s = Store(path, clock=AT)
    wid = demo.load(s, "zh", DEMO_YEAR, today=TODAY)
    kr = okr.list_key_results(s, wid)[0]
    okr.delete_key_result(s, okr.list_key_results(s, wid)[-1]["id"], "Founder")
    okr.update_key_result(s, kr["id"], {"owner": "Mia"}, "Founder")
    s.undo(wid, "Founder")
    okr.update_key_result(s, kr["id"], {"owner": "Lee"}, "Founder")
    return s, wid


def _tables(s: Store) -> dict[str, list[tuple]]:
    return {t: s.dump(t)[1] for t in copying.TABLES}


def test_a_copy_holds_every_row_the_trash_and_the_change_log_and_goes_on_like_the_source(tmp_path, db_location):
    src, wid = _company(tmp_path / "laptop.duckdb")
    dst = Store(db_location, clock=AT)
    try:
        done = copying.copy(src, dst)
        assert done.rows["workspace"] == 1 and done.rows["audit_event"] == len(src.dump("audit_event")[1])
        assert _tables(dst) == _tables(src)                      # ids, trash, change log: the same rows
        assert dst.version(wid) == src.version(wid)
        assert portable.export_json(dst, wid) == portable.export_json(src, wid)
        assert [b["batch"] for b in dst.trash_batches(wid)] == [b["batch"] for b in src.trash_batches(wid)]
        # undo takes back the same change on both, and the copy's ids go on where the source's did
        last = max(max((r[0] for r in rows), default=0) for rows in _tables(src).values())
        assert dst.undo(wid, "Founder")["txn"] == src.undo(wid, "Founder")["txn"]
        owner = okr.list_key_results(dst, wid)[0]["owner"]
        assert owner == okr.list_key_results(src, wid)[0]["owner"] and owner not in ("Mia", "Lee")
        new = okr.add_objective(dst, wid, {"level": "company", "title": "Open a second shop", "owner": "Founder"})
        assert new > last
        assert okr.add_objective(src, wid, {"level": "company", "title": "Open a second shop", "owner": "Founder"}) == new
        assert _tables(dst) == _tables(src)
    finally:
        src.close()
        dst.close()


def test_a_copy_into_a_database_that_holds_anything_is_refused_and_writes_nothing(tmp_path, db_location):
    src, _ = _company(tmp_path / "laptop.duckdb")
    dst = Store(db_location)
    try:
        other = workspace.create(dst, {"name": "Already here", "year": DEMO_YEAR})
        before = _tables(dst)
        with pytest.raises(WorkbenchError) as e:
            copying.copy(src, dst)
        assert e.value.key == "copy.error.target_not_empty" and "workspace" in e.value.params["tables"]
        assert _tables(dst) == before and dst.list_workspaces()[0]["id"] == other
    finally:
        src.close()
        dst.close()


def test_a_copy_that_fails_half_way_leaves_the_target_empty(tmp_path, db_location, monkeypatch):
    src, _ = _company(tmp_path / "laptop.duckdb")
    dst = Store(db_location)
    real = Store.dump

    def failing(self, table):
        if table == "check_in":
            raise OSError("disk full")
        return real(self, table)

    monkeypatch.setattr(Store, "dump", failing)
    try:
        with pytest.raises(OSError):
            copying.copy(src, dst)
        monkeypatch.setattr(Store, "dump", real)
        assert all(not rows for rows in _tables(dst).values())
        assert copying.copy(src, dst).rows["workspace"] == 1      # and it can be copied again
    finally:
        src.close()
        dst.close()


def test_the_copy_command_moves_a_file_and_says_what_moved(tmp_path, capsys):
    src, wid = _company(tmp_path / "laptop.duckdb")
    events = len(src.dump("audit_event")[1])
    src.close()
    target = tmp_path / "moved.duckdb"
    assert cli.main(["--lang", "en", "copy", "--from", str(tmp_path / "laptop.duckdb"), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"{events} change-log entries" in out and "1 workspace(s)" in out
    moved, src = Store(target), Store(tmp_path / "laptop.duckdb")
    try:
        assert _tables(moved) == _tables(src)
        assert portable.export_json(moved, wid) == portable.export_json(src, wid)
    finally:
        moved.close()
        src.close()


def test_the_copy_command_names_what_is_wrong(tmp_path, capsys):
    assert cli.main(["--lang", "en", "copy", "--from", str(tmp_path / "none.duckdb"), "--to",
                     str(tmp_path / "x.duckdb")]) == 2
    assert "none.duckdb" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()
    assert cli.main(["--lang", "en", "copy", "--from", str(tmp_path / "none.duckdb"), "--to",
                     str(tmp_path / "no" / "x.duckdb")]) == 2


def test_a_failed_copy_into_a_new_file_leaves_no_file(tmp_path, monkeypatch, capsys):
    src, _ = _company(tmp_path / "laptop.duckdb")
    src.close()

    def failing(self, table):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "dump", failing)
    target = tmp_path / "moved.duckdb"
    assert cli.main(["--lang", "en", "copy", "--from", str(tmp_path / "laptop.duckdb"), "--to", str(target)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert not target.exists() and not target.with_name("moved.duckdb.wal").exists()
