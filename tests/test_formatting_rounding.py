"""Printed numbers round as a reader rounds (half away from zero) and never show '−0'."""

from __future__ import annotations

import pytest

from klyngedesk.core.formatting import format_number, format_percent


@pytest.mark.parametrize(("value", "decimals", "lang", "text"), [
    (312.5, 0, "da", "313"),          # Python's own format would print 312 (half to even)
    (2.5, 0, "da", "3"),
    (2.675, 2, "da", "2,68"),         # the binary float is 2.67499…; the written number is 2,675
    (1234.5, 0, "da", "1.235"),
    (1234.5, 0, "en", "1,235"),
    (-2.5, 0, "da", "−3"),
    (-0.4, 0, "da", "0"),             # never '−0'
    (0.04, 1, "en", "0.0"),
    (float("nan"), 1, "da", "–"),
    (float("inf"), 1, "da", "–"),
])
def test_numbers_round_half_away_from_zero(value: float, decimals: int, lang: str, text: str) -> None:
    assert format_number(value, decimals, lang) == text


def test_percent_rounds_the_same_way() -> None:
    assert format_percent(12.25, 1, "da") == "12,3 %"
    assert format_percent(-0.04, 1, "en") == "0.0%"
