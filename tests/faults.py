"""Real faults for tests: a tiny or read-only file system (tmpfs, bind mounts) when running as root."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run(*args: str) -> bool:
    return subprocess.run(list(args), capture_output=True).returncode == 0


def can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and _run("mount", "--version")


@contextlib.contextmanager
def tiny_disk(where: Path, size: str = "1m") -> Iterator[Path]:
    """A small tmpfs at `where` (root only; otherwise the test is skipped)."""
    where.mkdir(parents=True, exist_ok=True)
    if not can_mount() or not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)):
        pytest.skip("needs root and mount for a real small file system (the simulated variant runs anyway)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> None:
    """Take every free byte of the file system."""
    for name, block in (("fyld.bin", 65536), ("fyld2.bin", 512)):
        with contextlib.suppress(OSError), open(disk / name, "wb", buffering=0) as fh:
            while True:
                fh.write(b"\0" * block)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """The file or folder cannot be written, as a 0444 file or a read-only folder/mount is to a user.

    Root ignores file modes, so as root a read-only bind mount does it (EROFS); otherwise chmod."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if not can_mount() or not _run("mount", "--bind", str(path), str(path)):
            pytest.skip("root without mount cannot make a file read-only")
        try:
            if not _run("mount", "-o", "remount,ro,bind", str(path), str(path)):
                pytest.skip("read-only bind mounts are not allowed here")
            yield path
        finally:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield path
        finally:
            path.chmod(mode)
