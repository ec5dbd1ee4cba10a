"""The ``miro`` argument parser and :func:`main`, which runs a subcommand and turns bad input into one line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from miro.cli import cluster, compare_runs, evaluate, train
from miro.cli.models import MODEL_SOURCES
from miro.errors import MiroInputError

__all__ = ["main", "build_parser"]


class _UsageError(Exception):
    def __init__(self, message: str, prog: str):
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors become one line (see :func:`main`)."""

    def error(self, message):  # noqa: D401 - argparse API
        raise _UsageError(message, self.prog)


def build_parser() -> argparse.ArgumentParser:
    """The ``miro`` argument parser (subcommands cluster, evaluate, train, compare-runs)."""
    from miro import __version__

    parser = _Parser(
        prog="miro",
        description="MIRO: cluster single-molecule localizations with a graph neural network "
        "(Pineda et al.) followed by DBSCAN. All lengths are in nm.",
        epilog=MODEL_SOURCES + " Run 'miro <command> --help' for details.",
    )
    parser.add_argument("--version", action="version", version=f"miro {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    for command in (cluster, evaluate, train, compare_runs):
        command.add_parser(commands)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is so that its outputs and workers are cleaned up as on Ctrl-C."""


def _terminate(signum, frame):
    raise _Terminated()


def _error(message: str) -> None:
    line = " ".join(str(message).split())
    print(f"miro: error: {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the ``miro`` command line; return the exit status.

    0 on success; 2 for usage errors and bad input (one line on stderr:
    ``miro: error: ...``); 130 when interrupted (Ctrl-C), 143 when terminated
    (SIGTERM). Interrupted or not, no temporary file, partial output or
    worker process is left behind.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        _error(f"{error} (see '{error.prog} --help')")
        return 2
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return int(args.func(args) or 0)
    except _Terminated:
        _error("terminated (SIGTERM); no partial output was left")
        return 143
    except KeyboardInterrupt:
        _error("interrupted; no partial output was left")
        return 130
    except MiroInputError as error:
        _error(error)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        name = f"{error.filename}: " if error.filename else ""
        _error(f"{name}{error.strerror or error}; check the path and its permissions")
    except OSError as error:
        name = f"{error.filename}: " if getattr(error, "filename", None) else ""
        _error(f"{name}{error.strerror or error}")
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    return 2
