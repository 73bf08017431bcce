"""The meeting pack: group handout, one personal handout per clinic, the key and a print-all file, in one folder."""

from __future__ import annotations

import io
import re
import secrets
import shutil
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pikepdf

from klyngedesk.core.anonymise import (
    AnonymisedIndicator,
    AnonymisedRow,
    AnonymisedTable,
    LeakChecker,
    draw_codes,
    freeze_codes,
    leak_checker,
)
from klyngedesk.core.anonymise.build import anonymised_meeting, earlier_disclosures, trend_rounds
from klyngedesk.core.anonymise.disclosure_report import DisclosureReport, build_report
from klyngedesk.core.anonymise.printed_tables import record_print
from klyngedesk.core.collate import IndicatorTable, collate
from klyngedesk.core.model import Meeting, Topic
from klyngedesk.core.render import seal
from klyngedesk.core.render.chart_builder import OwnFigures
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.render.key_document import KeyMaterial, KeyRow, key_pdf
from klyngedesk.core.render.leakscan import Section, check_typed, scan_document, scan_pdf
from klyngedesk.core.render.personal_handout import Action, PersonalMaterial, SharedCharts, render_personal
from klyngedesk.core.store import Project
from klyngedesk.core.store.connection import now_iso
from klyngedesk.i18n import KlyngeError, tr

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # no 0/o, 1/l/i: read aloud over the phone


@dataclass
class PackResult:
    folder: Path
    group: Path
    key: Path
    personal: dict[str, Path] = field(default_factory=dict)
    merged: Path | None = None
    passwords: dict[str, str] = field(default_factory=dict)   # in memory and on the password sheets only
    print_all_password: str | None = None                     # opens the print-all file and the key
    codes_drawn: bool = False
    password_sheets: bytes | None = None                      # the PDF to print; never written beside the files
    password_sheets_path: Path | None = None                  # where it was saved, if the caller chose a place
    disclosure: DisclosureReport | None = None   # who could be singled out, and the choices (see disclosure_report)

    def to_json(self) -> dict:
        """The `pack --json` shape of CLI.md."""
        return {"group": str(self.group), "key": str(self.key),
                "personal": {k: str(v) for k, v in self.personal.items()},
                "merged": str(self.merged) if self.merged else None, "folder": str(self.folder),
                "encrypted": bool(self.passwords), "codes_drawn": self.codes_drawn,
                "password_sheets": str(self.password_sheets_path) if self.password_sheets_path else None,
                "disclosure": self.disclosure.to_json() if self.disclosure else None}


def new_password() -> str:
    """Twelve unambiguous characters in three groups, e.g. 'h7kq-m3tz-9wpx' (about 59 bits)."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_file_name(text: str) -> str:
    """A file name that works on Windows, macOS and Linux: no separators, reserved characters or names."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip(" .-")
    cleaned = re.sub(r"\s+", " ", cleaned)[:120].rstrip(" .") or "pack"
    return f"{cleaned}_" if cleaned.split(".")[0].casefold() in _WINDOWS_RESERVED else cleaned


def personal_file_names(clinics: dict[str, str]) -> dict[str, str]:
    """Clinic key -> its handout's file name (without .pdf), keyed by the clinic key so that no two clinics
    share a file, also where names clean to the same text or differ only in case (Windows, macOS)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(clinics, key=lambda k: (clinics[k].casefold(), k)):
        stem = safe_file_name(f"{key} {clinics[key]}")
        name, n = stem, 2
        while name.casefold() in taken:
            name, n = f"{stem} ({n})", n + 1
        taken.add(name.casefold())
        names[key] = name
    return names


def _indicator_measures(topic: Topic) -> dict[str, set[str]]:
    return {ind.key: {m for m in (ind.numerator, ind.denominator) if m} for ind in topic.indicators}


def _notes_by_indicator(notes: list[dict], topic: Topic, periods: set[str | None],
                        text: Callable[[dict], str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for key, measures in _indicator_measures(topic).items():
        for note in notes:
            if note["measure"] in measures and note["period"] in periods:
                out.setdefault(key, []).append(text(note))
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class _Shown:
    """One indicator as the group material shows it, indexed once for every clinic's handout: its rows by
    code and the values shown, sorted (a clinic's place is counted among them)."""

    group: AnonymisedIndicator
    rows: dict[str, AnonymisedRow]
    values: list[float]     # the shown values that compare (not NaN), ascending
    shown: int              # how many rows show a value

    @classmethod
    def of(cls, group: AnonymisedIndicator) -> _Shown:
        rows: dict[str, AnonymisedRow] = {}
        for r in group.rows:
            rows.setdefault(r.code, r)   # the first row of a code, as a scan would find it
        shown = [r.value for r in group.rows if r.value is not None]
        return cls(group, rows, sorted(v for v in shown if v == v), len(shown))

    def others_below(self, value: float, code: str) -> tuple[int, int]:
        """(how many of the other clinics' shown values lie below `value`, how many others show one)."""
        below = bisect_left(self.values, value)
        mine = self.rows.get(code)
        mine_value = mine.value if mine is not None else None
        # every row of the code is left out of the others (a code has one row)
        if mine_value is not None and mine_value < value:
            below -= 1
        return below, self.shown - (mine_value is not None)


def shown_indicators(anonymised: AnonymisedTable) -> dict[str, _Shown]:
    return {ind.key: _Shown.of(ind) for ind in anonymised.indicators}


def _own_figures(table: IndicatorTable, shown: dict[str, _Shown], clinic: str, code: str,
                 rounds: list[IndicatorTable] | None = None) -> dict[str, OwnFigures]:
    """The clinic's own figures in full. Its place and its funnel flag are told against what the group
    material shows, never against the hidden clinics: a place among every clinic ("3 of 7" with no shown
    clinic below) would tell the reader how many hidden clinics lie below its own value, and limits widened
    by a tau^2 over every clinic say something about how the hidden counts split."""
    own = {}
    for ind in table.indicators:
        try:
            row = ind.row(clinic)
        except KeyError:
            continue
        group = shown.get(ind.key)
        rank, ranked = row.rank, ind.n_clinics
        flag: str | None = row.flag
        unknown = row.value is not None and row.funnel is None
        if group is not None:
            if row.value is None:
                rank, (_, others) = None, group.others_below(0.0, code)
            else:
                below, others = group.others_below(row.value, code)
                rank = 1 + below
            ranked = others + (row.value is not None)
            mine = group.rows.get(code)
            if mine is not None and mine.funnel is not None:
                flag = mine.flag
            elif ind.overdispersion.get("adjusted"):
                flag, unknown = None, row.value is not None
        own[ind.key] = OwnFigures(code, row.value, row.ci_low, row.ci_high, row.numerator, row.denominator,
                                  row.baseline_value, flag, rank, ranked, row.change, row.quality,
                                  trend=tuple(_round_value(rt, ind.key, clinic) for rt in rounds or ()),
                                  limits_unknown=unknown)
    return own


def _round_value(table: IndicatorTable, indicator: str, clinic: str) -> float | None:
    """The clinic's own (true) value of an indicator in one round of the trend."""
    try:
        return table.indicator(indicator).row(clinic).value
    except KeyError:
        return None


class _Pack:
    """Gathers a meeting's material from the project, then writes the files."""

    def __init__(self, project: Project, meeting: str, lang: str) -> None:
        self.project, self.lang = project, lang
        self.meeting: Meeting = project.meeting(meeting)
        if not self.meeting.topics:
            raise KlyngeError("The meeting {key} has no topics to print.", key=meeting)
        if not self.meeting.period:
            raise KlyngeError("The meeting {key} has no period: choose the data round first.", key=meeting)
        self.cluster_name = project.cluster().name
        self.codes_drawn = False
        draw = project.draw(meeting)
        if draw is None:
            draw_codes(project, meeting)
            self.codes_drawn = True
            draw = project.draw(meeting)
        assert draw is not None
        self.draw: dict = draw
        self.codes: dict[str, str] = dict(draw["codes"])
        self.consents = project.consents(meeting)
        self.clinics = {c.key: c for c in project.clinics() if c.key in self.codes}
        self.topics = [project.topic(t) for t in self.meeting.topics]
        self.periods = {None, self.meeting.period, self.meeting.baseline_period}
        self.rounds = [trend_rounds(project, t.key, self.meeting.period) for t in self.topics]
        audited = anonymised_meeting(project, meeting, lang=lang, rounds=self.rounds)   # topics audited together
        self.anonymised = [a[0] for a in audited]
        self.disclosures = [a[1] for a in audited]   # kept when printed: later packs are audited against them
        self.report = build_report(meeting, self.disclosures, earlier_disclosures(project, meeting), self.consents,
                                   {c.key: c.name for c in project.clinics()}, self.codes, self.anonymised,
                                   [b for a in audited for b in a[2]], lang, project.published())
        self.identified = [collate(project, t.key, self.meeting.period, self.meeting.baseline_period)
                           for t in self.topics]
        self.shown = [shown_indicators(table) for table in self.anonymised]   # indexed once for every clinic

    def _group_note(self, note: dict) -> str:
        """A note for the group: a clinic is named by its code (by name only if it consented)."""
        if note["clinic"] and note["clinic"] in self.codes:
            who = self.clinics[note["clinic"]].name if note["clinic"] in self.consents else self.codes[note["clinic"]]
            return tr("Clinic {code}: {text}", self.lang, code=who, text=note["text"])
        return note["text"]

    def group_notes(self) -> tuple[list[dict], tuple[str, ...]]:
        """The notes meant for the group, and those of them about no measure (shown on the cover)."""
        notes = [n for n in self.project.notes() if n["audience"] == "group" and n["period"] in self.periods]
        return notes, tuple(self._group_note(n) for n in notes if not n["measure"])

    def group_materials(self) -> list[TopicMaterial]:
        notes, _ = self.group_notes()
        return [TopicMaterial(table, topic, _notes_by_indicator(notes, topic, self.periods, self._group_note))
                for table, topic in zip(self.anonymised, self.topics, strict=True)]

    def personal_topics(self) -> list[TopicMaterial]:
        """The topics every personal handout shows (each clinic's own notes go with its copy)."""
        return [TopicMaterial(table, topic) for table, topic in zip(self.anonymised, self.topics, strict=True)]

    def personal_material(self, clinic: str) -> PersonalMaterial:
        code = self.codes[clinic]
        notes = self.project.notes(clinic)
        materials, own = [], {}
        titles = {ind.key: ind.title for t in self.topics for ind in t.indicators}
        for table, ident, topic, rounds, shown in zip(self.anonymised, self.identified, self.topics, self.rounds,
                                                      self.shown, strict=True):
            own.update(_own_figures(ident, shown, clinic, code, rounds))
            own_notes = _notes_by_indicator(notes, topic, self.periods, lambda n: n["text"])
            own_comp = {c.key: c.shares[clinic] for c in ident.compositions if clinic in c.shares}
            materials.append(TopicMaterial(table, topic, own_notes, own_comp))
        actions = tuple(Action(a["text"], titles.get(a["indicator"]),
                               date.fromisoformat(a["remeasure_on"]) if a["remeasure_on"] else None)
                        for a in self.project.actions(clinic))
        general = tuple(n["text"] for n in notes if not n["measure"] and n["period"] in self.periods)
        return PersonalMaterial(self.clinics[clinic].name, code, own, actions, general, tuple(materials))


def build_pack(project: Project, meeting: str, out_dir: str | Path, *, lang: str = "da", encrypt: bool = False,
               password_sheets: str | Path | None = None, progress: Callable[[float], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> PackResult:
    """Write the meeting's pack into a folder under out_dir and freeze the meeting's codes.

    Draws codes first if the meeting has none. Every page of every file is leak-checked on its final text
    before anything is written; the folder appears only when every file is complete, and the draw and the
    freeze are one transaction with it: a failure leaves nothing behind, neither files nor a new draw.
    With `encrypt`, each personal handout gets its own password, the print-all file and the key the
    coordinator's; the passwords are only in the result and on the password sheets, which are saved to
    `password_sheets` if given (never inside the pack folder) for the coordinator to print.
    """
    placed: list[_Placed] = []
    try:
        with project.transaction():
            return _build(project, meeting, Path(out_dir), lang, encrypt,
                          Path(password_sheets) if password_sheets else None, progress, cancel, placed)
    except BaseException:
        for done in placed:   # the project did not record the pack: it is taken back, an earlier one restored
            done.take_back()
        raise
    finally:
        for done in placed:
            done.forget_earlier()


@dataclass
class _Placed:
    """The pack folder put in place before the project's transaction commits, and the earlier pack of the
    same meeting it replaced (kept aside until the commit has succeeded)."""

    folder: Path
    earlier: Path | None
    made: Path | None = None   # the folder the pack was asked into, where printing created it

    def take_back(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.made is not None:
            shutil.rmtree(self.made, ignore_errors=True)
        if self.earlier is not None and self.earlier.exists():
            self.earlier.rename(self.folder)
            self.earlier = None

    def forget_earlier(self) -> None:
        if self.earlier is not None:
            shutil.rmtree(self.earlier, ignore_errors=True)


@dataclass
class _Files:
    """The pack's files as bytes, checked, before anything is written."""

    group: bytes = b""
    personal: dict[str, bytes] = field(default_factory=dict)
    merged: bytes = b""
    key: bytes = b""
    sheets: bytes | None = None


def _build(project: Project, meeting: str, out_dir: Path, lang: str, encrypt: bool, sheets_path: Path | None,
           progress: Callable[[float], None] | None, cancel: Callable[[], bool] | None,
           placed: list[_Placed]) -> PackResult:
    pack = _Pack(project, meeting, lang)
    folder = out_dir / safe_file_name(f"{pack.meeting.date.isoformat()} {pack.meeting.title}")
    if sheets_path is not None and _inside(sheets_path, folder):
        raise KlyngeError("The password sheets must not be saved in the pack folder {folder}: choose another "
                          "place (e.g. a USB stick), print them and keep them apart from the files.",
                          folder=str(folder))
    steps = len(pack.codes) + 3
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if cancel and cancel():
            raise KlyngeError("Printing the pack was cancelled.")
        if progress:
            progress(done / steps)

    partial = out_dir / f".{folder.name}.partial"
    created_out_dir = not out_dir.exists()
    if partial.exists():
        shutil.rmtree(partial)
    project.note_scratch(partial)  # a pack killed half-way is cleaned up when the project is next opened
    try:
        (partial / _personal_dir(lang)).mkdir(parents=True)   # hidden and empty until every page is checked
        files, names, passwords, print_all_password = _render(pack, encrypt, tick)
        tick()
        group_path = partial / f"{tr('Group handout', lang)}.pdf"
        group_path.write_bytes(files.group)
        personal_paths = {k: partial / _personal_dir(lang) / f"{names[k]}.pdf" for k in files.personal}
        for clinic, path in personal_paths.items():
            path.write_bytes(files.personal[clinic])
        merged_path = partial / f"{tr('Print all', lang)} - {tr('CONFIDENTIAL', lang)}.pdf"
        merged_path.write_bytes(files.merged)
        key_path = partial / f"{tr('KEY - CONFIDENTIAL', lang)}.pdf"
        key_path.write_bytes(files.key)
        if sheets_path is not None and files.sheets is not None:
            sheets_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = sheets_path.with_name(f".{sheets_path.name}.partial")
            temporary.write_bytes(files.sheets)
            temporary.replace(sheets_path)
        tick()
        # What was printed is recorded before the folder appears (and the transaction commits after it, see
        # build_pack): a pack the project could not record would be one the next audit does not know about.
        freeze_codes(project, meeting)
        project.save_print(meeting, [(d.topic, d.to_json()) for d in pack.disclosures])
        record_print(project, meeting, lang, pack.anonymised)   # the slides show these while nothing changes
        project.audit("pack", meeting=meeting, lang=lang, encrypted=encrypt, clinics=len(personal_paths),
                      folder=str(folder))
        earlier = None
        if folder.exists():   # the meeting printed before: kept aside until the project has recorded this one
            earlier = out_dir / f".{folder.name}.earlier"
            if earlier.exists():
                shutil.rmtree(earlier)
            project.note_scratch(earlier)
            folder.rename(earlier)
        try:
            partial.rename(folder)
        except BaseException:
            if earlier is not None:
                earlier.rename(folder)
            raise
        placed.append(_Placed(folder, earlier, out_dir if created_out_dir else None))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        if created_out_dir and not placed:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise

    def moved(path: Path) -> Path:
        return folder / path.relative_to(partial)

    return PackResult(folder, moved(group_path), moved(key_path), {k: moved(v) for k, v in personal_paths.items()},
                      moved(merged_path), passwords, print_all_password, pack.codes_drawn, files.sheets,
                      sheets_path if files.sheets is not None else None,
                      pack.report)


def _typed_texts(meeting: Meeting | None, materials: Iterable[TopicMaterial], general: Iterable[str]) -> list[str]:
    """What the coordinator typed that a handout prints, each piece whole: the meeting's title, time, place,
    agenda, questions and speakers' details (group handout), and the notes beside the topics and on the cover."""
    out = [*general, *(note for m in materials for notes in m.notes.values() for note in notes)]
    if meeting is not None:
        out += [meeting.title, meeting.time, meeting.place, *meeting.agenda, *meeting.questions,
                *(t for s in meeting.speakers for t in (s.organisation, s.problem_statement))]
    return out


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _render(pack: _Pack, encrypt: bool, tick: Callable[[], None]
            ) -> tuple[_Files, dict[str, str], dict[str, str], str | None]:
    """Every file of the pack in memory, each page's final text leak-checked: group pages may name only
    consenting clinics, a clinic's personal pages only that clinic, the print-all file section by section."""
    project, lang, meeting = pack.project, pack.lang, pack.meeting
    files = _Files()
    speakers = [s.name for s in meeting.speakers if s.name]   # named on the agenda by their own choice
    group_checker = leak_checker(project, meeting.key, allowed=speakers, codes=pack.codes)
    group_name = tr("Group handout", lang)
    materials, general = pack.group_materials(), pack.group_notes()[1]
    buffer = io.BytesIO()
    render_group(buffer, materials, meeting, pack.cluster_name, lang, general_notes=general)
    files.group = buffer.getvalue()
    group_read = scan_document(files.group, group_checker, group_name)
    check_typed(_typed_texts(meeting, materials, general), group_checker, group_name)   # as typed: unwrapped
    tick()
    order = sorted(pack.codes, key=lambda k: (pack.clinics[k].name.casefold(), k))
    names = personal_file_names({k: pack.clinics[k].name for k in order})
    checkers: dict[str, LeakChecker] = {}
    personal_checker = leak_checker(project, allowed=speakers, codes=pack.codes)   # compiled once, narrowed to each clinic
    shared = SharedCharts(pack.personal_topics(), lang)   # the charts' other clinics made once for all handouts
    pages: dict[str, int] = {}      # each handout's pages, without the blank back of its own file
    read: dict[str, list[str]] = {}  # each handout's pages as read back for its leak check
    for clinic in order:
        name = pack.clinics[clinic].name
        buffer = io.BytesIO()
        material = pack.personal_material(clinic)
        pages[clinic] = render_personal(buffer, material, meeting, pack.cluster_name, lang,
                                        shared=shared, footer=seal.personal_footer(name, lang), whole_sheets=True)
        checkers[clinic] = personal_checker.for_own(clinic)
        document = tr("the personal material for {clinic}", lang, clinic=name)
        read[clinic] = scan_document(buffer.getvalue(), checkers[clinic], document)
        typed = _typed_texts(None, material.topics, material.general_notes)
        check_typed([meeting.title, *(a.text for a in material.actions), *typed], checkers[clinic], document)
        files.personal[clinic] = buffer.getvalue()
        tick()
    print_all_password = new_password() if encrypt else None
    passwords = {k: new_password() for k in order} if encrypt else {}
    merged, sections, known, checked = _print_all(pack, files, order, pages, read, group_read, group_checker,
                                                  checkers)
    scan_pdf(merged, sections, known=known, checked=checked)
    rows = tuple(KeyRow(pack.codes[k], c.name, c.yder, k in pack.consents) for k, c in pack.clinics.items())
    files.key = key_pdf(KeyMaterial(rows, pack.draw["drawn_at"], pack.draw["scheme"], now_iso(), encrypt),
                        meeting, pack.cluster_name, lang)
    if encrypt:
        assert print_all_password is not None
        files.personal = {k: _encrypted(v, passwords[k]) for k, v in files.personal.items()}
        files.merged = _encrypted(merged, print_all_password)
        files.key = _encrypted(files.key, print_all_password)
        files.sheets = seal.password_sheets([(pack.clinics[k].name, f"{names[k]}.pdf", passwords[k]) for k in order],
                                            print_all_password, meeting, pack.cluster_name, lang)
    else:
        files.merged = merged
    return files, names, passwords, print_all_password


def _personal_dir(lang: str) -> str:
    return tr("Personal handouts", lang)


def _encrypted(data: bytes, password: str) -> bytes:
    """AES-256 (revision 6): opening needs the password; the owner password is random and thrown away."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner=secrets.token_urlsafe(24), user=password, R=6))
    return out.getvalue()


def _print_all(pack: _Pack, files: _Files, order: list[str], pages: dict[str, int], read: dict[str, list[str]],
               group_read: list[str], group_checker: LeakChecker, checkers: dict[str, LeakChecker]
               ) -> tuple[bytes, list[Section], dict[int, str], dict[int, LeakChecker]]:
    """One file for printing everything: a confidential front sheet, the group handout, then each clinic's
    sealed section (its cover, its handout from the cover's back, padded as a whole: whole sheets without a
    blank cover back). Each part starts on its own page and gets a top-level bookmark; the file's title and
    subject say it is confidential. Returns the file, its sections for the leak check, the texts of the
    pages copied from files read already (page index -> text) and the checker each of those was checked
    with there (the section's own: the print-all check does not find anything new in them)."""
    lang, meeting = pack.lang, pack.meeting
    names = {k: pack.clinics[k].name for k in order}
    covers = seal.clinic_covers([(names[k], pages[k]) for k in order], meeting, pack.cluster_name, lang)
    padded = [k for k in order if (1 + pages[k]) % 2]      # cover + handout odd: a blank back after it
    group_blank = len(group_read) % 2 == 1
    blanks = seal.blank_backs([""] * group_blank + [seal.personal_footer(names[k], lang) for k in padded], lang)
    front = seal.print_all_front(meeting, pack.cluster_name, len(order), lang)
    merged = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in (front, files.group, covers, blanks)]
    personal = {k: pikepdf.open(io.BytesIO(files.personal[k])) for k in order}
    try:
        front_pdf, group_pdf, covers_pdf, blanks_pdf = sources
        known: dict[int, str] = {}
        checked: dict[int, LeakChecker] = {}
        starts: list[tuple[str, int]] = []
        merged.pages.extend(front_pdf.pages)
        group_name = tr("Group handout", lang)
        starts.append((tr("CONFIDENTIAL", lang), 0))
        starts.append((group_name, len(merged.pages)))
        known.update((len(merged.pages) + i, text) for i, text in enumerate(group_read))
        checked.update((len(merged.pages) + i, group_checker) for i in range(len(group_read)))
        merged.pages.extend(group_pdf.pages)
        blank = iter(blanks_pdf.pages)
        if group_blank:
            merged.pages.append(next(blank))
        sections = [Section(tr("Print all", lang), group_checker, 0, len(merged.pages))]
        for i, clinic in enumerate(order):
            start = len(merged.pages)
            starts.append((names[clinic], start))
            merged.pages.append(covers_pdf.pages[i])
            known.update((start + 1 + p, read[clinic][p]) for p in range(pages[clinic]))
            checked.update((start + 1 + p, checkers[clinic]) for p in range(pages[clinic]))
            merged.pages.extend(personal[clinic].pages[:pages[clinic]])
            if clinic in padded:
                merged.pages.append(next(blank))
            sections.append(Section(tr("Print all", lang), checkers[clinic], start, len(merged.pages)))
        with merged.open_outline() as outline:
            for part_title, start in starts:
                outline.root.append(pikepdf.OutlineItem(part_title, start))
        subject = tr("CONFIDENTIAL — for the coordinator only", lang)
        merged.docinfo["/Title"] = tr("CONFIDENTIAL", lang) + " — " + f"{tr('Print all', lang)} — {meeting.title}"
        merged.docinfo["/Subject"] = subject
        merged.docinfo["/Keywords"] = subject
        merged.docinfo["/Creator"] = "KlyngeDesk"
        out = io.BytesIO()
        merged.save(out)
    finally:
        for src in [*sources, *personal.values()]:
            src.close()
    return out.getvalue(), sections, known, checked
