"""The incomplete gamma of one pair (a heterogeneity test's p-value) is the value the arrays give, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from klyngedesk.core.stats.special import gammainc

SHAPES = [0.05, 0.5, 1.0, 2.5, 7.0, 49.5, 150.0, 399.5]
POINTS = [-1.0, 0.0, 1e-6, 0.3, 1.0, 3.0, 8.0, 48.0, 50.5, 151.0, 160.0, 420.0, 900.0]


@pytest.mark.parametrize("a", SHAPES)
def test_one_pair_equals_the_same_pair_among_others(a: float) -> None:
    for x in POINTS + [a, a + 1, a + 1 - 1e-9]:
        alone = gammainc(np.array([a]), np.array([x]))
        among = gammainc(np.array([a, 1.0]), np.array([x, 1.0]))
        assert alone.shape == (1,) and alone[0] == among[0], (a, x)


def test_one_pair_keeps_the_shape_it_was_given() -> None:
    assert gammainc(np.array(2.0), np.array(3.0)).shape == ()
    assert gammainc(np.array([[2.0]]), np.array(3.0)).shape == (1, 1)
    assert np.isnan(gammainc(np.array([np.nan]), np.array([3.0]))[0])
