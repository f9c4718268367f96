"""What the report templates show: one report's slice of the cache, as tables, texts and figures.

The templates (``notebooks/org_report.ipynb``, ``notebooks/unit_report.ipynb``)
only call this module: :func:`open_view` picks one organisation (or unit) and
wave out of a report cache built by :mod:`hrproductivity.reports.prepare`, the
``*_frame`` functions return the numbers (DataFrames), the ``*_section``
functions the finished HTML of a report section in the report's language
(texts from :mod:`hrproductivity.locales`, Finnish number formats), the
``figure_*`` functions the figures (each takes ``ax=None`` and returns the
Axes), and :func:`key_numbers` what the template records.

Anonymity is enforced here, not in the templates:

- a unit whose status is "hidden" (fewer than ``min_n`` respondents, or hidden
  to protect another) is never named in a table or figure: hidden units are
  shown only together, as one line "small units (k)" with their respondent
  count and no figure;
- a unit whose status is "rank_only" is named with its placement only, and
  without it where the placement would narrow a hidden unit's result
  (docs/privacy.md);
- every frame a section or figure is built from passes :func:`check_frame`
  (no figure in a row that is not shown, no hidden unit's name), and every
  HTML fragment and figure passes :func:`check_text` (no hidden unit's name
  anywhere in the text), which raise :class:`~hrproductivity.errors.ReportError`
  rather than show anything they should not;
- free-text comments are shown only when asked for (``show_comments``) and
  allowed by their own threshold; a comment that names a hidden unit, in any
  case, Unicode form or inflection (:func:`~hrproductivity.privacy.mentions`),
  is left out.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hrproductivity import bands, plots
from hrproductivity.aggregation import mean_ci
from hrproductivity.errors import ReportError, UnknownNameError
from hrproductivity.instruments import Instrument, load_instrument
from hrproductivity.locales import (
    LANGUAGES,
    fmt_eur,
    fmt_int,
    fmt_number,
    fmt_pct,
    printed,
    text,
)
from hrproductivity.privacy import mentions, words
from hrproductivity.reports.prepare import FACTORS, TABLES, VALUATIONS, PrepareSettings

if TYPE_CHECKING:
    from matplotlib.axes import Axes

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
_STATUSES = ("shown", "rank_only", "hidden")
_STYLE = """<style>
.hrp h1 {margin-bottom: 0.1em;} .hrp .hrp-sub {font-size: 1.15em; color: #444; margin: 0;}
.hrp .hrp-meta {color: #666; font-size: 0.9em;}
.hrp table.hrp-table {border-collapse: collapse; margin: 0.6em 0 1em 0; font-size: 0.92em;}
.hrp table.hrp-table th {background: #eef1f5; text-align: left; padding: 4px 8px;
  border-bottom: 1px solid #999; vertical-align: bottom;}
.hrp table.hrp-table td {padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left;}
.hrp table.hrp-table tbody tr:nth-child(odd) {background: transparent;}
.hrp table.hrp-table td.num {text-align: right; white-space: nowrap;}
.hrp table.hrp-table tr.hrp-total td {font-weight: bold; border-top: 1px solid #999;}
.hrp table.hrp-table tr.hrp-muted td {color: #777; font-style: italic;}
.hrp .hrp-key {display: flex; flex-wrap: wrap; gap: 12px; margin: 0.6em 0;}
.hrp .hrp-key div {border: 1px solid #ccd; border-radius: 6px; padding: 6px 12px; min-width: 9em;}
.hrp .hrp-key b {display: block; font-size: 1.5em;}
.hrp .hrp-note {color: #555; font-size: 0.88em; border-left: 3px solid #ccd; padding-left: 8px;}
.hrp figure {margin: 0.6em 0;} .hrp figcaption {color: #555; font-size: 0.88em;}
.hrp .hrp-band {padding: 1px 6px; border-radius: 4px;}
</style>"""


# --------------------------------------------------------------------------- the cache


@dataclass(frozen=True)
class Cache:
    """A report cache read into memory.

    Attributes
    ----------
    folder : Path
        Where it was read from.
    meta : mapping
        ``meta.json``: settings, inputs, versions, creation time.
    tables : mapping of str to DataFrame
        The tables listed in :data:`hrproductivity.reports.prepare.TABLES`.
    """

    folder: Path
    meta: Mapping[str, Any]
    tables: Mapping[str, pd.DataFrame] = field(repr=False)

    def table(self, name: str) -> pd.DataFrame:
        """One table by name (a copy the caller may change)."""
        if name not in self.tables:
            raise UnknownNameError("cache table", name, list(self.tables))
        return self.tables[name].copy()

    @property
    def settings(self) -> Mapping[str, Any]:
        """The :class:`~hrproductivity.reports.prepare.PrepareSettings` it was built with."""
        settings: Mapping[str, Any] = self.meta["settings"]
        return settings


def load_cache(folder: str | Path) -> Cache:
    """Read a report cache folder.

    Raises
    ------
    ReportError
        The folder is not a complete cache (no ``meta.json``), or of another version.
    """
    from hrproductivity.reports.prepare import CACHE_VERSION

    folder = Path(folder)
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise ReportError(
            f"{folder} is not a report cache (no meta.json); build it with "
            "hrproductivity.reports.prepare.prepare_cache or leave 'cache' empty"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("cache_version") != CACHE_VERSION:
        raise ReportError(
            f"report cache {folder} has version {meta.get('cache_version')}, this library "
            f"reads version {CACHE_VERSION}; prepare it again"
        )
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    return Cache(folder, meta, tables)


def ensure_cache(
    dataset: str,
    cache: str,
    *,
    min_n: int = 5,
    min_n_comments: int = 10,
    rank_only_below: int | None = None,
) -> str:
    """The cache folder to read: ``cache`` when given, else one prepared now in a temporary folder.

    A template opened by hand (``cache`` empty) prepares its own cache from
    ``dataset`` with its own thresholds, so it still runs; a report run passes
    the folder its ``prepare`` step filled.

    Parameters
    ----------
    dataset : str
        The dataset folder (used only when ``cache`` is empty).
    cache : str
        A prepared cache folder, or "".
    min_n, min_n_comments : int, keyword-only
        The thresholds to prepare with.
    rank_only_below : int, optional
        Default ``max(10, min_n)`` (:func:`~hrproductivity.privacy.thresholds`).

    Returns
    -------
    str
        The cache folder.
    """
    if cache:
        return cache
    if not dataset:
        raise ReportError("give the report either a 'cache' folder or a 'dataset' folder")
    from hrproductivity.reports.prepare import Preparer
    from hrproductivity.reports.store import CacheStore

    settings = PrepareSettings(
        min_n=min_n,
        rank_only_below=rank_only_below,  # type: ignore[arg-type]  # None: the default rule
        min_n_comments=min_n_comments,
    )
    from hrproductivity._files import scratch_dir

    folder = scratch_dir("hrp-report-cache-")  # removed at exit, or by the next run after kill -9
    return str(CacheStore(folder).ensure(Preparer(dataset, settings)))


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True)
class View:
    """One report's slice of the cache: an organisation (or a unit) in a wave, in a language.

    Built by :func:`open_view`.
    """

    cache: Cache = field(repr=False)
    org: str
    wave: str
    lang: str = "fi"
    unit: str | None = None
    show_comments: bool = False
    # selections of the groups table that every section asks for again (see _memo)
    memo: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def level(self) -> str:
        """ "org" or "unit"."""
        return "org" if self.unit is None else "unit"

    @property
    def waves(self) -> list[str]:
        waves: list[str] = list(self.cache.meta["waves"])
        return waves

    @property
    def previous_wave(self) -> str | None:
        """The wave before this one in the dataset, if any."""
        i = self.waves.index(self.wave)
        return self.waves[i - 1] if i > 0 else None

    @property
    def min_n(self) -> int:
        return int(self.cache.settings["min_n"])

    @property
    def rank_only_below(self) -> int:
        return int(self.cache.settings["rank_only_below"])

    @property
    def min_n_comments(self) -> int:
        return int(self.cache.settings["min_n_comments"])

    @property
    def instrument(self) -> Instrument:
        meta = self.cache.meta
        return _instrument(str(meta.get("qwl_instrument", meta["instruments"][0])))


def open_view(
    cache: str | Path | Cache,
    *,
    org: str,
    wave: str,
    lang: str = "fi",
    unit: str | None = None,
    min_n: int | None = None,
    min_n_comments: int | None = None,
    show_comments: bool = False,
) -> View:
    """The slice of a report cache that one report shows.

    Parameters
    ----------
    cache : str, Path or Cache
        A cache folder (or a loaded cache).
    org, wave : str, keyword-only
        The organisation and the survey wave.
    lang : {"fi", "en"}
    unit : str, optional
        For a unit report: the unit.
    min_n, min_n_comments : int, optional
        The report's thresholds; when given they must equal the cache's, so a
        report never shows tables suppressed with other thresholds than it states.
    show_comments : bool
        Whether free-text comments are shown (still subject to their threshold).

    Raises
    ------
    UnknownNameError
        Unknown organisation, wave, unit or language.
    ReportError
        The thresholds differ from the cache's.
    """
    loaded = cache if isinstance(cache, Cache) else load_cache(cache)
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, list(LANGUAGES))
    orgs = list(loaded.meta["orgs"])
    if org not in orgs:
        raise UnknownNameError("organisation", org, orgs)
    waves = list(loaded.meta["waves"])
    if str(wave) not in waves:
        raise UnknownNameError("wave", str(wave), waves)
    for name, given in (("min_n", min_n), ("min_n_comments", min_n_comments)):
        if given is not None and int(loaded.settings[name]) != given:
            raise ReportError(
                f"the report's {name} is {given} but its cache {loaded.folder} was prepared "
                f"with {name}={loaded.settings[name]}; prepare the cache with the same "
                "thresholds (prepare(..., min_n=...)) or leave 'cache' empty"
            )
    if unit is not None:
        groups = loaded.tables["groups"]
        known = groups[(groups["org"] == org) & (groups["level"] == "unit")]
        names = sorted(str(u) for u in known["unit"].unique())
        if unit not in names:
            raise UnknownNameError(f"unit of {org!r}", unit, names)
    return View(loaded, org, str(wave), lang, unit, show_comments)


def largest_unit(cache: str | Path | Cache, *, org: str, wave: str) -> str:
    """The organisation's unit with the most respondents in the wave (a unit report's default)."""
    loaded = cache if isinstance(cache, Cache) else load_cache(cache)
    groups = loaded.tables["groups"]
    units = groups[
        (groups["org"] == org) & (groups["wave"] == str(wave)) & (groups["level"] == "unit")
    ]
    if units.empty:
        raise UnknownNameError("organisation", org, list(loaded.meta["orgs"]))
    return str(units.sort_values("n", ascending=False)["unit"].iloc[0])


@cache
def _instrument(name: str) -> Instrument:
    return load_instrument(name)


# --------------------------------------------------------------------------- privacy


def _memo(v: View, what: str, wave: str, make: Any) -> Any:
    """``make()``, computed once per view: the sections select the same rows dozens of times."""
    key = (what, wave)
    if key not in v.memo:
        v.memo[key] = make()
    return v.memo[key]


def _group_rows(v: View, *, wave: str | None = None) -> pd.DataFrame:
    groups = v.cache.tables["groups"]
    wave = wave or v.wave
    return _memo(v, "groups", wave, lambda: groups[groups["wave"] == wave])


def _units_of_org(v: View, *, wave: str | None = None) -> pd.DataFrame:
    rows = _group_rows(v, wave=wave)
    return _memo(
        v,
        "units",
        wave or v.wave,
        lambda: rows[(rows["level"] == "unit") & (rows["org"] == v.org)],
    )


def _row(v: View, level: str, *, wave: str | None = None) -> pd.Series | None:
    rows = _group_rows(v, wave=wave)
    if level == "total":
        sel = rows["level"] == "total"
    elif level == "org":
        sel = (rows["level"] == "org") & (rows["org"] == v.org)
    else:
        sel = (rows["level"] == "unit") & (rows["org"] == v.org) & (rows["unit"] == v.unit)
    found = rows[sel]
    return None if found.empty else found.iloc[0]


def _hidden_names(v: View) -> frozenset[str]:
    """Units of the report's organisation hidden in the report's wave, other than its own unit."""

    def make() -> frozenset[str]:
        units = _units_of_org(v)
        names = {str(u) for u in units.loc[units["status"] == "hidden", "unit"]}
        return frozenset(names - ({v.unit} if v.unit is not None else set()))

    return _memo(v, "hidden", v.wave, make)


def _visible_names(v: View) -> frozenset[str]:
    def make() -> frozenset[str]:
        units = _units_of_org(v)
        return frozenset({str(u) for u in units.loc[units["status"] != "hidden", "unit"]} | {v.org})

    return _memo(v, "visible", v.wave, make)


def _norm(value: str) -> str:
    """A name or a cell as the guard compares them: its words, normalised, joined."""
    return " ".join(words(value))


def _guarded(v: View) -> frozenset[str]:
    """Normalised hidden names that could name a hidden unit: not also a visible name."""

    def make() -> frozenset[str]:
        visible = {_norm(x) for x in _visible_names(v)}
        return frozenset(h for h in map(_norm, _hidden_names(v)) if h and h not in visible)

    return _memo(v, "guarded", v.wave, make)


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


# --------------------------------------------------------------------------- formatting


def _t(v: View, key: str, **values: Any) -> str:
    """A locale text with its values HTML-escaped."""
    return text(key, lang=v.lang, **{k: html.escape(str(x)) for k, x in values.items()})


def _pct(v: View, share: Any, decimals: int = 1) -> str:
    return fmt_pct(_num(share), lang=v.lang, decimals=decimals)


def _pts(v: View, share: Any) -> str:
    """A difference of shares in percentage points, with its sign."""
    value = _num(share)
    if math.isnan(value):
        return fmt_number(None, lang=v.lang)
    out = fmt_number(100 * value, lang=v.lang, decimals=1)
    return ("+" + out) if value > 0 and not out.startswith(("-", "\u2212")) else out


def _num(value: Any) -> float:
    if value is None or value is pd.NA:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _printed_share(v: View, share: float) -> float:
    """The share as the report prints it (one decimal of a percentage), for banding."""
    shown = fmt_number(100 * share, lang="en", decimals=1).replace(",", "")
    return float(shown) / 100


def _band(v: View, share: float) -> tuple[str, str]:
    """(label, code) of the band of a share as printed."""
    position = bands.position(_printed_share(v, share))
    return bands.label(position, lang=v.lang), bands.CODES[position]


def _band_html(v: View, share: float) -> str:
    label, _ = _band(v, share)
    colour = plots.band_colour(_printed_share(v, share))
    return f'<span class="hrp-band" style="background:{colour}33">{html.escape(label)}</span>'


def _h(level: int, title: str) -> str:
    return f"<h{level}>{title}</h{level}>"


def _p(content: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{content}</p>"


def _note(content: str) -> str:
    return _p(content, "hrp-note")


def _table(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    *,
    numeric: Iterable[int] = (),
    row_classes: Sequence[str] | None = None,
) -> str:
    """An HTML table of preformatted strings (escaped here)."""
    num = set(numeric)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(
            f'<td class="num">{html.escape(c)}</td>' if j in num else f"<td>{html.escape(c)}</td>"
            for j, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return (
        f'<table class="hrp-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _key_figures(pairs: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f"<div>{html.escape(k)}<b>{html.escape(x)}</b></div>" for k, x in pairs)
    return f'<div class="hrp-key">{cells}</div>'


def _section(v: View, *parts: str) -> str:
    return check_text('<div class="hrp">' + "".join(parts) + "</div>", v)


def _sort_key(name: str) -> str:
    """Finnish alphabetical order: å, ä, ö after z."""
    return name.lower().translate(str.maketrans("åäö", "{|}"))


def _factor_label(v: View, factor: str) -> str:
    return text(f"factor.short.{factor}", lang=v.lang)


def _status_label(v: View, status: str) -> str:
    return text(f"status.{status}", lang=v.lang)


def _group_label(v: View) -> str:
    return v.unit if v.unit is not None else v.org


# --------------------------------------------------------------------------- figures


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


def setup() -> None:
    """Prepare a report kernel: no warnings in the output, figures drawn off screen.

    A report shows only what its sections display; a warning printed by a
    library underneath would otherwise land in the middle of the page.
    """
    import warnings

    import matplotlib

    warnings.filterwarnings("ignore")
    matplotlib.use("Agg")


def show(*fragments: str) -> None:
    """Display HTML fragments in the notebook (the report's output)."""
    from IPython.display import HTML, display

    display(HTML("".join(fragments)))


# --------------------------------------------------------------------------- participation


def participation_frame(v: View) -> pd.DataFrame:
    """Respondents, invited and response rate: the visible units, hidden units together, total.

    Returns
    -------
    DataFrame
        ``label``, ``kind`` ("unit", "hidden_units", "org" or, in a unit
        report, "unit" for the unit and "org" for its organisation), ``n``,
        ``invited``, ``response_rate``, ``status``.
    """
    org = _row(v, "org")
    if org is None:
        raise ReportError(f"no results for {v.org!r} in wave {v.wave}")
    cols = ["label", "kind", "n", "invited", "response_rate", "status"]
    rows: list[list[Any]] = []
    if v.unit is not None:
        own = _row(v, "unit")
        if own is not None:
            rows.append([v.unit, "unit", own["n"], own["invited"], own["response_rate"]])
            rows[-1].append(str(own["status"]))
        rows.append([v.org, "org", org["n"], org["invited"], org["response_rate"], "shown"])
        return check_frame(pd.DataFrame(rows, columns=cols), v)
    units = _units_of_org(v)
    visible = units[units["status"] != "hidden"]
    for r in sorted(visible.itertuples(index=False), key=lambda r: _sort_key(str(r.unit))):
        rows.append([str(r.unit), "unit", r.n, r.invited, r.response_rate, str(r.status)])
    hidden = units[units["status"] == "hidden"]
    if len(hidden):
        n, invited = int(hidden["n"].sum()), float(hidden["invited"].sum())
        label = text("participation.hidden_group", lang=v.lang, count=len(hidden))
        rows.append([label, "hidden_units", n, invited, n / invited if invited else math.nan])
        rows[-1].append("hidden")
    total = text("participation.total", lang=v.lang)
    rows.append([total, "org", org["n"], org["invited"], org["response_rate"], "shown"])
    return check_frame(pd.DataFrame(rows, columns=cols), v)


def participation_section(v: View) -> str:
    """Heading, participation figures and the table by unit, with why small groups are hidden."""
    frame = participation_frame(v)
    own = frame[frame["kind"] == v.level].iloc[0]
    parts = [_h(2, _t(v, "section.participation"))]
    key = "participation.text_unit" if v.unit is not None else "participation.text_org"
    parts.append(
        _p(
            _t(
                v,
                key,
                respondents=fmt_int(own["n"], lang=v.lang),
                invited=fmt_int(own["invited"], lang=v.lang),
                rate=_pct(v, own["response_rate"], 0),
            )
        )
    )
    parts.append(
        _key_figures(
            [
                (text("col.respondents", lang=v.lang), fmt_int(own["n"], lang=v.lang)),
                (text("col.invited", lang=v.lang), fmt_int(own["invited"], lang=v.lang)),
                (text("col.response_rate", lang=v.lang), _pct(v, own["response_rate"], 0)),
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
            _pct(v, r.response_rate, 0),
            _status_label(v, str(r.status)),
        ]
        for r in frame.itertuples(index=False)
    ]
    classes = [
        "hrp-total" if r.kind == "org" else "hrp-muted" if r.kind == "hidden_units" else ""
        for r in frame.itertuples(index=False)
    ]
    parts.append(_table(rows, header, numeric=(1, 2, 3), row_classes=classes))
    parts.append(_note(_privacy_text(v)))
    return _section(v, *parts)


def _privacy_text(v: View) -> str:
    return _t(
        v,
        "privacy.explain",
        min_n=v.min_n,
        rank_limit=v.rank_only_below,
        rank_max=v.rank_only_below - 1,
    )


# --------------------------------------------------------------------------- QWL index


def _summary(v: View) -> dict[str, Any]:
    """The QWL index of the report's group with its interval, band, change and placement."""
    row = _row(v, v.level)
    total = _row(v, "total")
    org = _row(v, "org")
    out: dict[str, Any] = {"status": "hidden" if row is None else str(row["status"])}
    if row is None:
        return out
    out["n"] = int(row["n"])
    out["answers"] = _answers(row)
    q = _num(row["qwl_index"])
    se, n_q = _num(row["qwl_index_se"]), _num(row["qwl_n"])
    out |= {"qwl_index": q, "ci": mean_ci(q, se, n_q) if not math.isnan(q) else None}
    out["all_orgs"] = _num(total["qwl_index"]) if total is not None else math.nan
    out["org_qwl"] = _num(org["qwl_index"]) if org is not None else math.nan
    out["rank"] = None if pd.isna(row["rank"]) else int(row["rank"])
    out["siblings"] = int(row["siblings"])
    change = v.cache.tables["change"]
    sel = (change["wave"] == v.wave) & (change["level"] == v.level) & (change["org"] == v.org)
    if v.unit is not None:
        sel &= change["unit"] == v.unit
    found = change[sel]
    out["change"] = None if found.empty or out["status"] != "shown" else found.iloc[0].to_dict()
    return out


def qwl_section(v: View) -> str:
    """The QWL index, its band, its change since the previous wave and the placement."""
    s = _summary(v)
    parts = [_h(2, _t(v, "section.qwl"))]
    if s["status"] == "hidden":
        parts.append(_p(_hidden_notice(v)))
        return _section(v, *parts)
    if s["status"] == "rank_only":
        kind = "unit" if v.unit is not None else "org"
        notice = _t(v, f"{kind}.rank_only_notice", n=s["answers"], limit=v.rank_only_below)
        parts.append(_p(notice))
        parts.append(_p(_placement_text(v, s)))
        return _section(v, *parts)
    q = s["qwl_index"]
    low, high = s["ci"]
    _, code = _band(v, q)
    parts.append(
        _p(
            _t(
                v,
                "qwl.value",
                value=_pct(v, q),
                low=_pct(v, low),
                high=_pct(v, high),
            )
            + " "
            + text("qwl.band", lang=v.lang, band=_band_html(v, q))
        )
    )
    parts.append(svg(figure_qwl(v), caption=_t(v, "fig.qwl_caption"), alt=_t(v, "section.qwl")))
    parts.append(_p(_t(v, f"band.meaning.{code}")))
    refs = [_t(v, "qwl.reference_all", value=_pct(v, s["all_orgs"]))]
    if v.unit is not None:
        refs.append(_t(v, "qwl.reference_org", org=v.org, value=_pct(v, s["org_qwl"])))
    parts.append(_p(" ".join(refs)))
    parts.append(_p(_change_text(v, s)))
    parts.append(_p(_placement_text(v, s)))
    parts.append(_note(_t(v, "band.explain") + " " + _t(v, "ci.explain")))
    parts.append(_note(_t(v, "qwl.index_note")))
    return _section(v, *parts)


def _answers(row: pd.Series | None) -> int:
    """The people behind a group's QWL figures: those with an index (``qwl_n``)."""
    if row is None:
        return 0
    value = row.get("qwl_n", row["n"])
    return 0 if pd.isna(value) else int(value)


def _hidden_notice(v: View) -> str:
    n = _answers(_row(v, v.level))
    kind = "unit" if v.unit is not None else "org"
    key = f"{kind}.hidden_small" if n < v.min_n else f"{kind}.hidden_complementary"
    return _t(v, key, n=n, min_n=v.min_n)


def _change_text(v: View, s: Mapping[str, Any]) -> str:
    change = s.get("change")
    if v.previous_wave is None:
        return _t(v, "change.first_wave")
    if change is None:
        return _t(v, "change.none", previous=v.previous_wave)
    diff, low, high = change["difference"], change["ci_low"], change["ci_high"]
    printed = round(100 * diff, 1)
    key = "change.up" if printed > 0 else "change.down" if printed < 0 else "change.same"
    out = _t(
        v,
        key,
        previous=v.previous_wave,
        before=_pct(v, change["qwl_previous"]),
        diff=fmt_number(abs(100 * diff), lang=v.lang, decimals=1),
        low=_pts(v, low),
        high=_pts(v, high),
    )
    clear = low > 0 or high < 0
    return out + " " + _t(v, "change.clear" if clear else "change.uncertain")


def _placement_text(v: View, s: Mapping[str, Any]) -> str:
    if s.get("rank") is None:
        return _t(v, "placement.withheld") if s.get("status") == "rank_only" else ""
    if v.unit is None:
        return _t(v, "placement.org", rank=s["rank"], count=s["siblings"])
    return _t(v, "placement.unit", rank=s["rank"], count=s["siblings"], min_n=v.min_n)


def figure_qwl(v: View, ax: Axes | None = None) -> Axes:
    """The group's QWL index on the band scale, with all organisations and the previous wave."""
    s = _summary(v)
    if s["status"] != "shown":
        raise ReportError("the QWL index of a group that is not shown cannot be drawn")
    markers = {text("fig.all_orgs", lang=v.lang): s["all_orgs"]}
    if v.unit is not None:
        markers[v.org] = s["org_qwl"]
    if s.get("change"):
        markers[text("fig.previous", lang=v.lang, wave=v.previous_wave)] = s["change"][
            "qwl_previous"
        ]
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


# --------------------------------------------------------------------------- profile


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
    own, org, total = _row(v, v.level), _row(v, "org"), _row(v, "total")
    rows = []
    for factor in (*FACTORS, "QWL"):
        share = "qwl_index" if factor == "QWL" else f"{factor}_share_mean"
        fav = None if factor == "QWL" else f"{factor}_pct_favourable"
        rows.append(
            {
                "factor": factor,
                "score": _num(own[share]) if own is not None else math.nan,
                "favourable": _num(own[fav]) if own is not None and fav else math.nan,
                "org": _num(org[share]) if org is not None else math.nan,
                "org_favourable": _num(org[fav]) if org is not None and fav else math.nan,
                "all_orgs": _num(total[share]) if total is not None else math.nan,
                "status": "shown" if own is None else str(own["status"]),
            }
        )
    frame = pd.DataFrame(rows)
    return check_frame(frame, v, figures=["score", "favourable"])


def items_frame(v: View) -> pd.DataFrame:
    """The items of the QWL instrument for the group, its organisation and all organisations.

    Returns
    -------
    DataFrame
        ``item``, ``factor``, ``text`` (in the report's language), ``mean``
        and ``pct_favourable`` of the group (missing unless shown),
        ``org_mean``, ``org_pct_favourable``, ``all_mean``, ``all_pct_favourable``,
        ``status``.
    """
    items = v.cache.tables["items"]
    now = items[items["wave"] == v.wave]
    org = now[(now["level"] == "org") & (now["org"] == v.org)].set_index("item")
    total = now[now["level"] == "total"].set_index("item")
    if v.unit is None:
        own = org
    else:
        own = now[(now["level"] == "unit") & (now["org"] == v.org) & (now["unit"] == v.unit)]
        own = own.set_index("item")
    texts = {i.id: i.text.get(v.lang, i.id) for i in v.instrument.items}
    rows = []
    for item in v.instrument.item_ids:
        rows.append(
            {
                "item": item,
                "factor": str(org.loc[item, "factor"]) if item in org.index else "",
                "text": texts[item],
                "mean": _num(own.loc[item, "mean"]) if item in own.index else math.nan,
                "pct_favourable": (
                    _num(own.loc[item, "pct_favourable"]) if item in own.index else math.nan
                ),
                "org_mean": _num(org.loc[item, "mean"]),
                "org_pct_favourable": _num(org.loc[item, "pct_favourable"]),
                "all_mean": _num(total.loc[item, "mean"]),
                "all_pct_favourable": _num(total.loc[item, "pct_favourable"]),
                "status": str(own.loc[item, "status"]) if item in own.index else "hidden",
            }
        )
    return check_frame(pd.DataFrame(rows), v, figures=["mean", "pct_favourable"])


def profile_section(v: View) -> str:
    """FE/YI/PL profile against all organisations, and the strongest and weakest items."""
    parts = [_h(2, _t(v, "section.profile")), _p(_t(v, "profile.intro"))]
    status = _summary(v)["status"]
    if status != "shown":
        kind = "unit" if v.unit is not None else "org"
        parts.append(_p(_hidden_notice(v) if status == "hidden" else _t(v, f"{kind}.no_figures")))
        return _section(v, *parts)
    parts.append(svg(figure_profile(v), caption=_t(v, "fig.profile_caption")))
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
        row = [text(f"factor.long.{r.factor}", lang=v.lang), _pct(v, r.score)]
        row.append(
            fmt_pct(r.favourable / 100, lang=v.lang, decimals=0) if r.factor != "QWL" else ""
        )
        if v.unit is not None:
            row.append(_pct(v, r.org))
        row.append(_pct(v, r.all_orgs))
        rows.append(row)
    parts.append(_table(rows, header, numeric=range(1, len(header))))
    parts.append(_note(_t(v, "profile.favourable_note")))
    parts.append(_items_html(v))
    return _section(v, *parts)


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
            _h(3, _t(v, "items.strengths")),
            _table(rows(strong), header, numeric=(2, 3, 4)),
            _h(3, _t(v, "items.weaknesses")),
            _table(rows(weak), header, numeric=(2, 3, 4)),
            _note(_t(v, "items.note")),
        ]
    )


def figure_profile(v: View, ax: Axes | None = None) -> Axes:
    """FE, YI and PL of the group beside its organisation (unit report) and all organisations."""
    frame = factor_frame(v)
    frame = frame[frame["factor"] != "QWL"]
    if frame["status"].iloc[0] != "shown":
        raise ReportError("the profile of a group that is not shown cannot be drawn")
    labels = [_factor_label(v, f) for f in frame["factor"]]
    data = {_group_label(v): frame["score"].to_numpy()}
    if v.unit is not None:
        data[v.org] = frame["org"].to_numpy()
    data[text("fig.all_orgs", lang=v.lang)] = frame["all_orgs"].to_numpy()
    table = pd.DataFrame(data, index=labels).T
    return plots.factor_profile(
        table, axis_label=text("fig.score_axis", lang=v.lang), lang=v.lang, ax=ax
    )


# --------------------------------------------------------------------------- units


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
    units = _units_of_org(v)
    rows: list[dict[str, Any]] = []
    visible = units[units["status"] != "hidden"]
    for r in visible.itertuples(index=False):
        rows.append(
            {
                "label": str(r.unit),
                "kind": "unit",
                "status": str(r.status),
                "n": int(r.n),
                "rank": None if pd.isna(r.rank) else int(r.rank),
                "siblings": int(r.siblings),
                "qwl_index": _num(r.qwl_index),
                **{f: _num(getattr(r, f"{f}_share_mean")) for f in FACTORS},
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, _sort_key(r["label"])))
    hidden = units[units["status"] == "hidden"]
    if len(hidden):
        rows.append(
            {
                "label": text("units.hidden_group", lang=v.lang, count=len(hidden)),
                "kind": "hidden_units",
                "status": "hidden",
                "n": int(hidden["n"].sum()),
                "rank": None,
                "siblings": None,
                "qwl_index": math.nan,
                **dict.fromkeys(FACTORS, math.nan),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["label", "kind", "status", "n", "rank", "siblings", "qwl_index", *FACTORS]
    )
    return check_frame(frame, v, figures=["qwl_index", *FACTORS])


def heatmap_frame(v: View) -> pd.DataFrame:
    """Units × (FE, YI, PL, QWL) as shares; rows of units not shown are all missing.

    The index labels the rows: visible units in alphabetical order, then one
    row for the hidden units together. Column ``status`` says which rows are shown.
    """
    frame = units_frame(v)
    units = frame[frame["kind"] == "unit"].sort_values("label", key=lambda s: s.map(_sort_key))
    frame = pd.concat([units, frame[frame["kind"] == "hidden_units"]], ignore_index=True)
    out = pd.DataFrame(
        {f: frame[f].to_numpy() for f in FACTORS} | {"QWL": frame["qwl_index"].to_numpy()},
        index=pd.Index(frame["label"].astype("str"), name="unit"),
    )
    out["status"] = frame["status"].to_numpy()
    return check_frame(out.reset_index(), v, figures=[*FACTORS, "QWL"]).set_index("unit")


def figure_heatmap(v: View, ax: Axes | None = None) -> Axes:
    """Units × factors coloured by band; units not shown grey, without a number."""
    frame = heatmap_frame(v)
    notes = {
        str(label): _status_label(v, "rank_only_short" if status == "rank_only" else "hidden_short")
        for label, status in frame["status"].items()
        if status != "shown"
    }
    table = frame[[*FACTORS, "QWL"]].astype("float64")
    index_label = text("fig.qwl_short", lang=v.lang)
    table.columns = [*FACTORS, index_label]
    return plots.unit_heatmap(table, notes=notes, band_columns=[index_label], lang=v.lang, ax=ax)


def units_section(v: View) -> str:
    """The organisation's units: heatmap and table (organisation report)."""
    parts = [_h(2, _t(v, "section.units")), _p(_t(v, "units.intro"))]
    frame = units_frame(v)
    if frame.empty:
        return _section(v, *parts)
    parts.append(svg(figure_heatmap(v), caption=_t(v, "fig.heatmap_caption")))
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
                _pct(v, r.qwl_index) if shown else _status_label(v, str(r.status)),
                _band(v, r.qwl_index)[0] if shown else "",
                *(_pct(v, getattr(r, f), 0) if shown else "" for f in FACTORS),
                rank,
            ]
        )
        classes.append("" if shown else "hrp-muted")
    parts.append(_table(rows, header, numeric=(1, 2, 4, 5, 6, 7), row_classes=classes))
    parts.append(_note(_privacy_text(v)))
    return _section(v, *parts)


# --------------------------------------------------------------------------- trend


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
            row = _row(v, kind, wave=wave)
            shown = row is not None and row["status"] == "shown"
            q = _num(row["qwl_index"]) if shown and row is not None else math.nan
            se = _num(row["qwl_index_se"]) if shown and row is not None else math.nan
            n_q = _num(row["qwl_n"]) if shown and row is not None else math.nan
            low, high = mean_ci(q, se, n_q)
            rows.append(
                {
                    "series": labels[kind],
                    "kind": kind,
                    "wave": wave,
                    "value": q,
                    "ci_low": low,
                    "ci_high": high,
                    **{
                        f: _num(row[f"{f}_share_mean"]) if shown and row is not None else math.nan
                        for f in FACTORS
                    },
                    "status": "shown" if shown else "hidden",
                }
            )
    return check_frame(pd.DataFrame(rows), v, figures=["value", "ci_low", "ci_high", *FACTORS])


def figure_trend(v: View, ax: Axes | None = None) -> Axes:
    """The QWL index over the waves with 95 % intervals, against all organisations."""
    frame = trend_frame(v)
    return plots.trend(
        frame,
        axis_label=text("fig.qwl_axis", lang=v.lang),
        wave_label=text("fig.wave", lang=v.lang),
        lang=v.lang,
        ax=ax,
    )


def trend_section(v: View) -> str:
    """The trend over waves: figure and table."""
    parts = [_h(2, _t(v, "section.trend")), _p(_t(v, "trend.intro"))]
    frame = trend_frame(v)
    if len(frame["wave"].unique()) < 2:
        parts.append(_p(_t(v, "change.first_wave")))
        return _section(v, *parts)
    parts.append(svg(figure_trend(v), caption=_t(v, "fig.trend_caption")))
    waves = list(dict.fromkeys(frame["wave"]))
    header = [text("col.group", lang=v.lang), *waves]
    rows = []
    for series, part in frame.groupby("series", sort=False):
        values = part.set_index("wave")["value"]
        rows.append([str(series), *(_pct(v, values.get(w)) for w in waves)])
    parts.append(_table(rows, header, numeric=range(1, len(header))))
    return _section(v, *parts)


# --------------------------------------------------------------------------- unit vs org


def unit_vs_org_section(v: View) -> str:
    """The unit against its organisation: items with the largest differences (unit report)."""
    parts = [_h(2, _t(v, "section.unit_vs_org"))]
    if _summary(v)["status"] != "shown":
        parts.append(_p(_t(v, "unit.no_figures")))
        return _section(v, *parts)
    parts.append(_p(_t(v, "unit_vs_org.intro", org=v.org)))
    frame = items_frame(v)
    frame = frame.assign(diff=frame["pct_favourable"] - frame["org_pct_favourable"])
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
            _pts(v, r.diff / 100),
        ]
        for r in frame.itertuples(index=False)
    ]
    parts.append(_table(rows, header, numeric=(2, 3, 4)))
    parts.append(_note(_t(v, "unit_vs_org.note")))
    return _section(v, *parts)


# --------------------------------------------------------------------------- money


def money_frame(v: View) -> pd.DataFrame:
    """HR, cost and HCPF figures of the group in the wave (one row; empty if none).

    A unit's figures exist only when the unit is shown. See
    :mod:`hrproductivity.reports.prepare` for the columns.
    """
    money = v.cache.tables["money"]
    if money.empty:
        return money
    sel = (money["wave"] == v.wave) & (money["org"] == v.org) & (money["level"] == v.level)
    if v.unit is not None:
        sel &= money["unit"] == v.unit
    frame = money[sel].reset_index(drop=True)
    if v.unit is not None and _summary(v)["status"] != "shown":
        frame = frame.iloc[0:0]
    return check_frame(frame, v)


def valuation_frame(v: View) -> pd.DataFrame:
    """The value of one QWL point and of reaching the next band under each valuation.

    Returns
    -------
    DataFrame
        One row per valuation (headline first): ``valuation``, ``headline``
        (bool), ``point_eur``, ``point_per_fte``, ``point_per_employee``,
        ``point_valued_hours``, ``potential_eur``, ``potential_per_fte``,
        ``potential_valued_hours``, and the hours gained ``point_hours``,
        ``potential_hours`` and ``qwl_target``.
    """
    money = money_frame(v)
    if money.empty or pd.isna(money.loc[0, "headline_valuation"]):
        return pd.DataFrame()
    m = money.iloc[0]
    headline = str(m["headline_valuation"])
    order = [headline, *(x for x in VALUATIONS if x != headline)]
    rows = []
    for valuation in order:
        rows.append(
            {
                "valuation": valuation,
                "headline": valuation == headline,
                **{
                    f"{kind}_{what}": _num(m.get(f"{kind}_{valuation}_{what}"))
                    for kind in ("point", "potential")
                    for what in ("eur", "per_fte", "per_employee", "valued_hours")
                },
                "point_hours": _num(m.get("point_hours")),
                "potential_hours": _num(m.get("potential_hours")),
                "qwl_target": _num(m.get("qwl_target")),
            }
        )
    return pd.DataFrame(rows)


def time_frame(v: View) -> pd.DataFrame:
    """Theoretical working time per FTE split into structural time, other time and effective time.

    Returns
    -------
    DataFrame
        ``bar``, ``part``, ``hours``, ``kind`` as :func:`hrproductivity.plots.time_breakdown`
        takes them; empty without HR data.
    """
    money = money_frame(v)
    if money.empty or pd.isna(money.loc[0].get("effective_share", math.nan)):
        return pd.DataFrame(columns=["bar", "part", "hours", "kind"])
    m = money.iloc[0]
    tyw = _num(m["theoretical_hours_per_fte"])
    bars = [text(f"time.bar.{b}", lang=v.lang) for b in ("theoretical", "at_work", "effective")]
    structural = [
        (text(f"time.part.{p}", lang=v.lang), tyw * _num(m[f"{p}_share"]))
        for p in ("holidays", "sickness", "other_absence", "training")
    ]
    at_work = tyw * _num(m["at_work_share"])
    effective = tyw * _num(m["effective_share"])
    rows = [[bars[0], text("time.part.theoretical", lang=v.lang), tyw, "total"]]
    rows += [[bars[1], text("time.part.at_work", lang=v.lang), at_work, "total"]]
    rows += [[bars[1], name, hours, "structural"] for name, hours in structural]
    rows += [[bars[2], text("time.part.effective", lang=v.lang), effective, "effective"]]
    rows += [[bars[2], text("time.part.other_work", lang=v.lang), at_work - effective, "other"]]
    rows += [[bars[2], text("time.part.structural", lang=v.lang), tyw - at_work, "structural"]]
    return pd.DataFrame(rows, columns=["bar", "part", "hours", "kind"])


def figure_time(v: View, ax: Axes | None = None) -> Axes:
    """HCPF time breakdown: theoretical time → time at work → effective time, hours per FTE."""
    frame = time_frame(v)
    if frame.empty:
        raise ReportError("no HR data for the time breakdown")
    return plots.time_breakdown(
        frame, axis_label=text("fig.hours_axis", lang=v.lang), lang=v.lang, ax=ax
    )


def money_section(v: View) -> str:
    """Money and capacity: effective time, value of a QWL point and of the next band, costs."""
    parts = [_h(2, _t(v, "section.money"))]
    money = money_frame(v)
    if money.empty:
        parts.append(_p(_t(v, "money.none" if v.unit is None else "unit.no_money")))
        return _section(v, *parts)
    m = money.iloc[0]
    lang = v.lang
    parts.append(_p(_t(v, "money.intro")))
    if not pd.isna(m.get("effective_share", math.nan)):
        parts.append(
            _p(
                _t(
                    v,
                    "money.effective_text",
                    at_work=_pct(v, m["at_work_share"]),
                    qwl=_pct(v, m["qwl_index"]),
                    effective=_pct(v, m["effective_share"]),
                    hours=fmt_int(m["effective_hours"], lang=lang),
                )
            )
        )
        parts.append(svg(figure_time(v), caption=_t(v, "fig.time_caption")))
    values = valuation_frame(v)
    if values.empty and v.unit is None:
        parts.append(_note(_t(v, "valuation.no_finance")))
    if not values.empty:
        parts.append(_h(3, _t(v, "valuation.heading")))
        head = values.iloc[0]
        parts.append(
            _p(
                _t(
                    v,
                    "valuation.headline",
                    hours=fmt_int(head["point_hours"], lang=lang),
                    valuation=_lower(text(f"valuation.name.{head['valuation']}", lang=lang)),
                    value=fmt_eur(head["point_eur"], lang=lang),
                    per_fte=fmt_eur(head["point_per_fte"], lang=lang),
                )
            )
        )
        if not math.isnan(head["qwl_target"]):
            parts.append(
                _p(
                    _t(
                        v,
                        "valuation.potential",
                        target=_pct(v, head["qwl_target"], 0),
                        hours=fmt_int(head["potential_hours"], lang=lang),
                        value=fmt_eur(head["potential_eur"], lang=lang),
                        valuation=_lower(text(f"valuation.name.{head['valuation']}", lang=lang)),
                    )
                )
            )
        header = [
            text("col.valuation", lang=lang),
            text("col.point_total", lang=lang),
            text("col.point_fte", lang=lang),
            text("col.potential_total", lang=lang, target=_pct(v, head["qwl_target"], 0)),
            text("col.valued_hours", lang=lang),
        ]
        rows = [
            [
                text(f"valuation.name.{r.valuation}", lang=lang) + (" *" if r.headline else ""),
                fmt_eur(r.point_eur, lang=lang),
                fmt_eur(r.point_per_fte, lang=lang),
                fmt_eur(r.potential_eur, lang=lang),
                fmt_int(r.potential_valued_hours, lang=lang),
            ]
            for r in values.itertuples(index=False)
        ]
        parts.append(_table(rows, header, numeric=(1, 2, 3, 4)))
        notes = []
        if head["valuation"] == "public":
            notes.append(
                _t(
                    v,
                    "valuation.public_model",
                    price=fmt_eur(m["purchased_service_hour_price"], lang=lang, decimals=2),
                    overtime=fmt_eur(m["overtime_hour_price"], lang=lang, decimals=2),
                )
            )
        elif head["valuation"] == "wage":
            notes.append(_t(v, "valuation.no_purchases"))
        notes += [_t(v, f"valuation.explain.{x}") for x in values["valuation"]]
        parts.append(_note(" ".join(notes)))
    parts.append(_h(3, _t(v, "money.costs_heading")))
    rows = [
        [text("money.fte", lang=lang), fmt_number(m["fte"], lang=lang, decimals=1)],
        [text("money.headcount", lang=lang), fmt_int(m["headcount"], lang=lang)],
        [text("money.sick_rate", lang=lang), _pct(v, m["sickness_absence_rate"])],
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
            [text("money.turnover_rate", lang=lang), _pct(v, m["turnover_rate"])],
            [text("money.turnover_cost", lang=lang), fmt_eur(m["turnover_cost_eur"], lang=lang)],
            [text("money.fte_lost", lang=lang), fmt_number(m["fte_lost"], lang=lang)],
        ]
    parts.append(
        _table(rows, [text("col.figure", lang=lang), text("col.value", lang=lang)], numeric=(1,))
    )
    parts.append(_note(_t(v, "money.costs_note")))
    return _section(v, *parts)


# --------------------------------------------------------------------------- drivers


def drivers_frame(v: View) -> pd.DataFrame:
    """The organisation's LMG shares of FE, YI and PL for engagement and well-being.

    Returns
    -------
    DataFrame
        As the cache's ``drivers`` table for the organisation and wave.
    """
    d = v.cache.tables["drivers"]
    return d[(d["org"] == v.org) & (d["wave"] == v.wave)].reset_index(drop=True)


def associations_frame(v: View, *, k: int = 5) -> pd.DataFrame:
    """Unit-level correlations with sick days per FTE: the index, the factors and the ``k``
    items with the strongest association, with item texts."""
    a = v.cache.tables["associations"]
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


def drivers_section(v: View) -> str:
    """What goes with engagement, well-being and sickness absence, with the caveats."""
    parts = [_h(2, _t(v, "section.drivers"))]
    d = drivers_frame(v)
    if not d.empty:
        parts.append(_p(_t(v, "drivers.intro", org=v.org)))
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
                _pct(v, r.share, 0),
                f"{_pct(v, r.share_ci_low, 0)} – {_pct(v, r.share_ci_high, 0)}",
                fmt_number(r.r2, lang=v.lang, decimals=2),
                fmt_int(r.n, lang=v.lang),
            ]
            for r in d.itertuples(index=False)
        ]
        parts.append(_table(rows, header, numeric=(2, 3, 4, 5)))
        parts.append(_note(_t(v, "drivers.caveat")))
    a = associations_frame(v)
    if not a.empty:
        parts.append(_h(3, _t(v, "associations.heading")))
        parts.append(
            _p(_t(v, "associations.intro", n=int(a["n_units"].max()), waves=a["waves"].iloc[0]))
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
        parts.append(_table(rows, header, numeric=(1, 2)))
        parts.append(_note(_t(v, "associations.caveat")))
    if d.empty and a.empty:
        parts.append(_p(_t(v, "drivers.none")))
    return _section(v, *parts)


# --------------------------------------------------------------------------- comments


def comments_frame(v: View) -> pd.DataFrame:
    """The free-text comments the report may show (empty unless ``show_comments``).

    Only the group's own list is used (the organisation's for an organisation
    report, the unit's for a unit report), as
    :func:`~hrproductivity.privacy.suppress_comments` allowed it with the
    cache's ``min_n_comments``; comments naming a hidden unit are left out.

    Returns
    -------
    DataFrame
        ``question`` and ``comment``, sorted.
    """
    c = v.cache.tables["comments"]
    empty = pd.DataFrame(
        {"question": pd.Series(dtype="object"), "comment": pd.Series(dtype="object")}
    )
    if not v.show_comments or c.empty:
        return empty
    sel = (c["wave"] == v.wave) & (c["org"] == v.org) & (c["level"] == v.level)
    if v.unit is not None:
        sel &= c["unit"] == v.unit
    out = c.loc[sel, ["question", "comment"]].reset_index(drop=True)
    hidden = _hidden_names(v)
    if hidden:
        visible = sorted(_visible_names(v))

        def names_one(comment: str) -> bool:
            return any(mentions(comment, h, visible=visible) for h in hidden)

        named = out["comment"].astype("str").map(names_one).astype(bool)
        out = out[~named.to_numpy()].reset_index(drop=True)
    return check_frame(out, v)


def comments_section(v: View) -> str:
    """Open comments, when asked for and above their own threshold; otherwise why not."""
    parts = [_h(2, _t(v, "section.comments"))]
    if not v.show_comments:
        parts.append(_p(_t(v, "comments.not_requested")))
        return _section(v, *parts)
    frame = comments_frame(v)
    if frame.empty:
        row = _row(v, v.level)
        large = row is not None and int(row["n"]) >= v.min_n_comments
        # A large group's list is empty when nobody wrote a comment, or when it was held
        # back so that other groups' lists cannot single its writers out.
        key = "comments.none" if large else "comments.too_few"
        parts.append(_p(_t(v, key, min_n=v.min_n_comments)))
        return _section(v, *parts)
    parts.append(_p(_t(v, "comments.intro", count=len(frame))))
    counts = frame["comment"].astype("str").value_counts(sort=False)
    items = "".join(
        f"<li>{html.escape(c)}"
        + (" " + _t(v, "comments.repeat", count=k) if k > 1 else "")
        + "</li>"
        for c, k in sorted(counts.items(), key=lambda ck: _sort_key(ck[0]))
    )
    parts.append(f"<ul>{items}</ul>")
    parts.append(_note(_t(v, "comments.note", min_n=v.min_n_comments)))
    return _section(v, *parts)


# --------------------------------------------------------------------------- methods


def reliability_frame(v: View) -> pd.DataFrame:
    """Alpha (with its interval) and omega of FE, YI and PL in the organisation and overall."""
    r = v.cache.tables["reliability"]
    r = r[(r["wave"] == v.wave) & ((r["org"] == v.org) | r["org"].isna())]
    return r.reset_index(drop=True)


def methods_section(v: View) -> str:
    """Definitions, reliability for this organisation, and where the numbers come from."""
    lang = v.lang
    parts = [_h(2, _t(v, "section.methods")), _h(3, _t(v, "methods.definitions_heading"))]
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
    items = "".join(
        "<li>"
        + _t(
            v,
            f"methods.def.{d}",
            min_n=v.min_n,
            rank_limit=v.rank_only_below,
            min_n_comments=v.min_n_comments,
            method=v.cache.settings["qwl_method"],
        )
        + "</li>"
        for d in definitions
    )
    parts.append(f"<ul>{items}</ul>")
    rel = reliability_frame(v)
    if not rel.empty:
        parts.append(_h(3, _t(v, "methods.reliability_heading")))
        parts.append(_p(_t(v, "methods.reliability_intro", org=v.org)))
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
                    fmt_number(_num(omega), lang=lang, decimals=2),
                    alpha(pooled),
                ]
            )
        parts.append(_table(rows, header, numeric=(1, 2, 3)))
    parts.append(_h(3, _t(v, "methods.provenance_heading")))
    meta = v.cache.meta
    parts.append(
        _p(
            _t(
                v,
                "methods.provenance",
                dataset=meta["dataset"],
                created=_date(date.fromisoformat(str(meta["created"])[:10]), lang),
                today=_date(date.today(), lang),
            )
        )
    )
    rows = [[name, digest[:16]] for name, digest in meta.get("inputs", {}).items()]
    if rows:
        parts.append(_table(rows, [text("col.file", lang=lang), text("col.sha256", lang=lang)]))
    versions = ", ".join(f"{k} {x}" for k, x in meta.get("versions", {}).items())
    parts.append(_note(_t(v, "methods.versions", versions=versions)))
    settings = meta["settings"]
    parts.append(
        _note(
            _t(
                v,
                "methods.settings",
                cost_per_day=fmt_eur(settings["cost_per_day"], lang=lang),
                holidays=_pct(v, settings["holidays_share"], 0),
                hours=fmt_number(settings["hours_per_day"], lang=lang),
            )
        )
    )
    return _section(v, *parts)


def header_section(v: View) -> str:
    """Style sheet, title, subtitle, the survey line and the introduction."""
    lang = v.lang
    row = _row(v, v.level)
    n = int(row["n"]) if row is not None else 0
    if v.unit is None:
        title = _t(v, "report.org_title", org=v.org, wave=v.wave)
        subtitle = _t(v, "report.org_subtitle")
        intro = _t(v, "report.org_intro")
    else:
        title = _t(v, "report.unit_title", unit=v.unit, wave=v.wave)
        subtitle = _t(v, "report.unit_subtitle", org=v.org)
        intro = _t(v, "report.unit_intro")
    meta = _t(
        v,
        "report.meta_line",
        wave=v.wave,
        date=_date(date.today(), lang),
        respondents=fmt_int(n, lang=lang),
    )
    body = _STYLE + _h(1, title) + _p(subtitle, "hrp-sub") + _p(meta, "hrp-meta") + _p(intro)
    return _section(v, body)


def _lower(name: str) -> str:
    """A name for the middle of a sentence: first letter in lower case."""
    return name[:1].lower() + name[1:]


def _date(day: date, lang: str) -> str:
    return f"{day.day}.{day.month}.{day.year}" if lang == "fi" else day.isoformat()


# --------------------------------------------------------------------------- key numbers


def key_numbers(v: View) -> dict[str, Any]:
    """The numbers a template records (:func:`hrproductivity.reports.record`), as plain values.

    Figures of a group that is not shown are None.
    """
    s = _summary(v)
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
        "response_rate": _plain(part["response_rate"]),
        "qwl_index": _plain(s.get("qwl_index")) if shown else None,
        "qwl_index_ci": [_plain(x) for x in s["ci"]] if shown and s.get("ci") else None,
        "band": _band(v, s["qwl_index"])[0] if shown else None,
        "band_code": _band(v, s["qwl_index"])[1] if shown else None,
        "all_orgs_qwl_index": _plain(s.get("all_orgs")),
        "placement": s.get("rank"),
        "placement_of": s.get("siblings"),
        "min_n": v.min_n,
        "min_n_comments": v.min_n_comments,
    }
    change = s.get("change")
    out |= {
        "previous_wave": v.previous_wave,
        "change": _plain(change["difference"]) if change else None,
        "change_ci": [_plain(change["ci_low"]), _plain(change["ci_high"])] if change else None,
    }
    if shown:
        f = factor_frame(v).set_index("factor")
        out["factors"] = {x: _plain(f.loc[x, "score"]) for x in FACTORS}
    else:
        out["factors"] = None
    if v.unit is None:
        units = units_frame(v)
        named = units[units["kind"] == "unit"]
        out |= {
            "units_shown": int((named["status"] == "shown").sum()),
            "units_rank_only": int((named["status"] == "rank_only").sum()),
            "hidden_units": int((_units_of_org(v)["status"] == "hidden").sum()),
            "units_named": sorted(named["label"].astype("str").tolist(), key=_sort_key),
            "unit_qwl_index": {
                str(r.label): _plain(r.qwl_index)
                for r in named.itertuples(index=False)
                if r.status == "shown"
            },
        }
    else:
        out["org_qwl_index"] = _plain(s.get("org_qwl"))
    values = valuation_frame(v)
    if not values.empty:
        head = values.iloc[0]
        out |= {
            "valuation": str(head["valuation"]),
            "value_of_qwl_point": _plain(head["point_eur"]),
            "value_of_qwl_point_per_fte": _plain(head["point_per_fte"]),
            "value_of_qwl_point_by_valuation": {
                str(r.valuation): _plain(r.point_per_fte) for r in values.itertuples(index=False)
            },
            "qwl_target": _plain(head["qwl_target"]),
            "potential_eur": _plain(head["potential_eur"]),
        }
    money = money_frame(v)
    if not money.empty:
        m = money.iloc[0]
        out |= {
            "fte": _plain(m["fte"]),
            "sickness_absence_rate": _plain(m["sickness_absence_rate"]),
            "sick_days_per_fte": _plain(m["sick_days_per_fte"]),
            "absence_cost_eur": _plain(m["absence_cost_eur"]),
            "turnover_cost_eur": _plain(m.get("turnover_cost_eur")),
            "effective_share": _plain(m.get("effective_share")),
        }
    out["comments_shown"] = len(comments_frame(v))
    return _as_printed(out)


# How the report prints each recorded figure, (scale, decimals): the results file beside
# a report publishes what the report shows, at the report's precision, nothing finer.
_PCT1, _PCT0, _NUM1, _EUR = (100, 1), (100, 0), (1, 1), (1, 0)
_PRINTED = {
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


def _as_printed(numbers: dict[str, Any]) -> dict[str, Any]:
    """Every float of ``numbers`` rounded as the report prints it (``_PRINTED``)."""

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

    unlisted = [k for k, x in numbers.items() if k not in _PRINTED and has_float(x)]
    if unlisted:
        raise ReportError(f"key_numbers: no printed precision for {', '.join(unlisted)}")
    return {k: rounded(x, *_PRINTED[k]) if k in _PRINTED else x for k, x in numbers.items()}


def _plain(value: Any) -> float | None:
    x = _num(value)
    return None if math.isnan(x) else x
