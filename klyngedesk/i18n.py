"""The one translation mechanism: English message ids, Danish (default) and English text."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from klyngedesk.resources import resource_path

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
_current = {"lang": DEFAULT_LANGUAGE}


def set_language(lang: str) -> None:
    """Choose the language used when no explicit language is passed (CLI flag or GUI setting)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {LANGUAGES}")
    _current["lang"] = lang


def current_language() -> str:
    return _current["lang"]


CONTEXT_SEPARATOR = "\x04"  # gettext's: a catalog key "context\x04text" is the text in that context


@cache
def catalog(lang: str) -> dict[str, Any]:
    """The message catalog for a language: English message id -> translated text.

    Each area of the program keeps its own file in resources/i18n/<lang>/; they are merged here. A value is
    a string, or for a plural message an object {"one": ..., "other": ...} under the singular's id.
    """
    if lang == "en":
        return {}
    merged: dict[str, str] = {}
    for path in sorted(resource_path("i18n", lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def tr(msgid: str, lang: str | None = None, /, **params: Any) -> str:
    """Translate an English message id and fill in its {named} parameters.

    A missing Danish entry falls back to the English text (a test keeps the catalog complete).
    """
    text = catalog(lang or _current["lang"]).get(msgid, msgid)
    if not isinstance(text, str):  # a plural entry asked for without a count: the singular's text
        text = text.get("one", msgid)
    return _fill(text, params)


def ntr(singular: str, plural: str, n: int, lang: str | None = None, /, **params: Any) -> str:
    """A message that depends on a count: "Reading 1 file…" / "Reading 3 files…", `{n}` filled in.

    Danish, like English, has one form for 1 and one for every other number (0 included)."""
    entry = catalog(lang or _current["lang"]).get(singular)
    form = "one" if n == 1 else "other"
    if isinstance(entry, dict) and form in entry:
        text = entry[form]
    else:
        text = singular if n == 1 else plural
    return _fill(text, {"n": n, **params})


def trc(context: str, msgid: str, lang: str | None = None, /, **params: Any) -> str:
    """A short text whose translation depends on where it stands ("Import" the button vs. the noun)."""
    text = catalog(lang or _current["lang"]).get(f"{context}{CONTEXT_SEPARATOR}{msgid}", msgid)
    return _fill(text if isinstance(text, str) else msgid, params)


def _fill(text: str, params: dict[str, Any]) -> str:
    return text.format(**{k: _one_line(k, v) for k, v in params.items()}) if params else text


_FILE_PARAMS = frozenset({"path", "file", "folder", "name", "lock", "target", "out", "other"})


def _one_line(key: str, value: Any) -> Any:
    if isinstance(value, os.PathLike):
        value = os.fsdecode(value)
    return one_line(value) if key in _FILE_PARAMS and isinstance(value, str) else value


def one_line(text: str) -> str:
    """A file name inside a sentence: a newline or tab in it, or a byte that is not UTF-8, is written as an
    escape, so the name cannot split the message or make printing it fail."""
    if text.isprintable() and text.isascii():
        return text
    out = []
    for ch in text:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that is not UTF-8, kept by Python's surrogateescape
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


class KlyngeError(Exception):
    """An error meant for the user: a message id plus parameters, translated when shown."""

    def __init__(self, msgid: str, /, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return tr(self.msgid, lang, **self.params)

    def __str__(self) -> str:
        return self.message()
