"""``coalition-sim analyze RESULTS``: survival, endurance and sensitivity of a finished study.

Prints a plain-language table per arm and writes, all or nothing, into ``--out``
(default: the folder holding the store): ``summary.csv``, ``logrank.csv``,
``backbone_effect.csv``, ``paired_difference.csv``, ``sensitivity_<outcome>.csv``,
the figures (PNG and SVG) and ``findings.md``.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
from pathlib import Path

import pandas as pd

from coalition_sim.util.errors import InputError

HELP = "Analyse a study's results: survival curves, endurance with CIs, log-rank tests, sensitivity; figures."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """RESULTS, --out, --by, --confidence, --resamples, --seed."""
    parser.add_argument(
        "results", type=Path, metavar="RESULTS", help="results store (results.sqlite) or the folder holding it"
    )
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the store's folder)")
    parser.add_argument(
        "--by",
        default=None,
        metavar="COL[,COL]",
        help="columns that define the arms (default: the varied parameters of a factorial study)",
    )
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    parser.add_argument("--resamples", type=int, default=9999, help="bootstrap resamples (default 9999)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")


def main(args: argparse.Namespace) -> int:
    """Load, analyse, print, write."""
    from coalition_sim.analysis import study_analysis as analysis
    from coalition_sim.studies.store import store_file
    from coalition_sim.util.output import check_output_dir

    _check_flags(args)
    check_output_dir(args.out or store_file(args.results).parent)  # before any work
    results = _load(args.results)
    by = None if args.by is None else [c.strip() for c in args.by.split(",") if c.strip()]
    if by:
        unknown = [c for c in by if c not in results.runs]
        if unknown:
            raise InputError(
                f"--by {unknown[0]!r}: not a column of the runs table; allowed e.g. "
                + ", ".join(list(results.study.get("varied", {})) or ["governance"])
            )
    try:
        found = analysis.analyze_study(results, by, args.confidence, args.resamples, args.seed)
    except ValueError as exc:
        raise InputError(f"{results.path}: {exc}") from None
    out = args.out or Path(results.path).parent
    print(format_table(found))
    files = write_outputs(found, results, out)
    print(f"\nWrote {len(files)} files to {out}: " + ", ".join(sorted(p.name for p in files)))
    return 0


def _check_flags(args: argparse.Namespace) -> None:
    if not 0 < args.confidence < 1:
        raise InputError(f"--confidence={args.confidence:g} is out of range: allowed 0 < confidence < 1")
    if args.resamples < 99:
        raise InputError(f"--resamples={args.resamples} is out of range: allowed an integer >= 99")


def _load(path: Path):
    """The store's results, or one line saying why not."""
    from coalition_sim.studies.store import load_results

    try:
        return load_results(path)
    except InputError:
        raise
    except (sqlite3.DatabaseError, pd.errors.DatabaseError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable coalition-sim results store ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --------------------------------------------------------------------------- printing
def _pct(p: float) -> str:
    return "n/a" if p is None or math.isnan(p) else f"{100 * p:.0f}%"


def _interval(est: float, low: float, high: float, fmt: str = "{:.2f}") -> str:
    if math.isnan(low):
        return fmt.format(est)
    return f"{fmt.format(est)} [{fmt.format(low)}, {fmt.format(high)}]"


def _p(p: float) -> str:
    if p is None or math.isnan(p):
        return "-"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def _median(m: float, horizon: float) -> str:
    return f">{horizon:g}" if math.isnan(m) else f"{m:g}"


def logrank_notes(row: pd.Series, by: list[str], reference: dict) -> str:
    """The arm's log-rank results against each factor's reference level, in words."""
    notes = []
    for factor in by:
        p = row.get(f"logrank_p_vs_{factor}_ref", math.nan)
        if not math.isnan(p):
            notes.append(f"vs {_level_name(factor, reference[factor])} {_p(p)}")
    if not by:
        return "-"
    return "; ".join(notes) or "reference"


def _level_name(factor: str, value) -> str:
    from coalition_sim.analysis.study_analysis import arm_label

    return arm_label({factor: value})


def format_table(found) -> str:
    """The plain-language summary printed by the command."""
    level = f"{found.confidence:.0%}"
    head = (
        f"Study '{found.name}': {found.n_runs} runs ({found.n_failed} failed, left out), {found.design} design, "
        f"horizon {found.horizon:g} months. Intervals are {level}."
    )
    reference = {f: sorted(found.summary[f].unique())[0] for f in found.by}
    rows = [("arm", "n", "endured", "mean lifetime (months)", "median", "mean impact", "log-rank")]
    for _, r in found.summary.iterrows():
        rows.append(
            (
                r.arm,
                str(r.n),
                _interval(r.endurance, r.endurance_low, r.endurance_high),
                _interval(r.rmst, r.rmst_low, r.rmst_high, "{:.1f}"),
                _median(r.median_lifetime, found.horizon),
                _interval(r.mean_impact, r.impact_low, r.impact_high, "{:.1f}"),
                logrank_notes(r, found.by, reference),
            )
        )
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = [head, ""] + ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines += [
        "",
        "endured: share alive at the horizon (bootstrap CI); mean lifetime: restricted to the horizon;",
        "median: months until half had dissolved;",
        "log-rank: survival curve vs the reference level, other factors equal.",
    ]
    if found.paired is not None and len(found.paired):
        lines += ["", "Paired difference in endurance (same seeds in both rules):"]
        lines += [f"  {sentence}" for sentence in paired_sentences(found)]
    for outcome, table in found.sensitivity.items():
        lines += ["", f"Sensitivity of {outcome} ({found.sensitivity_method}):"]
        lines += [f"  {sentence}" for sentence in sensitivity_sentences(found, outcome, table)]
    return "\n".join(lines)


def paired_sentences(found) -> list[str]:
    """One sentence per backbone strength: how much more often one rule's coalitions endured."""
    out = []
    for _, r in found.paired.iterrows():
        where = (
            ", ".join(f"{_level_name(c, r[c])}" for c in r.index if c in found.by and c != "governance") or "all runs"
        )
        diff, low, high = 100 * r.difference, 100 * r.low, 100 * r.high
        word = "more" if diff > 0 else "less"
        verdict = "no clear difference" if low <= 0 <= high else f"{r.governance} {word} often"
        out.append(
            f"{where}: {r.governance} minus {r.reference} = {diff:+.1f} points "
            f"[{low:+.1f}, {high:+.1f}] over {int(r.n_pairs)} pairs ({verdict}; "
            f"only {r.governance} endured in {int(r.only_rule)}, only {r.reference} in {int(r.only_reference)})"
        )
    return out


def sensitivity_sentences(found, outcome: str, table: pd.DataFrame) -> list[str]:
    """Parameters ranked by their sensitivity index, with intervals."""
    if found.sensitivity_method == "sobol":
        ranked = table.sort_values("ST", ascending=False)
        return [
            f"{r.parameter}: total {r.ST:.2f} [{r.ST_low:.2f}, {r.ST_high:.2f}], "
            f"first-order {r.S1:.2f} [{r.S1_low:.2f}, {r.S1_high:.2f}]"
            for r in ranked.itertuples()
        ]
    ranked = table.reindex(table.src.abs().sort_values(ascending=False).index)
    return [
        f"{r.parameter}: SRC {r.src:+.2f} [{r.src_low:+.2f}, {r.src_high:+.2f}], "
        f"rank correlation {r.rho:+.2f} [{r.rho_low:+.2f}, {r.rho_high:+.2f}]"
        for r in ranked.itertuples()
    ] + [f"(linear model R^2 = {table.r2.iloc[0]:.2f} over {int(table.n_points.iloc[0])} points)"]


# --------------------------------------------------------------------------- writing
def write_outputs(found, results, out: Path) -> list[Path]:
    """Tables, figures and findings.md, all or nothing."""
    from coalition_sim.analysis import plots
    from coalition_sim.util.safe_write import atomic_dir

    runs = results.runs
    written = []
    with atomic_dir(out) as tmp:
        found.summary.to_csv(tmp / "summary.csv", index=False, float_format="%.6g")
        if len(found.logrank):
            found.logrank.to_csv(tmp / "logrank.csv", index=False, float_format="%.6g")
        if found.effect is not None:
            found.effect.to_csv(tmp / "backbone_effect.csv", index=False, float_format="%.6g")
        if found.paired is not None:
            found.paired.to_csv(tmp / "paired_difference.csv", index=False, float_format="%.6g")
        if found.paired_impact is not None:
            found.paired_impact.to_csv(tmp / "paired_impact_difference.csv", index=False, float_format="%.6g")
        if found.backbone_paired is not None:
            found.backbone_paired.to_csv(tmp / "backbone_paired_difference.csv", index=False, float_format="%.6g")
        for outcome, table in found.sensitivity.items():
            table.to_csv(tmp / f"sensitivity_{outcome}.csv", index=False, float_format="%.6g")
        figures = {
            "survival": plots.survival_figure(runs, found.by, found.horizon, found.confidence),
            "impact": plots.impact_figure(runs, found.by),
        }
        if found.effect is not None:
            figures["endurance_vs_backbone"] = plots.endurance_figure(found.effect, found.paired, horizon=found.horizon)
        for outcome, table in found.sensitivity.items():
            make = plots.sobol_figure if found.sensitivity_method == "sobol" else plots.sensitivity_figure
            figures[f"sensitivity_{outcome}"] = make(table, outcome)
        for stem, fig in figures.items():
            plots.save(fig, tmp, stem)
        tables = sorted(p.name for p in tmp.glob("*.csv") if p.name != "summary.csv")
        (tmp / "findings.md").write_text(findings_markdown(found, results, sorted(figures), tables))
        written = [out / p.name for p in tmp.iterdir()]
    return written


def findings_markdown(found, results, figures: list[str], tables: list[str] = ()) -> str:
    """The findings in words, with their intervals, the data's provenance and how to reproduce them."""
    prov = results.provenance
    study_path = prov.get("study_path") or f"experiments/{found.name}.toml"
    level = f"{found.confidence:.0%}"
    lines = [
        f"# Findings: {found.name}",
        "",
        f"{found.n_runs} runs ({found.n_failed} failed, left out), {found.design} design, horizon "
        f"{found.horizon:g} months. Every interval is {level}: endurance and impact by bootstrap "
        f"(seed {found.seed}), restricted mean lifetime by Greenwood's "
        f"variance, paired differences by a paired bootstrap over replications.",
        "",
    ]
    lines += [
        "## Endurance per arm",
        "",
        "| arm | n | endured | mean lifetime to horizon (months) | median | "
        "mean impact | dissolved: collapse / dormancy / purpose achieved |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in found.summary.iterrows():
        lines.append(
            f"| {r.arm} | {r.n} | {_pct(r.endurance)} [{_pct(r.endurance_low)}, {_pct(r.endurance_high)}] | "
            f"{_interval(r.rmst, r.rmst_low, r.rmst_high, '{:.1f}')} | "
            f"{_median(r.median_lifetime, found.horizon)} | "
            f"{_interval(r.mean_impact, r.impact_low, r.impact_high, '{:.1f}')} | "
            f"{r.n_collapse} / {r.n_dormancy} / {r.n_purpose_achieved} |"
        )
    lines += [""] + backbone_sentences(found)
    if found.backbone_paired is not None and len(found.backbone_paired):
        lines += [
            "",
            "## Backbone strength compared on the same seeds",
            "",
            "Each backbone strength against the weakest, under the same rule and the same seeds:",
            "",
        ]
        lines += [f"- {s}" for s in backbone_paired_sentences(found)]
    if found.paired is not None and len(found.paired):
        lines += ["", "## Governance rules compared on the same seeds", ""]
        lines += [f"- {s}" for s in paired_sentences(found)]
    if found.paired_impact is not None and len(found.paired_impact):
        lines += ["", "Total impact, same pairs:", ""]
        lines += [f"- {s}" for s in paired_impact_sentences(found)]
    if len(found.logrank):
        significant = found.logrank[found.logrank.p_holm < 1 - found.confidence]
        lines += [
            "",
            "## Log-rank tests",
            "",
            f"{len(significant)} of {len(found.logrank)} comparisons of survival curves (each level against "
            f"its factor's reference, other factors equal) are significant after Holm's adjustment "
            f"(`logrank.csv`).",
        ]
    for outcome, table in found.sensitivity.items():
        lines += ["", f"## Sensitivity of {outcome}", ""]
        lines += [f"- {s}" for s in sensitivity_sentences(found, outcome, table)]
    lines += [
        "",
        "## Files",
        "",
        "- `summary.csv`: one row per arm (all the numbers above, plus causes of dissolution).",
        *[f"- `{name}`" for name in tables],
        *[f"- `{stem}.png` / `{stem}.svg`" for stem in figures],
        "",
        "## Reproduce",
        "",
        "```",
        f"coalition-sim study {study_path}",
        f"coalition-sim analyze {results.path}",
        "```",
        "",
        f"Data: coalition-sim {prov.get('package_version')}, git {prov.get('git_commit')}, "
        f"numpy {prov.get('numpy')}, scipy {prov.get('scipy')}, mesa {prov.get('mesa')}; "
        f"store created {prov.get('created')}.",
    ]
    return "\n".join(lines) + "\n"


def paired_impact_sentences(found) -> list[str]:
    """One sentence per backbone strength: the paired difference in total impact between rules."""
    out = []
    for _, r in found.paired_impact.iterrows():
        where = ", ".join(_level_name(c, r[c]) for c in r.index if c in found.by and c != "governance") or "all runs"
        verdict = "no clear difference" if r.low <= 0 <= r.high else ("more" if r.difference > 0 else "less")
        out.append(
            f"{where}: {r.governance} minus {r.reference} = {r.difference:+.1f} "
            f"[{r.low:+.1f}, {r.high:+.1f}] impact over {int(r.n_pairs)} pairs ({verdict})"
        )
    return out


def backbone_paired_sentences(found) -> list[str]:
    """One sentence per rule and backbone strength: the paired gain in endurance over the weakest backbone."""
    out = []
    for _, r in found.backbone_paired.iterrows():
        diff, low, high = 100 * r.difference, 100 * r.low, 100 * r.high
        verdict = "no clear difference" if low <= 0 <= high else ("more" if diff > 0 else "less") + " often"
        out.append(
            f"{r.governance}: backbone {r.backbone_strength:g} minus backbone {r.reference:g} = "
            f"{diff:+.1f} points [{low:+.1f}, {high:+.1f}] over {int(r.n_pairs)} pairs ({verdict})"
        )
    return out


def backbone_sentences(found) -> list[str]:
    """How endurance moves from the weakest to the strongest backbone under each rule."""
    if found.effect is None or found.effect.backbone_strength.nunique() < 2:
        return []
    out = []
    for rule, rows in found.effect.groupby("governance", sort=True):
        rows = rows.sort_values("backbone_strength")
        lo, hi = rows.iloc[0], rows.iloc[-1]
        out.append(
            f"- Under {rule} governance, endurance goes from {_pct(lo.endurance)} "
            f"[{_pct(lo.endurance_low)}, {_pct(lo.endurance_high)}] with backbone {lo.backbone_strength:g} "
            f"to {_pct(hi.endurance)} [{_pct(hi.endurance_low)}, {_pct(hi.endurance_high)}] with backbone "
            f"{hi.backbone_strength:g}."
        )
    return out
