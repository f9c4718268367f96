"""The report templates' name for :func:`hrproductivity.notebook.record`.

``from hrproductivity.reports import record`` and this module keep working; the
function and :data:`RESULTS_ENV` live in :mod:`hrproductivity.notebook`, which
research and teaching notebooks use as well.
"""

from __future__ import annotations

from hrproductivity.notebook import RESULTS_ENV, record

__all__ = ["RESULTS_ENV", "record"]
