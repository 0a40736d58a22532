"""Loading the compiled model before a study's workers start: a long first compilation is said."""

from __future__ import annotations

import os
import signal
import time

import pytest

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


def test_a_ctrl_c_dropped_while_compiled_code_loads_still_stops(monkeypatch):
    """The compiler's loader calls back into Python from C, where an interrupt is printed and dropped."""

    def loads_swallowing_an_interrupt(self, months=120):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the handler runs here
        except KeyboardInterrupt:
            pass  # what a C callback does with it
        return self

    monkeypatch.setattr(CoalitionModel, "run", loads_swallowing_an_interrupt)
    with pytest.raises(KeyboardInterrupt):
        prepare_model()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the usual Ctrl-C again
