"""The one place that reads the clock.

Everything else in the core is told the date: functions that need "today" take it as an argument
(``today=`` / ``as_of=`` / ``on=``), and the Store stamps its change log with the clock it was given.
Only the edges ask this module — the Streamlit app once per run, the command line once per command
(where ``--as-of`` overrides it) — so every number the core computes can be reproduced for any day,
and a test fixes its dates instead of depending on the month it runs in.

``WORKBENCH_TODAY=YYYY-MM-DD`` pins the date the app and the command line see (a workshop rehearsing
a later month, a browser test, a screenshot run); the time of day still runs, so the change log keeps
its order. A value that is not a date is refused in plain words, never silently ignored.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from strategy_core.errors import WorkbenchError

ENV = "WORKBENCH_TODAY"

__all__ = ["ENV", "Clock", "system", "fixed", "today", "now"]


def _pinned() -> dt.date | None:
    text = os.environ.get(ENV, "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise WorkbenchError("clock.error.bad_env", name=ENV, value=text) from None


@dataclass(frozen=True)
class Clock:
    """A source of "now". ``day`` set: that date, with the wall clock's time of day."""

    day: dt.date | None = None

    def today(self) -> dt.date:
        if self.day is not None:
            return self.day
        pinned = _pinned()
        return pinned if pinned is not None else dt.date.today()

    def now(self) -> dt.datetime:
        real = dt.datetime.now()
        day = self.day if self.day is not None else _pinned()
        return real if day is None else dt.datetime.combine(day, real.time())


def system() -> Clock:
    """The real clock (or the date pinned by $WORKBENCH_TODAY)."""
    return Clock()


def fixed(day: dt.date) -> Clock:
    """A clock that always says *day* (tests; a CLI run with --as-of)."""
    return Clock(day)


def today() -> dt.date:
    """Today by the system clock, or the date pinned by $WORKBENCH_TODAY."""
    return system().today()


def now() -> dt.datetime:
    """Now by the system clock; with $WORKBENCH_TODAY set, that date at the wall clock's time of day."""
    return system().now()
