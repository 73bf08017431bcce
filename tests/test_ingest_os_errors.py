"""A file the operating system will not let us read is refused in Danish, never with the OS's English text."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import klyngedesk.core.ingest.inspect as inspect_module
from klyngedesk.core.ingest import inspect_file


@pytest.mark.parametrize(("code", "words"), [(errno.EACCES, "rettigheder"), (errno.ENOENT, "findes ikke længere"),
                                             (errno.EIO, "systemfejl EIO")])
def test_an_unreadable_file_is_refused_in_danish(tmp_path: Path, monkeypatch, code: int, words: str) -> None:
    path = tmp_path / "klinik.csv"
    path.write_text("ydernummer;vaerdi\n012345;7\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise OSError(code, "Permission denied or some other English text", str(path))

    monkeypatch.setattr(inspect_module, "read_bounded", refuse)
    report = inspect_file(path)
    assert report.refused and report.refusal.kind == "unreadable"
    message = report.refusal.message("da")
    assert words in message
    assert "Permission" not in message and "English" not in message
