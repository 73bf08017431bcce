"""The `klyngedesk` command: opens the GUI, or runs one headless pipeline step (see CLI.md)."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from klyngedesk import version
from klyngedesk.cli.output import EXIT_INTERNAL, EXIT_REFUSED, EXIT_USAGE
from klyngedesk.cli.parser import KlyngeParser
from klyngedesk.i18n import LANGUAGES, KlyngeError, set_language, tr

# One module per command, each with register(subparsers) and run(args) -> exit code.
COMMAND_MODULES = ("cmd_demo", "cmd_info", "cmd_template", "cmd_inspect", "cmd_import", "cmd_survey", "cmd_pack",
                   "cmd_package", "cmd_collate", "cmd_reference")
COMMANDS = frozenset(name.removeprefix("cmd_") for name in COMMAND_MODULES)
_OPTIONS_WITH_VALUE = frozenset({"--lang"})


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only` (a command) just that command's, so that a run imports only its module
    (pandas, reportlab, openpyxl ... load when a command needs them, not for every command); with "" none
    (the window opens: no command module is needed)."""
    parser = KlyngeParser(
        prog="klyngedesk",
        description=tr("KlyngeDesk: the quality-cluster coordinator's desk. Without a command the program "
                       "window opens."))
    parser.add_version(lambda: f"KlyngeDesk {version()}")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=tr("language for messages (da or en)"))
    parser.add_argument("--demo", action="store_true", help=tr("open the window on a fresh copy of the demo cluster"))
    parser.add_argument("--selftest", action="store_true",
                        help=tr("headless check: demo cluster, import, pack; prints one line"))
    sub = parser.add_subparsers(dest="command", metavar=tr("COMMAND"))
    for name in COMMAND_MODULES if only is None else (f"cmd_{only}",) if only else ():
        importlib.import_module(f"klyngedesk.cli.{name}").register(sub)
    for command in sub.choices.values():  # `klyngedesk inspect F --lang en` works as well as before the command
        if "--lang" not in command._option_string_actions:
            command.add_argument("--lang", dest="command_lang", choices=LANGUAGES, default=None,
                                 help=tr("language for messages (da or en)"))
    return parser


def _preselect_language(argv: list[str]) -> None:
    """Set the language before the parser is built, so --help is translated too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            set_language(argv[i + 1])
        elif arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            set_language(arg.split("=", 1)[1])


def _words(argv: list[str]) -> Iterator[str]:
    """argv without the values of the options that take one (`--lang en`, ...)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _OPTIONS_WITH_VALUE:
            skip = True
        else:
            yield arg


def _command_word(argv: list[str]) -> str | None:
    """The command of argv when it is a known one and no help option comes before it, else None."""
    for arg in _words(argv):
        if arg in ("-h", "--help"):
            return None
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _window_only(argv: list[str]) -> bool:
    """True when argv only holds options for the window (--demo, --lang da): no command, no help."""
    return all(arg.startswith("-") and arg not in ("-h", "--help") for arg in _words(argv))


def _project_to_open(argv: list[str]) -> str | None:
    """`klyngedesk FILE.klynge` (e.g. a double-click via the file association) opens the window on it."""
    for arg in _words(argv):
        if not arg.startswith("-"):
            return arg if arg not in COMMANDS and arg.lower().endswith(".klynge") else None
    return None


def _no_screen() -> bool:
    """On Linux/BSD a window needs X11 or Wayland, unless Qt is told otherwise (e.g. offscreen)."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return False
    return not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not valid UTF-8 is printed, not a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if argv == ["--version"]:  # answered before the command modules (pandas, reportlab ...) are imported
        print(f"KlyngeDesk {version()}")
        return 0
    _preselect_language(argv)
    project_to_open = _project_to_open(argv)
    if project_to_open:
        argv.remove(project_to_open)
    parser = build_parser("" if _window_only(argv) else _command_word(argv))
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
        if _no_screen():
            print(tr("No screen was found (DISPLAY is not set), so the window cannot open. The commands "
                     "work without a screen: see klyngedesk --help."), file=sys.stderr)
            return EXIT_REFUSED
        # stdlib only: names a missing system library before Qt would abort
        from klyngedesk.gui.system_libraries import missing_library_message, show_on_desktop
        if message := missing_library_message():
            print(message, file=sys.stderr)
            show_on_desktop(message)  # started from the start menu: no terminal shows stderr
            return EXIT_REFUSED
        from klyngedesk.gui.app import run_gui  # the only door from the CLI into Qt
        return run_gui(project=project_to_open, demo=args.demo, lang=args.lang)
    except BrokenPipeError:  # e.g. `klyngedesk inspect F --json | head`: the reader has stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KlyngeError as error:
        print(error.message(), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(tr("Stopped."), file=sys.stderr)
        return EXIT_REFUSED
    except OSError as error:  # a disk, a right or a path the command met: a sentence naming the file
        from klyngedesk.core.store.diagnose import explain_os

        print(explain_os(error).message(), file=sys.stderr)
        return EXIT_REFUSED
    except sqlite3.DatabaseError as error:  # met while reading a project file: damaged, or the disk failed
        from klyngedesk.core.store.diagnose import explain

        target = getattr(args, "project", None) or getattr(args, "path", None)
        if target is None:
            raise
        print(explain(Path(target), error, writing=False).message(), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:  # a bug: a calm sentence here, the traceback (never file contents) in the log
        from klyngedesk.core.logsetup import log_internal_error

        log = log_internal_error(f"klyngedesk {args.command or ''}".strip(), error)
        print(tr("Something unexpected went wrong. Your project file is safe: every change is saved as it "
                 "is made. The details are in the log file {path}.", path=str(log)), file=sys.stderr)
        return EXIT_INTERNAL
