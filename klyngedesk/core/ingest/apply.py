"""Turning a mapped table into values to store: clinic, measure and period resolved, each with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from klyngedesk.core.ingest.cells import CellError, Suppressed
from klyngedesk.core.ingest.clinic_match import match_clinic, yder_index
from klyngedesk.core.ingest.context import LIST_SIZE, ImportContext
from klyngedesk.core.ingest.mapping import Mapping
from klyngedesk.core.ingest.privacy import redact
from klyngedesk.core.ingest.problems import Problem
from klyngedesk.core.ingest.tables import Table
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
    answers = answers or {}
    sheet = table.sheet
    _confirm_measures(mapping, out, answers, accept_all)
    letters = dict(zip(table.columns, table.letters, strict=True))
    idx = {c: i for i, c in enumerate(table.columns)}
    _check_value_columns(table, mapping, out)
    unknown: dict[tuple[str, str], int] = {}
    clinic_cache: dict[tuple, str | None] = {}
    by_yder = yder_index(ctx.clinics)
    fixed_clinic = mapping.clinic
    measure_cache: dict[object, str | None] = {}
    col_labels = {c: f"{c} ({letters[c]})" for c in table.columns}
    clinics = out.clinics
    columns = [table.column(c) for c in table.columns]
    for row, rn in zip(zip(*columns, strict=True), table.row_numbers, strict=True):
        clinic = fixed_clinic
        if clinic is None:
            yder = row[idx[mapping.yder_column]] if mapping.yder_column else None
            name = row[idx[mapping.name_column]] if mapping.name_column else None
            if yder is None and name is None:
                continue
            ck = (yder, name)
            if ck not in clinic_cache:
                clinic_cache[ck] = _clinic(ctx, yder, name, out, answers, accept_all, unknown, rn, by_yder)
            clinic = clinic_cache[ck]
        period = mapping.period
        if mapping.period_column:
            label = row[idx[mapping.period_column]]
            period = ctx.period_for(label) if label is not None else mapping.period
            if period is None and label is not None:
                unknown.setdefault(("period", redact(_txt(label))), rn)
        if mapping.measure_column:
            label = row[idx[mapping.measure_column]]
            if label is None:
                continue
            if label not in measure_cache:
                measure_cache[label] = mapping.labels.get(_txt(label)) or ctx.measure_for(_txt(label))
            measure = measure_cache[label]
            if measure is None:
                unknown.setdefault(("measure", redact(_txt(label))), rn)
                continue
            pairs = [(measure, mapping.value_column)]
        else:
            pairs = [(m, c) for c, m in mapping.columns.items()]
        if clinic is None or period is None:
            continue
        for measure, col in pairs:
            cell = row[idx[col]]
            if cell.__class__ is float:  # the common case, kept fast for large files
                (out.list_sizes if measure == LIST_SIZE else out.values).append(
                    NewValue(clinic, measure, period, cell, "ok", None, sheet, rn, col_labels[col]))
                clinics.add(clinic)
                continue
            if cell is not None and not isinstance(cell, (Suppressed, CellError)):
                out.problems.append(Problem("error", "The value {text} is not a number.", {"text": redact(str(cell))[:40]},
                                            row=rn, column=col, sheet=sheet))
                continue
            value = _value(cell, clinic, measure, period, sheet, rn, col_labels[col])
            if value is not None:
                (out.list_sizes if measure == LIST_SIZE else out.values).append(value)
                clinics.add(clinic)
    if mapping.period is None and not mapping.period_column:
        out.problems.append(Problem("error", "The file does not say which period the values are for; choose a "
                                    "period (--period).", sheet=sheet))
    for (kind, label), rn in sorted(unknown.items(), key=lambda kv: kv[1]):
        msg = {"clinic": "Unknown clinic {label}: it is not in the cluster. Add it first; KlyngeDesk never "
                         "creates a clinic from a file.",
               "period": "Unknown period {label}. Add the period to the project or fix the file.",
               "measure": "Unknown measure {label}. Use a measure key of the topic or map the label."}[kind]
        out.problems.append(Problem("error", msg, {"label": label}, row=rn, sheet=sheet))
    return out


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


def _check_value_columns(table: Table, mapping: Mapping, out: Mapped) -> None:
    cols = [mapping.value_column] if mapping.value_column else list(mapping.columns)
    for col in cols:
        parsed = table.parsed[col]
        if parsed.ambiguous == "open":
            out.problems.append(Problem("error", "Numbers such as {example} could mean a thousand or a decimal "
                                        "number; fix the column in the file before importing.",
                                        {"example": parsed.example or "?"}, column=col, sheet=table.sheet))
        if parsed.ctype == "percent":
            out.problems.append(Problem("error", "The column holds percentages, but the measure is a count. Import "
                                        "the counts (numerator and denominator) instead.", column=col,
                                        sheet=table.sheet))


def _value(cell, clinic: str, measure: str, period: str, sheet, row: int, col: str) -> NewValue | None:
    if cell is None:
        return None
    if isinstance(cell, float):
        return NewValue(clinic, measure, period, cell, "ok", None, sheet, row, col)
    if isinstance(cell, Suppressed):
        return NewValue(clinic, measure, period, None, "suppressed", cell.text, sheet, row, col)
    if isinstance(cell, CellError):
        return NewValue(clinic, measure, period, None, "missing", cell.code, sheet, row, col)
    return None
