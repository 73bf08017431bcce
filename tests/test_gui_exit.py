"""Quitting the program ends the process cleanly: no crash after the window has closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
QTimer.singleShot(2500, app.quit)
from klyngedesk.gui.app import run_gui
sys.exit(run_gui(demo=True))
"""


def test_quitting_the_demo_window_exits_with_code_zero(tmp_path: Path) -> None:
    """`klyngedesk --demo`, then quit: the exit code is 0 every time (Qt's translators used to be destroyed
    during the interpreter's exit and crash the process after a clean quit)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    codes = [subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, timeout=300).returncode
             for _ in range(3)]
    assert codes == [0, 0, 0]
