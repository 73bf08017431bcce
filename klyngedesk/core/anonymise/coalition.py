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

import numpy as np

from klyngedesk.core.anonymise.disclosure import Relation, Target, cell_owner
from klyngedesk.core.anonymise.program import Matrix, Program, value_of, wide


class Coalitions:
    """The coalition programs of one part of the model (cells linked by relations), made as they are asked."""

    def __init__(self, relations: list[Relation], cells: list[str], shown: dict[str, float],
                 known: dict[str, float], matrix: Matrix) -> None:
        self.shown = shown
        self.known = known
        self.matrix = matrix
        self.exact = all(c in known for c in cells) and all(r.holds(known) for r in relations)
        self.rel_of_cell: dict[str, list[int]] = {}
        self.owners_of: list[set[str]] = []    # per relation: the owners of its cells not printed
        if not self.exact:
            return
        for i, r in enumerate(relations):
            owners = set()
            for c, _ in r.terms:
                if c not in shown:
                    owners.add(cell_owner(c))
                    self.rel_of_cell.setdefault(c, []).append(i)
            self.owners_of.append(owners)
        self.owners = sorted({o for owners in self.owners_of for o in owners})
        self.values = np.array([known[c] for c in matrix.cells], dtype=float)
        owner_id = {o: i for i, o in enumerate(self.owners)}
        self.owner_of_col = np.array([owner_id.get(cell_owner(c), -1) for c in matrix.cells], dtype=np.int64)
        self.programs: dict[frozenset[str], Program] = {}
        self.left: dict[tuple, frozenset[str] | None] = {}
        self._owner_id = owner_id

    def program(self, group: frozenset[str]) -> Program:
        """The program of the coalition of every clinic outside `group`: the group's cells are its columns (the
        others' cells are constants at their true values; rows left with no column are dropped)."""
        lp = self.programs.get(group)
        if lp is None:
            ids = np.array([self._owner_id[o] for o in group if o in self._owner_id], dtype=np.int64)
            lp = self.programs[group] = self.matrix.cut(~np.isin(self.owner_of_col, ids), self.values)
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
        partners = self.partners(t.owner, cells)
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

    def partners(self, owner: str, cells: list[str]) -> list[str]:
        """The clinics but `owner`, those sharing the tightest relations (fewest owners) with `cells` first (by
        name among equals), then the rest by name. Each relation sets its owners' tightness at once, the widest
        first, so that a narrower one overwrites it: no loop per owner of every cluster-wide relation."""
        tight: dict[str, int] = {}
        for i in sorted({i for c in cells for i in self.rel_of_cell.get(c, ())}, key=lambda i: -len(self.owners_of[i])):
            tight.update(dict.fromkeys(self.owners_of[i], len(self.owners_of[i])))
        tight.pop(owner, None)
        near = [o for _, o in sorted((n, o) for o, n in tight.items())]
        return near + [o for o in self.owners if o != owner and o not in tight]

    def _wide(self, t: Target, partners: frozenset[str], fixed: dict[str, float], v: float, need: float) -> bool:
        lp = self.program(partners | {t.owner})
        lo, hi = lp.range(t.terms, fixed, v, v, need if t.kind == "count" else None)
        return wide(t, lo, hi, need)
