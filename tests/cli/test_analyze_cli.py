"""``coalition-sim analyze`` on real (tiny) stores: output, determinism and bad input."""

from __future__ import annotations

import shutil
import sqlite3

import pandas as pd
import pytest

from coalition_sim import load_results
from coalition_sim.analysis import study_analysis as analysis
from coalition_sim.cli.main import main
from coalition_sim.studies.study import run_study

FACTORIAL = """
name = "tiny"
steps = 24
replications = 6
master_seed = 5
series = false
[fixed]
n_orgs = 8
[varied]
governance = ["consensus", "opt-in"]
backbone_strength = [0.0, 1.0]
[design]
kind = "factorial"
"""

SOBOL = """
name = "tiny_sobol"
steps = 12
replications = 1
master_seed = 3
series = false
[fixed]
n_orgs = 6
[varied]
initial_trust = { low = 0.1, high = 0.8 }
transaction_cost = { low = 0.01, high = 0.2 }
[design]
kind = "sobol"
samples = 8
"""

LHS = SOBOL.replace('"tiny_sobol"', '"tiny_lhs"').replace('"sobol"', '"lhs"').replace("samples = 8", "samples = 12")


def make_store(tmp_path_factory, name: str, text: str):
    folder = tmp_path_factory.mktemp(name)
    (folder / "study.toml").write_text(text)
    run_study(folder / "study.toml", folder / "results.sqlite", workers=1, progress=False)
    return folder / "results.sqlite"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return make_store(tmp_path_factory, "factorial", FACTORIAL)


def analyze(capsys, *argv):
    code = main(["analyze", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_prints_each_arm_and_writes_tables_figures_findings(store, tmp_path, capsys):
    code, out, err = analyze(capsys, store, "--out", tmp_path / "out", "--resamples", 199)
    assert code == 0, err
    for arm in ("consensus, backbone 0", "consensus, backbone 1", "opt-in, backbone 0", "opt-in, backbone 1"):
        assert arm in out
    assert "24 runs (0 failed" in out and "Paired difference" in out
    written = {p.name for p in (tmp_path / "out").iterdir()}
    for stem in ("survival", "impact", "endurance_vs_backbone"):
        assert {f"{stem}.png", f"{stem}.svg"} <= written
    assert {
        "summary.csv",
        "logrank.csv",
        "backbone_effect.csv",
        "paired_difference.csv",
        "backbone_paired_difference.csv",
        "findings.md",
    } <= written
    backbone = pd.read_csv(tmp_path / "out" / "backbone_paired_difference.csv")
    assert set(backbone.governance) == {"consensus", "opt-in"} and (backbone.reference == 0.0).all()
    assert (backbone.n_pairs == 6).all() and (backbone.same_seed == 1.0).all()  # common random numbers
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert list(summary.n) == [6, 6, 6, 6]
    runs = load_results(store).runs
    for _, row in summary.iterrows():
        arm = runs[(runs.governance == row.governance) & (runs.backbone_strength == row.backbone_strength)]
        assert row.endured == arm.endured.sum()
        assert row.endurance_low <= row.endurance <= row.endurance_high
    findings = (tmp_path / "out" / "findings.md").read_text()
    assert "## Reproduce" in findings and f"coalition-sim analyze {store}" in findings


def test_analyze_is_deterministic_and_matches_the_python_api(store, tmp_path, capsys):
    for name in ("a", "b"):
        assert analyze(capsys, store, "--out", tmp_path / name, "--resamples", 199)[0] == 0
    first, second = (tmp_path / "a" / "summary.csv").read_text(), (tmp_path / "b" / "summary.csv").read_text()
    assert first == second
    found = analysis.analyze_study(load_results(store), n_resamples=199)
    assert found.by == ["governance", "backbone_strength"]
    pd.testing.assert_series_equal(
        pd.read_csv(tmp_path / "a" / "summary.csv").endurance,
        found.summary.endurance,
        check_exact=False,
        rtol=1e-5,
        check_dtype=False,
    )


def test_default_output_folder_is_the_stores(store, tmp_path, capsys):
    copy = tmp_path / "study"
    copy.mkdir()
    shutil.copy(store, copy / "results.sqlite")
    assert analyze(capsys, copy, "--resamples", 199)[0] == 0
    assert (copy / "summary.csv").exists() and (copy / "findings.md").exists()


@pytest.mark.parametrize("name, text, method", [("sobol", SOBOL, "sobol"), ("lhs", LHS, "rank")])
def test_sensitivity_studies_get_sensitivity_tables_and_figures(tmp_path_factory, tmp_path, capsys, name, text, method):
    path = make_store(tmp_path_factory, name, text)
    code, out, err = analyze(capsys, path, "--out", tmp_path, "--resamples", 199)
    assert code == 0, err
    assert f"Sensitivity of lifetime ({method})" in out
    table = pd.read_csv(tmp_path / "sensitivity_lifetime.csv")
    assert sorted(table.parameter) == ["initial_trust", "transaction_cost"]
    assert (tmp_path / "sensitivity_endured.png").exists() and (tmp_path / "sensitivity_endured.svg").exists()


# --------------------------------------------------------------------------- bad input
def assert_one_line_error(code, out, err, *words):
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("coalition-sim analyze: error:"), err
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_missing_store(tmp_path, capsys):
    code, out, err = analyze(capsys, tmp_path / "nowhere.sqlite", "--out", tmp_path / "out")
    assert_one_line_error(code, out, err, "nowhere.sqlite")
    assert not (tmp_path / "out").exists()


def test_corrupt_store(tmp_path, capsys):
    bad = tmp_path / "results.sqlite"
    bad.write_text("this is not a database\n" * 100)
    code, out, err = analyze(capsys, bad, "--out", tmp_path / "out")
    assert_one_line_error(code, out, err, "not a coalition-sim results store")
    assert not (tmp_path / "out").exists()


def test_store_without_finished_runs(store, tmp_path, capsys):
    copy = tmp_path / "results.sqlite"
    shutil.copy(store, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE runs SET status = 'failed'")
    code, out, err = analyze(capsys, copy, "--out", tmp_path / "out")
    assert_one_line_error(code, out, err, "no finished runs")
    assert not (tmp_path / "out").exists()


def test_store_missing_its_runs_table(store, tmp_path, capsys):
    copy = tmp_path / "results.sqlite"
    shutil.copy(store, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP TABLE runs")
    code, out, err = analyze(capsys, copy, "--out", tmp_path / "out")
    assert_one_line_error(code, out, err, "results.sqlite")


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--by", "governence"], ["--by", "governence"]),
        (["--confidence", "1.5"], ["--confidence"]),
        (["--resamples", "5"], ["--resamples"]),
    ],
)
def test_bad_flags(store, tmp_path, capsys, flags, words):
    code, out, err = analyze(capsys, store, "--out", tmp_path / "out", *flags)
    assert_one_line_error(code, out, err, *words)
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- research contrasts
MORRIS = """
name = "tiny_morris"
steps = 12
replications = 2
master_seed = 4
series = false
[fixed]
n_orgs = 6
[varied]
initial_trust = { low = 0.1, high = 0.8 }
transaction_cost = { low = 0.01, high = 0.2 }
shock_rate = { low = 0.0, high = 0.2 }
[design]
kind = "morris"
samples = 4
levels = 4
"""


def test_factorial_study_gets_rmst_causes_trend_and_a_declared_family(store, tmp_path, capsys):
    code, out, err = analyze(capsys, store, "--out", tmp_path, "--resamples", 199, "--tau", 12)
    assert code == 0, err
    rmst = pd.read_csv(tmp_path / "rmst_contrasts.csv")
    assert sorted(rmst.tau.unique()) == [12.0, 24.0]
    assert set(rmst.factor) == {"governance", "backbone_strength"}
    assert rmst[rmst.factor == "governance"].paired.all()  # the rules share seeds
    family = pd.read_csv(tmp_path / "primary_family.csv")
    assert (family.p_holm >= family.p - 1e-12).all()
    findings = (tmp_path / "findings.md").read_text()
    assert "restricted mean lifetime (RMST)" in findings and "family of primary tests" in findings
    assert (tmp_path / "causes.png").exists() or "cause_incidence.csv" not in {p.name for p in tmp_path.iterdir()}
    assert "Restricted mean lifetime" in out


def test_readme_headline_block_is_regenerated(store, tmp_path, capsys):
    from coalition_sim.analysis.findings import HEADLINE_END, HEADLINE_START

    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(store, folder / "results.sqlite")
    (folder / "README.md").write_text(f"# Study\n\nintro\n\n{HEADLINE_START}\nstale text\n{HEADLINE_END}\n\nafter\n")
    assert analyze(capsys, folder, "--resamples", 199)[0] == 0
    readme = (folder / "README.md").read_text()
    assert "stale text" not in readme and "intro" in readme and readme.rstrip().endswith("after")
    assert "RMST" in readme.split(HEADLINE_START)[1].split(HEADLINE_END)[0]


def test_unfinished_store_says_so_in_one_line_and_in_the_findings(store, tmp_path, capsys):
    copy = tmp_path / "results.sqlite"
    shutil.copy(store, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM runs WHERE run_id >= 17")
    code, out, err = analyze(capsys, copy, "--out", tmp_path / "out", "--resamples", 199)
    assert code == 0
    assert err.count("\n") == 1 and "17 of 24 runs" in err and "unfinished" in err
    assert "Unfinished study: 17 of 24 runs" in (tmp_path / "out" / "findings.md").read_text()


def test_tau_beyond_the_horizon_is_refused(store, tmp_path, capsys):
    code, out, err = analyze(capsys, store, "--out", tmp_path / "out", "--tau", 500)
    assert_one_line_error(code, out, err, "tau", "horizon")
    assert not (tmp_path / "out").exists()


def test_morris_study_gets_screening_and_scenario_discovery(tmp_path_factory, tmp_path, capsys):
    path = make_store(tmp_path_factory, "morris", MORRIS)
    code, out, err = analyze(capsys, path, "--out", tmp_path, "--resamples", 199)
    assert code == 0, err
    table = pd.read_csv(tmp_path / "morris_lifetime.csv")
    assert sorted(table.parameter) == ["initial_trust", "shock_rate", "transaction_cost"]
    assert (table.n_effects == 4).all()  # one elementary effect per trajectory
    assert (tmp_path / "morris_lifetime.png").exists()
    assert "Morris screening" in (tmp_path / "findings.md").read_text()
    assert len(load_results(path).runs) == 4 * (3 + 1) * 2


def test_unfinished_sobol_store_is_analysed_without_its_indices(tmp_path_factory, tmp_path, capsys):
    path = make_store(tmp_path_factory, "sobol_part", SOBOL)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM runs WHERE run_id >= 25")
    code, out, err = analyze(capsys, path, "--out", tmp_path, "--resamples", 199)
    assert code == 0, err
    assert "25 of 32 runs" in err
    findings = (tmp_path / "findings.md").read_text()
    assert "Unfinished study: 25 of 32 runs" in findings and "Not computed on an unfinished study" in findings
    assert not list(tmp_path.glob("sensitivity_*.csv"))


def _with_extra_figure(monkeypatch, make):
    """Every analysis also draws ``make`` (in a worker process: two of them, on any machine)."""
    from coalition_sim.analysis import figure_pool
    from coalition_sim.cli.commands import analyze as command

    makers = command._figure_makers
    monkeypatch.setattr(command, "_figure_makers", lambda found, runs: {**makers(found, runs), "extra": make})
    monkeypatch.setattr(figure_pool, "default_workers", lambda: 2)


def test_a_figure_worker_that_dies_is_one_line_and_nothing_is_written(store, tmp_path, capsys, monkeypatch):
    import functools
    import os

    _with_extra_figure(monkeypatch, functools.partial(os._exit, 1))
    code, out, err = analyze(capsys, store, "--out", tmp_path / "out")
    assert_one_line_error(code, "", err, "a worker process died")
    assert not (tmp_path / "out").exists()


def test_a_full_disk_under_a_figure_worker_is_one_line_and_nothing_is_written(store, tmp_path, capsys, monkeypatch):
    import functools

    full = OSError(28, "No space left on device")
    _with_extra_figure(monkeypatch, functools.partial(_raise, full))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "kept.txt").write_text("mine")
    code, out, err = analyze(capsys, store, "--out", tmp_path / "out")
    assert_one_line_error(code, "", err, "the disk is full")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["kept.txt"]


def _raise(exc: BaseException):
    raise exc
