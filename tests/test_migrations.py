"""A database an earlier release left behind (schema v2: OKRs and the audit log, no scorecard) is
opened by today's Store: backed up, migrated to the latest version, its data intact and usable with
the scorecard, check-ins and the board."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from strategy_core.plan import bsc, okr
from strategy_core.track import measure, monitor, tracking
from strategy_core.store import Store, migrations


@pytest.fixture
def v2_file(db_path):
    """A version-2 file holding one workspace, one objective and one KR (as release 2 wrote them)."""
    con = duckdb.connect(str(db_path))
    assert migrations.migrate(con, upto=2) == [1, 2]
    ws, obj, kr = (int(con.execute("SELECT nextval('id_seq')").fetchall()[0][0]) for _ in range(3))
    con.execute("INSERT INTO workspace (id, name, year, industry, currency, day_basis, language, created_at) "
                "VALUES (?, '老计划', 2026, 'retail', 'CNY', 'month_30', 'zh', TIMESTAMP '2026-01-05 09:00:00')",
                [ws])
    con.execute("INSERT INTO objective (id, workspace_id, level, title, owner, period_start, period_end, position) "
                "VALUES (?, ?, 'company', '让老客户愿意再来', 'CEO', DATE '2026-01-01', DATE '2026-12-31', 0)",
                [obj, ws])
    con.execute("INSERT INTO key_result (id, workspace_id, objective_id, statement, unit, baseline, target, "
                "direction, deadline, owner, alert_value, position) VALUES (?, ?, ?, '复购率从 22% 提升到 30%', '%', "
                "22, 30, 'up', DATE '2026-12-31', '运营部', 20, 0)", [kr, ws, obj])
    con.execute("INSERT INTO audit_event (id, txn, workspace_id, at_time, actor, action, entity, entity_id, before, "
                "after) VALUES (nextval('id_seq'), ?, ?, TIMESTAMP '2026-01-05 09:00:00', 'old', 'workspace.create', "
                "'workspace', ?, NULL, '{}')", [ws, ws, ws])
    con.close()
    return {"path": db_path, "ws": ws, "objective": obj, "kr": kr}


def test_a_v2_file_is_backed_up_and_migrated_with_its_data_intact(v2_file):
    s = Store(v2_file["path"])
    try:
        assert s.schema_version == migrations.LATEST >= 3
        # the backup is the untouched version-2 file, next to the database
        assert s.backup_path is not None and s.backup_path.exists()
        assert s.backup_path.parent == v2_file["path"].parent and "bak-v2" in s.backup_path.name
        old = duckdb.connect(str(s.backup_path), read_only=True)
        try:
            assert migrations.current_version(old) == 2
            tables = {r[0] for r in old.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            assert "indicator" not in tables and "key_result" in tables
        finally:
            old.close()
        (w,) = s.list_workspaces()
        assert (w["id"], w["name"], w["year"], w["industry"]) == (v2_file["ws"], "老计划", 2026, "retail")
        (o,) = okr.list_objectives(s, w["id"])
        assert (o["title"], o["owner"], o["period_end"]) == ("让老客户愿意再来", "CEO", dt.date(2026, 12, 31))
        (k,) = okr.list_key_results(s, w["id"])
        assert (k["id"], k["statement"], k["baseline"], k["target"], k["alert_value"]) == (
            v2_file["kr"], "复购率从 22% 提升到 30%", 22, 30, 20)
        assert len(s.audit(w["id"])) == 1
        # the new columns are empty, and read sensibly
        assert w["perspectives"] is None and bsc.perspectives_of(w) == list(bsc.PERSPECTIVES)
        assert o["perspective"] is None and bsc.map_nodes(s, w["id"]) == {}
        assert k["committed"] is None and k["weight"] is None
    finally:
        s.close()


def test_old_krs_count_as_committed_with_weight_one_on_the_board(v2_file):
    s = Store(v2_file["path"])
    try:
        wid, kid = v2_file["ws"], v2_file["kr"]
        tracking.add_check_in(s, kid, {"date": "2026-07-01", "value": 25, "confidence": 6})
        on = dt.date(2026, 7, 1)
        board = monitor.board(monitor.snapshot(s, wid), on)
        st = board.krs[kid]
        assert st.committed is True and st.weight == 1.0
        assert st.expectation == pytest.approx(st.expected)  # a committed KR is expected at the full pace
        assert st.progress == pytest.approx(3 / 8)
        # the same KR written today as committed, weight 1, measures the same
        explicit = measure.evaluate(okr.list_objectives(s, wid),
                                    [{**k, "committed": True, "weight": 1.0} for k in okr.list_key_results(s, wid)],
                                    tracking.list_check_ins(s, wid), [], [], on)
        assert explicit.krs[kid] == st
        assert board.objectives[v2_file["objective"]].score == pytest.approx(3 / 8)
        # an edit through today's form fills the columns in
        okr.update_key_result(s, kid, {"owner": "运营部 · 李娜"})
        k = s.row("key_result", kid)
        assert (k["committed"], k["weight"]) == (True, 1.0)
    finally:
        s.close()


def test_the_new_tables_work_on_the_old_data(v2_file):
    s = Store(v2_file["path"])
    try:
        wid, kid, oid = v2_file["ws"], v2_file["kr"], v2_file["objective"]
        iid = bsc.add_indicator(s, wid, {"perspective": "process", "name": "订单交付周期", "unit": "h",
                                         "comparator": "<", "target": 72, "band": 12, "frequency": "weekly",
                                         "key_result_ids": [kid]})
        assert bsc.indicator_links(s, wid) == {iid: [kid]}
        tracking.add_check_in(s, kid, {"date": "2026-03-02", "value": 23.5, "confidence": 7})
        tracking.add_reading(s, iid, {"date": "2026-02-28", "value": 90})
        okr.update_objective(s, oid, {"perspective": "financial"})
        bsc.add_link(s, wid, {"cause_kind": "indicator", "cause_id": iid, "effect_kind": "objective",
                              "effect_id": oid})
        assert bsc.check_map(bsc.map_nodes(s, wid), s.rows("strategy_link", wid)) == []
        assert bsc.apply_template(s, wid, "retail", "zh") == (4, 0)
        board = monitor.board(monitor.snapshot(s, wid), dt.date(2026, 3, 2))
        assert board.indicators[iid].status == "red" and board.krs[kid].current == 23.5
        assert ("indicator", iid) in board.alerts
        assert s.last_undoable(wid)["action"] == "bsc.template"
        s.undo(wid)
        assert len(bsc.list_indicators(s, wid)) == 1
    finally:
        s.close()
    # opened again: already at the latest version, no second backup
    s = Store(v2_file["path"])
    try:
        assert s.schema_version == migrations.LATEST and s.backup_path is None
        assert len(tracking.list_check_ins(s, v2_file["ws"])) == 1
    finally:
        s.close()
    assert len(list(v2_file["path"].parent.glob("*.bak-v2-*"))) == 1


def test_a_v3_file_with_scorecard_history_keeps_it_through_later_steps(db_path):
    """Later steps alter tables that carry indexes (reading): the history survives them."""
    con = duckdb.connect(str(db_path))
    migrations.migrate(con, upto=3)
    con.execute("INSERT INTO workspace (id, name, year, currency, day_basis, language, created_at, perspectives) "
                "VALUES (1, 'Plan', 2026, 'CNY', 'month_30', 'en', now()::TIMESTAMP, 'financial,customer,process')")
    con.execute("INSERT INTO indicator (id, workspace_id, perspective, name, unit, comparator, target, band, "
                "frequency, position) VALUES (2, 1, 'customer', 'NPS', 'points', '>=', 7, 0.5, 'monthly', 0)")
    con.execute("INSERT INTO reading (id, workspace_id, indicator_id, date, value) VALUES "
                "(3, 1, 2, DATE '2026-01-31', 7.5), (4, 1, 2, DATE '2026-02-28', 6.8)")
    con.close()
    s = Store(db_path)
    try:
        assert s.schema_version == migrations.LATEST and s.backup_path is not None
        assert [r["value"] for r in tracking.list_readings(s, 1)] == [7.5, 6.8]
        assert bsc.perspectives_of(s.get_workspace(1)) == ["financial", "customer", "process"]
        state = monitor.board(monitor.snapshot(s, 1), dt.date(2026, 2, 28)).indicators[2]
        assert state.status == "yellow" and state.latest == 6.8
    finally:
        s.close()
