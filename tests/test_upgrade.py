"""The upgrade suite: a database as the first release left it (schema version 1, built from the frozen
tests/fixtures/schema_v1.sql) opened with today's code is backed up first, migrated to the latest
schema, and keeps every row and every value; the workbench then works on it. A file written by a
newer DuckDB is refused in plain words and left as it was."""
from __future__ import annotations

import hashlib
import struct

import duckdb
import pytest

from strategy_core.exchange import portable
from strategy_core.plan import okr, onion
from strategy_core.routines import agenda
from strategy_core.track import monitor
from strategy_core.errors import StoreOpenError
from strategy_core.store import Store
from strategy_core.store import migrations
from tests.conftest import TODAY
from tests.fixtures.build_v1 import build

V1_TABLES = ("workspace", "onion_node", "objective", "key_result")


def _v1_rows(path) -> dict[str, list[tuple]]:
    c = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in V1_TABLES:
            cols = [r[0] for r in c.execute(f"DESCRIBE {table}").fetchall()]
            out[table] = (cols, c.execute(f"SELECT * FROM {table} ORDER BY id").fetchall())
        return out
    finally:
        c.close()


@pytest.fixture
def v1(tmp_path):
    return build(tmp_path / "release-1.duckdb")


def test_the_first_release_file_is_backed_up_migrated_and_keeps_every_value(v1):
    before = _v1_rows(v1)
    digest = hashlib.sha256(v1.read_bytes()).hexdigest()
    s = Store(v1)
    try:
        assert s.schema_version == migrations.LATEST
        assert s.backup_path is not None and s.backup_path.name.startswith(f"{v1.name}.bak-v1-")
        for table, (cols, rows) in before.items():
            got = s.query(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id")
            assert [tuple(r[c] for c in cols) for r in got] == rows, table
    finally:
        s.close()
    # the backup is the file as it was: schema 1, the same rows, byte for byte what was there
    assert hashlib.sha256(s.backup_path.read_bytes()).hexdigest() == digest
    assert _v1_rows(s.backup_path) == before


def test_the_workbench_works_on_the_migrated_file(v1):
    s = Store(v1)
    try:
        assert sorted(w["name"] for w in s.list_workspaces()) == ["Acme Retail", "星火教育 2026"]   # 3: in the trash
        krs = okr.list_key_results(s, 1)
        assert [k["id"] for k in krs] == [20, 21, 22]
        assert all(k["committed"] is not False and (k["weight"] in (None, 1.0)) for k in krs)
        root = onion.compute(onion.list_nodes(s, 1), s.get_workspace(1)).root
        assert root.annual == 50_000_000
        board = monitor.board(monitor.snapshot(s, 1), TODAY)
        assert set(board.krs) == {20, 21, 22} and set(board.objectives) == {10, 11}
        # the later tables are there and take rows; new ids do not collide with the old ones
        new = okr.add_objective(s, 1, {"level": "department", "title": "续费率提升到 70%", "aligns_to": 20})
        assert new not in {10, 11, 12, 13}
        assert agenda.load_default(s, 1, "zh") == len(agenda.DEFAULT)
        assert portable.export_data(s, 1)["tables"]["key_result"][0]["statement"] == "年营收从 3,000 万增长到 5,000 万"
    finally:
        s.close()


def test_every_released_step_still_reads_the_frozen_file(v1):
    """Step by step (1→2→…→latest), each in its own transaction, as a user upgrading one release at a time."""
    c = duckdb.connect(str(v1))
    try:
        for version in range(2, migrations.LATEST + 1):
            assert migrations.migrate(c, upto=version) == [version]
            assert c.execute("SELECT count(*) FROM key_result").fetchall()[0][0] == 5
    finally:
        c.close()


def _newer_storage(path, version: int = 9999) -> None:
    """Make *path* say it was written by a newer DuckDB: the storage version in its main header, with
    the header's checksum recomputed (DuckDB's own: 5381 xor'ed with each 8-byte word × 0xbf58476d1ce4e5b9)."""
    data = bytearray(path.read_bytes())
    data[12:20] = struct.pack("<Q", version)
    checksum = 5381
    for (word,) in struct.iter_unpack("<Q", bytes(data[8:4096])):
        checksum ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    data[0:8] = struct.pack("<Q", checksum)
    path.write_bytes(bytes(data))


def test_a_file_of_a_newer_duckdb_is_refused_in_words_and_untouched(tmp_path):
    path = tmp_path / "newer.duckdb"
    Store(path).close()
    _newer_storage(path)
    before = path.read_bytes()
    with pytest.raises(StoreOpenError) as e:
        Store(path)
    assert e.value.key == "store.error.newer_duckdb" and e.value.params["got"] == "9999"
    for lang in ("zh", "en"):
        assert "9999" in e.value.text(lang) and duckdb.__version__ in e.value.text(lang)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("newer.duckdb.bak*"))
