"""The summary page that opens a handout: one row per indicator, the key messages and the meeting's questions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from reportlab.platypus import Flowable, Spacer

from klyngedesk.core.anonymise import AnonymisedIndicator, Change
from klyngedesk.core.model import Meeting
from klyngedesk.core.packages import topic_questions
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import OwnFigures, every_clinic_hidden
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    cluster_withheld,
    indicator_title,
    shown_topic_title,
)
from klyngedesk.core.render.page_template import CONTENT_WIDTH, OutlineEntry
from klyngedesk.core.render.sections import DirectionMark, bullets, data_table, grid, p
from klyngedesk.i18n import ntr, tr

if TYPE_CHECKING:
    from klyngedesk.core.collate.table import Target

MAX_MESSAGES = 4


@dataclass(frozen=True)
class Line:
    """One indicator of the summary with its topic."""

    material: TopicMaterial
    ind: AnonymisedIndicator

    @property
    def direction(self) -> str | None:
        return self.ind.direction if self.ind.direction in ("max", "min") else None


def lines_of(materials: Sequence[TopicMaterial]) -> list[Line]:
    return [Line(m, ind) for m in materials for ind in m.table.indicators]


def sure_change(change: Change | None) -> int:
    """+1 when the interval lies wholly above no change, -1 wholly below, 0 otherwise (or unknown)."""
    return wording.change_sign(change)


def change_cell(change: Change | None, lang: str, undetermined: bool = False) -> str:
    """'−7 % (−12 til −2 %)' for a rate, '+6,4 procentpoint (4,1 til 8,7)' for a share, with the 95 % CI;
    `undetermined`: '(kan ikke afgøres)' after one that cannot be determined, as its own page says it. A
    narrow column breaks the cell before its interval, never between the interval's ends ('(−82 % til' above
    '−6 %)' reads as two figures)."""
    text = wording.change_figure(change, lang, undetermined=undetermined)
    word = tr("({low} to {high})", lang, low="\x00", high="\x01").split("\x00")[1].split("\x01")[0]   # " til "
    return re.sub(rf"(?<=[\d%]){re.escape(word)}(?=[−+\d])", word.replace(" ", "\u00a0"), text)


def target_cell(ind: AnonymisedIndicator, lang: str) -> str:
    parts = []
    if ind.target is not None:
        sign = "≥" if ind.target.direction == "max" else "≤"
        parts.append(tr("target {sign} {value}", lang, sign=sign, value=wording.number(ind.target.value, ind.unit,
                                                                                        lang)))
    for ref in ind.references:
        word = tr("region", lang) if ref.scope == "region" else tr("national", lang)
        parts.append(f"{word} {wording.number(ref.value, ind.unit, lang)}")
    return "; ".join(parts) or "–"


def _title_cell(line: Line, lang: str) -> str:
    return indicator_title(line.material.topic, line.ind, lang)


def _better(line: Line, sign: int) -> bool | None:
    """Whether a change of this sign is for the better (None: the indicator has no better direction)."""
    if line.direction is None or sign == 0:
        return None
    return (sign > 0) == (line.direction == "max")


def _change_shown(ind: AnonymisedIndicator) -> bool:
    return ind.change is not None and ind.change.estimate[0] is not None


def _missing_changes(lines: Sequence[Line], lang: str) -> dict[str, list[str]]:
    """The indicators whose cluster change is not printed, by why: "change" (the anonymity check left only the
    change out, the cluster value printed), "cluster" (it withheld the cluster value and so its change), "none"
    (the cluster has no figures from the earlier round), "hidden" (the clinics' figures hidden as well)."""
    missing: dict[str, list[str]] = {}
    for ln in lines:
        if _change_shown(ln.ind):
            continue
        why = ("hidden" if cluster_withheld(ln.ind) and every_clinic_hidden(ln.ind) else
               "cluster" if cluster_withheld(ln.ind) else
               "change" if ln.ind.change_withheld and ln.ind.pooled is not None else "none")
        missing.setdefault(why, []).append(_title_cell(ln, lang))
    return missing


def _missing_messages(missing: dict[str, list[str]], total: int, since: str, lang: str) -> list[str]:
    """One plain sentence per reason a change is missing, naming its indicators ("every indicator" when all)."""
    def which(titles: list[str]) -> str:
        if len(titles) == total:
            return tr("every indicator", lang)
        if len(titles) > 2:
            return tr("{n} of the {total} indicators", lang, n=len(titles), total=total)
        return wording.join_and(titles, lang)

    out = []
    if "change" in missing:
        out.append(tr("The change since {baseline} is withheld for {which}: beside the figures shown it would give "
                      "away the figures of a clinic not shown by name (one that has joined since or lacks that "
                      "round).", lang, baseline=since, which=which(missing["change"])))
    if "cluster" in missing:
        out.append(tr("The cluster as a whole, and so its change since {baseline}, is withheld for {which}: beside "
                      "the clinics' values shown it would give a hidden clinic's figures away.", lang,
                      baseline=since, which=which(missing["cluster"])))
    if "hidden" in missing:
        out.append(tr("Every clinic's figures, the cluster as a whole and so its change since {baseline} are withheld "
                      "for {which}: with the material's other figures they would give a clinic's small count or list "
                      "size away.", lang, baseline=since, which=which(missing["hidden"])))
    if "none" in missing:
        out.append(tr("There are no figures from {baseline} for {which}, so no change can be shown.", lang,
                      baseline=since, which=which(missing["none"])))
    return out


def _figure_with_season(line: Line, lang: str) -> str:
    """A key message's change figure, '−8 %'; for a seasonal indicator compared across different halves of the
    year '−8 %; part may be the season' (the indicator page says it at length, the key message must not hide it)."""
    change = line.ind.change
    figure = wording.change_figure(change, lang, with_interval=False)
    if change is not None and "seasonal" in change.caution:
        figure += "; " + tr("part of it may be the season", lang)
    return figure


def group_messages(lines: Sequence[Line], since: str | None, lang: str) -> list[str]:
    """Two to four plain sentences: what changed for sure, targets, where the clinics differ most."""
    messages = []
    better = [ln for ln in lines if _better(ln, sure_change(ln.ind.change)) is True]
    worse = [ln for ln in lines if _better(ln, sure_change(ln.ind.change)) is False]
    moved = [ln for ln in lines if ln.direction is None and sure_change(ln.ind.change)]

    def listed(items: Sequence[Line]) -> str:
        return wording.join_and([f"{_title_cell(ln, lang)} ({_figure_with_season(ln, lang)})"
                                 for ln in items if ln.ind.change], lang)

    if since:
        if better:
            messages.append(tr("Better since {baseline}: {items}.", lang, baseline=since, items=listed(better)))
        if worse:
            messages.append(tr("Worse since {baseline}: {items}.", lang, baseline=since, items=listed(worse)))
        if moved:
            messages.append(tr("Changed since {baseline} (neither way is better in itself): {items}.", lang,
                               baseline=since, items=listed(moved)))
        missing = _missing_changes(lines, lang)
        if sum(map(len, missing.values())) == len(lines):
            # no change printed: "no change larger than chance" would claim what no number shows; say which are
            # missing and why (where some are printed, the table's dashes and its lead say why for each row)
            messages.extend(_missing_messages(missing, len(lines), since, lang))
        elif not (better or worse or moved):
            messages.append(tr("No change since {baseline} is larger than chance alone can explain.", lang,
                               baseline=since))
    with_target = [ln for ln in lines if ln.ind.target is not None and ln.ind.pooled is not None]
    if with_target:
        def met(ln: Line) -> bool:
            t = cast("Target", ln.ind.target)        # with_target holds only lines with a target and a pooled value
            pooled = cast(float, ln.ind.pooled)
            return pooled >= t.value if t.direction == "max" else pooled <= t.value
        missed = [ln for ln in with_target if not met(ln)]
        if missed:
            messages.append(tr("The cluster as a whole does not reach the target for {items}.", lang,
                               items=wording.join_and([_title_cell(ln, lang) for ln in missed], lang)))
        else:
            messages.append(tr("The cluster as a whole reaches the target of every indicator that has one.", lang))
    flagged = [(sum(1 for r in ln.ind.rows if r.flag in ("above_998", "below_998")), ln) for ln in lines]
    flagged = [(n, ln) for n, ln in flagged if n]
    if flagged:
        n, first = max(flagged, key=lambda t: t[0])
        messages.append(ntr("Look first at {title}: {n} of {total} clinics lies outside the 99.8% limit there.",
                            "Look first at {title}: {n} of {total} clinics lie outside the 99.8% limit there.", n,
                            lang, title=_title_cell(first, lang), total=first.ind.n_clinics))
    return messages[:MAX_MESSAGES]


def _questions(meeting: Meeting, materials: Sequence[TopicMaterial], lang: str) -> list[str]:
    if meeting.questions:
        return list(meeting.questions)
    return [q for m in materials for q in topic_questions(m.topic, lang)[:2]]


def _messages_and_questions(messages: Sequence[str], questions: Sequence[str], lang: str) -> Flowable:
    left: list[Flowable] = [p(tr("Key messages", lang), "h3"), bullets(messages)]
    if not questions:
        return grid([left])
    return grid([left, [p(tr("Questions for the meeting", lang), "h3"), bullets(questions)]])


def group_header(lang: str) -> tuple[list[str], list[float]]:
    """The group summary table's column headings and their first widths (data_table widens a column to its
    longest word, taking the room from the wider ones)."""
    header = [tr("Indicator", lang), tr("Better", lang), tr("Before", lang), tr("Now", lang),
              tr("Change (95% CI)", lang), tr("Target, reference", lang), tr("Spread", lang)]
    widths = [120.0, 72, 42, 42, 84, 66, 56]
    widths[0] = CONTENT_WIDTH - sum(widths[1:])
    return header, widths


def personal_header(lang: str) -> tuple[list[str], list[float]]:
    """The personal summary table's column headings and first widths (see group_header)."""
    header = [tr("Indicator", lang), tr("Better", lang), tr("Your value (95% CI)", lang), tr("Cluster median", lang),
              tr("Place (1 = best)", lang), tr("Your change (95% CI)", lang), tr("The 99.8% limits", lang)]
    widths = [124.0, 68, 66, 40, 56, 84, 44]
    widths[0] = CONTENT_WIDTH - sum(widths[1:])
    return header, widths


_WITHHELD = ("A row of dashes where the clinics have figures: the anonymity check withheld the cluster as a whole "
             "and its change, as beside the clinics' values shown they would give a hidden clinic's figures away.")
_ALL_HIDDEN = ("A row of dashes where every clinic's figures are hidden: the anonymity check withheld the clinics, "
               "the cluster as a whole and its change, as with the material's other figures they would give a "
               "clinic's small count or list size away.")
_CHANGE_WITHHELD = ("A dash before and for the change beside a value now: the anonymity check withheld the change, as "
                    "beside the figures shown it would give away the figures of a clinic not shown by name (one "
                    "that joined or lacks the earlier round).")
_FEWER = ("Where a clinic lacks a round, before and now are over the clinics with figures in both rounds; the "
          "indicator's own page gives the cluster as a whole over every clinic.")


def group_summary(materials: Sequence[TopicMaterial], meeting: Meeting, lang: str) -> list[Flowable]:
    """The group handout's summary page: the table of every indicator, key messages and questions."""
    lines = lines_of(materials)
    compare = next((m.table.compare_label or m.table.compare for m in materials if m.table.compare), None)
    header, widths = group_header(lang)
    rows: list[list] = []
    bold = []
    for material in materials:
        bold.append(len(rows))
        rows.append([shown_topic_title(material, lang), "", "", "", "", "", ""])
        for ind in material.table.indicators:
            line = Line(material, ind)
            change = ind.change if material.table.compare else None
            before = change.baseline_value if change else None
            now = change.value if change and change.value is not None else ind.pooled
            rows.append([_title_cell(line, lang), DirectionMark(line.direction,
                                                                wording.direction_text(line.direction, lang)),
                         wording.number(before, ind.unit, lang, step=wording.cluster_step(ind, before)),
                         wording.number(now, ind.unit, lang, step=wording.cluster_step(ind, now)),
                         change_cell(change, lang, undetermined=True), target_cell(ind, lang),
                         wording.spread(ind, lang)])   # never wrapped: '25 –' over 'over 65' reads as two figures
    fewer = any(m.table.compare and ind.change is not None and ind.change.clinics is not None
                and ind.change.clinics < ind.n_clinics for m in materials for ind in m.table.indicators)
    withheld = any(cluster_withheld(ind) and not every_clinic_hidden(ind) for m in materials
                   for ind in m.table.indicators)
    all_hidden = any(cluster_withheld(ind) and every_clinic_hidden(ind) for m in materials
                     for ind in m.table.indicators)
    change_withheld = any(ind.change_withheld and ind.pooled is not None and m.table.compare
                          for m in materials for ind in m.table.indicators)
    story: list[Flowable] = [OutlineEntry(tr("Summary", lang), 0), p(tr("Summary", lang), "h1"),
                             p(tr("One line per indicator: the cluster as a whole before and now, the change with "
                                  "its 95% CI, target and reference, and the spread between the clinics (lowest to "
                                  "highest). The arrow shows which way is better.", lang)
                               + ("" if not fewer else " " + tr(_FEWER, lang))
                               + ("" if not withheld else " " + tr(_WITHHELD, lang))
                               + ("" if not all_hidden else " " + tr(_ALL_HIDDEN, lang))
                               + ("" if not change_withheld else " " + tr(_CHANGE_WITHHELD, lang)), "body"),
                             data_table(header, rows, widths, bold_rows=bold, headings=bold, align_right_from=2,
                                        wrap_cols=(0, 4, 5), fit_content=True)]
    # what matters first, above the table: the key messages never wait alone on a page of their own
    story[2:2] = [_messages_and_questions(group_messages(lines, compare, lang), _questions(meeting, materials, lang),
                                          lang), Spacer(1, 6)]
    return story


def limits_word(own: OwnFigures, lang: str) -> str:
    """Where the clinic lies against the 99.8 % limits (the column heading names them): above, below, inside."""
    if own.flag == "above_998":
        return tr("above", lang)
    if own.flag == "below_998":
        return tr("below", lang)
    if own.value is None or own.limits_unknown:   # "inside" limits not drawn claimed what nobody checked
        return "–"
    return tr("inside", lang)


def personal_messages(lines: Sequence[Line], own: dict[str, OwnFigures], since: str | None, lang: str) -> list[str]:
    """What a clinic should take away: its place against the median, its flags, its sure changes."""
    messages = []
    directed = [(ln, own[ln.ind.key]) for ln in lines if ln.direction and ln.ind.key in own
                and own[ln.ind.key].value is not None and ln.ind.median is not None]
    if directed:
        # directed holds only pairs with an own value and a median
        good = [ln for ln, o in directed
                if (cast(float, o.value) > cast(float, ln.ind.median) if ln.direction == "max"
                    else cast(float, o.value) < cast(float, ln.ind.median))]
        messages.append(tr("Your clinic is better than the cluster's median on {n} of the {total} indicators that "
                           "have a better direction.", lang, n=len(good), total=len(directed)))
    flagged = [ln for ln in lines if ln.ind.key in own and own[ln.ind.key].flag in ("above_998", "below_998")]
    if flagged:
        messages.append(tr("Outside the 99.8% limit on {n} of {total} indicators (more than chance alone can "
                           "explain); see the column The 99.8% limits.", lang, n=len(flagged),
                           total=sum(1 for ln in lines if ln.ind.key in own)))
    elif any(own[ln.ind.key].limits_unknown for ln in lines if ln.ind.key in own):
        inside = [ln for ln in lines if ln.ind.key in own and limits_word(own[ln.ind.key], lang) == tr("inside", lang)]
        messages.append(tr("Your clinic lies inside the 99.8% limits on {n} of {total} indicators; on the others "
                           "the limits are not shown.", lang, n=len(inside),
                           total=sum(1 for ln in lines if ln.ind.key in own)) if inside else
                        tr("The 99.8% limits are not shown on any of your clinic's indicators.", lang))
    else:
        messages.append(tr("Your clinic lies inside the 99.8% limits on every indicator: its differences from "
                           "the cluster can be chance.", lang))
    if since:
        sure = [ln for ln in lines if ln.ind.key in own and sure_change(own[ln.ind.key].change)]
        if sure:
            messages.append(tr("Your changes since {baseline} that are larger than chance: {items}.", lang,
                               baseline=since, items=wording.join_and(
                                   [f"{_title_cell(ln, lang)} ({wording.change_figure(own[ln.ind.key].change, lang, with_interval=False)})"
                                    for ln in sure if own[ln.ind.key].change], lang)))
    return messages[:MAX_MESSAGES]


def personal_summary(materials: Sequence[TopicMaterial], own: dict[str, OwnFigures], code: str, meeting: Meeting,
                     lang: str) -> list[Flowable]:
    """A clinic's own summary: its value, place and change on every indicator beside the cluster's."""
    lines = lines_of(materials)
    compare = next((m.table.compare_label or m.table.compare for m in materials if m.table.compare), None)
    header, widths = personal_header(lang)
    rows: list[list] = []
    bold = []
    for material in materials:
        bold.append(len(rows))
        rows.append([shown_topic_title(material, lang), "", "", "", "", "", ""])
        for ind in material.table.indicators:
            line = Line(material, ind)
            mine = own.get(ind.key)
            if mine is None:
                continue
            value = wording.point(mine.value, mine.ci_low, mine.ci_high, ind.unit, lang)
            if mine.ci_low is not None:
                value += " (" + wording.interval(mine.ci_low, mine.ci_high, ind.unit, lang, value=mine.value) + ")"
            rows.append([_title_cell(line, lang), DirectionMark(line.direction,
                                                                wording.direction_text(line.direction, lang)),
                         value, wording.summary_value(ind.median, ind, lang),
                         wording.rank_text(mine.rank, mine.n_ranked, lang, line.direction),
                         change_cell(mine.change, lang) if material.table.compare else "–",
                         limits_word(mine, lang)])
    return [OutlineEntry(tr("Your summary", lang), 0), p(tr("Your summary", lang), "h2"),
            p(tr("This handout is for your clinic only: your own figures in full, also when they are small. The other "
                 "clinics appear by their codes, as in the group handout, where every chart of the meeting is. Your "
                 "clinic is {code}. Place 1 is the best where the arrow shows a better direction; where neither way "
                 "is better, the place is counted from the lowest value.", lang, code=code), "small"),
            p(tr("Key messages", lang), "h3"),
            bullets(personal_messages(lines, own, compare, lang)),
            Spacer(1, 6),
            data_table(header, rows, widths, bold_rows=bold, headings=bold, align_right_from=2, wrap_cols=(0, 2, 4, 5, 6),
                       fit_content=True)]

