"""`klyngedesk import PROJECT FILE... [--topic T] [--period P] [--mapping NAME] [--dry-run] [--yes] [--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, EXIT_REFUSED, emit_json, say
from klyngedesk.core.ingest import commit_plan, plan_import
from klyngedesk.core.store import Project
from klyngedesk.i18n import current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help=tr("imports files as batches"))
    p.add_argument("project", type=Path)
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--topic", default=None, help=tr("only the measures of this topic"))
    p.add_argument("--period", default=None, help=tr("the period, when the file does not say"))
    p.add_argument("--mapping", default=None, help=tr("use (or save) the mapping profile with this name"))
    p.add_argument("--clinic", default=None, help=tr("the clinic, when a single-clinic file does not say"))
    p.add_argument("--dry-run", action="store_true", help=tr("check only; write nothing"))
    p.add_argument("--yes", action="store_true", help=tr("answer yes to every confirmation"))
    p.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lang = current_language()
    with Project.open(args.project, readonly=args.dry_run) as project:
        known = {p["name"] for p in project.mapping_profiles()}
        project_measures = {m.key: m.title for t in project.topics() for m in t.measures}
        plan = plan_import(project, args.files, topic=args.topic, period=args.period,
                           mapping=args.mapping if args.mapping in known else None, clinic=args.clinic,
                           confirm=args.yes)
        if args.mapping and args.mapping not in known:
            say("There is no saved mapping called {name}; saved mappings: {names}. A mapping KlyngeDesk "
                "recognises in the file is saved under this name.", name=args.mapping,
                names=", ".join(sorted(known)) or tr("none yet"))
            for fp in plan.files:
                if fp.mapping is not None and fp.mapping.name is None:
                    fp.mapping.name = args.mapping
        if plan.ok and not args.dry_run:
            commit_plan(project, plan, save_profile=args.mapping if args.mapping not in known else None)
    for fp in plan.files:
        for problem in fp.problems:
            if problem.severity == "warning":
                say("{message}", message=tr("Warning: {text}", text=problem.message(fp.name, lang)))
        if fp.status in ("refused", "failed"):
            say("{message}", message=fp.message(lang) or "")
            for problem in [p for p in fp.problems if p.severity == "error"][1:]:
                say("{message}", message=problem.message(fp.name, lang))
            _say_suggestions(fp, project_measures)
        elif fp.status == "questions":
            for q in fp.questions:
                say("{message}", message=tr("{file}: needs confirmation: {question}", file=fp.name,
                                            question=tr(q.msgid, lang, **q.params)))
        elif fp.status == "duplicate":
            say("{message}", message=fp.message(lang) or "")
        elif args.dry_run or fp.batch is None:  # ready, but another file stopped the import: nothing stored
            say("{file}: {n} values can be imported (nothing written).", file=fp.name, n=len(fp.values))
        else:
            say("{file}: {n} values imported as batch {batch}.", file=fp.name, n=len(fp.values), batch=fp.batch)
    failed = any(fp.status in ("refused", "failed") for fp in plan.files)
    if args.dry_run and not failed:
        say("Checked; nothing was written.")
    elif not plan.ok:
        say("Nothing was imported." if failed else
            "Nothing was imported. Answer the questions with --yes, or change the files.")
    if args.json:
        stored = any(fp.batch for fp in plan.files)  # a file seen before (same SHA-256) stores nothing
        emit_json({"dry_run": args.dry_run, "imported": plan.ok and not args.dry_run and stored,
                   "files": [fp.to_json(lang) for fp in plan.files]})
    # A dry run fails only on refusals and errors; open questions are reported, not failed.
    return EXIT_REFUSED if failed or (not plan.ok and not args.dry_run) else EXIT_OK


def _say_suggestions(fp, measures: dict[str, str]) -> None:
    """Proposals for a file no mapping fitted: which column looks like which measure (to check, then map)."""
    if not fp.suggestions:
        return
    roles = {"@yder": tr("yder number"), "@name": tr("clinic name"), "@period": tr("period")}
    say("{file}: suggested mapping (check it; nothing was imported from it):", file=fp.name)
    for column, role in fp.suggestions.items():
        target = roles.get(role) or f"{role} ({measures.get(role, role)})"
        say("  {column} -> {target}", column=column, target=target)


def selftest_step(folder: Path, project_path: Path) -> None:
    """`--selftest`: import a generated standard-format file into the self-test project and read it back."""
    from klyngedesk.core.ingest.standard_format import write_standard_csv

    with Project.open(project_path) as project:
        period = project.periods()[-1].key
        rows = [(c.yder, c.name, "kol_patienter", period, 100 + i) for i, c in enumerate(project.clinics())]
        path = write_standard_csv(folder / "selftest_standard.csv", rows)
        plan = plan_import(project, [path], confirm=True)
        if not plan.ok:
            raise RuntimeError(plan.files[0].message("en") or plan.files[0].status)
        [batch] = commit_plan(project, plan)
        stored = project.values(period=period).query("batch_id == @batch")
        if len(stored) != len(rows) or sorted(stored.value) != sorted(float(r[4]) for r in rows):
            raise RuntimeError("imported values differ from the file")
