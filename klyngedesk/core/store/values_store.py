"""Values (clinic x measure x period) and the import batches that brought them, with history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Literal

from klyngedesk.core.cpr import refuse_cpr
from klyngedesk.core.model import NewValue
from klyngedesk.core.store.connection import now_iso
from klyngedesk.core.store.part import StorePart, row_id, to_json
from klyngedesk.core.store.value_columns import ValueColumns
from klyngedesk.i18n import KlyngeError, one_line

if TYPE_CHECKING:  # pandas is imported by the reads that return a frame (opening a project needs none)
    import pandas as pd


_COLUMNS = ("clinic_id", "measure_id", "period_id", "value", "status", "source_text", "batch_id", "sheet", "row",
            "col")


def _ids(values: ValueColumns, clinic_ids: dict, measure_ids: dict, period_ids: dict) -> list[list[int]]:
    """The clinic, measure and period row ids of every value, column by column (C-speed look-ups)."""
    try:
        return [list(map(known.__getitem__, keys)) for known, keys in
                ((clinic_ids, values.clinic), (measure_ids, values.measure), (period_ids, values.period))]
    except KeyError:
        first = next(v for v in values if v.clinic not in clinic_ids or v.measure not in measure_ids
                     or v.period not in period_ids)
        key = next(k for k, known in ((first.clinic, clinic_ids), (first.measure, measure_ids),
                                      (first.period, period_ids)) if k not in known)
        raise KlyngeError("Unknown clinic, measure or period {key}.", key=key) from None


def _literal(value) -> str | None:
    """An SQL literal for a value the same in every row (fewer parameters bound per row), if it is safe."""
    if value is None:
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, (int, str)) or isinstance(value, str) and "\x00" in value:
        return None
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


def _statement(ids: list[list[int]], values: ValueColumns, batch_id: int) -> tuple[str, str, list[list]]:
    """The INSERT for vals (up to VALUES), one row's group of values, and the bound columns: a column holding
    one value throughout (the batch, the sheet, the file column, 'ok', no source text) is written into the
    group once instead of bound in every row."""
    columns: list = [*ids, values.value, values.status, values.source_text, None, values.sheet, values.row,
                     values.col]
    n = len(values)
    slots, bound = [], []
    for name, column in zip(_COLUMNS, columns, strict=True):
        literal = _literal(batch_id) if name == "batch_id" else \
            _literal(column[0]) if name in ("status", "source_text", "sheet", "col") and n and \
            column.count(column[0]) == n else None
        slots.append(literal or "?")
        if literal is None:
            bound.append(column)
    return f"INSERT INTO vals({', '.join(_COLUMNS)}) VALUES ", f"({', '.join(slots)})", bound


_ROWS_PER_INSERT = 100  # rows in one INSERT ... VALUES (...), (...): at most 10 bound each, far below SQLite's 32,766


def _insert_rows(c: sqlite3.Connection, head: str, group: str, bound: list[list]) -> None:
    """The rows inserted in order, a hundred per statement: one prepared statement of 100 row groups run for
    each hundred (a third of the time of one statement run per row), the last few rows by one of their own."""
    rows = len(bound[0]) if bound else 0
    full = rows - rows % _ROWS_PER_INSERT
    if full:
        flat = list(chain.from_iterable(zip(*(column[:full] for column in bound), strict=True)))
        width = len(bound) * _ROWS_PER_INSERT
        c.executemany(head + ", ".join([group] * _ROWS_PER_INSERT),
                      (flat[i:i + width] for i in range(0, len(flat), width)))
    if rows > full:
        c.executemany(head + group, zip(*(column[full:] for column in bound), strict=True))


@dataclass(frozen=True)
class BatchInfo:
    id: int
    file_name: str
    sha256: str
    imported_at: str
    mapping: str | None
    status: str
    values: int
    details: dict


class ValuesStore(StorePart):
    """Batches of values; a batch is stored and undone as one transaction."""

    def add_batch(self, file_name: str, sha256: str, values: Iterable[NewValue], *,
                  mapping: str | None = None, details: dict | None = None) -> int:
        """Store values as one batch. A value that replaces an active one keeps the old as history."""
        with self.transaction() as c:
            batch_id = row_id(c.execute(
                "INSERT INTO batches(file_name, sha256, imported_at, mapping, details_json) VALUES (?, ?, ?, ?, ?)",
                (one_line(file_name), sha256, now_iso(), mapping, to_json(details or {}))))
            clinic_ids = {r[0]: r[1] for r in c.execute("SELECT key, id FROM clinics")}
            measure_ids = {r[0]: r[1] for r in c.execute("SELECT key, id FROM measures")}
            period_ids = {r[0]: r[1] for r in c.execute("SELECT key, id FROM periods")}
            cols = ValueColumns.of(values)
            ids = _ids(cols, clinic_ids, measure_ids, period_ids)
            keys = list(zip(*ids, strict=True))
            if len(set(keys)) != len(keys):
                raise KlyngeError("The same clinic, measure and period appear twice in one import.")
            replaced = self._active_ids(c, keys)
            if replaced:  # retire the values these replace (their successors are linked below)
                c.executemany("UPDATE vals SET active = 0 WHERE id = ?", [(i,) for i in replaced])
            self._insert(c, *_statement(ids, cols, batch_id))
            if replaced:  # each retired value points at its successor, for undo and history
                c.executemany("UPDATE vals SET superseded_by = (SELECT n.id FROM vals n INDEXED BY vals_active "
                              "WHERE n.active = 1 AND n.clinic_id = vals.clinic_id AND n.measure_id = "
                              "vals.measure_id AND n.period_id = vals.period_id) WHERE id = ?",
                              [(i,) for i in replaced])
        return batch_id

    @staticmethod
    def _active_ids(c: sqlite3.Connection, keys: list[tuple[int, int, int]]) -> list[int]:
        """Ids of the active values that keys (clinic_id, measure_id, period_id) replace: one read of the
        active keys of the batch's periods, matched in memory (no staging table, no per-row query)."""
        periods = sorted({k[2] for k in keys})
        active: dict[tuple[int, int, int], int] = {}
        for chunk in range(0, len(periods), 500):
            part = periods[chunk:chunk + 500]
            active.update(((cl, m, p), i) for i, cl, m, p in c.execute(
                "SELECT id, clinic_id, measure_id, period_id FROM vals WHERE active = 1 "
                f"AND period_id IN ({', '.join('?' * len(part))})", part))
        if not active:
            return []
        return [i for i in map(active.get, keys) if i is not None]

    @staticmethod
    def _insert(c: sqlite3.Connection, head: str, group: str, bound: list[list]) -> None:
        """The batch's rows into vals (`_insert_rows`). A batch at least as large as what is stored already (the
        first import of a region's file) is inserted with the two value indexes dropped and built again after,
        in the same transaction: one sorted build instead of 100,000 random B-tree insertions each."""
        rows = len(bound[0]) if bound else 0
        stored = c.execute("SELECT COUNT(*) FROM vals").fetchone()[0]
        indexes = [sql for (sql,) in c.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'vals' "
            "AND name IN ('vals_active', 'vals_batch') ORDER BY name")] if rows >= 10_000 and \
            rows >= stored else []
        if indexes:
            c.execute("DROP INDEX vals_active")
            c.execute("DROP INDEX vals_batch")
        _insert_rows(c, head, group, bound)
        for sql in indexes:  # built again exactly as the schema made them (a duplicate would fail here)
            c.execute(sql)

    def undo_batch(self, batch_id: int) -> None:
        """Take a batch back whole: its values go, and the values it replaced come back."""
        with self.transaction() as c:
            r = c.execute("SELECT status FROM batches WHERE id = ?", (batch_id,)).fetchone()
            if r is None:
                raise KlyngeError("Unknown import batch {id}.", id=batch_id)
            if r[0] == "undone":
                raise KlyngeError("Import batch {id} has already been undone.", id=batch_id)
            later = c.execute("SELECT COUNT(*) FROM vals o JOIN vals n ON n.id = o.superseded_by "
                              "WHERE o.batch_id = ? AND n.batch_id <> ?", (batch_id, batch_id)).fetchone()[0]
            if later:
                raise KlyngeError("Import batch {id} has been replaced in part by a later import; "
                                  "undo that one first.", id=batch_id)
            restore = [r[0] for r in c.execute("SELECT id FROM vals WHERE superseded_by IN "
                                               "(SELECT id FROM vals WHERE batch_id = ?)", (batch_id,))]
            c.execute("DELETE FROM vals WHERE batch_id = ?", (batch_id,))
            c.executemany("UPDATE vals SET active = 1, superseded_by = NULL WHERE id = ?", [(i,) for i in restore])
            c.execute("UPDATE batches SET status = 'undone' WHERE id = ?", (batch_id,))

    def batches(self) -> list[BatchInfo]:
        return [BatchInfo(r["id"], r["file_name"], r["sha256"], r["imported_at"], r["mapping"], r["status"],
                          r["n"], json.loads(r["details_json"]))
                for r in self.conn.execute(
                    "SELECT b.*, (SELECT COUNT(*) FROM vals v WHERE v.batch_id = b.id) AS n "
                    "FROM batches b ORDER BY b.id")]

    def batch_by_hash(self, sha256: str) -> BatchInfo | None:
        for batch in self.batches():
            if batch.sha256 == sha256 and batch.status == "committed":
                return batch
        return None

    def values(self, period: str | None = None, topic: str | None = None, *, history: bool = False) -> pd.DataFrame:
        """Stored values as a table: clinic, measure, period, value, status, source_text, provenance."""
        sql = ("SELECT c.key AS clinic, m.key AS measure, p.key AS period, v.value, v.status, v.source_text, "
               "v.corrected, v.active, v.batch_id, b.file_name, v.sheet, v.row, v.col FROM vals v "
               "JOIN clinics c ON c.id = v.clinic_id JOIN measures m ON m.id = v.measure_id "
               "JOIN periods p ON p.id = v.period_id LEFT JOIN batches b ON b.id = v.batch_id "
               "JOIN topics t ON t.id = m.topic_id WHERE 1 = 1")
        params: list = []
        if not history:
            sql += " AND v.active = 1"
        if period is not None:
            sql += " AND p.key = ?"
            params.append(period)
        if topic is not None:
            sql += " AND t.key = ?"
            params.append(topic)
        import pandas as pd

        return pd.read_sql_query(sql + " ORDER BY v.id", self.conn, params=params)

    def active_numbers(self) -> list[tuple[str, str, str, float]]:
        """(clinic, measure, period, value) of every active value holding a number, as plain rows: what an
        import compares its file with (no frame, so that importing a file never needs pandas)."""
        return [(str(c), str(m), str(p), float(v)) for c, m, p, v in self.conn.execute(
            "SELECT c.key, m.key, p.key, v.value FROM vals v JOIN clinics c ON c.id = v.clinic_id "
            "JOIN measures m ON m.id = v.measure_id JOIN periods p ON p.id = v.period_id "
            "JOIN topics t ON t.id = m.topic_id WHERE v.active = 1 AND v.status = 'ok' AND v.value IS NOT NULL "
            "ORDER BY v.id")]

    def topics_with_data(self) -> dict[str, set[str]]:
        """Period key -> keys of the topics with at least one stored (active) value in that period."""
        rows = self.conn.execute(
            "SELECT DISTINCT p.key, t.key FROM vals v JOIN measures m ON m.id = v.measure_id "
            "JOIN topics t ON t.id = m.topic_id JOIN periods p ON p.id = v.period_id WHERE v.active = 1").fetchall()
        out: dict[str, set[str]] = {}
        for period, topic in rows:
            out.setdefault(str(period), set()).add(str(topic))
        return out

    def value_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM vals WHERE active = 1").fetchone()[0])

    def correct_value(self, clinic: str, measure: str, period: str, value: float | None, reason: str) -> int:
        """A coordinator's hand correction: stored as a one-value batch, so it undoes like an import (a reason
        holding a CPR number is refused, nothing stored)."""
        refuse_cpr("The reason for the correction", reason)
        status: Literal["ok", "missing"] = "ok" if value is not None else "missing"
        with self.transaction() as c:
            batch_id = self.add_batch(reason or "correction", "", [NewValue(clinic, measure, period, value, status)],
                                      mapping="correction", details={"kind": "correction", "reason": reason})
            c.execute("UPDATE vals SET corrected = 1 WHERE batch_id = ?", (batch_id,))
        return batch_id
