"""The ``check`` and ``status`` commands of ``python -m strategy_core``: the quality findings of a
workspace, and where every KR and indicator stands as of a day — as text or JSON."""
from __future__ import annotations

import argparse
import datetime as dt
import math
from pathlib import Path
from typing import Any, TextIO


from strategy_core import quality
from strategy_core.cli.common import (EXIT_FINDINGS, EXIT_OK, chosen_workspaces, dump, open_store, pad, short,
                                      text_width)
from strategy_core.findings import FAIL, WARN, Finding, problems
from strategy_core.i18n import t
from strategy_core.numbers import format_money, format_number
from strategy_core.plan import okr, onion
from strategy_core.store.store import Store
from strategy_core.track import monitor, tracking


def workspace_findings(store: Store, ws: dict[str, Any]) -> list[Finding]:
    """Every onion finding and every OKR quality problem (warn + fail) of one workspace."""
    nodes = onion.list_nodes(store, ws["id"])
    objectives = okr.list_objectives(store, ws["id"])
    krs = okr.list_key_results(store, ws["id"])
    found = list(onion.compute(nodes, ws).findings)
    found += problems(quality.check_all(objectives, krs, ws["year"]))
    return [f for f in found if f.severity in (FAIL, WARN)]


def _labels(store: Store, ws: dict[str, Any]) -> dict[tuple[str, Any], str]:
    out: dict[tuple[str, Any], str] = {("workspace", None): ws["name"], ("workspace", ws["id"]): ws["name"]}
    for n in onion.list_nodes(store, ws["id"]):
        out[("onion_node", n["id"])] = n["name"]
    for o in okr.list_objectives(store, ws["id"]):
        out[("objective", o["id"])] = o["title"]
    for k in okr.list_key_results(store, ws["id"]):
        out[("key_result", k["id"])] = k["statement"]
    return out


def check_report(store: Store, workspace_id: int | None, lang: str) -> list[dict[str, Any]]:
    """The data behind `check`: one entry per workspace (see the module docstring for the shape)."""
    report = []
    for ws in chosen_workspaces(store, workspace_id):
        currency = ws.get("currency") or "CNY"
        labels = _labels(store, ws)
        items = []
        for f in workspace_findings(store, ws):
            d = f.to_dict(lang, currency)
            d["label"] = labels.get((f.entity, f.entity_id))
            d["gap_text"] = (format_money(f.gap, currency, lang, exact=True)
                             if f.gap is not None and math.isfinite(f.gap) else None)
            items.append(d)
        report.append({"id": ws["id"], "name": ws["name"], "year": ws["year"], "currency": currency,
                       "errors": sum(1 for d in items if d["severity"] == FAIL),
                       "warnings": sum(1 for d in items if d["severity"] == WARN),
                       "findings": items})
    return report


def cmd_check(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Print the ``check`` report as text or JSON; returns 1 when any finding is a fail, else 0."""
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        report = check_report(store, args.workspace, lang)
    finally:
        store.close()
    errors = sum(w["errors"] for w in report)
    warnings = sum(w["warnings"] for w in report)
    if args.format == "json":
        dump({"db": str(db), "lang": lang, "errors": errors, "warnings": warnings, "workspaces": report}, out)
    else:
        _print_check(report, lang, out, errors, warnings)
    return EXIT_FINDINGS if errors else EXIT_OK


def _print_check(report: list[dict[str, Any]], lang: str, out: TextIO, errors: int, warnings: int) -> None:
    if not report:
        out.write(t("cli.check.none", lang) + "\n")
        return
    sev_width = max(text_width(t(f"cli.severity.{s}", lang)) for s in (FAIL, WARN))
    for i, w in enumerate(report):
        if i:
            out.write("\n")
        out.write(t("cli.check.header", lang, id=w["id"], name=w["name"], year=w["year"],
                    currency=w["currency"]) + "\n")
        for d in w["findings"]:
            what = t(f"cli.entity.{d['entity']}", lang)
            if d.get("label"):
                what = t("cli.check.entity", lang, entity=what, label=short(d["label"]))
            line = f"  {pad(t('cli.severity.' + d['severity'], lang), sev_width)}  {what}  [{d['rule']}]"
            if d.get("gap_text"):
                line += "  " + t("cli.check.gap", lang, gap=d["gap_text"])
            out.write(line + "\n")
            out.write(f"  {' ' * sev_width}  {d['text']}\n")
        if not w["findings"]:
            out.write("  " + t("cli.check.clean", lang) + "\n")
        else:
            out.write("  " + t("cli.check.summary", lang, errors=w["errors"], warnings=w["warnings"]) + "\n")
    if len(report) > 1:
        out.write("\n" + t("cli.check.total", lang, count=len(report), errors=errors, warnings=warnings) + "\n")


# -- status ---------------------------------------------------------------------------

# a status is never told by colour alone (nor by symbol alone): a symbol whose shape differs, and words
STATUS_SYMBOL = {"on_track": "✓", "green": "✓", "at_risk": "▲", "yellow": "▲", "off_track": "✗", "red": "✗",
                 "no_data": "○", "outdated": "⌛"}
KR_STATUSES = ("on_track", "at_risk", "off_track", "outdated", "no_data")
INDICATOR_STATUSES = ("green", "yellow", "red", "outdated", "no_data")
_CMP_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
_PREFIX_UNITS = {"¥", "￥", "$", "US$", "HK$", "S$", "€", "£"}


def status_text(code: str, lang: str) -> str:
    """A status as a symbol and words in *lang* (the catalog's status.* words, as on the board)."""
    return f"{STATUS_SYMBOL.get(code, '?')} {t('status.' + code, lang)}"


def status_report(store: Store, workspace_id: int | None, as_of: dt.date | None,
                  lang: str, today: dt.date) -> list[dict[str, Any]]:
    """The data behind `status`: one entry per workspace (see the module docstring for the shape),
    measured on *as_of* when given, else on *today* inside each workspace's plan year."""
    report = []
    for ws in chosen_workspaces(store, workspace_id):
        snap = monitor.snapshot(store, ws["id"])
        on = as_of or tracking.today_in(ws["year"], today)
        board = monitor.board(snap, on)
        alerts = set(board.alerts)
        objectives = []
        for o in snap.objectives:
            r = board.objectives[o["id"]]
            objectives.append({"id": o["id"], "level": o["level"], "title": o["title"], "owner": o.get("owner"),
                               "score": r.score, "expected": r.expected, "status": r.status,
                               "status_text": status_text(r.status, lang)})
        krs = []
        for k in snap.key_results:
            s = board.krs[k["id"]]
            krs.append({"id": k["id"], "objective_id": k["objective_id"], "statement": k["statement"],
                        "owner": k.get("owner"), "unit": k.get("unit"), "direction": k.get("direction"),
                        "baseline": k.get("baseline"), "target": k.get("target"),
                        "latest": s.current, "latest_date": s.last_date, "confidence": s.confidence,
                        "progress": s.progress, "expected": s.expected, "expectation": s.expectation,
                        "status": s.status, "status_text": status_text(s.status, lang),
                        "alert": ("key_result", k["id"]) in alerts, "alert_value": k.get("alert_value"),
                        "forecast": s.forecast, "forecast_misses": s.forecast_misses})
        indicators = []
        for i in snap.indicators:
            if i["id"] not in board.indicators:  # retired by then
                continue
            s = board.indicators[i["id"]]
            indicators.append({"id": i["id"], "name": i["name"], "perspective": i["perspective"],
                               "unit": i.get("unit"), "comparator": i["comparator"], "target": i["target"],
                               "band": i.get("band"), "frequency": i["frequency"], "owner": i.get("owner"),
                               "latest": s.latest, "latest_date": s.last_date, "achievement": s.achievement,
                               "status": s.status, "status_text": status_text(s.status, lang),
                               "alert": ("indicator", i["id"]) in alerts, "red_streak": s.red_streak})
        counts = {"key_results": {c: sum(1 for k in krs if k["status"] == c) for c in KR_STATUSES},
                  "indicators": {c: sum(1 for i in indicators if i["status"] == c) for c in INDICATOR_STATUSES}}
        report.append({"id": ws["id"], "name": ws["name"], "year": ws["year"],
                       "currency": ws.get("currency") or "CNY", "as_of": on, "alerts": len(alerts),
                       "counts": counts, "objectives": objectives, "key_results": krs, "indicators": indicators})
    return report


def cmd_status(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Print the ``status`` report as text or JSON; returns 0, alerts or not."""
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        report = status_report(store, args.workspace, args.as_of, lang, args.clock.today())
    finally:
        store.close()
    if args.format == "json":
        dump({"db": str(db), "lang": lang, "as_of": args.as_of, "alerts": sum(w["alerts"] for w in report),
               "workspaces": report}, out)
    else:
        _print_status(report, lang, out)
    return EXIT_OK


def _percent(x: float | None) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{round(100 * x)}%"


def _value(x: float | None, unit: str | None, lang: str) -> str:
    if x is None:
        return "—"
    unit = (unit or "").strip()
    text = format_number(x, lang)
    if not unit:
        return text
    if unit in _PREFIX_UNITS:  # money reads ¥577,645.75
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text}{unit}" if unit in ("%", "％") else f"{text} {unit}"


def _table(head: list[str], rows: list[list[str]], right: set[int], out: TextIO) -> None:
    """Columns padded to the widest cell (CJK counts double); numbers right-aligned."""
    widths = [max(text_width(x) for x in col) for col in zip(head, *rows)]
    for line in [head, *rows]:
        cells = [(" " * (w - text_width(x)) + x) if n in right else pad(x, w)
                 for n, (x, w) in enumerate(zip(line, widths))]
        out.write("  " + "  ".join(cells).rstrip() + "\n")


def _summary(counts: dict[str, int], lang: str) -> str:
    return " · ".join(f"{status_text(c, lang)} {n}" for c, n in counts.items() if n)


def _print_status(report: list[dict[str, Any]], lang: str, out: TextIO) -> None:
    if not report:
        out.write(t("cli.status.none", lang) + "\n")
        return
    alert_on, alert_off = "🚨 " + t("cli.status.alert", lang), "—"
    for n, w in enumerate(report):
        if n:
            out.write("\n")
        out.write(t("cli.status.header", lang, id=w["id"], name=w["name"], year=w["year"],
                    as_of=w["as_of"].isoformat()) + "\n")
        krs, inds = w["key_results"], w["indicators"]
        out.write(t("cli.status.krs", lang, count=len(krs)) + ("  " + _summary(w["counts"]["key_results"], lang)
                                                                if krs else "") + "\n")
        if krs:
            head = [t("cli.col.status", lang), t("cli.col.progress", lang), t("cli.col.expected", lang),
                    t("cli.col.latest", lang), t("cli.col.date", lang), t("cli.col.alert", lang),
                    t("cli.col.key_result", lang)]
            rows = [[k["status_text"], _percent(k["progress"]), _percent(k["expectation"]),
                     _value(k["latest"], k["unit"], lang),
                     k["latest_date"].isoformat() if k["latest_date"] else "—",
                     alert_on if k["alert"] else alert_off, short(k["statement"])] for k in krs]
            _table(head, rows, {1, 2, 3}, out)
        else:
            out.write("  " + t("cli.status.no_krs", lang) + "\n")
        out.write(t("cli.status.indicators", lang, count=len(inds)) + ("  " + _summary(w["counts"]["indicators"], lang)
                                                                        if inds else "") + "\n")
        if inds:
            head = [t("cli.col.status", lang), t("cli.col.achievement", lang), t("cli.col.latest", lang),
                    t("cli.col.target", lang), t("cli.col.date", lang), t("cli.col.alert", lang),
                    t("cli.col.indicator", lang)]
            rows = [[i["status_text"], _percent(i["achievement"]), _value(i["latest"], i["unit"], lang),
                     f"{_CMP_SIGN.get(i['comparator'], i['comparator'])} {_value(i['target'], i['unit'], lang)}",
                     i["latest_date"].isoformat() if i["latest_date"] else "—",
                     alert_on if i["alert"] else alert_off, short(i["name"])] for i in inds]
            _table(head, rows, {1, 2}, out)
        else:
            out.write("  " + t("cli.status.no_indicators", lang) + "\n")
        out.write(t("cli.status.alerts", lang, count=w["alerts"]) + "\n")


# -- backup, restore, import ------------------------------------------------------------------
