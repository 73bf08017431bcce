"""The template's fixed names and its hidden "klyngedesk" sheet of key/value rows (format, topic, period, clinic)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from klyngedesk.core.sheet_cells import append_row, restore_cell

TEMPLATE_FORMAT = "klyngedesk-template"
TEMPLATE_VERSION = 1
META_SHEET = "klyngedesk"
DATA_SHEET = "Data"
INSTRUCTIONS_SHEET = "Vejledning"
# The KlyngeDesk standard long layout (CLI.md); the importer reads these with no questions asked.
DATA_COLUMNS = ("ydernummer", "praksis", "maaling", "periode", "vaerdi")


def write_meta(wb: Workbook, meta: dict[str, str | int]) -> None:
    """Add the hidden key/value sheet that tells the importer what the file is."""
    ws = wb.create_sheet(META_SHEET)
    append_row(ws, ["key", "value"])
    for key, value in meta.items():
        append_row(ws, [key, "" if value is None else str(value)])
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def meta_from_rows(rows) -> dict[str, str] | None:
    """Key/value rows -> dict, or None when they are not a KlyngeDesk template's."""
    meta = {str(restore_cell(r[0])).strip(): ("" if len(r) < 2 or r[1] is None else str(restore_cell(r[1])).strip())
            for r in rows if r and r[0] not in (None, "", "key")}
    return meta if meta.get("format") == TEMPLATE_FORMAT else None


def read_template_meta(path: str | Path) -> dict[str, str] | None:
    """The template's recorded format, version, topic, period, clinic and yder; None if not a template."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook simply is not a template
        return None
    try:
        if META_SHEET not in wb.sheetnames:
            return None
        return meta_from_rows(wb[META_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
