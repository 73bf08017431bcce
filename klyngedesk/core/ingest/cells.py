"""Cell values: Danish and English numbers, percentages, counts with percent, dates, errors, suppressed cells."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from klyngedesk.core.ingest.number_format import (
    NumberEvidence,
    compatible,
    decide_convention,
    number_shape,
    numberish,
    to_number,
)

ColumnType = str  # "number" | "percent" | "date" | "text" | "empty"


@dataclass(frozen=True)
class Suppressed:
    """A value hidden at the source ("<5", "< 20", "-", "."): never zero, never missing."""

    text: str


@dataclass(frozen=True)
class CellError:
    """A spreadsheet error such as #DIV/0! kept as an error."""

    code: str


class Percent(float):
    """A percentage as the cell shows it: 25.0 for '25 %', or for 0.25 in a cell formatted as a percentage.
    Never stored as a count: a share is not the number of patients."""


class PercentFraction(float):
    """A spreadsheet number formatted as a percentage, as read (0.25 for a cell that shows 25 %)."""


class MonthDate(date):
    """A date cell the spreadsheet shows as a month ('jul. 2026'): it names the month, not its first day."""

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat


class YearDate(date):
    """A date cell the spreadsheet shows as a year ('2026'): it names the year, not its first day."""

    def isoformat(self) -> str:
        return f"{self.year:04d}"

    __str__ = isoformat


class SeveralNumbers(str):
    """A cell holding several numbers ('1 2 3 4', '12; 14'): never one count, never guessed into one."""


@dataclass(frozen=True)
class Ambiguous:
    """A number the file does not say how to read (2.500: 2500 or 2.5); never stored until the user chooses."""

    text: str
    thousands: float | None  # the reading with the separator as thousands separator
    decimal: float | None  # the reading with the separator as decimal mark


@dataclass(frozen=True)
class Duration:
    """A length of time (a spreadsheet duration cell), kept as a value."""

    seconds: float

    def iso(self) -> str:
        """ISO 8601, e.g. P10DT15H10M10S."""
        total = round(self.seconds)
        sign, total = ("-", -total) if total < 0 else ("", total)
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
        return f"{sign}P{f'{days}D' if days else ''}{'T' + time if time else ('' if days else 'T0S')}"


ERRORS = {"#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
          "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
          # the same errors as a Danish Excel writes them into a saved csv
          "#DIVISION/0!", "#NAVN?", "#VÆRDI!", "#NUL!", "#REFERENCE!", "#I/T", "#SPILD!", "#BEREGN!"}
BOOLEANS = {"true": True, "false": False, "sand": True, "falsk": False}
MISSING = {"na", "n/a", "null", "none", "nan", "mangler", "ikke oplyst", "(blank)"}
_SUPPRESSED = re.compile(r"^(?:[<≤]|&lt;|<=)\s*\d+(?:[.,]\d+)?$|^[-–—.]{1,2}$|^\*{1,3}$")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-", "\u2013": "-",
                         # invisible: zero-width spaces and joiners, word joiner, a BOM inside a cell
                         "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None})
_NUM = r"[+-]?\d[\d., ]*"
_PERCENT = re.compile(rf"^({_NUM})\s*%$")
_COUNT_PCT = re.compile(rf"^({_NUM})\s*\(\s*({_NUM})\s*%?\s*\)$")
# a negative as accountants (and some exports) write it: '(12)' or '12-'
_ACCOUNTING_NEGATIVE = re.compile(r"^\(\s*(\d[\d., ]*?)\s*\)$|^(\d[\d., ]*?)\s*-$")
# several numbers in one cell: '1 2 3 4', '12; 14' (one count each would need a cell of its own)
_SEVERAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:\s*;\s*[+-]?\d+(?:[.,]\d+)?|\s+[+-]?\d+(?:[.,]\d+)?)+$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([-./])(\d{1,2})\2(\d{2}|\d{4})$")
_DMONY = re.compile(r"^(\d{1,2})[-. ]?([a-zæøå]{3})[a-zæøå]*\.?[-. ]?(\d{4})$", re.I)
MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "maj": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12}

# '1'234' / '1’234,5': thousands grouped with an apostrophe (Swiss and some locale exports), read as '1 234'
_APOSTROPHES = "'\u2019\u02bc"
_APOSTROPHE_GROUPED = re.compile(rf"^[+-]?\d{{1,3}}(?:[{_APOSTROPHES}]\d{{3}})+(?:[.,]\d+)?$")
_APOSTROPHE_TO_SPACE = str.maketrans(dict.fromkeys(_APOSTROPHES, " "))


def normalise_text(value: str) -> str:
    """A cell's text with odd spaces and minus signs made plain, and apostrophe thousands groups made spaces."""
    s = value.translate(_SPACES).strip()
    if _APOSTROPHE_GROUPED.match(s):
        return s.translate(_APOSTROPHE_TO_SPACE)
    return s


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
    if s.lower() in BOOLEANS:
        return _Token("boolean", BOOLEANS[s.lower()])
    if s.upper() in ERRORS:
        return _Token("error", CellError(s.upper()))
    if s[0].isalpha():  # a name or a label: every number, percent, date and suppressed form starts otherwise
        return _Token("text", raw.strip())
    if _SUPPRESSED.match(s):
        return _Token("suppressed", Suppressed(s))
    shape = number_shape(s)
    if shape is not False:
        return _Token("number", None, shape, s)
    m = _ACCOUNTING_NEGATIVE.match(s)
    if m and number_shape(part := (m.group(1) or m.group(2))) is not False:
        return _Token("number", None, number_shape(part), "-" + part)
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
    if _SEVERAL.match(s):
        return _Token("several", SeveralNumbers(raw.strip()))
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
        if m and m.group(2).lower() in MONTHS:
            return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None
    return None


@dataclass
class ParsedColumn:
    values: list
    ctype: ColumnType
    ambiguous: str | None = None  # None, "file" (decided by the evidence around it) or "open" (the user chooses)
    example: str | None = None
    convention: str | None = None
    percent_over_100: int = 0
    counts: Counter | None = None  # how often each raw cell value occurs (privacy checks reuse it)
    reasons: tuple[str, ...] = ()  # what decided an ambiguous column: "file", "delimiter", "language", "column"
    odd: list[int] = field(default_factory=list)  # positions of number-like cells that cannot be read (first few)
    odd_count: int = 0
    raw: list | None = None  # the cells as read, so a column can be read again once the user has chosen
    other_example: str | None = None  # a decided column's ambiguous number with the other mark ('1,234' beside
    # '1.234'): read the other way, so it is said too

    def readings(self) -> tuple[float | None, float | None]:
        """The example read with its mark as thousands separator and as decimal mark."""
        if not self.example:
            return None, None
        mark = "." if "." in self.example else ","
        return _read(self.example, "da" if mark == "." else "en"), _read(self.example, "en" if mark == "." else "da")

    def read_as(self, convention: str) -> ParsedColumn:
        """The column read again with the convention the user chose."""
        return parse_column(self.raw if self.raw is not None else [], known_convention=convention)


MAX_ODD_POSITIONS = 20


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


def _read(text: str, convention: str) -> float | None:
    try:
        return to_number(text, convention)
    except ValueError:
        return None


def _column_convention(tokens: dict[str, _Token], counts: Counter, evidence: NumberEvidence) \
        -> tuple[str | None, str | None, tuple[str, ...], str | None]:
    """(convention, ambiguous, reason, example) for a column, from its own cells first, then the evidence."""
    da = en = 0
    amb: list[str] = []
    long_plain = short_plain = False
    for text, tok in tokens.items():
        if tok.kind not in ("number", "percent"):
            continue
        n = counts[text]
        if tok.shape == "da":
            da += n
        elif tok.shape == "en":
            en += n
        elif tok.shape == "amb":
            amb.append(tok.number_text or text)
        elif tok.shape is None and " " not in (tok.number_text or ""):
            digits = len((tok.number_text or "").lstrip("+-"))
            long_plain |= digits >= 4
            short_plain |= digits <= 3
    if da != en:  # the column's own unambiguous numbers decide; the minority are odd cells
        return ("da" if da > en else "en"), None, (), None
    if da:  # as many of each: the rest of the file may say which is the rule
        if evidence.file in ("da", "en"):
            return evidence.file, None, (), None
        return None, "open", (), next(t for t, tok in tokens.items() if tok.shape in ("da", "en"))
    if not amb:
        return None, None, (), None
    example = min(amb)
    convention, reasons = decide_convention(evidence, {"." if "." in a else "," for a in amb}, long_plain,
                                            short_plain)
    if convention is None:
        return None, "open", (), example
    return convention, "file", reasons, example


def parse_column(raw: list, file_convention: str | None = None, *, known_convention: str | None = None,
                 counts: Counter | None = None, evidence: NumberEvidence | None = None,
                 known_reason: str | None = None) -> ParsedColumn:
    """Parse one column's cells; the number convention is judged for the whole column, never per cell.

    A column whose numbers could be read two ways and whose surroundings do not decide keeps those cells as
    `Ambiguous` (ambiguous="open"); a number-like cell that does not fit the column's convention (3.250.100
    among 1,234.5) is kept as text and listed in `odd`. `known_convention` reads the column one way (the
    user's choice); with `known_reason` (the file's format defines it) a column whose own numbers would not
    have decided is marked as read that way for that reason (ambiguous="file"), so that it is said.
    """
    counts = Counter(raw) if counts is None else counts
    if all(v.__class__ is float for v in counts):
        noisy = {v: float(f"{v:.15g}") for v in counts if not v.is_integer() and v == v}
        noisy = {v: r for v, r in noisy.items() if r != v}
        values = list(raw) if not noisy else [noisy.get(v, v) for v in raw]
        return ParsedColumn(values, "number" if raw else "empty", counts=counts, raw=raw)
    if evidence is None:
        evidence = NumberEvidence(file=file_convention)
    texts = {v for v in counts if isinstance(v, str)}
    tokens = {t: _classify_cached(t) for t in texts}
    ambiguous = example = None
    reasons: tuple[str, ...] = ()
    convention = known_convention
    if convention is None:
        convention, ambiguous, reasons, example = _column_convention(tokens, counts, evidence)
    elif known_reason is not None:
        _, undecided, _, example = _column_convention(tokens, counts, evidence)
        if undecided is not None and example is not None:  # only the format decides: said, never silent
            ambiguous, reasons = "file", (known_reason,)
        else:
            example = None
    other_example = None
    if ambiguous == "file" and example:
        mark = "." if "." in example else ","
        other_example = min((tok.number_text or t for t, tok in tokens.items() if tok.kind in ("number", "percent")
                             and tok.shape == "amb" and mark not in (tok.number_text or t)), default=None)
    month_first = _month_first(texts) if any(t.kind == "date" for t in tokens.values()) else False
    kinds = {"number": 0, "percent": 0, "date": 0, "text": 0}
    over_100 = 0
    converted: dict[object, object] = {}
    odd_texts: set[str] = set()
    for v, n in counts.items():
        if isinstance(v, str):
            tok = tokens[v]
            kind = tok.kind
            if kind in ("number", "percent"):
                out = _number_cell(v, tok, convention)
                if isinstance(out, float) and kind == "percent":
                    out = Percent(out)
                    over_100 += n if out > 100 else 0
                elif isinstance(out, str):
                    odd_texts.add(v)
            elif kind == "date" and month_first:
                out = parse_date_text(normalise_text(v), True)
            elif kind == "several":  # numbers, but not one: refused by the import as such, not as odd
                out, kind = tok.value, "number"
            elif kind == "text" and numberish(v):
                out = tok.value
                odd_texts.add(v)
                kind = "number"
            else:
                out = tok.value
                kind = "text" if kind == "boolean" else kind
        elif v is None:
            out, kind = None, "missing"
        elif isinstance(v, bool):
            out, kind = v, "text"
        elif v.__class__ is PercentFraction or v.__class__ is Percent:
            out, kind = Percent(round(v * 100, 9) if v.__class__ is PercentFraction else v), "percent"
            over_100 += n if out > 100 else 0
        elif isinstance(v, (int, float)):
            out, kind = (excel_precision(float(v)), "number") if v == v else (None, "missing")
        elif isinstance(v, (date, datetime)):
            out, kind = v, "date"
        elif isinstance(v, timedelta):
            out, kind = Duration(v.total_seconds()), "number"
        else:  # CellError and anything else already typed
            out, kind = v, "error" if isinstance(v, CellError) else "text"
        converted[v] = out
        if kind in kinds:
            kinds[kind] += n
    values = list(map(converted.__getitem__, raw))
    ctype = max(kinds, key=lambda k: kinds[k]) if any(kinds.values()) else \
        ("number" if any(isinstance(v, (Suppressed, CellError)) for v in values) else "empty")
    odd = [i for i, v in enumerate(raw) if v in odd_texts][:MAX_ODD_POSITIONS] if odd_texts else []
    odd_count = sum(counts[t] for t in odd_texts)
    return ParsedColumn(values, ctype, ambiguous, example, convention, over_100, counts, reasons, odd, odd_count,
                        raw, other_example)


def excel_precision(value: float) -> float:
    """A spreadsheet number at the 15 significant digits a spreadsheet keeps and shows: 57.00000000000001,
    the float left by a formula such as =0,1*3*190, is the 57 the clinic sees."""
    return value if value.is_integer() else float(f"{value:.15g}")


def _number_cell(text: str, tok: _Token, convention: str | None):
    """A number cell under the column's convention: a float, an `Ambiguous` (no convention yet) or the text."""
    body = tok.number_text or ""
    if convention is None:
        if tok.shape is None:
            return _read(body, "da")
        da, en = _read(body, "da"), _read(body, "en")
        if tok.shape == "amb":
            thousands, decimal = (da, en) if "." in body else (en, da)
            return Ambiguous(text.strip(), thousands, decimal)
        return Ambiguous(text.strip(), da if "." in body else en, en if "." in body else da)
    if not compatible(tok.shape, convention):
        return text.strip()
    value = _read(body, convention)
    return text.strip() if value is None else value


def _month_first(texts: set[str]) -> bool:
    """d/m/y unless some cell can only be m/d/y (second part above 12)."""
    first_over, second_over = False, False
    for t in texts:
        m = _DMY.match(normalise_text(t))
        if m:
            first_over |= int(m.group(1)) > 12
            second_over |= int(m.group(3)) > 12
    return second_over and not first_over
