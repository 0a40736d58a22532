"""The results store: what goes in comes back out, typed, with its provenance; exports match."""

from __future__ import annotations

import sqlite3
import textwrap

import numpy as np
import pandas as pd
import pytest

from coalition_sim import CoalitionModel, load_results
from coalition_sim.model.params import PARAMETERS
from coalition_sim.studies.export import export
from coalition_sim.studies.runner import RunResult, RunSpec
from coalition_sim.studies.store import Store
from coalition_sim.studies.study import run_study
from coalition_sim.studies.study_file import load_study
from coalition_sim.util.errors import InputError

STUDY = """\
name = "store_test"
steps = 12
replications = 2
master_seed = 3
series = ["members", "dilution"]
outcomes = ["endured", "lifetime", "cause", "total_impact", "success_rate"]

[fixed]
n_orgs = 10
patience = 2.0

[varied]
governance = ["consensus", "opt-in"]
"""


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    study = folder / "study.toml"
    study.write_text(STUDY)
    spec = load_study(study)
    run_study(spec, folder / "results.sqlite", workers=1, progress=False)
    return spec, folder


def test_runs_table_has_ids_parameters_and_the_kept_outcomes(stored):
    spec, folder = stored
    runs = load_results(folder / "results.sqlite").runs
    assert runs["run_id"].tolist() == [0, 1, 2, 3]
    assert runs["point_id"].tolist() == [0, 0, 1, 1]
    assert runs["replication"].tolist() == [0, 1, 0, 1]
    assert runs["governance"].tolist() == ["consensus", "consensus", "opt-in", "opt-in"]
    assert set(PARAMETERS) <= set(runs.columns)
    assert (runs["n_orgs"] == 10).all() and (runs["tolerance"] == PARAMETERS["tolerance"].default).all()
    assert {"endured", "lifetime", "cause", "total_impact", "success_rate"} <= set(runs.columns)
    assert "joins" not in runs.columns  # outcomes not asked for are not kept
    assert runs["endured"].dtype == bool and runs["lifetime"].dtype == np.int64
    assert runs["sobol_block"].isna().all() and (runs["status"] == "ok").all()
    assert runs["seed"].tolist()[:2] == runs["seed"].tolist()[2:]  # arms share seeds


def test_a_stored_run_equals_the_model_run_directly(stored):
    spec, folder = stored
    results = load_results(folder)  # the folder works as well as the file
    row = results.runs.iloc[3]
    model = CoalitionModel(governance="opt-in", n_orgs=10, patience=2.0, seed=int(row["seed"])).run(12)
    summary = model.summary()
    assert row["lifetime"] == summary["lifetime"] and row["total_impact"] == summary["total_impact"]
    series = results.series[results.series.run_id == 3]
    assert set(series["variable"]) == {"members", "dilution"}
    frame = model.datacollector.get_model_vars_dataframe()
    members = series[series.variable == "members"].sort_values("month")["value"].to_numpy()
    np.testing.assert_array_equal(members, frame["members"].to_numpy(dtype=float))
    dilution = series[series.variable == "dilution"].sort_values("month")["value"].to_numpy()
    np.testing.assert_array_equal(dilution, frame["dilution"].to_numpy(dtype=float))  # NaN survives
    exits = results.exits[results.exits.run_id == 3]
    assert exits[["organization", "month", "cause"]].to_dict("records") == model.exit_record()


def test_provenance_and_study_are_kept(stored):
    spec, folder = stored
    results = load_results(folder / "results.sqlite")
    assert results.study["name"] == "store_test" and results.study["replications"] == 2
    prov = results.provenance
    assert prov["study_text"] == STUDY
    for key in ("package_version", "git_commit", "python", "numpy", "scipy", "mesa", "pandas", "created"):
        assert key in prov
    assert prov["mesa"] == "3.3.1"


def test_failed_runs_keep_parameters_seed_and_traceback(tmp_path):
    study = tmp_path / "s.toml"
    study.write_text(STUDY)
    spec = load_study(study)
    with Store.open(tmp_path / "r.sqlite", spec) as store:
        store.write(
            RunSpec(0, 0, 0, {"governance": "opt-in"}, 99, 12),
            RunResult(0, "failed", {}, None, [], "Traceback: boom", 0.5),
        )
        ok = RunSpec(1, 0, 1, {"governance": "opt-in"}, 7, 12)
        from coalition_sim.studies.runner import run_one

        store.write(ok, run_one(ok, ["members"]))
    runs = load_results(tmp_path / "r.sqlite").runs
    failed = runs.iloc[0]
    assert failed["status"] == "failed" and failed["error"] == "Traceback: boom"
    assert failed["seed"] == 99 and failed["governance"] == "opt-in"
    assert pd.isna(failed["endured"]) and runs["endured"].dtype == "boolean"
    assert runs.iloc[1]["status"] == "ok"


def test_a_run_is_never_written_twice(tmp_path):
    study = tmp_path / "s.toml"
    study.write_text(STUDY)
    spec = load_study(study)
    run = next(spec.runs())
    from coalition_sim.studies.runner import run_one

    result = run_one(run, list(spec.series))
    with Store.open(tmp_path / "r.sqlite", spec) as store:
        store.write(run, result)
        with pytest.raises(sqlite3.IntegrityError):
            store.write(run, result)
        assert store.done_ids() == {0}
    assert len(load_results(tmp_path / "r.sqlite").series) == result.series.size  # nothing twice


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_the_same_tables(stored, tmp_path, fmt):
    spec, folder = stored
    results = load_results(folder)
    files = export(folder / "results.sqlite", tmp_path / "out", fmt)
    assert sorted(f.name for f in files) == sorted([f"runs.{fmt}", f"series.{fmt}", f"exits.{fmt}", "study.json"])
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    series = read(tmp_path / "out" / f"series.{fmt}")
    pd.testing.assert_frame_equal(series, results.series, check_dtype=False)
    runs = read(tmp_path / "out" / f"runs.{fmt}")
    assert runs["run_id"].tolist() == results.runs["run_id"].tolist()
    np.testing.assert_allclose(runs["total_impact"], results.runs["total_impact"])


def test_export_cli_and_bad_input(stored, tmp_path, capsys):
    from coalition_sim.cli.main import main as cli

    spec, folder = stored
    assert cli(["export", str(folder), "--format", "csv", "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "runs.csv").exists()
    assert cli(["export", str(tmp_path / "missing.sqlite")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("coalition-sim export: error:") and "no results store" in err and "\n" not in err


def test_loading_something_else_is_refused(tmp_path):
    bogus = tmp_path / "x.sqlite"
    bogus.write_text(textwrap.dedent("not sqlite"))
    with pytest.raises(InputError, match="not a coalition-sim results store"):
        load_results(bogus)


def test_the_sql_view_is_the_long_series_table(stored):
    spec, folder = stored
    with sqlite3.connect(folder / "results.sqlite") as conn:
        view = pd.read_sql_query(
            "SELECT run_id, month, variable, value FROM series_long ORDER BY run_id, variable, month", conn
        )
    pd.testing.assert_frame_equal(view, load_results(folder).series, check_dtype=False)
    assert view["value"].isna().any() and len(view) > 0


def test_every_series_and_every_outcome_can_be_kept_together(tmp_path):
    from coalition_sim.model.metrics import SERIES

    study = tmp_path / "all.toml"
    study.write_text('name = "all"\nsteps = 6\nreplications = 2\nmaster_seed = 1\nseries = true\n')
    run_study(study, tmp_path / "all.sqlite", workers=1, progress=False)
    results = load_results(tmp_path / "all.sqlite")
    assert sorted(results.series["variable"].unique()) == sorted(SERIES)  # 'joins' is a series and an outcome
    assert {"joins", "backbone_strength"} <= set(results.runs.columns)
    model = CoalitionModel(seed=int(results.runs.seed[1])).run(6)
    joins = results.series.query("run_id == 1 and variable == 'joins'")["value"].to_numpy()
    np.testing.assert_array_equal(joins, model.datacollector.get_model_vars_dataframe()["joins"].to_numpy(float))


def test_a_store_made_by_another_model_is_refused_not_resumed(stored, monkeypatch):
    spec, folder = stored
    store = folder / "results.sqlite"
    Store.check(store, spec)  # same model: resuming is allowed
    import coalition_sim.studies.store as store_module

    monkeypatch.setattr(store_module, "model_fingerprint", lambda: "0123456789abcdef")
    with pytest.raises(InputError, match="another version of the model") as err:
        Store.check(store, spec)
    assert "\n" not in str(err.value) and "delete it" in str(err.value)


def test_the_fingerprint_follows_model_code_only():
    from coalition_sim.studies.fingerprint import MODEL_MODULES, model_fingerprint

    assert len(model_fingerprint()) == 16
    assert "model" in MODEL_MODULES and "studies/runner.py" in MODEL_MODULES
    assert "analysis" not in MODEL_MODULES and "classroom" not in MODEL_MODULES
