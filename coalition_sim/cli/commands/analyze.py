"""``coalition-sim analyze RESULTS``: contrasts, causes, trend, sensitivity and screening of a study.

Prints a plain-language table per arm and writes, all or nothing, into ``--out``
(default: the folder holding the store): ``summary.csv``, ``logrank.csv``,
``backbone_effect.csv``, ``paired_difference.csv``, ``rmst_contrasts.csv``, ``cox.csv``,
``cause_incidence.csv``, ``cause_contrasts.csv``, ``trend.csv``, ``primary_family.csv``,
``sensitivity_<outcome>.csv``, ``sobol_convergence_<outcome>.csv``, ``morris_<outcome>.csv``,
``prim_*.csv`` (whichever apply to the design), the figures (PNG and SVG) and ``findings.md``;
for a study that varies the rule over coalition types, the governance map (``map_*.csv``,
``map_*`` figures, ``map_findings.md``, :func:`write_governance_map`);
and refreshes the findings block of the folder's ``README.md`` when it has the markers.
An unfinished store is analysed as it is, with one line on stderr and a line in findings.md.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


from coalition_sim.util.errors import InputError

HELP = (
    "Analyse a study's results: restricted mean lifetimes compared, endurance with CIs, causes of "
    "dissolution, trend and Cox models, sensitivity and screening; figures and findings."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """RESULTS, --out, --by, --confidence, --resamples, --seed, --tau."""
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
    parser.add_argument(
        "--tau",
        type=float,
        default=None,
        metavar="MONTHS",
        help="also compare restricted mean lifetimes up to this month (default: the horizon only)",
    )


def main(args: argparse.Namespace) -> int:
    """Load, analyse, print, write (the figures drawn in worker processes meanwhile)."""
    from coalition_sim.analysis.figure_pool import FigurePool
    from coalition_sim.studies.store import store_file
    from coalition_sim.util.output import check_output_dir
    from coalition_sim.util.safe_write import atomic_dir

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
    out = args.out or Path(results.path).parent
    with atomic_dir(out) as tmp, FigurePool(tmp) as pool:
        early = _draw_early(pool, results, by, args.confidence)
        found = _analyze(results, by, args)
        if found.unfinished:
            print(
                f"coalition-sim analyze: note: unfinished study: {found.n_runs} of {found.expected_runs} runs are "
                f"in {results.path}; the tables cover only those (run the same study command again to finish it)",
                file=sys.stderr,
            )
        print(format_table(found))
        map_lines = write_outputs(found, results, out, tmp, pool, early)
        files = [out / p.name for p in tmp.iterdir()]
    for line in map_lines:
        print(line)
    print(f"\nWrote {len(files)} files to {out}: " + ", ".join(sorted(p.name for p in files)))
    return 0


def _analyze(results, by: list[str] | None, args: argparse.Namespace):
    """The study's analysis, or one line saying why not."""
    from coalition_sim.analysis import study_analysis as analysis

    try:
        return analysis.analyze_study(results, by, args.confidence, args.resamples, args.seed, tau=args.tau)
    except ValueError as exc:
        raise InputError(f"{results.path}: {exc}") from None


def _check_flags(args: argparse.Namespace) -> None:
    if not 0 < args.confidence < 1:
        raise InputError(f"--confidence={args.confidence:g} is out of range: allowed 0 < confidence < 1")
    if args.tau is not None and not (math.isfinite(args.tau) and args.tau > 0):
        raise InputError(f"--tau={args.tau:g} is out of range: allowed a number of months > 0, at most the horizon")
    if args.resamples < 99:
        raise InputError(f"--resamples={args.resamples} is out of range: allowed an integer >= 99")


def _load(path: Path):
    """The store's results, or one line saying why not."""
    import pandas as pd

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
def _fmt():
    from coalition_sim.analysis import findings

    return findings


def _pct(p: float) -> str:
    return _fmt().pct(p)


def _interval(est: float, low: float, high: float, fmt: str = "{:.2f}") -> str:
    return _fmt().interval(est, low, high, fmt)


def _p(p: float) -> str:
    return _fmt().pvalue(p)


def _median(m: float, horizon: float) -> str:
    return _fmt().median_text(m, horizon)


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
        "endured: share alive at the horizon (Wilson CI); mean lifetime: restricted to the horizon;",
        "median: months until half had dissolved;",
        "log-rank: survival curve vs the reference level, other factors equal.",
    ]
    if found.paired is not None and len(found.paired):
        lines += ["", "Paired difference in endurance (same seeds in both rules):"]
        lines += [f"  {sentence}" for sentence in _fmt().paired_sentences(found)]
    if found.contrasts is not None and len(found.contrasts.rmst):
        lines += ["", "Restricted mean lifetime, each level against its reference (months; paired on seeds;"]
        lines += ["  the other factors' contrasts are in rmst_contrasts.csv):"]
        rmst = found.contrasts.rmst
        main = "governance" if (rmst.factor == "governance").any() else rmst.factor.iloc[0]
        for _, r in rmst[rmst.factor == main].iterrows():
            where = ", ".join(_level_name(c, r[c]) for c in found.by if c in r and c != r.factor and c in r.index)
            lines.append(
                f"  {where or 'all runs'}: {r[r.factor]} minus {r.reference} to month {r.tau:g} = "
                f"{_interval(r.difference, r.low, r.high, '{:+.1f}')} ({_p(r.p)}; PH test {_p(r.ph_p)})"
            )
    for outcome, table in found.sensitivity.items():
        lines += ["", f"Sensitivity of {outcome} ({found.sensitivity_method}):"]
        lines += [f"  {sentence}" for sentence in _fmt().sensitivity_sentences(found, outcome, table)]
    for section in found.extra.values():
        lines += ["", *section.rstrip().replace("## ", "").splitlines()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- writing
def write_outputs(found, results, out: Path, tmp: Path, pool, early: dict | None = None) -> list[str]:
    """Tables, figures and findings.md into ``tmp`` (the figures through ``pool``); the map's lines to print.

    ``early`` are the figures :func:`_draw_early` started before the analysis, by stem, with
    what they were drawn for; those no longer wanted are removed, the others not drawn again.
    """
    from coalition_sim.analysis import findings

    _write_tables(found, tmp)
    figures = _figure_makers(found, results.runs)
    early = early or {}
    for stem, drawn_for in early.items():
        if _drawn_for(found, stem) != drawn_for:
            pool.discard(stem)
    for stem, make in figures.items():
        if stem not in early or _drawn_for(found, stem) != early[stem]:
            pool.draw(stem, make)
    tables = sorted(p.name for p in tmp.glob("*.csv") if p.name != "summary.csv")
    (tmp / "findings.md").write_text(findings.findings_markdown(found, results, sorted(figures), tables))
    readme = out / "README.md"
    if found.contrasts is not None and readme.exists():
        updated = findings.replace_headline(readme.read_text(), findings.headline_markdown(found))
        if updated is not None:
            (tmp / "README.md").write_text(updated)
    map_lines = write_governance_map(found, results, tmp, out, pool)
    pool.wait()
    return map_lines


def _write_tables(found, tmp: Path) -> None:
    """Every table of the analysis as CSV."""
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
    for name, table in _contrast_tables(found).items():
        table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6g")
    for name, table in found.tables.items():
        table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6g")


def _figure_makers(found, runs) -> dict:
    """The analysis's figures (not the map's) as picklable makers, by file stem."""
    from coalition_sim.analysis import plots

    figures = {
        "survival": partial(plots.survival_figure, runs, found.by, found.horizon, found.confidence),
        "impact": partial(plots.impact_figure, runs, found.by),
    }
    if found.effect is not None:
        figures["endurance_vs_backbone"] = partial(
            plots.endurance_figure, found.effect, found.paired, horizon=found.horizon
        )
    for outcome, table in found.sensitivity.items():
        make = plots.sobol_figure if found.sensitivity_method == "sobol" else plots.sensitivity_figure
        figures[f"sensitivity_{outcome}"] = partial(make, table, outcome)
    figures.update(_method_figures(found, runs))
    return figures


# --------------------------------------------------------------------------- figures ahead of the analysis
EARLY_FIGURES = ("causes", "impact", "survival")
"""The slowest figures, which need only the runs: drawn while the statistics are computed."""


def _draw_early(pool, results, by: list[str] | None, confidence: float) -> dict:
    """Start the figures of :data:`EARLY_FIGURES` the analysis will ask for; what each is drawn for, by stem.

    The arms and horizon are found as :func:`analyze_study` finds them; :func:`write_outputs`
    checks them against the analysis and draws again whatever differs.
    """
    from coalition_sim.analysis import method_plots, plots
    from coalition_sim.analysis import study_analysis as analysis
    from coalition_sim.analysis.competing_risks import event_causes
    from coalition_sim.studies.store import finished

    runs, study = results.runs, results.study
    ok = finished(runs)
    by = list(by) if by is not None else analysis.default_arms(study, runs)
    if ok.empty or any(c not in runs for c in by):
        return {}  # the analysis will say why
    horizon = analysis.study_horizon(study, ok)
    drawn = {}
    if by and analysis.design_kind(study, runs) == "factorial" and event_causes(ok):
        pool.draw("causes", partial(method_plots.cause_figure, runs, by, horizon))
        drawn["causes"] = (tuple(by), horizon, None)
    pool.draw("impact", partial(plots.impact_figure, runs, by))
    drawn["impact"] = (tuple(by), None, None)
    pool.draw("survival", partial(plots.survival_figure, runs, by, horizon, confidence))
    drawn["survival"] = (tuple(by), horizon, confidence)
    return drawn


def _drawn_for(found, stem: str) -> tuple | None:
    """What an early figure must have been drawn for to be the analysis's own (None: not wanted)."""
    c = found.contrasts
    by = tuple(found.by)
    if stem == "causes":
        return (by, found.horizon, None) if c is not None and len(c.incidence) else None
    if stem == "impact":
        return (by, None, None)
    if stem == "survival":
        return (by, found.horizon, found.confidence)
    return None


def _contrast_tables(found) -> dict:
    """The contrasts' tables by file stem (none for designs without arms)."""
    c = found.contrasts
    if c is None:
        return {}
    tables = {
        "rmst_contrasts": c.rmst,
        "cox": c.cox,
        "cause_incidence": c.incidence,
        "cause_contrasts": c.causes,
        "trend": c.trend,
        "primary_family": c.family,
    }
    return {name: table for name, table in tables.items() if len(table)}


def _method_figures(found, runs) -> dict:
    """Figures of the contrasts and of the screening methods, as makers by file stem."""
    from coalition_sim.analysis import method_plots

    figures = {}
    c = found.contrasts
    if c is not None and len(c.incidence):
        figures["causes"] = partial(method_plots.cause_figure, runs, found.by, found.horizon)
    if c is not None and len(c.rmst):
        main = "governance" if (c.rmst.factor == "governance").any() else str(c.rmst.factor.iloc[0])
        level = next((b for b in found.by if b != main), None)
        figures["rmst_difference"] = partial(method_plots.rmst_figure, c.rmst, main, level)
    for name, table in found.tables.items():
        if name.startswith("morris_"):
            figures[name] = partial(method_plots.morris_figure, table, name.removeprefix("morris_"))
        elif name.startswith("prim_trajectory_"):
            outcome = name.removeprefix("prim_trajectory_")
            figures[name] = partial(
                method_plots.prim_figure, table, f"coalitions {outcome}" if outcome == "dissolved" else outcome
            )
        elif name.startswith("sobol_convergence_"):
            figures[name] = partial(method_plots.convergence_figure, table, name.removeprefix("sobol_convergence_"))
    return figures


# --------------------------------------------------------------------------- the governance map
def write_governance_map(found, results, tmp: Path, out: Path, pool) -> list[str]:
    """When the study varies the rule and a coalition type: the map's tables, figures and findings.

    Writes ``map_*.csv``, ``map_*.png``/``.svg`` (through ``pool``) and ``map_findings.md`` into ``tmp``, and refreshes
    the block between the map markers of ``out/README.md``; returns the lines to print (none when
    the study is not a map).
    """
    from coalition_sim.analysis import governance_map, map_findings, map_plots

    if not governance_map.applies(results.study, results.runs):
        return []
    try:
        tables = governance_map.governance_map(results.runs, found.horizon, found.confidence)
    except ValueError as exc:
        return [f"\nGovernance map: not drawn ({exc})."]
    for name, table in tables.items():
        table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6g")
    for stem, make in map_plots.map_figure_makers(tables, results.runs, found.horizon).items():
        pool.draw(stem, make)
    block = map_findings.map_markdown(map_findings.load_map_tables(tmp))  # from the tables as written
    (tmp / "map_findings.md").write_text(f"# Governance map: {found.name}\n\n{block}")
    readme = tmp / "README.md" if (tmp / "README.md").exists() else out / "README.md"
    if readme.exists():
        updated = map_findings.replace_block(readme.read_text(), block)
        if updated is not None:
            (tmp / "README.md").write_text(updated)
    return ["", "Governance map (map_findings.md):", *[f"  {line}" for line in block.splitlines() if line]]
