"""Small-number suppression with complementary suppression over every sum a reader could use.

Cells are counts (round, measure, clinic). Derived cells are counts a reader can compute from shown
ones (the remainder of a share, den - num; the "others" of a composition, total - parts). Equations are
sums a reader knows: per round and measure the cluster total over clinics; per clinic the composition
and remainder identities; the cluster totals of remainders. A cell is hidden when 0 < count < threshold
(primary). Then, until nothing changes, every equation with hidden cells must have at least two of them
and their sum must reach the threshold; otherwise the smallest shown cell of that equation is hidden too
(complementary). A derived cell is unknown as soon as one of the cells it is made from is hidden; to
hide a derived cell, its smallest source cell is hidden. If an equation's whole total is under the
threshold, the total itself is withheld.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Cell = Hashable


@dataclass
class SuppressionProblem:
    threshold: int = 5
    counts: dict[Cell, float] = field(default_factory=dict)          # real cells
    derived: dict[Cell, tuple[float, tuple[Cell, ...]]] = field(default_factory=dict)  # value, sources
    # (total id, cells): the cells sum to a shown total; total id None = an identity (cells sum to zero
    # with signs, e.g. den - num - rest), where only "at least two unknown" matters.
    equations: list[tuple[Hashable, tuple[Cell, ...]]] = field(default_factory=list)

    def add_cell(self, cell: Cell, count: float | None) -> None:
        if count is not None and math.isfinite(count):
            self.counts[cell] = float(count)

    def add_derived(self, cell: Cell, sources: Iterable[Cell], value: float) -> None:
        sources = tuple(sources)
        if all(s in self.counts for s in sources) and math.isfinite(value):
            self.derived[cell] = (float(value), sources)

    def add_equation(self, total: Hashable, cells: Iterable[Cell]) -> None:
        cells = tuple(c for c in cells if c in self.counts or c in self.derived)
        if cells:
            self.equations.append((total, cells))

    def value(self, cell: Cell) -> float:
        return self.counts[cell] if cell in self.counts else self.derived[cell][0]

    def small(self, count: float) -> bool:
        return 0 < count < self.threshold


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset            # real cells hidden (primary and complementary)
    primary: frozenset           # real and derived cells hidden because they are small
    withheld_totals: frozenset   # total ids whose value must not be shown

    def shown(self, cell: Cell) -> bool:
        return cell not in self.hidden


def suppress(problem: SuppressionProblem) -> Suppression:
    """Solve the suppression pattern (deterministic: ties broken by the cells' sort order)."""
    hidden = {c for c, v in problem.counts.items() if problem.small(v)}
    primary = set(hidden) | {c for c, (v, _) in problem.derived.items() if problem.small(v)}
    # A small derived cell is hidden by hiding its smallest source.
    for cell in sorted((c for c in primary if c in problem.derived), key=repr):
        _hide_derived(problem, cell, hidden)
    withheld = set()
    for total, cells in problem.equations:
        if total is not None and problem.small(sum(problem.value(c) for c in cells)):
            withheld.add(total)
            hidden.update(s for c in cells for s in _sources(problem, c))
    changed = True
    while changed:
        changed = False
        for total, cells in problem.equations:
            if total in withheld:
                continue
            unknown = [c for c in cells if _unknown(problem, c, hidden)]
            if not unknown:
                continue
            if len(unknown) >= 2 and (total is None or sum(problem.value(c) for c in unknown) >= problem.threshold):
                continue
            shown = [c for c in cells if c not in unknown]
            if not shown:  # every cell hidden but the total small: withhold the total
                if total is None:
                    continue
                withheld.add(total)
                changed = True
                continue
            pick = min(shown, key=lambda c: (problem.value(c) <= 0, problem.value(c), repr(c)))
            if pick in problem.derived:
                _hide_derived(problem, pick, hidden)
            else:
                hidden.add(pick)
            changed = True
    return Suppression(frozenset(hidden), frozenset(primary), frozenset(withheld))


def _sources(problem: SuppressionProblem, cell: Cell) -> tuple[Cell, ...]:
    return problem.derived[cell][1] if cell in problem.derived else (cell,)


def _unknown(problem: SuppressionProblem, cell: Cell, hidden: set) -> bool:
    if cell in problem.derived:
        return problem.small(problem.derived[cell][0]) or any(s in hidden for s in problem.derived[cell][1])
    return cell in hidden


def _hide_derived(problem: SuppressionProblem, cell: Cell, hidden: set) -> None:
    sources = [s for s in problem.derived[cell][1] if s not in hidden]
    if sources:
        hidden.add(min(sources, key=lambda s: (problem.counts[s] <= 0, problem.counts[s], repr(s))))
