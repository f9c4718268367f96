"""The interpretation bands of the QWL index: the one owner of their codes, lower
bounds and colours.

:func:`hrproductivity.scoring.qwl_band`, :func:`hrproductivity.plots.band_colour`, the
reports and the teaching materials all band a value through :func:`position`, so a
cut point or a colour is changed here and nowhere else. The band labels and meanings
are texts and live in the locales (keys ``band.label.<code>`` and
``band.meaning.<code>``); :func:`label` and :func:`meaning` read them.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from hrproductivity.errors import UnknownNameError
from hrproductivity.locales import text

__all__ = ["CODES", "COLOURS", "LOWER_BOUNDS", "code", "colour", "label", "meaning", "position"]

#: Codes of the bands, lowest first (the keys of their texts in the locales).
CODES: tuple[str, ...] = ("very_much", "much", "some", "excellent")
#: Inclusive lower bound of each band as a share of the index, lowest first
#: (safeinlogplus.fi; docs/qwl-index.md, "Interpretation bands").
LOWER_BOUNDS: tuple[float, ...] = (0.0, 0.40, 0.65, 0.75)
#: Colours of the bands, lowest first (red, orange, yellow, green; distinguishable in
#: the common forms of colour blindness by lightness as well).
COLOURS: tuple[str, ...] = ("#b2182b", "#ef8a62", "#f6d55c", "#1a9850")

#: A value that reaches a cut point up to this share of the scale counts as reaching it
#: (0.65 computed as 0.6499999999999999 is at 65 %).
_TOLERANCE = 1e-9
_SCALES = {"share": 1.0, "percent": 100.0}


@overload
def position(value: float, *, scale: str = ...) -> int: ...
@overload
def position(value: npt.NDArray[np.float64], *, scale: str = ...) -> npt.NDArray[np.intp]: ...
def position(
    value: float | npt.NDArray[np.float64], *, scale: str = "share"
) -> int | npt.NDArray[np.intp]:
    """The band of a value as its position in :data:`CODES` (0 = lowest).

    Parameters
    ----------
    value : float or ndarray
        The index, a share (0-1) or with ``scale="percent"`` a percentage. A value
        below 0 is put in the lowest band, above 1 in the highest; missing values
        are the caller's to handle (NaN gives the highest position).
    scale : {"share", "percent"}, default "share"

    Returns
    -------
    int or ndarray of int

    Raises
    ------
    UnknownNameError
        ``scale`` is neither ``"share"`` nor ``"percent"``.

    Notes
    -----
    Bands are half-open, ``[b_i, b_{i+1})``, with the lower bounds ``b`` of
    :data:`LOWER_BOUNDS`; a value within ``1e-9`` of the scale below a cut point counts
    as at the cut point.

    Examples
    --------
    >>> position(0.6499), position(0.65), position(75, scale="percent")
    (1, 2, 3)
    """
    if scale not in _SCALES:
        raise UnknownNameError("scale", scale, list(_SCALES))
    top = _SCALES[scale]
    cuts = np.array(LOWER_BOUNDS[1:]) * top
    found = np.searchsorted(cuts, np.asarray(value, dtype="float64") + _TOLERANCE * top, "right")
    if np.ndim(found) == 0:
        return int(found)
    return np.asarray(found, dtype=np.intp)


def code(share: float) -> str:
    """The code of the band of a share (0-1), such as ``"much"``.

    Examples
    --------
    >>> code(0.618)
    'much'
    """
    return CODES[position(share)]


def colour(share: float) -> str:
    """The colour of the band of a share (0-1).

    Examples
    --------
    >>> colour(0.80) == COLOURS[3]
    True
    """
    return COLOURS[position(share)]


def label(band: str | int, *, lang: str = "fi") -> str:
    """The label of a band (its code or position) in ``lang``, from the locales.

    Examples
    --------
    >>> label("some", lang="en")
    'some to develop'
    >>> label(0, lang="fi")
    'erittäin paljon kehitettävää'
    """
    return text(f"band.label.{_code(band)}", lang=lang)


def meaning(band: str | int, *, lang: str = "fi") -> str:
    """What a band means for a work unit (its code or position), from the locales."""
    return text(f"band.meaning.{_code(band)}", lang=lang)


def _code(band: str | int) -> str:
    if isinstance(band, int):
        return CODES[band]
    if band not in CODES:
        raise UnknownNameError("band", band, list(CODES))
    return band
