"""Change between rounds: the sentence's numbers lie in its interval, "unchanged" only within the margin,
the change agrees with the printed before/after values, and zero rounds still give honest intervals."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.collate import collate
from klyngedesk.core.stats.change import (
    MARGIN_POINTS,
    MARGIN_RELATIVE,
    change_sentence,
    cluster_change,
    heterogeneity,
    proportion_difference,
    rate_ratio,
)

NUMBER = r"[+−-]?\d[\d,]*(?:\.\d+)?"   # English number format: 1,007,614.5


def _num(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def _numbers_in_sentence(text: str, points: bool) -> tuple[float, float, float, str]:
    """(point, low, high, verdict) as printed, signed (a fall is negative)."""
    if "fell" in text or "rose" in text:
        if points:
            m = re.search(rf"(fell|rose) from .*?, ({NUMBER}) percentage points \(95% CI ({NUMBER}) to ({NUMBER})\)", text)
        else:
            m = re.search(rf"(fell|rose) ({NUMBER})%.*?\(95% CI ({NUMBER})–({NUMBER})%\)", text)
        assert m, text
        sign = -1 if m.group(1) == "fell" else 1
        pct, lo, hi = (_num(m.group(i)) for i in (2, 3, 4))
        return sign * pct, sign * (hi if sign < 0 else lo), sign * (lo if sign < 0 else hi), m.group(1)
    m = re.search(rf"(?:\(|: )({NUMBER})(?:%| percentage points); 95% CI ({NUMBER}) to ({NUMBER})", text)
    if m is None:   # an interval far too wide to read prints no estimate (change_words.too_wide)
        m = re.search(rf"cannot be determined – too few numbers \(95% CI ({NUMBER}) to ({NUMBER})", text)
        assert m, text
        lo, hi = _num(m.group(1)), _num(m.group(2))
        bound = 5 * (MARGIN_POINTS if points else 100 * MARGIN_RELATIVE)
        assert lo <= -bound and hi >= bound, text
        return (lo + hi) / 2, lo, hi, "too wide"
    kind = "unchanged" if "about unchanged" in text else "undetermined"
    return _num(m.group(1)), _num(m.group(2)), _num(m.group(3)), kind


counts = st.integers(0, 400)
sizes = st.integers(1, 3000)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(x1=counts, n1=sizes, x0=counts, n0=sizes)
def test_rate_sentence_percent_lies_in_its_interval_and_unchanged_only_within_margin(x1, n1, x0, n0) -> None:
    n1, n0 = n1 * 10, n0 * 10
    cc = cluster_change([x1], [n1], [x0], [n0], proportion=False)
    text = change_sentence("use", cc["estimate"], cc["low"], cc["high"], "H2 2025", "H1 2026", "en",
                           before="1,0", after="2,0", margin=cc["margin"])
    if cc["verdict"] == "undefined":
        assert "cannot be computed" in text
        return
    point, low, high, kind = _numbers_in_sentence(text, points=False)
    assert low <= point <= high, text
    assert cc["low"] <= cc["estimate"] <= cc["high"]
    if kind == "unchanged":
        assert cc["low"] >= -MARGIN_RELATIVE and cc["high"] <= MARGIN_RELATIVE
        assert "about unchanged" in text and "±10 %" in text
    if cc["high"] - cc["low"] > 2 * MARGIN_RELATIVE:
        assert "about unchanged" not in text


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data(), n1=st.integers(1, 2000), n0=st.integers(1, 2000))
def test_proportion_sentence_points_lie_in_their_interval(data, n1, n0) -> None:
    x1, x0 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n0))
    cc = cluster_change([x1], [n1], [x0], [n0], proportion=True)
    text = change_sentence("share", cc["estimate"], cc["low"], cc["high"], "H2 2025", "H1 2026", "en",
                           before=f"{x0 / n0:.1%}", after=f"{x1 / n1:.1%}", points=True)
    point, low, high, kind = _numbers_in_sentence(text, points=True)
    assert low <= point <= high, text
    # the printed points are the exact difference rounded to one decimal (half away from zero, as printed)
    assert kind == "too wide" or abs(point - (x1 / n1 - x0 / n0) * 100) <= 0.05 + 1e-9, text
    if kind == "unchanged":
        assert cc["low"] >= -MARGIN_POINTS and cc["high"] <= MARGIN_POINTS
    if cc["high"] - cc["low"] > 2 * MARGIN_POINTS:
        assert "about unchanged" not in text


def test_the_issue_example_is_not_called_unchanged() -> None:
    """"−67 % (95 %-KI −97 til 220 %)" was called unchanged; it cannot be determined."""
    for lang, words in (("da", "kan ikke afgøres – for få tal"), ("en", "cannot be determined – too few numbers")):
        text = change_sentence("forbruget", -0.67, -0.97, 2.2, "2025H2", "2026H1", lang, before="3,0", after="1,0")
        assert words in text and "uændret" not in text and "unchanged" not in text


@pytest.mark.parametrize(("x1", "x0"), [(0, 7), (7, 0), (0, 1), (3, 0)])
def test_zero_rounds_give_an_exact_interval_that_holds_the_estimate(x1, x0) -> None:
    ratio, low, high = (float(v) for v in rate_ratio(x1, 1000.0, x0, 1000.0))
    assert low <= ratio <= high
    # Clopper-Pearson on the split: with 0 of 7 events after, the share's upper limit is 1 - 0.025^(1/7)
    if x1 == 0:
        p = 1 - 0.025 ** (1 / x0)
        assert ratio == 0 and high == pytest.approx(p / (1 - p))
    else:
        p = 0.025 ** (1 / x1)
        assert np.isinf(ratio) and low == pytest.approx(p / (1 - p))


def test_newcombe_hybrid_interval_reproduces_newcombe_1998_table_ii() -> None:
    # Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10: 56/70 - 48/80 -> 0.0524 to 0.3339;
    # 9/10 - 3/10 -> 0.1705 to 0.8090.
    for (x1, n1, x0, n0), (lo, hi) in (((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090))):
        _, low, high = proportion_difference(x1, n1, x0, n0)
        assert round(float(low), 4) == lo and round(float(high), 4) == hi


def test_heterogeneous_clinics_widen_the_interval_and_say_so() -> None:
    x0 = np.array([200, 210, 190, 205, 195, 200.0])
    x1 = np.array([100, 320, 120, 300, 110, 290.0])   # half fell a lot, half rose a lot
    n = np.full(6, 10000.0)
    het = heterogeneity(np.log(x1 / x0), 1 / x1 + 1 / x0)
    assert het["ratio"] > 10 and het["inflation"] > 2
    moved = cluster_change(x1, n, x0, n, proportion=False)
    same = cluster_change(x1.sum() * np.ones(1), n.sum() * np.ones(1), x0.sum() * np.ones(1),
                          n.sum() * np.ones(1), proportion=False)
    assert moved["heterogeneous"] and not same["heterogeneous"]
    assert moved["estimate"] == pytest.approx(same["estimate"])
    assert moved["high"] - moved["low"] > 2 * (same["high"] - same["low"])
    text = change_sentence("use", moved["estimate"], moved["low"], moved["high"], "a", "b", "en",
                           before="1", after="2", heterogeneous=True)
    assert "the practices moved too differently" in text or "The practices moved differently" in text


def test_collated_change_agrees_with_the_printed_values_over_the_same_clinics(demo_project) -> None:
    """The cluster change is over clinics with figures in both rounds, and so are the values beside it."""
    from klyngedesk.core.formatting import format_number
    from klyngedesk.core.model import NewValue, usual_decimals

    # one clinic lacks the baseline for antibiotics: it must drop out of both the change and its values
    demo_project.add_batch("missing.xlsx", "", [NewValue("K05", "ab_ordinationer", "2025H2", None, "missing")])
    table = collate(demo_project, "antibiotika", "2026H1", "2025H2")
    for ind in table.indicators:
        c = ind.change
        assert c is not None and c.baseline_value is not None and c.value is not None
        rows = [r for r in ind.rows if r.value is not None and r.baseline_value is not None]
        assert c.clinics == len(rows) == 13
        assert "13 praksisser" in ind.sentence["da"] and "(1 with figures in only one round" in ind.sentence["en"]
        if c.measure == "points":
            assert c.points == pytest.approx(c.value - c.baseline_value)
            assert c.points_low <= c.points <= c.points_high
            assert "procentpoint" in ind.sentence["da"] and "percentage points" in ind.sentence["en"]
        else:
            assert c.ratio == pytest.approx(c.value / c.baseline_value)
            assert c.relative_low <= c.relative <= c.relative_high
        da = ind.sentence["da"]
        shown = [format_number(v, usual_decimals(v, ind.unit), "da") for v in (c.baseline_value, c.value)]
        assert all(v in da for v in shown)   # as the page prints them beside the sentence (413, not 412,9)


def test_collate_json_names_the_methods_phi_and_adjustment(demo_path, capsys) -> None:
    """`collate --json` gains keys (none renamed): limit and change method, phi, adjusted, too few clinics."""
    import json

    from klyngedesk.cli.main import main

    assert main(["collate", str(demo_path), "--topic", "antibiotika", "--period", "2026H1", "--compare", "2025H2",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for ind in data["indicators"]:
        assert {"pooled", "median", "change", "sentence", "overdispersion", "rows"} <= set(ind)   # old keys kept
        assert ind["limit_method"].startswith("FunnelPlotR") and ind["change_method"]
        assert ind["phi"] == ind["overdispersion"]["phi"] > 1 and ind["adjusted"] is True
        assert ind["too_few_to_conclude"] is True and "few_clinics" in ind["quality"]   # 14 clinics
        assert ind["change"]["verdict"] in ("fell", "rose", "unchanged", "undetermined")


def test_danish_sentences_have_no_english_left(demo_project) -> None:
    for topic in ("smerter", "kol", "antibiotika"):
        for ind in collate(demo_project, topic, "2026H1", "2025H2").indicators:
            da = ind.sentence["da"]
            assert not re.search(r"\b(the|cluster|rounds?|percentage|clinics|annualised|determined)\b", da), da


def test_summary_figures_use_the_same_measure_as_the_sentences(demo_project) -> None:
    """A share's change is in percentage points everywhere (sentence, summary cell, clinic text)."""
    from klyngedesk.core.render import wording

    table = collate(demo_project, "kol", "2026H1", "2025H2")
    share = table.indicator("kol_lfu_andel")
    assert wording.change_figure(share.change, "da").startswith("+6,4 procentpoint (+4,1 til +8,7)")
    assert wording.change_sign(share.change) == 1 and "6,4 procentpoint" in share.sentence["da"]
    rate = table.indicator("kol_pr1000")
    assert wording.change_figure(rate.change, "en", with_interval=False) == wording.signed_percent(rate.change.relative, "en")
    row = next(r for r in share.rows if r.change is not None)
    assert "procentpoint" in wording.change_text(row.change, "2. halvår 2025", "da")


@pytest.mark.parametrize("points", [False, True])
@pytest.mark.parametrize("before", [None, "1,0"])
@pytest.mark.parametrize("heterogeneous", [False, True])
@pytest.mark.parametrize("numbers", [(-0.4, -0.5, -0.3), (0.4, 0.3, 0.5), (0.01, -0.02, 0.03), (0.1, -0.5, 0.9)])
def test_every_sentence_form_is_translated(points, before, heterogeneous, numbers) -> None:
    scale = 10 if points else 1
    est, low, high = (v * scale for v in numbers)
    da = change_sentence("forbruget", est, low, high, "2025H2", "2026H1", "da", ("small_numbers",), before=before,
                         after=before, points=points, heterogeneous=heterogeneous)
    assert not re.search(r"\b(the|cluster|from|percentage|points|whether|fell|rose|unchanged)\b", da), da
    assert "95 %-KI" in da


def _copy_round(project, source: str, period) -> None:
    """Store `source`'s values and list sizes again as the round `period` (the same figures, another time)."""
    from klyngedesk.core.model import NewValue

    project.add_period(period)
    values = project.values(source)
    project.add_batch("copy.xlsx", "", [NewValue(r.clinic, r.measure, period.key, r.value, r.status)
                                        for r in values.itertuples()])
    sizes = project.list_sizes(source)
    project.set_list_sizes([(r.clinic, period.key, int(r.patients)) for r in sizes.itertuples()])


def test_seasonal_indicators_carry_a_caution_only_across_halves_of_the_year(demo_project) -> None:
    """Antibiotics are marked seasonal in their package: second half 2025 against first half 2026 carries the
    caution (in the change, the JSON and both languages' sentences); the same half a year earlier does not,
    and an indicator that is not seasonal never does."""
    import datetime as dt

    from klyngedesk.core.model import Period

    table = collate(demo_project, "antibiotika", "2026H1", "2025H2")
    for ind in table.indicators:
        assert ind.change is not None and "seasonal" in ind.change.caution
        assert "part of the change may be the season" in ind.sentence["en"]
        assert "årstiden" in ind.sentence["da"] or "sæson" in ind.sentence["da"]
        assert "seasonal" in table.to_json()["indicators"][0]["change"]["caution"]
    for ind in collate(demo_project, "smerter", "2026H1", "2025H2").indicators:
        assert ind.change is None or "seasonal" not in ind.change.caution
    _copy_round(demo_project, "2026H1", Period("2025H1", "1. halvår 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30)))
    same_half = collate(demo_project, "antibiotika", "2026H1", "2025H1")
    for ind in same_half.indicators:
        assert ind.change is not None and "seasonal" not in ind.change.caution
        assert "season" not in ind.sentence["en"]
        assert ind.change.verdict == "unchanged"      # the same figures a year apart: no change
