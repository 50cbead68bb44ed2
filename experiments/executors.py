"""Executors: the one place that creates them, and the streaming loop that hands results back as they finish.

Every command (comparisons, sensitivity analyses) chooses where to run through :func:`make_executor` (or
:func:`executor_for`, which also shuts down what it made). Local pools use the ``spawn`` start method: Mesa 3.3
switches multiprocessing to spawn anyway, and spawned workers keep runners from relying on state inherited by
fork. Any other ``concurrent.futures.Executor`` works too; tasks carry their seed, so results do not depend on
the executor.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from .errors import ExperimentError

T = TypeVar("T")

__all__ = ["SerialExecutor", "default_workers", "local_executor", "dask_executor", "make_executor",
           "executor_for", "shutdown", "stream"]


def default_workers() -> int:
    """Worker processes for the local pool: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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


#: how often a worker checks that the process that started it is still alive (seconds)
PARENT_CHECK_SECONDS = 1.0


def _exit_with_parent(parent_pid: int, interval: float) -> None:
    """Worker initializer: end this worker when its parent dies, and at once when its pool shuts down.

    A killed main process (SIGKILL by the OOM killer, SIGTERM by a batch scheduler) cannot shut its pool down;
    without this its workers would stay alive and idle, holding memory. A daemon thread polls the parent pid.
    At a normal shutdown :func:`_exit_now` ends the worker.
    """
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    atexit.register(_exit_now)


def _exit_now() -> None:
    """End a worker without tearing its interpreter down (an exit handler of the pool's workers).

    A worker exits when its pool shuts down. By then every result it computed is in the pipe (the pool's result
    queue writes synchronously), every file it stored has been renamed into place, and multiprocessing has run
    its own finalisers (a worker's bootstrap does that before the interpreter exits); non-daemon threads have
    been joined before exit handlers run. What is left is the teardown of every module the worker imported
    (NumPy, pandas, numba, matplotlib), which the pool's owner would wait for: about 1.5 s at the end of a
    comparison. Python's own ``os._exit`` skips it, and with it the exit handlers registered before the pool's
    initializer ran (logging's flush, which the workers' handlers do per record; numba's and pyarrow's
    shutdown flags). The exit status is then 0 even for a worker that crashed (a task that could not be
    unpickled): the pool reads no exit status, and reports the crash itself (``BrokenProcessPool``, and the
    traceback on standard error).
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # closed or replaced
            pass
    os._exit(0)


def local_executor(workers: int | None = None) -> Executor:
    """A process pool of spawned workers (nothing relies on fork) that end when this process ends.

    Args:
        workers: worker processes (default, or 0: :func:`default_workers`).
    """
    return ProcessPoolExecutor(max_workers=workers or default_workers(),
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(), PARENT_CHECK_SECONDS))


#: how long to try to reach a dask scheduler before giving up (seconds)
SCHEDULER_TIMEOUT_SECONDS = 10


def dask_executor(address: str) -> Executor:
    """An executor on a ``dask.distributed`` cluster (install the ``distributed`` extra).

    Args:
        address: scheduler address, e.g. ``tcp://10.0.0.5:8786``.

    Raises:
        RuntimeError: ``distributed`` is not installed.
        ExperimentError: the scheduler cannot be reached within :data:`SCHEDULER_TIMEOUT_SECONDS` or the address
            is malformed (one line).
    """
    try:
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the dask scheduler needs the 'distributed' extra: pip install "
                           "'workforce-resilience[distributed]'") from exc
    try:
        client = Client(address, timeout=SCHEDULER_TIMEOUT_SECONDS)
    except (OSError, ValueError, TypeError, TimeoutError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExperimentError(f"--scheduler {address!r}: cannot connect ({reason}); check the address (e.g. "
                              "tcp://10.0.0.5:8786) and that the scheduler is running; a rerun resumes") from None
    # pure=False: every task is a distinct run even when its arguments hash alike
    return client.get_executor(pure=False)


#: below this many clinician-weeks a job runs in this process by default: a spawned worker takes about two
#: seconds to start (imports and compiled kernels), the time of about 500,000 clinician-weeks of simulation
MIN_POOL_CLINICIAN_WEEKS = 2_000_000


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  size: float | None = None) -> Executor:
    """The executor a command's ``workers``/``scheduler`` options ask for.

    Args:
        workers: local worker processes (default: the machine's CPUs; 1 runs in this process).
        scheduler: address of a dask.distributed scheduler; takes precedence over ``workers``.
        size: the job's clinician-weeks, if known; with the default ``workers``, a job smaller than
            :data:`MIN_POOL_CLINICIAN_WEEKS` runs in this process (starting workers would cost more than it saves).

    Returns:
        a dask executor, a :class:`SerialExecutor` (``workers=1``, or a small job by default) or a local process
        pool.
    """
    if scheduler:
        return dask_executor(scheduler)
    if workers == 1 or (workers is None and size is not None and size < MIN_POOL_CLINICIAN_WEEKS):
        return SerialExecutor()
    return local_executor(workers)


def shutdown(executor: Executor) -> None:
    """Shut down an executor (and the dask client behind one), cancelling what has not started."""
    try:
        executor.shutdown(wait=True, cancel_futures=True)
    except TypeError:  # dask's ClientExecutor has no cancel_futures
        executor.shutdown(wait=True)
    client = getattr(executor, "_client", None)
    if client is not None:
        client.close()


@contextmanager
def executor_for(executor: Executor | None = None, *, workers: int | None = None,
                 scheduler: str | None = None, size: float | None = None) -> Iterator[Executor]:
    """Use ``executor`` if given, else one from :func:`make_executor` (``size``: the job's clinician-weeks), shut
    down on exit.

    A caller's own executor is left running: whoever made an executor shuts it down.
    """
    if executor is not None:
        yield executor
        return
    made = make_executor(workers, scheduler, size)
    try:
        yield made
    except BrokenProcessPool:
        raise ExperimentError(
            "a worker process died (killed by the system, often for lack of memory, or it could not start: a "
            "script that starts workers must call them under `if __name__ == \"__main__\":`); the runs finished "
            "so far are stored, so the same command resumes") from None
    finally:
        shutdown(made)


def stream(executor: Executor, fn: Callable[[T], Any], items: Iterable[T], window: int = 64) -> Iterator[tuple[T, Any]]:
    """Yield ``(item, fn(item))`` as results finish, keeping at most ``window`` tasks submitted at once.

    Results are handed back as soon as they exist, so a caller that stores them loses nothing finished when the
    run is interrupted, whatever the executor (a serial executor finishes each task at submission). The window
    bounds memory on long task lists without leaving workers idle.

    Raises:
        ValueError: ``window`` is below 1.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    pending: dict[Future, T] = {}
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


class Workers:
    """The executor of a job's runs, kept open for its later steps (a comparison draws its report's charts on
    its workers) and shut down when the block ends, as :func:`executor_for` would have shut it down.

    ``with Workers() as held:`` ... ``ex = held.open(executor, workers=..., scheduler=..., size=...)`` ...
    ``held.executor`` (None until a step opens one).
    """

    def __init__(self) -> None:
        self._stack = ExitStack()
        self.executor: Executor | None = None

    def open(self, executor: Executor | None = None, **kwargs: Any) -> Executor:
        """The executor :func:`executor_for` gives for ``executor`` and ``kwargs``, open until the block ends."""
        self.executor = self._stack.enter_context(executor_for(executor, **kwargs))
        return self.executor

    def defer(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` when the block ends, after the executors opened later have shut down."""
        self._stack.callback(fn, *args)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: Any) -> bool | None:
        self.executor = None
        return self._stack.__exit__(*exc)
