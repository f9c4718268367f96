"""Helpers that notebooks share: reports, research and teaching notebooks alike.

:func:`record` saves a notebook's key numbers next to its output (instead of
scrapbook). A report template's or a research notebook's last cell calls it for
each number a test or a later analysis needs::

    from hrproductivity.notebook import record
    record("qwl_index", qwl)
    record("respondents", int(n))

During a report run the runner sets the environment variable
:data:`RESULTS_ENV` in the notebook's kernel; the values go to
``<report>.results.json`` beside the report's ``.html``, which the runner moves
into place together with the other outputs. Run interactively (Jupyter Lab,
no variable set and no ``path``), ``record`` only checks that the value can be
saved. ``hrproductivity.reports.record`` is the same function (the report
templates import it from there).

The results file is published beside the report, so a template records only
what its report shows, at the precision the report prints it, and nothing
about a group that is not shown (the report templates record
:func:`~hrproductivity.reports.content.key_numbers`, which rounds so).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from hrproductivity._files import atomic_write

__all__ = ["RESULTS_ENV", "record"]

RESULTS_ENV = "HRPRODUCTIVITY_RESULTS"
"""Name of the environment variable that holds the results file of a report run."""


def record(name: str, value: Any, *, path: str | Path | None = None) -> None:
    """Save one key number (or a small list or mapping) of a report.

    Parameters
    ----------
    name : str
        Key in the results file; a second call with the same name replaces the value.
    value : JSON-compatible value
        ``None``, bool, int, float, str, or lists and str-keyed mappings of these.
        NumPy scalars and arrays and pandas Series are converted (``.item()``,
        ``.tolist()``); NaN and infinities are saved as ``null``.
    path : str or Path, optional
        The results file. Default: the file named by the environment variable
        ``HRPRODUCTIVITY_RESULTS``, which the report runner sets.

    Raises
    ------
    TypeError
        When ``name`` is not a string or the value cannot be saved as JSON.

    Notes
    -----
    Each call rewrites the whole file through a temporary file and a rename,
    so the file is never half written.

    Examples
    --------
    >>> import tempfile, json, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "k091.results.json"
    >>> record("qwl_index", 61.8, path=p)
    >>> json.loads(p.read_text())
    {'qwl_index': 61.8}
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"record() needs a non-empty str name, got {name!r}")
    plain = _plain(value, name)
    target = path if path is not None else os.environ.get(RESULTS_ENV)
    if not target:
        return
    target = Path(target)
    results: dict[str, Any] = {}
    if target.is_file():
        results = json.loads(target.read_text(encoding="utf-8"))
    results[name] = plain
    text = json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False)
    atomic_write(target, lambda p: p.write_text(text + "\n", encoding="utf-8"))


def _plain(value: Any, name: str) -> Any:
    """The value as plain JSON types (NumPy and pandas converted; NaN to None)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_plain(v, name) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"record({name!r}): mapping keys must be str")
        return {k: _plain(v, name) for k, v in value.items()}
    if hasattr(value, "tolist") and not hasattr(value, "columns"):
        return _plain(value.tolist(), name)  # NumPy scalars and arrays, pandas Series
    if hasattr(value, "item"):
        return _plain(value.item(), name)
    raise TypeError(
        f"record({name!r}): a {type(value).__name__} cannot be saved as JSON; "
        "record numbers, strings, lists or dicts (e.g. frame.to_dict())"
    )
