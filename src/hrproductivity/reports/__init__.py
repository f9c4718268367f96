"""Per-organisation and per-unit reports: a batch runner for parameterised notebooks.

The pieces, in the order a run uses them:

- :class:`CacheStore`: the shared tables prepared once per input hash (:mod:`.prepare`);
- :class:`Job` and :func:`plan_jobs`: which reports to produce, with which parameters
  (who gets none is read from the prepared statuses);
- :func:`check_parameters`: parameters against the template's ``parameters`` cell;
- :func:`run_reports`: prepare once, execute in parallel, export, write atomically;
- executors by name (``local``, ``dask``): :func:`get_executor`, :func:`register_executor`;
  running local workers owned by a ``with`` block: :func:`local_workers`;
- :class:`Manifest` and :class:`Entry`: what was produced, from what, and how it went;
- :func:`record`: called by a template to save its key numbers beside the report.

Importing this package is light: each name loads its submodule on first use,
so templates can call :func:`record` and worker processes start without
loading what they do not run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded now: the submodule is named like the function, and a submodule imported
# later (as the report kernels' fork server does) would otherwise take its place.
from hrproductivity.reports.record import RESULTS_ENV, record

if TYPE_CHECKING:
    from hrproductivity.reports.execute import execute_notebook
    from hrproductivity.reports.executors import (
        get_executor,
        local_workers,
        register_executor,
        registered_executors,
    )
    from hrproductivity.reports.export import find_chromium, to_html, to_pdf
    from hrproductivity.reports.index import write_index
    from hrproductivity.reports.jobs import Job, plan_jobs, slug
    from hrproductivity.reports.manifest import Entry, Manifest
    from hrproductivity.reports.parameters import check_parameters, inspect_template
    from hrproductivity.reports.runner import run_reports, template_hash
    from hrproductivity.reports.store import CacheStore, dataset_hash

# name -> the submodule that defines it; loaded on first use (PEP 562), so that a
# report kernel importing `record`, or a worker process, loads no more than it needs
_EXPORTS = {
    "execute_notebook": "execute",
    "get_executor": "executors",
    "local_workers": "executors",
    "register_executor": "executors",
    "registered_executors": "executors",
    "find_chromium": "export",
    "to_html": "export",
    "to_pdf": "export",
    "write_index": "index",
    "Job": "jobs",
    "CacheStore": "store",
    "dataset_hash": "store",
    "plan_jobs": "jobs",
    "slug": "jobs",
    "Entry": "manifest",
    "Manifest": "manifest",
    "check_parameters": "parameters",
    "inspect_template": "parameters",
    "run_reports": "runner",
    "template_hash": "runner",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"hrproductivity.reports.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hrproductivity.reports' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "RESULTS_ENV",
    "CacheStore",
    "Entry",
    "Job",
    "Manifest",
    "check_parameters",
    "dataset_hash",
    "execute_notebook",
    "find_chromium",
    "get_executor",
    "inspect_template",
    "local_workers",
    "plan_jobs",
    "record",
    "register_executor",
    "registered_executors",
    "run_reports",
    "slug",
    "template_hash",
    "to_html",
    "to_pdf",
    "write_index",
]
