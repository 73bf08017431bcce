"""`klyngedesk demo PATH`: write the demo cluster project file."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, say
from klyngedesk.core.demo import build_demo
from klyngedesk.i18n import KlyngeError, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help=tr("write the demo cluster project file"))
    p.add_argument("path", type=Path, help=tr("where to write the .klynge file"))
    p.add_argument("--clinics", type=int, default=14, help=tr("number of clinics (default 14, up to 1700)"))
    p.add_argument("--periods", type=int, default=2, help=tr("number of half-year periods (default 2, up to 12)"))
    p.add_argument("--seed", type=int, default=2026, help=tr("random seed (default 2026)"))
    p.add_argument("--force", action="store_true", help=tr("overwrite an existing file"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.clinics <= 5000 or not 1 <= args.periods <= 40:
        raise KlyngeError("Choose 1-5000 clinics and 1-40 periods.")
    if args.force and args.path.exists():
        args.path.unlink()
    build_demo(args.path, clinics=args.clinics, periods=args.periods, seed=args.seed)
    say("Demo cluster written to {path}.", path=str(args.path))
    return EXIT_OK
