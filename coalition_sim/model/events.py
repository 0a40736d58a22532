"""A plain-language feed of what happened, for people (the web app, reports).

Events are small records; ``text`` is a sentence a trainer can read aloud:
"Org 12 (business) left: burnt out".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """Something that happened in a month."""

    month: int
    kind: str
    text: str


EXIT_REASONS = {"burnout": "burnt out", "impatience": "out of patience", "drift": "drifted away"}
CAUSE_TEXT = {
    "collapse": "too few members remain",
    "dormancy": "nothing adopted for too long",
    "purpose_achieved": "its purpose is achieved",
}


class EventLog(list):
    """A list of :class:`Event` with helpers that write the sentences."""

    def add(self, month: int, kind: str, text: str) -> None:
        """Record one event."""
        self.append(Event(month, kind, text))

    def since(self, month: int) -> list[Event]:
        """Events from ``month`` on."""
        return [e for e in self if e.month >= month]
