"""Presets for the classroom: parameter sets that tell the source texts' stories.

Each :class:`Preset` carries the model keyword arguments, a two-sentence
caption the page shows, and ``story``: a check that the story visibly happened
in a finished run (used by the tests, which require it in most seeds, and by
``docs/trainers.md``). Parameters not named keep their defaults.

    >>> from coalition_sim import PRESETS, CoalitionModel
    >>> model = CoalitionModel(**PRESETS["backbone-cut"].params).run(120)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from coalition_sim.model.params import suggest, validate
from coalition_sim.util.errors import InputError

GRANT = {"backbone_cut_month": 36, "backbone_after_cut": 0.01, "impact_goal": 44.0}
"""What makes the calibrated defaults a Communities That Care coalition (docs/ODD.md §1.3): a
coordinator paid by a three-year start-up grant (a trace of support stays after it) and a purpose
that is achieved at 44 impact units. Everything else is the calibrated defaults."""


@dataclass(frozen=True)
class Preset:
    """A named parameter set with its story.

    Attributes:
        name: short id used by the page and ``coalition-sim animate --preset``.
        title: what the page's selector shows.
        caption: two sentences for the room.
        params: model keyword arguments (validated names), including ``seed``.
        story: ``story(model) -> bool``: did the story visibly happen in this finished run?
        months: how long the story takes to show.
        compare: (control, value) to open side by side with the right-hand run changed so, or None.
    """

    name: str
    title: str
    caption: str
    params: dict = field(default_factory=dict)
    story: Callable[[object], bool] = lambda model: True
    months: int = 120
    compare: tuple | None = None

    def model_params(self, **overrides) -> dict:
        """The model keyword arguments, with ``overrides`` (e.g. another seed) applied."""
        return {**self.params, **overrides}


def _series(model):
    return model.datacollector.get_model_vars_dataframe()


def silos_learn(model) -> bool:
    """Trust among members rises well above where it started, and the coalition lasts 5 years."""
    df = _series(model)
    return model.lifetime >= 60 and df.mean_trust.iloc[-1] >= df.mean_trust.iloc[0] + 0.15


def backbone_loss(model, cut: int = 36) -> bool:
    """The coalition holds until the cut, then dissolves or loses at least 40% of its members."""
    df = _series(model)
    if len(df) <= cut:
        return False
    at_cut = df.members.iloc[cut]
    return (model.cause is not None) or df.members.iloc[-1] <= 0.6 * at_cut


def gridlock(model) -> bool:
    """Membership doubles; then either at least one more decision is blocked every two months
    than while the coalition was at its starting size, or it dissolves because nothing is adopted."""
    series = _series(model)
    start, df = series.members.iloc[0], series.iloc[1:]
    small = df.blocked[df.members <= start + 1]
    large = df.blocked[df.members >= 2 * start]
    if len(large) == 0:
        return False
    more_blocked = len(small) >= 1 and len(large) >= 2 and large.mean() >= small.mean() + 0.5
    return bool(more_blocked or model.cause == "dormancy")


def adapts_after_crisis(model) -> bool:
    """A shock happens, organizations join after it, and initiatives still succeed in the year after."""
    shocks = [e.month for e in model.events if e.kind == "shock"]
    if not shocks or shocks[0] > model.lifetime - 12:
        return False
    first = shocks[0]
    df = _series(model)
    after = df.iloc[first + 1 : first + 25]
    return after.joins.sum() >= 3 and after.succeeded.sum() >= 3


def held_by_pull(model) -> bool:
    """It endures, grows mostly by joins (few exits), and ends with members from every sector."""
    from coalition_sim.model.population import CORE

    summary = model.summary()
    sectors = set(np.asarray(model.sector)[model.status == CORE].tolist())
    return (
        summary["endured"]
        and summary["joins"] >= 10
        and summary["exits"] <= summary["joins"] / 2
        and len(sectors) == model.params["n_sectors"]
    )


_ALL = (
    Preset(
        name="silos",
        title="Competing silos learn to work together",
        caption=(
            "Thirty organizations that barely trust each other start under an opt-in coordinator. "
            "Watch mean trust climb from near zero as they work side by side on initiatives they chose."
        ),
        params={
            "governance": "opt-in",
            "backbone_strength": 0.7,
            "initial_trust": 0.05,
            "alignment_spread": 0.25,
            "seed": 3,
        },
        story=silos_learn,
    ),
    Preset(
        name="backbone-cut",
        title="A coalition loses its backbone",
        caption=(
            "A well-supported coalition runs smoothly until its coordinator's grant ends at month 36. "
            "Watch members hold on for a while, then leave in a wave once nobody holds the work together."
        ),
        params={
            "governance": "opt-in",
            "backbone_strength": 0.9,
            "backbone_cut_month": 36,
            "backbone_after_cut": 0.0,
            "seed": 1,
        },
        story=backbone_loss,
        compare=("backbone_cut_month", 0),
    ),
    Preset(
        name="gridlock",
        title="Consensus gridlock as the coalition grows",
        caption=(
            "Five organizations decide everything by consensus, agree easily, and keep their doors open. "
            "As the coalition triples, every newcomer's objections must be met, initiatives are blocked "
            "month after month, and nothing gets done."
        ),
        params={
            "governance": "consensus",
            "n_orgs": 5,
            "network_ratio": 5.0,
            "entry_rate": 0.22,
            "alignment_spread": 0.18,
            "tolerance": 0.3,
            "influence_rate": 0.0,
            "deliberation_rounds": 1,
            "backbone_strength": 0.3,
            "patience": 30.0,
            "seed": 3,
        },
        story=gridlock,
        compare=("governance", "opt-in"),
    ),
    Preset(
        name="crisis",
        title="An opt-in coalition adapts after a crisis",
        caption=(
            "Crises keep changing which skills the work needs, and partners choose initiative by "
            "initiative whether to take part. Watch the shocks in the feed and who joins after them."
        ),
        params={"governance": "opt-in", "backbone_strength": 0.6, "shock_rate": 0.05, "network_ratio": 1.5, "seed": 2},
        story=adapts_after_crisis,
    ),
    Preset(
        name="pull",
        title="A multi-sector coalition held by pull, not push",
        caption=(
            "A small core from five sectors, a strong backbone and a wide network, with nobody forced "
            "to join. Watch organizations come in because the work is worth it, and stay."
        ),
        params={
            "governance": "opt-in",
            "backbone_strength": 0.8,
            "n_orgs": 15,
            "network_ratio": 2.0,
            "entry_rate": 0.1,
            "n_sectors": 5,
            "seed": 4,
        },
        story=held_by_pull,
    ),
    Preset(
        name="community_coalition",
        title="A community coalition after its start-up grant",
        caption=(
            "A prevention coalition whose coordinator is paid by a three-year start-up grant, calibrated "
            "against Communities That Care coalitions. Watch the grant end at month 36: most keep running; "
            "in the years after, some achieve their purpose and some fall dormant."
        ),
        params={"governance": "consensus", **GRANT, "seed": 0},
        story=lambda model: model.lifetime > 36,  # still running when the grant ends (docs/ODD.md, Calibration)
    ),
)

PRESETS: MappingProxyType[str, Preset] = MappingProxyType({p.name: p for p in _ALL})
"""Every preset by name, in the order the page lists them."""

for _p in _ALL:  # fail at import, not in the classroom, if a preset names a bad parameter
    validate({k: v for k, v in _p.params.items() if k != "seed"})


def get_preset(name: str) -> Preset:
    """The preset called ``name``.

    Raises:
        InputError: naming the allowed presets (with a did-you-mean).
    """
    if name not in PRESETS:
        raise InputError(f"--preset {name!r} is unknown{suggest(name, PRESETS)}: allowed {', '.join(PRESETS)}")
    return PRESETS[name]
