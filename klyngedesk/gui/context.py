"""The explicit application context handed to every window part (no global singletons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QSettings, Signal

from klyngedesk.core.store import Project

MAX_RECENT = 8


class ProjectHolder(QObject):
    """Holds the open project and announces changes to it."""

    project_opened = Signal(object)
    project_closed = Signal()
    data_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.project: Project | None = None

    def set_project(self, project: Project | None) -> None:
        if self.project is not None:
            self.project.close()
            self.project = None
            self.project_closed.emit()
        self.project = project
        if project is not None:
            self.project_opened.emit(project)


@dataclass
class AppContext:
    """What the GUI parts share: settings storage, language and the open project."""

    settings: QSettings
    lang: str = "da"
    holder: ProjectHolder = field(default_factory=ProjectHolder)

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def add_recent_file(self, path: str) -> None:
        files = [path] + [f for f in self.recent_files() if f != path]
        self.settings.setValue("recent_files", files[:MAX_RECENT])

    def settings_language(self) -> str:
        return str(self.settings.value("language", self.lang))

    def threshold(self) -> int:
        """The small-number threshold: the open project's own, else the user's default (5)."""
        project = self.holder.project
        if project is not None:
            return int(project.setting("threshold", self.settings.value("threshold", 5)))
        return int(self.settings.value("threshold", 5))

    def code_scheme(self) -> str:
        project = self.holder.project
        default = str(self.settings.value("code_scheme", "letters"))
        return str(project.setting("code_scheme", default)) if project is not None else default

    def folder(self, kind: str) -> str:
        """A folder the user chose in the settings ("import" or "packs"), or "" for none."""
        return str(self.settings.value(f"folders/{kind}", "") or "")
