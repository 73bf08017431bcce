"""The topic survey: candidate topics, ballots (PDF and xlsx), tallies and the ranking."""

from klyngedesk.core.survey.ballot_xlsx import read_ballot, read_ballots, write_ballot_xlsx
from klyngedesk.core.survey.candidates import candidate_topics
from klyngedesk.core.survey.model import Ballot, Candidate, RankedTopic, Survey
from klyngedesk.core.survey.pdf import write_ballot_pdf, write_ranking_pdf
from klyngedesk.core.survey.saved import load_survey, save_survey
from klyngedesk.core.survey.tally import check_ballot, parse_typed_tally, ranking, tally

__all__ = ["Ballot", "Candidate", "RankedTopic", "Survey", "candidate_topics", "check_ballot", "parse_typed_tally",
           "load_survey", "ranking", "read_ballot", "read_ballots", "save_survey", "tally", "write_ballot_pdf", "write_ballot_xlsx", "write_ranking_pdf"]
