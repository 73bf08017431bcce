"""One topic of a meeting anonymised and audited in a child process: Cancel stops it at once (the child is
ended), and the audit's long solver calls never hold the window's interpreter lock (no Qt in here)."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from klyngedesk.i18n import KlyngeError

POLL_SECONDS = 0.05  # how often the waiting worker looks at the Cancel flag


class AuditCancelled(Exception):
    """The user pressed Cancel (or left presentation mode): the child was ended."""


def audit_topic(path: Path, meeting: str, topic: str, lang: str, before: Sequence[Any] | None,
                cancelled: Callable[[], bool]) -> tuple[Any, Any]:
    """(AnonymisedTable, Disclosure) of `topic` as the meeting's pack prints it, audited against the earlier
    packs and `before` (the disclosure models of the meeting's topics before it; None: worked out again in the
    child), computed in a child process that reads the project file read-only. Raises what the child raised,
    or AuditCancelled as soon as `cancelled()` is true."""
    spawn = multiprocessing.get_context("spawn")  # never fork a process that runs Qt and threads
    ours, theirs = spawn.Pipe(duplex=False)
    child = spawn.Process(target=_child, args=(theirs, str(path), meeting, topic, lang,
                                               None if before is None else list(before)),
                          name=f"audit {topic}", daemon=True)
    child.start()
    theirs.close()
    try:
        while True:
            if cancelled():
                raise AuditCancelled()
            if ours.poll(POLL_SECONDS):
                try:
                    outcome, payload = ours.recv()
                except EOFError:  # the child ended without a word (killed, out of memory)
                    raise KlyngeError("The presentation could not be prepared: the audit stopped "
                                      "unexpectedly (exit code {code}).", code=child.exitcode) from None
                if outcome == "failed":
                    raise payload
                return payload
            if not child.is_alive() and not ours.poll(0):
                raise KlyngeError("The presentation could not be prepared: the audit stopped "
                                  "unexpectedly (exit code {code}).", code=child.exitcode)
    finally:
        ours.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _child(conn: Connection, path: str, meeting: str, topic: str, lang: str, before: list[Any] | None) -> None:
    """The child's work: open the project read-only, anonymise and audit the topic, send the result back."""
    try:
        from klyngedesk.core.anonymise.build import anonymised_with_disclosure
        from klyngedesk.core.store import Project
        from klyngedesk.i18n import set_language

        set_language(lang)
        with Project.open(path, readonly=True) as project:
            table, disclosure, _breaches = anonymised_with_disclosure(project, meeting, topic, lang=lang,
                                                                      before=before)
        conn.send(("done", (table, disclosure)))
    except BaseException as error:  # every failure goes back to the window, which says it in words
        conn.send(("failed", _sendable(error)))
    finally:
        conn.close()


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it survives the pipe, else a KlyngeError carrying its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return KlyngeError("The presentation could not be prepared: {reason}", reason=str(error))
