"""A plain-language feed of what happened, for people (the web app, reports).

Events are small records; ``text`` is a sentence a trainer can read aloud:
"Org 12 (business) left: burnt out". A run records many events nobody reads (a
study keeps only summaries), so the sentence is written when it is first read:
an event keeps its template and the values to fill in.
"""

from __future__ import annotations

from collections.abc import Callable


class Event:
    """Something that happened in a month: ``month``, ``kind`` and ``text``.

    ``Event(month, kind, "Org {} left", name)`` fills the template with the values
    when ``text`` is first read; without values the text is taken as written.
    """

    __slots__ = ("_args", "_text", "kind", "month")

    def __init__(self, month: int, kind: str, text: str, *args) -> None:
        self.month, self.kind, self._text, self._args = month, kind, text, args

    @property
    def text(self) -> str:
        """The sentence."""
        if self._args:
            self._text, self._args = self._text.format(*self._args), ()
        return self._text

    def __eq__(self, other) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return (self.month, self.kind, self.text) == (other.month, other.kind, other.text)

    def __hash__(self) -> int:
        return hash((self.month, self.kind, self.text))

    def __repr__(self) -> str:
        return f"Event(month={self.month!r}, kind={self.kind!r}, text={self.text!r})"


class Later:
    """A value for an event's template that is worked out only when the sentence is written."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __format__(self, spec: str) -> str:
        return format(self._make(), spec)


EXIT_REASONS = {
    "burnout": "burnt out",
    "impatience": "out of patience",
    "drift": "drifted away",
    "lost_interest": "lost interest (wider network)",
}
CAUSE_TEXT = {
    "collapse": "too few members remain",
    "dormancy": "nothing adopted for too long",
    "purpose_achieved": "its purpose is achieved",
}


class EventLog(list):
    """A list of :class:`Event` with helpers that write the sentences."""

    def add(self, month: int, kind: str, text: str, *args) -> None:
        """Record one event (``text`` a template when ``args`` are given; see :class:`Event`)."""
        self.append(Event(month, kind, text, *args))

    def since(self, month: int) -> list[Event]:
        """Events from ``month`` on."""
        return [e for e in self if e.month >= month]
