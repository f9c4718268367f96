"""Benchmark: ``multilevel`` on 100 000 respondents in 3 000 units.

Simulates respondents in units in organisations with known within and between
effects and variance components, fits ``hrproductivity.models.multilevel`` for
several numbers of organisations, and prints a Markdown table of wall-clock
times and estimates. The requirement is under 60 s per fit with the default
``org_effects="auto"``.

Run::

    .venv/bin/python benchmarks/bench_models_multilevel.py            # default scenarios
    .venv/bin/python benchmarks/bench_models_multilevel.py --slow      # also forced nested fits
    .venv/bin/python benchmarks/bench_models_multilevel.py --slow \
        --write benchmarks/results/models_multilevel.md
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

from hrproductivity.models import multilevel

TRUE = {"within": 0.4, "between": 0.9, "org": 0.1, "unit": 0.25, "resid": 1.0}


def simulate(
    *, n: int = 100_000, n_units: int = 3_000, n_orgs: int = 30, seed: int = 1
) -> pd.DataFrame:
    """Respondents in units (unequal sizes) in organisations (unequal numbers of units)."""
    rng = np.random.default_rng(seed)
    unit_org = np.sort(rng.integers(0, n_orgs, n_units))
    unit_org[:n_orgs] = np.arange(n_orgs)  # every organisation has a unit
    unit = rng.integers(0, n_units, n)
    unit[:n_units] = np.arange(n_units)  # every unit has a respondent
    org = unit_org[unit]
    u_org = rng.normal(0, np.sqrt(TRUE["org"]), n_orgs)
    u_unit = rng.normal(0, np.sqrt(TRUE["unit"]), n_units)
    qwl = rng.normal(0, 0.5, n_units)[unit] + rng.normal(0, 1, n)
    data = pd.DataFrame({"org": org.astype(str), "unit": unit.astype(str), "qwl": qwl})
    xbar = data.groupby("unit")["qwl"].transform("mean")
    data["wellbeing"] = (
        TRUE["within"] * (data["qwl"] - xbar)
        + TRUE["between"] * xbar
        + u_org[org]
        + u_unit[unit]
        + rng.normal(0, np.sqrt(TRUE["resid"]), n)
    )
    return data


def run(scenarios: list[tuple[int, str]]) -> pd.DataFrame:
    rows = []
    for n_orgs, org_effects in scenarios:
        data = simulate(n_orgs=n_orgs)
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = multilevel(
                data, outcome="wellbeing", exposure="qwl", groups=("org", "unit"),
                org_effects=org_effects,  # type: ignore[arg-type]
                # simulate() makes the outcome depend on the observed unit mean
                unit_means="observed",
            )  # fmt: skip
        seconds = time.perf_counter() - start
        t = res.summary().set_index("term")
        vc = res.variance_components.set_index("component")["variance"]
        rows.append(
            {
                "orgs": n_orgs,
                "org_effects": f"{org_effects} → {res.org_effects}",
                "seconds": round(seconds, 1),
                "within (0.4)": round(float(t.loc["qwl_within", "estimate"]), 3),
                "between (0.9)": round(float(t.loc["qwl_between", "estimate"]), 3),
                "s2_unit (0.25)": round(float(vc["unit"]), 3),
                "s2_org (0.1)": round(float(vc["org"]), 3) if "org" in vc else "fixed",
                "converged": res.converged,
                "warnings": len(caught),
            }
        )
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", action="store_true", help="also time forced nested fits")
    parser.add_argument("--write", type=Path, help="write the Markdown table here")
    args = parser.parse_args()
    scenarios = [(5, "auto"), (30, "auto"), (49, "auto"), (60, "auto"), (300, "auto")]
    if args.slow:
        scenarios += [(30, "random"), (49, "random")]
    table = run(scenarios)
    header = (
        "100 000 respondents, 3 000 units; "
        f"{platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    text = f"{header}\n\n{markdown(table)}\n"
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
