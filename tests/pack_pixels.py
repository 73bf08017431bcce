"""Every page of every pack file (demo packs and the seeded clusters) as PNG and text, to compare before/after.

Speed work on the rendering must not change what is printed. Take a snapshot before the change and one after,
then compare them (from the repository root; pdftoppm from poppler-utils):

    .venv/bin/python -m tests.pack_pixels snapshot /tmp/before   # on the code before
    .venv/bin/python -m tests.pack_pixels snapshot /tmp/after    # on the code after
    .venv/bin/python -m tests.pack_pixels compare /tmp/before /tmp/after

A snapshot renders the three demo packs of tests/reference/make_pack_texts.py and every cluster of
tests/pack_clusters.py (codes drawn from a seeded generator, the clock fixed for the key's dates), each whole
pack: group handout, every personal handout, the print-all file and the key. Each page is rasterised at 60 dpi
(`pdftoppm -r 60`) and read back as text (the project's pdfium reader); `compare` names every page whose pixels
or text differ, and the files whose bytes or sizes differ though every page is the same (invisible changes).
A snapshot runs with PYTHONHASHSEED=0 (it starts itself again so): the new-indicator clusters' figures come
from str hashes, which differ from process to process otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from klyngedesk.core.store import Project

FIXED_NOW = "2026-12-02T08:00:00+00:00"
MEETING = "2026-12"


def _fix_clock() -> None:
    """Every module's `now_iso` (the key prints when the codes were drawn and the pack printed) returns one time."""
    import klyngedesk.core.anonymise.codes  # noqa: F401  (loaded, so that its clock is fixed too)
    import klyngedesk.core.render.pack  # noqa: F401
    from klyngedesk.core.store import connection

    real = connection.now_iso
    for module in list(sys.modules.values()):
        if getattr(module, "now_iso", None) is real:
            module.now_iso = lambda: FIXED_NOW   # type: ignore[attr-defined]


def _cases() -> list[tuple[str, str]]:
    from tests.pack_clusters import CLUSTERS
    from tests.reference.make_pack_texts import CASES

    return [*((c[0], c[4]) for c in CASES), *((name, c[2]) for name, c in CLUSTERS.items())]


def _pack(folder: Path, name: str) -> Path:
    """The case's pack folder, written under `folder`."""
    from klyngedesk.core.anonymise import draw_codes
    from klyngedesk.core.anonymise.leak import IdentityLeak
    from klyngedesk.core.render.pack import build_pack
    from klyngedesk.core.store import Project
    from tests.pack_clusters import CLUSTERS, build_cluster
    from tests.reference.make_pack_texts import CASES, demo_pack

    reference = {c[0]: c for c in CASES}
    if name in reference:
        _, clinics, periods, meeting, lang = reference[name]
        return demo_pack(folder, clinics, periods, meeting, lang).folder
    _, _, lang, seed, _ = CLUSTERS[name]
    path = build_cluster(folder, name)
    with Project.open(path) as project:
        if project.draw(MEETING) is None:
            draw_codes(project, MEETING, rng=random.Random(seed))   # type: ignore[arg-type]
        try:
            return build_pack(project, MEETING, folder / "out", lang=lang).folder
        except IdentityLeak as stop:   # the leak check stops it: its handouts drawn without the check
            return _unchecked(project, lang, folder / "unchecked", str(stop))


def _unchecked(project: Project, lang: str, folder: Path, stop: str) -> Path:
    """The group handout and every personal handout of a pack the leak check stopped, rendered as the pack
    would, with the reason it stopped (`stopped.txt`, compared as well)."""
    from klyngedesk.core.render.group_handout import render_group
    from klyngedesk.core.render.pack import _Pack
    from klyngedesk.core.render.personal_handout import render_personal

    pack = _Pack(project, MEETING, lang)
    (folder / "personal").mkdir(parents=True)
    (folder / "stopped.txt").write_text(stop, encoding="utf-8")
    render_group(folder / "group.pdf", pack.group_materials(), pack.meeting, pack.cluster_name, lang,
                 general_notes=pack.group_notes()[1])
    for clinic in sorted(pack.codes):
        render_personal(folder / "personal" / f"{clinic}.pdf", pack.personal_material(clinic), pack.meeting,
                        pack.cluster_name, lang)
    return folder


def _pages(pdf: Path, into: Path) -> list[str]:
    """The PDF's pages rasterised at 60 dpi into `into`; returns the PNGs' sha256, page by page."""
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(into / "p")], check=True)
    return [hashlib.sha256(png.read_bytes()).hexdigest() for png in sorted(into.glob("p-*.png"))]


def snapshot(out: Path, only: list[str] | None = None) -> None:
    """Render every case and write its pages (PNG), texts and hashes under `out` (manifest.json)."""
    from klyngedesk.core.render.leakscan import page_texts

    _fix_clock()
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, dict]] = {}
    for name, _lang in _cases():
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory(prefix="pack-pixels-") as tmp:
            folder = _pack(Path(tmp), name)
            files = {}
            for pdf in sorted(folder.rglob("*.pdf")):
                rel = str(pdf.relative_to(folder))
                data = pdf.read_bytes()
                files[rel] = {"pixels": _pages(pdf, out / name / f"{rel}.pages"), "texts": page_texts(data),
                              "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            stopped = folder / "stopped.txt"
            if stopped.exists():
                files["stopped.txt"] = {"pixels": [], "texts": [stopped.read_text(encoding="utf-8")], "bytes": 0,
                                        "sha256": ""}
            manifest[name] = files
        print(f"{name}: {len(files)} files, {sum(len(f['pixels']) for f in files.values())} pages", flush=True)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    """Print every difference between two snapshots; 0 if every page of every file is the same."""
    old = json.loads((before / "manifest.json").read_text(encoding="utf-8"))
    new = json.loads((after / "manifest.json").read_text(encoding="utf-8"))
    differ, pages, invisible = 0, 0, []
    size_old = size_new = 0
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            print(f"{name}: only in {'the snapshot after' if name in new else 'the snapshot before'}")
            differ += 1
            continue
        a, b = old[name], new[name]
        if sorted(a) != sorted(b):
            print(f"{name}: other files: {sorted(set(a) ^ set(b))}")
            differ += 1
        for rel in sorted(set(a) & set(b)):
            fa, fb = a[rel], b[rel]
            size_old, size_new = size_old + fa["bytes"], size_new + fb["bytes"]
            if len(fa["pixels"]) != len(fb["pixels"]) or len(fa["texts"]) != len(fb["texts"]):
                print(f"{name} / {rel}: {len(fb['pixels'])} pages, were {len(fa['pixels'])}")
                differ += 1
                continue
            for i, (pa, pb, ta, tb) in enumerate(zip(fa["pixels"], fb["pixels"], fa["texts"], fb["texts"],
                                                     strict=True), start=1):
                pages += 1
                if pa != pb:
                    print(f"{name} / {rel} page {i}: other pixels")
                    differ += 1
                if ta != tb:
                    print(f"{name} / {rel} page {i}: other text")
                    differ += 1
            if fa["sha256"] != fb["sha256"]:
                invisible.append(f"{name} / {rel} ({fa['bytes']} -> {fb['bytes']} bytes)")
    print(f"{pages} pages compared, {differ} differences; files {size_old:,} -> {size_new:,} bytes in all")
    if invisible:
        print(f"{len(invisible)} files differ in their bytes with every page the same, e.g. {invisible[0]}")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.pack_pixels")
    sub = parser.add_subparsers(dest="command", required=True)
    shot = sub.add_parser("snapshot")
    shot.add_argument("out", type=Path)
    shot.add_argument("--only", nargs="+", help="these cases only")
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "snapshot" and os.environ.get("PYTHONHASHSEED") != "0":
        # a cluster's figures may come from str hashes (tests/pack_clusters.py new_indicator): one seed for
        # every snapshot, or two snapshots of the same code print other figures
        os.execve(sys.executable, [sys.executable, "-m", "tests.pack_pixels", *(argv or sys.argv[1:])],
                  {**os.environ, "PYTHONHASHSEED": "0"})
    if args.command == "snapshot":
        snapshot(args.out, args.only)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
