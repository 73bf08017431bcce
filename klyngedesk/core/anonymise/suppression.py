"""Small-number suppression with complementary suppression over every sum a reader could use.

Cells are counts (round, measure, clinic). Derived cells are counts a reader can compute from shown
ones (the remainder of a share, den - num; the "others" of a composition, total - parts). Equations are
sums a reader knows: per round and measure the cluster total over clinics; per clinic the composition
and remainder identities; the cluster totals of remainders. A cell is hidden when 0 < count < threshold
(primary). Then, until nothing changes, every equation with hidden cells must have enough of them;
otherwise the smallest shown cell of that equation is hidden too (complementary):

- an identity of one clinic (den = num + rest): at least two unknown cells;
- a cluster total without a primary cell: at least two unknown cells whose sum reaches the threshold;
- a cluster total with a primary cell must also resist a reader who is one of the hidden clinics and
  knows its own counts: at least three unknown cells, and the unknown cells other than the largest
  must together reach the threshold (so no member learns the others' small sum).

A derived cell is unknown as soon as one of the cells it is made from is hidden; to hide a derived cell,
its smallest source cell is hidden. If an equation's whole total is under the threshold, or it has too
few cells to hide enough of them, the total itself is withheld. Finally every clinic is played as the
reader, knowing its own counts and everything shown: if chaining the equations would give it another
clinic's hidden small count, the first equation of that chain gets one more hidden cell, and all of the
above runs again.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Cell = Hashable
COUNT_MARGIN = 3   # hi - lo of a hidden count's range: at least 4 whole values possible, so never "exactly" or "to +/-1"


@dataclass
class SuppressionProblem:
    threshold: int = 5
    counts: dict[Cell, float] = field(default_factory=dict)          # real cells
    derived: dict[Cell, tuple[float, tuple[Cell, ...]]] = field(default_factory=dict)  # value, sources
    # (total id, cells): the cells sum to a shown total; total id None = an identity (cells sum to zero
    # with signs, e.g. den - num - rest), where only "at least two unknown" matters.
    equations: list[tuple[Hashable, tuple[Cell, ...]]] = field(default_factory=list)
    owners: dict[Cell, Hashable] = field(default_factory=dict)      # cell -> the clinic whose count it is

    def add_cell(self, cell: Cell, count: float | None, owner: Hashable = None) -> None:
        if count is not None and math.isfinite(count):
            self.counts[cell] = float(count)
            if owner is not None:
                self.owners[cell] = owner

    def add_derived(self, cell: Cell, sources: Iterable[Cell], value: float, owner: Hashable = None) -> None:
        sources = tuple(sources)
        if all(s in self.counts for s in sources) and math.isfinite(value):
            self.derived[cell] = (float(value), sources)
            if owner is not None:
                self.owners[cell] = owner

    def add_equation(self, total: Hashable, cells: Iterable[Cell]) -> None:
        cells = tuple(c for c in cells if c in self.counts or c in self.derived)
        if cells:
            self.equations.append((total, cells))

    def value(self, cell: Cell) -> float:
        return self.counts[cell] if cell in self.counts else self.derived[cell][0]

    def small(self, count: float) -> bool:
        return 0 < count < self.threshold

    @property
    def cover(self) -> float:
        """What the unknown cells of a total must at least sum to: the threshold, and never less than the
        audit's margin (at threshold 2 a small count hidden beside one other 1 would be 0..2)."""
        return max(self.threshold, COUNT_MARGIN)


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset            # real cells hidden (primary and complementary)
    primary: frozenset           # real and derived cells hidden because they are small
    withheld_totals: frozenset   # total ids whose value must not be shown
    # (round, indicator, clinic): a rate per list size left out although its count is shown (as a share's
    # denominator, say): its value would give the list size back (chosen by the audit, see build._mend)
    rates: frozenset = frozenset()

    def shown(self, cell: Cell) -> bool:
        return cell not in self.hidden


def suppress(problem: SuppressionProblem, *, also_hidden: Iterable[Cell] = (),
             also_withheld: Iterable[Hashable] = ()) -> Suppression:
    """Solve the suppression pattern (deterministic: ties broken by the cells' sort order). `also_hidden`
    and `also_withheld`: cells and totals the audit asked to hide on top (see `build.anonymise`)."""
    hidden = {c for c, v in problem.counts.items() if problem.small(v)}
    primary = set(hidden) | {c for c, (v, _) in problem.derived.items() if problem.small(v)}
    hidden |= {c for c in also_hidden if c in problem.counts}
    # A small derived cell is hidden by hiding its smallest source.
    for cell in sorted((c for c in primary if c in problem.derived), key=repr):
        _hide_derived(problem, cell, hidden)
    withheld = set(also_withheld)
    for total, cells in problem.equations:
        if total is not None and problem.small(sum(problem.value(c) for c in cells)):
            withheld.add(total)
            hidden.update(s for c in cells for s in _sources(problem, c))
    while True:
        _settle(problem, hidden, primary, withheld)
        breach = _insider_breach(problem, hidden, primary, withheld)
        if breach is None:
            break
        total, cells, reader = breach
        shown = [c for c in cells if not _unknown(problem, c, hidden) and problem.owners.get(c) != reader]
        if shown:
            _hide(problem, _smallest(problem, shown), hidden)
        elif total is not None:
            withheld.add(total)
        else:  # cannot happen after _settle (an identity of another clinic holds no cell of the reader)
            hidden.update(s for c in cells for s in _sources(problem, c))
    return Suppression(frozenset(hidden), frozenset(primary), frozenset(withheld))


def _too_few_unknown(problem: SuppressionProblem, total: Hashable, unknown: list[Cell], primary: set) -> bool:
    """Whether an equation's unknown cells fail to protect them (see the module docstring)."""
    if total is None:
        return len(unknown) < 2
    values = sorted(problem.value(c) for c in unknown)
    if any(c in primary for c in unknown):  # a reader who is one of them must not learn the rest
        return len(unknown) < 3 or sum(values[:-1]) < problem.cover
    return len(unknown) < 2 or sum(values) < problem.cover


def _settle(problem: SuppressionProblem, hidden: set, primary: set, withheld: set) -> None:
    """Hide complementary cells until every equation protects its unknown cells (or its total is withheld)."""
    changed = True
    while changed:
        changed = False
        for total, cells in problem.equations:
            if total in withheld:
                continue
            unknown = [c for c in cells if _unknown(problem, c, hidden)]
            if not unknown or not _too_few_unknown(problem, total, unknown, primary):
                continue
            shown = [c for c in cells if c not in unknown]
            if not shown:  # every cell hidden but still too few: withhold the total
                if total is None:
                    continue
                withheld.add(total)
                changed = True
                continue
            _hide(problem, _smallest(problem, shown), hidden)
            changed = True


def _insider_breach(problem: SuppressionProblem, hidden: set, primary: set,
                    withheld: set) -> tuple[Hashable, tuple[Cell, ...], Hashable] | None:
    """Play every clinic as the reader: knowing its own counts and everything shown, it solves each equation
    with one unknown left, again and again. Returns (total, cells, reader) of the first equation of a chain
    that ends in another clinic's hidden small count, or None when no clinic can get one."""
    active = [(total, cells) for total, cells in problem.equations if total not in withheld]
    unknown = {c for _, cells in active for c in cells if _unknown(problem, c, hidden)}
    if not unknown & primary:
        return None
    uses: dict[Cell, list[int]] = {}
    for i, (_, cells) in enumerate(active):
        for c in set(cells):
            uses.setdefault(c, []).append(i)
    for reader in sorted({problem.owners[c] for c in unknown if c in problem.owners}, key=repr):
        chain = _reader_chain(active, uses, {c for c in unknown if problem.owners.get(c) != reader}, primary)
        if chain is not None:
            return (*active[chain], reader)
    return None


def _reader_chain(active: list[tuple[Hashable, tuple[Cell, ...]]], uses: dict[Cell, list[int]], unknown: set,
                  primary: set) -> int | None:
    """The index of the first equation of a chain that solves a primary cell, or None."""
    missing = [{c for c in cells if c in unknown} for _, cells in active]
    queue = [i for i, m in enumerate(missing) if len(m) == 1]
    solved_by: dict[Cell, int] = {}
    order: dict[int, int] = {}
    while queue:
        i = queue.pop(0)
        if len(missing[i]) != 1:
            continue
        cell = missing[i].pop()
        solved_by[cell] = i
        order.setdefault(i, len(order))
        if cell in primary:
            return min(_chain(active, solved_by, cell), key=order.__getitem__)
        for j in uses.get(cell, ()):
            missing[j].discard(cell)
            if len(missing[j]) == 1:
                queue.append(j)
    return None


def _chain(active: list[tuple[Hashable, tuple[Cell, ...]]], solved_by: dict[Cell, int], cell: Cell) -> set[int]:
    """Every equation the reader used, directly or through solved cells, to solve `cell`."""
    used, todo = set(), [cell]
    while todo:
        i = solved_by[todo.pop()]
        if i not in used:
            used.add(i)
            todo += [c for c in active[i][1] if c in solved_by and solved_by[c] != i]
    return used


def _smallest(problem: SuppressionProblem, cells: list[Cell]) -> Cell:
    return min(cells, key=lambda c: (problem.value(c) <= 0, problem.value(c), repr(c)))


def _hide(problem: SuppressionProblem, cell: Cell, hidden: set) -> None:
    if cell in problem.derived:
        _hide_derived(problem, cell, hidden)
    else:
        hidden.add(cell)


def _sources(problem: SuppressionProblem, cell: Cell) -> tuple[Cell, ...]:
    return problem.derived[cell][1] if cell in problem.derived else (cell,)


def _unknown(problem: SuppressionProblem, cell: Cell, hidden: set) -> bool:
    if cell in problem.derived:
        return problem.small(problem.derived[cell][0]) or any(s in hidden for s in problem.derived[cell][1])
    return cell in hidden


def _hide_derived(problem: SuppressionProblem, cell: Cell, hidden: set) -> None:
    sources = [s for s in problem.derived[cell][1] if s not in hidden]
    if sources:
        hidden.add(_smallest(problem, sources))
