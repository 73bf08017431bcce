"""Errors shown in Danish instead of a traceback, and the log file in the user's data folder."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from klyngedesk.core.store.diagnose import explain_os
from klyngedesk.i18n import KlyngeError, tr

log = logging.getLogger("klyngedesk")
LOG_NAME = "klyngedesk.log"


def log_folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".klyngedesk")


def setup_logging(folder: Path | None = None) -> Path:
    """Write INFO and above to <data folder>/klyngedesk.log (rotated at 1 MB, three kept)."""
    folder = folder or log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    root = logging.getLogger("klyngedesk")
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def error_text(error: BaseException, lang: str) -> str:
    """What the user reads: our own messages as they are, anything else as a calm explanation."""
    if isinstance(error, KlyngeError):
        return error.message(lang)
    if isinstance(error, OSError):  # a sentence naming the file, never the system's English text
        return explain_os(error).message(lang)
    return tr("Something unexpected went wrong. Your project file is safe: every change is saved as it "
              "is made. The details are in the log file {path}.", lang, path=str(log_folder() / LOG_NAME))


def show_error(parent: QWidget | None, error: BaseException, lang: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning if isinstance(error, KlyngeError) else QMessageBox.Icon.Critical,
                      tr("KlyngeDesk", lang), error_text(error, lang), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_box")
    if not isinstance(error, KlyngeError):
        box.setDetailedText("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    box.exec()


def install_excepthook(lang: str) -> None:
    """Uncaught exceptions in slots are logged and explained in a dialog, not printed as a traceback."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("uncaught error", exc_info=(kind, error, tb))
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), error.with_traceback(tb), lang)

    sys.excepthook = hook
