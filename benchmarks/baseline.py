"""The baseline for the roll-up: the same arithmetic written the straightforward pandas way.

Vectorised, idiomatic pandas (no row-wise ``apply``), from DataFrames that already hold proper
dtypes (dates as datetime64) — the best case for pandas, so the comparison is not flattered:

* latest check-in per KR on or before *on* (sort + groupby ``last``),
* progress per direction (up, down, band — inferred from baseline → target when unset),
* expected pace (inclusive days from the objective's period start to the KR's deadline),
  the aspirational 0.7 bar, "outdated" after cadence + grace days, on track / at risk / off track,
* each objective's weighted mean score and expectation, and its status,
* latest reading per indicator, pass / yellow band / red, achievement, outdated by frequency.

It leaves out what `strategy_core.track.measure.evaluate` does on top (forecasts, red streaks with
their per-period history, the ranking, the alerts, the "supported by" means, retired indicators),
so it does less work than the code it is compared with. `agreement()` checks that both give the
same numbers where they overlap.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

TOLERANCE, AT_RISK, ASPIRATIONAL = 0.05, 0.7, 0.7
CADENCE, GRACE = 7, 7
PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
_EPS = 1e-9


def frames(snap: Any) -> dict[str, pd.DataFrame]:
    """The snapshot's rows as DataFrames with datetime64 dates (what a pandas user starts from).
    Check-ins and readings come straight from the snapshot's Arrow columns (`measure.Rows`), the
    cheapest way into pandas; the smaller tables from their row dicts."""
    def frame(rows: Any, dates: tuple[str, ...], cols: tuple[str, ...]) -> pd.DataFrame:
        table = getattr(rows, "table", None)
        df = table.select(list(cols)).to_pandas() if table is not None else pd.DataFrame(rows, columns=list(cols))
        for c in dates:
            df[c] = pd.to_datetime(df[c])
        return df
    return {
        "objective": frame(snap.objectives, ("period_start", "period_end"), ("id", "period_start", "period_end")),
        "key_result": frame(snap.key_results, ("deadline",),
                            ("id", "objective_id", "baseline", "target", "direction", "band_low", "band_high",
                             "deadline", "committed", "weight")),
        "check_in": frame(snap.check_ins, ("date",), ("id", "key_result_id", "date", "value")),
        "indicator": frame(snap.indicators, (), ("id", "comparator", "target", "band", "frequency")),
        "reading": frame(snap.readings, ("date",), ("id", "indicator_id", "date", "value")),
    }


def rollup(f: dict[str, pd.DataFrame], on: dt.date) -> dict[str, pd.DataFrame]:
    """KR progress and status, objective roll-up, indicator status — as of *on*."""
    on64 = pd.Timestamp(on)
    # -- key results ----------------------------------------------------------------------
    ci = f["check_in"]
    ci = ci[ci["date"] <= on64].sort_values(["key_result_id", "date", "id"])
    last = ci.groupby("key_result_id")[["date", "value"]].last()
    kr = f["key_result"].join(last, on="id")
    kr = kr.merge(f["objective"].rename(columns={"id": "objective_id"}), on="objective_id", how="left")
    b, t, v = kr["baseline"], kr["target"], kr["value"]
    low, high = kr["band_low"], kr["band_high"]
    d = kr["direction"].where(kr["direction"].notna(),
                              np.where(t > b, "up", np.where(t < b, "down",
                                       np.where(low.notna() & high.notna(), "band", None))))
    width = high - low
    band_progress = np.where((v >= low) & (v <= high), 1.0,
                             1.0 - np.where(v < low, low - v, v - high) / width)
    progress = np.select([d == "up", d == "down", (d == "band") & (width > 0)],
                         [(v - b) / (t - b), (b - v) / (b - t), band_progress], np.nan)
    progress = pd.Series(progress, index=kr.index).where(v.notna() & np.isfinite(progress))
    start = kr["period_start"].fillna(pd.to_datetime(kr["deadline"].dt.year.astype("Int64").astype(str) + "-01-01",
                                                     errors="coerce"))
    end = kr["deadline"].where(kr["deadline"].notna() & (kr["deadline"] >= start), kr["period_end"])
    share = ((on64 - start).dt.days + 1) / ((end - start).dt.days + 1)
    expected = np.where(on64 < start, 0.0, np.where(on64 >= end, 1.0, share))
    expected = pd.Series(expected, index=kr.index).where(end.notna(), 1.0)
    committed = kr["committed"].fillna(True).astype(bool)
    expectation = expected * np.where(committed, 1.0, ASPIRATIONAL)
    reference = end.where(end < on64, on64).fillna(on64)
    outdated = (reference - kr["date"]).dt.days > CADENCE + GRACE
    status = np.select(
        [kr["date"].isna(), outdated, progress.isna(),
         progress >= expectation - TOLERANCE - _EPS, progress >= AT_RISK * expectation - _EPS],
        ["no_data", "outdated", "no_data", "on_track", "at_risk"], "off_track")
    weight = kr["weight"].fillna(1.0).clip(lower=0.0)
    krs = pd.DataFrame({"id": kr["id"], "objective_id": kr["objective_id"], "current": v, "progress": progress,
                        "expected": expected, "expectation": expectation, "status": status,
                        "score": progress.clip(0.0, 1.0), "weight": weight, "outdated": outdated})
    # -- objectives: weighted mean of the KRs with data ---------------------------------------
    has = krs[krs["score"].notna()].assign(ws=lambda x: x["weight"] * x["score"],
                                           we=lambda x: x["weight"] * x["expectation"])
    g = has.groupby("objective_id").agg(w=("weight", "sum"), ws=("ws", "sum"), we=("we", "sum"),
                                        n=("id", "size"), n_out=("outdated", "sum"))
    g = g[g["w"] > 0]
    obj = f["objective"][["id"]].join(g, on="id")
    obj["score"], obj["expected"] = obj["ws"] / obj["w"], obj["we"] / obj["w"]
    obj["status"] = np.select(
        [obj["score"].isna(), obj["n_out"] == obj["n"],
         obj["score"] >= obj["expected"] - TOLERANCE - _EPS, obj["score"] >= AT_RISK * obj["expected"] - _EPS],
        ["no_data", "outdated", "on_track", "at_risk"], "off_track")
    # -- indicators ------------------------------------------------------------------------
    rd = f["reading"]
    rd = rd[rd["date"] <= on64].sort_values(["indicator_id", "date", "id"])
    rlast = rd.groupby("indicator_id")[["date", "value"]].last()
    ind = f["indicator"].join(rlast, on="id")
    c, tgt, val, band = ind["comparator"], ind["target"], ind["value"], ind["band"]
    passes = np.select([c == ">=", c == ">", c == "<="], [val >= tgt, val > tgt, val <= tgt], val < tgt)
    yellow = band.notna() & (band > 0) & ((val - tgt).abs() <= band * (1 + _EPS) + _EPS)
    higher = c.isin([">=", ">"])
    ratio = np.where(higher, np.where(tgt > 0, val / tgt, np.nan),
                     np.where((val > 0) & (tgt >= 0), tgt / val, np.nan))
    ind_achievement = pd.Series(ratio, index=ind.index).fillna(pd.Series(np.where(passes, 1.0, 0.0), index=ind.index))
    limit = 2 * ind["frequency"].map(PERIOD_DAYS).fillna(PERIOD_DAYS["monthly"])
    ind_status = np.select([val.isna(), (on64 - ind["date"]).dt.days > limit, passes, yellow],
                           ["no_data", "outdated", "green", "yellow"], "red")
    inds = pd.DataFrame({"id": ind["id"], "latest": val, "achievement": ind_achievement.where(val.notna()),
                         "status": ind_status})
    return {"key_result": krs, "objective": obj[["id", "score", "expected", "status"]], "indicator": inds}


def agreement(result: dict[str, pd.DataFrame], board: Any) -> dict[str, str]:
    """How many KRs, objectives and indicators get the same status (and, for KRs, the same progress)
    from the pandas baseline and from measure.evaluate: "n / total"."""
    def close(a: Any, b: Any) -> bool:
        if a is None or (isinstance(a, float) and np.isnan(a)):
            return b is None or (isinstance(b, float) and np.isnan(b))
        return b is not None and not (isinstance(b, float) and np.isnan(b)) and abs(float(a) - float(b)) < 1e-9

    krs = result["key_result"]
    same_kr = sum(1 for r in krs.itertuples() if board.krs[r.id].status == r.status
                  and close(board.krs[r.id].progress, r.progress))
    objs = result["objective"]
    same_obj = sum(1 for r in objs.itertuples() if board.objectives[r.id].status == r.status
                   and close(board.objectives[r.id].score, r.score))
    inds = result["indicator"]
    same_ind = sum(1 for r in inds.itertuples() if r.id in board.indicators
                   and board.indicators[r.id].status == r.status
                   and close(board.indicators[r.id].achievement, r.achievement))
    return {"key_results": f"{same_kr} / {len(krs)}", "objectives": f"{same_obj} / {len(objs)}",
            "indicators": f"{same_ind} / {len(inds)}"}
