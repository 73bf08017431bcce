"""Shared CLI plumbing: messages to stderr in the chosen language, JSON to stdout, exit codes."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

from klyngedesk.i18n import tr

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def say(msgid: str, **params: Any) -> None:
    """A message for people, translated, on stderr."""
    print(tr(msgid, **params), file=sys.stderr)


def emit_json(data: Any) -> None:
    """Machine output on stdout as UTF-8 JSON."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
