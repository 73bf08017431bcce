"""The group summary's table prints each indicator's spread (lowest–highest) on one line: a range broken
after its dash ("25 –" above "over 65") reads as two figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from klyngedesk.core.anonymise import AnonymisedIndicator, Change
from klyngedesk.core.anonymise.types import AnonymisedRow, AnonymisedTable
from klyngedesk.core.model import Meeting, Topic
from klyngedesk.core.render import wording
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.page_template import CONTENT_WIDTH, MARGIN_X
from klyngedesk.core.render.sections import data_table
from klyngedesk.core.render.summary_page import change_cell, group_summary
from klyngedesk.i18n import tr

ROW = AnonymisedRow("A", None, 3.0, 1000.0, None, 3.0, 1.0, 6.0, 1, False, None, None)
TITLES = ("KOL-patienter pr. 1.000 patienter", "Andel KOL-patienter med lungefunktionsundersøgelse inden for de "
          "seneste 12 måneder", "Gabapentinbrugere pr. 1.000 listede patienter i alderen 18 år og derover", "Morfin",
          "Andel penicillin V af alle antibiotikaordinationer til voksne patienter med luftvejsinfektion")
# (unit, lowest, highest, lowest a bound, highest a bound): ranges as the anonymiser leaves them
RANGES = (("per_1000", 25.0, 65.0, False, True), ("percent", 58.5, 76.6, False, False),
          ("per_1000", 4.0, 21.0, False, True), ("per_1000", 1250.0, 9750.0, True, True),
          ("percent", 0.5, 99.5, True, True))


def summary_lines(lang: str) -> tuple[list[str], list[str]]:
    """The printed lines of a group summary over indicators with long titles and bounded ranges, and the
    spreads it should print."""
    inds = [AnonymisedIndicator(f"i{k}", title, unit, "max", "rate", (low + high) / 2, None, None, low, low, high,
                                low, high, 14, (), None, (ROW,), minimum_below=below, maximum_above=above)
            for k, (title, (unit, low, high, below, above)) in enumerate(zip(TITLES, RANGES, strict=True))]
    table = AnonymisedTable("2026-12", "kol", "KOL", "2026H1", "1. halvår 2026", "2025H2", "2. halvår 2025", 5,
                            "bands", tuple(inds))
    materials = [TopicMaterial(table, Topic("kol", "KOL"))]
    meeting = Meeting("2026-12", date(2026, 12, 3), "Møde", questions=("Hvad gør vi?",))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=A4[0] - MARGIN_X - CONTENT_WIDTH
                      ).build(group_summary(materials, meeting, lang))
    lines = [line for page in page_texts(out.getvalue()) for line in page.splitlines()]
    return lines, [wording.spread(i, lang) for i in inds]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_spread_prints_on_one_line(lang) -> None:
    lines, spreads = summary_lines(lang)
    for spread in spreads:
        assert any(line.endswith(spread) for line in lines), (spread, lines)


CHANGES = ((-0.59, -0.82, -0.06), (0.10, -0.16, 0.43), (-0.048, -0.137, 0.043))


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("width", [84.0, 100.0])
def test_a_change_cells_interval_is_never_broken_between_its_ends(lang, width) -> None:
    """'−59 % (−82 % til' above '−6 %)' reads as two figures: a cell may break before the interval, not in it."""
    changes = [Change(1.0, 1.0, 0.0, 1 + r, 1 + lo, 1 + hi, r, lo, hi, verdict="fell", margin=0.1)
               for r, lo, hi in CHANGES]
    changes.append(Change(0.5, 0.45, -0.05, None, None, None, None, None, None, measure="points", points=-4.8,
                          points_low=-13.7, points_high=4.3, verdict="undetermined", margin=3.0))
    cells = [change_cell(c, lang) for c in changes]
    printed = [c.replace("\u00a0", " ") for c in cells]   # as a reader reads the page
    table = data_table(["Indikator", "Ændring (95 %-KI)"], [["Morfin", c] for c in cells],
                       [CONTENT_WIDTH - width, width], align_right_from=1, wrap_cols=(1,))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([table])
    text = " ".join(page_texts(out.getvalue())).replace("\r\n", "\n")
    word = tr("({low} to {high})", lang, low="L", high="H").split("L")[1].split("H")[0]   # " til "
    for cell in printed:
        interval = cell[cell.index("("):]
        low = interval[1:interval.index(word)]
        assert f"{low}{word}" in text, (interval, text)   # its ends on one line
