"""Tests for hrproductivity.scoring.

Expected values come from hand calculations written in each test's docstring,
from the instruments' published scoring rules (UWES-9 manual, WHO-5 review) and
from the published QWL facts in docs/qwl-index.md (the 75 % → 61.8 % anchor, the
1-100 % range, the interpretation bands).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrproductivity import scoring
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    HRProductivityError,
    UnknownNameError,
)
from hrproductivity.scoring import (
    kesti_approx,
    qwl_band,
    qwl_index,
    qwl_scorers,
    register_qwl_scorer,
    score_scales,
)

share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def _one(fe: float, yi: float, pl: float) -> float:
    return float(kesti_approx(np.array([fe]), np.array([yi]), np.array([pl]))[0])


def _qwl_answers(rows: list[list[float]]) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=[f"qwl_{i:02d}" for i in range(1, 16)], dtype="float64")
    data.insert(0, "respondent", [f"r{i}" for i in range(len(rows))])
    data.insert(0, "wave", "2025")
    data.insert(0, "unit", "u1")
    data.insert(0, "org", "o1")
    return data


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(scoring, "_QWL_SCORERS", scoring._QWL_SCORERS.copy())
    yield


# --------------------------------------------------------------------------- score_scales


def test_qwl_factor_means_and_shares_by_hand() -> None:
    """Respondent r0: FE items 4,4,5,3,4 -> mean 20/5 = 4.0, share (4-1)/4 = 0.75;
    YI items 2,2,2,2,2 -> 2.0, share 0.25; PL items 5,5,5,5,5 -> 5.0, share 1.0.
    Respondent r1: FE has only 2 of 5 answered (1, 3): below the half rule
    (3 needed) -> NaN; YI 3 of 5 answered (1, 2, 3) -> 2.0; PL all missing -> NaN.
    """
    nan = np.nan
    data = _qwl_answers(
        [
            [4, 4, 5, 3, 4, 2, 2, 2, 2, 2, 5, 5, 5, 5, 5],
            [1, 3, nan, nan, nan, 1, 2, 3, nan, nan, nan, nan, nan, nan, nan],
        ]
    )
    data["gender"] = ["f", "m"]
    data["comment_1"] = ["hyvä", None]
    out = score_scales(data, "qwl15")
    assert list(out.columns) == [
        "org", "unit", "wave", "respondent", "gender",
        "FE", "YI", "PL", "FE_share", "YI_share", "PL_share",
    ]  # fmt: skip
    assert out.loc[0, ["FE", "YI", "PL"]].tolist() == pytest.approx([4.0, 2.0, 5.0], abs=1e-12)
    assert out.loc[0, ["FE_share", "YI_share", "PL_share"]].tolist() == pytest.approx(
        [0.75, 0.25, 1.0], abs=1e-12
    )
    assert np.isnan(out.loc[1, "FE"]) and np.isnan(out.loc[1, "PL_share"])
    assert out.loc[1, "YI"] == pytest.approx(2.0, abs=1e-12)
    assert out.index.equals(data.index)


def test_min_answered_override() -> None:
    """FE answered 4 of 5 (4, 4, 4, 2 -> mean 3.5): counts under the default half
    rule, but not with min_answered=1.0 (all five needed)."""
    nan = np.nan
    data = _qwl_answers([[4, 4, 4, 2, nan, *([3.0] * 10)]])
    assert score_scales(data, "qwl15")["FE"].iloc[0] == pytest.approx(3.5, abs=1e-12)
    assert np.isnan(score_scales(data, "qwl15", min_answered=1.0)["FE"].iloc[0])


def test_reverse_keyed_item_from_yaml(tmp_path: Path) -> None:
    """Own instrument, scale 1-5, factor A = a1, a2, a3 with a3 reverse-keyed.
    Answers 4, 5, 2: a3 scores 1 + 5 - 2 = 4, mean (4 + 5 + 4)/3 = 13/3 = 4.3333,
    share (13/3 - 1)/4 = 5/6. Answers 4, NaN, 2: 2 of 3 answered (>= 1.5) ->
    (4 + 4)/2 = 4. Answers 4, NaN, NaN: 1 of 3 -> missing."""
    path = tmp_path / "own.yaml"
    path.write_text(
        "name: own\nscale: {min: 1, max: 5}\n"
        "factors:\n  A: {items: [a1, a2, a3]}\n"
        "items:\n  a1: {}\n  a2: {}\n  a3: {reverse: true}\n",
        encoding="utf-8",
    )
    data = pd.DataFrame({"a1": [4.0, 4, 4], "a2": [5.0, np.nan, np.nan], "a3": [2.0, 2, np.nan]})
    out = score_scales(data, str(path))
    assert out["A"].iloc[0] == pytest.approx(13 / 3, abs=1e-12)
    assert out["A_share"].iloc[0] == pytest.approx(5 / 6, abs=1e-12)
    assert out["A"].iloc[1] == pytest.approx(4.0, abs=1e-12)
    assert np.isnan(out["A"].iloc[2])


def test_uwes9_subscales_and_total_by_hand() -> None:
    """UWES-9 manual: vigor = items 1, 2, 5; dedication 3, 4, 7; absorption 6, 8, 9;
    item means, 0-6. Answers 1..9 = 6, 5, 3, 3, 4, 1, 0, 2, 3:
    vigor (6 + 5 + 4)/3 = 5, dedication (3 + 3 + 0)/3 = 2, absorption (1 + 2 + 3)/3 = 2,
    total 27/9 = 3; vigor share 5/6. Second respondent answers only items 1-4:
    total needs 5 of 9 (half rule) -> missing; vigor has 2 of 3 -> (6 + 6)/2 = 6."""
    nan = np.nan
    rows = [[6, 5, 3, 3, 4, 1, 0, 2, 3], [6, 6, 1, 1, nan, nan, nan, nan, nan]]
    data = pd.DataFrame(rows, columns=[f"uwes_{i}" for i in range(1, 10)], dtype="float64")
    out = score_scales(data, "uwes9")
    assert out.loc[0, ["vigor", "dedication", "absorption", "uwes_total"]].tolist() == (
        pytest.approx([5.0, 2.0, 2.0, 3.0], abs=1e-12)
    )
    assert out.loc[0, "vigor_share"] == pytest.approx(5 / 6, abs=1e-12)
    assert out.loc[1, "vigor"] == pytest.approx(6.0, abs=1e-12)
    assert np.isnan(out.loc[1, "uwes_total"])


def test_who5_raw_percentage_and_poor_flag() -> None:
    """WHO-5 (Topp et al. 2015): raw = sum of five 0-5 items, needs all five;
    percentage = raw x 4; raw below 13 flags poor well-being.
    3,3,3,3,3 -> 15, 60 %, not poor; 3,3,3,2,2 -> 13, 52 %, not poor (boundary);
    2,2,2,3,3 -> 12, 48 %, poor; 5,5,5,5,NaN -> raw missing, flag missing."""
    nan = np.nan
    rows = [[3, 3, 3, 3, 3], [3, 3, 3, 2, 2], [2, 2, 2, 3, 3], [5, 5, 5, 5, nan]]
    data = pd.DataFrame(rows, columns=[f"who5_{i}" for i in range(1, 6)], dtype="float64")
    out = score_scales(data, "who5")
    assert out["who5_raw"].iloc[:3].tolist() == pytest.approx([15.0, 13.0, 12.0], abs=1e-12)
    assert out["who5_pct"].iloc[:3].tolist() == pytest.approx([60.0, 52.0, 48.0], abs=1e-12)
    assert out["who5_poor"].iloc[:3].tolist() == [False, False, True]
    assert np.isnan(out["who5_raw"].iloc[3]) and pd.isna(out["who5_poor"].iloc[3])
    # The item mean (4 of 5 answered) is still scored under the half rule.
    assert out["who5"].iloc[3] == pytest.approx(5.0, abs=1e-12)


def test_every_problem_is_reported_at_once() -> None:
    data = _qwl_answers([[3.0] * 15, [3.0] * 15])
    data["qwl_01"] = [3.0, 7.0]
    data["qwl_02"] = pd.Series(["3", "kolme"], dtype="str")
    with pytest.raises(DataValidationError) as info:
        score_scales(data, "qwl15")
    columns = sorted(p.column or "" for p in info.value.problems)
    assert columns == ["qwl_01", "qwl_02"]
    assert "outside the scale 1-5" in str(info.value)
    # Missing item columns are a wrong call, not wrong contents: every one is named at once.
    with pytest.raises(ArgumentError, match="'qwl_04' is not in data.*'qwl_09' is not in data"):
        score_scales(data.drop(columns=["qwl_04", "qwl_09"]), "qwl15")


def test_bad_options() -> None:
    data = _qwl_answers([[3.0] * 15])
    with pytest.raises(HRProductivityError, match="min_answered"):
        score_scales(data, "qwl15", min_answered=0)
    with pytest.raises(UnknownNameError, match="qwl15"):
        score_scales(data, "qwl16")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan]), min_size=15,
                         max_size=15), min_size=1, max_size=8))  # fmt: skip
def test_scores_stay_on_the_scale(rows: list[list[float]]) -> None:
    out = score_scales(_qwl_answers(rows), "qwl15")
    for f in ("FE", "YI", "PL"):
        values = out[f].dropna()
        assert ((values >= 1) & (values <= 5)).all()
        shares = out[f"{f}_share"].dropna()
        assert ((shares >= 0) & (shares <= 1)).all()
        assert out[f].isna().equals(out[f"{f}_share"].isna())


# --------------------------------------------------------------------------- QWL index


def test_kesti_approx_meets_the_published_anchor_points() -> None:
    """docs/qwl-index.md: all three factors at 75 % give 61.8 %; the range is 1-100 %."""
    assert _one(0.75, 0.75, 0.75) == pytest.approx(0.618, abs=1e-12)
    assert _one(1.0, 1.0, 1.0) == pytest.approx(1.0, abs=1e-12)
    assert _one(0.0, 0.0, 0.0) == pytest.approx(0.01, abs=1e-12)


def test_kesti_approx_is_not_the_mean_and_is_convex_on_the_diagonal() -> None:
    """Published: the index is not the average of the factors and grows "more
    like an exponential curve". On the diagonal the second differences are
    positive and the index lies below the factor level inside (0, 1)."""
    s = np.linspace(0, 1, 41)
    q = kesti_approx(s, s, s)
    assert np.all(np.diff(q, 2) > 0)
    assert np.all(q[2:-1] < s[2:-1])


@settings(max_examples=200, deadline=None)
@given(share, share, share, share)
def test_kesti_approx_range_and_monotone(fe: float, yi: float, pl: float, other: float) -> None:
    q = _one(fe, yi, pl)
    assert 0.01 - 1e-12 <= q <= 1 + 1e-12
    lo, hi = sorted((fe, other))
    assert _one(lo, yi, pl) <= _one(hi, yi, pl) + 1e-12
    lo, hi = sorted((yi, other))
    assert _one(fe, lo, pl) <= _one(fe, hi, pl) + 1e-12
    lo, hi = sorted((pl, other))
    assert _one(fe, yi, lo) <= _one(fe, yi, hi) + 1e-12


@settings(max_examples=200, deadline=None)
@given(share, share, share)
def test_fe_gates_the_index(fe: float, yi: float, pl: float) -> None:
    """FE, the hygiene factor, caps the index: with FE at 0.25 or below nothing
    lifts the index out of the lowest published band (< 40 %); with FE at 0.5
    or below it stays under the "some to develop" band (< 65 %). And low FE
    hurts more than equally low YI."""
    assert _one(min(fe, 0.25), yi, pl) < 0.40
    assert _one(min(fe, 0.5), yi, pl) < 0.65
    assert _one(fe, 1.0, 1.0) <= _one(1.0, fe, 1.0) + 1e-12


@settings(max_examples=200, deadline=None)
@given(share, share, share, share)
def test_pl_pays_only_when_fe_and_yi_are_in_order(fe: float, yi: float, a: float, b: float) -> None:
    """PL multiplies performance only when FE and YI are in order: the gain from
    PL 0 -> 1 grows with FE and with YI, is under 0.05 when FE = YI = 0.25 and
    over 0.3 when FE = YI = 1."""

    def gain(f: float, y: float) -> float:
        return _one(f, y, 1.0) - _one(f, y, 0.0)

    lo, hi = sorted((a, b))
    assert gain(lo, yi) <= gain(hi, yi) + 1e-12
    assert gain(fe, lo) <= gain(fe, hi) + 1e-12
    assert gain(0.25, 0.25) < 0.05
    assert gain(1.0, 1.0) > 0.3


def test_qwl_index_methods_and_missing() -> None:
    """mean of (0.2, 0.5, 0.8) = 0.5 by hand; kesti_approx at the anchor 0.618;
    a missing share gives a missing index."""
    scores = pd.DataFrame(
        {"FE_share": [0.2, 0.75, np.nan], "YI_share": [0.5, 0.75, 1.0], "PL_share": [0.8, 0.75, 1]},
        index=[10, 11, 12],
    )
    mean = qwl_index(scores, method="mean")
    assert mean.name == "qwl_index" and mean.index.tolist() == [10, 11, 12]
    assert mean.iloc[:2].tolist() == pytest.approx([0.5, 0.75], abs=1e-12)
    assert qwl_index(scores).iloc[1] == pytest.approx(0.618, abs=1e-12)
    assert np.isnan(qwl_index(scores).iloc[2])


def test_licensed_scorer_callable_and_registry(clean_registry: None) -> None:
    scores = pd.DataFrame({"FE_share": [0.2, 0.9], "YI_share": [0.5, 0.6], "PL_share": [0.8, 0.3]})

    def minimum(fe: np.ndarray, yi: np.ndarray, pl: np.ndarray) -> np.ndarray:
        return np.minimum(np.minimum(fe, yi), pl)

    assert qwl_index(scores, method=minimum).tolist() == pytest.approx([0.2, 0.3], abs=1e-12)
    register_qwl_scorer("official", minimum)
    assert "official" in qwl_scorers()
    assert qwl_index(scores, method="official").tolist() == pytest.approx([0.2, 0.3], abs=1e-12)
    with pytest.raises(HRProductivityError, match="already registered"):
        register_qwl_scorer("official", minimum)
    register_qwl_scorer("official", lambda fe, yi, pl: fe, overwrite=True)
    assert qwl_index(scores, method="official").tolist() == pytest.approx([0.2, 0.9], abs=1e-12)


def test_qwl_index_errors(clean_registry: None) -> None:
    scores = pd.DataFrame({"FE_share": [0.2], "YI_share": [0.5], "PL_share": [0.8]})
    with pytest.raises(UnknownNameError, match="kesti_approx, mean"):
        qwl_index(scores, method="kesti")
    with pytest.raises(HRProductivityError, match="returned 2 values"):
        qwl_index(scores, method=lambda fe, yi, pl: np.array([0.1, 0.2]))
    with pytest.raises(HRProductivityError, match="outside 0-1"):
        qwl_index(scores, method=lambda fe, yi, pl: fe * 100)
    with pytest.raises(ArgumentError, match="'PL_share' is not in scores"):
        qwl_index(scores.drop(columns="PL_share"))
    with pytest.raises(DataValidationError, match="outside 0-1"):
        qwl_index(scores.assign(FE_share=4.0))


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("percent", "en", "fi"),
    [
        (1, "very much to develop", "erittäin paljon kehitettävää"),
        (39, "very much to develop", "erittäin paljon kehitettävää"),
        (40, "much to develop", "paljon kehitettävää"),
        (60, "much to develop", "paljon kehitettävää"),  # Finnish average
        (64, "much to develop", "paljon kehitettävää"),
        (65, "some to develop", "jonkin verran kehitettävää"),
        (74, "some to develop", "jonkin verran kehitettävää"),
        (75, "excellent", "erinomainen"),
        (100, "excellent", "erinomainen"),
    ],
)
def test_published_bands(percent: int, en: str, fi: str) -> None:
    """safeinlogplus.fi: < 40, 40-64, 65-74, 75+ (docs/qwl-index.md)."""
    assert qwl_band(percent, scale="percent", lang="en") == en
    assert qwl_band(percent, scale="percent") == fi
    assert qwl_band(percent / 100, lang="en") == en


def test_band_boundaries_for_non_integers() -> None:
    """Half-open bands with cut points 40, 65, 75: 64.99 is still below 65;
    0.95 - 0.30 (= 0.6499999999999999 in floating point) is 0.65."""
    assert qwl_band(64.99, scale="percent", lang="en") == "much to develop"
    assert qwl_band(64.5, scale="percent", lang="en") == "much to develop"
    assert qwl_band(0.95 - 0.30, lang="en") == "some to develop"
    assert qwl_band(39.999, scale="percent", lang="en") == "very much to develop"
    assert qwl_band(np.nan) is None


def test_band_series_and_errors() -> None:
    values = pd.Series([0.2, np.nan, 0.7, 0.8], index=list("abcd"))
    out = qwl_band(values, lang="en")
    assert out.index.tolist() == list("abcd")
    assert out.iloc[[0, 2, 3]].tolist() == ["very much to develop", "some to develop", "excellent"]
    assert pd.isna(out.iloc[1])
    with pytest.raises(HRProductivityError, match="scale='percent'"):
        qwl_band(61.8)
    with pytest.raises(UnknownNameError, match="en, fi"):
        qwl_band(0.5, lang="sv")
    with pytest.raises(UnknownNameError, match="percent, share"):
        qwl_band(0.5, scale="pct")
