"""Plain, Qt-free undoable commands over a Project: each knows how to do and undo itself."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from klyngedesk.core.anonymise.disclosure import LIST_SIZE, cell_key
from klyngedesk.core.cpr import refuse_cpr
from klyngedesk.core.ingest.importer import undo_import
from klyngedesk.core.model import Clinic, NewValue
from klyngedesk.core.store import Project
from klyngedesk.core.store.connection import now_iso
from klyngedesk.i18n import LANGUAGES, KlyngeError, current_language, tr


class UndoRefused(KlyngeError):
    """Undoing would remove what a frozen draw, a recorded consent or a printed pack refers to: the step stays."""

    def __init__(self, msgid: str, /, *, refs: dict[str, list[str]], what: dict[str, str] | None = None,
                 **params: object) -> None:
        super().__init__(msgid, **params)
        self.refs = refs          # language -> what refers to the thing, in words
        self.what = what or {}    # language -> the step that stays, in words (as in the Edit menu)

    def message(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        refs = self.refs.get(lang) or self.refs["en"]
        joined = refs[0] if len(refs) == 1 else tr("{items} and {last}", lang, items=", ".join(refs[:-1]),
                                                    last=refs[-1])
        extra = {"what": self.what.get(lang) or self.what.get("en", "")} if self.what else {}
        return tr(self.msgid, lang, **{**self.params, **extra, "refs": joined})


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


Cell = tuple[str, str, str]   # (clinic, measure, period) of a stored value or list size


def printed_references(project: Project, cells: dict[Cell, float | None], since: str | None = None,
                       lang: str | None = None) -> list[str]:
    """The printed packs that showed any of `cells` with the value given (in words, one per meeting), among
    the packs printed at or after `since` (an ISO time; None = any). What a pack showed is its kept
    disclosure model; a value changed since is not what is on paper (so the time's one-second grain does
    not matter)."""
    out: list[str] = []
    seen: set[str] = set()
    keys = {cell_key(period, measure, clinic): v for (clinic, measure, period), v in cells.items() if v is not None}
    for p in project.published():
        if p["meeting"] in seen or (since is not None and p["printed_at"] < since):
            continue
        truth = p["disclosure"].get("truth", {})
        if any(k in truth and abs(float(truth[k]) - v) < 1e-9 for k, v in keys.items()):
            seen.add(p["meeting"])
            out.append(tr("the pack printed for the meeting {meeting}", lang, meeting=_meeting_title(project,
                                                                                                    p["meeting"])))
    return out


def _meeting_title(project: Project, meeting: str) -> str:
    try:
        return project.meeting(meeting).title or meeting
    except KlyngeError:
        return meeting


def batch_cells(project: Project, batch_id: int) -> dict[Cell, float | None]:
    """The values a batch stored, by (clinic, measure, period), and the list sizes it set (measure LIST_SIZE)."""
    rows = project.values(history=True)
    rows = rows[rows["batch_id"] == batch_id]
    out: dict[Cell, float | None] = {
        (str(c), str(m), str(p)): (None if v != v or v is None else float(v))
        for c, m, p, v in zip(rows["clinic"], rows["measure"], rows["period"], rows["value"], strict=True)}
    batch = next((b for b in project.batches() if b.id == batch_id), None)
    sizes = (batch.details.get("list_sizes") or {}).get("new") if batch else None
    for clinic, period, n in sizes or ():
        out[(str(clinic), LIST_SIZE, str(period))] = float(n)
    return out


def batch_time(project: Project, batch_id: int) -> str | None:
    return next((b.imported_at for b in project.batches() if b.id == batch_id), None)


UNDO_PRINTED = ("Cannot undo \"{what}\": its values went into {refs}. Undoing would change numbers the members have "
                "on paper, and the next pack could no longer be audited against it. Correct the single value "
                "instead (a correction keeps its reason), or take the import back from the import history and "
                "give a reason.")
TAKE_BACK_PRINTED = ("\"{what}\" is not taken back: its values went into {refs}, and taking it back would change "
                     "numbers the members have on paper. Give a reason to take it back anyway (the project's log "
                     "keeps it with the packs it concerns), or correct the single value instead.")


def refuse_if_printed(project: Project, batch_ids: list[int], what: Callable[[str], str],
                      msgid: str = UNDO_PRINTED) -> None:
    """Raise UndoRefused when a value of these batches went into a pack printed after they were stored:
    taking them back would change numbers the members have on paper."""
    refs: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for batch_id in batch_ids:
        cells, since = batch_cells(project, batch_id), batch_time(project, batch_id)
        for lang in LANGUAGES:
            refs[lang] += [r for r in printed_references(project, cells, since, lang) if r not in refs[lang]]
    if refs["en"]:
        raise UndoRefused(msgid, refs=refs, what={lang: what(lang) for lang in LANGUAGES})


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
        with project.transaction():  # all or nothing: a full disk at the list sizes leaves no clinic behind
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
    _done_at: str | None = None

    def do(self, project: Project) -> None:
        self._done_at = now_iso()
        self._before = project.clinic(self.after.key)
        self._before_sizes = list_sizes_of(project, self.after.key)
        with project.transaction():
            project.update_clinic(self.after)
            if self.list_sizes:
                project.set_list_sizes([(self.after.key, p, n) for p, n in self.list_sizes.items()])
            project.audit("clinic_edited", clinic=self.after.key)

    def undo(self, project: Project) -> None:
        """Give the old details back, unless a pack printed since showed the new list sizes (UndoRefused)."""
        assert self._before is not None
        changed: dict[Cell, float | None] = {(self.after.key, LIST_SIZE, p): float(n)
                                             for p, n in self.list_sizes.items() if self._before_sizes.get(p) != n}
        refs = {lang: printed_references(project, changed, self._done_at, lang) for lang in LANGUAGES}
        if changed and refs["en"]:
            raise UndoRefused("Cannot undo the change of {name}: its new list sizes went into {refs}. Undoing "
                              "would change numbers the members have on paper; enter the list size again in the "
                              "clinic's details instead.", refs=refs, name=self.after.name)
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
        value = self.value
        if value is not None and not (math.isfinite(value) and value >= 0 and float(value).is_integer()):
            # every measure is a count the intervals are worked out from, as the import checks (ingest/checks.py)
            raise KlyngeError("{measure} is a count, so it must be a whole number of 0 or more ({value}).",
                              measure=self.measure, value=str(value).replace(".", ","))
        self.batch_id = project.correct_value(self.clinic, self.measure, self.period, value, self.reason)

    def undo(self, project: Project) -> None:
        """Take the correction back, unless a pack printed since showed the corrected value (UndoRefused)."""
        if self.batch_id is not None:
            refuse_if_printed(project, [self.batch_id], self.label)
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
        """Take every batch back, unless a pack printed since showed one of their values (UndoRefused)."""
        refuse_if_printed(project, self.batch_ids, self.label)
        with project.transaction():
            for batch_id in reversed(self.batch_ids):
                undo_import(project, batch_id)   # the values it replaced and the list sizes it changed come back
        self.batch_ids = []

    def label(self, lang: str | None = None) -> str:
        if len(self.files) == 1:
            return tr("Import {file}", lang, file=self.files[0])
        return tr("Import {n} files", lang, n=len(self.files))


@dataclass
class UndoBatch(Command):
    """Take an import batch back; undoing this stores the same values again as a new batch.

    A batch whose values went into a pack printed since it was stored is taken back only with a `reason`,
    which the audit log keeps with the packs it changes; without one, UndoRefused."""

    batch_id: int
    reason: str = ""
    _saved: dict | None = None
    restored_id: int | None = None

    def do(self, project: Project) -> None:
        refuse_cpr("The reason for taking the import back", self.reason)
        batch = next(b for b in project.batches() if b.id == self.batch_id)
        if not self.reason.strip():
            refuse_if_printed(project, [self.batch_id], lambda lang: tr("Import {file}", lang, file=batch.file_name),
                              TAKE_BACK_PRINTED)
        else:
            packs = printed_references(project, batch_cells(project, self.batch_id), batch.imported_at, "en")
            if packs:
                project.audit("printed_batch_undone", batch=self.batch_id, reason=self.reason.strip(), packs=packs)
        rows = project.values(history=True)
        rows = rows[rows["batch_id"] == self.batch_id]
        values = [NewValue(r.clinic, r.measure, r.period, None if r.value != r.value else r.value, r.status,
                           r.source_text, r.sheet, None if r.row != r.row or r.row is None else int(r.row), r.col)
                  for r in rows.itertuples()]
        self._saved = {"file_name": batch.file_name, "sha256": batch.sha256, "values": values,
                       "mapping": batch.mapping, "details": batch.details}
        undo_import(project, self.batch_id)   # list sizes the import changed come back too

    def undo(self, project: Project) -> None:
        assert self._saved is not None
        with project.transaction():
            self.restored_id = project.add_batch(self._saved["file_name"], self._saved["sha256"],
                                                 self._saved["values"], mapping=self._saved["mapping"],
                                                 details=self._saved["details"])
            sizes = (self._saved["details"].get("list_sizes") or {}).get("new")
            if sizes:
                project.set_list_sizes([tuple(s) for s in sizes])
        self.batch_id = self.restored_id

    def label(self, lang: str | None = None) -> str:
        return tr("Undo import {id}", lang, id=self.batch_id)
