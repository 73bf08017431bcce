"""Python's cycle collector never frees a Qt object on a worker thread: a window whose pages read a large project
on the worker, while the GUI thread leaves Qt objects in reference cycles (as closed pages, closures and charts
do), survives collections forced far more often than usual, and every cycle is freed on the GUI thread.

Before gui/collector.py a worker reading the 1,700-clinic project ran Python's automatic collections itself (its
allocations crossed the threshold), and they destroyed the GUI thread's Qt objects there: "QObject::~QObject:
Timers cannot be stopped from another thread", then a crash that took the whole test run with it. The window
runs in a child process here, so such a crash fails this test instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLINICS = 900  # 21,600 stored values: above SMALL_PROJECT_VALUES, so the pages read on the worker

WINDOW = r"""
import collections, gc, json, os, sys, threading, time, weakref
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

app = QApplication(sys.argv[:1])
from klyngedesk.gui.app import make_context
from klyngedesk.gui.latest_fetch import small_project
from klyngedesk.gui.main_window import MainWindow

path, settings_file, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
collected = collections.Counter()  # the threads on which the cycle collector ran
gc.callbacks.append(lambda phase, info: collected.update([threading.current_thread().name]) if phase == "start" else None)
freed, littered = [], [0]


def litter():
    # Qt objects the GUI thread leaves in reference cycles: a running timer and a widget with its label
    for _ in range(3):
        timer = QTimer()
        timer.setInterval(1)
        timer.timeout.connect(lambda: None)
        timer.start()
        timer.cycle = timer
        widget = QWidget()
        widget.label = QLabel("x", widget)
        widget.cycle = widget
        for made in (timer, widget):
            weakref.finalize(made, lambda: freed.append(threading.current_thread().name))
            littered[0] += 1


def wait(condition, seconds=120):
    end = time.perf_counter() + seconds
    while not condition() and time.perf_counter() < end:
        loop = QEventLoop()
        QTimer.singleShot(5, loop.quit)
        loop.exec()
    return condition()


ctx = make_context(QSettings(settings_file, QSettings.Format.IniFormat), lang="da")
window = MainWindow(ctx)
window.resize(1000, 700)
window.show()
assert window.open_project(path, remember=False)
assert not small_project(ctx.holder.project)
from klyngedesk.gui.collector import start_frozen
assert wait(start_frozen, 60)  # what lives when the start's imports end is frozen for good: litter only after it
gc.set_threshold(50, 5, 5)  # collections far more often than usual: every worker read trips many of them
litterer = QTimer()
litterer.timeout.connect(litter)
litterer.start(5)
page = window.data_page
window.tabs.setCurrentWidget(page)
shown = []
for _ in range(rounds):
    for topic in range(page.topic_box.count()):
        page.topic_box.setCurrentIndex(topic)
        key = page.topic_box.itemData(topic)
        wanted = {i.key for i in ctx.holder.project.topic(key).indicators}
        ok = wait(lambda: not page.fetch.pending and page.model.rowCount() > 0 and
                  {page.model.indicator(c).key for c in range(page.model.columnCount())} == wanted)
        shown.append([key, page.model.rowCount() if ok else None])
litterer.stop()
window.runner.wait(60000)
window.reader.wait(60000)
wait(lambda: gc.isenabled(), 10)  # the GUI thread turns automatic collection on again once the workers are done
enabled = gc.isenabled()
gc.collect()
print(json.dumps({"collected": dict(collected), "freed": dict(collections.Counter(freed)), "littered": littered[0],
                  "enabled_after": enabled, "shown": shown}), flush=True)
window.close()
os._exit(0)
"""


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from klyngedesk.core.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("region") / "Region.klynge", clinics=CLINICS, periods=2)


def test_collections_during_worker_reads_free_qt_objects_only_on_the_gui_thread(region: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", WINDOW, str(region), str(tmp_path / "settings.ini"), "2"],
                          capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, f"the window died ({done.returncode}): {done.stderr[-3000:]}"
    assert "another thread" not in done.stderr, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # The user saw every topic, twice, each with every clinic.
    assert len(seen["shown"]) == 6 and all(rows == CLINICS for _key, rows in seen["shown"]), seen["shown"]
    # Collections ran (many), and only on the GUI thread, though the workers allocated far more.
    assert set(seen["collected"]) == {"MainThread"} and seen["collected"]["MainThread"] > 10, seen["collected"]
    # Every Qt object left in a cycle was freed, on the GUI thread; automatic collection is back afterwards.
    assert seen["freed"] == {"MainThread": seen["littered"]} and seen["littered"] > 0, seen
    assert seen["enabled_after"]


def test_a_worker_runs_with_automatic_collection_off_and_it_comes_back_once_the_worker_is_done(qtbot) -> None:
    import gc
    import threading

    from klyngedesk.gui.tasks import TaskRunner

    assert gc.isenabled()
    runner = TaskRunner()
    release = threading.Event()
    seen: list[bool] = []
    runner.start(lambda _p, _c: release.wait(30) and gc.isenabled(), "read", succeeded=seen.append)
    assert not gc.isenabled()  # off before the worker runs a line of Python
    release.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=30000)
    assert runner.wait(30000)
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a program that turned collection off itself keeps it off after a task
    try:
        runner.start(lambda _p, _c: None, "read", succeeded=seen.append)
        assert runner.wait(30000) and not gc.isenabled()
    finally:
        gc.enable()
        runner.deleteLater()
