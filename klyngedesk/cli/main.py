"""The `klyngedesk` command: opens the GUI, or runs one headless pipeline step (see CLI.md)."""

from __future__ import annotations

import argparse
import importlib
import sys

from klyngedesk import __version__
from klyngedesk.cli.output import EXIT_REFUSED, EXIT_USAGE
from klyngedesk.i18n import LANGUAGES, KlyngeError, set_language, tr

# One module per command, each with register(subparsers) and run(args) -> exit code.
COMMAND_MODULES = ("cmd_demo", "cmd_info", "cmd_template", "cmd_inspect", "cmd_import", "cmd_survey", "cmd_pack",
                   "cmd_package", "cmd_collate", "cmd_reference")
COMMANDS = frozenset(name.removeprefix("cmd_") for name in COMMAND_MODULES)
_OPTIONS_WITH_VALUE = frozenset({"--lang"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klyngedesk",
        description=tr("KlyngeDesk: the quality-cluster coordinator's desk. Without a command the program "
                       "window opens."))
    parser.add_argument("--version", action="version", version=f"KlyngeDesk {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=tr("language for messages (da or en)"))
    parser.add_argument("--demo", action="store_true", help=tr("open the window on a fresh copy of the demo cluster"))
    parser.add_argument("--selftest", action="store_true",
                        help=tr("headless check: demo cluster, import, pack; prints one line"))
    sub = parser.add_subparsers(dest="command", metavar=tr("COMMAND"))
    for name in COMMAND_MODULES:
        importlib.import_module(f"klyngedesk.cli.{name}").register(sub)
    return parser


def _preselect_language(argv: list[str]) -> None:
    """Set the language before the parser is built, so --help is translated too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            set_language(argv[i + 1])
        elif arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            set_language(arg.split("=", 1)[1])


def _project_to_open(argv: list[str]) -> str | None:
    """`klyngedesk FILE.klynge` (e.g. a double-click via the file association) opens the window on it."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg not in COMMANDS and arg.lower().endswith(".klynge") else None
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _preselect_language(argv)
    project_to_open = _project_to_open(argv)
    if project_to_open:
        argv.remove(project_to_open)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    try:
        if args.selftest:
            from klyngedesk.cli.selftest import run_selftest
            return run_selftest()
        if args.command:
            return args.run(args)
        from klyngedesk.gui.app import run_gui  # the only door from the CLI into Qt
        return run_gui(project=project_to_open, demo=args.demo, lang=args.lang)
    except KlyngeError as error:
        print(error.message(), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(tr("Stopped."), file=sys.stderr)
        return EXIT_REFUSED
