"""Per-organisation and per-unit reports: a batch runner for parameterised notebooks.

The pieces, in the order a run uses them:

- :class:`Job` and :func:`plan_jobs`: which reports to produce, with which parameters;
- :func:`check_parameters`: parameters against the template's ``parameters`` cell;
- :func:`run_reports`: prepare once, execute in parallel, export, write atomically;
- executors by name (``local``, ``dask``): :func:`get_executor`, :func:`register_executor`;
- :class:`Manifest` and :class:`Entry`: what was produced, from what, and how it went;
- :func:`record`: called by a template to save its key numbers beside the report.

Importing this package is light (the notebook machinery loads on first use),
so templates can call :func:`record` without slowing every report down.
"""

from __future__ import annotations

from hrproductivity.reports.execute import execute_notebook
from hrproductivity.reports.executors import get_executor, register_executor, registered_executors
from hrproductivity.reports.export import find_chromium, to_html, to_pdf
from hrproductivity.reports.index import write_index
from hrproductivity.reports.jobs import Job, dataset_hash, plan_jobs, slug
from hrproductivity.reports.manifest import Entry, Manifest
from hrproductivity.reports.parameters import check_parameters, inspect_template
from hrproductivity.reports.record import RESULTS_ENV, record
from hrproductivity.reports.runner import run_reports, template_hash

__all__ = [
    "RESULTS_ENV",
    "Entry",
    "Job",
    "Manifest",
    "check_parameters",
    "dataset_hash",
    "execute_notebook",
    "find_chromium",
    "get_executor",
    "inspect_template",
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
