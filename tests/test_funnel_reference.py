"""Funnel limits, phi, tau² and default flags reproduce FunnelPlotR's own code on worked data sets and the demo.

Provenance of the expected numbers (tests/reference/funnelplotr_expected.csv): computed once by
tests/reference/funnelplotr_reference.R, which sources NHS-R FunnelPlotR 0.6.0 (github.com/nhs-r-community/
FunnelPlotR, commit 9020d4972873d863e10b8a16555975f0e322adfc, files R/*.R) into R 4.2.2 (Debian r-base-core)
and runs its unmodified funnel_plot() with its defaults (limit = 99, draw_adjusted = TRUE, sr_method =
"SHMI", trim_by = 0.1, SHMI_rounding = TRUE): data_type "PR" for proportions and "SR" on expected counts
(pooled rate x denominator) for rates. The inputs come from tests/reference/make_inputs.py (worked data sets
drawn once from a fixed seed, and the default demo cluster). Regenerate with the commands in make_inputs.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klyngedesk.core.stats.funnel import FLAGS, funnel, funnel_flags

REF = Path(__file__).resolve().parent / "reference"
EXPECTED = pd.read_csv(REF / "funnelplotr_expected.csv")
INPUTS = pd.concat([pd.read_csv(REF / "worked_datasets.csv"), pd.read_csv(REF / "demo_inputs.csv")],
                   ignore_index=True)
WORKED = ["pr_overdispersed", "pr_binomial", "sr_overdispersed", "sr_poisson"]
# The headline numbers of the worked sets, as FunnelPlotR printed them (funnelplotr_reference.R's output):
# (phi, tau2, adjusted limits drawn, number of 99.8 % outliers)
HEADLINE = {"pr_overdispersed": (15.0053, 0.005645, True, 1), "pr_binomial": (0.8508, 0.0, False, 0),
            "sr_overdispersed": (18.6493, 0.018945, True, 4), "sr_poisson": (1.0031, 0.004273, True, 1)}


def _ours(dataset: str):
    d = INPUTS[INPUTS["dataset"] == dataset]
    num, den = d["numerator"].to_numpy(float), d["denominator"].to_numpy(float)
    kind = d["kind"].iloc[0]
    f = funnel(num[None], den[None], kind)
    flags = funnel_flags((num / den)[None], f.l95, f.u95, f.l998, f.u998)[0]
    exp = EXPECTED[EXPECTED["dataset"] == dataset].set_index("unit").loc[d["unit"]]
    return f, flags, exp, kind, float(f.pooled[0, 0])


@pytest.mark.parametrize("dataset", WORKED)
def test_worked_data_sets_phi_tau2_and_headline(dataset: str) -> None:
    f, flags, exp, _, _ = _ours(dataset)
    phi, tau2, adjusted, outliers = HEADLINE[dataset]
    assert float(f.phi[0, 0]) == pytest.approx(phi, abs=5e-5)
    assert float(f.tau2[0, 0]) == pytest.approx(tau2, abs=5e-7)
    assert bool(f.adjusted[0, 0]) is adjusted
    assert int(np.isin(flags, [3, 4]).sum()) == outliers
    # and to floating-point precision against the stored R output
    assert float(f.phi[0, 0]) == pytest.approx(exp["phi"].iloc[0], rel=1e-9)
    assert float(f.tau2[0, 0]) == pytest.approx(exp["tau2"].iloc[0], rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("dataset", sorted(EXPECTED["dataset"].unique()))
def test_limits_and_default_flags_equal_funnelplotr(dataset: str) -> None:
    f, flags, exp, kind, pooled = _ours(dataset)
    assert bool(f.adjusted[0, 0]) == bool(exp["draw_adjusted"].iloc[0])
    # FunnelPlotR's SR limits are on the O/E scale around 1; ours are in the rate's unit around the pooled rate.
    factor = 1.0 if kind == "proportion" else pooled
    for ours, theirs in ((f.l95, "l95"), (f.u95, "u95"), (f.l998, "l998"), (f.u998, "u998")):
        # exact Poisson quantiles come from an interpolated grid (4+ significant digits); elsewhere the only
        # difference is FunnelPlotR's rounded z (1.959964, 3.090232) against the exact normal quantiles
        rel = 1e-4 if kind == "rate" and not f.adjusted[0, 0] else 1e-6
        np.testing.assert_allclose(ours[0], exp[theirs].to_numpy() * factor, rtol=rel, atol=1e-7 * factor)
    outside = np.isin(flags, [3, 4]).astype(int)
    np.testing.assert_array_equal(outside, exp["outlier"].to_numpy())
    assert all(FLAGS[c] in ("", "above_95", "below_95") for c, o in zip(flags, outside, strict=True) if not o)


def test_demo_99_8_flags_equal_funnelplotr_defaults() -> None:
    """The issue's headline: the demo's current round had 46 of 168 values flagged; FunnelPlotR flags 3."""
    demo = EXPECTED[EXPECTED["dataset"].str.startswith("demo:2026H1:")]
    assert int(demo["outlier"].sum()) == 3
    ours = sum(int(np.isin(_ours(ds)[1], [3, 4]).sum()) for ds in demo["dataset"].unique())
    assert ours == 3


# FunnelPlotR's 99.8 % outliers that an exact test of chance alone does not confirm (the program flags a clinic only
# where both agree, docs/statistics.md). Of its 12 outliers in the worked and demo sets every other one has an exact
# one-sided tail below 1e-4; this one, R: ppois(0, round(target * fp_denominator, 2)) = ppois(0, 5.87) = 0.00282287.
EXACT_DISAGREES = {("demo:2026H1:morfin_pr1000", "K01")}


def test_collated_demo_flags_the_clinics_funnelplotr_flags(demo_project) -> None:
    """Through collate itself: the demo's inputs are still those the R reference saw, and every 99.8 % flag
    (each round, each funnel indicator) is on a clinic FunnelPlotR flags, and on each of them but the zero count
    whose exact tail (0,28 %) is not below 0,1 %: 0 of 1.233 where 5,87 were expected, flagged at 95 % only."""
    from klyngedesk.core.collate import collate

    seen = 0
    for topic in demo_project.topics():
        for period in demo_project.periods():
            for ind in collate(demo_project, topic.key, period.key).indicators:
                ds = f"demo:{period.key}:{ind.key}"
                exp = EXPECTED[EXPECTED["dataset"] == ds]
                if exp.empty:
                    continue
                seen += 1
                rows = {r.clinic: r for r in ind.rows}
                for _, e in exp.iterrows():
                    assert rows[e["unit"]].numerator == e["numerator"]            # inputs unchanged
                    outlier = bool(e["outlier"]) and (ds, e["unit"]) not in EXACT_DISAGREES
                    assert (rows[e["unit"]].flag in ("above_998", "below_998")) == outlier, (ds, e["unit"])
                    if (ds, e["unit"]) in EXACT_DISAGREES:   # outside the drawn 99.8 % limit, inside the 95 % one
                        assert rows[e["unit"]].flag == "below_95"
                assert ind.overdispersion["adjusted"] == bool(exp["draw_adjusted"].iloc[0])
                assert ind.overdispersion["phi"] == pytest.approx(exp["phi"].iloc[0], rel=1e-9)
    assert seen == EXPECTED["dataset"].str.startswith("demo:").sum() / 14 == 24


@pytest.mark.parametrize("dataset", sorted(EXPECTED[EXPECTED["draw_adjusted"]]["dataset"].unique()))
def test_the_unadjusted_limits_drawn_beside_the_adjusted_equal_funnelplotr(dataset: str) -> None:
    """Where the limits are adjusted, the exact limits drawn beside them (dotted) are FunnelPlotR's own
    unadjusted ones (its LCL95/UCL95/LCL99/UCL99 columns, which it draws with draw_unadjusted = TRUE)."""
    f, _, exp, kind, pooled = _ours(dataset)
    assert f.unadjusted is not None and bool(f.adjusted[0, 0])
    factor = 1.0 if kind == "proportion" else pooled
    rel = 1e-4 if kind == "rate" else 1e-6     # exact Poisson quantiles from the interpolated grid
    for ours, theirs in zip(f.unadjusted, ("LCL95", "UCL95", "LCL99", "UCL99"), strict=True):
        np.testing.assert_allclose(ours[0], exp[theirs].to_numpy() * factor, rtol=rel, atol=1e-7 * factor)
