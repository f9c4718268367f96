"""The shared heavy work of a report run, done once per input: the report cache.

Every report of a run reads the same scored, aggregated and suppressed tables.
:func:`prepare_cache` builds them from a dataset into a folder; :func:`prepare`
returns the callable that :func:`~hrproductivity.reports.run_reports` runs once
per input hash, and whose folder it passes to every report as ``cache``::

    from hrproductivity import datasets
    from hrproductivity.reports import run_reports
    from hrproductivity.reports.prepare import prepare
    from hrproductivity.templates import report_template

    prep = prepare(datasets.example(), min_n=5, min_n_comments=10)
    run_reports(prep.dataset, template=report_template("org"), wave="2024",
                prepare=prep, input_hash=prep.input_hash, parameters=prep.parameters)

``prep.input_hash`` folds the suppression settings into the dataset's hash, so
a run with another ``min_n`` never reuses a cache built with a different one,
and ``prep.parameters`` hands the same thresholds to the templates, which
refuse a cache whose thresholds differ from theirs.

What the folder holds (parquet tables, written atomically; ``meta.json`` last,
so a folder with ``meta.json`` is complete):

``groups``
    One row per organisation × wave, unit × wave and wave (``level`` "total":
    the organisations shown in the wave, pooled, so that it cannot be
    differenced against them): respondents ``n``, people with a QWL index
    ``qwl_n``, invited, response rate, the QWL index (mean, sd, standard
    error and its 95 % interval ``qwl_index_ci_low``, ``qwl_index_ci_high``,
    :func:`~hrproductivity.aggregation.mean_ci`), FE/YI/PL means, shares and
    % favourable, work engagement and well-being means, after
    :func:`~hrproductivity.privacy.suppress` by ``qwl_n`` (``status``: shown,
    rank_only, hidden; figures missing unless shown; ``rank`` among siblings,
    missing where a placement would narrow a hidden group), each other figure
    again by its own answer count; ``reason`` says why a group is not shown
    (:func:`group_statuses`, which the plan of who gets a report reads).
``items``
    Item means and % favourable per group: shown when the group is shown and
    at least ``min_n`` answered the item (complementary per item); for units,
    ``pct_favourable_vs_org``, the difference from the organisation in points.
``change``
    The QWL index against the previous wave: difference and its 95 %
    interval, for groups shown in both waves.
``reliability``
    Cronbach's alpha (Feldt interval) and McDonald's omega of each factor per
    shown organisation and wave (from at least ``rank_only_below`` answers),
    and pooled per wave.
``money``
    Per organisation (and per shown unit) and wave: FTE, sickness absence,
    its cost, turnover and its cost, capacity lost, structural time, the
    HCPF's effective time (and the theoretical hours per FTE split into
    structural, effective and other working time, ``time_<part>_hours``),
    the headline valuation and the QWL target of the next band.
``valuations``
    The rows of ``money`` that have an HCPF, long: one row per group, wave,
    ``kind`` ("point": one QWL point more; "potential": reaching the next
    band) and ``valuation`` (public, market, wage; ``headline`` marks the
    group's headline), with the effective ``hours`` gained and their value
    ``eur``, ``per_fte``, ``per_employee`` and ``valued_hours``.
``drivers``
    LMG relative importance of FE, YI and PL for work engagement and
    well-being per shown organisation and wave, from at least
    ``rank_only_below`` complete answers (:func:`hrproductivity.models.drivers`).
``associations``
    Correlations, across units of all organisations and waves, of unit item
    and factor means with sick days per FTE: associations, not effects.
``comments``
    Free-text comments that may be shown, per group
    (:func:`~hrproductivity.privacy.suppress_comments`).

Only ``groups`` and ``items`` rows that are shown carry figures; unit rows of
``money`` exist only for shown units. Nothing per respondent is written.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hrproductivity._files import atomic_write
from hrproductivity._versions import versions
from hrproductivity.aggregation import aggregate_hierarchy, mean_ci, mean_difference_ci
from hrproductivity.costs import (
    ABSENCE_COST_PER_DAY,
    DEFAULT_HOLIDAYS_SHARE,
    DEFAULT_HOURS_PER_DAY,
    absence_cost_per_day,
    capacity_lost,
    sickness_absence_rate,
    structural_time_share,
    turnover_cost,
)
from hrproductivity.errors import (
    ArgumentError,
    HRProductivityError,
    ReportError,
    UnknownNameError,
)
from hrproductivity.hcpf import HCPF, OVERTIME_PREMIUM
from hrproductivity.instruments import QWL_FACTORS, Instrument
from hrproductivity.io import Dataset, load_dataset
from hrproductivity.privacy import MIN_N, suppress, suppress_comments, thresholds
from hrproductivity.reports.store import dataset_hash
from hrproductivity.scoring import qwl_index, qwl_scorers, score_scales

__all__ = [
    "CACHE_VERSION",
    "FACTORS",
    "TABLES",
    "VALUATIONS",
    "REASONS",
    "STATUS_COLUMNS",
    "PrepareSettings",
    "Preparer",
    "group_statuses",
    "prepare",
    "prepare_cache",
    "read_statuses",
]

#: Bumped whenever the tables change shape or meaning; part of :attr:`Preparer.input_hash`.
#: 2: t intervals of changes (docs/intervals.md), wage valuation per effective hour.
#: 4: ``groups.reason``, why a group is not shown (the plan of who gets a report reads it);
#:    intervals of the QWL index in ``groups``; valuations long in their own table.
CACHE_VERSION = 4
#: The parquet tables of a report cache, in the order they are written.
TABLES = (
    "groups",
    "items",
    "change",
    "reliability",
    "money",
    "valuations",
    "drivers",
    "associations",
    "comments",
)
#: The three QWL factors, as the bundled qwl15 instrument declares them.
FACTORS = QWL_FACTORS
#: The valuations of freed time, headline first for a public organisation.
VALUATIONS = ("public", "market", "wage")
#: Why a group shows less than everything (``groups.reason``), in the order they are decided.
REASONS = ("no_answers", "few_respondents", "few_qwl_answers", "complementary", "rank_only")
#: The columns of :func:`group_statuses`: who is shown, placed only or hidden, and why.
STATUS_COLUMNS = ("level", "org", "unit", "wave", "n", "qwl_n", "status", "reason")
_OUTCOMES = ("uwes_total", "who5_pct")
_LEVELS = ("org", "unit")


@dataclass(frozen=True, kw_only=True)
class PrepareSettings:
    """The choices a report cache is built with; all keyword-only.

    Parameters
    ----------
    min_n : int, default 5
        Groups where fewer people answered show nothing (docs/privacy.md).
    rank_only_below : int, optional
        Groups with ``min_n`` to ``rank_only_below - 1`` respondents show only
        their placement; default ``max(10, min_n)``
        (:func:`~hrproductivity.privacy.thresholds`, which validates both and
        warns for ``min_n`` below 5).
    min_n_comments : int, default 10
        Threshold for free-text comments (complementary as well).
    qwl_method : str, default "kesti_approx"
        The registered QWL index scorer (:func:`~hrproductivity.scoring.qwl_scorers`).
    cost_per_day : float, default 350
        Cost of a sickness-absence day, € (EK rule of thumb); the wage-based
        alternative (174 € × 2.1) is computed beside it.
    holidays_share, hours_per_day : float
        As in :func:`~hrproductivity.costs.structural_time_share` (0.10 and
        7.5 h, assumptions to replace with the organisation's own).
    sector : {"public", "market"}, default "public"
        Chooses the headline valuation: "public" (the library's own model;
        "wage" where the organisation has no purchased-services data), or
        "market".
    purchased_service_hour_price : float, optional
        € per hour bought as purchased services, for the public valuation.
        Default: ``purchased_service_price_factor`` × the organisation's labour
        cost of an hour.
    purchased_service_price_factor : float, default 1.5
        The assumption used without a price: an hour bought costs what an
        overtime hour costs (1 + :data:`~hrproductivity.hcpf.OVERTIME_PREMIUM`
        times the labour cost of an hour). Replace it with the actual price.
    drivers_boot : int, default 200
        Bootstrap replicates of the driver analysis.
    seed : int, default 20261122
        Seed of the driver bootstrap, so that a cache is reproducible.
    """

    min_n: int = MIN_N
    rank_only_below: int = None  # type: ignore[assignment]  # set by __post_init__
    min_n_comments: int = 10
    qwl_method: str = "kesti_approx"
    cost_per_day: float = ABSENCE_COST_PER_DAY
    holidays_share: float = DEFAULT_HOLIDAYS_SHARE
    hours_per_day: float = DEFAULT_HOURS_PER_DAY
    sector: str = "public"
    purchased_service_hour_price: float | None = None
    purchased_service_price_factor: float = 1.0 + OVERTIME_PREMIUM
    drivers_boot: int = 200
    seed: int = 20261122

    def __post_init__(self) -> None:
        min_n, rank_only_below = thresholds(self.min_n, self.rank_only_below)
        object.__setattr__(self, "min_n", min_n)
        object.__setattr__(self, "rank_only_below", rank_only_below)
        value = self.min_n_comments
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ArgumentError(
                f"min_n_comments must be a whole number of 1 or more; got {value!r}"
            )
        if self.sector not in ("public", "market"):
            raise UnknownNameError("sector", self.sector, ["public", "market"])
        if self.qwl_method not in qwl_scorers():
            raise UnknownNameError("QWL scorer", self.qwl_method, qwl_scorers())
        if self.purchased_service_hour_price is not None and self.purchased_service_hour_price <= 0:
            raise ArgumentError("purchased_service_hour_price must be more than 0 € an hour")
        if self.purchased_service_price_factor <= 0:
            raise ArgumentError("purchased_service_price_factor must be more than 0")
        if not isinstance(self.drivers_boot, int) or self.drivers_boot < 0:
            raise ArgumentError(f"drivers_boot must be 0 or more; got {self.drivers_boot!r}")

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain JSON values."""
        return asdict(self)

    @property
    def report_parameters(self) -> dict[str, int]:
        """Template parameters that must equal these settings (``min_n``, ``min_n_comments``)."""
        return {"min_n": self.min_n, "min_n_comments": self.min_n_comments}


class Preparer:
    """The ``prepare`` callable of :func:`~hrproductivity.reports.run_reports`.

    Calling it with a folder builds the report cache there
    (:func:`prepare_cache`). Built by :func:`prepare`.

    Attributes
    ----------
    settings : PrepareSettings
        The thresholds and assumptions the cache is built with.
    """

    def __init__(self, dataset: Dataset | str | Path, settings: PrepareSettings) -> None:
        self._source = dataset
        self._dataset = dataset if isinstance(dataset, Dataset) else None
        self.settings = settings

    @property
    def dataset(self) -> Dataset:
        """The dataset (read from its folder on first use)."""
        if self._dataset is None:
            self._dataset = load_dataset(Path(str(self._source)))
        return self._dataset

    @property
    def input_hash(self) -> str:
        """SHA-256 of the dataset's inputs, the settings and :data:`CACHE_VERSION`.

        Pass it as ``input_hash`` to ``run_reports``: the runner caches the
        prepared folder by it, so other thresholds give another folder.
        """
        key = {
            "dataset": dataset_hash(self.dataset),
            "settings": self.settings.as_dict(),
            "cache_version": CACHE_VERSION,
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()

    @property
    def parameters(self) -> dict[str, int]:
        """Run-level template parameters matching the settings (pass as ``parameters=``)."""
        return self.settings.report_parameters

    def __call__(self, folder: Path) -> None:
        prepare_cache(self.dataset, folder, settings=self.settings)

    def __repr__(self) -> str:
        name = self._dataset.name if self._dataset is not None else str(self._source)
        return f"Preparer({name!r}, {self.settings!r})"


def prepare(
    dataset: Dataset | str | Path,
    *,
    min_n: int = MIN_N,
    rank_only_below: int | None = None,
    min_n_comments: int = 10,
    **options: Any,
) -> Preparer:
    """The shared work of a report run, as the callable ``run_reports(prepare=...)`` expects.

    Parameters
    ----------
    dataset : Dataset, str or Path
        A loaded dataset or a dataset folder (read on first use).
    min_n, rank_only_below, min_n_comments : int, keyword-only
        The anonymity thresholds (5, ``max(10, min_n)``, 10; the rule of
        :func:`~hrproductivity.privacy.thresholds`); the reports must get the
        same ``min_n`` and ``min_n_comments`` (:attr:`Preparer.parameters`).
    **options
        Further :class:`PrepareSettings` (``cost_per_day``, ``sector``,
        ``purchased_service_hour_price``, ...).

    Returns
    -------
    Preparer
        ``preparer(folder)`` builds the cache; ``.input_hash`` and
        ``.parameters`` go to ``run_reports``.

    Raises
    ------
    ArgumentError, UnknownNameError
        A setting out of range or unknown.
    TypeError
        An unknown option.

    Examples
    --------
    >>> from hrproductivity import datasets
    >>> from hrproductivity.reports.prepare import prepare
    >>> p = prepare(datasets.example(), min_n=5)
    >>> p.parameters
    {'min_n': 5, 'min_n_comments': 10}
    """
    settings = PrepareSettings(
        min_n=min_n,
        rank_only_below=rank_only_below,  # type: ignore[arg-type]  # None: the default rule
        min_n_comments=min_n_comments,
        **options,
    )
    return Preparer(dataset, settings)


def prepare_cache(
    dataset: Dataset | str | Path,
    folder: str | Path,
    *,
    settings: PrepareSettings | None = None,
) -> Path:
    """Score, aggregate, suppress and value a dataset once, into a report cache folder.

    Parameters
    ----------
    dataset : Dataset, str or Path
        A loaded dataset or a dataset folder.
    folder : str or Path
        Where to write the tables (created if missing; existing tables are
        replaced one by one, each atomically, ``meta.json`` last).
    settings : PrepareSettings, optional
        Thresholds and assumptions; default :class:`PrepareSettings`.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    HRProductivityError
        The dataset has no QWL-15 items (FE, YI, PL factors), or a table
        breaks the data contract.

    Notes
    -----
    The change of the QWL index between waves is the difference of the two
    waves' means, :math:`d = \\bar q_t - \\bar q_{t-1}`, with
    :math:`se(d) = \\sqrt{se_t^2 + se_{t-1}^2}` and the interval
    :math:`d \\pm t(\\nu)\\, se(d)` with Welch's degrees of freedom
    (:func:`~hrproductivity.aggregation.mean_difference_ci`; docs/intervals.md).
    The waves are treated as independent
    samples; many people answer in both, and a positive correlation of their
    answers would make the true interval narrower, so this one is on the
    safe side.
    """
    s = settings or PrepareSettings()
    data = dataset if isinstance(dataset, Dataset) else load_dataset(Path(dataset))
    qwl_instrument = _qwl_instrument(data)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = _scores(data, qwl_instrument, s)
        groups = _with_reasons(_with_intervals(_groups(scores, data, qwl_instrument, s)), s)
        money, valuations = _money(data, groups, s)
        tables: dict[str, pd.DataFrame] = {
            "groups": groups,
            "items": _items(data, qwl_instrument, groups, s),
            "change": _change(groups, data.waves),
            "reliability": _reliability(data, qwl_instrument, groups, s),
            "money": money,
            "valuations": valuations,
            "drivers": _drivers(scores, groups, s),
            "associations": _associations(scores, data, qwl_instrument, groups, s),
            "comments": _comments(data, s),
        }
    notes = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    for name in TABLES:
        frame = tables[name]
        atomic_write(folder / f"{name}.parquet", lambda p, f=frame: f.to_parquet(p, index=False))
    meta = {
        "cache_version": CACHE_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": data.name,
        "source_folder": str(Path(data.folder).resolve()) if data.folder is not None else None,
        "inputs": dict(sorted(data.sources.items())),
        "instruments": [i.name for i in data.instruments],
        "qwl_instrument": qwl_instrument.name,
        "wave_period": dict(data.wave_period),
        "waves": data.waves,
        "orgs": data.orgs,
        "settings": s.as_dict(),
        "versions": versions(),
        "warnings": notes,
        "tables": list(TABLES),
    }
    text = json.dumps(meta, indent=2, ensure_ascii=False)
    atomic_write(folder / "meta.json", lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return folder


def group_statuses(
    dataset: Dataset | str | Path, settings: PrepareSettings | None = None
) -> pd.DataFrame:
    """Every group's status and why it is not shown, as :func:`prepare_cache` decides them.

    The one place where a report run decides who is shown, placed only or
    hidden (:func:`~hrproductivity.privacy.suppress` with the thresholds of
    ``settings``): the cache's ``groups`` table holds the same rows, and
    :func:`~hrproductivity.reports.plan_jobs` reads them from there. This
    computes them without the rest of the cache (scores and groups only).

    Parameters
    ----------
    dataset : Dataset, str or Path
        A loaded dataset or a dataset folder.
    settings : PrepareSettings, optional
        The thresholds; default :class:`PrepareSettings`.

    Returns
    -------
    DataFrame
        :data:`STATUS_COLUMNS`: ``level`` ("org", "unit", "total"), ``org``,
        ``unit``, ``wave``, respondents ``n``, people with a QWL index
        ``qwl_n``, ``status`` ("shown", "rank_only", "hidden") and ``reason``
        (one of :data:`REASONS`, missing when shown).
    """
    s = settings or PrepareSettings()
    data = dataset if isinstance(dataset, Dataset) else load_dataset(Path(dataset))
    qwl_instrument = _qwl_instrument(data)
    groups = _groups(_scores(data, qwl_instrument, s), data, qwl_instrument, s)
    return _with_reasons(groups, s)[list(STATUS_COLUMNS)]


def read_statuses(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The statuses a prepared cache holds (:func:`group_statuses`) and its settings.

    Raises
    ------
    ReportError
        ``folder`` is not a complete report cache of this :data:`CACHE_VERSION`.
    """
    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ReportError(f"{folder} is not a prepared report cache (no meta.json)") from None
    if meta.get("cache_version") != CACHE_VERSION:
        raise ReportError(
            f"the report cache {folder} has version {meta.get('cache_version')}, "
            f"this hrproductivity reads {CACHE_VERSION}; prepare it again"
        )
    statuses = pd.read_parquet(folder / "groups.parquet", columns=list(STATUS_COLUMNS))
    return statuses, dict(meta["settings"])


def _with_reasons(groups: pd.DataFrame, s: PrepareSettings) -> pd.DataFrame:
    """``groups`` with ``reason``: why a group shows less than all its figures.

    In order: nobody answered (``no_answers``), fewer than ``min_n``
    respondents (``few_respondents``), fewer than ``min_n`` with a QWL index
    (``few_qwl_answers``; the pooled total: fewer than ``rank_only_below``),
    hidden to protect a smaller group (``complementary``), or placement only
    (``rank_only``). Missing for a group that is shown.
    """
    n = groups["n"].fillna(0).to_numpy()
    status = groups["status"].to_numpy()
    hidden = status == "hidden"
    complementary = groups["complementary"].fillna(False).astype(bool).to_numpy()
    reason = np.select(
        [
            hidden & (n == 0),
            hidden & (n < s.min_n),
            hidden & ~complementary,
            hidden,
            status == "rank_only",
        ],
        ["no_answers", "few_respondents", "few_qwl_answers", "complementary", "rank_only"],
        default="",
    )
    out = groups.copy()
    out["reason"] = pd.Series(reason, index=groups.index, dtype="str").replace("", None)
    return out


# --------------------------------------------------------------------------- scores


def _qwl_instrument(data: Dataset) -> Instrument:
    for inst in data.instruments:
        if all(f in inst.factors for f in FACTORS):
            return inst
    names = ", ".join(i.name for i in data.instruments)
    raise HRProductivityError(
        f"the reports need the QWL factors FE, YI and PL (instrument qwl15); "
        f"dataset {data.name!r} has: {names}"
    )


def _scores(data: Dataset, qwl_instrument: Instrument, s: PrepareSettings) -> pd.DataFrame:
    """One row per respondent: ids, FE/YI/PL and their shares, the QWL index, other totals."""
    scores = score_scales(data.responses, qwl_instrument)
    scores = scores[[*_id_columns(scores), *FACTORS, *(f"{f}_share" for f in FACTORS)]].copy()
    scores["qwl_index"] = qwl_index(scores, method=s.qwl_method)
    for inst in data.instruments:
        if inst.name == qwl_instrument.name:
            continue
        wanted = [t.name for t in inst.totals if t.name in (*_OUTCOMES, "who5_poor")]
        if wanted:
            scores[wanted] = score_scales(data.responses, inst)[wanted]
    return scores


def _id_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("org", "unit", "wave", "respondent") if c in frame.columns]


def _value_columns(scores: pd.DataFrame) -> list[str]:
    extra = [c for c in (*_OUTCOMES, "who5_poor") if c in scores.columns]
    return [*FACTORS, *(f"{f}_share" for f in FACTORS), *extra]


# --------------------------------------------------------------------------- groups


def _groups(
    scores: pd.DataFrame, data: Dataset, qwl_instrument: Instrument, s: PrepareSettings
) -> pd.DataFrame:
    """The group table of every level and wave, suppressed by answer counts.

    A group's status is decided by ``qwl_n``, the people with a QWL index (who
    answered enough items to be scored), not by its respondents: a unit of 14
    where 12 skipped the survey's items has 2 answers. Every other family of
    figures (FE, YI, PL, engagement, well-being) is then suppressed again by
    its own answer count, starting from the groups the first pass hid
    (:func:`_suppress_family`). Organisations are not a partition of a
    published total: the "total" row pools the organisations shown in the wave
    (:func:`_benchmark_total`), so a small organisation needs no complement.
    """
    values = _value_columns(scores)
    table = aggregate_hierarchy(
        scores,
        hierarchy=_LEVELS,
        by=("wave",),
        units=data.units,
        total=False,
        value_cols=values,
        instrument=qwl_instrument,
        qwl_method=None,
    )
    families = _families(values)
    count_cols = [f"{c}_n" for c in families]  # answers behind each family's figures
    spare = [f"{c}_{x}" for c in values for x in ("n", "se") if f"{c}_{x}" not in count_cols]
    table = table.drop(columns=spare).rename(columns={"qwl_index_n": "qwl_n"})
    keys = ["org", "unit", "wave", "level", "n", "invited", "response_rate", "suppressed"]
    figures = [c for c in table.columns if c not in keys and c != "qwl_n" and c not in count_cols]
    out = suppress(
        table,
        n_col="qwl_n",
        min_n=s.min_n,
        rank_only_below=s.rank_only_below,
        complementary=True,
        hierarchy=_LEVELS,
        by="wave",
        value_cols=figures,
        rank_by="qwl_index",
        parent_published=False,
    )
    for family, cols in families.items():
        out = _suppress_family(out, f"{family}_n", cols, s)
    out = pd.concat([out, _benchmark_total(scores, data, qwl_instrument, out, s)])
    out = out.drop(columns=["suppressed", *(c for c in count_cols if c in out.columns)])
    out = out.sort_values(["wave", "org", "unit"], na_position="first", kind="stable")
    out["siblings"] = _siblings(out)
    for col in ("org", "unit"):
        out[col] = out[col].astype("str").where(out[col].notna(), None)
    return out.reset_index(drop=True)


def _families(values: Sequence[str]) -> dict[str, list[str]]:
    """The figure columns of each per-respondent score, by the score they summarise."""
    out: dict[str, list[str]] = {}
    for col in values:
        base = col.removesuffix("_share")
        out.setdefault(base, [])
        out[base] += [f"{col}_mean", f"{col}_sd"]
        if col in FACTORS:
            out[base].append(f"{col}_pct_favourable")
    return out


def _suppress_family(
    table: pd.DataFrame, count: str, cols: Sequence[str], s: PrepareSettings
) -> pd.DataFrame:
    """Blank ``cols`` where fewer than ``min_n`` answered them, with complementary hiding.

    The groups already hidden stay hidden (``hide``); a shown group whose
    answers to this score are too few loses these figures only.
    """
    present = [c for c in cols if c in table.columns]
    if not present:
        return table
    keys = ["org", "unit", "wave", "level"]
    t = table[[*keys, count]].assign(_hide=(table["status"] != "shown").to_numpy())
    decided = suppress(
        t,
        n_col=count,
        min_n=s.min_n,
        rank_only_below=None,
        complementary=True,
        hierarchy=_LEVELS,
        by="wave",
        value_cols=[],
        hide="_hide",
        parent_published=False,
    )
    out = table.copy()
    out.loc[(decided["status"] != "shown").to_numpy(), present] = np.nan
    return out


def _benchmark_total(
    scores: pd.DataFrame,
    data: Dataset,
    qwl_instrument: Instrument,
    groups: pd.DataFrame,
    s: PrepareSettings,
) -> pd.DataFrame:
    """The "all organisations" row of each wave: the organisations shown in it, pooled.

    Pooling only shown organisations makes the benchmark a function of
    published figures, so it cannot be differenced against them; a figure is
    left out of it when some shown organisation does not show that figure.
    """
    orgs = groups[groups["level"] == "org"]
    shown = orgs[orgs["status"] == "shown"]
    chosen = scores.merge(shown[["org", "wave"]], on=["org", "wave"], how="inner")
    values = _value_columns(scores)
    total = aggregate_hierarchy(
        chosen.assign(_one="all"),
        hierarchy=("_one",),
        by=("wave",),
        units=None,
        total=True,
        value_cols=values,
        instrument=qwl_instrument,
        qwl_method=None,
    )
    total = total[total["level"] == "total"].drop(columns=["_one"])
    invited = data.units.merge(shown[["org", "wave"]], on=["org", "wave"], how="inner")
    invited = invited.groupby("wave")["invited"].sum()
    total["invited"] = total["wave"].map(invited).astype("float64")
    total["response_rate"] = total["n"] / total["invited"].where(total["invited"] > 0)
    total = total.rename(columns={"qwl_index_n": "qwl_n"})
    total["org"] = pd.Series(np.nan, index=total.index, dtype="str")
    total["unit"] = pd.Series(np.nan, index=total.index, dtype="str")
    total["status"] = np.where(total["qwl_n"] >= s.rank_only_below, "shown", "hidden")
    total["rank"] = pd.array([1] * len(total), dtype="Int64")
    total["complementary"] = False
    hidden = total["status"] != "shown"
    figures = [c for c in total.columns if c.endswith(("_mean", "_sd", "_favourable"))]
    figures = list(dict.fromkeys([*figures, "qwl_index", "qwl_index_sd", "qwl_index_se"]))
    total.loc[hidden, figures] = np.nan
    total.loc[hidden, "rank"] = pd.NA
    for cols in _families(values).values():
        for col in cols:
            if col not in total.columns:
                continue
            blank = shown[shown[col].isna()]["wave"].unique()
            total.loc[total["wave"].isin(blank), col] = np.nan
    return total[[c for c in groups.columns if c in total.columns]]


def _siblings(table: pd.DataFrame) -> pd.Series:
    """How many groups the rank of a row is among (its siblings that have a placement)."""
    ranked = table["rank"].notna()
    parent = table["org"].where(table["level"] == "unit", "")
    parent = parent.astype("str").where(table["level"] != "total", "<total>")
    frame = pd.DataFrame(
        {"wave": table["wave"], "level": table["level"], "parent": parent, "ranked": ranked}
    )
    counts = frame.groupby(["wave", "level", "parent"])["ranked"].transform("sum")
    return counts.astype("int64")


# --------------------------------------------------------------------------- items


def _items(
    data: Dataset, qwl_instrument: Instrument, groups: pd.DataFrame, s: PrepareSettings
) -> pd.DataFrame:
    """Item means and % favourable per group, by the item's own answer count.

    An item's figures are shown when the group is shown and at least ``min_n``
    people answered the item, with complementary hiding per item and wave. The
    "total" rows pool the organisations shown in the wave, like the groups
    table, and leave an item out when a shown organisation does not show it.
    """
    items = qwl_instrument.item_ids
    answers = data.responses[["org", "unit", "wave", *items]].copy()
    low, high = qwl_instrument.scale_min, qwl_instrument.scale_max
    for col in qwl_instrument.reverse_items:
        answers[col] = low + high - answers[col]  # favourable is then high for every item
    fav = [f"fav__{c}" for c in items]
    for col, flag in zip(items, fav, strict=True):
        answers[flag] = (answers[col] >= qwl_instrument.favourable_min).astype("float64")
        answers.loc[answers[col].isna(), flag] = np.nan
    ids = ["org", "unit", "wave", "level"]
    table = aggregate_hierarchy(
        answers, hierarchy=_LEVELS, by=("wave",), value_cols=[*items, *fav], qwl_method=None
    )
    for col in ("org", "unit"):
        table[col] = table[col].astype("str").where(table[col].notna(), None)
    status = groups[[*ids, "status"]]
    table = table.merge(status, on=ids, how="left")
    table["status"] = table["status"].fillna("hidden")
    factor_of = {i.id: i.factor for i in qwl_instrument.items}
    rows = []
    for item, flag in zip(items, fav, strict=True):
        part = table[ids].copy()
        part["item"] = item
        part["factor"] = factor_of[item]
        part["mean"] = table[f"{item}_mean"]
        part["pct_favourable"] = 100.0 * table[f"{flag}_mean"]
        part["n_item"] = table[f"{item}_n"]
        part["_hide"] = (table["status"] != "shown").to_numpy()
        part["status"] = table["status"]
        rows.append(part)
    long = pd.concat(rows, ignore_index=True)
    decided = suppress(
        long,
        n_col="n_item",
        min_n=s.min_n,
        rank_only_below=None,
        complementary=True,
        hierarchy=_LEVELS,
        by=["wave", "item"],
        value_cols=["mean", "pct_favourable"],
        hide="_hide",
        parent_published=False,
    )
    dropped = (long["status"] == "shown") & (decided["status"] != "shown")
    long["status"] = long["status"].where(~dropped, "hidden")
    long.loc[long["status"] != "shown", ["mean", "pct_favourable"]] = np.nan
    total = _items_total(answers, items, fav, groups, long, factor_of, s)
    out = pd.concat([_against_org(long), total], ignore_index=True)
    return out.drop(columns=["n_item", "_hide"])


def _against_org(long: pd.DataFrame) -> pd.DataFrame:
    """Item rows with ``pct_favourable_vs_org``: a unit's % favourable less its organisation's.

    In percentage points; missing for other rows and where either is not shown.
    """
    keys = ["org", "wave", "item"]
    org = long.loc[long["level"] == "org", [*keys, "pct_favourable"]]
    org = org.rename(columns={"pct_favourable": "_org"})
    out = long.merge(org, on=keys, how="left", validate="many_to_one")
    difference = out["pct_favourable"] - out["_org"]
    out["pct_favourable_vs_org"] = difference.where(out["level"] == "unit")
    return out.drop(columns="_org")


def _items_total(
    answers: pd.DataFrame,
    items: Sequence[str],
    fav: Sequence[str],
    groups: pd.DataFrame,
    long: pd.DataFrame,
    factor_of: dict[str, str],
    s: PrepareSettings,
) -> pd.DataFrame:
    """The items' "all organisations" rows: the organisations shown in the wave, pooled."""
    ids = ["org", "unit", "wave", "level"]
    shown = groups[(groups["level"] == "org") & (groups["status"] == "shown")]
    pooled = answers.merge(shown[["org", "wave"]], on=["org", "wave"], how="inner")
    orgs = long[long["level"] == "org"].merge(shown[["org", "wave"]], on=["org", "wave"])
    incomplete = set(
        zip(
            orgs.loc[orgs["mean"].isna(), "wave"],
            orgs.loc[orgs["mean"].isna(), "item"],
            strict=True,
        )
    )
    rows = []
    for wave in groups.loc[groups["level"] == "total", "wave"]:
        part = pooled[pooled["wave"] == wave]
        for item, flag in zip(items, fav, strict=True):
            n_item = int(part[item].count())
            ok = n_item >= s.min_n and (wave, item) not in incomplete
            rows.append(
                {
                    "org": None,
                    "unit": None,
                    "wave": wave,
                    "level": "total",
                    "item": item,
                    "factor": factor_of[item],
                    "mean": float(part[item].mean()) if ok else np.nan,
                    "pct_favourable": 100.0 * float(part[flag].mean()) if ok else np.nan,
                    "status": "shown" if ok else "hidden",
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[*ids, "item", "factor", "mean", "pct_favourable", "status"],
    )
    for col in ("org", "unit"):
        out[col] = out[col].astype("object")
    return out


# --------------------------------------------------------------------------- change


def _change(groups: pd.DataFrame, waves: Sequence[str]) -> pd.DataFrame:
    """The QWL index of each group against the previous wave, with a 95 % interval."""
    columns = ["org", "unit", "level", "wave", "previous_wave", "qwl_index", "qwl_previous"]
    columns += ["difference", "se", "ci_low", "ci_high"]
    order = list(waves)
    rows = []
    keyed = groups.set_index(["level", "org", "unit", "wave"], drop=False)
    for position in range(1, len(order)):
        wave, before = order[position], order[position - 1]
        now = groups[groups["wave"] == wave]
        for row in now.itertuples(index=False):
            key = (row.level, row.org, row.unit, before)
            if key not in keyed.index:
                continue
            prev = keyed.loc[key]
            if isinstance(prev, pd.DataFrame):
                prev = prev.iloc[0]
            q1, q0 = float(row.qwl_index), float(prev["qwl_index"])
            se1, se0 = float(row.qwl_index_se), float(prev["qwl_index_se"])
            if any(math.isnan(v) for v in (q1, q0, se1, se0)):
                continue  # hidden in either wave: no change is shown
            diff = q1 - q0
            se = math.hypot(se1, se0)
            n1, n0 = float(row.qwl_n), float(prev["qwl_n"])
            low, high = mean_difference_ci(diff, (se1, se0), (n1, n0))
            rows.append([row.org, row.unit, row.level, wave, before, q1, q0, diff, se, low, high])
    out = pd.DataFrame(rows, columns=columns)
    for col in ("org", "unit", "level", "wave", "previous_wave"):
        out[col] = out[col].astype("object")
    return out


def _with_intervals(groups: pd.DataFrame) -> pd.DataFrame:
    """The groups table with the 95 % interval of each QWL index (missing where not shown).

    :func:`~hrproductivity.aggregation.mean_ci` from the index, its standard
    error and ``qwl_n``: the interval every report prints (docs/intervals.md).
    """
    low, high = mean_ci(groups["qwl_index"], groups["qwl_index_se"], groups["qwl_n"])
    return groups.assign(qwl_index_ci_low=low, qwl_index_ci_high=high)


# --------------------------------------------------------------------------- reliability


def _reliability(
    data: Dataset, qwl_instrument: Instrument, groups: pd.DataFrame, s: PrepareSettings
) -> pd.DataFrame:
    """Alpha and omega per organisation and wave, and pooled per wave.

    An organisation's figures are kept only when its results are shown and the
    statistic rests on at least ``rank_only_below`` people (the full-results
    threshold): a rank-only organisation gets none.
    """
    from hrproductivity.reliability import reliability_by

    by_org = reliability_by(data.responses, qwl_instrument, by=["org", "wave"])
    shown = groups[(groups["level"] == "org") & (groups["status"] == "shown")]
    keep = by_org.merge(shown[["org", "wave"]], on=["org", "wave"], how="left", indicator=True)
    by_org = by_org[
        (keep["_merge"] == "both").to_numpy() & (by_org["n"] >= s.rank_only_below).to_numpy()
    ]
    pooled = reliability_by(data.responses, qwl_instrument, by="wave")
    pooled.insert(0, "org", None)
    out = pd.concat([by_org, pooled], ignore_index=True)
    out["org"] = out["org"].astype("object")
    return out


# --------------------------------------------------------------------------- money


def _money(
    data: Dataset, groups: pd.DataFrame, s: PrepareSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """HR, cost and HCPF figures per organisation and per shown unit, for every wave.

    Returns
    -------
    tuple of DataFrame
        The ``money`` table and the ``valuations`` table (long, see the module).
    """
    hr, finance = data.hr, data.finance
    rows: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    if hr.empty:
        return pd.DataFrame(rows), _valuations_table(values)
    wage_day = absence_cost_per_day()
    period_of = {str(w): str(p) for w, p in data.wave_period.items()}
    shown = groups[(groups["status"] == "shown") & (groups["level"] != "total")]
    for row in shown.itertuples(index=False):
        period = period_of.get(str(row.wave))
        if period is None:
            continue
        level, org = str(row.level), str(row.org)
        unit = None if level == "org" else str(row.unit)
        sel = (hr["org"] == org) & (hr["period"].astype("str") == period)
        if unit is not None:
            sel &= hr["unit"] == unit
        rows_hr = hr[sel]
        if rows_hr.empty:
            continue
        record: dict[str, Any] = {
            "org": org,
            "unit": unit,
            "level": level,
            "wave": str(row.wave),
            "period": period,
            "qwl_index": float(row.qwl_index),
        }
        record |= _hr_figures(rows_hr, s, wage_day)
        figures, valued = _hcpf_figures(hr, finance, float(row.qwl_index), org, period, unit, s)
        record |= figures
        record |= _time_breakdown(record)
        rows.append(record)
        keys = {"org": org, "unit": unit, "level": level, "wave": str(row.wave)}
        values += [keys | value for value in valued]
    out = pd.DataFrame(rows)
    for col in ("org", "unit", "level", "wave", "period", "headline_valuation"):
        if col in out.columns:
            out[col] = out[col].astype("object")
    return out, _valuations_table(values)


def _time_breakdown(record: dict[str, Any]) -> dict[str, float]:
    """Theoretical hours per FTE split as the report draws them: ``time_<part>_hours``.

    Structural time (holidays, sickness, other absence, training) and time at
    work, and time at work split into effective and other working time (the
    HCPF's effective share); nothing without an HCPF.
    """
    if "effective_share" not in record or math.isnan(record["effective_share"]):
        return {}
    hours = record["theoretical_hours_per_fte"]
    out = {f"time_{p}_hours": hours * record[f"{p}_share"] for p in _STRUCTURAL}
    at_work = hours * record["at_work_share"]
    effective = hours * record["effective_share"]
    return out | {
        "time_at_work_hours": at_work,
        "time_effective_hours": effective,
        "time_other_work_hours": at_work - effective,
        "time_structural_hours": hours - at_work,
    }


#: The parts of structural time (:func:`~hrproductivity.costs.structural_time_share`).
_STRUCTURAL = ("holidays", "sickness", "other_absence", "training")

#: The columns of the ``valuations`` table, in order.
_VALUATION_COLUMNS = (
    "org",
    "unit",
    "level",
    "wave",
    "kind",
    "valuation",
    "headline",
    "hours",
    "eur",
    "per_fte",
    "per_employee",
    "valued_hours",
)


def _valuations_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(_VALUATION_COLUMNS))
    for col in ("org", "unit", "level", "wave", "kind", "valuation"):
        out[col] = out[col].astype("object")
    out["headline"] = out["headline"].astype("bool")
    for col in ("hours", "eur", "per_fte", "per_employee", "valued_hours"):
        out[col] = out[col].astype("float64")
    return out


def _hr_figures(rows: pd.DataFrame, s: PrepareSettings, wage_day: float) -> dict[str, Any]:
    by = ["org", "period"]
    rate = sickness_absence_rate(rows, hours_per_day=s.hours_per_day, by=by).iloc[0]
    share = structural_time_share(
        rows, holidays_share=s.holidays_share, hours_per_day=s.hours_per_day, by=by
    ).iloc[0]
    leavers = float(rows["leavers"].sum()) if "leavers" in rows.columns else math.nan
    headcount = float(rows["headcount"].sum()) if "headcount" in rows.columns else math.nan
    out: dict[str, Any] = {
        "fte": float(rate["fte"]),
        "headcount": headcount,
        "theoretical_hours": float(rate["theoretical_hours"]),
        "sick_days": float(rate["sick_days"]),
        "sickness_absence_rate": float(rate["sickness_absence_rate"]),
        "sick_days_per_fte": float(rate["sick_days_per_fte"]),
        "cost_per_day": float(s.cost_per_day),
        "cost_per_day_wage": float(wage_day),
        "absence_cost_eur": float(rate["sick_days"]) * s.cost_per_day,
        "absence_cost_wage_eur": float(rate["sick_days"]) * wage_day,
        "holidays_share": float(share["holidays_share"]),
        "sickness_share": float(share["sickness_share"]),
        "other_absence_share": float(share["other_absence_share"]),
        "training_share": float(share["training_share"]),
        "aw": float(share["aw"]),
        "at_work_share": float(share["at_work_share"]),
        "leavers": leavers,
        "turnover_rate": leavers / headcount if headcount else math.nan,
    }
    if not math.isnan(leavers):
        turnover = turnover_cost(leavers).iloc[0]
        lost = capacity_lost(rows, hours_per_day=s.hours_per_day, by=by).iloc[0]
        out |= {
            "turnover_cost_eur": float(turnover["turnover_cost_eur"]),
            "cost_per_leaver_eur": float(turnover["cost_per_leaver_eur"]),
            "sick_fte_lost": float(lost["sick_fte_lost"]),
            "turnover_fte_lost": float(lost["turnover_fte_lost"]),
            "fte_lost": float(lost["fte_lost"]),
        }
    return out


def _hcpf_figures(
    hr: pd.DataFrame,
    finance: pd.DataFrame,
    qwl: float,
    org: str,
    period: str,
    unit: str | None,
    s: PrepareSettings,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The HCPF of one organisation or unit, and its valuations; NaN where impossible.

    Returns
    -------
    tuple
        The figures of the ``money`` row, and the rows of the ``valuations``
        table (without the group's keys): for each valuation, headline first,
        a "point" and a "potential" row.
    """
    out: dict[str, Any] = {"headline_valuation": None}
    if finance.empty or not 0 < qwl <= 1:
        return out, []
    try:
        h = HCPF.from_records(
            hr,
            finance,
            qwl,
            org=org,
            period=period,
            unit=unit,
            holidays_share=s.holidays_share,
            hours_per_day=s.hours_per_day,
            sector="public" if s.sector == "public" else "market",
        )
    except HRProductivityError:
        return out, []
    bought = h.purchased_services_eur is not None and h.purchased_services_eur > 0
    if bought:
        price = s.purchased_service_hour_price
        if price is None:
            price = s.purchased_service_price_factor * h.hourly_labour_cost
        h = replace(h, purchased_service_hour_price=price)
    headline = "market" if s.sector == "market" else "public" if bought else "wage"
    out |= {
        "headline_valuation": headline,
        "theoretical_hours_per_fte": h.theoretical_hours,
        "effective_share": h.effective_share,
        "other_working_share": h.other_working_share,
        "effective_hours": h.effective_hours,
        "k_eur_per_hour": h.calibrate(),
        "hourly_labour_cost": h.hourly_labour_cost,
        "staff_costs_eur": h.staff_costs,
        "revenue_eur": h.revenue,
        "purchased_services_eur": h.purchased_services_eur,
        "purchased_service_hour_price": h.purchased_service_hour_price,
        "overtime_hours": h.overtime_hours,
        "overtime_hour_price": (1.0 + OVERTIME_PREMIUM) * h.hourly_labour_cost,
    }
    try:
        target = h.potential().qwl_to
    except HRProductivityError:
        target = math.nan
    out["qwl_target"] = target
    rows = []
    for valuation in (headline, *(x for x in VALUATIONS if x != headline)):
        try:
            point = h.value_of_qwl_point(valuation)  # type: ignore[arg-type]
        except HRProductivityError:
            point = None
        try:
            potential = h.potential(valuation=valuation) if not math.isnan(target) else None  # type: ignore[arg-type]
        except HRProductivityError:
            potential = None
        for kind, value in (("point", point), ("potential", potential)):
            rows.append(
                {"kind": kind, "valuation": valuation, "headline": valuation == headline}
                | _valuation_values(value)
            )
    return out, rows


def _valuation_values(value: Any) -> dict[str, float]:
    """The value columns of one ``valuations`` row; NaN where the valuation is impossible."""
    nan = math.nan
    if value is None:
        return dict.fromkeys(("hours", "eur", "per_fte", "per_employee", "valued_hours"), nan)
    per_employee = value.value_per_employee
    return {
        "hours": float(value.effective_hours_gained),
        "eur": float(value.value_eur),
        "per_fte": float(value.value_per_fte),
        "per_employee": nan if per_employee is None else float(per_employee),
        "valued_hours": float(value.valued_hours),
    }


# --------------------------------------------------------------------------- drivers


def _drivers(scores: pd.DataFrame, groups: pd.DataFrame, s: PrepareSettings) -> pd.DataFrame:
    """LMG shares of FE, YI and PL for engagement and well-being, per organisation and wave.

    Only for organisations whose results are shown, and only from at least
    ``rank_only_below`` complete answers.
    """
    from hrproductivity.models import drivers

    shown = groups[(groups["level"] == "org") & (groups["status"] == "shown")]
    scores = scores.merge(shown[["org", "wave"]], on=["org", "wave"], how="inner")

    columns = ["org", "wave", "outcome", "term", "estimate", "share", "share_ci_low"]
    columns += ["share_ci_high", "r2", "n"]
    rows = []
    outcomes = [o for o in _OUTCOMES if o in scores.columns]
    rng = np.random.default_rng(s.seed)
    for (org, wave), part in scores.groupby(["org", "wave"], sort=True):
        for outcome in outcomes:
            try:
                res = drivers(
                    part, outcome=outcome, predictors=list(FACTORS), n_boot=s.drivers_boot, seed=rng
                )
            except HRProductivityError:  # too few complete answers in this group
                continue
            if res.n < s.rank_only_below:
                continue
            table = res.summary()
            for t in table.itertuples(index=False):
                shares = [t.share, t.share_ci_low, t.share_ci_high]
                fit = [float(res.fit["r2"]), int(res.n)]
                rows.append([str(org), str(wave), outcome, t.term, t.estimate, *shares, *fit])
    out = pd.DataFrame(rows, columns=columns)
    for col in ("org", "wave", "outcome", "term"):
        out[col] = out[col].astype("object")
    return out


# --------------------------------------------------------------------------- associations


def _associations(
    scores: pd.DataFrame,
    data: Dataset,
    qwl_instrument: Instrument,
    groups: pd.DataFrame,
    s: PrepareSettings,
) -> pd.DataFrame:
    """Correlations of unit means with sick days per FTE, across units, orgs and waves.

    Only units whose results are shown take part: a correlation with the published
    means of the others would be one equation in a hidden unit's mean.
    """
    from scipy import stats

    columns = ["variable", "kind", "r", "ci_low", "ci_high", "p_val", "n_units", "waves"]
    hr = data.hr
    if hr.empty or "sick_days" not in hr.columns:
        return pd.DataFrame(columns=columns)
    items = qwl_instrument.item_ids
    unit_scores = scores.join(data.responses[items])
    for col in qwl_instrument.reverse_items:
        flip = qwl_instrument.scale_min + qwl_instrument.scale_max
        unit_scores[col] = flip - unit_scores[col]
    variables = [*items, *FACTORS, "qwl_index"]
    means = unit_scores.groupby(["org", "unit", "wave"])[variables].mean()
    sizes = unit_scores.groupby(["org", "unit", "wave"])["qwl_index"].count()
    means = means[sizes >= s.min_n].reset_index()
    shown = groups.loc[
        (groups["level"] == "unit") & (groups["status"] == "shown"), ["org", "unit", "wave"]
    ]
    means = means.merge(shown.astype({"wave": means["wave"].dtype}), on=["org", "unit", "wave"])
    period_of = {str(w): str(p) for w, p in data.wave_period.items()}
    means["period"] = means["wave"].astype("str").map(period_of)
    sick = hr[hr["unit"].notna()].copy()
    sick["period"] = sick["period"].astype("str")
    sick = sick.groupby(["org", "unit", "period"])[["sick_days", "fte"]].sum().reset_index()
    sick["sick_days_per_fte"] = sick["sick_days"] / sick["fte"].where(sick["fte"] > 0)
    joined = means.merge(sick, on=["org", "unit", "period"], how="inner")
    rows = []
    joined_waves = set(joined["wave"].astype("str"))
    waves = ", ".join(w for w in data.waves if w in joined_waves)  # in time order
    for var in variables:
        pair = joined[[var, "sick_days_per_fte"]].dropna()
        if len(pair) < 10:
            continue
        res = stats.pearsonr(pair[var], pair["sick_days_per_fte"])
        ci = res.confidence_interval(0.95)
        kind = "item" if var in items else "index" if var == "qwl_index" else "factor"
        r, low, high = float(res.statistic), float(ci.low), float(ci.high)
        rows.append([var, kind, r, low, high, float(res.pvalue), len(pair), waves])
    out = pd.DataFrame(rows, columns=columns)
    for col in ("variable", "kind", "waves"):
        out[col] = out[col].astype("object")
    return out


# --------------------------------------------------------------------------- comments


def _comments(data: Dataset, s: PrepareSettings) -> pd.DataFrame:
    columns = ["org", "unit", "wave", "level", "question", "comment"]
    texts = [c for c in data.responses.columns if str(c).startswith("comment_")]
    if not texts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    shown = suppress_comments(
        data.responses,
        hierarchy=_LEVELS,
        by=("wave",),
        min_n_comments=s.min_n_comments,
        comment_cols=texts,
    )
    out = shown[columns].copy()
    for col in columns:
        out[col] = out[col].astype("str").where(out[col].notna(), None).astype("object")
    return out.reset_index(drop=True)
