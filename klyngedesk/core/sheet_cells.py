"""Text for spreadsheet cells (xlsx, ods, csv) that no spreadsheet can run as a formula (OWASP CSV injection).

Every writer of a sheet goes through this module: clinic names, topic titles from packages made
elsewhere and survey ideas end up in files sent to every clinic, and a cell such as
`=HYPERLINK("http://…"&A1)` or `=cmd|' /C calc'!A0` must arrive as the text it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

# OWASP: a cell starting with = + - @ tab or carriage return is read as a formula. Line feed and the
# full-width forms (which some spreadsheets and input methods turn into the ASCII ones) count as well.
TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# ... also when only spaces or quotes stand before the trigger (`  =1+1`, `"=1+1`, ` '=1+1`). A text that
# starts with the apostrophe itself is already text to every spreadsheet: that is the neutraliser.
_SKIPPABLE = frozenset(" \u00a0\u2007\u202f\u3000\"'\u201c\u201d\u2018\u2019")
QUOTE = "'"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take the text for a formula (or a DDE command)."""
    if text.startswith(QUOTE):
        return False
    for ch in text:
        if ch in TRIGGERS:
            return True
        if ch not in _SKIPPABLE:
            return False
    return False


def safe_cell(value: Any) -> Any:
    """The value to write into a cell: text that looks like a formula gets a leading apostrophe (OWASP),
    which every spreadsheet shows as text; numbers, dates and None are written as they are."""
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def restore_cell(value: Any) -> Any:
    """Undo `safe_cell` when KlyngeDesk reads back a sheet it wrote itself (its hidden key/value sheets)."""
    if isinstance(value, str) and value.startswith(QUOTE) and is_formula_like(value[1:]):
        return value[1:]
    return value


class _Sheet(Protocol):
    def append(self, iterable: Sequence[Any], /) -> None: ...


def append_row(sheet: _Sheet, values: Sequence[Any]) -> None:
    """Append one row to an openpyxl worksheet, every text cell neutralised."""
    sheet.append(safe_row(values))


def write_csv(path: str | Path, rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> Path:
    """A CSV file for Danish spreadsheets (UTF-8 with BOM, `;`): every field quoted, formula-like text
    neutralised, so a field can neither start a new cell nor run as a formula."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_ALL)
        for row in rows:
            writer.writerow(safe_row(row))
    return path
