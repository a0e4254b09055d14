"""What the OKR page shows (strategy_core/views/okr.py), without Streamlit."""
from strategy_core.findings import FAIL, WARN, Finding
from strategy_core.views.okr import alignment_options, filter_choices, kr_problems, objective_rows, worst

OBJS = [{"id": 1, "level": "company", "title": "Grow", "owner": "CEO", "team": None},
        {"id": 2, "level": "department", "title": "Sell", "owner": "Ann", "team": "Sales"},
        {"id": 3, "level": "employee", "title": "Call", "owner": "Bo", "team": "Sales"}]
KRS = [{"id": 11, "objective_id": 1, "owner": "CEO"}, {"id": 21, "objective_id": 2, "owner": "Cy"},
       {"id": 31, "objective_id": 3, "owner": None}]
BY_ID = {o["id"]: o for o in OBJS}


def f(entity, id_, sev):
    return Finding("rule", sev, entity, id_, "key", {})


def test_an_objective_aligns_to_higher_levels_the_level_above_first():
    assert alignment_options(KRS, BY_ID, "employee", 3) == [21, 11]
    assert alignment_options(KRS, BY_ID, "department", 2) == [11]
    assert alignment_options(KRS, BY_ID, "department", None) == [11]


def test_rows_count_problems_of_an_objective_and_its_krs():
    findings = [f("objective", 2, FAIL), f("key_result", 21, WARN), f("key_result", 21, FAIL), f("key_result", 11, WARN)]
    rows = objective_rows(OBJS[:2], KRS, findings, {"objective": {1: 0.5}})
    assert [(r["krs"], r["fails"], r["warns"], r["strength"]) for r in rows] == [(1, 0, 1, 0.5), (1, 2, 1, None)]
    assert worst(findings, [1, 2, 11, 21, 31]) == {1: "pass", 2: FAIL, 11: WARN, 21: FAIL, 31: "pass"}
    assert kr_problems(findings, 21) == [WARN, FAIL]


def test_filter_choices():
    assert filter_choices(OBJS, KRS) == (["Sales"], ["Ann", "Bo", "CEO", "Cy"])
