"""Timing checks moved out of the correctness suite, each as a ratio to a baseline.

A wall-clock limit in a test fails on a busy machine and passes on a fast one for
the wrong reasons; here each timing is measured against a baseline run in the same
process, one after the other, so the ratio says what the limit meant:

``yaml_alias_bomb``
    ``load_dataset`` refusing a dataset.yaml of nine levels of nine aliases (it once
    ran 142 s into a MemoryError) against loading the same valid folder without them.
    Was ``assert < 2 s`` in tests/test_hostile_inputs.py.
``cfa_5000``
    :func:`hrproductivity.cfa` of 15 items / 3 factors on 5 000 respondents against
    semopy fitting the same model description directly.
``invariance_5x1000``
    :func:`hrproductivity.reliability.measurement_invariance` (configural, metric,
    scalar) on 5 groups x 1 000 against one CFA of the pooled 5 000.
    Both were ``assert < 20 s`` in tests/test_reliability.py.
``report_rerun``
    :func:`hrproductivity.reports.run_reports` run again with nothing changed (every
    report skipped) against the first run of the same four reports.
    Was ``assert < 5 s`` in tests/test_reports_runner.py.

The research notebooks' "within a minute" checks (tests/test_notebook_02.py,
tests/test_notebooks_research_03_04.py) are ``--notebooks``: each notebook against a
one-cell notebook in the same kernel, through the same papermill call. The scale
test's ``< 15 s`` for generating 300 organisations is ``generate_seconds`` of
bench_scale.py.

Run::

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/bench_timing.py \
        [--notebooks] [--write benchmarks/results/timing.md]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
from _table import markdown

from hrproductivity import load_dataset
from hrproductivity.errors import DataValidationError
from hrproductivity.reliability import cfa, measurement_invariance

ROOT = Path(__file__).resolve().parents[1]
VALID = ROOT / "tests" / "data" / "valid"
RECORD = ROOT / "tests" / "data" / "notebooks" / "record_number.ipynb"
NOTEBOOKS = ROOT / "notebooks" / "research"


def _seconds(func: Callable[[], Any], repeat: int = 3) -> float:
    """The best of ``repeat`` wall-clock times of ``func()`` (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _row(case: str, seconds: float, baseline: str, base_seconds: float, was: str) -> dict:
    return {
        "case": case,
        "seconds": f"{seconds:.3f}",
        "baseline": baseline,
        "baseline seconds": f"{base_seconds:.3f}",
        "ratio": f"{seconds / base_seconds:.3g}",
        "was in the suite": was,
    }


def yaml_alias_bomb(work: Path) -> dict:
    clean = work / "clean"
    shutil.copytree(VALID, clean)
    bomb = work / "bomb"
    shutil.copytree(VALID, bomb)
    lines = ["ignore_columns:", "  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with (bomb / "dataset.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")

    def refuse() -> None:
        try:
            load_dataset(bomb)
        except DataValidationError:
            return
        raise AssertionError("the alias bomb was not refused")

    return _row(
        "yaml_alias_bomb",
        _seconds(refuse),
        "load_dataset(valid folder)",
        _seconds(lambda: load_dataset(clean)),
        "< 2 s (test_hostile_inputs)",
    )


def _three_factor_sample(n: int, rng: np.random.Generator) -> pd.DataFrame:
    # the same data as tests/test_reliability.py
    lam = np.zeros((15, 3))
    for k in range(3):
        lam[5 * k : 5 * k + 5, k] = [0.8, 0.7, 0.75, 0.6, 0.65]
    phi = np.array([[1.0, 0.4, 0.3], [0.4, 1.0, 0.5], [0.3, 0.5, 1.0]])
    f = rng.multivariate_normal(np.zeros(3), phi, n)
    x = 3 + f @ lam.T + rng.normal(0, 0.6, (n, 15))
    return pd.DataFrame(x, columns=[f"qwl_{j:02d}" for j in range(1, 16)])


FACTORS = {
    "FE": [f"qwl_{j:02d}" for j in range(1, 6)],
    "YI": [f"qwl_{j:02d}" for j in range(6, 11)],
    "PL": [f"qwl_{j:02d}" for j in range(11, 16)],
}


def cfa_and_invariance() -> list[dict]:
    import semopy

    rng = np.random.default_rng(20261122)
    big = _three_factor_sample(5000, rng)
    desc = "\n".join(f"{f} =~ {' + '.join(items)}" for f, items in FACTORS.items())

    def plain_semopy() -> None:
        model = semopy.Model(desc)
        model.fit(big)
        semopy.calc_stats(model)

    groups = pd.concat(
        [_three_factor_sample(1000, rng).assign(org=f"org{g}") for g in range(5)],
        ignore_index=True,
    )

    def invariance() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            measurement_invariance(groups, factors=FACTORS, by="org")

    pooled = groups.drop(columns="org")
    return [
        _row(
            "cfa_5000",
            _seconds(lambda: cfa(big, factors=FACTORS)),
            "semopy Model.fit + calc_stats, same model",
            _seconds(plain_semopy),
            "< 20 s (test_reliability)",
        ),
        _row(
            "invariance_5x1000",
            _seconds(invariance, repeat=1),
            "cfa of the pooled 5 000",
            _seconds(lambda: cfa(pooled, factors=FACTORS)),
            "< 20 s (test_reliability)",
        ),
    ]


def report_rerun(work: Path) -> dict:
    from hrproductivity.reports import Job, run_reports

    jobs = [Job(f"K{i:03d}", {"org": f"K{i:03d}", "value": i}) for i in range(4)]
    out = work / "reports"

    def run() -> None:
        run_reports(jobs, template=RECORD, wave="2023", jobs=2, out=out, lang="en")

    first = _seconds(run, repeat=1)
    again = _seconds(run)
    return _row("report_rerun", again, "first run, 4 reports", first, "< 5 s (test_reports_runner)")


def notebooks(work: Path) -> list[dict]:
    from hrproductivity.reports.execute import execute_notebook

    def execute(path: Path, out: Path) -> None:
        # the defaults, but figures go to the temporary folder, not into the repository
        parameters = {"figures_dir": str(work / "figures")} if path.name.startswith("03_") else {}
        execute_notebook(
            str(path),
            str(out),
            parameters=parameters,
            kernel_name="hrproductivity",
            cwd=str(path.parent),
        )

    floor = work / "one_cell.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import hrproductivity")]
    nb.metadata["kernelspec"] = {"name": "hrproductivity", "display_name": "hrproductivity"}
    nbformat.write(nb, floor)
    base = _seconds(lambda: execute(floor, work / "one_cell.out.ipynb"), repeat=2)
    rows = []
    for name in sorted(p.name for p in NOTEBOOKS.glob("0[234]_*.ipynb")):
        seconds = _seconds(lambda n=name: execute(NOTEBOOKS / n, work / n), repeat=1)
        rows.append(_row(name, seconds, "one-cell notebook", base, "< 60 s (test_notebook*)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", action="store_true", help="run the research notebooks")
    parser.add_argument("--write", type=Path, help="write the Markdown table to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [yaml_alias_bomb(work), *cfa_and_invariance(), report_rerun(work)]
        if args.notebooks:
            rows += notebooks(work)
    table = markdown(pd.DataFrame(rows))
    head = (
        f"Command: `.venv/bin/python benchmarks/bench_timing.py"
        f"{' --notebooks' if args.notebooks else ''}` ({date.today()}, "
        f"{platform.processor() or platform.machine()}, Python {sys.version.split()[0]}); "
        "best of 3 runs (1 for invariance, first report run and notebooks)."
    )
    text = f"# Timing checks, as ratios to a baseline\n\n{head}\n\n{table}\n"
    print(text)
    if args.write:
        args.write.parent.mkdir(exist_ok=True)
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
