"""The one background-task helper: runs a core function on the thread pool, reports through signals.

A work function may use the GUI's Project: in the worker thread it talks to the file through its own
SQLite connection (see store.connection.ProjectFile), closed when the task ends.

Lifetimes (each rule stops a crash seen under load):
- The worker emits on one relay object owned by the runner and created after the runner's pool, so the
  pool (which waits for its workers when it is destroyed) goes first: no emission outlives the relay.
- The relay's signals are queued to the runner's own slots, which call the task's handlers in the GUI
  thread; a destroyed runner takes its undelivered events with it, so no handler runs after it is gone.
- Nothing the runner owns holds a Python reference back to the runner (a child's connection that kept the
  runner alive made the child's destructor destroy the runner, which destroyed the child a second time).
- The worker never holds the last reference to anything from the GUI thread: it lets go of the work
  function before its last emission, and the handlers are dropped in the GUI thread.
- The worker never frees a Qt object through Python's cycle collector: while it runs, automatic collection is
  off and the GUI thread collects (gui/collector.py).
- `shutdown` (a window closing) cancels, waits, and drops the handlers of what still runs, after calling each
  task's `abandoned` handler: what the task put on screen (its progress dialog) goes with the window. A window
  shown after the last one closed cancels the program's quit (Qt drops the posted quit then), so nothing of a
  closed window may come up later. A runner destroyed without `shutdown` (its window deleted) cancels its
  tasks first, so the pool's wait is short."""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from klyngedesk.core.store.connection import close_thread_connections
from klyngedesk.gui import collector

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Work = Callable[[Progress, Callable[[], bool]], Any]

HANDLERS = ("progressed", "succeeded", "failed", "cancelled", "ended", "abandoned")


class TaskCancelled(Exception):
    """Raised inside a work function (or by the helper) when the user pressed Cancel."""


class _Relay(QObject):
    """The runner's one sender for every task: emitted from the worker thread, queued to the runner."""

    progressed = Signal(int, float, str)
    finished = Signal(int, str, object)  # task id, "succeeded" / "failed" / "cancelled", [result or error]


class BackgroundTask:
    """One piece of long work: `work(progress, is_cancelled)` returns the result or raises."""

    def __init__(self, work: Work, name: str, task_id: int, handlers: dict[str, Callable]) -> None:
        unknown = set(handlers) - set(HANDLERS)
        if unknown:
            raise TypeError(f"unknown task handler(s): {', '.join(sorted(unknown))}")
        self.name = name
        self.id = task_id
        self.handlers = dict(handlers)
        self._work: Work | None = work
        self._cancel = threading.Event()
        self.done = threading.Event()  # set in the worker once the work and its connections are finished

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _Job:
    """What the worker thread holds of a task: its work, its flags and the relay (never the handlers)."""

    def __init__(self, task: BackgroundTask, relay: _Relay) -> None:
        self.task_id, self.name, self.relay = task.id, task.name, relay
        self.work, self.cancel, self.done = task._work, task._cancel, task.done

    def progress(self, fraction: float, message: str = "") -> None:
        if self.cancel.is_set():
            raise TaskCancelled()
        self.relay.progressed.emit(self.task_id, max(0.0, min(1.0, float(fraction))), message)

    def __call__(self) -> None:
        outcome, box = self._outcome()
        # The GUI thread takes the result out of the box, so it, not this thread, lets go of it last.
        self.relay.finished.emit(self.task_id, outcome, box)

    def _outcome(self) -> tuple[str, list]:
        work, self.work = self.work, None
        assert work is not None
        try:
            result = work(self.progress, self.cancel.is_set)
            if self.cancel.is_set():
                raise TaskCancelled()
            return "succeeded", [result]
        except TaskCancelled:
            log.info("%s cancelled", self.name)
            return "cancelled", []
        except Exception as error:  # reported to the user through `failed`, never lost
            if self.cancel.is_set():  # the core's own "cancelled" error after the user pressed Cancel
                log.info("%s cancelled (%s)", self.name, type(error).__name__)
                return "cancelled", []
            log.exception("%s failed", self.name)
            return "failed", [error]
        finally:
            del work
            close_thread_connections()  # the worker's own connections to the project file end with the task
            self.done.set()


def _cancel_every(tasks: dict[int, BackgroundTask], *_destroyed: object) -> None:
    for task in list(tasks.values()):
        task.cancel()


class TaskRunner(QObject):
    """Starts tasks on a private pool and keeps them (and their handlers) until they end."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)  # first child: destroyed (waiting for its workers) before the relay
        self.pool.setMaxThreadCount(1)  # one writer to the project file at a time
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.finished.connect(self._deliver_end, Qt.ConnectionType.QueuedConnection)
        self._ids = itertools.count(1)
        self._tasks: dict[int, BackgroundTask] = {}
        # Destroyed with its window (never closed): Cancel first, so the pool's wait is short, not the whole task.
        self.destroyed.connect(functools.partial(_cancel_every, self._tasks))

    def start(self, work: Work, name: str = "task", **handlers: Callable) -> BackgroundTask:
        """Start `work`; `handlers` (progressed=, succeeded=, failed=, cancelled=, ended=) are called in the
        GUI thread, in the order the worker reported; `abandoned=` instead of them all when the runner shuts down
        (its window closes) before the task has ended."""
        task = BackgroundTask(work, name, next(self._ids), handlers)
        self._tasks[task.id] = task
        self.busy_changed.emit(True)
        collector.hold(pool=self.pool)  # while the worker runs Python, only the GUI thread frees cycles
        self.pool.start(_Job(task, self._relay))
        return task

    @Slot(int, float, str)
    def _deliver_progress(self, task_id: int, fraction: float, message: str) -> None:
        task = self._tasks.get(task_id)
        handler = task.handlers.get("progressed") if task else None
        if handler is not None:
            handler(fraction, message)

    @Slot(int, str, object)
    def _deliver_end(self, task_id: int, outcome: str, payload: object) -> None:
        task = self._tasks.get(task_id)
        if task is None:
            return
        handlers, task.handlers = task.handlers, {}
        task._work = None
        result = payload.pop() if isinstance(payload, list) and payload else None
        try:
            handler = handlers.get(outcome)
            if handler is not None:
                handler() if outcome == "cancelled" else handler(result)
            ended = handlers.get("ended")
            if ended is not None:
                ended()
        finally:
            del handlers, result
            self._tasks.pop(task_id, None)
            if not self._tasks:
                self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        finished = self.pool.waitForDone(msecs)
        if finished:
            collector.settle()
        return finished

    def shutdown(self, msecs: int = 30000) -> bool:
        """Their window is closing: cancel every task, wait up to `msecs` for the workers, and drop the tasks'
        handlers, so that no result reaches a window that is gone. True when no worker is still running."""
        for task in list(self._tasks.values()):
            task.cancel()
            handlers, task.handlers = task.handlers, {}
            abandoned = handlers.get("abandoned")
            if abandoned is not None:
                try:
                    abandoned()
                except Exception:  # the window closes anyway; what failed is in the log
                    log.exception("closing what %s showed failed", task.name)
        finished = self.wait(msecs)
        if finished:
            self._tasks.clear()
            self.busy_changed.emit(False)
        else:
            log.warning("%d task(s) still running after %d ms", len(self._tasks), msecs)
        return finished
