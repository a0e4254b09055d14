"""Overview: where the team stands in the 7-day setup, open findings, the next step."""
import streamlit as st

from strategy_core.routines import progress, review
from ui import frame, state
from ui.forms import escape_md
from ui.workspace_form import new_workspace_form

frame.guard("home")
tr = state.translator(state.lang())

STATUS_ICON = {progress.DONE: "✅", progress.IN_PROGRESS: "🟡", progress.NOT_STARTED: "⚪"}

store = state.store()
st.title(tr("home.title"))
wid = state.workspace_id()

if wid is None:
    st.info(tr("home.empty"))
    c1, c2 = st.columns(2)
    with c1.container(border=True):      # the first step, open where the eye is
        st.markdown(f"**➕ {tr('home.create_workspace')}**")
        new_workspace_form(store, "home_new_ws", "home_ws_create", then=state.set_workspace)
    with c2:
        def _load_demo() -> None:
            state.set_workspace(state.load_demo(state.lang()))
        st.button(tr("home.load_demo"), type="primary", on_click=_load_demo, key="home_load_demo")
    st.stop()

ws = state.workspace(wid)
today = state.as_of(ws["year"])
ov = progress.overview(store, wid, today)
st.caption(tr("home.caption", name=escape_md(ws["name"]), year=ws["year"]) + " · " + tr("common.as_of", date=today.isoformat()))

nxt = ov.next_step
m1, m2, m3 = st.columns(3)
done = sum(1 for s in ov.steps if s.status == progress.DONE)
m1.metric(tr("home.steps_done"), f"{done} / {len(ov.steps)}")
m2.metric(tr("home.open_findings"), ov.open_findings)
company = ov.strength.get("company")
m3.metric(tr("home.okr_strength"), "—" if company is None else f"{company:.0%}")

if nxt is not None:
    step, part = nxt
    with st.container(border=True):
        st.subheader(tr("home.next_step"))
        if part is not None and part.page is not None:
            reason = tr(part.missing[0]) if part.missing else (
                tr("home.fix_findings", count=part.fails) if part.fails else tr("home.start_part"))
            st.markdown(f"**{tr('step.' + step.key)} · {tr('part.' + part.key)}** — {reason}")
            st.page_link(f"pages/{part.page}.py", label=tr("home.go_to", page=tr("part." + part.key)), icon="➡️")
        else:
            st.markdown(f"**{tr('step.' + step.key)}** — {tr('home.step_not_built')}")

st.subheader(tr("home.seven_days"))
cols = st.columns(len(ov.steps))
for col, step in zip(cols, ov.steps):
    with col.container(border=True):
        st.markdown(f"{STATUS_ICON[step.status]} **{tr('step.days', days=tr('days.' + step.days))}**")
        st.markdown(f"**{tr('step.' + step.key)}**")
        st.caption(tr("status." + step.status))
        if not step.parts:
            st.caption(tr("home.step_not_built"))
        for part in step.parts:
            filled = ", ".join(tr("count." + k, n=v) for k, v in part.filled.items())
            st.markdown(f"{STATUS_ICON[part.status]} {tr('part.' + part.key)} — {filled}")
            if part.fails or part.warns:
                st.caption(tr("home.part_findings", fails=part.fails, warns=part.warns))
            for m in part.missing:
                st.caption("• " + tr(m))
            if part.page:
                st.page_link(f"pages/{part.page}.py", label=tr("home.open"), icon="↗️")

adjustments = review.open_adjustments(store, wid, today)
if adjustments:
    st.subheader(tr("home.open_adjustments", count=len(adjustments)))
    for a in adjustments[:8]:
        due = a["due"].isoformat() if a["due"] else "—"
        flag = "⏰ " + tr("home.overdue") + " · " if a["overdue"] else ""
        st.markdown(f"- {flag}**{escape_md(a['what'])}** — {escape_md(a['owner'] or '—')} · {due}")
    st.page_link("pages/reviews.py", label=tr("home.go_to", page=tr("nav.reviews")), icon="➡️")
