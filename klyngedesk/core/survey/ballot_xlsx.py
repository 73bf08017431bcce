"""The ballot as an xlsx members fill in (priority 1..N per topic), and reading returned ballots."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from klyngedesk.core.sheet_cells import append_row, restore_cell
from klyngedesk.core.store.diagnose import explain_os
from klyngedesk.core.survey.model import Ballot, Survey
from klyngedesk.i18n import KlyngeError, tr

BALLOT_FORMAT = "klyngedesk-ballot"
BALLOT_VERSION = 1
META_SHEET = "klyngedesk"
_FIRST_ROW = 8
_INPUT = PatternFill("solid", fgColor="FFF9DB")
_FLAG = PatternFill("solid", fgColor="F4B6B6")


def write_ballot_xlsx(survey: Survey, out: str | Path, lang: str = "da") -> Path:
    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = tr("Ballot", lang)
    append_row(ws, [survey.title])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [survey.cluster])
    append_row(ws, [tr("Write 1 next to the topic you most want the cluster to work on, 2 next to the second and so on, "
                  "up to {n}. Leave the other topics empty.", lang, n=survey.choices)])
    append_row(ws, [tr("Return the ballot to the cluster coordinator by {deadline}.", lang, deadline=survey.deadline)
               if survey.deadline else tr("Return the ballot to the cluster coordinator.", lang)])
    append_row(ws, [tr("Name (optional)", lang), None])
    ws["B5"].protection, ws["B5"].fill = Protection(locked=False), _INPUT
    append_row(ws, [])
    append_row(ws, [tr("No.", lang), tr("Candidate topic", lang), tr("Description", lang), tr("Priority", lang)])
    for cell in ws[7]:
        cell.font = Font(bold=True)
    rows = {}
    for i, c in enumerate(survey.candidates):
        r = _FIRST_ROW + i
        append_row(ws, [i + 1, c.title, c.description, None])
        rows[c.key] = r
        prio = ws[f"D{r}"]
        prio.protection, prio.fill = Protection(locked=False), _INPUT
    last = _FIRST_ROW + len(survey.candidates) - 1
    rule = DataValidation(type="whole", operator="between", formula1="1", formula2=str(survey.choices),
                          allow_blank=True, showErrorMessage=True, errorTitle=tr("Priority", lang),
                          error=tr("A whole number from 1 to {n}.", lang, n=survey.choices))
    rule.add(f"D{_FIRST_ROW}:D{last}")
    ws.add_data_validation(rule)
    span = f"$D${_FIRST_ROW}:$D${last}"
    ws.conditional_formatting.add(f"D{_FIRST_ROW}:D{last}", FormulaRule(
        formula=[f"AND(ISNUMBER(D{_FIRST_ROW}),COUNTIF({span},D{_FIRST_ROW})>1)"], fill=_FLAG))
    for col, width in zip("ABCD", (6, 40, 70, 10), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True
    meta = wb.create_sheet(META_SHEET)
    for key, value in (("format", BALLOT_FORMAT), ("version", BALLOT_VERSION),
                       ("survey", json.dumps(survey.to_dict(), ensure_ascii=False)),
                       ("rows", json.dumps(rows))):
        append_row(meta, [key, str(value)])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.save(out)
    return out


def read_ballot(path: str | Path) -> tuple[Survey, Ballot]:
    """A returned ballot: the survey it belongs to and the member's priorities (checked later by the tally)."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except OSError as exc:
        raise explain_os(exc, path) from None
    except Exception:  # noqa: BLE001 - any unreadable file is refused with its name
        raise KlyngeError("The ballot {file} cannot be read as an xlsx workbook. Ask the member to save it as "
                          ".xlsx and send it again.", file=path.name) from None
    if META_SHEET not in wb.sheetnames:
        raise KlyngeError("{file} is not a KlyngeDesk ballot.", file=path.name)
    meta = {restore_cell(r[0]): restore_cell(r[1]) for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]}
    if meta.get("format") != BALLOT_FORMAT:
        raise KlyngeError("{file} is not a KlyngeDesk ballot.", file=path.name)
    survey = Survey.from_dict(json.loads(meta["survey"]))
    ws = wb.worksheets[0]
    priorities = {}
    for key, row in json.loads(meta["rows"]).items():
        value = ws[f"D{row}"].value
        if value in (None, ""):
            continue
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            number = -1.0
        if number != int(number) or number < 1:
            raise KlyngeError("The ballot {file} gives {topic} the priority {priority}; use 1 to {n}.",
                              file=path.name, topic=survey.title_of(key), priority=value, n=survey.choices)
        priorities[key] = int(number)
    return survey, Ballot(priorities, path.name)


def read_ballots(paths: Iterable[str | Path]) -> tuple[Survey | None, list[Ballot]]:
    """Several returned ballots of one survey; a ballot from another survey or the same file twice is refused."""
    survey: Survey | None = None
    ballots: list[Ballot] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        if digest and digest in seen:
            raise KlyngeError("The ballot {file} is the same file as {other}; it is counted once only.",
                              file=path.name, other=seen[digest])
        this, ballot = read_ballot(path)
        seen[digest] = path.name
        if survey is None:
            survey = this
        elif this.survey_id != survey.survey_id:
            raise KlyngeError("The ballot {file} belongs to another survey ({title}).", file=path.name,
                              title=this.title)
        ballots.append(ballot)
    return survey, ballots
