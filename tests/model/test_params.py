"""Parameter validation: every bad value is refused with the field and what is allowed."""

import inspect
import math

import pytest

from coalition_sim import PARAMETERS, CoalitionModel, InputError
from coalition_sim.model import params


def test_signature_defaults_match_parameter_table():
    signature = inspect.signature(CoalitionModel.__init__).parameters
    for name, spec in PARAMETERS.items():
        assert name in signature, name
        default = signature[name].default
        assert default == spec.default or (isinstance(default, float) and math.isclose(default, spec.default)), name


def test_every_parameter_has_range_and_reason():
    for spec in PARAMETERS.values():
        assert spec.reason, spec.name
        if spec.kind in ("int", "float"):
            assert spec.low <= spec.default <= spec.high, spec.name


@pytest.mark.parametrize(
    "kwargs, field, allowed",
    [
        ({"n_orgs": 0}, "n_orgs", "1 <= n_orgs <= 5000"),
        ({"backbone_strength": 1.5}, "backbone_strength", "0 <= backbone_strength <= 1"),
        ({"backbone_strength": -0.1}, "backbone_strength", "0 <= backbone_strength <= 1"),
        ({"governance": "concensus"}, "governance", "'consensus'"),
        ({"n_orgs": 2.5}, "n_orgs", "integer"),
        ({"tolerance": "wide"}, "tolerance", "number"),
        ({"initial_trust": float("nan")}, "initial_trust", "0 <= initial_trust <= 1"),
        ({"goal_dims": 4}, "goal_dims", "1 <= goal_dims <= 3"),
        ({"disabled_effects": "vision,moral"}, "disabled_effects", "morale"),
        ({"shock_rate": True}, "shock_rate", "number"),
    ],
)
def test_bad_parameter_names_field_and_allowed_values(kwargs, field, allowed):
    with pytest.raises(ValueError) as err:
        CoalitionModel(**kwargs)
    message = str(err.value)
    assert isinstance(err.value, InputError)
    assert field in message and allowed in message
    assert "\n" not in message


def test_misspelt_governance_gets_a_suggestion():
    with pytest.raises(InputError, match="did you mean 'consensus'"):
        CoalitionModel(governance="concensus")


def test_unknown_parameter_name_gets_a_suggestion():
    with pytest.raises(InputError, match="did you mean 'backbone_strength'"):
        params.check_name("backbone_strenght")


def test_integer_valued_float_is_accepted_for_int_parameter():
    assert params.check_value("n_orgs", 12.0) == 12


def test_effects_parse_from_string_and_list():
    assert params.parse_effects("vision, morale") == ("vision", "morale")
    assert params.parse_effects(["roles"]) == ("roles",)
    assert params.parse_effects("") == ()
