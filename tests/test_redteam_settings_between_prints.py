"""Red team: a setting changed between two prints of one meeting. The coordinator prints the pack, then lowers
or raises the small-number threshold, shows the list sizes otherwise (the rates' rounding step comes or goes), a
named clinic withdraws its consent, or a share indicator's counts come in late, and prints the same meeting
again. The member holding both prints reads them with the project's attacker (tests/attacker_reprint.py): no
hidden count to +/-1 and no list size not printed to 3 %, beyond what the pack report says it cannot protect
(`test_redteam_reprint.play`).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_attacker import clusters
from test_redteam_reprint import BASE, MORE_CHANGES, THRESHOLD, play

# Threshold 5, then 3: the first print's "<5" beside K06's 3 prescriptions must not become a printed 3.
LOWERED = {**BASE, "change": "threshold_lowered", "to": 3}
# Threshold 3, then 5 (two COPD indicators): counts of 3 and 4 shown in the draft are hidden in the reprint
# (they were out: the report says so) and the cells hidden around them must not be narrowed by the draft.
RAISED = {**THRESHOLD, "threshold": 3, "change": "threshold_raised", "to": 5}
# Two COPD indicators, threshold 10 then 5.
KOL_LOWERED = {**THRESHOLD, "threshold": 10, "change": "threshold_lowered", "to": 5}
# The rates printed exactly (no rounding step) in the draft, in bands with a step in the reprint, and back.
STEP_ADDED = {**BASE, "change": "display_changed", "display": "exact", "to": "bands"}
STEP_GONE = {**BASE, "change": "display_changed", "display": "hidden", "to": "exact"}
# K01 named in the draft, coded in the reprint, the list sizes printed exactly.
WITHDRAWN_EXACT = {**BASE, "change": "consent_withdrawn", "display": "exact"}
# The round's COPD rehabilitation and spirometry counts come in after the draft (their indicators appear).
KOL_ADDED = {**THRESHOLD, "change": "indicator_added"}
ADDED = {**BASE, "change": "indicator_added"}

CASES = {"lowered": LOWERED, "raised": RAISED, "kol-lowered": KOL_LOWERED, "step-added": STEP_ADDED,
         "step-gone": STEP_GONE, "withdrawn-exact": WITHDRAWN_EXACT, "kol-added": KOL_ADDED, "added": ADDED}


@pytest.mark.timeout(900)
# "raised": the draft at threshold 3 once printed K04's 1 COPD follow-up as "<3" (1-2); it is "skjult" now
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_setting_changed_between_prints_gives_no_hidden_count_away(name: str) -> None:
    play(dict(CASES[name]))


@st.composite
def changed_settings(draw):
    case = draw(clusters(4, 8, 2, 2))
    n = len(case["sizes"])
    case["change"] = draw(st.sampled_from([*MORE_CHANGES, "threshold_raised", "display_changed",
                                           "consent_withdrawn"]))
    # a draft at threshold 3 raised to 5 is the fixed case RAISED above (protectable since small counts below
    # threshold 5 print 'skjult'); the random draws keep to thresholds 5 and 10 to stay within the time limit
    case["threshold"], case["to"] = draw(st.sampled_from({"threshold_lowered": [(5, 3), (10, 5)],
                                                          "threshold_raised": [(5, 10)]}.get(case["change"],
                                                                                             [(5, 10), (10, 5)])))
    if case["change"] == "display_changed":
        case["to"] = draw(st.sampled_from([d for d in ("bands", "hidden", "exact") if d != case["display"]]))
    case["who"], case["by"] = draw(st.integers(0, n - 1)), 1
    case["consents"] = [set(), draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=max(1, n // 3)))]
    case["missing"] = set()
    return case


@pytest.mark.timeout(1800)
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.data_too_large], phases=(Phase.generate,))
@given(changed_settings())
def test_random_settings_changed_between_prints(case: dict) -> None:
    play(case)
