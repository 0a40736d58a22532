"""Loading the compiled model before a study's workers start: a long first compilation is said."""

from __future__ import annotations

import time

from coalition_sim.model.model import CoalitionModel
from coalition_sim.studies.runner import prepare_model


def slow_run(self, months=120):
    time.sleep(0.5)
    return self


def test_a_slow_first_load_is_said(monkeypatch):
    monkeypatch.setattr(CoalitionModel, "run", slow_run)
    said = []
    prepare_model(say=said.append, after=0.05)
    assert len(said) == 1 and "Compiling the model" in said[0]


def test_a_quick_load_says_nothing(monkeypatch):
    said = []
    prepare_model(say=said.append, after=30.0)
    assert said == []
