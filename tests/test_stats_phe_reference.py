"""Intervals for shares and rates reproduce PHEindicatormethods' own code, edge cases and the demo cluster.

Provenance of the expected numbers (tests/reference/phe_expected.csv): computed once by
tests/reference/phe_reference.R, which sources PHEindicatormethods 2.1.0 (github.com/ukhsa-collaboration/
PHEindicatormethods, commit 093fd288d8f8949dbcfbed70049dbbf385b6141d, files R/utils.R, R/Proportions.R and
R/Rates.R, unmodified) into R 4.2.2 (Debian r-base-core, with r-cran-dplyr 1.0.10) and calls phe_proportion
and phe_rate with their defaults, both confidence levels at once (confidence = c(0.95, 0.998)) and the
multipliers KlyngeDesk prints (100 and 1000). The script adds R's exact (Garwood) Poisson limits,
qchisq(alpha/2, 2x)/2 and qchisq(1 - alpha/2, 2x + 2)/2, at every count. Inputs: phe_edge_inputs.csv
(make_phe_inputs.py: 0 of n, n of n, 0/1/9/10 events, denominators of 1 and 10^9, counts of millions) and
demo_inputs.csv (make_inputs.py: every funnel indicator of the demo cluster, both rounds); phe_pooled_expected.csv
holds each demo data set pooled by the functions themselves (a grouped data frame). Numbers are stored
with 17 significant digits and compared at full precision (1e-12 relative) unless a test says otherwise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klyngedesk.core.collate.compute import compute
from klyngedesk.core.stats.intervals import poisson_byar, poisson_ci, wilson
from klyngedesk.core.stats.special import WHOLE_LIMIT

REF = Path(__file__).resolve().parent / "reference"
EXPECTED = pd.read_csv(REF / "phe_expected.csv")
SHARES = EXPECTED[EXPECTED["kind"] == "proportion"]
RATES = EXPECTED[EXPECTED["kind"] == "rate"]
LEVELS = [(0.95, "lower95_0cl", "upper95_0cl"), (0.998, "lower99_8cl", "upper99_8cl")]
FULL = 1e-12


def _close(ours: np.ndarray, theirs: np.ndarray, rel: float) -> None:
    """Equal to `rel` relative; a reference of exactly 0 must be exactly 0 here too."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert np.array_equal(ours == 0, theirs == 0), "a limit of exactly 0 differs"
    np.testing.assert_allclose(ours, theirs, rtol=rel, atol=0)


def test_the_reference_covers_the_edges() -> None:
    """The edge rows the brief asks for are in the stored reference (a regenerated file must keep them)."""
    s = SHARES[SHARES["dataset"] == "edge"]
    r = RATES[RATES["dataset"] == "edge"]
    assert ((s["numerator"] == 0) & (s["denominator"] == 1)).any() and (s["numerator"] == s["denominator"]).sum() >= 5
    assert (s["denominator"] >= 10**9).any() and (r["denominator"] >= 10**9).any()
    assert {0, 1, 9, 10} <= set(r["numerator"]) and (r["denominator"] == 1).any() and r["numerator"].max() >= 10**7
    assert set(r["method"]) == {"Exact", "Byars"} and set(SHARES["method"]) == {"Wilson"}
    assert len(SHARES) > 100 and len(RATES) > 100   # the demo's rows too


@pytest.mark.parametrize(("confidence", "low", "high"), LEVELS)
def test_shares_are_phe_proportion_wilson_intervals(confidence: float, low: str, high: str) -> None:
    """phe_proportion's default: Wilson score without continuity correction. 0 of n has the lower limit 0
    and n of n the upper limit 100 % exactly (R's arithmetic gives 99.999999999999986 or 100.00000000000003;
    ours is cut to 0-100 %)."""
    lo, hi = wilson(SHARES["numerator"].to_numpy(float), SHARES["denominator"].to_numpy(float), confidence)
    _close(lo * 100, SHARES[low], FULL)
    np.testing.assert_allclose(hi * 100, SHARES[high], rtol=FULL, atol=0)
    assert np.all(hi[SHARES["numerator"] == SHARES["denominator"]] == 1.0) and np.all(hi <= 1.0)


@pytest.mark.parametrize(("confidence", "low", "high"), LEVELS)
def test_phe_rate_method_is_phe_rate(confidence: float, low: str, high: str) -> None:
    """poisson_ci(method="phe") is phe_rate's default: exact below 10 events, Byar's from 10."""
    x, n = RATES["numerator"].to_numpy(float), RATES["denominator"].to_numpy(float)
    lo, hi = poisson_ci(x, confidence, method="phe")
    _close(lo / n * 1000, RATES[low], FULL)
    _close(hi / n * 1000, RATES[high], FULL)
    assert np.array_equal(x < 10, (RATES["method"] == "Exact").to_numpy())


@pytest.mark.parametrize(("confidence", "low", "high"), LEVELS)
def test_printed_rate_intervals_are_exact_at_every_count(confidence: float, low: str, high: str) -> None:
    """What KlyngeDesk prints for a rate (poisson_ci's default, as collate uses it) is the exact interval at
    every count: R's qchisq to 1e-10 where the count's shapes are whole numbers up to WHOLE_LIMIT (looked up
    among exact quantiles), and Byar's (= Wilson-Hilferty) above, within 2e-7 of exact there."""
    x, n = RATES["numerator"].to_numpy(float), RATES["denominator"].to_numpy(float)
    lo, hi = poisson_ci(x, confidence)
    table = x + 1 <= WHOLE_LIMIT
    for ours, col in ((lo / n * 1000, "exact_" + low), (hi / n * 1000, "exact_" + high)):
        _close(ours[table], RATES[col][table], 1e-10)
        _close(ours[~table], RATES[col][~table], 2e-7)


@pytest.mark.parametrize(("confidence", "low", "high"), LEVELS)
def test_exact_rather_than_byar_from_ten_events_is_deliberate(confidence: float, low: str, high: str) -> None:
    """Where KlyngeDesk differs from phe_rate's default, on purpose (docs/statistics.md): from 10 events on
    phe_rate uses Byar's approximation, we keep the exact interval it uses below 10, because (1) Byar's formula
    approximates exactly these chi-square quantiles (it is their Wilson-Hilferty approximation) and never
    covers better, (2) the funnel limits (FunnelPlotR's) are exact Poisson, so a clinic's interval and the
    limits it is flagged against come from one method, and (3) the exact interval never switches method
    between 9 and 10 events. The difference is largest at 10 events (0.2 % of a 95 % limit, 1.5 % of a 99.8 %
    one) and shrinks with more."""
    x, n = RATES["numerator"].to_numpy(float), RATES["denominator"].to_numpy(float)
    lo, hi = poisson_ci(x, confidence)
    byar = x >= 10
    for ours, col in ((lo / n * 1000, low), (hi / n * 1000, high)):
        ref = RATES[col].to_numpy()
        _close(ours[~byar], ref[~byar], 1e-10)                  # below 10 events: the same exact interval
        rel = np.abs(ours[byar] / ref[byar] - 1)
        assert 0 < rel.max() < (0.002 if confidence == 0.95 else 0.016)
        big = x[byar] >= 1000
        assert rel[big].max() < 1e-5                            # and from 1000 events no printed digit moves
    blo, bhi = poisson_byar(x[byar], confidence)
    _close(blo / n[byar] * 1000, RATES[low][byar], FULL)        # our Byar's is theirs, for the record
    _close(bhi / n[byar] * 1000, RATES[high][byar], FULL)


@pytest.mark.parametrize(("confidence", "low", "high"), LEVELS)
def test_collate_prints_the_reference_intervals(confidence: float, low: str, high: str) -> None:
    """Through collate's own arithmetic (compute), one data set at a time as a cluster's rows: the values
    and the intervals it hands to every page equal the reference (exact for rates, as above)."""
    for (dataset, kind), d in EXPECTED.groupby(["dataset", "kind"]):
        num, den = d["numerator"].to_numpy(float), d["denominator"].to_numpy(float)
        unit, scale = ("percent", 100.0) if kind == "proportion" else ("per1000", 1000.0)
        out = compute(num[None], den[None], unit=unit, scale=scale, confidence=confidence)
        ok = ~out["implausible"][0]     # a rate of more users than listed patients gets no value at all
        assert ok.all() or (kind == "rate" and dataset == "edge" and (num[~ok] > den[~ok]).all())
        _close(out["value"][0][ok], d["value"][ok], FULL)
        if kind == "proportion":
            _close(out["ci_low"][0], d[low], FULL)
            np.testing.assert_allclose(out["ci_high"][0], d[high], rtol=FULL, atol=0)
        else:
            whole = (num + 1 <= WHOLE_LIMIT)[ok]
            for key, col in (("ci_low", "exact_" + low), ("ci_high", "exact_" + high)):
                _close(out[key][0][ok][whole], d[col][ok][whole], 1e-10)
                _close(out[key][0][ok][~whole], d[col][ok][~whole], 2e-7)


def test_impossible_inputs_get_no_interval() -> None:
    """Where phe_proportion and phe_rate stop with an error (x > n, n <= 0, x < 0), no value or interval is
    printed: NaN, never a number from a formula outside its domain."""
    num = np.array([[5.0, 3.0, -1.0, 2.0, np.nan]])
    den = np.array([[4.0, 0.0, 10.0, -5.0, 10.0]])
    for unit, scale in (("percent", 100.0), ("per1000", 1000.0)):
        out = compute(num, den, unit=unit, scale=scale)
        for key in ("value", "ci_low", "ci_high"):
            assert np.isnan(out[key]).all(), (unit, key)


POOLED = pd.read_csv(REF / "phe_pooled_expected.csv")


@pytest.mark.parametrize(("confidence", "low", "high"), LEVELS)
def test_the_cluster_as_a_whole_is_phe_pooling(confidence: float, low: str, high: str) -> None:
    """The cluster's pooled value and interval (collate's `pooled`, `pooled_low`, `pooled_high`) against
    PHEindicatormethods' own pooling of a grouped data frame (phe_pooled_expected.csv, every demo data set):
    the same sums and value; for shares the same Wilson interval; for rates the same totals give phe_rate's
    interval by method="phe" and the exact one we print (Byar's from 10 events there, see above)."""
    assert len(POOLED) == EXPECTED["dataset"].str.startswith("demo:").sum() / 14 == 24
    for _, ref in POOLED.iterrows():
        d = EXPECTED[EXPECTED["dataset"] == ref["dataset"]]
        num, den = d["numerator"].to_numpy(float), d["denominator"].to_numpy(float)
        proportion = ref["kind"] == "proportion"
        unit, scale = ("percent", 100.0) if proportion else ("per1000", 1000.0)
        out = compute(num[None], den[None], unit=unit, scale=scale, confidence=confidence)
        assert (num.sum(), den.sum()) == (ref["numerator"], ref["denominator"])
        assert float(out["pooled"][0, 0]) == pytest.approx(ref["value"], rel=FULL)   # already in the unit
        pooled_low, pooled_high = float(out["pooled_low"][0, 0]), float(out["pooled_high"][0, 0])
        if proportion:
            assert pooled_low == pytest.approx(ref[low], rel=FULL) and pooled_high == pytest.approx(ref[high], rel=FULL)
            continue
        lo, hi = poisson_ci(np.array([num.sum()]), confidence, method="phe")
        assert lo[0] / den.sum() * 1000 == pytest.approx(ref[low], rel=FULL)
        assert hi[0] / den.sum() * 1000 == pytest.approx(ref[high], rel=FULL)
        elo, ehi = poisson_ci(np.array([num.sum()]), confidence)
        assert (pooled_low, pooled_high) == pytest.approx((elo[0] / den.sum() * 1000, ehi[0] / den.sum() * 1000),
                                                          rel=FULL)
