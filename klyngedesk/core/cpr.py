"""Recognising Danish CPR numbers in any text or cell: dashes, spaces, zero-width characters, lost leading zeros."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from klyngedesk.core.model import Clinic, Meeting
from klyngedesk.i18n import KlyngeError, tr

# Characters that change nothing a reader sees: ignored wherever they are (also inside the digits).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
# Characters people put between the groups of a CPR number: dashes, minus signs, slashes, spaces and the dot
# of a Danish date ("01.01.70-1234", "010170.1234"). A thousands-grouped number never splits ten digits at a
# date boundary, and a digit group right after a decimal mark is a decimal part (see _decimal_part).
SEPARATORS = (".-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d/ \t\u00a0\u1680\u2000\u2001\u2002"
              "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_DROP_ZERO_WIDTH = str.maketrans("", "", ZERO_WIDTH)
_HAS_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_SEP = f"[{re.escape(SEPARATORS)}]"
# Digit groups joined by short runs of separators: "010170-1234", "01 01 70 1234", "010170 – 1234".
_RUN = re.compile(rf"\d+(?:{_SEP}{{1,3}}\d+)*")
_GROUP = re.compile(r"\d+")
# Where a CPR number may be split: after the day, the month and the year, and inside the serial part.
_SPLITS = frozenset({2, 4, 6, 8})
_DECIMAL_MARKS = ".,"


def _digits(text: str) -> str:
    """Unicode digits (full-width, Arabic-Indic ...) as ASCII digits."""
    return text if text.isascii() else "".join(str(unicodedata.digit(ch)) for ch in text)


@lru_cache(maxsize=4096)
def valid_cpr_digits(digits: str) -> bool:
    """Ten digits whose first six are a real birth date (century from the 7th digit), not in the future.

    The modulus-11 check is deliberately not required: CPR numbers issued since 2007 may fail it.
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    from stdnum.dk import cpr as stdnum_cpr  # imported on the first candidate (it pulls in ssl at start-up)

    try:
        born = stdnum_cpr.get_birth_date(digits)
    except Exception:  # stdnum raises InvalidComponent (a ValueError) for impossible dates  # noqa: BLE001
        return False
    return isinstance(born, date) and born <= date.today()


def _splits_allowed(lengths: list[int]) -> bool:
    cuts, at = set(), 0
    for n in lengths[:-1]:
        at += n
        cuts.add(at)
    return cuts <= _SPLITS and (8 not in cuts or 6 in cuts)


def cpr_in_text(text: str, *, whole_nine: bool = True) -> bool:
    """True when the text holds something that reads as a CPR number anywhere in it.

    `whole_nine`: a cell that is exactly nine digits counts too (a CPR number whose leading zero Excel
    dropped); in running text nine digits are not enough.
    """
    if len(text) < 9:
        return False
    if _HAS_ZERO_WIDTH.search(text):
        text = text.translate(_DROP_ZERO_WIDTH)
    for run in _RUN.finditer(text):
        span = run.group()
        if len(span) < 9:
            continue
        found = list(_GROUP.finditer(span))
        groups = [g.group() for g in found]
        lengths = [len(g) for g in groups]
        for first in range(len(groups)):
            total = 0
            for last in range(first, len(groups)):
                total += lengths[last]
                if total == 10:
                    if first == last and _decimal_part(text, run.start() + found[first].start(),
                                                       run.start() + found[first].end()):
                        break  # 0.1234567891 or 1234567891,5: a decimal number, not a CPR number
                    if _splits_allowed(lengths[first:last + 1]) and \
                            valid_cpr_digits(_digits("".join(groups[first:last + 1]))):
                        return True
                    break
                if total > 10:
                    break
    if whole_nine:
        bare = text.strip()
        if len(bare) == 9 and bare.isdigit() and valid_cpr_digits("0" + _digits(bare)):
            return True
    return False


def _decimal_part(text: str, start: int, end: int) -> bool:
    before = start >= 2 and text[start - 1] in _DECIMAL_MARKS and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] in _DECIMAL_MARKS and text[end + 1].isdigit()
    return before or after


def cpr_in_number(value: float | int) -> bool:
    """A numeric cell that is a CPR number: ten digits, or nine whose leading zero was lost."""
    if isinstance(value, float):
        if not (1e8 <= abs(value) < 1e10) or not value.is_integer():
            return False
        number = int(abs(value))
    else:
        number = abs(value)
        if not 10**8 <= number < 10**10:
            return False
    return valid_cpr_digits(f"{number:010d}")


def cpr_in_value(value) -> bool:
    """Any cell value: text, a number (not a boolean), or anything else shown as text."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, (float, int)):
        return cpr_in_number(value)
    if isinstance(value, str):
        return cpr_in_text(value)
    if isinstance(value, date):
        return False
    return cpr_in_text(str(value))


_MASK = "••••••-••••"


def redact(text: str) -> str:
    """Text safe to show or store: every run of nine or more digits (CPR-shaped or not) is masked."""
    if _HAS_ZERO_WIDTH.search(text):
        text = text.translate(_DROP_ZERO_WIDTH)

    def mask(m: re.Match) -> str:
        return _MASK if sum(len(g) for g in _GROUP.findall(m.group())) >= 9 else m.group()

    return _RUN.sub(mask, text)


class CprInTypedText(KlyngeError):
    """Typed text that holds a CPR number, refused before it is stored: `where` names the field (an English
    message id, translated when shown); the number itself is never part of the message."""

    def __init__(self, where: str) -> None:
        super().__init__(CPR_REFUSED)
        self.where = where

    def message(self, lang: str | None = None) -> str:
        return tr(CPR_REFUSED, lang, where=tr(self.where, lang))


CPR_REFUSED = ("{where} holds a CPR number. Patient numbers are never kept in the project: take the number out and "
               "save again. Nothing was saved.")


def refuse_cpr(where: str, *texts: str | None) -> None:
    """Raise CprInTypedText when any of the typed `texts` reads as a CPR number (ten digits with a real birth
    date, however they are spaced; nine digits are not enough in running text)."""
    if any(text and cpr_in_text(text, whole_nine=False) for text in texts):
        raise CprInTypedText(where)


def refuse_cpr_in_meeting(meeting: Meeting) -> None:
    """A meeting is never saved with a CPR number typed into its title, time, place, agenda, questions or
    speakers (the store refuses it; a dialog asks first, so that what was typed stays in it)."""
    refuse_cpr("The meeting's title, time or place", meeting.title, meeting.time, meeting.place)
    refuse_cpr("An agenda item", *meeting.agenda)
    refuse_cpr("A discussion question", *meeting.questions)
    refuse_cpr("A speaker's name, organisation or problem statement",
               *(t for s in meeting.speakers for t in (s.name, s.organisation, s.problem_statement)))


def refuse_cpr_in_clinic(clinic: Clinic) -> None:
    """A clinic's typed details are never stored with a CPR number in them (CprInTypedText names the field)."""
    refuse_cpr("The clinic's name, short name or yder number", clinic.name, clinic.short_name, clinic.yder)
    refuse_cpr("The clinic's address, e-mail or EHR system", clinic.address, clinic.email, clinic.ehr_system)
    refuse_cpr("A doctor's name", *clinic.doctors)
