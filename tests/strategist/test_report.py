"""The HTML report: self-contained, complete, escaped, written all or nothing."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from coalition_sim.cli import main as cli
from coalition_sim.strategist.comparison import compare
from coalition_sim.strategist.scenario_file import parse_scenario

SCENARIO = """\
[scenario]
name = "Report <test> & co"
horizon = 10
[[organizations]]
name = "<script>alert('x')</script>"
sector = "nonprofit"
capacity = [0.5, 2.0]
[[organizations]]
name = "Beta"
sector = "government"
[[organizations]]
name = "Gamma"
sector = "community"
alignment = [0.8, 0.95]
[[network]]
name = "Delta"
sector = "academia"
[trust]
default = [0.2, 0.6]
"""


@pytest.fixture(scope="module")
def result():
    sc = parse_scenario(SCENARIO, "report.toml")
    return compare(sc, "consensus,opt-in", backbone="0.2,0.8", replications=8, steps=10, workers=1, progress=False)


@pytest.fixture(scope="module")
def written(result, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report"
    page = result.write_report(out)
    return out, page.read_text(encoding="utf-8")


def test_html_is_self_contained(written):
    _, page = written
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.replace("&lt;script", "")
    assert "<link" not in page and "@import" not in page
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) == 5 and all(src.startswith("data:image/png;base64,") for src in images)


def test_html_names_every_option_and_states_its_limits(result, written):
    _, page = written
    for option in result.options:
        assert option.label in page
    assert "What the model does not know" in page
    assert "Recommendation" in page and result.recommended in page
    assert "coalition-sim compare report.toml --options consensus,opt-in --backbone 0.2,0.8" in page


def test_each_section_appears_once(written):
    _, page = written
    headings = re.findall(r"<h[23]>(.*?)</h[23]>", page)
    assert len(headings) == len(set(headings)), [h for h in headings if headings.count(h) > 1]
    assert sum(h.startswith("Partners under") for h in headings) == 1


def test_user_text_is_escaped(written):
    _, page = written
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Report &lt;test&gt; &amp; co" in page


def test_csv_tables_are_written(result, written):
    out, _ = written
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 8 * 4 and set(runs["option"]) == {o.label for o in result.options}
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["option"]) == [o.label for o in result.options]
    assert (pd.read_csv(out / "inputs.csv")["replication"] == range(8)).all()
    for name in ("ranking", "exits", "exit_risk", "objections", "drivers", "members", "loss_rule"):
        assert (out / f"{name}.csv").exists()


def test_a_failure_while_writing_leaves_nothing(result, tmp_path, monkeypatch):
    import coalition_sim.strategist.report as report

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    out = tmp_path / "report"
    with pytest.raises(RuntimeError):
        report.write_report(result, out)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_writes_the_report(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    code = cli.main(
        [
            "compare",
            str(path),
            "--options",
            "consensus,opt-in",
            "--replications",
            "3",
            "--workers",
            "1",
            "--no-progress",
            "--out",
            str(out),
            "--rank",
            "worst-case",
        ]
    )
    assert code == 0
    assert "Recommended (worst-case):" in capsys.readouterr().out
    assert (out / "report.html").exists() and (out / "ranking.csv").exists()
