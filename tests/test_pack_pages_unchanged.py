"""The printed pages of the demo packs, group and personal, Danish and English, read back as a reader would
(the project's own pdfium reader): the same text on every page as tests/reference/pack_texts.json holds.

Speed work on the pack (shared charts, one read-back per file) must not change what is printed; the
reference is rewritten only when the pages are meant to change (`python -m tests.reference.make_pack_texts`).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from tests.reference.make_pack_texts import CASES, REFERENCE, pack_texts


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, list[str]]]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_page_prints_the_same_text(case, reference, tmp_path: Path) -> None:
    name, clinics, periods, meeting, lang = case
    got = pack_texts(tmp_path, clinics, periods, meeting, lang)
    want = reference[name]
    assert sorted(got) == sorted(want), "the pack holds other documents than before"
    for document, pages in want.items():
        assert len(got[document]) == len(pages), f"{name} {document}: {len(got[document])} pages, not {len(pages)}"
        for number, (new, old) in enumerate(zip(got[document], pages, strict=True), start=1):
            if new != old:
                diff = "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))
                pytest.fail(f"{name} {document} page {number} prints another text:\n{diff[:3000]}")


def test_the_reference_covers_what_the_speed_work_touches(reference) -> None:
    """Trend charts (four rounds), clinics named by consent, both languages, every clinic's handout."""
    assert any("Your clinic in every round" in page for page in reference["rounds-en"]["K01"])
    assert any("Jeres praksis har kode" in page for page in reference["demo-da"]["K01"])
    assert any("(you)" in page for page in reference["demo-en"]["K01"])
    assert len(reference["demo-da"]) == 15 and len(reference["demo-en"]) == 15
