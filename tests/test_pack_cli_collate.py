"""`klyngedesk collate` read as its user reads it: English words in English (titles, rounds, flags), as the pack prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pack_clusters import build_cluster

from klyngedesk.cli.main import main
from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.packages import indicator_text
from klyngedesk.core.store import Project
from klyngedesk.i18n import set_language

FLAG_CODES = re.compile(r"\b(?:above|below)_(?:95|998)\b")


def _collate(capsys, path: Path, lang: str, topic: str, period: str, compare: str | None, *extra: str) -> str:
    args = ["--lang", lang, "collate", str(path), "--topic", topic, "--period", period, *extra]
    if compare:
        args += ["--compare", compare]
    try:
        assert main(args) == 0
    finally:
        set_language("da")
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo and a cluster with a user-made topic of its own (no English titles) and a clinic with no events."""
    out = {}
    for name in ("three", "new-indicator", "zero-clinic"):
        path = build_cluster(Path(tmp_path_factory.mktemp(name)), name)
        with Project.open(path) as project:
            draw_codes(project, "2026-12")
        out[name] = path
    return out


@pytest.mark.parametrize("name", ["three", "new-indicator", "zero-clinic"])
@pytest.mark.parametrize("view", ["identified", "anonymised"])
def test_english_collate_names_indicators_rounds_and_flags_in_english(clusters, capsys, name, view) -> None:
    """'The cluster's morfinbrugere pr. 1000 patienter from 2. halvår 2025 (5.0) …' in an English run: the pack
    and the slides say 'morphine users per 1,000 patients from H2 2025'; the CLI says what they say, in its
    lines and in the JSON's English sentence, and a flag is words, not 'below_998'."""
    path = clusters[name]
    with Project.open(path, readonly=True) as project:
        periods = [p for p in project.periods()]
        topics = project.topics()
    period, compare = periods[-1].key, periods[-2].key
    extra = ("--meeting", "2026-12", "--anonymised") if view == "anonymised" else ()
    for topic in topics:
        text = _collate(capsys, path, "en", topic.key, period, compare, *extra)
        sentences = json.loads(_collate(capsys, path, "en", topic.key, period, compare, "--json", *extra))
        english = [i["sentence"].get("en", "") for i in sentences["indicators"]]
        for where, words in (("lines", text), ("JSON", " ".join(english))):
            for p in periods:
                assert p.label not in words, f"{topic.key} {where}: the Danish round '{p.label}' in English"
            for ind in topic.indicators:
                shown = indicator_text(topic, ind.key, "title", "en", ind.title)
                if shown != ind.title:
                    low = ind.title[0].lower() + ind.title[1:]
                    assert ind.title not in words and low not in words, \
                        f"{topic.key} {where}: the Danish title '{ind.title}' where the pack says '{shown}'"
            assert not re.search(r"\d %", words), f"{topic.key} {where}: Danish '12 %' in English"
        assert not FLAG_CODES.search(text), f"{topic.key}: a flag printed as its code: {FLAG_CODES.search(text)}"
        assert any(e for e in english) or all(i["change"] is None for i in sentences["indicators"]), topic.key


@pytest.mark.parametrize("view", ["identified", "anonymised"])
def test_danish_collate_prints_titles_as_the_pack_does(clusters, capsys, view) -> None:
    """'pr. 1.000' as the pack prints it, in the header and the change sentence, not the project's 'pr. 1000'."""
    path = clusters["three"]
    extra = ("--meeting", "2026-12", "--anonymised") if view == "anonymised" else ()
    with Project.open(path, readonly=True) as project:
        periods = [p.key for p in project.periods()]
        topics = [t.key for t in project.topics()]
    for topic in topics:
        text = _collate(capsys, path, "da", topic, periods[-1], periods[-2], *extra)
        assert not re.search(r"pr\. 1000\b", text), f"{topic}: 'pr. 1000' in the Danish lines"
        assert not FLAG_CODES.search(text), f"{topic}: a flag printed as its code"


def _headers(text: str) -> list[tuple[str, str]]:
    """(pooled, median) as each indicator's header line prints them: '… — samlet 78,4 %, median 80,2 %'."""
    return re.findall(r" — (?:samlet|pooled) (\S+(?: %)?), median (\S+(?: %)?)$", text, re.M)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("view", ["identified", "anonymised"])
def test_collate_header_prints_a_share_with_its_percent_sign(clusters, capsys, view, lang) -> None:
    """'Andel KOL-patienter med LFU … — samlet 78,4, median 80,2' reads as a count or a rate: a share's pooled
    value and median carry '%' as on every page of the pack, a rate none."""
    path = clusters["three"]
    extra = ("--meeting", "2026-12", "--anonymised") if view == "anonymised" else ()
    with Project.open(path, readonly=True) as project:
        periods = [p.key for p in project.periods()]
        topics = project.topics()
    percent = "%" if lang == "en" else " %"
    for topic in topics:
        heads = _headers(_collate(capsys, path, lang, topic.key, periods[-1], periods[-2], *extra))
        assert len(heads) == len(topic.indicators), f"{topic.key}: headers {heads}"
        for ind, (pooled, median) in zip(topic.indicators, heads, strict=True):
            for figure in (pooled, median):
                if figure == "–":
                    continue
                assert figure.endswith(percent) == (ind.unit == "percent"), f"{ind.key} ({ind.unit}): '{figure}'"


@pytest.mark.parametrize("name", ["three", "zero-clinic"])
def test_anonymised_collate_prints_the_median_as_the_pack_does(clusters, capsys, name) -> None:
    """The coordinator checks the pack against `collate --anonymised`: a median the pack prints '24' (on the
    clinics' step of 2) is '24', not '24,0', and a share's '80,2 %' is not '80,2'. Where the two print the same
    number, they print it the same way."""
    from attacker_pdf import handout
    from test_pack_reader import page_texts

    path = clusters[name]
    with Project.open(path) as project:
        periods = [p.key for p in project.periods()]
        topics = project.topics()
        pages = " ".join(page_texts(handout(project, "2026-12", "da")[0]))
    printed = re.findall(r"Median (\d[\d.]*(?:,\d+)?(?: %)?)", pages)
    cli = [m for t in topics for _, m in _headers(_collate(capsys, path, "da", t.key, periods[-1], periods[-2],
                                                           "--meeting", "2026-12", "--anonymised"))]
    assert printed and cli
    def plain(text: str) -> float:
        return float(text.removesuffix(" %").replace(".", "").replace(",", "."))
    compared = 0
    for figure in cli:
        same = [p for p in printed if figure != "–" and plain(p) == plain(figure)]
        if same:
            compared += 1
            assert figure in same, f"the CLI prints the median '{figure}', the pack {same}"
    assert compared, f"no median of the CLI {cli} is one the pack prints {printed}"
