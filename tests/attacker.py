"""The member the anonymity tests play: keeps every pack's anonymised JSON, knows its own counts.

Written apart from klyngedesk.core.anonymise.audit on purpose: it reads only the published JSON (plus what
that JSON gives away in principle: the totals behind a pooled value and its interval, the counts behind a
shown composition row or baseline), and is granted the worst case where the JSON is silent: which code is
which clinic in every pack. `ranges(reader)` gives, per hidden count, the range its own linear program
(HiGHS) leaves. Also the synthetic clusters the tests run on, built through the core API.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import highspy
import numpy as np

from klyngedesk.core.model import Clinic, Cluster, Meeting, NewValue, Period
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.stats.funnel import FLAGS, _rate_limits, exact_tails, funnel_flags
from klyngedesk.core.stats.intervals import poisson_exact
from klyngedesk.core.store import Project

LS = "_ls"
COUNT_MARGIN = 3      # a hidden count keeps at least 4 whole values: never exactly or to +/-1
REFINE = 2.5          # ranges narrower than this many margins are solved again in whole numbers
# The whole-number solve costs minutes on a loaded machine (branch and bound over every cell of a part):
# it runs with KLYNGEDESK_ATTACKER=full, the default run uses the linear program with the inverted bounds.
EXACT = os.environ.get("KLYNGEDESK_ATTACKER") == "full"
FLAG_SIZES = 20000    # list sizes tried against a row's funnel flag, at most
SIZE_MARGIN = 0.03    # a list size not printed keeps a range of at least 3 % of itself (the core's promise)
PERIODS = [Period("2025H1", "1. halvår 2025", date(2025, 1, 1), date(2025, 6, 30)),
           Period("2025H2", "2. halvår 2025", date(2025, 7, 1), date(2025, 12, 31)),
           Period("2026H1", "1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30))]
# topic -> (list-size measure pairs, share measure pairs): numerator and parent measure per indicator
TOPICS = {"antibiotika": ("ab_ordinationer", ("pcv_ordinationer",)),
          "kol": ("kol_patienter", ("kol_lfu", "kol_rehab"))}


@dataclass
class GeneratedCluster:
    """A generated cluster: its project and the true counts (period, measure, clinic) -> value."""

    project: Project
    truth: dict[tuple[str, str, str], float] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def make_cluster(path: str | os.PathLike, topic: str, sizes: list[int], counts: list[list[tuple[int, list[int]]]],
                 missing: set[tuple[int, int]], threshold: int, list_size_display: str,
                 overdispersion: bool, missing_parts: frozenset[tuple[int, int]] = frozenset(),
                 extra: dict[str, list] | None = None) -> GeneratedCluster:
    """`counts[round][clinic]` = (parent count, [share counts]); `missing` = (round, clinic) without data;
    `missing_parts` = (round, clinic) with the parent count but without the share counts. `extra`: further
    topics (topic -> counts of the same shape, no round missing) printed in the same packs as `topic`."""
    project = Project.create(path, Cluster("Testklynge", "Testby", "Region Test",
                                           {"threshold": threshold, "list_size_display": list_size_display,
                                            "overdispersion": overdispersion, "code_scheme": "letters"}))
    out = GeneratedCluster(project)
    with project.transaction():
        for i in range(len(sizes)):
            key = f"K{i:02d}"
            out.names[key] = f"Lægehuset Testvej {i + 1}"
            project.add_clinic(Clinic(key, out.names[key], str(100000 + i)))
        values, lists = [], []
        for r, period in enumerate(PERIODS[:len(counts)]):
            project.add_period(period)
            for i in range(len(sizes)):
                key = f"K{i:02d}"
                size = sizes[i] + 13 * r
                lists.append((key, period.key, size))
                out.truth[(period.key, LS, key)] = float(size)
        for name, table in [(topic, counts), *(extra or {}).items()]:
            project.add_topic(builtin_topic(name))
            _values(out, values, name, table, missing if name == topic else set(),
                    missing_parts if name == topic else frozenset())
        project.set_list_sizes(lists)
        project.add_batch("generated", "", values, mapping="test", details={"kind": "test"})
    return out


def _values(out: GeneratedCluster, values: list, topic: str, counts: list, missing: set[tuple[int, int]],
            missing_parts: frozenset[tuple[int, int]]) -> None:
    """One topic's counts as values to import, and into the truth."""
    parent, shares = TOPICS[topic]
    for r, period in enumerate(PERIODS[:len(counts)]):
        for i, (par, parts) in enumerate(counts[r]):
            key = f"K{i:02d}"
            if (r, i) in missing:
                continue
            values.append(NewValue(key, parent, period.key, float(par)))
            out.truth[(period.key, parent, key)] = float(par)
            if (r, i) in missing_parts:
                continue
            for m, v in zip(shares, parts, strict=True):
                values.append(NewValue(key, m, period.key, float(v)))
                out.truth[(period.key, m, key)] = float(v)


def add_meeting(project: Project, key: str, when: date, topic: str | tuple[str, ...], period: str,
                baseline: str | None) -> None:
    topics = (topic,) if isinstance(topic, str) else topic
    project.save_meeting(Meeting(key=key, date=when, title=f"Møde {key}", topics=topics, period=period,
                                 baseline_period=baseline))


def scale_of(meta, days: int) -> float:
    """value = count x scale / denominator: 100 for a share, 1000 per list size (per year if annualised)."""
    if meta.unit == "percent":
        return 100.0
    return 1000 * (365.25 / days if meta.per_year else 1.0)


@lru_cache
def _meta(topic: str) -> dict:
    """The indicators' definitions, as every handout prints them."""
    return {ind.key: ind for ind in builtin_topic(topic).indicators}


class Attacker:
    """Relations (terms, low, high) over cells (period, measure, clinic) from every kept pack."""

    def __init__(self, truth: dict[tuple[str, str, str], float]) -> None:
        self.truth = truth
        self.relations: list[tuple[list[tuple[tuple, float]], float, float]] = []
        self.hidden: set[tuple] = set()
        self.sizes: set[tuple] = set()   # list sizes a pack did not print exactly (kept within SIZE_MARGIN)
        self.small: set[tuple] = set()
        # (count cell, size cell, [(count, lowest size, highest size)]): what a rate row's printed value,
        # interval and flag leave, whole numbers only (solved exactly where a range is narrow, see `ranges`)
        self.choices: list[tuple[tuple, tuple, list[tuple[int, float, float]]]] = []
        self._pooled: dict[tuple[str, str], float] = {}   # (indicator, period) -> pooled rate per patient
        self._funnel_drawn = False

    def _eq(self, cells: list[tuple]) -> None:
        cells = [c for c in cells if c in self.truth]
        if cells:
            s = sum(self.truth[c] for c in cells)
            self.relations.append(([(c, 1.0) for c in cells], s, s))

    def ratio_of_sums(self, nums: list[tuple], dens: list[tuple], value: float, scale: float, half: float) -> None:
        """sum(nums) x scale / sum(dens) was printed as `value`, to within `half`: two linear inequalities."""
        nums = [c for c in nums if c in self.truth]
        dens = [c for c in dens if c in self.truth]
        if not nums or not dens:
            return
        h = half + 1e-7 * max(1.0, abs(value))
        terms = [(c, scale) for c in nums]
        self.relations.append(([*terms, *((c, -(value + h)) for c in dens)], -math.inf, 0.0))
        self.relations.append(([*terms, *((c, -(value - h)) for c in dens)], 0.0, math.inf))

    def keep(self, pack: dict, topic: str, clinic_of: dict[str, str]) -> None:
        """Add one pack's anonymised JSON (`clinic_of`: the code or name printed -> clinic key)."""
        parent = TOPICS[topic][0]
        public = {terms[0][0] for terms, lo, hi in self.relations if len(terms) == 1 and lo == hi}
        hidden_before = set(self.hidden)
        rate_only: set[tuple] = set()
        cur, base, thr = pack["period"], pack["compare"], pack["threshold"]
        days = {p.key: p.days for p in PERIODS}
        for ind in pack["indicators"]:
            meta = _meta(topic)[ind["key"]]
            mn, md, unit = meta.numerator, LS if meta.denominator_kind == "list_size" else meta.denominator, \
                "share" if meta.unit == "percent" else "rate"
            step = ind.get("value_step") or 0.0
            contributing, base_contrib = [], []
            if md == LS and ind["pooled"] is not None:   # granted unrounded: the centre of the funnel limits
                inside = [clinic_of[r["code"]] for r in ind["rows"]]
                inside = [c for c in inside if (cur, mn, c) in self.truth and self.truth.get((cur, md, c), 0) > 0]
                total = sum(self.truth[(cur, md, c)] for c in inside)
                self._pooled[(ind["key"], cur)] = sum(self.truth[(cur, mn, c)] for c in inside) / total \
                    if total else 0.0
                self._funnel_drawn = any(r["flag"] for r in ind["rows"])
            for row in ind["rows"]:
                c = clinic_of[row["code"]]
                for rnd in (cur, base):
                    if rnd and unit == "share" and (rnd, md, c) in self.truth:
                        self.relations.append(([((rnd, md, c), 1.0), ((rnd, mn, c), -1.0)], 0.0, math.inf))
                if (cur, mn, c) in self.truth and (cur, md, c) in self.truth and self.truth[(cur, md, c)] > 0:
                    contributing.append(c)
                if base and (base, mn, c) in self.truth and (base, md, c) in self.truth \
                        and self.truth[(base, md, c)] > 0:
                    base_contrib.append(c)
                if row["numerator"] is not None:
                    self.relations.append(([((cur, mn, c), 1.0)], row["numerator"], row["numerator"]))
                if row["denominator"] is not None:
                    self.relations.append(([((cur, md, c), 1.0)], row["denominator"], row["denominator"]))
                elif md == LS and (cur, md, c) in self.truth:
                    self.sizes.add((cur, md, c))
                if row.get("denominator_band"):
                    lo, hi = (float(x) for x in row["denominator_band"].split("–"))
                    self.relations.append(([((cur, md, c), 1.0)], lo, hi))
                if row["value"] is not None:
                    scale = 100.0 if unit == "share" else 1000 * (365.25 / days[cur] if meta.per_year else 1.0)
                    h = step / 2 + 1e-7 * max(1.0, abs(row["value"]))
                    # value = num * scale / den, printed to the step
                    self.relations.append(([((cur, mn, c), scale), ((cur, md, c), -(row["value"] + h))], -math.inf, 0))
                    self.relations.append(([((cur, mn, c), scale), ((cur, md, c), -(row["value"] - h))], 0, math.inf))
                    if unit == "rate" and md == LS and row["numerator"] is None and (cur, mn, c) in self.truth:
                        self.invert_row(row, (cur, mn, c), (cur, md, c), scale, step, ind)
                if row.get("rate_only"):   # the rate alone is left out (its list size): the count may be printed
                    rate_only.add((cur, mn, c))
                if row["suppressed"]:
                    self.hidden.add((cur, mn, c))
                    if unit == "share":
                        self.hidden.add((cur, md, c))
                    if row.get("hidden_reason") == "small":
                        self.relations.append(([((cur, mn, c), 1.0)], 1.0, thr - 1.0))
                if base and row["baseline_value"] is not None:   # the change's interval gives the counts
                    self._eq([(base, mn, c)])
                    if unit == "share":
                        self._eq([(base, md, c)])
                if base and row.get("baseline_suppressed"):
                    self.hidden.add((base, mn, c))
                    if unit == "share":
                        self.hidden.add((base, md, c))
            if ind["pooled"] is not None:   # the pooled value and its interval give both totals
                self._eq([(cur, mn, c) for c in contributing])
                if md == LS and step:   # a rate rounded to the step: the total list size only as far as that goes
                    self.ratio_of_sums([(cur, mn, c) for c in contributing], [(cur, md, c) for c in contributing],
                                       ind["pooled"], scale_of(meta, days[cur]), step / 2)
                else:
                    self._eq([(cur, md, c) for c in contributing])
            if base and ind["change"] is not None:
                both = [c for c in contributing if c in base_contrib]
                for who, rnd in ((base_contrib, base), (both, base), (both, cur)):
                    self._eq([(rnd, mn, c) for c in who])
                    self._eq([(rnd, md, c) for c in who])
            for rt in ind.get("trend", ()):   # a further round: each clinic's value alone, under today's codes
                rnd = rt["period"]
                for item in rt["values"]:
                    c = clinic_of[item["code"]]
                    num, den = (rnd, mn, c), (rnd, md, c)
                    if unit == "share" and den in self.truth:
                        self.relations.append(([(den, 1.0), (num, -1.0)], 0.0, math.inf))
                    if item["value"] is not None and num in self.truth and den in self.truth:
                        self.ratio_of_sums([num], [den], item["value"], scale_of(meta, days[rnd]), step / 2)
                    elif item["code"] in rt["hidden"]:
                        self.hidden.add(num)
                        if unit == "share":
                            self.hidden.add(den)
                    if md == LS and pack["list_size_display"] != "exact" and den in self.truth:
                        self.sizes.add(den)
        for comp in pack["compositions"]:
            mn = _meta(topic)[comp["key"]].numerator
            ok = [c for c in {clinic_of[r["label"]] for r in comp["rows"]}
                  if self.truth.get((cur, parent, c), 0) > 0 and (cur, mn, c) in self.truth]
            for r in comp["rows"]:
                if all(s is not None for s in r["shares"]):
                    self._eq([(cur, mn, clinic_of[r["label"]])])
                    self._eq([(cur, parent, clinic_of[r["label"]])])
            if any(s is not None for s in comp["cluster"]):
                self._eq([(cur, mn, c) for c in ok])
                self._eq([(cur, parent, c) for c in ok])
        self.hidden -= public - hidden_before   # printed by an earlier pack: hiding it now protects nothing
        printed = {terms[0][0] for terms, lo, hi in self.relations if len(terms) == 1 and lo == hi}
        self.hidden -= (rate_only & printed) - hidden_before   # a rate left out beside its printed count
        self.sizes -= public
        self.check_sound()

    def invert_row(self, row: dict, num: tuple, den: tuple, scale: float, step: float, ind: dict) -> None:
        """A rate row whose count is not printed: every whole count n and list size d whose value, 95 %
        interval (exact Poisson, ends rounded outward to the step) and funnel flag (unadjusted limits around
        the pooled rate, granted unrounded) print as they do. Their ranges and convex hull go into the linear
        program, the (n, d) pairs themselves into the exact solve of `ranges`."""
        lo_d, hi_d = 1.0, math.inf
        if row["denominator"] is not None:
            lo_d = hi_d = float(row["denominator"])
        elif row.get("denominator_band"):
            lo_d, hi_d = (float(x) for x in row["denominator_band"].split("–"))
        v, h = row["value"], step / 2
        eps = 1e-7 * max(1.0, abs(v))
        top = (v + h + eps) * hi_d / scale if math.isfinite(hi_d) else 20000.0
        n = np.arange(0, int(min(20000, math.floor(top))) + 1, dtype=float)
        low = np.maximum(lo_d, n * scale / (v + h + eps))
        with np.errstate(divide="ignore"):
            high = np.minimum(hi_d, np.where(v - h - eps > 0, n * scale / max(v - h - eps, 1e-300), np.inf))
        q_low, q_high = poisson_exact(n)
        ends = ((row["ci_low"], q_low, 0.0, step), (row["ci_high"], q_high, -step, 0.0))
        for end, q, below, above in ends:   # the true end lies in [end + below, end + above]
            if end is None:
                continue
            a, b = end + below - eps, end + above + eps
            low = np.maximum(low, q * scale / b)
            with np.errstate(divide="ignore"):
                high = np.minimum(high, np.where(a > 0, q * scale / max(a, 1e-300), np.inf))
        low, high = np.ceil(low - 1e-9), np.floor(high + 1e-9)
        ok = (low <= high) & np.isfinite(high)
        if v - h - eps > 0:
            ok &= n > 0
        pooled = self._pooled.get((ind["key"], num[0]))
        if not ind.get("adjusted") and pooled and self._funnel_drawn and ok.any():   # no flag printed: inside
            ok = self._flag_filter(n, low, high, ok, FLAGS.index(row.get("flag") or ""), pooled, scale)
        if not ok.any():
            return
        pairs = [(int(k), float(a), float(b)) for k, a, b in zip(n[ok], low[ok], high[ok], strict=True)]
        truth = (self.truth[num], self.truth[den])
        assert any(k == truth[0] and a <= truth[1] <= b for k, a, b in pairs), ("unsound inversion", num, truth)
        self.relations.append(([(num, 1.0)], float(pairs[0][0]), float(pairs[-1][0])))
        self.relations.append(([(den, 1.0)], min(a for _, a, _ in pairs), max(b for _, _, b in pairs)))
        for a, b, c in _hull([(k, lo) for k, lo, _ in pairs] + [(k, hi) for k, _, hi in pairs]):
            self.relations.append(([(num, a), (den, b)], c, math.inf))
        self.choices.append((num, den, pairs))

    @staticmethod
    def _flag_filter(n: np.ndarray, low: np.ndarray, high: np.ndarray, ok: np.ndarray, flag: int,
                     rate: float, scale: float) -> np.ndarray:
        """Keep the counts for which some whole list size in their range gives the printed flag (the true
        value against the unadjusted limits drawn at that size), narrowing each range to those sizes. Rows
        that leave more than FLAG_SIZES sizes in all are not filtered (the flag says little beside them)."""
        if float(np.sum(np.where(ok, high - low + 1, 0))) > FLAG_SIZES:
            return ok
        for i in np.flatnonzero(ok):
            d = np.arange(low[i], high[i] + 1)
            limits = _rate_limits(np.full(d.shape, rate), np.round(rate * d, 2), 0.0, exact=True)
            drawn = [x * scale for x in limits]
            value = n[i] / d * scale   # the program's flag: outside the limit and confirmed by the exact tail
            tails = exact_tails(np.full(d.shape, n[i]), d, rate, "rate", where=(value < drawn[0]) | (value > drawn[1]))
            good = funnel_flags(value, *drawn, tails) == flag
            if not good.any():
                ok[i] = False
                continue
            low[i], high[i] = d[good].min(), d[good].max()
        return ok

    def check_sound(self) -> None:
        """The attack is sound: the true counts satisfy every relation it holds."""
        self.small = {terms[0][0] for terms, lo, hi in self.relations if len(terms) == 1 and lo == 1.0 and hi > lo}
        for terms, lo, hi in self.relations:
            value = sum(coef * self.truth.get(c, 0.0) for c, coef in terms)
            slack = 1e-6 * max(1.0, *(abs(coef * self.truth.get(c, 0.0)) for c, coef in terms))
            assert lo - slack <= value <= hi + slack, ("unsound relation", terms, lo, hi, value)

    def ranges(self, readers: list[str | None], exact: bool = EXACT
               ) -> dict[tuple[str | None, tuple], tuple[float, float]]:
        """(reader, hidden count of another clinic) -> (lowest, highest) the reader's linear program allows;
        with `exact`, a range the linear program leaves only a little wider than the margin is solved again
        in whole numbers (every count and list size is one), with each inverted rate row's (count, size)
        pairs as they are, not their hull: integer reasoning the linear program cannot do.

        Shared work, not a weaker attack: cells printed exactly are constants for everyone; the rest falls
        apart into components that share no relation, and a reader's knowledge matters only in a
        component holding its own cells (elsewhere it sees what an outsider sees, reported as reader
        None). Each component is one HiGHS model; a reader fixes its own cells through their bounds."""
        public: dict[tuple, float] = {}
        for terms, lo, hi in self.relations:
            if len(terms) == 1 and lo == hi:
                public.setdefault(terms[0][0], lo)
        out: dict[tuple[str | None, tuple], tuple[float, float]] = {}
        # a hidden count that is truly 0 identifies no patient (zeros are printed by rule): not a target
        targets = sorted(c for c in self.hidden | self.sizes if c in self.truth and (c in self.sizes or self.truth[c]))
        for c in targets:
            if c in public:   # a hidden count printed after all: every other reader has it
                out[(None, c)] = (public[c], public[c])
        parent: dict[tuple, tuple] = {}

        def find(x: tuple) -> tuple:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        rows = []
        for terms, lo, hi in self.relations:
            free = [(c, coef) for c, coef in terms if c not in public]
            if not free:
                continue
            const = sum(coef * public[c] for c, coef in terms if c in public)
            rows.append((free, lo - const, hi - const))
            for c, _ in free[1:]:
                a, b = find(free[0][0]), find(c)
                if a != b:
                    parent[a] = b
        comps: dict[tuple, list] = {}
        for row in rows:
            comps.setdefault(find(row[0][0][0]), []).append(row)
        wanted = [c for c in targets if c not in public]
        by_comp: dict[tuple, list[tuple]] = {}
        for c in wanted:
            by_comp.setdefault(find(c), []).append(c)
        for root, cells in by_comp.items():
            comp_rows = comps.get(root, [])
            if not comp_rows:   # in no relation: nothing bounds it from above
                for c in cells:
                    out[(None, c)] = (0.0, math.inf)
                continue
            owners = {c[2] for row in comp_rows for c, _ in row[0]}
            # An outsider knows less than any clinic; it is played where a target's owner is the only owner.
            players = [r for r in readers if r is None and len(owners) < 2] + \
                [r for r in readers if r is not None and r in owners]
            model = _Model(comp_rows, self.truth)
            for reader in players:
                todo = [c for c in cells if c[2] != reader]
                if todo:
                    for c, span in model.spans(todo, reader, [self.need(c) for c in todo]).items():
                        out[(reader, c)] = span
                        if exact and _wide(*span, self.need(c), c[1] != LS) \
                                and not _wide(*span, REFINE * self.need(c), c[1] != LS):
                            out[(reader, c)] = model.exact_span(c, reader, self.choices)
        return out

    def need(self, cell: tuple) -> float:
        """How wide a target's range must stay: a count 4 whole values (never exactly or +/-1), a list size
        not printed SIZE_MARGIN of itself."""
        return SIZE_MARGIN * self.truth[cell] if cell[1] == LS else COUNT_MARGIN

    def pinned(self, readers: list[str | None]) -> list[tuple]:
        """(reader, cell, low, high) for every hidden count a reader narrows to +/-1 (3 values) or less, and
        every list size not printed that it narrows to less than SIZE_MARGIN."""
        found = []
        for (reader, cell), (lo, hi) in sorted(self.ranges(readers).items(), key=repr):
            if not _wide(lo, hi, self.need(cell), cell[1] != LS):
                found.append((reader, cell, lo, hi))
        return found


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float, float]]:
    """(a, b, c) with a x + b y >= c for every edge of the points' convex hull (gift wrapping by a sorted
    sweep; nothing when the points lie on a line), loosened by a hair so that the points stay inside."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return []

    def turn(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    chain: list = []
    for sweep in (pts, pts[::-1]):
        part: list = []
        for q in sweep:
            while len(part) >= 2 and turn(part[-2], part[-1], q) <= 0:
                part.pop()
            part.append(q)
        chain += part[:-1]
    if len(chain) < 3:
        return []
    out = []
    for p, q in zip(chain, chain[1:] + chain[:1], strict=True):
        a, b = p[1] - q[1], q[0] - p[0]          # inside lies to the left of p -> q
        norm = math.hypot(a, b)
        c = (a * p[0] + b * p[1]) / norm
        out.append((a / norm, b / norm, c - 1e-6 * max(1.0, abs(c))))
    return out


def _wide(lo: float, hi: float, need: float, whole: bool) -> bool:
    """Whether (lo, hi) is at least `need` wide (counts: rounded inward to whole numbers first)."""
    if whole:
        lo = math.ceil(lo - 1e-6) if math.isfinite(lo) else lo
        hi = math.floor(hi + 1e-6) if math.isfinite(hi) else hi
    return hi - lo >= need - 1e-9


class _Model:
    """One component's relations as one HiGHS model (cells >= 0); a reader's own cells fixed by bounds."""

    def __init__(self, rows: list, truth: dict[tuple, float]) -> None:
        self.cells = sorted({c for terms, _, _ in rows for c, _ in terms})
        self.index = {c: i for i, c in enumerate(self.cells)}
        self.truth = truth
        self.n = n = len(self.cells)
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, inf)
        starts, index, values, lows, highs = [0], [], [], [], []
        for terms, lo, hi in rows:
            index += [self.index[c] for c, _ in terms]
            values += [coef for _, coef in terms]
            starts.append(len(index))
            lows.append(lo if math.isfinite(lo) else -inf)
            highs.append(hi if math.isfinite(hi) else inf)
        lp.num_row_ = len(lows)
        lp.row_lower_ = np.array(lows, dtype=float)
        lp.row_upper_ = np.array(highs, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values, dtype=float)
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.passModel(lp)
        self.lp = lp
        self.mip: tuple[highspy.Highs, int] | None = None
        self.all = np.arange(n, dtype=np.int32)

    def exact_span(self, target: tuple, reader: str | None, choices: list) -> tuple[float, float]:
        """(lowest, highest) of the target over whole-number solutions (HiGHS branch and bound): every cell
        integer, each inverted rate row's count one of its candidates with that count's list sizes. Where the
        solver stops early, its proven bounds are used (never narrower than the truth)."""
        if self.mip is None:
            self.mip = self._integer_model(choices)
        h, n = self.mip
        low, high = np.zeros(n), np.full(n, highspy.kHighsInf)
        high[self.n:] = 1.0
        for c, i in self.index.items():
            if reader is not None and c[2] == reader and c in self.truth:
                low[i] = high[i] = self.truth[c]
        h.changeColsBounds(n, np.arange(n, dtype=np.int32), low, high)
        cost = np.zeros(n)
        cost[self.index[target]] = 1.0
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        ends = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            info = h.getInfo()
            if status == highspy.HighsModelStatus.kOptimal:
                ends.append(info.objective_function_value)
            elif status == highspy.HighsModelStatus.kUnbounded:
                ends.append(-math.inf if sense == highspy.ObjSense.kMinimize else math.inf)
            else:   # stopped early: the dual bound still bounds every whole solution
                bound = info.mip_dual_bound
                ends.append(bound if math.isfinite(bound) else
                            (-math.inf if sense == highspy.ObjSense.kMinimize else math.inf))
        v = self.truth[target]
        assert ends[0] <= v + 1e-6 and ends[1] >= v - 1e-6, ("whole-number program excludes the truth", target)
        return float(ends[0]), float(ends[1])

    def _integer_model(self, choices: list) -> tuple[highspy.Highs, int]:
        """The component's relations with integral cells, plus per inverted rate row one binary per
        candidate count: sum b = 1, count = sum k b, size between sum low_k b and sum high_k b."""
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", 10.0)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.passModel(self.lp)
        inf = highspy.kHighsInf
        h.changeColsIntegrality(self.n, self.all, np.full(self.n, highspy.HighsVarType.kInteger))
        n = self.n
        for num, den, pairs in choices:
            if num not in self.index or den not in self.index or len(pairs) > 200:
                continue
            k = len(pairs)
            first = n
            h.addCols(k, np.zeros(k), np.zeros(k), np.ones(k), 0, np.array([], dtype=np.int32),
                      np.array([], dtype=np.int32), np.array([], dtype=float))
            h.changeColsIntegrality(k, np.arange(first, first + k, dtype=np.int32),
                                    np.full(k, highspy.HighsVarType.kInteger))
            n += k
            cols = np.arange(first, first + k, dtype=np.int32)
            counts = np.array([p[0] for p in pairs], dtype=float)
            lows = np.array([p[1] for p in pairs], dtype=float)
            highs = np.array([p[2] for p in pairs], dtype=float)
            for extra, coef, lo, hi in ((None, np.ones(k), 1.0, 1.0), (num, -counts, 0.0, 0.0),
                                        (den, -lows, 0.0, inf), (den, -highs, -inf, 0.0)):
                idx = cols if extra is None else np.concatenate([[self.index[extra]], cols]).astype(np.int32)
                val = coef if extra is None else np.concatenate([[1.0], coef])
                h.addRow(lo, hi, len(idx), idx, val)
        return h, n

    def _fix(self, reader: str | None) -> None:
        low, high = np.zeros(self.n), np.full(self.n, highspy.kHighsInf)
        for c, i in self.index.items():
            if reader is not None and c[2] == reader and c in self.truth:
                low[i] = high[i] = self.truth[c]
        self.h.changeColsBounds(self.n, self.all, low, high)

    def _solve(self, cost: np.ndarray, sense) -> np.ndarray | None:
        """The optimal point, None when unbounded."""
        self.h.changeColsCost(self.n, self.all, cost)
        self.h.changeObjectiveSense(sense)
        self.h.run()
        status = self.h.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded,
                          highspy.HighsModelStatus.kInfeasible):   # numerically unsure: solve afresh
            self.h.clearSolver()
            self.h.run()
            status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return np.array(self.h.getSolution().col_value)
        if status == highspy.HighsModelStatus.kUnbounded:
            return None
        raise AssertionError(f"the attacker's program is {status}: a relation is wrong")

    def spans(self, targets: list[tuple], reader: str | None, need: list[float]) -> dict[tuple, tuple[float, float]]:
        """(lowest, highest) of each target. Feasible points certify a range wide enough without solving
        for it (the truth, and the points that push every target up or down at once); the rest are
        minimised and maximised one by one."""
        self._fix(reader)
        idx = [self.index[c] for c in targets]
        truth = np.array([self.truth.get(c, 0.0) for c in self.cells])
        low, high = truth[idx].copy(), truth[idx].copy()

        def see(point: np.ndarray | None) -> None:
            if point is not None:
                np.minimum(low, point[idx], out=low)
                np.maximum(high, point[idx], out=high)

        every = np.zeros(self.n)
        every[idx] = 1.0
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            see(self._solve(every, sense))
        out = {}
        for k, c in enumerate(targets):
            whole = c[1] != LS
            if _wide(low[k], high[k], need[k], whole):
                out[c] = (float(low[k]), float(high[k]))
                continue
            cost = np.zeros(self.n)
            cost[idx[k]] = 1.0
            top = self._solve(cost, highspy.ObjSense.kMaximize)
            see(top)
            if top is None:
                out[c] = (float(low[k]), math.inf)
                continue
            if not _wide(low[k], high[k], need[k], whole):
                see(self._solve(cost, highspy.ObjSense.kMinimize))
            out[c] = (float(low[k]), float(high[k]))
        return out


def singled_out_by_attacker(packs: list[tuple[dict, dict[str, str], set[str]]], sizes: dict[tuple[str, str], float],
                            rough: float) -> set[str]:
    """Non-consenting clinics of the last pack that a member picks out: a band or exact size that fits at
    most one other clinic (sizes known within `rough`), or a value printed beside its code that was
    printed beside its name in an earlier pack. `packs`: (json, printed label -> clinic, consenting)."""
    last, clinic_of, consenting = packs[-1]
    found: set[str] = set()
    cur = last["period"]
    for ind in last["indicators"]:
        for row in ind["rows"]:
            c = clinic_of[row["code"]]
            if c in consenting:
                continue
            band = None
            if row.get("denominator_band"):
                band = tuple(float(x) for x in row["denominator_band"].split("–"))
            elif row["denominator"] is not None and ind["key"].endswith("_pr1000"):
                band = (row["denominator"], row["denominator"])
            if band:
                fits = [k for (p, k), s in sizes.items() if p == cur and k != c
                        and band[0] <= s * (1 + rough) and band[1] + 1 >= s * (1 - rough)]
                if len(fits) <= 1:
                    found.add(c)
    for earlier, clinic_of_e, _ in packs[:-1]:
        for ind_e in earlier["indicators"]:
            named = {(earlier["period"], clinic_of_e[r["code"]]): r["value"] for r in ind_e["rows"]
                     if r["clinic"] and r["value"] is not None}
            for ind in last["indicators"]:
                if ind["key"] != ind_e["key"]:
                    continue
                for rt in ind.get("trend", ()):
                    for item in rt["values"]:
                        c = clinic_of[item["code"]]
                        v = item["value"]
                        if c in consenting or v is None or (rt["period"], c) not in named:
                            continue
                        step = (ind.get("value_step") or 0) + (ind_e.get("value_step") or 0)
                        rivals = [x for x in rt["values"] if x is not item and x["value"] is not None
                                  and abs(named[(rt["period"], c)] - x["value"]) <= step / 2 + 1e-6]
                        if abs(named[(rt["period"], c)] - v) <= step / 2 + 1e-6 and len(rivals) <= 1:
                            found.add(c)
                for row in ind["rows"]:
                    c = clinic_of[row["code"]]
                    for rnd, v in ((last["period"], row["value"]), (last["compare"], row["baseline_value"])):
                        if c in consenting or v is None or (rnd, c) not in named:
                            continue
                        step = (ind.get("value_step") or 0) + (ind_e.get("value_step") or 0)
                        col = "value" if rnd == last["period"] else "baseline_value"
                        rivals = [r for r in ind["rows"] if r is not row and r[col] is not None
                                  and abs(named[(rnd, c)] - r[col]) <= step / 2 + 1e-6]
                        if abs(named[(rnd, c)] - v) <= step / 2 + 1e-6 and len(rivals) <= 1:
                            found.add(c)
    return found
