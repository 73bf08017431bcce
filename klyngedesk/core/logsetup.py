"""The log file in the user's data folder (rotated), and internal errors logged without any file content."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "klyngedesk.log"
APP = "KlyngeDesk"
log = logging.getLogger("klyngedesk")


def data_folder() -> Path:
    """Where Qt's AppDataLocation puts KlyngeDesk's data (KLYNGEDESK_DATA_DIR overrides, e.g. in tests)."""
    if os.environ.get("KLYNGEDESK_DATA_DIR"):
        return Path(os.environ["KLYNGEDESK_DATA_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP / APP


def _file_handler() -> RotatingFileHandler | None:
    return next((h for h in log.handlers if isinstance(h, RotatingFileHandler)), None)


def setup_logging(folder: Path | None = None) -> Path:
    """Write INFO and above to <data folder>/klyngedesk.log (rotated at 1 MB, three kept); returns its path."""
    path = (folder or data_folder()) / LOG_NAME
    handler = _file_handler()
    if handler is not None and Path(handler.baseFilename) == path:
        return path
    for old in [h for h in log.handlers if isinstance(h, RotatingFileHandler)]:  # one log file at a time
        log.removeHandler(old)
        old.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def log_path() -> Path:
    """The log file in use (the GUI may have opened it elsewhere), else where it would be."""
    handler = _file_handler()
    return Path(handler.baseFilename) if handler is not None else data_folder() / LOG_NAME


def log_internal_error(what: str, error: BaseException) -> Path:
    """Log a bug with its traceback: where it happened and the exception type, never the message or locals
    (they may quote a cell of the file, even a CPR number). Returns the log file's path."""
    try:  # the log in use (the GUI may have opened it), unless KLYNGEDESK_DATA_DIR says where
        override = bool(os.environ.get("KLYNGEDESK_DATA_DIR"))
        path = setup_logging() if override or _file_handler() is None else log_path()
    except OSError:
        path = log_path()
    frames = traceback.extract_tb(error.__traceback__)
    lines = "".join(f"\n  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)
    log.error("internal error in %s: %s.%s%s", what, type(error).__module__, type(error).__qualname__, lines)
    return path
