"""The attacker's linear program over everything published, as tau-ARGUS / sdcTable audit a table.

For every reader (each clinic, knowing its own counts, and an outsider) and every hidden quantity of
another clinic, HiGHS minimises and maximises the quantity subject to every relation of every kept pack.
A count is protected when its feasible range (rounded inward to whole numbers) is at least
`COUNT_MARGIN` wide, i.e. the reader cannot pin it down exactly or to +/-1, whatever it was printed as: a
"<T" is only printed where 1..T-1 is that wide (`marks_small`), below that a small count is hidden like the
cells that protect it. A list size that is not shown exactly is protected when its range is at least
`SIZE_MARGIN` of its size wide.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Generic, TypeVar

import numpy as np

from klyngedesk.core.anonymise.coalition import Coalitions
from klyngedesk.core.anonymise.disclosure import Disclosure, Relation, Target, cell_owner
from klyngedesk.core.anonymise.program import Matrix, Points, Program, Shared, value_of, wide
from klyngedesk.core.anonymise.reprints import shown_before, versioned
from klyngedesk.core.anonymise.suppression import COUNT_MARGIN  # the width every hidden count keeps

SIZE_MARGIN = 0.03     # a list size not shown exactly: a feasible range of at least 3 % of the size
T = TypeVar("T")


@dataclass(frozen=True)
class Breach:
    """A hidden quantity that one reader narrows down too far."""

    target: Target
    reader: str | None      # the clinic playing the reader (None: an outsider)
    low: float
    high: float
    value: float
    meeting: str            # the pack whose target it is
    # the cells not printed of the part of the model it was found in (one set for all of the part's breaches)
    part: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def width(self) -> float:
        return self.high - self.low


def marks_small(threshold: int) -> bool:
    """Whether a small count may be printed as "<T": only where "<T" alone (1..T-1) leaves it `COUNT_MARGIN`
    wide, i.e. from threshold 5. Below that ("<2" is 1, "<4" is 1 to 3) it is printed hidden ("skjult"), as a
    count hidden to protect another is, so that nothing on the page says it is small."""
    return threshold - 2 >= COUNT_MARGIN


def required_width(target: Target, value: float) -> float:
    """How wide a hidden quantity's feasible range must stay: a count `COUNT_MARGIN` (also one printed "<T":
    "<5" is 1..4, exactly as wide), a list size `SIZE_MARGIN` of itself."""
    if target.kind == "size":
        return SIZE_MARGIN * max(value, 1.0)
    return COUNT_MARGIN


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def audit(disclosures: Iterable[Disclosure], truth: dict[str, float] | None = None, *,
          readers: Iterable[str | None] | None = None, first_only: bool = False, each_part: bool = False,
          hint: str | None = None, known_breaches: frozenset[tuple] = frozenset(),
          memo: dict[tuple, list[Breach]] | None = None) -> list[Breach]:
    """Every breach over all `disclosures` (this pack and every kept earlier one). `truth`: the true counts
    now (defaults to those kept with the packs; the current ones win). `readers`: the clinics to play
    (default every clinic with a count in the model, and an outsider, who knows less than any of them and
    is played only where a single clinic's counts are concerned). `first_only`: stop after the first reader (and part of
    the model) with breaches; `each_part`: in every part of the model, stop after its first reader with breaches
    (parts share no cell not printed, so their breaches cannot interact: the anonymiser mends them in one round;
    each breach holds its part's cells, `Breach.part`);
    `hint`: a cell whose part of the model is audited first (where the last breach was);
    `known_breaches`: (target terms, reader) pairs not to report (breaches the earlier packs alone cause);
    `memo`: the answers of the parts of an earlier audit, kept by the caller: a part whose relations, targets,
    counts and readers are the same as then answers as then without a program (a round of mending changes a
    few parts); left holding this audit's parts only."""
    items = versioned(list(disclosures), truth)   # a value corrected since a print: a cell of its own there
    known: dict[str, float] = {}
    for d in items:
        known.update(d.truth)
    if truth:
        known.update(truth)
    relations: list[Relation] = [r for d in items for r in d.relations]
    # A count printed by an earlier pack is public: a later pack that hides it protects nothing.
    first_shown: dict[str, int] = {}
    for i, d in enumerate(items):
        for r in d.relations:
            if len(r.terms) == 1 and r.low == r.high:
                first_shown.setdefault(r.terms[0][0], i)
    unpromised = shown_before(items)   # shown by an earlier print of the meeting and topic: hidden later in vain
    targets: dict[tuple, tuple[Target, str]] = {}
    for i, d in enumerate(items):
        for t in d.targets:
            if all(first_shown.get(c, i) < i or c in unpromised[i] for c, _ in t.terms):
                continue
            if t.kind == "size" and all(c in first_shown for c, _ in t.terms):
                continue   # a list size a later print shows exactly (list sizes shown by choice): public now
            targets.setdefault(t.terms, (t, d.meeting))
    # Cells printed exactly (by any pack) are known to everyone.
    shown: dict[str, float] = {}
    for r in relations:
        if len(r.terms) == 1 and r.low == r.high and r.terms[0][1] == 1.0:
            shown[r.terms[0][0]] = r.low
    union = _Union()
    for r in relations:
        free = [c for c, _ in r.terms if c not in shown]
        for c in free[1:]:
            union.join(free[0], c)
    components: dict[str, list[tuple[Target, str]]] = {}
    for t, meeting in targets.values():
        free = [c for c, _ in t.terms if c not in shown]
        if not free:   # a hidden target that is printed after all: always a breach
            components.setdefault("", []).append((t, meeting))
            continue
        for c in free[1:]:
            union.join(free[0], c)
    for t, meeting in targets.values():
        free = [c for c, _ in t.terms if c not in shown]
        if free:
            components.setdefault(union.find(free[0]), []).append((t, meeting))
    rel_by_comp: dict[str, list[Relation]] = {}
    for r in relations:
        free = [c for c, _ in r.terms if c not in shown]
        if free:
            rel_by_comp.setdefault(union.find(free[0]), []).append(r)
    breaches: list[Breach] = []
    for t, meeting in components.pop("", []):
        if (t.terms, None) in known_breaches:
            continue
        v = value_of(t, known)
        breaches.append(Breach(t, None, v, v, v, meeting, part=frozenset(c for c, _ in t.terms)))
        if first_only:
            return breaches
    wanted = None if readers is None else set(readers)
    first = union.find(hint) if hint and hint not in shown else None
    answers: dict[tuple, list[Breach]] = {}
    for root, comp_targets in sorted(components.items(), key=lambda kv: (kv[0] != first, kv[0])):
        part = _Part(rel_by_comp.get(root, []), comp_targets, shown, known)
        key = part.signature(known_breaches, wanted, first_only or each_part)
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = part.play(known_breaches, wanted, first_only or each_part)
        answers[key] = found
        cells = frozenset(part.cells)
        breaches += [replace(b, part=cells) for b in found]
        if first_only and breaches:   # every breach this reader finds in this part of the model
            break
    if memo is not None:
        memo.clear()
        memo.update(answers)
    return breaches


class _Part:
    """One part of the model: its relations over cells not printed, its targets, what is known of its cells."""

    def __init__(self, rels: list[Relation], comp_targets: list[tuple[Target, str]], shown: dict[str, float],
                 known: dict[str, float]) -> None:
        self.rels, self.targets, self.shown, self.known = rels, comp_targets, shown, known
        self.cells = sorted({c for r in rels for c, _ in r.terms if c not in shown}
                            | {c for t, _ in comp_targets for c, _ in t.terms if c not in shown})
        self.values = [value_of(t, known) for t, _ in comp_targets]
        self.needs = [required_width(t, v) for (t, _), v in zip(comp_targets, self.values, strict=True)]

    def signature(self, known_breaches: frozenset[tuple], wanted: set[str | None] | None, first: bool) -> tuple:
        """Everything the part's answer depends on (compared whole, not by a hash alone)."""
        printed = sorted({(c, self.shown[c]) for r in self.rels for c, _ in r.terms if c in self.shown})
        terms = {t.terms for t, _ in self.targets}
        return (first, PLAIN_READERS, SHARED_MODEL, tuple(self.rels), tuple(printed),
                tuple((c, self.known.get(c)) for c in self.cells),
                tuple((t, m, v, need) for (t, m), v, need in zip(self.targets, self.values, self.needs, strict=True)),
                frozenset(k for k in known_breaches if k[0] in terms),
                None if wanted is None else tuple(sorted(wanted, key=str)))

    def play(self, known_breaches: frozenset[tuple], wanted: set[str | None] | None, first: bool) -> list[Breach]:
        """The part's breaches: of every reader, or (`first`) of the first reader with any."""
        rels, comp_targets, shown, known, cells = self.rels, self.targets, self.shown, self.known, self.cells
        breaches: list[Breach] = []
        told = {t.terms: (v, need) for (t, _), v, need in zip(comp_targets, self.values, self.needs, strict=True)}
        owners = sorted({cell_owner(c) for c in cells})
        # Coalitions settle most targets for most readers at once (see coalition.py): past the first readers
        # (where a breach is usually found first), a reader's own program is made only for the targets they
        # leave to it.
        matrix = Matrix(cells, rels, shown)
        coalitions = (_Lazy(partial(Coalitions, rels, cells, shown, known, matrix)) if len(owners) > PLAIN_READERS
                      else None)
        shared = _Lazy(partial(Shared, matrix)) if SHARED_MODEL else None
        own_cells: dict[str, list[str]] = {}
        for c in cells:
            own_cells.setdefault(cell_owner(c), []).append(c)
        # A clinic knows at least what an outsider knows: the outsider matters only for a lone owner.
        players: list[str | None] = [None] if len(owners) < 2 else []
        for played, reader in enumerate([*players, *owners]):
            if wanted is not None and reader not in wanted:
                continue
            settle = coalitions.get() if coalitions is not None and played >= PLAIN_READERS else None
            todo = [(t, m) for t, m in comp_targets if t.owner != reader and (t.terms, reader) not in known_breaches
                    and _left_to(reader, t, settle, known)]
            if not todo:
                continue
            own = {} if reader is None else {c: known[c] for c in own_cells.get(reader, ()) if c in known}
            fixed = {**shown, **own}
            lp = shared.get().play(own) if shared is not None else matrix.program(own)
            # Feasible points certify wide ranges without a solve each: the truth, and the points that make
            # every target as large and as small as possible at once.
            points = POINTS(lp.index)
            points.add([np.array([known.get(c, 0.0) for c in lp.free])])
            everything = tuple((c, coef) for t, _ in todo for c, coef in t.terms)
            points.add(lp.extremes(everything))
            for t, meeting in todo:
                v, need = told[t.terms]
                seen_low, seen_high = points.span(t, fixed)
                if wide(t, seen_low, seen_high, need):
                    continue
                lo, hi = lp.range(t.terms, fixed, seen_low, seen_high, need if t.kind == "count" else None)
                points.add(lp.last_points)
                if not wide(t, lo, hi, need):
                    if t.kind == "count":
                        lo = math.ceil(lo - 1e-6) if math.isfinite(lo) else lo
                        hi = math.floor(hi + 1e-6) if math.isfinite(hi) else hi
                    breaches.append(Breach(t, reader, lo, hi, v, meeting))
            if first and breaches:   # every breach this reader finds in this part of the model
                return breaches
        return breaches


class _Lazy(Generic[T]):
    """A value made when first asked for (the coalitions of a part whose first readers already found a breach
    are never needed)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self.make = make
        self.value: T | None = None

    def get(self) -> T:
        if self.value is None:
            self.value = self.make()
        return self.value


PLAIN_READERS = 2   # readers of a part of the model played with their own program for every target
# One HiGHS model per part of the model, each reader's cells fixed in turn (program.Shared); False: a new model
# cut out per reader (program.Matrix.program), the audit before it, kept as the tests' reference.
SHARED_MODEL = True
POINTS = Points   # the feasible points kept per reader (the tests swap in the one-point-at-a-time reference)


def _left_to(reader: str | None, t: Target, coalitions: Coalitions | None, known: dict[str, float]) -> bool:
    """Whether `reader` must play `t` with its own program (no coalition settles it for this reader)."""
    if coalitions is None or reader is None:
        return True
    left = coalitions.readers_left(t, required_width(t, value_of(t, known)))
    return left is None or reader in left


def outsider_ranges(disclosures: Iterable[Disclosure], targets: Iterable[Target]) -> dict[tuple, tuple[float, float]]:
    """The range an outsider (no counts of its own) can narrow each target to, from everything published."""
    items = versioned(list(disclosures))
    relations = [r for d in items for r in d.relations]
    shown = {r.terms[0][0]: r.low for r in relations if len(r.terms) == 1 and r.low == r.high and r.terms[0][1] == 1.0}
    wanted = list(targets)
    cells = sorted({c for r in relations for c, _ in r.terms if c not in shown}
                   | {c for t in wanted for c, _ in t.terms if c not in shown})
    lp = Program(cells, relations, shown)
    return {t.terms: lp.range(t.terms, shown) for t in wanted}
