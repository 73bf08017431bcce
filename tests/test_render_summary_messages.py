"""The group summary's key messages say which change is missing and why, not a vague 'withheld or no figures'."""

from __future__ import annotations

from klyngedesk.core.anonymise import AnonymisedIndicator
from klyngedesk.core.anonymise.types import AnonymisedRow, AnonymisedTable
from klyngedesk.core.model import Topic
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.render.summary_page import Line, group_messages

ROW = AnonymisedRow("A", None, 3.0, 1000.0, None, 3.0, 1.0, 6.0, 1, False, None, None)
TOPIC = Topic("smerter", "Smertebehandling")


def _ind(key: str, title: str, pooled: float | None = 3.0, **kw: object) -> AnonymisedIndicator:
    return AnonymisedIndicator(key, title, "per_1000", "min", "rate", pooled, None, None, 3.0, 2.0, 4.0, 1.0, 6.0,
                               8, (), None, (ROW,), **kw)  # type: ignore[arg-type]


def _messages(inds: list[AnonymisedIndicator], lang: str) -> str:
    table = AnonymisedTable("2026-12", "smerter", "Smertebehandling", "2026H1", "1. halvår 2026", "2025H2",
                            "2. halvår 2025", 5, "bands", tuple(inds))
    material = TopicMaterial(table, TOPIC)
    return "\n".join(group_messages([Line(material, i) for i in inds], "2. halvår 2025", lang))


def test_only_the_change_withheld_is_said_so_with_why() -> None:
    inds = [_ind("morfin", "Morfinbrugere", change_withheld=True), _ind("tramadol", "Tramadolbrugere",
                                                                        change_withheld=True)]
    da, en = _messages(inds, "da"), _messages(inds, "en")
    for text in (da, en):
        assert "eller har ingen tal" not in text and "or has no figures" not in text
    # which: every indicator; why: the anonymity check, a clinic not shown by name
    assert "ændringen" in da.lower() and "alle indikatorer" in da and "ikke er vist ved navn" in da
    assert "every indicator" in en and "not shown by name" in en
    assert "klyngen samlet er holdt tilbage" not in da        # the cluster value is printed: it is not withheld
    assert "larger than chance" not in en                     # no change is shown to be within chance


def test_each_reason_names_its_indicators() -> None:
    inds = [_ind("morfin", "Morfinbrugere", change_withheld=True),
            _ind("tramadol", "Tramadolbrugere", pooled=None),             # cluster value withheld with its change
            _ind("ny", "Nye brugere", baseline_hidden=False)]             # no figures from the baseline round
    en = _messages(inds, "en")
    lines = en.splitlines()
    assert any("Morfinbrugere" in ln and "change" in ln and "not shown by name" in ln for ln in lines)
    assert any("Tramadolbrugere" in ln and "cluster as a whole" in ln for ln in lines)
    assert any("Nye brugere" in ln and "no figures from" in ln for ln in lines)
    assert not any("Morfinbrugere" in ln and "no figures from" in ln for ln in lines)
    assert "larger than chance" not in en          # no change is shown, so none can be said to be within chance
