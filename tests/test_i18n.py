"""The two catalogs stay equal, and every key the code uses exists in both."""
import json
import re
from pathlib import Path

import pytest

from strategy_core.plan import okr, onion, workspace
from strategy_core.routines import progress
from strategy_core.i18n import LANGS, catalog, lang_from_locale, t
from strategy_core.numbers import format_money

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"),
           *(ROOT / "strategy_core").rglob("*.py")]
# a string literal that looks like a catalog key
KEY = re.compile(r"[\"']((?:nav|sidebar|common|entity|action|field|industry|error|store|status|step|days|part|count|"
                 r"progress|home|onion|okr|ws|quality|cli)\.[a-z0-9_.–]+[a-z0-9_])[\"']")


def test_catalog_files_have_the_same_keys():
    for en_file in (ROOT / "strategy_core/i18n/en").glob("*.json"):
        zh_file = ROOT / "strategy_core/i18n/zh" / en_file.name
        assert zh_file.exists(), f"{en_file.name} has no zh twin"
        en, zh = json.loads(en_file.read_text("utf-8")), json.loads(zh_file.read_text("utf-8"))
        assert set(en) == set(zh), f"{en_file.name}: {sorted(set(en) ^ set(zh))}"
    assert set(catalog("en")) == set(catalog("zh"))


def test_placeholders_match_between_languages():
    for key, en in catalog("en").items():
        zh = catalog("zh")[key]
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", zh)), key


def test_no_empty_or_untranslated_chinese_text():
    for key, zh in catalog("zh").items():
        assert zh.strip(), key
    # a Chinese catalog entry made only of ASCII letters is almost always a forgotten translation
    ascii_only = [k for k, v in catalog("zh").items()
                  if re.fullmatch(r"[A-Za-z ,.'()\-:]+", v) and len(v) > 12]
    assert ascii_only == []


def _code() -> str:
    return "\n".join(p.read_text("utf-8") for p in SOURCES)


def test_every_static_key_in_the_code_exists():
    code = _code()
    # names that look like keys but are not: actions recorded in the log and the ids of rules
    actions = set(re.findall(r"transaction\([^,]+,\s*\"([a-z_.]+)\"", code))
    rules = set(re.findall(r"Finding\(\s*\"([a-z_.]+)\"", code))
    used = {m.group(1) for m in KEY.finditer(code) if not m.group(1).endswith("_")}
    missing = sorted(k for k in used - actions - rules if k not in catalog("en"))
    assert missing == []


@pytest.mark.parametrize("prefix,values", [
    ("okr.level.", okr.LEVELS), ("okr.direction.", okr.DIRECTIONS), ("onion.kind.", onion.KINDS),
    ("onion.layer.", onion.LAYERS), ("industry.", workspace.INDUSTRIES), ("ws.day_basis.", workspace.DAY_BASES),
    ("onion.day_basis.", workspace.DAY_BASES), ("field.", okr.KR_FIELDS + okr.OBJECTIVE_FIELDS),
    ("status.", (progress.NOT_STARTED, progress.IN_PROGRESS, progress.DONE)),
    ("step.", ("decoding", "bsc", "templates", "risks", "loop")), ("days.", ("1–2", "3–4", "5–6", "7", "loop")),
    ("part.", ("onion", "okr")), ("entity.", ("workspace", "onion_node", "objective", "key_result")),
    ("action.", ("workspace.create", "workspace.update", "workspace.delete", "workspace.restore", "workspace.copy",
                 "trash.restore", "demo.load", "onion.add", "onion.update", "onion.delete", "objective.add",
                 "objective.update", "objective.delete", "key_result.add", "key_result.update",
                 "key_result.delete", "undo")),
])
def test_dynamic_key_families_exist(prefix, values):
    for lang in LANGS:
        for v in values:
            assert prefix + v in catalog(lang), (lang, prefix + v)


def test_every_action_the_core_records_has_words():
    actions = set()
    for path in (ROOT / "strategy_core").rglob("*.py"):
        actions |= set(re.findall(r"transaction\([^,]+,\s*\"([a-z_.]+)\"", path.read_text("utf-8")))
    assert actions and all("action." + a in catalog("en") for a in actions), actions


def test_glossary_words_are_used():
    zh = catalog("zh")
    assert zh["field.target"] == "目标值" and zh["field.baseline"] == "基线" and zh["field.owner"] == "负责人"
    assert zh["field.risk_plan"] == "风险预案" and zh["okr.resources"].startswith("资源需求")
    assert zh["onion.layer.financial"] == "财务层" and zh["onion.layer.business"] == "业务层"
    assert zh["onion.layer.channel"] == "渠道层" and "剥洋葱法" in zh["onion.title"]


def test_money_reads_the_way_each_language_reads_it():
    assert format_money(8_333_333.33, "CNY", "en") == "¥8,333,333"
    assert format_money(8_333_333.33, "CNY", "zh") == "¥833.3万"
    assert format_money(100_000_000, "CNY", "zh") == "¥1亿"
    assert format_money(3_000_333.33, "CNY", "zh", exact=True) == "¥3,000,333"
    assert format_money(-5_000, "USD", "en") == "-$5,000"


def test_language_from_browser_locale_and_missing_keys():
    assert lang_from_locale("en-GB") == "en" and lang_from_locale("zh-TW") == "zh"
    assert lang_from_locale(None) == "zh" and lang_from_locale("fr-FR") == "zh"
    assert t("no.such.key", "en") == "no.such.key"
    assert t("error.min", "en", min=0, value=-1) == "Must be at least 0 (got -1)."


def test_every_table_says_what_an_empty_cell_shows():
    """Streamlit writes the English word "None" into an empty cell of st.dataframe / st.data_editor unless
    told otherwise: every table of a page sets ``placeholder`` ("—" to read, "" to type into)."""
    import ast
    missing = []
    for path in [*(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("dataframe", "data_editor") \
                    and not any(k.arg == "placeholder" for k in node.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []
