"""Altair chart builders: pure functions from core results to alt.Chart.

Words for titles, legends and tooltips come in as arguments (already
translated), so the charts speak the page's language. Status is never told by
colour alone: labels carry a symbol too.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import altair as alt
import pandas as pd

STATUS_COLORS = {"ok": "#5b9b5b", "gap": "#d0504a", "pass": "#5b9b5b", "warn": "#e0a526", "fail": "#d0504a"}
DENSE = 90          # readings above which an indicator chart marks only what is not green (and the latest)
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def _base_config(chart: alt.Chart) -> alt.Chart:
    return (chart.configure(font=FONT)
            .configure_axis(labelFontSize=13, titleFontSize=14)
            .configure_legend(labelFontSize=13, titleFontSize=13)
            .configure_title(fontSize=16, anchor="start"))


def onion_icicle(rows: list[dict], *, title: str, row_labels: dict[int, str], status_labels: dict[str, str],
                 money: Callable[[float], str], words: dict[str, str]) -> alt.Chart:
    """The revenue tree as an icicle: one band per layer, widths in money, gaps in red with ⚠."""
    df = pd.DataFrame(rows)
    df["row"] = df["depth"].map(row_labels)
    df["status_label"] = df["status"].map(status_labels)
    df["money"] = df["value"].map(money)
    df["mid"] = (df["x0"] + df["x1"]) / 2
    df["label"] = [(("⚠ " if s == "gap" else "") + n) if (x1 - x0) > 0.07 else ""
                   for n, s, x0, x1 in zip(df["name"], df["status"], df["x0"], df["x1"])]
    df["label2"] = [m if (x1 - x0) > 0.07 else "" for m, x0, x1 in zip(df["money"], df["x0"], df["x1"])]
    order = [row_labels[d] for d in sorted(row_labels)]
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=160))
    tooltip = [alt.Tooltip("name:N", title=words["name"]), alt.Tooltip("row:N", title=words["layer"]),
               alt.Tooltip("money:N", title=words["amount"]), alt.Tooltip("status_label:N", title=words["status"])]
    rect = alt.Chart(df).mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        x=alt.X("x0:Q", axis=None, scale=alt.Scale(domain=[0, 1])), x2="x1:Q", y=y,
        color=alt.Color("status_label:N", title=words["status"],
                        scale=alt.Scale(domain=[status_labels[k] for k in ("ok", "gap")],
                                        range=[STATUS_COLORS["ok"], STATUS_COLORS["gap"]]),
                        legend=alt.Legend(orient="top")),
        tooltip=tooltip)
    text = alt.Chart(df).mark_text(color="white", fontSize=13, fontWeight="bold", dy=-8).encode(
        x="mid:Q", y=y, text="label:N", tooltip=tooltip)
    text2 = alt.Chart(df).mark_text(color="white", fontSize=12, dy=9).encode(
        x="mid:Q", y=y, text="label2:N", tooltip=tooltip)
    chart = (rect + text + text2).properties(title=title, height=max(180, 70 * len(order)))
    return _base_config(chart)


def strength_bars(data: list[dict], *, title: str, words: dict[str, str]) -> alt.Chart:
    """OKR set strength per team (0–100 %), a bar each with its percentage written on it."""
    df = pd.DataFrame(data).sort_values("strength", ascending=False)
    df["pct"] = (df["strength"] * 100).round(0)
    df["label"] = df["pct"].map(lambda v: f"{v:.0f}%")
    base = alt.Chart(df).encode(
        y=alt.Y("name:N", sort=list(df["name"]), title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("pct:Q", title=words["strength"], scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("name:N", title=words["team"]), alt.Tooltip("label:N", title=words["strength"])])
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("pct:Q", scale=alt.Scale(domain=[0, 50, 100],
                                                 range=[STATUS_COLORS["fail"], STATUS_COLORS["warn"],
                                                        STATUS_COLORS["pass"]]), legend=None))
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(text="label:N")
    return _base_config((bars + labels).properties(title=title, height=90 + 44 * len(df)))


def kr_chart(check_ins: list[tuple], *, pace: list[tuple], target: float | None, forecast: tuple | None,
             title: str, words: dict[str, str], target_label: str = "", height: int = 220) -> alt.Chart:
    """One KR against its target: actual values, the target line, the expected-pace line, the forecast.

    *check_ins* and *pace* are (date, value) lists; *forecast* is ((last_date, last_value), (deadline, value))."""
    layers = []
    series = []
    for d, v in pace:
        series.append({"date": pd.Timestamp(d), "value": v, "series": words["pace"]})
    if forecast:
        for d, v in forecast:
            series.append({"date": pd.Timestamp(d), "value": v, "series": words["forecast"]})
    for d, v in check_ins:
        series.append({"date": pd.Timestamp(d), "value": v, "series": words["actual"]})
    df = pd.DataFrame(series, columns=["date", "value", "series"])
    domain = [words["actual"], words["pace"], words["forecast"]]
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=["#2b5797", "#9aa0a6", "#e0a526"]),
                      legend=alt.Legend(orient="bottom"))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [4, 4], [2, 3]]), legend=None)
    tooltip = [alt.Tooltip("series:N", title=words["series"]), alt.Tooltip("date:T", title=words["date"],
                                                                          format="%Y-%m-%d"),
               alt.Tooltip("value:Q", title=words["value"], format=",.4~g")]
    base = alt.Chart(df).encode(x=alt.X("date:T", title=None, axis=alt.Axis(format="%m-%d", labelAngle=0)),
                                y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)), color=color,
                                strokeDash=dash, tooltip=tooltip)
    layers.append(base.mark_line(strokeWidth=2))
    layers.append(base.transform_filter(alt.datum.series == words["actual"]).mark_circle(size=28))
    if target is not None:
        rule = pd.DataFrame({"value": [target], "label": [target_label]})
        layers.append(alt.Chart(rule).mark_rule(color=STATUS_COLORS["pass"], strokeWidth=2).encode(y="value:Q"))
        layers.append(alt.Chart(rule).mark_text(align="left", dx=4, dy=-6, color=STATUS_COLORS["pass"],
                                                fontSize=12).encode(y="value:Q", text="label:N", x=alt.value(0)))
    chart = alt.layer(*layers).properties(title=title, height=height)
    return _base_config(chart).configure_title(fontSize=13, anchor="start", limit=520)


def indicator_chart(readings: list[tuple], *, comparator: str, target: float, band: float | None, title: str,
                    words: dict[str, str], target_label: str, height: int = 200) -> alt.Chart:
    """An indicator's readings against its threshold, with the warning band shaded; each point coloured
    by its status (and the status word in the tooltip).

    A dense series (more than DENSE readings, e.g. a year of daily ones) keeps every reading on the line
    but marks only the readings that are not green, and the latest: a dot on each of 365 green days hides
    the red ones and costs the browser most of the chart's drawing time. Such a chart is drawn on a canvas."""
    df = pd.DataFrame([{"date": pd.Timestamp(d), "value": v, "status": words["status." + s]} for d, v, s in readings],
                      columns=["date", "value", "status"])
    dense = len(df) > DENSE
    dots = df[(df["status"] != words["status.green"]) | (df.index == len(df) - 1)] if dense else df
    domain = [words["status.green"], words["status.yellow"], words["status.red"]]
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%m-%d", labelAngle=0))
    layers = []
    if band:
        lo, hi = (target - band, target) if comparator in (">=", ">") else (target, target + band)
        layers.append(alt.Chart(pd.DataFrame({"lo": [lo], "hi": [hi]})).mark_rect(
            color=STATUS_COLORS["warn"], opacity=0.15).encode(y="lo:Q", y2="hi:Q"))
    tooltip = [alt.Tooltip("date:T", title=words["date"], format="%Y-%m-%d"),
               alt.Tooltip("value:Q", title=words["value"], format=",.4~g"),
               alt.Tooltip("status:N", title=words["status"])]
    layers.append(alt.Chart(df).mark_line(color="#2b5797", strokeWidth=2).encode(x=x, y=alt.Y(
        "value:Q", title=None, scale=alt.Scale(zero=False)), tooltip=tooltip if dense else alt.Undefined))
    layers.append(alt.Chart(dots).mark_circle(size=36).encode(
        x=x, y="value:Q", color=alt.Color("status:N", title=None, scale=alt.Scale(
            domain=domain, range=[STATUS_COLORS["pass"], STATUS_COLORS["warn"], STATUS_COLORS["fail"]]),
            legend=alt.Legend(orient="bottom")),
        tooltip=tooltip))
    rule = pd.DataFrame({"value": [target], "label": [target_label]})
    layers.append(alt.Chart(rule).mark_rule(color=STATUS_COLORS["pass"], strokeWidth=2).encode(y="value:Q"))
    layers.append(alt.Chart(rule).mark_text(align="left", dx=4, dy=-6, color=STATUS_COLORS["pass"],
                                            fontSize=12).encode(y="value:Q", text="label:N", x=alt.value(0)))
    chart = alt.layer(*layers).properties(title=title, height=height)
    if dense:
        chart = chart.properties(usermeta={"embedOptions": {"renderer": "canvas"}})
    return _base_config(chart).configure_title(fontSize=13, anchor="start", limit=520)


def gap_chart(rows: Sequence[Any], *, title: str, words: dict[str, str], status_words: dict[str, str]):
    """Horizontal bars of the gaps (in %), the farthest behind on top: red with ▲ for a gap against the
    team, green with ▼ for ahead. *words*: 'subject', 'gap', 'status', 'behind', 'ahead'."""
    data = []
    for r in rows:
        if r.gap is None:
            continue
        pct = round(r.gap * 100, 1)
        side = words["behind"] if pct > 0 else words["ahead"]
        short = r.label if len(r.label) <= 40 else r.label[:39] + "…"
        data.append({"subject": short, "full": r.label, "gap": pct, "side": side,
                     "text": f"{'▲' if pct > 0 else '▼'} {abs(pct):g}%", "status": status_words.get(r.status, r.status)})
    df = pd.DataFrame(data, columns=["subject", "full", "gap", "side", "text", "status"])
    order = list(df["subject"])
    base = alt.Chart(df).encode(
        y=alt.Y("subject:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("full:N", title=words["subject"]), alt.Tooltip("text:N", title=words["gap"]),
                 alt.Tooltip("status:N", title=words["status"])])
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("gap:Q", title=words["gap"]),
        color=alt.Color("side:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[words["behind"], words["ahead"]],
                                        range=[STATUS_COLORS["gap"], STATUS_COLORS["ok"]])))
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(x=alt.X("gap:Q"), text="text:N")
    chart = (bars + labels).properties(title=title, height=alt.Step(30))  # a fixed height squashes bands
    return (chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=13)
            .configure_legend(labelFontSize=12).configure_title(fontSize=15, anchor="start"))
