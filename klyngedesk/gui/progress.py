"""Shows a running background task as a progress dialog with a Cancel button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.tasks import BackgroundTask, TaskRunner, Work
from klyngedesk.i18n import tr


def when_cancelled(dialog: QProgressDialog, slot: Callable[[], None]) -> None:
    """Call `slot` on Cancel, on Esc and on closing the dialog. Esc reaches a dialog that is not the active window
    as a reject, which only hides it (the task would go on unseen and its result come up later): that is a
    Cancel too. Disconnect both signals before closing the dialog yourself."""
    dialog.canceled.connect(slot)
    dialog.rejected.connect(slot)


def run_with_progress(parent: QWidget, runner: TaskRunner, title: str, work: Work, lang: str,
                      on_success: Callable[[Any], None], on_cancel: Callable[[], None] | None = None,
                      ) -> BackgroundTask:
    """Start `work` in the background; a window-modal dialog shows progress and offers Cancel."""
    dialog = QProgressDialog(title, tr("Cancel", lang), 0, 1000, parent)
    dialog.setObjectName("progress_dialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    # Room for the whole title and step text (a window manager cuts a narrow dialog's title: "Møde... aves...").
    metrics = dialog.fontMetrics()
    dialog.setMinimumWidth(min(720, max(420, metrics.horizontalAdvance(title) + 160)))
    label = dialog.findChild(QLabel)
    if label is not None:
        label.setWordWrap(True)

    def progressed(fraction: float, message: str) -> None:
        dialog.setValue(int(fraction * 1000))
        if message:
            dialog.setLabelText(message)

    def finish() -> None:
        dialog.reset()  # stops its timer: a dialog not yet shown never comes up after its task (or window) ended
        dialog.close()
        dialog.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        on_success(result)

    def failed(error: BaseException) -> None:
        finish()
        show_error(parent, error, lang)

    def cancelled() -> None:
        finish()
        if on_cancel:
            on_cancel()

    task = runner.start(work, title, progressed=progressed, succeeded=succeeded, failed=failed,
                        cancelled=cancelled, abandoned=finish)
    when_cancelled(dialog, task.cancel)  # (closing it in `finish` rejects it too: the task has ended by then)
    task.dialog = dialog  # type: ignore[attr-defined]  # lets tests press Cancel
    return task
