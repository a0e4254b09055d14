"""Table editors (st.data_editor): what the person changed, and a save button whose problems show
under the table. Every editable table of the workbench reads its edits through here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from strategy_core.errors import ValidationError, WorkbenchError
from ui import state
from ui.forms import escape_md


@dataclass(frozen=True)
class Edits:
    changed: dict[int, dict[str, Any]]   # row index (as shown) → the cells changed in it
    added: list[dict[str, Any]]          # new rows that hold at least one value
    deleted: list[int]                   # row indexes (as shown)


def edits(value: Any) -> Edits:
    """The edits a data editor keeps in session state (its key's value), as plain data."""
    value = value if isinstance(value, dict) else {}
    return Edits(changed={int(i): dict(ch) for i, ch in (value.get("edited_rows") or {}).items()},
                 added=[dict(r) for r in (value.get("added_rows") or [])
                        if any(v not in (None, "") for v in r.values())],
                 deleted=[int(i) for i in (value.get("deleted_rows") or [])])


def rows_after(base: list[dict[str, Any]], value: Any) -> list[dict[str, Any]]:
    """The editor's rows after the edits: *base* as shown, changed cells applied, deleted rows gone,
    added rows (even empty ones, for the caller's own rules) at the end."""
    e = edits(value)
    rows = [{**r, **e.changed.get(n, {})} for n, r in enumerate(base)]
    gone = set(e.deleted)
    added = [dict(r) for r in ((value or {}).get("added_rows") or [])] if isinstance(value, dict) else []
    return [r for n, r in enumerate(rows) if n not in gone] + added


def save_button(key: str, label: str, save: Callable[[Edits], int], ok: Callable[[int], str], *,
                primary: bool = False) -> None:
    """A button that saves the editor *key*'s edits through *save* (all or nothing, returning how many
    rows it wrote); each problem is listed under the table, the edits are kept until they are saved."""
    errors_key = f"_err_{key}"

    def _save() -> None:
        try:
            n = save(edits(st.session_state.get(key)))
        except ValidationError as e:
            st.session_state[errors_key] = [fe.text(state.lang()) for fe in e.errors]
            return
        except WorkbenchError as e:
            st.session_state[errors_key] = [e.text(state.lang())]
            return
        st.session_state[errors_key] = []
        st.session_state.pop(key, None)
        state.flash(ok(n))

    for msg in st.session_state.get(errors_key, []):
        st.markdown(f":red[⚠ {escape_md(msg)}]")
    st.button(label, key=f"{key}_save", on_click=_save, type="primary" if primary else "secondary")
