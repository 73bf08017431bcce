"""Sealed print sections: confidential cover sheets, clinic name on every page, padding to whole duplex sheets."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from klyngedesk import __version__
from klyngedesk.core.formatting import format_date
from klyngedesk.core.model import Meeting
from klyngedesk.core.render.fonts import BOLD, register_fonts
from klyngedesk.core.render.page_template import (
    CONTENT_WIDTH,
    MARGIN_X,
    PAGE_HEIGHT,
    STYLES,
    blank_back,
    draw_footer,
)
from klyngedesk.i18n import tr


def _canvas(buffer: io.BytesIO, title: str, lang: str) -> Canvas:
    register_fonts()
    canv = Canvas(buffer, pagesize=A4, invariant=0, pageCompression=1, lang=lang)
    canv.setTitle(title)
    canv.setCreator(f"KlyngeDesk {__version__}")
    return canv


def _paragraph(canv: Canvas, markup: str, style: str, y: float) -> float:
    """Draw a paragraph at the top y and return the y below it."""
    para = Paragraph(markup, STYLES[style])
    _, height = para.wrapOn(canv, CONTENT_WIDTH, PAGE_HEIGHT)
    para.drawOn(canv, MARGIN_X, y - height)
    return y - height - STYLES[style].spaceAfter


def personal_footer(clinic_name: str, lang: str) -> str:
    return tr("CONFIDENTIAL · personal material for {clinic} only", lang, clinic=clinic_name)


def blank_backs(footers: Sequence[str], lang: str) -> bytes:
    """One intentionally blank page per footer ("" for none), in one file: the backs that make sections of
    the print-all file fill whole sheets."""
    buffer = io.BytesIO()
    canv = _canvas(buffer, tr("This page is intentionally blank.", lang), lang)
    for footer in footers:
        blank_back(canv, lang, footer)
    canv.save()
    return buffer.getvalue()


def clinic_covers(clinics: Sequence[tuple[str, int]], meeting: Meeting, cluster_name: str, lang: str) -> bytes:
    """The confidential cover pages that open the clinics' sealed sections, one page per (clinic name, pages
    of its handout), in one file. Each says whose material it is, that it is for that clinic only, and how
    many pages follow. The handout starts on its back: lying face up, the sheet shows only the cover; the
    section is padded to whole sheets after the handout."""
    buffer = io.BytesIO()
    canv = _canvas(buffer, tr("Cover sheet", lang), lang)
    for clinic_name, handout_pages in clinics:
        y = PAGE_HEIGHT - 40 * mm
        y = _paragraph(canv, tr("CONFIDENTIAL", lang), "banner", y)
        y = _paragraph(canv, _esc(tr("Personal material for", lang)), "label", y - 10)
        y = _paragraph(canv, _esc(clinic_name), "title", y)
        y = _paragraph(canv, _esc(f"{cluster_name} · {meeting.title} · {format_date(meeting.date, lang)}"),
                       "subtitle", y)
        sheets = (handout_pages + 2) // 2   # this cover and the handout, double-sided
        text = [tr("This section is for this clinic only. Hand it over in an envelope or in person; do not leave "
                   "it on the table with the group material.", lang),
                tr("Its {pages} pages begin on the back of this cover; with the cover they fill {sheets} sheets "
                   "printed double-sided.", lang, pages=handout_pages, sheets=sheets),
                tr("Its pages show which code the clinic has today: whoever reads them learns that code.", lang)]
        for line in text:
            y = _paragraph(canv, _esc(line), "body", y - 4)
        draw_footer(canv, personal_footer(clinic_name, lang))
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def print_all_front(meeting: Meeting, cluster_name: str, clinics: int, lang: str) -> bytes:
    """The print-all file's first sheet (and its blank back): confidential, what it holds, how to print it."""
    buffer = io.BytesIO()
    canv = _canvas(buffer, tr("Print all", lang), lang)
    y = PAGE_HEIGHT - 40 * mm
    y = _paragraph(canv, tr("CONFIDENTIAL — for the coordinator only", lang), "banner", y)
    y = _paragraph(canv, _esc(tr("Print all", lang)), "title", y)
    y = _paragraph(canv, _esc(f"{cluster_name} · {meeting.title} · {format_date(meeting.date, lang)}"),
                   "subtitle", y)
    for line in (tr("This file holds the group handout and the personal material of all {n} clinics. The personal "
                    "pages pair each clinic's name with its code: keep and destroy this file like the key.", lang,
                    n=clinics),
                 tr("Print it double-sided. Each clinic's section starts on a new sheet with a confidential cover "
                    "sheet and fills whole sheets, so no clinic's pages land on the back of another's.", lang)):
        y = _paragraph(canv, _esc(line), "body", y - 4)
    draw_footer(canv, tr("CONFIDENTIAL", lang))
    canv.showPage()
    blank_back(canv, lang, tr("CONFIDENTIAL", lang))
    canv.save()
    return buffer.getvalue()


def _esc(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def password_sheets(entries: Sequence[tuple[str, str, str]], coordinator_password: str, meeting: Meeting,
                    cluster_name: str, lang: str) -> bytes:
    """The password sheets, printed and kept apart from the files: first the coordinator's (print-all file and
    key), then one per clinic (`entries`: clinic name, file name, password), each on its own sheet."""
    buffer = io.BytesIO()
    title = tr("Password sheets", lang)
    canv = _canvas(buffer, f"{title} — {meeting.title}", lang)
    canv.setSubject(tr("CONFIDENTIAL — for the coordinator only", lang))
    where = f"{cluster_name} · {meeting.title} · {format_date(meeting.date, lang)}"

    def sheet(banner: str, heading: str, lines: Sequence[str], password: str, footer: str) -> None:
        y = PAGE_HEIGHT - 35 * mm
        y = _paragraph(canv, _esc(banner), "banner", y)
        y = _paragraph(canv, _esc(heading), "title", y)
        y = _paragraph(canv, _esc(where), "subtitle", y)
        y = _paragraph(canv, f"{_esc(tr('Password', lang))}: <font name='{BOLD}' size='18'>{_esc(password)}</font>",
                       "callout", y - 6)
        for line in lines:
            y = _paragraph(canv, _esc(line), "body", y - 4)
        draw_footer(canv, footer)
        canv.showPage()
        blank_back(canv, lang)

    sheet(tr("CONFIDENTIAL — for the coordinator only", lang), title, [
        tr("This password opens the print-all file and the key in the pack folder.", lang),
        tr("The following sheets hold one password per clinic. Hand each clinic its sheet, or read the password "
           "to it by phone; send the handout file by another channel (e.g. secure e-mail).", lang),
        tr("Keep these sheets apart from the pack folder and destroy them after the meeting; KlyngeDesk keeps no "
           "copy of the passwords.", lang)], coordinator_password, tr("CONFIDENTIAL", lang))
    for clinic_name, file_name, password in entries:
        sheet(tr("CONFIDENTIAL", lang), clinic_name, [
            tr("This password opens your personal material for the meeting, the file {file}.", lang,
               file=file_name),
            tr("The file reaches you separately. Keep this sheet to yourselves.", lang)], password,
              personal_footer(clinic_name, lang))
    canv.save()
    return buffer.getvalue()
