"""Compiled passes of the environment's month (see :mod:`coalition_sim.model.environment`).

A month's shock and arrivals are a handful of scalar draws and small arrays; as numpy calls their
fixed cost is most of the work. Here each is one compiled call that draws from the model's
generator itself (:func:`coalition_sim.model.draws_kernels.generator`): the same draws, in the
same order, as the numpy form, the same arithmetic operation for operation (no fast-math), and
the generator left in the state numpy would leave it. Constants (DOMINANT_WEIGHT, SIZE_SIGMA,
VALUE_SIGMA) come in as arguments, so a changed constant takes effect. This module is imported
only when a month first runs.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coalition_sim.model.draws_kernels import generator


@njit(cache=True, nogil=True)
def shock(draws, shock_rate, dominant, needs, dominant_weight):
    """A skill shock with probability ``shock_rate``: return the new dominant role, or -1 for none.

    One draw u; no shock if u >= shock_rate (``needs`` untouched). Otherwise the role is drawn
    uniformly among the roles other than ``dominant`` (-1: none yet), as numpy's
    ``rng.choice(choices)`` draws it (one ``integers(0, len(choices))``), and ``needs`` becomes,
    in place, (1 - dominant_weight) / (n_roles - 1) for every role and dominant_weight for it.
    """
    g = generator(draws)
    if g.random() >= shock_rate:
        return -1
    n_roles = needs.size
    pick = g.integers(0, n_roles if dominant < 0 else n_roles - 1)
    role = pick if dominant < 0 or pick < dominant else pick + 1  # choices: the roles without dominant
    other = (1.0 - dominant_weight) / (n_roles - 1)
    for r in range(n_roles):
        needs[r] = other
    needs[role] = dominant_weight
    return role


@njit(cache=True, nogil=True)
def _draw_initiative(g, purpose, spread, needs, size, size_sigma, value_sigma, ideal, initiative_needs):
    """Draw one initiative from ``g`` into ``ideal`` and ``initiative_needs`` (zeros); return (required, value)."""
    noise = g.normal(0.0, spread, purpose.size)
    for d in range(purpose.size):
        x = purpose[d] + noise[d]
        if x < 0.0:
            x = 0.0
        if x > 1.0:
            x = 1.0
        ideal[d] = x
    uniform = g.random(needs.size)
    first, second = -1, -1
    best, runner_up = -np.inf, -np.inf
    for r in range(needs.size):
        key = uniform[r] ** (1.0 / needs[r])  # weighted draw without replacement: the two largest keys
        if key > best:
            second, runner_up = first, best
            first, best = r, key
        elif key > runner_up:
            second, runner_up = r, key
    initiative_needs[first] = 0.5
    initiative_needs[second] = 0.5
    required = size * g.lognormal(-(size_sigma**2) / 2, size_sigma)
    value = g.lognormal(-(value_sigma**2) / 2, value_sigma)
    return required, value


@njit(cache=True, nogil=True)
def one_initiative(draws, purpose, spread, needs, size, size_sigma, value_sigma):
    """One new initiative: return (ideal (dims,), required, initiative_needs (n_roles,), value).

    In this order: ideal = clip(purpose + N(0, spread)^dims, 0, 1); keys_r = U_r^(1 / needs_r) for
    each role r (U uniform on [0, 1)), and the two roles with the largest keys get 0.5 each (a draw
    of two roles without replacement, weighted by ``needs``); required = size ·
    LogNormal(-size_sigma² / 2, size_sigma); value = LogNormal(-value_sigma² / 2, value_sigma)
    (both of mean 1 around their scale).
    """
    ideal = np.empty(purpose.size)
    initiative_needs = np.zeros(needs.size)
    required, value = _draw_initiative(
        generator(draws), purpose, spread, needs, size, size_sigma, value_sigma, ideal, initiative_needs
    )
    return ideal, required, initiative_needs, value


@njit(cache=True, nogil=True)
def arrivals(draws, purpose, rate, spread, needs, size, size_sigma, value_sigma):
    """A month's new initiatives: return (ideal (k, dims), required (k,), initiative_needs (k, n_roles), value (k,)).

    k ~ Poisson(rate), then each initiative in turn drawn as :func:`one_initiative` draws it.
    """
    g = generator(draws)
    k = g.poisson(rate)
    ideal = np.empty((k, purpose.size))
    required = np.empty(k)
    initiative_needs = np.zeros((k, needs.size))
    value = np.empty(k)
    for i in range(k):
        required[i], value[i] = _draw_initiative(
            g, purpose, spread, needs, size, size_sigma, value_sigma, ideal[i], initiative_needs[i]
        )
    return ideal, required, initiative_needs, value
