"""calamine's parse of an untrusted workbook in a forked child with a memory limit and a time limit."""

from __future__ import annotations

import faulthandler
import io
import marshal
import os
import pickle
import select
import signal
import struct
import time as clock
from datetime import datetime, time
from itertools import chain

from klyngedesk.core.ingest.problems import FileRefused

MEMORY_BYTES = 3 << 30  # address space the child may add to what it inherits (calamine's own allocations)
TIMEOUT_SECONDS = 300.0
_MARSHAL = frozenset({str, float, int, bool, type(None)})

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


def _encode(result: Parsed | str) -> bytes:
    """marshal where every cell is plain (a tenth of pickle's cost on a 100,000-row sheet), else pickle."""
    if isinstance(result, list) and all(set(map(type, chain.from_iterable(rows))) <= _MARSHAL
                                        for _, _, rows, _ in result):
        return b"m" + marshal.dumps(result)
    return b"p" + pickle.dumps(result, pickle.HIGHEST_PROTOCOL)


def _decode(payload: bytes) -> Parsed | str:
    return marshal.loads(payload[1:]) if payload[:1] == b"m" else pickle.loads(payload[1:])  # noqa: S301 (our child)


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
        faulthandler.disable()  # a native abort here is the file's, reported by the parent: no dump on stderr
        _limit_memory()
        payload = _encode(parse(data))
        view = memoryview(struct.pack("<Q", len(payload)) + payload)
        while view:
            view = view[os.write(out, view):]
        code = 0
    finally:
        os._exit(code)


def read_isolated(data: bytes, fmt: str, timeout: float = TIMEOUT_SECONDS) -> Parsed:
    """Every worksheet as calamine reads it, parsed in a forked child: a native abort, a runaway allocation
    (the child's memory is capped) or a parse that never ends (it is killed) refuses the file as damaged
    instead of taking the window or the command down. Without fork (Windows) the parse runs in this process."""
    if not hasattr(os, "fork"):
        return _result(parse(data), fmt)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child leaves by os._exit)
        os.close(read_end)
        _child(data, write_end)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = clock.monotonic() + timeout
    try:
        while True:
            left = deadline - clock.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    raw = b"".join(chunks)
    if status != 0 or len(raw) < 8 or struct.unpack_from("<Q", raw)[0] != len(raw) - 8:
        raise _damaged(fmt)  # killed by a signal (abort, segfault), out of its memory, or out of time
    return _result(_decode(raw[8:]), fmt)


def _result(result: Parsed | str, fmt: str) -> Parsed:
    if result == "encrypted":
        raise _encrypted()
    if isinstance(result, str):
        raise _damaged(fmt)
    return result
