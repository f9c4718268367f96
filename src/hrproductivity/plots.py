"""Figures of the QWL reports: index with its bands, profiles, unit heatmap, trends, time use.

Every function draws on the Axes it is given (a new figure when ``ax`` is
None) and returns the Axes. The numbers come in ready-made: these functions
neither compute nor hide anything. Report code
(:mod:`hrproductivity.reports.view`) decides what may be shown and passes
only that; a missing value (NaN) is drawn as "not shown", never as a number.

Labels are passed in by the caller in the report's language; numbers on the
figures use the language's format (``lang``). Every text is drawn as written:
a ``$`` in a unit's name is a dollar sign, never the start of a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hrproductivity import bands as _bands
from hrproductivity.locales import fmt_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.patches import Rectangle

__all__ = [
    "BAND_COLOURS",
    "HIDDEN_COLOUR",
    "axes",
    "band_colour",
    "factor_profile",
    "qwl_gauge",
    "time_breakdown",
    "trend",
    "unit_heatmap",
]

#: Colours of the four interpretation bands, lowest first (owned by
#: :data:`hrproductivity.bands.COLOURS`).
BAND_COLOURS: tuple[str, ...] = _bands.COLOURS
#: Fill of a cell or bar that is not shown.
HIDDEN_COLOUR = "#d9d9d9"
_SERIES_COLOURS = ("#2166ac", "#762a83", "#7f7f7f", "#5aae61")


def axes(ax: Axes | None = None, size: tuple[float, float] | None = None) -> Axes:
    """``ax``, or new Axes on a new figure when ``ax`` is None.

    The one helper behind every plotting function's ``ax=`` argument.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Axes to draw on; returned as it is.
    size : (float, float), optional
        Width and height in inches of the new figure; matplotlib's default when None.

    Returns
    -------
    matplotlib Axes
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new


def _plain(text: object) -> str:
    """``text`` with ``$`` escaped, so matplotlib draws it and never parses it as mathtext
    (a name such as ``$\\frac{1}$`` would otherwise stop the figure with an error)."""
    return str(text).replace("$", r"\$")


def band_colour(share: float) -> str:
    """The colour of the interpretation band of a QWL index value (a share, 0-1).

    Examples
    --------
    >>> band_colour(0.618) == BAND_COLOURS[1]
    True
    """
    if share is None or np.isnan(share):
        return HIDDEN_COLOUR
    return _bands.colour(share)


def _pct(value: float, lang: str, decimals: int = 0) -> str:
    return fmt_number(100 * value, lang=lang, decimals=decimals)


def qwl_gauge(
    value: float,
    *,
    ci: tuple[float, float] | None = None,
    markers: Mapping[str, float] | None = None,
    band_labels: Sequence[str] = (),
    label: str = "",
    axis_label: str = "",
    lang: str = "fi",
    ax: Axes | None = None,
) -> Axes:
    """The QWL index on a scale coloured by the interpretation bands.

    Parameters
    ----------
    value : float
        The index as a share (0-1).
    ci : (float, float), optional
        Its interval, drawn as a bar through the marker.
    markers : mapping of str to float, optional
        Reference values (label -> share), such as all organisations or the
        previous wave; drawn under the scale with a legend giving their values.
    band_labels : sequence of str
        The four band names, lowest first, written inside the bands.
    label : str
        Name of the value (e.g. the organisation).
    axis_label : str
        Label of the x axis.
    lang : {"fi", "en"}
        Number format.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax, (7.5, 2.3))
    unit = "\u00a0%" if lang == "fi" else "%"
    bounds = [*_bands.LOWER_BOUNDS, 1.0]
    for i in range(len(_bands.LOWER_BOUNDS)):
        ax.fill_between([100 * bounds[i], 100 * bounds[i + 1]], 0, 1, color=BAND_COLOURS[i], lw=0)
        if i < len(band_labels):
            mid = 50 * (bounds[i] + bounds[i + 1])
            ax.text(
                mid,
                0.5,
                _plain(band_labels[i]),
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if i in (0, 3) else "black",
            )
    if ci is not None and not np.isnan(ci[0]):
        ax.fill_between([100 * ci[0], 100 * ci[1]], 1.08, 1.22, color="black", lw=0)
    ax.plot([100 * value, 100 * value], [-0.08, 1.3], color="black", lw=2)
    ax.plot([100 * value], [1.42], marker="v", markersize=11, color="black")
    text = _plain(f"{label} {_pct(value, lang, 1)}{unit}".strip())
    ax.text(100 * value, 1.62, text, ha="center", va="bottom", fontsize=10, weight="bold")
    shapes = ("D", "o", "s", "^")
    for i, (name, ref) in enumerate((markers or {}).items()):
        if ref is None or np.isnan(ref):
            continue
        ax.plot(
            [100 * ref],
            [-0.32],
            marker=shapes[i % 4],
            markersize=8,
            linestyle="none",
            markerfacecolor=_SERIES_COLOURS[(i + 1) % 4],
            markeredgecolor="black",
            label=_plain(f"{name} {_pct(ref, lang, 1)}{unit}"),
        )
    if markers:
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.42), ncol=3, fontsize=8, frameon=False
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.55, 2.05)
    ax.set_yticks([])
    ax.set_xticks(range(0, 101, 10))
    ax.set_xticklabels(
        [fmt_number(t, lang=lang, decimals=0) for t in range(0, 101, 10)], fontsize=8
    )
    ax.set_xlabel(_plain(axis_label), fontsize=9)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def factor_profile(
    table: pd.DataFrame,
    *,
    axis_label: str = "",
    lang: str = "fi",
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of the factor scores of several groups side by side.

    Parameters
    ----------
    table : DataFrame
        One row per group (the index labels the groups: the unit, the
        organisation, all organisations), one column per factor (the column
        names label the factors), values as shares (0-1); NaN is drawn as
        an empty slot.
    axis_label : str
        Label of the value axis.
    lang : {"fi", "en"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax, (7.5, 3.2))
    n_groups, n_factors = table.shape
    width = 0.8 / max(n_groups, 1)
    x = np.arange(n_factors)
    for i, (name, row) in enumerate(table.iterrows()):
        values = row.to_numpy(dtype="float64")
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(
            pos,
            100 * np.nan_to_num(values),
            width=width * 0.95,
            label=_plain(name),
            color=_SERIES_COLOURS[i % len(_SERIES_COLOURS)],
        )
        for p, v in zip(pos, values, strict=True):
            if not np.isnan(v):
                ax.text(p, 100 * v + 1, _pct(v, lang), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels([_plain(c) for c in table.columns], fontsize=9)
    ax.set_ylim(0, 105)
    ax.set_ylabel(_plain(axis_label))
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def unit_heatmap(
    table: pd.DataFrame,
    *,
    notes: Mapping[str, str] | None = None,
    band_columns: Sequence[str] = (),
    lang: str = "fi",
    ax: Axes | None = None,
) -> Axes:
    """Units × scores, each cell coloured and labelled with its value.

    Parameters
    ----------
    table : DataFrame
        One row per unit (index: its label), one column per score (column
        names: their labels), values as shares (0-1). A row of NaN is a unit
        not shown: grey and hatched, with the text of ``notes`` for its label
        and no number.
    notes : mapping of str to str, optional
        Row label -> text written across a row that is not shown.
    band_columns : sequence of str
        Columns coloured by the QWL interpretation bands (the index); the
        others are coloured on a blue scale from 40 % (light) to 90 % (dark).
    lang : {"fi", "en"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    rows, cols = table.shape
    ax = axes(ax, (7.5, 0.36 * rows + 1.0))
    notes = notes or {}
    blues = colormaps["Blues"]
    values = table.to_numpy(dtype="float64")
    banded = [str(c) in {str(b) for b in band_columns} for c in table.columns]
    for i in range(rows):
        label = str(table.index[i])
        for j in range(cols):
            v = values[i, j]
            if np.isnan(v):
                colour, ink = HIDDEN_COLOUR, "black"
            elif banded[j]:
                colour, ink = band_colour(v), "white" if v < _bands.LOWER_BOUNDS[1] else "black"
            else:
                level = float(np.clip((v - 0.4) / 0.5, 0.0, 1.0))
                colour = to_hex(blues(0.15 + 0.75 * level))
                ink = "white" if level > 0.6 else "black"
            ax.add_patch(_rectangle(j, rows - 1 - i, colour, hatch="//" if np.isnan(v) else None))
            if not np.isnan(v):
                ax.text(
                    j + 0.5,
                    rows - 0.5 - i,
                    _pct(v, lang),
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    color=ink,
                )
        if np.isnan(values[i]).all() and label in notes:
            ax.text(
                cols / 2,
                rows - 0.5 - i,
                _plain(notes[label]),
                ha="center",
                va="center",
                fontsize=8,
                style="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
    ax.set_xlim(0, cols)
    ax.set_ylim(0, rows)
    ax.set_xticks(np.arange(cols) + 0.5)
    ax.set_xticklabels([_plain(c) for c in table.columns], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(rows) + 0.5)
    ax.set_yticklabels([_plain(r) for r in table.index[::-1]], fontsize=8.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


def _rectangle(x: float, y: float, colour: str, *, hatch: str | None) -> Rectangle:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", lw=1.5, hatch=hatch)


def trend(
    table: pd.DataFrame,
    *,
    axis_label: str = "",
    wave_label: str = "",
    lang: str = "fi",
    bands: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Values over survey waves, one line per series, with intervals.

    Parameters
    ----------
    table : DataFrame
        Long: ``series`` (label), ``wave``, ``value`` (share, 0-1) and
        optionally ``ci_low`` and ``ci_high``. A missing value leaves a gap.
        The waves are drawn in the order they first appear, which must be time
        order (e.g. every wave of ``Dataset.waves`` in the first series).
    axis_label, wave_label : str
        Axis labels.
    lang : {"fi", "en"}
    bands : bool, default True
        Shade the interpretation bands behind the lines.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax, (7.5, 3.0))
    waves = list(dict.fromkeys(table["wave"].astype("str")))  # the table's time order
    pos = {w: i for i, w in enumerate(waves)}
    top, bottom = 0.0, 100.0
    for i, (name, part) in enumerate(table.groupby("series", sort=False)):
        part = part.assign(x=part["wave"].astype("str").map(pos)).sort_values("x")
        colour = _SERIES_COLOURS[i % len(_SERIES_COLOURS)]
        y = 100 * part["value"].to_numpy(dtype="float64")
        ax.plot(part["x"], y, marker="o", color=colour, label=_plain(name))
        if {"ci_low", "ci_high"} <= set(part.columns):
            low = 100 * part["ci_low"].to_numpy(dtype="float64")
            high = 100 * part["ci_high"].to_numpy(dtype="float64")
            ok = ~np.isnan(low)
            ax.vlines(part["x"].to_numpy()[ok], low[ok], high[ok], color=colour, lw=1.5)
            if ok.any():
                top = max(top, float(np.nanmax(high)))
                bottom = min(bottom, float(np.nanmin(low)))
        side = 1 if i % 2 == 0 else -1
        for xx, yy in zip(part["x"], y, strict=True):
            if not np.isnan(yy):
                ax.annotate(
                    fmt_number(yy, lang=lang, decimals=1),
                    (xx, yy),
                    xytext=(7 * side, 0),
                    textcoords="offset points",
                    fontsize=8,
                    va="center",
                    ha="left" if side > 0 else "right",
                    color=colour,
                )
        if np.isfinite(y).any():
            top = max(top, float(np.nanmax(y)))
            bottom = min(bottom, float(np.nanmin(y)))
    if bands:
        bounds = [*_bands.LOWER_BOUNDS, 1.0]
        for i in range(len(_bands.LOWER_BOUNDS)):
            ax.axhspan(
                100 * bounds[i], 100 * bounds[i + 1], color=BAND_COLOURS[i], alpha=0.12, lw=0
            )
    ax.set_xticks(range(len(waves)))
    ax.set_xticklabels([_plain(w) for w in waves])
    ax.set_xlim(-0.4, len(waves) - 0.4)
    # A line chart need not start at zero; ten points of room on both sides, whole tens.
    low_edge = max(0.0, 10 * np.floor(bottom / 10) - 10) if bottom < top else 0.0
    ax.set_ylim(low_edge, min(100.0, 10 * np.ceil(top / 10) + 10))
    ax.set_xlabel(_plain(wave_label))
    ax.set_ylabel(_plain(axis_label))
    ax.legend(loc="lower left", fontsize=8)
    for edge in ("right", "top"):
        ax.spines[edge].set_visible(False)
    return ax


def time_breakdown(
    parts: pd.DataFrame,
    *,
    axis_label: str = "",
    lang: str = "fi",
    ax: Axes | None = None,
) -> Axes:
    """Theoretical working time split into its uses, as stacked horizontal bars.

    Parameters
    ----------
    parts : DataFrame
        ``bar`` (label of the bar: theoretical time, time at work, effective
        time), ``part`` (label of the segment), ``hours`` (per FTE a year)
        and ``kind`` ("structural", "other", "effective", "total") for the
        colour. Bars are drawn top to bottom in order of appearance.
    axis_label : str
    lang : {"fi", "en"}
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax, (7.5, 2.6))
    colours = {
        "total": "#4d4d4d",
        "structural": "#bababa",
        "other": "#f4a582",
        "effective": "#1a9850",
    }
    bars = list(dict.fromkeys(parts["bar"]))
    for i, bar in enumerate(bars):
        y = len(bars) - 1 - i
        left = 0.0
        for row in parts[parts["bar"] == bar].itertuples(index=False):
            hours = float(row.hours)
            ax.barh(
                y,
                hours,
                left=left,
                color=colours.get(str(row.kind), "#999999"),
                edgecolor="white",
                height=0.6,
            )
            if hours > 90:
                ax.text(
                    left + hours / 2,
                    y,
                    _plain(f"{row.part}\n{fmt_number(hours, lang=lang, decimals=0)} h"),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if row.kind in ("total", "effective") else "black",
                )
            left += hours
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([_plain(b) for b in bars[::-1]], fontsize=9)
    ax.set_xlabel(_plain(axis_label))
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([fmt_number(t, lang=lang, decimals=0) for t in ticks])
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    return ax
