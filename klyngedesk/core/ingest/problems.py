"""Refusals and problems found in a file, with where they are (file, sheet, row, column), translated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from klyngedesk.i18n import KlyngeError, tr

Severity = Literal["error", "warning"]
Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class FileRefused(KlyngeError):
    """The whole file is refused (encrypted, patient-level, damaged, ...); nothing from it is stored."""

    def __init__(self, msgid: str, /, *, kind: str, **params: Any) -> None:
        super().__init__(msgid, **params)
        self.kind = kind


class ImportCancelled(KlyngeError):
    """The user pressed cancel while a file was being read."""


@dataclass(frozen=True)
class Problem:
    """One finding: an error stops the import of the file, a warning is shown and the import goes on."""

    severity: Severity
    msgid: str
    params: dict = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def text(self, lang: str | None = None) -> str:
        return tr(self.msgid, lang, **self.params)

    def message(self, file: str | None = None, lang: str | None = None) -> str:
        """The text prefixed with where it is: file, sheet, row, column (those that are known)."""
        parts = [file] if file else []
        if self.sheet:
            parts.append(tr("sheet {sheet}", lang, sheet=self.sheet))
        if self.row:
            parts.append(tr("row {row}", lang, row=self.row))
        if self.column:
            parts.append(tr("column {column}", lang, column=self.column))
        where = ", ".join(parts)
        return f"{where}: {self.text(lang)}" if where else self.text(lang)

    def to_json(self, file: str | None = None, lang: str | None = None) -> dict:
        return {"severity": self.severity, "message": self.message(file, lang), "row": self.row,
                "column": self.column}


def check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled("The import was cancelled.")
