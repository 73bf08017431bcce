"""Locates bundled resources (fonts, translations, topic packages, icons) wherever we run from."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The resources folder: inside the installed package, a PyInstaller bundle, or the source tree."""
    candidates = [_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "klyngedesk" / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("KlyngeDesk resources folder not found (looked in: "
                            + ", ".join(str(c) for c in candidates) + ")")


def resource_path(*parts: str) -> Path:
    """Path of one resource file, e.g. resource_path("i18n", "da.json")."""
    return resources_dir().joinpath(*parts)
