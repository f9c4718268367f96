"""Recovery study: do ``panel_effect`` and ``did`` find known effects with honest intervals?

Simulates many unit × wave panels shaped like the library's data (units of an
organisation observed over a few survey waves, joined with HR sickness data),
with known parameters, and records for each estimator the bias, the coverage of
its 95 % interval and the runtime.

Data-generating process (one dataset)::

    units u = 1..N, waves t = 0..T-1
    a_u      ~ N(0, 2²)                      unit effect on sick days
    z_u      = -0.5 a_u/2 + sqrt(0.75) N(0,1) unit level of QWL, correlated with a_u
    D_ut     = 1 for experiment units (20 %) from wave START on
    QWL_ut   = 60 + 4 z_u + DELTA·D_ut + 3 ε_ut
    e_ut     = RHO e_u,t-1 + ν_ut, ν ~ N(0, 1)  (serially correlated errors)
    sick_ut  = 12 + a_u + λ_t + BETA·QWL_ut + TAU·D_ut + e_ut

Truths: ``panel_effect(sick ~ QWL | unit + wave, controls=[D])`` estimates
``BETA``; ``did(sick, treated=D)`` estimates the total effect of the experiment
``TAU + BETA·DELTA`` (direct effect plus the effect through better QWL). Because
a_u and QWL are correlated, pooled OLS would be biased; the fixed effects are
needed.

Run::

    .venv/bin/python benchmarks/bench_models_recovery.py                 # 500 datasets
    .venv/bin/python benchmarks/bench_models_recovery.py --reps 200 --units 60
    .venv/bin/python benchmarks/bench_models_recovery.py \
        --write benchmarks/results/models_recovery.md
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _table import markdown  # benchmarks/_table.py, beside this script

from hrproductivity.errors import ModelWarning
from hrproductivity.models import did, panel_effect

BETA = -0.15  # sick days per FTE per QWL index point
DELTA = 3.0  # QWL points gained in experiment units
TAU = -0.5  # direct effect of the experiment on sick days
RHO = 0.3  # serial correlation of the errors
START = 2  # first experiment wave (0-based)
WAVE_EFFECTS = (0.0, 0.6, 1.0, 0.7, 1.2)
DID_TRUTH = TAU + BETA * DELTA


def simulate(
    rng: np.random.Generator, *, n_units: int, n_waves: int, n_treated: int | None = None
) -> pd.DataFrame:
    """One panel of the process above; ``n_treated`` experiment units (default 20 %)."""
    unit = np.repeat(np.arange(n_units), n_waves)
    wave = np.tile(np.arange(n_waves), n_units)
    a = rng.normal(0, 2, n_units)
    z = -0.5 * a / 2 + np.sqrt(0.75) * rng.normal(size=n_units)
    if n_treated is None:
        n_treated = round(0.2 * n_units)
    experiment = np.zeros(n_units, dtype=bool)
    experiment[rng.choice(n_units, n_treated, replace=False)] = True
    d = (experiment[unit] & (wave >= START)).astype(float)
    qwl = 60 + 4 * z[unit] + DELTA * d + 3 * rng.normal(size=unit.size)
    nu = rng.normal(size=(n_units, n_waves))
    e = np.empty_like(nu)
    e[:, 0] = nu[:, 0] / np.sqrt(1 - RHO**2)
    for t in range(1, n_waves):
        e[:, t] = RHO * e[:, t - 1] + nu[:, t]
    sick = 12 + a[unit] + np.asarray(WAVE_EFFECTS)[wave] + BETA * qwl + TAU * d + e.ravel()
    return pd.DataFrame(
        {
            "org": "org1",
            "unit": [f"unit{u:03d}" for u in unit],
            "wave": 2021 + wave,  # years as numbers carry their time order
            "qwl": qwl,
            "in_experiment": d,
            "sick_days": sick,
        }
    )


def study(*, reps: int, n_units: int, n_waves: int, seed: int) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    rows = []
    start = time.perf_counter()
    for _ in range(reps):
        data = simulate(rng, n_units=n_units, n_waves=n_waves)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            pe = panel_effect(
                data, outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave",
                controls=["in_experiment"], inference="analytic",
            )  # fmt: skip
            dd = did(
                data, outcome="sick_days", treated="in_experiment", time="wave",
                entity=("org", "unit"), inference="analytic",
            )  # fmt: skip
        for name, res, term, truth in (
            ("panel_effect (qwl)", pe, "qwl", BETA),
            ("did (treated_post)", dd, "treated_post", DID_TRUTH),
        ):
            row = res.summary().set_index("term").loc[term]
            rows.append(
                {
                    "estimator": name,
                    "truth": truth,
                    "estimate": row["estimate"],
                    "se": row["se"],
                    "covered": row["ci_low"] <= truth <= row["ci_high"],
                }
            )
        es = dd.event_study.set_index("rel_time")
        pre = es.loc[-2]
        rows.append(
            {
                "estimator": "did event study (rel -2, placebo)",
                "truth": 0.0,
                "estimate": pre["estimate"],
                "se": pre["se"],
                "covered": pre["ci_low"] <= 0.0 <= pre["ci_high"],
            }
        )
    seconds = time.perf_counter() - start
    return pd.DataFrame(rows), seconds


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    out = []
    for name, g in raw.groupby("estimator", sort=False):
        truth = float(g["truth"].iloc[0])
        bias = float(g["estimate"].mean() - truth)
        cov = float(g["covered"].mean())
        n = len(g)
        out.append(
            {
                "estimator": name,
                "truth": round(truth, 3),
                "mean estimate": round(float(g["estimate"].mean()), 4),
                "bias": round(bias, 4),
                "bias % of effect": round(100 * bias / truth, 1) if truth else "—",
                "empirical SD": round(float(g["estimate"].std(ddof=1)), 4),
                "mean SE": round(float(g["se"].mean()), 4),
                "coverage 95 %": f"{100 * cov:.1f}",
                "MC SE of coverage": f"{100 * np.sqrt(cov * (1 - cov) / n):.1f}",
            }
        )
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500, help="simulated datasets")
    parser.add_argument("--units", type=int, default=60, help="units per dataset")
    parser.add_argument("--waves", type=int, default=4, help="waves per unit (3-5)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--write", type=Path, help="write the Markdown table here")
    args = parser.parse_args()
    if not 3 <= args.waves <= len(WAVE_EFFECTS):
        parser.error(f"--waves must be 3 to {len(WAVE_EFFECTS)}")
    raw, seconds = study(reps=args.reps, n_units=args.units, n_waves=args.waves, seed=args.seed)
    table = summarise(raw)
    text = (
        f"{args.reps} datasets of {args.units} units × {args.waves} waves "
        f"({round(0.2 * args.units)} experiment units from wave {START + 1}), seed {args.seed}; "
        f"{seconds:.1f} s in all ({1000 * seconds / args.reps:.0f} ms per dataset, both models); "
        f"python {platform.python_version()} on {platform.machine()}\n\n{markdown(table)}\n"
    )
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
