"""The onion sheet: one row per line of the revenue onion, its parent by ID or by name. One root, no
loop of parents; the root's amount is the annual column, a child's the value column."""
from __future__ import annotations

from typing import Any

from strategy_core.errors import FieldError, ValidationError
from strategy_core.exchange.excel.importer.match import blank, column
from strategy_core.exchange.excel.importer.parse import Row, Sheet
from strategy_core.exchange.excel.importer.planner import Planner, field_cols, has_ids
from strategy_core.plan import onion

N_COLS = {"name": "name", "kind": "kind", "share": "share", "units": "units", "unit_price": "unit_price",
          "note": "note"}
Entry = tuple[int, bool, Row]          # (id, is_new, row)


def plan_sheet(p: Planner, sheet: Sheet) -> None:
    """Plan the onion sheet into *p*: every line checked as the onion form checks it, with one root and no loop of
    parents. Lines the sheet no longer lists by ID are removed; without IDs it only adds."""
    old = {n["id"]: n for n in onion.list_nodes(p.store, p.wid)}
    full = has_ids(sheet, "id")
    seen: dict[int, int] = {}
    entries: list[Entry] = []
    for r in sheet.rows:
        if blank(r.cells.get("name")) and blank(r.cells.get("id")):
            continue      # a consistency finding without a line of its own
        nid = p.ident(sheet, r, "id", old, "onion_node", seen) if "id" in sheet.cols else None
        if nid is False:
            continue
        entries.append((nid if nid is not None else p.temp_id(), nid is None, r))
    parent_of = _parents(p, sheet, entries, old, full)
    _check_tree(p, sheet, entries, parent_of)
    _lines(p, sheet, entries, old, parent_of)
    if full:
        kept = {nid for nid, _, _ in entries}
        for nid, n in old.items():
            if nid not in kept:
                p.remove("onion", "onion_node", n, n["name"])
    else:
        p.adds_only(sheet)


def _parents(p: Planner, sheet: Sheet, entries: list[Entry], old: dict[int, dict], full: bool) -> dict[int, int | None]:
    """Each line's parent: an id, or the name of a line (in this sheet, else in the workspace)."""
    names: dict[int, str] = {nid: r.cells.get("name") for nid, _, r in entries}
    if not full:
        names.update({i: n["name"] for i, n in old.items() if i not in names})
    parent_of: dict[int, int | None] = {}
    for nid, is_new, r in entries:
        raw = r.cells.get("parent") if "parent" in sheet.cols else (None if is_new else old[nid]["parent_id"])
        if blank(raw):
            parent_of[nid] = None
            continue
        pid: Any = None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) or str(raw).strip().isdigit():
            if not float(raw).is_integer():
                p.error(sheet, r.n, "parent", FieldError("parent", "xl.import.error.bad_id", {"value": str(raw)}))
                continue
            pid = int(float(raw))
            if pid not in names:
                p.error(sheet, r.n, "parent", FieldError("parent", "xl.import.error.unknown_id",
                                                         {"id": pid, "entity_key": "xl.entity.onion_node"}))
                continue
        else:
            pid = p.resolve(sheet, r, "parent", names, "onion_node")
            if pid is False:
                continue
        if pid == nid:
            p.error(sheet, r.n, "parent", FieldError("parent", "xl.import.error.own_parent", {}))
            continue
        parent_of[nid] = pid
    if not full:
        parent_of.update({i: n["parent_id"] for i, n in old.items() if i not in parent_of})
    return parent_of


def _check_tree(p: Planner, sheet: Sheet, entries: list[Entry], parent_of: dict[int, int | None]) -> None:
    """One root, and no loop of parents (a loop has no root above it)."""
    roots = [nid for nid, parent in parent_of.items() if parent is None]
    rows_of = {nid: r for nid, _, r in entries}
    for extra in roots[1:]:
        if extra in rows_of:
            p.error(sheet, rows_of[extra].n, "parent" if "parent" in sheet.cols else None,
                    FieldError("parent", "onion.error.root_exists", {}))
    for nid in parent_of:
        chain, cur = set(), nid
        while cur is not None and cur not in chain:
            chain.add(cur)
            cur = parent_of.get(cur)
        if cur is not None and nid in rows_of:
            p.error(sheet, rows_of[nid].n, "parent", FieldError("parent", "xl.import.error.parent_loop", {}))
            break


def _lines(p: Planner, sheet: Sheet, entries: list[Entry], old: dict[int, dict],
           parent_of: dict[int, int | None]) -> None:
    """Each line checked as the onion form checks it, and planned."""
    lang = p.lang_of(sheet)
    labels = p.covered(sheet, N_COLS)
    if "value" in sheet.cols or "annual" in sheet.cols:
        labels["amount"] = column("onion", "annual" if "annual" in sheet.cols else "value").label
    if "key_result" in sheet.cols:
        labels["key_result_id"] = column("onion", "key_result").label
    if "parent" in sheet.cols:
        labels["parent_id"] = column("onion", "parent").label
    statements = p.kr_texts()
    kr_ids = set(p.krs)
    for nid, is_new, r in entries:
        is_root = parent_of.get(nid) is None
        raw = p.values(r, N_COLS, sheet)
        if "kind" in sheet.cols:
            raw["kind"] = p.choice_col(sheet, r, "kind", lang)
        kind = raw.get("kind") if "kind" in raw else (old.get(nid) or {}).get("kind")
        if kind == "amount":
            src = "annual" if is_root else "value"
            if src in sheet.cols:
                raw["amount"] = r.cells.get(src)
        if "key_result" in sheet.cols:
            kr = p.resolve(sheet, r, "key_result", statements, "key_result")
            if kr is False:
                continue
            raw["key_result_id"] = kr
        try:
            clean = onion.clean_node({**(old.get(nid) or {}), **raw}, is_root=is_root, key_result_ids=kr_ids)
        except ValidationError as e:
            p.errors_from(sheet, r.n, e, {**field_cols(N_COLS), "amount": "annual" if is_root else "value",
                                          "key_result_id": "key_result"})
            continue
        clean["parent_id"] = parent_of.get(nid)
        if is_new:
            clean.update(workspace_id=p.wid, position=p.next_position("onion_node"))
        p.change(sheet, "onion_node", nid, clean["name"], r.n, clean, None if is_new else old[nid], labels)
