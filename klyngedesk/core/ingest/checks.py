"""Checks on the values of one file before they are stored: errors stop the file, warnings are shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from klyngedesk.core.ingest.context import ImportContext
from klyngedesk.core.ingest.problems import CappedProblems, Count, Problem
from klyngedesk.core.model import NewValue

LIST_SIZE_PLAUSIBLE = (300, 25_000)
DRASTIC_FACTOR = 2.0
MAX_DRASTIC_WARNINGS = 25
DRASTIC_MIN_DIFF = 10
MAX_AGGREGATE = 10_000_000  # no clinic's count of anything reaches ten million


def check_values(values: list[NewValue], ctx: ImportContext, list_sizes: Sequence[NewValue] = ()) -> list[Problem]:
    problems = CappedProblems()
    seen: dict[tuple[str, str, str], NewValue] = {}
    for v in values:
        key = (v.clinic, v.measure, v.period)
        if key in seen:
            first = seen[key]
            problems.append(Problem("error", "The clinic {clinic} appears twice for {measure} in {period} (also in "
                                    "row {other}).", {"clinic": v.clinic, "measure": v.measure, "period": v.period,
                                                      "other": first.row}, row=v.row, column=v.col, sheet=v.sheet))
            continue
        if v.status == "ok" and v.value is not None and v.value > MAX_AGGREGATE:
            problems.append(Problem("error", "The value is above {limit}, which no clinic's aggregated count "
                                    "reaches; check the cell (is it an identifier or a number written wrong?).",
                                    {"limit": Count(MAX_AGGREGATE)}, row=v.row, column=v.col, sheet=v.sheet))
            continue  # not compared with anything else: those messages would only repeat the odd number
        seen[key] = v
        if v.status == "ok" and v.value is not None and v.value < 0:
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


def _patient_counts(ctx: ImportContext) -> set[str]:
    """Measures that count patients: denominators of an indicator, numerators of a share of patients."""
    out = set()
    for ind in ctx.indicators:
        if ind.denominator_kind == "measure" and ind.denominator:
            out.add(ind.denominator)
            if ind.unit == "percent":
                out.add(ind.numerator)
        elif ind.denominator_kind == "list_size" and ind.unit == "percent":
            out.add(ind.numerator)
    return out


def _whole_patients(seen: dict[tuple[str, str, str], NewValue], ctx: ImportContext) -> list[Problem]:
    """A count of patients is a whole number: 100,5 is a typing or reading error, never stored."""
    patients = _patient_counts(ctx)
    return [Problem("error", "{measure} counts patients, so it must be a whole number ({value}).",
                    {"measure": measure, "value": _num(v.value)}, row=v.row, column=v.col, sheet=v.sheet)
            for (_, measure, _), v in seen.items()
            if measure in patients and v.status == "ok" and v.value is not None and not float(v.value).is_integer()]


def _above_list_size(seen: dict[tuple[str, str, str], NewValue], ctx: ImportContext,
                     list_sizes: Sequence[NewValue]) -> list[Problem]:
    """A count of patients above the clinic's list size (from the file, else the project) is impossible."""
    sizes: dict[tuple[str, str], float | None] = dict(ctx.list_sizes)
    sizes.update({(v.clinic, v.period): v.value for v in list_sizes if v.status == "ok" and v.value})
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
            if den_value is not None and v.value > den_value:
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
