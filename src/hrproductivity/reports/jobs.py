"""Report jobs: what to produce, and the plan for a dataset.

A :class:`Job` is one report: a file name and the template parameters that
differ between reports (organisation, unit). The runner adds the run-level
parameters (``wave``, ``lang``, ``cache``). :func:`plan_jobs` builds the job
list for a dataset; it is the one place to extend when the real templates need
more per-report parameters or other rules for which reports may be produced.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrproductivity.errors import HRProductivityWarning, ReportError, UnknownNameError

if TYPE_CHECKING:
    from hrproductivity.io import Dataset

__all__ = ["LEVELS", "Job", "check_plan", "plan_jobs", "slug"]

LEVELS = ("org", "unit")
_UNSAFE = re.compile(r"[^\w.-]+")
# A file name has at most 255 bytes; the report's own suffixes and the temporary
# name of an atomic write (".<name>.<random>.tmp") need room beside the slug.
_SLUG_BYTES = 80


@dataclass(frozen=True)
class Job:
    """One report to produce.

    Attributes
    ----------
    name : str
        File name without suffix: the report is written to
        ``<out>/<wave>/<level>/<name>.html``. Letters, digits, ``_ . -`` only.
    parameters : mapping
        Template parameters of this report (e.g. ``org``, ``unit``); checked
        against the template before anything runs.
    not_produced : str or None
        When set, the report must not exist (e.g. a unit under the anonymity
        threshold): it is not run, any earlier output is removed, and the
        manifest records ``not_produced`` with this reason.
    """

    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    not_produced: str | None = None

    def __post_init__(self) -> None:
        if not self.name or self.name.startswith(".") or _UNSAFE.search(self.name):
            raise ReportError(
                f"report name {self.name!r} is not a safe file name; "
                "use letters, digits, '_', '.' and '-' (see reports.slug)"
            )


def slug(text: str) -> str:
    """A file-name-safe form of ``text``: letters (ä, ö kept), digits, ``_ . -``.

    At most 80 bytes (UTF-8): a longer name is cut and ends in 8 hex digits of
    its SHA-256, so two long names that start alike still differ.

    Examples
    --------
    >>> slug("Päiväkoti Auringonkukka")
    'Päiväkoti-Auringonkukka'
    """
    out = _UNSAFE.sub("-", text.strip()).strip("-.") or "x"
    if len(out.encode("utf-8")) <= _SLUG_BYTES:
        return out
    head = out.encode("utf-8")[: _SLUG_BYTES - 9].decode("utf-8", "ignore").rstrip("-.")
    return f"{head}-{_short_hash(text)}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _unique(names: list[str], keys: list[str]) -> list[str]:
    """Report names made unique: where different names give one slug (``'A/B'`` and
    ``'A B'``, or ``'Itä'`` and ``'itä'`` on a case-insensitive disk), each of them gets
    ``-`` and 8 hex digits of its own name's SHA-256."""
    count: dict[str, int] = {}
    for n in names:
        count[n.casefold()] = count.get(n.casefold(), 0) + 1
    return [
        f"{n}-{_short_hash(k)}" if count[n.casefold()] > 1 else n
        for n, k in zip(names, keys, strict=True)
    ]


def plan_jobs(
    dataset: Dataset | str | Path,
    *,
    wave: str,
    level: str = "org",
    orgs: Sequence[str] | None = None,
    min_n: int | None = None,
    rank_only_below: int | None = None,
    cache: str | Path | None = None,
) -> list[Job]:
    """One job per organisation, or per organisation and unit, for one survey wave.

    Who gets no report is not decided here: every group's status comes from
    :func:`~hrproductivity.reports.prepare.group_statuses`, the decision the
    report cache holds, read from ``cache`` when given.

    Parameters
    ----------
    dataset : Dataset, str or Path
        A loaded dataset or a dataset folder (read with :func:`~hrproductivity.load_dataset`).
    wave : str
        The survey wave to report.
    level : {"org", "unit"}
        ``"org"``: one report per organisation; ``"unit"``: one per unit.
    orgs : sequence of str, optional
        Only these organisations (default: all in the dataset's unit list).
    min_n, rank_only_below : int, optional
        The anonymity thresholds (defaults and checks:
        :func:`~hrproductivity.privacy.thresholds`). With ``cache`` they must
        be the ones it was prepared with (default: those).
    cache : str or Path, optional
        A report cache prepared from ``dataset``
        (:func:`~hrproductivity.reports.prepare.prepare_cache`): the statuses
        are read from its ``groups`` table. Without one they are computed
        from ``dataset`` by the same function that prepares the cache.

    Returns
    -------
    list of Job
        Names ``<org>`` or ``<org>-<unit slug>``; parameters ``dataset`` (the
        absolute dataset folder), ``org`` and, for units, ``unit``. A group
        whose status is "hidden" is planned ``not_produced``, saying why (no
        answers, fewer than ``min_n`` respondents, fewer than ``min_n`` QWL
        answers, or hidden to protect a smaller group): a report of its own
        would identify people or give away what its organisation's report hides.

    Raises
    ------
    ReportError
        When the wave is not in the dataset, the dataset has no folder, or
        ``cache`` was prepared with other thresholds.
    UnknownNameError
        For an organisation not in the dataset, or an unknown level.
    """
    from hrproductivity.io import Dataset, load_dataset

    data = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    check_plan(data, wave=wave, level=level, orgs=orgs)
    wave = str(wave)
    statuses, low = _statuses(data, cache, min_n, rank_only_below)
    statuses = statuses[(statuses["level"] == level) & (statuses["wave"] == wave)]
    decided = {
        (str(r.org), None if level == "org" else str(r.unit)): r
        for r in statuses.itertuples(index=False)
    }
    known = data.orgs
    chosen = [o for o in known if orgs is None or o in orgs]
    folder = str(Path(str(data.folder)).resolve())
    org_names = dict(zip(known, _unique([slug(o) for o in known], known), strict=True))
    if level == "org":
        return [
            Job(
                org_names[o], {"dataset": folder, "org": o}, _why(decided.get((o, None)), low, wave)
            )
            for o in chosen
        ]
    units = data.units[data.units["wave"] == wave]
    pairs = [
        (o, u) for o, u in sorted(zip(units["org"], units["unit"], strict=True)) if o in chosen
    ]
    names = _unique(
        [f"{org_names[o]}-{slug(u)}" for o, u in pairs], [f"{o}\n{u}" for o, u in pairs]
    )
    return [
        Job(name, {"dataset": folder, "org": o, "unit": u}, _why(decided.get((o, u)), low, wave))
        for (o, u), name in zip(pairs, names, strict=True)
    ]


def check_plan(
    data: Dataset, *, wave: str, level: str = "org", orgs: Sequence[str] | None = None
) -> None:
    """Refuse a plan that cannot be made, before anything is prepared (see :func:`plan_jobs`)."""
    if level not in LEVELS:
        raise UnknownNameError("report level", level, list(LEVELS))
    if data.folder is None:
        raise ReportError(
            "the dataset has no folder the reports could read; write it with write_dataset first"
        )
    if str(wave) not in data.waves:
        raise ReportError(
            f"wave {str(wave)!r} is not in the dataset; its waves: {', '.join(data.waves)}"
        )
    for org in orgs or ():
        if org not in data.orgs:
            raise UnknownNameError("organisation", org, data.orgs)


def _statuses(
    data: Dataset, cache: str | Path | None, min_n: int | None, rank_only_below: int | None
) -> tuple[Any, int]:
    """The groups' statuses (from ``cache``, or decided now) and the ``min_n`` behind them."""
    from hrproductivity.reports.prepare import PrepareSettings, group_statuses, read_statuses

    if cache is not None:
        statuses, settings = read_statuses(cache)
        for name, asked in (("min_n", min_n), ("rank_only_below", rank_only_below)):
            if asked is not None and asked != settings[name]:
                raise ReportError(
                    f"the report cache {cache} was prepared with {name}={settings[name]}, "
                    f"not {asked}; prepare it with the thresholds of the plan"
                )
        return statuses, int(settings["min_n"])
    with warnings.catch_warnings():  # a small min_n is warned about where it is chosen
        warnings.simplefilter("ignore", HRProductivityWarning)
        chosen = PrepareSettings(  # None: the default rule of privacy.thresholds
            min_n=min_n,  # type: ignore[arg-type]
            rank_only_below=rank_only_below,  # type: ignore[arg-type]
        )
    return group_statuses(data, chosen), chosen.min_n


def _why(group: Any, min_n: int, wave: str) -> str | None:
    """Why a group gets no report (None: it gets one), from its decided status."""
    if group is None or group.reason == "no_answers":
        return f"no responses in wave {wave}"
    if group.status != "hidden":
        return None
    if group.reason == "few_respondents":
        return f"fewer than {min_n} respondents (n={group.n}); the report would identify people"
    if group.reason == "few_qwl_answers":
        return (
            f"fewer than {min_n} people answered the questions (n={group.qwl_n}); "
            "the report would identify people"
        )
    return (
        "hidden to protect a smaller group (complementary suppression): its own "
        "report would reveal what the organisation's report hides"
    )


def _check_unique(jobs: Sequence[Job]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if job.name in seen:
            raise ReportError(f"two reports are named {job.name!r}; report names must be unique")
        seen.add(job.name)
