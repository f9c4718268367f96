"""The report cache store: prepared tables kept under a key made of their inputs.

A report run's shared tables (:mod:`.prepare`) depend on the dataset's inputs
and the settings (thresholds, assumptions) only. :attr:`Preparer.input_hash
<hrproductivity.reports.prepare.Preparer.input_hash>` folds both into one
SHA-256; :class:`CacheStore` keeps the prepared folder of each such key under
its root, builds it once (one process at a time, the others wait and reuse
it) and renames it into place whole, so a folder in the store is complete or
absent::

    store = CacheStore("reports/.cache")
    folder = store.ensure(prepare("data/raw/example", min_n=12))

Another dataset, other thresholds or another hrproductivity version give
another folder; nothing is ever read from a cache built from other inputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hrproductivity._versions import package_version

if TYPE_CHECKING:
    from hrproductivity.io import Dataset

__all__ = ["CacheStore", "Prepared", "dataset_hash"]


class Prepared(Protocol):
    """What the store prepares: a callable filling a folder, with the hash of its inputs."""

    @property
    def input_hash(self) -> str: ...

    def __call__(self, folder: Path) -> Any: ...


class CacheStore:
    """Prepared report caches under ``root``, one folder per input hash.

    Parameters
    ----------
    root : str or Path
        The folder that holds the caches (created when first needed).

    Examples
    --------
    >>> store = CacheStore("/tmp/caches")
    >>> store.path("0" * 64).parent == Path("/tmp/caches").resolve()
    True
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    @classmethod
    def for_run(cls, cache_dir: str | Path | None, out: str | Path) -> CacheStore:
        """The store of a report run: ``cache_dir``, or ``<out>/.cache`` when not given."""
        return cls(cache_dir if cache_dir else Path(out) / ".cache")

    def path(self, key: str) -> Path:
        """The folder of the tables prepared from inputs hashing to ``key``.

        The folder name is the start of the SHA-256 of ``key`` and this
        hrproductivity version: a new version prepares anew.
        """
        digest = hashlib.sha256(f"{key}|{package_version('hrproductivity')}".encode())
        return self.root / digest.hexdigest()[:16]

    def ensure(
        self,
        preparer: Prepared | Callable[[Path], object],
        *,
        key: str | None = None,
        rebuild: bool = False,
    ) -> Path:
        """The prepared folder of ``preparer``'s inputs, prepared now if missing.

        Parameters
        ----------
        preparer : callable
            Fills an empty folder with the tables (``preparer(folder)``).
        key : str, optional
            The inputs' hash (default ``preparer.input_hash``).
        rebuild : bool
            Prepare anew and replace an existing folder (``resume=False``:
            nothing of an earlier run is reused).

        Returns
        -------
        Path
            The folder, complete.

        Notes
        -----
        The tables are prepared in a temporary folder beside the target and
        renamed into place (atomic on one file system). A lock file per key
        makes a second process that wants the same folder wait for the first
        and reuse its work instead of preparing it again.
        """
        if key is None:
            key = str(getattr(preparer, "input_hash"))  # noqa: B009 - a callable may lack it
        target = self.path(key)
        if target.is_dir() and not rebuild:
            return target
        self.root.mkdir(parents=True, exist_ok=True)
        with _locked(self.root / f".{target.name}.lock"):
            if target.is_dir() and not rebuild:  # prepared by another process meanwhile
                return target
            _prepare_into(preparer, target)
        return target


def _prepare_into(preparer: Callable[[Path], object], target: Path) -> None:
    """Prepare into a temporary folder beside ``target`` and rename it into place."""
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    old: Path | None = None
    try:
        preparer(tmp)
        if target.is_dir():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
            os.replace(target, old / target.name)
        try:
            os.replace(tmp, target)
        except OSError:  # prepared meanwhile by a process that took no lock
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``, waiting for it (released by the OS even
    after SIGKILL; no lock where the platform or file system has none)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:  # a file system without locks: prepare unlocked
            pass
        yield


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
