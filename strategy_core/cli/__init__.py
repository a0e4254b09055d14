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
              after a preview (strategy_core/exchange/excel/importer/). The kind of file is told by its
              content, not its name. ``--dry-run`` prints what would change and changes nothing
  backup      ``--out DIR``: a consistent copy of the database file (CHECKPOINT, then copy) named
              by date and time, never over another file
  restore     ``--from BACKUP [--yes]``: put a backup in place of the database, after checking it;
              the current file is kept beside it as a safety copy; refused while another program
              has the database open
  copy        ``--from DB --to DB``: every row (the trash too) and the whole change log, with their
              ids, into an empty database — a DuckDB file to a team server's postgresql:// URL, or
              back (strategy_core/store/copy.py); one transaction

Global options (before or after the command): ``--db PATH`` (a DuckDB file or a postgresql:// URL;
default: $WORKBENCH_DB, else data/workbench.duckdb) and ``--lang zh|en`` (default: from $LANG, else zh).

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
import os
import sys
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import duckdb
import psycopg

from strategy_core import clock, demo
from strategy_core.plan import workspace
from strategy_core.cli import export as excel_cli     # the export command, which writes the Excel workbook
from strategy_core.cli.common import (EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, CliError, date_arg, dump, jsonable,
                                      location, open_store, pad, short, text_width, workspace_id_arg)
from strategy_core.cli.files import Refused, cmd_backup, cmd_copy, cmd_import, cmd_restore
from strategy_core.cli.report import (INDICATOR_STATUSES, KR_STATUSES, STATUS_SYMBOL, check_report, cmd_check,
                                      cmd_status, status_report, status_text)
from strategy_core.errors import ValidationError, WorkbenchError
from strategy_core.i18n import LANGS, lang_from_locale, t
from strategy_core.store.store import default_location

# what other code and the tests take from the command line, wherever it is defined in this package
__all__ = ["COMMANDS", "INDICATOR_STATUSES", "KR_STATUSES", "STATUS_SYMBOL", "CliError", "build_parser", "check_report",
           "jsonable", "main", "status_report", "status_text"]

COMMANDS = ("init", "demo", "workspaces", "check", "status", "export", "import", "backup", "restore", "copy")
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
    g = command("copy")
    g.add_argument("--from", dest="source", metavar="DB", required=True, help=t("cli.help.copy_from", lang))
    g.add_argument("--to", dest="target", metavar="DB", required=True, help=t("cli.help.copy_to", lang))
    assert tuple(sub.choices) == COMMANDS
    return parser


# -- helpers ------------------------------------------------------------------------

# -- commands -----------------------------------------------------------------------

def cmd_init(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Create the database file (and its folder) or migrate it, and print its path and schema version — with the backup
    taken when it was migrated; returns 0."""
    existed = db.exists()
    if not existed and not db.parent.exists():    # (a server always "exists")
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
    """Load the demo company as a new workspace and print its id, name and story date, with a note when the plan year's
    story is only partly told by today; returns 0."""
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
    """Print the live workspaces (newest year first, then by name) as a table or as JSON; refuses to create a missing
    database file; returns 0."""
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        rows = store.list_workspaces()
    finally:
        store.close()
    if args.format == "json":
        keep = ("id", "name", "year", "currency", "industry", "day_basis", "language", "created_at")
        dump({"db": str(db), "workspaces": [{k: r.get(k) for k in keep} for r in rows]}, out)
        return EXIT_OK
    if not rows:
        out.write(t("cli.workspaces.none", lang) + "\n")
        return EXIT_OK
    head = [t(f"cli.col.{c}", lang) for c in ("id", "name", "year", "currency")]
    table = [[str(r["id"]), str(r["name"]), str(r["year"]), str(r["currency"])] for r in rows]
    widths = [max(text_width(x) for x in col) for col in zip(head, *table)]
    for line in [head, *table]:
        out.write("  ".join(pad(x, w) for x, w in zip(line, widths)).rstrip() + "\n")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Path, str, TextIO], int]] = {
    "init": cmd_init, "demo": cmd_demo, "workspaces": cmd_workspaces, "check": cmd_check, "status": cmd_status,
    "export": excel_cli.cmd_export,
    "import": cmd_import, "backup": cmd_backup, "restore": cmd_restore, "copy": cmd_copy}


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
    db = location(getattr(args, "db", None) or default_location())
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
    except (duckdb.Error, psycopg.Error) as e:
        _say(err, lang, t("cli.error.database", lang, path=str(db), detail=short(e, 300)))
    except OSError as e:
        _say(err, lang, t("cli.error.io", lang, path=e.filename or str(db), detail=e.strerror or str(e)))
    except KeyboardInterrupt:
        _say(err, lang, t("cli.error.interrupted", lang))
        return 130
    except Exception as e:  # never a traceback; but say what broke
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        _say(err, lang, t("cli.error.unexpected", lang, kind=type(e).__name__, detail=short(e, 300)))
    return EXIT_USAGE
