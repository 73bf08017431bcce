"""Cell values: Danish and English numbers, percentages, counts with percent, dates, errors, suppressed cells."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

ColumnType = str  # "number" | "percent" | "date" | "text" | "empty"


@dataclass(frozen=True)
class Suppressed:
    """A value hidden at the source ("<5", "< 20", "-", "."): never zero, never missing."""

    text: str


@dataclass(frozen=True)
class CellError:
    """A spreadsheet error such as #DIV/0! kept as an error."""

    code: str


ERRORS = {"#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
          "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}
MISSING = {"na", "n/a", "null", "none", "nan", "mangler", "ikke oplyst", "(blank)"}
_SUPPRESSED = re.compile(r"^(?:[<≤]|&lt;|<=)\s*\d+(?:[.,]\d+)?$|^[-–—.]{1,2}$|^\*{1,3}$")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-", "\u2013": "-"})
_NUM = r"[+-]?\d[\d., ]*"
_PERCENT = re.compile(rf"^({_NUM})\s*%$")
_COUNT_PCT = re.compile(rf"^({_NUM})\s*\(\s*({_NUM})\s*%?\s*\)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([-./])(\d{1,2})\2(\d{2}|\d{4})$")
_DMONY = re.compile(r"^(\d{1,2})[-. ]?([a-zæøå]{3})[a-zæøå]*\.?[-. ]?(\d{4})$", re.I)
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "maj": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12}

# Number shapes: which convention each is evidence for ("da", "en", None = neutral, "amb" = ambiguous).
_SHAPES = [
    (re.compile(r"^\d+$"), None),
    (re.compile(r"^\d{1,3}(?:\.\d{3}){2,}$"), "da"),
    (re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$"), "da"),
    (re.compile(r"^\d{1,3}(?:,\d{3}){2,}$"), "en"),
    (re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$"), "en"),
    (re.compile(r"^\d{1,3}\.\d{3}$"), "amb"),
    (re.compile(r"^\d{1,3},\d{3}$"), "amb"),
    (re.compile(r"^\d*\.\d+$"), "en"),
    (re.compile(r"^\d*,\d+$"), "da"),
    (re.compile(r"^\d{1,3}(?: \d{3})+(?:,\d+)?$"), "da"),
    (re.compile(r"^\d{1,3}(?: \d{3})+\.\d+$"), "en"),
]


def number_shape(text: str) -> str | None | bool:
    """The convention a numeric text is evidence for; False when it is not a number at all."""
    body = text.lstrip("+-").strip()
    for pattern, evidence in _SHAPES:
        if pattern.match(body):
            return evidence
    return False


def to_number(text: str, convention: str) -> float:
    """Read a numeric text under a convention: 'da' (1.234,5) or 'en' (1,234.5)."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-").strip().replace(" ", "")
    if convention == "da":
        body = body.replace(".", "").replace(",", ".")
    else:
        body = body.replace(",", "")
    return sign * float(body)


def normalise_text(value: str) -> str:
    return value.translate(_SPACES).strip()


@dataclass(frozen=True)
class _Token:
    """A classified text: kind is number/percent/date/text/suppressed/error/missing."""

    kind: str
    value: object
    shape: str | None | bool = None
    number_text: str | None = None


def classify_text(raw: str) -> _Token:
    s = normalise_text(raw)
    if not s or s.lower() in MISSING:
        return _Token("missing", None)
    if s.upper() in ERRORS:
        return _Token("error", CellError(s.upper()))
    if _SUPPRESSED.match(s):
        return _Token("suppressed", Suppressed(s))
    shape = number_shape(s)
    if shape is not False:
        return _Token("number", None, shape, s)
    m = _PERCENT.match(s)
    if m and number_shape(m.group(1).strip()) is not False:
        part = m.group(1).strip()
        return _Token("percent", None, number_shape(part), part)
    m = _COUNT_PCT.match(s)
    if m and number_shape(m.group(1).strip()) is not False:
        part = m.group(1).strip()
        return _Token("number", None, number_shape(part), part)
    day = parse_date_text(s)
    if day is not None:
        return _Token("date", day)
    return _Token("text", raw.strip())


def parse_date_text(s: str, month_first: bool = False) -> date | None:
    try:
        m = _ISO.match(s)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DMY.match(s)
        if m:
            a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
            year = year + (2000 if year < 70 else 1900) if year < 100 else year
            day, month = (b, a) if month_first else (a, b)
            return date(year, month, day)
        m = _DMONY.match(s)
        if m and m.group(2).lower() in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None
    return None


@dataclass
class ParsedColumn:
    values: list
    ctype: ColumnType
    ambiguous: str | None = None  # None, "file" (resolved by the rest of the file) or "open"
    example: str | None = None
    convention: str | None = None
    percent_over_100: int = 0
    counts: Counter | None = None  # how often each raw cell value occurs (privacy checks reuse it)


def column_evidence(raw: list) -> tuple[int, int]:
    """(Danish, English) unambiguous number shapes among a column's texts."""
    da = en = 0
    for value in set(v for v in raw if isinstance(v, str)):
        tok = _classify_cached(value)
        if tok.kind in ("number", "percent"):
            da += tok.shape == "da"
            en += tok.shape == "en"
    return da, en


_CACHE: dict[str, _Token] = {}


def _classify_cached(value: str) -> _Token:
    tok = _CACHE.get(value)
    if tok is None:
        if len(_CACHE) > 200_000:
            _CACHE.clear()
        tok = _CACHE[value] = classify_text(value)
    return tok


def parse_column(raw: list, file_convention: str | None = None, *, known_convention: str | None = None,
                 counts: Counter | None = None) -> ParsedColumn:
    """Parse one column's cells; the number convention is judged for the whole column, never per cell."""
    counts = Counter(raw) if counts is None else counts
    if all(v.__class__ is float for v in counts):
        return ParsedColumn(list(raw), "number" if raw else "empty", counts=counts)
    texts = {v for v in counts if isinstance(v, str)}
    tokens = {t: _classify_cached(t) for t in texts}
    da = sum(1 for t in tokens.values() if t.kind in ("number", "percent") and t.shape == "da")
    en = sum(1 for t in tokens.values() if t.kind in ("number", "percent") and t.shape == "en")
    amb = [t.number_text for t in tokens.values() if t.kind in ("number", "percent") and t.shape == "amb"]
    ambiguous, convention = None, known_convention
    if convention is None:
        if da and not en:
            convention = "da"
        elif en and not da:
            convention = "en"
        elif da and en:
            convention, ambiguous = file_convention or "da", "open"
        elif amb:
            convention, ambiguous = (file_convention, "file") if file_convention else ("da", "open")
        else:
            convention = file_convention or "da"
    month_first = _month_first(texts) if any(t.kind == "date" for t in tokens.values()) else False
    kinds = {"number": 0, "percent": 0, "date": 0, "text": 0}
    over_100 = 0
    converted: dict[object, object] = {}
    for v, n in counts.items():
        if isinstance(v, str):
            tok = tokens[v]
            kind = tok.kind
            if kind in ("number", "percent"):
                out = to_number(tok.number_text or "", convention)
                over_100 += n if kind == "percent" and out > 100 else 0
            elif kind == "date" and month_first:
                out = parse_date_text(normalise_text(v), True)
            else:
                out = tok.value
        elif v is None:
            out, kind = None, "missing"
        elif isinstance(v, (int, float)):
            out, kind = (float(v), "number") if v == v else (None, "missing")
        elif isinstance(v, (date, datetime)):
            out, kind = v, "date"
        else:  # CellError and anything else already typed
            out, kind = v, "error" if isinstance(v, CellError) else "text"
        converted[v] = out
        if kind in kinds:
            kinds[kind] += n
    values = [converted[v] for v in raw]
    ctype = max(kinds, key=lambda k: kinds[k]) if any(kinds.values()) else \
        ("number" if any(isinstance(v, (Suppressed, CellError)) for v in values) else "empty")
    example = amb[0] if ambiguous and amb else None
    return ParsedColumn(values, ctype, ambiguous, example, convention, over_100, counts)


def _month_first(texts: set[str]) -> bool:
    """d/m/y unless some cell can only be m/d/y (second part above 12)."""
    first_over, second_over = False, False
    for t in texts:
        m = _DMY.match(normalise_text(t))
        if m:
            first_over |= int(m.group(1)) > 12
            second_over |= int(m.group(3)) > 12
    return second_over and not first_over
