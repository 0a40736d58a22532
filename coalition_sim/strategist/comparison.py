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

from coalition_sim.model.params import check_value
from coalition_sim.strategist.appendix import appendix_table
from coalition_sim.strategist.backbone_value import backbone_value
from coalition_sim.strategist.friction import drivers, objections
from coalition_sim.strategist.loss_rules import Condition, LossRule, find_loss_rule  # noqa: F401  (part of the result API)
from coalition_sim.strategist.narrative import ending_text, narrative_table
from coalition_sim.strategist.paired import OUTCOME, paired
from coalition_sim.strategist.partners import exit_risk, partner_table
from coalition_sim.strategist.ranking import RANK_RULES, WORST_CASE_QUANTILE, check_rule, rank_options  # noqa: F401
from coalition_sim.strategist.scenario import Draw, Scenario
from coalition_sim.strategist.scenario_file import load_scenario
from coalition_sim.strategist.survival_choice import (
    DEFAULT_MIN_LASTING,
    DEFAULT_RUNNING_VALUE,
    check_survival_settings,
    survival_warnings,
)
from coalition_sim.strategist.value_of_information import margin_dependence
from coalition_sim.util.errors import InputError

CONFIDENCE = 0.95
SERIES_KEPT = ("members",)


# ---------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """A governance choice: a rule and a backbone strength (None = the scenario's)."""

    governance: str
    backbone: float | None = None
    interventions: tuple = ()

    @property
    def label(self) -> str:
        """E.g. 'opt-in, backbone 0.6' or 'opt-in, backbone 0.6; Farm Bureau leaves at month 24'."""
        backbone = "scenario backbone" if self.backbone is None else f"backbone {self.backbone:g}"
        events = "".join(f"; {i.text()}" for i in self.interventions)
        return f"{self.governance}, {backbone}{events}"


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
            if option.interventions:
                params["interventions"] = option.interventions
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
        partners: per partner and option: left / lost interest / coalition ended first / still with it, causes, drivers.
        margin: uncertain inputs ranked by how much the winner's margin over the runner-up depends on them.
        appendix: every setting the runs used (given, uncertain with its range, or default).
        backbone_value: per rule, what each step up in backbone strength buys per unit of cost.
        narrative: the story in sentences, each with the figure it rests on.
        two_files: the same options on a second scenario file, side by side (empty unless asked for).
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
    partners: pd.DataFrame = field(default_factory=pd.DataFrame)
    margin: pd.DataFrame = field(default_factory=pd.DataFrame)
    appendix: pd.DataFrame = field(default_factory=pd.DataFrame)
    backbone_value: pd.DataFrame = field(default_factory=pd.DataFrame)
    narrative: pd.DataFrame = field(default_factory=pd.DataFrame)
    two_files: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: dict = field(default_factory=dict)

    @property
    def recommended(self) -> str:
        """Label of the top-ranked option."""
        return str(self.ranking.iloc[0]["option"])

    @property
    def warnings(self) -> list:
        """Options that last clearly more often than the recommendation (Wilson intervals apart)."""
        return survival_warnings(self.summary, self.recommended)

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
    min_lasting: float = DEFAULT_MIN_LASTING,
    running_value: float = DEFAULT_RUNNING_VALUE,
    backbone_cost: float | None = None,
    what_if: Any = None,
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
        rank: one of RANK_RULES ('impact', 'worst-case', 'regret', 'lasting', 'impact-and-lasting').
        quantile: the worst-case quantile of impact.
        min_lasting: the ``lasting`` rule's bar: the least share of draws an option must last.
        running_value: the ``impact-and-lasting`` rule's value of a coalition still running.
        backbone_cost: cost of one unit of backbone strength for one month (None: no cost table).
        what_if: interventions ('leave NAME at MONTH; join NAME at MONTH'); each option
            is also run with them (see :mod:`coalition_sim.strategist.what_if`).
        executor: any concurrent.futures Executor instead of the default pool.
        figures: draw the figures (False for speed in tests and benchmarks).

    Raises:
        InputError: bad options, counts or rank rule (before anything runs).
    """
    from coalition_sim.studies.runner import run_many

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    options = make_options(options, backbone)
    if what_if:
        from coalition_sim.strategist.what_if import with_interventions

        options = with_interventions(options, what_if, scenario)
    steps = scenario.horizon if steps is None else steps
    _check_settings(replications, steps, rank, quantile)
    check_survival_settings(min_lasting, running_value, backbone_cost)
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
        "min_lasting": min_lasting,
        "running_value": running_value,
        "backbone_cost": backbone_cost,
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
    check_rule(rank)
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
    lasted = paired(runs, "endured", labels).reindex(wide.index)
    ranking = rank_options(
        wide,
        settings["rank"],
        settings["quantile"],
        lasted=lasted,
        min_lasting=settings.get("min_lasting", DEFAULT_MIN_LASTING),
        running_value=settings.get("running_value", DEFAULT_RUNNING_VALUE),
    )
    rule, margin = None, pd.DataFrame()
    summary = option_summary(runs, labels, settings["steps"], settings["quantile"])
    if len(ranking) > 1 and len(wide):
        best, second = ranking["option"].iloc[0], ranking["option"].iloc[1]
        lost = (wide[best] < wide[second]).to_numpy()
        rule = find_loss_rule(inputs.loc[wide.index], lost, _labels(scenario))
        margin = margin_dependence(wide[best] - wide[second], inputs.loc[wide.index], _labels(scenario))
    names = [o.name for o in scenario.organizations]
    result = ComparisonResult(
        scenario=scenario,
        options=list(options),
        settings=settings,
        runs=runs,
        inputs=inputs,
        exits=exits,
        members=members,
        summary=summary,
        ranking=ranking,
        exit_risk=exit_risk(exits, runs, names, labels),
        objections=objections(scenario, draws, seed=settings["seed"]),
        drivers=drivers(runs, inputs, labels, _labels(scenario)),
        loss_rule=rule,
        partners=partner_table(exits, runs, names, labels, inputs, _labels(scenario)),
        margin=margin,
        appendix=appendix_table(scenario, options, draws),
        backbone_value=backbone_value(runs, options, scenario, settings.get("backbone_cost")),
    )
    result.narrative = narrative_table(result)
    return result


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
                "backbone_cut_month": spec.params.get("backbone_cut_month", 0),
                "backbone_after_cut": spec.params.get("backbone_after_cut", 0.0),
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
                    "endings": ", ".join(
                        f"{ending_text(c)} {k / n:.0%}"
                        for c, k in arm.loc[~endured, "cause"].dropna().value_counts().items()
                    ),
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
