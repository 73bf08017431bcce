"""Which readers a hidden quantity needs to be audited for: coalitions of clinics that settle it for all others.

A coalition of clinics that pool what they know (each its own counts, and everything printed) can narrow a
target at least as far as any one of its members: every point the coalition cannot rule out is one the member
cannot rule out either. So when the coalition of every clinic but the target's owner o and a group P of
partners leaves the target a wide range, no reader outside P narrows it; when a second coalition, with a
group of partners disjoint from P, does too, no reader at all does (each reader is a member of one of the
two). Such a coalition's program ranges over the cells of o and P only (the others' cells are constants at
their true values), so it is small however large the cluster is: the audit plays one reader's whole program
only for the (target, reader) pairs no pair of coalitions settles.

This is exact, not a heuristic, as long as the true counts satisfy every relation (they fill in the cells a
coalition does not range over). When they do not (a count corrected after an earlier pack printed it), every
reader is played as before.
"""

from __future__ import annotations

from klyngedesk.core.anonymise.disclosure import Relation, Target, cell_owner
from klyngedesk.core.anonymise.program import Program, value_of, wide


class Coalitions:
    """The coalition programs of one part of the model (cells linked by relations), made as they are asked."""

    def __init__(self, relations: list[Relation], cells: list[str], shown: dict[str, float],
                 known: dict[str, float]) -> None:
        self.relations = relations
        self.shown = shown
        self.known = known
        self.exact = all(c in known for c in cells) and all(r.holds(known) for r in relations)
        # Per relation: its printed cells' constant, and per owner the terms of its cells and their true sum.
        self.parts: list[tuple[float, dict[str, list[tuple[str, float]]], dict[str, float]]] = []
        self.totals: list[float] = []    # per relation: the true sum of its cells not printed
        self.rel_of: dict[str, list[int]] = {}
        self.rel_of_cell: dict[str, list[int]] = {}
        if not self.exact:
            return
        for i, r in enumerate(relations):
            const = 0.0
            mine: dict[str, list[tuple[str, float]]] = {}
            for c, coef in r.terms:
                if c in shown:
                    const += coef * shown[c]
                else:
                    mine.setdefault(cell_owner(c), []).append((c, coef))
                    self.rel_of_cell.setdefault(c, []).append(i)
            sums = {o: sum(coef * known[c] for c, coef in terms) for o, terms in mine.items()}
            self.parts.append((const, mine, sums))
            self.totals.append(sum(sums.values()))
            for owner in mine:
                self.rel_of.setdefault(owner, []).append(i)
        self.owners = sorted(self.rel_of)
        self.programs: dict[frozenset[str], Program] = {}
        self.left: dict[tuple, frozenset[str] | None] = {}

    def program(self, group: frozenset[str]) -> Program:
        """The program of the coalition of every clinic outside `group`: the group's cells are its columns."""
        lp = self.programs.get(group)
        if lp is None:
            rows = []
            for i in sorted({i for o in group for i in self.rel_of.get(o, ())}):
                const, mine, sums = self.parts[i]
                rest = const + self.totals[i] - sum(sums.get(o, 0.0) for o in group)
                terms = [tc for o in sorted(group) for tc in mine.get(o, ())]
                rows.append((terms, self.relations[i].low - rest, self.relations[i].high - rest))
            free = sorted({c for terms, _, _ in rows for c, _ in terms})
            lp = self.programs[group] = Program.from_rows(free, rows)
        return lp

    def readers_left(self, t: Target, need: float) -> frozenset[str] | None:
        """The readers `t` still needs to be audited for with their own program (None: every reader)."""
        if t.terms not in self.left:
            self.left[t.terms] = self._readers_left(t, need)
        return self.left[t.terms]

    def _readers_left(self, t: Target, need: float) -> frozenset[str] | None:
        cells = [c for c, _ in t.terms if c not in self.shown]
        if not self.exact or not cells or any(cell_owner(c) != t.owner for c in cells):
            return None
        # Partners: the clinics sharing the tightest relations (fewest owners) with the target's cells first.
        tight: dict[str, int] = {}
        for i in {i for c in cells for i in self.rel_of_cell.get(c, ())}:
            owners = self.parts[i][1]
            for o in owners:
                if o != t.owner:
                    tight[o] = min(tight.get(o, len(owners)), len(owners))
        partners = sorted(tight, key=lambda o: (tight[o], o))
        partners += [o for o in self.owners if o != t.owner and o not in tight]
        v = value_of(t, self.known)
        fixed = {c: self.shown[c] for c, _ in t.terms if c in self.shown}
        best: frozenset[str] | None = None
        size = 1
        while size <= len(partners):
            groups = [frozenset(partners[:size]), frozenset(partners[size:2 * size])]
            settled = [g for g in groups if g and self._wide(t, g, fixed, v, need)]
            if len(settled) == 2:
                return frozenset()
            if settled and (best is None or len(settled[0]) < len(best)):
                best = settled[0]
            if best is not None and len(best) <= 2:
                return best
            size *= 2
        return best

    def _wide(self, t: Target, partners: frozenset[str], fixed: dict[str, float], v: float, need: float) -> bool:
        lp = self.program(partners | {t.owner})
        lo, hi = lp.range(t.terms, fixed, v, v, need if t.kind == "count" else None)
        return wide(t, lo, hi, need)
