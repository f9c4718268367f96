"""Report jobs: what to produce, and the plan for a dataset.

A :class:`Job` is one report: a file name and the template parameters that
differ between reports (organisation, unit). The runner adds the run-level
parameters (``wave``, ``lang``, ``cache``). :func:`plan_jobs` builds the job
list for a dataset; it is the one place to extend when the real templates need
more per-report parameters or other rules for which reports may be produced.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrproductivity.errors import ReportError, UnknownNameError

if TYPE_CHECKING:
    from hrproductivity.io import Dataset

__all__ = ["LEVELS", "Job", "dataset_hash", "plan_jobs", "slug"]

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
) -> list[Job]:
    """One job per organisation, or per organisation and unit, for one survey wave.

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
    min_n : int, optional
        Units (or organisations) with fewer respondents in the wave are planned
        as ``not_produced``: a report that small would identify people. Default
        and checks: :func:`~hrproductivity.privacy.thresholds`.

    Returns
    -------
    list of Job
        Names ``<org>`` or ``<org>-<unit slug>``; parameters ``dataset`` (the
        absolute dataset folder), ``org`` and, for units, ``unit``.

    Raises
    ------
    ReportError
        When the wave is not in the dataset or the dataset has no folder.
    UnknownNameError
        For an organisation not in the dataset, or an unknown level.
    """
    from hrproductivity.io import Dataset, load_dataset
    from hrproductivity.privacy import thresholds

    min_n = thresholds(min_n, warn=False)[0]
    if level not in LEVELS:
        raise UnknownNameError("report level", level, list(LEVELS))
    data = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    if data.folder is None:
        raise ReportError(
            "the dataset has no folder the reports could read; write it with write_dataset first"
        )
    wave = str(wave)
    if wave not in data.waves:
        raise ReportError(
            f"wave {wave!r} is not in the dataset; its waves: {', '.join(data.waves)}"
        )
    known = data.orgs
    for org in orgs or ():
        if org not in known:
            raise UnknownNameError("organisation", org, known)
    chosen = [o for o in known if orgs is None or o in orgs]
    answers = data.responses[data.responses["wave"] == wave]
    folder = str(Path(data.folder).resolve())
    jobs: list[Job] = []
    org_names = dict(zip(known, _unique([slug(o) for o in known], known), strict=True))
    if level == "org":
        n_by_org = answers.groupby("org")["respondent"].nunique()
        for org in chosen:
            n = int(n_by_org.get(org, 0))
            reason = _too_few(n, min_n, wave)
            jobs.append(Job(org_names[org], {"dataset": folder, "org": org}, reason))
        return jobs
    units = data.units[data.units["wave"] == wave]
    n_by_unit = answers.groupby(["org", "unit"])["respondent"].nunique()
    pairs = [
        (o, u) for o, u in sorted(zip(units["org"], units["unit"], strict=True)) if o in chosen
    ]
    names = _unique(
        [f"{org_names[o]}-{slug(u)}" for o, u in pairs], [f"{o}\n{u}" for o, u in pairs]
    )
    for (org, unit), name in zip(pairs, names, strict=True):
        n = int(n_by_unit.get((org, unit), 0))
        reason = _too_few(n, min_n, wave)
        params = {"dataset": folder, "org": org, "unit": unit}
        jobs.append(Job(name, params, reason))
    return jobs


def _too_few(n: int, min_n: int, wave: str) -> str | None:
    if n == 0:
        return f"no responses in wave {wave}"
    if n < min_n:
        return f"fewer than {min_n} respondents (n={n}); the report would identify people"
    return None


def dataset_hash(dataset: Dataset) -> str:
    """SHA-256 of what a dataset was read from: file hashes, instruments, wave mapping.

    A dataset made in memory (no source files) is hashed by its tables' contents.
    """
    import pandas as pd

    parts: dict[str, Any] = {
        "instruments": [i.name for i in dataset.instruments],
        "wave_period": dict(sorted(dataset.wave_period.items())),
    }
    if dataset.sources:
        parts["sources"] = dict(sorted(dataset.sources.items()))
    else:
        for table in ("responses", "units", "hr", "finance"):
            frame = dataset.table(table)
            digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values)
            parts[table] = [list(map(str, frame.columns)), digest.hexdigest()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _check_unique(jobs: Sequence[Job]) -> None:
    seen: set[str] = set()
    for job in jobs:
        if job.name in seen:
            raise ReportError(f"two reports are named {job.name!r}; report names must be unique")
        seen.add(job.name)
