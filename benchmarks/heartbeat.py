"""An event-loop block probe: a 10 ms Qt timer whose largest gap between ticks is how long the loop was blocked."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    """One step: the longest blocked stretch in wall seconds and in this process's CPU seconds (at most the
    wall stretch: on a shared machine the system may stop the whole process, which is not the window's doing),
    and the wall seconds until the step was done (None: not done within the bound). The difference between
    `wall` and `thread` is time the GUI thread waited (for the GIL held by a worker, or for a CPU)."""

    wall: float
    cpu: float
    done: float | None
    thread: float = 0.0  # the GUI thread's own CPU seconds in its longest stretch (its work, not waits)


class Heartbeat:
    """`measure(step, done)`: run `step` from the event loop, keep the loop running until `done()` and return
    the step's Gap. Works in a test (pytest-qt) and in a plain script."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self._reset()

    def _reset(self) -> None:
        self.largest = self.largest_wall = self.largest_thread = 0.0
        self._last, self._last_cpu, self._last_thread = time.perf_counter(), time.process_time(), time.thread_time()

    def _tick(self) -> None:
        now, cpu, thread = time.perf_counter(), time.process_time(), time.thread_time()
        self.largest = max(self.largest, min(now - self._last, cpu - self._last_cpu))
        self.largest_wall = max(self.largest_wall, now - self._last)
        self.largest_thread = max(self.largest_thread, min(now - self._last, thread - self._last_thread))
        self._last, self._last_cpu, self._last_thread = now, cpu, thread

    def measure(self, step: Callable[[], object], done: Callable[[], bool], timeout: float = 180.0,
                settle_ms: int = 50) -> Gap:
        """The loop runs `step`, then until `done()` (polled every 5 ms) or `timeout` seconds, then `settle_ms`
        more (what the step left for the next turns of the loop, painting, counts too)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        start = time.perf_counter()
        finished: list[float] = []

        def poll() -> None:
            if not finished and done():
                finished.append(time.perf_counter() - start)
                QTimer.singleShot(settle_ms, loop.quit)
            elif not finished and time.perf_counter() - start > timeout:
                QTimer.singleShot(0, loop.quit)
            else:
                QTimer.singleShot(5, poll)

        self._reset()
        self.timer.start()
        QTimer.singleShot(0, step)
        QTimer.singleShot(20, poll)
        loop.exec()
        self.timer.stop()
        self._tick()
        return Gap(self.largest_wall, self.largest, finished[0] if finished else None, self.largest_thread)
