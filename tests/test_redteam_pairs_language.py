"""Red team: the Danish and the English group handout of one meeting, both in a member's hands.

If one language printed a number to more decimals than the other (a format, a rounding, a sentence), the pair
would tell more than either. Every number on every page of both handouts is read from the pages' text (pdfium,
as a text extractor reads it), each in its own language's format (1.234,5 and 1,234.5), with its decimals; the
two must print the same numbers to the same precision, apart from the periods' ordinals ("2. halvår 2025"
against "H2 2025") and the months of the indicators' definitions (worded apart). The tables themselves are the same in both (the language only names "others" and "hidden").
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from attacker import PERIODS, add_meeting, make_cluster
from attacker_pdf import handout

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.render.leakscan import page_texts

TOKEN = re.compile(r"(?<![\w.,])[−-]?\d+(?:[.,]\d+)*")
ORDINAL = re.compile(r"\b\d\.\s+(?:halvår|kvartal)")   # a period's label in Danish ("H2", "Q3" in English)
# the indicators' own definitions are worded apart ("registreret spirometri ... inden for de seneste 12 måneder")
SPAN = re.compile(r"\b\d+\s+(?:måneder|months)\b")
GROUPED = re.compile(r"[−-]?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|[−-]?\d+(?:[.,]\d+)?")


def numbers(text: str, lang: str) -> Counter:
    """(value, decimals) of every number printed, read in the language's format."""
    text = SPAN.sub("", ORDINAL.sub("", text) if lang == "da" else text)
    thousands, point = (".", ",") if lang == "da" else (",", ".")
    out: Counter = Counter()
    for m in TOKEN.finditer(text):
        t = m.group(0).replace("−", "-")
        if not GROUPED.fullmatch(t):   # a version number or a date written with dots
            continue
        whole, _, frac = t.replace(thousands, "").partition(point)
        if thousands in frac or point in whole:
            continue
        out[(round(float(f"{whole}.{frac or 0}"), 9), len(frac))] += 1
    return out


SIZES = [2400, 3100, 2800, 4100, 1900, 3600, 3000, 2950]
AB = [[(40, [20]), (55, [30]), (3, [1]), (61, [40]), (38, [12]), (70, [33]), (210, [99]), (2, [1])],
      [(42, [21]), (51, [28]), (3, [2]), (66, [41]), (35, [15]), (72, [30]), (190, [90]), (4, [2])]]
KOL = [[(60, [30, 12]), (45, [20, 9]), (52, [2, 30]), (3, [1, 1]), (70, [40, 20]), (38, [15, 3]), (90, [50, 9]),
        (25, [12, 4])]] * 2


@pytest.mark.parametrize("topic, counts, display", [("antibiotika", AB, "exact"), ("antibiotika", AB, "bands"),
                                                    ("kol", KOL, "hidden"), ("kol", KOL, "bands")])
def test_the_english_handout_prints_no_number_the_danish_does_not(topic: str, counts: list, display: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", topic, SIZES, counts, set(), 5, display, False)
        project = made.project
        try:
            for r in range(len(counts)):
                meeting = f"m{r}"
                add_meeting(project, meeting, date(2026, 1 + r, 1), topic, PERIODS[r].key,
                            PERIODS[r - 1].key if r else None)
                draw_codes(project, meeting)
                da = numbers("\n".join(page_texts(handout(project, meeting, "da")[0])), "da")
                en = numbers("\n".join(page_texts(handout(project, meeting, "en")[0])), "en")
                assert sum(da.values()) > 30, "the pages were not read"
                assert da == en, (meeting, "only Danish", dict(da - en), "only English", dict(en - da))
        finally:
            project.close()
