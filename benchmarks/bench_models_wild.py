"""Coverage study: wild cluster bootstrap (``panel_effect``, ``did``) and BCa (``mediation``).

Part 1 simulates unit × wave panels with few units and few treated units and
records how often the 95 % intervals cover the truth, for the clustered
t intervals (CRV1, ``t(G − 1)``, ``inference="analytic"``) and for the
restricted wild cluster bootstrap (Webb weights, ``inference="wild"``). Both
come from the same fit: the wild run keeps the CRV1 standard error, from which
the t interval is recomputed.

The panel data-generating process is the one of
``benchmarks/bench_models_recovery.py`` with the number of experiment units as
a parameter::

    units u = 1..N, waves t = 0..T-1, experiment units: N_TREATED of them
    a_u      ~ N(0, 2²);  z_u = -0.5 a_u/2 + sqrt(0.75) N(0,1)
    D_ut     = 1 for experiment units from wave START on
    QWL_ut   = 60 + 4 z_u + DELTA·D_ut + 3 ε_ut
    e_ut     = RHO e_u,t-1 + ν_ut, ν ~ N(0, 1)
    sick_ut  = 12 + a_u + λ_t + BETA·QWL_ut + TAU·D_ut + e_ut

Truths: ``panel_effect(sick ~ QWL, controls=[D])`` → ``BETA``; ``did`` →
``TAU + BETA·DELTA``; the event-study row two waves before the start → 0.

Part 2 simulates respondents in clusters for ``mediation``::

    clusters g = 1..G with 5..20 respondents each (uniform)
    x_ig = u_g + ε,          u_g ~ N(0, 0.5²), ε ~ N(0, 1)
    m_ig = A·x_ig + v_g + ε_m,  v_g ~ N(0, 0.5²)
    y_ig = C·x_ig + B·m_ig + w_g + ε_y,  w_g ~ N(0, 0.5²)

(truth: indirect ``A·B``), and records the coverage of the percentile and the
BCa interval of the cluster bootstrap.

Run (about 10 minutes on one core)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 \
        .venv/bin/python benchmarks/bench_models_wild.py --reps 300 \
        --write benchmarks/results/models_wild.md
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
from bench_models_recovery import BETA, DID_TRUTH, simulate  # the same panel process
from scipy import stats

from hrproductivity.errors import ModelWarning
from hrproductivity.models import did, mediation, panel_effect
from hrproductivity.models.mediation import bootstrap_interval

A, B, C = 0.4, 0.3, 0.2
#: (units, experiment units, waves)
PANEL_DESIGNS = ((20, 4, 4), (24, 5, 4), (30, 6, 4), (24, 12, 4), (12, 6, 4), (60, 12, 4))
#: Where no bootstrap can help (MacKinnon & Webb 2017), and a larger panel
EXTRA_DESIGNS = ((20, 2, 4), (20, 3, 4), (100, 20, 4))
MEDIATION_CLUSTERS = (12, 20, 30)
#: Mediation intervals compared: label -> (method, expanded)
METHODS = {
    "percentile": ("percentile", False),
    "BCa": ("bca", False),
    "expanded percentile": ("percentile", True),
    "expanded BCa": ("bca", True),
}


def simulate_mediation(rng: np.random.Generator, *, n_clusters: int) -> pd.DataFrame:
    sizes = rng.integers(5, 21, n_clusters)
    g = np.repeat(np.arange(n_clusters), sizes)
    n = g.size
    x = rng.normal(0, 0.5, n_clusters)[g] + rng.normal(size=n)
    m = A * x + rng.normal(0, 0.5, n_clusters)[g] + rng.normal(size=n)
    y = C * x + B * m + rng.normal(0, 0.5, n_clusters)[g] + rng.normal(size=n)
    return pd.DataFrame({"unit": g, "x": x, "m": m, "y": y})


def panel_study(
    *, reps: int, n_boot: int, seed: int, designs: tuple[tuple[int, int, int], ...]
) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    rows = []
    start = time.perf_counter()
    for n_units, n_treated, n_waves in designs:
        crit = float(stats.t.ppf(0.975, n_units - 1))
        for _ in range(reps):
            data = simulate(rng, n_units=n_units, n_treated=n_treated, n_waves=n_waves)
            boot_seed = int(rng.integers(2**31))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ModelWarning)
                pe = panel_effect(
                    data, outcome="sick_days", exposure="qwl", entity="unit", time="wave",
                    controls=["in_experiment"], inference="wild", n_boot=n_boot, seed=boot_seed,
                )  # fmt: skip
                dd = did(
                    data, outcome="sick_days", treated="in_experiment", time="wave",
                    entity="unit", inference="wild", n_boot=n_boot, seed=boot_seed,
                )  # fmt: skip
            es = dd.event_study.set_index("term")
            pe_row = pe.summary().set_index("term").loc["qwl"]
            dd_row = dd.summary().set_index("term").loc["treated_post"]
            for name, row, truth in (
                ("panel_effect (qwl)", pe_row, BETA),
                ("did (treated_post)", dd_row, DID_TRUTH),
                ("did event study rel −2 (placebo)", es.loc["rel_-2"], 0.0),
            ):
                est, se = float(row["estimate"]), float(row["se"])
                rows.append(
                    {
                        "design": f"{n_units} units ({n_treated} treated) × {n_waves} waves",
                        "estimator": name,
                        "t_covered": est - crit * se <= truth <= est + crit * se,
                        "wild_covered": row["ci_low"] <= truth <= row["ci_high"],
                        "t_width": 2 * crit * se,
                        "wild_width": float(row["ci_high"] - row["ci_low"]),
                    }
                )
    return pd.DataFrame(rows), time.perf_counter() - start


def mediation_study(
    *, reps: int, n_boot: int, seed: int, clusters: tuple[int, ...]
) -> tuple[pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    truths = {"indirect": A * B, "direct": C, "total": C + A * B}
    rows = []
    start = time.perf_counter()
    for g in clusters:
        for _ in range(reps):
            data = simulate_mediation(rng, n_clusters=g)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ModelWarning)
                res = mediation(
                    data, exposure="x", mediator="m", outcome="y", cluster="unit",
                    n_boot=n_boot, seed=int(rng.integers(2**31)), ci_method="percentile",
                )  # fmt: skip
            table = res.summary().set_index("term")
            for term, truth in truths.items():
                est = float(table.loc[term, "estimate"])
                draws = res.boot[term].dropna().to_numpy()
                jack = res.jackknife[term].to_numpy()
                row = {"design": f"{g} clusters", "effect": term}
                for method, expand in METHODS.values():
                    lo, hi = bootstrap_interval(
                        draws, est, jack, alpha=0.05, method=method, expand=g if expand else None
                    )
                    key = f"{method}{'_expanded' if expand else ''}"
                    row[f"{key}_covered"] = lo <= truth <= hi
                    row[f"{key}_width"] = hi - lo
                rows.append(row)
    return pd.DataFrame(rows), time.perf_counter() - start


def pct(series: pd.Series) -> str:
    p = float(series.mean())
    return f"{100 * p:.1f} (±{100 * np.sqrt(p * (1 - p) / len(series)):.1f})"


def summarise_panel(raw: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (design, est), g in raw.groupby(["design", "estimator"], sort=False):
        out.append(
            {
                "design": design,
                "estimator": est,
                "CRV1 t(G−1) coverage %": pct(g["t_covered"]),
                "wild (WCR, Webb) coverage %": pct(g["wild_covered"]),
                "wild / t width": round(float((g["wild_width"] / g["t_width"]).median()), 2),
            }
        )
    return pd.DataFrame(out)


def summarise_mediation(raw: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (design, effect), g in raw.groupby(["design", "effect"], sort=False):
        row = {"design": design, "effect": effect}
        for label, (method, expand) in METHODS.items():
            key = f"{method}{'_expanded' if expand else ''}"
            row[f"{label} %"] = pct(g[f"{key}_covered"])
        row["expanded BCa / percentile width"] = round(
            float((g["bca_expanded_width"] / g["percentile_width"]).median()), 2
        )
        out.append(row)
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300, help="datasets per design")
    parser.add_argument("--n-boot", type=int, default=399, help="bootstrap draws per fit")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--part", choices=("panel", "mediation", "both"), default="both")
    parser.add_argument(
        "--extra", action="store_true", help="panel designs with 2-3 treated units and 100 units"
    )
    parser.add_argument("--write", type=Path, help="write the Markdown tables here")
    args = parser.parse_args()
    parts = []
    if args.part in ("panel", "both"):
        raw, seconds = panel_study(
            reps=args.reps, n_boot=args.n_boot, seed=args.seed,
            designs=EXTRA_DESIGNS if args.extra else PANEL_DESIGNS,
        )  # fmt: skip
        parts.append(
            f"## panel_effect and did: {args.reps} datasets per design, {args.n_boot} wild "
            f"bootstrap draws, seed {args.seed}; {seconds:.0f} s\n\n"
            f"{markdown(summarise_panel(raw))}\n"
        )
    if args.part in ("mediation", "both"):
        raw, seconds = mediation_study(
            reps=args.reps, n_boot=args.n_boot, seed=args.seed + 1, clusters=MEDIATION_CLUSTERS
        )
        parts.append(
            f"## mediation: {args.reps} datasets per design, {args.n_boot} cluster bootstrap "
            f"replicates, seed {args.seed + 1}; {seconds:.0f} s\n\n"
            f"{markdown(summarise_mediation(raw))}\n"
        )
    text = (
        f"python {platform.python_version()} on {platform.machine()}; coverage % with its "
        "Monte Carlo standard error\n\n" + "\n".join(parts)
    )
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
