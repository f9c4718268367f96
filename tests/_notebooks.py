"""The one way the tests execute a notebook: papermill in a fresh ``hrproductivity`` kernel.

:func:`run_notebook` checks the parameters against the notebook's ``parameters``
cell, points :data:`~hrproductivity.notebook.RESULTS_ENV` at a fresh results
file, executes the notebook and returns the numbers its ``record`` calls saved.
Research, teaching and report-template tests all go through it (the kernel tests
of ``test_report_kernels.py`` drive nbclient themselves: the kernel is what they test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from hrproductivity.notebook import RESULTS_ENV
from hrproductivity.reports import check_parameters
from hrproductivity.reports.execute import execute_notebook

KERNEL = "hrproductivity"

#: A stuck kernel fails the test after this many seconds instead of blocking the suite.
TIMEOUT = 180


def run_notebook(
    notebook: Path,
    parameters: Mapping[str, Any],
    results: Path,
    *,
    output: Path | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """Execute ``notebook`` with papermill and return the numbers it recorded.

    Parameters
    ----------
    notebook : Path
        The notebook; it runs in a fresh ``hrproductivity`` kernel.
    parameters : mapping
        Values for the notebook's ``parameters`` cell; checked against its declarations
        first, so a misspelt or mistyped parameter fails here instead of being injected.
    results : Path
        The results file; :data:`~hrproductivity.notebook.RESULTS_ENV` points at it while
        the notebook runs (removed first, so an old file cannot pass for a new run).
    output : Path, optional
        Where the executed notebook goes (for reading a failure); default next to
        ``results``.
    cwd : Path, optional
        The kernel's working directory; default the notebook's folder, so relative
        defaults resolve as in Jupyter.
    """
    check_parameters(notebook, parameters)
    results.unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(RESULTS_ENV, str(results))
        execute_notebook(
            str(notebook),
            str(output or results.with_suffix(".ipynb")),
            parameters=dict(parameters),
            kernel_name=KERNEL,
            timeout=TIMEOUT,
            cwd=str(cwd or notebook.parent),
        )
    assert results.is_file(), f"{notebook.name} recorded no numbers (no record() call ran)"
    recorded: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    return recorded
