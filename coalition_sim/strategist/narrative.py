"""The story in words: a few generated sentences per option, each resting on figures in the tables.

For each option: how often the coalition lasts; when and why it ends otherwise;
a cliff (a single month in which many draws end, such as the first dormancy
check); an exit wave after a backbone cut; and who tends to leave first. Every
sentence is stored with the figures it quotes (``narrative.csv``), each computed
from the runs, exits or partner tables, so a reader (and a test) can check it.
"""

from __future__ import annotations

import pandas as pd

from coalition_sim.model.events import CAUSE_TEXT
from coalition_sim.strategist.partners import member_exits

CLIFF_SHARE = 0.2
"""A month in which at least this share of draws end is called a cliff."""
WAVE_MONTHS = 24
"""An exit wave counts the departures (member exits; not a network organization losing interest)
in this many months from the backbone cut."""
FIRST_LEAVER_MIN = 0.2
"""A partner is named as leaving first only if it leaves in at least this share of draws."""
COLUMNS = ["option", "order", "kind", "sentence", "figures"]


def ending_text(cause: str) -> str:
    """Plain words for a dissolution cause, read generically from the model."""
    return CAUSE_TEXT.get(cause, str(cause).replace("_", " "))


def option_story(runs: pd.DataFrame, exits: pd.DataFrame, partners: pd.DataFrame, label: str, horizon: int) -> list:
    """(kind, sentence, figures) for one option; ``figures`` maps each quoted figure's name to its value."""
    arm = runs[(runs["option"] == label) & (runs["status"] == "ok")]
    n = len(arm)
    if not n:
        return []
    out = []
    endured = arm["endured"].astype(bool)
    p = float(endured.mean())
    out.append(("lasting", f"The coalition lasts all {horizon} months in {p:.0%} of draws.", {"p_endure": p}))
    ended = arm[~endured]
    if len(ended):
        causes = ended["cause"].value_counts()
        cause, share = str(causes.index[0]), float(causes.iloc[0] / n)
        median = float(ended["lifetime"].median())
        out.append(
            (
                "ending",
                f"When it ends sooner, it is most often because {ending_text(cause)} ({share:.0%} of draws); "
                f"half of the endings come by month {median:.0f}.",
                {"cause": cause, "p_cause": share, "median_end_month": median},
            )
        )
        months = ended["lifetime"].value_counts()
        month, count = int(months.index[0]), int(months.iloc[0])
        if count / n >= CLIFF_SHARE:
            cliff_cause = str(ended[ended["lifetime"] == month]["cause"].value_counts().index[0])
            past = arm[arm["lifetime"] > month]
            text = f"{count / n:.0%} of draws end at exactly month {month} ({ending_text(cliff_cause)})."
            figures = {"cliff_month": month, "p_cliff": count / n, "cliff_cause": cliff_cause}
            if len(past):
                p_past = float(past["endured"].astype(bool).mean())
                impact = float(past["total_impact"].astype(float).mean())
                text += (
                    f" Of the draws still together after month {month}, {p_past:.0%} last all {horizon} months, "
                    f"with a mean impact of {impact:.1f}."
                )
                figures.update(p_endure_after_cliff=p_past, impact_after_cliff=impact)
            out.append(("cliff", text, figures))
    out += _exit_wave(arm, member_exits(exits[exits["option"] == label]))
    out += _first_leaver(partners[partners["option"] == label] if len(partners) else partners)
    return out


def _exit_wave(arm: pd.DataFrame, exits: pd.DataFrame) -> list:
    cut = arm["backbone_cut_month"].astype(float) if "backbone_cut_month" in arm else pd.Series(dtype=float)
    if not len(exits) or not len(cut) or float((cut > 0).mean()) < 0.5:
        return []
    month = float(cut[cut > 0].median())
    after = exits[(exits["month"] >= month) & (exits["month"] < month + WAVE_MONTHS)]
    share = len(after) / len(exits)
    per_month_after = len(after) / WAVE_MONTHS
    before = exits[exits["month"] < month]
    per_month_before = len(before) / max(month - 1, 1)
    if per_month_after <= per_month_before:
        return []
    median = float(exits[exits["month"] >= month]["month"].median())
    return [
        (
            "exit_wave",
            f"Departures bunch after the backbone cut at month {month:.0f}: {share:.0%} of all departures come in "
            f"the {WAVE_MONTHS} months from it (median month of departures from the cut on: {median:.0f}).",
            {"cut_month": month, "p_exits_after_cut": share, "median_exit_after_cut": median},
        )
    ]


def _first_leaver(partners: pd.DataFrame) -> list:
    if not len(partners):
        return []
    likely = partners[partners["p_left"] >= FIRST_LEAVER_MIN].dropna(subset=["month_median"])
    if not len(likely):
        return []
    r = likely.sort_values(["month_median", "p_left"], ascending=[True, False]).iloc[0]
    main = r["causes"].split(",")[0].rsplit(" ", 1)[0] if r["causes"] else "for several reasons"
    return [
        (
            "first_leaver",
            f"{r['organization']} tends to leave first: it leaves in {r['p_left']:.0%} of draws, at a median "
            f"month of {r['month_median']:.0f}, most often: {main}.",
            {"organization": r["organization"], "p_left": float(r["p_left"]), "month_median": float(r["month_median"])},
        )
    ]


def narrative_table(result) -> pd.DataFrame:
    """Every option's story as a table: option, order, kind, sentence, figures (name=value; ...)."""
    rows = []
    for o in result.options:
        story = option_story(result.runs, result.exits, result.partners, o.label, result.settings["steps"])
        for k, (kind, sentence, figures) in enumerate(story):
            rows.append([o.label, k, kind, sentence, "; ".join(f"{n}={v}" for n, v in figures.items())])
    return pd.DataFrame(rows, columns=COLUMNS)
