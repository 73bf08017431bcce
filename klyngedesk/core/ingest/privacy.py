"""Patient data never gets in: CPR-number columns (judged per column) and patient-level files are refused."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from stdnum.dk import cpr

from klyngedesk.core.ingest.problems import FileRefused
from klyngedesk.core.ingest.tables import Table, col_letter, is_empty

_CPR_TEXT = re.compile(r"^\s*(\d{6})[- ]?(\d{4})\s*$")
_CPR_HEADER = re.compile(r"\b(cpr|cpr-?nr|cpr-?nummer|personnummer|person-?nr|personnr)\b", re.I)
_PATIENT_HEADER = re.compile(r"^(patient|patientnavn|patient navn|patient-?id|pt\.?|pt-?nr|fødselsdato|"
                             r"foedselsdato|født|birth ?date|date of birth|dob|patientens navn|borger|"
                             r"borgernavn|nhs number|navn på patient)$", re.I)
MIN_SHARE = 0.5
_LONG_NUMBER = re.compile(r"\d{6}[- ]?\d{3,4}")


def redact(text: str) -> str:
    """Text safe to show in a message: anything shaped like a CPR number (or nine digits) is masked."""
    return _LONG_NUMBER.sub("••••••-••••", text)


def _cpr_shaped(value) -> bool:
    """Ten digits (or nine that lost a leading zero) whose first six are a real date."""
    if isinstance(value, float):
        if not value.is_integer() or not 1e8 <= value < 1e10:
            return False
        digits = f"{int(value):010d}"
    elif isinstance(value, int):
        if not 10**8 <= value < 10**10:
            return False
        digits = f"{value:010d}"
    elif isinstance(value, str):
        m = _CPR_TEXT.match(value)
        if m:
            digits = m.group(1) + m.group(2)
        else:
            s = value.strip()
            if not (s.isdigit() and len(s) == 9):
                return False
            digits = "0" + s
    else:
        return False
    try:
        born = cpr.get_birth_date(digits)
    except Exception:  # stdnum raises InvalidComponent / ValueError for impossible dates
        return False
    return isinstance(born, date) and born <= date.today()


def _mostly_cpr(counts: Counter) -> bool:
    filled = hits = 0
    for value, n in counts.items():
        if not is_empty(value):
            filled += n
            hits += n if _cpr_shaped(value) else 0
    return bool(hits) and hits >= MIN_SHARE * filled


def cpr_columns(rows: list[list]) -> list[str]:
    """Sheet columns (letters) where most filled cells are CPR-shaped; the values are never returned."""
    width = max((len(r) for r in rows), default=0)
    return [col_letter(c) for c in range(width) if _mostly_cpr(Counter(r[c] for r in rows if c < len(r)))]


def refuse_patient_data(rows: list[list], tables: list[Table]) -> None:
    """Raise FileRefused for CPR-number columns or one-row-per-patient tables, naming only the column."""
    for table in tables:
        for name, letter in zip(table.columns, table.letters, strict=True):
            values = table.column(name)
            if _CPR_HEADER.search(name) and any(not is_empty(v) for v in values):
                raise FileRefused("The file has a column of CPR numbers ({column}). Patient data cannot be "
                                  "imported; ask the clinic for the aggregated numbers only.", kind="cpr",
                                  column=f"{name} ({letter})")
    for table in tables:
        for name, letter in zip(table.columns, table.letters, strict=True):
            counts = table.parsed[name].counts
            if counts is not None and _mostly_cpr(counts):
                raise FileRefused("The file has a column of CPR numbers ({column}). Patient data cannot be "
                                  "imported; ask the clinic for the aggregated numbers only.", kind="cpr",
                                  column=f"{name} ({letter})")
    in_tables = {n - 1 for t in tables for n in t.row_numbers}
    for letter in cpr_columns([r for i, r in enumerate(rows) if i not in in_tables]):
        name = next((n for t in tables for n, x in zip(t.columns, t.letters, strict=True) if x == letter), letter)
        raise FileRefused("The file has a column of CPR numbers ({column}). Patient data cannot be imported; "
                          "ask the clinic for the aggregated numbers only.", kind="cpr",
                          column=f"{name} ({letter})" if name != letter else letter)
    for table in tables:
        for name in table.columns:
            if _PATIENT_HEADER.match(name.strip().rstrip(":")):
                raise FileRefused("The file lists single patients (column {column}); it is not aggregated data. "
                                  "Ask the clinic for counts per measure instead.", kind="patients", column=name)
