"""The explicit application context handed to every window part (no global singletons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QSettings, Signal

from klyngedesk.core.settings import CODE_SCHEME, THRESHOLD, UserDefaults, resolve
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

    def __post_init__(self) -> None:
        """Upgrade step: threshold and code scheme once kept as user defaults in QSettings move to the core's
        user defaults (read by the CLI too), unless those already hold a value."""
        user = UserDefaults()
        for setting in (THRESHOLD, CODE_SCHEME):
            old = self.settings.value(setting.key)
            parsed = setting.parse(old) if old is not None else None
            if parsed is not None and user.get(setting) is None:
                user.set(setting, parsed)
            if old is not None:
                self.settings.remove(setting.key)

    def threshold(self) -> int:
        """The small-number threshold: the open project's own, else the user's default, else 5."""
        return resolve(THRESHOLD, self.holder.project)

    def code_scheme(self) -> str:
        return resolve(CODE_SCHEME, self.holder.project)

    def folder(self, kind: str) -> str:
        """A folder the user chose in the settings ("import" or "packs"), or "" for none."""
        return str(self.settings.value(f"folders/{kind}", "") or "")
