"""The member who holds several prints of one meeting (a draft handed out, then the print after a late file).

Each print is read as `attacker.Attacker` reads a pack, with the true counts as they were when it was printed;
then every print's relations go into one linear program. A cell whose value was different when a print showed
it (a correction, a late list size) is a cell of its own in that print (the same clinic's, so its owner knows
it), named by the print that first showed that value: the member does not assume a corrected count unchanged.
Cells printed exactly by an earlier print are public for the later ones; a count an earlier print hid stays a
target when a later print shows it (that is a breach: the earlier print's promise); a list size a later print
shows exactly does not (list sizes are then shown by the coordinator's choice).
"""

from __future__ import annotations

from collections.abc import Callable

from attacker import Attacker

Cell = tuple[str, str, str]


def held_together(prints: list[tuple[dict[Cell, float], Callable[[Attacker], None]]]) -> Attacker:
    """One attacker holding every print, oldest first: (the true counts when it was printed, a function that
    reads the print into an attacker, e.g. `lambda a: a.keep(json, topic, clinic_of)`)."""
    final = prints[-1][0]
    merged = Attacker({})
    first_with: dict[tuple[Cell, float], int] = {}
    for i, (truth, read) in enumerate(prints):
        one = Attacker(dict(truth))
        read(one)

        def name(c: Cell, i: int = i, truth: dict[Cell, float] = truth) -> Cell:
            v = truth.get(c)
            if v is None or final.get(c) == v:
                return c
            return (f"{c[0]}@{first_with.setdefault((c, v), i)}", c[1], c[2])

        public = {terms[0][0] for terms, lo, hi in merged.relations if len(terms) == 1 and lo == hi}
        # what a print hides and prints itself is a matter of that print alone (tests/test_attacker.py): here only
        # what the prints give away together
        own = {name(terms[0][0]) for terms, lo, hi in one.relations if len(terms) == 1 and lo == hi}
        merged.truth.update({name(c): v for c, v in truth.items()})
        merged.relations += [([(name(c), k) for c, k in terms], lo, hi) for terms, lo, hi in one.relations]
        merged.hidden |= {name(c) for c in one.hidden} - public - own
        merged.sizes |= {name(c) for c in one.sizes} - public - own
        merged.choices += [(name(n), name(d), pairs) for n, d, pairs in one.choices]
    # a list size a later print shows exactly (the coordinator chose to show list sizes) is public from then on
    merged.sizes -= {terms[0][0] for terms, lo, hi in merged.relations if len(terms) == 1 and lo == hi}
    merged.check_sound()
    return merged
