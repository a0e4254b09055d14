"""What the risk page says (strategy_core/views/risk.py), without Streamlit."""
from strategy_core.i18n import t
from strategy_core.views.risk import Words

TARGETS = {("indicator", 7): {"name": "CAC", "unit": "¥"}, ("key_result", 3): {"statement": "Repeat rate up",
                                                                                 "metric": "repeat", "unit": "%"}}
W = Words("en", "CNY", TARGETS, 100_000_000.0, lambda key, **p: t(key, "en", **p))


def test_numbers_read_with_their_units():
    assert W.with_unit(230, "¥") == "¥230" and W.with_unit(25, "%") == "25%" and W.with_unit(12, "h") == "12 h"
    assert W.unit_money(1.5) == "¥1.5" and W.unit_money(None) == "—"


def test_triggers_and_their_targets():
    r = {"trigger_kind": "indicator", "trigger_id": 7, "trigger_comparator": ">", "trigger_value": 230}
    assert W.trigger_text(r) == "CAC > ¥230" and W.trigger_unit(r) == "¥"
    gone = {**r, "trigger_id": 99}
    assert W.trigger_text(gone).startswith(t("risk.trigger_gone", "en"))
    assert W.trigger_text({**r, "trigger_kind": None}) == "—"
    assert W.target_label(None) == t("risk.no_trigger", "en")
    assert W.target_label("key_result:3").startswith("🎯 KR · Repeat rate up")


def test_impact_in_money_from_the_onion():
    assert W.impact_text({"impact_share": None}) == "—"
    assert "12" in W.impact_text({"impact_share": 12}) and "¥" in W.impact_text({"impact_share": 12})
