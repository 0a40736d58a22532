"""Pattern-oriented calibration (Grimm et al. 2005) against published coalition survival.

A calibration study is an ordinary study file (LHS over the uncertain parameters)
plus a ``[calibration]`` table. Every design point is run under three backbone
*settings* that share common random numbers:

* ``grant``: backbone support at ``backbone_strength`` until month 36, then
  ``backbone_after_cut`` (a 3-year start-up grant that ends);
* ``sustained``: the backbone at ``backbone_strength`` throughout (a dedicated
  coordination function);
* ``none``: no backbone at all.

Each point is scored against every :class:`Criterion` of the four patterns; a
point is *accepted* only when every criterion's estimate lies within its
tolerance. The statistics are pure functions on a runs table (one row per run:
``lifetime``, ``censored``, ``cause`` ...), each with a Monte Carlo confidence
interval over the replications.

    >>> from coalition_sim.calibration import load_calibration, run_calibration, score_results
    >>> spec = load_calibration("experiments/calibration/round1.toml")   # doctest: +SKIP
    >>> scores = score_results(run_calibration(spec))                       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim import analysis
from coalition_sim.designs import Design
from coalition_sim.errors import InputError
from coalition_sim.study import StudySpec, parse_study
from coalition_sim.survival import _z
from coalition_sim.toml_input import load_toml

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
CALIBRATION_KEYS = ("out", "impact_goals")
GOAL_KEYS = ("low", "high", "num")
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
    return (runs["lifetime"].to_numpy(dtype=float),
            runs["censored"].astype(bool).to_numpy())


def survival_at(runs: pd.DataFrame, month: float, confidence: float = CONFIDENCE) -> Estimate:
    """Kaplan-Meier S(month): share of coalitions still running after ``month``."""
    if len(runs) == 0:
        return NAN
    life, censored = _life(runs)
    curve = analysis.kaplan_meier(life, censored, confidence)
    low, high = curve.band_at(month)
    return Estimate(float(curve.at(month)), low, high, len(runs))


def conditional_survival(runs: pd.DataFrame, after: float, month: float,
                         confidence: float = CONFIDENCE) -> Estimate:
    """S(month | alive after ``after``): Kaplan-Meier on the coalitions still running at ``after``."""
    alive = runs[runs["lifetime"].to_numpy(dtype=float) > after]
    return survival_at(alive, month, confidence)


def hazard(runs: pd.DataFrame, start: float, end: float,
           confidence: float = CONFIDENCE) -> Estimate:
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


def annual_closure(runs: pd.DataFrame, start: float, end: float,
                   confidence: float = CONFIDENCE) -> Estimate:
    """Share closing per year, 1 - exp(-hazard), in (start, end]."""
    h = hazard(runs, start, end, confidence)
    return Estimate(*(1 - math.exp(-x) if not math.isnan(x) else math.nan
                      for x in (h.value, h.low, h.high)), h.n)


def hazard_ratio(runs: pd.DataFrame, split: float, horizon: float,
                 confidence: float = CONFIDENCE) -> Estimate:
    """Hazard after ``split`` (to the horizon) over hazard before it, with a log-scale interval.

    NaN when either period has no closures (the ratio is then not estimable).
    """
    early, late = hazard(runs, 0, split), hazard(runs, split, horizon)
    if early.n == 0 or late.n == 0:
        return Estimate(math.nan, math.nan, math.nan, early.n + late.n)
    ratio = late.value / early.value
    half = _z(confidence) * math.sqrt(1 / early.n + 1 / late.n)
    return Estimate(ratio, ratio * math.exp(-half), ratio * math.exp(half), early.n + late.n)


def cause_share(runs: pd.DataFrame, cause: str, after: float, until: float = math.inf,
                confidence: float = CONFIDENCE) -> Estimate:
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


def success_ratio(with_backbone: pd.DataFrame, without: pd.DataFrame,
                  confidence: float = CONFIDENCE) -> Estimate:
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


# ----------------------------------------------------------------------------- profiling the goal
def impact_paths(series: pd.DataFrame, run_ids: Sequence[int], horizon: int) -> np.ndarray:
    """Cumulative impact per run and month (rows in ``run_ids`` order), held after a run ends.

    Args:
        series: long series table (run_id, month, variable, value) with ``cumulative_impact``.
    """
    rows = series[series["variable"] == "cumulative_impact"]
    wide = rows.pivot(index="run_id", columns="month", values="value")
    wide = wide.reindex(index=list(run_ids), columns=range(horizon + 1)).ffill(axis=1).fillna(0.0)
    return wide.to_numpy(dtype=float)


def apply_goal(runs: pd.DataFrame, paths: np.ndarray, goal: float) -> pd.DataFrame:
    """The runs as they would have ended with ``impact_goal = goal`` (they ran with none).

    The goal acts only through the dissolution check, after collapse and before
    dormancy (``endurance.dissolution_cause``), so a run with no goal is the same
    run with a goal up to the first month its cumulative impact reaches it:
    it then closes with its purpose achieved, unless it collapsed that month.

    Args:
        runs: runs made with ``impact_goal = 0`` (lifetime, censored, cause).
        paths: their cumulative impact per month, from :func:`impact_paths`.
        goal: the impact goal to apply (> 0).
    """
    reached = paths[:, 1:] >= goal
    first = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, np.iinfo(np.int64).max)
    life = runs["lifetime"].to_numpy(dtype=np.int64)
    cause = runs["cause"].to_numpy(dtype=object)
    purpose = (first < life) | ((first == life) & (cause != "collapse"))
    out = runs.copy()
    out["lifetime"] = np.where(purpose, first, life)
    out["cause"] = np.where(purpose, "purpose_achieved", cause)
    out["censored"] = out["censored"].astype(bool).to_numpy() & ~purpose
    if "endured" in out:
        out["endured"] = out["censored"]
    out["impact_goal"] = goal
    return out


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


FEINBERG = ("Feinberg, Bontempo & Greenberg (2008), Am J Prev Med 34(6): 110 Communities That Care "
            "coalitions with a 3-year start-up grant")
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
    Criterion("p1_running_at_grant_end", 1, "share still running at month 36 (grant end)",
              0.90, 0.82, 0.97, FEINBERG, lambda by: survival_at(by["grant"], GRANT_MONTH)),
    Criterion("p1_closing_per_year_after", 1, "share closing per year, months 36-84",
              0.055, 0.02, 0.10, FEINBERG, lambda by: annual_closure(by["grant"], GRANT_MONTH, 84)),
    Criterion("p1_running_at_84", 1, "share still running at month 84 (4 years after the grant)",
              2 / 3, 0.57, 0.77, FEINBERG, lambda by: survival_at(by["grant"], 84)),
    Criterion("p2_active_after_funding", 2, "share of those running at funding end still running 4.5 years later",
              0.68, 0.58, 0.78, NORC, lambda by: conditional_survival(by["grant"], GRANT_MONTH, NORC_MONTH)),
    Criterion("p2_goal_met_share", 2, "among closures 0-6 years after funding ended, share with purpose achieved",
              1 / 3, 0.18, 0.50, NORC, lambda by: cause_share(by["grant"], "purpose_achieved", GRANT_MONTH, NORC_LAST)),
    Criterion("p3_success_ratio", 3, "success share with a sustained backbone / without a backbone",
              0.63 / 0.50, 1.08, 1.50, KALE, lambda by: success_ratio(by["sustained"], by["none"])),
    Criterion("p4_hazard_late_over_early", 4,
              "failure (collapse/dormancy) hazard in years 4-10 / years 1-3, no funding change",
              0.5, 0.0, 0.8, AGE, lambda by: hazard_ratio(_no_funding_change(by), GRANT_MONTH, 120)),
)
"""Every criterion; a point is accepted when all of them accept."""


def score_point(by_setting: dict[str, pd.DataFrame],
                criteria: Sequence[Criterion] = CRITERIA) -> dict[str, Any]:
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


# ----------------------------------------------------------------------------- the study
@dataclass(frozen=True)
class CalibrationSpec(StudySpec):
    """A study whose every design point runs under each backbone setting.

    Point ids are ``base_point * len(settings) + setting_index``; the settings of
    one base point share seeds (common random numbers).
    """

    settings: tuple[tuple[str, tuple], ...] = ()
    out: str | None = None
    goals: tuple[float, ...] = ()

    @property
    def profiles_goal(self) -> bool:
        """True when runs go without an impact goal and the goal is applied afterwards."""
        return bool(self.goals)

    def setting_names(self) -> list[str]:
        """Settings in point-id order."""
        return [name for name, _ in self.settings]

    def base_points(self) -> Design:
        """The LHS points before the settings are applied."""
        base = dataclasses.replace(self, settings=(), _cache={})
        return StudySpec.design_points(base)

    def design_points(self) -> Design:
        """Each base point once per setting, setting values overriding the point's."""
        if "design" not in self._cache:
            points = [{**point, **dict(values)} for point in self.base_points().points
                      for _, values in self.settings]
            self._cache["design"] = Design(points, [None] * len(points))
        return self._cache["design"]

    def seeds(self):
        """Seeds per (point, replication): one row per base point, repeated over settings."""
        if "seeds" not in self._cache:
            from coalition_sim.designs import run_seeds

            base = run_seeds(self.base_points().points, (), self.replications, self.master_seed)
            self._cache["seeds"] = np.repeat(base, len(self.settings), axis=0)
        return self._cache["seeds"]

    def to_dict(self) -> dict:
        """The study's normalised spec plus its settings (so the store's hash covers them)."""
        return {**super().to_dict(),
                "calibration": {"settings": {name: dict(values) for name, values in self.settings},
                                "impact_goals": list(self.goals)}}

    def default_store(self) -> Path:
        """``<out>/results.sqlite`` (out defaults to results/calibration/<name>)."""
        return self.out_dir() / "results.sqlite"

    def out_dir(self) -> Path:
        """Folder for the store, the scores and the accepted set."""
        return Path(self.out) if self.out else Path("results") / "calibration" / self.name


def load_calibration(path: str | Path) -> CalibrationSpec:
    """Read a calibration file: a study file plus a ``[calibration]`` table.

    Raises:
        InputError: one line naming the file and the field.
    """
    return load_toml(path, "calibration", parse_calibration)


def parse_calibration(data: dict, *, text: str = "", path: str | None = None) -> CalibrationSpec:
    """Validate a calibration given as a dict (the parsed TOML)."""
    data = dict(data)
    table = data.pop("calibration", None)
    if not isinstance(table, dict):
        raise InputError("calibration: missing [calibration] table; this is a plain study file "
                         "(run it with coalition-sim study)")
    for key in table:
        if key not in CALIBRATION_KEYS:
            raise InputError(f"unknown key 'calibration.{key}'; allowed: {', '.join(CALIBRATION_KEYS)}")
    out = table.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip()):
        raise InputError(f"calibration.out={out!r}: must be a folder path")
    goals = _goals(table.get("impact_goals"))
    spec = parse_study(data, text=text, path=path)
    if spec.design != "lhs":
        raise InputError(f"design.kind={spec.design!r}: a calibration searches with kind = \"lhs\"")
    overrides = {name: dict(values) for name, values in SETTINGS.items()}
    if goals:
        for where, names in (("fixed", spec.fixed), ("varied", [f.name for f in spec.factors])):
            if "impact_goal" in names:
                raise InputError(f"{where}.impact_goal: calibration.impact_goals profiles the goal; leave it out")
        overrides = {name: {**values, "impact_goal": 0.0} for name, values in overrides.items()}
    for name, values in overrides.items():
        for key in values:
            if key in spec.fixed:
                raise InputError(f"fixed.{key}: set by the calibration's '{name}' setting; leave it out")
    settings = tuple((name, tuple(sorted(values.items()))) for name, values in overrides.items())
    fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(StudySpec) if f.name != "_cache"}
    if goals:
        fields["series"] = tuple(dict.fromkeys((*spec.series, "cumulative_impact")))
    return CalibrationSpec(**fields, settings=settings, out=out, goals=goals)


def _goals(entry: Any) -> tuple[float, ...]:
    """The goal grid of ``calibration.impact_goals = {low, high, num}`` (empty when absent)."""
    if entry is None:
        return ()
    where = "calibration.impact_goals"
    if not isinstance(entry, dict):
        raise InputError(f"{where}={entry!r}: give a table {{ low = .., high = .., num = .. }}")
    for key in entry:
        if key not in GOAL_KEYS:
            raise InputError(f"unknown key '{where}.{key}'; allowed: {', '.join(GOAL_KEYS)}")
    for key in GOAL_KEYS:
        if key not in entry:
            raise InputError(f"{where}.{key}: missing; give low, high and num")
    low, high, num = entry["low"], entry["high"], entry["num"]
    for key, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise InputError(f"{where}.{key}={value!r}: must be a number > 0")
    if not low < high:
        raise InputError(f"{where}: low={low!r} must be below high={high!r}")
    if isinstance(num, bool) or not isinstance(num, int) or num < 2:
        raise InputError(f"{where}.num={num!r}: must be an integer >= 2")
    return tuple(float(g) for g in np.linspace(low, high, num))


def run_calibration(spec: CalibrationSpec, store: str | Path | None = None, workers: int | None = None,
                    progress: bool = True):
    """Run (or resume) a calibration study through the study runner; return its results.

    Returns:
        :class:`coalition_sim.store.Results` of the store.
    """
    from coalition_sim.store import load_results
    from coalition_sim.study import run_study

    path = Path(store) if store is not None else spec.default_store()
    run_study(spec, path, workers=workers, progress=progress)
    return load_results(path)


# ----------------------------------------------------------------------------- scoring
def split_settings(runs: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Add ``base_point`` and ``setting`` columns from the point ids."""
    runs = analysis.finished(runs).copy()
    k = len(names)
    runs["base_point"] = runs["point_id"] // k
    runs["setting"] = [names[i] for i in (runs["point_id"] % k)]
    return runs


def score_runs(runs: pd.DataFrame, names: Sequence[str], varied: Sequence[str],
               criteria: Sequence[Criterion] = CRITERIA) -> pd.DataFrame:
    """Score every base point of a calibration runs table.

    Args:
        runs: the store's runs table.
        names: the settings in point-id order.
        varied: parameter columns to report per point (taken from the ``grant`` setting).

    Returns:
        One row per base point: its parameter values, replications, each
        criterion's estimate/CI/pass, ``patterns_met``, ``accepted``, ``distance``.
    """
    runs = split_settings(runs, names)
    rows = []
    for point, group in runs.groupby("base_point", sort=True):
        by = {name: group[group["setting"] == name] for name in names}
        first = by["grant"].iloc[0] if len(by["grant"]) else group.iloc[0]
        row = {"point": int(point), **{v: first[v] for v in varied},
               "replications": int(len(by["grant"]))}
        row.update(score_point(by, criteria))
        rows.append(row)
    return pd.DataFrame(rows)


def score_goals(runs: pd.DataFrame, paths: np.ndarray, names: Sequence[str], varied: Sequence[str],
                goals: Sequence[float], criteria: Sequence[Criterion] = CRITERIA) -> pd.DataFrame:
    """Score every base point at every impact goal of the grid (runs made with no goal).

    Args:
        runs: the store's runs table (all made with ``impact_goal = 0``).
        paths: cumulative impact per run (rows in ``runs`` order), from :func:`impact_paths`.

    Returns:
        One row per (point, goal), as :func:`score_runs` with ``impact_goal`` set.
    """
    ok = analysis.finished(runs).index
    paths = paths[runs.index.get_indexer(ok)]
    runs = split_settings(runs.loc[ok], names)
    rows = []
    for point, group in runs.groupby("base_point", sort=True):
        where = runs.index.get_indexer(group.index)
        by0 = {name: group[group["setting"] == name] for name in names}
        at = {name: where[(group["setting"] == name).to_numpy()] for name in names}
        first = by0["grant"].iloc[0] if len(by0["grant"]) else group.iloc[0]
        base = {"point": int(point), **{v: first[v] for v in varied if v != "impact_goal"},
                "replications": int(len(by0["grant"]))}
        for goal in goals:
            by = {name: apply_goal(by0[name], paths[at[name]], goal) for name in names}
            rows.append({**base, "impact_goal": float(goal), **score_point(by, criteria)})
    return pd.DataFrame(rows)


def score_results(results) -> pd.DataFrame:
    """Score a calibration store's runs (as loaded by ``load_results``)."""
    study = results.study
    if "calibration" not in study:
        raise InputError(f"{results.path}: not a calibration store (made by study '{study.get('name')}')")
    names = list(study["calibration"]["settings"])
    goals = study["calibration"].get("impact_goals") or []
    if not goals:
        return score_runs(results.runs, names, list(study["varied"]))
    runs = results.runs.reset_index(drop=True)
    paths = impact_paths(results.series, runs["run_id"], int(study["steps"]))
    return score_goals(runs, paths, names, list(study["varied"]), goals)


def accepted(scores: pd.DataFrame) -> pd.DataFrame:
    """The accepted parameter sets, closest to the targets first."""
    return scores[scores["accepted"]].sort_values("distance").reset_index(drop=True)


def narrowed_ranges(scores: pd.DataFrame, varied: Sequence[str], top: int = 8,
                    pad: float = 0.1) -> dict[str, tuple[float, float]]:
    """Ranges for a next round: the span of the accepted points (or the ``top`` closest), padded.

    The padded ranges are clipped to each parameter's allowed range.

    Args:
        scores: the scores table.
        varied: parameters to narrow.
        top: points to use when fewer than this many were accepted.
        pad: fraction of each span added on both sides.
    """
    chosen = accepted(scores)
    if len(chosen) < top:
        chosen = scores.sort_values(["patterns_met", "distance"], ascending=[False, True]).head(top)
    from coalition_sim.params import PARAMETERS

    out = {}
    for name in varied:
        low, high = float(chosen[name].min()), float(chosen[name].max())
        span = high - low
        param = PARAMETERS[name]
        out[name] = (max(low - pad * span, param.low), min(high + pad * span, param.high))
    return out


# ----------------------------------------------------------------------------- checking a setting
def check_params(params: dict, replications: int, master_seed: int = 20261122, steps: int = 120,
                 workers: int | None = None, criteria: Sequence[Criterion] = CRITERIA,
                 settings: Sequence[str] = tuple(SETTINGS)) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run one parameter set under every setting and score it (the shipped-defaults check).

    ``params`` are the grant-setting parameters (e.g. the ``community_coalition``
    preset); the settings override the backbone schedule as in a calibration.
    Replication ``r`` uses the same seed in every setting (common random numbers).
    Patterns 1 and 2 need only ``settings=("grant",)`` with their ``criteria``.

    Returns:
        (score row as from :func:`score_point`, the runs table with a ``setting`` column).
    """
    from coalition_sim.runner import RunSpec, run_many, spawn_seeds

    params = {k: v for k, v in params.items() if k != "seed"}
    seeds = spawn_seeds(master_seed, replications)
    names = list(settings)
    specs = [RunSpec(i * len(names) + j, j, i, {**params, **SETTINGS[name]}, seeds[i], steps)
             for i in range(replications) for j, name in enumerate(names)]
    rows = []
    for result in run_many(specs, workers=workers, progress=False, keep_series=False):
        if result.status != "ok":
            raise RuntimeError(f"run {result.run_id} failed:\n{result.error}")
        rows.append({"run_id": result.run_id, "setting": names[result.run_id % len(names)],
                     "replication": result.run_id // len(names), **result.summary})
    runs = pd.DataFrame(rows).sort_values("run_id").reset_index(drop=True)
    by = {name: runs[runs["setting"] == name] for name in names}
    return score_point(by, criteria), runs


def candidates(scores: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` points closest to meeting every pattern (most patterns met, then distance).

    With a profiled goal a point has one row per goal; its best row stands for it.
    """
    ranked = scores.sort_values(["patterns_met", "distance", "point"], ascending=[False, True, True])
    return ranked.drop_duplicates("point").head(top).reset_index(drop=True)


def confirm(scores: pd.DataFrame, varied: Sequence[str], fixed: dict, top: int, replications: int,
            master_seed: int, workers: int | None = None) -> pd.DataFrame:
    """Re-run the ``top`` candidates with new seeds and more replications, and score them again.

    A screen with few replications accepts some points by luck; a point is
    *confirmed* only when independent runs also meet every pattern.

    Returns:
        One row per candidate: ``point``, its parameters, ``replications`` and the scores.
    """
    rows = []
    if "impact_goal" in scores and "impact_goal" not in varied:
        varied = [*varied, "impact_goal"]
    for _, cand in candidates(scores, top).iterrows():
        params = {**fixed, **{name: _plain(cand[name]) for name in varied}}
        row, _ = check_params(params, replications, master_seed, workers=workers)
        rows.append({"point": int(cand["point"]), **{name: params[name] for name in varied},
                     "replications": replications, **row})
    return pd.DataFrame(rows)


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def criteria_table(row: dict[str, Any], criteria: Sequence[Criterion] = CRITERIA) -> pd.DataFrame:
    """A readable table (one line per criterion) of a score row."""
    criteria = [c for c in criteria if c.key in row]
    return pd.DataFrame([{"pattern": c.pattern, "criterion": c.key, "what": c.label, "target": c.target,
                          "accepted_low": c.low, "accepted_high": c.high, "model": row[c.key],
                          "ci_low": row[f"{c.key}_low"], "ci_high": row[f"{c.key}_high"],
                          "met": row[f"{c.key}_ok"], "source": c.citation} for c in criteria])


# ----------------------------------------------------------------------------- figure
SETTING_COLOURS = {"grant": "#1b6ca8", "sustained": "#2e8b57", "none": "#8d99ae"}
SETTING_LABELS = {"grant": f"backbone until month {GRANT_MONTH} (grant)",
                  "sustained": "backbone sustained", "none": "no backbone"}


def survival_figure(runs: pd.DataFrame, horizon: float = 120, confidence: float = CONFIDENCE):
    """The model's survival per setting (Kaplan-Meier, band) against the published points.

    Args:
        runs: runs with ``setting``, ``lifetime`` and ``censored`` columns (e.g. from
            :func:`check_params`).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.0, 5.8), layout="constrained")
    ax = fig.subplots()
    for name in SETTINGS:
        rows = runs[runs["setting"] == name]
        if not len(rows):
            continue
        km = analysis.kaplan_meier(rows["lifetime"], rows["censored"], confidence)
        t, s, low, high = km.steps(horizon)
        colour = SETTING_COLOURS[name]
        ax.fill_between(t, low, high, step="post", color=colour, alpha=0.18, linewidth=0)
        ax.step(t, s, where="post", color=colour, lw=2 if name == "grant" else 1.2,
                label=f"model: {SETTING_LABELS[name]} (n={km.n})")
    grant = runs[runs["setting"] == "grant"]
    if len(grant) and (grant["cause"] == "purpose_achieved").any():
        failing = failures_only(grant)
        km = analysis.kaplan_meier(failing["lifetime"], failing["censored"], confidence)
        t, s, _, _ = km.steps(horizon)
        ax.step(t, s, where="post", color=SETTING_COLOURS["grant"], lw=1.4, ls="--",
                label="model, grant: failures only (purpose achieved not counted as closing)")
    _published(ax)
    ax.axvline(GRANT_MONTH, color="0.5", lw=0.8, ls=":")
    ax.set(xlabel="months since the coalition formed", ylabel="share of coalitions still running",
           xlim=(0, horizon), ylim=(0, 1.02),
           title=f"Calibration: model survival ({confidence:.0%} bands) vs published figures")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    return fig


def _published(ax) -> None:
    """Feinberg et al. (2008) points and decline band; NORC (2012) range."""
    by_key = {c.key: c for c in CRITERIA}
    start, end = by_key["p1_running_at_grant_end"], by_key["p1_running_at_84"]
    ax.errorbar([GRANT_MONTH, 84], [start.target, end.target],
                yerr=[[start.target - start.low, end.target - end.low],
                      [start.high - start.target, end.high - end.target]],
                fmt="o", color="black", capsize=4, zorder=5,
                label="Feinberg et al. 2008 (CTC): 90% at grant end, 2/3 four years later (tolerance)")
    months = np.linspace(GRANT_MONTH, 84, 25)
    years = (months - GRANT_MONTH) / 12
    ax.fill_between(months, start.target * 0.97 ** years, start.target * 0.92 ** years,
                    color="black", alpha=0.12, linewidth=0, label="Feinberg et al.: 3-8% closing per year")
    norc = by_key["p2_active_after_funding"]
    ax.hlines(start.target * norc.target, GRANT_MONTH + 36, GRANT_MONTH + 72, color="#d1495b", lw=2.5,
              label="NORC 2012: 68% of funded coalitions active 3-6 years after funding (x 90%)")
