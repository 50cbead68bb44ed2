"""Replicated experiments: (scenario, replicate) tasks run through any ``concurrent.futures.Executor``.

Replicate seeds come from one root seed (``SeedSequence(root).spawn(n)``); replicate ``r`` uses the same seed in
every scenario, so differences between scenarios are paired (common random numbers). Each task carries its seed
and its resolved parameters, so results do not depend on the executor or the number of workers (executors
are made in :mod:`experiments.executors`).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model import DEFAULT_BURN_IN_WEEKS, Parameters, burn_in, simulate
from model.service import Service
from model.workforce import hold_settled_pool, pilot_key, settled_pool

# executors live in .executors; these names stay importable from here for existing callers
from .executors import SerialExecutor, dask_executor, default_workers, local_executor, stream  # noqa: F401


@dataclass(frozen=True)
class Task:
    """One run of one scenario.

    Attributes:
        scenario: scenario name.
        replicate: replicate index (0-based).
        seed: root seed of the run (the same for a replicate in every scenario).
        params: resolved parameters.
        weeks: recorded weeks.
        burn_in_weeks: unrecorded weeks before week 0.
        ensemble_row: the row of a calibrated ensemble whose parameter set the run uses (None: no ensemble).
        service: the scenario's team types and staff snapshot (None: one kind of team, no snapshot).
    """

    scenario: str
    replicate: int
    seed: int
    params: Parameters
    weeks: int
    burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS
    ensemble_row: int | None = None
    service: Service | None = None

    @property
    def key(self) -> tuple[str, int]:
        """(scenario, replicate): the identity of a run in the results store."""
        return (self.scenario, self.replicate)


@dataclass
class TaskResult:
    """What a task returns: the summary row and the weekly rows of one run.

    Attributes:
        key: (scenario, replicate).
        seed: the run's seed.
        summary: run summary (flat dict).
        weekly: weekly table of the run (None once the worker has stored it).
        stored: the worker stored the run in the results folder itself (:func:`run_batch`).
        tables: the parts the worker stored, as the Arrow tables it wrote (weekly, summary), for the results
            folder to consolidate without reading them back (:meth:`experiments.results.ExperimentStore.keep`).
    """

    key: tuple[str, int]
    seed: int
    summary: dict[str, float]
    weekly: pd.DataFrame | None = field(repr=False)
    stored: bool = False
    tables: tuple | None = field(default=None, repr=False)


def replicate_seeds(root: int, n: int) -> list[int]:
    """Seeds of ``n`` replicates from one root seed: ``SeedSequence(root).spawn(n)``, each as a 63-bit integer."""
    if n < 1:
        raise ValueError(f"replicates must be at least 1, got {n}")
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in
            np.random.SeedSequence(root).spawn(n)]


def make_tasks(scenarios: dict[str, Parameters], replicates: int, root_seed: int, weeks: int,
               burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS,
               services: dict[str, Service] | None = None) -> list[Task]:
    """All (scenario, replicate) tasks, replicate-major so early results cover every scenario (``services``: the
    team types and staff snapshot of each scenario that has them)."""
    seeds = replicate_seeds(root_seed, replicates)
    services = services or {}
    return [Task(name, r, seeds[r], params, weeks, burn_in_weeks, service=services.get(name))
            for r in range(replicates) for name, params in scenarios.items()]


def clinician_weeks(tasks: Iterable) -> float:
    """Clinician-weeks of a list of run tasks (anything with ``params``, ``weeks`` and ``burn_in_weeks``), burn-in
    weeks included: the size of a job for the executors and the estimates."""
    return float(sum(t.params.service.n_posts * (t.weeks + t.burn_in_weeks) for t in tasks))


def run_task(task: Task) -> TaskResult:
    """Run one task (top-level and picklable, for process pools and dask)."""
    result = simulate(task.params, seed=task.seed, weeks=task.weeks, burn_in_weeks=task.burn_in_weeks,
                      service=task.service)
    summary = result.summary if task.ensemble_row is None else {**result.summary, "ensemble_row": task.ensemble_row}
    return TaskResult(task.key, task.seed, summary, result.weekly)


def run_batch(tasks: tuple[Task, ...], parts: Path | None = None,
              pilots: dict[str, dict[str, np.ndarray]] | None = None) -> list[TaskResult]:
    """Run tasks one after another in one process (top-level and picklable): runs of one replicate, whose
    burn-in is the same, so that it is simulated once and the other runs resume it (:func:`model.burn_in.keeping`).

    Args:
        parts: a comparison's ``parts/`` folder on a file system this process shares with the caller: each run
            is stored there as soon as it ends (:func:`experiments.results.store_run`) and comes back as its key,
            seed, summary and the Arrow tables stored (``stored``), so a batch cut short loses only the run in
            progress.
        pilots: settled pools of warm starts already computed (by the caller, :func:`pilots_while_workers_start`),
            by :func:`model.workforce.pilot_key`: held by this process, so its runs do not simulate those pilots.
    """
    if parts is not None:
        from .results import store_run  # imported by the workers that store, when they first do
    for key, pool in (pilots or {}).items():
        hold_settled_pool(key, pool)
    out = []
    with burn_in.keeping() if len(tasks) > 1 else contextlib.nullcontext():
        for task in tasks:
            result = run_task(task)
            if parts is not None:
                tables = store_run(parts, result)
                result = TaskResult(result.key, result.seed, result.summary, None, stored=True, tables=tables)
            out.append(result)
    return out


def batches(tasks: Sequence[Task], size: int) -> list[tuple[Task, ...]]:
    """The tasks in order, cut into batches of consecutive tasks with one seed and burn-in length, at most
    ``size`` to a batch."""
    out: list[tuple[Task, ...]] = []
    current: list[Task] = []
    for t in tasks:
        if current and (len(current) == size or (t.seed, t.burn_in_weeks) != (current[0].seed,
                                                                                current[0].burn_in_weeks)):
            out.append(tuple(current))
            current = []
        current.append(t)
    if current:
        out.append(tuple(current))
    return out


def batch_size(tasks: Sequence[Task], workers: int) -> int:
    """Runs to a batch on ``workers`` workers: a replicate's runs split evenly over the workers (each worker then
    simulates the replicate's burn-in once), but small enough for at least four batches a worker, so that no
    worker waits long for the last one."""
    if not tasks:
        return 1
    return max(1, min(math.ceil(runs_per_replicate(tasks) / workers), math.ceil(len(tasks) / (4 * workers))))


def runs_per_replicate(tasks: Sequence[Task]) -> int:
    """The most runs any one replicate seed has among ``tasks`` (0 without tasks)."""
    return max(collections.Counter(t.seed for t in tasks).values(), default=0)


def worker_ready() -> None:
    """A task that does nothing: submitted to a new pool, it starts a worker, and it is done once the worker has
    started (imported the runner and the model)."""


def pilots_while_workers_start(tasks: Sequence[Task], executor: Executor, workers: int) -> dict[str, dict]:
    """The settled pools of the tasks' warm starts (:func:`model.workforce.settled_pool`) that this process computes
    while the ``workers`` of a new process pool start.

    A spawned worker takes about 1.5 s to import the model, and the pilot of a warm start takes about 1 s; each
    worker would otherwise simulate the same pilot at its first run of a context. The pilots are computed in the
    order the tasks need them, as long as some worker is still starting (at least the first one); the rest are
    left to the workers. The pools are the same whoever computes them (a pilot is a function of its parameters).
    """
    starting = [executor.submit(worker_ready) for _ in range(workers)]
    keys = list(dict.fromkeys(pilot_key(t.params, t.burn_in_weeks) for t in tasks))
    pools = {}
    for key in keys:
        if pools and all(f.done() for f in starting):
            break
        pools[key] = settled_pool(key)
    return pools


def execute(tasks: Iterable[Task], executor: Executor, on_result: Callable[[TaskResult], None], window: int = 64,
            batch: int = 1, parts: Path | None = None, workers: int | None = None) -> None:
    """Run every task and call ``on_result`` in the calling process as each one finishes.

    Args:
        batch: at most this many consecutive tasks of one replicate run as one job in one worker
            (:func:`batches`); their results are handed back together when the batch ends.
        parts: the workers store each run in this ``parts/`` folder as it ends (:func:`run_batch`); ``on_result``
            then gets results marked ``stored``, without their weekly rows.
        workers: ``executor`` is a new pool of this many local worker processes: this process computes the
            warm starts' pilots while they start and hands them over (:func:`pilots_while_workers_start`).
    """
    tasks = list(tasks)
    pilots = pilots_while_workers_start(tasks, executor, workers) if workers and tasks else None
    job = functools.partial(run_batch, parts=parts, pilots=pilots)
    for _batch, results in stream(executor, job, batches(tasks, batch), window):
        for result in results:
            on_result(result)
