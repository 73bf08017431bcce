"""`klyngedesk info PROJECT [--json]`: a summary of a project file."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, emit_json
from klyngedesk.core.formatting import format_date, format_number
from klyngedesk.core.store import Project
from klyngedesk.i18n import current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help=tr("summary of a project file"))
    p.add_argument("project", type=Path)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    p.set_defaults(run=run)


def project_summary(project: Project) -> dict:
    """The `info --json` shape from CLI.md."""
    cluster = project.cluster()
    return {
        "cluster": {"name": cluster.name, "municipality": cluster.municipality, "region": cluster.region},
        "clinics": [{"key": c.key, "name": c.name, "yder": c.yder, "doctors": list(c.doctors),
                     "address": c.address, "email": c.email, "ehr_system": c.ehr_system}
                    for c in project.clinics()],
        "periods": [{"key": p.key, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}
                    for p in project.periods()],
        "topics": [{"key": t.key, "title": t.title,
                    "measures": [{"key": m.key, "title": m.title} for m in t.measures],
                    "indicators": [{"key": i.key, "title": i.title, "unit": i.unit} for i in t.indicators]}
                   for t in project.topics()],
        "meetings": [{"key": m.key, "date": m.date.isoformat(), "title": m.title} for m in project.meetings()],
        "values": project.value_count(),
    }


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, readonly=True) as project:
        summary = project_summary(project)
        meetings = project.meetings()
    if args.json:
        emit_json(summary)
        return EXIT_OK
    lang = current_language()
    lines = [
        f"{summary['cluster']['name']} — {summary['cluster']['municipality']}",
        tr("Clinics: {n}", n=len(summary["clinics"])),
        tr("Doctors: {n}", n=sum(len(c["doctors"]) for c in summary["clinics"])),
        tr("Periods: {names}", names=", ".join(p["label"] for p in summary["periods"]) or "–"),
        tr("Topics: {names}", names=", ".join(t["title"] for t in summary["topics"]) or "–"),
        tr("Meetings: {names}", names="; ".join(f"{format_date(m.date, lang)} {m.title}" for m in meetings) or "–"),
        tr("Values stored: {n}", n=format_number(summary["values"], 0, lang)),
    ]
    print("\n".join(lines))
    return EXIT_OK
