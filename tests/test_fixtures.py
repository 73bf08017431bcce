"""The shared fixtures themselves: a test that leaves a window open fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

LEAKY = '''
from PySide6.QtWidgets import QWidget


def test_leaves_a_window_open(qapp):
    w = QWidget()
    w.setObjectName("forgotten")
    w.show()
    test_leaves_a_window_open.keep = w


def test_closes_its_window(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
'''


def test_a_leaked_top_level_widget_fails_its_test(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_leaky.py").write_text(LEAKY, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "qt_api=pyside6",
                          "--rootdir", str(tmp_path), str(tmp_path)], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "test_leaves_a_window_open left top-level widgets open: QWidget('forgotten')" in run.stdout
    assert "ERROR test_leaky.py::test_leaves_a_window_open" in run.stdout  # failed in its teardown
    assert "2 passed, 1 error" in run.stdout  # the tidy test is not blamed
