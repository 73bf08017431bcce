"""KlyngeDesk: the quality-cluster coordinator's desk (import, collate, anonymise, print)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("klyngedesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
