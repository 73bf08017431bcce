"""The pack disclosure report: which clinics a member could single out, by what, and what the coordinator can do.

A clinic that does not consent at this meeting is singled out when a member who keeps every pack, and
roughly (within ROUGH) knows every practice's size, can tell which code is that clinic:

- by size: the size the group material shows for its code (exactly, as a band, or as far as the rates
  give it back) fits at most one other clinic (a member who is that other clinic knows it is not itself);
- by values printed with its name earlier: a value printed beside its code now was printed beside its
  name in an earlier pack, and fits at most one other code;
- after withdrawing consent: it was shown by name in an earlier pack; values that change little between
  rounds can be recognised later even when none is printed twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from klyngedesk.core.anonymise.audit import Breach, outsider_ranges
from klyngedesk.core.anonymise.build import anonymised_meeting, earlier_disclosures, same_print
from klyngedesk.core.anonymise.codes import meeting_codes
from klyngedesk.core.anonymise.disclosure import LIST_SIZE, Disclosure, cell_parts
from klyngedesk.core.anonymise.types import AnonymisedIndicator, AnonymisedTable
from klyngedesk.core.formatting import format_date_time, format_number
from klyngedesk.core.store import Project
from klyngedesk.i18n import current_language, tr

ROUGH = 0.10   # how well a member is assumed to know every practice's size: within 10 %

REASONS = ("unique_size", "named_values", "consent_withdrawn")


@dataclass(frozen=True)
class SingledOut:
    """One way a non-consenting clinic could be recognised (identified: for the coordinator only)."""

    clinic: str
    reason: str                    # one of REASONS
    period: str | None = None
    indicator: str | None = None
    meeting: str | None = None     # the earlier pack that showed it by name


@dataclass
class DisclosureReport:
    meeting: str
    names: dict[str, str]
    codes: dict[str, str]
    findings: list[SingledOut] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)   # hidden counts the audit could not protect
    risk: str = ""                                          # the cover's one sentence (in the report's language)
    # the meeting was printed before (its latest print, printed_at) with other group material: this print is
    # audited with every earlier print; `hides_more`: how many more counts it hides than that print did
    reprinted: str | None = None
    hides_more: int = 0

    @property
    def unprotected(self) -> int:
        """The distinct hidden counts among the breaches (one count found by several readers, by several
        topics' audits or written with its terms in another order is one count)."""
        return len({frozenset(b.target.terms) for b in self.breaches})

    def singled_out(self) -> set[str]:
        return {f.clinic for f in self.findings}

    def to_json(self) -> dict:
        return {"meeting": self.meeting,
                "singled_out": [{"clinic": f.clinic, "code": self.codes.get(f.clinic), "reason": f.reason,
                                 "period": f.period, "indicator": f.indicator, "meeting": f.meeting}
                                for f in self.findings],
                "unprotected_counts": self.unprotected, "risk": self.risk}

    def lines(self, lang: str | None = None) -> list[str]:
        """The report in plain words (Danish first): one line per clinic and reason, then the choices."""
        out: list[str] = []
        when = format_date_time(self.reprinted, lang or current_language()) if self.reprinted else ""
        if self.reprinted:
            out.append(tr("This meeting was printed before ({when}) with other figures in the group material. That "
                          "print counts as handed out: this one is audited together with it, so that comparing the "
                          "two gives nothing away. Hand out only this print, and ask for the earlier one back.",
                          lang, when=when))
        if self.reprinted and self.hides_more > 0:
            out.append(tr("This print hides {n} more figures than the print of {when}: what changed since (a late "
                          "or corrected file, a consent, the threshold or the list sizes) would otherwise let a "
                          "member holding both prints work them out.", lang, n=self.hides_more, when=when))
        if not self.findings and not self.breaches:
            out.append(tr("No clinic that has not consented can be singled out from the group material, "
                          "also with every earlier pack at hand.", lang))
        for f in self.findings:
            who = tr("{name} (code {code})", lang, name=self.names.get(f.clinic, f.clinic),
                     code=self.codes.get(f.clinic, "?"))
            if f.reason == "unique_size":
                out.append(tr("{who} can be singled out by its list size: no more than one other clinic in the "
                              "cluster has a size like it. Choices: hide list sizes, show wider bands, or ask "
                              "the clinic whether it will be shown by name.", lang, who=who))
            elif f.reason == "named_values":
                out.append(tr("{who} can be singled out: its value for {indicator} ({period}) was printed with "
                              "its name at the meeting {meeting} and is printed again beside its code. Choices: "
                              "hide the baseline for that indicator, or ask the clinic whether it will be shown "
                              "by name again.", lang, who=who, indicator=f.indicator, period=f.period,
                              meeting=f.meeting))
            else:
                out.append(tr("{who} was shown by name at the meeting {meeting} and has not consented now: "
                              "values that change little between rounds (list size, number of patients with a "
                              "disease) can be recognised. Choices: ask the clinic whether it will be shown by "
                              "name again, or hide its sizes and baseline.", lang, who=who, meeting=f.meeting))
        if self.breaches and self.reprinted:
            out.append(tr("{n} hidden counts cannot be protected against the earlier prints (this meeting's own "
                          "print of {when} among them). Print with the threshold and list-size display of that "
                          "print, or do not hand this one out.", lang, n=self.unprotected, when=when))
        elif self.breaches:
            out.append(tr("{n} hidden counts could not be protected against packs printed earlier; nothing "
                          "printed now can change that.", lang, n=self.unprotected))
        if self.risk:
            out.append(self.risk)
        return out


def _fits(interval: tuple[float, float], size: float) -> bool:
    return interval[0] <= size * (1 + ROUGH) and interval[1] >= size * (1 - ROUGH)


def singled_out(current: list[Disclosure], earlier: list[Disclosure], consenting: set[str]) -> list[SingledOut]:
    """Every way a clinic not in `consenting` can be singled out from `current` with `earlier` kept."""
    findings: list[SingledOut] = []
    everything = [*earlier, *current]
    sizes = {c: v for d in everything for c, v in d.truth.items() if cell_parts(c)[1] == LIST_SIZE}
    # By size: what the material shows of each size (exact, band, or what the rates give back).
    shown: dict[str, tuple[float, float]] = {}
    for d in current:
        for r in d.relations:
            if len(r.terms) == 1 and cell_parts(r.terms[0][0])[1] == LIST_SIZE:
                c = r.terms[0][0]
                lo, hi = shown.get(c, (-float("inf"), float("inf")))
                shown[c] = (max(lo, r.low), min(hi, r.high))
    size_targets = {t.terms: t for d in current for t in d.targets if t.kind == "size"}
    if size_targets:
        for terms, (lo, hi) in outsider_ranges(everything, size_targets.values()).items():
            c = terms[0][0]
            old = shown.get(c, (-float("inf"), float("inf")))
            shown[c] = (max(old[0], lo), min(old[1], hi))
    for cell, interval in sorted(shown.items()):
        period, _, clinic = cell_parts(cell)
        if clinic in consenting:
            continue
        others = [c for c, v in sizes.items() if cell_parts(c)[0] == period and cell_parts(c)[2] != clinic
                  and _fits(interval, v)]
        if len(others) <= 1:
            findings.append(SingledOut(clinic, "unique_size", period))
    # By values printed with the name earlier.
    for d in current:
        for period, ind, value, clinic, step in d.coded:
            if clinic in consenting:
                continue
            for e in earlier:
                for p2, i2, v2, c2, s2 in e.named:
                    if (p2, i2, c2) != (period, ind, clinic) or abs(v2 - value) > (step + s2) / 2 + 1e-6:
                        continue
                    rivals = [x for x in d.coded if x[:2] == (period, ind) and x[3] != clinic
                              and abs(x[2] - v2) <= (x[4] + s2) / 2 + 1e-6]
                    if len(rivals) <= 1:
                        findings.append(SingledOut(clinic, "named_values", period, ind, e.meeting))
    # Shown by name before, not now.
    now = {x[3] for d in current for x in (*d.coded, *d.named)} | {cell_parts(c)[2] for d in current for c in d.truth}
    for e in earlier:
        for clinic in sorted({x[3] for x in e.named}):
            if clinic in now and clinic not in consenting:
                findings.append(SingledOut(clinic, "consent_withdrawn", meeting=e.meeting))
    unique: dict[tuple, SingledOut] = {}
    for f in findings:
        unique.setdefault((f.clinic, f.reason, f.indicator if f.reason == "named_values" else None,
                           f.meeting if f.reason != "unique_size" else None), f)
    return sorted(unique.values(), key=lambda f: (f.clinic, REASONS.index(f.reason), f.period or "", f.indicator or ""))


def rounding_note(ind: AnonymisedIndicator, lang: str | None = None) -> str | None:
    """The sentence that states an indicator's rounding step (None when its values are not rounded). The step
    is the audit's choice (see build.anonymise): the finest one at which no rate, interval or limit gives a
    clinic's list size or a hidden count back."""
    step = ind.value_step
    if not step:
        return None
    decimals = 0 if step >= 1 else max(1, -math.floor(math.log10(step) + 1e-9))
    shown = format_number(step, decimals, lang or current_language())
    if ind.intervals_withheld and any(r.wide_ci for r in ind.rows):
        return tr("Rates rounded to the nearest {step}. The clinics' 95% CIs are worked out wide, from the rounded "
                  "rate and the list-size band: the exact ones would give a list size back.", lang, step=shown)
    if ind.intervals_withheld:
        return tr("Rates rounded to the nearest {step}; the clinics' 95% CIs are left out, as with the rate they "
                  "would give a list size back.", lang, step=shown)
    return tr("The clinics' rates and every interval and limit are rounded to the nearest {step}, so that no rate "
              "gives a clinic's list size back (the anonymity check chose the step).", lang, step=shown)


def remaining_risk(tables: list[AnonymisedTable], lang: str | None = None) -> str:
    """The cover's one sentence on what the anonymity does not hide."""
    has_funnel = any(r.funnel is not None and r.denominator is not None
                     for t in tables for ind in t.indicators for r in ind.rows)
    display = tables[0].list_size_display if tables else "bands"
    if display == "exact" or has_funnel:
        return tr("What remains: list sizes and denominators are shown (also as the funnel plots' horizontal "
                  "axis), so a member who knows roughly how large each practice is may recognise a practice "
                  "of unusual size.", lang)
    if display == "bands":
        return tr("What remains: list sizes are shown in bands, so a member who knows roughly how large each "
                  "practice is may recognise a practice that is alone in its band.", lang)
    return tr("What remains: rates are rounded so that they do not give a list size back, but a member who "
              "knows roughly how large each practice is may still recognise a practice of unusual size.", lang)


def build_report(meeting: str, current: list[Disclosure], earlier: list[Disclosure], consenting: set[str],
                 names: dict[str, str], codes: dict[str, str], tables: list[AnonymisedTable],
                 breaches: list[Breach] | None = None, lang: str | None = None,
                 printed: Sequence[dict] = ()) -> DisclosureReport:
    """The report from what is already computed (the pack has the tables and their disclosure models);
    `printed` is every print the project keeps (`Project.published`), this meeting's earlier ones among them."""
    report = DisclosureReport(meeting, names, codes, singled_out(current, earlier, consenting), list(breaches or []),
                              remaining_risk(tables, lang))
    own = [p for p in printed if p["meeting"] == meeting]
    if own:
        last = max(p["print"] for p in own)
        latest = {p["topic"]: p["disclosure"] for p in own if p["print"] == last}
        if not same_print(current, latest):
            report.reprinted = next(p["printed_at"] for p in own if p["print"] == last)
            report.hides_more = _hidden(current) - _hidden([Disclosure.from_json(d) for d in latest.values()])
    return report


def _hidden(models: Sequence[Disclosure]) -> int:
    """The counts a print hides (its count targets)."""
    return sum(1 for d in models for t in d.targets if t.kind == "count")


def disclosure_report(project: Project, meeting: str, lang: str | None = None) -> DisclosureReport:
    """The report for a meeting's pack as it would be printed now (every topic, every earlier pack)."""
    audited = anonymised_meeting(project, meeting, lang=lang)
    return build_report(meeting, [a[1] for a in audited], earlier_disclosures(project, meeting),
                        project.consents(meeting), {c.key: c.name for c in project.clinics()},
                        meeting_codes(project, meeting), [a[0] for a in audited],
                        [b for a in audited for b in a[2]], lang, project.published())
