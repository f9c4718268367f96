"""Reliability and measurement models: alpha, omega, item analysis, CFA, invariance.

The small statistics (:func:`cronbach_alpha`, :func:`alpha_if_deleted`,
:func:`mcdonald_omega`, :func:`item_analysis`, :func:`reliability_by`) return
tidy DataFrames. :func:`cfa` wraps semopy and returns a frozen
:class:`CFAResults` whose fit indices follow lavaan's definitions (semopy gives
neither SRMR nor the RMSEA interval, and its RMSEA uses N − 1 where lavaan uses
N). :func:`measurement_invariance` fits real multi-group models with
cross-group equality constraints, which semopy cannot do, by maximum
likelihood with an analytic gradient.

Missing answers: alpha uses pairwise covariances as R's ``psych::alpha`` does
(``nan_policy="listwise"`` to change it); the factor models drop respondents
with any missing item (lavaan's default ``missing = "listwise"``).
"""

from __future__ import annotations

import dataclasses
import html
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import pingouin
import semopy
from scipy import linalg, optimize, stats

from hrproductivity._checks import check_columns, check_number, level_to_alpha, renamed_argument
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    ModelWarning,
    Problem,
    UnknownNameError,
)
from hrproductivity.instruments import Instrument, load_instrument

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CFAResults",
    "alpha_if_deleted",
    "cfa",
    "cronbach_alpha",
    "item_analysis",
    "mcdonald_omega",
    "measurement_invariance",
    "reliability_by",
]

NanPolicy = Literal["pairwise", "listwise"]
FactorSpec = Mapping[str, Sequence[str]] | Instrument

_ESTIMATORS = {"ML": "MLW"}  # our name -> semopy objective
# semopy's SLSQP default (ftol 1e-6) stops ~1e-3 away from lavaan's estimates on
# Holzinger-Swineford; at 1e-12 they agree to lavaan's printed 3 decimals.
_SEMOPY_OPTIONS = {"ftol": 1e-12, "maxiter": 10000}
# semopy bounds variances below at 0, so a Heywood case shows as a variance at 0
_HEYWOOD = 1e-6
_FIT_COLUMNS = [
    "chi2",
    "df",
    "p_val",
    "cfi",
    "tli",
    "rmsea",
    "rmsea_ci_low",
    "rmsea_ci_high",
    "srmr",
    "n",
]


# --------------------------------------------------------------------------- #
# input checks
# --------------------------------------------------------------------------- #


def _check_frame(data: object) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    return data


def _check_items(
    data: pd.DataFrame, items: Sequence[str] | None, *, min_items: int = 2
) -> list[str]:
    """Item columns as a list: present in ``data``, numeric, enough of them."""
    if items is None:
        cols = [str(c) for c in data.columns]
    elif isinstance(items, str):
        raise ArgumentError("items must be a sequence of column names, not one string")
    else:
        cols = list(items)
    if len(set(cols)) != len(cols):
        dup = sorted({c for c in cols if cols.count(c) > 1})
        raise ArgumentError(f"items repeats {', '.join(map(repr, dup))}")
    check_columns(data, items=cols)
    problems = []
    for c in cols:
        if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c]):
            problems.append(
                Problem("data", None, c, f"item answers must be numeric, not {data[c].dtype}")
            )
    if problems:
        raise DataValidationError(problems)
    if len(cols) < min_items:
        raise ArgumentError(f"items must name at least {min_items} columns, got {len(cols)}")
    return cols


def _level(alpha: float) -> float:
    """Confidence level ``1 - alpha`` of a significance level strictly between 0 and 1."""
    if isinstance(alpha, bool):
        raise ArgumentError(f"alpha must be a number strictly between 0 and 1, got {alpha!r}")
    return 1.0 - check_number("alpha", alpha, low_open=True, high=1.0, high_open=True)


def _check_nan_policy(nan_policy: str) -> NanPolicy:
    if nan_policy not in ("pairwise", "listwise"):
        raise UnknownNameError("nan_policy", nan_policy, ["pairwise", "listwise"])
    return nan_policy  # type: ignore[return-value]


def _numeric(data: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """The item columns as float64 (nullable integers' NA become NaN)."""
    return data.loc[:, list(cols)].astype("float64")


def _factor_map(factors: object, *, min_items: int = 2) -> dict[str, list[str]]:
    """``{factor: items}`` from a mapping or an Instrument, checked."""
    if isinstance(factors, Instrument):
        spec: dict[str, list[str]] = {k: list(v) for k, v in factors.factors.items()}
    elif isinstance(factors, Mapping):
        spec = {}
        for k, v in factors.items():
            if isinstance(v, str) or not isinstance(v, Sequence):
                raise ArgumentError(f"factors[{k!r}] must be a sequence of item names")
            spec[str(k)] = [str(i) for i in v]
    else:
        raise ArgumentError(
            "factors must be a mapping {factor: items} or an Instrument, "
            f"not {type(factors).__name__}"
        )
    if not spec:
        raise ArgumentError("factors must name at least one factor")
    seen: dict[str, str] = {}
    for k, v in spec.items():
        if len(v) < min_items:
            raise ArgumentError(
                f"factors[{k!r}] has {len(v)} item(s); a factor needs at least {min_items}"
            )
        for i in v:
            if i in seen:
                raise ArgumentError(f"factors: item {i!r} is in both {seen[i]!r} and {k!r}")
            seen[i] = k
    if len(spec) == 1 and len(next(iter(spec.values()))) < 3:
        raise ArgumentError("factors: a one-factor model needs at least 3 items to be identified")
    return spec


def _recode_reverse(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Reverse-keyed items turned around (min + max − x) so that all point the same way."""
    rev = [c for c in instrument.reverse_items if c in frame.columns]
    if not rev:
        return frame
    out = frame.copy()
    out[rev] = instrument.scale_min + instrument.scale_max - out[rev]
    return out


# --------------------------------------------------------------------------- #
# alpha, omega, item analysis
# --------------------------------------------------------------------------- #


@renamed_argument("ci", "alpha", level_to_alpha("ci"), hint="1 - ci")
def cronbach_alpha(
    data: pd.DataFrame,
    *,
    items: Sequence[str] | None = None,
    alpha: float = 0.05,
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """Cronbach's alpha with Feldt's confidence interval, as a one-row tidy frame.

    Wraps :func:`pingouin.cronbach_alpha`.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item (wide format).
    items : sequence of str, optional
        Item columns; by default every column of ``data``.
    alpha : float, default 0.05
        Significance level, strictly between 0 and 1: the interval is a
        ``1 - alpha`` interval (the project's convention, as statsmodels').
        (Was ``ci``, the confidence level 0.95; the old name still works, with a
        ``DeprecationWarning``, for one release.)
    nan_policy : {"pairwise", "listwise"}
        ``"pairwise"`` (default, as ``psych::alpha``) computes each covariance
        from the respondents who answered both items; ``"listwise"`` keeps
        only respondents who answered every item.

    Returns
    -------
    DataFrame
        One row with columns ``estimate`` (alpha), ``ci_low``, ``ci_high``
        (Feldt interval, rounded to 3 decimals by pingouin), ``n``
        (respondents used: with ``"pairwise"`` those who answered at least one
        item) and ``n_items``.

    Raises
    ------
    DataValidationError
        An item column is not numeric (a missing one is an ArgumentError).
    HRProductivityError
        (also a ``ValueError``) fewer than 2 items, fewer than 2 respondents,
        or ``alpha`` outside (0, 1).
    UnknownNameError
        ``nan_policy`` is not ``"pairwise"`` or ``"listwise"``.

    Notes
    -----
    With :math:`k` items, item variances :math:`\\sigma_i^2` and the variance of
    the sum score :math:`\\sigma_X^2 = \\sum_{i,j} \\sigma_{ij}`,

    .. math:: \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\sum_i \\sigma_i^2}{\\sigma_X^2}\\Bigr).

    Feldt's interval: :math:`1 - (1-\\alpha)\\,F_{1-a/2}` and
    :math:`1 - (1-\\alpha)\\,F_{a/2}` with :math:`F` on :math:`n-1` and
    :math:`(n-1)(k-1)` degrees of freedom and :math:`a` = ``alpha``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. *Psychometrika*, 16, 297-334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference
    for coefficient alpha. *Applied Psychological Measurement*, 11, 93-103.

    Examples
    --------
    R: ``psych::alpha(HolzingerSwineford1939[, c("x4", "x5", "x6")])$total$raw_alpha``

    >>> from semopy.examples import holzinger39
    >>> from hrproductivity.reliability import cronbach_alpha
    >>> hs = holzinger39.get_data()
    >>> cronbach_alpha(hs, items=["x4", "x5", "x6"]).round(3)
       estimate  ci_low  ci_high    n  n_items
    0     0.883   0.858    0.904  301        3
    """
    data = _check_frame(data)
    cols = _check_items(data, items)
    level = _level(alpha)
    policy = _check_nan_policy(nan_policy)
    x = _numeric(data, cols)
    x = x.dropna(how="all") if policy == "pairwise" else x.dropna(how="any")
    if len(x) < 2:
        raise ArgumentError(f"data has {len(x)} usable respondent(s); alpha needs at least 2")
    est, bounds = pingouin.cronbach_alpha(data=x, nan_policy=policy, ci=level)
    return pd.DataFrame(
        {
            "estimate": [float(est)],
            "ci_low": [float(bounds[0])],
            "ci_high": [float(bounds[1])],
            "n": [len(x)],
            "n_items": [len(cols)],
        }
    )


@renamed_argument("ci", "alpha", level_to_alpha("ci"), hint="1 - ci")
def alpha_if_deleted(
    data: pd.DataFrame,
    *,
    items: Sequence[str],
    alpha: float = 0.05,
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """Cronbach's alpha of the scale with each item left out in turn.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item.
    items : sequence of str
        The scale's item columns (at least 3, so that 2 remain).
    alpha : float, default 0.05
        Significance level: the Feldt interval is a ``1 - alpha`` interval.
        (Was ``ci``, the confidence level 0.95; the old name still works, with a
        ``DeprecationWarning``, for one release.)
    nan_policy : {"pairwise", "listwise"}
        As in :func:`cronbach_alpha`.

    Returns
    -------
    DataFrame
        One row per item, in the order given: ``item`` (the item left out),
        ``estimate`` (alpha of the remaining items), ``ci_low``, ``ci_high``,
        ``n`` and ``n_items`` (items remaining).

    Raises
    ------
    DataValidationError
        An item column is not numeric (a missing one is an ArgumentError).
    HRProductivityError
        (also a ``ValueError``) fewer than 3 items, or ``alpha`` outside (0, 1).

    Notes
    -----
    Row :math:`i` is :math:`\\alpha_{(-i)}`, alpha computed by the formula in
    :func:`cronbach_alpha` over the :math:`k-1` items other than :math:`i`
    (``raw_alpha`` in psych's "Reliability if an item is dropped").

    References
    ----------
    Revelle, W. psych: Procedures for Psychological, Psychometric, and
    Personality Research, function ``alpha``.

    Examples
    --------
    R: ``psych::alpha(HolzingerSwineford1939[, c("x4", "x5", "x6")])$alpha.drop``

    >>> from semopy.examples import holzinger39
    >>> from hrproductivity.reliability import alpha_if_deleted
    >>> hs = holzinger39.get_data()
    >>> alpha_if_deleted(hs, items=["x4", "x5", "x6"])[["item", "estimate"]].round(3)
      item  estimate
    0   x4     0.831
    1   x5     0.826
    2   x6     0.843
    """
    data = _check_frame(data)
    cols = _check_items(data, items, min_items=3)
    rows = []
    for c in cols:
        rest = [i for i in cols if i != c]
        row = cronbach_alpha(data, items=rest, alpha=alpha, nan_policy=nan_policy)
        row.insert(0, "item", c)
        rows.append(row)
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class _OneFactor:
    loadings: np.ndarray  # marker-scaled (first = 1)
    factor_variance: float
    residual_variances: np.ndarray
    omega: float
    n: int
    converged: bool


def _one_factor_ml(x: pd.DataFrame) -> _OneFactor:
    """One-factor ML fit (semopy, Wishart ML) of complete rows; omega total from it."""
    safe = [f"v{j}" for j in range(x.shape[1])]
    frame = pd.DataFrame(x.to_numpy(dtype=float), columns=safe)
    model = semopy.Model("F =~ " + " + ".join(safe))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(frame, obj="MLW", options=dict(_SEMOPY_OPTIONS))
    est = model.inspect(information=None)
    lam = np.ones(len(safe))
    psi = np.zeros(len(safe))
    phi = np.nan
    for r in est.itertuples(index=False):
        lval, op, rval, value = r[0], r[1], r[2], float(r[3])
        if op == "~" and rval == "F":
            lam[safe.index(lval)] = value
        elif op == "~~" and lval == "F" and rval == "F":
            phi = value
        elif op == "~~" and lval == rval and lval in safe:
            psi[safe.index(lval)] = value
    common = lam.sum() ** 2 * phi
    omega = float(common / (common + psi.sum()))
    return _OneFactor(lam, float(phi), psi, omega, len(frame), bool(res.success))


def mcdonald_omega(
    data: pd.DataFrame,
    *,
    items: Sequence[str],
) -> pd.DataFrame:
    """McDonald's omega total from a one-factor maximum-likelihood model.

    The one-factor model is fitted with semopy (Wishart ML, respondents with
    any missing item dropped), the first loading fixed to 1.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item.
    items : sequence of str
        The scale's item columns (at least 3: a one-factor model of 2 items is
        not identified). Reverse-keyed items must be recoded first.

    Returns
    -------
    DataFrame
        One row with ``estimate`` (omega total), ``n`` (complete respondents)
        and ``n_items``.

    Raises
    ------
    DataValidationError
        An item column is not numeric (a missing one is an ArgumentError).
    HRProductivityError
        (also a ``ValueError``) fewer than 3 items or fewer than
        ``n_items + 1`` complete respondents.

    Warns
    -----
    ModelWarning
        The optimiser did not report convergence, a residual variance sits at
        its bound 0 (Heywood case: semopy bounds variances, lavaan would report
        a negative one), or loadings differ in sign (an item that probably
        should have been reverse-coded).

    Notes
    -----
    With loadings :math:`\\lambda_i`, factor variance :math:`\\phi` and residual
    variances :math:`\\psi_i` of the one-factor model
    :math:`\\Sigma = \\lambda\\phi\\lambda' + \\Psi`,

    .. math:: \\omega = \\frac{(\\sum_i \\lambda_i)^2\\phi}
                         {(\\sum_i \\lambda_i)^2\\phi + \\sum_i \\psi_i},

    the share of the sum score's model-implied variance due to the common
    factor (with :math:`\\phi = 1`: :math:`(\\sum\\lambda)^2 / ((\\sum\\lambda)^2 +
    \\sum\\psi)`). The value does not depend on how the factor is scaled.
    The denominator is the *model-implied* variance of the sum score: in R
    ``semTools::compRelSEM(fit, obs.var = FALSE)``. compRelSEM's default,
    ``obs.var = TRUE``, divides by the *observed* sum-score variance instead,
    which differs whenever the one-factor model does not reproduce the item
    covariances exactly (it does with three items, where the model is
    saturated); on five items the two can differ in the second decimal.
    ``psych::omega`` fits by minres on the correlation matrix, so its
    "Omega Total" is the omega of standardized items and can differ slightly.

    References
    ----------
    McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum.
    semTools ``compRelSEM`` help page (argument ``obs.var``: "Setting FALSE
    triggers using model-implied variances in the denominator").
    Raykov, T. (2001). Estimation of congeneric scale reliability using
    covariance structure analysis with nonlinear constraints. *British Journal
    of Mathematical and Statistical Psychology*, 54, 315-323.

    Examples
    --------
    R: ``semTools::compRelSEM(lavaan::cfa("f =~ x4 + x5 + x6", data = HolzingerSwineford1939),
    obs.var = FALSE)`` (the same here with either ``obs.var``: three items).

    >>> from semopy.examples import holzinger39
    >>> from hrproductivity.reliability import mcdonald_omega
    >>> hs = holzinger39.get_data()
    >>> mcdonald_omega(hs, items=["x4", "x5", "x6"]).round(3)
       estimate    n  n_items
    0     0.886  301        3
    """
    data = _check_frame(data)
    cols = _check_items(data, items, min_items=3)
    x = _numeric(data, cols).dropna(how="any")
    if len(x) <= len(cols):
        raise ArgumentError(
            f"data has {len(x)} complete respondents; omega of {len(cols)} items needs "
            f"at least {len(cols) + 1}"
        )
    fit = _one_factor_ml(x)
    _warn_one_factor(fit, cols)
    return pd.DataFrame({"estimate": [fit.omega], "n": [fit.n], "n_items": [len(cols)]})


def _warn_one_factor(fit: _OneFactor, cols: Sequence[str], where: str = "") -> None:
    if not fit.converged:
        warnings.warn(
            f"one-factor model{where} did not converge; omega may be wrong",
            ModelWarning,
            stacklevel=3,
        )
    neg = [c for c, v in zip(cols, fit.residual_variances, strict=True) if v < _HEYWOOD]
    if neg:
        warnings.warn(
            f"one-factor model{where}: residual variance at its bound 0 (Heywood case) for "
            f"{', '.join(neg)}",
            ModelWarning,
            stacklevel=3,
        )
    signs = np.sign(fit.loadings)
    if np.any(signs != signs[0]):
        warnings.warn(
            f"one-factor model{where}: loadings of opposite signs; reverse-code items "
            "before computing omega",
            ModelWarning,
            stacklevel=3,
        )


def _item_rest_r(cov: np.ndarray) -> np.ndarray:
    """Corrected item-total correlations from a covariance matrix (psych ``r.drop``)."""
    k = cov.shape[0]
    out = np.empty(k)
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        c_ir = cov[i, rest].sum()
        v_rest = cov[np.ix_(rest, rest)].sum()
        out[i] = c_ir / np.sqrt(cov[i, i] * v_rest)
    return out


def item_analysis(
    data: pd.DataFrame,
    *,
    items: Sequence[str] | Instrument,
    scale_min: float | None = None,
    scale_max: float | None = None,
    favourable_min: float | None = None,
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """Classical item analysis: distribution, share favourable, item-rest r, alpha if deleted.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item.
    items : sequence of str or Instrument
        The scale's item columns (at least 3). With an :class:`Instrument`,
        its items are used, reverse-keyed items are recoded
        (``scale_min + scale_max − x``) for the correlations and alphas, and
        the scale bounds and ``favourable_min`` default to the instrument's.
    scale_min, scale_max : float
        The answer scale's bounds; answers outside are an error. Required
        unless ``items`` is an Instrument.
    favourable_min : float
        Lowest answer counted as favourable (e.g. 4 on a 1–5 agreement scale).
        Required unless ``items`` is an Instrument.
    nan_policy : {"pairwise", "listwise"}
        Covariances for the item-rest correlations and alphas, as in
        :func:`cronbach_alpha`. Means, SDs and shares always use every answer
        to the item.

    Returns
    -------
    DataFrame
        One row per item: ``item``, ``mean``, ``sd`` (n − 1 divisor), ``n``
        (answers to the item), ``pct_favourable`` (percentage of answers at or
        above ``favourable_min``, 0–100, on the raw answers), ``r_item_rest``
        (corrected item-total correlation) and ``alpha_if_deleted``.

    Raises
    ------
    DataValidationError
        An item column is not numeric, or answers fall outside
        ``scale_min``–``scale_max``; every such item is listed.
    HRProductivityError
        (also a ``ValueError``) fewer than 3 items, a bound missing, or
        ``favourable_min`` outside the scale.

    Notes
    -----
    The corrected item-total (item-rest) correlation of item :math:`i` with the
    sum :math:`R_i` of the other items, from the covariance matrix :math:`C`:

    .. math:: r_{i,R_i} = \\frac{\\sum_{j \\ne i} C_{ij}}
                               {\\sqrt{C_{ii} \\sum_{j,l \\ne i} C_{jl}}},

    which is psych's ``r.drop``; ``alpha_if_deleted`` is psych's
    ``alpha.drop$raw_alpha`` (see :func:`alpha_if_deleted`).

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric theory* (3rd ed.).
    McGraw-Hill.

    Examples
    --------
    R: ``psych::alpha(items)$item.stats`` (``r.drop``, ``mean``, ``sd``) and
    ``$alpha.drop``.

    >>> from peopleanalyticsdata import employee_survey
    >>> from hrproductivity.reliability import item_analysis
    >>> es = employee_survey()
    >>> item_analysis(es, items=["Car1", "Car2", "Car3", "Car4"], scale_min=1,
    ...               scale_max=4, favourable_min=3).round(2)
       item  mean    sd     n  pct_favourable  r_item_rest  alpha_if_deleted
    0  Car1  3.75  0.51  2833           96.54         0.49              0.74
    1  Car2  3.68  0.58  2833           95.06         0.64              0.67
    2  Car3  3.55  0.65  2833           92.73         0.66              0.65
    3  Car4  3.46  0.73  2833           88.81         0.49              0.76
    """
    data = _check_frame(data)
    instrument = items if isinstance(items, Instrument) else None
    if instrument is not None and len(instrument.factors) > 1:
        # Each factor is its own scale: item-rest r and alpha-if-deleted within it.
        parts = []
        for factor, ids in instrument.factors.items():
            one = dataclasses.replace(
                instrument,
                items=tuple(i for i in instrument.items if i.factor == factor),
                factors={factor: ids},
            )
            part = item_analysis(
                data,
                items=one,
                scale_min=scale_min,
                scale_max=scale_max,
                favourable_min=favourable_min,
                nan_policy=nan_policy,
            )
            parts.append(part.assign(factor=factor))
        table = pd.concat(parts, ignore_index=True)
        return table[["factor", *[c for c in table.columns if c != "factor"]]]
    if instrument is not None:
        cols = _check_items(data, instrument.item_ids, min_items=3)
        lo = float(instrument.scale_min if scale_min is None else scale_min)
        hi = float(instrument.scale_max if scale_max is None else scale_max)
        fav = float(instrument.favourable_min if favourable_min is None else favourable_min)
    else:
        cols = _check_items(data, items, min_items=3)  # type: ignore[arg-type]
        for name, value in (
            ("scale_min", scale_min),
            ("scale_max", scale_max),
            ("favourable_min", favourable_min),
        ):
            if value is None:
                raise ArgumentError(f"{name} is required when items is a list of columns")
        lo, hi, fav = float(scale_min), float(scale_max), float(favourable_min)  # type: ignore[arg-type]
    if not lo < hi:
        raise ArgumentError(f"scale_max ({hi:g}) must be greater than scale_min ({lo:g})")
    if not lo <= fav <= hi:
        raise ArgumentError(f"favourable_min ({fav:g}) must lie within {lo:g}-{hi:g}")
    policy = _check_nan_policy(nan_policy)

    raw = _numeric(data, cols)
    problems = []
    for c in cols:
        v = raw[c]
        bad = v[(v < lo) | (v > hi)]
        if len(bad):
            shown = ", ".join(f"{b:g}" for b in pd.unique(bad)[:5])
            problems.append(
                Problem("data", None, c, f"{len(bad)} answer(s) outside {lo:g}-{hi:g}: {shown}")
            )
    if problems:
        raise DataValidationError(problems)

    keyed = _recode_reverse(raw, instrument) if instrument is not None else raw
    used = keyed.dropna(how="all") if policy == "pairwise" else keyed.dropna(how="any")
    cov = used.cov().to_numpy() if policy == "pairwise" else np.cov(used.to_numpy().T)
    drop = alpha_if_deleted(keyed, items=cols, nan_policy=policy)
    counts = raw.notna().sum()
    return pd.DataFrame(
        {
            "item": cols,
            "mean": raw.mean().to_numpy(),
            "sd": raw.std(ddof=1).to_numpy(),
            "n": counts.to_numpy().astype(int),
            "pct_favourable": ((raw >= fav).sum() / counts.where(counts > 0)).to_numpy() * 100,
            "r_item_rest": _item_rest_r(cov),
            "alpha_if_deleted": drop["estimate"].to_numpy(),
        }
    )


@renamed_argument("ci", "alpha", level_to_alpha("ci"), hint="1 - ci")
def reliability_by(
    data: pd.DataFrame,
    instrument: Instrument | str,
    *,
    by: str | Sequence[str] | None = "org",
    alpha: float = 0.05,
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """Alpha and omega of every factor of an instrument, per group.

    Parameters
    ----------
    data : DataFrame
        Responses: the instrument's item columns and the ``by`` columns.
    instrument : Instrument or str
        The instrument, or the name of a bundled one (``"qwl15"``, ...).
        Reverse-keyed items are recoded before anything is computed.
    by : str or sequence of str or None
        Grouping column(s); ``None`` for the whole data.
    alpha : float, default 0.05
        Significance level: alpha's Feldt interval is a ``1 - alpha`` interval.
        (Was ``ci``, the confidence level 0.95; the old name still works, with a
        ``DeprecationWarning``, for one release.)
    nan_policy : {"pairwise", "listwise"}
        For alpha, as in :func:`cronbach_alpha`; omega always uses complete
        respondents.

    Returns
    -------
    DataFrame
        Two rows per group and factor, the ``by`` columns first, then
        ``factor``, ``statistic`` (``"alpha"`` or ``"omega"``), ``estimate``,
        ``ci_low``, ``ci_high`` (missing for omega), ``n`` and ``n_items``.
        A statistic that cannot be computed in a group (too few respondents;
        omega of fewer than 3 items) is missing, not an error.

    Raises
    ------
    DataValidationError
        An item is not numeric (a missing column is an ArgumentError).
    UnknownNameError
        ``instrument`` names no bundled instrument.

    Warns
    -----
    ModelWarning
        A one-factor model did not converge or has a Heywood case; one warning
        per group and factor.

    Notes
    -----
    Alpha is :func:`cronbach_alpha`, omega :func:`mcdonald_omega`, both on the
    factor's items within the group.

    References
    ----------
    See :func:`cronbach_alpha` and :func:`mcdonald_omega`.

    Examples
    --------
    R: ``by(responses, responses$org, function(d) psych::alpha(d[, fe_items]))``
    and ``psych::omega``/``semTools::compRelSEM(..., obs.var = FALSE)`` likewise.

    >>> from hrproductivity.synthetic import generate
    >>> from hrproductivity.reliability import reliability_by
    >>> ds = generate(n_orgs=2, waves=("2024",), respondents_per_wave=600, seed=1)
    >>> reliability_by(ds.responses, "qwl15", by="org").head(4).round(3)  # doctest: +SKIP
              org factor statistic  estimate  ci_low  ci_high    n  n_items
    0  Kuusikoski     FE     alpha     0.776   0.733    0.815  291        5
    1  Kuusikoski     FE     omega     0.780     NaN      NaN  259        5
    2  Kuusikoski     YI     alpha     0.763   0.717    0.804  291        5
    3  Kuusikoski     YI     omega     0.764     NaN      NaN  260        5
    """
    data = _check_frame(data)
    inst = load_instrument(instrument)
    cols = _check_items(data, inst.item_ids)
    _level(alpha)
    policy = _check_nan_policy(nan_policy)
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    check_columns(data, by=keys)
    keyed = _recode_reverse(_numeric(data, cols), inst)
    for k in keys:
        keyed[k] = data[k]
    groups: list[tuple[tuple[Any, ...], pd.DataFrame]]
    if keys:
        groups = [
            (g if isinstance(g, tuple) else (g,), d)
            for g, d in keyed.groupby(keys, sort=True, dropna=False, observed=True)
        ]
    else:
        groups = [((), keyed)]
    rows: list[dict[str, Any]] = []
    for gkey, d in groups:
        label = dict(zip(keys, gkey, strict=True))
        where = f" in {', '.join(f'{k}={v!r}' for k, v in label.items())}" if keys else ""
        for fname, fitems in inst.factors.items():
            items_f = list(fitems)
            base = {**label, "factor": fname, "n_items": len(items_f)}
            x = d[items_f]
            a = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0}
            usable = x.dropna(how="all") if policy == "pairwise" else x.dropna(how="any")
            if len(items_f) >= 2 and len(usable) >= 2:
                a = cronbach_alpha(x, alpha=alpha, nan_policy=policy).iloc[0].to_dict()
            else:
                a["n"] = len(usable)
            rows.append({**base, "statistic": "alpha", **a})
            o: dict[str, Any] = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan}
            complete = x.dropna(how="any")
            o["n"] = len(complete)
            if len(items_f) >= 3 and len(complete) > len(items_f):
                fit = _one_factor_ml(complete)
                _warn_one_factor(fit, items_f, where=f" for {fname}{where}")
                o["estimate"] = fit.omega
            rows.append({**base, "statistic": "omega", **o})
    out = pd.DataFrame(rows)
    order = [*keys, "factor", "statistic", "estimate", "ci_low", "ci_high", "n", "n_items"]
    out = out[order]
    out["n"] = out["n"].astype(int)
    out["n_items"] = out["n_items"].astype(int)
    return out


# --------------------------------------------------------------------------- #
# fit indices shared by cfa and measurement_invariance
# --------------------------------------------------------------------------- #


def _rmsea(chi2: float, df: float, n: float, n_groups: int = 1) -> float:
    """lavaan's RMSEA: sqrt(max(0, (X2 − df) / (N df))) · sqrt(G)."""
    if df <= 0:
        return 0.0
    return float(np.sqrt(max(0.0, (chi2 - df) / (n * df))) * np.sqrt(n_groups))


def _ncx2_cdf(x: float, df: float, nc: float) -> float:
    return float(stats.chi2.cdf(x, df)) if nc <= 0 else float(stats.ncx2.cdf(x, df, nc))


def _rmsea_ci(
    chi2: float, df: float, n: float, n_groups: int = 1, level: float = 0.90
) -> tuple[float, float]:
    """RMSEA interval by inverting the noncentral chi-square (Browne & Cudeck, 1993)."""
    if df < 1 or not np.isfinite(chi2):
        return (np.nan, np.nan)
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def bound(target: float) -> float:
        # the noncentrality lambda at which P(X2 <= chi2 | lambda) == target
        if _ncx2_cdf(chi2, df, 0.0) < target:
            return 0.0
        hi = max(n, 4 * chi2, 10.0)
        while _ncx2_cdf(chi2, df, hi) > target:
            hi *= 2
        lam = optimize.brentq(lambda nc: _ncx2_cdf(chi2, df, nc) - target, 0.0, hi, xtol=1e-10)
        return float(np.sqrt(lam / (n * df)) * np.sqrt(n_groups))

    return (bound(upper_p), bound(lower_p))


def _cfi_tli(chi2: float, df: float, chi2_b: float, df_b: float) -> tuple[float, float]:
    """CFI (Bentler 1990, bounded to [0, 1] as lavaan) and TLI (Tucker & Lewis 1973)."""
    num = max(chi2 - df, 0.0)
    den = max(chi2 - df, chi2_b - df_b, 0.0)
    cfi = 1.0 if den == 0 else 1.0 - num / den
    if df <= 0 or df_b <= 0 or chi2_b / df_b == 1:
        tli = np.nan
    else:
        tli = (chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1.0)
    return float(cfi), float(tli)


def _srmr_terms(
    s: np.ndarray,
    sigma: np.ndarray,
    mean: np.ndarray | None = None,
    mu: np.ndarray | None = None,
) -> float:
    """SRMR of one group as lavaan's default ``srmr`` (= ``srmr_bentler``).

    Residuals scaled by the *observed* standard deviations; with a mean
    structure the standardized mean residuals count too.
    """
    sd = np.sqrt(np.diag(s))
    res = (s - sigma) / np.outer(sd, sd)
    vech = res[np.tril_indices_from(res)]
    total = float(np.sum(vech**2))
    count = vech.size
    if mean is not None and mu is not None:
        total += float(np.sum(((mean - mu) / sd) ** 2))
        count += s.shape[0]
    return float(np.sqrt(total / count))


def _baseline(covs: Sequence[np.ndarray], ns: Sequence[int]) -> tuple[float, int]:
    """Independence model chi2 and df (free variances and means in every group)."""
    chi2 = 0.0
    df = 0
    for s, n in zip(covs, ns, strict=True):
        p = s.shape[0]
        chi2 += n * (float(np.sum(np.log(np.diag(s)))) - float(np.linalg.slogdet(s)[1]))
        df += p * (p - 1) // 2
    return chi2, df


def _fit_row(
    chi2: float,
    df: int,
    chi2_b: float,
    df_b: int,
    n: int,
    srmr: float,
    *,
    n_groups: int = 1,
) -> dict[str, float]:
    cfi, tli = _cfi_tli(chi2, df, chi2_b, df_b)
    lo, hi = _rmsea_ci(chi2, df, n, n_groups)
    return {
        "chi2": chi2,
        "df": df,
        "p_val": float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan,
        "cfi": cfi,
        "tli": tli,
        "rmsea": _rmsea(chi2, df, n, n_groups),
        "rmsea_ci_low": lo,
        "rmsea_ci_high": hi,
        "srmr": srmr,
        "n": n,
    }


# --------------------------------------------------------------------------- #
# CFA (semopy)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class CFAResults:
    """A fitted confirmatory factor analysis (see :func:`cfa`).

    Attributes
    ----------
    fit_indices : DataFrame
        One row: ``chi2``, ``df``, ``p_val``, ``cfi``, ``tli``, ``rmsea``,
        ``rmsea_ci_low``, ``rmsea_ci_high`` (90 % interval), ``srmr``, ``n``.
    loadings : DataFrame
        One row per item: ``factor``, ``item``, ``estimate`` (completely
        standardized loading, lavaan's ``std.all``), ``unstd_estimate``,
        ``unstd_se``, ``p_val`` (Wald test of the unstandardized loading;
        missing for the marker item whose loading is fixed to 1).
    parameters : DataFrame
        Every parameter: ``lhs``, ``op`` (lavaan's ``=~`` and ``~~``), ``rhs``,
        ``estimate``, ``se``, ``z``, ``p_val``, ``std_estimate``.
    factors : Mapping[str, tuple[str, ...]]
        The model: items of each factor.
    estimator : str
        ``"ML"``.
    converged : bool
        Whether semopy's optimiser reported success.
    fit : Mapping[str, float]
        The row of ``fit_indices`` as a read-only mapping, like the models'
        ``fit``: ``chi2``, ``df`` (int), ``p_val``, ``cfi``, ``tli``, ``rmsea``,
        ``rmsea_ci_low``, ``rmsea_ci_high``, ``srmr``, ``n`` (int).
    """

    fit_indices: pd.DataFrame
    loadings: pd.DataFrame
    parameters: pd.DataFrame
    factors: Mapping[str, tuple[str, ...]]
    estimator: str = "ML"
    converged: bool = True

    def summary(self) -> pd.DataFrame:
        """The parameter table (a copy): loadings, factor (co)variances, residual variances."""
        return self.parameters.copy()

    @property
    def fit(self) -> Mapping[str, float]:
        """Fit indices by name (read-only); see the class docstring for the keys."""
        row = self.fit_indices.iloc[0]
        return MappingProxyType(
            {str(k): int(v) if k in ("df", "n") else float(v) for k, v in row.items()}
        )

    def meets(
        self,
        *,
        cfi: float | None = 0.95,
        tli: float | None = 0.95,
        rmsea: float | None = 0.06,
        srmr: float | None = 0.08,
    ) -> bool:
        """Whether the fit reaches every given cut-off.

        Parameters
        ----------
        cfi, tli : float or None, default 0.95
            Lowest acceptable CFI and TLI; ``None`` skips the criterion.
        rmsea : float or None, default 0.06
            Highest acceptable RMSEA (the point estimate); ``None`` skips it.
        srmr : float or None, default 0.08
            Highest acceptable SRMR; ``None`` skips it.

        Returns
        -------
        bool
            True when ``CFI ≥ cfi``, ``TLI ≥ tli``, ``RMSEA ≤ rmsea`` and
            ``SRMR ≤ srmr`` all hold for the criteria not skipped. An index that
            could not be computed (NaN) does not meet its criterion.

        Raises
        ------
        ArgumentError
            When a cut-off is not a finite number or ``None``.

        Notes
        -----
        The defaults are the conventional cut-offs of Hu & Bentler (1999):
        CFI and TLI close to .95 or above, RMSEA close to .06 or below, SRMR
        close to .08 or below. They were derived from simulations of
        particular models and sample sizes; looser values (CFI ≥ .90,
        RMSEA ≤ .08) are also in use, so pass the ones your field reports.

        References
        ----------
        Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in
        covariance structure analysis: Conventional criteria versus new
        alternatives. *Structural Equation Modeling*, 6(1), 1–55.
        https://doi.org/10.1080/10705519909540118

        Example
        -------
        >>> res.meets()  # doctest: +SKIP
        >>> res.meets(cfi=0.90, tli=None, rmsea=0.08, srmr=None)  # doctest: +SKIP

        In R (semTools / lavaan): ``fitMeasures(fit, c("cfi", "tli", "rmsea",
        "srmr"))`` compared by hand.
        """
        fit = self.fit
        checks = {"cfi": (cfi, 1), "tli": (tli, 1), "rmsea": (rmsea, -1), "srmr": (srmr, -1)}
        ok = True
        for name, (cut, sign) in checks.items():
            if cut is None:
                continue
            if isinstance(cut, bool) or not isinstance(cut, int | float) or not math.isfinite(cut):
                raise ArgumentError(f"{name}: expected a finite number or None, got {cut!r}")
            value = fit[name]
            ok = ok and math.isfinite(value) and sign * (value - cut) >= 0
        return ok

    def plot(self, ax: Axes | None = None) -> Axes:
        """Horizontal bars of the standardized loadings, one colour per factor."""
        from hrproductivity.plots import axes

        ax = axes(ax, (6, 0.3 * len(self.loadings) + 1))
        lo = self.loadings.iloc[::-1]
        names = list(self.factors)
        colours = {f: f"C{i % 10}" for i, f in enumerate(names)}
        ax.barh(
            [f"{f}: {i}" for f, i in zip(lo["factor"], lo["item"], strict=True)],
            lo["estimate"],
            color=[colours[f] for f in lo["factor"]],
        )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("standardized loading")
        return ax

    def _repr_html_(self) -> str:
        fit = self.fit_indices.iloc[0]
        head = (
            f"<p><b>Confirmatory factor analysis</b> ({html.escape(self.estimator)}, "
            f"n = {int(fit['n'])}): χ²({int(fit['df'])}) = {fit['chi2']:.3f}, "
            f"p = {fit['p_val']:.3g}, CFI = {fit['cfi']:.3f}, TLI = {fit['tli']:.3f}, "
            f"RMSEA = {fit['rmsea']:.3f} [{fit['rmsea_ci_low']:.3f}, "
            f"{fit['rmsea_ci_high']:.3f}], SRMR = {fit['srmr']:.3f}</p>"
        )
        if not self.converged:
            head += "<p><b>Warning:</b> the optimiser did not report convergence.</p>"
        return head + self.loadings.to_html(index=False, float_format=lambda v: f"{v:.3f}")

    def __repr__(self) -> str:
        fit = self.fit_indices.iloc[0]
        return (
            f"CFAResults(n={int(fit['n'])}, chi2={fit['chi2']:.3f}, df={int(fit['df'])}, "
            f"cfi={fit['cfi']:.3f}, tli={fit['tli']:.3f}, rmsea={fit['rmsea']:.3f}, "
            f"srmr={fit['srmr']:.3f})"
        )


def _complete_items(data: pd.DataFrame, items: Sequence[str], extra: Sequence[str] = ()) -> Any:
    frame = _numeric(data, items)
    for c in extra:
        frame[c] = data[c]
    return frame.dropna(how="any")


def cfa(
    data: pd.DataFrame,
    *,
    factors: FactorSpec,
    estimator: str = "ML",
) -> CFAResults:
    """Confirmatory factor analysis by maximum likelihood, wrapping semopy.

    Each item loads on one factor, the first item's loading is fixed to 1,
    factors covary freely, residuals are uncorrelated: lavaan's ``cfa()``
    defaults. Respondents with any missing item are dropped.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, one numeric column per item.
    factors : mapping of str to sequence of str, or Instrument
        ``{factor: [items]}``, or an instrument whose ``factors`` are used.
        Reverse-keyed items are not recoded: they show negative loadings.
    estimator : {"ML"}
        Maximum likelihood (semopy's ``MLW`` objective).

    Returns
    -------
    CFAResults
        ``.fit_indices``, ``.loadings``, ``.parameters``, ``.summary()``,
        ``.plot()``; see :class:`CFAResults` for every column.

    Raises
    ------
    DataValidationError
        An item column is not numeric (a missing one is an ArgumentError).
    HRProductivityError
        (also a ``ValueError``) a factor with fewer than 2 items (3 in a
        one-factor model), an item in two factors, or fewer complete
        respondents than items.
    UnknownNameError
        ``estimator`` is not ``"ML"``.

    Warns
    -----
    ModelWarning
        The optimiser did not report convergence, or a residual variance sits
        at its bound 0 (Heywood case; semopy bounds variances below at 0, so
        there lavaan, which does not, reports a negative variance and a
        smaller chi2).

    Notes
    -----
    With :math:`N` respondents, sample covariance :math:`S` (divisor
    :math:`N`), :math:`p` items and implied :math:`\\Sigma(\\hat\\theta)`:

    - :math:`F = \\log|\\Sigma| + \\operatorname{tr}(S\\Sigma^{-1}) - \\log|S| - p`
      and :math:`\\chi^2 = N F_{\\min}` (semopy and lavaan agree: both use
      :math:`N`, not :math:`N-1`);
    - CFI :math:`= 1 - \\max(\\chi^2 - df, 0) / \\max(\\chi^2 - df,\\,
      \\chi^2_b - df_b, 0)` and TLI :math:`= (\\chi^2_b/df_b - \\chi^2/df) /
      (\\chi^2_b/df_b - 1)` against the independence model :math:`b`;
    - RMSEA :math:`= \\sqrt{\\max(0, (\\chi^2 - df)/(N\\,df))}` with lavaan's
      :math:`N` (semopy's own RMSEA uses :math:`N-1`, so it is not used); the
      90 % interval inverts the noncentral :math:`\\chi^2` (Browne & Cudeck):
      :math:`\\sqrt{\\hat\\lambda/(N\\,df)}` where
      :math:`P(\\chi^2_{df}(\\hat\\lambda_L) \\le \\chi^2) = 0.95` and
      :math:`P(\\chi^2_{df}(\\hat\\lambda_U) \\le \\chi^2) = 0.05`;
    - SRMR is lavaan's default ``srmr`` (= ``srmr_bentler``):
      :math:`\\sqrt{\\sum_{i \\le j} r_{ij}^2 / (p(p+1)/2)}` with
      :math:`r_{ij} = (s_{ij} - \\hat\\sigma_{ij}) / \\sqrt{s_{ii}s_{jj}}`.

    References
    ----------
    Bentler, P. M. (1990). Comparative fit indexes in structural models.
    *Psychological Bulletin*, 107, 238-246.
    Browne, M. W., & Cudeck, R. (1993). Alternative ways of assessing model
    fit. In K. A. Bollen & J. S. Long (Eds.), *Testing structural equation
    models* (pp. 136-162). Sage.
    Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: A Python package for
    structural equation modeling. *Structural Equation Modeling*, 27, 952-963.
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
    *Journal of Statistical Software*, 48(2), 1-36.

    Examples
    --------
    R: ``summary(lavaan::cfa(HS.model, data = HolzingerSwineford1939), fit.measures = TRUE)``

    >>> from semopy.examples import holzinger39
    >>> from hrproductivity.reliability import cfa
    >>> hs = holzinger39.get_data()
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
    ...          "speed": ["x7", "x8", "x9"]}
    >>> res = cfa(hs, factors=model)
    >>> res.fit_indices[["chi2", "df", "cfi", "tli", "rmsea", "srmr"]].round(3)
         chi2  df    cfi    tli  rmsea   srmr
    0  85.306  24  0.931  0.896  0.092  0.065
    """
    data = _check_frame(data)
    if estimator not in _ESTIMATORS:
        raise UnknownNameError("estimator", estimator, list(_ESTIMATORS))
    spec = _factor_map(factors)
    items = [i for v in spec.values() for i in v]
    _check_items(data, items)
    x = _complete_items(data, items)
    if len(x) <= len(items):
        raise ArgumentError(
            f"data has {len(x)} complete respondents; a CFA of {len(items)} items needs "
            f"at least {len(items) + 1}"
        )
    # semopy parses a model string: internal names keep odd column names harmless
    item_name = {it: f"v{j}" for j, it in enumerate(items)}
    fac_name = {f: f"F{k}" for k, f in enumerate(spec)}
    back = {**{v: k for k, v in item_name.items()}, **{v: k for k, v in fac_name.items()}}
    desc = "\n".join(
        f"{fac_name[f]} =~ " + " + ".join(item_name[i] for i in its) for f, its in spec.items()
    )
    frame = pd.DataFrame(x.to_numpy(dtype=float), columns=[item_name[i] for i in items])
    model = semopy.Model(desc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(frame, obj=_ESTIMATORS[estimator], options=dict(_SEMOPY_OPTIONS))
        sstats = semopy.calc_stats(model).iloc[0]
        table = model.inspect(std_est=True)
    converged = bool(res.success)
    if not converged:
        warnings.warn(
            f"semopy did not report convergence ({res.message}); check the estimates",
            ModelWarning,
            stacklevel=2,
        )

    sigma, _ = model.calc_sigma()
    s = np.asarray(model.mx_cov, dtype=float)
    srmr = _srmr_terms(s, np.asarray(sigma, dtype=float))
    n = len(frame)
    fit = _fit_row(
        float(sstats["chi2"]),
        int(sstats["DoF"]),
        float(sstats["chi2 Baseline"]),
        int(sstats["DoF Baseline"]),
        n,
        srmr,
    )

    params = _semopy_table(table, back, set(fac_name.values()))
    heywood = params[(params["op"] == "~~") & (params["lhs"] == params["rhs"])]
    heywood = heywood[(heywood["estimate"] < _HEYWOOD) & heywood["lhs"].isin(items)]
    if len(heywood):
        warnings.warn(
            "residual variance at its bound 0 (Heywood case; lavaan would report a negative "
            "estimate and a different chi2) for " + ", ".join(heywood["lhs"]),
            ModelWarning,
            stacklevel=2,
        )
    lo = params[params["op"] == "=~"]
    order = {(f, i): k for k, (f, i) in enumerate((f, i) for f, its in spec.items() for i in its)}
    lo = lo.assign(_o=[order[(f, i)] for f, i in zip(lo["lhs"], lo["rhs"], strict=True)])
    lo = lo.sort_values("_o")
    loadings = pd.DataFrame(
        {
            "factor": lo["lhs"].to_numpy(),
            "item": lo["rhs"].to_numpy(),
            "estimate": lo["std_estimate"].to_numpy(),
            "unstd_estimate": lo["estimate"].to_numpy(),
            "unstd_se": lo["se"].to_numpy(),
            "p_val": lo["p_val"].to_numpy(),
        }
    )
    return CFAResults(
        fit_indices=pd.DataFrame([fit], columns=_FIT_COLUMNS),
        loadings=loadings,
        parameters=params,
        factors={f: tuple(v) for f, v in spec.items()},
        estimator=estimator,
        converged=converged,
    )


def _semopy_table(table: pd.DataFrame, back: Mapping[str, str], latent: set[str]) -> pd.DataFrame:
    """semopy's inspect() table in lavaan's orientation and our column names."""
    rows = []
    for r in table.itertuples(index=False):
        lval, op, rval = str(r[0]), str(r[1]), str(r[2])
        if op == "~" and rval in latent:  # semopy writes item ~ factor
            lhs, lav_op, rhs = back[rval], "=~", back[lval]
        else:
            lhs, lav_op, rhs = back.get(lval, lval), op, back.get(rval, rval)
        rows.append((lhs, lav_op, rhs, r[3], r[5], r[6], r[7], r[4]))
    out = pd.DataFrame(
        rows, columns=["lhs", "op", "rhs", "estimate", "se", "z", "p_val", "std_estimate"]
    )
    for c in ["estimate", "se", "z", "p_val", "std_estimate"]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    rank = {"=~": 0, "~~": 1}
    out = out.assign(_r=out["op"].map(rank).fillna(2)).sort_values("_r", kind="stable")
    return out.drop(columns="_r").reset_index(drop=True)


# --------------------------------------------------------------------------- #
# multi-group ML with equality constraints (measurement invariance)
# --------------------------------------------------------------------------- #

_LEVELS = ("configural", "metric", "scalar")


@dataclass
class _GroupIndex:
    """Where each model-matrix entry of one group lives in the free vector (−1: fixed)."""

    lam: np.ndarray  # (p, m) int
    lam_fixed: np.ndarray  # (p, m) float
    theta: np.ndarray  # (p,) int
    phi: np.ndarray  # (m, m) int, symmetric
    nu: np.ndarray  # (p,) int
    alpha: np.ndarray  # (m,) int, −1 = fixed at 0


class _MultiGroupML:
    """Multi-group normal-theory ML CFA with a mean structure.

    ``F(θ) = Σ_g (n_g/N) [log|Σ_g| + tr(S_g Σ_g⁻¹) − log|S_g| − p + (m_g − μ_g)'Σ_g⁻¹(m_g − μ_g)]``
    with ``Σ_g = Λ_g Φ_g Λ_g' + Θ_g`` and ``μ_g = ν_g + Λ_g α_g``;
    ``χ² = N F_min`` (lavaan's convention). Equality constraints are shared
    entries of the free vector.
    """

    def __init__(
        self,
        covs: Sequence[np.ndarray],
        means: Sequence[np.ndarray],
        ns: Sequence[int],
        item_factor: np.ndarray,
        n_factors: int,
        level: str,
    ) -> None:
        self.covs = [np.asarray(c, dtype=float) for c in covs]
        self.means = [np.asarray(m, dtype=float) for m in means]
        self.ns = np.asarray(ns, dtype=float)
        self.n_total = float(self.ns.sum())
        self.weights = self.ns / self.n_total
        self.p = self.covs[0].shape[0]
        self.m = n_factors
        self.item_factor = item_factor
        self.level = level
        self.logdet_s = [float(np.linalg.slogdet(c)[1]) for c in self.covs]
        self.index = self._build_index()
        self.n_free = 1 + max(
            int(max(ix.lam.max(), ix.theta.max(), ix.phi.max(), ix.nu.max(), ix.alpha.max()))
            for ix in self.index
        )

    def _build_index(self) -> list[_GroupIndex]:
        p, m, G = self.p, self.m, len(self.covs)
        counter = iter(range(10**9))
        markers = {k: int(np.flatnonzero(self.item_factor == k)[0]) for k in range(m)}
        shared_lam = self.level in ("metric", "scalar")
        shared_nu = self.level == "scalar"
        out: list[_GroupIndex] = []
        for g in range(G):
            if g > 0 and shared_lam:
                lam, lam_fixed = out[0].lam, out[0].lam_fixed
            else:
                lam = np.full((p, m), -1, dtype=int)
                lam_fixed = np.zeros((p, m))
                for j in range(p):
                    k = int(self.item_factor[j])
                    if j == markers[k]:
                        lam_fixed[j, k] = 1.0
                    else:
                        lam[j, k] = next(counter)
            theta = np.array([next(counter) for _ in range(p)])
            phi = np.full((m, m), -1, dtype=int)
            for a in range(m):
                for b in range(a + 1):
                    phi[a, b] = phi[b, a] = next(counter)
            nu = out[0].nu if (g > 0 and shared_nu) else np.array([next(counter) for _ in range(p)])
            if self.level == "scalar" and g > 0:
                alpha = np.array([next(counter) for _ in range(m)])
            else:
                alpha = np.full(m, -1, dtype=int)
            out.append(_GroupIndex(lam, lam_fixed, theta, phi, nu, alpha))
        return out

    @property
    def df(self) -> int:
        moments = len(self.covs) * (self.p * (self.p + 1) // 2 + self.p)
        return moments - self.n_free

    @staticmethod
    def _take(x: np.ndarray, idx: np.ndarray, fixed: np.ndarray | float) -> np.ndarray:
        return np.where(idx >= 0, x[np.maximum(idx, 0)], fixed)

    def matrices(
        self, x: np.ndarray, g: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        ix = self.index[g]
        lam = self._take(x, ix.lam, ix.lam_fixed)
        theta = x[ix.theta]
        phi = x[ix.phi]
        nu = x[ix.nu]
        alpha = self._take(x, ix.alpha, 0.0)
        return lam, theta, phi, nu, alpha

    def implied(self, x: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray]:
        lam, theta, phi, nu, alpha = self.matrices(x, g)
        return lam @ phi @ lam.T + np.diag(theta), nu + lam @ alpha

    def objective(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        total = 0.0
        grad = np.zeros_like(x)
        for g, ix in enumerate(self.index):
            lam, theta, phi, nu, alpha = self.matrices(x, g)
            sigma = lam @ phi @ lam.T + np.diag(theta)
            try:
                chol = linalg.cho_factor(sigma, lower=True, check_finite=False)
            except linalg.LinAlgError:
                return 1e10, np.zeros_like(x)
            logdet = 2.0 * float(np.sum(np.log(np.diag(chol[0]))))
            if not np.isfinite(logdet):
                return 1e10, np.zeros_like(x)
            inv = linalg.cho_solve(chol, np.eye(self.p), check_finite=False)
            d = self.means[g] - (nu + lam @ alpha)
            inv_d = inv @ d
            s = self.covs[g]
            fg = logdet + float(np.sum(inv * s)) - self.logdet_s[g] - self.p + float(d @ inv_d)
            w = self.weights[g]
            total += w * fg
            # dF/dSigma (symmetric): Σ⁻¹ − Σ⁻¹(S + dd')Σ⁻¹ ; dF/dmu = −2Σ⁻¹d
            gs = inv - inv @ (s + np.outer(d, d)) @ inv
            h = -2.0 * inv_d
            g_lam = 2.0 * gs @ lam @ phi + np.outer(h, alpha)
            g_phi = lam.T @ gs @ lam
            mask = ix.lam >= 0
            np.add.at(grad, ix.lam[mask], w * g_lam[mask])
            np.add.at(grad, ix.theta, w * np.diag(gs))
            np.add.at(grad, ix.phi.ravel(), w * g_phi.ravel())
            np.add.at(grad, ix.nu, w * h)
            amask = ix.alpha >= 0
            if amask.any():
                np.add.at(grad, ix.alpha[amask], w * (lam.T @ h)[amask])
        return total, grad

    def start(self, warm: np.ndarray | None = None, warm_model: _MultiGroupML | None = None) -> Any:
        """Starting values: averaged per-group one-factor solutions, or a warm start."""
        sums = np.zeros(self.n_free)
        counts = np.zeros(self.n_free)

        def put(idx: np.ndarray, val: np.ndarray, wt: float) -> None:
            mask = idx >= 0
            np.add.at(sums, idx[mask], wt * val[mask])
            np.add.at(counts, idx[mask], wt)

        for g, ix in enumerate(self.index):
            if warm is not None and warm_model is not None:
                lam, theta, phi, nu, alpha = warm_model.matrices(warm, g)
            else:
                lam, theta, phi = _start_group(self.covs[g], self.item_factor, self.m)
                nu, alpha = self.means[g].copy(), np.zeros(self.m)
            wt = self.weights[g]
            put(ix.lam, lam, wt)
            put(ix.theta, theta, wt)
            put(ix.phi, phi, wt)
            put(ix.nu, nu, wt)
            put(ix.alpha, alpha, wt)
        return sums / np.where(counts > 0, counts, 1.0)

    def fit(self, x0: np.ndarray) -> tuple[np.ndarray, float, bool]:
        res = optimize.minimize(
            self.objective,
            x0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 30},
        )
        x, f = np.asarray(res.x, dtype=float), float(res.fun)
        _, grad = self.objective(x)
        # L-BFGS usually stops at |gradient| ~ 1e-10 here; Newton steps only when it did not
        if np.max(np.abs(grad)) > 1e-8 and x.size <= 1500:
            x, f = self._newton_polish(x, f)
            _, grad = self.objective(x)
        converged = bool(np.max(np.abs(grad)) < 1e-6)
        return x, f, converged

    def _newton_polish(self, x: np.ndarray, f: float, steps: int = 4) -> tuple[np.ndarray, float]:
        """A few Newton steps on a finite-difference Hessian of the analytic gradient."""
        k = x.size
        for _ in range(steps):
            f0, g0 = self.objective(x)
            if np.max(np.abs(g0)) < 1e-12:
                break
            hess = np.empty((k, k))
            for i in range(k):
                h = 1e-6 * max(1.0, abs(x[i]))
                e = np.zeros(k)
                e[i] = h
                hess[:, i] = (self.objective(x + e)[1] - self.objective(x - e)[1]) / (2 * h)
            hess = (hess + hess.T) / 2
            try:
                step = -np.linalg.solve(hess, g0)
            except np.linalg.LinAlgError:
                break
            t = 1.0
            while t > 1e-4:
                f1, _ = self.objective(x + t * step)
                if f1 <= f0:
                    x, f = x + t * step, f1
                    break
                t /= 2
            else:
                break
        return x, f


def _start_group(
    s: np.ndarray, item_factor: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loadings from each factor's first principal axis, scaled to the marker item."""
    p = s.shape[0]
    lam = np.zeros((p, m))
    phi = np.zeros((m, m))
    for k in range(m):
        items = np.flatnonzero(item_factor == k)
        sk = s[np.ix_(items, items)]
        w, v = np.linalg.eigh(sk)
        load = v[:, -1] * np.sqrt(max(w[-1], 1e-8))
        if load[0] < 0:
            load = -load
        marker = load[0] if abs(load[0]) > 1e-6 else 1e-6
        lam[items, k] = load / marker
        phi[k, k] = marker**2
    common = np.sum(lam**2 * np.diag(phi), axis=1)
    diag = np.diag(s)
    theta = np.clip(diag - common, 0.1 * diag, 0.9 * diag)
    for a in range(m):
        for b in range(a):
            ia, ib = np.flatnonzero(item_factor == a), np.flatnonzero(item_factor == b)
            ratios = s[np.ix_(ia, ib)] / np.outer(lam[ia, a], lam[ib, b])
            r = float(np.median(ratios)) / np.sqrt(phi[a, a] * phi[b, b])
            r = float(np.clip(r, -0.9, 0.9)) if np.isfinite(r) else 0.0
            phi[a, b] = phi[b, a] = r * np.sqrt(phi[a, a] * phi[b, b])
    return lam, theta, phi


@renamed_argument("group", "by")
def measurement_invariance(
    data: pd.DataFrame,
    *,
    factors: FactorSpec,
    by: str,
) -> pd.DataFrame:
    """Configural, metric and scalar invariance of a CFA model across groups.

    Three multi-group ML models with a mean structure are fitted jointly over
    the groups (semopy has no cross-group constraints, so the multi-group ML
    fit is built here on an analytic gradient):

    - **configural**: the same pattern in every group, all parameters free;
    - **metric** (weak): loadings equal across groups;
    - **scalar** (strong): loadings and item intercepts equal across groups.

    Identification as lavaan's defaults (``cfa(..., group = , group.equal = )``):
    the first loading of each factor is fixed to 1 in every group; latent means
    are 0 in the configural and metric models; in the scalar model they are 0
    in the first group (first in order of appearance in ``data``) and free in
    the others.

    Parameters
    ----------
    data : DataFrame
        One row per respondent: the item columns and the ``by`` column.
    factors : mapping of str to sequence of str, or Instrument
        ``{factor: [items]}`` or an instrument.
    by : str
        Column naming each respondent's group (organisation, wave, ...); lavaan's
        ``group =``. (Was ``group``; the old name still works, with a
        ``DeprecationWarning``, for one release.)

    Returns
    -------
    DataFrame
        One row per model (``model`` = ``"configural"``, ``"metric"``,
        ``"scalar"``) with ``chi2``, ``df``, ``p_val``, ``cfi``, ``tli``,
        ``rmsea``, ``rmsea_ci_low``, ``rmsea_ci_high``, ``srmr``, ``n`` (complete
        respondents), ``n_groups``, ``converged``, and the comparison with the
        previous (less constrained) model: ``delta_chi2``, ``delta_df``,
        ``p_val_delta`` (likelihood-ratio test), ``delta_cfi`` and
        ``delta_rmsea`` (this model minus the previous one, so a drop in CFI is
        negative); the comparison columns are missing for the configural model.

    Raises
    ------
    DataValidationError
        An item is not numeric, or a
        group has too few complete respondents (at least items + 1) or an item
        without variance.
    HRProductivityError
        (also a ``ValueError``) fewer than 2 groups, or an invalid ``factors``.

    Warns
    -----
    ModelWarning
        A model did not converge (its ``converged`` is False), or has a
        negative residual variance (Heywood case; variances are not bounded,
        as in lavaan).

    Notes
    -----
    With groups :math:`g` of :math:`n_g` respondents, :math:`N = \\sum n_g`,
    sample moments :math:`S_g` (divisor :math:`n_g`), :math:`\\bar x_g` and
    implied :math:`\\Sigma_g = \\Lambda_g\\Phi_g\\Lambda_g' + \\Theta_g`,
    :math:`\\mu_g = \\nu_g + \\Lambda_g\\alpha_g`, the estimates minimise

    .. math:: F = \\sum_g \\frac{n_g}{N}\\Bigl[\\log|\\Sigma_g| +
              \\operatorname{tr}(S_g\\Sigma_g^{-1}) - \\log|S_g| - p +
              (\\bar x_g - \\mu_g)'\\Sigma_g^{-1}(\\bar x_g - \\mu_g)\\Bigr]

    and :math:`\\chi^2 = N F_{\\min}`, :math:`df = G\\,p(p+3)/2 - q`. CFI and TLI
    use the independence model with free means and variances in every group
    (:math:`\\chi^2_b = \\sum_g n_g(\\sum_i \\log s_{g,ii} - \\log|S_g|)`,
    :math:`df_b = G\\,p(p-1)/2`); RMSEA is lavaan's multi-group form
    :math:`\\sqrt{G}\\sqrt{\\max(0, (\\chi^2 - df)/(N\\,df))}`; SRMR is lavaan's
    ``srmr_bentler`` per group (mean residuals included) weighted by
    :math:`n_g/N`. The estimates come from L-BFGS on the analytic gradient
    followed by Newton steps on a finite-difference Hessian.

    References
    ----------
    Meredith, W. (1993). Measurement invariance, factor analysis and factorial
    invariance. *Psychometrika*, 58, 525-543.
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of
    measurement invariance. *Structural Equation Modeling*, 14, 464-504.
    Steiger, J. H. (1998). A note on multiple sample extensions of the RMSEA
    fit index. *Structural Equation Modeling*, 5, 411-419.

    Examples
    --------
    R: ``semTools::measurementInvariance(model = HS.model, data = HolzingerSwineford1939,
    group = "school")`` (or three ``lavaan::cfa`` calls with ``group.equal``).

    >>> from semopy.examples import holzinger39
    >>> from hrproductivity.reliability import measurement_invariance
    >>> hs = holzinger39.get_data()
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
    ...          "speed": ["x7", "x8", "x9"]}
    >>> mi = measurement_invariance(hs, factors=model, by="school")
    >>> mi[["model", "chi2", "df", "cfi", "rmsea"]].round(3)
            model     chi2  df    cfi  rmsea
    0  configural  115.851  48  0.923  0.097
    1      metric  124.044  54  0.921  0.093
    2      scalar  164.103  60  0.882  0.107
    """
    data = _check_frame(data)
    spec = _factor_map(factors)
    items = [i for v in spec.values() for i in v]
    _check_items(data, items)
    if not isinstance(by, str):
        raise ArgumentError("by must be the name of one column")
    check_columns(data, by=by)
    x = _complete_items(data, items, extra=[by])
    x = x[x[by].notna()]
    labels = list(pd.unique(x[by]))
    if len(labels) < 2:
        raise ArgumentError(
            f"by column {by!r} has {len(labels)} level(s) with complete answers; "
            "invariance needs at least 2"
        )
    p = len(items)
    covs, means, ns = [], [], []
    problems = []
    for lab in labels:
        d = x.loc[x[by] == lab, items].to_numpy(dtype=float)
        if len(d) <= p:
            problems.append(
                Problem(
                    "data",
                    None,
                    by,
                    f"group {lab!r} has {len(d)} complete respondents; at least {p + 1} needed",
                )
            )
            continue
        s = np.cov(d.T, ddof=0)
        flat = [items[j] for j in np.flatnonzero(np.diag(s) <= 1e-12)]
        if flat or np.linalg.matrix_rank(s) < p:
            what = f"items without variance: {', '.join(flat)}" if flat else "collinear items"
            problems.append(Problem("data", None, by, f"group {lab!r}: {what}"))
            continue
        covs.append(s)
        means.append(d.mean(axis=0))
        ns.append(len(d))
    if problems:
        raise DataValidationError(problems)

    item_factor = np.array([k for k, its in enumerate(spec.values()) for _ in its])
    G = len(labels)
    n = int(sum(ns))
    chi2_b, df_b = _baseline(covs, ns)

    rows: list[dict[str, Any]] = []
    prev_model: _MultiGroupML | None = None
    prev_x: np.ndarray | None = None
    for level in _LEVELS:
        mg = _MultiGroupML(covs, means, ns, item_factor, len(spec), level)
        x0 = mg.start(prev_x, prev_model)
        xhat, fmin, converged = mg.fit(x0)
        if not converged:
            warnings.warn(
                f"the {level} model did not converge; its fit indices may be wrong",
                ModelWarning,
                stacklevel=2,
            )
        negative = [
            f"{items[j]} ({labels[g]})"
            for g in range(G)
            for j in np.flatnonzero(mg.matrices(xhat, g)[1] < 0)
        ]
        if negative:
            warnings.warn(
                f"the {level} model has negative residual variances (Heywood case): "
                + ", ".join(negative),
                ModelWarning,
                stacklevel=2,
            )
        chi2 = n * fmin
        srmr = 0.0
        for g in range(G):
            sigma, mu = mg.implied(xhat, g)
            srmr += mg.weights[g] * _srmr_terms(covs[g], sigma, means[g], mu)
        row: dict[str, Any] = {"model": level}
        row.update(_fit_row(chi2, mg.df, chi2_b, df_b, n, srmr, n_groups=G))
        row["n_groups"] = G
        row["converged"] = converged
        rows.append(row)
        prev_model, prev_x = mg, xhat

    out = pd.DataFrame(rows)
    out["delta_chi2"] = out["chi2"].diff()
    out["delta_df"] = out["df"].diff()
    out["p_val_delta"] = [
        np.nan if np.isnan(dd) else float(stats.chi2.sf(dc, dd))
        for dc, dd in zip(out["delta_chi2"], out["delta_df"], strict=True)
    ]
    out["delta_cfi"] = out["cfi"].diff()
    out["delta_rmsea"] = out["rmsea"].diff()
    out["delta_df"] = out["delta_df"].astype("Int64")
    return out
