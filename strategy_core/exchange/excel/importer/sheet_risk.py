"""The risk sheet: one row per plan (A, B, C) under its risk's cells. A risk's trigger is a KR or an
indicator named by its text; a trigger deleted or retired since the export stays as it was. At most
the allowed number of top risks, counted over the sheet and, when it only adds, the workspace."""
from __future__ import annotations

from typing import Any

from strategy_core.errors import FieldError, ValidationError
from strategy_core.exchange.excel.importer.match import COMPARATORS, YES_NO, blank, column, norm, yes_no
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, filled, has_ids
from strategy_core.i18n import LANGS, t
from strategy_core.plan import bsc
from strategy_core.routines import risk

RK_COLS = {"name": "name", "impact_share": "impact_share", "impact_text": "impact_text",
           "trigger_value": "trigger_value", "owner": "owner"}
PL_COLS = {"strategy": "strategy", "cost": "cost", "expected_result": "expected_result",
           "expected_unit": "expected_unit", "channel": "channel"}
RISK_FIELD_COLS = {**field_cols(RK_COLS), "level": "level", "top": "top", "trigger": "trigger",
                   "trigger_kind": "trigger", "trigger_comparator": "trigger_comparator"}
Read = tuple[int, Row, dict, list[Row], Any]     # (id, first row, raw values, rows, id in the workspace)


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the risk sheet into *p*: risks, checked as the risk form checks them (the count of TOP risks too), and their
    A/B/C plans. Risks and plans the sheet no longer lists by ID are removed (a risk with its plans); without IDs it
    only adds."""
    if not p.ids_complete(sheet, "plan_id", "risk_id"):
        return
    old = {r["id"]: r for r in risk.list_risks(p.store, p.wid)}
    old_p = {x["id"]: x for x in risk.list_plans(p.store, p.wid)}
    head = tuple(c for c in (*RK_COLS, "level", "top", "trigger", "trigger_comparator") if c in sheet.cols)
    groups = p.group(sheet, head, "risk_id", old, "risk")
    full = any(id_ is not None for id_, _ in groups)
    targets = risk.trigger_targets(list(p.indicators.values()), list(p.krs.values()))
    texts = {k: (x.get("statement") if k[0] == "key_result" else x.get("name")) for k, x in targets.items()}
    texts.update({("indicator", i): x.get("name") for i, x in p.retired.items()})
    triggers = (list(texts), dict(enumerate(texts.values())))    # resolve matches an id's text: ids are places
    kept: set[int] = set()
    cleaned: list[Read] = []
    for id_, rows in groups:
        vid = id_ if id_ is not None else p.temp_id()
        kept.add(vid)
        raw = _read(p, sheet, rows[0], old.get(id_), triggers)
        if raw is not None:
            cleaned.append((vid, rows[0], raw, rows, id_))
    tops = {vid: raw.get("name") for vid, _, raw, _, _ in cleaned if raw.get("top")}
    if not full:
        tops.update({i: r["name"] for i, r in old.items() if r["top"] and i not in tops})
    kept_p: set[int] = set()
    seen_p: dict[int, int] = {}
    for vid, first, raw, rows, id_ in cleaned:
        name = _risk(p, sheet, vid, first, raw, old.get(id_), targets, tops)
        if name is not None:
            mine = {i: x for i, x in old_p.items() if x["risk_id"] == id_}
            _plans(p, sheet, vid, name, rows, mine, seen_p, kept_p)
    removed = {i for i in old if full and i not in kept}
    for i in removed:
        p.remove("risk", "risk", old[i], old[i]["name"])
    full_p = has_ids(sheet, "plan_id")
    for i, x in old_p.items():
        if x["risk_id"] in removed or (full_p and x["risk_id"] in old and i not in kept_p):
            p.remove("risk", "risk_plan", x, f"{old.get(x['risk_id'], {}).get('name')} · {x['label']}")
    if not full:
        p.adds_only(sheet)


def _read(p: Planner, sheet: Sheet, first: Row, was_row: dict | None,
          triggers: tuple[list[tuple], dict[int, str]]) -> dict | None:
    """A risk's raw values, its words and its trigger read (None: the trigger names nothing, reported).
    *triggers*: every (kind, id) a trigger can name, and their statements or names by place."""
    lang = p.lang_of(sheet)
    raw = {**(was_row or {}), **p.values(first, RK_COLS, sheet)}
    if "level" in sheet.cols:
        raw["level"] = p.choice_col(sheet, first, "level", lang)
    if "top" in sheet.cols:
        raw["top"] = bool(p.choice(sheet, first, "top", YES_NO, yes_no(lang)))
    if "trigger_comparator" in sheet.cols:
        raw["trigger_comparator"] = p.choice(sheet, first, "trigger_comparator", COMPARATORS,
                                             list(bsc.COMPARATOR_SYMBOL.values()))
    if "trigger" not in sheet.cols:
        return raw
    was = (was_row["trigger_kind"], was_row["trigger_id"]) if was_row and was_row.get("trigger_kind") else None
    cell = first.cells.get("trigger")
    if was is not None and not blank(cell) and norm(cell) in {norm(t("review.subject_gone", lg)) for lg in LANGS}:
        raw["trigger"] = was      # "(deleted)": the export's word for a KR deleted since; kept
        return raw
    hit = p.resolve(sheet, first, "trigger", triggers[1], "trigger")
    if hit is False:
        return None
    raw["trigger"] = triggers[0][hit] if hit is not None else None
    return raw


def _risk(p: Planner, sheet: Sheet, vid: int, first: Row, raw: dict, was_row: dict | None, targets: dict,
          tops: dict[int, str]) -> str | None:
    """A risk checked as the risk form checks it, and planned; its name (None: an error, reported)."""
    trig = raw.get("trigger") if "trigger" in raw else None
    was = (was_row["trigger_kind"], was_row["trigger_id"]) if was_row is not None else None
    # a trigger kept as it was may point at a KR deleted or an indicator retired since
    allowed = {**targets, was: {"unit": None}} if trig is not None and tuple(trig) == was and was not in targets \
        else targets
    try:
        clean = risk.clean_risk(raw, targets=allowed, other_top=[n for i, n in tops.items() if i != vid])
    except ValidationError as e:
        p.errors_from(sheet, first.n, e, RISK_FIELD_COLS)
        return None
    if was_row is None:
        clean.update(workspace_id=p.wid, position=p.next_position("risk"))
    labels = p.covered(sheet, RK_COLS)
    for c in ("level", "top", "trigger_comparator"):
        if c in sheet.cols:
            labels[c] = column("risk", c).label
    if "trigger" in sheet.cols:
        labels["trigger_id"] = labels["trigger_kind"] = column("risk", "trigger").label
    p.change(sheet, "risk", vid, clean["name"], first.n, clean, was_row, labels)
    return clean["name"]


def _plans(p: Planner, sheet: Sheet, vid: int, name: str, rows: list[Row], mine: dict[int, dict],
           seen_p: dict[int, int], kept_p: set[int]) -> None:
    """A risk's plans, one label (A, B, C) each."""
    p_labels = p.covered(sheet, PL_COLS)
    if "label" in sheet.cols:
        p_labels["label"] = column("risk", "label").label
    seen_labels: dict[str, int] = {}
    for r in rows:
        if not filled(sheet, r, (*PL_COLS, "label", "plan_id")):
            continue
        pid = p.ident(sheet, r, "plan_id", mine, "risk_plan", seen_p) if "plan_id" in sheet.cols else None
        if pid is False:
            continue
        base = mine.get(pid) or {}
        label = p.choice(sheet, r, "label", {norm(x): x for x in risk.LABELS}, list(risk.LABELS)) \
            if "label" in sheet.cols else base.get("label")
        if label is None:
            p.error(sheet, r.n, "label", FieldError("label", "error.required", {}))
            continue
        if label in seen_labels:
            p.error(sheet, r.n, "label", FieldError("label", "xl.import.error.duplicate_label",
                                                    {"label": label, "first": seen_labels[label]}))
            continue
        seen_labels[label] = r.n
        try:
            pc = risk.clean_plan({**base, **p.values(r, PL_COLS, sheet)})
        except ValidationError as e:
            p.errors_from(sheet, r.n, e, field_cols(PL_COLS))
            continue
        pc["label"] = label
        if pid:
            kept_p.add(pid)
        else:
            pc.update(workspace_id=p.wid, risk_id=vid)
        p.change(sheet, "risk_plan", pid if pid else p.temp_id(), f"{name} · {label}", r.n, pc, base or None,
                 p_labels)

