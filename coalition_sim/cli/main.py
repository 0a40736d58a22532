"""The ``coalition-sim`` command line.

Each subcommand lives in its own module under ``coalition_sim/cli/commands/`` and
exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``main(args) -> int``.
Adding a command means adding a module and its name to COMMANDS; nothing else.

Only the command being run is imported (the others' one-line ``HELP`` is read from
their source), so ``--help``, ``--version`` and refused input answer before Mesa,
pandas or SciPy load. Every failure ends in one line on stderr and an exit code:
2 for bad input or an operational failure (disk full, read-only place, damaged
store), 130 for Ctrl-C (at any moment, start-up included), 141 when the reader of
our output went away (``... | head``), silently.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import os
import sys

COMMANDS = ("run", "study", "analyze", "export", "app", "animate", "scenario", "compare", "calibrate")
"""Subcommands, each a module in coalition_sim.cli.commands (missing ones are skipped)."""

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a writer whose reader closed the pipe."""
PROG = "coalition-sim"


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error, exit code 2, and "did you mean" for misspelt flags."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def parse_args(self, args=None, namespace=None):
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self._command_parser(parsed)
            hint = flag_hint(extras, command)
            command.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed

    def _command_parser(self, parsed) -> argparse.ArgumentParser:
        """The (innermost) subcommand parser that was chosen, else this one."""
        parser = self
        while True:
            subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
            chosen = subs and getattr(parsed, subs[0].dest, None)
            if not chosen or chosen not in subs[0].choices:
                return parser
            parser = subs[0].choices[chosen]


class _HelpFormatter(argparse.HelpFormatter):
    """Lists ``--governance, --governance-rule X`` once per flag, with the metavar only at the end."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        metavar = self._format_args(action, self._get_default_metavar_for_optional(action))
        return ", ".join(dict.fromkeys(action.option_strings)) + f" {metavar}"


def flag_hint(extras: list[str], parser: argparse.ArgumentParser) -> str:
    """' (did you mean --orgs?)' for the first unknown flag that is close to a known one, else ''."""
    import difflib

    known = [s for s in parser._option_string_actions if s.startswith("--")]
    for token in extras:
        if token.startswith("--"):
            close = difflib.get_close_matches(token.split("=", 1)[0], known, n=1, cutoff=0.6)
            if close:
                return f" (did you mean {close[0]}?)"
    return ""


def command_help(name: str) -> str | None:
    """A command module's ``HELP`` line, read from its source without importing it (None if absent)."""
    spec = importlib.util.find_spec(f"coalition_sim.cli.commands.{name}")
    if spec is None or not spec.origin:
        return None
    with open(spec.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "HELP" for t in node.targets):
            return ast.literal_eval(node.value)
    return ""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser; the arguments of ``only`` (else of every command) are added.

    Args:
        only: the command about to run; other commands are listed by name and HELP alone.
    """
    parser = _Parser(prog=PROG, description="Agent-based simulation of coalition dynamics.")
    from coalition_sim import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        text = command_help(name)
        if text is None:
            continue
        command = sub.add_parser(name, help=text, description=text)
        if only is None or name == only:
            module = importlib.import_module(f"coalition_sim.cli.commands.{name}")
            module.add_arguments(command)
            command.set_defaults(handler=module.main)
    return parser


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first word that is one), or None."""
    for token in argv:
        if not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: parse, run, and turn every failure into one line."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = chosen_command(argv) or ""
    label = f"{PROG} {command}".strip()
    try:
        args = build_parser(command or "-").parse_args(argv)
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at exit
        return code
    except KeyboardInterrupt:
        print(f"\n{label}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        message = failure_message(exc)
        if message is None:
            raise
        print(f"{label}: error: {message}", file=sys.stderr)
        return EXIT_USAGE


def failure_message(exc: BaseException) -> str | None:
    """One line for bad input or an operational failure; None for a bug (shown as a traceback)."""
    from coalition_sim.util.errors import InputError
    from coalition_sim.util.output import describe_os_error

    if isinstance(exc, InputError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{describe_os_error(exc)}"
    if type(exc).__name__ == "BrokenProcessPool":
        return "a worker process died (killed, or out of memory?); rerun the command"
    if type(exc).__module__ == "sqlite3":
        return f"results store: {exc}; if the store is damaged, move it aside and rerun the study"
    return None


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so Python's exit flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def entry() -> None:
    """The console script: :func:`main`, then exit with its code.

    After Ctrl-C, exit at once with 130: when the interrupt landed inside code that
    CPython runs through its own evaluation helpers (some imports do), the interpreter
    would otherwise re-raise SIGINT at shutdown and the shell would see a signal
    instead of the exit code. Everything worth keeping is written and flushed by then.
    """
    code = main()
    if code == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
