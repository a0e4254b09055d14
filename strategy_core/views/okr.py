"""What the OKR page shows, as plain data: the filters' choices, the objectives' and KRs' table rows
with their strength and problems, the alignment graph's status per box, and which KRs an objective
of a level may align to."""
from __future__ import annotations

from typing import Any, Iterable

from strategy_core.findings import FAIL, WARN, Finding
from strategy_core.plan import okr


def filter_choices(objectives: list[dict], krs: list[dict]) -> tuple[list[str], list[str]]:
    """(teams, owners) to filter by: every team of an objective, every owner of an objective or a KR."""
    teams = sorted({o["team"] for o in objectives if o.get("team")})
    owners = sorted({o["owner"] for o in objectives if o.get("owner")} | {k["owner"] for k in krs if k.get("owner")})
    return teams, owners


def worst(findings: Iterable[Finding], ids: Iterable[int]) -> dict[int, str]:
    """Each objective's or KR's worst finding (fail, warn, else pass), for the alignment graph."""
    seen: dict[int, str] = {}
    for f in findings:
        if f.entity_id is not None and f.severity in (FAIL, WARN) and seen.get(f.entity_id) != FAIL:
            seen[f.entity_id] = f.severity
    return {i: seen.get(i, "pass") for i in ids}


def krs_of(krs: list[dict], objective_id: int) -> list[dict]:
    """The KRs of one objective, in the order of *krs*."""
    return [k for k in krs if k["objective_id"] == objective_id]


def objective_rows(shown: list[dict], krs: list[dict], findings: list[Finding],
                   strength: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per objective shown: its fields, how many KRs, its strength (0–1 or None), and how many
    fails and warnings it and its KRs have."""
    rows = []
    for o in shown:
        mine = {k["id"] for k in krs_of(krs, o["id"])}
        fs = [f for f in findings if (f.entity == "objective" and f.entity_id == o["id"])
              or (f.entity == "key_result" and f.entity_id in mine)]
        rows.append({"level": o["level"], "title": o["title"], "owner": o.get("owner") or "",
                     "team": o.get("team") or "", "krs": len(mine), "strength": strength["objective"].get(o["id"]),
                     "fails": sum(f.severity == FAIL for f in fs), "warns": sum(f.severity == WARN for f in fs)})
    return rows


def kr_problems(findings: Iterable[Finding], kr_id: int) -> list[str]:
    """The severities (fail, warn) of a KR's findings, in order."""
    return [f.severity for f in findings if f.entity == "key_result" and f.entity_id == kr_id
            and f.severity in (FAIL, WARN)]


def alignment_options(krs: list[dict], obj_by_id: dict[int, dict], level: str, objective_id: int | None) -> list[int]:
    """The KRs an objective of *level* may align to: those of objectives of a higher level, not its own,
    the level just above first."""
    own = {k["id"] for k in krs_of(krs, objective_id)} if objective_id is not None else set()
    higher = okr.LEVELS[:okr.LEVELS.index(level)]
    options = [k["id"] for k in krs if k["id"] not in own
               and obj_by_id.get(k["objective_id"], {}).get("level") in higher]
    wanted = okr.parent_level(level)
    kr_obj = {k["id"]: k["objective_id"] for k in krs}
    return sorted(options, key=lambda i: obj_by_id[kr_obj[i]]["level"] != wanted)

