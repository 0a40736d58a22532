"""The report's sections that tell the story: what each option means, the narrative, partners'
fates, which uncertainty matters, the backbone's value for money, and the appendix of every input."""

from __future__ import annotations

import math

from coalition_sim.strategist.appendix import option_meaning
from coalition_sim.strategist.report_html import _e, _num, _pct, _table
from coalition_sim.strategist.value_of_information import what_to_find_out

PARTNER_ROWS = 12
"""Partners shown in the report's table (every one: partners.csv)."""


def options_section(result) -> str:
    """Each option's label and what it means over time."""
    rows = [[o.label, option_meaning(o, result.scenario)] for o in result.options]
    return (
        "<h2>The options</h2><p>What each option means over the months simulated: the decision rule "
        "(and its schedule), the backbone's support (and its cut), and any scheduled departures or arrivals.</p>"
        + _table(["option", "what it means over time"], rows)
    )


def narrative_section(result) -> str:
    """The story in words, one short paragraph per option (each sentence's figures: narrative.csv)."""
    story = result.narrative
    if story is None or not len(story):
        return ""
    parts = [
        "<h2>The story in words</h2><p>Generated from the runs; every figure is in the tables "
        "below and in narrative.csv.</p>"
    ]
    for o in result.options:
        sentences = story[story["option"] == o.label].sort_values("order")["sentence"]
        if len(sentences):
            parts.append(f"<p><b>{_e(o.label)}.</b> {_e(' '.join(sentences))}</p>")
    return "\n".join(parts)


def partners_section(result) -> str:
    """Per partner under the recommendation: left, lost interest, ended first, still with it; when, why, drivers."""
    table = result.partners
    if table is None or not len(table):
        return ""
    best = result.recommended
    mine = table[table["option"] == best].copy()
    mine["lost"] = mine["p_left"] + mine["p_ended_first"]
    mine = mine.sort_values(["p_left", "lost"], ascending=False).head(PARTNER_ROWS)
    faded = bool((mine["p_lost_interest"] > 0).any())  # the column is shown only where it happens
    objects = result.objections.set_index("organization")["p_object"] if len(result.objections) else {}
    rows = [
        [
            r["organization"],
            _pct(r["p_left"]),
            *([_pct(r["p_lost_interest"])] if faded else []),
            _pct(r["p_ended_first"]),
            _pct(r["p_still_member"]),
            _num(r["month_first"], 0),
            _num(r["month_median"], 0),
            r["causes"] or "-",
            _pct(objects.get(r["organization"], float("nan"))),
            f"{r['driver']} ({r['driver_rho']:+.2f})" if r["driver"] else "-",
        ]
        for _, r in mine.iterrows()
    ]
    return (
        f"<h3>Partners under {_e(best)}</h3><p><i>Objects to the best plans</i>: how often an initiative's best "
        "plan lies outside the partner's tolerance (its distance from the blueprints). <i>Driven by</i>: the "
        "uncertain input whose drawn value is most associated with the partner leaving (rank correlation; + "
        "means it leaves more when the input is higher). Every option and every exit cause: partners.csv.</p>"
        + _table(
            [
                "organization",
                "left",
                *(["lost interest before joining"] if faded else []),
                "coalition ended first",
                "still with it",
                "first exit (month)",
                "median exit (month)",
                "why it left",
                "objects to the best plans",
                "driven by",
            ],
            rows,
        )
    )


def uncertainty_section(result) -> str:
    """Which uncertain inputs, if known, could change the recommendation."""
    table = result.margin
    if table is None or not len(table) or result.runner_up is None:
        return ""
    rows = [
        [r["label"], _pct(r["explained"]), r["flip_range"] or "-", _num(r["worst_bin_margin"])]
        for _, r in table.head(10).iterrows()
    ]
    advice = what_to_find_out(table)
    lead = (
        "<p>Find out first: " + " ".join(_e(a) for a in advice) + "</p>"
        if advice
        else "<p>No uncertain input, taken alone, explains much of the margin: finding out any one of "
        "them is unlikely to change the recommendation.</p>"
    )
    return (
        "<h2>Which uncertainty matters</h2>"
        f"<p>The margin is how much more impact {_e(result.recommended)} achieves than {_e(result.runner_up)} "
        "in the same draw. For each uncertain input, the share of the margin's variation explained by where "
        "in its range the input fell (in fifths of its range, corrected for chance), and the range, if any, "
        "in which the runner-up wins on average beyond sampling error.</p>"
        + lead
        + _table(["input", "explains of the margin", "runner-up wins where it is", "lowest mean margin"], rows)
    )


def backbone_section(result) -> str:
    """Marginal impact and survival per unit of backbone cost (only when a cost was given)."""
    table = result.backbone_value
    price = result.settings.get("backbone_cost")
    if price is None or table is None or not len(table):
        return ""
    rows = [
        [
            r["governance"],
            f"{r['from_strength']:g} -> {r['to_strength']:g}",
            _num(r["extra_cost"]),
            f"{r['extra_impact']:+.1f}",
            f"{r['extra_lasting']:+.0%}",
            _num(r["impact_per_cost"], 2),
            "n/a" if math.isnan(r["lasting_per_cost"]) else f"{100 * r['lasting_per_cost']:+.2f} points",
        ]
        for _, r in table.iterrows()
    ]
    return (
        "<h2>The backbone: cost against benefit</h2>"
        f"<p>At a cost of {price:g} per unit of backbone strength per month (as you stated), paid for every "
        "month the coalition lives at the strength then in force. Each row compares two strengths of one rule "
        "on the same draws: the extra cost, the extra impact and the extra chance of lasting the horizon, and "
        "what one unit of extra cost buys.</p>"
        + _table(
            [
                "rule",
                "backbone",
                "extra cost",
                "extra impact",
                "extra chance of lasting",
                "impact per unit of cost",
                "lasting per unit of cost",
            ],
            rows,
        )
    )


def appendix_section(result) -> str:
    """Every setting the runs used."""
    table = result.appendix
    if table is None or not len(table):
        return ""
    rows = [[r["setting"], r["label"], r["kind"], r["value"]] for _, r in table.iterrows()]
    return (
        "<h2>Appendix: every setting the runs used</h2><p>What you gave, what you left uncertain (with its "
        "range: each draw picks one value, see inputs.csv), what you left out (the default was used), and "
        "every other model parameter (see the model's documentation). Blocks are counted from 1.</p>"
        + _table(["setting", "what it is", "kind", "value"], rows)
    )


def two_files_section(result) -> str:
    """The same options on a second scenario file (only when one was given)."""
    table = result.two_files
    if table is None or not len(table):
        return ""
    rows = []
    for _, r in table.iterrows():
        if str(r["scenario"]).startswith("difference"):
            rows.append(
                [
                    r["option"],
                    r["scenario"],
                    f"{r['p_endure']:+.0%} ({r['p_endure_low']:+.0%} to {r['p_endure_high']:+.0%})",
                    f"{r['impact_mean']:+.1f} ({r['impact_low']:+.1f} to {r['impact_high']:+.1f})",
                ]
            )
        else:
            rows.append(
                [
                    r["option"],
                    r["scenario"],
                    f"{r['p_endure']:.0%} ({r['p_endure_low']:.0%} to {r['p_endure_high']:.0%})",
                    _num(r["impact_mean"]),
                ]
            )
    return (
        "<h2>Two scenario files compared</h2><p>The same options and seed on the second file. The files "
        "describe different coalitions, so their draws are not paired; the difference carries a 95% interval.</p>"
        + _table(["option", "scenario", "lasts the horizon (95% interval)", "mean impact"], rows)
    )
