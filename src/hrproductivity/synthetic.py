r"""Synthetic data with known true effects: a documented generative model.

:func:`generate` simulates every employee of every unit of a set of fictional
organisations over several survey waves, lets a random subset of them answer the
survey, and derives HR and finance tables from each unit's *true* quality of
working life (QWL). Every parameter that matters is a field of :class:`Effects`,
and everything a method should recover is returned in ``Dataset.truth``.
:func:`example_dataset` is the bundled example (five organisations, three waves,
about 1 500 respondents a wave) that docstrings, notebooks and tests use.

The model is hrproductivity's own teaching and testing model. Its QWL map is
*not* Kesti's (commercial, unpublished) index formula, and its public-sector
valuation is not Kesti's public-sector form; see docs/hcpf.md and docs/qwl-index.md.
The true QWL it records is on the scale of the library's default scorer, and the
example is calibrated around the Finnish average: docs/synthetic-data.md.

Generative model
----------------
Indices: organisation :math:`o`, unit :math:`u` (in :math:`o`), wave
:math:`t = 0, 1, \dots`, employee :math:`i` (in :math:`u` at :math:`t`), factor
:math:`f \in \{FE, YI, PL\}`. Defaults of :class:`Effects` are in brackets.

**Structure.** Organisation :math:`o` is a municipality, or a vocational
education consortium when :math:`o \bmod 5 = 4` (so the example has four
municipalities and one consortium). Each organisation draws its number of
units from ``units_per_org`` and picks units from a catalogue of realistic
Finnish unit names (``Kotihoito``, ``Varhaiskasvatus``, ``Tekninen toimi``,
``Ammatillinen opetus`` …) with a division (``parent``), a ``sector`` (sote,
sivistys, tekninen, hallinto, koulutus), a relative size and an output measure.
Unit headcount :math:`n_{ut}` is the unit's size times a common scale chosen so
that the *expected* number of respondents a wave is ``respondents_per_wave``,
times a lognormal unit factor (sd 0.35), times a small wave jitter (sd 0.05);
at least 8 employees. A share ``small_unit_share`` [0.06] of units (at least
one) has only 3–7 employees, so that anonymity rules have something to protect.
Each unit has a response rate :math:`r_u \sim U(0.55, 0.90)`
(``response_rate``) jittered by wave (sd 0.03, kept in range).

**Latent factors.** For employee :math:`i` the three factors are

.. math::

    \eta_{if} = \mu_f + c_{s(u)} + a_{of} + b_{utf} + \delta_t + D_{ut}\,\gamma_f + e_{if},

- :math:`\mu` [FE 0.65, YI 0.55, PL 0.45] (``factor_means``): the factors' levels;
  with the items below they put the population mean of the scored QWL index at
  the Finnish average, about 0.60;
- :math:`c_s` (``sector_shift``) [sote −0.30, sivistys +0.05, tekninen 0,
  hallinto +0.20, koulutus +0.45]: a level of the unit's sector, the same for the
  three factors (social and health care under the heaviest strain, education
  the lightest), so that organisations of different make-up differ: the
  education consortium lands about ten points above the municipalities;
- :math:`a_o \sim N(0, \sigma^2_{org} R)` [0.04], constant over waves;
- :math:`b_{ut} = \rho\, b_{u,t-1} + \sqrt{1-\rho^2}\,\xi_{ut}`,
  :math:`b_{u0}, \xi_{ut} \sim N(0, \sigma^2_{unit} R)` [0.20]: a stationary AR(1)
  drift with persistence :math:`\rho` [0.8] (``unit_persistence``), so units keep
  their character across waves and panels with unit fixed effects make sense;
- :math:`e_i \sim N(0, \sigma^2_{person} R)` [0.76]: a new draw every wave;
- :math:`R`: factor correlations [FE–YI 0.60, FE–PL 0.50, YI–PL 0.65];
- :math:`\delta_t = \text{wave\_trend} \times t` [−0.02 per wave];
- :math:`D_{ut} = 1` for units in the development experiment at and after wave
  ``experiment_start`` [1, the second wave]; :math:`\gamma` [0.15, 0.23, 0.31]
  (``experiment_shift``), which raises the treated units' true QWL by about 4
  points. ``experiment_share`` [0.20] of each organisation's units (rounded) are
  chosen at random for the experiment.

The variance components sum to one, so the latent ICC(1) of units is
:math:`\sigma^2_{org}+\sigma^2_{unit} = 0.24` plus the variance of the sector levels
over the employees (about 0.05 in the example), and the expected ICC(1) of a
factor's mean score is about 0.2 (``truth["variance_components"]``).

**Items.** QWL-15 item :math:`j` of factor :math:`f(j)` has the latent response
:math:`y^*_{ij} = \nu_j + \lambda_j\,\eta_{i f(j)} +
\sqrt{1-\lambda_j^2}\,\varepsilon_{ij}`, loadings :math:`\lambda_j` 0.62–0.80
(``qwl_loadings``), intercepts :math:`\nu_j` −0.45…0.35 (``qwl_intercepts``; the
workload item is the hardest). The answer is 1–5 by the cutpoints
:math:`\tau_k = \Phi^{-1}(\sum_{m\le k} p_m)` of the category shares
:math:`p` [0.04, 0.11, 0.22, 0.40, 0.23] (``qwl_category_shares``), which are the
answer shares of an item with intercept 0 for a person at the latent origin
:math:`\eta = 0`; the factor levels :math:`\mu_f` move every item of factor
:math:`f` up by :math:`\lambda_j\mu_f`. Items are missing completely at random
with probability ``missing_rate`` [0.02].

UWES-9 and WHO-5 (when requested in ``instruments``) share the employee's
latent well-being :math:`z_i = \bar w^\top(\eta_i - \mu)/\mathrm{sd}`, the
standardised mean of the three factors: engagement
:math:`g_i = c_g z_i + \sqrt{1-c_g^2}\,u_i` [:math:`c_g` = 0.70], its three
subdimensions :math:`\sqrt{0.85}\,g_i + \sqrt{0.15}\,v_{ik}`, items with loading
0.80 onto 0–6 with shares [0.02, 0.04, 0.09, 0.17, 0.28, 0.28, 0.12];
WHO-5 well-being :math:`h_i = c_h z_i + \sqrt{1-c_h^2}\,u'_i` [:math:`c_h` = 0.50],
items with loading 0.75 onto 0–5 with shares [0.03, 0.08, 0.15, 0.31, 0.31, 0.12].
Background columns (``role``, ``age_group``, ``tenure_group``, ``gender``; the
share of women depends on the sector) are drawn independently of the factors.
``comment_1`` is filled for ``comment_rate`` [0.15] of respondents with a short
Finnish sentence, critical when :math:`z_i < -0.5`, appreciative when
:math:`z_i > 0.5`, neutral otherwise.

**The truth on the scorer's scale.** A unit's true QWL is what the default
scorer (:func:`~hrproductivity.scoring.kesti_approx`, docs/qwl-index.md) gives, in
expectation, from the answers of its employees. Given :math:`\eta_i` an answer
is category :math:`k` with probability
:math:`\Phi((\tau_k - m_{ij})/s_j) - \Phi((\tau_{k-1} - m_{ij})/s_j)`,
:math:`m_{ij} = \nu_j + \lambda_j\eta_{if(j)}`, :math:`s_j = \sqrt{1-\lambda_j^2}`,
independently over items. The scorer's factor share is the mean of the factor's
answered items rescaled to 0–1, :math:`(\bar x_f - 1)/4`, scored when at least
half of its five items are answered; its exact distribution given
:math:`\eta_{if}` (items missing at random, sums of independent answers) gives
the expected shares :math:`s_{if} = E[\text{share}_f \mid \eta_i]`. The index
:math:`Q = 0.01 + 0.99\,B(1 + \lambda B\,PL)/(1 + \lambda)`,
:math:`B = FE^{2/3} YI^{1/3}`, is affine in PL and the three shares are independent
given :math:`\eta_i`, so the person's expected index

.. math::

    q_i = E[Q \mid \eta_i] = \sum_{a, b} P(FE = a \mid \eta_i)\,P(YI = b \mid \eta_i)\;
          Q(a, b, s_{i,PL})

is exact, evaluated through the scorer itself. The unit's true QWL :math:`Q_{ut}`
is the mean of :math:`q_i` over *all* its employees, respondents or not, and
``true_fe``, ``true_yi``, ``true_pl`` are the means of :math:`s_{if}`. Respondents
are a random subset (``response_bias`` 0), so the scored unit index (the mean of
the respondents' indices, as :func:`~hrproductivity.aggregation.aggregate`
computes it) is an unbiased estimate of :math:`Q_{ut}`: over units its error has
mean 0 and SD about 3 points at the example's sizes (an SE of the mean error of
about 0.25 points over the example's 165 unit-waves). An earlier version
mapped the latent factors to the index through its own curve, which sat about 8
points above what the scorer computes from the same answers. The SD of the units'
true QWL is about 9–10 points. The counterfactual :math:`Q^{0}_{ut}` uses the same
draws without the experiment shift (:math:`D_{ut}=0`).

**HR.** With :math:`\Delta_{ut} = 100\,(Q_{ut} - Q_{ref})`, :math:`Q_{ref}` = 0.60
(``qwl_reference``), sick days per FTE a year are

.. math::

    S_{ut} = S_0 + \text{sector}_s + c_u + \omega_t + \beta_{sick}\,\Delta_{ut},
    \qquad \text{sick\_days} = \mathrm{round}\bigl(\mathrm{FTE}_{ut}\,(S^+_{ut} +
    \mathrm{clip}(\epsilon_{ut}, -S^+_{ut}, S^+_{ut}))\bigr),
    \quad S^+ = \max(S, 0)

with :math:`S_0` = 15 (Keva's municipal average, 14.7 in 2021 and 16.5 in 2022),
sector offsets (sote +3, sivistys +1, tekninen +0.5, hallinto −4, koulutus −2),
:math:`c_u \sim N(0, 2.5^2)`, :math:`\omega_t \sim N(0, 1)`,
:math:`\beta_{sick}` = −0.3 days per QWL percentage point (units in the top
quartile of true QWL then have about 40 % fewer sick days than those in the
bottom quartile; Gallup 2012 reports −37 % absenteeism), and
:math:`\epsilon_{ut} \sim N(0, (2.0\sqrt{20/\mathrm{FTE}})^2)` (small units are
noisier; the symmetric clipping keeps days non-negative and the noise mean zero,
so :math:`E[\text{sick\_days}/\mathrm{FTE}] = S^+_{ut}`, linear in QWL whenever
:math:`S_{ut} > 0`, which fails for under 1 % of unit-years at the defaults).
:math:`S_{ut}` is ``sick_days_per_fte_structural`` in the truth.
FTE is the sum of employees' FTE fractions (1.0, 0.8, 0.6, 0.5 with
probabilities 0.78, 0.10, 0.07, 0.05); ``headcount`` adds about 3 % of staff on
long leave (not invited to the survey). Sick spells are Poisson with mean
sick days / 5 (``sick_spell_days``). Other absence days [8 per FTE] and training
days [3 per FTE times a sector factor] are lognormal around their means
(sd 0.3). Leavers are binomial with
:math:`\mathrm{logit}\,p = \mathrm{logit}(0.08) + \beta_{leave}\Delta_{ut}`,
:math:`\beta_{leave}` = −0.03. Overtime hours per FTE are
:math:`\max(0, 12 + 0.8(S^{obs} - S_0) + N(0, 4^2))`. Staff costs are FTE times
the unit's labour cost per FTE (50 000 € times a sector factor and a unit
factor, growing by ``nominal_growth`` [2.5 %] a wave) plus overtime at 1.5 times
the hourly cost. Purchased services per FTE fall by ``purchased_qwl_slope``
[2 %] for each QWL point above :math:`Q_{ref}` (the library's own assumption
that a public unit buys less when its own staff produce more).

**Finance (HCPF, docs/hcpf.md).** The structural time share is derived from the
HR days,

.. math::

    AW_{ut} = h + (\text{sick} + \text{other} + \text{training})/\mathrm{FTE}
              \times 7.5\,\mathrm{h} / \mathrm{TYW},

with holidays :math:`h` = 0.12 of TYW = 1 850 h (``holidays_share``,
``theoretical_hours``, ``hours_per_day``), and the value of services is

.. math::

    \text{revenue}_{ut} = K_{ut}\,\mathrm{FTE}_{ut}\,\mathrm{TYW}\,(1 - AW_{ut})\,
    Q_{ut}\,\exp(\zeta_{ut}), \qquad \zeta_{ut} \sim N(0, 0.03^2),

with :math:`K_{ut}` = 95 €/h (``k_eur_per_hour``; a value of services about
equal to the full cost of a municipal FTE) times a sector factor, a unit factor
(lognormal, sd 0.10) and nominal growth. Revenue per FTE therefore has the
known true relation :math:`K\,\mathrm{TYW}(1-AW)Q` to QWL, with :math:`AW`
itself falling as QWL rises (through :math:`\beta_{sick}`). Variable costs are a
sector share of revenue; other fixed costs are per FTE; output volume is
revenue divided by the unit's price per output unit. Organisation rows
(``unit`` missing) are the sums over the organisation's units plus unallocated
central costs of 3 % of revenue in ``other_fixed_costs_eur``.

**Experiment truth.** ``truth["experiment"]`` gives the true average effect on
the treated units in the post waves, computed exactly as the mean of
:math:`Q_{ut} - Q^0_{ut}` (same draws), and the implied effect on structural sick
days per FTE (:math:`\beta_{sick} \times 100 \times` that), on realised sick days
and on revenue per FTE (both through the same noise draws).

Random streams are separate for each part of the model, so for one ``seed``
adding an instrument or changing a cost parameter leaves the QWL answers as
they were.

References
----------
Kesti, M., & Syväjärvi, A. (2015). Human capital production function in
strategic management. Technology and Investment, 6, 12–21.
Keva: municipal sickness absence statistics 2021–2022.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from hrproductivity._checks import renamed_argument
from hrproductivity.errors import ArgumentError, DataValidationError
from hrproductivity.instruments import Instrument, load_instrument
from hrproductivity.io import Dataset, time_order
from hrproductivity.scoring import kesti_approx

__all__ = ["EXAMPLE_ORGS", "Effects", "example_dataset", "generate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The five fictional organisations of the bundled example.
EXAMPLE_ORGS: tuple[str, ...] = (
    "Kuusikoski",
    "Pohjala",
    "Revonlahti",
    "Aurinkovaara",
    "Koulutuskuntayhtymä Tuulia",
)

_SUPPORTED_INSTRUMENTS = ("qwl15", "uwes9", "who5")


@dataclass(frozen=True)
class Effects:
    """The true parameters of the generative model (see the module docstring).

    Every field has a default chosen to give realistic Finnish municipal data;
    change one with ``Effects(beta_sick=-0.6)`` or ``dataclasses.replace``.
    ``qwl_weights`` and ``share_scale``, the parameters of the former true-QWL map,
    are still accepted and ignored, with a ``DeprecationWarning``.

    Attributes
    ----------
    factor_means : tuple of 3 float
        Latent levels of FE, YI, PL; with the items they set the population mean
        of the scored QWL index (≈ 0.60).
    sector_shift : tuple of 5 float
        Latent level of each sector (sote, sivistys, tekninen, hallinto,
        koulutus), added to all three factors of the sector's units.
    var_org, var_unit, var_person : float
        Variance components of the latent factors (organisation, unit, person);
        they sum to one so that the item answer shares match the category shares.
    factor_corr : tuple of 3 float
        Correlations FE–YI, FE–PL, YI–PL at every level.
    unit_persistence : float
        AR(1) coefficient of the unit effects from one wave to the next.
    wave_trend : float
        Common latent shift per wave (all factors), in latent SD units.
    qwl_loadings, qwl_intercepts : tuple of 15 float
        Item loadings and intercepts of qwl_01 … qwl_15 on the latent scale.
    qwl_category_shares : tuple of 5 float
        Answer shares 1–5 of an item with intercept 0 at the latent origin.
    uwes_qwl_corr, who5_qwl_corr : float
        Correlation of engagement (UWES-9) and of well-being (WHO-5) with the
        standardised mean QWL factor.
    uwes_loading, who5_loading : float
        Item loadings of UWES-9 and WHO-5.
    uwes_category_shares : tuple of 7 float
        Answer shares 0–6 of a UWES item for an average person.
    who5_category_shares : tuple of 6 float
        Answer shares 0–5 of a WHO-5 item for an average person.
    missing_rate : float
        Probability that an item is unanswered (completely at random).
    comment_rate : float
        Share of respondents who write in ``comment_1``.
    qwl_reference : float
        The QWL level at which sick days equal their base (Finnish average 0.60).
    response_rate : tuple of 2 float
        Range of the units' response rates.
    response_bias : float
        Shift of the logit of the response probability per SD of the person's
        well-being; 0 means respondents are a simple random subset.
    small_unit_share : float
        Share of units with only 3–7 employees.
    experiment_share : float
        Share of each organisation's units in the development experiment; 0
        switches it off.
    experiment_start : int
        Position of the first wave of the experiment in ``waves`` (1 = second).
    experiment_shift : tuple of 3 float
        Latent shift of FE, YI, PL in treated units from ``experiment_start`` on.
    theoretical_hours : float
        TYW, theoretical yearly working hours per FTE.
    hours_per_day : float
        Hours in one working day (converts HR days to hours).
    holidays_share : float
        Holidays as a share of TYW in the structural time AW (the name of
        :func:`~hrproductivity.costs.structural_time_share`'s argument; was
        ``holiday_share``, which still works, with a ``DeprecationWarning``, for
        one release).
    sick_base : float
        Sick days per FTE a year at the reference QWL (Keva ≈ 15).
    beta_sick : float
        Change in sick days per FTE per QWL percentage point.
    sick_unit_sd, sick_wave_sd : float
        SD of the persistent unit effect and of the wave effect on sick days.
    sick_noise_sd : float
        SD of the unit-year noise in sick days per FTE for a unit of 20 FTE
        (scaled by :math:`\\sqrt{20/\\mathrm{FTE}}`).
    sick_spell_days : float
        Mean length of a sick spell in days.
    other_absence_days, training_days : float
        Mean other absence days and training days per FTE a year.
    turnover_base, beta_leave : float
        Yearly leaving probability at the reference QWL and its logit slope
        per QWL percentage point.
    k_eur_per_hour : float
        HCPF K: value of one effective hour (before sector and unit factors).
    k_unit_sd : float
        SD of the unit's log K.
    revenue_noise_sd : float
        SD of the log noise of revenue.
    labour_cost_eur_per_fte : float
        Yearly labour cost of one FTE (before sector and unit factors).
    nominal_growth : float
        Yearly growth of wages and of prices (K, output prices).
    purchased_qwl_slope : float
        Relative fall of purchased services per QWL point above the reference.
    central_overhead_share : float
        Unallocated central costs in the organisation rows, as a share of revenue.
    """

    factor_means: tuple[float, float, float] = (0.65, 0.55, 0.45)
    sector_shift: tuple[float, ...] = (-0.30, 0.05, 0.0, 0.20, 0.45)
    var_org: float = 0.04
    var_unit: float = 0.20
    var_person: float = 0.76
    factor_corr: tuple[float, float, float] = (0.60, 0.50, 0.65)
    unit_persistence: float = 0.8
    wave_trend: float = -0.02
    qwl_loadings: tuple[float, ...] = (
        0.75, 0.62, 0.72, 0.68, 0.70,
        0.72, 0.78, 0.64, 0.70, 0.74,
        0.66, 0.80, 0.74, 0.70, 0.68,
    )  # fmt: skip
    qwl_intercepts: tuple[float, ...] = (
        0.15, -0.45, -0.10, -0.25, 0.20,
        0.30, 0.05, 0.10, 0.25, -0.20,
        0.35, 0.10, -0.30, 0.05, -0.15,
    )  # fmt: skip
    qwl_category_shares: tuple[float, ...] = (0.04, 0.11, 0.22, 0.40, 0.23)
    uwes_qwl_corr: float = 0.70
    uwes_loading: float = 0.80
    uwes_category_shares: tuple[float, ...] = (0.02, 0.04, 0.09, 0.17, 0.28, 0.28, 0.12)
    who5_qwl_corr: float = 0.50
    who5_loading: float = 0.75
    who5_category_shares: tuple[float, ...] = (0.03, 0.08, 0.15, 0.31, 0.31, 0.12)
    missing_rate: float = 0.02
    comment_rate: float = 0.15
    qwl_reference: float = 0.60
    response_rate: tuple[float, float] = (0.55, 0.90)
    response_bias: float = 0.0
    small_unit_share: float = 0.06
    experiment_share: float = 0.20
    experiment_start: int = 1
    experiment_shift: tuple[float, float, float] = (0.15, 0.23, 0.31)
    theoretical_hours: float = 1850.0
    hours_per_day: float = 7.5
    holidays_share: float = 0.12
    sick_base: float = 15.0
    beta_sick: float = -0.3
    sick_unit_sd: float = 2.5
    sick_wave_sd: float = 1.0
    sick_noise_sd: float = 2.0
    sick_spell_days: float = 5.0
    other_absence_days: float = 8.0
    training_days: float = 3.0
    turnover_base: float = 0.08
    beta_leave: float = -0.03
    k_eur_per_hour: float = 95.0
    k_unit_sd: float = 0.10
    revenue_noise_sd: float = 0.03
    labour_cost_eur_per_fte: float = 50_000.0
    nominal_growth: float = 0.025
    purchased_qwl_slope: float = 0.02
    central_overhead_share: float = 0.03

    @property
    def holiday_share(self) -> float:
        """Deprecated name of :attr:`holidays_share`."""
        warnings.warn(
            "Effects.holiday_share is deprecated and will be removed; use holidays_share",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.holidays_share


Effects.__init__ = renamed_argument("holiday_share", "holidays_share")(  # type: ignore[method-assign]
    Effects.__init__
)

#: Fields of the former true-QWL map (factor shares Phi(kappa * eta) combined by a
#: product of powers). The truth is now the expected scored index, which needs neither.
_DROPPED_FIELDS = ("qwl_weights", "share_scale")


def _drop_fields(init: Any) -> Any:
    @functools.wraps(init)
    def wrapper(self: Effects, *args: Any, **kwargs: Any) -> None:
        for name in _DROPPED_FIELDS:
            if name in kwargs:
                kwargs.pop(name)
                warnings.warn(
                    f"Effects({name}=...) is deprecated and ignored: the true QWL is the "
                    "expected index the scorer computes from the answers (see "
                    "hrproductivity.synthetic)",
                    DeprecationWarning,
                    stacklevel=2,
                )
        init(self, *args, **kwargs)

    return wrapper


Effects.__init__ = _drop_fields(Effects.__init__)  # type: ignore[method-assign]


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class _Sector:
    sick: float  # offset of sick days per FTE
    k: float  # factor on K
    wage: float  # factor on labour cost per FTE
    variable_share: float  # variable costs / revenue
    fixed_per_fte: float  # other fixed costs per FTE, €
    purchased_per_fte: float  # purchased services per FTE, €
    women: float  # share of women
    training: float  # factor on training days


_SECTOR_NAMES = ("sote", "sivistys", "tekninen", "hallinto", "koulutus")
_SECTORS: dict[str, _Sector] = {
    "sote": _Sector(3.0, 1.00, 1.00, 0.12, 9_000.0, 6_000.0, 0.88, 1.0),
    "sivistys": _Sector(1.0, 1.00, 0.96, 0.10, 12_000.0, 2_000.0, 0.85, 1.0),
    "tekninen": _Sector(0.5, 0.95, 0.93, 0.25, 15_000.0, 8_000.0, 0.45, 0.7),
    "hallinto": _Sector(-4.0, 1.05, 1.08, 0.05, 8_000.0, 4_000.0, 0.75, 1.2),
    "koulutus": _Sector(-2.0, 1.10, 1.12, 0.10, 14_000.0, 3_000.0, 0.55, 1.5),
}

# name, parent (division), sector, relative size, output unit, price per output unit (€)
_Template = tuple[str, str, str, float, str, float]
_MUNICIPAL: tuple[_Template, ...] = (
    ("Kotihoito", "Perusturvapalvelut", "sote", 1.6, "kotikäynnit", 48.0),
    ("Palveluasuminen", "Perusturvapalvelut", "sote", 1.4, "hoitopäivät", 165.0),
    ("Terveysaseman vastaanotto", "Perusturvapalvelut", "sote", 1.0, "käynnit", 95.0),
    ("Suun terveydenhuolto", "Perusturvapalvelut", "sote", 0.5, "hoitokäynnit", 110.0),
    ("Sosiaalityö", "Perusturvapalvelut", "sote", 0.4, "asiakkaat", 3_200.0),
    ("Vammaispalvelut", "Perusturvapalvelut", "sote", 0.6, "asiakkaat", 25_000.0),
    ("Varhaiskasvatus", "Sivistyspalvelut", "sivistys", 1.5, "lapset", 13_000.0),
    ("Päiväkoti Mustikka", "Sivistyspalvelut", "sivistys", 0.7, "lapset", 13_000.0),
    ("Päiväkoti Tähtitarha", "Sivistyspalvelut", "sivistys", 0.6, "lapset", 13_000.0),
    ("Kirkonkylän koulu", "Sivistyspalvelut", "sivistys", 1.0, "oppilaat", 11_000.0),
    ("Yhtenäiskoulu", "Sivistyspalvelut", "sivistys", 1.3, "oppilaat", 11_000.0),
    ("Lukio", "Sivistyspalvelut", "sivistys", 0.6, "opiskelijat", 9_000.0),
    ("Kirjasto- ja kulttuuripalvelut", "Sivistyspalvelut", "sivistys", 0.3, "lainat", 6.0),
    ("Liikuntapalvelut", "Sivistyspalvelut", "sivistys", 0.25, "käyntikerrat", 4.0),
    ("Nuorisopalvelut", "Sivistyspalvelut", "sivistys", 0.2, "kävijät", 12.0),
    ("Tekninen toimi", "Elinvoima ja tekniikka", "tekninen", 0.6, "hoidetut m²", 40.0),
    ("Ruokapalvelut", "Elinvoima ja tekniikka", "tekninen", 0.9, "ateriat", 5.5),
    ("Puhtauspalvelut", "Elinvoima ja tekniikka", "tekninen", 0.8, "siivotut m²", 22.0),
    ("Vesihuolto", "Elinvoima ja tekniikka", "tekninen", 0.2, "kuutiometrit", 3.0),
    ("Rakennusvalvonta", "Elinvoima ja tekniikka", "tekninen", 0.15, "luvat", 1_800.0),
    ("Ympäristöpalvelut", "Elinvoima ja tekniikka", "tekninen", 0.15, "tarkastukset", 600.0),
    ("Hallinto- ja talouspalvelut", "Konsernipalvelut", "hallinto", 0.5, "tapahtumat", 60.0),
    ("Henkilöstöpalvelut", "Konsernipalvelut", "hallinto", 0.25, "tapahtumat", 70.0),
    ("Elinkeinopalvelut", "Konsernipalvelut", "hallinto", 0.15, "yritysasiakkaat", 2_500.0),
    ("Asiakaspalvelupiste", "Konsernipalvelut", "hallinto", 0.15, "asiointikerrat", 25.0),
)
_AK, _OP, _TH = "Ammatillinen koulutus", "Opiskelijapalvelut", "Tuki- ja hallintopalvelut"
_OV = "opiskelijavuodet"
_EDUCATION: tuple[_Template, ...] = (
    ("Ammatillinen opetus", _AK, "koulutus", 1.4, _OV, 11_500.0),
    ("Sosiaali- ja terveysalan opetus", _AK, "koulutus", 1.2, _OV, 11_500.0),
    ("Tekniikan ja liikenteen opetus", _AK, "koulutus", 1.2, _OV, 12_500.0),
    ("Rakennus- ja kiinteistöalan opetus", _AK, "koulutus", 0.8, _OV, 12_500.0),
    ("Liiketalouden opetus", _AK, "koulutus", 0.7, _OV, 10_500.0),
    ("Matkailu- ja ravitsemisalan opetus", _AK, "koulutus", 0.7, _OV, 11_500.0),
    ("Luonnonvara-alan opetus", _AK, "koulutus", 0.6, _OV, 13_000.0),
    ("Aikuiskoulutus", _AK, "koulutus", 0.8, _OV, 10_000.0),
    ("Oppisopimuskeskus", _AK, "koulutus", 0.3, "oppisopimukset", 6_000.0),
    ("Yhteiset tutkinnon osat", _AK, "koulutus", 0.9, _OV, 11_000.0),
    ("Opinto-ohjaus ja opiskelijahuolto", _OP, "koulutus", 0.4, "opiskelijat", 900.0),
    ("Asuntola", _OP, "koulutus", 0.15, "asukasvuorokaudet", 30.0),
    ("Kirjasto ja oppimisympäristöt", _OP, "koulutus", 0.15, "lainat", 8.0),
    ("Kiinteistö- ja tukipalvelut", _TH, "tekninen", 0.5, "hoidetut m²", 40.0),
    ("Ruokapalvelut", _TH, "tekninen", 0.5, "ateriat", 5.5),
    ("Tietohallinto", _TH, "hallinto", 0.3, "tukipyynnöt", 80.0),
    ("Hallinto- ja talouspalvelut", _TH, "hallinto", 0.4, "tapahtumat", 60.0),
)

_ROLES = (("työntekijä", "asiantuntija", "esihenkilö"), (0.78, 0.14, 0.08))
_AGE_GROUPS = (("alle 30", "30–39", "40–49", "50–59", "60 tai yli"), (0.12, 0.22, 0.25, 0.27, 0.14))
_TENURE_GROUPS = (
    ("alle 2 vuotta", "2–5 vuotta", "6–10 vuotta", "yli 10 vuotta"),
    (0.20, 0.25, 0.20, 0.35),
)
_GENDERS = ("nainen", "mies", "muu tai ei halua vastata")
_FTE_FRACTIONS = ((1.0, 0.8, 0.6, 0.5), (0.78, 0.10, 0.07, 0.05))
_LONG_LEAVE_SHARE = 0.03

_COMMENTS_NEGATIVE = (
    "Kiire on jatkuvaa eikä taukoja ehdi pitää.",
    "Sijaisia ei saada, ja työt kasautuvat muille.",
    "Tiedonkulku esihenkilöltä on puutteellista.",
    "Muutoksista kerrotaan liian myöhään.",
    "Työporukassa on ristiriitoja, joita ei käsitellä.",
    "Väsyttää, ja jaksaminen on koetuksella.",
    "Palavereissa ideat eivät johda mihinkään.",
)
_COMMENTS_NEUTRAL = (
    "Toivoisin enemmän koulutusta uusiin järjestelmiin.",
    "Perehdytykseen pitäisi varata enemmän aikaa.",
    "Kyselyn tulokset olisi hyvä käydä yhdessä läpi.",
    "Työvuorosuunnitteluun toivoisin joustoa.",
    "Tilat kaipaavat remonttia.",
    "Etätyön pelisäännöt voisi sopia selkeämmin.",
)
_COMMENTS_POSITIVE = (
    "Työkaverit auttavat aina, kun tarvitsen apua.",
    "Esihenkilö kuuntelee ja tukee.",
    "Työ on merkityksellistä ja tunnen onnistuvani.",
    "Meillä on hyvä yhteishenki.",
    "Saan vaikuttaa omaan työhöni.",
    "Kehittämiskokeilu on tuonut uutta intoa.",
)

# Stable ids of the independent random streams (see the module docstring).
_STREAMS = {
    "structure": 1,
    "latent": 2,
    "sampling": 3,
    "qwl_items": 4,
    "uwes_items": 5,
    "who5_items": 6,
    "background": 7,
    "comments": 8,
    "ids": 9,
    "hr": 10,
    "finance": 11,
}


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[stream]])


# --------------------------------------------------------------------------- public API


def generate(
    *,
    n_orgs: int = 5,
    units_per_org: int | tuple[int, int] = (8, 14),
    waves: Sequence[str] = ("2022", "2023", "2024"),
    respondents_per_wave: int = 1500,
    seed: int = 2026,
    effects: Effects | None = None,
    org_names: Sequence[str] | None = None,
    instruments: Sequence[str] = ("qwl15",),
    name: str = "synthetic",
) -> Dataset:
    """Generate a synthetic dataset whose true effects are known.

    Parameters
    ----------
    n_orgs : int, default 5
        Number of organisations. Every fifth (positions 4, 9, …) is a
        vocational education consortium, the others municipalities.
    units_per_org : int or (int, int), default (8, 14)
        Units per organisation, or an inclusive range drawn for each organisation.
    waves : sequence of str, default ("2022", "2023", "2024")
        Survey waves in time order; HR and finance periods carry the same labels.
    respondents_per_wave : int, default 1500
        Expected number of respondents a wave (headcounts are scaled to it; every
        unit keeps at least 3 employees, so a tiny target with many units gives
        more).
    seed : int, default 2026
        Seed; the same seed and arguments give identical frames.
    effects : Effects, optional
        True parameters; ``Effects()`` when omitted.
    org_names : sequence of str, optional
        Organisation names, ``n_orgs`` of them. Default: the example's names
        when ``n_orgs <= 5``, else ``org_001``, ``org_002``, ….
    instruments : sequence of str, default ("qwl15",)
        Instruments whose items to simulate: ``"qwl15"`` first, then any of
        ``"uwes9"``, ``"who5"``.
    name : str, default "synthetic"
        The dataset's name.

    Returns
    -------
    Dataset
        ``responses``, ``units``, ``hr``, ``finance`` as in the data contract
        (docs/data-contract.md), ``wave_period`` mapping each wave to the period of the
        same label, and ``truth``, a dict with

        - ``effects``: :class:`Effects` as a dict; ``seed``;
        - ``unit_wave``: one row per unit and wave: ``org``, ``unit``, ``wave``,
          ``parent``, ``sector``, ``treated``, ``post``, ``employees``,
          ``respondents``, ``response_rate`` (the unit's true probability),
          ``true_fe``, ``true_yi``, ``true_pl`` (expected scored factor shares),
          ``true_qwl`` (the expected ``kesti_approx`` index of the unit's employees,
          on the scorer's scale), ``true_qwl_cf`` (without the experiment),
          ``unit_effect_fe``, ``unit_effect_yi``, ``unit_effect_pl`` (latent
          :math:`b_{ut}`), ``sick_unit_effect``, ``sick_days_per_fte_structural``
          and ``…_cf``, ``structural_time_share`` (AW), ``k_eur_per_hour``,
          ``revenue_per_fte_structural`` (:math:`K\\,TYW(1-AW)Q`, no noise);
        - ``experiment``: ``start_wave``, ``n_treated_units``, ``att_qwl`` (share),
          ``att_qwl_points``, ``att_sick_days_per_fte_structural``,
          ``att_sick_days_per_fte``, ``att_revenue_per_fte_eur``, and ``by_wave``
          (a DataFrame of the same by post wave); NaN when there is no post wave;
        - ``variance_components``: ``org``, ``unit``, ``person``, ``sector`` (the
          variance of the sector levels over the employees), ``icc1_latent``,
          ``icc1_factor_score`` (expected ICC(1) of each factor's mean item
          score, a first-order approximation of the ordinal coarsening);
        - ``wave_effects``: latent :math:`\\delta_t` and sick days :math:`\\omega_t`
          by wave; ``org_effects``: latent :math:`a_o` by organisation;
        - ``population_qwl``: mean true QWL over all employees and waves.

    Raises
    ------
    ArgumentError
        An argument or an :class:`Effects` field is out of range; the message
        names it and says what is allowed.

    Notes
    -----
    The model, its equations and its defaults are in the module docstring.

    Examples
    --------
    >>> from hrproductivity import synthetic
    >>> ds = synthetic.generate(n_orgs=2, respondents_per_wave=300, seed=1)
    >>> ds.truth["experiment"]["att_qwl"] > 0
    True
    """
    eff = effects if effects is not None else Effects()
    _check_effects(eff)
    wave_labels, org_labels, instr = _check_args(
        n_orgs, units_per_org, waves, respondents_per_wave, seed, org_names, instruments
    )
    n_waves = len(wave_labels)

    # ---- structure: units, sizes, response rates, experiment
    rs = _rng(seed, "structure")
    lay = _layout(org_labels, units_per_org, rs)
    n_units = len(lay.unit_names)
    sector_of_unit = lay.sector
    lo_r, hi_r = eff.response_rate
    rate_u = rs.uniform(lo_r, hi_r, n_units)
    rate_ut = np.clip(rate_u[:, None] + rs.normal(0.0, 0.03, (n_units, n_waves)), lo_r, hi_r)
    headcount_ut, small = _headcounts(lay.size, rate_u, respondents_per_wave, eff, n_waves, rs)
    treated = _choose_treated(lay.org, eff.experiment_share, rs)
    start = eff.experiment_start
    post_t = np.arange(n_waves) >= start
    d_ut = treated[:, None] & post_t[None, :]

    # ---- latent effects
    rl = _rng(seed, "latent")
    corr = _corr_matrix(eff.factor_corr)
    chol = np.linalg.cholesky(corr)
    mu = np.asarray(eff.factor_means, dtype=np.float64)
    shift = np.asarray(eff.experiment_shift, dtype=np.float64)
    org_eff = rl.standard_normal((len(org_labels), 3)) @ chol.T * math.sqrt(eff.var_org)
    unit_eff = np.empty((n_units, n_waves, 3))
    rho = eff.unit_persistence
    unit_eff[:, 0] = rl.standard_normal((n_units, 3)) @ chol.T * math.sqrt(eff.var_unit)
    for t in range(1, n_waves):
        innov = rl.standard_normal((n_units, 3)) @ chol.T * math.sqrt(eff.var_unit)
        unit_eff[:, t] = rho * unit_eff[:, t - 1] + math.sqrt(1.0 - rho**2) * innov
    wave_shift = eff.wave_trend * np.arange(n_waves, dtype=np.float64)
    sector_eff = np.asarray(eff.sector_shift, dtype=np.float64)[sector_of_unit][:, None]
    wb_w = np.full(3, 1.0 / 3.0)
    wb_sd = math.sqrt(float(wb_w @ corr @ wb_w) * (eff.var_org + eff.var_unit + eff.var_person))

    rsamp = _rng(seed, "sampling")
    rhr = _rng(seed, "hr")
    rq = _rng(seed, "qwl_items")
    ru = _rng(seed, "uwes_items")
    rw = _rng(seed, "who5_items")
    rb = _rng(seed, "background")
    rc = _rng(seed, "comments")
    rid = _rng(seed, "ids")

    q_true = np.empty((n_units, n_waves))
    q_cf = np.empty((n_units, n_waves))
    share_true = np.empty((n_units, n_waves, 3))
    fte_ut = np.empty((n_units, n_waves))
    resp_ut = np.zeros((n_units, n_waves), dtype=np.int64)
    q_sum = 0.0
    n_people = 0
    parts: list[dict[str, Any]] = []
    qwl_items = instr[0]
    table = _score_table(qwl_items, eff)
    for t in range(n_waves):
        n_t = headcount_ut[:, t]
        uidx = np.repeat(np.arange(n_units), n_t)
        n = uidx.size
        e = rl.standard_normal((n, 3)) @ chol.T * math.sqrt(eff.var_person)
        base = (
            mu + sector_eff[uidx] + org_eff[lay.org[uidx]] + unit_eff[uidx, t] + wave_shift[t] + e
        )
        eta = base + d_ut[uidx, t][:, None] * shift
        # The truth on the scorer's scale: what the scorer gives, in expectation, from
        # the answers each employee would give (docs/synthetic-data.md).
        s, q = _expected_scores(eta, table)
        q0 = _expected_scores(base, table)[1] if d_ut[:, t].any() else q
        q_true[:, t] = np.bincount(uidx, q, n_units) / n_t
        q_cf[:, t] = np.bincount(uidx, q0, n_units) / n_t
        for f in range(3):
            share_true[:, t, f] = np.bincount(uidx, s[:, f], n_units) / n_t
        q_sum += float(q.sum())
        n_people += n
        fte_vals, fte_p = _FTE_FRACTIONS
        fte_i = rhr.choice(np.asarray(fte_vals), size=n, p=np.asarray(fte_p))
        fte_ut[:, t] = np.bincount(uidx, fte_i, n_units)

        # who answers
        z = ((eta - mu) @ wb_w) / wb_sd
        logit_p = special.logit(rate_ut[uidx, t]) + eff.response_bias * z
        answered = rsamp.random(n) < special.expit(logit_p)
        resp_ut[:, t] = np.bincount(uidx[answered], minlength=n_units)
        ru_idx = uidx[answered]
        eta_r, z_r = eta[answered], z[answered]
        n_r = ru_idx.size

        cols: dict[str, Any] = {"unit": ru_idx, "wave": np.full(n_r, t)}
        cols["id"] = rid.choice(_id_space(n_r), size=n_r, replace=False) + 1
        cols["items"] = [_qwl_answers(eta_r, qwl_items, eff, rq)]
        for ins in instr[1:]:
            if ins.name == "uwes9":
                cols["items"].append(_uwes_answers(z_r, ins, eff, ru))
            else:
                cols["items"].append(_who5_answers(z_r, ins, eff, rw))
        cols["background"] = _background(sector_of_unit[ru_idx], rb)
        cols["comment"] = _comments(z_r, eff.comment_rate, rc)
        parts.append(cols)

    # ---- unit-level outcomes, factual and counterfactual from the same draws
    noise = _outcome_noise(lay, headcount_ut, fte_ut, eff, n_waves, rhr, _rng(seed, "finance"))
    out = _outcomes(q_true, fte_ut, headcount_ut, lay, noise, eff)
    out_cf = _outcomes(q_cf, fte_ut, headcount_ut, lay, noise, eff)

    # ---- frames
    org_names_arr = np.asarray(org_labels, dtype=object)
    unit_org = lay.org
    uw_unit = np.repeat(np.arange(n_units), n_waves)
    uw_wave = np.tile(np.arange(n_waves), n_units)
    wave_arr = np.asarray(wave_labels, dtype=object)

    def ids(unit_idx: IntArray, wave_idx: IntArray) -> dict[str, pd.api.extensions.ExtensionArray]:
        return {
            "org": _str(org_names_arr[unit_org[unit_idx]]),
            "unit": _str(lay.unit_names[unit_idx]),
            "wave": _str(wave_arr[wave_idx]),
        }

    responses = _responses_frame(parts, ids, instr)

    flat = {k: v.reshape(-1) for k, v in out.items()}  # unit-major: (u, t) -> u * T + t
    flat_cf = {k: v.reshape(-1) for k, v in out_cf.items()}
    key = ids(uw_unit, uw_wave)
    units = pd.DataFrame(
        {
            **key,
            "invited": headcount_ut.reshape(-1).astype(np.int64),
            "parent": _str(lay.parent[uw_unit]),
            "sector": _str(np.asarray(_SECTOR_NAMES, dtype=object)[sector_of_unit[uw_unit]]),
            "experiment_start": _experiment_starts(treated[uw_unit], start, wave_labels),
        }
    )
    hr = pd.DataFrame(
        {
            "org": key["org"],
            "unit": key["unit"],
            "period": key["wave"],
            "fte": flat["fte"],
            "headcount": flat["headcount"].astype(np.int64),
            "sick_days": flat["sick_days"],
            "sick_spells": flat["sick_spells"].astype(np.int64),
            "other_absence_days": flat["other_absence_days"],
            "training_days": flat["training_days"],
            "leavers": flat["leavers"].astype(np.int64),
            "staff_costs_eur": flat["staff_costs_eur"],
            "theoretical_hours_per_fte": np.full(n_units * n_waves, eff.theoretical_hours),
            "overtime_hours": flat["overtime_hours"],
            "purchased_services_eur": flat["purchased_services_eur"],
        }
    )
    finance = _finance_frame(flat, lay, org_labels, wave_labels, uw_unit, uw_wave, eff)

    truth = _truth(
        eff=eff,
        seed=seed,
        key=key,
        lay=lay,
        uw_unit=uw_unit,
        uw_wave=uw_wave,
        treated=treated,
        post_t=post_t,
        headcount_ut=headcount_ut,
        resp_ut=resp_ut,
        rate_ut=rate_ut,
        share_true=share_true,
        q_true=q_true,
        q_cf=q_cf,
        unit_eff=unit_eff,
        org_eff=org_eff,
        org_labels=org_labels,
        wave_labels=wave_labels,
        wave_shift=wave_shift,
        flat=flat,
        flat_cf=flat_cf,
        noise=noise,
        population_qwl=q_sum / max(n_people, 1),
        small=small,
        qwl_instrument=qwl_items,
    )
    return Dataset(
        name=name,
        responses=responses,
        units=units,
        hr=hr,
        finance=finance,
        instruments=instr,
        wave_period={w: w for w in wave_labels},
        truth=truth,
        # Declared only where the labels do not sort in time by themselves, so that a copy
        # with relabelled waves (dataclasses.replace) still derives its own order.
        wave_order=None if _sorts_in_time(wave_labels) else wave_labels,
    )


def _experiment_starts(
    treated: npt.NDArray[np.bool_], start: int, waves: Sequence[str]
) -> pd.Series:
    """The units table's ``experiment_start``: the start wave for treated units, else empty.

    Written from the draws already made (no random number is used), so the survey, HR
    and finance tables are the same with or without it. A start after the last wave
    is within no wave of the data: left empty.
    """
    label = waves[start] if start < len(waves) else None
    return pd.Series([label if t else None for t in treated.tolist()], dtype="str")


def _sorts_in_time(labels: Sequence[str]) -> bool:
    """Whether ``labels``, in the given order, are what :func:`time_order` derives."""
    try:
        return time_order(labels) == list(labels)
    except DataValidationError:
        return False


def example_dataset() -> Dataset:
    """The bundled example: five fictional organisations, three waves, all three instruments.

    Four small municipalities (Kuusikoski, Pohjala, Revonlahti, Aurinkovaara)
    and a vocational education consortium (Koulutuskuntayhtymä Tuulia), surveyed
    in 2022, 2023 and 2024 with about 1 500 respondents a wave, with QWL-15,
    UWES-9 and WHO-5 items; a development experiment starts in 2023. It is
    generated afresh (deterministically) on every call. With the default
    :class:`Effects` its organisations lie around the Finnish average of the QWL
    index (about 60 %, the consortium in "some to develop") and its units in all
    four bands (docs/synthetic-data.md, "Calibration of the example").

    Returns
    -------
    Dataset
        As :func:`generate` returns it, named ``"example"``.

    Examples
    --------
    >>> from hrproductivity.synthetic import example_dataset
    >>> ds = example_dataset()
    >>> ds.orgs[0], ds.waves
    ('Aurinkovaara', ['2022', '2023', '2024'])
    """
    return generate(
        n_orgs=len(EXAMPLE_ORGS),
        org_names=EXAMPLE_ORGS,
        instruments=_SUPPORTED_INSTRUMENTS,
        name="example",
    )


# --------------------------------------------------------------------------- checks


def _fail(what: str, allowed: str, got: object) -> ArgumentError:
    return ArgumentError(f"{what} must be {allowed}; got {got!r}")


def _is_int(x: object) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _check_args(
    n_orgs: int,
    units_per_org: int | tuple[int, int],
    waves: Sequence[str],
    respondents_per_wave: int,
    seed: int,
    org_names: Sequence[str] | None,
    instruments: Sequence[str],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Instrument, ...]]:
    if not _is_int(n_orgs) or n_orgs < 1:
        raise _fail("n_orgs", "a positive whole number", n_orgs)
    if isinstance(units_per_org, int | np.integer) and not isinstance(units_per_org, bool):
        if units_per_org < 1:
            raise _fail(
                "units_per_org", "a positive whole number or a (low, high) pair", units_per_org
            )
    elif (
        not isinstance(units_per_org, tuple | list)
        or len(units_per_org) != 2
        or not all(_is_int(x) for x in units_per_org)
        or not 1 <= units_per_org[0] <= units_per_org[1]
    ):
        raise _fail("units_per_org", "a positive whole number or a (low, high) pair", units_per_org)
    if isinstance(waves, str) or not isinstance(waves, Sequence) or len(waves) == 0:
        raise _fail("waves", "a non-empty sequence of wave labels", waves)
    wave_labels = tuple(str(w) for w in waves)
    if len(set(wave_labels)) != len(wave_labels) or any(not w for w in wave_labels):
        raise _fail("waves", "distinct, non-empty labels", waves)
    if not _is_int(respondents_per_wave) or respondents_per_wave < 1:
        raise _fail("respondents_per_wave", "a positive whole number", respondents_per_wave)
    if not _is_int(seed) or seed < 0:
        raise _fail("seed", "a non-negative whole number", seed)
    if org_names is None:
        if n_orgs <= len(EXAMPLE_ORGS):
            org_labels = EXAMPLE_ORGS[:n_orgs]
        else:
            org_labels = tuple(f"org_{i + 1:03d}" for i in range(n_orgs))
    else:
        if isinstance(org_names, str):
            raise _fail("org_names", f"a sequence of {n_orgs} names", org_names)
        org_labels = tuple(str(x) for x in org_names)
        if len(org_labels) != n_orgs:
            raise _fail("org_names", f"{n_orgs} names (n_orgs)", len(org_labels))
        if len(set(org_labels)) != n_orgs or any(not x for x in org_labels):
            raise _fail("org_names", "distinct, non-empty names", org_names)
    if isinstance(instruments, str):
        instruments = (instruments,)
    names = tuple(instruments)
    if (
        not names
        or names[0] != "qwl15"
        or len(set(names)) != len(names)
        or any(x not in _SUPPORTED_INSTRUMENTS for x in names)
    ):
        raise _fail(
            "instruments", "'qwl15' followed by any of 'uwes9', 'who5' (no repeats)", instruments
        )
    return wave_labels, org_labels, tuple(load_instrument(x) for x in names)


def _check_effects(eff: Effects) -> None:
    if not isinstance(eff, Effects):
        raise _fail("effects", "an Effects instance or None", type(eff).__name__)

    def share(name: str, x: float, *, low_open: bool = False) -> None:
        ok = (0.0 < x if low_open else 0.0 <= x) and x <= 1.0
        if not ok:
            raise _fail(f"Effects.{name}", "a share within [0, 1]", x)

    for name in ("var_org", "var_unit", "var_person"):
        if not getattr(eff, name) >= 0.0:
            raise _fail(f"Effects.{name}", "a non-negative variance", getattr(eff, name))
    if eff.var_person <= 0.0:
        raise _fail("Effects.var_person", "positive", eff.var_person)
    if not -1.0 < eff.unit_persistence < 1.0:
        raise _fail("Effects.unit_persistence", "within (-1, 1)", eff.unit_persistence)
    if any(not -1.0 < r < 1.0 for r in eff.factor_corr) or len(eff.factor_corr) != 3:
        raise _fail("Effects.factor_corr", "three correlations within (-1, 1)", eff.factor_corr)
    if np.linalg.eigvalsh(_corr_matrix(eff.factor_corr)).min() <= 1e-10:
        raise _fail(
            "Effects.factor_corr", "a positive definite set of correlations", eff.factor_corr
        )
    for name, n in (
        ("factor_means", 3),
        ("experiment_shift", 3),
        ("sector_shift", len(_SECTOR_NAMES)),
        ("qwl_loadings", 15),
        ("qwl_intercepts", 15),
    ):
        if len(getattr(eff, name)) != n:
            raise _fail(f"Effects.{name}", f"{n} numbers", getattr(eff, name))
    loads = (*eff.qwl_loadings, eff.uwes_loading, eff.who5_loading)
    if any(not 0.0 < x < 1.0 for x in loads):
        raise _fail("Effects loadings", "within (0, 1)", loads)
    for name, k in (
        ("qwl_category_shares", 5),
        ("uwes_category_shares", 7),
        ("who5_category_shares", 6),
    ):
        shares = getattr(eff, name)
        if len(shares) != k or any(x <= 0 for x in shares) or abs(sum(shares) - 1.0) > 1e-6:
            raise _fail(f"Effects.{name}", f"{k} positive shares summing to 1", shares)
    for name in ("uwes_qwl_corr", "who5_qwl_corr"):
        if not -1.0 <= getattr(eff, name) <= 1.0:
            raise _fail(f"Effects.{name}", "a correlation within [-1, 1]", getattr(eff, name))
    for name in ("missing_rate", "comment_rate", "small_unit_share", "experiment_share"):
        share(name, getattr(eff, name))
    share("qwl_reference", eff.qwl_reference, low_open=True)
    share("holidays_share", eff.holidays_share)
    share("turnover_base", eff.turnover_base, low_open=True)
    if eff.turnover_base >= 1.0:
        raise _fail("Effects.turnover_base", "a share within (0, 1)", eff.turnover_base)
    lo, hi = eff.response_rate
    if not 0.0 < lo <= hi < 1.0:
        raise _fail("Effects.response_rate", "a range (low, high) within (0, 1)", eff.response_rate)
    if not _is_int(eff.experiment_start) or eff.experiment_start < 0:
        raise _fail("Effects.experiment_start", "a wave position 0, 1, 2, …", eff.experiment_start)
    for name in (
        "theoretical_hours",
        "hours_per_day",
        "sick_spell_days",
        "k_eur_per_hour",
        "labour_cost_eur_per_fte",
    ):
        if not getattr(eff, name) > 0.0:
            raise _fail(f"Effects.{name}", "positive", getattr(eff, name))
    for name in (
        "sick_base",
        "sick_unit_sd",
        "sick_wave_sd",
        "sick_noise_sd",
        "other_absence_days",
        "training_days",
        "k_unit_sd",
        "revenue_noise_sd",
        "central_overhead_share",
    ):
        if not getattr(eff, name) >= 0.0:
            raise _fail(f"Effects.{name}", "non-negative", getattr(eff, name))


def _corr_matrix(r: tuple[float, float, float]) -> FloatArray:
    fe_yi, fe_pl, yi_pl = r
    return np.array([[1.0, fe_yi, fe_pl], [fe_yi, 1.0, yi_pl], [fe_pl, yi_pl, 1.0]])


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class _Layout:
    org: IntArray  # organisation index of each unit
    unit_names: npt.NDArray[np.object_]
    parent: npt.NDArray[np.object_]
    sector: IntArray  # index into _SECTOR_NAMES
    size: FloatArray  # relative size
    output_unit: npt.NDArray[np.object_]
    price: FloatArray  # € per output unit


def _layout(
    org_labels: tuple[str, ...], units_per_org: int | tuple[int, int], rng: np.random.Generator
) -> _Layout:
    n_orgs = len(org_labels)
    if isinstance(units_per_org, int | np.integer):
        counts = np.full(n_orgs, int(units_per_org))
    else:
        lo, hi = units_per_org
        counts = rng.integers(lo, hi, n_orgs, endpoint=True)
    rows: list[tuple[int, str, str, str, float, str, float]] = []
    sector_index = {s: i for i, s in enumerate(_SECTOR_NAMES)}
    for o in range(n_orgs):  # a few hundred organisations at most: cheap
        catalogue = _EDUCATION if o % 5 == 4 else _MUNICIPAL
        weight = np.array([math.sqrt(t[3]) + 0.3 for t in catalogue])
        k = int(counts[o])
        order: list[int] = []
        while len(order) < k:
            m = min(k - len(order), len(catalogue))
            pick = rng.choice(len(catalogue), size=m, replace=False, p=weight / weight.sum())
            order.extend(int(i) for i in pick)
        seen: dict[str, int] = {}
        named = []
        for i in order:
            nm = catalogue[i][0]
            seen[nm] = seen.get(nm, 0) + 1
            named.append((f"{nm} {seen[nm]}" if seen[nm] > 1 else nm, i))
        for nm, i in sorted(named):
            _, parent, sector, size, out_unit, price = catalogue[i]
            rows.append((o, nm, parent, sector, size, out_unit, price))
    return _Layout(
        org=np.array([r[0] for r in rows], dtype=np.int64),
        unit_names=np.array([r[1] for r in rows], dtype=object),
        parent=np.array([r[2] for r in rows], dtype=object),
        sector=np.array([sector_index[r[3]] for r in rows], dtype=np.int64),
        size=np.array([r[4] for r in rows], dtype=np.float64),
        output_unit=np.array([r[5] for r in rows], dtype=object),
        price=np.array([r[6] for r in rows], dtype=np.float64),
    )


def _headcounts(
    size: FloatArray,
    rate_u: FloatArray,
    target: int,
    eff: Effects,
    n_waves: int,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.int64], BoolArray]:
    n_units = size.size
    small = np.zeros(n_units, dtype=bool)
    if eff.small_unit_share > 0:
        n_small = min(n_units, max(1, round(eff.small_unit_share * n_units)))
        p = 1.0 / size
        small[rng.choice(n_units, size=n_small, replace=False, p=p / p.sum())] = True
    small_n = rng.integers(3, 7, n_units, endpoint=True).astype(np.float64)
    raw = size * np.exp(rng.normal(0.0, 0.35, n_units))
    rest = target - float((small_n * rate_u)[small].sum())
    denom = float((raw * rate_u)[~small].sum())
    scale = max(rest, 0.0) / denom if denom > 0 else 0.0
    base = np.where(small, small_n, np.maximum(8.0, scale * raw))
    jitter = np.exp(rng.normal(0.0, 0.05, (n_units, n_waves)))
    heads = np.rint(base[:, None] * np.where(small[:, None], 1.0, jitter))
    return np.maximum(heads, 3.0).astype(np.int64), small


def _choose_treated(org: IntArray, share: float, rng: np.random.Generator) -> BoolArray:
    treated = np.zeros(org.size, dtype=bool)
    if share <= 0:
        return treated
    for o in np.unique(org):  # per organisation, so every organisation has its trial units
        members = np.flatnonzero(org == o)
        k = min(members.size, round(share * members.size))
        if k:
            treated[rng.choice(members, size=k, replace=False)] = True
    return treated


def _id_space(n: int) -> int:
    width = max(7, len(str(20 * n)))
    return int(10**width - 1)


# --------------------------------------------------------------------------- answers


def _cutpoints(shares: tuple[float, ...]) -> FloatArray:
    return np.asarray(special.ndtri(np.cumsum(shares)[:-1]), dtype=np.float64)


def _ordinal(ystar: FloatArray, cut: FloatArray, low: int) -> FloatArray:
    return (np.searchsorted(cut, ystar) + low).astype(np.float64)


def _with_missing(x: FloatArray, rate: float, rng: np.random.Generator) -> FloatArray:
    x[rng.random(x.shape) < rate] = np.nan
    return x


def _item_locations(eta: FloatArray, ins: Instrument, eff: Effects) -> FloatArray:
    """Means :math:`\\nu_j + \\lambda_j \\eta_{i f(j)}` of the QWL items' latent responses.

    One row per person (``eta``: persons x the instrument's factors, in its order),
    one column per item; the residual of item ``j`` has SD :math:`\\sqrt{1-\\lambda_j^2}`.
    """
    factors = list(ins.factors)
    factor_of = np.array([factors.index(i.factor) for i in ins.items])
    lam = np.asarray(eff.qwl_loadings)
    nu = np.asarray(eff.qwl_intercepts)
    located: FloatArray = nu + lam * eta[:, factor_of]
    return located


def _qwl_answers(
    eta: FloatArray, ins: Instrument, eff: Effects, rng: np.random.Generator
) -> tuple[list[str], FloatArray]:
    lam = np.asarray(eff.qwl_loadings)
    eps = rng.standard_normal((eta.shape[0], len(ins.items)))
    ystar = _item_locations(eta, ins, eff) + np.sqrt(1.0 - lam**2) * eps
    x = _ordinal(ystar, _cutpoints(eff.qwl_category_shares), ins.scale_min)
    return ins.item_ids, _with_missing(x, eff.missing_rate, rng)


def _share_distribution(
    probs: FloatArray, missing_rate: float, min_answered: float
) -> tuple[FloatArray, FloatArray]:
    """The distribution of one factor's scored share given the person's latent factor.

    ``probs`` holds each person's answer probabilities of the factor's items
    (persons x items x categories). Items are unanswered completely at random with
    probability ``missing_rate``; the share is the mean of the answered items
    rescaled to 0-1, scored only when at least ``min_answered`` of the items are
    answered (the rule of :func:`~hrproductivity.scoring.score_scales`). Returns the
    support (possible share values, with repeats) and each person's probabilities
    over it, *given that the factor is scored*.
    """
    n, n_items, n_cat = probs.shape
    need = max(1, math.ceil(min_answered * n_items - 1e-9))
    width = n_items * (n_cat - 1) + 1
    # joint[:, m, k]: P(m items answered so far, their answers sum to k above the minimum)
    joint = np.zeros((n, n_items + 1, width))
    joint[:, 0, 0] = 1.0
    for j in range(n_items):
        step = missing_rate * joint
        for k in range(n_cat):
            answered = (1.0 - missing_rate) * probs[:, j, k, None, None]
            step[:, 1:, k:] += answered * joint[:, :-1, : width - k]
        joint = step
    values = [np.arange(m * (n_cat - 1) + 1) / (m * (n_cat - 1)) for m in range(need, n_items + 1)]
    dist = np.concatenate(
        [joint[:, m, : m * (n_cat - 1) + 1] for m in range(need, n_items + 1)], axis=1
    )
    return np.concatenate(values), dist / dist.sum(axis=1, keepdims=True)


#: Latent values (SD units) at which the expected scores are tabulated; a person's
#: factor beyond the range is scored as at its end (over 7 SD from any mean).
_GRID_LOW, _GRID_STEP, _GRID_SIZE = -8.0, 0.02, 801


@dataclass(frozen=True)
class _ScoreTable:
    """The scorer's expected results as functions of the latent factors, on a grid.

    ``share[k, g]`` is the expected scored share of factor ``k`` at the latent value
    ``g``; ``at0[g, h]`` and ``slope[g, h]`` are the expectations of
    ``kesti_approx(FE, YI, 0)`` and of its PL coefficient with FE at ``g`` and YI
    at ``h``.
    """

    share: FloatArray
    at0: FloatArray
    slope: FloatArray
    fe: int
    yi: int
    pl: int


def _score_table(ins: Instrument, eff: Effects) -> _ScoreTable:
    """Tabulate what the scorer computes, in expectation, from a person's answers.

    Given the latent factors the answers are independent, so the three factor
    shares are independent with the distributions of :func:`_share_distribution`.
    The scorer is affine in PL (``kesti_approx(fe, yi, pl)`` is
    :math:`A(fe, yi) + C(fe, yi)\\,pl`), so the expected index is the sum over the
    joint distribution of FE and YI of :math:`A + C\\,E[PL]`: exact at the grid
    values, and evaluated through the scorer itself.
    """
    grid = _GRID_LOW + _GRID_STEP * np.arange(_GRID_SIZE)
    factors = list(ins.factors)
    cut = _cutpoints(eff.qwl_category_shares)
    lam = np.asarray(eff.qwl_loadings)
    loc = _item_locations(np.repeat(grid[:, None], len(factors), axis=1), ins, eff)
    cdf = special.ndtr((cut[None, None, :] - loc[:, :, None]) / np.sqrt(1.0 - lam**2)[:, None])
    ends = np.ones((_GRID_SIZE, lam.size, 1))
    probs = np.diff(np.concatenate([0.0 * ends, cdf, ends], axis=2), axis=2)
    position = {it: k for k, it in enumerate(ins.item_ids)}
    dists = {}
    for f in factors:
        cols = [position[it] for it in ins.factors[f]]
        dists[f] = _share_distribution(probs[:, cols], eff.missing_rate, ins.min_answered)
    share = np.stack([p @ v for v, p in (dists[f] for f in factors)])
    (v_fe, p_fe), (v_yi, p_yi) = dists["FE"], dists["YI"]
    fe, yi = np.meshgrid(v_fe, v_yi, indexing="ij")
    at0 = np.asarray(kesti_approx(fe, yi, 0.0 * fe), dtype=np.float64)
    slope = np.asarray(kesti_approx(fe, yi, 0.0 * fe + 1.0), dtype=np.float64) - at0
    return _ScoreTable(
        share=share,
        at0=p_fe @ at0 @ p_yi.T,
        slope=p_fe @ slope @ p_yi.T,
        fe=factors.index("FE"),
        yi=factors.index("YI"),
        pl=factors.index("PL"),
    )


def _expected_scores(eta: FloatArray, table: _ScoreTable) -> tuple[FloatArray, FloatArray]:
    """Expected scored factor shares and QWL index of persons at latent ``eta``.

    Parameters
    ----------
    eta : ndarray
        Latent factors, persons x the instrument's factors (FE, YI, PL).
    table : _ScoreTable
        From :func:`_score_table`.

    Returns
    -------
    shares : ndarray
        Expected scored factor shares (persons x factors), each given that the
        factor is scored.
    qwl : ndarray
        Expected :func:`~hrproductivity.scoring.kesti_approx` index of each person,
        given that it is scored.

    Notes
    -----
    Linear interpolation between the grid values (bilinear for the FE x YI
    tables); with the grid step 0.02 SD its error is below 0.001 index points.
    """
    pos = np.clip((eta - _GRID_LOW) / _GRID_STEP, 0.0, _GRID_SIZE - 1.0 - 1e-9)
    idx = pos.astype(np.int64)
    w = pos - idx
    k = np.arange(eta.shape[1])
    shares = table.share[k, idx] * (1.0 - w) + table.share[k, idx + 1] * w
    i, j, wi, wj = idx[:, table.fe], idx[:, table.yi], w[:, table.fe], w[:, table.yi]

    def bilinear(t: FloatArray) -> FloatArray:
        low = t[i, j] * (1.0 - wj) + t[i, j + 1] * wj
        high = t[i + 1, j] * (1.0 - wj) + t[i + 1, j + 1] * wj
        result: FloatArray = low * (1.0 - wi) + high * wi
        return result

    qwl = bilinear(table.at0) + shares[:, table.pl] * bilinear(table.slope)
    return shares, qwl


def _uwes_answers(
    z: FloatArray, ins: Instrument, eff: Effects, rng: np.random.Generator
) -> tuple[list[str], FloatArray]:
    n = z.size
    c = eff.uwes_qwl_corr
    engagement = c * z + math.sqrt(1.0 - c**2) * rng.standard_normal(n)
    subs = list(ins.factors)
    sub = math.sqrt(0.85) * engagement[:, None] + math.sqrt(0.15) * rng.standard_normal(
        (n, len(subs))
    )
    sub_of = np.array([subs.index(i.factor) for i in ins.items])
    lam = eff.uwes_loading
    ystar = lam * sub[:, sub_of] + math.sqrt(1.0 - lam**2) * rng.standard_normal((n, len(sub_of)))
    x = _ordinal(ystar, _cutpoints(eff.uwes_category_shares), ins.scale_min)
    return ins.item_ids, _with_missing(x, eff.missing_rate, rng)


def _who5_answers(
    z: FloatArray, ins: Instrument, eff: Effects, rng: np.random.Generator
) -> tuple[list[str], FloatArray]:
    n = z.size
    c = eff.who5_qwl_corr
    wellbeing = c * z + math.sqrt(1.0 - c**2) * rng.standard_normal(n)
    lam = eff.who5_loading
    k = len(ins.items)
    ystar = lam * wellbeing[:, None] + math.sqrt(1.0 - lam**2) * rng.standard_normal((n, k))
    x = _ordinal(ystar, _cutpoints(eff.who5_category_shares), ins.scale_min)
    return ins.item_ids, _with_missing(x, eff.missing_rate, rng)


def _categorical(probs: FloatArray, rng: np.random.Generator) -> IntArray:
    """One draw per row of ``probs`` (rows sum to one)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))
    idx = (u[:, None] > cum[:, :-1]).sum(axis=1)
    return idx.astype(np.int64)


def _background(sector: IntArray, rng: np.random.Generator) -> dict[str, npt.NDArray[np.object_]]:
    n = sector.size
    out: dict[str, npt.NDArray[np.object_]] = {}
    for col, (labels, p) in (
        ("role", _ROLES),
        ("age_group", _AGE_GROUPS),
        ("tenure_group", _TENURE_GROUPS),
    ):
        probs = np.broadcast_to(np.asarray(p, dtype=np.float64), (n, len(p)))
        out[col] = np.asarray(labels, dtype=object)[_categorical(probs, rng)]
    women = np.array([_SECTORS[s].women for s in _SECTOR_NAMES])[sector]
    probs = np.column_stack([women * 0.98, (1.0 - women) * 0.98, np.full(n, 0.02)])
    out["gender"] = np.asarray(_GENDERS, dtype=object)[_categorical(probs, rng)]
    return out


def _comments(z: FloatArray, rate: float, rng: np.random.Generator) -> npt.NDArray[np.object_]:
    n = z.size
    writes = rng.random(n) < rate
    pick = rng.random(n)
    out = np.full(n, None, dtype=object)
    for mask, pool in (
        (writes & (z < -0.5), _COMMENTS_NEGATIVE),
        (writes & (z > 0.5), _COMMENTS_POSITIVE),
        (writes & (z >= -0.5) & (z <= 0.5), _COMMENTS_NEUTRAL),
    ):
        idx = (pick[mask] * len(pool)).astype(np.int64)
        out[mask] = np.asarray(pool, dtype=object)[idx]
    return out


# --------------------------------------------------------------------------- outcomes


def _outcome_noise(
    lay: _Layout,
    heads: IntArray,
    fte: FloatArray,
    eff: Effects,
    n_waves: int,
    rng: np.random.Generator,
    rfin: np.random.Generator,
) -> dict[str, FloatArray]:
    """Every random draw the HR and finance outcomes use, drawn once.

    Factual and counterfactual outcomes are computed from these same draws, so
    their difference is the exact effect of the experiment.
    """
    n_units = lay.size.size
    shape = (n_units, n_waves)
    growth = (1.0 + eff.nominal_growth) ** np.arange(n_waves, dtype=np.float64)
    sec = lay.sector
    sick_sd = eff.sick_noise_sd * np.sqrt(20.0 / np.maximum(fte, 1.0))

    def lognorm(sd: float, size: tuple[int, ...] | int) -> FloatArray:
        return np.exp(rng.normal(-0.5 * sd**2, sd, size))

    train_factor = np.array([_SECTORS[s].training for s in _SECTOR_NAMES])[sec]
    wage_factor = np.array([_SECTORS[s].wage for s in _SECTOR_NAMES])[sec]
    noise: dict[str, FloatArray] = {
        "sick_unit": rng.normal(0.0, eff.sick_unit_sd, n_units)[:, None] * np.ones(shape),
        "sick_wave": np.broadcast_to(rng.normal(0.0, eff.sick_wave_sd, n_waves), shape).copy(),
        "sick_eps": rng.normal(0.0, 1.0, shape) * sick_sd,
        "u_spells": rng.random(shape),
        "long_leave": rng.binomial(heads, _LONG_LEAVE_SHARE).astype(np.float64),
        "other_pf": eff.other_absence_days * lognorm(0.3, shape),
        "training_pf": (eff.training_days * train_factor)[:, None] * lognorm(0.3, shape),
        "u_leavers": rng.random(shape),
        "overtime_eps": rng.normal(0.0, 4.0, shape),
        "wage": (eff.labour_cost_eur_per_fte * wage_factor * lognorm(0.05, n_units))[:, None]
        * growth,
        "purchased_pf": (
            np.array([_SECTORS[s].purchased_per_fte for s in _SECTOR_NAMES])[sec]
            * lognorm(0.3, n_units)
        )[:, None]
        * growth
        * lognorm(0.05, shape),
    }
    k_factor = np.array([_SECTORS[s].k for s in _SECTOR_NAMES])[sec]
    noise["k"] = (eff.k_eur_per_hour * k_factor * lognorm(eff.k_unit_sd, n_units))[:, None] * growth
    noise["revenue_eps"] = rfin.normal(0.0, eff.revenue_noise_sd, shape)
    var_share = np.array([_SECTORS[s].variable_share for s in _SECTOR_NAMES])[sec]
    noise["variable_share"] = var_share[:, None] * np.exp(rfin.normal(0.0, 0.05, shape))
    fixed = np.array([_SECTORS[s].fixed_per_fte for s in _SECTOR_NAMES])[sec]
    noise["fixed_pf"] = (fixed * np.exp(rfin.normal(0.0, 0.2, n_units)))[:, None] * growth
    noise["volume_price"] = (lay.price[:, None] * growth) * np.exp(rfin.normal(0.0, 0.05, shape))
    noise["sector_sick"] = (np.array([_SECTORS[s].sick for s in _SECTOR_NAMES])[sec])[
        :, None
    ] * np.ones(shape)
    return noise


def _outcomes(
    q: FloatArray,
    fte: FloatArray,
    heads: IntArray,
    lay: _Layout,
    nz: dict[str, FloatArray],
    eff: Effects,
) -> dict[str, FloatArray]:
    """HR and finance outcomes of each unit and wave for true QWL ``q``."""
    tyw = eff.theoretical_hours
    delta = 100.0 * (q - eff.qwl_reference)
    sick_struct = eff.sick_base + nz["sector_sick"] + nz["sick_unit"] + nz["sick_wave"]
    sick_struct = sick_struct + eff.beta_sick * delta
    # Symmetric clipping keeps the noise mean zero while days stay non-negative, so
    # the expected sick days per FTE are exactly max(S, 0) and regressions are unbiased.
    floor = np.maximum(sick_struct, 0.0)
    sick_days = np.rint(fte * (floor + np.clip(nz["sick_eps"], -floor, floor)))
    spells = stats.poisson.ppf(nz["u_spells"], sick_days / eff.sick_spell_days)
    spells = np.clip(np.nan_to_num(spells, nan=0.0), 0.0, sick_days)
    other = np.rint(fte * nz["other_pf"])
    training = np.rint(fte * nz["training_pf"])
    headcount = heads + nz["long_leave"]
    p_leave = special.expit(special.logit(eff.turnover_base) + eff.beta_leave * delta)
    leavers = stats.binom.ppf(nz["u_leavers"], headcount, p_leave)
    leavers = np.clip(np.nan_to_num(leavers, nan=0.0), 0.0, headcount)
    sick_pf = sick_days / fte
    overtime = np.rint(
        fte * np.maximum(0.0, 12.0 + 0.8 * (sick_pf - eff.sick_base) + nz["overtime_eps"])
    )
    hourly = nz["wage"] / tyw
    staff = np.rint(fte * nz["wage"] + 1.5 * hourly * overtime)
    purchased = np.rint(
        fte * nz["purchased_pf"] * np.maximum(0.0, 1.0 - eff.purchased_qwl_slope * delta)
    )
    aw = eff.holidays_share + (sick_days + other + training) / fte * eff.hours_per_day / tyw
    aw = np.clip(aw, 0.0, 0.95)
    rev_struct_pf = nz["k"] * tyw * (1.0 - aw) * q
    revenue = np.rint(fte * rev_struct_pf * np.exp(nz["revenue_eps"]))
    return {
        "fte": fte,
        "headcount": headcount,
        "sick_days": sick_days,
        "sick_spells": spells,
        "other_absence_days": other,
        "training_days": training,
        "leavers": leavers,
        "staff_costs_eur": staff,
        "overtime_hours": overtime,
        "purchased_services_eur": purchased,
        "sick_struct": sick_struct,
        "aw": aw,
        "rev_struct_pf": rev_struct_pf,
        "revenue_eur": revenue,
        "variable_costs_eur": np.rint(revenue * nz["variable_share"]),
        "other_fixed_costs_eur": np.rint(fte * nz["fixed_pf"]),
        "output_volume": np.rint(revenue / nz["volume_price"]),
    }


# --------------------------------------------------------------------------- frames


def _str(values: npt.NDArray[np.object_]) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype="str")


def _responses_frame(
    parts: list[dict[str, Any]],
    ids: Any,
    instr: tuple[Instrument, ...],
) -> pd.DataFrame:
    unit = np.concatenate([p["unit"] for p in parts])
    wave = np.concatenate([p["wave"] for p in parts])
    rid = np.concatenate([p["id"] for p in parts])
    order = np.lexsort((rid, wave, unit))
    width = len(str(max(_id_space(len(p["id"])) for p in parts)))
    rid = rid[order]
    cols: dict[str, Any] = dict(ids(unit[order], wave[order]))
    cols["respondent"] = _str(
        np.strings.add("r", np.strings.zfill(rid.astype(f"U{width}"), width)).astype(object)
    )
    for key in ("role", "age_group", "tenure_group", "gender"):
        cols[key] = _str(np.concatenate([p["background"][key] for p in parts])[order])
    for k in range(len(instr)):
        names: list[str] = parts[0]["items"][k][0]
        block = np.concatenate([p["items"][k][1] for p in parts])[order]
        for j, item in enumerate(names):
            cols[item] = np.ascontiguousarray(block[:, j])
    cols["comment_1"] = _str(np.concatenate([p["comment"] for p in parts])[order])
    return pd.DataFrame(cols)


def _finance_frame(
    flat: dict[str, FloatArray],
    lay: _Layout,
    org_labels: tuple[str, ...],
    wave_labels: tuple[str, ...],
    uw_unit: IntArray,
    uw_wave: IntArray,
    eff: Effects,
) -> pd.DataFrame:
    n_orgs, n_waves = len(org_labels), len(wave_labels)
    uw_org = lay.org[uw_unit]
    group = uw_org * n_waves + uw_wave
    size = n_orgs * n_waves

    def total(col: str) -> FloatArray:
        return np.bincount(group, flat[col], size).astype(np.float64)

    rev_org = total("revenue_eur")
    org_fixed = total("other_fixed_costs_eur") + np.rint(eff.central_overhead_share * rev_org)
    org_idx = np.repeat(np.arange(n_orgs), n_waves)
    org_wave = np.tile(np.arange(n_waves), n_orgs)
    # rows sorted by organisation, then the organisation row before its units, then period
    sort_org = np.concatenate([org_idx, uw_org])
    sort_unit = np.concatenate([np.full(size, -1), uw_unit])
    sort_wave = np.concatenate([org_wave, uw_wave])
    order = np.lexsort((sort_wave, sort_unit, sort_org))
    orgs = np.asarray(org_labels, dtype=object)
    waves = np.asarray(wave_labels, dtype=object)
    unit_col = np.concatenate([np.full(size, None, dtype=object), lay.unit_names[uw_unit]])
    out_unit = np.concatenate([np.full(size, None, dtype=object), lay.output_unit[uw_unit]])
    return pd.DataFrame(
        {
            "org": _str(orgs[sort_org][order]),
            "unit": _str(unit_col[order]),
            "period": _str(waves[sort_wave][order]),
            "revenue_eur": np.concatenate([rev_org, flat["revenue_eur"]])[order],
            "variable_costs_eur": np.concatenate(
                [total("variable_costs_eur"), flat["variable_costs_eur"]]
            )[order],
            "other_fixed_costs_eur": np.concatenate([org_fixed, flat["other_fixed_costs_eur"]])[
                order
            ],
            "output_volume": np.concatenate([np.full(size, np.nan), flat["output_volume"]])[order],
            "output_unit": _str(out_unit[order]),
        }
    )


def _expected_icc(
    eff: Effects, ins: Instrument, sector_mean: float, sector_var: float
) -> dict[str, float]:
    """Expected ICC(1) of each factor's mean item score.

    Each item is y* = nu + lambda * eta + e coarsened onto the answer scale. To
    first order the coarsened items keep the covariances of y* scaled by
    c_j = Cov(x_j, y*_j) / sd(x_j) (the polyserial ratio), so the between-unit
    and total variances of the mean score follow from the loadings. The units'
    sector shifts (mean ``sector_mean``, variance ``sector_var`` over employees)
    add to the between-unit variance.
    """
    v_b = eff.var_org + eff.var_unit + sector_var
    v = v_b + eff.var_person
    cut = _cutpoints(eff.qwl_category_shares)
    out: dict[str, float] = {}
    for f in ins.factors:
        idx = [k for k, it in enumerate(ins.items) if it.factor == f]
        lam = np.asarray(eff.qwl_loadings)[idx]
        # the items' average location: intercept plus the factor's mean level
        level = eff.factor_means[list(ins.factors).index(f)] + sector_mean
        nu = np.asarray(eff.qwl_intercepts)[idx] + lam * level
        # x = sum_k 1(y* > cut_k): E[x] = sum_k P_k, E[x^2] = sum_k (2k - 1) P_k
        # (k = 1, 2, ...; the indicators are nested), Cov(x, y*) = sum_k phi(cut_k - nu)
        p_above = special.ndtr(nu[:, None] - cut[None, :])
        odd = 2.0 * np.arange(1, cut.size + 1) - 1.0
        var_x = p_above @ odd - p_above.sum(axis=1) ** 2
        cov_xy = stats.norm.pdf(cut[None, :] - nu[:, None]).sum(axis=1)
        a = cov_xy * lam  # Cov(x_j, eta) per unit of latent variance
        between = v_b * a.sum() ** 2
        total = v * (a.sum() ** 2 - (a**2).sum()) + var_x.sum()
        out[f] = float(between / total)
    return out


def _truth(
    *,
    eff: Effects,
    seed: int,
    key: dict[str, pd.api.extensions.ExtensionArray],
    lay: _Layout,
    uw_unit: IntArray,
    uw_wave: IntArray,
    treated: BoolArray,
    post_t: BoolArray,
    headcount_ut: IntArray,
    resp_ut: IntArray,
    rate_ut: FloatArray,
    share_true: FloatArray,
    q_true: FloatArray,
    q_cf: FloatArray,
    unit_eff: FloatArray,
    org_eff: FloatArray,
    org_labels: tuple[str, ...],
    wave_labels: tuple[str, ...],
    wave_shift: FloatArray,
    flat: dict[str, FloatArray],
    flat_cf: dict[str, FloatArray],
    noise: dict[str, FloatArray],
    population_qwl: float,
    small: BoolArray,
    qwl_instrument: Instrument,
) -> dict[str, Any]:
    n_units, n_waves = q_true.shape
    sect = np.asarray(_SECTOR_NAMES, dtype=object)
    uw = pd.DataFrame(
        {
            **key,
            "parent": _str(lay.parent[uw_unit]),
            "sector": _str(sect[lay.sector[uw_unit]]),
            "treated": treated[uw_unit],
            "post": post_t[uw_wave],
            "small_unit": small[uw_unit],
            "employees": headcount_ut.reshape(-1).astype(np.int64),
            "respondents": resp_ut.reshape(-1).astype(np.int64),
            "response_rate": rate_ut.reshape(-1),
            "true_fe": share_true[:, :, 0].reshape(-1),
            "true_yi": share_true[:, :, 1].reshape(-1),
            "true_pl": share_true[:, :, 2].reshape(-1),
            "true_qwl": q_true.reshape(-1),
            "true_qwl_cf": q_cf.reshape(-1),
            "unit_effect_fe": unit_eff[:, :, 0].reshape(-1),
            "unit_effect_yi": unit_eff[:, :, 1].reshape(-1),
            "unit_effect_pl": unit_eff[:, :, 2].reshape(-1),
            "sick_unit_effect": noise["sick_unit"].reshape(-1),
            "sick_days_per_fte_structural": flat["sick_struct"],
            "sick_days_per_fte_structural_cf": flat_cf["sick_struct"],
            "structural_time_share": flat["aw"],
            "k_eur_per_hour": noise["k"].reshape(-1),
            "revenue_per_fte_structural": flat["rev_struct_pf"],
        }
    )
    d = (treated[uw_unit] & post_t[uw_wave]).astype(bool)
    fte = flat["fte"]
    diff = {
        "att_qwl": (q_true - q_cf).reshape(-1),
        "sick_s": flat["sick_struct"] - flat_cf["sick_struct"],
        "sick": (flat["sick_days"] - flat_cf["sick_days"]) / fte,
        "rev": (flat["revenue_eur"] - flat_cf["revenue_eur"]) / fte,
    }

    def att(mask: BoolArray) -> dict[str, float]:
        if not mask.any():
            nan = float("nan")
            return dict.fromkeys(
                (
                    "att_qwl",
                    "att_qwl_points",
                    "att_sick_days_per_fte_structural",
                    "att_sick_days_per_fte",
                    "att_revenue_per_fte_eur",
                ),
                nan,
            )
        a = float(diff["att_qwl"][mask].mean())
        return {
            "att_qwl": a,
            "att_qwl_points": 100.0 * a,
            "att_sick_days_per_fte_structural": float(diff["sick_s"][mask].mean()),
            "att_sick_days_per_fte": float(diff["sick"][mask].mean()),
            "att_revenue_per_fte_eur": float(diff["rev"][mask].mean()),
        }

    by_wave_rows = []
    for t in np.flatnonzero(post_t):
        by_wave_rows.append({"wave": wave_labels[t], **att(d & (uw_wave == t))})
    by_wave = pd.DataFrame(
        by_wave_rows,
        columns=[
            "wave",
            "att_qwl",
            "att_qwl_points",
            "att_sick_days_per_fte_structural",
            "att_sick_days_per_fte",
            "att_revenue_per_fte_eur",
        ],
    )
    by_wave["wave"] = by_wave["wave"].astype("str")
    start = eff.experiment_start
    experiment: dict[str, Any] = {
        "start_wave": wave_labels[start] if start < n_waves else None,
        "n_treated_units": int(treated.sum()),
        **att(d),
        "by_wave": by_wave,
    }
    weight = headcount_ut.sum(axis=1).astype(np.float64)
    shift_u = np.asarray(eff.sector_shift, dtype=np.float64)[lay.sector]
    sector_mean = float(np.average(shift_u, weights=weight)) if weight.sum() > 0 else 0.0
    sector_var = (
        float(np.average((shift_u - sector_mean) ** 2, weights=weight)) if weight.sum() > 0 else 0.0
    )
    v_b = eff.var_org + eff.var_unit + sector_var
    v = v_b + eff.var_person
    return {
        "effects": asdict(eff),
        "seed": seed,
        "unit_wave": uw,
        "experiment": experiment,
        "variance_components": {
            "org": eff.var_org,
            "unit": eff.var_unit,
            "person": eff.var_person,
            "sector": sector_var,
            "icc1_latent": v_b / v,
            "icc1_factor_score": _expected_icc(eff, qwl_instrument, sector_mean, sector_var),
        },
        "wave_effects": pd.DataFrame(
            {
                "wave": pd.array(list(wave_labels), dtype="str"),
                "latent_shift": wave_shift,
                "sick_days_per_fte": noise["sick_wave"][0],
            }
        ),
        "org_effects": pd.DataFrame(
            {
                "org": pd.array(list(org_labels), dtype="str"),
                "fe": org_eff[:, 0],
                "yi": org_eff[:, 1],
                "pl": org_eff[:, 2],
            }
        ),
        "population_qwl": population_qwl,
    }
