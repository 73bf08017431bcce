"""The project file (*.klynge): one SQLite database per cluster. All SQL lives in this package."""

from klyngedesk.core.store.project import Project, ProjectLocked, ProjectTooNew, ProjectUnreadable

__all__ = ["Project", "ProjectLocked", "ProjectTooNew", "ProjectUnreadable"]
