"""One call from a dataset folder to finished reports: prepare, plan, run.

:func:`build_reports` is what ``hrproductivity reports`` and ``hrproductivity
demo`` run: store, plan, run. It prepares the shared tables once into the
cache store (scores, aggregates with suppression, money, drivers:
:mod:`.prepare`, :mod:`.store`), plans one report per organisation or unit
from the statuses the cache holds (a hidden group gets none, saying why), and
hands the plan to :func:`~hrproductivity.reports.run_reports`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from hrproductivity._files import apart
from hrproductivity.io import Dataset, load_dataset
from hrproductivity.privacy import MIN_N
from hrproductivity.reports.executors import LocalWorkers, local_workers
from hrproductivity.reports.jobs import check_plan, plan_jobs
from hrproductivity.reports.manifest import Manifest
from hrproductivity.reports.prepare import prepare
from hrproductivity.reports.runner import run_reports
from hrproductivity.reports.store import CacheStore
from hrproductivity.templates import report_template

__all__ = ["build_reports"]


def build_reports(
    dataset: Dataset | str | Path,
    *,
    wave: str | None = None,
    level: str = "org",
    orgs: Sequence[str] | None = None,
    lang: str = "fi",
    formats: Sequence[str] = ("html",),
    template: str | Path | None = None,
    out: str | Path = Path("reports"),
    cache_dir: str | Path | None = None,
    min_n: int = MIN_N,
    rank_only_below: int | None = None,
    min_n_comments: int = 10,
    show_comments: bool = False,
    jobs: int | None = None,
    executor: str | LocalWorkers = "local",
    scheduler: str | None = None,
    resume: bool = True,
    timeout: float | None = 600,
    progress: bool = False,
) -> Manifest:
    """Produce the organisation or unit reports of one survey wave.

    Parameters
    ----------
    dataset : Dataset, str or Path
        A dataset read from its folder (the reports read the folder too).
    wave : str, optional
        The survey wave (default: the latest).
    level : {"org", "unit"}
        One report per organisation (for its management) or per unit (for its
        supervisor).
    orgs : sequence of str, optional
        Only these organisations.
    lang : {"fi", "en"}
    formats : sequence of {"html", "pdf"}
        PDF needs Debian's chromium.
    template : str or Path, optional
        Default: the packaged template of the level
        (:func:`hrproductivity.templates.report_template`), whatever the working folder.
    out, cache_dir : str or Path
        Reports go to ``<out>/<wave>/<level>/``; the prepared tables to
        ``cache_dir`` (default ``<out>/.cache``).
    min_n, min_n_comments : int
        Anonymity thresholds: no figures for fewer than ``min_n`` respondents,
        comments only from ``min_n_comments``.
    rank_only_below : int, optional
        Placement only below this many respondents; default ``max(10, min_n)``
        (:func:`~hrproductivity.privacy.thresholds`, the one rule that the
        cache, the plan and the reports all follow).
    show_comments : bool
        Include open comments (still subject to ``min_n_comments``).
    jobs, executor, scheduler, resume, timeout, progress
        As in :func:`~hrproductivity.reports.run_reports`. With ``"local"``
        the workers start first, while the data is read and prepared, and stop
        when the run ends; running :class:`~.executors.LocalWorkers` passed as
        ``executor`` stay the caller's.

    Returns
    -------
    Manifest
        One entry per planned report; ``manifest.failed`` lists failures.

    Notes
    -----
    A unit (or organisation) gets no report when it has fewer than ``min_n``
    respondents, when fewer than ``min_n`` of them answered the QWL questions,
    and when complementary suppression hides it to protect a smaller unit: a
    report of its own would give away what its organisation's report hides.
    """
    n_jobs = (os.cpu_count() or 1) if jobs is None else max(jobs, 1)
    with _workers(executor, n_jobs, ahead=len(orgs) if orgs else 4) as chosen:
        data = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
        wave = str(wave) if wave is not None else data.waves[-1]
        preparer = prepare(  # the thresholds, resolved once (privacy.thresholds)
            data, min_n=min_n, rank_only_below=rank_only_below, min_n_comments=min_n_comments
        )
        check_plan(data, wave=wave, level=level, orgs=orgs)  # before anything is prepared
        store = CacheStore.for_run(cache_dir, out)
        if data.folder is not None:  # checked before the cache is written, not after
            apart(Path(out) / wave, data.folder, what="reports")
            apart(store.path(preparer.input_hash), data.folder, what="the report cache")
        cache = store.ensure(preparer, rebuild=not resume)
        planned = plan_jobs(data, wave=wave, level=level, orgs=orgs, cache=cache)
        return run_reports(
            planned,
            template=template or report_template(level),
            wave=wave,
            level=level,
            lang=lang,
            formats=formats,
            jobs=jobs,
            executor=chosen,
            scheduler=scheduler,
            resume=resume,
            timeout=timeout,
            out=out,
            parameters={**preparer.parameters, "show_comments": show_comments},
            prepare=preparer,
            input_hash=preparer.input_hash,
            cache_dir=cache_dir,
            rebuild=False,  # prepared (and rebuilt without resume) above
            progress=progress,
        )


def _workers(
    executor: str | LocalWorkers, jobs: int, *, ahead: int
) -> contextlib.AbstractContextManager[str | LocalWorkers]:
    """The run's executor: local workers started now (their start overlaps reading
    the data, on another core) and stopped when the run ends, else ``executor`` as given."""
    if executor == "local":
        return local_workers(jobs, ahead=ahead)
    return contextlib.nullcontext(executor)
