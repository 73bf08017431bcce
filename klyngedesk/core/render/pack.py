"""The meeting pack: group handout, one personal handout per clinic, the key and a print-all file, in one folder."""

from __future__ import annotations

import io
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pikepdf

from klyngedesk.core.anonymise import LeakChecker, anonymised_table, draw_codes, freeze_codes, leak_checker
from klyngedesk.core.collate import IndicatorTable, collate
from klyngedesk.core.model import Meeting, Topic
from klyngedesk.core.render.chart_builder import OwnFigures
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.render.key_document import KeyMaterial, KeyRow, render_key
from klyngedesk.core.render.personal_handout import Action, PersonalMaterial, render_personal
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
    passwords: dict[str, str] = field(default_factory=dict)   # in memory only: printed in the key, never in JSON
    print_all_password: str | None = None
    codes_drawn: bool = False

    def to_json(self) -> dict:
        """The `pack --json` shape of CLI.md."""
        return {"group": str(self.group), "key": str(self.key),
                "personal": {k: str(v) for k, v in self.personal.items()},
                "merged": str(self.merged) if self.merged else None, "folder": str(self.folder),
                "encrypted": bool(self.passwords), "codes_drawn": self.codes_drawn}


def new_password() -> str:
    """Twelve unambiguous characters in three groups, e.g. 'h7kq-m3tz-9wpx' (about 59 bits)."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def safe_file_name(text: str) -> str:
    """A file name that works on Windows, macOS and Linux: no separators or reserved characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip(" .-")
    return re.sub(r"\s+", " ", cleaned)[:120] or "pack"


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


def _own_figures(table: IndicatorTable, clinic: str, code: str) -> dict[str, OwnFigures]:
    own = {}
    for ind in table.indicators:
        try:
            row = ind.row(clinic)
        except KeyError:
            continue
        own[ind.key] = OwnFigures(code, row.value, row.ci_low, row.ci_high, row.numerator, row.denominator,
                                  row.baseline_value, row.flag, row.rank, ind.n_clinics, row.change, row.quality)
    return own


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
        self.draw = draw
        self.codes: dict[str, str] = dict(draw["codes"])
        self.consents = project.consents(meeting)
        self.clinics = {c.key: c for c in project.clinics() if c.key in self.codes}
        self.topics = [project.topic(t) for t in self.meeting.topics]
        self.periods = {None, self.meeting.period, self.meeting.baseline_period}
        self.anonymised = [anonymised_table(project, meeting, t.key, lang=lang) for t in self.topics]
        self.identified = [collate(project, t.key, self.meeting.period, self.meeting.baseline_period)
                           for t in self.topics]

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

    def personal_material(self, clinic: str) -> PersonalMaterial:
        code = self.codes[clinic]
        notes = self.project.notes(clinic)
        materials, own = [], {}
        titles = {ind.key: ind.title for t in self.topics for ind in t.indicators}
        for table, ident, topic in zip(self.anonymised, self.identified, self.topics, strict=True):
            own.update(_own_figures(ident, clinic, code))
            own_notes = _notes_by_indicator(notes, topic, self.periods, lambda n: n["text"])
            own_comp = {c.key: c.shares[clinic] for c in ident.compositions if clinic in c.shares}
            materials.append(TopicMaterial(table, topic, own_notes, own_comp))
        actions = tuple(Action(a["text"], titles.get(a["indicator"]),
                               date.fromisoformat(a["remeasure_on"]) if a["remeasure_on"] else None)
                        for a in self.project.actions(clinic))
        general = tuple(n["text"] for n in notes if not n["measure"] and n["period"] in self.periods)
        return PersonalMaterial(self.clinics[clinic].name, code, own, actions, general, tuple(materials))

    def personal_checker(self, clinic: str) -> LeakChecker:
        """No other clinic's identity in this clinic's handout (its own name is what it should carry)."""
        others = [c for k, c in self.clinics.items() if k != clinic]
        return LeakChecker(others, (), allowed=[self.clinics[clinic].name])


def build_pack(project: Project, meeting: str, out_dir: str | Path, *, lang: str = "da", encrypt: bool = False,
               progress: Callable[[float], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> PackResult:
    """Write the meeting's pack into a folder under out_dir and freeze the meeting's codes.

    Draws codes first if the meeting has none. Every group text is leak-checked before anything is
    written; the folder appears only when every file is complete, and the draw and the freeze are one
    transaction with it: a failure leaves nothing behind, neither files nor a new draw.
    """
    with project.transaction():
        return _build(project, meeting, Path(out_dir), lang, encrypt, progress, cancel)


def _build(project: Project, meeting: str, out_dir: Path, lang: str, encrypt: bool,
           progress: Callable[[float], None] | None, cancel: Callable[[], bool] | None) -> PackResult:
    pack = _Pack(project, meeting, lang)
    folder = out_dir / safe_file_name(f"{pack.meeting.date.isoformat()} {pack.meeting.title}")
    partial = out_dir / f".{folder.name}.partial"
    created_out_dir = not out_dir.exists()
    if partial.exists():
        shutil.rmtree(partial)
    project.note_scratch(partial)  # a pack killed half-way is cleaned up when the project is next opened
    (partial / _personal_dir(lang)).mkdir(parents=True)
    steps = len(pack.codes) + 3
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if cancel and cancel():
            raise KlyngeError("Printing the pack was cancelled.")
        if progress:
            progress(done / steps)

    try:
        group_checker = leak_checker(project, meeting)
        group_bytes = io.BytesIO()
        render_group(group_bytes, pack.group_materials(), pack.meeting, pack.cluster_name, lang,
                     check=group_checker.check, general_notes=pack.group_notes()[1])
        group_path = partial / f"{tr('Group handout', lang)}.pdf"
        group_path.write_bytes(group_bytes.getvalue())
        tick()
        passwords: dict[str, str] = {}
        personal_bytes: dict[str, bytes] = {}
        personal_paths: dict[str, Path] = {}
        for clinic in sorted(pack.codes, key=lambda k: pack.clinics[k].name.casefold()):
            buffer = io.BytesIO()
            render_personal(buffer, pack.personal_material(clinic), pack.meeting, pack.cluster_name, lang,
                            check=pack.personal_checker(clinic).check)
            personal_bytes[clinic] = buffer.getvalue()
            path = partial / _personal_dir(lang) / f"{safe_file_name(pack.clinics[clinic].name)}.pdf"
            if encrypt:
                passwords[clinic] = new_password()
                _write_encrypted(personal_bytes[clinic], path, passwords[clinic])
            else:
                path.write_bytes(personal_bytes[clinic])
            personal_paths[clinic] = path
            tick()
        print_all_password = new_password() if encrypt else None
        merged_path = partial / f"{tr('Print all', lang)}.pdf"
        _merge([(tr("Group handout", lang), group_bytes.getvalue())] +
               [(pack.clinics[k].name, personal_bytes[k]) for k in personal_paths], merged_path, print_all_password)
        tick()
        key_path = partial / f"{tr('KEY - CONFIDENTIAL', lang)}.pdf"
        rows = tuple(KeyRow(pack.codes[k], c.name, c.yder, k in pack.consents, passwords.get(k))
                     for k, c in pack.clinics.items())
        render_key(key_path, KeyMaterial(rows, pack.draw["drawn_at"], pack.draw["scheme"], now_iso(),
                                         print_all_password), pack.meeting, pack.cluster_name, lang)
        tick()
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        if created_out_dir:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    if folder.exists():
        shutil.rmtree(folder)
    partial.rename(folder)
    freeze_codes(project, meeting)
    project.audit("pack", meeting=meeting, lang=lang, encrypted=encrypt, clinics=len(personal_paths),
                  folder=str(folder))

    def moved(path: Path) -> Path:
        return folder / path.relative_to(partial)

    return PackResult(folder, moved(group_path), moved(key_path), {k: moved(v) for k, v in personal_paths.items()},
                      moved(merged_path), passwords, print_all_password, pack.codes_drawn)


def _personal_dir(lang: str) -> str:
    return tr("Personal handouts", lang)


def _write_encrypted(data: bytes, path: Path, password: str) -> None:
    """AES-256 (revision 6): opening needs the password; the owner password is random and thrown away."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner=secrets.token_urlsafe(24), user=password, R=6))


def _merge(parts: list[tuple[str, bytes]], target: Path, password: str | None) -> None:
    """One file for printing everything: each part starts on its own page and gets a top-level bookmark."""
    merged = pikepdf.new()
    sources = []
    starts = []
    for _title, data in parts:
        src = pikepdf.open(io.BytesIO(data))
        sources.append(src)
        starts.append(len(merged.pages))
        merged.pages.extend(src.pages)
    with merged.open_outline() as outline:
        for (title, _), start in zip(parts, starts, strict=True):
            outline.root.append(pikepdf.OutlineItem(title, start))
    merged.docinfo["/Title"] = parts[0][0] if parts else ""
    encryption = pikepdf.Encryption(owner=secrets.token_urlsafe(24), user=password, R=6) if password else False
    merged.save(target, encryption=encryption)
    for src in sources:
        src.close()
