"""`klyngedesk --selftest`: run the headless pipeline on a temporary demo cluster and print one line."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from klyngedesk import __version__
from klyngedesk.cli.cmd_collate import selftest_step as selftest_collate
from klyngedesk.cli.cmd_import import selftest_step as selftest_import
from klyngedesk.cli.cmd_pack import selftest_step as selftest_pack
from klyngedesk.cli.cmd_template import selftest_step as selftest_template
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project
from klyngedesk.i18n import tr

# Steps take the temporary folder and the project path and raise on failure. Later pipeline
# stages (import, pack) append their own step here.
Step = Callable[[Path, Path], None]


def _step_demo(folder: Path, project_path: Path) -> None:
    build_demo(project_path)


def _step_reopen(folder: Path, project_path: Path) -> None:
    with Project.open(project_path) as project:
        if len(project.clinics()) < 12 or len(project.periods()) < 2 or project.value_count() == 0:
            raise RuntimeError("demo cluster incomplete")


STEPS: list[tuple[str, Step]] = [("demo", _step_demo), ("reopen", _step_reopen)]
STEPS.append(("import", selftest_import))  # import a generated standard-format file
STEPS.append(("template", selftest_template))  # a filled data-collection template reads back
STEPS.append(("collate", selftest_collate))  # collate every topic; anonymised meeting table is leak-free
STEPS.append(("pack", selftest_pack))  # print the December pack with passwords; every PDF opens


def run_selftest() -> int:
    started = time.perf_counter()
    if hasattr(sys.stdout, "reconfigure"):  # a Windows console may not encode every Danish letter
        sys.stdout.reconfigure(errors="replace")
    # ignore_cleanup_errors: Windows refuses to delete a file a failed step left open.
    with tempfile.TemporaryDirectory(prefix="klyngedesk-selftest-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        project_path = folder / "selftest.klynge"
        for name, step in STEPS:
            try:
                step(folder, project_path)
            except Exception as exc:  # one line, whatever broke
                print(tr("KlyngeDesk {version} selftest FAILED at {step}: {error}", version=__version__,
                         step=name, error=" ".join(f"{type(exc).__name__}: {exc}".split())))
                sys.stdout.flush()
                return 1
    print(tr("KlyngeDesk {version} selftest ok ({steps}) in {seconds} s", version=__version__,
             steps=", ".join(n for n, _ in STEPS), seconds=f"{time.perf_counter() - started:.1f}"))
    sys.stdout.flush()
    return 0
