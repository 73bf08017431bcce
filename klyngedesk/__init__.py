"""KlyngeDesk: the quality-cluster coordinator's desk (import, collate, anonymise, print)."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    """The installed package's version, read on first use (importlib.metadata costs a tenth of a second of
    start-up, which a command like `klyngedesk import` would otherwise pay without ever printing it)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("klyngedesk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'klyngedesk' has no attribute {name!r}")
