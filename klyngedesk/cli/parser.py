"""argparse in the user's language through the public API: a parser subclass, not a patched `argparse._`."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import Any, NoReturn, cast

from klyngedesk.i18n import catalog, current_language, tr

# argparse's own message templates (English, as argparse builds them); Danish in resources/i18n/da/argparse.json.
ARGPARSE_MESSAGES = (
    "ambiguous option: %(option)s could match %(matches)s",
    "argument %(argument_name)s: %(message)s",
    "can't open '%(filename)s': %(error)s",
    "expected %s argument",
    "expected %s arguments",
    "expected at least one argument",
    "expected at most one argument",
    "expected one argument",
    "ignored explicit argument %r",
    "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "not allowed with argument %s",
    "one of the arguments %s is required",
    "the following arguments are required: %s",
    "unrecognized arguments: %s",
)
_FIELD = re.compile(r"%\((\w+)\)[sr]|%[sr]")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]:
    out = []
    for template in sorted(ARGPARSE_MESSAGES, key=lambda t: len(_FIELD.findall(t))):  # exact texts first
        names: list[str] = []
        regex, last = "", 0
        for m in _FIELD.finditer(template):
            regex += re.escape(template[last:m.start()])
            names.append(m.group(1) or f"_{len(names)}")
            regex += f"(?P<{names[-1]}>.*?)"
            last = m.end()
        regex += re.escape(template[last:])
        out.append((re.compile(f"^{regex}$", re.S), template, tuple(names)))
    return tuple(out)


def translate_message(message: str, lang: str | None = None) -> str:
    """argparse's English error text in the current language (nested 'argument X: ...' texts too)."""
    lang = lang or current_language()
    danish = catalog(lang)
    for pattern, template, names in _patterns():
        m = pattern.match(message)
        if m is None or template not in danish:
            continue
        values = {n: m.group(n) for n in names}
        if "message" in values:
            values["message"] = translate_message(values["message"], lang)
        text = danish[template]
        for name in names:  # named fields by name, positional %s/%r one after another
            if name.startswith("_"):
                first = _FIELD.search(text)
                if first is not None:
                    text = text[:first.start()] + values[name] + text[first.end():]
            else:
                text = text.replace(f"%({name})s", values[name]).replace(f"%({name})r", values[name])
        return text
    return message


class _LazyVersion(argparse._VersionAction):
    """argparse's --version with the text asked for from a function when the option is given."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        self.version = self.version() if callable(self.version) else self.version
        super().__call__(parser, namespace, values, option_string)


class KlyngeParser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, usage line, help/version texts and errors are translated.

    Sub-parsers are of the same class (argparse's default `parser_class`), so every command is covered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # our own -h with a translated help text instead
        super().__init__(*args, **kwargs)
        for group in self._action_groups:  # argparse's two default groups
            if group.title in ("positional arguments", "options"):
                group.title = tr(group.title)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=tr("show this help message and exit"))

    def add_version(self, version: Callable[[], str]) -> None:
        """--version, its text made only when asked for (the version lookup is not paid by every command)."""
        self.add_argument("--version", action=_LazyVersion, version=cast(Any, version),
                          help=tr("show program's version number and exit"))

    def format_usage(self) -> str:
        return _with_prefix(super().format_usage())

    def format_help(self) -> str:
        return _with_prefix(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, tr("%(prog)s: error: %(message)s\n").replace("%(prog)s", self.prog)
                  .replace("%(message)s", translate_message(message)))


def _with_prefix(text: str) -> str:
    """argparse starts usage with the English 'usage: '; the translated prefix replaces it."""
    return tr("usage: ") + text[len("usage: "):] if text.startswith("usage: ") else text
