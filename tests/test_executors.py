"""Executors: the choice every command makes, and streaming results as they finish."""

from __future__ import annotations

import operator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

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
