"""The ``coalition-sim`` command line.

Each subcommand lives in its own module under ``coalition_sim/cli/commands/`` and
exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``main(args) -> int``.
Adding a command means adding a module and its name to COMMANDS; nothing else.
Bad input raises :class:`~coalition_sim.util.errors.InputError`: printed as one line,
no traceback, exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from coalition_sim.util.errors import InputError

COMMANDS = ("run", "study", "analyze", "export", "app", "animate", "scenario", "compare", "calibrate")
"""Subcommands, each a module in coalition_sim.cli.commands (missing ones are skipped)."""

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2 (argparse's own convention)."""

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand (or just ``only``, so start-up stays fast)."""
    parser = _Parser(prog="coalition-sim", description="Agent-based simulation of coalition dynamics.")
    from coalition_sim import __version__

    parser.add_argument("--version", action="version", version=f"coalition-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"coalition_sim.cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"coalition_sim.cli.commands.{name}":
                continue
            raise
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(handler=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(first if first in COMMANDS else None).parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"coalition-sim {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"coalition-sim {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
