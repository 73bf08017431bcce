"""A composition over fewer clinics than the rate beside it must not give a hidden count back by subtraction
(issue 11, gap 3): the pooled rate's total covers every clinic with a rate, the composition's cluster shares
only the clinics with every part; the difference is the count of the clinics in one and not the other."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from attacker import PERIODS, Attacker, add_meeting, make_cluster

from klyngedesk.core.anonymise import draw_codes, meeting_codes
from klyngedesk.core.anonymise.audit import audit
from klyngedesk.core.anonymise.build import anonymised_with_disclosure

P0 = PERIODS[0].key


@pytest.mark.parametrize("display", ["bands", "exact"])
def test_a_clinic_missing_from_the_composition_keeps_its_small_count_hidden(tmp_path: Path, display: str) -> None:
    """K00 has 3 antibiotic prescriptions (hidden "<5") and sent no penicillin figure, so it is in the
    antibiotic rate's pooled total but not in the penicillin composition: total minus composition total
    = 3, exactly, unless the pack hides or withholds enough."""
    counts = [(3, [1]), (52, [20]), (61, [25]), (80, [30]), (95, [41]), (103, [45]), (120, [50])]
    made = make_cluster(tmp_path / "c.klynge", "antibiotika", [2100 + 500 * i for i in range(7)], [counts], set(), 5,
                        display, False)
    project = made.project
    project.correct_value("K00", "pcv_ordinationer", P0, None, "ikke indberettet")
    del made.truth[(P0, "pcv_ordinationer", "K00")]
    add_meeting(project, "m", date(2026, 3, 1), "antibiotika", P0, None)
    draw_codes(project, "m")
    table, disclosure, left = anonymised_with_disclosure(project, "m", "antibiotika")
    pack = table.to_json()
    comp = next(c for c in pack["compositions"] if c["key"] == "pcv_andel")
    code = meeting_codes(project, "m")["K00"]
    assert code not in {r["label"] for r in comp["rows"]} or all(
        s is None for r in comp["rows"] if r["label"] == code for s in r["shares"])
    clinic_of = {c: k for k, c in meeting_codes(project, "m").items()}
    attacker = Attacker(made.truth)
    attacker.keep(pack, "antibiotika", clinic_of)
    assert (P0, "ab_ordinationer", "K00") in attacker.hidden
    assert attacker.pinned([None, *sorted(made.names)]) == []
    assert not left and not audit([disclosure])
    project.close()
