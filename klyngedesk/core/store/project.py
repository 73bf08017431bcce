"""The Project: the typed API over one cluster's project file that the rest of the code uses."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from klyngedesk.core.model import Cluster
from klyngedesk.core.store.actions_store import ActionsStore
from klyngedesk.core.store.clinics_store import ClinicsStore
from klyngedesk.core.store.connection import ProjectFile, ProjectLocked, ProjectTooNew, ProjectUnreadable
from klyngedesk.core.store.keys import Keys
from klyngedesk.core.store.mapping_store import MappingStore
from klyngedesk.core.store.meetings_store import MeetingsStore
from klyngedesk.core.store.printed_store import PrintedStore
from klyngedesk.core.store.published_store import PublishedStore
from klyngedesk.core.store.topics_store import TopicsStore
from klyngedesk.core.store.values_store import BatchInfo, ValuesStore

__all__ = ["Project", "ProjectLocked", "ProjectTooNew", "ProjectUnreadable", "BatchInfo"]

SUFFIX = ".klynge"


class Project:
    """One open cluster project. Open with `Project.open(path)`, create with `Project.create(...)`.

    A composition, not a hierarchy: `file` is the open database (lock, connections, transactions),
    `keys` turns keys into row ids, and each `*_data` part owns one area of the schema. The methods the
    rest of the program calls (`project.add_clinic(...)`, `project.values(...)`) are those parts' own
    methods, named here one by one so a reader and a type checker see where each lives."""

    def __init__(self, file: ProjectFile) -> None:
        self.file = file
        self.keys = Keys(file)
        self.clinic_data = ClinicsStore(file, self.keys)
        self.topic_data = TopicsStore(file, self.keys)
        self.value_data = ValuesStore(file, self.keys)
        self.meeting_data = MeetingsStore(file, self.keys)
        self.action_data = ActionsStore(file, self.keys)
        self.mapping_data = MappingStore(file, self.keys)
        self.published_data = PublishedStore(file, self.keys)
        self.printed_data = PrintedStore(file, self.keys)  # the printed pack's own tables (anonymise/printed_tables)
        # clinic_data
        self.cluster = self.clinic_data.cluster
        self.set_cluster = self.clinic_data.set_cluster
        self.setting = self.clinic_data.setting
        self.set_setting = self.clinic_data.set_setting
        self.add_clinic = self.clinic_data.add_clinic
        self.update_clinic = self.clinic_data.update_clinic
        self.remove_clinic = self.clinic_data.remove_clinic
        self.clinics = self.clinic_data.clinics
        self.clinic = self.clinic_data.clinic
        self.add_period = self.clinic_data.add_period
        self.periods = self.clinic_data.periods
        self.period = self.clinic_data.period
        self.set_list_sizes = self.clinic_data.set_list_sizes
        self.list_sizes = self.clinic_data.list_sizes
        # topic_data
        self.add_topic = self.topic_data.add_topic
        self.remove_topic = self.topic_data.remove_topic
        self.topics = self.topic_data.topics
        self.topic = self.topic_data.topic
        self.measure_keys = self.topic_data.measure_keys
        self.add_reference = self.topic_data.add_reference
        self.references = self.topic_data.references
        # value_data
        self.add_batch = self.value_data.add_batch
        self.undo_batch = self.value_data.undo_batch
        self.batches = self.value_data.batches
        self.batch_by_hash = self.value_data.batch_by_hash
        self.values = self.value_data.values
        self.value_count = self.value_data.value_count
        self.topics_with_data = self.value_data.topics_with_data
        self.correct_value = self.value_data.correct_value
        # meeting_data
        self.save_meeting = self.meeting_data.save_meeting
        self.meetings = self.meeting_data.meetings
        self.meeting = self.meeting_data.meeting
        self.save_draw = self.meeting_data.save_draw
        self.draw = self.meeting_data.draw
        self.freeze_draw = self.meeting_data.freeze_draw
        self.set_consent = self.meeting_data.set_consent
        self.consents = self.meeting_data.consents
        self.add_note = self.meeting_data.add_note
        self.notes = self.meeting_data.notes
        self.remove_note = self.meeting_data.remove_note
        self.add_action = self.meeting_data.add_action
        self.actions = self.meeting_data.actions
        # action_data
        self.update_action = self.action_data.update_action
        self.remove_action = self.action_data.remove_action
        # mapping_data
        self.save_mapping_profile = self.mapping_data.save_mapping_profile
        self.mapping_profiles = self.mapping_data.mapping_profiles
        self.mapping_profile = self.mapping_data.mapping_profile
        self.remove_mapping_profile = self.mapping_data.remove_mapping_profile
        # published_data
        self.save_published = self.published_data.save_published
        self.published = self.published_data.published
        self.save_print = self.published_data.save_print
        self.latest_print = self.published_data.latest_print

    # --- the file itself -----------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, cluster: Cluster) -> Project:
        """Create a new, empty project file; refuses to overwrite."""
        project = cls(ProjectFile.open(path, create=True))
        try:
            project.set_cluster(cluster)
            project.audit("create", name=cluster.name)
        except BaseException:
            project.close()
            Path(path).unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Project:
        """Open an existing project; upgrades an older file after a backup, refuses a newer one."""
        return cls(ProjectFile.open(path, readonly=readonly))

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def conn(self) -> sqlite3.Connection:
        """The calling thread's connection to the file."""
        return self.file.conn

    @property
    def readonly(self) -> bool:
        return self.file.readonly

    def transaction(self, *, foreign_keys: bool = True) -> AbstractContextManager[sqlite3.Connection]:
        return self.file.transaction(foreign_keys=foreign_keys)

    def audit(self, action: str, **detail: Any) -> None:
        self.file.audit(action, **detail)

    def audit_log(self) -> list[dict[str, Any]]:
        return self.file.audit_log()

    def schema_version(self) -> int:
        return self.file.schema_version()

    def backup(self, target: Path) -> Path:
        return self.file.backup(target)

    def note_scratch(self, folder: Path) -> None:
        self.file.note_scratch(folder)

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
