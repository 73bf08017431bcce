"""Which of some modules a CLI command loads: the command run in a fresh interpreter that reports them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from klyngedesk.core.model import Clinic


def modules_loaded(watched: tuple[str, ...], *argv: str) -> dict:
    """{"code": the command's exit code, "loaded": the watched modules it imported, sorted}."""
    probe = ("import json, sys\nfrom klyngedesk.cli.main import main\ncode = main(sys.argv[1:])\n"
             f"print(json.dumps({{'code': code, 'loaded': sorted(m for m in {watched!r} if m in sys.modules)}}))")
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def small_demo(folder: Path) -> tuple[Path, Clinic, str, str]:
    """A 3-clinic demo project, its first clinic, latest period and first measure (a file's one row to import)."""
    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project

    project = build_demo(folder / "demo.klynge", clinics=3)
    with Project.open(project, readonly=True) as p:
        return project, p.clinics()[0], p.periods()[-1].key, p.topics()[0].indicators[0].numerator
