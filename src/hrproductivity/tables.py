"""Research tables of a dataset: one row per unit and wave, or per organisation and wave.

:func:`unit_waves` and :func:`org_waves` are the one road from a dataset's answers,
unit list, HR register and accounts to the tables the panel models read
(:func:`~hrproductivity.models.panel.panel_effect`,
:func:`~hrproductivity.models.did.did`): the answers scored and summarised with
:func:`~hrproductivity.aggregation.aggregate` (counts and standard errors behind every
mean), the unit's HR and finance rows of the period the dataset pairs with the wave
(``wave_period``), and the development experiment the unit list records
(``experiment_start``, docs/data-contract.md).

These are tables for a researcher with access to the raw data: nothing is
suppressed. What a report may show of them (thresholds, complementary hiding) is
decided in the report layer, :mod:`hrproductivity.reports.prepare`, with
:func:`~hrproductivity.privacy.suppress` (docs/privacy.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from hrproductivity.aggregation import aggregate, mean_ci
from hrproductivity.costs import sickness_absence_rate
from hrproductivity.scoring import QWLScorer, score_scales

if TYPE_CHECKING:
    from hrproductivity.io import Dataset

__all__ = ["org_waves", "scores_of", "unit_waves"]

_HR_SUMS = ("headcount", "leavers")


def scores_of(dataset: Dataset) -> pd.DataFrame:
    """Per-respondent scores of every instrument of the dataset, side by side.

    Parameters
    ----------
    dataset : Dataset
        As :func:`~hrproductivity.io.load_dataset` returns it.

    Returns
    -------
    DataFrame
        :func:`~hrproductivity.scoring.score_scales` of the main instrument, then the
        scores of each further instrument that the main one has not already.
    """
    scores = score_scales(dataset.responses, dataset.instrument)
    for extra in dataset.instruments[1:]:
        more = score_scales(dataset.responses, extra)
        scores = scores.join(more.drop(columns=[c for c in more.columns if c in scores.columns]))
    return scores


def _value_columns(dataset: Dataset, scores: pd.DataFrame) -> list[str]:
    main = dataset.instrument
    cols = [*main.factors, *(f"{f}_share" for f in main.factors if f"{f}_share" in scores)]
    cols += [t.name for t in main.totals]
    for extra in dataset.instruments[1:]:
        cols += [t.name for t in extra.totals if t.name in scores.columns]
    return list(dict.fromkeys(c for c in cols if c in scores.columns))


def _survey_table(
    dataset: Dataset,
    by: list[str],
    qwl_method: str | QWLScorer,
    alpha: float,
) -> pd.DataFrame:
    scores = scores_of(dataset)
    table = aggregate(
        scores,
        by=by,
        units=dataset.units,
        value_cols=_value_columns(dataset, scores),
        instrument=dataset.instrument,
        qwl_method=qwl_method,
    )
    table = table.drop(columns="suppressed")
    if "qwl_index" in table.columns:
        low, high = mean_ci(
            table["qwl_index"], table["qwl_index_se"], table["qwl_index_n"], alpha=alpha
        )
        at = table.columns.get_loc("qwl_index_se") + 1
        table.insert(at, "qwl_index_ci_low", low)
        table.insert(at + 1, "qwl_index_ci_high", high)
    period = {str(w): str(p) for w, p in dataset.wave_period.items()}
    table.insert(by.index("wave") + 1, "period", table["wave"].map(period).astype("str"))
    return table


def _hr_table(dataset: Dataset, by: list[str], hours_per_day: float) -> pd.DataFrame:
    hr = dataset.hr
    sick = sickness_absence_rate(hr, by=by, hours_per_day=hours_per_day)
    sick = sick[[*by, "fte", "sick_days", "sick_days_per_fte", "sickness_absence_rate"]]
    sums = [c for c in _HR_SUMS if c in hr.columns]
    if sums:
        counts = hr.groupby(by, sort=False)[sums].sum(min_count=1).reset_index()
        sick = sick.merge(counts, on=by, how="left", validate="one_to_one")
    return sick


def _finance_table(dataset: Dataset, by: list[str]) -> pd.DataFrame:
    finance = dataset.finance
    rows = finance["unit"].notna() if "unit" in by else finance["unit"].isna()
    money = finance.loc[rows, [*by, "revenue_eur"]]
    return money.astype({"revenue_eur": "float64"})


def _experiment(dataset: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """Add ``experiment_start``, ``in_experiment`` and ``waves_since_start``."""
    order = {w: i for i, w in enumerate(dataset.waves)}
    units = dataset.units
    if "experiment_start" in units.columns:
        starts = (
            units[["org", "unit", "experiment_start"]].dropna().drop_duplicates(["org", "unit"])
        )
        table = table.merge(starts, on=["org", "unit"], how="left", validate="many_to_one")
    else:
        table["experiment_start"] = pd.Series(pd.NA, index=table.index, dtype="str")
    table["experiment_start"] = table["experiment_start"].astype("str")
    table["in_experiment"] = table["experiment_start"].notna()
    since = table["wave"].map(order) - table["experiment_start"].map(order)
    table["waves_since_start"] = since.astype("Int64")
    return table


def unit_waves(
    dataset: Dataset,
    *,
    qwl_method: str | QWLScorer = "kesti_approx",
    hours_per_day: float = 7.5,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The unit × wave table of a dataset: answers, HR, accounts and the experiment.

    Parameters
    ----------
    dataset : Dataset
        As :func:`~hrproductivity.io.load_dataset` returns it (validated).
    qwl_method : str or callable, default "kesti_approx"
        The QWL index scorer (:func:`~hrproductivity.scoring.qwl_index`), applied per
        respondent and then averaged.
    hours_per_day : float, default 7.5
        Hours of a working day, for ``sickness_absence_rate``
        (:func:`~hrproductivity.costs.sickness_absence_rate`).
    alpha : float, default 0.05
        ``qwl_index_ci_low`` and ``qwl_index_ci_high`` are ``1 - alpha`` intervals.

    Returns
    -------
    DataFrame
        One row per org × unit × wave of the unit list (and any unit-wave with answers
        but no unit-list row), sorted by ``org``, ``unit``, ``wave``:

        - ``org``, ``unit``, ``wave``; ``period``: the HR and finance period the
          dataset pairs with the wave (``wave_period``);
        - ``n``: respondents (survey rows); ``invited`` (unit list);
          ``response_rate`` = ``n / invited`` (0–1);
        - for each factor ``F`` of the main instrument (QWL-15: ``FE``, ``YI``,
          ``PL``), its factor share ``F_share`` and each total of every instrument
          (``qwl_total``, ``uwes_total``, ``who5_pct``, ``who5_poor`` … when present):
          ``<col>_mean``, ``<col>_sd`` (ddof 1), ``<col>_n`` (respondents with a
          value), ``<col>_se`` (:math:`sd/\\sqrt{n}`) and for the factors and item-mean
          totals ``<col>_pct_favourable`` (0–100), as in
          :func:`~hrproductivity.aggregation.aggregate`;
        - ``qwl_index``: the mean of the respondents' QWL index (0–1),
          ``qwl_index_sd``, ``qwl_index_n`` (respondents with an index: enough
          answers on every factor), ``qwl_index_se``, ``qwl_index_ci_low`` and
          ``qwl_index_ci_high`` (mean ± t(n − 1)·se,
          :func:`~hrproductivity.aggregation.mean_ci`);
        - ``parent``, ``sector``: from the unit list, when it has them;
        - from the HR row of the unit and period (NaN without one): ``fte``,
          ``sick_days``, ``sick_days_per_fte``, ``sickness_absence_rate`` (0–1),
          ``headcount``, ``leavers``;
        - from the finance row of the unit and period: ``revenue_eur`` (revenue, or
          the value of a public unit's services) and ``revenue_per_fte``;
        - ``experiment_start``: the wave the unit's development experiment started
          (unit list; missing for units not in it); ``in_experiment``: whether the
          unit takes part (bool, the same in every wave); ``waves_since_start``:
          waves from the start in the dataset's time order (0 in the first wave of
          the experiment, −1 in the wave before; missing outside the experiment).
          :func:`~hrproductivity.models.did.did` reads its treatment from these.

    Notes
    -----
    A table for the researcher with access to the raw data: **nothing is
    suppressed**, a unit of two respondents has its means here. Never publish it
    as it is; reports apply the anonymity rules in
    :mod:`hrproductivity.reports.prepare` (docs/privacy.md). The QWL index is
    computed per respondent and then averaged (docs/qwl-index.md).

    Examples
    --------
    >>> import hrproductivity as hp  # doctest: +SKIP
    >>> uw = hp.unit_waves(hp.load_dataset("data/raw/example"))  # doctest: +SKIP
    >>> uw[["org", "unit", "wave", "n", "qwl_index", "qwl_index_se", "fte"]]  # doctest: +SKIP

    In R (dplyr): ``scores |> group_by(org, unit, wave) |> summarise(...) |>
    left_join(hr, by = c("org", "unit", "period"))``.
    """
    table = _survey_table(dataset, ["org", "unit", "wave"], qwl_method, alpha)
    extra = [c for c in ("parent", "sector") if c in dataset.units.columns]
    if extra:
        info = dataset.units[["org", "unit", "wave", *extra]]
        table = table.merge(info, on=["org", "unit", "wave"], how="left", validate="one_to_one")
    keys = ["org", "unit", "period"]
    hr = _hr_table(dataset, keys, hours_per_day)
    table = table.merge(hr, on=keys, how="left", validate="many_to_one")
    table = table.merge(_finance_table(dataset, keys), on=keys, how="left", validate="many_to_one")
    table["revenue_per_fte"] = table["revenue_eur"] / table["fte"].where(table["fte"] > 0)
    return _experiment(dataset, table).reset_index(drop=True)


def org_waves(
    dataset: Dataset,
    *,
    qwl_method: str | QWLScorer = "kesti_approx",
    hours_per_day: float = 7.5,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The organisation × wave table of a dataset: answers, HR and accounts.

    Parameters
    ----------
    dataset : Dataset
        As :func:`~hrproductivity.io.load_dataset` returns it (validated).
    qwl_method, hours_per_day, alpha
        As in :func:`unit_waves`.

    Returns
    -------
    DataFrame
        One row per org × wave, sorted by ``org``, ``wave``, with the columns of
        :func:`unit_waves` computed over all the organisation's respondents (every
        respondent counts, in small units too) and

        - ``units``: units of the organisation in the unit list that wave;
        - HR figures summed over the organisation's HR rows of the period (the
          absence figures are ratios of sums);
        - ``revenue_eur`` and ``revenue_per_fte`` from the organisation's own
          finance row (``unit`` empty; NaN without one);
        - ``units_in_experiment``: units of the organisation in the development
          experiment.

        No ``parent``, ``sector`` or per-unit experiment columns.

    Notes
    -----
    Like :func:`unit_waves`, a research table: nothing is suppressed.
    """
    table = _survey_table(dataset, ["org", "wave"], qwl_method, alpha)
    listed = dataset.units.groupby(["org", "wave"])["unit"].nunique().rename("units")
    table = table.join(listed, on=["org", "wave"])
    table["units"] = table["units"].fillna(0).astype("int64")
    keys = ["org", "period"]
    hr = _hr_table(dataset, keys, hours_per_day)
    table = table.merge(hr, on=keys, how="left", validate="many_to_one")
    table = table.merge(_finance_table(dataset, keys), on=keys, how="left", validate="many_to_one")
    table["revenue_per_fte"] = table["revenue_eur"] / table["fte"].where(table["fte"] > 0)
    if "experiment_start" in dataset.units.columns:
        starts = dataset.units.dropna(subset=["experiment_start"])
        taking_part = starts.groupby("org")["unit"].nunique()
    else:
        taking_part = pd.Series(dtype="int64")
    table["units_in_experiment"] = table["org"].map(taking_part).fillna(0).astype("int64")
    return table.reset_index(drop=True)
