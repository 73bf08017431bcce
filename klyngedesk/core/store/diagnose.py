"""Why a project file could not be opened or written, as a sentence naming the file and what to do."""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
from pathlib import Path

from klyngedesk.i18n import KlyngeError, one_line

# SQLite's unix VFS refuses full paths longer than 512 bytes (its MAX_PATHNAME), side files included.
SQLITE_MAX_PATH = 512
_SIDE_SUFFIX = "-journal"


def path_too_long(path: Path) -> bool:
    return len(os.fsencode(os.path.abspath(path))) + len(_SIDE_SUFFIX) > SQLITE_MAX_PATH


def shown(path: Path | str) -> str:
    """A path as one line of a message (see i18n.one_line)."""
    return one_line(path if isinstance(path, str) else os.fsdecode(path))


class StoreError(KlyngeError):
    """The project file cannot be read or written for a reason outside KlyngeDesk (disk, rights, path)."""


class ProjectMoved(StoreError):
    """The open project's file was moved, renamed or deleted under it: a write would be lost."""


class ProjectTooNew(KlyngeError):
    """The file was written by a newer KlyngeDesk."""


class ProjectLocked(KlyngeError):
    """Another running program is writing the file."""


class ProjectUnreadable(KlyngeError):
    """The file is not a KlyngeDesk project or is damaged."""


def _sqlite_code(exc: BaseException) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name:
        return name.split("_")[1] if name.count("_") >= 1 else name
    text = str(exc).lower()
    for needle, code in (("disk is full", "FULL"), ("database or disk is full", "FULL"),
                         ("readonly", "READONLY"), ("read-only", "READONLY"), ("malformed", "CORRUPT"),
                         ("not a database", "NOTADB"), ("disk i/o", "IOERR"), ("unable to open", "CANTOPEN"),
                         ("locked", "BUSY"), ("busy", "BUSY")):
        if needle in text:
            return code
    return ""


def _outside_scratch(path: Path) -> Path:
    """A file inside a hidden `.partial` folder (a pack being written) is named by the folder it goes into."""
    for parent in [path, *path.parents]:
        if parent.name.startswith(".") and parent.name.endswith(".partial"):
            return parent.parent
    return path


SHARING_VIOLATIONS = (32, 33)  # Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION (a file open elsewhere)
_PROBED_FILES = 2000  # files of a refused folder tried for the one held open (a pack has a few dozen)


def _held_open(path: Path) -> bool:
    """Another program holds the file open so that it cannot be written or replaced (Windows: a PDF viewer,
    Excel), while its rights would allow it."""
    try:
        with open(path, "r+b"):
            return False
    except PermissionError as exc:
        return getattr(exc, "winerror", None) in SHARING_VIOLATIONS or os.access(path, os.W_OK)
    except OSError:
        return False


def held_open_file(exc: OSError) -> Path | None:
    """For a refused write, rename or removal: the file (or a file inside the folder) another program has open."""
    if exc.errno not in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return None
    for name in (exc.filename, exc.filename2):
        if not name:
            continue
        where = Path(os.fsdecode(name))
        if where.is_file() and _held_open(where):
            return where
        if where.is_dir():
            inside = itertools.islice((p for p in where.rglob("*") if p.is_file()), _PROBED_FILES)
            found = next((p for p in inside if _held_open(p)), None)
            if found is not None:
                return found
    return None


def explain_os(exc: OSError, path: Path | None = None) -> KlyngeError:
    """A sentence for an error of the operating system, naming the file it met; never the OS's English."""
    where = _outside_scratch(Path(os.fsdecode(exc.filename)) if exc.filename else (path or Path(".")))
    p, folder = shown(where), shown(where.parent)
    code = exc.errno
    held = held_open_file(exc)
    if held is not None:
        return StoreError("{path} is open in another program (a PDF viewer, Excel or a preview), so KlyngeDesk "
                          "cannot replace it. Close the file there and try again; nothing was changed.",
                          path=shown(held))
    if getattr(exc, "winerror", None) in SHARING_VIOLATIONS:
        return StoreError("A file in {path} is open in another program (a PDF viewer, Excel or a preview), so "
                          "KlyngeDesk cannot replace it. Close the files from that folder there and try again; "
                          "nothing was changed.", path=shown(where if where.is_dir() else where.parent))
    if code in (errno.ENOSPC, errno.EDQUOT):
        return StoreError("The disk holding {path} is full. Free some space (or move the project to another "
                          "disk) and try again; the project was not changed.", path=p)
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        if where.is_dir():
            return StoreError("KlyngeDesk may not write in the folder {folder} (it is read-only or you lack the "
                              "rights). Choose another folder, or ask for write access.", folder=p)
        return StoreError("KlyngeDesk may not write in the folder {folder} (it is read-only or you lack the "
                          "rights). Copy {path} to a folder you can write in, or ask for write access.",
                          folder=folder, path=p)
    if code == errno.ENAMETOOLONG:
        return StoreError("The path to {path} is too long for the system. Move the file to a folder with a "
                          "shorter path and open it there.", path=p)
    if code == errno.ENOENT:
        return StoreError("The folder {folder} does not exist. Choose an existing folder or create it first.",
                          folder=folder if not where.parent.is_dir() else p)
    if code == errno.EISDIR:
        return StoreError("{path} is a folder, not a file. Choose another name.", path=p)
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocking = next((q for q in [where, *where.parents] if q.exists() and not q.is_dir()), where)
        return StoreError("{path} is a file, not a folder. Choose a folder (or a new folder name) instead.",
                          path=shown(blocking))
    return StoreError("{path} could not be read or written (system error {code}). Check the disk and the "
                      "file's rights and try again; the project was not changed.",
                      path=p, code=errno.errorcode.get(code or 0, str(code)))


def is_storage_failure(exc: BaseException) -> bool:
    """A failure of the disk, the rights or the file itself (not of KlyngeDesk's own SQL or constraints)."""
    return _sqlite_code(exc) in ("FULL", "READONLY", "CORRUPT", "NOTADB", "IOERR", "CANTOPEN", "BUSY")


def explain(path: Path, exc: BaseException, *, writing: bool = True) -> KlyngeError:
    """A KlyngeError in the user's language for an OSError or sqlite3 error met on the project file.

    The English text of the OS or SQLite is never put into the sentence; the kind of failure is."""
    if isinstance(exc, KlyngeError):
        return exc
    p = shown(path)
    folder = shown(path.parent)
    if isinstance(exc, OSError):
        return explain_os(exc, path)
    kind = _sqlite_code(exc)
    if kind == "FULL":
        return StoreError("The disk holding {path} is full. Free some space (or move the project to another "
                          "disk) and try again; the project was not changed.", path=p)
    if kind == "READONLY":
        if path.exists() and not os.access(path, os.W_OK):
            return StoreError("{path} is write-protected, so KlyngeDesk can only read it. Remove the write "
                              "protection (file properties) or open it read-only.", path=p)
        return StoreError("KlyngeDesk may not write in the folder {folder} (it is read-only or you lack the "
                          "rights). Copy {path} to a folder you can write in, or ask for write access.",
                          folder=folder, path=p)
    if kind == "NOTADB":
        return ProjectUnreadable("{path} is not a KlyngeDesk project file.", path=p)
    if kind == "CORRUPT":
        return ProjectUnreadable("{path} is damaged (part of the file cannot be read). Open the latest backup copy "
                          "(a .backup.klynge file, or your own backup) instead; KlyngeDesk did not change it.",
                          path=p)
    if kind == "BUSY":
        return StoreError("{path} is busy in another program. Close it there and try again.", path=p)
    if kind == "CANTOPEN" or isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
        if path_too_long(path):
            return StoreError("The path to {path} is too long (at most about {limit} bytes). Move the file to a "
                              "folder with a shorter path and open it there.", path=p, limit=SQLITE_MAX_PATH - 12)
        if not path.parent.is_dir():
            return StoreError("The folder {folder} does not exist. Choose an existing folder or create it first.",
                              folder=folder)
        if path.is_dir():
            return StoreError("{path} is a folder, not a file. Choose another name.", path=p)
        if writing and not os.access(path.parent, os.W_OK):
            return StoreError("KlyngeDesk may not write in the folder {folder} (it is read-only or you lack the "
                              "rights). Copy {path} to a folder you can write in, or ask for write access.",
                              folder=folder, path=p)
        return StoreError("{path} could not be opened. Check that the file and its folder exist and that you may "
                          "read them.", path=p)
    if kind == "IOERR":
        return StoreError("Reading or writing {path} failed (a disk or network error). Check the disk or the "
                          "network drive and try again; the project was not changed.", path=p)
    return ProjectUnreadable("{path} is not a KlyngeDesk project file or it is damaged. Open the latest backup copy "
                      "instead; KlyngeDesk did not change the file.", path=p)
