"""Difference-in-differences for development experiments (``did``).

A development experiment ("kehittämiskokeilu") starts in some units at some
wave; the other units are the comparison. ``did`` fits the two-way fixed
effects regression of the outcome on the treated × post indicator with
:class:`linearmodels.panel.PanelOLS` (entity effects absorbed, wave
indicators, errors clustered by entity; see :mod:`hrproductivity.models.panel`),
and an event study: indicators for each wave relative to the start, the wave
before the start (−1) as reference.

When units start in different waves (staggered adoption) the single TWFE
coefficient is a weighted average of all two-group comparisons, some of which
use already-treated units as controls, and it is biased when the effect grows
or fades (Goodman-Bacon 2021). ``did`` then warns and also estimates each
start cohort against the never-treated units (``cohort_effects``), the
comparison that Callaway & Sant'Anna (2021) build on.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

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
    to_float,
)
from hrproductivity.models.panel import PanelKeys, fit_twfe, panel_keys
from hrproductivity.plots import axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DidResults", "did"]

TERM = "treated_post"
#: With fewer treated (or comparison) units than this, ``inference="auto"`` uses the wild
#: cluster bootstrap whatever the number of clusters (docs/models.md, "Coverage study").
WILD_TREATED_BELOW = 30
#: Up to this many treated (or comparison) units, ``did`` warns with the study's figures.
FEW_TREATED = 6


@dataclass(frozen=True, eq=False, kw_only=True)
class DidResults(ModelResults):
    """Results of :func:`did`.

    Attributes
    ----------
    (besides those of :class:`ModelResults`)

    treated : str
        Treatment column.
    event_study : DataFrame
        ``rel_time, term, estimate, se, ci_low, ci_high, p_val, n``: effect at each
        wave relative to the start (``rel_time`` 0 is the first treated wave); the
        reference row ``rel_time = -1`` has estimate 0 and no interval. With an
        ``event_window`` the end rows pool everything beyond them. Empty when there
        are no never-treated units.
    cohort_effects : DataFrame
        With staggered starts: ``cohort`` (start wave), ``estimate, se, ci_low,
        ci_high, p_val, n, n_entities`` of each cohort against the never-treated
        units. Empty otherwise.
    staggered : bool
        Whether treated units start in different waves.
    n_treated, n_control : int
        Treated and never-treated entities.
    inference : str
        ``"wild"`` (wild cluster bootstrap) or ``"analytic"`` (CRV1, ``t(G − 1)``).
    fit : Mapping[str, float]
        The two-way fixed-effects fit's keys (as :class:`PanelEffectResults`:
        ``r2``, ``r2_between``, ``r2_overall``, ``n_entities``, ``n_periods``,
        ``n_clusters`` when clustered) and ``pretrend_p``: the p-value of the
        joint test that every pre-start event-study effect is 0 (NaN without an
        event study).
    """

    treated: str
    event_study: pd.DataFrame
    cohort_effects: pd.DataFrame
    staggered: bool
    n_treated: int
    n_control: int
    inference: str = "analytic"

    def _title(self) -> str:
        return f"did: effect of {self.treated} on {self.outcome}"

    def plot(
        self,
        ax: Axes | None = None,
        *,
        terms: Sequence[str] | None = None,
        kind: str = "event",
    ) -> Axes:
        """Event-study plot (``kind="event"``) or coefficient plot (``kind="coef"``).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        terms : sequence of str, optional
            Rows of ``summary()`` for ``kind="coef"``.
        kind : {"event", "coef"}, default "event"

        Returns
        -------
        Axes
        """
        if kind not in ("event", "coef"):
            raise ArgumentError(f"kind: choose 'event' or 'coef', got {kind!r}")
        if kind == "coef" or self.event_study.empty:
            return super().plot(ax, terms=terms)
        ax = axes(ax)
        es = self.event_study
        x = es["rel_time"].to_numpy(dtype=float)
        est = es["estimate"].to_numpy(dtype=float)
        lo = es["ci_low"].fillna(es["estimate"]).to_numpy(dtype=float)
        hi = es["ci_high"].fillna(es["estimate"]).to_numpy(dtype=float)
        ax.errorbar(x, est, yerr=np.vstack([est - lo, hi - est]), fmt="o", color="C0", capsize=3)
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        ax.axvline(-0.5, color="0.5", linewidth=0.8, linestyle="--")
        ax.set_xlabel("waves relative to the start (reference −1)")
        ax.set_ylabel(f"effect on {self.outcome}")
        ax.set_title(self._title())
        return ax


def did(
    data: pd.DataFrame,
    *,
    outcome: str,
    treated: str | None = None,
    time: str,
    entity: str | Sequence[str],
    start: Any = None,
    event_window: tuple[int, int] | None = None,
    cluster: str | None = "entity",
    controls: Sequence[str] = (),
    order: Sequence[Any] | None = None,
    inference: str = "auto",
    n_boot: int = 999,
    seed: int | np.random.Generator | None = 0,
    alpha: float = 0.05,
) -> DidResults:
    """Difference-in-differences of a development experiment, with an event study.

    Parameters
    ----------
    data : DataFrame
        One row per entity (unit) and wave, such as the table of
        :func:`hrproductivity.unit_waves` (rows may be left out, e.g. unit-waves with
        too few answers).
    outcome : str
        Outcome column (e.g. sick days per FTE).
    treated : str, optional
        Default: the development experiment the dataset's unit list records, read
        from the ``in_experiment``, ``waves_since_start`` and ``experiment_start``
        columns of :func:`~hrproductivity.unit_waves` (a unit is treated from the
        wave ``waves_since_start`` is 0 on; ``start`` is then taken from the table
        and must not be given). Or a 0/1 column: with ``start=None`` it is the
        treatment status in each wave (0 before the unit's start, 1 from it on);
        units may start in different waves. With ``start`` given it marks the units
        in the experiment (any 1 in a unit marks the unit).
    time : str
        Wave column, in time order as in :func:`panel_effect` (text labels need
        ``order``).
    entity : str or sequence of str
        Column(s) identifying the unit.
    start : wave label, optional
        Common first treated wave, a value of ``time``.
    event_window : (int, int), optional
        Relative waves ``(lo, hi)`` shown in the event study, with ``lo <= -2`` and
        ``hi >= 0``; waves beyond are pooled into the end rows. Default: all.
    cluster : str or None, default "entity"
        As in :func:`panel_effect`.
    controls : sequence of str, default ()
        Time-varying controls.
    order : sequence, optional
        The waves of ``time`` in time order; required when ``time`` holds text.
    inference : {"auto", "wild", "analytic"}, default "auto"
        As in :func:`panel_effect`; ``"auto"`` also uses the wild cluster bootstrap
        when fewer than 30 units are treated (or in the comparison group).
    n_boot : int, default 999
        Bootstrap draws of the wild bootstrap.
    seed : int, Generator or None, default 0
        Seed of the draws.
    alpha : float, default 0.05
        Intervals are ``1 - alpha`` intervals.

    Returns
    -------
    DidResults
        ``summary()`` has the row ``treated_post`` (the TWFE estimate) and the
        controls; ``event_study`` and ``cohort_effects`` as described in the class.
        ``fit`` has ``r2``, ``n_entities``, ``n_periods``, ``n_clusters`` and
        ``pretrend_p`` (joint test that all pre-start event-study effects are 0).

    Raises
    ------
    ArgumentError
        A column is missing (with ``treated=None``: the experiment columns of
        :func:`~hrproductivity.unit_waves`), ``treated`` is not 0/1, the treatment switches off
        again, ``start`` is not a wave, no unit is treated, there is nothing to
        compare with, or ``time`` holds text and no ``order`` is given.

    Warns
    -----
    ModelWarning
        Staggered starts (TWFE bias, Goodman-Bacon 2021), few clusters, units
        treated from the first wave, or 6 or fewer treated (or comparison) units,
        with what the library's coverage study found for so few.

    Notes
    -----
    ``y_it = a_i + d_t + τ D_it + e_it`` with ``D_it = 1`` for treated units from their
    start on; event study ``y_it = a_i + d_t + Σ_{k≠−1} τ_k 1[t − start_i = k] + e_it``.
    With few treated units clustered t intervals undercover even with many units in
    all (MacKinnon & Webb 2017). In the library's coverage study (docs/models.md,
    "Coverage study") they covered 91 % with 4–5 of 20–24 units treated, 87 % with 3
    and 74 % with 2; the wild cluster bootstrap covered 93–96 % with 4–6 treated,
    96 % with 3 (at 2.2 times the width) and 100 % with 2 (at 9 times the width: no
    usable interval). The event study and cohort effects use the same inference.

    References
    ----------
    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment
    timing. Journal of Econometrics 225(2), 254–277.
    Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple
    time periods. Journal of Econometrics 225(2), 200–230.
    Sun, L. & Abraham, S. (2021). Estimating dynamic treatment effects in event studies
    with heterogeneous treatment effects. Journal of Econometrics 225(2), 175–199.
    MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different
    cluster sizes. Journal of Applied Econometrics 32(2), 233–254.

    Example
    -------
    >>> import hrproductivity as hp
    >>> ds = hp.load_dataset("data/raw/example")  # doctest: +SKIP
    >>> res = hp.did(hp.unit_waves(ds), outcome="sick_days_per_fte", time="wave",
    ...              entity=("org", "unit"), order=ds.waves)  # doctest: +SKIP
    >>> res.event_study  # doctest: +SKIP

    Stata: ``xtreg sick_days i.treated_post i.wave, fe vce(cluster unit)``; R:
    ``fixest::feols(sick_days ~ i(rel_time, ref = -1) | unit + wave, cluster = ~unit)``.
    """
    check_frame(data)
    if treated is None:
        data, treated, start = _recorded_experiment(data, start)
    alpha = check_alpha(alpha)
    entity_cols = as_names(entity, "entity")
    control_cols = as_names(controls, "controls")
    if not entity_cols:
        raise ArgumentError("entity: give at least one column")
    check_columns(data, outcome=outcome, treated=treated, time=time, entity=entity_cols)
    check_columns(data, controls=control_cols)
    check_numeric(data, outcome=outcome, treated=treated, controls=control_cols)
    check_distinct(outcome=outcome, treated=treated, controls=control_cols)
    keys = panel_keys(data, entity_cols, time, order)
    tr = to_float(data[treated])
    if not np.isin(tr[np.isfinite(tr)], (0.0, 1.0)).all():
        raise ArgumentError(f"treated: column {treated!r} must hold only 0 and 1")

    status, cohort = _treatment(tr, keys, start, treated)
    n_ent = int(keys.entity.max()) + 1
    is_treated = np.isfinite(cohort)
    n_treated = int(is_treated.sum())
    n_control = n_ent - n_treated
    if n_treated == 0:
        raise ArgumentError(f"treated: no unit of {treated!r} is ever treated")
    starts = np.unique(cohort[is_treated])
    first = keys.pos.min()
    notes: list[str] = []
    if n_control == 0 and len(starts) == 1:
        raise ArgumentError(
            "treated: every unit starts in the same wave, so there is no comparison group"
        )
    always = starts[starts <= first]
    if len(always):
        warnings.warn(
            "treated: some units are treated from the first wave; they have no "
            "pre-treatment wave and add nothing to the estimate except through the wave "
            "effects. Add earlier waves if you have them.",
            ModelWarning,
            stacklevel=2,
        )
        notes.append("Some units are treated from the first wave.")
    staggered = len(starts[starts > first]) > 1
    if staggered:
        waves = ", ".join(str(keys.time_labels[int(s)]) for s in starts)
        warnings.warn(
            f"did: the treatment starts in different waves ({waves}). With staggered "
            "starts the two-way fixed-effects estimate mixes in comparisons with "
            "already-treated units and is biased when the effect changes over time "
            "(Goodman-Bacon 2021, J. Econometrics 225:254-277). Read "
            "results.cohort_effects (each start cohort against never-treated units) "
            "and results.event_study rather than the single estimate.",
            ModelWarning,
            stacklevel=2,
        )
        notes.append("Staggered starts: see cohort_effects and event_study (Goodman-Bacon 2021).")

    y = to_float(data[outcome])
    regressors = {TERM: status}
    for c in control_cols:
        regressors[c] = to_float(data[c])
    # the smaller arm: few treated (or few comparison) units make t intervals undercover
    arm = min(n_treated, n_control) if n_control > 0 else n_treated
    if inference == "auto" and cluster == "entity" and arm < WILD_TREATED_BELOW:
        inference = "wild"
    if cluster == "entity" and arm <= FEW_TREATED:
        message = _few_treated_message(arm, n_treated <= n_control or n_control == 0)
        warnings.warn(message, ModelWarning, stacklevel=2)
        notes.append(message)
    boot = Bootstrap(inference=inference, n_boot=n_boot, seed=seed)
    main = fit_twfe(
        data, keys, y=y, regressors=regressors, entity_effects=True, time_effects=True,
        cluster=cluster, alpha=alpha, must_keep=[TERM], inference=boot.inference,
        n_boot=boot.n_boot, seed=boot.seed,
    )  # fmt: skip
    notes.extend(main.notes)
    fit = dict(main.fit)

    with warnings.catch_warnings():
        # the few-clusters warning was given for the main fit already
        warnings.simplefilter("ignore", ModelWarning)
        event_study, pre_p = _event_study(
            data, keys, y, cohort, status, regressors, control_cols, event_window,
            cluster, alpha, n_control, boot,
        )  # fmt: skip
        cohorts = (
            _cohort_effects(data, keys, y, cohort, regressors, cluster, alpha, boot)
            if staggered and n_control > 0
            else _empty_cohorts()
        )
    if event_study.empty:
        notes.append("No never-treated units: no event study.")
    fit["pretrend_p"] = pre_p
    return DidResults(
        model="did",
        outcome=outcome,
        table=main.table,
        n=main.n,
        fit=fit,
        alpha=alpha,
        effect_term=TERM,
        notes=tuple(notes),
        raw=main.raw,
        treated=treated,
        event_study=event_study,
        cohort_effects=cohorts,
        staggered=staggered,
        n_treated=n_treated,
        n_control=n_control,
        inference=main.inference,
    )


#: The experiment columns of :func:`hrproductivity.unit_waves` that ``did`` reads by default.
EXPERIMENT_COLUMNS = ("in_experiment", "waves_since_start", "experiment_start")


def _recorded_experiment(data: pd.DataFrame, start: Any) -> tuple[pd.DataFrame, str, Any]:
    """Treatment column and common start from a ``unit_waves`` table's experiment columns.

    One start wave for every unit in the experiment: ``in_experiment`` marks the units
    and that wave is ``start`` (as if both were given). Several: the status in each
    wave, ``waves_since_start >= 0``, with ``start=None`` (staggered adoption).
    """
    missing = [c for c in EXPERIMENT_COLUMNS if c not in data.columns]
    if missing:
        raise ArgumentError(
            f"treated: the table has no {', '.join(missing)}; pass the table of "
            "hrproductivity.unit_waves (whose unit list records experiment_start), or name "
            "a 0/1 treatment column with treated="
        )
    if start is not None:
        raise ArgumentError(
            "start: without treated= the start comes from the table's experiment_start; "
            "give start= only with a treated= column"
        )
    taking_part = data["in_experiment"].fillna(False).astype(bool)
    starts = data.loc[taking_part, "experiment_start"].dropna().unique()
    if len(starts) == 1:
        return data.assign(in_experiment=taking_part.astype("float64")), "in_experiment", starts[0]
    since = pd.to_numeric(data["waves_since_start"], errors="coerce").astype("float64")
    status = (taking_part & (since >= 0).fillna(False)).astype("float64")
    return data.assign(in_experiment=status), "in_experiment", None


@dataclass(frozen=True)
class Bootstrap:
    """How the main fit, the event study and the cohort fits compute their intervals."""

    inference: str
    n_boot: int
    seed: int | np.random.Generator | None


def _few_treated_message(arm: int, treated_side: bool) -> str:
    """What the coverage study (docs/models.md, "Coverage study") shows for so few units."""
    who = "treated" if treated_side else "comparison"
    head = f"treated: only {arm} {who} units. "
    if arm <= 2:
        return head + (
            "No method gives a usable interval: in the library's coverage study (20 units, "
            "2 treated) the clustered t intervals covered the truth 74 % of the time and the "
            "wild cluster bootstrap's 100 %, at about 9 times the width (MacKinnon & Webb "
            "2017). Report the estimate as descriptive."
        )
    if arm == 3:
        return head + (
            "In the library's coverage study (20 units, 3 treated) the wild cluster bootstrap "
            "intervals covered 96 % but were 2.2 times as wide as the clustered t intervals, "
            "which covered 87 % (docs/models.md)."
        )
    return head + (
        "In the library's coverage study (20-30 units, 4-6 treated) the wild cluster "
        "bootstrap intervals covered 93-96 % (the event-study placebo 92-95 %), about 1.2 "
        "times as wide as the clustered t intervals, which covered 91-94 % (docs/models.md)."
    )


def _treatment(
    tr: np.ndarray, keys: PanelKeys, start: Any, treated: str
) -> tuple[np.ndarray, np.ndarray]:
    """Treatment status per row and start position per entity (NaN: never treated)."""
    n_ent = int(keys.entity.max()) + 1
    frame = pd.DataFrame({"e": keys.entity, "p": keys.pos, "d": tr})
    if start is None:
        ordered = frame.dropna().sort_values(["e", "p"])
        drops = ordered.groupby("e")["d"].diff() < 0
        if drops.any():
            bad = int(ordered.loc[drops, "e"].iloc[0])
            raise ArgumentError(
                f"treated: {treated!r} goes from 1 back to 0 within a unit (entity code "
                f"{bad}); did needs a treatment that stays on. For on/off exposures use "
                "panel_effect with the indicator as exposure."
            )
        first_on = ordered[ordered["d"] == 1].groupby("e")["p"].min()
        cohort = np.full(n_ent, np.nan)
        cohort[first_on.index.to_numpy()] = first_on.to_numpy(dtype=float)
        status = tr.copy()
    else:
        if start not in keys.time_labels:
            raise ArgumentError(
                f"start: {start!r} is not a wave of {keys.time!r}; waves: "
                f"{', '.join(map(str, keys.time_labels))}"
            )
        start_pos = keys.time_labels.index(start)
        group = frame.groupby("e")["d"].max()
        cohort = np.full(n_ent, np.nan)
        cohort[group.index[group == 1].to_numpy()] = float(start_pos)
        status = (np.isfinite(cohort[keys.entity]) & (keys.pos >= start_pos)).astype(float)
    return status, cohort


def _event_study(
    data: pd.DataFrame,
    keys: PanelKeys,
    y: np.ndarray,
    cohort: np.ndarray,
    status: np.ndarray,
    regressors: dict[str, np.ndarray],
    control_cols: list[str],
    window: tuple[int, int] | None,
    cluster: str | None,
    alpha: float,
    n_control: int,
    boot: Bootstrap,
) -> tuple[pd.DataFrame, float]:
    empty = pd.DataFrame(
        columns=["rel_time", "term", "estimate", "se", "ci_low", "ci_high", "p_val", "n"]
    )
    if n_control == 0:
        return empty, float("nan")
    rel = keys.pos - cohort[keys.entity]  # NaN for never-treated rows
    treated_rows = np.isfinite(rel) & np.isfinite(status)
    lo, hi = int(np.nanmin(rel[treated_rows])), int(np.nanmax(rel[treated_rows]))
    if window is not None:
        try:
            w_lo, w_hi = (int(v) for v in window)
        except (TypeError, ValueError) as exc:
            raise ArgumentError(f"event_window: expected (lo, hi), got {window!r}") from exc
        if w_lo > -2 or w_hi < 0:
            raise ArgumentError(
                f"event_window: needs lo <= -2 and hi >= 0 (reference -1), got {window!r}"
            )
        lo, hi = max(lo, w_lo), min(hi, w_hi)
    if lo > -1:
        return empty, float("nan")
    binned = np.clip(rel, lo, hi)
    ev: dict[str, np.ndarray] = {}
    rel_of: dict[str, int] = {}
    for k in range(lo, hi + 1):
        if k == -1:
            continue
        name = f"rel_{k:+d}"
        ev[name] = np.where(np.isfinite(rel), (binned == k).astype(float), 0.0)
        rel_of[name] = k
    for c in control_cols:
        ev[c] = regressors[c]
    fitted = fit_twfe(
        data, keys, y=y, regressors=ev, entity_effects=True, time_effects=True,
        cluster=cluster, alpha=alpha, must_keep=[], rows=np.isfinite(status), warn=False,
        inference=boot.inference, n_boot=boot.n_boot, seed=boot.seed,
    )  # fmt: skip
    table = fitted.table[fitted.table["term"].isin(list(rel_of))].copy()
    table.insert(0, "rel_time", table["term"].map(rel_of).astype(int))
    ref = pd.DataFrame(
        {"rel_time": [-1], "term": ["rel_-1 (reference)"], "estimate": [0.0], "se": [np.nan],
         "ci_low": [np.nan], "ci_high": [np.nan], "p_val": [np.nan], "n": [fitted.n]}
    )  # fmt: skip
    table = pd.concat([table, ref], ignore_index=True).sort_values("rel_time")
    pre = [t for t, k in rel_of.items() if k < -1 and t in fitted.cov.index]
    pre_p = float("nan")
    if pre:
        b = table.set_index("term").loc[pre, "estimate"].to_numpy(dtype=float)
        v = fitted.cov.loc[pre, pre].to_numpy()
        wald = float(b @ np.linalg.solve(v, b))
        q = len(pre)
        df = fitted.df
        pre_p = float(
            stats.f.sf(wald / q, q, df)
            if df is not None and np.isfinite(df)
            else stats.chi2.sf(wald, q)
        )
    return table.reset_index(drop=True), pre_p


def _empty_cohorts() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["cohort", "estimate", "se", "ci_low", "ci_high", "p_val", "n", "n_entities"]
    )


def _cohort_effects(
    data: pd.DataFrame,
    keys: PanelKeys,
    y: np.ndarray,
    cohort: np.ndarray,
    regressors: dict[str, np.ndarray],
    cluster: str | None,
    alpha: float,
    boot: Bootstrap,
) -> pd.DataFrame:
    rows = []
    never = ~np.isfinite(cohort)
    for c in np.unique(cohort[np.isfinite(cohort)]):
        if c <= keys.pos.min():
            continue
        keep_ent = never | (cohort == c)
        mask = keep_ent[keys.entity]
        fitted = fit_twfe(
            data, keys, y=y, regressors=regressors, entity_effects=True, time_effects=True,
            cluster=cluster, alpha=alpha, must_keep=[TERM], rows=mask, warn=False,
            inference=boot.inference, n_boot=boot.n_boot, seed=boot.seed,
        )  # fmt: skip
        row = fitted.table[fitted.table["term"] == TERM].iloc[0]
        rows.append(
            {
                "cohort": keys.time_labels[int(c)],
                **{k: row[k] for k in ("estimate", "se", "ci_low", "ci_high", "p_val", "n")},
                "n_entities": int(fitted.fit["n_entities"]),
            }
        )
    return pd.DataFrame(rows) if rows else _empty_cohorts()
