"""`klyngedesk template PROJECT --topic T --period P --out FILE.xlsx [--clinic C]`: a data-collection template."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, say
from klyngedesk.core.store import Project
from klyngedesk.core.templates import make_clinic_templates, make_template
from klyngedesk.i18n import KlyngeError, current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help=tr("write a data-collection template (xlsx)"))
    p.add_argument("project", type=Path)
    p.add_argument("--topic", required=True, help=tr("topic key, e.g. smerter"))
    p.add_argument("--period", required=True, help=tr("period key, e.g. 2026H1"))
    p.add_argument("--out", required=True, type=Path,
                   help=tr("the .xlsx file to write; with --each-clinic a folder for one file per clinic"))
    p.add_argument("--clinic", help=tr("clinic key or yder number: a template for that clinic only"))
    p.add_argument("--each-clinic", action="store_true", help=tr("one template per active clinic, in the folder --out"))
    p.add_argument("--force", action="store_true", help=tr("overwrite an existing file"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lang = current_language()
    if args.each_clinic and args.clinic:
        raise KlyngeError("Choose either --clinic or --each-clinic.")
    if not args.each_clinic:
        if args.out.suffix.lower() != ".xlsx":
            raise KlyngeError("The template must be an .xlsx file: {path}", path=str(args.out))
        if not args.out.parent.is_dir():
            raise KlyngeError("The folder {path} does not exist.", path=str(args.out.parent))
        if args.out.exists() and not args.force:  # it may be a template a clinic has already filled in
            raise KlyngeError("The file {path} already exists; nothing was written (--force overwrites it).",
                              path=str(args.out))
    with Project.open(args.project, readonly=True) as project:
        if args.each_clinic:
            written = make_clinic_templates(project, args.topic, args.period, args.out, lang=lang)
            say("{n} templates written to {path}.", n=len(written), path=str(args.out))
            return EXIT_OK
        make_template(project, args.topic, args.period, args.out, clinic=args.clinic, lang=lang)
    say("Template written to {path}.", path=str(args.out))
    return EXIT_OK


def selftest_step(folder: Path, project_path: Path) -> None:
    """Selftest: a clinic's template, filled in, reads back through the importer with no questions."""
    from openpyxl import load_workbook

    from klyngedesk.core.ingest import plan_import

    with Project.open(project_path) as project:
        clinic, period = project.clinics()[0], project.periods()[-1]
        path = make_template(project, "kol", period.key, folder / "selftest-skabelon.xlsx", clinic=clinic.key)
        wb = load_workbook(path)
        for n, row in enumerate(wb["Data"].iter_rows(min_row=2), start=1):
            row[4].value = 100 // n
        wb.save(path)
        plan = plan_import(project, [path], confirm=True)
        if not plan.ok or len(plan.files[0].values) != len(project.topic("kol").measures):
            raise RuntimeError(plan.files[0].message("en") or "the filled template did not read back")
