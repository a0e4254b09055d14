"""The scorecard sheet: one row per indicator, its linked KRs one statement per line of a cell. An
indicator missing from a sheet with IDs is removed with what deleting it on the scorecard page takes
along: its KR links, strategy-map links and readings."""
from __future__ import annotations

from strategy_core.errors import ValidationError
from strategy_core.exchange.excel.importer.match import COMPARATORS
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.plan import Change
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, filled, has_ids
from strategy_core.plan import bsc

I_COLS = {"perspective": "perspective", "name": "name", "unit": "unit", "comparator": "comparator",
          "target": "target", "band": "band", "frequency": "frequency", "owner": "owner",
          "data_source": "data_source"}


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the scorecard sheet into *p*: indicators checked as the scorecard form checks them, and their KR links as
    the cell lists them. Indicators the sheet no longer lists by ID are removed with their KR links, map links and
    readings; without IDs it only adds."""
    lang = p.lang_of(sheet)
    old = {i["id"]: i for i in bsc.list_indicators(p.store, p.wid)}
    links = p.store.rows("indicator_kr", p.wid)
    seen: dict[int, int] = {}
    kept: set[int] = set()
    labels = p.covered(sheet, I_COLS)
    perspectives = bsc.perspectives_of(p.ws)
    statements = p.kr_texts()
    for r in sheet.rows:
        if not filled(sheet, r, (*I_COLS, "id")):
            continue
        iid = p.ident(sheet, r, "id", old, "indicator", seen) if "id" in sheet.cols else None
        if iid is False:
            continue
        is_new = iid is None
        iid = iid if iid is not None else p.temp_id()
        kept.add(iid)
        raw = p.values(r, I_COLS, sheet)
        for c in ("perspective", "frequency"):
            if c in sheet.cols:
                raw[c] = p.choice_col(sheet, r, c, lang)
        if "comparator" in sheet.cols:
            raw["comparator"] = p.choice(sheet, r, "comparator", COMPARATORS, list(bsc.COMPARATOR_SYMBOL.values()))
        try:
            clean = bsc.clean_indicator({**(old.get(iid) or {}), **raw}, perspectives=perspectives)
        except ValidationError as e:
            p.errors_from(sheet, r.n, e, field_cols(I_COLS))
            continue
        p.indicators[iid] = {**p.indicators.get(iid, {}), **clean, "id": iid}
        if is_new:
            clean.update(workspace_id=p.wid, position=p.next_position("indicator"))
        p.change(sheet, "indicator", iid, clean["name"], r.n, clean, None if is_new else old[iid], labels)
        if "krs" in sheet.cols:
            _kr_links(p, sheet, r, iid, clean["name"], links, statements)
    if has_ids(sheet, "id"):
        _removed(p, {iid: i for iid, i in old.items() if iid not in kept}, links)
    else:
        p.adds_only(sheet)


def _kr_links(p: Planner, sheet: Sheet, r: Row, iid: int, name: str, links: list[dict],
              statements: dict[int, str]) -> None:
    """The KRs an indicator's cell lists (one statement per line) against the links it has."""
    want: set[int] = set()
    for line in str(r.cells.get("krs") or "").split("\n"):
        if line.strip():
            hit = p.resolve(sheet, Row(r.n, {"krs": line}), "krs", statements, "key_result")
            if hit is not None and hit is not False:
                want.add(hit)
    have = {lk["key_result_id"]: lk for lk in links        # (a link to a deleted KR is not shown)
            if lk["indicator_id"] == iid and lk["key_result_id"] in statements}
    for kid in sorted(want - set(have)):
        p.plan.changes.append(Change("add", "scorecard", "indicator_kr", p.temp_id(),
                                     f"{name} ↔ {statements.get(kid)}", r.n,
                                     {"workspace_id": p.wid, "indicator_id": iid, "key_result_id": kid}))
    for kid in sorted(set(have) - want):
        p.remove("scorecard", "indicator_kr", have[kid], f"{name} ↔ {statements.get(kid)}")


def _removed(p: Planner, removed: dict[int, dict], links: list[dict]) -> None:
    """Indicators the sheet no longer lists, with what deleting one on the scorecard page takes along."""
    if not removed:
        return
    smap = p.store.rows("strategy_link", p.wid)
    readings = p.store.rows("reading", p.wid)
    for iid, i in removed.items():
        p.indicators.pop(iid, None)
        p.remove("scorecard", "indicator", i, i["name"])
        for lk in links:
            if lk["indicator_id"] == iid:
                p.remove("scorecard", "indicator_kr", lk, i["name"])
        for lk in smap:
            if ("indicator", iid) in ((lk["cause_kind"], lk["cause_id"]), (lk["effect_kind"], lk["effect_id"])):
                p.remove("scorecard", "strategy_link", lk, i["name"])
        for rd in readings:
            if rd["indicator_id"] == iid:
                p.remove("scorecard", "reading", rd, f"{i['name']} · {rd['date']}")
