"""Resume: an interrupted study, run again, ends with the tables of an uninterrupted one."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from coalition_sim import load_results
from coalition_sim.studies.store import Store
from coalition_sim.studies.study import run_study
from coalition_sim.studies.study_file import load_study

STUDY = """\
name = "resume_test"
steps = 24
replications = 12
master_seed = 21
series = ["members", "energy"]

[fixed]
n_orgs = 15

[varied]
governance = ["consensus", "opt-in"]
backbone_strength = [0.0, 1.0]
"""
RUNS = 2 * 2 * 12
POLL_LIMIT_S = 120


def tables(store: Path) -> dict[str, pd.DataFrame]:
    """Everything a study produced except wall-clock run times."""
    results = load_results(store)
    return {"runs": results.runs.drop(columns="runtime_s"), "series": results.series, "exits": results.exits}


def assert_same_tables(a: Path, b: Path) -> None:
    left, right = tables(a), tables(b)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("resume") / "study.toml"
    path.write_text(STUDY)
    return path


@pytest.fixture(scope="module")
def uninterrupted(study_file) -> Path:
    store = study_file.parent / "whole.sqlite"
    run_study(study_file, store, workers=1, progress=False)
    return store


def committed(store: Path) -> int:
    if not store.exists():
        return 0
    conn = sqlite3.connect(store, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:  # created but not moved in yet / schema not visible
        return 0
    finally:
        conn.close()


def test_a_study_that_raises_mid_way_resumes_to_identical_tables(study_file, uninterrupted, tmp_path, monkeypatch):
    store = tmp_path / "broken.sqlite"
    original = Store.write
    writes = []

    def write_then_interrupt(self, run, result, block=None):
        if len(writes) == 10:
            raise KeyboardInterrupt  # Ctrl-C while the pool has more runs in flight
        writes.append(run.run_id)
        original(self, run, result, block)

    monkeypatch.setattr(Store, "write", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_study(study_file, store, workers=2, progress=False)
    monkeypatch.setattr(Store, "write", original)
    assert committed(store) == 10
    outcome = run_study(study_file, store, workers=2, progress=False)
    assert (outcome.skipped, outcome.completed) == (10, RUNS - 10)
    assert_same_tables(store, uninterrupted)


def _start_cli(study_file: Path, store: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "coalition_sim.cli.main",
        "study",
        str(study_file),
        "--out",
        str(store),
        "--workers",
        "2",
        "--no-progress",
    ]
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=study_file.parent
    )


def _wait_for_runs(process: subprocess.Popen, store: Path, at_least: int) -> int:
    deadline = time.monotonic() + POLL_LIMIT_S
    while (count := committed(store)) < at_least:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the study did not commit runs in time"
        time.sleep(0.05)  # polling the store; the condition, not the sleep, is the sync
    return count


def test_a_killed_study_resumes_with_no_duplicate_and_no_missing_run(study_file, uninterrupted, tmp_path):
    store = tmp_path / "killed.sqlite"
    process = _start_cli(study_file, store)
    _wait_for_runs(process, store, at_least=4)
    os.killpg(process.pid, signal.SIGKILL)  # the parent and its pool workers, no clean-up
    process.communicate()
    before = committed(store)
    assert 4 <= before < RUNS, "the kill must land mid-study"
    outcome = run_study(study_file, store, workers=2, progress=False)
    assert outcome.skipped == before and outcome.completed == RUNS - before
    ids = tables(store)["runs"]["run_id"]
    assert ids.tolist() == list(range(RUNS))  # no missing and (primary key) no duplicate run
    assert_same_tables(store, uninterrupted)


def test_ctrl_c_exits_130_and_says_how_to_resume(study_file, uninterrupted, tmp_path):
    store = tmp_path / "ctrl_c.sqlite"
    process = _start_cli(study_file, store)
    _wait_for_runs(process, store, at_least=4)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Resume with the same command" in err and "Traceback" not in err, err
    assert committed(store) < RUNS
    from coalition_sim.cli.main import main as cli

    assert cli(["study", str(study_file), "--out", str(store), "--workers", "2", "--no-progress"]) == 0
    assert_same_tables(store, uninterrupted)


def test_the_spec_expands_to_the_same_runs_whatever_was_done_before(study_file):
    spec = load_study(study_file)
    everything = {r.run_id: r for r in spec.runs()}
    rest = list(spec.runs(skip={0, 5, 7}))
    assert [r.run_id for r in rest] == [i for i in range(RUNS) if i not in {0, 5, 7}]
    assert all(everything[r.run_id] == r for r in rest)
