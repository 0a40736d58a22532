"""The researcher's tutorial notebook runs from top to bottom (so it never goes stale)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "researcher_tutorial.ipynb"


def test_tutorial_notebook_executes_without_errors(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    text = "".join(str(out.get("data", {}).get("text/plain", "")) + str(out.get("text", "")) for out in outputs)
    assert "difference" in text and "mu_star" in text and "p_holm" in text  # the tables it explains
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(figures) >= 3  # survival, causes, Morris
