"""Forms whose errors appear next to the field that caused them.

A Form namespaces widget keys, and `submit()` builds an on_click callback that
gathers the values, calls the core, and on ValidationError keeps each message
under its field; nothing is saved then, and nothing the user typed is lost.

An edit form is seeded with the database row it shows (`seed(values, row=row)`): that row is the
version the person edits, handed to the core's update as ``seen=form.seen()``, which refuses the save
when someone else changed the row since. Until the person types, the form follows such a change on
the next rerun; after a refusal their input stays, and "Show the saved version" drops it.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

import streamlit as st

from strategy_core.errors import ConflictError, ValidationError, WorkbenchError
from strategy_core.fields import removed_characters
from ui.state import flash, lang, tr


class Form:
    def __init__(self, key: str):
        self.key = key

    def k(self, field: str) -> str:
        return f"{self.key}__{field}"

    @property
    def _errors(self) -> dict[str, list[str]]:
        return st.session_state.setdefault(f"_err_{self.key}", {})

    def errors(self, field: str) -> None:
        """Render the messages for *field* right under its widget."""
        for msg in self._errors.get(field, []):
            st.markdown(f":red[⚠ {escape_md(msg)}]")

    def general_errors(self) -> None:
        for msg in self._errors.get("_general", []):
            st.error(msg, icon="⚠️")
        if st.session_state.get(f"_conflict_{self.key}"):
            st.button(tr("form.take_saved"), key=f"_take_saved_{self.key}", on_click=self.take_saved)

    def take_saved(self) -> None:
        """Drop what the person typed: the widgets show the row as saved now (after a refusal)."""
        for f in st.session_state.pop(f"_seed_{self.key}", {}):
            st.session_state.pop(self.k(f), None)
        for k in (f"_seen_{self.key}", f"_err_{self.key}", f"_conflict_{self.key}"):
            st.session_state.pop(k, None)

    def seen(self) -> dict[str, Any] | None:
        """The row as the person saw it when the form was filled (None: not an edit form)."""
        return st.session_state.get(f"_seen_{self.key}")

    def has_errors(self) -> bool:
        return any(self._errors.values())

    def value(self, field: str, default: Any = None) -> Any:
        return st.session_state.get(self.k(field), default)

    def seed(self, values: dict[str, Any], *, row: dict[str, Any] | None = None) -> None:
        """Put initial values into the widgets (only where the user has not typed yet). *row*: the
        database row the values show; kept as the version being edited (see the module docstring)."""
        if row is not None:
            seen_key, seed_key = f"_seen_{self.key}", f"_seed_{self.key}"
            old = st.session_state.get(seen_key)
            if old is not None and old != row:
                seeded = st.session_state.get(seed_key, {})
                typed = any(self.k(f) in st.session_state and st.session_state[self.k(f)] != v
                            for f, v in seeded.items())
                if not typed:             # someone else saved it: show theirs
                    for f in seeded:
                        st.session_state.pop(self.k(f), None)
                    old = None
            if old is None:
                st.session_state[seen_key] = dict(row)
                st.session_state[seed_key] = dict(values)
        for f, v in values.items():
            st.session_state.setdefault(self.k(f), v)

    def reset(self, fields: Iterable[str]) -> None:
        for f in fields:
            st.session_state.pop(self.k(f), None)
        st.session_state.pop(f"_err_{self.key}", None)

    def submit(self, action: Callable[[dict[str, Any]], Any], fields: Iterable[str], *,
               ok: str | None = None, clear: bool = False,
               then: Callable[[Any], None] | None = None) -> Callable[[], None]:
        fields = list(fields)

        def callback() -> None:
            values = {f: st.session_state.get(self.k(f)) for f in fields}
            errors: dict[str, list[str]] = {}
            try:
                result = action(values)
            except ValidationError as e:
                for fe in e.errors:
                    target = fe.field if fe.field in fields else "_general"
                    text = fe.text(lang()) if target != "_general" else f"{tr('field.' + fe.field)}: {fe.text(lang())}"
                    errors.setdefault(target, []).append(text)
                st.session_state[f"_err_{self.key}"] = errors
                return
            except WorkbenchError as e:
                st.session_state[f"_err_{self.key}"] = {"_general": [e.text(lang())]}
                if isinstance(e, ConflictError):
                    st.session_state[f"_conflict_{self.key}"] = True
                return
            st.session_state[f"_err_{self.key}"] = {}
            for f in fields:        # what the core took out of the text is said, never dropped silently
                chars = removed_characters(values[f])
                if chars:
                    flash(tr("form.removed_chars", field=tr("field." + f), chars=", ".join(chars)), icon="ℹ️")
            st.session_state.pop(f"_conflict_{self.key}", None)
            st.session_state.pop(f"_seen_{self.key}", None)     # the next seed takes the saved row
            if clear:
                for f in fields:
                    st.session_state.pop(self.k(f), None)
            if ok:
                flash(ok)
            if then:
                then(result)

        return callback


_MD_SPECIAL = "\\`*_{}[]<>()#+-.!|$~:"
# Streamlit's markdown turns bare addresses into links even when their characters are escaped
# (it finds them in the text after parsing): a word joiner (U+2060, invisible, no width) inside
# "https://", "www." and after "@" keeps them plain text
_AUTOLINK = re.compile(r"(?i)(?<![\w])(https?|ftp|mailto)(?=:)|(?<![\w.])(www)(?=\.)|(@)")


def escape_md(text: Any) -> str:
    """User text shown through st.markdown must not turn into markup, links or HTML."""
    s = "" if text is None else str(text)
    s = _AUTOLINK.sub(lambda m: m.group() + "\u2060", s)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)


def action_button(label: str, fn: Callable[[], Any], *, key: str, ok: str | None = None,
                  type: str = "secondary", help: str | None = None, disabled: bool = False) -> None:
    """A button that runs one core action; errors become a toast, not a traceback."""
    def callback() -> None:
        try:
            fn()
        except WorkbenchError as e:
            flash(e.text(lang()), icon="⚠️")
            return
        if ok:
            flash(ok)

    st.button(label, key=key, on_click=callback, type=type, help=help, disabled=disabled)


def reset_all_forms() -> None:
    """Forget every form's typed values, so widgets show the database again (after undo or a switch)."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and ("__" in key or key.startswith("_err_")):
            del st.session_state[key]


def undo_button(store, workspace_id: int, *, key: str, type: str = "secondary") -> None:
    """Undo the workspace's last change (named on the button); the forms then show the database again."""
    from ui.state import actor, last_undoable
    last = last_undoable(workspace_id)
    if last is None:
        return

    def _undo() -> None:
        store.undo(workspace_id, actor(), seen_txn=last["txn"])     # the change the button names, or nothing
        reset_all_forms()

    action_button(tr("sidebar.undo", action=tr("action." + last["action"])), _undo, key=key,
                  ok=tr("sidebar.undone"), type=type, help=tr("sidebar.undo_help"))


def save_and_delete(form: Form, fields: Iterable[str], *, save: Callable[[dict[str, Any]], Any],
                    delete: Callable[[], Any], save_key: str, delete_key: str, delete_label: str,
                    deleted: str) -> None:
    """The pair under every edit form: save through the core (errors under the fields) and move to the trash."""
    b1, b2 = st.columns(2)
    with b1:
        st.button(tr("common.save"), type="primary", key=save_key,
                  on_click=form.submit(save, fields, ok=tr("common.saved")))
    with b2:
        action_button(delete_label, delete, key=delete_key, ok=deleted, help=tr("common.delete_help"))
