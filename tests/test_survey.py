"""The topic survey: ballots as xlsx and PDF, returned ballots and typed-in votes, the ranking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from klyngedesk.cli.main import main
from klyngedesk.core.survey import (
    Ballot,
    Candidate,
    Survey,
    candidate_topics,
    ranking,
    read_ballots,
    tally,
    write_ballot_pdf,
    write_ballot_xlsx,
    write_ranking_pdf,
)
from klyngedesk.i18n import KlyngeError


@pytest.fixture
def survey() -> Survey:
    return Survey("Emner for 2027", tuple(candidate_topics(["smerter", "kol", "antibiotika"],
                                                           extra=["Søvn og sovemidler"])), 3, "Fjordby Klynge")


def fill(blank: Path, out: Path, priorities: dict[str, int]) -> Path:
    """What a member does: type priorities in the yellow cells next to the topics and save."""
    wb = load_workbook(blank)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=8):
        title = row[1].value
        for key, prio in priorities.items():
            if title == key:
                row[3].value = prio
    wb.save(out)
    return out


def test_returned_ballots_give_a_ranking(survey: Survey, tmp_path: Path) -> None:
    blank = write_ballot_xlsx(survey, tmp_path / "seddel.xlsx")
    files = [fill(blank, tmp_path / f"svar{i}.xlsx", p) for i, p in enumerate([
        {"KOL": 1, "Antibiotika": 2, "Søvn og sovemidler": 3},
        {"Søvn og sovemidler": 1, "KOL": 2},
        {"KOL": 1},
    ])]
    found, ballots = read_ballots(files)
    assert found.survey_id == survey.survey_id and len(ballots) == 3
    ranked = ranking(found, tally(found, ballots))
    assert [(r.place, r.title, r.points) for r in ranked] == [
        (1, "KOL", 8), (2, "Søvn og sovemidler", 4), (3, "Antibiotika", 2), (4, "Smertebehandling", 0)]
    assert ranked[0].by_priority == (2, 1, 0) and ranked[0].votes == 3


def test_typed_in_votes_add_to_the_ballots(survey: Survey) -> None:
    counts = tally(survey, [Ballot({"smerter": 1}, "a")], {"smerter": [1], "antibiotika": [2, 0, 1]})
    ranked = ranking(survey, counts)
    assert [(r.key, r.points) for r in ranked][:2] == [("antibiotika", 7), ("smerter", 6)]
    with pytest.raises(KlyngeError, match="diabetes"):
        tally(survey, typed={"diabetes": [1]})


def test_equal_points_share_a_place(survey: Survey) -> None:
    ranked = ranking(survey, tally(survey, typed={"kol": [1], "smerter": [1]}))
    assert [r.place for r in ranked] == [1, 1, 3, 3]


@pytest.mark.parametrize(("priorities", "words"), [
    ({"KOL": 1, "Antibiotika": 1}, ["priority 1", "KOL", "Antibiotika"]),
    ({"KOL": 4}, ["priority 4", "1 to 3"]),
    ({}, ["empty"]),
])
def test_a_wrong_ballot_is_refused_with_its_name(survey: Survey, tmp_path: Path, priorities, words) -> None:
    blank = write_ballot_xlsx(survey, tmp_path / "seddel.xlsx")
    wb = load_workbook(blank)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=8):
        if row[1].value in priorities:
            row[3].value = priorities[row[1].value]
    wb.save(tmp_path / "forkert.xlsx")
    with pytest.raises(KlyngeError) as err:
        found, ballots = read_ballots([tmp_path / "forkert.xlsx"])
        tally(found, ballots)
    message = err.value.message("en")
    assert "forkert.xlsx" in message and all(w in message for w in words), message


def test_ballots_from_two_surveys_or_the_same_file_twice_are_refused(survey: Survey, tmp_path: Path) -> None:
    one = fill(write_ballot_xlsx(survey, tmp_path / "a.xlsx"), tmp_path / "a1.xlsx", {"KOL": 1})
    other = Survey("Anden afstemning", survey.candidates, 3)
    two = fill(write_ballot_xlsx(other, tmp_path / "b.xlsx"), tmp_path / "b1.xlsx", {"KOL": 1})
    with pytest.raises(KlyngeError, match="b1.xlsx"):
        read_ballots([one, two])
    with pytest.raises(KlyngeError, match="a1.xlsx"):
        read_ballots([one, one])


def test_the_ballot_sheet_only_opens_the_priority_cells(survey: Survey, tmp_path: Path) -> None:
    ws = load_workbook(write_ballot_xlsx(survey, tmp_path / "s.xlsx")).worksheets[0]
    assert ws.protection.sheet
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {"B5", "D8", "D9", "D10", "D11"}
    (rule,) = ws.data_validations.dataValidation
    assert (rule.type, rule.formula1, rule.formula2) == ("whole", "1", "3")


def test_printed_ballot_and_ranking(survey: Survey, tmp_path: Path) -> None:
    text = PdfReader(write_ballot_pdf(survey, tmp_path / "seddel.pdf")).pages[0].extract_text()
    assert "Søvn og sovemidler" in text and "Skriv 1 ud for det emne" in text and "Smertebehandling" in text
    ranked = ranking(survey, tally(survey, typed={"kol": [3, 1]}))
    text = PdfReader(write_ranking_pdf(survey, ranked, 0, tmp_path / "r.pdf", typed_in=True)).pages[0].extract_text()
    assert "Resultat: Emner for 2027" in text and "papirsedler" in text
    assert text.index("KOL") < text.index("Antibiotika")


def test_a_survey_needs_sound_candidates() -> None:
    with pytest.raises(KlyngeError):
        Survey("x", (Candidate("a", "A"), Candidate("a", "A igen")))
    with pytest.raises(KlyngeError):
        Survey("x", (Candidate("a", "A"),), choices=2)
    assert len(candidate_topics()) == 10


def test_survey_from_the_command_line(tmp_path: Path, demo_path: Path, capsys) -> None:
    pdf, xlsx = tmp_path / "seddel.pdf", tmp_path / "seddel.xlsx"
    assert main(["survey", "ballot", "--project", str(demo_path), "--topic", "smerter", "--topic", "kol",
                 "--extra", "Søvn", "--choices", "2", "--out", str(pdf), "--out", str(xlsx)]) == 0
    assert pdf.exists() and xlsx.exists()
    filled = fill(xlsx, tmp_path / "svar.xlsx", {"Søvn": 1, "KOL": 2})
    capsys.readouterr()
    assert main(["survey", "tally", str(filled), "--vote", "smerter=1", "--json", "--out", str(tmp_path / "r.pdf")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ballots"] == 1 and result["choices"] == 2
    assert [(r["key"], r["points"], r["place"]) for r in result["ranking"]] == [
        ("smerter", 2, 1), ("soevn", 2, 1), ("kol", 1, 3)]
    assert (tmp_path / "r.pdf").exists()
    assert main(["survey", "tally", "--survey", str(xlsx), "--vote", "kol=2,1"]) == 0
    assert "1. KOL: 5 point" in capsys.readouterr().out
    assert main(["survey", "tally", str(xlsx)]) == 1  # a blank ballot is not a vote
    assert main(["survey", "tally"]) == 1
    assert main(["survey"]) == 2


def test_the_result_is_kept_in_the_project(demo_path: Path, tmp_path: Path) -> None:
    from klyngedesk.core.store import Project
    from klyngedesk.core.survey import load_survey

    with Project.open(demo_path, readonly=True) as project:
        assert load_survey(project) is None
    assert main(["survey", "tally", "--project", str(demo_path), "--topic", "kol", "--topic", "nsaid",
                 "--choices", "1", "--vote", "nsaid=4", "--vote", "kol=2", "--vote", "nsaid=1", "--save"]) == 0
    with Project.open(demo_path, readonly=True) as project:
        survey, counts, ballots = load_survey(project)
    assert [c.key for c in survey.candidates] == ["kol", "nsaid"] and counts == {"kol": [2], "nsaid": [5]}
    assert ranking(survey, counts)[0].title == "NSAID – valg af præparat" and ballots == 0
    assert main(["survey", "tally", "--vote", "kol=1", "--save"]) == 1
