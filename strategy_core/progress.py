"""Where the team stands in the 7-day setup (SPEC §1), and what to do next.

A step is `not_started` (nothing filled, or its pages do not exist yet),
`in_progress` (something filled, but missing parts or failing quality rules)
or `done`. The next step is the first one that is not done.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strategy_core import okr, onion, quality
from strategy_core.findings import FAIL, WARN, Finding, problems
from strategy_core.store.store import Store

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


@dataclass
class Part:
    key: str                 # catalog suffix and page url path, e.g. "onion"
    status: str
    filled: dict[str, int]   # what is there (counts)
    missing: list[str]       # catalog keys of what is missing
    fails: int = 0
    warns: int = 0
    page: str | None = None  # url path of the page that does it; None = page not built yet


@dataclass
class Step:
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
    levels = {o["level"] for o in objectives}
    missing = [f"progress.missing.okr_{lvl}" for lvl in okr.LEVELS if lvl not in levels]
    if objectives and not any(k.get("owner") for k in krs):
        missing.append("progress.missing.okr_owners")
    fails = _count(findings, FAIL)
    status = NOT_STARTED if not objectives else (DONE if not missing and not fails else IN_PROGRESS)
    return Part("okr", status, {"objective": len(objectives), "key_result": len(krs)}, missing, fails,
                _count(findings, WARN), "okr")


def overview(store: Store, workspace_id: int) -> Overview:
    ws = store.get_workspace(workspace_id)
    nodes = onion.list_nodes(store, workspace_id)
    result = onion.compute(nodes, ws)
    objectives = okr.list_objectives(store, workspace_id)
    krs = okr.list_key_results(store, workspace_id)
    qf = quality.check_all(objectives, krs, ws["year"])
    steps = [
        Step("decoding", "1–2", [onion_part(nodes, result), okr_part(objectives, krs, qf)]),
        # the pages of these steps are not built yet: shown as not started, no placeholder pages
        Step("bsc", "3–4"),
        Step("templates", "5–6"),
        Step("risks", "7"),
        Step("loop", "loop"),
    ]
    return Overview(steps, result.findings, qf, quality.strength_by(qf, objectives, krs))
