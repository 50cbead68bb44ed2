"""Experiments: results folders, replicated comparisons, reports, plots and the ``resilience`` command line.

Public API:
    compare(names, replicates=..., weeks=..., out=...) -> ComparisonResult: run (or resume) a paired
        comparison of scenarios against the baseline and write its report.
    run_experiment, analyse: the two halves of ``compare``.
    paired_differences, cost_effectiveness, rank: the comparison tables from a runs table.
"""

from .comparison import cost_effectiveness, paired_differences, rank
from .experiment import ComparisonResult, ExperimentError, analyse, compare, run_experiment

__all__ = ["compare", "run_experiment", "analyse", "ComparisonResult", "ExperimentError", "paired_differences",
           "cost_effectiveness", "rank"]
