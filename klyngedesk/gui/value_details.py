"""Where a value came from (file, sheet, cell) and the notes on it, as text for tooltips and the side panel."""

from __future__ import annotations

import html
import math

import pandas as pd

from klyngedesk.core.formatting import format_number
from klyngedesk.core.model import Indicator
from klyngedesk.i18n import tr


def hint_html(text: str) -> str:
    """A grey, wrapping hint for an empty side panel (placeholder text does not wrap)."""
    return f"<p style='color:#5B6770'>{html.escape(text)}</p>"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def provenance_line(row: pd.Series, lang: str) -> str:
    """"file.xlsx, sheet Data, cell C7" / "corrected by hand: reason" for one stored value row."""
    if bool(row.get("corrected")):
        return tr("corrected by hand: {reason}", lang, reason=row.get("file_name") or "")
    parts = [str(row["file_name"])] if not _missing(row.get("file_name")) else []
    if not _missing(row.get("sheet")):
        parts.append(tr("sheet {sheet}", lang, sheet=row["sheet"]))
    if not _missing(row.get("row")) and not _missing(row.get("col")):
        col = str(row["col"])
        if col.isalpha():
            parts.append(tr("cell {col}{row}", lang, col=col, row=int(row["row"])))
        else:
            parts.append(tr("column {column}, row {row}", lang, column=col, row=int(row["row"])))
    elif not _missing(row.get("row")):
        parts.append(tr("row {row}", lang, row=int(row["row"])))
    return ", ".join(parts) or tr("no source recorded", lang)


def value_text(row: pd.Series, lang: str) -> str:
    if row.get("status") == "suppressed":
        return str(row.get("source_text") or "<5")
    return format_number(None if _missing(row.get("value")) else float(row["value"]), 0, lang)


def details_html(clinic_name: str, indicator: Indicator, rows: list[pd.Series], titles: dict[str, str],
                 notes: list[dict], lang: str, list_size: int | None = None) -> str:
    """The side panel: each measure with its value and source, then the notes."""
    out = [f"<h3>{html.escape(clinic_name)}</h3><p><b>{html.escape(indicator.title)}</b></p>"]
    if not rows:
        out.append("<p>" + tr("No value has been imported for this clinic yet.", lang) + "</p>")
    for row in rows:
        out.append(f"<p>{html.escape(titles.get(row['measure'], row['measure']))}: <b>{value_text(row, lang)}</b>"
                   f"<br/><small>{html.escape(provenance_line(row, lang))}</small></p>")
    if indicator.denominator_kind == "list_size":
        if list_size is None:
            out.append("<p>" + tr("No list size is recorded for this period, so the rate cannot be computed. "
                                  "Add it under Clinics ▸ Edit clinic.", lang) + "</p>")
        else:
            out.append("<p>" + tr("Listed patients: {n}", lang, n=format_number(list_size, 0, lang)) + "<br/><small>"
                       + tr("Denominator: the clinic's listed patients.", lang) + "</small></p>")
    if notes:
        out.append("<p><b>" + tr("Notes", lang) + "</b></p><ul>")
        out.extend(f"<li>{html.escape(n['text'])}</li>" for n in notes)
        out.append("</ul>")
    return "".join(out)


def tooltip_text(rows: list[pd.Series], titles: dict[str, str], lang: str) -> str:
    return "\n".join(f"{titles.get(r['measure'], r['measure'])}: {value_text(r, lang)} — {provenance_line(r, lang)}"
                     for r in rows)
