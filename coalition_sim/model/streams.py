"""Random streams: one generator per process, so that arms can share their chance.

Every run's seed is split with ``numpy.random.SeedSequence(seed).spawn`` into
three independent streams:

* ``population``: who the organizations are (drawn once, at the start);
* ``environment``: which initiatives arrive, when, and the skill shocks;
* ``behaviour``: everything the organizations and the rule do (drafting noise,
  invitations, success draws, turnover, joining, pairings). ``model.rng`` is this one.

The environment stream draws the same numbers every month whatever the
coalition decides, so two governance rules run on one seed face exactly the same
initiatives and shocks (common random numbers; Law 2015, ch. 11). Only their
behaviour differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STREAMS = ("population", "environment", "behaviour")
"""The streams, in the order they are spawned (the order fixes the numbers)."""


@dataclass(frozen=True)
class Streams:
    """The run's generators, one per process."""

    population: np.random.Generator
    environment: np.random.Generator
    behaviour: np.random.Generator


def root_entropy(seed, fallback: np.random.Generator) -> int:
    """The integer the streams grow from: ``seed`` itself, or a draw when there is none.

    Args:
        seed: the run's seed (a non-negative integer), or None for a fresh run.
        fallback: a generator to draw a root from when ``seed`` is not an integer.
    """
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    if isinstance(seed, float) and seed.is_integer() and seed >= 0:
        return int(seed)
    return int(fallback.integers(0, 2**63 - 1))


def spawn_streams(seed, fallback: np.random.Generator) -> Streams:
    """Split ``seed`` into independent population, environment and behaviour generators."""
    children = np.random.SeedSequence(root_entropy(seed, fallback)).spawn(len(STREAMS))
    return Streams(*(np.random.default_rng(child) for child in children))
