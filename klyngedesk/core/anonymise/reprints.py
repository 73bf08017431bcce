"""A value changed since a print showed it (a correction, a late list size): a cell of its own in that print.

Every print of every meeting is audited together, a meeting's own earlier prints too (a member may hold a
draft handed out before a late file as well as the print after it). A print's relations hold for the counts
true when it was printed; where a count was corrected since, the old value is a different unknown (the same
clinic's, which knows both), so a print's model keeps holding and the program stays feasible. The reader is
not granted that the corrected count is near the old one: the linear program relates them only through what
the prints show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from klyngedesk.core.anonymise.disclosure import SEP, Disclosure, Relation, Target, cell_parts
from klyngedesk.core.collate.table import IndicatorTable

VERSION = "@"   # period + VERSION + n: the value first printed by the n-th of the models audited together


def versioned(items: Sequence[Disclosure], truth: dict[str, float] | None = None) -> list[Disclosure]:
    """`items` (oldest first) with every cell whose value in a model differs from its value now (`truth`, else
    the last model holding it) renamed in that model to a cell of its own. Models that hold no such cell are
    returned as they are (the same objects)."""
    now: dict[str, float] = {}
    for d in items:
        now.update(d.truth)
    if truth:
        now.update(truth)
    first: dict[tuple[str, float], int] = {}
    out = []
    for i, d in enumerate(items):
        changed = {c: v for c, v in d.truth.items() if now.get(c) != v}
        if not changed:
            out.append(d)
            continue
        names = {c: _name(c, first.setdefault((c, v), i)) for c, v in changed.items()}
        out.append(_renamed(d, names))
    return out


def shown_before(items: Sequence[Disclosure]) -> list[set[str]]:
    """For each model of `items` (oldest first), the cells an earlier model of the same meeting and topic (an
    earlier print of it) related without hiding them: a count such a print showed (beside its rate, in a total)
    was never protected, so a reprint that hides it (a complementary cell the correction needed) promises
    nothing about it. Its small neighbours stay protected: the audit keeps every print's relations."""
    seen: dict[tuple[str, str], set[str]] = {}
    out = []
    for d in items:
        key = (d.meeting, d.topic)
        out.append(set(seen.get(key, ())))
        hidden = {c for t in d.targets for c, _ in t.terms}
        seen.setdefault(key, set()).update(c for r in d.relations for c, _ in r.terms if c not in hidden)
    return out


def kept_threshold(threshold: int, earlier: Sequence[Disclosure], meeting: str, topic: str) -> int:
    """The small-number threshold a print of `meeting` and `topic` uses: the setting's, never lower than an
    earlier print's of them (a count that print marked "<5" is not printed "<3" or as 4 by a reprint)."""
    return max([threshold, *(d.threshold for d in earlier if d.meeting == meeting and d.topic == topic)])


def is_versioned(cell: str) -> bool:
    return VERSION in cell_parts(cell)[0]


def _name(cell: str, n: int) -> str:
    period, measure, clinic = cell_parts(cell)
    return SEP.join((f"{period}{VERSION}{n}", measure, clinic))


def _renamed(d: Disclosure, names: dict[str, str]) -> Disclosure:
    def terms(ts: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
        return tuple((names.get(c, c), k) for c, k in ts)

    out = Disclosure(d.meeting, d.topic, d.threshold, truth={names.get(c, c): v for c, v in d.truth.items()},
                     named=list(d.named), coded=list(d.coded), bands=list(d.bands), dropped=d.dropped)
    out.relations = [Relation(terms(r.terms), r.low, r.high) for r in d.relations]
    out.targets = [replace(t, terms=terms(t.terms)) for t in d.targets]
    out.rate_only = [Target(terms(t.terms), t.owner, t.kind, t.label) for t in d.rate_only]
    out.bounded_by = {names.get(c, c): k for c, k in d.bounded_by.items()}
    return out


def hidden_before(table: IndicatorTable, earlier: Sequence[Disclosure], meeting: str) -> set[tuple[str, str, str]]:
    """The counts of `table` (as the suppression names them: round, measure, clinic) that the latest earlier print
    of this meeting and topic hid: a reprint starts from that print's pattern, so that the two patterns do not
    meet in complementary cells that pin a count neither pins alone (the audit then adds what the change needs)."""
    prints = [d for d in earlier if d.meeting == meeting and d.topic == table.topic]
    if not prints:
        return set()
    rounds = {table.period: "cur", **({table.compare: "base"} if table.compare else {})}
    now = {(r.clinic, m, rnd) for ind in table.indicators for r in ind.rows for rnd in rounds.values()
           for m in (ind.numerator_measure, ind.denominator_measure) if m}
    out = set()
    for t in prints[-1].targets:
        if len(t.terms) != 1:
            continue
        period, measure, clinic = cell_parts(t.terms[0][0])
        rnd = rounds.get(period)
        if rnd and (clinic, measure, rnd) in now:
            out.add((rnd, measure, clinic))
    return out
