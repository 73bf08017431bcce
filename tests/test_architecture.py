"""The core runs without Qt: import every core and CLI module with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_cli_import_with_qt_blocked() -> None:
    code = """
import pkgutil, sys, importlib
sys.modules['PySide6'] = None
sys.modules['pyqtgraph'] = None
import klyngedesk.core, klyngedesk.cli
names = [m.name for pkg in (klyngedesk.core, klyngedesk.cli)
         for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')]
for name in names:
    importlib.import_module(name)
from klyngedesk.cli.main import main
assert main(['--help']) == 0
print(len(names))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) >= 10
