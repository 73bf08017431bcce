"""`klyngedesk collate PROJECT --topic T --period P [--compare P0] [--meeting M --anonymised] [--json]`.

With --anonymised on the meeting's own round and comparison, the table is the printed pack's own (as the slides
show it) while nothing it rests on changed since the print; otherwise stderr says why it is audited now."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from klyngedesk.cli.output import EXIT_OK, EXIT_USAGE, emit_json, say
from klyngedesk.core.anonymise import anonymised_table, check_no_leak
from klyngedesk.core.anonymise.printed_tables import printed_or_why
from klyngedesk.core.anonymise.types import AnonymisedIndicator, AnonymisedRow, AnonymisedTable
from klyngedesk.core.collate import collate
from klyngedesk.core.model import Topic
from klyngedesk.core.render.wording import (
    few_clinics_sentence,
    flag_text,
    funnel_sentence,
    interval,
    number,
    point,
    sentence_in,
    small_value,
    summary_value,
    title_in,
)
from klyngedesk.core.store import Project
from klyngedesk.i18n import current_language, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("collate", help=tr("the indicator table for a topic and period"))
    p.add_argument("project", type=Path)
    p.add_argument("--topic", required=True, help=tr("topic key"))
    p.add_argument("--period", required=True, help=tr("period key"))
    p.add_argument("--compare", default=None, help=tr("baseline period key to compare with"))
    p.add_argument("--meeting", default=None, help=tr("meeting key (codes and consents) for --anonymised"))
    p.add_argument("--anonymised", action="store_true",
                   help=tr("group view: codes instead of names, small numbers suppressed"))
    p.add_argument("--json", action="store_true", help=tr("machine-readable output on stdout"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.anonymised != bool(args.meeting):
        say("Use --meeting and --anonymised together.")
        return EXIT_USAGE
    lang = current_language()
    with Project.open(args.project, readonly=True) as project:
        topic = project.topic(args.topic)
        if args.anonymised:
            table, notice = _printed_or_audited(project, args, lang)
            print(notice, file=sys.stderr)
            data = table.to_json()
            periods = (table.period_label, table.compare_label)
            lines = _anonymised_lines(table, topic, periods, lang)
            _english_sentences(data, topic, periods)
            # The promise: nothing printed for group use names a clinic that did not consent.
            check_no_leak([json.dumps(data, ensure_ascii=False), *lines], project, args.meeting)
        else:
            ident = collate(project, args.topic, args.period, args.compare)
            data = ident.to_json()
            periods = (ident.period_label, ident.compare_label)
            names = ident.clinic_names
            for ind in data["indicators"]:
                for row in ind["rows"]:
                    row["name"] = names.get(row["clinic"])
            lines = _lines(data, topic, periods, lang, names)
            _english_sentences(data, topic, periods)
    if args.json:
        emit_json(data)
    else:
        print("\n".join(lines))
    return EXIT_OK


def _printed_or_audited(project: Project, args: argparse.Namespace, lang: str) -> tuple[AnonymisedTable, str]:
    """The topic's table as the meeting's pack printed it while that print holds for the round and comparison
    asked for; else the table audited now. With it, what stderr says about it (in `lang`)."""
    meeting = project.meeting(args.meeting)
    tables, why = printed_or_why(project, args.meeting, lang, shown="table")
    asked, printed = (args.period, args.compare), (meeting.period, meeting.baseline_period)
    kept = next((t for t in tables or () if t.topic == args.topic), None)
    if tables is None and not why:
        notice = tr("The meeting's pack has not been printed yet: the table is audited now.", lang)
    elif asked != printed:
        flags = f"--period {printed[0]}" + (f" --compare {printed[1]}" if printed[1] else "")
        notice = tr("Not the printed pack's table: the pack shows the meeting's round and comparison ({flags}). "
                    "This table is audited now and may differ from the printed pack.", lang, flags=flags)
    elif tables is None:
        notice = why
    elif kept is None:
        notice = tr("The topic is not in the meeting's printed pack: the table is audited now.", lang)
    else:
        return kept, tr("The table is the printed pack's own, as it was printed.", lang)
    return anonymised_table(project, args.meeting, args.topic, period=args.period, compare=args.compare,
                            meeting_baseline=False, lang=lang), notice


def _english_sentences(data: dict, topic: Topic, periods: tuple[str | None, ...]) -> None:
    """The JSON's English change sentence names the indicator and the rounds in English, as the pack does."""
    for ind in data["indicators"]:
        if ind.get("sentence", {}).get("en"):
            ind["sentence"]["en"] = sentence_in(ind["sentence"]["en"], topic, ind["key"], ind["title"], periods, "en")


def _sentence(sentence: dict, topic: Topic, key: str, title: str, periods: tuple[str | None, ...],
              lang: str) -> str:
    """The change sentence in the reader's words, the indicator and rounds named as the pack names them."""
    text = sentence.get(lang) or sentence.get("en", "")
    return sentence_in(text, topic, key, title, periods, lang) if text else ""


def _flag(flag: str | None, lang: str) -> str:
    """A clinic's flag in words ('below the 99.8% limit'), the 95 % ones as well."""
    if flag in ("above_95", "below_95"):
        return tr("above the 95% limit" if flag == "above_95" else "below the 95% limit", lang)
    return flag_text(flag, lang)


def _lines(data: dict, topic: Topic, periods: tuple[str | None, ...], lang: str, names: dict[str, str]
           ) -> list[str]:
    out = []
    for ind in data["indicators"]:
        unit = ind["unit"]
        out.append(f"{title_in(topic, ind['key'], ind['title'], lang)} — {tr('pooled', lang)} "
                   f"{point(ind['pooled'], ind['pooled_ci_low'], ind['pooled_ci_high'], unit, lang)}, "
                   f"{tr('median', lang)} {number(ind['median'], unit, lang)}")
        for r in sorted(ind["rows"], key=lambda r: names.get(r["clinic"], "")):
            out.append(f"  {names.get(r['clinic'], r['clinic']):<34} "
                       f"{point(r['value'], r['ci_low'], r['ci_high'], unit, lang):>8}  "
                       f"({interval(r['ci_low'], r['ci_high'], unit, lang, value=r['value'])})"
                       + (f"  {_flag(r['flag'], lang)}" if r["flag"] else ""))
        out += ["  " + s for s in (funnel_sentence(ind["overdispersion"], lang) if ind["unit"] != "count" else "",
                                   few_clinics_sentence(sum(r["value"] is not None for r in ind["rows"]),
                                                        ind["quality"], lang)) if s]
        if ind.get("sentence"):
            out.append("  " + _sentence(ind["sentence"], topic, ind["key"], ind["title"], periods, lang))
    return out


def _anonymised_lines(table, topic: Topic, periods: tuple[str | None, ...], lang: str) -> list[str]:
    out = []
    for ind in table.indicators:
        # the pooled value, the median and each clinic's value as the pack prints them (its steps and decimals)
        pooled = point(ind.pooled, ind.pooled_ci_low, ind.pooled_ci_high, ind.unit, lang, ind.value_step)
        out.append(f"{title_in(topic, ind.key, ind.title, lang)} — {tr('pooled', lang)} {pooled}, "
                   f"{tr('median', lang)} {summary_value(ind.median, ind, lang)}")
        # as the pack's charts print them: a count hidden to protect another is no small count ("<5")
        values = [_anonymised_value(r, ind, table, lang) for r in ind.rows]
        width = max([8, *(len(v) for v in values)])
        for r, value in zip(ind.rows, values, strict=True):
            out.append(f"  {r.label:<34} {value:>{width}}" + (f"  {_flag(r.flag, lang)}" if r.flag else ""))
        out += ["  " + s for s in (funnel_sentence(ind.overdispersion, lang) if ind.unit != "count" else "",
                                   few_clinics_sentence(ind.n_clinics, ind.quality, lang)) if s]
        if ind.sentence:
            out.append("  " + _sentence(ind.sentence, topic, ind.key, ind.title, periods, lang))
    return out


def _anonymised_value(row: AnonymisedRow, ind: AnonymisedIndicator, table: AnonymisedTable, lang: str) -> str:
    """A clinic's value as the printed pack's ranked chart prints it: a small count in words ("under 5
    tilfælde"), "skjult" for a count hidden to protect another and for every small one below threshold 5."""
    if row.value is None and row.suppressed:
        return small_value(table.hidden_label(row), lang)
    return point(row.value, row.ci_low, row.ci_high, ind.unit, lang, ind.value_step)


def selftest_step(folder: Path, project_path: Path) -> None:
    """Selftest: every topic collates with its baseline, and the first meeting's group table is leak-free."""
    with Project.open(project_path) as project:
        periods = [p.key for p in project.periods()]
        for topic in project.topics():
            table = collate(project, topic.key, periods[-1], periods[-2] if len(periods) > 1 else None)
            if any(ind.pooled is None for ind in table.indicators):
                raise RuntimeError(f"no pooled value for {topic.key}")
        meeting = project.meetings()[0]
        for topic_key in meeting.topics:
            anon = anonymised_table(project, meeting.key, topic_key)
            check_no_leak(json.dumps(anon.to_json(), ensure_ascii=False), project, meeting.key)
