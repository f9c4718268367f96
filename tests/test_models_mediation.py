"""Tests of ``mediation``: statsmodels' ``Mediation``, direct refits, and known truth.

Simulated clustered data: QWL → sick days (a = -0.5) → productivity (b = -0.4),
direct effect c' = 0.3, so the indirect effect is a·b = 0.2; units add random
intercepts to all three variables (ICC about 0.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.mediation import Mediation

from hrproductivity.errors import ModelWarning
from hrproductivity.models import ArgumentError, mediation

A, B, C_DIRECT = -0.5, -0.4, 0.3


def _clustered(rng: np.random.Generator, n_units: int = 60, per_unit: int = 10) -> pd.DataFrame:
    unit = np.repeat(np.arange(n_units), per_unit)
    n = unit.size
    qwl = rng.normal(0, 0.7, n_units)[unit] + rng.normal(0, 1, n)
    sick = A * qwl + rng.normal(0, 0.7, n_units)[unit] + rng.normal(0, 1, n)
    prod = C_DIRECT * qwl + B * sick + rng.normal(0, 0.7, n_units)[unit] + rng.normal(0, 1, n)
    return pd.DataFrame(
        {"unit": [f"u{u}" for u in unit], "qwl": qwl, "sick": sick, "prod": prod,
         "age": rng.normal(40, 10, n)}
    )  # fmt: skip


def test_point_estimates_match_statsmodels_mediation(rng: np.random.Generator) -> None:
    data = _clustered(rng, n_units=40)
    res = mediation(
        data, exposure="qwl", mediator="sick", outcome="prod", controls=["age"], seed=1,
        n_boot=200,
    )  # fmt: skip
    outcome_model = sm.OLS.from_formula("prod ~ qwl + sick + age", data)
    mediator_model = sm.OLS.from_formula("sick ~ qwl + age", data)
    direct = Mediation(outcome_model, mediator_model, "qwl", "sick").fit(n_rep=100, rng=3)
    published = direct.summary()
    t = res.summary().set_index("term")
    # statsmodels simulates potential outcomes; its estimates are means over n_rep
    # draws, so allow four Monte Carlo standard errors.
    for ours, theirs, draws in (
        ("indirect", "ACME (control)", direct.indirect_effects[0]),
        ("direct", "ADE (control)", direct.direct_effects[0]),
    ):
        mc_se = draws.mean(axis=0).std(ddof=1) / np.sqrt(draws.shape[1])
        expected = float(published.loc[theirs, "Estimate"])
        assert t.loc[ours, "estimate"] == pytest.approx(expected, abs=4 * mc_se)
    # and exactly the OLS products
    fm = sm.OLS.from_formula("sick ~ qwl + age", data).fit()
    fy = outcome_model.fit()
    assert t.loc["a", "estimate"] == pytest.approx(fm.params["qwl"], rel=1e-10)
    assert t.loc["b", "estimate"] == pytest.approx(fy.params["sick"], rel=1e-10)
    assert t.loc["indirect", "estimate"] == pytest.approx(
        fm.params["qwl"] * fy.params["sick"], rel=1e-10
    )
    total = sm.OLS.from_formula("prod ~ qwl + age", data).fit().params["qwl"]
    assert t.loc["total", "estimate"] == pytest.approx(total, rel=1e-9)


def test_bootstrap_replicate_equals_refit_on_resampled_clusters(
    rng: np.random.Generator,
) -> None:
    data = _clustered(rng, n_units=30)
    res = mediation(data, exposure="qwl", mediator="sick", outcome="prod", seed=7, n_boot=100)
    # the same draws as the implementation: clusters in order of first appearance
    codes, _ = pd.factorize(data["unit"])
    draws = np.random.default_rng(7).integers(0, 30, size=(100, 30))
    sample = pd.concat([data[codes == g] for g in draws[0]], ignore_index=True)
    fm = sm.OLS.from_formula("sick ~ qwl", sample).fit()
    fy = sm.OLS.from_formula("prod ~ qwl + sick", sample).fit()
    first = res.boot.iloc[0]
    assert first["a"] == pytest.approx(fm.params["qwl"], rel=1e-8)
    assert first["b"] == pytest.approx(fy.params["sick"], rel=1e-8)
    assert first["direct"] == pytest.approx(fy.params["qwl"], rel=1e-8)


def test_recovers_known_paths(rng: np.random.Generator) -> None:
    data = _clustered(rng, n_units=150, per_unit=12)
    res = mediation(data, exposure="qwl", mediator="sick", outcome="prod", seed=2, n_boot=300)
    t = res.summary().set_index("term")
    for term, truth in (("a", A), ("b", B), ("direct", C_DIRECT), ("indirect", A * B)):
        assert t.loc[term, "ci_low"] < truth < t.loc[term, "ci_high"], term
        assert t.loc[term, "estimate"] == pytest.approx(truth, abs=0.1), term
    assert res.n_clusters == 150


def test_cluster_bootstrap_se_matches_sampling_spread(rng: np.random.Generator) -> None:
    """The cluster bootstrap's SE is close to the true sampling SD; rows' is too small."""
    estimates = []
    for _ in range(150):
        d = _clustered(rng, n_units=40)
        fm = np.linalg.lstsq(np.column_stack([np.ones(len(d)), d.qwl]), d.sick, rcond=None)[0]
        xy = np.column_stack([np.ones(len(d)), d.qwl, d.sick])
        fy = np.linalg.lstsq(xy, d["prod"], rcond=None)[0]
        estimates.append(fm[1] * fy[2])
    true_sd = float(np.std(estimates, ddof=1))
    ratios_cluster, ratios_rows = [], []
    for seed in range(5):
        d = _clustered(np.random.default_rng(100 + seed), n_units=40)
        kw = dict(exposure="qwl", mediator="sick", outcome="prod", n_boot=400, seed=seed)
        se_c = mediation(d, **kw).summary().set_index("term").loc["indirect", "se"]
        se_r = mediation(d, cluster=None, **kw).summary().set_index("term").loc["indirect", "se"]
        ratios_cluster.append(se_c / true_sd)
        ratios_rows.append(se_r / true_sd)
    assert 0.75 < np.mean(ratios_cluster) < 1.3
    assert np.mean(ratios_rows) < np.mean(ratios_cluster)


def test_interval_coverage_sanity_over_seeds() -> None:
    covered = 0
    seeds = range(12)
    for seed in seeds:
        d = _clustered(np.random.default_rng(1000 + seed), n_units=40)
        res = mediation(d, exposure="qwl", mediator="sick", outcome="prod", n_boot=300, seed=seed)
        row = res.summary().set_index("term").loc["indirect"]
        covered += row["ci_low"] < A * B < row["ci_high"]
    # nominal 95 %: P(at most 8 of 12) is below 0.3 %
    assert covered >= 9


def test_few_clusters_warn_and_input_errors(rng: np.random.Generator) -> None:
    data = _clustered(rng, n_units=8, per_unit=20)
    with pytest.warns(ModelWarning, match="only 8 clusters"):
        res = mediation(data, exposure="qwl", mediator="sick", outcome="prod", n_boot=100)
    assert any("8 clusters" in n for n in res.notes)
    with pytest.raises(ArgumentError, match="cluster: column 'team'"):
        mediation(data, exposure="qwl", mediator="sick", outcome="prod", cluster="team")
    with pytest.raises(ArgumentError, match="n_boot"):
        mediation(data, exposure="qwl", mediator="sick", outcome="prod", n_boot=10)
    with pytest.raises(ArgumentError, match="mediator: column 'qwl' is also given as exposure"):
        mediation(data, exposure="qwl", mediator="qwl", outcome="prod")


def test_euros_reuse_bootstrap_draws_and_plot(rng: np.random.Generator) -> None:
    data = _clustered(rng)
    res = mediation(data, exposure="qwl", mediator="sick", outcome="prod", seed=4, n_boot=300)
    row = res.summary().set_index("term").loc["indirect"]
    eur = res.in_euros(2000.0, change=0.1).iloc[0]
    assert eur["estimate"] == pytest.approx(200.0 * row["estimate"])
    assert eur["ci_low"] == pytest.approx(200.0 * row["ci_low"])
    sim = res.in_euros(2000.0, change=0.1, value_ci=(1500.0, 2500.0), seed=1).iloc[0]
    assert sim["ci_low"] < eur["ci_low"] < eur["ci_high"] < sim["ci_high"]
    ax = res.plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["indirect", "direct", "total"]
