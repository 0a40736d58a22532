"""The model's parameter space: every parameter's default, range, unit and reason.

This table is the single source of truth: ``CoalitionModel`` validates its keyword
arguments against it, the CLI builds its flags from it, the study runner refuses
unknown names with a "did you mean", and ``docs/ODD.md`` lists it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coalition_sim.util.errors import InputError, suggest

BACKBONE_EFFECTS = (
    "vision",
    "roles",
    "measurement",
    "public_will",
    "transaction_costs",
    "morale",
)
"""The six backbone functions, each switchable alone: four of Turner et al.'s (2012) six
backbone activities (vision and strategy, aligned activities, shared measurement, public
will) and two from seed 003 (lowering transaction costs, p.8; sustaining morale, p.10)."""


@dataclass(frozen=True)
class Param:
    """One model parameter.

    Attributes:
        name: keyword argument name of ``CoalitionModel``.
        default: value used when the caller gives none.
        kind: ``int``, ``float``, ``choice`` or ``effects``.
        low: smallest allowed value (numbers).
        high: largest allowed value (numbers).
        unit: unit of measurement, for the ODD table.
        reason: one line on why the default and range are what they are.
    """

    name: str
    default: Any
    kind: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    reason: str = ""

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind == "choice":
            from coalition_sim.model.governance import rule_names

            return "one of " + ", ".join(repr(n) for n in rule_names())
        if self.kind == "effects":
            return "a comma-separated subset of " + ", ".join(BACKBONE_EFFECTS)
        high = "inf" if self.high == math.inf else f"{self.high:g}"
        kind = "an integer" if self.kind == "int" else "a number"
        return f"{kind} with {self.low:g} <= {self.name} <= {high}"


_P = Param
# fmt: off
PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        # --- population ---------------------------------------------------
        _P("n_orgs", 30, "int", 1, 5000, "organizations",
           "Initial core members; 30 is a typical regional coalition, 5000 bounds memory."),
        _P("network_ratio", 1.0, "float", 0, 5, "x core size",
           "Wider-network organizations per core member (seed 003 p.5: core plus network)."),
        _P("n_sectors", 5, "int", 1, 5, "sectors",
           "Sectors present: nonprofit, business, government, academia, community (seed 002)."),
        _P("capacity_inequality", 0.8, "float", 0, 2.5, "lognormal sigma",
           "Heavy-tailed capacity: sigma 0.8 gives the top 10% about a third of capacity (seed 001)."),
        _P("goal_dims", 2, "int", 1, 3, "dimensions",
           "Dimensions of the goal space; 2 keeps it drawable and non-trivial."),
        _P("alignment_spread", 0.155, "float", 0, 0.5, "goal-space units",
           "Std of positions around the shared purpose; 0 = fully aligned (seed 000: why). Calibrated."),
        _P("tolerance", 0.39, "float", 0.01, 1.5, "goal-space units",
           "Mean distance a blueprint may lie from an organization before it objects. Calibrated."),
        _P("initial_trust", 0.44, "float", 0, 1, "probability-like",
           "Starting trust among core members; about 1/3 = acquainted, not yet partners (seed 000). Calibrated."),
        _P("initial_energy", 0.8, "float", 0.05, 1, "fraction",
           "Starting morale; below 1 so that early costs bite."),
        _P("patience", 23.0, "float", 1, 120, "months",
           "Mean poor months in a row an organization tolerates before leaving (seed 000). Calibrated."),
        # --- backbone -----------------------------------------------------
        _P("backbone_strength", 0.63, "float", 0, 1, "fraction of full support",
           "The main lever: 0 = no backbone, 1 = fully staffed coordinator; the default is calibrated."),
        _P("backbone_cut_month", 0, "int", 0, 10000, "month",
           "Month at which support drops to backbone_after_cut (0 = never), e.g. a grant ending."),
        _P("backbone_after_cut", 0.0, "float", 0, 1, "fraction of full support",
           "Support left after the cut; 0 = the backbone disappears."),
        _P("disabled_effects", "", "effects", unit="names",
           reason="Backbone functions switched off for experiments; empty = all six on."),
        # --- governance ---------------------------------------------------
        _P("governance", "consensus", "choice", unit="rule",
           reason="Decision rule: consensus, unanimity, majority, opt-in, or any registered rule."),
        _P("stand_aside_band", 0.27, "float", 0, 3, "x acceptance",
           "Consensus: a member stands aside (attends, does not work) up to (1 + band) x its acceptance, and "
           "blocks beyond; 0 = no standing aside (Butler & Rothstein 1987; IETF RFC 7282). Calibrated."),
        _P("trust_widening", 0.55, "float", 0, 3, "per unit of trust",
           "Consensus: acceptance widens by this times a member's mean trust above the baseline "
           "(Ansell & Gash 2008); 0 = fixed tolerance. Calibrated."),
        _P("fallback_months", 0, "int", 0, 24, "months",
           "Consensus: after this many blocked months an initiative is decided by majority "
           "(Susskind et al. 1999); 0 = no fallback."),
        _P("deliberation_rounds", 3, "int", 1, 20, "rounds per month",
           "Meeting rounds a draft gets per month before it is blocked for that month."),
        # --- initiatives and environment ----------------------------------
        _P("initiative_rate", 0.56, "float", 0, 10, "per month",
           "Mean new initiatives per month (Poisson). Calibrated: about 7 a year."),
        _P("initiative_size", 3.2, "float", 0.1, 100, "capacity units",
           "Mean capacity an initiative needs; 3.2 = about three average organizations. Calibrated."),
        _P("initiative_window", 3, "int", 1, 24, "months",
           "Months an initiative waits for a decision before it lapses."),
        _P("initiative_spread", 0.2, "float", 0, 1, "goal-space units",
           "Std of initiatives' ideal positions around the shared purpose."),
        _P("shock_rate", 0.025, "float", 0, 1, "per month",
           "Chance per month that the needed skill mix shifts (seed 003 p.6); 0.025 = every 40 months. Calibrated."),
        # --- relationships and costs --------------------------------------
        _P("transaction_cost", 0.045, "float", 0, 1, "value units per round",
           "Cost to each attendee of one meeting round (seed 003 p.8). Calibrated."),
        _P("trust_gain", 0.1, "float", 0, 1, "per joint month",
           "Fraction of the gap to full trust closed by working together one month."),
        _P("trust_decay", 0.01, "float", 0, 1, "per month",
           "Fraction of the gap to the baseline that every tie loses each month (work and meetings rebuild it)."),
        _P("trust_baseline", 0.3, "float", 0, 1, "probability-like",
           "Trust level that unused relationships drift back to."),
        _P("influence_threshold", 0.25, "float", 0, 2, "goal-space units",
           "Bounded-confidence threshold d: co-workers closer than d influence each other."),
        _P("influence_rate", 0.3, "float", 0, 0.5, "fraction",
           "Convergence parameter mu of Deffuant et al. (2000)."),
        _P("turnover_rate", 0.065, "float", 0, 1, "per member per month",
           "Chance a member's representative moves on (0.065: more than half of them each year); "
           "the newcomer starts from its organization's own agenda. Calibrated."),
        # --- membership and endurance --------------------------------------
        _P("entry_rate", 0.1, "float", 0, 1, "per month",
           "Base monthly chance that a network organization joins: times its pull and (0.5 + public will), "
           "capped at 1. Calibrated."),
        _P("boundary_alignment", 0.0, "float", 0, 1, "alignment",
           "Minimum alignment a newcomer must have to join (seed 000: boundaries); 0 = open door."),
        _P("min_members", 3, "int", 1, 100, "organizations",
           "Fewer core members than this and the coalition has collapsed."),
        _P("dormancy_limit", 8, "int", 1, 240, "months",
           "Months with work pending and none adopted after which the coalition is dormant. Calibrated."),
        _P("impact_goal", 0.0, "float", 0, math.inf, "impact units",
           "Cumulative impact at which the purpose is achieved and the coalition closes; 0 = none."),
    ]
}
# fmt: on


LOOP_SCALARS = (
    "deliberation_rounds",
    "transaction_cost",
    "trust_gain",
    "trust_decay",
    "trust_baseline",
    "influence_threshold",
    "influence_rate",
    "turnover_rate",
    "entry_rate",
    "boundary_alignment",
    "min_members",
    "dormancy_limit",
    "impact_goal",
)
"""Parameters the monthly loop reads as attributes (the rest live in ``model.params``)."""


def defaults() -> dict[str, Any]:
    """All parameters at their defaults."""
    return {name: p.default for name, p in PARAMETERS.items()}


def check_name(name: str) -> Param:
    """Return the spec of ``name`` or raise ValueError with a suggestion."""
    if name not in PARAMETERS:
        raise InputError(f"unknown parameter '{name}'{suggest(name, PARAMETERS)}")
    return PARAMETERS[name]


def parse_effects(value: Any) -> tuple[str, ...]:
    """Turn ``"vision, morale"`` or a sequence into a tuple of effect names."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    names = tuple(str(i).strip() for i in items if str(i).strip())
    for n in names:
        if n not in BACKBONE_EFFECTS:
            raise InputError(
                f"disabled_effects: unknown effect '{n}'{suggest(n, BACKBONE_EFFECTS)}; "
                f"allowed: {', '.join(BACKBONE_EFFECTS)}"
            )
    return names


def check_value(name: str, value: Any) -> Any:
    """Validate one parameter value and return it in its canonical type.

    Raises:
        ValueError: naming the parameter and what is allowed.
    """
    p = check_name(name)
    if p.kind == "effects":
        return ",".join(parse_effects(value))
    if p.kind == "choice":
        from coalition_sim.model.governance import rule_names
        from coalition_sim.model.governance.phased import ensure_registered

        if not isinstance(value, str) or not ensure_registered(value):
            hint = suggest(str(value), rule_names())
            raise InputError(f"{name}={value!r} is not allowed{hint}: {p.allowed()}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{name}={value!r} is not a number: allowed {p.allowed()}")
    if p.kind == "int":
        if float(value) != int(value):
            raise InputError(f"{name}={value!r} is not an integer: allowed {p.allowed()}")
        value = int(value)
    if not math.isfinite(value) and not (value == math.inf and p.high == math.inf):
        raise InputError(f"{name}={value!r} is not finite: allowed {p.allowed()}")
    if not (p.low <= value <= p.high):
        raise InputError(f"{name}={value!r} is out of range: allowed {p.allowed()}")
    return float(value) if p.kind == "float" else value


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a mapping of parameter values; unknown names are refused."""
    return {name: check_value(name, v) for name, v in values.items()}
