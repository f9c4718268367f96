"""Respondents in units in organisations: a mixed model (``multilevel``).

Wraps :class:`statsmodels.regression.mixed_linear_model.MixedLM`. The exposure is
split at the unit level into a within-unit part and a between-unit part (the
unit mean), so that the two effects are not mixed into one uninterpretable slope
(Enders & Tofighi 2007). The method, its formulas and sources are in
``docs/multilevel.md``.

Unit means (``unit_means``):

``"latent"`` (default)
    The unit mean is the empirical-Bayes (reliability-weighted) prediction of the
    unit's true mean, and the interval of the between and contextual effects
    carries the uncertainty of that reliability: the observed mean of a few
    answers is an unreliable measure of the unit, which biases the between
    effect towards the within effect (Lüdtke et al. 2008).
``"observed"``
    The observed unit mean (manifest aggregation); a ``ModelWarning`` gives the
    exposure's ICC(2).

Organisations enter in one of two ways (``org_effects``):

``"random"``
    Random intercepts for units nested in organisations: ``groups=org`` with a
    variance component for the units (``vc_formula``), the exact nested model.
``"fixed"``
    Random intercepts for units, organisations as fixed effects. With few
    organisations (the usual case: a handful of municipalities or a single
    care district) their variance cannot be estimated reliably and fixed
    effects are the standard advice (McNeish & Stapleton 2016); it is also
    far faster, because the groups are the small units, not the large
    organisations. The between effect is then the effect of the unit mean
    between units of the same organisation.

``"auto"`` (default) takes ``"fixed"`` below 50 organisations and ``"random"``
from 50 on. See ``benchmarks/results/models_multilevel.md`` for timings.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from hrproductivity.errors import ModelWarning
from hrproductivity.models._results import (
    ArgumentError,
    ModelFitError,
    ModelResults,
    as_names,
    check_alpha,
    check_columns,
    check_distinct,
    check_frame,
    check_numeric,
    to_float,
    wald_table,
)

__all__ = ["MultilevelResults", "multilevel"]

#: ``org_effects="auto"`` uses random organisation intercepts from this many organisations on.
RANDOM_ORGS_FROM = 50
#: A variance component below this share of the total variance counts as at the boundary.
BOUNDARY_SHARE = 1e-3
#: Up to this many respondents the fit starts with Powell's method (see ``_fit``).
POWELL_FIRST_UP_TO = 20_000
#: Relative size (to the exposure's spread) below which a column counts as constant.
_CONSTANT = 1e-10


@dataclass(frozen=True, eq=False, kw_only=True)
class MultilevelResults(ModelResults):
    """Results of :func:`multilevel`.

    Attributes
    ----------
    (besides those of :class:`ModelResults`)

    exposure : str
        Exposure column. With ``decompose=True`` the rows are
        ``<exposure>_within``, ``<exposure>_between`` and
        ``<exposure>_contextual`` (between minus within).
    groups : tuple of str
        Grouping columns, outermost first.
    org_effects : str
        ``"random"``, ``"fixed"`` or ``"none"`` (one grouping level).
    variance_components : DataFrame
        ``component, variance, sd, share``: organisation (when random), unit and
        residual variances and their shares of the total; with a random slope
        also ``"<unit> slope"`` (the variance of the unit's slope, ``share`` empty).
    converged : bool
        Whether the optimiser reported convergence.
    unit_means : str
        ``"latent"``, ``"observed"`` or ``"none"`` (``decompose=False``): the unit
        means actually used (``"observed"`` when the latent correction was asked for
        but the exposure's unit means do not differ beyond chance; the between and
        contextual rows are then missing, with unbounded intervals).
    random_slope : bool
        Whether the exposure's slope varies between units.
    fit : Mapping[str, float]
        ``llf`` (log-likelihood), ``icc_unit`` (the unit level's share of the total
        variance in ``variance_components``), ``n_units`` and ``n_orgs``; with
        ``decompose=True`` also ``icc1_exposure`` and ``icc2_exposure`` (the
        exposure's ICC(1) and ICC(2)); with a random slope ``slope_lr`` (the
        likelihood-ratio statistic of the slope variance), ``slope_lr_p`` (its
        p-value from the 50:50 mixture of chi2(1) and chi2(2)) and ``slope_corr``
        (the unit intercept-slope correlation).
    """

    exposure: str
    groups: tuple[str, ...]
    org_effects: str
    variance_components: pd.DataFrame
    converged: bool
    unit_means: str = "none"
    random_slope: bool = False

    def _title(self) -> str:
        levels = " in ".join(reversed(self.groups))
        return f"multilevel: {self.outcome} on {self.exposure} (respondents in {levels})"


def multilevel(
    data: pd.DataFrame,
    *,
    outcome: str,
    exposure: str,
    groups: str | Sequence[str] = ("org", "unit"),
    controls: Sequence[str] = (),
    decompose: bool = True,
    unit_means: Literal["latent", "observed"] = "latent",
    random_slope: bool = False,
    org_effects: Literal["auto", "random", "fixed"] = "auto",
    reml: bool = True,
    alpha: float = 0.05,
) -> MultilevelResults:
    """Mixed model of respondents in units (in organisations).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Outcome column (e.g. a respondent's work ability or self-rated performance).
    exposure : str
        Exposure column (e.g. the respondent's QWL index).
    groups : str or sequence of str, default ("org", "unit")
        Grouping columns, outermost first: one level (``"unit"``) or two
        (``("org", "unit")``). Units are identified within organisations, so the
        same unit name in two organisations is two units.
    controls : sequence of str, default ()
        Respondent-level control columns.
    decompose : bool, default True
        Split the exposure into within-unit and between-unit parts. ``False`` fits
        one slope for the raw exposure.
    unit_means : {"latent", "observed"}, default "latent"
        The between-unit part of the exposure: the reliability-corrected
        (empirical-Bayes) unit mean, whose between and contextual effects are
        unbiased and whose intervals carry the uncertainty of the correction, or
        the observed unit mean (biased towards the within effect when the unit
        means are unreliable; a ``ModelWarning`` gives the exposure's ICC(2)).
        See the Notes. Ignored with ``decompose=False``.
    random_slope : bool, default False
        Let the (within-unit) slope of the exposure vary between units, with its
        covariance with the unit intercept. ``fit`` then has a likelihood-ratio
        test of the slope variance. Needs one grouping level or organisations as
        fixed effects.
    org_effects : {"auto", "random", "fixed"}, default "auto"
        How organisations enter with two levels (see the module notes).
    reml : bool, default True
        Restricted maximum likelihood (``False``: maximum likelihood).
    alpha : float, default 0.05
        Intervals are ``1 - alpha`` intervals from the t distribution with the
        ``df`` of the table (see the Notes).

    Returns
    -------
    MultilevelResults
        ``summary()`` rows: the exposure terms and controls (``term, estimate, se,
        ci_low, ci_high, p_val, n, df``). ``variance_components`` lists the variances.
        ``fit`` has ``llf``, ``icc_unit`` (share of the unit variance), ``n_units``,
        ``n_orgs``; with ``decompose=True`` also ``icc1_exposure`` and
        ``icc2_exposure`` (the exposure's ICC(1) and the reliability of its unit
        means, between units of the same organisation when organisations are fixed);
        with ``random_slope=True`` also ``slope_lr`` (likelihood-ratio statistic),
        ``slope_lr_p`` (its p-value) and ``slope_corr`` (intercept-slope correlation).
        ``raw`` is the statsmodels ``MixedLMResults``. ``effect_term`` is the
        within-unit effect.

    Raises
    ------
    ArgumentError
        A column is missing or not numeric, ``groups`` has no or more than two
        columns, ``org_effects`` or ``unit_means`` is unknown, ``random_slope``
        is asked for with random organisation intercepts, or (with
        ``decompose=True``) the exposure's unit means are the same in every unit
        (or in every unit of an organisation with ``org_effects="fixed"``) or the
        exposure does not vary within units.

    Warns
    -----
    ModelWarning
        Observed unit means with the exposure's ICC(2); the latent correction was
        impossible (unit means no more variable than chance); the optimiser did not
        converge, a variance component is at zero, or the Hessian is not positive
        definite; each with advice.

    Notes
    -----
    ``y_ij = b0 + bW (x_ij - m_j) + bB m_j + z_ij'g + u_org(j) + u_j + v_j (x_ij - m_j)
    + e_ij`` with ``u_j ~ N(0, s2_unit)``, ``u_org ~ N(0, s2_org)`` (random) or fixed
    organisation intercepts, the random slope ``v_j`` only with ``random_slope=True``,
    ``e_ij ~ N(0, s2)``. The contextual effect ``bB - bW`` is the effect of the unit
    mean over and above the individual exposure.

    ``m_j`` is the observed mean ``x̄_j`` or, with ``unit_means="latent"``, its
    empirical-Bayes prediction ``m_j = x̄_0 + λ_j (x̄_j - x̄_0)`` with
    ``λ_j = τ² / (τ² + σ² / n_j)`` from the one-way ANOVA of the exposure
    (``x̄_0`` the organisation's mean with fixed organisations, else the grand
    mean). Regressing on this prediction removes the attenuation
    ``E[b̂B] = λ bB + (1 - λ) bW`` of the observed mean (regression calibration;
    Croon & van Veldhoven 2007; Lüdtke et al. 2008; Grilli & Rampichini 2011).
    The variance of the between and contextual effects adds the delta-method term
    ``b̂C² Var(λ̂) / λ̂²`` with ``Var(λ̂) ≈ (1 - λ̂)² (2/df_B + 2/df_W)`` for the
    estimated reliability ``λ̂ = ICC(2) = 1 - MSW/MSB``.

    Intervals and p-values use the t distribution with the between-within degrees
    of freedom of Pinheiro & Bates (2000, sec. 2.4.2; nlme, SAS ``DDFM=BETWITHIN``):
    a term that varies within units has ``N - J - p_1`` (``p_1`` such terms),
    a term constant within units ``J - K - p_2`` (``K`` organisations, or 1;
    ``p_2`` unit-level terms besides the organisation intercepts) and a term
    constant within organisations ``K - 1 - p_3``. The contextual effect, and the
    within effect when its slope is random, take the unit-level df: its variance
    is driven by the units, and lmerTest's Satterthwaite df for ``(Days | Subject)``
    on sleepstudy is the same 17 (nlme's rule ignores the random slope: 161).

    The likelihood-ratio test of the random slope compares the fits with and
    without it (same ``reml``); under the null the slope variance is on the
    boundary and the statistic follows the 50:50 mixture of χ²(1) and χ²(2)
    (Self & Liang 1987; Stram & Lee 1994): ``p = ½ P(χ²₁ > LR) + ½ P(χ²₂ > LR)``.

    References
    ----------
    Croon, M. A. & van Veldhoven, M. J. P. M. (2007). Predicting group-level
    outcome variables from variables measured at the individual level: a latent
    variable multilevel model. Psychological Methods 12(1), 45–57.
    Enders, C. K. & Tofighi, D. (2007). Centering predictor variables in
    cross-sectional multilevel models. Psychological Methods 12(2), 121–138.
    Grilli, L. & Rampichini, C. (2011). The role of sample cluster means in
    multilevel models. Methodology 7(4), 121–133.
    Lüdtke, O., Marsh, H. W., Robitzsch, A., Trautwein, U., Asparouhov, T. &
    Muthén, B. (2008). The multilevel latent covariate model. Psychological
    Methods 13(3), 203–229.
    McNeish, D. & Stapleton, L. M. (2016). Modeling clustered data with very few
    clusters. Multivariate Behavioral Research 51(4), 495–518.
    Pinheiro, J. C. & Bates, D. M. (2000). Mixed-Effects Models in S and S-PLUS.
    Springer.
    Self, S. G. & Liang, K.-Y. (1987). Asymptotic properties of maximum likelihood
    estimators and likelihood ratio tests under nonstandard conditions. JASA
    82(398), 605–610.
    Stram, D. O. & Lee, J. W. (1994). Variance components testing in the
    longitudinal mixed effects model. Biometrics 50(4), 1171–1177.

    Example
    -------
    >>> from hrproductivity.models import multilevel
    >>> res = multilevel(respondents, outcome="work_ability", exposure="qwl",
    ...                  groups=("org", "unit"))  # doctest: +SKIP
    >>> res.variance_components  # doctest: +SKIP

    In R, with observed means (``qwl_between <- ave(qwl, org, unit)``,
    ``qwl_within <- qwl - qwl_between``): ``org_effects="fixed"`` (what ``"auto"``
    fits below 50 organisations) is
    ``lme4::lmer(y ~ qwl_within + qwl_between + factor(org) + (1 | org:unit))``,
    ``org_effects="random"`` is ``lmer(y ~ qwl_within + qwl_between + (1 | org/unit))``,
    one grouping level ``(1 | unit)``; ``random_slope=True`` makes the unit term
    ``(1 + qwl_within | org:unit)``. The latent means have no lme4 equivalent (Mplus
    ``TYPE = TWOLEVEL`` with a latent covariate is the closest).
    """
    check_frame(data)
    alpha = check_alpha(alpha)
    group_cols = as_names(groups, "groups")
    control_cols = as_names(controls, "controls")
    if not 1 <= len(group_cols) <= 2:
        raise ArgumentError(
            f"groups: give one or two columns (outermost first), got {len(group_cols)}"
        )
    if org_effects not in ("auto", "random", "fixed"):
        raise ArgumentError(f"org_effects: choose 'auto', 'random' or 'fixed', got {org_effects!r}")
    if unit_means not in ("latent", "observed"):
        raise ArgumentError(f"unit_means: choose 'latent' or 'observed', got {unit_means!r}")
    check_columns(data, outcome=outcome, exposure=exposure, groups=group_cols)
    check_columns(data, controls=control_cols)
    check_numeric(data, outcome=outcome, exposure=exposure, controls=control_cols)
    check_distinct(outcome=outcome, exposure=exposure, controls=control_cols, groups=group_cols)

    values = {"y": to_float(data[outcome]), "x": to_float(data[exposure])}
    safe_controls = [f"c{i}" for i in range(len(control_cols))]
    for safe, c in zip(safe_controls, control_cols, strict=True):
        values[safe] = to_float(data[c])
    frame = pd.DataFrame(values)
    ok = frame.notna().all(axis=1).to_numpy() & data[group_cols].notna().all(axis=1).to_numpy()
    if not ok.any():
        raise ArgumentError("data: no rows without missing values in the model's columns")
    frame = frame.loc[ok].reset_index(drop=True)
    keys = data.loc[ok, group_cols].reset_index(drop=True)
    if len(group_cols) == 1:
        unit_ids = pd.factorize(keys[group_cols[0]])[0]
        org_ids = np.zeros(len(frame), dtype=np.int64)
    else:
        unit_ids = pd.factorize(pd.MultiIndex.from_frame(keys))[0]
        org_ids = pd.factorize(keys[group_cols[0]])[0]
    frame["unit"] = unit_ids
    frame["org"] = org_ids
    n_units = int(unit_ids.max()) + 1
    n_orgs = int(org_ids.max()) + 1

    if len(group_cols) == 1:
        mode = "none"
    elif org_effects == "auto":
        mode = "fixed" if n_orgs < RANDOM_ORGS_FROM else "random"
    else:
        mode = org_effects
    if random_slope and mode == "random":
        raise ArgumentError(
            "random_slope: a random slope needs one grouping level or "
            f"org_effects='fixed' ({n_orgs} organisations gave random organisation "
            "intercepts); pass org_effects='fixed'"
        )

    notes: list[str] = []
    fit_extra: dict[str, float] = {}
    lam_var = 0.0
    used_means = "none"
    if decompose:
        rel = _exposure_reliability(frame, exposure, mode)
        fit_extra["icc1_exposure"] = rel["icc1"]
        fit_extra["icc2_exposure"] = rel["icc2"]
        used_means = unit_means
        unidentified = unit_means == "latent" and not rel["tau2"] > 0
        if unidentified:
            warnings.warn(
                f"multilevel: the unit means of {exposure!r} vary no more than chance "
                f"(ICC(2) = {rel['icc2']:.2f}), so the between and contextual effects of "
                "the units' true means cannot be estimated: they are reported as missing "
                "with unbounded intervals. unit_means='observed' gives the effect of the "
                "observed means of these respondents instead.",
                ModelWarning,
                stacklevel=2,
            )
            notes.append("Unit means no more variable than chance: between effect not estimable.")
            used_means = "observed"
        if used_means == "latent":
            frame["xb"] = rel["target"] + rel["lam_j"] * (rel["xbar"] - rel["target"])
            lam_var = rel["lam_var"]
            notes.append(
                f"Unit means of {exposure!r} are latent (reliability-corrected; "
                f"ICC(2) = {rel['icc2']:.2f})."
            )
        else:
            frame["xb"] = rel["xbar"]
            if not unidentified:
                bias = 1.0 - max(rel["icc2"], 0.0)
                warnings.warn(
                    f"multilevel: the between and contextual effects of {exposure!r} use "
                    f"the observed unit means, whose reliability ICC(2) is "
                    f"{rel['icc2']:.2f}: the between effect is pulled towards the within "
                    f"effect by about {bias:.0%} of the contextual effect (Lüdtke et al. "
                    "2008). unit_means='latent' corrects this.",
                    ModelWarning,
                    stacklevel=2,
                )
                notes.append(f"Observed unit means of {exposure!r} (ICC(2) = {rel['icc2']:.2f}).")
        frame["xw"] = frame["x"] - frame["xb"]
        slope_cols = ["xw", "xb"]
        slope_names = [f"{exposure}_within", f"{exposure}_between"]
    else:
        slope_cols = ["x"]
        slope_names = [exposure]
    names = dict(zip(slope_cols + safe_controls, slope_names + control_cols, strict=True))

    fe_formula = "y ~ " + " + ".join(slope_cols + safe_controls)
    re_formula = f"1 + {slope_cols[0]}" if random_slope else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res, refitted = _fit_with_fallback(frame, fe_formula, mode, reml, re_formula)
        if random_slope:
            res0, _ = _fit_with_fallback(frame, fe_formula, mode, reml, None)

    variance = _variance_components(res, mode, group_cols, random_slope)
    notes += _report_warnings(caught, variance, mode)
    if refitted:
        notes.append("The optimisers met a singular matrix; refitted with Nelder-Mead.")
    converged = bool(res.converged)

    terms = slope_cols + safe_controls
    ddf = _between_within_df(frame, terms, mode, n_units, n_orgs)
    if random_slope:
        ddf[slope_cols[0]] = ddf["_unit"]
    fe = res.fe_params[terms].to_numpy()
    cov = res.cov_params().loc[terms, terms].to_numpy().copy()
    if decompose and lam_var > 0:
        # the delta-method variance of the estimated reliability adds to the between
        # effect only (the within effect is unaffected), so also to the contextual one
        cov[1, 1] += float(fe[1] - fe[0]) ** 2 * lam_var
    se = np.sqrt(np.diag(cov))
    rows = [
        wald_table([names[t]], fe[[i]], se[[i]], df=ddf[t], alpha=alpha, n=len(frame)).assign(
            df=ddf[t]
        )
        for i, t in enumerate(terms)
    ]
    if decompose:
        w = np.array([-1.0, 1.0])
        est = float(fe[1] - fe[0])
        se_c = float(np.sqrt(w @ cov[:2, :2] @ w))
        rows.insert(
            2,
            wald_table(
                [f"{exposure}_contextual"], np.array([est]), np.array([se_c]),
                df=ddf["_unit"], alpha=alpha, n=len(frame),
            ).assign(df=ddf["_unit"]),
        )  # fmt: skip
        crit = float(stats.t.ppf(1 - alpha / 2, ddf["_unit"]))
        if lam_var > 0:
            # Fieller-type intervals: the uncertainty of the reliability scales with
            # the (unknown) contextual effect itself, so the interval is skewed
            base = cov[1, 1] - est**2 * lam_var
            for row, shift in ((rows[1], float(fe[0])), (rows[2], 0.0)):
                var_obs = base if shift else float(w @ cov[:2, :2] @ w) - est**2 * lam_var
                low, high = _fieller(float(row["estimate"].iloc[0]), var_obs, lam_var, shift, crit)
                row["ci_low"], row["ci_high"] = low, high
        elif unidentified:
            for row in (rows[1], rows[2]):
                row[["estimate", "se", "p_val"]] = np.nan
                row["ci_low"], row["ci_high"] = -np.inf, np.inf
    table = pd.concat(rows, ignore_index=True)
    unit_share = variance.loc[variance["component"] == group_cols[-1], "share"]
    fit: dict[str, float] = {
        "llf": float(res.llf),
        "icc_unit": float(unit_share.iloc[0]) if len(unit_share) else float("nan"),
        "n_units": n_units,
        "n_orgs": n_orgs,
        **fit_extra,
    }
    if random_slope:
        lr = max(2.0 * (float(res.llf) - float(res0.llf)), 0.0)
        fit["slope_lr"] = lr
        fit["slope_lr_p"] = float(0.5 * stats.chi2.sf(lr, 1) + 0.5 * stats.chi2.sf(lr, 2))
        cov_re = np.asarray(res.cov_re)
        denom = np.sqrt(cov_re[0, 0] * cov_re[1, 1])
        fit["slope_corr"] = float(cov_re[0, 1] / denom) if denom > 0 else float("nan")
        notes.append(
            f"Random slope of {slope_names[0]!r}: likelihood-ratio test of its variance "
            f"LR = {lr:.2f}, p = {fit['slope_lr_p']:.3g} (50:50 mixture of χ²(1) and χ²(2))."
        )
    if mode == "fixed":
        notes.append(
            f"{n_orgs} organisations entered as fixed effects; the between effect "
            "compares units within the same organisation."
        )
    return MultilevelResults(
        model="multilevel",
        outcome=outcome,
        table=table,
        n=len(frame),
        fit=fit,
        alpha=alpha,
        effect_term=slope_names[0],
        notes=tuple(notes),
        raw=res,
        exposure=exposure,
        groups=tuple(group_cols),
        org_effects=mode,
        variance_components=variance,
        converged=converged,
        unit_means=used_means,
        random_slope=random_slope,
    )


def _fieller(
    estimate: float, var_model: float, lam_var: float, shift: float, crit: float
) -> tuple[float, float]:
    """Interval ``{b : (e - c)² ≤ crit² (var_model + c² lam_var)}``, ``c = b - shift``.

    With ``e = estimate - shift``; unbounded when ``crit² lam_var ≥ 1`` (the
    reliability is not clearly above zero).
    """
    k = crit**2
    a = 1.0 - k * lam_var
    if a <= 0:
        return -np.inf, np.inf
    e = estimate - shift
    half = float(np.sqrt(k * (lam_var * e**2 + var_model * a)))
    return shift + (e - half) / a, shift + (e + half) / a


def _exposure_reliability(frame: pd.DataFrame, exposure: str, mode: str) -> dict[str, Any]:
    """One-way ANOVA of the exposure across units (within organisations when fixed).

    Returns the unit means per row (``xbar``), the shrinkage target per row
    (``target``), ``lam_j`` per row, ``tau2``, ICC(1), ICC(2) and the delta-method
    ``Var(λ̂) / λ̂²`` (``lam_var``). Raises ``ArgumentError`` when the between or the
    within part of the exposure is constant.
    """
    x = frame["x"]
    by_unit = x.groupby(frame["unit"])
    xbar = by_unit.transform("mean").to_numpy()
    within_org = mode == "fixed"
    target = (
        x.groupby(frame["org"]).transform("mean").to_numpy()
        if within_org
        else np.full(len(x), float(x.mean()))
    )
    spread = float(x.std()) if len(x) > 1 else 0.0
    tol = _CONSTANT * max(spread, 1.0)
    if not np.abs(xbar - xbar.mean()).max() > tol:
        raise ArgumentError(
            f"exposure: the unit mean of {exposure!r} is the same in every unit, so its "
            "between-unit part is collinear with the intercept and the between and "
            "contextual effects are not identified; pass decompose=False"
        )
    if within_org and not np.abs(xbar - target).max() > tol:
        raise ArgumentError(
            f"exposure: the unit mean of {exposure!r} is the same in every unit of each "
            "organisation, so with organisations as fixed effects its between-unit part "
            "is collinear with them; pass org_effects='random' or decompose=False"
        )
    if not np.abs(x.to_numpy() - xbar).max() > tol:
        raise ArgumentError(
            f"exposure: {exposure!r} does not vary within units (it is a unit-level "
            "variable), so it has no within-unit part; pass decompose=False"
        )
    units = frame.groupby("unit")
    n_j = units.size().to_numpy(dtype=float)
    means_j = units["x"].mean().to_numpy()
    target_j = units["org"].first().to_numpy()
    if within_org:
        org_mean = x.groupby(frame["org"]).mean().to_numpy()
        centre_j = org_mean[target_j]
        n_groups_out = int(frame["org"].max()) + 1
    else:
        centre_j = np.full(len(n_j), float(x.mean()))
        n_groups_out = 1
    n_total, n_units = float(n_j.sum()), len(n_j)
    df_b = float(n_units - n_groups_out)
    df_w = n_total - n_units
    ss_b = float(np.sum(n_j * (means_j - centre_j) ** 2))
    ss_w = float(((x.to_numpy() - xbar) ** 2).sum())
    msb = ss_b / df_b if df_b > 0 else float("nan")
    msw = ss_w / df_w if df_w > 0 else float("nan")
    # adjusted mean unit size (one-way ANOVA with unequal groups)
    n0 = (n_total - float(np.sum(n_j**2)) / n_total) / max(float(n_units - 1), 1.0)
    tau2 = (msb - msw) / n0
    icc1 = tau2 / (tau2 + msw) if tau2 + msw > 0 else float("nan")
    icc2 = 1.0 - msw / msb if msb > 0 else float("nan")
    out: dict[str, Any] = {
        "xbar": xbar,
        "target": target,
        "tau2": tau2,
        "icc1": float(icc1),
        "icc2": float(icc2),
        "lam_var": 0.0,
    }
    if tau2 > 0:
        lam_rows = tau2 / (tau2 + msw / n_j)
        out["lam_j"] = lam_rows[frame["unit"].to_numpy()]
        out["lam_var"] = (1.0 - icc2) ** 2 * (2.0 / df_b + 2.0 / df_w) / icc2**2
    return out


def _between_within_df(
    frame: pd.DataFrame, terms: Sequence[str], mode: str, n_units: int, n_orgs: int
) -> dict[str, float]:
    """Between-within denominator df of each term (Pinheiro & Bates 2000, sec. 2.4.2).

    ``"_unit"`` holds the df of the unit level (used for the contextual effect and
    random slopes).
    """
    level: dict[str, int] = {}
    for t in terms:
        col = frame[t]
        tol = _CONSTANT * max(float(col.abs().max()), 1.0)
        if (col - col.groupby(frame["unit"]).transform("mean")).abs().max() > tol:
            level[t] = 1
        elif (
            mode == "random"
            and not (col - col.groupby(frame["org"]).transform("mean")).abs().max() > tol
        ):
            level[t] = 3
        else:
            level[t] = 2
    p1 = sum(v == 1 for v in level.values())
    p2 = sum(v == 2 for v in level.values())
    p3 = sum(v == 3 for v in level.values())
    k = n_orgs if mode in ("fixed", "random") else 1
    df = {1: len(frame) - n_units - p1, 2: n_units - k - p2, 3: n_orgs - 1 - p3}
    out = {t: float(max(df[v], 1)) for t, v in level.items()}
    out["_unit"] = float(max(df[2], 1))
    return out


def _fit_with_fallback(
    frame: pd.DataFrame, fe_formula: str, mode: str, reml: bool, re_formula: str | None
) -> tuple[Any, bool]:
    try:
        return _fit(frame, fe_formula, mode, reml, None, re_formula), False
    except np.linalg.LinAlgError:
        # A singular matrix, typically because a variance component is exactly
        # zero; Nelder-Mead needs no gradient and no line search.
        return _fit(frame, fe_formula, mode, reml, "nm", re_formula), True


def _fit(
    frame: pd.DataFrame,
    fe_formula: str,
    mode: str,
    reml: bool,
    method: str | None,
    re_formula: str | None = None,
) -> Any:
    """Fit the MixedLM; by default Powell's method, then BFGS from its optimum.

    statsmodels' default (BFGS from unit variances) stops short of the optimum on
    about half of small simulated data sets (30-50 units; ``docs/multilevel.md``);
    Powell's method from the same start converges, and a BFGS step from its
    optimum makes the variances precise (lme4's sleepstudy values to 4 decimals).
    Above ``POWELL_FIRST_UP_TO`` respondents BFGS alone is tried first: there it
    converges and is faster; Powell follows only when it does not.
    """
    import statsmodels.formula.api as smf

    if mode == "random":
        per_org = frame.groupby("org")["unit"].nunique()
        model = smf.mixedlm(
            fe_formula,
            frame,
            groups="org",
            re_formula="1",
            vc_formula={"unit": "0 + C(unit)"},
            # sparse design matrices pay off when organisations have many units
            use_sparse=bool(per_org.max() > 50),
        )
    elif mode == "fixed":
        model = smf.mixedlm(fe_formula + " + C(org)", frame, groups="unit", re_formula=re_formula)
    else:
        model = smf.mixedlm(fe_formula, frame, groups="unit", re_formula=re_formula)
    if method is not None:
        try:
            return model.fit(reml=reml, method=method)
        except np.linalg.LinAlgError:
            raise ModelFitError(
                "multilevel: MixedLM failed with a singular matrix even with a "
                "gradient-free optimiser. A variance component is probably zero or the "
                "fixed effects are collinear: simplify the model (one grouping level, "
                "org_effects='fixed', fewer controls)."
            ) from None
    if len(frame) > POWELL_FIRST_UP_TO:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                quick = model.fit(reml=reml, method="bfgs")
            except np.linalg.LinAlgError:
                quick = None
        if quick is not None and quick.converged:
            for w in caught:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            return quick
    first = model.fit(reml=reml, method=["powell", "bfgs"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            polished = model.fit(reml=reml, method="bfgs", start_params=first.params_object)
        except np.linalg.LinAlgError:
            return first
    if polished.converged and polished.llf >= first.llf - 1e-8:
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return polished
    return first


def _variance_components(
    res: Any, mode: str, group_cols: list[str], random_slope: bool = False
) -> pd.DataFrame:
    rows: list[tuple[str, float]] = []
    if mode == "random":
        rows.append((group_cols[0], float(np.asarray(res.cov_re)[0, 0])))
        rows.append((group_cols[1], float(np.asarray(res.vcomp)[0])))
    else:
        rows.append((group_cols[-1], float(np.asarray(res.cov_re)[0, 0])))
    rows.append(("residual", float(res.scale)))
    out = pd.DataFrame(rows, columns=["component", "variance"])
    out["sd"] = np.sqrt(out["variance"].clip(lower=0.0))
    out["share"] = out["variance"] / out["variance"].sum()
    if random_slope:
        # a slope variance is in (outcome per exposure unit)²: no share of the total
        slope = float(np.asarray(res.cov_re)[1, 1])
        row = pd.DataFrame(
            {
                "component": [f"{group_cols[-1]} slope"],
                "variance": [slope],
                "sd": [np.sqrt(max(slope, 0.0))],
                "share": [np.nan],
            }
        )
        out = pd.concat([out.iloc[:-1], row, out.iloc[-1:]], ignore_index=True)
    return out


def _report_warnings(caught: list[Any], variance: pd.DataFrame, mode: str) -> list[str]:
    """Re-issue statsmodels' warnings as ModelWarning with advice; return notes."""
    notes: list[str] = []
    messages = [str(w.message) for w in caught]
    failed = any("optimization failed" in m or "Gradient optimization" in m for m in messages)
    if failed:
        warnings.warn(
            "multilevel: the MixedLM optimiser did not converge, so the estimates may be "
            "wrong. Standardise the outcome and exposure, try reml=False, or simplify the "
            "model (org_effects='fixed', fewer controls).",
            ModelWarning,
            stacklevel=3,
        )
        notes.append("The optimiser did not converge.")
    elif any(m.startswith("Retrying MixedLM") for m in messages):
        notes.append("The first optimiser failed; another one converged.")
    tiny = variance[(variance["component"] != "residual") & (variance["share"] < BOUNDARY_SHARE)]
    for comp in tiny["component"]:
        advice = (
            "there may be too few organisations to estimate it; use org_effects='fixed'"
            if mode == "random" and comp == variance["component"].iloc[0]
            else "the groups do not differ beyond chance; a single-level model may do"
        )
        warnings.warn(
            f"multilevel: the variance of {comp!r} is at zero (the boundary); {advice}. "
            "Its standard error and the fit statistics are unreliable.",
            ModelWarning,
            stacklevel=3,
        )
        notes.append(f"Variance of {comp!r} at zero.")
    if any("Hessian" in m for m in messages) and tiny.empty:
        warnings.warn(
            "multilevel: the Hessian is not positive definite, so the standard errors are "
            "unreliable. Standardise the variables or simplify the random part.",
            ModelWarning,
            stacklevel=3,
        )
        notes.append("Hessian not positive definite.")
    slope = variance[variance["share"].isna() & (variance["variance"] < 0.01)]
    if any("boundary" in m for m in messages) and tiny.empty and not slope.empty:
        notes.append(
            "statsmodels' boundary check fired: the random slope's variance is below "
            "0.01; see the likelihood-ratio test of the slope."
        )
    elif any("boundary" in m for m in messages) and tiny.empty:
        # statsmodels flags variances below 0.01 in the outcome's units, which is
        # a false alarm for outcomes on a small scale (e.g. shares 0-1).
        notes.append(
            "statsmodels' absolute boundary check (variance < 0.01) fired; every "
            "component is above 0.1 % of the total variance."
        )
    for w in caught:
        m = str(w.message)
        known = ("optimization", "Retrying", "boundary", "Hessian", "Gradient")
        if not any(k in m for k in known):
            advice = (
                "; a variance component is (near) zero or the groups are too few to "
                "estimate it: simplify the random part (one grouping level, or "
                "org_effects='fixed')"
                if "singular" in m.lower()
                else ""
            )
            warnings.warn(f"multilevel: {m}{advice}", ModelWarning, stacklevel=3)
            notes.append(m)
    return notes
