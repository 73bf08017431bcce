"""The confidential key: code to clinic, consents and the draw's date (passwords are on separate sheets)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, Spacer

from klyngedesk.core.formatting import format_date, format_date_time
from klyngedesk.core.model import Meeting
from klyngedesk.core.render.continued import ContinuedTable
from klyngedesk.core.render.group_handout import document_info
from klyngedesk.core.render.indicator_pages import code_order
from klyngedesk.core.render.page_template import CONTENT_WIDTH, PackDocument
from klyngedesk.core.render.sections import bullets, data_table, facts_table, p
from klyngedesk.i18n import tr


@dataclass(frozen=True)
class KeyRow:
    code: str
    clinic_name: str
    yder: str
    consented: bool


@dataclass(frozen=True)
class KeyMaterial:
    rows: tuple[KeyRow, ...]
    drawn_at: str                 # ISO timestamp of the draw
    scheme: str
    printed_at: str               # ISO timestamp of this pack
    encrypted: bool = False       # the handouts have passwords (printed on the password sheets, never here)


def key_story(material: KeyMaterial, meeting: Meeting, cluster_name: str, lang: str) -> list[Flowable]:
    story: list[Flowable] = [
        p(tr("CONFIDENTIAL — for the coordinator only", lang), "banner"),
        p(tr("Key to the codes", lang), "title"),
        p(f"{cluster_name} · {meeting.title} · {format_date(meeting.date, lang)}", "subtitle"),
        facts_table([(tr("Codes drawn", lang), format_date_time(material.drawn_at, lang)),
                     (tr("Code scheme", lang), tr("letters", lang) if material.scheme == "letters"
                      else tr("numbers", lang)),
                     (tr("Pack printed", lang), format_date_time(material.printed_at, lang)),
                     (tr("Consents", lang), tr("{n} of {total} clinics agreed to be named", lang,
                                               n=sum(r.consented for r in material.rows),
                                               total=len(material.rows)))], label_width=110),
        Spacer(1, 10),
    ]
    header = [tr("Code", lang), tr("Practice", lang), tr("Yder number", lang), tr("Named", lang)]
    widths = [40, 190, 70, 50]
    widths[1] += CONTENT_WIDTH - sum(widths)
    rows = [[r.code, r.clinic_name, r.yder or "–", tr("yes", lang) if r.consented else tr("no", lang)]
            for r in sorted(material.rows, key=lambda r: code_order(r.code))]
    # a large cluster's key goes on over pages, its heading and column headings repeated
    story.append(ContinuedTable(tr("Codes and clinics", lang), "h3",
                                data_table(header, rows, widths, align_right_from=len(header), size=9),
                                tr("continued", lang)))
    story += [p(tr("Keep this sheet apart from the handouts", lang), "h3"), bullets([
        tr("Never hand it out or show it on the projector. The codes were frozen when this pack was printed: "
           "the same codes are used in every handout of the meeting.", lang),
        tr("A clinic that agreed to be named appears by name in the group handout for this meeting only.", lang),
        tr("The print-all file pairs every clinic's name with its code too: keep and destroy it like this key.",
           lang),
    ] + ([tr("Each personal handout opens only with its clinic's password, and this key and the print-all file "
             "with the coordinator's. The passwords are on the password sheets, printed apart from the files and "
             "never saved in the pack folder: hand each clinic its sheet or read the password by phone.", lang)]
         if material.encrypted else []), "body")]
    return story


def render_key(target: str | Path | BinaryIO, material: KeyMaterial, meeting: Meeting, cluster_name: str,
               lang: str) -> None:
    info = document_info(f"{meeting.title} — {tr('Key to the codes', lang)}", cluster_name, meeting, lang,
                         subject=tr("CONFIDENTIAL — for the coordinator only", lang),
                         banner=tr("CONFIDENTIAL", lang))
    PackDocument(target, info).build_story(key_story(material, meeting, cluster_name, lang))


def key_pdf(material: KeyMaterial, meeting: Meeting, cluster_name: str, lang: str) -> bytes:
    """The key as PDF bytes."""
    buffer = io.BytesIO()
    render_key(buffer, material, meeting, cluster_name, lang)
    return buffer.getvalue()
