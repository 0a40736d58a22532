"""Same study, same tables: 1 worker, 2 workers, and a Dask LocalCluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coalition_sim import load_results
from coalition_sim.studies.study import run_study
from coalition_sim.studies.study_file import load_study

distributed = pytest.importorskip("distributed")

STUDY = """\
name = "dask_test"
steps = 18
replications = 3
master_seed = 1234
series = ["members", "mean_trust"]

[fixed]
n_orgs = 12

[varied]
governance = ["consensus", "opt-in"]
initial_trust = { low = 0.2, high = 0.6 }

[design]
kind = "lhs"
samples = 4
"""


def tables(store: Path) -> dict[str, pd.DataFrame]:
    results = load_results(store)
    return {"runs": results.runs.drop(columns="runtime_s"), "series": results.series, "exits": results.exits}


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("dask") / "study.toml"
    path.write_text(STUDY)
    return load_study(path)


@pytest.fixture(scope="module")
def one_worker(spec, tmp_path_factory) -> dict:
    store = tmp_path_factory.mktemp("one") / "results.sqlite"
    run_study(spec, store, workers=1, progress=False)
    return tables(store)


def assert_same(a: dict, b: dict) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_two_workers_give_the_tables_of_one(spec, one_worker, tmp_path):
    run_study(spec, tmp_path / "two.sqlite", workers=2, progress=False)
    assert_same(one_worker, tables(tmp_path / "two.sqlite"))


def test_a_dask_cluster_gives_the_tables_of_one_worker(spec, one_worker, tmp_path):
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor(pure=False, retries=2)
        run_study(spec, tmp_path / "dask.sqlite", executor=executor, progress=False)
    assert_same(one_worker, tables(tmp_path / "dask.sqlite"))


def test_the_cli_runs_on_dask_too(spec, one_worker, tmp_path, capsys):
    from coalition_sim.cli.main import main as cli

    store = tmp_path / "cli.sqlite"
    assert cli(["study", spec.path, "--executor", "dask", "--workers", "2", "--out", str(store), "--no-progress"]) == 0
    assert "No run failed" in capsys.readouterr().out
    assert_same(one_worker, tables(store))


def test_an_unreachable_scheduler_is_one_line(spec, tmp_path, capsys):
    from coalition_sim.cli.main import main as cli

    code = cli(["study", spec.path, "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "x.sqlite")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("coalition-sim study: error: --scheduler tcp://127.0.0.1:9")
    assert not (tmp_path / "x.sqlite").exists()
