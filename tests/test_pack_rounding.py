"""Printed precision of rounded rates: a value rounded to a coarse step is printed in the step's precision
(350, not the false 350,0), the step is stated once per chart, and the reader's own true value keeps its own."""

from __future__ import annotations

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
    assert wording.rounding_note(5, "per1000", "da") == "afrundet til nærmeste 5"
    assert wording.rounding_note(0.5, "percent", "en") == "rounded to the nearest 0.5%"
    assert wording.rounding_note(0.1, "per1000", "da") == ""
    assert wording.rounding_note(None, "per1000", "da") == ""


def test_the_cluster_interval_is_printed_at_the_step_of_its_value(demo_path, tmp_path) -> None:
    """A pooled rate printed at a coarse step ("18") has its interval at that step too ("16 til 20"), never
    "16,0 til 20,0": the reader would take the ends for more precise than the value."""
    import re

    import pypdfium2

    from klyngedesk.core.render.pack import build_pack
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        result = build_pack(project, "2026-12", tmp_path / "pack", lang="da")
    document = pypdfium2.PdfDocument(str(result.group))
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    found = re.findall(r"Klyngen samlet\s+([\d.,]+) \(95 %-KI ([\d.,]+) til ([\d.,]+)\)", text)
    assert found
    for value, low, high in found:
        if "," not in value:
            assert "," not in low and "," not in high, (value, low, high)
