"""What a drop on the window or the import wizard brings: its local files, a folder opened to the files in it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent

from klyngedesk.core.cpr import redact
from klyngedesk.i18n import one_line

DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".ods", ".ots", ".tsv")
FOLDER_LIMIT = 500  # files taken from one dropped folder (a drive's root dropped by mistake is not walked whole)


def dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """The local files and folders of a drag (a web link or text brings none)."""
    if not event.mimeData().hasUrls():
        return []
    return [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile() and u.toLocalFile()]


def _hidden(path: Path) -> bool:
    """A system or lock file (".DS_Store", Excel's "~$book.xlsx" while the book is open), never a clinic's file."""
    return path.name.startswith((".", "~$"))


def files_to_import(paths: list[str]) -> list[str]:
    """The dropped files, and for a folder the clinic files in it and its subfolders (by name); a folder
    without any stays itself, so that the importer says what it is. Every other file is kept: the importer
    tells why it cannot be read, nothing is left out silently."""
    files: list[str] = []
    for path in paths:
        folder = Path(path)
        if not folder.is_dir():
            files.append(path)
            continue
        found: list[str] = []
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [str(Path(root) / n) for n in sorted(names)
                      if n.lower().endswith(DATA_SUFFIXES) and not _hidden(Path(n))]
            if len(found) >= FOLDER_LIMIT:
                break
        files += found[:FOLDER_LIMIT] or [path]
    return list(dict.fromkeys(files))


def shown_name(path: str) -> str:
    """A dropped file's name as a message shows it: one line, anything shaped like a CPR number masked (as the
    import shows it)."""
    return one_line(redact(Path(path).name))
