"""Shared test helpers: hand-built tiny coalitions."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.model.population import CORE, NETWORK, Population


def tiny_population(
    positions,
    tolerances,
    *,
    network=0,
    capacity=None,
    skills=None,
    trust=0.5,
    energy=0.8,
    patience=1000.0,
    sectors=None,
    purpose=None,
) -> Population:
    """A Population from explicit positions and tolerances (the last ``network`` are wider network)."""
    position = np.asarray(positions, dtype=float)
    if position.ndim == 1:  # one-dimensional goal space
        position = position.reshape(-1, 1)
    n, dims = position.shape
    status = np.full(n, CORE)
    status[n - network :] = NETWORK if network else CORE
    matrix = np.full((n, n), float(trust))
    np.fill_diagonal(matrix, 1.0)
    return Population(
        sector=np.asarray(sectors if sectors is not None else np.arange(n) % 5),
        capacity=np.asarray(capacity if capacity is not None else np.ones(n), dtype=float),
        position=position,
        tolerance=np.asarray(tolerances, dtype=float),
        skills=np.asarray(skills if skills is not None else np.full((n, 6), 0.8), dtype=float),
        patience=np.full(n, float(patience)),
        energy=np.full(n, float(energy)),
        status=status,
        trust=matrix,
        backbone_trust=np.full(n, 0.5),
        purpose=np.full(dims, 0.5) if purpose is None else np.asarray(purpose, dtype=float),
        names=[f"Org {i}" for i in range(n)],
    )


@pytest.fixture
def make_population():
    """The tiny_population factory, as a fixture."""
    return tiny_population


def pytest_configure(config):
    """Compile (or load) the model's compiled loop and kernels once, before any test worker starts.

    After a fresh install every process would otherwise compile it itself (about a minute each);
    this way the workers load the cached machine code.
    """
    if not hasattr(config, "workerinput"):  # the controller, or a run without workers
        from coalition_sim.studies.runner import prepare_model

        prepare_model(stepwise=True)  # the compiled run and the Python month's kernels
