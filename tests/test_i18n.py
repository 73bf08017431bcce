"""One translation mechanism: every message id used in the code has a Danish text."""

from __future__ import annotations

import ast
from pathlib import Path

from klyngedesk.core.formatting import format_date, format_number, format_percent
from klyngedesk.i18n import KlyngeError, catalog, tr

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
            if (name in _CALLS or name.endswith(("Error", "Locked", "TooNew", "Unreadable", "Refused"))) and \
                    isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found[node.args[0].value] = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
    return found


def test_every_message_has_a_danish_translation() -> None:
    danish = catalog("da")
    missing = {msgid: where for msgid, where in _message_ids().items() if msgid not in danish}
    assert not missing, "Add these to a file in resources/i18n/da/:\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


def test_translations_keep_their_placeholders() -> None:
    import string

    danish = catalog("da")
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    wrong = [k for k, v in danish.items() if fields(k) != fields(v)]
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
