"""Tests of hrproductivity.synthetic: the data contract, determinism, and known truth.

The recovery tests estimate the generating parameters with ordinary methods
written out here (ICC(1) from the one-way ANOVA formula, OLS with fixed effects
from statsmodels, a 2 x 2 difference in differences) and check that the truth
recorded in ``Dataset.truth`` is what they find.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from hrproductivity import synthetic
from hrproductivity.aggregation import aggregate
from hrproductivity.errors import HRProductivityError
from hrproductivity.io import Dataset, validate
from hrproductivity.scoring import score_scales
from hrproductivity.synthetic import EXAMPLE_ORGS, Effects, example_dataset, generate

QWL_ITEMS = [f"qwl_{i:02d}" for i in range(1, 16)]
UWES_ITEMS = [f"uwes_{i}" for i in range(1, 10)]
WHO5_ITEMS = [f"who5_{i}" for i in range(1, 6)]
BACKGROUND = ["role", "age_group", "tenure_group", "gender"]
HR_COLUMNS = [
    "org",
    "unit",
    "period",
    "fte",
    "headcount",
    "sick_days",
    "sick_spells",
    "other_absence_days",
    "training_days",
    "leavers",
    "staff_costs_eur",
    "theoretical_hours_per_fte",
    "overtime_hours",
    "purchased_services_eur",
]
FINANCE_COLUMNS = [
    "org",
    "unit",
    "period",
    "revenue_eur",
    "variable_costs_eur",
    "other_fixed_costs_eur",
    "output_volume",
    "output_unit",
]


@pytest.fixture(scope="module")
def example() -> Dataset:
    return example_dataset()


@pytest.fixture(scope="module")
def larger() -> Dataset:
    """About 450 units over three waves: enough units for the recovery tests."""
    return generate(n_orgs=40, respondents_per_wave=6000, seed=7)


def check_contract(ds: Dataset, items: list[str]) -> None:
    """Assert the data contract of docs/data-contract.md on a generated dataset."""
    r, u, hr, fin = ds.responses, ds.units, ds.hr, ds.finance
    ids = ["org", "unit", "wave", "respondent", *BACKGROUND]
    assert list(r.columns) == [*ids, *items, "comment_1"]
    for col in [*ids, "comment_1"]:
        assert r[col].dtype == "str", col
    for col in items:
        assert r[col].dtype == np.float64, col
    for ins in ds.instruments:
        block = r[ins.item_ids].to_numpy()
        seen = block[~np.isnan(block)]
        assert seen.min() >= ins.scale_min and seen.max() <= ins.scale_max
        assert np.array_equal(seen, np.round(seen))
    assert r[ids].notna().all().all()
    assert not r.duplicated(["org", "wave", "respondent"]).any()
    assert r["respondent"].str.fullmatch(r"r\d{7,}").all()

    assert list(u.columns) == [
        "org", "unit", "wave", "invited", "parent", "sector", "experiment_start"
    ]  # fmt: skip
    assert u["invited"].dtype == np.int64
    for col in ("org", "unit", "wave", "parent", "sector", "experiment_start"):
        assert u[col].dtype == "str"
    # the experiment the truth records: its start wave in the rows of the treated units
    assert ds.truth is not None
    truth = ds.truth["unit_wave"].drop_duplicates(["org", "unit"]).set_index(["org", "unit"])
    start = ds.truth["experiment"]["start_wave"]
    recorded = u.drop_duplicates(["org", "unit"]).set_index(["org", "unit"])["experiment_start"]
    assert recorded.notna().to_dict() == (truth["treated"] & (start is not None)).to_dict()
    assert set(recorded.dropna()) <= {start}
    assert not u.duplicated(["org", "unit", "wave"]).any()
    assert (u["invited"] >= 3).all()
    counts = r.groupby(["org", "unit", "wave"]).size().rename("n")
    joined = u.set_index(["org", "unit", "wave"]).join(counts, how="left").fillna({"n": 0})
    assert len(joined) == len(u)
    assert (joined["n"] <= joined["invited"]).all()
    # every respondent belongs to a unit of the units table
    assert counts.index.isin(joined.index).all()

    assert list(hr.columns) == HR_COLUMNS
    assert hr["headcount"].dtype == np.int64
    assert hr["sick_spells"].dtype == np.int64
    assert hr["leavers"].dtype == np.int64
    for col in HR_COLUMNS[3:]:
        if col not in ("headcount", "sick_spells", "leavers"):
            assert hr[col].dtype == np.float64, col
        assert (hr[col] >= 0).all(), col
        assert hr[col].notna().all(), col
    assert (hr["theoretical_hours_per_fte"] == 1850.0).all()
    assert (hr["fte"] > 0).all()
    assert (hr["headcount"] >= u["invited"].to_numpy()).all()
    assert (hr["sick_spells"] <= hr["sick_days"]).all()
    assert (hr["leavers"] <= hr["headcount"]).all()
    assert not hr.duplicated(["org", "unit", "period"]).any()
    hr_keys = hr[["org", "unit", "period"]].set_axis(["org", "unit", "wave"], axis=1)
    assert_frame_equal(hr_keys, u[["org", "unit", "wave"]])

    assert list(fin.columns) == FINANCE_COLUMNS
    for col in ("org", "unit", "period", "output_unit"):
        assert fin[col].dtype == "str"
    for col in FINANCE_COLUMNS[3:7]:
        assert fin[col].dtype == np.float64
    org_rows = fin[fin["unit"].isna()]
    unit_rows = fin[fin["unit"].notna()]
    assert len(org_rows) == len(ds.orgs) * len(ds.wave_period)
    assert org_rows["output_volume"].isna().all() and org_rows["output_unit"].isna().all()
    assert unit_rows[FINANCE_COLUMNS[3:]].notna().all().all()
    assert (fin[FINANCE_COLUMNS[3:6]] >= 0).all().all()
    assert len(unit_rows) == len(u)
    # organisation revenue is the sum over its units
    summed = unit_rows.groupby(["org", "period"])["revenue_eur"].sum()
    org_rev = org_rows.set_index(["org", "period"])["revenue_eur"]
    pd.testing.assert_series_equal(summed.sort_index(), org_rev.sort_index(), check_names=False)

    assert dict(ds.wave_period) == {w: w for w in ds.wave_period}
    assert sorted(ds.wave_period) == ds.waves
    assert set(hr["period"]) == set(ds.wave_period.values())
    assert ds.instruments[0].name == "qwl15"
    assert ds.truth is not None
    assert len(ds.truth["unit_wave"]) == len(u)


# --------------------------------------------------------------------------- contract


def test_example_contract(example: Dataset) -> None:
    check_contract(example, [*QWL_ITEMS, *UWES_ITEMS, *WHO5_ITEMS])
    assert example.name == "example"
    assert [i.name for i in example.instruments] == ["qwl15", "uwes9", "who5"]
    assert example.orgs == sorted(EXAMPLE_ORGS)
    assert example.waves == ["2022", "2023", "2024"]
    per_wave = example.responses.groupby("wave").size()
    assert ((per_wave > 1350) & (per_wave < 1650)).all(), per_wave
    units_per_org = example.units.groupby(["org", "wave"])["unit"].nunique()
    assert units_per_org.between(8, 14).all()
    sectors = example.units.groupby("org")["sector"].agg(set)
    assert "koulutus" in sectors["Koulutuskuntayhtymä Tuulia"]
    assert "koulutus" not in sectors["Kuusikoski"]
    assert {"Kotihoito", "Varhaiskasvatus", "Ammatillinen opetus"} & set(example.units["unit"])


def test_passes_the_library_validation(example: Dataset) -> None:
    small = generate(n_orgs=6, units_per_org=(1, 20), respondents_per_wave=200, seed=8)
    for ds in (example, small):
        assert validate(ds).ok


def test_example_realism(example: Dataset) -> None:
    r = example.responses
    items = r[QWL_ITEMS].to_numpy()
    assert 0.01 < np.isnan(items).mean() < 0.03
    assert 0.12 < r["comment_1"].notna().mean() < 0.18
    # some units are so small that fewer than 5 answer, so suppression has work to do
    assert example.truth is not None
    uw = example.truth["unit_wave"]
    assert (uw["respondents"] < 5).any()
    assert uw["employees"].min() >= 3 and uw["employees"].median() > 15
    assert ((uw["respondents"] / uw["employees"]).between(0.2, 1.0)).all()
    assert uw["response_rate"].between(0.55, 0.90).all()
    # factors correlate positively, and engagement and WHO-5 follow the QWL factors
    scores = pd.DataFrame(
        {
            "fe": r[QWL_ITEMS[:5]].mean(axis=1),
            "yi": r[QWL_ITEMS[5:10]].mean(axis=1),
            "pl": r[QWL_ITEMS[10:]].mean(axis=1),
            "uwes": r[UWES_ITEMS].mean(axis=1),
            "who5": r[WHO5_ITEMS].mean(axis=1),
        }
    )
    corr = scores.corr()
    assert 0.25 < corr.loc["fe", "yi"] < 0.7 and 0.25 < corr.loc["yi", "pl"] < 0.7
    assert corr.loc["uwes", "pl"] > 0.3 and corr.loc["who5", "fe"] > 0.15
    # Keva: about 15 sick days per full-year employee
    sick_per_fte = example.hr["sick_days"].sum() / example.hr["fte"].sum()
    assert 12 < sick_per_fte < 19
    # true QWL around the Finnish average, inside (0, 1)
    assert 0.5 < example.truth["population_qwl"] < 0.7
    assert uw["true_qwl"].between(0, 1).all()
    # HCPF: just under 80 % of theoretical time at work
    assert 0.18 < uw["structural_time_share"].mean() < 0.28


def test_truth_layout(example: Dataset) -> None:
    truth = example.truth
    assert truth is not None
    assert truth["effects"] == dataclasses.asdict(Effects())
    uw = truth["unit_wave"]
    for col in ("org", "unit", "wave", "sector", "parent"):
        assert uw[col].dtype == "str"
    assert uw["treated"].dtype == bool and uw["post"].dtype == bool
    assert_frame_equal(
        uw[["org", "unit", "wave"]], example.units[["org", "unit", "wave"]], check_names=False
    )
    # about 20 % of units are in the experiment, in every organisation
    treated = uw.groupby(["org", "unit"])["treated"].first()
    assert 0.12 < treated.mean() < 0.3
    assert treated.groupby(level="org").any().all()
    assert (uw.loc[uw["wave"] == "2022", "post"] == False).all()  # noqa: E712
    assert uw.loc[uw["wave"] != "2022", "post"].all()
    # respondents recorded in the truth match the responses
    n = example.responses.groupby(["org", "unit", "wave"]).size()
    got = uw.set_index(["org", "unit", "wave"])["respondents"]
    assert (got.reindex(n.index) == n).all()
    assert got.sum() == len(example.responses)
    exp = truth["experiment"]
    assert exp["start_wave"] == "2023"
    assert list(exp["by_wave"]["wave"]) == ["2023", "2024"]
    vc = truth["variance_components"]
    # the sector levels' variance over the employees, from the truth's own rows
    eff = Effects()
    shift = dict(
        zip(("sote", "sivistys", "tekninen", "hallinto", "koulutus"), eff.sector_shift, strict=True)
    )
    level = uw["sector"].map(shift).astype(float)
    mean = np.average(level, weights=uw["employees"])
    sector_var = np.average((level - mean) ** 2, weights=uw["employees"])
    assert vc["sector"] == pytest.approx(sector_var)
    between = eff.var_org + eff.var_unit + sector_var  # 0.04 + 0.20 + sector
    assert vc["icc1_latent"] == pytest.approx(between / (1.0 + sector_var))
    assert set(vc["icc1_factor_score"]) == {"FE", "YI", "PL"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_orgs=st.integers(1, 7),
    units=st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 3), st.integers(3, 30))),
    n_waves=st.integers(1, 3),
    respondents=st.integers(1, 400),
    seed=st.integers(0, 2**32),
)
def test_contract_holds_for_any_arguments(
    n_orgs: int, units: int | tuple[int, int], n_waves: int, respondents: int, seed: int
) -> None:
    waves = [str(2020 + i) for i in range(n_waves)]
    ds = generate(
        n_orgs=n_orgs,
        units_per_org=units,
        waves=waves,
        respondents_per_wave=respondents,
        seed=seed,
        instruments=("qwl15", "who5"),
    )
    check_contract(ds, [*QWL_ITEMS, *WHO5_ITEMS])
    per_org = ds.units.groupby(["org", "wave"]).size()
    if isinstance(units, int):
        assert (per_org == units).all()
    else:
        assert per_org.between(*units).all()


def test_generated_names_beyond_five_orgs() -> None:
    ds = generate(n_orgs=7, units_per_org=3, respondents_per_wave=100, seed=3)
    assert ds.orgs == [f"org_{i:03d}" for i in range(1, 8)]
    sectors = ds.units.groupby("org")["sector"].agg(set)
    assert "koulutus" in sectors["org_005"]
    ds = generate(n_orgs=2, org_names=["A-kunta", "B-kunta"], respondents_per_wave=100)
    assert ds.orgs == ["A-kunta", "B-kunta"]


def test_many_units_get_distinct_names() -> None:
    ds = generate(n_orgs=1, units_per_org=40, respondents_per_wave=800, seed=5)
    names = ds.units.loc[ds.units["wave"] == "2022", "unit"]
    assert names.is_unique and len(names) == 40
    assert names.str.fullmatch(r".+ 2").any()


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_frames() -> None:
    a = generate(n_orgs=3, respondents_per_wave=500, seed=11, instruments=("qwl15", "uwes9"))
    b = generate(n_orgs=3, respondents_per_wave=500, seed=11, instruments=("qwl15", "uwes9"))
    for name in ("responses", "units", "hr", "finance"):
        assert_frame_equal(a.table(name), b.table(name))
    assert a.truth is not None and b.truth is not None
    assert_frame_equal(a.truth["unit_wave"], b.truth["unit_wave"])
    c = generate(n_orgs=3, respondents_per_wave=500, seed=12, instruments=("qwl15", "uwes9"))
    assert not a.responses[QWL_ITEMS].equals(c.responses[QWL_ITEMS])


def test_streams_are_independent() -> None:
    """Adding an instrument or changing a cost leaves the QWL answers as they were."""
    a = generate(n_orgs=2, respondents_per_wave=300, seed=4)
    b = generate(
        n_orgs=2,
        respondents_per_wave=300,
        seed=4,
        instruments=("qwl15", "uwes9", "who5"),
        effects=Effects(k_eur_per_hour=120.0, beta_sick=-0.8),
    )
    assert_frame_equal(a.responses, b.responses[a.responses.columns])
    assert_frame_equal(a.units, b.units)
    assert a.truth is not None and b.truth is not None
    pd.testing.assert_series_equal(
        a.truth["unit_wave"]["true_qwl"], b.truth["unit_wave"]["true_qwl"]
    )
    assert not a.finance["revenue_eur"].equals(b.finance["revenue_eur"])


# --------------------------------------------------------------------------- known truth


def icc1(values: pd.Series, groups: pd.Series) -> float:
    """ICC(1) from the one-way ANOVA (Bliese 2000), adjusted mean group size.

    R: multilevel::ICC1(aov(value ~ as.factor(group))) gives the same value for
    equal group sizes.
    """
    ok = values.notna()
    x, g = values[ok].to_numpy(), groups[ok].to_numpy()
    codes, inverse = np.unique(g, return_inverse=True)
    n = np.bincount(inverse).astype(float)
    means = np.bincount(inverse, x) / n
    n_total, j = n.sum(), codes.size
    grand = x.mean()
    msb = (n * (means - grand) ** 2).sum() / (j - 1)
    msw = ((x - means[inverse]) ** 2).sum() / (n_total - j)
    k = (n_total - (n**2).sum() / n_total) / (j - 1)
    return float((msb - msw) / (msb + (k - 1) * msw))


def test_icc1_of_factor_scores_is_as_expected(larger: Dataset) -> None:
    r = larger.responses
    assert larger.truth is not None
    expected = larger.truth["variance_components"]["icc1_factor_score"]
    assert 0.12 < expected["FE"] < 0.30  # latent ICC(1) about 0.28, attenuated by the items
    group = r["org"] + "|" + r["unit"]
    for factor, cols in larger.instrument.factors.items():
        score = r[list(cols)].mean(axis=1)
        observed = [icc1(score[r["wave"] == w], group[r["wave"] == w]) for w in larger.waves]
        print(factor, "expected", round(expected[factor], 3), "observed", np.round(observed, 3))
        assert all(0.08 < o < 0.30 for o in observed)
        assert np.mean(observed) == pytest.approx(expected[factor], abs=0.03)


def test_icc1_in_example(example: Dataset) -> None:
    r = example.responses
    fe = r[QWL_ITEMS[:5]].mean(axis=1)
    group = r["org"] + "|" + r["unit"]
    observed = [icc1(fe[r["wave"] == w], group[r["wave"] == w]) for w in example.waves]
    assert all(0.08 < o < 0.30 for o in observed), observed


def sick_panel(ds: Dataset) -> pd.DataFrame:
    assert ds.truth is not None
    uw = ds.truth["unit_wave"]
    hr = ds.hr.rename(columns={"period": "wave"})
    df = uw.merge(hr, on=["org", "unit", "wave"], validate="one_to_one")
    df["sick_per_fte"] = df["sick_days"] / df["fte"]
    df["qwl_points"] = 100.0 * (df["true_qwl"] - 0.60)
    df["uid"] = df["org"] + "|" + df["unit"]
    return df


@pytest.mark.parametrize("fixed_effects", [False, True], ids=["pooled", "unit_fe"])
def test_regression_recovers_beta_sick(larger: Dataset, fixed_effects: bool) -> None:
    df = sick_panel(larger)
    # The sector sets both the sick-day offset and the QWL level (sote: more sick days,
    # lower QWL), so a pooled regression must hold the sector fixed; unit effects do.
    formula = "sick_per_fte ~ qwl_points + C(wave)"
    formula += " + C(uid)" if fixed_effects else " + C(sector)"
    fit = smf.ols(formula, data=df).fit(cov_type="cluster", cov_kwds={"groups": df["uid"]})
    low, high = fit.conf_int(alpha=0.01).loc["qwl_points"]
    beta = Effects().beta_sick
    print("beta_sick", round(fit.params["qwl_points"], 3), (round(low, 3), round(high, 3)))
    assert low < beta < high
    assert high < 0  # the data are informative about the sign


def test_structural_sick_days_follow_the_equation(example: Dataset) -> None:
    assert example.truth is not None
    uw = example.truth["unit_wave"]
    eff = Effects()
    waves = example.truth["wave_effects"].set_index("wave")["sick_days_per_fte"]
    sector = uw["sector"].map({"sote": 3.0, "sivistys": 1.0, "tekninen": 0.5, "hallinto": -4.0,
                               "koulutus": -2.0})  # fmt: skip
    expected = (
        eff.sick_base
        + sector
        + uw["sick_unit_effect"]
        + uw["wave"].map(waves)
        + eff.beta_sick * 100 * (uw["true_qwl"] - eff.qwl_reference)
    )
    np.testing.assert_allclose(uw["sick_days_per_fte_structural"], expected, rtol=1e-12)


def test_hcpf_revenue_identity(example: Dataset) -> None:
    """revenue = K * FTE * TYW * (1 - AW) * QWL * exp(noise), AW from the HR days."""
    assert example.truth is not None
    eff = Effects()
    df = sick_panel(example)
    fin = example.finance.dropna(subset=["unit"]).rename(columns={"period": "wave"})
    df = df.merge(fin, on=["org", "unit", "wave"], validate="one_to_one")
    days = df["sick_days"] + df["other_absence_days"] + df["training_days"]
    aw = eff.holidays_share + days / df["fte"] * eff.hours_per_day / df["theoretical_hours_per_fte"]
    np.testing.assert_allclose(aw, df["structural_time_share"], rtol=1e-12)
    structural = df["k_eur_per_hour"] * df["fte"] * 1850.0 * (1 - aw) * df["true_qwl"]
    log_ratio = np.log(df["revenue_eur"] / structural)
    assert abs(log_ratio.mean()) < 0.01
    assert log_ratio.std() == pytest.approx(eff.revenue_noise_sd, rel=0.25)
    # revenue per FTE rises with true QWL
    slope = smf.ols("I(revenue_eur / fte) ~ true_qwl", data=df).fit().params["true_qwl"]
    assert slope > 0


def test_experiment_truth_matches_difference_in_differences(larger: Dataset) -> None:
    assert larger.truth is not None
    uw = larger.truth["unit_wave"].copy()
    exp = larger.truth["experiment"]

    def did(col: str) -> float:
        m = uw.groupby(["treated", "post"])[col].mean()
        return float((m[True, True] - m[True, False]) - (m[False, True] - m[False, False]))

    # identity: the DiD of the factual minus that of the counterfactual is the truth exactly
    assert did("true_qwl") - did("true_qwl_cf") == pytest.approx(exp["att_qwl"], abs=1e-12)
    assert did("true_qwl_cf") == pytest.approx(0.0, abs=0.02)
    # a plain DiD with unit and wave fixed effects covers the true effect
    uw["d"] = (uw["treated"] & uw["post"]).astype(float)
    uw["uid"] = uw["org"] + "|" + uw["unit"]
    fit = smf.ols("true_qwl ~ d + C(uid) + C(wave)", data=uw).fit(
        cov_type="cluster", cov_kwds={"groups": uw["uid"]}
    )
    low, high = fit.conf_int(alpha=0.01).loc["d"]
    print("DiD", round(fit.params["d"], 4), "truth", round(exp["att_qwl"], 4))
    assert low < exp["att_qwl"] < high
    # the truth's size and its translation into sick days
    assert 0.02 < exp["att_qwl"] < 0.08
    assert exp["att_qwl_points"] == pytest.approx(100 * exp["att_qwl"])
    beta = Effects().beta_sick
    assert exp["att_sick_days_per_fte_structural"] == pytest.approx(
        beta * exp["att_qwl_points"], rel=1e-9
    )
    assert exp["att_sick_days_per_fte"] == pytest.approx(
        exp["att_sick_days_per_fte_structural"], abs=0.3
    )
    assert exp["att_revenue_per_fte_eur"] > 0
    assert exp["n_treated_units"] == int(uw.groupby("uid")["treated"].first().sum())
    # untreated units and pre-periods are untouched by the counterfactual
    same = ~(uw["treated"] & uw["post"])
    assert (uw.loc[same, "true_qwl"] == uw.loc[same, "true_qwl_cf"]).all()


def test_experiment_switched_off_or_never_started() -> None:
    off = generate(n_orgs=2, respondents_per_wave=300, effects=Effects(experiment_share=0.0))
    assert off.truth is not None
    assert not off.truth["unit_wave"]["treated"].any()
    assert math.isnan(off.truth["experiment"]["att_qwl"])
    one = generate(n_orgs=2, respondents_per_wave=300, waves=("2024",))
    assert one.truth is not None
    assert one.truth["experiment"]["start_wave"] is None
    assert math.isnan(one.truth["experiment"]["att_qwl"])
    assert len(one.truth["experiment"]["by_wave"]) == 0


def test_larger_effect_shifts_items() -> None:
    """The experiment moves the treated units' answers, not only their truth."""
    big = Effects(experiment_shift=(0.6, 0.6, 0.6), experiment_share=0.5)
    ds = generate(n_orgs=10, respondents_per_wave=3000, seed=9, effects=big)
    assert ds.truth is not None
    uw = ds.truth["unit_wave"][["org", "unit", "wave", "treated", "post"]]
    r = ds.responses.merge(uw, on=["org", "unit", "wave"])
    r["score"] = r[QWL_ITEMS].mean(axis=1)
    m = r.groupby(["treated", "post"])["score"].mean()
    did = (m[True, True] - m[True, False]) - (m[False, True] - m[False, False])
    assert did > 0.15


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_orgs": 0}, "n_orgs"),
        ({"units_per_org": (5, 3)}, "units_per_org"),
        ({"units_per_org": 0}, "units_per_org"),
        ({"waves": ()}, "waves"),
        ({"waves": ("2022", "2022")}, "waves"),
        ({"respondents_per_wave": 0}, "respondents_per_wave"),
        ({"seed": -1}, "seed"),
        ({"n_orgs": 2, "org_names": ["A"]}, "org_names"),
        ({"n_orgs": 2, "org_names": ["A", "A"]}, "org_names"),
        ({"instruments": ("uwes9",)}, "instruments"),
        ({"instruments": ("qwl15", "wai")}, "instruments"),
        ({"effects": Effects(var_person=0.0)}, "var_person"),
        ({"effects": Effects(qwl_category_shares=(0.5, 0.5))}, "qwl_category_shares"),
        ({"effects": Effects(factor_corr=(0.99, -0.99, 0.99))}, "factor_corr"),
        ({"effects": Effects(response_rate=(0.9, 0.5))}, "response_rate"),
        ({"effects": Effects(experiment_start=-1)}, "experiment_start"),
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(HRProductivityError, match=match):
        generate(**{"respondents_per_wave": 200, **kwargs})  # type: ignore[arg-type]


def test_module_exports() -> None:
    assert set(synthetic.__all__) == {"EXAMPLE_ORGS", "Effects", "example_dataset", "generate"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        Effects().beta_sick = 0.0  # type: ignore[misc]


# --------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_scale_300_orgs_100k_respondents_a_wave() -> None:
    # (its time: generate_seconds of benchmarks/bench_scale.py)
    ds = generate(n_orgs=300, respondents_per_wave=100_000, seed=1)
    per_wave = ds.responses.groupby("wave").size()
    assert ((per_wave > 95_000) & (per_wave < 105_000)).all()
    assert not ds.responses.duplicated(["org", "wave", "respondent"]).any()


def test_truth_is_on_the_scorers_scale(larger: Dataset) -> None:
    """The recorded true QWL is what the public scorer gives, in expectation, from the
    answers (docs/synthetic-data.md): over about 1 350 unit-waves the scored unit index
    (mean of the respondents' ``kesti_approx`` indices) minus ``true_qwl`` averages
    zero within four standard errors of that mean (SE = SD of the differences over
    sqrt(number of unit-waves), about 0.15 points), and so do the factor shares. The
    former latent-curve truth was about 8 points above the scored index."""
    assert larger.truth is not None
    scores = score_scales(larger.responses, "qwl15")
    units = aggregate(scores, by=["org", "unit", "wave"], value_cols=[])
    shares = scores.groupby(["org", "unit", "wave"])[["FE_share", "YI_share", "PL_share"]].mean()
    units = units.merge(shares.reset_index(), on=["org", "unit", "wave"])
    merged = units.merge(larger.truth["unit_wave"], on=["org", "unit", "wave"])
    assert len(merged) > 0.99 * len(larger.truth["unit_wave"])  # all with respondents
    for scored, true in (
        ("qwl_index", "true_qwl"),
        ("FE_share", "true_fe"),
        ("YI_share", "true_yi"),
        ("PL_share", "true_pl"),
    ):
        diff = 100 * (merged[scored] - merged[true]).dropna()
        se = diff.std(ddof=1) / math.sqrt(len(diff))
        print(scored, "mean difference", round(diff.mean(), 3), "points, SE", round(se, 3))
        assert abs(diff.mean()) < 4 * se, (scored, diff.mean(), se)
        assert se < 0.3


@pytest.mark.parametrize("field", ["share_scale", "qwl_weights"])
def test_fields_of_the_former_truth_map_are_ignored_with_a_warning(field: str) -> None:
    """``share_scale`` and ``qwl_weights`` parameterised the latent curve that the truth
    on the scorer's scale replaced: still accepted for one release, with a warning,
    and without effect on the parameters."""
    value = 0.9 if field == "share_scale" else (0.5, 0.5, 0.5)
    with pytest.warns(DeprecationWarning, match=field):
        eff = Effects(**{field: value}, beta_sick=-0.5)  # type: ignore[arg-type]
    assert eff == Effects(beta_sick=-0.5)
