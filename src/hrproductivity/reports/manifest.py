"""The manifest of a report run: one entry per report, merged across runs.

``<out>/<wave>/manifest.json`` records for every report of the wave its
parameters, the hashes of its inputs and template, package versions, status,
time, error and output files. It is rewritten atomically (temporary file, then
rename) while a run progresses, so it is never half written, and entries of
earlier runs (the other level, other organisations) are kept.

Statuses: ``ok`` (produced in this run), ``skipped`` (up to date: produced by an
earlier run from the same inputs, template and parameters), ``failed`` (the
notebook or the export failed; ``error`` says where), ``not_produced`` (the
caller ruled the report out, ``reason`` says why; earlier outputs are removed).

The file is published with the reports, so it says nothing about a group
whose results are not shown: reports that were not produced are only counted
per level (``"not_produced": {"unit": 3}``), without their names, sizes or
reasons. Those stay in the :class:`Manifest` a run returns to its caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrproductivity._files import atomic_write

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STATUSES", "Entry", "Manifest"]

STATUSES = ("ok", "skipped", "failed", "not_produced")
MANIFEST = "manifest.json"


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Entry:
    """One report in the manifest.

    Attributes
    ----------
    name, level : str
        The report is ``<level>/<name>.*`` under the wave folder.
    status : {"ok", "skipped", "failed", "not_produced"}
    parameters : dict
        Every parameter passed to the template (run-level ones included).
    input_hash, template, template_hash : str
        SHA-256 of the inputs (as the caller defines them) and of the
        template's cells; the template's path.
    versions : dict
        Package versions of the run that produced the outputs.
    seconds : float
        Time to execute and export (0 for skipped and not produced).
    attempts : int
        Kernel starts tried (more than 1 after a kernel start failure).
    outputs : dict
        Format (``ipynb``, ``html``, ``pdf``, ``results``, ``failed_ipynb``) to
        path relative to the wave folder.
    error : dict or None
        For a failure: ``cell`` (index in the executed notebook),
        ``execution_count``, ``source`` (excerpt of the failing cell),
        ``exception`` (the exception line) and ``message`` (one line).
    reason : str or None
        Why a report was not produced.
    finished : str
        When this entry was written (UTC).
    produced : str or None
        When the outputs were produced (an earlier run's time for skipped reports).
    """

    name: str
    level: str
    status: str
    parameters: dict[str, Any] = field(default_factory=dict)
    input_hash: str = ""
    template: str = ""
    template_hash: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    attempts: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    reason: str | None = None
    finished: str = ""
    produced: str | None = None

    @property
    def key(self) -> str:
        """``<level>/<name>``: unique within a wave."""
        return f"{self.level}/{self.name}"

    def message(self) -> str:
        """One line for the CLI: what happened to this report."""
        if self.status == "failed" and self.error:
            return f"{self.key}: failed: {self.error.get('message', '')}"
        if self.status == "not_produced":
            return f"{self.key}: not produced: {self.reason}"
        return f"{self.key}: {self.status}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Manifest:
    """Report entries of one wave.

    :func:`~hrproductivity.reports.run_reports` returns the entries of its run
    (one per job); ``manifest.json`` at :attr:`path` holds every report of the
    wave (:meth:`load` reads it).

    Attributes
    ----------
    wave : str
    folder : Path
        ``<out>/<wave>``.
    entries : dict
        ``<level>/<name>`` -> :class:`Entry`.
    """

    wave: str
    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    withheld: dict[str, int] = field(default_factory=dict)
    """Reports not produced by earlier runs, counted by level (their names are not kept)."""

    @property
    def path(self) -> Path:
        """``<out>/<wave>/manifest.json``."""
        return self.folder / MANIFEST

    @property
    def failed(self) -> list[Entry]:
        """Entries whose report failed."""
        return [e for e in self.entries.values() if e.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no report failed."""
        return not self.failed

    def counts(self) -> dict[str, int]:
        """Number of reports by status (every status listed)."""
        counts = dict.fromkeys(STATUSES, 0)
        for e in self.entries.values():
            if e.status != "not_produced":
                counts[e.status] = counts.get(e.status, 0) + 1
        counts["not_produced"] = sum(self.not_produced().values())
        return counts

    def not_produced(self) -> dict[str, int]:
        """Reports not produced, counted by level: this run's entries, else earlier counts."""
        counts = dict(self.withheld)
        mine = [e.level for e in self.entries.values() if e.status == "not_produced"]
        for level in set(mine):
            counts[level] = mine.count(level)
        return dict(sorted(counts.items()))

    def published(self) -> list[Entry]:
        """The entries that name a report: every status but ``not_produced``."""
        return [e for e in self.entries.values() if e.status != "not_produced"]

    def summary(self) -> pd.DataFrame:
        """One row per report: ``level``, ``name``, ``status``, ``seconds``, ``attempts``,
        ``html`` (path or None), ``message`` (error or reason, or None)."""
        import pandas as pd

        rows = [
            {
                "level": e.level,
                "name": e.name,
                "status": e.status,
                "seconds": e.seconds,
                "attempts": e.attempts,
                "html": e.outputs.get("html"),
                "message": (e.error or {}).get("message") or e.reason,
            }
            for e in self.entries.values()
        ]
        columns = ["level", "name", "status", "seconds", "attempts", "html", "message"]
        return pd.DataFrame(rows, columns=columns)

    @classmethod
    def load(cls, folder: str | Path, wave: str | None = None) -> Manifest:
        """Read ``<folder>/manifest.json``; an empty manifest when there is none.

        ``folder`` is the wave folder ``<out>/<wave>``.
        """
        folder = Path(folder)
        path = folder / MANIFEST
        wave = wave if wave is not None else folder.name
        if not path.is_file():
            return cls(wave, folder)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = [Entry.from_dict(d) for d in data.get("reports", [])]
            withheld = {str(k): int(v) for k, v in (data.get("not_produced") or {}).items()}
        except (ValueError, TypeError, KeyError, AttributeError):
            # Written atomically, so only a hand edit breaks it; start afresh then.
            return cls(wave, folder)
        for e in entries:  # a manifest of an earlier version named them: count them only
            if e.status == "not_produced":
                withheld[e.level] = withheld.get(e.level, 0) + 1
        kept = {e.key: e for e in entries if e.status != "not_produced"}
        return cls(str(data.get("wave", wave)), folder, kept, withheld)

    def merged(self, entries: Iterable[Entry]) -> Manifest:
        """A new manifest with ``entries`` added or replacing those with the same key."""
        merged = dict(self.entries)
        merged.update((e.key, e) for e in entries)
        return Manifest(self.wave, self.folder, dict(sorted(merged.items())), dict(self.withheld))

    def write(self) -> Path:
        """Write ``manifest.json`` atomically; return its path.

        Reports not produced are counted by level, not listed (see the module notes).
        """
        data = {
            "wave": self.wave,
            "updated": now(),
            "reports": [asdict(e) for e in self.published()],
            "not_produced": self.not_produced(),
        }
        text = json.dumps(data, indent=2, ensure_ascii=False)
        atomic_write(self.path, lambda p: p.write_text(text + "\n", encoding="utf-8"))
        return self.path


def up_to_date(
    entry: Entry | None, wanted: Entry, formats: Iterable[str], folder: Path
) -> Entry | None:
    """The skipped entry when ``entry`` (from an earlier run) still stands for ``wanted``.

    It stands when it was produced (ok or skipped) from the same input hash,
    template hash and parameters, and every output it lists exists and is valid:
    the notebook parses as JSON, the HTML is complete, the PDF has its end marker.
    """
    if entry is None or entry.status not in ("ok", "skipped"):
        return None
    same = (
        entry.input_hash == wanted.input_hash
        and entry.template_hash == wanted.template_hash
        and entry.parameters == wanted.parameters
    )
    if not same or not all(f in entry.outputs for f in ("ipynb", *formats)):
        return None
    if not all(_valid(folder / rel) for rel in entry.outputs.values()):
        return None
    return replace(entry, status="skipped", seconds=0.0, attempts=0, finished=now())


def _valid(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    name = path.name
    try:
        if name.endswith((".ipynb", ".json")):
            parsed = json.loads(data)
            return isinstance(parsed, dict) and (not name.endswith(".ipynb") or "cells" in parsed)
        if name.endswith(".html"):
            return data.rstrip().lower().endswith(b"</html>")
        if name.endswith(".pdf"):
            return data.startswith(b"%PDF") and b"%%EOF" in data[-2048:]
    except ValueError:
        return False
    return len(data) > 0
