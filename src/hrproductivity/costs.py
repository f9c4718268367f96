"""Costs and capacity of structural time, sickness absence and turnover.

The figures a supervisor is taught to put on absence and turnover, each with
its source, and the hour arithmetic behind them. Every function takes the HR
table of the data contract (docs/data-contract.md: one row per unit per period) or plain
numbers, returns a tidy frame that keeps the id columns (``org``, ``unit``,
``period``), and aggregates rates as ratios of sums when given ``by=``.

Hours and days are per year: ``theoretical_hours_per_fte`` is a yearly figure,
so the HR rows should be annual (divide it for shorter periods). Sick, other
absence and training days are counted as lost *working* days; a register that
counts calendar days must be converted first.

Every default that is not a published figure is an assumption, named as such in
its docstring: replace it with the organisation's own figure. Figures, sources
and assumptions: docs/costs.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import pandas as pd

from hrproductivity._checks import check_columns, check_number, check_share
from hrproductivity.errors import ArgumentError, DataValidationError, Problem

__all__ = [
    "ABSENCE_COST_PER_DAY",
    "DEFAULT_HOLIDAYS_SHARE",
    "DEFAULT_HOURS_PER_DAY",
    "DEFAULT_THEORETICAL_HOURS",
    "absence_cost",
    "absence_cost_per_day",
    "capacity_lost",
    "sickness_absence_rate",
    "structural_time_share",
    "turnover_cost",
]

#: Theoretical regular yearly working time per FTE when the HR table gives none
#: (data contract default; the Finnish statement of the HCPF uses 1 850 h).
DEFAULT_THEORETICAL_HOURS = 1850.0

#: Hours in one working day, used to turn days into hours. Assumption:
#: 1 850 h ≈ 246.7 working days × 7.5 h. Municipal agreements (KVTES) have
#: 38 h 15 min a week, 7.65 h a day; use the organisation's own figure.
DEFAULT_HOURS_PER_DAY = 7.5

#: Share of theoretical working time taken as annual holidays. Assumption:
#: 25 working days (five weeks: the 30 holiday days, Mon–Sat, of full accrual
#: under the Annual Holidays Act 162/2005) of ≈ 247 working days ≈ 0.10.
#: Long service under municipal agreements gives more; use the own figure.
DEFAULT_HOLIDAYS_SHARE = 0.10

#: Cost of one sickness-absence day, € (rule of thumb of the Confederation of
#: Finnish Industries EK, widely used). See :func:`absence_cost_per_day` for the
#: wage-based alternative.
ABSENCE_COST_PER_DAY = 350.0

_ID_COLUMNS = ("org", "unit", "period")

# Turnover defaults. All of them are assumptions for illustration, not
# published figures; they are kept in one place so that turnover_cost and
# capacity_lost agree.
_ANNUAL_SALARY = 40_000.0
_SIDE_COST_SHARE = 0.20
_RECRUITING_COST = 3_000.0
_LOSS_BEFORE_MONTHS = 2.0
_LOSS_BEFORE_SHARE = 0.25
_VACANCY_MONTHS = 1.0
_ORIENTATION_MONTHS = 6.0
_ORIENTATION_LOSS_SHARE = 0.5


# ---------------------------------------------------------------------------
# column checks shared with hcpf.py


def _by_columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _check_table(
    data: pd.DataFrame, required: Sequence[str], *, non_negative: Sequence[str], table: str = "hr"
) -> None:
    """Raise ArgumentError for a missing column, DataValidationError listing negative values."""
    problems: list[Problem] = []
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"{table} must be a pandas DataFrame, got {type(data).__name__}")
    check_columns(data, table, **{table: list(required)})
    for c in non_negative:
        if c not in data.columns:
            continue
        values = pd.to_numeric(data[c], errors="coerce")
        bad = data.index[(values < 0).to_numpy()]
        if len(bad):
            labels = ", ".join(str(i) for i in bad[:10]) + (" …" if len(bad) > 10 else "")
            problems.append(
                Problem(
                    table,
                    None,
                    c,
                    f"is negative in {len(bad)} row(s) (index {labels}); it must be 0 or more",
                )
            )
    if problems:
        raise DataValidationError(problems)


def _theoretical_hours_per_fte(hr: pd.DataFrame) -> pd.Series:
    """``theoretical_hours_per_fte`` with the contract's default where absent or missing."""
    if "theoretical_hours_per_fte" not in hr.columns:
        return pd.Series(DEFAULT_THEORETICAL_HOURS, index=hr.index, dtype="float64")
    tyw = pd.to_numeric(hr["theoretical_hours_per_fte"], errors="coerce").astype("float64")
    return tyw.fillna(DEFAULT_THEORETICAL_HOURS)


def _id_frame(data: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    check_columns(data, "hr", by=by)
    keep = [c for c in _ID_COLUMNS if c in data.columns]
    keep += [c for c in by if c not in keep]
    return data[keep].copy()


def _aggregate(frame: pd.DataFrame, by: list[str], numeric: list[str]) -> pd.DataFrame:
    """Sums of ``numeric`` per ``by`` group; a missing value makes its group's sum missing."""
    if not by:
        return frame
    out = frame.groupby(by, sort=True, dropna=False)[numeric].sum(skipna=False).reset_index()
    return out


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, missing where the denominator is 0."""
    den = denominator.astype("float64").where(denominator != 0)
    return numerator.astype("float64") / den


# ---------------------------------------------------------------------------
# structural time and sickness absence


def structural_time_share(
    hr: pd.DataFrame,
    *,
    holidays_share: float = DEFAULT_HOLIDAYS_SHARE,
    hours_per_day: float = DEFAULT_HOURS_PER_DAY,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Structural time use AW, as a share of theoretical working time.

    AW is the part of the theoretical regular working time (TYW) that is not
    spent at work: holidays, sickness and other absence (family leave, …),
    training. It is the ``AW`` of the human capital production function
    (:class:`hrproductivity.hcpf.HCPF`).

    Parameters
    ----------
    hr : DataFrame
        HR table (one row per unit per period) with ``fte``, ``sick_days``,
        ``other_absence_days``, ``training_days`` and optionally
        ``theoretical_hours_per_fte`` (default 1 850 h where absent or missing).
    holidays_share : float, keyword-only
        Share of TYW taken as annual holidays; the HR table has no holiday days.
        Default 0.10, an assumption (25 of ≈ 247 working days); replace it.
    hours_per_day : float, keyword-only
        Hours in one working day, to turn days into hours. Default 7.5 (assumption).
    by : str or list of str, optional, keyword-only
        Aggregate to these columns (e.g. ``["org", "period"]``): every share is
        then a ratio of sums, the hours of the group over its theoretical hours,
        never a mean of the rows' shares.

    Returns
    -------
    DataFrame
        One row per input row (or per ``by`` group) with the id columns
        ``org``, ``unit``, ``period`` that are present (or the ``by`` columns) and

        - ``theoretical_hours``: fte × theoretical_hours_per_fte, h;
        - ``holidays_share``: the given share;
        - ``sickness_share``: sick_days × hours_per_day / theoretical_hours;
        - ``other_absence_share``: other_absence_days × hours_per_day / theoretical_hours;
        - ``training_share``: training_days × hours_per_day / theoretical_hours;
        - ``aw``: the sum of the four shares;
        - ``at_work_share``: 1 − aw.

        Shares are missing where theoretical_hours is 0 or a day count is
        missing (a group with a missing day count has a missing share).

    Raises
    ------
    DataValidationError
        A count is negative (a missing column is an ArgumentError).
    ArgumentError
        ``holidays_share`` outside 0–1 or ``hours_per_day`` not positive.

    Notes
    -----
    For a row or group *g*,

    .. math:: AW_g = h + \\frac{(S_g + O_g + T_g)\\,d}{\\sum_g FTE \\times TYW}

    with *h* the holidays share, *S*, *O*, *T* the sick, other absence and
    training days and *d* the hours per day. Orientation and HR practices also
    belong to AW (Kesti & Syväjärvi 2015) but are not in the HR table; add
    their shares to ``aw`` when known.

    References
    ----------
    Kesti, M. & Syväjärvi, A. (2015). Human capital production function in
    strategic management. *Technology and Investment* 6, 12–21.
    doi:10.4236/ti.2015.61002

    Examples
    --------
    No R equivalent: this is arithmetic on the HR table.

    >>> import pandas as pd
    >>> from hrproductivity.costs import structural_time_share
    >>> hr = pd.DataFrame({"org": ["A", "A"], "unit": ["u1", "u2"], "period": ["2021"] * 2,
    ...     "fte": [10.0, 30.0], "sick_days": [150.0, 300.0],
    ...     "other_absence_days": [50.0, 100.0], "training_days": [20.0, 60.0],
    ...     "theoretical_hours_per_fte": [1850.0, 1850.0]})
    >>> structural_time_share(hr, by="org")[["org", "sickness_share", "aw"]].round(4)
      org  sickness_share      aw
    0   A          0.0456  0.1689
    """
    h = check_share("holidays_share", holidays_share)
    d = check_number("hours_per_day", hours_per_day, low_open=True, high=24.0, what="hours")
    days = ["sick_days", "other_absence_days", "training_days"]
    _check_table(
        hr,
        ["fte", *days],
        non_negative=["fte", *days, "theoretical_hours_per_fte"],
    )
    keys = _by_columns(by)
    frame = _id_frame(hr, keys)
    frame["theoretical_hours"] = hr["fte"].astype("float64") * _theoretical_hours_per_fte(hr)
    for c in days:
        frame[c] = hr[c].astype("float64") * d
    frame = _aggregate(frame, keys, ["theoretical_hours", *days])
    ids = keys or [c for c in _ID_COLUMNS if c in frame.columns]
    out = frame[ids].copy()
    out["theoretical_hours"] = frame["theoretical_hours"]
    out["holidays_share"] = h
    for c, name in zip(
        days, ["sickness_share", "other_absence_share", "training_share"], strict=True
    ):
        out[name] = _ratio(frame[c], frame["theoretical_hours"])
    out["aw"] = (
        out["holidays_share"]
        + out["sickness_share"]
        + out["other_absence_share"]
        + out["training_share"]
    )
    out["at_work_share"] = 1.0 - out["aw"]
    return out


def sickness_absence_rate(
    hr: pd.DataFrame,
    *,
    hours_per_day: float = DEFAULT_HOURS_PER_DAY,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sickness absence as a share of theoretical regular working time.

    Parameters
    ----------
    hr : DataFrame
        HR table with ``fte``, ``sick_days`` and optionally
        ``theoretical_hours_per_fte`` (default 1 850 h where absent or missing).
    hours_per_day : float, keyword-only
        Hours in one working day. Default 7.5 (assumption).
    by : str or list of str, optional, keyword-only
        Aggregate to these columns. The rate of a group is the ratio of sums,
        its sick hours over its theoretical hours (equivalently the mean of the
        rows' rates weighted by their theoretical hours), never the plain mean
        of the rows' rates.

    Returns
    -------
    DataFrame
        Id columns (``org``, ``unit``, ``period`` present, or the ``by``
        columns) and

        - ``fte``: person-years (HTV);
        - ``sick_days``: lost working days;
        - ``sick_hours``: sick_days × hours_per_day;
        - ``theoretical_hours``: fte × theoretical_hours_per_fte;
        - ``sickness_absence_rate``: sick_hours / theoretical_hours (0–1);
        - ``sick_days_per_fte``: sick_days / fte, the figure Keva reports per
          full-year employee (14.7 days in 2021, 16.5 in 2022 in the
          municipal sector; Keva counts calendar days, this table working days).

    Raises
    ------
    DataValidationError
        A count is negative (a missing column is an ArgumentError).
    ArgumentError
        ``hours_per_day`` not positive.

    Notes
    -----
    .. math:: \\text{rate} = \\frac{\\sum S\\,d}{\\sum FTE \\times TYW}

    Sickness absence % = absence time / theoretical regular working time, as in
    the key-figure recommendations of the municipal employers (KT) for the
    personnel report. Equal to ``sickness_share`` of :func:`structural_time_share`.

    References
    ----------
    KT Kuntatyönantajat, recommendations on personnel report key figures
    (henkilöstökertomus). Keva, municipal sector sickness absence statistics.

    Examples
    --------
    The Yrittäjät/Etera example: 200 employees, 1 800 sick days, 225 working
    days per person a year (1 800 / (200 × 0.04)), i.e. 225 × 7.5 = 1 687.5 h:

    >>> import pandas as pd
    >>> from hrproductivity.costs import sickness_absence_rate
    >>> hr = pd.DataFrame({"org": ["A"], "unit": ["all"], "period": ["2021"], "fte": [200.0],
    ...     "sick_days": [1800.0], "theoretical_hours_per_fte": [1687.5]})
    >>> float(sickness_absence_rate(hr)["sickness_absence_rate"].iloc[0])
    0.04
    """
    d = check_number("hours_per_day", hours_per_day, low_open=True, high=24.0, what="hours")
    _check_table(hr, ["fte", "sick_days"], non_negative=["fte", "sick_days"])
    keys = _by_columns(by)
    frame = _id_frame(hr, keys)
    frame["fte"] = hr["fte"].astype("float64")
    frame["sick_days"] = hr["sick_days"].astype("float64")
    frame["theoretical_hours"] = frame["fte"] * _theoretical_hours_per_fte(hr)
    frame = _aggregate(frame, keys, ["fte", "sick_days", "theoretical_hours"])
    ids = keys or [c for c in _ID_COLUMNS if c in frame.columns]
    out = frame[[*ids, "fte", "sick_days"]].copy()
    out["sick_hours"] = frame["sick_days"] * d
    out["theoretical_hours"] = frame["theoretical_hours"]
    out["sickness_absence_rate"] = _ratio(out["sick_hours"], out["theoretical_hours"])
    out["sick_days_per_fte"] = _ratio(out["sick_days"], out["fte"])
    return out


# ---------------------------------------------------------------------------
# money


def absence_cost_per_day(*, daily_wage: float = 174.0, multiplier: float = 2.1) -> float:
    """Wage-based cost of one sickness-absence day: lost value added, €.

    Parameters
    ----------
    daily_wage : float, keyword-only
        Average wage of one working day, €. Default 174 € (EK 2021).
    multiplier : float, keyword-only
        Value added lost per euro of wage. Default 2.1 (EK 2021).

    Returns
    -------
    float
        ``daily_wage × multiplier``; 174 × 2.1 = 365.4 € with the defaults
        (≈ 365–370 € as EK states it).

    Raises
    ------
    ArgumentError
        A negative argument.

    Notes
    -----
    Two figures are in use and both are exposed: the rule of thumb
    :data:`ABSENCE_COST_PER_DAY` = 350 € a day, and this wage-based one. Pass
    either to :func:`absence_cost`.

    References
    ----------
    Confederation of Finnish Industries EK (2021), cost of sickness absence:
    average daily wage 174 € × 2.1.

    Examples
    --------
    >>> from hrproductivity.costs import absence_cost_per_day
    >>> round(absence_cost_per_day(), 2)
    365.4
    """
    w = check_number("daily_wage", daily_wage, what="€ a day")
    m = check_number("multiplier", multiplier)
    return w * m


_Days = TypeVar("_Days", float, pd.Series, np.ndarray)


def absence_cost(sick_days: _Days, *, cost_per_day: float = ABSENCE_COST_PER_DAY) -> _Days:
    """Yearly cost of sickness absence, €.

    Parameters
    ----------
    sick_days : float, Series or array
        Sickness-absence days (e.g. ``hr["sick_days"]``).
    cost_per_day : float, keyword-only
        € per day. Default 350 € (EK rule of thumb); the wage-based alternative
        is ``absence_cost_per_day()`` = 174 × 2.1 = 365.4 €.

    Returns
    -------
    float, Series or array
        ``sick_days × cost_per_day``, of the same kind and index as ``sick_days``
        (add it to the HR table with ``hr.assign(absence_cost_eur=...)``).

    Raises
    ------
    ArgumentError
        A negative ``cost_per_day`` or negative days.

    Notes
    -----
    Yrittäjät/Etera example: 200 employees at 4 % absence ⇒ 1 800 days ⇒
    612 000 € a year. The days imply 1 800 / (200 × 0.04) = 225 working days
    per person a year (200 × 225 × 0.04 = 1 800), and the euros imply
    612 000 / 1 800 = 340 € a day: the example uses 340 €, not the 350 € rule
    of thumb (which would give 630 000 €).

    References
    ----------
    Confederation of Finnish Industries EK; Suomen Yrittäjät and Etera,
    sickness absence cost example.

    Examples
    --------
    >>> from hrproductivity.costs import absence_cost
    >>> absence_cost(1800.0, cost_per_day=340.0)
    612000.0
    """
    c = check_number("cost_per_day", cost_per_day, what="€ a day")
    if isinstance(sick_days, pd.Series):
        values = sick_days.astype("float64")
        if bool((values < 0).any()):
            raise ArgumentError("sick_days must be 0 or more; some values are negative")
        return values * c
    if isinstance(sick_days, np.ndarray):
        arr = sick_days.astype("float64")
        if bool((arr < 0).any()):
            raise ArgumentError("sick_days must be 0 or more; some values are negative")
        return arr * c
    return check_number("sick_days", sick_days, what="days") * c


def _months_lost_per_leaver(
    before_months: float,
    before_share: float,
    vacancy_months: float,
    orientation_months: float,
    orientation_share: float,
) -> tuple[float, float, float]:
    """Full months of capacity lost before leaving, while vacant, and in orientation."""
    bm = check_number("productivity_loss_before_months", before_months, high=24.0, what="months")
    bs = check_share("productivity_loss_before_share", before_share)
    vm = check_number("vacancy_months", vacancy_months, high=24.0, what="months")
    om = check_number("orientation_months", orientation_months, high=24.0, what="months")
    os_ = check_share("orientation_loss_share", orientation_share)
    return bm * bs, vm, om * os_


def _leavers_frame(leavers: float | pd.Series | pd.DataFrame) -> pd.DataFrame:
    if isinstance(leavers, pd.DataFrame):
        _check_table(leavers, ["leavers"], non_negative=["leavers"])
        out = _id_frame(leavers, [])
        out["leavers"] = leavers["leavers"].astype("float64")
        return out
    if isinstance(leavers, pd.Series):
        values = leavers.astype("float64")
        if bool((values < 0).any()):
            raise ArgumentError("leavers must be 0 or more; some values are negative")
        return pd.DataFrame({"leavers": values})
    return pd.DataFrame({"leavers": [check_number("leavers", leavers, what="persons")]})


def turnover_cost(
    leavers: float | pd.Series | pd.DataFrame,
    *,
    annual_salary: float = _ANNUAL_SALARY,
    side_cost_share: float = _SIDE_COST_SHARE,
    recruiting_cost: float = _RECRUITING_COST,
    productivity_loss_before_months: float = _LOSS_BEFORE_MONTHS,
    productivity_loss_before_share: float = _LOSS_BEFORE_SHARE,
    vacancy_months: float = _VACANCY_MONTHS,
    orientation_months: float = _ORIENTATION_MONTHS,
    orientation_loss_share: float = _ORIENTATION_LOSS_SHARE,
) -> pd.DataFrame:
    """Replacement cost of staff turnover, €, in its parts.

    Every default below is an **assumption for illustration**, not a
    published figure: replace each with the organisation's own. What the
    sources say is only the shape: the cost is a large share of a year's
    salary, mostly lost capacity before and after the change, the rest
    recruiting and orientation (docs/costs.md, "Turnover").

    Parameters
    ----------
    leavers : float, Series or DataFrame
        Number of leavers, or the HR table (its ``leavers`` column is used and
        its id columns kept).
    annual_salary : float, keyword-only
        Yearly salary of a leaver's post, €. Default 40 000 € (assumption).
    side_cost_share : float, keyword-only
        Employer's side costs (pension, social security and insurance
        contributions) as a share of salary. Default 0.20 (assumption).
    recruiting_cost : float, keyword-only
        Advertising, selection and HR time per recruitment, €. Default 3 000 €
        (assumption).
    productivity_loss_before_months : float, keyword-only
        Months before leaving with reduced output. Default 2 (assumption).
    productivity_loss_before_share : float, keyword-only
        Share of output lost in those months. Default 0.25 (assumption).
    vacancy_months : float, keyword-only
        Months the post stands empty, output wholly lost. Default 1 (assumption).
    orientation_months : float, keyword-only
        Months until the newcomer is at full output. Default 6 (assumption).
    orientation_loss_share : float, keyword-only
        Average share of output lost during orientation, including the time of
        those who orient the newcomer. Default 0.5 (assumption).

    Returns
    -------
    DataFrame
        One row per input row (a number gives one row), with the id columns of
        a DataFrame input (``org``, ``unit``, ``period``) or the Series' index, and

        - ``leavers``;
        - ``months_lost_per_leaver``: full months of capacity lost per leaver;
        - ``recruiting_eur``: leavers × recruiting_cost;
        - ``before_leaving_eur``, ``vacancy_eur``, ``orientation_eur``: leavers ×
          months lost in that phase × monthly labour cost;
        - ``turnover_cost_eur``: the sum of the four parts;
        - ``cost_per_leaver_eur``: turnover_cost_eur / leavers for one leaver
          (the same on every row).

    Raises
    ------
    DataValidationError
        A DataFrame without ``leavers``, or negative leavers in it.
    ArgumentError
        An argument out of range (negative, a share outside 0–1, months > 24).

    Notes
    -----
    Monthly labour cost m = annual_salary × (1 + side_cost_share) / 12. Per leaver

    .. math:: C = R + m\\,(b_m b_s + v_m + o_m o_s)

    with *R* the recruiting cost, *b* the months and share lost before
    leaving, *v* the vacancy months and *o* the orientation months and share.
    Lost capacity is valued at its labour cost: lost months of a post are paid
    time, priced at the monthly labour cost of the post (docs/valuation.md); in
    cash, a vacancy saves the salary but loses the output or must be covered
    with overtime or substitutes. With the defaults
    m = 40 000 × 1.2 / 12 = 4 000 €, months lost 2 × 0.25 + 1 + 6 × 0.5 = 4.5,
    C = 3 000 + 4.5 × 4 000 = 21 000 € (52.5 % of the salary).
    :func:`capacity_lost` gives the same months as hours and FTE.

    References
    ----------
    No published parameter values are used; the structure follows the usual
    replacement-cost accounting (separation, vacancy, recruitment, orientation).

    Examples
    --------
    >>> from hrproductivity.costs import turnover_cost
    >>> float(turnover_cost(1.0)["turnover_cost_eur"].iloc[0])
    21000.0
    """
    salary = check_number("annual_salary", annual_salary, what="€ a year")
    side = check_number("side_cost_share", side_cost_share, high=2.0, what="share of salary")
    recruiting = check_number("recruiting_cost", recruiting_cost, what="€ per recruitment")
    before, vacancy, orientation = _months_lost_per_leaver(
        productivity_loss_before_months,
        productivity_loss_before_share,
        vacancy_months,
        orientation_months,
        orientation_loss_share,
    )
    monthly = salary * (1.0 + side) / 12.0
    out = _leavers_frame(leavers)
    n = out["leavers"]
    out["months_lost_per_leaver"] = before + vacancy + orientation
    out["recruiting_eur"] = n * recruiting
    out["before_leaving_eur"] = n * before * monthly
    out["vacancy_eur"] = n * vacancy * monthly
    out["orientation_eur"] = n * orientation * monthly
    out["turnover_cost_eur"] = (
        out["recruiting_eur"]
        + out["before_leaving_eur"]
        + out["vacancy_eur"]
        + out["orientation_eur"]
    )
    out["cost_per_leaver_eur"] = recruiting + (before + vacancy + orientation) * monthly
    return out


# ---------------------------------------------------------------------------
# capacity


def capacity_lost(
    hr: pd.DataFrame,
    *,
    hours_per_day: float = DEFAULT_HOURS_PER_DAY,
    productivity_loss_before_months: float = _LOSS_BEFORE_MONTHS,
    productivity_loss_before_share: float = _LOSS_BEFORE_SHARE,
    vacancy_months: float = _VACANCY_MONTHS,
    orientation_months: float = _ORIENTATION_MONTHS,
    orientation_loss_share: float = _ORIENTATION_LOSS_SHARE,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Working capacity lost to sickness absence and turnover, in hours and FTE.

    Parameters
    ----------
    hr : DataFrame
        HR table with ``sick_days``, ``leavers`` and optionally
        ``theoretical_hours_per_fte`` (default 1 850 h).
    hours_per_day : float, keyword-only
        Hours in one working day. Default 7.5 (assumption).
    productivity_loss_before_months, productivity_loss_before_share, \
vacancy_months, orientation_months, orientation_loss_share : float, keyword-only
        The turnover assumptions of :func:`turnover_cost` (same defaults, all
        assumptions to replace).
    by : str or list of str, optional, keyword-only
        Sum to these columns.

    Returns
    -------
    DataFrame
        Id columns (``org``, ``unit``, ``period`` present, or the ``by``
        columns) and

        - ``sick_hours_lost``: sick_days × hours_per_day;
        - ``sick_fte_lost``: sick_hours_lost / theoretical_hours_per_fte;
        - ``turnover_hours_lost``: leavers × months lost per leaver / 12 ×
          theoretical_hours_per_fte;
        - ``turnover_fte_lost``: turnover_hours_lost / theoretical_hours_per_fte;
        - ``hours_lost``, ``fte_lost``: the sums of the two.

    Raises
    ------
    DataValidationError
        A count is negative (a missing column is an ArgumentError).
    ArgumentError
        An argument out of range.

    Notes
    -----
    FTE lost = hours lost / TYW of the row; FTE add up across rows, so a group
    is the sum of its rows. Each leaver is taken as one full-time post; scale
    ``leavers`` by FTE per head first if posts are part-time. Months lost per
    leaver = before_months × before_share + vacancy_months + orientation_months
    × orientation_share (4.5 with the defaults).

    References
    ----------
    KT Kuntatyönantajat, personnel report key figures (person-years, HTV, and
    theoretical working time).

    Examples
    --------
    >>> import pandas as pd
    >>> from hrproductivity.costs import capacity_lost
    >>> hr = pd.DataFrame({"org": ["A"], "unit": ["u1"], "period": ["2021"],
    ...     "sick_days": [740.0], "leavers": [4.0], "theoretical_hours_per_fte": [1850.0]})
    >>> capacity_lost(hr)[["sick_fte_lost", "turnover_fte_lost", "fte_lost"]].round(2)
       sick_fte_lost  turnover_fte_lost  fte_lost
    0            3.0                1.5       4.5
    """
    d = check_number("hours_per_day", hours_per_day, low_open=True, high=24.0, what="hours")
    before, vacancy, orientation = _months_lost_per_leaver(
        productivity_loss_before_months,
        productivity_loss_before_share,
        vacancy_months,
        orientation_months,
        orientation_loss_share,
    )
    _check_table(
        hr,
        ["sick_days", "leavers"],
        non_negative=["sick_days", "leavers", "theoretical_hours_per_fte"],
    )
    keys = _by_columns(by)
    frame = _id_frame(hr, keys)
    tyw = _theoretical_hours_per_fte(hr)
    frame["sick_hours_lost"] = hr["sick_days"].astype("float64") * d
    frame["sick_fte_lost"] = _ratio(frame["sick_hours_lost"], tyw)
    months = before + vacancy + orientation
    frame["turnover_hours_lost"] = hr["leavers"].astype("float64") * months / 12.0 * tyw
    frame["turnover_fte_lost"] = hr["leavers"].astype("float64") * months / 12.0
    frame["hours_lost"] = frame["sick_hours_lost"] + frame["turnover_hours_lost"]
    frame["fte_lost"] = frame["sick_fte_lost"] + frame["turnover_fte_lost"]
    numeric = [
        "sick_hours_lost",
        "sick_fte_lost",
        "turnover_hours_lost",
        "turnover_fte_lost",
        "hours_lost",
        "fte_lost",
    ]
    return _aggregate(frame, keys, numeric)
