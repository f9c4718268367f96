"""Execute one notebook with papermill, safely beside other kernels.

Kernels started at the same time by different processes can pick the same
TCP ports (papermill's ``ZMQError: Address already in use``, or worse a silent
hang when one kernel talks to another's socket). Here the kernel talks over
Unix sockets in a private temporary folder instead, and every cell has a time
limit, so a stuck kernel fails the run rather than blocking it. The kernel is
forked from the process's warm fork server where it can be
(:mod:`hrproductivity.reports.kernels`): a notebook starts in a fraction of a second.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hrproductivity._files import scratch_tempdir
from hrproductivity.reports.record import RESULTS_ENV

__all__ = ["execute_notebook"]


def execute_notebook(
    notebook: str | Path,
    output: str | Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    cwd: str | Path | None = None,
    results: str | Path | None = None,
    kernel_name: str = "hrproductivity",
    timeout: float = 600,
) -> Any:
    """Run ``notebook`` with ``parameters`` into ``output`` (papermill), over Unix sockets.

    Parameters
    ----------
    notebook, output : str or Path
        The template and the executed copy.
    parameters : mapping, optional
        Injected after the cell tagged ``parameters``.
    cwd : str or Path, optional
        The kernel's working folder (default: the notebook's folder).
    results : str or Path, optional
        Where :func:`~hrproductivity.reports.record` saves the key numbers
        (sets ``HRPRODUCTIVITY_RESULTS`` for the kernel).
    kernel_name : str
        The Jupyter kernel (the project's own by default).
    timeout : float
        Seconds any one cell may take.

    Returns
    -------
    NotebookNode
        The executed notebook.
    """
    import papermill
    from traitlets.config import Config

    from hrproductivity.reports.kernels import ReportKernelManager

    notebook = Path(notebook)
    previous = os.environ.get(RESULTS_ENV)
    with scratch_tempdir("hrp-kernel-") as sockets:
        config = Config()
        if sys.platform != "win32" and len(os.fsencode(sockets)) < 90:
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = str(Path(sockets) / "k")
        try:
            if results is not None:
                os.environ[RESULTS_ENV] = str(results)
            return papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name,
                cwd=str(cwd or notebook.parent),
                progress_bar=False,
                execution_timeout=timeout,
                start_timeout=60,
                config=config,
                kernel_manager_class=ReportKernelManager,
            )
        finally:
            if results is not None:
                if previous is None:
                    os.environ.pop(RESULTS_ENV, None)
                else:
                    os.environ[RESULTS_ENV] = previous
