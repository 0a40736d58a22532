"""Fault injection: every failure a user can cause or suffer ends in one line and a clear exit code.

Each test breaks something for real (kill -9, SIGINT, a second writer, a full or
read-only disk, a damaged page, --out in the wrong place) and checks: one line on
stderr, exit 2 (130 for Ctrl-C), nothing half-written, and that a rerun ends with
the tables of an uninterrupted study. Disks are small tmpfs or read-only bind
mounts where this process may mount them (root); elsewhere those tests skip and the
stub-based tests in tests/util and tests/studies cover the same code paths.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coalition_sim import load_results
from coalition_sim.studies.store_lock import WriterLock
from coalition_sim.studies.study import run_study

STUDY = """\
name = "fault_test"
steps = 60
replications = 120
master_seed = 5
series = ["members", "energy", "mean_trust"]

[fixed]
n_orgs = 20

[varied]
governance = ["consensus", "opt-in"]
backbone_strength = [0.0, 1.0]
"""
RUNS = 2 * 2 * 120
LONG_STUDY = STUDY.replace("replications = 120", "replications = 25000")
LONG_RUNS = 2 * 2 * 25000
"""A study that cannot finish before a test interrupts it, however fast the model or slow the test."""
DEADLINE_S = 120
"""Longest wait for a condition (a generous ceiling on a loaded machine, never a timing)."""


# ------------------------------------------------------------------ helpers
def cli(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run the command line in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "coalition_sim.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        **kwargs,
    )


def as_from_a_terminal() -> None:
    """In the child before it runs: Ctrl-C handled and not held back, as a user's terminal starts a command.

    A test worker's own signal state (a handler set to ignore, a mask holding SIGINT back) is inherited by
    the processes it starts; the command would then never see the interrupt the test sends it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def start(*args: str, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "coalition_sim.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        preexec_fn=as_from_a_terminal,
    )


def one_line(stderr: str) -> str:
    """The only line on stderr (no traceback), besides the banner of a study that started."""
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("Study '")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def tables(store: Path) -> dict[str, pd.DataFrame]:
    results = load_results(store)
    return {"runs": results.runs.drop(columns="runtime_s"), "series": results.series, "exits": results.exits}


def assert_same_tables(a: Path, b: Path) -> None:
    left, right = tables(a), tables(b)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def committed(store: Path) -> int:
    if not store.exists():
        return 0
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def wait_until(condition, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + DEADLINE_S
    while not (value := condition()):
        if process is not None:
            assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # polling; the condition, not the sleep, is the synchronisation
    return value


def children(pid: int) -> dict[int, str]:
    """Live child processes of ``pid``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextlib.contextmanager
def mounted(target: Path, *options: str):
    """Mount a tmpfs (``-t tmpfs -o size=..``) or a read-only bind at ``target``, or skip."""
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()})")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextlib.contextmanager
def read_only_view(source: Path, target: Path):
    """``source`` seen read-only at ``target`` (a bind mount remounted ro), or skip."""
    with mounted(target, "--bind", str(source)):
        done = subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only ({done.stderr.strip()})")
        yield target


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "study.toml"
    path.write_text(STUDY)
    return path


@pytest.fixture(scope="module")
def long_study_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults_long") / "study.toml"
    path.write_text(LONG_STUDY)
    return path


@pytest.fixture(scope="module")
def uninterrupted(study_file) -> Path:
    store = study_file.parent / "whole" / "results.sqlite"
    run_study(study_file, store, workers=1, progress=False)
    return store


@pytest.fixture
def finished_copy(uninterrupted, tmp_path) -> Path:
    """A copy of the finished store in a folder of its own."""
    folder = tmp_path / "finished"
    folder.mkdir()
    shutil.copy(uninterrupted, folder / "results.sqlite")
    return folder / "results.sqlite"


def study_args(study_file: Path, store: Path, *extra: str) -> list[str]:
    return ["study", str(study_file), "--out", str(store), "--workers", "2", "--no-progress", *extra]


# ------------------------------------------------------------------ kill -9
def test_kill_9_of_the_parent_leaves_no_worker_and_the_rerun_completes(study_file, uninterrupted, tmp_path):
    store = tmp_path / "killed.sqlite"
    process = start(*study_args(study_file, store))
    wait_until(lambda: committed(store) >= 4, "the first runs", process)
    workers = children(process.pid)
    assert workers, "the study should run a pool"
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    wait_until(lambda: not any(alive(pid) for pid in workers), "the orphaned workers to exit")
    before = committed(store)
    assert before < RUNS, "the kill must land mid-study"
    rerun = cli(*study_args(study_file, store))
    assert rerun.returncode == 0, rerun.stderr
    assert f"{before} already there" in rerun.stdout
    assert_same_tables(store, uninterrupted)


def test_a_killed_worker_is_replaced_and_the_study_completes(study_file, uninterrupted, tmp_path):
    store = tmp_path / "worker.sqlite"
    process = start(*study_args(study_file, store))
    wait_until(lambda: committed(store) >= 4, "the first runs", process)
    workers = [pid for pid, cmd in children(process.pid).items() if "resource_tracker" not in cmd]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    out, err = process.communicate(timeout=DEADLINE_S)
    assert process.returncode == 0, err
    assert "A worker process died" in err and "Traceback" not in err
    assert "No run failed" in out
    assert_same_tables(store, uninterrupted)


# ------------------------------------------------------------------ Ctrl-C during start-up
def test_ctrl_c_during_start_up_is_one_line_and_exit_130(long_study_file, tmp_path):
    store = tmp_path / "sigint.sqlite"
    args = [sys.executable, "-X", "importtime", "-m", "coalition_sim.cli.main", *study_args(long_study_file, store)]
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal
    )
    seen = []
    for line in process.stderr:  # -X importtime reports each import as it ends: a start-up clock
        seen.append(line)
        if line.rstrip().endswith("coalition_sim.studies.study_file"):
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    process.wait(timeout=DEADLINE_S)
    message = [line for line in rest.splitlines() if not line.startswith("import time:")]
    assert process.returncode == 130, rest
    assert "interrupted" in one_line("\n".join(message))
    assert not store.exists() or committed(store) < LONG_RUNS


# ------------------------------------------------------------------ a second writer
def test_a_second_writer_is_refused_naming_the_first(study_file, uninterrupted, tmp_path):
    store = tmp_path / "locked.sqlite"
    with WriterLock(store):  # this test process plays the first study
        second = cli(*study_args(study_file, store))
    assert second.returncode == 2
    assert f"another study (pid {os.getpid()}) is writing to this store" in one_line(second.stderr)
    assert not store.exists(), "the refused writer must not create the store"
    rerun = cli(*study_args(study_file, store))
    assert rerun.returncode == 0, rerun.stderr
    assert_same_tables(store, uninterrupted)


def test_two_studies_started_together_one_refused_or_both_consistent(study_file, uninterrupted, tmp_path):
    store = tmp_path / "race.sqlite"
    first, second = start(*study_args(study_file, store)), start(*study_args(study_file, store))
    outcomes = [(p.wait(timeout=DEADLINE_S * 2), p.communicate()) for p in (first, second)]
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 2]), outcomes  # 0, 0 only if one started after the other finished
    for code, (_, err) in outcomes:
        if code == 2:
            assert "is writing to this store" in one_line(err)
    assert_same_tables(store, uninterrupted)


# ------------------------------------------------------------------ a full disk
def test_a_full_disk_is_one_line_and_the_rerun_completes(study_file, uninterrupted, tmp_path):
    disk = tmp_path / "disk"
    with mounted(disk, "-t", "tmpfs", "-o", "size=400k", "tmpfs"):
        store = disk / "results.sqlite"
        full = cli(*study_args(study_file, store))
        assert full.returncode == 2, full.stderr
        line = one_line(full.stderr)
        assert "full" in line and "rerun the same command to resume" in line
        saved = committed(store)
        assert 0 < saved < RUNS
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        rerun = cli(*study_args(study_file, store))
        assert rerun.returncode == 0, rerun.stderr
        assert f"{saved} already there" in rerun.stdout
        assert_same_tables(store, uninterrupted)


def test_a_full_disk_under_export_leaves_nothing_half_written(finished_copy, tmp_path):
    disk = tmp_path / "small"
    with mounted(disk, "-t", "tmpfs", "-o", "size=64k", "tmpfs"):
        done = cli("export", str(finished_copy), "--out", str(disk / "export"))
        assert done.returncode == 2
        assert "disk is full" in one_line(done.stderr)
        assert list(disk.iterdir()) == [], "nothing half-written, no empty folder"


def test_a_full_disk_under_compare_leaves_nothing_half_written(tmp_path):
    scenario = tmp_path / "scenario.toml"
    assert cli("scenario", "template", "--out", str(scenario)).returncode == 0
    disk = tmp_path / "small"
    with mounted(disk, "-t", "tmpfs", "-o", "size=48k", "tmpfs"):
        args = ["compare", str(scenario), "--replications", "10", "--workers", "1", "--no-progress"]
        done = cli(*args, "--out", str(disk / "report"))
        assert done.returncode == 2
        assert "disk is full" in one_line(done.stderr)
        assert list(disk.iterdir()) == []


# ------------------------------------------------------------------ a damaged store
def damage(store: Path, page_fraction: float) -> None:
    """Overwrite one 4 KiB page with random bytes (seeded), as a failing disk might."""
    size = store.stat().st_size
    page = int(size / 4096 * page_fraction)
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with open(store, "r+b") as handle:
        handle.seek(page * 4096)
        handle.write(noise)


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_damaged_store_is_refused_by_study_analyze_and_export(study_file, finished_copy, tmp_path, fraction):
    damage(finished_copy, fraction)
    for args in (
        study_args(study_file, finished_copy),
        ["analyze", str(finished_copy), "--out", str(tmp_path / "analysis")],
        ["export", str(finished_copy), "--out", str(tmp_path / "export")],
    ):
        done = cli(*args)
        assert done.returncode == 2, (args[0], done.stderr)
        assert "damaged" in one_line(done.stderr), args[0]
    assert not (tmp_path / "analysis").exists() and not (tmp_path / "export").exists()


# ------------------------------------------------------------------ read-only places
def test_a_finished_study_on_a_read_only_disk_needs_no_write(study_file, finished_copy, tmp_path):
    with read_only_view(finished_copy.parent, tmp_path / "ro") as view:
        store = view / "results.sqlite"
        again = cli(*study_args(study_file, store))
        assert again.returncode == 0, again.stderr
        assert f"{RUNS} already there" in again.stdout
        exported = cli("export", str(store), "--out", str(tmp_path / "export"))
        assert exported.returncode == 0, exported.stderr
        refused = cli("export", str(store))  # default: export/ beside the store, on the read-only disk
        assert refused.returncode == 2
        assert "read-only" in one_line(refused.stderr)


def test_an_unfinished_study_on_a_read_only_disk_is_one_line(long_study_file, tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    store = folder / "results.sqlite"
    process = start(*study_args(long_study_file, store))
    wait_until(lambda: committed(store) >= 4, "the first runs", process)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=DEADLINE_S)
    assert process.returncode == 130 and 4 <= committed(store) < LONG_RUNS, "the Ctrl-C must land mid-study"
    with read_only_view(folder, tmp_path / "ro") as view:
        done = cli(*study_args(long_study_file, view / "results.sqlite"))
    assert done.returncode == 2
    assert "read-only" in one_line(done.stderr)


# ------------------------------------------------------------------ --out in the wrong place
def test_out_onto_a_file_is_refused_before_any_work(study_file, finished_copy, tmp_path):
    a_file = tmp_path / "taken.txt"
    a_file.write_text("keep me\n")
    scenario = tmp_path / "scenario.toml"
    assert cli("scenario", "template", "--out", str(scenario)).returncode == 0
    for args in (
        ["run", "--steps", "12", "--out", str(a_file)],
        ["export", str(finished_copy), "--out", str(a_file)],
        ["analyze", str(finished_copy), "--out", str(a_file)],
        ["compare", str(scenario), "--replications", "10", "--out", str(a_file)],
        ["study", str(study_file), "--out", str(a_file / "results.sqlite")],
    ):
        done = cli(*args)
        assert done.returncode == 2, (args[0], done.stderr)
        assert str(a_file) in one_line(done.stderr), args[0]
        assert done.stdout == "", f"{args[0]} computed before refusing"
    assert a_file.read_text() == "keep me\n"


def test_out_in_a_read_only_folder_is_refused_before_any_work(finished_copy, tmp_path):
    (tmp_path / "shelf").mkdir()
    with read_only_view(tmp_path / "shelf", tmp_path / "ro") as view:
        for args in (
            ["run", "--steps", "12", "--out", str(view / "run")],
            ["export", str(finished_copy), "--out", str(view / "export")],
            ["analyze", str(finished_copy), "--out", str(view / "analysis")],
        ):
            done = cli(*args)
            assert done.returncode == 2, (args[0], done.stderr)
            assert "read-only" in one_line(done.stderr), args[0]
            assert done.stdout == "", f"{args[0]} computed before refusing"


def test_out_on_a_mount_point_of_another_filesystem_works(finished_copy, tmp_path):
    with mounted(tmp_path / "mnt", "-t", "tmpfs", "-o", "size=16m", "tmpfs") as point:
        exported = cli("export", str(finished_copy), "--out", str(point))
        assert exported.returncode == 0, exported.stderr
        ran = cli("run", "--steps", "12", "--seed", "1", "--out", str(point))
        assert ran.returncode == 0, ran.stderr
        names = sorted(p.name for p in point.iterdir())
    assert names == sorted(["runs.csv", "series.csv", "exits.csv", "study.json", "timeseries.csv", "summary.json"])


# ------------------------------------------------------------------ a closed pipe
def test_a_closed_pipe_ends_quietly():
    process = subprocess.Popen(
        [sys.executable, "-m", "coalition_sim.cli.main", "scenario", "template"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `| head -1` that has read its line
    err = process.stderr.read().decode()
    process.wait(timeout=DEADLINE_S)
    assert process.returncode == 141, err
    assert err == ""
