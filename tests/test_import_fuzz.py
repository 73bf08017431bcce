"""Fuzzing through calamine's child: seeded mutations of xlsx, ods, xls and csv files, a zip bomb, deeply
nested XML, a million-row sheet, 16,384 columns and a huge shared-strings table are each read or refused in
Danish, in bounded memory, without a traceback, and an import of them stores nothing (core and CLI)."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import clinic_files as cf
import pytest
from conftest import EXTERNAL
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.tables import col_letter
from klyngedesk.core.store import Project

SEED = 20261202
MUTANTS = 14  # per base file: about 60 files in all, each inspected in a few tens of milliseconds
RSS_LIMIT_MB = 600  # the million-row sheet is read (1,048,576 rows are within the cell limit): ~400 MB
GUARD_SECONDS = 600  # a guard against a hang, not a timing assertion
_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from klyngedesk.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("RSS_KB=%d" % peak, file=sys.stderr)
sys.exit(code)
"""


def _xlsx_base() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi", "dato", "andel"])
    for i in range(12):
        ws.append([f"{100000 + i}", f"Lægehuset {i}", "kol_patienter", "2026H1", i * 7, date(2026, 1 + i, 1),
                   i / 20])
        ws.cell(row=i + 2, column=7).number_format = "0%"
    ws["H2"] = "=E2*2"
    ws.append(["I alt", None, None, None, "=SUM(E2:E13)"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bases() -> dict[str, bytes]:
    """One file of each kind to mutate: ours (xlsx, csv) and others' (ods, xls) when the checkout has them."""
    out = {"base.xlsx": _xlsx_base(),
           "base.csv": ("ydernummer;praksis;maaling;periode;vaerdi\n" + "".join(
               f"{100000 + i};Lægehuset {i};kol_patienter;2026H1;{i},5\n" for i in range(12))).encode()}
    for name in ("lib_calamine_merged_cells.ods", "lib_calamine_xls_wrong_decimals.xls", "dk_regiondk_GP.xlsx"):
        if (EXTERNAL / name).exists():
            out[f"ext{Path(name).suffix}" if name.endswith((".ods", ".xls")) else "ext.xlsx"] = \
                (EXTERNAL / name).read_bytes()
    return out


def _mutate_text(rng: random.Random, text: bytes) -> bytes:
    """A few edits of the kinds that break a parser: a tag cut, a quote or an entity left open, a reference
    made absurd, a span repeated (bounded), bytes thrown in."""
    data = bytearray(text)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(max(len(data), 1))
        how = rng.randrange(7)
        if how == 0:
            del data[at:at + rng.randint(1, 40)]
        elif how == 1:
            data[at:at] = rng.choice([b"<", b">", b'"', b"&", b"&#x0;", b"</", b"<c r=\"XFD1048576\">",
                                      b"<![CDATA[", b"\xff\xfe", b"\x00"])
        elif how == 2:
            data[at:at] = bytes(data[at:at + 60]) * rng.randint(2, 200)
        elif how == 3:
            data[at:at] = str(rng.choice([0, -1, 2 ** 31, 2 ** 63, 10 ** 30])).encode()
        elif how == 4 and data:
            data[at] = rng.randrange(256)
        elif how == 5:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
        else:
            data[at:] = data[at:at + rng.randint(0, 100)]
    return bytes(data)


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Raw mutations of the file, or (for a zip) of one inflated member written back into a valid zip."""
    if data[:2] == b"PK" and rng.random() < 0.6:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            names = src.namelist()
            victim = rng.choice(names)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for name in names:
                    body = src.read(name)
                    z.writestr(name, _mutate_text(rng, body) if name == victim else body)
            return out.getvalue()
    return _mutate_text(rng, data)


def _mutants(folder: Path) -> list[Path]:
    rng = random.Random(SEED)
    paths = []
    for name, data in _bases().items():
        for i in range(MUTANTS):
            path = folder / f"{Path(name).stem}_{i:02d}{Path(name).suffix}"
            path.write_bytes(_mutate(rng, data))
            paths.append(path)
    return paths


def _hostile(folder: Path) -> list[Path]:
    """The large attacks, written by hand (each a few MB at most on disk)."""
    def write(name: str, data: bytes) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 1_048_577))
    columns = "".join(f'<row r="{r}">' + "".join(f'<c r="{col_letter(c)}{r}"><v>{c}</v></c>' for c in range(16_384))
                      + "</row>" for r in range(1, 4))
    shared = "".join(f"<si><t>tekst {i}</t></si>" for i in range(1_000_000))
    nested = "<r>" * 200_000 + "<t>x</t>" + "</r>" * 200_000
    return [cf.zip_bomb(folder), cf.xml_entity_bomb(folder),
            write("million_rows.xlsx", cf.package_xlsx(rows)),
            write("xfd_columns.xlsx", cf.package_xlsx(columns)),
            write("huge_shared_strings.xlsx", cf.package_xlsx(
                '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>999999</v></c></row>', shared=shared)),
            write("nested_cell.xlsx", cf.package_xlsx(f'<row r="1"><c r="A1" t="inlineStr"><is>{nested}</is></c></row>')),
            write("nested_sheet.xlsx", cf.package_xlsx("<x>" * 200_000 + "</x>" * 200_000 +
                                                        '<row r="1"><c r="A1"><v>1</v></c></row>')),
            write("nested_unclosed.xlsx", cf.package_xlsx("<x>" * 300_000))]


def _danish_refusal(report) -> str:
    assert report.refusal.kind != "internal", report.refusal.message("en")
    da = report.refusal.message("da")
    assert da and da != report.refusal.message("en") and "Traceback" not in da
    return da


def test_every_mutant_is_read_or_refused_in_danish(tmp_path):
    """Core: inspect never raises, never hits an internal error; a refusal is in Danish."""
    outcomes = {"ok": 0, "refused": 0}
    for path in _mutants(tmp_path):
        report = inspect_file(path)
        assert report.status in outcomes, path.name
        outcomes[report.status] += 1
        if report.status == "refused":
            _danish_refusal(report)
    assert outcomes["refused"] and outcomes["ok"]  # the mutations both break files and leave some readable


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _hostile(tmp_path_factory.mktemp("fuzz-hostile"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak memory read from /proc")
def test_cli_inspects_every_attack_in_bounded_memory_without_a_traceback(hostile, tmp_path):
    files = hostile + _mutants(tmp_path)[::5]
    done = subprocess.run([sys.executable, "-c", _CHILD, "--lang", "da", "inspect", *map(str, files), "--json"],
                          capture_output=True, text=True, timeout=GUARD_SECONDS, env=dict(os.environ))
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("RSS_KB="), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr[-2000:]
    assert int(lines[-1].split("=")[1]) // 1024 < RSS_LIMIT_MB
    assert done.returncode == 1  # some file is refused
    entries = {Path(e["path"]).name: e for e in json.loads(done.stdout)["files"]}
    assert len(entries) == len(files)
    for entry in entries.values():
        assert entry["status"] in ("ok", "refused") and entry["refusal"] != "internal", entry
        if entry["status"] == "refused":
            assert entry["message"] and "Traceback" not in entry["message"]
    assert entries["bombe.xlsx"]["refusal"] == "zipbomb"
    assert entries["million_rows.xlsx"]["status"] == "ok"  # within the cell limit: read, not refused
    assert entries["xfd_columns.xlsx"]["status"] == "ok"  # column 2,304 is "CPR" by its letter only


def test_import_of_attacks_stores_nothing_and_says_why_in_danish(hostile, tmp_path, demo_path, capsys):
    """Through `klyngedesk import --yes`: every attack is refused (none maps to the cluster's measures),
    nothing is written, and the console shows Danish words, never a traceback or a panic."""
    with Project.open(demo_path) as project:
        before = (len(project.batches()), len(project.values()))
    files = [p for p in hostile if p.name not in ("million_rows.xlsx", "huge_shared_strings.xlsx")] + \
        _mutants(tmp_path)[::7]  # the two slow reads are inspected above; an import reads as inspect does
    for path in files:
        code = main(["import", str(demo_path), str(path), "--yes"])
        out = capsys.readouterr()
        text = out.out + out.err
        assert "Traceback" not in text and "panicked" not in text, path.name
        assert "Kolonne ALT ->" not in text  # a column's letters are no heading to match a measure by
        if code != 0:
            assert code == 1 and "Intet blev importeret" in text, (path.name, text[-500:])
    with Project.open(demo_path) as project:
        assert (len(project.batches()), len(project.values())) == before
