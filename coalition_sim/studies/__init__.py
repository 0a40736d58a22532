"""Studies: many runs of the model from one declared design.

``study_file`` reads a TOML study file (what is varied, within documented limits),
``designs`` builds the design and spawns every run's seed from the master seed,
``runner`` runs specs on any executor (how it runs), ``store`` keeps the results in
SQLite and checks a store's integrity whenever it is opened, ``store_lock`` lets one
study write to a store at a time, ``provenance`` records what a result depends on,
``export`` writes a store's tables as CSV or Parquet, ``study`` ties them together
and resumes, ``fingerprint`` guards against mixing results of different model code.

Depends on ``coalition_sim.model`` and ``coalition_sim.util``.
"""
