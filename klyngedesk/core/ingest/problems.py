"""Refusals and problems found in a file, with where they are (file, sheet, row, column), translated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from klyngedesk.i18n import KlyngeError, tr

Severity = Literal["error", "warning"]
Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class Count(int):
    """A number in a message, written the reader's way when shown (1.999.990 in Danish, 1,999,990 in English)."""


def _shown(params: dict, lang: str | None) -> dict:
    from klyngedesk.core.formatting import format_number
    from klyngedesk.i18n import current_language

    lang = lang or current_language()
    return {k: format_number(v, 0, lang) if isinstance(v, Count) else v.shown(lang) if hasattr(v, "shown") else v
            for k, v in params.items()}   # a part of the message in words (`shown(lang)`) in its language


class FileRefused(KlyngeError):
    """The whole file is refused (encrypted, patient-level, damaged, ...); nothing from it is stored."""

    def __init__(self, msgid: str, /, *, kind: str, **params: Any) -> None:
        super().__init__(msgid, **params)
        self.kind = kind

    def message(self, lang: str | None = None) -> str:
        return tr(self.msgid, lang, **_shown(self.params, lang))


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
        return tr(self.msgid, lang, **_shown(self.params, lang))

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


MAX_PROBLEMS = 50  # per file: the first ones are shown, the rest are counted


class CappedProblems(list):
    """A problem list that keeps the first `limit` about single cells and only counts the rest (a broken
    file has millions); problems about the whole file or a column are always kept."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        super().__init__()
        self.limit, self.dropped, self.cells = limit, 0, 0

    def append(self, problem: Problem) -> None:
        if problem.row is None:
            super().append(problem)
        elif self.cells < self.limit:
            self.cells += 1
            super().append(problem)
        else:
            self.dropped += 1

    def finish(self) -> list[Problem]:
        return list(self) + ([more_problems(self.dropped)] if self.dropped else [])


def more_problems(n: int) -> Problem:
    return Problem("error", "... and {n} more problems in this file (only the first ones are shown).",
                   {"n": Count(n)})


def cap_problems(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """Problems about the file and its columns, the first `limit` about cells, and one line counting the rest."""
    marker = more_problems(0).msgid
    hidden = sum(int(p.params["n"]) for p in problems if p.msgid == marker)
    kept: list[Problem] = []
    cells = 0
    for p in problems:
        if p.msgid == marker:
            continue
        if p.row is not None:
            cells += 1
            if cells > limit:
                hidden += 1
                continue
        kept.append(p)
    return kept + ([more_problems(hidden)] if hidden else [])


def check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled("The import was cancelled.")
