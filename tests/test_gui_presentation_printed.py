"""F5 after the meeting's pack was printed: the slides are the printed pack's own tables at once (no audit), and
once anything they rest on changed they are audited again and the dialog and the first slide say why in Danish;
never another meeting's tables."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from klyngedesk.core.anonymise import check_no_leak
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.anonymise.printed_tables import _encode
from klyngedesk.core.render.pack import build_pack
from klyngedesk.gui import meeting_slides
from klyngedesk.gui.main_window import MainWindow

MEETING = "2026-03"
WAIT_MS = 120_000
WHY = "Ændret siden mødematerialet blev udskrevet"


@pytest.fixture(scope="module")
def _master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from klyngedesk.core.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("five") / "Fem.klynge", clinics=5)


def _open(qtbot, app_context, master: Path, tmp_path: Path, large: bool, monkeypatch) -> MainWindow:
    if large:  # presenting as for a region: the slides are made on the worker
        monkeypatch.setattr("klyngedesk.gui.main_window.small_project", lambda _project: False)
    path = tmp_path / "Fem.klynge"
    shutil.copy(master, path)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(str(path), remember=False)
    return window


@pytest.fixture
def audits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The topics audited for the slides (the real audit still runs)."""
    seen: list[str] = []
    real = meeting_slides.audit_topic

    def counted(path, meeting, topic, *rest):
        seen.append(f"{meeting}/{topic}")
        return real(path, meeting, topic, *rest)

    monkeypatch.setattr(meeting_slides, "audit_topic", counted)
    return seen


def _present(qtbot, window: MainWindow, meeting: str):
    """F5 on `meeting` (as the Meetings page does), until every topic's slides are on the projector."""
    window.present(meeting)
    qtbot.waitUntil(lambda: window.presentation is not None and window.presentation.isVisible()
                    and not window.presentation.waiting_topics() and not window.runner.busy, timeout=WAIT_MS)
    return window.presentation


def _tables(show) -> list[str]:
    return [json.dumps(_encode(s.table.indicator(s.indicator)), sort_keys=True) for s in show.slides]


def _printed(project, meeting: str, lang: str = "da") -> list[str]:
    from klyngedesk.gui.presentation import topic_slides

    slides = [s for table, _d, _b in anonymised_meeting(project, meeting, lang=lang)
              for s in topic_slides(project.topic(table.topic), table, lang)]
    return [json.dumps(_encode(s.table.indicator(s.indicator)), sort_keys=True) for s in slides]


def test_f5_after_a_print_shows_the_printed_tables_without_an_audit(qtbot, app_context, _master, tmp_path,
                                                                     monkeypatch, audits) -> None:
    window = _open(qtbot, app_context, _master, tmp_path, True, monkeypatch)
    project = window.ctx.holder.project
    printed = _printed(project, MEETING)   # what the pack's audit gives (its codes are drawn already)
    build_pack(project, MEETING, tmp_path / "pakker")  # printed (core call, as Print in the Meetings page)
    window.present(MEETING)
    qtbot.waitUntil(lambda: window.presentation is not None and window.presentation.isVisible(), timeout=WAIT_MS)
    show = window.presentation
    assert show.ready() and show.index == 0 and show.heading.text()  # the first slide is there
    qtbot.waitUntil(lambda: not show.waiting_topics() and not window.runner.busy, timeout=WAIT_MS)
    assert audits == [] and not multiprocessing.active_children()   # nothing was audited for it
    assert _tables(show) == printed and not show.notice.isVisible()
    seen = []
    for i in range(len(show.slides)):
        show.show_slide(i)
        seen += show.texts()
    check_no_leak(seen, project, MEETING)
    qtbot.keyClick(show, Qt.Key.Key_Escape)
    # A value corrected after the print: audited again, and the coordinator is told why, in Danish.
    frame = project.values(topic=project.meeting(MEETING).topics[0])
    row = frame[(frame.period == project.meeting(MEETING).period) & (frame.value > 0)].iloc[0]
    project.correct_value(row.clinic, row.measure, row.period, row.value * 2 + 11, "rettet efter udskrivning")
    window.present(MEETING)
    dialog = window.presentation_opener.dialog
    assert dialog is not None  # progress as before
    qtbot.waitUntil(lambda: bool(audits), timeout=WAIT_MS)
    if window.presentation_opener.dialog is not None:  # (a five-clinic audit may be done before it is seen)
        qtbot.waitUntil(lambda: window.presentation_opener.dialog is None or WHY in dialog.labelText(),
                        timeout=WAIT_MS)
    show = _present(qtbot, window, MEETING)
    assert audits and audits[0] == f"{MEETING}/{project.meeting(MEETING).topics[0]}"
    assert show.notice.isVisible() and WHY in show.notice.text() and "værdier" in show.notice.text()
    assert _tables(show) == _printed(project, MEETING) != printed   # the figures as they are now
    show.show_slide(1)
    assert not show.notice.isVisible()   # said on the first slide only
    show.close()


def test_a_printed_meeting_never_lends_its_tables_to_another(qtbot, app_context, _master, tmp_path, monkeypatch,
                                                             audits) -> None:
    window = _open(qtbot, app_context, _master, tmp_path, True, monkeypatch)
    project = window.ctx.holder.project
    other = next(m.key for m in project.meetings() if m.key != MEETING and m.topics)
    build_pack(project, other, tmp_path / "pakker")   # the other meeting printed, this one not
    show = _present(qtbot, window, MEETING)
    assert {a.split("/")[0] for a in audits} == {MEETING}   # audited: not the other meeting's print
    assert {s.table.meeting for s in show.slides} == {MEETING} and not show.notice.isVisible()
    assert _tables(show) == _printed(project, MEETING)
    show.close()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_small_project_uses_the_print_too_and_says_why_not_once_changed(qtbot, app_context, _master, tmp_path,
                                                                          monkeypatch, lang) -> None:
    app_context.lang = lang
    window = _open(qtbot, app_context, _master, tmp_path, False, monkeypatch)
    project = window.ctx.holder.project
    printed = _printed(project, MEETING, lang)
    build_pack(project, MEETING, tmp_path / "pakker", lang=lang)
    calls: list[str] = []
    import klyngedesk.core.anonymise.build as build

    real = build.anonymised_with_disclosure
    monkeypatch.setattr(build, "anonymised_with_disclosure", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    show = window.present(MEETING)
    assert show is not None and calls == [] and _tables(show) == printed
    show.close()
    hidden = sorted(c.key for c in project.clinics() if c.key not in project.consents(MEETING))[0]
    project.set_consent(MEETING, hidden, True, "gav sig til kende på mødet")
    show = window.present(MEETING)
    assert calls and show.notice.isVisible()
    words = {"da": (WHY, "samtykker er ændret"), "en": ("Changed since the pack was printed", "consents were")}
    assert all(w in show.notice.text() for w in words[lang]), show.notice.text()
    show.close()


def test_printed_from_the_meetings_page_then_f5_opens_without_an_audit(qtbot, app_context, _master, tmp_path,
                                                                       monkeypatch, audits) -> None:
    """As the coordinator does it: the pack built with its button, then F5 on the same meeting."""
    window = _open(qtbot, app_context, _master, tmp_path, True, monkeypatch)
    window.ctx.settings.setValue("folders/packs", str(tmp_path / "pakker"))
    page = window.meetings_page
    window.tabs.setCurrentWidget(page)
    rows = [page.meeting_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.meeting_list.count())]
    page.meeting_list.setCurrentRow(rows.index(MEETING))
    with qtbot.waitSignal(page.pack.pack_written, timeout=WAIT_MS):
        qtbot.mouseClick(page.pack.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT_MS)
    assert window.present_action.shortcut().toString() == "F5"
    window.present_action.trigger()
    qtbot.waitUntil(lambda: window.presentation is not None and window.presentation.isVisible()
                    and not window.presentation.waiting_topics() and not window.runner.busy, timeout=WAIT_MS)
    assert audits == [] and not window.presentation.notice.isVisible()
    window.presentation.close()
