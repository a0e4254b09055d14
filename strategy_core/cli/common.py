"""What the command line's modules share: exit codes, the CLI's own error, argument types, opening
the database and choosing workspaces (``strategy_core.cli`` and ``strategy_core.cli.export``)."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, Callable

from strategy_core.clock import Clock
from strategy_core.i18n import t
from strategy_core.store.store import Store

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A usage or IO problem the CLI reports itself (catalog key + params)."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(key)

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def workspace_id_arg(lang: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            return int(value.strip())
        except (ValueError, AttributeError):
            raise argparse.ArgumentTypeError(t("cli.error.bad_id", lang, value=value)) from None
    return parse


def date_arg(lang: str) -> Callable[[str], dt.date]:
    def parse(value: str) -> dt.date:
        text = (value or "").strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.error.bad_date", lang, value=value)) from None
    return parse


def open_store(db: Path, *, must_exist: bool, clock: Clock) -> Store:
    """Open (and migrate) the Store, its change log stamped by *clock*; read-only commands refuse to
    create a new file."""
    if must_exist and not db.exists():
        raise CliError("cli.error.no_db", path=str(db))
    return Store(db, clock=clock)


def chosen_workspaces(store: Store, workspace_id: int | None) -> list[dict[str, Any]]:
    """The workspace asked for (CliError naming the existing ids when there is none), else every live one."""
    live = store.list_workspaces()
    if workspace_id is None:
        return live
    chosen = [w for w in live if w["id"] == workspace_id]
    if not chosen:
        if not live:
            raise CliError("cli.error.unknown_workspace_none", id=workspace_id)
        raise CliError("cli.error.unknown_workspace", id=workspace_id,
                       ids=", ".join(f"{w['id']} ({w['name']})" for w in live))
    return chosen
