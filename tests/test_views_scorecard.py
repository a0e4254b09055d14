"""What the scorecard page shows (strategy_core/views/scorecard.py), without Streamlit."""
from types import SimpleNamespace

from strategy_core.views.scorecard import indicator_rows

IND = [{"id": 1, "name": "CAC", "comparator": "<=", "target": 230, "unit": "¥", "band": 20, "frequency": "monthly",
        "owner": "Bo"},
       {"id": 2, "name": "NPS", "comparator": ">=", "target": 40, "unit": "", "band": None, "frequency": "quarterly",
        "owner": None}]


def test_rows_in_words_with_their_status_and_krs():
    board = SimpleNamespace(indicators={1: SimpleNamespace(latest=250.0, status="yellow")})
    rows = indicator_rows(IND, board, {1: [5, 6]}, {5: "Grow", 6: "Keep"}, "en")
    assert rows[0]["target"].startswith("≤") and rows[0]["band"] == "20" and rows[0]["status"] == "yellow"
    assert rows[0]["krs"] == "Grow · Keep" and rows[0]["latest"] != "—"
    assert rows[1] == {**rows[1], "band": "—", "owner": "—", "latest": "—", "status": "no_data", "krs": "—"}
