"""The audit with one HiGHS model per part of the model decides as the audit before it.

The audit before built a new linear program for every reader (its own cells moved into the bounds) and played
every target with it; now one model per part of the model is played by reader after reader (their cells fixed
by bounds, one-cell relations as bounds, warm-started primal simplex: `program.Shared`). On seeded random
clusters every audit the anonymiser makes on its way to two packs is replayed with the audit before (every
reader with its own program, no coalitions): the same breaches, of the same readers, with the same ranges.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_audit_coalitions import PLAIN, _case, _packs

import klyngedesk.core.anonymise.audit as audit_module
from klyngedesk.core.anonymise.disclosure import Relation
from klyngedesk.core.anonymise.program import Matrix, Shared


def _same(fast: list, before: list) -> bool:
    if len(fast) != len(before):
        return False
    for a, b in zip(fast, before, strict=True):
        if (a.target.terms, a.reader, a.meeting) != (b.target.terms, b.reader, b.meeting):
            return False
        for x, y in ((a.low, b.low), (a.high, b.high)):
            if not (x == y or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)):
                return False
    return True


def _before(monkeypatch, disclosures, args, kwargs) -> list:
    """The audit before the shared model and the coalitions: every reader plays every target with its own program."""
    with monkeypatch.context() as m:
        m.setattr(audit_module, "PLAIN_READERS", PLAIN)
        m.setattr(audit_module, "SHARED_MODEL", False)
        return audit_module.audit(disclosures, *args, **kwargs)


@pytest.mark.parametrize("seed", [7, 8, 9, 10, 11, 12])
def test_every_audit_of_the_anonymiser_answers_as_the_audit_before(seed: int, tmp_path: Path, monkeypatch) -> None:
    compared, breached = [], []

    def against_before(disclosures, args, kwargs, result) -> None:
        before = _before(monkeypatch, disclosures, args, kwargs)
        assert _same(result, before), (result, before)
        compared.append(len(result))
        breached.extend(result)

    _packs(tmp_path, _case(seed), against_before)
    assert compared, "the anonymiser made no audit"
    assert breached, "no audit of this cluster found a breach: nothing was compared"


def test_a_full_audit_of_every_reader_answers_as_the_audit_before(tmp_path: Path, monkeypatch) -> None:
    """Not only the first reader with a breach: every reader of the models the anonymiser mends."""
    seen = []
    _packs(tmp_path, _case(13), lambda d, a, k, r: seen.append(d) if r else None)
    assert seen
    for disclosures in seen[-3:]:
        fast = audit_module.audit(disclosures)
        assert fast and _same(fast, _before(monkeypatch, disclosures, (), {}))


def test_a_readers_cells_fixed_in_the_shared_model_give_the_readers_own_program() -> None:
    """Reader R knows a and a2; O owns b and c. The printed a + b = 10 and b + c = 12 give b and c away to R.
    R's own relation a + a2 = 5 does not hold for the true counts (3 and 3, corrected after printing): R's own
    program drops it (no cell of it is unknown to R) and so must the shared model, or R's program is infeasible
    and every target counts as given away."""
    a, a2, b, c = "p\tm\tR", "p\tm2\tR", "p\tm\tO", "p\tm2\tO"
    cells = sorted([a, a2, b, c])
    relations = [Relation(((a, 1.0), (b, 1.0)), 10.0, 10.0), Relation(((b, 1.0), (c, 1.0)), 12.0, 12.0),
                 Relation(((a, 1.0), (a2, 1.0)), 5.0, 5.0), Relation(((c, 2.0),), 0.0, 20.0),
                 Relation(((b, -1.0),), -9.0, 0.0)]
    matrix = Matrix(cells, relations, {})
    shared = Shared(matrix)
    for reader_knows in ({a: 3.0, a2: 3.0}, {}, {a: 3.0}):
        own = matrix.program(reader_knows)
        mine = shared.play(reader_knows)
        for target in ([(b, 1.0)], [(c, 1.0)], [(b, 1.0), (c, -1.0)]):
            assert mine.range(tuple(target), reader_knows) == pytest.approx(own.range(tuple(target), reader_knows))
    shared.play({a: 3.0, a2: 3.0})
    assert shared.range(((b, 1.0),), {}) == pytest.approx((7.0, 7.0))
    assert shared.range(((c, 1.0),), {}) == pytest.approx((5.0, 5.0))
    shared.play({})   # the outsider: a + a2 = 5 leaves a <= 5, so b = 10 - a from 5 to 9 (its one-cell bound)
    assert shared.range(((b, 1.0),), {}) == pytest.approx((5.0, 9.0))
