"""A workbook parse that aborts, allocates without end or never ends refuses the file; the program lives on."""

from __future__ import annotations

import os
import sys
import time

import pytest

from klyngedesk.core.ingest import isolated
from klyngedesk.core.ingest.problems import FileRefused

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the parse is isolated in a fork")


def _refused(monkeypatch, parse, **kwargs) -> FileRefused:
    monkeypatch.setattr(isolated, "parse", parse)
    with pytest.raises(FileRefused) as caught:
        isolated.read_isolated(b"PK\x03\x04 whatever", "xlsx", **kwargs)
    return caught.value


def test_native_abort_in_the_parse_refuses_the_file(monkeypatch):
    refusal = _refused(monkeypatch, lambda data: os.abort())  # what a Rust abort does to the process
    assert refusal.kind == "corrupt"
    assert "beskadiget" in refusal.message("da")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux's RLIMIT_AS")
def test_runaway_allocation_is_capped_and_refused(monkeypatch):
    def allocate(data):
        hog = []
        while True:  # far past the cap: without it this would take the machine's memory
            hog.append(bytearray(256 << 20))
    assert _refused(monkeypatch, allocate).kind == "corrupt"


def test_parse_that_never_ends_is_killed_and_refused(monkeypatch):
    start = time.monotonic()
    assert _refused(monkeypatch, lambda data: time.sleep(120), timeout=1.0).kind == "corrupt"
    assert time.monotonic() - start < 60  # killed at its time limit, not waited for


def test_password_and_damage_reported_from_the_child(monkeypatch):
    assert _refused(monkeypatch, lambda data: "encrypted").kind == "encrypted"
    assert _refused(monkeypatch, lambda data: "corrupt").kind == "corrupt"


def test_cells_of_every_kind_come_back_exactly(monkeypatch):
    from datetime import date, datetime, timedelta

    sheets = [("Ark1", False, [["a", 1.5, 2, True, None], [date(2026, 7, 1), datetime(2026, 7, 1, 8, 30),
                                                           timedelta(days=1), "", -0.0]], [((0, 0), (0, 1))]),
              ("Skjult", True, [["x"]], [])]
    monkeypatch.setattr(isolated, "parse", lambda data: sheets)
    assert isolated.read_isolated(b"", "xlsx") == sheets
    plain = [("Ark1", False, [["a", 1.5, 2, True, None]], [])]
    monkeypatch.setattr(isolated, "parse", lambda data: plain)
    assert isolated.read_isolated(b"", "ods") == plain


def test_import_of_a_file_that_aborts_calamine_stores_nothing_and_says_so_in_danish(demo_path, tmp_path, capsys,
                                                                                   monkeypatch):
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    import clinic_files as cf

    from klyngedesk.cli.main import main
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        clinic = cf.demo_clinics(project)[0]
        batches = len(project.batches())
        values = len(project.values())
    path = cf.filled_template(tmp_path, clinic, "2026H1").path
    monkeypatch.setattr(isolated, "parse", lambda data: os.abort())
    assert main(["import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr()
    assert "beskadiget" in err.out + err.err and "Traceback" not in err.out + err.err
    with Project.open(demo_path) as project:
        assert len(project.batches()) == batches and len(project.values()) == values
