"""Tests of hrproductivity.costs: structural time, sickness absence, turnover, capacity.

Outside references (docs/costs.md): the Yrittäjät/Etera example (200 employees
at 4 % absence ⇒ 1 800 days ⇒ 612 000 € a year); EK's 350 € a day rule of thumb
and EK 2021's 174 € × 2.1. Every other figure is derived by hand in the test's
docstring.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrproductivity.costs import (
    ABSENCE_COST_PER_DAY,
    absence_cost,
    absence_cost_per_day,
    capacity_lost,
    sickness_absence_rate,
    structural_time_share,
    turnover_cost,
)
from hrproductivity.errors import ArgumentError, DataValidationError, HRProductivityError


@pytest.fixture
def hr() -> pd.DataFrame:
    """Two units of org A and one of org B, year 2021; every TYW 1 850 h."""
    return pd.DataFrame(
        {
            "org": ["A", "A", "B"],
            "unit": ["u1", "u2", "b1"],
            "period": ["2021", "2021", "2021"],
            "fte": [10.0, 30.0, 5.0],
            "headcount": [11.0, 32.0, 5.0],
            "sick_days": [150.0, 300.0, 37.0],
            "sick_spells": [20.0, 40.0, 3.0],
            "other_absence_days": [50.0, 100.0, 0.0],
            "training_days": [20.0, 60.0, 0.0],
            "leavers": [1.0, 2.0, 0.0],
            "staff_costs_eur": [500_000.0, 1_500_000.0, 250_000.0],
            "theoretical_hours_per_fte": [1850.0, 1850.0, 1850.0],
        }
    )


# ------------------------------------------------------------ Yrittäjät / Etera


def test_etera_example_absence_rate_days_and_cost() -> None:
    """Published: 200 employees at 4 % absence ⇒ 1 800 days ⇒ 612 000 € a year.

    The days imply 1 800 / (200 × 0.04) = 225 working days per person a year,
    i.e. theoretical time 225 × 7.5 = 1 687.5 h per FTE:
    rate = 1 800 × 7.5 / (200 × 1 687.5) = 13 500 / 337 500 = 0.04.
    The euros imply 612 000 / 1 800 = 340 € a day.
    With the 350 € rule of thumb: 1 800 × 350 = 630 000 €;
    with EK 2021's 174 × 2.1 = 365.4 €: 1 800 × 365.4 = 657 720 €.
    """
    hr = pd.DataFrame(
        {
            "org": ["yritys"],
            "unit": ["all"],
            "period": ["year"],
            "fte": [200.0],
            "sick_days": [1_800.0],
            "theoretical_hours_per_fte": [225 * 7.5],
        }
    )
    rate = sickness_absence_rate(hr)
    assert rate["sickness_absence_rate"].iloc[0] == pytest.approx(0.04, rel=1e-12)
    assert rate["sick_days_per_fte"].iloc[0] == pytest.approx(9.0, rel=1e-12)
    assert 200 * 225 * 0.04 == pytest.approx(1_800.0)
    assert absence_cost(1_800.0, cost_per_day=340.0) == pytest.approx(612_000.0, rel=1e-12)
    assert 612_000 / 1_800 == pytest.approx(340.0)
    assert absence_cost(1_800.0) == pytest.approx(630_000.0, rel=1e-12)
    assert absence_cost(1_800.0, cost_per_day=absence_cost_per_day()) == pytest.approx(
        657_720.0, rel=1e-12
    )


def test_cost_per_day_figures() -> None:
    """EK rule of thumb 350 €; EK 2021 174 € × 2.1 = 365.4 €; 180 × 2 = 360."""
    assert ABSENCE_COST_PER_DAY == 350.0
    assert absence_cost_per_day() == pytest.approx(365.4, rel=1e-12)
    assert absence_cost_per_day(daily_wage=180.0, multiplier=2.0) == pytest.approx(360.0)


def test_absence_cost_keeps_the_kind_and_index(hr: pd.DataFrame) -> None:
    """150, 300, 37 days × 350 € = 52 500, 105 000, 12 950 €."""
    s = absence_cost(hr["sick_days"])
    assert isinstance(s, pd.Series)
    assert s.index.equals(hr.index)
    np.testing.assert_allclose(s, [52_500.0, 105_000.0, 12_950.0])
    a = absence_cost(np.array([1.0, 2.0]), cost_per_day=100.0)
    assert isinstance(a, np.ndarray)
    np.testing.assert_allclose(a, [100.0, 200.0])


def test_absence_cost_rejects_negatives() -> None:
    with pytest.raises(ArgumentError, match="cost_per_day"):
        absence_cost(10.0, cost_per_day=-1.0)
    with pytest.raises(ArgumentError, match="sick_days"):
        absence_cost(-1.0)
    with pytest.raises(ArgumentError, match="sick_days"):
        absence_cost(pd.Series([1.0, -2.0]))
    with pytest.raises(ArgumentError, match="daily_wage"):
        absence_cost_per_day(daily_wage=-174.0)


# ------------------------------------------------------------ structural time


def test_structural_time_share_per_row(hr: pd.DataFrame) -> None:
    """Unit u1: theoretical 10 × 1 850 = 18 500 h.

    sickness 150 × 7.5 = 1 125 h → 0.0608108
    other    50 × 7.5 =   375 h → 0.0202703
    training 20 × 7.5 =   150 h → 0.0081081
    aw = 0.10 + 1 650 / 18 500 = 0.1891892; at work 0.8108108
    Unit u2: 55 500 h; (300 + 100 + 60) × 7.5 = 3 450 h; aw = 0.1 + 0.0621622 = 0.1621622
    """
    out = structural_time_share(hr)
    assert list(out.columns) == [
        "org",
        "unit",
        "period",
        "theoretical_hours",
        "holidays_share",
        "sickness_share",
        "other_absence_share",
        "training_share",
        "aw",
        "at_work_share",
    ]
    u1 = out.iloc[0]
    assert u1["theoretical_hours"] == pytest.approx(18_500.0)
    assert u1["sickness_share"] == pytest.approx(1_125 / 18_500, rel=1e-12)
    assert u1["other_absence_share"] == pytest.approx(375 / 18_500, rel=1e-12)
    assert u1["training_share"] == pytest.approx(150 / 18_500, rel=1e-12)
    assert u1["aw"] == pytest.approx(0.1 + 1_650 / 18_500, rel=1e-12)
    assert u1["at_work_share"] == pytest.approx(0.9 - 1_650 / 18_500, rel=1e-12)
    assert out.iloc[1]["aw"] == pytest.approx(0.1 + 3_450 / 55_500, rel=1e-12)


def test_structural_time_share_by_is_a_ratio_of_sums(hr: pd.DataFrame) -> None:
    """Org A: 0.10 + (1 650 + 3 450) / (18 500 + 55 500) = 0.1 + 5 100 / 74 000 = 0.1689189,
    not the mean of the rows' shares (0.1891892 + 0.1621622) / 2 = 0.1756757.
    Org B: 0.10 + 37 × 7.5 / 9 250 = 0.13. Holidays 0.12 and 8 h a day for A:
    0.12 + 680 × 8 / 74 000 = 0.1935135."""
    out = structural_time_share(hr, by="org")
    assert out["org"].tolist() == ["A", "B"]
    assert list(out.columns)[:2] == ["org", "theoretical_hours"]
    assert out["aw"].iloc[0] == pytest.approx(0.1 + 5_100 / 74_000, rel=1e-12)
    assert out["aw"].iloc[0] != pytest.approx((0.1891892 + 0.1621622) / 2, rel=1e-4)
    assert out["aw"].iloc[1] == pytest.approx(0.13, rel=1e-12)
    custom = structural_time_share(hr, by=["org", "period"], holidays_share=0.12, hours_per_day=8)
    assert custom["aw"].iloc[0] == pytest.approx(0.12 + 680 * 8 / 74_000, rel=1e-12)


def test_default_theoretical_hours(hr: pd.DataFrame) -> None:
    """Missing column or missing value ⇒ 1 850 h (data contract default)."""
    absent = structural_time_share(hr.drop(columns="theoretical_hours_per_fte"))
    np.testing.assert_allclose(absent["theoretical_hours"], [18_500.0, 55_500.0, 9_250.0])
    missing = hr.assign(theoretical_hours_per_fte=[math.nan, 1850.0, 1850.0])
    assert structural_time_share(missing)["theoretical_hours"].iloc[0] == pytest.approx(18_500.0)


def test_missing_values_propagate_to_the_group(hr: pd.DataFrame) -> None:
    """A unit with unknown sick days leaves its organisation's rate unknown."""
    out = sickness_absence_rate(hr.assign(sick_days=[math.nan, 300.0, 37.0]), by="org")
    assert math.isnan(out["sickness_absence_rate"].iloc[0])
    assert out["sickness_absence_rate"].iloc[1] == pytest.approx(37 * 7.5 / 9_250, rel=1e-12)


def test_zero_fte_gives_missing_shares(hr: pd.DataFrame) -> None:
    out = sickness_absence_rate(hr.assign(fte=[0.0, 30.0, 5.0]))
    assert math.isnan(out["sickness_absence_rate"].iloc[0])
    assert math.isnan(out["sick_days_per_fte"].iloc[0])


def test_bad_tables_list_every_problem(hr: pd.DataFrame) -> None:
    bad = hr.drop(columns=["training_days", "other_absence_days"]).assign(fte=[-1.0, 30.0, 5.0])
    with pytest.raises(ArgumentError, match="'training_days' is not in hr") as missing:
        structural_time_share(bad)
    assert "'other_absence_days' is not in hr" in str(missing.value)
    assert isinstance(missing.value, HRProductivityError)
    with pytest.raises(DataValidationError) as info:
        structural_time_share(hr.assign(fte=[-1.0, 30.0, 5.0]))
    assert {p.column for p in info.value.problems} == {"fte"}
    with pytest.raises(ArgumentError, match="by: column 'region'"):
        sickness_absence_rate(hr, by="region")
    with pytest.raises(ArgumentError, match="holidays_share"):
        structural_time_share(hr, holidays_share=10)
    with pytest.raises(ArgumentError, match="hours_per_day"):
        sickness_absence_rate(hr, hours_per_day=0)


def test_sickness_absence_rate_columns_and_values(hr: pd.DataFrame) -> None:
    """Org A: sick 450 d × 7.5 = 3 375 h over 74 000 h = 0.0456081; 450 / 40 = 11.25 d per FTE.
    Equals the sickness_share of structural_time_share."""
    out = sickness_absence_rate(hr, by="org")
    assert list(out.columns) == [
        "org",
        "fte",
        "sick_days",
        "sick_hours",
        "theoretical_hours",
        "sickness_absence_rate",
        "sick_days_per_fte",
    ]
    assert out["sickness_absence_rate"].iloc[0] == pytest.approx(3_375 / 74_000, rel=1e-12)
    assert out["sick_days_per_fte"].iloc[0] == pytest.approx(11.25, rel=1e-12)
    np.testing.assert_allclose(
        sickness_absence_rate(hr)["sickness_absence_rate"],
        structural_time_share(hr)["sickness_share"],
        rtol=1e-14,
    )


# ------------------------------------------------------------ turnover and capacity


def test_turnover_cost_defaults_per_leaver() -> None:
    """Defaults (assumptions): monthly labour cost 40 000 × 1.2 / 12 = 4 000 €.

    before leaving 2 months × 0.25 = 0.5 month → 2 000 €
    vacancy 1 month → 4 000 €; orientation 6 × 0.5 = 3 months → 12 000 €
    recruiting 3 000 €; total 21 000 € (52.5 % of the salary); 4.5 months lost
    """
    out = turnover_cost(1.0)
    row = out.iloc[0]
    assert row["months_lost_per_leaver"] == pytest.approx(4.5)
    assert row["recruiting_eur"] == pytest.approx(3_000.0)
    assert row["before_leaving_eur"] == pytest.approx(2_000.0)
    assert row["vacancy_eur"] == pytest.approx(4_000.0)
    assert row["orientation_eur"] == pytest.approx(12_000.0)
    assert row["turnover_cost_eur"] == pytest.approx(21_000.0)
    assert row["cost_per_leaver_eur"] == pytest.approx(21_000.0)


def test_turnover_cost_explicit_parameters() -> None:
    """Salary 36 000, side costs 0.25 ⇒ 3 750 €/month; recruiting 5 000;
    before 3 × 0.5 = 1.5, vacancy 2, orientation 4 × 0.25 = 1 ⇒ 4.5 months;
    per leaver 5 000 + 4.5 × 3 750 = 21 875 €; 4 leavers 87 500 €."""
    out = turnover_cost(
        4.0,
        annual_salary=36_000.0,
        side_cost_share=0.25,
        recruiting_cost=5_000.0,
        productivity_loss_before_months=3.0,
        productivity_loss_before_share=0.5,
        vacancy_months=2.0,
        orientation_months=4.0,
        orientation_loss_share=0.25,
    )
    assert out["cost_per_leaver_eur"].iloc[0] == pytest.approx(21_875.0, rel=1e-12)
    assert out["turnover_cost_eur"].iloc[0] == pytest.approx(87_500.0, rel=1e-12)


def test_turnover_cost_from_the_hr_table_keeps_ids(hr: pd.DataFrame) -> None:
    """Leavers 1, 2, 0 × 21 000 € = 21 000, 42 000, 0 €."""
    out = turnover_cost(hr)
    assert out[["org", "unit", "period"]].equals(hr[["org", "unit", "period"]])
    np.testing.assert_allclose(out["turnover_cost_eur"], [21_000.0, 42_000.0, 0.0])
    series = turnover_cost(pd.Series([2.0], index=["x"]))
    assert series.index.tolist() == ["x"]
    assert series["turnover_cost_eur"].iloc[0] == pytest.approx(42_000.0)


def test_turnover_cost_rejects_bad_arguments(hr: pd.DataFrame) -> None:
    with pytest.raises(ArgumentError, match="orientation_loss_share"):
        turnover_cost(1.0, orientation_loss_share=1.5)
    with pytest.raises(ArgumentError, match="annual_salary"):
        turnover_cost(1.0, annual_salary=-1.0)
    with pytest.raises(ArgumentError, match="leavers"):
        turnover_cost(-1.0)
    with pytest.raises(ArgumentError, match="'leavers' is not in hr"):
        turnover_cost(hr.drop(columns="leavers"))


def test_capacity_lost(hr: pd.DataFrame) -> None:
    """u1: sick 150 × 7.5 = 1 125 h = 0.6081081 FTE; 1 leaver × 4.5 / 12 = 0.375 FTE
    = 693.75 h; total 1 818.75 h = 0.9831081 FTE.
    Org A: sick 3 375 h = 1.8243243 FTE; turnover 3 × 0.375 = 1.125 FTE = 2 081.25 h."""
    out = capacity_lost(hr)
    u1 = out.iloc[0]
    assert u1["sick_hours_lost"] == pytest.approx(1_125.0)
    assert u1["sick_fte_lost"] == pytest.approx(1_125 / 1_850, rel=1e-12)
    assert u1["turnover_hours_lost"] == pytest.approx(693.75, rel=1e-12)
    assert u1["turnover_fte_lost"] == pytest.approx(0.375, rel=1e-12)
    assert u1["hours_lost"] == pytest.approx(1_818.75, rel=1e-12)
    assert u1["fte_lost"] == pytest.approx(1_125 / 1_850 + 0.375, rel=1e-12)
    org = capacity_lost(hr, by="org")
    assert list(org.columns) == [
        "org",
        "sick_hours_lost",
        "sick_fte_lost",
        "turnover_hours_lost",
        "turnover_fte_lost",
        "hours_lost",
        "fte_lost",
    ]
    assert org["sick_fte_lost"].iloc[0] == pytest.approx(3_375 / 1_850, rel=1e-12)
    assert org["turnover_fte_lost"].iloc[0] == pytest.approx(1.125, rel=1e-12)
    assert org["turnover_hours_lost"].iloc[0] == pytest.approx(2_081.25, rel=1e-12)


def test_capacity_and_cost_use_the_same_months(hr: pd.DataFrame) -> None:
    """Turnover FTE lost × 12 = leavers × months lost per leaver, with any assumptions."""
    kw: dict[str, Any] = {
        "vacancy_months": 3.0,
        "orientation_months": 2.0,
        "orientation_loss_share": 0.4,
    }
    cap = capacity_lost(hr, **kw)
    cost = turnover_cost(hr, **kw)
    np.testing.assert_allclose(
        cap["turnover_fte_lost"] * 12, cost["leavers"] * cost["months_lost_per_leaver"]
    )


# ------------------------------------------------------------ properties


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0.5, max_value=500),
            st.floats(min_value=0, max_value=5_000),
            st.floats(min_value=1_000, max_value=2_200),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_property_group_rate_is_hours_weighted_mean(rows: list[tuple[float, float, float]]) -> None:
    """The group rate = Σ sick hours / Σ theoretical hours = the rows' rates weighted by
    their theoretical hours."""
    hr = pd.DataFrame(
        {
            "org": "A",
            "unit": [f"u{i}" for i in range(len(rows))],
            "period": "2021",
            "fte": [r[0] for r in rows],
            "sick_days": [r[1] for r in rows],
            "theoretical_hours_per_fte": [r[2] for r in rows],
        }
    )
    per_row = sickness_absence_rate(hr)
    group = sickness_absence_rate(hr, by="org")["sickness_absence_rate"].iloc[0]
    weighted = np.average(per_row["sickness_absence_rate"], weights=per_row["theoretical_hours"])
    assert group == pytest.approx(weighted, rel=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=0, max_value=1e4), st.floats(min_value=0, max_value=1e4))
def test_property_turnover_cost_is_linear_in_leavers(a: float, b: float) -> None:
    """cost(a + b) = cost(a) + cost(b)."""
    ca, cb, cab = (turnover_cost(x)["turnover_cost_eur"].iloc[0] for x in (a, b, a + b))
    assert cab == pytest.approx(ca + cb, rel=1e-9, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=0, max_value=200), st.floats(min_value=0, max_value=200))
def test_property_aw_rises_with_sick_days(extra: float, base: float) -> None:
    """More sick days never lower AW."""
    hr = pd.DataFrame({"fte": [2.0, 2.0], "sick_days": [base, base + extra]})
    hr = hr.assign(other_absence_days=0.0, training_days=0.0)
    aw = structural_time_share(hr)["aw"]
    assert aw.iloc[0] <= aw.iloc[1]
