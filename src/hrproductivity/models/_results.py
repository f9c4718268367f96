"""Frozen results objects shared by the models, and the helpers they use.

Every model in :mod:`hrproductivity.models` returns a subclass of
:class:`ModelResults`: a frozen dataclass holding a tidy coefficient table and
the fitted object of the wrapped estimator, with

- ``.summary()``: the tidy table (``term, estimate, se, ci_low, ci_high, p_val, n``);
- ``.row(term)`` / ``.to_dict()``: the same numbers as plain dicts, to record or compare;
- ``_repr_html_()``: the same table as HTML for notebooks;
- ``.plot(ax=None)``: a coefficient plot on the given Axes;
- ``.in_euros(value_per_unit, change=…)`` / ``.in_hours(hours_per_unit, change=…)``:
  the effect of a change in the exposure translated into euros or hours,
  with the confidence interval carried through.

:func:`compare` puts several results side by side, like ``linearmodels``'
``compare``.
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from scipy import stats

from hrproductivity._checks import check_columns as _check_columns
from hrproductivity.errors import ArgumentError, ModelFitError, ModelWarning
from hrproductivity.plots import axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "TABLE_COLUMNS",
    "ModelFitError",
    "ArgumentError",
    "ModelResults",
    "OutcomeValuation",
    "compare",
]

#: Columns of every ``summary()`` table, in this order (models may add more after them).
TABLE_COLUMNS = ("term", "estimate", "se", "ci_low", "ci_high", "p_val", "n")


@runtime_checkable
class OutcomeValuation(Protocol):
    """Anything that turns a change in the outcome into euros (or hours).

    A plain callable ``f(outcome_change) -> float`` satisfies it, for example
    ``lambda d: d * 350.0`` for sick days valued at 350 € a day, or a bound
    method of a calibrated human capital production function. The mapping must
    be monotone over the confidence interval of the effect, so that the
    interval's end points map to the end points of the translated interval.
    """

    def __call__(self, outcome_change: float, /) -> float: ...


# ---------------------------------------------------------------------------
# input checks shared by the models
# ---------------------------------------------------------------------------


def check_frame(data: object) -> pd.DataFrame:
    """Raise unless ``data`` is a DataFrame with rows."""
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"data: expected a pandas DataFrame, got {type(data).__name__}")
    if data.empty:
        raise ArgumentError("data: the DataFrame has no rows")
    return data


def as_names(value: str | Iterable[str] | None, argument: str) -> list[str]:
    """Normalise a column name or a sequence of names to a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    names = list(value)
    for name in names:
        if not isinstance(name, str):
            raise ArgumentError(f"{argument}: expected column names, got {name!r}")
    return names


def check_columns(data: pd.DataFrame, **arguments: str | Sequence[str] | None) -> None:
    """Raise one error naming every argument whose column is not in ``data``.

    The names must be strings (:func:`as_names`); the check is
    :func:`hrproductivity._checks.check_columns`.
    """
    _check_columns(data, **{a: as_names(v, a) for a, v in arguments.items()})


def check_distinct(**arguments: str | Sequence[str] | None) -> None:
    """Raise when one column is given in two roles (e.g. as exposure and as a control)."""
    seen: dict[str, str] = {}
    for argument, value in arguments.items():
        for name in as_names(value, argument):
            if name in seen and seen[name] != argument:
                raise ArgumentError(
                    f"{argument}: column {name!r} is also given as {seen[name]}; "
                    "each column can have one role"
                )
            seen.setdefault(name, argument)
    return None


def check_numeric(data: pd.DataFrame, **arguments: str | Sequence[str] | None) -> None:
    """Raise when a column that must be numeric (or boolean) is not."""
    for argument, value in arguments.items():
        for name in as_names(value, argument):
            column = data[name]
            if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
                continue
            raise ArgumentError(
                f"{argument}: column {name!r} must be numeric, it has dtype {column.dtype}"
            )


def to_float(column: pd.Series) -> np.ndarray:
    """Float64 values of a numeric, boolean or nullable column; missing values become NaN."""
    return column.to_numpy(dtype="float64", na_value=np.nan)


def check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise ArgumentError(f"alpha: must be between 0 and 1, got {alpha!r}")
    return float(alpha)


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def wald_table(
    terms: Sequence[str],
    estimate: np.ndarray,
    se: np.ndarray,
    *,
    df: float | None,
    alpha: float,
    n: int,
) -> pd.DataFrame:
    """Tidy table with t (finite ``df``) or normal (``df=None``) intervals and p-values."""
    estimate = np.asarray(estimate, dtype=float)
    se = np.asarray(se, dtype=float)
    dist: Any = stats.t(df) if df is not None and np.isfinite(df) else stats.norm()
    crit = float(dist.ppf(1 - alpha / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        tstat = estimate / se
    return pd.DataFrame(
        {
            "term": list(terms),
            "estimate": estimate,
            "se": se,
            "ci_low": estimate - crit * se,
            "ci_high": estimate + crit * se,
            "p_val": 2 * dist.sf(np.abs(tstat)),
            "n": np.full(len(terms), n, dtype=np.int64),
        }
    )


# ---------------------------------------------------------------------------
# the results base class
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, kw_only=True)
class ModelResults:
    """Common part of every model's results.

    Attributes
    ----------
    model : str
        Registry name of the model (``"panel"``, ``"multilevel"`` …).
    outcome : str
        Outcome column.
    table : DataFrame
        Tidy estimates, columns ``term, estimate, se, ci_low, ci_high, p_val, n``.
    n : int
        Observations used.
    fit : Mapping[str, float]
        Fit statistics and sizes (R², number of groups …); each results class
        lists its keys under ``fit`` (counts are int, statistics float).
    alpha : float
        Intervals are ``1 - alpha`` intervals.
    effect_term : str
        The term that ``in_euros`` and ``in_hours`` translate by default.
    notes : tuple of str
        Things the analyst should know about this fit (also shown in HTML).
    raw : object
        The fitted object of the wrapped estimator (linearmodels, statsmodels).
    """

    model: str
    outcome: str
    table: pd.DataFrame
    n: int
    fit: Mapping[str, float]
    alpha: float
    effect_term: str
    notes: tuple[str, ...] = ()
    raw: Any = field(default=None, repr=False)

    # -- tables ---------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """Tidy table of the estimates (a copy; the results object is frozen).

        Returns
        -------
        DataFrame
            ``term, estimate, se, ci_low, ci_high, p_val, n`` and any model-specific
            columns after them.
        """
        return self.table.copy()

    def row(self, term: str) -> dict[str, Any]:
        """One term's numbers as a plain dict, ready to record or compare.

        Parameters
        ----------
        term : str
            A value of the ``term`` column of :meth:`summary`.

        Returns
        -------
        dict
            Every column of that row except ``term``: ``estimate, se, ci_low,
            ci_high, p_val`` as float (missing values as NaN), ``n`` as int, and
            any model-specific columns after them (floats, ints, bools or str).

        Raises
        ------
        ArgumentError
            When ``term`` is not a term of this model (the message lists the
            terms), or names several rows (a table with one row per group: take
            the group's own results).

        Example
        -------
        >>> res.row("qwl")["estimate"]  # doctest: +SKIP

        The R equivalent is ``coef(summary(fit))["qwl", ]``.
        """
        rows = self.table[self.table["term"] == term]
        if rows.empty:
            known = ", ".join(dict.fromkeys(map(str, self.table["term"])))
            raise ArgumentError(
                f"term: {term!r} is not a term of this model; choose one of: {known}"
            )
        if len(rows) > 1:
            raise ArgumentError(
                f"term: {term!r} names {len(rows)} rows of the table (one per group); "
                "take one group's results (e.g. results.by_group[<group>].row(term))"
            )
        return {str(k): _plain(v) for k, v in rows.iloc[0].items() if k != "term"}

    def to_dict(self) -> dict[str, Any]:
        """Everything the results print, as plain Python values (JSON-ready).

        Returns
        -------
        dict
            ``model``, ``outcome`` (str), ``n`` (int), ``alpha`` (float),
            ``effect_term`` (str), ``fit`` (dict of the fit statistics, see the
            results class), ``terms`` (``{term: row(term)}`` in the order of
            :meth:`summary`; with one row per group, ``{group: {term: row}}``)
            and ``notes`` (list of str). NaN stays NaN (``record`` saves it as
            ``null``).

        Example
        -------
        >>> res.to_dict()["terms"]["qwl"]["ci_low"]  # doctest: +SKIP
        """
        table = self.table
        terms: dict[str, Any] = {}
        for _, r in table.iterrows():
            values = {str(k): _plain(v) for k, v in r.items() if k not in ("term", "group")}
            if "group" in table.columns:
                terms.setdefault(str(r["group"]), {})[str(r["term"])] = values
            else:
                terms[str(r["term"])] = values
        return {
            "model": self.model,
            "outcome": self.outcome,
            "n": int(self.n),
            "alpha": float(self.alpha),
            "effect_term": self.effect_term,
            "fit": {str(k): _plain(v) for k, v in self.fit.items()},
            "terms": terms,
            "notes": list(self.notes),
        }

    def _title(self) -> str:
        return f"{self.model}: {self.outcome}"

    def _repr_html_(self) -> str:
        level = round(100 * (1 - self.alpha))
        fit = ", ".join(f"{k} = {_fmt(v)}" for k, v in self.fit.items())
        notes = "".join(f"<li>{html.escape(s)}</li>" for s in self.notes)
        table = self.summary().to_html(index=False, float_format=lambda x: f"{x:.4g}", na_rep="")
        return (
            f"<div><strong>{html.escape(self._title())}</strong>"
            f"<p>n = {self.n}; {html.escape(fit)}; {level} % intervals</p>{table}"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )

    def __str__(self) -> str:
        return f"{self._title()} (n = {self.n})\n{self.summary().to_string(index=False)}"

    # -- plot -----------------------------------------------------------------

    def plot(self, ax: Axes | None = None, *, terms: Sequence[str] | None = None) -> Axes:
        """Coefficient plot: estimates with their intervals.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on; a new figure is made if omitted.
        terms : sequence of str, optional
            Terms to show (default: all rows of the summary).

        Returns
        -------
        Axes
        """
        table = self.summary()
        if terms is not None:
            table = table[table["term"].isin(list(terms))]
        return coefficient_plot(table, ax=ax, title=self._title())

    # -- translation into euros and hours -------------------------------------

    def _effect_row(self, term: str | None) -> pd.Series:
        term = self.effect_term if term is None else term
        rows = self.table[self.table["term"] == term]
        if rows.empty:
            raise ArgumentError(
                f"term: {term!r} is not a term of this model; "
                f"choose one of: {', '.join(map(str, self.table['term']))}"
            )
        return rows.iloc[0]

    def _effect_draws(self, term: str | None, size: int, rng: np.random.Generator) -> np.ndarray:
        """Draws from the sampling distribution of a term (normal by default)."""
        row = self._effect_row(term)
        return rng.normal(float(row["estimate"]), float(row["se"]), size)

    def in_euros(
        self,
        value_per_unit: float | OutcomeValuation,
        *,
        change: float = 1.0,
        term: str | None = None,
        value_ci: tuple[float, float] | None = None,
        n_draws: int = 10_000,
        seed: int | np.random.Generator | None = None,
    ) -> pd.DataFrame:
        """Translate the effect of a change in the exposure into euros.

        Parameters
        ----------
        value_per_unit : float or callable
            Euros per one unit of the outcome (e.g. 350 € per sick day), or any
            :class:`OutcomeValuation`: a callable that maps a change in the outcome
            to euros (e.g. a method of a calibrated HCPF). A callable must be
            monotone over the interval of the effect.
        change : float, default 1.0
            Change of the exposure, in its own units: ``1`` for one QWL index point
            when the index is in points, ``0.01`` when it is a share; for ``did`` the
            treatment itself (``1``).
        term : str, optional
            Row of ``summary()`` to translate; default ``effect_term``.
        value_ci : (float, float), optional
            Interval of the conversion factor (same level as the model's). ``None``
            treats the factor as fixed.
        n_draws : int, default 10 000
            Simulation draws when ``value_ci`` is given.
        seed : int or Generator, optional
            Seed of those draws.

        Returns
        -------
        DataFrame
            One row: ``term, change, outcome_change, outcome_ci_low, outcome_ci_high,
            estimate, ci_low, ci_high, unit, conversion`` (``unit`` is ``"EUR"``).

        Notes
        -----
        With a fixed factor ``v`` the translated effect is ``v · change · β`` and its
        interval is the interval of ``β`` mapped through the same (monotone)
        conversion: the factor adds no uncertainty. With ``value_ci`` the factor is
        taken as normal with that interval and independent of the estimate, and the
        interval is the percentile interval of simulated products (Krinsky & Robb
        1986); bootstrap models (mediation) reuse their bootstrap draws.

        Example
        -------
        >>> res.in_euros(350.0, change=1.0)  # doctest: +SKIP

        The R equivalent is a manual ``confint(fit)["qwl", ] * 350``.
        """
        return self._translate(value_per_unit, "EUR", change, term, value_ci, n_draws, seed)

    def in_hours(
        self,
        hours_per_unit: float | OutcomeValuation,
        *,
        change: float = 1.0,
        term: str | None = None,
        value_ci: tuple[float, float] | None = None,
        n_draws: int = 10_000,
        seed: int | np.random.Generator | None = None,
    ) -> pd.DataFrame:
        """Translate the effect of a change in the exposure into working hours.

        Same as :meth:`in_euros`, with ``hours_per_unit`` hours per unit of the
        outcome (e.g. 7.65 hours per sick day) and ``unit`` ``"h"``.

        Example
        -------
        >>> res.in_hours(7.65, change=1.0)  # doctest: +SKIP
        """
        return self._translate(hours_per_unit, "h", change, term, value_ci, n_draws, seed)

    def _translate(
        self,
        factor: float | OutcomeValuation,
        unit: str,
        change: float,
        term: str | None,
        value_ci: tuple[float, float] | None,
        n_draws: int,
        seed: int | np.random.Generator | None,
    ) -> pd.DataFrame:
        name = "value_per_unit" if unit == "EUR" else "hours_per_unit"
        if not isinstance(change, int | float) or not math.isfinite(change):
            raise ArgumentError(f"change: must be a finite number, got {change!r}")
        row = self._effect_row(term)
        est, lo, hi = (float(row[c]) * change for c in ("estimate", "ci_low", "ci_high"))
        lo, hi = min(lo, hi), max(lo, hi)
        convert: Callable[[float], float]
        if isinstance(factor, int | float) and not isinstance(factor, bool):
            v = float(factor)

            def convert(d: float) -> float:
                return v * d

        elif callable(factor):
            convert = _checked_callable(factor, name)
        else:
            raise ArgumentError(
                f"{name}: expected a number or a callable mapping an outcome change to "
                f"{unit}, got {type(factor).__name__}"
            )
        conversion = "fixed"
        if value_ci is None:
            values = [convert(x) for x in (est, lo, hi)]
            t_est = values[0]
            t_lo, t_hi = min(values[1:]), max(values[1:])
            if not (t_lo - 1e-9 * abs(t_lo) <= t_est <= t_hi + 1e-9 * abs(t_hi)):
                warnings.warn(
                    f"{name}: the conversion is not monotone over the interval of the "
                    "effect, so the translated interval is not valid; pass a monotone "
                    "valuation or a fixed factor",
                    ModelWarning,
                    stacklevel=3,
                )
        else:
            if not isinstance(factor, int | float):
                raise ArgumentError(
                    "value_ci: an interval for the conversion factor needs a numeric "
                    f"{name}, not a callable"
                )
            v_lo, v_hi = (float(x) for x in value_ci)
            if not v_lo <= float(factor) <= v_hi:
                raise ArgumentError(
                    f"value_ci: the interval {value_ci!r} does not contain {name}={factor!r}"
                )
            z = float(stats.norm.ppf(1 - self.alpha / 2))
            rng = make_rng(seed)
            draws_b = self._effect_draws(term, n_draws, rng) * change
            draws_v = rng.normal(float(factor), (v_hi - v_lo) / (2 * z), draws_b.size)
            prod = draws_b * draws_v
            t_est = float(factor) * est
            t_lo, t_hi = (float(q) for q in np.quantile(prod, [self.alpha / 2, 1 - self.alpha / 2]))
            conversion = "simulated"
        return pd.DataFrame(
            {
                "term": [str(row["term"])],
                "change": [float(change)],
                "outcome_change": [est],
                "outcome_ci_low": [lo],
                "outcome_ci_high": [hi],
                "estimate": [t_est],
                "ci_low": [t_lo],
                "ci_high": [t_hi],
                "unit": [unit],
                "conversion": [conversion],
            }
        )


def _checked_callable(f: Callable[..., Any], name: str) -> Callable[[float], float]:
    def convert(d: float) -> float:
        value = f(d)
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ArgumentError(
                f"{name}: the callable must return a number, it returned {type(value).__name__}"
            ) from exc

    return convert


def _plain(value: object) -> Any:
    """A NumPy or pandas scalar as the matching Python scalar (missing as NaN)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return float("nan")
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    return value


def _fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    return str(value)


# ---------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------


def coefficient_plot(
    table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Horizontal point-and-interval plot of a tidy table."""
    ax = axes(ax)
    y = np.arange(len(table))[::-1]
    est = table["estimate"].to_numpy(dtype=float)
    lo = table["ci_low"].to_numpy(dtype=float)
    hi = table["ci_high"].to_numpy(dtype=float)
    xerr = np.vstack([est - lo, hi - est])
    ax.errorbar(est, y, xerr=xerr, fmt="o", color="C0", capsize=3)
    ax.axvline(0.0, color="0.5", linewidth=0.8, linestyle="--")
    ax.set_yticks(y)
    ax.set_yticklabels([str(t) for t in table["term"]])
    ax.set_xlabel("estimate")
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


def compare(
    results: Sequence[ModelResults] | Mapping[str, ModelResults],
    *,
    names: Sequence[str] | None = None,
    digits: int = 3,
) -> pd.DataFrame:
    """Side-by-side table of several fitted models.

    Parameters
    ----------
    results : sequence or mapping of results
        Results objects of any model; a mapping gives the column names.
    names : sequence of str, optional
        Column names (default: the mapping's keys, else ``"<model> (i)"``).
    digits : int, default 3
        Decimals shown.

    Returns
    -------
    DataFrame
        One row per term (``"estimate (se)"``), then ``n`` and every fit statistic
        that any model reports; one column per model. Empty cells are ``""``.

    Example
    -------
    >>> compare({"FE": res_fe, "FE + lag": res_lag})  # doctest: +SKIP

    Like ``linearmodels.panel.compare`` in Python or ``modelsummary::msummary()``
    in R.
    """
    items = list(results.values()) if isinstance(results, Mapping) else list(results)
    if not items:
        raise ArgumentError("results: nothing to compare")
    for r in items:
        if not isinstance(r, ModelResults):
            raise ArgumentError(
                f"results: expected hrproductivity model results, got {type(r).__name__}"
            )
    if names is not None:
        labels = [str(x) for x in names]
    elif isinstance(results, Mapping):
        labels = [str(k) for k in results.keys()]
    else:
        labels = [f"{r.model} ({i + 1})" for i, r in enumerate(items)]
    if len(labels) != len(items):
        raise ArgumentError(f"names: {len(labels)} names for {len(items)} results")
    rows: dict[str, dict[str, str]] = {}
    for label, r in zip(labels, items, strict=True):
        for _, row in r.table.iterrows():
            key = str(row["term"])
            est, se = float(row["estimate"]), float(row["se"])
            cell = f"{est:.{digits}f}" + (f" ({se:.{digits}f})" if math.isfinite(se) else "")
            rows.setdefault(key, {})[label] = cell
    stat_rows: dict[str, dict[str, str]] = {"n": {}}
    for label, r in zip(labels, items, strict=True):
        stat_rows["n"][label] = str(r.n)
        for k, v in r.fit.items():
            text = f"{float(v):.{digits}f}" if isinstance(v, float | np.floating) else str(v)
            stat_rows.setdefault(k, {})[label] = text
    out = pd.DataFrame.from_dict({**rows, **stat_rows}, orient="index", columns=labels)
    out.index.name = "term"
    return out.fillna("")
