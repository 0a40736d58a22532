"""The shipped headline findings are the ones the analysis wrote: README block = findings.md headline = CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coalition_sim.analysis.findings import HEADLINE_END, HEADLINE_START

FOLDER = Path(__file__).resolve().parents[2] / "results" / "governance_backbone"


def test_readme_block_is_the_headline_of_findings_md():
    readme = (FOLDER / "README.md").read_text()
    block = readme.split(HEADLINE_START)[1].split(HEADLINE_END)[0].strip()
    findings = (FOLDER / "findings.md").read_text()
    headline = findings.split("## Headline")[1].split("\n## ")[0].strip()
    assert block == headline, "rerun: coalition-sim analyze results/governance_backbone"


def test_headline_numbers_come_from_the_rmst_table():
    block = (FOLDER / "README.md").read_text().split(HEADLINE_START)[1].split(HEADLINE_END)[0]
    rmst = pd.read_csv(FOLDER / "rmst_contrasts.csv")
    rules = rmst[(rmst.factor == "governance") & (rmst.tau == rmst.tau.max())]
    for row in rules.itertuples():
        assert f"{row.difference:+.1f} [{row.low:+.1f}, {row.high:+.1f}]" in block
    family = pd.read_csv(FOLDER / "primary_family.csv")
    assert f"{len(family)} tests, Holm-adjusted together" in block
