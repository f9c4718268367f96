"""The numbers of each report section, as DataFrames: selected and named, never computed.

Every frame reads a :class:`~hrproductivity.reports.view.View`, so it sees
only what the report may show (hidden units folded into one row), and every
figure in it was computed by :mod:`hrproductivity.reports.prepare`: a frame
selects, orders and labels (labels in the report's language). No HTML here
(:mod:`hrproductivity.reports.html`), no formatting
(:mod:`hrproductivity.reports.formatting`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from hrproductivity.errors import ReportError
from hrproductivity.locales import text
from hrproductivity.reports.formatting import num, sort_key
from hrproductivity.reports.prepare import FACTORS
from hrproductivity.reports.view import View

__all__ = [
    "associations_frame",
    "comments_frame",
    "drivers_frame",
    "factor_frame",
    "heatmap_frame",
    "items_frame",
    "money_frame",
    "participation_frame",
    "reliability_frame",
    "summary",
    "time_frame",
    "trend_frame",
    "units_frame",
    "valuation_frame",
]


def _answers(row: pd.Series | None) -> int:
    """The people behind a group's QWL figures: those with an index (``qwl_n``)."""
    if row is None:
        return 0
    value = row.get("qwl_n", row["n"])
    return 0 if pd.isna(value) else int(value)


def summary(v: View) -> dict[str, Any]:
    """The QWL index of the report's group with its interval, change and placement.

    Returns
    -------
    dict
        ``status``; unless hidden also ``n``, ``answers`` (people with an
        index), ``qwl_index``, ``ci`` (low, high), ``all_orgs``, ``org_qwl``,
        ``rank``, ``siblings`` and ``change`` (the cache's change row as a
        dict, or None).
    """
    row = v.row(v.level)
    out: dict[str, Any] = {"status": "hidden" if row is None else str(row["status"])}
    if row is None:
        return out
    total, org = v.row("total"), v.row("org")
    q = num(row["qwl_index"])
    ci = (num(row["qwl_index_ci_low"]), num(row["qwl_index_ci_high"]))
    change = v.change()
    return out | {
        "n": int(row["n"]),
        "answers": _answers(row),
        "qwl_index": q,
        "ci": None if math.isnan(q) else ci,
        "all_orgs": num(total["qwl_index"]) if total is not None else math.nan,
        "org_qwl": num(org["qwl_index"]) if org is not None else math.nan,
        "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
        "siblings": int(row["siblings"]),
        "change": None if change is None else change.to_dict(),
    }


def answers(v: View) -> int:
    """The people behind the report's group's QWL figures."""
    return _answers(v.row(v.level))


def participation_frame(v: View) -> pd.DataFrame:
    """Respondents, invited and response rate: the visible units, hidden units together, total.

    Returns
    -------
    DataFrame
        ``label``, ``kind`` ("unit", "hidden_units", "org" or, in a unit
        report, "unit" for the unit and "org" for its organisation), ``n``,
        ``invited``, ``response_rate``, ``status``.
    """
    org = v.row("org")
    if org is None:
        raise ReportError(f"no results for {v.org!r} in wave {v.wave}")
    cols = ["label", "kind", "n", "invited", "response_rate", "status"]
    rows: list[list[Any]] = []
    if v.unit is not None:
        own = v.row("unit")
        if own is not None:
            rows.append([v.unit, "unit", own["n"], own["invited"], own["response_rate"]])
            rows[-1].append(str(own["status"]))
        rows.append([v.org, "org", org["n"], org["invited"], org["response_rate"], "shown"])
        return pd.DataFrame(rows, columns=cols)
    units = v.units()
    named = units[units["kind"] == "unit"]
    for r in sorted(named.itertuples(index=False), key=lambda r: sort_key(str(r.unit))):
        rows.append([str(r.unit), "unit", r.n, r.invited, r.response_rate, str(r.status)])
    for r in units[units["kind"] == "hidden_units"].itertuples(index=False):
        label = text("participation.hidden_group", lang=v.lang, count=r.count)
        rows.append([label, "hidden_units", r.n, r.invited, r.response_rate, "hidden"])
    total = text("participation.total", lang=v.lang)
    rows.append([total, "org", org["n"], org["invited"], org["response_rate"], "shown"])
    return pd.DataFrame(rows, columns=cols)


def factor_frame(v: View) -> pd.DataFrame:
    """FE, YI, PL and the QWL index of the group, its organisation and all organisations.

    Returns
    -------
    DataFrame
        One row per factor (``factor``: FE, YI, PL, QWL) with ``score`` and
        ``favourable`` (the group; missing unless shown), ``org`` and
        ``org_favourable`` (unit report), ``all_orgs``; scores as shares,
        favourable as percentages.
    """
    own, org, total = v.row(v.level), v.row("org"), v.row("total")
    rows = []
    for factor in (*FACTORS, "QWL"):
        share = "qwl_index" if factor == "QWL" else f"{factor}_share_mean"
        fav = None if factor == "QWL" else f"{factor}_pct_favourable"
        rows.append(
            {
                "factor": factor,
                "score": num(own[share]) if own is not None else math.nan,
                "favourable": num(own[fav]) if own is not None and fav else math.nan,
                "org": num(org[share]) if org is not None else math.nan,
                "org_favourable": num(org[fav]) if org is not None and fav else math.nan,
                "all_orgs": num(total[share]) if total is not None else math.nan,
                "status": "shown" if own is None else str(own["status"]),
            }
        )
    return pd.DataFrame(rows)


def items_frame(v: View) -> pd.DataFrame:
    """The items of the QWL instrument for the group, its organisation and all organisations.

    Returns
    -------
    DataFrame
        ``item``, ``factor``, ``text`` (in the report's language), ``mean``
        and ``pct_favourable`` of the group (missing unless shown),
        ``org_mean``, ``org_pct_favourable``, ``all_mean``, ``all_pct_favourable``,
        ``vs_org`` (a unit's % favourable less its organisation's, in points;
        missing in an organisation report), ``status``.
    """
    org = v.items("org").set_index("item")
    total = v.items("total").set_index("item")
    own = org if v.unit is None else v.items("unit").set_index("item")
    texts = {i.id: i.text.get(v.lang, i.id) for i in v.instrument.items}

    def vs_org(item: str) -> float:
        if v.unit is None or item not in own.index:
            return math.nan
        return num(own.loc[item, "pct_favourable_vs_org"])

    rows = []
    for item in v.instrument.item_ids:
        mine = item in own.index
        rows.append(
            {
                "item": item,
                "factor": str(org.loc[item, "factor"]) if item in org.index else "",
                "text": texts[item],
                "mean": num(own.loc[item, "mean"]) if mine else math.nan,
                "pct_favourable": num(own.loc[item, "pct_favourable"]) if mine else math.nan,
                "org_mean": num(org.loc[item, "mean"]),
                "org_pct_favourable": num(org.loc[item, "pct_favourable"]),
                "all_mean": num(total.loc[item, "mean"]),
                "all_pct_favourable": num(total.loc[item, "pct_favourable"]),
                "vs_org": vs_org(item),
                "status": str(own.loc[item, "status"]) if mine else "hidden",
            }
        )
    return pd.DataFrame(rows)


def units_frame(v: View) -> pd.DataFrame:
    """The organisation's units in the wave: figures of shown units, rank of rank-only units.

    Hidden units are one row together (``kind`` "hidden_units"), with their
    respondents and no figure.

    Returns
    -------
    DataFrame
        ``label``, ``kind`` ("unit" or "hidden_units"), ``status``, ``n``,
        ``rank``, ``siblings``, ``qwl_index``, ``FE``, ``YI``, ``PL`` (shares).
    """
    units = v.units()
    rows: list[dict[str, Any]] = []
    for r in units[units["kind"] == "unit"].itertuples(index=False):
        rows.append(
            {
                "label": str(r.unit),
                "kind": "unit",
                "status": str(r.status),
                "n": int(r.n),
                "rank": None if pd.isna(r.rank) else int(r.rank),
                "siblings": int(r.siblings),
                "qwl_index": num(r.qwl_index),
                **{f: num(getattr(r, f"{f}_share_mean")) for f in FACTORS},
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, sort_key(r["label"])))
    for r in units[units["kind"] == "hidden_units"].itertuples(index=False):
        rows.append(
            {
                "label": text("units.hidden_group", lang=v.lang, count=r.count),
                "kind": "hidden_units",
                "status": "hidden",
                "n": int(r.n),
                "rank": None,
                "siblings": None,
                "qwl_index": math.nan,
                **dict.fromkeys(FACTORS, math.nan),
            }
        )
    return pd.DataFrame(
        rows, columns=["label", "kind", "status", "n", "rank", "siblings", "qwl_index", *FACTORS]
    )


def heatmap_frame(v: View) -> pd.DataFrame:
    """Units × (FE, YI, PL, QWL) as shares; rows of units not shown are all missing.

    The index labels the rows: visible units in alphabetical order, then one
    row for the hidden units together. Column ``status`` says which rows are shown.
    """
    frame = units_frame(v)
    units = frame[frame["kind"] == "unit"].sort_values("label", key=lambda s: s.map(sort_key))
    frame = pd.concat([units, frame[frame["kind"] == "hidden_units"]], ignore_index=True)
    out = pd.DataFrame(
        {f: frame[f].to_numpy() for f in FACTORS} | {"QWL": frame["qwl_index"].to_numpy()},
        index=pd.Index(frame["label"].astype("str"), name="unit"),
    )
    out["status"] = frame["status"].to_numpy()
    return out


def trend_frame(v: View) -> pd.DataFrame:
    """The QWL index (with its interval) and FE/YI/PL over the waves up to the report's.

    Returns
    -------
    DataFrame
        ``series`` (label), ``kind`` ("unit", "org", "total"), ``wave``,
        ``value`` (QWL index), ``ci_low``, ``ci_high``, ``FE``, ``YI``, ``PL``,
        ``status``; missing where the group was not shown in a wave.
    """
    waves = v.waves[: v.waves.index(v.wave) + 1]
    kinds = (["unit"] if v.unit is not None else []) + ["org", "total"]
    labels = {"unit": v.unit, "org": v.org, "total": text("fig.all_orgs", lang=v.lang)}
    rows = []
    for kind in kinds:
        for wave in waves:
            row = v.row(kind, wave=wave)
            shown = row is not None and row["status"] == "shown"

            def figure(col: str, row: pd.Series | None = row, shown: bool = shown) -> float:
                return num(row[col]) if shown and row is not None else math.nan

            rows.append(
                {
                    "series": labels[kind],
                    "kind": kind,
                    "wave": wave,
                    "value": figure("qwl_index"),
                    "ci_low": figure("qwl_index_ci_low"),
                    "ci_high": figure("qwl_index_ci_high"),
                    **{f: figure(f"{f}_share_mean") for f in FACTORS},
                    "status": "shown" if shown else "hidden",
                }
            )
    return pd.DataFrame(rows)


def money_frame(v: View) -> pd.DataFrame:
    """HR, cost and HCPF figures of the group in the wave (one row; empty if none).

    A unit's figures exist only when the unit is shown. See
    :mod:`hrproductivity.reports.prepare` for the columns.
    """
    return v.money()


def valuation_frame(v: View) -> pd.DataFrame:
    """The value of one QWL point and of reaching the next band under each valuation.

    Returns
    -------
    DataFrame
        The cache's ``valuations`` rows of the group, long, headline first:
        ``kind`` ("point" or "potential"), ``valuation``, ``headline``
        (bool), ``hours`` (effective hours gained), ``eur``, ``per_fte``,
        ``per_employee``, ``valued_hours``; and ``qwl_target`` (the next
        band's lower bound). Empty without finance data.
    """
    values = v.valuations()
    money = v.money()
    if values.empty or money.empty:
        return pd.DataFrame()
    keep = ["kind", "valuation", "headline", "hours", "eur", "per_fte", "per_employee"]
    keep.append("valued_hours")
    return values[keep].assign(qwl_target=num(money["qwl_target"].iloc[0]))


def time_frame(v: View) -> pd.DataFrame:
    """Theoretical working time per FTE split into structural time, other time and effective time.

    Returns
    -------
    DataFrame
        ``bar``, ``part``, ``hours``, ``kind`` as :func:`hrproductivity.plots.time_breakdown`
        takes them; empty without HR data.
    """
    money = v.money()
    if money.empty or pd.isna(money.loc[0].get("effective_share", math.nan)):
        return pd.DataFrame(columns=["bar", "part", "hours", "kind"])
    m = money.iloc[0]
    bars = [text(f"time.bar.{b}", lang=v.lang) for b in ("theoretical", "at_work", "effective")]

    def part(name: str) -> str:
        return text(f"time.part.{name}", lang=v.lang)

    def hours(name: str) -> float:
        return num(m[f"time_{name}_hours"])

    rows = [[bars[0], part("theoretical"), num(m["theoretical_hours_per_fte"]), "total"]]
    rows += [[bars[1], part("at_work"), hours("at_work"), "total"]]
    rows += [
        [bars[1], part(p), hours(p), "structural"]
        for p in ("holidays", "sickness", "other_absence", "training")
    ]
    rows += [[bars[2], part("effective"), hours("effective"), "effective"]]
    rows += [[bars[2], part("other_work"), hours("other_work"), "other"]]
    rows += [[bars[2], part("structural"), hours("structural"), "structural"]]
    return pd.DataFrame(rows, columns=["bar", "part", "hours", "kind"])


def drivers_frame(v: View) -> pd.DataFrame:
    """The organisation's LMG shares of FE, YI and PL for engagement and well-being.

    Returns
    -------
    DataFrame
        As the cache's ``drivers`` table for the organisation and wave.
    """
    return v.drivers()


def associations_frame(v: View, *, k: int = 5) -> pd.DataFrame:
    """Unit-level correlations with sick days per FTE: the index, the factors and the ``k``
    items with the strongest association, with item texts."""
    a = v.associations()
    if a.empty:
        return a
    texts = {i.id: i.text.get(v.lang, i.id) for i in v.instrument.items}
    items = a[a["kind"] == "item"].assign(strength=lambda x: x["r"].abs())
    items = items.sort_values("strength", ascending=False).head(k).drop(columns="strength")
    out = pd.concat([a[a["kind"] != "item"], items], ignore_index=True)
    labels = []
    for var in out["variable"]:
        if var in texts:
            labels.append(texts[var])
        elif var == "qwl_index":
            labels.append(text("factor.long.QWL", lang=v.lang))
        else:
            labels.append(text(f"factor.long.{var}", lang=v.lang))
    return out.assign(label=labels)


def comments_frame(v: View) -> pd.DataFrame:
    """The free-text comments the report may show (empty unless ``show_comments``).

    Only the group's own list is used (the organisation's for an organisation
    report, the unit's for a unit report), as
    :func:`~hrproductivity.privacy.suppress_comments` allowed it with the
    cache's ``min_n_comments``; comments naming a hidden unit are left out
    (by the view, :meth:`~hrproductivity.reports.view.View.comments`).

    Returns
    -------
    DataFrame
        ``question`` and ``comment``.
    """
    return v.comments()


def reliability_frame(v: View) -> pd.DataFrame:
    """Alpha (with its interval) and omega of FE, YI and PL in the organisation and overall."""
    return v.reliability()
