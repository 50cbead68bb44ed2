"""Errors of the experiments layer: bad input, explained in one line (file, field, value, what is allowed)."""


class ExperimentError(ValueError):
    """Bad experiment or comparison input."""
