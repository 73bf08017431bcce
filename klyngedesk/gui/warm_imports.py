"""After the window has painted, the libraries the other pages need are imported on a background thread, so
that opening a page for the first time does not stop the window while pandas or the pack renderer load."""

from __future__ import annotations

import importlib
import logging
import threading

from klyngedesk.gui import collector

log = logging.getLogger(__name__)

# Only modules that create no Qt object when imported, so they may be imported off the GUI thread: the core
# (which never imports Qt), pandas, the PDF libraries, and pyqtgraph (its import defines classes and makes one
# QTransform, a plain value; its QObjects are made when a plot is). The GUI modules are imported by the GUI
# thread when a page is built.
MODULES = ("pandas", "klyngedesk.core.commands", "klyngedesk.core.actions", "klyngedesk.core.collate.collate",
           "klyngedesk.core.anonymise.build", "klyngedesk.core.anonymise.coordinator_view",
           "klyngedesk.core.render.chart_builder", "klyngedesk.core.render.indicator_pages",
           "klyngedesk.core.render.pack", "klyngedesk.core.survey", "klyngedesk.core.references",
           "klyngedesk.core.packages", "pypdfium2", "pyqtgraph")

_thread: threading.Thread | None = None
_lock = threading.Lock()


def start() -> None:
    """Begin importing MODULES in the background (once per process)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import_all, name="warm-imports", daemon=True)
            # Its imports allocate: only the GUI thread may collect meanwhile; what they made is frozen after.
            collector.hold(thread=_thread, freeze=True)
            _thread.start()


def wait() -> None:
    """Let the background imports finish before the GUI thread imports a page: one thread imports a module at a
    time, so two never wait on each other's half-imported modules."""
    thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join()


def _import_all() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the page that needs the module imports it again and says what went wrong
            log.exception("background import of %s failed", name)
