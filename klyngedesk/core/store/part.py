"""The base of each store: the open project file and the key look-ups it works through."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from klyngedesk.core.store.connection import ProjectFile, to_json
from klyngedesk.core.store.keys import Keys

__all__ = ["StorePart", "row_id", "to_json"]


class StorePart:
    """One area of the project file (clinics, topics, values, ...); holds no state of its own."""

    def __init__(self, db: ProjectFile, keys: Keys) -> None:
        self.db = db
        self.keys = keys

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.db.transaction() as c:
            yield c


def row_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cursor.lastrowid is not None, "only called after an INSERT"
    return cursor.lastrowid
