"""Sensitivity of outcomes to varied parameters: Sobol indices for Saltelli designs,
rank correlation and standardized regression coefficients for other designs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis.survival import _z
from coalition_sim.studies.store import finished

SOBOL_BLOCKS = ("A", "B")
"""The base blocks of a Saltelli design; the others are ``AB0``, ``AB1``, ..."""


def numeric_varied(runs: pd.DataFrame, candidates: Sequence[str]) -> list[str]:
    """The candidate columns that are numeric and take more than one value."""
    return [
        c
        for c in candidates
        if c in runs
        and pd.api.types.is_numeric_dtype(runs[c])
        and not pd.api.types.is_bool_dtype(runs[c])
        and runs[c].nunique() > 1
    ]


def point_means(runs: pd.DataFrame, outcome: str, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Mean outcome per design point (over its finished replications), with the point's columns."""
    ok = finished(runs)
    keep = ["point_id", *[c for c in columns if c in ok]]
    first = ok.groupby("point_id", sort=True)[keep[1:]].first() if len(keep) > 1 else None
    mean = ok.groupby("point_id", sort=True)[outcome].agg(lambda v: float(np.mean(v.astype(float))))
    out = mean.rename(outcome).to_frame()
    if first is not None:
        out = out.join(first)
    return out.reset_index()


def _sobol_blocks(runs: pd.DataFrame, outcome: str, candidates: Sequence[str]):
    """Per-point means arranged as (f_A, f_B, [f_AB_i], names), rows aligned across blocks."""
    blocks = runs.drop_duplicates("point_id").set_index("point_id")["sobol_block"].astype(str)
    ab = sorted((b for b in blocks.unique() if b.startswith("AB")), key=lambda b: int(b[2:]))
    if not {"A", "B"} <= set(blocks) or not ab:
        raise ValueError("a Sobol analysis needs the blocks A, B and AB0.. (sobol_block column)")
    means = point_means(runs, outcome, candidates).set_index("point_id")
    order = {b: blocks[blocks == b].index.sort_values() for b in ["A", "B", *ab]}
    n = len(order["A"])
    if any(len(ix) != n for ix in order.values()):
        raise ValueError("Sobol blocks have different sizes; is the study finished?")
    table = {b: means.reindex(ix) for b, ix in order.items()}
    complete = np.logical_and.reduce([t[outcome].notna().to_numpy() for t in table.values()])
    table = {b: t[complete] for b, t in table.items()}
    names = []
    for i, b in enumerate(ab):
        moved = [
            c
            for c in candidates
            if c in table[b]
            and np.allclose(table[b][c].to_numpy(float), table["B"][c].to_numpy(float))
            and not np.allclose(table[b][c].to_numpy(float), table["A"][c].to_numpy(float))
        ]
        names.append(moved[0] if len(moved) == 1 else f"parameter {i}")
    values = {b: t[outcome].to_numpy(float) for b, t in table.items()}
    return values["A"], values["B"], np.stack([values[b] for b in ab]), names


def _saltelli(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> np.ndarray:
    """First- then total-order indices via ``scipy.stats.sobol_indices`` (dict form).

    SciPy insists on a power-of-two base size; when failed points were dropped the
    same estimator (Saltelli et al. 2010, Table 2 b and f, mean-centred) is computed here.
    """
    n = f_a.size
    if n & (n - 1) == 0:
        res = stats.sobol_indices(func={"f_A": f_a[None, :], "f_B": f_b[None, :], "f_AB": f_ab[:, None, :]}, n=n)
        return np.concatenate([np.atleast_1d(res.first_order), np.atleast_1d(res.total_order)])
    return saltelli_2010(f_a, f_b, f_ab)


def saltelli_2010(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> np.ndarray:
    """Saltelli (2010) estimators of first- and total-order indices, as SciPy computes them.

    Args:
        f_a: outputs on block A, shape (n,).
        f_b: outputs on block B, shape (n,).
        f_ab: outputs on blocks AB_i, shape (d, n).

    Returns:
        The d first-order indices followed by the d total-order indices (0 for a constant output).
    """
    mean = np.mean([f_a, f_b])
    f_a, f_b, f_ab = f_a - mean, f_b - mean, f_ab - mean
    var = np.var([f_a, f_b])
    if var == 0:
        return np.zeros(2 * f_ab.shape[0])
    first = np.mean(f_b * (f_ab - f_a), axis=-1) / var
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var
    return np.concatenate([first, total])


def sobol_analysis(
    runs: pd.DataFrame,
    outcome: str = "endured",
    names: Sequence[str] | None = None,
    candidates: Sequence[str] = (),
    confidence: float = 0.95,
    n_resamples: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """First- and total-order Sobol indices of a Saltelli study, with seeded bootstrap intervals.

    The design (contracts.md): blocks A, B and AB_i (A with column i from B), tagged in
    ``sobol_block``, rows aligned by point_id order within each block. Each point's
    outcome is its mean over replications; a point with no finished run is dropped
    from every block. The parameter of AB_i is ``names[i]`` or, if not given, the one
    candidate column whose values in AB_i equal B's.

    Returns:
        One row per parameter: parameter, S1, S1_low, S1_high, ST, ST_low, ST_high, n_base.
    """
    f_a, f_b, f_ab, found = _sobol_blocks(runs, outcome, candidates)
    names = list(names) if names is not None else found
    d = f_ab.shape[0]
    point = _saltelli(f_a, f_b, f_ab)
    idx = np.arange(f_a.size)
    res = stats.bootstrap(
        (idx,),
        lambda i: _saltelli(f_a[i], f_b[i], f_ab[:, i]),
        vectorized=False,
        n_resamples=n_resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    low, high = res.confidence_interval.low, res.confidence_interval.high
    return pd.DataFrame(
        {
            "parameter": names[:d],
            "S1": point[:d],
            "S1_low": low[:d],
            "S1_high": high[:d],
            "ST": point[d:],
            "ST_low": low[d:],
            "ST_high": high[d:],
            "n_base": f_a.size,
        }
    )


def rank_sensitivity(
    runs: pd.DataFrame,
    outcome: str,
    names: Sequence[str],
    confidence: float = 0.95,
    n_resamples: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """Sensitivity for Latin hypercube (or any space-filling) studies.

    Per design point (mean outcome over replications): Spearman's rank correlation
    with a Fisher-z interval (Bonett-Wright standard error), and standardized
    regression coefficients (z-scored linear regression) with a seeded bootstrap
    interval; ``r2`` says how much of the variance the linear model explains (SRCs
    mean little when it is low).

    Returns:
        One row per parameter: parameter, rho, rho_low, rho_high, src, src_low, src_high, r2, n_points.
    """
    table = point_means(runs, outcome, names).dropna()
    x = table[list(names)].to_numpy(float)
    y = table[outcome].to_numpy(float)
    n = len(y)
    z = _z(confidence)
    rows = []
    for j, name in enumerate(names):
        rho = float(stats.spearmanr(x[:, j], y).statistic) if np.ptp(y) > 0 else 0.0
        half = z * math.sqrt((1 + rho * rho / 2) / (n - 3)) if n > 3 else math.inf
        r = math.atanh(max(min(rho, 0.999999), -0.999999))
        rows.append({"parameter": name, "rho": rho, "rho_low": math.tanh(r - half), "rho_high": math.tanh(r + half)})
    src, r2 = _src(x, y)
    boot = stats.bootstrap(
        (np.arange(n),),
        lambda i: _src(x[i], y[i])[0],
        vectorized=False,
        n_resamples=n_resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    out = pd.DataFrame(rows)
    out["src"], out["src_low"], out["src_high"] = src, boot.confidence_interval.low, boot.confidence_interval.high
    out["r2"], out["n_points"] = r2, n
    return out


def _src(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardized regression coefficients and R^2 of y on x."""
    sx, sy = x.std(axis=0), y.std()
    if sy == 0:
        return np.zeros(x.shape[1]), 0.0
    xs = (x - x.mean(axis=0)) / np.where(sx > 0, sx, 1.0)
    ys = (y - y.mean()) / sy
    beta, *_ = np.linalg.lstsq(xs, ys, rcond=None)
    r2 = 1 - float(np.mean((ys - xs @ beta) ** 2))
    return beta, r2
