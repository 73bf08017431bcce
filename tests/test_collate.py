"""Collation of the demo cluster: every topic and period, the CLI contract, quality flags and change."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.collate import collate, indicator_trends
from klyngedesk.core.collate.compute import compute
from klyngedesk.core.collate.inputs import indicator_inputs
from klyngedesk.i18n import KlyngeError, set_language


def test_demo_collates_for_every_topic_and_period(demo_project) -> None:
    periods = [p.key for p in demo_project.periods()]
    for topic in demo_project.topics():
        for i, period in enumerate(periods):
            compare = periods[i - 1] if i else None
            table = collate(demo_project, topic.key, period, compare)
            assert [ind.key for ind in table.indicators] == [ind.key for ind in topic.indicators]
            for ind in table.indicators:
                assert ind.n_clinics == 14 and ind.pooled is not None and ind.median is not None
                assert ind.minimum <= ind.q1 <= ind.median <= ind.q3 <= ind.maximum
                assert ind.pooled_ci_low < ind.pooled < ind.pooled_ci_high
                for row in ind.rows:
                    assert row.ci_low <= row.value <= row.ci_high
                    assert row.funnel.l998 <= row.funnel.l95 <= ind.pooled <= row.funnel.u95 <= row.funnel.u998
                    assert sorted(r.rank for r in ind.rows)[0] == 1
                if compare:
                    assert set(ind.sentence) == {"da", "en"} and ind.change is not None
                    assert "klyngens " in ind.sentence["da"].lower() and "95 %-KI" in ind.sentence["da"]


def test_values_are_the_raw_arithmetic_in_the_indicator_unit(demo_project) -> None:
    table = collate(demo_project, "smerter", "2026H1")
    raw = indicator_inputs(demo_project, "smerter", "2026H1").set_index(["indicator", "clinic"])
    for ind in table.indicators:
        for row in ind.rows:
            assert math.isclose(row.value, raw.loc[(ind.key, row.clinic), "value"])
        nums = [r.numerator for r in ind.rows]
        dens = [r.denominator for r in ind.rows]
        scale = 100 if ind.unit == "percent" else 1000
        assert math.isclose(ind.pooled, sum(nums) / sum(dens) * scale)


def test_per_year_rates_are_annualised(demo_project) -> None:
    table = collate(demo_project, "antibiotika", "2026H1")
    row = table.indicator("ab_pr1000").rows[0]
    days = demo_project.period("2026H1").days
    assert math.isclose(row.value, row.numerator / row.denominator * 1000 * 365.25 / days)


def test_compositions_add_up_to_one_hundred_percent(demo_project) -> None:
    table = collate(demo_project, "smerter", "2026H1")
    opioids = next(c for c in table.compositions if c.key == "opioider")
    assert [p.key for p in opioids.parts] == ["morfin_brugere", "tramadol_brugere", "_other"]
    assert opioids.total_measure == "opioid_brugere"
    for clinic, shares in opioids.shares.items():
        assert math.isclose(sum(shares), 100.0)
        assert math.isclose(sum(opioids.counts[clinic]), opioids.totals[clinic])
    assert math.isclose(sum(opioids.cluster), 100.0)
    nsaid = next(c for c in table.compositions if c.key == "ibuprofen_andel")
    assert nsaid.total_measure == "nsaid_brugere"


def test_change_for_the_clinic_that_acted(demo_project) -> None:
    # The demo's third clinic (K03) cut antibiotics by about 45 % after the baseline meeting.
    table = collate(demo_project, "antibiotika", "2026H1", "2025H2")
    row = table.indicator("ab_pr1000").row("K03")
    assert row.change.relative_high < 0 and -0.6 < row.change.relative < -0.3
    assert row.baseline_value > row.value


def test_quality_flags_and_notes(demo_project) -> None:
    demo_project.correct_value("K01", "ibuprofen_brugere", "2026H1", 999999.0, "test")
    demo_project.correct_value("K02", "morfin_brugere", "2026H1", None, "unknown")
    demo_project.add_note("Ny læge i perioden", clinic="K01", measure="ibuprofen_brugere")
    table = collate(demo_project, "smerter", "2026H1")
    share = table.indicator("ibuprofen_andel").row("K01")
    assert "implausible" in share.quality and share.value is None and share.rank is None
    assert "Ny læge i perioden" in share.notes
    morfin = table.indicator("morfin_pr1000").row("K02")
    assert "missing" in morfin.quality and morfin.value is None
    assert table.indicator("morfin_pr1000").n_clinics == 13


def test_small_numbers_are_flagged(demo_project) -> None:
    table = collate(demo_project, "smerter", "2025H2")
    small = [r for r in table.indicator("morfin_pr1000").rows if r.numerator is not None and 0 < r.numerator < 5]
    assert small and all("small_numbers" in r.quality for r in small)


def test_unknown_topic_or_period_is_refused(demo_project) -> None:
    with pytest.raises(KlyngeError):
        collate(demo_project, "diabetes", "2026H1")
    with pytest.raises(KlyngeError):
        collate(demo_project, "kol", "2030H1")
    with pytest.raises(KlyngeError):
        collate(demo_project, "kol", "2026H1", "2026H1")


def test_progress_and_cancel(demo_project) -> None:
    seen: list[float] = []
    collate(demo_project, "smerter", "2026H1", progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(KlyngeError):
        collate(demo_project, "smerter", "2026H1", cancel=lambda: True)


def test_overdispersion_widens_the_funnel(demo_project) -> None:
    """By default (as FunnelPlotR) the limits are adjusted when phi > 1; the setting can turn it off."""
    plain = collate(demo_project, "antibiotika", "2026H1", overdispersion=False).indicator("ab_pr1000")
    wide = collate(demo_project, "antibiotika", "2026H1").indicator("ab_pr1000")
    assert wide.overdispersion["tau2"] > 0 and wide.overdispersion["adjusted"]
    assert not plain.overdispersion["adjusted"] and plain.overdispersion["overdispersed"]
    assert all(w.funnel.u998 > p.funnel.u998 for w, p in zip(wide.rows, plain.rows, strict=True))
    assert sum(r.flag is not None for r in wide.rows) <= sum(r.flag is not None for r in plain.rows)


def test_trend_over_three_or_more_periods(tmp_path) -> None:
    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project

    path = build_demo(tmp_path / "four.klynge", periods=4)
    with Project.open(path) as project:
        trend = indicator_trends(project, "antibiotika")["ab_pr1000"]
    assert len(trend.periods) == 4 and trend.high < 0  # the demo's gentle downward drift is detected
    assert trend.pooled[0] > trend.pooled[-1]


def test_compute_is_vectorised_over_many_groups() -> None:
    rng = np.random.default_rng(1)
    den = rng.integers(1000, 9000, (6, 50)).astype(float)
    num = rng.poisson(den * 0.02).astype(float)
    whole = compute(num, den, unit="per1000", scale=1000.0)
    for g in (0, 5):
        one = compute(num[g:g + 1], den[g:g + 1], unit="per1000", scale=1000.0)
        for key in ("value", "ci_low", "u998", "rank", "pooled", "median"):
            assert np.allclose(whole[key][g], one[key][0], equal_nan=True)


def test_cli_collate_json_has_the_contract_keys(demo_path, capsys) -> None:
    assert main(["collate", str(demo_path), "--topic", "antibiotika", "--period", "2026H1", "--compare", "2025H2",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"topic", "period", "compare", "indicators"} <= set(data) and data["compare"] == "2025H2"
    ind = data["indicators"][0]
    assert {"key", "title", "unit", "pooled", "median", "reference", "target", "rows"} <= set(ind)
    assert ind["reference"] == [{"scope": "region", "value": 377.0,
                                 "source": "Demoværdi (fiktiv) – ikke en rigtig referenceværdi"}]
    assert ind["target"]["direction"] == "min" and ind["target"]["value"] == 350
    row = ind["rows"][0]
    assert {"clinic", "code", "numerator", "denominator", "value", "ci_low", "ci_high", "suppressed", "funnel",
            "flag", "baseline_value", "change_relative"} <= set(row)
    # the limits in use, and (antibiotics are overdispersed: adjusted) the exact 99.8 % limits drawn beside them
    assert set(row["funnel"]) == {"l95", "u95", "l998", "u998", "plain_l998", "plain_u998"}
    assert ind["adjusted"] and row["funnel"]["plain_u998"] < row["funnel"]["u998"]
    assert all(r["flag"] in (None, "above_998", "below_998", "above_95", "below_95") for r in ind["rows"])


def test_cli_collate_usage_and_refusals(demo_path, capsys) -> None:
    assert main(["collate", str(demo_path), "--topic", "kol", "--period", "2026H1", "--anonymised"]) == 2
    assert main(["collate", str(demo_path), "--topic", "nope", "--period", "2026H1"]) == 1
    assert main(["collate", str(demo_path), "--topic", "kol"]) == 2
    try:
        assert main(["--lang", "en", "collate", str(demo_path), "--topic", "kol", "--period", "2026H1"]) == 0
    finally:
        set_language("da")
    assert "COPD patients per 1,000" in capsys.readouterr().out   # the package's English title, as the pack


def test_a_period_without_data_collates_to_empty_rows(demo_project) -> None:
    from datetime import date

    from klyngedesk.core.model import Period

    demo_project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    table = collate(demo_project, "kol", "2026H2", "2026H1")
    for ind in table.indicators:
        assert ind.n_clinics == 0 and ind.pooled is None and ind.median is None and ind.quality == ("no_data",)
        assert ind.change is None and all(r.value is None and "missing" in r.quality for r in ind.rows)
        assert ind.sentence["da"].startswith("Ændringen i ") and "kan ikke beregnes" in ind.sentence["da"]
