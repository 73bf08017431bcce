"""The one translation mechanism: English message ids, Danish (default) and English text."""

from __future__ import annotations

import json
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


@cache
def catalog(lang: str) -> dict[str, str]:
    """The message catalog for a language: English message id -> translated text.

    Each area of the program keeps its own file in resources/i18n/<lang>/; they are merged here.
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
    return text.format(**params) if params else text


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
