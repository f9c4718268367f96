"""From respondents to units: agreement and reliability of unit means, and unit tables.

Aggregating individual answers to a unit mean has to be justified (Bliese
2000): ICC(1) says how much of the variance lies between units, ICC(2) how
reliable a unit mean is, and rwg / rwg(j) how much the members of one unit
agree. :func:`aggregate` then builds the unit (or organisation, or any other
grouping) table a report shows; :func:`aggregate_hierarchy` stacks several
levels of it for :func:`~hrproductivity.privacy.suppress`.

Every function takes the per-respondent table first (``data`` or ``scores``)
and names its grouping columns with ``by``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from hrproductivity._checks import check_columns
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    ModelWarning,
    Problem,
    UnknownNameError,
)
from hrproductivity.instruments import Instrument, load_instrument
from hrproductivity.scoring import ID_COLUMNS, QWLScorer, qwl_index

__all__ = [
    "NULL_DISTRIBUTIONS",
    "aggregate",
    "aggregate_hierarchy",
    "icc1",
    "icc1_mixed",
    "icc2",
    "mean_ci",
    "mean_difference_ci",
    "null_variance",
    "rwg",
    "rwg_j",
]

# --------------------------------------------------------------------------- helpers


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


def _require(frame: pd.DataFrame, cols: Sequence[str], argument: str) -> None:
    check_columns(frame, argument, columns=list(cols))


def _numeric(frame: pd.DataFrame, col: str, argument: str) -> pd.Series:
    raw = frame[col]
    values = pd.to_numeric(raw.astype("float64") if raw.dtype == "boolean" else raw, "coerce")
    if (values.isna() & raw.notna()).any():
        raise DataValidationError([Problem(argument, None, col, "holds non-numeric values")])
    return values.astype("float64")


def _group_codes(frame: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group codes for the rows of ``frame`` and the table of group keys."""
    keys = frame[by].drop_duplicates().sort_values(by).reset_index(drop=True)
    codes = frame[by].merge(keys.reset_index(), on=by, how="left")["index"].to_numpy()
    return codes, keys


# --------------------------------------------------------------------------- ICC


def _oneway(data: pd.DataFrame, value: str, by: list[str]) -> dict[str, float]:
    from scipy import stats

    y = _numeric(data, value, "data")
    keep = y.notna().to_numpy()
    frame = data.loc[keep, by].copy()
    frame["_y"] = y[keep].to_numpy()
    groups = frame.groupby(by, dropna=False, sort=False)["_y"]
    n_i = groups.size().to_numpy(dtype="float64")
    means = groups.mean().to_numpy(dtype="float64")
    n_total = float(n_i.sum())
    n_groups = len(n_i)
    if n_groups < 2:
        raise ArgumentError(f"ICC needs at least two groups in by={by}; {value!r} has {n_groups}")
    if n_total - n_groups < 1:
        raise ArgumentError(
            f"ICC needs some groups with two or more answers; every group in by={by} has one"
        )
    grand = float(frame["_y"].mean())
    ss_between = float(np.sum(n_i * (means - grand) ** 2))
    ss_within = float(((frame["_y"] - groups.transform("mean")) ** 2).sum())
    df1, df2 = n_groups - 1.0, n_total - n_groups
    msb, msw = ss_between / df1, ss_within / df2
    f_value = msb / msw if msw > 0 else np.inf
    return {
        "msb": msb,
        "msw": msw,
        "f": f_value,
        "df1": df1,
        "df2": df2,
        "p_val": float(stats.f.sf(f_value, df1, df2)),
        "k_adjusted": (n_total - float(np.sum(n_i**2)) / n_total) / df1,
        "k_mean": n_total / n_groups,
        "n_groups": float(n_groups),
        "n": n_total,
    }


_GROUP_SIZES = ("adjusted", "mean")


def _icc(
    data: pd.DataFrame,
    value: str | Sequence[str],
    by: str | Sequence[str],
    alpha: float,
    group_size: str,
    which: str,
) -> pd.DataFrame:
    from scipy import stats

    keys = _as_list(by)
    values = _as_list(value)
    _require(data, keys + values, "data")
    if group_size not in _GROUP_SIZES:
        raise UnknownNameError("group_size", group_size, list(_GROUP_SIZES))
    if not 0 < alpha < 1:
        raise ArgumentError(f"alpha must lie in (0, 1), such as 0.05; got {alpha!r}")
    rows: list[dict[str, Any]] = []
    for col in values:
        a = _oneway(data, col, keys)
        k = a["k_adjusted"] if group_size == "adjusted" else a["k_mean"]
        msb, msw, f_value = a["msb"], a["msw"], a["f"]
        f_low = f_value / stats.f.ppf(1 - alpha / 2, a["df1"], a["df2"])
        f_high = f_value * stats.f.ppf(1 - alpha / 2, a["df2"], a["df1"])
        if which == "icc1":
            estimate = (msb - msw) / (msb + (k - 1) * msw) if msb + msw > 0 else np.nan
            ci = ((f_low - 1) / (f_low + k - 1), (f_high - 1) / (f_high + k - 1))
        else:
            estimate = (msb - msw) / msb if msb > 0 else np.nan
            ci = (1 - 1 / f_low, 1 - 1 / f_high)
        rows.append(
            {
                "variable": col,
                "statistic": which,
                "estimate": estimate,
                "ci_low": ci[0],
                "ci_high": ci[1],
                "f": f_value,
                "df1": int(a["df1"]),
                "df2": int(a["df2"]),
                "p_val": a["p_val"],
                "ms_between": msb,
                "ms_within": msw,
                "k": k,
                "n_groups": int(a["n_groups"]),
                "n": int(a["n"]),
            }
        )
    return pd.DataFrame(rows)


def icc1(
    data: pd.DataFrame,
    *,
    value: str | Sequence[str],
    by: str | Sequence[str],
    alpha: float = 0.05,
    group_size: str = "adjusted",
) -> pd.DataFrame:
    """ICC(1): the share of variance between groups, from a one-way ANOVA.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    value : str or sequence of str
        The score column(s), such as ``"FE"`` or ``["FE", "YI", "PL"]``; one
        output row each. Missing values are left out.
    by : str or sequence of str
        The grouping columns, such as ``("org", "unit")``.
    alpha : float, default 0.05
        The confidence interval is at level 1 - alpha.
    group_size : {"adjusted", "mean"}, default "adjusted"
        The group size :math:`k` in the formula: ``"adjusted"``, the
        :math:`n_0` of the unbalanced one-way ANOVA (Searle 1971; Lessells &
        Boag 1987; what R's ``ICC::ICCest`` uses), or ``"mean"``, :math:`N/J`,
        which is what R's ``multilevel::ICC1`` uses. They agree when groups are
        equal; with unequal groups :math:`n_0 < N/J`.

    Returns
    -------
    DataFrame
        One row per value column: ``variable``, ``statistic`` ("icc1"),
        ``estimate``, ``ci_low``, ``ci_high``, ``f`` (MSB/MSW), ``df1``
        (J - 1), ``df2`` (N - J), ``p_val`` (F test of no group differences),
        ``ms_between``, ``ms_within``, ``k``, ``n_groups`` (J), ``n`` (N).

    Raises
    ------
    DataValidationError
        A column is missing or not numeric.
    HRProductivityError
        Fewer than two groups, or no group with two answers, or a bad ``alpha``.
    UnknownNameError
        ``group_size`` is not "adjusted" or "mean".

    Notes
    -----
    With :math:`J` groups of sizes :math:`n_j`, :math:`N = \\sum n_j`,

    .. math::

        ICC(1) = \\frac{MSB - MSW}{MSB + (k - 1)\\,MSW},\\qquad
        k = \\frac{N - \\sum_j n_j^2 / N}{J - 1}.

    This :math:`k` (``group_size="adjusted"``) is the coefficient of the
    between-group variance in the expected between-group mean square,
    :math:`E(MSB) = \\sigma^2_w + k\\,\\sigma^2_b`, of the one-way random-effects
    ANOVA with unequal groups (Searle 1971), so the estimate is the ANOVA
    estimator of :math:`\\sigma^2_b / (\\sigma^2_b + \\sigma^2_w)`; Lessells &
    Boag (1987) give it for repeatabilities and R's ``ICC::ICCest`` uses it.

    ICC(1) can be negative when groups differ less than chance would make
    them. The confidence interval is the F-based interval of Shrout & Fleiss
    (1979) for ICC(1,1) with :math:`k` in place of the common group size:
    :math:`F_L = F / F_{1-\\alpha/2}(J-1, N-J)`,
    :math:`F_U = F \\cdot F_{1-\\alpha/2}(N-J, J-1)`,
    bounds :math:`(F_{L,U} - 1)/(F_{L,U} + k - 1)`; exact for equal groups,
    an approximation otherwise.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and
    reliability: implications for data aggregation and analysis. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and
    methods in organizations* (pp. 349-381). Jossey-Bass. (ICC(1) for
    aggregation; its R package ``multilevel`` uses the mean group size.)

    Lessells, C. M., & Boag, P. T. (1987). Unrepeatable repeatabilities: a
    common mistake. *The Auk*, 104(1), 116-121.

    Searle, S. R. (1971). *Linear models*. Wiley.

    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in
    assessing rater reliability. *Psychological Bulletin*, 86(2), 420-428.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": list("aaabbbccc"),
    ...                   "FE": [1, 2, 3, 4, 5, 6, 7, 8, 9.0]})
    >>> icc1(d, value="FE", by="unit")[["estimate", "f", "k"]].round(3)
       estimate     f    k
    0     0.897  27.0  3.0

    In R: ``ICC::ICCest(unit, FE, data = d)`` (adjusted group size), or
    ``multilevel::ICC1(aov(FE ~ as.factor(unit), data = d))`` for
    ``group_size="mean"``; equal groups here, so all three agree.
    """
    return _icc(data, value, by, alpha, group_size, "icc1")


def icc2(
    data: pd.DataFrame,
    *,
    value: str | Sequence[str],
    by: str | Sequence[str],
    alpha: float = 0.05,
) -> pd.DataFrame:
    """ICC(2): the reliability of the group means, from a one-way ANOVA.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    value : str or sequence of str
        The score column(s); one output row each. Missing values are left out.
    by : str or sequence of str
        The grouping columns.
    alpha : float, default 0.05
        The confidence interval is at level 1 - alpha.

    Returns
    -------
    DataFrame
        The same columns as :func:`icc1`, with ``statistic`` "icc2" and ``k``
        the adjusted mean group size (reported; the estimate does not use it).

    Raises
    ------
    DataValidationError
        A column is missing or not numeric.
    HRProductivityError
        Fewer than two groups, or no group with two answers, or a bad ``alpha``.

    Notes
    -----
    .. math:: ICC(2) = \\frac{MSB - MSW}{MSB} = 1 - \\frac{1}{F}

    The interval is :math:`1 - 1/F_L` to :math:`1 - 1/F_U` (Shrout & Fleiss
    1979, ICC(1,k)). Values of .70 or more are usually read as reliable unit
    means.

    References
    ----------
    Bliese, P. D. (2000), see :func:`icc1`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": list("aaabbbccc"),
    ...                   "FE": [1, 2, 3, 4, 5, 6, 7, 8, 9.0]})
    >>> round(float(icc2(d, value="FE", by="unit")["estimate"].iloc[0]), 4)
    0.963

    In R: ``multilevel::ICC2(aov(FE ~ as.factor(unit), data = d))``.
    """
    return _icc(data, value, by, alpha, "adjusted", "icc2")


def icc1_mixed(
    data: pd.DataFrame,
    *,
    value: str | Sequence[str],
    by: str | Sequence[str],
) -> pd.DataFrame:
    """ICC(1) from a random-intercept model (REML), to compare with :func:`icc1`.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    value : str or sequence of str
        The score column(s); one output row each. Missing values are left out.
    by : str or sequence of str
        The grouping columns; their combination is the random-intercept group.

    Returns
    -------
    DataFrame
        One row per value column: ``variable``, ``statistic``
        ("icc1_mixed"), ``estimate``, ``var_between`` (:math:`\\tau_{00}`),
        ``var_within`` (:math:`\\sigma^2`), ``n_groups``, ``n``, ``converged``.

    Raises
    ------
    DataValidationError
        A column is missing or not numeric.

    Warns
    -----
    ModelWarning
        The optimiser did not converge or the between-group variance is on
        its boundary (zero); the estimate is then 0 or unreliable.

    Notes
    -----
    Fits :math:`y_{ij} = \\gamma_{00} + u_{0j} + e_{ij}` with
    ``statsmodels.MixedLM`` by REML, and returns
    :math:`\\tau_{00} / (\\tau_{00} + \\sigma^2)`. With equal group sizes and
    a positive between-group variance the REML estimates equal the ANOVA
    ones, so the result equals :func:`icc1`; with unequal groups they differ
    slightly. Unlike the ANOVA estimate it is never negative.

    References
    ----------
    Raudenbush, S. W., & Bryk, A. S. (2002). *Hierarchical linear models*
    (2nd ed.). Sage. Chapter 2, the one-way ANOVA with random effects.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": list("aaabbbccc"),
    ...                   "FE": [1, 2, 3, 4, 5, 6, 7, 8, 9.0]})
    >>> round(float(icc1_mixed(d, value="FE", by="unit")["estimate"].iloc[0]), 3)
    0.897

    In R: ``performance::icc(lme4::lmer(FE ~ 1 + (1 | unit), data = d))``.
    """
    import statsmodels.api as sm

    keys = _as_list(by)
    values = _as_list(value)
    _require(data, keys + values, "data")
    rows: list[dict[str, Any]] = []
    for col in values:
        y = _numeric(data, col, "data")
        keep = y.notna().to_numpy()
        codes, key_table = _group_codes(data.loc[keep], keys)
        raw = y[keep].to_numpy()
        # Fit on the standardised variable: the ICC does not depend on scale, but
        # statsmodels' boundary check is absolute (variance < 0.01), so a share-scaled
        # variable (QWL index 0-1) would always be flagged. Variances are scaled back.
        sd = float(raw.std()) or 1.0
        endog = (raw - raw.mean()) / sd
        exog = np.ones((len(endog), 1))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = sm.MixedLM(endog, exog, groups=codes).fit(reml=True)
        tau = float(np.asarray(fit.cov_re)[0, 0]) * sd**2
        sigma2 = float(fit.scale) * sd**2
        converged = bool(getattr(fit, "converged", True))
        if caught or not converged:
            said = sorted({str(w.message).splitlines()[0] for w in caught})
            warnings.warn(
                f"icc1_mixed({col!r}): the random-intercept model reported "
                f"{'; '.join(said) or 'no convergence'}",
                ModelWarning,
                stacklevel=2,
            )
        rows.append(
            {
                "variable": col,
                "statistic": "icc1_mixed",
                "estimate": tau / (tau + sigma2),
                "var_between": tau,
                "var_within": sigma2,
                "n_groups": len(key_table),
                "n": len(endog),
                "converged": converged,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- rwg

#: Null response distributions for a 5-point scale (James, Demaree & Wolf 1984;
#: LeBreton & Senter 2008, Table 2): answer proportions from the lowest option
#: up. Their variances are 1.34, 0.90, 0.44, 1.32 and 1.04; "uniform" (any
#: number of options) is (A² - 1) / 12.
NULL_DISTRIBUTIONS: dict[str, tuple[float, ...]] = {
    "slight_skew": (0.05, 0.15, 0.20, 0.35, 0.25),
    "moderate_skew": (0.00, 0.10, 0.15, 0.40, 0.35),
    "heavy_skew": (0.00, 0.00, 0.10, 0.40, 0.50),
    "triangular": (0.11, 0.22, 0.34, 0.22, 0.11),
    "normal": (0.07, 0.24, 0.38, 0.24, 0.07),
}


def null_variance(*, scale_min: int, scale_max: int, null: str | float = "uniform") -> float:
    """The expected variance of answers under a null ("no agreement") distribution.

    Parameters
    ----------
    scale_min, scale_max : int
        The lowest and highest answer option.
    null : str or float, default "uniform"
        ``"uniform"`` (every option equally likely), one of the skewed or
        symmetric 5-point nulls in :data:`NULL_DISTRIBUTIONS`
        (``"slight_skew"``, ``"moderate_skew"``, ``"heavy_skew"``,
        ``"triangular"``, ``"normal"``), or a variance given as a number.

    Returns
    -------
    float
        :math:`\\sigma^2_E`.

    Raises
    ------
    UnknownNameError
        ``null`` is not a known name.
    HRProductivityError
        A named non-uniform null on a scale that does not have five options,
        a non-positive variance, or ``scale_max <= scale_min``.

    Notes
    -----
    Uniform: :math:`\\sigma^2_{EU} = (A^2 - 1)/12` with :math:`A` options (2.0
    for five). A named null's variance is :math:`\\sum_a p_a (a - \\mu)^2`
    over its proportions. The skewed nulls lean to the favourable end
    (leniency): on a 5-point scale slight skew gives 1.34 and moderate skew
    0.90.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
    interrater reliability with and without response bias. *Journal of
    Applied Psychology*, 69(1), 85-98.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
    interrater reliability and interrater agreement. *Organizational Research
    Methods*, 11(4), 815-852.

    Examples
    --------
    >>> null_variance(scale_min=1, scale_max=5)
    2.0
    >>> round(null_variance(scale_min=1, scale_max=5, null="slight_skew"), 2)
    1.34
    """
    if not scale_max > scale_min:
        raise ArgumentError(
            f"scale_max must be greater than scale_min; got {scale_min!r} and {scale_max!r}"
        )
    options = scale_max - scale_min + 1
    if isinstance(null, int | float) and not isinstance(null, bool):
        if not null > 0:
            raise ArgumentError(f"null as a variance must be positive; got {null!r}")
        return float(null)
    if null == "uniform":
        return (options**2 - 1) / 12
    if null not in NULL_DISTRIBUTIONS:
        raise UnknownNameError("null distribution", null, ["uniform", *NULL_DISTRIBUTIONS])
    if options != 5:
        raise ArgumentError(
            f"null={null!r} is tabulated for 5-point scales only; this scale has {options} "
            "options: pass null='uniform' or the null variance as a number"
        )
    p = np.array(NULL_DISTRIBUTIONS[null])
    a = np.arange(1, 6)
    mu = float(np.sum(p * a))
    return float(np.sum(p * (a - mu) ** 2))


def rwg(
    data: pd.DataFrame,
    *,
    item: str,
    by: str | Sequence[str],
    scale_min: int,
    scale_max: int,
    null: str | float = "uniform",
    truncate: bool = True,
) -> pd.DataFrame:
    """Within-group agreement on a single item, rwg (James, Demaree & Wolf 1984).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    item : str
        The item (or single score) column.
    by : str or sequence of str
        The grouping columns.
    scale_min, scale_max : int
        The answer scale, such as 1 and 5.
    null : str or float, default "uniform"
        The null distribution; see :func:`null_variance`.
    truncate : bool, default True
        Set values below 0 (more disagreement than the null) to 0.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``n`` (answers), ``variance``
        (:math:`s^2`, ddof 1), ``null_variance``, ``rwg``; ``rwg`` is NaN for
        groups with fewer than two answers.

    Raises
    ------
    DataValidationError
        A column is missing or not numeric.
    UnknownNameError, HRProductivityError
        See :func:`null_variance`.

    Notes
    -----
    .. math:: r_{wg} = 1 - s^2 / \\sigma^2_E

    Negative values mean more disagreement than under the null; following
    common practice (LeBreton & Senter 2008) they are set to 0 unless
    ``truncate=False``. Values of .70 or more are usually read as enough
    agreement to aggregate.

    References
    ----------
    James, Demaree & Wolf (1984); LeBreton & Senter (2008): see
    :func:`null_variance`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": ["a"] * 5, "qwl_01": [3, 4, 4, 5, 4.0]})
    >>> rwg(d, item="qwl_01", by="unit", scale_min=1, scale_max=5)
      unit  n  variance  null_variance   rwg
    0    a  5       0.5            2.0  0.75

    In R: ``multilevel::rwg(d$qwl_01, d$unit, ranvar = 2)``.
    """
    keys = _as_list(by)
    _require(data, [*keys, item], "data")
    sigma2 = null_variance(scale_min=scale_min, scale_max=scale_max, null=null)
    frame = data[keys].copy()
    frame["_y"] = _numeric(data, item, "data")
    grouped = frame.dropna(subset=["_y"]).groupby(keys, dropna=False, sort=True)["_y"]
    out = grouped.agg(n="count", variance="var").reset_index()
    out["null_variance"] = sigma2
    value = 1 - out["variance"] / sigma2
    out["rwg"] = value.clip(lower=0) if truncate else value
    out["n"] = out["n"].astype("int64")
    return out


_MISSING_ITEMS = ("available", "listwise")


def rwg_j(
    data: pd.DataFrame,
    *,
    items: Sequence[str],
    by: str | Sequence[str],
    scale_min: int,
    scale_max: int,
    null: str | float = "uniform",
    truncate: bool = True,
    missing: str = "available",
) -> pd.DataFrame:
    """Within-group agreement on a multi-item scale, rwg(j) (James, Demaree & Wolf 1984).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    items : sequence of str
        The scale's item columns, such as the five FE items.
    by : str or sequence of str
        The grouping columns.
    scale_min, scale_max : int
        The answer scale of the items.
    null : str or float, default "uniform"
        The null distribution; see :func:`null_variance`.
    truncate : bool, default True
        Set out-of-range values to 0: when the mean item variance reaches the
        null variance the formula leaves [0, 1] (it turns negative or jumps
        above 1), which means no agreement.
    missing : {"available", "listwise"}, default "available"
        How missing item answers are handled. ``"available"``: each item's
        variance uses the answers to that item (R ``multilevel::rwg.j`` from
        version 2.8, its default ``listwise = FALSE``). ``"listwise"``:
        respondents with any item missing are left out (``multilevel`` up to
        2.7.1, and ``listwise = TRUE`` in 2.8, which calls it not recommended
        and keeps it for backward compatibility).

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``n`` (respondents who answered
        at least one item; with ``missing="listwise"``, every item),
        ``n_items`` (J), ``mean_variance`` (:math:`\\bar s^2`, the mean of the
        item variances), ``null_variance``, ``rwg_j``; NaN for groups where an
        item has fewer than two answers.

    Raises
    ------
    DataValidationError
        A column is missing or not numeric.
    UnknownNameError, HRProductivityError
        See :func:`null_variance`; also an unknown ``missing``.

    Notes
    -----
    .. math::

        r_{wg(J)} = \\frac{J\\,(1 - \\bar s^2/\\sigma^2_E)}
                         {J\\,(1 - \\bar s^2/\\sigma^2_E) + \\bar s^2/\\sigma^2_E}

    :math:`\\bar s^2` is the mean of the J item variances (ddof 1). By default
    each item's variance uses the group's answers to that item, as R's
    ``multilevel::rwg.j`` does from version 2.8 (``var(..., na.rm = TRUE)`` per
    item, no listwise deletion); ``missing="listwise"`` gives the results of
    ``multilevel`` 2.7.1 and earlier. R's ``gsize`` counts every row of the
    group, ``n`` here only respondents who answered an item. With
    ``truncate`` (the default), groups with :math:`\\bar s^2 \\ge \\sigma^2_E`
    get 0 (LeBreton & Senter 2008).

    References
    ----------
    James, Demaree & Wolf (1984); LeBreton & Senter (2008): see
    :func:`null_variance`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": ["a"] * 5, "i1": [3, 4, 4, 5, 4.0],
    ...                   "i2": [3, 4, 4, 5, 4.0], "i3": [3, 4, 4, 5, 4.0]})
    >>> float(rwg_j(d, items=["i1", "i2", "i3"], by="unit", scale_min=1,
    ...             scale_max=5)["rwg_j"].iloc[0])
    0.9

    In R: ``multilevel::rwg.j(d[, c("i1", "i2", "i3")], d$unit, ranvar = 2)``
    (multilevel ≥ 2.8; add ``listwise = TRUE`` for ``missing="listwise"``).
    """
    keys = _as_list(by)
    item_list = _as_list(items)
    if not item_list:
        raise ArgumentError("items must name at least one item column")
    if missing not in _MISSING_ITEMS:
        raise UnknownNameError("missing", missing, list(_MISSING_ITEMS))
    _require(data, keys + item_list, "data")
    sigma2 = null_variance(scale_min=scale_min, scale_max=scale_max, null=null)
    frame = data[keys].copy()
    for col in item_list:
        frame[col] = _numeric(data, col, "data")
    frame = frame.dropna(subset=item_list, how="any" if missing == "listwise" else "all")
    grouped = frame.groupby(keys, dropna=False, sort=True)
    out = grouped.size().rename("n").reset_index()
    out["n_items"] = len(item_list)
    # per item over its own answers; an item with < 2 answers makes the group NaN
    out["mean_variance"] = grouped[item_list].var().mean(axis=1, skipna=False).to_numpy()
    out["null_variance"] = sigma2
    j = float(len(item_list))
    ratio = out["mean_variance"] / sigma2
    value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    out["rwg_j"] = value.where(ratio < 1, 0.0).where(ratio.notna()) if truncate else value
    out["n"] = out["n"].astype("int64")
    return out


# --------------------------------------------------------------------------- intervals


def _check_alpha(alpha: float) -> None:
    if not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ArgumentError(f"alpha must lie in (0, 1), such as 0.05; got {alpha!r}")


def _interval_result(low: np.ndarray, high: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(low), float(high)
    return low, high


def mean_ci(
    mean: float | np.ndarray | pd.Series,
    se: float | np.ndarray | pd.Series,
    n: float | np.ndarray | pd.Series,
    *,
    alpha: float = 0.05,
    population: float | np.ndarray | pd.Series | None = None,
) -> tuple[Any, Any]:
    """The confidence interval of a unit mean: mean ± t(n − 1) · se.

    The one interval every report and teaching notebook prints for the mean of
    a unit, an organisation or any other group of respondents.

    Parameters
    ----------
    mean : float or array-like
        The group means.
    se : float or array-like
        Their standard errors, SD / √n (SD with ddof 1).
    n : float or array-like
        The numbers of answers the means and SDs are computed from.
    alpha : float, keyword-only, default 0.05
        The interval is at level 1 − alpha.
    population : float or array-like, optional, keyword-only
        The size N of a finite population the interval is about (the people
        invited, say). Given, the standard error is multiplied by the
        finite-population correction √(1 − n/N). Default None: the interval is
        about the process that produces the answers (see Notes), without the
        correction; this is what the reports use.

    Returns
    -------
    tuple
        ``(low, high)``: floats for scalar input, arrays otherwise. NaN where
        the mean or se is missing or n < 2.

    Raises
    ------
    ArgumentError
        ``alpha`` outside (0, 1), or a ``population`` smaller than ``n``.

    Notes
    -----
    .. math:: \\bar y \\pm t_{1-\\alpha/2}(n - 1)\\; se, \\qquad se = s/\\sqrt n

    and with ``population`` :math:`se\\sqrt{1 - n/N}` (Cochran 1977, §2.5).
    The normal quantile 1.96 in place of :math:`t(n-1)` covers 91.8 % instead
    of 95 % at n = 10 for normal data. Which population the interval is about,
    and why the reports leave the correction out, is set out in the method
    note docs/intervals.md.

    References
    ----------
    Cochran, W. G. (1977). *Sampling techniques* (3rd ed.). Wiley.

    Examples
    --------
    Mean 0.5, SD 0.1, n = 4: se = 0.05 and t(3, 0.975) = 3.1824, so the
    half-width is 0.1591:

    >>> low, high = mean_ci(0.5, 0.05, 4)
    >>> round(low, 4), round(high, 4)
    (0.3409, 0.6591)

    In R: ``t.test(x)$conf.int``.
    """
    from scipy.special import stdtrit  # scipy.stats costs a report kernel 0.5 s to import

    _check_alpha(alpha)
    scalar = all(np.ndim(x) == 0 for x in (mean, se, n, 0 if population is None else population))
    m = np.asarray(mean, dtype="float64")
    s = np.asarray(se, dtype="float64")
    k = np.asarray(n, dtype="float64")
    if population is not None:
        big_n = np.asarray(population, dtype="float64")
        if np.any(big_n < k):
            raise ArgumentError("population must be at least n, the number of answers")
        with np.errstate(invalid="ignore", divide="ignore"):
            s = s * np.sqrt(1.0 - k / big_n)
    df = np.where(k >= 2, k - 1.0, np.nan)
    half = stdtrit(df, 1 - alpha / 2) * s
    return _interval_result(m - half, m + half, scalar)


def mean_difference_ci(
    difference: float | np.ndarray | pd.Series,
    se: tuple[Any, Any],
    n: tuple[Any, Any],
    *,
    alpha: float = 0.05,
) -> tuple[Any, Any]:
    """The confidence interval of a difference of two independent group means (Welch).

    Parameters
    ----------
    difference : float or array-like
        :math:`\\bar y_1 - \\bar y_0`.
    se : tuple of two floats or array-likes
        The standard errors of the two means, :math:`(se_1, se_0)`.
    n : tuple of two floats or array-likes
        The numbers of answers behind them, :math:`(n_1, n_0)`.
    alpha : float, keyword-only, default 0.05

    Returns
    -------
    tuple
        ``(low, high)``: floats for scalar input, arrays otherwise; NaN where a
        value is missing or a group has fewer than 2 answers.

    Raises
    ------
    ArgumentError
        ``alpha`` outside (0, 1).

    Notes
    -----
    .. math::

        d \\pm t_{1-\\alpha/2}(\\nu)\\, \\sqrt{se_1^2 + se_0^2},\\qquad
        \\nu = \\frac{(se_1^2 + se_0^2)^2}{se_1^4/(n_1 - 1) + se_0^4/(n_0 - 1)}

    (Welch 1947; Satterthwaite 1946). The two groups are treated as
    independent samples, as for two survey waves; docs/intervals.md.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when
    several different population variances are involved. *Biometrika*, 34,
    28-35.

    Examples
    --------
    Two waves of 10 answers, se 0.03 each: se(d) = 0.042426, ν = 18,
    t(18, 0.975) = 2.1009:

    >>> low, high = mean_difference_ci(0.05, (0.03, 0.03), (10, 10))
    >>> round(low, 4), round(high, 4)
    (-0.0391, 0.1391)

    In R: ``t.test(x1, x0)$conf.int`` (Welch is R's default).
    """
    from scipy.special import stdtrit  # scipy.stats costs a report kernel 0.5 s to import

    _check_alpha(alpha)
    se1, se0 = (np.asarray(x, dtype="float64") for x in se)
    n1, n0 = (np.asarray(x, dtype="float64") for x in n)
    d = np.asarray(difference, dtype="float64")
    scalar = all(np.ndim(x) == 0 for x in (difference, *se, *n))
    v1, v0 = se1**2, se0**2
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (v1 + v0) ** 2 / (v1**2 / (n1 - 1.0) + v0**2 / (n0 - 1.0))
    df = np.where((n1 >= 2) & (n0 >= 2), df, np.nan)
    half = stdtrit(df, 1 - alpha / 2) * np.sqrt(v1 + v0)
    half = np.where((v1 + v0 == 0) & (n1 >= 2) & (n0 >= 2), 0.0, half)  # no spread at all
    return _interval_result(d - half, d + half, scalar)


# --------------------------------------------------------------------------- unit tables


def _value_columns(
    scores: pd.DataFrame,
    keys: list[str],
    value_cols: str | Sequence[str] | None,
    inst: Instrument | None,
) -> list[str]:
    if value_cols is not None:
        cols = _as_list(value_cols)
    elif inst is not None:
        cols = [*inst.factors, *(t.name for t in inst.totals)]
    else:
        skip = {*keys, *ID_COLUMNS, "qwl_index"}
        cols = [
            c
            for c in scores.columns
            if c not in skip
            and not str(c).endswith("_share")
            and (pd.api.types.is_numeric_dtype(scores[c]) or scores[c].dtype == "boolean")
        ]
    _require(scores, cols, "scores")
    return cols


def aggregate(
    scores: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("org", "unit", "wave"),
    units: pd.DataFrame | None = None,
    min_n: int = 1,
    value_cols: str | Sequence[str] | None = None,
    instrument: Instrument | str | None = None,
    qwl_method: str | QWLScorer | None = "kesti_approx",
    lang: str | None = None,
) -> pd.DataFrame:
    """Group table of scores: respondents, response rate, means with their counts and SEs, QWL.

    Parameters
    ----------
    scores : DataFrame
        Per-respondent scores as :func:`~hrproductivity.scoring.score_scales`
        returns them (several instruments' scores may be merged side by side).
    by : str or sequence of str, default ("org", "unit", "wave")
        The grouping columns: one output row per combination present (and per
        ``units`` row without respondents).
    units : DataFrame, optional
        The units table (``org``, ``unit``, ``wave``, ``invited``). When every
        ``by`` column is in it, ``invited`` is summed over its rows within each
        group; otherwise (e.g. ``by`` includes ``gender``) ``invited`` is NaN.
    min_n : int, default 1
        Groups with fewer respondents get NaN figures and ``suppressed``
        True. Leave disclosure rules to :func:`~hrproductivity.privacy.suppress`,
        which needs the figures of every group to protect the small ones.
    value_cols : str or sequence of str, optional
        The score columns to summarise. Default: the instrument's factors and
        totals when ``instrument`` is given, else every numeric column except
        identifiers, ``*_share`` and ``qwl_index``.
    instrument : Instrument or str, optional
        Gives the default ``value_cols`` and the favourable threshold
        (``favourable_min``) for ``<col>_pct_favourable``.
    qwl_method : str or callable or None, default "kesti_approx"
        When ``scores`` has ``FE_share``, ``YI_share`` and ``PL_share``, the
        per-respondent QWL index is computed with this scorer (see
        :func:`~hrproductivity.scoring.qwl_index`) and averaged. ``None`` uses
        a ``qwl_index`` column already in ``scores``, if any.
    lang : str, optional
        Deprecated and ignored: the table holds no text. Label the band of the
        index with :func:`~hrproductivity.scoring.qwl_band` (``qwl_band(table["qwl_index"],
        lang="en")``), or take its language-free code from :func:`hrproductivity.bands.code`.

    Returns
    -------
    DataFrame
        One row per group, sorted by ``by``:

        - the ``by`` columns;
        - ``n``: respondents (rows of ``scores``) in the group, hidden or not;
        - ``invited``: people asked to answer (from ``units``; NaN without it);
        - ``response_rate``: ``n / invited`` (0-1);
        - ``suppressed``: True when ``n < min_n``;
        - for each value column ``<col>``: ``<col>_mean``, ``<col>_sd``
          (ddof 1), ``<col>_n`` (respondents with a value: the count behind
          the mean, 0 for a group without answers), ``<col>_se`` (the standard
          error of the mean, :math:`sd / \\sqrt{n}`; NaN below 2 answers) and, for
          the instrument's factors and item-mean totals,
          ``<col>_pct_favourable``: the percentage (0-100) of respondents with
          a score whose score is at least ``favourable_min``. For a flag
          (``who5_poor``) the mean is the share flagged;
        - ``qwl_index``: the mean of the respondents' QWL index (0-1),
          ``qwl_index_sd``, ``qwl_index_n`` and ``qwl_index_se`` as above (only
          when the QWL shares or a ``qwl_index`` column are present).

        The counts are never blanked; the other figures are NaN where
        ``suppressed``. No column depends on a language.

    Raises
    ------
    DataValidationError
        A ``by``, value or units column is missing or not numeric.
    HRProductivityError
        ``min_n`` is negative.

    Warns
    -----
    DeprecationWarning
        ``lang`` is given.

    Notes
    -----
    .. math::

        se = \\frac{sd}{\\sqrt{n}},\\qquad
        \\text{pct\\_favourable} = 100 \\cdot
            \\frac{\\#\\{i : x_i \\ge \\text{favourable\\_min}\\}}{\\#\\{i : x_i
            \\text{ observed}\\}},
        \\qquad \\overline{QWL} = \\frac{1}{n} \\sum_i QWL(FE_i, YI_i, PL_i)

    The QWL index is computed per respondent and then averaged ("analyses
    people, not questions"); because the scorers are non-linear this differs
    from the index of the mean factor shares. Respondents of every group
    count in every table built from the same ``scores`` (a hidden unit still
    counts in its organisation's row).

    References
    ----------
    Kesti, M.: QWL index per respondent (see :mod:`hrproductivity.scoring`).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"org": "o", "unit": ["a", "a", "b"], "wave": "2025",
    ...                   "FE_share": [0.75, 1.0, 0.5], "YI_share": [0.75, 1.0, 0.5],
    ...                   "PL_share": [0.75, 1.0, 0.5]})
    >>> aggregate(s, value_cols=[])[["unit", "n", "qwl_index", "qwl_index_n"]].round(3)
      unit  n  qwl_index  qwl_index_n
    0    a  2      0.809            2
    1    b  1      0.351            1

    In R (dplyr): ``scores |> group_by(org, unit, wave) |> summarise(n = n(), ...)``.
    """
    keys = _as_list(by)
    _require(scores, keys, "scores")
    if lang is not None:
        warnings.warn(
            "aggregate(lang=...) is deprecated and ignored: the table no longer has the "
            "language-dependent qwl_band; label the index with "
            "hrproductivity.qwl_band(table['qwl_index'], lang=...)",
            DeprecationWarning,
            stacklevel=2,
        )
    if not isinstance(min_n, int | np.integer) or min_n < 0:
        raise ArgumentError(f"min_n must be a whole number of 0 or more; got {min_n!r}")
    inst = load_instrument(instrument) if instrument is not None else None
    cols = _value_columns(scores, keys, value_cols, inst)
    favourable: list[str] = []
    if inst is not None:
        favourable = [*inst.factors, *(t.name for t in inst.totals if t.method == "mean")]

    frame = scores[keys].copy()
    for col in cols:
        frame[col] = _numeric(scores, col, "scores")
        if col in favourable and inst is not None:
            frame[f"{col}__fav"] = (frame[col] >= inst.favourable_min).astype("float64")
            frame.loc[frame[col].isna(), f"{col}__fav"] = np.nan
    has_qwl = False
    if qwl_method is not None and all(c in scores.columns for c in ("FE_share", "YI_share")):
        if "PL_share" in scores.columns:
            frame["qwl_index"] = qwl_index(scores, method=qwl_method).to_numpy()
            has_qwl = True
    elif qwl_method is None and "qwl_index" in scores.columns:
        frame["qwl_index"] = _numeric(scores, "qwl_index", "scores")
        has_qwl = True

    grouped = frame.groupby(keys, dropna=False, sort=True)
    parts: dict[str, pd.Series] = {"n": grouped.size()}
    counts: list[str] = []

    def summary(col: str, mean: str) -> None:
        sd, n = grouped[col].std(ddof=1), grouped[col].count()
        parts.update({mean: grouped[col].mean(), f"{col}_sd": sd, f"{col}_n": n})
        parts[f"{col}_se"] = sd / np.sqrt(n.where(n > 0))
        counts.append(f"{col}_n")

    for col in cols:
        summary(col, f"{col}_mean")
        if col in favourable:
            parts[f"{col}_pct_favourable"] = 100 * grouped[f"{col}__fav"].mean()
    if has_qwl:
        summary("qwl_index", "qwl_index")
    out = pd.DataFrame(parts).reset_index()
    figures = [c for c in out.columns if c not in (*keys, "n", *counts)]

    if units is not None and all(k in units.columns for k in keys):
        _require(units, ["invited"], "units")
        invited = units[keys].copy()
        invited["invited"] = _numeric(units, "invited", "units")
        invited = invited.groupby(keys, dropna=False)["invited"].sum(min_count=1).reset_index()
        out = out.merge(invited, on=keys, how="outer").sort_values(keys, ignore_index=True)
        out[["n", *counts]] = out[["n", *counts]].fillna(0)
    else:
        if units is not None:
            _require(units, ["invited"], "units")
        out["invited"] = np.nan
    out[["n", *counts]] = out[["n", *counts]].astype("int64")
    out["response_rate"] = out["n"] / out["invited"]
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], figures] = np.nan
    head = [*keys, "n", "invited", "response_rate", "suppressed"]
    return out[head + [c for c in out.columns if c not in head]]


def aggregate_hierarchy(
    scores: pd.DataFrame,
    *,
    hierarchy: Sequence[str] = ("org", "unit"),
    by: str | Sequence[str] = ("wave",),
    units: pd.DataFrame | None = None,
    total: bool = False,
    min_n: int = 1,
    value_cols: str | Sequence[str] | None = None,
    instrument: Instrument | str | None = None,
    qwl_method: str | QWLScorer | None = "kesti_approx",
    lang: str | None = None,
) -> pd.DataFrame:
    """Group tables for every level of a hierarchy, stacked: organisations, then units.

    Each level is computed from all respondents (:func:`aggregate` with
    ``by`` = the hierarchy down to that level plus ``by``), so a small unit
    still counts in its organisation's row. The result is the input
    :func:`~hrproductivity.privacy.suppress` expects with ``hierarchy=``.

    Parameters
    ----------
    scores : DataFrame
        Per-respondent scores.
    hierarchy : sequence of str, default ("org", "unit")
        Key columns from the top level down. A column missing from ``scores``
        but present in ``units`` (such as ``parent``) is taken from ``units``
        through ``org``, ``unit`` and ``wave``.
    by : str or sequence of str, default ("wave",)
        Columns that split everything into separate tables (such as the wave).
    units : DataFrame, optional
        The units table, for ``invited`` and hierarchy columns.
    total : bool, default False
        Also add a grand-total row (all hierarchy columns missing) per ``by``.
    min_n, value_cols, instrument, qwl_method, lang
        As in :func:`aggregate` (``lang`` is deprecated and ignored).

    Returns
    -------
    DataFrame
        The hierarchy columns (missing below a row's level), the ``by``
        columns, ``level`` (the name of the row's lowest hierarchy column, or
        "total"), then the columns of :func:`aggregate`. Sorted so that each
        parent precedes its children.

    Raises
    ------
    DataValidationError
        A hierarchy or ``by`` column is in neither ``scores`` nor ``units``.

    Notes
    -----
    A parent's ``n`` is the sum of its children's ``n`` and its means are their
    n-weighted means, which is why :func:`~hrproductivity.privacy.suppress`
    must hide more than the small groups themselves.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"org": "o", "unit": ["a", "a", "b"], "wave": "2025",
    ...                   "FE": [4.0, 5.0, 3.0]})
    >>> aggregate_hierarchy(s)[["org", "unit", "level", "n", "FE_mean"]]
      org unit level  n  FE_mean
    0   o  NaN   org  3      4.0
    1   o    a  unit  2      4.5
    2   o    b  unit  1      3.0
    """
    levels = _as_list(hierarchy)
    split = _as_list(by)
    if not levels:
        raise ArgumentError("hierarchy must name at least one column, such as ('org', 'unit')")
    frame = scores
    from_units = [c for c in levels if c not in scores.columns]
    if from_units and units is not None:
        link = [c for c in ("org", "unit", "wave") if c in scores.columns and c in units.columns]
        _require(units, from_units, "units")
        extra = units[link + from_units].drop_duplicates(subset=link)
        frame = scores.merge(extra, on=link, how="left")
    _require(frame, levels + split, "scores")
    if value_cols is None and instrument is None:
        value_cols = _value_columns(frame, levels + split + ["level"], None, None)
    parts = []
    for depth in range(0 if total else 1, len(levels) + 1):
        keys = levels[:depth] + split
        if not keys:
            frame = frame.assign(_all="all")
            keys = ["_all"]
        part = aggregate(
            frame,
            by=keys,
            units=units,
            min_n=min_n,
            value_cols=value_cols,
            instrument=instrument,
            qwl_method=qwl_method,
            **({} if lang is None else {"lang": lang}),
        ).drop(columns=["_all"], errors="ignore")
        for col in levels[depth:]:
            part[col] = pd.Series(np.nan, index=part.index, dtype="str")
        part.insert(0, "level", levels[depth - 1] if depth else "total")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    for col in levels:
        out[col] = out[col].astype("str")
    out = out.sort_values(split + levels, na_position="first", ignore_index=True, kind="stable")
    head = [*levels, *split, "level"]
    return out[head + [c for c in out.columns if c not in head]]
