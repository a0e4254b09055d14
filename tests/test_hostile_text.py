"""Hostile text wherever a person can type or bring text in — a form, a paste, a workbook, a JSON
file: HTML and script tags, markdown, bare addresses, direction overrides, zero-width and control
characters, emoji, 100,000 characters. Everything is kept or refused in words (never crashes), a
character taken out is said, and what is shown stays inert text."""
from __future__ import annotations

import re

import pytest

from strategy_core import fields as F
from strategy_core.exchange import portable
from strategy_core.plan import okr, onion
from strategy_core.routines import risk
from strategy_core.track import tracking
from strategy_core.errors import ValidationError
from strategy_core.exchange.excel import export, importer
from strategy_core.i18n import t
from tests.apptest import open_app, texts
from tests.conftest import TODAY
from tests.workbooks import book, col, rows_of, save, sheet
from ui.forms import escape_md

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
KEPT = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold** [link](javascript:alert(1))",
        "# heading | table |", "家庭 👨‍👩‍👧 🚀 emoji", "نص عربي with RTL letters", "'; DROP TABLE objective; --",
        "https://evil.example.com/x www.evil.com a@evil.com"]


@pytest.mark.parametrize("ch", BIDI)
def test_a_direction_override_is_refused_with_its_character_and_place(ch):
    with pytest.raises(ValidationError) as e:
        F.text("title", f"Q4 {ch}target 100")
    [fe] = e.value.errors
    assert fe.field == "title" and fe.key == "error.bidi"
    assert fe.params == {"char": f"U+{ord(ch):04X}", "position": 4}
    for lang in ("zh", "en"):
        assert f"U+{ord(ch):04X}" in fe.text(lang)


@pytest.mark.parametrize("value", KEPT)
def test_markup_scripts_urls_emoji_and_rtl_letters_are_kept_as_typed(value):
    assert F.text("title", value) == value


def test_invisible_characters_are_taken_out_and_named():
    raw = "a\x00b\x07c\u200bd\x1b e\ufeff"
    assert F.removed_characters(raw) == ["U+0000", "U+0007", "U+001B", "U+200B"]
    assert F.text("title", raw) == "abcd e\ufeff"          # (a BOM is not invisible to the rules: kept)
    assert F.removed_characters("plain 文本 👍") == []


def test_a_hundred_thousand_characters_are_refused_not_cut():
    for max_len in (F.NAME_MAX, F.TEXT_MAX):
        with pytest.raises(ValidationError) as e:
            F.text("title", "长" * 100_000, max_len=max_len)
        assert e.value.errors[0].key == "error.too_long" and e.value.errors[0].params["length"] == 100_000


def test_every_entry_point_refuses_an_override_and_writes_nothing(store, demo_ws):
    o = okr.list_objectives(store, demo_ws)[0]
    k = okr.list_key_results(store, demo_ws)[0]
    before = store.version(demo_ws)
    attempts = [
        lambda: okr.add_objective(store, demo_ws, {"level": "company", "title": "A\u202eB"}),
        lambda: okr.update_objective(store, o["id"], {"owner": "CEO\u2067"}),
        lambda: okr.update_key_result(store, k["id"], {"execution_steps": "step 1\u202d"}),
        lambda: onion.add_node(store, demo_ws, onion.list_nodes(store, demo_ws)[0]["id"],
                               {"name": "渠道\u202e", "kind": "amount", "amount": 1}),
        lambda: risk.add_risk(store, demo_ws, {"name": "r\u2066isk", "level": "red"}),
        lambda: tracking.paste_check_ins(store, k["id"], f"{TODAY.isoformat()}\t5\t7\tnote \u202e"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as e:
            attempt()
        assert any(fe.key == "error.bidi" or (fe.params.get("detail") and fe.params["detail"].key == "error.bidi")
                   for fe in e.value.errors), e.value.errors
    assert store.version(demo_ws) == before


def test_a_json_file_with_an_override_is_refused_at_its_path(store, demo_ws):
    doc = portable.export_data(store, demo_ws)
    doc["tables"]["objective"][1]["title"] = "Win \u202eniw"
    with pytest.raises(portable.FileRefused) as e:
        portable.plan_json(doc)
    assert [(fe.field, fe.key) for fe in e.value.errors] == [("tables.objective[1].title", "error.bidi")]


def test_a_workbook_with_an_override_is_refused_at_its_cell(store, demo_ws):
    data = export.export_workbook(store, demo_ws, "en", today=TODAY)
    wb = book(data)
    ws = sheet(wb, "okr", "en")
    o = okr.list_objectives(store, demo_ws)[0]
    row = rows_of(ws, "okr", "o_id", o["id"])[0]
    ws.cell(row=row, column=col("okr", "title")).value = "Grow \u202eworg"
    plan = importer.plan_import(store, demo_ws, save(wb), "book.xlsx", today=TODAY)
    assert not plan.ok
    said = " ".join(plan.lines("en"))
    assert "U+202E" in said and str(row) in said, said


def test_shown_text_cannot_become_a_link_or_markup():
    for value in KEPT:
        shown = escape_md(value)
        assert not re.search(r"(?<!\\)[<>\[\]()*#|`:]", shown), shown           # every markup character escaped
        assert not re.search(r"(?i)https?://|www\.|@\w", shown.replace("\\", "")), shown   # no address to link
        assert shown.replace("\\", "").replace("\u2060", "") == value      # the same words, inert


def test_a_form_says_which_invisible_characters_it_took_out_and_refuses_an_override(db_location, ws):
    at = open_app(db_location, lang="en", page="okr", workspace_id=ws)
    at.text_input(key="okr_new_obj__title").set_value("Grow\x07 revenue\u200b 2026")
    at.button(key="okr_new_obj_save").click().run()
    assert not at.exception
    shown = texts(at)
    assert t("form.removed_chars", "en", field=t("field.title", "en"), chars="U+0007, U+200B") in shown
    at.text_input(key="okr_new_obj__title").set_value("Grow \u202e revenue")
    at.button(key="okr_new_obj_save").click().run()
    assert escape_md(t("error.bidi", "en", char="U+202E", position=6)) in texts(at)
