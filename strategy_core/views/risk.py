"""What the risk page shows, in words: money in the workspace's currency, a cost per unit, a level,
a trigger and its target, a risk's impact — and the register's rows. Plain data (no Streamlit)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from strategy_core.numbers import currency_symbol, format_money, format_number, format_percent
from strategy_core.plan.bsc import COMPARATOR_SYMBOL
from strategy_core.routines import risk


@dataclass(frozen=True)
class Words:
    """How the risk page says things in *lang*; *targets* are the indicators and KRs a trigger may watch,
    *annual* the onion's annual revenue (or None)."""
    lang: str
    currency: str
    targets: dict[tuple[str, int], dict]
    annual: float | None
    tr: Callable[..., str]

    def money(self, v: float | None) -> str:
        return format_money(v, self.currency, self.lang)

    def unit_money(self, v: float | None) -> str:
        """A cost per unit: small amounts keep their cents (¥1.5 a user), large ones read like money."""
        if v is None:
            return "—"
        if abs(v) >= 100:
            return format_money(v, self.currency, self.lang, exact=True)
        return f"{currency_symbol(self.currency, self.lang)}{format_number(v, self.lang, 2)}"

    def level_word(self, level: str) -> str:
        return f"{risk.LEVEL_SYMBOL.get(level, '')} {self.tr('risk.level.' + level)}"

    def target_label(self, key: str | None) -> str:
        """A trigger choice (``kind:id``) as the select box shows it."""
        if key is None:
            return self.tr("risk.no_trigger")
        kind, _, id_ = key.partition(":")
        t = self.targets.get((kind, int(id_)))
        if t is None:
            return self.tr("risk.trigger_gone")
        unit = f" ({t['unit']})" if t.get("unit") else ""
        if kind == "indicator":
            return f"📊 {self.tr('entity.indicator')} · {t['name']}{unit}"
        return f"🎯 KR · {t['statement'][:60]}{unit}"

    def with_unit(self, value: float | None, unit: str | None) -> str:
        """A number with its unit the way it reads: ¥230, 25%, 12 h."""
        v = format_number(value, self.lang)
        unit = (unit or "").strip()
        if unit in ("¥", "￥", "$", "€", "£"):
            return f"{unit}{v}"
        return f"{v}{unit}" if unit in ("", "%") else f"{v} {unit}"

    def trigger_target(self, r: dict) -> dict | None:
        return self.targets.get((r["trigger_kind"], r["trigger_id"])) if r["trigger_kind"] else None

    def trigger_unit(self, r: dict) -> str | None:
        return (self.trigger_target(r) or {}).get("unit")

    def trigger_text(self, r: dict) -> str:
        if r["trigger_kind"] is None:
            return "—"
        t = self.trigger_target(r)
        if t is None:
            name = self.tr("risk.trigger_gone")
        elif r["trigger_kind"] == "indicator":
            name = t["name"]
        else:
            name = f"KR · {t.get('metric') or t['statement'][:50]}"
        comparator = COMPARATOR_SYMBOL[r["trigger_comparator"]]
        return f"{name} {comparator} {self.with_unit(r['trigger_value'], (t or {}).get('unit'))}"

    def impact_text(self, r: dict) -> str:
        if r["impact_share"] is None:
            return "—"
        m = risk.impact_money(r, self.annual)
        return format_percent(r["impact_share"]) + (f" · {self.money(m)}" if m is not None else "")


def register_rows(w: Words, risks: list[dict], plans: list[dict], board: Any) -> list[dict[str, Any]]:
    """One row per risk: TOP, name, level, impact, trigger, the trigger's latest reading (and whether
    it fired), owner, and which of plans A/B/C exist."""
    rows = []
    for r in risks:
        mine = risk.plans_of(plans, r["id"])
        value, _ = risk.trigger_reading(r, board)
        rows.append({"top": bool(r["top"]), "name": r["name"], "level": w.level_word(r["level"]),
                     "impact": w.impact_text(r), "trigger": w.trigger_text(r),
                     "latest": None if value is None else w.with_unit(value, w.trigger_unit(r)),
                     "fired": risk.is_fired(r, board), "owner": r["owner"] or "—",
                     "plans": " ".join(lb if lb in mine else "·" for lb in risk.LABELS)})
    return rows
