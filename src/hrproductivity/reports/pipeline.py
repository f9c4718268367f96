"""One call from a dataset folder to finished reports: prepare, plan, run.

:func:`build_reports` is what ``hrproductivity reports`` and ``hrproductivity
demo`` run. It prepares the shared tables once (scores, aggregates with
suppression, money, drivers: :mod:`.prepare`), plans one report per
organisation or unit, marks the units that must not get a report, and hands
the rest to :func:`~hrproductivity.reports.run_reports`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from hrproductivity._files import apart
from hrproductivity.io import Dataset, load_dataset
from hrproductivity.privacy import MIN_N
from hrproductivity.reports.executors import start_local_workers, stop_local_workers
from hrproductivity.reports.jobs import Job, plan_jobs
from hrproductivity.reports.manifest import Manifest
from hrproductivity.reports.prepare import prepare
from hrproductivity.reports.runner import cache_path, ensure_prepared, run_reports
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
    executor: str = "local",
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
        As in :func:`~hrproductivity.reports.run_reports`.

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
    if executor == "local":  # their start overlaps reading the data (on another core)
        n_jobs = (os.cpu_count() or 1) if jobs is None else max(jobs, 1)
        start_local_workers(n_jobs, ahead=len(orgs) if orgs else 4)
    try:
        data = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
        wave = str(wave) if wave is not None else data.waves[-1]
        preparer = prepare(
            data, min_n=min_n, rank_only_below=rank_only_below, min_n_comments=min_n_comments
        )
        min_n = preparer.settings.min_n  # resolved once (privacy.thresholds); all steps use it
        planned = plan_jobs(data, wave=wave, level=level, orgs=orgs, min_n=min_n)
        cache = cache_path(preparer.input_hash, cache_dir=cache_dir, out=out)
        if data.folder is not None:  # checked before the cache is written, not after
            apart(Path(out) / wave, data.folder, what="reports")
            apart(cache, data.folder, what="the report cache")
        ensure_prepared(preparer, cache, rebuild=not resume)
        planned = _withhold_hidden(planned, cache / "groups.parquet", wave, level, min_n)
        return run_reports(
            planned,
            template=template or report_template(level),
            wave=wave,
            level=level,
            lang=lang,
            formats=formats,
            jobs=jobs,
            executor=executor,
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
    finally:
        stop_local_workers()  # when the run did not take them (failed early, nothing to do)


def _withhold_hidden(
    planned: list[Job], groups_file: Path, wave: str, level: str, min_n: int
) -> list[Job]:
    """Mark the reports of hidden groups ``not_produced``, saying why.

    A group is hidden when fewer than ``min_n`` people answered the QWL
    questions (``qwl_n``, however many responded), or to protect a smaller
    group (complementary suppression): its own report would then reveal what
    its organisation's report hides.
    """
    columns = ["level", "org", "unit", "wave", "status", "qwl_n"]
    groups = pd.read_parquet(groups_file, columns=columns)
    hidden = groups[
        (groups["level"] == level) & (groups["wave"] == wave) & (groups["status"] == "hidden")
    ]
    answers = {
        (str(r.org), None if level == "org" else str(r.unit)): int(r.qwl_n)
        for r in hidden.itertuples(index=False)
    }
    out = []
    for job in planned:
        key = (str(job.parameters.get("org")), job.parameters.get("unit"))
        if job.not_produced is None and key in answers:
            if answers[key] < min_n:
                reason = (
                    f"fewer than {min_n} people answered the questions (n={answers[key]}); "
                    "the report would identify people"
                )
            else:
                reason = (
                    "hidden to protect a smaller group (complementary suppression): its own "
                    "report would reveal what the organisation's report hides"
                )
            job = Job(job.name, job.parameters, reason)
        out.append(job)
    return out
