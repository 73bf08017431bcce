"""What the importer sees in one file: format, encoding, sheets, tables, problems, or a clear refusal."""

from __future__ import annotations

import errno
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from klyngedesk.core.cpr import redact
from klyngedesk.core.ingest.cells import Ambiguous, CellError, Duration, ParsedColumn, Suppressed
from klyngedesk.core.ingest.html_reader import read_html
from klyngedesk.core.ingest.isolated import Parse
from klyngedesk.core.ingest.limits import (
    MAX_FILE_BYTES,
    check_columns,
    check_sheet_extents,
    check_text_cells,
    read_bounded,
)
from klyngedesk.core.ingest.privacy import (
    refuse_cpr_in_grid,
    refuse_cpr_in_name,
    refuse_cpr_in_package,
    refuse_cpr_in_sheet_names,
    refuse_cpr_in_text_outside,
    refuse_patient_data,
)
from klyngedesk.core.ingest.problems import (
    Cancelled,
    FileRefused,
    ImportCancelled,
    Problem,
    Progress,
    check_cancel,
)
from klyngedesk.core.ingest.sheet_reader import read_workbook, refuse_uncalculated
from klyngedesk.core.ingest.sniff import SPREADSHEET_EXTENSIONS, TEXT_EXTENSIONS, detect_format
from klyngedesk.core.ingest.tables import (
    Table,
    col_letter,
    file_convention,
    find_tables,
    fold,
    is_empty,
    is_standard,
)
from klyngedesk.core.ingest.text_reader import decode, read_text
from klyngedesk.core.logsetup import log_internal_error
from klyngedesk.core.records import bulk
from klyngedesk.i18n import current_language, tr

__all__ = ["MAX_FILE_BYTES", "FileReport", "cell_json", "inspect_file", "table_json"]
META_SHEET = "klyngedesk"
GUIDE_SHEETS = {"vejledning", "instructions"}   # a KlyngeDesk template's guide (templates.instructions): no data
_KEY_VALUE = re.compile(r"^\s*([A-Za-zÆØÅæøå][\w .æøåÆØÅ-]{1,30}?)\s*[:=]\s*(.+?)\s*$")


@dataclass
class FileReport:
    """Everything `inspect` says about a file; `tables` are ready for mapping."""

    path: Path
    status: str = "ok"  # "ok" | "refused"
    message: str | None = None
    refusal: FileRefused | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[dict] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    size: int = 0

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    @property
    def standard(self) -> bool:
        return any(is_standard(t.columns) for t in self.tables)

    def to_json(self, values: bool = False, lang: str | None = None) -> dict:
        """The `inspect --json` shape of ../shared/CLI.md (plus a few extra keys)."""
        return {
            "path": redact(str(self.path)), "status": self.status,
            "message": self.refusal.message(lang) if self.refusal else self.message,
            "format": self.format, "encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet,
            "tables": [table_json(t, values, lang) for t in self.tables],
            "problems": [p.to_json(None, lang) for p in self.problems],
            "sheets": [{**s, "name": redact(s["name"])} for s in self.sheets], "sha256": self.sha256, "standard_format": self.standard,
            "refusal": self.refusal.kind if self.refusal else None,
        }


def table_json(table: Table, values: bool = False, lang: str | None = None) -> dict:
    out: dict[str, object] = {"sheet": table.sheet, "header_row": table.header_row or None, "title": table.title,
           "columns": table.columns, "rows": table.n_rows,
           "excluded_rows": [{"row": r, "reason": tr(_REASONS.get(reason, reason), lang)}
                             for r, reason in table.excluded],
           "column_types": table.column_types,
           "first_data_row": table.row_numbers[0] if table.row_numbers else None}
    if values:
        out["values"] = [[cell_json(v) for v in row] for row in table.rows]
    return out


_REASONS = {"total": "totals row", "note": "note or source under the table", "repeated header": "repeated header"}


def cell_json(value):
    """A cell as CLI.md says: number, text, "YYYY-MM-DD", null, {"suppressed": ...} or {"error": ...}."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, Suppressed):
        return {"suppressed": value.text}
    if isinstance(value, CellError):
        return {"error": value.code}
    if isinstance(value, Ambiguous):
        return {"ambiguous": value.text, "readings": [cell_json(value.thousands), cell_json(value.decimal)]}
    if isinstance(value, Duration):
        return {"duration": value.iso(), "seconds": value.seconds}
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def inspect_file(path: str | Path, *, sheet: str | None = None, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> FileReport:
    """Read a file and find its tables; never raises for a bad file: the report says `refused` and why."""
    path = Path(path)
    report = FileReport(path)
    try:
        refuse_cpr_in_name(path)
        data = read_bounded(path)
        report.size = len(data)
        report.sha256 = hashlib.sha256(data).hexdigest()
        with bulk():   # a large sheet is a million cells: no collector walks over them while they are made
            _read(report, data, sheet, progress, cancelled)
    except FileRefused as refusal:
        report.status, report.refusal, report.tables, report.sheets = "refused", refusal, [], []
        report.format = report.format or _format_from_name(path)
        report.problems = [p for p in report.problems if p.severity == "warning" and not p.params]
        report.metadata = {}
    except OSError as exc:
        report.status, report.tables, report.sheets = "refused", [], []
        report.refusal = _unreadable(exc)
    except ImportCancelled:
        raise
    except Exception as exc:  # a bug in KlyngeDesk, not a bad file (the readers' own failures are refusals)
        log = log_internal_error("inspect", exc)
        report.status, report.tables, report.sheets, report.metadata = "refused", [], [], {}
        report.refusal = FileRefused("KlyngeDesk hit an internal error while reading this file; this is a fault "
                                     "in the program, not necessarily in the file. The details (without the "
                                     "file's contents) are in the log file {path}.", kind="internal",
                                     path=str(log))
    return report


def _format_from_name(path: Path) -> str:
    """What the name claims, for a file refused before its content told us ('csv' for text names)."""
    ext = path.suffix.lower()
    return SPREADSHEET_EXTENSIONS.get(ext) or ("csv" if ext in TEXT_EXTENSIONS else ext.lstrip(".") or "unknown")


def _read(report: FileReport, data: bytes, chosen: str | None, progress: Progress | None,
          cancelled: Cancelled | None) -> None:
    report.format = fmt = detect_format(report.path, data)
    check_cancel(cancelled)
    grids: list[tuple[str | None, list[list]]] = []
    if report.format == "csv":
        check_text_cells(data)
        text = read_text(data)
        report.encoding, report.delimiter = text.encoding, text.delimiter
        if text.had_nul:
            report.problems.append(Problem("warning", "The file contains NUL characters; they were removed."))
        check_columns(text.rows)
        refuse_cpr_in_grid([(None, text.rows)])
        grids.append((None, text.rows))
        report.sheets = []
    elif report.format == "html":
        check_text_cells(data)
        page, report.encoding = decode(data)
        rows, outside = read_html(page)
        check_columns(rows)
        refuse_cpr_in_grid([(None, rows)])
        refuse_cpr_in_text_outside(outside)
        grids.append((None, rows))
    else:
        sheet_xml = check_sheet_extents(data, fmt)  # the sheets' XML, inflated once for every scan
        with Parse(data, fmt) as parsing:  # calamine (never shown a file the guard refuses) parses in a child
            # while the XML is scanned here
            cpr_outside = _refusal(lambda: refuse_cpr_in_package(data, fmt, sheet_xml))
            sheets = read_workbook(data, fmt, sheet_xml, parsing)
        del sheet_xml
        refuse_cpr_in_sheet_names(s.name for s in sheets)
        refuse_cpr_in_grid((s.name, s.rows) for s in sheets)
        check_cancel(cancelled)
        if cpr_outside is not None:  # a CPR number outside the cells, said after those in the cells as before
            raise cpr_outside
        report.sheets = [{"name": s.name, "hidden": s.hidden, "empty": not any(map(any, s.rows)),
                          "hidden_rows": s.hidden_rows} for s in sheets]
        template = any(s.name.lower() == META_SHEET and s.hidden for s in sheets)
        for s in sheets:
            if s.name.lower() == META_SHEET and s.hidden:
                report.metadata.update(_meta_sheet(s.rows))
            elif template and chosen is None and s.name.lower() in GUIDE_SHEETS:
                continue   # its table of what to count names every measure ('Andel …' read as a share column)
            elif s.name == chosen or (chosen is None and not s.hidden):
                refuse_uncalculated(s)
                grids.append((s.name, s.rows))
                if s.hidden_rows:
                    report.problems.append(hidden_rows_warning(s.name, s.hidden_rows))
                if s.hidden_columns:
                    report.problems.append(Problem(
                        "warning", "Columns {columns} are hidden in the spreadsheet; they were read like the others. "
                        "Check that they belong to the data.",
                        {"columns": ", ".join(col_letter(c) for c in s.hidden_columns[:10])}, sheet=s.name))
        if chosen is not None and not grids:
            raise FileRefused("The file has no sheet named {sheet}.", kind="nosheet", sheet=chosen)
    if progress:
        progress(0.5)
    check_cancel(cancelled)
    convention = file_convention([g for _, g in grids])
    for name, rows in grids:
        tables = find_tables(rows, name, convention, delimiter=report.delimiter)
        refuse_patient_data(tables)
        if tables:
            first_header = min(t.header_row or t.row_numbers[0] for t in tables)
            for key, value in key_values(rows[:max(first_header - 1, 0)]).items():
                report.metadata.setdefault(key, value)
        report.tables += tables
        check_cancel(cancelled)
    if not report.tables:
        hidden = [s["name"] for s in report.sheets if s["hidden"] and not s["empty"] and s["name"].lower() != META_SHEET]
        if hidden and chosen is None:  # the data was hidden (or the visible sheet is only a cover)
            raise FileRefused("The file's only data is on hidden sheets ({sheets}); KlyngeDesk reads the visible "
                              "sheets. Show the sheet in the spreadsheet program, save, and import again.",
                              kind="empty", sheets=", ".join(redact(n) for n in hidden))
        raise FileRefused("The file contains no table with data.", kind="empty")
    report.sheet = report.tables[0].sheet
    if report.standard and all(_standard_unfilled(t) for t in report.tables if is_standard(t.columns)):
        raise FileRefused("The file contains no values: the template has not been filled in.", kind="empty")
    for table in report.tables:
        if table.overlong:
            report.problems.append(overlong_problem(table, report.delimiter or ";"))
        report.problems += _column_problems(table)
    if progress:
        progress(1.0)


OVERLONG_ROWS = ("More fields than the heading row has headings ({n}) in {rows}: a cell seems to hold a "
                 "'{delimiter}', the file's delimiter (several numbers such as 12{delimiter} 14, or a stray "
                 "separator), which splits the cell and moves every value after it one column to the right. "
                 "{where}Correct the cell (one number per cell, or its text in quotes), or give the extra column a "
                 "heading; nothing is imported from the file until then.")
SPLIT_IN = "The split cell is in the column {column}. "
SPLIT_AMONG = "The split cell is in one of the columns {first} to {last}. "
EVERY_ROW = "every data row ({rows})"
MAX_OVERLONG_SHOWN = 5


def overlong_problem(table: Table, delimiter: str) -> Problem:
    """One error for a text file's rows that reach past its headings, naming them (and the cell that seems
    split): imported as they are, their values would be stored under the wrong measures."""
    rows = table.overlong
    headings = sum(1 for c in table.columns if c not in table.unnamed)
    named = [f"{redact(name)[:40]} ({letter})" for name, letter in table.overlong_columns]
    where = (_Said(SPLIT_IN, column=named[0]) if len(named) == 1 else
             _Said(SPLIT_AMONG, first=named[0], last=named[-1]) if named else "")
    every = len(rows) == len(table.row_numbers) > 1
    shown = _Said(EVERY_ROW, rows=f"{rows[0][0]}–{rows[-1][0]}") if every else _RowsAndCells(rows)
    return Problem("error", OVERLONG_ROWS, {"rows": shown, "n": headings, "delimiter": delimiter, "where": where},
                   row=rows[0][0], sheet=table.sheet)


class _Said:
    """A sentence of a message, translated when the message is shown (in the language it is shown in)."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid, self.params = msgid, params

    def shown(self, lang: str | None = None) -> str:
        return tr(self.msgid, lang, **self.params)

    def __format__(self, spec: str) -> str:
        return self.shown()


class _RowsAndCells:
    """'række 2 (12; 14), række 5': rows with the cell that seems split, in the language shown."""

    def __init__(self, rows: list[tuple[int, str | None]]) -> None:
        self.rows = rows

    def shown(self, lang: str | None = None) -> str:
        shown = [tr("row {row}", lang, row=row) if cell is None else
                 tr("row {row} ({label})", lang, row=row, label=redact(cell))
                 for row, cell in self.rows[:MAX_OVERLONG_SHOWN]]
        more = len(self.rows) - len(shown)
        return ", ".join(shown) + (tr(" and {n} more", lang, n=more) if more > 0 else "")

    def __format__(self, spec: str) -> str:
        return self.shown()


def _refusal(check: Callable[[], None]) -> FileRefused | None:
    """The refusal `check` raises, kept to be raised in its turn (None when it passes)."""
    try:
        check()
    except FileRefused as refused:
        return refused
    return None


def hidden_rows_warning(sheet: str, rows: list[int]) -> Problem:
    """Rows hidden in the spreadsheet are read like the others; said, so that a hidden draft is noticed."""
    return Problem("warning", "{n} rows are hidden in the spreadsheet; they were read like the others. Check that "
                   "they belong to the data.", {"n": len(rows)}, row=rows[0], sheet=sheet)


def _standard_unfilled(table: Table) -> bool:
    value = next(c for c in table.columns if fold(c) == "vaerdi")
    return all(is_empty(v) for v in table.column(value))


def _column_problems(table: Table) -> list[Problem]:
    out = []
    for name in table.columns:
        col = table.parsed[name]
        if col.ambiguous:
            out.append(number_problem(col, name, table.sheet))
            if col.ambiguous == "file" and col.other_example:  # '1,234' beside '1.234': read the other way
                out.append(number_problem(replace(col, example=col.other_example), name, table.sheet))
        if col.odd_count:
            out += _odd_cells(table, name)
        if col.percent_over_100:
            out.append(Problem("warning", "{n} percentages are above 100.", {"n": col.percent_over_100},
                               column=name, sheet=table.sheet))
        if name in table.unnamed and table.header_row and name not in table.spilled():  # a split cell is said
            out.append(Problem("warning", "A column has values but no heading.", column=name, sheet=table.sheet))
    return out


_WHY = {"file": "the other numbers in the file", "delimiter": "the file's delimiter",
        "language": "the language of the headings", "column": "whole numbers without separators in the column",
        "column_groups": "whole numbers below 1000 beside them in the column",
        "standard": "the standard format, which writes decimals with a comma"}
MAX_CELL_PROBLEMS = 5


def number_problem(col: ParsedColumn, column: str, sheet: str | None) -> Problem:
    """What an ambiguous column means: both readings when the user must choose, the reading taken otherwise."""
    thousands, decimal = col.readings()
    mark = "." if col.example and "." in col.example else ","
    params = {"example": col.example or "?", "mark": mark, "thousands": NumberText(thousands),
              "decimal": NumberText(decimal)}
    if col.ambiguous == "open":
        return Problem("error", "Numbers such as {example} can be read as {thousands} ('{mark}' as thousands "
                       "separator) or as {decimal} ('{mark}' as decimal mark), and nothing in the file says which. "
                       "KlyngeDesk does not guess: choose the reading when importing in the window, or write the "
                       "column without thousands separators.", params, column=column, sheet=sheet)
    as_thousands = (mark == ".") == (col.convention == "da")
    params["value"] = params["thousands"] if as_thousands else params["decimal"]
    params["why"] = LazyText(*(_WHY[r] for r in col.reasons or ("file",)))
    msgid = ("Numbers such as {example} are read as {value} ('{mark}' as thousands separator), judging by {why}. "
             "Check the column." if as_thousands else
             "Numbers such as {example} are read as {value} ('{mark}' as decimal mark), judging by {why}. Check the "
             "column.")
    return Problem("warning", msgid, params, column=column, sheet=sheet)


def _odd_cells(table: Table, name: str) -> list[Problem]:
    col = table.parsed[name]
    rule = "1.234,5" if col.convention == "da" else "1,234.5"
    out = [Problem("warning", "The number {text} is not written like the rest of the column ({rule}); it was not "
                   "read.", {"text": str(col.values[i])[:40], "rule": rule}, row=table.row_numbers[i], column=name,
                   sheet=table.sheet) for i in col.odd[:MAX_CELL_PROBLEMS]]
    if col.odd_count > MAX_CELL_PROBLEMS:
        out.append(Problem("warning", "… and {n} more numbers in the column that cannot be read.",
                           {"n": col.odd_count - MAX_CELL_PROBLEMS}, column=name, sheet=table.sheet))
    return out


class NumberText:
    """A number in a message: no thousands separator, the language's decimal mark (2500, 2,5 / 2.5)."""

    def __init__(self, value: float | None) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return self.text(current_language())

    def text(self, lang: str) -> str:
        if self.value is None:
            return "?"
        shown = str(int(self.value)) if float(self.value).is_integer() else repr(float(self.value))
        return shown.replace(".", ",") if lang == "da" else shown


class LazyText:
    """Message fragments translated and joined ('a, b and c') when the message is shown."""

    def __init__(self, *msgids: str) -> None:
        self.msgids = msgids

    def __format__(self, spec: str) -> str:
        parts = [tr(m) for m in self.msgids]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + tr(" and ") + parts[-1]


def _meta_sheet(rows: list[list]) -> dict[str, str]:
    out = {}
    for row in rows:
        cells = [v for v in row if not is_empty(v)]
        if len(cells) >= 2:
            out[fold(str(cells[0])).rstrip(":")] = _text(cells[1])
    return out


def key_values(rows: list[list]) -> dict[str, str]:
    """'Ydernummer: 012345' in one cell, or 'Ydernummer:' and '012345' side by side, above the table."""
    out = {}
    for row in rows:
        cells = [v for v in row if not is_empty(v)]
        for i, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            m = _KEY_VALUE.match(cell)
            if m:
                out[fold(m.group(1))] = m.group(2)
            elif cell.strip().endswith(":") and i + 1 < len(cells):
                out[fold(cell.strip()[:-1])] = _text(cells[i + 1])
    return out


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unreadable(exc: OSError) -> FileRefused:
    """Why the operating system would not let us read the file, in our words (never the OS's English)."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return FileRefused("The file cannot be read: you do not have the rights to read it. Copy it to a folder "
                           "of your own, or ask for read access.", kind="unreadable")
    if exc.errno == errno.ENOENT:
        return FileRefused("The file cannot be read: it is no longer there (moved or deleted?).", kind="unreadable")
    return FileRefused("The file cannot be read (system error {code}). Check the disk or copy the file to "
                       "another folder and try again.", kind="unreadable",
                       code=errno.errorcode.get(exc.errno or 0, str(exc.errno)))
