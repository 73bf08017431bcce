"""calamine's parse of an untrusted workbook in a child process with a memory limit and a time limit."""

from __future__ import annotations

import array
import contextlib
import faulthandler
import io
import os
import pickle
import select
import signal
import struct
import threading
import time as clock
from datetime import datetime, time
from itertools import chain
from typing import Any

from klyngedesk.core.ingest.problems import FileRefused

MEMORY_BYTES = 3 << 30  # address space the child may add to what it inherits (calamine's own allocations)
TIMEOUT_SECONDS = 300.0
MAX_PAYLOAD = 2 << 30  # bytes the parent reads from the child at most (the cell limits keep a real parse far below)
_COLUMNAR_CELLS = 2000  # a sheet this large is sent column by column (a float column as one buffer)
FORK = hasattr(os, "fork")  # False on Windows: the parse runs in a spawned process instead

# (sheet name, hidden, rows, merged ranges) of every worksheet, chart sheets left out
Parsed = list[tuple[str, bool, list[list], list]]


def _damaged(fmt: str) -> FileRefused:
    return FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic to "
                       "send it again.", kind="corrupt", format=fmt)


def _encrypted() -> FileRefused:
    return FileRefused("The workbook is protected with a password. Ask the clinic to send it without a "
                       "password (or remove it in Excel) and import it again.", kind="encrypted")


def _plain(value):
    """calamine values into plain Python: numbers, text, dates; booleans and durations kept as they are."""
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, time):
        return value.isoformat()
    return value


def parse(data: bytes) -> Parsed | str:
    """calamine's reading of every worksheet, or "encrypted" / "corrupt" (in this process: no guard)."""
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out: Parsed = []
        for meta in workbook.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            book_sheet = workbook.get_sheet_by_name(meta.name)
            rows = book_sheet.to_python(skip_empty_area=False)
            if not set(map(type, chain.from_iterable(rows))) <= {str, float}:
                rows = [[_plain(v) for v in row] for row in rows]
            out.append((meta.name, meta.visible != pc.SheetVisibleEnum.Visible, rows,
                        list(book_sheet.merged_cell_ranges or [])))
        return out
    except pc.PasswordError:
        return "encrypted"
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # calamine raises several types for a damaged file, even a Rust panic (BaseException)
        return "corrupt"


def _pack_column(column: list) -> tuple:
    """One column for the pipe: floats as one buffer, texts with each distinct text once (the rows share it:
    pickle's memo sends a repeated object as a reference), anything else as it is."""
    kinds = set(map(type, column))
    if kinds == {float}:
        return ("d", array.array("d", column).tobytes())
    if kinds == {str}:
        memo: dict[str, str] = {}
        return ("s", list(map(memo.setdefault, column, column)))
    return ("l", column)


def _unpack_column(packed: tuple) -> list:
    if packed[0] == "d":
        floats = array.array("d")
        floats.frombytes(packed[1])
        return floats.tolist()
    return list(packed[1])


def _pack_rows(rows: list[list]) -> tuple:
    """A sheet's rows, column by column when it is large and every row is as wide (as calamine gives them)."""
    width = len(rows[0]) if rows else 0
    if width and len(rows) * width >= _COLUMNAR_CELLS and len(set(map(len, rows))) == 1:
        return ("c", [_pack_column(list(col)) for col in zip(*rows, strict=True)])
    return ("r", rows)


def _unpack_rows(packed: tuple) -> list[list]:
    if packed[0] == "r":
        return [list(row) for row in packed[1]]
    return list(map(list, zip(*map(_unpack_column, packed[1]), strict=True)))


def _encode(result: Parsed | str) -> bytes:
    """The parse for the pipe (pickle: as fast as marshal on the packed columns, and read back safely)."""
    if isinstance(result, str):
        return pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    return pickle.dumps([(name, hidden, _pack_rows(rows), merged) for name, hidden, rows, merged in result],
                        pickle.HIGHEST_PROTOCOL)


_CELL_TYPES = frozenset({("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
                         ("datetime", "time"), ("datetime", "timezone")})


class _CellsOnly(pickle.Unpickler):
    """Reads back only cells: a child taken over by a hostile file (a memory-safety bug in the parser) could
    write anything into the pipe, and an ordinary unpickler would run what it names. Only the date and time
    types a cell can hold are found; any other global refuses the file."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _CELL_TYPES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _decode(payload: bytes) -> Parsed | str | None:
    """What _encode made, rows again (a text repeated down a column is one object, shared by its rows); None
    for anything else the pipe brought (the file is then refused as damaged)."""
    try:
        result = _CellsOnly(io.BytesIO(payload)).load()
        if isinstance(result, str):
            return result
        return [(str(name), bool(hidden), _unpack_rows(rows), list(merged)) for name, hidden, rows, merged in result]
    except (pickle.UnpicklingError, TypeError, ValueError, IndexError, KeyError, EOFError, AttributeError,
            OverflowError, MemoryError, RecursionError):
        return None


def _quiet() -> None:
    """The child's stderr to the null device: calamine's panic and allocation-failure messages are the
    file's, reported by the parent in words; the console shows nothing of them."""
    faulthandler.disable()  # a native abort here is the file's: no dump on stderr
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:  # pragma: no cover (no null device)
        pass


def _limit_memory() -> None:
    """Cap the child's address space at what it inherited plus MEMORY_BYTES (Linux; elsewhere time only)."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (inherited + MEMORY_BYTES, inherited + MEMORY_BYTES))
    except (ImportError, OSError, ValueError):
        pass


def _child(data: bytes, out: int) -> None:
    """In the fork: parse, write the length-prefixed result, and leave without running any cleanup."""
    code = 1
    try:
        _quiet()
        _limit_memory()
        payload = _encode(parse(data))
        view = memoryview(struct.pack("<Q", len(payload)) + payload)
        while view:
            view = view[os.write(out, view):]
        code = 0
    finally:
        os._exit(code)


def _spawned(connection: Any, parser: Any) -> None:
    """In a spawned process (no fork): receive the file, parse it with `parser` and send the encoded result; a
    failure leaves quietly (the parent refuses the file), never with a traceback on the console."""
    code = 1
    try:
        _quiet()
        _limit_memory()
        data = connection.recv_bytes()
        connection.send_bytes(_encode(parser(data)))
        connection.close()
        code = 0
    finally:
        os._exit(code)


def _send(connection: Any, data: bytes) -> None:
    """The file to the spawned child, from a thread of its own: a child that dies or hangs before reading it
    all must not block the parent past its time limit (it is killed then, and this send fails quietly)."""
    with contextlib.suppress(OSError):
        connection.send_bytes(data)


class Parse:
    """calamine's parse of one file, started at once in a child process (a fork; without fork, a spawned
    process) so that the caller's own checks of the file run meanwhile. `result()` waits for it: a native
    abort, a runaway allocation (the child's memory is capped) or a parse that never ends (it is killed at
    `timeout`) refuses the file as damaged instead of taking the window or the command down. Leaving the
    `with` block without the result ends the child."""

    def __init__(self, data: bytes, fmt: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.fmt = fmt
        self.deadline = clock.monotonic() + timeout
        self.pid: int | None = None
        self.process: Any = None
        if FORK and self._fork(data):
            return
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")
        self.connection, theirs = spawn.Pipe(duplex=True)
        # only the pipe goes with the start (a large argument would block start() for good if the child died
        # while reading it); the file follows on the pipe
        self.process = spawn.Process(target=_spawned, args=(theirs, parse), daemon=True, name="calamine")
        self.process.start()
        theirs.close()
        threading.Thread(target=_send, args=(self.connection, data), daemon=True, name="calamine-send").start()

    def _fork(self, data: bytes) -> bool:
        """Fork the child; False when the system cannot fork now (out of processes or memory): spawn instead."""
        self.read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(self.read_end)
            os.close(write_end)
            return False
        if pid == 0:  # pragma: no cover (the child leaves by os._exit)
            os.close(self.read_end)
            _child(data, write_end)
        os.close(write_end)
        self.pid = pid
        return True

    def __enter__(self) -> Parse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def cancel(self) -> None:
        """End the child if it still runs (the file was refused by a check before its parse was needed)."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)  # a child that has left is a zombie until reaped: never ESRCH
            self._reap()
        elif self.process is not None:
            self.process.kill()
            self.process.join()
            self.connection.close()
            self.process = None

    def _reap(self) -> int:
        assert self.pid is not None
        os.close(self.read_end)
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return status

    def result(self) -> Parsed:
        """Every worksheet as calamine reads it, or the file refused (damaged, encrypted)."""
        raw = self._forked() if self.pid is not None else self._spawned()
        if raw is None:
            raise _damaged(self.fmt)  # killed by a signal (abort, segfault), out of its memory, or out of time
        result = _decode(raw)
        if result is None:
            raise _damaged(self.fmt)  # not what our child writes
        if result == "encrypted":
            raise _encrypted()
        if isinstance(result, str):
            raise _damaged(self.fmt)
        return result

    def _forked(self) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        pid = self.pid
        assert pid is not None
        try:
            while True:
                left = self.deadline - clock.monotonic()
                if left <= 0 or not select.select([self.read_end], [], [], left)[0]:
                    os.kill(pid, signal.SIGKILL)
                    break
                chunk = os.read(self.read_end, 1 << 22)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_PAYLOAD + 8:  # more than any parse within the cell limits writes
                    os.kill(pid, signal.SIGKILL)
                    break
        finally:
            status = self._reap()
        raw = b"".join(chunks)
        if status != 0 or len(raw) < 9 or struct.unpack_from("<Q", raw)[0] != len(raw) - 8:
            return None
        return raw[8:]

    def _spawned(self) -> bytes | None:
        if self.process is None:
            return None
        process, self.process = self.process, None
        try:
            if not self.connection.poll(max(self.deadline - clock.monotonic(), 0)):
                return None
            return bytes(self.connection.recv_bytes(MAX_PAYLOAD))
        except (EOFError, OSError):  # the child died before it sent anything
            return None
        finally:
            process.kill()
            process.join()
            self.connection.close()


def read_isolated(data: bytes, fmt: str, timeout: float = TIMEOUT_SECONDS) -> Parsed:
    """Every worksheet as calamine reads it, parsed in a child process (see Parse)."""
    with Parse(data, fmt, timeout) as parsing:
        return parsing.result()
