"""Executors: the choice every command makes, and streaming results as they finish."""

from __future__ import annotations

import operator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

import pandas as pd
import pytest

from experiments import executors
from experiments.executors import SerialExecutor, default_workers, executor_for, make_executor, stream


def test_default_workers_is_at_least_one():
    assert default_workers() >= 1


def test_one_worker_runs_here():
    ex = make_executor(workers=1)
    assert isinstance(ex, SerialExecutor)
    assert ex.submit(operator.neg, 3).result() == -3


def test_serial_executor_hands_errors_through_the_future_but_not_interrupts():
    ex = SerialExecutor()
    fut = ex.submit(operator.truediv, 1, 0)
    assert isinstance(fut.exception(), ZeroDivisionError)

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ex.submit(interrupted)


@pytest.mark.parametrize("workers, expected", [(2, 2), (None, default_workers())])
def test_local_pools_are_spawned(workers, expected):
    ex = make_executor(workers=workers)
    try:
        assert isinstance(ex, ProcessPoolExecutor)
        # Mesa 3.3 switches to spawn; runners must not depend on fork
        assert ex._mp_context.get_start_method() == "spawn"
        assert ex._max_workers == expected
    finally:
        executors.shutdown(ex)


def test_scheduler_takes_precedence(monkeypatch):
    calls = []

    def fake_dask(address):
        calls.append(address)
        return SerialExecutor()

    monkeypatch.setattr(executors, "dask_executor", fake_dask)
    assert isinstance(make_executor(workers=4, scheduler="tcp://h:8786"), SerialExecutor)
    assert calls == ["tcp://h:8786"]


def test_executor_for_shuts_down_only_what_it_made(monkeypatch):
    shut: list[Executor] = []
    monkeypatch.setattr(executors, "shutdown", shut.append)
    mine = SerialExecutor()
    with executor_for(mine, workers=3) as ex:
        assert ex is mine
    assert shut == []
    with executor_for(workers=1) as ex:
        assert isinstance(ex, SerialExecutor)
    assert shut == [ex]


def test_stream_rejects_an_empty_window():
    with pytest.raises(ValueError, match="window"):
        list(stream(SerialExecutor(), abs, [1], window=0))


def _check_stream(ex: Executor, window: int) -> None:
    items = list(range(-20, 20))
    got = list(stream(ex, abs, items, window=window))
    assert sorted(i for i, _ in got) == items  # every item once
    assert all(r == abs(i) for i, r in got)


@pytest.mark.parametrize("window", [1, 3, 64])
def test_stream_serial_and_threads(window):
    _check_stream(SerialExecutor(), window)
    with ThreadPoolExecutor(3) as ex:
        _check_stream(ex, window)


def test_stream_serial_yields_each_result_before_the_next_submission():
    submitted: list[int] = []

    def record(i):
        submitted.append(i)
        return i

    for i, _ in stream(SerialExecutor(), record, range(5)):
        assert submitted[-1] == i  # handed back before the next task starts: nothing finished is held back


def test_stream_process_pool():
    with executor_for(workers=2) as ex:
        _check_stream(ex, 4)


def test_stream_dask():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as c:
        with executor_for(scheduler=c.scheduler_address) as ex:
            _check_stream(ex, 5)



def test_small_jobs_run_in_this_process_by_default():
    from concurrent.futures import ProcessPoolExecutor

    from experiments.executors import MIN_POOL_CLINICIAN_WEEKS, SerialExecutor, make_executor, shutdown

    assert isinstance(make_executor(size=MIN_POOL_CLINICIAN_WEEKS - 1), SerialExecutor)
    for kwargs in (dict(size=MIN_POOL_CLINICIAN_WEEKS), dict(workers=2, size=10.0), dict()):
        ex = make_executor(**kwargs)
        try:
            assert isinstance(ex, ProcessPoolExecutor), kwargs  # a large job, or workers asked for explicitly
        finally:
            shutdown(ex)


def test_a_worker_that_dies_is_one_sentence():
    import os

    from experiments.errors import ExperimentError
    from experiments.executors import executor_for

    with pytest.raises(ExperimentError, match=r"a worker process died .* the same command resumes"):
        with executor_for(workers=2) as ex:
            ex.submit(os._exit, 3).result()


@pytest.mark.parametrize("address", ["nonsense:::1", "tcp://127.0.0.1:9"])
def test_an_unreachable_scheduler_is_one_sentence(monkeypatch, address):
    from experiments import executors
    from experiments.errors import ExperimentError

    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT_SECONDS", 2)
    with pytest.raises(ExperimentError, match=rf"--scheduler '{address}': cannot connect \("):
        executors.dask_executor(address)


def test_a_worker_that_runs_tasks_imports_neither_the_analysis_nor_the_report():
    # a spawned worker unpickles experiments.runner.run_task: the package's public names load only when used
    import subprocess
    import sys

    # nor, when it stores runs, the plotting of single runs; nor the sensitivity analysis, when it re-imports the
    # command line (a spawned worker of `resilience compare` imports the script's module again)
    heavy = ("experiments.comparison", "experiments.experiment", "experiments.report", "matplotlib",
             "experiments.sensitivity", "SALib")
    code = ("import sys, experiments.runner, experiments.results, experiments.cli; "
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
    import experiments
    from experiments import ExperimentError, compare, rank  # and the public names still resolve

    assert compare.__module__ == "experiments.experiment" and rank.__module__ == "experiments.comparison"
    assert ExperimentError.__module__ == "experiments.errors"
    assert sorted(experiments.__all__) == sorted(experiments._HOMES)


def _tasks(replicates: int, arms: int):
    from experiments.runner import make_tasks
    from model import Parameters

    p = Parameters().with_overrides({"service.n_posts": 20})
    return make_tasks({f"arm{k}": p for k in range(arms)}, replicates, root_seed=1, weeks=2, burn_in_weeks=2)


def test_batches_are_consecutive_runs_of_one_replicate_in_order():
    from experiments.runner import batches

    tasks = _tasks(3, 5)
    cut = batches(tasks, 2)
    assert [t for b in cut for t in b] == tasks
    assert [len(b) for b in cut] == [2, 2, 1] * 3
    assert all(len({t.seed for t in b}) == 1 for b in cut)
    assert [len(b) for b in batches(tasks, 10)] == [5, 5, 5] and batches([], 3) == []


def test_batch_size_splits_a_replicate_over_the_workers_and_keeps_every_worker_busy():
    from experiments.runner import batch_size, runs_per_replicate

    assert batch_size(_tasks(20, 12), 1) == 12
    assert batch_size(_tasks(20, 12), 2) == 6
    assert batch_size(_tasks(2, 12), 2) == 3  # 24 runs: at least four batches a worker
    assert batch_size(_tasks(1, 1), 8) == 1 and batch_size([], 2) == 1
    assert runs_per_replicate(_tasks(3, 5)) == 5 and runs_per_replicate([]) == 0


def test_a_batch_gives_the_results_of_its_runs_one_by_one():
    from experiments.runner import run_batch, run_task
    from model import burn_in

    tasks = _tasks(1, 3)
    burn_in.SHARED.clear()
    together = run_batch(tuple(tasks))
    assert burn_in.SHARED.hits == 2  # simulated once, resumed twice
    with burn_in.unshared():
        alone = [run_task(t) for t in tasks]
    for a, b in zip(together, alone):
        assert a.key == b.key
        pd.testing.assert_series_equal(pd.Series(a.summary), pd.Series(b.summary))  # NaN where never surveyed
        pd.testing.assert_frame_equal(a.weekly, b.weekly)
    burn_in.SHARED.clear()


def test_a_batch_that_stores_keeps_every_run_finished_before_a_failure(tmp_path, monkeypatch):
    from experiments import runner
    from experiments.results import ExperimentStore

    tasks = _tasks(1, 3)
    store = ExperimentStore(tmp_path / "r")
    store.manifest = {"spec": {"scenarios": ["arm0", "arm1", "arm2"], "replicates": 1}}
    store.parts.mkdir(parents=True)
    real = runner.run_task

    def failing_third(task):
        if task.scenario == "arm2":
            raise RuntimeError("the machine ran out of memory")
        return real(task)

    monkeypatch.setattr(runner, "run_task", failing_third)
    with pytest.raises(RuntimeError):
        runner.run_batch(tuple(tasks), parts=store.parts)
    assert store.done() == {("arm0", 0), ("arm1", 0)}  # stored as they ended
    monkeypatch.setattr(runner, "run_task", real)
    out = runner.run_batch(tuple(tasks[2:]), parts=store.parts)
    assert [(r.key, r.stored, r.weekly) for r in out] == [(("arm2", 0), True, None)]
    assert store.done() == {("arm0", 0), ("arm1", 0), ("arm2", 0)}
    row = pd.read_parquet(store.parts / "runs-arm2__r0.parquet").iloc[0]
    assert row["n_in_post_mean"] == out[0].summary["n_in_post_mean"] and row["seed"] == out[0].seed


class _WritesOnTeardown:
    """Writes its file when deleted: a module global is deleted only when the interpreter is torn down."""

    def __init__(self, path: str) -> None:
        import os

        self.path, self.os = path, os  # builtins may be gone by then: keep what __del__ needs

    def __del__(self) -> None:
        fd = self.os.open(self.path, self.os.O_WRONLY | self.os.O_CREAT)
        self.os.write(fd, b"torn down")
        self.os.close(fd)


def _store_and_leave_an_object_for_teardown(folder: str) -> str:
    import pathlib

    pathlib.Path(folder, "stored.txt").write_text("stored")
    globals()["_left"] = _WritesOnTeardown(str(pathlib.Path(folder, "teardown.txt")))
    return "done"


def test_a_pool_worker_ends_without_tearing_its_interpreter_down_but_after_its_work(tmp_path):
    # a spawned worker would otherwise finalise every module it imported, which the caller waits for
    ex = executors.local_executor(1)
    assert ex.submit(_store_and_leave_an_object_for_teardown, str(tmp_path)).result() == "done"
    procs = list(ex._processes.values())
    ex.shutdown(wait=True)
    assert [p.exitcode for p in procs] == [0]
    assert (tmp_path / "stored.txt").read_text() == "stored"  # the work is done and kept
    assert not (tmp_path / "teardown.txt").exists()  # the interpreter was not torn down
