"""The audit that reads its feasible points as one array and orders a coalition's partners without a loop per
owner decides exactly as the audit before it (a dict per point, a Python loop over every relation's owners).

Both are cluster-sized work per hidden count (a point has a value per cell, a cluster-wide relation an owner
per clinic), so they are done in numpy / at C speed now. The reference versions live here; on seeded random
clusters every audit the anonymiser makes answers the same (breaches, readers, ranges) both ways, and on the
demo at 7, 20 and 60 clinics and the unusual clusters the packs are the same (tables, models, breaches left).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from pack_clusters import CLUSTERS, build_cluster
from test_audit_coalitions import _case, _key, _packs

import klyngedesk.core.anonymise.audit as audit_module
from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.anonymise.coalition import Coalitions
from klyngedesk.core.anonymise.disclosure import Target
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project

MEETING = "2026-12"


class _DictPoints:
    """The points as the audit kept them before: one dict per point, a target's value summed point by point."""

    def __init__(self, index: dict[str, int]) -> None:
        self.free = list(index)
        self.points: list[dict[str, float]] = []

    def add(self, points) -> None:
        self.points += [dict(zip(self.free, p, strict=True)) for p in points]

    def span(self, t: Target, fixed: dict[str, float]) -> tuple[float, float]:
        seen = [sum(coef * (p[c] if c in p else fixed.get(c, 0.0)) for c, coef in t.terms) for p in self.points]
        return min(seen), max(seen)


def _loop_partners(self: Coalitions, owner: str, cells: list[str]) -> list[str]:
    """The partners as ordered before: every owner of every relation of the target's cells, one by one."""
    tight: dict[str, int] = {}
    for i in {i for c in cells for i in self.rel_of_cell.get(c, ())}:
        owners = self.owners_of[i]
        for o in owners:
            if o != owner:
                tight[o] = min(tight.get(o, len(owners)), len(owners))
    partners = sorted(tight, key=lambda o: (tight[o], o))
    return partners + [o for o in self.owners if o != owner and o not in tight]


def _before(m: pytest.MonkeyPatch) -> None:
    m.setattr(audit_module, "POINTS", _DictPoints)
    m.setattr(Coalitions, "partners", _loop_partners)


@pytest.mark.parametrize("seed", [1, 3, 6, 9])
def test_every_audit_of_the_anonymiser_answers_as_before(seed: int, tmp_path: Path, monkeypatch) -> None:
    compared, orders = [], []
    real = Coalitions.partners

    def checked(self, owner, cells):
        fast = real(self, owner, cells)
        orders.append(fast == _loop_partners(self, owner, cells))
        return fast

    monkeypatch.setattr(Coalitions, "partners", checked)

    def against_before(disclosures, args, kwargs, result) -> None:
        with monkeypatch.context() as m:
            _before(m)
            before = audit_module.audit(disclosures, *args, **kwargs)
        assert _key(result) == _key(before)
        full = audit_module.audit(disclosures)   # every reader, not only the first with a breach
        with monkeypatch.context() as m:
            _before(m)
            assert _key(full) == _key(audit_module.audit(disclosures))
        compared.append(len(result))

    _packs(tmp_path, _case(seed), against_before, live=True)   # the partners' order of the anonymiser's own audits
    assert compared, "the anonymiser made no audit"
    assert orders and all(orders), "the partners' order changed"


def _meeting(path: Path, before: bool, monkeypatch: pytest.MonkeyPatch, meeting: str = MEETING) -> str:
    with monkeypatch.context() as m:
        if before:
            _before(m)
        with Project.open(path) as project:
            draw_codes(project, meeting, rng=random.Random(3))
            out = anonymised_meeting(project, meeting)
    return json.dumps([(t.to_json(), d.to_json(), _key(left)) for t, d, left in out], sort_keys=True)


@pytest.mark.parametrize("clinics", [7, 20, 60])
def test_the_demo_packs_are_the_same(clinics: int, tmp_path: Path, monkeypatch) -> None:
    path = build_demo(tmp_path / "demo.klynge", clinics=clinics)
    assert _meeting(path, False, monkeypatch) == _meeting(path, True, monkeypatch)


@pytest.mark.parametrize("name", sorted(CLUSTERS)[:4])
def test_the_unusual_clusters_packs_are_the_same(name: str, tmp_path: Path, monkeypatch) -> None:
    path = build_cluster(tmp_path, name)
    assert _meeting(path, False, monkeypatch) == _meeting(path, True, monkeypatch)


def test_a_targets_span_is_summed_as_one_point_at_a_time() -> None:
    """The array's span of a target is bit for bit the point-by-point sums (so no range edge moves)."""
    rng = np.random.default_rng(5)
    index = {f"c{i}": i for i in range(30)}
    points = audit_module.POINTS(index)
    before = _DictPoints(index)
    batch = [rng.random(30) * 37 for _ in range(21)]   # more than the first capacity: the array grows
    points.add(batch)
    before.add(batch)
    for k in range(50):
        terms = tuple((f"c{int(j)}", float(rng.choice([1.0, -1.0, 0.3]))) for j in rng.choice(30, 1 + k % 5))
        t = Target(terms + (("shown", 1.0),), "x", "count", "x")
        assert points.span(t, {"shown": 2.5}) == before.span(t, {"shown": 2.5})
