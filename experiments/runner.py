"""Replicated experiments: (scenario, replicate) tasks run through any ``concurrent.futures.Executor``.

Replicate seeds come from one root seed (``SeedSequence(root).spawn(n)``); replicate ``r`` uses the same seed in
every scenario, so differences between scenarios are paired (common random numbers). Each task carries its seed
and its resolved parameters, so results do not depend on the executor or the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model import DEFAULT_BURN_IN_WEEKS, Parameters, simulate


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
    """

    scenario: str
    replicate: int
    seed: int
    params: Parameters
    weeks: int
    burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS

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
        weekly: weekly table of the run.
    """

    key: tuple[str, int]
    seed: int
    summary: dict[str, float]
    weekly: pd.DataFrame = field(repr=False)


def replicate_seeds(root: int, n: int) -> list[int]:
    """Seeds of ``n`` replicates from one root seed: ``SeedSequence(root).spawn(n)``, each as a 63-bit integer."""
    if n < 1:
        raise ValueError(f"replicates must be at least 1, got {n}")
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in
            np.random.SeedSequence(root).spawn(n)]


def make_tasks(scenarios: dict[str, Parameters], replicates: int, root_seed: int, weeks: int,
               burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS) -> list[Task]:
    """All (scenario, replicate) tasks, replicate-major so early results cover every scenario."""
    seeds = replicate_seeds(root_seed, replicates)
    return [Task(name, r, seeds[r], params, weeks, burn_in_weeks)
            for r in range(replicates) for name, params in scenarios.items()]


def run_task(task: Task) -> TaskResult:
    """Run one task (top-level and picklable, for process pools and dask)."""
    result = simulate(task.params, seed=task.seed, weeks=task.weeks, burn_in_weeks=task.burn_in_weeks)
    return TaskResult(task.key, task.seed, result.summary, result.weekly)


def default_workers() -> int:
    """Worker processes for the local pool: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def local_executor(workers: int | None = None) -> Executor:
    """A process pool sized to the machine (spawned workers: nothing relies on fork)."""
    import multiprocessing

    return ProcessPoolExecutor(max_workers=workers or default_workers(),
                               mp_context=multiprocessing.get_context("spawn"))


def dask_executor(address: str) -> Executor:
    """An executor on a ``dask.distributed`` cluster (install the ``distributed`` extra).

    Args:
        address: scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    """
    try:
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the dask scheduler needs the 'distributed' extra: pip install "
                           "'workforce-resilience[distributed]'") from exc
    return Client(address).get_executor(pure=False)


class SerialExecutor(Executor):
    """Runs each task at submission, in this process (for debugging and for tests of equivalence).

    Exceptions of the task are handed over through the future; an interrupt (KeyboardInterrupt, SystemExit)
    propagates at once, as it would stop a real run.
    """

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def stream(executor: Executor, fn: Callable, items: Iterable, window: int = 64):
    """Yield ``(item, fn(item))`` as results finish, keeping at most ``window`` tasks submitted at once.

    Results are handed back as soon as they exist, so a caller that stores them loses nothing finished when the
    run is interrupted, whatever the executor (a serial executor finishes each task at submission).
    """
    pending: dict[Future, object] = {}
    for item in items:
        fut = executor.submit(fn, item)
        pending[fut] = item
        # hand back whatever has finished (without waiting), and wait only when the window is full
        for d in [f for f in pending if f.done()]:
            yield pending.pop(d), d.result()
        while len(pending) >= window:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for d in done:
                yield pending.pop(d), d.result()
    while pending:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for d in done:
            yield pending.pop(d), d.result()


def execute(tasks: Iterable[Task], executor: Executor,
            on_result: Callable[[TaskResult], None], window: int = 64) -> None:
    """Run every task and call ``on_result`` in the calling process as each one finishes."""
    for _task, result in stream(executor, run_task, tasks, window):
        on_result(result)
