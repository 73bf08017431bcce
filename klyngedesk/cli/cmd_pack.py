"""`klyngedesk pack PROJECT --meeting M --out DIR [--lang da|en] [--encrypt] [--json]`: write the meeting pack."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, emit_json, say
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
from klyngedesk.i18n import LANGUAGES, current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pack", help=tr("write the meeting pack (group handout, personal handouts, key)"))
    p.add_argument("project", type=Path)
    p.add_argument("--meeting", required=True, help=tr("the meeting key, e.g. 2026-12"))
    p.add_argument("--out", required=True, type=Path, help=tr("folder to write the pack folder into"))
    # A distinct dest: the global --lang (before the command) must not be reset by this one's default.
    p.add_argument("--lang", dest="pack_lang", choices=LANGUAGES, default=None,
                   help=tr("language of the handouts (default: the message language, Danish)"))
    p.add_argument("--encrypt", action="store_true",
                   help=tr("protect each personal handout with its own password (listed only in the key)"))
    p.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lang = args.pack_lang or getattr(args, "lang", None) or current_language()
    with Project.open(args.project) as project:
        result = build_pack(project, args.meeting, args.out, lang=lang, encrypt=args.encrypt)
    if result.codes_drawn:
        say("Codes were drawn for the meeting {key}.", key=args.meeting)
    say("The pack for {key} is in {folder}: group handout, key, {n} personal handouts and a print-all file.",
        key=args.meeting, folder=str(result.folder), n=len(result.personal))
    if result.passwords:
        say("Each personal handout has its own password; the passwords are listed only in the key.")
    say("The codes for {key} are now frozen.", key=args.meeting)
    if args.json:
        emit_json(result.to_json())
    return EXIT_OK


def selftest_step(folder: Path, project_path: Path) -> None:
    """Selftest: print the December pack (encrypted) and open every file; raises on any problem."""
    import pikepdf

    with Project.open(project_path) as project:
        result = build_pack(project, "2026-12", folder / "pack", lang="da", encrypt=True)
        if not project.draw("2026-12")["frozen_at"]:
            raise RuntimeError("the pack did not freeze the codes")
    pages = 0
    for path in (result.group, result.key):
        with pikepdf.open(path) as pdf:
            pages += len(pdf.pages) if path == result.group else 0
    for clinic, path in result.personal.items():
        with pikepdf.open(path, password=result.passwords[clinic]) as pdf:
            pages += len(pdf.pages)
    with pikepdf.open(result.merged, password=result.print_all_password or "") as pdf:
        if len(pdf.pages) != pages:
            raise RuntimeError(f"print-all file has {len(pdf.pages)} pages, expected {pages}")
