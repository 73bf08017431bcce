"""Plain, Qt-free undoable commands over a Project: each knows how to do and undo itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from klyngedesk.core.model import Clinic, NewValue
from klyngedesk.core.store import Project
from klyngedesk.i18n import LANGUAGES, KlyngeError, current_language, tr


class UndoRefused(KlyngeError):
    """Undoing would remove what a frozen draw, a recorded consent or a printed pack refers to: the step stays."""

    def __init__(self, msgid: str, /, *, refs: dict[str, list[str]], **params: object) -> None:
        super().__init__(msgid, **params)
        self.refs = refs          # language -> what refers to the thing, in words

    def message(self, lang: str | None = None) -> str:
        refs = self.refs.get(lang or current_language()) or self.refs["en"]
        joined = refs[0] if len(refs) == 1 else tr("{items} and {last}", lang, items=", ".join(refs[:-1]),
                                                    last=refs[-1])
        return tr(self.msgid, lang, **{**self.params, "refs": joined})


def clinic_references(project: Project, clinic: str, lang: str | None = None) -> list[str]:
    """What refers to a clinic and must outlive it, in words: its code in a frozen draw (the pack was printed
    with it) and its recorded consents, per meeting."""
    out = []
    for meeting in project.meetings():
        draw = project.draw(meeting.key)
        if draw and draw["frozen_at"] and clinic in draw["codes"]:
            out.append(tr("its code {code} in the frozen draw of the meeting {meeting} (the pack was printed)", lang,
                          code=draw["codes"][clinic], meeting=meeting.title))
        if clinic in project.consents(meeting.key):
            out.append(tr("its consent recorded for the meeting {meeting}", lang, meeting=meeting.title))
    return out


def refuse_if_referenced(project: Project, clinic: str, name: str) -> None:
    """Raise UndoRefused (naming what refers to the clinic) if removing it would break a printed key."""
    refs = {lang: clinic_references(project, clinic, lang) for lang in LANGUAGES}
    if refs["en"]:
        raise UndoRefused("Cannot undo adding {name}: the project keeps {refs}. Undoing would delete what the printed "
                          "key and the consents refer to. If the clinic has left the cluster, set the date it left "
                          "in its details instead.", refs=refs, name=name)


class Command:
    """Base: `do` and `undo` change the project; `label(lang)` names the step for the Edit menu."""

    def do(self, project: Project) -> None:
        raise NotImplementedError

    def undo(self, project: Project) -> None:
        raise NotImplementedError

    def label(self, lang: str | None = None) -> str:
        raise NotImplementedError


@dataclass
class AddClinic(Command):
    clinic: Clinic
    list_sizes: dict[str, int] = field(default_factory=dict)

    def do(self, project: Project) -> None:
        project.add_clinic(self.clinic)
        if self.list_sizes:
            project.set_list_sizes([(self.clinic.key, p, n) for p, n in self.list_sizes.items()])
        project.audit("clinic_added", clinic=self.clinic.key)

    def undo(self, project: Project) -> None:
        """Remove the clinic again, unless a frozen draw or a consent refers to it (then UndoRefused)."""
        refuse_if_referenced(project, self.clinic.key, self.clinic.name)
        project.remove_clinic(self.clinic.key)

    def label(self, lang: str | None = None) -> str:
        return tr("Add clinic {name}", lang, name=self.clinic.name)


@dataclass
class EditClinic(Command):
    """Change a clinic's details and list sizes; remembers the old ones for undo."""

    after: Clinic
    list_sizes: dict[str, int] = field(default_factory=dict)
    _before: Clinic | None = None
    _before_sizes: dict[str, int] = field(default_factory=dict)

    def do(self, project: Project) -> None:
        self._before = project.clinic(self.after.key)
        self._before_sizes = list_sizes_of(project, self.after.key)
        with project.transaction():
            project.update_clinic(self.after)
            if self.list_sizes:
                project.set_list_sizes([(self.after.key, p, n) for p, n in self.list_sizes.items()])
        project.audit("clinic_edited", clinic=self.after.key)

    def undo(self, project: Project) -> None:
        assert self._before is not None
        with project.transaction():
            project.update_clinic(self._before)
            if self._before_sizes:
                project.set_list_sizes([(self._before.key, p, n) for p, n in self._before_sizes.items()])

    def label(self, lang: str | None = None) -> str:
        return tr("Edit clinic {name}", lang, name=self.after.name)


def list_sizes_of(project: Project, clinic: str) -> dict[str, int]:
    frame = project.list_sizes()
    frame = frame[frame["clinic"] == clinic]
    return {str(p): int(n) for p, n in zip(frame["period"], frame["patients"], strict=True)}


@dataclass
class CorrectValue(Command):
    """A hand correction of one stored value; stored as a one-value batch, so undo takes that batch back."""

    clinic: str
    measure: str
    period: str
    value: float | None
    reason: str
    batch_id: int | None = None

    def do(self, project: Project) -> None:
        self.batch_id = project.correct_value(self.clinic, self.measure, self.period, self.value, self.reason)

    def undo(self, project: Project) -> None:
        if self.batch_id is not None:
            project.undo_batch(self.batch_id)
            self.batch_id = None

    def label(self, lang: str | None = None) -> str:
        return tr("Correct {measure} for {clinic}", lang, measure=self.measure, clinic=self.clinic)


@dataclass
class AddNote(Command):
    text: str
    clinic: str | None = None
    measure: str | None = None
    period: str | None = None
    note_id: int | None = None

    def do(self, project: Project) -> None:
        self.note_id = project.add_note(self.text, clinic=self.clinic, measure=self.measure, period=self.period)

    def undo(self, project: Project) -> None:
        if self.note_id is not None:
            project.remove_note(self.note_id)
            self.note_id = None

    def label(self, lang: str | None = None) -> str:
        return tr("Add note", lang)


@dataclass
class CommitImport(Command):
    """Files committed by the importer as batches; `commit(project)` stores them and returns the batch ids.

    Undo takes every batch back (newest first); redo stores the same prepared values again.
    """

    files: list[str]
    commit: Callable[[Project], list[int]]
    batch_ids: list[int] = field(default_factory=list)

    def do(self, project: Project) -> None:
        self.batch_ids = list(self.commit(project))

    def undo(self, project: Project) -> None:
        with project.transaction():
            for batch_id in reversed(self.batch_ids):
                project.undo_batch(batch_id)
        self.batch_ids = []

    def label(self, lang: str | None = None) -> str:
        if len(self.files) == 1:
            return tr("Import {file}", lang, file=self.files[0])
        return tr("Import {n} files", lang, n=len(self.files))


@dataclass
class UndoBatch(Command):
    """Take an import batch back; undoing this stores the same values again as a new batch."""

    batch_id: int
    _saved: dict | None = None
    restored_id: int | None = None

    def do(self, project: Project) -> None:
        batch = next(b for b in project.batches() if b.id == self.batch_id)
        rows = project.values(history=True)
        rows = rows[rows["batch_id"] == self.batch_id]
        values = [NewValue(r.clinic, r.measure, r.period, None if r.value != r.value else r.value, r.status,
                           r.source_text, r.sheet, None if r.row != r.row or r.row is None else int(r.row), r.col)
                  for r in rows.itertuples()]
        self._saved = {"file_name": batch.file_name, "sha256": batch.sha256, "values": values,
                       "mapping": batch.mapping, "details": batch.details}
        project.undo_batch(self.batch_id)

    def undo(self, project: Project) -> None:
        assert self._saved is not None
        self.restored_id = project.add_batch(self._saved["file_name"], self._saved["sha256"], self._saved["values"],
                                             mapping=self._saved["mapping"], details=self._saved["details"])
        self.batch_id = self.restored_id

    def label(self, lang: str | None = None) -> str:
        return tr("Undo import {id}", lang, id=self.batch_id)
