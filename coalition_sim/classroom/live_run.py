"""One coalition running live on the page, safe to step and read from several threads.

The page steps a run from its play loop (a background thread) and reads it from
whichever thread renders: the play loop, a button's click, or the "Is this
typical?" task when it reports. Mesa's DataCollector appends one column at a
time, so a read in the middle of a step sees columns of different lengths
(pandas then refuses to build the table). A :class:`LiveRun` therefore steps
and reads under one lock, and hands out copies.

The run stops at its horizon (a control, 120 months by default) or when the
coalition dissolves, whichever comes first.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pandas as pd

from coalition_sim.model.model import CoalitionModel

DEFAULT_HORIZON = 120
"""Months a run goes on for unless the horizon control says otherwise."""


class LiveRun:
    """A model with a lock, a horizon and thread-safe reads.

    Args:
        params: model keyword arguments.
        horizon: the run stops at this month.
    """

    def __init__(self, params: dict, horizon: int = DEFAULT_HORIZON) -> None:
        self.params = dict(params)
        self.horizon = int(horizon)
        self._lock = threading.RLock()
        self.model = CoalitionModel(**self.params)

    @property
    def month(self) -> int:
        """Months run so far."""
        return int(self.model.steps)

    @property
    def dissolved(self) -> bool:
        """Whether the coalition has dissolved."""
        return not self.model.running

    @property
    def finished(self) -> bool:
        """Dissolved, or at the horizon: stepping does nothing more."""
        return self.dissolved or self.month >= self.horizon

    def step(self) -> bool:
        """Run one month unless finished; returns whether a month was run."""
        with self._lock:
            if self.finished:
                return False
            self.model.step()
            return True

    def run_to(self, month: int) -> int:
        """Run until ``month`` (capped at the horizon) or dissolution; returns months run."""
        ran = 0
        with self._lock:
            while self.month < min(int(month), self.horizon) and self.step():
                ran += 1
        return ran

    @contextmanager
    def reading(self):
        """Hold the run still while drawing it: ``with run.reading() as model: ...``."""
        with self._lock:
            yield self.model

    def series(self) -> pd.DataFrame:
        """The monthly table so far (a copy: month 0 first, one row per month)."""
        with self._lock:
            return self.model.datacollector.get_model_vars_dataframe().copy()

    def events(self) -> list:
        """Everything that happened so far, oldest first (a copy)."""
        with self._lock:
            return list(self.model.events)

    def dissolution(self) -> str | None:
        """'Dissolved at month 47: <cause>' once the coalition has dissolved, else None."""
        with self._lock:
            for event in reversed(self.model.events):
                if event.kind == "dissolved":
                    reason = event.text.split(": ", 1)[-1]
                    return f"Dissolved at month {event.month}: {reason}"
        return None
