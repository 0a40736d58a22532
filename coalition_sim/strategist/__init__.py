"""The strategist's workbench: describe your coalition, compare governance options, report.

``scenario_file`` reads a scenario (TOML) into a ``scenario.Scenario`` with
``uncertain`` numbers (``scenario_messages``: how mistakes are told); ``comparison``
runs every option on the same draws and tabulates them (``paired``: draw-by-draw
tables); ``ranking`` ranks them (``rank_rules``: the names; ``survival_choice``: rules
that weigh lasting and the warning when the choice rarely lasts); ``loss_rules``: when
the recommendation loses; ``value_of_information``: which uncertainty matters;
``partners``: each partner's fate; ``friction``: who objects and what moves blocking;
``narrative``: the story in words; ``appendix``: every setting and what each option
means over time; ``what_if``: scheduled departures and arrivals; ``two_files``: two
scenario files side by side; ``backbone_value``: the backbone's cost against its
benefit; ``report`` (``report_story``, ``report_figures``, ``report_html``) writes the
self-contained HTML report.

Depends on ``coalition_sim.analysis`` and below.
"""
