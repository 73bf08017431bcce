"""The writer lock: a second writer learns who holds the file, on Windows' byte-range locks too."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from klyngedesk.core.store.lock import LOCK_OFFSET, LockHeld, WriterLock, _WindowsBackend


class FakeMsvcrt:
    """msvcrt.locking's rules on Linux: an exclusive lock on bytes [position, position + n) of a file, per
    descriptor, where position is the descriptor's current offset (as on Windows)."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        self.held: dict[tuple[int, int], int] = {}

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == self.LK_UNLCK:
            self.held.pop(key, None)
        elif self.held.get(key, fd) != fd:
            raise PermissionError(13, "Permission denied")
        else:
            self.held[key] = fd

    def readable(self, path: Path, length: int) -> bool:
        """Whether bytes 0..length of the file lie outside every locked range (Windows refuses reads there)."""
        ino = path.stat().st_ino
        return not any(i == ino and offset < length for i, offset in self.held)


def test_second_writer_on_windows_rules_reads_the_owner(tmp_path: Path, monkeypatch) -> None:
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    project = tmp_path / "Klynge.klynge"
    first = WriterLock(project, _WindowsBackend())
    first.acquire()
    owner_bytes = first.path.stat().st_size
    assert fake.held and owner_bytes > 0 and fake.readable(first.path, owner_bytes)
    with pytest.raises(LockHeld) as held:
        WriterLock(project, _WindowsBackend()).acquire()
    assert held.value.owner["pid"] == os.getpid()  # "already open in process N", not a generic error
    first.release()
    assert not fake.held
    again = WriterLock(project, _WindowsBackend())
    again.acquire()
    again.release()


def test_lock_offset_is_far_past_any_owner_record() -> None:
    assert LOCK_OFFSET >= 1 << 20


def test_posix_lock_refuses_a_second_handle_and_frees_on_release(tmp_path: Path) -> None:
    project = tmp_path / "Klynge.klynge"
    first = WriterLock(project)
    first.acquire()
    with pytest.raises(LockHeld) as held:
        WriterLock(project).acquire()
    assert held.value.owner["pid"] == os.getpid()
    first.release()
    second = WriterLock(project)
    second.acquire()
    second.release()


def test_scratch_folders_of_a_dead_holder_are_removed_and_nothing_else(tmp_path: Path) -> None:
    project = tmp_path / "Klynge.klynge"
    partial, other = tmp_path / ".2026-12 Møde.partial", tmp_path / "Vigtig mappe"
    partial.mkdir()
    other.mkdir()
    lock = WriterLock(project)
    lock.acquire()
    lock.note_scratch(partial)
    lock.note_scratch(other)  # not a hidden .partial folder: never removed, whatever the lock file says
    lock._fh.close()  # the process dies: the OS frees the lock, the file keeps its content
    lock._fh = None
    WriterLock(project).acquire()
    assert not partial.exists() and other.exists()
