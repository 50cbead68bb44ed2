"""Experiments: results folders, replicated comparisons, reports, plots and the ``resilience`` command line.

Public API:
    compare(names, replicates=..., weeks=..., out=...) -> ComparisonResult: run (or resume) a paired
        comparison of scenarios against the baseline and write its report.
    run_experiment, analyse: the two halves of ``compare``.
    paired_differences, cost_effectiveness, rank: the comparison tables from a runs table.

The names are imported when first used (PEP 562): a worker process that only runs tasks
(:func:`experiments.runner.run_task`) then imports the model and the runner, not the analysis and report
modules (scipy.stats, matplotlib), which saves it about 1.4 s of start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: each public name and the module that defines it
_HOMES = {"compare": "experiment", "run_experiment": "experiment", "analyse": "experiment",
          "ComparisonResult": "experiment", "ExperimentError": "errors", "paired_differences": "comparison",
          "cost_effectiveness": "comparison", "rank": "comparison"}

__all__ = ["compare", "run_experiment", "analyse", "ComparisonResult", "ExperimentError", "paired_differences",
           "cost_effectiveness", "rank"]

if TYPE_CHECKING:
    from .comparison import cost_effectiveness, paired_differences, rank
    from .errors import ExperimentError
    from .experiment import ComparisonResult, analyse, compare, run_experiment


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
