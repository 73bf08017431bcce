"""A large cluster's pack is not stopped by a false identity leak: numbers printed side by side (axis ticks,
table rows of code, value, count and list-size band) are not read as one yder number, while a yder number
written in a sentence or on a line of its own, spaced or dotted, is still found."""

from __future__ import annotations

import random

from klyngedesk.core.anonymise.codes import code_label
from klyngedesk.core.anonymise.leak import LeakChecker
from klyngedesk.core.model import Clinic


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
