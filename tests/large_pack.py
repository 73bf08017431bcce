"""A large cluster's handouts for layout tests, fast: the demo with N clinics, suppressed as the pack does but
without the disclosure audit's linear programs (which take minutes at 60 clinics and decide only which cells
are hidden, not how a page is laid out). The full pack at 150 and 400 clinics is run by hand (docs/pack-large.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from klyngedesk.core.anonymise import anonymise, draw_codes
from klyngedesk.core.anonymise.build import trend_rounds
from klyngedesk.core.anonymise.codes import consenting_names, meeting_codes
from klyngedesk.core.collate import collate
from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.render.pack import _own_figures, shown_indicators
from klyngedesk.core.render.personal_handout import PersonalMaterial, render_personal
from klyngedesk.core.store import Project

MEETING = "2026-12"


@dataclass
class LargePack:
    group: Path
    personal: Path
    codes: list[str]            # every clinic's code (or name) as the group handout labels its rows
    indicators: int


def large_pack(folder: Path, clinics: int, lang: str = "da") -> LargePack:
    path = build_demo(folder / "large.klynge", clinics=clinics)
    with Project.open(path) as project:
        draw_codes(project, MEETING)
        codes = meeting_codes(project, MEETING)
        meeting = project.meeting(MEETING)
        named = consenting_names(project, MEETING)
        materials, identified, rounds = [], [], []
        for key in meeting.topics:
            table = collate(project, key, meeting.period, meeting.baseline_period)
            r = trend_rounds(project, key, meeting.period)
            materials.append(TopicMaterial(anonymise(table, codes, meeting=MEETING, named=named, audited=False,
                                                     lang=lang, rounds=r), project.topic(key)))
            identified.append(table)
            rounds.append(r)
        cluster = project.cluster().name
        group = folder / "group.pdf"
        render_group(group, materials, meeting, cluster, lang)
        clinic = sorted(codes)[len(codes) // 2]
        own = {}
        for table, anon, r in zip(identified, materials, rounds, strict=True):
            own.update(_own_figures(table, shown_indicators(anon.table), clinic, codes[clinic], r))
        personal = folder / "personal.pdf"
        render_personal(personal, PersonalMaterial(project.clinic(clinic).name, codes[clinic], own,
                                                   topics=tuple(materials)), meeting, cluster, lang)
        labels = sorted({r.label for m in materials for ind in m.table.indicators for r in ind.rows})
        return LargePack(group, personal, labels, sum(len(m.table.indicators) for m in materials))
