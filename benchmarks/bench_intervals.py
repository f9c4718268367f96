"""Benchmark: coverage of the interval of a unit's mean QWL index, t(n − 1) against ± 1.96.

Draws many surveys of one unit from the teaching model of respondents
(``teaching.simulate_respondents``: bounded, skewed per-person QWL index, the true
unit mean fixed from 200 000 people), computes for each survey the report's interval
(``aggregation.mean_ci``, t with n − 1 degrees of freedom) and the earlier normal
interval (± 1.96 · sd/√n), and prints the share of surveys whose interval contains the
true mean, by number of respondents. Method note: docs/intervals.md.

Run::

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/bench_intervals.py
    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/bench_intervals.py \
        --write benchmarks/results/intervals.md
"""

from __future__ import annotations

import argparse
import math
import platform
from pathlib import Path

import numpy as np

from hrproductivity.aggregation import mean_ci
from hrproductivity.teaching import simulate_respondents

SIZES = (5, 8, 10, 15, 20, 40)


def coverage(
    sizes: tuple[int, ...] = SIZES, *, surveys: int = 20_000, seed: int = 2026
) -> list[dict[str, float]]:
    """Coverage of the t and z intervals per number of respondents, with Monte Carlo SEs."""
    rng = np.random.default_rng(seed)
    true = float(simulate_respondents(200_000, rng=rng)["qwl_index"].mean())
    rows = []
    for n in sizes:
        q = simulate_respondents(n * surveys, rng=rng)["qwl_index"].to_numpy()
        q = q.reshape(surveys, n)
        m, se = q.mean(axis=1), q.std(axis=1, ddof=1) / math.sqrt(n)
        low, high = mean_ci(m, se, n)
        t_cov = float(np.mean((low <= true) & (true <= high)))
        z_cov = float(np.mean(np.abs(m - true) <= 1.959964 * se))
        rows.append(
            {
                "n": n,
                "t": t_cov,
                "z": z_cov,
                "mc_se": math.sqrt(0.95 * 0.05 / surveys),
            }
        )
    return rows


def table(rows: list[dict[str, float]], surveys: int) -> str:
    lines = [
        "# Coverage of the 95 % interval of a unit's mean QWL index",
        "",
        f"{surveys} simulated surveys per size (teaching.simulate_respondents defaults), "
        f"true mean from 200 000 people; Python {platform.python_version()}.",
        "",
        "| respondents | t(n − 1) (reports, teaching) | ± 1.96 · se (before) | Monte Carlo SE |",
        "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['n']:.0f} | {r['t']:.3f} | {r['z']:.3f} | {r['mc_se']:.4f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=20_000)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    rows = coverage(surveys=args.surveys)
    text = table(rows, args.surveys)
    print(text)
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
