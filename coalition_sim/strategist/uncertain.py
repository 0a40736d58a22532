"""Uncertain numbers: a value that may be a number, a range or a distribution.

A strategist who is not sure of a figure says so with a range ``[low, high]`` or a
table such as ``{dist = "normal", mean = .., sd = ..}``; each draw of the scenario
draws every such number once. :class:`Field` says what values a field allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Field:
    """What a numeric field allows: ``low <= x <= high`` (``low < x`` if open)."""

    low: float
    high: float
    integer: bool = False
    low_open: bool = False

    def contains(self, x: float) -> bool:
        """True if ``x`` is allowed."""
        above = x > self.low if self.low_open else x >= self.low
        return above and x <= self.high and (not self.integer or float(x).is_integer())

    def allowed(self) -> str:
        """Plain description, e.g. 'a number > 0 and <= 100'."""
        kind = "a whole number" if self.integer else "a number"
        low = f"> {self.low:g}" if self.low_open else f">= {self.low:g}"
        high = "" if self.high == math.inf else f" and <= {self.high:g}"
        return f"{kind} {low}{high}"


DIST_KEYS = {
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "loguniform": ("low", "high"),
    "choice": ("values", "weights"),
}
"""Distribution tables and their keys (choice's weights are optional)."""
UNCERTAIN_HELP = 'a number, a range [low, high], or a table such as {dist="normal", mean=.., sd=..}'
TRUNCATION_TRIES = 100
"""Redraws of a normal value outside its field before it is clipped."""


@dataclass(frozen=True)
class Uncertain:
    """A number that may be uncertain: fixed, or drawn from a distribution.

    Attributes:
        dist: 'fixed', 'uniform', 'normal', 'triangular', 'loguniform' or 'choice'.
        args: the distribution's parameters (value for fixed).
        field: the allowed values; draws are kept inside it.
    """

    dist: str
    args: tuple
    field: Field

    @property
    def fixed(self) -> bool:
        """True when there is nothing to draw."""
        return self.dist == "fixed"

    def draw(self, rng: np.random.Generator) -> float:
        """One value (consumes no randomness when fixed)."""
        if self.fixed:
            return self.args[0]
        x = self._raw(rng)
        if self.dist == "normal":
            for _ in range(TRUNCATION_TRIES):
                if self.field.contains(round(x) if self.field.integer else x):
                    break
                x = self._raw(rng)
        if self.field.integer:
            x = round(x)
        return (
            float(min(max(x, self.field.low), self.field.high))
            if not self.field.integer
            else int(min(max(x, math.ceil(self.field.low)), self.field.high))
        )

    def _raw(self, rng: np.random.Generator) -> float:
        a = self.args
        if self.dist == "uniform":
            if self.field.integer:
                return float(rng.integers(math.ceil(a[0]), math.floor(a[1]) + 1))
            return float(rng.uniform(a[0], a[1]))
        if self.dist == "normal":
            return float(rng.normal(a[0], a[1]))
        if self.dist == "triangular":
            return float(rng.triangular(*a)) if a[0] < a[2] else float(a[0])
        if self.dist == "loguniform":
            return float(math.exp(rng.uniform(math.log(a[0]), math.log(a[1]))))
        values, weights = a
        return float(values[int(rng.choice(len(values), p=weights))])

    def describe(self) -> str:
        """Plain language, e.g. 'between 0.2 and 0.5'."""
        a = self.args
        return {
            "fixed": lambda: f"{a[0]:g}",
            "uniform": lambda: f"between {a[0]:g} and {a[1]:g}",
            "normal": lambda: f"about {a[0]:g} (sd {a[1]:g})",
            "triangular": lambda: f"{a[0]:g} to {a[2]:g}, most likely {a[1]:g}",
            "loguniform": lambda: f"between {a[0]:g} and {a[1]:g} (log scale)",
            "choice": lambda: "one of " + ", ".join(f"{v:g}" for v in a[0]),
        }[self.dist]()

    def lowest(self) -> float:
        """The smallest value a draw can take."""
        if self.dist == "choice":
            return min(self.args[0])
        return self.field.low if self.dist == "normal" else self.args[0]
