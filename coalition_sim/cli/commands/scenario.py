"""``coalition-sim scenario``: write a commented template, or check a scenario file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Write a commented scenario template (scenario template > my.toml) or check a file (scenario check FILE)."

TEMPLATE = """\
# A coalition scenario for `coalition-sim compare`.
# Fill it in, then:  coalition-sim scenario check my.toml
#                    coalition-sim compare my.toml --options consensus,opt-in --backbone 0.2,0.6 --out report/
#
# Any number may be uncertain ("we are not sure"):
#   capacity = 1.5                                      a number
#   capacity = [1.0, 2.0]                               anywhere between 1.0 and 2.0 (uniform)
#   capacity = {low = 1.0, high = 2.0}                  the same
#   capacity = {dist = "normal", mean = 1.5, sd = 0.3}  around 1.5 (kept inside the allowed range)
#   capacity = {dist = "triangular", low = 1, mode = 1.5, high = 3}
#   capacity = {dist = "loguniform", low = 0.5, high = 4}
#   cut_month = {dist = "choice", values = [0, 36], weights = [1, 2]}
# Each replication of a comparison draws every uncertain number once.

[scenario]
name = "My coalition"
description = "What it is for, in one sentence."
horizon = 120            # months to simulate (a whole number)
goal_dims = 2            # dimensions of the goal space (1-3); alignment below is measured in it

# --- core members: one block per organization --------------------------------------------
# sector:     nonprofit, business, government, academia or community
# capacity:   what it can put in per month; 1 = a typical partner (must be > 0)
# alignment:  closeness to the shared purpose, 1 = fully aligned, 0.8 = close, 0.5 = far,
#             0 = the farthest possible (or give position = [x, y], each in [0, 1]; purpose = [0.5, 0.5])
# tolerance:  how far a plan may be from its own view before it objects (0.01-1.5; default ${tolerance})
# patience:   poor months in a row it tolerates before leaving (1-120)
# energy:     morale at the start (0.05-1)
# skills:     0-1 per role: research, communications, policy, service, legal, convening
#             (roles left out take the sector's typical profile)
[[organizations]]
name = "First Partner"
sector = "nonprofit"
capacity = 1.0
alignment = 0.8
tolerance = 0.3
patience = 12
skills = { policy = 0.8, communications = 0.6 }

[[organizations]]
name = "Second Partner"
sector = "government"
capacity = [1.0, 2.0]          # not sure: between 1 and 2
alignment = 0.6
tolerance = 0.25
patience = 18

[[organizations]]
name = "Third Partner"
sector = "community"
capacity = 0.5
alignment = {dist = "triangular", low = 0.6, mode = 0.8, high = 0.9}
tolerance = 0.35
patience = 8

# --- the wider network: organizations that could join (same fields) ---------------------
[[network]]
name = "Possible Ally"
sector = "academia"
capacity = 0.8
alignment = 0.7

# --- trust -------------------------------------------------------------------------------
[trust]
default = 0.4            # between members you say nothing about (0 = none, 1 = full)
network = 0.2            # between the wider network and everyone (default: half of default)
backbone = 0.4           # each organization's trust in the backbone (default: same as default)
pairs = [
  { between = ["First Partner", "Third Partner"], value = 0.8 },       # both ways
  { from = "Second Partner", to = "First Partner", value = [0.1, 0.3] }, # one way
]

# --- the backbone (coordinating organization) as it is today -----------------------------
[backbone]
strength = 0.5           # 0 = none, 1 = fully staffed; compare --backbone overrides it
cut_month = 0            # month its funding is cut (0 = never)
after_cut = 0.0          # strength left after the cut

# --- the initiatives the coalition expects -----------------------------------------------
[initiatives]
rate = ${initiative_rate}  # new initiatives per month (the calibrated default)
size = ${initiative_size}  # capacity an initiative needs (3 = three typical partners; the default)
spread = 0.2             # how far initiatives' ideal plans lie from the shared purpose
window = 3               # months an initiative waits for a decision before it lapses
shock_rate = ${shock_rate}  # chance per month that the skills needed shift (a crisis)

# --- any other model parameter, by name (see docs/ODD.md); optional ----------------------
[model]
transaction_cost = ${transaction_cost}  # cost of one meeting round to each attendee
turnover_rate = ${turnover_rate}  # chance per month that a member's representative moves on (staff turnover)
min_members = 3          # fewer members than this and the coalition has collapsed
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Subcommands: template, check FILE."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    template = sub.add_parser("template", help="print a commented template (redirect it to a file)")
    template.add_argument("--out", type=Path, default=None, help="write to this file instead of stdout")
    check = sub.add_parser("check", help="validate a scenario file and describe what it says")
    check.add_argument("file", type=Path, help="the scenario file (TOML)")


def template() -> str:
    """The template, with the model's current defaults filled in."""
    from string import Template

    from coalition_sim.model.params import defaults

    return Template(TEMPLATE).substitute(defaults())


def main(args: argparse.Namespace) -> int:
    """Write the template, or check a file and print what it describes."""
    if args.action == "template":
        if args.out is None:
            sys.stdout.write(template())
        else:
            from coalition_sim.util.output import check_output_file
            from coalition_sim.util.safe_write import atomic_file

            check_output_file(args.out)
            with atomic_file(args.out) as handle:
                handle.write(template())
            print(f"Wrote {args.out}")
        return 0
    from coalition_sim.strategist.scenario_file import load_scenario

    print(describe(load_scenario(args.file)))
    return 0


def describe(scenario) -> str:
    """A short plain-language account of a valid scenario."""
    lines = [
        f"{scenario.path}: OK - {scenario.name}",
        f"  {len(scenario.members)} members, {len(scenario.network)} in the wider network, "
        f"{len(scenario.pairs)} known trust pairs, horizon {scenario.horizon} months",
    ]
    uncertain = scenario.uncertain()
    lines.append(f"  {len(uncertain)} uncertain values" + (":" if uncertain else " (everything is known)"))
    lines += [f"    {u.label}: {u.value.describe()}" for u in uncertain]
    return "\n".join(lines)
