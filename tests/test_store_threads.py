"""One SQLite connection per thread: a worker's transaction never takes a GUI-thread write with it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from klyngedesk.core.model import Clinic, Cluster
from klyngedesk.core.store import Project
from klyngedesk.core.store.connection import close_thread_connections


class Cancelled(Exception):
    pass


@pytest.fixture
def project(tmp_path: Path):
    p = Project.create(tmp_path / "Tråde.klynge", Cluster("Trådklynge", "Testby"))
    yield p
    p.close()


def test_a_worker_thread_gets_its_own_connection(project: Project) -> None:
    seen: dict[str, object] = {}

    def work() -> None:
        seen["conn"] = project.conn
        seen["again"] = project.conn
        project.add_clinic(Clinic("W", "Fra tråden", "100001"))
        close_thread_connections()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["conn"] is seen["again"] and seen["conn"] is not project.conn
    assert [c.key for c in project.clinics()] == ["W"]  # the worker's commit is visible to the GUI thread


def test_cancelled_worker_transaction_keeps_the_gui_threads_write(project: Project) -> None:
    started, finished = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with project.transaction():
                project.add_clinic(Clinic("X", "Arbejderens klinik", "100002"))
                started.set()
                finished.wait(0.3)  # the GUI thread writes now; it waits for this transaction to end
                raise Cancelled
        except Cancelled:
            pass
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_thread_connections()

    t = threading.Thread(target=worker)
    t.start()
    assert started.wait(10)
    project.add_clinic(Clinic("Y", "Koordinatorens klinik", "100003"))  # the GUI thread, during the task
    finished.set()
    t.join()
    assert not errors
    assert [c.key for c in project.clinics()] == ["Y"]  # kept; the cancelled worker's clinic is gone


def test_a_task_closes_its_connection_when_it_ends(project: Project, qtbot) -> None:
    from klyngedesk.gui.tasks import TaskRunner

    runner = TaskRunner()
    results: list[int] = []
    task = runner.start(lambda progress, cancelled: len(project.clinics()), "count", succeeded=results.append)
    qtbot.waitUntil(lambda: task.done.is_set() and bool(results), timeout=10000)
    assert results == [0]
    assert project.file._others == []  # the worker's connection was closed at the end of the task
    runner.wait()
    runner.deleteLater()
