"""A proposed mapping names a measure only for a heading that shares a word with it: on real files written by
others, no date, week, year or age column is ever proposed as a count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXTERNAL

from klyngedesk.core.demo import build_demo
from klyngedesk.core.ingest.context import ImportContext
from klyngedesk.core.ingest.inspect import inspect_file
from klyngedesk.core.ingest.mapping import shares_a_word, suggest_roles, topic_measures
from klyngedesk.core.ingest.problems import FileRefused
from klyngedesk.core.ingest.tables import fold
from klyngedesk.core.store import Project

NOT_A_COUNT = re.compile(r"\b(uge|week|aar|year|dato|date|dag|day|maaned|month|alder|age|aldersgruppe|tid|time)")


@pytest.fixture(scope="module")
def measures(tmp_path_factory) -> dict[str, dict[str, str]]:
    path = build_demo(tmp_path_factory.mktemp("d") / "d.klynge")
    with Project.open(path) as project:
        return topic_measures(ImportContext.from_project(project, None))


def _files() -> list[Path]:
    """The external files (none where shared/ is not beside the checkout: the `external` fixture says so)."""
    if not EXTERNAL.is_dir():
        return []
    return sorted(p for p in EXTERNAL.iterdir() if p.suffix.lower() in (".csv", ".xlsx", ".xls", ".ods"))


def test_external_files_are_there(external: Path) -> None:
    assert len(_files()) >= 20


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_no_date_week_year_or_age_heading_is_proposed_as_a_measure(path: Path, measures) -> None:
    try:
        report = inspect_file(path)
    except FileRefused:
        return
    for table in report.tables:
        proposed = {c: k for c, k in suggest_roles(table, measures).items() if not k.startswith("@")}
        wrong = {c: k for c, k in proposed.items() if NOT_A_COUNT.search(fold(c))}
        assert not wrong, f"{path.name}: {wrong}"


@pytest.mark.parametrize("heading, title", [
    ("Uge", "Brugere af tramadol"), ("Alder", "Brugere af morfin"), ("År", "Brugere af morfin"),
    ("I alt", "Brugere af opioider i alt"), ("Dato", "Antibiotikaordinationer"), ("Aldersgruppe", "Patienter med KOL"),
    ("n", "Brugere af NSAID i alt")])
def test_a_heading_that_shares_no_word_with_a_measure_is_not_proposed(heading: str, title: str) -> None:
    assert not shares_a_word(heading, title)


@pytest.mark.parametrize("heading, title", [
    ("Tramadolbrugere", "Brugere af tramadol"), ("TCA", "Brugere af TCA"), ("KOL pt.", "Patienter med KOL"),
    ("Penicillin V ordinationer", "Ordinationer af penicillin V"), ("Tramdol", "Brugere af tramadol"),
    ("antal_morfin_brugere", "Brugere af morfin")])
def test_a_heading_that_names_a_measure_word_by_word_is_still_proposed(heading: str, title: str) -> None:
    assert shares_a_word(heading, title)
