"""``coalition-sim compare``: governance options on one uncertain coalition, paired; an HTML report."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

HELP = "Compare governance options on a scenario file (paired draws) and write an HTML report with CSV tables."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The scenario file, the options and how to run and rank them."""
    from coalition_sim.strategist.rank_rules import RANK_RULES

    parser.add_argument(
        "scenario", type=Path, help="scenario file (TOML); start from `coalition-sim scenario template`"
    )
    parser.add_argument(
        "--options", default="consensus,opt-in", help="comma-separated governance rules (default consensus,opt-in)"
    )
    parser.add_argument(
        "--backbone",
        default=None,
        help="comma-separated backbone strengths in [0, 1], crossed with every rule "
        "(default: the scenario's own strength)",
    )
    parser.add_argument(
        "--replications", type=int, default=300, help="uncertain draws, each run under every option (default 300)"
    )
    parser.add_argument("--steps", type=int, default=None, help="months per run (default: the scenario's horizon)")
    parser.add_argument("--out", type=Path, required=True, help="directory for report.html and the CSV tables")
    parser.add_argument(
        "--rank",
        choices=RANK_RULES,
        default="impact",
        help="ranking rule: impact (best mean), worst-case (best --quantile of impact), "
        "regret (least regret exceeded in only --quantile of draws), lasting (best mean among options "
        "lasting the horizon in at least --min-lasting of draws), impact-and-lasting (mean impact plus "
        "--running-value for each draw still running at the horizon)",
    )
    parser.add_argument(
        "--min-lasting",
        type=float,
        default=0.5,
        help="for --rank lasting: least share of draws an option must last the horizon (default 0.5)",
    )
    parser.add_argument(
        "--running-value",
        type=float,
        default=10.0,
        help="for --rank impact-and-lasting: value, in impact units, of a coalition still running "
        "at the horizon (default 10)",
    )
    parser.add_argument(
        "--backbone-cost",
        type=float,
        default=None,
        help="cost of one unit of backbone strength for one month; adds what each step up in "
        "strength buys per unit of cost",
    )
    parser.add_argument(
        "--what-if",
        default=None,
        help='also run every option with scheduled events, e.g. "leave Farm Bureau at 24; join New Ally at 12"',
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="a second scenario file: run the same options on it and add the comparison of the two files",
    )
    parser.add_argument("--quantile", type=float, default=0.1, help="worst-case quantile of impact (default 0.1)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores; 1 = no pool)")
    parser.add_argument("--seed", type=int, default=0, help="master seed of every draw and run (default 0)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def main(args: argparse.Namespace) -> int:
    """Validate everything, run, and write the report (nothing is written on bad input)."""
    from coalition_sim.strategist.scenario_file import load_scenario
    from coalition_sim.util.errors import InputError
    from coalition_sim.util.output import check_output_dir

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers={args.workers} is out of range: allowed an integer >= 1")
    check_output_dir(args.out)  # before any run: a bad --out costs nothing
    scenario = load_scenario(args.scenario)  # refuses a bad file before the model and pandas load
    second = load_scenario(args.against) if args.against is not None else None
    from coalition_sim.strategist.comparison import compare

    start = time.perf_counter()
    result = compare(
        scenario,
        args.options,
        replications=args.replications,
        steps=args.steps,
        workers=args.workers,
        seed=args.seed,
        progress=not args.no_progress,
        backbone=args.backbone,
        rank=args.rank,
        quantile=args.quantile,
        min_lasting=args.min_lasting,
        running_value=args.running_value,
        backbone_cost=args.backbone_cost,
        what_if=args.what_if,
    )
    if second is not None:
        result.two_files = _against(result, second, args)
    page = result.write_report(args.out)
    failed = int((result.runs["status"] != "ok").sum())
    print(f"Recommended ({args.rank}): {result.recommended}")
    if result.runner_up is not None:
        print(f"Runner-up: {result.runner_up}")
    for warning in result.warnings:
        print(f"Warning: {warning.text()}")
    if result.loss_rule is not None:
        print(
            f"It loses mostly when {result.loss_rule.text()} "
            f"({result.loss_rule.loss_rate:.0%} of {result.loss_rule.n} such draws)"
        )
    for _, row in result.summary.iterrows():
        if row["runs"]:
            life = "> horizon" if row["lifetime_median_beyond_horizon"] else f"{row['lifetime_median']:.0f} months"
            print(
                f"  {row['option']:<32} lasts the horizon {row['p_endure']:4.0%}  mean impact "
                f"{row['impact_mean']:6.1f}  median lifetime {life}"
            )
    if failed:
        print(f"Warning: {failed} runs failed and were left out (see {args.out}/runs.csv, column error)")
    print(f"Wrote {page} and CSV tables in {time.perf_counter() - start:.0f} s")
    return 0


def _against(result, second, args):
    """The same options (and seed) on the second scenario file, set beside the first."""
    from coalition_sim.strategist.comparison import compare
    from coalition_sim.strategist.two_files import file_table

    other = compare(
        second,
        [o for o in result.options if not o.interventions],
        replications=args.replications,
        steps=args.steps,
        workers=args.workers,
        seed=args.seed,
        progress=not args.no_progress,
        rank=args.rank,
        quantile=args.quantile,
        figures=False,
    )
    return file_table(result.summary, other.summary, result.scenario.name, other.scenario.name)
