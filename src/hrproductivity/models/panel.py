"""Entity–time panels with entity and wave fixed effects (``panel_effect``).

Wraps :class:`linearmodels.panel.PanelOLS`. The entity effects are absorbed
(within transformation); the wave effects enter as wave indicators with a
constant, as in Stata's ``xtreg y x i.wave, fe``, so that the small-sample
correction of the clustered covariance is Stata's: ``G/(G-1) · (N-1)/(N-K)``,
with intervals and p-values from the t distribution with ``G - 1`` degrees of
freedom. Lags and leads of the exposure are built within entity by wave
position, so a missing wave gives a missing lag rather than the previous row.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hrproductivity.errors import ModelWarning
from hrproductivity.models._results import (
    ArgumentError,
    ModelResults,
    as_names,
    check_alpha,
    check_columns,
    check_distinct,
    check_frame,
    check_numeric,
    make_rng,
    to_float,
    wald_table,
)
from hrproductivity.models.wild import WildTest, wild_cluster_test

__all__ = ["PanelEffectResults", "panel_effect"]

#: Below this many clusters, clustered standard errors are flagged (Cameron & Miller 2015).
FEW_CLUSTERS = 30
#: Below this many clusters ``inference="auto"`` uses the wild cluster bootstrap
#: (set by benchmarks/bench_models_wild.py; docs/models.md, "Wild cluster bootstrap").
WILD_BELOW = 100
#: The coverage study went down to this many clusters; fewer are warned about.
WILD_STUDIED = 12
#: Ways to compute intervals and p-values.
INFERENCE = ("auto", "wild", "analytic")


@dataclass(frozen=True, eq=False, kw_only=True)
class PanelEffectResults(ModelResults):
    """Results of :func:`panel_effect`.

    Attributes
    ----------
    (besides those of :class:`ModelResults`)

    exposure : str
        The exposure column; its row in ``summary()`` is the contemporaneous effect.
    entity, time : str
        Entity and time columns (entity given as several columns is joined by ``"/"``).
    lags, leads : int
        Lags and leads of the exposure in the model (rows ``<exposure>_lag1`` …,
        ``<exposure>_lead1`` …). With lags, the row ``<exposure>_cumulative`` is the
        sum of the current and lagged effects (the effect of a lasting change).
    cluster : str or None
        How the covariance was computed.
    cov : DataFrame
        Covariance matrix of the reported terms.
    inference : str
        ``"wild"`` when the intervals and p-values come from the wild cluster
        bootstrap, ``"analytic"`` when from CRV1 standard errors and ``t(G − 1)``.
    fit : Mapping[str, float]
        ``r2`` (R² after the fixed effects are removed: linearmodels'
        ``rsquared``, the within R²), ``r2_between``, ``r2_overall``,
        ``n_entities``, ``n_periods`` (waves used) and, when the covariance is
        clustered, ``n_clusters``.
    """

    exposure: str
    entity: str
    time: str
    lags: int
    leads: int
    cluster: str | None
    cov: pd.DataFrame
    inference: str = "analytic"

    def _title(self) -> str:
        return f"panel_effect: {self.outcome} on {self.exposure} (entity and wave effects)"


def panel_effect(
    data: pd.DataFrame,
    *,
    outcome: str,
    exposure: str,
    entity: str | Sequence[str],
    time: str,
    controls: Sequence[str] = (),
    lags: int = 0,
    leads: int = 0,
    entity_effects: bool = True,
    time_effects: bool = True,
    cluster: str | None = "entity",
    edge_value: float | None = None,
    order: Sequence[Any] | None = None,
    inference: str = "auto",
    n_boot: int = 999,
    seed: int | np.random.Generator | None = 0,
    alpha: float = 0.05,
) -> PanelEffectResults:
    """Effect of an exposure on an outcome in an entity × wave panel with fixed effects.

    Parameters
    ----------
    data : DataFrame
        One row per entity and wave (e.g. unit × survey wave, joined with HR data).
    outcome : str
        Outcome column (e.g. ``sick_days`` per FTE).
    exposure : str
        Exposure column (e.g. the unit's QWL index).
    entity : str or sequence of str
        Column(s) identifying the entity, e.g. ``("org", "unit")``.
    time : str
        Wave or period column. Its time order comes from the data: an ordered
        categorical's categories, or numbers, dates, datetimes and pandas Periods in
        their natural order. Text labels are not sorted (a text sort puts "Q12012"
        before "Q32011"): give their order with ``order``.
    controls : sequence of str, default ()
        Time-varying control columns.
    lags, leads : int, default 0
        Number of lags (earlier waves) and leads (later waves; a placebo check) of
        the exposure, built within entity.
    entity_effects, time_effects : bool, default True
        Entity (absorbed) and wave (indicator) fixed effects.
    cluster : str or None, default "entity"
        ``"entity"`` (clustered by entity), ``"time"``, ``"both"`` (two-way),
        ``"robust"`` (heteroskedasticity-robust), ``None`` (conventional, as in
        textbook tables), or the name of a column holding cluster ids (e.g.
        ``"org"``).
    edge_value : float, optional
        Value assumed for a lag that reaches before the first wave of the data
        (and a lead after the last), e.g. ``0`` when a programme did not exist before
        the panel starts. ``None`` (default) drops those rows.
    order : sequence, optional
        The waves of ``time`` in time order, e.g. ``["syksy 2023", "kevät 2024"]`` or a
        dataset's ``waves``. Required when ``time`` holds text.
    inference : {"auto", "wild", "analytic"}, default "auto"
        ``"wild"``: intervals and p-values from the restricted wild cluster bootstrap
        (Webb weights, test inversion; as Stata ``boottest``); ``"analytic"``: CRV1
        standard errors with ``t(G − 1)``. ``"auto"`` uses the bootstrap below 100
        clusters when the errors are clustered by entity or by a column that nests
        the entities (docs/models.md, "Wild cluster bootstrap").
    n_boot : int, default 999
        Bootstrap draws of the wild bootstrap.
    seed : int, Generator or None, default 0
        Seed of the draws; fixed by default so that a rerun prints the same interval.
    alpha : float, default 0.05
        Intervals are ``1 - alpha`` intervals.

    Returns
    -------
    PanelEffectResults
        ``summary()`` has one row per exposure term and control: ``term, estimate, se,
        ci_low, ci_high, p_val, n``. ``fit`` has ``r2`` (within), ``r2_between``,
        ``r2_overall``, ``n_entities``, ``n_periods`` and ``n_clusters``. ``raw`` is the
        linearmodels ``PanelEffectsResults``.

    Raises
    ------
    ArgumentError
        A column is missing or not numeric, an entity has a wave twice, ``lags`` or
        ``leads`` is negative, ``cluster`` is unknown, the exposure does not vary
        within entities, ``time`` holds text and no ``order`` is given (or ``order``
        misses a wave), or ``inference="wild"`` with clusters that do not nest the
        entities.

    Warns
    -----
    ModelWarning
        Fewer than 30 clusters with analytic intervals (they then undercover), fewer
        than 12 clusters with the wild bootstrap (below the coverage study), or a
        control absorbed by the fixed effects.

    Notes
    -----
    The model is ``y_it = a_i + d_t + Σ_k β_k x_i,t-k + Σ_j γ_j x_i,t+j + z_it'δ + e_it``
    estimated by the within estimator. The clustered covariance is CR1
    (``G/(G-1) · (N-1)/(N-K)``, K counting the slopes, wave indicators and
    constant, not the absorbed entity effects, which are nested in the clusters),
    with ``t(G-1)`` intervals, the convention of Stata's ``xtreg, fe vce(cluster)``.
    With few clusters these intervals undercover; the wild cluster bootstrap
    (``inference="wild"``, the default below 100 clusters) covered 92–97 % in the
    library's coverage study with 12–60 units (docs/models.md, "Coverage study").

    References
    ----------
    Wooldridge, J. M. Introductory Econometrics: A Modern Approach, ch. 14.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. Journal of Human Resources 50(2), 317–372.
    Roodman, D., MacKinnon, J. G., Nielsen, M. Ø. & Webb, M. D. (2019). Fast and wild:
    bootstrap inference in Stata using boottest. Stata Journal 19(1), 4–60.

    Example
    -------
    >>> from hrproductivity.models import panel_effect
    >>> res = panel_effect(units, outcome="sick_days", exposure="qwl",
    ...                    entity=("org", "unit"), time="wave", lags=1)  # doctest: +SKIP
    >>> res.summary()  # doctest: +SKIP

    The Stata equivalent is ``xtreg sick_days qwl L.qwl i.wave, fe vce(cluster unit)``
    (then ``boottest qwl, weighttype(webb)`` for the wild bootstrap); in R,
    ``fixest::feols(sick_days ~ qwl + l(qwl, 1) | unit + wave, cluster = ~unit)`` and
    ``fwildclusterboot::boottest(fit, param = "qwl", B = 999, type = "webb")``.
    """
    check_frame(data)
    alpha = check_alpha(alpha)
    entity_cols = as_names(entity, "entity")
    control_cols = as_names(controls, "controls")
    if not entity_cols:
        raise ArgumentError("entity: give at least one column")
    check_columns(data, outcome=outcome, exposure=exposure, entity=entity_cols, time=time)
    check_columns(data, controls=control_cols)
    check_numeric(data, outcome=outcome, exposure=exposure, controls=control_cols)
    check_distinct(outcome=outcome, exposure=exposure, controls=control_cols)
    for name, value in (("lags", lags), ("leads", leads)):
        if not isinstance(value, int | np.integer) or value < 0:
            raise ArgumentError(f"{name}: must be a non-negative integer, got {value!r}")

    keys = panel_keys(data, entity_cols, time, order)
    x = to_float(data[exposure])
    regressors: dict[str, np.ndarray] = {exposure: x}
    for k in range(1, int(lags) + 1):
        regressors[f"{exposure}_lag{k}"] = keys.shift(x, k, edge_value)
    for k in range(1, int(leads) + 1):
        regressors[f"{exposure}_lead{k}"] = keys.shift(x, -k, edge_value)
    for c in control_cols:
        regressors[c] = to_float(data[c])

    fitted = fit_twfe(
        data,
        keys,
        y=to_float(data[outcome]),
        regressors=regressors,
        entity_effects=entity_effects,
        time_effects=time_effects,
        cluster=cluster,
        alpha=alpha,
        must_keep=[exposure],
        inference=inference,
        n_boot=n_boot,
        seed=seed,
    )
    table, cov = fitted.table, fitted.cov
    lag_terms = [exposure] + [f"{exposure}_lag{k}" for k in range(1, int(lags) + 1)]
    if lags > 0 and all(t in cov.index for t in lag_terms):
        w = np.ones(len(lag_terms))
        sub = cov.loc[lag_terms, lag_terms].to_numpy()
        est = float(table.set_index("term").loc[lag_terms, "estimate"].sum())
        se = float(np.sqrt(w @ sub @ w))
        extra = wald_table(
            [f"{exposure}_cumulative"], np.array([est]), np.array([se]),
            df=fitted.df, alpha=alpha, n=fitted.n,
        )  # fmt: skip
        if fitted.wild is not None:
            test = fitted.wild.test(dict.fromkeys(lag_terms, 1.0))
            extra.loc[0, ["ci_low", "ci_high", "p_val"]] = [test.ci_low, test.ci_high, test.p_val]
        table = pd.concat([table, extra], ignore_index=True)
    notes = list(fitted.notes)
    if leads > 0:
        notes.append(
            "Leads are a placebo check: effects of future exposure suggest reverse "
            "causation or anticipation."
        )
    return PanelEffectResults(
        model="panel",
        outcome=outcome,
        table=table,
        n=fitted.n,
        fit=fitted.fit,
        alpha=alpha,
        effect_term=exposure,
        notes=tuple(notes),
        raw=fitted.raw,
        exposure=exposure,
        entity="/".join(entity_cols),
        time=time,
        lags=int(lags),
        leads=int(leads),
        cluster=cluster,
        cov=cov,
        inference=fitted.inference,
    )


# ---------------------------------------------------------------------------
# shared with did.py
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelKeys:
    """Entity codes and wave positions of each row of a panel."""

    entity: np.ndarray  # int codes, one per row
    pos: np.ndarray  # wave position 0..T-1, one per row
    time_labels: list[Any]  # label of each position
    time: str

    def shift(self, values: np.ndarray, k: int, edge_value: float | None) -> np.ndarray:
        """Value of the same entity ``k`` waves earlier (``k < 0``: later)."""
        n_pos = len(self.time_labels)
        key = self.entity.astype(np.int64) * (n_pos + 1) + self.pos
        lookup = pd.Series(values, index=key)
        target_pos = self.pos - k
        outside = (target_pos < 0) | (target_pos >= n_pos)
        target = self.entity.astype(np.int64) * (n_pos + 1) + np.clip(target_pos, 0, n_pos - 1)
        out = lookup.reindex(target).to_numpy(dtype=float, copy=True)
        out[outside] = np.nan if edge_value is None else float(edge_value)
        return out


#: Kinds of values (``pandas.api.types.infer_dtype``) whose sort order is their time order.
_ORDERED_KINDS = {
    "integer": "numbers",
    "floating": "numbers",
    "mixed-integer-float": "numbers",
    "decimal": "numbers",
    "datetime64": "dates",
    "datetime": "dates",
    "date": "dates",
    "period": "periods",
}


def time_positions(
    column: pd.Series, argument: str = "time", order: Sequence[Any] | None = None
) -> tuple[np.ndarray, list[Any]]:
    """Position of each row's wave in the time order, and the ordered labels.

    The order comes from ``order`` when given, else from the column itself: the
    categories of an ordered categorical, or the sort order of numbers, dates,
    datetimes and pandas Periods. Text labels are never sorted: "kevät 2024"
    sorts before "syksy 2023" and "Q12012" before "Q32011", so sorting them
    would silently reorder the waves (see docs/models.md, "Time order").
    """
    name = column.name
    if column.isna().any():
        raise ArgumentError(f"{argument}: column {name!r} has missing values")
    if order is not None:
        if isinstance(order, str) or not isinstance(order, Sequence | pd.Index | np.ndarray):
            raise ArgumentError(
                f"order: give the wave labels of {name!r} as a list in time order, got {order!r}"
            )
        labels = list(order)
        counts = pd.Series(labels).value_counts()
        if (counts > 1).any():
            raise ArgumentError(f"order: {counts.index[counts > 1][0]!r} is listed twice")
        present = pd.unique(column)
        listed = set(labels)
        missing = [v for v in present if v not in listed]
        if missing:
            shown = ", ".join(map(repr, missing[:5])) + (" …" if len(missing) > 5 else "")
            raise ArgumentError(
                f"order: the waves {shown} of {name!r} are not in order; list every wave "
                "in time order"
            )
        used = set(present)
        labels = [x for x in labels if x in used]
    elif isinstance(column.dtype, pd.CategoricalDtype):
        kind = pd.api.types.infer_dtype(column.cat.categories, skipna=True)
        if column.cat.ordered:
            labels = [c for c in column.cat.categories if (column == c).any()]
        elif kind in _ORDERED_KINDS:
            labels = sorted(pd.unique(column))
        else:
            raise ArgumentError(_unordered_message(argument, column, "an unordered categorical"))
    else:
        kind = pd.api.types.infer_dtype(column, skipna=True)
        if kind not in _ORDERED_KINDS or pd.api.types.is_bool_dtype(column):
            raise ArgumentError(_unordered_message(argument, column, f"{kind} values"))
        try:
            labels = sorted(pd.unique(column))
        except TypeError as exc:
            raise ArgumentError(
                f"{argument}: the values of {name!r} cannot be ordered; use one type, or "
                "pass order=[...] with the waves in time order"
            ) from exc
    mapping = {label: i for i, label in enumerate(labels)}
    pos = column.map(mapping).to_numpy(dtype=np.int64)
    return pos, labels


def _unordered_message(argument: str, column: pd.Series, what: str) -> str:
    examples = ", ".join(map(repr, list(pd.unique(column))[:3]))
    return (
        f"{argument}: column {column.name!r} holds {what} ({examples} …), which carry no "
        'time order, and sorting them as text can put a later wave first ("Q12012" '
        'before "Q32011"). Pass order=[...] with the waves in time order, or make the '
        "column numbers, dates, pandas Periods or an ordered categorical."
    )


def panel_keys(
    data: pd.DataFrame, entity_cols: list[str], time: str, order: Sequence[Any] | None = None
) -> PanelKeys:
    ent_frame = data[entity_cols]
    if ent_frame.isna().any().any():
        raise ArgumentError("entity: the entity columns have missing values")
    if len(entity_cols) == 1:
        codes, _ = pd.factorize(data[entity_cols[0]])
    else:
        codes, _ = pd.factorize(pd.MultiIndex.from_frame(ent_frame))
    pos, labels = time_positions(data[time], "time", order)
    key = codes.astype(np.int64) * (len(labels) + 1) + pos
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():
        rows = data.loc[dup, [*entity_cols, time]].head(5)
        listing = "; ".join(", ".join(map(str, r)) for r in rows.itertuples(index=False))
        raise ArgumentError(
            f"entity/time: {int(dup.sum())} rows repeat an entity and wave "
            f"({listing}); aggregate to one row per entity and wave first"
        )
    return PanelKeys(entity=np.asarray(codes), pos=pos, time_labels=labels, time=time)


@dataclass(frozen=True)
class WildDesign:
    """The within-transformed regression that the wild cluster bootstrap resamples."""

    y: np.ndarray
    x: np.ndarray
    columns: list[str]
    clusters: np.ndarray
    n_boot: int
    seed: int | np.random.Generator | None
    alpha: float

    def test(self, combination: dict[str, float]) -> WildTest:
        """WCR test and interval of ``Σ w_term · β_term`` (Webb weights)."""
        vec = np.zeros(len(self.columns))
        for term, w in combination.items():
            vec[self.columns.index(term)] = w
        # the same seed for every term: each row's draws are reproducible on their own
        return wild_cluster_test(
            self.y, self.x, self.clusters, vec, weights="webb", n_boot=self.n_boot,
            rng=make_rng(self.seed),
            alpha=self.alpha,
        )  # fmt: skip


@dataclass(frozen=True)
class TwfeFit:
    table: pd.DataFrame
    cov: pd.DataFrame
    n: int
    df: float | None
    fit: dict[str, float]
    notes: tuple[str, ...]
    raw: Any
    inference: str = "analytic"
    wild: WildDesign | None = None


def fit_twfe(
    data: pd.DataFrame,
    keys: PanelKeys,
    *,
    y: np.ndarray,
    regressors: dict[str, np.ndarray],
    entity_effects: bool,
    time_effects: bool,
    cluster: str | None,
    alpha: float,
    must_keep: list[str],
    rows: np.ndarray | None = None,
    inference: str = "analytic",
    n_boot: int = 999,
    seed: int | np.random.Generator | None = 0,
    warn: bool = True,
) -> TwfeFit:
    """PanelOLS with absorbed entity effects and wave indicators; tidy output.

    With ``inference="wild"`` (or ``"auto"`` below :data:`WILD_BELOW` clusters) the
    intervals and p-values of every term come from the restricted wild cluster
    bootstrap (:func:`hrproductivity.models.wild.wild_cluster_test`); the ``se``
    column stays the CRV1 standard error.
    """
    from linearmodels import PanelOLS
    from linearmodels.panel.utility import AbsorbingEffectWarning

    if inference not in INFERENCE:
        raise ArgumentError(f"inference: choose one of {', '.join(INFERENCE)}, got {inference!r}")
    if not isinstance(n_boot, int | np.integer) or n_boot < 99:
        raise ArgumentError(f"n_boot: use at least 99 bootstrap draws, got {n_boot!r}")
    terms = list(regressors)
    cluster_ids: np.ndarray | None = None
    if cluster not in (None, "entity", "time", "both", "robust", "unadjusted"):
        assert cluster is not None
        if cluster not in data.columns:
            raise ArgumentError(
                f"cluster: {cluster!r} is neither 'entity', 'time', 'both', 'robust', None "
                "nor a column of data"
            )
        if data[cluster].isna().any():
            raise ArgumentError(f"cluster: column {cluster!r} has missing values")
        cluster_ids = pd.factorize(data[cluster])[0]

    frame = pd.DataFrame(regressors)
    frame.insert(0, "__y", y)
    ok = frame.notna().all(axis=1).to_numpy(copy=True)
    if rows is not None:
        ok &= rows
    n = int(ok.sum())
    if n == 0:
        raise ArgumentError("data: no rows without missing values in the model's columns")
    ent, pos = keys.entity[ok], keys.pos[ok]
    index = pd.MultiIndex.from_arrays([ent, pos], names=["entity", "time"])
    frame = frame.loc[ok].set_axis(index, axis=0)
    exog = frame[terms].copy()
    exog.insert(0, "const", 1.0)
    used_pos = np.unique(pos)
    if time_effects:
        for p in used_pos[1:]:
            exog[f"wave[{keys.time_labels[p]}]"] = (pos == p).astype(float)
    n_entities = len(np.unique(ent))
    if entity_effects:
        kept = frame[must_keep]
        within = kept - kept.groupby(level="entity").transform("mean")
        if not (within.abs() > 1e-12).any().all():
            raise ArgumentError(
                f"exposure: {must_keep[0]!r} does not vary within entities, so the entity "
                "effects absorb it; use entity_effects=False or a multilevel model"
            )

    fit_kw: dict[str, Any] = {"debiased": True}
    df: float | None
    notes: list[str] = []
    n_clusters = float("nan")
    boot_clusters: np.ndarray | None = None  # cluster of each row, when the wild bootstrap fits
    if cluster in (None, "unadjusted"):
        fit_kw["cov_type"] = "unadjusted"
    elif cluster == "robust":
        fit_kw["cov_type"] = "robust"
    else:
        fit_kw.update(cov_type="clustered", group_debias=True)
        if cluster == "entity":
            fit_kw["cluster_entity"] = True
            n_clusters = n_entities
            boot_clusters = ent
        elif cluster == "time":
            fit_kw["cluster_time"] = True
            n_clusters = len(used_pos)
        elif cluster == "both":
            fit_kw.update(cluster_entity=True, cluster_time=True)
            n_clusters = min(n_entities, len(used_pos))
        else:
            assert cluster_ids is not None
            ids = cluster_ids[ok]
            fit_kw["clusters"] = pd.DataFrame({"cluster": ids}, index=index)
            n_clusters = len(np.unique(ids))
            # absorbed entity effects must be nested in the bootstrap clusters
            nested = pd.Series(ids).groupby(ent).nunique().max() == 1
            if nested or not entity_effects:
                boot_clusters = ids
    method = inference
    if inference == "auto":
        method = "wild" if boot_clusters is not None and n_clusters < WILD_BELOW else "analytic"
    if method == "wild" and boot_clusters is None:
        raise ArgumentError(
            f"inference: the wild cluster bootstrap needs errors clustered by entity or by a "
            f"column in which the entities are nested; cluster={cluster!r} is not. Use "
            "cluster='entity' or inference='analytic'"
        )
    if method == "wild" and warn:
        notes.append(
            f"{int(n_clusters)} clusters: intervals and p-values from the wild cluster "
            f"bootstrap (restricted, Webb weights, {int(n_boot)} draws; docs/models.md)."
        )
    if warn and np.isfinite(n_clusters) and n_clusters < FEW_CLUSTERS:
        if method == "wild":
            if n_clusters < WILD_STUDIED:
                warnings.warn(
                    f"cluster: only {int(n_clusters)} clusters. The intervals come from the "
                    "wild cluster bootstrap, whose coverage the library's study checked down "
                    f"to {WILD_STUDIED} clusters (docs/models.md), not below; with so few "
                    "clusters read the result as descriptive.",
                    ModelWarning,
                    stacklevel=3,
                )
        else:
            warnings.warn(
                f"cluster: only {int(n_clusters)} clusters; clustered standard errors are "
                f"biased downward and the t intervals undercover with fewer than about "
                f"{FEW_CLUSTERS} clusters. Use inference='wild' (the wild cluster bootstrap; "
                "see docs/models.md for its coverage).",
                ModelWarning,
                stacklevel=3,
            )
            notes.append(f"Only {int(n_clusters)} clusters: intervals may undercover.")

    model = PanelOLS(frame["__y"], exog, entity_effects=entity_effects, drop_absorbed=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(**fit_kw)
    for w in caught:
        if issubclass(w.category, AbsorbingEffectWarning):
            dropped = [t for t in terms if t not in res.params.index]
            if any(t in must_keep for t in dropped):
                raise ArgumentError(
                    f"exposure: {must_keep[0]!r} is absorbed by the fixed effects "
                    "(collinear with entity or wave effects)"
                )
            if dropped:
                warnings.warn(
                    f"controls: {', '.join(dropped)} absorbed by the fixed effects and "
                    "dropped (they do not vary within entity, or are collinear with the "
                    "wave effects); remove them from controls",
                    ModelWarning,
                    stacklevel=3,
                )
                notes.append(f"Dropped as absorbed: {', '.join(dropped)}.")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    kept = [t for t in terms if t in res.params.index]
    df = (n_clusters - 1.0) if np.isfinite(n_clusters) else float(res.df_resid)
    table = wald_table(
        kept,
        res.params[kept].to_numpy(),
        res.std_errors[kept].to_numpy(),
        df=df,
        alpha=alpha,
        n=n,
    )
    wild: WildDesign | None = None
    if method == "wild":
        assert boot_clusters is not None
        columns = [c for c in res.params.index if c != "const" or not entity_effects]
        x_mat = exog[columns].to_numpy(dtype=float)
        y_vec = frame["__y"].to_numpy(dtype=float)
        if entity_effects:
            x_mat = x_mat - _entity_means(x_mat, ent)
            y_vec = y_vec - _entity_means(y_vec[:, None], ent)[:, 0]
        wild = WildDesign(
            y=y_vec, x=x_mat, columns=columns, clusters=boot_clusters, n_boot=int(n_boot),
            seed=seed, alpha=alpha,
        )  # fmt: skip
        table = wild_table(table, wild)
    cov = res.cov.loc[kept, kept]
    fit = {
        "r2": float(res.rsquared),
        "r2_between": float(res.rsquared_between),
        "r2_overall": float(res.rsquared_overall),
        "n_entities": n_entities,
        "n_periods": len(used_pos),
    }
    if np.isfinite(n_clusters):
        fit["n_clusters"] = n_clusters
    return TwfeFit(
        table=table, cov=cov, n=n, df=df, fit=fit, notes=tuple(notes), raw=res,
        inference=method, wild=wild,
    )  # fmt: skip


def _entity_means(x: np.ndarray, ent: np.ndarray) -> np.ndarray:
    """Each row's entity mean of every column (N × K)."""
    codes, _ = pd.factorize(ent)
    sums = np.zeros((int(codes.max()) + 1, x.shape[1]))
    np.add.at(sums, codes, x)
    counts = np.bincount(codes).astype(float)
    return (sums / counts[:, None])[codes]


def wild_table(table: pd.DataFrame, wild: WildDesign) -> pd.DataFrame:
    """Replace the intervals and p-values of every row by the wild bootstrap's."""
    out = table.copy()
    for i, term in enumerate(out["term"]):
        test = wild.test({str(term): 1.0})
        out.loc[i, ["ci_low", "ci_high", "p_val"]] = [test.ci_low, test.ci_high, test.p_val]
    return out
