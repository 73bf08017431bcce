"""Writes pack_texts.json: the text of every page of the demo packs (group and personal, Danish and English).

Run from the repository root: `.venv/bin/python -m tests.reference.make_pack_texts` (only when the printed
pages are meant to change; tests/test_pack_pages_unchanged.py compares a fresh pack with this file).
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.pack import PackResult, build_pack
from klyngedesk.core.store import Project

REFERENCE = Path(__file__).with_name("pack_texts.json")
# (name, clinics, periods, meeting, language): the demo's follow-up meeting, its first one (two clinics named by
# consent), and a cluster with four rounds (trend charts in both handouts)
CASES = (("demo-da", 14, 2, "2026-12", "da"), ("demo-en", 14, 2, "2026-03", "en"), ("rounds-en", 7, 4, "2026-12", "en"))


def pack_texts(folder: Path, clinics: int, periods: int, meeting: str, lang: str) -> dict[str, list[str]]:
    """Every page's text of the group handout and of each personal handout (by clinic key), as the project's
    own reader (pdfium) reads it, for a demo pack whose codes are drawn from a seeded generator."""
    result = demo_pack(folder, clinics, periods, meeting, lang)
    texts = {"group": page_texts(result.group.read_bytes())}
    texts.update({k: page_texts(p.read_bytes()) for k, p in sorted(result.personal.items())})
    return texts


def demo_pack(folder: Path, clinics: int, periods: int, meeting: str, lang: str) -> PackResult:
    """The demo pack of one case (with an action and notes, codes drawn from a seeded generator)."""
    path = build_demo(folder / "demo.klynge", clinics=clinics, periods=periods)
    with Project.open(path) as project:
        keys = [c.key for c in project.clinics()]
        project.add_action(keys[2], "Gennemgå alle tramadolbrugere over 75 år", indicator="tramadol_pr1000")
        project.add_note("Morfin er talt fra journalen i juni.", clinic=keys[2], measure="morfin_brugere")
        project.add_note("Listestørrelsen er talt 1. juli.", clinic=keys[4], measure="tramadol_brugere",
                         audience="group")
        project.add_note("Alle tal er trukket fra Ordiprax i august.", audience="group")
        if project.draw(meeting) is None:   # the demo's first meeting has its draw (from the demo's seed)
            draw_codes(project, meeting, rng=random.Random(17))   # type: ignore[arg-type]
        return build_pack(project, meeting, folder / "out", lang=lang)


def main() -> None:
    out = {}
    for name, clinics, periods, meeting, lang in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.process_time()
            out[name] = pack_texts(Path(tmp), clinics, periods, meeting, lang)
            print(name, f"{time.process_time() - start:.1f} s CPU")
    REFERENCE.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
