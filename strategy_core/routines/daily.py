"""BSC daily data reports (BSC 数据日报, SPEC §5): per day (and optionally per owner), each due
indicator's reading against its target with its status, a comment for every red one, and the days
on which no report was submitted.

Rules (each tested in tests/test_daily.py):

* Which indicators are due on a day — a reading counts for its period when it is dated in that
  period *before* the day (so the report's own readings never make their indicator "not due"):
  daily ones every day; weekly ones on Mondays, and on any later day of the (ISO, Monday-first)
  week that has no reading yet; monthly and quarterly ones on any day of their calendar month or
  quarter that has no reading yet (so on the 1st always). Retired indicators are never due. A
  report with an owner covers only the indicators that person owns.
* A reading for an indicator that is not due that day is refused with the reason (e.g. a weekly
  indicator read on Tuesday, due again next Monday) — unless the report already holds it.
* The readings are rows of the `reading` table with `daily_report_id` set: one source of truth
  with the check-ins page. Starting a report takes in the readings already entered for that day
  (on the check-ins page) of its due indicators; saving a value for an indicator that has an
  unlinked reading that day changes that reading instead of adding a second one.
* One report per day and owner (no owner = the whole company); a second one is refused ("edit it
  instead"). The day must lie in the plan year and not after today.
* Submitting needs a value for every due daily indicator (weekly, monthly and quarterly ones may
  wait: they stay due until read) and a comment for every red reading; each problem names its
  indicator. A submitted report can still be corrected, under the same rules.
* Working days are Monday to Friday. A working day is missing when it has no submitted report
  (for an owner: none of theirs and none for the whole company). The calendar counts from the day
  of the first report on; days before it are "not started", today without a submitted report is
  "due today", later days are "future".
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Iterable

from strategy_core.plan import bsc
from strategy_core.track import measure, tracking
from strategy_core import fields as F
from strategy_core.fields import person_key
from strategy_core.errors import FieldError, ValidationError
from strategy_core.routines.steps import DONE, IN_PROGRESS, NOT_STARTED, Part
from strategy_core.store.store import Store, Tx

CELL_STATUSES = ("submitted", "draft", "missing", "today", "weekend", "future", "not_started")
CELL_COLORS = {"submitted": "#5b9b5b", "draft": "#e0a526", "missing": "#d0504a", "today": "#8fb3de",
               "weekend": "#eeeeee", "future": "#f7f7f7", "not_started": "#dddddd"}
CELL_SYMBOL = {"submitted": "✓", "draft": "✎", "missing": "✗", "today": "…", "weekend": "", "future": "",
               "not_started": "·"}
WEEKDAY_KEYS = tuple(f"daily.weekday.{n}" for n in range(7))


def is_working_day(day: dt.date) -> bool:
    """Whether *day* is Monday to Friday (holidays are not known)."""
    return day.weekday() < 5


def _d(x: Any) -> dt.date:
    return x.date() if isinstance(x, dt.datetime) else x


# -- which indicators are due -----------------------------------------------------------------------

def _next_period(start: dt.date, frequency: str) -> dt.date:
    if frequency == "weekly":
        return start + dt.timedelta(days=7)
    months = 3 if frequency == "quarterly" else 1
    m = start.year * 12 + start.month - 1 + months
    return dt.date(m // 12, m % 12 + 1, 1)


def not_due(indicator: dict, readings: Iterable[dict], day: dt.date) -> FieldError | None:
    """Why *indicator* is not due on *day* (a FieldError on 'value' naming the reading that covers its
    period and when it is due again), or None when it is due."""
    freq = indicator.get("frequency")
    if indicator.get("retired_at") is not None and _d(indicator["retired_at"]) <= day:
        return FieldError("value", "daily.error.retired")
    if freq == "daily" or (freq == "weekly" and day.weekday() == 0):
        return None
    start = measure.period_of(day, freq)
    before = [r["date"] for r in readings
              if r["indicator_id"] == indicator["id"] and start <= r["date"] < day]
    if not before:
        return None
    return FieldError("value", f"daily.error.not_due_{freq if freq in bsc.FREQUENCIES else 'monthly'}",
                      {"date": max(before).isoformat(), "next": _next_period(start, freq).isoformat()})


def due_indicators(indicators: list[dict], readings: list[dict], day: dt.date,
                   owner: str | None = None) -> list[dict]:
    """The indicators due on *day* (of *owner* when given), in scorecard order."""
    mine = [i for i in indicators if owner is None or person_key(i.get("owner")) == person_key(owner)]
    return [i for i in mine if not_due(i, readings, day) is None]


# -- reports ----------------------------------------------------------------------------------------

def list_reports(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's daily reports by day (the trash left out)."""
    return store.rows("daily_report", workspace_id)


def find_report(reports: list[dict], day: dt.date, owner: str | None = None) -> dict[str, Any] | None:
    """The report of *day* for *owner* (None: the whole company's), owners matched by ``person_key``; None when there is
    none."""
    key = person_key(owner)
    return next((r for r in reports if r["day"] == day and person_key(r.get("owner")) == key), None)


def report_readings(readings: list[dict], report_id: int) -> dict[int, dict]:
    """indicator id → the report's reading of it."""
    return {r["indicator_id"]: r for r in readings if r.get("daily_report_id") == report_id}


def reading_status(indicator: dict, value: float | None) -> str:
    """The status of *value* against the indicator's comparator, target and band: green, yellow, red or no_data."""
    return measure.indicator_status(indicator["comparator"], indicator["target"], indicator.get("band"), value)


def report_rows(indicators: list[dict], readings: list[dict], report: dict | None, day: dt.date,
                owner: str | None = None) -> list[dict[str, Any]]:
    """The report's table: every indicator due that day (and any the report holds a reading of), with
    its value, comment and status."""
    linked = report_readings(readings, report["id"]) if report else {}
    due = {i["id"] for i in due_indicators(indicators, readings, day, owner)}
    out = []
    for i in indicators:
        if i["id"] not in due and i["id"] not in linked:
            continue
        r = linked.get(i["id"])
        value = r["value"] if r else None
        out.append({"indicator_id": i["id"], "name": i["name"], "perspective": i["perspective"],
                    "unit": i.get("unit"), "comparator": i["comparator"], "target": i["target"],
                    "band": i.get("band"), "frequency": i["frequency"], "owner": i.get("owner"),
                    "value": value, "comment": r["comment"] if r else None, "reading_id": r["id"] if r else None,
                    "status": reading_status(i, value), "due": i["id"] in due})
    return out


def clean_report(data: dict[str, Any], *, year: int, today: dt.date) -> dict[str, Any]:
    """A report's day, owner and note, checked: the day in the plan *year* and not after *today*; ValidationError
    listing every problem."""
    c = F.collect()
    day = c("day", F.date, data.get("day"), required=True, year=year)
    if day is not None and day > today:
        c.add("day", "daily.error.future_day", day=day.isoformat())
    c("owner", F.text, data.get("owner"))
    c("note", F.text, data.get("note"), max_len=F.TEXT_MAX, multiline=True)
    c.raise_if_any()
    v = c.values
    return {"day": day, "owner": v.get("owner"), "note": v.get("note")}


def create_report(store: Store, workspace_id: int, day: Any, owner: str | None = None, note: str | None = None,
                  actor: str | None = None, *, today: dt.date) -> int:
    """Start the report of *day* (for *owner*, or the whole company). The readings already entered
    that day for its due indicators become the report's."""
    ws = store.get_workspace(workspace_id)
    row = clean_report({"day": day, "owner": owner, "note": note}, year=ws["year"], today=today)
    existing = find_report(list_reports(store, workspace_id), row["day"], row["owner"])
    if existing:
        key, params = ("daily.error.duplicate_owner", {"owner": existing["owner"]}) if existing.get("owner") else (
            "daily.error.duplicate", {})
        raise ValidationError([FieldError("day", key, {"day": row["day"].isoformat(), **params})])
    readings = tracking.list_readings(store, workspace_id)
    due = due_indicators(bsc.list_indicators(store, workspace_id), readings, row["day"], row["owner"])
    with store.transaction(workspace_id, "daily_report.create", actor) as tx:
        rid = tx.insert("daily_report", {**row, "workspace_id": workspace_id, "submitted_at": None})
        adopt_readings(tx, rid, due, readings, row["day"])
    return rid


def adopt_readings(tx: Tx, report_id: int, due: list[dict], readings: list[dict], day: dt.date) -> int:
    """Link the day's unlinked readings of the *due* indicators to the report (the latest one each)."""
    due_ids = {i["id"] for i in due}
    latest: dict[int, dict] = {}
    for r in readings:
        if r["date"] == day and r["indicator_id"] in due_ids and r.get("daily_report_id") is None:
            latest[r["indicator_id"]] = r
    for r in latest.values():
        tx.update("reading", r["id"], {"daily_report_id": report_id})
    return len(latest)


def _problems(indicators: dict[int, dict], final: dict[int, tuple[float, str | None]],
              due: list[dict]) -> list[FieldError]:
    """What stops a report from being submitted: a due daily indicator without a value, a red reading
    without a comment — each named."""
    errors = []
    for i in due:
        if i["frequency"] == "daily" and i["id"] not in final:
            errors.append(FieldError("readings", "daily.error.daily_missing", {"name": i["name"]}))
    for iid, (value, comment) in final.items():
        ind = indicators.get(iid)
        if ind is not None and reading_status(ind, value) == measure.RED and not comment:
            errors.append(FieldError("readings", "daily.error.red_needs_comment",
                                     {"name": ind["name"], "value": _num(value), "target":
                                      f"{bsc.COMPARATOR_SYMBOL[ind['comparator']]} {_num(ind['target'])}"
                                      f"{ind.get('unit') or ''}"}))
    return errors


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _refused_new(report: dict, ind: dict, readings: list[dict]) -> FieldError | None:
    """Why a report cannot take a first reading of *ind* (None: it can): the report is someone
    else's, the indicator is not due that day, or another report of the day has it already."""
    day = report["day"]
    if report.get("owner") and person_key(ind.get("owner")) != person_key(report["owner"]):
        return FieldError("value", "daily.error.not_owner", {"owner": report["owner"]})
    why = not_due(ind, readings, day)
    other = next((r for r in readings if r["indicator_id"] == ind["id"] and r["date"] == day
                  and r.get("daily_report_id") not in (None, report["id"])), None)
    if why is None and other is not None:
        why = FieldError("value", "daily.error.in_other_report")
    return why


def _writes_for(report: dict, iid: int, row: dict, mine: dict | None,
                unlinked: dict | None) -> list[tuple[str, int | None, dict]]:
    """The write a checked reading needs: change the report's own reading, take in a reading of the
    day entered elsewhere (the check-ins page), or add one."""
    change = {"value": row["value"], "comment": row["comment"]}
    if mine is not None:
        if (mine["value"], mine["comment"]) != (row["value"], row["comment"]):
            return [("update", mine["id"], change)]
        return []
    if unlinked is not None:
        return [("update", unlinked["id"], {**change, "daily_report_id": report["id"]})]
    return [("insert", None, {**row, "workspace_id": report["workspace_id"], "indicator_id": iid,
                              "daily_report_id": report["id"]})]


def save_readings(store: Store, report_id: int, values: dict[int, tuple[Any, Any]], actor: str | None = None) -> int:
    """Record the report's readings: *values* maps an indicator id to (value, comment); a blank value
    removes that reading (to the trash). All are checked first, each problem named by its indicator;
    then all are written in one transaction, or none. Returns how many readings changed."""
    report = store.row("daily_report", report_id)
    wid, day = report["workspace_id"], report["day"]
    ws = store.get_workspace(wid)
    indicators = {i["id"]: i for i in bsc.list_indicators(store, wid)}
    readings = tracking.list_readings(store, wid)
    linked = report_readings(readings, report_id)
    unlinked = {r["indicator_id"]: r for r in readings if r["date"] == day and r.get("daily_report_id") is None}
    errors: list[FieldError] = []
    writes: list[tuple[str, int | None, dict]] = []   # (insert | update | trash, reading id, row)
    final = {iid: (r["value"], r["comment"]) for iid, r in linked.items()}

    def bad(name: str, detail: FieldError) -> None:
        errors.append(FieldError("readings", "daily.error.in_indicator", {"name": name, "detail": detail}))

    for iid, pair in values.items():
        value, comment = (list(pair) + [None, None])[:2] if isinstance(pair, (tuple, list)) else (pair, None)
        ind = indicators.get(int(iid))
        if ind is None:
            errors.append(FieldError("readings", "daily.error.indicator_unknown", {"id": iid}))
            continue
        mine = linked.get(ind["id"])
        if _blank(value):
            if mine is not None:
                writes.append(("trash", mine["id"], {}))
                final.pop(ind["id"], None)
            continue
        why = _refused_new(report, ind, readings) if mine is None else None
        if why is not None:
            bad(ind["name"], why)
            continue
        try:
            row = tracking.clean_reading({"date": day, "value": value, "comment": comment}, indicator=ind,
                                         year=ws["year"])
        except ValidationError as e:
            for fe in e.errors:
                bad(ind["name"], fe)
            continue
        writes.extend(_writes_for(report, ind["id"], row, mine, unlinked.get(ind["id"])))
        final[ind["id"]] = (row["value"], row["comment"])
    if not errors and report.get("submitted_at") is not None:
        # a submitted report stays submittable: no red reading loses its comment
        errors = [e for e in _problems(indicators, final, []) if e.key == "daily.error.red_needs_comment"]
    if errors:
        raise ValidationError(errors)
    if writes:
        seen_rows = {r["id"]: r for r in readings}
        with store.transaction(wid, "daily_report.readings", actor) as tx:
            for kind, rid, row in writes:
                if kind == "insert":
                    tx.insert("reading", row)
                elif kind == "update":
                    tx.update("reading", rid, row, seen=seen_rows[rid])   # as read above
                else:
                    tx.trash("reading", [rid], tx.txn)
    return len(writes)


def submit(store: Store, report_id: int, actor: str | None = None) -> None:
    """Submit the report: refused, naming each indicator, while a due daily indicator has no value or a
    red reading has no comment."""
    report = store.row("daily_report", report_id)
    wid = report["workspace_id"]
    indicators = bsc.list_indicators(store, wid)
    readings = tracking.list_readings(store, wid)
    linked = report_readings(readings, report_id)
    final = {iid: (r["value"], r["comment"]) for iid, r in linked.items()}
    due = due_indicators(indicators, readings, report["day"], report.get("owner"))
    errors = _problems({i["id"]: i for i in indicators}, final, due)
    if errors:
        raise ValidationError(errors)
    if report.get("submitted_at") is None:
        with store.transaction(wid, "daily_report.submit", actor) as tx:
            tx.update("daily_report", report_id, {"submitted_at": tx.now})


def update_report(store: Store, report_id: int, data: dict[str, Any], actor: str | None = None) -> None:
    """Change the report's note."""
    report = store.row("daily_report", report_id)
    note = F.text("note", data.get("note"), max_len=F.TEXT_MAX, multiline=True)
    with store.transaction(report["workspace_id"], "daily_report.update", actor) as tx:
        tx.update("daily_report", report_id, {"note": note})


def delete_report(store: Store, report_id: int, actor: str | None = None) -> None:
    """Move the report and its readings to the trash (restored together)."""
    report = store.row("daily_report", report_id)
    linked = report_readings(tracking.list_readings(store, report["workspace_id"]), report_id)
    with store.transaction(report["workspace_id"], "daily_report.delete", actor) as tx:
        tx.trash("reading", [r["id"] for r in linked.values()], tx.txn)
        tx.trash("daily_report", [report_id], tx.txn)


# -- missing days ------------------------------------------------------------------------------------

def _covered(reports: list[dict], owner: str | None, *, submitted: bool) -> set[dt.date]:
    key = person_key(owner)
    return {r["day"] for r in reports
            if (not submitted or r.get("submitted_at") is not None)
            and (owner is None or not r.get("owner") or person_key(r["owner"]) == key)}


def missing_days(reports: list[dict], year: int, until: dt.date, *, since: dt.date | None = None,
                 owner: str | None = None) -> list[dt.date]:
    """Working days of *year* from *since* (default 1 January) to *until* with no submitted report."""
    start = max(since or dt.date(year, 1, 1), dt.date(year, 1, 1))
    end = min(until, dt.date(year, 12, 31))
    done = _covered(reports, owner, submitted=True)
    out, d = [], start
    while d <= end:
        if is_working_day(d) and d not in done:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def first_report_day(reports: list[dict], owner: str | None = None) -> dt.date | None:
    """The day of the earliest report, draft or submitted, that covers *owner* (the whole company's count for everyone);
    None when there is none."""
    days = _covered(reports, owner, submitted=False)
    return min(days) if days else None


def calendar_cells(reports: list[dict], year: int, start: dt.date, end: dt.date, today: dt.date,
                   owner: str | None = None) -> list[dict[str, Any]]:
    """One cell per day of [start, end] inside the plan year: day, its week's Monday, weekday, status."""
    start, end = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
    submitted = _covered(reports, owner, submitted=True)
    drafts = _covered(reports, owner, submitted=False)
    first = min(drafts) if drafts else None
    out, d = [], start
    while d <= end:
        if d in submitted:
            status = "submitted"
        elif d > today:
            status = "future"
        elif d in drafts:
            status = "draft"
        elif not is_working_day(d):
            status = "weekend"
        elif d == today:
            status = "today"
        elif first is None or d < first:
            status = "not_started"
        else:
            status = "missing"
        out.append({"day": d, "week": d - dt.timedelta(days=d.weekday()), "weekday": d.weekday(), "status": status})
        d += dt.timedelta(days=1)
    return out


def calendar_chart(cells: list[dict], *, words: dict[str, str], weekdays: list[str], title: str,
                   show_words: bool = True):
    """The days as a calendar heatmap (columns = weeks, rows = weekdays). Each cell carries its status
    as a word (or, for a whole year, a symbol, with the words in the legend and the tooltip): never
    colour alone."""
    import altair as alt
    import pandas as pd

    from strategy_core.charts import FONT
    df = pd.DataFrame(cells)
    df["date"] = [c.isoformat() for c in df["day"]]
    df["week_label"] = [w.strftime("%m-%d") for w in df["week"]]
    df["weekday_label"] = [weekdays[w] for w in df["weekday"]]
    df["word"] = df["status"].map(words)
    df["legend"] = [f"{CELL_SYMBOL[s]} {words[s]}".strip() for s in df["status"]]
    df["label"] = df["word"] if show_words else df["status"].map(CELL_SYMBOL)
    df.loc[df["status"].isin(["weekend", "future", "not_started"]), "label"] = ""   # quiet cells: legend, tooltip
    shown = [s for s in CELL_STATUSES if s in set(df["status"])]
    legend_order = [f"{CELL_SYMBOL[s]} {words[s]}".strip() for s in shown]
    weeks = sorted(set(df["week_label"]), key=lambda w: df.loc[df["week_label"] == w, "week"].iloc[0])
    x = alt.X("week_label:O", sort=weeks, title=None, axis=alt.Axis(labelAngle=-45 if len(weeks) > 12 else 0,
                                                                     labelOverlap=True))
    y = alt.Y("weekday_label:O", sort=weekdays, title=None)
    tooltip = [alt.Tooltip("date:N", title=words["_date"]), alt.Tooltip("weekday_label:N", title=words["_weekday"]),
               alt.Tooltip("word:N", title=words["_status"])]
    rect = alt.Chart(df).mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("legend:N", title=words["_status"], sort=legend_order,
                        scale=alt.Scale(domain=legend_order, range=[CELL_COLORS[s] for s in shown]),
                        legend=alt.Legend(orient="bottom")))
    text = alt.Chart(df).mark_text(fontSize=11 if show_words else 10, color="#222").encode(
        x=x, y=y, text="label:N", tooltip=tooltip)
    width = max(320, min(1400, 78 * len(weeks))) if show_words else max(320, 20 * len(weeks))
    # "pad": width and height are the grid's own, title, axes and legend come on top (Streamlit's default
    # "fit" would squeeze the grid into the height together with them)
    return (alt.layer(rect, text).properties(title=title, width=width, height=7 * (30 if show_words else 20),
                                             autosize=alt.AutoSizeParams(type="pad"))
            .configure(font=FONT).configure_axis(labelFontSize=12).configure_legend(labelFontSize=12,
                                                                                     titleFontSize=12)
            .configure_title(fontSize=15, anchor="start"))


def progress_part(indicators: list[dict], reports: list[dict], on: dt.date) -> Part:
    """Home overview: the daily reports of the seven days before *on* (today's may still be written)."""
    since, until = on - dt.timedelta(days=7), on - dt.timedelta(days=1)
    year = on.year
    gaps = missing_days(reports, year, until, since=since)
    recent = [r for r in reports if since <= r["day"] <= until and r.get("submitted_at") is not None]
    missing = []
    if not indicators:
        missing.append("progress.missing.daily_indicators")
    if gaps:
        missing.append("progress.missing.daily_reports")
    status = NOT_STARTED if not reports else (DONE if not missing else IN_PROGRESS)
    return Part("daily", status, {"daily_report": len(recent)}, missing, 0, 0, "daily")
