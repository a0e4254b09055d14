"""The daily-report page's calendar: the working days without a submitted report, in a chart of
recent weeks or the whole year, and the list of the latest ones missing."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from strategy_core.routines import daily
from strategy_core.views import daily as views
from ui import projector


def missing_days(reports: list[dict], year: int, today: dt.date, owner: str | None, tr) -> None:
    """The calendar of *owner*'s reports (None: the whole company's) up to *today*, and what is missing."""
    st.subheader(tr("daily.missing_title"))
    scope = st.radio(tr("daily.scope"), ("weeks", "year"), horizontal=True, key="daily_scope",
                     format_func=lambda s: tr("daily.scope." + s))
    start, end = views.calendar_span(scope, today, year)
    cells = daily.calendar_cells(reports, year, start, end, today, owner)
    words = {s: tr("daily.cell." + s) for s in daily.CELL_STATUSES}
    words.update({"_date": tr("field.day"), "_weekday": tr("daily.weekday"), "_status": tr("common.status")})
    projector.altair_chart(daily.calendar_chart(cells, words=words, weekdays=[tr(k) for k in daily.WEEKDAY_KEYS],
                                         title=tr("daily.calendar_title", owner=owner or tr("daily.whole_company")),
                                         show_words=scope == "weeks"), width="content")
    first = daily.first_report_day(reports, owner)
    if first is None:
        st.caption(tr("daily.never_started"))
    else:
        gaps = daily.missing_days(reports, year, today - dt.timedelta(days=1), since=max(first, start), owner=owner)
        if gaps:
            shown = ", ".join(d.isoformat() for d in gaps[-15:][::-1])
            more = tr("daily.missing_more", count=len(gaps) - 15) if len(gaps) > 15 else ""
            st.warning(tr("daily.missing_list", count=len(gaps), days=shown) + more, icon="📋")
        else:
            st.success(tr("daily.none_missing"), icon="✅")
        st.caption(tr("daily.calendar_caption", first=first.isoformat()))
