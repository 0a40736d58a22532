"""Scenario refusals people can act on: conflicting trust pairs, blocks counted from 1, other formats, speed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coalition_sim.cli import main as cli
from coalition_sim.strategist.scenario_file import load_scenario, parse_scenario
from coalition_sim.util.errors import InputError

BASE = """\
[scenario]
name = "Pairs"
[[organizations]]
name = "A"
sector = "nonprofit"
[[organizations]]
name = "B"
sector = "government"
[[organizations]]
name = "C"
sector = "community"
[[organizations]]
name = "Farm Bureau"
sector = "business"
capacity = {capacity}
[trust]
pairs = [
{pairs}
]
"""


def scenario(pairs: str, capacity: str = "1.0") -> str:
    return BASE.format(pairs=pairs, capacity=capacity)


def test_a_repeated_trust_pair_with_conflicting_values_is_refused():
    text = scenario('{ from = "A", to = "B", value = 0.2 },\n{ from = "A", to = "B", value = 0.9 },')
    with pytest.raises(InputError) as info:
        parse_scenario(text, "p.toml")
    message = str(info.value)
    assert "trust.pairs[2]" in message and "trust.pairs[1]" in message
    assert "given twice" in message and "0.2" in message and "0.9" in message


def test_a_mutual_pair_conflicting_with_one_direction_is_refused():
    text = scenario('{ between = ["A", "B"], value = 0.5 },\n{ from = "B", to = "A", value = 0.1 },')
    with pytest.raises(InputError, match="from 'B' to 'A' is given twice"):
        parse_scenario(text, "p.toml")


def test_a_repeated_pair_with_the_same_value_is_harmless():
    text = scenario('{ from = "A", to = "B", value = 0.4 },\n{ between = ["A", "B"], value = 0.4 },')
    assert len(parse_scenario(text, "p.toml").pairs) == 2


def test_messages_count_from_one_name_the_organization_and_show_values_plainly():
    with pytest.raises(InputError) as info:
        parse_scenario(scenario("", capacity='"big"'), "p.toml")
    message = str(info.value)
    assert "organizations[4].capacity ('Farm Bureau')" in message
    assert "got 'big'" in message and "(a string)" not in message


@pytest.mark.parametrize(
    "name,text,hint",
    [
        ("coalition.csv", "name,sector,capacity\nA,nonprofit,1\n", "CSV"),
        ("coalition", "name,sector,capacity\nA,nonprofit,1\n", "CSV"),
        ("coalition.json", '{"name": "A"}', "JSON"),
    ],
)
def test_a_file_that_is_not_toml_is_not_a_scenario_file(tmp_path, name, text, hint):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert "not a scenario file" in str(info.value) and hint in str(info.value)


def test_a_binary_file_is_not_a_scenario_file(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81")
    with pytest.raises(InputError, match="not a scenario file"):
        load_scenario(path)


def test_broken_toml_in_a_toml_file_still_gets_its_line(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nname = "x\n')
    with pytest.raises(InputError, match="line 2: not valid TOML"):
        load_scenario(path)


def test_reading_a_scenario_does_not_load_the_model_or_pandas(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(scenario(""))
    code = (
        "import sys\n"
        "from coalition_sim.strategist.scenario_file import load_scenario\n"
        f"load_scenario({str(path)!r})\n"
        "heavy = [m for m in ('mesa', 'pandas', 'scipy', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_compare_refuses_a_bad_file_before_loading_the_comparison(tmp_path, capsys, monkeypatch):
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,2\n")
    monkeypatch.delitem(sys.modules, "coalition_sim.strategist.comparison", raising=False)
    code = cli.main(["compare", str(path), "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "not a scenario file" in err and len(err.strip().splitlines()) == 1
    assert "coalition_sim.strategist.comparison" not in sys.modules
    assert not (tmp_path / "out").exists()


def test_the_cli_refuses_a_bad_file_without_loading_the_model_or_pandas(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,2\n")
    code = (
        "import sys\n"
        "from coalition_sim.cli import main\n"
        f"assert main.main(['compare', {str(path)!r}, '--out', {str(tmp_path / 'o')!r}]) == 2\n"
        "heavy = [m for m in ('mesa', 'pandas', 'scipy', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "not a scenario file" in done.stderr
