"""What says cheaply whether the open project changed: SQLite's own counters of the window's connection, and
reads of the whole project (which rounds have data, the clinics) kept until they move."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from klyngedesk.core.model import Clinic
from klyngedesk.core.store import Project

if TYPE_CHECKING:
    from klyngedesk.gui.tasks import TaskRunner

T = TypeVar("T")
_kept: weakref.WeakKeyDictionary[Project, dict[str, tuple[tuple[int, int], Any]]] = weakref.WeakKeyDictionary()


def change_stamp(project: Project) -> tuple[int, int]:
    """Changes as the window's connection sees them: `data_version` moves when another connection commits
    (an import on the worker, another program), `total_changes` counts this connection's own writes. Equal
    stamps from the window's thread: nothing was written in between."""
    conn = project.conn
    return int(conn.execute("PRAGMA data_version").fetchone()[0]), int(conn.total_changes)


def topics_with_data(project: Project) -> dict[str, set[str]]:
    """`project.topics_with_data()` (a scan of every stored value), read once per state of the project in the
    window's thread; a worker thread (its own connection, closed after the task) reads it afresh."""
    with_data = _read_once(project, "topics_with_data", project.topics_with_data)
    return {period: set(topics) for period, topics in with_data.items()}


def known_topics_with_data(project: Project) -> dict[str, set[str]] | None:
    """`topics_with_data(project)` if it is kept for the project as it is now, else None (nothing is read)."""
    kept = _kept.get(project, {}).get("topics_with_data")
    if kept is None or kept[0] != change_stamp(project):
        return None
    return {period: set(topics) for period, topics in kept[1].items()}


def warm(project: Project, runner: TaskRunner) -> None:
    """Read which rounds have data on the worker now (the project was just opened), so that the first page
    asking for it in the window's thread finds it kept; kept only if nothing changed meanwhile."""
    stamp = change_stamp(project)

    def keep(with_data: dict[str, set[str]]) -> None:
        if change_stamp(project) == stamp:
            _kept.setdefault(project, {})["topics_with_data"] = (stamp, with_data)

    runner.start(lambda _progress, _cancelled: project.topics_with_data(), "rounds with data", succeeded=keep)


def clinics(project: Project) -> list[Clinic]:
    """`project.clinics()`, read once per state of the project in the window's thread (the clinics are
    frozen values; the list is the caller's own)."""
    return list(_read_once(project, "clinics", project.clinics))


def value_count(project: Project) -> int:
    """`project.value_count()` (a count over every stored value: a tenth of a second at 1,700 clinics), read
    once per state of the project in the window's thread: opening and each page's first show ask for it."""
    return _read_once(project, "value_count", project.value_count)


def _read_once(project: Project, name: str, read: Callable[[], T]) -> T:
    if threading.current_thread() is not threading.main_thread():
        return read()
    stamp = change_stamp(project)
    kept = _kept.setdefault(project, {})
    if name not in kept or kept[name][0] != stamp:
        kept[name] = (stamp, read())
    return kept[name][1]  # type: ignore[no-any-return]
