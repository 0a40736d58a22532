"""The runner: same seed -> same result on any executor; failures are data; flat in-flight work."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import threading

import numpy as np
import pandas as pd
import pytest

from coalition_sim.studies.runner import FAILED, OK, RunSpec, run_many, run_one, spawn_seeds

MONTHS = 12


def _specs(n: int, master: int = 11) -> list[RunSpec]:
    seeds = spawn_seeds(master, n)
    rules = ("consensus", "opt-in")
    return [
        RunSpec(i, i // 2, i % 2, {"governance": rules[i % 2], "n_orgs": 12}, seed, MONTHS)
        for i, seed in enumerate(seeds)
    ]


def _table(results) -> pd.DataFrame:
    rows = [{"run_id": r.run_id, "status": r.status, **r.summary} for r in results]
    return pd.DataFrame(rows).sort_values("run_id").reset_index(drop=True)


def test_spawn_seeds_are_a_prefix_stable_function_of_the_master_seed():
    assert spawn_seeds(5, 10)[:4] == spawn_seeds(5, 4)
    assert spawn_seeds(5, 4) != spawn_seeds(6, 4)
    seeds = spawn_seeds(5, 1000)
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)


def test_run_one_matches_the_model_called_directly():
    from coalition_sim import CoalitionModel

    spec = _specs(1)[0]
    result = run_one(spec)
    model = CoalitionModel(**spec.params, seed=spec.seed).run(MONTHS)
    assert result.status == OK and result.error == ""
    assert result.summary == model.summary()
    expected = model.datacollector.get_model_vars_dataframe()
    np.testing.assert_allclose(result.series.to_numpy(), expected.to_numpy())
    assert result.exits == model.exit_record()
    assert result.runtime_s > 0


def test_run_one_keeps_only_the_named_series_or_none():
    spec = _specs(1)[0]
    assert list(run_one(spec, ["members", "energy"]).series.columns) == ["members", "energy"]
    assert run_one(spec, False).series is None
    empty = run_one(spec, [])
    assert empty.status == OK and empty.series is None


def test_a_run_that_raises_is_returned_as_failed_with_its_traceback():
    bad = RunSpec(0, 0, 0, {"n_orgs": 0}, 1, MONTHS)
    result = run_one(bad)
    assert result.status == FAILED
    assert result.summary == {} and result.series is None
    assert "Traceback" in result.error and "n_orgs" in result.error


def test_pool_gives_the_same_results_as_this_process_and_keeps_failures():
    specs = _specs(10)
    specs[4] = RunSpec(4, 2, 0, {"n_orgs": 0}, specs[4].seed, MONTHS)
    serial = list(run_many(specs, workers=1, progress=False))
    pooled = list(run_many(specs, workers=2, progress=False, chunk_size=3))
    assert sorted(r.run_id for r in pooled) == list(range(10))
    pd.testing.assert_frame_equal(_table(serial), _table(pooled))
    assert [r.status for r in sorted(pooled, key=lambda r: r.run_id)].count(FAILED) == 1


class CountingExecutor(cf.ThreadPoolExecutor):
    """A thread pool that records the most tasks outstanding at once."""

    def __init__(self):
        super().__init__(max_workers=2)
        self.lock = threading.Lock()
        self.outstanding = 0
        self.peak = 0

    def submit(self, fn, *args, **kwargs):
        with self.lock:
            self.outstanding += 1
            self.peak = max(self.peak, self.outstanding)
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future):
        with self.lock:
            self.outstanding -= 1


def test_any_executor_is_accepted_and_in_flight_work_is_bounded():
    specs = _specs(12)
    with CountingExecutor() as pool:
        results = list(run_many((s for s in specs), executor=pool, progress=False, chunk_size=1, max_in_flight=3))
    assert pool.peak <= 3
    assert sorted(r.run_id for r in results) == list(range(12))
    pd.testing.assert_frame_equal(_table(results), _table(run_many(specs, workers=1, progress=False)))


def test_zero_workers_is_refused():
    from coalition_sim.util.errors import InputError

    with pytest.raises(InputError, match="workers=0"):
        list(run_many(_specs(1), workers=0, progress=False))


def test_finished_models_are_freed_so_memory_stays_flat():
    import gc

    from coalition_sim import CoalitionModel

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, CoalitionModel) for o in gc.get_objects())

    before = alive()
    for spec in _specs(5):
        run_one(spec)
    assert alive() == before


def test_ctrl_c_while_the_pool_spawns_still_stops_the_study(monkeypatch):
    """A Ctrl-C that lands while the workers are being started is held back, not lost."""
    submit = cf.ProcessPoolExecutor.submit
    sent = []

    def submit_then_ctrl_c(self, fn, *args, **kwargs):
        future = submit(self, fn, *args, **kwargs)
        if not sent:  # the first worker has just been started: the window that used to drop it
            sent.append(os.getpid())
            os.kill(os.getpid(), signal.SIGINT)
        return future

    monkeypatch.setattr(cf.ProcessPoolExecutor, "submit", submit_then_ctrl_c)
    finished = []
    with pytest.raises(KeyboardInterrupt):
        for result in run_many(_specs(40), workers=2, progress=False, chunk_size=1):
            finished.append(result.run_id)
    assert sent, "the pool never started"
    assert finished == [], "the interrupt was delivered only after runs had finished"
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, []), "Ctrl-C left blocked"
