"""Topic packages: the built-ins are sound, export -> import is lossless, bad packages are named precisely."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from klyngedesk.core.model import Cluster, Period, ReferenceValue
from klyngedesk.core.packages import (
    builtin_package_paths,
    builtin_packages,
    check_package,
    export_package,
    import_package,
    package_from_project,
    read_package,
)
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, set_language

BUILTIN_KEYS = {"smerter", "kol", "antibiotika", "oejenbetaendelse_boern", "nsaid", "psykofarmaka_aeldre",
                "polyfarmaci", "medicinkort", "diabetes", "boerneundersoegelser"}


@pytest.fixture
def empty_project(tmp_path: Path):
    project = Project.create(tmp_path / "tom.klynge", Cluster("Testklynge (fiktiv)"))
    project.add_period(Period("2026H1", "1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30)))
    yield project
    project.close()


def test_every_builtin_topic_is_there_and_sound() -> None:
    packages = builtin_packages()
    assert {p["topic"]["key"] for p in packages} == BUILTIN_KEYS
    measure_keys = [m["key"] for p in packages for m in p["measures"]]
    assert len(measure_keys) == len(set(measure_keys)), "measure keys must be unique across packages"
    for p in packages:
        assert p["questions"] and p["speakers"], p["topic"]["key"]
        for ind in p["indicators"]:
            target = ind.get("target")
            if target:
                assert target["source"].strip(), ind["key"]
                assert target["verified"] or "ikke verificeret" in target["source"], ind["key"]


def test_the_demo_topics_keep_their_measures() -> None:
    by_key = {p["topic"]["key"]: p for p in builtin_packages()}
    assert [m["key"] for m in by_key["antibiotika"]["measures"]] == ["ab_ordinationer", "pcv_ordinationer"]
    assert [i["key"] for i in by_key["kol"]["indicators"]] == ["kol_pr1000", "kol_lfu_andel", "kol_rehab_andel"]
    assert len(by_key["smerter"]["measures"]) == 7
    assert by_key["antibiotika"]["indicators"][0]["target"]["value"] == 350


@pytest.mark.parametrize("path", builtin_package_paths(), ids=lambda p: p.stem)
def test_export_then_import_is_lossless(path: Path, empty_project: Project, tmp_path: Path) -> None:
    original = read_package(path)
    import_package(empty_project, path)
    exported = export_package(empty_project, original["topic"]["key"], tmp_path / "ud.json")
    assert read_package(exported) == original
    with Project.create(tmp_path / "anden.klynge", Cluster("Anden klynge (fiktiv)")) as other:
        import_package(other, exported)
        assert package_from_project(other, original["topic"]["key"]) == original


def test_references_travel_with_the_package(empty_project: Project, tmp_path: Path) -> None:
    data = json.loads(builtin_package_paths()[0].read_text(encoding="utf-8"))
    data["references"] = [
        {"indicator": "ab_pr1000", "scope": "national", "value": 402.5, "source": "Eksempelkilde – ikke verificeret",
         "period": "2026H1", "recorded": "2026-11-01"},
        {"indicator": "pcv_andel", "scope": "region", "value": 33.0, "source": "Eksempel", "period": "2019H1"},
    ]
    topic = import_package(empty_project, data)
    assert topic.key == "antibiotika"
    register = empty_project.references()
    assert [(r.indicator, r.value, r.period) for r in register] == [("ab_pr1000", 402.5, "2026H1")]
    empty_project.add_reference(ReferenceValue("pcv_andel", "national", 34.0, "Typed in", None, "2026-11-20"))
    exported = package_from_project(empty_project, "antibiotika")
    values = sorted(r["value"] for r in exported["references"])
    assert values == [33.0, 34.0, 402.5]  # the unknown period kept, the typed-in value added, no duplicates


def test_a_second_import_of_the_same_topic_is_refused(demo_project: Project) -> None:
    with pytest.raises(KlyngeError) as err:
        import_package(demo_project, builtin_package_paths()[0])
    assert "antibiotika" in err.value.message("en")


def _broken(change) -> dict:
    data = copy.deepcopy(json.loads((builtin_package_paths()[0]).read_text(encoding="utf-8")))
    change(data)
    return data


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["indicators"][1].update(unit="procent"), "indicators[1].unit"),
    (lambda d: d["topic"].pop("title"), "topic.title"),
    (lambda d: d["indicators"][0].update(unti="percent"), "indicators[0].unti"),
    (lambda d: d["measures"][0].update(key="Antibiotika ordinationer"), "measures[0].key"),
    (lambda d: d["indicators"][1].update(numerator="ab_ordinationerr"), "indicators[1].numerator"),
    (lambda d: d["measures"][1].update(key="ab_ordinationer"), "measures[1].key"),
    (lambda d: d["indicators"][0]["target"].update(value="350"), "indicators[0].target.value"),
    (lambda d: d["indicators"][0]["target"].pop("source"), "indicators[0].target.source"),
    (lambda d: d["indicators"][1].pop("denominator"), "indicators[1].denominator"),
    (lambda d: d.update(measures=[]), "measures"),
    (lambda d: d["questions"].append(""), "questions[2]"),
])
def test_a_malformed_package_names_the_field(change, field: str) -> None:
    with pytest.raises(KlyngeError) as err:
        check_package(_broken(change), source="pakke.json")
    assert field in err.value.message("en") and "pakke.json" in err.value.message("en")
    assert field in err.value.message("da") and "klyngepakken" in err.value.message("da").lower()


def test_a_newer_format_and_a_non_package_are_explained(tmp_path: Path) -> None:
    newer = tmp_path / "ny.json"
    newer.write_text(json.dumps(_broken(lambda d: d.update(version=2))), encoding="utf-8")
    with pytest.raises(KlyngeError, match="version") as err:
        read_package(newer)
    assert "Update KlyngeDesk" in err.value.message("en")
    broken = tmp_path / "halv.json"
    broken.write_text('{"format": "klyngedesk-topic-package", ', encoding="utf-8")
    with pytest.raises(KlyngeError) as err:
        read_package(broken)
    assert "halv.json" in err.value.message("en")


def test_packages_from_the_command_line(demo_path: Path, tmp_path: Path, capsys) -> None:
    from klyngedesk.cli.main import main

    assert main(["package", "list", "--json"]) == 0
    assert {p["key"] for p in json.loads(capsys.readouterr().out)["packages"]} == BUILTIN_KEYS
    shared = tmp_path / "nsaid.json"
    assert main(["package", "export", "--builtin", "--topic", "nsaid", "--out", str(shared)]) == 0
    assert main(["package", "import", str(demo_path), str(shared), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"][0]["topic"] == "nsaid"
    assert main(["package", "import", str(demo_path), str(shared)]) == 1  # already there
    exported = tmp_path / "ab.json"
    assert main(["package", "export", str(demo_path), "--topic", "antibiotika", "--out", str(exported)]) == 0
    assert read_package(exported)["references"][0]["source"].startswith("Demoværdi")
    broken = tmp_path / "forkert.json"
    broken.write_text(shared.read_text(encoding="utf-8").replace('"unit": "percent"', '"unit": "procent"', 1),
                      encoding="utf-8")
    capsys.readouterr()
    try:
        assert main(["--lang", "en", "package", "check", str(broken), str(exported)]) == 1
    finally:
        set_language("da")
    assert "forkert.json, the field indicators[0].unit must be one of" in capsys.readouterr().err
    assert main(["package", "import", str(demo_path), str(exported), str(broken)]) == 1
    with Project.open(demo_path, readonly=True) as project:
        assert "nsaid" in {t.key for t in project.topics()}


def test_a_topic_made_by_hand_exports_as_a_package(empty_project: Project) -> None:
    from klyngedesk.core.model import Indicator, Measure, Topic

    empty_project.add_topic(Topic("soevn", "Sovemidler", "", (Measure("sov_brugere", "Brugere af sovemidler"),),
                                  (Indicator("sov_pr1000", "Brugere pr. 1000", "sov_brugere", None, "list_size",
                                             "per1000", direction="min", target_value=20.0,
                                             target_source="Klyngens eget mål"),)))
    data = package_from_project(empty_project, "soevn")
    assert data["indicators"][0]["target"] == {"value": 20.0, "source": "Klyngens eget mål", "verified": False}
    assert check_package(data) == data
