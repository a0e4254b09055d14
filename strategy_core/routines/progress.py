"""Where the team stands in the 7-day setup (SPEC §1), and what to do next.

A step is `not_started` (nothing filled, or its pages do not exist yet),
`in_progress` (something filled, but missing parts or failing quality rules)
or `done`. The next step is the first one that is not done.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import datetime as dt

from strategy_core import quality
from strategy_core.plan import bsc, okr, onion
from strategy_core.routines import daily, review, risk, weekly
from strategy_core.track import tracking
from strategy_core.findings import FAIL, WARN, Finding, problems
from strategy_core.routines.steps import DONE, IN_PROGRESS, NOT_STARTED, Part
from strategy_core.store.store import Store

__all__ = ["DONE", "IN_PROGRESS", "NOT_STARTED", "Part", "Step", "Overview", "overview"]


@dataclass
class Step:
    """One step of the 7-day setup and its parts; not started until a part is, done when every part is."""
    key: str                 # decoding | bsc | templates | risks | loop
    days: str                # "1–2", "3–4", "5–6", "7", "loop"
    parts: list[Part] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.parts or all(p.status == NOT_STARTED for p in self.parts):
            return NOT_STARTED
        return DONE if all(p.status == DONE for p in self.parts) else IN_PROGRESS


@dataclass
class Overview:
    """The 7-day overview of a workspace: its steps, the onion and OKR quality findings, the OKR strength, and the next
    step to work on."""
    steps: list[Step]
    onion_findings: list[Finding]
    quality_findings: list[Finding]
    strength: dict[str, Any]

    @property
    def open_findings(self) -> int:
        return len(problems(self.onion_findings)) + len(problems(self.quality_findings))

    @property
    def next_step(self) -> tuple[Step, Part | None] | None:
        for s in self.steps:
            if s.status != DONE:
                part = next((p for p in s.parts if p.status != DONE), None)
                return s, part
        return None


def _count(fs: list[Finding], sev: str) -> int:
    return sum(1 for f in fs if f.severity == sev)


def onion_part(nodes: list[dict], result: onion.OnionResult) -> Part:
    """Day 1–2's onion part: done with a root, a business line and a channel and no failing finding."""
    depths = [r.depth for r in result.nodes.values()]
    missing = []
    if result.root is None:
        missing.append("progress.missing.onion_root")
    if not any(d == 1 for d in depths):
        missing.append("progress.missing.onion_business")
    if not any(d >= 2 for d in depths):
        missing.append("progress.missing.onion_channel")
    fails = _count(result.findings, FAIL)
    status = NOT_STARTED if not nodes else (DONE if not missing and not fails else IN_PROGRESS)
    return Part("onion", status, {"onion_node": len(nodes)}, missing, fails, _count(result.findings, WARN), "onion")


def okr_part(objectives: list[dict], krs: list[dict], findings: list[Finding]) -> Part:
    """Day 1–2's OKR part: done with objectives on all three levels, an owner on at least one KR and no failing quality
    finding."""
    levels = {o["level"] for o in objectives}
    missing = [f"progress.missing.okr_{lvl}" for lvl in okr.LEVELS if lvl not in levels]
    if objectives and not any(k.get("owner") for k in krs):
        missing.append("progress.missing.okr_owners")
    fails = _count(findings, FAIL)
    status = NOT_STARTED if not objectives else (DONE if not missing and not fails else IN_PROGRESS)
    return Part("okr", status, {"objective": len(objectives), "key_result": len(krs)}, missing, fails,
                _count(findings, WARN), "okr")


def scorecard_part(ws: dict, indicators: list[dict]) -> Part:
    """Day 3–4's scorecard part: done when every perspective the workspace uses has an indicator and at least one
    indicator has an owner."""
    persp = set(bsc.perspectives_of(ws))
    covered = {i["perspective"] for i in indicators}
    missing = [f"progress.missing.bsc_{p}" for p in bsc.PERSPECTIVES if p in persp and p not in covered]
    if indicators and not any(i.get("owner") for i in indicators):
        missing.append("progress.missing.bsc_owners")
    status = NOT_STARTED if not indicators else (DONE if not missing else IN_PROGRESS)
    return Part("scorecard", status, {"indicator": len(indicators)}, missing, 0, 0, "scorecard")


def map_part(links: list[dict], findings: list[Finding]) -> Part:
    """Day 3–4's strategy-map part: done with at least one link and no failing map finding."""
    fails = _count(findings, FAIL)
    missing = [] if links else ["progress.missing.map_links"]
    status = NOT_STARTED if not links else (DONE if not fails else IN_PROGRESS)
    return Part("strategy_map", status, {"strategy_link": len(links)}, missing, fails, _count(findings, WARN),
                "strategy_map")


def tracking_part(krs: list[dict], check_ins: list[dict], readings: list[dict], on: dt.date) -> Part:
    """The loop is running when every open KR was checked in during the last two weeks."""
    recent = on - dt.timedelta(days=14)
    fresh = {c["key_result_id"] for c in check_ins if recent <= c["date"] <= on}
    stale = [k for k in krs if k["id"] not in fresh and (k.get("deadline") is None or k["deadline"] >= recent)]
    missing = ["progress.missing.check_ins"] if stale else []
    status = NOT_STARTED if not check_ins and not readings else (DONE if not stale else IN_PROGRESS)
    return Part("board", status, {"check_in": len(check_ins), "reading": len(readings)}, missing, 0, 0, "checkins")


def overview(store: Store, workspace_id: int, today: dt.date) -> Overview:
    """Where the workspace stands in the seven days, judged on *today* (inside its plan year)."""
    ws = store.get_workspace(workspace_id)
    nodes = onion.list_nodes(store, workspace_id)
    result = onion.compute(nodes, ws)
    objectives = okr.list_objectives(store, workspace_id)
    krs = okr.list_key_results(store, workspace_id)
    qf = quality.check_all(objectives, krs, ws["year"])
    indicators = bsc.list_indicators(store, workspace_id)
    links = store.rows("strategy_link", workspace_id)
    map_findings = bsc.check_map(bsc.map_nodes(store, workspace_id), links)
    check_ins = tracking.list_check_ins(store, workspace_id)
    readings = tracking.list_readings(store, workspace_id)
    today = tracking.today_in(ws["year"], today)
    steps = [
        Step("decoding", "1–2", [onion_part(nodes, result), okr_part(objectives, krs, qf)]),
        Step("bsc", "3–4", [scorecard_part(ws, indicators),
                            map_part(links, map_findings)]),
        Step("templates", "5–6", [weekly.progress_part(krs, store.rows("weekly_plan", workspace_id), today),
                                  daily.progress_part(indicators, store.rows("daily_report", workspace_id), today)]),
        Step("risks", "7", [risk.progress_part(store.rows("risk", workspace_id), store.rows("risk_plan", workspace_id))]),
        Step("loop", "loop", [tracking_part(krs, check_ins, readings, today),
                              review.progress_part(store.rows("review", workspace_id),
                                                   store.rows("adjustment", workspace_id),
                                                   review.overdue_reviews(store, workspace_id, today), today)]),
    ]
    return Overview(steps, result.findings, qf, quality.strength_by(qf, objectives, krs))
