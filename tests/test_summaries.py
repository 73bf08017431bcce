"""Group summaries over every clinic: the printed median/quartiles/range include hidden clinics' values, and
print no more about a hidden clinic than the disclosure audit allows."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngedesk.core.anonymise import anonymise
from klyngedesk.core.anonymise.build import anonymise_with_disclosure
from klyngedesk.core.anonymise.codes import code_label
from klyngedesk.core.anonymise.summaries import WITHHELD, group_summary
from klyngedesk.core.collate.table import ClinicRow, IndicatorResult, IndicatorTable
from klyngedesk.core.render import wording


def _table(nums: list[int], dens: list[int], kind: str) -> IndicatorTable:
    """One indicator over len(nums) clinics: a share of a counted denominator, or a rate per 1,000 listed."""
    scale, unit = (100.0, "percent") if kind == "measure" else (1000.0, "per1000")
    rows = tuple(ClinicRow(f"C{i}", float(n), float(d), n / d * scale, None, None, None, False, None, None)
                 for i, (n, d) in enumerate(zip(nums, dens, strict=True)))
    ind = IndicatorResult("x", "x", unit, None, "wilson", sum(nums) / sum(dens) * scale, None, None, None, None,
                          None, None, None, len(rows), (), None, rows, numerator_measure="a",
                          denominator_measure="t" if kind == "measure" else None, denominator_kind=kind)
    return IndicatorTable("t", "t", "P1", "P1", None, None, (ind,))


def _quantile(values: list[float], p: float) -> float:
    return float(np.percentile(values, p * 100))


clusters = st.integers(5, 9).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 40), min_size=n, max_size=n), st.lists(st.integers(60, 400), min_size=n, max_size=n),
    st.sampled_from(["measure", "list_size"])))


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(clusters)
def test_printed_median_and_quartiles_are_those_of_every_clinic(cluster) -> None:
    nums, dens, kind = cluster
    if kind == "list_size":
        dens = [d * 10 for d in dens]
    table = _table(nums, dens, kind)
    codes = {f"C{i}": code_label(i) for i in range(len(nums))}
    anon, disclosure, breaches = anonymise_with_disclosure(table, codes, meeting="M", list_size_display="hidden")
    ind, truth = anon.indicator("x"), table.indicator("x")
    everyone = sorted(r.value for r in truth.rows if r.value is not None)
    assert not breaches and disclosure.dropped == 0      # what the summaries tell holds and is audited
    json.dumps(anon.to_json(), allow_nan=False)          # the JSON stays JSON (no infinite step)
    step = ind.summary_step
    hidden = {codes[r.clinic] for r in truth.rows} - {r.code for r in ind.rows if not r.suppressed}
    row = (ind.value_step or 0.0) / 2                     # shown values are printed to the rows' step
    precision = max(row, (step / 2) if step and step != WITHHELD else 0.0) + 1e-9
    for name, p in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        printed, true = getattr(ind, name), _quantile(everyone, p)
        if printed is None:                               # left out: it would have pinned a hidden count
            assert hidden
            continue
        assert abs(printed - true) <= precision, (name, printed, true, step)
    shown = sorted(r.value for r in ind.rows if r.value is not None)
    if ind.minimum is not None:
        if ind.minimum_below:                             # "under X": a bound, never the hidden value
            assert everyone[0] < ind.minimum and all(abs(everyone[0] - v) > row for v in shown)
        else:
            assert abs(ind.minimum - everyone[0]) <= row + 1e-9 and ind.minimum in shown
    if ind.maximum is not None:
        if ind.maximum_above:
            assert everyone[-1] > ind.maximum and all(abs(everyone[-1] - v) > row for v in shown)
        else:
            assert abs(ind.maximum - everyone[-1]) <= row + 1e-9 and ind.maximum in shown
    if not hidden:
        assert abs(ind.median - _quantile(everyone, 0.5)) <= row + 1e-9 and step is None


def test_a_median_on_a_hidden_clinic_is_rounded_and_told_to_the_audit() -> None:
    """Five clinics, the middle one hidden ("<5"): the median is its value, so it is printed to a coarse step
    and the disclosure model holds the relation a reader gets from it (else the audit could not see it)."""
    nums, dens = [10, 20, 3, 40, 50], [1000, 1000, 70, 100, 100]     # 1 %, 2 %, 4.29 % (hidden), 40 %, 50 %
    table = _table(nums, dens, "measure")
    codes = {f"C{i}": code_label(i) for i in range(5)}
    anon, disclosure, breaches = anonymise_with_disclosure(table, codes, meeting="M")
    ind = anon.indicator("x")
    assert [r.suppressed for r in sorted(ind.rows, key=lambda r: r.code)][2]
    assert not breaches
    true = 300 / 70
    assert ind.summary_step >= 1 and ind.median != round(true, 1)       # coarser than a shown value is printed
    assert ind.median is None or abs(ind.median - true) <= ind.summary_step / 2
    _, model, _ = anonymise_with_disclosure(table, codes, meeting="M", audited=False)
    told = [r for r in model.relations if any(c == "P1\tt\tC2" and abs(v) not in (1.0, 0.0) for c, v in r.terms)]
    assert told, "the median's relation to the hidden clinic is in the disclosure model"


def test_no_hidden_clinic_means_the_plain_summaries() -> None:
    nums, dens = [30, 31, 32, 33, 34, 35], [100] * 6
    table = _table(nums, dens, "measure")
    anon = anonymise(table, {f"C{i}": code_label(i) for i in range(6)}, meeting="M")
    ind = anon.indicator("x")
    values = [n for n in nums]
    assert (ind.median, ind.q1, ind.q3, ind.minimum, ind.maximum) == (
        32.5, _quantile(values, 0.25), _quantile(values, 0.75), 30.0, 35.0)
    assert not ind.minimum_below and not ind.maximum_above and ind.summary_step is None


def test_group_summary_bounds_a_hidden_range_end() -> None:
    nums, dens = [2, 20, 30, 40, 50], [100] * 5
    ind = _table(nums, dens, "measure").indicator("x")
    s = group_summary(ind, {"C0"}, None, 5.0)
    assert s.minimum_below and s.minimum == 5.0 and s.minimum > 2.0       # "under 5", not 2
    assert s.median == 30.0 and s.maximum == 50.0 and not s.maximum_above
    assert s.points and s.points[-1].clinic == "C0" and s.points[-1].side == "below"
    blank = group_summary(ind, {"C0"}, None, 5.0, blank=True)
    assert blank.minimum is None and not blank.points


def test_spread_words_say_under_and_over() -> None:
    ind = SimpleNamespace(minimum=2.0, maximum=64.0, unit="per1000", summary_step=2.0, minimum_below=True,
                          maximum_above=True)
    assert wording.spread(ind, "da") == "under 2 – over 64"
    assert wording.spread(ind, "en") == "under 2 – over 64"
    plain = SimpleNamespace(minimum=2.04, maximum=64.0, unit="percent", summary_step=None)
    assert wording.spread(plain, "da") == "2,0–64,0 %"
    assert wording.summary_value(4.0, SimpleNamespace(unit="per1000", summary_step=2.0, value_step=None), "da") == "4"
    capped = SimpleNamespace(minimum=3.4, maximum=64.0, unit="per1000", summary_step=2.0, minimum_below=True,
                             maximum_above=False)
    assert wording.spread(capped, "da") == "under 3,4 – 64,0"      # the lowest shown value, not "under 3"
    assert wording.summary_value(3.6, SimpleNamespace(unit="per1000", summary_step=None, value_step=None), "da") == "3,6"


def test_summaries_never_hide_more_counts(demo_project, monkeypatch) -> None:
    """The counts' pattern is settled first, as if no summary were printed: the summaries yield to it (they
    are coarsened or left out), they never make the audit hide another clinic's count."""
    import klyngedesk.core.anonymise.build as build
    from klyngedesk.core.anonymise import anonymised_table

    with_summaries = anonymised_table(demo_project, "2026-03", "smerter")
    monkeypatch.setattr(build, "add_summary_relations", lambda *args, **kwargs: set())
    without = anonymised_table(demo_project, "2026-03", "smerter")
    for a, b in zip(with_summaries.indicators, without.indicators, strict=True):
        assert [(r.code, r.suppressed, r.hidden_reason) for r in a.rows] == \
               [(r.code, r.suppressed, r.hidden_reason) for r in b.rows]
        assert a.value_step == b.value_step
