"""What the weekly-plan page shows (strategy_core/views/weekly.py), without Streamlit."""
import datetime as dt

from strategy_core.views.weekly import day, done_count, items_from, kr_labels, owned_rows

KRS = [{"id": 1, "statement": "Grow repeat purchases"}, {"id": 2, "statement": "Grow repeat purchases"},
       {"id": 3, "statement": "Cut churn"}]


def test_labels_are_unique_and_the_persons_own_krs_come_first():
    by_label = kr_labels(KRS, [3])
    assert list(by_label) == ["Cut churn", "Grow repeat purchases", "Grow repeat purchases (#2)"]
    assert by_label["Grow repeat purchases (#2)"] == 2


def test_items_name_their_kr_by_id():
    rows = [{"id": 7, "text": "call", "kr": "Cut churn", "kr_value": 3.0, "done": True},
            {"text": "new", "kr": None}]
    assert items_from(rows, {"Cut churn": 3}) == [
        {"id": 7, "text": "call", "kr_value": 3.0, "done": True, "key_result_id": 3},
        {"id": None, "text": "new", "kr_value": None, "done": None, "key_result_id": None}]
    assert done_count([{"done": True}, {"done": False}]) == (1, 2)


def test_owned_rows_in_words():
    (row,) = owned_rows([{"statement": "s", "last_value": 12.0, "unit": "%", "last_date": dt.date(2026, 3, 1),
                          "baseline": 10, "target": 30, "progress": 0.1, "expected": None, "status": "at_risk",
                          "deadline": None}], "en")
    assert row["last_value"] == "12 %" and row["target"] == "10 → 30 %" and row["progress"] == 10
    assert row["expected"] is None and row["deadline"] == "—" and day(dt.date(2026, 3, 1)) == "2026-03-01"
