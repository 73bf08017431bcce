"""Hostile files are refused quickly, in little memory, writing nothing: far cells, special files, huge sizes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.store import Project

RSS_LIMIT_MB = 500
GUARD_SECONDS = 120  # a generous guard against hanging, not a timing assertion
_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway allocation fails instead of swapping
from klyngedesk.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
try:  # this program's own peak: ru_maxrss also counts the parent's memory at exec (Linux keeps it)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RSS_KB=%d" % peak, file=sys.stderr)
sys.exit(code)
"""


def _cli(*args: str, env: dict | None = None) -> tuple[int, str, str, int]:
    """Run the CLI in a child process; (exit code, stdout, stderr, peak RSS in MB)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True,
                          timeout=GUARD_SECONDS, env={**os.environ, **(env or {})})
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("RSS_KB="), f"the process died: {done.returncode}\n{done.stderr[-2000:]}"
    return done.returncode, done.stdout, "\n".join(lines[:-1]), int(lines[-1].split("=")[1]) // 1024


def _xlsx(path: Path, cells: list[tuple[str, int, object]], dimension: str | None = None) -> Path:
    """A minimal workbook written by hand, so the XML can say what no spreadsheet program would."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
          '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    rows: dict[int, list[str]] = {}
    for ref, row, value in cells:
        cell = f'<c r="{ref}"><v>{value}</v></c>' if isinstance(value, (int, float)) else \
            f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        rows.setdefault(row, []).append(cell)
    data = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dim}<sheetData>{data}</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, text)
    return path


def _table_cells(yder: str) -> list[tuple[str, int, object]]:
    header = [("A1", 1, "ydernummer"), ("B1", 1, "maaling"), ("C1", 1, "periode"), ("D1", 1, "vaerdi")]
    return header + [("A2", 2, yder), ("B2", 2, "kol_patienter"), ("C2", 2, "2026H1"), ("D2", 2, 120)]


def _ods_repeated(path: Path, rows: int, columns: int) -> Path:
    """An ods whose one content row is repeated `rows` times, each with `columns` repeated filled cells."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="Data"><table:table-row><table:table-cell '
               'office:value-type="string"><text:p>antal</text:p></table:table-cell></table:table-row>'
               f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="float" '
               f'office:value="1" table:number-columns-repeated="{columns}"><text:p>1</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


FAR_CELLS = {
    "xfd.xlsx": ([("A1", 1, 1), ("XFD1048576", 1048576, 2)], "XFD1048576"),  # 2.7 KB that asked for 549 GB
    "sparse.xlsx": ([("A1", 1, 1), ("CV1000000", 1000000, 2)], "CV1000000"),  # 100 million sparse cells
    "corners.xlsx": ([("A1", 1, 1), ("XFD1", 1, "x"), ("A1048576", 1048576, "y")], "XFD1048576"),
}


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every hostile file inspected by one child process (started once: it is the slow part)."""
    folder = tmp_path_factory.mktemp("hostile")
    files: dict[str, Path] = {name: _xlsx(folder / name, cells) for name, (cells, _) in FAR_CELLS.items()}
    files["lying.xlsx"] = _xlsx(folder / "lying.xlsx", _table_cells("123456"), "A1:XFD1048576")
    files["repeated.ods"] = _ods_repeated(folder / "repeated.ods", 1_000_000, 1024)
    files["small.ods"] = _ods_repeated(folder / "small.ods", 3, 2)
    files["folder"] = folder / "mappe"
    files["folder"].mkdir()
    big = folder / "stor.csv"
    with open(big, "wb") as f:
        f.write(b"ydernummer;vaerdi\n")
        f.truncate(2 << 30)  # sparse: takes no disk space
    files["big"] = big
    wide = folder / "bred.csv"
    wide.write_text(";".join(f"k{i}" for i in range(100_000)) + "\n" + ";".join("1" * 100_000) + "\n")
    files["wide"] = wide
    many = folder / "kaempe.csv"
    with open(many, "w") as f:
        f.write("ydernummer;maaling;periode;vaerdi\n")
        f.writelines("123456;kol_patienter;2026H1;x\n" for _ in range(1_000_000))
    files["many"] = many
    for device in ("/dev/zero", "/dev/null"):
        if Path(device).exists():
            files[device] = Path(device)
    code, out, err, rss = _cli("--lang", "da", "inspect", *map(str, files.values()), "--json")
    assert code == 1 and rss < RSS_LIMIT_MB, f"{rss} MB"
    entries = json.loads(out)["files"]
    assert len(entries) == len(files)
    return dict(zip(files, entries, strict=True))


@pytest.mark.parametrize("name", FAR_CELLS)
def test_a_far_cell_is_refused_before_calamine_sees_it(inspected: dict, name: str) -> None:
    entry = inspected[name]
    assert entry["status"] == "refused" and entry["refusal"] == "size"
    assert FAR_CELLS[name][1] in entry["message"] and "Data" in entry["message"]


def test_a_declared_size_that_lies_is_not_trusted(inspected: dict) -> None:
    """<dimension> claims the whole sheet; the cells are a small table: it is read as the small table."""
    entry = inspected["lying.xlsx"]
    assert entry["status"] == "ok" and entry["tables"][0]["rows"] == 1


def test_an_ods_with_repeated_rows_is_refused(inspected: dict) -> None:
    assert inspected["repeated.ods"]["status"] == "refused" and inspected["repeated.ods"]["refusal"] == "size"
    assert inspected["small.ods"]["status"] == "ok"


@pytest.mark.parametrize("name, word", [("/dev/zero", "enhed"), ("/dev/null", "enhed"), ("folder", "mappe")])
def test_devices_and_folders_are_refused_without_reading(inspected: dict, name: str, word: str) -> None:
    if name not in inspected:
        pytest.skip(f"{name} does not exist here")
    entry = inspected[name]
    assert entry["status"] == "refused" and entry["refusal"] == "special" and word in entry["message"]


def test_a_2_gb_file_is_refused_before_it_is_read(inspected: dict) -> None:
    entry = inspected["big"]
    assert entry["status"] == "refused" and entry["refusal"] == "size" and "2.048 MB" in entry["message"]


def test_a_csv_with_100000_columns_gets_a_clear_message(inspected: dict) -> None:
    entry = inspected["wide"]
    assert entry["status"] == "refused" and "100.000 kolonner" in entry["message"]
    assert "beskadiget" not in entry["message"]


def test_a_csv_with_millions_of_cells_is_refused_before_it_is_split(inspected: dict) -> None:
    entry = inspected["many"]
    assert entry["status"] == "refused" and entry["refusal"] == "size" and "celler" in entry["message"]


def test_hostile_files_and_a_fifo_write_nothing_and_leave_no_lock(demo_path: Path, tmp_path: Path) -> None:
    """One import of them all: refused at once (the FIFO is never opened for a blocking read), nothing
    written, and afterwards the project opens for writing (no lock left behind)."""
    files = [_xlsx(tmp_path / "far.xlsx", FAR_CELLS["xfd.xlsx"][0]),
             _ods_repeated(tmp_path / "gentaget.ods", 1_000_000, 1024), tmp_path]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "klinik.csv"
        os.mkfifo(fifo)
        link = tmp_path / "link.xlsx"
        link.symlink_to(fifo)
        files += [fifo, link]
    before = _snapshot(demo_path)
    code, _, err, rss = _cli("--lang", "da", "import", str(demo_path), *map(str, files), "--yes")
    assert code == 1 and rss < RSS_LIMIT_MB and "Intet blev importeret" in err
    if hasattr(os, "mkfifo"):
        assert err.count("navngiven pipe (FIFO)") == 2
    assert _snapshot(demo_path) == before
    with Project.open(demo_path) as project:
        assert not project.readonly


def test_problems_are_capped_per_file(demo_path: Path, tmp_path: Path, capsys) -> None:
    with Project.open(demo_path, readonly=True) as project:
        clinic = cf.demo_clinics(project)[0]
    path = tmp_path / "fejl.csv"
    lines = ["ydernummer;maaling;periode;vaerdi"] + [f"{clinic.yder};kol_patienter;2026H1;x{i}" for i in range(20_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) < 60
    assert any("og 19.950 flere problemer" in line for line in err)


def test_an_importer_bug_is_an_internal_error_with_the_log_not_a_damaged_file(tmp_path: Path, monkeypatch) -> None:
    import klyngedesk.core.ingest.inspect as inspect_module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("cell text 'ZQX-HEMMELIG' 010170-1234")

    monkeypatch.setenv("KLYNGEDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(inspect_module, "find_tables", broken)
    path = cf.standard_csv(tmp_path, [cf.DemoClinic("K01", "123456", "Lægehuset")], "2026H1").path
    report = inspect_file(path)
    assert report.refused and report.refusal.kind == "internal"
    message = report.refusal.message("da")
    assert "intern fejl" in message and "beskadiget" not in message
    log = tmp_path / "data" / "klyngedesk.log"
    assert str(log) in message
    text = log.read_text(encoding="utf-8")
    assert "ZeroDivisionError" in text and "inspect.py" in text
    assert "HEMMELIG" not in text and "010170" not in text and "Lægehuset" not in text


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        return (project.values(history=True).to_dict("records"), len(project.batches()), len(project.audit_log()),
                project.mapping_profiles())


def test_a_bug_while_mapping_is_an_internal_error_and_stores_nothing(demo_path: Path, tmp_path: Path, monkeypatch,
                                                                     capsys) -> None:
    import klyngedesk.core.ingest.importer as importer

    def broken(*args, **kwargs):
        raise KeyError("Lægehuset 010170-1234")

    monkeypatch.setenv("KLYNGEDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(importer, "build_values", broken)
    with Project.open(demo_path, readonly=True) as project:
        path = cf.standard_csv(tmp_path, cf.demo_clinics(project)[:2], "2026H1").path
    before = _snapshot(demo_path)
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "intern fejl" in err and str(tmp_path / "data" / "klyngedesk.log") in err and "010170" not in err
    assert _snapshot(demo_path) == before
    text = (tmp_path / "data" / "klyngedesk.log").read_text(encoding="utf-8")
    assert "KeyError" in text and "010170" not in text and "Lægehuset" not in text


def test_a_far_cell_in_an_xls_is_refused_before_calamine_sees_it(tmp_path: Path, external: Path) -> None:
    """A real .xls whose first number record is moved to IV65536 (calamine would lay out 16.7 M cells)."""
    import struct

    from xlrd.compdoc import CompDoc

    data = bytearray((external / "lib_csvkit_test_skip_lines.xls").read_bytes())
    with open(os.devnull, "w") as quiet:
        stream = CompDoc(bytes(data), logfile=quiet).get_named_stream("Workbook")
    pos = 0
    while True:
        kind, length = struct.unpack_from("<HH", stream, pos)
        if kind == 0x0203:  # NUMBER
            record = stream[pos:pos + 4 + length]
            break
        pos += 4 + length
    at = data.find(record)
    struct.pack_into("<HH", data, at + 4, 65535, 255)
    path = tmp_path / "langt_ude.xls"
    path.write_bytes(bytes(data))
    code, out, _, rss = _cli("--lang", "da", "inspect", str(path), "--json")
    [entry] = json.loads(out)["files"]
    assert code == 1 and rss < RSS_LIMIT_MB and entry["refusal"] == "size" and "IV65536" in entry["message"]
