"""An OS-level advisory lock beside the project file so only one program writes it at a time."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path
from typing import IO, Any

# Windows locks byte ranges mandatorily: a locked byte cannot be read by anyone else. The lock is
# therefore taken on one byte far past the owner JSON (as SQLite does with its lock bytes), so a second
# program can still read who holds the lock and say "already open in process N on host H".
LOCK_OFFSET = 1 << 30


class LockHeld(Exception):
    """Another process (or another handle in this one) holds the lock; `owner` says who."""

    def __init__(self, owner: dict[str, Any]) -> None:
        super().__init__(owner)
        self.owner = owner


class _PosixBackend:
    """flock(2): per open file description, freed by the kernel when the process dies."""

    def lock(self, fh: IO[str]) -> None:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock(self, fh: IO[str]) -> None:  # closing the descriptor releases it as well
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class _WindowsBackend:
    """msvcrt.locking on the byte at LOCK_OFFSET; the owner JSON at offset 0 stays readable."""

    def lock(self, fh: IO[str]) -> None:  # pragma: no cover - exercised on Windows (and by a fake in tests)
        import msvcrt

        fh.seek(LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        finally:
            fh.seek(0)

    def unlock(self, fh: IO[str]) -> None:  # pragma: no cover
        import msvcrt

        fh.seek(LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        finally:
            fh.seek(0)


def default_backend() -> _PosixBackend | _WindowsBackend:
    return _WindowsBackend() if os.name == "nt" else _PosixBackend()


class WriterLock:
    """Holds `<project>.lock` exclusively; the OS frees it when the process dies, so no stale locks.

    The lock file also lists scratch folders the holder is writing (a pack's hidden `.partial` folder):
    the next holder removes those a killed program left behind."""

    def __init__(self, project_path: Path, backend: _PosixBackend | _WindowsBackend | None = None) -> None:
        self.path = project_path.with_name(project_path.name + ".lock")
        self._backend = backend or default_backend()
        self._fh: IO[str] | None = None
        self._owner: dict[str, Any] = {}

    def acquire(self) -> None:
        # newline="" and a UTF-8 JSON with ensure_ascii keep the content the same bytes on every platform.
        fh = open(self.path, "a+", encoding="utf-8", newline="")  # noqa: SIM115 - held open while locked
        try:
            self._backend.lock(fh)
        except OSError:
            owner = _read_owner(fh)
            fh.close()
            raise LockHeld(owner) from None
        except BaseException:
            fh.close()
            raise
        previous = _read_owner(fh)
        self._fh = fh
        self._owner = {"pid": os.getpid(), "host": socket.gethostname()}
        self._write()
        _remove_scratch(previous.get("scratch", []))

    def note_scratch(self, folder: Path) -> None:
        """Remember a folder being written; a later holder removes it if this program dies first."""
        if self._fh is None:
            return
        names = self._owner.setdefault("scratch", [])
        if str(folder) not in names:
            names.append(str(folder))
            self._write()

    def _write(self) -> None:
        assert self._fh is not None
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(json.dumps(self._owner))
        self._fh.flush()

    def release(self) -> None:
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        try:
            fh.seek(0)
            fh.truncate()
            self._backend.unlock(fh)
        except OSError:
            pass
        finally:
            fh.close()  # closing the descriptor releases the OS lock
        # The (now empty) lock file stays: unlinking it would let two later openers lock two
        # different inodes at once.


def _read_owner(fh: IO[str]) -> dict[str, Any]:
    try:
        fh.seek(0)
        owner = json.loads(fh.read(64 * 1024) or "{}")
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _remove_scratch(folders: object) -> None:
    """Remove hidden `.partial` folders a killed holder listed; nothing else, whatever the file says."""
    if not isinstance(folders, list):
        return
    for name in folders:
        if not isinstance(name, str):
            continue
        folder = Path(name)
        if folder.name.startswith(".") and folder.name.endswith(".partial") and folder.is_dir() \
                and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
