"""Tests for hrproductivity.aggregation.

Outside references: hand calculations in the docstrings (exact fractions),
pingouin's ``intraclass_corr`` (Shrout & Fleiss ICC(1,1) and ICC(1,k), equal
to Bliese's ICC(1)/ICC(2) for equal group sizes), scipy's ``f_oneway``, the
null-distribution variances tabulated by LeBreton & Senter (2008), and the
known true parameters of simulated data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from hrproductivity.aggregation import (
    aggregate,
    aggregate_hierarchy,
    icc1,
    icc1_mixed,
    icc2,
    null_variance,
    rwg,
    rwg_j,
)
from hrproductivity.errors import ArgumentError, ModelWarning, UnknownNameError

# --------------------------------------------------------------------------- ICC

UNEQUAL = pd.DataFrame(
    {
        "unit": ["A"] * 3 + ["B"] * 2 + ["C"] * 4,
        "FE": [2.0, 4.0, 3.0, 5.0, 7.0, 1.0, 2.0, 3.0, 2.0],
    }
)


def test_icc_unequal_groups_by_hand() -> None:
    """Groups A = 2,4,3 (mean 3), B = 5,7 (mean 6), C = 1,2,3,2 (mean 2).
    N = 9, J = 3, grand mean 29/9.
    SSB = 3(-2/9)^2 + 2(25/9)^2 + 4(-11/9)^2 = 1746/81, MSB = 873/81 = 97/9.
    SSW = 2 + 2 + 2 = 6, MSW = 6/6 = 1. F = 97/9.
    k = (N - sum n^2 / N)/(J - 1) = (9 - 29/9)/2 = 26/9.
    ICC(1) = (97/9 - 1)/(97/9 + (26/9 - 1)) = 88/114;
    with k = N/J = 3: 88/(97 + 18) = 88/115.
    ICC(2) = (97/9 - 1)/(97/9) = 88/97.
    p: for df1 = 2, P(F > x) = (1 + 2x/df2)^(-df2/2) = (27/124)^3."""
    one = icc1(UNEQUAL, value="FE", by="unit").iloc[0]
    assert one["estimate"] == pytest.approx(88 / 114, rel=1e-12)
    assert one["ms_between"] == pytest.approx(97 / 9, rel=1e-12)
    assert one["ms_within"] == pytest.approx(1.0, rel=1e-12)
    assert one["k"] == pytest.approx(26 / 9, rel=1e-12)
    assert (one["df1"], one["df2"], one["n_groups"], one["n"]) == (2, 6, 3, 9)
    assert one["p_val"] == pytest.approx((27 / 124) ** 3, rel=1e-9)
    assert one["ci_low"] < one["estimate"] < one["ci_high"]
    mean_k = icc1(UNEQUAL, value="FE", by="unit", group_size="mean").iloc[0]
    assert mean_k["estimate"] == pytest.approx(88 / 115, rel=1e-12)
    two = icc2(UNEQUAL, value="FE", by="unit").iloc[0]
    assert two["estimate"] == pytest.approx(88 / 97, rel=1e-12)
    assert two["statistic"] == "icc2"


def test_icc_f_test_matches_scipy() -> None:
    groups = [g["FE"].to_numpy() for _, g in UNEQUAL.groupby("unit")]
    ref = stats.f_oneway(*groups)
    one = icc1(UNEQUAL, value="FE", by="unit").iloc[0]
    assert one["f"] == pytest.approx(ref.statistic, rel=1e-12)
    assert one["p_val"] == pytest.approx(ref.pvalue, rel=1e-9)


def test_icc_can_be_negative() -> None:
    """A = 1,3 and B = 1,3: MSB = 0, MSW = (2 + 2)/2 = 2, k = 2:
    ICC(1) = (0 - 2)/(0 + 1 * 2) = -1."""
    d = pd.DataFrame({"unit": list("aabb"), "x": [1.0, 3.0, 1.0, 3.0]})
    assert icc1(d, value="x", by="unit")["estimate"].iloc[0] == pytest.approx(-1.0, abs=1e-12)


def _balanced(rng: np.random.Generator, n_groups: int, size: int, tau: float) -> pd.DataFrame:
    d = pd.DataFrame(
        {
            "org": np.repeat(["o1", "o2"], n_groups * size // 2),
            "unit": np.repeat([f"u{j:03d}" for j in range(n_groups)], size),
            "member": np.tile(np.arange(size), n_groups),
        }
    )
    d["FE"] = np.repeat(rng.normal(0, np.sqrt(tau), n_groups), size) + rng.normal(
        0, 1, n_groups * size
    )
    d["YI"] = rng.normal(0, 1, n_groups * size)
    return d


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # pingouin 0.7 under pandas 3.1
def test_icc_equal_groups_match_pingouin(rng: np.random.Generator) -> None:
    """With equal groups, Bliese's ICC(1) and ICC(2) are Shrout & Fleiss's
    ICC(1,1) and ICC(1,k); pingouin computes those, with F-based 95 % CIs.
    ``by`` with two columns (org, unit) groups by their combination."""
    d = _balanced(rng, 20, 6, tau=0.5)
    ref = pg.intraclass_corr(d, targets="unit", raters="member", ratings="FE").set_index("Type")
    one = icc1(d, value=["FE", "YI"], by=["org", "unit"])
    two = icc2(d, value="FE", by=["org", "unit"]).iloc[0]
    fe = one.set_index("variable").loc["FE"]
    assert one["variable"].tolist() == ["FE", "YI"]
    assert fe["estimate"] == pytest.approx(ref.loc["ICC(1,1)", "ICC"], rel=1e-9)
    assert fe["f"] == pytest.approx(ref.loc["ICC(1,1)", "F"], rel=1e-9)
    assert fe["p_val"] == pytest.approx(ref.loc["ICC(1,1)", "pval"], rel=1e-6)
    # pingouin rounds its CI to two decimals
    assert [fe["ci_low"], fe["ci_high"]] == pytest.approx(
        list(ref.loc["ICC(1,1)", "CI95"]), abs=0.005
    )
    assert two["estimate"] == pytest.approx(ref.loc["ICC(1,k)", "ICC"], rel=1e-9)
    assert [two["ci_low"], two["ci_high"]] == pytest.approx(
        list(ref.loc["ICC(1,k)", "CI95"]), abs=0.005
    )


def test_icc1_mixed_equals_anova_for_equal_groups(rng: np.random.Generator) -> None:
    """With equal groups and a positive between-group variance, the REML
    variance components equal the ANOVA ones (tau = (MSB - MSW)/k, sigma^2 = MSW)."""
    d = _balanced(rng, 25, 8, tau=0.4)
    anova = icc1(d, value="FE", by="unit").iloc[0]
    mixed = icc1_mixed(d, value="FE", by="unit").iloc[0]
    assert mixed["estimate"] == pytest.approx(anova["estimate"], abs=1e-4)
    assert mixed["var_within"] == pytest.approx(anova["ms_within"], rel=1e-3)
    assert mixed["var_between"] == pytest.approx(
        (anova["ms_between"] - anova["ms_within"]) / anova["k"], rel=1e-3
    )
    assert (mixed["n_groups"], mixed["n"], mixed["converged"]) == (25, 200, True)


def test_icc1_mixed_warns_on_the_boundary() -> None:
    """Equal group means: the between-group variance is estimated at its boundary 0."""
    d = pd.DataFrame({"unit": list("aaabbbccc"), "x": [1.0, 2, 3, 1, 2, 3, 1, 2, 3]})
    with pytest.warns(ModelWarning):
        out = icc1_mixed(d, value="x", by="unit")
    assert out["estimate"].iloc[0] == pytest.approx(0.0, abs=1e-4)


def test_icc_recovers_the_true_value_with_unequal_groups(rng: np.random.Generator) -> None:
    """Simulation with known truth: unit effects with variance 0.25, residual
    variance 0.75, so ICC(1) = 0.25; 300 units of 3 to 20 respondents.
    ICC(2) for the adjusted group size k is k rho / (1 + (k - 1) rho)
    (Spearman-Brown). Tolerances are about three standard errors."""
    sizes = rng.integers(3, 21, size=300)
    unit = np.repeat(np.arange(300), sizes)
    y = rng.normal(0, 0.5, 300)[unit] + rng.normal(0, np.sqrt(0.75), unit.size)
    d = pd.DataFrame({"unit": unit.astype(str), "FE": y})
    one = icc1(d, value="FE", by="unit").iloc[0]
    assert one["estimate"] == pytest.approx(0.25, abs=0.05)
    assert one["ci_low"] < 0.25 < one["ci_high"]
    k = one["k"]
    assert icc2(d, value="FE", by="unit")["estimate"].iloc[0] == pytest.approx(
        k * 0.25 / (1 + (k - 1) * 0.25), abs=0.05
    )
    assert icc1_mixed(d, value="FE", by="unit")["estimate"].iloc[0] == pytest.approx(0.25, abs=0.05)


def test_icc_errors() -> None:
    with pytest.raises(ArgumentError, match="column 'unit' is not in"):
        icc1(UNEQUAL.drop(columns="unit"), value="FE", by="unit")
    with pytest.raises(UnknownNameError, match="adjusted, mean"):
        icc1(UNEQUAL, value="FE", by="unit", group_size="harmonic")
    with pytest.raises(Exception, match="two groups"):
        icc1(UNEQUAL[UNEQUAL["unit"] == "A"], value="FE", by="unit")


# --------------------------------------------------------------------------- rwg


def test_null_variances_match_the_published_table() -> None:
    """LeBreton & Senter (2008) Table 2, 5-point scale: uniform 2.00, slight
    skew 1.34, moderate skew 0.90, heavy skew 0.44, triangular 1.32, normal
    1.04; 7-point uniform (49 - 1)/12 = 4.00."""
    table = {
        "uniform": 2.00,
        "slight_skew": 1.34,
        "moderate_skew": 0.90,
        "heavy_skew": 0.44,
        "triangular": 1.32,
        "normal": 1.04,
    }
    for name, published in table.items():
        assert null_variance(scale_min=1, scale_max=5, null=name) == pytest.approx(
            published, abs=0.005
        )
    assert null_variance(scale_min=0, scale_max=6) == pytest.approx(4.0, abs=1e-12)
    assert null_variance(scale_min=1, scale_max=5, null=1.5) == 1.5
    with pytest.raises(UnknownNameError, match="slight_skew"):
        null_variance(scale_min=1, scale_max=5, null="skewed")
    with pytest.raises(Exception, match="5-point"):
        null_variance(scale_min=0, scale_max=6, null="slight_skew")


def test_rwg_by_hand() -> None:
    """Unit a: 3,4,4,5,4, mean 4, s^2 = (1 + 0 + 0 + 1 + 0)/4 = 0.5;
    uniform null (25 - 1)/12 = 2: rwg = 1 - 0.5/2 = 0.75; slight-skew null
    1.34: 1 - 0.5/1.34. Unit b: 1,5,1,5, s^2 = 4 * 4/3 = 16/3: 1 - 8/3 = -5/3,
    truncated to 0. Unit c: one answer (and one missing): NaN."""
    d = pd.DataFrame(
        {
            "unit": ["a"] * 5 + ["b"] * 4 + ["c"] * 2,
            "qwl_01": [3, 4, 4, 5, 4, 1, 5, 1, 5, 2, np.nan],
        }
    )
    out = rwg(d, item="qwl_01", by="unit", scale_min=1, scale_max=5).set_index("unit")
    assert out["n"].tolist() == [5, 4, 1]
    assert out.loc["a", "variance"] == pytest.approx(0.5, abs=1e-12)
    assert out.loc["a", "rwg"] == pytest.approx(0.75, abs=1e-12)
    assert out.loc["b", "rwg"] == 0.0
    assert np.isnan(out.loc["c", "rwg"])
    raw = rwg(d, item="qwl_01", by="unit", scale_min=1, scale_max=5, truncate=False)
    assert raw["rwg"].iloc[1] == pytest.approx(-5 / 3, abs=1e-12)
    skew = rwg(d, item="qwl_01", by="unit", scale_min=1, scale_max=5, null="slight_skew")
    assert skew["rwg"].iloc[0] == pytest.approx(1 - 0.5 / 1.34, abs=1e-12)


def test_rwg_j_by_hand() -> None:
    """Unit a, J = 3 items: i1 = 3,4,4,5,4 (s^2 0.5), i2 = 2,2,2,2,2 (0),
    i3 = 1,2,3,4,5 (2.5); mean variance 1.0, ratio 1/2:
    rwg(j) = 3(1 - 1/2)/(3(1 - 1/2) + 1/2) = 1.5/2 = 0.75. A sixth respondent
    with i3 missing is left out (missing="listwise"). Unit b: i1 = i2 = i3 = 1,5,1,5
    (s^2 16/3 > 2): truncated to 0. The default (available answers per item) is
    tested in test_aggregation_r_multilevel.py."""
    d = pd.DataFrame(
        {
            "unit": ["a"] * 6 + ["b"] * 4,
            "i1": [3, 4, 4, 5, 4, 1, 1, 5, 1, 5],
            "i2": [2, 2, 2, 2, 2, 5, 1, 5, 1, 5],
            "i3": [1, 2, 3, 4, 5, np.nan, 1, 5, 1, 5],
        }
    )
    out = rwg_j(
        d, items=["i1", "i2", "i3"], by="unit", scale_min=1, scale_max=5, missing="listwise"
    )
    assert out["n"].tolist() == [5, 4]
    assert out["n_items"].tolist() == [3, 3]
    assert out["mean_variance"].iloc[0] == pytest.approx(1.0, abs=1e-12)
    assert out["rwg_j"].tolist() == pytest.approx([0.75, 0.0], abs=1e-12)


# --------------------------------------------------------------------------- aggregate


def _scores() -> pd.DataFrame:
    """Unit a: FE 4, 5, 3 (mean 4, sd 1, 2 of 3 at >= 4); unit b: FE 2, 4
    (mean 3, sd sqrt 2, 1 of 2). QWL shares: unit a respondents all at 0.75 or
    all at 1.0 or missing; unit b at 0.75."""
    return pd.DataFrame(
        {
            "org": "o",
            "unit": ["a", "a", "a", "b", "b"],
            "wave": "2025",
            "respondent": [f"r{i}" for i in range(5)],
            "gender": ["f", "m", "f", "f", "m"],
            "FE": [4.0, 5.0, 3.0, 2.0, 4.0],
            "YI": [4.0, 5.0, np.nan, 4.0, 4.0],
            "PL": 4.0,
            "FE_share": [0.75, 1.0, np.nan, 0.75, 0.75],
            "YI_share": [0.75, 1.0, 0.5, 0.75, 0.75],
            "PL_share": [0.75, 1.0, 0.5, 0.75, 0.75],
        }
    )


def test_aggregate_by_hand() -> None:
    """Unit a: FE mean 4, sd 1, favourable (>= 4 on qwl15) 2/3 = 66.7 %;
    the QWL index per respondent: 0.618 (published anchor) and 1.0, the third
    missing: group index (0.618 + 1)/2 = 0.809 from 2 respondents.
    The index of the mean shares (0.875) would differ: people, not questions.
    Unit b: FE mean 3, sd sqrt 2, favourable 50 %, index 0.618. Units table: a
    invited 6, b 2 -> rates 0.5 and 1.0; c invited 4 without answers -> n 0,
    rate 0, suppressed, every count 0.

    Counts and standard errors (se = sd / sqrt(n)): unit a FE n 3, se 1/sqrt 3
    = 0.57735; YI 4, 5 and a missing answer: n 2, sd sqrt(0.5), se 0.5; QWL
    index of 0.618 and 1.0: n 2, sd 0.382 / sqrt 2 = 0.270115, se 0.382 / 2 =
    0.191. Unit b FE n 2, se sqrt(2) / sqrt(2) = 1; index 0.618 twice: se 0."""
    units = pd.DataFrame(
        {"org": "o", "unit": ["a", "b", "c"], "wave": "2025", "invited": [6, 2, 4]}
    )
    out = aggregate(_scores(), units=units, instrument="qwl15").set_index("unit")
    assert out.index.tolist() == ["a", "b", "c"]
    assert out["n"].tolist() == [3, 2, 0]
    assert out["response_rate"].tolist() == pytest.approx([0.5, 1.0, 0.0], abs=1e-12)
    assert out["suppressed"].tolist() == [False, False, True]
    assert out.loc["a", ["FE_mean", "FE_sd", "FE_pct_favourable"]].tolist() == pytest.approx(
        [4.0, 1.0, 200 / 3], abs=1e-12
    )
    assert out.loc["b", ["FE_mean", "FE_sd", "FE_pct_favourable"]].tolist() == pytest.approx(
        [3.0, np.sqrt(2), 50.0], abs=1e-12
    )
    # YI: unit a has one missing answer; favourable 2 of the 2 observed
    assert out.loc["a", "YI_pct_favourable"] == pytest.approx(100.0, abs=1e-12)
    assert out.loc["a", "qwl_index"] == pytest.approx((0.618 + 1.0) / 2, abs=1e-12)
    assert out.loc["b", "qwl_index"] == pytest.approx(0.618, abs=1e-12)
    assert out["FE_n"].tolist() == [3, 2, 0] and out["YI_n"].tolist() == [2, 2, 0]
    assert out["qwl_index_n"].tolist() == [2, 2, 0]
    assert out.loc["a", ["FE_se", "YI_se", "qwl_index_se"]].tolist() == pytest.approx(
        [1 / np.sqrt(3), 0.5, 0.191], abs=1e-12
    )
    assert out.loc["b", ["FE_se", "qwl_index_se"]].tolist() == pytest.approx([1.0, 0.0], abs=1e-12)
    assert np.isnan(out.loc["c", "FE_se"])
    assert not any("band" in c for c in out.columns)  # no text: labels come from the locales
    assert list(out.columns[:4]) == ["org", "wave", "n", "invited"]


def test_aggregate_lang_is_deprecated_and_adds_no_label() -> None:
    """The old language argument still runs, warns, and changes no column."""
    plain = aggregate(_scores(), value_cols="FE")
    with pytest.warns(DeprecationWarning, match="qwl_band"):
        old = aggregate(_scores(), value_cols="FE", lang="en")
    pd.testing.assert_frame_equal(old, plain)


def test_aggregate_standard_error_of_one_answer_is_missing() -> None:
    """One answer has no sd (ddof 1), so no standard error; its count is 1."""
    one = _scores().iloc[[3]]
    out = aggregate(one, value_cols="FE")
    assert out["FE_n"].tolist() == [1] and np.isnan(out["FE_se"].iloc[0])


def test_aggregate_min_n_and_parent_levels() -> None:
    """min_n = 3 hides unit b (n 2) but keeps its n; at organisation level
    all five answers count: FE (4 + 5 + 3 + 2 + 4)/5 = 3.6, invited 6 + 2 = 8."""
    units = pd.DataFrame({"org": "o", "unit": ["a", "b"], "wave": "2025", "invited": [6, 2]})
    out = aggregate(_scores(), units=units, instrument="qwl15", min_n=3)
    b = out[out["unit"] == "b"].iloc[0]
    assert b["n"] == 2 and bool(b["suppressed"])
    assert np.isnan(b["FE_mean"]) and np.isnan(b["qwl_index"]) and np.isnan(b["qwl_index_se"])
    assert b["FE_n"] == 2  # counts are never blanked, like n
    assert b["response_rate"] == pytest.approx(1.0, abs=1e-12)
    org = aggregate(_scores(), by=("org", "wave"), units=units, instrument="qwl15", min_n=3)
    assert org["n"].tolist() == [5]
    assert org["FE_mean"].iloc[0] == pytest.approx(3.6, abs=1e-12)
    assert org["invited"].iloc[0] == 8
    by_gender = aggregate(_scores(), by=("org", "unit", "gender"), units=units, value_cols="FE")
    assert by_gender["n"].tolist() == [2, 1, 1, 1]
    assert by_gender["invited"].isna().all()
    assert "FE_pct_favourable" not in by_gender.columns


def test_aggregate_default_columns_and_flags() -> None:
    """Without an instrument every numeric score except shares is summarised;
    a WHO-5 flag's mean is the share flagged: 1 of 2 poor -> 0.5."""
    s = pd.DataFrame(
        {
            "org": "o",
            "unit": "a",
            "wave": "1",
            "who5_raw": [12.0, 20.0],
            "who5_share": [0.5, 0.8],
            "who5_poor": pd.array([True, False], dtype="boolean"),
        }
    )
    out = aggregate(s)
    assert [c for c in out.columns if c.endswith("_mean")] == ["who5_raw_mean", "who5_poor_mean"]
    assert out["who5_poor_mean"].iloc[0] == pytest.approx(0.5, abs=1e-12)
    assert "qwl_index" not in out.columns


def test_aggregate_qwl_method_choices() -> None:
    """With method "mean", unit b's index is the mean of the shares 0.75."""
    out = aggregate(_scores(), value_cols=[], qwl_method="mean")
    assert out["qwl_index"].iloc[1] == pytest.approx(0.75, abs=1e-12)
    pre = _scores().assign(qwl_index=[0.1, 0.2, 0.3, 0.4, 0.6])
    out = aggregate(pre, value_cols=[], qwl_method=None)
    assert out["qwl_index"].tolist() == pytest.approx([0.2, 0.5], abs=1e-12)


def test_aggregate_hierarchy_counts_hidden_answers_in_parents() -> None:
    """Organisation row: all 5 answers (FE mean 3.6) although unit b (n 2) is
    suppressed at min_n 3; parents precede children; the grand total too."""
    units = pd.DataFrame(
        {"org": "o", "unit": ["a", "b"], "wave": "2025", "invited": [6, 2], "parent": "p1"}
    )
    out = aggregate_hierarchy(_scores(), units=units, min_n=3, total=True, value_cols="FE")
    assert out["level"].tolist() == ["total", "org", "unit", "unit"]
    assert out["n"].tolist() == [5, 5, 3, 2]
    assert out["FE_mean"].iloc[:3].tolist() == pytest.approx([3.6, 3.6, 4.0], abs=1e-12)
    assert np.isnan(out["FE_mean"].iloc[3])
    assert out["invited"].tolist() == [8, 8, 6, 2]
    assert pd.isna(out["unit"].iloc[1]) and pd.isna(out["org"].iloc[0])
    deep = aggregate_hierarchy(_scores(), hierarchy=("org", "parent", "unit"), units=units)
    assert deep["level"].tolist() == ["org", "parent", "unit", "unit"]
    assert deep["parent"].iloc[1] == "p1"
