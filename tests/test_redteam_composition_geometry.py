"""Red team: the member who measures the composition charts (stacked share bars) of the group handout.

A clinic's stacked bar draws each part's share of the group (morphine, tramadol, others among opioid users) at
a length the PDF keeps to 1e-4 pt. Beside the printed rates of the same clinic, the shares tell a rate the
handout prints as "skjult": the tramadol rate is the opioid rate times the tramadol share over 100 (and a
share of two parts is the ratio of their segments). So no bar may be drawn to scale for a clinic where one of
its parts' values is printed hidden while another part's value, over the same denominator, is printed. The
attack reads the segments off the final PDF (`attacker_geometry.drawn_compositions`), the rates off its text
(`attacker_pdf.parse`), and computes every hidden value it can; the true value shows the attack is real.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from attacker_geometry import DrawnComposition, drawn_compositions
from attacker_pdf import NUMBER, _metas, clinic_of_label, handout, number, parse

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.codes import meeting_codes
from klyngedesk.core.collate import collate
from klyngedesk.core.collate.composition import OTHER
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.store import Project


def _drawn_to_scale(segments: list[float], parts: int) -> bool:
    """Every part of the row drawn as a coloured segment whose lengths add up to the whole axis."""
    return len(segments) == parts and abs(sum(segments) - 100.0) < 0.01


def recovered_hidden_values(project: Project, meeting: str) -> tuple[list[tuple], int]:
    """Every value printed "skjult" that the handout's composition bars and printed values give back, as
    (indicator, row label, recovered value, true value); with how many drawn clinic bars were measured."""
    codes = meeting_codes(project, meeting) if project.draw(meeting) else draw_codes(project, meeting)   # kept if frozen
    data, pack = handout(project, meeting)
    topics = tuple(t.topic for t in pack.anonymised)
    metas = _metas(topics)
    printed = {p.key: {r.label: r.value for r in p.rows} for p in parse(page_texts(data), topics)}
    truth, comps = {}, {}
    for t in pack.anonymised:
        table = collate(project, t.topic, t.period, t.compare)
        truth.update({(ind.key, r.clinic): r.value for ind in table.indicators for r in ind.rows})
        for comp in table.compositions:
            title = metas[comp.key].title if comp.key in metas else comp.title
            comps[title] = comp
    found, measured = [], 0
    charts: list[DrawnComposition] = drawn_compositions(data)
    assert {c.heading for c in charts} >= set(comps), ("a composition was not measured", sorted(comps))
    for chart in charts:
        comp = comps[chart.heading]
        share_keys = [p.key for p in comp.parts]
        for label, segments in chart.rows.items():
            if label == "Klyngen" or not _drawn_to_scale(segments, len(share_keys)):
                continue
            measured += 1
            share = dict(zip(share_keys, segments, strict=True))
            share[comp.total_measure] = 100.0
            share.pop(OTHER, None)
            clinic = clinic_of_label(label, codes)
            for key, meta in metas.items():
                if meta.numerator not in share or printed.get(key, {}).get(label) != "skjult":
                    continue
                value = None
                if meta.denominator_kind != "list_size" and meta.denominator in share:   # a share of two parts
                    value = 100.0 * share[meta.numerator] / share[meta.denominator]
                for other, m in metas.items():   # another part's value over the same denominator, printed
                    text = printed.get(other, {}).get(label, "").removesuffix(" %")
                    if value is None and other != key and m.numerator in share and m.denominator == meta.denominator \
                            and m.denominator_kind == meta.denominator_kind and m.per_year == meta.per_year \
                            and re.fullmatch(NUMBER, text) and share[m.numerator] > 0:
                        value = number(text) * share[meta.numerator] / share[m.numerator]
                if value is not None:
                    found.append((key, label, round(value, 2), truth.get((key, clinic))))
    return found, measured


@pytest.mark.parametrize("meeting", ["2026-03", "2026-12"])
def test_no_composition_bar_gives_a_value_printed_hidden_back(demo_path: Path, meeting: str) -> None:
    """The demo's two packs: the opioid composition beside the morphine, tramadol and opioid rates (where a
    clinic's tramadol rate was printed "skjult" to protect its list size, its bar gave it back to +/-2)."""
    with Project.open(demo_path) as project:
        found, measured = recovered_hidden_values(project, meeting)
    assert measured > 20, measured
    assert not found, ("values printed 'skjult' recovered from the composition bars (indicator, clinic, "
                       "recovered, true)", found)
