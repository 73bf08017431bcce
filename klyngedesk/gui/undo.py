"""QUndoStack glue: wraps the plain core commands so Edit ▸ Undo/Redo reach them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication

from klyngedesk.core.commands import Command, UndoRefused
from klyngedesk.gui.context import ProjectHolder
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.i18n import KlyngeError


class CoreUndoCommand(QUndoCommand):
    """A QUndoCommand forwarding to a core Command on the holder's open project.

    The command has already run once when it is pushed (so a refused command never reaches the
    stack); QUndoStack's first redo() call on push is therefore skipped. An undo or redo the file refuses (a full
    disk, the file moved away or made read-only) is said, and the stack is put back where it was: QUndoStack moves
    its index before it knows, and Redo would otherwise offer what was never undone.
    """

    def __init__(self, command: Command, holder: ProjectHolder, lang: str, text: str | None = None,
                 stack: QUndoStack | None = None) -> None:
        super().__init__(text or command.label(lang))
        self.command = command
        self.holder = holder
        self.lang = lang
        self.stack = stack
        self.refused: UndoRefused | None = None
        self._already_done = True
        self._skip_undo = False  # a redo that failed: the next undo() call only puts the stack back

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        assert self.holder.project is not None
        try:
            self.command.do(self.holder.project)
        except (KlyngeError, OSError) as error:
            self._not_stored(error, lambda: setattr(self, "_skip_undo", True), "undo")
            return
        self.holder.data_changed.emit()

    def undo(self) -> None:
        if self._skip_undo:
            self._skip_undo = False
            return
        assert self.holder.project is not None
        try:
            self.command.undo(self.holder.project)
        except UndoRefused as error:
            self.setObsolete(True)      # the step stays done; the stack drops it instead of pretending it undid
            self.refused = error
            show_error(QApplication.activeWindow(), error, self.lang)
            return
        except (KlyngeError, OSError) as error:
            self._not_stored(error, lambda: setattr(self, "_already_done", True), "redo")
            return
        self.holder.data_changed.emit()

    def _not_stored(self, error: BaseException, skip_next: Callable[[], None], back: str) -> None:
        """The project did not change: the stack steps back (that step skipped) once the message is read."""
        stack = self.stack
        if stack is None:
            show_error(QApplication.activeWindow(), error, self.lang)
            return
        skip_next()

        def step_back_and_say() -> None:  # after QUndoStack has moved its index (the message box waits in a loop)
            getattr(stack, back)()
            show_error(QApplication.activeWindow(), error, self.lang)

        QTimer.singleShot(0, stack, step_back_and_say)


def push(stack: QUndoStack, command: Command, holder: ProjectHolder, lang: str, text: str | None = None) -> None:
    """Do `command` now and make it undoable. A failing command raises and is not put on the stack.

    `text` is what Edit > Undo/Redo say after their verb, in the user's words (names and titles, no keys)."""
    assert holder.project is not None
    command.do(holder.project)
    stack.push(CoreUndoCommand(command, holder, lang, text, stack))
    holder.data_changed.emit()


def push_done(stack: QUndoStack, command: Command, holder: ProjectHolder, lang: str,
              text: str | None = None) -> None:
    """Make a command that has already run (e.g. in a background task) undoable."""
    stack.push(CoreUndoCommand(command, holder, lang, text, stack))
    holder.data_changed.emit()


def push_or_explain(stack: QUndoStack, command: Command, holder: ProjectHolder, lang: str, parent,
                    text: str | None = None) -> bool:
    """`push`, but a refused command (KlyngeError, or the disk's OSError) is explained in a dialog instead of raised."""
    try:
        push(stack, command, holder, lang, text)
    except (KlyngeError, OSError) as error:
        show_error(parent, error, lang)
        return False
    return True
