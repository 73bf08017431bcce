"""A GP reading a funnel, a before/after or a composition chart: the line under it says how many clinics it
leaves out (their figures hidden or missing), what the composition's "Others" holds and why a clinic marked
hidden has no bar. Read from the printed group handouts of tests/test_pack_reader.py (printed once a run)."""

from __future__ import annotations

import re

import pytest
from test_pack_reader import packs, printed_cases

from klyngedesk.i18n import ntr, tr

CASES = ("demo", "english-demo", "other-cluster-19", "english-25", "all-tiny")
LEFT_OUT = ("{n} clinic without a shown value is not in the chart (its figures are hidden or missing).",
            "{n} clinics without a shown value are not in the chart (their figures are hidden or missing).")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    return printed_cases(tmp_path_factory)


@pytest.mark.parametrize("case", CASES)
def test_a_chart_that_leaves_clinics_out_says_how_many(printed, case: str) -> None:
    """The funnel and the before/after chart drew only clinics with a shown value and said nothing of the
    rest: a reader counting the dots took them for the whole cluster."""
    lang, pages = printed[case]
    text = " ".join(pages)
    hidden = {sum(r.value is None for r in ind.rows) for t in packs[case].anonymised for ind in t.indicators}
    pattern = re.escape(ntr(*LEFT_OUT, 7, lang)).replace("7", r"(\d+)", 1)
    said = [int(n) for n in re.findall(pattern, text)]
    singular = re.escape(ntr(*LEFT_OUT, 1, lang))
    said += [1] * len(re.findall(singular, text))
    if hidden - {0}:
        assert said, f"{case}: clinics are hidden, but no chart says it leaves any out"
    for n in said:   # a before/after row with a baseline is drawn: it may leave out fewer than are hidden now
        assert 1 <= n <= max(hidden), f"{case}: a chart says {n} clinics are left out; at most {max(hidden)} are hidden"
    for n in hidden - {0}:
        assert n in said or any(m < n for m in said), f"{case}: no chart says it leaves out {n} clinics"


@pytest.mark.parametrize("case", CASES)
def test_a_composition_says_what_others_holds_and_why_a_clinic_has_no_bar(printed, case: str) -> None:
    """'Øvrige' under the bars was never explained, and a clinic marked hidden had an empty row and no word
    why."""
    lang, pages = printed[case]
    text = " ".join(pages)
    others = tr("Others", lang)
    rest = tr("{others}: the rest of the group besides {parts}.", lang, others=others, parts="\0").split("\0")[0]
    heading = tr("Composition: {title}", lang, title="\0").split("\0")[0]
    charts = text.split(heading)[1:]
    comps = [c for t in packs[case].anonymised for c in t.compositions]
    if case in ("demo", "english-demo"):
        assert charts and comps, f"{case}: no composition printed (the test no longer tests anything)"
    for chart in charts:
        legend = chart.split(rest)[0]
        if f" {others} " in legend or legend.endswith(f" {others}"):
            assert rest in chart, f"{case}: a composition's '{others}' is not explained: {chart[:120]}…"
            explained = chart.split(rest, 1)[1].split(".")[0]
            assert explained.strip(), f"{case}: '{rest}' names no parts"
    why = tr("A clinic marked {hidden} has no bar: its shares would give away hidden figures.", lang,
             hidden=tr("hidden", lang))
    with_hidden = sum(any(all(s is None for s in shares) for _, shares in c.shares) for c in comps)
    said = text.count(why)
    if with_hidden and len(charts) == len(comps):
        assert said == with_hidden, f"{case}: {with_hidden} compositions have a clinic without a bar; {said} say why"
    assert said <= len(charts), f"{case}: the 'no bar' line is printed {said} times for {len(charts)} compositions"
