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
    res = multilevel(respondents, outcome="wellbeing", exposure="qwl", org_effects="random")
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
    assert vc["org"] == pytest.approx(float(direct.cov_re.iloc[0, 0]), rel=1e-4)
    assert vc["unit"] == pytest.approx(float(direct.vcomp[0]), rel=1e-4)
    assert vc["residual"] == pytest.approx(float(direct.scale), rel=1e-5)
    assert res.org_effects == "random" and res.converged


def test_fixed_org_matches_statsmodels_direct_call(respondents: pd.DataFrame) -> None:
    res = multilevel(respondents, outcome="wellbeing", exposure="qwl", org_effects="fixed")
    d = _centred(respondents)
    direct = smf.mixedlm("wellbeing ~ xw + xb + C(org)", d, groups="unit_key").fit(reml=True)
    t = res.summary().set_index("term")
    np.testing.assert_allclose(
        t.loc[["qwl_within", "qwl_between"], "estimate"], direct.fe_params[["xw", "xb"]],
        rtol=1e-5,
    )  # fmt: skip
    vc = res.variance_components.set_index("component")["variance"]
    assert vc["unit"] == pytest.approx(float(direct.cov_re.iloc[0, 0]), rel=1e-4)
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
