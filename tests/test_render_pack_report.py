"""The pack report counts each hidden count it cannot protect once, however many readers or topics find it."""

from __future__ import annotations

from klyngedesk.core.anonymise.audit import Breach
from klyngedesk.core.anonymise.disclosure import Target
from klyngedesk.core.anonymise.disclosure_report import DisclosureReport


def _breach(terms: tuple[tuple[str, float], ...], reader: str | None, meeting: str = "m1") -> Breach:
    return Breach(Target(terms, "c1", "count", "label"), reader, 1.0, 2.0, 1.5, meeting)


def test_report_counts_distinct_hidden_counts_once() -> None:
    a = (("2026H1|morfin|c1", 1.0),)
    b = (("2026H1|den|c2", 1.0), ("2026H1|num|c2", -1.0))
    b_reordered = (("2026H1|num|c2", -1.0), ("2026H1|den|c2", 1.0))
    # count a found by two readers and again by a second topic's audit; b written in two orders
    breaches = [_breach(a, "c2"), _breach(a, "c3"), _breach(a, None), _breach(a, "c2"), _breach(b, "c1"),
                _breach(b_reordered, "c3")]
    report = DisclosureReport("m1", {}, {}, [], breaches)
    text = "\n".join(report.lines("en"))
    assert "2 hidden counts could not be protected" in text
    assert text.count("hidden counts") == 1
    assert "2 skjulte " in "\n".join(report.lines("da"))
    assert report.to_json()["unprotected_counts"] == 2
    report.reprinted = "2026-12-02T14:05:00+00:00"
    assert "2 hidden counts cannot be protected" in "\n".join(report.lines("en"))
