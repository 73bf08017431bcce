"""The attacker's linear program: one HiGHS model over the cells a reader does not know, a target per objective."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable

import highspy
import numpy as np

from klyngedesk.core.anonymise.disclosure import Relation, Target


def wide_count(lo: float, hi: float, need: float) -> bool:
    lo = math.ceil(lo - 1e-6) if math.isfinite(lo) else lo
    hi = math.floor(hi + 1e-6) if math.isfinite(hi) else hi
    return hi - lo >= need - 1e-9


def wide(t: Target, lo: float, hi: float, need: float) -> bool:
    """Whether a range of `t` from lo to hi is at least `need` wide (a count's ends rounded inward)."""
    if t.kind == "count":
        return wide_count(lo, hi, need)
    return hi - lo >= need - 1e-9


def value_of(t: Target, known: dict[str, float]) -> float:
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


class Program:
    """One HiGHS model over the free cells of one part of the model (for one reader or one coalition); each target
    is a new objective on the same model."""

    def __init__(self, free: list[str], relations: list[Relation], fixed: dict[str, float]) -> None:
        rows = []
        for r in relations:
            terms = [(c, coef) for c, coef in r.terms if c not in fixed]
            if terms:
                const = sum(coef * fixed[c] for c, coef in r.terms if c in fixed)
                rows.append((terms, r.low - const, r.high - const))
        self._load(free, rows)

    @classmethod
    def from_rows(cls, free: list[str], rows: list[tuple[list[tuple[str, float]], float, float]]) -> Program:
        """A program over `free` whose rows are given as (terms, low, high), constants already moved out."""
        lp = cls.__new__(cls)
        lp._load(free, rows)
        return lp

    @classmethod
    def from_arrays(cls, free: list[str], starts: np.ndarray, index: np.ndarray, values: np.ndarray,
                    lows: np.ndarray, highs: np.ndarray) -> Program:
        """A program over `free` from its rows as a row-wise sparse matrix and the rows' bounds."""
        lp = cls.__new__(cls)
        lp._load_arrays(free, starts, index, values, lows, highs)
        return lp

    def _load(self, free: list[str], rows: list[tuple[list[tuple[str, float]], float, float]]) -> None:
        at = {c: i for i, c in enumerate(free)}
        starts, index, values, lows, highs = [0], [], [], [], []
        for terms, low, high in rows:
            index += [at[c] for c, _ in terms]
            values += [v for _, v in terms]
            starts.append(len(index))
            lows.append(low)
            highs.append(high)
        self._load_arrays(free, np.array(starts), np.array(index), np.array(values, dtype=float),
                          np.array(lows, dtype=float), np.array(highs, dtype=float))

    def _load_arrays(self, free: list[str], starts: np.ndarray, index: np.ndarray, values: np.ndarray,
                     lows: np.ndarray, highs: np.ndarray) -> None:
        self.index = {c: i for i, c in enumerate(free)}
        self.free = free
        self.n = len(free)
        self.last_points: list[np.ndarray] = []
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
        lp.num_row_ = len(lows)
        lp.row_lower_ = np.where(np.isfinite(lows), lows, -inf).astype(float)
        lp.row_upper_ = np.where(np.isfinite(highs), highs, inf).astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(values, dtype=float)
        self.h.passModel(lp)

    def _cost(self, terms: Iterable[tuple[str, float]]) -> np.ndarray:
        cost = np.zeros(self.n)
        for c, coef in terms:
            if c in self.index:
                cost[self.index[c]] += coef
        return cost

    def extremes(self, terms: tuple[tuple[str, float], ...]) -> list[np.ndarray]:
        """The optimal points of minimising and maximising `terms` (bounded ones only), over `free`."""
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

    def _point(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value, dtype=float)

    def range(self, terms: tuple[tuple[str, float], ...], fixed: dict[str, float], seen_low: float = math.inf,
              seen_high: float = -math.inf, need: float | None = None) -> tuple[float, float]:
        """(min, max) of the terms. With `need` (a count's margin) and values already seen at feasible
        points, the minimum is solved only when the maximum and the lowest value seen are not far enough
        apart (the range is then known to be wide enough, and is returned as seen)."""
        const = sum(coef * fixed[c] for c, coef in terms if c in fixed and c not in self.index)
        cost = self._cost(terms)
        self.last_points = []
        if not self.n or not cost.any():
            return const, const
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        out: list[float] = []
        for sense in (highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize):
            if out and need is not None and wide_count(seen_low, out[0], need):
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


class Points:
    """Feasible points of one reader's program (one row per point, a column per free cell), at which a target's
    values are read at once: they certify a wide range without a solve."""

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index
        self.rows = np.zeros((8, len(index)))
        self.count = 0

    def add(self, points: Iterable[np.ndarray]) -> None:
        for point in points:
            if self.count == len(self.rows):
                self.rows = np.concatenate((self.rows, np.zeros_like(self.rows)))
            self.rows[self.count] = point
            self.count += 1

    def span(self, t: Target, fixed: dict[str, float]) -> tuple[float, float]:
        """The lowest and highest value of `t` at the points (a cell not free at its value in `fixed`); summed
        term by term in the target's order, as a point's value was summed one by one."""
        total = np.zeros(self.count)
        for c, coef in t.terms:
            i = self.index.get(c)
            total = total + (coef * self.rows[:self.count, i] if i is not None else coef * fixed.get(c, 0.0))
        return float(total.min()), float(total.max())


class Matrix:
    """The relations of one part of the model as a sparse matrix over its cells not printed (the printed cells'
    values moved into the bounds), from which each reader's program is cut out without a loop per relation."""

    def __init__(self, cells: list[str], relations: list[Relation], shown: dict[str, float]) -> None:
        self.cells = cells
        self.col = {c: i for i, c in enumerate(cells)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lows: list[float] = []
        highs: list[float] = []
        for r in relations:
            const = 0.0
            n = len(lows)
            free = False
            for c, coef in r.terms:
                if c in shown:
                    const += coef * shown[c]
                else:
                    rows.append(n)
                    cols.append(self.col[c])
                    vals.append(coef)
                    free = True
            if free:
                lows.append(r.low - const)
                highs.append(r.high - const)
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.vals = np.array(vals, dtype=float)
        self.lows = np.array(lows, dtype=float)
        self.highs = np.array(highs, dtype=float)

    def program(self, fixed: dict[str, float]) -> Program:
        """The program of a reader who knows the cells in `fixed` (besides the printed ones): their columns
        become constants, and the rows left without a column are dropped (as `Program` does)."""
        value = np.full(len(self.cells), np.nan)
        for c, v in fixed.items():
            i = self.col.get(c)
            if i is not None:
                value[i] = v
        return self.cut(~np.isnan(value), value)

    def cut(self, known: np.ndarray, value: np.ndarray) -> Program:
        """`program` with the known columns given as a mask over the cells and their values as an array."""
        on = known[self.cols]
        const = np.bincount(self.rows[on], weights=self.vals[on] * value[self.cols[on]], minlength=len(self.lows))
        off = ~on
        counts = np.bincount(self.rows[off], minlength=len(self.lows))
        keep = counts > 0
        new_col = np.cumsum(~known) - 1
        free = [self.cells[i] for i in np.flatnonzero(~known)]
        starts = np.concatenate(([0], np.cumsum(counts[keep])))
        with np.errstate(invalid="ignore"):
            lows = self.lows[keep] - const[keep]
            highs = self.highs[keep] - const[keep]
        return Program.from_arrays(free, starts, new_col[self.cols[off]], self.vals[off], lows, highs)


class Shared(Program):
    """One HiGHS model over every cell of one part of the model (not printed), played by reader after reader: a
    reader's own cells are fixed by their bounds (and the rows left with no free cell are relaxed, as `program`
    drops them), then freed again for the next. The simplex starts each solve from the last one's basis instead
    of a new model per reader (primal simplex: mostly the objective changes). A relation over one cell is that
    cell's bounds, not a row (most of the model: bands, printed bounds, "<5"), so each solve carries only the
    relations between cells. Its ranges are those of the reader's own program (`Matrix.program`)."""

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        n = len(matrix.cells)
        nnz = np.bincount(matrix.rows, minlength=len(matrix.lows))
        single = nnz[matrix.rows] == 1
        # One-cell relations a*x in [low, high] -> x in [low/a, high/a] (ends swapped for a < 0), intersected.
        rows, cols, a = matrix.rows[single], matrix.cols[single], matrix.vals[single]
        with np.errstate(invalid="ignore", divide="ignore"):
            ends = np.stack([matrix.lows[rows] / a, matrix.highs[rows] / a])
        lower, upper = np.zeros(n), np.full(n, np.inf)
        np.maximum.at(lower, cols, np.where(a > 0, ends[0], ends[1]))
        np.minimum.at(upper, cols, np.where(a > 0, ends[1], ends[0]))
        self.lower, self.upper = lower, upper
        multi = ~single
        kept = np.flatnonzero(nnz > 1)
        renumber = np.full(len(matrix.lows), -1, dtype=np.int64)
        renumber[kept] = np.arange(kept.size)
        m_rows, m_cols, m_vals = renumber[matrix.rows[multi]], matrix.cols[multi], matrix.vals[multi]
        self.lows, self.highs = matrix.lows[kept], matrix.highs[kept]
        self._row_nnz = nnz[kept]
        order = np.argsort(m_cols, kind="stable")
        self._col_rows = m_rows[order]
        self._col_starts = np.concatenate(([0], np.cumsum(np.bincount(m_cols, minlength=n))))
        self._load_arrays(matrix.cells, np.concatenate(([0], np.cumsum(self._row_nnz))), m_cols, m_vals,
                          self.lows, self.highs)
        if self.n:
            inf = highspy.kHighsInf
            self.h.changeColsBounds(n, np.arange(n, dtype=np.int32), np.where(np.isfinite(lower), lower, -inf),
                                    np.where(np.isfinite(upper), upper, inf))
            self.h.setOptionValue("simplex_strategy", 4)
        self._fixed = np.zeros(0, dtype=np.int32)
        self._relaxed = np.zeros(0, dtype=np.int32)

    def play(self, fixed: dict[str, float]) -> Shared:
        """The program of a reader who knows the cells in `fixed` (besides the printed ones); the previous
        reader's cells are freed."""
        self.release()
        pairs = [(self.index[c], v) for c, v in fixed.items() if c in self.index]
        if not pairs or not self.n:
            return self
        cols = np.array([i for i, _ in pairs], dtype=np.int32)
        values = np.array([v for _, v in pairs], dtype=float)
        self.h.changeColsBounds(len(cols), cols, values, values)
        self._fixed = cols
        rows = np.concatenate([self._col_rows[self._col_starts[i]:self._col_starts[i + 1]] for i in cols])
        if rows.size:
            touched = np.bincount(rows, minlength=len(self._row_nnz))
            full = np.flatnonzero((touched == self._row_nnz) & (touched > 0)).astype(np.int32)
            if full.size:
                inf = highspy.kHighsInf
                self.h.changeRowsBounds(len(full), full, np.full(full.size, -inf), np.full(full.size, inf))  # type: ignore[attr-defined]
                self._relaxed = full
        return self

    def release(self) -> None:
        """Free the cells of the reader played last (back to their bounds) and restore the rows relaxed for it."""
        inf = highspy.kHighsInf
        if self._fixed.size:
            lower, upper = self.lower[self._fixed], self.upper[self._fixed]
            self.h.changeColsBounds(len(self._fixed), self._fixed, np.where(np.isfinite(lower), lower, -inf),
                                    np.where(np.isfinite(upper), upper, inf))
            self._fixed = np.zeros(0, dtype=np.int32)
        if self._relaxed.size:
            lows, highs = self.lows[self._relaxed], self.highs[self._relaxed]
            self.h.changeRowsBounds(  # type: ignore[attr-defined]  # in highspy, not its stubs
                len(self._relaxed), self._relaxed, np.where(np.isfinite(lows), lows, -inf),
                np.where(np.isfinite(highs), highs, inf))
            self._relaxed = np.zeros(0, dtype=np.int32)
