"""Scenario files (``*.toml`` in this folder) and their loader.

Public API:
    load(name_or_path) -> Scenario: resolve ``extends`` and validate against ``model.Parameters``.
    library_names() -> list of built-in scenario names.
    ScenarioError: raised with a message naming the file, key path, value and what is allowed.
"""

from .loader import LIBRARY, Scenario, ScenarioError, library_names, load, read_file, resolve_path

__all__ = ["LIBRARY", "Scenario", "ScenarioError", "library_names", "load", "read_file", "resolve_path"]
