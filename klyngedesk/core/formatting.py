"""Numbers and dates the Danish way (1.234,5 and 12. marts 2026), or the English way on request."""

from __future__ import annotations

import math
from datetime import date

_MONTHS = {
    "da": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def format_number(value: float | None, decimals: int = 0, lang: str = "da", missing: str = "–") -> str:
    """1234.5 -> '1.234,5' in Danish, '1,234.5' in English; None/NaN -> the missing sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def format_percent(value: float | None, decimals: int = 1, lang: str = "da", missing: str = "–") -> str:
    """12.5 -> '12,5 %' (Danish puts a space before the sign) or '12.5%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    number = format_number(value, decimals, lang)
    return f"{number} %" if lang == "da" else f"{number}%"


def format_date(value: date, lang: str = "da") -> str:
    """date(2026, 3, 12) -> '12. marts 2026' or '12 March 2026'."""
    month = _MONTHS[lang][value.month - 1]
    return f"{value.day}. {month} {value.year}" if lang == "da" else f"{value.day} {month} {value.year}"


def format_short_date(value: date, lang: str = "da") -> str:
    """date(2026, 3, 12) -> '12.03.2026' or '2026-03-12'."""
    return value.strftime("%d.%m.%Y") if lang == "da" else value.isoformat()
