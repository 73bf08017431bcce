"""The faster audit decides as the audit before it: every pack of seeded random clusters hides, coarsens and
reports exactly what it did when every clinic played the reader with its own program for every hidden count.

The coalitions (coalition.py) settle a hidden count for most readers at once; the matrix (program.py) cuts each
reader's program out without a loop per relation. Both are checked against the plain way on every disclosure
model the anonymiser audits on its way to a pack: the breaches found, their readers and ranges. The
anonymiser's next step depends on nothing else, so equal answers make equal packs.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from attacker import PERIODS, TOPICS, add_meeting, make_cluster

import klyngedesk.core.anonymise.audit as audit_module
import klyngedesk.core.anonymise.build as build_module
from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.anonymise.coalition import Coalitions
from klyngedesk.core.anonymise.disclosure import cell_owner
from klyngedesk.core.anonymise.program import Matrix, Program

PLAIN = 10 ** 9   # PLAIN_READERS for the audit before the coalitions: every reader plays every target itself


def _case(seed: int) -> dict:
    """A cluster drawn from `seed`: 6-16 clinics, two rounds, small counts, list sizes in bands or hidden."""
    rng = random.Random(seed)
    n = rng.randint(6, 16)
    topic = rng.choice(sorted(TOPICS))

    def counts(name: str) -> list:
        shares = len(TOPICS[name][1])
        out = []
        for _ in range(2):
            row = []
            for _ in range(n):
                parent = rng.randint(0, 12) if rng.random() < 0.4 else rng.randint(10, 80)
                row.append((parent, [rng.randint(0, parent) for _ in range(shares)]))
            out.append(row)
        return out

    extra = {o: counts(o) for o in sorted(TOPICS) if o != topic} if rng.random() < 0.4 else {}
    return dict(topic=topic, sizes=[rng.randint(900, 9000) for _ in range(n)], counts=counts(topic),
                missing={(rng.randint(0, 1), rng.randrange(n))} if rng.random() < 0.3 else set(),
                threshold=rng.choice([5, 5, 10]), display=rng.choice(["bands", "bands", "hidden"]),
                over=rng.random() < 0.5, extra=extra)


def _key(breaches: list) -> list:
    return [(b.target.terms, b.reader, round(b.low, 4), round(b.high, 4)) for b in breaches]


# case (as its repr) -> (every audit the anonymiser made: disclosures, args, kwargs, result; the packs): several
# modules check the audits of the same seeded case, which the anonymiser makes once a run (the same code, the
# same inputs, the same answers) and each further check reads as made
_RECORDED: dict[str, tuple[list[tuple[list, tuple, dict, list]], list]] = {}


def _packs(folder: Path, case: dict, check, live: bool = False) -> list:
    """Both meetings of the case anonymised as the pack does (the first kept as printed); `check` sees every
    audit the anonymiser makes, with its arguments (less the memo of earlier answers, so that what it compares
    with is audited afresh) and result, in the order made. A case already anonymised this run is not anonymised
    again: `check` reads its audits as recorded (`live`: anonymise anyway, for a check that watches the
    anonymiser's own calls as they are made, e.g. through a patched method that must not change the result)."""
    recorded = _RECORDED.get(repr(case))
    if recorded is not None and not live:
        for disclosures, args, kwargs, result in recorded[0]:
            check(list(disclosures), args, dict(kwargs), result)
        return list(recorded[1])
    calls: list[tuple[list, tuple, dict, list]] = []
    folder.mkdir(exist_ok=True)
    made = make_cluster(folder / "c.klynge", case["topic"], case["sizes"], case["counts"], case["missing"],
                        case["threshold"], case["display"], case["over"], frozenset(), case["extra"])
    project = made.project
    topics = (case["topic"], *case["extra"])
    real = build_module.audit

    def watched(disclosures, *args, **kwargs):
        disclosures = list(disclosures)
        result = real(disclosures, *args, **kwargs)
        rest = {k: v for k, v in kwargs.items() if k != "memo"}
        calls.append((list(disclosures), args, dict(rest), result))
        check(disclosures, args, rest, result)
        return result

    out = []
    try:
        build_module.audit = watched
        for r in range(2):
            meeting = f"m{r}"
            add_meeting(project, meeting, date(2026, 1 + r, 1), topics, PERIODS[r].key, PERIODS[r - 1].key if r else None)
            draw_codes(project, meeting, rng=random.Random(r))   # the same codes in both runs
            audited = anonymised_meeting(project, meeting)
            for topic, (table, disclosure, left) in zip(topics, audited, strict=True):
                project.save_published(meeting, topic, disclosure.to_json())
                out.append((table.to_json(), disclosure.to_json(), _key(left)))
    finally:
        build_module.audit = real
        project.close()
    _RECORDED.setdefault(repr(case), (calls, list(out)))
    return out


@pytest.mark.parametrize("seed", [1, 2, 4, 6])
def test_the_coalitions_change_no_decision_of_the_audit(seed: int, tmp_path: Path, monkeypatch) -> None:
    """Every audit the anonymiser makes on its way to both packs answers as the plain audit does (the same
    breaches of the same readers, the same ranges), so the packs hide and coarsen the same: and the
    coalitions did settle targets (the plain programs were not all made anyway)."""
    case = _case(seed)
    compared = []
    settled = []
    real = Coalitions._readers_left
    monkeypatch.setattr(Coalitions, "_readers_left",
                        lambda self, t, need: settled.append(real(self, t, need)) or settled[-1])

    def against_plain(disclosures, args, kwargs, result) -> None:
        with monkeypatch.context() as m:
            m.setattr(audit_module, "PLAIN_READERS", PLAIN)
            plain = audit_module.audit(disclosures, *args, **kwargs)
        assert _key(result) == _key(plain)
        compared.append(len(result))

    _packs(tmp_path, case, against_plain, live=True)   # counts what the coalitions settle while it runs
    assert compared, "the anonymiser made no audit"
    assert any(left == frozenset() for left in settled), "no coalition settled a target"


def test_a_full_audit_of_a_pack_finds_what_every_reader_finds_alone(tmp_path: Path, monkeypatch) -> None:
    """On the models the anonymiser mends (each with breaches), the audit of every reader (not only the
    first with a breach) gives the same breaches with and without the coalitions."""
    seen = []
    _packs(tmp_path, _case(5), lambda d, a, k, r: seen.append(d) if r else None)
    assert seen
    for disclosures in seen[-3:]:
        fast = audit_module.audit(disclosures)
        with monkeypatch.context() as m:
            m.setattr(audit_module, "PLAIN_READERS", PLAIN)
            plain = audit_module.audit(disclosures)
        assert fast and _key(fast) == _key(plain)


def test_a_readers_program_cut_from_the_matrix_is_the_program_made_row_by_row(tmp_path: Path) -> None:
    seen = []
    _packs(tmp_path, _case(3), lambda d, a, k, r: seen.append(d))
    disclosures = seen[-1]
    relations = [r for d in disclosures for r in d.relations]
    truth = {c: v for d in disclosures for c, v in d.truth.items()}
    shown = {r.terms[0][0]: r.low for r in relations if len(r.terms) == 1 and r.low == r.high}
    cells = sorted({c for r in relations for c, _ in r.terms if c not in shown})
    used = [r for r in relations if any(c not in shown for c, _ in r.terms)]
    matrix = Matrix(cells, used, shown)
    targets = [t for d in disclosures for t in d.targets]
    for reader in sorted({cell_owner(c) for c in cells})[:4]:
        own = {c: truth[c] for c in cells if cell_owner(c) == reader}
        fixed = {**shown, **own}
        cut = matrix.program(own)
        made = Program([c for c in cells if c not in fixed], used, fixed)
        assert cut.free == made.free
        for t in targets[:40]:
            assert cut.range(t.terms, fixed) == pytest.approx(made.range(t.terms, fixed), rel=1e-9, abs=1e-6)
