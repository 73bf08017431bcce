"""Opening a project file: lock, version check, backup, stepwise migration, transactions."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from klyngedesk.core.store.diagnose import (
    SQLITE_MAX_PATH,
    ProjectLocked,
    ProjectMoved,
    ProjectTooNew,
    ProjectUnreadable,
    StoreError,
    explain,
    is_storage_failure,
    path_too_long,
    shown,
)
from klyngedesk.core.store.lock import LockHeld, WriterLock
from klyngedesk.core.store.schema import LATEST_VERSION, MIGRATIONS
from klyngedesk.i18n import KlyngeError

__all__ = ["ProjectFile", "ProjectLocked", "ProjectMoved", "ProjectTooNew", "ProjectUnreadable", "StoreError",
           "close_thread_connections", "now_iso", "project_uri"]

log = logging.getLogger(__name__)  # operations only: file names, kinds of failure, never values or names

APPLICATION_ID = 0x4B4C594E  # "KLYN": marks a SQLite file as a KlyngeDesk project


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def project_uri(path: Path) -> str:
    """The SQLite `file:` URI of a path, every reserved character (# ? % & space, non-ASCII) escaped."""
    # as_uri() percent-encodes everything outside the unreserved set (UTF-8 for æøå), which SQLite decodes;
    # an unescaped '#' or '?' would cut the name short and '%41' would open a different file.
    return Path(os.path.abspath(path)).as_uri()


class _Link:
    """One thread's connection to the file and its transaction nesting depth."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.depth = 0


_thread_links = threading.local()  # the links this thread opened to projects owned by another thread


def close_thread_connections() -> None:
    """Close every connection the calling thread opened to a project another thread owns (end of a task)."""
    links: list[tuple[ProjectFile, _Link]] = getattr(_thread_links, "links", [])
    _thread_links.links = []
    for project, link in links:
        project._forget_link(link)
        with contextlib.suppress(sqlite3.Error):
            link.conn.close()


class ProjectFile:
    """The open database: a writer lock, explicit transactions, and one connection per thread.

    The thread that opened the project uses the first connection; a worker thread gets its own
    connection to the same file on first use (sharing the writer lock), so a GUI-thread write can never
    join or be rolled back with a worker's transaction. `close_thread_connections()` ends them."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: WriterLock | None, uri: str) -> None:
        self.path = path
        self._identity = _identity(path)
        self._uri = uri
        self._lock = lock
        self._owner_thread = threading.get_ident()
        self._main: _Link | None = _Link(conn)
        self._local = threading.local()
        self._others: list[_Link] = []
        self._others_guard = threading.Lock()

    # --- connections ---------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        return self._link().conn

    def _link(self) -> _Link:
        if self._main is None:
            raise KlyngeError("The project {path} is closed.", path=shown(self.path))
        if threading.get_ident() == self._owner_thread:
            return self._main
        link: _Link | None = getattr(self._local, "link", None)
        if link is None:
            try:
                link = _Link(_connect(self._uri))
            except sqlite3.Error as exc:
                raise explain(self.path, exc, writing=not self.readonly) from None
            self._local.link = link
            with self._others_guard:
                self._others.append(link)
            _thread_links.links = [*getattr(_thread_links, "links", []), (self, link)]
        return link

    def _forget_link(self, link: _Link) -> None:
        self._local.link = None
        with self._others_guard:
            if link in self._others:
                self._others.remove(link)

    # --- lifecycle -----------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, create: bool = False) -> Self:
        """Lock (unless read-only), connect, check the version and migrate; every failure a sentence."""
        path = Path(path)
        _check_path(path, create=create, writing=not readonly)
        lock = None
        if not readonly:
            lock = _acquire_lock(path)
        created = False
        try:
            uri, conn = _connect_first(path, readonly=readonly, create=create)
            created = create
            project = cls(path, conn, lock, uri)
            project._check_and_migrate(create=create, readonly=readonly)
        except (sqlite3.Error, OSError) as exc:
            if lock:
                lock.release()
            if created:
                _remove_new_file(path)
            log.warning("opening %s failed: %s", path.name, _kind(exc))
            raise explain(path, exc, writing=not readonly) from None
        except BaseException:
            if lock:
                lock.release()
            if created:
                _remove_new_file(path)
            raise
        log.info("%s %s (file version %s)", "created" if create else "opened", path.name,
                 project.schema_version())
        return project

    def note_scratch(self, folder: Path) -> None:
        """A hidden folder this program is filling (e.g. a pack's `.partial`): removed on the next open if
        the program is killed before it finishes."""
        if self._lock is not None:
            self._lock.note_scratch(folder)

    def close(self) -> None:
        if self._main is not None:
            log.info("closed %s", self.path.name)
            main, self._main = self._main, None
            # Closed from another thread: the connection goes with its owner.
            with contextlib.suppress(sqlite3.ProgrammingError):
                main.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def readonly(self) -> bool:
        return self._lock is None

    def moved_away(self) -> bool:
        """The file at `path` is no longer the one open here (moved, renamed, deleted or replaced by a copy):
        a write now would go to a file nobody sees again."""
        return self._main is not None and _identity(self.path) != self._identity

    def copy_beside(self, target: Path) -> Path:
        """A whole copy of the open project in a hidden file beside `target` (e.g. where the file was before it
        was moved or deleted), to be put in place with os.replace once this project is closed: SQLite removes
        this connection's side files (-wal, -shm) by the old name when it closes. A failure leaves nothing."""
        partial = target.with_name(f".{target.name}.partial")
        _remove_new_file(partial)
        try:
            self.backup(partial)
        except BaseException as exc:
            _remove_new_file(partial)
            if isinstance(exc, sqlite3.Error | OSError):
                raise explain(target, exc) from None
            raise
        return partial

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
        if not create:
            self._refuse_foreign_code()
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
            log.info("upgrading %s from file version %s to %s after a backup", self.path.name, version,
                     LATEST_VERSION)
        self.conn.execute("PRAGMA journal_mode = WAL")
        migrate(self.conn, version, LATEST_VERSION)

    def _refuse_foreign_code(self) -> None:
        """KlyngeDesk writes no triggers or views: a file holding one (from a sender, a tool, an attacker) could
        change values, the audit log or what is read without anyone seeing it, so it is not opened at all."""
        found = self.conn.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchone()[0]
        if found:
            raise ProjectUnreadable(
                "{path} contains database code that KlyngeDesk did not write (triggers or views), which "
                "could change the cluster's figures without anyone noticing. KlyngeDesk did not open or change the "
                "file. Open your latest backup copy instead, or ask whoever sent the file for a clean copy.",
                path=shown(self.path))

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
    def transaction(self, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back whole on any exception; nests as one (per thread).

        A full disk, a write-protected file or a damaged page becomes a sentence naming the file; the
        original SQLite error is never hidden behind a failed ROLLBACK. `foreign_keys=False` (only for an
        outermost transaction that inserts rows whose references it has just read from their tables, and
        deletes nothing: an import's batches) skips SQLite's look-up of every reference of every row;
        SQLite can switch it only outside a transaction, so a nested call keeps the checks."""
        if self.readonly:
            raise KlyngeError("The project is open read-only.")
        link = self._link()
        if not link.depth and self.moved_away():
            raise ProjectMoved("The project file {path} was moved, renamed or deleted while KlyngeDesk had it open, "
                               "so this change was not saved. Everything saved before it is still in KlyngeDesk: "
                               "save the project again (KlyngeDesk offers it) and carry on there.",
                               path=shown(self.path))
        if link.depth:
            link.depth += 1
            try:
                yield link.conn
            finally:
                link.depth -= 1
            return
        if not foreign_keys:
            link.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            link.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            if not foreign_keys:
                link.conn.execute("PRAGMA foreign_keys = ON")
            raise explain(self.path, exc) from None
        link.depth = 1
        try:
            yield link.conn
            link.conn.execute("COMMIT")
        except BaseException as exc:
            _rollback(link.conn)
            if isinstance(exc, sqlite3.Error) and is_storage_failure(exc):
                log.warning("a write to %s was rolled back: %s", self.path.name, _kind(exc))
                raise explain(self.path, exc) from exc
            raise
        finally:
            link.depth = 0
            if not foreign_keys:
                with contextlib.suppress(sqlite3.Error):
                    link.conn.execute("PRAGMA foreign_keys = ON")

    def audit(self, action: str, **detail: Any) -> None:
        """Append to the audit log (imports, draws, exports); never content values."""
        log.info("%s: %s", self.path.name, action)  # the action only; its details stay in the project file
        with self.transaction() as c:
            c.execute("INSERT INTO audit_log(at, action, detail_json) VALUES (?, ?, ?)",
                      (now_iso(), action, to_json(detail)))

    def audit_log(self) -> list[dict]:
        rows = self.conn.execute("SELECT at, action, detail_json FROM audit_log ORDER BY id").fetchall()
        return [{"at": r["at"], "action": r["action"], "detail": json.loads(r["detail_json"])} for r in rows]


def to_json(value: object) -> str:
    """JSON for a column: readable UTF-8, except that text SQLite cannot store (a file name's non-UTF-8
    bytes, kept by Python as lone surrogates) is written as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, default=str)
    return text


def _kind(exc: BaseException) -> str:
    """The kind of a failure for the log: the errno or SQLite code name, never the message."""
    if isinstance(exc, OSError):
        return errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return getattr(exc, "sqlite_errorname", None) or type(exc).__name__


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if SQLite has not already done so itself (it does after a full disk or an I/O error)."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)  # used only by the thread that opened it
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA trusted_schema = OFF")   # the file's own schema may call no function with side effects
    conn.execute("PRAGMA busy_timeout = 3000")
    conn.execute("PRAGMA temp_store = MEMORY")  # staging tables for imports never touch the disk
    return conn


def _connect_first(path: Path, *, readonly: bool, create: bool) -> tuple[str, sqlite3.Connection]:
    """Connect to the project, reading a file in a read-only folder or mount as it is."""
    mode = "ro" if readonly else ("rwc" if create else "rw")
    uri = f"{project_uri(path)}?mode={mode}"
    try:
        conn = _connect(uri)
        conn.execute("PRAGMA schema_version").fetchone()  # a WAL file needs its -shm: fails here, not later
        return uri, conn
    except sqlite3.OperationalError:
        wal = path.with_name(path.name + "-wal")
        if not readonly or os.access(path.parent, os.W_OK) or wal.exists():
            raise
    # A read-only folder cannot hold the -shm index a WAL file needs. No -wal file means nothing is waiting
    # to be written into the file, so it can be read as an unchanging (immutable) file.
    uri = f"{project_uri(path)}?mode=ro&immutable=1"
    return uri, _connect(uri)


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file `path` names now (device and file number), or None if it names none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _check_path(path: Path, *, create: bool, writing: bool) -> None:
    if path_too_long(path):
        raise StoreError("The path to {path} is too long (at most about {limit} bytes). Move the file to a folder "
                         "with a shorter path and open it there.", path=shown(path), limit=SQLITE_MAX_PATH - 12)
    if path.is_dir():
        raise StoreError("{path} is a folder, not a file. Choose another name.", path=shown(path))
    if create:
        if path.exists():
            raise KlyngeError("The file {path} already exists.", path=shown(path))
        if not path.parent.is_dir():
            raise StoreError("The folder {folder} does not exist. Choose an existing folder or create it first.",
                             folder=shown(path.parent))
    elif not path.is_file():
        raise ProjectUnreadable("The project file {path} does not exist.", path=shown(path))
    elif writing and not os.access(path.parent, os.W_OK):
        raise StoreError("KlyngeDesk may not write in the folder {folder} (it is read-only or you lack the "
                         "rights). Copy {path} to a folder you can write in, or ask for write access.",
                         folder=shown(path.parent), path=shown(path))
    elif writing and not os.access(path, os.W_OK):
        raise StoreError("{path} is write-protected, so KlyngeDesk can only read it. Remove the write "
                         "protection (file properties) or open it read-only.", path=shown(path))


def _acquire_lock(path: Path) -> WriterLock:
    lock = WriterLock(path)
    if lock.path.is_dir():
        raise StoreError("Beside {path} there is a folder named {lock}, where KlyngeDesk keeps its lock file. "
                         "Move or rename that folder and try again.", path=shown(path), lock=lock.path.name)
    try:
        lock.acquire()
    except LockHeld as held:
        raise ProjectLocked(
            "The project {path} is already open for writing in another KlyngeDesk "
            "(process {pid} on {host}). Close it there first.",
            path=shown(path), pid=held.owner.get("pid", "?"), host=held.owner.get("host", "?"),
        ) from None
    except OSError as exc:
        raise explain(path, exc) from None
    return lock


def _remove_new_file(path: Path) -> None:
    for side in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + side).unlink()


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
