"""The words of a change agree with the interval printed beside them at every rounding edge.

A reader holds the sentence "faldt 0 % (95 %-KI 0–1 %)" against itself: a fall whose printed interval touches
no change; or "kan ikke afgøres" beside "−10 til +9 %", printed inside the ±10 % margin that would have made it
"stort set uændret". The attack: changes generated at and around every edge (0 and ±margin, nearer than the
printed precision), for rates and shares, through the sentence, the summary's figure, the personal handout's
"(kan ikke afgøres)" and the summary's arrow, and from counts through cluster_change. Each printed interval
is read back and judged on its printed numbers only.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from klyngedesk.core.collate.table import Change
from klyngedesk.core.render import wording
from klyngedesk.core.stats.change import cluster_change
from klyngedesk.core.stats.change_words import (
    MARGIN_POINTS,
    MARGIN_RELATIVE,
    MORE_DECIMALS,
    change_sentence,
    verdict,
)

NUMBER = r"[+−-]?\d[\d,]*(?:\.\d+)?"   # English: 1,234.5


def _num(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def _da_num(text: str) -> float:
    return float(text.replace("−", "-").replace(".", "").replace(",", "."))


def _printed(text: str) -> tuple[str, float, float, float]:
    """(verdict, point, low, high) as the English sentence prints them, signed (a fall is negative)."""
    m = re.search(rf"(fell|rose) from .*?, ({NUMBER}) percentage points \(95% CI ({NUMBER}) to ({NUMBER})\)", text) \
        or re.search(rf"(fell|rose) ({NUMBER})%.*?\(95% CI ({NUMBER})–({NUMBER})%\)", text)
    if m:
        sign = -1 if m.group(1) == "fell" else 1
        pct, a, b = (_num(m.group(i)) for i in (2, 3, 4))
        low, high = (-b, -a) if sign < 0 else (a, b)
        return m.group(1), sign * pct, low, high
    m = re.search(rf"(?:\(|: )({NUMBER})(?:%| percentage points); 95% CI ({NUMBER}) to ({NUMBER})", text)
    if m is None:   # far too wide to read: no estimate, the interval reaches five margins beyond 0 both ways
        m = re.search(rf"cannot be determined – too few numbers \(95% CI ({NUMBER}) to ({NUMBER})", text)
        assert m, text
        low, high = _num(m.group(1)), _num(m.group(2))
        bound = 5 * (MARGIN_POINTS if "percentage points" in text else 100 * MARGIN_RELATIVE)
        assert low <= -bound and high >= bound, text
        return "undetermined", (low + high) / 2, low, high
    kind = "unchanged" if "about unchanged" in text else "undetermined"
    return kind, _num(m.group(1)), _num(m.group(2)), _num(m.group(3))


def _says(low: float, high: float, margin: float) -> str:
    """What a reader concludes from the printed interval alone."""
    if high < 0:
        return "fell"
    if low > 0:
        return "rose"
    return "unchanged" if low >= -margin and high <= margin else "undetermined"


def _edge_values(points: bool):
    """Interval ends at and around the edges 0 and ±margin, nearer than any printed precision."""
    margin = MARGIN_POINTS if points else MARGIN_RELATIVE
    scale = 1.0 if points else 0.01
    offsets = st.sampled_from([0.0, 5e-12, 4.9e-4, 5e-4, 5.1e-4, 4.9e-3, 5e-3, 5.1e-3, 0.049, 0.05, 0.051,
                               0.45, 0.5, 0.55, 1.0, 7.3])
    edges = st.sampled_from([0.0, margin, -margin])
    near = st.builds(lambda e, o, s: e + s * o * scale, edges, offsets, st.sampled_from([-1.0, 1.0]))
    anywhere = st.floats(-3 * margin, 3 * margin, allow_nan=False)
    return st.one_of(near, anywhere)


def _check(kind: str, point: float, low: float, high: float, margin_shown: float, context: str) -> None:
    assert low <= point <= high, context
    assert _says(low, high, margin_shown) == kind, context


@pytest.mark.parametrize("points", [False, True])
@settings(max_examples=400, deadline=None, derandomize=True)
@given(data=st.data())
@example(data=None)
def test_the_sentence_and_its_interval_agree_at_every_edge(points: bool, data) -> None:
    cases = [(-0.003, -0.005, -0.004), (0.002, 0.001, 0.004), (0.0, -0.1004, 0.0999), (0.0, -0.0996, 0.1)] \
        if not points else [(-0.03, -0.05, -0.04), (0.03, 0.04, 0.05), (0.0, -3.04, 2.999), (1.0, -2.96, 3.0)]
    if data is not None:
        a, b = data.draw(_edge_values(points)), data.draw(_edge_values(points))
        low, high = min(a, b), max(a, b)
        cases = [(data.draw(st.sampled_from([low, high, (low + high) / 2])), low, high)]
    margin = MARGIN_POINTS if points else MARGIN_RELATIVE
    shown_margin = margin * (1 if points else 100)
    for est, low, high in cases:
        if not low <= est <= high:
            continue
        text = change_sentence("use", est, low, high, "H2 2025", "H1 2026", "en", before="1.0", after="2.0",
                               points=points)
        kind, p, lo, hi = _printed(text)
        _check(kind, p, lo, hi, shown_margin, text)
        assert kind == verdict(est, low, high, margin, points)        # the JSON's verdict is the words'
        if kind != verdict(est, low, high, margin):                    # the unrounded one: only at the last digit
            usual = 1 if points else 0
            step = 10.0 ** -(usual + MORE_DECIMALS) * (1 if points else 0.01)
            assert min(abs(low), abs(high), abs(low + margin), abs(high - margin)) <= step / 2 + 1e-15, text
        # the summary's figure and the personal handout's line beside the same verdict
        change = _change(est, low, high, points, kind)
        figure = wording.change_figure(change, "da")
        m = re.fullmatch(r"(\S+)(?: %| procentpoint) \((\S+?)(?: %)? til (\S+?)(?: %)?\)", figure)
        assert m, figure
        _check(kind, *(_da_num(m.group(i)) for i in (1, 2, 3)), shown_margin, figure)
        assert wording.change_sign(change) == {"rose": 1, "fell": -1}.get(kind, 0), figure


def _change(est: float, low: float, high: float, points: bool, kind: str) -> Change:
    margin = MARGIN_POINTS if points else MARGIN_RELATIVE
    pts = (est, low, high) if points else (None, None, None)
    rel = (None, None, None) if points else (est, low, high)
    return Change(baseline_value=1.0, value=2.0, absolute=1.0, ratio=None, ratio_low=None, ratio_high=None,
                  relative=rel[0], relative_low=rel[1], relative_high=rel[2], points=pts[0], points_low=pts[1],
                  points_high=pts[2], measure="points" if points else "relative", verdict=kind, margin=margin)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(x1=st.integers(0, 200_000), x0=st.integers(0, 200_000), n=st.integers(1, 10**7), m=st.integers(1, 10**7),
       proportion=st.booleans())
def test_changes_from_counts_agree_with_their_printed_interval(x1, x0, n, m, proportion) -> None:
    """From counts as collate has them, large clusters included (where a change of a few tenths of a percent
    is significant and printed at whole percent read as '0 %')."""
    if proportion:
        n, m = max(n, x1), max(m, x0)
    cc = cluster_change([x1], [n], [x0], [m], proportion=proportion)
    if cc["verdict"] == "undefined":
        return
    text = change_sentence("use", cc["estimate"], cc["low"], cc["high"], "H2 2025", "H1 2026", "en",
                           before="1.0", after="2.0", points=proportion, margin=cc["margin"])
    kind, p, lo, hi = _printed(text)
    assert kind == cc["verdict"], text
    _check(kind, p, lo, hi, cc["margin"] * (1 if proportion else 100), text)


def test_a_significant_fall_of_a_third_of_a_percent_is_not_printed_as_0() -> None:
    cc = cluster_change([996_000], [10**8], [1_000_000], [10**8], proportion=False)
    assert cc["verdict"] == "fell"
    text = change_sentence("use", cc["estimate"], cc["low"], cc["high"], "H2 2025", "H1 2026", "da",
                           before="1,0", after="2,0", margin=cc["margin"])
    assert "faldt 0,4 %" in text and "0 %" not in text.replace("0,4 %", ""), text
