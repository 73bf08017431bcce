"""What a file really is (by its bytes, not its name) and whether it is safe to open: zip and XML bombs."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from klyngedesk.core.ingest.problems import FileRefused

SQLITE_MAGIC = b"SQLite format 3\x00"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# SQLite's side files: a write-ahead log (either byte order of its checksums), a rollback journal, a WAL index
SQLITE_SIDE_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83", b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7")
SQLITE_SIDE_SUFFIXES = ("-wal", "-journal", "-shm")
# templates (.xltx, .xltm, .ots) are ordinary workbooks that Excel or LibreOffice opens as a new copy
SPREADSHEET_EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xltx": "xlsx", ".xltm": "xlsx", ".xls": "xls",
                          ".ods": "ods", ".ots": "ods"}
TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab", ".dat", ""}
SAVED_AS_XLS = {".xls"}  # what journal systems name their text and HTML exports (never .xlsx: that is a zip)

# Limits checked on the zip directory before anything is decompressed.
MAX_ENTRIES = 5_000
MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB
MAX_RATIO = 200  # per entry, for entries above MAX_RATIO_FLOOR
MAX_RATIO_FLOOR = 10 << 20
XML_PROLOG_BYTES = 4096
SMALL_XML_PART = 1 << 20
STRUCTURAL_PARTS = {"[content_types].xml", "xl/workbook.xml", "meta-inf/manifest.xml"}
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def detect_format(path: Path, data: bytes) -> str:
    """'xlsx', 'xls', 'ods' or 'csv' from the content; refuses what is empty, encrypted or foreign."""
    if path.name.lower().endswith(SQLITE_SIDE_SUFFIXES) or data.startswith(SQLITE_SIDE_MAGIC):
        raise FileRefused("The file is a side file of a database (a journal or log SQLite keeps beside a KlyngeDesk "
                          "project file or another program's database while it is open), not a clinic's spreadsheet. "
                          "Nothing was read from it; leave it where it is and import only the files the clinics send.",
                          kind="mismatch")
    if not data.strip(b" \t\r\n\x00"):
        raise FileRefused("The file is empty.", kind="empty")
    ext = path.suffix.lower()
    if data.startswith(SQLITE_MAGIC):
        raise FileRefused("The file is a database (a KlyngeDesk project file or another program's), not a clinic's "
                          "spreadsheet. Open a project with File > Open project…; import only the files the clinics send.",
                          kind="mismatch")
    if data.startswith(OLE_MAGIC):
        if _ole_encrypted(data):
            raise FileRefused("The workbook is protected with a password. Ask the clinic to send it without a "
                              "password (or remove it in Excel) and import it again.", kind="encrypted")
        found = "xls"
    elif data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        found = _zip_kind(data)
    else:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in head[:200]:
            if ext in SAVED_AS_XLS:
                return "html"  # a journal system's "Excel export": an HTML table named .xls, as Excel opens it
            raise FileRefused("The file is a web page (HTML), not a spreadsheet, although it is named {ext}. "
                              "Open it in Excel and save it as .xlsx.", kind="mismatch", ext=ext or "–")
        if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
            raise FileRefused("The file is an old Excel 2003 XML spreadsheet. Open it in Excel and save it as "
                              ".xlsx.", kind="mismatch")
        if head.startswith((b"%pdf", b"\x89png", b"\xff\xd8\xff", b"gif8")):
            raise FileRefused("The file is not a spreadsheet or a text file (its content does not match "
                              "{ext}).", kind="mismatch", ext=ext or "–")
        found = "csv"
    expected = SPREADSHEET_EXTENSIONS.get(ext)
    if found == "csv" and ext in SAVED_AS_XLS:
        return found  # tab- or ';'-separated text named .xls (Excel opens it as text too): read as text
    if found == "csv" and expected:
        raise FileRefused("The content of the file does not match its name: it is named {ext} but is a text file "
                          "(CSV). Rename it to .csv and import it again.", kind="mismatch", ext=ext)
    if ext in TEXT_EXTENSIONS and found != "csv" or expected and expected != found or \
            ext not in TEXT_EXTENSIONS and not expected:
        raise FileRefused("The content of the file does not match its name: it is named {ext} but holds {found}.",
                          kind="mismatch", ext=ext or "–", found=found)
    return found


def _ole_encrypted(data: bytes) -> bool:
    """An OLE container holding an encrypted OOXML package (how Excel saves password-protected files)."""
    names = ("EncryptionInfo", "EncryptedPackage")
    return any(n.encode("utf-16-le") in data for n in names)


def _zip_kind(data: bytes) -> str:
    """Open the zip directory only, check the bomb limits and the XML parts, and say what it holds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):  # "zip file version 24.9"
        raise FileRefused("The file is damaged or incomplete (the zip structure cannot be read). Ask the clinic "
                          "to send it again.", kind="corrupt") from None
    check_zip_directory(infos)
    names = {i.filename.replace("\\", "/") for i in infos}
    with archive:
        _check_xml_parts(archive, infos)
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            if "xl/workbook.bin" in names:
                raise FileRefused("The file is an Excel binary workbook (.xlsb). Save it as .xlsx and import it "
                                  "again.", kind="mismatch")
            return "xlsx"
        if "content.xml" in names:
            try:
                mime = archive.read("mimetype")[:100] if "mimetype" in names else b""
            except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
                mime = b""
            if b"spreadsheet" in mime or not mime:
                return "ods"
    raise FileRefused("The file is a zip archive, not a spreadsheet. Unpack it and import the files inside.",
                      kind="mismatch")


def check_zip_directory(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from its directory alone: entry count, total size, compression ratio."""
    if len(infos) > MAX_ENTRIES:
        raise FileRefused("The file holds too many parts ({n}) to be a normal spreadsheet; it was not opened.",
                          kind="zipbomb", n=len(infos))
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise FileRefused("The file would unpack to {size} MB, which is far more than a spreadsheet needs; it "
                          "was not opened.", kind="zipbomb", size=total >> 20)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_RATIO_FLOOR and ratio > MAX_RATIO:
            raise FileRefused("The file is compressed suspiciously hard (a part grows {ratio} times); it was not "
                              "opened.", kind="zipbomb", ratio=int(ratio))


def _check_xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """No XML part may declare entities or a DTD (billion laughs, external entities).

    A DTD can only sit in a part's prolog, so each part's beginning is searched; the package's small
    structural parts are also parsed with defusedxml (which forbids DTDs outright).
    """
    for info in infos:
        name = info.filename.replace("\\", "/").lower()
        if not name.endswith((".xml", ".rels")) or info.is_dir():
            continue
        try:
            with archive.open(info) as part:
                head = part.read(XML_PROLOG_BYTES if info.file_size > SMALL_XML_PART else SMALL_XML_PART)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError):
            raise FileRefused("The file is damaged or incomplete (a part cannot be unpacked). Ask the clinic to "
                              "send it again.", kind="corrupt") from None
        if _DTD.search(head):
            raise FileRefused("The file contains XML entity declarations, which spreadsheets never need; it "
                              "was not opened.", kind="xmlbomb")
        if name in STRUCTURAL_PARTS or name.endswith(".rels"):
            try:
                SafeET.fromstring(head, forbid_dtd=True)
            except DefusedXmlException:
                raise FileRefused("The file contains XML entity declarations, which spreadsheets never need; "
                                  "it was not opened.", kind="xmlbomb") from None
            except (SafeET.ParseError, LookupError, ValueError):  # LookupError: an unknown declared encoding
                raise FileRefused("The file is damaged or incomplete (a part is not valid XML). Ask the clinic "
                                  "to send it again.", kind="corrupt") from None
