"""The anonymiser mends a breach in every part of the model per round, and the audit answers unchanged parts from
its memo: the packs stay safe and every audit answers as a fresh one.

Parts of the model share no cell not printed, so the first reader's breaches of one part do not depend on
another part; the audit (`each_part`) reports them all and the anonymiser mends them in one round, holding back
the parts an earlier mend of the round changes. The memo answers a part whose relations, targets and counts are
as in the audit before without a program. On seeded random clusters: each part's breaches are exactly what the
full audit finds for that part's first reader with any, the memo changes no answer, and the final model of
every pack gives no reader anything (the full audit of it and every earlier pack finds nothing).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_audit_coalitions import _case, _key, _packs

from klyngedesk.core.anonymise.audit import audit
from klyngedesk.core.anonymise.disclosure import Relation


def _by_part(breaches: list) -> dict:
    parts: dict = {}
    for b in breaches:
        parts.setdefault(b.part, []).append(b)
    return parts


@pytest.mark.parametrize("seed", [1, 5, 9])
def test_every_part_reports_its_first_reader_and_the_packs_end_safe(seed: int, tmp_path: Path) -> None:
    seen: list = []
    finals: list = []

    def check(disclosures, args, kwargs, result) -> None:
        if kwargs.get("each_part"):
            seen.append((disclosures, kwargs, result))
            if not result:
                finals.append(disclosures)

    _packs(tmp_path, _case(seed), check)
    assert seen and finals
    assert any(len(_by_part(r)) > 1 for _, _, r in seen), "no audit found breaches in two parts at once"
    for disclosures, kwargs, result in seen[:: max(1, len(seen) // 6)]:
        known = kwargs.get("known_breaches", frozenset())
        everything = audit(disclosures, known_breaches=known)
        assert bool(result) == bool(everything)
        for cells, found in _by_part(result).items():
            readers = {b.reader for b in found}
            assert len(readers) == 1, "one part's breaches come from its first reader with any"
            mine = [b for b in everything if b.reader in readers and b.part == cells]
            assert _key(found) == _key(mine)
    for disclosures in finals:   # the last audit of each topic: nothing for any reader, earlier packs included
        assert audit(disclosures) == []


def test_the_memo_answers_as_a_fresh_audit_after_a_part_changes(tmp_path: Path) -> None:
    seen: list = []
    _packs(tmp_path, _case(9), lambda d, a, k, r: seen.append(d) if len(_by_part(r)) > 1 else None)
    assert seen
    disclosures = seen[0]
    memo: dict = {}
    first = audit(disclosures, each_part=True, memo=memo)
    assert memo and _key(first) == _key(audit(disclosures, each_part=True))
    assert _key(audit(disclosures, each_part=True, memo=memo)) == _key(first)
    # Print one breached part's target exactly: that part changes, the others are answered from the memo.
    target = first[0].target
    *earlier, last = disclosures
    changed = type(last)(last.meeting, last.topic, last.threshold, [*last.relations,
                         Relation(target.terms, first[0].value, first[0].value)], list(last.targets), dict(last.truth))
    again = audit([*earlier, changed], each_part=True, memo=memo)
    assert _key(again) == _key(audit([*earlier, changed], each_part=True))
