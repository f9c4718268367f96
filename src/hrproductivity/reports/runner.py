"""Run a batch of parameterised report notebooks: check, prepare, execute, export, record.

:func:`run_reports` checks everything it can before it starts (parameters
against the template, kernel, browser for PDF, names), runs the shared heavy
work once (``prepare``, cached by input hash), executes one notebook per report
in parallel worker processes, writes each report's files atomically, and keeps
``manifest.json`` and ``index.html`` of the wave up to date as reports finish.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrproductivity._files import apart, atomic_write, inside, scratch_tempdir, unsafe_part
from hrproductivity._versions import package_version as _version
from hrproductivity.errors import ReportError, UnknownNameError
from hrproductivity.locales import LANGUAGES
from hrproductivity.reports.executors import LocalWorkers, get_executor
from hrproductivity.reports.index import write_index
from hrproductivity.reports.jobs import LEVELS, Job, _check_unique, plan_jobs
from hrproductivity.reports.manifest import Entry, Manifest, now, up_to_date
from hrproductivity.reports.parameters import check_parameters, inspect_template, plain_value
from hrproductivity.reports.store import CacheStore, dataset_hash
from hrproductivity.reports.worker import Outcome, Task

if TYPE_CHECKING:
    from hrproductivity.io import Dataset

__all__ = ["FORMATS", "LANGUAGES", "run_reports", "template_hash"]

FORMATS = ("html", "pdf")
_SUFFIX = {
    "ipynb": ".ipynb",
    "html": ".html",
    "pdf": ".pdf",
    "results": ".results.json",
    "failed_ipynb": ".failed.ipynb",
}
_MANIFEST_EVERY = 1.0  # seconds between manifest rewrites while reports finish
_VERSIONED = ("hrproductivity", "papermill", "nbclient", "nbconvert", "ipykernel", "pandas")


def run_reports(
    data: Dataset | str | Path | Sequence[Job],
    *,
    template: str | Path,
    wave: str,
    level: str = "org",
    orgs: Sequence[str] | None = None,
    lang: str = "fi",
    formats: Sequence[str] = ("html",),
    jobs: int | None = None,
    executor: str | LocalWorkers = "local",
    scheduler: str | None = None,
    resume: bool = True,
    out: str | Path = Path("reports"),
    parameters: Mapping[str, Any] | None = None,
    prepare: Callable[[Path], object] | None = None,
    input_hash: str | None = None,
    cache_dir: str | Path | None = None,
    rebuild: bool | None = None,
    kernel_name: str = "hrproductivity",
    timeout: float | None = 600,
    progress: bool = False,
) -> Manifest:
    """Produce one report per job from a template notebook.

    Parameters
    ----------
    data : Dataset, str, Path or sequence of Job
        The reports to produce: a list of :class:`Job` built by the caller, or
        a dataset (or dataset folder), planned with :func:`plan_jobs`.
    template : str or Path
        The template notebook, with a cell tagged ``parameters``.
    wave : str
        The survey wave; passed to every report as ``wave`` and names the
        output folder ``<out>/<wave>``.
    level : {"org", "unit"}
        Names the subfolder; with a dataset, also what to plan.
    orgs : sequence of str, optional
        With a dataset: only these organisations. (A dataset's jobs come from
        :func:`plan_jobs`, with the thresholds of ``prepare.settings`` when
        ``prepare`` has them, else ``min_n`` from ``parameters``.)
    lang : {"fi", "en"}
        Passed to every report as ``lang``; language of the index page.
    formats : sequence of {"html", "pdf"}
        Exports besides the executed notebook, which is always kept.
    jobs : int, optional
        Reports executed at the same time (default: the number of CPUs).
    executor : str or LocalWorkers
        ``"local"`` (worker processes started for this run) or ``"dask"``;
        see :mod:`.executors`. Or running workers, owned by the caller's
        ``with local_workers(...) as workers:`` block (``jobs`` is then theirs).
    scheduler : str, optional
        Address of a Dask scheduler (``executor="dask"`` only).
    resume : bool
        Skip a report whose input hash, template and parameters are unchanged
        and whose outputs exist and are valid.
    out : str or Path
        Output root; reports go to ``<out>/<wave>/<level>/<name>.*``.
    parameters : mapping, optional
        Parameters for every report (e.g. ``min_n``, ``show_comments``); a
        job's own parameters win.
    prepare : callable, optional
        The shared heavy work: ``prepare(folder)`` fills an empty folder with
        the tables every report reads. It runs once per input hash (and
        hrproductivity version), in this process, before any report; its
        folder is passed to every report as ``cache``.
    input_hash : str, optional
        Identifies the inputs (default with a dataset: :func:`dataset_hash`).
        Part of the resume check and the cache key; required with ``prepare``.
    cache_dir : str or Path, optional
        Where prepared folders are kept (default ``<out>/.cache``).
    rebuild : bool, optional
        Run ``prepare`` again even when its folder exists (default: when
        ``resume`` is false, so ``--no-resume`` reuses nothing).
    kernel_name : str
        Jupyter kernel for the notebooks.
    timeout : float or None
        Seconds a single cell may run before the report fails.
    progress : bool
        Show a progress bar with counts and time left on stderr.

    Returns
    -------
    Manifest
        This run's entries, one per job (``status``: ok, skipped, failed,
        not_produced). ``manifest.json`` on disk lists every report of the wave
        that exists or failed, and only counts those not produced (it is
        published with them; see :mod:`.manifest`).

    Raises
    ------
    ReportError
        Before anything runs: template missing, parameter unknown or of the
        wrong type, kernel or Chromium (for PDF) missing, another run writing
        to the same folder.
    UnknownNameError
        For an unknown level, language, format or executor.

    Notes
    -----
    The local executor starts its workers with ``spawn``: a script that calls
    ``run_reports`` must do so under ``if __name__ == "__main__":``.

    A failing report never stops the others. Each output file is written to a
    temporary file in its folder and renamed, so an interrupted run (Ctrl-C or
    SIGKILL) leaves complete reports or none; a rerun with ``resume=True``
    completes the rest and removes temporary files left behind.

    Examples
    --------
    >>> from hrproductivity.reports import Job, run_reports
    >>> from hrproductivity.templates import report_template
    >>> manifest = run_reports(  # doctest: +SKIP
    ...     [Job("K091", {"org": "K091"}), Job("K179", {"org": "K179"})],
    ...     template=report_template("org"), wave="2023", jobs=2,
    ... )
    >>> manifest.counts()  # doctest: +SKIP
    {'ok': 2, 'skipped': 0, 'failed': 0, 'not_produced': 0}
    """
    # ---- everything that can be checked is checked before anything starts
    wave = str(wave)
    if level not in LEVELS:
        raise UnknownNameError("report level", level, list(LEVELS))
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, list(LANGUAGES))
    formats = tuple(dict.fromkeys(formats))
    for f in formats:
        if f not in FORMATS:
            raise UnknownNameError("report format", f, list(FORMATS))
    if isinstance(executor, str):
        run_executor = get_executor(executor)
    if scheduler is not None and (executor == "local" or isinstance(executor, LocalWorkers)):
        raise ReportError("--scheduler applies to the dask executor only")
    if isinstance(executor, LocalWorkers):
        jobs = executor.jobs
    n_jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if n_jobs < 1:
        raise ReportError(f"jobs must be at least 1, got {n_jobs}")
    if "pdf" in formats:
        from hrproductivity.reports.export import find_chromium

        find_chromium()
    template = Path(template)
    declared = inspect_template(template)
    _check_kernel(kernel_name)

    common = {k: plain_value(v, k) for k, v in (parameters or {}).items()}
    if isinstance(data, Sequence) and not isinstance(data, str):
        if orgs is not None:
            raise ReportError("orgs= applies when the reports are planned from a dataset")
        job_list = list(data)
    else:
        from hrproductivity.io import Dataset, load_dataset

        dataset = data if isinstance(data, Dataset) else load_dataset(data)
        settings = getattr(prepare, "settings", None)  # a Preparer's thresholds
        job_list = plan_jobs(
            dataset,
            wave=wave,
            level=level,
            orgs=orgs,
            min_n=getattr(settings, "min_n", common.get("min_n")),  # None: the default rule
            rank_only_below=getattr(settings, "rank_only_below", None),
        )
        input_hash = input_hash or dataset_hash(dataset)
    _check_unique(job_list)
    if prepare is not None and not input_hash:
        raise ReportError("prepare needs an input_hash to cache its work by")

    out = Path(out)
    why = unsafe_part(wave)
    if why:  # load_dataset refuses such labels; a hand-made job list may still carry one
        raise ReportError(f"wave {wave!r} {why}; it cannot name the report folder")
    wave_folder = inside(out, out / wave)
    raw = {str(j.parameters["dataset"]) for j in job_list if j.parameters.get("dataset")}
    for folder in sorted(raw):  # a report run only reads its dataset
        apart(wave_folder, folder, what="reports")
    store = CacheStore.for_run(cache_dir, out)
    cache = None
    if prepare is not None and input_hash:
        cache = store.path(input_hash)
        for folder in sorted(raw):
            apart(cache, folder, what="the report cache")
    run_params: dict[str, Any] = {"wave": wave, "lang": lang}
    if cache is not None:
        run_params["cache"] = str(cache)
    t_hash = template_hash(template)
    versions = {n: _version(n) for n in _VERSIONED} | {"python": platform.python_version()}
    wanted: dict[str, Entry] = {}
    for job in job_list:
        own = {k: plain_value(v, k) for k, v in job.parameters.items()}
        for k in run_params.keys() & own.keys():
            if own[k] != run_params[k]:
                raise ReportError(
                    f"report {job.name!r} sets {k}={own[k]!r}, "
                    f"but the run's {k} is {run_params[k]!r}"
                )
        params = {**common, **own, **run_params}
        if job.not_produced is None:
            check_parameters(template, params, declared=declared, report=job.name)
        wanted[job.name] = Entry(
            name=job.name,
            level=level,
            status="not_produced" if job.not_produced is not None else "pending",
            parameters=params,
            input_hash=input_hash or "",
            template=str(template),
            template_hash=t_hash,
            versions=versions,
            reason=job.not_produced,
        )

    # ---- start: lock the wave folder, clear what an interrupted run left behind
    level_folder = inside(wave_folder, wave_folder / level)
    level_folder.mkdir(parents=True, exist_ok=True)
    with _lock(wave_folder):
        _remove_temporary(wave_folder)
        _remove_temporary(level_folder)
        before = Manifest.load(wave_folder, wave)
        before.withheld.pop(level, None)  # this run counts the level's unproduced reports anew
        done: dict[str, Entry] = {}
        todo: list[Entry] = []
        for name, entry in wanted.items():
            if entry.status == "not_produced":
                _remove_outputs(level_folder, name)
                done[name] = replace(entry, finished=now())
                continue
            skipped = up_to_date(before.entries.get(entry.key), entry, formats, wave_folder)
            if resume and skipped is not None:
                done[name] = skipped
            else:
                todo.append(entry)
        state = _State(before, wave_folder, lang)
        state.add(done.values(), force=True)
        if todo and prepare is not None and input_hash:
            store.ensure(
                prepare, key=input_hash, rebuild=not resume if rebuild is None else rebuild
            )
        notebook = _load_template(template)
        scratch = scratch_tempdir("hrp-run-")  # and removes those of runs killed with -9
        tasks = [
            Task(
                key=e.key,
                notebook=_parameterised(notebook, e.parameters, kernel_name),
                kernel_name=kernel_name,
                formats=formats,
                lang=lang,
                cwd=str(template.resolve().parent),
                timeout=timeout,
                scratch=scratch.name,
            )
            for e in todo
        ]
        by_key = {e.key: e for e in todo}
        with scratch, _progress(progress, len(tasks), done.values()) as advance:
            outcomes = (
                run_executor(tasks, jobs=n_jobs, scheduler=scheduler)
                if isinstance(executor, str)
                else executor.run(tasks)
            )
            try:
                for outcome in outcomes:
                    entry = _store(outcome, by_key[outcome.key], level_folder, wave_folder)
                    done[entry.name] = entry
                    state.add([entry])
                    advance(entry)
            finally:
                # on Ctrl-C or an error, the executor stops its workers now, not at exit
                close = getattr(outcomes, "close", None)
                if close is not None:
                    close()
                state.add([], force=True)
    return Manifest(wave, wave_folder, {e.key: done[n] for n, e in wanted.items() if n in done})


def template_hash(template: str | Path) -> str:
    """SHA-256 of a template's cells (type, source, tags): saving it in Jupyter without
    changing a cell does not make its reports out of date."""
    nb = json.loads(Path(template).read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        cells.append([cell.get("cell_type"), source, cell.get("metadata", {}).get("tags", [])])
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


# --------------------------------------------------------------------------- helpers


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(kernel_name)
    except NoSuchKernel:
        known = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise ReportError(
            f"no Jupyter kernel named {kernel_name!r} (installed: {known}); create it with "
            f"python -m ipykernel install --sys-prefix --name {kernel_name}"
        ) from None


def _load_template(template: Path) -> Any:
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(template))


def _parameterised(template_nb: Any, parameters: Mapping[str, Any], kernel_name: str) -> str:
    """The template with papermill's ``injected-parameters`` cell, as JSON."""
    import copy

    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(template_nb)
    nb = parameterize_notebook(nb, dict(parameters), kernel_name=kernel_name, language="python")
    text: str = nbformat.writes(nb)
    return text


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """One run at a time per wave folder (released by the OS even after SIGKILL)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock
        yield
        return
    with open(folder / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportError(f"another report run is writing to {folder}") from None
        except OSError:  # a file system without locks: run unlocked
            pass
        yield


def _remove_temporary(folder: Path) -> None:
    """Temporary files of writes an interrupted run never finished."""
    for path in folder.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def _remove_outputs(folder: Path, name: str, keep: Sequence[str] = ()) -> None:
    for kind, suffix in _SUFFIX.items():
        if kind not in keep:
            inside(folder, folder / f"{name}{suffix}").unlink(missing_ok=True)


def _store(outcome: Outcome, entry: Entry, level_folder: Path, wave_folder: Path) -> Entry:
    """Write a finished report's files atomically and return its manifest entry."""
    outputs: dict[str, str] = {}
    for kind, content in outcome.files.items():
        path = inside(level_folder, level_folder / f"{entry.name}{_SUFFIX[kind]}")
        atomic_write(path, lambda p, c=content: p.write_bytes(c))
        outputs[kind] = path.relative_to(wave_folder).as_posix()
    # the folder holds what the manifest lists: no stale report beside a failed one
    _remove_outputs(level_folder, entry.name, keep=list(outcome.files))
    stamp = now()
    return replace(
        entry,
        status="ok" if outcome.ok else "failed",
        seconds=round(outcome.seconds, 2),
        attempts=outcome.attempts,
        outputs=outputs,
        error=outcome.error,
        finished=stamp,
        produced=stamp if outcome.ok else None,
    )


@dataclass
class _State:
    """The wave's manifest and index, rewritten at most every second while reports finish."""

    manifest: Manifest
    folder: Path
    lang: str
    last: float = 0.0
    dirty: bool = False

    def add(self, entries: Any, *, force: bool = False) -> None:
        self.manifest = self.manifest.merged(entries)
        self.dirty = True
        if force or time.monotonic() - self.last >= _MANIFEST_EVERY:
            self.manifest.write()
            write_index(self.manifest, lang=self.lang)
            self.last = time.monotonic()
            self.dirty = False


@contextlib.contextmanager
def _progress(show: bool, total: int, settled: Any) -> Iterator[Callable[[Entry], None]]:
    """A rich progress bar over the reports to execute; a no-op when not shown."""
    if not show:
        yield lambda entry: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    settled = list(settled)
    earlier = [
        f"{n} {label}"
        for n, label in (
            (sum(e.status == "skipped" for e in settled), "up to date"),
            (sum(e.status == "not_produced" for e in settled), "not produced"),
        )
        if n
    ]
    description = "reports" + (f" ({', '.join(earlier)})" if earlier else "")
    counts = {"ok": 0, "failed": 0}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn("ok {task.fields[ok]}, failed {task.fields[failed]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=total, ok=0, failed=0)

        def advance(entry: Entry) -> None:
            counts[entry.status] = counts.get(entry.status, 0) + 1
            bar.update(task, advance=1, ok=counts["ok"], failed=counts["failed"])

        yield advance
