"""Cox proportional-hazards model of dissolution, always with its proportional-hazards check.

A hazard ratio summarises a whole survival curve in one number only if the hazards are
proportional; so every Cox fit here comes with the Grambsch & Therneau (1994) test on the
scaled Schoenfeld residuals (lifelines ``proportional_hazard_test``, rank time transform),
and the findings give hazard ratios only next to that diagnostic. Paired designs (arms sharing
seeds) get robust (sandwich) errors clustered by seed (Lin & Wei 1989), lifelines'
``cluster_col``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from coalition_sim.analysis.proportions import _as_bool
from coalition_sim.studies.store import finished


def design_matrix(runs: pd.DataFrame, covariates: Sequence[str], interaction: tuple[str, str] | None = None):
    """Covariate columns for a Cox fit: numeric columns as they are, others as 0/1 dummies.

    A text column (e.g. ``governance``) becomes one dummy per level but the first (sorted),
    named ``governance=opt-in``. ``interaction`` multiplies two of the resulting columns
    (the first dummy of a text column stands for it).

    Returns:
        (DataFrame of covariates, list of their names).
    """
    columns = {}
    first_of = {}
    for name in covariates:
        values = runs[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if values.nunique() > 1:
                columns[name] = values.astype(float)
                first_of[name] = name
            continue
        levels = sorted(values.astype(str).unique())
        for level in levels[1:]:
            columns[f"{name}={level}"] = (values.astype(str) == level).astype(float)
            first_of.setdefault(name, f"{name}={level}")
    if interaction and all(c in first_of for c in interaction):
        a, b = (first_of[c] for c in interaction)
        columns[f"{a} x {b}"] = columns[a] * columns[b]
    table = pd.DataFrame(columns, index=runs.index)
    return table, list(table.columns)


def cox_model(
    runs: pd.DataFrame,
    covariates: Sequence[str],
    interaction: tuple[str, str] | None = None,
    cluster: str | None = "seed",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Hazard ratios of dissolution with intervals, and the proportional-hazards test per covariate.

    Args:
        runs: the study's runs (failed runs are left out).
        covariates: columns to model (text columns become dummies).
        interaction: two covariates whose product is added (e.g. rule x backbone).
        cluster: column whose equal values share random numbers (robust errors clustered on it),
            or None for model-based errors.
        confidence: level of the intervals.

    Returns:
        One row per term: term, hazard_ratio, low, high, p, ph_statistic, ph_p (small ph_p: the
        hazards are not proportional and the ratio is only an average over time), n, events,
        clustered (bool). Empty when nothing varies or there is no dissolution.
    """
    ok = finished(runs)
    x, names = design_matrix(ok, covariates, interaction)
    events = ~_as_bool(ok.censored)
    if not names or events.sum() == 0:
        return pd.DataFrame(columns=["term", "hazard_ratio", "low", "high", "p", "ph_statistic", "ph_p"])
    data = x.assign(lifetime=ok.lifetime.to_numpy(float), event=events.astype(int))
    clustered = bool(cluster and cluster in ok and ok[cluster].duplicated().any())
    if clustered:
        data["cluster"] = ok[cluster].to_numpy()
    fitter, ph = _fit_with_ph_test(data, clustered, confidence)
    summary = fitter.summary
    ph_table = ph.summary
    lower = [c for c in summary if c.startswith("exp(coef) lower")][0]
    upper = [c for c in summary if c.startswith("exp(coef) upper")][0]
    return pd.DataFrame(
        {
            "term": names,
            "hazard_ratio": summary.loc[names, "exp(coef)"].to_numpy(),
            "low": summary.loc[names, lower].to_numpy(),
            "high": summary.loc[names, upper].to_numpy(),
            "p": summary.loc[names, "p"].to_numpy(),
            "ph_statistic": ph_table.loc[names, "test_statistic"].to_numpy(),
            "ph_p": ph_table.loc[names, "p"].to_numpy(),
            "n": len(data),
            "events": int(events.sum()),
            "clustered": clustered,
        }
    )


def _fit_with_ph_test(data: pd.DataFrame, clustered: bool, confidence: float = 0.95):
    """lifelines' Cox fit of ``data`` (columns lifetime, event, [cluster], covariates) and its PH test."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    fitter = CoxPHFitter(alpha=1 - confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter.fit(data, "lifetime", "event", cluster_col="cluster" if clustered else None)
        ph = proportional_hazard_test(fitter, data, time_transform="rank")
    return fitter, ph


def ph_p_value(runs: pd.DataFrame, factor: str) -> float:
    """The smallest proportional-hazards p over the terms of a Cox model of ``factor`` alone.

    The ``ph_p.min()`` of :func:`cox_model` (model-based errors), without the hazard ratios it
    does not need; NaN when nothing varies or there is no dissolution.
    """
    ok = finished(runs)
    x, names = design_matrix(ok, [factor])
    events = ~_as_bool(ok.censored)
    if not names or events.sum() == 0:
        return np.nan
    data = x.assign(lifetime=ok.lifetime.to_numpy(float), event=events.astype(int))
    _, ph = _fit_with_ph_test(data, clustered=False)
    return float(pd.Series(np.atleast_1d(np.asarray(ph.p_value, dtype=float))).min())  # NaN-skipping, as before


def ph_test_by_stratum(runs: pd.DataFrame, factor: str, strata: Sequence[str]) -> pd.DataFrame:
    """Schoenfeld-residual test of proportional hazards for ``factor`` alone, within each stratum.

    Returns:
        One row per stratum: the strata values, ph_p (NaN where there are too few dissolutions).
    """
    ok = finished(runs)
    strata = [c for c in strata if c != factor]
    groups = ok.groupby(strata, sort=True) if strata else [((), ok)]
    rows = []
    for key, stratum in groups:
        key = key if isinstance(key, tuple) else (key,)
        p = np.nan
        if (~_as_bool(stratum.censored)).sum() >= 5 and stratum[factor].nunique() > 1:
            try:
                p = ph_p_value(stratum, factor)
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                p = np.nan  # a fit that does not converge (lifelines' ConvergenceError) gives no diagnostic
        rows.append({**dict(zip(strata, key)), "ph_p": p})
    return pd.DataFrame(rows)
