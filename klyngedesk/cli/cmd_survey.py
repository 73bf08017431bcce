"""`klyngedesk survey ballot|tally ...`: the topic survey's ballots (PDF/xlsx) and the ranking of the answers."""

from __future__ import annotations

import argparse
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, emit_json, say
from klyngedesk.core.store import Project
from klyngedesk.core.survey import (
    Survey,
    candidate_topics,
    parse_typed_tally,
    ranking,
    read_ballot,
    read_ballots,
    save_survey,
    tally,
    write_ballot_pdf,
    write_ballot_xlsx,
    write_ranking_pdf,
)
from klyngedesk.i18n import KlyngeError, current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("survey", help=tr("topic survey: ballots and the ranking of the answers"))
    actions = p.add_subparsers(dest="survey_action", metavar=tr("ACTION"), required=True)
    ballot = actions.add_parser("ballot", help=tr("write a ballot listing candidate topics (PDF or xlsx)"))
    ballot.add_argument("--out", required=True, type=Path, action="append",
                        help=tr("a .pdf or .xlsx file; give --out twice for both with the same survey"))
    _survey_options(ballot)
    ballot.set_defaults(run=run_ballot)
    count = actions.add_parser("tally", help=tr("count returned ballots and typed-in tallies; print the ranking"))
    count.add_argument("ballots", nargs="*", type=Path, help=tr("returned ballots (.xlsx)"))
    count.add_argument("--vote", action="append", default=[], metavar="TOPIC=N1,N2,N3",
                       help=tr("typed-in votes for a topic at priority 1, 2, 3 (e.g. smerter=5,2,1)"))
    count.add_argument("--survey", type=Path, help=tr("a blank ballot (.xlsx) that defines the survey"))
    count.add_argument("--out", type=Path, help=tr("write the ranking as a printable PDF"))
    count.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    count.add_argument("--save", action="store_true", help=tr("keep the result in the project given with --project"))
    _survey_options(count)
    count.set_defaults(run=run_tally)


def _survey_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=Path, help=tr("take the cluster name and its own topics from this project"))
    p.add_argument("--topic", action="append", help=tr("a candidate topic key (repeat); default all built-in topics"))
    p.add_argument("--extra", action="append", default=[], help=tr("a candidate topic in free text (repeat)"))
    p.add_argument("--choices", type=int, default=3, help=tr("how many topics each member ranks (default 3)"))
    p.add_argument("--title", default=None, help=tr("the survey's title"))
    p.add_argument("--deadline", default="", help=tr("when the ballots must be back, as text"))


def _survey_from_options(args: argparse.Namespace) -> Survey:
    if args.project:
        with Project.open(args.project, readonly=True) as project:
            candidates = candidate_topics(args.topic, project=project, extra=args.extra)
            cluster = project.cluster().name
    else:
        candidates, cluster = candidate_topics(args.topic, extra=args.extra), ""
    return Survey(args.title or tr("Which topics should the cluster work on?"), tuple(candidates), args.choices,
                  cluster, args.deadline)


def run_ballot(args: argparse.Namespace) -> int:
    survey, lang = _survey_from_options(args), current_language()
    for out in args.out:
        if out.suffix.lower() not in (".pdf", ".xlsx"):
            raise KlyngeError("A ballot is written as .pdf or .xlsx, not {path}.", path=str(out))
        if not out.parent.is_dir():
            raise KlyngeError("The folder {path} does not exist.", path=str(out.parent))
    for out in args.out:
        (write_ballot_pdf if out.suffix.lower() == ".pdf" else write_ballot_xlsx)(survey, out, lang)
        say("Ballot written to {path}.", path=str(out))
    return EXIT_OK


def run_tally(args: argparse.Namespace) -> int:
    survey, ballots = read_ballots(args.ballots)
    if args.survey:
        defined, _ = read_ballot(args.survey)
        if survey is not None and survey.survey_id != defined.survey_id:
            raise KlyngeError("The ballot {file} belongs to another survey ({title}).", file=args.survey.name,
                              title=defined.title)
        survey = defined
    survey = survey or _survey_from_options(args)
    typed: dict[str, list[int]] = {}
    for text in args.vote:
        key, numbers = parse_typed_tally(text)
        old = typed.get(key, [])
        typed[key] = [(old[i] if i < len(old) else 0) + (numbers[i] if i < len(numbers) else 0)
                      for i in range(max(len(old), len(numbers)))]
    if not ballots and not typed:
        raise KlyngeError("Nothing to count: give returned ballots or typed-in votes (--vote).")
    if args.save and not args.project:
        raise KlyngeError("--save needs the project (--project).")
    counts = tally(survey, ballots, typed)
    ranked = ranking(survey, counts)
    if args.save:
        with Project.open(args.project) as project:
            save_survey(project, survey, counts, len(ballots))
        say("The result is kept in {path}.", path=str(args.project))
    lang = current_language()
    if args.out:
        write_ranking_pdf(survey, ranked, len(ballots), args.out, lang, typed_in=bool(typed))
        say("Ranking written to {path}.", path=str(args.out))
    if args.json:
        emit_json({"title": survey.title, "survey_id": survey.survey_id, "choices": survey.choices,
                   "ballots": len(ballots), "typed_in": sorted(typed), "ranking": [r.to_dict() for r in ranked]})
    else:
        for r in ranked:
            print(tr("{place}. {title}: {points} points ({first} first choices)", place=r.place, title=r.title,
                     points=r.points, first=r.by_priority[0]))
    return EXIT_OK
