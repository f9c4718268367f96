"""The ``hrproductivity`` command.

Exit status: 0 success, 1 some reports failed, 2 bad input or usage. Problems
are printed one per line; no Python traceback reaches the user for an error
the library raises on purpose.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from hrproductivity._files import REPORT_CACHE, inside
from hrproductivity.errors import DataValidationError, HRProductivityError

__all__ = ["app", "main"]

app = typer.Typer(
    name="hrproductivity",
    help="Quality of working life and personnel productivity: validate, process, report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# emoji=False: a problem line quotes the data, and ':x:' in a cell must print as written
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])

PROCESSED = Path("data/processed")


def _processed(name: str) -> Path:
    """``data/processed/<name>``, refused when a name would lead out of it."""
    return inside(PROCESSED, PROCESSED / name)


def _friendly(func: F) -> F:
    """Turn the library's own errors into one line per problem and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataValidationError as exc:
            for p in exc.problems:
                err.print(str(p), markup=False)
            err.print(f"{len(exc.problems)} problem(s) found.", markup=False)
            raise typer.Exit(2) from None
        except OSError as exc:
            err.print(f"error: {_os_error(exc)}", markup=False)
            raise typer.Exit(2) from None
        except HRProductivityError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _os_error(exc: OSError) -> str:
    """One line for a failed file operation: what happened, to which file, what to do."""
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left" in str(exc):
        return (
            f"the disk is full: cannot write{where}; free some space and run the command "
            "again (what was written completely is kept)"
        )
    what = exc.strerror or str(exc)
    return f"{what}:{where}" if where else what


@app.command()
@_friendly
def validate(
    path: Annotated[Path, typer.Argument(help="A dataset folder with dataset.yaml.")],
) -> None:
    """Check a dataset folder; print one line per problem (exit 2) or a summary (exit 0)."""
    from hrproductivity.io import load_dataset

    dataset = load_dataset(path)
    sizes = ", ".join(
        f"{len(dataset.table(t))} {t}" for t in ("responses", "units", "hr", "finance")
    )
    out.print(f"{dataset.name}: valid ({sizes}).", markup=False)


@app.command()
@_friendly
def process(
    path: Annotated[Path, typer.Argument(help="A dataset folder with dataset.yaml.")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder [default: data/processed/<dataset name>]."),
    ] = None,
) -> None:
    """Validate a dataset and write its tidy tables as parquet plus manifest.json."""
    from hrproductivity.io import load_dataset
    from hrproductivity.io import process as _process

    dataset = load_dataset(path)
    manifest = _process(dataset, out=out_dir or _processed(dataset.name))
    out.print(f"processed tables and manifest: {manifest.parent}", markup=False)


@app.command()
@_friendly
def demo(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Dataset folder; one without dataset.yaml gets the example written into it "
            "[default: the example that ships with the package]."
        ),
    ] = None,
) -> None:
    """Run the main job on the bundled example data and print where the outputs are.

    The processed tables go to data/processed/<name> and the reports to reports/,
    both under the current folder; the packaged example itself is only read.
    """
    from hrproductivity import datasets, synthetic
    from hrproductivity.io import load_dataset, write_dataset
    from hrproductivity.io import process as _process

    if data is None:
        data = datasets.example()
    elif not (data / "dataset.yaml").is_file():
        out.print(f"creating the example dataset in {data} …", markup=False)
        write_dataset(synthetic.example_dataset(), data)
    dataset = load_dataset(data)
    out.print(
        f"{dataset.name}: {len(dataset.responses)} answers from {len(dataset.orgs)} organisations, "
        f"waves {', '.join(dataset.waves)}: valid.",
        markup=False,
    )
    manifest = _process(dataset, out=_processed(dataset.name))
    out.print(f"processed tables: {manifest.parent}", markup=False)

    from hrproductivity.reports.pipeline import build_reports

    out.print(f"organisation reports for wave {dataset.waves[-1]} …", markup=False)
    reports = build_reports(
        dataset,
        level="org",
        out=Path("reports"),
        cache_dir=_processed(dataset.name) / REPORT_CACHE,
        progress=True,
    )
    _report_summary(reports)
    if reports.failed:
        raise typer.Exit(1)


@app.command()
@_friendly
def bench(
    respondents: Annotated[int, typer.Option(help="Respondents per wave.")] = 100_000,
    waves: Annotated[int, typer.Option(help="Survey waves.")] = 3,
) -> None:
    """Scale benchmark: generate and process a large dataset; time against pandas.read_csv."""
    from hrproductivity._bench import scale_benchmark

    result = scale_benchmark(respondents_per_wave=respondents, n_waves=waves)
    for key, value in result.items():
        out.print(f"{key}: {value}", markup=False)


@app.command()
@_friendly
def reports(
    path: Annotated[Path, typer.Argument(help="A dataset folder with dataset.yaml.")],
    wave: Annotated[
        str | None, typer.Option(help="Survey wave to report [default: the latest].")
    ] = None,
    level: Annotated[
        str, typer.Option(help="org: one report per organisation; unit: one per unit.")
    ] = "org",
    org: Annotated[
        list[str] | None, typer.Option("--org", help="Only this organisation (repeatable).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Report language: fi or en.")] = "fi",
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="html and/or pdf (repeatable; default: html)."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option(help="Reports run at the same time (default: CPU count).")
    ] = None,
    executor: Annotated[str, typer.Option(help="local or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (with --executor dask).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume/--no-resume", help="Skip reports that are up to date.")
    ] = True,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("reports"),
    template: Annotated[
        Path | None,
        typer.Option(help="Template notebook [default: the packaged <level>_report.ipynb]."),
    ] = None,
    min_n: Annotated[
        int, typer.Option(help="No figures for fewer respondents (below 5: a warning).")
    ] = 5,
    rank_only_below: Annotated[
        int | None,
        typer.Option(help="Placement only below this many respondents [default: max(10, min-n)]."),
    ] = None,
    show_comments: Annotated[
        bool, typer.Option("--show-comments/--no-comments", help="Include open comments.")
    ] = False,
    min_n_comments: Annotated[
        int, typer.Option(help="Open comments only from this many respondents.")
    ] = 10,
    timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds one notebook cell may run before its report fails."),
    ] = 600,
) -> None:
    """Produce one report per organisation (or unit) into OUT/WAVE; exit 1 if any failed."""
    workers: Any = contextlib.nullcontext(executor)
    if executor == "local":  # the workers start while the rest loads, and stop with the run
        from hrproductivity.reports.executors import local_workers

        n_jobs = (os.cpu_count() or 1) if jobs is None else max(jobs, 1)
        workers = local_workers(n_jobs, ahead=len(org) if org else 4)
    with workers as chosen:
        from hrproductivity.reports.pipeline import build_reports

        manifest = build_reports(
            path,
            wave=wave,
            level=level,
            orgs=org or None,
            lang=lang,
            formats=formats or ["html"],
            template=template,
            out=out_dir,
            cache_dir=_processed(path.resolve().name) / REPORT_CACHE,
            min_n=min_n,
            rank_only_below=rank_only_below,
            min_n_comments=min_n_comments,
            show_comments=show_comments,
            jobs=jobs,
            executor=chosen,
            scheduler=scheduler,
            resume=resume,
            timeout=timeout,
            progress=True,
        )
    _report_summary(manifest)
    if manifest.failed:
        raise typer.Exit(1)


def _report_summary(manifest: Any) -> None:
    for entry in manifest.failed:
        err.print(entry.message(), markup=False)
    c = manifest.counts()
    out.print(
        f"{c['ok']} produced, {c['skipped']} up to date, {c['failed']} failed, "
        f"{c['not_produced']} not produced; index: {manifest.folder / 'index.html'}",
        markup=False,
    )


def main() -> None:
    """Entry point of the console script."""
    # jsonschema (under nbformat, which `reports` loads) builds an IRI grammar with
    # lark at import when rfc3987_syntax is installed (Jupyter Lab's extras pull it
    # in): 0.9 s, for a format no notebook schema uses. Not in this process.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    warnings.formatwarning = _one_line_warning
    code: int | str | None = 0
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        code = 130
    except SystemExit as exc:
        code = exc.code
    _exit(code)


def _one_line_warning(
    message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any
) -> str:
    """A warning as the command's user reads it: one line, without the source line."""
    return f"warning: {message}\n"


def _exit(code: int | str | None) -> None:
    """End the process once the command is done, without tearing its modules down.

    Python's own exit frees every loaded module and object one by one: 0.4 s
    after ``reports`` (pandas, pandera, papermill, nbformat), nothing anyone
    waits for. Exit handlers still run and the output is flushed first.
    """
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code or 0)
