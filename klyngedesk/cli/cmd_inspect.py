"""`klyngedesk inspect FILE... [--json] [--values]`: what the importer sees in each file; writes nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, EXIT_REFUSED, emit_json
from klyngedesk.core.cpr import redact
from klyngedesk.core.formatting import format_number
from klyngedesk.core.ingest import inspect_file
from klyngedesk.i18n import current_language, tr

_TYPE_WORDS = {"number": "numbers", "percent": "percentages", "date": "dates", "text": "text", "empty": "empty"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help=tr("what the importer sees in each file; writes nothing"))
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    p.add_argument("--values", action="store_true", help=tr("include the parsed cell values"))
    p.add_argument("--sheet", default=None, help=tr("read this sheet (also a hidden one)"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lang = current_language()
    reports = [inspect_file(path, sheet=args.sheet) for path in args.files]
    # Exit 1 when a file is refused or fails a check, e.g. numbers that can be read two ways (CLI.md), after
    # reporting every file.
    failed = any(r.refused or any(p.severity == "error" for p in r.problems) for r in reports)
    code = EXIT_REFUSED if failed else EXIT_OK
    if args.json:
        emit_json({"files": [r.to_json(values=args.values, lang=lang) for r in reports]})
        return code
    for report in reports:
        print(redact(report.path.name))
        if report.refused:
            print("  " + tr("Refused: {message}", message=report.refusal.message(lang) if report.refusal else ""))
            continue
        where = report.format or ""
        if report.encoding:
            where += f", {report.encoding}"
        if report.delimiter:
            where += ", " + tr("delimiter {delimiter}", delimiter=repr(report.delimiter))
        print(f"  {where}")
        for table in report.tables:
            counts = {"row": table.header_row, "n": format_number(table.n_rows, 0, lang),
                      "excluded": len(table.excluded)}
            if table.title:
                print("  " + " / ".join(table.title))
            if not table.header_row:
                line = tr("No header row, {n} data rows, {excluded} rows left out", **counts)
            else:
                line = tr("Header in row {row}, {n} data rows, {excluded} rows left out", **counts)
            print("  " + (tr("Sheet {sheet}: {table}", sheet=table.sheet, table=line[0].lower() + line[1:])
                          if table.sheet is not None else line))
            print("    " + ", ".join(f"{c} ({tr(_TYPE_WORDS[t])})" for c, t in table.column_types.items()))
        for problem in report.problems:   # said as the import says it: a warning is marked, an error stops it
            text = problem.message(None, lang)
            print("  " + tr("Warning: {text}" if problem.severity == "warning" else "Error: {text}", lang, text=text))
    return code
