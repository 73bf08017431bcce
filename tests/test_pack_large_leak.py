"""A large cluster's pack is not stopped by a false identity leak: numbers printed side by side (axis ticks,
table rows of code, value, count and list-size band) are not read as one yder number, while a yder number
written in a sentence or on a line of its own, spaced or dotted, is still found."""

from __future__ import annotations

import io
import random

import pytest

from klyngedesk.core.anonymise.codes import code_label
from klyngedesk.core.anonymise.leak import IdentityLeak, Leak, LeakChecker
from klyngedesk.core.model import Clinic
from klyngedesk.core.render.leakscan import COLUMN_GAP, page_texts, scan_document


def printed_lines(codes: list[str], rng: random.Random) -> list[str]:
    """Lines as the PDF text of a large cluster's charts and tables reads: one row per clinic, and axes."""
    lines = []
    for code in codes:
        value, n = rng.choice(range(0, 600, 5)), rng.randint(0, 400)
        low = rng.choice(range(0, 10000, 2000))
        lines.append(f"{code} {value} {n} {low:,}–{low + 1999:,}".replace(",", "."))
        lines.append(f"{code} {value} – {low:,}–{low + 1999:,}".replace(",", "."))
        share, den = rng.randint(0, 1000) / 10, rng.randint(100, 999)   # a share's row: value, n, denominator
        lines.append(f"{code} {share:.1f} % {rng.randint(0, den)} {den}".replace(".", ","))
        lines.append(f"{code} {share:.1f} {rng.randint(10, 999)} {rng.randint(100, 999)}".replace(".", ","))
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200):
        lines.append(" ".join(str(step * k) for k in range(7)))
        lines.append(" ".join(str(step * k) for k in range(2, 9)))
    return lines


def test_numbers_side_by_side_in_a_400_clinic_pack_are_not_a_yder_number() -> None:
    rng = random.Random(17)
    text = "\r\n".join(printed_lines([code_label(i) for i in range(400)], rng))
    digits = {d for line in text.splitlines() for d in ["".join(line.split()[k:k + j]) for k in range(6)
                                                         for j in (2, 3)]}
    sixes = sorted(d for d in digits if d.isdigit() and len(d) == 6)
    yders = [*sixes[:200], *(str(rng.randint(100000, 999999)) for _ in range(200))]   # the worst case
    clinics = [Clinic(f"K{i}", f"Lægerne Nummer {i}", yder) for i, yder in enumerate(yders)]
    assert LeakChecker(clinics).find(text) == []


def test_a_yder_number_in_words_or_on_its_own_line_is_still_found() -> None:
    clinic = Clinic("K1", "Lægehuset Havnegade", "012345")
    checker = LeakChecker([clinic, Clinic("K2", "Lægerne Torvet", "203040")])
    for text in ("ydernr. 012 345", "• 01 23 45", "1. 012 345\n", "Se 01.23.45)", "ring 012345 i dag",
                 "ydernummer 12345", "tal 35 012 345", "012 345 12 er rettet"):
        assert ("K1", "yder") in {(leak.clinic, leak.kind) for leak in checker.find(text)}, text
    assert [leak.clinic for leak in checker.find("se tallene 20 30 40 her")] == ["K2"]   # in a sentence: found
    assert checker.find("0 10 20 30 40") == [] and checker.find("AB 20 30 40 2.000–3.999") == []


def _pdf(flowables: list) -> bytes:
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(flowables)
    return buffer.getvalue()


def _yder_clinics(found: list[Leak]) -> set[str]:
    return {leak.clinic for leak in found if leak.kind == "yder"}


def test_neighbouring_cells_of_a_printed_table_are_not_read_as_one_yder_number() -> None:
    """A 400-clinic pack stopped on "(465–546) 375 363 af 400 +4 %": a count in one cell and a rank in the next
    met a clinic's yder number. Read from the PDF, numbers drawn apart are apart; typed together, they are one."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, Table

    checker = LeakChecker([Clinic("K1", "Lægehuset Havnegade", "375363"), Clinic("K2", "Lægerne Torvet", "012345")])
    table = _pdf([Table([["(465–546)", "375", "363 af 400", "+4 %"], ["AB", "12,5 %", "012", "345"],
                         ["375", "363"]])])
    assert page_texts(table, columns=True)[0].count(COLUMN_GAP) >= 3
    scan_document(table, checker, "Fællesmateriale")   # no leak: every number is a cell of its own

    style = getSampleStyleSheet()["Normal"]
    justified = style.clone("justified", alignment=TA_JUSTIFY)
    typed = [Paragraph("Kontakt ydernr. 375 363 om det", style),
             Paragraph("Husk " + "ord " * 25 + "at 375 363 skal ringes op " + "mere tekst " * 20, justified),
             Paragraph("ydernr. <b>375</b> 363", style),
             Table([["Noter", "ring til 375 363"]])]
    for flowable in typed:
        data = _pdf([flowable])
        assert _yder_clinics(checker.find(page_texts(data, columns=True)[0])) == {"K1"}, flowable
        with pytest.raises(IdentityLeak):
            scan_document(data, checker, "Fællesmateriale")


def test_a_cpr_number_drawn_in_two_cells_is_still_found() -> None:
    from reportlab.platypus import Table

    data = _pdf([Table([["070761", "4285"]])])   # a valid CPR number's date and serial, side by side
    with pytest.raises(IdentityLeak) as caught:
        scan_document(data, LeakChecker([Clinic("K1", "Lægehuset Havnegade", "375363")]), "Fællesmateriale")
    assert [leak.kind for leak in caught.value.leaks] == ["cpr"]
