"""Which round a page shows by default: the newest with data for the topic, and the sentence that says so."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from klyngedesk.core.period_names import period_label
from klyngedesk.core.store import Project
from klyngedesk.gui.change_stamp import topics_with_data
from klyngedesk.i18n import tr


def rounds_with_data(project: Project, topic: str) -> list[str]:
    """Period keys (oldest first) for which the topic has at least one stored value."""
    with_data = topics_with_data(project)  # one query per state of the project, not every value of the topic
    return [p.key for p in project.periods() if topic in with_data.get(p.key, set())]


def newest_round_with_data(project: Project, topic: str) -> str | None:
    found = rounds_with_data(project, topic)
    return found[-1] if found else None


def round_note(project: Project, topic: str | None, period: str | None, lang: str,
               found: list[str] | None = None) -> str:
    """A sentence for beside the round box: why this round is shown, or that it has no data yet (`found`:
    rounds_with_data for the topic, when the caller has it already)."""
    if topic is None or period is None:
        return ""
    labels = {p.key: period_label(p.label, lang) for p in project.periods()}
    found = rounds_with_data(project, topic) if found is None else found
    if not found:
        return tr("No round has data for this topic yet: import the clinics' files.", lang)
    if period not in found:
        return tr("{period} has no data for this topic yet; the newest round with data is {newest}.", lang,
                  period=labels.get(period, period), newest=labels[found[-1]])
    newer = [labels[p.key] for p in project.periods() if p.start > next(
        q.start for q in project.periods() if q.key == period) and p.key not in found]
    if period == found[-1] and newer:
        return tr("Showing {period}, the newest round with data ({later} has no data yet).", lang,
                  period=labels[period], later=", ".join(newer))
    return ""


class RoundChooser:
    """Keeps a round box on the newest round with data until the user picks a round themselves."""

    def __init__(self, box: QComboBox, note: QLabel) -> None:
        self.box, self.note = box, note
        self.chosen_by_user = False
        note.setWordWrap(True)
        note.setObjectName("round_note")
        box.activated.connect(self._picked)

    def _picked(self, _index: int) -> None:
        self.chosen_by_user = True

    def choose(self, project: Project, topic: str | None) -> None:
        """Called with the box's signals blocked, after it was refilled."""
        if self.chosen_by_user or topic is None:
            return
        newest = newest_round_with_data(project, topic)
        index = self.box.findData(newest) if newest is not None else -1
        self.box.setCurrentIndex(index if index >= 0 else self.box.count() - 1)

    def pick(self, key: str) -> None:
        """A round the user asked for in another way (e.g. just created it)."""
        self.chosen_by_user = True
        index = self.box.findData(key)
        if index >= 0:
            self.box.setCurrentIndex(index)

    def forget(self) -> None:
        self.chosen_by_user = False

    def update_note(self, project: Project | None, topic: str | None, lang: str) -> None:
        text = round_note(project, topic, self.box.currentData(), lang) if project is not None else ""
        self.note.setText(text)
        self.note.setVisible(bool(text))
