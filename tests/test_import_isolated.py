"""A workbook parse that aborts, allocates without end or never ends refuses the file; the program lives on."""

from __future__ import annotations

import os
import sys
import time

import pytest
from conftest import EXTERNAL

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


# --- the parse starts at once and the checks of the file run meanwhile; without fork it is spawned ------------
def spawned_abort(data):  # module level: a spawned child imports it by name
    os.abort()


def spawned_hang(data):
    time.sleep(120)


def spawned_encrypted(data):
    return "encrypted"


def _workbooks(tmp_path):
    """A workbook of ours (texts, numbers, dates, an empty cell, a second sheet) and ods, xls and xlsx files
    written by others, one of them with a password."""
    from datetime import date

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "praksis", "periode", "vaerdi"])
    for i in range(700):  # large enough to go column by column
        ws.append([f"{100000 + i % 37}", f"Lægehuset {i % 37}", date(2026, 1 + i % 12, 1), i * 0.5 - 3])
    ws.append(["100001", None, "2026H1", 7])
    wb.create_sheet("Noter").append(["note", 1.25])
    xlsx = tmp_path / "k.xlsx"
    wb.save(xlsx)
    others = ("lib_calamine_merged_cells.ods", "lib_calamine_number_rows_repeated.ods",
              "lib_calamine_xls_wrong_decimals.xls", "lib_csvkit_test_skip_lines.xls", "dk_regiondk_GP.xlsx",
              "lib_calamine_date_1904.xlsx", "lib_calamine_pass_protected.xlsx")
    return [xlsx] + [EXTERNAL / name for name in others if (EXTERNAL / name).exists()]


def _outcome(data: bytes, fmt: str):
    try:
        return isolated.read_isolated(data, fmt)
    except FileRefused as refused:
        return refused.kind


def test_spawned_parse_reads_every_workbook_as_the_fork_does(monkeypatch, tmp_path):
    files = _workbooks(tmp_path)
    assert len(files) > 1 or not EXTERNAL.exists()
    for path in files:
        data = path.read_bytes()
        fmt = path.suffix.lstrip(".")
        monkeypatch.setattr(isolated, "FORK", True)
        forked = _outcome(data, fmt)
        monkeypatch.setattr(isolated, "FORK", False)
        assert _outcome(data, fmt) == forked, path.name
        assert isinstance(forked, str if "pass_protected" in path.name else list), (path.name, forked)


def test_spawned_abort_hang_and_password_refuse_the_file(monkeypatch):
    monkeypatch.setattr(isolated, "FORK", False)
    for parse, kind, timeout in ((spawned_abort, "corrupt", 60.0), (spawned_hang, "corrupt", 3.0),
                                 (spawned_encrypted, "encrypted", 60.0)):
        start = time.monotonic()
        assert _refused(monkeypatch, parse, timeout=timeout).kind == kind
        assert time.monotonic() - start < 50  # the hang is killed at its limit


def test_import_without_fork_stores_the_file_and_refuses_an_abort_in_danish(demo_path, tmp_path, capsys,
                                                                           monkeypatch):
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    import clinic_files as cf

    from klyngedesk.cli.main import main
    from klyngedesk.core.store import Project

    monkeypatch.setattr(isolated, "FORK", False)
    with Project.open(demo_path) as project:
        clinics = cf.demo_clinics(project)
        batches = len(project.batches())
    good = cf.filled_template(tmp_path, clinics[0], "2026H1").path
    bad_folder = tmp_path / "bad"
    bad_folder.mkdir()
    bad = cf.filled_template(bad_folder, clinics[1], "2026H1").path
    monkeypatch.setattr(isolated, "parse", spawned_abort)
    assert main(["import", str(demo_path), str(bad), "--yes"]) == 1
    err = capsys.readouterr()
    assert "beskadiget" in err.out + err.err and "Traceback" not in err.out + err.err
    monkeypatch.undo()
    monkeypatch.setattr(isolated, "FORK", False)
    assert main(["import", str(demo_path), str(good), "--yes"]) == 0
    with Project.open(demo_path) as project:
        assert len(project.batches()) == batches + 1


def test_large_sheet_comes_back_exactly_column_by_column(monkeypatch):
    """The columnar transfer: floats (with -0.0, infinities and NaN), repeated and distinct texts, mixed
    columns, dates, booleans; a ragged sheet as rows; texts shared between rows, never merged with numbers."""
    import math
    from datetime import date

    rows = [[f"K{i % 17}", float(i) / 3, "x" if i % 2 else 1.0, date(2026, 1, 1) if i % 5 else True,
             f"unik {i}"] for i in range(3000)]
    rows[7][1], rows[8][1], rows[9][1], rows[10][1] = -0.0, math.inf, -math.inf, math.nan
    ragged = [["a"], ["b", 2.0]] * 1500
    sheets = [("Stor", False, rows, []), ("Skæv", False, ragged, [((0, 0), (1, 1))]),
              ("Tal", True, [[float(i), 1] for i in range(1500)], [])]
    monkeypatch.setattr(isolated, "parse", lambda data: sheets)
    back = isolated.read_isolated(b"", "xlsx")
    assert [(n, h, m) for n, h, _, m in back] == [(n, h, m) for n, h, _, m in sheets]
    got = back[0][2]
    assert math.isnan(got[10][1]) and math.copysign(1, got[7][1]) == -1 and got[8][1] == math.inf
    got[10][1] = rows[10][1] = 0.0
    assert got == rows and [list(map(type, r)) for r in got] == [list(map(type, r)) for r in rows]
    assert got[0][0] is got[17][0]  # one object per distinct text of a column
    assert back[1][2] == ragged and back[2][2] == sheets[2][2]
    assert all(type(r[1]) is int for r in back[2][2])


def test_a_file_the_guard_refuses_never_reaches_calamine(monkeypatch, tmp_path):
    """The extent guard runs before the child is started: a far cell is refused by its place, unparsed."""
    from klyngedesk.core.ingest import inspect

    started: list[object] = []
    monkeypatch.setattr(inspect, "Parse", lambda *args: started.append(args))
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    import clinic_files as cf

    far = tmp_path / "far.xlsx"
    far.write_bytes(cf.one_sheet_xlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                                      '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    report = inspect.inspect_file(far)
    assert report.status == "refused" and report.refusal.kind == "size" and not started
    assert "XFD1048576" in report.refusal.message("da")


@pytest.mark.parametrize("fork", [True, False])
def test_leaving_before_the_result_ends_the_parse_under_way(monkeypatch, fork):
    """A parse whose result is not needed (the file was refused meanwhile) is ended at once and reaped."""
    monkeypatch.setattr(isolated, "FORK", fork)
    monkeypatch.setattr(isolated, "parse", spawned_hang)
    start = time.monotonic()
    with isolated.Parse(b"PK", "xlsx") as parsing:
        child = parsing.pid if fork else parsing.process
    assert time.monotonic() - start < 30
    if fork:
        with pytest.raises(ChildProcessError):
            os.waitpid(child, os.WNOHANG)  # killed and reaped
    else:
        assert not child.is_alive() and parsing.process is None


def test_the_childs_refusal_comes_before_the_scans_one(monkeypatch, tmp_path):
    """An encrypted file the XML scans find damaged is still refused as encrypted (as when they ran after)."""
    from klyngedesk.core.ingest import sheet_reader

    def damaged(*args):
        raise __import__("zipfile").BadZipFile("x")

    monkeypatch.setattr(sheet_reader, "_xlsx_error_cells", damaged)
    monkeypatch.setattr(isolated, "parse", lambda data: "encrypted")
    with pytest.raises(FileRefused) as caught:
        sheet_reader.read_workbook(b"PK", "xlsx", {})
    assert caught.value.kind == "encrypted"


def test_a_fork_that_fails_falls_back_to_a_spawned_parse(monkeypatch):
    """Out of processes or memory for a fork (EAGAIN, ENOMEM): the file is still parsed, in a spawned process."""
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(isolated.os, "fork", no_fork)
    monkeypatch.setattr(isolated, "parse", spawned_encrypted)
    assert _refused(monkeypatch, spawned_encrypted).kind == "encrypted"


def test_a_child_taken_over_cannot_make_the_parent_run_anything(monkeypatch, tmp_path):
    """What comes back through the pipe is read as cells only: a payload naming any other global (as a child
    taken over by a hostile file could write) refuses the file as damaged and runs nothing."""
    import pickle

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    monkeypatch.setattr(isolated, "_encode", lambda result: pickle.dumps([("Data", False, ("r", [[Evil()]]), [])]))
    assert _refused(monkeypatch, lambda data: [("Data", False, [["x"]], [])]).kind == "corrupt"
    assert not marker.exists()
    monkeypatch.setattr(isolated, "_encode", lambda result: b"\x80\x05garbage")
    assert _refused(monkeypatch, lambda data: [("Data", False, [["x"]], [])]).kind == "corrupt"
    monkeypatch.setattr(isolated, "_encode", lambda result: pickle.dumps([("Data", False, ("c", [("d", b"abc")]),
                                                                           [])]))
    assert _refused(monkeypatch, lambda data: [("Data", False, [["x"]], [])]).kind == "corrupt"


def test_a_spawned_child_that_dies_with_a_large_file_refuses_it_without_blocking(monkeypatch):
    """The file goes to a spawned child on its pipe, not as a start() argument (multiprocessing's start()
    blocked for good when a child died before reading a large argument): a death is a refusal."""
    monkeypatch.setattr(isolated, "FORK", False)
    monkeypatch.setattr(isolated, "parse", spawned_abort)
    with pytest.raises(FileRefused) as caught:
        isolated.read_isolated(b"PK" + os.urandom(8 << 20), "xlsx", timeout=120.0)
    assert caught.value.kind == "corrupt"
