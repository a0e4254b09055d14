"""The shape of the 7-day progress: a part of a step (what is filled, what is missing) and its status.

Every area that counts towards a step builds its own Part (onion and OKRs in ``progress``, the
weekly plans, daily reports, reviews and risks in their modules); ``progress`` gathers them.
Kept apart so the areas and ``progress`` depend on this module, not on each other.
"""
from __future__ import annotations

from dataclasses import dataclass

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


@dataclass
class Part:
    """One area's share of a 7-day step: its status, what is filled (counts), what is missing (catalog keys), its fails
    and warnings, and the page that does it."""
    key: str                 # catalog suffix and page url path, e.g. "onion"
    status: str
    filled: dict[str, int]   # what is there (counts)
    missing: list[str]       # catalog keys of what is missing
    fails: int = 0
    warns: int = 0
    page: str | None = None  # url path of the page that does it; None = page not built yet
