"""``coalition-sim run``: a readable summary, CSV/JSON output, one-line errors."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from coalition_sim.cli.main import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "coalition_sim.cli.main", *args], capture_output=True, text=True)


def test_issue_command_prints_a_summary_and_writes_files(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "--governance",
            "opt-in",
            "--backbone",
            "0.8",
            "--orgs",
            "30",
            "--steps",
            "120",
            "--seed",
            "7",
            "--out",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "opt-in governance, backbone 0.8, 30 organizations" in text
    assert ("ENDURED" in text) or ("DISSOLVED" in text)
    assert "month members" in text.replace("  ", " ")
    series = pd.read_csv(out / "timeseries.csv")
    record = json.loads((out / "summary.json").read_text())
    assert record["parameters"]["governance"] == "opt-in" and record["parameters"]["seed"] == 7
    assert len(series) == record["summary"]["lifetime"] + 1
    assert set(record["summary"]) >= {"endured", "lifetime", "cause", "total_impact", "churn"}


def test_same_seed_same_output(tmp_path, capsys):
    main(["run", "--seed", "3", "--steps", "24"])
    first = capsys.readouterr().out
    main(["run", "--seed", "3", "--steps", "24"])
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    "args, field",
    [
        (["--orgs", "0"], "n_orgs"),
        (["--backbone", "1.5"], "backbone_strength"),
        (["--governance", "sortition"], "governance"),
        (["--disabled-effects", "vison"], "disabled_effects"),
        (["--steps", "0"], "--steps"),
    ],
)
def test_bad_input_one_line_exit_2_no_traceback_nothing_written(tmp_path, args, field):
    out = tmp_path / "never"
    result = run_cli("run", *args, "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unparseable_flag_is_argparse_exit_2():
    result = run_cli("run", "--orgs", "many")
    assert result.returncode == 2 and "Traceback" not in result.stderr
