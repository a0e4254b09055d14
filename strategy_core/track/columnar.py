"""The board's numbers computed from columns (numpy), for large workspaces.

`measure.evaluate` takes this path when check-ins and readings come as `Rows` (or pyarrow Tables),
as `monitor.snapshot` reads them. It computes exactly what the row-by-row code of `measure`
computes — the same float operations in the same order (tests/test_measure.py compares the two
field by field) — but groups, sorts and trims the rows with numpy, and evaluates every KR at once.
"""
from __future__ import annotations

import datetime as dt
from collections import abc as _abc
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from strategy_core.track.formulas import (
    ASPIRATIONAL_FACTOR, AT_RISK, AT_RISK_FACTOR, BAND, DOWN, EPS, GREEN, NO_DATA, OFF_TRACK, ON_TRACK, OUTDATED,
    PERIOD_DAYS, RED, TOLERANCE, UP, YELLOW, IndicatorState, KRStatus, as_date, indicator_from_history,
    is_committed, normal_comparator, weight_of)


class Rows(_abc.Sequence):
    """The rows of one table held column-wise (a pyarrow.Table, as `Store.arrow` reads it).

    `evaluate` reads the columns directly. Anything that iterates or indexes it gets the row dicts
    (exactly what `Store.rows` returns), made on first use and kept."""

    def __init__(self, table: Any):
        self.table = table
        self._rows: list[dict] | None = None

    def _list(self) -> list[dict]:
        if self._rows is None:
            self._rows = self.table.to_pylist()
        return self._rows

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, i):
        return self._list()[i]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Rows):
            other = other._list()
        return isinstance(other, (list, tuple)) and self._list() == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Rows({self.table.num_rows} rows: {', '.join(self.table.column_names)})"


def table_of(x: Any) -> Any:
    """The pyarrow.Table behind *x* (a Rows or a Table), or None for plain rows."""
    if isinstance(x, Rows):
        return x.table
    if all(hasattr(x, a) for a in ("column_names", "num_rows", "to_pylist", "column")):
        return x
    return None


def plain_rows(x: Any) -> Iterable[dict]:
    """Row dicts from rows, `Rows` or a pyarrow Table."""
    if isinstance(x, Rows):
        return x._list()
    table = table_of(x)
    return table.to_pylist() if table is not None else x


_NAT = np.iinfo(np.int64).min  # "no date" among day numbers
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _days(col: Any) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (days since 1970-01-01) of an Arrow date column, and where it is null."""
    a = col.to_numpy()
    valid = ~np.isnat(a) if a.dtype.kind == "M" else np.array([v is not None for v in a], dtype=bool)
    if a.dtype.kind != "M":  # dates as Python objects (mixed nulls): go through as_date
        a = np.array([as_date(v) if v is not None else None for v in a], dtype="datetime64[D]")
    return a.astype("datetime64[D]").astype(np.int64), valid


def _columns_sorted(table: Any, key: str, on: dt.date) -> dict[str, np.ndarray]:
    """The rows with a date and a value on or before *on*, sorted by (key, date, id): their keys,
    day numbers and positions in *table* ("key", "day", "pos"), and every row's value ("values",
    in table order: take ``values[pos]`` of only the rows needed)."""
    day, ok = _days(table.column("date"))
    value_col = table.column("value")
    values = value_col.to_numpy(zero_copy_only=False).astype(np.float64)
    if value_col.null_count:
        ok &= ~np.asarray(value_col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    keys = np.asarray(table.column(key).to_numpy(zero_copy_only=False))
    ids_col = table.column("id") if "id" in table.column_names else None
    if ids_col is None or str(ids_col.type) == "null":  # no ids: sorted as -1, like _sort_key does
        ids = np.full(len(day), -1, dtype=np.int64)
    else:
        ids = np.asarray((ids_col.fill_null(-1) if ids_col.null_count else ids_col).to_numpy(zero_copy_only=False),
                         dtype=np.int64)
    on_day = on.toordinal() - _EPOCH
    if bool(ok.all()) and (len(day) < 2 or bool(np.all((day[1:] > day[:-1])
                                                        | ((day[1:] == day[:-1]) & (ids[1:] >= ids[:-1]))))):
        # already by (date, id), as Store.arrow reads them: the rows up to *on* are a prefix,
        # and a stable sort by key keeps (date, id) within each key
        n = int(np.searchsorted(day, on_day, side="right"))
        pos = np.argsort(keys[:n], kind="stable")
    else:
        pos = np.flatnonzero(ok & (day <= on_day))
        pos = pos[np.lexsort((ids[pos], day[pos], keys[pos]))]
    return {"key": keys[pos], "day": day[pos], "pos": pos, "values": values}



def _starts(keys: np.ndarray) -> np.ndarray:
    """Index of the first row of each run of equal keys (keys sorted), and len(keys) at the end."""
    n = len(keys)
    if n == 0:
        return np.zeros(1, dtype=np.int64)
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return np.concatenate(([0], change, [n])).astype(np.int64)


@dataclass
class _Points:
    """Each KR's check-in points: one per day (the day's last), the last *keep* of each KR, sorted
    by (KR, day); with where each KR's run starts."""
    day: np.ndarray
    value: np.ndarray
    pos: np.ndarray         # the point's row in the table
    starts: np.ndarray      # first point of each KR's run, and len at the end
    gkeys: np.ndarray       # the KR id of each run
    npts: np.ndarray        # points per run


def _kr_points(table: Any, on: dt.date, keep: int) -> _Points:
    """The points the status and the forecast use: the latest value is the last of them, and the
    forecast uses no more than *keep*."""
    c = _columns_sorted(table, "key_result_id", on)
    key, day = c["key"], c["day"]
    last_of_day = np.ones(len(key), dtype=bool)
    if len(key) > 1:
        last_of_day[:-1] = (key[1:] != key[:-1]) | (day[1:] != day[:-1])
    sel = np.flatnonzero(last_of_day)
    key, day, pos = key[sel], day[sel], c["pos"][sel]
    starts = _starts(key)
    group_len = np.diff(starts)
    group_end = np.repeat(starts[1:], group_len)
    tail = (group_end - np.arange(len(key))) <= keep
    sel = np.flatnonzero(tail)
    key, day, pos = key[sel], day[sel], pos[sel]
    starts = _starts(key)
    return _Points(day, c["values"][pos], pos, starts, key[starts[:-1]] if len(key) else key, np.diff(starts))


@dataclass
class _KRCols:
    """The numbers of the KR rows, one array entry per KR (None → nan), and their directions."""
    ids: list
    baseline: np.ndarray
    target: np.ndarray
    low: np.ndarray
    high: np.ndarray
    alert_value: np.ndarray
    committed: list[bool]
    weights: list[float]
    d_up: np.ndarray        # the direction as direction_of() tells it (for alerts)
    d_down: np.ndarray
    d_band: np.ndarray
    p_up: np.ndarray        # the direction progress uses: an unknown word infers one, as kr_progress(None, …)
    p_down: np.ndarray
    p_band: np.ndarray


def _kr_cols(key_results: list[dict]) -> _KRCols:
    def num(name: str) -> np.ndarray:
        return np.array([k.get(name) for k in key_results], dtype=np.float64)
    baseline, target, low, high = num("baseline"), num("target"), num("band_low"), num("band_high")
    # given, else inferred from baseline → target, else a band
    given = np.array([k.get("direction") for k in key_results], dtype=object)
    g_up, g_down, g_band = given == UP, given == DOWN, given == BAND
    unset = np.array([d is None for d in given.tolist()], dtype=bool)
    unknown = ~unset & ~g_up & ~g_down & ~g_band
    both = ~np.isnan(baseline) & ~np.isnan(target) & (baseline != target)
    with np.errstate(invalid="ignore"):
        i_up, i_down = both & (target > baseline), both & (target < baseline)
    i_band = ~both & ~np.isnan(low) & ~np.isnan(high)
    d_up, d_down, d_band = g_up | (unset & i_up), g_down | (unset & i_down), g_band | (unset & i_band)
    return _KRCols([k["id"] for k in key_results], baseline, target, low, high, num("alert_value"),
                   [is_committed(k.get("committed")) for k in key_results],
                   [weight_of(k.get("weight")) for k in key_results], d_up, d_down, d_band,
                   d_up | (unknown & i_up), d_down | (unknown & i_down), d_band | (unknown & i_band))


def _jan1(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _pace(key_results: list[dict], obj_by_id: dict, on_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(deadline, pace end, expected pace) of every KR, in day numbers: the same period as
    measure.evaluate gives a KR — from the objective's start (else 1 January of the deadline's
    year) to the deadline (else the objective's end)."""
    memo: dict[Any, int] = {None: _NAT}

    def day_of(x: Any) -> int:
        o = memo.get(x)
        if o is None:
            d = as_date(x)
            o = memo[x] = _NAT if d is None else d.toordinal() - _EPOCH
        return o

    obj_days = {oid: (day_of(o.get("period_start")), day_of(o.get("period_end"))) for oid, o in obj_by_id.items()}
    ps, pe = np.array([obj_days.get(k.get("objective_id"), (_NAT, _NAT)) for k in key_results],
                      dtype=np.int64).reshape(len(key_results), 2).T
    dl = np.array([day_of(k.get("deadline")) for k in key_results], dtype=np.int64)
    has_dl = dl != _NAT
    st_ = np.where(ps != _NAT, ps, np.where(has_dl, _jan1(np.where(has_dl, dl, 0)), _NAT))
    en = np.where(has_dl & ((st_ == _NAT) | (dl >= st_)), dl, pe)
    en = np.where(en == _NAT, dl, en)
    has_end = en != _NAT
    st_ = np.where((st_ == _NAT) & has_end, _jan1(np.where(has_end, en, 0)), st_)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        share = (on_day - st_ + 1) / (en - st_ + 1)
    expected = np.where(~has_end, 1.0, np.where(on_day < st_, 0.0, np.where(on_day >= en, 1.0, share)))
    return dl, en, expected


@dataclass
class _Matrix:
    """Each KR's points left-aligned in rows of *keep* columns (oldest first), M where a point is."""
    X: np.ndarray
    Y: np.ndarray
    M: np.ndarray
    n_k: np.ndarray          # points per KR
    last_idx: np.ndarray     # the KR's latest point in _Points
    current: np.ndarray      # its value (nan: no check-in)
    last_day: np.ndarray


def _matrix(pts: _Points, ids: list, keep: int) -> _Matrix:
    K, G = len(ids), len(pts.gkeys)
    if G:
        try:
            kid = np.asarray(ids)
            g = np.searchsorted(pts.gkeys, kid)
            g = np.where(g < G, g, 0)
            found = pts.gkeys[g] == kid
        except (TypeError, ValueError):  # ids of another kind than the check-ins' keys
            index = {v: i for i, v in enumerate(pts.gkeys.tolist())}
            g = np.array([index.get(i, 0) for i in ids], dtype=np.int64)
            found = np.array([i in index for i in ids], dtype=bool)
    else:
        g = np.zeros(K, dtype=np.int64)
        found = np.zeros(K, dtype=bool)
    n_k = np.where(found, pts.npts[g] if G else 0, 0)
    X = np.zeros((K, keep), dtype=np.int64)
    Y = np.zeros((K, keep), dtype=np.float64)
    M = np.zeros((K, keep), dtype=bool)
    first = np.where(found, pts.starts[g] if G else 0, 0)
    for j in range(keep):
        has = n_k > j
        idx = np.where(has, first + j, 0)
        if len(pts.day):
            X[:, j] = np.where(has, pts.day[idx], 0)
            Y[:, j] = np.where(has, pts.value[idx], 0.0)
        M[:, j] = has
    with_data = n_k > 0
    last_idx = np.where(with_data, first + n_k - 1, 0)
    current = np.where(with_data, pts.value[last_idx], np.nan) if len(pts.value) else np.full(K, np.nan)
    last_day = np.where(with_data, pts.day[last_idx], 0) if len(pts.day) else np.zeros(K, dtype=np.int64)
    return _Matrix(X, Y, M, n_k, last_idx, current, last_day)


def _progress_of(k: _KRCols, cur: np.ndarray) -> np.ndarray:
    """kr_progress for every KR (nan = None)."""
    low, high, baseline, target = k.low, k.high, k.baseline, k.target
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(cur < low, low - cur, cur - high)
        band = np.where((low <= cur) & (cur <= high), 1.0, 1.0 - gap / width)
        band = np.where(np.isnan(low) | np.isnan(high) | ~(high > low), np.nan, band)
        up = (cur - baseline) / (target - baseline)
        down = (baseline - cur) / (baseline - target)
    plain = np.isnan(baseline) | np.isnan(target) | (baseline == target)
    out = np.where(k.p_band, band, np.where(plain, np.nan, np.where(k.p_up, up, np.where(k.p_down, down, np.nan))))
    return np.where(np.isnan(cur), np.nan, out)


def _trend(m: _Matrix, fday: np.ndarray, keep: int) -> np.ndarray:
    """forecast(): least squares over each KR's points, projected to *fday* (nan: no trend)."""
    n_f = m.n_k.astype(np.float64)
    xs = m.X - m.X[:, :1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.where(m.M, xs, 0).sum(axis=1) / n_f
        sy = np.zeros(len(n_f))
        for j in range(keep):  # summed one point after the other, as sum() does
            sy = sy + np.where(m.M[:, j], m.Y[:, j], 0.0)
        my = sy / n_f
        sxx = np.zeros(len(n_f))
        sxy = np.zeros(len(n_f))
        for j in range(keep):
            dx = xs[:, j] - mx
            sxx = sxx + np.where(m.M[:, j], dx * dx, 0.0)
            sxy = sxy + np.where(m.M[:, j], dx * (m.Y[:, j] - my), 0.0)
        slope = sxy / sxx
        trend = my + slope * ((fday - m.X[:, 0]).astype(np.float64) - mx)
    return np.where((m.n_k >= 2) & (sxx != 0), trend, np.nan)


def _none(a: np.ndarray, m: np.ndarray) -> list:
    """The values as Python objects, None where *m* is False."""
    o = a.astype(object)
    o[~m] = None
    return o.tolist()


def evaluate_krs(key_results: list[dict], obj_by_id: dict, table: Any, on: dt.date, cadence_days: int,
                 grace_days: int, window: int) -> list[KRStatus]:
    """`measure.kr_status` for every KR at once, from the check-ins' columns (in KR order)."""
    keep = max(2, window)
    pts = _kr_points(table, on, keep)
    k = _kr_cols(key_results)
    on_day = on.toordinal() - _EPOCH
    dl, en, expected = _pace(key_results, obj_by_id, on_day)
    factor = np.where(np.array(k.committed, dtype=bool), 1.0, ASPIRATIONAL_FACTOR)
    expectation = factor * expected
    m = _matrix(pts, k.ids, keep)
    current, with_data = m.current, m.n_k > 0
    progress = _progress_of(k, current)
    # the forecast, to the deadline (else the pace end): the latest value once one is on or after it
    fday = np.where(dl != _NAT, dl, en)
    has_f = fday != _NAT
    trend = _trend(m, fday, keep)
    closed = with_data & has_f & (m.last_day >= fday)
    fc = np.where(~has_f | ~with_data, np.nan, np.where(closed, current, trend))
    fprog = _progress_of(k, fc)
    with np.errstate(invalid="ignore"):
        misses = ~np.isnan(fprog) & (fprog < factor - TOLERANCE) & (~has_f | (on_day < fday))
    cadence = np.array([r.get("cadence_days") or cadence_days for r in key_results], dtype=np.int64) + grace_days
    reference = np.where(en != _NAT, np.minimum(on_day, en), on_day)
    no_progress = np.isnan(progress)
    with np.errstate(invalid="ignore"):
        status = np.select(
            [~with_data, (reference - m.last_day) > cadence, no_progress, progress >= expectation - TOLERANCE - EPS,
             progress >= AT_RISK_FACTOR * expectation - EPS],
            [NO_DATA, OUTDATED, NO_DATA, ON_TRACK, AT_RISK], OFF_TRACK).tolist()
        alert = np.where(k.d_band, (current < k.low) | (current > k.high),
                         np.where(k.d_up, current < k.alert_value,
                                  np.where(k.d_down, current > k.alert_value, False)))
    alert &= with_data
    has_p = ~no_progress & with_data
    columns = (_none(current, with_data), _none(m.last_day.astype("datetime64[D]"), with_data),
               _none(progress, has_p), expected.tolist(), _none(np.clip(progress, 0.0, 1.0), has_p), status,
               _none(fc, ~np.isnan(fc)), _none(fprog, ~np.isnan(fprog)), misses.tolist(), alert.tolist(),
               _none(expectation - progress, has_p), k.committed, k.ids, expectation.tolist(),
               _confidence(table, pts, m), k.weights)
    return list(map(KRStatus, *columns))  # the fields in their order


def _confidence(table: Any, pts: _Points, m: _Matrix) -> list:
    """The confidence of each KR's latest check-in (None without one, or without the column)."""
    confidence = [None] * len(m.n_k)
    rows_k = np.flatnonzero(m.n_k > 0)
    if len(rows_k):
        conf = table.column("confidence").take(pts.pos[m.last_idx[rows_k]]).to_pylist() \
            if "confidence" in table.column_names else [None] * len(rows_k)
        for n, v in zip(rows_k.tolist(), conf):
            confidence[n] = v
    return confidence

def _periods(days: np.ndarray, frequency: str | None) -> np.ndarray:
    """`period_of` for an array of day numbers: the day number of each one's period start."""
    f = frequency if frequency in PERIOD_DAYS else "monthly"
    if f == "daily":
        return days
    if f == "weekly":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if f == "quarterly":
        months = months - months % 3
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def evaluate_indicators(indicators: list[dict], table: Any, on: dt.date) -> list[IndicatorState]:
    """`_indicator_state_sorted` for each indicator, from the readings' columns."""
    c = _columns_sorted(table, "indicator_id", on)
    starts = _starts(c["key"])
    gkeys = c["key"][starts[:-1]].tolist() if len(c["key"]) else []
    index = {k: n for n, k in enumerate(gkeys)}
    out = []
    for ind in indicators:
        iid = ind.get("id")
        gi = index.get(iid)
        if gi is None:
            out.append(IndicatorState(None, None, NO_DATA, None, 0, [], id=iid))
            continue
        s, e = starts[gi], starts[gi + 1]
        days, values = c["day"][s:e], c["values"][c["pos"][s:e]]
        comparator, target, band = ind["comparator"], ind["target"], ind.get("band")
        freq = ind.get("frequency")
        cmp_ = normal_comparator(comparator)
        t = float(target)
        passes = (values >= t if cmp_ == ">=" else values > t if cmp_ == ">" else
                  values <= t if cmp_ == "<=" else values < t)
        if band is not None and band > 0:
            yellow = np.abs(values - t) <= band * (1 + EPS) + EPS
            status = np.where(passes, GREEN, np.where(yellow, YELLOW, RED))
        else:
            status = np.where(passes, GREEN, RED)
        periods = _periods(days, freq)
        last = np.ones(len(periods), dtype=bool)  # the last reading of each period counts
        last[:-1] = periods[1:] != periods[:-1]
        history = list(zip(periods[last].astype("datetime64[D]").tolist(), values[last].tolist(),
                           status[last].tolist()))
        out.append(indicator_from_history(iid, comparator, target, freq, history, history[-1][1],
                                    days[-1:].astype("datetime64[D]").tolist()[0], on))
    return out

