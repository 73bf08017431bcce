"""Typed settings: keys, types and defaults, resolved project → user default → built-in, for core and GUI alike."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T", int, str, bool)
CONFIG_ENV = "KLYNGEDESK_CONFIG_DIR"   # points the user defaults elsewhere (portable use, tests)
FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its key in the project file and the user defaults, its type, its built-in default and
    the values it may take (a value of the wrong type or out of range is ignored, never used)."""

    key: str
    type: type[T]
    default: T
    choices: tuple[T, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, value: object) -> T | None:
        """The value as this setting's type, or None if it is not a valid value for it."""
        if self.type is bool:
            parsed: Any = value if isinstance(value, bool) else {"true": True, "false": False}.get(str(value).lower())
        elif self.type is int:
            if isinstance(value, bool):
                return None
            try:
                parsed = int(str(value).strip())
            except ValueError:
                return None
            if (self.minimum is not None and parsed < self.minimum) or \
                    (self.maximum is not None and parsed > self.maximum):
                return None
        else:
            parsed = value if isinstance(value, str) else None
        if parsed is None or (self.choices and parsed not in self.choices):
            return None
        return parsed


THRESHOLD: Setting[int] = Setting("threshold", int, 5, minimum=1, maximum=50)
CODE_SCHEME: Setting[str] = Setting("code_scheme", str, "letters", choices=("letters", "numbers"))
LIST_SIZE_DISPLAY: Setting[str] = Setting("list_size_display", str, "bands", choices=("bands", "hidden", "exact"))
OVERDISPERSION: Setting[bool] = Setting("overdispersion", bool, True)
SETTINGS: dict[str, Setting[Any]] = {s.key: s for s in (THRESHOLD, CODE_SCHEME, LIST_SIZE_DISPLAY, OVERDISPERSION)}


class _HasSettings(Protocol):
    def setting(self, name: str, default: Any = None) -> Any: ...


def config_dir() -> Path:
    """Where the user's defaults live: $KLYNGEDESK_CONFIG_DIR, else the platform's place for settings."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "KlyngeDesk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "KlyngeDesk"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "klyngedesk"


class UserDefaults:
    """The user's own defaults for new projects (a small JSON file), read by the CLI and the GUI alike."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILE_NAME

    def values(self) -> dict[str, Any]:
        """The stored defaults that are valid for their setting (an unreadable file counts as none)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, Mapping):
            return {}
        out = {}
        for key, value in raw.items():
            setting = SETTINGS.get(key)
            parsed = setting.parse(value) if setting else None
            if parsed is not None:
                out[key] = parsed
        return out

    def get(self, setting: Setting[T]) -> T | None:
        return self.values().get(setting.key)

    def set(self, setting: Setting[T], value: T) -> None:
        """Store a default (refused if it is not a valid value); written whole via a temporary file."""
        parsed = setting.parse(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not a valid value for the setting {setting.key}")
        values = {**self.values(), setting.key: parsed}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(json.dumps(values, indent=2, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.path)


def resolve(setting: Setting[T], project: _HasSettings | None = None, user: UserDefaults | None = None) -> T:
    """The value in force: the project's own, else the user's default, else the built-in default."""
    if project is not None:
        own = setting.parse(project.setting(setting.key))
        if own is not None:
            return own
    default = (user or UserDefaults()).get(setting)
    return setting.default if default is None else default

