"""Errors the workbench raises on purpose, each with plain words for the user.

Every error carries a catalog key and parameters so a page, the CLI and a test
can show it in zh or en; none of them should ever surface as a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class WorkbenchError(Exception):
    """Base class: `key` is an i18n catalog key, `params` fill it in."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}" if params else key)

    def text(self, lang: str) -> str:
        from strategy_core.i18n import t
        return t(self.key, lang, **self.params)


class StoreOpenError(WorkbenchError):
    """The database file cannot be opened (locked, foreign, corrupt, too new)."""


class ConflictError(WorkbenchError):
    """Two sessions changed the same row at once; nothing was saved."""


class NotFoundError(WorkbenchError):
    """The entity does not exist (or is in the trash)."""


@dataclass(frozen=True)
class FieldError:
    """One refused field: its name, a catalog key and the key's parameters; ``text`` says it in a language."""
    field: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        from strategy_core.i18n import t
        params = {}
        for k, v in self.params.items():
            if isinstance(v, FieldError):
                params[k] = v.text(lang)           # a nested problem, e.g. the one in row 3 of a paste
            elif k.endswith("_key") and isinstance(v, str):
                params[k[:-4]] = t(v, lang)         # a parameter that is a catalog key (a column's name)
            elif isinstance(v, float) and v.is_integer():
                params[k] = int(v)                  # "got 11", not "got 11.0"
            else:
                params[k] = v
        return t(self.key, lang, **params)


class ValidationError(WorkbenchError):
    """Input refused. `errors` says which field is wrong and why; nothing was saved."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("error.validation", count=len(self.errors))

    def by_field(self) -> dict[str, list[FieldError]]:
        out: dict[str, list[FieldError]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e)
        return out

    def texts(self, lang: str) -> list[str]:
        from strategy_core.i18n import t
        return [f"{t('field.' + e.field, lang)}: {e.text(lang)}" for e in self.errors]
