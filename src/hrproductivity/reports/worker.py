"""Execute one report in a worker process: run the notebook, export it, return the files.

:func:`execute_job` is what every executor runs. It starts a fresh kernel for
the notebook, executes it with nbclient, exports HTML (and PDF) in the same
process, and returns the files' contents; it writes nothing but its own
temporary folder, so the parent writes every output atomically in one place
and a worker can run on another machine (Dask).

Kernel start failures are retried: when anything goes wrong before the kernel
answers its first request (a kernel that dies on start, ``ZMQError: Address
already in use``, a start-up timeout), the job is tried again after a pause
that doubles each time. A failure once the kernel is up (the notebook's own
code, a cell timeout, a kernel that dies mid-run) is not retried. The kernel
talks to the worker over Unix sockets in the job's temporary folder (IPC
transport) where available (not on Windows, nor when the temporary folder's
path is too long for a socket), so parallel kernels do not compete for TCP
ports, the usual cause of those start failures.
"""

from __future__ import annotations

import atexit
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hrproductivity.reports.record import RESULTS_ENV

__all__ = ["Outcome", "Task", "execute_job", "init_worker"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SOURCE_LINES = 12
_MAX_SOCKET_PATH = 90  # sun_path holds 104-108 bytes; jupyter_client appends "-<port>"
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one report (picklable, no open files).

    Attributes
    ----------
    key : str
        ``<level>/<name>``.
    notebook : str
        The parameterised notebook as JSON (parameters already injected).
    kernel_name : str
        Jupyter kernel to start.
    formats : tuple of str
        ``"html"`` and/or ``"pdf"`` (the executed notebook always comes back).
    lang : str
        Language of the page.
    cwd : str
        Working folder of the kernel (the template's folder when it exists).
    timeout : float or None
        Seconds a cell may run.
    attempts : int
        Kernel starts to try before giving up.
    backoff : float
        Seconds to wait after the first failed start; doubles each time.
    scratch : str
        Folder for the job's temporary files (the run's, removed by the parent
        even when a worker is stopped mid-report); the system's when absent.
    """

    key: str
    notebook: str
    kernel_name: str = "hrproductivity"
    formats: tuple[str, ...] = ("html",)
    lang: str = "fi"
    cwd: str = ""
    timeout: float | None = 600
    startup_timeout: float = 60
    attempts: int = 4
    backoff: float = 0.5
    scratch: str = ""


@dataclass(frozen=True)
class Outcome:
    """What came of a :class:`Task`.

    ``files`` maps ``ipynb``, ``html``, ``pdf``, ``results`` (the recorded
    numbers, JSON) or, for a failure, ``failed_ipynb`` to the file contents.
    """

    key: str
    ok: bool
    seconds: float
    attempts: int
    files: dict[str, bytes] = field(default_factory=dict)
    error: dict[str, Any] | None = None


class _KernelStartError(Exception):
    """The kernel did not come up; worth another try."""


def init_worker(parent_pid: int) -> None:
    """Prepare a local worker process.

    Ctrl-C is left to the parent, which stops the workers: a worker leaves
    the terminal's process group and ignores SIGINT. A worker also exits by
    itself within a second when the parent is gone (even after SIGKILL), so
    no worker or kernel outlives an interrupted run. The heavy imports
    (nbclient, nbconvert and its templates) happen here, once per worker.
    """
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    # jsonschema (under nbformat) builds an IRI grammar with lark at import when
    # rfc3987_syntax is installed (Jupyter Lab's extras pull it in): 0.9 s a
    # process, for a format no notebook schema uses. Not in this process.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbclient  # noqa: F401

    from hrproductivity.reports.export import html_exporter
    from hrproductivity.reports.kernels import fork_server

    fork_server(_kernel_env())  # imports the report modules while the exporter loads
    html_exporter()


def execute_job(task: Task) -> Outcome:
    """Run one report; never raises (a failure is an :class:`Outcome` with ``ok=False``)."""
    start = time.perf_counter()
    scratch = task.scratch if task.scratch and Path(task.scratch).is_dir() else None
    work = Path(tempfile.mkdtemp(prefix="hrp-report-", dir=scratch))
    attempt = 0
    executed: Any = None  # the notebook once its kernel ran it (kept when a failure follows)
    try:
        import nbformat

        while True:
            attempt += 1
            nb = nbformat.reads(task.notebook, as_version=4)
            try:
                _execute(nb, task, work, attempt)
                executed = nb
                break
            except _KernelStartError as exc:
                if attempt >= task.attempts:
                    message = (
                        f"the kernel {task.kernel_name!r} did not start "
                        f"({attempt} attempts): {_one_line(exc.__cause__ or exc)}"
                    )
                    if exc.args and exc.args[0]:
                        message += f"; the kernel wrote: {exc.args[0]}"
                    return _failed(task, start, attempt, None, {"message": message})
                pause = task.backoff * 2 ** (attempt - 1)
                time.sleep(pause * random.uniform(1.0, 1.5))
            except _CellFailure as exc:
                return _failed(task, start, attempt, nb, exc.error)
        files = {"ipynb": nbformat.writes(executed).encode()}
        results = work / "results.json"
        if results.is_file():
            files["results"] = results.read_bytes()
        if "html" in task.formats or "pdf" in task.formats:
            from hrproductivity.reports.export import to_html, to_pdf

            title = task.key.rsplit("/", 1)[-1]
            html = to_html(executed, title=title, lang=task.lang).encode()
            if "html" in task.formats:
                files["html"] = html
            if "pdf" in task.formats:
                page = work / "report.html"
                page.write_bytes(html)
                to_pdf(page, work / "report.pdf")
                files["pdf"] = (work / "report.pdf").read_bytes()
        return Outcome(task.key, True, time.perf_counter() - start, attempt, files)
    except Exception as exc:  # noqa: BLE001 - any failure belongs to this report only
        return _failed(task, start, attempt, executed, {"message": _one_line(exc)})
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _CellFailure(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.error = error


def _execute(nb: Any, task: Task, work: Path, attempt: int) -> None:
    """Execute ``nb`` in place in a new kernel."""
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    from hrproductivity.reports.kernels import ReportKernelManager, fork_server

    fork_server(_kernel_env())  # started in init_worker, unless on a Dask worker
    config = Config()
    sockets = str(work / f"kernel{attempt}")
    # Unix socket paths are limited to about 100 bytes: with a long TMPDIR, use TCP
    if sys.platform != "win32" and len(os.fsencode(sockets)) <= _MAX_SOCKET_PATH:
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = sockets
    started = False
    current = -1

    def on_start(**_: Any) -> None:
        nonlocal started
        started = True

    def on_cell(cell: Any, cell_index: int, **_: Any) -> None:
        nonlocal current
        current = cell_index

    client = NotebookClient(
        nb,
        kernel_name=task.kernel_name,
        timeout=task.timeout,
        startup_timeout=int(task.startup_timeout),
        # Every output has arrived when the last cell is done; a graceful shutdown
        # would only add about half a second per report.
        shutdown_kernel="immediate",
        config=config,
        kernel_manager_class=ReportKernelManager,
        on_notebook_start=on_start,
        on_cell_execute=on_cell,
    )
    env = _kernel_env()
    env[RESULTS_ENV] = str(work / "results.json")
    cwd = task.cwd if task.cwd and Path(task.cwd).is_dir() else str(work)
    # The kernel's own output (start-up errors such as a ZMQError, shutdown
    # messages) goes to a log, not into the middle of the progress bar.
    log = work / "kernel.log"
    try:
        with open(log, "wb") as kernel_output:
            client.execute(env=env, cwd=cwd, stdout=kernel_output, stderr=kernel_output)
    except NoSuchKernel:
        raise
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        if not started:
            raise _KernelStartError(_last_line(log)) from exc
        raise _CellFailure(_cell_error(nb, current, exc, timeout=task.timeout)) from None
    except Exception as exc:
        if not started:
            raise _KernelStartError(_last_line(log)) from exc
        raise
    finally:
        # nbclient leaves its exit hook registered when the kernel fails to start
        atexit.unregister(client._cleanup_kernel)


def _kernel_env() -> dict[str, str]:
    """The environment of report kernels (before the job's own settings)."""
    env = dict(os.environ)
    for name in _THREAD_ENV:  # parallel kernels: one BLAS thread each, unless told otherwise
        env.setdefault(name, "1")
    return env


def _cell_error(
    nb: Any, current: int, exc: BaseException, *, timeout: float | None = None
) -> dict[str, Any]:
    """Where a notebook failed: the cell, an excerpt of its source, the exception line."""
    index, ename, evalue = current, type(exc).__name__, _one_line(exc)
    if ename == "CellTimeoutError":  # its own message ends in a line of dashes
        limit = f" of {timeout:g} s" if timeout else ""
        evalue = (
            f"the cell ran longer than the time limit{limit}; allow more time with "
            "--timeout SECONDS (hrproductivity reports) or timeout= (run_reports)"
        )
    for i, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            index, ename, evalue = i, errors[0]["ename"], _ANSI.sub("", errors[0]["evalue"])
            break
    cell = nb.cells[index] if 0 <= index < len(nb.cells) else None
    source = ""
    count = None
    if cell is not None:
        lines = str(cell.source).splitlines()
        source = "\n".join(lines[:_SOURCE_LINES]) + ("\n…" if len(lines) > _SOURCE_LINES else "")
        count = cell.get("execution_count")
    exception = f"{ename}: {evalue}" if evalue else ename
    where = f"cell {index}" + (f" (In [{count}])" if count else "")
    return {
        "cell": index,
        "execution_count": count,
        "source": source,
        "exception": exception,
        "message": f"{where}: {exception}",
    }


def _failed(task: Task, start: float, attempts: int, nb: Any, error: dict[str, Any]) -> Outcome:
    files: dict[str, bytes] = {}
    if nb is not None:
        import nbformat

        files["failed_ipynb"] = nbformat.writes(nb).encode()
    return Outcome(task.key, False, time.perf_counter() - start, attempts, files, error)


def _last_line(path: Path) -> str:
    try:
        text = _ANSI.sub("", path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _one_line(exc: BaseException) -> str:
    text = _ANSI.sub("", str(exc)).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    # nbclient puts the notebook's traceback in the message; its last line is the exception
    last = lines[-1] if lines else ""
    return f"{type(exc).__name__}: {last}" if last else type(exc).__name__
