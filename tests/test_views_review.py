"""What the reviews page shows and saves (strategy_core/views/review.py), without Streamlit."""
import datetime as dt

from strategy_core.routines.review import PrepRow
from strategy_core.views.review import Figures, met_counts, minute, subject_labels

KR = PrepRow("key_result", 1, "Grow repeat purchases to 30 %", "Ann", "%", 0.8, 0.5, 0.3, "at_risk", True,
             planned_value=24.0, actual_value=15.0)
IND = PrepRow("indicator", 7, "CAC", "Bo", "¥", 230.0, 260.0, 0.13, "red", True)


def test_figures_speak_the_language_and_name_lost_subjects():
    fig = Figures("en", {1: {"statement": "Grow"}}, {7: {"name": "CAC", "unit": "¥"}}, "(deleted)")
    assert fig.subject("key_result", 1) == "Grow" and fig.subject("indicator", 7) == "CAC"
    assert fig.subject("key_result", 99) == "(deleted)" and fig.subject("indicator", 98) == "(deleted)"
    assert fig.pct(0.5) == "50%" and fig.pct(0.125) == "12.5%" and fig.pct(None) == "—"
    assert fig.amount("indicator", 7, 260) == "260 ¥" and fig.amount("indicator", 7, None) == "—"
    assert fig.prepared(KR, 0.8, 24.0) == "80% · 24 %" and fig.prepared(KR, 0.5, None) == "50%"
    assert fig.prepared(IND, 230.0, None) == "230 ¥"


def test_subject_labels_are_short_and_unique():
    long = PrepRow("indicator", 8, "x" * 80, None, None, None, None, None, "green", False)
    twin = PrepRow("indicator", 9, "CAC", None, None, None, None, None, "green", False)
    labels = subject_labels([KR, IND, long, twin])
    assert list(labels.values()) == [KR.key, IND.key, long.key, twin.key]
    assert "CAC" in labels and "CAC ·" in labels and max(len(k) for k in labels) == 60


def test_the_minute_keeps_ticked_findings_and_maps_words_to_codes():
    values = {"held_on": dt.date(2026, 4, 3), "attendees": "CEO", "review_summary": "ok",
              "resp_5": "done it", "done_5": True}
    out = minute("monthly", dt.date(2026, 3, 31), values, [KR, IND],
                 [{"include": True, "cause": "late"}, {"include": False, "cause": "x"}],
                 [{"what": "Fix", "owner": "Ann", "due": None, "adjustment_status": "Done", "subject": "CAC"}],
                 {"CAC": IND.key}, {"Open": "open", "Done": "done"}, [5])
    assert out["review_findings"] == [{"subject_kind": "key_result", "subject_id": 1, "cause": "late"}]
    assert out["review_adjustments"] == [{"what": "Fix", "owner": "Ann", "due": None, "adjustment_status": "done",
                                          "subject": IND.key}]
    assert out["review_responses"] == [{"adjustment_id": 5, "response": "done it", "adjustment_status": "done"}]
    assert out["review_kind"] == "monthly" and out["held_on"] == dt.date(2026, 4, 3)


def test_met_counts_skip_what_was_not_measured():
    rows = [PrepRow("key_result", n, "k", None, None, None, None, None, "green", False, met=m)
            for n, m in enumerate([True, False, None, True])]
    assert met_counts(rows) == (2, 3)
