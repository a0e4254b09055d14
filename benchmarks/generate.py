"""Build a large, deterministic workspace for the benchmarks — through the Store, never raw SQL.

At full scale (``scale=1.0``): 40 departments, 400 people, 3,000 KRs on 925 objectives
(company → department → employee, each lower objective aligned to a KR above it),
150,000 check-ins, 40 indicators × 365 daily readings, and 40 indicator ↔ KR links.
Everything is drawn from ``random.Random(seed)``: the same seed gives the same database.

The cascade is written in one transaction (objectives and KRs level by level, because an
objective aligns to the id of a KR inserted before it), then one transaction for the
indicators and their links, one for the check-ins and one for the readings — each with
``Tx.insert_many`` (bulk through Arrow, one audit event per row, as every write has).

Run alone: ``python -m benchmarks.generate PATH [--scale 0.1] [--seed 7]``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strategy_core.plan import okr, workspace
from strategy_core.store.store import Store

YEAR = 2025              # a past year: the board's default "as of" is its last day, whatever today is
AS_OF = dt.date(YEAR, 12, 31)
WORKSPACE_NAME = "Benchmark Co"

# full-scale shape
COMPANY_OBJECTIVES, COMPANY_KRS = 5, 4          # 20 company KRs
DEPARTMENTS, DEPT_OBJECTIVES, DEPT_KRS = 40, 3, 4  # 480 department KRs
PEOPLE_PER_DEPT, EMP_OBJECTIVES, EMP_KRS = 10, 2, 3  # 2,400 + 100 (every 4th person: one KR more) = 2,500
CHECK_INS_PER_KR = 50   # every 50th KR has none (no data), every 50th + 25 has twice as many → 150,000
INDICATORS, READING_DAYS = 40, 365
PERSPECTIVES = ("financial", "customer", "process", "learning")


@dataclass
class Generated:
    db: Path
    workspace_id: int
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _scaled(n: int, scale: float) -> int:
    return max(1, int(round(n * scale)))


def _deadline(rng: random.Random, level: str) -> dt.date:
    if level == "company":
        return AS_OF
    options = (dt.date(YEAR, 6, 30), dt.date(YEAR, 9, 30), AS_OF)
    weights = (1, 2, 4) if level == "department" else (2, 3, 3)
    return rng.choices(options, weights)[0]


def _kr(rng: random.Random, title: str, level: str) -> dict[str, Any]:
    """One KR's §3 fields, cleaned like user input (okr.clean_key_result)."""
    kind = rng.choices(("up", "down", "band"), (60, 25, 15))[0]
    data: dict[str, Any] = {"deadline": _deadline(rng, level), "committed": rng.random() < 0.8,
                            "weight": rng.choice((1, 1, 1, 2, 0.5))}
    if kind == "up":
        if rng.random() < 0.4:
            baseline = round(rng.uniform(5, 40), 1)
            target = round(min(95.0, baseline * rng.uniform(1.3, 2.2)), 1)
            data.update(metric="share", unit="%")
        else:
            baseline = round(rng.uniform(10, 500))
            target = round(baseline * rng.uniform(1.2, 3.0))
            data.update(metric="customers", unit="customers")
        statement = f"{title}: from {baseline} to {target}"
    elif kind == "down":
        baseline = round(rng.uniform(50, 200))
        target = round(baseline * rng.uniform(0.5, 0.9))
        data.update(metric="lead time", unit="h")
        statement = f"{title}: lead time from {baseline} h down to {target} h"
    else:
        low = round(rng.uniform(40, 60))
        high = low + rng.choice((10, 15, 20))
        baseline, target = low - 10, (low + high) / 2
        data.update(metric="utilisation", unit="%", direction="band", band_low=low, band_high=high)
        statement = f"{title}: keep utilisation within {low}–{high} %"
    data.update(statement=statement, baseline=baseline, target=target)
    if kind != "band" and rng.random() < 0.5:
        data["alert_value"] = round(baseline + 0.2 * (target - baseline), 2)
    return okr.clean_key_result(data, year=YEAR)


def _check_ins(rng: random.Random, wid: int, kr: dict[str, Any], n: int, start: dt.date) -> list[dict[str, Any]]:
    """*n* check-ins of one KR, evenly spread from *start* to its deadline (or, for one KR in ten,
    stopping early so it goes outdated), following a pace factor of its own plus some noise."""
    if n == 0:
        return []
    end = kr["deadline"]
    span = (end - start).days
    if rng.random() < 0.1:
        span = int(span * rng.uniform(0.6, 0.9))
    step = span / n
    offset = rng.uniform(0, min(step, 6))
    factor = rng.uniform(0.35, 1.3)
    full = max(1, (end - start).days)
    baseline, target = kr["baseline"], kr["target"]
    low, high = kr["band_low"], kr["band_high"]
    pct = kr["unit"] == "%"
    rows = []
    for j in range(n):
        day = start + dt.timedelta(days=int(offset + j * step))
        share = (day - start).days / full
        if kr["direction"] == "band":
            centre, width = (low + high) / 2, high - low
            value = centre + width * rng.gauss(0, 0.5 if factor > 0.6 else 0.9)
        else:
            progress = min(1.25, factor * share) + rng.gauss(0, 0.03)
            value = baseline + (target - baseline) * progress
        value = max(0.0, min(100.0, value)) if pct else max(0.0, value)
        rows.append({"workspace_id": wid, "key_result_id": kr["id"], "date": day, "value": round(value, 2),
                     "confidence": rng.randint(3, 9), "note": "weekly update" if j % 10 == 9 else None})
    return rows


def _indicator(rng: random.Random, n: int) -> dict[str, Any]:
    perspective = PERSPECTIVES[n % 4]
    frequency = ("daily", "daily", "daily", "weekly", "monthly")[n % 5]
    if n % 2 == 0:
        target = round(rng.uniform(20, 80))
        return {"perspective": perspective, "name": f"Indicator {n + 1:02d} · rate ≥ {target} %", "unit": "%",
                "comparator": ">=", "target": target, "band": rng.choice((None, 3, 5)), "frequency": frequency,
                "owner": f"Dept {n % DEPARTMENTS + 1:02d}"}
    target = round(rng.uniform(20, 200))
    return {"perspective": perspective, "name": f"Indicator {n + 1:02d} · time ≤ {target} h", "unit": "h",
            "comparator": "<=", "target": target, "band": rng.choice((None, 0.05 * target, 0.1 * target)),
            "frequency": frequency, "owner": f"Dept {n % DEPARTMENTS + 1:02d}"}


def _readings(rng: random.Random, wid: int, ind: dict[str, Any], days: int) -> list[dict[str, Any]]:
    """A random walk around the target that drifts to green, yellow or red by the year's end."""
    target, up = ind["target"], ind["comparator"] == ">="
    drift = rng.uniform(-0.25, 0.15) * target / max(1, days)
    value = target * rng.uniform(0.95, 1.1) if up else target * rng.uniform(0.9, 1.05)
    rows = []
    for d in range(days):
        value += drift * (1 if up else -1) + rng.gauss(0, 0.01 * target)
        v = max(0.0, min(100.0, value)) if ind["unit"] == "%" else max(0.0, value)
        rows.append({"workspace_id": wid, "indicator_id": ind["id"], "date": dt.date(YEAR, 1, 1) + dt.timedelta(d),
                     "value": round(v, 2), "comment": None})
    return rows


def generate(db: str | Path, *, scale: float = 1.0, seed: int = 7, out=print) -> Generated:
    """Create the benchmark workspace in *db* (created if missing); returns its id, counts and timings.

    *scale* shrinks the people, the objectives and the readings per indicator (0.01 for a smoke test)."""
    rng = random.Random(seed)
    depts = _scaled(DEPARTMENTS, scale)
    people = PEOPLE_PER_DEPT if scale >= 1 else max(1, int(round(PEOPLE_PER_DEPT * min(1.0, scale * 4))))
    n_indicators = _scaled(INDICATORS, scale)
    days = _scaled(READING_DAYS, scale)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    store = Store(db)
    try:
        wid = workspace.create(store, {"name": WORKSPACE_NAME, "year": YEAR, "currency": "CNY",
                                       "industry": "other", "language": "en"}, actor="benchmark")
        start = dt.date(YEAR, 1, 1)

        def objective(level: str, title: str, owner: str, team: str, pos: int, aligns: int | None) -> dict:
            return {"workspace_id": wid, "level": level, "title": title, "owner": owner, "team": team,
                    "period_start": start, "period_end": AS_OF, "aligns_to": aligns, "position": pos,
                    "perspective": PERSPECTIVES[pos % 4] if level == "company" else None}

        def key_results(objs: list[dict], per: list[int], level: str, pos0: int) -> list[dict]:
            rows = []
            for o, count in zip(objs, per):
                for j in range(count):
                    row = _kr(rng, f"{o['title']} · KR {j + 1}", level)
                    rows.append({**row, "workspace_id": wid, "objective_id": o["id"], "owner": o["owner"],
                                 "team": o["team"], "position": pos0 + len(rows)})
            return rows

        def insert(tx, table: str, rows: list[dict]) -> list[dict]:
            ids = tx.insert_many(table, rows)
            return [{**r, "id": i} for r, i in zip(rows, ids)]

        t = time.perf_counter()
        with store.transaction(wid, "benchmark.cascade", "benchmark") as tx:
            company = insert(tx, "objective", [objective("company", f"Company objective {i + 1}", "CEO", "Board", i,
                                                         None) for i in range(COMPANY_OBJECTIVES)])
            company_krs = insert(tx, "key_result", key_results(company, [COMPANY_KRS] * len(company), "company", 0))
            dept_objs = []
            for d in range(depts):
                for j in range(DEPT_OBJECTIVES):
                    aligns = company_krs[(d * DEPT_OBJECTIVES + j) % len(company_krs)]["id"]
                    dept_objs.append(objective("department", f"Dept {d + 1:02d} objective {j + 1}",
                                               f"Head of dept {d + 1:02d}", f"Dept {d + 1:02d}",
                                               len(company) + len(dept_objs), aligns))
            dept_objs = insert(tx, "objective", dept_objs)
            dept_krs = insert(tx, "key_result", key_results(dept_objs, [DEPT_KRS] * len(dept_objs), "department",
                                                            len(company_krs)))
            by_dept: dict[str, list[dict]] = {}
            for k in dept_krs:
                by_dept.setdefault(k["team"], []).append(k)
            emp_objs, per = [], []
            for d in range(depts):
                team = f"Dept {d + 1:02d}"
                for p in range(people):
                    person = d * PEOPLE_PER_DEPT + p
                    for j in range(EMP_OBJECTIVES):
                        aligns = by_dept[team][(p * EMP_OBJECTIVES + j) % len(by_dept[team])]["id"]
                        emp_objs.append(objective("employee", f"P{person + 1:03d} objective {j + 1}",
                                                  f"Person {person + 1:03d}", team,
                                                  len(company) + len(dept_objs) + len(emp_objs), aligns))
                        per.append(EMP_KRS + (1 if j == 0 and person % 4 == 3 else 0))
            emp_objs = insert(tx, "objective", emp_objs)
            emp_krs = insert(tx, "key_result", key_results(emp_objs, per, "employee",
                                                           len(company_krs) + len(dept_krs)))
        seconds["objectives + key results"] = time.perf_counter() - t
        krs = company_krs + dept_krs + emp_krs

        t = time.perf_counter()
        with store.transaction(wid, "benchmark.indicators", "benchmark") as tx:
            inds = insert(tx, "indicator", [{**_indicator(rng, n), "workspace_id": wid, "position": n}
                                            for n in range(n_indicators)])
            linkable = company_krs + dept_krs
            tx.insert_many("indicator_kr", [{"workspace_id": wid, "indicator_id": ind["id"],
                                             "key_result_id": linkable[(7 * n) % len(linkable)]["id"]}
                                            for n, ind in enumerate(inds)])
        seconds["indicators"] = time.perf_counter() - t

        t = time.perf_counter()
        check_ins: list[dict] = []
        for n, kr in enumerate(krs):
            count = 0 if n % 50 == 0 else 2 * CHECK_INS_PER_KR if n % 50 == 25 else CHECK_INS_PER_KR
            check_ins += _check_ins(rng, wid, kr, count, start)
        with store.transaction(wid, "benchmark.check_ins", "benchmark") as tx:
            tx.insert_many("check_in", check_ins)
        seconds["check-ins"] = time.perf_counter() - t

        t = time.perf_counter()
        readings = [r for ind in inds for r in _readings(rng, wid, ind, days)]
        with store.transaction(wid, "benchmark.readings", "benchmark") as tx:
            tx.insert_many("reading", readings)
        seconds["readings"] = time.perf_counter() - t
        counts = store.counts(wid)
    finally:
        store.close()
    seconds["open + workspace + close"] = time.perf_counter() - t0 - sum(seconds.values())
    gen = Generated(db, wid, counts, seconds)
    if out:
        out(f"generated workspace {wid} in {db}: {depts} departments, {depts * people} people, "
            f"{counts['objective']:,} objectives, {counts['key_result']:,} KRs, {counts['check_in']:,} check-ins, "
            f"{counts['indicator']} indicators, {counts['reading']:,} readings "
            f"in {gen.total_seconds:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()) + ")")
    return gen


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    p.add_argument("db", help="the DuckDB file (created if missing; the workspace is added to it)")
    p.add_argument("--scale", type=float, default=1.0, help="1.0 = full size (default); 0.01 for a smoke run")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    if not math.isfinite(args.scale) or args.scale <= 0:
        p.error("--scale must be a positive number")
    generate(args.db, scale=args.scale, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
