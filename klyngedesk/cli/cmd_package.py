"""`klyngedesk package list|check|export|import ...`: topic packages (klyngepakker) in and out of a project."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, EXIT_REFUSED, emit_json, say
from klyngedesk.core.packages import (
    builtin_packages,
    export_package,
    import_package,
    package_from_project,
    package_json,
    package_summary,
    read_package,
)
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("package", help=tr("topic packages: list, check, export, import"))
    actions = p.add_subparsers(dest="package_action", metavar=tr("ACTION"), required=True)
    show = actions.add_parser("list", help=tr("the built-in packages, or the topics of a project"))
    show.add_argument("project", nargs="?", type=Path)
    show.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    show.set_defaults(run=run_list)
    check = actions.add_parser("check", help=tr("check package files without importing them"))
    check.add_argument("files", nargs="+", type=Path)
    check.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    check.set_defaults(run=run_check)
    out = actions.add_parser("export", help=tr("write a project's topic (or a built-in one) as a package file"))
    out.add_argument("project", nargs="?", type=Path)
    out.add_argument("--topic", required=True, help=tr("topic key, e.g. smerter"))
    out.add_argument("--out", required=True, type=Path, help=tr("the .json file to write"))
    out.add_argument("--builtin", action="store_true", help=tr("export the built-in package, not a project's"))
    out.set_defaults(run=run_export)
    into = actions.add_parser("import", help=tr("add the topics of package files to a project"))
    into.add_argument("project", type=Path)
    into.add_argument("files", nargs="+", type=Path)
    into.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    into.set_defaults(run=run_import)


def run_list(args: argparse.Namespace) -> int:
    if args.project:
        with Project.open(args.project, readonly=True) as project:
            rows = [package_summary(package_from_project(project, t.key)) for t in project.topics()]
    else:
        rows = [package_summary(p) for p in builtin_packages()]
    if args.json:
        emit_json({"packages": rows})
    else:
        for r in rows:
            print(tr("{key}: {title} ({measures} measures, {indicators} indicators, {targets} targets)", **r))
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    results = []
    for path in args.files:
        try:
            results.append({"path": str(path), "status": "ok", "message": None,
                            **package_summary(read_package(path))})
        except KlyngeError as error:
            results.append({"path": str(path), "status": "refused", "message": error.message()})
    if args.json:
        emit_json({"files": results})
    for r in results:
        if r["status"] == "ok":
            say("{file}: a sound package ({title}).", file=Path(r["path"]).name, title=r["title"])
        else:
            print(r["message"], file=sys.stderr)
    return EXIT_OK if all(r["status"] == "ok" for r in results) else EXIT_REFUSED


def run_export(args: argparse.Namespace) -> int:
    if not args.out.parent.is_dir():
        raise KlyngeError("The folder {path} does not exist.", path=str(args.out.parent))
    if args.builtin:
        data = next((p for p in builtin_packages() if p["topic"]["key"] == args.topic), None)
        if data is None:
            raise KlyngeError("Unknown topic {key}.", key=args.topic)
        args.out.write_text(package_json(data), encoding="utf-8")
    else:
        if args.project is None:
            raise KlyngeError("Name the project to export from, or use --builtin.")
        with Project.open(args.project, readonly=True) as project:
            export_package(project, args.topic, args.out)
    say("The topic package is written to {path}.", path=str(args.out))
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    packages = [(path, read_package(path)) for path in args.files]  # every file is checked before any import
    imported = []
    with Project.open(args.project) as project, project.transaction():
        for path, data in packages:
            topic = import_package(project, data, source=path.name)
            imported.append({"path": str(path), "topic": topic.key, "title": topic.title,
                             "measures": len(topic.measures), "indicators": len(topic.indicators)})
    for r in imported:
        say("Imported the topic {title} ({key}) from {file}.", title=r["title"], key=r["topic"],
            file=Path(r["path"]).name)
    if args.json:
        emit_json({"imported": imported})
    return EXIT_OK
