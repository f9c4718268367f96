"""rwg(j) with missing item answers, and the ICC(1) group size, against R's logic.

Outside references:

- R ``multilevel::rwg.j`` source, file ``R/multilevel.R`` of the CRAN mirror
  https://github.com/cran/multilevel: version 2.8 (commit 4e8d0b9) has
  ``rwg.j(x, grpid, ranvar = 2, listwise = FALSE)`` and computes
  ``S <- mean(apply(Q, 2, var, na.rm = TRUE))`` per group with ``na.exclude`` only
  when ``listwise = TRUE`` (its help page: listwise deletion "was the default prior
  to version 2.8 but is not recommended"); version 2.7.1 (commit 2260e34) applies
  ``na.exclude`` to every row first. Then ``S`` is truncated at ``ranvar`` and
  rwg(j) = J (1 − S/ranvar) / (J (1 − S/ranvar) + S/ranvar).
- R ``ICC::ICCest`` source (https://github.com/cran/ICC, ``R/ICCest.R``):
  ``k <- (1/(a-1)) * (sum(n_j) - sum(n_j^2)/sum(n_j))``, "the equation in Lessells and
  Boag (1987)", the coefficient of the between-group variance in the expected
  between-group mean square of an unbalanced one-way ANOVA (Searle 1971).
- Hand calculations written in each docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hrproductivity.aggregation import icc1, rwg_j
from hrproductivity.errors import UnknownNameError


def _data() -> pd.DataFrame:
    """Unit a: five complete answers and a sixth without i3; unit b: an item answered once."""
    return pd.DataFrame(
        {
            "unit": ["a"] * 6 + ["b"] * 3,
            "i1": [3, 4, 4, 5, 4, 1, 2, 3, 4],
            "i2": [2, 2, 2, 2, 2, 5, 2, 3, 4],
            "i3": [1, 2, 3, 4, 5, np.nan, 3, np.nan, np.nan],
        }
    )


def test_rwg_j_default_uses_each_items_answers_as_multilevel_2_8() -> None:
    """multilevel 2.8, listwise = FALSE, unit a (ranvar 2):
    i1 = 3,4,4,5,4,1: mean 3.5, squares .25+.25+.25+2.25+.25+6.25 = 9.5, s² = 1.9;
    i2 = 2,2,2,2,2,5: mean 2.5, squares 5 × .25 + 6.25 = 7.5, s² = 1.5;
    i3 = 1,2,3,4,5: s² = 2.5. S = 5.9/3 = 1.966667, S/ranvar = 0.983333,
    rwg(j) = 3 × 0.016667 / (3 × 0.016667 + 0.983333) = 0.05 / 1.033333 = 0.048387.
    Unit b: i3 has one answer, var(na.rm = TRUE) is NA in R: NaN here."""
    out = rwg_j(_data(), items=["i1", "i2", "i3"], by="unit", scale_min=1, scale_max=5)
    a = out.set_index("unit").loc["a"]
    assert a["n"] == 6
    assert a["mean_variance"] == pytest.approx(5.9 / 3, abs=1e-12)
    assert a["rwg_j"] == pytest.approx(0.05 / (0.05 + 0.983333333333), abs=1e-9)
    assert a["rwg_j"] == pytest.approx(0.048387, abs=1e-6)
    assert np.isnan(out.set_index("unit").loc["b", "rwg_j"])


def test_rwg_j_listwise_as_multilevel_2_7_1() -> None:
    """multilevel ≤ 2.7.1 (or 2.8 with listwise = TRUE), unit a: the sixth respondent is
    dropped: i1 s² 0.5, i2 0, i3 2.5; S = 1.0, rwg(j) = 1.5 / 2 = 0.75. Unit b keeps one
    complete answer: fewer than two, NaN."""
    out = rwg_j(
        _data(), items=["i1", "i2", "i3"], by="unit", scale_min=1, scale_max=5, missing="listwise"
    ).set_index("unit")
    assert out.loc["a", "n"] == 5
    assert out.loc["a", "rwg_j"] == pytest.approx(0.75, abs=1e-12)
    assert np.isnan(out.loc["b", "rwg_j"])
    with pytest.raises(UnknownNameError, match="available, listwise"):
        rwg_j(_data(), items=["i1"], by="unit", scale_min=1, scale_max=5, missing="pairwise")


def test_icc1_adjusted_group_size_is_the_anova_n0() -> None:
    """Groups of 2, 3 and 7 (N = 12, J = 3): k = (12 − (4 + 9 + 49)/12) / 2
    = (12 − 5.166667) / 2 = 3.416667, below the mean size 4 (ICC::ICCest's k,
    Lessells & Boag 1987). y = 1,3 | 2,4,6 | 5,6,7,8,9,10,11: group means 2, 4, 8,
    grand mean 72/12 = 6; SSB = 2(2 − 6)² + 3(4 − 6)² + 7(8 − 6)² = 32 + 12 + 28 = 72,
    MSB = 36; SSW = 2 + 8 + 28 = 38, MSW = 38/9 = 4.2222; ICC(1) = (36 − 4.2222) /
    (36 + 2.416667 × 4.2222) = 31.7778 / 46.2037 = 0.687776."""
    d = pd.DataFrame(
        {
            "unit": ["a"] * 2 + ["b"] * 3 + ["c"] * 7,
            "y": [1, 3, 2, 4, 6, 5, 6, 7, 8, 9, 10, 11.0],
        }
    )
    out = icc1(d, value="y", by="unit").iloc[0]
    assert out["k"] == pytest.approx(41 / 12, abs=1e-12)
    assert out["estimate"] == pytest.approx(0.687776, abs=1e-6)
    mean_k = icc1(d, value="y", by="unit", group_size="mean").iloc[0]
    assert mean_k["k"] == pytest.approx(4.0)
