"""Sobol indices without the replicate noise, and their convergence at N/4, N/2, N base samples.

A stochastic model's per-point mean over R replications carries noise of variance
``e = sigma^2 / R`` (sigma^2: the within-point variance of one run, pooled over points).
The noise leaves the Saltelli (2010) first-order numerator unbiased but adds ``e`` to the
total-order numerator and to the output variance, so every total index is inflated and the
sum of totals can exceed 1. Here ``e`` is estimated from the replications and removed:
``S1 = num1 / (V - e)``, ``ST = (numT - e) / (V - e)`` (the noise correction of the
"replicated Sobol" approach, e.g. Marrel et al. 2012 and Le Gratiet et al. 2017 discuss the
same bias). It needs at least 2 replications per point; with 1 the raw indices are returned.

Convergence: Sobol' sequences are balanced in prefixes of powers of two, so the first N/4 and
N/2 points of each block are themselves valid Saltelli designs; indices and bootstrap
intervals at each size show whether N was enough (they should settle).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis.sensitivity import _sobol_blocks, saltelli_2010
from coalition_sim.studies.store import finished


def replicate_noise(runs: pd.DataFrame, outcome: str) -> tuple[float, float]:
    """(noise variance of a point mean, mean replications per point); NaN noise with 1 replication."""
    ok = finished(runs)
    grouped = ok.groupby("point_id")[outcome]
    per_point = grouped.agg(lambda v: float(np.var(v.astype(float), ddof=1)) if len(v) > 1 else np.nan)
    counts = grouped.size()
    if per_point.isna().all():
        return float("nan"), float(counts.mean())
    return float(np.nanmean(per_point / counts)), float(counts.mean())


def corrected_indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray, noise: float) -> np.ndarray:
    """First then total indices with the noise variance ``noise`` of each point mean removed."""
    raw = saltelli_2010(f_a, f_b, f_ab)
    d = f_ab.shape[0]
    var = float(np.var([f_a, f_b]))
    if not np.isfinite(noise) or var <= noise or var == 0:
        return raw
    signal = var - noise
    first = raw[:d] * var / signal
    total = (raw[d:] * var - noise) / signal
    return np.concatenate([first, total])


def sobol_convergence(
    runs: pd.DataFrame,
    outcome: str,
    candidates: Sequence[str],
    confidence: float = 0.95,
    n_resamples: int = 499,
    seed: int = 0,
    fractions: Sequence[int] = (4, 2, 1),
) -> pd.DataFrame:
    """Noise-corrected Sobol indices with bootstrap intervals at N/4, N/2 and N base samples.

    Returns:
        One row per base size and parameter: n_base, parameter, S1, S1_low, S1_high, ST, ST_low,
        ST_high, ST_raw (without the correction), noise_share (noise variance over the output
        variance of point means), replications.
    """
    f_a, f_b, f_ab, names = _sobol_blocks(runs, outcome, candidates)
    noise, reps = replicate_noise(runs, outcome)
    d = f_ab.shape[0]
    rows = []
    for fraction in fractions:
        n = f_a.size // fraction
        if n < 4:
            continue
        a, b, ab = f_a[:n], f_b[:n], f_ab[:, :n]
        point = corrected_indices(a, b, ab, noise)
        raw = saltelli_2010(a, b, ab)
        boot = stats.bootstrap(
            (np.arange(n),),
            lambda i, a=a, b=b, ab=ab: corrected_indices(a[i], b[i], ab[:, i], noise),
            vectorized=False,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
        low, high = boot.confidence_interval.low, boot.confidence_interval.high
        var = float(np.var([a, b]))
        for j, name in enumerate(names[:d]):
            rows.append(
                {
                    "n_base": n,
                    "parameter": name,
                    "S1": point[j],
                    "S1_low": low[j],
                    "S1_high": high[j],
                    "ST": point[d + j],
                    "ST_low": low[d + j],
                    "ST_high": high[d + j],
                    "ST_raw": raw[d + j],
                    "noise_share": noise / var if var > 0 and np.isfinite(noise) else np.nan,
                    "replications": reps,
                }
            )
    return pd.DataFrame(rows)


def convergence_sentences(table: pd.DataFrame, outcome: str) -> list[str]:
    """How far the total indices moved from N/2 to N, and their sum with and without the correction."""
    sizes = sorted(table.n_base.unique())
    last = table[table.n_base == sizes[-1]]
    lines = [
        f"{outcome}: replicate noise is {last.noise_share.iloc[0]:.1%} of the variance of point means "
        f"({last.replications.iloc[0]:g} replications per point); sum of total indices {last.ST.sum():.2f} "
        f"after removing it ({last.ST_raw.sum():.2f} before), at N = {sizes[-1]}."
    ]
    if len(sizes) > 1:
        prev = table[table.n_base == sizes[-2]].set_index("parameter").ST
        moved = (last.set_index("parameter").ST - prev).abs()
        width = (last.ST_high - last.ST_low).max()
        lines.append(
            f"From N = {sizes[-2]} to N = {sizes[-1]} the total indices moved by at most {moved.max():.3f} "
            f"(widest interval at N = {sizes[-1]}: {width:.3f})."
        )
    if (last.ST < 0).any():
        lines.append("Indices below 0 are estimation error around 0 (the correction is unbiased, not bounded).")
    for r in last.sort_values("ST", ascending=False).itertuples():
        lines.append(
            f"{r.parameter}: total {r.ST:.2f} [{r.ST_low:.2f}, {r.ST_high:.2f}], first-order "
            f"{r.S1:.2f} [{r.S1_low:.2f}, {r.S1_high:.2f}]"
        )
    return lines
