"""``coalition-sim run``: one coalition, a readable summary, optional CSV/JSON."""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from coalition_sim.model.params import PARAMETERS, check_value
from coalition_sim.util.errors import InputError
from coalition_sim.util.output import check_output_dir

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.model.model import CoalitionModel

HELP = "Run one coalition and print its summary (and, with --out, write its data)."

SHORT_FLAGS = {"backbone_strength": "--backbone", "n_orgs": "--orgs"}
"""Short names for the most used parameters; every parameter also has --its-name."""
MAX_STEPS = 10_000
"""Longest horizon in months (over 800 years; the model is calibrated on ten)."""


def help_text(text: str) -> str:
    """A parameter's reason as flag help: ``%`` escaped for argparse, sources named for readers."""
    text = re.sub(r"\s*\(issues? [0-9][^)]*\)", "", text)
    text = re.sub(r"\bseeds? ([0-9]{3})\b", r"source text \1", text)
    return text.replace("%", "%%")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags: --steps, --seed, --out, and one flag per model parameter."""
    parser.add_argument("--steps", type=int, default=120, help=f"months to simulate, 1-{MAX_STEPS} (default 120)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, >= 0 (default: a fresh one each run)")
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for timeseries.csv and summary.json (default: write nothing)"
    )
    parser.add_argument("--every", type=int, default=12, help="months between rows of the printed table (default 12)")
    for name, spec in PARAMETERS.items():
        flags = [f"--{name.replace('_', '-')}"]
        if name in SHORT_FLAGS:
            flags.insert(0, SHORT_FLAGS[name])
        kind = {"int": int, "float": float}.get(spec.kind, str)
        parser.add_argument(
            *flags, dest=name, type=kind, default=None, help=help_text(f"{spec.reason} Default {spec.default!r}.")
        )


def model_kwargs(args: argparse.Namespace) -> dict:
    """Model keyword arguments given on the command line, each checked against its range.

    Raises:
        InputError: naming the flag and the allowed values.
    """
    given = {name: getattr(args, name) for name in PARAMETERS if getattr(args, name) is not None}
    for name, value in given.items():
        try:
            given[name] = check_value(name, value)
        except InputError as exc:
            raise InputError(f"--{name.replace('_', '-')}: {exc}") from None
    return given


def main(args: argparse.Namespace) -> int:
    """Run, print, and optionally write the run's data."""
    if not 1 <= args.steps <= MAX_STEPS:
        raise InputError(f"--steps={args.steps} is out of range: allowed an integer from 1 to {MAX_STEPS}")
    if args.seed is not None and args.seed < 0:
        raise InputError(f"--seed={args.seed} is out of range: allowed an integer >= 0")
    if args.every < 1:
        raise InputError(f"--every={args.every} is out of range: allowed an integer >= 1")
    kwargs = model_kwargs(args)
    if args.out is not None:
        check_output_dir(args.out)  # before the run: a bad --out costs nothing
    from coalition_sim.model.model import CoalitionModel
    from coalition_sim.util.safe_write import atomic_dir

    model = CoalitionModel(seed=args.seed, **kwargs).run(args.steps)
    summary = model.summary()
    series = model.datacollector.get_model_vars_dataframe()
    series.index.name = "month"
    print(format_summary(model, summary, series, args.every))
    if args.out:
        with atomic_dir(args.out) as tmp:
            series.to_csv(tmp / "timeseries.csv")
            record = {
                "parameters": {**model.params, "seed": args.seed, "steps": args.steps},
                "summary": summary,
                "exits": model.exit_record(),
            }
            (tmp / "summary.json").write_text(json.dumps(record, indent=2, default=_json_default) + "\n")
        print(f"\nWrote {args.out}/timeseries.csv and {args.out}/summary.json")
    return 0


def _json_default(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else str(value)


def format_summary(model: CoalitionModel, s: dict, series, every: int) -> str:
    """The human-readable report of one run."""
    fate = "ENDURED" if s["endured"] else f"DISSOLVED ({s['cause'].replace('_', ' ')})"
    lines = [
        f"Coalition under {model.rule.name} governance, backbone {model.backbone.initial_strength:g}, "
        f"{model.initial_members} organizations",
        f"  {fate} after {s['lifetime']} months; total impact {s['total_impact']:.1f}",
        f"  initiatives: {s['arrived']} arrived, {s['adopted']} adopted, {s['succeeded']} succeeded, "
        f"{s['failed']} failed, {s['lapsed']} lapsed; {s['blocked']} blocked decisions",
        f"  mean dilution {_fmt(s['mean_dilution'])}, mean decision delay {_fmt(s['mean_decision_delay'])} months",
        f"  membership: {s['joins']} joined, {s['exits']} left ({s['exits_burnout']} burnt out, "
        f"{s['exits_impatience']} out of patience); {s['final_members']} at the end",
        "",
        f"{'month':>5} {'members':>7} {'joins':>5} {'exits':>5} {'trust':>5} {'energy':>6} "
        f"{'adopted':>7} {'success':>7} {'impact':>7}",
    ]
    last = len(series) - 1
    months = sorted(set(range(0, last, max(every, 1))) | {last})
    for previous, m in zip([-1, *months], months):
        window = series.iloc[previous + 1 : m + 1]  # counts since the previous row
        row = series.iloc[m]
        lines.append(
            f"{m:>5} {int(row.members):>7} {int(window.joins.sum()):>5} {int(window.exits.sum()):>5} "
            f"{row.mean_trust:>5.2f} {row.energy:>6.2f} {int(window.adopted.sum()):>7} "
            f"{int(window.succeeded.sum()):>7} {row.cumulative_impact:>7.1f}"
        )
    return "\n".join(lines)


def _fmt(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"
