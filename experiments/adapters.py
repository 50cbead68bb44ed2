"""The model in the ecosystem's own tools: an EMA Workbench model and a SALib ``ProblemSpec``, generated from the
parameter declarations.

Both wrap one :class:`~experiments.sensitivity.ModelFunction` (parameters by dotted name -> run summaries), so
the ranges, whole-number parameters, units and directions come from ``model.Parameters`` and the outcome
registry and are never retyped.

* :func:`ema_model` returns an ``ema_workbench.Model``: the selected uncertainties and levers as
  ``RealParameter``/``IntegerParameter`` over their plausible ranges, the outputs as ``ScalarOutcome`` (``MINIMIZE``
  where lower is better, ``MAXIMIZE`` where higher is, ``INFO`` otherwise) and the seed as a ``Constant``.
  EMA Workbench wants identifiers as names, so ``burnout.rate_gain`` is called ``burnout__rate_gain`` there and
  the dotted name is its ``variable_name`` (what the function receives). Run it with ``perform_experiments`` and
  any evaluator; analyse with its PRIM, CART or feature scoring (Kwakkel 2017).
* :func:`salib_problem` returns a ``SALib.ProblemSpec`` and :func:`salib_evaluator` an array-in/array-out
  function for ``ProblemSpec.evaluate`` (one row of inputs per run, one column per output), so SALib's own chained
  interface (``sp.sample_sobol(64).evaluate(f).analyze_sobol()``; Iwanaga, Usher & Herman 2022) runs the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.outcomes import SUMMARIES

from .sensitivity import ModelFunction, problem_from_parameters

#: how EMA Workbench names a dotted parameter (it needs Python identifiers)
SEPARATOR = "__"


def identifier(dotted: str) -> str:
    """EMA Workbench's name of a parameter: ``burnout.rate_gain`` -> ``burnout__rate_gain``."""
    return dotted.replace(".", SEPARATOR)


@dataclass(frozen=True)
class EMAFunction:
    """The callable of :func:`ema_model` (picklable, for EMA's multiprocessing evaluator): keyword arguments by
    dotted name plus ``seed``, returning ``{output: value}``."""

    function: ModelFunction

    def __call__(self, **inputs: Any) -> dict[str, float]:
        return self.function(inputs)


def _selection(entries: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    from .calibration_file import selection

    return selection(list(entries))


def ema_model(uncertainties: Sequence[str] = ("uncertainties",), levers: Sequence[str] = (),
              outputs: Sequence[str] = ("prop_high_bo_mean", "annual_turnover", "n_waitlist_mean"), *,
              name: str = "workforce", weeks: int = 156, clinicians: int = 200, burn_in_weeks: int = 156,
              seed: int = 0, base: Mapping[str, Any] | None = None, warm_start: bool = True):
    """The workforce model as an EMA Workbench ``Model``.

    Args:
        uncertainties, levers: dotted names, group names or the tags ``uncertainties``/``levers`` (as in
            calibration and sensitivity files); their start weeks are left out. A parameter in both is a lever.
        outputs: run summaries (:data:`model.outcomes.SUMMARIES`), the model's outcomes.
        name: the model's name in EMA Workbench.
        weeks, clinicians, burn_in_weeks: the runs' horizon, posts and burn-in.
        seed: the root seed of every run (an EMA ``Constant``; replicate by varying it).
        base: dotted overrides applied to every run (a scenario's settings).
        warm_start: established staff from a settled pilot (see :class:`model.WorkforceModel`).

    Raises:
        SensitivityError: an unknown parameter, group or tag, or an empty selection of uncertainties.
    """
    from ema_workbench import Constant, IntegerParameter, Model, RealParameter, ScalarOutcome

    lever_problem = problem_from_parameters(*_selection(levers), start_weeks=False) if levers else None
    unc_problem = problem_from_parameters(*_selection(uncertainties), start_weeks=False)
    lever_names = set(lever_problem["names"]) if lever_problem else set()

    def parameters(problem, skip=frozenset()):
        out = []
        for n, (lo, hi) in zip(problem["names"], problem["bounds"]):
            if n in skip:
                continue
            if n in problem["int_names"]:
                out.append(IntegerParameter(identifier(n), int(lo), int(hi), variable_name=n))
            else:
                out.append(RealParameter(identifier(n), float(lo), float(hi), variable_name=n))
        return out

    int_names = tuple(unc_problem["int_names"]) + (tuple(lever_problem["int_names"]) if lever_problem else ())
    f = ModelFunction(outputs=tuple(outputs), weeks=weeks, burn_in_weeks=burn_in_weeks,
                      base=tuple(sorted({**(base or {}), "service.n_posts": clinicians}.items())),
                      int_names=int_names, warm_start=warm_start)
    model = Model(name, function=EMAFunction(f))
    model.uncertainties = parameters(unc_problem, skip=lever_names)
    if lever_problem:
        model.levers = parameters(lever_problem)
    kinds = {"lower": ScalarOutcome.MINIMIZE, "higher": ScalarOutcome.MAXIMIZE, "info": ScalarOutcome.INFO}
    model.outcomes = [ScalarOutcome(o, kind=kinds[SUMMARIES[o].direction]) for o in outputs]
    model.constants = [Constant("seed", seed)]
    return model


@dataclass(frozen=True)
class ArrayEvaluator:
    """Array-in/array-out model for ``SALib.ProblemSpec.evaluate``: ``f(X)`` with one row per run and one column
    per parameter of the problem (in its order) returns one row per run and one column per output."""

    function: ModelFunction
    names: tuple[str, ...]
    seed: int = 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float))
        rows = [self.function({**dict(zip(self.names, x)), "seed": self.seed}) for x in X]
        return np.array([[r[o] for o in self.function.outputs] for r in rows], dtype=float)


def salib_problem(parameters: Sequence[str] = ("uncertainties",),
                  outputs: Sequence[str] = ("prop_high_bo_mean",)):
    """A ``SALib.ProblemSpec`` over the selected parameters' plausible ranges, with the outputs named.

    Args:
        parameters: dotted names, group names or the tags ``uncertainties``/``levers`` (start weeks left out).
        outputs: run summaries the evaluator returns, in this order.
    """
    from SALib import ProblemSpec

    problem = problem_from_parameters(*_selection(parameters), start_weeks=False)
    return ProblemSpec({"names": list(problem["names"]), "bounds": [list(b) for b in problem["bounds"]],
                        "outputs": list(outputs)})


def salib_evaluator(sp, *, weeks: int = 156, clinicians: int = 200, burn_in_weeks: int = 156, seed: int = 0,
                    base: Mapping[str, Any] | None = None, warm_start: bool = True) -> ArrayEvaluator:
    """The array-in/array-out model of a :func:`salib_problem` (whole-number parameters rounded)."""
    names = tuple(sp["names"])
    problem = problem_from_parameters(list(names), start_weeks=False)
    f = ModelFunction(outputs=tuple(sp["outputs"]), weeks=weeks, burn_in_weeks=burn_in_weeks,
                      base=tuple(sorted({**(base or {}), "service.n_posts": clinicians}.items())),
                      int_names=tuple(problem["int_names"]), warm_start=warm_start)
    return ArrayEvaluator(f, names, seed)
