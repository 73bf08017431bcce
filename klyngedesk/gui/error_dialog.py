"""Errors shown in Danish instead of a traceback; the log file (core.logsetup) named in the message."""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from klyngedesk.core.logsetup import log_internal_error, log_path, setup_logging
from klyngedesk.core.store.diagnose import explain_os
from klyngedesk.i18n import KlyngeError, tr

__all__ = ["error_text", "install_excepthook", "setup_logging", "show_error"]


def error_text(error: BaseException, lang: str) -> str:
    """What the user reads: our own messages as they are, anything else as a calm explanation."""
    if isinstance(error, KlyngeError):
        return error.message(lang)
    if isinstance(error, OSError):  # a sentence naming the file, never the system's English text
        return explain_os(error).message(lang)
    return tr("Something unexpected went wrong. Your project file is safe: every change is saved as it "
              "is made. The details are in the log file {path}.", lang, path=str(log_path()))


def show_error(parent: QWidget | None, error: BaseException, lang: str) -> None:
    """The sentence only: a traceback (English, perhaps quoting a cell of a file) goes to the log, never on screen."""
    explained = isinstance(error, KlyngeError | OSError)  # a fault of the disk or the file is no program error
    box = QMessageBox(QMessageBox.Icon.Warning if explained else QMessageBox.Icon.Critical,
                      tr("KlyngeDesk", lang), error_text(error, lang), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_box")
    box.exec()


def install_excepthook(lang: str) -> None:
    """Uncaught exceptions in slots are logged and explained in a dialog, not printed as a traceback."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log_internal_error("the window", error.with_traceback(tb))  # where and what kind; never the message
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), error.with_traceback(tb), lang)

    sys.excepthook = hook
