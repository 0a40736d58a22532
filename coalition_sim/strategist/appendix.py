"""Every input shown: each setting the runs used, and what each option means over time.

The appendix lists, for every number the scenario holds, whether the
strategist gave it, left it uncertain (with its range) or left it out (the
default was used); then every other model parameter with the value the runs
used (the model's default unless the scenario's [model] table set it); then
what the options set (the rule, the backbone strength, scheduled events).
"""

from __future__ import annotations

import pandas as pd

from coalition_sim.model.governance.phased import parse as parse_phased
from coalition_sim.model.params import PARAMETERS
from coalition_sim.strategist.scenario import Scenario
from coalition_sim.strategist.scenario_file import display_path
from coalition_sim.strategist.uncertain import Uncertain

GIVEN, UNCERTAIN, DEFAULT, MODEL_DEFAULT, BY_OPTION = (
    "given",
    "uncertain",
    "default (not in the file)",
    "model default",
    "set by each option",
)
REPLACED = "not used: each organization's own value"
COLUMNS = ["setting", "label", "kind", "value"]
POPULATION_PARAMS = (
    "network_ratio",
    "n_sectors",
    "capacity_inequality",
    "alignment_spread",
    "tolerance",
    "initial_energy",
    "patience",
)
"""Model parameters that only shape a generated population; a scenario's organizations replace them."""


def short(u: Uncertain) -> str:
    """A compact range: '0.9', '0.03-0.1', '24/36', 'about 0.5'."""
    a = u.args
    if u.fixed:
        return f"{a[0]:g}"
    if u.dist == "choice":
        return "/".join(f"{v:g}" for v in a[0])
    if u.dist == "normal":
        return f"about {a[0]:g}"
    return f"{a[0]:g}-{a[-1]:g}"


def governance_text(name: str) -> str:
    """'consensus-for-36-then-opt-in' -> 'consensus for the first 36 months, then opt-in'."""
    parts = parse_phased(name)
    if parts is None:
        return name
    first, months, then = parts
    return f"{first} for the first {months} months, then {governance_text(then)}"


def backbone_text(strength: float | None, scenario: Scenario) -> str:
    """The backbone over time, e.g. 'backbone 0.9 until month 36, then 0.03-0.1'."""
    own = scenario.input("backbone.strength")
    level = f"{strength:g}" if strength is not None else (short(own.value) if own else "?")
    cut, after = scenario.input("backbone.cut_month"), scenario.input("backbone.after_cut")
    if cut is None or (cut.value.fixed and cut.value.args[0] == 0):
        return f"backbone {level} throughout"
    then = short(after.value) if after else "0"
    u = cut.value
    if u.dist == "choice" and 0 in u.args[0]:
        months = [(v, w) for v, w in zip(*u.args) if v]
        p_cut = sum(w for _, w in months)
        when = "/".join(f"{v:g}" for v, _ in months)
        otherwise = f"cut in {p_cut:.0%} of draws; otherwise {level} throughout"
        return f"backbone {level} until month {when}, then {then} ({otherwise})"
    return f"backbone {level} until month {short(u)}, then {then}"


def option_meaning(option, scenario: Scenario) -> str:
    """What an option means over time: rule (and its schedule), backbone schedule, scheduled events."""
    text = f"{governance_text(option.governance)}; {backbone_text(option.backbone, scenario)}"
    return text + "".join(f"; {i.text()}" for i in option.interventions)


def appendix_table(scenario: Scenario, options, draws=None) -> pd.DataFrame:
    """Every setting of the runs: the scenario's inputs, the other model parameters, the options'.

    Args:
        scenario: the scenario compared on.
        options: the options (their rule, backbone and events are listed as set by each option).
        draws: the draws made (unused for now; the values of uncertain inputs are in ``inputs.csv``).
    """
    rows = []
    for i in scenario.inputs:
        kind = UNCERTAIN if not i.value.fixed else GIVEN if i.given else DEFAULT
        value = i.value.describe() if not i.value.fixed else short(i.value)
        if i.path == "backbone.strength" and options and all(o.backbone is not None for o in options):
            kind += "; not used: each option sets its own strength"
        rows.append([shown_path(i.path), i.label, kind, value])
    rows.append(["scenario.horizon", "months simulated", GIVEN, f"{scenario.horizon}"])
    rows.append(["scenario.goal_dims", "dimensions of the goal space", GIVEN, f"{scenario.goal_dims}"])
    set_by_scenario = set(_scenario_params(scenario))
    for name, p in PARAMETERS.items():
        if name in set_by_scenario:
            continue
        if name in POPULATION_PARAMS:
            rows.append([name, p.reason.split(".")[0] if p.reason else name, REPLACED, "-"])
            continue
        if name == "governance":
            rows.append([name, "decision rule", BY_OPTION, "; ".join(governance_text(o.governance) for o in options)])
            continue
        value = scenario.fixed_params.get(name, p.default)
        kind = GIVEN if name in scenario.fixed_params else MODEL_DEFAULT
        rows.append([name, p.reason.split(".")[0] if p.reason else name, kind, f"{value}" if value != "" else "none"])
    if any(o.backbone is not None for o in options):
        rows.append(
            [
                "backbone_strength (options)",
                "backbone strength before any cut",
                BY_OPTION,
                "; ".join("scenario's" if o.backbone is None else f"{o.backbone:g}" for o in options),
            ]
        )
    events = [f"{o.label}" for o in options if o.interventions]
    if events:
        rows.append(["interventions", "scheduled departures and arrivals", BY_OPTION, "; ".join(events)])
    return pd.DataFrame(rows, columns=COLUMNS)


def shown_path(path: str) -> str:
    """The path as people count the file's blocks (from 1): ``organizations[0].capacity`` -> ``[1]``."""
    return display_path(path, {})


def _scenario_params(scenario: Scenario) -> list[str]:
    """Model parameters the scenario sets through its own tables (listed under their scenario paths)."""
    from coalition_sim.strategist.scenario import SECTION_PARAMS

    names = [name for mapping in SECTION_PARAMS.values() for name in mapping.values()]
    names += [i.path[len("model.") :] for i in scenario.inputs if i.path.startswith("model.")]
    return names + ["n_orgs", "goal_dims", "initial_trust"]
