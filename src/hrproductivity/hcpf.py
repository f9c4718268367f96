"""The human capital production function (HCPF) of Kesti & Syväjärvi.

.. code-block:: text

    Revenue = K × HR × TYW × (1 − AW) × QWL
    EBITDA  = Revenue − variable costs − staff costs − other fixed costs

:class:`HCPF` holds one organisation or unit, calibrates K (€ per effective
working hour) from its accounts and answers the "what if" questions taught to
supervisors: revenue and EBITDA at another QWL or structural time share, a
scenario grid, and what one QWL point is worth. The last depends on how freed
working time is valued, so the valuation is always named: ``"market"``
(sold at K), ``"public"`` (replaces what is bought; the library's own model) or
``"wage"`` (what hiring the freed effective hours would cost); see
:meth:`HCPF.value_of_qwl_point` and docs/valuation.md. The equation, its
parameters and the published example: docs/hcpf.md.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np
import pandas as pd

from hrproductivity._checks import check_columns, check_number, check_share
from hrproductivity.costs import (
    DEFAULT_HOLIDAYS_SHARE,
    DEFAULT_HOURS_PER_DAY,
    DEFAULT_THEORETICAL_HOURS,
    structural_time_share,
)
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    ModelWarning,
    Problem,
    UnknownNameError,
)
from hrproductivity.scoring import QWL_BANDS

__all__ = [
    "HCPF",
    "OVERTIME_PREMIUM",
    "QWL_PRODUCTIVITY_CEILING",
    "QWLValue",
]

Valuation = Literal["market", "public", "wage"]
Sector = Literal["market", "public"]
_VALUATIONS = ("market", "public", "wage")
_SECTORS = ("market", "public")

#: Above this QWL the index no longer raises productivity (Kesti's published description).
#: The HCPF equation itself is linear, so values above it are flagged with a
#: :class:`~hrproductivity.errors.ModelWarning`.
QWL_PRODUCTIVITY_CEILING = 0.85

#: Overtime premium used when no overtime hour price is given: the Working Hours
#: Act (872/2019) pays at least +50 % for the first hours of overtime (+100 %
#: after them), so the default price is 1.5 × the labour cost of an hour. An
#: assumption: pass ``overtime_hour_price`` for the actual figure.
OVERTIME_PREMIUM = 0.5


@dataclass(frozen=True)
class QWLValue:
    """The money value of a change in QWL under one named valuation.

    Returned by :meth:`HCPF.value_of_qwl_point` and :meth:`HCPF.potential`.

    Attributes
    ----------
    valuation : {"market", "public", "wage"}
        How freed effective hours were valued.
    qwl_from, qwl_to : float
        The current QWL and the QWL valued.
    effective_hours_gained : float
        Extra effective working hours a year: HR × TYW × (1 − AW) × (qwl_to − qwl_from).
    valued_hours : float
        The hours that were given a value (all of them, except in the public
        valuation, where only hours that replace something bought count).
    value_eur : float
        Value a year for the whole organisation or unit, €.
    fte, headcount : float
        Denominators for the per-FTE and per-employee figures (headcount may be None).
    assumptions : tuple of str
        The valuation's assumptions in words, with its prices.
    """

    valuation: str
    qwl_from: float
    qwl_to: float
    effective_hours_gained: float
    valued_hours: float
    value_eur: float
    fte: float
    headcount: float | None
    assumptions: tuple[str, ...]

    @property
    def unvalued_hours(self) -> float:
        """Freed hours the valuation gives no value (public valuation beyond what is bought)."""
        return self.effective_hours_gained - self.valued_hours

    @property
    def eur_per_hour(self) -> float:
        """Average value of a valued hour, € (NaN when no hour was valued)."""
        return self.value_eur / self.valued_hours if self.valued_hours else math.nan

    @property
    def value_per_fte(self) -> float:
        """Value a year per FTE (person-year, HTV), €."""
        return self.value_eur / self.fte

    @property
    def value_per_employee(self) -> float | None:
        """Value a year per employee (headcount), €; None when headcount is unknown."""
        return None if self.headcount is None else self.value_eur / self.headcount

    def summary(self) -> pd.DataFrame:
        """One-row tidy table.

        Returns
        -------
        DataFrame
            Columns ``valuation``, ``qwl_from``, ``qwl_to``,
            ``effective_hours_gained``, ``valued_hours``, ``unvalued_hours``,
            ``eur_per_hour``, ``value_eur``, ``value_per_fte_eur``,
            ``value_per_employee_eur`` (NaN without headcount) and
            ``assumptions`` (joined with "; ").
        """
        per_employee = self.value_per_employee
        return pd.DataFrame(
            {
                "valuation": [self.valuation],
                "qwl_from": [self.qwl_from],
                "qwl_to": [self.qwl_to],
                "effective_hours_gained": [self.effective_hours_gained],
                "valued_hours": [self.valued_hours],
                "unvalued_hours": [self.unvalued_hours],
                "eur_per_hour": [self.eur_per_hour],
                "value_eur": [self.value_eur],
                "value_per_fte_eur": [self.value_per_fte],
                "value_per_employee_eur": [math.nan if per_employee is None else per_employee],
                "assumptions": ["; ".join(self.assumptions)],
            }
        )

    def _repr_html_(self) -> str:
        return str(self.summary().to_html(index=False))


@dataclass(frozen=True, kw_only=True)
class HCPF:
    """Human capital production function of one organisation or unit.

    All arguments are keyword-only. Money is € a year, time hours a year.

    Parameters
    ----------
    fte : float
        HR, personnel in full-time equivalents (person-years, HTV); must match
        ``staff_costs``. More than 0.
    aw : float
        Structural time use: holidays, absences, family leave, orientation,
        training, HR practices, as a share of TYW; 0 ≤ aw < 1. Build it from its
        parts with :meth:`from_components`, or from the HR table with
        :meth:`from_records`.
    qwl : float
        Quality-of-working-life index as a share, 0 < qwl ≤ 1 (60 % is 0.60):
        the share of time at work that is effective work.
    revenue : float
        Revenue, or the value of services of a public organisation, €.
    variable_cost_share : float
        Variable costs as a share of revenue, 0–1; they move with revenue.
    staff_costs : float
        Personnel costs including side costs, €.
    other_fixed_costs : float
        Other fixed costs, €. Needed for EBITDA; it does not affect any change
        in EBITDA, so pass 0 when only changes matter.
    theoretical_hours : float, default 1 850
        TYW, theoretical regular yearly working time per FTE, h.
    headcount : float, optional
        Employees, for values per employee.
    sector : {"market", "public"}, default "market"
        Chooses the default valuation of :meth:`value_of_qwl_point`.
    purchased_services_eur, purchased_service_hour_price : float, optional
        Purchased services ("ostopalvelut") a year, € and € per hour of service
        delivered; for the public valuation.
    overtime_hours, overtime_hour_price : float, optional
        Overtime hours a year and their price; the price defaults to
        (1 + OVERTIME_PREMIUM) × :attr:`hourly_labour_cost` (an assumption).
    substitute_hours, substitute_hour_price : float, optional
        Hours of substitutes working in the unit a year and their price per
        hour; the price defaults to :attr:`hourly_labour_cost` (an assumption).
        Agency staff working in the unit are substitutes here (pass their hours
        and hourly price), not purchased services.

    Raises
    ------
    ArgumentError
        An argument outside its range (the message names it and the range).
    UnknownNameError
        ``sector`` is not "market" or "public".

    Notes
    -----
    Kesti & Syväjärvi (2015):

    .. math::

        \\text{Revenue} = K \\cdot HR \\cdot TYW \\cdot (1 - AW) \\cdot QWL

        \\text{EBITDA} = \\text{Revenue}\\,(1 - v) - \\text{staff costs}
        - \\text{other fixed costs}

    K, the value of one *effective* hour, is calibrated from the accounts,
    K = Revenue / (HR · TYW · (1 − AW) · QWL). The effective share of
    theoretical time is (1 − AW) · QWL and the "other working time" (planning,
    reporting, errors, friction) is (1 − AW) − (1 − AW) · QWL. Changes of QWL or
    AW change effective hours and so revenue at the calibrated K; staff and
    other fixed costs stay, variable costs follow revenue.

    **Three valuations of a QWL point.** One point (+0.01) frees
    ΔH = HR · TYW · (1 − AW) · 0.01 effective hours a year.

    - market: ΔH · K · (1 − v), the extra revenue net of its variable costs,
      which is exactly the change in EBITDA (the published model, when the
      extra output can be sold);
    - wage: ΔH · c / ((1 − AW) · QWL), with c = staff costs / (HR · TYW) the
      labour cost of a paid (theoretical) hour, or a given ``hourly_cost``:
      what hiring the freed capacity would cost. A hire paid for one hour
      delivers (1 − AW) · QWL effective hours, so an effective hour costs
      c / ((1 − AW) · QWL); per FTE the value is 0.01 / QWL · staff costs per
      FTE;
    - public (the library's own model, not Kesti's public-sector equation,
      which is not published): the freed effective hours replace what is
      bought, the dearest effective hour first, each at its unit price and
      only up to what is actually bought. An hour of overtime or of a
      substitute is an hour at work in the unit and delivers QWL effective
      hours, so one freed effective hour replaces 1 / QWL of them; purchased
      services count as hours of service delivered and are replaced one for
      one. Hours beyond what is bought are capacity without a cash value
      (``unvalued_hours``).

    The reasoning behind both unit conversions is in docs/valuation.md.

    The published "one QWL point ≈ 500 € per employee a year" and the 2016
    example differ because they value the freed hours differently. The 2016
    example is in US dollars (400 FTE, 2 000 h, AW 0.15, QWL 0.60, revenue
    $100 M, variable costs 50 %, staff costs $25 M); the figures here are in its
    dollars. ΔH = 6 800 h; the market valuation gives 6 800 · 245.10 · 0.5 =
    833 333 = 2 083 per FTE, the wage valuation 6 800 · 31.25 / 0.51 =
    416 667 = 1 042 per FTE. Their ratio is (Revenue − variable costs) / staff
    costs = 50 / 25 = 2. The source of the 500 € does not say how it was
    derived. It is of the size of 0.01 × (1 − AW) × staff costs per FTE (480 €
    with 80 % of time at work and 60 000 € staff costs per FTE, illustrative
    figures): the freed effective hours priced as if they were paid hours,
    which undervalues them by the factor (1 − AW) · QWL (docs/valuation.md).
    The market valuation grows with the margin of revenue over variable costs.
    The public valuation lies between 0 and ΔH × the dearest price per
    effective hour, depending on what is bought. Report which valuation a
    figure uses.

    The equation is linear in QWL; the published description of the index
    says that above 0.85 it no longer raises productivity, so QWL values above
    :data:`QWL_PRODUCTIVITY_CEILING` raise a ModelWarning.

    References
    ----------
    Kesti, M. & Syväjärvi, A. (2015). Human capital production function in
    strategic management. *Technology and Investment* 6, 12–21.
    doi:10.4236/ti.2015.61002.
    Kesti, M. (2013). GSTF Journal on Business Review 3(1), 22–32.
    Kesti, M. (2016, March). Blog, markokesti.wordpress.com (the 400-FTE
    example, in US dollars).
    juristiliitto.fi: one QWL percentage point ≈ 500 € per employee a year.

    Examples
    --------
    The published 2016 example, in US dollars (other fixed costs are not given
    there; 15 M is made up for the example). No R equivalent: this is arithmetic.

    >>> from hrproductivity.hcpf import HCPF
    >>> h = HCPF(fte=400, theoretical_hours=2000, aw=0.15, qwl=0.60, revenue=100e6,
    ...          variable_cost_share=0.5, staff_costs=25e6, other_fixed_costs=15e6)
    >>> round(h.effective_share, 4), round(h.other_working_share, 4)
    (0.51, 0.34)
    >>> round(h.calibrate(), 2)
    245.1
    >>> round(h.ebitda_at(0.61) - h.ebitda_at(0.60))
    833333
    >>> round(h.value_of_qwl_point("wage").value_per_fte, 2)
    1041.67
    """

    fte: float
    aw: float
    qwl: float
    revenue: float
    variable_cost_share: float
    staff_costs: float
    other_fixed_costs: float
    theoretical_hours: float = DEFAULT_THEORETICAL_HOURS
    headcount: float | None = None
    sector: Sector = "market"
    purchased_services_eur: float | None = None
    purchased_service_hour_price: float | None = None
    overtime_hours: float | None = None
    overtime_hour_price: float | None = None
    substitute_hours: float | None = None
    substitute_hour_price: float | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: float | None) -> None:
            object.__setattr__(self, name, value)

        put("fte", check_number("fte", self.fte, low_open=True, what="person-years"))
        put(
            "theoretical_hours",
            check_number("theoretical_hours", self.theoretical_hours, low_open=True, high=8784),
        )
        put("aw", _check_aw("aw", self.aw))
        put("qwl", _check_qwl("qwl", self.qwl, allow_zero=False))
        put("revenue", check_number("revenue", self.revenue, what="€"))
        put("variable_cost_share", check_share("variable_cost_share", self.variable_cost_share))
        put("staff_costs", check_number("staff_costs", self.staff_costs, what="€"))
        put("other_fixed_costs", check_number("other_fixed_costs", self.other_fixed_costs))
        if self.headcount is not None:
            put("headcount", check_number("headcount", self.headcount, low_open=True))
        if self.sector not in _SECTORS:
            raise UnknownNameError("sector", self.sector, list(_SECTORS))
        for name in (
            "purchased_services_eur",
            "purchased_service_hour_price",
            "overtime_hours",
            "overtime_hour_price",
            "substitute_hours",
            "substitute_hour_price",
        ):
            value = getattr(self, name)
            if value is not None:
                put(name, check_number(name, value))
        if self.purchased_service_hour_price == 0.0:
            raise ArgumentError(
                "purchased_service_hour_price must satisfy 0 < purchased_service_hour_price, got 0"
            )

    # -- construction ------------------------------------------------------

    @classmethod
    def from_components(
        cls,
        *,
        holidays: float,
        sickness: float = 0.0,
        other_absence: float = 0.0,
        training: float = 0.0,
        orientation: float = 0.0,
        **fields: Any,
    ) -> Self:
        """Build with AW as the sum of its parts, each a share of TYW.

        Parameters
        ----------
        holidays, sickness, other_absence, training, orientation : float, keyword-only
            Shares of theoretical working time, each 0–1; ``other_absence``
            holds family leave and other absences, ``orientation`` also HR
            practices. Their sum must be below 1.
        **fields
            The other arguments of :class:`HCPF` (not ``aw``).

        Returns
        -------
        HCPF
            With ``aw`` = holidays + sickness + other_absence + training + orientation.

        Raises
        ------
        ArgumentError
            A part outside 0–1 or a sum of 1 or more.

        Examples
        --------
        >>> from hrproductivity.hcpf import HCPF
        >>> h = HCPF.from_components(holidays=0.10, sickness=0.04, training=0.01,
        ...     fte=400, qwl=0.6, revenue=100e6, variable_cost_share=0.5,
        ...     staff_costs=25e6, other_fixed_costs=0.0, theoretical_hours=2000)
        >>> round(h.aw, 2)
        0.15
        """
        parts = {
            "holidays": holidays,
            "sickness": sickness,
            "other_absence": other_absence,
            "training": training,
            "orientation": orientation,
        }
        aw = sum(
            check_share(k, v, what="a share of theoretical working time") for k, v in parts.items()
        )
        if aw >= 1.0:
            raise ArgumentError(
                "holidays + sickness + other_absence + training + orientation must be below 1 "
                f"(the structural share aw), got {aw:g}"
            )
        return cls(aw=aw, **fields)

    @classmethod
    def from_records(
        cls,
        hr: pd.DataFrame,
        finance: pd.DataFrame,
        qwl: float,
        *,
        org: str,
        period: str,
        unit: str | None = None,
        holidays_share: float = DEFAULT_HOLIDAYS_SHARE,
        hours_per_day: float = DEFAULT_HOURS_PER_DAY,
        sector: Sector = "market",
        purchased_service_hour_price: float | None = None,
        overtime_hour_price: float | None = None,
    ) -> Self:
        """Build from the dataset's HR and finance tables (docs/data-contract.md).

        Parameters
        ----------
        hr : DataFrame
            HR table: one row per unit per period.
        finance : DataFrame
            Finance table: one row per organisation (``unit`` missing) or unit
            per period.
        qwl : float
            The organisation's or unit's QWL index, 0 < qwl ≤ 1.
        org, period : str, keyword-only
            Which organisation and period.
        unit : str, optional, keyword-only
            One unit; None takes the whole organisation: all its HR rows of the
            period are summed, and finance is its organisation row (``unit``
            missing) or, when there is none, the sum of its unit rows.
        holidays_share, hours_per_day : float, keyword-only
            As in :func:`hrproductivity.costs.structural_time_share` (defaults
            0.10 and 7.5 h, assumptions to replace).
        sector : {"market", "public"}, keyword-only
        purchased_service_hour_price, overtime_hour_price : float, optional, keyword-only
            Prices for the public valuation; ``purchased_services_eur`` and
            ``overtime_hours`` come from the HR table when it has them.

        Returns
        -------
        HCPF
            fte, headcount, staff_costs, overtime and purchased services summed
            over the HR rows (for the last two, missing values count as 0
            unless all are missing, which gives None); theoretical_hours
            their FTE-weighted mean; aw from
            :func:`~hrproductivity.costs.structural_time_share` as a ratio of
            sums; revenue, variable_cost_share = variable_costs_eur /
            revenue_eur and other_fixed_costs from finance.

        Raises
        ------
        UnknownNameError
            No rows for ``org``, ``period`` or ``unit`` (the message lists those present).
        DataValidationError
            A value is negative or missing (a missing column is an ArgumentError).
        ArgumentError
            The result is impossible (e.g. aw ≥ 1, revenue 0 with variable costs).

        Notes
        -----
        AW = holidays_share + (sick + other absence + training days) ×
        hours_per_day / Σ(fte × theoretical_hours_per_fte).
        The HR rows must cover the same staff as the finance row.
        """
        rows = _select(hr, "hr", org=org, period=period, unit=unit)
        _need_values(
            rows,
            "hr",
            ["fte", "sick_days", "other_absence_days", "training_days", "staff_costs_eur"],
        )
        aw_row = structural_time_share(
            rows, holidays_share=holidays_share, hours_per_day=hours_per_day, by="org"
        )
        aw = float(aw_row["aw"].iloc[0])
        fte = float(rows["fte"].sum())
        tyw = float(aw_row["theoretical_hours"].iloc[0]) / fte if fte > 0 else math.nan
        staff_costs = float(rows["staff_costs_eur"].sum())
        headcount = float(rows["headcount"].sum()) if "headcount" in rows.columns else None

        def optional_sum(column: str) -> float | None:
            if column not in rows.columns or rows[column].isna().all():
                return None
            return float(rows[column].sum())

        money = _select(finance, "finance", org=org, period=period, unit=unit)
        if unit is None:
            org_rows = money[money["unit"].isna()] if "unit" in money.columns else money
            if len(org_rows):
                money = org_rows
        columns = ["revenue_eur", "variable_costs_eur", "other_fixed_costs_eur"]
        _need_values(money, "finance", columns)
        revenue, variable, other = (float(money[c].sum()) for c in columns)
        if revenue <= 0:
            if variable > 0:
                raise ArgumentError(
                    f"revenue_eur of org {org!r} period {period!r} is {revenue:g}; "
                    "variable_cost_share = variable_costs_eur / revenue_eur needs revenue_eur > 0"
                )
            share = 0.0
        else:
            share = variable / revenue
        return cls(
            fte=fte,
            theoretical_hours=tyw,
            aw=aw,
            qwl=qwl,
            revenue=revenue,
            variable_cost_share=share,
            staff_costs=staff_costs,
            other_fixed_costs=other,
            headcount=headcount if headcount else None,
            sector=sector,
            purchased_services_eur=optional_sum("purchased_services_eur"),
            purchased_service_hour_price=purchased_service_hour_price,
            overtime_hours=optional_sum("overtime_hours"),
            overtime_hour_price=overtime_hour_price,
        )

    # -- the equation ------------------------------------------------------

    @property
    def effective_share(self) -> float:
        """(1 − AW) × QWL: share of theoretical working time that is effective work."""
        return (1.0 - self.aw) * self.qwl

    @property
    def other_working_share(self) -> float:
        """(1 − AW) − (1 − AW) × QWL: time at work that is not effective work."""
        return (1.0 - self.aw) - (1.0 - self.aw) * self.qwl

    @property
    def effective_hours(self) -> float:
        """HR × TYW × (1 − AW) × QWL: effective working hours a year."""
        return self.fte * self.theoretical_hours * self.effective_share

    @property
    def hourly_labour_cost(self) -> float:
        """Staff costs / (HR × TYW): labour cost of one theoretical working hour, €."""
        return self.staff_costs / (self.fte * self.theoretical_hours)

    @property
    def ebitda(self) -> float:
        """Current EBITDA: revenue × (1 − variable cost share) − staff − other fixed costs."""
        return self._ebitda(self.revenue)

    def calibrate(self) -> float:
        """K, the value produced by one effective working hour, €/h.

        Returns
        -------
        float
            K = Revenue / (HR × TYW × (1 − AW) × QWL).

        Examples
        --------
        >>> from hrproductivity.hcpf import HCPF
        >>> h = HCPF(fte=400, theoretical_hours=2000, aw=0.15, qwl=0.6, revenue=100e6,
        ...          variable_cost_share=0.5, staff_costs=25e6, other_fixed_costs=0.0)
        >>> round(h.calibrate(), 4)  # 100e6 / 408 000 h
        245.098
        """
        return self.revenue / self.effective_hours

    def revenue_at(self, qwl: float, aw: float | None = None) -> float:
        """Revenue (or value of services) at another QWL and AW, at the calibrated K.

        Parameters
        ----------
        qwl : float
            QWL, 0–1.
        aw : float, optional
            Structural share, 0 ≤ aw < 1; default the current one.

        Returns
        -------
        float
            K × HR × TYW × (1 − aw) × qwl, €.

        Raises
        ------
        ArgumentError
            ``qwl`` or ``aw`` out of range.

        Warns
        -----
        ModelWarning
            A QWL above 0.85, where the source says QWL no longer raises productivity.
        """
        q = _check_qwl("qwl", qwl)
        a = self.aw if aw is None else _check_aw("aw", aw)
        _warn_ceiling([q])
        return self._revenue(q, a)

    def ebitda_at(self, qwl: float, aw: float | None = None) -> float:
        """EBITDA at another QWL and AW.

        Parameters
        ----------
        qwl : float
            QWL, 0–1.
        aw : float, optional
            Structural share, 0 ≤ aw < 1; default the current one.

        Returns
        -------
        float
            revenue_at(qwl, aw) × (1 − variable_cost_share) − staff_costs −
            other_fixed_costs, €. Staff and other fixed costs do not change.

        Raises
        ------
        ArgumentError
            ``qwl`` or ``aw`` out of range.

        Warns
        -----
        ModelWarning
            A QWL above 0.85, where the source says QWL no longer raises productivity.
        """
        q = _check_qwl("qwl", qwl)
        a = self.aw if aw is None else _check_aw("aw", aw)
        _warn_ceiling([q])
        return self._ebitda(self._revenue(q, a))

    def scenario(
        self,
        *,
        qwl: float | Sequence[float] | np.ndarray | None = None,
        aw: float | Sequence[float] | np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Revenue and EBITDA over a grid of QWL and AW values.

        Parameters
        ----------
        qwl : float or sequence of float, optional, keyword-only
            QWL values, 0–1; default the current QWL.
        aw : float or sequence of float, optional, keyword-only
            AW values, 0 ≤ aw < 1; default the current AW.

        Returns
        -------
        DataFrame
            One row per (qwl, aw) pair, qwl varying slowest, with

            - ``qwl``, ``aw``;
            - ``effective_share``: (1 − aw) × qwl;
            - ``other_working_share``: (1 − aw) − (1 − aw) × qwl;
            - ``effective_hours``: HR × TYW × effective_share;
            - ``revenue``: K × effective_hours, €;
            - ``ebitda``: revenue × (1 − v) − staff costs − other fixed costs, €;
            - ``delta_revenue``, ``delta_ebitda``: change from the current, €.

        Raises
        ------
        ArgumentError
            A value out of range.

        Warns
        -----
        ModelWarning
            A QWL above 0.85, where the source says QWL no longer raises productivity.

        Examples
        --------
        >>> from hrproductivity.hcpf import HCPF
        >>> h = HCPF(fte=400, theoretical_hours=2000, aw=0.15, qwl=0.6, revenue=100e6,
        ...          variable_cost_share=0.5, staff_costs=25e6, other_fixed_costs=15e6)
        >>> h.scenario(qwl=[0.6, 0.65], aw=[0.15, 0.10])["delta_ebitda"].round().tolist()
        [0.0, 2941176.0, 4166667.0, 7352941.0]
        """
        qs = _grid("qwl", self.qwl if qwl is None else qwl)
        aws = _grid("aw", self.aw if aw is None else aw)
        for q in qs:
            _check_qwl("qwl", q)
        for a in aws:
            _check_aw("aw", a)
        _warn_ceiling(qs)
        q_grid, a_grid = (g.ravel() for g in np.meshgrid(qs, aws, indexing="ij"))
        out = pd.DataFrame({"qwl": q_grid, "aw": a_grid})
        out["effective_share"] = (1.0 - out["aw"]) * out["qwl"]
        out["other_working_share"] = (1.0 - out["aw"]) - out["effective_share"]
        out["effective_hours"] = self.fte * self.theoretical_hours * out["effective_share"]
        out["revenue"] = self.calibrate() * out["effective_hours"]
        out["ebitda"] = (
            out["revenue"] * (1.0 - self.variable_cost_share)
            - self.staff_costs
            - self.other_fixed_costs
        )
        out["delta_revenue"] = out["revenue"] - self.revenue
        out["delta_ebitda"] = out["ebitda"] - self.ebitda
        return out

    # -- valuations --------------------------------------------------------

    def value_of_qwl_point(
        self, valuation: Valuation | None = None, *, hourly_cost: float | None = None
    ) -> QWLValue:
        """What one QWL percentage point (+0.01) is worth a year, under a named valuation.

        Parameters
        ----------
        valuation : {"market", "public", "wage"}, optional
            Default: "market" for ``sector="market"``, "public" for ``sector="public"``.
        hourly_cost : float, optional, keyword-only
            Labour cost of a paid hour of a hire, for the wage valuation;
            default :attr:`hourly_labour_cost` = staff costs / (HR × TYW). It is
            divided by the effective share (1 − AW) × QWL to price an
            effective hour.

        Returns
        -------
        QWLValue
            Value for the organisation, per FTE and per employee, and the
            valuation's assumptions; ``.summary()`` gives a one-row table.

        Raises
        ------
        UnknownNameError
            Unknown ``valuation``.
        ArgumentError
            Public valuation without anything bought to replace, or a
            purchased-services amount without its hour price.

        Warns
        -----
        ModelWarning
            A QWL above 0.85, where the source says QWL no longer raises productivity.

        Notes
        -----
        ΔH = HR × TYW × (1 − AW) × 0.01 freed effective hours, valued

        - market: ΔH × K × (1 − v) = ΔEBITDA;
        - wage: ΔH × hourly_cost / ((1 − AW) × QWL);
        - public: Σ_i min(remaining ΔH, e_i H_i) × p_i / e_i over what is
          bought (purchased services H = € / price with e = 1; overtime and
          substitutes with e = QWL, the effective share of an hour at work),
          dearest effective hour first; the library's own model.

        Both convert units so that freed *effective* hours are priced per
        effective hour; docs/valuation.md gives the reasoning.

        See the class Notes for how these relate to the published ≈ 500 € per
        employee.

        Examples
        --------
        >>> from hrproductivity.hcpf import HCPF
        >>> h = HCPF(fte=400, theoretical_hours=2000, aw=0.15, qwl=0.6, revenue=100e6,
        ...          variable_cost_share=0.5, staff_costs=25e6, other_fixed_costs=15e6)
        >>> round(h.value_of_qwl_point("market").value_per_fte, 2)
        2083.33
        """
        _warn_ceiling([self.qwl + 0.01])
        return self._value(self.qwl + 0.01, valuation, hourly_cost)

    def potential(
        self,
        target_qwl: float | None = None,
        *,
        valuation: Valuation | None = None,
        hourly_cost: float | None = None,
    ) -> QWLValue:
        """What reaching a target QWL is worth a year.

        Parameters
        ----------
        target_qwl : float, optional
            Target QWL, 0–1. Default: the lower bound of the next interpretation
            band above the current QWL (0.40, 0.65, 0.75; safeinlogplus.fi),
            and 0.85 (where QWL stops raising productivity) from the top band.
        valuation : {"market", "public", "wage"}, optional, keyword-only
            As in :meth:`value_of_qwl_point`.
        hourly_cost : float, optional, keyword-only
            As in :meth:`value_of_qwl_point`.

        Returns
        -------
        QWLValue
            With ``qwl_to`` the target. Market and wage values are linear in
            the change; the public value is capped by what is bought.

        Raises
        ------
        ArgumentError
            Target out of range; no default target at QWL ≥ 0.85; a fall of
            QWL under the public valuation (it values freed hours only).

        Warns
        -----
        ModelWarning
            A QWL above 0.85, where the source says QWL no longer raises productivity.

        Examples
        --------
        >>> from hrproductivity.hcpf import HCPF
        >>> h = HCPF(fte=400, theoretical_hours=2000, aw=0.15, qwl=0.6, revenue=100e6,
        ...          variable_cost_share=0.5, staff_costs=25e6, other_fixed_costs=15e6)
        >>> p = h.potential()  # next band starts at 0.65
        >>> p.qwl_to, round(p.value_eur)
        (0.65, 4166667)
        """
        if target_qwl is None:
            if self.qwl >= QWL_PRODUCTIVITY_CEILING:
                raise ArgumentError(
                    f"qwl is {self.qwl:g}, at or above {QWL_PRODUCTIVITY_CEILING:g} where it no "
                    "longer raises productivity; pass target_qwl explicitly"
                )
            lower_bounds = [band[0] for band in QWL_BANDS]
            above = [b for b in (*lower_bounds, QWL_PRODUCTIVITY_CEILING) if b > self.qwl]
            target = above[0]
        else:
            target = _check_qwl("target_qwl", target_qwl)
        _warn_ceiling([target])
        return self._value(target, valuation, hourly_cost)

    # -- internals ---------------------------------------------------------

    def _revenue(self, qwl: float, aw: float) -> float:
        return self.calibrate() * self.fte * self.theoretical_hours * (1.0 - aw) * qwl

    def _ebitda(self, revenue: float) -> float:
        return (
            revenue * (1.0 - self.variable_cost_share) - self.staff_costs - self.other_fixed_costs
        )

    def _value(self, target: float, valuation: str | None, hourly_cost: float | None) -> QWLValue:
        name = valuation if valuation is not None else self.sector
        if name not in _VALUATIONS:
            raise UnknownNameError("valuation", name, list(_VALUATIONS))
        gained = self.fte * self.theoretical_hours * (1.0 - self.aw) * (target - self.qwl)
        if name == "market":
            price = self.calibrate() * (1.0 - self.variable_cost_share)
            valued, value = gained, gained * price
            notes: tuple[str, ...] = (
                f"freed effective hours produce output sold at K = {self.calibrate():.2f} €/h",
                f"value = extra revenue net of variable costs "
                f"({self.variable_cost_share:.0%} of revenue) = change in EBITDA",
                "staff costs and other fixed costs unchanged",
            )
        elif name == "wage":
            if hourly_cost is None:
                price = self.hourly_labour_cost
                source = "staff costs / (FTE × TYW)"
            else:
                price = check_number("hourly_cost", hourly_cost, what="€ an hour")
                source = "given hourly_cost"
            per_effective = price / self.effective_share
            valued, value = gained, gained * per_effective
            notes = (
                f"freed effective hours valued at what hiring them costs: "
                f"{price:.2f} € per paid hour ({source}) / effective share "
                f"{self.effective_share:.3f} = {per_effective:.2f} € per effective hour",
            )
        else:
            valued, value, notes = self._public_value(gained)
        return QWLValue(
            valuation=name,
            qwl_from=self.qwl,
            qwl_to=target,
            effective_hours_gained=gained,
            valued_hours=valued,
            value_eur=value,
            fte=self.fte,
            headcount=self.headcount,
            assumptions=notes,
        )

    def _public_value(self, gained: float) -> tuple[float, float, tuple[str, ...]]:
        if gained < 0:
            raise ArgumentError(
                "the public valuation values freed hours only; for a fall of QWL "
                "(target_qwl below qwl) use valuation='wage' or 'market'"
            )
        # (what, hours bought, price per hour bought, effective hours per hour bought)
        bought: list[tuple[str, float, float, float]] = []
        if self.purchased_services_eur is not None:
            if self.purchased_service_hour_price is None:
                raise ArgumentError(
                    "purchased_service_hour_price (€ per hour bought, > 0) is needed to "
                    "value purchased_services_eur in the public valuation"
                )
            price = self.purchased_service_hour_price
            bought.append(("purchased services", self.purchased_services_eur / price, price, 1.0))
        if self.overtime_hours is not None:
            overtime_price = self.overtime_hour_price
            if overtime_price is None:
                overtime_price = (1.0 + OVERTIME_PREMIUM) * self.hourly_labour_cost
                what = f"overtime (assumed price {1.0 + OVERTIME_PREMIUM:g} × labour cost)"
            else:
                what = "overtime"
            bought.append((what, self.overtime_hours, overtime_price, self.qwl))
        if self.substitute_hours is not None:
            substitute_price = self.substitute_hour_price
            if substitute_price is None:
                substitute_price = self.hourly_labour_cost
                what = "substitutes (assumed price = labour cost of an hour)"
            else:
                what = "substitutes"
            bought.append((what, self.substitute_hours, substitute_price, self.qwl))
        if not bought:
            raise ArgumentError(
                "the public valuation needs what is bought: purchased_services_eur (with "
                "purchased_service_hour_price), overtime_hours or substitute_hours"
            )
        remaining, value = gained, 0.0
        notes = [
            "library's own model, not Kesti's public-sector equation: freed effective hours "
            "replace what is bought, dearest effective hour first, up to what is bought; "
            f"an hour of overtime or substitute work delivers QWL = {self.qwl:.2f} effective "
            "hours, a purchased service hour one"
        ]
        for what, hours, price, share in sorted(bought, key=lambda b: -b[2] / b[3]):
            used = min(remaining, hours * share)
            remaining -= used
            value += used * price / share
            notes.append(
                f"{what}: {used / share:.0f} of {hours:.0f} h replaced "
                f"({used:.0f} effective h) at {price:.2f} €/h"
            )
        if remaining > 0:
            notes.append(f"{remaining:.0f} h exceed what is bought and have no cash value")
        return gained - remaining, value, tuple(notes)


# ---------------------------------------------------------------------------
# helpers


def _check_aw(name: str, value: float) -> float:
    return check_number(
        name, value, high=1.0, high_open=True, what="a share of theoretical working time"
    )


def _check_qwl(name: str, value: float, *, allow_zero: bool = True) -> float:
    return check_number(
        name,
        value,
        high=1.0,
        low_open=not allow_zero,
        what="the QWL index as a share; 60 % is 0.60",
    )


def _grid(name: str, values: float | Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype="float64"))
    if arr.ndim != 1 or arr.size == 0:
        raise ArgumentError(f"{name} must be a number or a non-empty 1-D sequence of numbers")
    return arr


def _warn_ceiling(values: Sequence[float] | np.ndarray) -> None:
    top = float(np.max(values))
    if top > QWL_PRODUCTIVITY_CEILING:
        warnings.warn(
            f"qwl {top:g} is above {QWL_PRODUCTIVITY_CEILING:g}: the source states that QWL above "
            "0.85 no longer raises productivity, so the linear HCPF overstates the gain",
            ModelWarning,
            stacklevel=3,
        )


def _select(
    table: pd.DataFrame, kind: str, *, org: str, period: str, unit: str | None
) -> pd.DataFrame:
    """Rows of ``table`` for org, period (and unit); UnknownNameError listing what exists."""
    missing = [c for c in ("org", "period") if c not in table.columns]
    if unit is not None and "unit" not in table.columns:
        missing.append("unit")
    check_columns(table, kind, columns=missing)
    rows = table[table["org"] == org]
    if rows.empty:
        raise UnknownNameError(f"org in the {kind} table", org, _known(table["org"]))
    known_periods = _known(rows["period"].astype("str"))
    rows = rows[rows["period"].astype("str") == str(period)]
    if rows.empty:
        raise UnknownNameError(f"period of org {org!r} in the {kind} table", period, known_periods)
    if unit is not None:
        known_units = _known(rows["unit"])
        rows = rows[rows["unit"] == unit]
        if rows.empty:
            raise UnknownNameError(f"unit of org {org!r} in the {kind} table", unit, known_units)
    return rows


def _known(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values.dropna().unique()})


def _need_values(rows: pd.DataFrame, kind: str, columns: Sequence[str]) -> None:
    check_columns(rows, kind, columns=list(columns))
    problems = [
        Problem(kind, None, c, "has missing values in the selected rows")
        for c in columns
        if c in rows.columns and bool(rows[c].isna().any())
    ]
    if problems:
        raise DataValidationError(problems)
