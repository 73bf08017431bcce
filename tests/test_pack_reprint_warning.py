"""A meeting printed again: an unchanged reprint is the same print (nothing new kept, no warning); a reprint with
other group figures is audited together with the earlier print, both stay on record, and the report says so."""

from __future__ import annotations

import re

from klyngedesk.core.commands import printed_references
from klyngedesk.core.render.pack import build_pack

REPRINTED = "Mødet er udskrevet før ("
AUDITED_WITH = "denne er revideret sammen med den"
OLD_WARNING = "ikke revideret sammen med denne"


def _lines(result) -> list[str]:
    return result.disclosure.lines("da")


def test_a_reprint_with_other_figures_is_audited_with_the_earlier_print_and_says_so(small_demo, tmp_path) -> None:
    meeting = small_demo.meeting("2026-12")
    first = _lines(build_pack(small_demo, "2026-12", tmp_path / "first"))
    assert not any(REPRINTED in line for line in first)
    kept = len(small_demo.published())
    again = _lines(build_pack(small_demo, "2026-12", tmp_path / "again"))
    assert not any(REPRINTED in line for line in again), "an unchanged reprint is the same material"
    assert len(small_demo.published()) == kept, "an unchanged reprint keeps nothing new"
    english = build_pack(small_demo, "2026-12", tmp_path / "english", lang="en").disclosure.lines("en")
    assert len(small_demo.published()) == kept, "the same figures in English are the same print"
    assert not any("printed before" in line for line in english)
    frame = small_demo.values(topic="kol")
    value = frame[(frame.period == meeting.period) & (frame.value > 0)].iloc[0]
    small_demo.correct_value(value.clinic, value.measure, value.period, value.value * 3 + 40, "sen rettelse")
    changed = _lines(build_pack(small_demo, "2026-12", tmp_path / "changed"))
    assert any(REPRINTED in line and AUDITED_WITH in line for line in changed), changed
    reprinted = next(line for line in changed if REPRINTED in line)
    assert re.search(r"udskrevet før \(\d{1,2}\. [a-z]+ \d{4} kl\. \d{2}\.\d{2}\)", reprinted), \
        f"the earlier print's time written the Danish way, not as an ISO stamp: {reprinted}"
    assert not any(OLD_WARNING in line for line in changed)
    assert not any("kan ikke beskyttes" in line for line in changed), "audited with the earlier print, and it holds"
    assert not any(str(int(value.value * 3 + 40)) in line for line in changed)
    prints = [p for p in small_demo.published() if p["meeting"] == "2026-12"]
    assert len({p["print"] for p in prints}) == 2, "both prints stay on record"
    # the first print keeps the value it showed: taking the correction back would not change what is on paper,
    # and the old value is still a print's (undo of the import that went into the first print stays refused)
    assert printed_references(small_demo, {(value.clinic, value.measure, value.period): float(value.value)})
