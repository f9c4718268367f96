"""Tests of the restricted wild cluster bootstrap (``hrproductivity.models.wild``).

Outside references: a brute-force enumeration written here (refit OLS with
statsmodels' cluster-robust covariance for every Rademacher weight vector), and
p-values printed by the Python package ``wildboottest`` 0.3.2 (the port of
fwildclusterboot by its author), recorded below.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from hrproductivity.errors import ModelWarning
from hrproductivity.models import ArgumentError, did, panel_effect
from hrproductivity.models.wild import wild_cluster_test


def _data(seed: int, n_clusters: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """8 rows per cluster; x has a cluster component, y a cluster effect; β_x = 0.1."""
    rng = np.random.default_rng(seed)
    n = n_clusters * 8
    g = np.repeat(np.arange(n_clusters), 8)
    x = np.column_stack(
        [np.ones(n), rng.normal(size=n) + rng.normal(size=n_clusters)[g], rng.normal(size=n)]
    )
    y = 0.1 * x[:, 1] + rng.normal(size=n_clusters)[g] + rng.normal(size=n)
    return y, x, g


def _enumerated_p(y: np.ndarray, x: np.ndarray, g: np.ndarray, k: int, r: float) -> float:
    """WCR p-value by brute force: every ±1 vector, a full OLS refit each time.

    Restricted fit: regress ``y − r·x_k`` on the other columns; bootstrap outcome
    ``y* = fitted_restricted + r·x_k + v_g · residual_restricted``; t* from statsmodels'
    cluster-robust (CRV1) covariance; p = share of |t*| strictly above |t|.
    """
    others = np.delete(x, k, axis=1)
    restricted = sm.OLS(y - r * x[:, k], others).fit()
    fitted = restricted.fittedvalues + r * x[:, k]
    resid = restricted.resid

    def t_of(outcome: np.ndarray) -> float:
        fit = sm.OLS(outcome, x).fit(cov_type="cluster", cov_kwds={"groups": g})
        return float((fit.params[k] - r) / fit.bse[k])

    t_hat = t_of(y)
    n_clusters = int(g.max()) + 1
    t_star = [
        t_of(fitted + np.asarray(v)[g] * resid)
        for v in itertools.product((-1.0, 1.0), repeat=n_clusters)
    ]
    return float(np.mean(np.abs(t_star) > abs(t_hat) * (1 + 1e-10)))


@pytest.mark.parametrize(("seed", "n_clusters"), [(0, 5), (4, 7)])
def test_enumerated_p_value_matches_brute_force(seed: int, n_clusters: int) -> None:
    y, x, g = _data(seed, n_clusters)
    for r in (0.0, 0.3):
        res = wild_cluster_test(
            y, x, g, np.array([0.0, 1.0, 0.0]), r=r, weights="rademacher", n_boot=2**n_clusters
        )
        assert res.enumerated and res.n_boot == 2**n_clusters
        assert res.p_val == pytest.approx(_enumerated_p(y, x, g, 1, r), abs=1e-12)


def test_matches_wildboottest() -> None:
    """p-values printed by ``wildboottest`` 0.3.2 for the same data (full enumeration).

    Script (numba replaced by no-op decorators)::

        from wildboottest.wildboottest import WildboottestCL
        wb = WildboottestCL(X=x, Y=y, cluster=g, R=np.array([0., 1., 0.]), B=2**G + 1)
        wb.get_scores(bootstrap_type="11", impose_null=True)
        wb.get_weights(weights_type="rademacher")
        wb.get_numer(); wb.get_denom(); wb.get_tboot(); wb.get_vcov()
        wb.get_tstat(); wb.get_pvalue()       # two-tailed: mean(|t| < |t*|)

    gave 0.375 (seed 0, G = 5), 0.265625 (seed 2, G = 9), 0.5 (seed 3, G = 5), 0.0625
    (seed 4, G = 7), with t = wb.t_stat equal to statsmodels' CRV1 t.
    """
    expected = {(0, 5): 0.375, (2, 9): 0.265625, (3, 5): 0.5, (4, 7): 0.0625}
    for (seed, n_clusters), p in expected.items():
        y, x, g = _data(seed, n_clusters)
        res = wild_cluster_test(
            y, x, g, np.array([0.0, 1.0, 0.0]), weights="rademacher", n_boot=2**n_clusters + 1
        )
        assert res.p_val == pytest.approx(p, abs=1e-12)
        crv1 = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": g})
        assert res.t_stat == pytest.approx(crv1.tvalues[1], rel=1e-9)


def test_interval_is_the_inverted_test() -> None:
    """The interval's ends are where the p-value crosses alpha (same draws throughout)."""
    y, x, g = _data(1, 10)
    vec = np.array([0.0, 1.0, 0.0])
    res = wild_cluster_test(y, x, g, vec, n_boot=999, rng=np.random.default_rng(3))
    assert res.ci_low < res.estimate < res.ci_high
    width = res.ci_high - res.ci_low
    for end, outward in ((res.ci_low, -1), (res.ci_high, 1)):
        inside = wild_cluster_test(
            y, x, g, vec, r=end - outward * 1e-4 * width, n_boot=999,
            rng=np.random.default_rng(3), alpha=None,
        )  # fmt: skip
        outside = wild_cluster_test(
            y, x, g, vec, r=end + outward * 1e-4 * width, n_boot=999,
            rng=np.random.default_rng(3), alpha=None,
        )  # fmt: skip
        assert inside.p_val > 0.05 >= outside.p_val


def test_panel_effect_wild_equals_the_dummy_variable_regression(rng: np.random.Generator) -> None:
    """Absorbing unit effects nested in the clusters changes nothing: the same draws on the
    explicit dummy-variable design (units and waves as columns) give the same p and interval."""
    n_units, n_waves = 12, 4
    unit = np.repeat(np.arange(n_units), n_waves)
    wave = np.tile(np.arange(n_waves), n_units)
    a = rng.normal(size=n_units)
    x = rng.normal(size=unit.size) + a[unit]
    y = a[unit] + 0.3 * wave - 0.2 * x + rng.normal(size=unit.size)
    data = pd.DataFrame({"unit": unit, "wave": wave, "x": x, "y": y}).drop(index=[3, 7, 20])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        res = panel_effect(
            data, outcome="y", exposure="x", entity="unit", time="wave", inference="wild", seed=5
        )
    row = res.summary().iloc[0]
    design = np.column_stack(
        [
            data["x"],
            pd.get_dummies(data["wave"], drop_first=True, dtype=float),
            pd.get_dummies(data["unit"], dtype=float),
        ]
    )
    lsdv = wild_cluster_test(
        data["y"].to_numpy(), design, data["unit"].to_numpy(), np.eye(design.shape[1])[0],
        n_boot=999, rng=np.random.default_rng(5),
    )  # fmt: skip
    assert res.inference == "wild"
    assert row["p_val"] == pytest.approx(lsdv.p_val, abs=1e-12)
    assert row["ci_low"] == pytest.approx(lsdv.ci_low, rel=1e-6)
    assert row["ci_high"] == pytest.approx(lsdv.ci_high, rel=1e-6)
    assert row["estimate"] == pytest.approx(lsdv.estimate, rel=1e-9)


def _small_experiment(rng: np.random.Generator, n_units: int) -> pd.DataFrame:
    unit = np.repeat(np.arange(n_units), 4)
    wave = np.tile(np.arange(4), n_units)
    treated = (unit < n_units // 2) & (wave >= 2)
    y = rng.normal(size=n_units)[unit] + 0.2 * wave - 0.5 * treated + rng.normal(size=unit.size)
    return pd.DataFrame({"unit": unit, "wave": wave, "d": treated.astype(float), "y": y})


def test_auto_uses_the_wild_bootstrap_below_the_threshold(rng: np.random.Generator) -> None:
    small, large = _small_experiment(rng, 16), _small_experiment(rng, 120)
    kw = dict(outcome="y", treated="d", time="wave", entity="unit")
    few = did(small, **kw)
    many = did(large, **kw)
    assert few.inference == "wild" and many.inference == "analytic"
    assert any("wild cluster bootstrap" in note for note in few.notes)
    forced = did(large, inference="wild", **kw)
    assert forced.inference == "wild"
    # same estimate and CRV1 standard error; the interval is the bootstrap's
    a, b = many.summary().iloc[0], forced.summary().iloc[0]
    assert a["estimate"] == b["estimate"] and a["se"] == b["se"]
    assert (a["ci_low"], a["ci_high"]) != (b["ci_low"], b["ci_high"])
    with pytest.warns(ModelWarning, match="only 16 clusters"):
        did(small, inference="analytic", **kw)


def test_wild_needs_entity_clusters(rng: np.random.Generator) -> None:
    data = _small_experiment(rng, 16)
    kw = dict(outcome="y", treated="d", time="wave", entity="unit")
    with pytest.raises(ArgumentError, match="inference: the wild cluster bootstrap needs"):
        did(data, cluster="time", inference="wild", **kw)
    with pytest.raises(ArgumentError, match="inference: choose one of"):
        did(data, inference="bootstrap", **kw)
    # time clusters: "auto" keeps the analytic intervals
    with pytest.warns(ModelWarning, match="only 4 clusters"):
        assert did(data, cluster="time", **kw).inference == "analytic"


def test_cumulative_lag_row_tests_the_sum(rng: np.random.Generator) -> None:
    """The ``<exposure>_cumulative`` row inverts the test of β_x + β_lag = r: the same draws
    on the dummy-variable design with R = e_x + e_lag give the same p-value and interval."""
    n_units, n_waves = 14, 5
    unit = np.repeat(np.arange(n_units), n_waves)
    wave = np.tile(np.arange(n_waves), n_units)
    x = rng.normal(size=(n_units, n_waves))
    lag = np.column_stack([np.full(n_units, np.nan), x[:, :-1]]).ravel()
    y = rng.normal(size=n_units)[unit] + 0.2 * wave - 0.3 * x.ravel() - 0.2 * np.nan_to_num(lag)
    data = pd.DataFrame(
        {"unit": unit, "wave": wave, "x": x.ravel(), "y": y + rng.normal(size=y.size)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        res = panel_effect(
            data, outcome="y", exposure="x", entity="unit", time="wave", lags=1, seed=9
        )
    row = res.summary().set_index("term").loc["x_cumulative"]
    keep = np.isfinite(lag)
    d = data[keep]
    design = np.column_stack(
        [
            d["x"],
            lag[keep],
            pd.get_dummies(d["wave"], drop_first=True, dtype=float),
            pd.get_dummies(d["unit"], dtype=float),
        ]
    )
    vec = np.zeros(design.shape[1])
    vec[:2] = 1.0
    lsdv = wild_cluster_test(
        d["y"].to_numpy(), design, d["unit"].to_numpy(), vec, n_boot=999,
        rng=np.random.default_rng(9),
    )  # fmt: skip
    assert res.inference == "wild"
    assert row["estimate"] == pytest.approx(lsdv.estimate, rel=1e-9)
    assert row["p_val"] == pytest.approx(lsdv.p_val, abs=1e-12)
    assert row["ci_low"] == pytest.approx(lsdv.ci_low, rel=1e-6)
    assert row["ci_high"] == pytest.approx(lsdv.ci_high, rel=1e-6)
