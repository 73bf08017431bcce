"""The importer's per-cell reader and per-value checks as they were before the columnar path (main at
3948828), kept as the reference the columnar code must match value for value and message for message."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from klyngedesk.core.ingest.apply import (
    GroupedCells,
    Mapped,
    _check_value_columns,
    _clinic,
    _confirm_measures,
    _report_unknown,
    _value,
    cell_text,
    refuse_doubled_measures,
    written,
)
from klyngedesk.core.ingest.cells import Ambiguous, CellError, SeveralNumbers, Suppressed
from klyngedesk.core.ingest.checks import DUPLICATE_CLINIC, RowPlaces, _counts, _patient_counts
from klyngedesk.core.ingest.clinic_match import yder_index
from klyngedesk.core.ingest.context import LIST_SIZE, ImportContext
from klyngedesk.core.ingest.inspect import LazyText
from klyngedesk.core.ingest.mapping import Mapping
from klyngedesk.core.ingest.privacy import redact
from klyngedesk.core.ingest.problems import CappedProblems, Count, Problem
from klyngedesk.core.ingest.tables import Table, is_empty
from klyngedesk.core.model import NewValue


def build_values_per_cell(table: Table, mapping: Mapping, ctx: ImportContext, answers: dict[str, bool] | None = None,
                 accept_all: bool = False) -> Mapped:
    """Values for every data row; unknown clinics, measures and periods are errors naming them."""
    out = Mapped()
    out.values = []  # type: ignore[assignment]
    out.problems = CappedProblems()
    answers = answers or {}
    sheet = table.sheet
    _confirm_measures(mapping, out, answers, accept_all)
    _check_value_columns(table, mapping, out, answers)
    doubled = refuse_doubled_measures(table, mapping, out)  # (added in s14: one message, not one per row)
    grouped = {c: GroupedCells(table, c, sheet) for c in table.columns}
    idx = {c: i for i, c in enumerate(table.columns)}
    labels = {c: f"{c} ({x})" for c, x in zip(table.columns, table.letters, strict=True)}
    yi, ni = idx.get(mapping.yder_column or ""), idx.get(mapping.name_column or "")
    pi, mi = idx.get(mapping.period_column or ""), idx.get(mapping.measure_column or "")
    wide = [(m, idx[c], labels[c], c) for c, m in mapping.columns.items() if c not in doubled]
    long_value = (idx[mapping.value_column], labels[mapping.value_column], mapping.value_column) \
        if mapping.value_column else None
    unknown: dict[tuple[str, str], int] = {}
    clinic_cache: dict[tuple, str | None] = {}
    measure_cache: dict[object, str | None] = {}
    period_cache: dict[object, str | None] = {None: mapping.period}
    by_yder = yder_index(ctx.clinics)
    values, sizes, clinics = out.values, out.list_sizes, out.clinics
    columns = [table.column(c) for c in table.columns]
    raws = [table.parsed[c].raw or [None] * table.n_rows for c in table.columns]
    for row, raw, rn in zip(zip(*columns, strict=True), zip(*raws, strict=True), table.row_numbers, strict=True):
        clinic = mapping.clinic
        if clinic is None:
            key = (row[yi] if yi is not None else None, row[ni] if ni is not None else None)
            if key == (None, None):
                continue
            if key not in clinic_cache:
                clinic_cache[key] = _clinic(ctx, *key, out, answers, accept_all, unknown, rn, by_yder, table.sheet)
            clinic = clinic_cache[key]
        period = mapping.period
        if pi is not None:
            label = row[pi]
            if label not in period_cache:
                period_cache[label] = ctx.period_for(label)
            period = period_cache[label]
            if period is None:
                missing = ("no_period", "") if is_empty(label) else ("period", redact(cell_text(label)))
                unknown.setdefault(missing, rn)
        pairs: Iterable[tuple[Any, ...]] = wide
        if mi is not None:
            label = row[mi]
            if label not in measure_cache:
                measure_cache[label] = None if label is None else \
                    mapping.labels.get(cell_text(label)) or ctx.measure_for(cell_text(label))
            measure = measure_cache[label]
            if measure is None:
                if label is not None:
                    unknown.setdefault(("measure", redact(cell_text(label))), rn)
                continue
            pairs = ((measure, *cast("tuple[Any, ...]", long_value)),)
        if clinic is None or period is None:
            continue
        for measure, ci, where, col in pairs:
            cell = row[ci]
            if cell.__class__ is float:  # the common case, kept fast for large files
                # s15: a negative written as text ('(12)') keeps its text, for the message refusing it
                value = NewValue(clinic, measure, period, cell, "ok", written(raw[ci]) if cell < 0 else None, sheet,
                                 rn, where)
            elif cell is None or isinstance(cell, Ambiguous):  # an unread column is reported once, above
                continue
            elif isinstance(cell, (Suppressed, CellError)):
                value = _value(cell, clinic, measure, period, sheet, rn, where)
            elif isinstance(cell, (date, SeveralNumbers)):  # one message per column (s14), rows listed in it
                found = grouped[col].add(table.row_numbers.index(rn), cell)
                if found is not None:
                    out.problems.append(found)
                continue
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


LIST_SIZE_PLAUSIBLE = (300, 25_000)
DRASTIC_FACTOR = 2.0
MAX_DRASTIC_WARNINGS = 25
DRASTIC_MIN_DIFF = 10
MAX_AGGREGATE = 10_000_000  # no clinic's count of anything reaches ten million


def check_values_per_value(values: list[NewValue], ctx: ImportContext, list_sizes: Sequence[NewValue] = ()) -> list[Problem]:
    problems = CappedProblems()
    seen: dict[tuple[str, str, str], NewValue] = {}
    # s15: a clinic repeated in a period is one message at its first repeated value, naming every measure's rows
    repeated: dict[tuple[str, str], dict[str, list[int | None]]] = {}
    repeated_cells: dict[tuple[str, str], list[NewValue]] = {}
    firsts: dict[tuple[str, str, str], NewValue] = {}
    for v in values:
        key = (v.clinic, v.measure, v.period)
        if key in firsts:
            rows = repeated.setdefault((v.clinic, v.period), {}).setdefault(v.measure, [firsts[key].row])
            if v.row not in rows:
                rows.append(v.row)
            repeated_cells.setdefault((v.clinic, v.period), []).extend([firsts[key], v])
        elif not (v.status == "ok" and v.value is not None and v.value > MAX_AGGREGATE):
            firsts[key] = v
    said: set[tuple[str, str]] = set()
    for v in values:
        key = (v.clinic, v.measure, v.period)
        if key in seen:
            if (v.clinic, v.period) not in said:
                said.add((v.clinic, v.period))
                columns = {c.col for c in repeated_cells[(v.clinic, v.period)]}
                problems.append(Problem("error", DUPLICATE_CLINIC, {
                    "clinic": v.clinic, "period": v.period, "places": RowPlaces(repeated[(v.clinic, v.period)])},
                    row=v.row, column=v.col if len(columns) == 1 else None, sheet=v.sheet))
            continue
        if v.status == "ok" and v.value is not None and v.value > MAX_AGGREGATE:
            problems.append(Problem("error", "The value is above {limit}, which no clinic's aggregated count "
                                    "reaches; check the cell (is it an identifier or a number written wrong?).",
                                    {"limit": Count(MAX_AGGREGATE)}, row=v.row, column=v.col, sheet=v.sheet))
            continue  # not compared with anything else: those messages would only repeat the odd number
        seen[key] = v
        if v.status == "ok" and v.value is not None and v.value < 0:
            if v.source_text and v.source_text != _num(v.value):  # s15: quoted as written
                problems.append(Problem("error", "A count cannot be negative: the cell holds '{text}', which reads "
                                        "as {value}.", {"text": v.source_text, "value": _num(v.value)},
                                        row=v.row, column=v.col, sheet=v.sheet))
            else:
                problems.append(Problem("error", "A count cannot be negative ({value}).", {"value": _num(v.value)},
                                        row=v.row, column=v.col, sheet=v.sheet))
        if v.status == "missing" and v.source_text:
            problems.append(Problem("warning", "The cell holds the spreadsheet error {error}; it is stored as "
                                    "missing.", {"error": v.source_text}, row=v.row, column=v.col, sheet=v.sheet))
    for found in (_list_sizes(list_sizes), _numerators(seen, ctx), _whole_patients(seen, ctx),
                  _above_list_size(seen, ctx, list_sizes)):
        for problem in found:
            problems.append(problem)
    drastic = _drastic(seen, ctx)
    for problem in drastic[:MAX_DRASTIC_WARNINGS]:
        problems.append(problem)
    if len(drastic) > MAX_DRASTIC_WARNINGS:
        problems.append(Problem("warning", "{n} more values changed drastically since the previous round.",
                                {"n": len(drastic) - MAX_DRASTIC_WARNINGS}))
    return problems.finish()


def _whole_patients(seen: dict[tuple[str, str, str], NewValue], ctx: ImportContext) -> list[Problem]:
    """A count of patients is a whole number: 100,5 is a typing or reading error, never stored."""
    patients, counts = _patient_counts(ctx), _counts(ctx)
    return [Problem("error", "{measure} counts patients, so it must be a whole number ({value})."
                    if measure in patients else "{measure} is a count, so it must be a whole number ({value}).",
                    {"measure": measure, "value": _num(v.value)}, row=v.row, column=v.col, sheet=v.sheet)
            for (_, measure, _), v in seen.items()
            if measure in counts and v.status == "ok" and v.value is not None and not float(v.value).is_integer()]


def _above_list_size(seen: dict[tuple[str, str, str], NewValue], ctx: ImportContext,
                     list_sizes: Sequence[NewValue]) -> list[Problem]:
    """A count of patients above the clinic's list size (from the file, else the project) is impossible."""
    sizes: dict[tuple[str, str], float | None] = dict(ctx.list_sizes)
    sizes.update({(v.clinic, v.period): v.value for v in list_sizes if v.status == "ok" and v.value})
    sizes = {k: v for k, v in sizes.items() if v is None or v > 0}  # s15: a negative one is refused on its own
    patients = _patient_counts(ctx)
    out = []
    for (clinic, measure, period), v in seen.items():
        size = sizes.get((clinic, period))
        if measure in patients and size and v.status == "ok" and v.value is not None and v.value > size:
            out.append(Problem("error", "{measure} ({value}) is larger than the list size of clinic {clinic} "
                               "({size}): a count of patients cannot exceed the patients on the list.",
                               {"measure": measure, "value": _num(v.value), "clinic": clinic, "size": _num(size)},
                               row=v.row, column=v.col, sheet=v.sheet))
    return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def _list_sizes(sizes: Sequence[NewValue]) -> list[Problem]:
    out, seen = [], set()
    low, high = LIST_SIZE_PLAUSIBLE
    for v in sizes:
        where: dict[str, Any] = {"row": v.row, "column": v.col, "sheet": v.sheet}
        if (v.clinic, v.period) in seen:
            out.append(Problem("error", "The list size of clinic {clinic} appears twice.", {"clinic": v.clinic}, **where))
        seen.add((v.clinic, v.period))
        if v.status != "ok" or v.value is None:
            out.append(Problem("error", "A list size must be a number, not suppressed or missing.", **where))
        elif v.value < 0 or not float(v.value).is_integer():
            if v.source_text and v.source_text != _num(v.value):  # s15: a negative quoted as written
                out.append(Problem("error", "A list size must be a whole number of patients: the cell holds "
                                   "'{text}', which reads as {value}.", {"text": v.source_text,
                                                                         "value": _num(v.value)}, **where))
            else:
                out.append(Problem("error", "A list size must be a whole number of patients ({value}).",
                                   {"value": _num(v.value)}, **where))
        elif v.value > MAX_AGGREGATE:
            out.append(Problem("error", "The value is above {limit}, which no clinic's aggregated count "
                               "reaches; check the cell (is it an identifier or a number written wrong?).",
                               {"limit": Count(MAX_AGGREGATE)}, **where))
        elif not low <= v.value <= high:
            out.append(Problem("warning", "The list size {value} of clinic {clinic} is implausible for a general "
                               "practice; check the number.", {"value": _num(v.value), "clinic": v.clinic}, **where))
    return out


def _numerators(seen: dict[tuple[str, str, str], NewValue], ctx: ImportContext) -> list[Problem]:
    out: list[Problem] = []
    denominators: dict[str, list[str]] = defaultdict(list)
    for ind in ctx.indicators:
        if ind.denominator_kind == "measure" and ind.denominator:
            denominators[ind.numerator].append(ind.denominator)
    if not denominators:
        return out
    for (clinic, measure, period), v in seen.items():
        if measure not in denominators or v.status != "ok" or v.value is None:
            continue
        for denominator in denominators[measure]:
            den = seen.get((clinic, denominator, period))
            den_value = den.value if den is not None and den.status == "ok" else \
                ctx.previous.get((clinic, denominator, period)) if den is None else None
            if den_value is not None and den_value >= 0 and v.value > den_value:  # s15: not below a negative
                out.append(Problem("error", "{numerator} ({value}) is larger than {denominator} ({total}) for clinic "
                                   "{clinic}.", {"numerator": measure, "value": _num(v.value),
                                                 "denominator": denominator, "total": _num(den_value),
                                                 "clinic": clinic}, row=v.row, column=v.col, sheet=v.sheet))
    return out


def _drastic(seen: dict[tuple[str, str, str], NewValue], ctx: ImportContext) -> list[Problem]:
    out: list[Problem] = []
    if not ctx.previous:
        return out
    by_period: dict[str, str | None] = defaultdict(lambda: None)
    for (clinic, measure, period), v in seen.items():
        if v.status != "ok" or v.value is None:
            continue
        if period not in by_period:
            by_period[period] = ctx.previous_period(period)
        before_period = by_period[period]
        before = ctx.previous.get((clinic, measure, before_period)) if before_period else None
        if before is None:
            continue
        low, high = sorted((before, v.value))
        if high - low >= DRASTIC_MIN_DIFF and (low == 0 or high / low >= DRASTIC_FACTOR):
            out.append(Problem("warning", "{measure} for clinic {clinic} changed from {before} to {value} since the "
                               "previous round; check the number.", {"measure": measure, "clinic": clinic,
                                                                      "before": _num(before), "value": _num(v.value)},
                               row=v.row, column=v.col, sheet=v.sheet))
    return out
