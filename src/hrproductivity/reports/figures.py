"""The report's figures, drawn from the frames (each takes ``ax=None`` and returns the Axes).

The drawing itself is :mod:`hrproductivity.plots`'; this module feeds it a
frame of the report's view and the labels in the report's language, and
:func:`svg` turns a finished figure into inline SVG for the HTML.
"""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING

import pandas as pd

from hrproductivity import bands, plots
from hrproductivity.errors import ReportError
from hrproductivity.locales import text
from hrproductivity.reports.frames import (
    factor_frame,
    heatmap_frame,
    summary,
    time_frame,
    trend_frame,
)
from hrproductivity.reports.prepare import FACTORS
from hrproductivity.reports.view import View

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "figure_heatmap",
    "figure_profile",
    "figure_qwl",
    "figure_time",
    "figure_trend",
    "setup",
    "svg",
]


def setup() -> None:
    """Prepare a report kernel: no warnings in the output, figures drawn off screen.

    A report shows only what its sections display; a warning printed by a
    library underneath would otherwise land in the middle of the page.
    """
    import warnings

    import matplotlib

    warnings.filterwarnings("ignore")
    matplotlib.use("Agg")


def svg(ax: Axes, *, caption: str = "", alt: str = "") -> str:
    """A figure as inline SVG (text kept as text, so it can be searched), and closed.

    Parameters
    ----------
    ax : Axes
        Any Axes of the figure.
    caption : str
        HTML caption under the figure.
    alt : str
        Text alternative of the image.
    """
    import matplotlib.pyplot as plt

    fig = ax.get_figure(root=True)
    if fig is None:
        raise ReportError("the Axes belongs to no figure")
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "hrproductivity"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    code = buffer.getvalue()
    code = code[code.index("<svg") :]
    code = re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        rf'<svg\1 role="img" aria-label="{html.escape(alt)}" '
        r'style="width:100%;max-width:760px;height:auto"',
        code,
        count=1,
    )
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{code}{cap}</figure>"


def _group_label(v: View) -> str:
    return v.unit if v.unit is not None else v.org


def figure_qwl(v: View, ax: Axes | None = None) -> Axes:
    """The group's QWL index on the band scale, with all organisations and the previous wave."""
    s = summary(v)
    if s["status"] != "shown":
        raise ReportError("the QWL index of a group that is not shown cannot be drawn")
    markers = {text("fig.all_orgs", lang=v.lang): s["all_orgs"]}
    if v.unit is not None:
        markers[v.org] = s["org_qwl"]
    if s.get("change"):
        previous = text("fig.previous", lang=v.lang, wave=v.previous_wave)
        markers[previous] = s["change"]["qwl_previous"]
    labels = [bands.label(code, lang=v.lang) for code in bands.CODES]
    return plots.qwl_gauge(
        s["qwl_index"],
        ci=s["ci"],
        markers=markers,
        band_labels=[label.replace(" ", "\n", 1) for label in labels],
        label=_group_label(v),
        axis_label=text("fig.qwl_axis", lang=v.lang),
        lang=v.lang,
        ax=ax,
    )


def figure_profile(v: View, ax: Axes | None = None) -> Axes:
    """FE, YI and PL of the group beside its organisation (unit report) and all organisations."""
    frame = factor_frame(v)
    frame = frame[frame["factor"] != "QWL"]
    if frame["status"].iloc[0] != "shown":
        raise ReportError("the profile of a group that is not shown cannot be drawn")
    labels = [text(f"factor.short.{f}", lang=v.lang) for f in frame["factor"]]
    data = {_group_label(v): frame["score"].to_numpy()}
    if v.unit is not None:
        data[v.org] = frame["org"].to_numpy()
    data[text("fig.all_orgs", lang=v.lang)] = frame["all_orgs"].to_numpy()
    table = pd.DataFrame(data, index=labels).T
    return plots.factor_profile(
        table, axis_label=text("fig.score_axis", lang=v.lang), lang=v.lang, ax=ax
    )


def figure_heatmap(v: View, ax: Axes | None = None) -> Axes:
    """Units × factors coloured by band; units not shown grey, without a number."""
    frame = heatmap_frame(v)
    notes = {
        str(label): text(
            f"status.{'rank_only_short' if status == 'rank_only' else 'hidden_short'}",
            lang=v.lang,
        )
        for label, status in frame["status"].items()
        if status != "shown"
    }
    table = frame[[*FACTORS, "QWL"]].astype("float64")
    index_label = text("fig.qwl_short", lang=v.lang)
    table.columns = [*FACTORS, index_label]
    return plots.unit_heatmap(table, notes=notes, band_columns=[index_label], lang=v.lang, ax=ax)


def figure_trend(v: View, ax: Axes | None = None) -> Axes:
    """The QWL index over the waves with 95 % intervals, against all organisations."""
    return plots.trend(
        trend_frame(v),
        axis_label=text("fig.qwl_axis", lang=v.lang),
        wave_label=text("fig.wave", lang=v.lang),
        lang=v.lang,
        ax=ax,
    )


def figure_time(v: View, ax: Axes | None = None) -> Axes:
    """HCPF time breakdown: theoretical time → time at work → effective time, hours per FTE."""
    frame = time_frame(v)
    if frame.empty:
        raise ReportError("no HR data for the time breakdown")
    return plots.time_breakdown(
        frame, axis_label=text("fig.hours_axis", lang=v.lang), lang=v.lang, ax=ax
    )
