"""The guard every rendered report output passes once: no hidden unit named, no figure leaked.

The view (:mod:`hrproductivity.reports.view`) is what keeps hidden units out
of a report: it never gives them out. The guard is the second line, run once
on each rendered section (:func:`hrproductivity.reports.html.section`), and
available to anyone who builds a table of their own (:func:`check_frame`).
Both raise :class:`~hrproductivity.errors.ReportError` rather than show
anything they should not, and never name the hidden unit in the message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache

import pandas as pd

from hrproductivity.errors import ReportError
from hrproductivity.privacy import words
from hrproductivity.reports.view import View

__all__ = ["check_frame", "check_text"]


def _hidden_names(v: View) -> frozenset[str]:
    """Units of the report's organisation hidden in the report's wave, other than its own unit."""
    return v._names()[0]


def _visible_names(v: View) -> frozenset[str]:
    """The organisation and its units not hidden in the report's wave."""
    return v._names()[1]


def _norm(value: str) -> str:
    """A name or a cell as the guard compares them: its words, normalised, joined."""
    return " ".join(words(value))


def _guarded(v: View) -> frozenset[str]:
    """Normalised hidden names that could name a hidden unit: not also a visible name."""
    visible = {_norm(x) for x in _visible_names(v)}
    return frozenset(h for h in map(_norm, _hidden_names(v)) if h and h not in visible)


@cache
def _stock_text(lang: str) -> str:
    """Every word the report writes by itself in ``lang`` (locale texts), padded with spaces."""
    from hrproductivity.locales import _texts

    return " " + " | ".join(_norm(t) for t in _texts(lang).values()) + " "


def check_frame(
    frame: pd.DataFrame,
    v: View,
    *,
    figures: Sequence[str] = (),
    status: str = "status",
) -> pd.DataFrame:
    """Raise unless ``frame`` is safe to show in the report of ``v``.

    Safe means: no text cell is the name of a unit hidden in the report's wave
    (compared whole, after Unicode normalisation and case folding, so a hidden
    unit named "3" or "ja" matches only a cell that is exactly that; a hidden
    name that is also a visible name, such as the organisation's, is not
    checked), and no row whose ``status`` is not "shown" has a value in a
    ``figures`` column.

    Returns
    -------
    DataFrame
        ``frame`` itself, for chaining.

    Raises
    ------
    ReportError
        Naming the problem (but not the hidden unit).
    """
    hidden = _guarded(v)
    for col in frame.columns:
        values = frame[col]
        if hidden and (values.dtype == object or pd.api.types.is_string_dtype(values)):
            cells = {_norm(x) for x in values.dropna().astype("str").unique()}
            if cells & hidden:
                raise ReportError(
                    f"column {col!r} would name a unit whose results are hidden; "
                    "this is a bug in the report content, not in the data"
                )
    if figures and status in frame.columns:
        not_shown = frame[status] != "shown"
        present = [c for c in figures if c in frame.columns]
        if present and frame.loc[not_shown, present].notna().any(axis=None):
            raise ReportError("a group that is not shown would carry a figure; report not made")
    return frame


_CELL = re.compile(r"<(td|th|li|text|tspan|figcaption|h\d)\b([^>]*)>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def check_text(fragment: str, v: View) -> str:
    """Raise if an HTML fragment (or SVG) names a unit hidden in the report's wave.

    Two checks, both on words (NFKC-normalised, case-folded), never on
    substrings, so a hidden unit named "3", "ja" or like its organisation does
    not block a report:

    - a table cell, list item, heading or figure text whose whole text is a
      hidden name (a name of digits only is looked for in the text cells of
      tables alone, not among numbers and axis labels);
    - in running text, the hidden name's words in a row, once the visible
      names' words are masked. Names whose words also occur in the report's
      own texts (locale texts such as "ja"), names of numbers only, and
      hidden names equal to a visible name are left to the first check: in
      running text they cannot be told from ordinary words.

    Returns
    -------
    str
        ``fragment`` itself.
    """
    hidden = _guarded(v)
    if not hidden:
        return fragment
    page = re.sub(r"<style\b.*?</style>", " ", fragment, flags=re.S)
    for match in _CELL.finditer(page):
        cell = _norm(html.unescape(_TAG.sub(" ", match.group(3))))
        if cell.replace(" ", "").isdigit() and (
            match.group(1) in ("text", "tspan") or "num" in match.group(2)
        ):
            continue  # a number in a figure or a numeric column, not a name
        if cell in hidden:
            raise ReportError(
                "the report would name a unit whose results are hidden; "
                "this is a bug in the report content, not in the data"
            )
    running = " " + _norm(html.unescape(_TAG.sub(" ", page))) + " "
    for name in sorted((_norm(x) for x in _visible_names(v)), key=len, reverse=True):
        if name:
            running = running.replace(f" {name} ", " | ")
    stock = _stock_text(v.lang)
    for name in hidden:
        if name.replace(" ", "").isdigit() or f" {name} " in stock:
            continue
        if f" {name} " in running:
            raise ReportError(
                "the report would name a unit whose results are hidden; "
                "this is a bug in the report content, not in the data"
            )
    return fragment
