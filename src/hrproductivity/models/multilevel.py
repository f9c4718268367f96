"""Respondents in units in organisations: a random-intercept model (``multilevel``).

Wraps :class:`statsmodels.regression.mixed_linear_model.MixedLM`. The exposure is
split by group-mean centring at the unit level into a within-unit part
(``x - unit mean``) and a between-unit part (the unit mean), so that the two
effects are not mixed into one uninterpretable slope (Enders & Tofighi 2007).

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
        residual variances and their shares of the total.
    converged : bool
        Whether the optimiser reported convergence.
    """

    exposure: str
    groups: tuple[str, ...]
    org_effects: str
    variance_components: pd.DataFrame
    converged: bool

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
    org_effects: Literal["auto", "random", "fixed"] = "auto",
    reml: bool = True,
    alpha: float = 0.05,
) -> MultilevelResults:
    """Random-intercept model of respondents in units (in organisations).

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
    org_effects : {"auto", "random", "fixed"}, default "auto"
        How organisations enter with two levels (see the module notes).
    reml : bool, default True
        Restricted maximum likelihood (``False``: maximum likelihood).
    alpha : float, default 0.05
        Intervals are ``1 - alpha`` (normal) intervals.

    Returns
    -------
    MultilevelResults
        ``summary()`` rows: the exposure terms and controls (``term, estimate, se,
        ci_low, ci_high, p_val, n``). ``variance_components`` lists the variances.
        ``fit`` has ``llf``, ``icc_unit`` (share of the unit variance), ``n_units`` and
        ``n_orgs``. ``raw`` is the statsmodels ``MixedLMResults``. ``effect_term`` is the
        within-unit effect.

    Raises
    ------
    ArgumentError
        A column is missing or not numeric, ``groups`` has no or more than two
        columns, or ``org_effects`` is unknown.

    Warns
    -----
    ModelWarning
        The optimiser did not converge, a variance component is at zero, or the
        Hessian is not positive definite; each with advice.

    Notes
    -----
    ``y_ij = b0 + bW (x_ij - x̄_j) + bB x̄_j + z_ij'g + u_org(j) + u_j + e_ij`` with
    ``u_j ~ N(0, s2_unit)``, ``u_org ~ N(0, s2_org)`` (random) or fixed organisation
    intercepts, ``e_ij ~ N(0, s2)``. The contextual effect ``bB - bW`` is the
    effect of the unit mean over and above the individual exposure.

    References
    ----------
    Enders, C. K. & Tofighi, D. (2007). Centering predictor variables in
    cross-sectional multilevel models. Psychological Methods 12(2), 121–138.
    McNeish, D. & Stapleton, L. M. (2016). Modeling clustered data with very few
    clusters. Multivariate Behavioral Research 51(4), 495–518.

    Example
    -------
    >>> from hrproductivity.models import multilevel
    >>> res = multilevel(respondents, outcome="work_ability", exposure="qwl",
    ...                  groups=("org", "unit"))  # doctest: +SKIP
    >>> res.variance_components  # doctest: +SKIP

    In R: ``lme4::lmer(work_ability ~ qwl_within + qwl_between + (1 | org/unit))``
    after ``qwl_between <- ave(qwl, unit)``; in Stata
    ``mixed work_ability qwl_w qwl_b || org: || unit:``.
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

    if decompose:
        unit_mean = frame.groupby("unit")["x"].transform("mean")
        frame["xw"] = frame["x"] - unit_mean
        frame["xb"] = unit_mean
        slope_cols = ["xw", "xb"]
        slope_names = [f"{exposure}_within", f"{exposure}_between"]
    else:
        slope_cols = ["x"]
        slope_names = [exposure]
    names = dict(zip(slope_cols + safe_controls, slope_names + control_cols, strict=True))

    if len(group_cols) == 1:
        mode = "none"
    elif org_effects == "auto":
        mode = "fixed" if n_orgs < RANDOM_ORGS_FROM else "random"
    else:
        mode = org_effects

    fe_formula = "y ~ " + " + ".join(slope_cols + safe_controls)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        powell = False
        try:
            res = _fit(frame, fe_formula, mode, reml, method=None)
        except np.linalg.LinAlgError:
            # The gradient optimisers hit a singular matrix, typically because a
            # variance component is exactly zero; Powell's method needs no gradient.
            res = _fit(frame, fe_formula, mode, reml, method="powell")
            powell = True

    variance = _variance_components(res, mode, group_cols)
    notes = _report_warnings(caught, variance, mode)
    if powell:
        notes.append(
            "The gradient optimisers met a singular matrix; refitted with Powell's method."
        )
    converged = bool(res.converged)

    terms = slope_cols + safe_controls
    table = wald_table(
        [names[t] for t in terms],
        res.fe_params[terms].to_numpy(),
        res.bse_fe[terms].to_numpy(),
        df=None,
        alpha=alpha,
        n=len(frame),
    )
    if decompose:
        cov = res.cov_params().loc[["xw", "xb"], ["xw", "xb"]].to_numpy()
        w = np.array([-1.0, 1.0])
        est = float(res.fe_params["xb"] - res.fe_params["xw"])
        extra = wald_table(
            [f"{exposure}_contextual"], np.array([est]), np.array([np.sqrt(w @ cov @ w)]),
            df=None, alpha=alpha, n=len(frame),
        )  # fmt: skip
        table = pd.concat([table.iloc[:2], extra, table.iloc[2:]], ignore_index=True)
    unit_share = variance.loc[variance["component"] == group_cols[-1], "share"]
    fit: dict[str, float] = {
        "llf": float(res.llf),
        "icc_unit": float(unit_share.iloc[0]) if len(unit_share) else float("nan"),
        "n_units": n_units,
        "n_orgs": n_orgs,
    }
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
    )


def _fit(frame: pd.DataFrame, fe_formula: str, mode: str, reml: bool, method: str | None) -> Any:
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
        model = smf.mixedlm(fe_formula + " + C(org)", frame, groups="unit")
    else:
        model = smf.mixedlm(fe_formula, frame, groups="unit")
    try:
        return model.fit(reml=reml, method=method)
    except np.linalg.LinAlgError:
        if method is not None:
            raise ModelFitError(
                "multilevel: MixedLM failed with a singular matrix even with a "
                "gradient-free optimiser. A variance component is probably zero or the "
                "fixed effects are collinear: simplify the model (one grouping level, "
                "org_effects='fixed', fewer controls)."
            ) from None
        raise


def _variance_components(res: Any, mode: str, group_cols: list[str]) -> pd.DataFrame:
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
    if any("boundary" in m for m in messages) and tiny.empty:
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
