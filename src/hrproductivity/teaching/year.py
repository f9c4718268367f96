"""Notebook 01, *why well-being pays*: one unit's working year through the human capital
production function (HCPF).

The example unit (:class:`TeachingUnit`, its figures teaching assumptions) goes from
theoretical working time to time at work, effective time and other working time, and
then to euros (:func:`unit_year`). :func:`year_table`, :func:`plot_year`,
:func:`plot_point_value` and :func:`show_year` present the year; :func:`year_explorer`
redraws it live with sliders.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from hrproductivity._checks import check_number, check_share
from hrproductivity.costs import (
    ABSENCE_COST_PER_DAY,
    DEFAULT_HOLIDAYS_SHARE,
    DEFAULT_HOURS_PER_DAY,
    DEFAULT_THEORETICAL_HOURS,
    absence_cost,
)
from hrproductivity.errors import ArgumentError, ModelWarning
from hrproductivity.hcpf import HCPF, QWL_PRODUCTIVITY_CEILING, QWLValue
from hrproductivity.locales import fmt_eur, fmt_number, fmt_pct
from hrproductivity.plots import axes
from hrproductivity.scoring import qwl_index
from hrproductivity.teaching._common import (
    _COLOURS,
    _FACTORS,
    START_SICK_DAYS,
    _band,
    _check_lang,
    _days,
    _display,
    _h,
    _tidy,
    show,
    text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "TeachingUnit",
    "UnitYear",
    "YearExplorer",
    "assumptions_table",
    "plot_point_value",
    "plot_year",
    "qwl_of",
    "show_year",
    "unit_year",
    "year_explorer",
    "year_table",
]


# =========================================================================== the unit


@dataclass(frozen=True, kw_only=True)
class TeachingUnit:
    """The example unit of the teaching notebooks: its staff, time use and accounts.

    Every default is a **teaching assumption** for a municipal home-care team, most of
    them the defaults of the library's synthetic model (:class:`hrproductivity.synthetic.
    Effects`); replace them with the unit's own figures.

    Parameters
    ----------
    name_fi, name_en : str
        The unit's name in Finnish and English, as it reads inside a sentence.
    fte : float, default 20
        Personnel in full-time equivalents (HR of the HCPF).
    theoretical_hours : float, default 1 850
        TYW per FTE (the Finnish statement of the HCPF).
    hours_per_day : float, default 7.5
        Hours in a working day (assumption; KVTES has 7.65).
    holidays_share : float, default 0.10
        Holidays as a share of TYW (the library's default, an assumption).
    other_absence_days, training_days : float, default 8 and 3
        Other absence (family leave …) and regular training days per FTE a year
        (``synthetic.Effects``).
    k_eur_per_hour : float, default 95
        K, the value of services produced by one effective hour, €
        (``synthetic.Effects.k_eur_per_hour``: about the full cost of a municipal FTE).
        In practice K is calibrated from the accounts (:meth:`HCPF.calibrate`).
    labour_cost_per_fte : float, default 50 000
        Staff costs per FTE including side costs, € (``synthetic.Effects``).
    variable_cost_share : float, default 0.10
        Variable costs (supplies, travel) as a share of the value of services.
    other_fixed_costs_per_fte : float, default 15 000
        Other fixed costs (premises, vehicles, administration) per FTE, €.
    purchased_services_per_fte : float, default 3 000
        Purchased services (agency staff, outsourced visits) per FTE a year, €.
    purchased_service_hour_price : float, default 60
        € per purchased hour (the research notebook's assumption).
    overtime_hours_per_fte : float, default 12
        Overtime hours per FTE a year (``synthetic.Effects``); priced at 1.5 × the
        labour cost of an hour by the HCPF (Working Hours Act, +50 %).
    cost_per_sick_day : float, default 350
        € per sickness-absence day (EK rule of thumb).

    Examples
    --------
    >>> unit = TeachingUnit()
    >>> round(unit.aw(15.0), 4)  # 0.10 + (15 + 8 + 3) × 7.5 / 1 850
    0.2054
    >>> round(unit.hourly_labour_cost, 2)  # 50 000 / 1 850
    27.03
    """

    name_fi: str = "kotihoidon tiimi"
    name_en: str = "home-care team"
    fte: float = 20.0
    theoretical_hours: float = DEFAULT_THEORETICAL_HOURS
    hours_per_day: float = DEFAULT_HOURS_PER_DAY
    holidays_share: float = DEFAULT_HOLIDAYS_SHARE
    other_absence_days: float = 8.0
    training_days: float = 3.0
    k_eur_per_hour: float = 95.0
    labour_cost_per_fte: float = 50_000.0
    variable_cost_share: float = 0.10
    other_fixed_costs_per_fte: float = 15_000.0
    purchased_services_per_fte: float = 3_000.0
    purchased_service_hour_price: float = 60.0
    overtime_hours_per_fte: float = 12.0
    cost_per_sick_day: float = ABSENCE_COST_PER_DAY

    def __post_init__(self) -> None:
        check_number("fte", self.fte, low_open=True, what="person-years")
        check_number("theoretical_hours", self.theoretical_hours, low_open=True, high=8784)
        check_number("hours_per_day", self.hours_per_day, low_open=True, high=24)
        check_share("holidays_share", self.holidays_share)
        check_share("variable_cost_share", self.variable_cost_share)
        for name in (
            "other_absence_days",
            "training_days",
            "k_eur_per_hour",
            "labour_cost_per_fte",
            "other_fixed_costs_per_fte",
            "purchased_services_per_fte",
            "overtime_hours_per_fte",
            "cost_per_sick_day",
        ):
            check_number(name, getattr(self, name))
        check_number(
            "purchased_service_hour_price", self.purchased_service_hour_price, low_open=True
        )

    def name(self, lang: str = "fi") -> str:
        """The unit's name in ``lang``."""
        _check_lang(lang)
        return self.name_fi if lang == "fi" else self.name_en

    @property
    def hourly_labour_cost(self) -> float:
        """Labour cost of one theoretical hour, €: labour_cost_per_fte / theoretical_hours."""
        return self.labour_cost_per_fte / self.theoretical_hours

    def time_shares(
        self, sick_days_per_fte: float, action_hours_per_fte: float = 0.0
    ) -> dict[str, float]:
        """The parts of structural time use AW, each a share of theoretical time.

        Parameters
        ----------
        sick_days_per_fte : float
            Sickness-absence working days per FTE a year.
        action_hours_per_fte : float, default 0
            Hours per FTE spent on leadership actions (talks, planning, workshops,
            training courses): HR practices, part of AW (docs/hcpf.md, "Structural time (AW)").

        Returns
        -------
        dict
            ``holidays``, ``sickness``, ``other_absence``, ``training`` and
            ``orientation`` (the action hours), as the keyword arguments of
            :meth:`HCPF.from_components`.
        """
        sick = check_number("sick_days_per_fte", sick_days_per_fte, what="days")
        extra = check_number("action_hours_per_fte", action_hours_per_fte, what="hours")
        per_day = self.hours_per_day / self.theoretical_hours
        return {
            "holidays": self.holidays_share,
            "sickness": sick * per_day,
            "other_absence": self.other_absence_days * per_day,
            "training": self.training_days * per_day,
            "orientation": extra / self.theoretical_hours,
        }

    def aw(self, sick_days_per_fte: float, action_hours_per_fte: float = 0.0) -> float:
        """Structural time use AW: the sum of :meth:`time_shares`."""
        return float(sum(self.time_shares(sick_days_per_fte, action_hours_per_fte).values()))

    def hcpf(
        self, qwl: float, *, sick_days_per_fte: float, action_hours_per_fte: float = 0.0
    ) -> HCPF:
        """The unit's human capital production function at a QWL and a level of absence.

        The value of services is set to K × effective hours, so that
        :meth:`HCPF.calibrate` gives back ``k_eur_per_hour``.

        Parameters
        ----------
        qwl : float
            QWL index as a share, 0 < qwl ≤ 1.
        sick_days_per_fte, action_hours_per_fte : float
            As in :meth:`time_shares`.

        Returns
        -------
        HCPF
            ``sector="public"``, with the unit's purchased services and overtime for the
            public valuation.
        """
        parts = self.time_shares(sick_days_per_fte, action_hours_per_fte)
        at_work = 1.0 - sum(parts.values())
        if at_work <= 0:
            raise ArgumentError(
                "structural time use (holidays, absence, training and action hours) "
                f"must be below the theoretical working time; it is {1 - at_work:.0%} of it"
            )
        revenue = self.k_eur_per_hour * self.fte * self.theoretical_hours * at_work * qwl
        return HCPF.from_components(
            **parts,
            fte=self.fte,
            qwl=qwl,
            revenue=revenue,
            variable_cost_share=self.variable_cost_share,
            staff_costs=self.fte * self.labour_cost_per_fte,
            other_fixed_costs=self.fte * self.other_fixed_costs_per_fte,
            theoretical_hours=self.theoretical_hours,
            sector="public",
            purchased_services_eur=self.fte * self.purchased_services_per_fte,
            purchased_service_hour_price=self.purchased_service_hour_price,
            overtime_hours=self.fte * self.overtime_hours_per_fte,
        )


def assumptions_table(unit: TeachingUnit | None = None, *, lang: str = "fi") -> pd.DataFrame:
    """The example unit's assumptions with their sources, for display.

    Parameters
    ----------
    unit : TeachingUnit, optional
        Default :class:`TeachingUnit`.
    lang : {"fi", "en"}, default "fi"

    Returns
    -------
    DataFrame
        Index: the assumption; columns: its value and its source or basis (strings).
    """
    _check_lang(lang)
    u = unit or TeachingUnit()
    fi = lang == "fi"
    eur = lambda x, d=0: fmt_eur(x, lang=lang, decimals=d)  # noqa: E731
    num = lambda x, d=1: fmt_number(x, lang=lang, decimals=d)  # noqa: E731
    assumption = "opetusoletus" if fi else "teaching assumption"
    synthetic = "kirjaston synteettisen mallin oletus" if fi else "the library's synthetic model"
    rows = [
        (
            "Teoreettinen vuosityöaika" if fi else "Theoretical yearly working time",
            _h(u.theoretical_hours, lang) + (" / htv" if fi else " per FTE"),
            "HCPF:n suomenkielinen esimerkki (Kesti)" if fi else "Finnish HCPF example (Kesti)",
        ),
        (
            "Lomat" if fi else "Holidays",
            fmt_pct(u.holidays_share, lang=lang, decimals=0)
            + (" teoreettisesta työajasta" if fi else " of theoretical time"),
            (
                "kirjaston oletus (25 lomapäivää noin 247 työpäivästä)"
                if fi
                else "library default (25 of about 247 working days)"
            ),
        ),
        (
            "Muut poissaolot ja koulutus" if fi else "Other absence and training",
            f"{num(u.other_absence_days, 0)} + {num(u.training_days, 0)} "
            + ("päivää / htv" if fi else "days per FTE"),
            synthetic,
        ),
        ("Työpäivän pituus" if fi else "Working day", f"{num(u.hours_per_day)} h", assumption),
        (
            "Tehollisen työtunnin arvo K" if fi else "Value of an effective hour K",
            eur(u.k_eur_per_hour),
            (
                f"{synthetic}; käytännössä K lasketaan tilinpäätöksestä"
                if fi
                else f"{synthetic}; in practice K is calibrated from the accounts"
            ),
        ),
        (
            "Henkilöstökulut" if fi else "Staff costs",
            eur(u.labour_cost_per_fte) + (" / htv" if fi else " per FTE"),
            synthetic,
        ),
        (
            "Ostopalvelut" if fi else "Purchased services",
            eur(u.purchased_services_per_fte)
            + (" / htv, tunti " if fi else " per FTE, an hour at ")
            + eur(u.purchased_service_hour_price),
            assumption,
        ),
        (
            "Ylityöt" if fi else "Overtime",
            f"{num(u.overtime_hours_per_fte, 0)} h" + (" / htv" if fi else " per FTE"),
            (
                f"{synthetic}; hinta 1,5 × tunnin työvoimakustannus (työaikalaki)"
                if fi
                else f"{synthetic}; priced at 1.5 × the labour cost (Working Hours Act)"
            ),
        ),
        (
            "Muuttuvat kulut" if fi else "Variable costs",
            fmt_pct(u.variable_cost_share, lang=lang, decimals=0)
            + (" palvelujen arvosta" if fi else " of the value of services"),
            assumption,
        ),
        (
            "Muut kiinteät kulut" if fi else "Other fixed costs",
            eur(u.other_fixed_costs_per_fte) + (" / htv" if fi else " per FTE"),
            assumption,
        ),
        (
            "Sairauspoissaolopäivän hinta" if fi else "Cost of a sick day",
            eur(u.cost_per_sick_day),
            "EK:n nyrkkisääntö" if fi else "EK rule of thumb",
        ),
    ]
    return pd.DataFrame(
        [(v, s) for _, v, s in rows],
        index=pd.Index([a for a, _, _ in rows], name=text("label.assumption", lang=lang)),
        columns=[text("label.value_col", lang=lang), text("label.source", lang=lang)],
    )


def qwl_of(fe: float, yi: float, pl: float, *, method: str = "kesti_approx") -> float:
    """The QWL index (a share) of one set of factor shares, with the library's scorer.

    Parameters
    ----------
    fe, yi, pl : float
        Factor shares, 0-1.
    method : str, default "kesti_approx"
        A registered QWL scorer (:func:`hrproductivity.scoring.qwl_scorers`).

    Returns
    -------
    float
        The index as a share.

    Examples
    --------
    The published anchor: every factor at 75 % gives 61.8 %.

    >>> round(qwl_of(0.75, 0.75, 0.75), 4)
    0.618
    """
    shares = pd.DataFrame(
        {f"{f}_share": [float(v)] for f, v in zip(_FACTORS, (fe, yi, pl), strict=True)}
    )
    return float(qwl_index(shares, method=method).iloc[0])


# =========================================================================== notebook 1


@dataclass(frozen=True)
class UnitYear:
    """One unit's working year through the HCPF: hours, shares and euros.

    Returned by :func:`unit_year`. Hours in :attr:`hours` are per FTE a year; money is
    € a year for the whole unit unless the name says per FTE.

    Attributes
    ----------
    fe, yi, pl : float
        The factor shares.
    sick_days_per_fte : float
        Sickness-absence days per FTE a year.
    unit : TeachingUnit
        The unit (its FTE and accounts).
    hcpf : HCPF
        The unit's production function at this QWL and absence.
    public, wage : QWLValue
        What one QWL point (+0.01) is worth in the public and the wage valuation.
    """

    fe: float
    yi: float
    pl: float
    sick_days_per_fte: float
    unit: TeachingUnit
    hcpf: HCPF
    public: QWLValue
    wage: QWLValue

    @property
    def qwl(self) -> float:
        """The QWL index (kesti_approx) as a share."""
        return self.hcpf.qwl

    @property
    def aw(self) -> float:
        """Structural time use as a share of theoretical time."""
        return self.hcpf.aw

    @property
    def at_work_share(self) -> float:
        """1 − AW."""
        return 1.0 - self.hcpf.aw

    @property
    def effective_share(self) -> float:
        """(1 − AW) × QWL."""
        return self.hcpf.effective_share

    @property
    def other_working_share(self) -> float:
        """(1 − AW) − (1 − AW) × QWL."""
        return self.hcpf.other_working_share

    @property
    def above_ceiling(self) -> bool:
        """True when the point valued lies above 85 %, where QWL stops raising productivity."""
        return self.qwl + 0.01 > QWL_PRODUCTIVITY_CEILING

    @property
    def hours(self) -> dict[str, float]:
        """Hours per FTE a year: ``theoretical``, ``holidays``, ``sickness``,
        ``other_absence``, ``training``, ``structural``, ``at_work``, ``other_work``,
        ``effective``."""
        tyw = self.unit.theoretical_hours
        parts = self.unit.time_shares(self.sick_days_per_fte)
        out = {"theoretical": tyw}
        out.update({k: tyw * parts[k] for k in ("holidays", "sickness", "other_absence")})
        out["training"] = tyw * parts["training"]
        out["structural"] = tyw * self.aw
        out["at_work"] = tyw * self.at_work_share
        out["other_work"] = tyw * self.other_working_share
        out["effective"] = tyw * self.effective_share
        return out

    @property
    def effective_hours(self) -> float:
        """Effective hours a year of the whole unit: FTE × TYW × (1 − AW) × QWL."""
        return self.hcpf.effective_hours

    @property
    def value_eur(self) -> float:
        """Value of the unit's effective time a year: K × effective hours, €."""
        return self.hcpf.revenue

    @property
    def absence_cost_eur(self) -> float:
        """Sick days × FTE × cost per sick day (EK 350 €), € a year."""
        days = self.sick_days_per_fte * self.unit.fte
        return float(absence_cost(days, cost_per_day=self.unit.cost_per_sick_day))

    def band(self, lang: str = "fi") -> str:
        """The interpretation band of the index as printed (one decimal)."""
        return _band(self.qwl, lang)

    def text_values(self, lang: str = "fi") -> dict[str, str]:
        """Formatted values for the placeholders of the ``year.*`` texts."""
        _check_lang(lang)
        h = self.hours
        fte = self.unit.fte
        eur = lambda x: fmt_eur(x, lang=lang)  # noqa: E731
        return {
            "unit": self.unit.name(lang),
            "fte": fmt_number(fte, lang=lang, decimals=1 if fte % 1 else 0),
            "tyw": fmt_number(h["theoretical"], lang=lang, decimals=0),
            "tyw_unit": fmt_number(h["theoretical"] * fte, lang=lang, decimals=0),
            "holidays": _h(h["holidays"], lang),
            "sickness": _h(h["sickness"], lang),
            "sick_days": _days(self.sick_days_per_fte, lang),
            "other_absence": _h(h["other_absence"], lang),
            "training": _h(h["training"], lang),
            "at_work": _h(h["at_work"], lang),
            "at_work_pct": fmt_pct(self.at_work_share, lang=lang),
            "qwl": fmt_pct(self.qwl, lang=lang),
            "band": self.band(lang),
            "effective": _h(h["effective"], lang),
            "effective_pct": fmt_pct(self.effective_share, lang=lang),
            "effective_unit": fmt_number(self.effective_hours, lang=lang, decimals=0),
            "other_work": _h(h["other_work"], lang),
            "other_pct": fmt_pct(self.other_working_share, lang=lang),
            "k": fmt_eur(self.hcpf.calibrate(), lang=lang),
            "value": eur(self.value_eur),
            "value_fte": eur(self.value_eur / fte),
            "point_hours": fmt_number(self.public.effective_hours_gained, lang=lang, decimals=0),
            "public": eur(self.public.value_eur),
            "public_fte": eur(self.public.value_per_fte),
            "wage": eur(self.wage.value_eur),
            "wage_fte": eur(self.wage.value_per_fte),
            "hourly": fmt_eur(self.hcpf.hourly_labour_cost, lang=lang, decimals=2),
            "hourly_effective": fmt_eur(
                self.hcpf.hourly_labour_cost / self.effective_share, lang=lang, decimals=2
            ),
            "absence_cost": eur(self.absence_cost_eur),
        }


def unit_year(
    fe: float,
    yi: float,
    pl: float,
    *,
    sick_days_per_fte: float = START_SICK_DAYS,
    unit: TeachingUnit | None = None,
) -> UnitYear:
    """One unit's working year: from the factor shares to hours and euros.

    Parameters
    ----------
    fe, yi, pl : float
        The unit's FE, YI and PL factor shares, 0-1.
    sick_days_per_fte : float, keyword-only, default 15
        Sickness-absence days per FTE a year.
    unit : TeachingUnit, optional, keyword-only
        The unit; default :class:`TeachingUnit`.

    Returns
    -------
    UnitYear
        With the HCPF and the value of one QWL point in the public and wage valuations.

    Raises
    ------
    ArgumentError
        A share outside 0-1 or negative days.

    Notes
    -----
    QWL = kesti_approx(FE, YI, PL), the library's approximation calibrated to the
    published anchor 75/75/75 → 61.8 % (the index of one set of factor levels; a
    report averages the respondents' indices, which is a little lower for the same
    mean factors because the index is convex). AW = holidays + (sick + other absence
    + training days) × hours per day / TYW. Effective share = (1 − AW) × QWL, other
    working share = (1 − AW) − (1 − AW) × QWL (Kesti & Syväjärvi 2015). One QWL point
    frees ΔH = FTE × TYW × (1 − AW) × 0.01 hours, valued by
    :meth:`HCPF.value_of_qwl_point`; above 0.85 the library's ModelWarning is caught
    and :attr:`UnitYear.above_ceiling` is set instead.

    Examples
    --------
    The published anchor with 15 sick days: AW = 0.10 + 26 × 7.5 / 1 850 = 0.2054, so
    the effective share is (1 − 0.2054) × 0.618 = 0.4911 and one point frees
    20 × 1 850 × 0.7946 × 0.01 = 294 effective hours. Hiring them costs
    294 / 0.4911 × 27.03 € = 16 181 € (a paid hour at 27.03 € holds 0.4911
    effective hours; docs/valuation.md):

    >>> y = unit_year(0.75, 0.75, 0.75, sick_days_per_fte=15.0)
    >>> round(y.qwl, 4), round(y.aw, 4), round(y.effective_share, 4)
    (0.618, 0.2054, 0.4911)
    >>> round(y.public.effective_hours_gained), round(y.wage.value_eur)
    (294, 16181)
    """
    shares = [
        check_share(name, v) for name, v in zip(("fe", "yi", "pl"), (fe, yi, pl), strict=True)
    ]
    sick = check_number("sick_days_per_fte", sick_days_per_fte, what="days")
    u = unit or TeachingUnit()
    qwl = qwl_of(*shares)
    h = u.hcpf(qwl, sick_days_per_fte=sick)
    with warnings.catch_warnings():
        # Flagged by UnitYear.above_ceiling and said in the text instead.
        warnings.simplefilter("ignore", ModelWarning)
        public = h.value_of_qwl_point("public")
        wage = h.value_of_qwl_point("wage")
    return UnitYear(shares[0], shares[1], shares[2], sick, u, h, public, wage)


def year_table(year: UnitYear, *, lang: str = "fi") -> pd.DataFrame:
    """The working year as a two-column table (per FTE, whole unit), formatted for display.

    Parameters
    ----------
    year : UnitYear
    lang : {"fi", "en"}, default "fi"

    Returns
    -------
    DataFrame
        Rows: theoretical time, structural time (and sickness in it), time at work,
        other working time, effective time, the index and its band, the value of
        effective time, one QWL point (hours freed, public and wage valuation) and the
        cost of sickness absence. Strings in the language's number format.
    """
    _check_lang(lang)
    h = year.hours
    fte = year.unit.fte
    t = lambda key: text(f"label.{key}", lang=lang)  # noqa: E731

    def hours(key: str, share: float | None = None) -> list[str]:
        suffix = f" ({fmt_pct(share, lang=lang)})" if share is not None else ""
        return [_h(h[key], lang) + suffix, _h(h[key] * fte, lang)]

    def money(total: float) -> list[str]:
        return [fmt_eur(total / fte, lang=lang), fmt_eur(total, lang=lang)]

    qwl = f"{fmt_pct(year.qwl, lang=lang)} ({year.band(lang)})"
    rows = {
        t("theoretical"): hours("theoretical", 1.0),
        t("structural"): hours("structural", year.aw),
        "  " + t("sickness"): hours("sickness"),
        t("at_work"): hours("at_work", year.at_work_share),
        t("other_work"): hours("other_work", year.other_working_share),
        t("effective"): hours("effective", year.effective_share),
        t("qwl"): [qwl, qwl],
        t("value"): money(year.value_eur),
        t("point_hours"): [
            _h(year.public.effective_hours_gained / fte, lang),
            _h(year.public.effective_hours_gained, lang),
        ],
        t("point_public"): money(year.public.value_eur),
        t("point_wage"): money(year.wage.value_eur),
        t("absence_cost"): money(year.absence_cost_eur),
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=[t("per_fte"), t("whole_unit")])


def plot_year(year: UnitYear, *, lang: str = "fi", ax: Axes | None = None) -> Axes:
    """The working year per FTE as a waterfall: theoretical time → time at work →
    effective time, with what falls away at each step.

    Parameters
    ----------
    year : UnitYear
    lang : {"fi", "en"}, default "fi"
    ax : Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    Axes
    """
    _check_lang(lang)
    ax = axes(ax, (8.0, 4.2))
    h = year.hours
    tyw = h["theoretical"]
    steps: list[tuple[str, float, float, str]] = [("theoretical", 0.0, tyw, "total")]
    level = tyw
    for key in ("holidays", "sickness", "other_absence", "training"):
        steps.append((key, level - h[key], h[key], "structural"))
        level -= h[key]
    steps.append(("at_work", 0.0, h["at_work"], "total"))
    steps.append(("other_work", h["effective"], h["other_work"], "other"))
    steps.append(("effective", 0.0, h["effective"], "effective"))
    n = len(steps)
    for i, (_key, left, width, kind) in enumerate(steps):
        y = n - 1 - i
        ax.barh(y, width, left=left, color=_COLOURS[kind], edgecolor="white", height=0.65)
        if kind in ("total", "effective"):
            label = f"{_h(width, lang)} · {fmt_pct(width / tyw, lang=lang)}"
        else:
            label = f"\u2212{_h(width, lang)}"
        ax.text(left + width + tyw * 0.01, y, label, va="center", fontsize=8)
    ax.set_yticks(range(n))
    ax.set_yticklabels([text(f"label.{s[0]}", lang=lang) for s in steps][::-1], fontsize=9)
    ax.set_xlim(0, tyw * 1.3)
    ticks = [t for t in ax.get_xticks() if 0 <= t <= tyw * 1.3]
    ax.set_xticks(ticks)
    ax.set_xticklabels([fmt_number(t, lang=lang, decimals=0) for t in ticks])
    ax.set_xlabel(text("label.hours_axis", lang=lang))
    title = text("label.year_title", lang=lang, unit=year.unit.name(lang))
    ax.set_title(title[:1].upper() + title[1:], fontsize=10, loc="left")
    _tidy(ax)
    return ax


def plot_point_value(year: UnitYear, *, lang: str = "fi", ax: Axes | None = None) -> Axes:
    """What one QWL point is worth per FTE in the public and the wage valuations, with
    the published rule of thumb (about 500 € per employee a year) as a dashed line.

    Parameters
    ----------
    year : UnitYear
    lang : {"fi", "en"}, default "fi"
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    _check_lang(lang)
    ax = axes(ax, (4.0, 2.4))
    labels = [text("label.point_public", lang=lang), text("label.point_wage", lang=lang)]
    values = [year.public.value_per_fte, year.wage.value_per_fte]
    short = [label.split(", ")[-1] for label in labels]
    ax.barh([1, 0], values, color=[_COLOURS["public"], _COLOURS["wage"]], height=0.6)
    top = max([*values, 500.0])
    for y, v in zip([1, 0], values, strict=True):
        ax.text(v + top * 0.02, y, fmt_eur(v, lang=lang), va="center", fontsize=8)
    ax.axvline(500.0, color="grey", linestyle="--", linewidth=1)
    ax.text(500.0, 1.45, text("label.rule_500", lang=lang), fontsize=7, color="grey", ha="left")
    ax.set_yticks([1, 0])
    ax.set_yticklabels(short, fontsize=9)
    ax.set_xlim(0, top * 1.35)
    ax.set_ylim(-0.5, 1.7)
    ax.set_xlabel(text("label.eur_per_fte", lang=lang))
    ax.set_title(text("label.point_title", lang=lang), fontsize=10, loc="left")
    _tidy(ax)
    return ax


def _year_figure(year: UnitYear, lang: str) -> Figure:
    import matplotlib.pyplot as plt  # the inline backend registers the figure formatter

    fig = plt.figure(figsize=(11.5, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[2.2, 1.0])
    plot_year(year, lang=lang, ax=left)
    plot_point_value(year, lang=lang, ax=right)
    return fig


def show_year(year: UnitYear, *, lang: str = "fi") -> None:
    """Display the static view of notebook 1: the waterfall and the value of a point
    (:func:`plot_year`, :func:`plot_point_value`), the table (:func:`year_table`) and a
    note when the index is above the productivity ceiling.

    Parameters
    ----------
    year : UnitYear
    lang : {"fi", "en"}, keyword-only, default "fi"
    """
    import matplotlib.pyplot as plt

    fig = _year_figure(year, lang)
    _display(fig)
    plt.close(fig)
    _display(year_table(year, lang=lang))
    if year.above_ceiling:
        show("year.ceiling", lang=lang)


class YearExplorer:
    """Sliders for FE, YI, PL, sick days and FTE that redraw the working year live.

    Built by :func:`year_explorer`. Displaying the object displays its widget.

    Attributes
    ----------
    sliders : dict of str to ipywidgets slider
        ``fe``, ``yi``, ``pl`` (0-100 %), ``sick_days`` (per FTE) and ``fte``.
    year : UnitYear
        The year for the sliders' current values; recomputed on every change.
    updates : int
        How many times a slider change recomputed and redrew.
    widget : ipywidgets.Widget
        The sliders and the output area.
    """

    def __init__(
        self,
        *,
        fe: float,
        yi: float,
        pl: float,
        sick_days_per_fte: float,
        unit: TeachingUnit,
        lang: str,
    ) -> None:
        import ipywidgets as widgets

        _check_lang(lang)
        self.lang = lang
        self.unit = unit
        self.year = unit_year(fe, yi, pl, sick_days_per_fte=sick_days_per_fte, unit=unit)
        self.updates = 0
        style = {"description_width": "initial"}
        layout = widgets.Layout(width="340px")

        def percent(name: str, share: float) -> widgets.IntSlider:
            return widgets.IntSlider(
                value=round(100 * share),
                min=0,
                max=100,
                description=f"{name} %",
                continuous_update=False,
                style=style,
                layout=layout,
            )

        self.sliders: dict[str, Any] = {
            "fe": percent("FE", fe),
            "yi": percent("YI", yi),
            "pl": percent("PL", pl),
            "sick_days": widgets.FloatSlider(
                value=sick_days_per_fte,
                min=0.0,
                max=40.0,
                step=0.5,
                description=text("label.sick_days", lang=lang),
                continuous_update=False,
                style=style,
                layout=layout,
            ),
            "fte": widgets.FloatSlider(
                value=unit.fte,
                min=1.0,
                max=200.0,
                step=0.5,
                description=text("label.fte", lang=lang),
                continuous_update=False,
                style=style,
                layout=layout,
            ),
        }
        for slider in self.sliders.values():
            slider.observe(self._changed, names="value")
        self.output = widgets.Output()
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(self.sliders.values())[:3]),
                widgets.HBox(list(self.sliders.values())[3:]),
                self.output,
            ]
        )
        self._render()

    def _changed(self, change: Mapping[str, Any]) -> None:
        s = self.sliders
        unit = replace(self.unit, fte=float(s["fte"].value))
        self.year = unit_year(
            s["fe"].value / 100,
            s["yi"].value / 100,
            s["pl"].value / 100,
            sick_days_per_fte=float(s["sick_days"].value),
            unit=unit,
        )
        self.updates += 1
        self._render()

    def _render(self) -> None:
        from IPython.display import clear_output

        with self.output:
            clear_output(wait=True)
            show_year(self.year, lang=self.lang)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def year_explorer(
    fe: float = 0.75,
    yi: float = 0.75,
    pl: float = 0.75,
    *,
    sick_days_per_fte: float = START_SICK_DAYS,
    unit: TeachingUnit | None = None,
    lang: str = "fi",
) -> YearExplorer:
    """Build the interactive working year of notebook 1 (ipywidgets).

    Parameters
    ----------
    fe, yi, pl : float, default 0.75
        Starting factor shares, 0-1 (the sliders show %).
    sick_days_per_fte : float, keyword-only, default 15
    unit : TeachingUnit, optional, keyword-only
        Its ``fte`` is the starting value of the FTE slider.
    lang : {"fi", "en"}, default "fi"

    Returns
    -------
    YearExplorer
        Its ``year`` follows the sliders; display it to show the widget.
    """
    return YearExplorer(
        fe=fe,
        yi=yi,
        pl=pl,
        sick_days_per_fte=sick_days_per_fte,
        unit=unit or TeachingUnit(),
        lang=lang,
    )
