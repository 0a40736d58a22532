"""The four published patterns of coalition survival, and how a set of runs is scored against them.

Pattern-oriented modelling (Grimm et al. 2005): each pattern is one or more
:class:`Criterion` objects with a target and a tolerance, computed by a pure
statistic on a runs table (one row per run: ``lifetime``, ``censored``,
``cause`` ...) with a Monte Carlo confidence interval over the replications.
A design point runs under three backbone *settings* that share common random
numbers:

* ``grant``: backbone support at ``backbone_strength`` until month 36, then
  ``backbone_after_cut`` (a 3-year start-up grant that ends);
* ``sustained``: the backbone at ``backbone_strength`` throughout (a dedicated
  coordination function);
* ``none``: no backbone at all.

:func:`score_point` scores one point's runs per setting against every criterion.
The calibration study that searches for points is :mod:`coalition_sim.calibration.search`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.analysis import study_analysis as analysis
from coalition_sim.analysis.survival import _z

GRANT_MONTH = 36
"""Month the start-up grant ends (Communities That Care: a 3-year grant)."""
NORC_MONTH = GRANT_MONTH + 54
"""Funding end plus 4.5 years, the middle of NORC's 'three to six years after funding ended'."""
NORC_LAST = GRANT_MONTH + 72
"""Funding end plus 6 years: closures up to here count in NORC's split of causes."""
SUCCESS_CAUSES = ("censored", "purpose_achieved")
"""Pattern 3's analogue of a successful alliance: it lasted the horizon or achieved its purpose."""
SETTINGS: dict[str, dict[str, Any]] = {
    "grant": {"backbone_cut_month": GRANT_MONTH},
    "sustained": {"backbone_cut_month": 0},
    "none": {"backbone_strength": 0.0, "backbone_cut_month": 0},
}
"""Backbone settings every design point runs under (overrides of the point's values)."""
CONFIDENCE = 0.95


# ----------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class Estimate:
    """A statistic with its Monte Carlo confidence interval (NaN when undefined)."""

    value: float
    low: float
    high: float
    n: int


NAN = Estimate(math.nan, math.nan, math.nan, 0)


def _life(runs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (runs["lifetime"].to_numpy(dtype=float), runs["censored"].astype(bool).to_numpy())


def survival_at(runs: pd.DataFrame, month: float, confidence: float = CONFIDENCE) -> Estimate:
    """Kaplan-Meier S(month): share of coalitions still running after ``month``."""
    if len(runs) == 0:
        return NAN
    life, censored = _life(runs)
    curve = analysis.kaplan_meier(life, censored, confidence)
    low, high = curve.band_at(month)
    return Estimate(float(curve.at(month)), low, high, len(runs))


def conditional_survival(runs: pd.DataFrame, after: float, month: float, confidence: float = CONFIDENCE) -> Estimate:
    """S(month | alive after ``after``): Kaplan-Meier on the coalitions still running at ``after``."""
    alive = runs[runs["lifetime"].to_numpy(dtype=float) > after]
    return survival_at(alive, month, confidence)


def hazard(runs: pd.DataFrame, start: float, end: float, confidence: float = CONFIDENCE) -> Estimate:
    """Piecewise-constant closure hazard in (start, end], per year.

    Events are dissolutions in (start, end]; exposure is the person-years lived
    in that interval. The interval is the exact Poisson one on the event count.
    """
    if len(runs) == 0:
        return NAN
    life, censored = _life(runs)
    exposure = np.clip(np.minimum(life, end) - start, 0, None).sum() / 12.0
    events = int(np.sum(~censored & (life > start) & (life <= end)))
    if exposure <= 0:
        return NAN
    alpha = 1 - confidence
    low = 0.0 if events == 0 else stats.chi2.ppf(alpha / 2, 2 * events) / 2
    high = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return Estimate(events / exposure, low / exposure, high / exposure, events)


def annual_closure(runs: pd.DataFrame, start: float, end: float, confidence: float = CONFIDENCE) -> Estimate:
    """Share closing per year, 1 - exp(-hazard), in (start, end]."""
    h = hazard(runs, start, end, confidence)
    return Estimate(*(1 - math.exp(-x) if not math.isnan(x) else math.nan for x in (h.value, h.low, h.high)), h.n)


def hazard_ratio(runs: pd.DataFrame, split: float, horizon: float, confidence: float = CONFIDENCE) -> Estimate:
    """Hazard after ``split`` (to the horizon) over hazard before it, with a log-scale interval.

    NaN when either period has no closures (the ratio is then not estimable).
    """
    early, late = hazard(runs, 0, split), hazard(runs, split, horizon)
    if early.n == 0 or late.n == 0:
        return Estimate(math.nan, math.nan, math.nan, early.n + late.n)
    ratio = late.value / early.value
    half = _z(confidence) * math.sqrt(1 / early.n + 1 / late.n)
    return Estimate(ratio, ratio * math.exp(-half), ratio * math.exp(half), early.n + late.n)


def cause_share(
    runs: pd.DataFrame, cause: str, after: float, until: float = math.inf, confidence: float = CONFIDENCE
) -> Estimate:
    """Among coalitions that closed in months (after, until], the share that closed by ``cause``."""
    life, censored = _life(runs)
    ended = runs[~censored & (life > after) & (life <= until)]
    if len(ended) == 0:
        return NAN
    hits = int((ended["cause"] == cause).sum())
    low, high = analysis.wilson_interval(hits, len(ended), confidence)
    return Estimate(hits / len(ended), low, high, len(ended))


def success_share(runs: pd.DataFrame) -> float:
    """Share of runs that lasted the horizon or achieved their purpose."""
    return float(runs["cause"].isin(SUCCESS_CAUSES).mean()) if len(runs) else math.nan


def success_ratio(with_backbone: pd.DataFrame, without: pd.DataFrame, confidence: float = CONFIDENCE) -> Estimate:
    """Success share with a backbone over success share without one (Katz log interval).

    The interval treats the two arms as independent, so under common random
    numbers it is conservative.
    """
    n1, n0 = len(with_backbone), len(without)
    if n1 == 0 or n0 == 0:
        return NAN
    x1 = int(with_backbone["cause"].isin(SUCCESS_CAUSES).sum())
    x0 = int(without["cause"].isin(SUCCESS_CAUSES).sum())
    if x0 == 0:
        return Estimate(math.inf if x1 else math.nan, math.nan, math.nan, n1 + n0)
    ratio = (x1 / n1) / (x0 / n0)
    if x1 == 0:
        return Estimate(0.0, 0.0, math.nan, n1 + n0)
    half = _z(confidence) * math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0)
    return Estimate(ratio, ratio * math.exp(-half), ratio * math.exp(half), n1 + n0)


# ----------------------------------------------------------------------------- patterns
@dataclass(frozen=True)
class Criterion:
    """One figure a pattern requires, with its target and the accepted range.

    Attributes:
        key: short id (a column of the scores table).
        pattern: pattern number (1-4).
        label: what the figure is, in words.
        target: the published value (or the value the pattern implies).
        low: smallest accepted estimate.
        high: largest accepted estimate.
        citation: where the target comes from.
        statistic: ``statistic(by_setting) -> Estimate`` on a point's runs per setting.
    """

    key: str
    pattern: int
    label: str
    target: float
    low: float
    high: float
    citation: str
    statistic: Callable[[dict[str, pd.DataFrame]], Estimate]

    def accepts(self, value: float) -> bool:
        """True when ``value`` lies within the tolerance (NaN never does)."""
        return bool(self.low <= value <= self.high)

    def distance(self, value: float) -> float:
        """|value - target| in units of the tolerance half-width on that side."""
        if math.isnan(value):
            return math.inf
        side = (self.high - self.target) if value >= self.target else (self.target - self.low)
        return abs(value - self.target) / side if side > 0 else math.inf


FEINBERG = (
    "Feinberg, Bontempo & Greenberg (2008), Am J Prev Med 34(6): 110 Communities That Care "
    "coalitions with a 3-year start-up grant"
)
NORC = "NORC at the University of Chicago for HHS/ASPE (2012): federally funded coalitions after funding ended"
KALE = "Kale, Dyer & Singh (2002), Strategic Management Journal 23(8): 63% vs 50% of alliances successful"
AGE = "Liability of newness: Feinberg et al. (2008); established coalitions close less often"


def failures_only(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with 'purpose achieved' treated as censored: only collapse and dormancy are events.

    The cause-specific hazard of failure, as in the liability-of-newness literature,
    where a coalition that closes because its work is done has not died.
    """
    runs = runs.copy()
    runs["censored"] = runs["censored"].astype(bool) | (runs["cause"] == "purpose_achieved")
    return runs


def _no_funding_change(by: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return failures_only(pd.concat([by["sustained"], by["none"]], ignore_index=True))


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "p1_running_at_grant_end",
        1,
        "share still running at month 36 (grant end)",
        0.90,
        0.82,
        0.97,
        FEINBERG,
        lambda by: survival_at(by["grant"], GRANT_MONTH),
    ),
    Criterion(
        "p1_closing_per_year_after",
        1,
        "share closing per year, months 36-84",
        0.055,
        0.02,
        0.10,
        FEINBERG,
        lambda by: annual_closure(by["grant"], GRANT_MONTH, 84),
    ),
    Criterion(
        "p1_running_at_84",
        1,
        "share still running at month 84 (4 years after the grant)",
        2 / 3,
        0.57,
        0.77,
        FEINBERG,
        lambda by: survival_at(by["grant"], 84),
    ),
    Criterion(
        "p2_active_after_funding",
        2,
        "share of those running at funding end still running 4.5 years later",
        0.68,
        0.58,
        0.78,
        NORC,
        lambda by: conditional_survival(by["grant"], GRANT_MONTH, NORC_MONTH),
    ),
    Criterion(
        "p2_goal_met_share",
        2,
        "among closures 0-6 years after funding ended, share with purpose achieved",
        1 / 3,
        0.18,
        0.50,
        NORC,
        lambda by: cause_share(by["grant"], "purpose_achieved", GRANT_MONTH, NORC_LAST),
    ),
    Criterion(
        "p3_success_ratio",
        3,
        "success share with a sustained backbone / without a backbone",
        0.63 / 0.50,
        1.08,
        1.50,
        KALE,
        lambda by: success_ratio(by["sustained"], by["none"]),
    ),
    Criterion(
        "p4_hazard_late_over_early",
        4,
        "failure (collapse/dormancy) hazard in years 4-10 / years 1-3, no funding change",
        0.5,
        0.0,
        0.8,
        AGE,
        lambda by: hazard_ratio(_no_funding_change(by), GRANT_MONTH, 120),
    ),
)
"""Every criterion; a point is accepted when all of them accept."""


def score_point(by_setting: dict[str, pd.DataFrame], criteria: Sequence[Criterion] = CRITERIA) -> dict[str, Any]:
    """Score one design point's runs (per setting) against every criterion.

    Returns:
        A flat dict: per criterion ``<key>``, ``<key>_low``, ``<key>_high``,
        ``<key>_ok``; then ``patterns_met`` (count of patterns fully met),
        ``accepted`` (all criteria met) and ``distance`` (the largest
        tolerance-scaled distance from a target: below 1 means accepted).
    """
    row: dict[str, Any] = {}
    met: dict[int, bool] = {}
    worst = 0.0
    for c in criteria:
        est = c.statistic(by_setting)
        ok = c.accepts(est.value)
        row.update({c.key: est.value, f"{c.key}_low": est.low, f"{c.key}_high": est.high, f"{c.key}_ok": ok})
        met[c.pattern] = met.get(c.pattern, True) and ok
        worst = max(worst, c.distance(est.value))
    row["patterns_met"] = sum(met.values())
    row["accepted"] = all(met.values())
    row["distance"] = worst
    return row


def criteria_table(row: dict[str, Any], criteria: Sequence[Criterion] = CRITERIA) -> pd.DataFrame:
    """A readable table (one line per criterion) of a score row."""
    criteria = [c for c in criteria if c.key in row]
    return pd.DataFrame(
        [
            {
                "pattern": c.pattern,
                "criterion": c.key,
                "what": c.label,
                "target": c.target,
                "accepted_low": c.low,
                "accepted_high": c.high,
                "model": row[c.key],
                "ci_low": row[f"{c.key}_low"],
                "ci_high": row[f"{c.key}_high"],
                "met": row[f"{c.key}_ok"],
                "source": c.citation,
            }
            for c in criteria
        ]
    )
