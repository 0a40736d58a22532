"""The strategist's report: one self-contained HTML page plus the tables as CSV.

Figures are embedded as base64 PNG; there are no external links, scripts or
fonts, so the page opens offline. Everything a user wrote (names, notes) is
HTML-escaped. The directory is written all or nothing
(:func:`coalition_sim.util.safe_write.atomic_dir`).
"""

from __future__ import annotations

import math
import platform
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from coalition_sim.strategist.appendix import option_meaning
from coalition_sim.strategist.report_figures import figure_png, make_figures
from coalition_sim.strategist.report_html import _e, _num, _pct, _table
from coalition_sim.strategist.report_story import (
    appendix_section,
    backbone_section,
    narrative_section,
    options_section,
    partners_section,
    two_files_section,
    uncertainty_section,
)
from coalition_sim.util.safe_write import atomic_dir

TABLES = (
    "summary",
    "ranking",
    "runs",
    "inputs",
    "exits",
    "exit_risk",
    "partners",
    "objections",
    "drivers",
    "members",
    "margin",
    "appendix",
    "backbone_value",
    "narrative",
    "two_files",
)
"""Tables written as CSV next to report.html."""
RULE_TEXT = {
    "impact": "best expected impact (mean over the uncertain draws)",
    "worst-case": "best worst case (the {q:.0%} quantile of impact over the uncertain draws)",
    "regret": "least regret (the shortfall against the best option in the same draw, "
    "as exceeded in only {q:.0%} of draws)",
    "lasting": "best expected impact among options that last the horizon in at least {m:.0%} of draws",
    "impact-and-lasting": "best expected impact plus {v:g} for every draw in which the coalition is still "
    "running at the horizon",
}
RARE_LOSS = 0.05
"""Below this share of lost draws, the report says the recommendation rarely loses instead of searching why."""
LIMITS = [
    "The model is a stylised picture of how coalitions work, built from published principles "
    "(collective impact, generative engagement, clever coalitions) and not fitted to data about your "
    "coalition. Use its numbers to compare options, not as forecasts.",
    "Impact is in the model's own units (one average initiative done well, with no dilution = about 1). "
    "It does not say what that means in homes built, laws passed or lives changed.",
    "Only the uncertainty you wrote into the scenario (ranges and distributions) is explored, together "
    "with chance events inside the model (which initiatives arrive, who happens to meet). Anything you "
    "wrote as a single number is treated as known. Widen a range if you are not sure.",
    "It does not know about politics, personalities, elections, funders' moods, or events outside the "
    "coalition beyond random shifts in the skills needed. Partners' staff changes are in it only as an "
    "average rate (turnover_rate), not as the departure of a particular person.",
    "Organizations follow simple rules (tolerance, patience, energy); real ones negotiate, trade favours, "
    "merge and split. Governance is one of the built-in rules exactly as the documentation describes it, "
    "not the way your coalition will actually practise it.",
    "The backbone's six functions are assumed to scale together with its strength; a real backbone may "
    "be strong at some (measurement) and weak at others (public will).",
    "Probabilities come from a finite number of simulated draws; intervals show that sampling error, not "
    "the (larger) error of the model itself.",
]


# ---------------------------------------------------------------------------- writing


def write_report(result, out: str | Path) -> Path:
    """Write report.html and the CSV tables into ``out`` atomically; return the HTML path."""
    out = Path(out)
    figures = result.figures or make_figures(result)
    page = render_html(result, figures)
    with atomic_dir(out) as tmp:
        (tmp / "report.html").write_text(page, encoding="utf-8")
        for name in TABLES:
            frame = getattr(result, name)
            frame.to_csv(tmp / f"{name}.csv", index=name in ("inputs", "members"))
        rule_rows = (
            []
            if result.loss_rule is None
            else [
                {
                    "recommended": result.recommended,
                    "runner_up": result.runner_up,
                    "rule": result.loss_rule.text(),
                    "draws": result.loss_rule.n,
                    "support": result.loss_rule.support,
                    "loss_rate": result.loss_rule.loss_rate,
                    "base_rate": result.loss_rule.base_rate,
                    "coverage": result.loss_rule.coverage,
                }
            ]
        )
        pd.DataFrame(
            rule_rows,
            columns=["recommended", "runner_up", "rule", "draws", "support", "loss_rate", "base_rate", "coverage"],
        ).to_csv(tmp / "loss_rule.csv", index=False)
    return out / "report.html"


def _img(figures: dict, name: str, alt: str) -> str:
    return f'<figure><img alt="{_e(alt)}" src="{figure_png(figures[name])}"></figure>' if name in figures else ""


def render_html(result, figures: dict) -> str:
    """The whole page as a string."""
    sections = [
        headline(result),
        options_section(result),
        narrative_section(result),
        ranking_section(result),
        endurance_section(result, figures),
        impact_section(result, figures),
        exits_section(result, figures),
        friction_section(result),
        loss_section(result, figures),
        uncertainty_section(result),
        backbone_section(result),
        two_files_section(result),
        scenario_section(result),
        limits_section(),
        method_section(result),
        appendix_section(result),
    ]
    return PAGE.format(title=_e(f"{result.scenario.name}: governance options compared"), body="\n".join(sections))


def rule_text(settings: dict) -> str:
    """The ranking rule in words, with its settings."""
    return RULE_TEXT[settings["rank"]].format(
        q=settings["quantile"], m=settings.get("min_lasting", 0.5), v=settings.get("running_value", 0.0)
    )


def _option(result, label: str):
    return next(o for o in result.options if o.label == label)


def _row(result, label: str) -> pd.Series:
    return result.summary.set_index("option").loc[label]


def _lifetime(row: pd.Series, horizon: int) -> str:
    return f"more than {horizon}" if row["lifetime_median_beyond_horizon"] else f"{row['lifetime_median']:.0f}"


def headline(result) -> str:
    """The recommendation in a few sentences."""
    s = result.settings
    best = result.recommended
    row = _row(result, best)
    q = round(s["quantile"] * 100)
    text = [
        f"<h1>{_e(result.scenario.name)}</h1>",
        f"<p class='lead'>{_e(result.scenario.description)}</p>" if result.scenario.description else "",
        "<div class='box'><h2>Recommendation</h2>",
        f"<p>Ranked by <b>{_e(rule_text(s))}</b>, the best option is "
        f"<b>{_e(best)}</b> ({_e(option_meaning(_option(result, best), result.scenario))}). "
        f"Over {s['replications']} uncertain draws of your coalition, it achieves a mean "
        f"impact of <b>{row['impact_mean']:.1f}</b> (in 8 of 10 draws between {row[f'impact_q{q}']:.1f} and "
        f"{row[f'impact_q{100 - q}']:.1f}), and the coalition is still together after {s['steps']} months in "
        f"<b>{_pct(row['p_endure'])}</b> of draws (95% interval {_pct(row['p_endure_low'])} to "
        f"{_pct(row['p_endure_high'])}).</p>",
    ]
    text += [f"<p class='warn'><b>Warning:</b> {_e(w.text())}</p>" for w in result.warnings]
    second = result.runner_up
    if second is not None:
        r2 = result.ranking.set_index("option")
        from coalition_sim.strategist.paired import OUTCOME, paired

        wide = paired(result.runs, OUTCOME, [best, second])
        lose = float((wide[best] < wide[second]).mean()) if len(wide) else math.nan
        text.append(
            f"<p>The runner-up is <b>{_e(second)}</b> (mean impact {r2.loc[second, 'mean']:.1f}). "
            f"On the same draws it does better than {_e(best)} in {_pct(lose)} of them."
        )
        if lose < RARE_LOSS:
            text.append(f" It rarely loses to it: in only {_pct(lose)} of draws.")
        elif result.loss_rule is not None:
            rule = result.loss_rule
            text.append(
                f" {_e(best)} loses mostly when <b>{_e(rule.text())}</b>: where that holds "
                f"({_pct(rule.support)} of draws), it loses {_pct(rule.loss_rate)} of the time."
            )
        else:
            text.append(
                " No simple condition on what you are unsure about explains when it loses (see "
                "<i>When the recommendation loses</i>)."
            )
        text.append("</p>")
    text.append("</div>")
    return "\n".join(text)


def ranking_section(result) -> str:
    q = result.settings["quantile"]
    rows = [
        [
            r["rank"],
            r["option"],
            _num(r["mean"]),
            _num(r["worst_case"]),
            _num(r["mean_regret"]),
            _num(r["regret_high"]),
            _num(r["max_regret"]),
            _pct(r["p_best"]),
        ]
        for _, r in result.ranking.iterrows()
    ]
    return (
        "<h2>Ranking</h2><p>Every option ran on the same draws (same coalition, same chance events), so "
        "the differences come from the options. <i>Regret</i> in a draw is how much impact an option gives "
        "up against the best option in that draw.</p>"
        + _table(
            [
                "rank",
                "option",
                "mean impact",
                f"worst case ({q:.0%} quantile)",
                "mean regret",
                f"regret ({1 - q:.0%} quantile)",
                "largest regret",
                "best in",
            ],
            rows,
        )
    )


def endurance_section(result, figures) -> str:
    horizon = result.settings["steps"]
    rows = [
        [
            r["option"],
            _pct(r["p_endure"]),
            f"{_pct(r['p_endure_low'])} to {_pct(r['p_endure_high'])}",
            _lifetime(r, horizon),
            _pct(r["p_collapse"]),
            _pct(r["p_dormancy"]),
            r.get("endings", "") or "-",
            _num(r["exits_mean"]),
            _num(r["joins_mean"]),
        ]
        for _, r in result.summary.iterrows()
        if r["runs"]
    ]
    return (
        "<h2>Will the coalition last?</h2>"
        f"<p>The share of draws in which the coalition is still together after {horizon} months, with a 95% "
        "interval; the median lifetime (months until half of the draws have dissolved); and why the others "
        "ended: <i>collapse</i> (too few members left) or <i>dormancy</i> (nothing adopted for too long).</p>"
        + _table(
            [
                "option",
                "lasts the horizon",
                "95% interval",
                "median lifetime (months)",
                "collapsed",
                "went dormant",
                "every reason it ended",
                "exits (mean)",
                "joins (mean)",
            ],
            rows,
        )
        + _img(figures, "survival", "survival curves")
        + _img(figures, "members", "members over time")
    )


def impact_section(result, figures) -> str:
    q = round(result.settings["quantile"] * 100)
    rows = [
        [
            r["option"],
            _num(r["impact_mean"]),
            _num(r["impact_sd"]),
            _num(r[f"impact_q{q}"]),
            _num(r["impact_median"]),
            _num(r[f"impact_q{100 - q}"]),
            _pct(r["success_rate"]),
        ]
        for _, r in result.summary.iterrows()
        if r["runs"]
    ]
    return (
        "<h2>What will it achieve?</h2><p>Total impact over the horizon: the value of the initiatives "
        "that succeeded, less what was lost to watered-down plans. One average initiative done well is "
        "worth about 1.</p>"
        + _table(
            [
                "option",
                "mean",
                "spread (sd)",
                f"{q}th percentile",
                "median",
                f"{100 - q}th percentile",
                "initiatives that succeeded",
            ],
            rows,
        )
        + _img(figures, "impact", "impact by option")
    )


def exits_section(result, figures) -> str:
    return (
        "<h2>Who might leave, and when</h2><p>For each organization and option, the chance that it "
        "<b>leaves</b> before the horizon (L; for wider-network organizations: after joining), and the chance "
        "that it is still in when <b>the coalition ends first</b> (E). Both mean it is not working with a "
        "lasting coalition at the horizon; the colour shows their sum, so a coalition that dies early does "
        "not look kind to its partners.</p>"
        + _img(figures, "exit_risk", "partners lost by organization and option")
        + partners_section(result)
    )


def friction_section(result) -> str:
    rows = [
        [r["option"], _num(r["mean_dilution"], 3), _num(r["blocked_per_year"]), _num(r["lapsed_per_year"])]
        for _, r in result.summary.iterrows()
        if r["runs"]
    ]
    obj = result.objections.head(8)
    obj_rows = [
        [r["organization"], "member" if r["member"] else "network", _pct(r["p_object"]), _num(r["mean_bend"], 3)]
        for _, r in obj.iterrows()
    ]
    parts = [
        "<h2>Where dilution and blocking come from</h2>",
        "<p><i>Dilution</i> is how far an adopted plan was bent away from the best plan to win agreement; "
        "<i>blocked</i> counts decisions that failed in a month; <i>lapsed</i> initiatives waited too long.</p>",
        _table(["option", "mean dilution", "blocked decisions per year", "lapsed initiatives per year"], rows),
        "<h3>Who objects most</h3><p>How often each organization would object to an initiative's best plan "
        "because it lies outside its tolerance (estimated from the scenario alone). Under consensus these "
        "organizations force plans to be bent (dilution) or block them; under opt-in they sit those "
        "initiatives out.</p>",
        _table(["organization", "role", "objects to", "average bend needed"], obj_rows),
    ]
    top = [result.recommended] + ([result.runner_up] if result.runner_up else [])
    drivers = result.drivers[result.drivers["option"].isin(top)]
    if len(drivers):
        rows = [
            [d["option"], d["outcome"].replace("_", " "), d["label"], f"{d['spearman']:+.2f}"]
            for _, d in drivers.iterrows()
        ]
        parts += [
            "<h3>Which uncertain inputs move them</h3><p>Rank correlation across the draws between each "
            "uncertain input and blocking or dilution (+ means more of it when the input is higher), for "
            "the two best options (every option: drivers.csv).</p>",
            _table(["option", "outcome", "input", "correlation"], rows),
        ]
    return "\n".join(parts)


def loss_section(result, figures) -> str:
    best, second = result.recommended, result.runner_up
    if second is None:
        return ""
    rule = result.loss_rule
    from coalition_sim.strategist.paired import OUTCOME, paired

    wide = paired(result.runs, OUTCOME, [best, second])
    diff = (wide[best] - wide[second]).to_numpy()
    half = 1.96 * diff.std(ddof=1) / math.sqrt(diff.size) if diff.size > 1 else math.nan
    paired_text = (
        f"<p>Draw by draw, {_e(best)} achieves {diff.mean():+.1f} impact against {_e(second)} "
        f"(95% interval {diff.mean() - half:+.1f} to {diff.mean() + half:+.1f}); it does better in "
        f"{_pct(float((diff > 0).mean()))} of the draws and worse in {_pct(float((diff < 0).mean()))}.</p>"
    )
    if rule is None and float((diff < 0).mean()) < RARE_LOSS:
        what = (
            f"<p>{_e(best)} loses to {_e(second)} in only {_pct(float((diff < 0).mean()))} of the draws: "
            "too few to look for a pattern in them.</p>"
        )
    elif rule is None:
        what = (
            "<p>No simple condition (one or two thresholds) on the uncertain inputs separates the draws "
            f"where {_e(best)} loses from those where it wins better than chance would: its losses are "
            "spread across the range of what you are unsure about, and depend on chance events inside the "
            "model or on combinations too intricate for a simple rule.</p>"
        )
    else:
        what = (
            f"<p>A threshold search over the uncertain inputs (one or two conditions) finds that "
            f"{_e(best)} loses to {_e(second)} mostly when <b>{_e(rule.text())}</b>.</p><ul>"
            f"<li>This holds in {rule.n} of the draws ({_pct(rule.support)}).</li>"
            f"<li>There, {_e(best)} loses {_pct(rule.loss_rate)} of the time; over all draws it loses "
            f"{_pct(rule.base_rate)} of the time.</li>"
            f"<li>{_pct(rule.coverage)} of all its losses happen under this condition.</li></ul>"
            "<p>If you think the condition is likely in your coalition, weigh the runner-up seriously.</p>"
        )
    return "<h2>When the recommendation loses</h2>" + paired_text + what + _img(figures, "loss", "when it loses")


def scenario_section(result) -> str:
    sc = result.scenario
    members = [[o.name, o.sector, "member" if o.member else "network", o.note] for o in sc.organizations]
    uncertain = [[u.label, u.value.describe()] for u in sc.uncertain()]
    return (
        "<h2>The scenario</h2>"
        f"<p>{len(sc.members)} members and {len(sc.network)} organizations in the wider network; "
        f"{len(sc.pairs)} known trust relationships; horizon {sc.horizon} months. Options compared: "
        + ", ".join(_e(o.label) for o in result.options)
        + ".</p>"
        + _table(["organization", "sector", "role", "note"], members)
        + "<h3>What you said you are not sure about</h3>"
        + (_table(["input", "range"], uncertain) if uncertain else "<p>Nothing: every value is fixed.</p>")
    )


def limits_section() -> str:
    items = "".join(f"<li>{_e(t)}</li>" for t in LIMITS)
    return f"<h2>What the model does not know</h2><ul>{items}</ul>"


def reproduce_command(result) -> str:
    """The command line that makes the same comparison (options in the order given)."""
    s = result.settings
    options = list(dict.fromkeys(o.governance for o in result.options))
    strengths = list(dict.fromkeys(o.backbone for o in result.options if o.backbone is not None))
    events = next((o.interventions for o in result.options if o.interventions), ())
    parts = [f"coalition-sim compare {result.scenario.path} --options {','.join(options)}"]
    if strengths:
        parts.append(f"--backbone {','.join(f'{b:g}' for b in strengths)}")
    parts.append(f"--replications {s['replications']} --steps {s['steps']} --seed {s['seed']} --rank {s['rank']}")
    if s["rank"] == "lasting":
        parts.append(f"--min-lasting {s['min_lasting']:g}")
    if s["rank"] == "impact-and-lasting":
        parts.append(f"--running-value {s['running_value']:g}")
    if s.get("backbone_cost") is not None:
        parts.append(f"--backbone-cost {s['backbone_cost']:g}")
    if events:
        parts.append('--what-if "' + "; ".join(f"{e.action} {e.name} at {e.month}" for e in events) + '"')
    return " ".join(parts)


def method_section(result) -> str:
    from coalition_sim import __version__

    s = result.settings
    failed = int((result.runs["status"] != "ok").sum())
    command = reproduce_command(result)
    return (
        "<h2>How this was made</h2>"
        f"<p>coalition-sim {_e(__version__)}, Python {_e(platform.python_version())}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {len(result.runs)} runs "
        f"({s['replications']} draws x {len(result.options)} options, {s['steps']} months each), master "
        f"seed {s['seed']}; {failed} runs failed and were left out. Each draw picks every uncertain value "
        "once; every option then runs on that same coalition with the same random seed. The tables are "
        "in the CSV files next to this page.</p>"
        f"<p>To reproduce:</p><pre>{_e(command)}</pre>"
    )


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Georgia, 'Times New Roman', serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.8rem; margin-bottom: 0.2rem; }} h2 {{ border-bottom: 1px solid #ccc; margin-top: 2.2rem; }}
.lead {{ color: #555; font-style: italic; }}
.box {{ background: #f3f7fb; border-left: 4px solid #0072B2; padding: 0.4rem 1rem; }}
.warn {{ background: #fff3e0; border-left: 4px solid #D55E00; padding: 0.3rem 0.6rem; }}
table {{ border-collapse: collapse; margin: 0.8rem 0; font-size: 0.85rem; font-family: Helvetica, Arial, sans-serif; }}
th, td {{ border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; }}
th {{ background: #f0f0f0; }}
figure {{ margin: 1rem 0; }} img {{ max-width: 100%; }}
pre {{ background: #f6f6f6; padding: 0.6rem; white-space: pre-wrap; }}
</style></head>
<body>
{body}
</body></html>
"""
