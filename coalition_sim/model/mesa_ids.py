"""A workaround for Mesa 3.3's per-model agent id counter, which keeps every model alive."""

from __future__ import annotations

import mesa


def release_mesa_id_counter(model) -> None:
    """Every agent exists now: drop Mesa 3.3's per-model id counter.

    ``mesa.Agent._ids`` is a class-level dict keyed by model, so without this every
    model ever built stays alive (mesa#3179, fixed after 3.3.1): a study worker, a
    notebook loop or the web app's Reset would grow by 0.1-1 MB per model.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)
