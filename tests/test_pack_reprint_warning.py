"""A meeting printed again with other group figures says so: the earlier print is not audited with it."""

from __future__ import annotations

from klyngedesk.core.render.pack import build_pack

WARNING = "Mødet er udskrevet før med andre tal i gruppematerialet"
ALL_CLEAR = "heller ikke med alt tidligere udleveret materiale ved hånden"


def _lines(result) -> list[str]:
    return result.disclosure.lines("da")


def test_a_reprint_with_other_figures_warns_and_claims_only_what_is_audited(small_demo, tmp_path) -> None:
    meeting = small_demo.meeting("2026-12")
    first = _lines(build_pack(small_demo, "2026-12", tmp_path / "first"))
    assert not any(WARNING in line for line in first)
    again = _lines(build_pack(small_demo, "2026-12", tmp_path / "again"))
    assert not any(WARNING in line for line in again), "an unchanged reprint is the same material"
    frame = small_demo.values(topic="kol")
    value = frame[(frame.period == meeting.period) & (frame.value > 0)].iloc[0]
    small_demo.correct_value(value.clinic, value.measure, value.period, value.value * 3 + 40, "sen rettelse")
    changed = _lines(build_pack(small_demo, "2026-12", tmp_path / "changed"))
    assert any(WARNING in line for line in changed), changed
    assert not any(ALL_CLEAR in line for line in changed), "the all-clear must not claim the earlier print"
    assert not any(str(int(value.value * 3 + 40)) in line for line in changed)
