"""Help and start-up: readable help, defaults shown, hints for misspelt flags, no heavy imports.

The start-up checks look at ``sys.modules`` in a fresh interpreter after the command
returned: help, ``--version`` and refused input must answer before Mesa, pandas or
SciPy load (speed itself is measured by benchmarks/bench_startup.py, not here).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from coalition_sim.cli.main import COMMANDS, build_parser, main

HEAVY = ("mesa", "pandas", "scipy", "matplotlib", "solara")
MY_COMMANDS = ("run", "study", "export", "calibrate")
"""Commands whose every flag must state its default in its help."""


def help_of(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "coalition_sim.cli.main", *argv, "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def heavy_modules_after(argv: list[str]) -> tuple[int, list[str], str]:
    """(exit code, heavy modules imported, stderr) of ``main(argv)`` in a fresh interpreter."""
    code = (
        "import sys\n"
        "from coalition_sim.cli.main import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('RESULT', code, ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT")][-1].split(" ")
    return int(line[1]), [m for m in line[2:][0].split(",") if m] if len(line) > 2 else [], done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["run", "--help"],
        ["study", "--help"],
        ["export", "--help"],
        ["calibrate", "--help"],
        ["analyze", "--help"],
        ["compare", "--help"],
        ["scenario", "--help"],
        ["app", "--help"],
        ["animate", "--help"],
        ["run", "--orgz", "30"],
        ["run", "--steps", "0"],
        ["run", "--tolerance", "9"],
        ["run", "--governance", "nope"],
        ["study", "no-such-file.toml"],
        ["export", "no-such-store.sqlite"],
    ],
)
def test_help_version_and_refusals_answer_before_heavy_imports(argv):
    code, heavy, err = heavy_modules_after(argv)
    assert code in (0, 2), err
    assert heavy == [], f"{' '.join(argv)} imported {heavy}"


def test_run_help_is_clean_prose():
    text = help_of("run")
    assert "option_strings" not in text and "%(" not in text  # a stray % no longer leaks argparse internals
    assert "top 10%" in text
    assert not re.search(r"issue [0-9]", text), "users do not know our issue numbers"
    assert not re.search(r"\(seed [0-9]{3}", text), "sources are 'source text 000', not a --seed value"
    assert "source text 000" in text
    assert "--governance GOVERNANCE, --governance" not in text
    assert "--backbone, --backbone-strength BACKBONE_STRENGTH" in text


@pytest.mark.parametrize("command", MY_COMMANDS)
def test_every_flag_states_its_default(command):
    parser = build_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    for action in sub._actions:
        if not action.option_strings or action.help in (None, argparse.SUPPRESS) or action.required:
            continue
        if action.nargs == 0:  # an on/off switch: off unless given
            continue
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        assert "default" in action.help.lower(), f"{command} {action.option_strings[0]}: {action.help!r}"


def test_compare_help_shows_the_default_replications():
    assert "(default 300)" in " ".join(help_of("compare").split())


def test_every_command_is_listed_without_importing_it():
    text = help_of()
    for name in COMMANDS:
        assert name in text


def test_a_misspelt_flag_gets_a_did_you_mean(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "--orgz", "30"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean --orgs?" in err


def test_an_unknown_preset_names_the_flag_given(capsys):
    assert main(["calibrate", "--check-preset", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--check-preset 'nope' is unknown" in err and "--preset " not in err


def test_ctrl_c_anywhere_in_main_is_one_line_and_130(monkeypatch, capsys):
    import coalition_sim.cli.main as cli

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)  # as if Ctrl-C landed while importing
    assert cli.main(["run"]) == 130
    assert capsys.readouterr().err.strip() == "coalition-sim run: interrupted"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(28, "No space left on device", "/data/x.csv"), "/data/x.csv: the disk is full; free some space"),
        (OSError(30, "Read-only file system", "/ro/x"), "/ro/x: the disk is read-only; choose a writable place"),
        (PermissionError(13, "Permission denied", "/root/x"), "/root/x: permission denied"),
    ],
)
def test_operating_system_failures_are_one_line_exit_2(monkeypatch, capsys, error, expected):
    import coalition_sim.cli.commands.run as run

    def fail(_args):
        raise error

    monkeypatch.setattr(run, "main", fail)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err


def test_a_dead_worker_outside_a_study_is_one_line(monkeypatch, capsys):
    from concurrent.futures.process import BrokenProcessPool

    import coalition_sim.cli.commands.run as run

    def die(_args):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(run, "main", die)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a worker process died" in err


def test_a_bug_is_not_disguised_as_bad_input(monkeypatch):
    import coalition_sim.cli.commands.run as run

    def bug(_args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(run, "main", bug)
    with pytest.raises(ZeroDivisionError):
        main(["run"])
