"""`klyngedesk pack PROJECT --meeting M --out DIR [--lang da|en] [--encrypt --password-sheets PDF] [--json]
[--report]`: write the meeting pack (or, with --report, only say which clinics could be singled out)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, emit_json, say
from klyngedesk.core.anonymise.disclosure_report import disclosure_report
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
from klyngedesk.i18n import LANGUAGES, KlyngeError, current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pack", help=tr("write the meeting pack (group handout, personal handouts, key)"))
    p.add_argument("project", type=Path)
    p.add_argument("--meeting", required=True, help=tr("the meeting key, e.g. 2026-12"))
    p.add_argument("--out", required=True, type=Path, help=tr("folder to write the pack folder into"))
    # A distinct dest: the global --lang (before the command) must not be reset by this one's default.
    p.add_argument("--lang", dest="pack_lang", choices=LANGUAGES, default=None,
                   help=tr("language of the handouts (default: the message language, Danish)"))
    p.add_argument("--encrypt", action="store_true",
                   help=tr("protect each personal handout with its own password (printed on the password sheets)"))
    p.add_argument("--password-sheets", type=Path, default=None,
                   help=tr("with --encrypt: where to save the password sheets to print (not in the pack folder)"))
    p.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    p.add_argument("--report", action="store_true",
                   help=tr("only say which clinics could be singled out, and the choices; write nothing"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lang = args.pack_lang or getattr(args, "lang", None) or current_language()
    if args.report:
        with Project.open(args.project, readonly=True) as project:
            report = disclosure_report(project, args.meeting, lang)
        for line in report.lines(lang):
            print(line, file=sys.stderr)
        if args.json:
            emit_json(report.to_json())
        return EXIT_OK
    if args.encrypt and args.password_sheets is None:
        raise KlyngeError("--encrypt needs --password-sheets FILE.pdf: the passwords are printed from that file, "
                          "kept apart from the pack folder.")
    with Project.open(args.project) as project:
        result = build_pack(project, args.meeting, args.out, lang=lang, encrypt=args.encrypt,
                            password_sheets=args.password_sheets if args.encrypt else None)
    if result.disclosure is not None:
        for line in result.disclosure.lines(lang):
            print(line, file=sys.stderr)
    if result.codes_drawn:
        say("Codes were drawn for the meeting {key}.", key=args.meeting)
    say("The pack for {key} is in {folder}: group handout, key, {n} personal handouts and a print-all file.",
        key=args.meeting, folder=str(result.folder), n=len(result.personal))
    if result.passwords:
        say("Each personal handout has its own password; print the password sheets in {path} and keep them apart "
            "from the files.", path=str(result.password_sheets_path))
    say("The codes for {key} are now frozen.", key=args.meeting)
    if args.json:
        emit_json(result.to_json())
    return EXIT_OK


def _unpadded_pages(path: Path, password: str) -> int:
    """Pages of a personal handout without the blank page that makes its own file whole duplex sheets."""
    import pypdfium2

    from klyngedesk.i18n import tr

    document = pypdfium2.PdfDocument(str(path), password=password)
    try:
        count = len(document)
        last = document[count - 1].get_textpage().get_text_range()
        return count - 1 if tr("This page is intentionally blank.", "da") in last else count
    finally:
        document.close()


def selftest_step(folder: Path, project_path: Path) -> None:
    """Selftest: print the December pack (encrypted) and open every file; raises on any problem."""
    import pikepdf

    with Project.open(project_path) as project:
        result = build_pack(project, "2026-12", folder / "pack", lang="da", encrypt=True,
                            password_sheets=folder / "adgangskoder.pdf")
        if not project.draw("2026-12")["frozen_at"]:
            raise RuntimeError("the pack did not freeze the codes")
    with pikepdf.open(result.group) as pdf:
        pages = 2 + len(pdf.pages) + len(pdf.pages) % 2      # the front sheet, the group handout on whole sheets
    for clinic, path in result.personal.items():
        handout = _unpadded_pages(path, result.passwords[clinic])
        pages += handout + 1 + (handout + 1) % 2              # the cover, the handout from its back, whole sheets
    for path in (result.merged, result.key):
        with pikepdf.open(path, password=result.print_all_password or "") as pdf:
            if path == result.merged and len(pdf.pages) != pages:
                raise RuntimeError(f"print-all file has {len(pdf.pages)} pages, expected {pages}")
