"""The one error type for bad input.

``InputError`` is a ``ValueError`` whose message is a single line that names the
field and what is allowed. The CLI prints it (no traceback) and exits with 2;
library callers can catch it as ValueError.
"""


class InputError(ValueError):
    """Bad input from a user: a parameter, a flag or a file."""
