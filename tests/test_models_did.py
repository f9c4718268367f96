"""Tests of ``did``: difference of means, linearmodels' direct call, known effects."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from linearmodels import PanelOLS

from hrproductivity.errors import ModelWarning
from hrproductivity.models import ArgumentError, did


def _experiment(
    rng: np.random.Generator,
    *,
    n_units: int = 100,
    n_waves: int = 5,
    share: float = 0.3,
    starts: tuple[int, ...] = (2,),
    effect: float = -1.5,
    growth: float = 0.0,
) -> pd.DataFrame:
    """Unit × wave panel; the effect is ``effect + growth * (waves since start)``."""
    unit = np.repeat(np.arange(n_units), n_waves)
    wave = np.tile(np.arange(n_waves), n_units)
    treated = rng.random(n_units) < share
    start = np.where(treated, rng.choice(starts, n_units), 10_000)
    since = wave - start[unit]
    d = (since >= 0).astype(float)
    y = (
        rng.normal(0, 1, n_units)[unit]
        + np.linspace(0, 1, n_waves)[wave]
        + d * (effect + growth * np.maximum(since, 0))
        + rng.normal(0, 1, unit.size)
    )
    return pd.DataFrame(
        {
            "unit": [f"u{u:03d}" for u in unit],
            # labels in time order as an ordered categorical: text alone carries no order
            "wave": pd.Categorical(
                [str(2021 + w) for w in wave],
                categories=[str(2021 + w) for w in range(n_waves)],
                ordered=True,
            ),
            "sick_days": y,
            "in_experiment": d,
            "group": treated[unit].astype(int),
        }
    )


def test_two_by_two_equals_difference_of_mean_differences(rng: np.random.Generator) -> None:
    data = _experiment(rng, n_waves=2, starts=(1,))
    res = did(data, outcome="sick_days", treated="group", time="wave", entity="unit", start="2022")
    means = data.groupby(["group", "wave"])["sick_days"].mean()
    expected = (means[1, "2022"] - means[1, "2021"]) - (means[0, "2022"] - means[0, "2021"])
    assert res.summary().set_index("term").loc["treated_post", "estimate"] == pytest.approx(
        expected, rel=1e-10
    )


def test_matches_linearmodels_direct_call(rng: np.random.Generator) -> None:
    data = _experiment(rng)
    res = did(data, outcome="sick_days", treated="in_experiment", time="wave", entity="unit")
    d = data.assign(year=data["wave"].astype(int)).set_index(["unit", "year"])
    exog = pd.get_dummies(data["wave"], prefix="w", drop_first=True, dtype=float)
    exog.index = d.index
    exog = exog.assign(const=1.0, D=d["in_experiment"])
    direct = PanelOLS(d["sick_days"], exog, entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, group_debias=True
    )
    row = res.summary().set_index("term").loc["treated_post"]
    assert row["estimate"] == pytest.approx(direct.params["D"], rel=1e-10)
    assert row["se"] == pytest.approx(direct.std_errors["D"], rel=1e-10)


def test_recovers_known_effect_and_flat_pretrend(rng: np.random.Generator) -> None:
    data = _experiment(rng, n_units=200, effect=-1.5)
    res = did(data, outcome="sick_days", treated="group", time="wave", entity="unit", start="2023")
    row = res.summary().set_index("term").loc["treated_post"]
    assert row["ci_low"] < -1.5 < row["ci_high"]
    assert row["estimate"] == pytest.approx(-1.5, abs=0.3)
    es = res.event_study.set_index("rel_time")
    assert list(es.index) == [-2, -1, 0, 1, 2]
    assert es.loc[-1, "estimate"] == 0.0 and np.isnan(es.loc[-1, "se"])
    assert es.loc[-2, "ci_low"] < 0 < es.loc[-2, "ci_high"]
    for k in (0, 1, 2):
        assert es.loc[k, "ci_low"] < -1.5 < es.loc[k, "ci_high"]
    assert res.fit["pretrend_p"] > 0.01
    assert res.n_treated + res.n_control == 200
    assert not res.staggered and res.cohort_effects.empty


def test_status_and_start_forms_agree(rng: np.random.Generator) -> None:
    data = _experiment(rng)
    by_status = did(data, outcome="sick_days", treated="in_experiment", time="wave", entity="unit")
    by_start = did(
        data, outcome="sick_days", treated="group", time="wave", entity="unit", start="2023"
    )
    pd.testing.assert_frame_equal(by_status.summary(), by_start.summary())
    pd.testing.assert_frame_equal(by_status.event_study, by_start.event_study)


def test_event_window_bins_the_ends(rng: np.random.Generator) -> None:
    data = _experiment(rng, n_waves=6, starts=(3,))
    res = did(
        data, outcome="sick_days", treated="group", time="wave", entity="unit", start="2024",
        event_window=(-2, 1),
    )  # fmt: skip
    assert list(res.event_study["rel_time"]) == [-2, -1, 0, 1]
    with pytest.raises(ArgumentError, match="event_window"):
        did(
            data, outcome="sick_days", treated="group", time="wave", entity="unit",
            start="2024", event_window=(-1, 2),
        )  # fmt: skip


def test_staggered_timing_warns_and_cohorts_recover_their_effects(
    rng: np.random.Generator,
) -> None:
    data = _experiment(rng, n_units=300, n_waves=6, share=0.5, starts=(2, 4), growth=-0.5)
    with pytest.warns(ModelWarning, match="Goodman-Bacon 2021"):
        res = did(data, outcome="sick_days", treated="in_experiment", time="wave", entity="unit")
    assert res.staggered
    cohorts = res.cohort_effects.set_index("cohort")
    assert list(cohorts.index) == ["2023", "2025"]
    # true average effect over each cohort's treated waves (against never-treated units)
    truth = {"2023": -1.5 - 0.5 * np.mean([0, 1, 2, 3]), "2025": -1.5 - 0.5 * np.mean([0, 1])}
    for cohort, value in truth.items():
        row = cohorts.loc[cohort]
        assert row["ci_low"] < value < row["ci_high"]
    es = res.event_study.set_index("rel_time")
    assert es.loc[3, "estimate"] == pytest.approx(-1.5 - 1.5, abs=0.5)


def test_input_errors(rng: np.random.Generator) -> None:
    data = _experiment(rng)
    flip = data.copy()
    flip.loc[(flip["group"] == 1) & (flip["wave"] == "2025"), "in_experiment"] = 0.0
    with pytest.raises(ArgumentError, match="goes from 1 back to 0"):
        did(flip, outcome="sick_days", treated="in_experiment", time="wave", entity="unit")
    with pytest.raises(ArgumentError, match="start: '2030' is not a wave"):
        did(data, outcome="sick_days", treated="group", time="wave", entity="unit", start="2030")
    with pytest.raises(ArgumentError, match="only 0 and 1"):
        did(data.assign(g2=data["group"] * 2), outcome="sick_days", treated="g2", time="wave",
            entity="unit")  # fmt: skip
    with pytest.raises(ArgumentError, match="no comparison group"):
        did(data.assign(all1=1), outcome="sick_days", treated="all1", time="wave",
            entity="unit", start="2023")  # fmt: skip
    with pytest.raises(ArgumentError, match="is ever treated"):
        did(data.assign(none=0), outcome="sick_days", treated="none", time="wave", entity="unit")


def test_plot_and_euros(rng: np.random.Generator) -> None:
    data = _experiment(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = did(data, outcome="sick_days", treated="in_experiment", time="wave", entity="unit")
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    x = ax.lines[0].get_xdata()
    np.testing.assert_array_equal(x, res.event_study["rel_time"].to_numpy(dtype=float))
    assert res.plot(kind="coef") is not None
    row = res.summary().set_index("term").loc["treated_post"]
    eur = res.in_euros(350.0).iloc[0]
    assert eur["estimate"] == pytest.approx(350.0 * row["estimate"])
    assert "treated_post" in res._repr_html_()


def test_season_labels_follow_the_given_order(rng: np.random.Generator) -> None:
    """Waves "syksy 2023" (autumn), "kevät 2024" (spring), "syksy 2024", "kevät 2025":
    as text "kevät" sorts first, so a text sort would put spring 2024 before autumn 2023
    and call a post-start wave a pre-start one. The truth is the fit on integer time."""
    data = _experiment(rng, n_units=60, n_waves=4, starts=(2,))
    seasons = ["syksy 2023", "kevät 2024", "syksy 2024", "kevät 2025"]
    data = data.assign(t=data["wave"].cat.codes.astype(int))
    data["season"] = [seasons[t] for t in data["t"]]
    kw = dict(outcome="sick_days", treated="group", entity="unit")
    truth = did(data, time="t", start=2, **kw)
    by_order = did(data, time="season", start="syksy 2024", order=seasons, **kw)
    pd.testing.assert_frame_equal(by_order.summary(), truth.summary())
    assert list(by_order.event_study["estimate"]) == list(truth.event_study["estimate"])
    with pytest.raises(ArgumentError, match="time: column 'season' holds string values"):
        did(data, time="season", start="syksy 2024", **kw)
    text = did(data, time="season", start="syksy 2024", order=sorted(seasons), **kw)
    assert abs(text.summary().iloc[0]["estimate"] - truth.summary().iloc[0]["estimate"]) > 0.2
