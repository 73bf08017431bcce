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
