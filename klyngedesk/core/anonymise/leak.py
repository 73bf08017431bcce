"""The leak check: finds any identity string of the cluster's clinics in text meant for others to read."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from klyngedesk.core.model import Clinic
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, tr

# Words in clinic names that identify nobody on their own (a name's other words are "distinctive").
GENERIC_WORDS = frozenset({
    "læge", "læger", "lægerne", "lægehus", "lægehuset", "lægeklinik", "lægeklinikken", "lægecenter",
    "lægecentret", "lægecentre", "lægepraksis", "lægepraksissen", "praksis", "praksissen", "klinik",
    "klinikken", "klinikker", "sundhedshus", "sundhedshuset", "center", "centret", "centeret", "huset",
    "almen", "almenpraksis", "medicin", "familielæge", "familielægerne", "doctors", "clinic", "practice",
    "medical", "centre", "group", "gruppe", "gruppen", "and", "the", "og", "ved", "på", "i", "v",
    "centrum", "city", "doktor", "doktorerne", "lægegruppen", "lægehusene", "speciallæge",
})
# Kinds of identity, as the user is told about them (never the text itself).
KIND_LABELS = {
    "name": "a clinic's name", "short_name": "a clinic's short name", "name_word": "part of a clinic's name",
    "doctor": "a doctor's name",
    "doctor_surname": "a doctor's surname", "yder": "a yder number", "address": "an address",
    "email": "an e-mail address", "ehr": "an EHR system that points to one clinic",
    "cpr": "a CPR number",
}
EHR_SHARED_BY = 3      # an EHR system used by fewer clinics than this identifies them
MIN_YDER_DIGITS = 4    # a yder number is also found without its leading zeros when this many digits remain

# Invisible characters a name can hide behind: soft hyphen, zero-width space/joiners, word joiner, BOM,
# Mongolian vowel separator, combining grapheme joiner, and the markers PDF text extractors leave for
# hyphenation (U+0002, U+FFFE).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e\u034f\u0002\ufffe"), None)
# Danish letters folded to their two-letter spelling (Ågaard = Aagaard, Kjærsgaard = Kjaersgaard).
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "&": " og ", "\u2019": "'", "\u2018": "'",
                       "\u02bc": "'", "`": "'", "\u00b4": "'"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_DIGIT_RUN = re.compile(r"\d+(?:[ .\-/]\d+)*")
_DIGITS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"(?<=\d)[ .\-/](?=\d)")
_LINES = re.compile(r"[\r\n]+")
_PROSE = re.compile(r"[^\W\d_]*[^\W\d_A-ZÆØÅ][^\W\d_]*")   # a word with a small letter: not only codes
_DATA_ROW = re.compile(r"\d,\d|%")   # a decimal number or a percentage: a row of figures (value, n, denominator)
# A CPR number as people write it in text: ten digits, or the date (six digits, or day, month and year apart)
# and the four after it, apart by a dash or a space; not inside a longer number or a decimal. (Files are
# scanned more widely on import, core/cpr.py; on a page, rows of two-digit counts would read as dates.)
_CPR_SHAPE = re.compile(r"(?<![\d.,])(\d{6}|\d{2}[. ]\d{2}[. ]\d{2})[ \-\u2010-\u2015\u2212]{0,3}(\d{4})(?!\d|[.,]\d)")
_CPR_LEAK_TEXT = ""     # what a CPR hit keeps of the number: nothing (never echoed, never held)
_SYNONYMS = {"and": "og"}   # "&" is read as "og" (and "and"), so "Holm & Bøg" is "Holm og Bøg"
# A name cut short as a chart cuts a row's label: "…" (NFKC: "...") right after a word, then the row's code alone
# in brackets ("Lægefællesskabet Søndre… (K)"); the code is group 1 (normalised).
_CUT = re.compile(r"\.\.\.[ \t]*\(([^\W_]{1,4})\)")


class IdentityLeak(KlyngeError):
    """Text for others contains an identity string of a clinic that may not be named there: never print it."""

    def __init__(self, msgid: str, /, *, leaks: Iterable[Leak] = (), **params: object) -> None:
        super().__init__(msgid, **params)
        self.leaks = list(leaks)

    def message(self, lang: str | None = None) -> str:
        """The message with its `kinds` (a list of kind keys) named in words of `lang`."""
        params = dict(self.params)
        if "kinds" in params:
            params["kinds"] = kinds_text(params["kinds"], lang)
        return tr(self.msgid, lang, **params)


@dataclass(frozen=True)
class Leak:
    kind: str        # one of KIND_LABELS
    clinic: str      # clinic key (for the coordinator's eyes only)
    found: str       # the identity string (never shown to the user in an error message)


def normalise(text: str) -> str:
    """Text as the check compares it: invisible characters removed, NFKC, case-folded, æøå folded."""
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    return unicodedata.normalize("NFKC", text.casefold()).translate(_FOLD)


def tokens(text: str) -> list[str]:
    """The words and numbers of a text, normalised; a decimal number ("19,2") is one token."""
    return [_SYNONYMS.get(t, t) for t in _TOKEN.findall(normalise(text))]


def distinctive_words(name: str) -> list[str]:
    """The words of a clinic name that point to that clinic (not 'Lægehuset', 'og', numbers...)."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", unicodedata.normalize("NFKC", name.translate(_INVISIBLE)))
    parts = [p for w in words for p in ([w, *w.split("-")] if "-" in w else [w])]
    seen = dict.fromkeys(w for w in parts if len(w) >= 4 and w.casefold() not in GENERIC_WORDS)
    return list(seen)


def _doctor_strings(doctor: str) -> list[tuple[str, str]]:
    """A doctor's full name, first and last name without middle names, and the surname alone."""
    words = doctor.split()
    out = [("doctor", doctor)]
    if len(words) >= 3:
        out.append(("doctor", f"{words[0]} {words[-1]}"))
    if len(words) >= 2 and len(words[-1].strip(".")) >= 3:
        out.append(("doctor_surname", words[-1]))
    return out


def identity_strings(clinic: Clinic, consented: bool = False, ehr_identifies: bool = True) -> list[tuple[str, str]]:
    """(kind, string) pairs that must not appear where this clinic may not be named.

    A consenting clinic may be shown by name (and its doctors and EHR system may be mentioned), but its
    yder number, address and e-mail are never material for others.
    """
    out: list[tuple[str, str]] = []
    if not consented:
        out.append(("name", clinic.name))
        out += [("name_word", w) for w in distinctive_words(clinic.name)]
        if clinic.short_name.strip():   # the name the window shows the coordinator identifies just as well
            out.append(("short_name", clinic.short_name))
            out += [("name_word", w) for w in distinctive_words(clinic.short_name)]
        out += [pair for d in clinic.doctors if d.strip() for pair in _doctor_strings(d.strip())]
        if clinic.ehr_system and ehr_identifies:
            out.append(("ehr", clinic.ehr_system))
    if clinic.yder:
        out.append(("yder", clinic.yder))
    if clinic.address:
        out.append(("address", clinic.address))
        street = clinic.address.split(",")[0].strip()
        if street and street != clinic.address:
            out.append(("address", street))
    if clinic.email:
        out.append(("email", clinic.email))
        domain = clinic.email.rsplit("@", 1)[-1]
        if "." in domain and not domain.endswith(("gmail.com", "hotmail.com", "outlook.com", "live.dk",
                                                   "yahoo.com", "icloud.com", "mail.dk")):
            out.append(("email", domain))
    return [(k, s.strip()) for k, s in out if s and s.strip()]


_END = ""   # the trie key under which a node lists what ends there (no token is empty)


@dataclass
class _Trie:
    """Token sequences in a trie: matching at each token start follows at most the longest sequence's length."""

    root: dict = field(default_factory=dict)

    def add(self, words: list[str], value: object) -> None:
        if not words:
            return
        node = self.root
        for word in words:
            node = node.setdefault(word, {})
        node.setdefault(_END, []).append(value)

    def spans(self, words: list[str]) -> list[tuple[int, int, object]]:
        """(start, end, value) for every sequence found as whole tokens; its last word may carry a Danish
        genitive s ("Havnegades", "Holmgaards"; "Holmgaard's" and "Jens'" are the word itself)."""
        out: list[tuple[int, int, object]] = []
        for i in range(len(words)):
            node = self.root
            for j in range(i, len(words)):
                word = words[j]
                if len(word) > 1 and word.endswith("s"):
                    genitive = node.get(word[:-1])
                    if genitive is not None:
                        out += [(i, j + 1, v) for v in genitive.get(_END, ())]
                child = node.get(word)
                if child is None:
                    break
                node = child
                out += [(i, j + 1, v) for v in node.get(_END, ())]
        return out


def _is_number(word: str) -> bool:
    return word[:1].isdigit()


class LeakChecker:
    """Identity strings of a set of clinics, compiled once; `find(text)` lists every hit in one pass.

    Text and strings are compared as token sequences of normalised text (see `normalise`), so a name
    wrapped over lines, spaced oddly, split by an invisible character or in the genitive is found. A hit
    is forgiven only when it lies wholly inside an allowed name (a consenting clinic's, or the own clinic's
    in its personal handout) or inside the beginning of a named clinic's name cut short with "…" before that
    clinic's own code, as a chart cuts a row's label (it prints nothing that name does not, and says whose row
    it is: "Lægefællesskabet Søndre… (K)" is no leak of every clinic so named), or when an address's only part outside such a name is a number (the value
    printed after "Lægeklinikken Bøgevej" is not the address "Bøgevej 19").
    """

    def __init__(self, clinics: Iterable[Clinic], consenting: Iterable[str] = (), allowed: Iterable[str] = (),
                 common_words: Iterable[str] = (), own: str | None = None,
                 codes: Mapping[str, str] | None = None) -> None:
        """`common_words`: words that identify no clinic here (e.g. the town in the cluster's name);
        `own`: the clinic whose personal handout this is (nothing of its own identity is a leak);
        `codes`: each clinic's code (by key) in this material: a named clinic's name cut short is forgiven
        only before its own code (without them, before any code)."""
        consenting = set(consenting)
        common = {normalise(w) for w in common_words}
        clinics = list(clinics)
        users = Counter(normalise(c.ehr_system).strip() for c in clinics if c.ehr_system)
        named = [c for c in clinics if c.key in consenting or c.key == own]
        self._given = frozenset(a for a in allowed if a)
        self._clinics = {c.key: c for c in clinics}
        self._consenting, self._own = frozenset(consenting), own
        self._allowed = _allowed_trie(self._given, named)
        self._codes = dict(codes) if codes is not None else None
        self._cuts = _cut_prefixes(named, self._codes)
        self._trie = _Trie()
        self._yder: dict[str, list[Leak]] = {}
        for clinic in clinics:
            if clinic.key == own:
                continue
            ehr_identifies = bool(clinic.ehr_system) and users[normalise(clinic.ehr_system or "").strip()] < EHR_SHARED_BY
            for kind, text in identity_strings(clinic, clinic.key in consenting, ehr_identifies):
                leak = Leak(kind, clinic.key, text)
                if kind == "yder":
                    digits = "".join(_DIGITS.findall(text))
                    for form in {digits, digits.lstrip("0")}:
                        if form and (form == digits or len(form) >= MIN_YDER_DIGITS):
                            self._yder.setdefault(form, []).append(leak)
                    continue
                if kind == "name_word" and normalise(text) in common:
                    continue
                self._trie.add(tokens(text), leak)

    def for_own(self, own: str) -> LeakChecker:
        """This checker for the personal material of clinic `own` (nothing of its own identity is a leak
        there), as `LeakChecker(clinics, allowed=..., own=own)` would be, without compiling every clinic's
        strings again: a pack checks one handout per clinic."""
        if self._consenting or self._own is not None:
            raise ValueError("for_own needs a checker built without consents and without an own clinic")
        checker = copy.copy(self)
        checker._own = own
        named = [self._clinics[own]] if own in self._clinics else []
        checker._allowed = _allowed_trie(self._given, named)
        checker._cuts = _cut_prefixes(named, self._codes)
        return checker

    def find(self, text: str) -> list[Leak]:
        """Every identity string in `text` that may not be there (each once)."""
        if not text:
            return []
        norm = normalise(text)   # once for the words, the cut names and the yder numbers
        words = [_SYNONYMS.get(t, t) for t in _TOKEN.findall(norm)]   # as `tokens`
        allowed = [(a, b) for a, b, _ in self._allowed.spans(words)] + self._cut_spans(norm, words)
        found: dict[Leak, None] = {}
        for start, end, value in self._trie.spans(words):
            assert isinstance(value, Leak)
            if value.clinic == self._own:
                continue
            if any(a <= start and end <= b for a, b in allowed):
                continue
            if value.kind == "address" and any(
                    a < end and start < b and all(_is_number(words[k]) for k in range(start, end) if not a <= k < b)
                    for a, b in allowed):
                continue
            found[value] = None
        for leak in self._yder_hits(text, norm):
            if leak.clinic != self._own:
                found[leak] = None
        if _has_cpr(text):   # a person's CPR number may be in no material, not even a clinic's own
            found[Leak("cpr", "", _CPR_LEAK_TEXT)] = None
        return list(found)

    def _cut_spans(self, norm: str, words: list[str]) -> list[tuple[int, int]]:
        """(start, end) of each beginning of a named clinic's name cut short before that clinic's code
        (`norm`: the text normalised, `words` its tokens)."""
        cuts = {m.start(): m.group(1) for m in _CUT.finditer(norm)} if self._cuts else {}
        if not cuts:
            return []
        out = []
        longest = max(len(k) for k in self._cuts)
        for end, match in enumerate(_TOKEN.finditer(norm), start=1):
            code = cuts.get(match.end())
            if code is None:
                continue
            for start in range(end - 1, max(0, end - longest) - 1, -1):
                who = self._cuts.get(tuple(words[start:end]))
                if who is not None and (code in who or None in who):
                    out.append((start, end))
        return out

    def _yder_hits(self, text: str, normalised: str | None = None) -> list[Leak]:
        """Yder numbers in any run of digit groups ("123456", "123 456", "12.34.56", "023456" or "23456"),
        but not inside a decimal number ("12.345,6").

        Groups are joined only by one kind of separator ("45 4.000" is two numbers, not 454000), and a group
        of zeros is never stripped as leading zeros ("0 10 20 30" is not 102030). On a line without words
        (only numbers and codes in capitals: an axis, a table row) groups are joined across spaces only as
        the whole run: such a line holds separate numbers side by side, and in a large cluster some window
        of their digits run together would meet a yder number by chance. After a decimal number or a
        percentage on such a line (a chart's row: code, value, n, denominator) they are not joined across
        spaces at all: the pack prints its own large numbers with a thousands point ("1.286"), so "218 732"
        there is a count beside its denominator."""
        if not self._yder:
            return []
        out: list[Leak] = []
        lines = _LINES.split(text)
        norms = _LINES.split(normalised) if normalised is not None else []
        if len(norms) != len(lines):   # an invisible character between two line breaks: each line on its own
            norms = [normalise(line) for line in lines]
        for line, norm in zip(lines, norms, strict=True):
            if not _DIGITS.search(line):
                continue
            prose = bool(_PROSE.search(line))
            for run in _DIGIT_RUN.finditer(norm):
                if run.start() >= 2 and norm[run.start() - 1] == "," and norm[run.start() - 2].isdigit():
                    continue   # the decimals of a number
                groups = _DIGITS.findall(run.group())
                figures = not prose and bool(_DATA_ROW.search(norm, 0, run.start()))   # columns after a value
                seps = _SEPARATORS.findall(run.group())
                decimal_after = norm[run.end():run.end() + 2][:1] == "," and \
                    norm[run.end() + 1:run.end() + 2].isdigit()
                for a in range(len(groups)):
                    digits = ""
                    for b in range(a, len(groups)):
                        if b > a and seps[b - 1] != seps[a]:
                            break
                        digits += groups[b]
                        if len(digits) > 8:
                            break
                        if b == len(groups) - 1 and decimal_after:
                            break
                        spaced = b > a and seps[a] == " "
                        if spaced and not prose and (figures or a > 0 or b < len(groups) - 1):
                            continue
                        forms = [digits] if not groups[a].strip("0") else [digits, digits.lstrip("0")]
                        for form in forms:
                            out += self._yder.get(form, [])
        return out

    def check(self, texts: str | Iterable[str]) -> None:
        """Raise IdentityLeak (saying which kinds of identity, never the text) if any text contains one."""
        if isinstance(texts, str):
            texts = [texts]
        leaks = [leak for text in texts for leak in self.find(text)]
        if leaks:
            raise IdentityLeak("Identity leak: the text contains {kinds} of a clinic that may not be named "
                               "there. Nothing was written.", leaks=leaks, kinds=leak_kinds(leaks))


def _allowed_trie(given: Iterable[str], named: Iterable[Clinic]) -> _Trie:
    """The names that may be printed: `given` ones and the `named` clinics' names and short names."""
    trie = _Trie()
    for name in {*given, *(n for c in named for n in (c.name, c.short_name.strip()) if n)}:
        trie.add(tokens(name), name)
    return trie


def _cut_prefixes(named: Iterable[Clinic], codes: Mapping[str, str] | None
                  ) -> dict[tuple[str, ...], set[str | None]]:
    """Each beginning of the `named` clinics' names and short names as tokens, its last word whole or cut
    ("laegefaellesskabet", "soendre", "skovbryns"), and the codes (normalised) of the clinics whose name begins
    so; None stands for any code where `codes` is not known."""
    out: dict[tuple[str, ...], set[str | None]] = {}
    for clinic in named:
        code = normalise(codes[clinic.key]) if codes is not None and clinic.key in codes else None
        if codes is not None and code is None:
            continue
        for name in {clinic.name, clinic.short_name.strip()} - {""}:
            words = tokens(name)
            for n, word in enumerate(words):
                for cut in range(1, len(word) + 1):
                    out.setdefault((*words[:n], word[:cut]), set()).add(code)
    return out


def _has_cpr(text: str) -> bool:
    """Whether the text holds a CPR number written as people write one (a real birth date first)."""
    from klyngedesk.core.cpr import valid_cpr_digits  # on use: the ingest package is heavy to import

    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).replace("\t", " ")   # cells apart too
    return any(valid_cpr_digits(re.sub(r"\D", "", m.group(1)) + m.group(2)) for m in _CPR_SHAPE.finditer(text))


def leak_kinds(leaks: Iterable[Leak]) -> list[str]:
    """The distinct kinds of identity among `leaks`, in a fixed order."""
    return sorted({leak.kind for leak in leaks}, key=list(KIND_LABELS).index)


def kinds_text(kinds: Iterable[str], lang: str | None = None) -> str:
    """"a doctor's surname and a yder number" in the given language."""
    labels = [tr(KIND_LABELS[k], lang) for k in kinds]
    if len(labels) <= 1:
        return "".join(labels)
    return tr("{items} and {last}", lang, items=", ".join(labels[:-1]), last=labels[-1])


def leak_checker(project: Project, meeting: str | None = None, allowed: Iterable[str] = (),
                 own: str | None = None, codes: Mapping[str, str] | None = None) -> LeakChecker:
    """A checker for every clinic of the project; clinics consenting at `meeting` may be named, and so may
    `own` (the clinic whose personal handout is checked: then no other clinic may be named); `codes`: the
    clinics' codes in the material (see LeakChecker)."""
    consenting = project.consents(meeting) if meeting and own is None else set()
    cluster = project.cluster()
    common = distinctive_words(" ".join((cluster.name, cluster.municipality, cluster.region)))
    return LeakChecker(project.clinics(), consenting, allowed, common, own=own, codes=codes)


def check_no_leak(texts: str | Iterable[str], project: Project, meeting: str | None = None,
                  allowed: Iterable[str] = ()) -> None:
    """Scan any text produced for group use; raises IdentityLeak saying which kinds of identity were found."""
    leak_checker(project, meeting, allowed).check(texts)
