"""A database dropped on the import (the project file itself, a backup, another program's SQLite file) is named
for what it is, whatever its name, and nothing is imported."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("name", ["Fjordby.klynge", "Fjordby.v6.backup.klynge", "tal.xlsx", "tal.csv", "export"])
def test_a_database_is_refused_as_a_database(tmp_path: Path, name: str) -> None:
    project = tmp_path / "d.klynge"
    subprocess.run([sys.executable, "-m", "klyngedesk", "demo", str(project)], check=True, capture_output=True)
    other = tmp_path / "anden.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for source in (project, other):
        dropped = tmp_path / "ind" / name
        dropped.parent.mkdir(exist_ok=True)
        shutil.copy(source, dropped)
        before = project.read_bytes()
        result = subprocess.run([sys.executable, "-m", "klyngedesk", "import", str(project), str(dropped), "--yes"],
                                capture_output=True, text=True)
        assert result.returncode == 1, result.stderr
        assert "er en database" in result.stderr and "Åbn projekt" in result.stderr, result.stderr
        assert "csv" not in result.stderr.lower().replace(name.lower(), ""), result.stderr
        assert "Traceback" not in result.stderr
        assert project.read_bytes() == before
