"""Energy (morale) in [0, 1]: spent by work and meetings, restored by rest and
recognition, protected by mediation after setbacks (seed 003 p.10).

The backbone's morale effect m scales recognition and rest up and the sting of
failure down. An organization whose energy reaches 0 burns out and leaves.
"""

from __future__ import annotations

import numpy as np

WORK_ENERGY = 0.08
"""Energy spent per unit of effort on an initiative."""
MEETING_ENERGY = 0.01
"""Energy spent per meeting round attended (before transaction-cost relief)."""
REST = 0.02
"""Energy restored per month with no backbone."""
REST_BOOST = 1.0
"""Extra rest at full morale support (rest * (1 + REST_BOOST * m))."""
RECOGNITION = 0.03
"""Energy gained by a successful team with no backbone (times 1 + m)."""
SETBACK = 0.12
"""Energy lost by a failed team with no backbone (times 1 - m / 2)."""


def spend(energy: np.ndarray, who: np.ndarray, amount) -> None:
    """Subtract ``amount`` (scalar or per-organization) from ``who``, in place."""
    if who.size:
        energy[who] = np.maximum(energy[who] - amount, 0.0)


def restore(energy: np.ndarray, who: np.ndarray, amount) -> None:
    """Add ``amount`` to ``who``, capped at 1, in place."""
    if who.size:
        energy[who] = np.minimum(energy[who] + amount, 1.0)


def rest(energy: np.ndarray, active: np.ndarray, morale: float) -> None:
    """Monthly recovery of every active organization."""
    restore(energy, active, REST * (1.0 + REST_BOOST * morale))


def after_success(energy: np.ndarray, team: np.ndarray, morale: float) -> None:
    """Recognition for a successful team."""
    restore(energy, team, RECOGNITION * (1.0 + morale))


def after_failure(energy: np.ndarray, team: np.ndarray, morale: float) -> None:
    """The sting of a setback, softened by mediation."""
    spend(energy, team, SETBACK * (1.0 - 0.5 * morale))
