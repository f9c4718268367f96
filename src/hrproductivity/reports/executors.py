"""Executors run report tasks and yield their outcomes as they finish; chosen by name.

``local``
    A pool of worker processes on this machine (``jobs`` of them, started with
    ``spawn``). Each worker is reused for many reports, so the Python start-up
    and the imports of nbclient and nbconvert are paid once per worker, not per
    report; each report still gets its own fresh kernel. A caller that wants
    the workers started early (while it reads the data) owns them in a
    ``with local_workers(jobs) as workers:`` block and passes ``workers`` as
    the executor (:class:`LocalWorkers`).
``dask``
    A Dask distributed cluster: ``scheduler`` is the scheduler's address
    (``tcp://host:8786``), whose workers decide how many reports run at once;
    without one, a local cluster of ``jobs`` worker processes is started for
    the run. The workers need hrproductivity and the kernel installed and
    must see the template's inputs (``dataset``, ``cache``) at the same paths;
    outputs come back to this process, which writes them.

Every executor is a function ``(tasks, *, jobs, scheduler) -> iterator of
Outcome`` that runs :func:`~hrproductivity.reports.worker.execute_job` on each
task; a worker that dies yields a failed outcome for its task. Register
another with :func:`register_executor`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from hrproductivity._registry import Registry
from hrproductivity.errors import ReportError
from hrproductivity.reports.worker import Outcome, Task, execute_job, init_worker

__all__ = [
    "Executor",
    "LocalWorkers",
    "get_executor",
    "local_workers",
    "register_executor",
    "registered_executors",
]

Executor = Callable[..., Iterator[Outcome]]
"""``executor(tasks, *, jobs, scheduler) -> Iterator[Outcome]``."""

_EXECUTORS: Registry[Executor] = Registry("executor")


def register_executor(name: str, executor: Executor, *, overwrite: bool = False) -> None:
    """Make ``executor`` available to :func:`~hrproductivity.reports.run_reports` as ``name``.

    A name already registered is replaced only with ``overwrite=True``.
    """
    _EXECUTORS.register(name, executor, overwrite=overwrite)


def get_executor(name: str) -> Executor:
    """The executor registered as ``name``.

    Raises
    ------
    UnknownNameError
        Listing the registered names.
    """
    return _EXECUTORS.get(name)


def registered_executors() -> list[str]:
    """Names of the registered executors."""
    return _EXECUTORS.names()


def _crashed(task: Task, exc: BaseException) -> Outcome:
    message = f"the worker running this report stopped: {type(exc).__name__}: {exc}"
    return Outcome(task.key, False, 0.0, 0, {}, {"message": message})


def _nothing() -> None:
    """A task that only makes the pool start a worker (workers start on demand)."""


class LocalWorkers:
    """Worker processes of the ``local`` executor, owned by a ``with`` block.

    Entering starts ``min(jobs, ahead)`` workers at once; the pool grows to
    ``jobs`` when the tasks need them (so a big machine does not start dozens
    of workers for two reports). Leaving stops them all. A worker takes a
    second or two of CPU to start (Python, nbclient, nbconvert, the report
    kernels' fork server): entered first, that overlaps what the caller does
    before the tasks are known (reading the dataset, preparing the cache)::

        with local_workers(4, ahead=2) as workers:
            data = load_dataset(folder)  # meanwhile the workers start
            run_reports(jobs, ..., executor=workers)

    Parameters
    ----------
    jobs : int
        Most workers at a time.
    ahead : int
        Workers started on entering (at least one).
    """

    def __init__(self, jobs: int, *, ahead: int = 4) -> None:
        if jobs < 1:
            raise ReportError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self.ahead = max(1, min(jobs, ahead))
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalWorkers:
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )
        for _ in range(self.ahead):  # each task starts a worker (none is idle yet)
            self._pool.submit(_nothing)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            _stop(self._pool)
            self._pool = None

    @property
    def processes(self) -> list[Any]:
        """The worker processes running now."""
        return list((getattr(self._pool, "_processes", None) or {}).values())

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        """Run ``tasks`` on these workers; yield their outcomes as they finish.

        A worker that dies fails its task only. Closing the iterator early
        cancels the tasks not yet started.
        """
        if self._pool is None:
            raise ReportError("the local workers are not running: use them in a with block")
        futures: dict[Future[Outcome], Task] = {self._pool.submit(execute_job, t): t for t in tasks}
        try:
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its report only
                    outcome = _crashed(futures[future], exc)
                yield outcome
        finally:
            for future in futures:
                future.cancel()


def local_workers(jobs: int, *, ahead: int = 4) -> LocalWorkers:
    """Local worker processes for a ``with`` block (see :class:`LocalWorkers`)."""
    return LocalWorkers(jobs, ahead=ahead)


def _stop(pool: ProcessPoolExecutor) -> None:
    # Done or interrupted, stop the workers now rather than wait for their
    # interpreters to wind down; a worker's kernel follows its worker.
    processes: list[Any] = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
    for process in processes:  # still winding down after 5 s (a loaded machine): no waiting
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def local(tasks: Sequence[Task], *, jobs: int, scheduler: str | None = None) -> Iterator[Outcome]:
    """Run tasks in ``jobs`` local worker processes, started for them and stopped after."""
    if scheduler is not None:
        raise ReportError("a scheduler address applies to the dask executor only")
    if not tasks:
        return
    n = min(jobs, len(tasks))
    with local_workers(n, ahead=n) as workers:
        yield from workers.run(tasks)


def dask(tasks: Sequence[Task], *, jobs: int, scheduler: str | None = None) -> Iterator[Outcome]:
    """Run tasks on a Dask distributed cluster (``scheduler`` address, or a local one)."""
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ReportError(
            "the dask executor needs dask and distributed: pip install 'hrproductivity[dask]'"
        ) from None
    if not tasks:
        return
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=min(jobs, len(tasks)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=30)
        except OSError as exc:
            raise ReportError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    run = uuid.uuid4().hex[:8]
    futures: list[Any] = []
    finished = False
    try:
        by_key: dict[Any, Task] = {}
        for i, task in enumerate(tasks):
            future = client.submit(execute_job, task, key=f"hrp-report-{run}-{i}", pure=False)
            by_key[future.key] = task
            futures.append(future)
        for future in dask_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its report only
                outcome = _crashed(by_key[future.key], exc)
            yield outcome
        finished = True
    finally:
        if not finished and futures:
            client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


register_executor("local", local)
register_executor("dask", dask)
