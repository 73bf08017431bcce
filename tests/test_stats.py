"""Statistics: published reference values to 4 significant digits, and properties of the intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.stats import (
    change_arrays,
    change_sentence,
    funnel,
    poisson_byar,
    poisson_ci,
    poisson_exact,
    rate_ratio_ci,
    trend_arrays,
    wilson,
)
from klyngedesk.core.stats.special import (
    GRID_FILE,
    SHIPPED_P,
    WHOLE_LIMIT,
    compute_grid,
    compute_whole,
    gamma_ppf,
    gamma_ppf_exact,
)


def sig4(actual: float, expected: float) -> bool:
    """Equal when both are rounded to 4 significant digits (or both ~0)."""
    if abs(expected) < 1e-9:
        return abs(actual) < 1e-6
    return float(f"{actual:.4g}") == float(f"{expected:.4g}")


# Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of seven
# methods. Stat Med 17:857-872. Table I, method 3 (Wilson score, no continuity correction).
NEWCOMBE_TABLE_I = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
                    (1, 29, 0.0061, 0.1718)]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE_TABLE_I)
def test_wilson_reproduces_newcombe_table_i(x, n, low, high) -> None:
    lo, hi = wilson(np.array([x]), np.array([n]))
    assert round(float(lo[0]), 4) == low and round(float(hi[0]), 4) == high


# Exact (Garwood 1936) 95 % limits for a Poisson count, as tabulated e.g. in Breslow & Day (1987),
# Statistical Methods in Cancer Research vol. II, Appendix II, and in Ulm K (1990) Am J Epidemiol 131:373.
GARWOOD_95 = [(0, 0.0, 3.689), (1, 0.02532, 5.572), (2, 0.2422, 7.225), (5, 1.623, 11.67), (10, 4.795, 18.39),
              (20, 12.22, 30.89)]


@pytest.mark.parametrize(("x", "low", "high"), GARWOOD_95)
def test_exact_poisson_reproduces_published_limits(x, low, high) -> None:
    lo, hi = poisson_exact(np.array([x]))
    assert sig4(float(lo[0]), low) and sig4(float(hi[0]), high)


def test_exact_poisson_99_8_percent() -> None:
    # qchisq(0.001, 20)/2 and qchisq(0.999, 22)/2, from chi-square tables (e.g. Abramowitz & Stegun
    # Table 26.8 percentage points: chi2 with 20 df, lower 0.1 % = 5.921; with 22 df, upper 0.1 % = 48.268).
    lo, hi = poisson_exact(np.array([10]), 0.998)
    assert sig4(float(lo[0]), 5.921 / 2) and sig4(float(hi[0]), 48.268 / 2)


def test_byar_is_breslow_day_formula_and_phe_switches_at_ten() -> None:
    # Byar's formula (Breslow & Day 1987, eq. 2.14): O (1 - 1/(9O) - z/(3 sqrt O))^3 and
    # (O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3, z = 1.959964. For O = 65: 50.163 and 82.849.
    lo, hi = poisson_byar(np.array([65.0]))
    assert sig4(float(lo[0]), 50.16) and sig4(float(hi[0]), 82.85)
    # PHEindicatormethods::phe_rate: exact below 10 events, Byar from 10.
    lo, hi = poisson_ci(np.array([9.0, 10.0]), method="phe")
    elo, _ = poisson_exact(np.array([9.0]))
    blo, _ = poisson_byar(np.array([10.0]))
    assert lo[0] == elo[0] and lo[1] == blo[0]
    # Byar is within 1 % of exact from 10 events on.
    x = np.arange(10, 400, dtype=float)
    assert np.allclose(poisson_byar(x)[0], poisson_exact(x)[0], rtol=0.01)


def test_gamma_quantiles_fast_path_agrees_with_exact_inversion() -> None:
    a = np.exp(np.linspace(np.log(0.5), np.log(3000), 120))
    for p in SHIPPED_P:
        exact = gamma_ppf_exact(p, a, terms=800, iterations=30)
        assert np.max(np.abs(gamma_ppf(p, a) / exact - 1)) < 5e-5


def test_whole_shapes_are_exact_quantiles() -> None:
    """A count's exact interval needs Gamma(x) and Gamma(x + 1) quantiles at whole shapes: looked up, they are
    the exact inversion to 1e-10 (not the grid's 4 digits), up to WHOLE_LIMIT; above it Wilson-Hilferty."""
    a = np.unique(np.r_[1, 2, 9, 10, 11, np.geomspace(1, WHOLE_LIMIT, 40).round(), WHOLE_LIMIT])
    for p in SHIPPED_P:
        exact = compute_whole(p, a)
        assert np.max(np.abs(gamma_ppf(p, a) / exact - 1)) < 1e-10
        # the step from the table to Wilson-Hilferty keeps the quantiles rising
        edge = gamma_ppf(p, np.array([WHOLE_LIMIT - 1.0, WHOLE_LIMIT, WHOLE_LIMIT + 1.0, WHOLE_LIMIT + 2.0]))
        assert np.all(np.diff(edge) > 0.9)


@pytest.mark.slow
def test_shipped_whole_shape_tables_match_their_generator() -> None:
    picks = np.arange(1, WHOLE_LIMIT + 1, 37)
    with np.load(GRID_FILE) as data:
        for p in SHIPPED_P:
            assert np.allclose(data[f"whole{p}"][picks - 1], compute_whole(p, picks), rtol=1e-12, atol=0)


@pytest.mark.slow
def test_shipped_gamma_grid_matches_its_generator() -> None:
    with np.load(GRID_FILE) as data:
        for p in SHIPPED_P:
            log_a, log_q = data[f"p{p}"]
            assert np.allclose(np.vstack(compute_grid(p)), np.vstack([log_a, log_q]))


# FunnelPlotR worked example (nhs-r-community/FunnelPlotR tests/testthat/test-funnel_plot.R data):
# numerator c(100,150,180,80,120,225), denominator c(108,112,165,95,100,220). Our "rate" funnel is
# FunnelPlotR's SR/SHMI method on (O, E = pooled x denominator). Expected values were computed by hand
# (a plain scalar transcription of FunnelPlotR R/od_adjustment.R truncation, phi_func, tau_func and
# R/calculate_limits.R: pooled * exp(-/+ z sqrt(1/E + tau2)), z = 1.959964 / 3.090232).
FP_NUM = np.array([100, 150, 180, 80, 120, 225.0])
FP_DEN = np.array([108, 112, 165, 95, 100, 220.0])


def test_funnel_overdispersion_matches_funnelplotr_method() -> None:
    f = funnel(FP_NUM, FP_DEN, "rate", overdispersion=True)
    assert sig4(float(f.pooled[0]), 1.06875)
    assert sig4(float(f.phi[0]), 2.700) and sig4(float(f.tau2[0]), 0.01609)
    assert sig4(float(f.l95[0]), 0.7852) and sig4(float(f.u95[0]), 1.455)
    assert sig4(float(f.l998[5]), 0.6878) and sig4(float(f.u998[5]), 1.661)


def test_funnel_unadjusted_rate_limits_are_exact_poisson() -> None:
    # FunnelPlotR SR unadjusted: qchisq(0.025, 2E)/2/E and qchisq(0.975, 2(E+1))/2/E; E = 10 gives
    # 9.5908/20 = 0.4795 and 36.781/20 = 1.839 (chi-square table values).
    f = funnel(np.array([10.0, 10.0]), np.array([1000.0, 1000.0]), "rate", 1000.0)
    assert sig4(float(f.l95[0]), 10 * 0.4795) and sig4(float(f.u95[0]), 10 * 1.839)


def test_funnel_proportions_arcsine_method() -> None:
    # Hand computation of FunnelPlotR "PR" (arcsine square root, winsorised 10 %/90 %, R quantile type 7).
    x = np.array([30, 45, 12, 60, 25, 80, 9, 40, 55, 20.0])
    n = np.array([100, 120, 60, 150, 90, 200, 50, 110, 140, 70.0])
    f = funnel(x, n, "proportion", 100, overdispersion=False)
    assert not f.adjusted[0]
    assert sig4(float(f.pooled[0]), 34.50) and sig4(float(f.phi[0]), 2.294) and sig4(float(f.tau2[0]), 0.003616)
    assert sig4(float(f.l95[6]), 22.08) and sig4(float(f.u95[6]), 48.10) and sig4(float(f.u998[6]), 56.07)
    adj = funnel(x, n, "proportion", 100)  # the default: adjusted, since phi > 1
    assert adj.adjusted[0]
    assert sig4(float(adj.l95[3]), 21.76) and sig4(float(adj.u998[3]), 56.68)


def test_rate_ratio_interval_and_sentence() -> None:
    ratio, low, high = rate_ratio_ci(np.array([570.0]), np.array([1e4]), np.array([1000.0]), np.array([1e4]))
    # log-normal interval: exp(log 0.57 -/+ 1.96 sqrt(1/570 + 1/1000)) = 0.5143 ... 0.6318
    assert sig4(float(ratio[0]), 0.57) and sig4(float(low[0]), 0.5143) and sig4(float(high[0]), 0.6318)
    da = change_sentence("forbrug", -0.43, -0.50, -0.35, "1. halvår 2025", "1. halvår 2026", "da")
    assert da == "Klyngens forbrug faldt 43 % (95 %-KI 35–50 %) fra 1. halvår 2025 til 1. halvår 2026."
    en = change_sentence("use", 0.12, 0.03, 0.22, "H1 2025", "H1 2026", "en", ("small_numbers",))
    assert en.startswith("The cluster's use rose 12% (95% CI 3–22%)") and "small" in en


def test_change_cautions_small_numbers_and_denominator_change() -> None:
    ch = change_arrays([4, 100], [1000, 2000], [8, 100], [1000, 1000], proportion=False)
    assert list(ch["small_numbers"]) == [True, False]
    assert list(ch["denominator_changed"]) == [False, True]


def test_trend_over_periods() -> None:
    x = np.array([[100.0, 90, 81, 72.9], [50, 60, 0, 0]])
    t = trend_arrays(x, np.full(x.shape, 1000.0))
    assert sig4(float(t["per_period"][0]), -0.1)
    assert math.isnan(t["per_period"][1])  # only two usable periods


# --- properties -------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 5000), st.integers(1, 5000), st.sampled_from([0.95, 0.998]))
def test_wilson_contains_estimate(x: int, n: int, conf: float) -> None:
    x = min(x, n)
    lo, hi = wilson(np.array([x]), np.array([n]), conf)
    assert lo[0] <= x / n + 1e-12 and x / n - 1e-12 <= hi[0] and 0 <= lo[0] <= hi[0] <= 1


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 0.99), st.integers(10, 2000))
def test_wilson_narrows_as_n_grows(p: float, n: int) -> None:
    lo1, hi1 = wilson(np.array([round(p * n)]), np.array([n]))
    lo2, hi2 = wilson(np.array([round(p * n) * 4]), np.array([n * 4]))
    assert hi2[0] - lo2[0] < hi1[0] - lo1[0]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20000), st.sampled_from(["exact", "phe"]), st.sampled_from([0.95, 0.998]))
def test_poisson_contains_count(x: int, method: str, conf: float) -> None:
    lo, hi = poisson_ci(np.array([float(x)]), conf, method)
    assert lo[0] <= x <= hi[0]


@settings(max_examples=200, deadline=None)
@given(st.floats(0.001, 0.5), st.integers(100, 20000))
def test_rate_interval_narrows_as_population_grows(rate: float, n: int) -> None:
    x1, x2 = round(rate * n), round(rate * n * 4)
    lo1, hi1 = poisson_exact(np.array([float(x1)]))
    lo2, hi2 = poisson_exact(np.array([float(x2)]))
    assert (hi2[0] - lo2[0]) / (4 * n) < (hi1[0] - lo1[0]) / n


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(1, 300)), min_size=3, max_size=30))
def test_funnel_limits_surround_pooled_and_narrow_with_size(rows) -> None:
    x = np.array([min(a, b) for a, b in rows], dtype=float)
    n = np.array([b for _, b in rows], dtype=float)
    f = funnel(x, n, "proportion")
    p = f.pooled[0]
    assert np.all(f.l998 <= f.l95 + 1e-12) and np.all(f.l95 <= p + 1e-12) and np.all(p <= f.u95 + 1e-12)
    assert np.all(f.u95 <= f.u998 + 1e-12)
    order = np.argsort(n)
    width = (f.u95 - f.l95)[order]
    inner = (p > 0.02) & (p < 0.98)
    if inner:
        assert np.all(np.diff(width) <= 1e-12)
