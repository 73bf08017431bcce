"""The funnel in words: the handout says whether limits are adjusted, the setting can turn it off, the
methods appendix is the handout's last page, and one "too few to conclude" rule serves JSON, screen and PDF."""

from __future__ import annotations

import io

import pypdf
import pytest

from klyngedesk.core.anonymise import anonymised_table, draw_codes
from klyngedesk.core.collate import collate
from klyngedesk.core.render import wording
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial, few_clinics_sentence
from klyngedesk.core.stats.rules import FEW_CLINICS, too_few_clinics


def _handout_text(project, meeting: str, topic: str, lang: str) -> list[str]:
    if not project.draw(meeting):
        draw_codes(project, meeting)
    table = anonymised_table(project, meeting, topic, lang=lang)
    out = io.BytesIO()
    render_group(out, [TopicMaterial(table, project.topic(topic))], project.meeting(meeting), "Fjordby Klynge", lang)
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(out.getvalue())).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_handout_says_the_limits_are_adjusted_and_ends_with_the_methods(demo_project) -> None:
    pages = _handout_text(demo_project, "2026-12", "antibiotika", "da")
    body = _flat(" ".join(pages[:-1]))
    assert "Praksisserne varierer mere end tilfældigheder kan forklare; grænserne er justeret for det." in body
    last = _flat(pages[-1])
    assert last.startswith("Fjordby Klynge") and "Sådan læses tallene: metoder" in last
    for ref in ("Newcombe", "Spiegelhalter", "FunnelPlotR", "Public Health England", "DerSimonian"):
        assert ref in last
    # listed among the adjusted: the share (the rate per list size prints no clinic limits while list sizes
    # are shown only in bands: its limits would print the sizes back)
    assert "Andel penicillin V af alle antibiotikaordinationer" in last


def test_switching_the_adjustment_off_flags_more_and_the_page_says_so(demo_project) -> None:
    on = collate(demo_project, "antibiotika", "2026H1").indicator("ab_pr1000")
    demo_project.set_setting("overdispersion", False)
    off = collate(demo_project, "antibiotika", "2026H1").indicator("ab_pr1000")
    assert on.overdispersion["adjusted"] and not off.overdispersion["adjusted"]
    assert off.overdispersion["phi"] == pytest.approx(on.overdispersion["phi"])
    flagged = [sum(r.flag in ("above_998", "below_998") for r in i.rows) for i in (on, off)]
    assert flagged[0] < flagged[1]
    body = _flat(" ".join(_handout_text(demo_project, "2026-12", "antibiotika", "en")))
    assert "The limits are not adjusted for overdispersion: the adjustment is switched off in the settings" in body
    assert "The adjustment is switched off in the settings" in body


def test_unadjusted_when_phi_is_at_most_one() -> None:
    assert "no more than chance" in wording.funnel_sentence({"adjusted": False, "adjustment": True}, "en")
    assert wording.funnel_sentence({}, "en") == ""


def test_one_too_few_clinics_rule_for_json_screen_and_pdf(demo_project) -> None:
    table = anonymised_table(demo_project, "2026-03", "smerter")   # the demo's March meeting has its codes
    ident = collate(demo_project, "smerter", "2026H1")
    for ind, anon in zip(ident.indicators, table.indicators, strict=True):
        few = "few_clinics" in ind.quality
        assert few == too_few_clinics(ind.n_clinics) == (ind.n_clinics < FEW_CLINICS)
        assert ("compare the intervals" in few_clinics_sentence(anon, "en")) == few   # screen and PDF
    assert FEW_CLINICS == 25 and too_few_clinics(24) and not too_few_clinics(25) and not too_few_clinics(0)
