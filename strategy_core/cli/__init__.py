"""The command line: ``python -m strategy_core [--db PATH] [--lang zh|en] COMMAND ...``

A thin skin over the core (no SQL here, no Streamlit): it opens the Store,
calls the domain modules and prints their findings in the chosen language.

Commands
  init        create the database file or migrate it; print its path and schema version
  demo        load the demo company as a new workspace (``--year N``); print its id and name
  workspaces  list the live workspaces (``--format text|json``)
  check       onion consistency findings and OKR quality problems (warn + fail) of one
              workspace (``--workspace ID``) or of every live one (``--format text|json``)
  status      where every KR and indicator stands as of a date (``--as-of YYYY-MM-DD``, default:
              today inside the plan year, else its last day): latest value, progress (KRs) or
              achievement (indicators), status in words with a symbol, alert; one workspace
              (``--workspace ID``) or every live one (``--format text|json``)
  export      one workspace as an Excel workbook, one sheet per template (``--workspace ID
              --format xlsx --out FILE [--as-of YYYY-MM-DD]``; in --lang when given, else in the
              workspace's language); see strategy_core/exchange/excel/ — or, with ``--format json``, every
              live row of the workspace as one stable JSON document (strategy_core/exchange/portable.py,
              README "JSON format")
  import      ``--file plan.json [--dry-run] [--name NEW_NAME]``: a JSON export becomes a NEW
              workspace (ids remapped, one transaction, undoable); ``--file book.xlsx --workspace ID
              [--dry-run]``: an exported workbook edited by people goes back into that workspace,
              after a preview (strategy_core/exchange/excel/importer.py). The kind of file is told by its
              content, not its name. ``--dry-run`` prints what would change and changes nothing
  backup      ``--out DIR``: a consistent copy of the database file (CHECKPOINT, then copy) named
              by date and time, never over another file
  restore     ``--from BACKUP [--yes]``: put a backup in place of the database, after checking it;
              the current file is kept beside it as a safety copy; refused while another program
              has the database open

Global options (before or after the command): ``--db PATH`` (default: $WORKBENCH_DB,
else data/workbench.duckdb) and ``--lang zh|en`` (default: from $LANG, else zh).

Exit codes: 0 done (``check``: no errors; ``status``: always, alerts or not); 1 ``check``
found at least one fail, or ``import`` refused the file (every problem is listed: for JSON the
table, the index of the row and the field — ``tables.key_result[3].objective_id``); 2 usage or file problem — a bad option or date, a database file
that is locked by another process, foreign, corrupt or missing, an unknown workspace id.
Problems are plain words on stderr, never a traceback.

``check --format json`` (stable: keys may be added, none removed or renamed)::

    {"db": "<path>", "lang": "zh" | "en", "errors": <int>, "warnings": <int>,
     "workspaces": [
       {"id": <int>, "name": <str>, "year": <int>, "currency": <str>,
        "errors": <int>, "warnings": <int>,
        "findings": [
          {"rule": "onion.units_price", "severity": "fail" | "warn",
           "entity": "onion_node" | "objective" | "key_result" | "workspace",
           "entity_id": <int | null>, "label": <name of the entity | null>,
           "field": <str | null>, "message": <catalog key>, "params": {...},
           "text": <the finding in --lang>, "gap": <float | null, money, negative = short>,
           "gap_text": <gap in the workspace currency | null>,
           "example": <catalog key | null>, "example_text": <str | null>}]}]}

Onion findings come first (tree order), then the OKR quality findings in
``quality.check_all`` order. Dates are ISO strings; NaN/inf become null.

``status --format json`` (stable: keys may be added, none removed or renamed; the numbers
come from ``monitor.snapshot`` + ``monitor.board``, see strategy_core/track/measure.py)::

    {"db": "<path>", "lang": "zh" | "en", "as_of": "<YYYY-MM-DD given> | null",
     "alerts": <int, all workspaces>,
     "workspaces": [
       {"id": <int>, "name": <str>, "year": <int>, "currency": <str>,
        "as_of": "<YYYY-MM-DD the workspace was measured at>", "alerts": <int>,
        "counts": {"key_results": {"<status>": <int>}, "indicators": {"<status>": <int>}},
        "objectives": [
          {"id", "level", "title", "owner", "score": <0–1 | null>, "expected": <0–1 | null>,
           "status": <KR status code>, "status_text": <symbol + words in --lang>}],
        "key_results": [
          {"id", "objective_id", "statement", "owner", "unit", "direction", "baseline", "target",
           "latest": <float | null>, "latest_date": <date | null>, "confidence": <int | null>,
           "progress": <float | null: 0 at baseline, 1 at target, unclamped>,
           "expected": <elapsed share of the period, 0–1>,
           "expectation": <the bar today: expected × 1.0 committed | 0.7 aspirational>,
           "status": "on_track" | "at_risk" | "off_track" | "outdated" | "no_data",
           "status_text": <str>, "alert": <bool: latest value past the alert value>,
           "alert_value": <float | null>, "forecast": <float | null>, "forecast_misses": <bool>}],
        "indicators": [
          {"id", "name", "perspective", "unit", "comparator", "target", "band", "frequency", "owner",
           "latest": <float | null>, "latest_date": <date | null>,
           "achievement": <float | null: 1.0 = on target>,
           "status": "green" | "yellow" | "red" | "outdated" | "no_data",
           "status_text": <str>, "alert": <bool: red>, "red_streak": <int periods>}]}]}

KRs, objectives and indicators come in the workbench's order; retired indicators are left out.

``workspaces --format json``::

    {"db": "<path>", "workspaces": [{"id", "name", "year", "currency", "industry",
                                     "day_basis", "language", "created_at"}]}
"""
from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import duckdb

from strategy_core import clock, demo, quality
from strategy_core.plan import okr, onion, workspace
from strategy_core.track import monitor, tracking
from strategy_core.cli.common import (EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, CliError, chosen_workspaces, date_arg,
                                      open_store, workspace_id_arg)
from strategy_core.clock import Clock
from strategy_core.cli import export as excel_cli     # the export command, which writes the Excel workbook
from strategy_core.errors import StoreOpenError, ValidationError, WorkbenchError
from strategy_core.findings import FAIL, WARN, Finding, problems
from strategy_core.i18n import LANGS, lang_from_locale, t
from strategy_core.numbers import format_money, format_number
from strategy_core.store.store import Store, default_db_path

COMMANDS = ("init", "demo", "workspaces", "check", "status", "export", "import", "backup", "restore")
FORMATS = ("text", "json")
PROG = "python -m strategy_core"


# -- language ---------------------------------------------------------------------

def env_lang() -> str:
    """$LANG → zh | en (anything else, or unset: zh)."""
    return lang_from_locale(os.environ.get("LANG"))


def _early_lang(argv: Sequence[str]) -> str:
    """The --lang given anywhere on the line (so --help and argparse errors speak it)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    try:
        ns, _ = pre.parse_known_args(list(argv))
    except SystemExit:  # e.g. "--lang" without a value: the real parser will say so
        ns = argparse.Namespace(lang=None)
    return ns.lang if ns.lang in LANGS else env_lang()


# -- parser -------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse with the error line in the chosen language (exit code 2, no traceback)."""

    lang = "zh"

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, t("cli.error.usage", self.lang, prog=self.prog, detail=message) + "\n")


def _year(lang: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            year = int(value.strip())
        except (ValueError, AttributeError):
            year = None
        if year is None or not workspace.YEAR_MIN <= year <= workspace.YEAR_MAX:
            raise argparse.ArgumentTypeError(t("cli.error.bad_year", lang, value=value,
                                               min=workspace.YEAR_MIN, max=workspace.YEAR_MAX))
        return year
    return parse


def _add_globals(p: argparse.ArgumentParser, lang: str) -> argparse._ArgumentGroup:
    # SUPPRESS on both levels: a value given before the command is not overwritten by the
    # subparser's default; the real defaults are resolved after parsing.
    g = p.add_argument_group(t("cli.help.global_options", lang))
    g.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help.help", lang))
    g.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=t("cli.help.db", lang))
    g.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=t("cli.help.lang", lang))
    g.add_argument("--as-of", type=date_arg(lang), metavar="YYYY-MM-DD", default=argparse.SUPPRESS,
                   help=t("cli.help.as_of", lang))
    return g


def _new_parser(lang: str, **kw: Any) -> _Parser:
    p = _Parser(add_help=False, formatter_class=argparse.RawDescriptionHelpFormatter, **kw)
    p.lang = lang
    return p


def build_parser(lang: str = "zh") -> _Parser:
    """The whole command line, its help texts in *lang*."""
    parser = _new_parser(lang, prog=PROG, description=t("cli.description", lang), epilog=t("cli.epilog", lang))
    _add_globals(parser, lang)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=t("cli.help.commands", lang),
                                parser_class=_Parser)

    def command(name: str, epilog: str | None = None) -> argparse._ArgumentGroup:
        """A command parser; returns the group its own options go in (argparse's
        untranslated "options:" heading stays empty, so it is not shown)."""
        p = sub.add_parser(name, help=t(f"cli.help.{name}", lang), description=t(f"cli.desc.{name}", lang),
                           epilog=epilog, add_help=False, formatter_class=argparse.RawDescriptionHelpFormatter)
        p.lang = lang
        own = p.add_argument_group(t("cli.help.command_options", lang))
        _add_globals(p, lang)
        return own

    command("init")
    g = command("demo")
    g.add_argument("--year", type=_year(lang), metavar="N", help=t("cli.help.year", lang))
    g = command("workspaces")
    g.add_argument("--format", choices=FORMATS, default="text", help=t("cli.help.format", lang))
    g = command("check", epilog=t("cli.epilog.check", lang))
    g.add_argument("--workspace", type=workspace_id_arg(lang), metavar="ID", help=t("cli.help.workspace", lang))
    g.add_argument("--format", choices=FORMATS, default="text", help=t("cli.help.format", lang))
    g = command("status", epilog=t("cli.epilog.status", lang))
    g.add_argument("--workspace", type=workspace_id_arg(lang), metavar="ID", help=t("cli.help.workspace", lang))
    g.add_argument("--format", choices=FORMATS, default="text", help=t("cli.help.format", lang))
    excel_cli.add_arguments(command("export"), lang)
    g = command("import", epilog=t("cli.epilog.import", lang))
    g.add_argument("--file", metavar="FILE", required=True, help=t("cli.help.import_file", lang))
    g.add_argument("--dry-run", action="store_true", help=t("cli.help.dry_run", lang))
    g.add_argument("--name", metavar="NEW_NAME", help=t("cli.help.import_name", lang))
    g.add_argument("--workspace", type=workspace_id_arg(lang), metavar="ID", help=t("cli.help.import_workspace", lang))
    g = command("backup")
    g.add_argument("--out", metavar="DIR", required=True, help=t("cli.help.backup_out", lang))
    g = command("restore")
    g.add_argument("--from", dest="source", metavar="BACKUP", required=True, help=t("cli.help.restore_from", lang))
    g.add_argument("--yes", action="store_true", help=t("cli.help.yes", lang))
    assert tuple(sub.choices) == COMMANDS
    return parser


# -- helpers ------------------------------------------------------------------------

def jsonable(v: Any) -> Any:
    """Plain JSON values: dates as ISO strings, NaN/inf as null, tuples/sets as lists."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return sorted((jsonable(x) for x in v), key=str)
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return jsonable(float(v))
    if hasattr(v, "item"):  # numpy scalars
        return jsonable(v.item())
    return str(v)


def _dump(data: Any, out: TextIO) -> None:
    out.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def _short(s: Any, limit: int = 60) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


# -- commands -----------------------------------------------------------------------

def cmd_init(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    existed = db.exists()
    if not existed and not db.parent.exists():
        try:
            db.parent.mkdir(parents=True)
        except OSError as e:
            raise CliError("cli.error.mkdir", path=str(db.parent), detail=e.strerror or str(e)) from None
    store = open_store(db, must_exist=False, clock=args.clock)
    try:
        version = store.schema_version
        if not existed:
            out.write(t("cli.init.created", lang, path=str(db.resolve()), version=version) + "\n")
        elif store.backup_path is not None:
            out.write(t("cli.init.migrated", lang, path=str(db.resolve()), version=version,
                        backup=str(store.backup_path)) + "\n")
        else:
            out.write(t("cli.init.ready", lang, path=str(db.resolve()), version=version) + "\n")
    finally:
        store.close()
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    store = open_store(db, must_exist=False, clock=args.clock)
    try:
        today = args.clock.today()
        wid = demo.load(store, lang, args.year, actor="cli", today=today)
        ws = store.get_workspace(wid)
    finally:
        store.close()
    story = demo.story_date(ws["year"], today)
    out.write(t("cli.demo.loaded", lang, id=wid, name=ws["name"], year=ws["year"], date=story.isoformat()) + "\n")
    if not demo.tells_whole_story(ws["year"], today):
        out.write(t("cli.demo.partial", lang, year=ws["year"], start=demo.story_start(ws["year"]).isoformat(),
                    date=story.isoformat()) + "\n")
    out.write(t("cli.demo.next", lang, id=wid) + "\n")
    return EXIT_OK


def cmd_workspaces(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        rows = store.list_workspaces()
    finally:
        store.close()
    if args.format == "json":
        keep = ("id", "name", "year", "currency", "industry", "day_basis", "language", "created_at")
        _dump({"db": str(db), "workspaces": [{k: r.get(k) for k in keep} for r in rows]}, out)
        return EXIT_OK
    if not rows:
        out.write(t("cli.workspaces.none", lang) + "\n")
        return EXIT_OK
    head = [t(f"cli.col.{c}", lang) for c in ("id", "name", "year", "currency")]
    table = [[str(r["id"]), str(r["name"]), str(r["year"]), str(r["currency"])] for r in rows]
    widths = [max(_width(x) for x in col) for col in zip(head, *table)]
    for line in [head, *table]:
        out.write("  ".join(_pad(x, w) for x, w in zip(line, widths)).rstrip() + "\n")
    return EXIT_OK


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
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        report = check_report(store, args.workspace, lang)
    finally:
        store.close()
    errors = sum(w["errors"] for w in report)
    warnings = sum(w["warnings"] for w in report)
    if args.format == "json":
        _dump({"db": str(db), "lang": lang, "errors": errors, "warnings": warnings, "workspaces": report}, out)
    else:
        _print_check(report, lang, out, errors, warnings)
    return EXIT_FINDINGS if errors else EXIT_OK


def _print_check(report: list[dict[str, Any]], lang: str, out: TextIO, errors: int, warnings: int) -> None:
    if not report:
        out.write(t("cli.check.none", lang) + "\n")
        return
    sev_width = max(_width(t(f"cli.severity.{s}", lang)) for s in (FAIL, WARN))
    for i, w in enumerate(report):
        if i:
            out.write("\n")
        out.write(t("cli.check.header", lang, id=w["id"], name=w["name"], year=w["year"],
                    currency=w["currency"]) + "\n")
        for d in w["findings"]:
            what = t(f"cli.entity.{d['entity']}", lang)
            if d.get("label"):
                what = t("cli.check.entity", lang, entity=what, label=_short(d["label"]))
            line = f"  {_pad(t('cli.severity.' + d['severity'], lang), sev_width)}  {what}  [{d['rule']}]"
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
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        report = status_report(store, args.workspace, args.as_of, lang, args.clock.today())
    finally:
        store.close()
    if args.format == "json":
        _dump({"db": str(db), "lang": lang, "as_of": args.as_of, "alerts": sum(w["alerts"] for w in report),
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
    widths = [max(_width(x) for x in col) for col in zip(head, *rows)]
    for line in [head, *rows]:
        cells = [(" " * (w - _width(x)) + x) if n in right else _pad(x, w)
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
                     alert_on if k["alert"] else alert_off, _short(k["statement"])] for k in krs]
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
                     alert_on if i["alert"] else alert_off, _short(i["name"])] for i in inds]
            _table(head, rows, {1, 2}, out)
        else:
            out.write("  " + t("cli.status.no_indicators", lang) + "\n")
        out.write(t("cli.status.alerts", lang, count=w["alerts"]) + "\n")


# -- backup, restore, import ------------------------------------------------------------------

class Refused(Exception):
    """An import that was refused: a headline and one line per problem (exit code 1)."""

    def __init__(self, head: str, lines: Sequence[str] = ()):
        self.head, self.lines = head, list(lines)
        super().__init__(head)


def cmd_backup(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    from strategy_core.exchange import portable
    if not db.exists():
        raise CliError("cli.error.no_db", path=str(db))
    dest, version = portable.backup(db, Path(args.out).expanduser(), args.clock.now())
    out.write(t("portable.backup.written", lang, db=str(db), path=str(dest), version=version,
                size=dest.stat().st_size) + "\n")
    return EXIT_OK


def _confirm(question: str) -> bool:
    """Ask on the terminal; without one (a script, a pipe) the answer is no."""
    if not (sys.stdin and sys.stdin.isatty()):
        return False
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes", "是", "是的")


def cmd_restore(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    from strategy_core.exchange import portable
    source = Path(args.source).expanduser()
    if not source.is_file():
        raise WorkbenchError("portable.error.no_backup", path=str(source))
    if db.exists() and not args.yes:
        if not (sys.stdin and sys.stdin.isatty()):
            raise WorkbenchError("portable.error.needs_yes", path=str(db))
        if not _confirm(t("portable.restore.confirm", lang, path=str(db), source=str(source))):
            out.write(t("portable.restore.cancelled", lang) + "\n")
            return EXIT_USAGE
    done = portable.restore(db, source, args.clock.now())
    out.write(t("portable.restore.done", lang, path=str(done.path), source=str(done.source),
                version=done.version) + "\n")
    if done.safety is not None:
        out.write(t("portable.restore.safety", lang, safety=str(done.safety)) + "\n")
    if done.migrated_backup is not None:
        out.write(t("portable.restore.migrated", lang, version=done.version, backup=str(done.migrated_backup)) + "\n")
    return EXIT_OK


def _read_import_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise CliError("cli.error.io", path=str(path), detail=e.strerror or str(e)) from None


def cmd_import(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise Refused(t("portable.error.not_file", lang, path=str(path)))
    data = _read_import_file(path)
    if data[:2] == b"PK":  # a zip: an xlsx workbook (whatever its name says)
        return _import_xlsx(args, db, lang, out, path, data)
    from strategy_core.exchange import portable
    if args.workspace is not None:
        raise CliError("portable.error.workspace_for_xlsx")
    try:
        plan = portable.plan_json(data, args.name)
    except portable.FileRefused as e:
        raise Refused(e.text(lang), e.lines(lang)) from None
    ws, counts = plan.workspace, plan.counts()
    out.write(t("portable.import.header", lang, file=str(path), name=ws["name"], year=ws["year"],
                currency=ws["currency"], language=ws["language"]) + "\n")
    for table, n in counts.items():
        out.write(t("portable.import.count", lang, table=t(f"entity.{table}", lang), count=n) + "\n")
    rows = sum(counts.values())
    if args.dry_run:  # the database is not even opened
        out.write(t("portable.import.dry_run", lang, rows=rows) + "\n")
        return EXIT_OK
    store = open_store(db, must_exist=False, clock=args.clock)
    try:
        wid = portable.apply_json(store, plan, actor="cli")
    finally:
        store.close()
    out.write(t("portable.import.done", lang, id=wid, name=ws["name"], rows=rows) + "\n")
    return EXIT_OK


def _import_xlsx(args: argparse.Namespace, db: Path, lang: str, out: TextIO, path: Path, data: bytes) -> int:
    if args.workspace is None:
        raise CliError("portable.error.xlsx_needs_workspace")
    if args.name is not None:
        raise CliError("portable.error.name_for_json")
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        wid = chosen_workspaces(store, args.workspace)[0]["id"]
        from strategy_core.exchange.excel import importer  # written beside the exporter; only needed here
        try:
            plan = importer.plan_import(store, wid, data, path.name, today=args.clock.today())
        except StoreOpenError:
            raise
        except WorkbenchError as e:
            raise Refused(e.text(lang)) from None
        if plan.errors:
            raise Refused(t("portable.error.refused", lang, count=len(plan.errors)),
                          [e.text(lang) for e in plan.errors])
        for line in plan.lines(lang):  # every add, change (old → new) and removal; or "nothing to do"
            out.write(line + "\n")
        if not getattr(plan, "changes", True):
            return EXIT_OK
        if args.dry_run:
            out.write(t("portable.import.xlsx_dry_run", lang) + "\n")
            return EXIT_OK
        try:
            n = importer.apply_import(store, wid, plan, actor="cli")
        except StoreOpenError:
            raise
        except WorkbenchError as e:
            raise Refused(e.text(lang), e.texts(lang) if isinstance(e, ValidationError) else ()) from None
    finally:
        store.close()
    out.write(t("portable.import.xlsx_done", lang, id=wid, count=n) + "\n")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Path, str, TextIO], int]] = {
    "init": cmd_init, "demo": cmd_demo, "workspaces": cmd_workspaces, "check": cmd_check, "status": cmd_status,
    "export": excel_cli.cmd_export,
    "import": cmd_import, "backup": cmd_backup, "restore": cmd_restore}


# -- entry ----------------------------------------------------------------------------

def _say(err: TextIO, lang: str, message: str) -> None:
    err.write(t("cli.error.prefix", lang, message=message) + "\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (argparse itself exits 0 on --help, 2 on misuse)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err = err or sys.stderr
    lang = _early_lang(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None) or lang
    if not args.command:
        parser.print_help(err)
        return EXIT_USAGE
    db = Path(getattr(args, "db", None) or default_db_path()).expanduser()
    try:
        # the one reading of the clock: --as-of stands in for today (and stamps the change log)
        args.as_of = getattr(args, "as_of", None)
        args.clock = clock.fixed(args.as_of) if args.as_of else clock.system()
        args.clock.today()                  # a bad $WORKBENCH_TODAY is said here, before any work
        return HANDLERS[args.command](args, db, lang, out)
    except Refused as e:
        _say(err, lang, e.head)
        for line in e.lines:
            err.write(f"  {line}\n")
        return EXIT_FINDINGS
    except ValidationError as e:
        _say(err, lang, " ".join([e.text(lang), *e.texts(lang)]))
    except (CliError, WorkbenchError) as e:
        _say(err, lang, e.text(lang))
    except BrokenPipeError:  # the reader of stdout left (`| head`): not a file problem
        raise
    except duckdb.Error as e:
        _say(err, lang, t("cli.error.database", lang, path=str(db), detail=_short(e, 300)))
    except OSError as e:
        _say(err, lang, t("cli.error.io", lang, path=e.filename or str(db), detail=e.strerror or str(e)))
    except KeyboardInterrupt:
        _say(err, lang, t("cli.error.interrupted", lang))
        return 130
    except Exception as e:  # never a traceback; but say what broke
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        _say(err, lang, t("cli.error.unexpected", lang, kind=type(e).__name__, detail=_short(e, 300)))
    return EXIT_USAGE
