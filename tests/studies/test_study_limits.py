"""Unbounded inputs in study files: each is refused at once, in one line, leaving nothing behind."""

from __future__ import annotations

import os
import time

import pytest

from coalition_sim.cli.main import main

BASE = """\
name = "limits"
steps = 12
replications = 2
master_seed = 1

[fixed]
n_orgs = 8

[varied]
governance = ["consensus", "opt-in"]
"""


def with_line(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


CASES = {
    "replications 10^22": (
        with_line("replications = 2", "replications = 10000000000000000000000"),
        "replications=1e+22",
    ),
    "replications 2e9": (with_line("replications = 2", "replications = 2000000000"), "from 1 to 100,000"),
    "replications as a float": (with_line("replications = 2", "replications = 2e9"), "replications=2000000000.0"),
    "steps 10^18": (with_line("steps = 12", "steps = 1000000000000000000"), "steps=1e+18"),
    "master_seed 2^70": (with_line("master_seed = 1", f"master_seed = {2**70}"), "master_seed=1.18e+21"),
    "num 10^8": (BASE + "backbone_strength = {low = 0.0, high = 1.0, num = 100000000}\n", "num=100000000"),
    "lhs samples 10^11": (BASE + '[design]\nkind = "lhs"\nsamples = 100000000000\n', "from 1 to 65,536"),
    "sobol samples 2^40": (BASE + f'[design]\nkind = "sobol"\nsamples = {2**40}\n', "from 1 to 65,536"),
    "too many points": (
        BASE + "backbone_strength = {low = 0.0, high = 1.0, num = 1000}\n"
        "initial_trust = {low = 0.0, high = 1.0, num = 1000}\n",
        "2,000,000 points is too many",
    ),
    "too many runs": (
        with_line("replications = 2", "replications = 100000")
        + "backbone_strength = {low = 0.0, high = 1.0, num = 20}\n",
        "4,000,000 runs is too many",
    ),
    "a 300-character name": (with_line('name = "limits"', f'name = "{"n" * 300}"'), "300 characters is too long"),
    "a NUL in the name": (with_line('name = "limits"', 'name = "a\\u0000b"'), "control characters"),
    "a NUL in the store": (BASE.replace('name = "limits"', 'name = "limits"\nstore = "a\\u0000b.sqlite"'), "NUL byte"),
    "deep nesting": (BASE.replace("n_orgs = 8", "n_orgs = " + "[" * 600 + "]" * 600), "nested more than 32 deep"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unbounded_input_is_refused_at_once_leaving_nothing(case, tmp_path, capsys, monkeypatch):
    text, expected = CASES[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study.toml").write_text(text)
    start = time.perf_counter()
    assert main(["study", "study.toml", "--no-progress"]) == 2
    seconds = time.perf_counter() - start
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err
    assert sorted(os.listdir(tmp_path)) == ["study.toml"], "nothing left behind"
    assert seconds < 60, "refused, not computed (a generous ceiling, not a timing)"


def test_a_store_that_names_a_folder_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shelf").mkdir()
    (tmp_path / "study.toml").write_text(BASE.replace('name = "limits"', 'name = "limits"\nstore = "shelf"'))
    assert main(["study", "study.toml", "--no-progress"]) == 2
    assert "store='shelf': is a folder; give the store's file, e.g. shelf/results.sqlite" in capsys.readouterr().err
    assert os.listdir(tmp_path / "shelf") == []
