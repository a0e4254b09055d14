"""Load the demo company (data/demo_company.json) as a workspace, in one transaction.

Everything goes through the same cleaning as user input, so the demo can never
hold data a user could not have typed. The onion keeps the method's arithmetic
slip (services: 200 × ¥1,665 ≠ ¥3,333,333): the checker must show it.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from strategy_core import okr, onion, workspace
from strategy_core.store.store import Store

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo_company.json"


def _text(value: Any, lang: str, year: int) -> Any:
    if isinstance(value, dict) and set(value) <= {"zh", "en"}:
        value = value[lang]
    if isinstance(value, str):
        return value.replace("{year}", str(year))
    return value


def _localise(d: dict[str, Any], lang: str, year: int) -> dict[str, Any]:
    return {k: _text(v, lang, year) for k, v in d.items() if k not in ("children", "key_results", "key")}


def load(store: Store, lang: str = "zh", year: int | None = None, actor: str | None = None) -> int:
    """Create the demo workspace; returns its id. Undo removes it whole."""
    year = year or dt.date.today().year
    spec = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    ws_row = workspace.clean({**_localise(spec["workspace"], lang, year), "year": year, "language": lang})
    with store.transaction(None, "demo.load", actor) as tx:
        wid = store.insert_workspace(tx, ws_row)
        keys: dict[str, int] = {}
        objectives: list[dict] = []
        krs: list[dict] = []
        for pos, o in enumerate(spec["objectives"]):
            data = _localise(o, lang, year)
            data["aligns_to"] = keys.get(o.get("aligns_to")) if o.get("aligns_to") else None
            row = okr.clean_objective(data, year=year, objective_id=None, objectives=objectives, krs=krs)
            oid = tx.insert("objective", {**row, "workspace_id": wid, "position": pos})
            objectives.append({**row, "id": oid})
            for kpos, k in enumerate(o["key_results"]):
                krow = okr.clean_key_result(_localise(k, lang, year), year=year)
                kid = tx.insert("key_result", {**krow, "workspace_id": wid, "objective_id": oid,
                                               "position": len(krs)})
                krs.append({**krow, "id": kid, "objective_id": oid})
                keys[k["key"]] = kid
        kr_ids = set(keys.values())
        counter = [0]

        def add(node: dict[str, Any], parent: int | None) -> None:
            data = _localise(node, lang, year)
            data["key_result_id"] = keys.get(node.get("key_result")) if node.get("key_result") else None
            row = onion.clean_node(data, is_root=parent is None, key_result_ids=kr_ids)
            nid = tx.insert("onion_node", {**row, "workspace_id": wid, "parent_id": parent, "position": counter[0]})
            counter[0] += 1
            for child in node.get("children", []):
                add(child, nid)

        add(spec["onion"], None)
    return wid
