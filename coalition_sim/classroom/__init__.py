"""The live classroom: a Solara page for trainers, made for a projector.

``app`` is the page (``solara run coalition_sim/classroom/app.py``); its parts are
``controls`` (the settings and their widgets), ``live_run`` (a run that is safe to step
and read from several threads, with a horizon), ``run_view`` (big numbers, network and
charts of one run), ``side_by_side`` (two runs of the same organizations under two
settings), ``feed`` (the event feed), ``org_card`` (an organization's card),
``replicates_panel`` ("Is this typical?"), ``export`` (downloads), ``captions`` and
``style``. The drawings are ``network_view``, ``live_charts`` and ``monitors`` (with
matplotlib: downloads, animations); on the page, ``network_svg`` and ``svg_chart`` write
the network and the charts as SVG text each month, ``network.vue`` makes each
organization clickable, and ``svg_frames`` sends the replicates' figure cheaply.
``presets`` are the stories, ``replicates`` the "Is this typical?" runs, ``animate`` a
GIF of a preset.

Depends on ``coalition_sim.studies`` (for replicates) and below.
"""
