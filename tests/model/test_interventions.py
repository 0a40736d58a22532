"""Scheduled events: a named partner leaves or joins at month k."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import CoalitionModel
from coalition_sim.model.interventions import WITHDREW, Intervention, parse
from coalition_sim.model.population import CORE, EXITED
from coalition_sim.util.errors import InputError

KW = dict(n_orgs=8, initiative_rate=1.0, backbone_strength=0.8, patience=120, seed=5)


def test_text_form_reads_both_actions():
    assert parse("leave Org 2 at 24; join Big Ally at 3") == (
        Intervention("leave", "Org 2", 24),
        Intervention("join", "Big Ally", 3),
    )
    with pytest.raises(InputError, match="leave NAME at MONTH"):
        parse("remove Org 2 at 24")


def test_a_scheduled_departure_happens_in_its_month_with_its_cause():
    base = CoalitionModel(**KW)
    name = base.names[1]
    model = CoalitionModel(**KW, interventions=f"leave {name} at 6")
    model.run(5)
    assert model.status[1] == CORE
    model.run(1)
    assert model.status[1] == EXITED
    assert {"organization": name, "month": 6, "cause": WITHDREW} in model.exit_record()


def test_a_scheduled_arrival_is_held_back_until_its_month():
    base = CoalitionModel(**KW)
    network = int(np.flatnonzero(base.status != CORE)[0])
    name = base.names[network]
    model = CoalitionModel(**KW, interventions=[Intervention("join", name, 10)])
    for _ in range(9):
        model.step()
        assert model.status[network] != CORE
    model.step()
    assert model.status[network] == CORE


def test_unknown_names_are_refused():
    with pytest.raises(InputError, match="no organization is called"):
        CoalitionModel(**KW, interventions="leave Nobody at 3")
