"""Tests of hrproductivity.hcpf: the human capital production function.

Outside reference: the published 2016 example (Kesti, blog markokesti.wordpress.com,
March 2016), which is in US dollars: HR 400 FTE, TYW 2 000 h, AW ≈ 0.15, QWL 0.60,
revenue $100 M, variable costs 50 % of revenue, staff costs $25 M; the text
states effective share 0.85 × 0.6 = 51 % and other working time 34 %. The library
is currency-free arithmetic; the money figures below are the example's dollars
although the attribute names say ``eur``.
Every other figure below is derived by hand in the test's docstring.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    HRProductivityError,
    ModelWarning,
    UnknownNameError,
)
from hrproductivity.hcpf import HCPF, QWLValue

REL = 1e-12  # these are exact formulas; only floating-point rounding is allowed


def kesti_2016(**changes: Any) -> HCPF:
    """The published 2016 example (US dollars).

    ``other_fixed_costs`` is *not* in the source; 15 M is chosen here so the
    current EBITDA is a round 100 − 50 − 25 − 15 = 10 M. No change in EBITDA
    and no valuation depends on it.
    """
    args: dict[str, Any] = {
        "fte": 400,
        "theoretical_hours": 2000,
        "aw": 0.15,
        "qwl": 0.60,
        "revenue": 100e6,
        "variable_cost_share": 0.5,
        "staff_costs": 25e6,
        "other_fixed_costs": 15e6,
    }
    args.update(changes)
    return HCPF(**args)


# --------------------------------------------------------------- published example


def test_published_effective_and_other_working_share() -> None:
    """Published: effective share 0.85 × 0.6 = 0.51; other working time 0.85 − 0.51 = 0.34."""
    h = kesti_2016()
    assert h.effective_share == pytest.approx(0.51, rel=REL)
    assert h.other_working_share == pytest.approx(0.34, rel=REL)
    assert h.effective_share + h.other_working_share == pytest.approx(1 - h.aw, rel=REL)


def test_calibrated_k_and_effective_hours() -> None:
    """Hand check.

    theoretical hours = 400 × 2 000 = 800 000 h
    effective hours   = 800 000 × 0.51 = 408 000 h
    K = 100 000 000 / 408 000 = 245.098039… $/h
    current EBITDA = 100 M × (1 − 0.5) − 25 M − 15 M = 10 M
    labour cost of an hour = 25 M / 800 000 = 31.25 $/h
    """
    h = kesti_2016()
    assert h.effective_hours == pytest.approx(408_000.0, rel=REL)
    assert h.calibrate() == pytest.approx(100e6 / 408_000, rel=REL)
    assert h.calibrate() == pytest.approx(245.0980392156863, rel=REL)
    assert h.revenue_at(0.60) == pytest.approx(100e6, rel=REL)
    assert h.ebitda == pytest.approx(10e6, rel=REL)
    assert h.ebitda_at(0.60) == pytest.approx(10e6, rel=REL)
    assert h.hourly_labour_cost == pytest.approx(31.25, rel=REL)


def test_revenue_and_ebitda_at_qwl_061() -> None:
    """Hand check at QWL 0.61.

    effective hours = 800 000 × 0.85 × 0.61 = 414 800 h (+6 800 h)
    revenue = 245.098… × 414 800 = 100 M × 0.61 / 0.60 = 101 666 666.67
    EBITDA  = 101 666 666.67 × 0.5 − 25 M − 15 M = 10 833 333.33
    ΔEBITDA = 6 800 × 245.098… × 0.5 = 833 333.33
    """
    h = kesti_2016()
    assert h.revenue_at(0.61) == pytest.approx(101_666_666.666667, rel=1e-12)
    assert h.ebitda_at(0.61) == pytest.approx(10_833_333.333333, rel=1e-12)
    assert h.ebitda_at(0.61) - h.ebitda == pytest.approx(833_333.333333, rel=1e-9)


def test_revenue_at_other_aw() -> None:
    """AW 0.10 at QWL 0.60: 800 000 × 0.9 × 0.6 = 432 000 h; revenue = 100 M × 432/408
    = 105 882 352.94; EBITDA = 52 941 176.47 − 40 M = 12 941 176.47."""
    h = kesti_2016()
    assert h.revenue_at(0.60, aw=0.10) == pytest.approx(105_882_352.941176, rel=1e-12)
    assert h.ebitda_at(0.60, aw=0.10) == pytest.approx(12_941_176.470588, rel=1e-12)


def test_market_value_of_a_qwl_point() -> None:
    """Market valuation of +1 point (0.60 → 0.61).

    freed hours ΔH = 800 000 × 0.85 × 0.01 = 6 800 h
    per hour = K × (1 − 0.5) = 122.549… $/h
    value = 6 800 × 122.549… = 833 333.33 (= ΔEBITDA above)
    per FTE = 833 333.33 / 400 = 2 083.33; per employee (headcount 450) = 1 851.85
    """
    v = kesti_2016(headcount=450).value_of_qwl_point("market")
    assert isinstance(v, QWLValue)
    assert v.valuation == "market"
    assert (v.qwl_from, v.qwl_to) == (pytest.approx(0.60), pytest.approx(0.61))
    assert v.effective_hours_gained == pytest.approx(6_800.0, rel=1e-9)
    assert v.valued_hours == pytest.approx(6_800.0, rel=1e-9)
    assert v.unvalued_hours == pytest.approx(0.0, abs=1e-6)
    assert v.eur_per_hour == pytest.approx(122.54901960784314, rel=1e-12)
    assert v.value_eur == pytest.approx(833_333.333333, rel=1e-9)
    assert v.value_per_fte == pytest.approx(2_083.333333, rel=1e-9)
    assert v.value_per_employee == pytest.approx(1_851.851852, rel=1e-9)
    assert any("EBITDA" in a for a in v.assumptions)


def test_default_valuation_follows_the_sector() -> None:
    """sector="market" values at market; sector="public" at the public model."""
    assert kesti_2016().value_of_qwl_point().valuation == "market"
    public = kesti_2016(sector="public", overtime_hours=10_000.0)
    assert public.value_of_qwl_point().valuation == "public"


def test_wage_value_of_a_qwl_point() -> None:
    """Wage valuation: what hiring the freed effective hours costs (docs/valuation.md).

    labour cost of a paid hour c = 25 M / (400 × 2 000) = 31.25 per hour
    a hire delivers (1 − AW) × QWL = 0.85 × 0.60 = 0.51 effective hours per paid hour
    an effective hour costs 31.25 / 0.51 = 61.2745 per hour
    6 800 effective hours: 6 800 / 0.51 × 31.25 = 416 666.67 = 1 041.67 per FTE
    (= 0.01 / QWL × staff costs per FTE = 0.01 / 0.6 × 62 500).
    With a given paid-hour cost of 40: 6 800 / 0.51 × 40 = 533 333.33.
    The old figure, 6 800 × 31.25 = 212 500, priced effective hours as paid hours.
    """
    h = kesti_2016()
    v = h.value_of_qwl_point("wage")
    assert v.eur_per_hour == pytest.approx(31.25 / 0.51, rel=REL)
    assert v.value_eur == pytest.approx(416_666.666667, rel=1e-9)
    assert v.value_per_fte == pytest.approx(1_041.666667, rel=1e-9)
    assert v.value_per_fte == pytest.approx(0.01 / 0.6 * 25e6 / 400, rel=1e-9)
    assert v.value_per_employee is None
    assert h.value_of_qwl_point("wage", hourly_cost=40.0).value_eur == pytest.approx(
        533_333.333333, rel=1e-9
    )


def test_market_and_wage_ratio() -> None:
    """market / wage = 833 333.33 / 416 666.67 = 2
                  = (revenue − variable costs) / staff costs = 50 M / 25 M.
    The effective share cancels: both value the same effective hours, at K (1 − v)
    = revenue (1 − v) / effective hours and at staff costs / effective hours.
    """
    h = kesti_2016()
    market = h.value_of_qwl_point("market").value_eur
    wage = h.value_of_qwl_point("wage").value_eur
    assert market / wage == pytest.approx(50e6 / 25e6, rel=1e-9)


def test_public_value_is_capped_by_what_is_bought() -> None:
    """Public valuation (the library's own model), dearest effective hour first, capped.

    bought: purchased services 200 000 at 80 per hour = 2 500 h, one effective h each;
            overtime 3 000 h at 1.5 × 31.25 = 46.875 per hour (default price), each
              hour at work = QWL 0.6 effective h: 1 800 effective h at 78.125;
            substitutes 1 000 h at 31.25 per hour (default price): 600 effective h
              at 52.083.
    freed 6 800 effective h: 2 500 × 80 = 200 000; 1 800 / 0.6 × 46.875 = 140 625;
              600 / 0.6 × 31.25 = 31 250; 6 800 − 4 900 = 1 900 h without cash value.
    value = 371 875; valued 4 900 effective h; per FTE 929.6875.
    Without substitutes: 340 625, valued 4 300 h, 2 500 h unvalued, per FTE 851.5625.
    """
    common = {
        "purchased_services_eur": 200_000.0,
        "purchased_service_hour_price": 80.0,
        "overtime_hours": 3_000.0,
    }
    v = kesti_2016(**common, substitute_hours=1_000.0).value_of_qwl_point("public")
    assert v.value_eur == pytest.approx(371_875.0, rel=1e-9)
    assert v.valued_hours == pytest.approx(4_900.0, rel=1e-9)
    assert v.unvalued_hours == pytest.approx(1_900.0, rel=1e-6)
    assert v.value_per_fte == pytest.approx(929.6875, rel=1e-9)
    assert "library's own model" in v.assumptions[0]

    w = kesti_2016(**common).value_of_qwl_point("public")
    assert w.value_eur == pytest.approx(340_625.0, rel=1e-9)
    assert w.unvalued_hours == pytest.approx(2_500.0, rel=1e-6)
    assert w.value_per_fte == pytest.approx(851.5625, rel=1e-9)


def test_public_value_uncapped_and_given_prices() -> None:
    """Purchased services 2 M at 80 per hour = 25 000 h ≥ 6 800 h freed:
    value = 6 800 × 80 = 544 000. Overtime priced at 100 per hour is 100 / 0.6 =
    166.67 per effective hour and comes first: its 1 000 h hold 600 effective h,
    1 000 × 100 + (6 800 − 600) × 80 = 100 000 + 496 000 = 596 000."""
    v = kesti_2016(
        purchased_services_eur=2e6, purchased_service_hour_price=80.0
    ).value_of_qwl_point("public")
    assert v.value_eur == pytest.approx(544_000.0, rel=1e-9)
    assert v.eur_per_hour == pytest.approx(80.0, rel=1e-9)
    w = kesti_2016(
        purchased_services_eur=2e6,
        purchased_service_hour_price=80.0,
        overtime_hours=1_000.0,
        overtime_hour_price=100.0,
    ).value_of_qwl_point("public")
    assert w.value_eur == pytest.approx(596_000.0, rel=1e-9)


def test_public_value_replaces_overtime_hours_at_work_not_one_for_one() -> None:
    """docs/valuation.md: an overtime hour is an hour at work and delivers QWL = 0.6
    effective hours, so 6 800 freed effective hours replace 6 800 / 0.6 = 11 333.33
    overtime hours; at the default price 46.875 per hour: 531 250 (one for one it
    would be 6 800 × 46.875 = 318 750)."""
    v = kesti_2016(overtime_hours=20_000.0).value_of_qwl_point("public")
    assert v.value_eur == pytest.approx(531_250.0, rel=1e-9)
    assert v.valued_hours == pytest.approx(6_800.0, rel=1e-9)
    assert v.eur_per_hour == pytest.approx(46.875 / 0.6, rel=1e-9)


def test_public_valuation_errors() -> None:
    """Nothing bought is unknown, not zero; a price is needed for purchased services;
    a fall of QWL is not valued publicly. Zero bought is a valid zero value."""
    with pytest.raises(ArgumentError, match="needs what is bought"):
        kesti_2016().value_of_qwl_point("public")
    with pytest.raises(ArgumentError, match="purchased_service_hour_price"):
        kesti_2016(purchased_services_eur=1e5).value_of_qwl_point("public")
    with pytest.raises(ArgumentError, match="freed hours only"):
        kesti_2016(overtime_hours=100.0).potential(0.55, valuation="public")
    zero = kesti_2016(overtime_hours=0.0).value_of_qwl_point("public")
    assert zero.value_eur == 0.0
    assert math.isnan(zero.eur_per_hour)


def test_unknown_valuation_lists_the_names() -> None:
    with pytest.raises(UnknownNameError, match="market, public, wage"):
        kesti_2016().value_of_qwl_point("sold")  # type: ignore[arg-type]


def test_potential_reaching_the_next_band() -> None:
    """From 0.60 the next band starts at 0.65: ΔH = 800 000 × 0.85 × 0.05 = 34 000 h.

    market: 34 000 × 122.549… = 4 166 666.67
    wage:   34 000 / 0.51 × 31.25 = 2 083 333.33
    public: purchased 2 500 h × 80 + overtime 3 000 h × 46.875 = 340 625; they hold
            2 500 + 3 000 × 0.6 = 4 300 effective h, so 29 700 h are unvalued
    explicit target 0.70: 68 000 h × 122.549… = 8 333 333.33
    """
    h = kesti_2016(
        purchased_services_eur=200_000.0, purchased_service_hour_price=80.0, overtime_hours=3_000.0
    )
    p = h.potential()
    assert p.qwl_to == pytest.approx(0.65)
    assert p.effective_hours_gained == pytest.approx(34_000.0, rel=1e-9)
    assert p.value_eur == pytest.approx(4_166_666.666667, rel=1e-9)
    assert h.potential(valuation="wage").value_eur == pytest.approx(2_083_333.333333, rel=1e-9)
    pub = h.potential(valuation="public")
    assert pub.value_eur == pytest.approx(340_625.0, rel=1e-9)
    assert pub.unvalued_hours == pytest.approx(29_700.0, rel=1e-9)
    assert h.potential(0.70).value_eur == pytest.approx(8_333_333.333333, rel=1e-9)


@pytest.mark.parametrize(
    ("qwl", "target"), [(0.30, 0.40), (0.40, 0.65), (0.649, 0.65), (0.70, 0.75), (0.80, 0.85)]
)
def test_potential_default_targets(qwl: float, target: float) -> None:
    """Band lower bounds 0.40, 0.65, 0.75 (safeinlogplus.fi); from the top band 0.85."""
    assert kesti_2016(qwl=qwl).potential().qwl_to == pytest.approx(target)


def test_potential_needs_a_target_above_the_ceiling() -> None:
    with pytest.raises(ArgumentError, match="target_qwl"):
        kesti_2016(qwl=0.90).potential()


def test_scenario_grid_cells() -> None:
    """Grid qwl {0.60, 0.65} × aw {0.15, 0.10}, qwl varying slowest.

    (0.60, 0.15): current; deltas 0.
    (0.60, 0.10): 432 000 h; revenue 105 882 352.94; ΔEBITDA 2 941 176.47
    (0.65, 0.15): 442 000 h; revenue 108 333 333.33; ΔEBITDA 4 166 666.67
    (0.65, 0.10): 0.9 × 0.65 = 0.585; 468 000 h; revenue 245.098… × 468 000 =
                  114 705 882.35; EBITDA 57 352 941.18 − 40 M = 17 352 941.18;
                  Δrevenue 14 705 882.35; ΔEBITDA 7 352 941.18; other working 0.315
    """
    grid = kesti_2016().scenario(qwl=[0.60, 0.65], aw=[0.15, 0.10])
    assert list(grid.columns) == [
        "qwl",
        "aw",
        "effective_share",
        "other_working_share",
        "effective_hours",
        "revenue",
        "ebitda",
        "delta_revenue",
        "delta_ebitda",
    ]
    assert grid["qwl"].tolist() == [0.60, 0.60, 0.65, 0.65]
    assert grid["aw"].tolist() == [0.15, 0.10, 0.15, 0.10]
    np.testing.assert_allclose(grid["effective_hours"], [408_000, 432_000, 442_000, 468_000])
    np.testing.assert_allclose(
        grid["delta_ebitda"],
        [0.0, 2_941_176.470588, 4_166_666.666667, 7_352_941.176471],
        rtol=1e-9,
        atol=1e-6,
    )
    last = grid.iloc[3]
    assert last["effective_share"] == pytest.approx(0.585, rel=REL)
    assert last["other_working_share"] == pytest.approx(0.315, rel=1e-12)
    assert last["revenue"] == pytest.approx(114_705_882.352941, rel=1e-12)
    assert last["ebitda"] == pytest.approx(17_352_941.176471, rel=1e-12)
    assert last["delta_revenue"] == pytest.approx(14_705_882.352941, rel=1e-9)


def test_scenario_defaults_to_the_current_point() -> None:
    grid = kesti_2016().scenario(qwl=0.61)
    assert len(grid) == 1
    assert grid["aw"].iloc[0] == pytest.approx(0.15)
    assert grid["delta_ebitda"].iloc[0] == pytest.approx(833_333.333333, rel=1e-9)


def test_qwl_above_the_ceiling_warns() -> None:
    """Source: above 0.85 QWL no longer raises productivity; the linear equation is flagged."""
    h = kesti_2016()
    with pytest.warns(ModelWarning, match="0.85"):
        h.revenue_at(0.90)
    with pytest.warns(ModelWarning):
        h.scenario(qwl=np.linspace(0.5, 1.0, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h.revenue_at(0.85)
        h.scenario(qwl=[0.6, 0.85])


def test_from_components_sums_the_parts() -> None:
    """aw = 0.10 holidays + 0.04 sickness + 0.01 training = 0.15."""
    h = HCPF.from_components(
        holidays=0.10,
        sickness=0.04,
        training=0.01,
        fte=400,
        theoretical_hours=2000,
        qwl=0.60,
        revenue=100e6,
        variable_cost_share=0.5,
        staff_costs=25e6,
        other_fixed_costs=15e6,
    )
    assert h.aw == pytest.approx(0.15, rel=1e-12)
    assert h.effective_share == pytest.approx(0.51, rel=1e-12)
    with pytest.raises(ArgumentError, match="below 1"):
        HCPF.from_components(holidays=0.6, sickness=0.5, **_core())
    with pytest.raises(ArgumentError, match="sickness"):
        HCPF.from_components(holidays=0.1, sickness=-0.01, **_core())


def _core() -> dict[str, Any]:
    return {
        "fte": 1,
        "qwl": 0.5,
        "revenue": 1.0,
        "variable_cost_share": 0.0,
        "staff_costs": 0.0,
        "other_fixed_costs": 0.0,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aw", 1.0),
        ("aw", -0.01),
        ("qwl", 0.0),
        ("qwl", 1.2),
        ("qwl", 60),
        ("fte", -5),
        ("fte", 0),
        ("revenue", -1.0),
        ("staff_costs", -1.0),
        ("other_fixed_costs", -1.0),
        ("variable_cost_share", 1.5),
        ("theoretical_hours", 0.0),
        ("headcount", 0),
        ("overtime_hours", -1.0),
        ("purchased_service_hour_price", 0.0),
        ("aw", math.nan),
        ("revenue", math.inf),
    ],
)
def test_impossible_inputs_name_the_argument(field: str, value: float) -> None:
    with pytest.raises(ArgumentError, match=field) as info:
        kesti_2016(**{field: value})
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, HRProductivityError)


def test_qwl_given_in_percent_gets_a_hint() -> None:
    with pytest.raises(ArgumentError, match="60 % is 0.60"):
        kesti_2016(qwl=60)


def test_out_of_range_arguments_of_methods() -> None:
    h = kesti_2016()
    with pytest.raises(ArgumentError, match="qwl"):
        h.revenue_at(1.5)
    with pytest.raises(ArgumentError, match="aw"):
        h.ebitda_at(0.6, aw=1.0)
    with pytest.raises(ArgumentError, match="aw"):
        h.scenario(aw=[0.1, 1.2])
    with pytest.raises(ArgumentError, match="hourly_cost"):
        h.value_of_qwl_point("wage", hourly_cost=-1.0)
    with pytest.raises(UnknownNameError, match="market, public"):
        kesti_2016(sector="private")


def test_frozen() -> None:
    h = kesti_2016()
    with pytest.raises(AttributeError):
        h.qwl = 0.7  # type: ignore[misc]


def test_summary_is_a_tidy_row() -> None:
    s = kesti_2016().value_of_qwl_point("wage").summary()
    assert s.shape == (1, 11)
    assert s.loc[0, "valuation"] == "wage"
    assert s.loc[0, "value_per_fte_eur"] == pytest.approx(1_041.666667)  # 0.01 / 0.6 × 62 500
    assert math.isnan(s.loc[0, "value_per_employee_eur"])
    assert "31.25" in s.loc[0, "assumptions"]
    assert "<table" in kesti_2016().value_of_qwl_point()._repr_html_()


# --------------------------------------------------------------------- from_records


@pytest.fixture
def records() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Org A, 2021: two units; org A 2022 and org B are there to be filtered out.

    Org B has finance for its unit only (no organisation row)."""
    hr = pd.DataFrame(
        {
            "org": ["A", "A", "A", "B"],
            "unit": ["u1", "u2", "u1", "b1"],
            "period": ["2021", "2021", "2022", "2021"],
            "fte": [10.0, 30.0, 12.0, 5.0],
            "headcount": [11.0, 32.0, 13.0, 5.0],
            "sick_days": [150.0, 300.0, 100.0, 40.0],
            "sick_spells": [20.0, 40.0, 15.0, 5.0],
            "other_absence_days": [50.0, 100.0, 10.0, 0.0],
            "training_days": [20.0, 60.0, 10.0, 5.0],
            "leavers": [1.0, 2.0, 0.0, 1.0],
            "staff_costs_eur": [500_000.0, 1_500_000.0, 600_000.0, 250_000.0],
            "theoretical_hours_per_fte": [1850.0, 1700.0, 1850.0, math.nan],
            "overtime_hours": [100.0, 200.0, 0.0, math.nan],
            "purchased_services_eur": [20_000.0, 30_000.0, 0.0, math.nan],
        }
    )
    finance = pd.DataFrame(
        {
            "org": ["A", "A", "B"],
            "unit": [None, "u1", "b1"],
            "period": ["2021", "2021", "2021"],
            "revenue_eur": [4_000_000.0, 1_000_000.0, 400_000.0],
            "variable_costs_eur": [800_000.0, 200_000.0, 0.0],
            "other_fixed_costs_eur": [600_000.0, 150_000.0, 50_000.0],
        }
    )
    return hr, finance


def test_from_records_whole_organisation(records: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Org A 2021, QWL 0.60, defaults holidays 0.10 and 7.5 h/day.

    fte 10 + 30 = 40; headcount 43; staff costs 2 000 000 €
    theoretical hours 10 × 1 850 + 30 × 1 700 = 18 500 + 51 000 = 69 500 h
    TYW = 69 500 / 40 = 1 737.5 h (FTE-weighted)
    days (150 + 300) + (50 + 100) + (20 + 60) = 680 d × 7.5 = 5 100 h
    AW = 0.10 + 5 100 / 69 500 = 0.1733813
    effective hours = (69 500 − 6 950 − 5 100) × 0.6 = 57 450 × 0.6 = 34 470 h
    finance: the organisation row: revenue 4 M€, v = 0.8 / 4 = 0.20, other fixed 0.6 M€
    K = 4 000 000 / 34 470 = 116.0429 €/h
    overtime 300 h, purchased services 50 000 €
    """
    hr, finance = records
    h = HCPF.from_records(hr, finance, 0.60, org="A", period="2021")
    assert h.fte == pytest.approx(40.0)
    assert h.headcount == pytest.approx(43.0)
    assert h.staff_costs == pytest.approx(2_000_000.0)
    assert h.theoretical_hours == pytest.approx(1_737.5, rel=1e-12)
    assert h.aw == pytest.approx(0.1 + 5_100 / 69_500, rel=1e-12)
    assert h.effective_hours == pytest.approx(34_470.0, rel=1e-12)
    assert h.revenue == pytest.approx(4e6)
    assert h.variable_cost_share == pytest.approx(0.20, rel=1e-12)
    assert h.other_fixed_costs == pytest.approx(600_000.0)
    assert h.calibrate() == pytest.approx(4e6 / 34_470, rel=1e-12)
    assert h.overtime_hours == pytest.approx(300.0)
    assert h.purchased_services_eur == pytest.approx(50_000.0)


def test_from_records_one_unit(records: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Unit u1 of A, 2021, holidays 0.12, QWL 0.55.

    theoretical 10 × 1 850 = 18 500 h; days 150 + 50 + 20 = 220 × 7.5 = 1 650 h
    AW = 0.12 + 1 650 / 18 500 = 0.2091892
    effective hours = (18 500 − 2 220 − 1 650) × 0.55 = 14 630 × 0.55 = 8 046.5 h
    finance: the u1 row: revenue 1 M€, v = 0.2, other fixed 150 000 €
    """
    hr, finance = records
    h = HCPF.from_records(
        hr, finance, 0.55, org="A", unit="u1", period="2021", holidays_share=0.12, sector="public"
    )
    assert h.aw == pytest.approx(0.12 + 1_650 / 18_500, rel=1e-12)
    assert h.effective_hours == pytest.approx(8_046.5, rel=1e-12)
    assert h.revenue == pytest.approx(1e6)
    assert h.other_fixed_costs == pytest.approx(150_000.0)
    assert h.sector == "public"


def test_from_records_sums_units_without_an_org_row(
    records: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Org B has no organisation finance row: its unit rows are summed (here one).
    Missing TYW is the contract default 1 850 h; overtime all missing → None."""
    hr, finance = records
    h = HCPF.from_records(hr, finance, 0.6, org="B", period="2021")
    assert h.revenue == pytest.approx(400_000.0)
    assert h.variable_cost_share == 0.0
    assert h.theoretical_hours == pytest.approx(1850.0)
    assert h.overtime_hours is None
    assert h.purchased_services_eur is None


def test_from_records_unknown_names(records: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    hr, finance = records
    with pytest.raises(UnknownNameError, match="A, B"):
        HCPF.from_records(hr, finance, 0.6, org="C", period="2021")
    with pytest.raises(UnknownNameError, match="2021, 2022"):
        HCPF.from_records(hr, finance, 0.6, org="A", period="2020")
    with pytest.raises(UnknownNameError, match="u1, u2"):
        HCPF.from_records(hr, finance, 0.6, org="A", unit="u9", period="2021")
    with pytest.raises(UnknownNameError, match="finance"):
        HCPF.from_records(hr, finance, 0.6, org="A", period="2022")


def test_from_records_bad_data(records: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    hr, finance = records
    with pytest.raises(ArgumentError, match="'staff_costs_eur' is not in hr"):
        HCPF.from_records(hr.drop(columns="staff_costs_eur"), finance, 0.6, org="A", period="2021")
    with pytest.raises(DataValidationError, match="sick_days"):
        HCPF.from_records(
            hr.assign(sick_days=[math.nan, 1.0, 1.0, 1.0]), finance, 0.6, org="A", period="2021"
        )
    with pytest.raises(ArgumentError, match="qwl"):
        HCPF.from_records(hr, finance, 60, org="A", period="2021")
    with pytest.raises(ArgumentError, match="revenue_eur"):
        HCPF.from_records(hr, finance.assign(revenue_eur=0.0), 0.6, org="A", period="2021")


# --------------------------------------------------------------------- properties

shares = st.floats(min_value=0.0, max_value=0.6)
qwls = st.floats(min_value=0.05, max_value=0.84)
money = st.floats(min_value=1e3, max_value=1e9)


@st.composite
def models(draw: st.DrawFn) -> HCPF:
    return HCPF(
        fte=draw(st.floats(min_value=0.5, max_value=5e4)),
        theoretical_hours=draw(st.floats(min_value=1000, max_value=2200)),
        aw=draw(shares),
        qwl=draw(qwls),
        revenue=draw(money),
        variable_cost_share=draw(st.floats(min_value=0.0, max_value=0.95)),
        staff_costs=draw(money),
        other_fixed_costs=draw(st.floats(min_value=0.0, max_value=1e8)),
    )


@settings(max_examples=100, deadline=None)
@given(models())
def test_property_calibration_round_trip_and_shares(h: HCPF) -> None:
    """revenue_at(current) = revenue; effective + other working share = 1 − AW."""
    assert h.revenue_at(h.qwl) == pytest.approx(h.revenue, rel=1e-9)
    assert h.ebitda_at(h.qwl) == pytest.approx(h.ebitda, rel=1e-9, abs=1e-6)
    assert h.effective_share + h.other_working_share == pytest.approx(1 - h.aw, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(models(), qwls, qwls, shares, shares)
def test_property_monotone(h: HCPF, q1: float, q2: float, a1: float, a2: float) -> None:
    """Revenue rises with QWL and falls with AW; EBITDA follows revenue."""
    lo_q, hi_q = sorted((q1, q2))
    lo_a, hi_a = sorted((a1, a2))
    assert h.revenue_at(lo_q) <= h.revenue_at(hi_q) * (1 + 1e-12)
    assert h.revenue_at(h.qwl, aw=hi_a) <= h.revenue_at(h.qwl, aw=lo_a) * (1 + 1e-12)
    assert h.ebitda_at(lo_q) <= h.ebitda_at(hi_q) + 1e-6 * abs(h.ebitda_at(hi_q)) + 1e-6


@settings(max_examples=100, deadline=None)
@given(models())
def test_property_market_value_is_the_ebitda_change(h: HCPF) -> None:
    """Market value of a point = ebitda_at(qwl + 0.01) − ebitda; market / wage =
    revenue (1 − v) / staff costs (both price the same effective hours, per effective
    hour: K (1 − v) = revenue (1 − v) / effective hours, and staff costs / effective
    hours)."""
    market = h.value_of_qwl_point("market").value_eur
    scale = h.revenue + h.staff_costs + h.other_fixed_costs
    assert market == pytest.approx(h.ebitda_at(h.qwl + 0.01) - h.ebitda, abs=1e-9 * scale)
    wage = h.value_of_qwl_point("wage").value_eur
    expected = h.revenue * (1 - h.variable_cost_share) / h.staff_costs
    assert market / wage == pytest.approx(expected, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    models(),
    st.floats(min_value=0.0, max_value=1e7),
    st.floats(min_value=1.0, max_value=200.0),
    st.floats(min_value=0.0, max_value=1e5),
    st.floats(min_value=0.01, max_value=0.15),
    st.floats(min_value=0.0, max_value=0.15),
)
def test_property_public_value_bounded_and_monotone(
    h: HCPF, purchased: float, price: float, overtime: float, step1: float, step2: float
) -> None:
    """0 ≤ public value ≤ ΔH × dearest price per effective hour and ≤ total spend on
    what is bought; valued effective hours ≤ the effective hours bought (overtime hours
    × QWL + purchased hours); a higher target is never worth less."""
    p = HCPF(
        **{**_fields(h), "purchased_services_eur": purchased},
        purchased_service_hour_price=price,
        overtime_hours=overtime,
    )
    t1 = min(p.qwl + step1, 0.85)
    t2 = min(t1 + step2, 0.85)
    v1 = p.potential(t1, valuation="public")
    v2 = p.potential(t2, valuation="public")
    overtime_price = 1.5 * p.hourly_labour_cost
    dearest = max(price, overtime_price / p.qwl)
    bought_hours = purchased / price + overtime * p.qwl
    spend = purchased + overtime * overtime_price
    tol = 1e-9 * (spend + 1.0)
    assert -tol <= v1.value_eur <= v1.effective_hours_gained * dearest * (1 + 1e-9) + tol
    assert v1.value_eur <= spend + tol
    assert v1.valued_hours <= bought_hours * (1 + 1e-12) + 1e-9
    assert v1.value_eur <= v2.value_eur + tol


def _fields(h: HCPF) -> dict[str, Any]:
    return {
        k: getattr(h, k)
        for k in (
            "fte",
            "theoretical_hours",
            "aw",
            "qwl",
            "revenue",
            "variable_cost_share",
            "staff_costs",
            "other_fixed_costs",
        )
    }
