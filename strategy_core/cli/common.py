"""What the command line's modules share: exit codes, the CLI's own error, argument types, opening
the database and choosing workspaces (``strategy_core.cli`` and ``strategy_core.cli.export``)."""
from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import unicodedata
from pathlib import Path
from typing import Any, Callable, TextIO

from strategy_core.clock import Clock
from strategy_core.i18n import t
from strategy_core.store.pg import shown
from strategy_core.store.store import Store, is_url

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A usage or IO problem the CLI reports itself (catalog key + params)."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(key)

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def workspace_id_arg(lang: str) -> Callable[[str], int]:
    """An argparse type: a workspace id as an int, refused in *lang* when it is not a whole number."""
    def parse(value: str) -> int:
        try:
            return int(value.strip())
        except (ValueError, AttributeError):
            raise argparse.ArgumentTypeError(t("cli.error.bad_id", lang, value=value)) from None
    return parse


def date_arg(lang: str) -> Callable[[str], dt.date]:
    """An argparse type: a date written exactly ``YYYY-MM-DD`` (ten characters), refused in *lang* otherwise."""
    def parse(value: str) -> dt.date:
        text = (value or "").strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.error.bad_date", lang, value=value)) from None
    return parse


class Server:
    """A PostgreSQL URL given as ``--db`` (or $WORKBENCH_DB): answers the few questions the commands ask
    of a database file, and prints without its password."""

    def __init__(self, url: str):
        self.url, self._shown = url, shown(url)

    def exists(self) -> bool:
        return True             # the server itself says at opening when it is not there

    def resolve(self) -> "Server":
        return self

    def __str__(self) -> str:
        return self._shown


def location(value: str | Path) -> Path | Server:
    """What ``--db`` names: a DuckDB file (``~`` expanded) or a server."""
    return Server(value) if is_url(value) else Path(value).expanduser()


def open_store(db: Path | Server, *, must_exist: bool, clock: Clock) -> Store:
    """Open (and migrate) the Store, its change log stamped by *clock*; read-only commands refuse to
    create a new file."""
    if must_exist and not db.exists():
        raise CliError("cli.error.no_db", path=str(db))
    return Store(db.url if isinstance(db, Server) else db, clock=clock)


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


# -- output ---------------------------------------------------------------------------------------------------

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


def dump(data: Any, out: TextIO) -> None:
    """Write *data* to *out* as indented JSON (through ``jsonable``, non-ASCII kept) and a newline."""
    out.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def text_width(s: str) -> int:
    """Columns *s* takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def pad(s: str, width: int) -> str:
    """*s* padded with spaces to *width* terminal columns (CJK counts two); a longer *s* is not cut."""
    return s + " " * max(0, width - text_width(s))


def short(s: Any, limit: int = 60) -> str:
    """*s* on one line (runs of white space become one space) and at most *limit* characters, a cut one
    ending in "…"."""
    s = " ".join(str(s or "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"
