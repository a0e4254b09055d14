"""The ``import``, ``backup`` and ``restore`` commands of ``python -m strategy_core``: a JSON document or
an Excel workbook into the database (after a preview), and copies of the database file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence, TextIO


from strategy_core.cli.common import (EXIT_OK, EXIT_USAGE, CliError, chosen_workspaces, Server, location,
                                      open_store)
from strategy_core.errors import StoreOpenError, ValidationError, WorkbenchError
from strategy_core.i18n import t


class Refused(Exception):
    """An import that was refused: a headline and one line per problem (exit code 1)."""

    def __init__(self, head: str, lines: Sequence[str] = ()):
        self.head, self.lines = head, list(lines)
        super().__init__(head)


def cmd_backup(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Copy the database file into the ``--out`` folder and print the copy's path; CliError when there is no database
    file; returns 0."""
    from strategy_core.exchange import backup as backups
    from strategy_core.exchange import server_backup
    folder = Path(args.out).expanduser()
    if isinstance(db, Server):
        dest, version = server_backup.backup(db.url, folder, args.clock.now())
    elif not db.exists():
        raise CliError("cli.error.no_db", path=str(db))
    else:
        dest, version = backups.backup(db, folder, args.clock.now())
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
    """Put the ``--from`` backup in place of the database after a yes on the terminal (or ``--yes``); without either it
    is refused, and a "no" changes nothing and returns 2 (EXIT_USAGE)."""
    from strategy_core.exchange import backup as backups
    from strategy_core.exchange import server_backup
    source = Path(args.source).expanduser()
    if not source.is_file():
        raise WorkbenchError("portable.error.no_backup", path=str(source))
    if db.exists() and not args.yes:
        if not (sys.stdin and sys.stdin.isatty()):
            raise WorkbenchError("portable.error.needs_yes", path=str(db))
        if not _confirm(t("portable.restore.confirm", lang, path=str(db), source=str(source))):
            out.write(t("portable.restore.cancelled", lang) + "\n")
            return EXIT_USAGE
    done = (server_backup.restore(db.url, source, args.clock.now()) if isinstance(db, Server)
            else backups.restore(db, source, args.clock.now()))
    out.write(t("portable.restore.done", lang, path=str(done.path), source=str(done.source),
                version=done.version) + "\n")
    if done.safety is not None:
        out.write(t("portable.restore.safety", lang, safety=str(done.safety)) + "\n")
    if done.migrated_backup is not None:
        out.write(t("portable.restore.migrated", lang, version=done.version, backup=str(done.migrated_backup)) + "\n")
    return EXIT_OK


def cmd_copy(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Copy every row, the change log and the trash from ``--from`` into the empty database ``--to`` (a DuckDB file
    or a postgresql:// URL each; the target is created when it is a new file) and print what moved; returns 0."""
    from strategy_core.store import copy as copying
    source, target = location(args.source), location(args.target)
    if isinstance(source, Path) and not source.is_file():
        raise CliError("cli.error.no_db", path=str(source))
    if isinstance(target, Path) and not target.parent.is_dir():
        raise CliError("cli.error.no_folder", path=str(target.parent))
    created = isinstance(target, Path) and not target.exists()
    src = open_store(source, must_exist=True, clock=args.clock)
    try:
        dst = open_store(target, must_exist=False, clock=args.clock)
        try:
            done = copying.copy(src, dst)
        except BaseException:
            dst.close()
            if created:            # the new file held nothing before: nothing of it is left
                for leftover in (target, target.with_name(target.name + ".wal")):
                    leftover.unlink(missing_ok=True)
            raise
        dst.close()
    finally:
        src.close()
    out.write(t("cli.copy.done", lang, source=str(source), target=str(target), rows=done.data_rows,
                events=done.rows["audit_event"], workspaces=done.rows["workspace"]) + "\n")
    return EXIT_OK


def _read_import_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise CliError("cli.error.io", path=str(path), detail=e.strerror or str(e)) from None


def cmd_import(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Import ``--file``: a JSON export as a new workspace, or (a zip, whatever its name) an edited workbook into
    ``--workspace``; prints what changes, changes nothing with ``--dry-run``, and raises Refused, listing the
    problems, when the file is refused."""
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
