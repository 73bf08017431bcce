"""Consenting clinics whose long names begin like every other clinic's ('Lægefællesskabet Søndre Skovbrynsallé
og…'): the charts cut their names short, and the pack prints; a name of a clinic that did not consent, planted in
the group handout, in one personal handout or on a chart's row, still stops it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from klyngedesk.core.anonymise import IdentityLeak, draw_codes
from klyngedesk.core.render import chart_builder
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
from tests.pack_clusters import CLUSTERS, build_cluster

MEETING = "2026-12"


def _cluster(folder: Path, name: str = "long-names-consent") -> Path:
    path = build_cluster(folder, name)
    with Project.open(path) as project:
        draw_codes(project, MEETING, rng=random.Random(CLUSTERS[name][3]))   # type: ignore[arg-type]
    return path


def _refused(project: Project, out: Path) -> IdentityLeak:
    with pytest.raises(IdentityLeak) as caught:
        build_pack(project, MEETING, out, lang="da")
    assert not out.exists() or not any(out.iterdir())
    return caught.value


def _not_named(project: Project) -> list[str]:
    consents = project.consents(MEETING)
    return sorted(c.key for c in project.clinics() if c.key not in consents)


@pytest.mark.parametrize("name", ["long-names-consent", "long-names-consent-en"])
def test_consenting_names_cut_short_on_the_charts_print(tmp_path: Path, name: str) -> None:
    with Project.open(_cluster(tmp_path, name)) as project:
        result = build_pack(project, MEETING, tmp_path / "out", lang=CLUSTERS[name][2])
        codes = project.draw(MEETING)["codes"]   # type: ignore[index]
        consenting = {codes[k] for k in project.consents(MEETING)}
    group = "\n".join(page_texts(result.group.read_bytes()))
    cut = [line for line in group.splitlines() if "Lægefællesskab" in line and "… (" in line]
    assert cut, "no name was cut short on a chart: the case no longer tests what it says"
    for line in cut:   # each cut name keeps its own clinic's code, and only consenting clinics are named
        assert line.split("… (", 1)[1].split(")", 1)[0] in consenting, line


def test_a_non_consenting_name_in_a_group_note_stops_the_pack(tmp_path: Path) -> None:
    with Project.open(_cluster(tmp_path)) as project:
        hidden = project.clinic(_not_named(project)[0])
        project.add_note(f"Tak til {hidden.name} for tallene", audience="group")
        error = _refused(project, tmp_path / "out")
    assert "Fællesmateriale" in error.message("da")
    assert hidden.key in {leak.clinic for leak in error.leaks}


@pytest.mark.parametrize("text", [
    "Lægefællesskabet Søndre Skovbrynsallé… nr. {n}",    # cut as a chart cuts, then the rest of the name
    "Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. {n}",
])
def test_a_cut_or_partial_name_typed_for_the_group_stops_the_pack(tmp_path: Path, text: str) -> None:
    with Project.open(_cluster(tmp_path)) as project:
        hidden = project.clinic(_not_named(project)[0])
        project.add_note(text.format(n=hidden.name.rsplit(" ", 1)[1]), audience="group")
        error = _refused(project, tmp_path / "out")
    assert error.leaks


def test_another_clinics_name_in_one_personal_handout_stops_the_pack(tmp_path: Path) -> None:
    """Planted in the handout of a consenting clinic: consent to be named before the group is not consent to be
    named in another clinic's handout, and nobody else may be named there."""
    with Project.open(_cluster(tmp_path)) as project:
        reader = sorted(project.consents(MEETING))[0]
        hidden = project.clinic(_not_named(project)[0])
        project.add_note(f"Sammenlign med {hidden.name}", clinic=reader)
        error = _refused(project, tmp_path / "out")
        reader_name = project.clinic(reader).name
    assert f"det personlige materiale til {reader_name}" in error.message("da")
    assert hidden.key in {leak.clinic for leak in error.leaks}


def test_a_chart_naming_a_clinic_that_did_not_consent_stops_the_pack(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A renderer that names every row: its label, cut to the same words as a consenting clinic's, stands
    before the code of a clinic that did not consent, and the check on the final page text catches it."""
    with Project.open(_cluster(tmp_path)) as project:
        codes = project.draw(MEETING)["codes"]   # type: ignore[index]
        names = {codes[c.key]: c.name for c in project.clinics()}
        label = chart_builder.ChartContext.label

        def every_name(self: chart_builder.ChartContext, row) -> str:   # type: ignore[no-untyped-def]
            return f"{names[row.code]} ({row.code})" if not self.is_own(row.code) else label(self, row)

        monkeypatch.setattr(chart_builder.ChartContext, "label", every_name)
        hidden = set(_not_named(project))
        error = _refused(project, tmp_path / "out")
    assert "Fællesmateriale" in error.message("da") and {leak.clinic for leak in error.leaks} <= hidden
