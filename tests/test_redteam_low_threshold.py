"""Red team: a threshold below 5. "<T" alone tells the reader 1..T-1 ("<2" is 1, "<3" 1 or 2, "<4" 1 to 3), which is
narrower than the audit's own promise (no hidden count exactly or to +/-1). The member reads every page of the
printed group handouts of two meetings (and a clinic's personal handout) as a PDF text extractor does, plays every
clinic and an outsider with the linear program over everything printed, and must leave every hidden count at
least `COUNT_MARGIN` wide; no page may print "<2", "<3" or "<4". Threshold 5 is the control: "<5" is printed there.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from attacker import COUNT_MARGIN, PERIODS, Attacker, add_meeting, make_cluster
from attacker_pdf import handout, keep_printed, parse

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.audit import COUNT_MARGIN as AUDIT_MARGIN
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.personal_handout import render_personal

SIZES = [2400, 3100, 2800, 4100, 1900, 3600, 3000, 2950]
# Prescriptions and penicillin V among them per clinic, two rounds: counts of 1, 2 and 3 to hide at every threshold.
AB = [[(40, [20]), (55, [30]), (3, [1]), (61, [40]), (38, [12]), (70, [33]), (210, [99]), (2, [1])],
      [(42, [21]), (51, [28]), (3, [2]), (66, [41]), (35, [15]), (72, [30]), (190, [90]), (4, [2])]]
SMALL_MARK = re.compile(r"<(\d+)")   # "<5"; not the methods page's "p < 0,05"


def _printed(threshold: int, folder: Path) -> tuple[list[list[str]], list[str], list]:
    """Both meetings' group handout pages and one personal handout's pages, and the attacker's pinned counts."""
    made = make_cluster(folder / "c.klynge", "antibiotika", SIZES, AB, set(), threshold, "bands", False)
    project = made.project
    attacker = Attacker(made.truth)
    keys = sorted(made.names)
    group, pinned = [], []
    personal: list[str] = []
    try:
        for r in range(len(AB)):
            meeting, compare = f"m{r}", PERIODS[r - 1].key if r else None
            add_meeting(project, meeting, date(2026, 1 + r, 1), "antibiotika", PERIODS[r].key, compare)
            codes = draw_codes(project, meeting)
            data, pack = handout(project, meeting)
            for disclosure in pack.disclosures:   # printed: the next meeting is audited against it
                project.save_published(meeting, disclosure.topic, disclosure.to_json())
            pages = page_texts(data)
            group.append(pages)
            tables = {ind.key: ind for table in pack.anonymised for ind in table.indicators}
            printed = parse(pages, "antibiotika")
            assert {p.key for p in printed} == set(tables), "a table was not read"
            for p in printed:
                assert len(p.rows) == len(tables[p.key].rows), (p.key, "rows not read")
            steps = {key: ind.value_step or 0.0 for key, ind in tables.items()}
            keep_printed(attacker, printed, "antibiotika", PERIODS[r].key, compare, codes, steps, threshold)
            pinned += [(meeting, *p) for p in attacker.pinned([None, *keys])]
            if r == len(AB) - 1:   # the clinic with the smallest counts: its handout's group parts
                buffer = io.BytesIO()
                render_personal(buffer, pack.personal_material("K02"), pack.meeting, pack.cluster_name, "da")
                personal = page_texts(buffer.getvalue())
    finally:
        project.close()
    return group, personal, pinned


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("threshold", [2, 3, 4, 5])
def test_a_low_threshold_prints_no_small_mark_and_leaves_every_hidden_count_wide(threshold: int,
                                                                                  tmp_path: Path) -> None:
    assert COUNT_MARGIN == AUDIT_MARGIN
    group, personal, pinned = _printed(threshold, tmp_path)
    assert not pinned, pinned[:3]
    text = " ".join(" ".join(page.split()) for pages in [*group, personal] for page in pages)
    marks = {int(m[1]) for m in SMALL_MARK.finditer(text)}
    hidden = text.count("skjult")
    if threshold == 5:   # the control: small counts are marked "<5", and the cover says what "<5" is
        assert marks == {5}, marks
        assert "Antal fra 1 til 4 vises som <5" in text
    else:
        assert not marks & {2, 3, 4}, (threshold, marks)
        assert hidden, "the small counts are printed hidden"
        assert f"Antal fra 1 til {threshold - 1} er skjult (skjult) ligesom de antal" in text


@pytest.mark.parametrize("threshold", range(1, 11))
def test_small_counts_are_marked_only_where_the_mark_leaves_them_wide(threshold: int) -> None:
    """"<T" tells 1..T-1: that is `COUNT_MARGIN` wide (4 values) from threshold 5 on, and nothing narrower is marked."""
    from klyngedesk.core.anonymise.audit import marks_small

    assert marks_small(threshold) == (threshold - 2 >= AUDIT_MARGIN) == (threshold >= 5)


def test_the_settings_dialog_says_what_a_low_threshold_does(qtbot, app_context) -> None:
    from klyngedesk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.threshold.setValue(3)
    assert "Antal fra 1 til 2 vises som \"skjult\"" in dialog.threshold_note.text()
    assert "<3\" ville røbe dem" in dialog.threshold_note.text()
    dialog.threshold.setValue(5)
    assert dialog.threshold_note.text() == ("Antal fra 1 til 4 vises som \"<5\" i fællesmaterialet, og en rate eller "
                                            "andel af dem som \"under 5 tilfælde\"; 0 vises.")   # as the pack prints
    dialog.threshold.setValue(10)
    assert "vises som \"<10\"" in dialog.threshold_note.text() and "\"under 10 tilfælde\"" in dialog.threshold_note.text()
    dialog.threshold.setValue(1)
    assert "skjules intet antal" in dialog.threshold_note.text()
