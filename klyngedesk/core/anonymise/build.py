"""From the identified indicator table to the anonymised table that group material is rendered from."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from klyngedesk.core.anonymise.audit import Breach, audit, marks_small, required_width
from klyngedesk.core.anonymise.codes import consenting_names, meeting_codes
from klyngedesk.core.anonymise.disclosure import (
    LIST_SIZE,
    SEP,
    Disclosure,
    Pieces,
    build_disclosure,
    cell_key,
    cell_parts,
    rate_scale,
)
from klyngedesk.core.anonymise.group_change import with_group_changes
from klyngedesk.core.anonymise.leak import check_no_leak
from klyngedesk.core.anonymise.presence import changes_to_withhold, linked_rounds
from klyngedesk.core.anonymise.program import wide
from klyngedesk.core.anonymise.reprints import hidden_before, is_versioned, kept_threshold, versioned
from klyngedesk.core.anonymise.summaries import (
    WITHHELD,
    GroupSummary,
    add_summary_relations,
    coarser,
    first_step,
    group_summary,
    nice_step,
)
from klyngedesk.core.anonymise.suppression import Suppression, SuppressionProblem, suppress
from klyngedesk.core.anonymise.types import (
    DECILES,
    MIN_DECILE_CLINICS,
    AnonymisedComposition,
    AnonymisedIndicator,
    AnonymisedRow,
    AnonymisedTable,
    RoundValues,
)
from klyngedesk.core.collate.collate import collate, collate_many
from klyngedesk.core.collate.composition import OTHER
from klyngedesk.core.collate.compute import min_rank
from klyngedesk.core.collate.table import (
    Change,
    ClinicRow,
    Composition,
    Funnel,
    IndicatorResult,
    IndicatorTable,
)
from klyngedesk.core.settings import LIST_SIZE_DISPLAY, THRESHOLD, resolve
from klyngedesk.core.stats.funnel import FLAGS, funnel, funnel_flags
from klyngedesk.core.stats.wide_interval import wide_interval
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, tr

LIST_SIZE_DISPLAYS = ("bands", "hidden", "exact")
BAND_WIDTH = 2000
ROUNDS = ("cur", "base")
MIN_TREND_ROUNDS = 3   # with two rounds the before/after is the trend


def list_size_band(size: float | None, width: int = BAND_WIDTH) -> str | None:
    """A list size as a band, e.g. 4.321 -> "4000–5999" (so a large practice is not pointed out exactly)."""
    if size is None or not np.isfinite(size):
        return None
    low = int(size // width) * width
    return f"{low}–{low + width - 1}"


def suppression_problem(table: IndicatorTable, threshold: int,
                        rounds: Sequence[IndicatorTable] = ()) -> SuppressionProblem:
    """Every count shown in group material and every sum a reader could use, for both rounds (and the
    trend's other `rounds`, see `_add_trend_round`)."""
    prob = SuppressionProblem(threshold=threshold)
    for other in _other_rounds(table, rounds):
        _add_trend_round(prob, other)
    for ind in table.indicators:
        measured = ind.denominator_kind == "measure"
        for rnd in ROUNDS:
            contributing = []
            for row in ind.rows:
                num, den = _counts(row, rnd)
                prob.add_cell((rnd, ind.numerator_measure, row.clinic), num, row.clinic)
                if measured:
                    prob.add_cell((rnd, ind.denominator_measure, row.clinic), den, row.clinic)
                # Exactly the rows inside the pooled value (compute() leaves out unknown and implausible ones).
                if (row.value if rnd == "cur" else row.baseline_value) is not None:
                    contributing.append(row.clinic)
            # The cluster total of the numerator (and of a measured denominator) is shown via the pooled value.
            prob.add_equation((rnd, ind.key, "num"), [(rnd, ind.numerator_measure, c) for c in contributing])
            if measured:
                prob.add_equation((rnd, ind.key, "den"), [(rnd, ind.denominator_measure, c) for c in contributing])
                rests = []
                for c in contributing:  # a share's remainder, den - num, is known from the two counts
                    rest = ("rest", rnd, ind.key, c)
                    num, den = (prob.counts.get((rnd, m, c)) for m in (ind.numerator_measure, ind.denominator_measure))
                    if num is not None and den is not None:
                        prob.add_derived(rest, [(rnd, ind.numerator_measure, c), (rnd, ind.denominator_measure, c)],
                                         den - num, c)
                        prob.add_equation(None, [(rnd, ind.denominator_measure, c), (rnd, ind.numerator_measure, c),
                                                 rest])
                        rests.append(rest)
                prob.add_equation((rnd, ind.key, "rest"), rests)
    for comp in table.compositions:
        members = [p.key for p in comp.parts if p.key != OTHER]
        if len(members) == 1 and any(ind.key == comp.key for ind in table.indicators):
            continue  # a two-part share: its remainder is already covered above
        for clinic in comp.counts:
            prob.add_cell(("cur", comp.total_measure, clinic), comp.totals.get(clinic), clinic)
        for rnd in ROUNDS:
            _add_composition(prob, comp, members, rnd)
    return prob


def _other_rounds(table: IndicatorTable, rounds: Sequence[IndicatorTable]) -> list[IndicatorTable]:
    """The trend's rounds other than the table's own two (whose values the rows already carry)."""
    return [r for r in rounds if r.period not in (table.period, table.compare)]


def _add_trend_round(prob: SuppressionProblem, rt: IndicatorTable) -> None:
    """A further round of the trend: only each clinic's value is shown (no count, no total, no pooled value;
    the deciles are taken from the shown values), so its cells are the counts behind each value, keyed by
    the round's period, with a share's remainder (den - num) per clinic. A small count or remainder hides
    the clinic's value in that round."""
    rnd = rt.period
    for ind in rt.indicators:
        measured = ind.denominator_kind == "measure"
        for row in ind.rows:
            if row.value is None:
                continue
            prob.add_cell((rnd, ind.numerator_measure, row.clinic), row.numerator, row.clinic)
            if not measured:
                continue
            prob.add_cell((rnd, ind.denominator_measure, row.clinic), row.denominator, row.clinic)
            num, den = (prob.counts.get((rnd, m, row.clinic)) for m in (ind.numerator_measure,
                                                                        ind.denominator_measure))
            if num is not None and den is not None:
                rest = ("rest", rnd, ind.key, row.clinic)
                sources = [(rnd, ind.numerator_measure, row.clinic), (rnd, ind.denominator_measure, row.clinic)]
                prob.add_derived(rest, sources, den - num, row.clinic)
                prob.add_equation(None, [sources[1], sources[0], rest])


def _add_composition(prob: SuppressionProblem, comp: Composition, members: list[str], rnd: str) -> None:
    """A composition's "others" (total - parts) per clinic and their cluster sum, in one round. The baseline
    composition is not shown, but its parts and total are (through baseline rates and shares), so a reader
    could form its "others" just the same."""
    others = []
    for clinic in comp.counts:
        sources = [(rnd, m, clinic) for m in members] + [(rnd, comp.total_measure, clinic)]
        other = ("other", comp.key, clinic) if rnd == "cur" else ("other", rnd, comp.key, clinic)
        if rnd == "cur":
            value = comp.counts[clinic][-1]
        elif all(c in prob.counts for c in sources):
            value = prob.counts[sources[-1]] - sum(prob.counts[c] for c in sources[:-1])
        else:
            value = None
        if value is not None:
            prob.add_derived(other, sources, value, clinic)
            prob.add_equation(None, [*sources, other])
            others.append(other)
    prob.add_equation((rnd, comp.key, "other"), others)
    for m in members:
        prob.add_equation((rnd, comp.key, m), [(rnd, m, c) for c in comp.counts])
    # The cluster shares tell the total over the clinics with every part, which may be fewer than the rate's
    # pooled total covers: the two totals differ by those clinics' counts (a sum to protect like any other).
    full = [c for c, s in comp.shares.items() if all(v is not None for v in s)]
    prob.add_equation((rnd, comp.key, "total"), [(rnd, comp.total_measure, c) for c in full])


def _counts(row: ClinicRow, rnd: str) -> tuple[float | None, float | None]:
    return (row.numerator, row.denominator) if rnd == "cur" else (row.baseline_numerator, row.baseline_denominator)


def anonymise(table: IndicatorTable, codes: dict[str, str], *, meeting: str, named: dict[str, str] | None = None,
              threshold: int = 5, list_size_display: str = "bands", lang: str | None = None,
              earlier: Sequence[Disclosure] = (), audited: bool = True,
              rounds: Sequence[IndicatorTable] = ()) -> AnonymisedTable:
    """Replace clinic keys by codes (or by name for consenting clinics in `named`: key -> display name),
    suppress counts under `threshold` with complementary suppression (totals, other clinics, before/after
    differences, composition remainders), show list sizes as bands/hidden/exact, and give the
    cluster median/quartiles/range over every clinic, hidden ones too, no finer than the audit allows
    (see summaries.py). `lang` is the language of the texts it adds (a
    composition's "others"; None = the current language). Pure function: no project access.

    With `audited` (the default) the result is audited with the attacker's linear program over this
    table and the `earlier` packs' disclosure models (see `audit.py`): complementary cells are added, and
    rates of list-size indicators coarsened, until no reader playing any clinic narrows a hidden count
    to +/-1 or a hidden list size to within 3 %.

    `rounds`: one-round tables (collated without a baseline) of every round of the trend, oldest first,
    the table's own period and baseline among them; with three or more, each indicator gets its `trend`
    (each clinic's value per round, suppressed per round, and the deciles), audited with the rest.
    """
    return anonymise_with_disclosure(table, codes, meeting=meeting, named=named, threshold=threshold,
                                     list_size_display=list_size_display, lang=lang, earlier=earlier,
                                     audited=audited, rounds=rounds, model=audited)[0]


MAX_AUDIT_ROUNDS = 400
# A round of mending rebuilds only the indicators (rows, and their part of the disclosure model) whose inputs it
# changed; False: everything every round (the anonymiser before it, kept as the tests' reference).
REUSE = True
MAX_STEP_SHARE = 0.2   # a step above a fifth of the indicator's typical value says nothing: hide cells instead


def anonymise_with_disclosure(table: IndicatorTable, codes: dict[str, str], *, meeting: str,
                              named: dict[str, str] | None = None, threshold: int = 5,
                              list_size_display: str = "bands", lang: str | None = None,
                              earlier: Sequence[Disclosure] = (), audited: bool = True,
                              rounds: Sequence[IndicatorTable] = (), model: bool = True,
                              ) -> tuple[AnonymisedTable, Disclosure, list[Breach]]:
    """`anonymise`, also returning the table's disclosure model and what the audit still finds (breaches
    that only earlier packs cause, which nothing in this pack can mend; empty in the usual case). Unaudited
    and without `model`, the model is left empty (nobody reads it: building it costs more than the table)."""
    if list_size_display not in LIST_SIZE_DISPLAYS:
        raise KlyngeError("Unknown list size display {value}; choose bands, hidden or exact.", value=list_size_display)
    named = named or {}
    missing = sorted({r.clinic for ind in table.indicators for r in ind.rows} - set(codes))
    if missing:
        raise KlyngeError("The clinic {key} has no code in the draw for this meeting; draw the codes again.",
                          key=missing[0])
    rounds = list(rounds) if len(rounds) >= MIN_TREND_ROUNDS else []
    threshold = kept_threshold(threshold, earlier, meeting, table.topic)
    problem = suppression_problem(table, threshold, rounds)
    named_before = {(x[0], x[1], x[3]) for d in earlier for x in d.named if x[3] not in named}
    linked, unlinked = linked_rounds(table, rounds, codes, named)   # who joined or left, missed a round (presence.py)
    named_before |= linked
    steps = {ind.key: _first_step(ind) for ind in table.indicators
             if ind.denominator_kind == "list_size" and list_size_display != "exact"}
    also_hidden: set = set(unlinked) | hidden_before(table, earlier, meeting)
    also_withheld: set = changes_to_withhold(table, named)
    no_intervals: set[str] = set()
    no_sizes: set[str] = set()   # clinics whose list size of the current round this pack leaves out
    breaches: list[Breach] = []
    hint = None
    summary_steps: dict[str, float] = {}
    blank: set[str] = set()          # indicators whose summaries resting on hidden values are left out
    summaries_on = not audited       # the counts' pattern is audited first, as if no summary were printed
    sup = suppress(problem)
    legacy: frozenset[tuple] = frozenset()
    legacy_breaches: list[Breach] = []
    checked_legacy = False
    checked_versions = False
    asked: set[tuple] = set()   # (target, reader) of this pack's breaches asked of the earlier packs alone
    packs: list[Disclosure] | None = None   # the earlier meetings' prints (this one's topics: audited here)
    told: set[str] = set()                  # the cells they say anything of
    rates: set[tuple[str, str, str]] = set()
    memo: dict[tuple, list[Breach]] = {}   # the audit's answers per part of the model, for the parts no mend changed
    # each indicator's rows and its part of the model as the last round made them, for those no mend changed
    kept: dict[str, tuple[tuple, AnonymisedIndicator]] | None = {} if REUSE else None
    pieces = Pieces() if REUSE else None
    for _ in range(MAX_AUDIT_ROUNDS):
        if not summaries_on:
            sup = replace(suppress(problem, also_hidden=also_hidden, also_withheld=also_withheld),
                          rates=frozenset(rates))
        keys = set(blank) if summaries_on else {ind.key for ind in table.indicators}
        summaries = _summaries(table, sup, steps, summary_steps, keys)
        result = _table(table, sup, codes, named, threshold, list_size_display, lang, meeting, steps, named_before,
                        summaries, rounds, no_intervals, kept, no_sizes)
        if not audited and not model:
            return result, Disclosure(result.meeting, result.topic, result.threshold), []
        disclosure = build_disclosure(table, result, codes, _other_rounds(table, rounds), pieces)
        if not checked_versions:   # a value changed since an earlier print showed it: a cell of its own there
            earlier, checked_versions = versioned([*earlier, disclosure])[:-1], True
        # The median, quartiles and range rest on hidden clinics' values too: the audit sees what they tell.
        summary_cells = {ind.key: add_summary_relations(disclosure, ind, summaries[ind.key], table.period)
                         for ind in table.indicators}
        if not audited:
            return result, disclosure, []
        breaches = audit([*earlier, disclosure], each_part=True, hint=hint, known_breaches=legacy, memo=memo)
        if breaches and not checked_legacy and any(b.meeting != meeting or any(is_versioned(c) for c, _ in
                                                                               b.target.terms) for b in breaches):
            # A breach of an earlier pack's target may be one that the earlier packs alone cause (printed by a
            # version that did not audit them together): nothing in this pack mends it, so it is reported, not
            # chased by hiding every cell of this one.
            checked_legacy = True
            legacy_breaches = list({(b.target.terms, b.reader): b for b in [*legacy_breaches, *audit(earlier)]}.values())
            legacy = frozenset((b.target.terms, b.reader) for b in legacy_breaches)
            continue
        if packs is None:
            packs = [e for e in earlier if e.meeting != meeting]
            told = {c for e in packs for r in e.relations for c, _ in r.terms}
        given = _told_before(breaches, packs, told, disclosure, asked) if breaches and packs else []
        if given:
            # Likewise a count that the earlier packs alone already give away (printed there beside its code to
            # within +/-1, not hidden), hidden here: nothing in this pack protects it any more.
            legacy_breaches += given
            legacy = frozenset((b.target.terms, b.reader) for b in legacy_breaches)
            continue
        if not breaches:
            if summaries_on:
                return result, disclosure, legacy_breaches
            summaries_on = True      # the pattern holds: now print the summaries as finely as it allows
            continue
        hint = breaches[0].target.terms[0][0]
        if summaries_on:   # the pattern held without them: the summaries narrow it, print them coarser
            _coarsen_summaries(breaches, summary_cells, summaries, summary_steps, blank, table)
            continue
        pattern = _Pattern(steps, also_hidden, also_withheld, no_intervals, rates, no_sizes)
        if not _mend_parts(breaches, pattern, table, problem, sup, disclosure, [*earlier, disclosure]):
            break
    return result, disclosure, audit([*earlier, disclosure])


def _told_before(breaches: list[Breach], earlier: Sequence[Disclosure], told: set[str], disclosure: Disclosure,
                 asked: set[tuple]) -> list[Breach]:
    """The breaches of this pack's hidden quantities that the readers already get from the `earlier` packs alone
    (their relations, none of this pack's), as narrowly as the audit of both forbids, among those not `asked`
    before (extended). Only a target with a cell among those they `told` anything of can be narrowed by them."""
    meeting = disclosure.meeting
    ask = {(b.target.terms, b.reader): b.target for b in breaches if b.meeting == meeting
           and (b.target.terms, b.reader) not in asked}
    asked |= ask.keys()
    ask = {k: t for k, t in ask.items() if any(c in told for c, _ in t.terms)}
    if not ask:
        return []
    printed = [Disclosure(e.meeting, e.topic, e.threshold, relations=e.relations, truth=e.truth) for e in earlier]
    hidden = Disclosure(meeting, disclosure.topic, disclosure.threshold,
                        targets=list({t.terms: t for t in ask.values()}.values()), truth=disclosure.truth)
    return [b for b in audit([*printed, hidden], readers={r for _, r in ask}) if (b.target.terms, b.reader) in ask
            and not wide(b.target, b.low, b.high, required_width(b.target, b.value))]


def _summaries(table: IndicatorTable, sup: Suppression, steps: dict[str, float],
               summary_steps: dict[str, float], blank: set[str]) -> dict[str, GroupSummary]:
    """Each indicator's median, quartiles and range over every clinic (see summaries.py), at the step the
    audit has reached (first: one count's worth of the hidden clinics they rest on); for the indicators in
    `blank` the summaries resting on hidden values are left out."""
    out = {}
    for ind in table.indicators:
        hidden = {r.clinic for r in ind.rows if _row_hidden(ind, r, sup, "cur")}
        step = summary_steps.get(ind.key)
        if step is None:
            step = first_step(ind, hidden, steps.get(ind.key))
        out[ind.key] = group_summary(ind, hidden, steps.get(ind.key), step, blank=ind.key in blank)
    return out


def _coarsen_summaries(breaches: list[Breach], cells: dict[str, set[str]], summaries: dict[str, GroupSummary],
                       summary_steps: dict[str, float], blank: set[str], table: IndicatorTable) -> None:
    """One step coarser for the summaries the breached quantities appear in (all that tell anything about a
    hidden value when none does directly); past the spread of the values they are withheld, then blanked."""
    target = {c for b in breaches for c, _ in b.target.terms}
    telling = [k for k, c in cells.items() if c and k not in blank]
    for key in [k for k in telling if cells[k] & target] or telling:
        step = summaries[key].step
        if step is None or step == WITHHELD:
            blank.add(key)
        else:
            summary_steps[key] = coarser(step, (r.value for r in table.indicator(key).rows if r.value is not None))
    if not telling:    # nothing printed tells about a hidden value any more: nothing left to coarsen
        blank.update(cells)


def _first_step(ind: IndicatorResult) -> float:
    """Rates per list size are printed to 0.1 (or 1/1000 of the largest value) at most: an unrounded rate
    of a count over a list size gives both back as a fraction. The audit coarsens from there."""
    top = max((v for r in ind.rows for v in (r.ci_high, r.value, r.baseline_value) if v), default=0.0)
    return nice_step(max(0.1, top / 1000))


def max_step(ind: IndicatorResult) -> float:
    """The coarsest step the audit may choose for a rate: a fifth of its median clinic value (never below the
    first step). Where that is not enough the audit hides cells instead of printing rates that say nothing."""
    values = sorted(r.value for r in ind.rows if r.value)
    median = values[len(values) // 2] if values else 0.0
    return max(_first_step(ind), median * MAX_STEP_SHARE)


def _mend(breach: Breach, table: IndicatorTable, problem: SuppressionProblem, sup: Suppression,
          disclosure: Disclosure, steps: dict[str, float], also_hidden: set, also_withheld: set,
          no_intervals: set[str], rates: set[tuple[str, str, str]], models: Sequence[Disclosure] = (),
          sizes: set[str] | None = None) -> bool:
    """Change the pattern so that the breach goes away: coarsen a rate whose printed numbers narrow the target
    (a list size through count / rate, a count through its interval), then leave out the clinics' intervals
    of that rate, then leave out the clinic's rate itself where its list size is what gives the target away
    (one cell, no complementary ones: its count stays where it is shown), else hide one more shown count
    near the target (smallest first, not the reader's own), or withhold totals. False when nothing is
    left."""
    exact = disclosure.exact_cells()
    key = _rate_to_coarsen(breach, table, disclosure, steps, exact)
    if key is not None:
        steps[key] = nice_step(steps[key] * 1.5)
        return True
    # Coarse enough and still too precise: a rate's interval ends are two more readings of the same list size
    # (and, its count known, pin it together with the value). Leave the clinics' intervals of that rate out.
    key = _rate_to_coarsen(breach, table, disclosure, {k: 0.0 for k in steps if k not in no_intervals}, exact)
    if key is not None and breach.target.kind == "size":
        no_intervals.add(key)
        return True
    # Nothing printed next to the target: it is narrowed through a chain of relations, e.g. a hidden count of
    # a topic printed before this one in the pack, over a list size this topic's rates now read. Coarsen (then
    # leave out the intervals of) the rates read anywhere along that chain before hiding any cell.
    linked, chain = _linked_rates(breach, disclosure, exact, models)
    key = _rate_to_coarsen(breach, table, disclosure, steps, exact, linked)
    if key is not None:
        steps[key] = nice_step(steps[key] * 1.5)
        return True
    key = _rate_to_coarsen(breach, table, disclosure, {k: 0.0 for k in steps if k not in no_intervals}, exact,
                           linked)
    if key is not None:
        no_intervals.add(key)
        return True
    rate = _rate_to_hide(breach, table, sup, steps, chain)
    if rate is not None:
        rates.add(rate)
        return True
    clinic = None if sizes is None else _size_to_hide(breach, table, sup, disclosure, models, sizes)
    if clinic is not None and sizes is not None:
        sizes.add(clinic)
        return True
    return _hide_near(breach, table, problem, sup, disclosure, exact, also_hidden, also_withheld, models)


@dataclass(frozen=True)
class _Pattern:
    """What the mending decides (the anonymiser's own sets and steps, changed in place), so that a part's mends
    can be measured (the cells whose relations they change) and taken back."""

    steps: dict[str, float]
    also_hidden: set
    also_withheld: set
    no_intervals: set[str]
    rates: set[tuple[str, str, str]]
    sizes: set[str]   # clinics whose list size of the current round is left out

    def copy(self) -> _Pattern:
        return _Pattern(dict(self.steps), set(self.also_hidden), set(self.also_withheld), set(self.no_intervals),
                        set(self.rates), set(self.sizes))

    def restore(self, saved: _Pattern) -> None:
        for mine, old in zip(self._all(), saved._all(), strict=True):
            mine.clear()
            mine.update(old)

    def _all(self) -> tuple:
        return (self.steps, self.also_hidden, self.also_withheld, self.no_intervals, self.rates, self.sizes)


@dataclass
class _Touched:
    """The cells whose relations a round's mends change: named cells, every cell of some measures (a rate's
    step or intervals change every clinic's row), every cell of some clinics (a count or rate of theirs hidden
    changes what their rows print in every round: the change, the trend), or everything (totals withheld)."""

    cells: set[str]
    measures: set[str]
    clinics: set[str]
    everything: bool = False

    @classmethod
    def of(cls, cells: set[str] | frozenset[str]) -> _Touched:
        """The cells themselves, their measures and their clinics."""
        parts = [c.split(SEP) for c in cells]
        return cls(set(cells), {p[1] for p in parts if len(p) == 3}, {p[-1] for p in parts})

    def meets(self, other: _Touched) -> bool:
        return (self.everything or other.everything or not self.cells.isdisjoint(other.cells)
                or not self.measures.isdisjoint(other.measures) or not self.clinics.isdisjoint(other.clinics))

    def add(self, other: _Touched) -> None:
        self.cells |= other.cells
        self.measures |= other.measures
        self.clinics |= other.clinics
        self.everything = self.everything or other.everything


def _mend_parts(breaches: list[Breach], pattern: _Pattern, table: IndicatorTable, problem: SuppressionProblem,
                sup: Suppression, disclosure: Disclosure, models: Sequence[Disclosure]) -> bool:
    """Mend the first reader's breaches of every part of the model in one round. Parts share no cell not printed,
    but a mend may change another part (a coarser rate changes every clinic's row): a part that an earlier mend
    of this round changes waits for the next audit, and a part's mends that would change a part already mended
    this round are taken back (it is mended in a later round). False when nothing could be mended."""
    parts: dict[frozenset[str], list[Breach]] = {}
    for b in breaches:
        parts.setdefault(b.part, []).append(b)
    touched = _Touched(set(), set(), set())
    done = _Touched(set(), set(), set())     # the parts mended this round
    mended = False
    for cells, found in parts.items():
        part = _Touched.of(cells)
        if touched.meets(part):
            continue
        saved = pattern.copy()
        if not _mend_part(found, pattern, table, problem, sup, disclosure, models):
            continue
        change = _changed(saved, pattern, table, models)
        if mended and done.meets(change):
            pattern.restore(saved)
            continue
        touched.add(change)
        done.add(part)
        mended = True
    return mended


def _linked(models: Sequence[Disclosure], cells: set[str]) -> set[str]:
    return set().union(*(d.linked(cells) for d in models))


def _mend_part(breaches: list[Breach], pattern: _Pattern, table: IndicatorTable, problem: SuppressionProblem,
               sup: Suppression, disclosure: Disclosure, models: Sequence[Disclosure] = ()) -> bool:
    """One reader's breaches in one part of the model, mended in one go: every count; of the list sizes, one
    whose mend changes a rate for every clinic (a coarser step, no intervals), or else one per clinic whose mend
    leaves that clinic's own rate out (it changes no other clinic's row)."""
    mended = False
    sized: set[str] = set()     # the clinics whose list size got a rate of their own left out
    spread = False              # a list size's mend changed a rate for every clinic
    for breach in breaches:
        if breach.target.kind == "size":
            clinic = breach.target.owner
            if spread or clinic in sized:
                continue
            saved = pattern.copy()
            if not _mend(breach, table, problem, sup, disclosure, pattern.steps, pattern.also_hidden,
                         pattern.also_withheld, pattern.no_intervals, pattern.rates, models, pattern.sizes):
                continue
            own = _own_rates(saved, pattern, clinic)
            if not own and (sized or mended):
                pattern.restore(saved)
                continue
            spread = not own
            sized.add(clinic)
            mended = True
            continue
        mended = _mend(breach, table, problem, sup, disclosure, pattern.steps, pattern.also_hidden,
                       pattern.also_withheld, pattern.no_intervals, pattern.rates, models, pattern.sizes) or mended
    return mended


def _own_rates(saved: _Pattern, now: _Pattern, clinic: str) -> bool:
    """Whether the only change since `saved` is rates of `clinic` left out."""
    return (now.steps == saved.steps and now.also_hidden == saved.also_hidden
            and now.also_withheld == saved.also_withheld and now.no_intervals == saved.no_intervals
            and now.sizes == saved.sizes and bool(now.rates - saved.rates) and all(r[2] == clinic for r in now.rates - saved.rates))


def _changed(saved: _Pattern, now: _Pattern, table: IndicatorTable, models: Sequence[Disclosure]) -> _Touched:
    """What the mends since `saved` change (a hidden cell: the cells two relations away from it in any of the
    `models`, this pack's and the earlier ones', and its clinic)."""
    out = _Touched(set(), set(), set(), everything=now.also_withheld != saved.also_withheld)
    for key in {k for k in now.steps if now.steps[k] != saved.steps.get(k)} | (now.no_intervals - saved.no_intervals):
        out.measures |= {table.indicator(key).numerator_measure, LIST_SIZE}
    periods = {"cur": table.period, "base": table.compare}
    hidden = {cell_key(periods.get(rnd, rnd) or rnd, measure, clinic)
              for rnd, measure, clinic in now.also_hidden - saved.also_hidden}
    near = hidden | _linked(models, hidden)
    out.cells = near | _linked(models, near)
    out.clinics = {clinic for _, _, clinic in (now.rates - saved.rates) | (now.also_hidden - saved.also_hidden)}
    out.clinics |= now.sizes - saved.sizes
    return out


def _rate_to_hide(breach: Breach, table: IndicatorTable, sup: Suppression, steps: dict[str, float],
                  chain: set[str]) -> tuple[str, str, str] | None:
    """(round, indicator, clinic) of the rate per list size to leave out for this breach: the target's own
    clinic's most precisely printed one in the target's round, when that clinic's list size is the target or
    lies on the chain of relations that narrows it. None when there is none left."""
    period, _, clinic = cell_parts(breach.target.terms[0][0])
    rnd = "cur" if period == table.period else "base" if period == table.compare else None
    if rnd is None or cell_key(period, LIST_SIZE, clinic) not in chain:
        return None
    options = []
    for ind in table.indicators:
        if ind.key not in steps:
            continue
        row = next((r for r in ind.rows if r.clinic == clinic), None)
        value = None if row is None else row.value if rnd == "cur" else row.baseline_value
        if row is None or not value or _row_hidden(ind, row, sup, rnd):
            continue
        options.append((steps[ind.key] / value, ind.key))
    return (rnd, min(options)[1], clinic) if options else None


def _size_to_hide(breach: Breach, table: IndicatorTable, sup: Suppression, disclosure: Disclosure,
                  models: Sequence[Disclosure], sizes: set[str]) -> str | None:
    """The clinic whose list size of the current round, printed here (exactly or as a band), completes an earlier
    meeting's equations that narrow the target (its value of that round printed there, in a trend or as a
    baseline): nearest the target through every model first, not the reader's own, and only where every rate of
    that clinic per list size is hidden this round (a printed rate beside a count printed anywhere gives the size
    back). An earlier pack is printed: only this one can leave something out. None when there is none."""
    others = [d for d in models if d.meeting != disclosure.meeting]
    if not others:
        return None
    exact = disclosure.exact_cells()
    printed = {clinic for period, clinic, _, _ in disclosure.bands if period == table.period} | {
        r.clinic for ind in table.indicators for r in ind.rows if cell_key(table.period, LIST_SIZE, r.clinic) in exact}
    printed -= {r.clinic for ind in table.indicators if ind.denominator_kind == "list_size" for r in ind.rows
                if not _row_hidden(ind, r, sup, "cur")}
    sized = {cell_key(table.period, LIST_SIZE, c): c for c in printed - sizes if c != breach.reader}
    told = _linked(others, set(sized))   # the cells of the earlier meetings' relations that hold those sizes
    printed = {c for cell, c in sized.items() if cell in told}
    if not printed:   # the usual case (no earlier meeting printed this round): no search through the models
        return None
    through = [*others, disclosure]
    frontier = {c for c, _ in breach.target.terms}
    seen: set[str] = set()
    while frontier:
        seen |= frontier
        near = _linked(through, frontier)
        options = sorted(clinic for clinic in printed if cell_key(table.period, LIST_SIZE, clinic) in near)
        if options:
            own = breach.target.owner
            return own if own in options else options[0]
        frontier = near - seen
    return None


def _linked_rates(breach: Breach, disclosure: Disclosure, exact: frozenset[str],
                  models: Sequence[Disclosure] = ()) -> tuple[set[str], set[str]]:
    """The rates whose printed numbers bound a cell linked to the target through relations of cells not
    printed exactly (the part of the model the target is narrowed in), and those cells. A target of another
    model (a topic printed before this one in the pack, an earlier pack) is followed through every model: it is
    reached through them (its count over a list size this topic's rates read), not through this one alone."""
    seen = {c for c, _ in breach.target.terms}
    through = [disclosure]
    if models and not all(c in disclosure.truth for c in seen):
        through = [*models, disclosure]
    frontier = set(seen)
    while frontier:   # one step of relations at a time (a summary's relation over every clinic is read once a step)
        frontier = {c for c in _linked(through, frontier) if c not in seen and c not in exact}
        seen |= frontier
    return {disclosure.bounded_by[c] for c in seen if c in disclosure.bounded_by}, seen


def _without_intervals(a: AnonymisedIndicator, ind: IndicatorResult) -> AnonymisedIndicator:
    """The indicator with the clinics' intervals left out (the audit's last resort before hiding counts: the
    value alone, to its step, does not give the list size back), each replaced by the wider interval the printed
    rate and list-size band alone allow (which tells nothing they do not)."""
    scale = rate_scale(ind, False)
    return replace(a, intervals_withheld=True,
                   rows=tuple(_with_wide_interval(r, a.value_step, scale) for r in a.rows))


def _with_wide_interval(row: AnonymisedRow, step: float | None, scale: float | None) -> AnonymisedRow:
    floor = row.denominator if row.denominator is not None else (
        float(row.denominator_band.split("–")[0]) if row.denominator_band else None)
    wide = wide_interval(row.value, step, floor, scale)
    shown = None if wide is None else (float(round_out(wide[0], step, -1) or 0.0), float(round_out(wide[1], step, 1) or 0.0))
    return replace(row, ci_low=None, ci_high=None, wide_ci=shown)


def _rate_to_coarsen(breach: Breach, table: IndicatorTable, disclosure: Disclosure, steps: dict[str, float],
                     exact: frozenset[str], linked: set[str] | None = None) -> str | None:
    """The rounded rate to coarsen for this breach, or None when coarsening cannot help: the rates whose
    printed value, interval or limits bound the target or a cell one relation away from it (or, given, the
    `linked` rates); for a list size also the rates whose count is printed elsewhere (a share, a
    composition: count / rate = size)."""
    cells = {c for c, _ in breach.target.terms}
    near = cells | disclosure.linked(cells)
    keys = {disclosure.bounded_by[c] for c in near if c in disclosure.bounded_by} if linked is None else set(linked)
    period, _, clinic = cell_parts(breach.target.terms[0][0])
    if breach.target.kind == "size":
        keys |= {ind.key for ind in table.indicators if ind.key in steps
                 and cell_key(period, ind.numerator_measure, clinic) in exact}
        if not keys and breach.width >= 1:   # narrowed by rounded rates together
            keys = set(steps)
    keys = {k for k in keys if k in steps and nice_step(steps[k] * 1.5) <= max_step(table.indicator(k))}
    if not keys:
        return None

    def precision(key: str) -> float:   # the rate that tells this clinic's numbers most precisely goes first
        row = next((r for r in table.indicator(key).rows if r.clinic == clinic), None)
        return steps[key] / (row.value or 1.0) if row and row.value else math.inf

    return min(sorted(keys), key=precision)


def _hide_near(breach: Breach, table: IndicatorTable, problem: SuppressionProblem, sup: Suppression,
               disclosure: Disclosure, exact: frozenset[str], also_hidden: set, also_withheld: set,
               models: Sequence[Disclosure] = ()) -> bool:
    """Hide the smallest shown count next to the target (through the relations), else withhold totals. An earlier
    print's value changed since (a cell of its own there, `reprints.versioned`) is reached through every model."""
    rounds = {table.period: "cur", table.compare: "base"}
    frontier = {c for c, _ in breach.target.terms}
    through = [*models, disclosure] if any(is_versioned(c) or c not in disclosure.truth for c in frontier) \
        else [disclosure]   # a target of another model (an earlier topic's count) is reached through them
    seen: set[str] = set()
    while frontier:
        seen |= frontier
        near = _linked(through, frontier)
        options = []
        for c in near:
            period, measure, clinic = cell_parts(c)
            cell = (rounds.get(period, period), measure, clinic)   # a further trend round: its period
            if c in exact and clinic != breach.reader and cell in problem.counts and cell not in sup.hidden:
                options.append(cell)
        if options:
            also_hidden.add(min(options, key=lambda c: (problem.counts[c] <= 0, problem.counts[c], repr(c))))
            return True
        frontier = {c for c in near - seen if c not in exact}
    totals = {t for t, _ in problem.equations if t is not None} - sup.withheld_totals
    period, measure, _ = cell_parts(breach.target.terms[0][0])
    near_totals = {t for t in totals if isinstance(t, tuple) and t[0] == rounds.get(period, period)}
    if near_totals:
        also_withheld.update(near_totals)
        return True
    if set(problem.counts) - sup.hidden:
        also_hidden.update(problem.counts)
        return True
    return False


def _table(table: IndicatorTable, sup: Suppression, codes: dict[str, str], named: dict[str, str], threshold: int,
           list_size_display: str, lang: str | None, meeting: str, steps: dict[str, float],
           named_before: set[tuple[str, str, str]], summaries: dict[str, GroupSummary],
           rounds: Sequence[IndicatorTable] = (), no_intervals: set[str] | frozenset[str] = frozenset(),
           kept: dict[str, tuple[tuple, AnonymisedIndicator]] | None = None,
           no_sizes: set[str] | frozenset[str] = frozenset()) -> AnonymisedTable:
    """The anonymised table; the indicators in `no_intervals` without the clinics' intervals. `kept`: each
    indicator's rows as an earlier call on the same table made them, with what they were made from (its part of
    the suppression, its step, its summaries): an indicator whose inputs are as then is taken from there."""
    views = _by_indicator(table, sup)
    indicators = []
    for ind in table.indicators:
        view = views[ind.key]
        no_size = frozenset(r.clinic for r in ind.rows if r.clinic in no_sizes) \
            if ind.denominator_kind == "list_size" else frozenset()
        key = (view, steps.get(ind.key), summaries[ind.key], ind.key in no_intervals, no_size)
        old = kept.get(ind.key) if kept is not None else None
        if old is not None and old[0] == key:
            indicators.append(old[1])
            continue
        a = _indicator(ind, view, codes, named, list_size_display, table.compare, steps.get(ind.key),
                       any(p == table.compare and i == ind.key for p, i, _ in named_before), summaries[ind.key],
                       no_size, marks_small(threshold))
        if rounds:
            a = replace(a, trend=_trend(table, a, rounds, view, codes, named_before))
        if ind.key in no_intervals:
            a = _without_intervals(a, ind)
        if kept is not None:
            kept[ind.key] = (key, a)
        indicators.append(a)
    return AnonymisedTable(
        meeting=meeting, topic=table.topic, topic_title=table.topic_title, period=table.period,
        period_label=table.period_label, compare=table.compare, compare_label=table.compare_label,
        threshold=threshold, list_size_display=list_size_display, indicators=tuple(indicators),
        compositions=tuple(_composition(c, sup, codes, named, lang, table.indicators) for c in table.compositions),
        # below threshold 5 nothing is printed "<T" (it would pin the count, see `marks_small`)
        suppressed_text=f"<{threshold}" if marks_small(threshold) else tr("hidden", lang),
        hidden_text=tr("hidden", lang), small_marked=marks_small(threshold))


def _by_indicator(table: IndicatorTable, sup: Suppression) -> dict[str, Suppression]:
    """Each indicator's part of the suppression: the hidden (and small) cells of its measures in every round, its
    rates left out and its totals withheld. An indicator's rows, change and trend read nothing else of it, so
    they are the same whenever this part is (what lets `_table` keep them between rounds)."""
    def grouped(items: Iterable, at: int) -> dict[object, set]:
        out: dict[object, set] = {}
        for k in items:
            if isinstance(k, tuple) and len(k) > at:
                out.setdefault(k[at], set()).add(k)
        return out

    hidden, primary = grouped(sup.hidden, 1), grouped(sup.primary, 1)
    withheld, rates = grouped(sup.withheld_totals, 1), grouped(sup.rates, 1)
    none: set = set()
    out = {}
    for ind in table.indicators:
        measures = (ind.numerator_measure, ind.denominator_measure)
        out[ind.key] = Suppression(
            hidden=frozenset().union(*(hidden.get(m, none) for m in measures)),
            primary=frozenset().union(*(primary.get(m, none) for m in measures)),
            withheld_totals=frozenset(withheld.get(ind.key, none)), rates=frozenset(rates.get(ind.key, none)))
    return out


def _sort_key(code: str) -> tuple[int, str]:
    return (len(code), code.zfill(8)) if code.isdigit() else (len(code), code)


def _row_hidden(ind: IndicatorResult, row: ClinicRow, sup: Suppression, rnd: str) -> bool:
    """Whether a row's count in round `rnd` ("cur", "base" or a further trend round's period) is hidden, or
    its rate alone (see `Suppression.rates`)."""
    cells: list[tuple[str, str | None, str]] = [(rnd, ind.numerator_measure, row.clinic)]
    if ind.denominator_kind == "measure":
        cells.append((rnd, ind.denominator_measure, row.clinic))
    return any(c in sup.hidden for c in cells) or (rnd, ind.key, row.clinic) in sup.rates


def _rate_only(ind: IndicatorResult, row: ClinicRow, sup: Suppression, rnd: str) -> bool:
    """Whether only the rate of the row is hidden in round `rnd` (its counts are not)."""
    cells = [(rnd, ind.numerator_measure, row.clinic)]
    return (rnd, ind.key, row.clinic) in sup.rates and not any(c in sup.hidden for c in cells)


def _indicator(ind: IndicatorResult, sup: Suppression, codes: dict[str, str], named: dict[str, str],
               list_size_display: str, compare: str | None, step: float | None,
               baseline_named_before: bool, summary: GroupSummary,
               no_size: frozenset[str] = frozenset(), small_marked: bool = True) -> AnonymisedIndicator:
    has_baseline = compare is not None
    withheld = any(k[1] == ind.key for k in sup.withheld_totals if isinstance(k, tuple) and k[0] == "cur")
    base_withheld = any(k[1] == ind.key for k in sup.withheld_totals if isinstance(k, tuple) and k[0] == "base")
    funnels = _group_funnels(ind, sup)
    rows = []
    for r in sorted(ind.rows, key=lambda r: _sort_key(codes[r.clinic])):
        hide = _row_hidden(ind, r, sup, "cur")
        no_limits = hide or withheld  # funnel limits (and flags) are centred on the pooled value
        hide_base = has_baseline and _row_hidden(ind, r, sup, "base")
        list_den = ind.denominator_kind == "list_size"
        den = None if hide and not list_den else r.denominator
        band = None
        num = None if hide else r.numerator
        if list_den and list_size_display != "exact":
            band = list_size_band(r.denominator) if list_size_display == "bands" else None
            den = None
            num = None  # count / rate = list size: with list sizes not shown exactly, the count is not either
        # beside a hidden row, a list size that completes an earlier pack's equations (see `_size_to_hide`)
        size_left_out = list_den and hide and r.clinic in no_size
        if size_left_out:
            den = band = num = None
        show_change = not hide and not hide_base and not baseline_named_before
        funnel, flag = funnels.get(r.clinic, (r.funnel, r.flag))
        reason = None
        if hide:
            # "<T" only where it leaves the count wide enough (`marks_small`); else hidden like its protectors
            small = small_marked and ("cur", ind.numerator_measure, r.clinic) in sup.primary
            reason = "small" if small else "protect"
        rows.append(AnonymisedRow(
            code=codes[r.clinic], name=named.get(r.clinic), numerator=num,
            denominator=den, denominator_band=band, value=None if hide else _round(r.value, step),
            ci_low=None if hide else round_out(r.ci_low, step, -1), ci_high=None if hide else round_out(r.ci_high, step, 1),
            rank=None, suppressed=hide, baseline_suppressed=hide_base and not baseline_named_before,
            rate_only=hide and _rate_only(ind, r, sup, "cur"),
            baseline_rate_only=hide_base and not baseline_named_before and _rate_only(ind, r, sup, "base"),
            # Limits are drawn at the clinic's denominator: with list sizes not shown exactly they would print the
            # size back (and no funnel is drawn without them); the flag alone stays.
            funnel=None if no_limits or funnel is None or (list_den and list_size_display != "exact")
            else _round_funnel(funnel, step),
            # The flag is an inequality on the list size (the limits narrow with it): with sizes not shown
            # exactly it gave a hidden count away (33-35 in a test cluster), and the audit does not model it.
            flag=None if no_limits or (list_den and list_size_display != "exact") else flag,
            baseline_value=_round(r.baseline_value, step) if show_change else None,
            change=_round_change(r.change, step) if show_change else None,
            quality=tuple(q for q in r.quality if q != "small_numbers"), hidden_reason=reason))
    values = np.array([r.value if r.value is not None else np.nan for r in rows], dtype=float)
    has = np.isfinite(values)
    ranks = min_rank(np.where(has, values, np.inf))
    rows = [_with_rank(r, int(ranks[i]) if has[i] else None) for i, r in enumerate(rows)]
    # The cluster change prints the current rate over the clinics in both rounds unrounded (its relative change
    # needs the decimals), and the disclosure model counts its totals as told. Where those are the pooled
    # value's clinics, the pooled rate is that same number: printed alike, not "5,0" beside "4,8".
    change_told = (not (withheld or base_withheld) and ind.change is not None and ind.change.value is not None
                   and ind.change.clinics == ind.n_clinics)
    return AnonymisedIndicator(
        key=ind.key, title=ind.title, unit=ind.unit, direction=ind.direction, method=ind.method,
        # else the pooled rate to the same step as the clinics' (unrounded, count / rate gives the total list size)
        pooled=None if withheld else ind.pooled if change_told else _round(ind.pooled, step),
        pooled_ci_low=None if withheld else round_out(ind.pooled_ci_low, step, -1),
        pooled_ci_high=None if withheld else round_out(ind.pooled_ci_high, step, 1), median=summary.median,
        q1=summary.q1, q3=summary.q3, minimum=summary.minimum, maximum=summary.maximum,
        minimum_below=summary.minimum_below, maximum_above=summary.maximum_above, summary_step=summary.printed_step,
        n_clinics=ind.n_clinics, references=ind.references, target=ind.target, rows=tuple(rows),
        # phi and tau^2 are sums over every clinic, hidden ones included: not shown to the group.
        # (the setting and the method name are no sums over clinics)
        overdispersion={k: ind.overdispersion.get(k) for k in ("adjusted", "adjustment", "method")},
        change=None if withheld or base_withheld else ind.change,
        sentence={} if withheld or base_withheld else dict(ind.sentence), quality=ind.quality,
        value_step=step, baseline_hidden=baseline_named_before and has_baseline,
        change_withheld=base_withheld and not withheld and ind.change is not None)


def _trend(table: IndicatorTable, a: AnonymisedIndicator, rounds: Sequence[IndicatorTable], sup: Suppression,
           codes: dict[str, str], named_before: set[tuple[str, str, str]]) -> tuple[RoundValues, ...]:
    """Each round's values of one indicator under the meeting's codes. The meeting's own period and
    baseline take exactly the values the rows show (value, baseline value); a further round shows a
    clinic's value unless one of its counts is hidden in that round, rounded to the indicator's step.
    A further round in which a clinic was shown by name in an earlier pack (and is not now) is dropped
    whole: its values beside today's codes would tell which code that clinic has."""
    order = sorted(codes, key=lambda c: _sort_key(codes[c]))
    out = []
    for rt in rounds:
        hidden: list[str] = []
        if rt.period in (table.period, table.compare):
            by_code = {r.code: (r.value if rt.period == table.period else r.baseline_value) for r in a.rows}
            hidden = [r.code for r in a.rows
                      if (r.suppressed if rt.period == table.period else r.baseline_suppressed)]
            values = [(codes[c], by_code.get(codes[c])) for c in order]
            dropped = rt.period == table.compare and a.baseline_hidden
        else:
            try:
                ind = rt.indicator(a.key)
            except KeyError:
                continue
            rows = {r.clinic: r for r in ind.rows}
            dropped = any(p == rt.period and i == a.key for p, i, _ in named_before)
            values = []
            for clinic in order:
                row = rows.get(clinic)
                hide = row is not None and row.value is not None and _row_hidden(ind, row, sup, rt.period)
                if hide:
                    hidden.append(codes[clinic])
                shown = None if row is None or hide or dropped else _round(row.value, a.value_step)
                values.append((codes[clinic], shown))
        if dropped:   # nor which codes were hidden in it
            values, hidden = [(c, None) for c, _ in values], []
        shown_values = np.array([v for _, v in values if v is not None], dtype=float)
        deciles = None
        if shown_values.size >= MIN_DECILE_CLINICS:
            deciles = tuple(round(float(v), 10) for v in np.percentile(shown_values, DECILES))
        out.append(RoundValues(rt.period, rt.period_label, tuple(values), tuple(sorted(hidden, key=_sort_key)),
                               deciles, dropped))
    return tuple(out)


def _round(value: float | None, step: float | None) -> float | None:
    if value is None or not step:
        return value
    return round(round(value / step) * step, 10)


def round_out(value: float | None, step: float | None, side: int) -> float | None:
    """An interval end rounded outward to the step (side -1: down, the low end; +1: up, the high end), so the
    printed interval still holds the true one (rounded to the nearest step, a narrow interval would print as
    "20 to 20")."""
    if value is None or not step:
        return value
    q = value / step
    return round((math.floor(q + 1e-9) if side < 0 else math.ceil(q - 1e-9)) * step, 10)


def _round_funnel(f: Funnel, step: float | None) -> Funnel:
    if not step:
        return f
    return Funnel(*(_round(v, step) for v in (f.l95, f.u95, f.l998, f.u998, f.plain_l998,  # type: ignore[arg-type]
                                               f.plain_u998)))


def _round_change(c: Change | None, step: float | None) -> Change | None:
    """A change beside rounded rates: its rates to the same step, ratios to whole percent."""
    if c is None or not step:
        return c
    pct = 0.01
    before, after = _round(c.baseline_value, step), _round(c.value, step)
    ratio, low, high = c.ratio, c.ratio_low, c.ratio_high
    if before and after is not None and ratio and low is not None and high is not None:
        # the clinic's own change from its rates as printed, the interval's width from its counts: the exact
        # ratio beside rounded rates would tell the ratio of its list sizes now and then
        ratio, low, high = after / before, after / before * low / ratio, after / before * high / ratio
    return replace(c, baseline_value=before, value=after,
                   absolute=None if before is None or after is None else round(after - before, 10),
                   ratio=_round(ratio, pct), ratio_low=_round(low, pct), ratio_high=_round(high, pct),
                   relative=_round(None if ratio is None else ratio - 1, pct),
                   relative_low=_round(None if low is None else low - 1, pct),
                   relative_high=_round(None if high is None else high - 1, pct))


def _group_funnels(ind: IndicatorResult, sup: Suppression) -> dict[str, tuple[Funnel | None, str | None]]:
    """Adjusted funnel limits that do not give tau^2 (a sum over every clinic, hidden ones too) away.

    With the overdispersion adjustment on and a count hidden, tau^2 is estimated from the clinics shown
    plus one pseudo-clinic holding the hidden clinics together (the cluster total minus the shown ones,
    which the pooled value already tells): the centre stays the pooled value and the limits depend on
    nothing the group has not been shown. Empty when nothing needs to change.
    """
    if not ind.overdispersion.get("adjusted") or ind.unit == "count":
        return {}
    ok = [r for r in ind.rows if r.value is not None and r.numerator is not None and r.denominator]
    shown = [r for r in ok if not _row_hidden(ind, r, sup, "cur")]
    if len(shown) == len(ok) or not shown:
        return {}
    rest_num = sum(r.numerator for r in ok) - sum(r.numerator for r in shown)    # type: ignore[misc]
    rest_den = sum(r.denominator for r in ok) - sum(r.denominator for r in shown)  # type: ignore[misc]
    scale = next((r.value * r.denominator / r.numerator for r in ok if r.numerator), None)  # type: ignore[operator]
    if scale is None:
        return {}
    num = np.array([r.numerator for r in shown] + [rest_num], dtype=float)
    den = np.array([r.denominator for r in shown] + [rest_den], dtype=float)
    f = funnel(num, den, "proportion" if ind.unit == "percent" else "rate", scale, overdispersion=True)
    values = np.array([r.value for r in shown] + [np.nan], dtype=float)
    flags = funnel_flags(values, f.l95, f.u95, f.l998, f.u998, f.tails)
    plain = f.unadjusted or (f.l95, f.u95, f.l998, f.u998)
    adjusted = bool(np.asarray(f.adjusted).all())
    return {r.clinic: (Funnel(float(f.l95[i]), float(f.u95[i]), float(f.l998[i]), float(f.u998[i]),
                              float(plain[2][i]) if adjusted else None, float(plain[3][i]) if adjusted else None),
                       FLAGS[int(flags[i])] or None) for i, r in enumerate(shown)}


def _with_rank(row: AnonymisedRow, rank: int | None) -> AnonymisedRow:
    return replace(row, rank=rank)


def _tells_hidden_value(comp: Composition, indicators: Sequence[IndicatorResult], sup: Suppression,
                        clinic: str) -> bool:
    """Whether a clinic's bar, drawn to scale, would give back one of its values printed hidden: the bar's
    segments are the ratios of the group's counts, so a hidden rate of one part is another part's (or the
    total's) printed rate over the same denominator times their ratio, and a hidden share of one part of
    the group in another is the ratio itself."""
    measures = {p.key for p in comp.parts if p.key != OTHER} | {comp.total_measure}
    by_denominator: dict[tuple[str, str | None], list[bool]] = {}   # per year or not: the round's days are printed
    for ind in indicators:
        row = next((r for r in ind.rows if r.clinic == clinic and r.value is not None), None)
        if row is None or ind.numerator_measure not in measures:
            continue
        hidden = _row_hidden(ind, row, sup, "cur")
        if hidden and ind.denominator_kind == "measure" and ind.denominator_measure in measures:
            return True
        by_denominator.setdefault((ind.denominator_kind, ind.denominator_measure), []).append(hidden)
    return any(any(h) and not all(h) for h in by_denominator.values())


def _composition(comp: Composition, sup: Suppression, codes: dict[str, str], named: dict[str, str],
                 lang: str | None, indicators: Sequence[IndicatorResult] = ()) -> AnonymisedComposition:
    members = [p.key for p in comp.parts if p.key != OTHER]
    rows, not_drawn = [], []
    for clinic in sorted(comp.shares, key=lambda c: _sort_key(codes[c])):
        cells = [("cur", m, clinic) for m in members] + [("cur", comp.total_measure, clinic)]
        hidden = any(c in sup.hidden for c in cells) or ("other", comp.key, clinic) in sup.primary
        label = named.get(clinic) or codes[clinic]
        if not hidden and _tells_hidden_value(comp, indicators, sup, clinic):
            hidden = True
            not_drawn.append(label)
        rows.append((label, tuple(None for _ in comp.parts) if hidden else comp.shares[clinic]))
    withheld = any(isinstance(k, tuple) and len(k) == 3 and k[:2] == ("cur", comp.key) for k in sup.withheld_totals)
    parts = tuple(tr("Others", lang) if p.key == OTHER else p.title for p in comp.parts)  # in the caller's language
    return AnonymisedComposition(key=comp.key, title=comp.title, parts=parts,
                                 shares=tuple(rows), not_drawn=tuple(not_drawn),
                                 cluster=tuple(None for _ in comp.parts) if withheld else comp.cluster)


def earlier_disclosures(project: Project, meeting: str, *, replay: bool = False) -> list[Disclosure]:
    """The disclosure models of every print kept (what a member may hold): every meeting's, this meeting's own
    earlier prints too (a draft handed out before a late file is as much out as the print after it). With
    `replay`, without the meeting's latest print: what that print was audited against, if nothing was printed
    since (see `_meeting_topics`)."""
    rows = project.published(without_latest=meeting) if replay else project.published()
    return [Disclosure.from_json(p["disclosure"]) for p in rows]


def same_print(current: Sequence[Disclosure], printed: dict[str, dict]) -> bool:
    """Whether `current` (a meeting's topics) shows exactly what `printed` (topic -> kept model) showed."""
    return {d.topic: json.loads(json.dumps(d.to_json(), default=str)) for d in current} == printed


def anonymised_table(project: Project, meeting: str, topic: str, *, period: str | None = None,
                     compare: str | None = None, meeting_baseline: bool = True,
                     lang: str | None = None) -> AnonymisedTable:
    """The anonymised table for a meeting: its drawn codes, its consents, the project's threshold and
    list-size setting, audited against every earlier printed pack. `period` defaults to the meeting's
    period; without `compare`, the meeting's baseline is used when `meeting_baseline` is True and the
    period is the meeting's (the CLI passes False so that only --compare compares). `lang`: the language of
    the texts it adds (None = the current one). Refused (KlyngeError) when no codes have been drawn for the
    meeting. The result passes `check_no_leak` or this raises IdentityLeak.
    """
    return anonymised_with_disclosure(project, meeting, topic, period=period, compare=compare,
                                      meeting_baseline=meeting_baseline, lang=lang)[0]


def anonymised_with_disclosure(project: Project, meeting: str, topic: str, *, period: str | None = None,
                               compare: str | None = None, meeting_baseline: bool = True,
                               lang: str | None = None, rounds: Sequence[IndicatorTable] | None = None,
                               before: Sequence[Disclosure] | None = None,
                               earlier: Sequence[Disclosure] | None = None
                               ) -> tuple[AnonymisedTable, Disclosure, list[Breach]]:
    """`anonymised_table` with its disclosure model (kept when the pack is printed) and any breach left.
    `rounds`: the trend's one-round tables when the caller has them (default: `trend_rounds`).

    The topics of one pack share the clinics' list sizes (every rate per 1.000 reads them), so a topic is
    audited together with the meeting's topics printed before it in the same pack: `before` are their
    disclosure models; None computes them (the meeting's topics up to this one, as `anonymised_meeting`),
    so that a single topic is anonymised exactly as the pack prints it. `earlier`: the kept prints it is
    audited against (None: `earlier_disclosures`, every print of every meeting)."""
    m = project.meeting(meeting)
    period = period or m.period
    if not period:
        raise KlyngeError("The meeting {key} has no period; choose one.", key=meeting)
    if compare is None and meeting_baseline and period == m.period:
        compare = m.baseline_period
    if before is None and (period, compare) == (m.period, m.baseline_period) and topic in m.topics \
            and project.latest_print(meeting):
        # printed before: whether this print repeats the latest one is decided over every topic of the pack
        pack = _meeting_topics(project, meeting, list(m.topics), None, None, lang, None, meeting_baseline)
        return pack[m.topics.index(topic)]
    if before is None:
        earlier_topics = list(m.topics[:m.topics.index(topic)]) if topic in m.topics else []
        before = [a[1] for a in _meeting_topics(project, meeting, earlier_topics, period, compare, lang, None,
                                                meeting_baseline)]
    if (period, compare) != (m.period, m.baseline_period):
        # another round or comparison under the meeting's codes: its reader has the meeting's pack too
        before = [*before, *(a[1] for a in _meeting_topics(project, meeting, list(m.topics), None, None, lang, None))]
    codes = meeting_codes(project, meeting)
    table = collate(project, topic, period, compare)
    result = anonymise_with_disclosure(
        table, codes, meeting=meeting, named=consenting_names(project, meeting),
        threshold=resolve(THRESHOLD, project), list_size_display=resolve(LIST_SIZE_DISPLAY, project), lang=lang,
        earlier=[*(earlier_disclosures(project, meeting) if earlier is None else earlier), *before],
        rounds=trend_rounds(project, topic, period) if rounds is None else rounds)
    result = (with_group_changes(project, table, result[0], codes), *result[1:])
    check_no_leak(result[0].texts(), project, meeting)
    return result


def anonymised_meeting(project: Project, meeting: str, *, lang: str | None = None,
                       rounds: Sequence[Sequence[IndicatorTable]] | None = None
                       ) -> list[tuple[AnonymisedTable, Disclosure, list[Breach]]]:
    """Every topic of a meeting's pack in the meeting's order, each audited against every earlier pack and
    the topics before it in this one (see `anonymised_with_disclosure`). `rounds`: per topic, the trend's
    one-round tables when the caller has them."""
    m = project.meeting(meeting)
    return _meeting_topics(project, meeting, list(m.topics), None, None, lang, rounds)


def _meeting_topics(project: Project, meeting: str, topics: list[str], period: str | None, compare: str | None,
                    lang: str | None, rounds: Sequence[Sequence[IndicatorTable]] | None,
                    meeting_baseline: bool = True) -> list[tuple[AnonymisedTable, Disclosure, list[Breach]]]:
    """The topics anonymised in order, each audited with the ones before it and every kept print. A meeting
    printed before is first anonymised as its latest print was (against the prints before that one): where
    that gives exactly the latest print, nothing its inputs rest on changed and it is printed again as it was;
    otherwise it is anonymised against every print, its own earlier ones included, and hides what comparing
    them would give away."""
    def run(earlier: list[Disclosure]) -> list[tuple[AnonymisedTable, Disclosure, list[Breach]]]:
        out: list[tuple[AnonymisedTable, Disclosure, list[Breach]]] = []
        for i, topic in enumerate(topics):
            out.append(anonymised_with_disclosure(project, meeting, topic, period=period, compare=compare,
                                                  lang=lang, meeting_baseline=meeting_baseline,
                                                  rounds=None if rounds is None else rounds[i],
                                                  before=[a[1] for a in out], earlier=earlier))
        return out

    m = project.meeting(meeting)
    latest = project.latest_print(meeting)
    shown = period or m.period
    if compare is None and meeting_baseline and shown == m.period:
        compare_shown = m.baseline_period
    else:
        compare_shown = compare
    if latest and set(topics) == set(latest) and (shown, compare_shown) == (m.period, m.baseline_period):
        again = run(earlier_disclosures(project, meeting, replay=True))
        if same_print([a[1] for a in again], latest):
            return again
    return run(earlier_disclosures(project, meeting))


def trend_rounds(project: Project, topic: str, period: str) -> list[IndicatorTable]:
    """One-round tables of every round of the project with data for the topic, up to and including
    `period`, oldest first; empty below three rounds (two rounds are shown as before and after)."""
    with_data = project.topics_with_data()
    last = project.period(period).start
    keys = [p.key for p in project.periods() if p.start <= last and topic in with_data.get(p.key, set())]
    if period not in keys:
        keys.append(period)
    if len(keys) < MIN_TREND_ROUNDS:
        return []
    tables = collate_many(project, [(topic, key, None) for key in keys])
    return [tables[(topic, key, None)] for key in keys]
