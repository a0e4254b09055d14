"""Every page's main flows through the real app (app.py + st.navigation) on a temp database."""
import os
import pickle

import pytest

from strategy_core.plan import okr, onion, workspace
from strategy_core.i18n import t
from strategy_core.store import Store
from tests.apptest import open_app, texts
from tests.conftest import TODAY
from ui.forms import escape_md


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def test_home_on_an_empty_database_offers_the_demo(db_location):
    at = open_app(db_location, lang="en")
    no_exceptions(at)
    assert "Welcome" in texts(at)
    at.button(key="home_load_demo").click().run()
    no_exceptions(at)
    t = texts(at)
    assert "The 7-day setup" in t and "Strategy decoding" in t
    assert "Balanced Scorecard design" in t and "Risk plans" in t and "In progress" in t
    s = Store(db_location)
    try:
        assert len(s.list_workspaces()) == 1
    finally:
        s.close()


@pytest.mark.parametrize("lang,words", [("en", ["Where we stand", "Next step", "Revenue decomposition"]),
                                        ("zh", ["我们走到哪一步了", "下一步", "营收拆解"])])
def test_home_in_both_languages(db_location, lang, words):
    s = Store(db_location)
    from strategy_core import demo
    demo.load(s, lang, 2026, today=TODAY)
    s.close()
    at = open_app(db_location, lang=lang)
    no_exceptions(at)
    t = texts(at)
    for w in words:
        assert w in t
    # the demo's onion gap is a failing check, so decoding is in progress and the next step says so
    assert ("fix 1 failing check" in t) if lang == "en" else ("修正 1 项未通过的检查" in t)


def test_language_switch_in_the_sidebar(db_location):
    at = open_app(db_location, lang="zh")
    assert "欢迎" in texts(at)
    at.sidebar.radio(key="_lang_choice").set_value("en").run()
    no_exceptions(at)
    assert "Welcome" in texts(at)


def test_onion_page_shows_the_demo_gap_and_chart(db_location):
    s = Store(db_location)
    from strategy_core import demo
    demo.load(s, "en", 2026, today=TODAY)
    s.close()
    at = open_app(db_location, lang="en", page="onion")
    no_exceptions(at)
    t = texts(at)
    assert "¥100,000,000" in t or "¥100,000,000" in str([m.value for m in at.metric])
    assert [m.value for m in at.metric] == ["¥100,000,000", "¥8,333,333", "¥277,778"]
    errors = [e.value for e in at.error]
    assert any("¥3,000,333" in e and "Derived services" in e for e in errors), errors
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")


def test_onion_metrics_in_chinese_read_in_wan(db_location):
    s = Store(db_location)
    from strategy_core import demo
    demo.load(s, "zh", 2026, today=TODAY)
    s.close()
    at = open_app(db_location, lang="zh", page="onion")
    assert [m.value for m in at.metric] == ["¥1亿", "¥833.3万", "¥27.8万"]
    assert any("¥3,000,333" in e.value and "缺口" in e.value for e in at.error)


def test_onion_create_root_then_refuse_a_bad_child(db_location):
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Shop", "year": 2026})
    s.close()
    at = open_app(db_location, lang="en", page="onion")
    no_exceptions(at)
    at.number_input(key="onion_root__amount").set_value(1_200_000.0)
    at.button(key="onion_root_save").click().run()
    no_exceptions(at)
    assert [m.value for m in at.metric][:2] == ["¥1,200,000", "¥100,000"]
    s = Store(db_location)
    root = onion.list_nodes(s, wid)[0]["id"]
    s.close()
    # a child with an empty name: the message sits next to the name field, nothing is saved
    at.button(key=f"onion_add_btn_{root}").click().run()
    no_exceptions(at)
    assert any("required" in m.value for m in at.markdown), "the error should be shown under the field"
    s = Store(db_location)
    assert len(onion.list_nodes(s, wid)) == 1
    s.close()
    at.text_input(key=f"onion_add_{root}__name").input("Coffee")
    at.number_input(key=f"onion_add_{root}__share").set_value(60.0)
    at.button(key=f"onion_add_btn_{root}").click().run()
    no_exceptions(at)
    # shares below total 60 %: flagged with the money it leaves uncovered
    assert any("60%" in e.value and "¥40,000" in e.value for e in at.error), [e.value for e in at.error]


def test_onion_delete_goes_to_trash_and_undo_brings_it_back(db_location):
    s = Store(db_location)
    from strategy_core import demo
    wid = demo.load(s, "en", 2026, today=TODAY)
    services = next(n for n in onion.list_nodes(s, wid) if n["name"] == "Derived services")
    s.close()
    at = open_app(db_location, lang="en", page="onion")
    at.selectbox(key="onion_selected").set_value(services["id"]).run()
    at.button(key=f"onion_delete_{services['id']}").click().run()
    no_exceptions(at)
    assert not any("Derived services" in e.value for e in at.error)
    at.sidebar.button(key="undo_sidebar").click().run()
    no_exceptions(at)
    assert any("Derived services" in e.value for e in at.error)


def test_okr_page_add_objective_and_kr_with_live_quality(db_location):
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Shop", "year": 2026})
    s.close()
    at = open_app(db_location, lang="zh", page="okr")
    no_exceptions(at)
    at.text_input(key="okr_new_obj__title").input("让老客户愿意再来")
    at.text_input(key="okr_new_obj__owner").input("CEO")
    at.button(key="okr_new_obj_save").click().run()
    no_exceptions(at)
    s = Store(db_location)
    (o,) = okr.list_objectives(s, wid)
    s.close()
    assert o["title"] == "让老客户愿意再来" and o["level"] == "company"
    # a vague KR fails live, before saving, in the user's language
    at.text_area(key=f"okr_kr_new_{o['id']}__statement").input("提升用户体验").run()
    live = texts(at)
    assert "⛔" in live and "提升" in live
    at.text_area(key=f"okr_kr_new_{o['id']}__statement").input("用户满意度调研从 7.8 分提升到 ≥ 9 分（Q4）")
    at.number_input(key=f"okr_kr_new_{o['id']}__baseline").set_value(7.8)
    at.number_input(key=f"okr_kr_new_{o['id']}__target").set_value(9.0)
    at.button(key=f"okr_kr_add_{o['id']}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    (k,) = okr.list_key_results(s, wid)
    s.close()
    assert k["baseline"] == 7.8 and k["target"] == 9 and k["direction"] == "up" and k["owner"] == "CEO"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_each_create_the_next_step_is_offered_where_the_eye_is(db_location, lang):
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Shop", "year": 2026})
    s.close()
    at = open_app(db_location, lang=lang, page="okr")
    at.text_input(key="okr_new_obj__title").input("Win back regulars")
    at.button(key="okr_new_obj_save").click().run()
    no_exceptions(at)
    s = Store(db_location)
    (o,) = okr.list_objectives(s, wid)
    s.close()
    # the objective opens in the tab where its KRs are written, saying so above the KR form
    assert at.session_state["okr_tab"] == t("okr.tab.edit", lang) and at.session_state["okr_selected"] == o["id"]
    assert t("okr.next.objective", lang, title="Win back regulars") in [x.value for x in at.success]
    for n, (base, target) in enumerate([(300.0, 450.0), (2.0, 3.0)], start=1):
        key = f"okr_kr_new_{o['id']}"
        at.text_area(key=f"{key}__statement").input(f"Weekly repeat visits {n} from {base:g} to {target:g} by Q4")
        at.number_input(key=f"{key}__baseline").set_value(base)
        at.number_input(key=f"{key}__target").set_value(target)
        at.button(key=f"okr_kr_add_{o['id']}").click().run()
        no_exceptions(at)
        said = [x.value for x in at.success]
        assert (t("okr.next.kr_more", lang, count=1) if n == 1 else t("okr.next.kr_done", lang, count=2)) in said
    at.button(key="okr_next_new_obj").click().run()
    assert at.session_state["okr_tab"] == t("okr.tab.new", lang)
    assert not [x for x in at.success if x.value.startswith(t("okr.next.kr_done", lang, count=2)[:6])]


def test_okr_page_refuses_baseline_equal_to_target_next_to_the_field(db_location):
    s = Store(db_location)
    wid = workspace.create(s, {"name": "Shop", "year": 2026})
    oid = okr.add_objective(s, wid, {"level": "company", "title": "Delight customers"})
    s.close()
    at = open_app(db_location, lang="en", page="okr")
    at.text_area(key=f"okr_kr_new_{oid}__statement").input("NPS from 7 to 7")
    at.number_input(key=f"okr_kr_new_{oid}__baseline").set_value(7.0)
    at.number_input(key=f"okr_kr_new_{oid}__target").set_value(7.0)
    at.button(key=f"okr_kr_add_{oid}").click().run()
    no_exceptions(at)
    assert any("Baseline and target value are equal" in m.value for m in at.markdown)
    s = Store(db_location)
    assert okr.list_key_results(s, wid) == []
    s.close()


def test_okr_page_demo_alignment_view_and_filters(db_location):
    s = Store(db_location)
    from strategy_core import demo
    demo.load(s, "en", 2026, today=TODAY)
    s.close()
    at = open_app(db_location, lang="en", page="okr")
    no_exceptions(at)
    charts = at.get("graphviz_chart")
    assert charts, "the alignment view is drawn"
    at.multiselect(key="okr_f_level").set_value(["employee"]).run()
    no_exceptions(at)
    assert at.selectbox(key="okr_selected").options == [
        "[Employee] Make recommendations feel local to South-East Asian users"]


def test_workspaces_create_validate_copy_delete_restore(db_location):
    at = open_app(db_location, lang="en", page="workspaces")
    no_exceptions(at)
    at.button(key="ws_create").click().run()  # empty name
    assert any("required" in m.value for m in at.markdown)
    s = Store(db_location)
    assert s.list_workspaces() == []
    s.close()
    at.text_input(key="ws_new__name").input("Acme Coffee")
    at.button(key="ws_create").click().run()
    no_exceptions(at)
    s = Store(db_location)
    (w,) = s.list_workspaces()
    s.close()
    at.text_input(key=f"ws_copy_{w['id']}__name").input("Acme Coffee 2027")
    at.number_input(key=f"ws_copy_{w['id']}__year").set_value(2027)
    at.button(key=f"ws_copy_btn_{w['id']}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    names = sorted(x["name"] for x in s.list_workspaces())
    s.close()
    assert names == ["Acme Coffee", "Acme Coffee 2027"]
    copy_id = at.session_state["workspace_id"]
    at.checkbox(key=f"ws_del_confirm_{copy_id}").check().run()
    at.button(key=f"ws_del_{copy_id}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    assert [x["name"] for x in s.list_workspaces()] == ["Acme Coffee"]
    s.close()
    at.button(key=f"ws_restore_{copy_id}").click().run()
    no_exceptions(at)
    s = Store(db_location)
    assert len(s.list_workspaces()) == 2
    s.close()


def test_session_state_is_serializable(db_location):
    """The app's own session keys must pickle (config: runner.enforceSerializableSessionState)."""
    s = Store(db_location)
    from strategy_core import demo
    demo.load(s, "en", 2026, today=TODAY)
    s.close()
    for page in (None, "onion", "okr", "workspaces"):
        at = open_app(db_location, lang="en", page=page)
        for key in at.session_state.keys():
            pickle.dumps(at.session_state[key])


def test_a_foreign_database_file_is_reported_on_the_page(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database at all" * 50)
    before = bad.read_bytes()
    at = open_app(bad, lang="en")
    assert any("not a workbench database" in e.value for e in at.error)
    assert bad.read_bytes() == before


@pytest.mark.parametrize("page,title", [("onion", "Revenue decomposition (peel the onion)"),
                                        ("okr", "OKR cascade"), ("workspaces", "Workspaces")])
def test_a_page_run_without_the_frame_is_sent_through_app_py(db_location, page, title):
    """Legacy page mode (a fresh server's first deep link): the page must still get the full app."""
    s = Store(db_location)
    from strategy_core import demo
    demo.load(s, "en", 2026, today=TODAY)
    s.close()
    at = open_app(db_location, lang="en", page=page, steady=False)
    no_exceptions(at)
    assert title in [t.value for t in at.title]
    assert at.sidebar.radio(key="_lang_choice").value == "en"
    assert at.sidebar.selectbox(key="_ws_choice").value is not None


def _demo_kr(db_location, statement_part):
    import datetime as dt
    from strategy_core import demo
    from strategy_core.track import tracking
    s = Store(db_location)
    wid = demo.load(s, "en", 2026, today=dt.date(2026, 9, 30))
    kr = next(k for k in okr.list_key_results(s, wid) if statement_part in k["statement"])
    entries = [c for c in tracking.list_check_ins(s, wid) if c["key_result_id"] == kr["id"]]
    s.close()
    return wid, kr, entries


def test_checkin_table_editor_refuses_bad_rows_and_saves_good_ones(db_location):
    from strategy_core.track import tracking
    wid, kr, entries = _demo_kr(db_location, "Live e-commerce penetration")  # unit %
    at = open_app(db_location, lang="en", page="checkins")
    at.selectbox(key="track_kr").set_value(kr["id"]).run()
    key = f"track_editor_check_in_{kr['id']}"
    newest = entries[-1]
    # row 0 is the newest entry: 150 % is refused, with the entry named; nothing changes
    at.session_state[key] = {"edited_rows": {0: {"value": 150}}, "added_rows": [], "deleted_rows": []}
    at.button(key=f"{key}_save").click().run()
    no_exceptions(at)
    shown = [m.value.replace("\\", "") for m in at.markdown]
    assert any("between 0 and 100" in m and newest["date"].isoformat() in m for m in shown), shown
    s = Store(db_location)
    assert s.row("check_in", newest["id"])["value"] == newest["value"]
    s.close()
    # a good edit, a new row and a deletion go in together
    at.session_state[key] = {"edited_rows": {0: {"value": 12.5}},
                             "added_rows": [{"date": "2026-09-30", "value": 13, "confidence": 6, "note": "late"}],
                             "deleted_rows": [1]}
    at.button(key=f"{key}_save").click().run()
    no_exceptions(at)
    s = Store(db_location)
    after = [c for c in tracking.list_check_ins(s, wid) if c["key_result_id"] == kr["id"]]
    s.close()
    assert len(after) == len(entries)  # one added, one deleted
    assert any(c["id"] == newest["id"] and c["value"] == 12.5 for c in after)
    assert entries[-2]["id"] not in {c["id"] for c in after}
    assert any(c["note"] == "late" and c["value"] == 13 for c in after)


@pytest.mark.parametrize("lang,fired,plan_a", [("en", "fired", "Plan A:"), ("zh", "已触发", "预案 A：")])
def test_board_shows_a_fired_risk_with_its_plan_a(db_location, lang, fired, plan_a):
    import datetime as dt
    from strategy_core import demo
    s = Store(db_location)
    demo.load(s, lang, 2026, today=dt.date(2026, 9, 30))
    s.close()
    at = open_app(db_location, lang=lang, page="board")
    at.date_input(key="board_on").set_value(dt.date(2026, 9, 30)).run()
    no_exceptions(at)
    risk_alerts = [e.value for e in at.error if fired in e.value]
    assert len(risk_alerts) == 1, [e.value for e in at.error]  # the education risk: repeat rate < 25
    assert any(plan_a in m.value and "¥" in m.value for m in at.markdown)


def test_an_unknown_workspace_in_the_address_is_said_not_silently_replaced(tmp_path):
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    from tests.apptest import APP, steady_navigation
    db = tmp_path / "w.duckdb"
    s = Store(db)
    workspace.create(s, {"name": "Acme", "year": 2026})
    s.close()
    steady_navigation(True)
    os.environ["WORKBENCH_DB"] = str(db)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "en"
    at.query_params["ws"] = "424242"
    at.run()
    assert not at.exception
    assert any(t("common.ws_unknown", "en", id="424242", name="Acme") == x.value for x in at.toast)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_on_an_empty_database_creates_a_workspace_in_one_form(db_location, lang):
    at = open_app(db_location, lang=lang)
    no_exceptions(at)
    at.button(key="home_ws_create").click().run()                       # no name: said under the field
    assert escape_md(t("error.required", lang)) in texts(at)
    at.text_input(key="home_new_ws__name").set_value("Acme Coffee")
    at.button(key="home_ws_create").click().run()
    no_exceptions(at)
    s = Store(db_location)
    try:
        [w] = s.list_workspaces()
        assert w["name"] == "Acme Coffee" and w["year"] == TODAY.year
    finally:
        s.close()
    assert "Acme Coffee" in texts(at) and at.session_state["workspace_id"] == w["id"]   # and it is open
