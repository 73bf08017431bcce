"""The one background-task helper: runs a core function on the thread pool, reports through signals.

A work function may use the GUI's Project: in the worker thread it talks to the file through its own
SQLite connection (see store.connection.ProjectFile), closed when the task ends."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from klyngedesk.core.store.connection import close_thread_connections

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Work = Callable[[Progress, Callable[[], bool]], Any]


class TaskCancelled(Exception):
    """Raised inside a work function (or by the helper) when the user pressed Cancel."""


class TaskSignals(QObject):
    """Signals of one task; emitted from the worker thread and delivered in the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()


class BackgroundTask(QRunnable):
    """One piece of long work: `work(progress, is_cancelled)` returns the result or raises."""

    def __init__(self, work: Work, name: str = "task", owner: QObject | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.name = name
        self.signals = TaskSignals(owner)  # owned by the runner, so it lives as long as the task runs
        self._work = work
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, fraction: float, message: str = "") -> None:
        if self._cancel.is_set():
            raise TaskCancelled()
        self.signals.progressed.emit(max(0.0, min(1.0, float(fraction))), message)

    def run(self) -> None:
        try:
            result = self._work(self._progress, self.is_cancelled)
            if self._cancel.is_set():
                raise TaskCancelled()
        except TaskCancelled:
            log.info("%s cancelled", self.name)
            self.signals.cancelled.emit()
        except Exception as error:  # reported to the user through `failed`, never lost
            if self._cancel.is_set():  # the core's own "cancelled" error after the user pressed Cancel
                log.info("%s cancelled (%s)", self.name, type(error).__name__)
                self.signals.cancelled.emit()
            else:
                log.exception("%s failed", self.name)
                self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)
        finally:
            close_thread_connections()  # the worker's own connections to the project file end with the task
            self.done.set()
            self.signals.ended.emit()


class TaskRunner(QObject):
    """Starts tasks on a private pool and keeps them alive until they end."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one writer to the project file at a time
        self._running: list[BackgroundTask] = []

    def start(self, work: Work, name: str = "task", **handlers: Callable) -> BackgroundTask:
        """Start `work`; `handlers` (progressed=, succeeded=, failed=, cancelled=) are connected first,
        so a fast task cannot finish before anyone listens."""
        task = BackgroundTask(work, name, self)
        for signal, slot in handlers.items():
            getattr(task.signals, signal).connect(slot)
        self._running.append(task)
        task.signals.ended.connect(lambda t=task: self._forget(t))
        self.busy_changed.emit(True)
        self.pool.start(task)
        return task

    def _forget(self, task: BackgroundTask) -> None:
        if task in self._running:
            self._running.remove(task)
            task.signals.deleteLater()
        if not self._running:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for task in self._running:
            task.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
