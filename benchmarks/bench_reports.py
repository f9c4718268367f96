"""Benchmark: N reports with run_reports versus the naive loop, and the floor.

- naive: a shell loop that runs, per report, the ``papermill`` command and then
  ``jupyter nbconvert --to html --no-input``, one report after another;
- run_reports: the same reports, ``--jobs`` at a time (default: CPU count);
- with ``--synthetic-orgs``, also the command ``hrproductivity reports DATA``
  into an empty output folder, end to end (Python start, reading and validating
  the dataset, checking its report cache, the run), after one untimed run that
  prepares the cache;
- floor: N times the time to execute an empty notebook that only imports
  hrproductivity (kernel start, import, kernel stop; nbclient in a warm
  process), divided by the CPU count: what any runner that starts a fresh
  kernel per report must spend;
- template floor: the same with the template itself (parameterised as for a
  report): the best any runner could do with this template;
- run_reports on an import-only template (a parameters cell and ``import
  hrproductivity``), against the floor: the runner's own overhead.

All are timed in one session. Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_reports.py [--template PATH] [--n 20] [--jobs N]
    .venv/bin/python benchmarks/bench_reports.py --template notebooks/org_report.ipynb \
        --synthetic-orgs

The default template (tests/data/notebooks/bench_report.ipynb) imports
hrproductivity, pandas and matplotlib and draws one figure; pass the real
``notebooks/org_report.ipynb`` (with ``--param name=value`` for what it needs)
to measure that instead. Outputs go to benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def kernel_seconds(notebook: str, kernel: str, repeat: int = 5) -> float:
    """Median time to execute a notebook (JSON) in a fresh kernel, from a warm process."""
    import nbformat
    from nbclient import NotebookClient

    times = []
    for _ in range(repeat):
        nb = nbformat.reads(notebook, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, kernel_name=kernel, shutdown_kernel="immediate").execute()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_only(folder: Path) -> tuple[Path, str]:
    """The floor's notebook, as JSON, and as a report template (with a parameters cell)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder.mkdir(parents=True, exist_ok=True)
    kernelspec = {"name": "hrproductivity", "display_name": "hrproductivity", "language": "python"}
    empty = new_notebook(cells=[new_code_cell("import hrproductivity")])
    empty.metadata["kernelspec"] = kernelspec
    params = 'org: str = "K000"\nwave: str = "2023"\nlang: str = "fi"'
    template = new_notebook(
        cells=[new_code_cell(params, metadata={"tags": ["parameters"]}), *empty.cells]
    )
    template.metadata["kernelspec"] = kernelspec
    path = folder / "import_only.ipynb"
    nbformat.write(template, path)
    return path, nbformat.writes(empty)


def parameterised(template: Path, params: dict[str, object]) -> str:
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(template))
    nb = parameterize_notebook(nb, params, kernel_name="hrproductivity", language="python")
    return str(nbformat.writes(nb))


def naive_seconds(template: Path, names: list[str], params: dict[str, str], out: Path) -> float:
    """A shell loop: papermill, then jupyter nbconvert, for each report in turn."""
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for name in names:
        nb = out / f"{name}.ipynb"
        extra = " ".join(f"-p {k} {shlex.quote(v)}" for k, v in {**params, "org": name}.items())
        lines.append(
            f"{BIN / 'papermill'} -k hrproductivity --no-progress-bar --log-level ERROR "
            f"{shlex.quote(str(template))} {shlex.quote(str(nb))} {extra} && "
            f"{BIN / 'jupyter'} nbconvert --to html --no-input --log-level ERROR "
            f"{shlex.quote(str(nb))}"
        )
    start = time.perf_counter()
    subprocess.run(["bash", "-c", " && ".join(lines)], check=True)
    return time.perf_counter() - start


def runner_seconds(
    template: Path, names: list[str], params: dict[str, object], out: Path, jobs: int
) -> float:
    from hrproductivity.reports import Job, run_reports

    extra = {k: v for k, v in params.items() if k not in ("wave", "lang")}
    reports = [Job(name, {**extra, "org": name}) for name in names]
    start = time.perf_counter()
    manifest = run_reports(
        reports,
        template=template,
        wave=str(params["wave"]),
        lang=str(params["lang"]),
        jobs=jobs,
        resume=False,
        out=out,
    )
    elapsed = time.perf_counter() - start
    if not manifest.ok:
        raise SystemExit(f"reports failed: {[e.message() for e in manifest.failed]}")
    return elapsed


def cli_seconds(template: Path, data: Path, out: Path, jobs: int) -> float:
    """``hrproductivity reports DATA`` end to end into an empty output folder, in the
    folder ``out`` (its report cache, data/processed/..., is made by an untimed first
    run; ``--no-resume`` would also rebuild that cache, which is not what is timed)."""
    command = [
        str(BIN / "hrproductivity"),
        "reports",
        str(data),
        "--level",
        "org",
        "--jobs",
        str(jobs),
        "--out",
        "reports",
        "--template",
        str(template.resolve()),
    ]
    shutil.rmtree(out / "reports", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, cwd=out, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def synthetic_orgs(n: int, out: Path) -> tuple[list[str], dict[str, str]]:
    """A synthetic dataset of ``n`` organisations and its report cache, prepared once
    (not timed: ``hrproductivity reports`` does this once per run for every report)."""
    from hrproductivity import load_dataset, synthetic, write_dataset
    from hrproductivity.reports.prepare import prepare

    folder = write_dataset(
        synthetic.generate(n_orgs=n, respondents_per_wave=300 * n, seed=5), out / "raw"
    )
    data = load_dataset(folder)
    preparer = prepare(data)
    preparer(out / "cache")
    shared = {"dataset": str(folder.resolve()), "cache": str((out / "cache").resolve())}
    shared |= {"wave": data.waves[-1]} | {k: str(v) for k, v in preparer.parameters.items()}
    return data.orgs[:n], shared


def _value(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "tests" / "data" / "notebooks" / "bench_report.ipynb"
    parser.add_argument("--template", type=Path, default=default)
    parser.add_argument("--n", type=int, default=20, help="reports (default 20)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--param", action="append", default=[], help="name=value (JSON value, else str)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="run_reports runs (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "reports")
    parser.add_argument(
        "--skip-naive", action="store_true", help="leave out the naive loop (for quick runs)"
    )
    parser.add_argument(
        "--synthetic-orgs",
        action="store_true",
        help="report --n organisations of a synthetic dataset, shared tables prepared once "
        "(what `hrproductivity reports` does; use with the real org template)",
    )
    args = parser.parse_args()

    params = {"wave": "2023", "lang": "fi"} | dict(p.split("=", 1) for p in args.param)
    names = [f"K{i:03d}" for i in range(args.n)]
    shutil.rmtree(args.out, ignore_errors=True)
    if args.synthetic_orgs:
        names, extra = synthetic_orgs(args.n, args.out)
        params |= extra
    values = {k: _value(v) for k, v in params.items()}
    cores = os.cpu_count() or 1

    light_template, empty = import_only(args.out)
    base = {"wave": values["wave"], "lang": values["lang"]}
    runs, light_runs, cli_runs = [], [], []
    if args.synthetic_orgs:  # the command's first run prepares its cache: not timed
        cli_seconds(args.template, Path(str(params["dataset"])), args.out, args.jobs)
    for _ in range(args.repeat):  # alternate, so that a busy moment hits all alike
        runs.append(runner_seconds(args.template, names, values, args.out / "ours", args.jobs))
        light_runs.append(
            runner_seconds(light_template, names, base, args.out / "light", args.jobs)
        )
        if args.synthetic_orgs:
            cli_runs.append(
                cli_seconds(args.template, Path(str(params["dataset"])), args.out, args.jobs)
            )
    ours, light = statistics.median(runs), statistics.median(light_runs)
    cli = statistics.median(cli_runs) if cli_runs else float("nan")
    naive = (
        float("nan")
        if args.skip_naive
        else naive_seconds(args.template, names, params, args.out / "naive")
    )
    one = kernel_seconds(empty, "hrproductivity")
    one_template = kernel_seconds(
        parameterised(args.template, {**values, "org": names[0]}), "hrproductivity"
    )
    floor = args.n * one / cores
    template_floor = args.n * one_template / cores
    shown = args.template.relative_to(ROOT) if args.template.is_relative_to(ROOT) else args.template
    result = {
        "template": str(shown),
        "reports": args.n,
        "cores": cores,
        "jobs": args.jobs,
        "naive_s": round(naive, 1),
        "run_reports_runs_s": [round(r, 1) for r in runs],
        "run_reports_s": round(ours, 1),
        "cli_runs_s": [round(r, 1) for r in cli_runs],
        "cli_s": round(cli, 1),
        "run_reports_import_only_runs_s": [round(r, 1) for r in light_runs],
        "run_reports_import_only_s": round(light, 1),
        "empty_notebook_s": round(one, 2),
        "template_notebook_s": round(one_template, 2),
        "floor_s": round(floor, 1),
        "template_floor_s": round(template_floor, 1),
        "speedup_vs_naive": round(naive / ours, 2),
        "ratio_to_floor": round(ours / floor, 2),
        "cli_speedup_vs_naive": round(naive / cli, 2),
        "cli_ratio_to_floor": round(cli / floor, 2),
        "ratio_to_template_floor": round(ours / template_floor, 2),
        "import_only_ratio_to_floor": round(light / floor, 2),
    }
    print(json.dumps(result, indent=2))
    print()
    print("| what | seconds | ratio |")
    print("|---|---|---|")
    print(f"| naive loop (papermill + nbconvert CLI per report) | {naive:.1f} | |")
    print(
        f"| run_reports, jobs={args.jobs} (median of {args.repeat}) | {ours:.1f} "
        f"| {naive / ours:.1f}× faster than naive |"
    )
    if cli_runs:
        print(
            f"| `hrproductivity reports` command, jobs={args.jobs} (median of {args.repeat}) "
            f"| {cli:.1f} | {naive / cli:.1f}× faster than naive, {cli / floor:.2f}× the floor |"
        )
    print(
        f"| floor: {args.n} × {one:.2f} s (empty notebook) / {cores} cores | {floor:.1f} "
        f"| run_reports is {ours / floor:.2f}× the floor |"
    )
    print(
        f"| template floor: {args.n} × {one_template:.2f} s (this template) / {cores} cores "
        f"| {template_floor:.1f} | run_reports is {ours / template_floor:.2f}× the template floor |"
    )
    print(
        f"| run_reports on the import-only template (median of {args.repeat}) | {light:.1f} "
        f"| {light / floor:.2f}× the floor |"
    )


if __name__ == "__main__":
    main()
