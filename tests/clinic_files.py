"""Synthetic clinic files in the shapes clinics really send, for the demo cluster (fictional data only)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from openpyxl import Workbook

KOL = ("kol_patienter", "kol_lfu", "kol_rehab")
KOL_TITLES = {"kol_patienter": "Patienter med KOL", "kol_lfu": "KOL-patienter med LFU inden for 12 måneder",
              "kol_rehab": "KOL-patienter henvist til rehabilitering"}
AB = ("ab_ordinationer", "pcv_ordinationer")
SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class DemoClinic:
    key: str
    yder: str
    name: str


@dataclass
class ClinicFile:
    """A generated file and the values a correct import must store: (clinic, measure, period) -> value."""

    path: Path
    expected: dict[tuple[str, str, str], float | str] = field(default_factory=dict)


def demo_clinics(project) -> list[DemoClinic]:
    return sorted((DemoClinic(c.key, c.yder, c.name) for c in project.clinics()), key=lambda c: c.key)


def kol_counts(rng: np.random.Generator, with_small: bool = False) -> dict[str, int]:
    patients = int(rng.integers(40, 220))
    lfu = int(rng.binomial(patients, 0.75))
    rehab = 3 if with_small else int(rng.binomial(patients, 0.15))
    return {"kol_patienter": patients, "kol_lfu": lfu, "kol_rehab": rehab}


def _workbook(title: str, *rows: list):
    """A new workbook whose first sheet is named `title` and starts with `rows`."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return wb, ws


def _danish(x: float) -> str:
    """1234.5 -> '1.234,5' (Danish thousands dot and decimal comma)."""
    whole, _, frac = f"{x:,.1f}".partition(".")
    whole = whole.replace(",", ".")
    return whole if frac == "0" else f"{whole},{frac}"


# --- 1. the KlyngeDesk standard format: CSV (;, decimal comma, UTF-8) and our filled-in template ------
def standard_csv(folder: Path, clinics: list[DemoClinic], period: str, seed: int = 1,
                 name: str = "klyngedesk_standard.csv") -> ClinicFile:
    rng = np.random.default_rng(seed)
    out = ClinicFile(folder / name)
    lines = ["ydernummer;praksis;maaling;periode;vaerdi"]
    for c in clinics:
        for measure, value in kol_counts(rng).items():
            lines.append(f"{c.yder};{c.name};{measure};{period};{_danish(value)}")
            out.expected[(c.key, measure, period)] = float(value)
    out.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def filled_template(folder: Path, clinic: DemoClinic, period: str, topic: str = "kol", seed: int = 2,
                    filled: bool = True) -> ClinicFile:
    """Our data-collection template (hidden 'klyngedesk' sheet + long data sheet), filled in by a clinic."""
    rng = np.random.default_rng(seed)
    out = ClinicFile(folder / f"skabelon_{clinic.key}_{period}.xlsx")
    wb = Workbook()
    data = wb.active
    data.title = "Data"
    data.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])
    for measure, value in kol_counts(rng, with_small=True).items():
        cell = (value if value >= 5 else "<5") if filled else None
        data.append([clinic.yder, clinic.name, measure, period, cell])
        if filled:
            out.expected[(clinic.key, measure, period)] = float(value) if value >= 5 else SUPPRESSED
    meta = wb.create_sheet("klyngedesk")
    for row in (("format", "klyngedesk-template"), ("topic", topic), ("period", period), ("clinic", clinic.yder)):
        meta.append(list(row))
    meta.sheet_state = "hidden"
    wb.save(out.path)
    return out


# --- 2. an Ordiprax-like export: title rows, wide, count-with-percent cells, a totals row ---------------
ORDIPRAX_HEADERS = ["Ydernr.", "Praksis", "KOL-pt. i alt", "Heraf LFU < 12 mdr.", "Henvist til rehab."]
ORDIPRAX_SPEC = {"layout": "wide", "yder_column": "Ydernr.", "name_column": "Praksis", "measure_column": None,
                 "value_column": None, "period_column": None, "labels": {},
                 "columns": {"KOL-pt. i alt": "kol_patienter", "Heraf LFU < 12 mdr.": "kol_lfu",
                             "Henvist til rehab.": "kol_rehab"}}


def ordiprax_export(folder: Path, clinics: list[DemoClinic], period_label: str, period: str,
                    seed: int = 3) -> ClinicFile:
    rng = np.random.default_rng(seed)
    out = ClinicFile(folder / "ordiprax_kol_udtraek.xlsx")
    wb, ws = _workbook("Udtræk", ["Ordiprax – KOL-opfølgning, klyngeudtræk"], [f"Periode: {period_label}"], [],
                       ORDIPRAX_HEADERS)
    totals = [0, 0, 0]
    for c in clinics:
        k = kol_counts(rng)
        pct = 100 * k["kol_lfu"] / k["kol_patienter"]
        ws.append([int(c.yder), c.name, k["kol_patienter"], f"{k['kol_lfu']} ({pct:.1f}%)".replace(".", ","),
                   k["kol_rehab"]])
        for i, m in enumerate(KOL):
            totals[i] += k[m]
            out.expected[(c.key, m, period)] = float(k[m])
    ws.append(["Total", "", *totals])
    ws.append([])
    ws.append(["Kilde: Ordiprax (fiktivt udtræk til test)"])
    wb.save(out.path)
    return out


# --- 3. an EHR export for one clinic: title rows, Ydernummer line, totals row, note, cp1252 -----------
def ehr_export(folder: Path, clinic: DemoClinic, period_label: str, period: str, seed: int = 4) -> ClinicFile:
    rng = np.random.default_rng(seed)
    out = ClinicFile(folder / f"journaludtraek_{clinic.key}.csv")
    k = kol_counts(rng, with_small=True)
    lines = [f"Statistikudtræk fra journalsystemet – {clinic.name}", f"Ydernummer: {int(clinic.yder):06d}",
             f"Periode: {period_label}", "", "Måling;Antal;Andel"]
    for m in KOL:
        value = k[m]
        share = 100 * value / k["kol_patienter"]
        shown = "<5" if value < 5 else f"{value}"
        lines.append(f"{KOL_TITLES[m]};{shown};{share:.1f} %".replace(".", ","))
        out.expected[(clinic.key, m, period)] = float(value) if value >= 5 else SUPPRESSED
    lines += [f"I alt;{sum(k.values())};", "", "* Tal under 5 vises ikke (diskretionering)."]
    out.path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return out


# --- 4. a region extract in long format: many clinics, Danish labels, a region totals row --------------
def region_extract(folder: Path, clinics: list[DemoClinic], period_label: str, period: str,
                   seed: int = 5) -> ClinicFile:
    rng = np.random.default_rng(seed)
    out = ClinicFile(folder / "region_udtraek_antibiotika.xlsx")
    wb, ws = _workbook("Praksis", ["Region Midtjylland – Antibiotikaforbrug pr. praksis (fiktivt)"],
                       ["Enhed: antal indløste recepter"], ["Ydernummer", "Praksisnavn", "Indikator", "Periode", "Antal"])
    total = 0.0
    for c in clinics:
        ab = int(rng.integers(600, 1800))
        pcv = int(rng.binomial(ab, 0.33))
        for measure, title, value in (("ab_ordinationer", "Antibiotikaordinationer", ab),
                                      ("pcv_ordinationer", "Ordinationer af penicillin V", pcv)):
            ws.append([c.yder, c.name, title, period_label, value])
            out.expected[(c.key, measure, period)] = float(value)
            total += value
    ws.append(["Region i alt", "", "", period_label, total])
    wb.save(out.path)
    return out


# --- bigger files for the benchmark -----------------------------------------------------------------------
def big_standard_xlsx(path: Path, rows: int = 100_000, seed: int = 6) -> Path:
    """A standard-format region extract with `rows` data rows (write-only openpyxl, fast)."""
    rng = np.random.default_rng(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])
    measures = ("ab_ordinationer", "pcv_ordinationer", "kol_patienter", "kol_lfu", "kol_rehab")
    groups = rows // len(measures) + 1
    ab = rng.integers(300, 2000, groups)
    kol = rng.integers(20, 250, groups)
    per_group = np.stack([ab, (ab * 0.33).astype(int), kol, (kol * 0.72).astype(int), (kol * 0.14).astype(int)], 1)
    for i in range(rows):
        g, m = divmod(i, len(measures))
        clinic = g // 10
        ws.append([str(100000 + clinic), f"Lægehuset nr. {clinic}", measures[m], f"20{10 + g % 10}H1",
                   int(per_group[g, m])])
    wb.save(path)
    return path


# --- files that must be refused ---------------------------------------------------------------------------
MARKER = "ZQX-HEMMELIG-PATIENT"


def cpr_file(folder: Path) -> Path:
    """A clinic list that carries patients' CPR numbers (fictional, valid dates) in a column."""
    path = folder / "patientliste_med_cpr.csv"
    lines = ["Nummer;Bemærkning;Antal"]
    for i, cpr in enumerate(("0101701234", "150385-4321", "2912994567", "010203-1111", "311288-2222")):
        lines.append(f"{cpr};{MARKER} {i};1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cpr_lost_zero_file(folder: Path) -> Path:
    """CPR numbers stored as numbers in Excel, so the leading zero is gone (9 digits)."""
    path = folder / "udtraek_cpr_tal.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Id", "Tekst", "Antal"])
    for i, n in enumerate((101701234, 503854321, 912994567, 102031111, 311288222)):
        ws.append([n, f"{MARKER} {i}", 1])
    wb.save(path)
    return path


def patient_level_file(folder: Path) -> Path:
    path = folder / "patienter_kol.csv"
    lines = ["Patient;Fødselsår;Køn;LFU dato"]
    for i in range(12):
        lines.append(f"{MARKER} {i};19{50 + i};{'KM'[i % 2]};0{1 + i % 9}-03-2026")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def zip_bomb(folder: Path) -> Path:
    """A tiny .xlsx whose one part unpacks to 60 MB of the marker (ratio far above any real workbook)."""
    path = folder / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", (MARKER * 3_000_000)[:60_000_000])
    return path


def xml_entity_bomb(folder: Path) -> Path:
    """A workbook whose shared strings declare nested entities (billion laughs)."""
    path = folder / "entiteter.xlsx"
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "' + MARKER + '">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            z.writestr(item, src.read(item))
        z.writestr("xl/sharedStrings.xml", bomb)
    return path


def truncated_xlsx(folder: Path, source: Path) -> Path:
    path = folder / "afbrudt.xlsx"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "tom.csv"
    path.write_bytes(b"")
    return path


def mismatched_file(folder: Path) -> Path:
    """Text (with the marker) named .xlsx: the content does not match the extension."""
    path = folder / "forkert_endelse.xlsx"
    path.write_text(f"ydernummer;vaerdi\n123456;{MARKER}\n", encoding="utf-8")
    return path


def one_sheet_xlsx(sheet: bytes | str) -> bytes:
    """The smallest workbook a reader opens: one sheet "Data" whose XML is `sheet`, exactly as given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/>'
                                      "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" '
                                                 'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


# --- files as other programs write them (percent formats, xls, ods), for the foreign-file tests -------------
def wide_rows(clinics: list[DemoClinic], period: str, seed: int = 7) -> tuple[list[list], dict]:
    """A wide table (yder, name, period, KOL counts) and the values a correct import stores from it."""
    rng = np.random.default_rng(seed)
    rows: list[list] = [["Ydernummer", "Praksis", "Periode", *KOL]]
    expected: dict[tuple[str, str, str], float | str] = {}
    for c in clinics:
        k = kol_counts(rng)
        rows.append([c.yder, c.name, period, *(k[m] for m in KOL)])
        expected.update({(c.key, m, period): float(k[m]) for m in KOL})
    return rows, expected


def write_sheet(path: Path, rows: list[list], percent_columns: tuple[int, ...] = (), percent_format: str = "0%",
                percent_cells: frozenset[tuple[int, int]] = frozenset()) -> Path:
    """`rows` as an .xlsx, .xls (BIFF, xlwt) or .ods (odfpy); the numbers in `percent_columns` (below the
    header) and in `percent_cells` ((row, column) indexes into `rows`) formatted as percentages (0.25 shows as
    25 %), as a clinic's spreadsheet shows a share."""
    percent = set(percent_cells) | {(r, c) for r in range(1, len(rows)) for c in percent_columns}
    if path.suffix == ".xlsx":
        wb, ws = _workbook("Data", *rows)
        for r, c in percent:
            ws.cell(r + 1, c + 1).number_format = percent_format
        wb.save(path)
    elif path.suffix == ".xls":
        import xlwt

        book = xlwt.Workbook()
        sheet = book.add_sheet("Data")
        style = xlwt.easyxf(num_format_str=percent_format)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in percent:
                    sheet.write(r, c, value, style)
                else:
                    sheet.write(r, c, value)
        book.save(str(path))
    else:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableCell, TableRow
        from odf.text import P

        doc = OpenDocumentSpreadsheet()
        table = Table(name="Data")
        for r, row in enumerate(rows):
            tr = TableRow()
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    kind = "percentage" if (r, c) in percent else "float"
                    cell = TableCell(valuetype=kind, value=value)
                    cell.addElement(P(text=f"{value * 100:g} %" if kind == "percentage" else str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
        doc.save(str(path))
    return path


def package_xlsx(rows_xml: str, shared: str | None = None, styles: str | None = None) -> bytes:
    """An xlsx written by hand as other programs write them: `rows_xml` is the sheet's <row> elements (shared
    strings, inline strings, rich text runs, cells without references, styles: whatever the test needs)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = [f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>']
    if shared is not None:
        parts.append(f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        parts.append(f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                   '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{"".join(parts)}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>'
                   f"{rows_xml}</sheetData></worksheet>")
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{main}">{shared}</sst>')
        if styles is not None:
            z.writestr("xl/styles.xml", f'<?xml version="1.0"?><styleSheet xmlns="{main}">{styles}</styleSheet>')
    return out.getvalue()


# --- templates saved as such (.xltx, .xltm, .ots): ordinary workbooks with a template's content type ------------
TEMPLATE_TYPES = {".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                  ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
                  ".ots": "application/vnd.oasis.opendocument.spreadsheet-template"}


def template_sheet(path: Path, rows: list[list]) -> Path:
    """`rows` saved as a spreadsheet template, as Excel (.xltx, .xltm) or LibreOffice (.ots) writes one: the
    workbook part (or the ODF mimetype) says 'template', the rest is an ordinary workbook."""
    kind = TEMPLATE_TYPES[path.suffix]
    plain = write_sheet(path.with_name(path.stem + (".ods" if path.suffix == ".ots" else ".xlsx")), rows)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "mimetype":
                data = kind.encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    kind.encode())
                assert kind.encode() in data
            out.writestr(item, data)
    plain.unlink()
    return path


# --- wide files with one messy thing in them, for the messy-column tests ---------------------------------------
def wide_csv(path: Path, clinics: list[DemoClinic], cells: dict[str, list[object]], period: str = "2026H1",
             extra: dict[str, list[object]] | None = None) -> Path:
    """A wide ';' csv: yder number, name, period, then one column per heading in `cells` (and `extra`), each
    cell written as given (a count, '(12)', '03-12-2026', '1 2 3 4' ...), one row per clinic."""
    columns = {**cells, **(extra or {})}
    lines = [";".join(["ydernummer", "praksis", "periode", *columns])]
    for k, c in enumerate(clinics):
        lines.append(";".join([c.yder, c.name, period, *(str(col[k]) for col in columns.values())]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wide_xlsx(path: Path, clinics: list[DemoClinic], cells: dict[str, list[object]], period: str = "2026H1",
              formats: dict[tuple[int, str], str] | None = None) -> Path:
    """The same as an .xlsx, cells as Python values (a datetime is an Excel date serial with a date format);
    `formats`: (clinic index, heading) -> number format of that cell."""
    wb, ws = _workbook("Data", ["ydernummer", "praksis", "periode", *cells])
    for k, c in enumerate(clinics):
        ws.append([c.yder, c.name, period, *(col[k] for col in cells.values())])
    for (k, heading), fmt in (formats or {}).items():
        ws.cell(k + 2, 4 + list(cells).index(heading)).number_format = fmt
    wb.save(path)
    return path


def merged_yder_xlsx(path: Path, counts: dict[DemoClinic, dict[str, int]], period: str = "2026H1",
                     as_text: bool = False) -> Path:
    """A long sheet (no name column) whose yder number is written once per clinic and merged down over the
    clinic's measure rows, as a coordinator formats it; the number as a number unless `as_text`."""
    wb, ws = _workbook("Data", ["ydernummer", "maaling", "periode", "vaerdi"])
    for clinic, measures in counts.items():
        top = ws.max_row + 1
        for k, (measure, value) in enumerate(measures.items()):
            yder = (clinic.yder if as_text else int(clinic.yder)) if k == 0 else None
            ws.append([yder, measure, period, value])
        ws.merge_cells(f"A{top}:A{top + len(measures) - 1}")
    wb.save(path)
    return path
