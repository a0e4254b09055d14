"""What the reviews page shows and sends, as plain data: a finding's subject and figures in words,
the names of the prepared rows an adjustment can point at, and the minute a save hands to
``review.save_review``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from strategy_core.numbers import format_number
from strategy_core.routines import review


@dataclass(frozen=True)
class Figures:
    """How a review's subjects and figures read in *lang*: a KR's progress in %, an indicator's value
    in its unit; *gone* names a subject that is no longer in the workspace."""
    lang: str
    krs: dict[int, dict]
    indicators: dict[int, dict]     # the retired ones too: old minutes name them
    gone: str

    def subject(self, kind: str, subject_id: Any) -> str:
        row = (self.krs if kind == "key_result" else self.indicators).get(subject_id)
        return (row["statement"] if kind == "key_result" else row["name"]) if row else self.gone

    def pct(self, x: float | None) -> str:
        return "—" if x is None else f"{format_number(x * 100, self.lang, 1)}%"

    def amount(self, kind: str, subject_id: Any, x: float | None) -> str:
        """A planned or actual figure of a finding: progress for a KR, a value in its unit for an indicator."""
        if kind == "key_result":
            return self.pct(x)
        unit = (self.indicators.get(subject_id) or {}).get("unit") or ""
        return "—" if x is None else f"{format_number(x, self.lang)} {unit}".strip()

    def prepared(self, row: review.PrepRow, x: float | None, value: float | None) -> str:
        """Planned or actual in the prepared table: a KR's progress with the value it stands for."""
        if row.subject_kind != "key_result":
            return self.amount(row.subject_kind, row.subject_id, x)
        shown = f"{format_number(value, self.lang)} {row.unit or ''}".strip() if value is not None else None
        return self.pct(x) + (f" · {shown}" if shown else "")


def subject_labels(rows: Iterable[review.PrepRow], width: int = 60) -> dict[str, str]:
    """A short, unique label for each prepared row (label → the row's key), for the adjustments' choice."""
    labels: dict[str, str] = {}
    for r in rows:
        text = r.label if len(r.label) <= width else r.label[:width - 1] + "…"
        while text in labels:
            text += " ·"
        labels[text] = r.key
    return labels


def minute(kind: str, period_end: dt.date, values: dict[str, Any], rows: list[review.PrepRow],
           findings: list[dict], adjustments: list[dict], labels: dict[str, str], status_codes: dict[str, str],
           response_ids: list[int]) -> dict[str, Any]:
    """The minute to save from the page's inputs: the prepared rows ticked (*findings*: the editor's rows,
    in the prepared order), the adjustments typed (status and subject chosen by their words) and the
    responses to the adjustments of the review before."""
    return {
        "review_kind": kind, "period_end": period_end, "held_on": values["held_on"],
        "attendees": values["attendees"], "review_summary": values["review_summary"],
        "review_findings": [{"subject_kind": r.subject_kind, "subject_id": r.subject_id, "cause": e.get("cause")}
                            for r, e in zip(rows, findings) if e.get("include")],
        "review_adjustments": [{"what": e.get("what"), "owner": e.get("owner"), "due": e.get("due"),
                                "adjustment_status": status_codes.get(e.get("adjustment_status")) or "open",
                                "subject": labels.get(e.get("subject"))} for e in adjustments],
        "review_responses": [{"adjustment_id": i, "response": values[f"resp_{i}"],
                              "adjustment_status": "done" if values[f"done_{i}"] else "open"} for i in response_ids],
    }


def met_counts(rows: Iterable[Any]) -> tuple[int, int]:
    """(met, measured) of the annual review's rows that could be measured."""
    measured = [r for r in rows if r.met is not None]
    return sum(1 for r in measured if r.met), len(measured)
