"""What the report templates show: the sections of a report, assembled from the layers below.

The templates (``notebooks/org_report.ipynb``, ``notebooks/unit_report.ipynb``)
only call this module. The report layer, from the data up:

- :mod:`~hrproductivity.reports.prepare`: every statistic a report prints,
  computed once per run into a cache (intervals included);
- :mod:`~hrproductivity.reports.view`: :func:`open_view` picks one
  organisation (or unit) and wave out of the cache, and is the single privacy
  chokepoint: hidden units come out only folded into one row "small units
  (k)", so nothing above it can name one or print its figures;
- :mod:`~hrproductivity.reports.frames`: the ``*_frame`` functions, the
  numbers of each section as DataFrames (selected, never computed);
- :mod:`~hrproductivity.reports.figures`: the ``figure_*`` functions (each
  takes ``ax=None`` and returns the Axes) and :func:`svg`;
- :mod:`~hrproductivity.reports.formatting` and
  :mod:`~hrproductivity.reports.html`: number formats, and HTML blocks;
- this module: the ``*_section`` functions, the finished HTML of a report
  section in the report's language (texts from :mod:`hrproductivity.locales`),
  each passing the guard (:mod:`~hrproductivity.reports.guard`: no hidden
  unit's name anywhere in the text) once, and :func:`key_numbers`, what the
  template records.

The names of the layers below are importable from here as well, so a template
needs one import. Free-text comments are shown only when asked for
(``show_comments``) and allowed by their own threshold; a comment that names a
hidden unit, in any case, Unicode form or inflection
(:func:`~hrproductivity.privacy.mentions`), is left out by the view.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from hrproductivity import bands
from hrproductivity.locales import fmt_eur, fmt_int, fmt_number, fmt_pct, text
from hrproductivity.reports.figures import (
    figure_heatmap,
    figure_profile,
    figure_qwl,
    figure_time,
    figure_trend,
    setup,
    svg,
)
from hrproductivity.reports.formatting import (
    as_printed,
    band,
    day,
    lower,
    num,
    pct,
    plain,
    pts,
    sort_key,
)
from hrproductivity.reports.frames import (
    answers,
    associations_frame,
    comments_frame,
    drivers_frame,
    factor_frame,
    heatmap_frame,
    items_frame,
    money_frame,
    participation_frame,
    reliability_frame,
    summary,
    time_frame,
    trend_frame,
    units_frame,
    valuation_frame,
)
from hrproductivity.reports.guard import check_frame, check_text
from hrproductivity.reports.html import (
    STYLE,
    band_html,
    h,
    key_figures,
    note,
    p,
    section,
    t,
    table,
    ul,
)
from hrproductivity.reports.prepare import FACTORS
from hrproductivity.reports.view import (
    Cache,
    View,
    ensure_cache,
    largest_unit,
    load_cache,
    open_view,
)

__all__ = [
    "BAND_CODES",
    "Cache",
    "View",
    "associations_frame",
    "check_frame",
    "check_text",
    "comments_frame",
    "comments_section",
    "drivers_frame",
    "drivers_section",
    "ensure_cache",
    "factor_frame",
    "figure_heatmap",
    "figure_profile",
    "figure_qwl",
    "figure_time",
    "figure_trend",
    "header_section",
    "heatmap_frame",
    "items_frame",
    "key_numbers",
    "largest_unit",
    "load_cache",
    "methods_section",
    "money_frame",
    "money_section",
    "open_view",
    "participation_frame",
    "participation_section",
    "profile_section",
    "qwl_section",
    "reliability_frame",
    "setup",
    "show",
    "svg",
    "time_frame",
    "trend_frame",
    "trend_section",
    "unit_vs_org_section",
    "units_frame",
    "units_section",
    "valuation_frame",
]

#: Codes of the interpretation bands, lowest first (owned by :data:`hrproductivity.bands.CODES`).
BAND_CODES = bands.CODES


def show(*fragments: str) -> None:
    """Display HTML fragments in the notebook (the report's output)."""
    from IPython.display import HTML, display

    display(HTML("".join(fragments)))


def _status_label(v: View, status: str) -> str:
    return text(f"status.{status}", lang=v.lang)


# --------------------------------------------------------------------------- sections


def participation_section(v: View) -> str:
    """Heading, participation figures and the table by unit, with why small groups are hidden."""
    frame = participation_frame(v)
    own = frame[frame["kind"] == v.level].iloc[0]
    parts = [h(2, t(v.lang, "section.participation"))]
    key = "participation.text_unit" if v.unit is not None else "participation.text_org"
    parts.append(
        p(
            t(
                v.lang,
                key,
                respondents=fmt_int(own["n"], lang=v.lang),
                invited=fmt_int(own["invited"], lang=v.lang),
                rate=pct(own["response_rate"], 0, lang=v.lang),
            )
        )
    )
    parts.append(
        key_figures(
            [
                (text("col.respondents", lang=v.lang), fmt_int(own["n"], lang=v.lang)),
                (text("col.invited", lang=v.lang), fmt_int(own["invited"], lang=v.lang)),
                (text("col.response_rate", lang=v.lang), pct(own["response_rate"], 0, lang=v.lang)),
            ]
        )
    )
    header = [
        text("col.group" if v.unit is not None else "col.unit", lang=v.lang),
        text("col.respondents", lang=v.lang),
        text("col.invited", lang=v.lang),
        text("col.response_rate", lang=v.lang),
        text("col.results", lang=v.lang),
    ]
    rows = [
        [
            str(r.label),
            fmt_int(r.n, lang=v.lang),
            fmt_int(r.invited, lang=v.lang),
            pct(r.response_rate, 0, lang=v.lang),
            _status_label(v, str(r.status)),
        ]
        for r in frame.itertuples(index=False)
    ]
    classes = [
        "hrp-total" if r.kind == "org" else "hrp-muted" if r.kind == "hidden_units" else ""
        for r in frame.itertuples(index=False)
    ]
    parts.append(table(rows, header, numeric=(1, 2, 3), row_classes=classes))
    parts.append(note(_privacy_text(v)))
    return section(v, *parts)


def _privacy_text(v: View) -> str:
    return t(
        v.lang,
        "privacy.explain",
        min_n=v.min_n,
        rank_limit=v.rank_only_below,
        rank_max=v.rank_only_below - 1,
    )


def qwl_section(v: View) -> str:
    """The QWL index, its band, its change since the previous wave and the placement."""
    s = summary(v)
    parts = [h(2, t(v.lang, "section.qwl"))]
    if s["status"] == "hidden":
        parts.append(p(_hidden_notice(v)))
        return section(v, *parts)
    if s["status"] == "rank_only":
        kind = "unit" if v.unit is not None else "org"
        notice = t(v.lang, f"{kind}.rank_only_notice", n=s["answers"], limit=v.rank_only_below)
        parts.append(p(notice))
        parts.append(p(_placement_text(v, s)))
        return section(v, *parts)
    q = s["qwl_index"]
    low, high = s["ci"]
    _, code = band(q, lang=v.lang)
    parts.append(
        p(
            t(
                v.lang,
                "qwl.value",
                value=pct(q, lang=v.lang),
                low=pct(low, lang=v.lang),
                high=pct(high, lang=v.lang),
            )
            + " "
            + text("qwl.band", lang=v.lang, band=band_html(q, lang=v.lang))
        )
    )
    parts.append(
        svg(figure_qwl(v), caption=t(v.lang, "fig.qwl_caption"), alt=t(v.lang, "section.qwl"))
    )
    parts.append(p(t(v.lang, f"band.meaning.{code}")))
    refs = [t(v.lang, "qwl.reference_all", value=pct(s["all_orgs"], lang=v.lang))]
    if v.unit is not None:
        refs.append(t(v.lang, "qwl.reference_org", org=v.org, value=pct(s["org_qwl"], lang=v.lang)))
    parts.append(p(" ".join(refs)))
    parts.append(p(_change_text(v, s)))
    parts.append(p(_placement_text(v, s)))
    parts.append(note(t(v.lang, "band.explain") + " " + t(v.lang, "ci.explain")))
    parts.append(note(t(v.lang, "qwl.index_note")))
    return section(v, *parts)


def _hidden_notice(v: View) -> str:
    n = answers(v)
    kind = "unit" if v.unit is not None else "org"
    key = f"{kind}.hidden_small" if n < v.min_n else f"{kind}.hidden_complementary"
    return t(v.lang, key, n=n, min_n=v.min_n)


def _change_text(v: View, s: Mapping[str, Any]) -> str:
    change = s.get("change")
    if v.previous_wave is None:
        return t(v.lang, "change.first_wave")
    if change is None:
        return t(v.lang, "change.none", previous=v.previous_wave)
    diff, low, high = change["difference"], change["ci_low"], change["ci_high"]
    printed = round(100 * diff, 1)
    key = "change.up" if printed > 0 else "change.down" if printed < 0 else "change.same"
    out = t(
        v.lang,
        key,
        previous=v.previous_wave,
        before=pct(change["qwl_previous"], lang=v.lang),
        diff=fmt_number(abs(100 * diff), lang=v.lang, decimals=1),
        low=pts(low, lang=v.lang),
        high=pts(high, lang=v.lang),
    )
    clear = low > 0 or high < 0
    return out + " " + t(v.lang, "change.clear" if clear else "change.uncertain")


def _placement_text(v: View, s: Mapping[str, Any]) -> str:
    if s.get("rank") is None:
        return t(v.lang, "placement.withheld") if s.get("status") == "rank_only" else ""
    if v.unit is None:
        return t(v.lang, "placement.org", rank=s["rank"], count=s["siblings"])
    return t(v.lang, "placement.unit", rank=s["rank"], count=s["siblings"], min_n=v.min_n)


def profile_section(v: View) -> str:
    """FE/YI/PL profile against all organisations, and the strongest and weakest items."""
    parts = [h(2, t(v.lang, "section.profile")), p(t(v.lang, "profile.intro"))]
    status = summary(v)["status"]
    if status != "shown":
        kind = "unit" if v.unit is not None else "org"
        parts.append(
            p(_hidden_notice(v) if status == "hidden" else t(v.lang, f"{kind}.no_figures"))
        )
        return section(v, *parts)
    parts.append(svg(figure_profile(v), caption=t(v.lang, "fig.profile_caption")))
    frame = factor_frame(v)
    header = [
        text("col.factor", lang=v.lang),
        text("col.score", lang=v.lang),
        text("col.favourable", lang=v.lang),
    ]
    if v.unit is not None:
        header.append(text("col.org_score", lang=v.lang))
    header.append(text("col.all_orgs", lang=v.lang))
    rows = []
    for r in frame.itertuples(index=False):
        row = [text(f"factor.long.{r.factor}", lang=v.lang), pct(r.score, lang=v.lang)]
        row.append(
            fmt_pct(r.favourable / 100, lang=v.lang, decimals=0) if r.factor != "QWL" else ""
        )
        if v.unit is not None:
            row.append(pct(r.org, lang=v.lang))
        row.append(pct(r.all_orgs, lang=v.lang))
        rows.append(row)
    parts.append(table(rows, header, numeric=range(1, len(header))))
    parts.append(note(t(v.lang, "profile.favourable_note")))
    parts.append(_items_html(v))
    return section(v, *parts)


def _items_html(v: View, k: int = 3) -> str:
    frame = items_frame(v)
    # an item fewer than min_n answered has no figure: neither a strength nor a weakness
    frame = frame[frame["pct_favourable"].notna()]
    frame = frame.sort_values(["pct_favourable", "mean"], ascending=False)
    strong, weak = frame.head(k), frame.tail(k).iloc[::-1]
    ref = "col.org_favourable" if v.unit is not None else "col.all_favourable"
    ref_col = "org_pct_favourable" if v.unit is not None else "all_pct_favourable"
    header = [
        text("col.item", lang=v.lang),
        text("col.factor_short", lang=v.lang),
        text("col.mean", lang=v.lang),
        text("col.favourable", lang=v.lang),
        text(ref, lang=v.lang),
    ]

    def rows(part: pd.DataFrame) -> list[list[str]]:
        return [
            [
                str(r.text),
                str(r.factor),
                fmt_number(r.mean, lang=v.lang, decimals=2),
                fmt_pct(r.pct_favourable / 100, lang=v.lang, decimals=0),
                fmt_pct(getattr(r, ref_col) / 100, lang=v.lang, decimals=0),
            ]
            for r in part.itertuples(index=False)
        ]

    return "".join(
        [
            h(3, t(v.lang, "items.strengths")),
            table(rows(strong), header, numeric=(2, 3, 4)),
            h(3, t(v.lang, "items.weaknesses")),
            table(rows(weak), header, numeric=(2, 3, 4)),
            note(t(v.lang, "items.note")),
        ]
    )


def units_section(v: View) -> str:
    """The organisation's units: heatmap and table (organisation report)."""
    parts = [h(2, t(v.lang, "section.units")), p(t(v.lang, "units.intro"))]
    frame = units_frame(v)
    if frame.empty:
        return section(v, *parts)
    parts.append(svg(figure_heatmap(v), caption=t(v.lang, "fig.heatmap_caption")))
    header = [
        text("col.unit", lang=v.lang),
        text("col.respondents", lang=v.lang),
        text("col.qwl", lang=v.lang),
        text("col.band", lang=v.lang),
        *(f for f in FACTORS),
        text("col.placement", lang=v.lang),
    ]
    rows, classes = [], []
    for r in frame.itertuples(index=False):
        shown = r.status == "shown"
        rank = "" if r.rank is None or pd.isna(r.rank) else f"{int(r.rank)}/{int(r.siblings)}"
        rows.append(
            [
                str(r.label),
                fmt_int(r.n, lang=v.lang),
                pct(r.qwl_index, lang=v.lang) if shown else _status_label(v, str(r.status)),
                band(r.qwl_index, lang=v.lang)[0] if shown else "",
                *(pct(getattr(r, f), 0, lang=v.lang) if shown else "" for f in FACTORS),
                rank,
            ]
        )
        classes.append("" if shown else "hrp-muted")
    parts.append(table(rows, header, numeric=(1, 2, 4, 5, 6, 7), row_classes=classes))
    parts.append(note(_privacy_text(v)))
    return section(v, *parts)


def trend_section(v: View) -> str:
    """The trend over waves: figure and table."""
    parts = [h(2, t(v.lang, "section.trend")), p(t(v.lang, "trend.intro"))]
    frame = trend_frame(v)
    if len(frame["wave"].unique()) < 2:
        parts.append(p(t(v.lang, "change.first_wave")))
        return section(v, *parts)
    parts.append(svg(figure_trend(v), caption=t(v.lang, "fig.trend_caption")))
    waves = list(dict.fromkeys(frame["wave"]))
    header = [text("col.group", lang=v.lang), *waves]
    rows = []
    for series, part in frame.groupby("series", sort=False):
        values = part.set_index("wave")["value"]
        rows.append([str(series), *(pct(values.get(w), lang=v.lang) for w in waves)])
    parts.append(table(rows, header, numeric=range(1, len(header))))
    return section(v, *parts)


# --------------------------------------------------------------------------- unit vs org


def unit_vs_org_section(v: View) -> str:
    """The unit against its organisation: items with the largest differences (unit report)."""
    parts = [h(2, t(v.lang, "section.unit_vs_org"))]
    if summary(v)["status"] != "shown":
        parts.append(p(t(v.lang, "unit.no_figures")))
        return section(v, *parts)
    parts.append(p(t(v.lang, "unit_vs_org.intro", org=v.org)))
    frame = items_frame(v)
    header = [
        text("col.item", lang=v.lang),
        text("col.factor_short", lang=v.lang),
        text("col.favourable", lang=v.lang),
        text("col.org_favourable", lang=v.lang),
        text("col.difference_pts", lang=v.lang),
    ]
    rows = [
        [
            str(r.text),
            str(r.factor),
            fmt_pct(r.pct_favourable / 100, lang=v.lang, decimals=0),
            fmt_pct(r.org_pct_favourable / 100, lang=v.lang, decimals=0),
            pts(r.vs_org / 100, lang=v.lang),
        ]
        for r in frame.itertuples(index=False)
    ]
    parts.append(table(rows, header, numeric=(2, 3, 4)))
    parts.append(note(t(v.lang, "unit_vs_org.note")))
    return section(v, *parts)


def money_section(v: View) -> str:
    """Money and capacity: effective time, value of a QWL point and of the next band, costs."""
    parts = [h(2, t(v.lang, "section.money"))]
    money = money_frame(v)
    if money.empty:
        parts.append(p(t(v.lang, "money.none" if v.unit is None else "unit.no_money")))
        return section(v, *parts)
    m = money.iloc[0]
    lang = v.lang
    parts.append(p(t(v.lang, "money.intro")))
    if not pd.isna(m.get("effective_share", math.nan)):
        parts.append(
            p(
                t(
                    v.lang,
                    "money.effective_text",
                    at_work=pct(m["at_work_share"], lang=v.lang),
                    qwl=pct(m["qwl_index"], lang=v.lang),
                    effective=pct(m["effective_share"], lang=v.lang),
                    hours=fmt_int(m["effective_hours"], lang=lang),
                )
            )
        )
        parts.append(svg(figure_time(v), caption=t(v.lang, "fig.time_caption")))
    values = valuation_frame(v)
    if values.empty and v.unit is None:
        parts.append(note(t(v.lang, "valuation.no_finance")))
    if not values.empty:
        parts.append(h(3, t(v.lang, "valuation.heading")))
        point = values[values["kind"] == "point"].set_index("valuation", drop=False)
        potential = values[values["kind"] == "potential"].set_index("valuation")
        head = point.iloc[0]
        name = lower(text(f"valuation.name.{head['valuation']}", lang=lang))
        target = pct(head["qwl_target"], 0, lang=lang)
        parts.append(
            p(
                t(
                    lang,
                    "valuation.headline",
                    hours=fmt_int(head["hours"], lang=lang),
                    valuation=name,
                    value=fmt_eur(head["eur"], lang=lang),
                    per_fte=fmt_eur(head["per_fte"], lang=lang),
                )
            )
        )
        if not math.isnan(head["qwl_target"]):
            reach = potential.loc[head["valuation"]]
            parts.append(
                p(
                    t(
                        lang,
                        "valuation.potential",
                        target=target,
                        hours=fmt_int(reach["hours"], lang=lang),
                        value=fmt_eur(reach["eur"], lang=lang),
                        valuation=name,
                    )
                )
            )
        header = [
            text("col.valuation", lang=lang),
            text("col.point_total", lang=lang),
            text("col.point_fte", lang=lang),
            text("col.potential_total", lang=lang, target=target),
            text("col.valued_hours", lang=lang),
        ]
        rows = [
            [
                text(f"valuation.name.{r.valuation}", lang=lang) + (" *" if r.headline else ""),
                fmt_eur(r.eur, lang=lang),
                fmt_eur(r.per_fte, lang=lang),
                fmt_eur(potential.loc[r.valuation, "eur"], lang=lang),
                fmt_int(potential.loc[r.valuation, "valued_hours"], lang=lang),
            ]
            for r in point.itertuples(index=False)
        ]
        parts.append(table(rows, header, numeric=(1, 2, 3, 4)))
        notes = []
        if head["valuation"] == "public":
            notes.append(
                t(
                    v.lang,
                    "valuation.public_model",
                    price=fmt_eur(m["purchased_service_hour_price"], lang=lang, decimals=2),
                    overtime=fmt_eur(m["overtime_hour_price"], lang=lang, decimals=2),
                )
            )
        elif head["valuation"] == "wage":
            notes.append(t(v.lang, "valuation.no_purchases"))
        notes += [t(v.lang, f"valuation.explain.{x}") for x in point["valuation"]]
        parts.append(note(" ".join(notes)))
    parts.append(h(3, t(v.lang, "money.costs_heading")))
    rows = [
        [text("money.fte", lang=lang), fmt_number(m["fte"], lang=lang, decimals=1)],
        [text("money.headcount", lang=lang), fmt_int(m["headcount"], lang=lang)],
        [text("money.sick_rate", lang=lang), pct(m["sickness_absence_rate"], lang=v.lang)],
        [text("money.sick_per_fte", lang=lang), fmt_number(m["sick_days_per_fte"], lang=lang)],
        [
            text("money.absence_cost", lang=lang, per_day=fmt_eur(m["cost_per_day"], lang=lang)),
            fmt_eur(m["absence_cost_eur"], lang=lang),
        ],
        [
            text(
                "money.absence_cost_wage",
                lang=lang,
                per_day=fmt_eur(m["cost_per_day_wage"], lang=lang, decimals=2),
            ),
            fmt_eur(m["absence_cost_wage_eur"], lang=lang),
        ],
    ]
    if "turnover_cost_eur" in m and not pd.isna(m["turnover_cost_eur"]):
        rows += [
            [text("money.leavers", lang=lang), fmt_int(m["leavers"], lang=lang)],
            [text("money.turnover_rate", lang=lang), pct(m["turnover_rate"], lang=v.lang)],
            [text("money.turnover_cost", lang=lang), fmt_eur(m["turnover_cost_eur"], lang=lang)],
            [text("money.fte_lost", lang=lang), fmt_number(m["fte_lost"], lang=lang)],
        ]
    parts.append(
        table(rows, [text("col.figure", lang=lang), text("col.value", lang=lang)], numeric=(1,))
    )
    parts.append(note(t(v.lang, "money.costs_note")))
    return section(v, *parts)


def drivers_section(v: View) -> str:
    """What goes with engagement, well-being and sickness absence, with the caveats."""
    parts = [h(2, t(v.lang, "section.drivers"))]
    d = drivers_frame(v)
    if not d.empty:
        parts.append(p(t(v.lang, "drivers.intro", org=v.org)))
        header = [
            text("col.outcome", lang=v.lang),
            text("col.factor", lang=v.lang),
            text("col.share", lang=v.lang),
            text("col.ci", lang=v.lang),
            text("col.r2", lang=v.lang),
            text("col.n", lang=v.lang),
        ]
        rows = [
            [
                text(f"outcome.{r.outcome}", lang=v.lang),
                text(f"factor.long.{r.term}", lang=v.lang),
                pct(r.share, 0, lang=v.lang),
                f"{pct(r.share_ci_low, 0, lang=v.lang)} – {pct(r.share_ci_high, 0, lang=v.lang)}",
                fmt_number(r.r2, lang=v.lang, decimals=2),
                fmt_int(r.n, lang=v.lang),
            ]
            for r in d.itertuples(index=False)
        ]
        parts.append(table(rows, header, numeric=(2, 3, 4, 5)))
        parts.append(note(t(v.lang, "drivers.caveat")))
    a = associations_frame(v)
    if not a.empty:
        parts.append(h(3, t(v.lang, "associations.heading")))
        parts.append(
            p(t(v.lang, "associations.intro", n=int(a["n_units"].max()), waves=a["waves"].iloc[0]))
        )
        header = [
            text("col.variable", lang=v.lang),
            text("col.r", lang=v.lang),
            text("col.ci", lang=v.lang),
        ]
        rows = [
            [
                str(r.label),
                fmt_number(r.r, lang=v.lang, decimals=2),
                f"{fmt_number(r.ci_low, lang=v.lang, decimals=2)} … "
                f"{fmt_number(r.ci_high, lang=v.lang, decimals=2)}",
            ]
            for r in a.itertuples(index=False)
        ]
        parts.append(table(rows, header, numeric=(1, 2)))
        parts.append(note(t(v.lang, "associations.caveat")))
    if d.empty and a.empty:
        parts.append(p(t(v.lang, "drivers.none")))
    return section(v, *parts)


def comments_section(v: View) -> str:
    """Open comments, when asked for and above their own threshold; otherwise why not."""
    parts = [h(2, t(v.lang, "section.comments"))]
    if not v.show_comments:
        parts.append(p(t(v.lang, "comments.not_requested")))
        return section(v, *parts)
    frame = comments_frame(v)
    if frame.empty:
        row = v.row(v.level)
        large = row is not None and int(row["n"]) >= v.min_n_comments
        # A large group's list is empty when nobody wrote a comment, or when it was held
        # back so that other groups' lists cannot single its writers out.
        key = "comments.none" if large else "comments.too_few"
        parts.append(p(t(v.lang, key, min_n=v.min_n_comments)))
        return section(v, *parts)
    parts.append(p(t(v.lang, "comments.intro", count=len(frame))))
    counts = frame["comment"].astype("str").value_counts(sort=False)
    parts.append(
        ul(
            html.escape(c) + (" " + t(v.lang, "comments.repeat", count=k) if k > 1 else "")
            for c, k in sorted(counts.items(), key=lambda ck: sort_key(ck[0]))
        )
    )
    parts.append(note(t(v.lang, "comments.note", min_n=v.min_n_comments)))
    return section(v, *parts)


def methods_section(v: View) -> str:
    """Definitions, reliability for this organisation, and where the numbers come from."""
    lang = v.lang
    parts = [h(2, t(v.lang, "section.methods")), h(3, t(v.lang, "methods.definitions_heading"))]
    definitions = [
        "qwl",
        "bands",
        "factors",
        "favourable",
        "response_rate",
        "ci",
        "privacy",
        "htv",
        "sickness",
        "hcpf",
        "valuations",
    ]
    parts.append(
        ul(
            t(
                v.lang,
                f"methods.def.{d}",
                min_n=v.min_n,
                rank_limit=v.rank_only_below,
                min_n_comments=v.min_n_comments,
                method=v.settings["qwl_method"],
            )
            for d in definitions
        )
    )
    rel = reliability_frame(v)
    if not rel.empty:
        parts.append(h(3, t(v.lang, "methods.reliability_heading")))
        parts.append(p(t(v.lang, "methods.reliability_intro", org=v.org)))
        header = [
            text("col.factor", lang=lang),
            text("col.alpha_org", lang=lang, org=v.org),
            text("col.omega_org", lang=lang, org=v.org),
            text("col.alpha_all", lang=lang),
        ]
        rows = []
        for factor in FACTORS:
            own = rel[(rel["org"] == v.org) & (rel["factor"] == factor)].set_index("statistic")
            pooled = rel[rel["org"].isna() & (rel["factor"] == factor)].set_index("statistic")

            def alpha(t: pd.DataFrame) -> str:
                if "alpha" not in t.index:
                    return fmt_number(None, lang=lang)
                a = t.loc["alpha"]
                return (
                    f"{fmt_number(a['estimate'], lang=lang, decimals=2)} "
                    f"({fmt_number(a['ci_low'], lang=lang, decimals=2)}–"
                    f"{fmt_number(a['ci_high'], lang=lang, decimals=2)})"
                )

            omega = own.loc["omega", "estimate"] if "omega" in own.index else None
            rows.append(
                [
                    text(f"factor.long.{factor}", lang=lang),
                    alpha(own),
                    fmt_number(num(omega), lang=lang, decimals=2),
                    alpha(pooled),
                ]
            )
        parts.append(table(rows, header, numeric=(1, 2, 3)))
    parts.append(h(3, t(v.lang, "methods.provenance_heading")))
    meta = v.provenance
    parts.append(
        p(
            t(
                v.lang,
                "methods.provenance",
                dataset=meta["dataset"],
                created=day(date.fromisoformat(str(meta["created"])[:10]), lang),
                today=day(date.today(), lang),
            )
        )
    )
    rows = [[name, digest[:16]] for name, digest in meta.get("inputs", {}).items()]
    if rows:
        parts.append(table(rows, [text("col.file", lang=lang), text("col.sha256", lang=lang)]))
    versions = ", ".join(f"{k} {x}" for k, x in meta.get("versions", {}).items())
    parts.append(note(t(v.lang, "methods.versions", versions=versions)))
    settings = meta["settings"]
    parts.append(
        note(
            t(
                v.lang,
                "methods.settings",
                cost_per_day=fmt_eur(settings["cost_per_day"], lang=lang),
                holidays=pct(settings["holidays_share"], 0, lang=v.lang),
                hours=fmt_number(settings["hours_per_day"], lang=lang),
            )
        )
    )
    return section(v, *parts)


def header_section(v: View) -> str:
    """Style sheet, title, subtitle, the survey line and the introduction."""
    lang = v.lang
    row = v.row(v.level)
    n = int(row["n"]) if row is not None else 0
    if v.unit is None:
        title = t(v.lang, "report.org_title", org=v.org, wave=v.wave)
        subtitle = t(v.lang, "report.org_subtitle")
        intro = t(v.lang, "report.org_intro")
    else:
        title = t(v.lang, "report.unit_title", unit=v.unit, wave=v.wave)
        subtitle = t(v.lang, "report.unit_subtitle", org=v.org)
        intro = t(v.lang, "report.unit_intro")
    meta = t(
        v.lang,
        "report.meta_line",
        wave=v.wave,
        date=day(date.today(), lang),
        respondents=fmt_int(n, lang=lang),
    )
    body = STYLE + h(1, title) + p(subtitle, "hrp-sub") + p(meta, "hrp-meta") + p(intro)
    return section(v, body)


def key_numbers(v: View) -> dict[str, Any]:
    """The numbers a template records (:func:`hrproductivity.reports.record`), as plain values.

    Figures of a group that is not shown are None.
    """
    s = summary(v)
    frame = participation_frame(v)
    part = frame[frame["kind"] == v.level].iloc[0]
    shown = s["status"] == "shown"
    out: dict[str, Any] = {
        "level": v.level,
        "org": v.org,
        "unit": v.unit,
        "wave": v.wave,
        "lang": v.lang,
        "status": s["status"],
        "respondents": int(part["n"]),
        "invited": None if pd.isna(part["invited"]) else int(part["invited"]),
        "response_rate": plain(part["response_rate"]),
        "qwl_index": plain(s.get("qwl_index")) if shown else None,
        "qwl_index_ci": [plain(x) for x in s["ci"]] if shown and s.get("ci") else None,
        "band": band(s["qwl_index"], lang=v.lang)[0] if shown else None,
        "band_code": band(s["qwl_index"], lang=v.lang)[1] if shown else None,
        "all_orgs_qwl_index": plain(s.get("all_orgs")),
        "placement": s.get("rank"),
        "placement_of": s.get("siblings"),
        "min_n": v.min_n,
        "min_n_comments": v.min_n_comments,
    }
    change = s.get("change")
    out |= {
        "previous_wave": v.previous_wave,
        "change": plain(change["difference"]) if change else None,
        "change_ci": [plain(change["ci_low"]), plain(change["ci_high"])] if change else None,
    }
    if shown:
        f = factor_frame(v).set_index("factor")
        out["factors"] = {x: plain(f.loc[x, "score"]) for x in FACTORS}
    else:
        out["factors"] = None
    if v.unit is None:
        units, folded = units_frame(v), v.units()
        named = units[units["kind"] == "unit"]
        out |= {
            "units_shown": int((named["status"] == "shown").sum()),
            "units_rank_only": int((named["status"] == "rank_only").sum()),
            "hidden_units": int(folded.loc[folded["kind"] == "hidden_units", "count"].sum()),
            "units_named": sorted(named["label"].astype("str").tolist(), key=sort_key),
            "unit_qwl_index": {
                str(r.label): plain(r.qwl_index)
                for r in named.itertuples(index=False)
                if r.status == "shown"
            },
        }
    else:
        out["org_qwl_index"] = plain(s.get("org_qwl"))
    values = valuation_frame(v)
    if not values.empty:
        point = values[values["kind"] == "point"]
        head = point.iloc[0]
        reach = values[(values["kind"] == "potential") & values["headline"]].iloc[0]
        out |= {
            "valuation": str(head["valuation"]),
            "value_of_qwl_point": plain(head["eur"]),
            "value_of_qwl_point_per_fte": plain(head["per_fte"]),
            "value_of_qwl_point_by_valuation": {
                str(r.valuation): plain(r.per_fte) for r in point.itertuples(index=False)
            },
            "qwl_target": plain(head["qwl_target"]),
            "potential_eur": plain(reach["eur"]),
        }
    money = money_frame(v)
    if not money.empty:
        m = money.iloc[0]
        out |= {
            "fte": plain(m["fte"]),
            "sickness_absence_rate": plain(m["sickness_absence_rate"]),
            "sick_days_per_fte": plain(m["sick_days_per_fte"]),
            "absence_cost_eur": plain(m["absence_cost_eur"]),
            "turnover_cost_eur": plain(m.get("turnover_cost_eur")),
            "effective_share": plain(m.get("effective_share")),
        }
    out["comments_shown"] = len(comments_frame(v))
    return as_printed(out)
