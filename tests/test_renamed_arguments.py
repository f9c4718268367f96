"""The argument names unified in issue 11: the old spellings warn and give the same result.

Interval levels are ``alpha`` (significance level, 0.05, as in statsmodels) and
grouping columns ``by``. Each old spelling (``ci=0.95``, ``level=0.95``,
``group=``, ``holiday_share``) still works for one release with a
``DeprecationWarning`` that names the new argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from semopy.examples import holzinger39

from hrproductivity import synthetic, teaching
from hrproductivity._checks import check_number, check_share
from hrproductivity.errors import ArgumentError
from hrproductivity.instruments import Instrument, Item
from hrproductivity.models import drivers
from hrproductivity.plots import axes
from hrproductivity.reliability import (
    alpha_if_deleted,
    cronbach_alpha,
    measurement_invariance,
    reliability_by,
)

ITEMS = ["x4", "x5", "x6"]


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return holzinger39.get_data()


def _old(func: Any, *args: Any, new: str, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` (an old spelling), checking it warns and names ``new``."""
    with pytest.warns(DeprecationWarning, match=f"use {new}="):
        return func(*args, **kwargs)


def test_cronbach_alpha_ci_is_alpha(hs: pd.DataFrame) -> None:
    """Feldt's 90 % interval by hand: 1 - (1 - a) F(0.95 | 0.05; n - 1, (n - 1)(k - 1))
    with n = 301, k = 3 (pingouin rounds the bounds to 3 decimals)."""
    new = cronbach_alpha(hs, items=ITEMS, alpha=0.10)
    old = _old(cronbach_alpha, hs, items=ITEMS, ci=0.90, new="alpha")
    pd.testing.assert_frame_equal(old, new)
    a = new["estimate"].iloc[0]
    df1, df2 = 300, 600
    assert new["ci_low"].iloc[0] == pytest.approx(
        1 - (1 - a) * stats.f.ppf(0.95, df1, df2), abs=6e-4
    )
    assert new["ci_high"].iloc[0] == pytest.approx(
        1 - (1 - a) * stats.f.ppf(0.05, df1, df2), abs=6e-4
    )
    # the default is the 95 % interval, as before
    wide = cronbach_alpha(hs, items=ITEMS)
    assert wide["ci_low"].iloc[0] < new["ci_low"].iloc[0]
    pd.testing.assert_frame_equal(_old(cronbach_alpha, hs, items=ITEMS, ci=0.95, new="alpha"), wide)


def test_ci_and_alpha_together_or_out_of_range_are_refused(hs: pd.DataFrame) -> None:
    with pytest.raises(ArgumentError, match="alpha= only"):
        cronbach_alpha(hs, items=ITEMS, alpha=0.05, **{"ci": 0.95})
    with pytest.raises(ArgumentError, match="ci"), pytest.warns(DeprecationWarning):
        cronbach_alpha(hs, items=ITEMS, **{"ci": 1.5})
    with pytest.raises(ArgumentError, match="alpha"):
        cronbach_alpha(hs, items=ITEMS, alpha=0.0)


def test_alpha_if_deleted_ci_is_alpha(hs: pd.DataFrame) -> None:
    new = alpha_if_deleted(hs, items=ITEMS, alpha=0.10)
    old = _old(alpha_if_deleted, hs, items=ITEMS, ci=0.90, new="alpha")
    pd.testing.assert_frame_equal(old, new)
    # leaving x4 out is alpha of x5 and x6 (psych's alpha.drop, 0.831 in the docstring)
    pair = cronbach_alpha(hs, items=["x5", "x6"], alpha=0.10)
    assert new["ci_low"].iloc[0] == pair["ci_low"].iloc[0]


def test_reliability_by_ci_is_alpha() -> None:
    rng = np.random.default_rng(3)
    latent = rng.standard_normal((120, 1))
    data = pd.DataFrame(
        np.clip(np.round(3 + latent + rng.standard_normal((120, 3))), 1, 5),
        columns=["i1", "i2", "i3"],
    ).assign(org=np.repeat(["A", "B"], 60))
    inst = Instrument(
        name="t",
        title={},
        scale_min=1,
        scale_max=5,
        favourable_min=4,
        items=tuple(Item(f"i{j}", "F") for j in range(1, 4)),
        factors={"F": ("i1", "i2", "i3")},
        factor_labels={},
        scale_labels={},
    )
    new = reliability_by(data, inst, by="org", alpha=0.10)
    old = _old(reliability_by, data, inst, by="org", ci=0.90, new="alpha")
    pd.testing.assert_frame_equal(old, new)
    a = new[(new["org"] == "A") & (new["statistic"] == "alpha")].iloc[0]
    want = cronbach_alpha(data[data["org"] == "A"], items=["i1", "i2", "i3"], alpha=0.10)
    assert a["ci_low"] == want["ci_low"].iloc[0]


def test_mean_interval_level_is_alpha() -> None:
    """Mean 0.5, SD √(0.02 / 3) = 0.08165, n = 4, SE 0.040825; 90 %: half-width
    t(3, 0.95) × SE = 2.35336 × 0.040825 = 0.096076."""
    values = [0.4, 0.5, 0.5, 0.6]
    m, lo, hi = teaching.mean_interval(values, alpha=0.10)
    assert hi - m == pytest.approx(stats.t.ppf(0.95, 3) * np.sqrt(0.02 / 3) / 2, rel=1e-12)
    assert hi - m == pytest.approx(0.096076, abs=1e-6)
    old = _old(teaching.mean_interval, values, level=0.90, new="alpha")
    assert old == pytest.approx((m, lo, hi), rel=1e-12)


def test_drivers_group_is_by() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((200, 2))
    data = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1]})
    data["y"] = data["x1"] + 0.5 * data["x2"] + rng.standard_normal(200)
    data["g"] = np.repeat(["A", "B"], 100)
    new = drivers(data, outcome="y", predictors=["x1", "x2"], by="g", n_boot=0)
    old = _old(drivers, data, outcome="y", predictors=["x1", "x2"], group="g", n_boot=0, new="by")
    pd.testing.assert_frame_equal(old.summary(), new.summary())
    alone = drivers(data[data["g"] == "B"], outcome="y", predictors=["x1", "x2"], n_boot=0)
    assert new.by_group["B"].fit["r2"] == pytest.approx(alone.fit["r2"], rel=1e-12)


def test_measurement_invariance_group_is_by(hs: pd.DataFrame) -> None:
    model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    new = measurement_invariance(hs, factors=model, by="school")
    old = _old(measurement_invariance, hs, factors=model, group="school", new="by")
    pd.testing.assert_frame_equal(old, new)
    # 2 groups × (6 items: 21 variances/covariances + 6 means) = 54 moments; the
    # configural model frees 2 × (4 loadings + 6 residuals + 3 factor (co)variances
    # + 6 intercepts) = 38 parameters: df = 16
    assert new["df"].tolist() == [16, 20, 24]


def test_effects_holiday_share_is_holidays_share() -> None:
    new = synthetic.Effects(holidays_share=0.10)
    old = _old(synthetic.Effects, holiday_share=0.10, new="holidays_share")
    assert old == new
    assert old.holidays_share == 0.10
    with pytest.warns(DeprecationWarning, match="use holidays_share"):
        assert new.holiday_share == 0.10
    # the same name as costs.structural_time_share's argument
    assert synthetic.Effects().holidays_share == 0.12


def test_axes_returns_the_given_axes_or_a_new_one_of_the_size() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert axes(ax, (3.0, 2.0)) is ax
    new = axes(None, (3.0, 2.0))
    assert tuple(new.figure.get_size_inches()) == (3.0, 2.0)
    plt.close("all")


def test_check_number_is_public_and_names_the_argument() -> None:
    assert check_number("hours_per_day", "7.5", low_open=True, high=24.0) == 7.5
    with pytest.raises(ArgumentError, match=r"hours_per_day must satisfy 0 < hours_per_day ≤ 24"):
        check_number("hours_per_day", 0, low_open=True, high=24.0)
    with pytest.raises(ArgumentError, match="share"):
        check_share("share", 1.2)
