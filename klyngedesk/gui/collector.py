"""Python's cycle collector frees Qt objects only on the GUI thread: while Python runs on another thread of
ours, automatic collection is off and the GUI thread collects instead, as often as the automatic one would.

Why: the automatic collector runs on whichever thread's allocation crosses its threshold. A worker reading a
large project allocates hundreds of thousands of objects, so it collects often, and a collection frees every
unreachable cycle in the process, whoever made it. A cycle holding a Qt object made by the GUI thread (a
page's model whose page is gone, a timer in a closure, a plot item removed from its chart) was then destroyed
on the worker while the GUI thread used Qt: "QObject::~QObject: Timers cannot be stopped from another thread",
then a crash (SIGSEGV, or SIGABRT when the C library found its heap damaged). The rule here makes that
impossible whatever cycles there are: no thread but the GUI thread ever collects while our threads run.

`hold(pool=..., thread=...)` is called (on the GUI thread) before Python starts running on a pool's worker or a
thread; automatic collection comes back once every pool held is idle and every thread held has ended."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer

CHECK_MS = 100  # how often the GUI thread looks whether a collection is due (and whether the workers are done)


class _Collector(QObject):
    """The GUI thread's collector while other threads run Python (one per process)."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)  # goes with the application, never left to the interpreter's exit
        self._pools: weakref.WeakSet[QThreadPool] = weakref.WeakSet()
        self._threads: list[threading.Thread] = []
        self._freeze_after: threading.Thread | None = None
        self._restore = True  # whether automatic collection was on before the first hold
        self._held = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.tick)

    def hold(self, pool: QThreadPool | None, thread: threading.Thread | None, freeze: bool = False) -> None:
        if freeze:
            self._freeze_after = thread
        if not self._held:
            self._restore = gc.isenabled()
            self._held = True
        gc.disable()  # before the other thread runs a line of Python
        if pool is not None:
            self._pools.add(pool)
        if thread is not None:
            self._threads.append(thread)
        if not self.timer.isActive():
            self.timer.start()

    def busy(self) -> bool:
        """True while a held pool runs or queues a task, or a held thread is alive."""
        self._threads = [t for t in self._threads if t.is_alive()]
        if self._freeze_after is not None and not self._freeze_after.is_alive():
            self._freeze_after = None
            freeze_the_start()
        return bool(self._threads) or any(_running(pool) for pool in list(self._pools))

    def tick(self) -> None:
        if self.busy():
            gc.disable()  # (a core step that paused and resumed the collector itself may have turned it on)
            collect_due()
            return
        self.timer.stop()
        self._held = False
        if self._restore:
            gc.enable()
        collect_due()


def freeze_the_start() -> None:
    """The start's imports are done: their objects (modules, classes, functions: three quarters of a window's
    tracked objects even with a 1,700-clinic project open) are moved out of the collector's reach for good
    (gc.freeze), so a full collection walks only what the window made since: 0.26 s of CPU was 0.06 s on
    this machine. Not collected first: the imports' 150,000 young objects would take half a second to walk,
    and they hold next to no garbage (automatic collection ran until they began, so older cycles are gone)."""
    global _frozen
    gc.freeze()
    _frozen = True


_frozen = False


def start_frozen() -> bool:
    """True once the start's objects were frozen (whatever lived then is never collected: a test littering cycles
    waits for this first)."""
    return _frozen


def _running(pool: QThreadPool) -> bool:
    """A pool destroyed already waited for its workers (QThreadPool's destructor does)."""
    return shiboken6.isValid(pool) and not pool.waitForDone(0)


FULL_SHARE = 50  # a full collection waits at least this many times its own last duration after the last one

_next_full = 0.0


def collect_due() -> int:
    """Collect the oldest generation whose count is past its threshold, as the automatic collector would. Its
    full collections also wait until the heap has grown (unseen from Python); here a full collection waits
    instead until FULL_SHARE times its last duration has passed, so walking a large project's objects never
    takes more than a few per cent of the GUI thread."""
    global _next_full
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if not thresholds[generation] or counts[generation] <= thresholds[generation]:
            continue
        if generation == 2:
            if time.perf_counter() < _next_full:
                continue
            start = time.perf_counter()
            found = gc.collect(2)
            _next_full = time.perf_counter() + FULL_SHARE * (time.perf_counter() - start)
            return found
        return gc.collect(generation)
    return 0


_collector: _Collector | None = None


def hold(pool: QThreadPool | None = None, thread: threading.Thread | None = None, freeze: bool = False) -> None:
    """Python is about to run on `pool`'s workers or on `thread`: until they are done, the cycle collector runs
    only on the GUI thread. With `freeze`, what exists once `thread` has ended is frozen (freeze_the_start).
    Without a Qt application there is no GUI thread to protect: nothing changes."""
    global _collector
    app = QCoreApplication.instance()
    if app is None:
        return
    if threading.current_thread() is not threading.main_thread():
        gc.disable()  # at once; the GUI thread takes over the collecting (and turns it back on) when it runs
        QTimer.singleShot(0, app, lambda: hold(pool, thread, freeze))
        return
    if _collector is None or not shiboken6.isValid(_collector):
        _collector = _Collector(app)
    _collector.hold(pool, thread, freeze)


def settle() -> None:
    """The workers may just have ended (a runner waited for them): hand collecting back at once if they have,
    rather than at the next turn of the event loop (which a test, or a closing program, may never take)."""
    if _collector is not None and shiboken6.isValid(_collector) and _collector._held \
            and threading.current_thread() is threading.main_thread():
        _collector.tick()


def holding() -> bool:
    """True while automatic collection is off because other threads of ours run Python."""
    return _collector is not None and shiboken6.isValid(_collector) and _collector._held
