"""Background tasks and the windows that own them: closing, dropping or deleting an owner while its task
still runs never crashes the program, and no result reaches a window that has gone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

# The user's way: a cluster opened, the newest meeting, "Byg mødematerialet", and the window closed while it builds.
CLOSE_WHILE_BUILDING = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from klyngedesk.gui.app import run_gui
from klyngedesk.gui.main_window import MainWindow

app = QApplication(sys.argv)

def window():
    return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))

def build():
    w = window()
    w.tabs.setCurrentWidget(w.meetings_page)
    meetings = w.meetings_page
    meetings.meeting_list.setCurrentRow(meetings.meeting_list.count() - 1)
    meetings.pack.build_button.click()
    QTimer.singleShot(20, close_when_busy)

def close_when_busy(tries=[0]):
    w = window()
    tries[0] += 1
    if not w.runner.busy and tries[0] < 1000:  # at most ~20 s: a build that never starts fails the test, not hangs
        QTimer.singleShot(20, close_when_busy)
        return
    print("closing while busy" if w.runner.busy else "the build never started", flush=True)
    w.close()

QTimer.singleShot(0, build)
sys.exit(run_gui(project=sys.argv[1]))
"""

# A runner without an owner, dropped while its task reports progress (used to crash: the last reference to
# the runner went away inside its own child's destructor, which Qt then destroyed a second time).
DROP_WHILE_RUNNING = """
import sys, time
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from klyngedesk.gui.tasks import TaskRunner

app = QApplication(sys.argv)

def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

late = []
after_gone = 0
for _ in range(10):
    runner = TaskRunner()
    runner.start(lambda progress, cancelled: [progress(k / 300) for k in range(300)] and 1,
                 progressed=lambda f, m: None, succeeded=late.append)
    spin(0.001)
    delivered = len(late)  # on a loaded machine the task may already have ended (and said so): that is fine
    del runner  # destroying the runner waits for its worker; the work must not wait for anything after this
    spin(0.01)
    after_gone += len(late) - delivered
print("survived; results after the runner was gone:", after_gone, flush=True)
"""


def _run(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "TMPDIR": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "KLYNGEDESK_CONFIG_DIR": str(tmp_path / "klyngedesk-config")}
    return subprocess.run([sys.executable, "-X", "faulthandler", "-c", script, *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_closing_the_window_while_the_pack_is_built_exits_cleanly(tmp_path: Path, _small_demo_master: Path) -> None:
    """Byg mødematerialet, then close the window while it builds: the build is cancelled, the program ends
    with exit code 0, and nothing is reported on stderr (no traceback, no fatal error). It used to hang about one
    run in two: the build's progress dialog, due to show itself while the window waited for the worker, came up
    after the window had closed, and a window shown then makes Qt drop the quit it had posted."""
    project = tmp_path / "Lilleklynge.klynge"
    shutil.copy(_small_demo_master, project)
    done = _run(CLOSE_WHILE_BUILDING, tmp_path, str(project))
    assert "closing while busy" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Fatal" not in done.stderr, done.stderr


def test_dropping_a_runner_while_its_task_runs_does_not_crash(tmp_path: Path) -> None:
    done = _run(DROP_WHILE_RUNNING, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "survived; results after the runner was gone: 0" in done.stdout  # a gone runner delivers nothing


def test_a_task_that_outlives_its_closed_window_reaches_no_handler(qtbot) -> None:
    """A task that does not look at Cancel keeps running after the window's wait: when it ends, none of its
    handlers runs (they belong to the window that has closed), and the runner is idle again."""
    from PySide6.QtWidgets import QWidget

    from klyngedesk.gui.tasks import TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    gate = threading.Event()
    calls: list[str] = []
    runner.start(lambda progress, cancelled: gate.wait(10) and "result", progressed=lambda *a: calls.append("p"),
                 succeeded=lambda r: calls.append("s"), cancelled=lambda: calls.append("c"),
                 failed=lambda e: calls.append("f"), ended=lambda: calls.append("e"))
    assert runner.busy
    assert not runner.shutdown(50)  # the window closes; the task ignores Cancel and goes on
    gate.set()
    assert runner.wait(10000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert calls == []
    # the same runner serves the next window's work as before
    results: list = []
    runner.start(lambda progress, cancelled: (progress(0.5, "halfway"), 7)[1], succeeded=results.append,
                 progressed=lambda f, m: calls.append(m))
    qtbot.waitUntil(lambda: results == [7] and not runner.busy, timeout=5000)
    assert calls == ["halfway"]


def test_handlers_run_in_order_in_the_gui_thread(qtbot) -> None:
    """Progress arrives before the result, every handler runs in the GUI thread, `ended` comes last."""
    from PySide6.QtWidgets import QWidget

    from klyngedesk.gui.tasks import TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    seen: list = []
    gui = threading.current_thread()

    def note(kind):
        return lambda *args: seen.append((kind, args, threading.current_thread() is gui))

    def work(progress, cancelled):
        for i in range(3):
            progress(i / 2, f"step {i}")
        return "done"

    runner.start(work, progressed=note("p"), succeeded=note("s"), ended=note("e"))
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert [k for k, _a, _t in seen] == ["p", "p", "p", "s", "e"]
    assert seen[3][1] == ("done",) and all(in_gui for _k, _a, in_gui in seen)


def test_a_window_destroyed_without_closing_cancels_its_running_task(qtbot) -> None:
    """A window deleted while its task runs (no close first): the task is told to stop, so the window goes
    at once instead of the program freezing until the task would have ended."""
    import time

    import shiboken6
    from PySide6.QtWidgets import QWidget

    from klyngedesk.gui.tasks import TaskRunner

    owner = QWidget()
    runner = TaskRunner(owner)
    started = threading.Event()
    seen: list[str] = []

    def work(progress, cancelled):
        started.set()
        for _ in range(6000):  # a minute at most
            if cancelled():
                seen.append("cancelled")
                return None
            time.sleep(0.01)
        seen.append("ran to the end")
        return None

    runner.start(work)
    assert started.wait(10)
    shiboken6.delete(owner)  # returns once the worker has stopped
    assert seen == ["cancelled"]
