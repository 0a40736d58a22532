"""The strategist's workbench: describe your coalition, compare governance options, report.

``scenario_file`` reads a scenario (TOML) into a ``scenario.Scenario`` with
``uncertain`` numbers; ``comparison`` runs every option on the same draws and ranks
them (``loss_rules``: when the recommendation loses; ``paired``: draw-by-draw tables);
``report`` writes the self-contained HTML report.

Depends on ``coalition_sim.analysis`` and below.
"""
