"""How a column writes its numbers (1.234,5 or 1,234.5), judged from the whole column and the file around it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Number shapes and the convention each is evidence for: "da" (1.234,5), "en" (1,234.5), None (neutral:
# reads the same either way) or "amb" (1.234 / 1,234: a thousand or a decimal number, the shape cannot tell).
_SHAPES = [
    (re.compile(r"^\d+$"), None),
    (re.compile(r"^\d{1,3}(?: \d{3})+$"), None),
    (re.compile(r"^0[.,]\d+$"), "lead0"),  # 0.500 / 0,500: a grouped number never starts with 0
    (re.compile(r"^\d{1,3}(?:\.\d{3}){2,}$"), "da"),
    (re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$"), "da"),
    (re.compile(r"^\d{1,3}(?:,\d{3}){2,}$"), "en"),
    (re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$"), "en"),
    (re.compile(r"^[1-9]\d{0,2}\.\d{3}$"), "amb"),
    (re.compile(r"^[1-9]\d{0,2},\d{3}$"), "amb"),
    (re.compile(r"^\d*\.\d+$"), "en"),
    (re.compile(r"^\d*,\d+$"), "da"),
    (re.compile(r"^\d{1,3}(?: \d{3})+,\d+$"), "da"),
    (re.compile(r"^\d{1,3}(?: \d{3})+\.\d+$"), "en"),
]
_NUMBERISH = re.compile(r"^[+-]?\d[\d., ]*\d$")
CONVENTIONS = ("da", "en")

# Words that tell the language of a header row (folded: lower case; æøå kept).
_DA_WORDS = {"antal", "andel", "praksis", "patienter", "borgere", "procent", "alder", "aldersgruppe", "køn",
             "kvinder", "mænd", "uge", "år", "dato", "kommune", "navn", "værdi", "vaerdi", "periode", "måling",
             "maaling", "ydernummer", "alt", "beboere", "tilfælde", "indlagte", "døde", "testede", "befolkning",
             "befolkningstal", "sum", "samlet", "læge", "lægepraksis", "klinik", "diagnose", "ordinationer",
             "recepter", "besøg", "kontakter", "pr", "indbyggere", "listestørrelse", "enhed", "måned", "kvartal",
             "og", "med", "uden", "af", "til", "ialt", "hele", "landet"}
_EN_WORDS = {"number", "count", "patients", "practice", "total", "rate", "percent", "percentage", "date",
             "week", "year", "name", "value", "age", "sex", "male", "female", "males", "females", "tested",
             "cases", "deaths", "population", "items", "cost", "quantity", "code", "prevalence", "size", "list",
             "month", "quarter", "and", "with", "without", "of", "per", "share", "amount", "visits", "prescriptions",
             "registered", "admissions", "group", "average", "mean", "all", "people", "doctor", "clinic"}
_WORD = re.compile(r"[a-zæøåA-ZÆØÅ]+")


def number_shape(text: str) -> str | None | bool:
    """The convention a numeric text is evidence for; False when it is not a number at all."""
    body = text.lstrip("+-").strip()
    for pattern, evidence in _SHAPES:
        if pattern.match(body):
            return "da" if evidence == "lead0" and "," in body else "en" if evidence == "lead0" else evidence
    return False


def numberish(text: str) -> bool:
    """Digits and separators only: meant as a number even when its shape is wrong (3.250.100,5.1)."""
    return bool(_NUMBERISH.match(text.strip()))


def to_number(text: str, convention: str) -> float:
    """Read a numeric text under a convention: 'da' (1.234,5) or 'en' (1,234.5); ValueError if it does not fit."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-").strip().replace(" ", "")
    if convention == "da":
        body = body.replace(".", "").replace(",", ".")
    else:
        body = body.replace(",", "")
    return sign * float(body)


def compatible(shape: str | None | bool, convention: str) -> bool:
    """Whether a cell of this shape reads correctly under the convention (1.5 does not under 'da')."""
    return shape is None or shape == "amb" or shape == convention


def header_language(names: list[str]) -> str | None:
    """'da' or 'en' when the header row's words say so (æøå or common words), else None."""
    da = en = 0
    for name in names:
        if any(ch in name for ch in "æøåÆØÅ"):
            da += 1
        for word in _WORD.findall(str(name).replace("_", " ")):
            w = word.lower()
            da += w in _DA_WORDS
            en += w in _EN_WORDS
    if da > en:
        return "da"
    if en > da:
        return "en"
    return None


@dataclass(frozen=True)
class NumberEvidence:
    """What the file around a column says about how numbers are written."""

    file: str | None = None  # 'da'/'en' from unambiguous numbers elsewhere in the file
    delimiter: str | None = None  # a CSV file's delimiter
    language: str | None = None  # the header row's language

    def votes(self) -> list[tuple[str, str, int]]:
        """(convention, reason, weight) for each piece of evidence."""
        out = []
        if self.file in CONVENTIONS:
            out.append((self.file, "file", 3))
        if self.delimiter == ";":
            out.append(("da", "delimiter", 1))  # Excel with Danish settings writes ';' and a decimal comma
        elif self.delimiter == ",":
            out.append(("en", "delimiter", 1))  # a comma inside a comma-delimited cell was quoted: a group mark
        if self.language in CONVENTIONS:
            out.append((self.language, "language", 1))
        return out


def decide_convention(evidence: NumberEvidence, separators: set[str], long_plain: bool,
                      short_plain: bool = False) -> tuple[str | None, tuple[str, ...]]:
    """The convention for a column whose separated numbers are all ambiguous (1.234), with the deciding reason.

    `separators` are the marks the ambiguous cells use; `long_plain` says the column also holds whole numbers
    of four or more digits written without a group mark, which speaks for the mark being a decimal mark;
    `short_plain` says it holds whole numbers below 1000 (and no longer ones): next to numbers that all have
    exactly three digits after the mark, that speaks for the mark grouping thousands (a fixed-decimals
    writer would have written 800 as 800,000).
    Returns (None, ()) when the evidence does not decide: then the user must choose.
    """
    score = {"da": 0, "en": 0}
    reasons: dict[str, list[str]] = {"da": [], "en": []}
    for convention, reason, weight in evidence.votes():
        score[convention] += weight
        reasons[convention].append(reason)
    if len(separators) == 1 and long_plain != short_plain:
        decimal_side, group_side = ("en", "da") if separators == {"."} else ("da", "en")
        side = decimal_side if long_plain else group_side
        score[side] += 1
        reasons[side].append("column" if long_plain else "column_groups")
    if len(separators) == 2:
        return None, ()  # 1.234 and 1,234 in one column: no reading is consistent
    lead, other = ("da", "en") if score["da"] >= score["en"] else ("en", "da")
    if score[lead] - score[other] >= 2:
        return lead, tuple(reasons[lead])
    return None, ()
