"""The reviews page's three tabs: prepare and hold a review (monthly OKR review, quarterly BSC
analysis, annual review) from the data with the measured response to the adjustments before;
the minutes held so far; the annual iteration into the next year."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import streamlit as st

from strategy_core import charts
from strategy_core.plan import bsc
from strategy_core.routines import review
from strategy_core.views import review as views
from ui import editor, projector, state
from ui.forms import Form, action_button, escape_md, reset_all_forms
from ui.widgets import status_word


@dataclass(frozen=True)
class Context:
    """One run of the page: the workspace as of its day and what the tabs read once."""
    store: Any
    wid: int
    ws: dict
    today: dt.date
    snap: Any
    retired: list[dict]
    indicators: dict[int, dict]          # the live ones
    held: list[review.Minute]
    tr: Callable[..., str]
    fig: views.Figures
    reviews_by_id: dict[int, dict] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.ws["year"]

    def kind_word(self, kind: str) -> str:
        return self.tr("review.kind." + kind)


def context(store, wid: int, ws: dict, today: dt.date, snap, tr, lang: str) -> Context:
    """What the tabs read, once per run."""
    retired = bsc.list_indicators(store, wid, retired=True)
    indicators = {i["id"]: i for i in snap.indicators}
    held = review.minutes(store, wid)
    fig = views.Figures(lang, {k["id"]: k for k in snap.key_results},
                        {**indicators, **{i["id"]: i for i in retired}}, tr("review.subject_gone"))
    return Context(store, wid, ws, today, snap, retired, indicators, held, tr, fig,
                   {m.review["id"]: m.review for m in held})


def show_minute(c: Context, m: review.Minute, key: str) -> None:
    """One minute: attendees, summary, findings, adjustments with their responses; mark done, delete."""
    store, tr, fig, reviews_by_id = c.store, c.tr, c.fig, c.reviews_by_id
    r = m.review
    st.markdown(f"**{tr('field.attendees')}:** {escape_md(r['attendees'] or '—')}")
    if r["summary"]:
        st.markdown(escape_md(r["summary"]))
    if m.findings:
        st.markdown(f"**{tr('review.findings')}**")
        st.dataframe(pd.DataFrame([{
            tr("review.col.subject"): fig.subject(f["subject_kind"], f["subject_id"]),
            tr("review.col.planned." + r["kind"]): fig.amount(f["subject_kind"], f["subject_id"], f["planned"]),
            tr("review.col.actual." + r["kind"]): fig.amount(f["subject_kind"], f["subject_id"], f["actual"]),
            tr("review.col.gap"): fig.pct(f["gap"]),
            tr("field.cause"): f["cause"] or "—"} for f in m.findings]), hide_index=True, width="stretch",
                placeholder="—")
    if m.adjustments:
        st.markdown(f"**{tr('field.review_adjustments')}**")
        st.dataframe(pd.DataFrame([{
            tr("field.what"): a["what"], tr("field.owner"): a["owner"] or "—",
            tr("field.due"): a["due"].isoformat() if a["due"] else "—",
            tr("field.adjustment_status"): ("✅ " if a["status"] == "done" else "⏳ ")
            + tr("review.status." + a["status"]),
            tr("field.response"): a["response"] or "—",
            tr("review.col.gap_closed"): "—" if a["gap_closed"] is None else (
                "✅ " + tr("review.yes") if a["gap_closed"] else "❌ " + tr("review.no")),
            tr("review.col.responded_in"): review.period_label(
                reviews_by_id[a["responded_in"]]["kind"], reviews_by_id[a["responded_in"]]["period_end"])
            if a["responded_in"] in reviews_by_id else "—",
        } for a in m.adjustments]), hide_index=True, width="stretch", placeholder="—")
        for a in m.adjustments:
            if a["status"] == "open":
                action_button(tr("review.mark_done_button", what=escape_md(a["what"][:40])),
                              lambda a=a: review.set_adjustment_status(store, a["id"], "done", state.actor()),
                              key=f"{key}_done_{a['id']}", ok=tr("common.saved"))
    action_button(tr("review.delete"), lambda: review.delete_review(store, r["id"], state.actor()),
                  key=f"{key}_del_{r['id']}", ok=tr("common.moved_to_trash", count=1), help=tr("common.delete_help"))


def hold_tab(c: Context) -> None:
    """Prepare a review from the data and hold it: findings, responses, the minute, save."""
    store, wid, year, today, snap = c.store, c.wid, c.year, c.today, c.snap
    retired, tr, fig, held, kind_word = c.retired, c.tr, c.fig, c.held, c.kind_word
    STATUS_CODES = {tr("review.status." + s): s for s in review.ADJUSTMENT_STATUSES}
    c1, c2 = st.columns([2, 1])
    with c1:
        kind = st.radio(tr("field.review_kind"), review.KINDS, key="rv_kind", horizontal=True, format_func=kind_word)
    options = review.periods(kind, year)
    # the last finished period while it waits for its review, else the running one (to prepare it)
    default = review.last_finished(kind, today, year)
    if default is None or review.find_review(store, wid, kind, default) is not None:
        default = review.period_bounds(kind, min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31)))[1]
    with c2:
        period_end = st.selectbox(tr("field.period_end"), options,
                                  index=options.index(default) if default in options else 0, key=f"rv_period_{kind}",
                                  format_func=lambda d: review.period_label(kind, d))
    form = Form(f"rv_hold_{kind}_{period_end.isoformat()}")
    form.errors("review_kind")
    form.errors("period_end")
    existing = review.find_review(store, wid, kind, period_end)
    if existing is not None:
        st.info(tr("review.already_held", kind=kind_word(kind), period=review.period_label(kind, period_end),
                   held_on=existing["held_on"].isoformat()))
        show_minute(c, next(m for m in held if m.review["id"] == existing["id"]), "rv_hold")
    else:
        rows = review.prepare(snap, kind, period_end, retired, as_of=today)
        st.caption(tr("review.explain." + kind))
        if not rows:
            st.info(tr("review.nothing." + kind))
        if any(r.gap is not None for r in rows):
            projector.altair_chart(charts.gap_chart(
                rows, title=tr("review.chart_title", kind=kind_word(kind), period=review.period_label(kind, period_end)),
                words={"subject": tr("review.col.subject"), "gap": tr("review.col.gap"),
                       "status": tr("common.status"), "behind": tr("review.chart.behind"),
                       "ahead": tr("review.chart.ahead")},
                status_words={s: status_word(s, tr) for s in ("on_track", "at_risk", "off_track", "no_data",
                                                              "outdated", "green", "yellow", "red")}),
                width="stretch")
        base_findings = [{
            "include": r.deviates,
            "subject": ("🎯 " if r.subject_kind == "key_result" else "🧭 ") + r.label,
            "owner": r.owner or "—",
            "planned": fig.prepared(r, r.planned, r.planned_value),
            "actual": fig.prepared(r, r.actual, r.actual_value),
            "gap": fig.pct(r.gap),
            "status": status_word(r.status, tr),
            "cause": "",
        } for r in rows]
        if rows:
            st.markdown(f"**{tr('review.prepared')}**")
            st.data_editor(
                pd.DataFrame(base_findings), key=form.k("review_findings"), hide_index=True, width="stretch",
                num_rows="fixed", disabled=["subject", "owner", "planned", "actual", "gap", "status"],
                column_config={
                    "include": st.column_config.CheckboxColumn(tr("review.col.include"),
                                                               help=tr("review.col.include_help")),
                    "subject": st.column_config.TextColumn(tr("review.col.subject"), width="large"),
                    "owner": st.column_config.TextColumn(tr("field.owner")),
                    "planned": st.column_config.TextColumn(tr("review.col.planned." + kind)),
                    "actual": st.column_config.TextColumn(tr("review.col.actual." + kind)),
                    "gap": st.column_config.TextColumn(tr("review.col.gap"), help=tr("review.col.gap_help." + kind)),
                    "status": st.column_config.TextColumn(tr("common.status")),
                    "cause": st.column_config.TextColumn(tr("field.cause"), width="large", max_chars=5000),
                }, placeholder="")
            form.errors("review_findings")

        # the measured response to the adjustments of the review before
        due_resp = review.responses_due(store, wid, kind, period_end, snap, as_of=today)
        if due_resp:
            st.subheader(tr("review.responses"))
            st.caption(tr("review.responses_help"))
            for resp in due_resp:
                a, f = resp.adjustment, resp.finding
                aid = a["id"]
                form.seed({f"resp_{aid}": tr("review.verdict." + resp.verdict, then=fig.pct(resp.gap_then),
                                             now=fig.pct(resp.gap_now)),
                           f"done_{aid}": a["status"] == "done" or bool(resp.gap_closed)})
                with st.container(border=True):
                    subject = fig.subject(f["subject_kind"], f["subject_id"]) if f else tr("review.no_subject")
                    st.markdown(f"**{escape_md(a['what'])}** — {escape_md(a['owner'] or '—')} · "
                                f"{tr('review.due_on', due=a['due'].isoformat() if a['due'] else '—')}")
                    icon = {"closed": "✅", "narrowed": "↘️", "not_narrowed": "⚠️", "unmeasured": "⚪"}[resp.verdict]
                    st.caption(f"{icon} {tr('review.decided_at', kind=kind_word(resp.review['kind']), period=review.period_label(resp.review['kind'], resp.review['period_end']))} · "
                               f"{escape_md(subject)} · {tr('review.gap_then_now', then=fig.pct(resp.gap_then), now=fig.pct(resp.gap_now))} · "
                               f"**{tr('review.verdict_word.' + resp.verdict)}**")
                    st.text_input(tr("field.response"), key=form.k(f"resp_{aid}"), max_chars=5000)
                    st.checkbox(tr("review.mark_done"), key=form.k(f"done_{aid}"))
            form.errors("review_responses")

        # the minute itself
        st.subheader(tr("review.minute"))
        period_start, _ = review.period_bounds(kind, period_end)
        form.seed({"held_on": max(period_start, min(today, period_end + dt.timedelta(days=3))), "attendees": "",
                   "review_summary": ""})
        with st.container(border=True):
            c1, c2 = st.columns([1, 3])
            with c1:
                st.date_input(tr("field.held_on"), key=form.k("held_on"), format="YYYY-MM-DD")
                form.errors("held_on")
            with c2:
                st.text_input(tr("field.attendees"), key=form.k("attendees"), placeholder=tr("review.attendees_hint"))
                form.errors("attendees")
            st.text_area(tr("field.review_summary"), key=form.k("review_summary"), height=90)
            form.errors("review_summary")
            st.markdown(f"**{tr('field.review_adjustments')}**")
            st.caption(tr("review.adjustments_help." + ("annual" if kind == "annual" else "other")))
            labels = views.subject_labels(rows)
            st.data_editor(
                pd.DataFrame({"what": pd.Series([], dtype="object"), "owner": pd.Series([], dtype="object"),
                              "due": pd.Series([], dtype="object"),
                              "adjustment_status": pd.Series([], dtype="object"),
                              "subject": pd.Series([], dtype="object")}),
                key=form.k("review_adjustments"), num_rows="dynamic", hide_index=True, width="stretch",
                column_config={
                    "what": st.column_config.TextColumn(tr("field.what"), width="large", max_chars=5000),
                    "owner": st.column_config.TextColumn(tr("field.owner")),
                    "due": st.column_config.DateColumn(tr("field.due"), format="YYYY-MM-DD"),
                    "adjustment_status": st.column_config.SelectboxColumn(
                        tr("field.adjustment_status"), options=list(STATUS_CODES), default=tr("review.status.open")),
                    "subject": st.column_config.SelectboxColumn(tr("review.col.subject"), options=list(labels)),
                }, placeholder="")
            form.errors("review_adjustments")
            form.general_errors()

            resp_ids = [r.adjustment["id"] for r in due_resp]
            fields = ["review_kind", "period_end", "held_on", "attendees", "review_summary", "review_findings",
                      "review_adjustments", "review_responses",
                      *[f"resp_{i}" for i in resp_ids], *[f"done_{i}" for i in resp_ids]]

            def _save(v, kind=kind, period_end=period_end, rows=rows, base=base_findings, labels=labels,
                      resp_ids=resp_ids):
                return review.save_review(store, wid, views.minute(
                    kind, period_end, v, rows, editor.rows_after(base, v["review_findings"]),
                    editor.rows_after([], v["review_adjustments"]), labels, STATUS_CODES, resp_ids), state.actor())

            st.button(tr("review.save"), type="primary", key=f"rv_save_{kind}_{period_end.isoformat()}",
                      on_click=form.submit(_save, fields, ok=tr("review.saved"), clear=True))


def minutes_tab(c: Context) -> None:
    """The minutes held so far, newest first, the newest open."""
    tr, held, kind_word = c.tr, c.held, c.kind_word
    if not held:
        st.caption(tr("review.no_minutes"))
    for n, m in enumerate(held):
        r = m.review
        label = review.period_label(r["kind"], r["period_end"])
        with st.expander(f"📝 {kind_word(r['kind'])} · {label} — {tr('review.held_on', date=r['held_on'].isoformat())}",
                         expanded=n == 0):
            show_minute(c, m, "rv_list")


def annual_tab(c: Context) -> None:
    """The annual iteration: what to keep, what was missed, what to retire, the next year."""
    store, wid, ws, year, today = c.store, c.wid, c.ws, c.year, c.today
    snap, retired, tr, fig, indicators = c.snap, c.retired, c.tr, c.fig, c.indicators
    ap = review.prepare_annual(snap, dt.date(year, 12, 31), retired, as_of=today)
    if today < ap.year_end:
        st.caption(tr("review.annual.as_of", date=today.isoformat()))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("review.annual.krs_met"), "{} / {}".format(*views.met_counts(ap.krs)))
    m2.metric(tr("review.annual.indicators_met"), "{} / {}".format(*views.met_counts(ap.indicators)))
    m3.metric(tr("review.annual.red_most"), len(ap.retire_or_fix))
    m4.metric(tr("review.annual.retired"), len(ap.retired))

    def annual_table(rows: list[review.PrepRow]) -> None:
        st.dataframe(pd.DataFrame([{
            tr("review.col.subject"): ("🎯 " if r.subject_kind == "key_result" else "🧭 ") + r.label,
            tr("field.owner"): r.owner or "—",
            tr("review.col.planned.annual"): fig.amount(r.subject_kind, r.subject_id, r.planned),
            tr("review.col.actual.annual"): fig.amount(r.subject_kind, r.subject_id, r.actual),
            tr("review.col.gap"): fig.pct(r.gap),
            tr("common.status"): status_word(r.status, tr),
        } for r in rows]), hide_index=True, width="stretch", placeholder="—")

    for icon, title, help_, rows_ in (("✅", "review.annual.keep", "review.annual.keep_help", ap.keep),
                                      ("❌", "review.annual.missed", "review.annual.missed_help", ap.missed)):
        st.markdown(f"**{icon} {tr(title)}** ({len(rows_)})")
        st.caption(tr(help_))
        if rows_:
            annual_table(rows_)
        else:
            st.caption(tr("review.annual.none"))

    st.subheader(tr("review.annual.retire_title"))
    if ap.retire_or_fix:
        for r in ap.retire_or_fix:
            st.markdown(f"🔴 **{escape_md(r.label)}** — "
                        f"{tr('review.annual.red_share', share=fig.pct(r.red_share), periods=r.periods)}")
    else:
        st.caption(tr("review.annual.no_red_most"))
    if indicators:
        proposals = [r.subject_id for r in ap.retire_or_fix]
        order = proposals + [i for i in indicators if i not in proposals]
        rf = Form("rv_retire")
        with st.container(border=True):
            c1, c2 = st.columns([2, 3])
            with c1:
                choice = st.selectbox(tr("entity.indicator").capitalize(), order, key="rv_retire_choice",
                                      format_func=lambda i: indicators[i]["name"])
            with c2:
                st.text_input(tr("field.retire_reason"), key=rf.k("retire_reason"),
                              placeholder=tr("review.annual.reason_hint"))
                rf.errors("retire_reason")
            rf.general_errors()
            st.button(tr("review.annual.retire_button"), key="rv_retire_btn",
                      on_click=rf.submit(lambda v, choice=choice: bsc.retire_indicator(
                                  store, choice, v["retire_reason"], state.actor()),
                                         ["retire_reason"], ok=tr("bsc.retired"), clear=True))
    if ap.retired:
        st.markdown(f"**{tr('review.annual.retired_list')}**")
        for i in ap.retired:
            st.markdown(f"~~{escape_md(i['name'])}~~ — {escape_md(i['retire_reason'] or '—')} "
                        f"({i['retired_at']:%Y-%m-%d})")

    st.subheader(tr("review.annual.add_title"))
    st.caption(tr("review.annual.add_help"))
    st.page_link("pages/scorecard.py", label=tr("nav.scorecard"), icon="🧭")

    st.subheader(tr("review.next.title", year=year + 1))
    st.caption(tr("review.next.help", year=year + 1))
    nf = Form(f"rv_next_{wid}")
    nf.seed({"name": ws["name"], "confirm_overwrite": False})
    with st.container(border=True):
        st.text_input(tr("field.name"), key=nf.k("name"), max_chars=200)
        nf.errors("name")
        conflicts = review.next_year_conflicts(store, wid, nf.value("name") or "")
        if conflicts:
            st.warning(tr("review.next.exists", name=conflicts[0]["name"], year=year + 1), icon="⚠️")
            st.checkbox(tr("review.next.confirm", name=conflicts[0]["name"], year=year + 1),
                        key=nf.k("confirm_overwrite"))
        nf.errors("year")
        nf.general_errors()

        def _opened(result) -> None:
            state.set_workspace(result.workspace_id)
            reset_all_forms()
            state.flash(tr("review.next.done", year=year + 1, rebased=result.rebased, to_fill=result.to_fill))

        st.button(tr("review.next.button", year=year + 1), type="primary", key=f"rv_next_btn_{wid}",
                  on_click=nf.submit(lambda v: review.next_year(store, wid, v["name"],
                                                                confirm_overwrite=bool(v.get("confirm_overwrite")),
                                                                actor=state.actor()),
                                     ["name", "year", "confirm_overwrite"], then=_opened))
