"""The ``coalition-sim`` command line: ``main`` parses, each of ``commands/`` is one subcommand.

The top of the stack: it may use every other wing, and no wing imports it.
"""
