"""Shared pieces of :mod:`hrproductivity.teaching`: the teaching assumptions and game rules
as constants, the bilingual texts, number formatting for them, and plotting and display
helpers.

The texts live in the library's locales, namespace ``teaching`` of
``hrproductivity/locales/{fi,en}.yaml`` (Markdown with ``{placeholders}``); :func:`text`
looks a key up there, :func:`show` displays the text in a notebook.
"""

from __future__ import annotations

import string
from functools import cache
from typing import TYPE_CHECKING, Any

from hrproductivity import bands
from hrproductivity.errors import UnknownNameError
from hrproductivity.instruments import QWL_FACTORS
from hrproductivity.locales import LANGUAGES, fmt_number, namespace
from hrproductivity.scoring import qwl_band

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "EXPERIMENT_ANCHOR_POINTS",
    "LANGUAGES",
    "MAX_ACTIONS_PER_ROUND",
    "REPEAT_FACTOR",
    "SICK_DAYS_PER_QWL_POINT",
    "START_LEVELS",
    "START_SICK_DAYS",
    "show",
    "text",
]

#: Change of sickness-absence days per FTE a year per QWL percentage point. A teaching
#: assumption taken from the library's synthetic model (``synthetic.Effects.beta_sick``):
#: with it, units in the top quartile of QWL have about 40 % fewer sick days than those
#: in the bottom quartile, close to Gallup's (2012) −37 % absenteeism (docs/effect-sizes.md).
SICK_DAYS_PER_QWL_POINT = -0.3

#: Sick days per FTE a year at the start: Keva's municipal figure, 14.7 (2021) and
#: 16.5 (2022) days per full-year employee, rounded as in ``synthetic.Effects.sick_base``.
START_SICK_DAYS = 15.0

#: FE, YI and PL shares of the simulated unit at the start (a teaching assumption): the
#: index is then 55.7 %, "much to develop", a little below the Finnish average of 60 %.
START_LEVELS = (0.70, 0.70, 0.70)

#: Actions a team can take on in one round of the leadership simulation (a game rule:
#: a supervisor's and a team's time for change is limited).
MAX_ACTIONS_PER_ROUND = 2

#: A lasting action chosen again gives this share of the effect of its previous time
#: (a teaching assumption: the easiest improvements are made first).
REPEAT_FACTOR = 0.5

#: QWL points the development experiment raised the treated units' true QWL in the
#: library's example dataset (``synthetic.example_dataset().truth["experiment"]``,
#: ``att_qwl_points`` = 3.8); the experiment action of :data:`ACTIONS` is sized to it.
EXPERIMENT_ANCHOR_POINTS = 3.8

_FACTORS = QWL_FACTORS
_COLOURS = {
    "total": "#4d4d4d",
    "structural": "#bababa",
    "other": "#f4a582",
    "effective": "#1a9850",
    "public": "#2166ac",
    "wage": "#762a83",
}
# Interpretation bands, lowest first (owned by hrproductivity.bands).
_BAND_COLOURS = bands.COLOURS
_TEAM_COLOURS = ("#2166ac", "#b2182b", "#1a9850", "#762a83", "#ef8a62", "#4d4d4d")


# =========================================================================== texts


@cache
def _texts() -> dict[str, tuple[str, str]]:
    """key -> (Finnish, English): the ``teaching`` namespace of the locales."""
    fi, en = namespace("teaching", lang="fi"), namespace("teaching", lang="en")
    return {key: (fi[key], en[key]) for key in fi}


def _pair(space: str, key: str) -> tuple[str, str]:
    """(Finnish, English) of ``key`` in the locales' namespace ``space``, as written."""
    return namespace(space, lang="fi")[key], namespace(space, lang="en")[key]


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, list(LANGUAGES))


def text(key: str, *, lang: str = "fi", **values: Any) -> str:
    """A teaching text in Finnish or English, as Markdown, with its placeholders filled.

    Parameters
    ----------
    key : str
        The text's key, such as ``"year.intro"``.
    lang : {"fi", "en"}, default "fi"
        Language.
    **values
        Values for the ``{placeholders}`` of the text, already formatted.

    Returns
    -------
    str
        The text.

    Raises
    ------
    UnknownNameError
        Unknown ``key`` or ``lang``.
    KeyError
        A placeholder of the text has no value.

    Examples
    --------
    >>> text("label.effective", lang="fi")
    'Tehollinen työaika'
    >>> text("label.effective", lang="en")
    'Effective working time'
    """
    _check_lang(lang)
    texts = _texts()
    if key not in texts:
        raise UnknownNameError("teaching text", key, list(texts))
    raw = texts[key][0 if lang == "fi" else 1]
    return raw.format(**values) if values or _placeholders(raw) else raw


def _placeholders(raw: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(raw) if name}


def show(key: str, *, lang: str = "fi", **values: Any) -> None:
    """Display a teaching text (:func:`text`) as Markdown in the notebook.

    Parameters
    ----------
    key : str
        The text's key.
    lang : {"fi", "en"}, keyword-only, default "fi"
    **values
        Values for its placeholders, already formatted.
    """
    from IPython.display import Markdown, display

    display(Markdown(text(key, lang=lang, **values)))


def _h(hours: float, lang: str) -> str:
    return f"{fmt_number(hours, lang=lang, decimals=0)}\u00a0h"


def _days(days: float, lang: str) -> str:
    """Days with one decimal, or none when whole: '15' / '14,5'."""
    return fmt_number(days, lang=lang, decimals=0 if float(days).is_integer() else 1)


def _points(share: float, lang: str, decimals: int = 1) -> str:
    """A change of a share in percentage points, signed: '+3,8' / '+3.8'."""
    value = 100.0 * share
    s = fmt_number(abs(value), lang=lang, decimals=decimals)
    if round(value, decimals) == 0:
        return s
    return ("+" if value > 0 else "\u2212") + s


def _band(share: float, lang: str) -> str:
    # Band the printed value (one decimal), so that the text agrees with the figure.
    label = qwl_band(round(100.0 * share, 1), scale="percent", lang=lang)
    return "" if label is None else label


# =========================================================================== plots and display


def _tidy(ax: Axes) -> None:
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)


def _display(*objects: Any) -> None:
    from IPython.display import display

    display(*objects)
