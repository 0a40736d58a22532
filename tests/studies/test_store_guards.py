"""Store guards: one writer, integrity on open, read-only finished studies, full disks, dead workers.

In-process and stub-based, so they run anywhere (tests/cli/test_faults.py does the
same for real, with mounts and signals, where it may).
"""

from __future__ import annotations

import sqlite3
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pytest

from coalition_sim import load_results
from coalition_sim.studies.store import Store, check_integrity, stored_runs
from coalition_sim.studies.store_lock import WriterLock, lock_path
from coalition_sim.studies.study import run_study
from coalition_sim.studies.study_file import load_study
from coalition_sim.util.errors import InputError

STUDY = """\
name = "guards"
steps = 12
replications = 5
master_seed = 3
series = ["members"]

[fixed]
n_orgs = 8

[varied]
governance = ["consensus", "opt-in"]
"""
RUNS = 10


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(STUDY)
    return load_study(path)


@pytest.fixture
def finished(spec, tmp_path) -> Path:
    store = tmp_path / "done" / "results.sqlite"
    run_study(spec, store, workers=1, progress=False)
    return store


def runs_table(store: Path) -> pd.DataFrame:
    return load_results(store).runs.drop(columns="runtime_s")


# ------------------------------------------------------------------ the lock
def test_a_second_writer_is_refused_naming_the_pid(spec, tmp_path):
    store = tmp_path / "s.sqlite"
    with Store.open(store, spec), pytest.raises(InputError, match=r"another study \(pid \d+\) is writing"):
        Store.open(store, spec)
    assert not lock_path(store).exists(), "the lock file goes with the writer"
    Store.open(store, spec).close()  # free again


def test_the_lock_names_the_holder_and_is_released_on_exit(tmp_path):
    store = tmp_path / "x.sqlite"
    with WriterLock(store):
        assert lock_path(store).read_text().strip().isdigit()
        with pytest.raises(InputError, match="another study"):
            WriterLock(store).acquire()
    with WriterLock(store):
        pass


def test_a_store_that_cannot_be_made_leaves_no_folder_behind(spec, tmp_path, monkeypatch):
    from coalition_sim.studies import store as store_module

    def full(*_args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_module, "_create", full)
    with pytest.raises(sqlite3.OperationalError):
        Store.open(tmp_path / "new" / "deeper" / "s.sqlite", spec)
    assert list(tmp_path.iterdir()) == [tmp_path / "study.toml"]


# ------------------------------------------------------------------ integrity
def test_a_store_missing_series_is_refused(finished):
    conn = sqlite3.connect(finished)
    with conn:
        conn.execute("DELETE FROM series WHERE run_id = 3")
    conn.close()
    with pytest.raises(InputError, match="1 finished runs lack their monthly series"):
        check_integrity(finished)
    with pytest.raises(InputError, match="damaged"):
        load_results(finished)


def test_garbage_where_a_store_should_be_is_refused(tmp_path):
    bad = tmp_path / "results.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x17" * 8000)
    with pytest.raises(InputError):
        load_results(bad)


def test_a_sound_store_passes(finished):
    check_integrity(finished)
    assert stored_runs(finished) == (set(range(RUNS)), 0)


# ------------------------------------------------------------------ finished studies only read
def test_a_finished_study_does_not_open_its_store_for_writing(spec, finished, monkeypatch):
    def no_writing(*_args, **_kwargs):
        raise AssertionError("a finished study must not write")

    monkeypatch.setattr(Store, "open", no_writing)
    outcome = run_study(spec, finished, workers=1, progress=False)
    assert (outcome.total, outcome.skipped, outcome.completed) == (RUNS, RUNS, 0)


# ------------------------------------------------------------------ a full disk
def test_a_full_disk_says_what_is_saved_and_the_rerun_completes(spec, finished, tmp_path, monkeypatch):
    store = tmp_path / "full.sqlite"
    real_write = Store.write
    calls = {"n": 0}

    def fill_up(self, run, result, block=None):
        calls["n"] += 1
        if calls["n"] > 4:
            raise sqlite3.OperationalError("database or disk is full")
        real_write(self, run, result, block)

    monkeypatch.setattr(Store, "write", fill_up)
    with pytest.raises(InputError, match=r"database or disk is full\); 4 of 10 runs are saved.*rerun"):
        run_study(spec, store, workers=1, progress=False)
    monkeypatch.setattr(Store, "write", real_write)
    assert run_study(spec, store, workers=1, progress=False).skipped == 4
    pd.testing.assert_frame_equal(runs_table(store), runs_table(finished))


# ------------------------------------------------------------------ dead workers
def test_runs_lost_with_a_dead_pool_are_retried(spec, finished, tmp_path, monkeypatch, capsys):
    from coalition_sim.studies import runner

    attempts = {"n": 0}
    real_run_many = runner.run_many

    def dying(specs, **kwargs):
        attempts["n"] += 1
        results = real_run_many(specs, **kwargs)
        for i, result in enumerate(results):
            if attempts["n"] == 1 and i == 3:
                raise BrokenProcessPool("a worker died")
            yield result

    monkeypatch.setattr(runner, "run_many", dying)
    store = tmp_path / "retried.sqlite"
    outcome = run_study(spec, store, workers=1, progress=False)
    assert attempts["n"] == 2
    assert outcome.completed == RUNS
    assert "A worker process died; 3 of 10 runs are saved" in capsys.readouterr().err
    pd.testing.assert_frame_equal(runs_table(store), runs_table(finished))


def test_workers_that_keep_dying_end_in_one_line(spec, tmp_path, monkeypatch):
    from coalition_sim.studies import runner

    def always_dying(specs, **kwargs):
        raise BrokenProcessPool("a worker died")
        yield  # pragma: no cover

    monkeypatch.setattr(runner, "run_many", always_dying)
    with pytest.raises(InputError, match=r"worker processes died 3 times.*0 of 10 runs are saved.*rerun"):
        run_study(spec, tmp_path / "dead.sqlite", workers=1, progress=False)


# ------------------------------------------------------------------ provenance for committed reports
def test_reproducible_provenance_is_the_same_for_two_stores_of_one_study(spec, finished, tmp_path):
    again = tmp_path / "again.sqlite"
    run_study(spec, again, workers=1, progress=False)
    a, b = load_results(finished), load_results(again)
    assert a.reproducible_provenance == b.reproducible_provenance
    assert a.reproducible_provenance["spec_hash"] == spec.spec_hash()
    assert "created" not in a.reproducible_provenance and "git_commit" not in a.reproducible_provenance
    assert "created" in a.provenance
