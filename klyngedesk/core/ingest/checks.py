"""Checks on the values of one file before they are stored: errors stop the file, warnings are shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import compress, repeat
from operator import and_, is_not, itemgetter
from typing import Any, cast

from klyngedesk.core.ingest.context import ImportContext
from klyngedesk.core.ingest.problems import CappedProblems, Count, Problem
from klyngedesk.core.model import NewValue
from klyngedesk.core.store.value_columns import ValueColumns, pick
from klyngedesk.i18n import tr

LIST_SIZE_PLAUSIBLE = (300, 25_000)
DRASTIC_FACTOR = 2.0
MAX_DRASTIC_WARNINGS = 25
DRASTIC_MIN_DIFF = 10
MAX_AGGREGATE = 10_000_000  # no clinic's count of anything reaches ten million


def check_values(values: Sequence[NewValue], ctx: ImportContext, list_sizes: Sequence[NewValue] = ()) -> list[Problem]:
    """Errors and warnings for a file's values, worked over whole columns: each check picks the values it
    is about in one pass, and only those get a message (in the order a value-by-value reading gives them)."""
    cols = ValueColumns.of(values)
    problems = CappedProblems()
    n = len(cols)
    keys = cols.keys()
    plain = cols.status.count("ok") == n and None not in cols.value  # every value a number (a region's file)
    nums = cols.value if plain else [v if s == "ok" else None for v, s in zip(cols.value, cols.status, strict=True)]
    first: dict[tuple[str, str, str], int]
    if plain and max(cast("list[float]", nums), default=0) <= MAX_AGGREGATE:
        big = None  # no absurd number: each key's first value is the one compared
        first = dict(zip(reversed(keys), range(n - 1, -1, -1), strict=True))
    else:
        big = [v is not None and v > MAX_AGGREGATE for v in nums]
        first = dict(zip(reversed([k for k, b in zip(keys, big, strict=True) if not b]),
                         reversed([i for i, b in enumerate(big) if not b]), strict=True))
    # A value is compared with the others when it is the first of its clinic, measure and period that is not
    # an absurd number; a later one of the same key is a duplicate (an absurd one is reported on its own).
    if big is None and len(first) == n:
        first_of: list[int] = range(n)  # type: ignore[assignment]
        seen: list[int] = first_of
        flagged: list[int] = []
    else:
        first_of = list(map(first.get, keys, repeat(n)))
        seen = [i for i in range(n) if first_of[i] == i]
        flagged = [i for i in range(n) if first_of[i] != i and (first_of[i] < i or (big is not None and big[i]))]
    if not plain or min(cast("list[float]", nums), default=0) < 0:
        flagged += [i for i in seen if (nums[i] is not None and nums[i] < 0) or  # type: ignore[operator]
                    (cols.status[i] == "missing" and cols.source_text[i])]
    twice = _duplicates(cols, keys, [i for i in flagged if first_of[i] < i], first_of)
    for i in sorted(flagged):
        where: dict[str, Any] = {"row": cols.row[i], "column": cols.col[i], "sheet": cols.sheet[i]}
        if first_of[i] < i:
            if i in twice:  # one message for the clinic, at its first repeated value; its other repeats are in it
                problems.append(twice[i])
        elif big is not None and big[i]:
            problems.append(Problem("error", "The value is above {limit}, which no clinic's aggregated count "
                                    "reaches; check the cell (is it an identifier or a number written wrong?).",
                                    {"limit": Count(MAX_AGGREGATE)}, **where))
        else:
            value = nums[i]
            if value is not None and value < 0:
                written = cols.source_text[i]
                if written and written != _num(value):  # '(12)', '12-': quoted as written, and how it was read
                    problems.append(Problem("error", "A count cannot be negative: the cell holds '{text}', which "
                                            "reads as {value}.", {"text": written, "value": _num(value)}, **where))
                else:
                    problems.append(Problem("error", "A count cannot be negative ({value}).",
                                            {"value": _num(value)}, **where))
            if cols.status[i] == "missing" and cols.source_text[i]:
                problems.append(Problem("warning", "The cell holds the spreadsheet error {error}; it is stored as "
                                        "missing.", {"error": cols.source_text[i]}, **where))
    checked = _Seen(cols, seen, nums, first)
    for found in (_list_sizes(list_sizes), _numerators(checked, ctx), _whole_patients(checked, ctx),
                  _above_list_size(checked, ctx, list_sizes)):
        for problem in found:
            problems.append(problem)
    drastic = _drastic(checked, ctx)
    for problem in drastic[:MAX_DRASTIC_WARNINGS]:
        problems.append(problem)
    if len(drastic) > MAX_DRASTIC_WARNINGS:
        problems.append(Problem("warning", "{n} more values changed drastically since the previous round.",
                                {"n": len(drastic) - MAX_DRASTIC_WARNINGS}))
    return problems.finish()


DUPLICATE_CLINIC = ("The clinic {clinic} appears more than once for {period}: {places}. A clinic has one value per "
                    "measure and period: delete the extra rows, or correct the clinic in them.")
MAX_PLACES_SHOWN = 4


def _duplicates(cols: ValueColumns, keys: list[tuple[str, str, str]], repeats: list[int],
                first_of: list[int]) -> dict[int, Problem]:
    """One message per clinic and period that is repeated (a row pasted twice, one yder number under two names),
    naming its measures and the rows each stands in, keyed by the position of its first repeated value."""
    rows: dict[tuple[str, str], dict[str, list[int | None]]] = {}
    firsts: dict[tuple[str, str], list[int]] = {}
    for i in repeats:
        clinic, measure, period = keys[i]
        by_measure = rows.setdefault((clinic, period), {})
        at = by_measure.setdefault(measure, [cols.row[first_of[i]]])
        if cols.row[i] not in at:
            at.append(cols.row[i])
        firsts.setdefault((clinic, period), []).append(i)
    out = {}
    for (clinic, period), by_measure in rows.items():
        positions = firsts[(clinic, period)]
        first = min(positions)
        columns = {cols.col[i] for i in positions} | {cols.col[first_of[i]] for i in positions}
        out[first] = Problem("error", DUPLICATE_CLINIC,
                             {"clinic": clinic, "period": period, "places": RowPlaces(by_measure)},
                             row=cols.row[first], column=cols.col[first] if len(columns) == 1 else None,
                             sheet=cols.sheet[first])
    return out


class RowPlaces:
    """Measures and the rows each stands in ('kol_patienter og kol_lfu i række 2 og 5'), measures sharing
    their rows said together, in the language shown."""

    def __init__(self, by_measure: dict[str, list[int | None]]) -> None:
        grouped: dict[tuple[int | None, ...], list[str]] = {}
        for measure, rows in by_measure.items():
            grouped.setdefault(tuple(rows), []).append(measure)
        self.places = [(measures, rows) for rows, measures in grouped.items()]

    def __format__(self, spec: str) -> str:
        shown = [tr("{measures} in rows {rows}", measures=_joined(measures, 6), rows=_joined(
            [str(r) for r in rows if r is not None], 8)) for measures, rows in self.places[:MAX_PLACES_SHOWN]]
        more = len(self.places) - len(shown)
        return "; ".join(shown) + (tr(" and {n} more", n=more) if more > 0 else "")


def _joined(items: Sequence[str], limit: int) -> str:
    """'a, b og c' (the language's 'and'), the first `limit` and how many more."""
    if not items:
        return "?"
    if len(items) > limit:
        return ", ".join(items[:limit]) + tr(" and {n} more", n=len(items) - limit)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + tr(" and ") + items[-1]


class _Seen:
    """The values the checks compare (the first of each key), as columns in file order."""

    def __init__(self, cols: ValueColumns, positions: Sequence[int], nums: list[float | None],
                 first: dict[tuple[str, str, str], int]) -> None:
        self.cols, self.positions, self.nums = cols, positions, nums  # nums: each value's number, if "ok"
        self.by_key = first  # (clinic, measure, period) -> position of the value compared
        if len(positions) == len(cols):  # no duplicates: the file's own columns
            self.clinic, self.measure, self.period, self.num = cols.clinic, cols.measure, cols.period, nums
            return
        self.clinic = list(map(cols.clinic.__getitem__, positions))
        self.measure = list(map(cols.measure.__getitem__, positions))
        self.period = list(map(cols.period.__getitem__, positions))
        self.num = list(map(nums.__getitem__, positions))  # the number, when the value is one ("ok")

    def where(self, k: int) -> dict[str, Any]:
        i = self.positions[k]
        return {"row": self.cols.row[i], "column": self.cols.col[i], "sheet": self.cols.sheet[i]}

    def picked(self, measures: set[str]) -> list[int]:
        """Indexes (into the seen values) of the numbers of these measures (picked in C, no loop here)."""
        wanted = map(and_, map(measures.__contains__, self.measure), map(is_not, self.num, repeat(None)))
        return list(compress(range(len(self.measure)), wanted))


def _counts(ctx: ImportContext) -> set[str]:
    """Measures an indicator counts with: its numerator and a measure as its denominator (patients, users,
    prescriptions; every interval of them is one of counts)."""
    return {m for ind in ctx.indicators
            for m in (ind.numerator, ind.denominator if ind.denominator_kind == "measure" else None) if m}


def _patient_counts(ctx: ImportContext) -> set[str]:
    """Measures that count patients: denominators of an indicator, numerators of a share of patients. Not the
    numerator of a rate per year: that counts events (prescriptions, contacts), which a clinic can have more of
    than patients on its list (a region's antibiotic prescriptions were refused as 'above the list size')."""
    out = set()
    for ind in ctx.indicators:
        if ind.denominator_kind == "measure" and ind.denominator:
            out.add(ind.denominator)
            if ind.unit == "percent":
                out.add(ind.numerator)
        elif ind.denominator_kind == "list_size" and ind.unit == "percent":
            out.add(ind.numerator)
    return out - {ind.numerator for ind in ctx.indicators if ind.per_year}


def _whole_patients(seen: _Seen, ctx: ImportContext) -> list[Problem]:
    """A count of patients (or users, or prescriptions) is a whole number: 100,5 is a typing or reading error,
    never stored (a numerator of users per 1000 patients was stored with its fraction)."""
    num, patients = seen.num, _patient_counts(ctx)
    return [Problem("error", "{measure} counts patients, so it must be a whole number ({value})."
                    if seen.measure[k] in patients else "{measure} is a count, so it must be a whole number ({value}).",
                    {"measure": seen.measure[k], "value": _num(num[k])}, **seen.where(k))  # type: ignore[arg-type]
            for k in seen.picked(_counts(ctx)) if not float(num[k]).is_integer()]  # type: ignore[arg-type]


def _above_list_size(seen: _Seen, ctx: ImportContext, list_sizes: Sequence[NewValue]) -> list[Problem]:
    """A count of patients above the clinic's list size (from the file, else the project) is impossible."""
    sizes: dict[tuple[str, str], float | None] = dict(ctx.list_sizes)
    sizes.update({(v.clinic, v.period): v.value for v in list_sizes if v.status == "ok" and v.value})
    if any(v is not None and v < 0 for v in sizes.values()):  # a negative size is refused on its own, once
        sizes = {k: v for k, v in sizes.items() if v is None or v > 0}
    if not sizes:
        return []
    picked = seen.picked(_patient_counts(ctx))
    found = map(sizes.get, zip(map(seen.clinic.__getitem__, picked), map(seen.period.__getitem__, picked),
                               strict=True))
    out = []
    for k, size in zip(picked, found, strict=True):
        value = seen.num[k]
        if size and value > size:  # type: ignore[operator]
            out.append(Problem("error", "{measure} ({value}) is larger than the list size of clinic {clinic} "
                               "({size}): a count of patients cannot exceed the patients on the list.",
                               {"measure": seen.measure[k], "value": _num(value),  # type: ignore[arg-type]
                                "clinic": seen.clinic[k], "size": _num(size)}, **seen.where(k)))
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
            if v.source_text and v.source_text != _num(v.value):  # a negative written '(300)' or '300-'
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


def _numerators(seen: _Seen, ctx: ImportContext) -> list[Problem]:
    denominators: dict[str, list[str]] = defaultdict(list)
    for ind in ctx.indicators:
        if ind.denominator_kind == "measure" and ind.denominator:
            denominators[ind.numerator].append(ind.denominator)
    found: list[tuple[int, int, Problem]] = []
    num = seen.num
    for measure, dens in denominators.items():
        picked = seen.picked({measure})
        clinics, periods = pick(seen.clinic, picked), pick(seen.period, picked)
        values = pick(num, picked)
        for d, denominator in enumerate(dens):
            at = list(map(seen.by_key.get, zip(clinics, repeat(denominator), periods, strict=False)))
            # the denominator in the file (its number, if it is one), else the one stored for that round
            totals = pick(seen.nums, cast("list[int]", at)) if None not in at else \
                [seen.nums[i] if i is not None else ctx.previous.get((c, denominator, p))
                 for i, c, p in zip(at, clinics, periods, strict=True)]
            # a negative denominator is refused on its own: a numerator is never said to be above it too
            for j in [j for j, (v, t) in enumerate(zip(values, totals, strict=True))
                      if t is not None and v > t >= 0]:  # type: ignore[operator]
                k, clinic, value, total = picked[j], clinics[j], values[j], totals[j]
                found.append((k, d, Problem(
                    "error", "{numerator} ({value}) is larger than {denominator} ({total}) for clinic "
                    "{clinic}.", {"numerator": measure, "value": _num(value),  # type: ignore[arg-type]
                                  "denominator": denominator, "total": _num(total),  # type: ignore[arg-type]
                                  "clinic": clinic}, **seen.where(k))))
    return [p for _, _, p in sorted(found, key=itemgetter(0, 1))]


def _drastic(seen: _Seen, ctx: ImportContext) -> list[Problem]:
    out: list[Problem] = []
    if not ctx.previous:
        return out
    before_of = {p: ctx.previous_period(p) for p in dict.fromkeys(seen.period)}
    previous = ctx.previous
    for k, (clinic, measure, period, value) in enumerate(zip(seen.clinic, seen.measure, seen.period, seen.num,
                                                             strict=True)):
        if value is None or before_of[period] is None:
            continue
        before = previous.get((clinic, measure, cast(str, before_of[period])))
        if before is None:
            continue
        low, high = sorted((before, value))
        if high - low >= DRASTIC_MIN_DIFF and (low == 0 or high / low >= DRASTIC_FACTOR):
            out.append(Problem("warning", "{measure} for clinic {clinic} changed from {before} to {value} since the "
                               "previous round; check the number.", {"measure": measure, "clinic": clinic,
                                                                      "before": _num(before), "value": _num(value)},
                               **seen.where(k)))
    return out
