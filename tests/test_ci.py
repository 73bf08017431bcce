"""CI runs exactly the README's test command, and that command runs every check."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _readme_test_command() -> str:
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    commands = [line for b in blocks for line in b.splitlines() if "pytest" in line and "pip install" in line]
    assert len(commands) == 1, commands
    return commands[0].strip()


def test_ci_runs_the_readme_command_verbatim() -> None:
    command = _readme_test_command()
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for check in ("ruff check", "lint-imports", "mypy", "pytest"):
        assert check in command
