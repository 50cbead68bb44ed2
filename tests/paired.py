"""Shared helpers of the paired-replicate tests: parameter values read from the declarations, paired t."""

from __future__ import annotations

import math

import numpy as np

from model import Parameters


def _lo(name: str) -> float:
    """Low end of a parameter's plausible range (``Parameters.spec(name).range``)."""
    return Parameters.spec(name).range[0]


def _hi(name: str) -> float:
    """High end of a parameter's plausible range (``Parameters.spec(name).range``)."""
    return Parameters.spec(name).range[1]


def _off(name: str) -> float:
    """Lowest accepted value of a parameter, used to switch a weight off (``Parameters.spec(name).bounds``)."""
    return Parameters.spec(name).bounds[0]


def _default(name: str) -> float:
    """Default value of a parameter."""
    return Parameters.spec(name).default


def paired_t(diff: np.ndarray) -> float:
    """One-sided paired t statistic of differences against zero.

    Args:
        diff: paired differences.

    Returns:
        ``mean / (sd / sqrt(n))`` with the sample SD; ``+inf`` or ``-inf`` when all differences are equal
        and non-zero, ``0`` when they are all zero.
    """
    mean, sd = float(np.mean(diff)), float(np.std(diff, ddof=1))
    if sd == 0.0:
        return math.copysign(math.inf, mean) if mean else 0.0
    return mean / (sd / math.sqrt(diff.size))
