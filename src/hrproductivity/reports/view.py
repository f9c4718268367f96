"""One report's slice of a report cache: the single privacy chokepoint of the report layer.

The report layer, in the order the data flows (docs/privacy.md):

- the cache (:mod:`hrproductivity.reports.prepare`): every statistic a report
  prints, computed once and suppressed;
- the view (this module): :func:`open_view` picks one organisation (or unit)
  and wave out of the cache. **Hidden units never leave it**: the units of the
  organisation come out folded, the hidden ones as one row "small units (k)"
  with their respondents and nothing else, and a group that is not shown
  carries no figure in any row the view gives out. A frame asks the view, so
  it cannot name a hidden unit or print its figures: it never receives them;
- frames (:mod:`~hrproductivity.reports.frames`): the view's rows as tables
  of numbers, no HTML, no statistics;
- figures (:mod:`~hrproductivity.reports.figures`) and HTML
  (:mod:`~hrproductivity.reports.html`), formatted by
  :mod:`~hrproductivity.reports.formatting`;
- sections (:mod:`~hrproductivity.reports.content`), which assemble; every
  rendered section passes the guard (:mod:`~hrproductivity.reports.guard`)
  once, a second line of defence against a bug in the view itself.

The names of the hidden units are kept inside the view for the guard and for
leaving out comments that name one (:meth:`View.comments`); no public method
or property of :class:`View` returns them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from hrproductivity.errors import ReportError, UnknownNameError
from hrproductivity.instruments import Instrument, load_instrument
from hrproductivity.locales import LANGUAGES
from hrproductivity.privacy import mentions
from hrproductivity.reports.prepare import TABLES, PrepareSettings

__all__ = ["Cache", "View", "ensure_cache", "largest_unit", "load_cache", "open_view"]

#: Columns of a group row that a group not shown may still show: who it is, how many
#: answered, and its placement where it has one. Every other column is a figure.
_NOT_FIGURES = (
    "org",
    "unit",
    "wave",
    "level",
    "status",
    "n",
    "qwl_n",
    "invited",
    "response_rate",
    "rank",
    "siblings",
    "complementary",
    "kind",
    "count",
)

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
    from hrproductivity._files import scratch_dir
    from hrproductivity.reports.prepare import Preparer
    from hrproductivity.reports.store import CacheStore

    settings = PrepareSettings(
        min_n=min_n,
        rank_only_below=rank_only_below,  # type: ignore[arg-type]  # None: the default rule
        min_n_comments=min_n_comments,
    )
    folder = scratch_dir("hrp-report-cache-")  # removed at exit, or by the next run after kill -9
    return str(CacheStore(folder).ensure(Preparer(dataset, settings)))


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


# --------------------------------------------------------------------------- the view


def _only_what_may_show(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with every figure of a row whose ``status`` is not "shown" missing.

    The cache already blanks them (:func:`~hrproductivity.privacy.suppress`);
    the view does not rely on it.
    """
    if "status" not in rows.columns or rows.empty:
        return rows
    off = (rows["status"] != "shown").to_numpy()
    if not off.any():
        return rows
    figures = [c for c in rows.columns if c not in _NOT_FIGURES]
    numeric = [c for c in figures if pd.api.types.is_numeric_dtype(rows[c])]
    out = rows.copy()
    out.loc[off, numeric] = math.nan
    return out


class View:
    """One report's slice of the cache: an organisation (or a unit) in a wave, in a language.

    Built by :func:`open_view`. Everything a report shows comes through its
    methods, and none of them gives out a hidden unit's name or figures: the
    organisation's units come folded (:meth:`units`), the other tables only
    for the report's own groups (its organisation, its unit, all organisations).

    Attributes
    ----------
    org, wave, lang : str
    unit : str or None
        The unit of a unit report.
    show_comments : bool
    """

    __slots__ = ("_cache", "_memo", "lang", "org", "show_comments", "unit", "wave")

    def __init__(
        self,
        cache: Cache,
        org: str,
        wave: str,
        lang: str = "fi",
        unit: str | None = None,
        show_comments: bool = False,
    ) -> None:
        self._cache = cache
        self.org, self.wave, self.lang = org, wave, lang
        self.unit, self.show_comments = unit, show_comments
        # selections every section asks for again, made once per view
        self._memo: dict[tuple[str, str], Any] = {}

    def __repr__(self) -> str:
        return (
            f"View(org={self.org!r}, wave={self.wave!r}, lang={self.lang!r}, "
            f"unit={self.unit!r}, show_comments={self.show_comments!r})"
        )

    def _once(self, what: str, wave: str, make: Any) -> Any:
        key = (what, wave)
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # ------------------------------------------------------------------ settings

    @property
    def level(self) -> str:
        """ "org" or "unit"."""
        return "org" if self.unit is None else "unit"

    @property
    def waves(self) -> list[str]:
        """The dataset's waves, in time order."""
        waves: list[str] = list(self._cache.meta["waves"])
        return waves

    @property
    def previous_wave(self) -> str | None:
        """The wave before this one in the dataset, if any."""
        i = self.waves.index(self.wave)
        return self.waves[i - 1] if i > 0 else None

    @property
    def settings(self) -> Mapping[str, Any]:
        """The settings the cache was prepared with."""
        return self._cache.settings

    @property
    def min_n(self) -> int:
        return int(self.settings["min_n"])

    @property
    def rank_only_below(self) -> int:
        return int(self.settings["rank_only_below"])

    @property
    def min_n_comments(self) -> int:
        return int(self.settings["min_n_comments"])

    @property
    def instrument(self) -> Instrument:
        """The QWL instrument of the dataset (item texts)."""
        meta = self._cache.meta
        return _instrument(str(meta.get("qwl_instrument", meta["instruments"][0])))

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the numbers come from: dataset, creation time, input hashes, versions, settings."""
        meta = self._cache.meta
        keys = ("dataset", "created", "inputs", "versions", "settings")
        return {k: meta[k] for k in keys if k in meta}

    # ------------------------------------------------------------------ groups

    def _wave_groups(self, wave: str) -> pd.DataFrame:
        groups = self._cache.tables["groups"]
        return self._once("groups", wave, lambda: groups[groups["wave"] == wave])

    def _org_units(self, wave: str) -> pd.DataFrame:
        rows = self._wave_groups(wave)
        return self._once(
            "units", wave, lambda: rows[(rows["level"] == "unit") & (rows["org"] == self.org)]
        )

    def row(self, level: str, *, wave: str | None = None) -> pd.Series | None:
        """The group row of the report's ``level`` ("total", "org" or "unit": its own unit).

        Figures are missing unless the group is shown; None if the group has
        no row in the wave.
        """
        wave = wave or self.wave
        rows = self._wave_groups(wave)
        if level == "total":
            sel = rows["level"] == "total"
        elif level == "org":
            sel = (rows["level"] == "org") & (rows["org"] == self.org)
        elif level == "unit" and self.unit is not None:
            sel = (
                (rows["level"] == "unit") & (rows["org"] == self.org) & (rows["unit"] == self.unit)
            )
        else:
            raise ReportError(f"a view of {self.level!r} level has no {level!r} row")
        found = _only_what_may_show(rows[sel])
        return None if found.empty else found.iloc[0]

    def units(self, *, wave: str | None = None) -> pd.DataFrame:
        """The organisation's units in the wave, the hidden ones folded into one row.

        Returns
        -------
        DataFrame
            The ``groups`` columns of every unit not hidden (figures only where
            shown), with ``kind`` "unit" and ``count`` 1; then, if any unit is
            hidden, one row with ``kind`` "hidden_units", ``unit`` missing,
            ``status`` "hidden", ``count`` the number of hidden units, ``n``
            and ``invited`` their sums, and nothing else.
        """
        wave = wave or self.wave

        def make() -> pd.DataFrame:
            units = self._org_units(wave)
            hidden = units[units["status"] == "hidden"]
            visible = _only_what_may_show(units[units["status"] != "hidden"])
            visible = visible.assign(kind="unit", count=1)
            if hidden.empty:
                return visible.reset_index(drop=True)
            n, invited = int(hidden["n"].sum()), float(hidden["invited"].sum())
            folded = {
                "org": self.org,
                "unit": None,
                "wave": wave,
                "level": "unit",
                "status": "hidden",
                "kind": "hidden_units",
                "count": len(hidden),
                "n": n,
                "invited": invited,
                "response_rate": n / invited if invited else math.nan,
            }
            row = pd.DataFrame([folded]).astype({"unit": "object"})
            return pd.concat([visible, row], ignore_index=True)[visible.columns]

        return self._once("folded", wave, make)

    def change(self) -> pd.Series | None:
        """The change of the group's QWL index since the previous wave, if it is shown."""
        own = self.row(self.level)
        if own is None or own["status"] != "shown":
            return None
        change = self._cache.tables["change"]
        sel = (
            (change["wave"] == self.wave)
            & (change["level"] == self.level)
            & (change["org"] == self.org)
        )
        if self.unit is not None:
            sel &= change["unit"] == self.unit
        found = change[sel]
        return None if found.empty else found.iloc[0]

    def items(self, level: str) -> pd.DataFrame:
        """Item figures of ``level`` ("total", "org" or the report's own "unit") in the wave."""
        items = self._cache.tables["items"]
        now = self._once("items", self.wave, lambda: items[items["wave"] == self.wave])
        if level == "total":
            sel = now["level"] == "total"
        elif level == "org":
            sel = (now["level"] == "org") & (now["org"] == self.org)
        elif level == "unit" and self.unit is not None:
            sel = (now["level"] == "unit") & (now["org"] == self.org) & (now["unit"] == self.unit)
        else:
            raise ReportError(f"a view of {self.level!r} level has no {level!r} items")
        return _only_what_may_show(now[sel])

    def _own(self, table: str) -> pd.DataFrame:
        """Rows of a per-group table for the report's group in the wave; none if not shown."""
        t = self._cache.tables[table]
        if t.empty:
            return t
        sel = (t["wave"] == self.wave) & (t["org"] == self.org) & (t["level"] == self.level)
        if self.unit is not None:
            sel &= t["unit"] == self.unit
            own = self.row("unit")
            if own is None or own["status"] != "shown":
                sel &= False
        return t[sel].reset_index(drop=True)

    def money(self) -> pd.DataFrame:
        """The group's HR, cost and HCPF row in the wave (empty if none, or not shown)."""
        return self._own("money")

    def valuations(self) -> pd.DataFrame:
        """The group's valuations in the wave, long (``kind``, ``valuation``), headline first."""
        return self._own("valuations")

    def drivers(self) -> pd.DataFrame:
        """The organisation's driver analysis in the wave."""
        d = self._cache.tables["drivers"]
        return d[(d["org"] == self.org) & (d["wave"] == self.wave)].reset_index(drop=True)

    def associations(self) -> pd.DataFrame:
        """Correlations across shown units with sick days per FTE (no unit in it)."""
        return self._cache.tables["associations"]

    def reliability(self) -> pd.DataFrame:
        """Reliability of the factors in the organisation and pooled, in the wave."""
        r = self._cache.tables["reliability"]
        r = r[(r["wave"] == self.wave) & ((r["org"] == self.org) | r["org"].isna())]
        return r.reset_index(drop=True)

    def comments(self) -> pd.DataFrame:
        """The group's comments the report may show: ``question``, ``comment``.

        Empty unless ``show_comments``; only the group's own list as
        :func:`~hrproductivity.privacy.suppress_comments` allowed it, less any
        comment that names a hidden unit (:func:`~hrproductivity.privacy.mentions`).
        """
        c = self._cache.tables["comments"]
        if not self.show_comments or c.empty:
            return pd.DataFrame(
                {"question": pd.Series(dtype="object"), "comment": pd.Series(dtype="object")}
            )
        sel = (c["wave"] == self.wave) & (c["org"] == self.org) & (c["level"] == self.level)
        if self.unit is not None:
            sel &= c["unit"] == self.unit
        out = c.loc[sel, ["question", "comment"]].reset_index(drop=True)
        hidden, visible = self._names()
        if hidden:
            seen = sorted(visible)

            def names_one(comment: str) -> bool:
                return any(mentions(comment, h, visible=seen) for h in hidden)

            named = out["comment"].astype("str").map(names_one).astype(bool)
            out = out[~named.to_numpy()].reset_index(drop=True)
        return out

    # ------------------------------------------------------------------ for the guard only

    def _names(self) -> tuple[frozenset[str], frozenset[str]]:
        """(hidden, visible) unit names of the organisation in the wave: for the guard only.

        Hidden: units hidden in the report's wave, other than the report's own
        unit. Visible: the other units, and the organisation.
        """

        def make() -> tuple[frozenset[str], frozenset[str]]:
            units = self._org_units(self.wave)
            is_hidden = units["status"] == "hidden"
            hidden = {str(u) for u in units.loc[is_hidden, "unit"]} - {self.unit}
            visible = {str(u) for u in units.loc[~is_hidden, "unit"]} | {self.org}
            return frozenset(hidden), frozenset(visible)

        return self._once("names", self.wave, make)


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
