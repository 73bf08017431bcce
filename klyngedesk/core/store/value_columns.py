"""Many values to store as columns (one list per field of NewValue), read as NewValues only when asked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import TypeVar, overload

from klyngedesk.core.model import NewValue
from klyngedesk.core.records import record

T = TypeVar("T")
FIELDS = tuple(f.name for f in fields(NewValue))


@dataclass
class ValueColumns(Sequence[NewValue]):
    """The values of one file, field by field: a region's 100,000 values are checked and stored from whole
    columns, never as one object each. Indexing and iterating give NewValues (equal to the ones a per-value
    reader makes), so code that wants objects keeps working."""

    clinic: list[str] = field(default_factory=list)
    measure: list[str] = field(default_factory=list)
    period: list[str] = field(default_factory=list)
    value: list[float | None] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    source_text: list[str | None] = field(default_factory=list)
    sheet: list[str | None] = field(default_factory=list)
    row: list[int | None] = field(default_factory=list)
    col: list[str | None] = field(default_factory=list)

    @classmethod
    def of(cls, values: Iterable[NewValue]) -> ValueColumns:
        """Columns from NewValues (or the same columns back)."""
        if isinstance(values, ValueColumns):
            return values
        items = list(values)
        return cls(*([getattr(v, name) for v in items] for name in FIELDS))

    def columns(self) -> tuple[list, ...]:
        return tuple(getattr(self, name) for name in FIELDS)

    def __len__(self) -> int:
        return len(self.clinic)

    @overload
    def __getitem__(self, i: int) -> NewValue: ...

    @overload
    def __getitem__(self, i: slice) -> ValueColumns: ...

    def __getitem__(self, i: int | slice) -> NewValue | ValueColumns:
        if isinstance(i, slice):
            return ValueColumns(*(c[i] for c in self.columns()))
        return record(NewValue, dict(zip(FIELDS, (c[i] for c in self.columns()), strict=True)))

    def __iter__(self) -> Iterator[NewValue]:
        for cells in zip(*self.columns(), strict=True):
            yield record(NewValue, dict(zip(FIELDS, cells, strict=True)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ValueColumns):
            return self.columns() == other.columns()
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    def __add__(self, other: Iterable[NewValue]) -> ValueColumns:
        more = ValueColumns.of(other)
        return ValueColumns(*(a + b for a, b in zip(self.columns(), more.columns(), strict=True)))

    def __iadd__(self, other: Iterable[NewValue]) -> ValueColumns:
        more = ValueColumns.of(other)
        for mine, theirs in zip(self.columns(), more.columns(), strict=True):
            mine.extend(theirs)
        return self

    def take(self, positions: Sequence[int]) -> ValueColumns:
        """The values at these positions, in this order."""
        return ValueColumns(*(pick(c, positions) for c in self.columns()))

    def keys(self) -> list[tuple[str, str, str]]:
        """(clinic, measure, period) of every value, in order."""
        return list(zip(self.clinic, self.measure, self.period, strict=True))


def pick(values: Sequence[T], positions: Iterable[int]) -> list[T]:
    """The items at these positions, looked up in C (no Python loop per item)."""
    return list(map(values.__getitem__, positions))
