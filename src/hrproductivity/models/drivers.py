"""Relative importance of drivers by LMG (``drivers``).

Which of the QWL factors (or survey scales) matter most for an outcome? LMG
(Lindeman, Merenda & Gold 1980) splits the R² of a linear regression among
correlated predictors: each predictor gets the increase in R² it brings when
added to a model, averaged over all orders of entry, which is the Shapley value
of the R² game. Here it is computed exactly over all 2^p subsets, each R² from
the correlation matrix (``R²(S) = r_yS' R_SS⁻¹ r_yS``), solved in batches; up to
15 predictors (32 768 subsets). Intervals by row bootstrap, as in R's
``relaimpo::boot.relimp``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hrproductivity._checks import renamed_argument
from hrproductivity.models._results import (
    ArgumentError,
    ModelResults,
    as_names,
    check_alpha,
    check_columns,
    check_frame,
    check_numeric,
    coefficient_plot,
    make_rng,
    to_float,
    wald_table,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DriversResults", "drivers", "lmg"]

MAX_PREDICTORS = 15


@dataclass(frozen=True, eq=False, kw_only=True)
class DriversResults(ModelResults):
    """Results of :func:`drivers`.

    ``summary()`` has one row per predictor (and per group with ``by=``):
    ``term, estimate`` (the LMG share of R², in R² units), ``se`` (bootstrap),
    ``ci_low, ci_high`` (percentile), ``p_val`` (empty: LMG is not a test),
    ``n``, ``share`` (LMG / R², sums to 1), ``share_ci_low, share_ci_high``.

    Attributes
    ----------
    (besides those of :class:`ModelResults`)

    predictors : tuple of str
        Predictor columns.
    coefficients : DataFrame
        OLS slopes of the full model (tidy), used by ``in_euros`` / ``in_hours``:
        the effect of a change in one driver, others held fixed.
    group : str or None
        Grouping column (the ``by`` argument), if any.
    by_group : mapping
        Per-group results when ``by`` is given.
    fit : Mapping[str, float]
        ``r2``: R² of the full OLS model (the sum of the LMG shares). With
        ``by=``: ``r2_min``, ``r2_max`` (over the groups) and ``n_groups``.
    """

    predictors: tuple[str, ...]
    coefficients: pd.DataFrame
    group: str | None = None
    by_group: Mapping[str, DriversResults] = field(default_factory=dict)

    def _title(self) -> str:
        return f"drivers of {self.outcome} (LMG relative importance)"

    def _effect_row(self, term: str | None) -> pd.Series:
        if self.group is not None:
            raise ArgumentError(
                "term: these results have one model per group; translate one group's "
                "effect with results.by_group[<group>].in_euros(...)"
            )
        term = self.effect_term if term is None else term
        rows = self.coefficients[self.coefficients["term"] == term]
        if rows.empty:
            raise ArgumentError(
                f"term: {term!r} is not a predictor; choose one of: {', '.join(self.predictors)}"
            )
        return rows.iloc[0]

    def plot(self, ax: Axes | None = None, *, terms: Sequence[str] | None = None) -> Axes:
        """Shares of R² with their bootstrap intervals, largest first.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        terms : sequence of str, optional
            Predictors to show (default all).

        Returns
        -------
        Axes
        """
        table = self.summary()
        if terms is not None:
            table = table[table["term"].isin(list(terms))]
        if self.group is not None:
            table = table.assign(term=table["group"].astype(str) + ": " + table["term"])
        table = table.sort_values("share")[::-1]
        shown = pd.DataFrame(
            {
                "term": table["term"],
                "estimate": table["share"],
                "ci_low": table["share_ci_low"],
                "ci_high": table["share_ci_high"],
            }
        )
        ax = coefficient_plot(shown, ax=ax, title=self._title())
        ax.set_xlabel("share of R²")
        return ax


def lmg(corr: np.ndarray) -> np.ndarray:
    """LMG shares of R² from a correlation matrix (outcome first, then predictors).

    Parameters
    ----------
    corr : ndarray, shape (p + 1, p + 1)
        Correlation (or covariance) matrix with the outcome in row and column 0.

    Returns
    -------
    ndarray, shape (p,)
        LMG value of each predictor; they sum to the R² of the full model.
    """
    corr = np.asarray(corr, dtype=float)
    sd = np.sqrt(np.diag(corr))
    corr = corr / np.outer(sd, sd)
    p = corr.shape[0] - 1
    rxx, rxy = corr[1:, 1:], corr[1:, 0]
    r2 = np.zeros(1 << p)
    bits = 1 << np.arange(p)
    for k in range(1, p + 1):
        idx = np.array(list(combinations(range(p), k)), dtype=np.int64)
        masks = bits[idx].sum(axis=1)
        sub = rxx[idx[:, :, None], idx[:, None, :]]
        r = rxy[idx]
        sol = np.linalg.solve(sub, r[..., None])[..., 0]
        r2[masks] = np.einsum("mk,mk->m", r, sol)
    size = np.bitwise_count(np.arange(1 << p, dtype=np.uint64)).astype(np.int64)
    weight = np.array(
        [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)]
    )
    all_masks = np.arange(1 << p)
    out = np.empty(p)
    for j in range(p):
        without = all_masks[(all_masks & bits[j]) == 0]
        out[j] = np.sum(weight[size[without]] * (r2[without | bits[j]] - r2[without]))
    return out


@renamed_argument("group", "by")
def drivers(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictors: Sequence[str],
    min_n: int = 30,
    n_boot: int = 500,
    seed: int | np.random.Generator | None = None,
    by: str | None = None,
    alpha: float = 0.05,
) -> DriversResults:
    """Relative importance of predictors (drivers) of an outcome by LMG.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (or unit).
    outcome : str
        Outcome column (e.g. work engagement, or sick days per FTE).
    predictors : sequence of str
        Two to 15 predictor columns (e.g. QWL factor scores).
    min_n : int, default 30
        Smallest number of complete rows accepted (per group with ``by``).
        Groups below it are refused, not silently analysed.
    n_boot : int, default 500
        Bootstrap replicates (rows resampled); ``0`` skips the intervals.
    seed : int or Generator, optional
        Seed of the bootstrap.
    by : str, optional
        Column to analyse separately by (e.g. ``"org"``). (Was ``group``; the old
        name still works, with a ``DeprecationWarning``, for one release.)
    alpha : float, default 0.05
        Intervals are ``1 - alpha`` percentile intervals.

    Returns
    -------
    DriversResults
        See the class. ``fit`` has ``r2`` of the full model (per group: the smallest
        and largest). ``coefficients`` holds the OLS slopes.

    Raises
    ------
    ArgumentError
        A column is missing or not numeric, fewer than two or more than 15
        predictors, or fewer than ``min_n`` complete rows (naming every group that
        is too small).

    Notes
    -----
    ``LMG_j = Σ_{S ⊆ P∖{j}} |S|! (p − |S| − 1)! / p! · (R²(S ∪ {j}) − R²(S))``. The
    values sum to the full-model R² and do not depend on the predictors' scales.
    With uncorrelated predictors ``LMG_j = β_j² var(x_j) / var(y)``.

    References
    ----------
    Lindeman, R. H., Merenda, P. F. & Gold, R. Z. (1980). Introduction to Bivariate and
    Multivariate Analysis. Scott, Foresman.
    Grömping, U. (2006). Relative importance for linear regression in R: the package
    relaimpo. Journal of Statistical Software 17(1).

    Example
    -------
    >>> from hrproductivity.models import drivers
    >>> res = drivers(scores, outcome="engagement",
    ...               predictors=["fe", "yi", "pl"], seed=1)  # doctest: +SKIP

    In R: ``relaimpo::boot.relimp(lm(engagement ~ fe + yi + pl), type = "lmg",
    b = 500)`` and ``booteval.relimp(...)``.
    """
    check_frame(data)
    alpha = check_alpha(alpha)
    pred = as_names(predictors, "predictors")
    if not 2 <= len(pred) <= MAX_PREDICTORS:
        raise ArgumentError(
            f"predictors: give 2 to {MAX_PREDICTORS} predictors, got {len(pred)} "
            "(LMG is exact over all 2^p subsets; combine items into scales first)"
        )
    if len(set(pred)) != len(pred) or outcome in pred:
        raise ArgumentError("predictors: names must be distinct and differ from outcome")
    check_columns(data, outcome=outcome, predictors=pred, by=by)
    check_numeric(data, outcome=outcome, predictors=pred)
    if not isinstance(min_n, int | np.integer) or min_n < len(pred) + 2:
        raise ArgumentError(f"min_n: must be an integer of at least {len(pred) + 2}")
    if not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ArgumentError(f"n_boot: must be a non-negative integer, got {n_boot!r}")

    values = np.column_stack([to_float(data[outcome])] + [to_float(data[c]) for c in pred])
    ok = np.isfinite(values).all(axis=1)
    rng = make_rng(seed)

    if by is None:
        if ok.sum() < min_n:
            raise ArgumentError(
                f"min_n: only {int(ok.sum())} complete rows, fewer than min_n={min_n}"
            )
        return _one(values[ok], outcome, pred, n_boot, rng, alpha)

    labels = data[by]
    ok &= labels.notna().to_numpy()
    counts = pd.Series(ok).groupby(labels.to_numpy()).sum()
    small = counts[counts < min_n]
    if len(small):
        listing = ", ".join(f"{k!s} ({int(v)})" for k, v in small.items())
        raise ArgumentError(
            f"min_n: groups of {by!r} with fewer than {min_n} complete rows: {listing}; "
            "drop or merge them before the analysis"
        )
    parts: dict[str, DriversResults] = {}
    for label in counts.index:
        rows = ok & (labels.to_numpy() == label)
        parts[str(label)] = _one(values[rows], outcome, pred, n_boot, rng, alpha)
    tables = [r.table.assign(group=k) for k, r in parts.items()]
    table = pd.concat(tables, ignore_index=True)
    table = table[["group", *[c for c in table.columns if c != "group"]]]
    coefs = pd.concat([r.coefficients.assign(group=k) for k, r in parts.items()], ignore_index=True)
    r2s = [r.fit["r2"] for r in parts.values()]
    return DriversResults(
        model="drivers",
        outcome=outcome,
        table=table,
        n=sum(r.n for r in parts.values()),
        fit={"r2_min": min(r2s), "r2_max": max(r2s), "n_groups": len(parts)},
        alpha=alpha,
        effect_term=pred[0],
        raw={k: r.raw for k, r in parts.items()},
        predictors=tuple(pred),
        coefficients=coefs,
        group=by,
        by_group=parts,
    )


def _one(
    values: np.ndarray,
    outcome: str,
    pred: list[str],
    n_boot: int,
    rng: np.random.Generator,
    alpha: float,
) -> DriversResults:
    import statsmodels.api as sm

    n = len(values)
    sd = values.std(axis=0)
    if np.any(sd == 0):
        constant = [([outcome, *pred])[i] for i in np.flatnonzero(sd == 0)]
        raise ArgumentError(f"predictors: no variation in {', '.join(constant)}")
    try:
        estimate = lmg(np.corrcoef(values, rowvar=False))
    except np.linalg.LinAlgError as exc:
        raise ArgumentError(
            "predictors: perfectly collinear (one is a linear combination of others); "
            "drop one of them"
        ) from exc
    ols = sm.OLS(values[:, 0], sm.add_constant(values[:, 1:])).fit()
    r2 = float(ols.rsquared)
    boot = np.full((n_boot, len(pred)), np.nan)
    boot_r2 = np.full(n_boot, np.nan)
    for i in range(n_boot):
        sample = values[rng.integers(0, n, n)]
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.corrcoef(sample, rowvar=False)
        if not np.isfinite(corr).all():
            continue
        try:
            boot[i] = lmg(corr)
        except np.linalg.LinAlgError:
            continue
        boot_r2[i] = boot[i].sum()
    share_boot = boot / boot_r2[:, None]
    q = [alpha / 2, 1 - alpha / 2]

    def quant(a: np.ndarray) -> np.ndarray:
        if n_boot == 0:
            return np.full((2, a.shape[1]), np.nan)
        return np.nanquantile(a, q, axis=0)

    ci = quant(boot)
    share_ci = quant(share_boot)
    table = pd.DataFrame(
        {
            "term": pred,
            "estimate": estimate,
            "se": np.nanstd(boot, axis=0, ddof=1) if n_boot > 1 else np.nan,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "p_val": np.nan,
            "n": n,
            "share": estimate / r2,
            "share_ci_low": share_ci[0],
            "share_ci_high": share_ci[1],
        }
    )
    coefficients = wald_table(
        pred, ols.params[1:], ols.bse[1:], df=float(ols.df_resid), alpha=alpha, n=n
    )
    return DriversResults(
        model="drivers",
        outcome=outcome,
        table=table,
        n=n,
        fit={"r2": r2},
        alpha=alpha,
        effect_term=pred[0],
        raw=ols,
        predictors=tuple(pred),
        coefficients=coefficients,
    )
