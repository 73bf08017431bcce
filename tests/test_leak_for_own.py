"""The pack's personal leak check is compiled once and narrowed to each clinic: it finds exactly what a
checker built for that clinic finds (its own identity allowed, every other clinic's a leak)."""

from __future__ import annotations

import pytest

from klyngedesk.core.anonymise.leak import leak_checker
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    path = build_demo(tmp_path_factory.mktemp("leak") / "demo.klynge", clinics=12)
    with Project.open(path) as p:
        yield p


def _texts(clinics) -> list[str]:
    """Texts naming clinics in every way the check knows: name, doctor, yder number, address, e-mail,
    a clinic's name inside another's, numbers after a name."""
    out = []
    for c in clinics:
        out += [f"Tak til {c.name} for data.", f"{c.name} 19,2 %", f"ring til {c.yder}",
                " ".join(c.doctors), c.address or "", c.email or "", f"{c.name}s tal"]
    out.append(" og ".join(c.name for c in clinics[:3]))
    return out


def test_narrowed_checker_finds_exactly_what_a_checker_for_the_clinic_finds(project: Project) -> None:
    clinics = project.clinics()
    texts = _texts(clinics)
    base = leak_checker(project, allowed=["Anne Speaker"])
    for clinic in clinics:
        own = leak_checker(project, allowed=["Anne Speaker"], own=clinic.key)
        narrowed = base.for_own(clinic.key)
        for text in texts:
            assert narrowed.find(text) == own.find(text), (clinic.key, text)
        assert narrowed.find(f"{clinic.name} har kode A") == []
        others = [c for c in clinics if c.key != clinic.key]
        found = {leak.clinic for leak in narrowed.find(f"{others[0].name} og {clinic.name}")}
        assert others[0].key in found and clinic.key not in found


def test_a_checker_with_consents_is_not_narrowed(project: Project) -> None:
    consenting = leak_checker(project)
    consenting._consenting = frozenset({project.clinics()[0].key})
    with pytest.raises(ValueError):
        consenting.for_own(project.clinics()[1].key)
