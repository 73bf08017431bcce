"""The attacker's linear program over everything published, as tau-ARGUS / sdcTable audit a table.

For every reader (each clinic, knowing its own counts, and an outsider) and every hidden quantity of
another clinic, HiGHS minimises and maximises the quantity subject to every relation of every kept pack.
A count is protected when its feasible range (rounded inward to whole numbers) is at least
`COUNT_MARGIN` wide, i.e. the reader cannot pin it down exactly or to +/-1; a count the group was told
is "<T" only needs the whole range 1..T-1 when that is narrower. A list size that is not shown exactly
is protected when its range is at least `SIZE_MARGIN` of its size wide.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np

from klyngedesk.core.anonymise.disclosure import Disclosure, Relation, Target, cell_owner

COUNT_MARGIN = 3       # hi - lo: at least 4 whole values possible, so never "exactly" or "to +/-1"
SIZE_MARGIN = 0.03     # a list size not shown exactly: a feasible range of at least 3 % of the size


@dataclass(frozen=True)
class Breach:
    """A hidden quantity that one reader narrows down too far."""

    target: Target
    reader: str | None      # the clinic playing the reader (None: an outsider)
    low: float
    high: float
    value: float
    meeting: str            # the pack whose target it is

    @property
    def width(self) -> float:
        return self.high - self.low


def required_width(target: Target, value: float, threshold: int, small_marked: bool) -> float:
    if target.kind == "size":
        return SIZE_MARGIN * max(value, 1.0)
    return min(COUNT_MARGIN, threshold - 2) if small_marked else COUNT_MARGIN


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
          readers: Iterable[str | None] | None = None, first_only: bool = False,
          hint: str | None = None, known_breaches: frozenset[tuple] = frozenset()) -> list[Breach]:
    """Every breach over all `disclosures` (this pack and every kept earlier one). `truth`: the true counts
    now (defaults to those kept with the packs; the current ones win). `readers`: the clinics to play
    (default every clinic with a count in the model, and an outsider, who knows less than any of them and
    is played only where a single clinic's counts are concerned). `first_only`: stop after the first reader (and part of
    the model) with breaches;
    `hint`: a cell whose part of the model is audited first (where the last breach was);
    `known_breaches`: (target terms, reader) pairs not to report (breaches the earlier packs alone cause)."""
    items = list(disclosures)
    known: dict[str, float] = {}
    for d in items:
        known.update(d.truth)
    if truth:
        known.update(truth)
    relations: list[Relation] = [r for d in items for r in d.relations]
    small = {c for r in relations if len(r.terms) == 1 and r.low >= 1 and r.terms[0][1] == 1.0
             and math.isfinite(r.high) and r.high < r.low + 1e9 and r.low == 1.0 for c, _ in r.terms}
    thresholds = {d.meeting: d.threshold for d in items}
    # A count printed by an earlier pack is public: a later pack that hides it protects nothing.
    first_shown: dict[str, int] = {}
    for i, d in enumerate(items):
        for r in d.relations:
            if len(r.terms) == 1 and r.low == r.high:
                first_shown.setdefault(r.terms[0][0], i)
    targets: dict[tuple, tuple[Target, str]] = {}
    for i, d in enumerate(items):
        for t in d.targets:
            if all(first_shown.get(c, i) < i for c, _ in t.terms):
                continue
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
        v = _value(t, known)
        breaches.append(Breach(t, None, v, v, v, meeting))
        if first_only:
            return breaches
    wanted = None if readers is None else set(readers)
    first = union.find(hint) if hint and hint not in shown else None
    for root, comp_targets in sorted(components.items(), key=lambda kv: (kv[0] != first, kv[0])):
        rels = rel_by_comp.get(root, [])
        cells = sorted({c for r in rels for c, _ in r.terms if c not in shown}
                       | {c for t, _ in comp_targets for c, _ in t.terms if c not in shown})
        owners = sorted({cell_owner(c) for c in cells})
        # A clinic knows at least what an outsider knows: the outsider matters only for a lone owner.
        for reader in ([None] if len(owners) < 2 else []) + owners:
            if wanted is not None and reader not in wanted:
                continue
            todo = [(t, m) for t, m in comp_targets if t.owner != reader]
            if not todo:
                continue
            fixed = dict(shown)
            if reader is not None:
                fixed.update({c: known[c] for c in cells if cell_owner(c) == reader and c in known})
            free = [c for c in cells if c not in fixed]
            lp = _Program(free, rels, fixed)
            # Feasible points certify wide ranges without a solve each: the truth, and the points that make
            # every target as large and as small as possible at once.
            points = [{c: known.get(c, 0.0) for c in free}]
            everything = tuple((c, coef) for t, _ in todo for c, coef in t.terms)
            points += lp.extremes(everything)
            for t, meeting in todo:
                if (t.terms, reader) in known_breaches:
                    continue
                v = _value(t, known)
                marked = len(t.terms) == 1 and t.terms[0][0] in small
                need = required_width(t, v, thresholds.get(meeting, 5), marked)
                seen = [_value(t, {**fixed, **p}) for p in points]
                if _wide(t, min(seen), max(seen), need):
                    continue
                lo, hi = lp.range(t.terms, fixed, min(seen), max(seen), need if t.kind == "count" else None)
                points += lp.last_points
                if not _wide(t, lo, hi, need):
                    if t.kind == "count":
                        lo = math.ceil(lo - 1e-6) if math.isfinite(lo) else lo
                        hi = math.floor(hi + 1e-6) if math.isfinite(hi) else hi
                    breaches.append(Breach(t, reader, lo, hi, v, meeting))
            if first_only and breaches:   # every breach this reader finds in this part of the model
                return breaches
    return breaches


def _wide_count(lo: float, hi: float, need: float) -> bool:
    lo = math.ceil(lo - 1e-6) if math.isfinite(lo) else lo
    hi = math.floor(hi + 1e-6) if math.isfinite(hi) else hi
    return hi - lo >= need - 1e-9


def _wide(t: Target, lo: float, hi: float, need: float) -> bool:
    if t.kind == "count":
        lo = math.ceil(lo - 1e-6) if math.isfinite(lo) else lo
        hi = math.floor(hi + 1e-6) if math.isfinite(hi) else hi
    return hi - lo >= need - 1e-9


def _value(t: Target, known: dict[str, float]) -> float:
    return sum(coef * known.get(c, 0.0) for c, coef in t.terms)


_quiet = {"done": False}
_SURE = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded,
         highspy.HighsModelStatus.kInfeasible)


def _new_highs() -> highspy.Highs:
    """A silent HiGHS model. The library prints a banner on stdout when the first one is made, which would
    spoil `--json` output: that first construction runs with the stdout file descriptor sent to devnull."""
    if _quiet["done"]:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _quiet["done"] = True
    h.setOptionValue("output_flag", False)
    return h


class _Program:
    """One HiGHS model per component and reader; each target is a new objective on the same model."""

    def __init__(self, free: list[str], relations: list[Relation], fixed: dict[str, float]) -> None:
        self.index = {c: i for i, c in enumerate(free)}
        self.free = free
        self.n = len(free)
        self.last_points: list[dict[str, float]] = []
        self.h = _new_highs()
        self.h.setOptionValue("presolve", "off")
        if not self.n:
            return
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = self.n
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.full(self.n, inf)
        starts, index, values, lows, highs = [0], [], [], [], []
        for r in relations:
            const = sum(coef * fixed[c] for c, coef in r.terms if c in fixed)
            terms = [(self.index[c], coef) for c, coef in r.terms if c in self.index]
            if not terms:
                continue
            index += [i for i, _ in terms]
            values += [v for _, v in terms]
            starts.append(len(index))
            lows.append(r.low - const if math.isfinite(r.low) else -inf)
            highs.append(r.high - const if math.isfinite(r.high) else inf)
        lp.num_row_ = len(lows)
        lp.row_lower_ = np.array(lows, dtype=float)
        lp.row_upper_ = np.array(highs, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values, dtype=float)
        self.h.passModel(lp)

    def _cost(self, terms: Iterable[tuple[str, float]]) -> np.ndarray:
        cost = np.zeros(self.n)
        for c, coef in terms:
            if c in self.index:
                cost[self.index[c]] += coef
        return cost

    def extremes(self, terms: tuple[tuple[str, float], ...]) -> list[dict[str, float]]:
        """The optimal points of minimising and maximising `terms` (bounded ones only)."""
        cost = self._cost(terms)
        if not self.n or not cost.any():
            return []
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        out = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self.h.changeObjectiveSense(sense)
            if self._run() == highspy.HighsModelStatus.kOptimal:
                out.append(self._point())
        return out

    def _run(self) -> highspy.HighsModelStatus:
        """Solve; a numerically unsure answer (status unknown) is solved again from scratch with presolve."""
        self.h.run()
        status = self.h.getModelStatus()
        if status not in _SURE:
            self.h.clearSolver()
            self.h.setOptionValue("presolve", "on")
            self.h.run()
            status = self.h.getModelStatus()
            self.h.setOptionValue("presolve", "off")
        return status

    def _point(self) -> dict[str, float]:
        return dict(zip(self.free, self.h.getSolution().col_value, strict=True))

    def range(self, terms: tuple[tuple[str, float], ...], fixed: dict[str, float], seen_low: float = math.inf,
              seen_high: float = -math.inf, need: float | None = None) -> tuple[float, float]:
        """(min, max) of the terms. With `need` (a count's margin) and values already seen at feasible
        points, the minimum is solved only when the maximum and the lowest value seen are not far enough
        apart (the range is then known to be wide enough, and is returned as seen)."""
        const = sum(coef * fixed[c] for c, coef in terms if c in fixed)
        cost = self._cost(terms)
        self.last_points = []
        if not self.n or not cost.any():
            return const, const
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        out: list[float] = []
        for sense in (highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize):
            if out and need is not None and _wide_count(seen_low, out[0], need):
                return seen_low, out[0]
            self.h.changeObjectiveSense(sense)
            status = self._run()
            if status == highspy.HighsModelStatus.kOptimal:
                out.append(self.h.getInfo().objective_function_value + const)
                self.last_points.append(self._point())
            elif status == highspy.HighsModelStatus.kUnbounded:
                out.append(-math.inf if sense == highspy.ObjSense.kMinimize else math.inf)
            else:   # infeasible (values corrected after an earlier pack): claim nothing is protected
                return const, const
        return out[1], out[0]


def outsider_ranges(disclosures: Iterable[Disclosure], targets: Iterable[Target]) -> dict[tuple, tuple[float, float]]:
    """The range an outsider (no counts of its own) can narrow each target to, from everything published."""
    items = list(disclosures)
    relations = [r for d in items for r in d.relations]
    shown = {r.terms[0][0]: r.low for r in relations if len(r.terms) == 1 and r.low == r.high and r.terms[0][1] == 1.0}
    wanted = list(targets)
    cells = sorted({c for r in relations for c, _ in r.terms if c not in shown}
                   | {c for t in wanted for c, _ in t.terms if c not in shown})
    lp = _Program(cells, relations, shown)
    return {t.terms: lp.range(t.terms, shown) for t in wanted}
