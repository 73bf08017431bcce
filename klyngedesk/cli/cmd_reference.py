"""`klyngedesk reference list|add|import ...`: the region/national reference values of a project."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, emit_json, say
from klyngedesk.core.formatting import format_number
from klyngedesk.core.references import SCOPES, add_reference_value, import_references
from klyngedesk.core.store import Project
from klyngedesk.i18n import current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reference", help=tr("region and national reference values: list, add, import"))
    actions = p.add_subparsers(dest="reference_action", metavar=tr("ACTION"), required=True)
    show = actions.add_parser("list", help=tr("the reference values of a project"))
    show.add_argument("project", type=Path)
    show.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    show.set_defaults(run=run_list)
    add = actions.add_parser("add", help=tr("type in one reference value"))
    add.add_argument("project", type=Path)
    add.add_argument("--indicator", required=True, help=tr("indicator key, e.g. ab_pr1000"))
    add.add_argument("--scope", required=True, choices=SCOPES, help=tr("region or national"))
    add.add_argument("--value", required=True, help=tr("the value, e.g. 377,5"))
    add.add_argument("--source", required=True, help=tr("who published the value"))
    add.add_argument("--period", help=tr("the period the value belongs to (default: any)"))
    add.add_argument("--date", help=tr("when the value was looked up, YYYY-MM-DD (default today)"))
    add.set_defaults(run=run_add)
    read = actions.add_parser("import", help=tr("read reference values from a CSV or xlsx file"))
    read.add_argument("project", type=Path)
    read.add_argument("file", type=Path)
    read.set_defaults(run=run_import)


def run_list(args: argparse.Namespace) -> int:
    with Project.open(args.project, readonly=True) as project:
        refs = project.references()
    if args.json:
        emit_json({"references": [{"indicator": r.indicator, "scope": r.scope, "value": r.value, "source": r.source,
                                   "period": r.period, "recorded": r.recorded} for r in refs]})
        return EXIT_OK
    lang = current_language()
    for r in refs:
        print(f"{r.indicator}\t{r.scope}\t{format_number(r.value, 1, lang)}\t{r.period or '–'}\t{r.recorded}\t{r.source}")
    return EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        add_reference_value(project, args.indicator, args.scope, args.value, args.source, period=args.period,
                            recorded=args.date)
    say("The reference value for {indicator} is stored.", indicator=args.indicator)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    with Project.open(args.project) as project:
        refs = import_references(project, args.file)
    say("{n} reference values imported from {file}.", n=len(refs), file=args.file.name)
    return EXIT_OK
