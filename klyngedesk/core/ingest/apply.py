"""Turning a mapped table into values to store: clinic, measure and period resolved, each with provenance."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any, cast

from klyngedesk.core.ingest.cells import Ambiguous, CellError, Percent, SeveralNumbers, Suppressed
from klyngedesk.core.ingest.clinic_match import match_clinic, name_index, yder_index
from klyngedesk.core.ingest.context import LIST_SIZE, ImportContext
from klyngedesk.core.ingest.inspect import LazyText, NumberText, number_problem
from klyngedesk.core.ingest.mapping import Mapping
from klyngedesk.core.ingest.privacy import redact
from klyngedesk.core.ingest.problems import CappedProblems, Count, Problem
from klyngedesk.core.ingest.tables import Table, is_empty
from klyngedesk.core.ingest.units import share_mark
from klyngedesk.core.model import NewValue
from klyngedesk.core.store.value_columns import ValueColumns, pick
from klyngedesk.i18n import tr


@dataclass(frozen=True)
class Question:
    """Something the user must confirm (a fuzzy clinic or measure match, replacing earlier data)."""

    id: str
    msgid: str
    params: dict = field(default_factory=dict)


@dataclass
class Mapped:
    values: ValueColumns = field(default_factory=ValueColumns)
    list_sizes: list[NewValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    clinics: set[str] = field(default_factory=set)


def build_values(table: Table, mapping: Mapping, ctx: ImportContext, answers: dict[str, bool] | None = None,
                 accept_all: bool = False) -> Mapped:
    """Values for every data row; unknown clinics, measures and periods are errors naming them.

    Worked column by column: each distinct clinic, period and measure label is resolved once (in the order
    the rows first show it, so questions and messages come as a row-by-row reading gives them), a column of
    numbers becomes values in one step, and only the cells that are not plain numbers (suppressed, errors,
    text) are looked at one by one."""
    out = Mapped()
    out.problems = CappedProblems()
    answers = answers or {}
    sheet = table.sheet
    _confirm_measures(mapping, out, answers, accept_all)
    _check_value_columns(table, mapping, out, answers)
    doubled = refuse_doubled_measures(table, mapping, out)
    n, rns = table.n_rows, table.row_numbers
    unknown: dict[tuple[str, str], int] = {}
    # 1. The clinic of every row (rows naming no clinic at all are left out, as blank rows).
    if mapping.clinic is None:
        keys = list(zip(_column(table, mapping.yder_column, n), _column(table, mapping.name_column, n),
                        strict=True))
        cache: dict[tuple, str | None] = {}
        by_yder, by_name = yder_index(ctx.clinics), name_index(ctx.clinics)
        for key, i in _first_rows(keys, range(n)):
            if key != (None, None):
                cache[key] = _clinic(ctx, key[0], key[1], out, answers, accept_all, unknown, rns[i], by_yder,
                                     sheet, by_name)
        clinic_of: list[str | None] = list(map(cache.get, keys))
        live: Sequence[int] = range(n) if len(cache) == len(set(keys)) else \
            [i for i, k in enumerate(keys) if k != (None, None)]
    else:
        clinic_of, live = [mapping.clinic] * n, range(n)
    # 2. The period of every row.
    if mapping.period_column in table.parsed:
        labels = table.column(mapping.period_column)
        periods: dict[object, str | None] = {None: mapping.period}
        for label in dict.fromkeys(labels):
            if label not in periods:
                periods[label] = ctx.period_for(label)
        period_of = list(map(periods.__getitem__, labels))
        for label, i in _first_rows(labels, live, lambda x: periods[x] is None) if None in period_of else ():
            around = None if is_empty(label) else ctx.period_around(label)
            if around is not None:  # a month or a day inside a round: the value is not the round's
                out.problems.append(Problem("error", "The period {label} is a month or a day inside {period}, not "
                                            "the whole period; KlyngeDesk does not know whether the value is for "
                                            "the month or for {period}. Write {period} in the period column if "
                                            "the value is for the whole period.",
                                            {"label": redact(cell_text(label)), "period": around}, row=rns[i],
                                            sheet=sheet))
                continue
            missing = ("no_period", "") if is_empty(label) else ("period", redact(cell_text(label)))
            unknown.setdefault(missing, rns[i])
    else:
        period_of = [mapping.period] * n
    # 3. The measure of every row (a long table), else the measure of every value column (a wide one).
    pairs: list[tuple[str | None, str, str]]
    measure_of: list[str | None] | None = None
    if mapping.measure_column in table.parsed:
        labels = table.column(mapping.measure_column)
        measures: dict[object, str | None] = {}
        for label in dict.fromkeys(labels):
            measures[label] = None if label is None else \
                mapping.labels.get(cell_text(label)) or ctx.measure_for(cell_text(label))
        measure_of = list(map(measures.__getitem__, labels))
        unknown_measure = any(k is not None and m is None for k, m in measures.items())
        for label, i in _first_rows(labels, live, lambda x: x is not None and measures[x] is None) \
                if unknown_measure else ():
            unknown.setdefault(("measure", redact(cell_text(label))), rns[i])
        column = cast(str, mapping.value_column)
        pairs = [(None, column, _where(table, column))]
    else:
        pairs = [(m, c, _where(table, c)) for c, m in mapping.columns.items() if c not in doubled]
    if mapping.clinic is None and len(live) < n:
        _warn_rows_without_clinic(table, [i for i, k in enumerate(keys) if k == (None, None)],
                                  [c for _, c, _ in pairs], out)
    # 4. The cells of the rows whose clinic, period (and measure) are known.
    rows: Sequence[int] = live
    if None in clinic_of or None in period_of or (measure_of is not None and None in measure_of):
        rows = [i for i in live if clinic_of[i] is not None and period_of[i] is not None and
                (measure_of is None or measure_of[i] is not None)]
    parts = [_cells(table, column, rows, where, out, sheet) for _, column, where in pairs]
    merged = _merge(parts, len(pairs))
    pos, col_no = merged.pos, merged.col_no
    vals = ValueColumns(
        pick(cast("list[str]", clinic_of), pos), pick(cast("list[str]", measure_of), pos) if measure_of is not None
        else pick([cast(str, m) for m, _, _ in pairs], col_no), pick(cast("list[str]", period_of), pos),
        merged.value, merged.status, merged.source_text, [sheet] * len(pos), pick(rns, pos),
        pick([w for _, _, w in pairs], col_no))
    for _, problem in merged.problems:
        out.problems.append(problem)
    for (_, column, _), part in zip(pairs, parts, strict=True):
        if part.empty:  # said, never skipped silently: a blank, NA, null or NaN cell stores nothing
            out.problems.append(Problem("warning", EMPTY_CELLS, {"n": Count(part.empty)}, column=column,
                                        sheet=sheet))
    if LIST_SIZE in vals.measure:
        sizes = [i for i, m in enumerate(vals.measure) if m == LIST_SIZE]
        out.list_sizes = list(vals.take(sizes))
        vals = vals.take([i for i, m in enumerate(vals.measure) if m != LIST_SIZE])
        out.clinics.update(v.clinic for v in out.list_sizes)
    out.values = vals
    out.clinics.update(vals.clinic)
    _report_unknown(mapping, unknown, out, sheet)
    out.problems = out.problems.finish()
    return out


NO_PERIOD = ("The file does not say which period the values are for; choose the period (on the command line: "
             "--period).")
EMPTY_CELLS = ("{n} cells of the column are empty (blank, NA, null or NaN); nothing was stored for them. Fill them "
               "in the file if they should have a value.")


MAX_ROWS_SHOWN = 5
NO_CLINIC = ("Left out as rows without a clinic (the yder number and the name are empty), although they hold numbers: "
             "{rows}. If one of them is a clinic, write its yder number in the row; a total or a cell merged over "
             "several rows is often the cause.")


class RowLabels:
    """Rows, with their labels if any, in a message ('række 9 (I alt), række 12'), in the language shown."""

    def __init__(self, rows: list[tuple[int, str | None]]) -> None:
        self.rows = rows

    def __format__(self, spec: str) -> str:
        shown = [tr("row {row}", row=row) if label is None else
                 tr("row {row} ({label})", row=row, label=redact(label)[:40]) for row, label in
                 self.rows[:MAX_ROWS_SHOWN]]
        more = len(self.rows) - len(shown)
        return ", ".join(shown) + (tr(" and {n} more", n=more) if more > 0 else "")


def _warn_rows_without_clinic(table: Table, blank: list[int], columns: list[str], out: Mapped) -> None:
    """Rows naming no clinic are left out, but those holding numbers (an unlabelled sum row) are said, by row."""
    cells = [table.column(c) for c in dict.fromkeys(columns) if c in table.parsed]
    rows = [table.row_numbers[i] for i in blank if any(_holds_number(col[i]) for col in cells)]
    if rows:
        out.problems.append(Problem("warning", NO_CLINIC, {"rows": RowLabels([(r, None) for r in rows])},
                                    sheet=table.sheet))


def _holds_number(cell: object) -> bool:
    """A number as read, hidden (<5) or not yet read (2.500): not a text such as a unit or a note."""
    return isinstance(cell, (float, int, Suppressed, Ambiguous)) and not isinstance(cell, bool)


def _column(table: Table, name: str | None, n: int) -> list:
    return table.column(name) if name and name in table.parsed else [None] * n


def _where(table: Table, column: str) -> str:
    """A value's column as its provenance says it: the heading and the sheet column ('vaerdi (E)')."""
    return f"{column} ({table.letters[table.columns.index(column)]})"


def _first_rows(labels: list, rows: Iterable[int], wanted: Callable[[Any], bool] | None = None) \
        -> list[tuple[Any, int]]:
    """(label, first row index) of each distinct label among `rows`, in the order the rows first show them."""
    rows = rows if isinstance(rows, range) else list(rows)
    picked = labels if rows == range(len(labels)) else pick(labels, rows)
    first = dict(zip(reversed(picked), reversed(rows), strict=True))
    chosen = first.items() if wanted is None else [(k, i) for k, i in first.items() if wanted(k)]
    return sorted(chosen, key=itemgetter(1))


@dataclass
class _Cells:
    """One value column's values (by row index) and the messages its cells need, in row order."""

    pos: list[int]
    value: list[float | None]
    status: list[str]
    source_text: list[str | None]
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    col_no: list[int] = field(default_factory=list)
    empty: int = 0  # cells with nothing in them (blank, NA, null, NaN): no value stored


def _cells(table: Table, column: str, rows: Sequence[int], where: str, out: Mapped, sheet: str | None) -> _Cells:
    """The values of one column in the given rows: a column of plain numbers in one step; otherwise the cells
    that are not numbers are read one by one (suppressed and error cells stored as such, text refused)."""
    cells = table.column(column)
    picked = list(cells) if rows == range(len(cells)) else pick(cells, rows)
    raw = table.parsed[column].raw
    if set(map(type, picked)) <= {float}:
        texts: list[str | None] = [None] * len(rows)
        if picked and min(picked) < 0 and raw is not None:  # refused later, quoted as the clinic wrote it
            texts = [written(raw[i]) if v < 0 else None for i, v in zip(rows, picked, strict=True)]
        return _Cells(rows, picked, ["ok"] * len(rows), texts)  # type: ignore[arg-type]
    got = _Cells([], [], [], [])
    grouped = GroupedCells(table, column, sheet)
    for i, cell in zip(rows, picked, strict=True):
        if cell.__class__ is float:
            got.pos.append(i)
            got.value.append(cell)
            got.status.append("ok")
            got.source_text.append(written(raw[i]) if cell < 0 and raw is not None else None)
        elif cell is None:
            got.empty += 1
        elif isinstance(cell, Ambiguous):  # an unread column is reported once, above
            continue
        elif isinstance(cell, Percent):  # '25 %' (or 0,25 shown as 25 %) among counts: a share, not a count
            if table.parsed[column].ctype == "percent":
                continue  # a column of percentages is refused once, as a column
            got.problems.append((i, Problem("error", "The value {value} % is a percentage, but the measure is a "
                                            "count. Write the count (the number of patients) in the cell.",
                                            {"value": NumberText(float(cell))}, row=table.row_numbers[i],
                                            column=column, sheet=sheet)))
        elif isinstance(cell, (Suppressed, CellError)):
            status, text = ("suppressed", cell.text) if isinstance(cell, Suppressed) else ("missing", cell.code)
            got.pos.append(i)
            got.value.append(None)
            got.status.append(status)
            got.source_text.append(text)
        elif isinstance(cell, (date, SeveralNumbers)):  # one message per column and kind, naming the rows
            if (found := grouped.add(i, cell)) is not None:
                got.problems.append((i, found))
        else:
            shown = LazyText("TRUE" if cell else "FALSE") if isinstance(cell, bool) else redact(str(cell))[:40]
            got.problems.append((i, Problem("error", "The value {text} is not a number.", {"text": shown},
                                            row=table.row_numbers[i], column=column, sheet=sheet)))
    return got


DATE_IN_COUNTS = ("A date ({text}) stands where a count belongs, in {rows}; a count is a number of patients, not a "
                  "date. Excel may have turned the number into a date: format the cells as numbers and type the "
                  "counts again.")
SEVERAL_NUMBERS = ("A cell holds several numbers ({text}), in {rows}; a cell holds one count. Put each number in "
                   "the column (or row) of its own measure, or keep only the count that belongs there.")


def shown_date(value: date) -> str:
    """A date in a message as the clinic's spreadsheet shows it: 03-12-2026 (a time of day only if it has one)."""
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        return f"{value.day:02d}-{value.month:02d}-{value.year} {value.hour:02d}:{value.minute:02d}"
    if type(value) not in (date, datetime):  # a month or a year as the sheet shows it ('2026-07', '2026')
        return str(value)
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


class GroupedCells:
    """Cells of one column that are wrong the same way (dates, several numbers): one message for the column,
    at its first such cell, naming every row (a pasted column of dates is one problem, not one per row)."""

    def __init__(self, table: Table, column: str, sheet: str | None) -> None:
        self.table, self.column, self.sheet = table, column, sheet
        self.rows: dict[str, RowLabels] = {}

    def add(self, i: int, cell: object) -> Problem | None:
        """The column's message for this kind of cell the first time it is seen (later rows join its list);
        None for a cell that is not one of these kinds."""
        if isinstance(cell, date):
            kind, msgid, text = "date", DATE_IN_COUNTS, shown_date(cell)
        elif isinstance(cell, SeveralNumbers):
            kind, msgid, text = "several", SEVERAL_NUMBERS, redact(str(cell))[:40]
        else:
            return None
        row = self.table.row_numbers[i]
        if kind in self.rows:
            self.rows[kind].rows.append((row, None))
            return None
        self.rows[kind] = RowLabels([(row, None)])
        return Problem("error", msgid, {"text": text, "rows": self.rows[kind]}, row=row, column=self.column,
                       sheet=self.sheet)


def written(cell: object) -> str | None:
    """A negative number's cell as the clinic wrote it ('(12)', '12-', '- 7'), for the message refusing it;
    None for a number cell, whose value is what the spreadsheet shows."""
    return redact(cell.strip())[:40] if isinstance(cell, str) else None


def refuse_doubled_measures(table: Table, mapping: Mapping, out: Mapped) -> set[str]:
    """Two columns mapped to one measure (a key and a title heading, or a choice made twice in the window):
    one error naming both, never one per row; the columns after the first are returned to be left out."""
    by_measure: dict[str, list[str]] = {}
    for column, measure in mapping.columns.items():
        by_measure.setdefault(measure, []).append(column)
    doubled: set[str] = set()
    for measure, columns in by_measure.items():
        if len(columns) > 1:
            out.problems.append(Problem("error", DOUBLED_MEASURE, {
                "measure": measure, "columns": LazyList([_where(table, c) if c in table.columns else c
                                                         for c in columns])}, sheet=table.sheet))
            doubled.update(columns[1:])
    return doubled


DOUBLED_MEASURE = ("The columns {columns} hold the same measure, {measure}; KlyngeDesk does not choose between them. "
                   "Import only one of them (choose '— not imported —' for the others in the window), or delete the "
                   "extra columns in the file.")


class LazyList:
    """Names joined in the language shown ('A, B og C' / 'A, B and C')."""

    def __init__(self, items: list[str]) -> None:
        self.items = items

    def __format__(self, spec: str) -> str:
        if len(self.items) == 1:
            return self.items[0]
        return ", ".join(self.items[:-1]) + tr(" and ") + self.items[-1]


def _merge(parts: list[_Cells], width: int) -> _Cells:
    """The columns' values and messages in reading order: row by row, and within a row column by column."""
    if width == 1:
        part = parts[0]
        part.col_no = [0] * len(part.pos)
        return part
    order = sorted((i, j, k) for j, part in enumerate(parts) for k, i in enumerate(part.pos))
    problems = sorted(((i, j, p) for j, part in enumerate(parts) for i, p in part.problems),
                      key=itemgetter(0, 1))
    return _Cells([i for i, _, _ in order], [parts[j].value[k] for _, j, k in order],
                  [parts[j].status[k] for _, j, k in order], [parts[j].source_text[k] for _, j, k in order],
                  [(i, p) for i, _, p in problems], [j for _, j, _ in order])

def _report_unknown(mapping: Mapping, unknown: dict[tuple[str, str], int], out: Mapped, sheet: str | None) -> None:
    if mapping.period is None and not mapping.period_column:
        out.problems.append(Problem("error", NO_PERIOD, sheet=sheet))
    for (kind, label), rn in sorted(unknown.items(), key=lambda kv: kv[1]):
        msg = {"clinic": "Unknown clinic {label}: it is not in the cluster. Add it first; KlyngeDesk never "
                         "creates a clinic from a file.",
               "period": "Unknown period {label}. Add the period to the project or fix the file.",
               "no_period": "The period cell is empty (the row may be shorter than the others). Fill in the period "
                            "in the file.",
               "measure": "Unknown measure {label}. Use a measure key of the topic or map the label."}[kind]
        out.problems.append(Problem("error", msg, {"label": label}, row=rn, sheet=sheet))


def cell_text(value) -> str:
    """A cell as text in a message: 12.0 as '12', texts stripped."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _clinic(ctx: ImportContext, yder, name, out: Mapped, answers: dict[str, bool], accept_all: bool,
            unknown: dict, rn: int, by_yder: dict[str, str], sheet: str | None = None,
            by_name: dict[str, str] | None = None) -> str | None:
    match = match_clinic(ctx.clinics, yder, name, by_yder, by_name)
    if match.key is not None and match.exact:
        return match.key
    if match.key is not None:
        qid = f"clinic:{match.label}->{match.key}"
        if accept_all or answers.get(qid):
            return match.key
        if qid not in answers:
            out.questions.append(Question(qid, "Is {label} in the file the clinic {name}?",
                                          {"label": match.label, "name": match.candidate_name}))
            return None
    label = redact(" ".join(cell_text(x) for x in (yder, name) if x is not None))
    if match.conflict is not None:
        names = {c.key: c.name for c in ctx.clinics}
        by_number, named = match.conflict
        out.problems.append(Problem("error", "The yder number {yder} is clinic {clinic} ({name}), but the name "
                                    "{label} is clinic {other}: the row names two clinics. Correct the yder number "
                                    "or the name.", {"yder": match.label, "clinic": by_number,
                                                     "name": names[by_number], "label": redact(cell_text(name)),
                                                     "other": named}, row=rn, sheet=sheet))
        return None
    if match.candidates:
        out.problems.append(Problem("error", "The clinic {label} in the file could be any of {names}; KlyngeDesk "
                                    "does not choose. Write the clinic's yder number or its full name.",
                                    {"label": label, "names": ", ".join(match.candidates)}, row=rn,
                                    sheet=sheet))
        return None
    unknown.setdefault(("clinic", label), rn)
    return None


def _confirm_measures(mapping: Mapping, out: Mapped, answers: dict[str, bool], accept_all: bool) -> None:
    for col, measure in list(mapping.guessed.items()):
        qid = f"measure:{col}->{measure}"
        if accept_all or answers.get(qid):
            continue
        mapping.columns.pop(col, None)
        if qid not in answers:
            out.questions.append(Question(qid, "Does the column {column} hold the measure {measure}?",
                                          {"column": col, "measure": measure}))


def _check_value_columns(table: Table, mapping: Mapping, out: Mapped, answers: dict[str, bool]) -> None:
    cols = [mapping.value_column] if mapping.value_column else list(mapping.columns)
    for col in cols:
        parsed = table.parsed[col]
        if parsed.ambiguous == "open":
            choice = number_choice(table, col, answers)
            if choice is not None:
                parsed = table.parsed[col] = parsed.read_as(choice)
            else:  # never answered by --yes: the CLI refuses, the window asks
                out.problems.append(number_problem(parsed, col, table.sheet))
                out.questions += number_questions(table, col)
                continue
        if parsed.ctype == "percent":
            out.problems.append(Problem("error", "The column holds percentages, but the measure is a count. Import "
                                        "the counts (numerator and denominator) instead.", column=col,
                                        sheet=table.sheet))
        elif (mark := share_mark(col)) or (mark := share_mark(table.units.get(col))):
            msgid = SHARE_BY_HEADING if share_mark(col) else SHARE_BY_UNIT
            out.problems.append(Problem("error", msgid, {"mark": redact(mark)}, column=_where(table, col),
                                        sheet=table.sheet))


SHARE_BY_HEADING = ("The column holds shares (percentages) by its heading ('{mark}'), but the measure is a count. "
                    "Import the counts (numerator and denominator) instead.")
SHARE_BY_UNIT = ("The column holds shares (percentages) by the unit under its heading ('{mark}'), but the measure "
                 "is a count. Import the counts (numerator and denominator) instead.")


def number_questions(table: Table, col: str) -> list[Question]:
    """The two readings of an ambiguous column as questions for the import window (tick one)."""
    parsed = table.parsed[col]
    thousands, decimal = parsed.readings()
    mark = "." if parsed.example and "." in parsed.example else ","
    params = {"column": col, "example": parsed.example or "?", "mark": mark}
    base = f"numbers:{table.sheet or ''}:{col}"
    return [Question(f"{base}=thousands", "Column {column}: does {example} mean {value} ('{mark}' as thousands separator)?",
                     {**params, "value": NumberText(thousands)}),
            Question(f"{base}=decimal", "Column {column}: does {example} mean {value} ('{mark}' as decimal mark)?",
                     {**params, "value": NumberText(decimal)})]


def number_choice(table: Table, col: str, answers: dict[str, bool]) -> str | None:
    """The convention the user chose for an ambiguous column ('da' or 'en'), if exactly one reading was ticked."""
    base = f"numbers:{table.sheet or ''}:{col}"
    thousands, decimal = answers.get(f"{base}=thousands"), answers.get(f"{base}=decimal")
    if bool(thousands) == bool(decimal):
        return None
    parsed = table.parsed[col]
    dot = bool(parsed.example and "." in parsed.example)
    return ("da" if dot else "en") if thousands else ("en" if dot else "da")


def _value(cell, clinic: str, measure: str, period: str, sheet, row: int, col: str) -> NewValue:
    if isinstance(cell, Suppressed):
        return NewValue(clinic, measure, period, None, "suppressed", cell.text, sheet, row, col)
    return NewValue(clinic, measure, period, None, "missing", cell.code, sheet, row, col)  # a CellError
