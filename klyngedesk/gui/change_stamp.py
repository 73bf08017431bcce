"""What says cheaply whether the open project changed: SQLite's own counters of the window's connection, and
reads of the whole project (which rounds have data) kept until they move."""

from __future__ import annotations

import threading
import weakref

from klyngedesk.core.store import Project

_with_data: weakref.WeakKeyDictionary[Project, tuple[tuple[int, int], dict[str, set[str]]]] = (
    weakref.WeakKeyDictionary())


def change_stamp(project: Project) -> tuple[int, int]:
    """Changes as the window's connection sees them: `data_version` moves when another connection commits
    (an import on the worker, another program), `total_changes` counts this connection's own writes. Equal
    stamps from the window's thread: nothing was written in between."""
    conn = project.conn
    return int(conn.execute("PRAGMA data_version").fetchone()[0]), int(conn.total_changes)


def topics_with_data(project: Project) -> dict[str, set[str]]:
    """`project.topics_with_data()` (a scan of every stored value), read once per state of the project in the
    window's thread; a worker thread (its own connection, closed after the task) reads it afresh."""
    if threading.current_thread() is not threading.main_thread():
        return project.topics_with_data()
    stamp = change_stamp(project)
    kept = _with_data.get(project)
    if kept is None or kept[0] != stamp:
        kept = (stamp, project.topics_with_data())
        _with_data[project] = kept
    return {period: set(topics) for period, topics in kept[1].items()}
