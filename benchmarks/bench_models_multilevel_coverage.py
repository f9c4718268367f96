"""Coverage study: ``multilevel``'s latent unit means, random slopes and t intervals.

Simulates respondents in units with known effects and counts how often the 95 %
intervals of ``hrproductivity.models.multilevel`` cover the truth. Three parts:

``latent``
    The exposure is ``x_ij = mu_j + d_ij`` with ICC(1) = var(mu) in {0.05, 0.10, 0.20}
    (total variance 1) and 5 to 15 answers per unit (``DESIGNS``); the outcome is
    ``y_ij = 0.4 (x_ij - mu_j) + 0.9 mu_j + u_j + e_ij`` (within 0.4, between 0.9,
    contextual 0.5 for the unit's *true* mean; var(u) = 0.1, var(e) = 1). Each data
    set is fitted with ``unit_means="latent"``, and in the middle design also with
    ``"observed"``.
``slope``
    Within slope 0.4 varying between units with SD 0.25 (30 units of 10);
    fitted with and without ``random_slope``.
``small``
    10 units of 8 (ICC(1) of the exposure 0.2, latent fit): coverage of the t
    intervals (between-within df) against normal intervals from the same fits.

Run (about 10 minutes on a shared core; ``--parts`` runs a part alone, ``--designs``
chosen latent designs)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python \\
        benchmarks/bench_models_multilevel_coverage.py \\
        --write benchmarks/results/models_multilevel_coverage.md
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from hrproductivity.models import multilevel
from hrproductivity.models.multilevel import MultilevelResults

WITHIN, BETWEEN, U_VAR = 0.4, 0.9, 0.1
#: latent part: ICC(1) of the exposure, answers per unit, also fit observed means
DESIGNS = (
    (0.05, 5, False),
    (0.05, 15, False),
    (0.10, 8, True),
    (0.20, 5, False),
    (0.20, 15, False),
)
TRUTH = {"within": WITHIN, "between": BETWEEN, "contextual": BETWEEN - WITHIN}


def simulate(
    rng: np.random.Generator, *, n_units: int, per_unit: int, icc: float, slope_sd: float = 0.0
) -> pd.DataFrame:
    """One data set of the latent-covariate model (vectorised)."""
    unit = np.repeat(np.arange(n_units), per_unit)
    mu = rng.normal(0.0, np.sqrt(icc), n_units)
    d = rng.normal(0.0, np.sqrt(1.0 - icc), unit.size)
    slope = (
        WITHIN + rng.normal(0.0, slope_sd, n_units) if slope_sd > 0 else np.full(n_units, WITHIN)
    )
    y = (
        slope[unit] * d
        + BETWEEN * mu[unit]
        + rng.normal(0.0, np.sqrt(U_VAR), n_units)[unit]
        + rng.normal(0.0, 1.0, unit.size)
    )
    return pd.DataFrame({"unit": unit, "x": mu[unit] + d, "y": y})


def _result(data: pd.DataFrame, **options: Any) -> MultilevelResults:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return multilevel(data, outcome="y", exposure="x", groups="unit", **options)


def _covers(table: pd.DataFrame, part: str, *, normal: bool = False) -> tuple[bool, float]:
    row = table.loc[f"x_{part}"]
    est, se = float(row["estimate"]), float(row["se"])
    if normal:
        low, high = est - 1.959964 * se, est + 1.959964 * se
    else:
        low, high = float(row["ci_low"]), float(row["ci_high"])
    return bool(low <= TRUTH[part] <= high), est


def latent_part(
    reps: int, n_units: int, seed: int, designs: Sequence[tuple[float, int, bool]] = DESIGNS
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for icc, per_unit, both in designs:
        rng = np.random.default_rng([seed, int(icc * 100), per_unit])
        hits: dict[tuple[str, str], list[bool]] = {}
        ests: dict[tuple[str, str], list[float]] = {}
        fallback = 0
        unbounded: dict[tuple[str, str], int] = {}
        start = time.perf_counter()
        for _ in range(reps):
            data = simulate(rng, n_units=n_units, per_unit=per_unit, icc=icc)
            for means in ("latent", "observed") if both else ("latent",):
                res = _result(data, unit_means=means)
                fallback += means == "latent" and res.unit_means == "observed"
                table = res.summary().set_index("term")
                for part in ("between", "contextual"):
                    ok, est = _covers(table, part)
                    unbounded[(means, part)] = unbounded.get((means, part), 0) + int(
                        not np.isfinite(
                            table.loc[f"x_{part}", "ci_high"] - table.loc[f"x_{part}", "ci_low"]
                        )
                    )
                    hits.setdefault((means, part), []).append(ok)
                    ests.setdefault((means, part), []).append(est)
        lam = per_unit * icc / (1 + (per_unit - 1) * icc)
        for (means, part), h in hits.items():
            e = np.array(ests[(means, part)])
            rows.append(
                {
                    "ICC(1)": icc,
                    "per unit": per_unit,
                    "ICC(2)": round(lam, 2),
                    "unit means": means,
                    "effect": f"{part} ({TRUTH[part]})",
                    "coverage": round(float(np.mean(h)), 3),
                    "median estimate": round(float(np.nanmedian(e)), 3),
                    "not estimable": fallback if means == "latent" else "",
                    "unbounded": unbounded[(means, part)],
                    "seconds": round(time.perf_counter() - start, 1),
                }
            )
    return rows


def slope_part(reps: int, seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng([seed, 25])
    hits: dict[bool, list[bool]] = {False: [], True: []}
    rejects = []
    for _ in range(reps):
        data = simulate(rng, n_units=30, per_unit=10, icc=0.2, slope_sd=0.25)
        for rs in (False, True):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = multilevel(data, outcome="y", exposure="x", groups="unit", random_slope=rs)
            hits[rs].append(_covers(res.summary().set_index("term"), "within")[0])
            if rs:
                rejects.append(res.fit["slope_lr_p"] < 0.05)
    return [
        {
            "design": "30 units of 10, slope SD 0.25",
            "random_slope": rs,
            "within coverage": round(float(np.mean(h)), 3),
            "LR test rejects (5 %)": round(float(np.mean(rejects)), 3) if rs else "",
        }
        for rs, h in hits.items()
    ]


def small_part(reps: int, seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng([seed, 10])
    hits: dict[tuple[str, str], list[bool]] = {}
    df: dict[str, float] = {}
    for _ in range(reps):
        data = simulate(rng, n_units=10, per_unit=8, icc=0.2)
        table = _result(data).summary().set_index("term")
        for part in ("within", "between", "contextual"):
            df[part] = float(table.loc[f"x_{part}", "df"])
            for kind in ("t", "normal"):
                hits.setdefault((part, kind), []).append(
                    _covers(table, part, normal=kind == "normal")[0]
                )
    return [
        {
            "effect": f"{part} ({TRUTH[part]})",
            "interval": kind if kind == "normal" else f"t, df {df[part]:.0f}",
            "coverage": round(float(np.mean(h)), 3),
        }
        for (part, kind), h in hits.items()
    ]


def _markdown(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * frame.shape[1]
    body = ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _mc_band(reps: int) -> str:
    low, high = stats.binom.interval(0.95, reps, 0.95)
    return f"{low / reps:.3f}–{high / reps:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--units", type=int, default=50, help="units in the latent part")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--parts", default="latent,slope,small")
    parser.add_argument(
        "--designs", default="", help="latent designs as ICC:n,ICC:n (default: DESIGNS)"
    )
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    parts = args.parts.split(",")
    start = time.perf_counter()
    out = [
        f"# multilevel: coverage of the 95 % intervals ({args.reps} data sets per design)",
        "",
        f"Command (2 cores shared, one BLAS thread, python {platform.python_version()}):",
        "",
        "    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python \\",
        "        benchmarks/bench_models_multilevel_coverage.py "
        f"--reps {args.reps} --units {args.units} --seed {args.seed} --parts {args.parts}"
        + (f" --designs {args.designs}" if args.designs else ""),
        "",
        f"With {args.reps} data sets a true 95 % coverage is seen in "
        f"{_mc_band(args.reps)} 95 % of the time.",
    ]
    if "latent" in parts:
        designs = (
            [(float(d.split(":")[0]), int(d.split(":")[1]), False) for d in args.designs.split(",")]
            if args.designs
            else DESIGNS
        )
        table = pd.DataFrame(latent_part(args.reps, args.units, args.seed, designs))
        out += ["", f"## Latent unit means ({args.units} units)", "", _markdown(table)]
        print(_markdown(table), flush=True)
    if "slope" in parts:
        table = pd.DataFrame(slope_part(args.reps, args.seed))
        out += ["", "## Random slopes", "", _markdown(table)]
        print(_markdown(table), flush=True)
    if "small" in parts:
        table = pd.DataFrame(small_part(args.reps, args.seed))
        out += ["", "## 10 units: t against normal intervals", "", _markdown(table)]
        print(_markdown(table), flush=True)
    out += ["", f"Total {time.perf_counter() - start:.0f} s."]
    if args.write:
        args.write.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
