"""The print-all file's leak check takes the text and the verdict of pages copied from files checked already,
but only where the very checker that found them clean is the one that reads them in print-all."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from klyngedesk.core.anonymise import IdentityLeak, LeakChecker
from klyngedesk.core.model import Clinic
from klyngedesk.core.render.leakscan import Section, page_texts, scan_pdf

HAVNEGADE = Clinic("K1", "Lægehuset Havnegade", "012345", "Havnegade 4, 8999 Fjordby")
TORVET = Clinic("K2", "Lægerne på Torvet", "223344", "Torvet 2, 8999 Fjordby")
CLINICS = [HAVNEGADE, TORVET]


def pdf(*pages: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for text in pages:
        canvas.drawString(72, 700, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture
def personal() -> dict[str, LeakChecker]:
    base = LeakChecker(CLINICS)
    return {"K1": base.for_own("K1"), "K2": base.for_own("K2")}


def test_a_page_checked_clean_by_its_own_reader_is_not_checked_again(personal, monkeypatch) -> None:
    """K1's page names K1 (its own handout): clean for K1's checker, so print-all may take that verdict."""
    data = pdf("Lægehuset Havnegade: jeres tal")
    texts = page_texts(data)
    calls: list[str] = []
    own = personal["K1"]
    find = own.find
    monkeypatch.setattr(own, "find", lambda text: calls.append(text) or find(text))
    scan_pdf(data, [Section("print-all", own)], known={0: texts[0]}, checked={0: own})
    assert calls == []
    scan_pdf(data, [Section("print-all", own)], known={0: texts[0]})   # not said to be checked: read and checked
    assert len(calls) == 1


def test_a_page_checked_by_another_reader_is_checked_again(personal) -> None:
    """The same page put in K2's section (a mix-up in assembling print-all): K2's checker reads it and stops."""
    data = pdf("Lægehuset Havnegade: jeres tal")
    texts = page_texts(data)
    with pytest.raises(IdentityLeak):
        scan_pdf(data, [Section("print-all", personal["K2"])], known={0: texts[0]}, checked={0: personal["K1"]})


def test_a_page_not_taken_from_its_file_is_read_and_checked(personal) -> None:
    """A verdict without the known text is not used: the page is read from this file and checked."""
    data = pdf("Lægehuset Havnegade", "Lægerne på Torvet")
    with pytest.raises(IdentityLeak):
        scan_pdf(data, [Section("print-all", personal["K1"])], checked={1: personal["K1"]})
