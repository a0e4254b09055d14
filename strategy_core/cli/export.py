"""The ``export`` command of ``python -m strategy_core`` (registered in strategy_core/cli/__init__.py).

``export --workspace ID --format xlsx --out FILE [--as-of YYYY-MM-DD] [--lang zh|en]`` writes the
workspace's workbook (strategy_core.exchange.excel.export) in --lang when given, else in the workspace's
language. ``--format json`` writes every live row of the workspace as one stable JSON document
instead (strategy_core.exchange.portable; --lang and --as-of do not change it). Any other format is
refused in plain words (exit 2). The file is written to a temporary name and renamed, so a
reader never sees half a file.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TextIO

from strategy_core.cli.common import EXIT_OK, chosen_workspaces, open_store, workspace_id_arg
from strategy_core.errors import WorkbenchError
from strategy_core.i18n import t

EXPORT_FORMATS = ("xlsx", "json")


def add_arguments(g: argparse._ArgumentGroup, lang: str) -> None:
    """Add ``--workspace`` (required), ``--format`` and ``--out`` (required) to the export command's group; the format
    is not a ``choices`` list, so ``cmd_export`` can refuse an unknown one in plain words."""
    g.add_argument("--workspace", type=workspace_id_arg(lang), metavar="ID", required=True,
                   help=t("cli.help.export_workspace", lang))
    g.add_argument("--format", default="xlsx", metavar="xlsx|json", help=t("cli.help.export_format", lang))
    g.add_argument("--out", metavar="FILE", required=True, help=t("cli.help.export_out", lang))


def cmd_export(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    """Write the workspace as an Excel workbook or a JSON document to ``--out`` (temporary file, then rename) and print
    what was written; returns 0, WorkbenchError for any other format."""
    from strategy_core.exchange.excel.export import export_workbook
    fmt = (args.format or "").strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise WorkbenchError("xl.error.format", format=args.format)
    if fmt == "json":
        return _export_json(args, db, lang, out)
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        # --lang given on the line wins; otherwise the workbook speaks the workspace's language
        data = export_workbook(store, args.workspace, getattr(args, "lang", None), on=args.as_of,
                               today=args.clock.today())
    finally:
        store.close()
    target = Path(args.out).expanduser()
    _write(target, data, ".xlsx")
    from strategy_core.exchange.excel.export import SHEETS
    out.write(t("xl.cli.written", lang, path=str(target), sheets=len(SHEETS), size=len(data)) + "\n")
    return EXIT_OK


def _export_json(args: argparse.Namespace, db: Path, lang: str, out: TextIO) -> int:
    from strategy_core.exchange import portable
    store = open_store(db, must_exist=True, clock=args.clock)
    try:
        ws = chosen_workspaces(store, args.workspace)[0]
        doc = portable.export_data(store, ws["id"])
    finally:
        store.close()
    data = portable.dumps(doc).encode("utf-8")
    target = Path(args.out).expanduser()
    _write(target, data, ".json")
    out.write(t("portable.export.written", lang, path=str(target), id=ws["id"], name=ws["name"],
                rows=sum(len(rows) for rows in doc["tables"].values()), tables=len(doc["tables"]),
                size=len(data)) + "\n")
    return EXIT_OK


def _write(target: Path, data: bytes, suffix: str) -> None:
    """Write *data* to *target* through a temporary file in the same folder and one rename."""
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)   # mkstemp makes it private; a workbook is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
