"""What several wings share: the error type for bad input (``errors``), checks of where
output goes (``output``), atomic writes (``safe_write``), bounded TOML reading
(``toml_input``) and pool workers that exit with their parent (``parent_watch``).

Imports nothing else of the package, so every wing may use it.
"""
