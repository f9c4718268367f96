"""Tests for hrproductivity.reliability against outside values.

Outside references:

- lavaan's published tutorial output for the Holzinger & Swineford (1939)
  three-factor model, single- and multi-group (values and sources in
  tests/reference/reliability_lavaan_holzinger_swineford.json);
- hand calculations from the formulas, written out in each test's docstring;
- populations with known loadings, built so that the sample covariance equals
  the population covariance exactly, where alpha and omega are known in
  closed form.

Values printed by R to 3 decimals are compared with ``abs=6e-4``: half a unit in
the last printed digit plus optimiser noise.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from semopy.examples import holzinger39

from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    HRProductivityError,
    ModelWarning,
    UnknownNameError,
)
from hrproductivity.instruments import Instrument, Item
from hrproductivity.reliability import (
    CFAResults,
    _MultiGroupML,
    alpha_if_deleted,
    cfa,
    cronbach_alpha,
    item_analysis,
    mcdonald_omega,
    measurement_invariance,
    reliability_by,
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "reliability_lavaan_holzinger_swineford.json").read_text(
        encoding="utf-8"
    )
)
MODEL = {k: list(v) for k, v in REF["model"].items()}
PRINTED = 6e-4  # R printed 3 decimals


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return holzinger39.get_data()


@pytest.fixture(scope="module")
def hs_cfa(hs: pd.DataFrame) -> CFAResults:
    return cfa(hs, factors=MODEL)


@pytest.fixture(scope="module")
def hs_invariance(hs: pd.DataFrame) -> pd.DataFrame:
    return measurement_invariance(hs, factors=MODEL, by="school")


def exact_sample(cov: np.ndarray, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n rows whose sample covariance (n - 1 divisor) equals ``cov`` exactly."""
    z = rng.standard_normal((n, cov.shape[0]))
    z -= z.mean(axis=0)
    white = np.linalg.cholesky(np.cov(z.T))
    x = z @ np.linalg.inv(white).T @ np.linalg.cholesky(cov).T
    return pd.DataFrame(x + 3.0, columns=[f"i{j + 1}" for j in range(cov.shape[0])])


# five-item one-factor population: loadings .8 .7 .6 .5 .4, unit variances
LAMBDA = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
POP_COV = np.outer(LAMBDA, LAMBDA) + np.diag(1 - LAMBDA**2)


# --------------------------------------------------------------------------- #
# CFA against lavaan
# --------------------------------------------------------------------------- #


def test_cfa_fit_indices_match_lavaan_tutorial(hs_cfa: CFAResults) -> None:
    """lavaan 0.6-11, tutorial "A CFA example" (yrosseel/lavaan.org.old, tutorial.src/cfa.md).

    R::

        HS.model <- ' visual  =~ x1 + x2 + x3
                      textual =~ x4 + x5 + x6
                      speed   =~ x7 + x8 + x9 '
        fit <- cfa(HS.model, data = HolzingerSwineford1939)
        summary(fit, fit.measures = TRUE)

    Published: Test statistic 85.306, df 24, CFI 0.931, TLI 0.896, RMSEA 0.092,
    90 % CI 0.071-0.114, SRMR 0.065, 301 observations.
    """
    want = REF["cfa"]["fit"]
    got = hs_cfa.fit_indices.iloc[0]
    assert list(hs_cfa.fit_indices.columns) == [
        "chi2", "df", "p_val", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "n",
    ]  # fmt: skip
    assert got["n"] == want["n"]
    assert got["df"] == want["df"]
    for key in ["chi2", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr"]:
        assert got[key] == pytest.approx(want[key], abs=PRINTED), key
    assert got["p_val"] < 0.001  # printed 0.000


def test_cfa_estimates_match_lavaan_tutorial(hs_cfa: CFAResults) -> None:
    """Unstandardized estimates and standard errors, same lavaan output as above.

    semopy's default SLSQP tolerance stops about 1e-3 from these; the wrapper
    tightens it, so every printed value must agree to its 3 decimals.
    """
    par = hs_cfa.parameters
    want = REF["cfa"]

    def row(lhs: str, op: str, rhs: str) -> pd.Series:
        hit = par[(par["lhs"] == lhs) & (par["op"] == op) & (par["rhs"] == rhs)]
        if hit.empty:  # covariances may be stored either way round
            hit = par[(par["lhs"] == rhs) & (par["op"] == op) & (par["rhs"] == lhs)]
        assert len(hit) == 1, (lhs, op, rhs)
        return hit.iloc[0]

    factor_of = {i: f for f, its in MODEL.items() for i in its}
    for item, (est, se) in want["loadings"].items():
        r = row(factor_of[item], "=~", item)
        assert r["estimate"] == pytest.approx(est, abs=PRINTED), item
        assert r["se"] == pytest.approx(se, abs=PRINTED), item
    for pair, (est, se) in want["covariances"].items():
        a, b = pair.split("~~")
        r = row(a, "~~", b)
        assert r["estimate"] == pytest.approx(est, abs=PRINTED), pair
        assert r["se"] == pytest.approx(se, abs=PRINTED), pair
    for var, (est, se) in want["variances"].items():
        r = row(var, "~~", var)
        assert r["estimate"] == pytest.approx(est, abs=PRINTED), var
        assert r["se"] == pytest.approx(se, abs=PRINTED), var
    # markers fixed at 1, standardized loadings in (0, 1)
    lo = hs_cfa.loadings
    assert list(lo["item"]) == [f"x{i}" for i in range(1, 10)]
    assert lo.loc[lo["item"].isin(["x1", "x4", "x7"]), "unstd_estimate"].tolist() == [1.0] * 3
    assert lo["p_val"].isna().sum() == 3
    assert ((lo["estimate"] > 0) & (lo["estimate"] < 1)).all()


def test_cfa_per_group_chi2_match_lavaan_multigroup(hs: pd.DataFrame) -> None:
    """lavaan 0.5-16, tutorial "Multiple groups" (tutorial.src/groups.tex).

    R: ``summary(cfa(HS.model, data = HolzingerSwineford1939, group = "school"))``
    prints "Chi-square for each group: Pasteur 64.309, Grant-White 51.542". In
    the configural model every parameter is group-specific and the means are
    saturated, so each group's share equals a single-group CFA of that school
    (lavaan's chi2 = n_g F_g, n not n - 1).
    """
    want = REF["groups"]
    for school, chi2 in want["chi2_by_group"].items():
        fit = cfa(hs[hs["school"] == school], factors=MODEL).fit_indices.iloc[0]
        assert fit["n"] == want["n_by_group"][school]
        assert fit["chi2"] == pytest.approx(chi2, abs=PRINTED), school


def test_cfa_accepts_instrument_and_odd_names(hs: pd.DataFrame) -> None:
    """Column and factor names that semopy's syntax would reject still work."""
    data = hs.rename(columns={f"x{i}": f"item {i}" for i in range(1, 10)})
    inst = Instrument(
        name="hs",
        title={},
        scale_min=0,
        scale_max=10,
        favourable_min=5,
        items=tuple(Item(id=f"item {i}", factor=f"factor {(i - 1) // 3}") for i in range(1, 10)),
        factors={f"factor {k}": tuple(f"item {3 * k + j}" for j in (1, 2, 3)) for k in range(3)},
        factor_labels={},
        scale_labels={},
    )
    res = cfa(data, factors=inst)
    assert res.fit_indices["chi2"].iloc[0] == pytest.approx(REF["cfa"]["fit"]["chi2"], abs=PRINTED)
    assert set(res.loadings["factor"]) == {"factor 0", "factor 1", "factor 2"}


def test_cfa_results_object(hs_cfa: CFAResults) -> None:
    summary = hs_cfa.summary()
    summary.loc[0, "estimate"] = 99.0
    assert hs_cfa.parameters.loc[0, "estimate"] == 1.0  # summary() is a copy
    with pytest.raises(AttributeError):
        hs_cfa.estimator = "GLS"  # type: ignore[misc]
    page = hs_cfa._repr_html_()
    assert "CFI = 0.931" in page and "SRMR = 0.065" in page and "<table" in page
    assert "chi2=85.306" in repr(hs_cfa)
    ax = hs_cfa.plot()
    assert len(ax.patches) == 9


# --------------------------------------------------------------------------- #
# measurement invariance against lavaan / semTools
# --------------------------------------------------------------------------- #


def test_invariance_matches_semtools_measurement_invariance(hs_invariance: pd.DataFrame) -> None:
    """semTools::measurementInvariance output in the lavaan tutorial (groups.tex).

    R::

        library(semTools)
        measurementInvariance(HS.model, data = HolzingerSwineford1939, group = "school")

    Published: configural chi2 115.851 df 48 CFI .923 RMSEA .097; weak (equal
    loadings) 124.044 df 54 CFI .921 RMSEA .093, vs configural delta chi2 8.192,
    df 6, p .224, delta CFI .002; strong (+ intercepts) 164.103 df 60 CFI .882
    RMSEA .107, vs weak delta chi2 40.059, df 6, p .000, delta CFI .038
    (semTools prints the drop in CFI; ``delta_cfi`` here is the signed change).
    """
    want = REF["invariance"]
    mi = hs_invariance.set_index("model")
    assert list(mi.index) == ["configural", "metric", "scalar"]
    assert mi["converged"].all()
    assert (mi["n"] == 301).all() and (mi["n_groups"] == 2).all()
    for model in ["configural", "metric", "scalar"]:
        assert mi.loc[model, "df"] == want[model]["df"], model
        for key in ["chi2", "cfi", "rmsea"]:
            assert mi.loc[model, key] == pytest.approx(want[model][key], abs=PRINTED), (model, key)
    assert np.isnan(mi.loc["configural", "delta_chi2"])
    for model in ["metric", "scalar"]:
        vs = want[model]["vs_previous"]
        assert mi.loc[model, "delta_chi2"] == pytest.approx(vs["delta_chi2"], abs=PRINTED)
        assert mi.loc[model, "delta_df"] == vs["delta_df"]
        assert mi.loc[model, "p_val_delta"] == pytest.approx(vs["p_val"], abs=PRINTED)
        assert -mi.loc[model, "delta_cfi"] == pytest.approx(vs["cfi_drop"], abs=PRINTED)


def test_invariance_srmr_consistent_with_single_group_srmr(
    hs: pd.DataFrame, hs_invariance: pd.DataFrame
) -> None:
    """lavaan's srmr_bentler for groups: per group, with the mean residuals in the
    average when there is a mean structure, weighted by n_g / N. In the configural
    model the means fit exactly, so each group's SRMR is its single-group
    (no-mean, lavaan-checked above) SRMR times sqrt(45 / (45 + 9)) for 9 items.
    """
    want = 0.0
    for school in ["Pasteur", "Grant-White"]:
        sub = hs[hs["school"] == school]
        single = cfa(sub, factors=MODEL).fit_indices["srmr"].iloc[0]
        want += len(sub) / len(hs) * single * np.sqrt(45 / 54)
    got = hs_invariance.set_index("model").loc["configural", "srmr"]
    assert got == pytest.approx(want, abs=1e-6)


def test_invariance_metric_loadings_match_lavaan(hs: pd.DataFrame) -> None:
    """Equal-loadings estimates, lavaan 0.5-16 (groups.tex).

    R: ``cfa(HS.model, data = HolzingerSwineford1939, group = "school",
    group.equal = c("loadings"))``: x2 .599, x3 .784, x5 1.083, x6 .912,
    x8 1.201, x9 1.038, identical in both schools. Checks that the constraint
    ties the right parameters, through the module's internal engine.
    """
    items = [i for v in MODEL.values() for i in v]
    covs, means, ns = [], [], []
    for school in ["Pasteur", "Grant-White"]:
        d = hs.loc[hs["school"] == school, items].to_numpy(dtype=float)
        covs.append(np.cov(d.T, ddof=0))
        means.append(d.mean(axis=0))
        ns.append(len(d))
    mg = _MultiGroupML(covs, means, ns, np.repeat([0, 1, 2], 3), 3, "metric")
    x, _, converged = mg.fit(mg.start())
    assert converged
    lam0 = mg.matrices(x, 0)[0]
    lam1 = mg.matrices(x, 1)[0]
    np.testing.assert_array_equal(lam0, lam1)
    want = REF["groups"]["metric_loadings"]
    for item, value in want.items():
        if item.startswith("_"):
            continue
        j = items.index(item)
        assert lam0[j].max() == pytest.approx(value, abs=PRINTED), item


def test_invariance_newton_polish_reaches_the_optimum(hs: pd.DataFrame) -> None:
    """From a point near the optimum the Newton steps recover chi2 = 115.851 (lavaan)."""
    items = [i for v in MODEL.values() for i in v]
    covs, means, ns = [], [], []
    for school in ["Pasteur", "Grant-White"]:
        d = hs.loc[hs["school"] == school, items].to_numpy(dtype=float)
        covs.append(np.cov(d.T, ddof=0))
        means.append(d.mean(axis=0))
        ns.append(len(d))
    mg = _MultiGroupML(covs, means, ns, np.repeat([0, 1, 2], 3), 3, "configural")
    x, _, _ = mg.fit(mg.start())
    x_off = x * 1.01
    x_new, f_new = mg._newton_polish(x_off, mg.objective(x_off)[0], steps=8)
    assert 301 * f_new == pytest.approx(REF["invariance"]["configural"]["chi2"], abs=PRINTED)
    assert np.max(np.abs(mg.objective(x_new)[1])) < 1e-6


def test_invariance_gradient_matches_finite_differences(rng: np.random.Generator) -> None:
    """The analytic gradient of the multi-group discrepancy against central differences."""
    covs, means, ns = [], [], []
    for g in range(3):
        d = exact_sample(POP_COV, 80 + 10 * g, rng).to_numpy()[:, :4] + 0.1 * g
        covs.append(np.cov(d.T, ddof=0))
        means.append(d.mean(axis=0))
        ns.append(len(d))
    mg = _MultiGroupML(covs, means, ns, np.array([0, 0, 1, 1]), 2, "scalar")
    x = mg.start() + rng.normal(0, 0.05, mg.n_free)
    _, grad = mg.objective(x)
    num = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = 1e-6
        num[i] = (mg.objective(x + e)[0] - mg.objective(x - e)[0]) / 2e-6
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-7)


def test_invariance_errors(hs: pd.DataFrame) -> None:
    with pytest.raises(ArgumentError, match="by: column 'nope'"):
        measurement_invariance(hs, factors=MODEL, by="nope")
    with pytest.raises(HRProductivityError, match="at least 2"):
        measurement_invariance(hs.assign(one="a"), factors=MODEL, by="one")
    tiny = hs.copy()
    tiny["g"] = ["small"] * 5 + ["big"] * (len(hs) - 5)
    with pytest.raises(DataValidationError, match="'small' has 5 complete"):
        measurement_invariance(tiny, factors=MODEL, by="g")
    with pytest.raises(ValueError, match="factors"):
        measurement_invariance(hs, factors={"a": ["x1"], "b": ["x2", "x3"]}, by="school")


# --------------------------------------------------------------------------- #
# alpha, omega, item analysis
# --------------------------------------------------------------------------- #

# four respondents, three items; the hand calculations below use these
SMALL = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 3, 5], "c": [2, 3, 4, 5]})


def test_alpha_hand_calculation() -> None:
    """Hand calculation on SMALL (n - 1 divisor throughout).

    Item variances: a = 5/3 (deviations -1.5 -.5 .5 1.5), b = 4.75/3 (mean 3.25),
    c = 5/3; their sum 14.75/3. Sum scores 5 8 10 14, mean 9.25, squared
    deviations 18.0625 + 1.5625 + .5625 + 22.5625 = 42.75, variance 42.75/3.
    alpha = 3/2 * (1 - 14.75/42.75) = 42/42.75 = 0.98245614...

    Feldt 95 % interval: 1 - (1 - alpha) F_{.975}(3, 6) and
    1 - (1 - alpha) F_{.025}(3, 6) (pingouin rounds them to 3 decimals).
    """
    res = cronbach_alpha(SMALL)
    assert list(res.columns) == ["estimate", "ci_low", "ci_high", "n", "n_items"]
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(42 / 42.75, rel=1e-12)
    a = 42 / 42.75
    lo = 1 - (1 - a) * stats.f.ppf(0.975, 3, 6)
    hi = 1 - (1 - a) * stats.f.ppf(0.025, 3, 6)
    assert row["ci_low"] == pytest.approx(lo, abs=5e-4)
    assert row["ci_high"] == pytest.approx(hi, abs=5e-4)
    assert (row["n"], row["n_items"]) == (4, 3)


def test_alpha_if_deleted_hand_calculation() -> None:
    """Without c: sums 3 5 6 9 (mean 5.75), squared deviations 7.5625 + .5625 +
    .0625 + 10.5625 = 18.75; item variances 5/3 + 4.75/3 = 9.75/3;
    alpha = 2 * (1 - 9.75/18.75) = 0.96.
    """
    res = alpha_if_deleted(SMALL, items=["a", "b", "c"])
    assert list(res["item"]) == ["a", "b", "c"]
    assert res.loc[res["item"] == "c", "estimate"].iloc[0] == pytest.approx(0.96, rel=1e-12)
    assert (res["n_items"] == 2).all()


def test_item_analysis_hand_calculation() -> None:
    """Item a: mean 2.5, sd sqrt(5/3) = 1.2910; favourable (>= 4 on 1-5) 1 of 4 = 25 %.
    Item c: 2 of 4 = 50 %. Item-rest r of a with b + c (4 6 7 10, mean 6.75):
    cross-products 4.125 + .375 + .125 + 4.875 = 9.5, squares of a 5, of the
    rest 18.75: r = 9.5 / sqrt(5 * 18.75) = 0.98116...; alpha without c 0.96.
    """
    res = item_analysis(SMALL, items=["a", "b", "c"], scale_min=1, scale_max=5, favourable_min=4)
    assert list(res.columns) == [
        "item", "mean", "sd", "n", "pct_favourable", "r_item_rest", "alpha_if_deleted",
    ]  # fmt: skip
    a = res.set_index("item")
    assert a.loc["a", "mean"] == pytest.approx(2.5)
    assert a.loc["a", "sd"] == pytest.approx(np.sqrt(5 / 3), rel=1e-12)
    assert a.loc["a", "pct_favourable"] == pytest.approx(25.0)
    assert a.loc["c", "pct_favourable"] == pytest.approx(50.0)
    assert a.loc["a", "r_item_rest"] == pytest.approx(9.5 / np.sqrt(5 * 18.75), rel=1e-12)
    assert a.loc["c", "alpha_if_deleted"] == pytest.approx(0.96, rel=1e-12)
    assert (a["n"] == 4).all()


def test_item_analysis_instrument_recodes_reverse_items() -> None:
    """With an Instrument, reverse-keyed items are turned (1 + 5 - x) for r and alpha,
    but mean and % favourable describe the answers as given."""
    data = SMALL.assign(c=6 - SMALL["c"])  # c asked the other way round
    inst = Instrument(
        name="t",
        title={},
        scale_min=1,
        scale_max=5,
        favourable_min=4,
        items=(Item("a", "F"), Item("b", "F"), Item("c", "F", reverse=True)),
        factors={"F": ("a", "b", "c")},
        factor_labels={},
        scale_labels={},
    )
    res = item_analysis(data, items=inst).set_index("item")
    assert res.loc["a", "r_item_rest"] == pytest.approx(9.5 / np.sqrt(5 * 18.75), rel=1e-12)
    assert res.loc["c", "mean"] == pytest.approx(2.5)  # raw answers 4 3 2 1
    assert res.loc["c", "pct_favourable"] == pytest.approx(25.0)


def test_item_analysis_rejects_out_of_scale_answers() -> None:
    bad = SMALL.assign(b=[2, 3, 7, 0])
    with pytest.raises(DataValidationError) as err:
        item_analysis(bad, items=["a", "b", "c"], scale_min=1, scale_max=5, favourable_min=4)
    assert [p.column for p in err.value.problems] == ["b"]
    assert "2 answer(s) outside 1-5" in str(err.value)
    with pytest.raises(HRProductivityError, match="favourable_min"):
        item_analysis(SMALL, items=["a", "b", "c"], scale_min=1, scale_max=5)


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # the package leaves its CSV open
def test_alpha_on_employee_survey_hand_calculation() -> None:
    """peopleanalyticsdata.employee_survey (McNulty, Handbook of Regression Modeling
    in People Analytics), career items Car1-Car4: alpha from the covariance-matrix
    form k/(k-1) * (1 - tr(C) / 1'C1) computed here with numpy, independently of
    pingouin. (R: ``psych::alpha(employee_survey[, c("Car1","Car2","Car3","Car4")])``;
    no published psych output for this dataset was found.)
    """
    peopleanalyticsdata = pytest.importorskip("peopleanalyticsdata")
    es = peopleanalyticsdata.employee_survey()
    items = ["Car1", "Car2", "Car3", "Car4"]
    c = np.cov(es[items].to_numpy(dtype=float).T)
    k = len(items)
    want = k / (k - 1) * (1 - np.trace(c) / c.sum())
    got = cronbach_alpha(es, items=items).iloc[0]
    assert got["estimate"] == pytest.approx(want, rel=1e-12)
    assert got["n"] == len(es)


def test_alpha_holzinger_swineford_matches_psych(hs: pd.DataFrame) -> None:
    """psych::alpha raw_alpha for the three HS factors: visual .6261171319,
    textual .8827069129, speed .6884550230 (native R 4.6.0 values recorded in a
    public test fixture found by code search; the repository is not named by the
    index, so this is a secondary check: the same numbers follow from the
    covariance-matrix formula, checked in the other alpha tests).

    R: ``psych::alpha(HolzingerSwineford1939[, c("x1", "x2", "x3")])`` etc.
    """
    want = {"visual": 0.6261171319, "textual": 0.8827069129, "speed": 0.6884550230}
    for factor, value in want.items():
        got = cronbach_alpha(hs, items=MODEL[factor])["estimate"].iloc[0]
        assert got == pytest.approx(value, abs=1e-9), factor


def test_alpha_and_omega_of_a_known_population(rng: np.random.Generator) -> None:
    """Population: loadings .8 .7 .6 .5 .4, residual variances 1 - lambda^2
    (.36 .51 .64 .75 .84), unit item variances; the sample covariance equals it.

    Sum lambda = 3.0, sum psi = 3.10. omega = 3.0^2 / (3.0^2 + 3.10) = 9/12.1
    = 0.743801652...; sum-score variance = 12.1, trace = 5, so
    alpha = 5/4 * (1 - 5/12.1) = 0.733471074... (alpha < omega: the items are
    congeneric, not tau-equivalent).
    """
    data = exact_sample(POP_COV, 400, rng)
    items = list(data.columns)
    omega = mcdonald_omega(data, items=items)
    assert list(omega.columns) == ["estimate", "n", "n_items"]
    assert omega["estimate"].iloc[0] == pytest.approx(9 / 12.1, abs=1e-6)
    assert cronbach_alpha(data)["estimate"].iloc[0] == pytest.approx(1.25 * 7.1 / 12.1, rel=1e-10)


def test_omega_three_items_closed_form(hs: pd.DataFrame) -> None:
    """A one-factor model of 3 items is just identified, so the ML solution
    reproduces the covariances exactly and omega has a closed form. With
    standardized-factor loadings l_j and covariances s_jk:

        l1^2 = s12 s13 / s23,  l2^2 = s12 s23 / s13,  l3^2 = s13 s23 / s12,
        psi_j = s_jj - l_j^2,  omega = (l1 + l2 + l3)^2 / ((l1 + l2 + l3)^2 + sum psi).

    Computed here with numpy on HS x1-x3 (divisor irrelevant: omega is a ratio).
    """
    s = np.cov(hs[["x1", "x2", "x3"]].to_numpy(dtype=float).T)
    s12, s13, s23 = s[0, 1], s[0, 2], s[1, 2]
    load = np.sqrt([s12 * s13 / s23, s12 * s23 / s13, s13 * s23 / s12])
    psi = np.diag(s) - load**2
    want = load.sum() ** 2 / (load.sum() ** 2 + psi.sum())
    got = mcdonald_omega(hs, items=["x1", "x2", "x3"])["estimate"].iloc[0]
    assert got == pytest.approx(want, abs=1e-6)


def test_omega_warns_on_unreversed_item(rng: np.random.Generator) -> None:
    data = exact_sample(POP_COV, 300, rng)
    data["i2"] = 6 - data["i2"]
    with pytest.warns(ModelWarning, match="reverse-code"):
        mcdonald_omega(data, items=list(data.columns))


def test_omega_warns_on_heywood_case(rng: np.random.Generator) -> None:
    """Covariances .9 .9 .7 (unit variances): the closed form of the 3-item model
    gives l1^2 = .9 * .9 / .7 = 1.157 > 1, a negative residual variance."""
    cov = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.7], [0.9, 0.7, 1.0]])
    data = exact_sample(cov, 300, rng)
    with pytest.warns(ModelWarning, match="Heywood case"):
        mcdonald_omega(data, items=list(data.columns))


def test_reliability_by_groups_and_reverse_items(rng: np.random.Generator) -> None:
    """Per group and factor, the rows equal cronbach_alpha / mcdonald_omega on that
    group's items after reverse-keyed items are turned (1 + 5 - x)."""
    a = exact_sample(POP_COV, 150, rng)
    b = exact_sample(POP_COV * 1.5, 120, rng)
    data = pd.concat([a.assign(org="A"), b.assign(org="B")], ignore_index=True)
    data["i5"] = 6 - data["i5"]  # asked the other way round
    data.loc[3, "i1"] = np.nan
    inst = Instrument(
        name="t",
        title={},
        scale_min=1,
        scale_max=5,
        favourable_min=4,
        items=tuple(Item(f"i{j}", "F" if j <= 3 else "G", reverse=(j == 5)) for j in range(1, 6)),
        factors={"F": ("i1", "i2", "i3"), "G": ("i4", "i5")},
        factor_labels={},
        scale_labels={},
    )
    res = reliability_by(data, inst, by="org")
    assert list(res.columns) == [
        "org", "factor", "statistic", "estimate", "ci_low", "ci_high", "n", "n_items",
    ]  # fmt: skip
    assert len(res) == 2 * 2 * 2
    turned = data.assign(i5=6 - data["i5"])
    for org in ["A", "B"]:
        g = turned[turned["org"] == org]
        got = res[(res["org"] == org)].set_index(["factor", "statistic"])
        want_a = cronbach_alpha(g, items=["i4", "i5"]).iloc[0]
        assert got.loc[("G", "alpha"), "estimate"] == pytest.approx(want_a["estimate"], rel=1e-12)
        assert got.loc[("G", "alpha"), "estimate"] > 0
        want_o = mcdonald_omega(g, items=["i1", "i2", "i3"]).iloc[0]
        assert got.loc[("F", "omega"), "estimate"] == pytest.approx(want_o["estimate"], rel=1e-9)
        assert got.loc[("F", "omega"), "n"] == want_o["n"]
        assert np.isnan(got.loc[("G", "omega"), "estimate"])  # 2 items: not identified
    assert res.loc[(res["org"] == "A") & (res["statistic"] == "omega"), "n"].iloc[0] == 149


def test_reliability_by_whole_data_and_bundled_instrument(rng: np.random.Generator) -> None:
    cov = np.kron(np.eye(3), np.full((5, 5), 0.4)) + 0.6 * np.eye(15)
    data = exact_sample(cov, 200, rng)
    data.columns = [f"qwl_{j:02d}" for j in range(1, 16)]
    res = reliability_by(data, "qwl15", by=None)
    assert list(res["factor"].unique()) == ["FE", "YI", "PL"]
    # compound symmetry, r = .4, k = 5: alpha = omega = 5 * .4 / (1 + 4 * .4) = 0.769230...
    assert res["estimate"].to_numpy() == pytest.approx(np.full(6, 2 / 2.6), abs=1e-6)


# --------------------------------------------------------------------------- #
# input checks
# --------------------------------------------------------------------------- #


def test_errors_name_the_argument(hs: pd.DataFrame) -> None:
    with pytest.raises(ArgumentError, match="items: column 'nope' is not in data"):
        cronbach_alpha(hs, items=["x1", "x2", "nope"])
    with pytest.raises(DataValidationError, match="numeric"):
        cronbach_alpha(hs, items=["x1", "school"])
    with pytest.raises(ValueError, match="alpha must"):
        cronbach_alpha(hs, items=["x1", "x2"], alpha=1.5)
    with pytest.raises(ValueError, match="items must name at least 2"):
        cronbach_alpha(hs, items=["x1"])
    with pytest.raises(UnknownNameError, match="listwise, pairwise"):
        cronbach_alpha(hs, items=["x1", "x2"], nan_policy="mean")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="choose one of: ML"):
        cfa(hs, factors=MODEL, estimator="WLS")
    with pytest.raises(ValueError, match="'x1' is in both"):
        cfa(hs, factors={"a": ["x1", "x2", "x3"], "b": ["x1", "x4", "x5"]})
    with pytest.raises(ValueError, match="at least 3"):
        mcdonald_omega(hs, items=["x1", "x2"])
    with pytest.raises(ValueError, match="data must be a pandas DataFrame"):
        cronbach_alpha(hs.to_numpy())  # type: ignore[arg-type]


def test_listwise_and_pairwise_alpha(rng: np.random.Generator) -> None:
    """listwise: alpha of the complete rows; pairwise: every row with an answer."""
    data = exact_sample(POP_COV, 100, rng)
    data.iloc[:10, 0] = np.nan
    lw = cronbach_alpha(data, nan_policy="listwise").iloc[0]
    c = np.cov(data.dropna().to_numpy().T)
    assert lw["estimate"] == pytest.approx(5 / 4 * (1 - np.trace(c) / c.sum()), rel=1e-12)
    assert lw["n"] == 90
    assert cronbach_alpha(data).iloc[0]["n"] == 100


# --------------------------------------------------------------------------- #
# large samples (their timing: benchmarks/bench_timing.py)
# --------------------------------------------------------------------------- #


def _three_factor_sample(n: int, rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    lam = np.zeros((15, 3))
    for k in range(3):
        lam[5 * k : 5 * k + 5, k] = [0.8, 0.7, 0.75, 0.6, 0.65]
    phi = np.array([[1.0, 0.4, 0.3], [0.4, 1.0, 0.5], [0.3, 0.5, 1.0]])
    f = rng.multivariate_normal(np.zeros(3), phi, n)
    x = 3 + shift + f @ lam.T + rng.normal(0, 0.6, (n, 15))
    return pd.DataFrame(x, columns=[f"qwl_{j:02d}" for j in range(1, 16)])


QWL_FACTORS = {
    "FE": [f"qwl_{j:02d}" for j in range(1, 6)],
    "YI": [f"qwl_{j:02d}" for j in range(6, 11)],
    "PL": [f"qwl_{j:02d}" for j in range(11, 16)],
}


def test_cfa_and_invariance_on_large_samples(rng: np.random.Generator) -> None:
    """CFA of 15 items / 3 factors on 5 000 respondents and the three invariance
    models on 5 groups x 1 000 each. Data generated invariant, so chi2 is near its df:
    df = 15*16/2 - (15 loadings - 3 + 15 residuals + 6 factor (co)variances) = 120 - 33 = 87."""
    big = _three_factor_sample(5000, rng)
    res = cfa(big, factors=QWL_FACTORS)
    groups = pd.concat(
        [_three_factor_sample(1000, rng).assign(org=f"org{g}") for g in range(5)],
        ignore_index=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        mi = measurement_invariance(groups, factors=QWL_FACTORS, by="org")
    assert res.fit_indices["df"].iloc[0] == 87
    assert list(mi["df"]) == [435, 483, 531]
    assert mi["converged"].all()
    assert (mi["p_val"] > 0.001).all()  # invariant population: no model rejected


def test_item_analysis_of_a_multi_factor_instrument_works_within_each_factor() -> None:
    """Alpha if an FE item is deleted is the alpha of the other four FE items
    (pingouin's direct call), not of the other 14 items of the instrument."""
    import pingouin as pg

    from hrproductivity import load_dataset

    ds = load_dataset(Path(__file__).resolve().parents[1] / "data" / "raw" / "example")
    table = item_analysis(ds.responses, items=ds.instrument)
    assert list(table["factor"].unique()) == ["FE", "YI", "PL"]
    rest = ["qwl_02", "qwl_03", "qwl_04", "qwl_05"]
    expected, _ = pg.cronbach_alpha(ds.responses[rest], nan_policy="pairwise")
    got = table.set_index("item").loc["qwl_01", "alpha_if_deleted"]
    assert got == pytest.approx(expected, abs=1e-9)
