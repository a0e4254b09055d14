"""Risk plans (风险预案, SPEC §6): the risk register, the TOP-3 rule, triggers, plans A/B/C and their
comparison, and which risks fire on the monitoring board.

Decisions the SPEC leaves open:

* At most three risks are TOP at any time; marking a fourth is refused on the field ``top`` with
  the names of the three that already are. Other risks stay in the register, not TOP.
* A trigger is optional (a risk can be noted before its alarm is agreed), but all of it or none:
  an indicator or KR, a comparator and the value that fires it. It must point to a live indicator
  (not deleted, not retired) or a live KR of the workspace. A % indicator's trigger value must lie
  in 0–100.
* Impact is a share (0–100 %) of the onion's annual revenue; the money is computed, never typed.
* A plan needs its strategy and its cost (≥ 0) — "a measure plus its cost", not a slogan. The
  expected result is optional, but when given it must be above 0 and carry its unit.
* Plans are compared by cost per unit of expected result, only between plans whose results are
  counted in the same unit (new students vs % conversion cannot be compared); the cheapest is
  marked when at least two plans share a unit.
* A risk fires when the latest value of its trigger (indicator: the latest reading; KR: the latest
  check-in, as of the board's date) meets the comparator against the trigger value.
"""
from __future__ import annotations

from typing import Any

from strategy_core import fields as F
from strategy_core.track import measure
from strategy_core.plan.bsc import COMPARATOR_SYMBOL, COMPARATORS
from strategy_core.errors import FieldError, ValidationError
from strategy_core.routines.steps import DONE, IN_PROGRESS, NOT_STARTED, Part
from strategy_core.store.store import Store

LEVELS = ("red", "yellow", "green")
LEVEL_SYMBOL = {"red": "🔴", "yellow": "🟡", "green": "🟢"}
LABELS = ("A", "B", "C")
TRIGGER_KINDS = ("indicator", "key_result")
TOP_MAX = 3
RISK_FIELDS = ("name", "level", "top", "impact_share", "impact_text", "trigger", "trigger_comparator",
               "trigger_value", "owner")
PLAN_FIELDS = ("strategy", "cost", "expected_result", "expected_unit", "channel")
_TRUE = {"1", "true", "yes", "y", "on", "x", "✓", "是", "top"}
_FALSE = {"", "0", "false", "no", "n", "off", "否"}


# -- cleaning ---------------------------------------------------------------------------------------

def _flag(name: str, value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    s = str(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValidationError([FieldError(name, "error.not_allowed", {"value": str(value)[:40], "allowed": "true, false"})])


def trigger_key(kind: str | None, id_: Any) -> str | None:
    """The one value a form's trigger picker holds: 'indicator:12' or 'key_result:7' (None: no trigger)."""
    return None if kind is None or id_ is None else f"{kind}:{int(id_)}"


def _parse_trigger(data: dict[str, Any]) -> tuple[str | None, Any]:
    """(kind, id) from data['trigger'] ('indicator:12' or a pair) or trigger_kind + trigger_id."""
    if "trigger" in data:
        t = data.get("trigger")
        if t is None or (isinstance(t, str) and not t.strip()):
            return None, None
        if isinstance(t, (tuple, list)) and len(t) == 2:
            return t[0], t[1]
        kind, _, id_ = str(t).partition(":")
        return kind.strip(), id_.strip()
    return data.get("trigger_kind"), data.get("trigger_id")


def trigger_targets(indicators: list[dict[str, Any]], krs: list[dict[str, Any]]) -> dict[tuple[str, int], dict]:
    """Everything a risk can be triggered by: live, not retired indicators and live KRs."""
    out: dict[tuple[str, int], dict] = {}
    for i in indicators:
        if i.get("deleted_at") is None and i.get("retired_at") is None:
            out[("indicator", int(i["id"]))] = i
    for k in krs:
        if k.get("deleted_at") is None:
            out[("key_result", int(k["id"]))] = k
    return out


def clean_risk(data: dict[str, Any], *, targets: dict[tuple[str, int], dict], other_top: list[str]) -> dict[str, Any]:
    """A risk row from what a person typed. *targets*: what a trigger may point to (see
    `trigger_targets`); *other_top*: names of the TOP risks other than this one."""
    c = F.collect()
    c("name", F.text, data.get("name"), required=True)
    c("level", F.choice, data.get("level"), LEVELS)
    top = c("top", _flag, data.get("top"))
    if top and len(other_top) >= TOP_MAX:
        c.add("top", "risk.error.top_full", names=" / ".join(f"“{n}”" for n in other_top), max=TOP_MAX)
    c("impact_share", F.number, data.get("impact_share"), min_value=0, max_value=100)
    c("impact_text", F.text, data.get("impact_text"), max_len=500)
    c("owner", F.text, data.get("owner"))

    kind, raw_id = _parse_trigger(data)
    value = c("trigger_value", F.number, data.get("trigger_value"))
    has_target = kind not in (None, "") or raw_id not in (None, "")
    target = None
    if has_target:
        try:
            key = (str(kind), int(float(raw_id)))
        except (TypeError, ValueError):
            key = None
        if key is None or key[0] not in TRIGGER_KINDS:
            c.add("trigger", "risk.error.trigger_unknown")
        elif key not in targets:
            c.add("trigger", "risk.error.trigger_unknown")
        else:
            target = key
    comparator = None
    if has_target or value is not None:
        comparator = c("trigger_comparator", F.choice, data.get("trigger_comparator"), COMPARATORS)
        if not has_target:
            c.add("trigger", "risk.error.trigger_missing")
        if value is None and "trigger_value" in c.values:
            c.add("trigger_value", "risk.error.trigger_value_missing")
        if target is not None and value is not None and (targets[target].get("unit") or "").strip() == "%" \
                and not 0 <= value <= 100:
            c.add("trigger_value", "risk.error.percent_range", value=f"{value:.10g}")
    c.raise_if_any()
    v = c.values
    return {"name": v["name"], "level": v["level"], "top": bool(top),
            "impact_share": v.get("impact_share"), "impact_text": v.get("impact_text"), "owner": v.get("owner"),
            "trigger_kind": target[0] if target else None, "trigger_id": target[1] if target else None,
            "trigger_comparator": comparator if target else None, "trigger_value": value if target else None}


def clean_plan(data: dict[str, Any]) -> dict[str, Any]:
    """A plan (A/B/C) from what a person typed: strategy and cost are needed; the expected result,
    when given, is above 0 and has its unit."""
    c = F.collect()
    c("strategy", F.text, data.get("strategy"), required=True, max_len=F.TEXT_MAX, multiline=True)
    cost = c("cost", F.number, data.get("cost"), required=True)
    if cost is not None and cost < 0:
        c.add("cost", "risk.error.cost_negative", value=f"{cost:,.10g}")
    result = c("expected_result", F.number, data.get("expected_result"), min_value=0, exclusive_min=True)
    unit = c("expected_unit", F.text, data.get("expected_unit"), max_len=40)
    if result is not None and not unit and "expected_unit" in c.values:
        c.add("expected_unit", "risk.error.unit_missing")
    c("channel", F.text, data.get("channel"), max_len=F.TEXT_MAX)
    c.raise_if_any()
    v = c.values
    return {"strategy": v["strategy"], "cost": cost, "expected_result": result, "expected_unit": unit,
            "channel": v.get("channel")}


# -- service ------------------------------------------------------------------------------------------

def list_risks(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's risks in register (position) order (the trash left out)."""
    return store.rows("risk", workspace_id)


def list_plans(store: Store, workspace_id: int) -> list[dict[str, Any]]:
    """The workspace's risk plans by risk id, then label (the trash left out)."""
    return store.rows("risk_plan", workspace_id)


def plans_of(plans: list[dict[str, Any]], risk_id: int) -> dict[str, dict[str, Any]]:
    """label → plan of one risk."""
    return {p["label"]: p for p in plans if p["risk_id"] == risk_id}


def _targets(store: Store, workspace_id: int) -> dict[tuple[str, int], dict]:
    return trigger_targets(store.rows("indicator", workspace_id), store.rows("key_result", workspace_id))


def _other_top(store: Store, workspace_id: int, risk_id: int | None) -> list[str]:
    return [r["name"] for r in list_risks(store, workspace_id) if r["top"] and r["id"] != risk_id]


def add_risk(store: Store, workspace_id: int, data: dict[str, Any], actor: str | None = None) -> int:
    """Add a risk (checked by ``clean_risk``: a fourth TOP risk is refused) at the end; returns its id."""
    store.get_workspace(workspace_id)
    row = clean_risk(data, targets=_targets(store, workspace_id), other_top=_other_top(store, workspace_id, None))
    with store.transaction(workspace_id, "risk.add", actor) as tx:
        return tx.insert("risk", {**row, "workspace_id": workspace_id,
                                  "position": store.next_position(tx, "risk", workspace_id)})


def form_values(risk: dict[str, Any]) -> dict[str, Any]:
    """A stored risk as the values its form (and `update_risk`) take: the trigger as one "kind:id" value."""
    out = {k: risk.get(k) for k in RISK_FIELDS if k != "trigger"}
    out["trigger"] = trigger_key(risk.get("trigger_kind"), risk.get("trigger_id"))
    return out


def update_risk(store: Store, risk_id: int, data: dict[str, Any], actor: str | None = None, *,
                seen: dict[str, Any] | None = None) -> None:
    """Change a risk; setting ``top`` on a fourth risk is refused (ValidationError on 'top'). *seen*: the
    row as the person saw it (a change made since refuses the save)."""
    r = store.row("risk", risk_id)
    wid = r["workspace_id"]
    merged = form_values(r)
    if "trigger_kind" in data or "trigger_id" in data:
        merged["trigger"] = (data.get("trigger_kind"), data.get("trigger_id"))
    merged.update({k: v for k, v in data.items() if k not in ("trigger_kind", "trigger_id")})
    row = clean_risk(merged, targets=_targets(store, wid), other_top=_other_top(store, wid, risk_id))
    with store.transaction(wid, "risk.update", actor) as tx:
        tx.update("risk", risk_id, row, seen=r if seen is None else seen)


def delete_risk(store: Store, risk_id: int, actor: str | None = None) -> int:
    """Move a risk and its plans to the trash (one batch: undo or restore brings both back);
    returns how many rows moved."""
    r = store.row("risk", risk_id)
    plan_ids = [p["id"] for p in list_plans(store, r["workspace_id"]) if p["risk_id"] == risk_id]
    with store.transaction(r["workspace_id"], "risk.delete", actor) as tx:
        tx.trash("risk", [risk_id], tx.txn)
        tx.trash("risk_plan", plan_ids, tx.txn)
    return 1 + len(plan_ids)


def _label(label: Any) -> str:
    s = str(label or "").strip().upper()
    if s not in LABELS:
        raise ValidationError([FieldError("label", "error.not_allowed",
                                          {"value": str(label)[:40], "allowed": ", ".join(LABELS)})])
    return s


def set_plan(store: Store, risk_id: int, label: str, data: dict[str, Any], actor: str | None = None, *,
             seen: dict[str, Any] | None = None) -> int:
    """Write plan A, B or C of a risk (created the first time, changed after); returns its id. *seen*:
    the plan as the person saw it (a change made since refuses the save)."""
    r = store.row("risk", risk_id)
    wid = r["workspace_id"]
    label = _label(label)
    have = plans_of(list_plans(store, wid), risk_id).get(label)
    base = {k: have.get(k) for k in PLAN_FIELDS} if have else {}
    row = clean_plan({**base, **data})
    with store.transaction(wid, "risk.plan", actor) as tx:
        if have:
            tx.update("risk_plan", have["id"], row, seen=have if seen is None else seen)
            return int(have["id"])
        return tx.insert("risk_plan", {**row, "workspace_id": wid, "risk_id": risk_id, "label": label})


def delete_plan(store: Store, risk_id: int, label: str, actor: str | None = None) -> None:
    """Move plan *label* (A, B or C) of a risk to the trash; nothing when the risk has no such plan."""
    r = store.row("risk", risk_id)
    have = plans_of(list_plans(store, r["workspace_id"]), risk_id).get(_label(label))
    if have is None:
        return
    with store.transaction(r["workspace_id"], "risk.plan_delete", actor) as tx:
        tx.trash("risk_plan", [have["id"]], tx.txn)


# -- impact, comparison, firing ------------------------------------------------------------------------

def annual_revenue(store: Store, workspace_id: int) -> float | None:
    """The onion's annual revenue (root), or None when there is no onion yet."""
    from strategy_core.plan import onion
    root = onion.compute(onion.list_nodes(store, workspace_id), store.get_workspace(workspace_id)).root
    return None if root is None else root.annual


def impact_money(risk: dict[str, Any], annual: float | None) -> float | None:
    """What the risk's share of annual revenue means in money (None without share or onion)."""
    share = risk.get("impact_share")
    if share is None or annual is None:
        return None
    return annual * share / 100


def _unit_key(unit: Any) -> str:
    return " ".join(str(unit or "").split()).casefold()


def compare_plans(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plans of one risk side by side, in label order (A, B, C), each with ``cost_per_unit``
    (cost ÷ expected result; None without a result), ``rank`` (1 = cheapest per unit among the plans
    counted in the same unit), ``comparable`` (another plan shares its unit) and ``cheapest``."""
    rows = []
    for p in sorted(plans, key=lambda p: (LABELS.index(p["label"]) if p["label"] in LABELS else 9, p["label"])):
        cost, result = p.get("cost"), p.get("expected_result")
        cpu = cost / result if cost is not None and result else None
        rows.append({"label": p["label"], "strategy": p.get("strategy"), "cost": cost, "expected_result": result,
                     "expected_unit": p.get("expected_unit"), "channel": p.get("channel"), "cost_per_unit": cpu,
                     "rank": None, "comparable": False, "cheapest": False})
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r["cost_per_unit"] is not None:
            groups.setdefault(_unit_key(r["expected_unit"]), []).append(r)
    for members in groups.values():
        members.sort(key=lambda r: r["cost_per_unit"])   # stable: ties keep label order
        for n, r in enumerate(members, 1):
            r["rank"] = n
            r["comparable"] = len(members) > 1
            r["cheapest"] = n == 1 and len(members) > 1
    return rows


def trigger_reading(risk: dict[str, Any], board: measure.Board) -> tuple[float | None, Any]:
    """(latest value, its date) of a risk's trigger on the board; (None, None) without one."""
    kind, tid = risk.get("trigger_kind"), risk.get("trigger_id")
    if kind == "indicator":
        s = board.indicators.get(tid)
        return (s.latest, s.last_date) if s else (None, None)
    if kind == "key_result":
        s = board.krs.get(tid)
        return (s.current, s.last_date) if s else (None, None)
    return None, None


def is_fired(risk: dict[str, Any], board: measure.Board) -> bool:
    """Whether the latest value of the risk's trigger on the board meets its comparator against the trigger value; False
    without a trigger or a value."""
    value, _ = trigger_reading(risk, board)
    comparator, limit = risk.get("trigger_comparator"), risk.get("trigger_value")
    if value is None or comparator is None or limit is None:
        return False
    return measure.compare(value, comparator, limit)


def fired(risks: list[dict[str, Any]], plans: list[dict[str, Any]], board: measure.Board) -> list[dict[str, Any]]:
    """The risks whose trigger fired on the board's date, TOP risks first (then register order), each as
    {"risk", "plan" (its plan A, or None), "value" (the latest value), "date" (of that value),
    "comparator" (≥ > ≤ <), "trigger_value"}."""
    out = []
    for r in sorted(risks, key=lambda r: not r["top"]):
        if is_fired(r, board):
            value, date = trigger_reading(r, board)
            out.append({"risk": r, "plan": plans_of(plans, r["id"]).get("A"), "value": value, "date": date,
                        "comparator": COMPARATOR_SYMBOL[r["trigger_comparator"]],
                        "trigger_value": r["trigger_value"]})
    return out


# -- the 7-day overview -----------------------------------------------------------------------------------

def _plan_ready(p: dict[str, Any] | None) -> bool:
    return p is not None and bool((p.get("strategy") or "").strip()) and p.get("cost") is not None


def progress_part(risks: list[dict[str, Any]], plans: list[dict[str, Any]]) -> Part:
    """Day 7: done when there are TOP risks (up to three), each with plans A, B and C that name their
    strategy and cost. A TOP risk without a trigger counts as a warning (nothing will ever fire it)."""
    top = [r for r in risks if r["top"]]
    missing = []
    if not top:
        missing.append("progress.missing.risk_top")
    if len(top) > TOP_MAX:
        missing.append("progress.missing.risk_too_many_top")
    if any(not all(_plan_ready(plans_of(plans, r["id"]).get(lb)) for lb in LABELS) for r in top):
        missing.append("progress.missing.risk_plans")
    warns = sum(1 for r in top if r.get("trigger_kind") is None)
    live = {r["id"] for r in risks}
    n_plans = sum(1 for p in plans if p["risk_id"] in live)
    status = NOT_STARTED if not risks else (DONE if not missing else IN_PROGRESS)
    return Part("risks", status, {"risk": len(risks), "risk_plan": n_plans}, missing, 0, warns, "risks")


# -- chart ------------------------------------------------------------------------------------------------

def comparison_chart(rows: list[dict[str, Any]], *, title: str, words: dict[str, str], money) -> "Any":
    """Cost per unit of expected result, a bar per plan (A/B/C), the cheapest marked with ★ and a word
    (never by colour alone). *rows* come from `compare_plans`; *money* formats an amount;
    *words*: plan, cost_per_unit, cheapest, unit."""
    import altair as alt
    import pandas as pd

    from strategy_core.charts import FONT, STATUS_COLORS
    data = [r for r in rows if r["cost_per_unit"] is not None]
    df = pd.DataFrame([{
        "plan": f"{words['plan']} {r['label']}" + (f" · {r['expected_unit']}" if r["expected_unit"] else ""),
        "cpu": r["cost_per_unit"], "money": money(r["cost_per_unit"]),
        "label": money(r["cost_per_unit"]) + (f"  ★ {words['cheapest']}" if r["cheapest"] else ""),
        "kind": words["cheapest"] if r["cheapest"] else words["plan"],
    } for r in data], columns=["plan", "cpu", "money", "label", "kind"])
    top = float(df["cpu"].max()) if len(df) else 0.0   # room on the right for the written amounts
    base = alt.Chart(df).encode(
        y=alt.Y("plan:N", title=None, sort=list(df["plan"]), axis=alt.Axis(labelLimit=260)),
        x=alt.X("cpu:Q", title=words["cost_per_unit"],
              scale=alt.Scale(domain=[0, top * 1.3 if top > 0 else 1], nice=False)),
        tooltip=[alt.Tooltip("plan:N", title=words["plan"]), alt.Tooltip("money:N", title=words["cost_per_unit"])])
    bars = base.mark_bar(cornerRadiusEnd=3).encode(color=alt.Color(
        "kind:N", legend=None, scale=alt.Scale(domain=[words["cheapest"], words["plan"]],
                                               range=[STATUS_COLORS["pass"], "#8a9bb5"])))
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(text="label:N")
    chart = (bars + text).properties(title=title, height=70 + 46 * max(1, len(df)))
    return (chart.configure(font=FONT).configure_axis(labelFontSize=13, titleFontSize=13)
            .configure_title(fontSize=14, anchor="start"))
