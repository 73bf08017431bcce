"""For every built-in topic: template per clinic -> filled in -> imported -> collated -> meeting pack."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from klyngedesk.core.collate.collate import collate
from klyngedesk.core.ingest import commit_plan, plan_import
from klyngedesk.core.model import Meeting, Period, Topic
from klyngedesk.core.packages import builtin_packages, import_package
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
from klyngedesk.core.templates import make_clinic_templates, read_template_meta

TOPICS = [p["topic"]["key"] for p in builtin_packages()]
PERIOD = Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31))


def plausible_counts(topic: Topic, rng: np.random.Generator, list_size: int) -> dict[str, int]:
    """Counts a clinic could report: every numerator at most its denominator."""
    counts = {m.key: int(rng.integers(list_size // 20, list_size // 8)) for m in topic.measures}
    pairs = [(i.numerator, i.denominator) for i in topic.indicators if i.denominator_kind == "measure"]
    for _ in range(len(pairs) + 1):
        for num, den in pairs:
            counts[num] = min(counts[num], int(counts[den] * rng.uniform(0.3, 0.9)))
    return counts


def fill_template(path: Path, counts: dict[str, int]) -> None:
    """What a clinic does: type a whole number in the value cell next to each measure, then save."""
    wb = load_workbook(path)
    ws = wb["Data"]
    for row in ws.iter_rows(min_row=2):
        row[4].value = counts[row[2].value]
    wb.save(path)


@pytest.mark.parametrize("topic_key", TOPICS)
def test_template_fill_import_collate_pack(topic_key: str, demo_project: Project, tmp_path: Path) -> None:
    project = demo_project
    if topic_key not in {t.key for t in project.topics()}:
        import_package(project, next(p for p in builtin_packages() if p["topic"]["key"] == topic_key))
    project.add_period(PERIOD)
    sizes = project.list_sizes("2026H1")
    project.set_list_sizes([(r.clinic, PERIOD.key, int(r.patients)) for r in sizes.itertuples()])
    topic = project.topic(topic_key)

    files = make_clinic_templates(project, topic_key, PERIOD.key, tmp_path / "skabeloner")
    assert len(files) == len(project.clinics())
    blank = plan_import(project, files[:1])
    assert blank.files[0].status == "refused"  # an unfilled template is refused as empty

    rng = np.random.default_rng(len(topic_key))
    expected = {}
    list_sizes = {r.clinic: int(r.patients) for r in sizes.itertuples()}
    for path in files:
        clinic = read_template_meta(path)["clinic_key"]
        counts = plausible_counts(topic, rng, list_sizes[clinic])
        fill_template(path, counts)
        expected |= {(clinic, m): float(v) for m, v in counts.items()}

    plan = plan_import(project, files)
    assert all(f.status == "ready" for f in plan.files), [(f.name, f.status, f.message("en")) for f in plan.files]
    assert all(f.mapping.layout == "standard" for f in plan.files)  # no mapping questions asked
    commit_plan(project, plan)
    stored = project.values(period=PERIOD.key, topic=topic_key)
    assert {(r.clinic, r.measure): r.value for r in stored.itertuples()} == expected

    table = collate(project, topic_key, PERIOD.key)
    assert [i.key for i in table.indicators] == [i.key for i in topic.indicators]
    for ind in table.indicators:
        assert ind.pooled is not None and ind.pooled > 0, ind.key

    project.save_meeting(Meeting(key="m-e2e", date=date(2027, 2, 4), title=f"Klyngemøde: {topic.title}",
                                 topics=(topic_key,), period=PERIOD.key))
    result = build_pack(project, "m-e2e", tmp_path / "pakke")
    assert len(result.personal) == len(project.clinics())
    group_text = " ".join(page.extract_text() for page in PdfReader(result.group).pages)
    flat = " ".join(group_text.split())
    assert all(" ".join(i.title.split()).replace(" 1000 ", " 1.000 ") in flat for i in topic.indicators[:1]), flat[:500]
    assert not any(c.name in flat for c in project.clinics())  # codes only in the group handout
