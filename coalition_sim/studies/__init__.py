"""Studies: many runs of the model from one declared design.

``study_file`` reads a TOML study file (what is varied), ``designs`` builds the design
and spawns every run's seed from the master seed, ``runner`` runs specs on any
executor (how it runs), ``store`` keeps the results in SQLite with provenance,
``study`` ties them together and resumes, ``fingerprint`` guards against mixing
results of different model code.

Depends on ``coalition_sim.model`` and ``coalition_sim.util``.
"""
