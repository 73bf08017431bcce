"""The printed pack's own anonymised tables, kept for the slides while nothing they rest on has changed."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from typing import Any, Literal

from klyngedesk.core.anonymise.leak import check_no_leak
from klyngedesk.core.anonymise.types import (
    AnonymisedComposition,
    AnonymisedIndicator,
    AnonymisedRow,
    AnonymisedTable,
    RoundValues,
)
from klyngedesk.core.collate.table import Change, Funnel, Reference, Target
from klyngedesk.core.formatting import format_date_time
from klyngedesk.core.settings import SETTINGS, resolve
from klyngedesk.core.store import Project
from klyngedesk.core.store.printed_store import INPUT_QUERIES
from klyngedesk.i18n import KlyngeError, current_language, tr

log = logging.getLogger(__name__)
# Every input the tables rest on, in the order a changed one is named: the file's (store/printed_store.py), then
# what lives outside it (the settings as they resolve with the user's defaults, the language, the program).
INPUTS = (*INPUT_QUERIES, "other", "settings", "language", "version")
Shown = Literal["slides", "table"]   # what is audited again instead of the print's tables

_REASONS = {
    "values": "values were imported, corrected or undone",
    "clinics": "clinics or list sizes were changed",
    "rounds": "the data rounds were changed",
    "topics": "the topics or their indicators were changed",
    "meeting": "the meeting's round or topics were changed",
    "codes": "the code letters were drawn again",
    "consents": "consents were changed",
    "cluster": "the project's settings were changed",
    "notes": "notes on the values were changed",
    "earlier_prints": "another pack was printed",
    "other": "other parts of the project were changed",
    "settings": "the settings (threshold or list sizes) were changed",
    "language": "the pack was printed in another language",
    "version": "the pack was printed by another version of KlyngeDesk",
    "record": "the record of the print could not be read",
}
# The only types a stored table is made of: a stored text can name nothing else (never pickle: a project file
# may come from anyone).
_TYPES: dict[str, type] = {t.__name__: t for t in (AnonymisedTable, AnonymisedIndicator, AnonymisedRow,
                                                   AnonymisedComposition, RoundValues, Change, Funnel, Reference,
                                                   Target)}


@dataclass(frozen=True)
class PrintedState:
    """The meeting's last print against the project as it is now: `changed` names the inputs that moved since
    (in INPUTS' order); the printed tables hold when it was printed and nothing changed."""

    printed_at: str | None
    topics: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def current(self) -> bool:
        return self.printed_at is not None and not self.changed


def input_digests(project: Project, meeting: str, lang: str) -> dict[str, str]:
    """A digest of every input of the meeting's tables (INPUTS) as the project and this program are now."""
    from klyngedesk import version

    settings = json.dumps({key: resolve(s, project) for key, s in sorted(SETTINGS.items())})
    return {**project.printed_data.input_digests(meeting), "settings": _sha(settings), "language": lang,
            "version": version()}


def record_print(project: Project, meeting: str, lang: str, tables: Sequence[AnonymisedTable]) -> None:
    """Keep the pack's tables (one per topic, the pack's order) with the digests of what they rest on; called
    when the pack is printed, after its codes are frozen and what it showed is recorded (same transaction)."""
    texts = [(t.topic, json.dumps(_encode(t), separators=(",", ":"))) for t in tables]
    inputs = input_digests(project, meeting, lang)
    inputs.update((f"table {i}", _sha(text)) for i, (_, text) in enumerate(texts))
    project.printed_data.save_printed(meeting, lang, inputs, texts)


def printed_state(project: Project, meeting: str, lang: str) -> PrintedState:
    """Whether the meeting's last print still holds for slides in `lang`, and if not, what changed."""
    try:
        kept = project.printed_data.printed(meeting)
        if kept is not None and not (isinstance(kept["printed_at"], str) and isinstance(kept["inputs"], dict)
                                     and all(isinstance(t, str) for t in kept["topics"])):
            raise ValueError("not a record of a print")
    except (ValueError, TypeError, sqlite3.DatabaseError) as error:   # a damaged or hostile file: audit again
        log.warning("the record of the print of %s cannot be read: %s", meeting, error)
        return PrintedState("", changed=("record",))
    if kept is None:
        return PrintedState(None)
    now = input_digests(project, meeting, lang)
    changed = tuple(name for name in INPUTS if kept["inputs"].get(name) != now[name])
    return PrintedState(kept["printed_at"], tuple(kept["topics"]), changed)


def printed_table(project: Project, meeting: str, position: int) -> AnonymisedTable:
    """The print's `position`-th topic table, exactly as printed; refused (KlyngeError) when it is not what was
    recorded at the print, not a table of this meeting's, or names a clinic the group may not see."""
    kept = project.printed_data.printed(meeting)
    try:
        if kept is None:
            raise KeyError(meeting)
        text = project.printed_data.printed_table(meeting, position)
        if kept["inputs"].get(f"table {position}") != _sha(text):
            raise ValueError("the stored table is not the one recorded")
        table = json.loads(text, object_hook=_decode)
        if not isinstance(table, AnonymisedTable) or table.meeting != meeting or \
                table.topic != kept["topics"][position]:
            raise ValueError("not this meeting's table")
    except (KeyError, IndexError, TypeError, ValueError, RecursionError, sqlite3.DatabaseError) as error:
        log.warning("the printed tables of %s cannot be used: %s", meeting, error)
        raise KlyngeError("The printed pack's tables could not be read; the slides are audited again.") from None
    check_no_leak(_strings(table), project, meeting)   # every text it holds, also those texts() leaves out
    return table


def _strings(x: Any) -> list[str]:
    """Every string anywhere in a decoded table (a hostile file may hide a name in any field the slides show,
    e.g. the word for a hidden count)."""
    out: list[str] = []
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, tuple | list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item))
    return list(dict.fromkeys(out))   # each once: a code stands in every round of every indicator


def printed_or_why(project: Project, meeting: str, lang: str, positions: Sequence[int] | None = None,
                   shown: Shown = "slides") -> tuple[list[AnonymisedTable] | None, str]:
    """The print's tables of the topics at `positions` (None: every topic) while the print still holds for slides
    in `lang`; else None and why not in words, naming no clinic (empty: never printed). `shown` is what the
    caller shows instead, audited again: the slides (the presentation) or the table (the CLI's collate)."""
    state = printed_state(project, meeting, lang)
    if not state.current:
        return None, stale_reason(state, lang, shown)
    try:
        return [printed_table(project, meeting, i)
                for i in (range(len(state.topics)) if positions is None else positions)], ""
    except KlyngeError:   # (in fixed words: the error itself may name what a tampered file held)
        if shown == "table":
            return None, tr("The printed pack's tables could not be read; the table is audited now.", lang)
        return None, tr("The printed pack's tables could not be read; the slides are audited again.", lang)


def stale_reason(state: PrintedState, lang: str | None = None, shown: Shown = "slides") -> str:
    """Why the slides (or the CLI's table, `shown`) are audited again although the meeting's pack was printed
    (empty: not printed, or current)."""
    if state.printed_at is None or not state.changed:
        return ""
    reasons = "; ".join(tr(_REASONS[name], lang) for name in state.changed)
    if shown == "table":   # the CLI makes no slides: it says what it prints
        if not state.printed_at:
            return tr("The pack was printed, but {reasons}. The table is audited now, so it may differ from the "
                      "printed pack.", lang, reasons=reasons)
        return tr("Changed since the pack was printed ({when}): {reasons}. The table is audited now, so it may "
                  "differ from the printed pack.", lang,
                  when=format_date_time(state.printed_at, lang or current_language()), reasons=reasons)
    if not state.printed_at:
        return tr("The pack was printed, but {reasons}. The slides are audited again, so they may differ from the "
                  "printed pack.", lang, reasons=reasons)
    return tr("Changed since the pack was printed ({when}): {reasons}. The slides are audited again, so they may "
              "differ from the printed pack.", lang, when=format_date_time(state.printed_at, lang or current_language()),
              reasons=reasons)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _encode(x: Any) -> Any:
    """A table as JSON values: each dataclass tagged with its type's name, tuples and dicts kept apart."""
    if is_dataclass(x) and not isinstance(x, type):
        name = type(x).__name__
        if _TYPES.get(name) is not type(x):
            raise TypeError(f"not a table's part: {name}")
        return {"@": name, **{f.name: _encode(getattr(x, f.name)) for f in fields(x)}}
    if isinstance(x, tuple):
        return {"@": "tuple", "items": [_encode(v) for v in x]}
    if isinstance(x, list):
        return [_encode(v) for v in x]
    if isinstance(x, dict):
        return {"@": "dict", "items": [[_encode(k), _encode(v)] for k, v in x.items()]}
    if x is None or isinstance(x, bool | int | float | str):
        return float(x) if isinstance(x, float) else x  # a numpy float is a float: stored as Python's
    if hasattr(x, "item"):   # a numpy number or bool
        return _encode(x.item())
    raise TypeError(f"not a table's part: {type(x).__name__}")


def _decode(obj: dict) -> Any:
    """One JSON object of a stored table as what it stands for (json's object_hook: its parts are decoded
    already), each table part checked against its type's fields; anything else is refused (TypeError,
    ValueError)."""
    tag = obj.get("@")
    if tag == "tuple":
        if not isinstance(obj["items"], list):
            raise TypeError("a tuple's items are not a list")
        return tuple(obj["items"])
    if tag == "dict":
        return {key: value for key, value in obj["items"]}
    cls = _TYPES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise ValueError(f"unknown part {tag!r}")
    made = cls(**{k: v for k, v in obj.items() if k != "@"})
    for name, fits in _checks(cls):
        if not fits(getattr(made, name)):
            raise TypeError(f"{tag}.{name} is not of its type")
    return made


@cache
def _checks(cls: type) -> tuple[tuple[str, Callable[[Any], bool]], ...]:
    return tuple((name, _check(hint)) for name, hint in typing.get_type_hints(cls).items())


@cache
def _check(hint: Any) -> Callable[[Any], bool]:
    """Whether a decoded value is of a field's declared type (unions, tuples, dicts, literals, dataclasses),
    made once per type."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return lambda v: True
    if origin in (types.UnionType, typing.Union):
        parts = tuple(_check(a) for a in args)
        return lambda v: any(fits(v) for fits in parts)
    if origin is typing.Literal:
        return lambda v: v in args
    if hint is type(None):
        return lambda v: v is None
    if hint is float:
        return lambda v: type(v) in (int, float)
    if hint in (int, str, bool):
        return lambda v: type(v) is hint
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _check(args[0])
            return lambda v: type(v) is tuple and all(item(x) for x in v)
        items = tuple(_check(a) for a in args)
        return lambda v: type(v) is tuple and len(v) == len(items) and all(f(x) for f, x in zip(items, v, strict=True))
    if hint is dict or origin is dict:
        key, value = (_check(a) for a in (args or (Any, Any)))
        return lambda v: type(v) is dict and all(key(k) and value(x) for k, x in v.items())
    if isinstance(hint, type) and is_dataclass(hint):
        return lambda v: type(v) is hint
    return lambda v: False
