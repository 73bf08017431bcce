"""Project files whose names hold URI-reserved or non-ASCII characters open exactly that file, locked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.model import Cluster
from klyngedesk.core.store import Project, ProjectLocked
from klyngedesk.core.store.diagnose import SQLITE_MAX_PATH

NAMES = ["Ny klynge #3.klynge", "hvad?nu.klynge", "100%41.klynge", "Fjordby%41.klynge", "a&b=c;d.klynge",
         "Ærø Øst å.klynge", "  mellemrum  .klynge", "%2e%2e%2fud.klynge", "x?mode=ro&cache=shared.klynge",
         "æøå#?%&.klynge"]


def _databases(folder: Path) -> set[str]:
    """Every file in the folder, the lock and SQLite side files (-wal, -shm, -journal) left out."""
    return {p.name for p in folder.rglob("*") if p.is_file()
            and not p.name.endswith((".lock", "-wal", "-shm", "-journal"))}


@pytest.mark.parametrize("name", NAMES)
def test_create_and_reopen_writes_exactly_the_named_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with Project.create(path, Cluster("Klynge " + name, "Testby")):
        pass
    assert _databases(tmp_path) == {name}
    with Project.open(path) as project:
        assert project.cluster().name == "Klynge " + name
    with Project.open(path, readonly=True) as project:
        assert project.cluster().name == "Klynge " + name
    assert _databases(tmp_path) == {name}


@pytest.mark.parametrize("name", ["Ny klynge #3.klynge", "hvad?nu.klynge", "100%41.klynge"])
def test_demo_command_reports_the_file_it_wrote(tmp_path: Path, name: str, capsys) -> None:
    assert main(["demo", str(tmp_path / name), "--clinics", "3", "--periods", "1"]) == 0
    assert _databases(tmp_path) == {name}
    assert name in capsys.readouterr().err


def test_percent_escape_never_opens_the_decoded_neighbour(tmp_path: Path) -> None:
    """`Fjordby%41.klynge` is not FjordbyA.klynge: the neighbour's lock does not stop it, nor its data leak."""
    neighbour = Project.create(tmp_path / "FjordbyA.klynge", Cluster("Naboen", "Testby"))
    try:
        with Project.create(tmp_path / "Fjordby%41.klynge", Cluster("Fjordby", "Testby")) as project:
            assert project.cluster().name == "Fjordby"
        with pytest.raises(ProjectLocked):
            Project.open(tmp_path / "FjordbyA.klynge")
    finally:
        neighbour.close()
    with Project.open(tmp_path / "FjordbyA.klynge") as project:
        assert project.cluster().name == "Naboen"


def _long_path(tmp_path: Path, total_bytes: int) -> Path:
    """A deep path of Danish names with reserved characters, `total_bytes` long in UTF-8."""
    folder = tmp_path / "Lægehuset på Ærø # ? % &" / ("å" * 60) / ("æ" * 60) / ("ø" * 60)
    folder.mkdir(parents=True)
    stem = "Klynge "
    room = total_bytes - len(os.fsencode(folder / (stem + ".klynge")))
    path = folder / (stem + "ø" * (room // 2) + "x" * (room % 2) + ".klynge")
    assert len(os.fsencode(path)) == total_bytes
    return path


def test_long_path_up_to_sqlites_limit_works(tmp_path: Path) -> None:
    path = _long_path(tmp_path, SQLITE_MAX_PATH - len("-journal"))
    with Project.create(path, Cluster("Lang", "Testby")):
        pass
    with Project.open(path) as project:
        assert project.cluster().name == "Lang"
    assert _databases(path.parent) == {path.name}


def test_too_long_path_is_a_sentence_not_a_damaged_file(tmp_path: Path, capsys) -> None:
    path = _long_path(tmp_path, SQLITE_MAX_PATH + 40)
    assert main(["demo", str(path), "--clinics", "2", "--periods", "1"]) != 0
    err = capsys.readouterr().err
    assert "for lang" in err and "kortere sti" in err and "beskadiget" not in err
    assert "Traceback" not in err
    assert not any(path.parent.iterdir())
