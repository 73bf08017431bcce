"""Damaged containers the readers choke on (xlrd's assertions, zip versions, XML encodings) and seeded random
damage to every kind of file: always a refusal in Danish, never an internal error or a traceback."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.core.ingest import inspect_file, plan_import


def _xls(rows: int = 30) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    for r in range(rows):
        for c in range(5):
            sheet.write(r, c, r * c)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx(tmp_path: Path) -> bytes:
    return cf.write_sheet(tmp_path / "kilde.xlsx", [["Ydernummer", "kol_patienter"], ["255213", 5]]).read_bytes()


def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info)))
    return out.getvalue()


def _zip_version(data: bytes, version: int) -> bytes:
    """The central directory says each part needs a zip version no reader has (24.9)."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into("<H", raw, at + 6, version)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def _unknown_encoding(name: str, part: bytes) -> bytes:
    """The package's structural parts declare an encoding no XML parser knows ('UTt-8')."""
    if not (name.endswith(".rels") or name == "[Content_Types].xml"):
        return part
    return b'<?xml version="1.0" encoding="UTt-8"?>' + re.sub(rb"^\s*<\?xml[^>]*\?>", b"", part)


def _cases(tmp_path: Path) -> dict[str, tuple[str, bytes]]:
    xlsx = _xlsx(tmp_path)
    return {
        "ole sector chain": (".xls", _xls()[:512] + b";;;" + _xls()[512:]),
        "zip version": (".xlsx", _zip_version(xlsx, 249)),
        "xml encoding": (".xlsx", _rezip(xlsx, _unknown_encoding)),
    }


@pytest.mark.parametrize("case", ["ole sector chain", "zip version", "xml encoding"])
def test_a_damaged_container_is_refused_as_damaged(tmp_path: Path, case: str) -> None:
    suffix, data = _cases(tmp_path)[case]
    path = tmp_path / f"skadet{suffix}"
    path.write_bytes(data)
    report = inspect_file(path)
    assert report.refused and report.refusal.kind == "corrupt", (report.refusal.kind, report.refusal.message("da"))
    assert "beskadiget" in report.refusal.message("da")


def _sources(tmp_path: Path, clinics: list[cf.DemoClinic]) -> list[Path]:
    rows, _ = cf.wide_rows(clinics[:6], "2026H2")
    out = [cf.write_sheet(tmp_path / f"kilde{s}", rows, percent_columns=(5,)) for s in (".xlsx", ".xls", ".ods")]
    out.append(cf.standard_csv(tmp_path, clinics, "2026H2").path)
    html = tmp_path / "kilde_html.xls"
    html.write_text("<html><table>" + "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
                    + "</table></html>", encoding="utf-8")
    return [*out, html]


def test_seeded_random_damage_never_reaches_the_user_as_an_internal_error(demo_project, tmp_path: Path) -> None:
    rng = random.Random(7)
    sources = _sources(tmp_path, cf.demo_clinics(demo_project))
    tokens = [b";", b'"', b"\r", b"\n", b"\x00", b"<", b"1.234,5", b"\xff\xfe", "æ".encode(), b"%", b"<td>"]
    failures = []
    for n in range(120):
        source = rng.choice(sources)
        data = bytearray(source.read_bytes())
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 12)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            at = rng.randrange(len(data))
            data[at:at] = rng.choice(tokens) * rng.randint(1, 4)
        path = tmp_path / f"skade{n}{source.suffix}"
        path.write_bytes(bytes(data))
        plan = plan_import(demo_project, [path], period="2026H1", confirm=True)
        fp = plan.files[0]
        if fp.report.refusal is not None and fp.report.refusal.kind == "internal" or \
                any("internal error" in p.msgid for p in fp.problems):
            failures.append((n, source.name))
    assert not failures


def test_an_xls_whose_declared_size_lies_is_refused_before_calamine_lays_it_out(tmp_path: Path) -> None:
    """calamine lays an .xls sheet out from its DIMENSIONS record: one damaged to say 4 billion rows asked for
    110 GB and aborted the program. The guard reads the record and refuses the sheet by its size."""
    data = bytearray(_xls())
    at = data.find(b"\x00\x02\x0e\x00")  # the sheet's DIMENSIONS record (BIFF8: 14 bytes)
    assert at > 0
    for offset, value, kind in ((4, 0xFFFF_FFF0, "size"), (0, 0xDF00_0000, "corrupt")):  # rwMac, then rwMic
        lying = bytearray(data)
        struct.pack_into("<I", lying, at + 4 + offset, value)
        path = tmp_path / f"loegn{offset}.xls"
        path.write_bytes(bytes(lying))
        report = inspect_file(path)
        assert report.refused and report.refusal.kind == kind, report.refusal.kind
    past_the_end = bytearray(data)
    struct.pack_into("<H", past_the_end, at + 2, 0xFFF0)  # the record's length runs past the stream's end
    path = tmp_path / "for_lang.xls"
    path.write_bytes(bytes(past_the_end))
    assert inspect_file(path).refusal.kind == "corrupt"
