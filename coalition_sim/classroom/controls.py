"""The page's controls: which model settings a trainer can change, and their widgets.

Each control shows its current value beside its name (readable from the back
of the room, not only while dragging). The rest of a preset's parameters are
passed to the model unchanged.
"""

from __future__ import annotations

import solara

from coalition_sim.model.governance import rule_names
from coalition_sim.model.params import PARAMETERS

MAX_ORGS = 300
"""Largest coalition the page offers (the model allows more; the page stays responsive)."""

CONTROLS = {
    # name: (widget, label, min, max, step)
    "governance": ("Select", "Governance rule", None, None, None),
    "backbone_strength": ("SliderFloat", "Backbone strength", 0.0, 1.0, 0.01),
    "backbone_cut_month": ("SliderInt", "Backbone cut at month (0 = never)", 0, 120, 1),
    "n_orgs": ("SliderInt", "Organizations in the core", 1, MAX_ORGS, 1),
    "initial_trust": ("SliderFloat", "Initial trust", 0.0, 1.0, 0.01),
    "alignment_spread": ("SliderFloat", "Alignment spread", 0.0, 0.5, 0.005),
    "capacity_inequality": ("SliderFloat", "Capacity inequality", 0.0, 2.5, 0.1),
    "transaction_cost": ("SliderFloat", "Transaction cost", 0.0, 1.0, 0.005),
    "shock_rate": ("SliderFloat", "Shock rate (per month)", 0.0, 0.5, 0.005),
    "turnover_rate": ("SliderFloat", "Staff turnover (per member per month)", 0.0, 0.3, 0.005),
    "seed": ("SliderInt", "Seed", 0, 999, 1),
}
"""The page's controls; the rest of a preset's parameters are passed through fixed. Every
default and preset value must lie on its control's step: a browser slider snaps to the step,
so an off-step value would change the settings at the next Reset."""


def start_settings(preset_params: dict) -> dict:
    """Every control's starting value for a preset, with the preset's other parameters."""
    settings = dict(preset_params)
    for name in CONTROLS:
        settings.setdefault(name, 0 if name == "seed" else PARAMETERS[name].default)
    return settings


def label(name: str) -> str:
    """A control's label."""
    return CONTROLS[name][1]


def shown(name: str, value) -> str:
    """A control's value as the page shows it."""
    widget, _, _, _, step = CONTROLS[name]
    if widget == "SliderFloat":
        decimals = max(0, len(f"{step:g}".split(".")[-1]) if "." in f"{step:g}" else 0)
        return f"{float(value):.{decimals}f}"
    return str(value)


@solara.component
def Control(name: str, value, on_value, suffix: str = ""):
    """One control: its label with the current value, then the widget (CSS class ``control-<name><suffix>``)."""
    widget, text, low, high, step = CONTROLS[name]
    with solara.Column(gap="0px", classes=["control"]):
        if widget == "Select":
            solara.Select(
                f"{text} (on the right)" if suffix else text, value=value, values=rule_names(), on_value=on_value
            )
            return
        solara.Text(f"{text}: {shown(name, value)}", classes=["control-label"])
        cast = float if widget == "SliderFloat" else int
        solara.v.Slider(
            v_model=value,
            min=low,
            max=high,
            step=step,
            hide_details=True,
            class_=f"control-{name}{suffix}",
            on_v_model=lambda new: on_value(cast(new)),
        )
