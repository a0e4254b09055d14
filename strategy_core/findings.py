"""One shape for everything the workbench flags: onion gaps, KR quality, alignment.

A Finding names the entity and field it is about, its severity and a catalog
key with parameters, so the same finding can be shown in zh or en, printed by
the CLI or returned as JSON.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

PASS, WARN, FAIL = "pass", "warn", "fail"
SEVERITIES = (PASS, WARN, FAIL)


@dataclass(frozen=True)
class Finding:
    """One thing the workbench flags: the rule, its severity, the entity and field it is about, and a catalog key with
    parameters, so it can be shown in zh or en, printed or returned as JSON."""
    rule: str                 # e.g. "onion.children_sum", "kr.measurable"
    severity: str             # pass | warn | fail
    entity: str               # onion_node | objective | key_result | workspace
    entity_id: int | None
    message: str              # i18n catalog key
    params: dict[str, Any] = field(default_factory=dict)
    field: str | None = None  # the field the user should fix
    example: str | None = None  # i18n key of a weak → strong example, if any
    gap: float | None = None  # money gap, for onion findings

    def text(self, lang: str, currency: str = "CNY") -> str:
        """The finding in words; money parameters (`*_money`, the gap) in the workspace currency."""
        from strategy_core.i18n import t
        from strategy_core.numbers import format_money, format_number
        p = dict(self.params)
        for k, v in list(p.items()):
            if k.endswith("_key") and isinstance(v, str):
                p[k[:-4]] = t(v, lang)  # a parameter that is itself a catalog key (a perspective, a level…)
            elif k.endswith("_money") and isinstance(v, (int, float)):
                p[k] = format_money(v, currency, lang, exact=True)
            elif isinstance(v, float):
                p[k] = format_number(v, lang)
        if self.gap is not None:
            p["gap_money"] = format_money(abs(self.gap), currency, lang, exact=True)
            p["gap_word"] = t("onion.gap.short" if self.gap < 0 else "onion.gap.over", lang)
        return t(self.message, lang, **p)

    def example_text(self, lang: str) -> str | None:
        from strategy_core.i18n import t
        return t(self.example, lang) if self.example else None

    def to_dict(self, lang: str, currency: str = "CNY") -> dict[str, Any]:
        d = asdict(self)
        d["text"] = self.text(lang, currency)
        d["example_text"] = self.example_text(lang)
        return d


def problems(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that need attention (warn or fail)."""
    return [f for f in findings if f.severity != PASS]


def strength(findings: Iterable[Finding]) -> float | None:
    """Share of passes, warns counting half (SPEC §3.1). None when nothing was checked."""
    fs = list(findings)
    if not fs:
        return None
    score = sum(1.0 if f.severity == PASS else 0.5 if f.severity == WARN else 0.0 for f in fs)
    return score / len(fs)
