"""Restricted mean survival time (RMST): contrasts between arms, paired where the arms share seeds.

When hazards are not proportional (survival curves that cross), a log-rank test can miss a
real difference in how long coalitions last; the difference in restricted mean lifetime up to
a time ``tau`` answers "how many more months, on average, within the first ``tau`` months"
directly (Royston & Parmar 2013).

Each run contributes a jackknife pseudo-observation of the RMST (Andersen, Hansen & Klein
2004). Without censoring before ``tau`` (the studies here censor only at the horizon) the
pseudo-observation is exactly ``min(lifetime, tau)``, so the contrast is a mean of
per-seed differences; with earlier censoring it is the leave-one-out jackknife. Unpaired
arms use the two samples' variances; paired arms (same replication seeds) the variance of
the per-seed differences. The ratio's interval is on the log scale (delta method).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis.pairing import arm_pairs
from coalition_sim.analysis.proportions import _as_bool, _z
from coalition_sim.analysis.survival import restricted_mean


def rmst_pseudo_values(lifetime: Sequence[float], censored: Sequence[bool], tau: float) -> np.ndarray:
    """Jackknife pseudo-observations of the RMST to ``tau``, one per run.

    Their mean is the Kaplan-Meier RMST; with no censoring before ``tau`` they equal ``min(lifetime, tau)``.
    """
    life = np.asarray(lifetime, dtype=float)
    cens = _as_bool(censored)
    if not np.any(cens & (life < tau)):
        return np.minimum(life, tau)
    n = life.size
    full = restricted_mean(life, cens, tau)[0]
    keep = np.ones(n, dtype=bool)
    out = np.empty(n)
    for i in range(n):
        keep[i] = False
        out[i] = n * full - (n - 1) * restricted_mean(life[keep], cens[keep], tau)[0]
        keep[i] = True
    return out


@dataclass(frozen=True)
class RmstContrast:
    """Arm minus reference in restricted mean lifetime to ``tau`` (months), and their ratio.

    Attributes:
        tau: the restriction time.
        rmst_reference, rmst_arm: each arm's restricted mean.
        difference, low, high: arm minus reference and its interval.
        ratio, ratio_low, ratio_high: arm over reference and its interval.
        z, p: Wald test that the difference is 0 (two-sided).
        paired: whether runs were paired by seed.
        n: runs per arm (pairs when paired).
        crn_variance_ratio: variance of the difference if the arms were independent, over the
            variance observed with pairing (> 1: common random numbers made the contrast sharper);
            NaN when unpaired.
    """

    tau: float
    rmst_reference: float
    rmst_arm: float
    difference: float
    low: float
    high: float
    ratio: float
    ratio_low: float
    ratio_high: float
    z: float
    p: float
    paired: bool
    n: int
    crn_variance_ratio: float


def rmst_contrast(
    reference: tuple[Sequence[float], Sequence[bool]],
    arm: tuple[Sequence[float], Sequence[bool]],
    tau: float,
    paired: bool = False,
    confidence: float = 0.95,
) -> RmstContrast:
    """RMST difference and ratio, arm minus reference, each given as (lifetime, censored).

    Args:
        reference: the reference arm's lifetimes and censoring flags.
        arm: the other arm's; when ``paired`` the i-th run of each shares a seed.
        tau: restriction time (months), at most the horizon.
        paired: pair the runs by position (common random numbers).
        confidence: level of the intervals.
    """
    pr = rmst_pseudo_values(*reference, tau)
    pa = rmst_pseudo_values(*arm, tau)
    if paired and pr.size != pa.size:
        raise ValueError("paired arms need the same number of runs")
    mr, ma = float(pr.mean()), float(pa.mean())
    var_r, var_a = _var_of_mean(pr), _var_of_mean(pa)
    independent = var_r + var_a
    if paired:
        cov = float(np.cov(pr, pa, ddof=1)[0, 1]) / pr.size if pr.size > 1 else 0.0
        var_diff = _var_of_mean(pa - pr)
    else:
        cov, var_diff = 0.0, independent
    diff = ma - mr
    z_crit = _z(confidence)
    se = math.sqrt(var_diff)
    z = diff / se if se > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    p = float(2 * stats.norm.sf(abs(z)))
    ratio, r_low, r_high = _ratio(mr, ma, var_r, var_a, cov, z_crit)
    return RmstContrast(
        tau=float(tau),
        rmst_reference=mr,
        rmst_arm=ma,
        difference=diff,
        low=diff - z_crit * se,
        high=diff + z_crit * se,
        ratio=ratio,
        ratio_low=r_low,
        ratio_high=r_high,
        z=float(z),
        p=p,
        paired=paired,
        n=int(pa.size),
        crn_variance_ratio=independent / var_diff if paired and var_diff > 0 else math.nan,
    )


def _var_of_mean(x: np.ndarray) -> float:
    return float(np.var(x, ddof=1)) / x.size if x.size > 1 else 0.0


def _ratio(mr: float, ma: float, var_r: float, var_a: float, cov: float, z: float) -> tuple[float, float, float]:
    if mr <= 0 or ma <= 0:
        return math.nan, math.nan, math.nan
    ratio = ma / mr
    var_log = var_a / ma**2 + var_r / mr**2 - 2 * cov / (ma * mr)
    half = z * math.sqrt(max(var_log, 0.0))
    return ratio, ratio * math.exp(-half), ratio * math.exp(half)


def rmst_table(
    runs: pd.DataFrame,
    factor: str,
    strata: Sequence[str],
    tau: float,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """RMST contrasts of each level of ``factor`` against its first (sorted) level, within ``strata``.

    Runs are paired by ``replication`` when every common replication has the same seed in
    both arms (common random numbers; a replication missing from one arm is left out);
    otherwise the arms are compared as independent samples.

    Returns:
        One row per contrast: the strata values, ``factor`` (the level), reference, and the
        fields of :class:`RmstContrast`.
    """
    rows = []
    for pair in arm_pairs(runs, factor, strata):
        a, b = (pair.ref.loc[pair.common], pair.arm.loc[pair.common]) if pair.paired else (pair.ref, pair.arm)
        found = rmst_contrast((a.lifetime, a.censored), (b.lifetime, b.censored), tau, pair.paired, confidence)
        rows.append({**pair.where, factor: pair.level, "reference": pair.reference, **asdict(found)})
    return pd.DataFrame(rows)
