"""Workspaces: settings validation, copy (every field), delete to trash and restore."""
import datetime as dt

import pytest

from strategy_core.plan import okr, onion, workspace
from strategy_core.routines import progress
from strategy_core.errors import ValidationError
from strategy_core.fields import date, number, text
from tests.conftest import TODAY


def test_settings_are_validated_field_by_field(store):
    with pytest.raises(ValidationError) as e:
        workspace.create(store, {"name": "  ", "year": 1999, "currency": "XYZ", "day_basis": "trading_days",
                                 "language": "fr"})
    fields = {err.field for err in e.value.errors}
    assert fields == {"name", "year", "currency", "trading_days", "language"}
    assert store.list_workspaces() == []


def test_create_rename_delete_restore(store):
    wid = workspace.create(store, {"name": "Acme", "year": 2026, "day_basis": "trading_days",
                                   "trading_days": "300"})
    w = store.get_workspace(wid)
    assert (w["currency"], w["language"], w["trading_days"], w["industry"]) == ("CNY", "zh", 300, "other")
    workspace.rename(store, wid, "Acme Coffee")
    assert store.get_workspace(wid)["name"] == "Acme Coffee"
    workspace.delete(store, wid)
    assert store.list_workspaces() == [] and [d["id"] for d in store.deleted_workspaces()] == [wid]
    workspace.restore(store, wid)
    assert [w["name"] for w in store.list_workspaces()] == ["Acme Coffee"]


def _strip(rows, drop=("id", "workspace_id", "objective_id", "parent_id", "aligns_to", "key_result_id")):
    return [{k: v for k, v in r.items() if k not in drop} for r in rows]


def test_copy_into_the_next_year_keeps_every_field_and_remaps_links(store, demo_ws):
    new = workspace.copy(store, demo_ws, "Demo 2027", 2027)
    src_o, dst_o = okr.list_objectives(store, demo_ws), okr.list_objectives(store, new)
    src_k, dst_k = okr.list_key_results(store, demo_ws), okr.list_key_results(store, new)
    src_n, dst_n = onion.list_nodes(store, demo_ws), onion.list_nodes(store, new)
    # every field carried, dates moved one year
    shift = lambda d: d.replace(year=d.year + 1) if d else d
    assert _strip(dst_o) == [{**r, "period_start": shift(r["period_start"]), "period_end": shift(r["period_end"])}
                             for r in _strip(src_o)]
    assert _strip(dst_k) == [{**r, "deadline": shift(r["deadline"])} for r in _strip(src_k)]
    assert _strip(dst_n) == _strip(src_n)
    # links point inside the copy
    dst_kr_ids = {k["id"] for k in dst_k}
    assert all(o["aligns_to"] in dst_kr_ids for o in dst_o if o["aligns_to"])
    assert all(k["objective_id"] in {o["id"] for o in dst_o} for k in dst_k)
    linked = [n for n in dst_n if n["key_result_id"]]
    assert linked and all(n["key_result_id"] in dst_kr_ids for n in linked)
    # and the copy computes the same onion
    r = onion.compute(dst_n, store.get_workspace(new))
    assert round(abs(r.findings[0].gap)) == 3_000_333
    # one undo removes the whole copy
    assert store.undo(new)["action"] == "workspace.copy"
    assert okr.list_objectives(store, new) == [] and all(w["id"] != new for w in store.list_workspaces())


def test_copy_handles_29_february(store):
    wid = workspace.create(store, {"name": "Leap", "year": 2028})
    oid = okr.add_objective(store, wid, {"level": "company", "title": "Leap", "period_end": "2028-02-29"})
    new = workspace.copy(store, wid, "After leap", 2029)
    assert okr.list_objectives(store, new)[0]["period_end"] == dt.date(2029, 2, 28)
    assert oid


def test_progress_of_the_demo(store, demo_ws):
    ov = progress.overview(store, demo_ws, today=TODAY)
    decoding = ov.steps[0]
    assert decoding.key == "decoding" and decoding.status == progress.IN_PROGRESS
    onion_part, okr_part = decoding.parts
    assert onion_part.fails == 1 and onion_part.missing == []
    assert okr_part.filled == {"objective": 4, "key_result": 9} and okr_part.missing == []
    # the demo has a scorecard and a strategy map (one outcome without a driver), weekly plans with one owner
    # missing and daily reports with one day missing, three TOP risks with plans, half a year of check-ins
    assert [s.status for s in ov.steps[1:]] == [progress.IN_PROGRESS, progress.IN_PROGRESS, progress.DONE,
                                                progress.DONE]
    scorecard, smap = ov.steps[1].parts
    assert scorecard.status == progress.DONE and scorecard.filled == {"indicator": 6}
    assert smap.fails == 1
    step, part = ov.next_step
    assert (step.key, part.key) == ("decoding", "onion")
    assert ov.open_findings >= 1


def test_progress_of_an_empty_workspace(store, ws):
    ov = progress.overview(store, ws, today=TODAY)
    assert all(s.status == progress.NOT_STARTED for s in ov.steps)
    onion_part, okr_part = ov.steps[0].parts
    assert "progress.missing.onion_root" in onion_part.missing
    assert okr_part.missing == ["progress.missing.okr_company", "progress.missing.okr_department",
                                "progress.missing.okr_employee"]
    assert ov.open_findings == 0


@pytest.mark.parametrize("raw,expected", [("1,234.5", 1234.5), ("１２３", 123), ("40%", 40), (" 7 ", 7),
                                          ("¥5,000", 5000), (3, 3.0), ("", None), (None, None)])
def test_numbers_as_people_type_them(raw, expected):
    assert number("x", raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "inf", "nan%x", True])
def test_not_numbers(raw):
    with pytest.raises(ValidationError):
        number("x", raw)


@pytest.mark.parametrize("raw,expected", [("2026-03-05", dt.date(2026, 3, 5)), ("2026/3/5", dt.date(2026, 3, 5)),
                                          ("2026-02-30", None), ("next Friday", None),
                                          ("Q1", dt.date(2026, 3, 31)), ("2026 Q4", dt.date(2026, 12, 31)),
                                          ("2026年03月05日", dt.date(2026, 3, 5))])
def test_dates_and_quarters(raw, expected):
    if expected is None:  # not a date
        with pytest.raises(ValidationError):
            date("d", raw, year=2026)
    else:
        assert date("d", raw, year=2026) == expected


def test_text_cleaning_and_limits():
    assert text("t", "  a\x00b\x1bc\u200b  ") == "abc"
    assert text("t", "line1\r\nline2", multiline=True) == "line1\nline2"
    assert text("t", "line1\nline2") == "line1 line2"
    assert text("t", "🚀 <script>alert(1)</script>") == "🚀 <script>alert(1)</script>"
    with pytest.raises(ValidationError) as e:
        text("t", "长" * 201)
    assert e.value.errors[0].params == {"max": 200, "length": 201}
