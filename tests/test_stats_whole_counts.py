"""Every count an interval is worked out from is a whole number: a fraction is refused at import and correction.

The intervals (Wilson, exact Poisson) and the funnel are about counts; '12,5' morphine users is a typing or
reading error, and a rate and interval computed from it look as trustworthy as any other. Before, a fraction
was refused only for the measures that count patients as a denominator or as a share's numerator: the users
behind a rate per 1000 listed patients (morfin_brugere), and prescriptions, were stored with their fraction.
Tried on every measure the demo's indicators count with, not one example.
"""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.commands import CorrectValue
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError

HEADER = ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]


def _counted_measures(path: Path) -> list[str]:
    with Project.open(path, readonly=True) as project:
        return sorted({m for t in project.topics() for i in t.indicators
                       for m in (i.numerator, i.denominator if i.denominator_kind == "measure" else None) if m})


def test_a_fraction_of_any_counted_measure_is_refused(demo_path: Path, tmp_path: Path, capsys) -> None:
    with Project.open(demo_path, readonly=True) as project:
        a = cf.demo_clinics(project)[0]
        before = project.values(history=True).to_dict("records")
    measures = _counted_measures(demo_path)
    assert {"morfin_brugere", "ab_ordinationer", "kol_patienter", "kol_lfu"} <= set(measures)
    rows = [f"{a.yder};{a.name};{m};2026H1;{12 + k},5" for k, m in enumerate(measures)]
    path = tmp_path / "brøker.csv"
    path.write_text("\n".join([";".join(HEADER), *rows]) + "\n", encoding="utf-8")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for k, m in enumerate(measures):   # every one named with its value, none stored
        assert f"{12 + k},5" in err and m in err, (m, err)
    assert err.count("helt tal") >= len(measures), err
    with Project.open(demo_path, readonly=True) as project:
        assert project.values(history=True).to_dict("records") == before


def test_whole_counts_still_import(demo_path: Path, tmp_path: Path, capsys) -> None:
    with Project.open(demo_path, readonly=True) as project:
        a = cf.demo_clinics(project)[0]
    path = tmp_path / "hele.csv"
    path.write_text("\n".join([";".join(HEADER), f"{a.yder};{a.name};morfin_brugere;2026H1;12,0",
                               f"{a.yder};{a.name};ab_ordinationer;2026H1;310"]) + "\n", encoding="utf-8")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 0, capsys.readouterr().err
    with Project.open(demo_path, readonly=True) as project:
        v = project.values()
        got = v[(v["clinic"] == a.key) & (v["period"] == "2026H1")]
        stored = dict(zip(got["measure"], got["value"], strict=True))
    assert (stored["morfin_brugere"], stored["ab_ordinationer"]) == (12.0, 310.0)


@pytest.mark.parametrize("value", [12.5, -3.0, float("inf")])
def test_a_hand_correction_must_be_a_whole_count(demo_path: Path, value: float) -> None:
    with Project.open(demo_path) as project:
        clinic = cf.demo_clinics(project)[0].key
        before = project.values(history=True).to_dict("records")
        with pytest.raises(KlyngeError):
            CorrectValue(clinic, "morfin_brugere", "2026H1", value, "tastefejl").do(project)
        assert project.values(history=True).to_dict("records") == before
        CorrectValue(clinic, "morfin_brugere", "2026H1", 12.0, "rettet").do(project)   # a whole one is taken
