"""What several wings share: the error type for bad input, atomic writes, TOML reading.

Imports nothing else of the package, so every wing may use it.
"""
