"""Competing risks: how coalitions dissolve, cause by cause.

A coalition can dissolve in several ways (the causes are read from the data's ``cause``
column: every value of a run that did not endure). The cumulative incidence of cause k,
``F_k(t) = sum over event times t_j <= t of S(t_j-) d_kj / n_j`` (Aalen & Johansen 1978;
S is the Kaplan-Meier survival of any dissolution), is the share of coalitions dissolved by
that cause by month t; the causes' incidences and the survival add up to 1. Ties in time
(whole months) are handled exactly; with censoring only at the horizon ``F_k`` equals the
count of cause k over n, and the interval is Wilson's.

Between arms, each cause is compared by a cause-specific log-rank test (other causes
treated as censoring) and, at the horizon, by the difference in incidence (Newcombe's
paired interval where the arms share seeds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from coalition_sim.analysis.pairing import arm_pairs
from coalition_sim.analysis.proportions import (
    _as_bool,
    mcnemar_exact_p,
    newcombe_paired_interval,
    wilson_interval,
)
from coalition_sim.analysis.survival import logrank_test
from coalition_sim.studies.store import finished


def event_causes(runs: pd.DataFrame) -> list[str]:
    """The causes of dissolution present in the data (sorted), read from ``cause`` of uncensored runs."""
    if "cause" not in runs:
        return []
    ok = finished(runs)
    dissolved = ok[~_as_bool(ok.censored)]
    return sorted(str(c) for c in dissolved["cause"].dropna().unique())


def cumulative_incidence(
    lifetime: Sequence[float], censored: Sequence[bool], cause: Sequence, of: str
) -> tuple[np.ndarray, np.ndarray]:
    """Aalen-Johansen cumulative incidence of cause ``of``.

    Returns:
        (times, incidence just after each time): the distinct observed times, increasing.
    """
    life = np.asarray(lifetime, dtype=float)
    dead = ~_as_bool(censored)
    hit = dead & (np.asarray(cause, dtype=object).astype(str) == str(of))
    times = np.unique(life)
    at_risk = np.array([(life >= t).sum() for t in times], dtype=float)
    deaths = np.array([((life == t) & dead).sum() for t in times], dtype=float)
    hits = np.array([((life == t) & hit).sum() for t in times], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, deaths / at_risk, 0.0)
        cause_hazard = np.where(at_risk > 0, hits / at_risk, 0.0)
    surv_before = np.concatenate([[1.0], np.cumprod(1 - hazard)[:-1]])
    return times, np.cumsum(surv_before * cause_hazard)


def incidence_at(times: np.ndarray, incidence: np.ndarray, t: float) -> float:
    """The step function's value at ``t`` (0 before the first time)."""
    idx = np.searchsorted(times, t, side="right") - 1
    return float(incidence[idx]) if idx >= 0 else 0.0


def incidence_table(runs: pd.DataFrame, by: Sequence[str], horizon: float, confidence: float = 0.95) -> pd.DataFrame:
    """Cumulative incidence of each cause at the horizon, per arm.

    Returns:
        One row per arm and cause: the ``by`` columns, cause, events, n, incidence, low, high
        (Wilson; NaN if some run was censored before the horizon).
    """
    causes = event_causes(runs)
    ok = finished(runs)
    groups = ok.groupby(list(by), sort=True) if by else [((), ok)]
    rows = []
    for key, arm in groups:
        values = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        early = bool(np.any(_as_bool(arm.censored) & (arm.lifetime.to_numpy(float) < horizon)))
        for cause in causes:
            times, cif = cumulative_incidence(arm.lifetime, arm.censored, arm["cause"], cause)
            events = int(((arm["cause"].astype(str) == cause) & ~_as_bool(arm.censored)).sum())
            low, high = (math.nan, math.nan) if early else wilson_interval(events, len(arm), confidence)
            rows.append(
                {
                    **values,
                    "cause": cause,
                    "events": events,
                    "n": len(arm),
                    "incidence": incidence_at(times, cif, horizon),
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(rows)


def cause_contrasts(runs: pd.DataFrame, factor: str, strata: Sequence[str], confidence: float = 0.95) -> pd.DataFrame:
    """Each cause compared between each level of ``factor`` and its first level, within ``strata``.

    Returns:
        One row per stratum, level and cause: the strata values, ``factor``, reference, cause,
        events_reference, events_arm, difference (incidence at the horizon, arm minus reference),
        low, high, paired, p (McNemar when paired, else the cause-specific log-rank), logrank_p.
    """
    causes = event_causes(finished(runs))
    rows = [
        {
            **pair.where,
            factor: pair.level,
            "reference": pair.reference,
            **_one_cause(pair.ref, pair.arm, pair.common, cause, pair.paired, confidence),
        }
        for pair in arm_pairs(runs, factor, strata)
        for cause in causes
    ]
    return pd.DataFrame(rows)


def _one_cause(ref: pd.DataFrame, arm: pd.DataFrame, common, cause: str, paired: bool, confidence: float) -> dict:
    def hit(rows: pd.DataFrame) -> np.ndarray:
        return ((rows["cause"].astype(str) == cause) & ~rows.censored.astype(bool)).to_numpy()

    hr, ha = hit(ref), hit(arm)
    test = logrank_test(arm.lifetime, ~ha, ref.lifetime, ~hr)
    if paired:
        x, y = hit(ref.loc[common]), hit(arm.loc[common])
        diff, low, high = newcombe_paired_interval(x, y, confidence)
        p = mcnemar_exact_p(x, y)
    else:
        diff = float(ha.mean() - hr.mean())
        low, high, p = math.nan, math.nan, test.pvalue
    return {
        "cause": cause,
        "events_reference": int(hr.sum()),
        "events_arm": int(ha.sum()),
        "difference": diff,
        "low": low,
        "high": high,
        "paired": paired,
        "p": p,
        "logrank_p": test.pvalue,
    }
