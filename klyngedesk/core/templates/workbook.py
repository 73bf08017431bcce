"""Writes the data-collection workbook: data sheet in the standard layout, instructions, hidden metadata."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from klyngedesk.core.model import Clinic, Measure, Period, Topic
from klyngedesk.core.sheet_cells import append_row
from klyngedesk.core.store.diagnose import explain_os
from klyngedesk.core.templates.instructions import write_instructions
from klyngedesk.core.templates.meta import (
    DATA_COLUMNS,
    DATA_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    write_meta,
)
from klyngedesk.i18n import KlyngeError, tr

LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
HEADER_FILL = PatternFill("solid", fgColor="BFBFBF")
FLAG_FILL = PatternFill("solid", fgColor="F4B6B6")
VALUE_COLUMN = "E"


@dataclass(frozen=True)
class TemplateRequest:
    """Everything a template shows: the topic, the period, the clinics it has rows for."""

    cluster: str
    topic: Topic
    period: Period
    clinics: tuple[Clinic, ...]
    clinic: Clinic | None = None  # set when the template is made for one clinic
    lang: str = "da"


@dataclass(frozen=True)
class TemplateRow:
    row: int  # 1-based row on the data sheet
    clinic: Clinic
    measure: Measure


def template_rows(request: TemplateRequest) -> list[TemplateRow]:
    """The data rows, in order: per clinic, one row per measure of the topic."""
    rows, n = [], 2
    for clinic in request.clinics:
        for measure in request.topic.measures:
            rows.append(TemplateRow(n, clinic, measure))
            n += 1
    return rows


def make_template(project, topic: str, period: str, out: str | Path, *, clinic: str | None = None,
                  lang: str = "da") -> Path:
    """Write a data-collection template for a topic and period, for one clinic or for all active ones."""
    the_topic, the_period = project.topic(topic), project.period(period)
    if not the_topic.measures:
        raise KlyngeError("The topic {key} has no measures to collect.", key=topic)
    one = _find_clinic(project, clinic) if clinic else None
    clinics = (one,) if one else tuple(active_clinics(project, the_period))
    if not clinics:
        raise KlyngeError("The project has no active clinics in {period}.", period=period)
    request = TemplateRequest(project.cluster().name, the_topic, the_period, clinics, one, lang)
    return write_template(request, out)


def make_clinic_templates(project, topic: str, period: str, folder: str | Path, *, lang: str = "da") -> list[Path]:
    """One template per active clinic in `folder`, named topic_period_clinic.xlsx."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [make_template(project, topic, period, folder / f"{topic}_{period}_{c.key}.xlsx", clinic=c.key, lang=lang)
            for c in active_clinics(project, project.period(period))]


def active_clinics(project, period: Period) -> list[Clinic]:
    """The clinics that are members of the cluster at some time during the period."""
    return [c for c in project.clinics()
            if (c.active_from or date.min) <= period.end and (c.active_to or date.max) >= period.start]


def _find_clinic(project, key: str) -> Clinic:
    for c in project.clinics():
        if key in (c.key, c.yder):
            return c
    raise KlyngeError("Unknown clinic {key}.", key=key)


def write_template(request: TemplateRequest, out: str | Path) -> Path:
    """Write the workbook atomically (a half-written template never appears at `out`)."""
    out = Path(out)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    rows = template_rows(request)
    _fill_data_sheet(data, request, rows)
    write_instructions(wb.create_sheet(), request)
    write_meta(wb, {
        "format": TEMPLATE_FORMAT, "version": TEMPLATE_VERSION, "topic": request.topic.key,
        "period": request.period.key, "clinic": request.clinic.yder if request.clinic else "",
        "yder": request.clinic.yder if request.clinic else "",
        "clinic_key": request.clinic.key if request.clinic else "",
        "measures": ",".join(m.key for m in request.topic.measures), "rows": len(rows),
        "created": date.today().isoformat()})
    wb.active = 0
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=out.parent if out.parent.exists() else None)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise explain_os(exc, out) from None
    return out


def _fill_data_sheet(ws, request: TemplateRequest, rows: list[TemplateRow]) -> None:
    lang = request.lang
    append_row(ws, [*DATA_COLUMNS, "beskrivelse"])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for r in rows:
        append_row(ws, [r.clinic.yder, r.clinic.name, r.measure.key, request.period.key, None, r.measure.title])
        for cell in ws[r.row]:
            cell.fill = LOCKED_FILL
        value = ws[f"{VALUE_COLUMN}{r.row}"]
        value.protection, value.fill, value.number_format = Protection(locked=False), INPUT_FILL, "0"
        ws[f"A{r.row}"].number_format = "@"
        ws[f"F{r.row}"].alignment = Alignment(wrap_text=True, vertical="top")
    last = rows[-1].row
    check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, showInputMessage=True,
                           errorTitle=tr("Whole numbers only", lang),
                           error=tr("Type a whole number, 0 or more. Leave the cell empty if the number is not "
                                    "known.", lang),
                           promptTitle=tr("Count", lang), prompt=tr("A whole number, 0 or more.", lang))
    check.add(f"{VALUE_COLUMN}2:{VALUE_COLUMN}{last}")
    ws.add_data_validation(check)
    _flag_numerator_above_denominator(ws, request, rows)
    for col, width in zip("ABCDEF", (13, 34, 24, 10, 12, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be changed; content may not


def _flag_numerator_above_denominator(ws, request: TemplateRequest, rows: list[TemplateRow]) -> None:
    """Red cells where a numerator is larger than its denominator (a typing error or a data problem)."""
    where = {(r.clinic.key, r.measure.key): r.row for r in rows}
    pairs = [(i.numerator, i.denominator) for i in request.topic.indicators
             if i.denominator_kind == "measure" and i.denominator]
    v = VALUE_COLUMN
    for clinic in request.clinics:
        for num, den in pairs:
            n, d = where.get((clinic.key, num)), where.get((clinic.key, den))
            if n and d:
                formula = f"AND(ISNUMBER(${v}${n}),ISNUMBER(${v}${d}),${v}${n}>${v}${d})"
                ws.conditional_formatting.add(f"{v}{n}", FormulaRule(formula=[formula], fill=FLAG_FILL,
                                                                    font=Font(bold=True, color="9C0006")))
