"""The report cache (reports.prepare) and what the templates show of it (reports.content).

Outside references used here:

- the generator's truth (``synthetic.example_dataset().truth``): respondents and
  staff invited per unit and wave, which units are small;
- hand calculations from the raw answers and HR rows, written out below (the
  per-respondent QWL index averaged with respondent weights; the standard error
  of a mean; the sickness absence rate as a ratio of sums; the wage valuation
  of a QWL point, 0.01 / QWL × staff costs per FTE, docs/valuation.md);
- the anonymity rules of docs/privacy.md, checked as properties of every table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hrproductivity import Dataset, load_dataset, qwl_index, score_scales
from hrproductivity.errors import ReportError, UnknownNameError
from hrproductivity.locales import text
from hrproductivity.reports import content as C
from hrproductivity.reports.prepare import TABLES, prepare, prepare_cache

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "example"
MIN_N = 5


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(EXAMPLE)


@pytest.fixture(scope="module")
def cache(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> C.Cache:
    folder = prepare_cache(dataset, tmp_path_factory.mktemp("cache"))
    return C.load_cache(folder)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    from hrproductivity.synthetic import example_dataset

    t = example_dataset().truth
    assert t is not None
    uw: pd.DataFrame = t["unit_wave"]
    return uw


def _views(cache: C.Cache, wave: str = "2024") -> list[C.View]:
    """Every organisation report and every unit report of one wave, in both languages."""
    groups = cache.tables["groups"]
    units = groups[(groups["level"] == "unit") & (groups["wave"] == wave)]
    views = []
    for org in cache.meta["orgs"]:
        for lang in ("fi", "en"):
            views.append(C.open_view(cache, org=org, wave=wave, lang=lang, show_comments=True))
        for unit in units.loc[units["org"] == org, "unit"]:
            views.append(C.open_view(cache, org=org, wave=wave, unit=str(unit), show_comments=True))
    return views


def _sample(cache: C.Cache, wave: str = "2024") -> list[C.View]:
    """Every organisation report in Finnish, one in English, and per organisation one unit
    report of each status (shown, rank only, hidden)."""
    groups = cache.tables["groups"]
    units = groups[(groups["level"] == "unit") & (groups["wave"] == wave)]
    views = [C.open_view(cache, org="Kuusikoski", wave=wave, lang="en", show_comments=True)]
    for org in cache.meta["orgs"]:
        views.append(C.open_view(cache, org=org, wave=wave, show_comments=True))
        mine = units[units["org"] == org]
        for _, first in mine.groupby("status").head(1).iterrows():
            views.append(C.open_view(cache, org=org, wave=wave, unit=str(first["unit"])))
    return views


def _hidden(cache: C.Cache, org: str, wave: str) -> set[str]:
    g = cache.tables["groups"]
    sel = (g["org"] == org) & (g["wave"] == wave) & (g["level"] == "unit")
    return set(g.loc[sel & (g["status"] == "hidden"), "unit"].astype("str"))


# --------------------------------------------------------------------------- the cache


def test_cache_has_every_table_and_no_respondent(cache: C.Cache) -> None:
    assert set(cache.tables) == set(TABLES)
    assert cache.meta["settings"]["min_n"] == MIN_N
    assert set(cache.meta["inputs"]) >= {"survey.csv", "units.csv", "hr.csv", "finance.csv"}
    for name, table in cache.tables.items():
        assert "respondent" not in table.columns, name


def test_respondents_and_invited_equal_the_truth(cache: C.Cache, truth: pd.DataFrame) -> None:
    g = cache.tables["groups"]
    units = g[g["level"] == "unit"].merge(truth, on=["org", "unit", "wave"], how="outer")
    assert (units["n"] == units["respondents"]).all()
    orgs = g[g["level"] == "org"].set_index(["org", "wave"])
    drawn = truth.groupby(["org", "wave"])["respondents"].sum()
    assert (orgs["n"] == drawn.reindex(orgs.index)).all()


def test_small_units_are_hidden_and_no_hidden_group_can_be_recovered(
    cache: C.Cache, truth: pd.DataFrame
) -> None:
    """docs/privacy.md: < 5 nothing, 5-9 placement only, and complementary suppression:
    the groups not shown under one organisation never add up to fewer than 5 people,
    so the organisation's total minus its shown units never isolates a small unit."""
    g = cache.tables["groups"]
    units = g[g["level"] == "unit"].merge(truth, on=["org", "unit", "wave"])
    small = units["respondents"] < MIN_N
    assert small.any()
    assert (units.loc[small, "status"] == "hidden").all()
    middle = (units["respondents"] >= MIN_N) & (units["respondents"] < 10)
    assert units.loc[middle, "status"].isin(["rank_only", "hidden"]).all()
    assert (units.loc[units["status"] == "shown", "respondents"] >= 10).all()
    figures = ["qwl_index", "FE_share_mean", "YI_share_mean", "PL_share_mean", "qwl_index_se"]
    assert g.loc[g["status"] != "shown", figures].isna().all(axis=None)
    not_shown = units[(units["status"] != "shown") & (units["n"] > 0)]
    for (org, wave), part in not_shown.groupby(["org", "wave"]):
        assert part["n"].sum() >= MIN_N, (org, wave)
    items = cache.tables["items"]
    assert items.loc[items["status"] != "shown", ["mean", "pct_favourable"]].isna().all(axis=None)


def test_org_index_is_the_respondent_weighted_mean_of_its_units(
    cache: C.Cache, dataset: Dataset
) -> None:
    """Hand calculation: QWL per respondent, unit means, weighted by respondents with an index."""
    scores = score_scales(dataset.responses, "qwl15")
    scores["q"] = qwl_index(scores)
    g = cache.tables["groups"]
    for (org, wave), part in scores.groupby(["org", "wave"]):
        units = part.groupby("unit")["q"].agg(["mean", "count"])
        hand = float((units["mean"] * units["count"]).sum() / units["count"].sum())
        row = g[(g["level"] == "org") & (g["org"] == org) & (g["wave"] == wave)].iloc[0]
        assert row["qwl_index"] == pytest.approx(hand, rel=1e-12)
        se = part["q"].std(ddof=1) / math.sqrt(part["q"].notna().sum())
        assert row["qwl_index_se"] == pytest.approx(se, rel=1e-12)
        shown = g[(g["level"] == "unit") & (g["org"] == org) & (g["wave"] == wave)]
        shown = shown[shown["status"] == "shown"].set_index("unit")["qwl_index"]
        assert np.allclose(shown, units.loc[shown.index, "mean"], rtol=1e-12)


def test_change_is_the_difference_with_a_95_interval(cache: C.Cache) -> None:
    """Welch's interval by hand (docs/intervals.md): se(d)² = se1² + se0², df =
    (se1² + se0²)² / (se1⁴/(n1 − 1) + se0⁴/(n0 − 1)), d ± t(df, 0.975) se(d)."""
    from scipy import stats

    g = cache.tables["groups"].set_index(["level", "org", "wave"])
    change = cache.tables["change"]
    row = change[(change["level"] == "org") & (change["org"] == "Kuusikoski")]
    row = row[row["wave"] == "2024"].iloc[0]
    now, before = g.loc[("org", "Kuusikoski", "2024")], g.loc[("org", "Kuusikoski", "2023")]
    diff = now["qwl_index"] - before["qwl_index"]
    v1, v0 = now["qwl_index_se"] ** 2, before["qwl_index_se"] ** 2
    se = math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (now["qwl_n"] - 1) + v0**2 / (before["qwl_n"] - 1))
    t = stats.t.ppf(0.975, df)
    assert row["difference"] == pytest.approx(diff, rel=1e-12)
    assert row["ci_low"] == pytest.approx(diff - t * se, rel=1e-9)
    assert row["ci_high"] == pytest.approx(diff + t * se, rel=1e-9)
    # only groups shown in both waves have a change
    units = change[change["level"] == "unit"]
    assert units["qwl_index"].notna().all() and units["qwl_previous"].notna().all()


def test_unit_intervals_use_t_with_n_minus_1(cache: C.Cache) -> None:
    """A shown unit's printed interval is mean ± t(n − 1, 0.975) · sd/√n (docs/intervals.md),
    not ± 1.96 · se: t(n − 1) from scipy, sd and n from the cache's group table."""
    from scipy import stats

    g = cache.tables["groups"]
    shown = g[(g["level"] == "unit") & (g["status"] == "shown") & (g["wave"] == "2024")]
    unit = shown.sort_values("qwl_n").iloc[0]
    v = C.open_view(cache, org=str(unit["org"]), wave="2024", unit=str(unit["unit"]))
    frame = C.trend_frame(v)
    got = frame[(frame["kind"] == "unit") & (frame["wave"] == "2024")].iloc[0]
    n = unit["qwl_n"]
    half = stats.t.ppf(0.975, n - 1) * unit["qwl_index_sd"] / math.sqrt(n)
    assert got["ci_low"] == pytest.approx(unit["qwl_index"] - half, rel=1e-9)
    assert got["ci_high"] == pytest.approx(unit["qwl_index"] + half, rel=1e-9)
    assert half > 1.96 * unit["qwl_index_se"] * 1.02  # t(n − 1) is visibly wider at small n


def test_money_follows_the_hr_rows_by_hand(cache: C.Cache, dataset: Dataset) -> None:
    m = cache.tables["money"]
    row = m[(m["level"] == "org") & (m["org"] == "Kuusikoski") & (m["wave"] == "2024")].iloc[0]
    hr = dataset.hr[(dataset.hr["org"] == "Kuusikoski") & (dataset.hr["period"] == "2024")]
    hours = (hr["fte"] * hr["theoretical_hours_per_fte"]).sum()
    assert row["sickness_absence_rate"] == pytest.approx(hr["sick_days"].sum() * 7.5 / hours)
    assert row["absence_cost_eur"] == pytest.approx(hr["sick_days"].sum() * 350.0)
    # wage valuation per FTE = 0.01 / QWL × staff costs / FTE (docs/valuation.md): the
    # 0.01 × (1 − AW) × TYW freed effective hours per FTE, hired at c / ((1 − AW) QWL)
    per_fte = 0.01 / row["qwl_index"] * hr["staff_costs_eur"].sum() / hr["fte"].sum()
    values = cache.tables["valuations"]
    point = values[
        (values["level"] == "org")
        & (values["org"] == "Kuusikoski")
        & (values["wave"] == "2024")
        & (values["kind"] == "point")
    ].set_index("valuation")
    assert point.loc["wage", "per_fte"] == pytest.approx(per_fte, rel=1e-9)
    # a municipality buys services: the public valuation is the headline
    assert row["headline_valuation"] == "public"
    assert point["headline"].to_dict() == {"public": True, "market": False, "wage": False}
    assert 0 < point.loc["public", "valued_hours"] <= point.loc["public", "hours"]
    assert row["effective_share"] == pytest.approx(row["at_work_share"] * row["qwl_index"])
    # unit money rows exist only for shown units
    g = cache.tables["groups"]
    shown = g[(g["level"] == "unit") & (g["status"] == "shown")]
    keys = set(zip(shown["org"], shown["unit"], shown["wave"], strict=True))
    units = m[m["level"] == "unit"]
    assert set(zip(units["org"], units["unit"], units["wave"], strict=True)) <= keys


def test_prepare_hash_and_parameters_follow_the_thresholds(dataset: Dataset) -> None:
    five, ten = prepare(dataset, min_n=5), prepare(dataset, min_n=10)
    assert five.input_hash != ten.input_hash
    assert five.input_hash == prepare(dataset, min_n=5).input_hash
    assert ten.parameters == {"min_n": 10, "min_n_comments": 10}


# --------------------------------------------------------------------------- content


FRAMES: dict[str, tuple[Callable[[C.View], pd.DataFrame], list[str]]] = {
    "participation": (C.participation_frame, []),
    "units": (C.units_frame, ["qwl_index", "FE", "YI", "PL"]),
    "heatmap": (lambda v: C.heatmap_frame(v).reset_index(), ["FE", "YI", "PL", "QWL"]),
    "trend": (C.trend_frame, ["value", "ci_low", "ci_high", "FE", "YI", "PL"]),
    "factors": (C.factor_frame, ["score", "favourable"]),
    "items": (C.items_frame, ["mean", "pct_favourable"]),
    "money": (C.money_frame, []),
    "comments": (C.comments_frame, []),
}


def test_no_frame_names_a_hidden_unit_or_shows_a_figure_it_should_not(cache: C.Cache) -> None:
    for v in _views(cache):
        hidden = _hidden(cache, v.org, v.wave) - {v.unit}
        for name, (frame_of, figures) in FRAMES.items():
            if v.unit is not None and name in ("units", "heatmap"):
                continue
            frame = frame_of(v)
            for col in frame.columns:
                if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                    assert not frame[col].astype("str").isin(hidden).any(), (v, name, col)
            if "status" in frame.columns and figures:
                off = frame["status"] != "shown"
                assert frame.loc[off, figures].isna().all(axis=None), (v, name)


def test_units_frame_keeps_hidden_units_only_as_one_anonymous_row(cache: C.Cache) -> None:
    v = C.open_view(cache, org="Kuusikoski", wave="2024")
    frame = C.units_frame(v)
    g = cache.tables["groups"]
    units = g[(g["level"] == "unit") & (g["org"] == "Kuusikoski") & (g["wave"] == "2024")]
    hidden = units[units["status"] == "hidden"]
    assert len(hidden) >= 1
    rows = frame[frame["kind"] == "hidden_units"]
    assert len(rows) == 1 and rows["n"].iloc[0] == hidden["n"].sum()
    assert rows[["qwl_index", "FE", "YI", "PL"]].isna().all(axis=None)
    named = set(frame.loc[frame["kind"] == "unit", "label"])
    assert named == set(units.loc[units["status"] != "hidden", "unit"])
    # Kuusikoski's rank-only unit (Liikuntapalvelut, 8) shares the organisation's total
    # with the hidden Ympäristöpalvelut (4): its placement would bracket the hidden unit
    # (issue 10.3), so it is withheld. Revonlahti's rank-only unit has no hidden sibling
    # and keeps its placement.
    ranked = frame[frame["status"] == "rank_only"]
    assert len(ranked) == 1 and ranked["rank"].isna().all() and ranked["qwl_index"].isna().all()
    other = C.units_frame(C.open_view(cache, org="Revonlahti", wave="2024"))
    placed = other[other["status"] == "rank_only"]
    assert len(placed) == 1 and placed["rank"].notna().all()


def test_sections_never_name_a_hidden_unit(cache: C.Cache) -> None:
    sections = [
        C.header_section,
        C.participation_section,
        C.qwl_section,
        C.profile_section,
        C.trend_section,
        C.money_section,
        C.drivers_section,
        C.comments_section,
        C.methods_section,
    ]
    for v in _sample(cache):
        hidden = _hidden(cache, v.org, v.wave) - {v.unit}
        extra = [C.units_section] if v.unit is None else [C.unit_vs_org_section]
        page = "".join(section(v) for section in sections + extra)
        words = re.sub(r"<[^>]+>", " ", page)
        for name in hidden:
            assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", words), (v, name)
        assert "Traceback" not in page
        assert not re.search(r"\{[a-z_]+\}", words), "a placeholder was left unfilled"


def test_rank_only_and_hidden_units_show_no_figures(cache: C.Cache) -> None:
    g = cache.tables["groups"]
    units = g[(g["level"] == "unit") & (g["wave"] == "2024")]
    placed = units["rank"].notna()
    for status, row in (
        ("rank_only", units[(units["status"] == "rank_only") & placed].iloc[0]),
        ("rank_only", units[(units["status"] == "rank_only") & ~placed].iloc[0]),
        ("hidden", units[units["status"] == "hidden"].iloc[0]),
    ):
        v = C.open_view(cache, org=str(row["org"]), wave="2024", unit=str(row["unit"]))
        numbers = C.key_numbers(v)
        assert numbers["status"] == status
        assert numbers["qwl_index"] is None and numbers["factors"] is None
        if status == "hidden" or pd.isna(row["rank"]):
            assert numbers["placement"] is None
        else:
            assert isinstance(numbers["placement"], int)
        if status == "rank_only" and pd.isna(row["rank"]):
            assert text("placement.withheld", lang="fi") in C.qwl_section(v)
        assert C.money_frame(v).empty and C.valuation_frame(v).empty
        with pytest.raises(ReportError):
            C.figure_qwl(v)
        assert "<strong>" not in C.qwl_section(v)


def test_guards_refuse_what_must_not_be_shown(cache: C.Cache) -> None:
    v = C.open_view(cache, org="Kuusikoski", wave="2024")
    name = sorted(_hidden(cache, "Kuusikoski", "2024"))[0]
    with pytest.raises(ReportError):
        C.check_frame(pd.DataFrame({"unit": [name], "n": [3]}), v)
    leak = pd.DataFrame({"unit": ["x"], "status": ["rank_only"], "q": [0.5]})
    with pytest.raises(ReportError):
        C.check_frame(leak, v, figures=["q"])
    with pytest.raises(ReportError):
        C.check_text(f"<p>{name}: 51 %</p>", v)
    # a hidden name inside a visible one is not a leak
    C.check_text("<p>Kuusikoski</p>", v)


def test_figures_return_axes_without_hidden_names(cache: C.Cache) -> None:
    v = C.open_view(cache, org="Kuusikoski", wave="2024", lang="fi")
    hidden = _hidden(cache, "Kuusikoski", "2024")
    for figure in (C.figure_qwl, C.figure_profile, C.figure_heatmap, C.figure_trend, C.figure_time):
        ax = figure(v)
        labels = [t.get_text() for t in ax.get_yticklabels()] + [t.get_text() for t in ax.texts]
        assert not hidden & set(labels), figure.__name__
        svg = C.svg(ax)
        assert svg.startswith("<figure><svg") and "<text" in svg
    heat = C.heatmap_frame(v)
    assert heat.loc[heat["status"] != "shown", ["FE", "YI", "PL", "QWL"]].isna().all(axis=None)


def test_the_org_report_numbers_agree_with_the_cache(cache: C.Cache) -> None:
    v = C.open_view(cache, org="Kuusikoski", wave="2024", lang="fi")
    k = C.key_numbers(v)
    g = cache.tables["groups"]
    org = g[(g["level"] == "org") & (g["org"] == "Kuusikoski") & (g["wave"] == "2024")].iloc[0]
    assert k["respondents"] == org["n"] and k["invited"] == org["invited"]
    assert k["qwl_index"] == pytest.approx(org["qwl_index"], abs=0.0005)  # as printed: 50,3 %
    assert k["placement"] == org["rank"] and k["placement_of"] == 5
    assert k["band"] == "paljon kehitettävää" and k["valuation"] == "public"
    assert k["hidden_units"] == len(_hidden(cache, "Kuusikoski", "2024"))
    page = C.qwl_section(v)
    assert C.fmt_pct(org["qwl_index"], lang="fi") in page


def test_comments_only_when_asked_and_allowed(cache: C.Cache) -> None:
    off = C.open_view(cache, org="Kuusikoski", wave="2024")
    assert C.comments_frame(off).empty
    on = C.open_view(cache, org="Kuusikoski", wave="2024", show_comments=True)
    assert len(C.comments_frame(on)) > 0
    g = cache.tables["groups"]
    small = g[(g["level"] == "unit") & (g["wave"] == "2024") & (g["n"] < 10)].iloc[0]
    v = C.open_view(
        cache, org=str(small["org"]), wave="2024", unit=str(small["unit"]), show_comments=True
    )
    assert C.comments_frame(v).empty


def test_views_refuse_other_thresholds_and_unknown_names(cache: C.Cache) -> None:
    with pytest.raises(ReportError, match="min_n"):
        C.open_view(cache, org="Kuusikoski", wave="2024", min_n=8)
    with pytest.raises(ReportError, match="min_n_comments"):
        C.open_view(cache, org="Kuusikoski", wave="2024", min_n_comments=12)
    with pytest.raises(UnknownNameError, match="Kuusikoski"):
        C.open_view(cache, org="Kuusikosk", wave="2024")
    with pytest.raises(UnknownNameError):
        C.open_view(cache, org="Kuusikoski", wave="2024", unit="Lukko")


def test_associations_use_only_units_whose_results_are_shown(
    cache: C.Cache, dataset: Dataset
) -> None:
    """The correlation of unit QWL with sick days per FTE, recomputed by hand from the
    shown units' published index and the HR register: a hidden or rank-only unit's mean
    must not enter it (with the others' means published, r is one equation in it)."""
    from scipy import stats

    g = cache.tables["groups"]
    shown = g[(g["level"] == "unit") & (g["status"] == "shown")][
        ["org", "unit", "wave", "qwl_index"]
    ]
    hr = dataset.hr[dataset.hr["unit"].notna()].copy()
    hr["wave"] = hr["period"].astype("str")  # the example pairs each wave with its year
    hr = hr.groupby(["org", "unit", "wave"])[["sick_days", "fte"]].sum().reset_index()
    hr["rate"] = hr["sick_days"] / hr["fte"]
    pair = shown.merge(hr, on=["org", "unit", "wave"])
    expected = stats.pearsonr(pair["qwl_index"], pair["rate"]).statistic
    a = cache.tables["associations"]
    row = a[a["variable"] == "qwl_index"].iloc[0]
    assert row["n_units"] == len(pair) < (g["level"] == "unit").sum()
    assert row["r"] == pytest.approx(expected, rel=1e-9)
