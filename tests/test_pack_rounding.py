"""Printed precision of rounded rates: a value rounded to a coarse step is printed in the step's precision
(350, not the false 350,0), the step is stated once per chart, and the reader's own true value keeps its own."""

from __future__ import annotations

import re
import shutil

import pytest

from klyngedesk.core.render import wording


def test_a_value_on_a_coarse_step_prints_without_false_decimals() -> None:
    assert wording.number(350.0, "per1000", "da", step=5) == "350"
    assert wording.number(15.0, "per1000", "da", step=5) == "15"
    assert wording.number(35.0, "percent", "da", step=5) == "35 %"
    assert wording.number(2.5, "per1000", "da", step=0.5) == "2,5"
    assert wording.number(3.0, "per1000", "da", step=0.5) == "3,0"          # a half step needs its decimal
    assert wording.number(29.2, "per1000", "da", step=5) == "29,2"          # not on the step: a true value
    assert wording.number(15.0, "per1000", "da") == "15,0"                  # no step: the unit's precision
    assert wording.interval(15.0, 40.0, "per1000", "da", 5) == "15–40"
    assert wording.interval(15.0, 42.5, "percent", "en", 2.5) == "15.0–42.5%"


def test_the_step_is_stated_only_when_it_is_coarser_than_the_unit_prints() -> None:
    assert wording.rounding_note(5, "per1000", "da") == "Praksisser afrundet til nærmeste 5"
    assert wording.rounding_note(0.5, "percent", "en") == "Clinics rounded to the nearest 0.5%"
    assert wording.rounding_note(0.1, "per1000", "da") == ""
    assert wording.rounding_note(None, "per1000", "da") == ""


@pytest.fixture(scope="module")
def december_pack(_demo_master, tmp_path_factory):
    """The demo's December pack in Danish, built once for the tests that read its printed numbers."""
    from klyngedesk.core.render.pack import build_pack
    from klyngedesk.core.store import Project

    folder = tmp_path_factory.mktemp("rounding")
    shutil.copy(_demo_master, folder / "demo.klynge")
    with Project.open(folder / "demo.klynge") as project:
        return build_pack(project, "2026-12", folder / "pack", lang="da")


def pdf_text(path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return text


def test_the_cluster_interval_is_printed_at_the_step_of_its_value(december_pack) -> None:
    """A pooled rate printed at a coarse step ("18") has its interval at that step too ("16 til 20"), never
    "16,0 til 20,0": the reader would take the ends for more precise than the value."""
    text = pdf_text(december_pack.group)
    found = re.findall(r"Klyngen samlet\s+([\d.,]+) \(95 %-KI ([\d.,]+) til ([\d.,]+)\)", text)
    assert found
    for value, low, high in found:
        if "," not in value:
            assert "," not in low and "," not in high, (value, low, high)


def test_a_value_never_prints_on_its_interval_end_when_it_lies_inside() -> None:
    """Outward rounding put the ends on the step; the value, rounded to the nearest step, could land on an
    end: "35 (95 %-KI 30 til 35)" reads as if the estimate were the interval's edge. It is printed at the
    half step next to that end, which says no more than the three rounded numbers say together."""
    # the anonymised numbers: value to the nearest step, the ends outward
    assert wording.point(35.0, 30.0, 35.0, "per1000", "da", 5) == "32,5"           # not "35 (30 til 35)"
    assert wording.point(30.0, 30.0, 35.0, "per1000", "da", 5) == "32,5"           # not "30 (30 til 35)"
    assert wording.point(35.0, 30.0, 40.0, "per1000", "da", 5) == "35"             # inside "30 til 40": kept
    assert wording.point(10.0, 10.0, 12.0, "per1000", "da", 2) == "11"             # not "10 (10 til 12)"
    assert wording.point(400.0, 350.0, 400.0, "per1000", "da", 50) == "375"
    assert wording.point(0.0, 0.0, 5.0, "per1000", "da", 5) == "0"                 # a true 0 may be its end
    assert wording.point(100.0, 95.0, 100.0, "percent", "da", 5) == "100 %"        # so may a true 100 %
    # without a step the numbers are exact to the audit: one more decimal for the value and its interval
    assert wording.point(3.04, 3.01, 3.12, "per1000", "da") == "3,04"
    assert wording.interval(3.01, 3.12, "per1000", "da", value=3.04) == "3,01–3,12"
    assert wording.interval(3.0, 3.32, "per1000", "da", value=3.15) == "3,0–3,3"   # no clash: as before
    assert wording.point(68.84, 68.8, 70.0, "percent", "da") == "68,84 %"


def test_no_printed_value_sits_on_its_interval_end(december_pack) -> None:
    """In every handout a value with its interval reads "v (95 %-KI l til h)" or "v (l–h)" with l < v < h."""
    number = r"([\d.,]+)(?: %)?"
    for path in (december_pack.group, *december_pack.personal.values()):
        text = " ".join(pdf_text(path).split())
        found = re.findall(number + r" \(95 %-KI " + number + " til " + number + r"\)", text)
        found += re.findall(number + r" \(" + number + "–" + number + r"(?: %)?\)", text)
        assert found, path.name

        def value(t: str) -> float:
            return float(t.replace(".", "").replace(",", "."))
        for v, low, high in found:
            assert value(v) == 0 or value(low) < value(v) < value(high), (path.name, v, low, high)
