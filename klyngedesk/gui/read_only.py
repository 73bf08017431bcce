"""A project open read-only: every control that would change it is disabled, its tooltip saying why."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from klyngedesk.i18n import tr

WRITES = "klyngedesk_writes"      # property: the control changes the project (import, edit, print, consent, delete)
_OWN_TIP = "klyngedesk_own_tip"   # property: the control's own tooltip while the project is read-only
_OWN_ENABLED = "klyngedesk_own_enabled"   # property: whether the page has the control enabled
_GUARDED = "klyngedesk_guarded"


def writes(*controls: QWidget | QAction) -> None:
    """Mark controls that change the project: the window disables them while the project is read-only."""
    for control in controls:
        control.setProperty(WRITES, True)


def read_only_reason(lang: str) -> str:
    """Why a control is disabled on a read-only project, in the user's language."""
    return tr("The project is open read-only (the file is write-protected or another program holds it), so "
              "nothing can be changed. Close the other program or remove the write protection, and open the "
              "project again.", lang)


class ReadOnlyGuard(QObject):
    """Keeps every marked control under `root` disabled while the project is read-only, whatever the page's own
    logic enables later (a new meeting chosen, a table filled), and gives it back its own tooltip after."""

    def __init__(self, root: QWidget, lang: str) -> None:
        super().__init__(root)
        self.root, self.lang = root, lang
        self.read_only = False
        self._busy = False   # the guard's own change under way: not the page's wish

    def set_read_only(self, on: bool) -> None:
        """The open project is read-only (True) or may be changed (False)."""
        self.read_only = on
        self.adopt()

    def adopt(self) -> None:
        """Apply the state to every marked control now under the root (call it when a page is built)."""
        for control in self.root.findChildren(QObject):
            if not isinstance(control, QWidget | QAction) or not control.property(WRITES):
                continue
            if not control.property(_GUARDED):
                control.setProperty(_GUARDED, True)
                if isinstance(control, QAction):
                    control.changed.connect(lambda c=control: self._hold(c))
                else:
                    control.installEventFilter(self)
            self._apply(control)

    def _apply(self, control: QWidget | QAction) -> None:
        if self.read_only:
            if control.property(_OWN_TIP) is None:   # what the page gave it, for when a writable project opens
                control.setProperty(_OWN_TIP, control.toolTip())
                control.setProperty(_OWN_ENABLED, _enabled(control))
            control.setToolTip(read_only_reason(self.lang))
            self._disable(control)
        elif control.property(_OWN_TIP) is not None:
            control.setToolTip(str(control.property(_OWN_TIP)))
            control.setEnabled(bool(control.property(_OWN_ENABLED)))
            control.setProperty(_OWN_TIP, None)

    def _disable(self, control: QWidget | QAction) -> None:
        self._busy = True
        try:
            control.setEnabled(False)
        finally:
            self._busy = False

    def _hold(self, control: QWidget | QAction) -> None:
        """The page enabled (or disabled) the control: remembered for later, and kept disabled while read-only."""
        if self._busy or not self.read_only:
            return
        if _enabled(control):
            control.setProperty(_OWN_ENABLED, True)
            self._disable(control)
        elif isinstance(control, QWidget):   # (an action's `changed` is any change: only a widget's is its own)
            control.setProperty(_OWN_ENABLED, False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget):
            self._hold(watched)
        return False


def _enabled(control: QWidget | QAction) -> bool:
    """Whether the control itself is enabled (a widget's own setting, whatever its parent's)."""
    if isinstance(control, QWidget):
        return not control.testAttribute(Qt.WidgetAttribute.WA_Disabled)
    return control.isEnabled()
