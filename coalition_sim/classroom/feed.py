"""The event feed: what happened, newest first, filtered by kind.

The model writes every event as a sentence (``model.events``); the feed shows
the latest of them, optionally only some kinds. Kinds the model adds later show
up on their own: the filter offers whatever kinds the run has produced.
"""

from __future__ import annotations

import re

import solara

FEED_LENGTH = 60
"""Events the feed keeps on screen, newest first (years of a busy coalition)."""
KIND_NAMES = {
    "join": "joins",
    "exit": "exits",
    "blocked": "blocked initiatives",
    "adopted": "adopted initiatives",
    "succeeded": "successes",
    "failed": "failures",
    "lapsed": "lapsed initiatives",
    "shock": "shocks",
    "backbone": "backbone changes",
    "dissolved": "dissolution",
}
"""How the filter names each kind; a kind not listed is shown by its own name."""
_ORG = re.compile(r"\bOrg \d+\b")


def kinds_seen(events) -> list[str]:
    """The kinds present in ``events``, in order of first appearance."""
    seen: dict[str, None] = {}
    for event in events:
        seen.setdefault(event.kind, None)
    return list(seen)


def kind_name(kind: str) -> str:
    """The filter's name for ``kind``."""
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def latest(events, kinds=None, n: int = FEED_LENGTH) -> list:
    """The ``n`` newest events, newest first; only ``kinds`` if given (an empty choice = all)."""
    chosen = [e for e in events if not kinds or e.kind in kinds]
    return chosen[-n:][::-1]


def organizations_named(events, names: list[str], n: int = 6) -> dict[int, str]:
    """Index -> name of the organizations named in the newest events (at most ``n``), newest first."""
    index = {name: i for i, name in enumerate(names)}
    found: dict[int, str] = {}
    for event in reversed(events):
        for name in _names_in(event.text, index):
            if len(found) >= n:
                return found
            found.setdefault(index[name], name)
    return found


def _names_in(text: str, index: dict[str, int]) -> list[str]:
    return [m.group(0) for m in _ORG.finditer(text) if m.group(0) in index] or [
        name for name in index if not name.startswith("Org ") and name in text
    ]


@solara.component
def EventFeed(run, tick: int = 0):
    """What happened, newest first, with a filter by kind."""
    events = run.events()
    kinds = solara.use_reactive([])
    names = {kind_name(k): k for k in kinds_seen(events)}
    shown = latest(events, set(kinds.value))
    with solara.Card("What happened", classes=["feed"]):
        solara.SelectMultiple(
            "Show only",
            values=[kind_name(k) for k in kinds.value if k in names.values()],
            all_values=list(names),
            on_value=lambda chosen: kinds.set([names[c] for c in chosen]),
        )
        with solara.Column(gap="2px", classes=["feed-lines"]):
            if not shown:
                solara.Text("Nothing yet: press ▶ Play or Step.")
            for event in shown:
                solara.Text(f"Month {event.month}: {event.text}", classes=[f"feed-{event.kind}"])
