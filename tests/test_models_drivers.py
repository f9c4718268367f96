"""Tests of ``drivers`` (LMG): brute force over orderings, the R² identity, known truth."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from hrproductivity.models import ArgumentError, drivers, lmg


def _correlated(rng: np.random.Generator, n: int = 300) -> pd.DataFrame:
    base = rng.normal(size=(n, 4))
    fe = base[:, 0]
    yi = 0.6 * fe + 0.8 * base[:, 1]
    pl = 0.3 * fe + 0.5 * yi + 0.8 * base[:, 2]
    noise_item = 0.4 * pl + base[:, 3]
    y = 0.5 * fe + 0.3 * yi + 0.4 * pl + rng.normal(size=n)
    return pd.DataFrame({"fe": fe, "yi": yi, "pl": pl, "other": noise_item, "engagement": y})


def _r2(data: pd.DataFrame, outcome: str, subset: tuple[str, ...]) -> float:
    if not subset:
        return 0.0
    return float(sm.OLS(data[outcome], sm.add_constant(data[list(subset)])).fit().rsquared)


def test_lmg_equals_brute_force_over_all_orderings(rng: np.random.Generator) -> None:
    data = _correlated(rng)
    predictors = ["fe", "yi", "pl", "other"]
    cache: dict[frozenset[str], float] = {}

    def r2(s: frozenset[str]) -> float:
        if s not in cache:
            cache[s] = _r2(data, "engagement", tuple(sorted(s)))
        return cache[s]

    expected = dict.fromkeys(predictors, 0.0)
    orders = list(itertools.permutations(predictors))
    for order in orders:
        seen: frozenset[str] = frozenset()
        for p in order:
            expected[p] += (r2(seen | {p}) - r2(seen)) / len(orders)
            seen = seen | {p}
    assert len(orders) == math.factorial(4)
    res = drivers(data, outcome="engagement", predictors=predictors, n_boot=0)
    got = res.summary().set_index("term")["estimate"]
    for p in predictors:
        assert got[p] == pytest.approx(expected[p], rel=1e-9)


def test_sum_identity_and_shares(rng: np.random.Generator) -> None:
    data = _correlated(rng)
    predictors = ["fe", "yi", "pl", "other"]
    res = drivers(data, outcome="engagement", predictors=predictors, n_boot=50, seed=1)
    full = _r2(data, "engagement", tuple(predictors))
    t = res.summary()
    assert t["estimate"].sum() == pytest.approx(full, rel=1e-10)
    assert res.fit["r2"] == pytest.approx(full, rel=1e-12)
    assert t["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert (t["ci_low"] <= t["estimate"]).all() and (t["estimate"] <= t["ci_high"]).all()
    assert t["p_val"].isna().all()


def test_independent_predictors_recover_beta_squared_variance(rng: np.random.Generator) -> None:
    n = 40_000
    sd = np.array([1.0, 2.0, 0.5])
    beta = np.array([0.5, -0.3, 1.0])
    x = rng.normal(size=(n, 3)) * sd
    y = x @ beta + rng.normal(0, 1.5, n)
    data = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2], "y": y})
    var_y = float(np.sum(beta**2 * sd**2) + 1.5**2)
    res = drivers(data, outcome="y", predictors=["x1", "x2", "x3"], n_boot=0)
    got = res.summary().set_index("term")["estimate"].to_numpy()
    np.testing.assert_allclose(got, beta**2 * sd**2 / var_y, atol=0.01)


def test_lmg_from_correlation_matrix_is_scale_free() -> None:
    corr = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]])
    cov = corr * np.outer([2.0, 3.0, 0.5], [2.0, 3.0, 0.5])
    np.testing.assert_allclose(lmg(corr), lmg(cov), rtol=1e-12)
    # two predictors: LMG_1 = (r1² + (R² − r2²)) / 2
    r2_full = 1 - 1 / np.linalg.inv(corr)[0, 0]
    assert lmg(corr)[0] == pytest.approx((0.5**2 + r2_full - 0.3**2) / 2, rel=1e-12)


def test_groups_and_min_n(rng: np.random.Generator) -> None:
    data = _correlated(rng, n=300)
    data["org"] = np.where(np.arange(300) < 150, "A", "B")
    res = drivers(
        data, outcome="engagement", predictors=["fe", "yi", "pl"], by="org", n_boot=30, seed=2
    )
    t = res.summary()
    assert list(t.columns[:2]) == ["group", "term"]
    assert set(t["group"]) == {"A", "B"}
    alone = drivers(
        data[data["org"] == "A"], outcome="engagement", predictors=["fe", "yi", "pl"], n_boot=0
    )
    np.testing.assert_allclose(
        t[t["group"] == "A"]["estimate"].to_numpy(), alone.summary()["estimate"].to_numpy()
    )
    with pytest.raises(ArgumentError, match="term"):
        res.in_euros(100.0)
    assert res.by_group["A"].in_euros(100.0, term="fe").iloc[0]["unit"] == "EUR"
    data.loc[data.index[:20], "org"] = "tiny"
    with pytest.raises(ArgumentError, match=r"min_n: .*tiny \(20\)"):
        drivers(data, outcome="engagement", predictors=["fe", "yi"], by="org", min_n=30)
    with pytest.raises(ArgumentError, match="min_n"):
        drivers(data.head(25), outcome="engagement", predictors=["fe", "yi"], min_n=30)


def test_input_errors(rng: np.random.Generator) -> None:
    data = _correlated(rng)
    with pytest.raises(ArgumentError, match="predictors: give 2 to 15"):
        drivers(data, outcome="engagement", predictors=["fe"])
    wide = pd.DataFrame(rng.normal(size=(100, 17)), columns=[f"p{i}" for i in range(17)])
    with pytest.raises(ArgumentError, match="predictors: give 2 to 15"):
        drivers(wide, outcome="p0", predictors=[f"p{i}" for i in range(1, 17)])
    with pytest.raises(ArgumentError, match="collinear"):
        drivers(data.assign(fe2=2 * data["fe"]), outcome="engagement", predictors=["fe", "fe2"])


def test_coefficients_translate_to_euros_and_plot(rng: np.random.Generator) -> None:
    data = _correlated(rng)
    res = drivers(data, outcome="engagement", predictors=["fe", "yi", "pl"], n_boot=20, seed=1)
    ols = sm.OLS(data["engagement"], sm.add_constant(data[["fe", "yi", "pl"]])).fit()
    eur = res.in_euros(1000.0, term="pl").iloc[0]
    assert eur["estimate"] == pytest.approx(1000.0 * ols.params["pl"], rel=1e-10)
    lo, hi = ols.conf_int().loc["pl"]
    assert eur["ci_low"] == pytest.approx(1000.0 * lo, rel=1e-8)
    assert eur["ci_high"] == pytest.approx(1000.0 * hi, rel=1e-8)
    ax = res.plot()
    assert ax.get_xlabel() == "share of R²"
    assert "LMG" in res._repr_html_()
