"""How a report prints its numbers: shares, points, bands, dates, and the recorded key numbers.

Plain strings, no HTML (:mod:`hrproductivity.reports.html` escapes and marks
them up). The number formats themselves (Finnish decimal comma, spaces,
euros) are :mod:`hrproductivity.locales`'; this module says which format each
kind of report figure takes.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from hrproductivity import bands
from hrproductivity.errors import ReportError
from hrproductivity.locales import fmt_number, fmt_pct, printed

__all__ = [
    "as_printed",
    "band",
    "day",
    "lower",
    "num",
    "pct",
    "plain",
    "printed_share",
    "pts",
    "sort_key",
]


def num(value: Any) -> float:
    """``value`` as a float; NaN for None, NA or anything that is not a number."""
    if value is None or value is pd.NA:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def plain(value: Any) -> float | None:
    """``value`` as a float, None where missing (for the results file)."""
    x = num(value)
    return None if math.isnan(x) else x


def pct(share: Any, decimals: int = 1, *, lang: str) -> str:
    """A share as a percentage."""
    return fmt_pct(num(share), lang=lang, decimals=decimals)


def pts(share: Any, *, lang: str) -> str:
    """A difference of shares in percentage points, with its sign."""
    value = num(share)
    if math.isnan(value):
        return fmt_number(None, lang=lang)
    out = fmt_number(100 * value, lang=lang, decimals=1)
    return ("+" + out) if value > 0 and not out.startswith(("-", "\u2212")) else out


def printed_share(share: float) -> float:
    """The share as the report prints it (one decimal of a percentage), for banding."""
    shown = fmt_number(100 * share, lang="en", decimals=1).replace(",", "")
    return float(shown) / 100


def band(share: float, *, lang: str) -> tuple[str, str]:
    """(label, code) of the band of a share as printed."""
    position = bands.position(printed_share(share))
    return bands.label(position, lang=lang), bands.CODES[position]


def sort_key(name: str) -> str:
    """Finnish alphabetical order: å, ä, ö after z."""
    return name.lower().translate(str.maketrans("åäö", "{|}"))


def lower(name: str) -> str:
    """A name for the middle of a sentence: first letter in lower case."""
    return name[:1].lower() + name[1:]


def day(when: date, lang: str) -> str:
    """A date: 4.12.2026 in Finnish, ISO in English."""
    return f"{when.day}.{when.month}.{when.year}" if lang == "fi" else when.isoformat()


# How the report prints each recorded figure, (scale, decimals): the results file beside
# a report publishes what the report shows, at the report's precision, nothing finer.
_PCT1, _PCT0, _NUM1, _EUR = (100, 1), (100, 0), (1, 1), (1, 0)
PRINTED = {
    "response_rate": _PCT0,
    "qwl_index": _PCT1,
    "qwl_index_ci": _PCT1,
    "all_orgs_qwl_index": _PCT1,
    "org_qwl_index": _PCT1,
    "unit_qwl_index": _PCT1,
    "change": _PCT1,
    "change_ci": _PCT1,
    "factors": _PCT1,
    "value_of_qwl_point": _EUR,
    "value_of_qwl_point_per_fte": _EUR,
    "value_of_qwl_point_by_valuation": _EUR,
    "qwl_target": _PCT0,
    "potential_eur": _EUR,
    "fte": _NUM1,
    "sickness_absence_rate": _PCT1,
    "sick_days_per_fte": _NUM1,
    "absence_cost_eur": _EUR,
    "turnover_cost_eur": _EUR,
    "effective_share": _PCT1,
}


def as_printed(numbers: dict[str, Any]) -> dict[str, Any]:
    """Every float of ``numbers`` rounded as the report prints it (:data:`PRINTED`).

    Raises
    ------
    ReportError
        A float under a name :data:`PRINTED` does not list.
    """

    def rounded(value: Any, scale: float, decimals: int) -> Any:
        if isinstance(value, float):
            return printed(value, decimals=decimals, scale=scale)
        if isinstance(value, list | tuple):
            return [rounded(x, scale, decimals) for x in value]
        if isinstance(value, dict):
            return {k: rounded(x, scale, decimals) for k, x in value.items()}
        return value

    def has_float(value: Any) -> bool:
        if isinstance(value, dict):
            return any(has_float(x) for x in value.values())
        if isinstance(value, list | tuple):
            return any(has_float(x) for x in value)
        return isinstance(value, float)

    unlisted = [k for k, x in numbers.items() if k not in PRINTED and has_float(x)]
    if unlisted:
        raise ReportError(f"key_numbers: no printed precision for {', '.join(unlisted)}")
    return {k: rounded(x, *PRINTED[k]) if k in PRINTED else x for k, x in numbers.items()}
