"""What-ifs a strategist asks: a partner leaves or joins at month k, and two scenario files compared.

- ``compare(..., what_if="leave Farm Bureau at 24")`` runs every option twice on
  the same draws: as it is, and with the scheduled event
  (:mod:`coalition_sim.model.interventions`), so the difference is the event's.
- A phased transition is an option like any other: ``consensus-for-36-then-opt-in``
  (:mod:`coalition_sim.model.governance.phased`).
- Two scenario files (e.g. with and without a new partner):
  :mod:`coalition_sim.strategist.two_files`.
"""

from __future__ import annotations

from dataclasses import replace

from coalition_sim.model.interventions import parse
from coalition_sim.util.errors import InputError


def with_interventions(options: list, what_if, scenario) -> list:
    """The options, then each option again with the scheduled events ``what_if``.

    Raises:
        InputError: an unreadable event, or a name that is not in the scenario.
    """
    events = parse(what_if)
    names = [o.name for o in scenario.organizations]
    for event in events:
        if event.name not in names:
            from coalition_sim.util.errors import suggest

            raise InputError(
                f"--what-if: no organization is called {event.name!r}{suggest(event.name, names)}; "
                f"the scenario names: {', '.join(names)}"
            )
        if event.month < 1 or event.month > scenario.horizon:
            raise InputError(
                f"--what-if: month {event.month} for {event.name!r} is outside the horizon; "
                f"allowed 1 to {scenario.horizon}"
            )
    return list(options) + [replace(o, interventions=tuple(events)) for o in options]
