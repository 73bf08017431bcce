"""An OS-level advisory lock beside the project file so only one program writes it at a time."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl


class LockHeld(Exception):
    """Another process (or another handle in this one) holds the lock; `owner` says who."""

    def __init__(self, owner: dict) -> None:
        super().__init__(owner)
        self.owner = owner


class WriterLock:
    """Holds `<project>.lock` exclusively; the OS frees it when the process dies, so no stale locks."""

    def __init__(self, project_path: Path) -> None:
        self.path = project_path.with_name(project_path.name + ".lock")
        self._fh = None

    def acquire(self) -> None:
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open while locked
        try:
            if os.name == "nt":  # pragma: no cover
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            try:
                owner = json.loads(fh.read() or "{}")
            except ValueError:
                owner = {}
            fh.close()
            raise LockHeld(owner) from None
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        try:
            fh.seek(0)
            fh.truncate()
        finally:
            fh.close()  # closing the descriptor releases the OS lock
        # The (now empty) lock file stays: unlinking it would let two later openers lock two
        # different inodes at once.
