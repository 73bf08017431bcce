"""Numbers and dates the Danish way (1.234,5 and 12. marts 2026), or the English way on request."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

_MONTHS = {
    "da": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def format_number(value: float | None, decimals: int = 0, lang: str = "da", missing: str = "–") -> str:
    """1234.5 -> '1.234,5' in Danish, '1,234.5' in English; None/NaN -> the missing sign."""
    if value is None or not math.isfinite(value):
        return missing
    number = rounded(value, decimals)
    text = f"{abs(number) if number == 0 else number:,.{decimals}f}"   # never '−0'
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def rounded(value: float, decimals: int) -> Decimal:
    """Round half away from zero as people do (312,5 -> 313, 2,675 -> 2,68), not Python's half-to-even."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


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


def format_date_time(stamp: str | datetime, lang: str = "da", short: bool = False) -> str:
    """A moment as people write it, in local time: '1. december 2026 kl. 13.05' (short: '01.12.2026 kl. 13.05'),
    in English '1 December 2026, 13:05' ('2026-12-01 13:05'). The one way the window and the pack write a time
    stamp; a text that is no ISO time stamp comes back unchanged."""
    if isinstance(stamp, datetime):
        moment = stamp
    else:
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    day = format_short_date(moment.date(), lang) if short else format_date(moment.date(), lang)
    if lang == "da":
        return f"{day} kl. {moment:%H.%M}"
    return f"{day} {moment:%H:%M}" if short else f"{day}, {moment:%H:%M}"


def step_decimals(step: float, most: int = 4) -> int:
    """The decimals a tick step needs to be printed exactly: 5 -> 0, 2.5 -> 1, 0.25 -> 2."""
    for d in range(most + 1):
        scaled = abs(step) * 10 ** d
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return d
    return most


def format_signed_percent(fraction: float | None, decimals: int = 0, lang: str = "da", missing: str = "–") -> str:
    """-0.43 -> '−43 %', 0.1 -> '+10 %'; what rounds to zero is '0 %' (never '−0 %' or '+0 %')."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return missing
    value = round(fraction * 100, decimals)
    if value == 0:
        return format_percent(0.0, decimals, lang)
    text = format_percent(value, decimals, lang)
    return "+" + text if value > 0 else text


_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[.:](\d{2}))?\s*(?:[-–—]|til|to)\s*(\d{1,2})(?:[.:](\d{2}))?\s*$",
                   re.IGNORECASE)


def format_time_range(text: str, lang: str = "da") -> str:
    """'13.00-16.30' or '13:00–16:30' -> 'kl. 13.00–16.30' in Danish, '13:00–16:30' in English.

    Text that is not a plain time range is returned as written.
    """
    m = _TIME.match(text or "")
    if not m:
        return text
    h1, m1, h2, m2 = int(m[1]), int(m[2] or 0), int(m[3]), int(m[4] or 0)
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        return text
    sep = "." if lang == "da" else ":"
    span = f"{h1:02d}{sep}{m1:02d}–{h2:02d}{sep}{m2:02d}"
    return f"kl. {span}" if lang == "da" else span


_PERIOD_DA = re.compile(r"\b([1-4])\. (halvår|kvartal) (\d{4})\b")
_MONTH_DA = re.compile(r"\b(" + "|".join(_MONTHS["da"]) + r")\b", re.IGNORECASE)


def format_period_label(label: str, lang: str = "da") -> str:
    """A period's label in the reader's language: '1. halvår 2026' -> 'H1 2026', '3. kvartal 2025' -> 'Q3 2025',
    Danish month names -> English ones; Danish (and anything else) as written."""
    if lang != "en" or not label:
        return label
    text = _PERIOD_DA.sub(lambda m: f"{'H' if m[2] == 'halvår' else 'Q'}{m[1]} {m[3]}", label)
    return _MONTH_DA.sub(lambda m: _MONTHS["en"][_MONTHS["da"].index(m[1].lower())], text)
