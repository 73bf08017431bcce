"""The template's instruction sheet: what to count, how to fill in, whom it is for (Danish by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font

from klyngedesk.core.formatting import format_date, format_number, format_percent
from klyngedesk.core.sheet_cells import append_row
from klyngedesk.core.templates.meta import DATA_SHEET, INSTRUCTIONS_SHEET
from klyngedesk.i18n import tr

if TYPE_CHECKING:
    from klyngedesk.core.templates.workbook import TemplateRequest


def _unit(unit: str, lang: str) -> str:
    return {"per1000": tr("per 1000", lang), "percent": "%", "per_patient": tr("per patient", lang),
            "count": tr("count", lang)}.get(unit, unit)


def write_instructions(ws, request: TemplateRequest) -> None:
    lang, topic, period = request.lang, request.topic, request.period
    ws.title = INSTRUCTIONS_SHEET if lang == "da" else "Instructions"
    bold = Font(bold=True)
    append_row(ws, [tr("Data collection: {topic}", lang, topic=topic.title)])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [])
    append_row(ws, [tr("Cluster", lang), request.cluster])
    append_row(ws, [tr("Period", lang), f"{period.label} ({format_date(period.start, lang)} – "
                                     f"{format_date(period.end, lang)})"])
    if request.clinic:
        append_row(ws, [tr("Clinic", lang), request.clinic.name])
        append_row(ws, [tr("Yder number", lang), request.clinic.yder])
    else:
        append_row(ws, [tr("Clinics", lang), tr("all {n} clinics of the cluster, one block of rows each", lang,
                                             n=len(request.clinics))])
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=1):
        row[0].font = bold
    append_row(ws, [])
    append_row(ws, [tr("How to fill in", lang)])
    ws.cell(ws.max_row, 1).font = bold
    steps = [
        tr("Go to the sheet {sheet}. Type each count in the column vaerdi (the yellow cells).", lang, sheet=DATA_SHEET),
        tr("Only whole numbers, 0 or more. Leave a cell empty if the number is not known.", lang),
        tr("A cell turns red when a numerator is larger than its denominator: check the number.", lang),
        tr("Do not change the grey cells, the column names or the sheet names: KlyngeDesk reads the file "
           "automatically.", lang),
        tr("Never write CPR numbers or patient names in the file: counts only.", lang),
        tr("Save the file as .xlsx and send it back to the cluster coordinator by secure e-mail.", lang),
    ]
    for i, step in enumerate(steps, 1):
        append_row(ws, [f"{i}.", step])
    append_row(ws, [])
    append_row(ws, [tr("What to count", lang)])
    ws.cell(ws.max_row, 1).font = bold
    append_row(ws, [tr("Key", lang), tr("Measure", lang), tr("Definition", lang), tr("ATC/ICPC", lang),
               tr("Data source", lang)])
    for cell in ws[ws.max_row]:
        cell.font = bold
    extra = {m["key"]: m for m in topic.package.get("measures", [])}
    for m in topic.measures:
        more = extra.get(m.key, {})
        codes = ", ".join([*more.get("atc", []), *more.get("icpc", [])])
        definition = " ".join(t for t in (m.description, more.get("definition", "")) if t)
        append_row(ws, [m.key, m.title, definition, codes, more.get("data_source") or topic.package.get("data_source", "")])
    append_row(ws, [])
    append_row(ws, [tr("What the cluster compares", lang)])
    ws.cell(ws.max_row, 1).font = bold
    titles = {m.key: m.title for m in topic.measures}
    for ind in topic.indicators:
        below = titles.get(ind.denominator or "", "") if ind.denominator_kind == "measure" else (
            tr("listed patients", lang) if ind.denominator_kind == "list_size" else "")
        above = titles.get(ind.numerator, ind.numerator)
        line = f"{above} / {below}" if below else above
        target = ""
        if ind.target_value is not None:
            sign = "≥" if ind.direction == "max" else "≤"
            decimals = 0 if ind.target_value % 1 == 0 else 1
            value = (format_percent(ind.target_value, decimals, lang) if ind.unit == "percent"
                     else format_number(ind.target_value, decimals, lang))
            target = tr("Target {sign} {value} (source: {source})", lang, sign=sign, value=value,
                        source=ind.target_source or "")
        append_row(ws, [ind.key, ind.title, f"{line} ({_unit(ind.unit, lang)})", target])
    for col, width in zip("ABCDE", (24, 42, 70, 22, 40), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True
