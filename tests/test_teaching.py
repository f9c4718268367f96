"""Tests of hrproductivity.teaching and the three teaching notebooks.

Outside references, beside the doctests:

- the published anchor of the QWL index, 75/75/75 % → 61.8 % (docs/qwl-index.md), and the
  closed form of the library's ``kesti_approx`` written out by hand below (:func:`hand_qwl`);
- the HCPF definitions of Kesti & Syväjärvi (2015; docs/hcpf.md): effective share
  = (1 − AW) × QWL, other working share = (1 − AW) − (1 − AW) × QWL, revenue = K × HR ×
  TYW × effective share, EBITDA = revenue × (1 − v) − staff − other fixed costs;
- AW by its definition: holidays + (sick + other absence + training days) × hours per day
  / TYW (+ the hours of leadership actions / TYW);
- the teaching assumptions as the notebooks state them (the menu of actions, the
  −0.3 sick days per QWL point), pinned here so that a change to them is deliberate;
- statistics: the spread of a mean is SD / √n, so five times the respondents narrow it
  by √5; 95 % intervals catch the true value in about 95 of 100 surveys;
- FIOH Kunta10: < 5 nothing, 5-9 placement only, ≥ 10 own summary; the differencing
  attack n_org × org − Σ n_visible × visible, done by hand on the printed figures.

The notebooks run top to bottom in a fresh ``hrproductivity`` kernel with papermill (working
directory = the notebook's folder) in both languages; the numbers they record are checked
against the same hand calculations.
"""

from __future__ import annotations

import math
import string
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _notebooks import run_notebook

import hrproductivity.teaching as teaching
from hrproductivity import synthetic
from hrproductivity.errors import ArgumentError, ModelWarning, UnknownNameError
from hrproductivity.locales import fmt_pct
from hrproductivity.teaching import ACTIONS, TeachingUnit

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks" / "teaching"
REL = 1e-9  # exact formulas: only floating-point rounding

# The unit's assumptions (TeachingUnit defaults) as stated in the notebooks.
TYW, HOURS_PER_DAY, HOLIDAYS, OTHER_DAYS, TRAINING_DAYS = 1850.0, 7.5, 0.10, 8.0, 3.0
K, LABOUR, VARIABLE, OTHER_FIXED, SICK_DAY_EUR = 95.0, 50_000.0, 0.10, 15_000.0, 350.0
# The menu: (FE, YI, PL) lift, delay, lasting, hours per FTE, cash per FTE, fixed cash.
MENU = {
    "one_to_one": ((0.02, 0.02, 0.01), 1, False, 24.0, 0.0, 0.0),
    "workload": ((0.04, 0.01, 0.0), 1, False, 8.0, 0.0, 0.0),
    "recognition": ((0.01, 0.02, 0.01), 0, False, 2.0, 100.0, 0.0),
    "experiment": ((0.02, 0.04, 0.05), 1, True, 16.0, 0.0, 5000.0),
    "training": ((0.0, 0.03, 0.01), 1, True, 15.0, 300.0, 0.0),
}


def hand_public(
    point: float, fte: float, q: float, labour_hour: float, price: float, purchased: float
) -> float:
    """The public valuation by hand (docs/valuation.md): freed effective hours replace what
    is bought, dearest effective hour first. Purchased hours (fte × purchased / price) count
    one for one at ``price``; the 12 h of overtime per FTE are hours at work holding q
    effective hours each, at 1.5 × labour_hour / q per effective hour."""
    items = sorted([(price, fte * purchased / price), (1.5 * labour_hour / q, fte * 12.0 * q)])
    remaining, value = point, 0.0
    for unit_price, capacity in reversed(items):
        used = min(remaining, capacity)
        value, remaining = value + used * unit_price, remaining - used
    return value


def hand_qwl(fe: float, yi: float, pl: float) -> float:
    """kesti_approx written out (scoring.kesti_approx Notes): t = (0.618 − 0.01) / 0.99,
    lambda = (0.75 − t) / (t − 0.75³) ≈ 0.7066, B = FE^(2/3) YI^(1/3),
    Q = 0.01 + 0.99 B (1 + lambda B PL) / (1 + lambda)."""
    t = (0.618 - 0.01) / 0.99
    lam = (0.75 - t) / (t - 0.75**3)
    b = fe ** (2 / 3) * yi ** (1 / 3)
    return 0.01 + 0.99 * b * (1 + lam * b * pl) / (1 + lam)


def hand_aw(sick_days: float, action_hours_per_fte: float = 0.0) -> float:
    return (
        HOLIDAYS
        + (sick_days + OTHER_DAYS + TRAINING_DAYS) * HOURS_PER_DAY / TYW
        + action_hours_per_fte / TYW
    )


# --------------------------------------------------------------------------- module


def test_public_names_exist() -> None:
    assert all(hasattr(teaching, name) for name in teaching.__all__)
    assert len(set(teaching.__all__)) == len(teaching.__all__)


def test_every_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, (fi, en) in teaching._common._texts().items():
        assert fi.strip() and en.strip(), key
        names = [{n for _, n, _, _ in string.Formatter().parse(t) if n} for t in (fi, en)]
        assert names[0] == names[1], key
    with pytest.raises(UnknownNameError, match="year.intro"):
        teaching.text("no.such.key")
    with pytest.raises(UnknownNameError, match="fi"):
        teaching.text("year.intro", lang="sv")


def test_unit_defaults_are_the_library_models_figures() -> None:
    """The teaching defaults cite synthetic.Effects and the example dataset's experiment."""
    effects = synthetic.Effects()
    unit = TeachingUnit()
    assert unit.k_eur_per_hour == effects.k_eur_per_hour
    assert unit.labour_cost_per_fte == effects.labour_cost_eur_per_fte
    assert (unit.other_absence_days, unit.training_days) == (
        effects.other_absence_days,
        effects.training_days,
    )
    assert teaching.START_SICK_DAYS == effects.sick_base
    assert teaching.SICK_DAYS_PER_QWL_POINT == effects.beta_sick
    truth = synthetic.example_dataset().truth
    assert truth is not None
    att = truth["experiment"]["att_qwl_points"]
    assert round(att, 1) == teaching.EXPERIMENT_ANCHOR_POINTS
    # the experiment action, at the start levels, lands within half a point of it
    r = teaching.simulate([["experiment"]], rounds=2).rounds
    assert 100 * (r["qwl"].iloc[2] - r["qwl"].iloc[0]) == pytest.approx(att, abs=0.5)


# --------------------------------------------------------------------------- notebook 1


def test_qwl_of_is_the_published_anchor_and_the_hand_formula() -> None:
    assert teaching.qwl_of(0.75, 0.75, 0.75) == pytest.approx(0.618, rel=REL)
    assert teaching.qwl_of(1.0, 1.0, 1.0) == pytest.approx(1.0, rel=REL)
    for fe, yi, pl in [(0.6, 0.8, 0.9), (0.4, 0.9, 0.9), (0.7, 0.7, 0.7)]:
        assert teaching.qwl_of(fe, yi, pl) == pytest.approx(hand_qwl(fe, yi, pl), rel=REL)
    # 0.01 + 0.99 × 0.7 × (1 + 0.7066 × 0.49) / 1.7066 = 0.556664
    assert teaching.qwl_of(0.7, 0.7, 0.7) == pytest.approx(0.556664, abs=1e-6)


def test_unit_year_by_hand() -> None:
    """Anchor 75/75/75 → QWL 0.618, 15 sick days, 20 FTE:

    AW = 0.10 + (15 + 8 + 3) × 7.5 / 1 850 = 0.205405; at work 0.794595;
    effective share = 0.794595 × 0.618 = 0.491059; other = 0.794595 × 0.382 = 0.303535;
    effective hours = 20 × 1 850 × 0.491059 = 18 169.2; value = 95 × that = 1 726 074 €;
    one point frees 20 × 1 850 × 0.794595 × 0.01 = 294.0 effective h. Public valuation:
    overtime (12 h × 20 = 240 h at 1.5 × 27.027 = 40.541 €, each hour at work holding
    0.618 effective h, so 65.60 € per effective h) comes before purchased services (60 €):
    240 × 40.541 = 9 729.73 € for 148.32 effective h, then 145.68 h × 60 = 8 740.80 €,
    together 18 470.53 €. Wage valuation (hiring the hours): 294.0 / 0.491059 × 27.027 =
    16 181 €; sickness absence 15 × 20 × 350 € = 105 000 €.
    """
    y = teaching.unit_year(0.75, 0.75, 0.75, sick_days_per_fte=15.0)
    aw = hand_aw(15.0)
    assert y.aw == pytest.approx(aw, rel=REL)
    assert y.qwl == pytest.approx(0.618, rel=REL)
    assert y.effective_share == pytest.approx((1 - aw) * 0.618, rel=REL)
    assert y.other_working_share == pytest.approx((1 - aw) - (1 - aw) * 0.618, rel=REL)
    assert y.effective_hours == pytest.approx(20 * TYW * (1 - aw) * 0.618, rel=REL)
    assert y.value_eur == pytest.approx(K * 20 * TYW * (1 - aw) * 0.618, rel=REL)
    assert y.hcpf.calibrate() == pytest.approx(K, rel=REL)
    point_hours = 20 * TYW * (1 - aw) * 0.01
    assert y.public.effective_hours_gained == pytest.approx(point_hours, rel=REL)
    public = hand_public(point_hours, 20.0, 0.618, LABOUR / TYW, 60.0, 3000.0)
    assert y.public.value_eur == pytest.approx(public, rel=REL)
    wage = point_hours * LABOUR / TYW / ((1 - aw) * 0.618)
    assert y.wage.value_eur == pytest.approx(wage, rel=REL)
    assert round(y.public.value_eur) == 18471 and round(y.wage.value_eur) == 16181
    assert y.absence_cost_eur == pytest.approx(15 * 20 * SICK_DAY_EUR, rel=REL)
    h = y.hours
    assert h["theoretical"] == TYW
    assert h["structural"] + h["at_work"] == pytest.approx(TYW, rel=REL)
    assert h["effective"] + h["other_work"] == pytest.approx(h["at_work"], rel=REL)
    parts = h["holidays"] + h["sickness"] + h["other_absence"] + h["training"]
    assert parts == pytest.approx(h["structural"], rel=REL)
    assert y.band("fi") == "paljon kehitettävää" and y.band("en") == "much to develop"
    assert not y.above_ceiling


def test_public_valuation_runs_out_of_purchased_hours() -> None:
    """With 300 € of purchased services per FTE at 60 €/h, 5 h per FTE can be replaced.
    Overtime (12 h per FTE at 1.5 × 50 000 / 1 850 = 40.54 €/h, the HCPF's default
    premium) holds 0.618 effective h per hour, 65.60 € per effective hour, so it goes
    first: 12 × 0.618 = 7.42 of the 14.7 freed effective hours per FTE; purchased
    services take 5 more; 2.28 h per FTE are left without cash value (docs/valuation.md).
    Value per FTE = 12 × 40.54 + 5 × 60."""
    unit = TeachingUnit(purchased_services_per_fte=300.0)
    y = teaching.unit_year(0.75, 0.75, 0.75, unit=unit)
    per_fte = TYW * (1 - hand_aw(15.0)) * 0.01
    expected = 20 * (12.0 * 1.5 * LABOUR / TYW + 5.0 * 60.0)
    assert per_fte > 12.0 * 0.618 + 5.0  # everything bought is replaced
    assert y.public.value_eur == pytest.approx(expected, rel=REL)
    assert y.public.unvalued_hours == pytest.approx(20 * (per_fte - 12.0 * 0.618 - 5.0), rel=1e-9)


def test_above_the_ceiling_is_flagged_not_warned() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        y = teaching.unit_year(0.97, 0.97, 0.97)
    assert y.qwl > 0.85 and y.above_ceiling
    assert teaching.unit_year(0.2, 0.9, 0.9).qwl < 0.3  # FE is the gate


def test_unit_year_checks_its_arguments() -> None:
    with pytest.raises(ArgumentError, match="fe"):
        teaching.unit_year(1.2, 0.5, 0.5)
    with pytest.raises(ArgumentError, match="sick_days_per_fte"):
        teaching.unit_year(0.5, 0.5, 0.5, sick_days_per_fte=-1)
    with pytest.raises(ArgumentError, match="fte"):
        TeachingUnit(fte=0)


def test_year_table_and_figures_in_both_languages() -> None:
    y = teaching.unit_year(0.75, 0.75, 0.75)
    fi = teaching.year_table(y, lang="fi")
    en = teaching.year_table(y, lang="en")
    assert fi.shape == en.shape == (12, 2)
    assert fi.loc["Teoreettinen työaika"].tolist() == [
        "1\u00a0850\u00a0h (100,0\u00a0%)",
        "37\u00a0000\u00a0h",
    ]
    assert en.loc["QWL index", "Per FTE"] == "61.8% (much to develop)"
    assert teaching.assumptions_table(lang="en").shape[1] == 2
    for lang in ("fi", "en"):
        ax = teaching.plot_year(y, lang=lang)
        assert len(ax.patches) == 8  # the eight steps of the waterfall
        ax = teaching.plot_point_value(y, lang=lang)
        widths = sorted(p.get_width() for p in ax.patches)
        assert widths == pytest.approx(sorted([y.public.value_per_fte, y.wage.value_per_fte]))


def test_year_explorer_sliders_recompute_the_numbers() -> None:
    explorer = teaching.year_explorer(0.75, 0.75, 0.75, lang="en")
    assert explorer.year.qwl == pytest.approx(0.618, rel=REL)
    explorer.sliders["fe"].value = 40
    assert explorer.updates == 1
    assert explorer.year.fe == 0.40
    assert explorer.year.qwl == pytest.approx(hand_qwl(0.40, 0.75, 0.75), rel=REL)
    before = explorer.year.effective_hours
    explorer.sliders["fte"].value = 40.0
    assert explorer.year.unit.fte == 40.0
    assert explorer.year.effective_hours == pytest.approx(2 * before, rel=REL)
    explorer.sliders["sick_days"].value = 10.0
    assert explorer.year.aw == pytest.approx(hand_aw(10.0), rel=REL)
    assert explorer.updates == 3
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()


# --------------------------------------------------------------------------- notebook 2


def test_band_table_and_next_band() -> None:
    en = teaching.band_table(lang="en")
    assert en.iloc[:, 0].tolist() == [
        "very much to develop",
        "much to develop",
        "some to develop",
        "excellent",
    ]
    assert teaching.band_table(lang="fi").iloc[:, 1].tolist() == [
        "alle 40\u00a0%",
        "40–64\u00a0%",
        "65–74\u00a0%",
        "75\u00a0% tai yli",
    ]
    assert teaching.next_band(0.30) == (0.40, "much to develop")
    assert teaching.next_band(0.649) == (0.65, "some to develop")
    assert teaching.next_band(0.75) == (0.85, None)
    v = teaching.band_values(0.75, 0.75, 0.75, lang="fi")
    assert (v["qwl"], v["gap"]) == ("61,8\u00a0%", "3,2")


def test_factor_effects_by_hand() -> None:
    """At 75/75/75: FE + 10 gives hand_qwl(0.85, 0.75, 0.75) − 0.618 and so on; FE, the gate,
    weighs most and PL, the multiplier, least at this level."""
    out = teaching.factor_effects(0.75, 0.75, 0.75)
    expected = [
        100 * (hand_qwl(0.85, 0.75, 0.75) - 0.618),
        100 * (hand_qwl(0.75, 0.85, 0.75) - 0.618),
        100 * (hand_qwl(0.75, 0.75, 0.85) - 0.618),
    ]
    assert out["change_points"].tolist() == pytest.approx(expected, rel=1e-9)
    assert expected[0] > expected[1] > expected[2] > 0


def test_mean_interval_by_hand() -> None:
    """Mean 0.5, SD 0.0816 (values 0.4, 0.5, 0.5, 0.6), t(3, 0.975) = 3.182446."""
    m, lo, hi = teaching.mean_interval([0.4, 0.5, 0.5, 0.6])
    half = 3.182446305284263 * math.sqrt(0.02 / 3) / 2
    assert (m, lo, hi) == pytest.approx((0.5, 0.5 - half, 0.5 + half), rel=1e-12)
    with pytest.raises(ArgumentError):
        teaching.mean_interval([0.5])


def test_sampling_demo_spread_shrinks_by_root_five() -> None:
    """SD of a mean of n is person SD / √n; 8 → 40 respondents narrows it √5 = 2.236 times.
    With S surveys the SD of the means has a relative error ≈ 1 / √(2 (S − 1)); three of them
    for each of the two SDs bound the ratio."""
    surveys = 800
    demo = teaching.sampling_demo((8, 40), surveys=surveys, seed=3)
    s = demo.summary().set_index("n")
    rel = 3 * math.sqrt(2) / math.sqrt(2 * (surveys - 1))
    assert s.loc[8, "sd_of_means"] / s.loc[40, "sd_of_means"] == pytest.approx(
        math.sqrt(5), rel=rel
    )
    for n in (8, 40):
        assert s.loc[n, "sd_of_means"] == pytest.approx(
            demo.person_sd / math.sqrt(n), rel=3 / math.sqrt(2 * (surveys - 1))
        )
        # 95 % intervals: binomial SE sqrt(.95 × .05 / S), three of them, plus 0.01 for
        # the t-interval on skewed answers at n = 8
        assert s.loc[n, "coverage"] == pytest.approx(
            0.95, abs=3 * math.sqrt(0.95 * 0.05 / surveys) + 0.01
        )
        assert s.loc[n, "low"] < demo.true_mean < s.loc[n, "high"]
    assert demo.text_values("fi")["n_small"] == "8"
    assert teaching.sampling_table(demo, lang="en").shape == (5, 2)
    assert teaching.plot_sampling(demo, lang="fi").get_xlabel()


def test_kunta10_rules() -> None:
    out = teaching.kunta10_example()
    rule = ["hidden" if n < 5 else "rank_only" if n < 10 else "shown" for n in out["n"]]
    assert out["status"].tolist() == rule == ["shown", "shown", "rank_only", "hidden"]
    assert out.loc[out["status"] != "shown", "qwl_index"].isna().all()
    assert teaching.kunta10_example(lang="fi").iloc[3, 2] == "ei tuloksia"


def test_differencing_recovers_the_hidden_unit_unless_protected() -> None:
    """By hand on the printed figures (one decimal of %): C = (42 × org − 24 × A − 15 × B)
    / 3, off the truth by at most 0.05 × (42 + 24 + 15) / 3 = 1.35 points. Protected, B is
    hidden too and only (42 × org − 24 × A) / 18 is left: B and C together."""
    ex = teaching.differencing_example()
    t = ex.table.assign(unit=ex.table["unit"].fillna("")).set_index("unit")
    assert t.loc["", "n"] == 42 and t.loc["", "n"] == t.loc[["A", "B", "C"], "n"].sum()
    assert t.loc["", "qwl_index"] == pytest.approx(
        (t.loc[["A", "B", "C"], "n"] * t.loc[["A", "B", "C"], "qwl_index"]).sum() / 42, rel=REL
    )
    printed = {u: round(100 * t.loc[u, "qwl_index"], 1) for u in ("", "A", "B")}
    by_hand = (42 * printed[""] - 24 * printed["A"] - 15 * printed["B"]) / 3 / 100
    assert ex.recovered == pytest.approx(by_hand, rel=1e-9)
    assert abs(by_hand - t.loc["C", "qwl_index"]) <= 0.0135 + 1e-12
    assert ex.naive["status"].tolist() == ["shown", "shown", "shown", "hidden"]
    assert ex.protected["status"].tolist() == ["shown", "shown", "hidden", "hidden"]
    assert ex.protected["complementary"].tolist() == [False, False, True, False]
    combined, n = ex.recovered_protected
    assert n == 18
    assert combined == pytest.approx((42 * printed[""] - 24 * printed["A"]) / 18 / 100)
    steps = ex.steps(lang="fi")
    assert steps.iloc[-1, -1] == fmt_pct(by_hand, lang="fi")
    assert ex.report("protected", lang="en").iloc[2, 2] == "–"


# --------------------------------------------------------------------------- notebook 3


def test_without_actions_nothing_changes() -> None:
    r = teaching.simulate([], rounds=4).rounds
    assert len(r) == 5
    for column in ("fe", "yi", "pl", "qwl", "sick_days_per_fte", "aw", "ebitda_eur"):
        assert r[column].nunique() == 1, column
    assert (r[["delta_ebitda_eur", "cumulative_delta_ebitda_eur"]] == 0).all(axis=None)
    assert (r["action_cash_eur"] == 0).all() and (r["delta_effective_hours"] == 0).all()
    assert r["qwl"].iloc[0] == pytest.approx(hand_qwl(0.7, 0.7, 0.7), rel=REL)


@pytest.mark.parametrize("key", sorted(MENU))
def test_each_action_costs_and_arrives_in_its_stated_round(key: str) -> None:
    """Chosen in round 1 of 4: the factors move first in round 1 + delay by the stated
    lift; a practice is gone the round after (not kept up), an investment stays. Cash
    and hours fall in round 1."""
    lift, delay, lasting, hours, cash_fte, cash_fixed = MENU[key]
    action = ACTIONS[key]
    assert (action.effect, action.delay, action.lasting) == (lift, delay, lasting)
    r = teaching.simulate([[key]], rounds=4, team="t").rounds.set_index("round")
    factors = r[["fe", "yi", "pl"]].to_numpy() - 0.70
    arrive = 1 + delay
    assert np.allclose(factors[:arrive], 0.0)
    assert np.allclose(factors[arrive], lift)
    assert np.allclose(factors[arrive + 1 :], lift if lasting else 0.0)
    assert r.loc[1, "action_cash_eur"] == pytest.approx(cash_fixed + 20 * cash_fte, rel=REL)
    assert r.loc[1, "action_hours"] == pytest.approx(20 * hours, rel=REL)
    assert r.loc[1, "aw"] == pytest.approx(hand_aw(r.loc[1, "sick_days_per_fte"], hours), rel=REL)
    assert (r.loc[2:, "action_cash_eur"] == 0).all()


def test_action_costs_add_up() -> None:
    choices = [["experiment", "training"], ["recognition", "workload"], ["one_to_one"]]
    result = teaching.simulate(choices, rounds=3)
    r = result.rounds.set_index("round")
    for k, keys in enumerate(choices, start=1):
        cash = sum(MENU[a][5] + 20 * MENU[a][4] for a in keys)
        hours = sum(20 * MENU[a][3] for a in keys)
        assert r.loc[k, "action_cash_eur"] == pytest.approx(cash, rel=REL)
        assert r.loc[k, "action_hours"] == pytest.approx(hours, rel=REL)
    s = result.summary()
    assert s["total_action_cash_eur"] == pytest.approx(5000 + 6000 + 2000, rel=REL)
    assert s["total_action_hours"] == pytest.approx(20 * (16 + 15 + 2 + 8 + 24), rel=REL)


def test_a_repeated_investment_gives_half_and_practices_do_not_stack() -> None:
    r = teaching.simulate([["experiment"], ["experiment"]], rounds=3).rounds
    assert r["pl"].tolist() == pytest.approx([0.70, 0.70, 0.75, 0.775])
    r = teaching.simulate([["workload"], ["workload"], ["workload"]], rounds=3).rounds
    assert r["fe"].tolist() == pytest.approx([0.70, 0.70, 0.74, 0.74])


def check_rounds(rounds: pd.DataFrame, fte: float, q0: float, sick0: float) -> None:
    """Every round against the HCPF and the stated teaching model, by hand."""
    cumulative = 0.0
    ebitda0 = (
        K * fte * TYW * (1 - hand_aw(sick0)) * q0 * (1 - VARIABLE)
        - fte * LABOUR
        - fte * OTHER_FIXED
    )
    for row in rounds.to_dict("records"):
        q = hand_qwl(row["fe"], row["yi"], row["pl"])
        assert row["qwl"] == pytest.approx(q, rel=REL)
        sick = max(0.0, sick0 - 0.3 * 100 * (q - q0))
        assert row["sick_days_per_fte"] == pytest.approx(sick, rel=REL, abs=1e-12)
        aw = hand_aw(sick, row["action_hours_per_fte"])
        assert row["aw"] == pytest.approx(aw, rel=REL)
        productive = min(q, 0.85)
        assert row["effective_share"] == pytest.approx((1 - aw) * productive, rel=REL)
        hours = fte * TYW * (1 - aw) * productive
        assert row["effective_hours"] == pytest.approx(hours, rel=REL)
        assert row["value_of_services_eur"] == pytest.approx(K * hours, rel=REL)
        ebitda = (
            K * hours * (1 - VARIABLE) - fte * LABOUR - fte * OTHER_FIXED - row["action_cash_eur"]
        )
        assert row["ebitda_eur"] == pytest.approx(ebitda, rel=REL)
        assert row["delta_ebitda_eur"] == pytest.approx(ebitda - ebitda0, rel=REL, abs=1e-6)
        cumulative += row["delta_ebitda_eur"] if row["round"] else 0.0
        assert row["cumulative_delta_ebitda_eur"] == pytest.approx(cumulative, rel=REL, abs=1e-6)
        assert row["absence_cost_eur"] == pytest.approx(sick * fte * SICK_DAY_EUR, rel=REL)


def test_simulation_rounds_by_hand() -> None:
    result = teaching.simulate(
        [["workload", "experiment"], ["training", "one_to_one"], ["experiment"]],
        rounds=4,
        unit=TeachingUnit(fte=12.5),
        start=(0.6, 0.65, 0.7),
        sick_days_per_fte=18.0,
    )
    check_rounds(result.rounds, 12.5, hand_qwl(0.6, 0.65, 0.7), 18.0)


def test_productivity_ceiling_caps_the_index_used() -> None:
    plan = [["experiment", "workload"]] * 4
    r = teaching.simulate(plan, rounds=4, start=(0.85, 0.85, 0.85)).rounds
    assert r["qwl"].max() > 0.85
    assert r["qwl_productive"].max() == 0.85
    check_rounds(r, 20.0, hand_qwl(0.85, 0.85, 0.85), 15.0)
    with pytest.raises(ArgumentError, match="0.85"):
        teaching.simulate([], start=(0.95, 0.95, 0.95))


def test_simulation_checks_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="workload"):
        teaching.simulate([["yoga"]])
    with pytest.raises(ArgumentError, match="at most 2"):
        teaching.simulate([["workload", "recognition", "training"]])
    with pytest.raises(ArgumentError, match="rounds is 1"):
        teaching.simulate([[], []], rounds=1)
    with pytest.raises(ArgumentError, match="twice"):
        teaching.simulate([["workload", "workload"]])
    with pytest.raises(ArgumentError, match="list"):
        teaching.simulate(["workload"])
    with pytest.raises(ArgumentError, match="start"):
        teaching.simulate([], start=(0.7, 0.7))  # type: ignore[arg-type]
    assert len(teaching.simulate([["workload"]], rounds=3).rounds) == 4  # padded


def test_merge_and_compare_teams() -> None:
    a = teaching.simulate([["workload"], ["workload"]], rounds=2, team="A")
    b = teaching.simulate([], rounds=2, team="B")
    merged = teaching.merge_teams([b, a])
    assert merged["team"].tolist() == ["B"] * 3 + ["A"] * 3
    renamed = teaching.merge_teams({"x": a.rounds, "y": b})
    assert set(renamed["team"]) == {"x", "y"}
    with pytest.raises(ArgumentError, match="repeated"):
        teaching.merge_teams([a, a])
    with pytest.raises(ArgumentError, match="at least one"):
        teaching.merge_teams([])
    c = teaching.compare_teams([b, a])
    assert c["team"].tolist() == ["A", "B"] and c["place"].tolist() == [1, 2]
    assert c.loc[0, "cumulative_delta_ebitda_eur"] == pytest.approx(
        a.rounds["delta_ebitda_eur"].sum(), rel=REL
    )
    assert c.loc[1, "cumulative_delta_ebitda_eur"] == 0
    table = teaching.comparison_table(c, lang="fi")
    assert table.index.name == "Sija" and table.iloc[0, 0] == "A"
    assert teaching.rounds_table(a, lang="en").index[0] == "start"
    assert len(teaching.plot_simulation([a, b], lang="en")) == 4
    assert teaching.actions_table(lang="fi").shape == (5, 9)


def test_leadership_game_buttons_play_rounds() -> None:
    game = teaching.leadership_game(rounds=2, team="T", lang="en")
    assert game.played_teams() == [] and len(game.result.rounds) == 1
    qwl0 = game.result.rounds["qwl"].iloc[0]
    for key in ("workload", "recognition", "training"):
        game.checkboxes[key].value = True
    game.play_button.click()  # three actions: refused
    assert game.choices == [] and "at most 2" in game.message.value
    game.checkboxes["training"].value = False
    game.play_button.click()
    assert game.choices == [["workload", "recognition"]]
    assert not any(box.value for box in game.checkboxes.values())
    r1 = game.result.rounds
    assert len(r1) == 2 and r1["qwl"].iloc[1] == pytest.approx(hand_qwl(0.71, 0.72, 0.71))
    game.checkboxes["one_to_one"].value = True
    game.play_button.click()
    assert game.choices == [["workload", "recognition"], ["one_to_one"]]
    assert game.result.rounds["qwl"].iloc[2] == pytest.approx(hand_qwl(0.74, 0.71, 0.70))
    assert game.play_button.disabled and "over" in game.message.value
    (played,) = game.played_teams()
    assert played.team == "T (game)" and set(played.rounds["team"]) == {"T (game)"}
    game.reset_button.click()
    assert game.choices == [] and game.result.rounds["qwl"].tolist() == [qwl0]
    assert not game.play_button.disabled


# --------------------------------------------------------------------------- notebooks


def run(notebook: str, parameters: dict[str, Any], tmp_path: Path, monkeypatch: Any) -> dict:
    """Execute a teaching notebook (tests/_notebooks.py) and return the numbers it recorded."""
    return run_notebook(
        NOTEBOOKS / notebook,
        parameters,
        tmp_path / "results.json",
        output=tmp_path / notebook,
        cwd=NOTEBOOKS,
    )


NB1_CASES = {
    "fi": {},  # the defaults: the published anchor 75/75/75
    "en": {
        "lang": "en",
        "fe_pct": 60.0,
        "yi_pct": 80.0,
        "pl_pct": 90.0,
        "sick_days": 10.0,
        "fte": 35.5,
        "k_eur_per_hour": 80.0,
        "labour_cost_per_fte": 55000.0,
        "purchased_services_per_fte": 500.0,
        "purchased_service_hour_price": 70.0,
    },
}


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(NB1_CASES))
def test_notebook_01_records_the_hcpf_by_hand(case: str, tmp_path: Path, monkeypatch: Any) -> None:
    """QWL from the hand formula (0.618 for the defaults, the published anchor); AW, shares,
    hours and euros from the HCPF definitions; the public valuation replaces overtime and
    purchased hours dearest effective hour first (:func:`hand_public`), the wage valuation
    prices a point's effective hours at labour / TYW / effective share."""
    p = {**NB1_CASES[case]}
    got = run("01_why_wellbeing_pays.ipynb", p, tmp_path, monkeypatch)
    fe, yi, pl = (p.get(f"{f}_pct", 75.0) / 100 for f in ("fe", "yi", "pl"))
    sick, fte = p.get("sick_days", 15.0), p.get("fte", 20.0)
    k, labour = p.get("k_eur_per_hour", K), p.get("labour_cost_per_fte", LABOUR)
    q = hand_qwl(fe, yi, pl)
    if not p:
        assert q == pytest.approx(0.618, rel=REL)
    aw = hand_aw(sick)
    assert got["lang"] == p.get("lang", "fi")
    assert got["qwl"] == pytest.approx(q, rel=REL)
    assert got["explorer_qwl"] == pytest.approx(q, rel=REL)
    assert got["aw"] == pytest.approx(aw, rel=REL)
    assert got["effective_share"] == pytest.approx((1 - aw) * q, rel=REL)
    assert got["other_working_share"] == pytest.approx((1 - aw) - (1 - aw) * q, rel=REL)
    assert got["effective_hours"] == pytest.approx(fte * TYW * (1 - aw) * q, rel=REL)
    assert got["hours_per_fte"]["effective"] == pytest.approx(TYW * (1 - aw) * q, rel=REL)
    assert got["k_eur_per_hour"] == pytest.approx(k, rel=REL)
    assert got["value_eur"] == pytest.approx(k * fte * TYW * (1 - aw) * q, rel=REL)
    point = fte * TYW * (1 - aw) * 0.01
    assert got["point_hours"] == pytest.approx(point, rel=REL)
    wage = point * labour / TYW / ((1 - aw) * q)
    assert got["point_wage_eur"] == pytest.approx(wage, rel=REL)
    price = p.get("purchased_service_hour_price", 60.0)
    purchased = p.get("purchased_services_per_fte", 3000.0)
    public = hand_public(point, fte, q, labour / TYW, price, purchased)
    assert got["point_public_eur"] == pytest.approx(public, rel=REL)
    assert got["point_public_per_fte"] == pytest.approx(public / fte, rel=REL)
    assert got["absence_cost_eur"] == pytest.approx(sick * fte * SICK_DAY_EUR, rel=REL)
    cuts = [
        (0.75, "excellent", "erinomainen"),
        (0.65, "some to develop", "jonkin verran kehitettävää"),
        (0.40, "much to develop", "paljon kehitettävää"),
        (0.0, "very much to develop", "erittäin paljon kehitettävää"),
    ]
    band = next(b for b in cuts if round(q, 3) >= b[0])
    assert got["band"] == (band[1] if p.get("lang") == "en" else band[2])
    assert got["above_ceiling"] is (q + 0.01 > 0.85)


NB2_CASES = {
    "fi": {},
    "en": {
        "lang": "en",
        "fe_pct": 80.0,
        "yi_pct": 70.0,
        "pl_pct": 85.0,
        "n_small": 6,
        "n_large": 30,
        "surveys": 1500,
        "seed": 7,
    },
}


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(NB2_CASES))
def test_notebook_02_records_intervals_and_anonymity(
    case: str, tmp_path: Path, monkeypatch: Any
) -> None:
    """The index by hand; the spread of the mean as person SD / √n (both cases have five
    times the respondents, so a ratio of √5); coverage of the 95 % intervals; the Kunta10
    rules; the differencing attack by hand on the printed figures."""
    p = {**NB2_CASES[case]}
    got = run("02_reading_your_qwl_report.ipynb", p, tmp_path, monkeypatch)
    fe, yi, pl = (p.get(f"{f}_pct", d) / 100 for f, d in (("fe", 68.0), ("yi", 72.0), ("pl", 66.0)))
    assert got["qwl"] == pytest.approx(hand_qwl(fe, yi, pl), rel=REL)
    changes = got["factor_change_points"]
    assert changes["FE"] > changes["YI"] > 0 and changes["PL"] > 0
    assert changes["FE"] == pytest.approx(
        100 * (hand_qwl(min(1, fe + 0.1), yi, pl) - hand_qwl(fe, yi, pl)), rel=1e-9
    )
    small, large = p.get("n_small", 8), p.get("n_large", 40)
    surveys = got["sampling_surveys"]
    assert surveys == p.get("surveys", 2000)
    s = got["sampling"]
    sd_rel = 3 / math.sqrt(2 * (surveys - 1))
    for n in (small, large):
        row = s[str(n)]
        expected = got["sampling_person_sd"] / math.sqrt(n)
        assert row["expected_sd"] == pytest.approx(expected, rel=REL)
        assert row["sd_of_means"] == pytest.approx(expected, rel=sd_rel)
        assert row["coverage"] == pytest.approx(
            0.95, abs=3 * math.sqrt(0.95 * 0.05 / surveys) + 0.01
        )
        assert row["low"] < got["sampling_true_mean"] < row["high"]
    ratio = s[str(small)]["sd_of_means"] / s[str(large)]["sd_of_means"]
    assert ratio == pytest.approx(math.sqrt(large / small), rel=math.sqrt(2) * sd_rel)
    rule = [
        "hidden" if r["n"] < 5 else "rank_only" if r["n"] < 10 else "shown" for r in got["kunta10"]
    ]
    assert [r["status"] for r in got["kunta10"]] == rule
    table = {r["unit"]: r for r in got["differencing_table"]}
    printed = {u: round(100 * table[u]["qwl_index"], 1) for u in ("", "A", "B")}
    n = {u: table[u]["n"] for u in table}
    by_hand = (n[""] * printed[""] - n["A"] * printed["A"] - n["B"] * printed["B"]) / n["C"]
    assert got["differencing_recovered"] == pytest.approx(by_hand / 100, rel=1e-9)
    assert got["differencing_true"] == table["C"]["qwl_index"]
    bound = 0.05 * (n[""] + n["A"] + n["B"]) / n["C"] / 100
    assert got["differencing_max_rounding_error"] == pytest.approx(bound, rel=1e-9)
    assert abs(by_hand / 100 - table["C"]["qwl_index"]) <= bound + 1e-12
    assert got["differencing_naive_status"] == ["shown", "shown", "shown", "hidden"]
    assert got["differencing_protected_status"] == ["shown", "shown", "hidden", "hidden"]
    assert got["differencing_combined_n"] == n["B"] + n["C"]
    combined = (n[""] * printed[""] - n["A"] * printed["A"]) / (n["B"] + n["C"]) / 100
    assert got["differencing_combined"] == pytest.approx(combined, rel=1e-9)


NB3_CASES = {
    "fi": {},  # the defaults: Tiimi A against Tiimi B (nothing) and Tiimi C
    "en": {
        "lang": "en",
        "team": "Blue",
        "rounds": 3,
        "choices": [["experiment"], [], ["training", "recognition"]],
        "other_teams": {"Red": [["one_to_one", "workload"], ["one_to_one"], []]},
        "fte": 12.5,
        "start_pct": [60.0, 65.0, 70.0],
        "sick_days": 18.0,
    },
}


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(NB3_CASES))
def test_notebook_03_records_rounds_by_hand(case: str, tmp_path: Path, monkeypatch: Any) -> None:
    """Every round of every team against the HCPF and the stated model (check_rounds); the
    default team's factors round by round from the menu: round 1 recognition at once
    (+1/+2/+1), round 2 the workload planning of round 1 (+4/+1/0), round 3 workload of
    round 2 and the experiment of round 2 (+2/+4/+5), round 4 workload, one-to-ones of round
    3 (+2/+2/+1) and the experiment, which lasts; the comparison ranks by the cumulative
    change in EBITDA and the team that does nothing stays at 0."""
    p = {**NB3_CASES[case]}
    got = run("03_leadership_simulation.ipynb", p, tmp_path, monkeypatch)
    fte, sick0 = p.get("fte", 20.0), p.get("sick_days", 15.0)
    start = [v / 100 for v in p.get("start_pct", [70.0, 70.0, 70.0])]
    q0 = hand_qwl(*start)
    rounds = pd.DataFrame(got["round_table"])
    assert len(rounds) == p.get("rounds", 4) + 1
    check_rounds(rounds, fte, q0, sick0)
    merged = pd.DataFrame(got["merged"])
    for _, team_rounds in merged.groupby("team"):
        check_rounds(team_rounds, fte, q0, sick0)
    if not p:
        expected = [
            (0.70, 0.70, 0.70),
            (0.71, 0.72, 0.71),
            (0.74, 0.71, 0.70),
            (0.76, 0.75, 0.75),
            (0.78, 0.77, 0.76),
        ]
        assert rounds[["fe", "yi", "pl"]].to_numpy() == pytest.approx(np.array(expected))
        assert rounds["action_cash_eur"].tolist() == [0, 2000, 5000, 0, 5000]
        b = merged[merged["team"] == "Tiimi B"]
        assert (b["cumulative_delta_ebitda_eur"] == 0).all() and b["qwl"].nunique() == 1
    comparison = pd.DataFrame(got["comparison"])
    assert (
        set(comparison["team"])
        == set(merged["team"])
        == {got["team"], *p.get("other_teams", {"Tiimi B": 0, "Tiimi C": 0})}
    )
    ranked = comparison["cumulative_delta_ebitda_eur"].tolist()
    assert ranked == sorted(ranked, reverse=True)
    assert comparison["place"].tolist() == list(range(1, len(comparison) + 1))
    last = rounds.iloc[-1]
    assert got["summary"]["cumulative_delta_ebitda_eur"] == pytest.approx(
        rounds["delta_ebitda_eur"].iloc[1:].sum(), rel=REL
    )
    assert got["summary"]["qwl_change_points"] == pytest.approx(100 * (last["qwl"] - q0), rel=REL)


def test_teaching_notebooks_are_thin_and_committed_clean() -> None:
    import nbformat

    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert [p.name for p in paths] == [
        "01_why_wellbeing_pays.ipynb",
        "02_reading_your_qwl_report.ipynb",
        "03_leadership_simulation.ipynb",
    ]
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1
        for line in tagged[0].source.splitlines():
            declaration, _, comment = line.partition("#")
            assert ":" in declaration and "=" in declaration and comment.strip(), line
            assert "=" not in comment, line  # papermill reads "=" in a comment as a default
        assert 'lang: str = "fi"' in tagged[0].source
        imports = [
            line
            for c in code
            for line in c.source.splitlines()
            if line.startswith(("import", "from"))
        ]
        assert all("hrproductivity" in line for line in imports), imports
        assert "record(" in code[-1].source
