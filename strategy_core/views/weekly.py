"""What the weekly-plan page shows, as plain data: the KRs a person owns as last week left them, the
names the items' KR choice offers, the items as the table editor leaves them, and the week's plans."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from strategy_core.numbers import format_number


def day(d: dt.date | None) -> str:
    """*d* as YYYY-MM-DD, "—" when there is none."""
    return d.isoformat() if d else "—"


def _pct(x: float | None) -> int | None:
    return None if x is None else round(100 * x)


def owned_rows(owned: Iterable[dict], lang: str) -> list[dict[str, Any]]:
    """The person's KRs (``weekly.prefill_rows``) in words: last value and date, baseline → target, progress
    and expected pace in %, status code, deadline."""
    return [{"statement": r["statement"],
             "last_value": f"{format_number(r['last_value'], lang)} {r['unit'] or ''}".strip()
             if r["last_value"] is not None else "—",
             "last_date": day(r["last_date"]),
             "target": f"{format_number(r['baseline'], lang)} → {format_number(r['target'], lang)} {r['unit'] or ''}"
             .strip(),
             "progress": _pct(r["progress"]), "expected": _pct(r["expected"]), "status": r["status"],
             "deadline": day(r["deadline"])} for r in owned]


def kr_labels(krs: list[dict], first: list[int]) -> dict[str, int]:
    """A unique label (the statement's start, with #id when two start alike) → KR id, the *first* ids
    (the person's own KRs) first."""
    own = set(first)
    order = first + [k["id"] for k in krs if k["id"] not in own]
    statements = {k["id"]: k["statement"] for k in krs}
    by_label: dict[str, int] = {}
    for kid in order:
        base = statements[kid][:60]
        by_label[base if base not in by_label else f"{base} (#{kid})"] = kid
    return by_label


def items_from(rows: Iterable[dict], by_label: dict[str, int]) -> list[dict[str, Any]]:
    """The plan items as the editor leaves them, the KR named by its id."""
    out = []
    for r in rows:
        kr = r.get("kr")
        out.append({"id": r.get("id"), "text": r.get("text"), "kr_value": r.get("kr_value"), "done": r.get("done"),
                    "key_result_id": by_label.get(kr, kr) if kr else None})
    return out


def done_count(items: Iterable[dict]) -> tuple[int, int]:
    """(done, total) of a plan's items."""
    items = list(items)
    return sum(1 for i in items if i["done"]), len(items)
