"""The Project: the typed API over one cluster's project file that the rest of the code uses."""

from __future__ import annotations

from pathlib import Path

from klyngedesk.core.model import Cluster
from klyngedesk.core.store.actions_store import ActionsStore
from klyngedesk.core.store.clinics_store import ClinicsStore
from klyngedesk.core.store.connection import ProjectFile, ProjectLocked, ProjectTooNew, ProjectUnreadable
from klyngedesk.core.store.mapping_store import MappingStore
from klyngedesk.core.store.meetings_store import MeetingsStore
from klyngedesk.core.store.published_store import PublishedStore
from klyngedesk.core.store.topics_store import TopicsStore
from klyngedesk.core.store.values_store import BatchInfo, ValuesStore

__all__ = ["Project", "ProjectLocked", "ProjectTooNew", "ProjectUnreadable", "BatchInfo"]

SUFFIX = ".klynge"


class Project(ClinicsStore, TopicsStore, ValuesStore, MeetingsStore, MappingStore, ActionsStore, PublishedStore,
              ProjectFile):
    """One open cluster project. Open with `Project.open(path)`, create with `Project.create(...)`."""

    @classmethod
    def create(cls, path: str | Path, cluster: Cluster) -> Project:
        """Create a new, empty project file; refuses to overwrite."""
        project = cls._open(path, create=True)
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
        return cls._open(path, readonly=readonly)
