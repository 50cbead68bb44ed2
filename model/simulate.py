"""``simulate()``: one run as a picklable top-level function, for runners, SALib and other tools."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .outcomes import summarise, summarise_by_team_type
from .parameters import Parameters
from .workforce import DEFAULT_BURN_IN_WEEKS, WorkforceModel


@dataclass
class RunResult:
    """Result of one run.

    Attributes:
        weekly: one row per recorded week (``week`` 0 is the state at the end of the burn-in), one column per
            registered outcome.
        summary: run summary (see :func:`model.outcomes.summarise`) plus ``seed`` and ``weeks``; a service with
            team types adds each type's summary as ``name[team_type]`` (and ``weekly`` its columns
            ``outcome[team_type]``, :data:`model.outcomes.BY_TEAM_TYPE`).
        params: the parameters the run used.
        seed: the root seed.
    """

    weekly: pd.DataFrame
    summary: dict[str, float]
    params: Parameters
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)


def simulate(params: Parameters | Mapping[str, Any] | None = None, seed: int = 0, weeks: int = 260, *,
             burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS, eval_start_week: int = 0,
             on_week: Callable[[int], None] | None = None, record=None, warm_start: bool = True,
             staff=None, service=None) -> RunResult:
    """Run the model for ``weeks`` recorded weeks after a burn-in and summarise it.

    Args:
        params: a :class:`Parameters`, a mapping of dotted overrides on the defaults, or None for defaults.
        seed: root seed.
        weeks: recorded weeks after the burn-in.
        burn_in_weeks: unrecorded weeks before week 0.
        eval_start_week: the summary's evaluation window is the weeks after this one (default 0: every
            recorded week after the pre-policy state of week 0).
        on_week: called with the week number after every recorded week (for progress bars).
        record: outcomes to record (default all; see :class:`~model.workforce.WorkforceModel`); the summary
            then holds only the figures of the recorded outcomes.
        warm_start: draw the established staff from a settled pilot of the burn-in's parameters (see
            :class:`~model.workforce.WorkforceModel`); False draws them from ``initial_staff``.
        staff: a staff snapshot imposed at week 0 (:class:`~model.staff.StaffSnapshot`), or None.
        service: the service's team types and staff snapshot (:class:`~model.service.Service`), or None.

    Returns:
        :class:`RunResult`.
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"weeks must be a positive integer, got {weeks!r}")
    if not (isinstance(eval_start_week, int) and 0 <= eval_start_week < weeks):  # window: weeks after it
        raise ValueError(f"eval_start_week must be an integer from 0 to weeks - 1, got {eval_start_week!r}")
    if not isinstance(params, Parameters):
        params = Parameters().with_overrides(params or {})
    m = WorkforceModel(params, rng=seed, burn_in_weeks=burn_in_weeks, record=record, warm_start=warm_start,
                       staff=staff, service=service)
    for week in range(1, weeks + 1):
        m.step()
        if on_week is not None:
            on_week(week)
    weekly = m.datacollector.get_model_vars_dataframe()
    weekly.insert(0, "week", range(len(weekly)))
    weekly = weekly.reset_index(drop=True)
    summary = summarise(weekly, eval_start_week)
    if m.service.team_types:
        summary.update(summarise_by_team_type(weekly, [t.name for t in m.team_types], eval_start_week))
    summary["seed"] = seed
    summary["weeks"] = weeks
    return RunResult(weekly=weekly, summary=summary, params=params, seed=seed)
