"""The fast model gives the same answers as the model it replaced.

``data/equivalence_runs.json.gz`` holds fingerprints (summary, events, monthly
series) of 1,415 runs made on the model before its speed-up: 40 seeds x every
main rule and a phased schedule x seven parameter sets (defaults, 10
organizations, consensus as practised, a backbone cut, many non-default values,
scheduled interventions, a hand-built population) plus 300 organizations. Counts,
causes, months and event sentences must match exactly, floats to 1e-9.
"""

from __future__ import annotations

import math

import equivalence
import pytest

STORED = equivalence.stored()


def assert_same(case: str, actual: dict, expected: dict) -> None:
    """Compare one fingerprint with its stored counterpart, naming the first difference."""
    for key, value in expected["summary"].items():
        got = actual["summary"][key]
        if isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-9, abs=1e-12), f"{case}: summary {key}"
        else:
            assert got == value, f"{case}: summary {key}"
    assert actual["events"] == expected["events"], f"{case}: events"
    assert actual["exits"] == expected["exits"], f"{case}: exits"
    assert set(actual["series"]) == set(expected["series"]), f"{case}: series columns"
    for name, value in expected["series"].items():
        got = actual["series"][name]
        if isinstance(value, str):
            assert got == value, f"{case}: series {name}"
        else:
            assert got[:2] == value[:2], f"{case}: series {name} length or missing months"
            for a, b in zip(got[2:], value[2:]):
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{case}: series {name}"


def test_stored_file_covers_every_case():
    assert set(STORED) == {case for case, _ in equivalence.cases()}


QUICK = dict(equivalence.cases(full=False))


@pytest.mark.parametrize("case", list(QUICK))
def test_same_answers_as_before(case):
    assert_same(case, equivalence.fingerprint(equivalence.build(QUICK[case])), STORED[case])


@pytest.mark.slow
def test_same_answers_as_before_every_seed():
    for case, kwargs in equivalence.cases():
        assert_same(case, equivalence.fingerprint(equivalence.build(kwargs)), STORED[case])


def test_a_changed_run_is_noticed():
    case, kwargs = next(iter(equivalence.cases()))
    changed = equivalence.fingerprint(equivalence.build({**kwargs, "trust_gain": kwargs["trust_gain"] * 1.001}))
    with pytest.raises(AssertionError):
        assert_same(case, changed, STORED[case])


@pytest.mark.parametrize("case", list(QUICK)[::3])
def test_same_summary_without_monthly_series(case):
    kwargs = {**QUICK[case], "monthly_series": False}
    model = equivalence.build(kwargs)
    assert model.datacollector.model_vars["members"] == []
    summary = {k: equivalence._clean(v) for k, v in model.summary().items()}
    for key, value in STORED[case]["summary"].items():
        if isinstance(value, float):
            assert summary[key] == pytest.approx(value, rel=1e-9, abs=1e-12), f"{case}: summary {key}"
        else:
            assert summary[key] == value, f"{case}: summary {key}"
