"""The one error type for bad input, and the "did you mean" hint its messages carry.

``InputError`` is a ``ValueError`` whose message is a single line that names the
field and what is allowed. The CLI prints it (no traceback) and exits with 2;
library callers can catch it as ValueError.
"""

import difflib


class InputError(ValueError):
    """Bad input from a user: a parameter, a flag or a file."""


def suggest(name: str, choices) -> str:
    """A ' (did you mean ...?)' hint for a misspelt name, or ''."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
