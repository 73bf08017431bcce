"""The columnar reader and checks against the per-cell ones they replaced: the same values to store, the same
questions and the same messages (Danish and English, with sheet, row and column), on many seeded messy
tables and on every table of the externally written files; and the same rows stored by a real import."""

from __future__ import annotations

import copy
import random
from datetime import date
from pathlib import Path

import pytest
from ingest_reference import build_values_per_cell, check_values_per_value

from klyngedesk.core.ingest import commit_plan, inspect_file, plan_import
from klyngedesk.core.ingest.apply import EMPTY_CELLS, NO_CLINIC, build_values
from klyngedesk.core.ingest.cells import CellError
from klyngedesk.core.ingest.checks import check_values
from klyngedesk.core.ingest.context import ImportContext
from klyngedesk.core.ingest.mapping import Mapping, guess_mapping
from klyngedesk.core.ingest.tables import Table, find_tables
from klyngedesk.core.model import Clinic, Cluster, Period
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.store import Project
from klyngedesk.i18n import tr

CLINICS = [Clinic(f"K{i}", f"Lægehuset Nørregade {i}", str(100000 + i)) for i in range(10)]
PERIODS = [Period("2025H2", "2. halvår 2025", date(2025, 7, 1), date(2025, 12, 31)),
           Period("2026H1", "1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30))]
TOPICS = [builtin_topic("kol"), builtin_topic("antibiotika")]
MEASURES = [m.key for t in TOPICS for m in t.measures]


def _context(rng: random.Random) -> ImportContext:
    measures = {m.key: m.title for t in TOPICS for m in t.measures}
    previous = {(c.key, m, "2025H2"): float(rng.choice([0, 4, 30, 300])) for c in CLINICS for m in MEASURES
                if rng.random() < 0.4}
    sizes = {(c.key, "2026H1"): rng.choice([40, 900, 2500]) for c in CLINICS if rng.random() < 0.5}
    return ImportContext(list(CLINICS), measures, list(PERIODS), [i for t in TOPICS for i in t.indicators],
                         {m.key: t.key for t in TOPICS for m in t.measures}, previous, [], sizes)


def _value_cell(rng: random.Random):
    """What clinics write where a count belongs: mostly numbers, and everything else that turns up."""
    r = rng.random()
    if r < 0.72:
        return float(rng.choice([rng.randint(0, 400), rng.randint(0, 3000)]))
    return rng.choice([None, "", "<5", "-", "#DIV/0!", "#I/T", CellError("#N/A"), "ikke opgjort", True, 2.5e7,
                       -4.0, 12.5, "12,5", "1.250", date(2026, 3, 1), "  ", "010170-1234x"])


def _clinic_cells(rng: random.Random) -> tuple:
    c = rng.choice(CLINICS)
    return rng.choice([(c.yder, c.name), (float(c.yder), c.name), (c.yder, None), (None, c.name),
                       ("999999", "Ukendt Lægehus"), (None, None), (c.yder, c.name.upper()),
                       (None, c.name.replace("ø", "o"))])


def _period_cell(rng: random.Random):
    return rng.choice(["2026H1"] * 6 + ["1. halvår 2026", "2025H2", "2027H2", None, "", 2026.0, "H1 2026"])


def _standard_grid(rng: random.Random, n: int) -> list[list]:
    rows: list[list] = [["ydernummer", "praksis", "maaling", "periode", "vaerdi"]]
    for _ in range(n):
        yder, name = _clinic_cells(rng)
        measure = rng.choice(MEASURES * 4 + ["listestoerrelse", "ukendt_maaling", None, "KOL patienter"])
        rows.append([yder, name, measure, _period_cell(rng), _value_cell(rng)])
    return rows


def _wide_grid(rng: random.Random, n: int) -> list[list]:
    measures = rng.sample(MEASURES, rng.randint(1, len(MEASURES)))
    extra = ["Listestørrelse"] if rng.random() < 0.5 else []
    rows: list[list] = [["Ydernummer", "Praksis", "Periode", *measures, *extra]]
    for _ in range(n):
        yder, name = _clinic_cells(rng)
        rows.append([yder, name, _period_cell(rng), *(_value_cell(rng) for _ in measures + extra)])
    return rows


def _shown(problems) -> list[tuple]:
    return [(p.severity, p.row, p.column, p.sheet, p.message("fil.xlsx", "da"), p.message("fil.xlsx", "en"))
            for p in problems]


def _asked(questions) -> list[tuple]:
    return [(q.id, tr(q.msgid, "da", **q.params), tr(q.msgid, "en", **q.params)) for q in questions]


def _both(table: Table, mapping: Mapping, ctx: ImportContext, answers: dict[str, bool], accept: bool) -> None:
    """Read one table both ways and check that everything the user and the store get is the same."""
    ref = build_values_per_cell(copy.deepcopy(table), copy.deepcopy(mapping), ctx, dict(answers), accept)
    new = build_values(copy.deepcopy(table), copy.deepcopy(mapping), ctx, dict(answers), accept)
    assert list(new.values) == ref.values
    assert list(new.list_sizes) == ref.list_sizes
    assert new.clinics == ref.clinics
    assert _asked(new.questions) == _asked(ref.questions)
    # The messages the per-cell reader never gave (each tested on its own): how many empty cells stored nothing,
    # and which rows holding numbers named no clinic.
    assert _shown(p for p in new.problems if p.msgid not in (EMPTY_CELLS, NO_CLINIC)) == _shown(ref.problems)
    assert _shown(check_values(new.values, ctx, new.list_sizes)) == \
        _shown(check_values_per_value(ref.values, ctx, ref.list_sizes))


@pytest.mark.parametrize("seed", range(40))
def test_messy_tables_give_the_same_values_and_messages_both_ways(seed: int) -> None:
    rng = random.Random(seed)
    ctx = _context(rng)
    grid = _standard_grid(rng, rng.choice([5, 40, 300])) if seed % 2 else _wide_grid(rng, rng.choice([5, 40, 200]))
    [table] = find_tables(grid, "Data")
    mapping = guess_mapping(table, ctx, {})
    assert mapping is not None
    for answers, accept in (({}, True), ({}, False)):
        _both(table, mapping, ctx, answers, accept)
    single = Mapping("single", columns={c: m for c, m in zip(table.columns, MEASURES, strict=False)
                                        if c not in ("ydernummer", "Ydernummer")}, clinic="K3", period="2026H1")
    _both(table, single, ctx, {}, True)


def test_a_clean_region_file_gives_the_same_values_and_messages_both_ways() -> None:
    """The common case (every cell a number, every clinic known) with duplicates, a negative, an absurd
    number and counts above their list size and denominator sprinkled in."""
    rng = random.Random(7)
    ctx = _context(rng)
    rows: list[list] = [["ydernummer", "praksis", "maaling", "periode", "vaerdi"]]
    for c in CLINICS:
        for m in MEASURES:
            rows.append([c.yder, c.name, m, "2026H1", float(rng.randint(0, 2000))])
    rows += [rows[5][:4] + [3.0], rows[9][:4] + [2e7], rows[12][:4] + [-1.0]]
    [table] = find_tables(rows, "Data")
    mapping = guess_mapping(table, ctx, {})
    assert mapping is not None and mapping.layout == "standard"
    _both(table, mapping, ctx, {}, True)


def _external_tables(external: Path) -> list[Table]:
    tables = []
    for path in sorted(p for p in external.iterdir() if p.name != "SOURCES.md"):
        report = inspect_file(path)
        tables += report.tables
    return tables


def test_every_external_table_gives_the_same_values_and_messages_both_ways(external: Path) -> None:
    """Real files written by others: their first text column as the clinics (some of them known to the
    project), their other columns as measures, read both ways."""
    tables = _external_tables(external)
    assert len(tables) >= 20
    compared = 0
    for table in tables:
        text = [c for c in table.columns if table.parsed[c].ctype == "text"]
        others = [c for c in table.columns if c not in text[:1]]
        if not text or not others:
            continue
        names = [v for v in dict.fromkeys(table.column(text[0])) if isinstance(v, str) and v.strip()]
        clinics = [Clinic(f"E{i}", name) for i, name in enumerate(names[: max(1, len(names) * 2 // 3)])]
        measures = {f"m{j}": c for j, c in enumerate(others)}
        ctx = ImportContext(clinics, measures, list(PERIODS))
        mapping = Mapping("wide", name_column=text[0], columns={c: f"m{j}" for j, c in enumerate(others)},
                          period="2026H1")
        _both(table, mapping, ctx, {}, True)
        _both(table, mapping, ctx, {}, False)
        compared += 1
    assert compared >= 15


def test_an_import_stores_the_rows_the_per_cell_reader_would_have_stored(tmp_path: Path) -> None:
    """End to end through `plan_import` and `commit_plan`: the stored values and their provenance (sheet,
    row, column, suppressed and error texts) are the reference reader's, row for row."""
    from openpyxl import Workbook

    rng = random.Random(3)
    project = Project.create(tmp_path / "p.klynge", Cluster("Testklynge"))
    try:
        with project.transaction():
            for c in CLINICS:
                project.add_clinic(c)
            for p in PERIODS:
                project.add_period(p)
            for t in TOPICS:
                project.add_topic(t)
        rows: list[list] = [["ydernummer", "praksis", "maaling", "periode", "vaerdi"]]
        for c in CLINICS:
            for m in MEASURES:
                base = 100 if m in ("kol_patienter", "ab_ordinationer") else 0  # denominators above numerators
                cell = rng.choice([float(base + rng.randint(0, 40)), float(base + rng.randint(0, 40)), "<5",
                                   "#DIV/0!"])
                rows.append([c.yder, c.name, m, "2026H1", cell])
        path = tmp_path / "region.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "Data"
        for row in rows:
            ws.append(row)
        wb.save(path)
        [table] = inspect_file(path).tables
        ctx = ImportContext.from_project(project)
        mapping = guess_mapping(table, ctx, {})
        assert mapping is not None
        expected = build_values_per_cell(table, mapping, ctx, {}, True).values
        plan = plan_import(project, [path], confirm=True)
        assert plan.ok, plan.files[0].message("en")
        commit_plan(project, plan)
        stored = project.values()
        got = [tuple(None if x != x else x for x in row)  # the frame shows SQL NULL as NaN
               for row in zip(stored.clinic, stored.measure, stored.period, stored.status, stored.source_text,
                              stored.sheet, stored["row"], stored.col, strict=True)]
        assert got == [(v.clinic, v.measure, v.period, v.status, v.source_text, v.sheet, v.row, v.col)
                       for v in expected]
        numbers = [None if x != x else x for x in stored.value]
        assert numbers == [v.value for v in expected]
    finally:
        project.close()
