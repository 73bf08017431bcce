"""A change whose interval is far too wide to read prints no estimate: only that it cannot be determined.

'+1 % (−94 % til +1.508 %)' invites reading the +1 %. The rule sits on the same margins as "about unchanged"
(±10 % for rates, ±3 percentage points for shares): an interval reaching five margins beyond no change on both
sides (a fall of 50 % and a rise of 50 %; −15 to +15 points) is too wide to read.
"""

from __future__ import annotations

import pytest

from klyngedesk.core.stats.change_words import (
    MARGIN_POINTS,
    MARGIN_RELATIVE,
    change_sentence,
    too_wide,
    verdict,
)


@pytest.mark.parametrize(("low", "high", "points", "wide"), [
    (-0.94, 15.08, False, True),      # the example: −94 % to +1.508 %
    (-1.0, 4.30, False, True),        # the demo's −100 % (−100 % til +430 %): no events in the follow-up round
    (-0.50, 0.50, False, True),       # on both bounds
    (-0.496, 0.60, False, True),      # printed −50 %: the printed ends decide, as for the verdict
    (-0.494, 0.60, False, False),     # printed −49 %
    (-0.56, 0.46, False, False),      # wide, not that wide: the estimate is printed with "cannot be determined"
    (-0.89, 0.60, False, True),
    (-15.0, 15.0, True, True),
    (-14.9, 30.0, True, False),
    (0.6, 12.0, False, False),        # a rise, however wide, is a rise
])
def test_too_wide_is_five_margins_beyond_no_change_on_both_sides(low, high, points, wide) -> None:
    margin = MARGIN_POINTS if points else MARGIN_RELATIVE
    assert too_wide(low, high, margin, points) is wide


def test_the_cluster_sentence_prints_the_interval_without_the_estimate() -> None:
    """The sentence says 'kan ikke afgøres – for få tal' and gives the interval, not '+1 %' before it."""
    da = change_sentence("morfinbrugere pr. 1.000 patienter", 0.01, -0.94, 15.08, "2. halvår 2025", "1. halvår 2026",
                         "da", before="3,4", after="3,5")
    assert "kan ikke afgøres – for få tal (95 %-KI −94 til +1.508 %)." in da, da
    assert "+1 %" not in da
    en = change_sentence("morphine users", 0.01, -0.94, 15.08, "H2 2025", "H1 2026", "en")
    assert "cannot be determined – too few numbers (95% CI −94 to +1,508 %)." in en, en
    narrower = change_sentence("morfinbrugere", 0.01, -0.40, 0.70, "2. halvår 2025", "1. halvår 2026", "da")
    assert "(+1 %; 95 %-KI −40 til +70 %)" in narrower, narrower
    assert verdict(0.01, -0.94, 15.08, MARGIN_RELATIVE, False) == "undetermined"


def test_a_clinics_change_figure_says_it_cannot_be_determined_instead_of_a_number() -> None:
    """The personal handout's and the summary's 'Ændring' figure: the words and the interval only."""
    from klyngedesk.core.collate.table import Change
    from klyngedesk.core.render.wording import change_figure

    wide = Change(baseline_value=3.4, value=3.5, absolute=0.1, ratio=1.01, ratio_low=0.06, ratio_high=16.08,
                  relative=0.01, relative_low=-0.94, relative_high=15.08, caution=(), measure="relative",
                  verdict="undetermined", margin=MARGIN_RELATIVE)
    assert change_figure(wide, "da", undetermined=True) == "kan ikke afgøres – for få tal (−94 % til +1.508 %)"
    assert change_figure(wide, "en", with_interval=False) == "cannot be determined – too few numbers"
    points = Change(baseline_value=60.0, value=62.0, absolute=2.0, ratio=None, ratio_low=None, ratio_high=None,
                    relative=None, relative_low=None, relative_high=None, points=2.0, points_low=-25.0,
                    points_high=31.3, caution=(), measure="points", verdict="undetermined", margin=MARGIN_POINTS)
    assert change_figure(points, "da") == "kan ikke afgøres – for få tal (−25,0 til +31,3 procentpoint)"
