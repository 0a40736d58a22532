"""Designs: factorial combinations, LHS strata, Saltelli's Sobol layout, common random numbers."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.studies.designs import Factor, factorial, latin_hypercube, make_design, run_seeds, sobol
from coalition_sim.studies.runner import spawn_seeds

GOV = Factor("governance", "choice", levels=("consensus", "opt-in"))
BACKBONE = Factor("backbone_strength", "float", levels=(0.0, 0.5, 1.0))
TRUST = Factor("initial_trust", "float", low=0.2, high=0.6)
ORGS = Factor("n_orgs", "int", low=10, high=14)


def test_factorial_is_every_combination_with_the_last_factor_fastest():
    design = factorial([GOV, BACKBONE])
    assert design.points == [
        {"governance": g, "backbone_strength": b} for g in ("consensus", "opt-in") for b in (0.0, 0.5, 1.0)
    ]
    assert design.blocks == [None] * 6


def test_a_range_gives_evenly_spaced_factorial_levels():
    assert Factor("initial_trust", "float", low=0.0, high=1.0, num=5).grid() == [0, 0.25, 0.5, 0.75, 1.0]
    assert Factor("n_orgs", "int", low=10, high=20, num=3).grid() == [10, 15, 20]


def test_latin_hypercube_puts_one_point_in_each_stratum_of_each_factor():
    n = 20
    design = latin_hypercube([TRUST, GOV], n, master_seed=3)
    trust = np.array([p["initial_trust"] for p in design.points])
    strata = np.floor((trust - 0.2) / 0.4 * n).astype(int)
    assert sorted(strata) == list(range(n))
    assert sorted(p["governance"] for p in design.points).count("opt-in") == n // 2
    assert latin_hypercube([TRUST, GOV], n, 3).points == design.points
    assert latin_hypercube([TRUST, GOV], n, 4).points != design.points


def test_int_ranges_cover_every_whole_number_and_stay_in_bounds():
    values = ORGS.from_unit(np.linspace(0, 0.9999, 50))
    assert set(values) == {10, 11, 12, 13, 14}


def test_sobol_layout_is_a_b_then_ab_i_with_column_i_from_b():
    n = 8
    design = sobol([TRUST, ORGS, BACKBONE], n, master_seed=1)
    assert len(design) == n * (3 + 2)
    assert design.blocks == ["A"] * n + ["B"] * n + ["AB0"] * n + ["AB1"] * n + ["AB2"] * n
    a, b = design.points[:n], design.points[n : 2 * n]
    for i, name in enumerate(["initial_trust", "n_orgs", "backbone_strength"]):
        ab = design.points[(2 + i) * n : (3 + i) * n]
        for row in range(n):
            expected = dict(a[row], **{name: b[row][name]})
            assert ab[row] == expected


def test_sobol_refuses_a_sample_size_that_is_not_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        sobol([TRUST], 12, 0)


def test_no_factor_is_one_point():
    assert make_design("lhs", [], 10, 0).points == [{}]


def test_arms_share_seeds_and_other_points_do_not():
    points = factorial([GOV, BACKBONE, Factor("n_orgs", "int", levels=(10, 20))]).points
    seeds = run_seeds(points, ["governance", "backbone_strength"], 4, master_seed=9)
    by_orgs = {10: set(), 20: set()}
    for point, row in zip(points, seeds):
        by_orgs[point["n_orgs"]].add(tuple(row))
    assert len(by_orgs[10]) == 1 and len(by_orgs[20]) == 1  # same draws across arms
    assert by_orgs[10] != by_orgs[20]  # a different non-arm point
    assert list(next(iter(by_orgs[10]))) == spawn_seeds(9, 8)[:4]
    assert len(set(next(iter(by_orgs[10])))) == 4  # replications differ


def test_without_arms_every_point_gets_its_own_seeds():
    points = factorial([GOV, BACKBONE]).points
    seeds = run_seeds(points, [], 2, master_seed=9)
    assert len({tuple(r) for r in seeds}) == len(points)
    assert seeds.flatten().tolist() == spawn_seeds(9, 2 * len(points))
