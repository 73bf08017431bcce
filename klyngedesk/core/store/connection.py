"""Opening a project file: lock, version check, backup, stepwise migration, transactions."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from klyngedesk.core.store.lock import LockHeld, WriterLock
from klyngedesk.core.store.schema import LATEST_VERSION, MIGRATIONS
from klyngedesk.i18n import KlyngeError

APPLICATION_ID = 0x4B4C594E  # "KLYN": marks a SQLite file as a KlyngeDesk project


class ProjectTooNew(KlyngeError):
    """The file was written by a newer KlyngeDesk."""


class ProjectLocked(KlyngeError):
    """Another running program is writing the file."""


class ProjectUnreadable(KlyngeError):
    """The file is not a KlyngeDesk project or is damaged."""


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class ProjectFile:
    """The open database: one connection, a writer lock, explicit transactions."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: WriterLock | None) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self._depth = 0

    # --- lifecycle -----------------------------------------------------------------------
    @classmethod
    def _connect(cls, path: Path, readonly: bool) -> sqlite3.Connection:
        uri = f"file:{path.as_posix()}?mode={'ro' if readonly else 'rwc'}"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 3000")
        conn.execute("PRAGMA temp_store = MEMORY")  # staging tables for imports never touch the disk
        return conn

    @classmethod
    def _open(cls, path: str | Path, *, readonly: bool = False, create: bool = False):
        path = Path(path)
        if create and path.exists():
            raise KlyngeError("The file {path} already exists.", path=str(path))
        if not create and not path.is_file():
            raise ProjectUnreadable("The project file {path} does not exist.", path=str(path))
        lock = None
        if not readonly:
            lock = WriterLock(path)
            try:
                lock.acquire()
            except LockHeld as held:
                raise ProjectLocked(
                    "The project {path} is already open for writing in another KlyngeDesk "
                    "(process {pid} on {host}). Close it there first.",
                    path=str(path), pid=held.owner.get("pid", "?"), host=held.owner.get("host", "?"),
                ) from None
        try:
            conn = cls._connect(path, readonly)
            project = cls(path, conn, lock)
            project._check_and_migrate(create=create, readonly=readonly)
        except sqlite3.DatabaseError as exc:
            if lock:
                lock.release()
            raise ProjectUnreadable("{path} is not a KlyngeDesk project file or it is damaged ({error}).",
                                    path=str(path), error=str(exc)) from None
        except BaseException:
            if lock:
                lock.release()
            raise
        return project

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None  # type: ignore[assignment]
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def readonly(self) -> bool:
        return self._lock is None

    # --- versions ------------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_and_migrate(self, *, create: bool, readonly: bool) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.schema_version()
        if not create and app_id != APPLICATION_ID:
            raise ProjectUnreadable("{path} is not a KlyngeDesk project file.", path=str(self.path))
        if version > LATEST_VERSION:
            raise ProjectTooNew(
                "{path} was saved by a newer KlyngeDesk (file version {found}, this program reads up "
                "to {latest}). Update KlyngeDesk to open it; the file was not changed.",
                path=str(self.path), found=version, latest=LATEST_VERSION)
        if version == LATEST_VERSION:
            self.conn.execute("PRAGMA journal_mode = WAL") if not readonly else None
            return
        if readonly:
            raise ProjectUnreadable("{path} needs an upgrade; open it for writing once first.",
                                    path=str(self.path))
        if create:
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        else:
            self.backup(self.path.with_name(f"{self.path.stem}.v{version}.backup{self.path.suffix}"))
        self.conn.execute("PRAGMA journal_mode = WAL")
        migrate(self.conn, version, LATEST_VERSION)

    def backup(self, target: Path) -> Path:
        """A consistent copy of the whole file (sqlite3 online backup)."""
        dest = sqlite3.connect(target)
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        return target

    # --- transactions --------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back whole on any exception; nests as one."""
        if self.readonly:
            raise KlyngeError("The project is open read-only.")
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def audit(self, action: str, **detail: Any) -> None:
        """Append to the audit log (imports, draws, exports); never content values."""
        with self.transaction() as c:
            c.execute("INSERT INTO audit_log(at, action, detail_json) VALUES (?, ?, ?)",
                      (now_iso(), action, json.dumps(detail, ensure_ascii=False, default=str)))

    def audit_log(self) -> list[dict]:
        rows = self.conn.execute("SELECT at, action, detail_json FROM audit_log ORDER BY id").fetchall()
        return [{"at": r["at"], "action": r["action"], "detail": json.loads(r["detail_json"])} for r in rows]


def migrate(conn: sqlite3.Connection, current: int, target: int) -> None:
    """Run migration steps current+1..target, each in its own transaction."""
    for version in range(current, target):
        script = MIGRATIONS[version]
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
