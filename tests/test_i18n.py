"""One translation mechanism: every message id used in the code has a Danish text."""

from __future__ import annotations

import ast
from pathlib import Path

from klyngedesk.core.formatting import format_date, format_number, format_percent
from klyngedesk.i18n import CONTEXT_SEPARATOR, KlyngeError, catalog, ntr, tr, trc

PACKAGE = Path(__file__).resolve().parent.parent / "klyngedesk"
_CALLS = {"tr", "say", "KlyngeError"}


def _message_ids() -> dict[str, str]:
    """Literal first arguments of tr(...), say(...) and KlyngeError-like constructors."""
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            literal = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if name == "trc" and len(literal) == 2:
                found[f"{literal[0]}{CONTEXT_SEPARATOR}{literal[1]}"] = where
            elif name == "ntr" and literal:
                found[literal[0]] = where
            elif (name in _CALLS or name.endswith(("Error", "Locked", "TooNew", "Unreadable", "Refused"))) and \
                    isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found[node.args[0].value] = where
    return found


def test_every_message_has_a_danish_translation() -> None:
    danish = catalog("da")
    missing = {msgid: where for msgid, where in _message_ids().items() if msgid not in danish}
    assert not missing, "Add these to a file in resources/i18n/da/:\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


def test_translations_keep_their_placeholders() -> None:
    import string

    danish = catalog("da")
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    wrong = [k for k, v in danish.items()
             if any(fields(k.split(CONTEXT_SEPARATOR)[-1]) != fields(form)
                    for form in (v.values() if isinstance(v, dict) else [v]))]
    assert not wrong, wrong


def test_errors_translate_when_shown() -> None:
    error = KlyngeError("Unknown clinic {key}.", key="K99")
    assert error.message("en") == "Unknown clinic K99."
    assert error.message("da") == tr("Unknown clinic {key}.", "da", key="K99") != error.message("en")


def test_danish_numbers_and_dates() -> None:
    from datetime import date

    assert format_number(1234567.891, 1) == "1.234.567,9"
    assert format_number(1234567.891, 1, "en") == "1,234,567.9"
    assert format_number(-3.5, 1) == "−3,5"
    assert format_number(None) == "–" and format_number(float("nan")) == "–"
    assert format_percent(12.5) == "12,5 %" and format_percent(12.5, lang="en") == "12.5%"
    assert format_date(date(2026, 3, 12)) == "12. marts 2026"
    assert format_date(date(2026, 3, 12), "en") == "12 March 2026"


def test_import_history_labels_have_danish_text() -> None:
    from klyngedesk.gui.import_history_page import _LAYOUT_LABELS, _SOURCE_LABELS

    danish = catalog("da")
    assert [label for label in (*_LAYOUT_LABELS.values(), *_SOURCE_LABELS.values()) if label not in danish] == []


def test_plural_entries_have_both_forms_and_ntr_chooses_by_count() -> None:
    plurals = {k: v for k, v in catalog("da").items() if isinstance(v, dict)}
    assert plurals and all(set(v) == {"one", "other"} for v in plurals.values())
    assert ntr("Reading {n} file…", "Reading {n} files…", 1, "da") == "Læser 1 fil…"
    assert ntr("Reading {n} file…", "Reading {n} files…", 3, "da") == "Læser 3 filer…"
    assert ntr("Reading {n} file…", "Reading {n} files…", 0, "da") == "Læser 0 filer…"
    assert ntr("Reading {n} file…", "Reading {n} files…", 1, "en") == "Reading 1 file…"
    assert ntr("Reading {n} file…", "Reading {n} files…", 2, "en") == "Reading 2 files…"


def test_context_picks_the_entry_for_that_place(monkeypatch) -> None:
    entries = {**catalog("da"), f"column{CONTEXT_SEPARATOR}Import": "Indlæsning", "Import": "Importér"}
    monkeypatch.setattr("klyngedesk.i18n.catalog", lambda lang: entries if lang == "da" else {})
    assert trc("column", "Import", "da") == "Indlæsning" and tr("Import", "da") == "Importér"
    assert trc("button", "Import", "da") == "Import"  # no entry in that context: the English text


def test_argparse_speaks_danish_without_patching_it(capsys) -> None:
    import argparse
    import gettext

    from klyngedesk.cli.main import main

    assert argparse._ is gettext.gettext  # argparse itself is left as it is
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("brug: klyngedesk") and "vis denne hjælp og afslut" in out
    assert "vis programmets versionsnummer og afslut" in out and "usage" not in out and "options" not in out
    assert main(["pack"]) == 2
    err = capsys.readouterr().err
    assert "fejl: disse argumenter skal angives: project, --meeting, --out" in err
    assert main(["pack", "x.klynge", "--meeting"]) == 2
    assert "argumentet --meeting: forventede ét argument" in capsys.readouterr().err
    assert main(["--lang", "en", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: klyngedesk")
