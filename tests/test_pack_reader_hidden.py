"""A GP reading a page where every clinic's figure is hidden: the pack says in words why, claims no order of
hidden rows and makes no promise about zeros that a hidden 0 breaks.

Read from the printed group handouts of tests/test_pack_reader.py (printed once a run); which indicators and
compositions have every clinic hidden, and how many hidden counts are truly 0, are taken from the pack they
were printed from (as a clinic knows its own count).
"""

from __future__ import annotations

import re

import pytest
from test_pack_reader import (
    CASES,
    RANKED_TITLES,
    all_hidden,
    composition_hidden,
    hidden_zeros,
    personals,
    printed_cases,
    row_heads,
    summary_table,
    topic_titles,
)

from klyngedesk.i18n import tr

EVERY_HIDDEN = "Every clinic's value is hidden: listed by code"
WHY_HIDDEN = ("Every clinic's figures are hidden: with the material's other figures they would give a clinic's small "
              "count or list size away. A hidden figure can be large, small or 0.")
SHOWN_BESIDE = "beside the clinics' values shown"
COMPOSITION_HIDDEN = ("Every clinic's figures are hidden (see the indicator's page), and the cluster as a whole is "
                      "withheld with them.")
COMPOSITION_HIDDEN_CLUSTER = ("Every clinic's figures are hidden (see the indicator's page); the top bar is the "
                              "cluster as a whole.")
SUMMARY_HIDDEN = ("A row of dashes where every clinic's figures are hidden: the anonymity check withheld the clinics, "
                  "the cluster as a whole and its change, as with the material's other figures they would give a "
                  "clinic's small count or list size away.")
OTHERS_HIDDEN = "the other clinics' values are hidden"
ZERO_PROMISE = {"da": r"\b0\b[^.;()]*\bvises\b", "en": r"\b0\b[^.;()]*\bis shown\b"}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    return printed_cases(tmp_path_factory)


def _sections(case: str, pages: list[str], title: str, lang: str) -> list[str]:
    """Each printing of the indicator's section: from its heading (the last indicator title before a definition
    box) to the next indicator's or composition's heading."""
    text = " ".join(pages)
    definitions = [m.start() for m in re.finditer(rf" {re.escape(tr('Numerator', lang))} ", text)]
    titles = set(row_heads[case]) - set(topic_titles[case])
    found = {h: [m.start() for m in re.finditer(rf"(?:^| ){re.escape(h)} ", text)] for h in titles}
    heads: dict[int, str] = {}
    for d in definitions:   # the heading of each definition box: the indicator title nearest before it
        at, head = max(((i, h) for h, starts in found.items() for i in starts if i < d), default=(-1, ""))
        if at >= 0:
            heads[at] = head
    heads.update({m.start(): "" for m in re.finditer(re.escape(tr("Composition: {title}", lang, title="")), text)})
    starts = sorted(heads)
    return [text[i:next((j for j in starts if j > i), len(text))] for i in starts if heads[i] == title]


@pytest.mark.parametrize("case", list(CASES))
def test_a_chart_whose_every_clinic_is_hidden_claims_no_order_and_says_why(printed, case) -> None:
    """'Ordnet: højere er bedre, bedst øverst' over ten rows of 'skjult' in code order read as A best, J worst;
    and beside them the cluster value was 'withheld: beside the clinics' values shown…' where none is shown."""
    lang, pages = printed[case]
    for title in all_hidden[case]:
        sections = _sections(case, pages, title, lang)
        assert sections, f"{case}: no page of '{title}' found"
        for section in sections:
            claims = [t for t in RANKED_TITLES if tr(t, lang) in section]
            assert not claims, f"{case}: '{title}' has every clinic hidden, yet its chart says '{tr(claims[0], lang)}'"
            assert tr(EVERY_HIDDEN, lang) in section, f"{case}: '{title}': no words that every clinic is hidden"
            assert tr(WHY_HIDDEN, lang) in section, f"{case}: '{title}': no words why every clinic is hidden"
            assert tr(SHOWN_BESIDE, lang) not in section, f"{case}: '{title}' says '{tr(SHOWN_BESIDE, lang)}'"


@pytest.mark.parametrize("case", list(CASES))
def test_a_composition_whose_every_clinic_is_hidden_says_why_in_words(printed, case) -> None:
    """An empty 'Klyngen' bar above ten bars of 'skjult', under 'Den øverste bjælke er klyngen samlet'."""
    lang, pages = printed[case]
    text = " ".join(pages)
    top_bar = tr("How each clinic's patients are divided between the parts of the group. The top bar is the "
                 "cluster as a whole.", lang)
    for title in composition_hidden[case]:
        head = tr("Composition: {title}", lang, title=title)
        start = text.find(head)
        assert start >= 0, f"{case}: composition '{title}' not found"
        end = text.find(tr("Composition: {title}", lang, title=""), start + len(head))
        block = text[start:min(start + len(head) + 600, end if end > 0 else len(text))]
        said = [w for w in (COMPOSITION_HIDDEN, COMPOSITION_HIDDEN_CLUSTER) if tr(w, lang) in block]
        assert said, f"{case}: composition '{title}': every clinic hidden, no words"
        assert top_bar not in block, f"{case}: composition '{title}': every clinic hidden, words for a normal chart"
        withheld = f"{tr('Cluster', lang)} {tr('withheld', lang)}" in block
        assert (said[0] == COMPOSITION_HIDDEN) == withheld, \
            f"{case}: composition '{title}': the cluster's bar withheld {withheld}, the words say '{tr(said[0], lang)}'"


@pytest.mark.parametrize("case", list(CASES))
def test_the_summary_says_why_a_row_of_every_clinic_hidden_is_dashes(printed, case) -> None:
    """'KOL-patienter pr. 1.000 patienter – – – –' explained as withheld 'beside the clinics' values shown',
    where the indicator shows no clinic's value at all."""
    lang, pages = printed[case]
    summary = summary_table(pages, lang)
    dashed = [t for t in all_hidden[case] if re.search(rf"{re.escape(t)} \S+(?: \S+)? – – –", summary)]
    assert (tr(SUMMARY_HIDDEN, lang) in summary) == bool(dashed), \
        f"{case}: rows of dashes with every clinic hidden: {dashed}; the summary says why: {not dashed}"


@pytest.mark.parametrize("case", list(CASES))
def test_the_cover_promises_no_zero_shown_that_prints_hidden(printed, case) -> None:
    """The cover said 'et antal på 0 udpeger ingen patient og vises' while a clinic with no rehabilitation
    referrals at all read 'skjult' in its row: the cover says a hidden figure can be 0 too."""
    lang, pages = printed[case]
    if not hidden_zeros[case]:
        return
    promise = re.search(ZERO_PROMISE[lang], pages[0])
    assert not promise, f"{case}: {hidden_zeros[case]} counts of 0 print hidden, the cover says '{promise[0]}'"
    assert re.search(r"\b0\b", pages[0].split(tr("hidden", lang), 1)[-1]), \
        f"{case}: {hidden_zeros[case]} counts of 0 print hidden; the cover never says a hidden figure can be 0"


@pytest.mark.parametrize("case", list(CASES))
def test_a_personal_chart_among_hidden_clinics_does_not_put_the_reader_best(printed, case) -> None:
    """'KOL · højere er bedre, bedst øverst' over 'B (jer) 0,0 %' and nine rows of 'skjult': a clinic that
    referred nobody read that it was the best; its bar is on top only because no other value is shown."""
    lang, _ = printed[case]
    claims = [tr("{better}, best on top", lang, better=tr(b, lang)) for b in ("higher is better", "lower is better")]
    claims.append(tr("highest on top, no better direction", lang))
    for n, handout in enumerate(personals[case], 1):
        text = " ".join(handout)
        for title in all_hidden[case]:
            said = [c for c in claims if f"· {c} {title}" in text]
            assert not said, f"{case} personal {n}: '{title}' with every other clinic hidden is headed '{said[0]}'"
            assert f"· {tr(OTHERS_HIDDEN, lang)} {title}" in text, f"{case} personal {n}: '{title}': no words"
