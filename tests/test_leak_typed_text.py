"""What the coordinator typed is leak-checked as typed, not only as the pages print it: a yder number typed in a
sentence may wrap over two lines on the page (and a page's lines are read apart), but as typed it is one string."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate

from klyngedesk.core.anonymise.leak import IdentityLeak, LeakChecker
from klyngedesk.core.model import Clinic
from klyngedesk.core.render.leakscan import check_typed, page_texts, scan_document
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project


def test_a_yder_number_wrapped_over_two_lines_is_found_in_the_typed_text() -> None:
    checker = LeakChecker([Clinic("K1", "Lægehuset Havnegade", "808343")])
    text = "Spørgsmål fra ydernr. 808 343 om tallene"
    buffer = io.BytesIO()   # a column just wide enough that the line breaks inside the number
    style = getSampleStyleSheet()["Normal"]
    width = stringWidth("Spørgsmål fra ydernr. 808 3", style.fontName, style.fontSize) + 12   # the frame's padding
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=72, rightMargin=A4[0] - 72 - width).build(
        [Paragraph(text, style)])
    lines = page_texts(buffer.getvalue(), columns=True)[0].splitlines()
    assert any(line.rstrip().endswith("808") for line in lines) and any(line.startswith("343") for line in lines)
    scan_document(buffer.getvalue(), checker, "Fællesmateriale")   # the page, line by line, holds no yder number
    with pytest.raises(IdentityLeak) as caught:
        check_typed([text], checker, "Fællesmateriale")
    message = caught.value.message("da")
    assert "ydernummer" in message and "skrevet til Fællesmateriale" in message and "808" not in message


@pytest.mark.parametrize("where", ["agenda", "question", "speaker", "group note", "personal note"])
def test_a_yder_number_typed_for_a_handout_stops_the_pack(small_demo: Project, tmp_path: Path, where: str) -> None:
    meeting = small_demo.meeting("2026-12")
    clinics = small_demo.clinics()
    other = clinics[0]
    text = f"Spørgsmål fra ydernr. {other.yder[:3]} {other.yder[3:]} om tallene"
    if where == "agenda":
        small_demo.save_meeting(dataclasses.replace(meeting, agenda=(*meeting.agenda, text)))
    elif where == "question":
        small_demo.save_meeting(dataclasses.replace(meeting, questions=(*meeting.questions, text)))
    elif where == "speaker":
        speaker = dataclasses.replace(meeting.speakers[0], problem_statement=text) if meeting.speakers else None
        if speaker is None:
            pytest.skip("the demo meeting has no speaker")
        small_demo.save_meeting(dataclasses.replace(meeting, speakers=(speaker, *meeting.speakers[1:])))
    elif where == "group note":
        small_demo.add_note(text, audience="group")
    else:
        small_demo.add_note(text, clinic=clinics[1].key)
    out = tmp_path / "out"
    with pytest.raises(IdentityLeak) as caught:
        build_pack(small_demo, "2026-12", out)
    message = caught.value.message("da")
    assert "ydernummer" in message and "ikke skrevet" in message and other.yder[3:] not in message, message
    assert not out.exists() or not any(out.iterdir())
