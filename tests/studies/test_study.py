"""Study files: every bad input is one line naming the field, exit 2, and no store touched."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from coalition_sim.cli.main import main as cli
from coalition_sim.studies.study_file import load_study
from coalition_sim.util.errors import InputError

GOOD = """\
name = "tiny"
steps = 12
replications = 2
master_seed = 5
series = ["members"]

[fixed]
n_orgs = 10

[varied]
governance = ["consensus", "opt-in"]
backbone_strength = [0.0, 0.5, 1.0]
"""


def write(tmp_path: Path, text: str, name: str = "study.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def one_line_error(capsys, argv) -> str:
    code = cli(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith("coalition-sim study: error: ")
    return err


def test_a_good_file_gives_the_spec_it_says():
    spec = load_study(Path(__file__).resolve().parents[2] / "experiments" / "governance_backbone.toml")
    assert spec.n_runs == 2 * 5 * 200
    assert spec.steps == 120 and spec.arms == ("governance", "backbone_strength")
    assert [f.levels for f in spec.factors] == [("consensus", "opt-in"), (0.0, 0.25, 0.5, 0.75, 1.0)]


def test_the_sensitivity_study_is_a_sobol_design_over_seven_parameters(tmp_path):
    spec = load_study(Path(__file__).resolve().parents[2] / "experiments" / "sensitivity.toml")
    names = {f.name for f in spec.factors}
    assert names == {
        "initial_trust",
        "alignment_spread",
        "capacity_inequality",
        "n_orgs",
        "transaction_cost",
        "shock_rate",
        "turnover_rate",
    }
    assert spec.design == "sobol" and len(spec.design_points()) == spec.samples * (len(names) + 2)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            'name = "x"\nreplications = 2\nmaster_seed 1\n',
            "malformed TOML: Expected '=' after a key in a key/value pair (at line 3, column 13)",
        ),
        (
            GOOD.replace("backbone_strength =", "backbone_strenght ="),
            "varied.backbone_strenght: unknown parameter 'backbone_strenght' (did you mean 'backbone_strength'?)",
        ),
        (
            GOOD.replace("[0.0, 0.5, 1.0]", '[0.0, 0.5, "high"]'),
            "varied.backbone_strength[2]: backbone_strength='high' is not a number",
        ),
        (
            GOOD.replace("[0.0, 0.5, 1.0]", "[0.0, 0.5, 1.5]"),
            "varied.backbone_strength[2]: backbone_strength=1.5 is out of range",
        ),
        (GOOD.replace('["consensus", "opt-in"]', "[]"), "varied.governance: empty list of levels"),
        (GOOD.replace('"opt-in"]', '"opt_in"]'), "(did you mean 'opt-in'?)"),
        (GOOD.replace("replications = 2", "replications = 0"), "replications=0: must be an integer from 1 to 100,000"),
        (GOOD.replace("master_seed = 5", ""), "master_seed: missing"),
        (GOOD.replace("steps = 12", "steps = 1.5"), "steps=1.5: must be an integer from 1 to 10,000"),
        (GOOD.replace("n_orgs = 10", "n_orgs = 10.5"), "fixed.n_orgs: n_orgs=10.5 is not an integer"),
        (GOOD + '\n[design]\nkind = "latin"\n', "design.kind='latin'"),
        (GOOD + '\n[design]\nkind = "sobol"\nsamples = 12\n', "design.samples=12: a sobol design needs a power of two"),
        (GOOD + '\n[design]\nkind = "lhs"\n', "design.samples=None: a lhs design needs an integer from 1 to 65,536"),
        (
            GOOD + '\n[design]\narms = ["governence"]\n',
            "design.arms[0]='governence' is not a varied parameter (did you mean 'governance'?)",
        ),
        (
            'name = "x"\nreplications = 2\nmaster_seed = 1\n[design]\nkind = "lhs"\nsamples = 4\n',
            "varied: a lhs design needs at least one varied parameter",
        ),
        (
            GOOD.replace("[0.0, 0.5, 1.0]", "{ low = 0.0, high = 1.0 }"),
            "varied.backbone_strength: a range in a factorial design needs num",
        ),
        (
            GOOD.replace("[0.0, 0.5, 1.0]", "{ low = 0.8, high = 0.2, num = 3 }"),
            "varied.backbone_strength: low=0.8 must be below high=0.2",
        ),
        (GOOD.replace("replications", "replicates"), "unknown key 'replicates' (did you mean 'replications'?)"),
        (
            GOOD.replace('series = ["members"]', 'series = ["member"]'),
            "series[0]: unknown series 'member' (did you mean 'members'?)",
        ),
        (
            GOOD.replace('series = ["members"]', 'outcomes = ["endure"]'),
            "outcomes[0]: unknown outcome 'endure' (did you mean 'endured'?)",
        ),
        (
            GOOD.replace("[fixed]", '[fixed]\ngovernance = "opt-in"'),
            "varied.governance: 'governance' is both fixed and varied",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_creates_no_store(tmp_path, capsys, text, expected):
    path = write(tmp_path, text)
    out = tmp_path / "results" / "store.sqlite"
    err = one_line_error(capsys, ["study", str(path), "--out", str(out), "--no-progress", "--workers", "1"])
    assert expected in err
    assert str(path) in err
    assert not (tmp_path / "results").exists()


def test_a_missing_file_is_one_line(tmp_path, capsys):
    err = one_line_error(capsys, ["study", str(tmp_path / "nope.toml")])
    assert "cannot read the study file" in err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_store_from_another_study_is_refused_and_left_as_it_was(tmp_path, capsys):
    store = tmp_path / "store.sqlite"
    first = write(tmp_path, GOOD, "first.toml")
    assert cli(["study", str(first), "--out", str(store), "--workers", "1", "--no-progress"]) == 0
    capsys.readouterr()
    before = _digest(store)
    other = write(tmp_path, GOOD.replace("replications = 2", "replications = 3"), "other.toml")
    err = one_line_error(capsys, ["study", str(other), "--out", str(store), "--workers", "1", "--no-progress"])
    assert "was made by a different study file" in err
    assert _digest(store) == before


def test_a_cosmetic_edit_is_the_same_study(tmp_path, capsys):
    store = tmp_path / "store.sqlite"
    first = write(tmp_path, GOOD, "first.toml")
    assert cli(["study", str(first), "--out", str(store), "--workers", "1", "--no-progress"]) == 0
    again = write(
        tmp_path,
        "# a comment\n"
        + GOOD.replace("[0.0, 0.5, 1.0]", "[0, 0.5, 1]").replace(
            'name = "tiny"', 'name = "tiny"\ndescription = "now documented"'
        ),
        "again.toml",
    )
    assert cli(["study", str(again), "--out", str(store), "--workers", "1", "--no-progress"]) == 0
    assert "0 run now, 12 already there" in capsys.readouterr().out


def test_a_file_that_is_not_a_store_is_refused_and_kept(tmp_path, capsys):
    target = tmp_path / "notes.sqlite"
    target.write_text("my notes\n")
    err = one_line_error(capsys, ["study", str(write(tmp_path, GOOD)), "--out", str(target), "--workers", "1"])
    assert "not a coalition-sim results store" in err
    assert target.read_text() == "my notes\n"


def test_zero_workers_is_refused(tmp_path, capsys):
    err = one_line_error(capsys, ["study", str(write(tmp_path, GOOD)), "--workers", "0"])
    assert "--workers=0" in err


def test_parse_errors_are_input_errors_a_library_caller_can_catch(tmp_path):
    with pytest.raises(ValueError, match="replications"):
        load_study(write(tmp_path, GOOD.replace("replications = 2", "replications = -1")))
    assert issubclass(InputError, ValueError)


def test_runs_that_raise_are_recorded_and_counted_and_the_study_goes_on(tmp_path, capsys, monkeypatch):
    from coalition_sim import load_results
    from coalition_sim.model.model import CoalitionModel

    original = CoalitionModel.run

    def run_or_fail(self, months=120):
        if self.rule.name == "opt-in" and self.backbone.initial_strength == 1.0:
            raise RuntimeError("a bug that only this arm hits")
        return original(self, months)

    monkeypatch.setattr(CoalitionModel, "run", run_or_fail)
    store = tmp_path / "store.sqlite"
    code = cli(["study", str(write(tmp_path, GOOD)), "--out", str(store), "--executor", "serial", "--no-progress"])
    assert code == 0
    assert "2 of 12 runs FAILED" in capsys.readouterr().out
    runs = load_results(store).runs
    failed = runs[runs.status == "failed"]
    assert failed[["governance", "backbone_strength"]].drop_duplicates().values.tolist() == [["opt-in", 1.0]]
    assert failed["error"].str.contains("RuntimeError: a bug that only this arm hits").all()
    assert (
        failed["seed"].tolist()
        == runs[(runs.governance == "consensus") & (runs.backbone_strength == 1.0)]["seed"].tolist()
    )
    assert (runs.status == "ok").sum() == 10
