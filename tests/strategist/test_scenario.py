"""Scenario files: valid ones load and sample; each mistake gets one located line and exit 2."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from coalition_sim.cli import main as cli
from coalition_sim.cli.commands.scenario import template
from coalition_sim.model.model import CoalitionModel
from coalition_sim.model.population import CORE, NETWORK, SECTOR_SKILLS, SECTORS
from coalition_sim.strategist.scenario_file import line_map, load_scenario, parse_scenario
from coalition_sim.util.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "experiments" / "scenarios" / "example.toml"

GOOD = """\
[scenario]
name = "Small"
horizon = 24

[[organizations]]
name = "A"
sector = "nonprofit"
capacity = 2.0
alignment = 0.8
tolerance = 0.3

[[organizations]]
name = "B"
sector = "business"
capacity = [0.5, 1.5]
position = [0.2, 0.7]
skills = { legal = 0.9 }

[[organizations]]
name = "C"
sector = "community"
patience = {dist = "triangular", low = 4, mode = 8, high = 12}

[[network]]
name = "D"
sector = "academia"

[trust]
default = 0.4
network = 0.1
pairs = [
  { between = ["A", "B"], value = 0.9 },
  { from = "C", to = "A", value = 0.05 },
]

[backbone]
strength = 0.7
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------------------- valid files


def test_template_and_example_load():
    written = parse_scenario(template(), "template")
    example = load_scenario(EXAMPLE)
    assert len(written.members) == 3 and len(written.network) == 1
    assert 12 <= len(example.organizations) <= 25
    assert example.uncertain(), "the example shows uncertain values"


def test_the_template_quotes_the_model_defaults():
    from coalition_sim.model.params import defaults

    text = template()
    assert f"default {defaults()['tolerance']})" in text
    assert f"rate = {defaults()['initiative_rate']} " in text and "$" not in text


def test_sample_builds_the_population_the_file_describes():
    sc = parse_scenario(GOOD)
    pop, params = sc.sample(np.random.default_rng(3))
    assert pop.names == ["A", "B", "C", "D"]
    assert list(pop.status) == [CORE, CORE, CORE, NETWORK]
    assert [SECTORS[s] for s in pop.sector] == ["nonprofit", "business", "community", "academia"]
    assert pop.capacity[0] == 2.0 and 0.5 <= pop.capacity[1] <= 1.5
    np.testing.assert_allclose(pop.position[1], [0.2, 0.7])
    # alignment a -> distance (1 - a) * sqrt(dims) / 2 from the purpose: the model's alignment
    assert math.dist(pop.position[0], pop.purpose) == pytest.approx(0.2 * math.sqrt(2) / 2)
    model = CoalitionModel(population=pop, seed=0)
    assert model.alignment(np.array([0]))[0] == pytest.approx(0.8)
    assert pop.skills[1, 4] == 0.9  # legal given; the rest from the sector profile
    np.testing.assert_allclose(np.delete(pop.skills[1], 4), np.delete(SECTOR_SKILLS["business"], 4))
    assert pop.trust[0, 1] == pop.trust[1, 0] == 0.9  # between = both ways
    assert pop.trust[2, 0] == 0.05 and pop.trust[0, 2] == 0.4  # from/to = one way
    assert pop.trust[3, 0] == 0.1 and pop.trust[0, 3] == 0.1  # network default
    assert np.all(np.diag(pop.trust) == 1.0)
    assert params["backbone_strength"] == 0.7 and params["n_orgs"] == 3
    assert 4 <= pop.patience[2] <= 12
    model = CoalitionModel(population=pop, seed=1, **params).run(12)
    assert model.names[:3] == ["A", "B", "C"]


def test_network_and_backbone_trust_default_to_the_drawn_member_trust():
    sc = parse_scenario(GOOD.replace("network = 0.1\n", "").replace("default = 0.4", "default = [0.2, 0.6]"))
    for seed in range(5):
        pop, _ = sc.sample(np.random.default_rng(seed))
        assert pop.trust[3, 0] == pytest.approx(0.5 * pop.trust[1, 2])
        assert np.all(pop.backbone_trust == pop.trust[1, 2])
        assert 0.2 <= pop.trust[1, 2] <= 0.6


def test_same_generator_same_draw_and_draws_stay_in_range():
    sc = load_scenario(EXAMPLE)
    a, b = sc.draw(np.random.default_rng(9)), sc.draw(np.random.default_rng(9))
    assert a.inputs == b.inputs
    np.testing.assert_array_equal(a.population.position, b.population.position)
    rng = np.random.default_rng(0)
    for _ in range(50):
        d = sc.draw(rng)
        pop = d.population
        assert np.all((pop.position >= 0) & (pop.position <= 1))
        assert np.all(pop.capacity > 0) and np.all((pop.trust >= 0) & (pop.trust <= 1))
        assert d.params["backbone_cut_month"] in (0, 36)
        align = sc.input("organizations[6].alignment").value  # a truncated normal
        assert align.dist == "normal"
        assert 0.0 <= d.inputs["organizations[6].alignment"] <= 1.0


def test_alignment_places_inside_the_goal_space_even_far_from_the_purpose():
    text = GOOD.replace("alignment = 0.8", "alignment = 0.04")
    sc = parse_scenario(text)
    for seed in range(20):
        pop, _ = sc.sample(np.random.default_rng(seed))
        assert np.all((pop.position[0] >= 0) & (pop.position[0] <= 1))
        assert math.dist(pop.position[0], pop.purpose) == pytest.approx(0.96 * math.sqrt(2) / 2, abs=1e-9)


def test_line_map_finds_array_tables_and_inline_pairs():
    lines = line_map(GOOD)
    assert lines["organizations[1].capacity"] == GOOD.splitlines().index("capacity = [0.5, 1.5]") + 1
    assert lines["trust.pairs[1]"] == GOOD.splitlines().index('  { from = "C", to = "A", value = 0.05 },') + 1


# ---------------------------------------------------------------------------- mistakes

BAD = [
    # (replace this, with that, expected fragments of the one-line message)
    ("capacity = 2.0", 'capacity = "big"', ["organizations[1].capacity", "line 8", "'big'", "allowed"]),
    ("capacity = 2.0", "capacity = -1", ["organizations[1].capacity", "out of range", "> 0"]),
    ("alignment = 0.8", "alignment = 1.3", ["organizations[1].alignment", "out of range", "1"]),
    ("tolerance = 0.3", "tolrance = 0.3", ["organizations[1].tolrance", "did you mean 'tolerance'"]),
    ("[backbone]", "[backbon]", ["backbon", "did you mean 'backbone'"]),
    ('name = "B"', 'name = "A"', ["organizations[2].name", "duplicate", "'A'"]),
    ('{ from = "C", to = "A"', '{ from = "Cee", to = "A"', ["trust.pairs[2].from", "unknown organization", "line 33"]),
    ('sector = "business"', 'sector = "busines"', ["organizations[2].sector", "did you mean 'business'"]),
    ("capacity = [0.5, 1.5]", "capacity = [1.5, 0.5]", ["organizations[2].capacity", "low <= high"]),
    ("capacity = [0.5, 1.5]", 'capacity = {dist = "normal", mean = 1}', ["organizations[2].capacity", "sd"]),
    ("capacity = [0.5, 1.5]", 'capacity = {dist = "gauss", mean = 1}', ["capacity.dist", "one of"]),
    ("position = [0.2, 0.7]", "position = [0.2]", ["organizations[2].position", "2 coordinates"]),
    ("horizon = 24", "horizon = [12, 24]", ["scenario.horizon", "must be known"]),
    ("strength = 0.7", "strength = 1.7", ["backbone.strength", "out of range"]),
    ("strength = 0.7", "strength = 0.7\ncut_month = 36.5", ["backbone.cut_month", "not a whole number"]),
    ("[backbone]", "[model]\nn_orgs = 5\n[backbone]", ["model.n_orgs", "organizations, trust, backbone"]),
    ("[backbone]", "[model]\ntransaction_cots = 0.1\n[backbone]", ["did you mean 'transaction_cost'"]),
    ("[backbone]", "[model]\nmin_members = 5\n[backbone]", ["organizations", "line 5", "min_members"]),
    ('name = "Small"', 'name = "Small', ["line 2", "not valid TOML"]),
]


@pytest.mark.parametrize("old,new,fragments", BAD, ids=[b[1][:30] for b in BAD])
def test_each_mistake_gets_one_located_line(tmp_path, old, new, fragments):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, message


def test_empty_coalition_is_refused(tmp_path, capsys):
    path = write(tmp_path, '[scenario]\nname = "Nobody"\n[[network]]\nname = "X"\nsector = "business"\n')
    with pytest.raises(InputError, match=r"organizations: the coalition is empty"):
        load_scenario(path)
    out = tmp_path / "report"
    assert cli.main(["compare", str(path), "--out", str(out), "--no-progress"]) == 2
    assert "the coalition is empty" in capsys.readouterr().err and not out.exists()


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")


EMPTY = ('[[organizations]]\nname = "A"', '[[notorganizations]]\nname = "A"', ["notorganizations"])


@pytest.mark.parametrize("old,new,fragments", [*BAD, EMPTY], ids=[b[1][:30] for b in [*BAD, EMPTY]])
def test_cli_exits_2_with_one_line_and_writes_no_report(tmp_path, capsys, old, new, fragments):
    path = write(tmp_path, GOOD.replace(old, new, 1))
    out = tmp_path / "report"
    code = cli.main(["compare", str(path), "--out", str(out), "--replications", "2", "--workers", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("coalition-sim compare: error: ")
    assert "Traceback" not in err and fragments[0] in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path], "no temporary directory left behind"
    assert cli.main(["scenario", "check", str(path)]) == 2


def test_cli_bad_flags_exit_2_without_report(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    out = tmp_path / "report"
    for flags in (
        ["--options", "consensus,opt-inn"],
        ["--backbone", "0.2,1.5"],
        ["--replications", "1"],
        ["--workers", "0"],
    ):
        code = cli.main(["compare", str(path), "--out", str(out), "--no-progress", *flags])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1, (flags, err)
    assert not out.exists()


def test_cli_template_writes_a_file_that_checks(tmp_path, capsys):
    target = tmp_path / "my.toml"
    assert cli.main(["scenario", "template", "--out", str(target)]) == 0
    assert cli.main(["scenario", "check", str(target)]) == 0
    assert "OK - My coalition" in capsys.readouterr().out
