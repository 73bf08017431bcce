"""The printed pack's own tables kept for the slides: exactly what was printed, and never once anything they rest
on moved (values, clinics, codes, consents, settings, earlier prints, language, program), nor for another meeting,
nor from a file whose stored tables were tampered with."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from klyngedesk.core.anonymise import IdentityLeak, draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.anonymise.printed_tables import (
    INPUTS,
    _encode,
    printed_state,
    printed_table,
    stale_reason,
)
from klyngedesk.core.model import ReferenceValue
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError

MEETING = "2026-12"


@pytest.fixture(scope="module")
def _printed_master(_small_demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo with its December meeting printed (core call, as the window's Print does)."""
    path = tmp_path_factory.mktemp("printed") / "Trykt.klynge"
    shutil.copy(_small_demo_master, path)
    with Project.open(path) as project:
        draw_codes(project, MEETING)   # (as the pack would: it prints with these)
        audited = [t for t, _d, _b in anonymised_meeting(project, MEETING, lang="da")]   # what the pack prints
        path.with_suffix(".expected.json").write_text(json.dumps([_encode(t) for t in audited], sort_keys=True))
        build_pack(project, MEETING, path.parent / "pakker")
    return path


@pytest.fixture
def printed(_printed_master: Path, tmp_path: Path):
    target = tmp_path / "Trykt.klynge"
    shutil.copy(_printed_master, target)
    with Project.open(target) as project:
        yield project


def _printed_master_expected(project: Project) -> Path:
    return next(project.path.parent.parent.glob("printed*/Trykt.expected.json"))


def _same(a, b) -> bool:
    return json.dumps(_encode(a), sort_keys=True) == json.dumps(_encode(b), sort_keys=True)


def test_after_a_print_the_slides_get_the_printed_tables_exactly(printed: Project) -> None:
    state = printed_state(printed, MEETING, "da")
    assert state.current and state.topics == tuple(printed.meeting(MEETING).topics), state
    expected = json.loads(_printed_master_expected(printed).read_text())   # the pack's audit, before it printed
    assert len(expected) == len(state.topics)
    for i, table in enumerate(expected):
        assert json.dumps(_encode(printed_table(printed, MEETING, i)), sort_keys=True) == json.dumps(table,
                                                                                                    sort_keys=True)
    assert stale_reason(state, "da") == ""


def test_a_meeting_never_printed_has_no_printed_tables(printed: Project) -> None:
    other = "2026-03"
    assert printed.draw(other) is not None  # codes drawn, but its pack was never printed here
    state = printed_state(printed, other, "da")
    assert state.printed_at is None and not state.current
    with pytest.raises(KlyngeError):
        printed_table(printed, other, 0)


def _value(p: Project) -> None:
    frame = p.values(topic="kol")
    row = frame[(frame.period == p.meeting(MEETING).period) & (frame.value > 0)].iloc[0]
    p.correct_value(row.clinic, row.measure, row.period, row.value + 1, "rettet efter mødet")


def _undo_an_import(p: Project) -> None:
    p.undo_batch(p.batches()[-1].id)


def _list_size(p: Project) -> None:
    period = p.meeting(MEETING).period
    clinic = p.clinics()[0].key
    sizes = p.list_sizes(period)
    p.set_list_sizes([(clinic, period, int(sizes[sizes.clinic == clinic].patients.iloc[0]) + 37)])


def _clinic_name(p: Project) -> None:
    clinic = p.clinics()[0]
    p.update_clinic(dataclasses.replace(clinic, name=clinic.name + " Syd"))


def _consent(p: Project) -> None:
    clinic = next(c.key for c in p.clinics() if c.key not in p.consents(MEETING))
    p.set_consent(MEETING, clinic, True, "gav sig til kende")


def _codes(p: Project) -> None:  # (the app never redraws a frozen draw; a file changed elsewhere may)
    with p.transaction() as c:
        c.execute("UPDATE codes SET code = code || 'x' WHERE draw_id = (SELECT max(d.id) FROM code_draws d JOIN "
                  "meetings m ON m.id = d.meeting_id WHERE m.key = ?)", (MEETING,))


def _threshold(p: Project) -> None:
    p.set_setting("threshold", 7)


def _user_default(p: Project) -> None:
    from klyngedesk.core.settings import OVERDISPERSION, UserDefaults, resolve

    assert p.setting(OVERDISPERSION.key) is None  # the project leaves it to the user's default
    UserDefaults().set(OVERDISPERSION, not resolve(OVERDISPERSION, p))


def _reference(p: Project) -> None:
    indicator = p.topic("kol").indicators[0].key
    p.add_reference(ReferenceValue(indicator, "region", 12.5, "Regionen 2026", p.meeting(MEETING).period))


def _meeting_round(p: Project) -> None:
    p.save_meeting(dataclasses.replace(p.meeting(MEETING), baseline_period=None))


def _note(p: Project) -> None:
    frame = p.values(topic="kol")
    row = frame[frame.period == p.meeting(MEETING).period].iloc[0]
    p.add_note("Tallet er skønnet", clinic=row.clinic, measure=row.measure, period=row.period)


def _new_table(p: Project) -> None:  # a table a later program version reads, written by that version
    with p.transaction() as c:
        c.execute("CREATE TABLE weights (clinic_id INTEGER, weight REAL)")
        c.execute("INSERT INTO weights VALUES (1, 0.5)")


def _another_print(p: Project) -> None:
    build_pack(p, "2026-03", p.path.parent / "marts")


MUTATIONS: dict[str, tuple[Callable[[Project], None], str]] = {
    "a corrected value": (_value, "values"),
    "an import undone": (_undo_an_import, "values"),
    "a list size": (_list_size, "clinics"),
    "a clinic renamed": (_clinic_name, "clinics"),
    "a consent given": (_consent, "consents"),
    "codes changed in the file": (_codes, "codes"),
    "the project's threshold": (_threshold, "cluster"),
    "the user's default overdispersion setting": (_user_default, "settings"),
    "a regional reference": (_reference, "topics"),
    "the meeting's baseline": (_meeting_round, "meeting"),
    "another meeting printed": (_another_print, "earlier_prints"),
    "a note on a value": (_note, "notes"),
    "a table of a later schema": (_new_table, "other"),
}


def test_what_the_tables_never_read_keeps_them_current(printed: Project) -> None:
    printed.audit("opened", by="test")   # the log
    clinic = printed.clinics()[0].key
    printed.add_action(clinic, "Gennemgå KOL-patienter", meeting=MEETING)   # a clinic's own plan
    assert printed_state(printed, MEETING, "da").current


@pytest.mark.parametrize("change", list(MUTATIONS))
def test_any_change_since_the_print_is_named_and_the_tables_are_not_current(printed: Project, change: str) -> None:
    mutate, named = MUTATIONS[change]
    try:
        mutate(printed)
    except KlyngeError as refused:  # the program itself refuses the change: nothing moved, still current
        assert printed_state(printed, MEETING, "da").current, refused
        return
    state = printed_state(printed, MEETING, "da")
    assert not state.current and named in state.changed, (change, state)
    reason = stale_reason(state, "da")
    assert "Ændret siden mødematerialet blev udskrevet" in reason and "kontrolleres" in reason, reason


def test_another_language_or_program_version_is_not_the_printed_pack(printed: Project, monkeypatch) -> None:
    assert printed_state(printed, MEETING, "en").changed == ("language",)
    import klyngedesk

    monkeypatch.setattr(klyngedesk, "version", lambda: "99.0")
    assert "version" in printed_state(printed, MEETING, "da").changed


def test_every_input_is_checked(printed: Project) -> None:
    kept = printed.printed_data.printed(MEETING)
    assert set(INPUTS) <= set(kept["inputs"])


def test_a_copy_of_the_project_changed_elsewhere_is_not_current(printed: Project, tmp_path: Path) -> None:
    copy = tmp_path / "kopi.klynge"
    printed.backup(copy)
    with Project.open(copy) as other:
        assert printed_state(other, MEETING, "da").current   # the same file's content: the same tables
        _value(other)
        assert "values" in printed_state(other, MEETING, "da").changed
    assert printed_state(printed, MEETING, "da").current


def _tamper(project: Project, edit: Callable[[dict], None], *, digest_too: bool) -> None:
    """Change the stored table of the first topic as a hostile file would (outside the program)."""
    import hashlib

    conn = sqlite3.connect(project.path)
    try:
        (text,) = conn.execute("SELECT table_json FROM printed_tables WHERE position = 0").fetchone()
        table = json.loads(text)
        edit(table)
        text = json.dumps(table)
        conn.execute("UPDATE printed_tables SET table_json = ? WHERE position = 0", (text,))
        if digest_too:
            (inputs,) = conn.execute("SELECT inputs_json FROM printed_slides").fetchone()
            inputs = {**json.loads(inputs), "table 0": hashlib.sha256(text.encode()).hexdigest()}
            conn.execute("UPDATE printed_slides SET inputs_json = ?", (json.dumps(inputs),))
        conn.commit()
    finally:
        conn.close()


def _first_row(table: dict) -> dict:
    return table["indicators"]["items"][0]["rows"]["items"][0]


def test_a_tampered_table_is_refused_not_shown(printed: Project) -> None:
    _tamper(printed, lambda t: _first_row(t).update(value=123456.0), digest_too=False)
    with pytest.raises(KlyngeError):
        printed_table(printed, MEETING, 0)


@pytest.mark.parametrize("where", ["row name", "hidden word", "quality mark", "trend code"])
def test_a_stored_name_the_group_may_not_see_is_refused_even_with_its_digest(printed: Project, where: str) -> None:
    hidden = next(c for c in printed.clinics() if c.key not in printed.consents(MEETING))

    def put(t: dict) -> None:
        if where == "row name":
            _first_row(t).update(name=hidden.name)
        elif where == "hidden word":   # printed on every bar hidden to protect another
            t.update(hidden_text=hidden.name)
        elif where == "quality mark":
            _first_row(t).update(quality={"@": "tuple", "items": [f"data fra {hidden.name}"]})
        else:
            indicator = t["indicators"]["items"][0]
            indicator["trend"] = {"@": "tuple", "items": [{"@": "RoundValues", "period": "2026H1", "label": "H1",
                                  "values": {"@": "tuple", "items": [{"@": "tuple", "items": [hidden.yder, 1.0]}]}}]}

    _tamper(printed, put, digest_too=True)
    with pytest.raises(IdentityLeak):
        printed_table(printed, MEETING, 0)


@pytest.mark.parametrize("edit", [
    lambda t: t.update({"@": "Popen"}),                      # no other type can be named
    lambda t: _first_row(t).update({"@": "ClinicRow"}),      # not even the identified table's
    lambda t: t.update(meeting="2026-03"),                   # another meeting's table
    lambda t: t.update(indicators=[[[[[]]]]]),                # not a table's shape
    lambda t: _first_row(t).update(value="123456"),          # a text where a number belongs
    lambda t: _first_row(t).update(rank=True),               # a truth value where a rank belongs
    lambda t: _first_row(t).update(quality={"@": "tuple", "items": {"a": 1}}),
    lambda t: t.update(unknown_field=1),                     # a field no table has
    lambda t: t.update({"@": "dict", "items": [[[1], 2]]}),  # a key that cannot be one
])
def test_a_stored_table_of_the_wrong_kind_is_refused(printed: Project, edit) -> None:
    _tamper(printed, edit, digest_too=True)
    with pytest.raises(KlyngeError):
        printed_table(printed, MEETING, 0)


def test_a_reprint_replaces_the_tables_and_holds_again(printed: Project, tmp_path: Path) -> None:
    build_pack(printed, MEETING, tmp_path / "samme")   # the same print again: still the printed tables
    assert printed_state(printed, MEETING, "da").current
    _value(printed)
    assert not printed_state(printed, MEETING, "da").current
    table = anonymised_meeting(printed, MEETING, lang="da")[0][0]   # what the reprint's audit gives
    build_pack(printed, MEETING, tmp_path / "igen")
    assert printed_state(printed, MEETING, "da").current
    assert _same(printed_table(printed, MEETING, 0), table)


@pytest.mark.parametrize("sql", [
    "UPDATE printed_slides SET inputs_json = 'not json'",
    "UPDATE printed_slides SET inputs_json = '[1, 2]'",
    "UPDATE printed_slides SET printed_at = x'0102'",
    "DROP TABLE printed_tables",
])
def test_a_damaged_record_of_the_print_means_audit_again_never_a_crash(printed: Project, sql: str) -> None:
    conn = sqlite3.connect(printed.path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    state = printed_state(printed, MEETING, "da")
    assert not state.current
    assert "registreringen af udskrivningen kunne ikke læses" in stale_reason(state, "da")
    from klyngedesk.gui.presentation import printed_slides

    assert printed_slides(printed, MEETING, "da") == (None, stale_reason(state, "da"))
