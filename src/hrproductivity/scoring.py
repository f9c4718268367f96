"""Scale scores per respondent, the QWL index scorers and the interpretation bands.

:func:`score_scales` turns item answers into factor (subscale) scores and the
instrument's totals, one row per respondent. :func:`qwl_index` turns the three
QWL factor shares into an index through a registry of scorers, and
:func:`qwl_band` names the published interpretation band of an index value.

A note on the QWL index
-----------------------
The official QWL index (Marko Kesti) is commercial and its formula is not
published. What is published: it is computed per respondent, it is not an
average of the three factors, its effect is non-linear ("more like an
exponential curve"), FE (safety) acts as a hygiene factor and PL (goals and
creativity) multiplies performance only when FE and YI are in order, its range
is 1-100 % and an index of 61.8 % corresponds to all three factors at 75 %.

The library therefore ships two scorers and a way to plug in a third:

``"mean"``
    A transparent baseline: the mean of the three factor shares.
``"kesti_approx"``
    **The library's own approximation**, built to have the published
    properties and calibrated to the published anchor f(0.75, 0.75, 0.75) =
    0.618. It is *not* Kesti's formula. Results computed with it must be
    reported as "QWL index (hrproductivity approximation)".
a callable or a registered name
    A licensed user passes the official scorer, a function of the three share
    arrays, or registers it once with :func:`register_qwl_scorer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from hrproductivity import bands
from hrproductivity._checks import check_columns
from hrproductivity._registry import Registry
from hrproductivity.errors import (
    ArgumentError,
    DataValidationError,
    Problem,
    UnknownNameError,
)
from hrproductivity.instruments import Instrument, Total, load_instrument

__all__ = [
    "ID_COLUMNS",
    "QWL_BANDS",
    "QWLScorer",
    "kesti_approx",
    "mean_of_shares",
    "qwl_band",
    "qwl_index",
    "qwl_scorers",
    "register_qwl_scorer",
    "score_scales",
]

#: Identifier and background columns that :func:`score_scales` carries over when present.
ID_COLUMNS: tuple[str, ...] = (
    "org",
    "unit",
    "wave",
    "respondent",
    "role",
    "age_group",
    "tenure_group",
    "gender",
)

FloatArray = npt.NDArray[np.float64]
#: A QWL index scorer: a function of the FE, YI and PL share arrays (each 0-1)
#: returning an array of index values in 0-1 of the same length.
QWLScorer = Callable[[FloatArray, FloatArray, FloatArray], Any]

_QWL_SHARES = ("FE_share", "YI_share", "PL_share")


# --------------------------------------------------------------------------- scales


def score_scales(
    data: pd.DataFrame,
    instrument: Instrument | str,
    *,
    min_answered: float | None = None,
) -> pd.DataFrame:
    """Score an instrument's factors and totals for every respondent.

    Parameters
    ----------
    data : DataFrame
        Responses, one row per respondent per wave, with the instrument's item
        columns (numbers within the instrument's scale, NaN when unanswered).
    instrument : Instrument or str
        The instrument, or the name of a bundled one (``"qwl15"``, ``"uwes9"``,
        ``"who5"``) or the path of a YAML file (see
        :func:`~hrproductivity.instruments.load_instrument`).
    min_answered : float, optional
        The share of a factor's items that must be answered for the factor
        score to be computed, in (0, 1]. Default: the instrument's rule (half
        of the items for the bundled instruments). It also applies to totals
        that carry no rule of their own; a total's own rule (WHO-5's raw score
        needs every item) always stands.

    Returns
    -------
    DataFrame
        One row per row of ``data``, with the same index, and the columns:

        - the identifier and background columns present in ``data``
          (``org``, ``unit``, ``wave``, ``respondent``, ``role``,
          ``age_group``, ``tenure_group``, ``gender``);
        - ``<factor>`` for each factor: the mean of the factor's answered
          items after reverse-keying, on the instrument's scale; NaN when too
          few items were answered;
        - ``<factor>_share`` for each factor: the same rescaled to 0-1;
        - one column per total of the instrument: ``mean`` and ``sum`` totals
          of items (UWES-9 ``uwes_total``; WHO-5 ``who5_raw``), ``scale``
          totals (WHO-5 ``who5_pct`` = raw × 4) and ``below`` flags (WHO-5
          ``who5_poor``: raw below 13, nullable boolean).

    Raises
    ------
    UnknownNameError
        ``instrument`` names no bundled instrument and no file.
    DataValidationError
        Item columns are not numeric or hold values outside the
        instrument's scale; every problem is listed.
    HRProductivityError
        ``min_answered`` is not a share in (0, 1].

    Notes
    -----
    A reverse-keyed answer :math:`x` is scored :math:`\\min + \\max - x`.
    A factor score is

    .. math:: \\bar x_f = \\frac{1}{a_f} \\sum_{i \\in f,\\ answered} x_i
        \\quad \\text{if } a_f \\ge m \\cdot J_f,\\ \\text{else missing},

    with :math:`a_f` the number of answered items, :math:`J_f` the factor's
    items and :math:`m` the ``min_answered`` share (with :math:`m = 0.5` and
    five items, three answers are needed). Its share is
    :math:`(\\bar x_f - \\min)/(\\max - \\min)`. A ``sum`` total with some
    items unanswered (allowed only when its rule is below 1) is prorated:
    the mean of the answered items times the number of items.

    References
    ----------
    Schaufeli, W. B., Bakker, A. B., & Salanova, M. (2006). The measurement of
    work engagement with a short questionnaire. *Educational and Psychological
    Measurement*, 66(4), 701-716.

    Topp, C. W., Østergaard, S. D., Søndergaard, S., & Bech, P. (2015). The
    WHO-5 Well-Being Index: a systematic review of the literature.
    *Psychotherapy and Psychosomatics*, 84(3), 167-176.

    Examples
    --------
    >>> import pandas as pd
    >>> from hrproductivity.scoring import score_scales
    >>> data = pd.DataFrame({"respondent": ["r1", "r2"],
    ...                      **{f"who5_{i}": [3.0, 1.0] for i in range(1, 6)}})
    >>> score_scales(data, "who5")[["who5_raw", "who5_pct", "who5_poor"]]
       who5_raw  who5_pct  who5_poor
    0      15.0      60.0      False
    1       5.0      20.0       True

    The WHO-5 raw score in R: ``rowSums(data[, paste0("who5_", 1:5)])``.
    """
    inst = load_instrument(instrument)
    share_rule = inst.min_answered if min_answered is None else min_answered
    if not isinstance(share_rule, int | float) or not 0 < share_rule <= 1:
        raise ArgumentError(
            f"min_answered must be a share in (0, 1], such as 0.5; got {min_answered!r}"
        )
    items = _checked_items(data, inst)
    scored = items.copy()
    for col in inst.reverse_items:
        scored[col] = inst.scale_min + inst.scale_max - scored[col]

    out = data[[c for c in ID_COLUMNS if c in data.columns]].copy()
    width = inst.scale_max - inst.scale_min
    factor_means = {
        f: _item_mean(scored, list(cols), float(share_rule)) for f, cols in inst.factors.items()
    }
    for f, values in factor_means.items():
        out[f] = values
    for f, values in factor_means.items():
        out[f"{f}_share"] = (values - inst.scale_min) / width
    totals: dict[str, pd.Series] = {}
    for total in inst.totals:
        totals[total.name] = _score_total(total, scored, totals, float(share_rule))
        out[total.name] = totals[total.name]
    return out


def _checked_items(data: pd.DataFrame, inst: Instrument) -> pd.DataFrame:
    """The instrument's item columns as floats, or every problem found with them."""
    check_columns(data, **{f"items of {inst.name}": list(inst.item_ids)})
    problems: list[Problem] = []
    present = list(inst.item_ids)
    items = pd.DataFrame(index=data.index)
    for col in present:
        raw = data[col]
        if pd.api.types.is_bool_dtype(raw):
            problems.append(Problem("data", None, col, "holds true/false values, not answers"))
            continue
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad_type = values.isna() & raw.notna()
        outside = values.notna() & ((values < inst.scale_min) | (values > inst.scale_max))
        if bad_type.any():
            problems.append(
                Problem("data", None, col, f"holds non-numeric values {_where(raw, bad_type)}")
            )
        if outside.any():
            problems.append(
                Problem(
                    "data",
                    None,
                    col,
                    f"holds values outside the scale {inst.scale_min}-{inst.scale_max} "
                    f"{_where(raw, outside)}",
                )
            )
        items[col] = values
    if problems:
        raise DataValidationError(problems)
    return items


def _where(raw: pd.Series, mask: pd.Series) -> str:
    positions = np.flatnonzero(mask.to_numpy())
    shown = ", ".join(
        f"{_plain(raw.iloc[p])!r} at index {_plain(raw.index[p])!r}" for p in positions[:5]
    )
    more = f" and {len(positions) - 5} more" if len(positions) > 5 else ""
    return f"({shown}{more})"


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


def _item_mean(scored: pd.DataFrame, cols: list[str], share_rule: float) -> pd.Series:
    block = scored[cols]
    answered = block.notna().sum(axis=1)
    # A small tolerance so that a rule like 2/3 on three items means "two answers".
    enough = answered >= share_rule * len(cols) - 1e-9
    return block.mean(axis=1).where(enough).astype("float64")


def _score_total(
    total: Total, scored: pd.DataFrame, done: dict[str, pd.Series], share_rule: float
) -> pd.Series:
    rule = share_rule if total.min_answered is None else float(total.min_answered)
    if total.method == "mean":
        return _item_mean(scored, list(total.items), rule)
    if total.method == "sum":
        # Prorated sum: the mean of the answered items times the number of items;
        # equals the plain sum when every item is answered.
        return _item_mean(scored, list(total.items), rule) * len(total.items)
    base = done[str(total.of)]
    if total.method == "scale":
        return (base * total.multiply).astype("float64")
    # method == "below": a flag, missing where its base score is missing
    flag = pd.Series(pd.NA, index=base.index, dtype="boolean")
    known = base.notna()
    flag[known] = base[known] < float(total.threshold if total.threshold is not None else 0.0)
    return flag


# --------------------------------------------------------------------------- QWL index


def mean_of_shares(fe: FloatArray, yi: FloatArray, pl: FloatArray) -> FloatArray:
    """The transparent baseline QWL scorer: the mean of the three factor shares.

    Parameters
    ----------
    fe, yi, pl : ndarray
        The FE, YI and PL factor shares (0-1) of each respondent.

    Returns
    -------
    ndarray
        :math:`(FE + YI + PL) / 3`, in 0-1.

    Notes
    -----
    The published QWL index is explicitly *not* this average; the baseline is
    offered so that every result can be compared with a formula anyone can
    check by hand.

    Examples
    --------
    >>> import numpy as np
    >>> float(mean_of_shares(np.array([0.75]), np.array([0.75]), np.array([0.75]))[0])
    0.75
    """
    result: FloatArray = (np.asarray(fe) + np.asarray(yi) + np.asarray(pl)) / 3.0
    return result


# Calibration of kesti_approx (closed form, see its Notes): on the diagonal
# Q(a) = 0.01 + 0.99 * a * (1 + lam * a**2) / (1 + lam); Q(0.75) = 0.618 is linear in lam.
_FLOOR = 0.01
_ANCHOR_SHARE, _ANCHOR_INDEX = 0.75, 0.618
_T = (_ANCHOR_INDEX - _FLOOR) / (1.0 - _FLOOR)
#: The calibrated strength of the PL multiplier, lambda ≈ 0.7066: PL can lift the
#: foundation by at most 1 + lambda when FE and YI are fully in order.
KESTI_APPROX_LAMBDA = (_ANCHOR_SHARE - _T) / (_T - _ANCHOR_SHARE**3)
_FE_WEIGHT, _YI_WEIGHT = 2.0 / 3.0, 1.0 / 3.0


def kesti_approx(fe: FloatArray, yi: FloatArray, pl: FloatArray) -> FloatArray:
    """The library's approximation of the QWL index, calibrated to the published anchor.

    This is **not** Kesti's QWL formula, which is commercial and unpublished.
    It is hrproductivity's own function, built to have the properties the
    published descriptions state, and calibrated so that all three factors at
    75 % give 61.8 %.

    Parameters
    ----------
    fe, yi, pl : ndarray
        The FE (physical and emotional safety), YI (belonging and identity)
        and PL (goals and creativity) factor shares (0-1) of each respondent.

    Returns
    -------
    ndarray
        The index as a share, within [0.01, 1]; NaN where an input is NaN.

    Notes
    -----
    With :math:`\\lambda` the calibrated multiplier strength,

    .. math::

        B &= FE^{2/3} \\, YI^{1/3}
            \\qquad \\text{(the foundation: a geometric mean, FE weighs twice YI)} \\\\
        Q &= 0.01 + 0.99 \\cdot B \\cdot \\frac{1 + \\lambda \\, B \\, PL}{1 + \\lambda}

    - *FE is a gate*: :math:`Q \\le Q(FE, 1, 1)`, and a low FE caps the
      index whatever YI and PL are: below 0.31 with FE at 0.25, below 0.54
      with FE at 0.5 (YI at the same levels still allows 0.54 and 0.73).
      FE at 0 gives the floor 0.01.
    - *PL is a multiplier that pays only when FE and YI are in order*: PL
      multiplies the foundation by :math:`(1 + \\lambda B \\cdot PL)`, so its
      gain is proportional to :math:`B^2`: at FE = YI = 0.25 moving PL from
      0 to 1 adds 0.026, at FE = YI = 1 it lifts the index from 0.59 to 1.
    - *Non-linear, "more like an exponential curve"*: along the diagonal
      :math:`Q(s) = 0.01 + 0.99\\, s (1 + \\lambda s^2)/(1 + \\lambda)` is
      convex everywhere: 0.16, 0.35, 0.618 and 1 at s = 0.25, 0.5, 0.75, 1.
    - *Range* 0.01-1 (the published 1-100 %); monotone non-decreasing in
      every factor.
    - *Calibration*: on the diagonal the anchor
      :math:`Q(0.75) = 0.618` is linear in :math:`\\lambda`; with
      :math:`t = (0.618 - 0.01)/0.99` and :math:`a = 0.75`,
      :math:`\\lambda = (a - t)/(t - a^3) \\approx 0.7066`
      (``KESTI_APPROX_LAMBDA``). Both published points hold exactly:
      :math:`Q(0.75, 0.75, 0.75) = 0.618` and :math:`Q(1, 1, 1) = 1`.

    The 2:1 weighting of FE over YI and the form of the PL multiplier are the
    library's modelling choices, not published values.

    References
    ----------
    Kesti, M. (2018-01-08). Blog post on the QWL index (markokesti.wordpress.com);
    leadermind.fi and safeinlogplus.fi descriptions of the index: the published
    structure, range and the 75 % → 61.8 % anchor.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.array([0.75, 1.0])
    >>> np.round(kesti_approx(s, s, s), 3).tolist()
    [0.618, 1.0]
    """
    fe_a, yi_a, pl_a = (np.asarray(x, dtype="float64") for x in (fe, yi, pl))
    lam = KESTI_APPROX_LAMBDA
    foundation = np.power(fe_a, _FE_WEIGHT) * np.power(yi_a, _YI_WEIGHT)
    result: FloatArray = _FLOOR + (1.0 - _FLOOR) * foundation * (1.0 + lam * foundation * pl_a) / (
        1.0 + lam
    )
    return result


def _check_scorer(name: str, func: QWLScorer) -> None:
    if not callable(func):
        raise ArgumentError(f"func must be callable as func(fe, yi, pl); got {type(func).__name__}")


#: The QWL index scorers by name (:class:`~hrproductivity._registry.Registry`).
_QWL_SCORERS: Registry[QWLScorer] = Registry(
    "QWL scorer", {"kesti_approx": kesti_approx, "mean": mean_of_shares}, check=_check_scorer
)


def qwl_scorers() -> list[str]:
    """Names of the registered QWL index scorers.

    Returns
    -------
    list of str
        Sorted names; ``"kesti_approx"`` and ``"mean"`` ship with the library.

    Examples
    --------
    >>> qwl_scorers()[:2]
    ['kesti_approx', 'mean']
    """
    return _QWL_SCORERS.names()


def register_qwl_scorer(name: str, func: QWLScorer, *, overwrite: bool = False) -> None:
    """Register a QWL index scorer under a name, for ``qwl_index(..., method=name)``.

    Parameters
    ----------
    name : str
        The name to register, such as ``"official"``.
    func : callable
        ``func(fe, yi, pl)`` taking three float arrays of factor shares (0-1)
        and returning an array of the same length with index values in 0-1
        (NaN allowed where an input is NaN). A licensed user wraps the official
        scorer in such a function.
    overwrite : bool, default False
        Replace a scorer already registered under ``name``.

    Raises
    ------
    HRProductivityError
        ``name`` is empty, ``func`` is not callable, or ``name`` is taken and
        ``overwrite`` is false.

    Examples
    --------
    >>> import numpy as np
    >>> register_qwl_scorer("minimum", lambda fe, yi, pl: np.minimum(np.minimum(fe, yi), pl))
    >>> "minimum" in qwl_scorers()
    True
    """
    _QWL_SCORERS.register(name, func, overwrite=overwrite)


def qwl_index(scores: pd.DataFrame, *, method: str | QWLScorer = "kesti_approx") -> pd.Series:
    """The QWL index of every respondent from the three factor shares.

    Parameters
    ----------
    scores : DataFrame
        Per-respondent scores with the columns ``FE_share``, ``YI_share`` and
        ``PL_share`` (as :func:`score_scales` returns them for ``qwl15``).
    method : str or callable, default "kesti_approx"
        A registered scorer (see :func:`qwl_scorers`): ``"kesti_approx"``, the
        library's approximation calibrated to the published anchor (not
        Kesti's unpublished formula), or ``"mean"``, the mean of the three
        shares; or a function ``f(fe, yi, pl)`` of three share arrays, such
        as a licensed official scorer.

    Returns
    -------
    Series
        Named ``qwl_index``, with the index of ``scores``: the index as a share
        (0-1; multiply by 100 for %). NaN where any factor share is missing.

    Raises
    ------
    UnknownNameError
        ``method`` is not a registered name; the message lists the names.
    DataValidationError
        A share column holds values outside 0-1.
    HRProductivityError
        A callable scorer returned the wrong length or values outside 0-1.

    Notes
    -----
    The index is computed per respondent and only then averaged for a unit
    ("analyses people, not questions"); :func:`~hrproductivity.aggregation.aggregate`
    does so. See :func:`kesti_approx` for its formula and calibration.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"FE_share": [0.75, 1.0], "YI_share": [0.75, 1.0],
    ...                   "PL_share": [0.75, 1.0]})
    >>> qwl_index(s).round(3).tolist()
    [0.618, 1.0]
    >>> qwl_index(s, method="mean").tolist()
    [0.75, 1.0]
    """
    func: QWLScorer
    if callable(method):
        func = method
    else:
        func = _QWL_SCORERS.get(method)
    problems: list[Problem] = []
    arrays: list[FloatArray] = []
    check_columns(scores, "scores (score the qwl15 instrument first)", shares=_QWL_SHARES)
    for col in _QWL_SHARES:
        values = pd.to_numeric(scores[col], errors="coerce").to_numpy(dtype="float64")
        if np.any((values < 0) | (values > 1)):
            problems.append(Problem("scores", None, col, "holds values outside 0-1"))
        arrays.append(values)
    if problems:
        raise DataValidationError(problems)
    fe, yi, pl = arrays
    missing = np.isnan(fe) | np.isnan(yi) | np.isnan(pl)
    result = np.asarray(func(fe, yi, pl), dtype="float64").reshape(-1)
    if result.shape != fe.shape:
        raise ArgumentError(
            f"the QWL scorer {_scorer_name(method)} returned {result.size} values "
            f"for {fe.size} respondents"
        )
    result = np.where(missing, np.nan, result)
    if np.any((result < 0) | (result > 1)):
        raise ArgumentError(
            f"the QWL scorer {_scorer_name(method)} returned values outside 0-1; "
            "a scorer must return the index as a share"
        )
    return pd.Series(result, index=scores.index, name="qwl_index", dtype="float64")


def _scorer_name(method: str | QWLScorer) -> str:
    return repr(method) if isinstance(method, str) else getattr(method, "__name__", "given")


# --------------------------------------------------------------------------- bands

#: The published interpretation bands (safeinlogplus.fi; docs/qwl-index.md): lower bound
#: as a share, English and Finnish label; from the lowest band up. Derived from
#: :mod:`hrproductivity.bands` (bounds) and the locales (labels), which own them.
QWL_BANDS: tuple[tuple[float, str, str], ...] = tuple(
    (low, bands.label(i, lang="en"), bands.label(i, lang="fi"))
    for i, low in enumerate(bands.LOWER_BOUNDS)
)
_LANGS = ("en", "fi")
_SCALES = {"share": 1.0, "percent": 100.0}


@overload
def qwl_band(value: float, *, lang: str = ..., scale: str = ...) -> str | None: ...
@overload
def qwl_band(value: pd.Series, *, lang: str = ..., scale: str = ...) -> pd.Series: ...
def qwl_band(
    value: float | pd.Series, *, lang: str = "fi", scale: str = "share"
) -> str | None | pd.Series:
    """The published interpretation band of a QWL index value.

    Parameters
    ----------
    value : float or Series
        The index of a respondent or a group. A Series gives a Series.
    lang : {"fi", "en"}, default "fi"
        Language of the band label.
    scale : {"share", "percent"}, default "share"
        Whether ``value`` is a share (0-1, as :func:`qwl_index` returns it) or
        a percentage (0-100).

    Returns
    -------
    str or None or Series
        The band label: "erittäin paljon kehitettävää" / "very much to
        develop" (below 40 %), "paljon kehitettävää" / "much to develop"
        (40-64 %), "jonkin verran kehitettävää" / "some to develop" (65-74 %),
        "erinomainen" / "excellent" (75 % and above). None (or missing in a
        Series) for a missing value.

    Raises
    ------
    UnknownNameError
        ``lang`` or ``scale`` is not one of the allowed names.
    HRProductivityError
        A value lies outside 0-1 (``scale="share"``) or 0-100
        (``scale="percent"``); the message suggests the other scale.

    Notes
    -----
    The published bands are stated for whole percentages (40-64, 65-74). The
    library extends them to any real value with the cut points 40, 65 and 75
    and half-open bands: 64.99 % is still "much to develop", 65 % is "some to
    develop". Values that equal a cut point up to floating-point rounding
    (0.65 computed as 0.6499999999999999) count as at the cut point. A
    report that prints whole percentages should band the *printed* value, so
    the text agrees with the figure: ``qwl_band(round(100 * x), scale="percent")``.

    References
    ----------
    safeinlogplus.fi: QWL index interpretation bands.

    Examples
    --------
    >>> qwl_band(0.618, lang="en")
    'much to develop'
    >>> qwl_band(65, scale="percent")
    'jonkin verran kehitettävää'
    >>> qwl_band(64.9, scale="percent", lang="en")
    'much to develop'
    """
    if lang not in _LANGS:
        raise UnknownNameError("language", lang, list(_LANGS))
    if scale not in _SCALES:
        raise UnknownNameError("scale", scale, list(_SCALES))
    top = _SCALES[scale]
    if isinstance(value, pd.Series):
        values = pd.to_numeric(value, errors="coerce").to_numpy(dtype="float64")
    else:
        values = np.atleast_1d(np.asarray(value, dtype="float64"))
    finite = values[~np.isnan(values)]
    if finite.size and (finite.min() < 0 or finite.max() > top * (1 + 1e-9)):
        other = "percent" if scale == "share" else "share"
        raise ArgumentError(
            f"value must lie within 0-{top:g} for scale={scale!r}; got "
            f"{finite.max() if finite.max() > top else finite.min():g}; "
            f"pass scale={other!r} if the index is a {other}"
        )
    labels = [bands.label(i, lang=lang) for i in range(len(bands.CODES))]
    # bands.position: a cut point reached up to floating-point rounding counts as reached.
    position = bands.position(values, scale=scale)
    out = np.array(labels, dtype=object)[np.minimum(position, len(labels) - 1)]
    out[np.isnan(values)] = None
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, name="qwl_band", dtype="str")
    label = out[0]
    return None if label is None else str(label)
