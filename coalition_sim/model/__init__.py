"""The model: one coalition over monthly steps (Mesa).

``model.py`` is the loop (``CoalitionModel.step`` reads like the ODD's schedule);
each process has its own module (``execution``, ``learning``, ``trust``, ``influence``,
``morale``, ``turnover``, ``membership``, ``endurance``), the entities theirs
(``organization``, ``population``, ``backbone``, ``initiative``, ``environment``),
``params`` holds every parameter with its default, range and reason, ``metrics`` what
a run reports, and ``governance/`` the decision rules, one module each.

Depends on nothing but ``coalition_sim.util``. Imported lazily: ``import
coalition_sim.model.params`` does not load Mesa.
"""
