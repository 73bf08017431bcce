"""Turning a mapped table into values to store: clinic, measure and period resolved, each with provenance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from klyngedesk.core.ingest.cells import Ambiguous, CellError, Suppressed
from klyngedesk.core.ingest.clinic_match import match_clinic, yder_index
from klyngedesk.core.ingest.context import LIST_SIZE, ImportContext
from klyngedesk.core.ingest.inspect import LazyText, NumberText, number_problem
from klyngedesk.core.ingest.mapping import Mapping
from klyngedesk.core.ingest.privacy import redact
from klyngedesk.core.ingest.problems import CappedProblems, Problem
from klyngedesk.core.ingest.tables import Table, is_empty
from klyngedesk.core.model import NewValue


@dataclass(frozen=True)
class Question:
    """Something the user must confirm (a fuzzy clinic or measure match, replacing earlier data)."""

    id: str
    msgid: str
    params: dict = field(default_factory=dict)


@dataclass
class Mapped:
    values: list[NewValue] = field(default_factory=list)
    list_sizes: list[NewValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    clinics: set[str] = field(default_factory=set)


def build_values(table: Table, mapping: Mapping, ctx: ImportContext, answers: dict[str, bool] | None = None,
                 accept_all: bool = False) -> Mapped:
    """Values for every data row; unknown clinics, measures and periods are errors naming them."""
    out = Mapped()
    out.problems = CappedProblems()
    answers = answers or {}
    sheet = table.sheet
    _confirm_measures(mapping, out, answers, accept_all)
    _check_value_columns(table, mapping, out, answers)
    idx = {c: i for i, c in enumerate(table.columns)}
    labels = {c: f"{c} ({x})" for c, x in zip(table.columns, table.letters, strict=True)}
    yi, ni = idx.get(mapping.yder_column or ""), idx.get(mapping.name_column or "")
    pi, mi = idx.get(mapping.period_column or ""), idx.get(mapping.measure_column or "")
    wide = [(m, idx[c], labels[c], c) for c, m in mapping.columns.items()]
    long_value = (idx[mapping.value_column], labels[mapping.value_column], mapping.value_column) \
        if mapping.value_column else None
    unknown: dict[tuple[str, str], int] = {}
    clinic_cache: dict[tuple, str | None] = {}
    measure_cache: dict[object, str | None] = {}
    period_cache: dict[object, str | None] = {None: mapping.period}
    by_yder = yder_index(ctx.clinics)
    values, sizes, clinics = out.values, out.list_sizes, out.clinics
    columns = [table.column(c) for c in table.columns]
    for row, rn in zip(zip(*columns, strict=True), table.row_numbers, strict=True):
        clinic = mapping.clinic
        if clinic is None:
            key = (row[yi] if yi is not None else None, row[ni] if ni is not None else None)
            if key == (None, None):
                continue
            if key not in clinic_cache:
                clinic_cache[key] = _clinic(ctx, *key, out, answers, accept_all, unknown, rn, by_yder)
            clinic = clinic_cache[key]
        period = mapping.period
        if pi is not None:
            label = row[pi]
            if label not in period_cache:
                period_cache[label] = ctx.period_for(label)
            period = period_cache[label]
            if period is None:
                missing = ("no_period", "") if is_empty(label) else ("period", redact(_txt(label)))
                unknown.setdefault(missing, rn)
        pairs: Iterable[tuple[Any, ...]] = wide
        if mi is not None:
            label = row[mi]
            if label not in measure_cache:
                measure_cache[label] = None if label is None else \
                    mapping.labels.get(_txt(label)) or ctx.measure_for(_txt(label))
            measure = measure_cache[label]
            if measure is None:
                if label is not None:
                    unknown.setdefault(("measure", redact(_txt(label))), rn)
                continue
            pairs = ((measure, *cast("tuple[Any, ...]", long_value)),)
        if clinic is None or period is None:
            continue
        for measure, ci, where, col in pairs:
            cell = row[ci]
            if cell.__class__ is float:  # the common case, kept fast for large files
                value = NewValue(clinic, measure, period, cell, "ok", None, sheet, rn, where)
            elif cell is None or isinstance(cell, Ambiguous):  # an unread column is reported once, above
                continue
            elif isinstance(cell, (Suppressed, CellError)):
                value = _value(cell, clinic, measure, period, sheet, rn, where)
            else:
                shown = LazyText("TRUE" if cell else "FALSE") if isinstance(cell, bool) else redact(str(cell))[:40]
                out.problems.append(Problem("error", "The value {text} is not a number.",
                                            {"text": shown}, row=rn, column=col, sheet=sheet))
                continue
            (sizes if measure == LIST_SIZE else values).append(value)
            clinics.add(clinic)
    _report_unknown(mapping, unknown, out, sheet)
    out.problems = out.problems.finish()
    return out


def _report_unknown(mapping: Mapping, unknown: dict[tuple[str, str], int], out: Mapped, sheet: str | None) -> None:
    if mapping.period is None and not mapping.period_column:
        out.problems.append(Problem("error", "The file does not say which period the values are for; choose the "
                                    "period (on the command line: --period).", sheet=sheet))
    for (kind, label), rn in sorted(unknown.items(), key=lambda kv: kv[1]):
        msg = {"clinic": "Unknown clinic {label}: it is not in the cluster. Add it first; KlyngeDesk never "
                         "creates a clinic from a file.",
               "period": "Unknown period {label}. Add the period to the project or fix the file.",
               "no_period": "The period cell is empty (the row may be shorter than the others). Fill in the period "
                            "in the file.",
               "measure": "Unknown measure {label}. Use a measure key of the topic or map the label."}[kind]
        out.problems.append(Problem("error", msg, {"label": label}, row=rn, sheet=sheet))


def _txt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _clinic(ctx: ImportContext, yder, name, out: Mapped, answers: dict[str, bool], accept_all: bool,
            unknown: dict, rn: int, by_yder: dict[str, str]) -> str | None:
    match = match_clinic(ctx.clinics, yder, name, by_yder)
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
    label = redact(" ".join(_txt(x) for x in (yder, name) if x is not None))
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
