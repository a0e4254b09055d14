"""The OKR sheet: one row per KR under its objective's cells. Planned in three passes — ids and raw
values first, so an objective can align to a KR named further down; then the objectives; then the KRs."""
from __future__ import annotations

from dataclasses import dataclass, field

from strategy_core.errors import ValidationError
from strategy_core.exchange.excel.importer.match import COMMITTED, blank, column
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, filled, has_ids
from strategy_core.i18n import t
from strategy_core.plan import okr

O_COLS = {"level": "level", "title": "title", "o_owner": "owner", "o_team": "team",
          "period_start": "period_start", "period_end": "period_end", "perspective": "perspective"}
K_COLS = {"statement": "statement", "metric": "metric", "unit": "unit", "baseline": "baseline",
          "target": "target", "direction": "direction", "band_low": "band_low", "band_high": "band_high",
          "deadline": "deadline", "owner": "owner", "team": "team",
          "decomposition_logic": "decomposition_logic", "data_support": "data_support",
          "execution_steps": "execution_steps", "data_source": "data_source", "alert_value": "alert_value",
          "resources_money": "resources_money", "resources_people": "resources_people",
          "resources_things": "resources_things", "risk_plan": "risk_plan", "committed": "committed",
          "weight": "weight"}


@dataclass
class _Read:
    """The sheet after pass 1."""
    objs: list[tuple[int, bool, Row, dict]] = field(default_factory=list)        # (id, is_new, first row, raw)
    krs: list[tuple[int, bool, Row, dict, int]] = field(default_factory=list)    # (id, is_new, row, raw, objective)
    kept_o: set[int] = field(default_factory=set)


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the OKR sheet into *p*: objectives and their KRs, checked as the OKR forms check them. Objectives and KRs
    the sheet no longer lists by ID are removed (an objective with its KRs); without IDs it only adds."""
    lang = p.lang_of(sheet)
    errors_before = len(p.plan.errors)
    old_o = {o["id"]: o for o in p.store.rows("objective", p.wid)}
    old_k = {k["id"]: k for k in p.store.rows("key_result", p.wid)}
    groups = p.group(sheet, tuple(c for c in (*O_COLS, "aligns_to") if c in sheet.cols), "o_id", old_o, "objective")
    full_o = any(id_ is not None for id_, _ in groups)
    read = _read(p, sheet, groups, old_k, lang)
    removed_o = [o for i, o in old_o.items() if full_o and i not in read.kept_o]
    gone = {o["id"] for o in removed_o}
    kept_k = {k[0] for k in read.krs}
    full_k = has_ids(sheet, "kr_id")
    removed_k = [k for i, k in old_k.items() if i not in kept_k and (full_k or k["objective_id"] in gone)]
    if len(p.plan.errors) == errors_before:    # (an ID error would make every reference to it fail too)
        for k in removed_k:
            p.krs.pop(k["id"], None)
        for o in removed_o:
            p.objectives.pop(o["id"], None)
    for kid, _, r, kraw, oid in read.krs:
        p.krs[kid] = {**p.krs.get(kid, {}), "id": kid, "objective_id": oid}
        if not blank(kraw.get("statement")):
            p.krs[kid]["statement"] = str(kraw["statement"]).strip()
    _objectives(p, sheet, read.objs, old_o)
    _key_results(p, sheet, read.krs, old_k)
    for o in removed_o:
        p.remove("okr", "objective", o, o["title"])
    for k in removed_k:
        p.remove("okr", "key_result", k, k["statement"])
    if not full_o:
        p.adds_only(sheet)


def _read(p: Planner, sheet: Sheet, groups: list, old_k: dict[int, dict], lang: str) -> _Read:
    """Pass 1: ids, raw values, and the KRs as they will be (for alignment by statement)."""
    out = _Read()
    seen_k: dict[int, int] = {}
    for id_, rows in groups:
        oid = id_ if id_ is not None else p.temp_id()
        out.kept_o.add(oid)
        first = rows[0]
        raw = p.values(first, O_COLS, sheet)
        for c in ("level", "perspective"):
            if c in sheet.cols:
                raw[c] = p.choice_col(sheet, first, c, lang)
        out.objs.append((oid, id_ is None, first, raw))
        for r in rows:
            if not filled(sheet, r, (*K_COLS, "kr_id")):
                continue
            kid = p.ident(sheet, r, "kr_id", old_k, "key_result", seen_k) if "kr_id" in sheet.cols else None
            if kid is False:
                continue
            kraw = p.values(r, K_COLS, sheet)
            if "direction" in sheet.cols:
                kraw["direction"] = p.choice_col(sheet, r, "direction", lang)
            if "committed" in sheet.cols and not blank(r.cells.get("committed")):
                kraw["committed"] = p.choice(sheet, r, "committed", COMMITTED,
                                             [t(k, lang) for k in ("okr.committed.yes", "okr.committed.no")])
            out.krs.append((kid if kid is not None else p.temp_id(), kid is None, r, kraw, oid))
    return out


def _objectives(p: Planner, sheet: Sheet, objs: list[tuple[int, bool, Row, dict]], old_o: dict[int, dict]) -> None:
    """Pass 2: the objectives, their alignment resolved against the KRs as they will be."""
    statements = p.kr_texts()
    o_labels = {**p.covered(sheet, O_COLS)}
    if "aligns_to" in sheet.cols:
        o_labels["aligns_to"] = column("okr", "aligns_to").label
    for oid, is_new, first, raw in objs:
        data = {**(old_o.get(oid) or {}), **raw}
        if "aligns_to" in sheet.cols:
            target = p.resolve(sheet, first, "aligns_to", statements, "key_result",
                               exclude=lambda i: p.krs[i].get("objective_id") == oid)
            if target is False:
                continue
            data["aligns_to"] = target
        p.objectives[oid] = {**p.objectives.get(oid, {}), "id": oid, "level": data.get("level"),
                             "aligns_to": data.get("aligns_to")}
        try:    # (the maps as they are now: this row's alignment is checked against the rows above it)
            clean = okr.clean_objective(data, year=p.year, objective_id=oid, objectives=p.objectives, krs=p.krs)
        except ValidationError as e:
            p.errors_from(sheet, first.n, e, field_cols(O_COLS) | {"aligns_to": "aligns_to"})
            continue
        p.objectives[oid].update(clean)
        if is_new:
            clean.update(workspace_id=p.wid, position=p.next_position("objective"))
        p.change(sheet, "objective", oid, clean["title"], first.n, clean, None if is_new else old_o[oid], o_labels)


def _key_results(p: Planner, sheet: Sheet, krs: list[tuple[int, bool, Row, dict, int]],
                 old_k: dict[int, dict]) -> None:
    """Pass 3: the KRs. A new KR takes its objective's owner and team where its own are blank."""
    k_labels = {**p.covered(sheet, K_COLS), "objective_id": "xl.col.objective_id"}
    for kid, is_new, r, kraw, oid in krs:
        base = old_k.get(kid) or {}
        if is_new:
            o = p.objectives.get(oid, {})
            base = {"owner": o.get("owner"), "team": o.get("team")}
            kraw = {k: v for k, v in kraw.items() if not (k in ("owner", "team") and blank(v))}
        data = {**base, **kraw}
        if not is_new and ("baseline" in kraw or "target" in kraw) and blank(kraw.get("direction")) \
                and base.get("direction") in ("up", "down"):
            data["direction"] = None      # a new baseline or target with the direction left empty: inferred again
        try:
            clean = okr.clean_key_result(data, year=p.year)
        except ValidationError as e:
            p.errors_from(sheet, r.n, e, field_cols(K_COLS))
            continue
        clean["objective_id"] = oid
        p.krs[kid].update(clean)
        if is_new:
            clean.update(workspace_id=p.wid, position=p.next_position("key_result"))
        p.change(sheet, "key_result", kid, clean["statement"], r.n, clean, None if is_new else old_k[kid], k_labels)
