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


def test_expanded_percentile_interval_by_hand(rng: np.random.Generator) -> None:
    """With G = 12 clusters and alpha = 0.05 the expanded interval (Hesterberg 2015) takes the
    draws' quantiles at Φ(±sqrt(12/11) · t_11(0.975)) = Φ(±1.04447 · 2.20099) = Φ(∓2.29888),
    i.e. 0.010757 and 0.989243; the plain percentile interval at 0.025 and 0.975."""
    from scipy import stats

    data = _clustered(rng, n_units=12, per_unit=15)
    kw = dict(exposure="qwl", mediator="sick", outcome="prod", n_boot=2000, seed=3)
    res = mediation(data, **kw)
    plain = mediation(data, expand=False, **kw)
    q = 0.010757
    assert stats.norm.cdf(-np.sqrt(12 / 11) * stats.t.ppf(0.975, 11)) == pytest.approx(q, abs=1e-6)
    for term in ("indirect", "direct", "total"):
        draws = res.boot[term].to_numpy()
        row, row_plain = (r.summary().set_index("term").loc[term] for r in (res, plain))
        lo, hi = np.quantile(draws, [q, 1 - q])
        assert row["ci_low"] == pytest.approx(lo, rel=1e-4)
        assert row["ci_high"] == pytest.approx(hi, rel=1e-4)
        assert row_plain["ci_low"] == pytest.approx(np.quantile(draws, 0.025), rel=1e-12)
        assert row_plain["ci_high"] == pytest.approx(np.quantile(draws, 0.975), rel=1e-12)
    assert res.expand and not plain.expand


def test_bca_interval_matches_scipy() -> None:
    """``bootstrap_interval(method="bca")`` on scipy's own draws and the leave-one-out means
    reproduces ``scipy.stats.bootstrap(method="BCa")`` for a skewed sample's mean."""
    from scipy import stats

    from hrproductivity.models.mediation import bootstrap_interval

    x = np.random.default_rng(3).exponential(size=25)
    ref = stats.bootstrap(
        (x,), np.mean, method="BCa", n_resamples=2000, random_state=np.random.default_rng(4)
    )
    jack = np.array([np.delete(x, i).mean() for i in range(x.size)])
    lo, hi = bootstrap_interval(
        ref.bootstrap_distribution, float(x.mean()), jack, alpha=0.05, method="bca"
    )
    assert lo == pytest.approx(ref.confidence_interval.low, rel=1e-10)
    assert hi == pytest.approx(ref.confidence_interval.high, rel=1e-10)


def test_jackknife_rows_are_leave_one_cluster_out_refits(rng: np.random.Generator) -> None:
    data = _clustered(rng, n_units=15)
    res = mediation(
        data, exposure="qwl", mediator="sick", outcome="prod", ci_method="bca", n_boot=200, seed=1
    )
    first = data["unit"].iloc[0]  # clusters in order of first appearance
    rest = data[data["unit"] != first]
    fm = sm.OLS.from_formula("sick ~ qwl", rest).fit()
    fy = sm.OLS.from_formula("prod ~ qwl + sick", rest).fit()
    row = res.jackknife.iloc[0]
    assert row["indirect"] == pytest.approx(fm.params["qwl"] * fy.params["sick"], rel=1e-9)
    assert row["direct"] == pytest.approx(fy.params["qwl"], rel=1e-9)
    assert len(res.jackknife) == 15 and res.ci_method == "bca"
    with pytest.raises(ArgumentError, match="ci_method: choose one of"):
        mediation(data, exposure="qwl", mediator="sick", outcome="prod", ci_method="studentized")


@pytest.mark.parametrize(("ci_method", "expand"), [("percentile", True), ("bca", True)])
def test_p_value_agrees_with_the_interval(
    rng: np.random.Generator, ci_method: str, expand: bool
) -> None:
    """p is the smallest alpha whose interval excludes zero: the same draws with alpha a
    little above p exclude 0, a little below include it (a p below 0.05 with a 95 % interval
    that covers 0 would contradict itself)."""
    data = _clustered(rng, n_units=12, per_unit=10)
    kw = dict(exposure="qwl", mediator="sick", outcome="prod", n_boot=4000, seed=11,
              ci_method=ci_method, expand=expand)  # fmt: skip
    res = mediation(data, **kw)
    checked = 0
    for term in ("indirect", "direct", "total"):
        p = float(res.summary().set_index("term").loc[term, "p_val"])
        if not 0.02 < p < 0.9:
            continue
        checked += 1
        for a, excludes in ((p * 1.02, True), (p * 0.98, False)):
            row = mediation(data, alpha=a, **kw).summary().set_index("term").loc[term]
            assert (not row["ci_low"] <= 0 <= row["ci_high"]) == excludes, (term, a)
    assert checked >= 1


def test_plain_percentile_p_value_is_twice_the_tail_share(rng: np.random.Generator) -> None:
    """Without expansion the percentile p-value is 2 (k + 1) / (B + 1), k the replicates on
    the far side of zero (Davison & Hinkley 1997, 4.4)."""
    data = _clustered(rng, n_units=20, per_unit=8)
    res = mediation(
        data, exposure="qwl", mediator="sick", outcome="prod", n_boot=500, seed=5, expand=False
    )
    for term in ("indirect", "direct"):
        draws = res.boot[term].to_numpy()
        k = min(np.sum(draws <= 0), np.sum(draws >= 0))
        p = float(res.summary().set_index("term").loc[term, "p_val"])
        assert p == pytest.approx(min(1.0, 2 * (k + 1) / 501), rel=1e-12)
