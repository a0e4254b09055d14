"""Presenter view: one item per screen for the room — an objective with its KRs, an onion layer, a
scorecard perspective, a risk with its plans A/B/C, a finding of the latest review — with previous /
next (← → keys too), and the objective or the risk on screen editable in place."""
import streamlit as st

from strategy_core.plan import okr
from strategy_core.routines import risk
from strategy_core.views import presenter
from strategy_core.numbers import format_money, format_number, format_percent
from ui import frame, state
from ui.forms import Form, escape_md
from ui.widgets import status_word

frame.guard("presenter")
tr = state.translator(state.lang())

store = state.store()
lang = state.lang()
wid = state.require_workspace()
ws = state.workspace(wid)
currency = ws["currency"] or "CNY"
on = state.as_of(ws["year"])

kinds = st.pills(tr("presenter.show"), presenter.KINDS, selection_mode="multi", default=list(presenter.KINDS),
                 format_func=lambda k: tr("presenter.kind." + k), key="presenter_kinds")
deck = presenter.slides(store, wid, on, tuple(kinds or presenter.KINDS))
if not deck:
    st.info(tr("presenter.empty"))
    st.stop()


def _go(step: int) -> None:
    st.session_state["presenter_at"] = deck[presenter.position(deck, st.session_state.get("presenter_at"), step)].key


i = presenter.position(deck, st.session_state.get("presenter_at"))
slide = deck[i]
nav = st.columns([1, 4, 1], vertical_alignment="center")
nav[0].button(tr("presenter.prev"), key="presenter_prev", on_click=_go, args=(-1,), shortcut="Left",
              disabled=i == 0, width="stretch")
nav[1].caption(f"{tr('presenter.kind.' + slide.kind)} · {i + 1} / {len(deck)} · {tr('common.as_of', date=on.isoformat())}")
nav[2].button(tr("presenter.next"), key="presenter_next", on_click=_go, args=(1,), shortcut="Right",
              disabled=i == len(deck) - 1, width="stretch", type="primary")

h, rows = slide.head, slide.rows
money = lambda v: format_money(v, currency, lang) if v is not None else "—"
if slide.kind == "objective":
    st.header(f"{tr('okr.level.' + h['level'])} · {escape_md(h['title'])}")
    st.markdown(f"**{status_word(h['status'], tr)}** · 👤 {escape_md(h.get('owner') or '—')}")
    for k in rows:
        with st.container(border=True):
            st.markdown(f"#### {status_word(k['status'], tr)} · {escape_md(k['statement'])}")
            st.markdown(f"{tr('presenter.progress')}**{format_percent(k['progress_pct'], 0)}** · "
                        f"{tr('presenter.expected')}{format_percent(k['expected_pct'], 0)} · "
                        f"👤 {escape_md(k.get('owner') or '—')}")
    with st.expander(tr("presenter.edit")):
        f = Form(f"presenter_obj_{h['id']}")
        f.seed({"title": h["title"], "owner": h.get("owner") or ""}, row=slide.row)
        st.text_input(tr("field.title"), key=f.k("title"))
        f.errors("title")
        st.text_input(tr("field.owner"), key=f.k("owner"))
        f.errors("owner")
        f.general_errors()
        st.button(tr("common.save"), key=f"presenter_obj_save_{h['id']}", type="primary",
                  on_click=f.submit(lambda v: okr.update_objective(store, h["id"], v, state.actor(), seen=f.seen()),
                                    ["title", "owner"], ok=tr("common.saved")))
elif slide.kind == "onion":
    st.header(tr("onion.layer." + h["layer"]))
    for n in rows:
        with st.container(border=True):
            mark = "⛔" if n["status"] == "gap" else "✅"
            st.markdown(f"#### {mark} {escape_md(n['name'])}")
            st.markdown(f"{tr('presenter.monthly')}**{money(n['monthly'])}** · "
                        f"{tr('presenter.annual')}{money(n['annual'])} · {tr('presenter.daily')}{money(n['daily'])}")
elif slide.kind == "perspective":
    st.header(tr("bsc.perspective." + h["perspective"]))
    if not rows:
        st.caption(tr("presenter.no_indicators"))
    for ind in rows:
        with st.container(border=True):
            st.markdown(f"#### {status_word(ind['status'], tr)} · {escape_md(ind['name'])}")
            latest = "—" if ind["latest"] is None else format_number(ind["latest"], lang)
            st.markdown(f"{tr('presenter.latest')}**{latest} {escape_md(ind.get('unit') or '')}** · "
                        f"{tr('field.target')} {escape_md(ind['comparator'])} {format_number(ind['target'], lang)} · "
                        f"👤 {escape_md(ind.get('owner') or '—')}")
elif slide.kind == "risk":
    st.header(f"{'★ ' if h['top'] else ''}{escape_md(h['name'])}")
    st.markdown(f"**{tr('risk.level.' + h['level'])}**" + (f" · 🚨 {tr('presenter.fired')}" if h["fired"] else ""))
    for p in rows:
        with st.container(border=True):
            st.markdown(f"#### {tr('risk.plan', label=p['label'])}")
            st.markdown(escape_md(p.get("strategy") or "—"))
            st.caption(f"{tr('field.cost')} {money(p.get('cost'))} · {tr('field.channel')} "
                       f"{escape_md(p.get('channel') or '—')}")
    with st.expander(tr("presenter.edit")):
        f = Form(f"presenter_risk_{h['id']}")
        f.seed({"level": h["level"]}, row=slide.row)
        st.segmented_control(tr("risk.field.level"), risk.LEVELS, key=f.k("level"), format_func=lambda lv: tr("risk.level." + lv))
        f.errors("level")
        f.general_errors()
        st.button(tr("common.save"), key=f"presenter_risk_save_{h['id']}", type="primary",
                  on_click=f.submit(lambda v: risk.update_risk(store, h["id"], v, state.actor(), seen=f.seen()),
                                    ["level"], ok=tr("common.saved")))
else:
    st.header(tr("presenter.finding_of", kind=tr("review.kind." + h["review"]["kind"]),
                date=h["review"]["held_on"].isoformat()))
    st.markdown(f"#### {escape_md(h.get('cause') or tr('presenter.no_cause'))}")
    for a in rows:
        with st.container(border=True):
            st.markdown(f"**{escape_md(a['what'])}** · 👤 {escape_md(a.get('owner') or '—')} · "
                        f"{a['due'].isoformat() if a.get('due') else '—'}")
    st.page_link("pages/reviews.py", label=tr("nav.reviews"), icon="🔁")
