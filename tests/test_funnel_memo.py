"""The funnel limits are kept for inputs asked for again (a pack collates each topic twice): the kept answer
is the one a fresh computation gives, and nothing a caller does to the arrays it got changes a later chart."""

from __future__ import annotations

import importlib

import numpy as np

from klyngedesk.core.stats import funnel

funnel_module = importlib.import_module("klyngedesk.core.stats.funnel")


def _fields(f) -> list:
    return [f.pooled, f.l95, f.u95, f.l998, f.u998, f.phi, f.tau2, f.adjusted, *(f.unadjusted or ()), *(f.tails or ())]


def _same(a, b) -> None:
    for x, y in zip(_fields(a), _fields(b), strict=True):
        np.testing.assert_array_equal(x, y)


def test_a_funnel_asked_again_is_the_freshly_computed_one_and_callers_cannot_spoil_it() -> None:
    rng = np.random.default_rng(7)
    den = rng.integers(800, 4000, 17).astype(float)
    num = np.round(den * rng.uniform(0.01, 0.08, 17))
    num[3] = 0.0          # a zero count and an outlier: the exact tails are computed
    num[5] = den[5] * 0.3
    fresh = funnel_module._funnel(num, den, "rate", 1000.0, overdispersion=True, trim=0.1)
    first = funnel(num, den, "rate", 1000.0)
    _same(first, fresh)
    for arr in _fields(first):   # a caller that writes into what it got (e.g. to mask hidden clinics)
        arr[...] = 0
    again = funnel(num.copy(), den.copy(), "rate", 1000.0)
    _same(again, fresh)


def test_different_inputs_or_settings_never_share_an_answer() -> None:
    den = np.array([900.0, 1500.0, 2300.0, 3100.0, 1200.0, 2800.0])
    num = np.array([30.0, 40.0, 95.0, 60.0, 70.0, 20.0])
    base = funnel(num, den, "rate", 1000.0)
    other = num.copy()
    other[2] += 1
    for f, fresh in ((funnel(other, den, "rate", 1000.0), funnel_module._funnel(other, den, "rate", 1000.0,
                                                                               overdispersion=True, trim=0.1)),
                     (funnel(num, den, "rate", 1000.0, overdispersion=False),
                      funnel_module._funnel(num, den, "rate", 1000.0, overdispersion=False, trim=0.1)),
                     (funnel(num, den, "rate", 100.0), funnel_module._funnel(num, den, "rate", 100.0,
                                                                            overdispersion=True, trim=0.1)),
                     (funnel(num, den * 4, "proportion", 100.0),
                      funnel_module._funnel(num, den * 4, "proportion", 100.0, overdispersion=True, trim=0.1))):
        _same(f, fresh)
    _same(funnel(num, den, "rate", 1000.0), base)
