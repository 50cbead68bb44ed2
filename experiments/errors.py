"""Errors of the experiments layer: bad input, explained in one line (file, field, value, what is allowed)."""


class ExperimentError(ValueError):
    """Bad experiment or comparison input."""


class SensitivityError(ValueError):
    """Bad sensitivity-analysis input; the message names the field, the value and what is allowed."""
