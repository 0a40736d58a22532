"""The story caption, following the controls.

A preset's caption tells its story for the preset's own settings. Once a
trainer changes a control, that story may no longer be what the room sees (set
a coordinator-led story to consensus and the caption would still speak of the
coordinator), so the page shows :func:`caption` instead: the preset's caption
while the run uses the preset's settings, otherwise a plain description of the
settings actually running.
"""

from __future__ import annotations

from coalition_sim.model.params import defaults

RULE_PHRASES = {
    "consensus": "decide everything by consensus (any member can block)",
    "opt-in": "work under an opt-in coordinator (each drafts a blueprint; partners choose whether to join)",
    "majority": "decide by majority vote",
    "unanimity": "decide by unanimity (every member must say yes)",
}
"""How the caption names a governance rule; a rule not listed is named as it is."""


def rule_phrase(rule: str) -> str:
    """What organizations do under ``rule``, in words."""
    return RULE_PHRASES.get(rule, f"decide under the {rule!r} rule")


def describe_settings(params: dict) -> str:
    """Two sentences on the settings of a run: who, how they decide, what support they have."""
    params = {**defaults(), **params}
    n = params["n_orgs"]
    rule = rule_phrase(str(params.get("governance", "consensus")))
    strength = float(params["backbone_strength"])
    cut = int(params.get("backbone_cut_month", 0) or 0)
    if strength <= 0:
        support = "No backbone supports them"
    else:
        support = f"A backbone of strength {strength:.2f} supports them"
        support += f" until month {cut}" if cut > 0 else " throughout"
    trust = float(params["initial_trust"])
    return f"{n} organizations, starting at trust {trust:.2f}, {rule}. {support}."


def caption(preset_caption: str, preset_params: dict, run_params: dict) -> str:
    """The preset's caption if the run uses its settings, else a description of the run's settings.

    Args:
        preset_caption: the preset's two sentences.
        preset_params: the settings the preset starts with (every control's value included).
        run_params: the settings of the run on screen.
    """
    if same_settings(preset_params, run_params):
        return preset_caption
    return "Your settings: " + describe_settings(run_params)


def same_settings(a: dict, b: dict) -> bool:
    """Whether two sets of model keyword arguments agree (numbers within 1e-9)."""
    if set(a) != set(b):
        return False
    return all(_equal(a[k], b[k]) for k in a)


def _equal(x, y) -> bool:
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return abs(float(x) - float(y)) <= 1e-9
    return x == y
