"""The live classroom: a Solara page for trainers.

``app`` is the page (``solara run coalition_sim/classroom/app.py``), ``presets`` the
stories, ``network_view`` and ``live_charts`` the drawings, ``replicates`` the "Is this
typical?" runs, ``animate`` a GIF of a preset.

Depends on ``coalition_sim.studies`` (for replicates) and below.
"""
