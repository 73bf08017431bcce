"""Printable survey material: the paper ballot and the ranking, as A4 PDFs with Danish letters."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from klyngedesk.core.formatting import format_date
from klyngedesk.core.render.fonts import BOLD, REGULAR, register_fonts
from klyngedesk.core.survey.model import RankedTopic, Survey
from klyngedesk.i18n import tr

_GRID = colors.HexColor("#9AA5B1")
_HEAD = colors.HexColor("#E4E9EE")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("survey-body", fontName=REGULAR, fontSize=10, leading=14, spaceAfter=4)
    return {"body": body,
            "small": ParagraphStyle("survey-small", parent=body, fontSize=8.5, leading=11, spaceAfter=0,
                                    textColor=colors.HexColor("#5B6770")),
            "cell": ParagraphStyle("survey-cell", parent=body, spaceAfter=0),
            "bold": ParagraphStyle("survey-bold", parent=body, fontName=BOLD, spaceAfter=0),
            "title": ParagraphStyle("survey-title", parent=body, fontName=BOLD, fontSize=18, leading=23,
                                    spaceAfter=6)}


def _doc(out: Path, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(str(out), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                             bottomMargin=16 * mm, title=title, author="KlyngeDesk")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def write_ballot_pdf(survey: Survey, out: str | Path, lang: str = "da") -> Path:
    """A paper ballot: one row per candidate topic with a box for the priority."""
    out, s = Path(out), _styles()
    story = [_p(survey.title, s["title"])]
    if survey.cluster:
        story.append(_p(survey.cluster, s["small"]))
    story += [Spacer(1, 3 * mm),
              _p(tr("Write 1 next to the topic you most want the cluster to work on, 2 next to the second and so "
                    "on, up to {n}. Leave the other topics empty.", lang, n=survey.choices), s["body"]),
              _p(tr("Return the ballot to the cluster coordinator by {deadline}.", lang, deadline=survey.deadline)
                 if survey.deadline else tr("Return the ballot to the cluster coordinator.", lang), s["body"]),
              Spacer(1, 3 * mm)]
    rows = [[_p(tr("No.", lang), s["bold"]), _p(tr("Candidate topic", lang), s["bold"]), _p(tr("Priority", lang), s["bold"])]]
    for i, c in enumerate(survey.candidates, 1):
        cell = [_p(c.title, s["bold"])] + ([_p(c.description, s["small"])] if c.description else [])
        rows.append([_p(str(i), s["cell"]), cell, ""])
    table = Table(rows, colWidths=[12 * mm, 128 * mm, 30 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, _GRID), ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 1), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 8)]))
    story += [table, Spacer(1, 10 * mm),
              _p(tr("Name (optional)", lang) + ": " + "_" * 50, s["body"])]
    _doc(out, survey.title).build(story)
    return out


def write_ranking_pdf(survey: Survey, ranked: list[RankedTopic], ballots: int, out: str | Path,
                      lang: str = "da", *, typed_in: bool = False, counted_on: date | None = None) -> Path:
    """The result: topics by points with the votes per priority, ready to print for the board."""
    out, s = Path(out), _styles()
    story = [_p(tr("Result: {title}", lang, title=survey.title), s["title"])]
    if survey.cluster:
        story.append(_p(survey.cluster, s["small"]))
    story += [_p(tr("{n} ballots counted on {date}. Priority 1 gives {points} points, the last priority 1 point.",
                    lang, n=ballots, date=format_date(counted_on or date.today(), lang), points=survey.choices),
                 s["body"])]
    if typed_in:
        story.append(_p(tr("Votes typed in from paper ballots are included.", lang), s["body"]))
    story += [_p(tr("Topics with the same points share a place.", lang), s["small"]), Spacer(1, 3 * mm)]
    head = [tr("Place in ranking", lang), tr("Candidate topic", lang), tr("Points", lang),
            *[tr("Prio. {n}", lang, n=i) for i in range(1, survey.choices + 1)], tr("Votes", lang)]
    rows = [[_p(h, s["bold"]) for h in head]]
    for r in ranked:
        rows.append([_p(f"{r.place}.", s["cell"]), _p(r.title, s["cell"]), _p(str(r.points), s["bold"]),
                     *[_p(str(v), s["cell"]) for v in r.by_priority], _p(str(r.votes), s["cell"])])
    n = survey.choices
    topic_width = 174 - 14 - 18 - 16 * (n + 1)  # A4 minus margins is 174 mm
    widths = [14 * mm, topic_width * mm, 18 * mm, *[16 * mm] * n, 16 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, _GRID), ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (2, 1), (-1, -1), "RIGHT")]))
    story.append(table)
    _doc(out, survey.title).build(story)
    return out
