"""What the monitoring board shows, as plain data: lookups, the KRs furthest behind first, the counts,
the drill-down's index, what the filters leave and the ranking's rows in percent.

Built once per workspace version and date (the page caches it) from ``monitor.snapshot`` and
``monitor.board``; the page only lays it out and translates the words.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from strategy_core.plan import okr

KR_STATUSES = ("off_track", "at_risk", "on_track", "outdated", "no_data")
INDICATOR_STATUSES = ("red", "yellow", "green")


@dataclass(frozen=True)
class BoardView:
    """The monitoring board's lookups and orders for one snapshot and day, as ``build`` makes them: rows by id, the
    filters' choices, the KRs and indicators furthest behind first, the drill-down."""
    objectives: dict[int, dict]               # id → row
    krs: dict[int, dict]
    indicators: dict[int, dict]
    teams: list[str]                          # for the filters
    owners: list[str]
    krs_ranked: list[dict]                    # every KR, furthest behind first
    indicator_order: list[int]                # indicator ids, furthest from their targets first
    indicator_counts: Counter                 # status → how many indicators
    by_level: dict[str, dict[str, list[int]]]  # the drill-down: level → team ("" for none) → objective ids
    kr_of: dict[int, list[dict]]              # objective id → its KRs
    aligned: dict[int, list[dict]]            # KR id → the objectives aligned to it


def build(snap: Any, board: Any) -> BoardView:
    """The board's lookups and orders from a snapshot and its measured board."""
    kr_rank = {id_: n for n, (kind, id_, _) in enumerate(board.ranking) if kind == "key_result"}
    ind_rank = {id_: n for n, (kind, id_, _) in enumerate(board.ranking) if kind == "indicator"}
    by_level: dict[str, dict[str, list[int]]] = {}
    aligned: dict[int, list[dict]] = {}
    for o in snap.objectives:
        by_level.setdefault(o["level"], {}).setdefault(o.get("team") or "", []).append(o["id"])
        if o.get("aligns_to") is not None:
            aligned.setdefault(o["aligns_to"], []).append(o)
    kr_of: dict[int, list[dict]] = {}
    for k in snap.key_results:
        kr_of.setdefault(k["objective_id"], []).append(k)
    return BoardView(
        objectives={o["id"]: o for o in snap.objectives}, krs={k["id"]: k for k in snap.key_results},
        indicators={i["id"]: i for i in snap.indicators},
        teams=sorted({o["team"] for o in snap.objectives if o.get("team")}),
        owners=sorted({k["owner"] for k in snap.key_results if k.get("owner")}),
        krs_ranked=sorted(snap.key_results, key=lambda k: kr_rank.get(k["id"], len(kr_rank))),
        indicator_order=sorted(board.indicators, key=lambda i: ind_rank.get(i, len(ind_rank))),
        indicator_counts=Counter(i.status for i in board.indicators.values()),
        by_level=by_level, kr_of=kr_of, aligned=aligned)


@dataclass(frozen=True)
class Shown:
    """What the filters leave: the KRs (ranking order), their status counts, the alerts and ranking rows."""
    krs: list[dict]
    counts: Counter
    alerts: list[tuple[str, int]]
    ranked: list[tuple[str, int, float]]


def shown(view: BoardView, snap: Any, board: Any, *, levels: Iterable[str] = (), teams: Iterable[str] = (),
          owners: Iterable[str] = (), statuses: Iterable[str] = ()) -> Shown:
    """The KRs matching every filter (level and team of their objective, their owner, their status);
    indicators are never filtered out of the alerts and the ranking."""
    levels, teams, owners, statuses = list(levels), list(teams), list(owners), list(statuses)
    if not (levels or teams or owners or statuses):
        krs, alerts, ranked = view.krs_ranked, board.alerts, board.ranking
    else:
        objs = {o["id"] for o in okr.filter_objectives(snap.objectives, snap.key_results, levels=levels, teams=teams)}
        krs = [k for k in view.krs_ranked if k["objective_id"] in objs and (not owners or k.get("owner") in owners)
               and (not statuses or board.krs[k["id"]].status in statuses)]
        ids = {k["id"] for k in krs}
        alerts = [a for a in board.alerts if a[0] == "indicator" or a[1] in ids]
        ranked = [r for r in board.ranking if r[0] == "indicator" or r[1] in ids]
    return Shown(krs=krs, counts=Counter(board.krs[k["id"]].status for k in krs), alerts=alerts, ranked=ranked)


def _pct(x: float | None) -> int | None:
    return None if x is None else round(100 * x)


def ranking_rows(view: BoardView, board: Any, ranked: Iterable[tuple[str, int, float]]) -> list[dict]:
    """One row per ranked KR or indicator: kind, name, owner, progress and expected (%), points behind,
    status code and whether the forecast misses (a KR's only)."""
    rows = []
    for kind, id_, behind in ranked:
        if kind == "key_result":
            k, s = view.krs[id_], board.krs[id_]
            rows.append({"kind": kind, "name": k["statement"], "owner": k.get("owner"), "progress": _pct(s.progress),
                         "expected": _pct(s.expectation), "behind": _pct(behind), "status": s.status,
                         "forecast_misses": bool(s.forecast_misses)})
        else:
            i, s = view.indicators[id_], board.indicators[id_]
            rows.append({"kind": kind, "name": i["name"], "owner": i.get("owner"), "progress": _pct(s.achievement),
                         "expected": 100, "behind": _pct(behind), "status": s.status, "forecast_misses": False})
    return rows


def page_slice(total: int, size: int, page: int) -> tuple[int, int]:
    """The items [first, last) of page *page* (1-based, clamped) when *total* are shown *size* at a time."""
    pages = max(1, -(-total // size))
    first = (min(max(page, 1), pages) - 1) * size
    return first, min(total, first + size)


def pages(total: int, size: int) -> int:
    """How many pages *total* items take, *size* to a page (at least one)."""
    return max(1, -(-total // size))
