"""Making many small records fast: frozen dataclasses without their per-field __setattr__, and the cyclic
garbage collector paused while a bulk step makes hundreds of thousands of acyclic objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")
_FIELD_NAMES: dict[type, frozenset[str]] = {}


def record(cls: type[R], values: dict[str, Any]) -> R:
    """`cls(**values)` for a frozen dataclass given every field, without the per-field `object.__setattr__`
    of its generated `__init__` (4 µs a row; a national collation makes 250,000 rows and their changes).
    Anything else (a field left to its default, an unknown name) goes through `cls(**values)` itself."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
    if values.keys() != names:
        return cls(**values)
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk step (reference counting still frees everything that
    is not in a cycle). Each time a few hundred objects are made the collector would otherwise walk the
    young ones, and now and then all of them: a third of a national collation's time. It runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
