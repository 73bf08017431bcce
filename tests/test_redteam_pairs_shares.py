"""Red team: a share printed 100 % or 0 % beside its denominator, in one pack.

A share of 100 % says the count is its denominator, 0 % that it is 0: a reader dividing the printed numbers of
one pack (the share beside the list-size band or the count it is a share of, the cluster's share beside its
total) gets the count back. Where that count is hidden ("<5", "skjult"), or where it completes a sum that hides
another (a cluster total minus the counts the 100 % rows give), the pack has told it. Played by the project's
attackers (tests/attacker.py on the JSON, tests/attacker_pdf.py on the printed text), one round and a round
with its baseline, list sizes exact and in bands.
"""

from __future__ import annotations

import pytest
from test_attacker import play
from test_attacker_cases import both_attackers, case

SIZES = [2400, 3100, 2800, 4100, 1900, 3600]
# COPD patients, (followed up, referred to rehabilitation): every share 100 % or 0 %, small clinics among them
KOL_FULL = [[(3, [3, 0]), (7, [7, 0]), (40, [40, 0]), (2, [0, 2]), (25, [25, 25]), (9, [0, 9])],
            [(4, [4, 0]), (6, [6, 6]), (41, [40, 0]), (2, [2, 2]), (24, [24, 0]), (8, [0, 8])]]
# one clinic below the threshold at 100 %, the rest large and ordinary: the cluster's share beside its total
# gives the small clinic's count back if the others' are printed
AB_ONE_FULL = [[(3, [3]), (55, [30]), (61, [40]), (38, [12]), (70, [33]), (47, [20])],
               [(4, [4]), (51, [28]), (66, [41]), (35, [15]), (72, [30]), (49, [21])]]
# every clinic at 0 % of its prescriptions: counts of 0 are no small counts, a remainder of 3 is
AB_ZERO = [[(3, [0]), (55, [0]), (61, [0]), (38, [0]), (70, [0]), (47, [0])]]

# name -> topic, counts, whether the pack prints clinics' rows for the PDF attacker to read (where every clinic's
# figures end up hidden the page says so in a sentence, and the PDF attacker has no table to read: over-hiding,
# open with the statistics helper, tests/pack_clusters.py's zero-and-full-shares)
CASES = {
    "COPD shares all 100 % or 0 %, one round": ("kol", KOL_FULL[:1], False),
    "COPD shares all 100 % or 0 %, with a baseline": ("kol", KOL_FULL, False),
    "a small clinic at 100 % among ordinary shares": ("antibiotika", AB_ONE_FULL, True),
    "every clinic at 0 %": ("antibiotika", AB_ZERO, False),
}


@pytest.mark.parametrize("display", ["exact", "bands"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_full_or_empty_share_beside_its_denominator_keeps_hidden_counts_hidden(name: str, display: str) -> None:
    topic, counts, rows_printed = CASES[name]
    (both_attackers if rows_printed else play)(case(topic, SIZES, counts, 5, display))


def test_a_full_share_at_threshold_ten() -> None:
    topic, counts, _ = CASES["COPD shares all 100 % or 0 %, with a baseline"]
    play(case(topic, SIZES, counts, 10, "bands"))
