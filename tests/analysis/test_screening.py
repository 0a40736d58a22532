"""Known answers for Morris screening (against SALib), PRIM boxes, and noise-corrected Sobol indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

from coalition_sim.analysis import morris, prim, sobol_convergence
from coalition_sim.studies.designs import Factor
from coalition_sim.studies.designs import morris as morris_design


def linear(x: np.ndarray) -> np.ndarray:
    return 4.0 * x[:, 0] - 2.0 * x[:, 1] + 0.0 * x[:, 2] + 3.0 * x[:, 0] * x[:, 3]


def morris_runs(x: np.ndarray, y: np.ndarray, d: int) -> pd.DataFrame:
    runs = pd.DataFrame(x, columns=[f"x{i}" for i in range(d)])
    runs["y"] = y
    runs["point_id"] = np.arange(len(runs))
    runs["sobol_block"] = [f"T{k // (d + 1)}" for k in range(len(runs))]
    runs["replication"], runs["status"] = 0, "ok"
    return runs


def test_morris_matches_salib_on_its_own_sample():
    from SALib.analyze import morris as salib_morris
    from SALib.sample import morris as salib_sample

    d = 4
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    x = salib_sample.sample(problem, 40, num_levels=4, seed=1)
    y = linear(x)
    theirs = salib_morris.analyze(problem, x, y, num_levels=4, seed=1)
    study = {"varied": {f"x{i}": {"low": 0.0, "high": 1.0} for i in range(d)}}
    mine = morris.morris_analysis(morris_runs(x, y, d), "y", study).set_index("parameter")
    for i, name in enumerate(problem["names"]):
        assert mine.loc[name, "mu"] == pytest.approx(theirs["mu"][i], abs=1e-9)
        assert mine.loc[name, "mu_star"] == pytest.approx(theirs["mu_star"][i], abs=1e-9)
        assert mine.loc[name, "sigma"] == pytest.approx(theirs["sigma"][i], abs=1e-9, nan_ok=True)
    assert mine.index[0] == "x0" and mine.loc["x2", "mu_star"] == pytest.approx(0.0, abs=1e-12)


def test_morris_design_moves_one_factor_per_step_by_delta():
    factors = [Factor(f"x{i}", "float", low=0.0, high=1.0) for i in range(5)]
    design = morris_design(factors, trajectories=12, master_seed=3, levels=4)
    assert len(design) == 12 * 6 and design.blocks[:6] == ["T0"] * 6
    x = np.array([[p[f.name] for f in factors] for p in design.points]).reshape(12, 6, 5)
    steps = np.abs(np.diff(x, axis=1))
    assert ((steps > 1e-12).sum(axis=2) == 1).all()  # exactly one factor moves per step
    assert np.allclose(steps.max(axis=2), 4 / (2 * 3))  # by Delta = p / (2 (p - 1))
    assert ((x >= 0) & (x <= 1)).all()
    moved = (steps > 1e-12).sum(axis=1)
    assert (moved == 1).all()  # every factor moves exactly once per trajectory
    again = morris_design(factors, trajectories=12, master_seed=3, levels=4)
    assert again.points == design.points


def test_morris_design_screens_out_an_inert_parameter():
    factors = [Factor(f"x{i}", "float", low=0.0, high=2.0) for i in range(4)]
    design = morris_design(factors, trajectories=30, master_seed=5, levels=4)
    x = np.array([[p[f.name] for f in factors] for p in design.points])
    runs = morris_runs(x, linear(x / 2.0), 4)
    study = {"varied": {f.name: {"low": 0.0, "high": 2.0} for f in factors}}
    table = morris.morris_analysis(runs, "y", study).set_index("parameter")
    assert table.loc["x2", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["x1", "mu"] == pytest.approx(-2.0)  # linear: every elementary effect is the slope
    assert table.loc["x1", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["x0", "sigma"] > 0.5  # interacts with x3
    assert "x2" in " ".join(morris.morris_sentences(table.reset_index(), "y"))


def test_prim_finds_a_known_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((3000, 4)), columns=["a", "b", "c", "d"])
    y = (x.a > 0.7) & (x.b < 0.3)
    found = prim.prim(x, y)
    box = found.box.set_index("parameter")
    assert box.loc["a", "low"] == pytest.approx(0.7, abs=0.05)
    assert box.loc["b", "high"] == pytest.approx(0.3, abs=0.05)
    chosen = found.trajectory[found.trajectory.chosen].iloc[0]
    assert chosen.density > 0.85 and chosen.coverage >= 0.5
    assert found.trajectory.coverage.is_monotonic_decreasing
    assert found.trajectory.mass.iloc[-1] >= 0.05 - 1e-9
    assert found.cases == int(y.sum())


def test_noise_correction_removes_the_replicate_inflation():
    d, n, reps = 3, 1024, 2
    sample = -np.pi + 2 * np.pi * qmc.Sobol(2 * d, seed=7).random(n)
    a, b = sample[:, :d], sample[:, d:]
    blocks = [("A", a), ("B", b)] + [(f"AB{i}", np.where(np.arange(d) == i, b, a)) for i in range(d)]
    rng = np.random.default_rng(8)
    frames, point = [], 0
    for name, x in blocks:
        signal = 7.0 * np.sin(x[:, 1]) ** 2 + np.sin(x[:, 0])  # Ishigami without its x3 term
        for rep in range(reps):
            frame = pd.DataFrame(x, columns=["x1", "x2", "x3"])
            frame["y"] = signal + rng.normal(scale=2.0, size=n)  # replicate noise: variance 4
            frame["point_id"], frame["replication"] = point + np.arange(n), rep
            frame["sobol_block"], frame["status"] = name, "ok"
            frames.append(frame)
        point += n
    runs = pd.concat(frames, ignore_index=True)
    table = sobol_convergence.sobol_convergence(runs, "y", ["x1", "x2", "x3"], n_resamples=99)
    last = table[table.n_base == n].set_index("parameter")
    # analytic: V = 7^2/8 + 1/2 = 6.625; S_x2 = 6.125 / 6.625, S_x1 = 0.5 / 6.625, S_x3 = 0
    assert last.loc["x2", "ST"] == pytest.approx(6.125 / 6.625, abs=0.05)
    assert last.loc["x3", "ST"] == pytest.approx(0.0, abs=0.04)
    assert last.loc["x3", "ST_raw"] > 0.15  # the noise (variance 2 of a two-run mean) inflates the raw index
    assert last.noise_share.iloc[0] == pytest.approx(2.0 / (6.625 + 2.0), abs=0.05)
    assert sorted(table.n_base.unique()) == [n // 4, n // 2, n]


def test_prim_peeling_trajectory_matches_ema_workbench():
    ema_prim = pytest.importorskip("ema_workbench.analysis.prim")
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((3000, 4)), columns=["a", "b", "c", "d"])
    y = ((x.a > 0.7) & (x.b < 0.3)).to_numpy()
    theirs = ema_prim.Prim(
        x, y, threshold=0.5, peel_alpha=0.05, mass_min=0.05, obj_function=ema_prim.PRIMObjectiveFunctions.ORIGINAL
    )
    trajectory = theirs.find_box().peeling_trajectory
    mine = prim.prim(x, y, alpha=0.05, min_mass=0.05).trajectory
    assert len(mine) == len(trajectory)
    for column in ("coverage", "density", "mass"):
        assert np.allclose(mine[column].to_numpy(), trajectory[column].to_numpy())


@pytest.mark.parametrize(
    "design, words",
    [
        ('kind = "morris"\nsamples = 4\nlevels = 3', "even integer"),
        ('kind = "morris"\nsamples = 0', "samples"),
        ('kind = "lhs"\nsamples = 4\nlevels = 4', "only a morris design"),
    ],
)
def test_morris_study_file_checks_its_fields(design, words):
    import tomllib

    from coalition_sim.studies.study_file import parse_study
    from coalition_sim.util.errors import InputError

    base = 'name = "m"\nreplications = 1\nmaster_seed = 1\n[varied]\ninitial_trust = { low = 0.1, high = 0.8 }\n'
    text = base + "[design]\n" + design + "\n"
    with pytest.raises(InputError, match=words):
        parse_study(tomllib.loads(text))


def test_morris_levels_enter_the_study_identity_only_for_morris():
    import tomllib

    from coalition_sim.studies.study_file import parse_study

    base = 'name = "m"\nreplications = 1\nmaster_seed = 1\n[varied]\ninitial_trust = { low = 0.1, high = 0.8 }\n'
    four = parse_study(tomllib.loads(base + '[design]\nkind = "morris"\nsamples = 3\nlevels = 4\n'))
    six = parse_study(tomllib.loads(base + '[design]\nkind = "morris"\nsamples = 3\nlevels = 6\n'))
    assert four.spec_hash() != six.spec_hash() and four.n_runs == 3 * 2
    lhs = parse_study(tomllib.loads(base + '[design]\nkind = "lhs"\nsamples = 3\n'))
    assert "levels" not in lhs.to_dict()["design"]
