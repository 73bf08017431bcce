"""Reads a page's data off the event loop: one read at a time on the worker, and only the newest request's
result reaches the page (a topic changed twice quickly shows the second topic, never the first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from klyngedesk.gui.tasks import TaskCancelled, TaskRunner

# Below this many stored values a page's read takes a few milliseconds: it is done at once, so a cluster's
# pages fill without a flicker; a larger project (a region, a nation) is read on the worker.
SMALL_PROJECT_VALUES = 20_000


def small_project(project) -> bool:
    """True for a project whose reads are quick enough to do while the user waits (one count query, kept until
    the project changes)."""
    from klyngedesk.gui.change_stamp import value_count

    return value_count(project) < SMALL_PROJECT_VALUES


class LatestFetch(QObject):
    """`request(work, deliver)`: `work()` runs on `runner` (or at once without one, or when `small`);
    `deliver(result)` runs in the GUI thread if no newer request came meanwhile. `busy(bool)` says when a
    read is under way, for a "reading …" note."""

    busy = Signal(bool)

    def __init__(self, runner: TaskRunner | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._generation = 0
        self._pending = False

    @property
    def pending(self) -> bool:
        return self._pending

    def request(self, work: Callable[[], Any], deliver: Callable[[Any], None],
                failed: Callable[[Exception], None] | None = None, *, small: bool = False, name: str = "read") -> None:
        self._generation += 1
        generation = self._generation
        if self.runner is None or small:
            self._set_pending(False)
            try:
                result = work()
            except Exception as error:  # the page says what went wrong; the window stays up
                if failed is None:
                    raise
                failed(error)
                return
            deliver(result)
            return

        def run(_progress, _cancelled) -> Any:
            if generation != self._generation:  # a newer request is queued behind this one: skip the read
                raise TaskCancelled()
            return work()

        def succeeded(result: Any) -> None:
            if generation == self._generation:
                self._set_pending(False)
                deliver(result)

        def went_wrong(error: Exception) -> None:
            if generation == self._generation:
                self._set_pending(False)
                if failed is not None:
                    failed(error)

        def dropped() -> None:
            if generation == self._generation:
                self._set_pending(False)

        self._set_pending(True)
        self.runner.start(run, name, succeeded=succeeded, failed=went_wrong, cancelled=dropped)

    def forget(self) -> None:
        """Results of the reads under way are no longer wanted (e.g. the project was closed)."""
        self._generation += 1
        self._set_pending(False)

    def _set_pending(self, value: bool) -> None:
        if value != self._pending:
            self._pending = value
            self.busy.emit(value)
