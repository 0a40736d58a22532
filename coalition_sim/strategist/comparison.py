"""Compare governance options on one uncertain coalition, paired draw by draw.

An option is a governance rule with a backbone strength (or the scenario's own).
Replication ``r`` draws ONE concrete coalition from the scenario and ONE run seed,
and every option runs on exactly that coalition with that seed (common random
numbers): differences between options within a replication come from the
options, not from luck of the draw. All draws are made in the parent from one
master seed (``numpy.random.SeedSequence(seed).spawn``), so results do not depend
on worker count or order.

    >>> from coalition_sim import compare, load_scenario
    >>> result = compare(load_scenario("experiments/scenarios/example.toml"),
    ...                  ["consensus", "opt-in"], backbone=[0.2, 0.9], replications=50)  # doctest: +SKIP
    >>> result.ranking                                                                 # doctest: +SKIP

The analysis (pure functions on tables, tested on hand-made data): per-option
endurance, impact and lifetime (:func:`option_summary`), who leaves and when
(:func:`exit_risk`), a ranking by a chosen rule (:func:`rank_options`), and the
conditions under which the recommended option loses to the runner-up
(:func:`find_loss_rule`, a depth-1/2 threshold search).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coalition_sim.model.params import check_value, suggest
from coalition_sim.strategist.loss_rules import Condition, LossRule, find_loss_rule  # noqa: F401  (part of the result API)
from coalition_sim.strategist.paired import OUTCOME, paired
from coalition_sim.strategist.scenario import Draw, Scenario
from coalition_sim.strategist.scenario_file import load_scenario
from coalition_sim.util.errors import InputError

RANK_RULES = ("impact", "worst-case", "regret")
"""Ranking rules: best mean impact, best lower quantile of impact, least high quantile of regret."""
WORST_CASE_QUANTILE = 0.1
"""The 'worst case' is this quantile of impact across the uncertain draws."""
CONFIDENCE = 0.95
OBJECTION_SAMPLES = 200
"""Ideal plans drawn per replication to estimate how often each organization objects."""
SERIES_KEPT = ("members",)


# ---------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """A governance choice: a rule and a backbone strength (None = the scenario's)."""

    governance: str
    backbone: float | None = None

    @property
    def label(self) -> str:
        """E.g. 'opt-in, backbone 0.6'."""
        backbone = "scenario backbone" if self.backbone is None else f"backbone {self.backbone:g}"
        return f"{self.governance}, {backbone}"


def make_options(options: Any, backbone: Any = None) -> list[Option]:
    """Options from rule names (and backbone strengths, crossed), tuples or Options.

    Args:
        options: ``"consensus,opt-in"``, a list of names, ``(rule, strength)`` tuples or Options.
        backbone: strengths crossed with every named rule: ``"0.2,0.6"`` or a list; None = the scenario's.

    Raises:
        InputError: an unknown rule, a strength outside [0, 1], or a duplicate option.
    """
    items = _split(options)
    strengths = [_strength(b) for b in _split(backbone)] if backbone is not None else [None]
    if not items:
        raise InputError(
            "options: none given; allowed a comma-separated list of governance rules, e.g. consensus,opt-in"
        )
    out: list[Option] = []
    for item in items:
        if isinstance(item, Option):
            out.append(item)
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            out.append(Option(_rule(item[0]), _strength(item[1])))
        else:
            out.extend(Option(_rule(item), b) for b in strengths)
    labels = [o.label for o in out]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise InputError(f"options: '{dupes[0]}' is listed twice; each option once")
    return out


def _split(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (Option, int, float)):
        return [value]
    return list(value)


def _rule(name: Any) -> str:
    return check_value("governance", str(name).strip())


def _strength(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"backbone={value!r} is not a number: allowed numbers with 0 <= backbone <= 1, comma-separated"
        ) from None
    if not 0.0 <= number <= 1.0:
        raise InputError(f"backbone={value!r} is out of range: allowed numbers with 0 <= backbone <= 1")
    return number


# ---------------------------------------------------------------------------- planning


def plan_runs(
    scenario: Scenario, options: Sequence[Option], replications: int, steps: int, seed: int
) -> tuple[list[Draw], list]:
    """One draw and one run seed per replication, shared by every option.

    Returns:
        (draws, specs): ``draws[r]`` is replication r's coalition; specs are
        ordered by replication then option, ``run_id = r * len(options) + k``.
    """
    from coalition_sim.studies.runner import RunSpec

    draws, specs = [], []
    for r, child in enumerate(np.random.SeedSequence(seed).spawn(replications)):
        draw_seq, run_seq = child.spawn(2)
        draw = scenario.draw(np.random.default_rng(draw_seq))
        run_seed = int(run_seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
        draws.append(draw)
        for k, option in enumerate(options):
            params = dict(draw.params, governance=option.governance)
            if option.backbone is not None:
                params["backbone_strength"] = option.backbone
            specs.append(
                RunSpec(
                    run_id=r * len(options) + k,
                    point_id=k,
                    replication=r,
                    params=params,
                    seed=run_seed,
                    steps=steps,
                    population=draw.population,
                )
            )
    return draws, specs


# ---------------------------------------------------------------------------- the result


@dataclass
class ComparisonResult:
    """Everything a comparison produced: tables, the loss rule and the figures.

    Attributes:
        scenario: the scenario compared on.
        options: the options, in the order given.
        settings: replications, steps, seed, rank rule, quantile, outcome.
        runs: one row per run (replication, option, seed, status, every summary outcome).
        inputs: one row per replication: the drawn value of each uncertain input (by path).
        exits: one row per exit: replication, option, organization, month, cause.
        members: mean core members per month and option (0 after dissolution).
        summary: one row per option (endurance, impact, lifetime, dilution, blocking).
        ranking: options ranked by the chosen rule, with every rule's score.
        exit_risk: per organization and option: chance of leaving and when.
        objections: per organization: how often it objects to an initiative's ideal plan.
        drivers: per option: the uncertain inputs most associated with blocking and dilution.
        loss_rule: when the recommended option loses to the runner-up (None if no simple rule).
        figures: matplotlib Figures by name.
    """

    scenario: Scenario
    options: list[Option]
    settings: dict
    runs: pd.DataFrame
    inputs: pd.DataFrame
    exits: pd.DataFrame
    members: pd.DataFrame
    summary: pd.DataFrame
    ranking: pd.DataFrame
    exit_risk: pd.DataFrame
    objections: pd.DataFrame
    drivers: pd.DataFrame
    loss_rule: LossRule | None
    figures: dict = field(default_factory=dict)

    @property
    def recommended(self) -> str:
        """Label of the top-ranked option."""
        return str(self.ranking.iloc[0]["option"])

    @property
    def runner_up(self) -> str | None:
        """Label of the second-ranked option (None with a single option)."""
        return str(self.ranking.iloc[1]["option"]) if len(self.ranking) > 1 else None

    def write_report(self, out: str | Path) -> Path:
        """Write report.html and the CSV tables into ``out`` (all or nothing)."""
        from coalition_sim.strategist.report import write_report

        return write_report(self, out)


def compare(
    scenario: Scenario | str | Path,
    options: Any = ("consensus", "opt-in"),
    replications: int = 300,
    steps: int | None = None,
    workers: int | None = None,
    seed: int = 0,
    progress: bool = True,
    *,
    backbone: Any = None,
    rank: str = "impact",
    quantile: float = WORST_CASE_QUANTILE,
    executor=None,
    figures: bool = True,
) -> ComparisonResult:
    """Run every option on the same uncertain draws and analyse the paired results.

    Args:
        scenario: a Scenario or the path of a scenario file.
        options: see :func:`make_options`.
        replications: uncertain draws (each runs every option once).
        steps: months per run (default: the scenario's horizon).
        workers: processes (None = all cores, 1 = this process).
        seed: master seed of every draw and run.
        progress: show a progress bar.
        backbone: strengths crossed with the rules named in ``options``.
        rank: 'impact', 'worst-case' or 'regret'.
        quantile: the worst-case quantile of impact.
        executor: any concurrent.futures Executor instead of the default pool.
        figures: draw the figures (False for speed in tests and benchmarks).

    Raises:
        InputError: bad options, counts or rank rule (before anything runs).
    """
    from coalition_sim.studies.runner import run_many

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    options = make_options(options, backbone)
    steps = scenario.horizon if steps is None else steps
    _check_settings(replications, steps, rank, quantile)
    draws, specs = plan_runs(scenario, options, replications, steps, seed)
    results = list(run_many(specs, workers=workers, executor=executor, progress=progress, keep_series=SERIES_KEPT))
    if not any(r.status == "ok" for r in results):
        raise RuntimeError(f"every run failed; the first error: {_last_line(results[0].error)}")
    settings = {
        "replications": replications,
        "steps": steps,
        "seed": seed,
        "rank": rank,
        "quantile": quantile,
        "outcome": OUTCOME,
    }
    result = analyse(scenario, options, draws, specs, results, settings)
    if figures:
        from coalition_sim.strategist.report import make_figures

        result.figures = make_figures(result)
    return result


def _check_settings(replications: int, steps: int, rank: str, quantile: float) -> None:
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise InputError(f"replications={replications!r} is out of range: allowed an integer >= 2")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InputError(f"steps={steps!r} is out of range: allowed an integer >= 1")
    if rank not in RANK_RULES:
        raise InputError(
            f"rank={rank!r} is not allowed{suggest(str(rank), RANK_RULES)}: one of {', '.join(RANK_RULES)}"
        )
    if not 0.0 < quantile < 0.5:
        raise InputError(f"quantile={quantile!r} is out of range: allowed 0 < quantile < 0.5")


# ---------------------------------------------------------------------------- tabulating


def analyse(
    scenario: Scenario, options: list[Option], draws: list[Draw], specs: list, results: list, settings: dict
) -> ComparisonResult:
    """Turn run results into the comparison's tables (no figures)."""
    labels = [o.label for o in options]
    runs, exits, members = tabulate(options, specs, results)
    inputs = pd.DataFrame([d.inputs for d in draws], index=pd.RangeIndex(len(draws), name="replication"))
    inputs = inputs[[c for c in inputs.columns if not _overridden(c, options)]]
    wide = paired(runs, OUTCOME, labels)
    ranking = rank_options(wide, settings["rank"], settings["quantile"])
    rule = None
    if len(ranking) > 1 and len(wide):
        best, second = ranking["option"].iloc[0], ranking["option"].iloc[1]
        lost = (wide[best] < wide[second]).to_numpy()
        rule = find_loss_rule(inputs.loc[wide.index], lost, _labels(scenario))
    return ComparisonResult(
        scenario=scenario,
        options=list(options),
        settings=settings,
        runs=runs,
        inputs=inputs,
        exits=exits,
        members=members,
        summary=option_summary(runs, labels, settings["steps"], settings["quantile"]),
        ranking=ranking,
        exit_risk=exit_risk(exits, runs, [o.name for o in scenario.organizations], labels),
        objections=objections(scenario, draws, seed=settings["seed"]),
        drivers=drivers(runs, inputs, labels, _labels(scenario)),
        loss_rule=rule,
    )


def _overridden(path: str, options: list[Option]) -> bool:
    """The scenario's backbone strength means nothing when every option sets its own."""
    return path == "backbone.strength" and all(o.backbone is not None for o in options)


def _labels(scenario: Scenario) -> dict[str, str]:
    return {i.path: i.label for i in scenario.inputs}


def tabulate(options: list[Option], specs: list, results: list) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Runs, exits and mean members per month from the run results."""
    by_id = {s.run_id: s for s in specs}
    rows, exit_rows, series = [], [], {}
    for res in sorted(results, key=lambda r: r.run_id):
        spec = by_id[res.run_id]
        option = options[spec.point_id]
        rows.append(
            {
                "run_id": res.run_id,
                "replication": spec.replication,
                "option": option.label,
                "governance": option.governance,
                "backbone_strength": spec.params["backbone_strength"],
                "seed": spec.seed,
                "status": res.status,
                "error": _last_line(res.error),
                "runtime_s": res.runtime_s,
                **res.summary,
            }
        )
        exit_rows += [{"replication": spec.replication, "option": option.label, **e} for e in res.exits]
        if res.series is not None:
            counts = res.series["members"].to_numpy(dtype=float)
            full = np.zeros(spec.steps + 1)
            full[: counts.size] = counts[: spec.steps + 1]
            series.setdefault(option.label, []).append(full)
    runs = pd.DataFrame(rows)
    exits = pd.DataFrame(exit_rows, columns=["replication", "option", "organization", "month", "cause"])
    members = pd.DataFrame({label: np.mean(v, axis=0) for label, v in series.items()})
    members.index.name = "month"
    return runs, exits, members


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


# ---------------------------------------------------------------------------- per option


def option_summary(
    runs: pd.DataFrame, labels: Sequence[str], horizon: int, quantile: float = WORST_CASE_QUANTILE
) -> pd.DataFrame:
    """Endurance (with a Wilson interval), impact spread, median lifetime, dilution and blocking per option."""
    from coalition_sim.analysis.study_analysis import kaplan_meier, wilson_interval

    rows = []
    for label in labels:
        arm = runs[(runs["option"] == label) & (runs["status"] == "ok")]
        n = len(arm)
        row: dict[str, Any] = {"option": label, "runs": n, "failed": int((runs["option"] == label).sum() - n)}
        if n:
            endured = arm["endured"].astype(bool)
            low, high = wilson_interval(int(endured.sum()), n, CONFIDENCE)
            impact = arm[OUTCOME].astype(float)
            km = kaplan_meier(arm["lifetime"].astype(float), arm["censored"].astype(bool))
            years = np.maximum(arm["lifetime"].astype(float), 1) / 12
            row.update(
                {
                    "p_endure": float(endured.mean()),
                    "p_endure_low": low,
                    "p_endure_high": high,
                    "impact_mean": float(impact.mean()),
                    "impact_sd": float(impact.std(ddof=1)) if n > 1 else 0.0,
                    f"impact_q{round(quantile * 100)}": float(impact.quantile(quantile)),
                    "impact_median": float(impact.median()),
                    f"impact_q{round((1 - quantile) * 100)}": float(impact.quantile(1 - quantile)),
                    "lifetime_median": km.median(),
                    "lifetime_median_beyond_horizon": bool(math.isnan(km.median())),
                    "p_collapse": float((arm["cause"] == "collapse").mean()),
                    "p_dormancy": float((arm["cause"] == "dormancy").mean()),
                    "mean_dilution": float(arm["mean_dilution"].astype(float).mean()),
                    "blocked_per_year": float((arm["blocked"] / years).mean()),
                    "lapsed_per_year": float((arm["lapsed"] / years).mean()),
                    "success_rate": float(arm["success_rate"].astype(float).mean()),
                    "exits_mean": float(arm["exits"].mean()),
                    "joins_mean": float(arm["joins"].mean()),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def exit_risk(exits: pd.DataFrame, runs: pd.DataFrame, names: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Per organization and option: chance it leaves, the median and first-quartile month, the main cause."""
    n_runs = runs[runs["status"] == "ok"].groupby("option").size()
    rows = []
    for label in labels:
        arm = exits[exits["option"] == label]
        for name in names:
            left = arm[arm["organization"] == name]
            months = left["month"].astype(float)
            causes = left["cause"].value_counts()
            rows.append(
                {
                    "organization": name,
                    "option": label,
                    "p_leave": len(left) / n_runs.get(label, 1) if n_runs.get(label, 0) else math.nan,
                    "month_q25": float(months.quantile(0.25)) if len(left) else math.nan,
                    "month_median": float(months.median()) if len(left) else math.nan,
                    "main_cause": str(causes.index[0]) if len(causes) else "",
                }
            )
    return pd.DataFrame(rows)


def objections(scenario: Scenario, draws: list[Draw], seed: int = 0, samples: int = OBJECTION_SAMPLES) -> pd.DataFrame:
    """How often each organization would object to an initiative's ideal plan.

    For each draw, ideal plans are drawn as the model draws them (around the
    purpose with the drawn initiative spread); an organization objects to those
    outside its tolerance. Under consensus these are the plans it forces to be
    bent (dilution) or blocks; under opt-in it sits them out.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    shares, gaps = [], []
    for d in draws:
        pop = d.population
        spread = d.params["initiative_spread"]
        ideals = np.clip(pop.purpose + rng.normal(0.0, spread, (samples, pop.purpose.size)), 0.0, 1.0)
        dist = np.sqrt(((pop.position[:, None, :] - ideals[None, :, :]) ** 2).sum(axis=2))
        outside = dist > pop.tolerance[:, None]
        shares.append(outside.mean(axis=1))
        gaps.append(np.where(outside, dist - pop.tolerance[:, None], 0.0).mean(axis=1))
    member = {o.name: o.member for o in scenario.organizations}
    table = pd.DataFrame(
        {
            "organization": [o.name for o in scenario.organizations],
            "member": [member[o.name] for o in scenario.organizations],
            "p_object": np.mean(shares, axis=0),
            "mean_bend": np.mean(gaps, axis=0),
        }
    )
    return table.sort_values("p_object", ascending=False, kind="stable").reset_index(drop=True)


def drivers(
    runs: pd.DataFrame, inputs: pd.DataFrame, labels: Sequence[str], names: dict[str, str], top: int = 3
) -> pd.DataFrame:
    """Per option and outcome (blocking, dilution): the uncertain inputs with the strongest rank correlation."""
    from scipy import stats

    rows = []
    for label in labels:
        arm = runs[(runs["option"] == label) & (runs["status"] == "ok")].set_index("replication")
        years = np.maximum(arm["lifetime"].astype(float), 1) / 12
        outcomes = {"blocked_per_year": arm["blocked"] / years, "mean_dilution": arm["mean_dilution"]}
        for outcome, y in outcomes.items():
            found = []
            for col in inputs.columns:
                both = pd.concat([inputs[col], y.astype(float)], axis=1, join="inner").dropna()
                if len(both) < 5 or both.iloc[:, 0].nunique() < 2 or both.iloc[:, 1].nunique() < 2:
                    continue
                rho = float(stats.spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic)
                found.append((abs(rho), rho, col))
            for _, rho, col in sorted(found, reverse=True)[:top]:
                rows.append(
                    {"option": label, "outcome": outcome, "input": col, "label": names.get(col, col), "spearman": rho}
                )
    return pd.DataFrame(rows, columns=["option", "outcome", "input", "label", "spearman"])


# ---------------------------------------------------------------------------- ranking


def rank_options(wide: pd.DataFrame, rule: str = "impact", quantile: float = WORST_CASE_QUANTILE) -> pd.DataFrame:
    """Rank options (columns of a replications x options table) by a rule.

    Rules: ``impact`` (highest mean), ``worst-case`` (highest ``quantile`` of the
    outcome across draws), ``regret`` (lowest ``1 - quantile`` quantile of regret,
    e.g. the regret exceeded in only 10% of draws; a draw's regret for an option is
    the best option's outcome in that draw minus its own). The mean regret is
    reported but not ranked on: it equals the mean of the best outcome minus the
    option's mean, so it would always agree with ``impact``. Ties go to the higher mean.

    Returns:
        One row per option, best first: option, mean, worst_case, mean_regret,
        regret_high (the 1 - quantile quantile of regret), max_regret, p_best
        (share of draws where it is best, ties shared), score, rank.
    """
    if rule not in RANK_RULES:
        raise InputError(
            f"rank={rule!r} is not allowed{suggest(str(rule), RANK_RULES)}: one of {', '.join(RANK_RULES)}"
        )
    values = wide.to_numpy(dtype=float)
    best = values.max(axis=1, keepdims=True) if len(values) else np.zeros((0, 1))
    regret = best - values
    winners = np.isclose(values, best)
    table = pd.DataFrame(
        {
            "option": list(wide.columns),
            "mean": values.mean(axis=0) if len(values) else np.nan,
            "worst_case": np.quantile(values, quantile, axis=0) if len(values) else np.nan,
            "mean_regret": regret.mean(axis=0) if len(values) else np.nan,
            "regret_high": np.quantile(regret, 1 - quantile, axis=0) if len(values) else np.nan,
            "max_regret": regret.max(axis=0) if len(values) else np.nan,
            "p_best": (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0) if len(values) else np.nan,
        }
    )
    table["score"] = {"impact": table["mean"], "worst-case": table["worst_case"], "regret": -table["regret_high"]}[rule]
    table = table.sort_values(["score", "mean"], ascending=False, kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table
